//! The configured filters: post types, tags, score, code size.

use super::{answer, dump, question, read_xml};
use crate::{IngestConfig, SeMode, SePostType};

fn keys(items: &super::Items) -> Vec<String> {
    items.texts().into_iter().map(|(key, _)| key).collect()
}

#[test]
fn other_post_types_are_filtered() {
    let rows = [
        r#"<row Id="7" PostTypeId="5" CreationDate="2019-01-01T00:00:00" Body="&lt;p&gt;wiki&lt;/p&gt;" />"#.to_owned(),
        r#"<row Id="8" PostTypeId="4" CreationDate="2019-01-01T00:00:00" />"#.to_owned(),
        answer(9, 1, "x", ""),
    ];
    let items = read_xml(&dump(&rows), &IngestConfig::default());
    assert_eq!(keys(&items), ["a/9"]);
    assert_eq!(
        items.filtered(),
        vec![
            (
                "p/7".to_owned(),
                "post type 5 (tag wiki) is not a question or answer".to_owned()
            ),
            (
                "p/8".to_owned(),
                "post type 4 (tag wiki excerpt) is not a question or answer".to_owned()
            ),
        ]
    );
}

#[test]
fn post_types_keep_only_the_configured_ones() {
    let mut config = IngestConfig::default();
    config.stackexchange.post_types = vec![SePostType::Question];
    let items = read_xml(&dump(&[question(1, "T", "q", ""), answer(2, 1, "a", "")]), &config);
    assert_eq!(keys(&items), ["q/1"]);
    assert_eq!(
        items.filtered(),
        vec![(
            "a/2".to_owned(),
            "post type 2 (answer) is not in post-types = question".to_owned()
        )]
    );
}

#[test]
fn tags_keep_matching_questions_and_their_answers() {
    let rows = [
        question(1, "T", "q", r#"Tags="&lt;rust&gt;&lt;c#&gt;""#),
        question(2, "T", "q", r#"Tags="|python|pandas|""#),
        question(3, "T", "q", r#"Tags="|Rust|""#),
        answer(4, 1, "a", ""),
        answer(5, 2, "a", ""),
        answer(6, 77, "a", ""),
    ];
    let mut config = IngestConfig::default();
    config.stackexchange.tags = vec!["rust".to_owned(), "go".to_owned()];
    let items = read_xml(&dump(&rows), &config);
    assert_eq!(keys(&items), ["q/1", "q/3", "a/4"]);
    assert_eq!(
        items.filtered(),
        vec![
            (
                "q/2".to_owned(),
                "question has none of the tags rust, go (it has python, pandas)".to_owned()
            ),
            (
                "a/5".to_owned(),
                "answer to question 2, which was not read before it or has none of the tags rust, go".to_owned()
            ),
            (
                "a/6".to_owned(),
                "answer to question 77, which was not read before it or has none of the tags rust, go".to_owned()
            ),
        ]
    );
}

#[test]
fn answers_read_before_their_question_are_filtered_by_tags() {
    let rows = [answer(4, 5, "a", ""), question(5, "T", "q", r#"Tags="|rust|""#)];
    let mut config = IngestConfig::default();
    config.stackexchange.tags = vec!["rust".to_owned()];
    let items = read_xml(&dump(&rows), &config);
    assert_eq!(keys(&items), ["q/5"]);
    assert_eq!(items.filtered()[0].0, "a/4");
}

#[test]
fn min_score_filters_low_scores() {
    let rows = [
        question(1, "T", "q", ""),
        answer(2, 1, "a", r#"Score="-1""#),
        answer(3, 1, "a", ""),
    ];
    let mut config = IngestConfig::default();
    config.stackexchange.min_score = Some(0);
    let items = read_xml(&dump(&rows), &config);
    assert_eq!(keys(&items), ["q/1", "a/3"]);
    assert_eq!(
        items.filtered(),
        vec![("a/2".to_owned(), "score -1 is below min-score = 0".to_owned())]
    );
    config.stackexchange.min_score = Some(2);
    let items = read_xml(&dump(&rows), &config);
    assert_eq!(keys(&items), ["q/1"]);
}

#[test]
fn missing_score_counts_as_zero() {
    let row = r#"<row Id="2" PostTypeId="2" ParentId="1" CreationDate="2019-01-01T00:00:00" Body="a" />"#;
    let mut config = IngestConfig::default();
    config.stackexchange.min_score = Some(1);
    let items = read_xml(&dump(&[row.to_owned()]), &config);
    assert_eq!(
        items.filtered(),
        vec![("a/2".to_owned(), "score 0 is below min-score = 1".to_owned())]
    );
}

#[test]
fn min_code_bytes_in_post_mode_counts_all_blocks() {
    let rows = [
        answer(1, 9, "<pre>12345</pre><p>and</p><pre>678</pre>", ""),
        answer(2, 9, "<pre>1234567</pre>", ""),
        answer(3, 9, "<p>no code</p>", ""),
    ];
    let mut config = IngestConfig::default();
    config.stackexchange.min_code_bytes = 8;
    let items = read_xml(&dump(&rows), &config);
    assert_eq!(keys(&items), ["a/1"]);
    assert_eq!(
        items.filtered(),
        vec![
            (
                "a/2".to_owned(),
                "code blocks hold 7 bytes, below min-code-bytes = 8".to_owned()
            ),
            (
                "a/3".to_owned(),
                "code blocks hold 0 bytes, below min-code-bytes = 8".to_owned()
            ),
        ]
    );
}

#[test]
fn min_code_bytes_in_code_block_mode_counts_each_block() {
    let rows = [answer(1, 9, "<pre>12345</pre><pre>123</pre><pre>123456</pre>", "")];
    let mut config = IngestConfig::default();
    config.stackexchange.mode = SeMode::CodeBlock;
    config.stackexchange.min_code_bytes = 5;
    let items = read_xml(&dump(&rows), &config);
    assert_eq!(keys(&items), ["a/1/code-1", "a/1/code-3"]);
    assert_eq!(
        items.filtered(),
        vec![(
            "a/1/code-2".to_owned(),
            "code block 2 holds 3 bytes, below min-code-bytes = 5".to_owned()
        )]
    );
    assert_eq!(items.rejections()[0].source.row, 3);
}
