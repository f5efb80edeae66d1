//! SPDX 2.3 JSON: the dataset, each output file and each input as packages.
//!
//! SPDX 2.3 requires a SHA-1 for every `File`, and the manifest records
//! SHA-256 only, so output files are packages of purpose `FILE` with their
//! SHA-256 (`filesAnalyzed: false`), contained in the dataset's package.
//! A license is concluded for a package only when the concluded license of
//! every document in it is known; otherwise `NOASSERTION`, with the counts in
//! the package's comment.

use std::collections::{BTreeMap, BTreeSet};

use corpusledger_manifest::release::ReleaseFile;
use corpusledger_manifest::{InputEntry, Manifest, OutputEntry};
use serde_json::{Value, json};

use crate::facts::{self, DATA, LEDGER};
use crate::license::{NOASSERTION, Summary, parse};

const DOCUMENT: &str = "SPDXRef-DOCUMENT";
const DATASET: &str = "SPDXRef-Dataset";

/// The SPDX document of `manifest`'s dataset, created at `created`.
pub(crate) fn spdx(manifest: &Manifest, release: Option<&ReleaseFile>, created: &str) -> Value {
    let mut packages = vec![dataset_package(manifest, release)];
    let mut relationships = vec![relationship(DOCUMENT, "DESCRIBES", DATASET)];
    for (idx, output) in manifest.outputs.iter().enumerate() {
        let id = output_id(idx);
        packages.push(output_package(&id, output, release));
        relationships.push(relationship(DATASET, "CONTAINS", &id));
        for input_idx in sources(manifest, output) {
            relationships.push(relationship(&id, "GENERATED_FROM", &input_id(input_idx)));
        }
    }
    for (idx, input) in manifest.inputs.iter().enumerate() {
        packages.push(input_package(manifest, idx, input, created));
        relationships.push(relationship(DATASET, "GENERATED_FROM", &input_id(idx)));
    }
    let mut document = json!({
        "spdxVersion": "SPDX-2.3",
        "dataLicense": "CC0-1.0",
        "SPDXID": DOCUMENT,
        "name": facts::dataset_name(manifest),
        "documentNamespace": crate::document_namespace(&manifest.merkle.root),
        "creationInfo": {
            "created": created,
            "creators": [format!("Tool: {}", facts::exporter())],
            "licenseListVersion": license_list_version(),
            "comment": format!(
                "Exported from the dataset's manifest.json ({} version {}, written by {} {}; Merkle root {}).",
                manifest.format, manifest.version, manifest.tool.name, manifest.tool.version, manifest.merkle.root
            ),
        },
        "packages": packages,
        "relationships": relationships,
    });
    let extracted = extracted_licensing_infos(&document["packages"]);
    if !extracted.is_empty() {
        document["hasExtractedLicensingInfos"] = extracted.into();
    }
    document
}

fn output_id(idx: usize) -> String {
    format!("SPDXRef-Output-{idx}")
}

fn input_id(idx: usize) -> String {
    format!("SPDXRef-Input-{idx}")
}

fn relationship(from: &str, kind: &str, to: &str) -> Value {
    json!({"spdxElementId": from, "relationshipType": kind, "relatedSpdxElement": to})
}

/// `major.minor` of the SPDX license list the expressions were checked against.
fn license_list_version() -> String {
    let version = spdx::license_version();
    version.split('.').take(2).collect::<Vec<_>>().join(".")
}

/// A package without files of its own: SPDX's `NOASSERTION` defaults, and
/// the fields given.
fn package(id: &str, name: &str, purpose: &str, concluded: Option<String>, comment: String) -> Value {
    json!({
        "SPDXID": id,
        "name": name,
        "downloadLocation": NOASSERTION,
        "filesAnalyzed": false,
        "licenseConcluded": concluded.as_deref().unwrap_or(NOASSERTION),
        "licenseDeclared": NOASSERTION,
        "copyrightText": NOASSERTION,
        "primaryPackagePurpose": purpose,
        "comment": comment,
    })
}

fn dataset_package(manifest: &Manifest, release: Option<&ReleaseFile>) -> Value {
    let licenses = Summary::of(&manifest.licenses);
    let comment = format!(
        "A deduplicated code corpus. {} Concluded licenses of the kept documents: {}.{}",
        facts::counts_sentence(manifest),
        licenses.counts_text(),
        facts::release_sentence(release),
    );
    package(
        DATASET,
        &facts::dataset_name(manifest),
        "OTHER",
        licenses.complete_conjunction(),
        comment,
    )
}

