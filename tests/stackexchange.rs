//! Stack Exchange dumps through the binary: documents in each mode, the
//! CC BY-SA license by date or `ContentLicense`, attribution of kept posts and
//! of posts removed in favour of a GitHub copy, bad rows, archives.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::util::{self, Row, get};

const FIXTURES: &str = "tests/fixtures/stackexchange";

fn fixture(name: &str) -> PathBuf {
    util::root().join(FIXTURES).join(name)
}

fn expected() -> Value {
    serde_json::from_slice(&std::fs::read(fixture("expected.json")).unwrap()).unwrap()
}

fn attribution_rows(out: &Path) -> Vec<Row> {
    util::read_rows(&out.join("ATTRIBUTION.parquet"))
}

/// Every row of every output that names a document, by `path` (the post path).
fn by_path(rows: &[Row]) -> BTreeMap<String, &Row> {
    rows.iter()
        .filter_map(|r| Some((get(r, "path")?.to_owned(), r)))
        .collect()
}

/// A one-row-per-line `Posts.xml` from `rows` (attribute strings).
fn posts_xml(rows: &[String]) -> String {
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<posts>\n");
    for row in rows {
        xml.push_str(&format!("  <row {row} />\n"));
    }
    xml.push_str("</posts>\n");
    xml
}

fn run_ok(inputs: &[&str], out: &Path, extra: &[&str]) {
    let output = util::run(inputs, out, extra);
    assert!(output.status.success(), "{}", util::stderr(&output));
}

