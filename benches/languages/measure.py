#!/usr/bin/env python3
"""How often corpusledger's `language` column is right on real packages (issue 22).

    PY=/work/main/.venv/bin/python   # stdlib + pyarrow
    $PY benches/languages/measure.py --corpus /work/bench-mid [--bin BIN] [--work DIR]
        [--ecosystems crates,pypi] [--confusion .h,.m,.pl,.ts] [--examples 30] [--json]
    $PY benches/languages/measure.py --corpus /work/bench-mid --from-out OUT   # an earlier run's output
    python3 benches/languages/measure.py --self-test                         # stdlib only

The corpus holds unpacked packages in ecosystem folders: CORPUS/crates/NAME@VER/...,
CORPUS/pypi/NAME@VER/... (a folder counts as an ecosystem when most of its
entries are NAME@VER; --ecosystems names them instead). Each ecosystem folder is
one --input of `BIN run --input ... --out OUT --quiet --overwrite`; the script
reads the `input`, `key` and `language` columns of OUT/data/*.parquet (kept
documents only: exact and near duplicates, too-large and binary files are not
there, and are counted apart).

The truth. A file gets a true language only from a rule on its package's
ecosystem and the file's role in the package: which tool reads it, and as what.
No rule reads a file's content, and none uses linguist's tables; a file no rule
covers has no truth and is left out of the accuracy (its predicted languages
are still listed). First rule that applies wins:

  rust-target      crates: *.rs under src/, tests/, examples/, benches/, and build.rs at
                   the package root -> Rust (cargo's target discovery and build script:
                   rustc compiles them)
  cargo-manifest   crates: Cargo.toml, Cargo.toml.orig, Cargo.lock at the package root
                   -> TOML (cargo parses them as TOML)
  python-module    pypi: *.py, *.pyi -> Python (the import system and type checkers)
  cython           pypi: *.pyx, *.pxd, *.pxi -> Cython (cythonize compiles them)
  python-config    pypi: pyproject.toml at the package root -> TOML (PEP 518);
                   setup.cfg at the root -> INI (setuptools reads it with configparser)
  c-source         crates, pypi: *.c -> C; *.cc, *.cpp, *.cxx -> C++ (the cc crate, CMake
                   and setuptools pick the compiler by these extensions)
  c-header         crates, pypi: *.h -> the one language of the C-family sources that
                   include it: the non-test sources (*.c: C, *.cc/*.cpp/*.cxx: C++,
                   *.m: Objective-C, *.mm: Objective-C++) in the header's folder, else in
                   the nearest parent folder (up to the package root) that has any, else
                   in the whole package; no truth when those are of several languages.
                   Test sources (*_test.*, *_unittest.*, test_*.*, or under a test/,
                   tests/ or testing/ folder) do not count: C libraries are often tested
                   in C++
  objc-pair        *.m with a *.h of the same stem beside it -> Objective-C (interface
                   and implementation); *.mm -> Objective-C++
  perlasm          crates: *.pl, *.pm in a folder named asm or perlasm -> Perl (the
                   OpenSSL-family assembly generators, run with perl by the build)
  perl-build       crates: other *.pl, *.pm -> Perl (vendored C libraries' build and
                   test scripts; a prior of the ecosystem, weaker than the rules above)
  node-typescript  *.ts, *.tsx with a package.json or tsconfig.json in their folder or a
                   parent folder of the package -> TypeScript (TSX for *.tsx): a Node
                   project compiles them with tsc
  qt-translation   *.ts beside *.qm or *.pro files, or in a folder named translations,
                   i18n, locale or locales -> XML (Qt Linguist's translation sources)
  assembler        crates: *.S, *.s -> Unix Assembly (GNU as syntax, what the build's
                   C compiler assembles); *.asm -> Assembly (NASM/MASM syntax, assembled
                   by nasm on Windows)
  readme           README.md at the package root -> Markdown; README.rst -> reStructuredText
                   (what crates.io and PyPI render them as)
  license-text     LICENSE*, LICENCE*, COPYING*, NOTICE*, AUTHORS* at the package root
                   without an extension or with .txt -> Text (plain-text legal files)

Reported: accuracy over the documents with a truth (a document the tool gives
no language counts as wrong, and is counted apart as `unknown`), by rule and by
ecosystem; confusion tables for the ambiguous extensions (--confusion), with the
predictions for files of those extensions that no rule covers; the predicted
languages of the files without a truth; up to --examples wrong documents.

Prints Markdown (or JSON with --json). Exit status: 0 when measured, 2 when
something could not be run or read (the message says what).
"""

import argparse
import collections
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

DEFAULT_BIN = "/work/target-release/release/corpusledger"
DEFAULT_CONFUSION = [".h", ".m", ".pl", ".ts"]
DATA_COLUMNS = ["input", "key", "language"]

