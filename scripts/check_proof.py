#!/usr/bin/env python3
"""Checks a `corpusledger prove` proof file against a manifest, independently
of corpusledger: nothing but the Python standard library (docs/disclosure.md).

    python3 scripts/check_proof.py manifest.json proof.json [FILE...]

Every membership and absence proof is checked against the manifest's
`commitments` roots; each FILE's SHA-256 must be one the proof answers. Band
keys are taken as the proof states them (recomputing them needs the MinHash
of corpusledger's dedup crate; `corpusledger check-proof` does that).
Prints one line per answer and exits 0 when everything verifies, 1 when
something does not (with the same codes as `check-proof`), 2 when it cannot
run.
"""

import hashlib
import json
import sys

TAGS = {
    "kept": b"corpusledger/kept/1",
    "removed": b"corpusledger/removed/1",
    "bands": b"corpusledger/bands/1",
}
KEY_LEN = {"kept": 32, "removed": 32, "bands": 12}


def sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def leaf_hash(tree: str, leaf: bytes) -> bytes:
    return sha256(b"\x00\xff" + TAGS[tree] + b"\x00" + leaf)


def node_hash(left: bytes, right: bytes) -> bytes:
    return sha256(b"\x01" + left + right)


def verify_inclusion(leaf: bytes, index: int, size: int, path: list, root: bytes) -> bool:
    """RFC 9162 section 2.1.3.2."""
    if index >= size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


class Refused(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


def check_leaf(tree: str, commitment: dict, proof: dict) -> bytes:
    """The leaf bytes, once its audit path leads to the tree's root."""
    leaf = bytes.fromhex(proof["leaf"])
    path = [bytes.fromhex(h) for h in proof["path"]]
    root = bytes.fromhex(commitment["root"])
    if not verify_inclusion(leaf_hash(tree, leaf), proof["index"], commitment["leaves"], path, root):
        raise Refused("proof-path-invalid", f"{tree} tree: leaf {proof['index']} does not lead to the root")
    return leaf


def check_key(tree: str, commitment: dict, proof: dict, key: bytes):
    """The member leaf's bytes, or None for a verified absence."""
    n = len(key)
    if proof["answer"] == "member":
        leaf = check_leaf(tree, commitment, proof["leaf"])
        if leaf[:n] != key:
            raise Refused("proof-leaf-mismatch", f"{tree} tree: the leaf shown is for another key")
        return leaf
    left, right, size = proof.get("left"), proof.get("right"), commitment["leaves"]
    if left is None and right is None:
        if size == 0 and bytes.fromhex(commitment["root"]) == sha256(b""):
            return None
        raise Refused("proof-not-adjacent", f"{tree} tree: no leaf shown, but the tree has {size}")
    if right is None and left["index"] + 1 != size:
        raise Refused("proof-not-adjacent", f"{tree} tree: only a left leaf, and it is not the last")
    if left is None and right["index"] != 0:
        raise Refused("proof-not-adjacent", f"{tree} tree: only a right leaf, and it is not the first")
    if left is not None and right is not None and left["index"] + 1 != right["index"]:
        raise Refused("proof-not-adjacent", f"{tree} tree: leaves {left['index']} and {right['index']}")
    if left is not None and not check_leaf(tree, commitment, left)[:n] < key:
        raise Refused("proof-not-bracketing", f"{tree} tree: the left leaf is not below the key")
    if right is not None and not check_leaf(tree, commitment, right)[:n] > key:
        raise Refused("proof-not-bracketing", f"{tree} tree: the right leaf is not above the key")
    return None


def check_answer(answer: dict, commitments: dict, bands: int) -> str:
    """What the answer shows, or Refused."""
    key = bytes.fromhex(answer["sha256"])
    kept = check_key("kept", commitments["kept"], answer["kept"], key)
    removed = check_key("removed", commitments["removed"], answer["removed"], key)
    status = "kept" if kept else "removed" if removed else "absent"
    if status != answer["status"]:
        raise Refused("proof-status-mismatch", f"the answer says {answer['status']}, its proofs show {status}")
    shown = status
    if kept:
        shown += f" as {kept[32:48].hex()} under {kept[48:].decode()}"
    if removed:
        shown += f"; removed as {removed[32:48].hex()} ({removed[64:].decode()})"
        named = removed[48:64]
        if named != bytes(16):
            if "kept-copy" not in answer:
                raise Refused("proof-kept-copy-missing", "the removed leaf names a kept copy that is not shown")
            copy = check_leaf("kept", commitments["kept"], answer["kept-copy"])
            if copy[32:48] != named:
                raise Refused("proof-kept-copy-mismatch", "the kept copy shown is another document")
            shown += f", kept copy {named.hex()} under {copy[48:].decode()}"
    elif "kept-copy" in answer:
        raise Refused("proof-kept-copy-mismatch", "a kept copy is shown without a removed leaf naming it")
    near = answer.get("near")
    if near is not None:
        numbers = [b["band"] for b in near["bands"]]
        if numbers and numbers != list(range(bands)):
            raise Refused("proof-band-mismatch", f"band answers are for bands {numbers}, not 0 to {bands - 1}")
        shared = 0
        for b in near["bands"]:
            key = b["band"].to_bytes(4, "big") + bytes.fromhex(b["key"])
            if len(key) != KEY_LEN["bands"]:
                raise Refused("proof-malformed", f"band {b['band']}: the key is not 16 hex digits")
            if check_key("bands", commitments["bands"], b["proof"], key):
                shared += 1
        if shared != near["shared"]:
            raise Refused("proof-status-mismatch", f"{near['shared']} bands said shared, {shared} shown")
        shown += f"; {shared} of {len(near['bands'])} band keys shared with kept texts"
    return shown


def main(argv: list) -> int:
    if len(argv) < 3:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    try:
        manifest_bytes = open(argv[1], "rb").read()
        manifest = json.loads(manifest_bytes)
        proof = json.load(open(argv[2], "rb"))
        files = {sha256(open(f, "rb").read()).hex(): f for f in argv[3:]}
    except (OSError, ValueError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    if proof.get("format") != "corpusledger-proof" or proof.get("version") != 1:
        print(f"error: {argv[2]}: not a corpusledger proof file of version 1", file=sys.stderr)
        return 2
    if proof["manifest-sha256"] != sha256(manifest_bytes).hex():
        print(f"error: {argv[2]} was made for another manifest", file=sys.stderr)
        return 2
    commitments = manifest["commitments"]
    failed = 0
    answered = {a["sha256"].lower() for a in proof["answers"]}
    for sha, name in files.items():
        if sha not in answered:
            failed += 1
            print(f"FAIL proof-file-mismatch {name}: no answer is for this file")
    for answer in proof["answers"]:
        query = answer.get("file", answer["sha256"])
        try:
            print(f"ok   {query}: {check_answer(answer, commitments, manifest['dedup']['bands'])}")
        except Refused as refused:
            failed += 1
            print(f"FAIL {refused.code} {query}: {refused}")
        except (KeyError, ValueError, TypeError, AttributeError) as err:
            failed += 1
            print(f"FAIL proof-malformed {query}: {err!r}")
    print(f"{argv[2]}: {'valid' if failed == 0 else 'NOT valid'}: {len(proof['answers'])} answer(s)")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
