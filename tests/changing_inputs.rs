//! Inputs that change under a running task. A tree file changed while it is
//! read is rejected alone (the ingest crate's
//! `file_changed_while_read_is_rejected_not_used`); a file input (JSONL,
//! Parquet, a dump) that changes while its unit is read fails the task,
//! naming it, since its documents may mix two versions. The test pauses the
//! run at a named point (`CORPUSLEDGER_PAUSE_AT`) and changes the file there.

use std::process::Command;
use std::time::{Duration, Instant};

use crate::util;

#[test]
fn a_jsonl_file_changed_while_read_fails_the_run_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let jsonl = dir.path().join("moving.jsonl");
    let line = |i: u32| format!("{{\"text\":\"fn f{i}() {{ let value_{i} = {i}; }}\"}}\n");
    std::fs::write(&jsonl, (0..3).map(line).collect::<String>()).unwrap();
    let out = dir.path().join("out");
    let pause = dir.path().join("paused");
    let args = [
        "run",
        "--quiet",
        "--threads",
        "1",
        "--input",
        jsonl.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    let child = Command::new(util::BIN)
        .args(args)
        .current_dir(util::root())
        .env_remove("CORPUSLEDGER_CONFIG")
        .env("CORPUSLEDGER_PAUSE_AT", "signed:1")
        .env("CORPUSLEDGER_PAUSE_FILE", &pause)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while !pause.exists() {
        assert!(started.elapsed() < Duration::from_secs(300), "the run never paused");
        std::thread::sleep(Duration::from_millis(20));
    }
    // Appended while the run reads the file; then let it go on.
    let mut text = std::fs::read_to_string(&jsonl).unwrap();
    text.push_str(&line(3));
    std::fs::write(&jsonl, text).unwrap();
    std::fs::remove_file(&pause).unwrap();
    let output = child.wait_with_output().unwrap();
    let stderr = util::stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(&format!("input {} changed while it was read", jsonl.display())),
        "{stderr}"
    );
    assert!(!out.join("manifest.json").exists(), "a failed run left a manifest");

    // Once the input is stable, a plain rerun reads all four documents.
    let rerun = util::corpusledger(&args);
    assert_eq!(rerun.status.code(), Some(0), "{}", util::stderr(&rerun));
    let manifest = util::manifest(&out);
    assert_eq!(manifest["counts"]["documents"], 4);
    util::counts_add_up(&manifest);
}
