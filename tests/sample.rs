//! The planted copies of sample-data/ (listed in sample-data/expected.json)
//! are found, and nothing else is removed.

use std::collections::{BTreeMap, BTreeSet};

use crate::util::{self, Row, get};

/// Turns an expected.json reference into the (input, key, row) of a document.
fn locate(reference: &str) -> (String, String, String) {
    if let Some(rest) = reference.strip_prefix("repos/") {
        return ("sample-data/repos".into(), rest.into(), "0".into());
    }
    let (kind, rest) = reference.split_once(':').unwrap();
    let (file, row) = rest.rsplit_once(':').unwrap();
    let dir = if kind == "jsonl" { "jsonl" } else { "stack" };
    (format!("sample-data/{dir}/{file}"), String::new(), row.into())
}

fn location(row: &Row) -> (String, String, String) {
    (
        get(row, "input").unwrap().into(),
        get(row, "key").unwrap().into(),
        get(row, "row").unwrap().into(),
    )
}

/// Connected components of the union of the planted exact and near groups.
fn planted_components(expected: &serde_json::Value) -> Vec<BTreeSet<String>> {
    let mut components: Vec<BTreeSet<String>> = Vec::new();
    for group in expected["exact_groups"]
        .as_array()
        .unwrap()
        .iter()
        .chain(expected["near_groups"].as_array().unwrap())
    {
        let members: BTreeSet<String> = group
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m.as_str().unwrap().to_owned())
            .collect();
        let (touching, mut rest): (Vec<_>, Vec<_>) = components.into_iter().partition(|c| !c.is_disjoint(&members));
        let mut merged = members;
        touching.into_iter().for_each(|c| merged.extend(c));
        rest.push(merged);
        components = rest;
    }
    components
}

struct Outcome {
    kept: BTreeMap<(String, String, String), Row>,
    ledger: BTreeMap<(String, String, String), Row>,
    manifest: serde_json::Value,
}

fn run_sample(extra: &[&str]) -> Outcome {
    let out = tempfile::tempdir().unwrap();
    let output = util::run(&util::SAMPLE_INPUTS, out.path(), extra);
    assert_eq!(output.status.code(), Some(0), "{}", util::stderr(&output));
    let kept = util::data_rows(out.path())
        .into_iter()
        .map(|r| (location(&r), r))
        .collect();
    let ledger = util::ledger_rows(out.path())
        .into_iter()
        .map(|r| (location(&r), r))
        .collect();
    Outcome {
        kept,
        ledger,
        manifest: util::manifest(out.path()),
    }
}

fn expected() -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(util::root().join("sample-data/expected.json")).unwrap()).unwrap()
}

fn check_planted(outcome: &Outcome) {
    let expected = expected();
    let components = planted_components(&expected);
    let mut in_component = BTreeSet::new();
    for component in &components {
        let locations: Vec<_> = component.iter().map(|r| locate(r)).collect();
        in_component.extend(locations.iter().cloned());
        let kept: Vec<_> = locations.iter().filter(|l| outcome.kept.contains_key(*l)).collect();
        assert_eq!(
            kept.len(),
            1,
            "component {component:?} must keep exactly one copy, kept {kept:?}"
        );
        let kept_row = &outcome.kept[kept[0]];
        let kept_id = get(kept_row, "doc_id").unwrap();
        assert_eq!(get(kept_row, "cluster_id"), Some(kept_id));
        assert_eq!(
            get(kept_row, "n_duplicates"),
            Some((component.len() - 1).to_string().as_str())
        );
        for location in locations.iter().filter(|l| *l != kept[0]) {
            let removed = outcome
                .ledger
                .get(location)
                .unwrap_or_else(|| panic!("{location:?} not in the ledger"));
            assert_eq!(get(removed, "kept_doc_id"), Some(kept_id), "{location:?}");
            assert_eq!(get(removed, "cluster_id"), Some(kept_id));
            let same_bytes = get(removed, "content_sha256") == get(kept_row, "content_sha256");
            match get(removed, "reason").unwrap() {
                "exact-duplicate" => assert!(same_bytes && get(removed, "jaccard").is_none(), "{location:?}"),
                "near-duplicate" => {
                    assert!(!same_bytes, "{location:?}");
                    let jaccard: f64 = get(removed, "jaccard").unwrap().parse().unwrap();
                    assert!((0.7..1.0).contains(&jaccard), "{location:?} jaccard {jaccard}");
                }
                other => panic!("{location:?} removed as {other}"),
            }
        }
    }
    // Nothing outside the planted components is removed.
    for (location, row) in &outcome.ledger {
        let reason = get(row, "reason").unwrap();
        if reason.ends_with("-duplicate") {
            assert!(
                in_component.contains(location),
                "{location:?} removed as {reason} but not planted"
            );
        }
    }
    for (location, row) in &outcome.kept {
        if !in_component.contains(location) {
            assert_eq!(get(row, "cluster_id"), None, "{location:?}");
            assert_eq!(get(row, "n_duplicates"), Some("0"));
        }
    }
}

