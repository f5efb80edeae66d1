#!/usr/bin/env python3
"""score.py - accuracy and speed of corpusledger's license detection, against
the declared licenses of real packages and against ScanCode.

One run:
  a. builds CORPUS/license-files/<pkg>/<rel path>: only the license-named
     files of each package (basename starting, case-insensitively, with
     LICENSE, LICENCE, COPYING, NOTICE or UNLICENSE, at any depth);
  b. times `corpusledger licenses --json --repo-depth 1 <mirror>` and
     `scancode --license --json OUT -n 2 <mirror>` (after one untimed ScanCode
     warm-up on a one-file folder, which builds its license index cache);
  c. runs `corpusledger licenses --json --repo-depth 1 CORPUS/packages`
     (full packages: metadata gives the concluded license);
  d. scores license files and packages for corpusledger files-alone,
     ScanCode files-alone and corpusledger concluded (rules: README.md);
  e. prints a markdown report and writes RESULTS.md and disagreements.md
     next to this script.

Usage:
  python3 benches/licenses/score.py [--corpus target/license-corpus] \\
      [--corpusledger target/release/corpusledger]

Development / testing options: --ours-mirror-jsonl / --ours-full-jsonl score
a saved (or hand-written) corpusledger output instead of running it;
--reuse-scancode JSON skips the ScanCode run; --no-write leaves RESULTS.md and
disagreements.md alone; --self-test checks the expression normaliser.
"""
from __future__ import annotations

import argparse
import collections
import datetime as dt
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
LICENSE_PREFIXES = ("license", "licence", "copying", "notice", "unlicense")

# --------------------------------------------------------------------------
# SPDX expression -> set of comparable ids
# --------------------------------------------------------------------------
GNU_FAMILIES = ("GPL-1.0", "GPL-2.0", "GPL-3.0", "LGPL-2.0", "LGPL-2.1", "LGPL-3.0",
                "AGPL-1.0", "AGPL-3.0", "GFDL-1.1", "GFDL-1.2", "GFDL-1.3")
DEPRECATED = {
    "gpl-2.0-with-classpath-exception": "GPL-2.0-only WITH Classpath-exception-2.0",
    "gpl-2.0-with-gcc-exception": "GPL-2.0-only WITH GCC-exception-2.0",
    "gpl-2.0-with-autoconf-exception": "GPL-2.0-only WITH Autoconf-exception-2.0",
    "gpl-2.0-with-bison-exception": "GPL-2.0-only WITH Bison-exception-2.2",
    "gpl-2.0-with-font-exception": "GPL-2.0-only WITH Font-exception-2.0",
    "gpl-3.0-with-gcc-exception": "GPL-3.0-only WITH GCC-exception-3.1",
    "gpl-3.0-with-autoconf-exception": "GPL-3.0-only WITH Autoconf-exception-3.0",
    "bsd-2-clause-freebsd": "BSD-2-Clause-Views",
    "bsd-2-clause-netbsd": "BSD-2-Clause",
    "standardml-nj": "SMLNJ",
    "nunit": "zlib-acknowledgement",
    "wxwindows": "LGPL-2.0-or-later WITH WxWindows-exception-3.1",
    "ecos-2.0": "GPL-2.0-or-later WITH eCos-exception-2.0",
}
_TOKEN = re.compile(r"\(|\)|[^\s()]+")


def _canon_id(tok: str) -> str:
    """One license id -> its current SPDX form (case kept, compared folded)."""
    t = tok.strip()
    low = t.lower()
    if low in DEPRECATED:
        return DEPRECATED[low]
    for fam in GNU_FAMILIES:
        fl = fam.lower()
        if low == fl:
            return fam + "-only"
        if low == fl + "+" or low == fl + "-or-later+" or low == fl + "-only+":
            return fam + "-or-later"
        if low in (fl + "-only", fl + "-or-later"):
            return fam + t[len(fam):]
    return t


