//! Helpers: run the binary, read its Parquet outputs as rows of strings.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use arrow::array::{Array, AsArray};
use arrow::compute::cast;
use arrow::datatypes::DataType;

pub const BIN: &str = env!("CARGO_BIN_EXE_corpusledger");

/// The repository root: the binary runs from here, so input labels are the
/// relative paths `sample-data/...` and document ids are stable.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub const SAMPLE_INPUTS: [&str; 3] = [
    "sample-data/repos",
    "sample-data/jsonl/snippets.jsonl.zst",
    "sample-data/stack/stack-sample.parquet",
];

pub fn corpusledger(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .current_dir(root())
        .env_remove("CORPUSLEDGER_CONFIG")
        .output()
        .expect("run the binary")
}

/// Runs `run` on inputs into `out` with extra flags; returns the output.
pub fn run(inputs: &[&str], out: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["run", "--quiet", "--out", out.to_str().unwrap()];
    for input in inputs {
        args.extend(["--input", input]);
    }
    args.extend(extra);
    corpusledger(&args)
}

/// `plan` of `inputs` for `out` into `run_dir`, with extra flags.
pub fn plan<S: AsRef<str>>(inputs: &[S], out: &Path, run_dir: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "plan",
        "--quiet",
        "--out",
        out.to_str().unwrap(),
        "--run-dir",
        run_dir.to_str().unwrap(),
    ];
    for input in inputs {
        args.extend(["--input", input.as_ref()]);
    }
    args.extend(extra);
    corpusledger(&args)
}

/// The staged tasks of a planned run with two shards, each shard's tasks in
/// reverse order (their outputs must not depend on it); panics on a task
/// that does not exit 0.
pub fn run_two_shards(run_dir: &Path) {
    for args in [
        vec!["ingest", "--num-shards", "2", "--shard-index", "1"],
        vec!["ingest", "--num-shards", "2", "--shard-index", "0"],
        vec!["bucket", "--num-shards", "2", "--shard-index", "1"],
        vec!["bucket", "--num-shards", "2", "--shard-index", "0"],
        vec!["verify-pairs", "--num-shards", "2", "--shard-index", "1"],
        vec!["verify-pairs", "--num-shards", "2", "--shard-index", "0"],
        vec!["cluster", "--num-shards", "2"],
        vec!["finalize", "--num-shards", "2", "--shard-index", "1"],
        vec!["finalize", "--num-shards", "2", "--shard-index", "0"],
        vec!["manifest", "--num-shards", "2"],
    ] {
        let mut full = args.clone();
        full.extend(["--quiet", "--run-dir", run_dir.to_str().unwrap()]);
        let output = corpusledger(&full);
        assert_eq!(output.status.code(), Some(0), "{args:?}: {}", stderr(&output));
    }
}

/// `run` of `inputs` into `out` with `CORPUSLEDGER_KILL_AT=point`: the
/// process sends itself SIGKILL there (`pipeline::kill_point`).
pub fn run_killed_at(inputs: &[&str], out: &Path, point: &str) -> Output {
    let mut args = vec!["run", "--quiet", "--out", out.to_str().unwrap()];
    for input in inputs {
        args.extend(["--input", input]);
    }
    Command::new(BIN)
        .args(&args)
        .current_dir(root())
        .env_remove("CORPUSLEDGER_CONFIG")
        .env("CORPUSLEDGER_KILL_AT", point)
        .output()
        .expect("run the binary")
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

pub type Row = BTreeMap<String, Option<String>>;

/// Every row of a Parquet file, each column as text (null as `None`).
pub fn read_rows(path: &Path) -> Vec<Row> {
    batch_rows(corpusledger_output::read_batches(path).expect("readable parquet"))
}

/// The rows of record batches, each column as text (null as `None`).
pub fn batch_rows(batches: Vec<arrow::record_batch::RecordBatch>) -> Vec<Row> {
    let mut rows = Vec::new();
    for batch in batches {
        let schema = batch.schema();
        let columns: Vec<_> = batch
            .columns()
            .iter()
            .map(|c| cast(c, &DataType::Utf8).expect("castable to text"))
            .collect();
        for i in 0..batch.num_rows() {
            let row = schema
                .fields()
                .iter()
                .zip(&columns)
                .map(|(f, c)| {
                    (
                        f.name().clone(),
                        c.is_valid(i).then(|| c.as_string::<i32>().value(i).to_owned()),
                    )
                })
                .collect();
            rows.push(row);
        }
    }
    rows
}

/// Rows of every data shard listed in the manifest.
pub fn data_rows(out: &Path) -> Vec<Row> {
    let manifest = manifest(out);
    let mut rows = Vec::new();
    for file in manifest["outputs"].as_array().unwrap() {
        let path = file["path"].as_str().unwrap();
        if path.starts_with("data/") {
            rows.extend(read_rows(&out.join(path)));
        }
    }
    rows
}

pub fn ledger_rows(out: &Path) -> Vec<Row> {
    read_rows(&out.join("removed.parquet"))
}

pub fn manifest(out: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(out.join("manifest.json")).expect("manifest written"))
        .expect("manifest is JSON")
}

