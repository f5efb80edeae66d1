//! Resources: memory stays bounded on adversarial documents (one token
//! repeated ten million times, a million identical tiny files, a 1 GB
//! file), and a full disk ends with a clear error and no manifest
//! (`resources/disk_full.rs`). Each case checks the outcome (counts that add
//! up, ledger reasons, exit code) and a peak-memory bound: a guard against
//! blow-ups set well above what was measured, never a timing.
//!
//! Cases slower than about 20 s in the dev profile run only with
//! `CORPUSLEDGER_SLOW_TESTS=1`; otherwise they say they were skipped. With
//! `CORPUSLEDGER_RELIABILITY_OUT=DIR` each case adds its row (documents in,
//! kept, removed, rejected, lost, peak RSS, exit code, outcome) to
//! `DIR/resources.json`, for docs/reliability.md.

mod disk_full;

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::Mutex;

use arrow::array::{Array, AsArray, RecordBatch};
use parquet::arrow::ProjectionMask;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use rayon::prelude::*;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::util::{self, Row, RunAs, get};

const MB: u64 = 1 << 20;

/// `token ` ten million times: 60 MB, one distinct shingle.
#[test]
fn one_token_repeated_ten_million_times() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("tree/repo");
    std::fs::create_dir_all(&repo).unwrap();
    std::fs::write(repo.join("repeat.txt"), "token ".repeat(10_000_000)).unwrap();
    std::fs::write(repo.join("repeat-again.txt"), "token ".repeat(9_999_999)).unwrap();
    let run = Run::new(dir.path(), "repeated-token", &["--max-file-bytes", "100000000"]);
    assert_eq!(run.exit_code(), 0, "{}", run.stderr());
    let manifest = util::manifest(&run.out);
    assert_eq!(util::counts_add_up(&manifest), (1, 1, 0));
    assert_eq!(manifest["counts"]["removed"]["near-duplicate"], 1);
    let kept = run.data(&["key", "bytes"]);
    assert_eq!(kept.len(), 1);
    assert_eq!(get(&kept[0], "key"), Some("repo/repeat-again.txt"));
    assert_eq!(get(&kept[0], "bytes"), Some("59999994"));
    // Both texts have one shingle, the same one: Jaccard 1, so the later
    // file in source order is a near duplicate (the texts differ).
    let ledger = util::ledger_rows(&run.out);
    let reasons: Vec<_> = ledger
        .iter()
        .map(|r| {
            (
                get(r, "key").unwrap(),
                get(r, "reason").unwrap(),
                get(r, "jaccard").unwrap(),
            )
        })
        .collect();
    assert_eq!(reasons, [("repo/repeat.txt", "near-duplicate", "1.0")]);
    // Measured 370 MB, in the write stage, which holds about six copies of
    // the largest document (see `a_1gb_file_within_the_limit_is_kept`).
    // Signing holds each file and its shingles: before the shingle buffer
    // was compacted, 128 MB of it per file; now a few bytes.
    run.assert_peak_below(720 * MB, "12 times the 60 MB file");
    run.report(
        2,
        "both read; repeat-again.txt kept (first in source order), repeat.txt near-duplicate (Jaccard 1.0)",
    );
}