def expr_ids(expr: str | None) -> frozenset[str]:
    """SPDX expression -> set of ids, case-folded.  `X WITH Y` is one id.
    Accepts Cargo's legacy `MIT/Apache-2.0` (slash = OR).  None, "",
    NOASSERTION and NONE give the empty set."""
    if expr is None:
        return frozenset()
    s = str(expr).strip()
    if not s or s.upper() in ("NOASSERTION", "NONE"):
        return frozenset()
    s = s.replace("/", " OR ")
    toks = _TOKEN.findall(s)
    ids: list[str] = []
    i = 0
    while i < len(toks):
        t = toks[i]
        up = t.upper()
        if t in ("(", ")") or up in ("AND", "OR"):
            i += 1
            continue
        if up == "WITH":  # attach the exception to the previous id
            if ids and i + 1 < len(toks):
                ids[-1] = f"{ids[-1]} WITH {toks[i + 1]}"
            i += 2
            continue
        ids.append(_canon_id(t))
        i += 1
    out = set()
    for x in ids:
        if " WITH " in x:
            a, b = x.split(" WITH ", 1)
            # a deprecated id that already carries an exception keeps it
            a = _canon_id(a)
            out.add(f"{a} WITH {b}".lower() if " WITH " not in a else a.lower())
        else:
            c = _canon_id(x)
            out.add(c.lower())
    return frozenset(out)


_DISPLAY: dict[str, str] = {}


def show(ids: frozenset[str]) -> str:
    if not ids:
        return "-"
    return " + ".join(sorted(_DISPLAY.get(i, i) for i in ids))


def remember_display(expr: str | None) -> None:
    """Keep the original casing of ids for display."""
    if not expr:
        return
    for tok in _TOKEN.findall(str(expr).replace("/", " OR ")):
        if tok not in ("(", ")") and tok.upper() not in ("AND", "OR", "WITH"):
            for i in expr_ids(tok):
                _DISPLAY.setdefault(i, _canon_id(tok))
    for i in expr_ids(expr):
        if " with " in i:
            a, b = i.split(" with ", 1)
            _DISPLAY.setdefault(i, f"{_DISPLAY.get(a, a)} WITH {_DISPLAY.get(b, b)}")


def self_test() -> None:
    E = expr_ids
    assert E("MIT/Apache-2.0") == E("Apache-2.0 OR MIT") == {"mit", "apache-2.0"}
    assert E("GPL-2.0") == {"gpl-2.0-only"}
    assert E("GPL-2.0+") == E("GPL-2.0-or-later") == {"gpl-2.0-or-later"}
    assert E("LGPL-2.1+ OR MIT") == {"lgpl-2.1-or-later", "mit"}
    assert E("Apache-2.0 WITH LLVM-exception OR Apache-2.0 OR MIT") == \
        {"apache-2.0 with llvm-exception", "apache-2.0", "mit"}
    assert E("(MIT OR Apache-2.0) AND Unicode-DFS-2016") == {"mit", "apache-2.0", "unicode-dfs-2016"}
    assert E("GPL-3.0+ WITH Classpath-exception-2.0") == {"gpl-3.0-or-later with classpath-exception-2.0"}
    assert E("NOASSERTION") == E(None) == E("") == frozenset()
    assert E("MIT AND LicenseRef-scancode-proprietary-license") == {"mit", "licenseref-scancode-proprietary-license"}
    assert E("mit") == E("MIT")
    assert relax(E("GPL-2.0-only OR LGPL-2.1-or-later")) == relax(E("GPL-2.0+ OR LGPL-2.1"))
    assert relax(E("GPL-3.0-or-later WITH Classpath-exception-2.0")) == {"gpl-3.0 with classpath-exception-2.0"}
    assert E("GPL-2.0-with-classpath-exception") == {"gpl-2.0-only with classpath-exception-2.0"}
    print("self-test ok")


# --------------------------------------------------------------------------
# mirror tree
# --------------------------------------------------------------------------

def is_license_name(name: str) -> bool:
    return name.lower().startswith(LICENSE_PREFIXES)


def build_mirror(packages: Path, mirror: Path, pkgs: list[str]) -> dict[str, list[str]]:
    """Copy license-named files; -> {pkg: [relative paths]} (posix, sorted)."""
    if mirror.exists():
        shutil.rmtree(mirror)
    mirror.mkdir(parents=True)
    out: dict[str, list[str]] = {}
    for pkg in pkgs:
        root = packages / pkg
        rels = []
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames.sort()
            for fn in sorted(filenames):
                if not is_license_name(fn):
                    continue
                src = Path(dirpath) / fn
                if src.is_symlink() or not src.is_file():
                    continue
                rel = src.relative_to(root).as_posix()
                dst = mirror / pkg / rel
                dst.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(src, dst)
                rels.append(rel)
        out[pkg] = sorted(rels)
    return out


