//! `corpusledger verify`: an untouched dataset is valid; each kind of
//! tampering is caught with its own code; a bad manifest cannot be used.

use std::path::Path;
use std::sync::Arc;

use parquet::arrow::ArrowWriter;

use crate::util;

/// A sample run in three data shards.
fn dataset() -> tempfile::TempDir {
    let out = tempfile::tempdir().unwrap();
    let config = out.path().join("small.toml");
    std::fs::write(&config, "shard-max-rows = 20\n").unwrap();
    let data = out.path().join("ds");
    let output = util::run(&util::SAMPLE_INPUTS, &data, &["--config", config.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", util::stderr(&output));
    std::fs::remove_file(&config).unwrap();
    out
}

fn ds(out: &tempfile::TempDir) -> std::path::PathBuf {
    out.path().join("ds")
}

/// Runs `verify --json DIR`; returns the exit code and the finding codes.
fn verify(dir: &Path, extra: &[&str]) -> (Option<i32>, Vec<(String, String)>, String) {
    let mut args = vec!["verify", "--json", dir.to_str().unwrap()];
    args.extend(extra);
    let output = util::corpusledger(&args);
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let codes = serde_json::from_str::<serde_json::Value>(&stdout)
        .map(|report| {
            report["findings"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| {
                    (
                        f["code"].as_str().unwrap().to_owned(),
                        f["file"].as_str().unwrap_or("-").to_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    (output.status.code(), codes, util::stderr(&output))
}

fn assert_caught(dir: &Path, code: &str, file: &str) {
    let (exit, codes, stderr) = verify(dir, &[]);
    assert_eq!(exit, Some(1), "{codes:?} {stderr}");
    assert!(
        codes.iter().any(|(c, f)| c == code && f == file),
        "expected {code} on {file}, got {codes:?}"
    );
}

fn edit_manifest(dir: &Path, edit: impl FnOnce(&mut serde_json::Value)) {
    let mut manifest = util::manifest(dir);
    edit(&mut manifest);
    std::fs::write(dir.join("manifest.json"), serde_json::to_vec_pretty(&manifest).unwrap()).unwrap();
}

const SHARD: &str = "data/part-00001.parquet";

#[test]
fn an_untouched_dataset_is_valid() {
    let out = dataset();
    let (exit, codes, stderr) = verify(&ds(&out), &[]);
    assert_eq!(exit, Some(0), "{codes:?} {stderr}");
    assert!(codes.is_empty());
    // The human report says so, with the root.
    let output = util::corpusledger(&["verify", ds(&out).to_str().unwrap()]);
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("valid: 8 files"), "{text}");
    assert!(text.contains(util::manifest(&ds(&out))["merkle"]["root"].as_str().unwrap()));
}

#[test]
fn a_flipped_byte_is_caught() {
    let out = dataset();
    let path = ds(&out).join(SHARD);
    let mut bytes = std::fs::read(&path).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x01;
    std::fs::write(&path, bytes).unwrap();
    assert_caught(&ds(&out), "file-hash-mismatch", SHARD);
}

#[test]
fn a_truncated_shard_is_caught() {
    let out = dataset();
    let path = ds(&out).join(SHARD);
    let bytes = std::fs::read(&path).unwrap();
    std::fs::write(&path, &bytes[..bytes.len() - 100]).unwrap();
    assert_caught(&ds(&out), "file-size-mismatch", SHARD);
    assert_caught(&ds(&out), "file-unreadable", SHARD);
}

#[test]
fn a_removed_shard_is_caught() {
    let out = dataset();
    std::fs::remove_file(ds(&out).join(SHARD)).unwrap();
    assert_caught(&ds(&out), "file-missing", SHARD);
}

#[test]
fn an_extra_file_is_caught() {
    let out = dataset();
    std::fs::write(ds(&out).join("data/part-00009.parquet"), b"PAR1").unwrap();
    assert_caught(&ds(&out), "file-unexpected", "data/part-00009.parquet");
}

#[test]
fn swapped_shards_are_caught() {
    let out = dataset();
    let (a, b) = (ds(&out).join("data/part-00000.parquet"), ds(&out).join(SHARD));
    let tmp = ds(&out).join("swap");
    std::fs::rename(&a, &tmp).unwrap();
    std::fs::rename(&b, &a).unwrap();
    std::fs::rename(&tmp, &b).unwrap();
    assert_caught(&ds(&out), "file-hash-mismatch", "data/part-00000.parquet");
    assert_caught(&ds(&out), "file-hash-mismatch", SHARD);
    // Each shard's footer still says what it holds; the manifest's entry
    // for its new name does not.
    assert_caught(&ds(&out), "shard-provenance-mismatch", SHARD);
}

#[test]
fn a_deleted_row_in_a_re_encoded_shard_is_caught() {
    let out = dataset();
    let path = ds(&out).join(SHARD);
    let batches = corpusledger_output::read_batches(&path).unwrap();
    let all = arrow::compute::concat_batches(&batches[0].schema(), &batches).unwrap();
    let fewer = all.slice(1, all.num_rows() - 1);
    let file = std::fs::File::create(&path).unwrap();
    let mut writer = ArrowWriter::try_new(file, Arc::clone(&fewer.schema()), None).unwrap();
    writer.write(&fewer).unwrap();
    writer.close().unwrap();
    assert_caught(&ds(&out), "file-hash-mismatch", SHARD);
    assert_caught(&ds(&out), "rows-mismatch", SHARD);
    assert_caught(&ds(&out), "counts-kept-mismatch", "manifest.json");
}

#[test]
fn an_edited_count_is_caught() {
    let out = dataset();
    edit_manifest(&ds(&out), |m| {
        let kept = m["counts"]["kept"].as_u64().unwrap();
        m["counts"]["kept"] = (kept + 1).into();
    });
    assert_caught(&ds(&out), "counts-identity", "manifest.json");
    assert_caught(&ds(&out), "counts-kept-mismatch", "manifest.json");
}

#[test]
fn an_edited_hash_is_caught() {
    let out = dataset();
    edit_manifest(&ds(&out), |m| {
        let entry = m["outputs"]
            .as_array_mut()
            .unwrap()
            .iter_mut()
            .find(|o| o["path"] == SHARD)
            .unwrap();
        entry["sha256"] = "ab".repeat(32).into();
    });
    assert_caught(&ds(&out), "file-hash-mismatch", SHARD);
    assert_caught(&ds(&out), "merkle-root-mismatch", "manifest.json");
}

/// Issue 20: each document-level commitment is recomputed from the data, so
/// a root the data does not give (a tree built over other or unsorted
/// leaves, say) is caught; the other commitments still check.
#[test]
fn an_edited_commitment_is_caught() {
    for tree in ["kept", "removed", "bands"] {
        let out = dataset();
        edit_manifest(&ds(&out), |m| {
            m["commitments"][tree]["root"] = "cd".repeat(32).into();
        });
        let (exit, codes, stderr) = verify(&ds(&out), &[]);
        assert_eq!(exit, Some(1), "{codes:?} {stderr}");
        // The tree file no longer leads to the edited root, and the data
        // does not give it.
        assert_eq!(
            codes,
            vec![
                ("commitment-mismatch".to_owned(), format!("commitments/{tree}.tree")),
                ("commitment-mismatch".to_owned(), "manifest.json".to_owned())
            ],
            "{tree}"
        );
    }
    let out = dataset();
    edit_manifest(&ds(&out), |m| {
        let leaves = m["commitments"]["bands"]["leaves"].as_u64().unwrap();
        m["commitments"]["bands"]["leaves"] = (leaves + 1).into();
    });
    assert_caught(&ds(&out), "commitment-mismatch", "manifest.json");
}

#[test]
fn a_ledger_pointing_nowhere_is_caught() {
    // A manifest whose data shard is dropped from the listing, with counts
    // and root made consistent again: the ledger's duplicates now point to
    // documents that are not kept.
    let out = dataset();
    let dir = ds(&out);
    let rows = util::read_rows(&dir.join("data/part-00000.parquet")).len() as u64;
    std::fs::remove_file(dir.join("data/part-00000.parquet")).unwrap();
    edit_manifest(&dir, |m| {
        let outputs = m["outputs"].as_array_mut().unwrap();
        outputs.retain(|o| o["path"] != "data/part-00000.parquet");
        let entries: Vec<corpusledger_manifest::OutputEntry> =
            serde_json::from_value(serde_json::Value::Array(outputs.clone())).unwrap();
        let merkle = corpusledger_manifest::Merkle::over(&entries).unwrap();
        m["merkle"] = serde_json::to_value(merkle).unwrap();
        let kept = m["counts"]["kept"].as_u64().unwrap();
        m["counts"]["kept"] = (kept - rows).into();
        let documents = m["counts"]["documents"].as_u64().unwrap();
        m["counts"]["documents"] = (documents - rows).into();
    });
    assert_caught(&dir, "ledger-kept-missing", "removed.parquet");
}

#[test]
fn a_bad_manifest_cannot_be_used_and_nothing_outside_is_read() {
    let out = dataset();
    let dir = ds(&out);
    let manifest = std::fs::read(dir.join("manifest.json")).unwrap();
    type Edit = Box<dyn Fn(&mut serde_json::Value)>;
    let cases: [(&str, Edit, &str); 4] = [
        ("version", Box::new(|m| m["version"] = 9.into()), "manifest version 9"),
        (
            "missing",
            Box::new(|m| {
                m.as_object_mut().unwrap().remove("outputs");
            }),
            "missing field `outputs`",
        ),
        (
            "dotdot",
            Box::new(|m| m["outputs"][0]["path"] = "../outside.parquet".into()),
            "refused",
        ),
        (
            "absolute",
            Box::new(|m| m["outputs"][0]["path"] = "/etc/passwd".into()),
            "refused",
        ),
    ];
    for (name, edit, expected) in cases {
        std::fs::write(dir.join("manifest.json"), &manifest).unwrap();
        edit_manifest(&dir, edit);
        let (exit, _, stderr) = verify(&dir, &[]);
        assert_eq!(exit, Some(2), "{name}: {stderr}");
        assert!(
            stderr.contains(expected) && stderr.contains("manifest.json"),
            "{name}: {stderr}"
        );
    }
    std::fs::write(dir.join("manifest.json"), b"{ not json").unwrap();
    let (exit, _, stderr) = verify(&dir, &[]);
    assert_eq!(exit, Some(2));
    assert!(stderr.contains("not JSON"), "{stderr}");
    // A listed file that is a symlink out of the directory is not followed.
    std::fs::write(dir.join("manifest.json"), &manifest).unwrap();
    let secret = out.path().join("outside.txt");
    std::fs::write(&secret, b"secret").unwrap();
    std::fs::remove_file(dir.join(SHARD)).unwrap();
    std::os::unix::fs::symlink(&secret, dir.join(SHARD)).unwrap();
    assert_caught(&dir, "file-not-regular", SHARD);
}

#[test]
fn the_signature_is_checked_against_the_given_key() {
    let out = dataset();
    let keys = tempfile::tempdir().unwrap();
    let (secret, public) = util::keygen(keys.path(), "ours");
    let (_, other_public) = util::keygen(keys.path(), "theirs");
    let pubkey = public.to_str().unwrap();

    // Not signed yet.
    let (exit, codes, _) = verify(&ds(&out), &["--pubkey", pubkey]);
    assert_eq!(exit, Some(1));
    assert!(codes.iter().any(|(c, _)| c == "signature-missing"), "{codes:?}");

    let sign = util::corpusledger(&["sign", ds(&out).to_str().unwrap(), "--key", secret.to_str().unwrap()]);
    assert_eq!(sign.status.code(), Some(0), "{}", util::stderr(&sign));
    let (exit, codes, stderr) = verify(&ds(&out), &["--pubkey", pubkey]);
    assert_eq!(exit, Some(0), "{codes:?} {stderr}");

    // Another key's public key: the signature is not from it.
    let (exit, codes, _) = verify(&ds(&out), &["--pubkey", other_public.to_str().unwrap()]);
    assert_eq!(exit, Some(1));
    assert_eq!(
        codes,
        [("signature-wrong-key".to_owned(), "manifest.json.minisig".to_owned())]
    );

    // A manifest changed after signing, even only in layout.
    let manifest = util::manifest(&ds(&out));
    std::fs::write(ds(&out).join("manifest.json"), serde_json::to_vec(&manifest).unwrap()).unwrap();
    let (exit, codes, _) = verify(&ds(&out), &["--pubkey", pubkey]);
    assert_eq!(exit, Some(1));
    assert!(codes.iter().any(|(c, _)| c == "signature-invalid"), "{codes:?}");

    // A public key that is not one cannot be used.
    std::fs::write(keys.path().join("bad.pub"), "not a key\n").unwrap();
    let (exit, _, stderr) = verify(&ds(&out), &["--pubkey", keys.path().join("bad.pub").to_str().unwrap()]);
    assert_eq!(exit, Some(2), "{stderr}");
}
