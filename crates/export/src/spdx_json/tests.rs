use std::collections::BTreeSet;

use serde_json::Value;

use super::*;
use crate::testdata::{CREATED, sample, two_shards};

fn package<'a>(doc: &'a Value, name: &str) -> &'a Value {
    doc["packages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == name)
        .unwrap_or_else(|| panic!("no package {name}"))
}

fn has_relationship(doc: &Value, from: &str, kind: &str, to: &str) -> bool {
    doc["relationships"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["spdxElementId"] == from && r["relationshipType"] == kind && r["relatedSpdxElement"] == to)
}

#[test]
fn document_is_named_by_the_merkle_root() {
    let manifest = sample();
    let doc = crate::spdx(&manifest, CREATED);
    assert_eq!(doc["spdxVersion"], "SPDX-2.3");
    assert_eq!(
        doc["documentNamespace"],
        format!("https://spdx.org/spdxdocs/corpusledger-{}", manifest.merkle.root)
    );
    assert_eq!(doc["creationInfo"]["created"], CREATED);
    assert!(
        doc["creationInfo"]["licenseListVersion"]
            .as_str()
            .unwrap()
            .starts_with("3.")
    );
}

#[test]
fn every_output_is_a_package_with_its_sha256() {
    for manifest in [sample(), two_shards()] {
        let doc = crate::spdx(&manifest, CREATED);
        for output in &manifest.outputs {
            let package = package(&doc, &output.path);
            assert_eq!(package["primaryPackagePurpose"], "FILE");
            assert_eq!(
                package["checksums"],
                serde_json::json!([{"algorithm": "SHA256", "checksumValue": output.sha256}])
            );
            let id = package["SPDXID"].as_str().unwrap();
            assert!(has_relationship(&doc, DATASET, "CONTAINS", id), "{id}");
        }
        assert!(has_relationship(&doc, DOCUMENT, "DESCRIBES", DATASET));
    }
}

#[test]
fn ids_are_unique_and_relationships_name_them() {
    let doc = crate::spdx(&two_shards(), CREATED);
    let mut ids = BTreeSet::from([DOCUMENT]);
    for package in doc["packages"].as_array().unwrap() {
        let id = package["SPDXID"].as_str().unwrap();
        assert!(ids.insert(id), "duplicate {id}");
        let idstring = id.strip_prefix("SPDXRef-").unwrap();
        assert!(
            idstring
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-'),
            "{id}"
        );
    }
    for r in doc["relationships"].as_array().unwrap() {
        for end in ["spdxElementId", "relatedSpdxElement"] {
            assert!(ids.contains(r[end].as_str().unwrap()), "{r}");
        }
    }
}

#[test]
fn licenses_are_concluded_only_when_every_document_is_known() {
    let manifest = sample();
    let doc = crate::spdx(&manifest, CREATED);
    // Six kept documents are NOASSERTION, and the shard mixes three inputs.
    assert_eq!(
        package(&doc, &format!("corpusledger-{}", &manifest.merkle.root[..12]))["licenseConcluded"],
        NOASSERTION
    );
    assert_eq!(
        package(&doc, "data/part-00000.parquet")["licenseConcluded"],
        NOASSERTION
    );
    let input = package(&doc, "sample-data/repos");
    assert_eq!(input["licenseConcluded"], NOASSERTION);
    assert_eq!(input["licenseDeclared"], NOASSERTION);
    assert!(input["comment"].as_str().unwrap().contains("not recorded per input"));
    assert!(doc.get("hasExtractedLicensingInfos").is_none());

    let doc = crate::spdx(&two_shards(), CREATED);
    let repos = package(&doc, "repos");
    assert_eq!(repos["licenseConcluded"], "LicenseRef-Corp-EULA AND MIT");
    let annotation = repos["annotations"][0]["comment"].as_str().unwrap();
    assert!(
        annotation.ends_with(two_shards().inputs[0].digest.as_deref().unwrap()),
        "{annotation}"
    );
    // Four of its documents were removed: their licenses are not known.
    let stack = package(&doc, "stack");
    assert_eq!(stack["licenseConcluded"], NOASSERTION);
    assert!(
        stack["comment"]
            .as_str()
            .unwrap()
            .contains("Apache-2.0 OR MIT 4, GPL-3.0-only 1")
    );
    assert_eq!(
        package(&doc, "data/part-00001.parquet")["licenseConcluded"],
        "(Apache-2.0 OR MIT) AND GPL-3.0-only"
    );
    assert!(package(&doc, "broken").get("annotations").is_none());
    assert!(has_relationship(
        &doc,
        "SPDXRef-Output-1",
        "GENERATED_FROM",
        "SPDXRef-Input-1"
    ));
    assert!(!has_relationship(
        &doc,
        "SPDXRef-Output-1",
        "GENERATED_FROM",
        "SPDXRef-Input-0"
    ));
    assert!(has_relationship(
        &doc,
        "SPDXRef-Output-2",
        "GENERATED_FROM",
        "SPDXRef-Input-1"
    ));
    assert!(!has_relationship(
        &doc,
        "SPDXRef-Output-2",
        "GENERATED_FROM",
        "SPDXRef-Input-0"
    ));
}

#[test]
fn license_refs_get_extracted_licensing_infos() {
    let doc = crate::spdx(&two_shards(), CREATED);
    let extracted = doc["hasExtractedLicensingInfos"].as_array().unwrap();
    assert_eq!(extracted.len(), 1);
    assert_eq!(extracted[0]["licenseId"], "LicenseRef-Corp-EULA");
    assert!(!extracted[0]["extractedText"].as_str().unwrap().is_empty());
}
