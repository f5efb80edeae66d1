#!/usr/bin/env python3
"""Regenerate crates/provenance/data/languages.tsv from GitHub linguist's languages.

    python3 scripts/update_languages.py [--version 9.5.0] [--check]

The language names, types, aliases, extensions, file names and interpreters
are not invented here: they are GitHub linguist's `languages.yml` (MIT), as the
npm package `linguist-languages` ships it, one JavaScript module per language
(`data/NAME.js`, `export default { name: 'C', type: 'programming', ... }`).
This script fetches that package with npm itself (`npm pack
linguist-languages@VERSION` in a temporary folder), reads the modules that
`index.js` exports with a small parser of the object literals they hold (the
package's code is never run), and writes

- crates/provenance/data/languages.tsv: one line per language, sorted by name
  (case-insensitively), with the columns name, type (programming, markup, data
  or prose), aliases, extensions, filenames and interpreters; list values are
  separated by `|` (no linguist value holds a `|` or a tab; checked);
- crates/provenance/data/LANGUAGES-NOTICE: where the table comes from (package
  version and the SHA-256 of its tarball) and the licenses of linguist and of
  the package.

With --check nothing is written: the exit status says whether the checked-in
files are what this version of the package gives (1 when they differ).

Nothing of this runs when corpusledger is built: the table is checked in, and
crates/provenance/src/language reads it with include_str!.
"""

import argparse
import base64
import hashlib
import json
import re
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "crates/provenance/data"
OUT = DATA / "languages.tsv"
NOTICE = DATA / "LANGUAGES-NOTICE"
PACKAGE = "linguist-languages"
TYPES = ("programming", "markup", "data", "prose")
COLUMNS = ("name", "type", "aliases", "extensions", "filenames", "interpreters")
LISTS = COLUMNS[2:]


class ParseError(Exception):
    pass


# --------------------------------------------------------------------------
# the object literals of data/*.js


TOKEN = re.compile(r"""
    (?P<space>\s+|//[^\n]*|/\*.*?\*/)
  | (?P<punct>[{}\[\],:])
  | (?P<string>'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")
  | (?P<number>-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)
  | (?P<word>[A-Za-z_$][A-Za-z0-9_$]*)
""", re.VERBOSE | re.DOTALL)

ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}


def unquote(literal: str) -> str:
    body, out, i = literal[1:-1], [], 0
    while i < len(body):
        c = body[i]
        if c != "\\":
            out.append(c)
            i += 1
            continue
        e = body[i + 1]
        if e == "u":
            if body[i + 2] == "{":
                end = body.index("}", i)
                out.append(chr(int(body[i + 3:end], 16)))
                i = end + 1
            else:
                out.append(chr(int(body[i + 2:i + 6], 16)))
                i += 6
            continue
        if e == "x":
            out.append(chr(int(body[i + 2:i + 4], 16)))
            i += 4
            continue
        out.append(ESCAPES.get(e, e))
        i += 2
    return "".join(out)


def tokens(text: str):
    pos = 0
    while pos < len(text):
        m = TOKEN.match(text, pos)
        if not m:
            raise ParseError("unexpected %r at offset %d" % (text[pos:pos + 20], pos))
        pos = m.end()
        kind = m.lastgroup
        if kind != "space":
            yield kind, m.group()


def parse_module(text: str):
    """The value of `export default <literal>` in a data module: objects,
    arrays, strings, numbers, true/false/null, nothing else."""
    toks = list(tokens(text))
    if toks[:2] != [("word", "export"), ("word", "default")]:
        raise ParseError("does not start with `export default`")
    pos = 2

    def value():
        nonlocal pos
        kind, tok = toks[pos]
        pos += 1
        if kind == "string":
            return unquote(tok)
        if kind == "number":
            return float(tok) if any(c in tok for c in ".eE") else int(tok)
        if kind == "word" and tok in ("true", "false", "null"):
            return {"true": True, "false": False, "null": None}[tok]
        if tok == "[":
            items = []
            while toks[pos][1] != "]":
                items.append(value())
                if toks[pos][1] == ",":
                    pos += 1
                elif toks[pos][1] != "]":
                    raise ParseError("expected , or ] in an array, got %r" % toks[pos][1])
            pos += 1
            return items
        if tok == "{":
            obj = {}
            while toks[pos][1] != "}":
                kkind, key = toks[pos]
                if kkind not in ("word", "string"):
                    raise ParseError("expected a key, got %r" % key)
                key = unquote(key) if kkind == "string" else key
                if toks[pos + 1][1] != ":":
                    raise ParseError("expected : after key %r" % key)
                pos += 2
                obj[key] = value()
                if toks[pos][1] == ",":
                    pos += 1
                elif toks[pos][1] != "}":
                    raise ParseError("expected , or } in an object, got %r" % toks[pos][1])
            pos += 1
            return obj
        raise ParseError("unexpected %r" % tok)

    result = value()
    if pos != len(toks) and toks[pos:] != [("punct", ";")]:
        raise ParseError("trailing tokens after the literal: %r" % (toks[pos:pos + 3],))
    return result


EXPORT = re.compile(r"""^export \{ default as (?P<name>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*") \} """
                    r"""from '\./(?P<file>data/[^']+\.js)'$""")


