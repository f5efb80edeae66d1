//! Runs the detector over every fixture under `tests/fixtures/licenses/`.
//! A fixture's name carries the expected answer, askalono style:
//! `<expression>__<case>.<ext>`, with spaces in the expression written `_`
//! and `NONE` for "no license".

use std::path::PathBuf;

use corpusledger_provenance::{Detected, Detector};

fn fixtures() -> Vec<(String, PathBuf)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/licenses");
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("fixtures folder")
        .map(|entry| entry.expect("fixture entry").path())
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let expected = name.split("__").next().unwrap().replace('_', " ");
            (expected, path)
        })
        .collect()
}

fn detect_all(detector: &Detector) -> Vec<(String, PathBuf, Option<Detected>)> {
    fixtures()
        .into_iter()
        .map(|(expected, path)| {
            let text = std::fs::read_to_string(&path).unwrap();
            let found = detector.detect(&text).unwrap();
            (expected, path, found)
        })
        .collect()
}

#[test]
fn every_fixture_gives_the_expression_in_its_name() {
    let detector = Detector::new(0.8);
    let mut failures = Vec::new();
    for (expected, path, found) in detect_all(&detector) {
        let got = found.as_ref().map_or("NONE", |f| f.expression.as_str());
        if got != expected {
            failures.push(format!("{}: expected {expected}, got {found:?}", path.display()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/licenses/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(path).unwrap()
}

#[test]
fn bundled_licenses_are_all_named_with_their_lines() {
    let detector = Detector::new(0.8);
    let found = detector
        .detect(&fixture("ISC_AND_MIT__bundled-isc.txt"))
        .unwrap()
        .unwrap();
    assert_eq!(
        found.note.as_deref(),
        Some("several licenses, each applying: MIT at lines 1-21, ISC at lines 30-40")
    );
    // From the MIT part's title line to the end of the ISC part.
    assert_eq!(found.lines, (1, 40));
    let found = detector
        .detect(&fixture("BSD-3-Clause_AND_MIT__bundled-bsd.txt"))
        .unwrap()
        .unwrap();
    assert!(found.note.unwrap().contains("BSD-3-Clause at lines 33-57"));
}

#[test]
fn gpl_notes_say_why_only_or_later() {
    let detector = Detector::new(0.8);
    let found = detector.detect(&fixture("GPL-3.0-only__copying.txt")).unwrap().unwrap();
    assert!(found.note.unwrap().contains("-only"));
}

#[test]
fn threads_share_one_detector_and_agree() {
    let detector = Detector::new(0.8);
    let one_thread: Vec<_> = detect_all(&detector).into_iter().map(|(_, _, f)| f).collect();
    let fresh = Detector::new(0.8);
    let many_threads: Vec<Vec<Option<Detected>>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..2)
            .map(|_| scope.spawn(|| detect_all(&fresh).into_iter().map(|(_, _, f)| f).collect()))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for run in many_threads {
        assert_eq!(run, one_thread);
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(48))]

    /// Any text, however odd, gets an answer or `None`, never a panic.
    #[test]
    fn arbitrary_text_never_panics(text in "(licensed |under |either |MIT |Apache |2\\.0 |GPL |v3|\\+|\\(|\\)|<|>|\n|\\*|#|`|\\[|\\]|/\\*|\"\"\"|SPDX-License-Identifier: |[^\\x00]{0,8})*") {
        let detector = Detector::new(0.8);
        let _ = detector.detect(&text).unwrap();
        let _ = detector.detect_notice(&text).unwrap();
        if let Some(block) = corpusledger_provenance::first_comment_block(&text) {
            let _ = detector.detect_notice(&block.text).unwrap();
        }
        let _ = corpusledger_provenance::spdx_header(&text);
        let _ = corpusledger_provenance::pointer_path(&text);
        for manifest in corpusledger_provenance::PACKAGE_FILES {
            let _ = corpusledger_provenance::parse_package(manifest, &text);
        }
    }
}
