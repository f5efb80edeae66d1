//! `corpusledger export`, checked by each format's own validator: mlcroissant
//! validates croissant.json and loads both record sets (re-checking every
//! file's SHA-256), pyspdxtools validates sbom.spdx.json, and
//! cyclonedx-python-lib's strict JSON validator checks sbom.cdx.json against
//! the CycloneDX 1.6 schema.
//!
//! Needs the venv `scripts/test.sh` makes (it sets CORPUSLEDGER_PYTHON): a
//! validator that is missing fails the test, it is never skipped.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::util;

/// A fixed creation time, so two exports are byte-identical.
const EPOCH: &str = "1709208000";
const CREATED: &str = "2024-02-29T12:00:00Z";
const FILES: [&str; 3] = ["croissant.json", "sbom.spdx.json", "sbom.cdx.json"];

/// Loads each record set with mlcroissant and prints `name count`. It works
/// offline: the JSON-LD context is inline and every contentUrl a relative
/// path, so nothing is fetched.
const LOAD_RECORDS: &str = r#"
import sys, mlcroissant as mlc
dataset = mlc.Dataset(jsonld=sys.argv[1])
for record_set in sys.argv[2:]:
    print(record_set, sum(1 for _ in dataset.records(record_set=record_set)))
"#;

const VALIDATE_CYCLONEDX: &str = r#"
import sys
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator
error = JsonStrictValidator(SchemaVersion.V1_6).validate_str(open(sys.argv[1]).read())
if error is not None:
    sys.exit(f"invalid CycloneDX 1.6: {error!r}")
print("ok")
"#;

/// Refuses every socket, then runs `argv[1]` (a script path, or `-c CODE`)
/// with the remaining arguments.
const OFFLINE: &str = r#"
import runpy, socket, sys
def refuse(*args, **kwargs):
    raise OSError(f"network access refused: {args!r}")
socket.socket.connect = socket.create_connection = socket.getaddrinfo = refuse
if sys.argv[1] == "-c":
    code, sys.argv = sys.argv[2], ["-c"] + sys.argv[3:]
    exec(compile(code, "<check>", "exec"), {"__name__": "__main__"})
else:
    sys.argv = sys.argv[1:]
    runpy.run_path(sys.argv[0], run_name="__main__")
"#;

const MISSING: &str = "run scripts/test.sh: it makes the venv with the validators and sets CORPUSLEDGER_PYTHON";

/// The venv's Python; the test fails without it.
fn python() -> PathBuf {
    let python =
        std::env::var_os("CORPUSLEDGER_PYTHON").unwrap_or_else(|| panic!("CORPUSLEDGER_PYTHON is not set: {MISSING}"));
    PathBuf::from(python)
}

/// A command-line tool of the venv, next to its Python.
fn venv_tool(name: &str) -> PathBuf {
    let path = python().with_file_name(name);
    assert!(path.is_file(), "{} is missing: {MISSING}", path.display());
    path
}

/// Runs `script` (a file, e.g. a console script of the venv, or `-c CODE`)
/// with the venv's Python, with sockets refused: the validators must work
/// offline, as CI and these machines have no internet.
fn validator(script: &[&str], args: &[&str], cache: &Path) -> Output {
    let output = Command::new(python())
        .args(["-c", OFFLINE])
        .args(script)
        .args(args)
        .env("CROISSANT_CACHE", cache)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}; {MISSING}", python().display()));
    let stderr = util::stderr(&output);
    assert!(
        !stderr.contains("No module named"),
        "{script:?} lacks a module: {MISSING}\n{stderr}"
    );
    assert!(
        !stderr.contains("network access"),
        "{script:?} tried the network:\n{stderr}"
    );
    output
}

fn export(dir: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["export", dir.to_str().unwrap()];
    args.extend(extra);
    Command::new(util::BIN)
        .args(&args)
        .env("SOURCE_DATE_EPOCH", EPOCH)
        .output()
        .expect("run the binary")
}

