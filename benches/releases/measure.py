#!/usr/bin/env python3
"""Time a delta release against re-running everything (issue 21).

    python3 benches/releases/measure.py --corpus /work/bench-mid \
        [--bin target/release/corpusledger] [--work DIR] [--runs 3] \
        [--every 10] [--threshold 0.7] [--tokenizer bigcode] [--threads 2]

The corpus is the `benches/compare` one: ecosystem folders (`crates/`,
`pypi/`) of package versions (`name@version/`). Its package versions, sorted,
are split into B (every `--every`-th, 10 % by default) and A (the rest),
hard-linked under WORK/A and WORK/B with the same layout. Then:

1. `run --input A` into WORK/outA (the published base; timed once);
2. `--runs` times, taking turns: `run --input A --input B` (everything again)
   and `run --input B --base WORK/outA` (the delta release), each into its
   own directory with --overwrite;
3. the median wall time of each, and the median of the ratios of the runs
   taken in turn; the acceptance asks for the delta at most a quarter of the
   whole.

It also checks, as a sanity figure, that the two releases together keep as
many documents as the whole run keeps, counted from the manifests. The
timings are of the corpusledger binary given; no other tool is involved.
Prints Markdown, and with --json the figures as JSON.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path


def split(corpus: Path, ecosystems: list[str], work: Path, every: int) -> tuple[Path, Path, int, int]:
    """Hard-links the package versions of `corpus` into work/A and work/B."""
    a, b = work / "A", work / "B"
    if a.exists() and b.exists():
        count = lambda root: sum(1 for eco in root.iterdir() for _ in eco.iterdir())
        return a, b, count(a), count(b)
    versions = sorted(
        (eco, repo.name)
        for eco in ecosystems
        if (corpus / eco).is_dir()
        for repo in (corpus / eco).iterdir()
        if repo.is_dir()
    )
    n_a = n_b = 0
    for i, (eco, repo) in enumerate(versions):
        side = b if i % every == 0 else a
        (side / eco).mkdir(parents=True, exist_ok=True)
        subprocess.run(["cp", "-al", str(corpus / eco / repo), str(side / eco / repo)], check=True)
        if side is b:
            n_b += 1
        else:
            n_a += 1
    return a, b, n_a, n_b


def timed(cmd: list[str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    seconds = time.perf_counter() - start
    if done.returncode not in (0, 1):
        sys.exit(f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stderr}")
    return seconds


def manifest(out: Path) -> dict:
    return json.loads((out / "manifest.json").read_text())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--bin", default="target/release/corpusledger")
    parser.add_argument("--work", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--every", type=int, default=10)
    parser.add_argument("--ecosystems", default="crates,pypi", help="the corpus folders to split (not the cargo home)")
    parser.add_argument("--threshold", default="0.7")
    parser.add_argument("--tokenizer", default="bigcode")
    parser.add_argument("--threads", default="2")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    work = args.work or Path(f"{args.corpus}.releases")
    work.mkdir(parents=True, exist_ok=True)
    a, b, n_a, n_b = split(args.corpus, args.ecosystems.split(","), work, args.every)
    common = ["--tokenizer", args.tokenizer, "--threshold", args.threshold, "--threads", args.threads,
              "--quiet", "--overwrite"]
    run = [os.fspath(args.bin), "run"]
    base_seconds = timed(run + ["--input", str(a), "--out", str(work / "outA")] + common)
    whole, delta = [], []
    for _ in range(args.runs):
        whole.append(timed(run + ["--input", str(a), "--input", str(b), "--out", str(work / "outAB")] + common))
        delta.append(timed(run + ["--input", str(b), "--base", str(work / "outA"), "--out", str(work / "outB")]
                           + common))
    m_a, m_b, m_ab = manifest(work / "outA"), manifest(work / "outB"), manifest(work / "outAB")
    figures = {
        "corpus": str(args.corpus),
        "package-versions": {"A": n_a, "B": n_b},
        "documents": {"A": m_a["counts"]["documents"], "B": m_b["counts"]["documents"],
                      "A+B": m_ab["counts"]["documents"]},
        "kept": {"A": m_a["counts"]["kept"], "B": m_b["counts"]["kept"], "A+B": m_ab["counts"]["kept"]},
        "base-duplicates": m_b["dedup"]["found"].get("base-duplicates"),
        "base-candidate-pairs": m_b["dedup"]["found"].get("base-candidate-pairs"),
        "base-verified-pairs": m_b["dedup"]["found"].get("base-verified-pairs"),
        "seconds": {"base A": base_seconds, "A+B": whole, "B --base A": delta},
        "median": {"A+B": statistics.median(whole), "B --base A": statistics.median(delta)},
    }
    # Pair by pair (the two ran in turn), so that the machine's drift
    # between runs does not move the ratio; and of the medians, for reference.
    figures["ratio"] = statistics.median(d / w for d, w in zip(delta, whole))
    figures["ratio-of-medians"] = figures["median"]["B --base A"] / figures["median"]["A+B"]
    if args.json:
        print(json.dumps(figures, indent=2))
        return
    k = figures["kept"]
    print(f"| | A+B again | B --base A |\n|---|---:|---:|")
    print(f"| median wall of {args.runs} (s) | {figures['median']['A+B']:.2f} | {figures['median']['B --base A']:.2f} |")
    print(f"| runs (s) | {', '.join(f'{s:.2f}' for s in whole)} | {', '.join(f'{s:.2f}' for s in delta)} |")
    print(f"\nratio B --base A / A+B, median of the {args.runs} pairs: {figures['ratio']:.3f} "
          f"(of the medians: {figures['ratio-of-medians']:.3f}; the issue asks for at most 0.25)")
    print(f"package versions: A {n_a}, B {n_b}; documents: A {figures['documents']['A']}, "
          f"B {figures['documents']['B']}; base A took {base_seconds:.2f} s")
    print(f"kept: A {k['A']} + B {k['B']} = {k['A'] + k['B']}, A+B {k['A+B']}; "
          f"B's documents removed as copies of A's: {figures['base-duplicates']} "
          f"({figures['base-verified-pairs']} verified of {figures['base-candidate-pairs']} candidate pairs)")


if __name__ == "__main__":
    main()
