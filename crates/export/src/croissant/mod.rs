//! Croissant 1.1 JSON-LD (<http://mlcommons.org/croissant/1.1>) with the
//! Responsible-AI vocabulary (<http://mlcommons.org/croissant/RAI/1.0>).
//!
//! Every output file is a `cr:FileObject` with its SHA-256, which
//! mlcroissant checks when it reads the file. Two record sets describe the
//! rows: `documents` (the data shards) and `removed` (the ledger). With
//! several shards, `documents` reads them through a `cr:FileSet` naming each
//! (mlcroissant checks no hash for a FileSet's members).

mod columns;
mod rai;

use corpusledger_manifest::release::ReleaseFile;
use corpusledger_manifest::{Manifest, OutputEntry};
use serde_json::{Map, Value, json};

use crate::facts::{self, DATA, LEDGER};
use crate::license::Summary;
use columns::{Column, ColumnType, DATA_COLUMNS, LEDGER_COLUMNS};

/// The Croissant version the export conforms to.
pub(crate) const CROISSANT: &str = "http://mlcommons.org/croissant/1.1";
/// The Responsible-AI extension it uses.
pub(crate) const RAI: &str = "http://mlcommons.org/croissant/RAI/1.0";

/// A placeholder for the dataset's web page, which the manifest does not
/// know but Croissant 1.1 requires; `.invalid` never resolves (RFC 2606).
pub(crate) const URL_PLACEHOLDER: &str = "https://example.invalid/set-the-dataset-url";

/// The record set of the data shards.
const DOCUMENTS: &str = "documents";
/// The record set of the ledger.
const REMOVED: &str = "removed";
/// The file set of the data shards, when there are several.
const SHARDS: &str = "data-shards";

/// The Croissant description of `manifest`'s dataset.
pub(crate) fn croissant(manifest: &Manifest, release: Option<&ReleaseFile>) -> Value {
    let licenses = Summary::of(&manifest.licenses);
    let mut dataset = json!({
        "@context": context(),
        "@type": "sc:Dataset",
        "conformsTo": [CROISSANT, RAI],
        "name": facts::dataset_name(manifest),
        "description": description(manifest, &licenses) + &facts::release_sentence(release),
        "license": license_urls(&licenses),
        "url": URL_PLACEHOLDER,
        "creator": {"@type": "sc:Organization", "name": facts::ASK},
        "version": version(manifest),
        "keywords": keywords(manifest),
        "distribution": distribution(manifest, release),
        "recordSet": record_sets(manifest),
    });
    let object = dataset.as_object_mut().expect("a JSON object");
    object.extend(rai::fields(manifest, &licenses));
    dataset
}

/// The JSON-LD context mlcroissant writes for 1.1 (it warns about any other).
fn context() -> Value {
    json!({
        "@language": "en",
        "@vocab": "https://schema.org/",
        "arrayShape": "cr:arrayShape",
        "citeAs": "cr:citeAs",
        "column": "cr:column",
        "conformsTo": "dct:conformsTo",
        "containedIn": "cr:containedIn",
        "cr": "http://mlcommons.org/croissant/",
        "rai": "http://mlcommons.org/croissant/RAI/",
        "data": {"@id": "cr:data", "@type": "@json"},
        "dataType": {"@id": "cr:dataType", "@type": "@vocab"},
        "dct": "http://purl.org/dc/terms/",
        "description": {"@container": "@language"},
        "equivalentProperty": "cr:equivalentProperty",
        "examples": {"@id": "cr:examples", "@type": "@json"},
        "extract": "cr:extract",
        "field": "cr:field",
        "fileObject": "cr:fileObject",
        "fileProperty": "cr:fileProperty",
        "fileSet": "cr:fileSet",
        "format": "cr:format",
        "includes": "cr:includes",
        "isArray": "cr:isArray",
        "isLiveDataset": "cr:isLiveDataset",
        "jsonPath": "cr:jsonPath",
        "key": "cr:key",
        "md5": "cr:md5",
        "name": {"@container": "@language"},
        "parentField": "cr:parentField",
        "path": "cr:path",
        "recordSet": "cr:recordSet",
        "references": "cr:references",
        "regex": "cr:regex",
        "repeated": "cr:repeated",
        "replace": "cr:replace",
        "samplingRate": "cr:samplingRate",
        "sc": "https://schema.org/",
        "separator": "cr:separator",
        "source": "cr:source",
        "subField": "cr:subField",
        "transform": "cr:transform",
    })
}

