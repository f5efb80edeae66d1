#!/usr/bin/env python3
"""How well corpusledger's secret and personal-data filters work, and what they cost (issue 22).

    PY=/work/main/.venv/bin/python   # stdlib + pyarrow
    $PY benches/filters/measure.py [--bin BIN] [--work DIR] [--seed N --count N | --set DIR]
        [--corpus DIR [--sample 50 --sample-seed N --sample-out FILE] [--cost [--runs 5]]]
        [--skip-synthetic] [--threads N] [--json]

(a) Synthetic recall and false positives. Generates the labelled set of
    gen_secrets.py (or takes --set DIR, a directory that gen_secrets.py wrote),
    runs `corpusledger run --input SET/tree --out OUT --secrets redact --pii
    redact --quiet --overwrite` and reads OUT/redactions.parquet. A planted
    value is found when a redaction of its file has span_sha256 equal to the
    label's sha256 (or one of its alt_sha256); for labels with match "line"
    (PEM blocks, connection strings) a redaction of the file starting on the
    labelled line also counts. A negative is hit when a redaction of its file
    starts on its line. Every redaction is also put in one class: true (it
    found a planted value), negative (on a negative's line), other-span (on a
    planted value's line, but not its span) or unlabelled (on no labelled
    line). precision-by-negatives = true / (true + negative); strict precision
    = true / all redactions. Values not found whose line has a redaction
    whose span covers them (a whole `Authorization: Bearer ...` header) are
    counted apart ("wider"), and a second recall counts them as found.

(b) --corpus DIR (real packages, e.g. /work/bench-mid): runs with --secrets
    redact --pii redact and reports the share of documents with at least one
    secret redaction and with at least one pii redaction (documents: the
    manifest's counts.documents, else the rows of the data shards), the
    redactions by rule, and writes a seeded sample of --sample secret
    redactions to --sample-out (Markdown) with each one's line from the corpus,
    its span masked, and an empty verdict column to fill in by hand.

(c) --cost (with --corpus): times `run` on the corpus with every filter off
    and with every filter on (--secrets redact --pii redact --generated remove
    --vendored remove --low-quality remove), --runs alternating pairs after
    one untimed warm-up; medians and their ratio.

Prints Markdown (or JSON with --json). Exit status: 0 when measured, 2 when
something could not be run or read (the message says what).
"""

import argparse
import hashlib
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_BIN = "/work/target-release/release/corpusledger"
REDACTION_COLUMNS = ["doc_id", "input", "key", "rule", "kind", "line", "offset", "placeholder", "span_sha256"]
FILTERS_OFF = ["--secrets", "off", "--pii", "off", "--generated", "off", "--vendored", "off", "--low-quality", "off"]
FILTERS_ON = ["--secrets", "redact", "--pii", "redact", "--generated", "remove", "--vendored", "remove",
              "--low-quality", "remove"]
REDACT = ["--secrets", "redact", "--pii", "redact"]


class Failure(Exception):
    """Something could not be run or read; the message says what."""


try:
    import pyarrow.parquet as pq
except ImportError:  # said when needed, so --help works anywhere
    pq = None


def need_pyarrow():
    if pq is None:
        raise Failure("pyarrow is not importable by %s; run this with /work/main/.venv/bin/python" % sys.executable)


# --------------------------------------------------------------------------
# running corpusledger


