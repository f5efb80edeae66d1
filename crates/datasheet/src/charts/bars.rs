//! Horizontal bars: one row per label, one bar per series in the row, the
//! count written at the end of each bar.

use super::{WIDTH, f, line, text, ticks};
use crate::escape::{html as esc, truncate};

/// Room for row labels, left of the bars.
const LEFT: f64 = 230.0;
/// Room for the counts, right of the longest bar.
const RIGHT: f64 = 56.0;
const BAR: f64 = 14.0;
const BAR_GAP: f64 = 2.0;
const ROW_GAP: f64 = 9.0;
/// Characters of a row label shown (the whole label is its tooltip).
const LABEL_CHARS: usize = 32;

/// One series: a legend entry and a colour.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    /// Legend text.
    pub name: String,
    /// Fill.
    pub color: &'static str,
}

/// One row: a label and a count for some of the series.
#[derive(Clone, Debug, PartialEq)]
pub struct BarRow {
    /// The row's label (untrusted).
    pub label: String,
    /// (series index, count), drawn top to bottom.
    pub values: Vec<(usize, u64)>,
}

/// A horizontal bar chart.
#[derive(Clone, Debug, PartialEq)]
pub struct Bars {
    /// Title of the count axis, below it.
    pub x_label: String,
    /// Title of the label axis, above the labels.
    pub y_label: String,
    /// The series; a legend is drawn when there are two or more.
    pub series: Vec<Series>,
    /// The rows, top to bottom.
    pub rows: Vec<BarRow>,
}

impl Bars {
    /// Height and SVG body; `None` when there is nothing to draw.
    pub fn svg(&self) -> Option<(f64, String)> {
        let max = self.rows.iter().flat_map(|r| r.values.iter().map(|v| v.1)).max()?;
        if max == 0 {
            return None;
        }
        let (step, end) = ticks(max);
        let scale = (WIDTH - LEFT - RIGHT) / end as f64;
        // A header line above the plot: the label axis's title over the
        // labels, the legend over the bars.
        let top = 30.0;
        let rows_height: f64 = self.rows.iter().map(|r| row_height(r) + ROW_GAP).sum();
        let bottom = top + rows_height;
        let mut body = text(LEFT - 8.0, 18.5, "end", 12, "#4a5568", &self.y_label);
        body.push_str(&self.legend());
        body.push_str(&axis(step, end, scale, top, bottom));
        let mut y = top + ROW_GAP / 2.0;
        for row in &self.rows {
            body.push_str(&self.row(row, y, scale));
            y += row_height(row) + ROW_GAP;
        }
        body.push_str(&text(
            LEFT + (WIDTH - LEFT - RIGHT) / 2.0,
            bottom + 34.0,
            "middle",
            12,
            "#4a5568",
            &self.x_label,
        ));
        Some((bottom + 44.0, body))
    }

    fn legend(&self) -> String {
        if self.series.len() < 2 {
            return String::new();
        }
        let mut out = String::new();
        let mut x = LEFT + 16.0;
        for series in &self.series {
            out.push_str(&format!(
                "<rect x=\"{}\" y=\"8\" width=\"12\" height=\"12\" fill=\"{}\"/>\n",
                f(x),
                series.color
            ));
            out.push_str(&text(x + 17.0, 18.5, "start", 12, "#2d3748", &series.name));
            x += 30.0 + 7.5 * series.name.chars().count() as f64;
        }
        out
    }

    fn row(&self, row: &BarRow, y: f64, scale: f64) -> String {
        let mut out = format!("<g><title>{}</title>\n", esc(&row.label));
        let middle = y + row_height(row) / 2.0 + 4.0;
        out.push_str(&text(
            LEFT - 8.0,
            middle,
            "end",
            12,
            "#1a202c",
            &truncate(&row.label, LABEL_CHARS),
        ));
        for (i, &(series, count)) in row.values.iter().enumerate() {
            let bar_y = y + i as f64 * (BAR + BAR_GAP);
            let width = count as f64 * scale;
            let color = self.series.get(series).map_or("#718096", |s| s.color);
            out.push_str(&format!(
                "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{color}\"/>\n",
                f(LEFT),
                f(bar_y),
                f(width),
                f(BAR)
            ));
            out.push_str(&text(
                LEFT + width + 4.0,
                bar_y + 11.0,
                "start",
                11,
                "#1a202c",
                &count.to_string(),
            ));
        }
        out.push_str("</g>\n");
        out
    }
}

fn row_height(row: &BarRow) -> f64 {
    let bars = row.values.len().max(1) as f64;
    bars * BAR + (bars - 1.0) * BAR_GAP
}

/// Grid lines and tick labels at each step, and the axis line.
fn axis(step: u64, end: u64, scale: f64, top: f64, bottom: f64) -> String {
    let mut out = String::new();
    let mut tick = 0;
    while tick <= end {
        let x = LEFT + tick as f64 * scale;
        out.push_str(&line(x, top, x, bottom, "#e2e8f0"));
        out.push_str(&text(x, bottom + 15.0, "middle", 11, "#4a5568", &tick.to_string()));
        let Some(next) = tick.checked_add(step) else { break };
        tick = next;
    }
    out.push_str(&line(LEFT, top, LEFT, bottom, "#718096"));
    out.push_str(&line(LEFT, bottom, LEFT + end as f64 * scale, bottom, "#718096"));
    out
}
