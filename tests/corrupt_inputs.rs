//! The corrupt-input matrix: one fixture per kind of damaged or odd input
//! (compressed streams, Parquet files, JSONL lines, tree entries), made at
//! test time (the table is in `corrupt_inputs/cases.rs`). Most kinds share
//! one run, each in its own input. For every kind: no panic, no hang, every
//! good document kept, the bad one in the ledger with its file and line or
//! row, and counts that add up.
//!
//! With `CORPUSLEDGER_RELIABILITY_OUT=DIR` the test writes
//! `DIR/corrupt_inputs.json`, one row per kind. Its `documents_in` is what
//! the fixture holds (lines, rows, directory entries), so `lost` counts the
//! documents no output accounts for: above 0 only where one rejection stands
//! for the unreadable rest of an input (a broken stream, an unreadable
//! Parquet file), or where a stage refused to run.

mod cases;

use std::path::Path;
use std::process::Command;

use serde_json::{Value, json};

use crate::util::{self, Row, RunAs, get};
use cases::{Bad, CASES, Case, Kept};

/// Ledger reasons that are removals; the others are rejections.
const REMOVALS: [&str; 4] = ["exact-duplicate", "near-duplicate", "opted-out", "license-denied"];

#[test]
fn corrupt_input_matrix() {
    let fixtures = tempfile::tempdir().unwrap();
    // Read by `nobody` when the tests run as root (see `util::run_guarded`).
    cases::set_mode(fixtures.path(), 0o755);
    let mut report = Vec::new();
    let mut failures = Vec::new();
    let shared: Vec<&Case> = CASES.iter().filter(|c| !c.expect.alone).collect();
    let max_bytes = cases::MAX_FILE_BYTES.to_string();
    let run = run_cases(fixtures.path(), "shared", &shared, &["--max-file-bytes", &max_bytes]);
    assert!(
        !run.data
            .iter()
            .any(|r| get(r, "content").unwrap_or("").contains(cases::OUTSIDE_MARKER)),
        "tree-symlink-outside-root: a file outside the input root reached the data"
    );
    check_cases(&run, &shared, &mut report, &mut failures);
    for case in CASES.iter().filter(|c| c.expect.alone) {
        let run = run_cases(fixtures.path(), case.name, &[case], &[]);
        check_cases(&run, &[case], &mut report, &mut failures);
        // The 100 MB line is skipped, never held: the whole run stays
        // below the size of the line.
        if let Some(peak_kb) = run.peak_rss_kb {
            if peak_kb > 96 << 10 {
                failures.push(format!("{}: peak memory {peak_kb} kB for a 100 MB line", case.name));
            }
        }
    }
    report.push(file_vanished_after_plan(fixtures.path()));
    // Let the owner remove what was made unreadable.
    let _ = Command::new("chmod")
        .arg("-R")
        .arg("u+rwX")
        .arg(fixtures.path())
        .status();
    write_report(&report);
    assert!(
        failures.is_empty(),
        "corrupt-input matrix:\n  {}",
        failures.join("\n  ")
    );
}

/// What one run of the binary left.
struct Run {
    inputs: std::path::PathBuf,
    data: Vec<Row>,
    ledger: Vec<Row>,
    peak_rss_kb: Option<u64>,
}

/// Makes the cases' inputs in `DIR/NAME/`, runs them in one run and checks
/// what holds for the run as a whole.
fn run_cases(dir: &Path, name: &str, cases: &[&Case], extra: &[&str]) -> Run {
    let inputs = dir.join(name);
    std::fs::create_dir(&inputs).unwrap();
    for case in cases {
        (case.setup)(&inputs.join(case.input));
    }
    let out = dir.join(format!("{name}.out"));
    std::fs::create_dir(&out).unwrap();
    cases::set_mode(&out, 0o777);
    let mut args = vec!["run", "--quiet", "--out", out.to_str().unwrap()];
    let labels: Vec<String> = cases.iter().map(|c| label(&inputs, c)).collect();
    for label in &labels {
        args.extend(["--input", label]);
    }
    args.extend(extra);
    let kinds: Vec<&str> = cases.iter().map(|c| c.name).collect();
    // Read by `nobody`: root reads files whatever their mode.
    let (output, peak_rss_kb) = util::run_guarded(&args, &dir.join(format!("{name}.rss")), RunAs::NobodyWhenRoot);
    let stderr = util::stderr(&output);
    assert!(
        !stderr.contains("panicked") && output.status.code() != Some(101),
        "panic in a run of {kinds:?}:\n{stderr}"
    );
    assert!(
        matches!(output.status.code(), Some(0 | 1)),
        "a run of {kinds:?} failed:\n{stderr}"
    );
    util::counts_add_up(&util::manifest(&out));
    Run {
        inputs,
        data: util::data_rows(&out),
        ledger: util::ledger_rows(&out),
        peak_rss_kb,
    }
}

fn label(inputs: &Path, case: &Case) -> String {
    inputs.join(case.input).to_str().unwrap().to_owned()
}