#[test]
fn planted_copies_are_found_and_nothing_else_is_removed() {
    check_planted(&run_sample(&[]));
}

#[test]
fn planted_copies_are_found_with_the_bigcode_profile() {
    check_planted(&run_sample(&["--tokenizer", "bigcode"]));
}

#[test]
fn counts_add_up_and_match_the_sample() {
    let outcome = run_sample(&[]);
    let counts = &outcome.manifest["counts"];
    let (kept, removed, rejected) = util::counts_add_up(&outcome.manifest);
    let documents = counts["documents"].as_u64().unwrap();
    assert_eq!(documents, expected()["documents"].as_u64().unwrap());
    assert_eq!(kept, outcome.kept.len() as u64);
    assert_eq!(removed + rejected, outcome.ledger.len() as u64);
    let per_input: u64 = outcome.manifest["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["documents"].as_u64().unwrap())
        .sum();
    assert_eq!(per_input, documents);
}

#[test]
fn each_rejection_names_its_file_and_reason() {
    let outcome = run_sample(&[]);
    let expected = expected();
    let rejections = expected["rejections"].as_array().unwrap();
    for rejection in rejections {
        let location = locate(rejection["ref"].as_str().unwrap());
        let row = outcome
            .ledger
            .get(&location)
            .unwrap_or_else(|| panic!("{location:?} not rejected"));
        assert_eq!(get(row, "reason"), rejection["reason"].as_str(), "{location:?}");
        assert!(!get(row, "detail").unwrap().is_empty());
        assert_eq!(get(row, "kept_doc_id"), None);
    }
    let rejected = outcome
        .ledger
        .values()
        .filter(|r| !get(r, "reason").unwrap().ends_with("-duplicate"))
        .count();
    assert_eq!(rejected, rejections.len());
}

#[test]
fn kept_files_carry_their_expected_license_with_evidence() {
    let outcome = run_sample(&[]);
    let expected = expected();
    let mut checked = 0;
    for (reference, license) in expected["licenses"].as_object().unwrap() {
        if let Some(row) = outcome.kept.get(&locate(reference)) {
            assert_eq!(get(row, "license"), license.as_str(), "{reference}");
            assert!(!get(row, "license_evidence").unwrap().is_empty());
            checked += 1;
        }
    }
    assert!(checked >= 25, "only {checked} licensed files were kept");
    // Input metadata: a JSONL line and a Parquet row with declared licenses.
    let declared = outcome
        .kept
        .values()
        .filter(|r| {
            let evidence: serde_json::Value = serde_json::from_str(get(r, "license_evidence").unwrap()).unwrap();
            evidence["rule"] == "declared: the input's license metadata"
                && evidence["evidence"][0]["file"] == "input metadata"
                && get(r, "declared_license") == get(r, "license")
        })
        .count();
    assert!(declared >= 10, "{declared}");
}

#[test]
fn star_mode_finds_the_planted_copies_and_is_recorded() {
    let outcome = run_sample(&["--cluster-mode", "star"]);
    check_planted(&outcome);
    assert_eq!(outcome.manifest["dedup"]["cluster-mode"], "star");
    for row in outcome
        .ledger
        .values()
        .filter(|r| get(r, "reason") == Some("near-duplicate"))
    {
        let jaccard: f64 = get(row, "jaccard").unwrap().parse().unwrap();
        assert!(jaccard >= 0.7, "{jaccard}");
    }
    let largest = outcome.manifest["dedup"]["largest-clusters"].as_array().unwrap();
    assert!(!largest.is_empty() && largest.len() <= 10);
    let sizes: Vec<u64> = largest.iter().map(|c| c["documents"].as_u64().unwrap()).collect();
    assert!(sizes.windows(2).all(|w| w[0] >= w[1]), "{sizes:?}");
}
