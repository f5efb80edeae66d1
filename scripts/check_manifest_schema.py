#!/usr/bin/env python3
"""Validate corpusledger manifests against docs/manifest.schema.json.

    python scripts/check_manifest_schema.py SCHEMA MANIFEST...
    python scripts/check_manifest_schema.py SCHEMA --self-test GOLDEN

Each error is printed as `FILE: JSON-PATH: message` on stderr.

`--self-test GOLDEN` checks the schema itself: GOLDEN (a real manifest, such
as tests/golden/sample-manifest.json) must be valid, and a set of broken
copies of it (unknown key, missing section, negative count, bad hash, unsafe
path, other version, ...) must each be rejected at the expected place.

Exit codes: 0 every manifest is valid (and the self-test passed), 1 a
manifest is invalid or not JSON (or the self-test failed), 2 could not run
(jsonschema not installed, schema or manifest unreadable, schema invalid).

Needs the `jsonschema` package; scripts/test.sh installs it into .venv.
"""

import argparse
import copy
import json
import sys

EXIT_VALID, EXIT_INVALID, EXIT_ERROR = 0, 1, 2

# Error messages can quote a whole manifest section; keep lines readable.
MAX_MESSAGE = 300

# Keywords whose error messages get the failing schema's description.
HINTED = {"pattern", "not", "const", "enum"}


class CouldNotRun(Exception):
    """A problem that is not a finding about a manifest."""


def load_validator(schema_path):
    try:
        import jsonschema
    except ImportError:
        raise CouldNotRun(
            f"the Python package jsonschema is not installed for {sys.executable}; "
            "run scripts/test.sh (it makes .venv with jsonschema) or `pip install 'jsonschema>=4'`"
        ) from None
    Draft202012Validator = getattr(jsonschema, "Draft202012Validator", None)
    if Draft202012Validator is None:
        raise CouldNotRun(
            f"the jsonschema package of {sys.executable} is too old for draft 2020-12; "
            "run scripts/test.sh or `pip install --upgrade 'jsonschema>=4'`"
        )
    schema = read_json(schema_path)
    if isinstance(schema, Exception):
        raise CouldNotRun(f"{schema_path}: not JSON ({schema})")
    try:
        Draft202012Validator.check_schema(schema)
    except Exception as err:  # jsonschema.SchemaError, reported as is
        raise CouldNotRun(f"{schema_path}: not a valid draft 2020-12 schema: {err}") from None
    return Draft202012Validator(schema)


