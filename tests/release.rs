//! `corpusledger release` (issue 20, "Partial release"): a release with
//! withheld shards verifies against the full, signed manifest; an
//! undeclared missing file, an altered file and a tampered RELEASE.json are
//! findings; bad rules are clear errors; the datasheet and the exports say
//! what is withheld.

use std::path::{Path, PathBuf};

use crate::util;

/// The sample in three data shards: part-00001 holds the GPL-3.0-only
/// documents, part-00002 the repository `numerals/roman`.
fn dataset() -> tempfile::TempDir {
    let out = tempfile::tempdir().unwrap();
    let config = out.path().join("small.toml");
    std::fs::write(&config, "shard-max-rows = 20\n").unwrap();
    let output = util::run(&util::SAMPLE_INPUTS, &ds(&out), &["--config", config.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", util::stderr(&output));
    std::fs::remove_file(&config).unwrap();
    out
}

fn ds(out: &tempfile::TempDir) -> PathBuf {
    out.path().join("ds")
}

fn rel(out: &tempfile::TempDir) -> PathBuf {
    out.path().join("release")
}

/// Runs `release DS --out OUT/release --withhold RULES...`.
fn release(out: &tempfile::TempDir, rules: &[&str]) -> std::process::Output {
    let (source, target) = (ds(out), rel(out));
    let mut args = vec!["release", source.to_str().unwrap(), "--out", target.to_str().unwrap()];
    args.push("--withhold");
    args.extend(rules);
    util::corpusledger(&args)
}

fn released(out: &tempfile::TempDir, rules: &[&str]) {
    let output = release(out, rules);
    assert_eq!(output.status.code(), Some(0), "{}", util::stderr(&output));
}

/// Runs `verify --json DIR`; returns the exit code and (code, file) pairs.
fn verify(dir: &Path, extra: &[&str]) -> (Option<i32>, Vec<(String, String)>) {
    let mut args = vec!["verify", "--json", dir.to_str().unwrap()];
    args.extend(extra);
    let output = util::corpusledger(&args);
    let report: serde_json::Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("verify --json: {e}; {}", util::stderr(&output)));
    let codes = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_owned(),
                f["file"].as_str().unwrap_or("-").to_owned(),
            )
        })
        .collect();
    assert_eq!(
        report["valid"].as_bool(),
        Some(output.status.code() == Some(0)),
        "{report}"
    );
    (output.status.code(), codes)
}

fn has(codes: &[(String, String)], code: &str, file: &str) -> bool {
    codes.iter().any(|(c, f)| c == code && f == file)
}

const GPL_SHARD: &str = "data/part-00001.parquet";
const REPO_SHARD: &str = "data/part-00002.parquet";

