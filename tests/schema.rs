//! The manifest keeps to its published JSON Schema, docs/manifest.schema.json,
//! and the schema refuses broken manifests.
//!
//! Needs a Python with jsonschema: `scripts/test.sh` makes a venv with it and
//! sets CORPUSLEDGER_PYTHON (else `python3` is tried). Unlike the pyarrow
//! check, these tests fail rather than skip without it: the schema is a
//! contract with dataset users, and a skipped check would let it drift.

use std::ffi::{OsStr, OsString};
use std::path::Path;
use std::process::{Command, Output};

use crate::util;

const SCRIPT: &str = "scripts/check_manifest_schema.py";
const SCHEMA: &str = "docs/manifest.schema.json";
const GOLDEN: &str = "tests/golden/sample-manifest.json";

/// Settings that fill what the plain sample run leaves at one value or empty:
/// several data shards (a Merkle tree of more than two leaves), the other
/// tokenizer and cluster mode, and documents removed as `license-denied`.
const VARIED_CONFIG: &str = r#"
shard-max-rows = 20
tokenizer = "bigcode"
cluster-mode = "star"
license-noassertion = "deny"
"#;

#[test]
fn sample_manifests_match_the_schema() {
    let python = python_with_jsonschema();
    let plain = tempfile::tempdir().unwrap();
    let output = util::run(&util::SAMPLE_INPUTS, plain.path(), &[]);
    assert_eq!(output.status.code(), Some(0), "{}", util::stderr(&output));

    // Also an input that cannot be read (kind `unusable`, digest null, an
    // error), an opt-out list (an entry under `licensing.opt-out`), and a
    // Stack Exchange dump (kind `stackexchange`, `filtered` rows, the
    // `attribution` section and its output).
    let varied = tempfile::tempdir().unwrap();
    let out = varied.path().join("out");
    let config = varied.path().join("config.toml");
    std::fs::write(&config, VARIED_CONFIG).unwrap();
    let opt_out = varied.path().join("opt-out.txt");
    std::fs::write(&opt_out, "# asked out\nrepo:ringbuf-c\n").unwrap();
    let mut inputs = util::SAMPLE_INPUTS.to_vec();
    inputs.push("does/not/exist");
    inputs.push("tests/fixtures/stackexchange/site.7z");
    let flags = [
        "--config",
        config.to_str().unwrap(),
        "--opt-out",
        opt_out.to_str().unwrap(),
    ];
    let output = util::run(&inputs, &out, &flags);
    assert_eq!(
        output.status.code(),
        Some(1),
        "a missing input exits 1 and the run goes on: {}",
        util::stderr(&output)
    );

    let varied_manifest = out.join("manifest.json");
    let m: serde_json::Value = serde_json::from_slice(&std::fs::read(&varied_manifest).unwrap()).unwrap();
    assert!(m["attribution"].is_object(), "the varied run has posts to attribute");
    let manifests = [plain.path().join("manifest.json"), varied_manifest];
    let output = check(&python, &manifests);
    assert!(output.status.success(), "{}", both(&output));
}

#[test]
fn delta_and_amended_manifests_match_the_schema() {
    let python = python_with_jsonschema();
    let dir = tempfile::tempdir().unwrap();
    let (base, delta, amended) = (
        dir.path().join("base"),
        dir.path().join("delta"),
        dir.path().join("amended"),
    );
    let output = util::run(&util::SAMPLE_INPUTS[..1], &base, &[]);
    assert_eq!(output.status.code(), Some(0), "{}", util::stderr(&output));
    let output = util::run(&util::SAMPLE_INPUTS[1..], &delta, &["--base", base.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", util::stderr(&output));
    let list = dir.path().join("opt-out.txt");
    std::fs::write(&list, "repo:numerals/*\n").unwrap();
    let output = util::corpusledger(&[
        "amend",
        delta.to_str().unwrap(),
        "--opt-out",
        list.to_str().unwrap(),
        "--out",
        amended.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", util::stderr(&output));
    let m = util::manifest(&amended);
    assert!(
        m["bases"].is_array() && m["previous"].is_object() && m["amendments"].is_object(),
        "{m}"
    );
    let output = check(&python, &[delta.join("manifest.json"), amended.join("manifest.json")]);
    assert!(output.status.success(), "{}", both(&output));
}

#[test]
fn the_schema_refuses_broken_manifests() {
    let python = python_with_jsonschema();
    let output = check(&python, &["--self-test", GOLDEN]);
    assert!(output.status.success(), "{}", both(&output));
    assert!(
        String::from_utf8_lossy(&output.stdout).contains("self-test: passed"),
        "{}",
        both(&output)
    );
}

/// CORPUSLEDGER_PYTHON, else `python3`; fails the test, saying what to do,
/// when it cannot import jsonschema.
fn python_with_jsonschema() -> OsString {
    let python = std::env::var_os("CORPUSLEDGER_PYTHON").unwrap_or_else(|| "python3".into());
    let hint = "run scripts/test.sh: it installs jsonschema into .venv and sets CORPUSLEDGER_PYTHON";
    match Command::new(&python).args(["-c", "import jsonschema"]).output() {
        Ok(output) if output.status.success() => python,
        Ok(output) => panic!(
            "{} cannot import jsonschema ({}); {hint}",
            Path::new(&python).display(),
            util::stderr(&output).trim()
        ),
        Err(err) => panic!("cannot run {}: {err}; {hint}", Path::new(&python).display()),
    }
}

/// Runs the schema check from the repository root with `args` after the schema.
fn check<S: AsRef<OsStr>>(python: &OsStr, args: &[S]) -> Output {
    Command::new(python)
        .arg(SCRIPT)
        .arg(SCHEMA)
        .args(args)
        .current_dir(util::root())
        .output()
        .expect("run scripts/check_manifest_schema.py")
}

fn both(output: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&output.stdout), util::stderr(output))
}
