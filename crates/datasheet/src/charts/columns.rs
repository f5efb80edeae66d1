//! Vertical columns: a histogram with the count above each column and a
//! note (e.g. documents) under its label.

use super::{WIDTH, f, line, text, ticks, vertical_label};
use crate::escape::{html as esc, truncate};

const LEFT: f64 = 64.0;
const RIGHT: f64 = 20.0;
const TOP: f64 = 24.0;
const BOTTOM: f64 = 244.0;

/// One column.
#[derive(Clone, Debug, PartialEq)]
pub struct Column {
    /// Label under the column.
    pub label: String,
    /// Height.
    pub value: u64,
    /// A second line under the label.
    pub note: String,
}

/// A column chart.
#[derive(Clone, Debug, PartialEq)]
pub struct Columns {
    /// Title of the label axis, below it.
    pub x_label: String,
    /// Title of the count axis, up the left edge.
    pub y_label: String,
    /// Fill of the columns.
    pub color: &'static str,
    /// The columns, left to right.
    pub columns: Vec<Column>,
}

impl Columns {
    /// Height and SVG body; `None` when there is nothing to draw.
    pub fn svg(&self) -> Option<(f64, String)> {
        let max = self.columns.iter().map(|c| c.value).max()?;
        if max == 0 {
            return None;
        }
        let (step, end) = ticks(max);
        let scale = (BOTTOM - TOP) / end as f64;
        let slot = (WIDTH - LEFT - RIGHT) / self.columns.len() as f64;
        let width = (slot * 0.6).min(90.0);
        let mut body = axis(step, end, scale);
        for (i, column) in self.columns.iter().enumerate() {
            let centre = LEFT + slot * (i as f64 + 0.5);
            let height = column.value as f64 * scale;
            body.push_str(&format!(
                "<g><title>{}: {}</title>\n<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"/>\n",
                esc(&column.label),
                column.value,
                f(centre - width / 2.0),
                f(BOTTOM - height),
                f(width),
                f(height),
                self.color
            ));
            body.push_str(&text(
                centre,
                BOTTOM - height - 5.0,
                "middle",
                12,
                "#1a202c",
                &column.value.to_string(),
            ));
            body.push_str(&text(
                centre,
                BOTTOM + 16.0,
                "middle",
                12,
                "#1a202c",
                &truncate(&column.label, 14),
            ));
            body.push_str(&text(
                centre,
                BOTTOM + 30.0,
                "middle",
                11,
                "#718096",
                &truncate(&column.note, 16),
            ));
            body.push_str("</g>\n");
        }
        let middle = LEFT + (WIDTH - LEFT - RIGHT) / 2.0;
        body.push_str(&text(middle, BOTTOM + 52.0, "middle", 12, "#4a5568", &self.x_label));
        body.push_str(&vertical_label(16.0, (TOP + BOTTOM) / 2.0, &self.y_label));
        Some((BOTTOM + 62.0, body))
    }
}

/// Grid lines and tick labels at each step, and the axis lines.
fn axis(step: u64, end: u64, scale: f64) -> String {
    let mut out = String::new();
    let mut tick = 0;
    while tick <= end {
        let y = BOTTOM - tick as f64 * scale;
        out.push_str(&line(LEFT, y, WIDTH - RIGHT, y, "#e2e8f0"));
        out.push_str(&text(LEFT - 6.0, y + 4.0, "end", 11, "#4a5568", &tick.to_string()));
        let Some(next) = tick.checked_add(step) else { break };
        tick = next;
    }
    out.push_str(&line(LEFT, TOP, LEFT, BOTTOM, "#718096"));
    out.push_str(&line(LEFT, BOTTOM, WIDTH - RIGHT, BOTTOM, "#718096"));
    out
}
