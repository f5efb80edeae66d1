//! Post, code-block and question-answer documents.

use std::sync::Arc;

use corpusledger_model::Reason;

use super::{answer, dump, question, read_xml};
use crate::{IngestConfig, SeMode};

fn config(mode: SeMode) -> IngestConfig {
    let mut config = IngestConfig::default();
    config.stackexchange.mode = mode;
    config
}

#[test]
fn post_mode_gives_one_document_per_question_or_answer() {
    let rows = [
        question(
            1,
            "Why &amp; how?",
            "<p>Q <code>x</code></p>",
            r#"OwnerUserId="8" Tags="&lt;c#&gt;""#,
        ),
        answer(
            2,
            1,
            "<p>Because.</p>",
            r#"OwnerUserId="9" ContentLicense="CC BY-SA 3.0""#,
        ),
    ];
    let items = read_xml(&dump(&rows), &IngestConfig::default());
    assert!(items.rejections().is_empty(), "{:?}", items.reasons());
    assert_eq!(
        items.texts(),
        vec![
            ("q/1".to_owned(), "Why &amp; how?\n\nQ x\n".to_owned()),
            ("a/2".to_owned(), "Because.\n".to_owned())
        ]
    );
    let docs = items.docs();
    let q = &docs[0];
    assert_eq!(q.source.row, 3);
    assert_eq!(q.source.input.as_ref(), "posts");
    assert_eq!(q.source.repo, Some(Arc::from("stackoverflow.com")));
    assert_eq!(q.source.path.as_deref(), Some("q/1"));
    assert_eq!(q.meta.license.as_deref(), Some("CC-BY-SA-4.0"));
    assert_eq!(q.meta.language, None);
    let credit = &q.meta.credits[0];
    assert_eq!(credit.url, "https://stackoverflow.com/q/1");
    assert_eq!(credit.title, "Why &amp; how?");
    assert_eq!(credit.author, "user 8");
    assert_eq!(credit.author_url.as_deref(), Some("https://stackoverflow.com/users/8"));
    assert_eq!(credit.created, "2019-03-01T10:00:00.000");
    assert_eq!(credit.last_edited, None);
    let a = &docs[1];
    assert_eq!(a.source.row, 4);
    assert_eq!(a.meta.license.as_deref(), Some("CC-BY-SA-3.0"));
    assert_eq!(a.meta.credits[0].url, "https://stackoverflow.com/a/2");
    assert_eq!(a.meta.credits[0].title, "");
}

#[test]
fn configured_site_names_the_host_and_urls() {
    let mut config = IngestConfig::default();
    config.stackexchange.site = Some("https://superuser.com".to_owned());
    let items = read_xml(&dump(&[answer(2, 1, "x", "")]), &config);
    let doc = items.docs()[0];
    assert_eq!(doc.source.repo.as_deref(), Some("superuser.com"));
    assert_eq!(doc.meta.credits[0].url, "https://superuser.com/a/2");
}

#[test]
fn code_block_mode_gives_each_pre_with_a_trailing_newline() {
    let body = "<p>a</p><pre><code>one()\n</code></pre><blockquote><pre>two()</pre></blockquote>";
    let rows = [
        question(1, "T", body, ""),
        answer(2, 1, "<p>no code, only <code>inline</code></p>", ""),
        answer(3, 1, "<ul><li><pre>x = 1</pre></li></ul>", ""),
    ];
    let items = read_xml(&dump(&rows), &config(SeMode::CodeBlock));
    assert_eq!(
        items.texts(),
        vec![
            ("q/1/code-1".to_owned(), "one()\n".to_owned()),
            ("q/1/code-2".to_owned(), "two()\n".to_owned()),
            ("a/3/code-1".to_owned(), "x = 1\n".to_owned()),
        ]
    );
    assert_eq!(items.filtered(), vec![("a/2".to_owned(), "no code block".to_owned())]);
    let docs = items.docs();
    assert_eq!(docs[1].source.row, 3);
    assert_eq!(docs[1].source.path.as_deref(), Some("q/1/code-2"));
    assert_eq!(docs[1].meta.credits[0].url, "https://stackoverflow.com/q/1");
    assert_eq!(docs[1].meta.credits[0].title, "T");
}