def run_corpusledger(binary, inputs, out, flags, threads=None):
    """Runs `corpusledger run`; returns (wall seconds, exit code). Exit 0 and
    1 are success (1: with problems); anything else raises Failure."""
    if not (os.path.isfile(binary) and os.access(binary, os.X_OK)):
        raise Failure("no corpusledger binary at %s (give --bin)" % binary)
    # out is always a scratch folder of ours under --work: start it empty, so
    # that no file of an earlier run is read as this run's
    if os.path.isdir(out):
        shutil.rmtree(out)
    cmd = [binary, "run", "--input", *inputs, "--out", out, *flags, "--quiet", "--overwrite"]
    if threads:
        cmd += ["--threads", str(threads)]
    start = time.monotonic()
    done = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    wall = time.monotonic() - start
    if done.returncode not in (0, 1):
        err = done.stderr.decode(errors="replace")
        hint = ""
        if "unexpected argument" in err and any(f in err for f in ("--secrets", "--pii", "--generated", "--vendored",
                                                                   "--low-quality")):
            hint = ("\nThis corpusledger build has no content filters yet (issue 22): build one that has "
                    "--secrets/--pii/--generated/--vendored/--low-quality and give it with --bin.")
        raise Failure("corpusledger failed with exit %d:\n  %s\n%s%s"
                      % (done.returncode, " ".join(cmd), err[-3000:].rstrip(), hint))
    return wall, done.returncode


