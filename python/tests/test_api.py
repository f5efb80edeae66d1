"""The Python API and the pip-installed command, against the Rust binary.

The reference is the `corpusledger` binary that cargo built (CORPUSLEDGER_BIN,
else target/release or target/debug): the module must write the same bytes,
and raise the messages and exit codes the binary prints for the same failure.
"""

from __future__ import annotations

import filecmp
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import corpusledger
from corpusledger import CorpusledgerError, CorpusledgerWarning

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_CONFIG = ROOT / "configs" / "sample.toml"


def binary() -> Path:
    given = os.environ.get("CORPUSLEDGER_BIN")
    candidates = [Path(given)] if given else [ROOT / "target" / p / "corpusledger" for p in ("release", "debug")]
    for path in candidates:
        if path.is_file():
            return path
    pytest.fail(f"no corpusledger binary at {candidates}: run `cargo build` first, or set CORPUSLEDGER_BIN")


def command() -> Path:
    """The `corpusledger` command that pip installed beside this Python."""
    path = Path(sys.executable).parent / "corpusledger"
    assert path.is_file(), f"pip did not install the command at {path}"
    return path


def tree(root: Path) -> dict:
    """Every file under root (relative path -> bytes)."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def run_binary(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([str(binary()), *args], cwd=cwd, capture_output=True, text=True)


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> dict:
    """The sample run three ways: the binary, the installed command and the module."""
    base = tmp_path_factory.mktemp("sample")
    outs = {name: base / name for name in ("binary", "command", "module")}
    done = run_binary("run", "--config", str(SAMPLE_CONFIG), "--out", str(outs["binary"]), "--quiet")
    assert done.returncode == 0, done.stderr
    done = subprocess.run(
        [str(command()), "run", "--config", str(SAMPLE_CONFIG), "--out", str(outs["command"]), "--quiet"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    cwd = os.getcwd()
    os.chdir(ROOT)  # the sample config names its inputs relative to the repository
    try:
        summary = corpusledger.run(config=SAMPLE_CONFIG, out=outs["module"], progress=False)
    finally:
        os.chdir(cwd)
    return {"outs": outs, "summary": summary}


def test_module_and_command_write_the_binarys_bytes(sample):
    outs = sample["outs"]
    expected = tree(outs["binary"])
    assert "manifest.json" in expected and any(k.startswith("data/") for k in expected)
    assert tree(outs["command"]) == expected
    assert tree(outs["module"]) == expected


def test_summary_counts_are_the_manifests(sample):
    summary = sample["summary"]
    manifest = corpusledger.read_manifest(sample["outs"]["module"])
    counts = manifest["counts"]
    assert summary.documents == counts["documents"]
    assert summary.kept == counts["kept"]
    assert dict(summary.removed) == counts["removed"]
    assert dict(summary.rejected) == counts["rejected"]
    assert summary.documents == summary.kept + sum(summary.removed.values()) + sum(summary.rejected.values())
    assert summary.exit_code == 0 and summary.problems == []
    assert summary.removed["near-duplicate"] > 0 and summary.removed["exact-duplicate"] > 0
    # The dump's authors come from the Users.xml in its archive, and the summary says so.
    assert any("stackoverflow.com.7z" in note and "Users.xml" in note for note in summary.notes), summary.notes
    assert summary.extra == {}
    # The verification cost is reported beside the manifest's own figures.
    found = manifest["dedup"]["found"]
    assert summary.dedup["candidate-pairs"] == found["candidate-pairs"]
    assert summary.dedup["verified-pairs"] == found["verified-pairs"]
    assert (summary.dedup["bands"], summary.dedup["rows"]) == (manifest["dedup"]["bands"], manifest["dedup"]["rows"])


def test_verify_returns_findings_with_their_codes(sample, tmp_path):
    dataset = tmp_path / "copy"
    shutil.copytree(sample["outs"]["module"], dataset)
    report = corpusledger.verify(dataset)
    assert report.valid and report.findings == [] and report.exit_code == 0
    assert report.merkle_root == corpusledger.read_manifest(dataset)["merkle"]["root"]

    ledger = dataset / "removed.parquet"
    data = bytearray(ledger.read_bytes())
    data[len(data) // 2] ^= 0xFF
    ledger.write_bytes(bytes(data))
    (dataset / "stray.txt").write_text("not in the manifest\n")
    report = corpusledger.verify(dataset)
    assert not report.valid and report.exit_code == 1
    assert "file-hash-mismatch" in report.codes()
    assert "file-unexpected" in report.codes()
    assert any(f.file == "removed.parquet" for f in report.findings)
    # The command says the same.
    done = run_binary("verify", str(dataset), "--json")
    assert done.returncode == 1
    assert [f["code"] for f in json.loads(done.stdout)["findings"]] == report.codes()


def test_lookup_answers_with_proofs_that_verify(sample, tmp_path):
    dataset = sample["outs"]["module"]
    result = corpusledger.lookup(dataset, [ROOT / "sample-data" / "repos" / "argo"])
    statuses = {Path(a.path).name: a.status for a in result.answers}
    assert statuses["LICENSE"] == "kept"
    assert "near-copy-kept" in statuses.values() and "removed" in statuses.values()
    unrelated = tmp_path / "mine.py"
    unrelated.write_text("print('a file nobody else wrote, 8f1d2c')\n")
    (absent,) = corpusledger.lookup(dataset, unrelated).answers
    assert absent.status == "absent" and absent.matches == []

    proofs = tmp_path / "answers.json"
    proofs.write_text(result.to_json())
    done = run_binary("verify", str(dataset), "--proof", str(proofs))
    assert done.returncode == 0, done.stdout + done.stderr


def test_progress_goes_to_the_callback(tmp_path):
    events = []
    summary = corpusledger.run(
        [ROOT / "sample-data" / "repos"], tmp_path / "out", progress=lambda *event: events.append(event)
    )
    assert summary.kept > 0
    stages = [stage for stage, *_ in events]
    assert len(set(stages)) >= 2, events
    for stage, done, total, unit in events:
        assert isinstance(stage, str) and isinstance(done, int) and isinstance(unit, str)
        assert total is None or 0 <= done <= total


def test_a_delta_release_builds_on_a_base(tmp_path):
    base = tmp_path / "base"
    corpusledger.run([ROOT / "sample-data" / "repos"], base, progress=False)
    inputs = [ROOT / "sample-data" / "jsonl" / "snippets.jsonl.zst", ROOT / "sample-data" / "stack" / "stack-sample.parquet"]
    summary = corpusledger.run(inputs, tmp_path / "delta", base=[base], progress=False)
    manifest = json.loads((tmp_path / "delta" / "manifest.json").read_text())
    matched = manifest["bases"][0]["matched"]
    assert matched > 0
    assert manifest["dedup"]["found"]["base-duplicates"] == matched
    assert any("deduplicated against" in note for note in summary.notes), summary.notes
    report = corpusledger.verify(tmp_path / "delta")
    assert report.valid, report


def test_a_failing_callback_stops_the_run_with_its_exception(tmp_path):
    def fail(*_event):
        raise KeyError("from the callback")

    with pytest.raises(KeyError, match="from the callback"):
        corpusledger.run([ROOT / "sample-data" / "repos"], tmp_path / "out", progress=fail)


def test_an_unreadable_input_is_a_problem_not_an_exception(tmp_path):
    missing = tmp_path / "no-such-input"
    with pytest.warns(CorpusledgerWarning, match="no-such-input"):
        summary = corpusledger.run([ROOT / "sample-data" / "repos", missing], tmp_path / "out")
    assert summary.exit_code == 1
    assert any("no-such-input" in p for p in summary.problems)
    repos = str(ROOT / "sample-data" / "repos")
    done = run_binary("run", "--input", repos, "--input", str(missing), "--out", str(tmp_path / "b"), "--quiet")
    assert done.returncode == summary.exit_code
    assert tree(tmp_path / "out") == tree(tmp_path / "b")


def error_of_binary(*args: str) -> str:
    done = run_binary(*args)
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("error: ")
    return done.stderr[len("error: ") :].rstrip("\n")


def test_a_bad_option_value_raises_the_commands_error(tmp_path):
    out = tmp_path / "out"
    with pytest.raises(CorpusledgerError) as raised:
        corpusledger.run([ROOT / "sample-data" / "repos"], out, threshold=1.5)
    assert raised.value.exit_code == 2
    assert raised.value.message == error_of_binary("run", "--input", "sample-data/repos", "--out", str(out), "--threshold", "1.5")
    assert not (out / "manifest.json").exists()


def test_an_unknown_option_or_enum_value_is_named(tmp_path):
    with pytest.raises(CorpusledgerError, match="thresold") as raised:
        corpusledger.run([ROOT / "sample-data" / "repos"], tmp_path / "a", thresold=0.8)
    assert raised.value.exit_code == 2
    with pytest.raises(CorpusledgerError, match="nope"):
        corpusledger.run([ROOT / "sample-data" / "repos"], tmp_path / "b", tokenizer="nope")
    with pytest.raises(CorpusledgerError, match="memory_limit"):
        corpusledger.run([ROOT / "sample-data" / "repos"], tmp_path / "c", memory_limit="lots")


def test_a_missing_path_raises_the_commands_error(tmp_path):
    missing = tmp_path / "nope"
    for call in (corpusledger.verify, corpusledger.read_manifest):
        with pytest.raises(CorpusledgerError) as raised:
            call(missing)
        assert raised.value.exit_code == 2
        assert str(missing) in raised.value.message
    with pytest.raises(CorpusledgerError) as raised:
        corpusledger.verify(missing)
    assert raised.value.message == error_of_binary("verify", str(missing))
    with pytest.raises(CorpusledgerError):
        corpusledger.run(out=tmp_path / "out")  # no input at all


def test_a_corrupt_manifest_raises_the_commands_error(sample, tmp_path):
    dataset = tmp_path / "corrupt"
    shutil.copytree(sample["outs"]["module"], dataset)
    manifest = dataset / "manifest.json"
    manifest.write_bytes(manifest.read_bytes()[:-40])
    for call in (corpusledger.verify, corpusledger.read_manifest):
        with pytest.raises(CorpusledgerError, match="not JSON") as raised:
            call(dataset)
        assert raised.value.exit_code == 2
    with pytest.raises(CorpusledgerError) as raised:
        corpusledger.verify(dataset)
    assert raised.value.message == error_of_binary("verify", str(dataset))
    with pytest.raises(CorpusledgerError, match="manifest"):
        corpusledger.lookup(dataset, ROOT / "sample-data" / "repos" / "argo")


def test_the_command_exits_with_its_codes(sample, tmp_path):
    ok = subprocess.run([str(command()), "verify", str(sample["outs"]["command"])], capture_output=True, text=True)
    assert ok.returncode == 0 and "valid" in ok.stdout
    bad = subprocess.run([str(command()), "run", "--threshold", "x"], capture_output=True, text=True)
    assert bad.returncode == 2 and "--threshold" in bad.stderr
    helped = subprocess.run([str(command()), "--help"], capture_output=True, text=True)
    assert helped.returncode == 0 and "verify" in helped.stdout


def test_progress_true_draws_tqdm_bars(tmp_path, capsys):
    corpusledger.run([ROOT / "sample-data" / "repos"], tmp_path / "out", progress=True)
    err = capsys.readouterr().err
    assert "ingest" in err or "sign" in err, err