C_FAMILY = {".c": "C", ".cc": "C++", ".cpp": "C++", ".cxx": "C++", ".m": "Objective-C", ".mm": "Objective-C++"}
TEST_DIRS = {"test", "tests", "testing"}
RULES = [
    ("rust-target", "crates: *.rs under src/, tests/, examples/, benches/; build.rs -> Rust (rustc compiles them)"),
    ("cargo-manifest", "crates: root Cargo.toml, Cargo.toml.orig, Cargo.lock -> TOML (cargo parses them)"),
    ("python-module", "pypi: *.py, *.pyi -> Python (the import system, type checkers)"),
    ("cython", "pypi: *.pyx, *.pxd, *.pxi -> Cython (cythonize compiles them)"),
    ("python-config", "pypi: root pyproject.toml -> TOML (PEP 518); root setup.cfg -> INI (configparser)"),
    ("c-source", "*.c -> C; *.cc, *.cpp, *.cxx -> C++ (the build picks the compiler by extension)"),
    ("c-header", "*.h -> the one language of the non-test C-family sources of its folder, else of the nearest "
                 "parent folder with any, else of the package; none when mixed"),
    ("objc-pair", "*.m with a same-stem *.h beside it -> Objective-C; *.mm -> Objective-C++"),
    ("perlasm", "crates: *.pl, *.pm in a folder named asm or perlasm -> Perl (assembly generators run by perl)"),
    ("perl-build", "crates: other *.pl, *.pm -> Perl (vendored C libraries' build scripts; an ecosystem prior)"),
    ("node-typescript", "*.ts, *.tsx below a package.json or tsconfig.json -> TypeScript / TSX (tsc compiles them)"),
    ("qt-translation", "*.ts beside *.qm or *.pro, or in translations/, i18n/, locale(s)/ -> XML (Qt Linguist)"),
    ("assembler", "crates: *.S, *.s -> Unix Assembly (GNU as); *.asm -> Assembly (NASM/MASM)"),
    ("readme", "root README.md -> Markdown, README.rst -> reStructuredText (as crates.io and PyPI render them)"),
    ("license-text", "root LICENSE*, LICENCE*, COPYING*, NOTICE*, AUTHORS* (no extension or .txt) -> Text"),
]


class Failure(Exception):
    """Something could not be run or read; the message says what."""


try:
    import pyarrow.parquet as pq
except ImportError:  # said when needed, so --help and --self-test work anywhere
    pq = None


# --------------------------------------------------------------------------
# the truth


def ext_of(name):
    """The last extension of a file name as written ('' when none; a dot
    file's name is no extension)."""
    stem, dot, ext = name.rpartition(".")
    return "." + ext if dot and stem else ""


def is_test_source(rel):
    """A test source by its name or folder (rel: the path inside the package)."""
    parts = rel.split("/")
    name = parts[-1]
    stem = name.rsplit(".", 1)[0]
    if any(p in TEST_DIRS for p in parts[:-1]):
        return True
    return stem.endswith(("_test", "_tests", "_unittest")) or stem.startswith("test_")


class Package:
    """One unpacked package: its files (paths relative to its root, with `/`)
    and what the header and TypeScript rules need to know about its folders."""

    def __init__(self, ecosystem, root, files):
        self.ecosystem = ecosystem
        self.root = root
        self.files = sorted(files)
        self.by_dir = collections.defaultdict(list)
        for rel in self.files:
            folder, _, name = rel.rpartition("/")
            self.by_dir[folder].append(name)
        self._package_family = None

    def sources_in(self, folder):
        """The languages of the non-test C-family sources directly in folder."""
        langs = set()
        for name in self.by_dir.get(folder, []):
            rel = folder + "/" + name if folder else name
            lang = C_FAMILY.get(ext_of(name))
            if lang and not is_test_source(rel):
                langs.add(lang)
        return langs

    def package_family(self):
        if self._package_family is None:
            langs = set()
            for rel in self.files:
                lang = C_FAMILY.get(ext_of(rel.rpartition("/")[2]))
                if lang and not is_test_source(rel):
                    langs.add(lang)
            self._package_family = langs
        return self._package_family

    def header_language(self, rel):
        """(language or None, where it was decided) for a header."""
        folder = rel.rpartition("/")[0]
        while True:
            langs = self.sources_in(folder)
            if langs:
                where = "sources of %s/" % (folder or ".")
                return (langs.pop() if len(langs) == 1 else None), where
            if not folder:
                break
            folder = folder.rpartition("/")[0]
        langs = self.package_family()
        return (langs.pop() if len(langs) == 1 else None), "sources of the package"

    def has_above(self, rel, names):
        """Whether one of these file names is in rel's folder or a parent
        folder (up to the package root)."""
        folder = rel.rpartition("/")[0]
        while True:
            present = self.by_dir.get(folder, [])
            if any(n in present for n in names):
                return True
            if not folder:
                return False
            folder = folder.rpartition("/")[0]


