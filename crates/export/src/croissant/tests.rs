use serde_json::Value;

use super::*;
use crate::testdata::{sample, two_shards};

fn by_id<'a>(list: &'a Value, id: &str) -> &'a Value {
    list.as_array()
        .unwrap()
        .iter()
        .find(|v| v["@id"] == id)
        .unwrap_or_else(|| panic!("no {id} in {list}"))
}

fn field_names(record_set: &Value) -> Vec<&str> {
    record_set["field"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect()
}

#[test]
fn every_output_is_a_file_object_with_its_sha256() {
    for manifest in [sample(), two_shards()] {
        let doc = crate::croissant(&manifest);
        for output in &manifest.outputs {
            let file = by_id(&doc["distribution"], &output.path);
            assert_eq!(file["@type"], "cr:FileObject");
            assert_eq!(file["contentUrl"], output.path.as_str());
            assert_eq!(file["sha256"], output.sha256.as_str());
            assert_eq!(file["contentSize"], format!("{} B", output.bytes));
            let format = match output.path.ends_with(".parquet") {
                true => "application/x-parquet",
                false => "application/octet-stream",
            };
            assert_eq!(file["encodingFormat"], format, "{}", output.path);
        }
    }
}

#[test]
fn record_sets_list_the_parquet_columns() {
    let doc = crate::croissant(&sample());
    assert_eq!(doc["conformsTo"][0], CROISSANT);
    let documents = by_id(&doc["recordSet"], DOCUMENTS);
    let names: Vec<&str> = DATA_COLUMNS.iter().map(|c| c.name).collect();
    assert_eq!(field_names(documents), names);
    let removed = by_id(&doc["recordSet"], REMOVED);
    let names: Vec<&str> = LEDGER_COLUMNS.iter().map(|c| c.name).collect();
    assert_eq!(field_names(removed), names);
    let sources = by_id(&documents["field"], "documents/cluster_sources");
    assert_eq!(sources["isArray"], true);
    assert_eq!(sources["dataType"], "sc:Text");
    assert_eq!(sources["source"]["extract"]["column"], "cluster_sources");
    let row = by_id(&documents["field"], "documents/row");
    assert_eq!(row["dataType"], "sc:Integer");
    assert_eq!(row["source"]["fileObject"]["@id"], "data/part-00000.parquet");
    let jaccard = by_id(&removed["field"], "removed/jaccard");
    assert_eq!(jaccard["source"]["fileObject"]["@id"], "removed.parquet");
}

#[test]
fn several_shards_are_read_through_a_file_set() {
    let doc = crate::croissant(&two_shards());
    let set = by_id(&doc["distribution"], SHARDS);
    assert_eq!(set["@type"], "cr:FileSet");
    assert_eq!(
        set["includes"],
        serde_json::json!(["data/part-00000.parquet", "data/part-00001.parquet"])
    );
    assert_eq!(glob_literal("data/a*b?[c].parquet"), "data/a[*]b[?][[]c].parquet");
    let documents = by_id(&doc["recordSet"], DOCUMENTS);
    for field in documents["field"].as_array().unwrap() {
        assert_eq!(field["source"]["fileSet"]["@id"], SHARDS, "{field}");
    }
}

#[test]
fn licenses_are_spdx_pages_of_the_listed_ids() {
    let doc = crate::croissant(&two_shards());
    assert_eq!(
        doc["license"],
        serde_json::json!([
            "https://spdx.org/licenses/Apache-2.0.html",
            "https://spdx.org/licenses/GPL-3.0-only.html",
            "https://spdx.org/licenses/MIT.html",
        ])
    );
    let description = doc["description"].as_str().unwrap();
    assert!(description.contains("LicenseRef-Corp-EULA 1"), "{description}");
    assert!(doc["version"].as_str().unwrap().starts_with("0.0.0+merkle."));
}

#[test]
fn rai_fields_state_facts_or_ask() {
    let doc = crate::croissant(&two_shards());
    let collection = doc["rai:dataCollection"].as_str().unwrap();
    assert!(collection.contains("repos (jsonl): 3 documents"), "{collection}");
    assert!(collection.contains(crate::facts::ASK));
    let preprocessing = doc["rai:dataPreprocessingProtocol"].to_string();
    assert!(preprocessing.contains("seed 24301"), "{preprocessing}");
    assert!(
        preprocessing.contains("3 exact and 0 near duplicates removed"),
        "{preprocessing}"
    );
    assert!(
        doc["rai:dataReleaseMaintenancePlan"]
            .as_str()
            .unwrap()
            .contains("opt-out.txt")
    );
    assert!(
        doc["rai:dataCollectionMissingData"]
            .as_str()
            .unwrap()
            .contains("broken")
    );
    let limitations = doc["rai:dataLimitations"].to_string();
    assert!(limitations.contains("with probability 0.999081"), "{limitations}");
    assert!(
        doc["rai:dataSocialImpact"]
            .as_str()
            .unwrap()
            .starts_with(crate::facts::ASK)
    );
}
