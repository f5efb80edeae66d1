//! Runs [`first_comment_block`] and [`Detector::detect_notice`] over every
//! fixture under `tests/fixtures/notices/`, named like the license
//! fixtures: `<expression>__<case>.<ext>`, `NONE` for "no license".

use corpusledger_provenance::{Detector, first_comment_block, spdx_header};

#[test]
fn every_notice_gives_the_expression_in_its_name() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/notices");
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    paths.sort();
    let detector = Detector::new(0.8);
    let mut failures = Vec::new();
    for path in paths {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let expected = name.split("__").next().unwrap().replace('_', " ");
        let text = std::fs::read_to_string(&path).unwrap();
        let found = match first_comment_block(&text) {
            Some(block) => detector.detect_notice(&block.text).unwrap(),
            None => None,
        };
        let got = found.as_ref().map_or("NONE", |f| f.expression.as_str());
        if got != expected {
            failures.push(format!("{name}: expected {expected}, got {found:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn notice_lines_are_those_of_the_block() {
    let text = "#!/bin/sh\n# Licensed under the MIT license.\necho hi\n";
    let block = first_comment_block(text).unwrap();
    assert_eq!(block.lines, (2, 2));
    let found = Detector::new(0.8).detect_notice(&block.text).unwrap().unwrap();
    assert_eq!(
        (found.expression.as_str(), found.form, found.lines),
        ("MIT", "pointer", (1, 1))
    );
}

#[test]
fn spdx_tags_in_source_files() {
    let header = spdx_header("/* SPDX-License-Identifier: GPL-2.0+ */\n#include <x.h>\n").unwrap();
    assert_eq!(header.expression.as_deref(), Ok("GPL-2.0-or-later"));

    let header = spdx_header("#!/bin/sh\n# SPDX-License-Identifier: MIT OR\n").unwrap();
    assert_eq!((header.line, header.span), (2, (27, 33)));
    let err = header.expression.unwrap_err();
    assert!(err.contains("column 34"), "{err}");
}