fn description(manifest: &Manifest, licenses: &Summary) -> String {
    format!(
        "A deduplicated code corpus written by {} {}. {} Concluded licenses of the kept documents: {}. \
         The dataset as a whole has no license of its own recorded: each document keeps its own \
         (column `license`, with the evidence in `license_evidence`), and `license` lists the SPDX \
         licenses those expressions name.",
        manifest.tool.name,
        manifest.tool.version,
        facts::counts_sentence(manifest),
        licenses.counts_text(),
    )
}

/// The SPDX page of every license and exception the kept documents'
/// expressions name (`LicenseRef-`s have none; the description names them).
fn license_urls(licenses: &Summary) -> Vec<String> {
    licenses
        .listed()
        .iter()
        .map(|id| format!("https://spdx.org/licenses/{id}.html"))
        .collect()
}

/// The manifest records no dataset version: `0.0.0` says none was chosen,
/// and the build metadata names this content by its Merkle root.
fn version(manifest: &Manifest) -> String {
    let root = &manifest.merkle.root;
    let short: String = root.chars().take(16).filter(char::is_ascii_alphanumeric).collect();
    format!("0.0.0+merkle.{short}")
}

fn keywords(manifest: &Manifest) -> Vec<String> {
    let mut keywords = vec!["source code".to_owned(), "deduplicated".to_owned()];
    keywords.extend(
        manifest
            .languages
            .iter()
            .filter(|(language, n)| **n > 0 && language.as_str() != "unknown")
            .map(|(language, _)| language.clone()),
    );
    keywords
}

fn distribution(manifest: &Manifest, release: Option<&ReleaseFile>) -> Vec<Value> {
    let mut files: Vec<Value> = manifest.outputs.iter().map(|o| file_object(o, release)).collect();
    let shards: Vec<&OutputEntry> = facts::outputs(manifest, DATA).collect();
    if shards.len() > 1 {
        // mlcroissant reads a record set from one FileObject or FileSet, and
        // reads a FileSet only from the local folder (not through
        // `containedIn` FileObjects), so the shards are also a FileSet that
        // names each one exactly. Its members' hashes are the FileObjects'.
        files.push(json!({
            "@type": "cr:FileSet",
            "@id": SHARDS,
            "name": SHARDS,
            "description": format!("The {} data shards (each also a FileObject, with its SHA-256).", shards.len()),
            "encodingFormat": facts::PARQUET,
            "includes": shards.iter().map(|s| glob_literal(&s.path)).collect::<Vec<_>>(),
        }));
    }
    files
}

/// A glob matching exactly `path`: `*`, `?` and `[` in brackets.
fn glob_literal(path: &str) -> String {
    path.chars()
        .map(|c| match c {
            '*' | '?' | '[' => format!("[{c}]"),
            c => c.to_string(),
        })
        .collect()
}

fn file_object(output: &OutputEntry, release: Option<&ReleaseFile>) -> Value {
    let description = match output.kind.as_str() {
        DATA => format!("Data shard: {} kept documents.", output.rows),
        LEDGER => format!(
            "Removal ledger: {} removed or rejected documents, each with its reason.",
            output.rows
        ),
        _ => facts::other_output(output),
    } + &facts::withheld_sentence(release, &output.path);
    json!({
        "@type": "cr:FileObject",
        "@id": output.path,
        "name": output.path,
        "description": description,
        "contentUrl": output.path,
        "contentSize": format!("{} B", output.bytes),
        "encodingFormat": facts::media_type(&output.path),
        "sha256": output.sha256,
    })
}

