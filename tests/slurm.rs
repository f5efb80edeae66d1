//! A real Slurm cluster on this machine (slurmctld, three slurmd nodes,
//! munge; `scripts/slurm/start-local.sh`): `slurm submit` with 7 shards
//! gives the bytes of `run`, and after one array task is cancelled while it
//! writes, `slurm resume` finishes the same dataset. Skipped, saying why,
//! only where the cluster cannot be started (not root, no apt-get).

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use crate::util;

/// The cluster, stopped when dropped.
struct Cluster {
    conf: String,
}

impl Cluster {
    #[expect(clippy::print_stderr, reason = "a skipped test tells why")]
    fn start() -> Option<Cluster> {
        let script = util::root().join("scripts/slurm/start-local.sh");
        let output = Command::new("bash").arg(script).arg("3").output().expect("run bash");
        match output.status.code() {
            Some(0) => {}
            Some(3) => {
                eprintln!(
                    "SKIPPED slurm test: no local Slurm cluster can be started here: {}",
                    util::stderr(&output)
                );
                return None;
            }
            _ => panic!("start-local.sh failed: {}", util::stderr(&output)),
        }
        let stdout = String::from_utf8_lossy(&output.stdout);
        let conf = stdout
            .lines()
            .last()
            .and_then(|line| line.strip_prefix("export SLURM_CONF="))
            .expect("start-local.sh ends with export SLURM_CONF=...")
            .trim_matches(['\'', '"'])
            .to_owned();
        Some(Cluster { conf })
    }

    fn command(&self, program: &str) -> Command {
        let mut command = Command::new(program);
        command.env("SLURM_CONF", &self.conf).current_dir(util::root());
        command
    }

    fn corpusledger(&self, args: &[&str]) -> Output {
        self.command(util::BIN)
            .args(args)
            .env_remove("CORPUSLEDGER_CONFIG")
            .output()
            .expect("run corpusledger")
    }

    /// Job states of `ids` (comma-separated) still known to squeue.
    fn squeue(&self, ids: &str, format: &str) -> String {
        let output = self
            .command("squeue")
            .args(["-h", "-j", ids, "-o", format])
            .output()
            .expect("run squeue");
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    /// Polls until every job of `ids` has left the queue.
    fn wait_gone(&self, ids: &str, timeout: Duration) {
        let start = Instant::now();
        while !self.squeue(ids, "%i %T").trim().is_empty() {
            assert!(start.elapsed() < timeout, "jobs {ids} still queued after {timeout:?}");
            std::thread::sleep(Duration::from_millis(200));
        }
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let script = util::root().join("scripts/slurm/stop-local.sh");
        let _ = Command::new("bash").arg(script).env("SLURM_CONF", &self.conf).output();
    }
}

/// The job ids of the last submission in RUN/slurm/jobs.txt, by stage
/// (`ingest 12 cluster 13 finalize 14 manifest 15`).
fn last_jobs(run_dir: &Path) -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(run_dir.join("slurm/jobs.txt")).expect("jobs.txt");
    let line = text.lines().last().expect("a submission");
    let words: Vec<&str> = line.split_whitespace().collect();
    words
        .chunks(2)
        .map(|pair| (pair[0].to_owned(), pair[1].to_owned()))
        .collect()
}

fn all_ids(jobs: &BTreeMap<String, String>) -> String {
    jobs.values().cloned().collect::<Vec<_>>().join(",")
}

fn logs(run_dir: &Path) -> String {
    let mut text = String::new();
    if let Ok(entries) = std::fs::read_dir(run_dir.join("slurm/logs")) {
        for entry in entries.flatten() {
            text.push_str(&format!("--- {}\n", entry.path().display()));
            text.push_str(&std::fs::read_to_string(entry.path()).unwrap_or_default());
        }
    }
    text
}

fn assert_ok(output: &Output) {
    assert!(
        output.status.success(),
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        util::stderr(output)
    );
}

/// Waits for the jobs of the last submission, then says whether the dataset
/// is finished (with the logs when not).
fn wait_finished(cluster: &Cluster, run_dir: &Path) {
    let jobs = last_jobs(run_dir);
    assert_eq!(
        jobs.keys().collect::<Vec<_>>(),
        ["bucket", "cluster", "finalize", "ingest", "manifest", "verify-pairs"]
            .iter()
            .collect::<Vec<_>>()
    );
    cluster.wait_gone(&all_ids(&jobs), Duration::from_secs(600));
    let status = cluster.corpusledger(&["slurm", "status", "--run-dir", run_dir.to_str().unwrap()]);
    assert_ok(&status);
    assert!(
        String::from_utf8_lossy(&status.stdout)
            .lines()
            .any(|line| line.split_whitespace().eq(["manifest", "done"])),
        "{}\n{}",
        String::from_utf8_lossy(&status.stdout),
        logs(run_dir)
    );
}

fn assert_same_tree(actual: &Path, expected: &Path) {
    let (actual, expected) = (util::tree_bytes(actual), util::tree_bytes(expected));
    assert_eq!(actual.keys().collect::<Vec<_>>(), expected.keys().collect::<Vec<_>>());
    for (name, bytes) in &expected {
        assert!(&actual[name] == bytes, "{name} differs from run's");
    }
}

