//! `run --base` (issue 21): a new crawl deduplicated against a published
//! dataset. A synthetic corpus with exact and near copies is split into
//! halves A and B; `run A`, then `run B --base outA`, are compared with
//! `run A+B` and with exact Jaccard computed here.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use corpusledger_dedup::{Tokenizer, jaccard, shingles};

use crate::util;

fn s(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// 24 repositories of 12 files, the first 12 repositories in `A/`, the
/// others in `B/` (B copies files of A exactly and nearly).
fn halves(dir: &Path) -> (PathBuf, PathBuf) {
    let all = dir.join("all");
    util::synthetic_tree(&all, 24, 12);
    let (a, b) = (dir.join("A"), dir.join("B"));
    std::fs::create_dir_all(&a).unwrap();
    std::fs::create_dir_all(&b).unwrap();
    for repo in 0..24 {
        let name = format!("repo-{repo:03}");
        let to = if repo < 12 { &a } else { &b };
        std::fs::rename(all.join(&name), to.join(&name)).unwrap();
    }
    (a, b)
}

fn run(inputs: &[&Path], out: &Path, extra: &[&str]) {
    let inputs: Vec<&str> = inputs.iter().map(|p| s(p)).collect();
    let output = util::run(&inputs, out, extra);
    assert_eq!(output.status.code(), Some(0), "{}", util::stderr(&output));
}

/// doc id -> content of every kept document.
fn kept(out: &Path) -> BTreeMap<String, String> {
    util::data_rows(out)
        .iter()
        .map(|r| {
            (
                util::get(r, "doc_id").unwrap().to_owned(),
                util::get(r, "content").unwrap().to_owned(),
            )
        })
        .collect()
}

#[test]
fn a_delta_release_keeps_one_document_per_cluster_of_the_whole() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = halves(dir.path());
    let (out_a, out_b, out_ab) = (
        dir.path().join("outA"),
        dir.path().join("outB"),
        dir.path().join("outAB"),
    );
    run(&[&a], &out_a, &[]);
    run(&[&b], &out_b, &["--base", s(&out_a)]);
    run(&[&a, &b], &out_ab, &[]);
    let (kept_a, kept_b) = (kept(&out_a), kept(&out_b));

    // B matched A: some of its documents went to A's, exactly and nearly.
    let manifest_b = util::manifest(&out_b);
    util::counts_add_up(&manifest_b);
    let found = &manifest_b["dedup"]["found"];
    assert!(found["base-duplicates"].as_u64().unwrap() > 0, "{found}");
    assert!(found["base-verified-pairs"].as_u64().unwrap() > 0, "{found}");
    assert!(found["base-exact-texts"].as_u64().unwrap() > 0, "{found}");
    let base = &manifest_b["bases"][0];
    let manifest_a_bytes = std::fs::read(out_a.join("manifest.json")).unwrap();
    use sha2::Digest;
    let sha: String = sha2::Sha256::digest(&manifest_a_bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(base["manifest-sha256"], sha.as_str());
    assert_eq!(base["matched"], found["base-duplicates"]);

    // No pair of kept documents across the two releases reaches the
    // threshold, by exact Jaccard of the run's shingles computed here.
    let sets = |kept: &BTreeMap<String, String>| -> Vec<Vec<u64>> {
        kept.values().map(|t| shingles(t, Tokenizer::Code, 5, 0x5EED)).collect()
    };
    let (sets_a, sets_b) = (sets(&kept_a), sets(&kept_b));
    for x in &sets_a {
        for y in &sets_b {
            assert!(jaccard(x, y) < 0.7, "a kept pair across releases at {}", jaccard(x, y));
        }
    }

    // Together they keep exactly one document of each cluster of A+B.
    let mut cluster_of: BTreeMap<String, String> = BTreeMap::new();
    for row in util::data_rows(&out_ab) {
        let id = util::get(&row, "doc_id").unwrap().to_owned();
        cluster_of.insert(id.clone(), id);
    }
    for row in util::ledger_rows(&out_ab) {
        if let Some(kept) = util::get(&row, "kept_doc_id") {
            cluster_of.insert(util::get(&row, "doc_id").unwrap().to_owned(), kept.to_owned());
        }
    }
    let mut per_cluster: BTreeMap<&str, usize> = BTreeMap::new();
    for id in kept_a.keys().chain(kept_b.keys()) {
        *per_cluster.entry(cluster_of[id].as_str()).or_default() += 1;
    }
    let clusters: BTreeSet<&str> = cluster_of.values().map(String::as_str).collect();
    assert_eq!(per_cluster.keys().copied().collect::<BTreeSet<_>>(), clusters);
    assert!(per_cluster.values().all(|&n| n == 1), "{per_cluster:?}");

    // Every ledger row of B that points outside B names a document A keeps.
    let mut into_a = 0;
    for row in util::ledger_rows(&out_b) {
        let Some(target) = util::get(&row, "kept_doc_id") else {
            continue;
        };
        if !kept_b.contains_key(target) {
            assert!(kept_a.contains_key(target), "{row:?}");
            assert!(util::get(&row, "detail").unwrap().contains(&sha), "{row:?}");
            into_a += 1;
        }
    }
    assert_eq!(into_a, found["base-duplicates"].as_u64().unwrap());

    // The card says what the release builds on.
    let card = std::fs::read_to_string(out_b.join("README.md")).unwrap();
    assert!(card.contains("This is a delta release"), "{card}");
    assert!(card.contains(&sha), "the card names the base's manifest");

    // verify: valid alone (a note: the base was not given), and against A.
    let alone = util::corpusledger(&["verify", s(&out_b)]);
    assert_eq!(alone.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&alone.stdout).contains("checks-skipped"));
    let with_base = util::corpusledger(&["verify", s(&out_b), "--base", s(&out_a)]);
    assert_eq!(
        with_base.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&with_base.stdout)
    );
    assert!(!String::from_utf8_lossy(&with_base.stdout).contains("NOTE"));
    // A base the manifest does not name is a finding.
    let wrong = util::corpusledger(&["verify", s(&out_b), "--base", s(&out_ab)]);
    assert_eq!(wrong.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&wrong.stdout).contains("base-mismatch"));

    // The same bytes on one thread, and through the staged tasks.
    let one_thread = dir.path().join("outB-1");
    run(&[&b], &one_thread, &["--base", s(&out_a), "--threads", "1"]);
    assert_eq!(util::tree_bytes(&one_thread), util::tree_bytes(&out_b));
    let (staged, run_dir) = (dir.path().join("outB-staged"), dir.path().join("run"));
    let plan = util::plan(&[s(&b)], &staged, &run_dir, &["--base", s(&out_a)]);
    assert_eq!(plan.status.code(), Some(0), "{}", util::stderr(&plan));
    util::run_two_shards(&run_dir);
    assert_eq!(util::tree_bytes(&staged), util::tree_bytes(&out_b));
}

