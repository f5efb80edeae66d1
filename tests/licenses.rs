//! Licenses through the binary: cluster provenance and conflicts, the
//! license policy, opt-out lists, bad license input, and `licenses`.

use std::path::Path;

use sha2::{Digest, Sha256};

use crate::util::{self, get};

const FIXTURES: &str = "crates/provenance/tests/fixtures/licenses";

fn fixture(name: &str) -> String {
    std::fs::read_to_string(util::root().join(FIXTURES).join(name)).unwrap()
}

fn write(root: &Path, file: &str, text: &str) {
    let path = root.join(file);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// A C file long enough to be shingled.
const GPL_C: &str = "/* ring buffer */\n#include <stddef.h>\nstruct ring { char *buf; size_t head, tail, cap; };\nsize_t ring_len(const struct ring *r) { return (r->head + r->cap - r->tail) % r->cap; }\nint ring_push(struct ring *r, char c) { if (ring_len(r) + 1 == r->cap) return -1; r->buf[r->head] = c; r->head = (r->head + 1) % r->cap; return 0; }\n";

/// `mitrepo` (an MIT crate) vendors `gplrepo`'s GPL file without its license.
fn two_repos(dir: &Path) {
    let tree = dir.join("tree");
    write(&tree, "mitrepo/LICENSE", &fixture("MIT__plain.txt"));
    write(
        &tree,
        "mitrepo/Cargo.toml",
        "[package]\nname = \"mitrepo\"\nversion = \"0.3.1\"\nlicense = \"MIT\"\n",
    );
    write(
        &tree,
        "mitrepo/src/lib.rs",
        "pub fn add(a: u32, b: u32) -> u32 { a + b }\n",
    );
    write(&tree, "mitrepo/vendor/ring/ring.c", GPL_C);
    write(&tree, "gplrepo/COPYING", &fixture("GPL-3.0-only__copying.txt"));
    write(&tree, "gplrepo/src/ring.c", GPL_C);
    write(&tree, "gplrepo/src/secret.rs", "fn secret() -> u64 { 0x5ec2e7 }\n");
}

fn run_in(dir: &Path, extra: &[&str]) -> std::process::Output {
    let tree = dir.join("tree");
    util::run(&[tree.to_str().unwrap()], &dir.join("out"), extra)
}

#[test]
fn a_gpl_file_vendored_into_an_mit_repository_is_a_conflict_and_both_sources_survive() {
    let dir = tempfile::tempdir().unwrap();
    two_repos(dir.path());
    let output = run_in(dir.path(), &[]);
    assert!(output.status.success(), "{}", util::stderr(&output));
    let out = dir.path().join("out");

    let kept = util::data_rows(&out);
    let vendored = kept
        .iter()
        .find(|r| get(r, "key") == Some("mitrepo/vendor/ring/ring.c"))
        .expect("the permissively licensed copy is kept");
    assert_eq!(get(vendored, "license"), Some("MIT"));
    assert_eq!(get(vendored, "declared_license"), Some("MIT"));
    assert_eq!(get(vendored, "detected_license"), Some("MIT"));
    assert_eq!(get(vendored, "package"), Some("pkg:cargo/mitrepo@0.3.1"));
    assert_eq!(get(vendored, "license_conflict"), Some("true"));
    assert_eq!(get(vendored, "n_sources"), Some("2"));
    let licenses = get(vendored, "cluster_licenses").unwrap();
    assert!(
        licenses.contains("GPL-3.0-only") && licenses.contains("MIT"),
        "{licenses}"
    );
    assert!(get(vendored, "cluster_sources").unwrap().contains("gplrepo/src/ring.c"));

    let ledger = util::ledger_rows(&out);
    let removed = ledger
        .iter()
        .find(|r| get(r, "key") == Some("gplrepo/src/ring.c"))
        .expect("the GPL copy is in the ledger");
    assert_eq!(get(removed, "reason"), Some("exact-duplicate"));
    assert_eq!(get(removed, "license"), Some("GPL-3.0-only"));
    assert_eq!(get(removed, "kept_doc_id"), get(vendored, "doc_id"));

    let manifest = util::manifest(&out);
    let conflicts = &manifest["licensing"]["conflicts"];
    assert_eq!(conflicts["clusters"], 1);
    assert_eq!(conflicts["list"][0]["kept-doc-id"].as_str(), get(vendored, "doc_id"));
    assert_eq!(
        conflicts["list"][0]["categories"],
        serde_json::json!(["permissive", "copyleft"])
    );
    // Files without a conflict say so.
    let lib = kept
        .iter()
        .find(|r| get(r, "key") == Some("mitrepo/src/lib.rs"))
        .unwrap();
    assert_eq!(get(lib, "license_conflict"), Some("false"));
    assert_eq!(get(lib, "n_sources"), Some("1"));
}

#[test]
fn denied_licenses_go_to_the_ledger_with_the_rule() {
    let dir = tempfile::tempdir().unwrap();
    two_repos(dir.path());
    let output = run_in(dir.path(), &["--license-deny", "copyleft"]);
    assert!(output.status.success(), "{}", util::stderr(&output));
    let out = dir.path().join("out");
    let ledger = util::ledger_rows(&out);
    let denied: Vec<_> = ledger
        .iter()
        .filter(|r| get(r, "reason") == Some("license-denied"))
        .collect();
    let keys: Vec<_> = denied.iter().map(|r| get(r, "key").unwrap()).collect();
    assert_eq!(keys, ["gplrepo/COPYING", "gplrepo/src/ring.c", "gplrepo/src/secret.rs"]);
    for row in denied {
        let detail = get(row, "detail").unwrap();
        assert!(
            detail.contains("GPL-3.0-only is denied by license-deny `copyleft`"),
            "{detail}"
        );
    }
    let manifest = util::manifest(&out);
    util::counts_add_up(&manifest);
    assert_eq!(manifest["counts"]["removed"]["license-denied"], 3);
    assert_eq!(manifest["config"]["license-deny"], serde_json::json!(["copyleft"]));
    // The denied copy left before deduplication: the MIT copy has no cluster.
    let kept = util::data_rows(&out);
    let vendored = kept
        .iter()
        .find(|r| get(r, "key") == Some("mitrepo/vendor/ring/ring.c"))
        .unwrap();
    assert_eq!(get(vendored, "license_conflict"), Some("false"));
}

#[test]
fn an_opt_out_list_removes_exactly_its_entries_and_its_digest_is_in_the_manifest() {
    let dir = tempfile::tempdir().unwrap();
    two_repos(dir.path());
    let lib_sha = hex(Sha256::digest(b"pub fn add(a: u32, b: u32) -> u32 { a + b }\n"));
    let list = format!("# owners who asked out\nrepo:gplrepo\npath:**/secret.rs\nsha256:{lib_sha}\n");
    let list_path = dir.path().join("opt-out.txt");
    std::fs::write(&list_path, &list).unwrap();
    let output = run_in(dir.path(), &["--opt-out", list_path.to_str().unwrap()]);
    assert!(output.status.success(), "{}", util::stderr(&output));
    let out = dir.path().join("out");

    let ledger = util::ledger_rows(&out);
    let opted: Vec<(&str, &str)> = ledger
        .iter()
        .filter(|r| get(r, "reason") == Some("opted-out"))
        .map(|r| (get(r, "key").unwrap(), get(r, "detail").unwrap()))
        .collect();
    let shown = list_path.display();
    assert_eq!(
        opted,
        [
            ("gplrepo/COPYING", &*format!("opted out by {shown}:2")),
            ("gplrepo/src/ring.c", &*format!("opted out by {shown}:2")),
            ("gplrepo/src/secret.rs", &*format!("opted out by {shown}:2")),
            ("mitrepo/src/lib.rs", &*format!("opted out by {shown}:4")),
        ]
    );
    let manifest = util::manifest(&out);
    util::counts_add_up(&manifest);
    let entry = &manifest["licensing"]["opt-out"][0];
    assert_eq!(entry["sha256"].as_str().unwrap(), hex(Sha256::digest(list.as_bytes())));
    assert_eq!(entry["bytes"], list.len() as u64);
    assert_eq!(
        (entry["entries"].as_u64(), entry["matched"].as_u64()),
        (Some(3), Some(4))
    );

    // A malformed list stops the run before any work, naming file and line.
    std::fs::write(&list_path, "repo:x\nacme/secret\n").unwrap();
    let output = run_in(dir.path(), &["--opt-out", list_path.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    assert!(util::stderr(&output).contains(&format!("{shown}:2: `acme/secret` is not an entry")));
}

#[test]
fn bad_license_input_is_reported_with_file_and_span_and_the_run_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let tree = dir.path().join("tree");
    write(
        &tree,
        "broken/pyproject.toml",
        "[project]\nname = \"broken\"\nlicense = \n",
    );
    write(&tree, "broken/LICENSE", "\u{0}\u{1}not text");
    write(&tree, "broken/COPYING", &"lorem ipsum ".repeat(30_000));
    write(
        &tree,
        "broken/a.c",
        "// SPDX-License-Identifier: MIT OR\nint a(void) { return 1; }\n",
    );
    write(&tree, "broken/b.c", "int b(void) { return 2; }\n");
    let output = run_in(dir.path(), &[]);
    assert!(output.status.success(), "{}", util::stderr(&output));
    let out = dir.path().join("out");
    let kept = util::data_rows(&out);
    // The binary LICENSE is itself rejected as a document; the rest are kept.
    assert_eq!(kept.len(), 4);
    for row in &kept {
        assert_eq!(get(row, "license"), Some("NOASSERTION"), "{row:?}");
    }
    let a = kept.iter().find(|r| get(r, "key") == Some("broken/a.c")).unwrap();
    assert_eq!(get(a, "header_license"), Some("MIT OR"));
    let problems = util::manifest(&out)["licensing"]["problems"].clone();
    let listed: Vec<&str> = problems["first"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap())
        .collect();
    let has = |needle: &str| listed.iter().any(|p| p.contains(needle));
    assert!(has("broken/a.c:1:29: SPDX-License-Identifier `MIT OR`"), "{listed:#?}");
    assert!(has("broken/pyproject.toml:3:"), "{listed:#?}");
    assert!(has("broken/LICENSE: is binary"), "{listed:#?}");
    assert!(has("broken/COPYING: is 360000 bytes"), "{listed:#?}");
    assert_eq!(problems["count"], listed.len() as u64);
}

#[test]
fn licenses_reports_each_repository_with_its_files_and_traps() {
    let dir = tempfile::tempdir().unwrap();
    let tree = dir.path().join("tree");
    write(&tree, "apache/LICENSE", &fixture("Apache-2.0__no-appendix.txt"));
    write(&tree, "british/LICENCE", &fixture("MIT__plain.txt"));
    write(&tree, "dual/LICENSE-MIT", &fixture("MIT__plain.txt"));
    write(&tree, "dual/LICENSE-APACHE", &fixture("Apache-2.0__full.txt"));
    write(
        &tree,
        "dual/Cargo.toml",
        "[package]\nname = \"dual\"\nversion = \"1.0.0\"\nlicense = \"MIT/Apache-2.0\"\n",
    );
    write(&tree, "dual/sub/LICENSE-MIT", "../LICENSE-MIT\n");
    let output = util::corpusledger(&["licenses", "--json", tree.to_str().unwrap()]);
    assert!(output.status.success(), "{}", util::stderr(&output));
    let lines: Vec<serde_json::Value> = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let concluded: Vec<&str> = lines.iter().map(|l| l["concluded"].as_str().unwrap()).collect();
    // Cargo's old `/` is read as OR; declared wins in its folder.
    assert_eq!(concluded, ["Apache-2.0", "MIT", "MIT OR Apache-2.0"]);
    let dual = &lines[2];
    assert_eq!(dual["package"], "pkg:cargo/dual@1.0.0");
    assert_eq!(dual["declared"], "MIT OR Apache-2.0");
    assert_eq!(dual["detected"], "Apache-2.0 OR MIT");
    assert_eq!(dual["disagreement"], false);
    let files: Vec<(&str, &str)> = dual["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["path"].as_str().unwrap(), f["expression"].as_str().unwrap()))
        .collect();
    assert_eq!(
        files,
        [
            ("LICENSE-APACHE", "Apache-2.0"),
            ("LICENSE-MIT", "MIT"),
            ("sub/LICENSE-MIT", "MIT")
        ]
    );
    assert!(
        dual["files"][2]["note"]
            .as_str()
            .unwrap()
            .contains("points to ../LICENSE-MIT")
    );
}

fn hex(bytes: impl AsRef<[u8]>) -> String {
    bytes.as_ref().iter().map(|b| format!("{b:02x}")).collect()
}
