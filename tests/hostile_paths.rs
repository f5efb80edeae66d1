//! Hostile paths: whatever the inputs name, nothing is written outside the
//! output directory (and the run directory of the stages); an output
//! directory that holds another run, or files that are not a run, is refused
//! unless `--overwrite`; symlinks planted in an output directory are
//! replaced, never written through. (Paths a manifest names are checked in
//! `tests/verify.rs`: `a_bad_manifest_cannot_be_used_and_nothing_outside_is_read`.)

use std::collections::BTreeMap;
use std::os::unix::fs::symlink;
use std::path::Path;
use std::process::{Command, Output};

use crate::util::{self, get};

/// The file a run keeps in its output directory until the manifest is written.
const CLAIM: &str = ".corpusledger-run.json";

/// What a path is, for comparing a directory before and after: a file's
/// bytes, a symlink's target, or a directory.
#[derive(Debug, PartialEq, Eq)]
enum Entry {
    Dir,
    File(Vec<u8>),
    Link(String),
}

/// Every entry under `dir` except the subtrees in `skip` (relative names),
/// without following symlinks.
fn snapshot(dir: &Path, skip: &[&str]) -> BTreeMap<String, Entry> {
    let mut entries = BTreeMap::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            let rel = path.strip_prefix(dir).unwrap().to_string_lossy().into_owned();
            if skip.contains(&rel.as_str()) {
                continue;
            }
            let meta = std::fs::symlink_metadata(&path).unwrap();
            let kind = if meta.file_type().is_symlink() {
                Entry::Link(std::fs::read_link(&path).unwrap().to_string_lossy().into_owned())
            } else if meta.is_dir() {
                stack.push(path.clone());
                Entry::Dir
            } else {
                Entry::File(std::fs::read(&path).unwrap())
            };
            entries.insert(rel, kind);
        }
    }
    entries
}

/// Runs the binary with `TMPDIR` pointed at `tmp`, so a temporary file
/// anywhere would show there.
fn corpusledger(args: &[&str], tmp: &Path) -> Output {
    Command::new(util::BIN)
        .args(args)
        .current_dir(util::root())
        .env_remove("CORPUSLEDGER_CONFIG")
        .env("TMPDIR", tmp)
        .output()
        .expect("run the binary")
}

fn ok(output: Output) -> Output {
    assert!(matches!(output.status.code(), Some(0 | 1)), "{}", util::stderr(&output));
    output
}

/// Inputs whose names and metadata point elsewhere: a JSONL file whose
/// paths, repositories and ids are `..` and absolute paths, a tree with a
/// symlink out of it and file names that look like options or traversal.
fn hostile_inputs(root: &Path) -> Vec<String> {
    let outside = root.join("outside");
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::write(outside.join("secret.rs"), "fn secret() { let key = 42; }\n").unwrap();
    let repo = root.join("in/tree/repo");
    std::fs::create_dir_all(&repo).unwrap();
    std::fs::write(repo.join("main.rs"), "fn main() { println!(\"hello\"); }\n").unwrap();
    std::fs::write(repo.join("..."), "fn dots() { let three = 3; }\n").unwrap();
    std::fs::write(repo.join("-rf"), "fn dash() { let flag = true; }\n").unwrap();
    std::fs::write(repo.join("LICENSE"), "SPDX-License-Identifier: MIT\n").unwrap();
    symlink(outside.join("secret.rs"), repo.join("link-out.rs")).unwrap();
    symlink(&outside, repo.join("dir-out")).unwrap();
    let lines = [
        r#"{"text":"fn a() { escape(1); }","path":"../../../escaped.rs","repo":"../../..","id":"../../id"}"#,
        r#"{"text":"fn b() { escape(2); }","path":"/etc/passwd","repo":"/tmp/abs","id":"/abs"}"#,
        r#"{"text":"fn c() { escape(3); }","path":"data/../../../x.rs","repo":"a/../../b","license":"../LICENSE"}"#,
    ];
    std::fs::write(root.join("in/hostile.jsonl"), lines.join("\n") + "\n").unwrap();
    vec![
        root.join("in/tree").to_str().unwrap().to_owned(),
        root.join("in/hostile.jsonl").to_str().unwrap().to_owned(),
    ]
}

