//! Crash safety: `run` killed with SIGKILL at fourteen points, from planning to
//! the moment before the manifest is written, leaves no manifest behind (a
//! dataset directory never looks complete while a shard is partial), and a
//! plain rerun then gives the bytes of an uninterrupted run. The points are
//! named in the product code (`pipeline::kill_point`) and chosen with
//! `CORPUSLEDGER_KILL_AT`.

use std::os::unix::process::ExitStatusExt;

use crate::util;

/// Where the run is killed: `POINT` or `POINT:N` (the N-th time it is met).
const POINTS: [(&str, &str); 14] = [
    ("plan", "the plan is written"),
    ("signed:30", "ingest has signed 30 of the 69 documents"),
    (
        "before-rename:1",
        "the sign part is written, not yet renamed into place",
    ),
    (
        "before-marker:1",
        "the sign part is in place, its done marker not written",
    ),
    ("merged", "the parts are merged, nothing decided"),
    ("before-rename:2", "the decisions are written, not yet renamed"),
    ("shard-row:30", "the data shard has 30 of its 53 rows"),
    (
        "before-marker:3",
        "the data shards are in place, their marker not written",
    ),
    ("ledger-row:8", "the ledger has 8 of its 16 rows"),
    ("ledger", "the ledger is written, the index not"),
    ("index", "the index is written"),
    ("commitments", "the commitment tree files are written"),
    ("manifest", "everything but the card and the manifest is written"),
    ("card", "the dataset card is written, the manifest not"),
];

#[test]
fn a_run_killed_at_fourteen_points_then_rerun_gives_the_bytes_of_an_uninterrupted_run() {
    let dir = tempfile::tempdir().unwrap();
    let reference = dir.path().join("reference");
    let done = util::run(&util::SAMPLE_INPUTS, &reference, &[]);
    assert!(done.status.success(), "{}", util::stderr(&done));
    let expected = util::tree_bytes(&reference);
    for (point, when) in POINTS {
        let out = dir.path().join(point.replace(':', "-"));
        let killed = util::run_killed_at(&util::SAMPLE_INPUTS, &out, point);
        assert_eq!(
            killed.status.signal(),
            Some(9),
            "killed when {when} ({point}): not killed, {:?}: {}",
            killed.status,
            util::stderr(&killed)
        );
        assert!(
            !out.join("manifest.json").exists(),
            "killed when {when}: a manifest is there, so the directory looks complete"
        );
        let rerun = util::run(&util::SAMPLE_INPUTS, &out, &[]);
        assert!(rerun.status.success(), "rerun after {point}: {}", util::stderr(&rerun));
        let actual = util::tree_bytes(&out);
        assert_eq!(
            actual.keys().collect::<Vec<_>>(),
            expected.keys().collect::<Vec<_>>(),
            "files after a kill when {when} and a rerun"
        );
        for (name, bytes) in &expected {
            assert!(
                &actual[name] == bytes,
                "{name} differs after a kill when {when} and a rerun"
            );
        }
    }
}
