//! The card of the sample run and of hostile manifests: front matter that
//! parses, licenses as Hub ids, size categories, configs, and the marker.

use std::collections::BTreeMap;
use std::path::Path;

use corpusledger_manifest::Manifest;
use serde_json::{Value, json};

use super::front_matter::{quote, size_category};
use super::licenses::{HubLicense, HubLicenses, of_expression, of_id};
use super::{CARD_MARKER, is_card, render};

fn sample() -> Manifest {
    let bytes = include_bytes!("../../../../tests/golden/sample-manifest.json");
    Manifest::from_slice(Path::new("sample-manifest.json"), bytes).unwrap()
}

/// The front matter of a card, parsed; and the body after it.
fn split(card: &str) -> (Value, &str) {
    let rest = card.strip_prefix("---\n").expect("front matter first");
    let end = rest.find("\n---\n").expect("front matter closed");
    let yaml: Value = serde_yaml::from_str(&rest[..end]).expect("front matter is YAML");
    (yaml, &rest[end + "\n---\n".len()..])
}

fn licenses(pairs: &[(&str, u64)]) -> BTreeMap<String, u64> {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), *v)).collect()
}

#[test]
fn sample_front_matter_parses_with_licenses_size_and_configs() {
    let card = render(&sample());
    let (yaml, body) = split(&card);
    assert_eq!(
        yaml["license"],
        json!([
            "mit",
            "apache-2.0",
            "bsd-3-clause",
            "gpl-3.0",
            "unknown",
            "isc",
            "bsd-2-clause",
            "gpl-2.0",
            "unlicense"
        ])
    );
    assert!(yaml.get("license_name").is_none() && yaml.get("license_link").is_none());
    assert_eq!(yaml["size_categories"], json!(["n<1K"]));
    assert_eq!(yaml["task_categories"], json!(["text-generation"]));
    assert_eq!(yaml["pretty_name"], json!("corpusledger dataset d7332551e260"));
    assert_eq!(
        yaml["configs"],
        json!([
            {"config_name": "default", "default": true,
             "data_files": [{"split": "train", "path": "data/part-*.parquet"}]},
            {"config_name": "removed",
             "data_files": [{"split": "train", "path": "removed.parquet"}]},
        ])
    );
    assert!(body.starts_with("\n# Dataset Card for corpusledger dataset d7332551e260\n"));
    assert!(is_card(&card));
}

#[test]
fn body_follows_the_hub_template_with_the_datasheet_sections() {
    let card = render(&sample());
    let headings: Vec<&str> = card.lines().filter(|l| l.starts_with("## ")).collect();
    assert_eq!(
        headings,
        [
            "## Dataset Details",
            "## Uses",
            "## Dataset Structure",
            "## Dataset Creation",
            "## Personal and Sensitive Information",
            "## Bias, Risks, and Limitations",
            "## Distribution",
            "## Maintenance",
            "## Citation",
        ]
    );
    // The datasheet's subsections sit one level down under Dataset Creation.
    for heading in [
        "### Source Data",
        "#### Opt-out lists",
        "### Data Collection and Processing",
        "#### Deduplication",
        "#### License labels",
    ] {
        assert!(card.contains(&format!("\n{heading}\n")), "no {heading}");
    }
    // Every prompt of the datasheet is in the card, once.
    let datasheet = crate::markdown(&sample());
    for prompt in datasheet.lines().filter(|l| l.starts_with("> **TO ANSWER:**")) {
        assert_eq!(card.matches(prompt).count(), 1, "{prompt}");
    }
    assert!(card.contains("`corpusledger verify DIR`"));
    assert!(card.contains("| Apache-2.0 OR MIT | 1 | 1.9% | `apache-2.0, mit` |"));
}

#[test]
fn license_ids_map_to_the_hub_list() {
    let cases = [
        ("MIT", HubLicense::Listed("mit")),
        ("Apache-2.0", HubLicense::Listed("apache-2.0")),
        ("GPL-3.0-only", HubLicense::Listed("gpl-3.0")),
        ("GPL-2.0-or-later", HubLicense::Listed("gpl-2.0")),
        ("LGPL-2.1+", HubLicense::Listed("lgpl-2.1")),
        ("AGPL-3.0-or-later", HubLicense::Listed("agpl-3.0")),
        ("CC-BY-SA-4.0", HubLicense::Listed("cc-by-sa-4.0")),
        ("GFDL-1.3-no-invariants-only", HubLicense::Listed("gfdl")),
        ("ODbL-1.0", HubLicense::Listed("odbl")),
        ("unlicense", HubLicense::Listed("unlicense")),
        ("NOASSERTION", HubLicense::Unknown),
        ("NONE", HubLicense::Unknown),
        ("CC-BY-SA-2.5", HubLicense::Other("CC-BY-SA-2.5".to_owned())),
        ("0BSD", HubLicense::Other("0BSD".to_owned())),
        ("LGPL-2.0-only", HubLicense::Other("LGPL-2.0-only".to_owned())),
        ("LicenseRef-acme", HubLicense::Other("LicenseRef-acme".to_owned())),
    ];
    for (spdx, hub) in cases {
        assert_eq!(of_id(spdx), hub, "{spdx}");
    }
}