ROOT_LEGAL = ("LICENSE", "LICENCE", "COPYING", "NOTICE", "AUTHORS")


def truth_of(pkg, rel):
    """(rule, language) for one file of a package, or None when no rule
    covers it. rel is the path inside the package, with `/`."""
    parts = rel.split("/")
    name = parts[-1]
    folder = "/".join(parts[:-1])
    at_root = len(parts) == 1
    ext = ext_of(name)
    eco = pkg.ecosystem
    if eco == "crates":
        if ext == ".rs" and (parts[0] in ("src", "tests", "examples", "benches") or rel == "build.rs"):
            return "rust-target", "Rust"
        if at_root and name in ("Cargo.toml", "Cargo.toml.orig", "Cargo.lock"):
            return "cargo-manifest", "TOML"
    if eco == "pypi":
        if ext in (".py", ".pyi"):
            return "python-module", "Python"
        if ext in (".pyx", ".pxd", ".pxi"):
            return "cython", "Cython"
        if at_root and name == "pyproject.toml":
            return "python-config", "TOML"
        if at_root and name == "setup.cfg":
            return "python-config", "INI"
    if eco in ("crates", "pypi"):
        if ext == ".c":
            return "c-source", "C"
        if ext in (".cc", ".cpp", ".cxx"):
            return "c-source", "C++"
        if ext == ".h":
            lang, _ = pkg.header_language(rel)
            return ("c-header", lang) if lang else None
    siblings = pkg.by_dir.get(folder, [])
    if ext == ".m" and name[:-2] + ".h" in siblings:
        return "objc-pair", "Objective-C"
    if ext == ".mm":
        return "objc-pair", "Objective-C++"
    if eco == "crates" and ext in (".pl", ".pm"):
        if len(parts) > 1 and parts[-2] in ("asm", "perlasm"):
            return "perlasm", "Perl"
        return "perl-build", "Perl"
    if ext in (".ts", ".tsx"):
        lower_dirs = {p.lower() for p in parts[:-1]}
        beside = {ext_of(s) for s in siblings}
        if ext == ".ts" and (beside & {".qm", ".pro"} or lower_dirs & {"translations", "i18n", "locale", "locales"}):
            return "qt-translation", "XML"
        if pkg.has_above(rel, ("package.json", "tsconfig.json")):
            return "node-typescript", "TypeScript" if ext == ".ts" else "TSX"
    if eco == "crates" and ext in (".S", ".s"):
        return "assembler", "Unix Assembly"
    if eco == "crates" and ext == ".asm":
        return "assembler", "Assembly"
    if at_root and name == "README.md":
        return "readme", "Markdown"
    if at_root and name == "README.rst":
        return "readme", "reStructuredText"
    if at_root and name.upper().startswith(ROOT_LEGAL) and ext in ("", ".txt"):
        return "license-text", "Text"
    return None


def is_ecosystem(path):
    """Most entries of the folder are NAME@VER folders."""
    try:
        entries = [e for e in os.scandir(path) if not e.name.startswith(".")]
    except OSError:
        return False
    pkgs = [e for e in entries if e.is_dir() and "@" in e.name]
    return bool(pkgs) and len(pkgs) * 2 > len(entries)


def ecosystems_of(corpus, names=None):
    """[(name, absolute folder)] of the corpus's ecosystem folders."""
    if not os.path.isdir(corpus):
        raise Failure("no corpus folder %s" % corpus)
    if names:
        found = [(n, os.path.join(corpus, n)) for n in names]
        missing = [f for _, f in found if not os.path.isdir(f)]
        if missing:
            raise Failure("no such ecosystem folder: %s" % ", ".join(missing))
    else:
        found = [(e.name, e.path) for e in sorted(os.scandir(corpus), key=lambda e: e.name)
                 if e.is_dir() and is_ecosystem(e.path)]
    if not found:
        raise Failure("%s holds no ecosystem folder (a folder of NAME@VER packages); give --ecosystems" % corpus)
    return [(n, os.path.abspath(f)) for n, f in found]


def packages_of(eco_name, eco_dir):
    for entry in sorted(os.scandir(eco_dir), key=lambda e: e.name):
        if not entry.is_dir():
            continue
        files = []
        for dirpath, dirnames, filenames in os.walk(entry.path):
            dirnames[:] = sorted(d for d in dirnames if d != ".git")
            rel_dir = os.path.relpath(dirpath, entry.path).replace(os.sep, "/")
            for f in filenames:
                files.append(f if rel_dir == "." else rel_dir + "/" + f)
        yield Package(eco_name, entry.path, files)


