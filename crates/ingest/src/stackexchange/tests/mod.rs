//! Tests of the Stack Exchange reader, through [`super::read`] on files
//! written by the tests (and on the parts where that is clearer).

mod filters;
mod html;
mod inputs;
mod license;
mod malformed;
mod modes;
mod props;

use std::path::{Path, PathBuf};

use corpusledger_model::{Document, Reason, Rejection};

use crate::{IngestConfig, Input, InputKind, Item};

/// An input named `posts` at `path`.
fn input(path: &Path) -> Input {
    Input {
        label: "posts".into(),
        path: path.to_owned(),
        kind: InputKind::StackExchange,
        error: None,
    }
}

/// Reads `path` and returns all items, batches joined.
fn read_path(path: &Path, config: &IngestConfig) -> Vec<Item> {
    let mut items = Vec::new();
    super::read(&input(path), config, &mut |batch| items.extend(batch));
    items
}

/// Writes `xml` as `Posts.xml` in a new folder and reads it.
fn read_xml(xml: &str, config: &IngestConfig) -> Items {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("Posts.xml");
    std::fs::write(&path, xml).unwrap();
    Items(read_path(&path, config))
}

/// A dump around `rows`: declaration on line 1, `<posts>` on line 2, so the
/// first row is on line 3.
fn dump(rows: &[String]) -> String {
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<posts>\n");
    for row in rows {
        xml.push_str("  ");
        xml.push_str(row);
        xml.push('\n');
    }
    xml.push_str("</posts>\n");
    xml
}

/// Escapes text for an XML attribute the way the dump does.
fn attr(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\n', "&#xA;")
}

/// A question row; `extra` is raw attribute text, which may replace the
/// default `Score` and `CreationDate`.
fn question(id: u64, title: &str, body_html: &str, extra: &str) -> String {
    let defaults = defaults(extra, "3", "2019-03-01T10:00:00.000");
    format!(
        r#"<row Id="{id}" PostTypeId="1"{defaults} Body="{}" Title="{}" {extra} />"#,
        attr(body_html),
        attr(title)
    )
}

/// An answer row to `parent`, as [`question`].
fn answer(id: u64, parent: u64, body_html: &str, extra: &str) -> String {
    let defaults = defaults(extra, "1", "2019-03-02T10:00:00.000");
    format!(
        r#"<row Id="{id}" PostTypeId="2" ParentId="{parent}"{defaults} Body="{}" {extra} />"#,
        attr(body_html)
    )
}

fn defaults(extra: &str, score: &str, created: &str) -> String {
    let mut defaults = String::new();
    if !extra.contains("CreationDate=") {
        defaults.push_str(&format!(r#" CreationDate="{created}""#));
    }
    if !extra.contains("Score=") {
        defaults.push_str(&format!(r#" Score="{score}""#));
    }
    defaults
}

/// The items of a read, with views for assertions.
struct Items(Vec<Item>);

impl Items {
    fn docs(&self) -> Vec<&Document> {
        self.0
            .iter()
            .filter_map(|item| match item {
                Item::Doc(doc) => Some(doc),
                Item::Rejected(_) => None,
            })
            .collect()
    }

    fn rejections(&self) -> Vec<&Rejection> {
        self.0
            .iter()
            .filter_map(|item| match item {
                Item::Rejected(rejection) => Some(rejection),
                Item::Doc(_) => None,
            })
            .collect()
    }

    /// `(key, text)` of each document.
    fn texts(&self) -> Vec<(String, String)> {
        self.docs()
            .into_iter()
            .map(|doc| (doc.source.key.clone(), String::from_utf8(doc.bytes().to_vec()).unwrap()))
            .collect()
    }

    /// The text of the document with `key`.
    fn text(&self, key: &str) -> String {
        let texts = self.texts();
        match texts.into_iter().find(|(k, _)| k == key) {
            Some((_, text)) => text,
            None => panic!("no document {key} in {:?}", self.texts()),
        }
    }

    /// `(reason, key, row, detail)` of each rejection.
    fn reasons(&self) -> Vec<(Reason, String, u64, String)> {
        self.rejections()
            .into_iter()
            .map(|r| (r.reason, r.source.key.clone(), r.source.row, r.detail.clone()))
            .collect()
    }

    /// `(key, detail)` of each filtered row.
    fn filtered(&self) -> Vec<(String, String)> {
        self.reasons()
            .into_iter()
            .filter(|(reason, ..)| *reason == Reason::Filtered)
            .map(|(_, key, _, detail)| (key, detail))
            .collect()
    }
}

/// A path in a fresh temp dir that lives as long as the returned guard.
fn temp_path(name: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    (dir, path)
}