fn record_sets(manifest: &Manifest) -> Vec<Value> {
    let mut sets = Vec::new();
    let shards: Vec<&OutputEntry> = facts::outputs(manifest, DATA).collect();
    let source = match shards.as_slice() {
        [] => None,
        [one] => Some(json!({"fileObject": {"@id": one.path}})),
        _ => Some(json!({"fileSet": {"@id": SHARDS}})),
    };
    if let Some(source) = source {
        let description = format!(
            "Kept documents, one row each: {} rows in {} shards.",
            manifest.counts.kept,
            shards.len()
        );
        let mut set = record_set(DOCUMENTS, &description, DATA_COLUMNS, &source);
        let flag_columns = manifest.filters.as_ref().map_or(&[][..], |f| &f.flag_columns[..]);
        if let Some(fields) = set["field"].as_array_mut() {
            fields.extend(flag_columns.iter().map(|name| flag_field(DOCUMENTS, name, &source)));
        }
        sets.push(set);
    }
    if let Some(ledger) = facts::outputs(manifest, LEDGER).next() {
        let description = format!(
            "Documents removed (duplicates, opt-outs, license policy) or rejected (binary, too large, ...), \
             one row each with the reason: {} rows.",
            ledger.rows
        );
        let source = json!({"fileObject": {"@id": ledger.path}});
        sets.push(record_set(REMOVED, &description, LEDGER_COLUMNS, &source));
    }
    sets
}

/// A flag column (`secret_flags`, ...): a list of findings, each with its
/// rule, line and byte span in `content`.
fn flag_field(record_set: &str, name: &str, source: &Value) -> Value {
    let id = format!("{record_set}/{name}");
    let sub = |part: &str, data_type: &str, description: &str| {
        let mut source = source.clone();
        source["extract"] = json!({"column": name});
        source["transform"] = json!({"jsonPath": part});
        json!({
            "@type": "cr:Field",
            "@id": format!("{id}/{part}"),
            "name": part,
            "description": description,
            "dataType": data_type,
            "source": source,
        })
    };
    let mut source = source.clone();
    source["extract"] = json!({"column": name});
    json!({
        "@type": "cr:Field",
        "@id": id,
        "name": name,
        "description": format!(
            "What the filter `{}` (action `flag`) found in the document, one item per finding.",
            name.trim_end_matches("_flags")
        ),
        "isArray": true,
        "arrayShape": "-1",
        "source": source,
        "subField": [
            sub("rule", "sc:Text", "The rule, `kind:name`."),
            sub("line", "sc:Integer", "1-based line of the span in `content`; 0 for a rule on the whole file."),
            sub("start", "sc:Integer", "Byte offset in `content` where the span starts."),
            sub("end", "sc:Integer", "Byte offset where the span ends, exclusive."),
            sub("note", "sc:Text", "More about the finding (the benchmark item). May be null."),
        ],
    })
}

fn record_set(id: &str, description: &str, columns: &[Column], source: &Value) -> Value {
    json!({
        "@type": "cr:RecordSet",
        "@id": id,
        "name": id,
        "description": description,
        "key": {"@id": format!("{id}/doc_id")},
        "field": columns.iter().map(|c| field(id, c, source)).collect::<Vec<_>>(),
    })
}

fn field(record_set: &str, column: &Column, source: &Value) -> Value {
    let mut source = source.clone();
    source["extract"] = json!({"column": column.name});
    let mut field = Map::new();
    field.insert("@type".into(), "cr:Field".into());
    field.insert("@id".into(), format!("{record_set}/{}", column.name).into());
    field.insert("name".into(), column.name.into());
    let nullable = if column.nullable { " May be null." } else { "" };
    field.insert("description".into(), format!("{}{nullable}", column.description).into());
    field.insert("dataType".into(), column.column_type.data_type().into());
    if column.column_type == ColumnType::TextList {
        field.insert("isArray".into(), true.into());
        field.insert("arrayShape".into(), "-1".into());
    }
    field.insert("source".into(), source);
    Value::Object(field)
}

#[cfg(test)]
mod tests;