def truths(ecosystems):
    """{absolute file path: (ecosystem, package, rel, rule, language or None)}
    for every file of every package (rule None: no rule covers it)."""
    out = {}
    for eco_name, eco_dir in ecosystems:
        for pkg in packages_of(eco_name, eco_dir):
            for rel in pkg.files:
                found = truth_of(pkg, rel)
                rule, lang = found if found else (None, None)
                path = os.path.normpath(os.path.join(pkg.root, *rel.split("/")))
                out[path] = (eco_name, os.path.basename(pkg.root), rel, rule, lang)
    return out


# --------------------------------------------------------------------------
# running corpusledger and reading its output


def run_corpusledger(binary, inputs, out):
    """Runs `run` on the inputs; returns (wall seconds, exit code). 0 and 1
    (done with problems) are success."""
    if not (os.path.isfile(binary) and os.access(binary, os.X_OK)):
        raise Failure("no corpusledger binary at %s (give --bin)" % binary)
    if os.path.isdir(out):
        shutil.rmtree(out)
    cmd = [binary, "run"]
    for i in inputs:
        cmd += ["--input", i]
    cmd += ["--out", out, "--quiet", "--overwrite"]
    start = time.monotonic()
    done = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    wall = time.monotonic() - start
    if done.returncode not in (0, 1):
        raise Failure("corpusledger failed with exit %d:\n  %s\n%s"
                      % (done.returncode, " ".join(cmd), done.stderr.decode(errors="replace")[-3000:].rstrip()))
    return wall, done.returncode


def read_rows(out):
    """The input, key and language of every kept document in OUT/data."""
    if pq is None:
        raise Failure("pyarrow is not importable by %s; run this with /work/main/.venv/bin/python" % sys.executable)
    data = os.path.join(out, "data")
    shards = sorted(f for f in os.listdir(data) if f.endswith(".parquet")) if os.path.isdir(data) else []
    if not shards:
        raise Failure("%s has no data shards (*.parquet)" % data)
    rows = []
    for f in shards:
        table = pq.read_table(os.path.join(data, f))
        missing = [c for c in DATA_COLUMNS if c not in table.column_names]
        if missing:
            raise Failure("%s lacks the columns %s" % (f, ", ".join(missing)))
        rows += table.select(DATA_COLUMNS).to_pylist()
    return rows


def file_of(row, base=None):
    """The file a document was read from: its input label (the path given to
    --input) joined with its key; relative labels are taken from base (the
    folder the run was started in)."""
    label = row["input"]
    if not os.path.isabs(label) and base:
        label = os.path.join(base, label)
    return os.path.normpath(os.path.join(label, *row["key"].split("/")))


# --------------------------------------------------------------------------
# scoring


def ratio(a, b):
    return a / b if b else None


def score(truth, rows, confusion_exts, examples=30, base=None):
    """The report (a dict) from the truth and the documents' rows."""
    scored = []          # (ecosystem, rel, rule, truth, predicted, ext)
    untruthed = collections.Counter()
    untruthed_ext = collections.defaultdict(collections.Counter)
    unmatched = 0
    seen = set()
    for r in rows:
        path = file_of(r, base)
        t = truth.get(path)
        if t is None:
            unmatched += 1
            continue
        seen.add(path)
        eco, pkg, rel, rule, lang = t
        predicted = r["language"] or "unknown"
        ext = ext_of(rel.rpartition("/")[2])
        if rule is None:
            untruthed[predicted] += 1
            if ext in confusion_exts:
                untruthed_ext[ext][predicted] += 1
            continue
        scored.append((eco, pkg + "/" + rel, rule, lang, predicted, ext))
    truth_files = sum(1 for t in truth.values() if t[3] is not None)
    truth_in_data = len(scored)

    def tally(key):
        groups = collections.OrderedDict()
        for s in sorted(scored, key=key):
            g = groups.setdefault(key(s), {"documents": 0, "correct": 0, "unknown": 0, "languages": set()})
            g["documents"] += 1
            g["correct"] += s[3] == s[4]
            g["unknown"] += s[4] == "unknown"
            g["languages"].add(s[3])
        return [{"name": k, **v, "languages": sorted(v["languages"]), "accuracy": ratio(v["correct"], v["documents"])}
                for k, v in groups.items()]

    correct = sum(1 for s in scored if s[3] == s[4])
    confusion = []
    for ext in confusion_exts:
        cells = collections.Counter((s[3], s[4]) for s in scored if s[5] == ext)
        confusion.append({
            "extension": ext,
            "truth": sorted({t for t, _ in cells}),
            "predicted": sorted({p for _, p in cells} | set(untruthed_ext[ext])),
            "cells": [{"truth": t, "predicted": p, "documents": n} for (t, p), n in sorted(cells.items())],
            "without_truth": dict(sorted(untruthed_ext[ext].items())),
        })
    wrong = sorted((s for s in scored if s[3] != s[4]), key=lambda s: (s[2], s[1]))
    return {
        "documents": len(rows),
        "documents_not_in_corpus": unmatched,
        "truth_files": truth_files,
        "truth_files_in_data": truth_in_data,
        "truth_files_not_in_data": truth_files - len({p for p in seen if truth[p][3] is not None}),
        "correct": correct,
        "accuracy": ratio(correct, truth_in_data),
        "unknown": sum(1 for s in scored if s[4] == "unknown"),
        "by_rule": tally(lambda s: s[2]),
        "by_ecosystem": tally(lambda s: s[0]),
        "by_truth": tally(lambda s: s[3]),
        "confusion": confusion,
        "without_truth": dict(untruthed.most_common()),
        "wrong": [{"file": s[1], "rule": s[2], "truth": s[3], "predicted": s[4]} for s in wrong[:examples]],
        "wrong_total": len(wrong),
    }


