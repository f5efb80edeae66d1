//! The JSONL reader: generated lines, arbitrary bytes, and valid `.gz` and
//! `.zst` streams with their compressed bytes mutated.

use std::io::Write;

use corpusledger_model::Reason;
use proptest::prelude::*;

use super::{cases, input, is_unreadable, mutate, mutations, row_of};
use crate::{IngestConfig, InputKind, Item};

/// A kind of JSONL line.
#[derive(Clone, Debug)]
enum JsonLine {
    Doc(String),
    NotJson(Vec<u8>),
    NotObject,
    NoContent,
    NumberContent,
    Blank(String),
}

impl JsonLine {
    fn bytes(&self) -> Vec<u8> {
        match self {
            JsonLine::Doc(text) => serde_json::json!({"text": text, "repo": "r", "license": ["MIT"]})
                .to_string()
                .into_bytes(),
            JsonLine::NotJson(bytes) => bytes.clone(),
            JsonLine::NotObject => b"[1, 2]".to_vec(),
            JsonLine::NoContent => br#"{"path": "a.rs"}"#.to_vec(),
            JsonLine::NumberContent => br#"{"text": 3}"#.to_vec(),
            JsonLine::Blank(blank) => blank.clone().into_bytes(),
        }
    }
}

fn json_line() -> impl Strategy<Value = JsonLine> {
    prop_oneof![
        4 => any::<String>().prop_map(JsonLine::Doc),
        2 => proptest::collection::vec(any::<u8>().prop_filter("one line", |&b| b != b'\n'), 0..40).prop_map(JsonLine::NotJson),
        1 => Just(JsonLine::NotObject),
        1 => Just(JsonLine::NoContent),
        1 => Just(JsonLine::NumberContent),
        1 => "[ \t\r]{0,3}".prop_map(JsonLine::Blank),
    ]
}

/// Writes `bytes` as `name` in a new folder and reads it as JSONL.
fn read_bytes(name: &str, bytes: &[u8]) -> Vec<Item> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    let config = IngestConfig {
        batch_bytes: 64,
        ..IngestConfig::default()
    };
    let mut items = Vec::new();
    crate::jsonl::read(&input(&path, InputKind::Jsonl), &config, &mut |batch| {
        items.extend(batch)
    });
    items
}

/// The lines of `bytes` the reader must account for: the non-blank ones,
/// with their 1-based numbers.
fn non_blank_lines(bytes: &[u8]) -> Vec<u64> {
    let mut lines: Vec<&[u8]> = bytes.split(|&b| b == b'\n').collect();
    if bytes.ends_with(b"\n") || bytes.is_empty() {
        lines.pop();
    }
    (1..)
        .zip(lines)
        .filter(|(_, line)| !line.iter().all(u8::is_ascii_whitespace))
        .map(|(line_no, _)| line_no)
        .collect()
}

/// Compresses `bytes` for a file named `name`: gzip (one or two members)
/// or zstd.
fn compress(name: &str, bytes: &[u8], split: usize) -> Vec<u8> {
    if name.ends_with(".zst") {
        return zstd::encode_all(bytes, 3).unwrap();
    }
    let split = split.min(bytes.len());
    let mut out = Vec::new();
    for member in [&bytes[..split], &bytes[split..]] {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        encoder.write_all(member).unwrap();
        out.extend(encoder.finish().unwrap());
    }
    out
}

/// What the reader's own stream makes of a file: the bytes, and whether
/// the stream broke before its end.
fn decode(name: &str, bytes: &[u8]) -> (Vec<u8>, bool) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    let Ok(mut reader) = crate::jsonl::open_stream(&path) else {
        return (Vec::new(), true);
    };
    // Read as the reader does, buffer by buffer: the zstd decoder's errors
    // depend on the room a read gives it (see the test below).
    let mut decoded = Vec::new();
    loop {
        match reader.fill_buf() {
            Ok([]) => return (decoded, false),
            Ok(chunk) => {
                let n_bytes = chunk.len();
                decoded.extend_from_slice(chunk);
                reader.consume(n_bytes);
            }
            Err(_) => return (decoded, true),
        }
    }
}