def read_json(path):
    """The parsed file, or the parse error; CouldNotRun when unreadable."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as err:
        raise CouldNotRun(f"{path}: cannot read: {err.strerror}") from None
    try:
        return json.loads(data)
    except ValueError as err:
        return err


def errors_of(validator, document):
    """(JSON path, message, path as a tuple of keys) of every error, in a
    stable order."""
    found = []
    for error in validator.iter_errors(document):
        message = error.message
        if len(message) > MAX_MESSAGE:
            message = message[: MAX_MESSAGE - 3] + "..."
        # "does not match '^(?!...'" says little; the schema's description
        # says what was expected.
        if error.validator in HINTED and isinstance(error.schema, dict) and "description" in error.schema:
            message += f" ({error.schema['description'].rstrip('.')})"
        found.append((error.json_path, message, tuple(error.absolute_path)))
    return sorted(found, key=lambda e: (e[0], e[1]))


def check_files(validator, paths):
    n_invalid = 0
    for path in paths:
        document = read_json(path)
        if isinstance(document, Exception):
            print(f"{path}: $: not JSON ({document})", file=sys.stderr)
            n_invalid += 1
            continue
        errors = errors_of(validator, document)
        for json_path, message, _ in errors:
            print(f"{path}: {json_path}: {message}", file=sys.stderr)
        if errors:
            n_invalid += 1
        else:
            print(f"{path}: valid")
    return n_invalid


def resolve(doc, path):
    """`path` (keys and indices) with each callable in it applied to `doc`."""
    return [key(doc) if callable(key) else key for key in path]


def walk(doc, path):
    """The container holding the last key of `path`, and that key."""
    keys = resolve(doc, path)
    target = doc
    for key in keys[:-1]:
        target = target[key]
    return target, keys[-1]


def set_to(path, value):
    """A mutation that sets the value at `path`; `value` may be a function of
    the old value."""

    def mutate(doc):
        target, key = walk(doc, path)
        target[key] = value(target[key]) if callable(value) else value

    return mutate


def delete(path):
    """A mutation that removes the key at `path`."""

    def mutate(doc):
        target, key = walk(doc, path)
        del target[key]

    return mutate


def first_data_shard(doc):
    for i, output in enumerate(doc["outputs"]):
        if output["kind"] == "data":
            return i
    raise CouldNotRun("the golden manifest has no `data` output to break")


def mutations():
    """(what, mutation, path of keys where the schema must report it)."""
    shard = first_data_shard
    sha256, path, kind, provenance = (["outputs", shard, key] for key in ["sha256", "path", "kind", "provenance"])
    cluster = ["dedup", "largest-clusters", 0]
    return [
        ("an unknown top-level key", set_to(["surprise"], 1), []),
        ("a missing `counts`", delete(["counts"]), []),
        ("a negative count", set_to(["counts", "documents"], -1), ["counts", "documents"]),
        ("a fractional count", set_to(["counts", "kept"], 1.5), ["counts", "kept"]),
        ("a rejection reason under `removed`", set_to(["counts", "removed", "binary"], 0), ["counts", "removed"]),
        ("a sha256 of 63 hex digits", set_to(sha256, "a" * 63), sha256),
        ("a sha256 with a non-hex digit", set_to(sha256, "g" * 64), sha256),
        ("an output path `../x`", set_to(path, "../x"), path),
        ("an absolute output path", set_to(path, "/etc/passwd"), path),
        ("an unknown output kind", set_to(kind, "notes"), kind),
        ("a null `provenance` (omitted when none)", set_to(provenance, None), provenance),
        ("an unknown key in a shard's provenance", set_to([*provenance, "extra"], 1), provenance),
        ("version 2", set_to(["version"], 2), ["version"]),
        ("another format", set_to(["format"], "something-else"), ["format"]),
        ("a thread count in `config`", set_to(["config", "threads"], 4), ["config", "threads"]),
        ("a ratio with three digits", set_to(["dedup", "s-curve", 0, 1], "0.000"), ["dedup", "s-curve", 0, 1]),
        ("a missing `min-jaccard` (null when none)", delete([*cluster, "min-jaccard"]), cluster),
        ("a 31-digit document id", set_to([*cluster, "kept-doc-id"], "0" * 31), [*cluster, "kept-doc-id"]),
        ("an uppercase Merkle root", set_to(["merkle", "root"], str.upper), ["merkle", "root"]),
    ]


def self_test(validator, golden_path):
    golden = read_json(golden_path)
    if isinstance(golden, Exception):
        print(f"{golden_path}: $: not JSON ({golden})", file=sys.stderr)
        return 1
    failures = 0
    errors = errors_of(validator, golden)
    for json_path, message, _ in errors:
        print(f"{golden_path}: {json_path}: {message}", file=sys.stderr)
    if errors:
        print(f"self-test: FAILED: {golden_path} is not valid", file=sys.stderr)
        failures += 1
    cases = mutations()
    for what, mutate, where in cases:
        doc = copy.deepcopy(golden)
        mutate(doc)
        where = tuple(resolve(golden, where))
        errors = errors_of(validator, doc)
        at_place = [e for e in errors if e[2] == where]
        if at_place:
            print(f"self-test: ok: {what} is rejected ({at_place[0][0]}: {at_place[0][1]})")
        else:
            failures += 1
            got = "; ".join(f"{p}: {m}" for p, m, _ in errors) or "accepted"
            print(f"self-test: FAILED: {what} must be rejected at {list(where)}, got: {got}", file=sys.stderr)
    if failures:
        print(f"self-test: {failures} failure(s)", file=sys.stderr)
    else:
        print(f"self-test: passed ({golden_path} valid, {len(cases)} broken copies rejected)")
    return failures


def main(argv):
    parser = argparse.ArgumentParser(
        description="Validate corpusledger manifests against the manifest JSON Schema.",
        epilog="exit codes: 0 valid, 1 invalid or self-test failed, 2 could not run",
    )
    parser.add_argument("schema", metavar="SCHEMA", help="docs/manifest.schema.json")
    parser.add_argument("manifests", metavar="MANIFEST", nargs="*", help="manifest.json files to validate")
    parser.add_argument(
        "--self-test",
        metavar="GOLDEN",
        help="check that GOLDEN is valid and that broken copies of it are rejected",
    )
    args = parser.parse_args(argv)
    if not args.manifests and not args.self_test:
        parser.error("give at least one MANIFEST, or --self-test GOLDEN")
    try:
        validator = load_validator(args.schema)
        n_invalid = check_files(validator, args.manifests)
        if args.self_test:
            n_invalid += self_test(validator, args.self_test)
    except CouldNotRun as err:
        print(f"error: {err}", file=sys.stderr)
        return EXIT_ERROR
    return EXIT_INVALID if n_invalid else EXIT_VALID


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