/// Checks each case against the run's outputs; adds its report row, and a
/// message naming the kind for each thing that does not hold.
fn check_cases(run: &Run, cases: &[&Case], report: &mut Vec<Value>, failures: &mut Vec<String>) {
    for case in cases {
        let label = label(&run.inputs, case);
        let of_input = |rows: &[Row]| -> Vec<Row> {
            rows.iter()
                .filter(|r| get(r, "input") == Some(label.as_str()))
                .cloned()
                .collect()
        };
        let kept = of_input(&run.data).len() as u64;
        let ledger = of_input(&run.ledger);
        let (removed, rejected): (Vec<&Row>, Vec<&Row>) = ledger
            .iter()
            .partition(|r| REMOVALS.contains(&get(r, "reason").unwrap()));
        let mut problems = Vec::new();
        check_case(case, kept, removed.len() as u64, &rejected, &mut problems);
        let expect = &case.expect;
        let lost = expect.docs_in as i64 - (kept + ledger.len() as u64) as i64;
        if lost < 0 || (lost > 0 && !expect.rest_unreadable) {
            problems.push(format!("{lost} documents lost"));
        }
        failures.extend(problems.into_iter().map(|p| format!("{}: {p}", case.name)));
        let reasons: Vec<String> = rejected
            .iter()
            .take(3)
            .map(|r| {
                let detail = get(r, "detail")
                    .unwrap()
                    .replace(run.inputs.to_str().unwrap(), "<fixtures>");
                format!("{}: {detail}", get(r, "reason").unwrap())
            })
            .collect();
        report.push(json!({
            "kind": case.name,
            "outcome": if rejected.is_empty() { "read" } else { "rejected" },
            "reason": reasons.join("; "),
            "panicked": false,
            "documents_in": expect.docs_in,
            "kept": kept,
            "removed": removed.len(),
            "rejected": rejected.len(),
            "lost": lost,
        }));
    }
}

fn check_case(case: &Case, kept: u64, removed: u64, rejected: &[&Row], problems: &mut Vec<String>) {
    let expect = &case.expect;
    match expect.kept {
        Kept::Exactly(n) => {
            // Extra rejections show as documents lost below 0.
            if kept != n {
                problems.push(format!("kept {kept} documents, expected {n}"));
            }
        }
        Kept::SomeBeforeTheBreak if kept == 0 || kept >= expect.docs_in => {
            problems.push(format!(
                "kept {kept} of {} documents of a broken stream",
                expect.docs_in
            ));
        }
        Kept::SomeBeforeTheBreak | Kept::Any => {}
    }
    if !matches!(expect.kept, Kept::Any) && removed != expect.removed {
        problems.push(format!("removed {removed} documents, expected {}", expect.removed));
    }
    for bad in expect.rejected {
        if !rejected.iter().any(|r| matches(r, bad)) {
            problems.push(format!(
                "no {} rejection of `{}` at {:?} saying `{}`; rejections: {rejected:?}",
                bad.reason, bad.key, bad.row, bad.says
            ));
        }
    }
}

/// Whether a ledger row is the expected rejection: its reason, its file in
/// the input, its line or row, and words of its detail.
fn matches(row: &Row, bad: &Bad) -> bool {
    let detail = get(row, "detail").unwrap_or("");
    let at: u64 = get(row, "row").unwrap().parse().unwrap();
    let at_ok = match bad.row {
        Some(expected) => at == expected,
        None => at >= 1 && detail.contains(&format!("line {at}")),
    };
    get(row, "reason") == Some(bad.reason) && get(row, "key") == Some(bad.key) && at_ok && detail.contains(bad.says)
}

/// A file listed by `plan` and deleted before `ingest`: the stage refuses to
/// read a shard that changed, names the file and says to plan again.
fn file_vanished_after_plan(dir: &Path) -> Value {
    let tree = dir.join("vanished");
    std::fs::create_dir_all(tree.join("repo")).unwrap();
    for (idx, name) in ["good.rs", "gone.rs"].into_iter().enumerate() {
        std::fs::write(tree.join("repo").join(name), cases::text("tree-vanished", idx as u64)).unwrap();
    }
    let run_dir = dir.join("vanished.run");
    let out = dir.join("vanished.out");
    let plan = util::plan(&[tree.to_str().unwrap()], &out, &run_dir, &[]);
    assert!(
        plan.status.success(),
        "tree-vanished-after-plan: {}",
        util::stderr(&plan)
    );
    std::fs::remove_file(tree.join("repo/gone.rs")).unwrap();
    let ingest = util::corpusledger(&[
        "ingest",
        "--quiet",
        "--run-dir",
        run_dir.to_str().unwrap(),
        "--num-shards",
        "1",
        "--shard-index",
        "0",
    ]);
    let stderr = util::stderr(&ingest);
    assert!(
        !stderr.contains("panicked") && !ingest.status.success() && ingest.status.code() != Some(101),
        "tree-vanished-after-plan: {stderr}"
    );
    for words in ["repo/gone.rs (vanished)", "run `corpusledger plan`"] {
        assert!(
            stderr.contains(words),
            "tree-vanished-after-plan: stderr lacks `{words}`:\n{stderr}"
        );
    }
    let error = stderr.lines().find(|l| l.contains("vanished")).unwrap_or_default();
    json!({
        "kind": "tree-vanished-after-plan",
        "outcome": "refused",
        "reason": error.replace(dir.to_str().unwrap(), "<fixtures>"),
        "panicked": false,
        "documents_in": 2,
        "kept": 0,
        "removed": 0,
        "rejected": 0,
        "lost": 2,
    })
}

/// With `CORPUSLEDGER_RELIABILITY_OUT` set, writes the rows to
/// `corrupt_inputs.json` there, for docs/reliability.md.
fn write_report(rows: &[Value]) {
    let Some(dir) = std::env::var_os("CORPUSLEDGER_RELIABILITY_OUT") else {
        return;
    };
    let dir = Path::new(&dir);
    std::fs::create_dir_all(dir).unwrap();
    let text = serde_json::to_string_pretty(&Value::Array(rows.to_vec())).unwrap();
    std::fs::write(dir.join("corrupt_inputs.json"), text + "\n").unwrap();
}