# --------------------------------------------------------------------------
# Markdown


def pct(x):
    return "n/a" if x is None else "%.1f%%" % (100 * x)


def cell(s):
    return str(s).replace("|", "\\|").replace("\n", " ")


def markdown(report):
    out = ["# Language identification on %s" % report["corpus"], ""]
    if report.get("command"):
        out += ["```sh", report["command"], "```", ""]
    out += ["%s: %s" % (k, report[k]) for k in ("binary", "binary_version") if report.get(k)]
    if report.get("wall_s") is not None:
        out.append("run: %.1f s, exit %s" % (report["wall_s"], report.get("exit")))
    out += [
        "",
        "Truth: from each file's package ecosystem and role, never from its content or linguist's tables "
        "(rules below; a file no rule covers is left out). Kept documents only: duplicates and rejected files "
        "are not in the data.",
        "",
        "| | |", "|---|---|",
        "| documents in the data | %d |" % report["documents"],
        "| files with a truth | %d |" % report["truth_files"],
        "| of them in the data (scored) | %d |" % report["truth_files_in_data"],
        "| not in the data (duplicates, rejected, unread) | %d |" % report["truth_files_not_in_data"],
        "| correct | %d (**%s**) |" % (report["correct"], pct(report["accuracy"])),
        "| no language given (`unknown`) | %d |" % report["unknown"],
        "| documents not found under the corpus | %d |" % report["documents_not_in_corpus"],
        "",
    ]
    if report.get("ecosystems"):
        out += ["Ecosystem folders (one --input each): %s" % ", ".join(report["ecosystems"]), ""]
    for title, key in (("By rule", "by_rule"), ("By ecosystem", "by_ecosystem"), ("By true language", "by_truth")):
        languages = key != "by_truth"
        out += ["## " + title, "", "| %s |%s documents | correct | unknown | accuracy |"
                % (title.split()[-1], " true languages |" if languages else ""),
                "|---|%s---:|---:|---:|---:|" % ("---|" if languages else "")]
        out += ["| %s |%s %d | %d | %d | %s |" % (cell(g["name"]),
                                                " %s |" % cell(", ".join(g["languages"])) if languages else "",
                                                g["documents"], g["correct"], g["unknown"], pct(g["accuracy"]))
                for g in report[key]]
        out.append("")
    out += ["## Confusion on ambiguous extensions", "",
            "Rows: the true language; columns: corpusledger's. `(no truth)`: files of that extension no rule "
            "covers.", ""]
    for c in report["confusion"]:
        out.append("### `%s`" % c["extension"])
        out.append("")
        if not c["cells"] and not c["without_truth"]:
            out += ["No document with this extension.", ""]
            continue
        cols = c["predicted"]
        out.append("| truth \\ predicted | %s |" % " | ".join(cell(p) for p in cols))
        out.append("|---|" + "---:|" * len(cols))
        counts = {(x["truth"], x["predicted"]): x["documents"] for x in c["cells"]}
        for t in c["truth"]:
            out.append("| %s | %s |" % (cell(t), " | ".join(str(counts.get((t, p), "")) for p in cols)))
        if c["without_truth"]:
            out.append("| (no truth) | %s |" % " | ".join(str(c["without_truth"].get(p, "")) for p in cols))
        out.append("")
    out += ["## Predicted languages of the documents without a truth", "",
            "| language | documents |", "|---|---:|"]
    out += ["| %s | %d |" % (cell(k), v) for k, v in list(report["without_truth"].items())[:25]]
    if len(report["without_truth"]) > 25:
        out.append("| (%d more languages) | |" % (len(report["without_truth"]) - 25))
    out += ["", "## Wrong (%d of %d shown)" % (len(report["wrong"]), report["wrong_total"]), "",
            "| file | rule | truth | predicted |", "|---|---|---|---|"]
    out += ["| %s | %s | %s | %s |" % (cell(w["file"]), w["rule"], cell(w["truth"]), cell(w["predicted"]))
            for w in report["wrong"]]
    out += ["", "## The truth's rules", ""] + ["- **%s**: %s" % r for r in RULES]
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------
# self-test (stdlib only)


