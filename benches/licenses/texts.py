#!/usr/bin/env python3
"""texts.py - corpusledger's license detection on a labelled set of license
texts that was not made here: ScanCode's license data (issue 19).

    python3 benches/licenses/texts.py --scancode-data DIR --corpusledger BIN [--work DIR] [--no-write]

DIR is ScanCode's `licensedcode/data` folder (from `pip install
scancode-toolkit`; e.g. VENV/lib/python3.11/site-packages/licensedcode/data).

The truth is ScanCode's own labels, never corpusledger's output:
  - every `licenses/*.LICENSE` (a license's reference text) whose
    `spdx_license_key` is an SPDX id: that id;
  - every `rules/*.RULE` with `is_license_text: yes` (a full license text as
    found in the wild: other wording, layout, holders, several licenses in
    one file): its `license_expression`, ScanCode keys turned into SPDX ids
    with the `.LICENSE` files' `spdx_license_key`. A rule naming a key with no
    SPDX id (ScanCode's `LicenseRef-scancode-*`) is left out, counted.
Classes: `single` (one license id in the truth) and `multi` (two or more).
Each text becomes DIR/texts/tN/LICENSE, and
`corpusledger licenses --json --repo-depth 1 DIR/texts` reads them all.

Verdicts, per text: `exact` when the set of ids detected equals the truth's
(`X WITH Y` is one id); `nothing` when nothing is detected; else `wrong`. The
`relaxed` columns count GNU `-only` and `-or-later` as one, since a license
text alone cannot tell them apart.

Targets (issue 19): single exact >= 97 %, multi exact >= 85 %, nothing <= 2 %.
"""
from __future__ import annotations

import argparse
import collections
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import score  # noqa: E402  (expr_ids, relax, corpusledger_run/load/version)

HERE = Path(__file__).resolve().parent


def front_matter(path: Path) -> tuple[dict[str, str], str]:
    """The top-level `key: value` lines of a ScanCode data file's YAML front
    matter, and the text after it."""
    raw = path.read_text(encoding="utf-8", errors="replace")
    if not raw.startswith("---"):
        return {}, raw
    end = raw.find("\n---", 3)
    if end < 0:
        return {}, raw
    meta = {}
    for line in raw[3:end].splitlines():
        m = re.match(r"^([a-z_]+):\s*(.*)$", line)
        if m:
            meta[m.group(1)] = m.group(2).strip().strip("'\"")
    return meta, raw[end + 4:].lstrip("\n")


