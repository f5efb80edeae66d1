#!/usr/bin/env python3
"""Writes a directory tree of repositories as one JSONL file with The Stack
v1's field names: the content and about thirty metadata fields per line, so
that reading JSONL can be timed on the same texts as the tree.

    python3 benches/corpus/stack_like_jsonl.py --tree /work/bench-mid --out /work/bench-jsonl/stack-like.jsonl

The first two path components are the repository (`crates/name@version`), the
rest the path in it. Files that are not UTF-8 are left out. The metadata is
made up but shaped as The Stack's (stars, issue and fork fields, license
lists); a fixed seed makes the file the same on every run.
"""
import argparse
import hashlib
import json
import os
import random


def records(tree, rng):
    for dirpath, dirnames, filenames in os.walk(tree):
        dirnames.sort()
        for name in sorted(filenames):
            path = os.path.join(dirpath, name)
            try:
                with open(path, encoding="utf-8") as f:
                    text = f.read()
            except (UnicodeDecodeError, OSError):
                continue
            parts = os.path.relpath(path, tree).split(os.sep)
            repo, rel = "/".join(parts[:2]), "/".join(parts[2:])
            lines = text.split("\n")
            sha = hashlib.sha1(text.encode()).hexdigest()
            head = sha[::-1]
            record = {
                "hexsha": sha,
                "size": len(text),
                "ext": os.path.splitext(name)[1].lstrip("."),
                "lang": "Rust" if name.endswith(".rs") else "Python",
            }
            for kind, count in (("stars", rng.randint(1, 5000)), ("issues", None), ("forks", 3)):
                record.update({
                    f"max_{kind}_repo_path": rel,
                    f"max_{kind}_repo_name": repo,
                    f"max_{kind}_repo_head_hexsha": head,
                    f"max_{kind}_repo_licenses": ["MIT", "Apache-2.0"] if kind == "stars" else ["MIT"],
                    f"max_{kind}_count": count,
                    f"max_{kind}_repo_{kind}_event_min_datetime": "2015-01-01T00:00:00.000Z",
                    f"max_{kind}_repo_{kind}_event_max_datetime": "2022-03-01T00:00:00.000Z",
                })
            sample = text[:2000]
            record.update({
                "content": text,
                "avg_line_length": len(text) / max(1, len(lines)),
                "max_line_length": max(len(line) for line in lines),
                "alphanum_fraction": sum(c.isalnum() for c in sample) / max(1, len(sample)),
            })
            yield record


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tree", required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    n = 0
    with open(args.out, "w", encoding="utf-8") as out:
        for record in records(args.tree, random.Random(20261207)):
            out.write(json.dumps(record) + "\n")
            n += 1
    print(f"{n} lines -> {args.out}")


if __name__ == "__main__":
    main()
