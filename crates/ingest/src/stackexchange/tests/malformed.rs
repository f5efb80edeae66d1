//! Bad rows cost themselves only, and are reported at their line.

use corpusledger_model::Reason;

use super::{answer, dump, read_xml};
use crate::IngestConfig;

#[test]
fn malformed_rows_mid_file_are_rejected_and_the_rest_is_read() {
    let rows = [
        answer(1, 9, "ok", ""),
        r#"<row Id="2" PostTypeId="2" ParentId="1" CreationDate="2019-01-01T00:00:00" Body="a & b" />"#.to_owned(),
        r#"<row Id="3" PostTypeId="2" CreationDate="2019-01-01T00:00:00" Body="abc />"#.to_owned(),
        answer(4, 9, "ok", ""),
        r#"<row Id="5" PostTypeId="2" CreationDate="2019-01-01T00:00:00" Body="abc"#.to_owned(),
        answer(6, 9, "ok", ""),
        "this is junk".to_owned(),
        answer(7, 9, "ok", ""),
        r#"<row Id="8" Id="8" PostTypeId="2" CreationDate="2019-01-01T00:00:00" Body="x" />"#.to_owned(),
        r#"<row Id="9" PostTypeId="2" CreationDate="2019-01-01T00:00:00" Body="multi"#.to_owned(),
        r#"   line" />"#.to_owned(),
        answer(10, 9, "ok", ""),
    ];
    let items = read_xml(&dump(&rows), &IngestConfig::default());
    let doc_rows: Vec<(String, u64)> = items
        .docs()
        .iter()
        .map(|d| (d.source.key.clone(), d.source.row))
        .collect();
    let expected = [
        ("a/1", 3),
        ("a/4", 6),
        ("a/6", 8),
        ("a/7", 10),
        ("a/9", 12),
        ("a/10", 14),
    ];
    assert_eq!(doc_rows, expected.map(|(k, r)| (k.to_owned(), r)));
    assert_eq!(items.text("a/9"), "multi line\n");
    let rejected = items.reasons();
    let rows: Vec<u64> = rejected.iter().map(|(_, _, row, _)| *row).collect();
    assert_eq!(rows, [4, 5, 7, 9, 11]);
    for (reason, key, row, detail) in &rejected {
        assert_eq!(*reason, Reason::ParseError);
        assert_eq!(key, "");
        assert!(detail.starts_with(&format!("line {row}: malformed row: ")), "{detail}");
        assert!(detail.ends_with("; fix or remove the row"), "{detail}");
    }
    assert!(
        rejected[2].3.contains("not closed with `/>` before line 8"),
        "{}",
        rejected[2].3
    );
    assert!(
        rejected[3].3.contains("`this is junk` is not a <row .../> element"),
        "{}",
        rejected[3].3
    );
    assert!(rejected[4].3.contains("uplicate"), "{}", rejected[4].3);
}

#[test]
fn a_row_left_open_at_the_end_is_rejected() {
    let xml = "<posts>\n<row Id=\"1\" PostTypeId=\"2\" Body=\"x\n";
    let items = read_xml(xml, &IngestConfig::default());
    assert_eq!(
        items.reasons(),
        vec![(
            Reason::ParseError,
            String::new(),
            2,
            "line 2: malformed row: the row is not closed with `/>` by the end of the file; fix or remove the row"
                .to_owned()
        )]
    );
}

fn detail_of(row: &str) -> String {
    let items = read_xml(&dump(&[row.to_owned()]), &IngestConfig::default());
    let reasons = items.reasons();
    assert_eq!(reasons.len(), 1, "{reasons:?}");
    assert_eq!(reasons[0].0, Reason::ParseError);
    assert_eq!(reasons[0].2, 3);
    assert!(items.docs().is_empty());
    reasons[0].3.clone()
}

