#!/usr/bin/env bash
# Regenerates docs/reliability.md from the reliability tests themselves: the
# corrupt-input matrix (tests/corrupt_inputs.rs writes one JSON row per kind)
# the fuzz tests (every test named fuzz_*, at PROPTEST_CASES cases each), the
# kill-and-rerun test (tests/crash.rs), the determinism matrix
# (tests/stages.rs), the hostile-path tests (tests/hostile_paths.rs and the
# manifest path checks) and the resource tests (tests/resources.rs). A failing test fails the script: the page is only
# written from passing runs.
# Usage: scripts/reliability.sh [CASES=256]
set -euo pipefail
cd "$(dirname "$0")/.."
cases="${1:-256}"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
export CORPUSLEDGER_RELIABILITY_OUT="$out"
cargo test --locked --test integration corrupt_inputs -- --nocapture >/dev/null
PROPTEST_CASES="$cases" cargo test --workspace --locked fuzz 2>&1 | tee "$out/fuzz.log" >/dev/null
cargo test --locked --test integration -- crash:: stages::shards_1_3_7 hostile_paths:: changing_inputs:: verify::a_bad_manifest \
  2>&1 | tee "$out/matrices.log" >/dev/null
cargo test --locked -p corpusledger-ingest -p corpusledger-manifest -- file_changed_while_read escaping_paths \
  2>&1 | tee -a "$out/matrices.log" >/dev/null
CORPUSLEDGER_SLOW_TESTS=1 cargo test --locked --test integration resources -- --test-threads 1 >/dev/null
python3 scripts/reliability.py "$out" "$cases" > docs/reliability.md
echo "wrote docs/reliability.md"
