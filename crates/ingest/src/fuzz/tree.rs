//! Tree files: arbitrary bytes through the per-file read and the content
//! check.

use corpusledger_model::Reason;
use proptest::prelude::*;

use super::{cases, input};
use crate::tree::{TreeEntry, read_files};
use crate::{IngestConfig, InputKind, Item, check_content};

/// Bytes that hit each check: text, whitespace, NUL, broken UTF-8.
fn content() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..200),
        ".{0,60}".prop_map(String::into_bytes),
        "[ \t\r\n]{0,5}".prop_map(String::into_bytes),
        (".{0,20}", any::<u8>(), ".{0,20}").prop_map(|(a, b, c)| [a.as_bytes(), &[b], c.as_bytes()].concat()),
    ]
}

/// What [`check_content`] must answer, stated from scratch.
fn expected_reason(bytes: &[u8], max_bytes: u64) -> Option<Reason> {
    if bytes.len() as u64 > max_bytes {
        Some(Reason::TooLarge)
    } else if bytes.iter().all(u8::is_ascii_whitespace) {
        Some(Reason::Empty)
    } else if bytes.contains(&0) {
        Some(Reason::Binary)
    } else if std::str::from_utf8(bytes).is_err() {
        Some(Reason::NotUtf8)
    } else {
        None
    }
}

proptest! {
    #![proptest_config(cases(256))]

    /// Any bytes get the one answer their content calls for.
    #[test]
    fn fuzz_check_content_arbitrary_bytes(bytes in content(), max_bytes in 0u64..256) {
        let answer = check_content(&bytes, max_bytes);
        prop_assert_eq!(answer.as_ref().map(|(reason, _)| *reason), expected_reason(&bytes, max_bytes));
        if let Some((_, detail)) = answer {
            prop_assert!(!detail.is_empty());
        }
    }

    /// Files of any bytes (some over the limit, some mapped, one missing):
    /// one item per file, in order, a document holding the file's bytes or
    /// a rejection.
    #[test]
    fn fuzz_tree_files_are_each_an_item(
        contents in proptest::collection::vec(content(), 0..12),
        max_file_bytes in 0u64..256,
        missing in any::<proptest::sample::Index>(),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let missing = missing.index(contents.len() + 1);
        let mut entries = Vec::new();
        for (idx, bytes) in contents.iter().enumerate() {
            let rel = format!("repo/f{idx:02}.rs");
            if idx != missing {
                std::fs::create_dir_all(dir.path().join("repo")).unwrap();
                std::fs::write(dir.path().join(&rel), bytes).unwrap();
            }
            entries.push(TreeEntry { rel, repo: "repo".into() });
        }
        let config = IngestConfig { max_file_bytes, batch_bytes: 64, ..IngestConfig::default() };
        let mut items = Vec::new();
        read_files(&input(dir.path(), InputKind::Tree), &entries, &config, &mut |batch| items.extend(batch));
        prop_assert_eq!(items.len(), contents.len());
        for (idx, (item, bytes)) in items.iter().zip(&contents).enumerate() {
            match item {
                Item::Doc(doc) => {
                    prop_assert!(idx != missing && bytes.len() as u64 <= max_file_bytes);
                    prop_assert_eq!(doc.bytes(), &bytes[..]);
                    let answer = check_content(doc.bytes(), max_file_bytes).map(|(reason, _)| reason);
                    prop_assert_eq!(answer, expected_reason(bytes, max_file_bytes));
                }
                Item::Rejected(rejected) if idx == missing => {
                    prop_assert_eq!(rejected.reason, Reason::Unreadable);
                }
                Item::Rejected(rejected) => {
                    prop_assert_eq!(rejected.reason, Reason::TooLarge);
                    prop_assert!(bytes.len() as u64 > max_file_bytes);
                }
            }
        }
    }
}