#[test]
fn missing_or_invalid_attributes_are_named_with_their_values() {
    let cases = [
        (
            r#"<row Id="1" PostTypeId="1" CreationDate="2019-01-01T00:00:00" Title="t" />"#,
            "line 3: question 1 has no Body; fix or remove the row",
        ),
        (
            r#"<row Id="1" PostTypeId="2" CreationDate="2019-01-01T00:00:00" />"#,
            "line 3: answer 1 has no Body; fix or remove the row",
        ),
        (
            r#"<row Id="1" PostTypeId="9" CreationDate="2019-01-01T00:00:00" Body="x" />"#,
            "line 3: PostTypeId `9` is not a known post type (1 question, 2 answer, 3 to 8 wikis and nominations); \
             fix or remove the row",
        ),
        (
            r#"<row Id="1" PostTypeId="2" CreationDate="2019-13-01T00:00:00" Body="x" />"#,
            "line 3: CreationDate `2019-13-01T00:00:00` is not a valid UTC time like 2008-07-31T21:42:52.667; \
             fix or remove the row",
        ),
        (
            r#"<row Id="1" PostTypeId="2" CreationDate="yesterday" Body="x" />"#,
            "line 3: CreationDate `yesterday` is not a valid UTC time like 2008-07-31T21:42:52.667; \
             fix or remove the row",
        ),
        (
            r#"<row Id="1" PostTypeId="2" CreationDate="2019-01-01T00:00:00" LastEditDate="2019-01-32T00:00:00" Body="x" />"#,
            "line 3: LastEditDate `2019-01-32T00:00:00` is not a valid UTC time like 2008-07-31T21:42:52.667; \
             fix or remove the row",
        ),
        (
            r#"<row Id="1" PostTypeId="2" CreationDate="2019-01-01T00:00:00" LastActivityDate="2019-01-01T24:00:00" Body="x" />"#,
            "line 3: LastActivityDate `2019-01-01T24:00:00` is not a valid UTC time like 2008-07-31T21:42:52.667; \
             fix or remove the row",
        ),
        (
            r#"<row PostTypeId="2" CreationDate="2019-01-01T00:00:00" Body="x" />"#,
            "line 3: row has no Id; fix or remove the row",
        ),
        (
            r#"<row Id="x1" PostTypeId="2" CreationDate="2019-01-01T00:00:00" Body="x" />"#,
            "line 3: Id `x1` is not a whole number; fix or remove the row",
        ),
        (
            r#"<row Id="1" CreationDate="2019-01-01T00:00:00" Body="x" />"#,
            "line 3: row has no PostTypeId; fix or remove the row",
        ),
        (
            r#"<row Id="1" PostTypeId="2" Body="x" />"#,
            "line 3: row has no CreationDate; fix or remove the row",
        ),
        (
            r#"<row Id="1" PostTypeId="2" CreationDate="2019-01-01T00:00:00" Score="many" Body="x" />"#,
            "line 3: Score `many` is not a whole number; fix or remove the row",
        ),
    ];
    for (row, expected) in cases {
        assert_eq!(detail_of(row), expected);
    }
}

#[test]
fn rows_of_other_types_need_no_body() {
    let row = r#"<row Id="1" PostTypeId="7" CreationDate="2019-01-01T00:00:00" />"#;
    let items = read_xml(&dump(&[row.to_owned()]), &IngestConfig::default());
    assert_eq!(items.reasons()[0].0, Reason::Filtered);
}

#[test]
fn rows_over_the_size_limit_are_skipped_as_too_large() {
    let config = IngestConfig {
        max_file_bytes: 16,
        ..IngestConfig::default()
    };
    let big = answer(1, 9, &"x".repeat(300 << 10), "");
    let items = read_xml(&dump(&[big, answer(2, 9, "ok", "")]), &config);
    assert_eq!(items.texts(), vec![("a/2".to_owned(), "ok\n".to_owned())]);
    let reasons = items.reasons();
    assert_eq!(reasons.len(), 1);
    assert_eq!((reasons[0].0, reasons[0].2), (Reason::TooLarge, 3));
}
