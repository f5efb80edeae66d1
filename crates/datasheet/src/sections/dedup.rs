//! Deduplication: parameters, what was found, the S-curve, cluster sizes
//! and the largest clusters (the over-merge report).

use corpusledger_manifest::{DedupParameters, Manifest};

use crate::charts::{Chart, Column, Columns, Curve, Kind, palette};
use crate::doc::{Align, Block, Inline, Table, code, num, text};

pub fn push(m: &Manifest, out: &mut Vec<Block>) {
    let d = &m.dedup;
    out.push(Block::Subsection("Deduplication".to_owned()));
    out.push(Block::Para(vec![text(
        "Exact duplicates were grouped by content hash. Near duplicates: MinHash signatures over token shingles, \
         LSH banding to find candidate pairs, and each candidate pair verified before it joins a cluster; one \
         document per cluster is kept by the keep policy, in order of precedence.",
    )]));
    out.push(Block::Table(parameters_table(d)));
    out.push(Block::Chart(s_curve_chart(d)));
    let mut curve = Table::new(&[
        ("Jaccard similarity", Align::Right),
        ("P(candidate pair)", Align::Right),
    ]);
    for [similarity, probability] in &d.s_curve {
        curve.row(vec![vec![text(similarity)], vec![text(probability)]]);
    }
    let mut found = Table::new(&[("Found", Align::Left), ("Count", Align::Right)]);
    for (key, &n) in &d.found {
        found.row(vec![vec![text(key)], vec![num(n)]]);
    }
    out.push(Block::Group(vec![Block::Table(curve), Block::Table(found)]));
    push_clusters(d, out);
}

fn parameters_table(d: &DedupParameters) -> Table {
    let mut table = Table::new(&[("Parameter", Align::Left), ("Value", Align::Left)]);
    let keep: Vec<String> = d
        .keep_policy
        .iter()
        .enumerate()
        .map(|(i, k)| format!("{}. {k}", i + 1))
        .collect();
    let mut rows: Vec<(&str, Inline)> = vec![
        ("exact hash", text(&d.exact_hash)),
        ("tokenizer", code(&d.tokenizer)),
        ("n-gram (tokens per shingle)", num(d.ngram as u64)),
        ("num-perm (MinHash bins)", num(d.num_perm as u64)),
        ("sketch", text(&d.sketch)),
        ("LSH bands x rows", text(format!("{} x {}", d.bands, d.rows))),
        ("seed", num(d.seed)),
        ("threshold (Jaccard)", code(&d.threshold)),
        ("verification", text(&d.verification)),
        ("cluster mode", code(&d.cluster_mode)),
        ("keep policy", text(keep.join(", "))),
    ];
    if let (Some(target), Some(reached)) = (&d.recall_target, &d.recall_at_threshold) {
        // After the bands: the target is what chose them.
        rows.insert(
            6,
            (
                "recall target at the threshold",
                text(format!("{target} asked, {reached} under these bands")),
            ),
        );
    }
    if let (Some(&candidates), Some(&signed)) = (d.found.get("candidate-pairs"), d.found.get("signed-texts")) {
        if signed > 0 {
            rows.push((
                "candidate pairs per signed text",
                text(format!("{:.2}", candidates as f64 / signed as f64)),
            ));
        }
    }
    for (name, value) in rows {
        table.row(vec![vec![text(name)], vec![value]]);
    }
    table
}

fn s_curve_chart(d: &DedupParameters) -> Chart {
    let points: Vec<(f64, f64)> = d
        .s_curve
        .iter()
        .filter_map(|[x, y]| Some((decimal(x)?, decimal(y)?)))
        .collect();
    let threshold = decimal(&d.threshold).filter(|t| (0.0..=1.0).contains(t));
    Chart {
        id: "s-curve",
        title: "LSH S-curve: probability of becoming a candidate pair by Jaccard similarity".to_owned(),
        caption: format!(
            "Predicted probability that two texts become a candidate pair, for {} bands x {} rows ({} MinHash bins); \
             the dashed line is the threshold {}.",
            d.bands, d.rows, d.num_perm, d.threshold
        ),
        kind: Kind::Curve(Curve {
            x_label: "Jaccard similarity".to_owned(),
            y_label: "P(candidate pair)".to_owned(),
            points,
            threshold: threshold.map(|t| (t, d.threshold.clone())),
        }),
    }
}

/// A decimal string of the manifest as a finite number.
fn decimal(s: &str) -> Option<f64> {
    s.trim().parse::<f64>().ok().filter(|v| v.is_finite())
}

fn push_clusters(d: &DedupParameters, out: &mut Vec<Block>) {
    let mut sizes = Table::new(&[
        ("Cluster size", Align::Right),
        ("Clusters", Align::Right),
        ("Documents", Align::Right),
    ]);
    let mut columns = Vec::new();
    for bucket in &d.cluster_sizes {
        let label = size_label(bucket.min, bucket.max);
        sizes.row(vec![
            vec![text(&label)],
            vec![num(bucket.clusters)],
            vec![num(bucket.documents)],
        ]);
        columns.push(Column {
            label,
            value: bucket.clusters,
            note: format!("{} docs", bucket.documents),
        });
    }
    out.push(Block::Chart(Chart {
        id: "cluster-sizes",
        title: "Duplicate clusters by size".to_owned(),
        caption: "Clusters of two or more documents, by size in power-of-two buckets; under each bucket, the documents in its clusters."
            .to_owned(),
        kind: Kind::Columns(Columns {
            x_label: "cluster size (documents)".to_owned(),
            y_label: "clusters".to_owned(),
            color: palette::CLUSTERS,
            columns,
        }),
    }));
    out.push(Block::Para(vec![text(
        "Cluster sizes, and the largest clusters with the lowest exact Jaccard similarity of a removed text to the \
         kept one (a low value would show texts merged that should not be):",
    )]));
    let mut largest = Table::new(&[
        ("Kept document", Align::Left),
        ("Documents", Align::Right),
        ("Distinct texts", Align::Right),
        ("Lowest Jaccard", Align::Right),
    ]);
    for cluster in &d.largest_clusters {
        largest.row(vec![
            vec![code(&cluster.kept_doc_id)],
            vec![num(cluster.documents)],
            vec![num(cluster.texts)],
            vec![text(cluster.min_jaccard.as_deref().unwrap_or("exact copies"))],
        ]);
    }
    out.push(Block::Group(vec![Block::Table(sizes), Block::Table(largest)]));
}

fn size_label(min: u64, max: u64) -> String {
    if min == max {
        min.to_string()
    } else {
        format!("{min}–{max}")
    }
}
