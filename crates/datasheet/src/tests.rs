//! Tests over the manifest of the bundled sample run, and over hostile and
//! empty manifests.

use std::path::Path;

use corpusledger_manifest::{ConflictEntry, Manifest, RepositoryCount};

use crate::{html, markdown};

const SECTIONS: [&str; 7] = [
    "Motivation",
    "Composition",
    "Collection process",
    "Preprocessing, cleaning and labeling",
    "Uses",
    "Distribution",
    "Maintenance",
];

fn sample() -> Manifest {
    let bytes = include_bytes!("../../../tests/golden/sample-manifest.json");
    Manifest::from_slice(Path::new("sample-manifest.json"), bytes).unwrap()
}

#[test]
fn every_section_and_prompts_are_present() {
    let (md, page) = (markdown(&sample()), html(&sample()));
    for section in SECTIONS {
        assert!(md.contains(&format!("\n## {section}\n")), "markdown lacks {section}");
        assert!(page.contains(&format!("\">{section}</h2>")), "html lacks {section}");
    }
    let md_prompts = md.matches("\n> **TO ANSWER:** ").count();
    let html_prompts = page
        .matches("<div class=\"to-answer\"><strong>TO ANSWER:</strong> ")
        .count();
    assert!(md_prompts >= 20, "{md_prompts} prompts");
    assert_eq!(md_prompts, html_prompts);
    assert!(md.contains("`corpusledger verify DIR`"));
}

#[test]
fn numbers_match_the_manifest() {
    let m = sample();
    let md = markdown(&m);
    let c = &m.counts;
    assert!(md.contains(&format!("| kept |  | {} |", c.kept)), "{md}");
    assert!(md.contains(&format!("| documents read |  | {} | 100.0% |", c.documents)));
    assert!(md.contains(&format!("{} bytes", c.kept_bytes)));
    for (outcome, reasons) in [("removed", &c.removed), ("rejected", &c.rejected)] {
        for (reason, n) in reasons {
            assert!(
                md.contains(&format!("| {outcome} | {reason} | {n} |")),
                "{outcome} {reason}"
            );
        }
    }
    for input in &m.inputs {
        let digest = input.digest.as_deref().unwrap();
        let row = format!(
            "| `{}` | {} | {} | {} | `{digest}` |",
            input.label, input.kind, input.documents, input.bytes
        );
        assert!(md.contains(&row), "{row}");
    }
    for (language, n) in &m.languages {
        assert!(md.contains(&format!("| {language} | {n} |")), "{language}");
    }
    for (license, after) in &m.license_histograms.after.concluded {
        let before = m.license_histograms.before.concluded[license];
        assert!(md.contains(&format!("| {license} | {before} | {after} |")), "{license}");
    }
    for output in &m.outputs {
        let row = format!(
            "| `{}` | {} | {} | {} | `{}` |",
            output.path, output.kind, output.rows, output.bytes, output.sha256
        );
        assert!(md.contains(&row), "{row}");
    }
    for bucket in &m.dedup.cluster_sizes {
        assert!(md.contains(&format!("| {} | {} |", bucket.clusters, bucket.documents)));
    }
    for entry in &m.licensing.conflicts.list {
        assert!(md.contains(&format!("| `{}` | {} |", entry.kept_doc_id, entry.kept_license)));
    }
    let d = &m.dedup;
    assert!(md.contains(&format!("| LSH bands x rows | {} x {} |", d.bands, d.rows)));
    assert!(md.contains(&format!("| threshold (Jaccard) | `{}` |", d.threshold)));
    assert!(md.contains(&format!("| num-perm (MinHash bins) | {} |", d.num_perm)));
    assert!(md.contains(&format!("| n-gram (tokens per shingle) | {} |", d.ngram)));
    assert!(md.contains(&format!("`{}`", m.merkle.root)));
    assert!(md.contains(&format!("`{} {}`", m.tool.name, m.tool.version)));
    let page = html(&m);
    assert!(page.contains(&format!("<code class=\"hash\">{}</code>", m.merkle.root)));
    assert!(page.contains(&format!("{} bands x {} rows", d.bands, d.rows)));
}

#[test]
fn html_has_six_or_more_titled_charts_and_no_scripts_or_network() {
    let page = html(&sample());
    let charts = page.matches("<svg ").count();
    assert!(charts >= 6, "{charts} charts");
    assert_eq!(charts, page.matches("</svg>").count());
    assert_eq!(charts, page.matches("<figure class=\"chart\"").count());
    assert_eq!(
        charts,
        page.matches("\"><title id=\"chart-").count() + page.matches("\">\n<title id=\"chart-").count()
    );
    for forbidden in ["<script", "http://", "https://", "url(", "@import", "<img", "<link"] {
        let allowed = page.matches("http://www.w3.org/2000/svg").count();
        let found = page.matches(forbidden).count();
        assert!(
            found == 0 || (forbidden == "http://" && found == allowed),
            "{forbidden}"
        );
    }
    assert!(!page.contains(">none</text>"), "the sample has data for every chart");
}