/// Every file under `dir`, relative path -> bytes.
pub fn tree_bytes(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path.strip_prefix(dir).unwrap().to_string_lossy().into_owned();
                files.insert(rel, std::fs::read(&path).unwrap());
            }
        }
    }
    files
}

pub fn get<'a>(row: &'a Row, column: &str) -> Option<&'a str> {
    row.get(column)
        .unwrap_or_else(|| panic!("no column {column}"))
        .as_deref()
}

/// Checks `documents = kept + removed + rejected` in a manifest and returns
/// (kept, removed, rejected).
pub fn counts_add_up(manifest: &serde_json::Value) -> (u64, u64, u64) {
    let counts = &manifest["counts"];
    let sum = |key: &str| {
        counts[key]
            .as_object()
            .unwrap()
            .values()
            .map(|v| v.as_u64().unwrap())
            .sum::<u64>()
    };
    let (kept, removed, rejected) = (counts["kept"].as_u64().unwrap(), sum("removed"), sum("rejected"));
    assert_eq!(
        kept + removed + rejected,
        counts["documents"].as_u64().unwrap(),
        "{counts}"
    );
    (kept, removed, rejected)
}

/// Compares `actual` with the golden file `tests/golden/NAME`; with
/// UPDATE_GOLDEN set, writes it first.
pub fn assert_golden(name: &str, actual: &str) {
    let golden = root().join("tests/golden").join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&golden, actual).unwrap();
    }
    let expected = std::fs::read_to_string(&golden).expect("golden file; create it with UPDATE_GOLDEN=1");
    assert!(
        actual == expected,
        "{} differs from {}; if intended, regenerate with UPDATE_GOLDEN=1",
        name,
        golden.display()
    );
}

/// Words code-like test texts are made of.
pub const WORDS: [&str; 16] = [
    "let", "value", "index", "count", "buffer", "result", "parse", "token", "return", "match", "self", "config",
    "error", "write", "read", "total",
];

/// A xorshift64 generator from `seed` (not 0): deterministic test data.
pub fn xorshift(seed: u64) -> impl FnMut() -> u64 {
    let mut state = seed;
    move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    }
}