/// A million files of the same 30 bytes, in 1000 folders of one tree.
#[test]
fn a_million_identical_tiny_files() {
    if !slow_case("a_million_identical_tiny_files") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    // In each folder, one file and 999 hard links to it: to the reader a
    // thousand files of the same bytes, made in a fraction of the time (and
    // disk) of a thousand writes. (ext4 allows 65,000 links to a file.)
    let repo = dir.path().join("tree/repo");
    (0..1000).into_par_iter().for_each(|folder| {
        let folder = repo.join(format!("d{folder:03}"));
        std::fs::create_dir_all(&folder).unwrap();
        let first = folder.join("f000.rs");
        std::fs::write(&first, "fn main() { println!(\"hi\"); }\n").unwrap();
        for file in 1..1000 {
            std::fs::hard_link(&first, folder.join(format!("f{file:03}.rs"))).unwrap();
        }
    });
    let run = Run::new(dir.path(), "identical-files", &[]);
    assert_eq!(run.exit_code(), 0, "{}", run.stderr());
    let manifest = util::manifest(&run.out);
    assert_eq!(util::counts_add_up(&manifest), (1, 999_999, 0));
    assert_eq!(manifest["counts"]["removed"]["exact-duplicate"], 999_999);
    let kept = run.data(&["key", "doc_id", "n_duplicates"]);
    assert_eq!(kept.len(), 1);
    assert_eq!(get(&kept[0], "key"), Some("repo/d000/f000.rs"));
    assert_eq!(get(&kept[0], "n_duplicates"), Some("999999"));
    // The kept document names every copy removed in its favour.
    let sources = list_lengths(&run.data_files()[0], "cluster_sources");
    assert_eq!(sources, [999_999]);
    let ledger = run.out.join("removed.parquet");
    assert_eq!(
        tally(&ledger, "reason"),
        BTreeMap::from([("exact-duplicate".to_owned(), 999_999)])
    );
    let kept_id = get(&kept[0], "doc_id").unwrap().to_owned();
    assert_eq!(tally(&ledger, "kept_doc_id"), BTreeMap::from([(kept_id, 999_999)]));
    // Measured 420 MB: the merge sorts document records in memory up to
    // its 256 MB budget before it spills.
    run.assert_peak_below(1024 * MB, "the 256 MB sort budget, the file list, and room");
    run.report(
        1_000_000,
        "1 kept, carrying the 999,999 sources it stands for; the rest exact-duplicate",
    );
}

/// A sparse 1 GB file over the default 1 MiB limit: rejected by its size,
/// never read.
#[test]
fn a_1gb_file_over_the_limit_is_rejected_unread() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("tree/repo");
    std::fs::create_dir_all(&repo).unwrap();
    File::create(repo.join("huge.rs")).unwrap().set_len(1 << 30).unwrap();
    std::fs::write(repo.join("small.rs"), "fn main() {}\n").unwrap();
    let run = Run::new(dir.path(), "1gb-over-limit", &[]);
    assert_eq!(run.exit_code(), 0, "{}", run.stderr());
    assert_eq!(util::counts_add_up(&util::manifest(&run.out)), (1, 0, 1));
    let ledger = util::ledger_rows(&run.out);
    assert_eq!(ledger.len(), 1);
    assert_eq!(get(&ledger[0], "key"), Some("repo/huge.rs"));
    assert_eq!(get(&ledger[0], "reason"), Some("too-large"));
    assert_eq!(get(&ledger[0], "bytes"), Some("1073741824"));
    // Read, its NUL bytes would make it `binary`, and its pages would count.
    assert!(
        get(&ledger[0], "detail")
            .unwrap()
            .contains("over max-file-bytes = 1048576")
    );
    // Measured 84 MB, what any run of a small tree takes: the license
    // store, loaded for tree inputs, is 67 MB of it.
    run.assert_peak_below(256 * MB, "a quarter of the file");
    run.report(2, "too-large, by its size alone; the small file kept");
}

/// A real 1 GB file of code-like text with the limit raised: read, kept.
#[test]
fn a_1gb_file_within_the_limit_is_kept() {
    if !slow_case("a_1gb_file_within_the_limit_is_kept") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    // The input, the work files (its text, shingles) and the shard.
    let free = free_bytes(dir.path());
    if free < 6 << 30 {
        note(&format!(
            "a_1gb_file_within_the_limit_is_kept: skipped, {} MB free where 6 GB are needed",
            free >> 20
        ));
        return;
    }
    let repo = dir.path().join("tree/repo");
    std::fs::create_dir_all(&repo).unwrap();
    let big = repo.join("big.rs");
    let sha256 = write_code_like(&big, 1 << 30);
    let run = Run::new(dir.path(), "1gb-kept", &["--max-file-bytes", "2000000000"]);
    std::fs::remove_file(&big).unwrap();
    assert_eq!(run.exit_code(), 0, "{}", run.stderr());
    assert_eq!(util::counts_add_up(&util::manifest(&run.out)), (1, 0, 0));
    let kept = run.data(&["key", "bytes", "content_sha256"]);
    assert_eq!(kept.len(), 1);
    assert_eq!(get(&kept[0], "key"), Some("repo/big.rs"));
    assert_eq!(get(&kept[0], "bytes"), Some("1073741824"));
    assert_eq!(get(&kept[0], "content_sha256"), Some(sha256.as_str()));
    // Measured 4.4 GB, in the write stage, about four copies of the
    // document: its row, its Arrow array and the page buffers (5.5 GB while
    // the content column had a dictionary and min/max statistics, each a
    // copy). Signing holds the file, read whole, and its shingles.
    run.assert_peak_below(6 << 30, "6 times the file");
    run.report(1, "kept whole, content hash as written");
    std::fs::remove_dir_all(&run.out).unwrap();
}