#[test]
fn licenses_follow_content_license_else_the_date_of_the_latest_revision() {
    let dir = tempfile::tempdir().unwrap();
    let body = |n: u32| format!("&lt;p&gt;answer number {n} with its own words&lt;/p&gt;");
    let answer = |id: u32, dates: &str, extra: &str| {
        format!(
            r#"Id="{id}" PostTypeId="2" ParentId="1" Score="1" Body="{}" OwnerUserId="5" {dates} {extra}"#,
            body(id)
        )
    };
    let rows = vec![
        r#"Id="1" PostTypeId="1" Score="3" Title="Which license?" Tags="&lt;licensing&gt;" Body="&lt;p&gt;A question&lt;/p&gt;" CreationDate="2010-01-01T00:00:00.000" OwnerUserId="5""#.to_owned(),
        answer(10, r#"CreationDate="2011-04-07T23:59:59.997""#, ""),
        answer(11, r#"CreationDate="2011-04-08T00:00:00.000""#, ""),
        answer(12, r#"CreationDate="2018-05-01T23:59:59.997""#, ""),
        answer(13, r#"CreationDate="2018-05-02T00:00:00.000""#, ""),
        // Edited across a boundary: the latest revision decides.
        answer(14, r#"CreationDate="2010-06-01T12:00:00.000" LastEditDate="2011-04-08T00:00:00.000""#, ""),
        answer(15, r#"CreationDate="2017-06-01T12:00:00.000" LastEditDate="2018-05-02T00:00:00.001""#, ""),
        // The dump's own statement wins over any date.
        answer(16, r#"CreationDate="2009-01-01T00:00:00.000""#, r#"ContentLicense="CC BY-SA 4.0""#),
        answer(17, r#"CreationDate="2020-01-01T00:00:00.000""#, r#"ContentLicense="CC BY-SA 2.5""#),
    ];
    let posts = dir.path().join("Posts.xml");
    std::fs::write(&posts, posts_xml(&rows)).unwrap();
    let out = dir.path().join("out");
    run_ok(&[posts.to_str().unwrap()], &out, &[]);

    let credits = attribution_rows(&out);
    let credit = |id: u32| {
        let url = format!("https://stackoverflow.com/a/{id}");
        credits
            .iter()
            .find(|r| get(r, "url") == Some(url.as_str()))
            .unwrap_or_else(|| panic!("no attribution for {url}"))
    };
    let cases = [
        (10, "CC-BY-SA-2.5", "CreationDate 2011-04-07T23:59:59.997"),
        (11, "CC-BY-SA-3.0", "CreationDate 2011-04-08T00:00:00.000"),
        (12, "CC-BY-SA-3.0", "CreationDate 2018-05-01T23:59:59.997"),
        (13, "CC-BY-SA-4.0", "CreationDate 2018-05-02T00:00:00.000"),
        (14, "CC-BY-SA-3.0", "LastEditDate 2011-04-08T00:00:00.000"),
        (15, "CC-BY-SA-4.0", "LastEditDate 2018-05-02T00:00:00.001"),
        (16, "CC-BY-SA-4.0", "ContentLicense"),
        (17, "CC-BY-SA-2.5", "ContentLicense"),
    ];
    let data = util::data_rows(&out);
    let data = by_path(&data);
    for (id, license, basis) in cases {
        let row = credit(id);
        assert_eq!(get(row, "license"), Some(license), "a/{id}");
        let stated = get(row, "license_basis").unwrap();
        assert!(stated.starts_with(basis), "a/{id}: {stated}");
        let doc = data[&format!("a/{id}")];
        assert_eq!(get(doc, "license"), Some(license), "the data row of a/{id}");
        assert_eq!(get(doc, "repo"), Some("stackoverflow.com"));
    }
    let manifest = util::manifest(&out);
    util::counts_add_up(&manifest);
    let attribution = &manifest["attribution"];
    assert_eq!(attribution["license-basis"]["ContentLicense"], 2);
    assert_eq!(attribution["license-basis"]["LastEditDate"], 2);
    assert_eq!(
        attribution["license-basis"]["CreationDate"], 5,
        "the question and four answers"
    );
    assert_eq!(
        attribution["documents"]["CC-BY-SA-2.5"]["kept"], 3,
        "the question, a/10 and a/17"
    );
    assert_eq!(manifest["licenses"]["CC-BY-SA-3.0"], 3);
    assert_eq!(manifest["inputs"][0]["kind"], "stackexchange");
    // The obligation says how the licenses were decided, as counted above.
    let obligation = attribution["obligation"].as_str().unwrap();
    assert!(
        obligation.starts_with(
            "Stack Exchange posts are licensed CC BY-SA 2.5, 3.0 or 4.0, as the dump's ContentLicense states for \
             2 posts, by the date of their latest revision for 7 posts (LastEditDate 2, CreationDate 5). "
        ),
        "{obligation}"
    );
}

const POSTS: &str = "tests/fixtures/stackexchange/Posts.xml";
const USERS: &str = "tests/fixtures/stackexchange/Users.xml";

/// Runs the fixture dump in `mode` with its Users.xml.
fn run_fixture(out: &Path, mode: &str) {
    run_ok(
        &[POSTS],
        out,
        &["--stackexchange-mode", mode, "--stackexchange-users", USERS],
    );
}

/// The documents of a run, kept and removed, by post path: (reason, row).
/// The reason is `kept` for kept ones.
fn documents(out: &Path) -> BTreeMap<String, (String, Row)> {
    let mut docs = BTreeMap::new();
    for row in util::data_rows(out) {
        docs.insert(get(&row, "path").unwrap().to_owned(), ("kept".to_owned(), row));
    }
    for row in util::ledger_rows(out) {
        let reason = get(&row, "reason").unwrap().to_owned();
        if reason.ends_with("-duplicate") {
            docs.insert(get(&row, "path").unwrap().to_owned(), (reason, row));
        }
    }
    docs
}

/// The post paths `expected.json` lists as the documents of a mode.
fn expected_documents<'a>(expected: &'a Value, mode: &str) -> BTreeSet<&'a str> {
    let list = expected["modes"][mode]["documents"].as_array().unwrap();
    list.iter().map(|d| d.as_str().unwrap()).collect()
}

fn ledger_with(out: &Path, reason: &str) -> Vec<Row> {
    util::ledger_rows(out)
        .into_iter()
        .filter(|r| get(r, "reason") == Some(reason))
        .collect()
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// Each planted duplicate group of posts has one kept member, and the others
/// are in the ledger pointing at it. (Groups with a file outside the dump
/// are checked where that file is read.)
fn assert_groups(docs: &BTreeMap<String, (String, Row)>, groups: &Value) {
    let mut checked = 0;
    for group in groups.as_array().unwrap() {
        let members: Vec<&str> = group["members"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m.as_str().unwrap())
            .collect();
        if members.iter().any(|m| !m.starts_with("q/") && !m.starts_with("a/")) {
            continue;
        }
        checked += 1;
        let kept: Vec<&&str> = members.iter().filter(|m| docs[**m].0 == "kept").collect();
        assert_eq!(kept.len(), 1, "group {}: one kept member, got {kept:?}", group["id"]);
        let kept_id = get(&docs[*kept[0]].1, "doc_id").unwrap();
        let reason = if group["kind"] == "exact" {
            "exact-duplicate"
        } else {
            "near-duplicate"
        };
        for member in members.iter().filter(|m| *m != kept[0]) {
            let (why, row) = &docs[*member];
            assert_eq!(why, reason, "group {}: {member}", group["id"]);
            assert_eq!(
                get(row, "kept_doc_id"),
                Some(kept_id),
                "group {}: {member}",
                group["id"]
            );
        }
    }
    assert!(checked >= 4, "the fixtures plant at least four groups of posts");
}

#[test]
fn post_mode_gives_every_question_and_answer_with_its_attribution() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    run_fixture(&out, "post");
    let expected = expected();
    let rows = &expected["posts"]["rows"];

    let docs = documents(&out);
    let want = expected_documents(&expected, "post");
    assert_eq!(docs.keys().map(String::as_str).collect::<BTreeSet<_>>(), want);

    // Tag wikis are filtered, each at its line.
    let filtered: BTreeSet<u64> = ledger_with(&out, "filtered")
        .iter()
        .map(|r| get(r, "row").unwrap().parse().unwrap())
        .collect();
    let want_filtered: BTreeSet<u64> = expected["modes"]["post"]["filtered_rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_u64().unwrap())
        .collect();
    assert_eq!(filtered, want_filtered);

    // Every document's attribution, kept or removed, is as the dump says.
    let credits = attribution_rows(&out);
    assert_eq!(credits.len(), want.len(), "one credit per post document");
    let by_doc: BTreeMap<&str, &Row> = credits.iter().map(|r| (get(r, "doc_id").unwrap(), r)).collect();
    for (path, (reason, row)) in &docs {
        let id = path.split('/').nth(1).unwrap();
        let post = &rows[id];
        let credit = by_doc[get(row, "doc_id").unwrap()];
        assert_eq!(
            get(row, "row").unwrap(),
            post["line"].to_string(),
            "{path}: row is its line"
        );
        for (column, key) in [
            ("url", "url"),
            ("author", "author"),
            ("author_url", "author_url"),
            ("license", "license"),
            ("license_basis", "license_basis"),
            ("created", "created"),
            ("last_edited", "last_edited"),
        ] {
            assert_eq!(get(credit, column), post[key].as_str(), "{path}: {column}");
        }
        let role = if reason == "kept" { "kept" } else { reason.as_str() };
        assert_eq!(get(credit, "role"), Some(role), "{path}");
        if reason == "kept" {
            assert_eq!(
                get(row, "source_url"),
                post["url"].as_str(),
                "{path}: the data row's address"
            );
            let content = get(row, "content").unwrap();
            if post["post_type"] == "question" {
                assert!(
                    content.starts_with(&format!("{}\n\n", post["title"].as_str().unwrap())),
                    "{path}"
                );
            }
            for block in post["code_blocks"].as_array().unwrap() {
                // Verbatim, but a document ends with one `\n` (a block's
                // last CRLF included).
                let block = block.as_str().unwrap().trim_end_matches(['\n', '\r']);
                assert!(
                    content.contains(block),
                    "{path}: code block kept verbatim in\n{content}"
                );
            }
            assert!(content.ends_with('\n') && !content.ends_with("\n\n"), "{path}");
        }
    }
    assert_groups(&docs, &expected["duplicates"]["post_mode"]);

    let manifest = util::manifest(&out);
    let (_, removed, rejected) = util::counts_add_up(&manifest);
    assert_eq!(manifest["counts"]["documents"], 301);
    assert_eq!(rejected, 0);
    assert_eq!(manifest["counts"]["removed"]["filtered"], 6);
    assert!(removed > 6, "duplicates were removed too");
    assert_eq!(manifest["attribution"]["rows"], want.len());
    let verify = util::corpusledger(&["verify", out.to_str().unwrap()]);
    assert!(verify.status.success(), "{}", String::from_utf8_lossy(&verify.stdout));
}

#[test]
fn code_block_mode_gives_each_pre_block_verbatim() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    run_fixture(&out, "code-block");
    let expected = expected();
    let rows = &expected["posts"]["rows"];
    let docs = documents(&out);
    let want = expected_documents(&expected, "code_block");
    assert_eq!(docs.keys().map(String::as_str).collect::<BTreeSet<_>>(), want);
    for (path, (reason, row)) in &docs {
        let mut parts = path.split('/');
        let (id, k) = (parts.nth(1).unwrap(), parts.next().unwrap());
        let k: usize = k.strip_prefix("code-").unwrap().parse().unwrap();
        let block = rows[id]["code_blocks"][k - 1].as_str().unwrap();
        assert_eq!(
            get(row, "content_sha256"),
            Some(sha256_hex(block.as_bytes()).as_str()),
            "{path}"
        );
        if reason == "kept" {
            assert_eq!(get(row, "content"), Some(block), "{path}");
        }
    }
    assert_groups(&docs, &expected["duplicates"]["code_block_mode"]);
    let no_code = expected["modes"]["code_block"]["filtered_no_code_block"]
        .as_array()
        .unwrap()
        .len();
    let filtered = ledger_with(&out, "filtered");
    assert_eq!(filtered.len(), no_code + 6);
    assert!(
        filtered
            .iter()
            .any(|r| get(r, "detail").unwrap().contains("no code block"))
    );
    let manifest = util::manifest(&out);
    util::counts_add_up(&manifest);
}

#[test]
fn question_answer_mode_joins_each_question_with_its_accepted_answer() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    run_fixture(&out, "question-answer");
    let expected = expected();
    let mode = &expected["modes"]["question_answer"];
    let docs = documents(&out);
    let credits = attribution_rows(&out);
    let want = mode["documents"].as_array().unwrap();
    assert_eq!(docs.len(), want.len());
    for doc in want {
        let key = doc["key"].as_str().unwrap();
        let (_, row) = docs.get(key).unwrap_or_else(|| panic!("no document {key}"));
        assert_eq!(get(row, "row").unwrap(), doc["row"].to_string(), "{key}");
        // The license holds both posts' licenses, the question's first.
        let want_license = doc["license"].as_str().unwrap();
        assert_eq!(get(row, "license"), Some(want_license), "{key}");
        if let Some(declared) = get(row, "declared_license") {
            assert_eq!(declared, want_license, "{key}");
        }
        let id = get(row, "doc_id").unwrap();
        let urls: Vec<&str> = credits
            .iter()
            .filter(|c| get(c, "doc_id") == Some(id))
            .map(|c| get(c, "url").unwrap())
            .collect();
        let want_urls: Vec<&str> = doc["credits"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u.as_str().unwrap())
            .collect();
        assert_eq!(urls, want_urls, "{key}: the question's credit, then the answer's");
    }
    let filtered = ledger_with(&out, "filtered");
    assert_eq!(filtered.len(), mode["filtered"].as_object().unwrap().len());
    let manifest = util::manifest(&out);
    util::counts_add_up(&manifest);
    assert_eq!(manifest["counts"]["documents"], want.len() + filtered.len());
}

#[test]
fn a_github_file_copied_from_an_answer_is_a_conflict_credited_to_the_answer() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let expected = expected();
    let copy = &expected["copy"];
    run_ok(
        &["tests/fixtures/stackexchange/copied", POSTS],
        &out,
        &["--stackexchange-mode", "code-block", "--stackexchange-users", USERS],
    );
    let kept = util::data_rows(&out);
    let github = kept
        .iter()
        .find(|r| {
            get(r, "path") == copy["path_in_repository"].as_str() && get(r, "repo") == copy["repository"].as_str()
        })
        .expect("the MIT copy is kept: permissive licenses are kept first");
    assert_eq!(get(github, "license"), Some("MIT"));
    assert_eq!(get(github, "license_conflict"), Some("true"));
    let licenses = get(github, "cluster_licenses").unwrap();
    assert!(
        licenses.contains("CC-BY-SA-4.0") && licenses.contains("MIT"),
        "{licenses}"
    );
    let github_id = get(github, "doc_id").unwrap();

    let answer = util::ledger_rows(&out)
        .into_iter()
        .find(|r| get(r, "path") == copy["answer_key"].as_str())
        .expect("the answer's code block is in the ledger");
    assert_eq!(get(&answer, "reason"), Some("near-duplicate"));
    assert_eq!(get(&answer, "kept_doc_id"), Some(github_id));

    let credits = attribution_rows(&out);
    let credit = credits
        .iter()
        .find(|r| get(r, "kept_doc_id") == Some(github_id))
        .expect("the kept GitHub file carries the answer's attribution");
    let post = &expected["posts"]["rows"][copy["answer_id"].to_string()];
    assert_eq!(get(credit, "url"), copy["answer_url"].as_str());
    assert_eq!(get(credit, "author"), post["author"].as_str());
    assert_eq!(get(credit, "author_url"), post["author_url"].as_str());
    assert_eq!(get(credit, "license"), copy["answer_license"].as_str());
    assert_eq!(get(credit, "role"), Some("near-duplicate"));
    assert_eq!(get(credit, "kept_license"), Some("MIT"));
    assert_eq!(get(credit, "license_conflict"), Some("true"));

    let manifest = util::manifest(&out);
    util::counts_add_up(&manifest);
    let conflicts = manifest["licensing"]["conflicts"]["list"].as_array().unwrap();
    assert!(conflicts.iter().any(|c| c["kept-doc-id"] == github_id));
    assert!(manifest["attribution"]["cross-license-clusters"].as_u64().unwrap() >= 1);
    assert!(
        manifest["attribution"]["kept-non-posts-carrying-posts"]
            .as_u64()
            .unwrap()
            >= 1
    );
}

#[test]
fn bad_rows_are_rejected_with_their_line_and_the_rest_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let expected = expected();
    let bad = &expected["bad"];
    let output = util::run(&["tests/fixtures/stackexchange/bad-Posts.xml"], &out, &[]);
    assert_eq!(
        output.status.code(),
        Some(1),
        "damaged input exits 1: {}",
        util::stderr(&output)
    );
    let errors: BTreeMap<u64, Row> = ledger_with(&out, "parse-error")
        .into_iter()
        .map(|r| (get(&r, "row").unwrap().parse().unwrap(), r))
        .collect();
    let rejections = bad["rejections"].as_array().unwrap();
    assert_eq!(
        errors.keys().copied().collect::<Vec<_>>(),
        rejections
            .iter()
            .map(|r| r["line"].as_u64().unwrap())
            .collect::<Vec<_>>()
    );
    for want in rejections {
        let detail = get(&errors[&want["line"].as_u64().unwrap()], "detail").unwrap();
        if let Some(prefix) = want["detail_prefix"].as_str() {
            assert!(detail.starts_with(prefix), "{detail}");
            assert!(detail.ends_with(want["detail_suffix"].as_str().unwrap()), "{detail}");
        }
        for part in want["detail_contains"].as_array().into_iter().flatten() {
            assert!(detail.contains(part.as_str().unwrap()), "`{detail}` lacks {part}");
        }
    }
    let docs = documents(&out);
    for (id, row) in bad["good_rows"].as_object().unwrap() {
        let prefix = if row["post_type"] == "question" { "q" } else { "a" };
        let (_, doc) = docs
            .get(&format!("{prefix}/{id}"))
            .unwrap_or_else(|| panic!("good row {id} was read"));
        assert_eq!(get(doc, "row").unwrap(), row["line"].to_string(), "{id}");
    }
    let manifest = util::manifest(&out);
    util::counts_add_up(&manifest);
    assert_eq!(
        manifest["counts"]["documents"].as_u64().unwrap(),
        (rejections.len() + bad["good_rows"].as_object().unwrap().len()) as u64
    );
}

#[test]
fn compressed_and_archived_dumps_give_the_same_documents_and_credits() {
    let dir = tempfile::tempdir().unwrap();
    let summary = |out: &Path| {
        let docs: BTreeSet<(String, String, String)> = documents(out)
            .into_iter()
            .map(|(path, (reason, row))| (path, get(&row, "content_sha256").unwrap().to_owned(), reason))
            .collect();
        let credits: BTreeSet<(String, String, String)> = attribution_rows(out)
            .iter()
            .map(|r| {
                let s = |c| get(r, c).unwrap_or_default().to_owned();
                (s("url"), s("author"), s("license_basis"))
            })
            .collect();
        (docs, credits)
    };
    let plain = dir.path().join("plain");
    run_fixture(&plain, "post");
    let want = summary(&plain);
    for (name, extra) in [
        ("Posts.xml.gz", vec!["--stackexchange-users", USERS]),
        // Users.xml lies beside it: it is used without being named.
        ("Posts.xml.zst", vec![]),
        // The archive holds Users.xml: it is used without being named.
        ("site.7z", vec![]),
    ] {
        let out = dir.path().join(name);
        let input = format!("{FIXTURES}/{name}");
        run_ok(&[&input], &out, &extra);
        assert!(summary(&out) == want, "{name} differs from Posts.xml");
    }
}

/// A new user's dump folder: `sample.Posts.xml` and `Users.xml` side by
/// side. The authors come from `Users.xml`, and the run summary says so.
#[test]
fn a_users_file_beside_the_posts_names_the_authors_and_the_summary_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let dump = dir.path().join("dump");
    std::fs::create_dir(&dump).unwrap();
    std::fs::copy(POSTS, dump.join("sample.Posts.xml")).unwrap();
    std::fs::copy(USERS, dump.join("Users.xml")).unwrap();
    let input = dump.join("sample.Posts.xml");
    let input = input.to_str().unwrap();
    let out = dir.path().join("out");
    let output = util::run(&[input], &out, &["--json"]);
    assert!(output.status.success(), "{}", util::stderr(&output));
    let summary: Value = serde_json::from_slice(&output.stdout).unwrap();
    let users = dump.join("Users.xml");
    assert_eq!(
        summary["notes"],
        serde_json::json!([format!("{input}: authors from {}, beside it", users.display())])
    );

    let expected = expected();
    let rows = expected["posts"]["rows"].as_object().unwrap();
    let credits = attribution_rows(&out);
    assert!(!credits.is_empty());
    for credit in &credits {
        let url = get(credit, "url").unwrap();
        let id = url.rsplit('/').next().unwrap();
        assert_eq!(get(credit, "author"), rows[id]["author"].as_str(), "{url}");
    }

    // Without it, the summary says authors are `user N` and how to fix it.
    std::fs::remove_file(&users).unwrap();
    let out = dir.path().join("out-without");
    let output = util::run(&[input], &out, &["--json"]);
    let summary: Value = serde_json::from_slice(&output.stdout).unwrap();
    let note = summary["notes"][0].as_str().unwrap();
    assert!(note.starts_with(&format!("{input}: authors are `user N`")), "{note}");
    assert!(note.contains("--stackexchange-users"), "{note}");
}

#[test]
fn verify_checks_the_attribution_file_against_the_manifest() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    run_fixture(&out, "post");
    let path = out.join("manifest.json");
    let mut manifest = util::manifest(&out);
    manifest["attribution"]["rows"] = Value::from(manifest["attribution"]["rows"].as_u64().unwrap() + 1);
    std::fs::write(&path, serde_json::to_vec_pretty(&manifest).unwrap()).unwrap();
    let verify = util::corpusledger(&["verify", "--json", out.to_str().unwrap()]);
    assert_eq!(verify.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&verify.stdout).contains("attribution-rows-mismatch"));

    let datasheet = util::corpusledger(&["datasheet", out.to_str().unwrap()]);
    assert!(datasheet.status.success(), "{}", util::stderr(&datasheet));
    let text = std::fs::read_to_string(out.join("DATASHEET.md")).unwrap();
    assert!(text.contains("Attribution required") && text.contains("ATTRIBUTION.parquet"));
}

