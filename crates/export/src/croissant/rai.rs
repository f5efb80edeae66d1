//! The Responsible-AI fields (Croissant RAI 1.0): what the manifest knows,
//! and [`ASK`] where only the publisher can answer.
//!
//! `rai:dataCollectionTimeframe` is left out: it takes dates, and the
//! manifest records none (it holds no timestamps, so runs are reproducible).

use corpusledger_manifest::Manifest;
use serde_json::{Map, Value, json};

use crate::facts::{self, ASK};
use crate::license::Summary;

/// The `rai:` properties of `manifest`'s dataset.
pub(super) fn fields(manifest: &Manifest, licenses: &Summary) -> Map<String, Value> {
    let tool = format!("{} {}", manifest.tool.name, manifest.tool.version);
    let mut fields = Map::new();
    let mut put = |key: &str, value: Value| {
        fields.insert(format!("rai:{key}"), value);
    };
    put("dataCollection", collection(manifest, &tool).into());
    put(
        "dataCollectionType",
        json!([format!(
            "{ASK}: how the inputs were obtained (e.g. software repositories, web crawl)."
        )]),
    );
    put("dataCollectionRawData", raw_data(manifest).into());
    put("dataCollectionMissingData", missing_data(manifest).into());
    put(
        "dataImputationProtocol",
        "None: documents are kept or removed whole, and values that are not known stay null.".into(),
    );
    put("dataPreprocessingProtocol", preprocessing(manifest).into());
    put(
        "dataManipulationProtocol",
        "Kept documents are stored as read: the content is not edited (content_sha256 is the SHA-256 of the \
         stored text)."
            .into(),
    );
    put("dataAnnotationProtocol", annotation(manifest).into());
    put(
        "dataAnnotationPlatform",
        json!([format!("Automatic, by {tool}; no human annotators.")]),
    );
    put("dataAnnotationAnalysis", json!([signals(manifest)]));
    put(
        "annotationsPerItem",
        "One concluded license expression (with its evidence) and at most one language per document.".into(),
    );
    put(
        "annotatorDemographics",
        json!(["Not applicable: the annotations are automatic."]),
    );
    put("machineAnnotationTools", machine_tools(manifest, &tool).into());
    put("dataBiases", biases(manifest).into());
    put(
        "dataUseCases",
        json!([format!("{ASK}: the intended uses, and uses to avoid.")]),
    );
    put("dataLimitations", limitations(manifest, licenses).into());
    put("dataSocialImpact", format!("{ASK}.").into());
    put(
        "personalSensitiveInformation",
        json!([format!(
            "Not assessed: corpusledger does not look for personal or sensitive information (names, e-mail \
             addresses, credentials, keys) in the documents. {ASK}."
        )]),
    );
    put("dataReleaseMaintenancePlan", maintenance(manifest).into());
    fields
}

fn collection(manifest: &Manifest, tool: &str) -> String {
    let inputs: Vec<String> = manifest.inputs.iter().map(facts::input_line).collect();
    format!(
        "Documents were read by {tool} from {} inputs: {}. {ASK}: where and how the inputs were gathered.",
        manifest.inputs.len(),
        inputs.join("; ")
    )
}

fn raw_data(manifest: &Manifest) -> String {
    format!(
        "The inputs are not part of the dataset; each is identified by a SHA-256 over its documents (key, row \
         and content hash of each, in order): {}.",
        manifest
            .inputs
            .iter()
            .map(|i| format!("{} {}", i.label, i.digest.as_deref().unwrap_or("(not read)")))
            .collect::<Vec<_>>()
            .join("; ")
    )
}

fn missing_data(manifest: &Manifest) -> String {
    let unusable: Vec<&str> = manifest
        .inputs
        .iter()
        .filter(|i| i.error.is_some())
        .map(|i| i.label.as_str())
        .collect();
    let unusable = if unusable.is_empty() {
        "every input could be read".to_owned()
    } else {
        format!("inputs that could not be read: {}", unusable.join(", "))
    };
    format!(
        "Documents rejected before deduplication, each listed in removed.parquet with its reason: {}; {unusable}.",
        facts::nonzero(&manifest.counts.rejected)
    )
}

