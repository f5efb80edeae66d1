#!/usr/bin/env bash
# Runs every test: sets up a Python venv with the tools that check what we
# write (pyarrow reads our Parquet files; mlcroissant, pyspdxtools and
# cyclonedx-python-lib validate `corpusledger export`; jsonschema checks
# manifests against docs/manifest.schema.json; datasets and huggingface_hub
# load a dataset directory through its card, offline), then the whole Rust
# test suite.
set -euo pipefail
cd "$(dirname "$0")/.."

venv=.venv
packages=("pyarrow>=14" "mlcroissant>=1.1,<2" "spdx-tools>=0.8,<0.9" "cyclonedx-python-lib[json-validation]>=8,<12" "jsonschema>=4" "datasets>=2.18,<5" "huggingface_hub>=0.22,<2")
# One import per package above; any missing one re-runs the install.
check='import pyarrow, mlcroissant, spdx_tools, jsonschema, datasets, huggingface_hub
from cyclonedx.validation.json import JsonStrictValidator'
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "$check" 2>/dev/null \
  || [ ! -x "$venv/bin/mlcroissant" ] || [ ! -x "$venv/bin/pyspdxtools" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "${packages[@]}"
fi
export CORPUSLEDGER_PYTHON="$PWD/$venv/bin/python"

cargo test --workspace --locked "$@"
