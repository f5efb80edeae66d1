#!/usr/bin/env bash
# Runs only the fuzz tests (property tests named `fuzz_*`, in the crates
# they test and in tests/fuzz.rs) with a larger budget than the suite's
# default. PROPTEST_CASES sets the cases per test (default here: 5000);
# extra arguments go after the filter, e.g. `scripts/fuzz.sh -- --test-threads 1`.
# A failure is shrunk and its seed saved in the crate's proptest-regressions/;
# fix it, then keep the minimized input as a named #[test].
set -euo pipefail
cd "$(dirname "$0")/.."

export PROPTEST_CASES="${PROPTEST_CASES:-5000}"
cargo test --workspace --locked fuzz "$@"