#[test]
fn expressions_split_into_their_ids() {
    let ids = |e: &str| -> Vec<String> { of_expression(e).iter().map(|l| l.id().to_owned()).collect() };
    assert_eq!(ids("Apache-2.0 OR MIT"), ["apache-2.0", "mit"]);
    assert_eq!(ids("(MIT AND BSD-3-Clause) or MIT"), ["mit", "bsd-3-clause"]);
    assert_eq!(ids("GPL-2.0-only WITH Classpath-exception-2.0"), ["gpl-2.0"]);
    assert_eq!(ids("MIT AND 0BSD"), ["mit", "other"]);
    assert_eq!(ids(""), ["unknown"]);
}

#[test]
fn other_licenses_are_named_and_linked() {
    let one = HubLicenses::of_licenses(&licenses(&[("MIT", 3), ("0BSD", 5), ("NOASSERTION", 1)]));
    assert_eq!(one.ids, ["other", "mit", "unknown"]);
    assert_eq!(
        one.other_name_and_link(),
        Some(("0bsd".to_owned(), "https://spdx.org/licenses/0BSD.html".to_owned()))
    );
    let several = HubLicenses::of_licenses(&licenses(&[("MIT-0 OR CC-BY-SA-2.5", 2), ("MIT", 2)]));
    assert_eq!(
        several.ids,
        ["mit", "other"],
        "ties by id; other counted once per expression"
    );
    assert_eq!(several.other, ["CC-BY-SA-2.5", "MIT-0"]);
    assert_eq!(
        several.other_name_and_link(),
        Some(("several-licenses".to_owned(), "manifest.json".to_owned()))
    );
    let custom = HubLicenses::of_licenses(&licenses(&[("LicenseRef-Acme_1", 1)]));
    assert_eq!(
        custom.other_name_and_link(),
        Some(("licenseref-acme-1".to_owned(), "manifest.json".to_owned()))
    );
}

#[test]
fn size_categories_follow_the_hub_buckets() {
    let cases = [
        (0, "n<1K"),
        (999, "n<1K"),
        (1_000, "1K<n<10K"),
        (9_999, "1K<n<10K"),
        (10_000, "10K<n<100K"),
        (123_456, "100K<n<1M"),
        (1_000_000, "1M<n<10M"),
        (999_999_999, "100M<n<1B"),
        (1_000_000_000, "1B<n<10B"),
        (1_000_000_000_000, "n>1T"),
    ];
    for (n, category) in cases {
        assert_eq!(size_category(n), category, "{n}");
    }
}

/// A manifest whose strings try to break out of the YAML and the Markdown.
#[test]
fn hostile_strings_stay_inside_their_scalars() {
    let mut m = sample();
    m.merkle.root = "\"\n---\nlicense: evil\n# é\u{1F600}".to_owned();
    m.licenses = licenses(&[("LicenseRef-x\"\n---\nowned: true", 1)]);
    let card = render(&m);
    let (yaml, _) = split(&card);
    assert!(yaml.get("owned").is_none());
    assert_eq!(yaml["license"], json!(["other"]));
    assert_eq!(yaml["license_link"], json!("manifest.json"));
    assert_eq!(
        yaml["pretty_name"].as_str().unwrap(),
        format!(
            "corpusledger dataset {}",
            m.merkle.root.chars().take(12).collect::<String>()
        )
    );
    assert!(card.lines().filter(|l| *l == "---").count() == 2, "{card}");
    assert_eq!(quote("a\"b\\c\u{7f}é"), "\"a\\\"b\\\\c\\u007f\\u00e9\"");
}

#[test]
fn attribution_is_a_config_only_when_there_is_one() {
    let mut m = sample();
    let card = render(&m);
    assert!(!card.contains("config_name: attribution"));
    m.attribution = Some(corpusledger_manifest::Attribution {
        file: "ATTRIBUTION.parquet".to_owned(),
        rows: 3,
        ..Default::default()
    });
    let (yaml, _) = split(&render(&m));
    assert_eq!(
        yaml["configs"][2],
        json!({"config_name": "attribution",
               "data_files": [{"split": "train", "path": "ATTRIBUTION.parquet"}]})
    );
}

#[test]
fn the_marker_tells_our_card_from_another_readme() {
    let card = render(&sample());
    assert!(card.starts_with(&format!("---\n{CARD_MARKER}\n")));
    assert!(is_card(&card.replace('\n', "\r\n")));
    assert!(!is_card("# My project\n"));
    assert!(!is_card("---\nlicense: mit\n---\n# corpusledger-card: in the body\n"));
    assert!(!is_card(&card.replacen(CARD_MARKER, "# edited by hand", 1)));
    assert!(!is_card(""));
}

#[test]
fn the_card_is_deterministic() {
    assert_eq!(render(&sample()), render(&sample()));
}
