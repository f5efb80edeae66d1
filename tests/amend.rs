//! `corpusledger amend` (issue 21): a published dataset without the kept
//! documents opt-out lists name. What must go is worked out here from the
//! previous version's shards and the lists' rules, not from what amend
//! reports; untouched shards are compared byte for byte; `verify` (with and
//! without `--previous`) and `diff` are run on the result.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::util;

/// Several data shards of 8 rows, so that some are untouched.
const SMALL_SHARDS: &str = "shard-max-rows = 8\n";

fn s(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// The sample run with small shards into `dir/v1`.
fn first_version(dir: &Path) -> PathBuf {
    let config = dir.join("small-shards.toml");
    std::fs::write(&config, SMALL_SHARDS).unwrap();
    let v1 = dir.join("v1");
    let output = util::run(&util::SAMPLE_INPUTS, &v1, &["--config", s(&config)]);
    assert_eq!(output.status.code(), Some(0), "{}", util::stderr(&output));
    v1
}

fn amend(dataset: &Path, out: &Path, lists: &[&Path], extra: &[&str]) -> std::process::Output {
    let mut args = vec!["amend", s(dataset), "--out", s(out), "--opt-out"];
    args.extend(lists.iter().map(|l| s(l)));
    args.extend(extra);
    util::corpusledger(&args)
}

fn verify(dir: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["verify", s(dir)];
    args.extend(extra);
    util::corpusledger(&args)
}

/// Data shard path -> its rows, in order, for every shard of `out`.
fn shards(out: &Path) -> BTreeMap<String, Vec<util::Row>> {
    util::manifest(out)["outputs"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["kind"] == "data")
        .map(|o| {
            let path = o["path"].as_str().unwrap().to_owned();
            let rows = util::read_rows(&out.join(&path));
            (path, rows)
        })
        .collect()
}

#[test]
fn amend_removes_exactly_the_opted_out_documents_and_leaves_other_shards_byte_identical() {
    let dir = tempfile::tempdir().unwrap();
    let v1 = first_version(dir.path());
    let before = shards(&v1);
    assert!(before.len() >= 4, "several shards: {}", before.len());

    // Three lists: repositories, one content hash, and one that matches nothing.
    let by_hash = before
        .values()
        .flatten()
        .find(|r| util::get(r, "repo") == Some("tinytok"))
        .unwrap();
    let hash = util::get(by_hash, "content_sha256").unwrap().to_owned();
    let repos = dir.path().join("repos.txt");
    std::fs::write(&repos, "# owners who asked\nrepo:ringbuf-c\nrepo:numerals/*\n").unwrap();
    let hashes = dir.path().join("hashes.txt");
    std::fs::write(&hashes, format!("sha256:{hash}\n")).unwrap();
    let nothing = dir.path().join("nothing.txt");
    std::fs::write(&nothing, "repo:no-such-owner/*\n").unwrap();

    // What must go, from the rules themselves.
    let must_go = |row: &util::Row| {
        let repo = util::get(row, "repo").unwrap_or("");
        repo == "ringbuf-c" || repo.starts_with("numerals/") || util::get(row, "content_sha256") == Some(&hash)
    };
    let gone: BTreeSet<String> = before
        .values()
        .flatten()
        .filter(|r| must_go(r))
        .map(|r| util::get(r, "doc_id").unwrap().to_owned())
        .collect();
    assert!(gone.len() >= 3, "{gone:?}");

    // ringbuf-c had copies removed in its favour: refused by default, nothing written.
    let v2 = dir.path().join("v2");
    let refused = amend(&v1, &v2, &[&repos, &hashes, &nothing], &[]);
    assert_eq!(refused.status.code(), Some(2), "{}", util::stderr(&refused));
    assert!(
        util::stderr(&refused).contains("--orphans stay-removed"),
        "{}",
        util::stderr(&refused)
    );
    assert!(!v2.exists());

    let output = amend(&v1, &v2, &[&repos, &hashes, &nothing], &["--orphans", "stay-removed"]);
    assert_eq!(output.status.code(), Some(0), "{}", util::stderr(&output));
    let err = util::stderr(&output);
    assert!(err.contains("nothing.txt matches no kept document"), "{err}");

    // No kept document matches; everything else is still kept, in order.
    let after = shards(&v2);
    assert_eq!(after.keys().collect::<Vec<_>>(), before.keys().collect::<Vec<_>>());
    assert!(!after.values().flatten().any(must_go));
    let mut untouched = 0;
    for (path, old_rows) in &before {
        let expected: Vec<&util::Row> = old_rows.iter().filter(|r| !must_go(r)).collect();
        let got: Vec<&util::Row> = after[path].iter().collect();
        assert_eq!(got, expected, "{path}");
        if expected.len() == old_rows.len() {
            untouched += 1;
            assert_eq!(
                std::fs::read(v1.join(path)).unwrap(),
                std::fs::read(v2.join(path)).unwrap(),
                "{path} holds no opted-out document, so it is the same file"
            );
        }
    }
    assert!(untouched >= 2, "{untouched}");

    // The manifest: counts add up, the link and the amendment.
    let (m1, m2) = (util::manifest(&v1), util::manifest(&v2));
    util::counts_add_up(&m2);
    assert_eq!(
        m2["counts"]["kept"].as_u64().unwrap() + gone.len() as u64,
        m1["counts"]["kept"].as_u64().unwrap()
    );
    assert_eq!(m2["counts"]["removed"]["opted-out"], gone.len() as u64);
    let old_bytes = std::fs::read(v1.join("manifest.json")).unwrap();
    let old_sha: String = Sha256::digest(&old_bytes).iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(m2["previous"]["manifest-sha256"], old_sha.as_str());
    assert_eq!(m2["previous"]["merkle-root"], m1["merkle"]["root"]);
    let lists = m2["amendments"]["opt-out"].as_array().unwrap();
    let matched: Vec<u64> = lists.iter().map(|l| l["matched"].as_u64().unwrap()).collect();
    assert_eq!(matched.iter().sum::<u64>(), gone.len() as u64);
    assert_eq!(matched[1], 1, "the hash list removed its one document");
    assert_eq!(matched[2], 0, "the list that matches nothing says 0");
    let list_sha: String = Sha256::digest(std::fs::read(&repos).unwrap())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(lists[0]["sha256"], list_sha.as_str());

    // The ledger: one opted-out row per removed document, naming the list
    // and line; the orphans keep their reason and say why they stay out.
    let ledger = util::ledger_rows(&v2);
    let opted: BTreeMap<&str, &str> = ledger
        .iter()
        .filter(|r| util::get(r, "reason") == Some("opted-out"))
        .map(|r| (util::get(r, "doc_id").unwrap(), util::get(r, "detail").unwrap()))
        .collect();
    assert_eq!(opted.keys().map(|k| k.to_string()).collect::<BTreeSet<_>>(), gone);
    for detail in opted.values() {
        assert!(
            detail.contains("repos.txt:2") || detail.contains("repos.txt:3") || detail.contains("hashes.txt:1"),
            "{detail}"
        );
    }
    let orphans: Vec<&util::Row> = ledger
        .iter()
        .filter(|r| util::get(r, "kept_doc_id").is_some_and(|k| gone.contains(k)))
        .collect();
    assert!(!orphans.is_empty());
    for row in &orphans {
        assert!(util::get(row, "reason").unwrap().ends_with("-duplicate"));
        assert!(util::get(row, "detail").unwrap().contains("stays out"), "{row:?}");
    }
    assert_eq!(m2["amendments"]["orphans"], orphans.len() as u64);
    assert_eq!(ledger.len(), util::ledger_rows(&v1).len() + gone.len());

    // verify, alone and against the previous version.
    for extra in [&[][..], &["--previous", s(&v1.join("manifest.json"))][..]] {
        let checked = verify(&v2, extra);
        assert_eq!(
            checked.status.code(),
            Some(0),
            "{extra:?}: {}",
            String::from_utf8_lossy(&checked.stdout)
        );
    }

    // diff lists exactly the removed documents, each as opted-out.
    let diff = util::corpusledger(&["diff", "--json", s(&v1), s(&v2)]);
    assert_eq!(diff.status.code(), Some(0), "{}", util::stderr(&diff));
    let diff: serde_json::Value = serde_json::from_slice(&diff.stdout).unwrap();
    let removed = &diff["documents"]["removed"];
    let listed: BTreeSet<String> = removed["list"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["doc-id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(listed, gone);
    assert_eq!(removed["by-reason"]["opted-out"], gone.len() as u64);
    assert_eq!(diff["documents"]["added"]["count"], 0);

    // The card says what changed.
    let card = std::fs::read_to_string(v2.join("README.md")).unwrap();
    assert!(card.contains("Changes since the previous version"), "{card}");
    assert!(card.contains(&old_sha), "the card names the previous manifest");
}

#[test]
fn amend_and_verify_previous_refuse_what_does_not_check() {
    let dir = tempfile::tempdir().unwrap();
    let v1 = first_version(dir.path());
    let list = dir.path().join("list.txt");
    std::fs::write(&list, "repo:tinytok\n").unwrap();

    // A malformed list names its file and line.
    let bad = dir.path().join("bad.txt");
    std::fs::write(&bad, "repo:argo\nowner argo\n").unwrap();
    let output = amend(&v1, &dir.path().join("x"), &[&bad], &[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(util::stderr(&output).contains("bad.txt:2"), "{}", util::stderr(&output));

    // A signature that does not check against the key given.
    let (secret, _) = util::keygen(dir.path(), "publisher");
    let (_, other_public) = util::keygen(dir.path(), "someone-else");
    let output = util::corpusledger(&["sign", s(&v1), "--key", s(&secret)]);
    assert_eq!(output.status.code(), Some(0), "{}", util::stderr(&output));
    let output = amend(&v1, &dir.path().join("y"), &[&list], &["--pubkey", s(&other_public)]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        util::stderr(&output).contains("signature does not check"),
        "{}",
        util::stderr(&output)
    );
    let publisher_public = dir.path().join("publisher.pub");
    let good = dir.path().join("good");
    let output = amend(&v1, &good, &[&list], &["--pubkey", s(&publisher_public)]);
    assert_eq!(output.status.code(), Some(0), "{}", util::stderr(&output));

    // verify --previous: another dataset's manifest is not the previous one.
    let other = dir.path().join("other");
    let output = util::run(&util::SAMPLE_INPUTS[..1], &other, &[]);
    assert_eq!(output.status.code(), Some(0));
    let checked = verify(&good, &["--previous", s(&other.join("manifest.json"))]);
    assert_eq!(checked.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&checked.stdout).contains("previous-sha256-mismatch"));

    // An amendment that misstates what it removed is caught against the
    // previous version (the manifest's own checks cannot see it).
    let mut manifest = util::manifest(&good);
    let shard = &mut manifest["amendments"]["shards"][0]["removed"];
    *shard = (shard.as_u64().unwrap() + 1).into();
    std::fs::write(good.join("manifest.json"), serde_json::to_vec(&manifest).unwrap()).unwrap();
    let checked = verify(&good, &["--previous", s(&v1.join("manifest.json"))]);
    assert_eq!(checked.status.code(), Some(1));
    let report = String::from_utf8_lossy(&checked.stdout);
    assert!(report.contains("amendment-shard-changed"), "{report}");
    assert!(report.contains("amendment-counts-mismatch"), "{report}");

    // A dataset that does not verify is not amended.
    let shard = v1.join("data/part-00001.parquet");
    let mut bytes = std::fs::read(&shard).unwrap();
    let last = bytes.len() - 20;
    bytes[last] ^= 0xff;
    std::fs::write(&shard, bytes).unwrap();
    let output = amend(&v1, &dir.path().join("z"), &[&list], &[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        util::stderr(&output).contains("does not verify"),
        "{}",
        util::stderr(&output)
    );
}