#[test]
fn a_question_takes_its_language_from_the_first_tag_that_names_one() {
    let dir = tempfile::tempdir().unwrap();
    let rows = vec![
        // `pandas` names no language; `python` does.
        r#"Id="1" PostTypeId="1" Score="3" Title="Group rows" Tags="&lt;pandas&gt;&lt;python&gt;" Body="&lt;p&gt;How do I group rows by a key and sum them?&lt;/p&gt;" CreationDate="2019-01-01T00:00:00.000" OwnerUserId="5""#.to_owned(),
        r#"Id="2" PostTypeId="1" Score="3" Title="Borrow" Tags="|rust|borrow-checker|" Body="&lt;p&gt;Why does the borrow checker refuse this loop?&lt;/p&gt;" CreationDate="2019-01-02T00:00:00.000" OwnerUserId="5""#.to_owned(),
        r#"Id="3" PostTypeId="1" Score="3" Title="Meta" Tags="&lt;licensing&gt;" Body="&lt;p&gt;Which license do posts have here?&lt;/p&gt;" CreationDate="2019-01-03T00:00:00.000" OwnerUserId="5""#.to_owned(),
        // Answers carry no tags in a dump: they take their question's
        // language, when its tags name one and it was read before them.
        r#"Id="4" PostTypeId="2" ParentId="1" Score="1" Body="&lt;p&gt;Use groupby on the key, then sum.&lt;/p&gt;" CreationDate="2019-01-04T00:00:00.000" OwnerUserId="5""#.to_owned(),
        r#"Id="5" PostTypeId="2" ParentId="3" Score="1" Body="&lt;p&gt;CC BY-SA, the version of the date.&lt;/p&gt;" CreationDate="2019-01-05T00:00:00.000" OwnerUserId="5""#.to_owned(),
        r#"Id="6" PostTypeId="2" ParentId="99" Score="1" Body="&lt;p&gt;An answer to a question not in the dump.&lt;/p&gt;" CreationDate="2019-01-06T00:00:00.000" OwnerUserId="5""#.to_owned(),
        // Left out by the score filter, a question still names its
        // answers' language.
        r#"Id="7" PostTypeId="1" Score="-9" Title="Loop" Tags="|rust|" Body="&lt;p&gt;Why is this loop slow in a debug build?&lt;/p&gt;" CreationDate="2019-01-07T00:00:00.000" OwnerUserId="5""#.to_owned(),
        r#"Id="8" PostTypeId="2" ParentId="7" Score="2" Body="&lt;p&gt;Debug builds do not optimise; use --release.&lt;/p&gt;" CreationDate="2019-01-08T00:00:00.000" OwnerUserId="5""#.to_owned(),
    ];
    let posts = dir.path().join("Posts.xml");
    std::fs::write(&posts, posts_xml(&rows)).unwrap();
    let out = dir.path().join("out");
    run_ok(&[posts.to_str().unwrap()], &out, &["--stackexchange-min-score", "0"]);
    let data = util::data_rows(&out);
    let data = by_path(&data);
    assert_eq!(get(data["q/1"], "language"), Some("Python"));
    assert_eq!(get(data["q/2"], "language"), Some("Rust"));
    assert_eq!(get(data["q/3"], "language"), None);
    assert_eq!(get(data["a/4"], "language"), Some("Python"));
    assert_eq!(get(data["a/5"], "language"), None);
    assert_eq!(get(data["a/6"], "language"), None);
    assert!(!data.contains_key("q/7"));
    assert_eq!(get(data["a/8"], "language"), Some("Rust"));
}