# --------------------------------------------------------------------------
# corpusledger (isolated: everything that depends on its output format)
# --------------------------------------------------------------------------

def corpusledger_run(binary: str, path: Path, out_jsonl: Path) -> float:
    """Run `licenses --json --repo-depth 1 PATH` -> wall seconds; stdout saved."""
    cmd = [binary, "licenses", "--json", "--repo-depth", "1", str(path)]
    t0 = time.perf_counter()
    with out_jsonl.open("wb") as fh:
        p = subprocess.run(cmd, stdout=fh, stderr=subprocess.PIPE)
    wall = time.perf_counter() - t0
    # exit 1 = done, but some license information could not be used (stderr)
    out_jsonl.with_suffix(".stderr").write_bytes(p.stderr)
    if p.returncode not in (0, 1):
        sys.stderr.write(p.stderr.decode("utf-8", "replace")[-4000:])
        raise SystemExit(f"corpusledger failed ({p.returncode}): {' '.join(cmd)}")
    return wall


def corpusledger_load(jsonl: Path) -> dict[str, dict]:
    """-> {repo: {"concluded": str|None, "declared":..., "detected":...,
    "files": {rel path: expression|None}}}"""
    repos: dict[str, dict] = {}
    for n, line in enumerate(jsonl.read_text(encoding="utf-8").splitlines(), 1):
        line = line.strip()
        if not line:
            continue
        try:
            r = json.loads(line)
        except json.JSONDecodeError as e:
            raise SystemExit(f"{jsonl}:{n}: not JSON: {e}")
        repo = str(r["repo"]).rstrip("/").split("/")[-1]
        files = {}
        for f in r.get("files") or []:
            files[str(f["path"]).replace("\\", "/").lstrip("./")] = f.get("expression")
        repos[repo] = {"concluded": r.get("concluded"), "declared": r.get("declared"),
                       "detected": r.get("detected"), "disagreement": r.get("disagreement"),
                       "package": r.get("package"), "files": files}
    return repos


def corpusledger_version(binary: str) -> str:
    try:
        return subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=30).stdout.strip()
    except Exception:
        return "?"


# --------------------------------------------------------------------------
# ScanCode
# --------------------------------------------------------------------------