/// One run of the binary on `DIR/tree` into `DIR/NAME.out`, its peak memory
/// measured.
struct Run {
    name: String,
    out: PathBuf,
    output: Output,
    peak_rss_kb: Option<u64>,
}

impl Run {
    fn new(dir: &Path, name: &str, extra: &[&str]) -> Run {
        let out = dir.join(format!("{name}.out"));
        let mut args = vec!["run", "--quiet", "--out", out.to_str().unwrap()];
        let tree = dir.join("tree");
        args.extend(["--input", tree.to_str().unwrap()]);
        args.extend(extra);
        let (output, peak_rss_kb) = util::run_guarded(&args, &dir.join(format!("{name}.rss")), RunAs::Me);
        let run = Run {
            name: name.to_owned(),
            out,
            output,
            peak_rss_kb,
        };
        assert!(!run.stderr().contains("panicked"), "{}", run.stderr());
        run
    }

    fn exit_code(&self) -> i32 {
        self.output.status.code().unwrap_or(-1)
    }

    fn stderr(&self) -> String {
        util::stderr(&self.output)
    }

    fn data_files(&self) -> Vec<PathBuf> {
        let manifest = util::manifest(&self.out);
        manifest["outputs"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["kind"] == "data")
            .map(|f| self.out.join(f["path"].as_str().unwrap()))
            .collect()
    }

    /// The `columns` of every data row, as text.
    fn data(&self, columns: &[&str]) -> Vec<Row> {
        self.data_files().iter().flat_map(|f| text_rows(f, columns)).collect()
    }

    /// Fails if the run's peak memory reached `bound` bytes; `why` says
    /// what the bound allows for.
    fn assert_peak_below(&self, bound: u64, why: &str) {
        let Some(peak_kb) = self.peak_rss_kb else {
            note(&format!("{}: peak memory not checked: no /usr/bin/time", self.name));
            return;
        };
        note(&format!("{}: peak RSS {} MB", self.name, peak_kb >> 10));
        assert!(
            peak_kb * 1024 < bound,
            "{}: peak RSS {} MB, over the bound of {} MB ({why})",
            self.name,
            peak_kb >> 10,
            bound >> 20
        );
    }

    /// Adds this run's row to the report; the counts are its manifest's.
    fn report(&self, documents_in: u64, outcome: &str) {
        report_row(self, &self.out, documents_in, outcome);
    }
}

/// Whether slow cases run (`CORPUSLEDGER_SLOW_TESTS=1`); if not, says so.
fn slow_case(name: &str) -> bool {
    if std::env::var_os("CORPUSLEDGER_SLOW_TESTS").is_some_and(|v| v == "1") {
        return true;
    }
    note(&format!(
        "{name}: skipped (slow); set CORPUSLEDGER_SLOW_TESTS=1 to run it"
    ));
    false
}

/// A line on stderr (shown with `--nocapture`): a skipped case, a measurement.
#[expect(clippy::print_stderr, reason = "a skipped test or a measurement tells")]
fn note(note: &str) {
    eprintln!("resources::{note}");
}

/// Bytes free on the filesystem of `dir`, from `df`.
fn free_bytes(dir: &Path) -> u64 {
    let df = std::process::Command::new("df").arg("-Pk").arg(dir).output().unwrap();
    let text = String::from_utf8_lossy(&df.stdout);
    let line = text.lines().nth(1).expect("df prints a line per filesystem");
    let kb: u64 = line.split_whitespace().nth(3).unwrap().parse().unwrap();
    kb * 1024
}

