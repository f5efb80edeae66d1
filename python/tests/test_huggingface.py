"""A dataset written by the Python API is a Hugging Face dataset: the README
example, run offline in a child process with its own cache."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import corpusledger

ROOT = Path(__file__).resolve().parents[2]

READ = """
import json, sys
from datasets import load_dataset
from huggingface_hub import DatasetCard, DatasetCardData
out = sys.argv[1]
card = DatasetCard.load(out + "/README.md")
assert isinstance(card.data, DatasetCardData)
print(json.dumps({
    "kept": load_dataset(out, split="train").num_rows,
    "removed": load_dataset(out, "removed", split="train").num_rows,
    "license": card.data.license,
    "configs": sorted(c["config_name"] for c in card.data.configs),
}))
"""


def test_load_dataset_reads_what_run_wrote(tmp_path):
    out = tmp_path / "out"
    summary = corpusledger.run([ROOT / "sample-data" / "repos", ROOT / "sample-data" / "jsonl" / "snippets.jsonl.zst"], out)
    env = dict(os.environ, HF_HUB_OFFLINE="1", HF_DATASETS_OFFLINE="1", HF_HOME=str(tmp_path / "hf"))
    done = subprocess.run([sys.executable, "-c", READ, str(out)], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    loaded = json.loads(done.stdout.strip().splitlines()[-1])
    manifest = corpusledger.read_manifest(out)
    ledger_rows = sum(manifest["counts"]["removed"].values()) + sum(manifest["counts"]["rejected"].values())
    assert loaded["kept"] == summary.kept == manifest["counts"]["kept"]
    assert loaded["removed"] == ledger_rows
    assert loaded["configs"] == ["default", "removed"]
    # Every concluded license of the kept documents is named on the card.
    assert "mit" in loaded["license"] and "apache-2.0" in loaded["license"]