proptest! {
    #![proptest_config(cases(128))]

    /// Every non-blank line is one item, at its line: a document for a
    /// valid line, a `parse-error` rejection otherwise.
    #[test]
    fn fuzz_jsonl_lines_are_each_a_document_or_a_rejection(lines in proptest::collection::vec(json_line(), 0..30), crlf in any::<bool>()) {
        let separator: &[u8] = if crlf { b"\r\n" } else { b"\n" };
        let bytes = lines.iter().map(JsonLine::bytes).collect::<Vec<_>>().join(separator);
        let items = read_bytes("in.jsonl", &bytes);
        let expected = non_blank_lines(&bytes);
        prop_assert_eq!(items.iter().map(row_of).collect::<Vec<_>>(), expected);
        let mut items = items.iter();
        for (line_no, line) in (1..).zip(&lines) {
            if line.bytes().iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let item = items.next().unwrap();
            match (line, item) {
                (JsonLine::Doc(text), Item::Doc(doc)) => {
                    prop_assert_eq!(doc.bytes(), text.as_bytes());
                }
                (JsonLine::NotJson(_), _) => {}
                (_, Item::Rejected(rejected)) => {
                    prop_assert_eq!(rejected.reason, Reason::ParseError);
                }
                (line, item) => {
                    prop_assert!(false, "line {line_no} {line:?} gave {item:?}");
                }
            }
        }
    }

    /// Arbitrary bytes: one item per non-blank line, never a panic.
    #[test]
    fn fuzz_jsonl_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let items = read_bytes("in.jsonl", &bytes);
        prop_assert_eq!(items.iter().map(row_of).collect::<Vec<_>>(), non_blank_lines(&bytes));
    }

    /// A valid compressed stream with its compressed bytes mutated: the
    /// lines decoded are accounted for as with a plain file, and a stream
    /// that breaks ends with one `unreadable` rejection after them.
    #[test]
    fn fuzz_jsonl_compressed_mutated(
        texts in proptest::collection::vec(".{0,40}", 0..12),
        zst in any::<bool>(),
        split in any::<proptest::sample::Index>(),
        mutations in mutations(4),
    ) {
        let name = if zst { "in.jsonl.zst" } else { "in.jsonl.gz" };
        let plain: Vec<u8> = texts
            .iter()
            .flat_map(|text| {
                let mut line = JsonLine::Doc(text.clone()).bytes();
                line.push(b'\n');
                line
            })
            .collect();
        let compressed = mutate(compress(name, &plain, split.index(plain.len() + 1)), &mutations);
        let items = read_bytes(name, &compressed);
        let (decoded, broke) = decode(name, &compressed);
        let (last, rows) = match items.split_last() {
            Some((last, rest)) if is_unreadable(last) => (Some(row_of(last)), rest),
            _ => (None, &items[..]),
        };
        prop_assert_eq!(last.is_some(), broke, "{:?}", items.last());
        prop_assert!(rows.iter().all(|item| !is_unreadable(item)));
        let rows: Vec<u64> = rows.iter().map(row_of).collect();
        if broke {
            // The lines before the break, but the last one read may be cut.
            let complete = non_blank_lines(&decoded);
            prop_assert!(rows.len() + 1 >= complete.len() && rows.len() <= complete.len(), "{rows:?} {complete:?}");
            prop_assert_eq!(&rows[..], &complete[..rows.len()]);
            prop_assert!(last.unwrap() > rows.last().copied().unwrap_or(0));
        } else {
            prop_assert_eq!(rows, non_blank_lines(&decoded));
        }
    }
}

#[test]
fn zstd_frame_shorter_than_its_declared_size_is_unreadable() {
    // The empty stream's frame header declares 33 bytes of content that its
    // one block does not hold. The zstd reader reports that only to a read
    // with room for them (a 32-byte read gets a silent end of stream), so
    // this holds because `open_stream` reads through a large buffer.
    let mut bytes = zstd::encode_all(&b""[..], 3).unwrap();
    assert_eq!(bytes[5], 0);
    bytes[5] ^= 33;
    let items = read_bytes("in.jsonl.zst", &bytes);
    assert_eq!(items.len(), 1, "{items:?}");
    assert!(is_unreadable(&items[0]), "{items:?}");
}