#[test]
fn withheld_shards_verify_and_are_listed() {
    let out = dataset();
    let (secret, public) = util::keygen(out.path(), "k");
    let sign = util::corpusledger(&["sign", ds(&out).to_str().unwrap(), "--key", secret.to_str().unwrap()]);
    assert_eq!(sign.status.code(), Some(0), "{}", util::stderr(&sign));

    let output = release(&out, &["license:GPL-3.0-only", "repo:numerals/*"]);
    assert_eq!(output.status.code(), Some(0), "{}", util::stderr(&output));
    assert!(
        util::stderr(&output).contains("withheld 2 file(s)"),
        "{}",
        util::stderr(&output)
    );

    // The manifest and its signature are the dataset's, byte for byte.
    for name in ["manifest.json", "manifest.json.minisig"] {
        assert_eq!(
            std::fs::read(ds(&out).join(name)).unwrap(),
            std::fs::read(rel(&out).join(name)).unwrap(),
            "{name}"
        );
    }
    for path in [GPL_SHARD, REPO_SHARD] {
        assert!(!rel(&out).join(path).exists(), "{path}");
    }
    let release: serde_json::Value =
        serde_json::from_slice(&std::fs::read(rel(&out).join("RELEASE.json")).unwrap()).unwrap();
    let withheld = release["withheld"].as_array().unwrap();
    assert_eq!(withheld.len(), 2, "{release}");
    assert_eq!(withheld[0]["path"], GPL_SHARD);
    assert_eq!(withheld[0]["because"][0]["rule"], "license:GPL-3.0-only");
    assert_eq!(withheld[0]["because"][0]["matched"][0], "GPL-3.0-only");
    assert_eq!(withheld[1]["path"], REPO_SHARD);
    assert_eq!(withheld[1]["because"][0]["rule"], "repo:numerals/*");

    let (exit, codes) = verify(&rel(&out), &["--pubkey", public.to_str().unwrap()]);
    assert_eq!(exit, Some(0), "{codes:?}");
    assert!(has(&codes, "file-withheld", GPL_SHARD), "{codes:?}");
    assert!(has(&codes, "file-withheld", REPO_SHARD), "{codes:?}");
    assert!(
        codes.iter().all(|(c, _)| c == "file-withheld" || c == "checks-skipped"),
        "{codes:?}"
    );
    // The human report says so, with the full dataset's root.
    let text = util::corpusledger(&["verify", rel(&out).to_str().unwrap()]);
    let text = String::from_utf8_lossy(&text.stdout);
    let root = util::manifest(&ds(&out))["merkle"]["root"].as_str().unwrap().to_owned();
    assert!(text.contains(&format!("NOTE file-withheld {GPL_SHARD}")), "{text}");
    // The commitments need every document: skipped, with a note, not a mismatch.
    assert!(text.contains("commitments were not recomputed"), "{text}");
    assert!(!text.contains("commitment-mismatch"), "{text}");
    assert!(text.contains(": valid: ") && text.contains(&root), "{text}");
    // lookup finds what is here, and says when a match is in a withheld shard.
    let lookup = util::corpusledger(&["lookup", rel(&out).to_str().unwrap(), "sample-data/repos/argo/usage.go"]);
    assert_eq!(lookup.status.code(), Some(0), "{}", util::stderr(&lookup));
    let lookup = util::corpusledger(&["lookup", rel(&out).to_str().unwrap(), "sample-data/repos/ringbuf-c"]);
    assert_eq!(lookup.status.code(), Some(2));
    assert!(
        util::stderr(&lookup).contains(&format!("{GPL_SHARD}, which this partial release withholds")),
        "{}",
        util::stderr(&lookup)
    );
}

#[test]
fn an_undeclared_missing_file_still_fails() {
    let out = dataset();
    released(&out, &["license:copyleft"]);
    std::fs::remove_file(rel(&out).join("data/part-00000.parquet")).unwrap();
    let (exit, codes) = verify(&rel(&out), &[]);
    assert_eq!(exit, Some(1), "{codes:?}");
    assert!(has(&codes, "file-missing", "data/part-00000.parquet"), "{codes:?}");
    assert!(has(&codes, "file-withheld", GPL_SHARD), "{codes:?}");
}

#[test]
fn an_altered_present_file_is_caught() {
    let out = dataset();
    released(&out, &[&format!("file:{GPL_SHARD}")]);
    let path = rel(&out).join("removed.parquet");
    let mut bytes = std::fs::read(&path).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x01;
    std::fs::write(&path, bytes).unwrap();
    let (exit, codes) = verify(&rel(&out), &[]);
    assert_eq!(exit, Some(1), "{codes:?}");
    assert!(has(&codes, "file-hash-mismatch", "removed.parquet"), "{codes:?}");
}

