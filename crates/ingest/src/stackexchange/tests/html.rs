//! HTML bodies to text and code blocks.

use super::super::html::render;
use super::{dump, question, read_xml};
use crate::IngestConfig;

fn text(html: &str) -> String {
    render(html).text
}

#[test]
fn entities_in_the_dump_are_unescaped_twice() {
    // XML `&amp;lt;` is HTML `&lt;` is text `<`.
    let row = r#"<row Id="1" PostTypeId="2" ParentId="9" CreationDate="2019-01-01T00:00:00" Body="&lt;p&gt;a &amp;lt; b &amp;amp;&amp;amp; c &amp;gt; d&lt;/p&gt;&#xA;" />"#;
    let items = read_xml(&dump(&[row.to_owned()]), &IngestConfig::default());
    assert_eq!(items.text("a/1"), "a < b && c > d\n");
}

#[test]
fn named_and_numeric_entities_are_decoded() {
    assert_eq!(text("<p>a&nbsp;b</p>"), "a\u{a0}b");
    assert_eq!(
        text("<p>wait&hellip; x &rarr; y &#169; &#x263A; &Uuml;</p>"),
        "wait\u{2026} x \u{2192} y \u{a9} \u{263a} \u{dc}"
    );
    // A bare `&` is text.
    assert_eq!(text("<p>R&D & more</p>"), "R&D & more");
}

#[test]
fn non_ascii_text_is_kept() {
    assert_eq!(text("<p>naïve café 日本語 😀</p>"), "naïve café 日本語 😀");
}

#[test]
fn whitespace_collapses_and_lines_are_trimmed_outside_pre() {
    assert_eq!(text("<p>  a \n\t b  </p>\n\n<p> c </p>"), "a b\n\nc");
    assert_eq!(text("a<br>b<br/>  c"), "a\nb\nc");
    assert_eq!(
        text("<p>Use <code>foo()</code>, <em>not</em> <strong>bar</strong>.</p>"),
        "Use foo(), not bar."
    );
}

#[test]
fn pre_is_verbatim_with_tags_dropped_and_entities_decoded() {
    let rendered =
        render("<p>Try:</p>\n<pre><code>  if a &lt; b {\n\n      <b>x</b>();\n  }\n</code></pre>\n<p>Done</p>");
    assert_eq!(rendered.code_blocks, vec!["  if a < b {\n\n      x();\n  }\n"]);
    assert_eq!(rendered.text, "Try:\n\n  if a < b {\n\n      x();\n  }\n\nDone");
}

#[test]
fn escaped_pre_inside_code_is_text_not_a_block() {
    let rendered = render("<pre><code>&lt;pre&gt;x&lt;/pre&gt;</code></pre><p>&lt;pre&gt; is a tag</p>");
    assert_eq!(rendered.code_blocks, vec!["<pre>x</pre>"]);
    assert_eq!(rendered.text, "<pre>x</pre>\n\n<pre> is a tag");
}

#[test]
fn pre_nested_in_blockquote_and_li_are_code_blocks() {
    let html = "<blockquote><p>quoted</p><pre><code>q = 1\n</code></pre></blockquote>\
                <ol><li>step<pre>s = 2</pre></li><li>last</li></ol>";
    let rendered = render(html);
    assert_eq!(rendered.code_blocks, vec!["q = 1\n", "s = 2"]);
    assert_eq!(rendered.text, "quoted\n\nq = 1\n\n- step\n\ns = 2\n\n- last");
}

#[test]
fn lists_headings_and_blocks() {
    let html = "<h2>Title</h2><p>Intro</p><ul><li>one</li><li>two <em>x</em>\n</li></ul><hr><p>End</p>";
    assert_eq!(text(html), "Title\n\nIntro\n\n- one\n- two x\n\nEnd");
    let nested = "<ul><li>a<ul><li>b</li></ul></li><li>c</li></ul>";
    assert_eq!(text(nested), "- a\n- b\n- c");
}

#[test]
fn images_give_their_alt_and_tables_their_cells() {
    assert_eq!(
        text(r#"<p>See <img src="x.png" alt="a &amp; b"> here</p>"#),
        "See a & b here"
    );
    assert_eq!(
        text("<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>"),
        "a b\nc"
    );
}

#[test]
fn comments_and_stray_angle_brackets() {
    assert_eq!(text("<p>a <!-- hidden --> b</p>"), "a b");
    assert_eq!(text("<p>1 < 2 and 3 <= 4</p>"), "1 < 2 and 3 <= 4");
}

#[test]
fn question_text_is_title_blank_line_body_and_one_newline() {
    let items = read_xml(
        &dump(&[question(1, "How?", "<p>Like this.</p>\n\n", "")]),
        &IngestConfig::default(),
    );
    assert_eq!(items.text("q/1"), "How?\n\nLike this.\n");
}
