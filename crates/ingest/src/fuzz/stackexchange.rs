//! The Stack Exchange reader: a small valid `Posts.xml`, plain, `.gz`,
//! `.zst` or the test `.7z` archive, with bytes flipped, inserted or cut;
//! and arbitrary bytes.

use std::collections::BTreeSet;
use std::io::Write;

use corpusledger_model::Reason;
use proptest::prelude::*;

use super::{cases, input, mutate, mutations, rejected, row_of};
use crate::{IngestConfig, InputKind, Item, SeMode, StackExchangeConfig};

/// A dump with a question, its answers, a multi-line row, entities in
/// bodies and a tag wiki: every path of the reader is near a flipped byte.
const POSTS: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<posts>
  <row Id="1" PostTypeId="1" AcceptedAnswerId="2" CreationDate="2019-03-01T10:00:00.000" Score="3" Body="&lt;p&gt;How do I &amp;amp; it?&lt;/p&gt;&#xA;&lt;pre&gt;&lt;code&gt;fn main() {}&lt;/code&gt;&lt;/pre&gt;" OwnerUserId="7" Title="A question" Tags="|rust|io|" ContentLicense="CC BY-SA 4.0" />
  <row Id="2" PostTypeId="2" ParentId="1" CreationDate="2019-03-02T10:00:00.000" Score="5" Body="&lt;p&gt;Like &lt;code&gt;this&lt;/code&gt;.&lt;/p&gt;" OwnerDisplayName="Ann" ContentLicense="CC BY-SA 4.0" />
  <row Id="3" PostTypeId="2" ParentId="1" CreationDate="2010-03-02T10:00:00.000"
       Score="-1" Body="&lt;ul&gt;&lt;li&gt;one&lt;/li&gt;&lt;/ul&gt;" LastEditDate="2012-01-01T00:00:00.000" />
  <row Id="4" PostTypeId="5" CreationDate="2019-03-02T10:00:00.000" Body="wiki" />
  <row Id="5" PostTypeId="1" CreationDate="2019-03-03T10:00:00.000" Score="0" Body="&lt;p&gt;Another&lt;/p&gt;" Title="Q &amp; A" Tags="&lt;c&gt;" />
</posts>
"#;

/// The test archive made with 7-Zip: `Users.xml`, `Posts.xml` and
/// `Comments.xml` in one solid LZMA2 block (see `testdata/stackexchange`).
const ARCHIVE: &[u8] = include_bytes!("../../testdata/stackexchange/superuser.com.7z");

/// How the dump is packed.
#[derive(Clone, Copy, Debug)]
enum Packing {
    Plain,
    Gzip,
    Zstd,
}

fn pack(packing: Packing, xml: &[u8]) -> (&'static str, Vec<u8>) {
    match packing {
        Packing::Plain => ("Posts.xml", xml.to_vec()),
        Packing::Gzip => {
            let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            encoder.write_all(xml).unwrap();
            ("Posts.xml.gz", encoder.finish().unwrap())
        }
        Packing::Zstd => ("Posts.xml.zst", zstd::encode_all(xml, 3).unwrap()),
    }
}

fn packing() -> impl Strategy<Value = Packing> {
    prop_oneof![Just(Packing::Plain), Just(Packing::Gzip), Just(Packing::Zstd)]
}

fn mode() -> impl Strategy<Value = SeMode> {
    prop_oneof![
        Just(SeMode::Post),
        Just(SeMode::CodeBlock),
        Just(SeMode::QuestionAnswer)
    ]
}

fn read_bytes(name: &str, bytes: &[u8], mode: SeMode) -> Vec<Item> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    let config = IngestConfig {
        batch_bytes: 64,
        stackexchange: StackExchangeConfig {
            mode,
            ..StackExchangeConfig::default()
        },
        ..IngestConfig::default()
    };
    let mut items = Vec::new();
    crate::stackexchange::read(&input(&path, InputKind::StackExchange), &config, &mut |batch| {
        items.extend(batch)
    });
    items
}

/// Nothing is counted twice and the stream breaks at most once: in post
/// mode each row is one item at its own line; in either mode at most one
/// `unreadable` rejection of the posts, after which nothing is read.
fn check_accounted(items: &[Item], mode: SeMode, n_lines: u64) -> Result<(), TestCaseError> {
    let unreadable: Vec<usize> = (0..items.len())
        .filter(|&idx| rejected(&items[idx]).is_some_and(|r| r.reason == Reason::Unreadable && r.source.key.is_empty()))
        .collect();
    prop_assert!(unreadable.len() <= 1, "{:?}", items);
    for item in items {
        prop_assert!(row_of(item) <= n_lines + 1, "{item:?} past the last line {n_lines}");
        if let Item::Doc(doc) = item {
            prop_assert!(std::str::from_utf8(doc.bytes()).is_ok());
        }
    }
    if mode == SeMode::Post {
        let rows: Vec<u64> = items
            .iter()
            .filter(|item| rejected(item).is_none_or(|r| r.source.key != "Users.xml"))
            .map(row_of)
            .collect();
        let distinct: BTreeSet<u64> = rows.iter().copied().collect();
        prop_assert_eq!(distinct.len(), rows.len(), "a line counted twice: {:?}", items);
    }
    Ok(())
}

fn n_lines(bytes: &[u8]) -> u64 {
    bytes.iter().filter(|&&b| b == b'\n').count() as u64 + 1
}

proptest! {
    #![proptest_config(cases(128))]

    /// The valid dump with its (compressed) bytes mutated.
    #[test]
    fn fuzz_stackexchange_mutated_dump(packing in packing(), mode in mode(), mutations in mutations(4)) {
        let (name, packed) = pack(packing, POSTS.as_bytes());
        let mutated = mutate(packed, &mutations);
        let items = read_bytes(name, &mutated, mode);
        // A flip never adds a line to a compressed stream's decoded text
        // beyond what its bytes could hold; bound by the plain text's lines
        // plus what inserts may add.
        let bound = n_lines(POSTS.as_bytes()).max(n_lines(&mutated)) + 64;
        check_accounted(&items, mode, bound)?;
        if let Packing::Plain = packing {
            prop_assert!(items.iter().all(|item| rejected(item).is_none_or(|r| r.reason != Reason::Unreadable)));
        }
    }

    /// The test `.7z` archive with bytes mutated: a clean rejection at
    /// worst, never a panic or a runaway allocation.
    #[test]
    fn fuzz_stackexchange_mutated_archive(mode in mode(), mutations in mutations(3)) {
        let mutated = mutate(ARCHIVE.to_vec(), &mutations);
        let items = read_bytes("superuser.com.7z", &mutated, mode);
        check_accounted(&items, mode, u64::from(u32::MAX))?;
    }

    /// Arbitrary bytes as a plain `Posts.xml`, half the time inside the
    /// dump's frame.
    #[test]
    fn fuzz_stackexchange_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..512), framed in any::<bool>(), mode in mode()) {
        let mut xml = Vec::new();
        if framed {
            xml.extend_from_slice(b"<?xml version=\"1.0\"?>\n<posts>\n<row Id=\"1\" PostTypeId=\"2\" Body=\"");
        }
        xml.extend_from_slice(&bytes);
        if framed {
            xml.extend_from_slice(b"\" />\n</posts>\n");
        }
        let items = read_bytes("Posts.xml", &xml, mode);
        check_accounted(&items, mode, n_lines(&xml))?;
    }
}