def load_set(data: Path) -> tuple[list[dict], collections.Counter]:
    keys: dict[str, str | None] = {}
    texts = []
    skipped = collections.Counter()
    for lic in sorted((data / "licenses").glob("*.LICENSE")):
        meta, text = front_matter(lic)
        key = meta.get("key") or lic.stem
        spdx = meta.get("spdx_license_key") or ""
        keys[key] = spdx if spdx and not spdx.startswith("LicenseRef-") else None
        if keys[key] is None:
            skipped["license text without an SPDX id"] += 1
            continue
        if meta.get("is_deprecated") == "yes" or meta.get("is_exception") == "yes":
            skipped["deprecated or exception license text"] += 1
            continue
        if not text.strip():
            skipped["empty license text"] += 1
            continue
        texts.append({"source": f"licenses/{lic.name}", "truth": keys[key], "text": text})
    token = re.compile(r"\(|\)|[^\s()]+")
    for rule in sorted((data / "rules").glob("*.RULE")):
        meta, text = front_matter(rule)
        if meta.get("is_license_text") != "yes" or meta.get("is_false_positive") == "yes":
            continue
        expr = meta.get("license_expression", "")
        out, missing = [], False
        for tok in token.findall(expr):
            low = tok.lower()
            if tok in ("(", ")") or low in ("and", "or", "with"):
                out.append(tok.upper() if low in ("and", "or", "with") else tok)
            elif keys.get(tok):
                out.append(keys[tok])
            else:
                missing = True
        if missing or not out:
            skipped["rule naming a license without an SPDX id"] += 1
            continue
        if not text.strip():
            skipped["empty rule"] += 1
            continue
        texts.append({"source": f"rules/{rule.name}", "truth": " ".join(out), "text": text})
    return texts, skipped


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scancode-data", required=True, type=Path)
    ap.add_argument("--corpusledger", required=True)
    ap.add_argument("--work", type=Path, default=Path("/tmp/license-texts"))
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    texts, skipped = load_set(args.scancode_data)
    mirror = args.work / "texts"
    if mirror.exists():
        shutil.rmtree(mirror)
    for n, t in enumerate(texts):
        d = mirror / f"t{n:05d}"
        d.mkdir(parents=True)
        (d / "LICENSE").write_text(t["text"], encoding="utf-8")
    out_jsonl = args.work / "texts.jsonl"
    wall = score.corpusledger_run(args.corpusledger, mirror, out_jsonl)
    found = score.corpusledger_load(out_jsonl)
    rows = collections.defaultdict(collections.Counter)
    confusions = collections.Counter()
    examples = collections.defaultdict(list)
    for n, t in enumerate(texts):
        truth = score.expr_ids(t["truth"])
        cls = "single" if len(truth) == 1 else "multi"
        origin = t["source"].split("/")[0]
        got_expr = (found.get(f"t{n:05d}") or {}).get("files", {}).get("LICENSE")
        got = score.expr_ids(got_expr)
        verdict = "nothing" if not got else ("exact" if got == truth else "wrong")
        relaxed = verdict if verdict != "wrong" else ("exact" if score.relax(got) == score.relax(truth) else "wrong")
        for key in (cls, f"{cls} ({origin})"):
            rows[key]["texts"] += 1
            rows[key][verdict] += 1
            rows[key]["relaxed exact"] += relaxed == "exact"
        if verdict == "wrong":
            confusions[(t["truth"], got_expr)] += 1
            examples[cls].append((t["source"], t["truth"], got_expr))
        elif verdict == "nothing":
            examples[f"{cls} nothing"].append((t["source"], t["truth"], None))
    pct = score.pct
    lines = [
        "# License texts not made here: ScanCode's labelled license data (issue 19)",
        "",
        f"corpusledger: {score.corpusledger_version(args.corpusledger)}; ScanCode data: `{args.scancode_data}`.",
        "",
        "**Where the truth comes from.** ScanCode's labels: each `.LICENSE` file's `spdx_license_key`, and each "
        "full-text `.RULE`'s `license_expression` with ScanCode keys turned into SPDX ids by the `.LICENSE` files. "
        "Texts whose licenses have no SPDX id are left out. corpusledger's `spdx` store is built from the SPDX "
        "list's texts, which many `.LICENSE` texts copy: the `licenses` rows are close to the store, the `rules` "
        "rows (texts as found in the wild) are not.",
        "",
        "```sh",
        f"python3 benches/licenses/texts.py --scancode-data {args.scancode_data} --corpusledger {args.corpusledger}",
        f"# runs: {args.corpusledger} licenses --json --repo-depth 1 {mirror}   ({wall:.1f} s for {len(texts)} texts)",
        "```",
        "",
        "| class | texts | exact | wrong | nothing | exact % | nothing % | exact % (GNU -only = -or-later) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for key in sorted(rows):
        r = rows[key]
        lines.append(f"| {key} | {r['texts']} | {r['exact']} | {r['wrong']} | {r['nothing']} | "
                     f"{pct(r['exact'], r['texts'])} | {pct(r['nothing'], r['texts'])} | {pct(r['relaxed exact'], r['texts'])} |")
    total = sum((rows[k] for k in ("single", "multi")), collections.Counter())
    lines += [
        "",
        f"Targets: single exact >= 97 %: {pct(rows['single']['exact'], rows['single']['texts'])}; "
        f"multi exact >= 85 %: {pct(rows['multi']['exact'], rows['multi']['texts'])}; "
        f"nothing <= 2 %: {pct(total['nothing'], total['texts'])}.",
        "",
        "Left out: " + "; ".join(f"{n} {why}" for why, n in skipped.most_common()) + ".",
        "",
        "## Most frequent wrong answers",
        "",
        "| truth | corpusledger | texts |",
        "|---|---|---:|",
    ]
    for (truth, got), n in confusions.most_common(40):
        lines.append(f"| {truth} | {got} | {n} |")
    report = "\n".join(lines) + "\n"
    sys.stdout.write(report)
    if not args.no_write:
        (HERE / "RESULTS-texts.md").write_text(report, encoding="utf-8")
        detail = ["# Every text not detected exactly (texts.py)", ""]
        for key in sorted(examples):
            detail += [f"## {key}", "", "| source | truth | corpusledger |", "|---|---|---|"]
            detail += [f"| {s} | {t} | {g or '-'} |" for s, t, g in examples[key]]
            detail.append("")
        (HERE / "texts-disagreements.md").write_text("\n".join(detail), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
