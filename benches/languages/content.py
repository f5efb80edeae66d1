#!/usr/bin/env python3
"""How often corpusledger names a document's language from its content alone,
for documents without a file name (issue 22: a Stack Exchange post whose tags
name no language, a JSONL line without a path).

    PY=/work/main/.venv/bin/python   # stdlib + pyarrow
    $PY benches/languages/content.py --corpus /work/bench-mid [--bin BIN] [--work DIR]
        [--max-bytes 4096] [--per-language 400] [--json]

Every file of the corpus that `measure.py`'s truth rules give a language (by
its package ecosystem and role, never its content) is written as one JSONL
line holding only its text, cut at --max-bytes at a line end (a snippet, as
posts hold), at most --per-language files per true language (the first in
path order), and `corpusledger run` reads that JSONL: with no path and no
tags, the document's language comes from its shebang or modeline, else from
the token classifier. The line number maps each document back to its file.
Exact and near duplicates are removed by the run and not scored.
"""

import argparse
import collections
import json
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import measure  # noqa: E402

try:
    import pyarrow.parquet as pq
except ImportError:  # pragma: no cover
    pq = None


def snippet(path, max_bytes):
    with open(path, "rb") as f:
        raw = f.read(max_bytes + 1)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text = raw[:-1].decode("utf-8") if len(raw) > max_bytes else None
        except UnicodeDecodeError:
            text = None
    if not text or "\0" in text:
        return None
    if len(raw) > max_bytes:
        cut = text.rfind("\n")
        text = text[: cut + 1] if cut > 0 else text
    return text if text.strip() else None


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--bin", default=measure.DEFAULT_BIN)
    ap.add_argument("--work")
    ap.add_argument("--max-bytes", type=int, default=4096)
    ap.add_argument("--per-language", type=int, default=400)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    if pq is None:
        print("content.py: pyarrow is not importable; use the project's .venv python", file=sys.stderr)
        return 2
    corpus = os.path.abspath(args.corpus)
    ecos = measure.ecosystems_of(corpus)
    truth = measure.truths(ecos)
    work = os.path.abspath(args.work or tempfile.mkdtemp(prefix="lang-content-"))
    os.makedirs(work, exist_ok=True)
    jsonl = os.path.join(work, "snippets.jsonl")
    taken = collections.Counter()
    lines = []
    with open(jsonl, "w", encoding="utf-8") as out_f:
        for path in sorted(truth):
            eco, pkg, rel, rule, lang = truth[path]
            if lang is None or taken[lang] >= args.per_language:
                continue
            text = snippet(path, args.max_bytes)
            if text is None:
                continue
            taken[lang] += 1
            lines.append((path, lang, rule))
            out_f.write(json.dumps({"text": text}) + "\n")
    out = os.path.join(work, "out")
    cmd = [args.bin, "run", "--input", jsonl, "--out", out, "--quiet", "--overwrite"]
    start = time.monotonic()
    done = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    wall = time.monotonic() - start
    if done.returncode not in (0, 1):
        print(done.stderr.decode(errors="replace")[-2000:], file=sys.stderr)
        return 2
    rows = []
    data = os.path.join(out, "data")
    for f in sorted(os.listdir(data)):
        if f.endswith(".parquet"):
            rows += pq.read_table(os.path.join(data, f)).select(["row", "language"]).to_pylist()
    per = collections.defaultdict(collections.Counter)
    confusion = collections.Counter()
    for row in rows:
        path, lang, rule = lines[row["row"] - 1]
        got = row["language"] or "unknown"
        per[lang]["n"] += 1
        per[lang]["correct" if got == lang else ("unknown" if got == "unknown" else "wrong")] += 1
        if got != lang:
            confusion[(lang, got)] += 1
    total = collections.Counter()
    for c in per.values():
        total.update(c)
    report = {
        "command": " ".join(cmd), "wall_s": round(wall, 2), "snippets_written": len(lines),
        "scored": total["n"], "correct": total["correct"], "unknown": total["unknown"], "wrong": total["wrong"],
        "per_language": {k: dict(v) for k, v in sorted(per.items())},
        "confusion": [[a, b, n] for (a, b), n in confusion.most_common(25)],
        "max_bytes": args.max_bytes, "per_language_cap": args.per_language,
    }
    if args.json:
        print(json.dumps(report, indent=1, sort_keys=True))
        return 0
    pct = lambda a, b: "%.1f%%" % (100.0 * a / b) if b else "-"
    print("# Language from content alone on %s\n" % corpus)
    print("```sh\n%s\n```\n" % report["command"])
    print("Truth: `measure.py`'s rules (package ecosystem and file role, never content). "
          "Each document is a file's first %d bytes (cut at a line end), with no path and no tags; "
          "at most %d files per true language; duplicates removed by the run are not scored.\n"
          % (args.max_bytes, args.per_language))
    print("| | |\n|---|---|")
    print("| snippets written | %d |" % len(lines))
    print("| scored (kept) | %d |" % total["n"])
    print("| correct | %d (**%s**) |" % (total["correct"], pct(total["correct"], total["n"])))
    print("| no language (`unknown`) | %d (%s) |" % (total["unknown"], pct(total["unknown"], total["n"])))
    print("| wrong | %d (%s) |" % (total["wrong"], pct(total["wrong"], total["n"])))
    per_lang_acc = [c["correct"] / c["n"] for c in per.values() if c["n"]]
    print("| mean of the per-language accuracies | %s |" % (pct(sum(per_lang_acc), len(per_lang_acc))))
    print("| run wall time | %.1f s |\n" % wall)
    print("| true language | documents | correct | unknown | wrong | accuracy |\n|---|---:|---:|---:|---:|---:|")
    for lang, c in sorted(per.items(), key=lambda kv: -kv[1]["n"]):
        print("| %s | %d | %d | %d | %d | %s |" % (lang, c["n"], c["correct"], c["unknown"], c["wrong"], pct(c["correct"], c["n"])))
    print("\n## Most frequent confusions\n\n| true | given | documents |\n|---|---|---:|")
    for a, b, n in report["confusion"]:
        print("| %s | %s | %d |" % (a, b, n))
    return 0


if __name__ == "__main__":
    sys.exit(main())
