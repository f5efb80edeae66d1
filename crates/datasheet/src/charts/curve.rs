//! The LSH S-curve: the probability that two texts of a given Jaccard
//! similarity become a candidate pair, with the chosen threshold marked.

use super::{WIDTH, f, line, text, vertical_label};

const X0: f64 = 64.0;
const X1: f64 = WIDTH - 24.0;
const Y0: f64 = 20.0;
const Y1: f64 = 300.0;

/// A curve over [0, 1] x [0, 1].
#[derive(Clone, Debug, PartialEq)]
pub struct Curve {
    /// Title of the x axis.
    pub x_label: String,
    /// Title of the y axis.
    pub y_label: String,
    /// (x, y) points, finite, in drawing order.
    pub points: Vec<(f64, f64)>,
    /// Where to draw the vertical threshold line, with its text as given.
    pub threshold: Option<(f64, String)>,
}

/// The x coordinate of a similarity in [0, 1].
pub fn curve_x(similarity: f64) -> f64 {
    X0 + similarity.clamp(0.0, 1.0) * (X1 - X0)
}

fn curve_y(probability: f64) -> f64 {
    Y1 - probability.clamp(0.0, 1.0) * (Y1 - Y0)
}

impl Curve {
    /// Height and SVG body; `None` when there is no point to draw.
    pub fn svg(&self) -> Option<(f64, String)> {
        if self.points.is_empty() {
            return None;
        }
        let mut body = grid();
        let coords: Vec<String> = self
            .points
            .iter()
            .map(|&(x, y)| format!("{},{}", f(curve_x(x)), f(curve_y(y))))
            .collect();
        body.push_str(&format!(
            "<polyline points=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"2\"/>\n",
            coords.join(" "),
            super::palette::AFTER
        ));
        for &(x, y) in &self.points {
            body.push_str(&format!(
                "<circle cx=\"{}\" cy=\"{}\" r=\"2.5\" fill=\"{}\"><title>{x:.2}: {y:.6}</title></circle>\n",
                f(curve_x(x)),
                f(curve_y(y)),
                super::palette::AFTER
            ));
        }
        if let Some((threshold, label)) = &self.threshold {
            body.push_str(&self.threshold_line(*threshold, label));
        }
        body.push_str(&text(
            (X0 + X1) / 2.0,
            Y1 + 40.0,
            "middle",
            12,
            "#4a5568",
            &self.x_label,
        ));
        body.push_str(&vertical_label(16.0, (Y0 + Y1) / 2.0, &self.y_label));
        Some((Y1 + 50.0, body))
    }

    /// The dashed line at the threshold, and the curve's value there.
    fn threshold_line(&self, threshold: f64, label: &str) -> String {
        let x = curve_x(threshold);
        let mut out = format!(
            "<line class=\"threshold\" x1=\"{x}\" y1=\"{}\" x2=\"{x}\" y2=\"{}\" stroke=\"{}\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\"/>\n",
            f(Y0),
            f(Y1),
            super::palette::CONFLICTS,
            x = f(x)
        );
        // Keep the text off the curve, which rises left to right: where the
        // curve is high at the line, below it on the right; else above it on
        // the left. Near an edge, the other side, so it stays in the plot.
        let probability = interpolate(&self.points, threshold);
        let high = probability.unwrap_or(0.0) > 0.5;
        let right = if high { x <= X1 - 200.0 } else { x < X0 + 200.0 };
        let (anchor, dx) = if right { ("start", 6.0) } else { ("end", -6.0) };
        let label_y = if high { Y1 - 8.0 } else { Y0 + 14.0 };
        out.push_str(&text(
            x + dx,
            label_y,
            anchor,
            12,
            super::palette::CONFLICTS,
            &format!("threshold {label}"),
        ));
        if let Some(probability) = probability {
            let y = curve_y(probability);
            out.push_str(&format!(
                "<circle cx=\"{}\" cy=\"{}\" r=\"4.5\" fill=\"none\" stroke=\"{}\" stroke-width=\"1.5\"/>\n",
                f(x),
                f(y),
                super::palette::CONFLICTS
            ));
            let caption = format!("P(candidate) = {probability:.3}");
            let text_y = if high { y + 18.0 } else { y - 10.0 };
            out.push_str(&text(x + dx, text_y, anchor, 12, "#1a202c", &caption));
        }
        out
    }
}

/// Tick labels and grid lines at 0, 0.2, ..., 1 on both axes.
fn grid() -> String {
    let mut out = String::new();
    for i in 0..=5 {
        let v = f64::from(i) / 5.0;
        let (x, y) = (curve_x(v), curve_y(v));
        out.push_str(&line(x, Y0, x, Y1, "#e2e8f0"));
        out.push_str(&line(X0, y, X1, y, "#e2e8f0"));
        out.push_str(&text(x, Y1 + 16.0, "middle", 11, "#4a5568", &format!("{v:.1}")));
        out.push_str(&text(X0 - 6.0, y + 4.0, "end", 11, "#4a5568", &format!("{v:.1}")));
    }
    out.push_str(&line(X0, Y0, X0, Y1, "#718096"));
    out.push_str(&line(X0, Y1, X1, Y1, "#718096"));
    out
}

/// The curve's value at `x`, linear between the nearest points around it.
fn interpolate(points: &[(f64, f64)], x: f64) -> Option<f64> {
    let mut sorted = points.to_vec();
    sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
    if let Some(&(_, y)) = sorted.iter().find(|p| p.0 == x) {
        return Some(y);
    }
    let pair = sorted.windows(2).find(|w| w[0].0 < x && x < w[1].0)?;
    let ((x0, y0), (x1, y1)) = (pair[0], pair[1]);
    Some(y0 + (y1 - y0) * (x - x0) / (x1 - x0))
}

#[cfg(test)]
mod tests {
    use super::interpolate;

    #[test]
    fn interpolates_between_points() {
        let points = [(0.0, 0.0), (0.5, 0.2), (1.0, 1.0)];
        assert_eq!(interpolate(&points, 0.5), Some(0.2));
        assert!((interpolate(&points, 0.75).unwrap() - 0.6).abs() < 1e-12);
        assert_eq!(interpolate(&points, 1.5), None);
    }
}