#[test]
fn question_answer_mode_joins_the_accepted_answer() {
    let rows = [
        question(1, "Q1", "<p>q one</p>", r#"AcceptedAnswerId="3" OwnerUserId="8""#),
        answer(2, 1, "<p>not accepted</p>", ""),
        question(4, "Q4", "<p>no accepted</p>", ""),
        answer(3, 1, "<p>the answer</p>", r#"ContentLicense="CC BY-SA 3.0""#),
        question(5, "Q5", "<p>waits</p>", r#"AcceptedAnswerId="99""#),
    ];
    let items = read_xml(&dump(&rows), &config(SeMode::QuestionAnswer));
    assert_eq!(
        items.texts(),
        vec![("q/1+a/3".to_owned(), "Q1\n\nq one\n\nthe answer\n".to_owned())]
    );
    let doc = items.docs()[0];
    assert_eq!(doc.source.row, 3);
    assert_eq!(doc.meta.license.as_deref(), Some("CC-BY-SA-4.0 AND CC-BY-SA-3.0"));
    let urls: Vec<&str> = doc.meta.credits.iter().map(|c| c.url.as_str()).collect();
    assert_eq!(urls, ["https://stackoverflow.com/q/1", "https://stackoverflow.com/a/3"]);
    assert_eq!(doc.meta.credits[0].author, "user 8");
    assert_eq!(
        items.filtered(),
        vec![
            (
                "a/2".to_owned(),
                "answer is not the accepted answer of a question held for question-answer mode".to_owned()
            ),
            ("q/4".to_owned(), "question has no accepted answer".to_owned()),
            (
                "q/5".to_owned(),
                "accepted answer 99 was not found by the end of the file".to_owned()
            ),
        ]
    );
    let rows: Vec<u64> = items.rejections().iter().map(|r| r.source.row).collect();
    assert_eq!(rows, [4, 5, 7]);
}

#[test]
fn question_answer_window_lets_the_oldest_go() {
    let rows = [
        question(1, "Q1", &"<p>long</p>".repeat(40), r#"AcceptedAnswerId="10""#),
        question(2, "Q2", "<p>short</p>", r#"AcceptedAnswerId="20""#),
        answer(10, 1, "<p>late</p>", ""),
        answer(20, 2, "<p>in time</p>", ""),
    ];
    let mut config = config(SeMode::QuestionAnswer);
    config.stackexchange.qa_window_bytes = 700;
    let items = read_xml(&dump(&rows), &config);
    assert_eq!(
        items.texts(),
        vec![("q/2+a/20".to_owned(), "Q2\n\nshort\n\nin time\n".to_owned())]
    );
    let filtered = items.filtered();
    assert_eq!(filtered.len(), 2, "{filtered:?}");
    assert_eq!(filtered[0].0, "q/1");
    assert_eq!(
        filtered[0].1,
        "accepted answer 10 was not read within qa-window-bytes = 700 of held questions"
    );
    assert_eq!(filtered[1].0, "a/10");
}

#[test]
fn question_answer_with_a_filtered_answer_lets_the_question_go() {
    let rows = [
        question(1, "Q1", "<p>q</p>", r#"AcceptedAnswerId="2""#),
        answer(2, 1, "<p>a</p>", r#"Score="-5""#),
    ];
    let mut config = config(SeMode::QuestionAnswer);
    config.stackexchange.min_score = Some(0);
    let items = read_xml(&dump(&rows), &config);
    assert!(items.docs().is_empty());
    assert_eq!(
        items.filtered(),
        vec![
            ("a/2".to_owned(), "score -5 is below min-score = 0".to_owned()),
            (
                "q/1".to_owned(),
                "accepted answer 2 was filtered: score -5 is below min-score = 0".to_owned()
            ),
        ]
    );
    assert!(items.rejections().iter().all(|r| r.reason == Reason::Filtered));
}