#[test]
fn nothing_is_written_outside_the_output_and_run_directories() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let inputs = hostile_inputs(root);
    let tmp = root.join("tmp");
    std::fs::create_dir(&tmp).unwrap();
    let before = snapshot(root, &[]);
    let out = root.join("out");
    let mut args = vec!["run", "--quiet", "--out", out.to_str().unwrap()];
    for input in &inputs {
        args.extend(["--input", input]);
    }
    ok(corpusledger(&args, &tmp));
    ok(corpusledger(&["datasheet", out.to_str().unwrap()], &tmp));
    ok(corpusledger(&["export", out.to_str().unwrap()], &tmp));
    ok(corpusledger(&["verify", out.to_str().unwrap()], &tmp));
    // The same inputs as stages, through a run directory.
    let (staged, run_dir) = (root.join("staged"), root.join("run"));
    let mut plan = vec![
        "plan",
        "--quiet",
        "--out",
        staged.to_str().unwrap(),
        "--run-dir",
        run_dir.to_str().unwrap(),
    ];
    for input in &inputs {
        plan.extend(["--input", input]);
    }
    ok(corpusledger(&plan, &tmp));
    let stage = |name: &str, more: &[&str]| {
        let mut args = vec![
            name,
            "--quiet",
            "--run-dir",
            run_dir.to_str().unwrap(),
            "--num-shards",
            "2",
        ];
        args.extend(more);
        ok(corpusledger(&args, &tmp));
    };
    for name in ["ingest", "bucket", "verify-pairs"] {
        for shard in ["0", "1"] {
            stage(name, &["--shard-index", shard]);
        }
    }
    stage("cluster", &[]);
    for shard in ["0", "1"] {
        stage("finalize", &["--shard-index", shard]);
    }
    stage("manifest", &[]);

    let after = snapshot(root, &["out", "staged", "run"]);
    assert_eq!(
        after.keys().collect::<Vec<_>>(),
        before.keys().collect::<Vec<_>>(),
        "entries appeared or went outside out/, staged/ and run/"
    );
    for (name, entry) in &before {
        assert!(after[name] == *entry, "{name} changed");
    }
    // Inside the outputs: only files and directories, no symlink out.
    for (name, entry) in snapshot(&out, &[]).into_iter().chain(snapshot(&staged, &[])) {
        assert!(!matches!(entry, Entry::Link(_)), "{name} is a symlink");
    }
    // The hostile names are data, kept as given; the symlinks were not read.
    let paths: Vec<String> = util::data_rows(&out)
        .iter()
        .map(|r| get(r, "path").unwrap_or("").to_owned())
        .collect();
    for path in ["../../../escaped.rs", "/etc/passwd", "data/../../../x.rs"] {
        assert!(paths.iter().any(|p| p == path), "{path} not in {paths:?}");
    }
    assert!(
        !util::data_rows(&out)
            .iter()
            .any(|r| get(r, "content").unwrap_or("").contains("secret")),
        "a file behind a symlink out of the input root was read"
    );
    util::counts_add_up(&util::manifest(&out));
}

/// `run` with the sample inputs into `out`, with extra flags.
fn sample_run(out: &Path, extra: &[&str]) -> Output {
    util::run(&util::SAMPLE_INPUTS, out, extra)
}

#[test]
fn an_output_directory_holding_another_run_is_refused_unless_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    ok(sample_run(&out, &[]));
    let first = util::tree_bytes(&out);
    // The same configuration again: allowed, the same bytes.
    ok(sample_run(&out, &["--threads", "1"]));
    assert!(util::tree_bytes(&out) == first, "a rerun changed the dataset");

    let refused = sample_run(&out, &["--threshold", "0.8"]);
    assert_eq!(refused.status.code(), Some(2));
    let stderr = util::stderr(&refused);
    assert!(
        stderr.contains("holds a dataset made with another configuration") && stderr.contains("--overwrite"),
        "{stderr}"
    );
    assert!(util::tree_bytes(&out) == first, "a refused run changed the dataset");

    ok(sample_run(&out, &["--threshold", "0.8", "--overwrite"]));
    assert_eq!(util::manifest(&out)["config"]["threshold"], 0.8);
    assert!(
        !out.join(CLAIM).exists(),
        "the claim stays after the manifest is written"
    );

    // A directory of someone else's files: refused; with --overwrite only
    // corpusledger's own outputs are written, their files stay.
    let theirs = dir.path().join("theirs");
    std::fs::create_dir(&theirs).unwrap();
    std::fs::write(theirs.join("notes.txt"), "mine").unwrap();
    let refused = sample_run(&theirs, &[]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        util::stderr(&refused).contains("files that are not a corpusledger run (notes.txt)"),
        "{}",
        util::stderr(&refused)
    );
    assert_eq!(std::fs::read_dir(&theirs).unwrap().count(), 1);
    ok(sample_run(&theirs, &["--overwrite"]));
    assert_eq!(std::fs::read(theirs.join("notes.txt")).unwrap(), b"mine");
}