def self_test():
    tmp = tempfile.mkdtemp(prefix="lang-measure-")
    try:
        files = {
            "crates/foo@1.0.0/src/lib.rs": "", "crates/foo@1.0.0/build.rs": "", "crates/foo@1.0.0/Cargo.toml": "",
            "crates/foo@1.0.0/Cargo.toml.orig": "", "crates/foo@1.0.0/README.md": "",
            "crates/foo@1.0.0/LICENSE-MIT": "", "crates/foo@1.0.0/docs/notes.md": "",
            "crates/foo@1.0.0/scripts/gen.rs": "",
            "crates/foo-sys@0.1.0/vendor/lib/a.c": "", "crates/foo-sys@0.1.0/vendor/lib/a.h": "",
            "crates/foo-sys@0.1.0/vendor/lib/a_test.cc": "", "crates/foo-sys@0.1.0/vendor/ssl/s.cc": "",
            "crates/foo-sys@0.1.0/vendor/ssl/internal.h": "", "crates/foo-sys@0.1.0/vendor/include/pub.h": "",
            "crates/foo-sys@0.1.0/vendor/ssl/sub/deep.h": "",
            "crates/foo-sys@0.1.0/vendor/crypto/asm/x86_64-mont.pl": "",
            "crates/foo-sys@0.1.0/vendor/util/check.pl": "", "crates/foo-sys@0.1.0/vendor/gen/x.S": "",
            "crates/foo-sys@0.1.0/vendor/gen/x.asm": "", "crates/foo-sys@0.1.0/vendor/tests/t.c": "",
            "crates/objc@0.2.0/src/lib.rs": "", "crates/objc@0.2.0/objc/Foo.h": "",
            "crates/objc@0.2.0/objc/Foo.m": "", "crates/objc@0.2.0/objcpp/Bar.mm": "",
            "crates/cs@0.1.0/c/only.h": "", "crates/cs@0.1.0/c/x/y.c": "",
            "pypi/bar@2.0/bar/__init__.py": "", "pypi/bar@2.0/bar/_speed.c": "", "pypi/bar@2.0/bar/_speed.h": "",
            "pypi/bar@2.0/bar/fast.pyx": "", "pypi/bar@2.0/pyproject.toml": "", "pypi/bar@2.0/setup.cfg": "",
            "pypi/bar@2.0/README.rst": "", "pypi/bar@2.0/COPYING": "", "pypi/bar@2.0/PKG-INFO": "",
            "pypi/bar@2.0/js/package.json": "", "pypi/bar@2.0/js/src/index.ts": "",
            "pypi/bar@2.0/js/src/view.tsx": "", "pypi/bar@2.0/app/translations/app_de.ts": "",
            "pypi/bar@2.0/app/ui/main.ts": "", "pypi/bar@2.0/app/ui/main.qm": "",
            "pypi/bar@2.0/scripts/run.pl": "", "pypi/bar@2.0/m/model.m": "",
            "pypi/mixed@1.0/src/a.c": "", "pypi/mixed@1.0/src/b.cpp": "", "pypi/mixed@1.0/src/ab.h": "",
            "crates.cargo-home/registry/x.rs": "", "crates.cargo-home/other/y": "",
        }
        for rel in files:
            path = os.path.join(tmp, *rel.split("/"))
            os.makedirs(os.path.dirname(path), exist_ok=True)
            open(path, "w").close()
        ecos = ecosystems_of(tmp)
        assert [n for n, _ in ecos] == ["crates", "pypi"], ecos
        t = truths(ecos)

        def truth(rel):
            v = t[os.path.normpath(os.path.join(tmp, *rel.split("/")))]
            return (v[3], v[4]) if v[3] else None

        expect = {
            "crates/foo@1.0.0/src/lib.rs": ("rust-target", "Rust"),
            "crates/foo@1.0.0/build.rs": ("rust-target", "Rust"),
            "crates/foo@1.0.0/scripts/gen.rs": None,
            "crates/foo@1.0.0/Cargo.toml": ("cargo-manifest", "TOML"),
            "crates/foo@1.0.0/Cargo.toml.orig": ("cargo-manifest", "TOML"),
            "crates/foo@1.0.0/README.md": ("readme", "Markdown"),
            "crates/foo@1.0.0/docs/notes.md": None,
            "crates/foo@1.0.0/LICENSE-MIT": ("license-text", "Text"),
            "crates/foo-sys@0.1.0/vendor/lib/a.c": ("c-source", "C"),
            # a C library tested in C++: the test source does not count
            "crates/foo-sys@0.1.0/vendor/lib/a.h": ("c-header", "C"),
            "crates/foo-sys@0.1.0/vendor/lib/a_test.cc": ("c-source", "C++"),
            "crates/foo-sys@0.1.0/vendor/ssl/internal.h": ("c-header", "C++"),
            "crates/foo-sys@0.1.0/vendor/ssl/sub/deep.h": ("c-header", "C++"),
            # no sources in its folders up to the root; the package mixes C and C++
            "crates/foo-sys@0.1.0/vendor/include/pub.h": None,
            "crates/foo-sys@0.1.0/vendor/crypto/asm/x86_64-mont.pl": ("perlasm", "Perl"),
            "crates/foo-sys@0.1.0/vendor/util/check.pl": ("perl-build", "Perl"),
            "crates/foo-sys@0.1.0/vendor/gen/x.S": ("assembler", "Unix Assembly"),
            "crates/foo-sys@0.1.0/vendor/gen/x.asm": ("assembler", "Assembly"),
            "crates/objc@0.2.0/objc/Foo.h": ("c-header", "Objective-C"),
            "crates/objc@0.2.0/objc/Foo.m": ("objc-pair", "Objective-C"),
            "crates/objc@0.2.0/objcpp/Bar.mm": ("objc-pair", "Objective-C++"),
            # no sources beside it or above it: the package's (one language)
            "crates/cs@0.1.0/c/only.h": ("c-header", "C"),
            "pypi/bar@2.0/bar/__init__.py": ("python-module", "Python"),
            "pypi/bar@2.0/bar/_speed.h": ("c-header", "C"),
            "pypi/bar@2.0/bar/fast.pyx": ("cython", "Cython"),
            "pypi/bar@2.0/pyproject.toml": ("python-config", "TOML"),
            "pypi/bar@2.0/setup.cfg": ("python-config", "INI"),
            "pypi/bar@2.0/README.rst": ("readme", "reStructuredText"),
            "pypi/bar@2.0/COPYING": ("license-text", "Text"),
            "pypi/bar@2.0/PKG-INFO": None,
            "pypi/bar@2.0/js/src/index.ts": ("node-typescript", "TypeScript"),
            "pypi/bar@2.0/js/src/view.tsx": ("node-typescript", "TSX"),
            "pypi/bar@2.0/app/translations/app_de.ts": ("qt-translation", "XML"),
            "pypi/bar@2.0/app/ui/main.ts": ("qt-translation", "XML"),
            "pypi/bar@2.0/scripts/run.pl": None,
            "pypi/bar@2.0/m/model.m": None,
            "pypi/mixed@1.0/src/ab.h": None,
        }
        for rel, want in expect.items():
            assert truth(rel) == want, (rel, truth(rel), want)
        assert not any("cargo-home" in p for p in t), "crates.cargo-home is no ecosystem"

        # scoring: rows as the data shards give them (input label + key)
        crates, pypi = dict(ecos)["crates"], dict(ecos)["pypi"]
        rows = [
            {"input": crates, "key": "foo@1.0.0/src/lib.rs", "language": "Rust"},
            {"input": crates, "key": "foo@1.0.0/Cargo.toml", "language": "TOML"},
            {"input": crates, "key": "foo@1.0.0/LICENSE-MIT", "language": None},
            {"input": crates, "key": "foo-sys@0.1.0/vendor/lib/a.h", "language": "C"},
            {"input": crates, "key": "foo-sys@0.1.0/vendor/ssl/internal.h", "language": "C"},
            {"input": crates, "key": "foo-sys@0.1.0/vendor/include/pub.h", "language": "C"},
            {"input": crates, "key": "objc@0.2.0/objc/Foo.h", "language": "Objective-C"},
            {"input": crates, "key": "foo-sys@0.1.0/vendor/crypto/asm/x86_64-mont.pl", "language": "Perl"},
            {"input": pypi, "key": "bar@2.0/js/src/index.ts", "language": "TypeScript"},
            {"input": pypi, "key": "bar@2.0/app/ui/main.ts", "language": "TypeScript"},
            {"input": pypi, "key": "bar@2.0/PKG-INFO", "language": None},
            {"input": pypi, "key": "gone@1.0/x.py", "language": "Python"},
            # a relative input label, resolved from the run's folder
            {"input": os.path.relpath(pypi, tmp), "key": "bar@2.0/bar/__init__.py", "language": "Python"},
        ]
        rep = score(t, rows, [".h", ".ts", ".m"], examples=2, base=tmp)
        assert rep["documents"] == 13 and rep["documents_not_in_corpus"] == 1, rep
        assert rep["truth_files_in_data"] == 10, rep["truth_files_in_data"]
        assert rep["correct"] == 7 and rep["unknown"] == 1, rep
        assert abs(rep["accuracy"] - 0.7) < 1e-9
        assert rep["truth_files_not_in_data"] == rep["truth_files"] - 10
        h = next(c for c in rep["confusion"] if c["extension"] == ".h")
        cells = {(c["truth"], c["predicted"]): c["documents"] for c in h["cells"]}
        assert cells == {("C", "C"): 1, ("C++", "C"): 1, ("Objective-C", "Objective-C"): 1}, cells
        assert h["without_truth"] == {"C": 1}, h
        ts = next(c for c in rep["confusion"] if c["extension"] == ".ts")
        assert {(c["truth"], c["predicted"]) for c in ts["cells"]} == {("TypeScript", "TypeScript"),
                                                                       ("XML", "TypeScript")}
        assert rep["wrong_total"] == 3 and len(rep["wrong"]) == 2
        assert rep["without_truth"] == {"C": 1, "unknown": 1}, rep["without_truth"]
        by_rule = {g["name"]: g for g in rep["by_rule"]}
        assert by_rule["license-text"]["unknown"] == 1 and by_rule["license-text"]["accuracy"] == 0
        assert by_rule["c-header"]["documents"] == 3 and by_rule["c-header"]["correct"] == 2
        md = markdown({**rep, "corpus": tmp, "ecosystems": ["crates", "pypi"]})
        for needle in ("| correct | 7 (**70.0%**) |", "### `.h`", "| C++ | 1 |", "| (no truth) | 1 |",
                       "### `.m`\n\nNo document with this extension.", "**c-header**"):
            assert needle in md, (needle, md)
        json.dumps(rep)

        # reading shards, where pyarrow is there
        if pq is not None:
            import pyarrow as pa
            out = os.path.join(tmp, "out")
            os.makedirs(os.path.join(out, "data"))
            pq.write_table(pa.table({"input": [crates], "key": ["foo@1.0.0/src/lib.rs"], "language": ["Rust"],
                                     "content": ["fn main() {}"]}), os.path.join(out, "data", "part-0.parquet"))
            assert read_rows(out) == [{"input": crates, "key": "foo@1.0.0/src/lib.rs", "language": "Rust"}]
        print("self-test: ok%s" % ("" if pq is not None else " (without pyarrow: shard reading not tested)"))
    finally:
        shutil.rmtree(tmp)