/// Writes `len` bytes of code-like text (functions of statements drawn from
/// a small vocabulary, as in `util::synthetic_tree`) to `path` as it makes
/// them; returns their SHA-256, hex.
fn write_code_like(path: &Path, len: u64) -> String {
    let mut next = util::xorshift(0x9E37_79B9_7F4A_7C15);
    let mut file = BufWriter::with_capacity(1 << 20, File::create(path).unwrap());
    let mut hasher = Sha256::new();
    let (mut written, mut function) = (0u64, 0u64);
    let mut text = String::new();
    while written < len {
        text.clear();
        text.push_str(&format!("fn f{function}() {{\n"));
        for _ in 0..(20 + next() % 30) {
            let line: Vec<&str> = (0..(4 + next() % 8))
                .map(|_| util::WORDS[(next() % 16) as usize])
                .collect();
            text.push_str(&format!("    {};\n", line.join(" ")));
        }
        text.push_str("}\n");
        function += 1;
        let take = text.len().min((len - written) as usize);
        file.write_all(&text.as_bytes()[..take]).unwrap();
        hasher.update(&text.as_bytes()[..take]);
        written += take as u64;
    }
    file.flush().unwrap();
    hasher.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// The batches of a Parquet file, only `columns` read.
fn batches_of(path: &Path, columns: &[&str]) -> Vec<RecordBatch> {
    let builder = ParquetRecordBatchReaderBuilder::try_new(File::open(path).unwrap()).unwrap();
    let mask = ProjectionMask::columns(builder.parquet_schema(), columns.iter().copied());
    builder
        .with_projection(mask)
        .build()
        .unwrap()
        .map(|batch| batch.unwrap())
        .collect()
}

/// The rows of a Parquet file, only `columns`, each as text.
fn text_rows(path: &Path, columns: &[&str]) -> Vec<Row> {
    util::batch_rows(batches_of(path, columns))
}

/// How often each value of a text column occurs.
fn tally(path: &Path, column: &str) -> BTreeMap<String, u64> {
    let mut counts = BTreeMap::new();
    for batch in batches_of(path, &[column]) {
        for value in batch.column(0).as_string::<i32>().iter() {
            *counts.entry(value.unwrap_or("<null>").to_owned()).or_default() += 1;
        }
    }
    counts
}

/// The length of a list column's value in each row.
fn list_lengths(path: &Path, column: &str) -> Vec<usize> {
    batches_of(path, &[column])
        .iter()
        .flat_map(|batch| {
            let lists = batch.column(0).as_list::<i32>();
            (0..lists.len())
                .map(|i| lists.value_length(i) as usize)
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Adds the row of `run` (its name, exit code and peak memory) to the
/// report, with the counts of the manifest in `out`.
fn report_row(run: &Run, out: &Path, documents_in: u64, outcome: &str) {
    let (kept, removed, rejected) = util::counts_add_up(&util::manifest(out));
    add_report_row(json!({
        "case": run.name,
        "documents_in": documents_in,
        "kept": kept,
        "removed": removed,
        "rejected": rejected,
        "lost": documents_in - (kept + removed + rejected),
        "peak_rss_kb": run.peak_rss_kb,
        "exit_code": run.exit_code(),
        "outcome": outcome,
    }));
}

/// Serialises the report's read-modify-write: the cases run in parallel.
static REPORT: Mutex<()> = Mutex::new(());

/// With `CORPUSLEDGER_RELIABILITY_OUT` set, adds `row` to
/// `resources.json` there (one array; a case's earlier row is replaced).
fn add_report_row(row: Value) {
    let Some(dir) = std::env::var_os("CORPUSLEDGER_RELIABILITY_OUT") else {
        return;
    };
    let _guard = REPORT.lock().unwrap_or_else(|p| p.into_inner());
    let dir = Path::new(&dir);
    std::fs::create_dir_all(dir).unwrap();
    let path = dir.join("resources.json");
    let mut rows: Vec<Value> = match std::fs::read(&path) {
        Ok(bytes) => serde_json::from_slice(&bytes).unwrap(),
        Err(_) => Vec::new(),
    };
    rows.retain(|r| r["case"] != row["case"]);
    rows.push(row);
    rows.sort_by(|a, b| a["case"].as_str().cmp(&b["case"].as_str()));
    let text = serde_json::to_string_pretty(&rows).unwrap();
    std::fs::write(path, text + "\n").unwrap();
}
