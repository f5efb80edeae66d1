//! Inline SVG charts. Each is an `<svg>` with a `<title>`, axis labels and
//! its numbers written on it; no data gives a chart that says "none".
//! Coordinates are written with one decimal, so output is deterministic.

mod bars;
mod columns;
mod curve;

pub use bars::{BarRow, Bars, Series};
pub use columns::{Column, Columns};
pub use curve::Curve;
#[cfg(test)]
pub use curve::curve_x;

use crate::escape::html as esc;

/// Colours, readable on white and in greyscale print.
pub mod palette {
    /// Before deduplication.
    pub const BEFORE: &str = "#a3bfdc";
    /// After deduplication, and the S-curve.
    pub const AFTER: &str = "#2b6cb0";
    /// Documents removed as duplicates or by policy.
    pub const REMOVED: &str = "#dd6b20";
    /// Documents rejected on reading.
    pub const REJECTED: &str = "#9b2c2c";
    /// Languages.
    pub const LANGUAGES: &str = "#2f855a";
    /// Clusters.
    pub const CLUSTERS: &str = "#6b46c1";
    /// License conflicts.
    pub const CONFLICTS: &str = "#c53030";
}

/// Width of every chart, in SVG user units.
pub const WIDTH: f64 = 760.0;

/// One chart: an inline SVG in a `<figure>` with a caption.
#[derive(Clone, Debug, PartialEq)]
pub struct Chart {
    /// A fixed anchor, never from the manifest.
    pub id: &'static str,
    /// The SVG's `<title>`.
    pub title: String,
    /// The figure's caption.
    pub caption: String,
    /// What is drawn.
    pub kind: Kind,
}

/// What a chart draws.
#[derive(Clone, Debug, PartialEq)]
pub enum Kind {
    /// Horizontal bars, one or more per row.
    Bars(Bars),
    /// Vertical columns (a histogram).
    Columns(Columns),
    /// A curve over [0, 1] x [0, 1] with a threshold line.
    Curve(Curve),
}

impl Chart {
    /// The `<figure>` with the SVG and its caption.
    pub fn to_html(&self) -> String {
        let (height, body) = match &self.kind {
            Kind::Bars(bars) => bars.svg(),
            Kind::Columns(columns) => columns.svg(),
            Kind::Curve(curve) => curve.svg(),
        }
        .unwrap_or_else(none);
        format!(
            "<figure class=\"chart\" id=\"chart-{id}\">\n<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" role=\"img\" aria-labelledby=\"chart-{id}-title\">\n<title id=\"chart-{id}-title\">{title}</title>\n{body}</svg>\n<figcaption>{caption}</figcaption>\n</figure>",
            id = esc(self.id),
            w = WIDTH,
            h = f(height),
            title = esc(&self.title),
            caption = esc(&self.caption),
        )
    }
}

/// The body of a chart without data.
fn none() -> (f64, String) {
    let body = format!(
        "<rect x=\"0.5\" y=\"0.5\" width=\"{}\" height=\"59\" fill=\"#f7fafc\" stroke=\"#cbd5e0\" rx=\"4\"/>\n<text class=\"none\" x=\"{}\" y=\"35\" text-anchor=\"middle\" font-size=\"15\" fill=\"#4a5568\">none</text>\n",
        f(WIDTH - 1.0),
        f(WIDTH / 2.0)
    );
    (60.0, body)
}

/// A coordinate with one decimal.
pub fn f(v: f64) -> String {
    format!("{v:.1}")
}

/// A text element; `content` is escaped.
pub fn text(x: f64, y: f64, anchor: &str, size: u32, fill: &str, content: &str) -> String {
    format!(
        "<text x=\"{}\" y=\"{}\" text-anchor=\"{anchor}\" font-size=\"{size}\" fill=\"{fill}\">{}</text>\n",
        f(x),
        f(y),
        esc(content)
    )
}

/// A line.
pub fn line(x1: f64, y1: f64, x2: f64, y2: f64, stroke: &str) -> String {
    format!(
        "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{stroke}\" stroke-width=\"1\"/>\n",
        f(x1),
        f(y1),
        f(x2),
        f(y2)
    )
}

/// An axis title turned to run up the left edge, centred on `y`.
pub fn vertical_label(x: f64, y: f64, content: &str) -> String {
    format!(
        "<text x=\"{x}\" y=\"{y}\" transform=\"rotate(-90 {x} {y})\" text-anchor=\"middle\" font-size=\"12\" fill=\"#4a5568\">{}</text>\n",
        esc(content),
        x = f(x),
        y = f(y)
    )
}

/// A tick step of 1, 2 or 5 times a power of ten giving at most five steps
/// up to `max`, and the axis end (a multiple of the step, at least `max`).
pub fn ticks(max: u64) -> (u64, u64) {
    let mut power = 1u64;
    loop {
        for step in [power, power.saturating_mul(2), power.saturating_mul(5)] {
            if max.div_ceil(step) <= 5 {
                return (step, max.div_ceil(step).max(1) * step);
            }
        }
        power = power.saturating_mul(10);
    }
}

#[cfg(test)]
mod tests {
    use super::ticks;

    #[test]
    fn ticks_are_round_and_cover_the_maximum() {
        assert_eq!(ticks(1), (1, 1));
        assert_eq!(ticks(5), (1, 5));
        assert_eq!(ticks(7), (2, 8));
        assert_eq!(ticks(22), (5, 25));
        assert_eq!(ticks(100), (20, 100));
        assert_eq!(ticks(1234), (500, 1500));
    }
}