def scancode_warmup(scancode: str, corpus: Path) -> float:
    d = corpus / "scancode-warmup"
    d.mkdir(exist_ok=True)
    (d / "LICENSE").write_text(
        "Permission to use, copy, modify, and/or distribute this software for any\n"
        "purpose with or without fee is hereby granted, provided that the above\n"
        "copyright notice and this permission notice appear in all copies.\n")
    t0 = time.perf_counter()
    subprocess.run([scancode, "--license", "--json", str(corpus / "scancode-warmup.json"), "-n", "2", "--quiet",
                    str(d)], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t0


def scancode_run(scancode: str, mirror: Path, out_json: Path) -> float:
    cmd = [scancode, "--license", "--json", str(out_json), "-n", "2", "--quiet", str(mirror)]
    t0 = time.perf_counter()
    p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall = time.perf_counter() - t0
    if p.returncode != 0:
        sys.stderr.write(p.stderr.decode("utf-8", "replace")[-4000:])
        raise SystemExit(f"scancode failed ({p.returncode})")
    return wall


def scancode_load(js: Path, mirror_name: str) -> dict[tuple[str, str], str | None]:
    """-> {(pkg, rel path): SPDX expression (ScanCode's own
    detected_license_expression_spdx) or None}"""
    d = json.loads(js.read_text(encoding="utf-8"))
    out = {}
    for f in d["files"]:
        if f.get("type") != "file":
            continue
        parts = f["path"].split("/")
        if parts and parts[0] == mirror_name:
            parts = parts[1:]
        if len(parts) < 2:
            continue
        expr = f.get("detected_license_expression_spdx")
        if expr is None and f.get("license_detections"):
            exprs = [x.get("license_expression_spdx") for x in f["license_detections"] if x.get("license_expression_spdx")]
            expr = " AND ".join(exprs) if exprs else None
        out[(parts[0], "/".join(parts[1:]))] = expr
    return out


def scancode_version(scancode: str) -> str:
    try:
        return subprocess.run([scancode, "--version"], capture_output=True, text=True, timeout=120).stdout.strip().splitlines()[0].replace("ScanCode version: ", "")
    except Exception:
        return "?"


# --------------------------------------------------------------------------
# scoring
# --------------------------------------------------------------------------

def file_verdict(ids: frozenset[str], truth: frozenset[str]) -> str:
    if not ids:
        return "none"
    return "right" if ids <= truth else "wrong"


def package_files_answer(rels: list[str], detect: dict[str, frozenset[str]]) -> frozenset[str]:
    """Files-alone package answer: union of the ids of its license files at the
    package's top folder when it has any there, else of all its license files."""
    top = [r for r in rels if "/" not in r]
    use = top if top else rels
    out: set[str] = set()
    for r in use:
        out |= detect.get(r, frozenset())
    return frozenset(out)


def pkg_verdict(ans: frozenset[str], truth: frozenset[str]) -> str:
    if not ans:
        return "none"
    return "right" if ans == truth else "wrong"


def relax(ids: frozenset[str]) -> frozenset[str]:
    """GNU `-only` and `-or-later` made equal (informational column only: the
    text of the GPL/LGPL/AGPL alone cannot tell them apart)."""
    out = set()
    for i in ids:
        head, sep, tail = i.partition(" with ")
        head = re.sub(r"^((?:a|l)?gpl-\d\.\d|gfdl-\d\.\d)-(only|or-later)$", r"\1", head)
        out.add(head + sep + tail)
    return frozenset(out)


def pct(a: int, b: int) -> str:
    return f"{100.0 * a / b:.1f}%" if b else "-"


def md_escape(s: str) -> str:
    return str(s).replace("|", "\\|")


def machine_info() -> str:
    cpu = "?"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = "?"
    try:
        for line in open("/proc/meminfo"):
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return f"{os.cpu_count()} cores ({cpu}), {mem} RAM, Linux {platform.release()}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=Path(__file__).resolve().parents[2] / "target" / "license-corpus")
    ap.add_argument("--corpusledger", default=str(Path(__file__).resolve().parents[2] / "target" / "release" / "corpusledger"))
    ap.add_argument("--scancode", default=None, help="default: CORPUS/.venv-scancode/bin/scancode")
    ap.add_argument("--truth", type=Path, default=None, help="default: CORPUS/truth.json, else benches/licenses/truth.json")
    ap.add_argument("--runs", type=int, default=5, help="timed corpusledger runs on the mirror (median is reported)")
    ap.add_argument("--ours-mirror-jsonl", type=Path, help="use this corpusledger output for the mirror tree (no run, no timing)")
    ap.add_argument("--ours-full-jsonl", type=Path, help="use this corpusledger output for the full packages (no run)")
    ap.add_argument("--reuse-scancode", type=Path, help="use this ScanCode JSON (no run, no timing)")
    ap.add_argument("--only", help="comma-separated package folders to score (testing)")
    ap.add_argument("--no-write", action="store_true", help="print only; do not write RESULTS.md / disagreements.md")
    ap.add_argument("--out-dir", type=Path, default=HERE)
    ap.add_argument("--self-test", action="store_true")
    a = ap.parse_args()
    if a.self_test:
        self_test()
        return 0
    self_test()

    corpus: Path = a.corpus
    packages = corpus / "packages"
    # a partial (--only) run gets its own mirror and output folders
    suffix = "-only" if a.only else ""
    mirror = corpus / ("license-files" + suffix)
    work = corpus / ("score-out" + suffix)
    work.mkdir(exist_ok=True)
    scancode = a.scancode or str(corpus / ".venv-scancode" / "bin" / "scancode")
    truth_path = a.truth or (corpus / "truth.json" if (corpus / "truth.json").exists() else HERE / "truth.json")
    raw_truth = json.loads(truth_path.read_text())
    truth_expr = {k: (v["declared"] if isinstance(v, dict) else v) for k, v in raw_truth.items()}
    eco_of = {k: (v.get("ecosystem") if isinstance(v, dict) else k.split("-", 1)[0]) for k, v in raw_truth.items()}
    pkgs = sorted(k for k in truth_expr if (packages / k).is_dir())
    if a.only:
        keep = set(a.only.split(","))
        pkgs = [p for p in pkgs if p in keep]
    missing = sorted(set(truth_expr) - set(pkgs)) if not a.only else []
    if not pkgs:
        raise SystemExit("no packages found: run fetch.py first")
    for p in pkgs:
        remember_display(truth_expr[p])
    truth = {p: expr_ids(truth_expr[p]) for p in pkgs}

    # a. mirror
    t0 = time.perf_counter()
    lic = build_mirror(packages, mirror, pkgs)
    nfiles = sum(len(v) for v in lic.values())
    log = lambda m: print(m, file=sys.stderr, flush=True)
    log(f"mirror: {nfiles} license-named files of {len(pkgs)} packages -> {mirror} ({time.perf_counter() - t0:.1f}s)")

    # b. timings on the mirror
    notes = []
    load0 = os.getloadavg()[0]
    if load0 > 0.5:
        notes.append(f"The machine was not idle when timing started (1-min load average {load0:.2f}): "
                     "other work on the 2 cores slows both tools, so the wall times are noisy.")
    ours_walls: list[float] = []
    if a.ours_mirror_jsonl:
        ours_mirror_path = a.ours_mirror_jsonl
        notes.append(f"corpusledger mirror output read from `{a.ours_mirror_jsonl}` (not run, not timed)")
    else:
        ours_mirror_path = work / "corpusledger-mirror.jsonl"
        for i in range(max(1, a.runs)):
            ours_walls.append(corpusledger_run(a.corpusledger, mirror, ours_mirror_path))
        log(f"corpusledger on mirror: {', '.join(f'{w:.3f}s' for w in ours_walls)}")
    sc_wall = None
    if a.reuse_scancode:
        sc_json = a.reuse_scancode
        notes.append(f"ScanCode output read from `{a.reuse_scancode}` (not run, not timed)")
    else:
        w = scancode_warmup(scancode, corpus)
        log(f"ScanCode warm-up (untimed, builds the license index cache): {w:.1f}s")
        notes.append(f"One untimed ScanCode warm-up run on a one-file folder came first ({w:.1f}s), so its license index cache was built.")
        sc_json = work / "scancode-mirror.json"
        log("ScanCode on mirror ... (minutes)")
        sc_wall = scancode_run(scancode, mirror, sc_json)
        log(f"ScanCode on mirror: {sc_wall:.1f}s")

    # c. full packages
    full_wall = None
    if a.ours_full_jsonl:
        ours_full_path = a.ours_full_jsonl
        notes.append(f"corpusledger full-package output read from `{a.ours_full_jsonl}` (not run)")
    else:
        ours_full_path = work / "corpusledger-full.jsonl"
        full_wall = corpusledger_run(a.corpusledger, packages, ours_full_path)
        log(f"corpusledger on full packages: {full_wall:.1f}s")

    ours_mirror = corpusledger_load(ours_mirror_path)
    ours_full = corpusledger_load(ours_full_path)
    theirs_raw = scancode_load(sc_json, mirror.name)

    # d. per-file detections
    ours_f: dict[str, dict[str, frozenset[str]]] = {}
    theirs_f: dict[str, dict[str, frozenset[str]]] = {}
    ours_expr: dict[tuple[str, str], str | None] = {}
    not_listed = 0
    sc_missing = 0
    for p in pkgs:
        repo = ours_mirror.get(p, {"files": {}})
        ours_f[p], theirs_f[p] = {}, {}
        for r in lic[p]:
            if r in repo["files"]:
                e = repo["files"][r]
            else:
                e = None
                not_listed += 1
            ours_expr[(p, r)] = e
            remember_display(e)
            ours_f[p][r] = expr_ids(e)
            if (p, r) not in theirs_raw:
                sc_missing += 1
            te = theirs_raw.get((p, r))
            remember_display(te)
            theirs_f[p][r] = expr_ids(te)

    # license-file accuracy
    fstats = {"corpusledger": collections.Counter(), "ScanCode": collections.Counter()}
    wrong_cats = {"corpusledger": collections.Counter(), "ScanCode": collections.Counter()}
    pixar = 0
    pixar_any = 0
    disagreements = []
    for p in pkgs:
        for r in lic[p]:
            o, t = ours_f[p][r], theirs_f[p][r]
            vo, vt = file_verdict(o, truth[p]), file_verdict(t, truth[p])
            fstats["corpusledger"][vo] += 1
            fstats["ScanCode"][vt] += 1
            fstats["corpusledger"]["relaxed"] += file_verdict(relax(o), relax(truth[p])) == "right"
            fstats["ScanCode"]["relaxed"] += file_verdict(relax(t), relax(truth[p])) == "right"
            if vo == "wrong":
                wrong_cats["corpusledger"][(show(o), show(truth[p]))] += 1
            if vt == "wrong":
                wrong_cats["ScanCode"][(show(t), show(truth[p]))] += 1
            if any(i == "pixar" for i in o):
                pixar_any += 1
                apache = any(i.startswith("apache-2.0") for i in truth[p] | t)
                if apache:
                    pixar += 1
            if o != t:
                disagreements.append((p, r, o, t, vo, vt))

    # package-level
    pstats = {k: collections.Counter() for k in ("corpusledger files-alone", "ScanCode files-alone", "corpusledger concluded")}
    pstats_eco = collections.defaultdict(collections.Counter)
    wrong_pkgs = []
    files_alone_wrong = {"corpusledger files-alone": [], "ScanCode files-alone": []}
    no_lic_files = 0
    for p in pkgs:
        if not lic[p]:
            no_lic_files += 1
        eco = eco_of.get(p, "?")
        for label, det in (("corpusledger files-alone", ours_f[p]), ("ScanCode files-alone", theirs_f[p])):
            ans = package_files_answer(lic[p], det)
            v = pkg_verdict(ans, truth[p])
            pstats[label][v] += 1
            pstats[label]["relaxed"] += pkg_verdict(relax(ans), relax(truth[p])) == "right"
            pstats_eco[(label, eco)][v] += 1
            if v == "wrong":
                files_alone_wrong[label].append((p, ans))
        rec = ours_full.get(p)
        conc = rec.get("concluded") if rec else None
        remember_display(conc)
        ans = expr_ids(conc)
        v = pkg_verdict(ans, truth[p])
        pstats["corpusledger concluded"][v] += 1
        pstats["corpusledger concluded"]["relaxed"] += pkg_verdict(relax(ans), relax(truth[p])) == "right"
        pstats_eco[("corpusledger concluded", eco)][v] += 1
        if v != "right":
            wrong_pkgs.append((p, conc if rec else "(repo missing from output)",
                               rec.get("declared") if rec else None, rec.get("detected") if rec else None,
                               truth_expr[p]))

    # ---------------- report ----------------
    npk = len(pkgs)
    ncr = sum(1 for p in pkgs if eco_of.get(p) == "cargo")
    npy = sum(1 for p in pkgs if eco_of.get(p) == "pypi")
    skipped_lines = []
    sk = HERE / "skipped.txt"
    if sk.exists():
        skipped_lines = [l for l in sk.read_text().splitlines() if l.strip() and not l.startswith("#")]
    skip_reasons = collections.Counter()
    for l in skipped_lines:
        why = l.split(" - ", 1)[-1]
        why = re.sub(r":.*", "", why) if why.startswith("ambiguous classifier") else why
        skip_reasons[re.sub(r"\d+(\.\d+)+", "N", why)] += 1

    ours_med = statistics.median(ours_walls) if ours_walls else None
    L = []
    L.append("# corpusledger license detection vs. declared licenses and ScanCode\n")
    L.append(f"Run on {dt.datetime.now(dt.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}: {machine_info()}; "
             f"{corpusledger_version(a.corpusledger) if not a.ours_mirror_jsonl else 'corpusledger (saved output)'}; "
             f"ScanCode: {scancode_version(scancode) if not a.reuse_scancode else '(saved output)'}.\n")
    L.append(f"Packages: **{npk}** ({ncr} crates from crates.io, {npy} PyPI sdists), pinned in "
             f"`benches/licenses/packages.txt`; truth = declared license (`benches/licenses/truth.json`). "
             f"{len(skipped_lines)} candidates not used (`benches/licenses/skipped.txt`)"
             + (": " + "; ".join(f"{n} {w}" for w, n in skip_reasons.most_common()) if skip_reasons else "") + ".")
    if missing:
        L.append(f" {len(missing)} packages of the truth file are not extracted and were left out.")
    L.append(f"\nLicense-named files (basename starts with LICENSE/LICENCE/COPYING/NOTICE/UNLICENSE, any case, any depth): "
             f"**{nfiles}**; {no_lic_files} packages have none.\n")
    L.append("Commands:\n\n```sh\npython3 benches/licenses/fetch.py --corpus " + str(corpus) +
             "\npython3 benches/licenses/score.py --corpus " + str(corpus) + " --corpusledger " + a.corpusledger +
             "\n# what score.py runs (the first two timed, on the mirror of license files):\n"
             f"corpusledger licenses --json --repo-depth 1 {mirror}      # {max(1, a.runs)} runs, median\n"
             f"scancode --license --json OUT -n 2 --quiet {mirror}\n"
             f"corpusledger licenses --json --repo-depth 1 {packages}   # concluded, full packages\n```\n")

    L.append("## Speed (same license files)\n")
    L.append("| tool | files | wall s | ms / file | ScanCode wall / corpusledger wall |")
    L.append("|---|---|---|---|---|")
    ratio = (sc_wall / ours_med) if (sc_wall and ours_med) else None
    if ours_med is not None:
        L.append(f"| corpusledger | {nfiles} | {ours_med:.3f} (runs: {', '.join(f'{w:.3f}' for w in ours_walls)}) | "
                 f"{1000 * ours_med / max(1, nfiles):.2f} | 1.0x |")
    if sc_wall is not None:
        L.append(f"| ScanCode | {nfiles} | {sc_wall:.1f} | {1000 * sc_wall / max(1, nfiles):.1f} | "
                 f"{f'{ratio:.0f}x' if ratio else '-'} |")
        try:
            sc_dur = json.loads(sc_json.read_text())["headers"][0]["duration"]
            L.append(f"\nScanCode's own `duration` header for that run: {sc_dur:.1f}s (wall includes Python start-up "
                     f"and loading the cached license index; the ratio above uses wall for both tools).")
        except Exception:
            pass
    if full_wall is not None:
        L.append(f"\ncorpusledger on the full packages ({npk} folders, all files): {full_wall:.1f}s wall.")
    L.append("")

    L.append("## License-file accuracy\n")
    L.append("A license file is right when every id it was detected as is among the ids of its package's truth.\n")
    L.append("| tool | files | right | wrong | nothing found | right % | right % if GNU -only = -or-later |")
    L.append("|---|---|---|---|---|---|---|")
    for t in ("corpusledger", "ScanCode"):
        c = fstats[t]
        L.append(f"| {t} | {nfiles} | {c['right']} | {c['wrong']} | {c['none']} | {pct(c['right'], nfiles)} | "
                 f"{pct(c['relaxed'], nfiles)} |")
    L.append("\nThe last column is information only (the scores and targets use the strict rule): the text of a "
             "GPL/LGPL/AGPL license file cannot tell `-only` from `-or-later`, which is said elsewhere (headers, metadata).\n")
    if not_listed:
        L.append(f"{not_listed} mirror files were not listed in corpusledger's `files` (counted as nothing found).")
    if sc_missing:
        L.append(f"{sc_missing} mirror files were missing from ScanCode's output (counted as nothing found).")

    L.append("\n## Package-level accuracy\n")
    L.append("Right when the set of ids of the answer equals the set of ids of the truth. Files-alone answer: union of the "
             "ids detected in the package's license files at its top folder, or in all of its license files when none is at the top.\n")
    L.append("| answer | packages | right | wrong | nothing found | right % | crates right | PyPI right | right % if GNU -only = -or-later |")
    L.append("|---|---|---|---|---|---|---|---|---|")
    for k, c in pstats.items():
        cc, cp = pstats_eco[(k, "cargo")], pstats_eco[(k, "pypi")]
        L.append(f"| {k} | {npk} | {c['right']} | {c['wrong']} | {c['none']} | {pct(c['right'], npk)} | "
                 f"{cc['right']}/{ncr} | {cp['right']}/{npy} | {pct(c['relaxed'], npk)} |")
    L.append(f"\n{no_lic_files} of the {npk} packages have no license-named file, so files alone cannot answer for them "
             "(counted as nothing found for both tools).")
    L.append("")

    conc_pct = 100.0 * pstats["corpusledger concluded"]["right"] / npk
    L.append("## Targets\n")
    L.append("| target | value | holds |")
    L.append("|---|---|---|")
    L.append(f"| concluded package-level correct >= 98% | {conc_pct:.1f}% | {'yes' if conc_pct >= 98 else 'NO'} |")
    ofa, sfa = fstats["corpusledger"]["right"], fstats["ScanCode"]["right"]
    L.append(f"| corpusledger files-alone >= ScanCode (license files right) | {ofa} vs {sfa} | {'yes' if ofa >= sfa else 'NO'} |")
    opa, spa = pstats["corpusledger files-alone"]["right"], pstats["ScanCode files-alone"]["right"]
    L.append(f"| corpusledger files-alone >= ScanCode (packages right) | {opa} vs {spa} | {'yes' if opa >= spa else 'NO'} |")
    L.append(f"| Apache-2.0 files (truth or ScanCode) read as Pixar = 0 | {pixar} (Pixar reported on {pixar_any} files in all) | {'yes' if pixar == 0 else 'NO'} |")
    if ratio:
        L.append(f"| corpusledger >= 20x faster than ScanCode, same files | {ratio:.0f}x | {'yes' if ratio >= 20 else 'NO'} |")
    L.append("")

    L.append(f"## Where the license files disagree ({len(disagreements)} files; all listed in `disagreements.md`)\n")
    pat = collections.Counter()
    pat_ok = collections.defaultdict(lambda: [0, 0])
    for p, r, o, t, vo, vt in disagreements:
        key = (show(o), show(t))
        pat[key] += 1
        pat_ok[key][0] += vo == "right"
        pat_ok[key][1] += vt == "right"
    L.append("| corpusledger | ScanCode | files | corpusledger right | ScanCode right |")
    L.append("|---|---|---|---|---|")
    for (o, t), n in pat.most_common(40):
        L.append(f"| {md_escape(o)} | {md_escape(t)} | {n} | {pat_ok[(o, t)][0]} | {pat_ok[(o, t)][1]} |")
    if len(pat) > 40:
        L.append(f"| ... {len(pat) - 40} more patterns | | {sum(n for _, n in pat.most_common()[40:])} | | |")
    L.append("")

    L.append("## corpusledger's wrong license files, by (detected, truth)\n")
    L.append("| corpusledger says | package truth | files |")
    L.append("|---|---|---|")
    for (o, t), n in wrong_cats["corpusledger"].most_common(40):
        L.append(f"| {md_escape(o)} | {md_escape(t)} | {n} |")
    L.append("")

    L.append(f"## Packages whose concluded license is not the truth ({len(wrong_pkgs)})\n")
    L.append("| package | concluded | declared | detected | truth |")
    L.append("|---|---|---|---|---|")
    for p, c, d_, de, tr in wrong_pkgs:
        L.append(f"| {p} | {md_escape(c)} | {md_escape(d_)} | {md_escape(de)} | {md_escape(tr)} |")
    L.append("")
    L.append("## Notes\n")
    for n in notes:
        L.append(f"- {n}")
    L.append("- Ids are compared case-insensitively after normalisation: deprecated GNU ids (GPL-2.0 -> GPL-2.0-only, "
             "GPL-2.0+ -> GPL-2.0-or-later, ...), Cargo's `A/B` (= A OR B); ScanCode ids are its own "
             "`detected_license_expression_spdx`; its LicenseRef-scancode-* ids are kept as they are (wrong unless the truth has "
             "the same); `X WITH Y` is one id.")
    L.append("- The truth of a crate is the `license` field of the published Cargo.toml of that version; of a PyPI sdist, "
             "`info.license_expression` of that release, else its license classifiers (see README.md).")
    report = "\n".join(L) + "\n"
    print(report)

    dis = ["# License files where corpusledger and ScanCode disagree\n",
           f"Generated by score.py on {dt.date.today().isoformat()}; {len(disagreements)} files. "
           "Paths are CORPUS/packages/<package>/<path>. Ids normalised (see README.md); `-` = nothing found.\n",
           "| package | path | corpusledger | ScanCode | truth | corpusledger right | ScanCode right |",
           "|---|---|---|---|---|---|---|"]
    for p, r, o, t, vo, vt in disagreements:
        dis.append(f"| {p} | {md_escape(r)} | {md_escape(show(o))} | {md_escape(show(t))} | {md_escape(truth_expr[p])} | "
                   f"{'yes' if vo == 'right' else vo} | {'yes' if vt == 'right' else vt} |")
    # machine-readable per-file results for later analysis
    per_file = [{"package": p, "path": r, "corpusledger": ours_expr[(p, r)], "scancode": theirs_raw.get((p, r)),
                 "truth": truth_expr[p], "corpusledger_verdict": file_verdict(ours_f[p][r], truth[p]),
                 "scancode_verdict": file_verdict(theirs_f[p][r], truth[p])} for p in pkgs for r in lic[p]]
    (work / "per-file.json").write_text(json.dumps(per_file, indent=0) + "\n")
    if not a.no_write:
        (a.out_dir / "RESULTS.md").write_text(report)
        (a.out_dir / "disagreements.md").write_text("\n".join(dis) + "\n")
        log(f"wrote {a.out_dir / 'RESULTS.md'} and {a.out_dir / 'disagreements.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
