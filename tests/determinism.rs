//! Same input and config, same bytes: whatever the thread count.

use crate::util;

#[test]
fn one_and_four_threads_give_byte_identical_outputs() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    for (dir, threads) in [(&a, "1"), (&b, "4")] {
        let output = util::run(&util::SAMPLE_INPUTS, dir.path(), &["--threads", threads]);
        assert_eq!(output.status.code(), Some(0), "{}", util::stderr(&output));
    }
    let (left, right) = (util::tree_bytes(a.path()), util::tree_bytes(b.path()));
    assert_eq!(left.keys().collect::<Vec<_>>(), right.keys().collect::<Vec<_>>());
    for (name, bytes) in &left {
        assert!(bytes == &right[name], "{name} differs between 1 and 4 threads");
    }
    assert!(left.contains_key("manifest.json") && left.contains_key("removed.parquet"));
}

#[test]
fn input_order_on_the_command_line_does_not_matter() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let mut reversed = util::SAMPLE_INPUTS;
    reversed.reverse();
    assert!(util::run(&util::SAMPLE_INPUTS, a.path(), &[]).status.success());
    assert!(util::run(&reversed, b.path(), &[]).status.success());
    let (left, right) = (util::tree_bytes(a.path()), util::tree_bytes(b.path()));
    assert_eq!(left, right, "outputs differ with the inputs reversed");
}

/// The manifest of the sample run, compared with tests/golden/ (no volatile
/// fields: it holds no time, host or thread count). Regenerate with
/// `UPDATE_GOLDEN=1 cargo test --test integration golden`.
#[test]
fn sample_manifest_matches_golden_file() {
    let out = tempfile::tempdir().unwrap();
    assert!(util::run(&util::SAMPLE_INPUTS, out.path(), &[]).status.success());
    let actual = std::fs::read_to_string(out.path().join("manifest.json")).unwrap();
    // The tool's version and build (debug or release) are the only fields
    // that depend on the binary rather than the run.
    let actual: String = actual
        .replace(env!("CARGO_PKG_VERSION"), "[VERSION]")
        .lines()
        .map(|line| match line.find("\"build\": ") {
            Some(at) => format!("{}\"build\": \"[BUILD]\",\n", &line[..at]),
            None => format!("{line}\n"),
        })
        .collect();
    util::assert_golden("sample-manifest.json", &actual);
}

#[test]
fn a_memory_limit_spills_band_keys_and_documents_and_changes_nothing() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    assert!(util::run(&util::SAMPLE_INPUTS, a.path(), &[]).status.success());
    // A quarter of 100 KB holds fewer than half of the sample's document
    // records: they are sorted in several runs on disk.
    let limited = util::run(&util::SAMPLE_INPUTS, b.path(), &["--memory-limit", "100KB"]);
    assert!(limited.status.success(), "{}", util::stderr(&limited));
    assert_eq!(util::tree_bytes(a.path()), util::tree_bytes(b.path()));
}