fn output_package(id: &str, output: &OutputEntry, release: Option<&ReleaseFile>) -> Value {
    let (concluded, comment) = match (output.kind.as_str(), &output.provenance) {
        (DATA, Some(provenance)) => {
            let licenses = Summary::of(&provenance.licenses);
            let comment = format!(
                "Data shard: {} kept documents from {}. Concluded licenses of its documents: {}.",
                output.rows,
                facts::nonzero(&provenance.inputs),
                licenses.counts_text()
            );
            (licenses.complete_conjunction(), comment)
        }
        (LEDGER, _) => (
            None,
            format!(
                "Removal ledger: {} removed or rejected documents, each with its reason; it holds no document content.",
                output.rows
            ),
        ),
        _ => (None, facts::other_output(output)),
    };
    let comment = comment + &facts::withheld_sentence(release, &output.path);
    let mut package = package(id, &output.path, "FILE", concluded, comment);
    package["packageFileName"] = output.path.clone().into();
    package["checksums"] = json!([{"algorithm": "SHA256", "checksumValue": output.sha256}]);
    package
}

fn input_package(manifest: &Manifest, idx: usize, input: &InputEntry, created: &str) -> Value {
    let kept = kept_from(manifest, &input.label);
    let attributed = attributed_licenses(manifest, &input.label);
    let licenses = attributed.as_ref().map(Summary::of);
    // Documents removed or rejected from this input have no license in the
    // manifest, so a license is concluded only when every one was kept.
    let concluded = licenses
        .as_ref()
        .filter(|_| kept == input.documents)
        .and_then(Summary::complete_conjunction);
    let licenses_text = match &licenses {
        Some(summary) => format!("Concluded licenses of its kept documents: {}.", summary.counts_text()),
        None => "The licenses of its kept documents are not recorded per input: the shards holding them also \
                 hold documents of other inputs."
            .to_owned(),
    };
    let comment = format!(
        "Input {}; {kept} of its documents kept. {licenses_text}",
        facts::input_line(input)
    );
    let mut package = package(&input_id(idx), &input.label, "SOURCE", concluded, comment);
    if let Some(digest) = &input.digest {
        // A digest over the input's documents, not a checksum of a file, so
        // it is an annotation rather than one of the package's `checksums`.
        package["annotations"] = json!([{
            "annotationDate": created,
            "annotationType": "OTHER",
            "annotator": format!("Tool: {}", facts::exporter()),
            "comment": format!(
                "corpusledger input digest: SHA-256 over the input's documents (key, row and content hash of \
                 each, in order): {digest}"
            ),
        }]);
    }
    package
}

/// Kept documents of the input labelled `label`, over every data shard.
fn kept_from(manifest: &Manifest, label: &str) -> u64 {
    facts::outputs(manifest, DATA)
        .filter_map(|o| o.provenance.as_ref())
        .filter_map(|p| p.inputs.get(label))
        .sum()
}

/// The concluded licenses of the input's kept documents, when the manifest
/// tells them apart from other inputs' documents: it is the only input, or
/// every shard holding its documents holds no other input's.
fn attributed_licenses(manifest: &Manifest, label: &str) -> Option<BTreeMap<String, u64>> {
    if manifest.inputs.len() == 1 {
        return Some(manifest.licenses.clone());
    }
    let mut licenses: BTreeMap<String, u64> = BTreeMap::new();
    for shard in facts::outputs(manifest, DATA) {
        let provenance = shard.provenance.as_ref()?;
        if provenance.inputs.get(label).is_none_or(|n| *n == 0) {
            continue;
        }
        if provenance.inputs.values().filter(|n| **n > 0).count() > 1 {
            return None;
        }
        for (expression, n) in &provenance.licenses {
            *licenses.entry(expression.clone()).or_default() += n;
        }
    }
    Some(licenses)
}

/// Indices of the inputs an output was made from: a shard's inputs, or for
/// the ledger every input with documents that were not kept.
fn sources(manifest: &Manifest, output: &OutputEntry) -> Vec<usize> {
    let index = |label: &str| manifest.inputs.iter().position(|i| i.label == label);
    match (output.kind.as_str(), &output.provenance) {
        (DATA, Some(provenance)) => provenance
            .inputs
            .iter()
            .filter(|(_, n)| **n > 0)
            .filter_map(|(label, _)| index(label))
            .collect(),
        (LEDGER, _) => (0..manifest.inputs.len())
            .filter(|&i| {
                output.rows > 0 && kept_from(manifest, &manifest.inputs[i].label) < manifest.inputs[i].documents
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// One entry per `LicenseRef-` that a package's license names: SPDX needs
/// each declared, and the manifest has no license text to give.
fn extracted_licensing_infos(packages: &Value) -> Vec<Value> {
    let mut refs: BTreeSet<String> = BTreeSet::new();
    for package in packages.as_array().into_iter().flatten() {
        for key in ["licenseConcluded", "licenseDeclared"] {
            if let Some(parsed) = package[key].as_str().and_then(parse) {
                refs.extend(parsed.refs);
            }
        }
    }
    refs.into_iter()
        .map(|id| {
            json!({
                "licenseId": id,
                "name": id,
                "extractedText": format!(
                    "The text of {id} is not recorded in the corpusledger manifest; the license_evidence column \
                     of the data shards names the files it was concluded from."
                ),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests;