/// Writes a tree of `repos` repositories of `files` source files each (plus
/// a LICENSE per repository, MIT or Apache-2.0 in turn), with exact copies
/// (every 7th file repeats one of an earlier repository) and near copies
/// (every 5th: an earlier file with one line changed). Deterministic.
pub fn synthetic_tree(dir: &Path, repos: usize, files: usize) {
    let mut next = xorshift(0x9E37_79B9_7F4A_7C15);
    let mut texts: Vec<String> = Vec::new();
    for repo in 0..repos {
        let root = dir.join(format!("repo-{repo:03}"));
        std::fs::create_dir_all(root.join("src")).unwrap();
        let license = if repo % 2 == 0 {
            "MIT License\n\nPermission is hereby granted, free of charge, to any person obtaining a copy of this software and associated documentation files (the \"Software\"), to deal in the Software without restriction, including without limitation the rights to use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies of the Software, and to permit persons to whom the Software is furnished to do so, subject to the following conditions:\n\nThe above copyright notice and this permission notice shall be included in all copies or substantial portions of the Software.\n\nTHE SOFTWARE IS PROVIDED \"AS IS\", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.\n"
        } else {
            "SPDX-License-Identifier: Apache-2.0\n"
        };
        std::fs::write(root.join("LICENSE"), license).unwrap();
        for file in 0..files {
            let n = texts.len();
            let text = if n > files && file % 7 == 3 {
                texts[(next() as usize) % (n - files)].clone()
            } else if n > files && file % 5 == 1 {
                let base = &texts[(next() as usize) % (n - files)];
                let mut lines: Vec<&str> = base.lines().collect();
                let at = (next() as usize) % lines.len();
                lines[at] = "    let changed = 1;";
                lines.join("\n") + "\n"
            } else {
                let mut text = format!("fn f{repo}_{file}() {{\n");
                for _ in 0..(20 + next() % 30) {
                    let line: Vec<&str> = (0..(4 + next() % 8)).map(|_| WORDS[(next() % 16) as usize]).collect();
                    text.push_str(&format!("    {};\n", line.join(" ")));
                }
                text.push_str("}\n");
                text
            };
            std::fs::write(root.join("src").join(format!("m{file:03}.rs")), &text).unwrap();
            texts.push(text);
        }
    }
}

/// Whether the tests run as root (who reads files whatever their mode).
pub fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| o.stdout.starts_with(b"0\n"))
        .unwrap_or(false)
}

/// A run that takes longer has hung (a FIFO or device opened for reading):
/// [`run_guarded`] kills it and fails the test instead of blocking.
pub const HANG_LIMIT: Duration = Duration::from_secs(600);

/// Who [`run_guarded`] runs the binary as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RunAs {
    /// The user running the tests.
    Me,
    /// `nobody` when the tests run as root, who reads files whatever their
    /// mode (an unreadable fixture would be read).
    NobodyWhenRoot,
}

/// Runs the binary from the repository root as `run_as` says, under
/// `/usr/bin/time` when there is one to measure peak memory (then also
/// returned, in kB), and killed after [`HANG_LIMIT`].
pub fn run_guarded(args: &[&str], rss_file: &Path, run_as: RunAs) -> (Output, Option<u64>) {
    let time = Path::new("/usr/bin/time");
    let mut argv: Vec<String> = Vec::new();
    if time.exists() {
        argv.extend(["-f", "%M", "-o", rss_file.to_str().unwrap()].map(String::from));
    }
    if run_as == RunAs::NobodyWhenRoot && is_root() {
        argv.extend(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"].map(String::from));
    }
    argv.push(BIN.to_owned());
    argv.extend(args.iter().map(|a| a.to_string()));
    let program = if time.exists() {
        "/usr/bin/time".to_owned()
    } else {
        argv.remove(0)
    };
    let mut child = Command::new(program)
        .args(&argv)
        .current_dir(root())
        .env_remove("CORPUSLEDGER_CONFIG")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run the binary");
    let drain = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            pipe.read_to_end(&mut bytes).unwrap();
            bytes
        })
    };
    let stdout = drain(Box::new(child.stdout.take().unwrap()));
    let stderr = drain(Box::new(child.stderr.take().unwrap()));
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > HANG_LIMIT {
            child.kill().unwrap();
            child.wait().unwrap();
            panic!("the run of {args:?} hung: was a FIFO or a device opened for reading?");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let output = Output {
        status,
        stdout: stdout.join().unwrap(),
        stderr: stderr.join().unwrap(),
    };
    let peak = std::fs::read_to_string(rss_file)
        .ok()
        .and_then(|text| text.lines().last()?.trim().parse().ok());
    (output, peak)
}

/// A new key pair NAME.key / NAME.pub in `dir`, made by `corpusledger keygen`.
pub fn keygen(dir: &Path, name: &str) -> (std::path::PathBuf, std::path::PathBuf) {
    let (secret, public) = (dir.join(format!("{name}.key")), dir.join(format!("{name}.pub")));
    let output = corpusledger(&[
        "keygen",
        "--secret-key",
        secret.to_str().unwrap(),
        "--public-key",
        public.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    (secret, public)
}
