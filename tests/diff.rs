//! `corpusledger diff` (issue 21): what changed between two versions of a
//! dataset, checked against the data shards and ledgers read here, and
//! against the opt-out list that made the difference.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::util;

fn run(out: &Path, extra: &[&str]) {
    let output = util::run(&util::SAMPLE_INPUTS, out, extra);
    assert_eq!(output.status.code(), Some(0), "{}", util::stderr(&output));
}

fn diff_json(old: &Path, new: &Path) -> serde_json::Value {
    let output = util::corpusledger(&["diff", "--json", old.to_str().unwrap(), new.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", util::stderr(&output));
    serde_json::from_slice(&output.stdout).expect("diff --json is JSON")
}

/// Content SHA-256 -> repository of every kept document, read from the shards.
fn kept(out: &Path) -> BTreeMap<String, Option<String>> {
    util::data_rows(out)
        .iter()
        .map(|row| {
            (
                util::get(row, "content_sha256").unwrap().to_owned(),
                util::get(row, "repo").map(str::to_owned),
            )
        })
        .collect()
}

fn listed(set: &serde_json::Value) -> BTreeSet<String> {
    set["list"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["sha256"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn diff_lists_exactly_the_documents_an_opt_out_removes() {
    let dir = tempfile::tempdir().unwrap();
    let (old, new) = (dir.path().join("old"), dir.path().join("new"));
    run(&old, &[]);
    let list = dir.path().join("opt-out.txt");
    std::fs::write(&list, "repo:numerals/*\n").unwrap();
    run(&new, &["--opt-out", list.to_str().unwrap()]);
    let (before, after) = (kept(&old), kept(&new));
    let diff = diff_json(&old, &new);
    let documents = &diff["documents"];
    // Removed: kept before, not after; by the list, each from numerals/.
    let removed: BTreeSet<String> = before.keys().filter(|h| !after.contains_key(*h)).cloned().collect();
    assert!(!removed.is_empty());
    assert_eq!(listed(&documents["removed"]), removed);
    for doc in documents["removed"]["list"].as_array().unwrap() {
        assert_eq!(doc["reason"], "opted-out", "{doc}");
        assert!(doc["repo"].as_str().unwrap().starts_with("numerals/"), "{doc}");
    }
    assert!(
        before
            .iter()
            .filter(|(_, repo)| repo.as_deref().is_some_and(|r| r.starts_with("numerals/")))
            .all(|(h, _)| removed.contains(h)),
        "every kept document of numerals/ is removed"
    );
    // Added: kept after, not before (a copy promoted when its kept copy left).
    let added: BTreeSet<String> = after.keys().filter(|h| !before.contains_key(*h)).cloned().collect();
    assert_eq!(listed(&documents["added"]), added);
    let common = before.keys().filter(|h| after.contains_key(*h)).count() as u64;
    assert_eq!(documents["unchanged"], common);
    assert_eq!(documents["removed"]["count"], removed.len() as u64);
    assert_eq!(documents["removed"]["by-reason"]["opted-out"], removed.len() as u64);
    // The manifests: the opted-out count changed, the parameters did not.
    assert_eq!(diff["parameters"], serde_json::json!([]));
    let counts = diff["counts"].as_array().unwrap();
    assert!(
        counts
            .iter()
            .any(|c| c["field"] == "removed:opted-out" && c["old"] == 0),
        "{counts:?}"
    );
    let kept_tree = &diff["commitments"][0];
    assert_eq!(
        (kept_tree["tree"].as_str(), kept_tree["changed"].as_bool()),
        (Some("kept"), Some(true))
    );
    // Markdown names the same document and reason.
    let output = util::corpusledger(&["diff", old.to_str().unwrap(), new.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", util::stderr(&output));
    let markdown = String::from_utf8(output.stdout).unwrap();
    let first = removed.iter().next().unwrap();
    assert!(
        markdown.contains(&format!("| `{first}` | numerals/")) && markdown.contains("opted-out"),
        "{markdown}"
    );
    assert!(
        markdown.contains(&format!("{} removed, {common} kept in both", removed.len())),
        "{markdown}"
    );
}

#[test]
fn same_dataset_and_changed_parameters() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b, c) = (dir.path().join("a"), dir.path().join("b"), dir.path().join("c"));
    run(&a, &[]);
    run(&b, &[]);
    // Two runs of the same input and config: nothing changed.
    let diff = diff_json(&a, &b);
    assert_eq!(diff["parameters"], serde_json::json!([]));
    assert_eq!(diff["counts"], serde_json::json!([]));
    assert!(
        diff["commitments"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["changed"] == false)
    );
    assert_eq!(diff["documents"]["unchanged"], kept(&a).len() as u64);
    assert_eq!(diff["documents"]["added"]["count"], 0);
    // Another threshold: the parameters say which, outcomes are not parameters.
    run(&c, &["--threshold", "0.8"]);
    let diff = diff_json(&a, &c);
    let fields: Vec<&str> = diff["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["field"].as_str().unwrap())
        .collect();
    assert!(fields.contains(&"dedup.threshold"), "{fields:?}");
    assert!(
        !fields.iter().any(|f| f.contains("found") || f.contains("s-curve")),
        "{fields:?}"
    );
    // Manifests alone: no documents, and a note saying why.
    let output = util::corpusledger(&[
        "diff",
        "--json",
        a.join("manifest.json").to_str().unwrap(),
        c.join("manifest.json").to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", util::stderr(&output));
    let diff: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert!(diff["documents"].is_null());
    assert!(diff["notes"][0].as_str().unwrap().contains("not compared"), "{diff}");
}

#[test]
fn bad_input_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    run(&a, &[]);
    run(&b, &[]);
    let missing = dir.path().join("nothing");
    let output = util::corpusledger(&["diff", a.to_str().unwrap(), missing.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        util::stderr(&output).contains("no manifest.json there"),
        "{}",
        util::stderr(&output)
    );
    // A shard that is not the one its manifest lists.
    let shard = b.join("data/part-00000.parquet");
    let mut bytes = std::fs::read(&shard).unwrap();
    let at = bytes.len() / 2;
    bytes[at] ^= 1;
    std::fs::write(&shard, bytes).unwrap();
    let output = util::corpusledger(&["diff", a.to_str().unwrap(), b.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = util::stderr(&output);
    assert!(
        stderr.contains("part-00000.parquet") && stderr.contains("not the one its manifest lists"),
        "{stderr}"
    );
    // A missing shard (as in a partial release): compared by manifest only.
    std::fs::remove_file(&shard).unwrap();
    let diff = diff_json(&a, &b);
    assert!(diff["documents"].is_null());
    assert!(
        diff["notes"][0].as_str().unwrap().contains("data/part-00000.parquet"),
        "{diff}"
    );
}