/// A manifest whose every kind of string tries to break out of its context.
fn hostile() -> Manifest {
    const EVIL: &str = "<script>alert(1)</script>";
    let mut m = sample();
    m.licenses.insert(EVIL.to_owned(), 1);
    m.licenses.insert("A|B `c` \"q\" 'q' &amp;".to_owned(), 1);
    m.license_histograms.before.concluded.insert(EVIL.to_owned(), 2);
    m.license_histograms.after.concluded.insert(EVIL.to_owned(), 1);
    m.languages.insert("\"><img src=x onerror=alert(1)>".to_owned(), 1);
    m.inputs[0].label = format!("repos/{EVIL}");
    let data = m.outputs.iter().position(|o| o.kind == "data").unwrap();
    m.outputs[data].path = format!("data/{EVIL}.parquet");
    let shard = m.outputs[data].provenance.as_mut().unwrap();
    shard.top_repositories.insert(
        0,
        RepositoryCount {
            repo: format!("evil/{EVIL}"),
            documents: 99,
        },
    );
    m.licensing.conflicts.list.push(ConflictEntry {
        kept_doc_id: "x`y".to_owned(),
        kept_license: EVIL.to_owned(),
        licenses: vec![EVIL.to_owned()],
        categories: vec![EVIL.to_owned(), "unknown".to_owned()],
        documents: 2,
    });
    m.dedup.threshold = EVIL.to_owned();
    m.config = serde_json::json!({ "input": ["```\n<script>alert(1)</script>"] });
    m
}

#[test]
fn untrusted_strings_are_escaped_in_html() {
    let page = html(&hostile());
    let lower = page.to_ascii_lowercase();
    assert!(!lower.contains("<script"), "a <script survived");
    assert!(!lower.contains("<img"), "an <img survived");
    assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(page.contains("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"));
    assert!(page.contains("A|B `c` &quot;q&quot; &#39;q&#39; &amp;amp;"));
}

#[test]
fn untrusted_strings_are_escaped_in_markdown() {
    let md = markdown(&hostile());
    // Every `<` outside a code span or block is backslash-escaped.
    let mut in_block = false;
    for line in md.lines() {
        if line.starts_with("```") {
            in_block = !in_block;
            continue;
        }
        // Escaped backticks do not open code spans.
        let unescaped = line.replace("\\`", "");
        let outside_code: String = unescaped.split('`').step_by(2).collect();
        if !in_block {
            assert!(!outside_code.replace("\\<", "").contains('<'), "unescaped < in {line}");
        }
    }
    assert!(md.contains(r"| \<script\>alert(1)\</script\> | 1 |"));
    assert!(md.contains(r"| A\|B \`c\` "), "a pipe or backtick left raw");
    assert!(md.contains(r"| x\`y |"), "a doc id with a backtick stays in its cell");
    // The config holds a code fence: the block's fence is longer.
    assert!(md.contains("````json\n"), "{md}");
}

#[test]
fn empty_data_gives_charts_that_say_none() {
    let mut m = sample();
    m.languages.clear();
    m.license_histograms = Default::default();
    m.counts.removed.values_mut().for_each(|n| *n = 0);
    m.counts.rejected.clear();
    m.dedup.cluster_sizes.clear();
    m.dedup.s_curve.clear();
    m.licensing.conflicts = Default::default();
    let page = html(&m);
    let charts = page.matches("<svg ").count();
    assert!(charts >= 6);
    assert_eq!(page.matches(">none</text>").count(), charts, "every chart says none");
    assert_eq!(charts, page.matches("</svg>").count());
    let md = markdown(&m);
    assert!(md.contains("| none |"), "empty tables say none");
}

#[test]
fn the_threshold_line_sits_at_the_threshold() {
    let mut m = sample();
    let x = |page: &str| -> f64 {
        let at = page.find("class=\"threshold\" x1=\"").unwrap() + "class=\"threshold\" x1=\"".len();
        let end = at + page[at..].find('"').unwrap();
        page[at..end].parse().unwrap()
    };
    let (left, right) = (crate::charts::curve_x(0.0), crate::charts::curve_x(1.0));
    assert!(right > left);
    for threshold in ["0.7", "0.5", "0.85"] {
        m.dedup.threshold = threshold.to_owned();
        let t: f64 = threshold.parse().unwrap();
        let at = x(&html(&m));
        let expected = left + t * (right - left);
        assert!(
            (at - expected).abs() <= 0.05,
            "threshold {threshold} drawn at {at}, not {expected}"
        );
    }
    // And it meets the curve's own point at that similarity.
    m.dedup.threshold = "0.7".to_owned();
    let page = html(&m);
    assert!(
        page.contains(&format!("{:.1},", x(&page))),
        "no curve point at the threshold's x"
    );
    m.dedup.threshold = "not a number".to_owned();
    assert!(!html(&m).contains("class=\"threshold\""));
}

#[test]
fn output_is_deterministic() {
    assert_eq!(markdown(&sample()), markdown(&sample()));
    assert_eq!(html(&sample()), html(&sample()));
}

#[test]
fn attribution_is_stated_only_when_the_data_holds_posts() {
    let plain = markdown(&sample());
    assert!(!plain.contains("Attribution required"), "no posts, no obligation");

    let mut m = sample();
    m.attribution = Some(corpusledger_manifest::Attribution {
        obligation: "credit each post".to_owned(),
        file: "ATTRIBUTION.parquet".to_owned(),
        rows: 17,
        documents: [
            (
                "CC-BY-SA-3.0".to_owned(),
                corpusledger_manifest::PostCounts { kept: 9, removed: 2 },
            ),
            (
                "CC-BY-SA-4.0".to_owned(),
                corpusledger_manifest::PostCounts { kept: 5, removed: 1 },
            ),
        ]
        .into(),
        license_basis: [("ContentLicense".to_owned(), 12), ("LastEditDate".to_owned(), 5)].into(),
        kept_non_posts_carrying_posts: 1,
        cross_license_clusters: 1,
    });
    let (md, page) = (markdown(&m), html(&m));
    for doc in [&md, &page] {
        assert!(doc.contains("Attribution required"));
        assert!(doc.contains("credit each post"));
        assert!(doc.contains("has 17 rows"));
        assert!(doc.contains("CC-BY-SA-3.0") && doc.contains("LastEditDate"));
    }
    assert!(md.contains("| CC-BY-SA-3.0 | 9 | 2 |"), "{md}");
}