#[test]
fn a_base_that_does_not_check_or_differs_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = halves(dir.path());
    let out_a = dir.path().join("outA");
    run(&[&a], &out_a, &[]);
    let refused = |extra: &[&str], needle: &str| {
        let out = dir.path().join("refused");
        let mut args = vec!["--base", s(&out_a)];
        args.extend(extra);
        let output = util::run(&[s(&b)], &out, &args);
        assert_eq!(output.status.code(), Some(2), "{}", util::stderr(&output));
        let err = util::stderr(&output);
        assert!(err.contains(needle), "expected {needle:?} in {err}");
        let _ = std::fs::remove_dir_all(&out);
    };
    // Other dedup parameters: the one that differs is named.
    refused(&["--threshold", "0.85"], "made with threshold 0.7, this run uses 0.85");
    refused(
        &["--tokenizer", "bigcode"],
        "made with tokenizer code, this run uses bigcode",
    );
    // Not a dataset.
    let output = util::run(&[s(&b)], &dir.path().join("x"), &["--base", s(&a)]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        util::stderr(&output).contains("cannot read its manifest.json"),
        "{}",
        util::stderr(&output)
    );
    // A base whose files do not match its manifest: the findings named.
    let shard = out_a.join("data/part-00000.parquet");
    let mut bytes = std::fs::read(&shard).unwrap();
    let at = bytes.len() / 2;
    bytes[at] ^= 0xff;
    std::fs::write(&shard, bytes).unwrap();
    refused(&[], "file-hash-mismatch data/part-00000.parquet");
}
