"""Shared pieces of the comparison harness: the document set, the "bigcode"
tokenizer and 5-gram shingles, union-find, and the clusters TSV format.

The document set is defined the way corpusledger defines it: every regular
file under the corpus root (no symlinks, nothing under a `.git` entry), at most
1,048,576 bytes, not empty or ASCII-whitespace-only, no NUL byte, valid UTF-8.
A document's key is its path relative to the root ('/'-separated).

Run on its own to write the document manifest used by the other scripts:

    python common.py manifest --corpus DIR --out docs.tsv

docs.tsv has one line per document: key, bytes, tokens, blake2b-128 of the
content (hex), and a header line starting with '#'.
"""

import argparse
import hashlib
import os
import re
import sys

MAX_FILE_BYTES = 1_048_576
NGRAM = 5
# Rust's u8::is_ascii_whitespace: space, \t, \n, \x0c, \r (not \x0b).
_ASCII_WS = b" \t\n\x0c\r"
TOKEN_RE = re.compile(rb"[A-Za-z0-9_]+")


def list_files(root):
    """Sorted relative paths of the regular files under root, skipping
    symlinks and any entry named .git (folder or file)."""
    out = []
    root = os.path.abspath(root)
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        # os.walk lists symlinks to folders among dirnames but never enters
        # them with followlinks=False; drop .git entries.
        dirnames[:] = [d for d in dirnames if d != ".git"]
        rel_dir = os.path.relpath(dirpath, root)
        for name in filenames:
            if name == ".git":
                continue
            full = os.path.join(dirpath, name)
            if os.path.islink(full) or not os.path.isfile(full):
                continue
            out.append(name if rel_dir == "." else f"{rel_dir}/{name}".replace(os.sep, "/"))
    out.sort()
    return out


def check_content(data):
    """True when the bytes are a document (see the module doc)."""
    if len(data) > MAX_FILE_BYTES:
        return False
    if not data.strip(_ASCII_WS):
        return False
    if b"\0" in data:
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def read_document(root, key):
    """The bytes of the document at root/key, or None when it is not one."""
    path = os.path.join(root, key)
    try:
        if os.path.getsize(path) > MAX_FILE_BYTES:
            return None
        with open(path, "rb") as f:
            data = f.read()
    except OSError:
        return None
    return data if check_content(data) else None


def iter_documents(root, keys=None):
    """Yields (key, bytes) for every document under root (or of keys)."""
    for key in list_files(root) if keys is None else keys:
        data = read_document(root, key)
        if data is not None:
            yield key, data


def tokens(data):
    """The "bigcode" tokens of a document: maximal runs of [A-Za-z0-9_]."""
    return TOKEN_RE.findall(data)


def shingles(toks, n=NGRAM):
    """The set of n-token shingles, each as bytes joined by one space (tokens
    never contain a space, so this is exact).  Empty when len(toks) < n."""
    return {b" ".join(toks[i : i + n]) for i in range(len(toks) - n + 1)}


def content_hash(data):
    return hashlib.blake2b(data, digest_size=16).hexdigest()


class UnionFind:
    """Union-find over the integers 0..n-1 (path halving, union by size)."""

    def __init__(self, n):
        self.parent = list(range(n))
        self.size = [1] * n

    def find(self, x):
        parent = self.parent
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(self, a, b):
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return
        if self.size[ra] < self.size[rb]:
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.size[ra] += self.size[rb]

    def groups(self):
        """Lists of members of every set of size >= 2."""
        by_root = {}
        for x in range(len(self.parent)):
            by_root.setdefault(self.find(x), []).append(x)
        return [m for m in by_root.values() if len(m) >= 2]


def write_clusters(path, keys, groups):
    """Writes `key<TAB>cluster` for every member of every group of size >= 2;
    a cluster is named by its smallest key."""
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    n = 0
    with open(path, "w", encoding="utf-8") as f:
        for members in groups:
            if len(members) < 2:
                continue
            names = sorted(keys[m] for m in members)
            for name in names:
                f.write(f"{name}\t{names[0]}\n")
                n += 1
    return n


def read_clusters(path):
    """{key: cluster} from a clusters/components TSV."""
    out = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line:
                key, cluster = line.split("\t")[:2]
                out[key] = cluster
    return out


def read_manifest(path):
    """{key: (bytes, tokens, hash)} from docs.tsv."""
    out = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#"):
                continue
            key, size, ntok, digest = line.rstrip("\n").split("\t")
            out[key] = (int(size), int(ntok), digest)
    return out


def write_manifest(root, out_path):
    n = total = 0
    with open(out_path + ".tmp", "w", encoding="utf-8") as f:
        f.write("#key\tbytes\ttokens\tblake2b128\n")
        for key, data in iter_documents(root):
            f.write(f"{key}\t{len(data)}\t{len(tokens(data))}\t{content_hash(data)}\n")
            n += 1
            total += len(data)
    os.replace(out_path + ".tmp", out_path)
    return n, total


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    m = sub.add_parser("manifest", help="write docs.tsv for a corpus")
    m.add_argument("--corpus", required=True)
    m.add_argument("--out", required=True)
    args = ap.parse_args()
    n, total = write_manifest(args.corpus, args.out)
    print(f"{n} documents, {total} bytes -> {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