#[test]
fn an_unfinished_run_is_resumed_by_its_configuration_and_refused_to_another() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let killed = util::run_killed_at(&util::SAMPLE_INPUTS, &out, "merged");
    assert!(!killed.status.success());
    assert!(out.join(CLAIM).exists() && !out.join("manifest.json").exists());
    let refused = sample_run(&out, &["--ngram", "3"]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        util::stderr(&refused).contains("holds an unfinished run made with another configuration"),
        "{}",
        util::stderr(&refused)
    );
    ok(sample_run(&out, &[]));
    util::counts_add_up(&util::manifest(&out));

    // The stages claim the output directory when the plan is made.
    let run_dir = dir.path().join("run");
    let refused = util::plan(&util::SAMPLE_INPUTS, &out, &run_dir, &["--ngram", "3"]);
    assert_eq!(refused.status.code(), Some(2), "{}", util::stderr(&refused));
    assert!(util::stderr(&refused).contains("--overwrite"));
    assert!(!run_dir.exists(), "a refused plan wrote its run directory");
    ok(util::plan(
        &util::SAMPLE_INPUTS,
        &out,
        &run_dir,
        &["--ngram", "3", "--overwrite"],
    ));
    // Another run takes the directory back before the manifest task.
    ok(sample_run(&out, &["--overwrite"]));
    for stage in ["ingest", "bucket", "verify-pairs", "cluster", "finalize", "manifest"] {
        let mut args = vec![
            stage,
            "--quiet",
            "--run-dir",
            run_dir.to_str().unwrap(),
            "--num-shards",
            "1",
        ];
        if !["cluster", "manifest"].contains(&stage) {
            args.extend(["--shard-index", "0"]);
        }
        let output = util::corpusledger(&args);
        if stage == "manifest" {
            assert_eq!(output.status.code(), Some(2));
            assert!(
                util::stderr(&output).contains("no longer holds this plan's run"),
                "{}",
                util::stderr(&output)
            );
        } else {
            ok(output);
        }
    }
    assert_eq!(util::manifest(&out)["config"]["ngram"], 5, "the dataset was replaced");
}

#[test]
fn symlinks_planted_in_an_output_directory_are_replaced_not_written_through() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    ok(sample_run(&out, &[]));
    let expected = util::tree_bytes(&out);
    let victim = dir.path().join("victim");
    std::fs::create_dir(&victim).unwrap();
    std::fs::write(victim.join("precious.txt"), "keep").unwrap();
    let before = snapshot(&victim, &[]);
    // The data directory, the ledger, and the temporary names the
    // datasheet and the export write first, all pointing out.
    std::fs::remove_dir_all(out.join("data")).unwrap();
    symlink(&victim, out.join("data")).unwrap();
    std::fs::remove_file(out.join("removed.parquet")).unwrap();
    symlink(victim.join("precious.txt"), out.join("removed.parquet")).unwrap();
    for name in ["DATASHEET.md", "croissant.json"] {
        symlink(victim.join("precious.txt"), out.join(name)).unwrap();
    }
    ok(sample_run(&out, &[]));
    ok(util::corpusledger(&["datasheet", out.to_str().unwrap()]));
    ok(util::corpusledger(&["export", out.to_str().unwrap()]));
    assert!(snapshot(&victim, &[]) == before, "a write went through a symlink");
    let now = util::tree_bytes(&out);
    for (name, bytes) in &expected {
        assert!(now.get(name) == Some(bytes), "{name} differs after the rerun");
    }
    for name in ["data", "removed.parquet", "DATASHEET.md", "croissant.json"] {
        let meta = std::fs::symlink_metadata(out.join(name)).unwrap();
        assert!(!meta.file_type().is_symlink(), "{name} is still a symlink");
    }
}
