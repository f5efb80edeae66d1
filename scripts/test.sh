#!/usr/bin/env bash
# Runs every test: sets up a Python venv with pyarrow (to check that other
# tools read our Parquet files) and jsonschema (to check manifests against
# docs/manifest.schema.json), then the whole Rust test suite.
set -euo pipefail
cd "$(dirname "$0")/.."

venv=.venv
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import pyarrow, jsonschema" 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "pyarrow>=14" "jsonschema>=4"
fi
export CORPUSLEDGER_PYTHON="$PWD/$venv/bin/python"

cargo test --workspace --locked "$@"
