//! Manifests for the unit tests.

use std::collections::BTreeMap;
use std::path::Path;

use corpusledger_manifest::{Manifest, Merkle, OptOutEntry, OutputEntry, ShardProvenance};

/// The created time the tests pass.
pub(crate) const CREATED: &str = "2024-02-29T12:00:00Z";

/// The manifest of the bundled sample run: one shard mixing three inputs,
/// and `NOASSERTION` documents.
pub(crate) fn sample() -> Manifest {
    let bytes = include_bytes!("../../../tests/golden/sample-manifest.json");
    Manifest::from_slice(Path::new("sample-manifest.json"), bytes).expect("the golden manifest parses")
}

fn shard(path: &str, input: &str, licenses: &[(&str, u64)], fill: char) -> OutputEntry {
    let licenses: BTreeMap<String, u64> = licenses.iter().map(|(l, n)| ((*l).to_owned(), *n)).collect();
    let rows = licenses.values().sum();
    OutputEntry {
        path: path.to_owned(),
        kind: "data".to_owned(),
        rows,
        bytes: 1000 + rows,
        sha256: fill.to_string().repeat(64),
        provenance: Some(ShardProvenance {
            format: corpusledger_manifest::FORMAT.to_owned(),
            documents: rows,
            inputs: BTreeMap::from([(input.to_owned(), rows)]),
            licenses,
            ..ShardProvenance::default()
        }),
    }
}

/// The sample turned into two inputs, each in a shard of its own: `repos`
/// (every document kept, one under a `LicenseRef-`) and `stack` (some
/// removed, all licenses known); a third input, `broken`, could not be read;
/// and an opt-out list was applied.
pub(crate) fn two_shards() -> Manifest {
    let mut manifest = sample();
    manifest.inputs[0].label = "repos".to_owned();
    manifest.inputs[0].documents = 3;
    manifest.inputs[1].label = "stack".to_owned();
    manifest.inputs[1].documents = 9;
    manifest.inputs[2].label = "broken".to_owned();
    manifest.inputs[2].documents = 0;
    manifest.inputs[2].digest = None;
    manifest.inputs[2].error = Some("cannot read broken: permission denied".to_owned());
    manifest.outputs = vec![
        shard(
            "data/part-00000.parquet",
            "repos",
            &[("MIT", 2), ("LicenseRef-Corp-EULA", 1)],
            'a',
        ),
        shard(
            "data/part-00001.parquet",
            "stack",
            &[("Apache-2.0 OR MIT", 4), ("GPL-3.0-only", 1)],
            'b',
        ),
        OutputEntry {
            path: "removed.parquet".to_owned(),
            kind: "ledger".to_owned(),
            rows: 4,
            bytes: 700,
            sha256: "c".repeat(64),
            provenance: None,
        },
    ];
    manifest.licenses = BTreeMap::from([
        ("Apache-2.0 OR MIT".to_owned(), 4),
        ("GPL-3.0-only".to_owned(), 1),
        ("LicenseRef-Corp-EULA".to_owned(), 1),
        ("MIT".to_owned(), 2),
    ]);
    manifest.counts.documents = 12;
    manifest.counts.kept = 8;
    manifest.counts.removed = BTreeMap::from([("exact-duplicate".to_owned(), 3), ("opted-out".to_owned(), 1)]);
    manifest.counts.rejected = BTreeMap::new();
    manifest.licensing.opt_out = vec![OptOutEntry {
        path: "opt-out.txt".to_owned(),
        sha256: "d".repeat(64),
        bytes: 20,
        entries: 2,
        matched: 1,
    }];
    manifest.merkle = Merkle::over(&manifest.outputs).expect("sorted outputs with hashes");
    manifest.counts.check().expect("counts add up");
    manifest
}

#[test]
fn check_refuses_a_root_that_does_not_match() {
    crate::check(&sample()).unwrap();
    crate::check(&two_shards()).unwrap();
    let mut edited = sample();
    edited.outputs[0].sha256 = "0".repeat(64);
    let err = crate::check(&edited).unwrap_err().to_string();
    assert!(err.contains("does not match its outputs"), "{err}");
    edited.outputs[0].sha256 = "not hex".to_owned();
    let err = crate::check(&edited).unwrap_err().to_string();
    assert!(err.contains("not 64 hex digits"), "{err}");
}

#[test]
fn exports_are_deterministic() {
    for format in crate::Format::ALL {
        let once = corpusledger_manifest::canonical::to_vec(&format.render(&sample(), CREATED)).unwrap();
        let twice = corpusledger_manifest::canonical::to_vec(&format.render(&sample(), CREATED)).unwrap();
        assert_eq!(once, twice, "{}", format.file_name());
    }
}