# --------------------------------------------------------------------------


def binary_version(binary):
    try:
        done = subprocess.run([binary, "--version"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=30)
        return done.stdout.decode(errors="replace").strip() or "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", help="folder of ecosystem folders of unpacked NAME@VER packages")
    ap.add_argument("--bin", default=DEFAULT_BIN)
    ap.add_argument("--work", help="scratch folder for the run's output [default: a temporary folder]")
    ap.add_argument("--from-out", help="read this earlier run's output instead of running the binary")
    ap.add_argument("--ecosystems", help="comma-separated ecosystem folder names [default: detected]")
    ap.add_argument("--confusion", default=",".join(DEFAULT_CONFUSION),
                    help="comma-separated extensions to show confusion tables for")
    ap.add_argument("--examples", type=int, default=30, help="wrong documents to list")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--self-test", action="store_true", help="check the truth and scoring on a made-up corpus")
    args = ap.parse_args()
    if args.self_test:
        self_test()
        return 0
    if not args.corpus:
        ap.error("--corpus is required (or --self-test)")
    try:
        corpus = os.path.abspath(args.corpus)
        ecos = ecosystems_of(corpus, args.ecosystems.split(",") if args.ecosystems else None)
        truth = truths(ecos)
        report = {"corpus": corpus, "ecosystems": [n for n, _ in ecos]}
        if args.from_out:
            out = os.path.abspath(args.from_out)
            report.update({"out": out, "wall_s": None})
        else:
            work = args.work or tempfile.mkdtemp(prefix="lang-measure-")
            out = os.path.join(os.path.abspath(work), "languages-out")
            wall, code = run_corpusledger(args.bin, [f for _, f in ecos], out)
            report.update({
                "out": out, "wall_s": wall, "exit": code, "binary": args.bin,
                "binary_version": binary_version(args.bin),
                "command": "%s run %s --out %s --quiet --overwrite"
                           % (args.bin, " ".join("--input " + f for _, f in ecos), out),
            })
        rows = read_rows(out)
        exts = [e if e.startswith(".") else "." + e for e in args.confusion.split(",") if e]
        report.update(score(truth, rows, exts, args.examples, base=os.getcwd()))
    except Failure as e:
        print("measure.py: %s" % e, file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(report, indent=1, sort_keys=True))
    else:
        sys.stdout.write(markdown(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
