//! `corpusledger lookup`: exact, near, removed and absent files each get
//! the right answer, with proofs that `verify --proof` accepts and that
//! fail when altered.

use std::path::Path;

use crate::util;

fn lookup(dataset: &Path, files: &[&Path]) -> serde_json::Value {
    let mut args = vec!["lookup", "--json", dataset.to_str().unwrap()];
    args.extend(files.iter().map(|f| f.to_str().unwrap()));
    let output = util::corpusledger(&args);
    assert_eq!(output.status.code(), Some(0), "{}", util::stderr(&output));
    serde_json::from_slice(&output.stdout).expect("lookup --json prints JSON")
}

fn verify_proof(dataset: &Path, proof: &Path) -> (Option<i32>, String) {
    let output = util::corpusledger(&["verify", dataset.to_str().unwrap(), "--proof", proof.to_str().unwrap()]);
    (
        output.status.code(),
        format!("{}{}", String::from_utf8_lossy(&output.stdout), util::stderr(&output)),
    )
}

#[test]
fn each_kind_of_file_gets_its_answer_with_proofs() {
    let out = tempfile::tempdir().unwrap();
    let dataset = out.path().join("ds");
    assert!(util::run(&util::SAMPLE_INPUTS, &dataset, &[]).status.success());
    let repos = util::root().join("sample-data/repos");

    // A near copy: every tenth line edited.
    let original = std::fs::read_to_string(repos.join("argo/flags_test.go")).unwrap();
    let edited: Vec<String> = original
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if i % 10 == 5 {
                format!("{} // edited", l.replace('a', "b"))
            } else {
                l.to_owned()
            }
        })
        .collect();
    let near = out.path().join("near.go");
    std::fs::write(&near, edited.join("\n")).unwrap();
    // An absent file.
    let absent = out.path().join("absent.rs");
    std::fs::write(
        &absent,
        "fn only_here() { let unique = 0x5eed_1e55; println!(\"{unique}\"); }\n",
    )
    .unwrap();

    let exact = repos.join("argo/usage.go");
    // Removed as a duplicate: its content stays in the data as another copy.
    let removed = repos.join("dotsync/src/vendor/ini.sh");
    let binary = repos.join("argo/testdata/golden.bin");
    let report = lookup(&dataset, &[&exact, &near, &removed, &absent, &binary]);
    let answers = report["answers"].as_array().unwrap();
    let status: Vec<&str> = answers.iter().map(|a| a["status"].as_str().unwrap()).collect();
    assert_eq!(
        status,
        ["kept", "near-copy-kept", "kept", "absent", "removed"],
        "{report:#}"
    );

    let exact_match = &answers[0]["matches"][0];
    assert_eq!(exact_match["relation"], "exact");
    assert_eq!(exact_match["source-path"], "usage.go");
    assert!(exact_match["proof"]["file"].as_str().unwrap().starts_with("data/"));

    let near_match = &answers[1]["matches"][0];
    assert_eq!(near_match["relation"], "near");
    assert_eq!(near_match["source-path"], "flags_test.go");
    let jaccard: f64 = near_match["jaccard"].as_str().unwrap().parse().unwrap();
    assert!((0.7..1.0).contains(&jaccard), "{jaccard}");

    let copies = answers[2]["matches"].as_array().unwrap();
    let kept_copy = copies.iter().find(|m| m["status"] == "kept").unwrap();
    let removed_match = copies.iter().find(|m| m["source-path"] == "src/vendor/ini.sh").unwrap();
    assert_eq!(removed_match["status"], "removed");
    assert_eq!(removed_match["reason"], "exact-duplicate");
    assert_eq!(removed_match["proof"]["file"], "removed.parquet");
    let kept = &removed_match["kept"];
    assert!(kept["file"].as_str().unwrap().starts_with("data/"), "{removed_match:#}");
    assert_eq!(kept["content-sha256"], removed_match["proof"]["content-sha256"]);
    assert_eq!(kept, &kept_copy["proof"], "the removed copy points to the kept one");
    assert!(answers[3]["matches"].as_array().unwrap().is_empty());
    assert_eq!(answers[4]["matches"][0]["reason"], "binary");

    // Every proof in the report checks out against the dataset...
    let proofs = out.path().join("proofs.json");
    std::fs::write(&proofs, serde_json::to_vec(&report).unwrap()).unwrap();
    let (code, text) = verify_proof(&dataset, &proofs);
    assert_eq!(code, Some(0), "{text}");
    let proofs_in_report = serde_json::to_string(&report).unwrap().matches("audit-path").count();
    assert!(proofs_in_report >= 7, "{proofs_in_report}");
    assert!(text.contains(&format!("{proofs_in_report} proof(s) checked")), "{text}");

    // ...and an altered one does not.
    let mut proof = exact_match["proof"].clone();
    let step = proof["audit-path"][0]
        .as_str()
        .unwrap()
        .replacen(|c: char| c.is_ascii_hexdigit(), "0", 1);
    let step = if step == proof["audit-path"][0].as_str().unwrap() {
        "f".repeat(64)
    } else {
        step
    };
    proof["audit-path"][0] = step.into();
    std::fs::write(&proofs, serde_json::to_vec(&proof).unwrap()).unwrap();
    let (code, text) = verify_proof(&dataset, &proofs);
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("proof-invalid"), "{text}");

    // A proof pointing to another row: the row check refuses it.
    let mut proof = exact_match["proof"].clone();
    proof["row"] = (proof["row"].as_u64().unwrap() + 1).into();
    std::fs::write(&proofs, serde_json::to_vec(&proof).unwrap()).unwrap();
    let (code, text) = verify_proof(&dataset, &proofs);
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("proof-row-mismatch"), "{text}");
}

#[test]
fn a_dataset_without_a_manifest_cannot_be_looked_up() {
    let out = tempfile::tempdir().unwrap();
    let output = util::corpusledger(&["lookup", out.path().to_str().unwrap(), "Cargo.toml"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        util::stderr(&output).contains("manifest.json"),
        "{}",
        util::stderr(&output)
    );
}