fn preprocessing(manifest: &Manifest) -> Vec<String> {
    let setting = |key: &str, empty: &str| match manifest.config.get(key) {
        None => "not recorded".to_owned(),
        Some(Value::String(text)) => text.clone(),
        Some(Value::Array(items)) if items.is_empty() => empty.to_owned(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|i| i.as_str().map_or_else(|| i.to_string(), str::to_owned))
            .collect::<Vec<_>>()
            .join(", "),
        Some(other) => other.to_string(),
    };
    let removed = |reason: &str| manifest.counts.removed.get(reason).copied().unwrap_or(0);
    vec![
        format!(
            "Rejection: binary, empty, not UTF-8, unreadable, unparseable and too large documents (max-file-bytes \
             {}) are rejected: {}.",
            setting("max-file-bytes", ""),
            facts::nonzero(&manifest.counts.rejected)
        ),
        format!(
            "Opt-out: {} lists applied before deduplication; {} documents removed.",
            manifest.licensing.opt_out.len(),
            removed("opted-out")
        ),
        format!(
            "License policy: allow {}; deny {}; documents of unknown license (NOASSERTION): {}; {} documents \
             removed.",
            setting("license-allow", "any license"),
            setting("license-deny", "none"),
            setting("license-noassertion", ""),
            removed("license-denied")
        ),
        format!(
            "Deduplication: {} {} exact and {} near duplicates removed; each removed copy is listed in \
             removed.parquet with the document kept in its place.",
            facts::dedup_sentence(manifest),
            removed("exact-duplicate"),
            removed("near-duplicate")
        ),
    ]
}

fn annotation(manifest: &Manifest) -> Vec<String> {
    vec![
        format!("License of each document: {}.", manifest.licensing.rule),
        "Language of each document: from its file name or extension; unknown otherwise.".to_owned(),
    ]
}

fn signals(manifest: &Manifest) -> String {
    let licensing = &manifest.licensing;
    format!(
        "Kept documents by license signal: {}. Clusters mixing license categories: {} ({} documents). \
         License information that could not be used: {} files.",
        facts::nonzero(&licensing.signals),
        licensing.conflicts.clusters,
        licensing.conflicts.documents,
        licensing.problems.count
    )
}

fn machine_tools(manifest: &Manifest, tool: &str) -> Vec<String> {
    vec![
        format!("{tool}: license detection by {}", manifest.licensing.detector),
        format!("{tool}: language from file names"),
    ]
}

fn biases(manifest: &Manifest) -> Vec<String> {
    vec![
        format!(
            "Of each cluster of duplicates one copy is kept, chosen by {}: kept copies lean towards what those \
             criteria favour.",
            manifest.dedup.keep_policy.join(", then ")
        ),
        format!("Kept documents by language: {}.", facts::nonzero(&manifest.languages)),
        format!(
            "Kept documents by license category: {}.",
            facts::nonzero(&manifest.license_categories)
        ),
        format!("{ASK}: biases of the sources themselves."),
    ]
}

fn limitations(manifest: &Manifest, licenses: &Summary) -> Vec<String> {
    let mut limitations = vec![format!(
        "Licenses are concluded automatically from declared, detected and header signals; {} kept documents \
         have no license that could be concluded (NOASSERTION), and {} duplicate clusters mix license \
         categories.",
        licenses.unknown, manifest.licensing.conflicts.clusters
    )];
    if let Some(p) = candidate_probability(manifest) {
        limitations.push(format!(
            "Near-duplicate detection is probabilistic: a pair at the threshold (Jaccard {}) becomes a candidate \
             with probability {p}, so some near duplicates remain.",
            manifest.dedup.threshold
        ));
    }
    limitations.push(format!("{ASK}: limitations of the sources and of the intended uses."));
    limitations
}

/// The S-curve's probability at the threshold, when the curve has that point.
fn candidate_probability(manifest: &Manifest) -> Option<&str> {
    let threshold: f64 = manifest.dedup.threshold.parse().ok()?;
    manifest
        .dedup
        .s_curve
        .iter()
        .find(|[s, _]| s.parse::<f64>().is_ok_and(|s| (s - threshold).abs() < 1e-9))
        .map(|[_, p]| p.as_str())
}

fn maintenance(manifest: &Manifest) -> String {
    let lists: Vec<String> = manifest
        .licensing
        .opt_out
        .iter()
        .map(|o| {
            format!(
                "{} (SHA-256 {}, {} entries, {} documents removed)",
                o.path, o.sha256, o.entries, o.matched
            )
        })
        .collect();
    let lists = if lists.is_empty() {
        "no opt-out list was applied".to_owned()
    } else {
        format!("opt-out lists applied: {}", lists.join("; "))
    };
    format!(
        "Every output file's SHA-256 and their Merkle root ({}) are in manifest.json; {lists}. {ASK}: who \
         maintains the dataset, and how opt-out requests are handled in later releases.",
        manifest.merkle.root
    )
}
