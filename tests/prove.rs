//! `corpusledger prove` and `check-proof` (issue 20): the holder answers
//! with proofs, the dataset is deleted, and the owner checks the answers
//! against the manifest alone; tampered proofs are refused, each with its
//! code.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::util;

struct Case {
    _dir: tempfile::TempDir,
    /// The public manifest, copied out of the dataset (which is deleted).
    manifest: PathBuf,
    proof: PathBuf,
    files: Vec<PathBuf>,
    work: PathBuf,
}

/// A dataset of the sample, proofs for five files, then the dataset gone.
fn case() -> Case {
    let dir = tempfile::tempdir().unwrap();
    let dataset = dir.path().join("ds");
    let run = util::run(&util::SAMPLE_INPUTS, &dataset, &[]);
    assert!(run.status.success(), "{}", util::stderr(&run));
    let repos = util::root().join("sample-data/repos");
    let work = dir.path().join("owner");
    std::fs::create_dir(&work).unwrap();

    // A near copy: every tenth line edited.
    let original = std::fs::read_to_string(repos.join("argo/flags_test.go")).unwrap();
    let edited: Vec<String> = original
        .lines()
        .enumerate()
        .map(|(i, l)| match i % 10 {
            5 => format!("{} // edited", l.replace('a', "b")),
            _ => l.to_owned(),
        })
        .collect();
    let near = work.join("near.go");
    std::fs::write(&near, edited.join("\n")).unwrap();
    let unrelated = work.join("unrelated.rs");
    let text: String = (0..200)
        .map(|i| {
            format!(
                "fn only_here_{i}(x: u64) -> u64 {{ x.wrapping_mul({}) ^ 0x5eed }}\n",
                i * 7919 + 3
            )
        })
        .collect();
    std::fs::write(&unrelated, text).unwrap();
    let files = vec![
        repos.join("argo/usage.go"),             // kept
        repos.join("dotsync/src/vendor/ini.sh"), // an exact copy of it was removed
        near,
        unrelated,
    ];
    let proof = work.join("proof.json");
    let mut args = vec!["prove", dataset.to_str().unwrap()];
    args.extend(files.iter().map(|f| f.to_str().unwrap()));
    args.extend(["--out", proof.to_str().unwrap()]);
    let output = util::corpusledger(&args);
    assert_eq!(output.status.code(), Some(0), "{}", util::stderr(&output));
    let manifest = work.join("manifest.json");
    std::fs::copy(dataset.join("manifest.json"), &manifest).unwrap();
    std::fs::remove_dir_all(&dataset).unwrap();
    Case {
        _dir: dir,
        manifest,
        proof,
        files,
        work,
    }
}

fn check(manifest: &Path, proof: &Path, files: &[PathBuf]) -> (Option<i32>, Value, String) {
    let mut args = vec![
        "check-proof",
        "--json",
        manifest.to_str().unwrap(),
        proof.to_str().unwrap(),
    ];
    args.extend(files.iter().map(|f| f.to_str().unwrap()));
    let output = util::corpusledger(&args);
    let json = serde_json::from_slice(&output.stdout).unwrap_or(Value::Null);
    (output.status.code(), json, util::stderr(&output))
}

fn codes(report: &Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_owned())
        .collect()
}

fn proof_json(case: &Case) -> Value {
    serde_json::from_slice(&std::fs::read(&case.proof).unwrap()).unwrap()
}

/// Writes an altered proof and checks it with the files.
fn check_altered(case: &Case, edit: impl FnOnce(&mut Value)) -> (Option<i32>, Vec<String>) {
    let mut proof = proof_json(case);
    edit(&mut proof);
    let path = case.work.join("altered.json");
    std::fs::write(&path, serde_json::to_vec_pretty(&proof).unwrap()).unwrap();
    let (code, report, stderr) = check(&case.manifest, &path, &case.files);
    assert_ne!(report, Value::Null, "{stderr}");
    (code, codes(&report))
}