#[test]
fn bad_rules_are_clear_errors_and_write_nothing() {
    let out = dataset();
    for (rules, says) in [
        (&["licence:MIT"][..], "unknown kind `licence`"),
        (&[GPL_SHARD][..], "no kind"),
        (&["repo:["][..], "not a glob"),
        (&["license:MIT OR Apache-2.0"][..], "not an expression"),
        (&["license:AGPL-3.0-only"][..], "matches nothing"),
        (
            &["license:copyleft", "repo:nobody/*"][..],
            "--withhold repo:nobody/* matches nothing",
        ),
        (&["file:data/part-00009.parquet"][..], "matches nothing"),
    ] {
        let output = release(&out, rules);
        let stderr = util::stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{rules:?}: {stderr}");
        assert!(stderr.contains(says), "{rules:?}: {stderr}");
        assert!(!rel(&out).exists(), "{rules:?}: wrote {}", rel(&out).display());
    }
    // Without a rule, clap says one is needed.
    let output = util::corpusledger(&["release", ds(&out).to_str().unwrap(), "--out", "x"]);
    assert_eq!(output.status.code(), Some(2), "{}", util::stderr(&output));
    // A directory that is not empty, or a release as the source, is refused.
    std::fs::create_dir(rel(&out)).unwrap();
    std::fs::write(rel(&out).join("keep.txt"), b"mine").unwrap();
    let output = release(&out, &["license:copyleft"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(util::stderr(&output).contains("not empty"), "{}", util::stderr(&output));
    std::fs::remove_dir_all(rel(&out)).unwrap();
    released(&out, &["license:copyleft"]);
    let again = out.path().join("again");
    let output = util::corpusledger(&[
        "release",
        rel(&out).to_str().unwrap(),
        "--out",
        again.to_str().unwrap(),
        "--withhold",
        "license:permissive",
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        util::stderr(&output).contains("already a partial release"),
        "{}",
        util::stderr(&output)
    );
}

/// Edits RELEASE.json as JSON.
fn edit_release(dir: &Path, edit: impl FnOnce(&mut serde_json::Value)) {
    let path = dir.join("RELEASE.json");
    let mut value: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    edit(&mut value);
    std::fs::write(&path, serde_json::to_vec_pretty(&value).unwrap()).unwrap();
}

#[test]
fn a_tampered_release_file_is_a_finding() {
    let out = dataset();
    released(&out, &["license:GPL-3.0-only"]);
    let dir = rel(&out);
    let original = std::fs::read(dir.join("RELEASE.json")).unwrap();
    // The ledger's manifest entry, declared withheld though it is present.
    let mut ledger = util::manifest(&ds(&out))["outputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["path"] == "removed.parquet")
        .unwrap()
        .clone();
    ledger.as_object_mut().unwrap().remove("provenance");
    ledger["because"] = serde_json::json!([{"rule": "file:removed.parquet", "matched": ["removed.parquet"]}]);
    type Edit = Box<dyn Fn(&mut serde_json::Value)>;
    let cases: Vec<(&str, Edit, &str, &str)> = vec![
        (
            "declares a present file withheld",
            Box::new(move |r| r["withheld"].as_array_mut().unwrap().push(ledger.clone())),
            "release-file-present",
            "removed.parquet",
        ),
        (
            "names a file the manifest does not list",
            Box::new(|r| r["withheld"][0]["path"] = "data/part-00009.parquet".into()),
            "release-file-unlisted",
            "RELEASE.json",
        ),
        (
            "another hash",
            Box::new(|r| r["withheld"][0]["sha256"] = "ab".repeat(32).into()),
            "release-file-mismatch",
            "RELEASE.json",
        ),
        (
            "another manifest",
            Box::new(|r| r["manifest-sha256"] = "cd".repeat(32).into()),
            "release-manifest-mismatch",
            "RELEASE.json",
        ),
        (
            "another root",
            Box::new(|r| r["merkle-root"] = "ef".repeat(32).into()),
            "release-manifest-mismatch",
            "RELEASE.json",
        ),
        (
            "another version",
            Box::new(|r| r["version"] = 7.into()),
            "release-malformed",
            "RELEASE.json",
        ),
        (
            "a field too many",
            Box::new(|r| r["signed"] = true.into()),
            "release-malformed",
            "RELEASE.json",
        ),
    ];
    for (name, edit, code, file) in cases {
        std::fs::write(dir.join("RELEASE.json"), &original).unwrap();
        edit_release(&dir, edit);
        let (exit, codes) = verify(&dir, &[]);
        assert_eq!(exit, Some(1), "{name}: {codes:?}");
        assert!(
            has(&codes, code, file),
            "{name}: expected {code} on {file}, got {codes:?}"
        );
    }
    // Not JSON: a finding, and the shard it declared is then missing.
    std::fs::write(dir.join("RELEASE.json"), b"{ not json").unwrap();
    let (exit, codes) = verify(&dir, &[]);
    assert_eq!(exit, Some(1), "{codes:?}");
    assert!(has(&codes, "release-malformed", "RELEASE.json"), "{codes:?}");
    assert!(has(&codes, "file-missing", GPL_SHARD), "{codes:?}");
    // Without it, the shard is simply missing.
    std::fs::remove_file(dir.join("RELEASE.json")).unwrap();
    let (exit, codes) = verify(&dir, &[]);
    assert_eq!(exit, Some(1), "{codes:?}");
    assert!(has(&codes, "file-missing", GPL_SHARD), "{codes:?}");
}

#[test]
fn the_datasheet_of_a_release_lists_what_it_withholds() {
    let out = dataset();
    released(&out, &["repo:numerals/*"]);
    // The card copied from the dataset is rewritten by release.
    let card = std::fs::read_to_string(rel(&out).join("README.md")).unwrap();
    assert!(
        card.contains("Withheld from this release") && card.contains(REPO_SHARD),
        "{card}"
    );
    let output = util::corpusledger(&["datasheet", "--quiet", rel(&out).to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", util::stderr(&output));
    let markdown = std::fs::read_to_string(rel(&out).join("DATASHEET.md")).unwrap();
    assert!(markdown.contains("### Withheld from this release"), "{markdown}");
    assert!(
        markdown.contains(&format!("| `{REPO_SHARD}` | 13 |"))
            && markdown.contains("`repo:numerals/*` (numerals/roman)"),
        "{markdown}"
    );
    let html = std::fs::read_to_string(rel(&out).join("datasheet.html")).unwrap();
    assert!(html.contains("Withheld from this release") && html.contains(REPO_SHARD));
    // The datasheet files are derived files: the release still verifies.
    assert_eq!(verify(&rel(&out), &[]).0, Some(0));
    // The full dataset's datasheet says nothing of releases.
    let output = util::corpusledger(&["datasheet", "--quiet", ds(&out).to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", util::stderr(&output));
    let full = std::fs::read_to_string(ds(&out).join("DATASHEET.md")).unwrap();
    assert!(!full.contains("Withheld"), "{full}");
}

#[test]
fn the_exports_of_a_release_say_what_it_withholds() {
    let out = dataset();
    released(&out, &["repo:numerals/*"]);
    let dir = rel(&out);
    let output = util::corpusledger(&["export", "--quiet", dir.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", util::stderr(&output));
    let read =
        |name: &str| -> serde_json::Value { serde_json::from_slice(&std::fs::read(dir.join(name)).unwrap()).unwrap() };
    let withheld = "Withheld from this release by repo:numerals/*";
    // Croissant: the dataset's description, and the shard's FileObject.
    let croissant = read("croissant.json");
    let description = croissant["description"].as_str().unwrap();
    assert!(
        description.contains("This is a partial release: 1 of the dataset's files"),
        "{description}"
    );
    let shard = |list: &serde_json::Value, key: &str| -> serde_json::Value {
        list.as_array()
            .unwrap()
            .iter()
            .find(|f| f[key] == REPO_SHARD)
            .unwrap_or_else(|| panic!("{REPO_SHARD} not in {list}"))
            .clone()
    };
    let object = shard(&croissant["distribution"], "name");
    assert!(object["description"].as_str().unwrap().contains(withheld), "{object}");
    // Present files say nothing of it.
    let gpl = croissant["distribution"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == GPL_SHARD)
        .unwrap();
    assert!(!gpl["description"].as_str().unwrap().contains("Withheld"), "{gpl}");
    // SPDX: the dataset package and the shard's package.
    let spdx = read("sbom.spdx.json");
    let packages = &spdx["packages"];
    assert!(packages[0]["comment"].as_str().unwrap().contains("partial release"));
    let package = shard(packages, "name");
    assert!(package["comment"].as_str().unwrap().contains(withheld), "{package}");
    // CycloneDX: the dataset's properties and the shard's component.
    let cdx = read("sbom.cdx.json");
    let properties = cdx["metadata"]["component"]["properties"].to_string();
    assert!(
        properties.contains(r#""name":"corpusledger:release:withheld-files","value":"1""#)
            && properties.contains(r#""name":"corpusledger:release:rule","value":"repo:numerals/*""#),
        "{properties}"
    );
    let component = shard(&cdx["components"], "name");
    assert!(
        component["properties"]
            .to_string()
            .contains(r#""name":"corpusledger:withheld-by","value":"repo:numerals/*""#),
        "{component}"
    );
    // The full dataset's exports say nothing of releases.
    let output = util::corpusledger(&["export", "--quiet", ds(&out).to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", util::stderr(&output));
    let full = std::fs::read_to_string(ds(&out).join("croissant.json")).unwrap();
    assert!(!full.contains("partial release") && !full.contains("Withheld"));
}
