//! Other tools read what we write: pyarrow reads every Parquet file and finds
//! the row counts the manifest states (the commitment tree files are not
//! Parquet; `tests/prove.rs` reads them through `scripts/check_proof.py`'s
//! proofs).
//!
//! Needs a Python with pyarrow: `scripts/test.sh` makes a venv and sets
//! CORPUSLEDGER_PYTHON. Without it the test says so and passes locally, but
//! fails in CI (CI=true), where the venv must exist.

use std::process::Command;

use crate::util;

const CHECK: &str = r#"
import json, sys, pyarrow.parquet as pq
out = sys.argv[1]
manifest = json.load(open(f"{out}/manifest.json"))
parquet = [f for f in manifest["outputs"] if f["path"].endswith(".parquet")]
for f in parquet:
    table = pq.read_table(f"{out}/{f['path']}")
    assert table.num_rows == f["rows"], (f["path"], table.num_rows, f["rows"])
    assert pq.ParquetFile(f"{out}/{f['path']}").metadata.row_group(0).column(0).compression == "ZSTD"
print("ok", len(parquet))
"#;

#[test]
fn pyarrow_reads_every_parquet_file() {
    let Some(python) = std::env::var_os("CORPUSLEDGER_PYTHON") else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must set CORPUSLEDGER_PYTHON (scripts/test.sh does)"
        );
        skip_note();
        return;
    };
    let out = tempfile::tempdir().unwrap();
    assert!(util::run(&util::SAMPLE_INPUTS, out.path(), &[]).status.success());
    let output = Command::new(python)
        .args(["-c", CHECK, out.path().to_str().unwrap()])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", util::stderr(&output));
    assert!(String::from_utf8_lossy(&output.stdout).starts_with("ok 3"));
}

#[expect(clippy::print_stderr, reason = "a skipped test tells why")]
fn skip_note() {
    eprintln!("skipped: set CORPUSLEDGER_PYTHON to a Python with pyarrow (scripts/test.sh does)");
}