#[test]
fn every_kind_of_answer_verifies_against_the_manifest_alone() {
    let case = case();
    let (code, report, stderr) = check(&case.manifest, &case.proof, &case.files);
    assert_eq!(code, Some(0), "{report:#} {stderr}");
    let answers = report["answers"].as_array().unwrap();
    let status: Vec<&str> = answers.iter().map(|a| a["status"].as_str().unwrap()).collect();
    // The exact copy's content is kept (as the other copy): kept, with the
    // removal of this copy shown, and the kept copy it names.
    assert_eq!(status, ["kept", "kept", "absent", "absent"], "{report:#}");
    assert_eq!(answers[0]["kept"]["detail"], "BSD-3-Clause", "{report:#}");
    let removed = &answers[1]["removed"];
    assert_eq!(removed["detail"], "exact-duplicate", "{report:#}");
    assert_eq!(answers[1]["kept-copy"]["doc-id"], answers[1]["kept"]["doc-id"]);
    assert_ne!(removed["doc-id"], answers[1]["kept"]["doc-id"]);
    // The edited file shares band keys with a kept text; the unrelated one
    // shares none, and each band's absence is proved.
    let [shared, bands] = [&answers[2]["near"][0], &answers[2]["near"][1]].map(|v| v.as_u64().unwrap());
    assert!(shared > 0 && bands > 1, "{report:#}");
    assert_eq!(answers[3]["near"][0], 0, "{report:#}");
    assert_eq!(answers[3]["near"][1], bands);
    assert!(answers.iter().all(|a| a["verified"] == true));

    // The human report says the same.
    let output = util::corpusledger(&[
        "check-proof",
        case.manifest.to_str().unwrap(),
        case.proof.to_str().unwrap(),
    ]);
    let text = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{text}");
    assert!(text.contains("a near copy"), "{text}");
    assert!(text.contains("no kept text shares any of its"), "{text}");
    assert!(text.contains(": valid: 4 answer(s) checked"), "{text}");

    // The independent checker of docs/disclosure.md agrees.
    let (code, text) = python_check(&case, &case.proof);
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains(": valid: 4 answer(s)"), "{text}");
}

/// `scripts/check_proof.py`, the standard-library checker.
fn python_check(case: &Case, proof: &Path) -> (Option<i32>, String) {
    let output = std::process::Command::new("python3")
        .arg(util::root().join("scripts/check_proof.py"))
        .arg(&case.manifest)
        .arg(proof)
        .args(&case.files)
        .output()
        .expect("python3 runs");
    (
        output.status.code(),
        format!("{}{}", String::from_utf8_lossy(&output.stdout), util::stderr(&output)),
    )
}