def binary_version(binary):
    try:
        done = subprocess.run([binary, "--version"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=30)
        return done.stdout.decode(errors="replace").strip() or "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def read_redactions(out):
    """The rows of OUT/redactions.parquet as dicts."""
    need_pyarrow()
    path = os.path.join(out, "redactions.parquet")
    if not os.path.exists(path):
        present = sorted(os.listdir(out)) if os.path.isdir(out) else []
        raise Failure(
            "%s is missing. The run finished, but wrote no redactions file: either this corpusledger build does not "
            "redact yet (issue 22), or it writes no file when nothing was redacted. The output directory holds: %s"
            % (path, ", ".join(present) or "nothing"))
    table = pq.read_table(path)
    missing = [c for c in REDACTION_COLUMNS if c not in table.column_names]
    if missing:
        raise Failure("%s lacks the columns %s (it has %s)" % (path, ", ".join(missing), ", ".join(table.column_names)))
    return table.select(REDACTION_COLUMNS).to_pylist()


def read_removed(out):
    """{(input, key): reason} from OUT/removed.parquet ({} when absent)."""
    need_pyarrow()
    path = os.path.join(out, "removed.parquet")
    if not os.path.exists(path):
        return {}
    table = pq.read_table(path)
    cols = [c for c in ("input", "key", "reason") if c in table.column_names]
    if "key" not in cols or "reason" not in cols:
        return {}
    return {(r.get("input"), r["key"]): r["reason"] for r in table.select(cols).to_pylist()}


def read_manifest(out):
    path = os.path.join(out, "manifest.json")
    if not os.path.exists(path):
        return None
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def document_count(out):
    """(documents, where the number comes from)."""
    manifest = read_manifest(out)
    if manifest and isinstance(manifest.get("counts"), dict) and "documents" in manifest["counts"]:
        return int(manifest["counts"]["documents"]), "manifest.json counts.documents"
    need_pyarrow()
    data = os.path.join(out, "data")
    shards = sorted(f for f in os.listdir(data) if f.endswith(".parquet")) if os.path.isdir(data) else []
    if not shards:
        raise Failure("%s has neither manifest.json counts.documents nor data shards to count documents" % out)
    rows = sum(pq.ParquetFile(os.path.join(data, f)).metadata.num_rows for f in shards)
    return rows, "rows of %d data shards (kept documents only)" % len(shards)


# --------------------------------------------------------------------------
# (a) the synthetic set


def load_labels(set_dir):
    path = os.path.join(set_dir, "labels.jsonl")
    if not os.path.exists(path):
        raise Failure("%s not found: --set must be a directory written by gen_secrets.py" % path)
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def set_tree(set_dir):
    tree = os.path.join(set_dir, "tree")
    return tree if os.path.isdir(tree) else set_dir


def covers(tree, key, line, value_sha, spans):
    """True when one of the redaction spans (by SHA-256, starting on line)
    covers the labelled value there: found in a wider span."""
    path = os.path.join(tree, *key.split("/"))
    if not os.path.isfile(path):
        return False
    with open(path, "rb") as f:
        lines = f.read().split(b"\n")
    if not 1 <= line <= len(lines):
        return False
    value = locate_span(lines, line - 1, value_sha)
    if value is None:
        return False
    for span_sha in spans:
        span = locate_span(lines, line - 1, span_sha)
        if span and span[:2] <= value[:2] and span[2:] >= value[2:]:
            return True
    return False


def score_synthetic(labels, redactions, tree=None):
    """Recall per format, hits per negative format, and every redaction's class."""
    by_file = {}
    for r in redactions:
        by_file.setdefault(r["key"], []).append(r)
    pos_sha, line_labels, neg_lines, pos_lines = {}, {}, {}, {}
    for lab in labels:
        f, line = lab["file"], lab["line"]
        if lab.get("negative"):
            neg_lines.setdefault(f, {})[line] = lab
            continue
        pos_lines.setdefault(f, {})[line] = lab
        for h in [lab["sha256"], *lab.get("alt_sha256", [])]:
            pos_sha.setdefault(f, set()).add(h)
        if lab.get("match") == "line":
            line_labels.setdefault(f, set()).add(line)

    formats, negatives = {}, {}
    for lab in labels:
        reds = by_file.get(lab["file"], [])
        on_line = [r for r in reds if r["line"] == lab["line"]]
        if lab.get("negative"):
            s = negatives.setdefault(lab["format"], {"format": lab["format"], "kind": lab["kind"], "planted": 0,
                                                     "hit": 0, "rules": {}})
            s["planted"] += 1
            if on_line:
                s["hit"] += 1
                for r in on_line:
                    s["rules"][r["rule"]] = s["rules"].get(r["rule"], 0) + 1
            continue
        accepted = {lab["sha256"], *lab.get("alt_sha256", [])}
        exact = [r for r in reds if r["span_sha256"] in accepted]
        s = formats.setdefault(lab["format"], {"format": lab["format"], "kind": lab["kind"], "match": lab.get("match"),
                                               "planted": 0, "found": 0, "by_span": 0, "by_line": 0,
                                               "other_span": 0, "covered": 0, "rules": {}})
        s["planted"] += 1
        if exact:
            s["found"] += 1
            s["by_span"] += 1
        elif on_line and lab.get("match") == "line":
            s["found"] += 1
            s["by_line"] += 1
        elif on_line:
            s["other_span"] += 1
            if tree and covers(tree, lab["file"], lab["line"], lab["sha256"], [r["span_sha256"] for r in on_line]):
                s["covered"] += 1
        for r in exact or on_line:
            s["rules"][r["rule"]] = s["rules"].get(r["rule"], 0) + 1

    classes = {}
    unlabelled = []
    for r in redactions:
        f, line = r["key"], r["line"]
        if r["span_sha256"] in pos_sha.get(f, ()) or line in line_labels.get(f, ()):
            cls = "true"
        elif line in neg_lines.get(f, {}):
            cls = "negative"
        elif line in pos_lines.get(f, {}):
            cls = "other-span"
        else:
            cls = "unlabelled"
            unlabelled.append(r)
        c = classes.setdefault(r["kind"], {"true": 0, "negative": 0, "other-span": 0, "unlabelled": 0})
        c[cls] += 1
    return formats, negatives, classes, unlabelled


def ratio(a, b):
    return a / b if b else None


def synthetic(args):
    need_pyarrow()
    if args.set:
        set_dir = args.set
        how = "given set %s" % set_dir
    else:
        sys.path.insert(0, HERE)
        import gen_secrets
        set_dir = os.path.join(args.work, "set")
        gen_secrets.generate(set_dir, args.seed, args.count)
        how = "gen_secrets.py --seed %d --count %d" % (args.seed, args.count)
    labels = load_labels(set_dir)
    tree = set_tree(set_dir)
    out = os.path.join(args.work, "synthetic-out")
    wall, code = run_corpusledger(args.bin, [tree], out, REDACT, args.threads)
    redactions = read_redactions(out)
    formats, negatives, classes, unlabelled = score_synthetic(labels, redactions, tree)

    removed = read_removed(out)
    labelled_files = {lab["file"] for lab in labels}
    removed_labelled = {}
    for (_, key), reason in removed.items():
        if key in labelled_files:
            removed_labelled[reason] = removed_labelled.get(reason, 0) + 1

    def total(kind=None):
        rows = [s for s in formats.values() if kind is None or s["kind"] == kind]
        planted, found = sum(s["planted"] for s in rows), sum(s["found"] for s in rows)
        covered = sum(s["covered"] for s in rows)
        return {"planted": planted, "found": found, "recall": ratio(found, planted), "covered": covered,
                "recall_with_covered": ratio(found + covered, planted)}

    def neg_total(kind=None):
        rows = [s for s in negatives.values() if kind is None or s["kind"] == kind]
        planted, hit = sum(s["planted"] for s in rows), sum(s["hit"] for s in rows)
        return {"planted": planted, "hit": hit, "hit_rate": ratio(hit, planted)}

    def precision(kind=None):
        cs = [c for k, c in classes.items() if kind is None or k == kind]
        t, n = sum(c["true"] for c in cs), sum(c["negative"] for c in cs)
        every = sum(sum(c.values()) for c in cs)
        return {"redactions": every, "true": t, "negative": n,
                "other_span": sum(c["other-span"] for c in cs), "unlabelled": sum(c["unlabelled"] for c in cs),
                "precision_by_negatives": ratio(t, t + n), "strict_precision": ratio(t, every)}

    return {
        "set": os.path.abspath(set_dir), "made_by": how, "out": os.path.abspath(out), "exit": code,
        "wall_s": wall, "files": len(labelled_files), "redactions": len(redactions),
        "recall": {"all": total(), "secret": total("secret"), "pii": total("pii")},
        "negatives": {"all": neg_total(), "secret": neg_total("secret"), "pii": neg_total("pii")},
        "precision": {"all": precision(), "secret": precision("secret"), "pii": precision("pii")},
        "formats": sorted(formats.values(), key=lambda s: (s["kind"], s["format"])),
        "negative_formats": sorted(negatives.values(), key=lambda s: (s["kind"], s["format"])),
        "unlabelled": [{k: r[k] for k in ("key", "line", "rule", "kind")} for r in
                       sorted(unlabelled, key=lambda r: (r["key"], r["line"], r["offset"]))],
        "labelled_files_removed": removed_labelled,
    }


# --------------------------------------------------------------------------
# (b) a real corpus


def sha_hex(data):
    return hashlib.sha256(data).hexdigest()


WORD = re.compile(rb"[A-Za-z0-9_]")


def locate_span(lines, index, target):
    """(start line, start byte, end line, end byte) of the span whose SHA-256 is
    target, starting on lines[index]; None when not found."""
    line = lines[index]
    n = len(line)
    limit = 2000
    if n <= limit:
        # starts at a word boundary first (fast), then anywhere
        starts = [i for i in range(n) if i == 0 or not WORD.match(line[i - 1:i]) or not WORD.match(line[i:i + 1])]
        first = set(starts)
        rest = [i for i in range(n) if i not in first] if n <= 500 else []
        for group in (starts, rest):
            for i in group:
                for j in range(i + 1, min(n, i + 1000) + 1):
                    if hashlib.sha256(line[i:j]).hexdigest() == target:
                        return index, i, index, j
    # spans over several lines (private key blocks): from a BEGIN marker or
    # the line's start, to an END marker or a line's end, within 200 lines
    starts = [m.start() for m in re.finditer(rb"-----BEGIN", line)] + [0]
    for i in starts:
        text = line[i:]
        for k in range(index + 1, min(len(lines), index + 200)):
            text += b"\n"
            nxt = lines[k]
            ends = [len(nxt)] + [m.end() for m in re.finditer(rb"-----END[^-]*-----", nxt)]
            for e in ends:
                cand = text + nxt[:e]
                if sha_hex(cand) == target:
                    return index, i, k, e
                if sha_hex(cand + b"\n") == target:
                    return index, i, k + 1, 0
            text += nxt
    return None


LONG_TOKEN = re.compile(r"[A-Za-z0-9+/_=.\-]{16,}")


def mask(s):
    return s[:4] + "..."


def show_line(lines, index, rule, target, width=160):
    """The line, its span masked, escaped for a Markdown table cell."""
    raw = lines[index]
    where = locate_span(lines, index, target)
    if where is None:
        text = LONG_TOKEN.sub(lambda m: mask(m.group(0)), raw.decode("utf-8", errors="replace"))
        note = " (span not located; long tokens masked)"
        lo = 0
    else:
        _, i, end_line, j = where
        before = raw[:i].decode("utf-8", errors="replace")
        if end_line == index:
            span = raw[i:j].decode("utf-8", errors="replace")
            after = raw[j:].decode("utf-8", errors="replace")
            note = ""
        else:
            span = raw[i:].decode("utf-8", errors="replace")
            after = ""
            note = " (span runs to line %d)" % (end_line + 1)
        text = before + mask(span) + after
        lo = max(0, len(before) - width // 2)
    text = text.replace("\t", " ").rstrip("\r")
    if len(text) > width:
        text = ("..." if lo else "") + text[lo:lo + width] + ("..." if lo + width < len(text) else "")
    return text, note


def cell(s):
    """Text for a Markdown table cell (also inside a code span, where GFM
    still needs a pipe escaped but shows backslashes as they are)."""
    return s.replace("|", "\\|").replace("\n", " ")


def resolve(corpus, label, key):
    """The file of a document: the input label is the path as given to
    --input (we gave the corpus directory); key is relative to it."""
    for base in (label, corpus):
        if base and os.path.isdir(base):
            path = os.path.join(base, *key.split("/"))
            if os.path.isfile(path):
                return path
    return None


def write_sample(path, corpus, sample, seed, total, command):
    rows = []
    for n, r in enumerate(sample, 1):
        file = resolve(corpus, r["input"], r["key"])
        if file is None:
            text, note = "(file not found under %s)" % corpus, ""
        else:
            with open(file, "rb") as f:
                lines = f.read().split(b"\n")
            if not 1 <= r["line"] <= len(lines):
                text, note = "(line %d is past the end of the file, %d lines)" % (r["line"], len(lines)), ""
            else:
                text, note = show_line(lines, r["line"] - 1, r["rule"], r["span_sha256"])
        rows.append("| %d | %s | %d | %s | `` %s ``%s | |" % (n, cell(r["key"]), r["line"], cell(r["rule"]),
                                                           cell(text).replace("``", "` `"), cell(note)))
    with open(path, "w", encoding="utf-8") as f:
        f.write("# Secret redactions on %s: a sample to check by hand\n\n" % corpus)
        f.write("%d of the %d secret redactions (seed %d), made by:\n\n```sh\n%s\n```\n\n"
                % (len(sample), total, seed, command))
        f.write("Each row is the original line of the file (`%s/<key>`), with the redacted span shown as its "
                "first 4 characters and `...`. Fill in **verdict** with `secret` (a real credential or key), "
                "`fp` (not a secret: a placeholder, test fixture value, hash, identifier ...) or `?`, and a word "
                "on why where it helps. Precision on this sample = secret / (secret + fp).\n\n" % corpus)
        f.write("| # | key | line | rule | original line (span masked) | verdict |\n|---|---|---|---|---|---|\n")
        f.write("\n".join(rows) + "\n")


def corpus_run(args):
    need_pyarrow()
    out = os.path.join(args.work, "corpus-out")
    wall, code = run_corpusledger(args.bin, [args.corpus], out, REDACT, args.threads)
    redactions = read_redactions(out)
    docs, docs_from = document_count(out)

    def doc(r):
        return r["doc_id"] or "%s\0%s" % (r["input"], r["key"])

    secret_docs = {doc(r) for r in redactions if r["kind"] == "secret"}
    pii_docs = {doc(r) for r in redactions if r["kind"] == "pii"}
    rules = {}
    for r in redactions:
        s = rules.setdefault(r["rule"], {"rule": r["rule"], "kind": r["kind"], "redactions": 0, "docs": set()})
        s["redactions"] += 1
        s["docs"].add(doc(r))
    folders = {}
    for r in redactions:
        top = r["key"].split("/")[0]
        s = folders.setdefault(top, {"folder": top, "secret": 0, "pii": 0})
        s[r["kind"]] = s.get(r["kind"], 0) + 1

    secrets = sorted((r for r in redactions if r["kind"] == "secret"),
                     key=lambda r: (r["input"], r["key"], r["line"], r["offset"]))
    sample = random.Random(args.sample_seed).sample(secrets, min(args.sample, len(secrets)))
    sample.sort(key=lambda r: (r["key"], r["line"], r["offset"]))
    command = "%s run --input %s --out %s %s --quiet --overwrite" % (args.bin, args.corpus, out, " ".join(REDACT))
    write_sample(args.sample_out, args.corpus, sample, args.sample_seed, len(secrets), command)

    return {
        "corpus": os.path.abspath(args.corpus), "out": os.path.abspath(out), "exit": code, "wall_s": wall,
        "documents": docs, "documents_from": docs_from, "redactions": len(redactions),
        "secret_redactions": len(secrets), "pii_redactions": len(redactions) - len(secrets),
        "docs_with_secret": len(secret_docs), "docs_with_pii": len(pii_docs),
        "share_with_secret": ratio(len(secret_docs), docs), "share_with_pii": ratio(len(pii_docs), docs),
        "rules": sorted(({**s, "docs": len(s["docs"])} for s in rules.values()),
                        key=lambda s: (-s["redactions"], s["rule"])),
        "folders": sorted(folders.values(), key=lambda s: s["folder"]),
        "sample": {"file": os.path.abspath(args.sample_out), "rows": len(sample), "seed": args.sample_seed},
    }


# --------------------------------------------------------------------------
# (c) cost


def cost(args):
    out_off = os.path.join(args.work, "cost-off")
    out_on = os.path.join(args.work, "cost-on")

    def once(flags, out):
        return run_corpusledger(args.bin, [args.corpus], out, flags, args.threads)[0]

    if args.warmup:
        once(FILTERS_OFF, out_off)
    off, on = [], []
    for i in range(args.runs):
        pair = [("off", FILTERS_OFF, out_off), ("on", FILTERS_ON, out_on)]
        if i % 2:
            pair.reverse()
        for name, flags, out in pair:
            (off if name == "off" else on).append(once(flags, out))
    manifest = read_manifest(out_on) or {}
    counts = manifest.get("counts", {}) if isinstance(manifest, dict) else {}
    removed = counts.get("removed", {}) if isinstance(counts, dict) else {}
    filtered = {k: v for k, v in removed.items() if k in ("secret", "pii", "generated", "vendored", "low-quality")}
    red = os.path.join(out_on, "redactions.parquet")
    redactions = pq.ParquetFile(red).metadata.num_rows if (pq is not None and os.path.exists(red)) else None
    m_off, m_on = statistics.median(off), statistics.median(on)
    return {"corpus": os.path.abspath(args.corpus), "runs": args.runs, "warmup": bool(args.warmup),
            "threads": args.threads, "off_s": off, "on_s": on, "median_off_s": m_off, "median_on_s": m_on,
            "ratio": ratio(m_on, m_off), "documents": counts.get("documents"), "removed_by_filters": filtered,
            "redactions": redactions, "off_flags": " ".join(FILTERS_OFF), "on_flags": " ".join(FILTERS_ON)}


# --------------------------------------------------------------------------
# output


def pct(x):
    return "n/a" if x is None else "%.1f%%" % (100 * x)


def fr(x):
    return "n/a" if x is None else "%.3f" % x


def rules_text(rules, n=3):
    top = sorted(rules.items(), key=lambda kv: (-kv[1], kv[0]))
    text = ", ".join("%s (%d)" % kv for kv in top[:n])
    return text + (", ..." if len(top) > n else "")


def markdown(report):
    out = ["# corpusledger content filters: measurements", "",
           "Binary: `%s` (%s)." % (report["bin"], report["version"]), ""]
    s = report.get("synthetic")
    if s:
        out += ["## Synthetic set: recall and false positives", "",
                "Set: `%s` (%s), %d files; output `%s`; %d redactions; run %.1f s (exit %d)."
                % (s["set"], s["made_by"], s["files"], s["out"], s["redactions"], s["wall_s"], s["exit"]), ""]
        out += ["| | planted | found | recall | also in a wider span | recall counting those |",
                "|---|---|---|---|---|---|"]
        for k in ("secret", "pii", "all"):
            t = s["recall"][k]
            out.append("| %s | %d | %d | %s | %d | %s |" % (k, t["planted"], t["found"], pct(t["recall"]), t["covered"],
                                                           pct(t["recall_with_covered"])))
        out += ["", "| negatives | planted | hit | hit rate |", "|---|---|---|---|"]
        for k in ("secret", "pii", "all"):
            t = s["negatives"][k]
            out.append("| %s | %d | %d | %s |" % (k, t["planted"], t["hit"], pct(t["hit_rate"])))
        out += ["", "| redactions of kind | all | true | on a negative | other span on a labelled line | unlabelled "
                "| precision-by-negatives | strict precision |", "|---|---|---|---|---|---|---|---|"]
        for k in ("secret", "pii", "all"):
            p = s["precision"][k]
            out.append("| %s | %d | %d | %d | %d | %d | %s | %s |" % (
                k, p["redactions"], p["true"], p["negative"], p["other_span"], p["unlabelled"],
                fr(p["precision_by_negatives"]), fr(p["strict_precision"])))
        out += ["", "Per format (found = by span + by line; by line only counts for PEM blocks and connection "
                "strings; other span: not found, but a redaction starts on the value's line, and of those, wider: its span "
                "covers the value, e.g. a whole `Authorization: Bearer ...` header):", "",
                "| format | kind | planted | found | recall | by span | by line | other span | wider | rules |",
                "|---|---|---|---|---|---|---|---|---|---|"]
        for f in s["formats"]:
            out.append("| %s | %s | %d | %d | %s | %d | %d | %d | %d | %s |" % (
                f["format"], f["kind"], f["planted"], f["found"], pct(ratio(f["found"], f["planted"])), f["by_span"],
                f["by_line"], f["other_span"], f["covered"], rules_text(f["rules"])))
        out += ["", "Negatives (must not be redacted):", "", "| format | kind | planted | hit | rules that hit |",
                "|---|---|---|---|---|"]
        for f in s["negative_formats"]:
            out.append("| %s | %s | %d | %d | %s |" % (f["format"], f["kind"], f["planted"], f["hit"],
                                                       rules_text(f["rules"])))
        if s["unlabelled"]:
            out += ["", "Redactions on lines with no label (%d; first 20):" % len(s["unlabelled"]), ""]
            out += ["- `%s:%d` %s (%s)" % (u["key"], u["line"], u["rule"], u["kind"]) for u in s["unlabelled"][:20]]
        if s["labelled_files_removed"]:
            out += ["", "Labelled files the run removed (their values may not be redacted): %s"
                    % ", ".join("%s %d" % kv for kv in sorted(s["labelled_files_removed"].items()))]
        out.append("")
    c = report.get("corpus")
    if c:
        out += ["## Corpus `%s`" % c["corpus"], "",
                "Run %.1f s (exit %d); %d documents (%s); %d redactions (%d secret, %d pii)."
                % (c["wall_s"], c["exit"], c["documents"], c["documents_from"], c["redactions"],
                   c["secret_redactions"], c["pii_redactions"]), "",
                "| documents with | count | share |", "|---|---|---|",
                "| a secret redaction | %d | %s |" % (c["docs_with_secret"], pct(c["share_with_secret"])),
                "| a pii redaction | %d | %s |" % (c["docs_with_pii"], pct(c["share_with_pii"])), "",
                "| rule | kind | redactions | documents |", "|---|---|---|---|"]
        out += ["| %s | %s | %d | %d |" % (r["rule"], r["kind"], r["redactions"], r["docs"]) for r in c["rules"]]
        out += ["", "| top folder | secret redactions | pii redactions |", "|---|---|---|"]
        out += ["| %s | %d | %d |" % (f["folder"], f.get("secret", 0), f.get("pii", 0)) for f in c["folders"]]
        out += ["", "Sample of %d secret redactions (seed %d) to check by hand: `%s`."
                % (c["sample"]["rows"], c["sample"]["seed"], c["sample"]["file"]), ""]
    k = report.get("cost")
    if k:
        out += ["## Cost on `%s`" % k["corpus"], "",
                "%d alternating runs%s%s; every filter off: `%s`; on: `%s`."
                % (k["runs"], " after a warm-up" if k["warmup"] else "",
                   ", --threads %s" % k["threads"] if k["threads"] else "", k["off_flags"], k["on_flags"]), "",
                "| filters | median s | runs s |", "|---|---|---|",
                "| off | %.2f | %s |" % (k["median_off_s"], ", ".join("%.2f" % x for x in k["off_s"])),
                "| on | %.2f | %s |" % (k["median_on_s"], ", ".join("%.2f" % x for x in k["on_s"])), "",
                "on / off: **%s**x; documents %s; removed by the filters (on): %s; redactions (on): %s."
                % (fr(k["ratio"]), k["documents"], ", ".join("%s %d" % kv for kv in sorted(k["removed_by_filters"].items()))
                   or "none", k["redactions"]), ""]
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog=__doc__.split("\n\n", 2)[2])
    ap.add_argument("--bin", default=DEFAULT_BIN, help="corpusledger binary (default %(default)s)")
    ap.add_argument("--work", default="/tmp/corpusledger-filters", help="scratch directory (default %(default)s)")
    ap.add_argument("--set", help="a set written by gen_secrets.py (default: generate one in WORK/set)")
    ap.add_argument("--seed", type=int, default=22, help="generator seed (default %(default)s)")
    ap.add_argument("--count", type=int, default=300, help="generated files (default %(default)s)")
    ap.add_argument("--skip-synthetic", action="store_true", help="skip (a)")
    ap.add_argument("--corpus", help="a corpus of real packages for (b) and (c), e.g. /work/bench-mid")
    ap.add_argument("--sample", type=int, default=50, help="secret redactions to sample (default %(default)s)")
    ap.add_argument("--sample-seed", type=int, default=20261207)
    ap.add_argument("--sample-out", default=os.path.join(HERE, "secrets-sample.md"),
                    help="the sample's Markdown file (default %(default)s)")
    ap.add_argument("--cost", action="store_true", help="(c): time filters off vs on, on --corpus")
    ap.add_argument("--runs", type=int, default=5, help="timed runs of each for --cost (default %(default)s)")
    ap.add_argument("--no-warmup", dest="warmup", action="store_false", help="no untimed run before --cost")
    ap.add_argument("--threads", type=int, help="pass --threads N to corpusledger")
    ap.add_argument("--json", action="store_true", help="print JSON instead of Markdown")
    args = ap.parse_args()
    if args.cost and not args.corpus:
        ap.error("--cost needs --corpus")
    if args.skip_synthetic and not args.corpus:
        ap.error("nothing to do: --skip-synthetic without --corpus")
    if args.corpus and not os.path.isdir(args.corpus):
        ap.error("--corpus %s is not a directory" % args.corpus)
    if args.runs < 1:
        ap.error("--runs must be at least 1")

    report = {"bin": args.bin, "version": binary_version(args.bin)}
    try:
        os.makedirs(args.work, exist_ok=True)
        if not args.skip_synthetic:
            report["synthetic"] = synthetic(args)
        if args.corpus:
            report["corpus"] = corpus_run(args)
        if args.cost:
            report["cost"] = cost(args)
    except Failure as e:
        print("measure.py: %s" % e, file=sys.stderr)
        sys.exit(2)
    if args.json:
        print(json.dumps(report, indent=2, sort_keys=True))
    else:
        print(markdown(report))


if __name__ == "__main__":
    main()