fn read_json(path: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

/// Runs the sample with `extra` flags, exports it and runs every validator.
fn validate_sample(extra: &[&str]) {
    let out = tempfile::tempdir().unwrap();
    let cache = tempfile::tempdir().unwrap();
    assert!(util::run(&util::SAMPLE_INPUTS, out.path(), extra).status.success());
    let exported = export(out.path(), &[]);
    assert!(exported.status.success(), "{}", util::stderr(&exported));
    let manifest = util::manifest(out.path());
    let (kept, removed, rejected) = util::counts_add_up(&manifest);

    let croissant = out.path().join("croissant.json");
    let mlcroissant = venv_tool("mlcroissant");
    let output = validator(
        &[mlcroissant.to_str().unwrap()],
        &["validate", "--jsonld", croissant.to_str().unwrap()],
        cache.path(),
    );
    assert!(
        output.status.success(),
        "mlcroissant validate: {}",
        util::stderr(&output)
    );
    let output = validator(
        &["-c", LOAD_RECORDS],
        &[croissant.to_str().unwrap(), "documents", "removed"],
        cache.path(),
    );
    assert!(
        output.status.success(),
        "mlcroissant records: {}",
        util::stderr(&output)
    );
    let counts = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(counts.contains(&format!("documents {kept}\n")), "{counts}");
    assert!(
        counts.contains(&format!("removed {}\n", removed + rejected)),
        "{counts}"
    );

    let spdx = out.path().join("sbom.spdx.json");
    let pyspdxtools = venv_tool("pyspdxtools");
    let output = validator(
        &[pyspdxtools.to_str().unwrap()],
        &["-i", spdx.to_str().unwrap()],
        cache.path(),
    );
    assert!(
        output.status.success(),
        "pyspdxtools: {}{}",
        String::from_utf8_lossy(&output.stdout),
        util::stderr(&output)
    );

    let cdx = out.path().join("sbom.cdx.json");
    let output = validator(&["-c", VALIDATE_CYCLONEDX], &[cdx.to_str().unwrap()], cache.path());
    assert!(output.status.success(), "cyclonedx: {}", util::stderr(&output));
}

#[test]
fn exports_of_the_sample_pass_the_formats_validators() {
    validate_sample(&[]);
}

#[test]
fn exports_of_several_shards_pass_the_formats_validators() {
    let config = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(config.path(), "shard-max-rows = 20\n").unwrap();
    validate_sample(&["--config", config.path().to_str().unwrap()]);
}

#[test]
fn exports_are_reproducible_and_name_every_file() {
    let out = tempfile::tempdir().unwrap();
    assert!(util::run(&util::SAMPLE_INPUTS, out.path(), &[]).status.success());
    let copy = tempfile::tempdir().unwrap();
    for (dir, extra) in [
        (out.path(), vec![]),
        (out.path(), vec!["--out", copy.path().to_str().unwrap()]),
    ] {
        let exported = export(dir, &extra);
        assert!(exported.status.success(), "{}", util::stderr(&exported));
    }
    for file in FILES {
        let first = std::fs::read(out.path().join(file)).unwrap();
        assert_eq!(first, std::fs::read(copy.path().join(file)).unwrap(), "{file}");
        assert!(first.ends_with(b"}\n"), "{file} is canonical JSON");
    }
    let manifest = util::manifest(out.path());
    let root = manifest["merkle"]["root"].as_str().unwrap();
    let spdx = read_json(&out.path().join("sbom.spdx.json"));
    assert_eq!(spdx["creationInfo"]["created"], CREATED);
    assert!(spdx["documentNamespace"].as_str().unwrap().ends_with(root));
    let cdx = read_json(&out.path().join("sbom.cdx.json"));
    assert_eq!(cdx["metadata"]["timestamp"], CREATED);
    assert_eq!(cdx["serialNumber"], corpusledger_export::serial_number(root).unwrap());
    let croissant = read_json(&out.path().join("croissant.json")).to_string();
    for file in manifest["outputs"].as_array().unwrap() {
        let sha256 = file["sha256"].as_str().unwrap();
        for (name, text) in [
            ("croissant", &croissant),
            ("spdx", &spdx.to_string()),
            ("cyclonedx", &cdx.to_string()),
        ] {
            assert!(text.contains(sha256), "{name} lacks {}", file["path"]);
        }
    }

    let only = tempfile::tempdir().unwrap();
    let exported = export(
        out.path(),
        &["--format", "spdx", "--out", only.path().to_str().unwrap()],
    );
    assert!(exported.status.success(), "{}", util::stderr(&exported));
    let written: Vec<String> = util::tree_bytes(only.path()).into_keys().collect();
    assert_eq!(written, ["sbom.spdx.json"]);
}

#[test]
fn croissant_fields_are_the_parquet_columns() {
    let out = tempfile::tempdir().unwrap();
    assert!(util::run(&util::SAMPLE_INPUTS, out.path(), &[]).status.success());
    assert!(export(out.path(), &["--format", "croissant"]).status.success());
    let croissant = read_json(&out.path().join("croissant.json"));
    for (record_set, schema) in [
        ("documents", corpusledger_output::data_schema()),
        ("removed", corpusledger_output::ledger_schema()),
    ] {
        let set = croissant["recordSet"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["@id"] == record_set)
            .unwrap();
        let fields: Vec<&str> = set["field"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["name"].as_str().unwrap())
            .collect();
        let columns: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
        assert_eq!(fields, columns, "{record_set}");
    }
}

#[test]
fn export_refuses_a_missing_or_damaged_manifest() {
    let dir = tempfile::tempdir().unwrap();
    let output = export(dir.path(), &[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        util::stderr(&output).contains("manifest.json not found"),
        "{}",
        util::stderr(&output)
    );

    let golden = std::fs::read_to_string(util::root().join("tests/golden/sample-manifest.json")).unwrap();
    let manifest = dir.path().join("manifest.json");
    // One output's hash changed: the Merkle root no longer matches.
    let parsed: serde_json::Value = serde_json::from_str(&golden).unwrap();
    let hash = parsed["outputs"][0]["sha256"].as_str().unwrap();
    std::fs::write(&manifest, golden.replacen(hash, &"0".repeat(64), 1)).unwrap();
    let output = export(dir.path(), &[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        util::stderr(&output).contains("does not match its outputs"),
        "{}",
        util::stderr(&output)
    );

    std::fs::write(&manifest, "{not json").unwrap();
    let output = export(dir.path(), &[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(util::stderr(&output).contains("not JSON"), "{}", util::stderr(&output));
    let written: Vec<String> = util::tree_bytes(dir.path()).into_keys().collect();
    assert_eq!(
        written,
        ["manifest.json"],
        "nothing is written when the export cannot run"
    );
}