def read_languages(tar: tarfile.TarFile):
    """The languages the package's index.js exports, each read from its data
    module; checks that the module's name is the exported one."""
    def read(name: str) -> str:
        member = tar.extractfile("package/" + name)
        if member is None:
            raise ParseError("package/%s is missing from the tarball" % name)
        return member.read().decode("utf-8")

    languages = []
    for line in read("index.js").splitlines():
        if not line.strip():
            continue
        m = EXPORT.match(line)
        if not m:
            raise ParseError("index.js: unexpected line %r" % line)
        lang = parse_module(read(m.group("file")))
        if lang.get("name") != unquote(m.group("name")):
            raise ParseError("%s: name %r, exported as %s" % (m.group("file"), lang.get("name"), m.group("name")))
        languages.append(lang)
    return languages


# --------------------------------------------------------------------------
# the table


def table_lines(languages):
    names = set()
    rows = []
    for lang in languages:
        name, kind = lang["name"], lang.get("type")
        if name in names:
            raise ParseError("language %r twice" % name)
        names.add(name)
        if kind not in TYPES:
            raise ParseError("%s: type %r is none of %s" % (name, kind, ", ".join(TYPES)))
        if "|" in name or any(c in name for c in "\t\n\r"):
            raise ParseError("%r: a name with a |, tab or newline" % name)
        row = [name, kind]
        for column in LISTS:
            values = lang.get(column, [])
            if not isinstance(values, list) or not all(isinstance(v, str) and v for v in values):
                raise ParseError("%s: %s is not a list of strings" % (name, column))
            if any(c in v for v in values for c in "|\t\n\r"):
                raise ParseError("%s: a value of %s holds a |, tab or newline" % (name, column))
            row.append("|".join(values))
        rows.append(row)
    rows.sort(key=lambda r: (r[0].lower(), r[0]))
    return ["\t".join(r) for r in rows]


def render(version: str, sha256: str, languages) -> str:
    head = [
        "# GitHub linguist's languages (languages.yml), from the npm package %s %s" % (PACKAGE, version),
        "# (tarball sha256 %s)." % sha256,
        "# Generated by scripts/update_languages.py; do not edit. MIT: see LANGUAGES-NOTICE.",
        "# source: %s %s" % (PACKAGE, version),
        "\t".join(COLUMNS),
    ]
    return "\n".join(head + table_lines(languages)) + "\n"


def notice(version: str, sha256: str, integrity: str, third_party: str, license_text: str) -> str:
    return (
        "crates/provenance/data/languages.tsv is generated by scripts/update_languages.py from the\n"
        f"npm package {PACKAGE} {version} (tarball sha256 {sha256},\n"
        f"npm integrity {integrity}),\n"
        "which is GitHub linguist's lib/linguist/languages.yml as JavaScript. It keeps, for each\n"
        "language: name, type, aliases, extensions, filenames and interpreters. The language\n"
        "identification code in crates/provenance/src/language is corpusledger's own.\n\n"
        "The package's third-party notice (linguist's license, for the language data):\n\n"
        + third_party.rstrip("\n")
        + "\n\n================================================================================\n\n"
        f"The package's own license ({PACKAGE}, for its conversion of the data):\n\n"
        + license_text.rstrip("\n")
        + "\n"
    )


def fetch(version: str, folder: Path):
    """npm pack into folder; (tarball path, npm's integrity string)."""
    done = subprocess.run(["npm", "pack", "--json", f"{PACKAGE}@{version}"], cwd=folder, check=True,
                          stdout=subprocess.PIPE)
    info = json.loads(done.stdout)[0]
    return folder / info["filename"], info.get("integrity", "unknown")


def generate(tarball: Path, version: str, integrity: str):
    """(languages.tsv text, LANGUAGES-NOTICE text, number of languages)."""
    sha256 = hashlib.sha256(tarball.read_bytes()).hexdigest()
    with tarfile.open(tarball) as tar:
        meta = json.loads(tar.extractfile("package/package.json").read())
        if meta.get("name") != PACKAGE or meta.get("version") != version:
            raise ParseError("the tarball is %s %s, not %s %s" % (meta.get("name"), meta.get("version"), PACKAGE,
                                                                  version))
        languages = read_languages(tar)
        third_party = tar.extractfile("package/ThirdPartyNoticeText.txt").read().decode("utf-8")
        license_text = tar.extractfile("package/LICENSE").read().decode("utf-8")
    if "github/linguist" not in third_party or "MIT" not in license_text:
        raise ParseError("the package's notices no longer name linguist and the MIT license: read them first")
    return render(version, sha256, languages), notice(version, sha256, integrity, third_party, license_text), \
        len(languages)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", default="9.5.0")
    parser.add_argument("--tarball", type=Path, help="a tarball `npm pack` already fetched (with its --version)")
    parser.add_argument("--check", action="store_true", help="compare with the checked-in files, write nothing")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if args.tarball:
            tarball = args.tarball
            integrity = "sha512-" + base64.b64encode(hashlib.sha512(tarball.read_bytes()).digest()).decode()
        else:
            tarball, integrity = fetch(args.version, Path(tmp))
        try:
            table, note, count = generate(tarball, args.version, integrity)
        except ParseError as e:
            sys.exit(f"{PACKAGE} {args.version}: {e}")
    if args.check:
        same = OUT.exists() and OUT.read_text() == table and NOTICE.exists() and NOTICE.read_text() == note
        print(f"{OUT.relative_to(ROOT)}: {'up to date' if same else 'differs from'} {PACKAGE} {args.version}")
        sys.exit(0 if same else 1)
    DATA.mkdir(parents=True, exist_ok=True)
    OUT.write_text(table)
    NOTICE.write_text(note)
    print(f"wrote {OUT.relative_to(ROOT)}: {count} languages from {PACKAGE} {args.version}")


if __name__ == "__main__":
    main()
