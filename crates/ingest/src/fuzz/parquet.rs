//! The Parquet reader: a small valid file in The Stack's layout, written
//! here, with bytes flipped, inserted or cut; and arbitrary bytes.

use std::sync::Arc;

use arrow::array::{ArrayRef, Int64Array, ListBuilder, RecordBatch, StringArray, StringBuilder};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;
use proptest::prelude::*;

use super::{cases, input, mutate, mutations, rejected, row_of};
use crate::{InputKind, Item};

/// A Stack-layout file with one row per text (`None`: a null content),
/// in row groups and pages of a few rows so a flip can hit any of them.
fn stack_file(texts: &[Option<String>], zstd: bool) -> Vec<u8> {
    let mut licenses = ListBuilder::new(StringBuilder::new());
    for idx in 0..texts.len() {
        licenses
            .values()
            .append_value(if idx % 2 == 0 { "MIT" } else { "Apache-2.0" });
        licenses.append(true);
    }
    let columns: Vec<(&str, ArrayRef)> = vec![
        ("content", Arc::new(StringArray::from(texts.to_vec()))),
        (
            "max_stars_repo_name",
            Arc::new(StringArray::from_iter_values(texts.iter().map(|_| "org/repo"))),
        ),
        ("max_stars_repo_licenses", Arc::new(licenses.finish())),
        (
            "max_stars_count",
            Arc::new(Int64Array::from_iter_values(0..texts.len() as i64)),
        ),
    ];
    let batch = RecordBatch::try_from_iter(columns).unwrap();
    let properties = WriterProperties::builder()
        .set_max_row_group_row_count(Some(4))
        .set_data_page_row_count_limit(2)
        .set_write_batch_size(2)
        .set_compression(if zstd {
            Compression::ZSTD(Default::default())
        } else {
            Compression::UNCOMPRESSED
        })
        .build();
    let mut bytes = Vec::new();
    let mut writer = ArrowWriter::try_new(&mut bytes, batch.schema(), Some(properties)).unwrap();
    writer.write(&batch).unwrap();
    writer.close().unwrap();
    bytes
}

fn read_bytes(bytes: &[u8]) -> Vec<Item> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("stack.parquet");
    std::fs::write(&path, bytes).unwrap();
    let mut items = Vec::new();
    crate::parquet_stack::read(&input(&path, InputKind::Parquet), &mut |batch| items.extend(batch));
    items
}

/// Nothing lost: either one rejection of the whole file, or one item per
/// row from row 0 on, then at most one `unreadable` rejection at the row
/// where decoding stopped.
fn check_accounted(items: &[Item]) -> Result<(), TestCaseError> {
    if let [Item::Rejected(_)] = items {
        return Ok(());
    }
    // Row groups are read one by one and a group that fails is rejected row
    // by row: every row comes out once, in order, as a document or a
    // rejection.
    let numbered: Vec<u64> = items.iter().map(row_of).collect();
    let expected: Vec<u64> = (0..items.len() as u64).collect();
    prop_assert_eq!(numbered, expected);
    Ok(())
}

proptest! {
    #![proptest_config(cases(128))]

    /// The valid file reads back whole.
    #[test]
    fn fuzz_parquet_valid_file_reads_back(texts in proptest::collection::vec(proptest::option::weighted(0.9, ".{0,20}"), 0..12), zstd in any::<bool>()) {
        let items = read_bytes(&stack_file(&texts, zstd));
        check_accounted(&items)?;
        prop_assert_eq!(items.len(), texts.len());
        for (item, text) in items.iter().zip(&texts) {
            match (item, text) {
                (Item::Doc(doc), Some(text)) => {
                    prop_assert_eq!(doc.bytes(), text.as_bytes());
                }
                (Item::Rejected(_), None) => {}
                (item, text) => {
                    prop_assert!(false, "{text:?} read as {item:?}");
                }
            }
        }
    }

    /// The valid file with a few bytes changed: a clean rejection, never a
    /// panic, and no row lost without one.
    #[test]
    fn fuzz_parquet_mutated_file(
        texts in proptest::collection::vec(proptest::option::weighted(0.9, ".{0,20}"), 0..12),
        zstd in any::<bool>(),
        mutations in mutations(3),
    ) {
        let items = read_bytes(&mutate(stack_file(&texts, zstd), &mutations));
        check_accounted(&items)?;
    }

    /// Arbitrary bytes, ending with the magic `PAR1` half the time so the
    /// footer is parsed.
    #[test]
    fn fuzz_parquet_arbitrary_bytes(mut bytes in proptest::collection::vec(any::<u8>(), 0..256), magic in any::<bool>()) {
        if magic {
            bytes.extend_from_slice(b"PAR1");
        }
        let items = read_bytes(&bytes);
        check_accounted(&items)?;
    }
}

/// Reads the uncompressed file of `texts` with the byte at `at` XORed with
/// `mask`; the `parquet` crate panicked on each of these (version 60.1).
fn read_flipped(texts: &[Option<&str>], at: usize, mask: u8) -> Vec<Item> {
    let texts: Vec<Option<String>> = texts.iter().map(|text| text.map(str::to_owned)).collect();
    let mut bytes = stack_file(&texts, false);
    bytes[at] ^= mask;
    read_bytes(&bytes)
}

/// The reader turned the decoder's panic into `unreadable` rejections.
fn assert_contained(items: &[Item]) {
    check_accounted(items).unwrap();
    let contained = items
        .iter()
        .filter_map(rejected)
        .find(|r| r.detail.contains("the Parquet decoder failed"))
        .expect("a rejection for the decoder's failure");
    assert_eq!(
        contained.reason,
        corpusledger_model::Reason::Unreadable,
        "{}",
        contained.detail
    );
}

#[test]
fn page_with_zero_values_but_bytes_is_a_rejection_not_a_panic() {
    // The page header's value count 1 (zigzag 0x02) becomes 0: the
    // byte-array decoder divided by it.
    assert_contained(&read_flipped(&[Some("a")], 12, 2));
}

#[test]
fn negative_column_chunk_offset_is_a_rejection_not_a_panic() {
    assert_contained(&read_flipped(&[Some("a")], 533, 1));
}

#[test]
fn dictionary_encoding_without_a_dictionary_is_a_rejection_not_a_panic() {
    assert_contained(&read_flipped(&[Some("a")], 841, 128));
}

#[test]
fn data_page_without_its_header_is_a_rejection_not_a_panic() {
    let a = Some("a");
    let texts = [None, a, None, a, a, a, a, a, a, a];
    assert_contained(&read_flipped(&texts, 210, 12));
}
