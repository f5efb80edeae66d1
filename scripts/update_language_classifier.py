#!/usr/bin/env python3
"""Regenerate crates/provenance/data/classifier.tsv.gz: GitHub linguist's
token statistics (its `samples.json`, what linguist's own Bayesian classifier
reads), from Debian's package of linguist.

    python3 scripts/update_language_classifier.py [--deb FILE.deb]

Without --deb, `apt-get download ruby-github-linguist` fetches the package
(Debian's registry). The file written holds, per language, linguist's name,
its number of samples and of tokens, then per token the languages it was
seen in with its count. Its first line names the package version and the
SHA-256 of samples.json. Only the counts are kept: no sample text.
"""

import argparse
import collections
import gzip
import hashlib
import io
import json
import pathlib
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "crates/provenance/data/classifier.tsv.gz"


def escape(token: str) -> str:
    return token.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deb", type=pathlib.Path, help="a ruby-github-linguist .deb already downloaded")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        deb = args.deb
        if deb is None:
            subprocess.run(["apt-get", "download", "ruby-github-linguist"], cwd=tmp, check=True)
            deb = next(tmp.glob("ruby-github-linguist_*.deb"))
        version = deb.name.split("_")[1]
        subprocess.run(["dpkg-deb", "-x", str(deb), str(tmp / "x")], check=True)
        samples = next((tmp / "x").rglob("lib/linguist/samples.json"))
        raw = samples.read_bytes()
    data = json.loads(raw)
    languages = sorted(data["languages"])
    index = {name: i for i, name in enumerate(languages)}
    by_token = collections.defaultdict(list)
    for language, tokens in data["tokens"].items():
        for token, count in tokens.items():
            by_token[token].append((index[language], count))
    lines = [
        "# linguist samples.json from Debian ruby-github-linguist %s (SHA-256 %s): tokens %d, samples %d"
        % (version, hashlib.sha256(raw).hexdigest(), data["tokens_total"], data["languages_total"])
    ]
    for name in languages:
        lines.append("L\t%s\t%d\t%d" % (name, data["languages"][name], data["language_tokens"].get(name, 0)))
    for token in sorted(by_token):
        counts = " ".join("%d:%d" % entry for entry in sorted(by_token[token]))
        lines.append("T\t%s\t%s" % (escape(token), counts))
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", compresslevel=9, mtime=0) as gz:
        gz.write(("\n".join(lines) + "\n").encode("utf-8"))
    OUT.write_bytes(buf.getvalue())
    print(f"wrote {OUT.relative_to(ROOT)}: {len(languages)} languages, {len(by_token)} tokens, {len(buf.getvalue())} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