/// A JSONL file of `docs` code-like documents of about 2 KB: one unit, so
/// one shard, that takes a few seconds to read.
fn big_jsonl(path: &Path, docs: usize) {
    let mut file = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    for doc in 0..docs {
        let mut text = format!("def f{doc}(x):\n");
        for _ in 0..60 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            text.push_str(&format!("    x = x * {} + {}\n", state % 997, (state >> 20) % 991));
        }
        writeln!(
            file,
            "{}",
            serde_json::json!({ "content": text, "path": format!("f{doc}.py") })
        )
        .unwrap();
    }
    file.flush().unwrap();
}

#[test]
fn slurm_array_gives_the_bytes_of_run_and_resumes_after_a_cancelled_task() {
    let Some(cluster) = Cluster::start() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    util::synthetic_tree(&root.join("tree"), 60, 50);
    // Inputs are sorted by label: the JSONL comes first, so it is shard 0.
    big_jsonl(&root.join("a-big.jsonl"), 30_000);
    let config = root.join("config.toml");
    std::fs::write(
        &config,
        format!(
            "input = [{:?}, {:?}, \"sample-data/stack/stack-sample.parquet\"]\n\
             [slurm]\nmem = \"600M\"\nfinalize-mem = \"1500M\"\ntime = \"00:15:00\"\n",
            root.join("a-big.jsonl").display().to_string(),
            root.join("tree").display().to_string(),
        ),
    )
    .unwrap();
    let config = config.to_str().unwrap();
    let path = |name: &str| -> PathBuf { root.join(name) };
    let reference = path("run");
    assert_ok(&cluster.corpusledger(&[
        "run",
        "--quiet",
        "--config",
        config,
        "--out",
        reference.to_str().unwrap(),
        "--threads",
        "2",
    ]));
    let documents = util::manifest(&reference)["counts"]["documents"].as_u64().unwrap();
    assert!(documents > 3000, "{documents} documents");

    let submit = |name: &str| {
        let (out, run_dir) = (path(&format!("out-{name}")), path(&format!("run-{name}")));
        assert_ok(&cluster.corpusledger(&[
            "slurm",
            "submit",
            "--quiet",
            "--config",
            config,
            "--out",
            out.to_str().unwrap(),
            "--run-dir",
            run_dir.to_str().unwrap(),
            "--num-shards",
            "7",
        ]));
        (out, run_dir)
    };

    // Seven shards as a job array over three nodes, then finalize. The
    // nodes have one CPU each and the config asks for the default two per
    // task: `slurm plan` reads sinfo and asks for one, else sbatch refuses.
    let (out, run_dir) = submit("whole");
    let script = std::fs::read_to_string(run_dir.join("slurm").join("ingest.sbatch")).unwrap();
    assert!(script.contains("#SBATCH --cpus-per-task=1\n"), "{script}");
    wait_finished(&cluster, &run_dir);
    assert_same_tree(&out, &reference);
    let nodes = logs(&run_dir);
    assert!(!nodes.contains("error"), "{nodes}");

    // Cancel shard 0 while it writes its part: the later stages never start
    // (their dependency failed), the shard has no marker, and resume redoes
    // only it, then the stages after it.
    let (out, run_dir) = submit("cancelled");
    let jobs = last_jobs(&run_dir);
    let ingest = jobs["ingest"].clone();
    let task = format!("{ingest}_0");
    let start = Instant::now();
    while !cluster.squeue(&task, "%T").contains("RUNNING") {
        assert!(start.elapsed() < Duration::from_secs(120), "task {task} never ran");
        std::thread::sleep(Duration::from_millis(50));
    }
    std::thread::sleep(Duration::from_millis(700));
    assert_ok(&cluster.command("scancel").arg(&task).output().unwrap());
    cluster.wait_gone(&all_ids(&jobs), Duration::from_secs(600));
    let shard0 = run_dir.join("ingest/00000-of-00007.done");
    assert!(
        !shard0.exists(),
        "shard 0 finished before it was cancelled: make it bigger"
    );
    let partial = |run_dir: &Path| -> Vec<String> {
        std::fs::read_dir(run_dir.join("ingest"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|name| name.starts_with("00000-of-00007.tmp."))
            .collect()
    };
    assert_eq!(partial(&run_dir).len(), 1, "the cancelled task left its partial part");
    let status = cluster.corpusledger(&["slurm", "status", "--run-dir", run_dir.to_str().unwrap()]);
    assert_eq!(status.status.code(), Some(1));
    let text = String::from_utf8_lossy(&status.stdout);
    assert!(
        text.contains("6 of 7 shards done") && text.contains("shard 0: not done"),
        "{text}"
    );
    assert!(!out.join("manifest.json").exists());

    assert_ok(&cluster.corpusledger(&["slurm", "resume", "--run-dir", run_dir.to_str().unwrap()]));
    let again = last_jobs(&run_dir);
    assert_ne!(again["ingest"], ingest);
    wait_finished(&cluster, &run_dir);
    assert_same_tree(&out, &reference);
    assert!(partial(&run_dir).is_empty(), "the partial part is gone");
    let resumed = cluster.corpusledger(&["slurm", "resume", "--run-dir", run_dir.to_str().unwrap()]);
    assert_ok(&resumed);
    assert!(util::stderr(&resumed).contains("nothing to do"));
}
