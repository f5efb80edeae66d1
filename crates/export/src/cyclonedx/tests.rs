use std::collections::BTreeSet;

use serde_json::Value;

use crate::testdata::{CREATED, sample, two_shards};

fn property<'a>(component: &'a Value, name: &str) -> &'a str {
    component["properties"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == name)
        .unwrap_or_else(|| panic!("no property {name}"))["value"]
        .as_str()
        .unwrap()
}

#[test]
fn bom_is_named_by_the_merkle_root() {
    let manifest = sample();
    let bom = crate::cyclonedx(&manifest, CREATED);
    assert_eq!(bom["specVersion"], "1.6");
    assert_eq!(
        bom["serialNumber"],
        crate::serial_number(&manifest.merkle.root).unwrap()
    );
    assert_eq!(bom["metadata"]["timestamp"], CREATED);
    let dataset = &bom["metadata"]["component"];
    assert_eq!(dataset["type"], "data");
    assert_eq!(property(dataset, "corpusledger:kept"), "53");
    assert_eq!(property(dataset, "corpusledger:removed:near-duplicate"), "7");
    assert_eq!(property(dataset, "corpusledger:license:unknown-documents"), "6");
    assert_eq!(dataset["pedigree"]["ancestors"].as_array().unwrap().len(), 3);
}

#[test]
fn every_output_is_a_data_component_with_its_sha256() {
    for manifest in [sample(), two_shards()] {
        let bom = crate::cyclonedx(&manifest, CREATED);
        let components = bom["components"].as_array().unwrap();
        assert_eq!(components.len(), manifest.outputs.len());
        for (output, component) in manifest.outputs.iter().zip(components) {
            assert_eq!(component["type"], "data");
            assert_eq!(component["name"], output.path.as_str());
            assert_eq!(
                component["hashes"],
                serde_json::json!([{"alg": "SHA-256", "content": output.sha256}])
            );
            assert_eq!(component["data"][0]["contents"]["url"], output.path.as_str());
        }
        let refs: BTreeSet<&str> = components
            .iter()
            .chain(
                bom["metadata"]["component"]["pedigree"]["ancestors"]
                    .as_array()
                    .unwrap(),
            )
            .chain([&bom["metadata"]["component"]])
            .map(|c| c["bom-ref"].as_str().unwrap())
            .collect();
        assert_eq!(
            refs.len(),
            components.len() + manifest.inputs.len() + 1,
            "bom-refs are unique"
        );
    }
}

#[test]
fn licenses_are_one_expression_of_the_known_ones() {
    let bom = crate::cyclonedx(&two_shards(), CREATED);
    assert_eq!(
        bom["metadata"]["component"]["licenses"],
        serde_json::json!([{
            "expression": "(Apache-2.0 OR MIT) AND GPL-3.0-only AND LicenseRef-Corp-EULA AND MIT",
            "acknowledgement": "concluded",
        }])
    );
    let ledger = &bom["components"][2];
    assert!(ledger.get("licenses").is_none());
    let sample_bom = crate::cyclonedx(&sample(), CREATED);
    let expression = sample_bom["metadata"]["component"]["licenses"][0]["expression"]
        .as_str()
        .unwrap();
    assert!(!expression.contains(crate::license::NOASSERTION), "{expression}");
}
