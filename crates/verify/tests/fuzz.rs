//! Fuzzing `verify`: arbitrary bytes as `manifest.json`, and a real
//! manifest (the sample run's golden file) with bytes flipped or cut, over
//! a directory whose listed files hold arbitrary bytes. Properties: no
//! panic; a manifest that cannot be used is an error, and one that can gives
//! a report, which is not valid while the files do not match.
//! `PROPTEST_CASES` raises the case count (`scripts/fuzz.sh`). The real
//! dataset, mutated, is fuzzed through the binary's tests (`tests/fuzz.rs`).

use std::path::Path;

use corpusledger_verify::{MANIFEST, verify_dir};
use proptest::prelude::*;
use proptest::sample::Index;

#[path = "../../../tests/support/fuzz.rs"]
mod support;
use support::{cases, flip};

/// The manifest of the sample run, as the integration tests keep it.
const GOLDEN: &[u8] = include_bytes!("../../../tests/golden/sample-manifest.json");

/// The files the golden manifest lists.
const LISTED: &[&str] = &["data/part-00000.parquet", "index/lookup.parquet", "removed.parquet"];

/// Contents for a listed file: arbitrary bytes, framed as Parquet (`PAR1`
/// at both ends) half the time so the footer is parsed; `None`: absent.
fn file_bytes() -> impl Strategy<Value = Option<Vec<u8>>> {
    proptest::option::of(
        (proptest::collection::vec(any::<u8>(), 0..64), any::<bool>()).prop_map(|(body, framed)| {
            if framed {
                [&b"PAR1"[..], &body, b"PAR1"].concat()
            } else {
                body
            }
        }),
    )
}

/// Writes the manifest and files into a new dataset directory and verifies
/// it.
fn verify_bytes(manifest: &[u8], files: &[Option<Vec<u8>>]) -> Result<(), TestCaseError> {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(MANIFEST), manifest).unwrap();
    for (name, bytes) in LISTED.iter().zip(files) {
        if let Some(bytes) = bytes {
            let path = dir.path().join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, bytes).unwrap();
        }
    }
    if let Ok((manifest, report)) = verify_dir(dir.path()) {
        // The golden files are not there, so a manifest listing any file
        // cannot be valid.
        prop_assert!(manifest.outputs.is_empty() || !report.is_valid(), "{:?}", report);
        prop_assert!(
            report
                .findings
                .iter()
                .all(|f| !f.code.is_empty() && !f.message.is_empty())
        );
    }
    Ok(())
}

#[test]
fn fuzz_seed_golden_manifest_reports_missing_files() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(MANIFEST), GOLDEN).unwrap();
    let (_, report) = verify_dir(dir.path()).unwrap();
    assert!(report.findings.iter().any(|f| f.code == "file-missing"), "{report:?}");
    assert!(verify_dir(Path::new("/nonexistent-dataset")).is_err());
}

proptest! {
    #![proptest_config(cases(128))]

    #[test]
    fn fuzz_verify_arbitrary_manifest(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
        verify_bytes(&bytes, &[])?;
    }

    #[test]
    fn fuzz_verify_mutated_manifest_over_arbitrary_files(
        flips in proptest::collection::vec((any::<Index>(), 1u8..=255), 0..3),
        cut in proptest::option::weighted(0.2, any::<Index>()),
        files in proptest::collection::vec(file_bytes(), LISTED.len()),
    ) {
        verify_bytes(&flip(GOLDEN.to_vec(), &flips, cut), &files)?;
    }
}
