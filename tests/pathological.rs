//! Pathological documents finish, with the right outcome: one huge line, a
//! 50 MB minified file (the size limit raised to allow it), a file of only
//! whitespace, and one token repeated a million times.

use crate::util::{self, get};

#[test]
fn pathological_documents_are_handled() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("tree/repo");
    std::fs::create_dir_all(&repo).unwrap();
    let minified: Vec<String> = (0..1_660_000)
        .map(|i| format!("var v{i}=f{}(a{},{i})", i % 977, i % 131))
        .collect();
    let minified = minified.join(";");
    assert!(minified.len() > 45_000_000);
    std::fs::write(repo.join("min.js"), &minified).unwrap();
    let line: Vec<String> = (0..300_000).map(|i| format!("x{i} = y{i} + {i};")).collect();
    std::fs::write(repo.join("oneline.rs"), line.join(" ")).unwrap();
    std::fs::write(repo.join("blank.txt"), " \n\t\n   \n".repeat(1000)).unwrap();
    std::fs::write(repo.join("repeat.txt"), "token ".repeat(1_000_000)).unwrap();
    std::fs::write(repo.join("repeat-again.txt"), "token ".repeat(999_999)).unwrap();

    let out = dir.path().join("out");
    let tree = dir.path().join("tree");
    let output = util::run(&[tree.to_str().unwrap()], &out, &["--max-file-bytes", "60000000"]);
    assert_eq!(output.status.code(), Some(0), "{}", util::stderr(&output));
    let kept: Vec<String> = util::data_rows(&out)
        .iter()
        .map(|r| get(r, "key").unwrap().to_owned())
        .collect();
    assert_eq!(kept, ["repo/min.js", "repo/oneline.rs", "repo/repeat-again.txt"]);
    let ledger = util::ledger_rows(&out);
    let reasons: Vec<(&str, &str)> = ledger
        .iter()
        .map(|r| (get(r, "key").unwrap(), get(r, "reason").unwrap()))
        .collect();
    // The two repetitions have one shingle each, the same one: Jaccard 1.
    assert_eq!(
        reasons,
        [("repo/blank.txt", "empty"), ("repo/repeat.txt", "near-duplicate")]
    );
    let repeated = ledger
        .iter()
        .find(|r| get(r, "reason") == Some("near-duplicate"))
        .unwrap();
    assert_eq!(get(repeated, "jaccard"), Some("1.0"));
}
