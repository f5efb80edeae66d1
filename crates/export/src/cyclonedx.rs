//! CycloneDX 1.6 JSON: the dataset as the BOM's subject, a `data` component
//! per output file, and the inputs as the dataset's pedigree.
//!
//! CycloneDX has no `NOASSERTION`: a component's license expression joins
//! the concluded expressions of its documents whose license is known, and
//! the `corpusledger:license:unknown-documents` property counts the others.

use corpusledger_manifest::release::ReleaseFile;
use corpusledger_manifest::{InputEntry, Manifest, OutputEntry};
use serde_json::{Value, json};

use crate::facts::{self, DATA, LEDGER};
use crate::license::Summary;

const DATASET: &str = "dataset";

/// The CycloneDX BOM of `manifest`'s dataset, created at `created`.
pub(crate) fn cyclonedx(manifest: &Manifest, release: Option<&ReleaseFile>, created: &str) -> Value {
    let outputs: Vec<Value> = manifest
        .outputs
        .iter()
        .enumerate()
        .map(|(idx, o)| output_component(idx, o, release))
        .collect();
    let mut bom = json!({
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "version": 1,
        "metadata": {
            "timestamp": created,
            "tools": {"components": [{
                "type": "application",
                "name": "corpusledger",
                "version": env!("CARGO_PKG_VERSION"),
            }]},
            "component": dataset_component(manifest, release),
        },
        "components": outputs,
        "dependencies": dependencies(manifest),
    });
    if let Some(serial) = crate::serial_number(&manifest.merkle.root) {
        bom["serialNumber"] = serial.into();
    }
    bom
}

fn property(name: &str, value: impl ToString) -> Value {
    json!({"name": format!("corpusledger:{name}"), "value": value.to_string()})
}

/// `[{expression, acknowledgement: concluded}]`, or nothing when no document's
/// license is known.
fn licenses(summary: &Summary) -> Option<Value> {
    let expression = summary.conjunction()?;
    Some(json!([{"expression": expression, "acknowledgement": "concluded"}]))
}

fn license_properties(summary: &Summary) -> Vec<Value> {
    let mut properties = vec![property("license:unknown-documents", summary.unknown)];
    properties.extend(
        summary
            .counts
            .iter()
            .map(|(expression, n)| property(&format!("license:{expression}"), n)),
    );
    properties
}

fn dataset_component(manifest: &Manifest, release: Option<&ReleaseFile>) -> Value {
    let summary = Summary::of(&manifest.licenses);
    let counts = &manifest.counts;
    let mut properties = vec![
        property("documents", counts.documents),
        property("kept", counts.kept),
        property("kept-bytes", counts.kept_bytes),
        property("merkle-root", &manifest.merkle.root),
        property("manifest-version", manifest.version),
    ];
    properties.extend(counts.removed.iter().map(|(r, n)| property(&format!("removed:{r}"), n)));
    properties.extend(
        counts
            .rejected
            .iter()
            .map(|(r, n)| property(&format!("rejected:{r}"), n)),
    );
    properties.extend(license_properties(&summary));
    let description = format!(
        "A deduplicated code corpus. {} Its license expression joins the concluded licenses of the kept \
         documents whose license is known ({} documents have none).{}",
        facts::counts_sentence(manifest),
        summary.unknown,
        facts::release_sentence(release),
    );
    if let Some(release) = release {
        properties.push(property("release:withheld-files", release.withheld.len()));
        properties.extend(release.rules.iter().map(|rule| property("release:rule", rule)));
    }
    let mut component = json!({
        "type": "data",
        "bom-ref": DATASET,
        "name": facts::dataset_name(manifest),
        "description": description,
        "data": [{
            "type": "dataset",
            "name": facts::dataset_name(manifest),
            "description": facts::dedup_sentence(manifest),
        }],
        "properties": properties,
        "pedigree": {"ancestors": manifest.inputs.iter().enumerate().map(|(i, input)| input_component(i, input)).collect::<Vec<_>>()},
    });
    if let Some(licenses) = licenses(&summary) {
        component["licenses"] = licenses;
    }
    component
}

fn output_ref(idx: usize) -> String {
    format!("output-{idx}")
}

fn output_component(idx: usize, output: &OutputEntry, release: Option<&ReleaseFile>) -> Value {
    let mut properties = vec![
        property("kind", &output.kind),
        property("rows", output.rows),
        property("bytes", output.bytes),
    ];
    let mut summary = None;
    let description = match (output.kind.as_str(), &output.provenance) {
        (DATA, Some(provenance)) => {
            properties.extend(
                provenance
                    .inputs
                    .iter()
                    .map(|(i, n)| property(&format!("input:{i}"), n)),
            );
            let licenses = Summary::of(&provenance.licenses);
            properties.extend(license_properties(&licenses));
            summary = Some(licenses);
            format!("Data shard: {} kept documents.", output.rows)
        }
        (LEDGER, _) => format!(
            "Removal ledger: {} removed or rejected documents, each with its reason.",
            output.rows
        ),
        _ => facts::other_output(output),
    } + &facts::withheld_sentence(release, &output.path);
    if let Some(rules) = facts::withheld_by(release, &output.path) {
        properties.extend(rules.iter().map(|rule| property("withheld-by", rule)));
    }
    let mut component = json!({
        "type": "data",
        "bom-ref": output_ref(idx),
        "name": output.path,
        "mime-type": facts::media_type(&output.path),
        "description": description,
        "hashes": [{"alg": "SHA-256", "content": output.sha256}],
        "data": [{
            "type": "dataset",
            "name": output.path,
            "contents": {"url": output.path},
            "description": description,
        }],
        "properties": properties,
    });
    if let Some(licenses) = summary.as_ref().and_then(licenses) {
        component["licenses"] = licenses;
    }
    component
}

fn input_component(idx: usize, input: &InputEntry) -> Value {
    let mut properties = vec![
        property("input-kind", &input.kind),
        property("documents", input.documents),
        property("bytes", input.bytes),
    ];
    // A digest over the input's documents, not a hash of a file: a
    // property, not one of the component's `hashes`.
    if let Some(digest) = &input.digest {
        properties.push(property("input-digest-sha256", digest));
    }
    if let Some(error) = &input.error {
        properties.push(property("input-error", error));
    }
    json!({
        "type": "data",
        "bom-ref": format!("input-{idx}"),
        "name": input.label,
        "description": format!("Input {}.", facts::input_line(input)),
        "data": [{"type": "source-code", "name": input.label}],
        "properties": properties,
    })
}

fn dependencies(manifest: &Manifest) -> Vec<Value> {
    let refs: Vec<String> = (0..manifest.outputs.len()).map(output_ref).collect();
    let mut dependencies = vec![json!({"ref": DATASET, "dependsOn": refs})];
    dependencies.extend(refs.iter().map(|r| json!({"ref": r})));
    dependencies
}

#[cfg(test)]
mod tests;
