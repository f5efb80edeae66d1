//! The datasheet as a list of blocks, rendered to Markdown or HTML: both
//! renderings hold the same text and numbers, and escaping happens in one
//! place per format.

use crate::charts::Chart;

/// A run of text in a paragraph, list item or table cell. All strings may
/// come from the manifest: renderers escape every one.
#[derive(Clone, Debug, PartialEq)]
pub enum Inline {
    /// Plain text.
    Text(String),
    /// Monospace: ids, hashes, paths, parameters.
    Code(String),
    /// Bold.
    Strong(String),
}

/// Plain text.
pub fn text(s: impl Into<String>) -> Inline {
    Inline::Text(s.into())
}

/// Monospace text.
pub fn code(s: impl Into<String>) -> Inline {
    Inline::Code(s.into())
}

/// Bold text.
pub fn strong(s: impl Into<String>) -> Inline {
    Inline::Strong(s.into())
}

/// A number as text.
pub fn num(n: u64) -> Inline {
    Inline::Text(n.to_string())
}

/// A paragraph, list item or table cell.
pub type Line = Vec<Inline>;

/// Column alignment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Align {
    /// Text.
    Left,
    /// Numbers.
    Right,
}

/// A table with a header row.
#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    /// Column titles and alignment.
    pub head: Vec<(&'static str, Align)>,
    /// Rows of cells, as many as `head`.
    pub rows: Vec<Vec<Line>>,
}

impl Table {
    /// An empty table with these columns.
    pub fn new(head: &[(&'static str, Align)]) -> Table {
        Table {
            head: head.to_vec(),
            rows: Vec::new(),
        }
    }

    /// Adds a row.
    pub fn row(&mut self, cells: Vec<Line>) {
        debug_assert_eq!(cells.len(), self.head.len());
        self.rows.push(cells);
    }
}

/// One block of the datasheet.
#[derive(Clone, Debug, PartialEq)]
pub enum Block {
    /// The page title.
    Title(String),
    /// A section (`id` is a fixed anchor, never from the manifest).
    Section { id: &'static str, title: &'static str },
    /// A subsection.
    Subsection(String),
    /// A heading below a subsection (the dataset card nests the
    /// datasheet's subsections one level deeper).
    Minor(String),
    /// A paragraph.
    Para(Line),
    /// A bulleted list.
    List(Vec<Line>),
    /// A table.
    Table(Table),
    /// A question left for a human, after the [`crate::TO_ANSWER`] marker.
    Prompt(&'static str),
    /// Preformatted text, e.g. the effective configuration as JSON.
    Code { lang: &'static str, text: String },
    /// Key figures: label, value.
    Figures(Vec<(&'static str, String)>),
    /// A chart (HTML only; the same numbers are in a table next to it).
    Chart(Chart),
    /// Blocks shown side by side where there is room (HTML), one after the
    /// other in Markdown.
    Group(Vec<Block>),
}