#[test]
fn a_document_removed_as_a_near_duplicate_is_answered_removed_with_its_kept_copy() {
    let dir = tempfile::tempdir().unwrap();
    let dataset = dir.path().join("ds");
    assert!(util::run(&util::SAMPLE_INPUTS, &dataset, &[]).status.success());
    let ledger = util::ledger_rows(&dataset);
    let near = ledger
        .iter()
        .find(|row| util::get(row, "reason") == Some("near-duplicate"))
        .expect("the sample has a near duplicate");
    let sha256 = util::get(near, "content_sha256").unwrap();
    let proof = dir.path().join("proof.json");
    let output = util::corpusledger(&[
        "prove",
        dataset.to_str().unwrap(),
        "--sha256",
        sha256,
        "--out",
        proof.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", util::stderr(&output));
    let manifest = dir.path().join("manifest.json");
    std::fs::copy(dataset.join("manifest.json"), &manifest).unwrap();
    std::fs::remove_dir_all(&dataset).unwrap();
    let (code, report, stderr) = check(&manifest, &proof, &[]);
    assert_eq!(code, Some(0), "{report:#} {stderr}");
    let answer = &report["answers"][0];
    assert_eq!(answer["status"], "removed", "{report:#}");
    assert_eq!(answer["removed"]["detail"], "near-duplicate");
    assert_eq!(
        answer["kept-copy"]["doc-id"].as_str(),
        util::get(near, "kept_doc_id"),
        "{report:#}"
    );
    assert_eq!(answer["near"], Value::Null, "a hash has no band keys");
}

#[test]
fn tampered_proofs_are_refused_each_with_its_code() {
    let case = case();
    // A flipped sibling hash in the kept file's audit path.
    let (code, found) = check_altered(&case, |p| {
        let step = &mut p["answers"][0]["kept"]["leaf"]["path"][0];
        let flipped = flip(step.as_str().unwrap());
        *step = flipped.into();
    });
    assert_eq!((code, found), (Some(1), vec!["proof-path-invalid".to_owned()]));
    let (code, text) = python_check(&case, &case.work.join("altered.json"));
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("FAIL proof-path-invalid"), "{text}");

    // Neighbours that are not adjacent: the right one moved a leaf on (its
    // own path, so only adjacency is wrong).
    let other = proof_json(&case)["answers"][1]["kept"]["leaf"].clone();
    let (code, found) = check_altered(&case, |p| {
        let absent = &mut p["answers"][3]["kept"];
        assert_eq!(absent["answer"], "absent");
        absent["right"] = other;
    });
    assert_eq!(code, Some(1));
    assert!(found.contains(&"proof-not-adjacent".to_owned()), "{found:?}");

    // Swapped neighbours.
    let (code, found) = check_altered(&case, |p| {
        let absent = &mut p["answers"][3]["kept"];
        let (left, right) = (absent["left"].clone(), absent["right"].clone());
        absent["left"] = right;
        absent["right"] = left;
    });
    assert_eq!(code, Some(1));
    assert!(
        found
            .iter()
            .any(|c| c == "proof-not-adjacent" || c == "proof-not-bracketing"),
        "{found:?}"
    );

    // A band answer for the wrong band.
    let (code, found) = check_altered(&case, |p| {
        let bands = p["answers"][2]["near"]["bands"].as_array_mut().unwrap();
        bands.swap(0, 1);
    });
    assert_eq!(code, Some(1));
    assert!(found.contains(&"proof-band-mismatch".to_owned()), "{found:?}");

    // An answer for a file other than the one given: the near file's
    // answer now claims the unrelated file's hash and proofs.
    let (code, found) = check_altered(&case, |p| {
        let unrelated = p["answers"][3].clone();
        p["answers"][2] = unrelated;
        p["answers"].as_array_mut().unwrap().truncate(3);
    });
    assert_eq!(code, Some(1));
    assert_eq!(found, vec!["proof-file-mismatch".to_owned()]);

    // The proofs of another manifest (another run's roots), relabelled
    // with this manifest's hash: no path reaches this manifest's roots.
    let other = case.work.join("other");
    let run = util::run(&util::SAMPLE_INPUTS[..1], &other, &[]);
    assert!(run.status.success(), "{}", util::stderr(&run));
    let foreign = case.work.join("foreign.json");
    let mut args = vec!["prove", other.to_str().unwrap()];
    args.extend(case.files.iter().map(|f| f.to_str().unwrap()));
    args.extend(["--out", foreign.to_str().unwrap()]);
    assert_eq!(util::corpusledger(&args).status.code(), Some(0));
    let mut proof: Value = serde_json::from_slice(&std::fs::read(&foreign).unwrap()).unwrap();
    proof["manifest-sha256"] = proof_json(&case)["manifest-sha256"].clone();
    std::fs::write(&foreign, serde_json::to_vec(&proof).unwrap()).unwrap();
    let (code, report, stderr) = check(&case.manifest, &foreign, &case.files);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(codes(&report).contains(&"proof-path-invalid".to_owned()), "{report:#}");
}

#[test]
fn bad_proof_files_and_queries_are_clear_errors() {
    let case = case();
    let write = |name: &str, text: &str| {
        let path = case.work.join(name);
        std::fs::write(&path, text).unwrap();
        path
    };
    let run = |proof: &Path| {
        let output = util::corpusledger(&["check-proof", case.manifest.to_str().unwrap(), proof.to_str().unwrap()]);
        (output.status.code(), util::stderr(&output))
    };
    let (code, stderr) = run(&write("text.json", "not json"));
    assert_eq!(code, Some(2));
    assert!(stderr.contains("text.json: not JSON"), "{stderr}");

    let mut proof = proof_json(&case);
    proof["version"] = 2.into();
    let (code, stderr) = run(&write("v2.json", &proof.to_string()));
    assert_eq!(code, Some(2));
    assert!(stderr.contains("a proof file of version 2"), "{stderr}");

    let mut proof = proof_json(&case);
    proof["manifest-sha256"] = "ab".repeat(32).into();
    let (code, stderr) = run(&write("other.json", &proof.to_string()));
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains(&format!("made for the manifest with SHA-256 {}", "ab".repeat(32))),
        "{stderr}"
    );

    let output = util::corpusledger(&["prove", case.work.to_str().unwrap(), "--sha256", "12ab"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        util::stderr(&output).contains("--sha256 12ab: not a SHA-256; give 64 hex digits"),
        "{}",
        util::stderr(&output)
    );
}

/// `hex` with its first digit changed.
fn flip(hex: &str) -> String {
    let first = if hex.starts_with('0') { "1" } else { "0" };
    format!("{first}{}", &hex[1..])
}
