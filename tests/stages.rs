//! The stages as separate tasks (`plan`, `ingest` per shard, `finalize`)
//! give the bytes `run` gives, and refuse to mix two runs.

use std::path::{Path, PathBuf};
use std::process::Output;

use crate::util;

/// A corpus of eight units: 48 repositories of 40 files (units hold 256
/// files), plus the bundled JSONL and Parquet inputs.
fn corpus() -> (tempfile::TempDir, Vec<String>) {
    let dir = tempfile::tempdir().unwrap();
    util::synthetic_tree(&dir.path().join("tree"), 48, 40);
    let inputs = vec![
        dir.path().join("tree").to_str().unwrap().to_owned(),
        "sample-data/jsonl/snippets.jsonl.zst".to_owned(),
        "sample-data/stack/stack-sample.parquet".to_owned(),
    ];
    (dir, inputs)
}

fn ingest(run_dir: &Path, n: u32, shard: u32, extra: &[&str]) -> Output {
    let (n, shard) = (n.to_string(), shard.to_string());
    let mut args = vec![
        "ingest",
        "--quiet",
        "--run-dir",
        run_dir.to_str().unwrap(),
        "--num-shards",
        &n,
        "--shard-index",
        &shard,
    ];
    args.extend(extra);
    util::corpusledger(&args)
}

/// Every shard of `name` (an array stage), in reverse: the order tasks
/// run in changes nothing. The first failure, if any.
fn array(name: &str, run_dir: &Path, n: u32, extra: &[&str]) -> Option<Output> {
    for shard in (0..n).rev() {
        let index = shard.to_string();
        let output = stage(name, run_dir, n, &[&["--shard-index", index.as_str()], extra].concat());
        if !output.status.success() {
            return Some(output);
        }
    }
    None
}

/// bucket and verify-pairs for every shard, cluster, finalize for every
/// shard, manifest: the first failure, or the manifest stage's output.
fn finish(run_dir: &Path, n: u32, extra: &[&str]) -> Output {
    for name in ["bucket", "verify-pairs"] {
        if let Some(failed) = array(name, run_dir, n, extra) {
            return failed;
        }
    }
    let cluster = stage("cluster", run_dir, n, extra);
    if !cluster.status.success() {
        return cluster;
    }
    if let Some(failed) = array("finalize", run_dir, n, extra) {
        return failed;
    }
    stage("manifest", run_dir, n, extra)
}

/// A configuration file in `dir` cutting data shards at `rows` rows, so
/// that a run has several and each finalize task its own share of them.
fn small_shards(dir: &Path, rows: u32) -> PathBuf {
    let config = dir.join("small-shards.toml");
    std::fs::write(&config, format!("shard-max-rows = {rows}\n")).unwrap();
    config
}

/// Every ingest, bucket and verify-pairs shard of `n`, then cluster.
fn ingest_all_and_cluster(run_dir: &Path, n: u32) {
    for shard in 0..n {
        ok(ingest(run_dir, n, shard, &[]));
    }
    for name in ["bucket", "verify-pairs"] {
        if let Some(failed) = array(name, run_dir, n, &[]) {
            ok(failed);
        }
    }
    ok(stage("cluster", run_dir, n, &[]));
}

/// One stage of the run directory `run_dir` of `n` shards.
fn stage(name: &str, run_dir: &Path, n: u32, more: &[&str]) -> Output {
    let n = n.to_string();
    let mut args = vec![
        name,
        "--quiet",
        "--run-dir",
        run_dir.to_str().unwrap(),
        "--num-shards",
        &n,
    ];
    args.extend(more);
    util::corpusledger(&args)
}

fn ok(output: Output) -> Output {
    assert!(output.status.success(), "{}", util::stderr(&output));
    output
}

fn fails_with(output: Output, needle: &str) {
    assert_eq!(output.status.code(), Some(2), "{}", util::stderr(&output));
    let stderr = util::stderr(&output);
    assert!(stderr.contains(needle), "expected {needle:?} in: {stderr}");
}

/// plan, every ingest shard, then the rest: returns the output directory.
fn staged(inputs: &[String], work: &Path, n: u32, threads: &str) -> PathBuf {
    staged_with(inputs, work, n, threads, &[])
}

/// [`staged`], with `plan` given `extra` too.
fn staged_with(inputs: &[String], work: &Path, n: u32, threads: &str, extra: &[&str]) -> PathBuf {
    let (out, run_dir) = (
        work.join(format!("out-{n}-{threads}")),
        work.join(format!("run-{n}-{threads}")),
    );
    ok(util::plan(inputs, &out, &run_dir, extra));
    // Shards in reverse: the order tasks run in changes nothing.
    for shard in (0..n).rev() {
        ok(ingest(&run_dir, n, shard, &["--threads", threads]));
    }
    ok(finish(&run_dir, n, &["--threads", threads]));
    out
}

/// The corpus of [`corpus`] with its 48 repositories spread over six trees,
/// so the file list has eight inputs to shuffle.
fn split_corpus() -> (tempfile::TempDir, Vec<String>) {
    let (dir, mut inputs) = corpus();
    let tree = dir.path().join("tree");
    inputs.remove(0);
    for t in 0..6 {
        let part = dir.path().join(format!("trees/t{t}"));
        std::fs::create_dir_all(&part).unwrap();
        inputs.push(part.to_str().unwrap().to_owned());
    }
    for repo in 0..48 {
        let name = format!("repo-{repo:03}");
        std::fs::rename(
            tree.join(&name),
            dir.path().join(format!("trees/t{}", repo % 6)).join(&name),
        )
        .unwrap();
    }
    (dir, inputs)
}

/// `items` in an order drawn from `seed` (Fisher-Yates over xorshift).
fn shuffled(items: &[String], seed: u64) -> Vec<String> {
    let mut next = util::xorshift(seed | 1);
    let mut items = items.to_vec();
    for i in (1..items.len()).rev() {
        items.swap(i, (next() % (i as u64 + 1)) as usize);
    }
    items
}

#[test]
fn shards_1_3_7_16_threads_1_2_and_input_order_give_the_bytes_of_run() {
    let (dir, inputs) = split_corpus();
    // Data shards of 150 rows: several, so that each finalize task writes
    // its own share of them (or none, with 16 tasks).
    let config = small_shards(dir.path(), 150);
    let with_config = ["--config", config.to_str().unwrap()];
    let reference = dir.path().join("run");
    let inputs_ref: Vec<&str> = inputs.iter().map(String::as_str).collect();
    ok(util::run(
        &inputs_ref,
        &reference,
        &["--threads", "2", with_config[0], with_config[1]],
    ));
    let expected = util::tree_bytes(&reference);
    let manifest = util::manifest(&reference);
    assert!(manifest["counts"]["documents"].as_u64().unwrap() > 1000);
    let removed = &manifest["counts"]["removed"];
    assert!(removed["exact-duplicate"].as_u64().unwrap() > 50, "{removed}");
    assert!(removed["near-duplicate"].as_u64().unwrap() > 50, "{removed}");
    let data_shards = expected.keys().filter(|k| k.starts_with("data/")).count();
    assert!(data_shards >= 4, "{data_shards} data shards");
    for n in [1, 3, 7, 16] {
        for threads in ["1", "2"] {
            // A different shuffle of the file list for each configuration.
            let seed = u64::from(n) * 1000 + threads.parse::<u64>().unwrap();
            let order = shuffled(&inputs, seed);
            assert_ne!(order, inputs, "the shuffle left the list as it was");
            for (order, inputs) in [("given", &inputs), ("shuffled", &order)] {
                let work = dir.path().join(format!("{n}-{threads}-{order}"));
                std::fs::create_dir_all(&work).unwrap();
                let actual = util::tree_bytes(&staged_with(inputs, &work, n, threads, &with_config));
                let case = format!("{n} shards, {threads} threads, inputs in {order} order");
                assert_eq!(
                    actual.keys().collect::<Vec<_>>(),
                    expected.keys().collect::<Vec<_>>(),
                    "{case}"
                );
                for (name, bytes) in &expected {
                    assert!(&actual[name] == bytes, "{name} differs with {case}");
                }
                std::fs::remove_dir_all(&work).unwrap();
            }
        }
    }
}

#[test]
fn a_task_run_twice_or_killed_midway_leaves_one_copy_of_each_row() {
    let (dir, inputs) = corpus();
    let reference = staged(&inputs, dir.path(), 3, "2");
    let (out, run_dir) = (dir.path().join("out"), dir.path().join("run"));
    ok(util::plan(&inputs, &out, &run_dir, &[]));
    for shard in 0..3 {
        ok(ingest(&run_dir, 3, shard, &[]));
    }
    // A requeued task finds its marker and stops at once.
    let again = ok(ingest(&run_dir, 3, 1, &["--threads", "1"]));
    assert!(util::stderr(&again).is_empty(), "{}", util::stderr(&again));
    // A task killed before its rename leaves a temporary folder and no
    // marker: the next attempt starts afresh.
    let part = run_dir.join("ingest/00002-of-00003");
    std::fs::rename(&part, run_dir.join("ingest/00002-of-00003.tmp.999999")).unwrap();
    std::fs::remove_file(run_dir.join("ingest/00002-of-00003.done")).unwrap();
    fails_with(finish(&run_dir, 3, &[]), "shard 2 of 3 is not done");
    ok(ingest(&run_dir, 3, 2, &[]));
    ok(finish(&run_dir, 3, &[]));
    assert_eq!(util::tree_bytes(&out), util::tree_bytes(&reference));
    // A finished dataset is not written again.
    let stat = std::fs::metadata(out.join("manifest.json"))
        .unwrap()
        .modified()
        .unwrap();
    ok(finish(&run_dir, 3, &[]));
    assert_eq!(
        std::fs::metadata(out.join("manifest.json"))
            .unwrap()
            .modified()
            .unwrap(),
        stat
    );
}

#[test]
fn a_shard_index_out_of_range_is_refused() {
    let (dir, inputs) = corpus();
    let run_dir = dir.path().join("run");
    ok(util::plan(&inputs, &dir.path().join("out"), &run_dir, &[]));
    fails_with(ingest(&run_dir, 3, 3, &[]), "--shard-index 3 is out of range");
    fails_with(ingest(&run_dir, 0, 0, &[]), "must be at least 1");
    fails_with(ingest(&dir.path().join("nowhere"), 3, 0, &[]), "has no plan");
}

#[test]
fn a_missing_or_corrupt_marker_is_named_and_redone() {
    let (dir, inputs) = corpus();
    let (out, run_dir) = (dir.path().join("out"), dir.path().join("run"));
    ok(util::plan(&inputs, &out, &run_dir, &[]));
    for shard in 0..3 {
        ok(ingest(&run_dir, 3, shard, &[]));
    }
    let marker = run_dir.join("ingest/00001-of-00003.done");
    std::fs::write(&marker, "{ not json").unwrap();
    fails_with(finish(&run_dir, 3, &[]), "00001-of-00003.done is corrupt");
    // A marker whose files do not match is as bad as none.
    let redo = ok(ingest(&run_dir, 3, 1, &[]));
    assert!(util::stderr(&redo).contains("is corrupt"), "{}", util::stderr(&redo));
    let records = run_dir.join("ingest/00000-of-00003/records.bin");
    let bytes = std::fs::read(&records).unwrap();
    std::fs::write(&records, &bytes[..bytes.len() / 2]).unwrap();
    fails_with(finish(&run_dir, 3, &[]), "its marker");
    ok(ingest(&run_dir, 3, 0, &[]));
    ok(finish(&run_dir, 3, &[]));
    assert!(util::manifest(&out)["counts"]["documents"].as_u64().unwrap() > 1000);
}

#[test]
fn a_finalize_task_reads_only_its_data_shards_rows_and_damaged_rows_send_cluster_back() {
    let (dir, inputs) = corpus();
    let config = small_shards(dir.path(), 200);
    let with_config = ["--config", config.to_str().unwrap()];
    let reference = dir.path().join("reference");
    let inputs_ref: Vec<&str> = inputs.iter().map(String::as_str).collect();
    ok(util::run(&inputs_ref, &reference, &with_config));
    let (out, run_dir) = (dir.path().join("out"), dir.path().join("run"));
    ok(util::plan(&inputs, &out, &run_dir, &with_config));
    ingest_all_and_cluster(&run_dir, 2);
    // The cluster stage hands on one rows file per data shard.
    let cluster = run_dir.join("cluster/00000-of-00001");
    let data_shards = util::tree_bytes(&reference)
        .keys()
        .filter(|k| k.starts_with("data/"))
        .count();
    assert!(data_shards >= 4, "{data_shards} data shards");
    for number in 0..data_shards {
        assert!(
            cluster.join(format!("rows-{number:05}.bin")).is_file(),
            "rows of data shard {number}"
        );
    }
    // A byte of data shard 1's rows flipped, the size kept: the marker
    // cannot see it. Finalize task 0 of 2 writes data shards 0, 2, ...
    // and never reads that file; task 1 finds it and names it.
    let rows = cluster.join("rows-00001.bin");
    let mut bytes = std::fs::read(&rows).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x20;
    std::fs::write(&rows, &bytes).unwrap();
    let first = ok(stage("finalize", &run_dir, 2, &["--shard-index", "0"]));
    assert!(util::stderr(&first).is_empty(), "{}", util::stderr(&first));
    let second = stage("finalize", &run_dir, 2, &["--shard-index", "1"]);
    assert_eq!(second.status.code(), Some(2), "{}", util::stderr(&second));
    let stderr = util::stderr(&second);
    for needle in [
        "rows-00001.bin is damaged",
        "run `corpusledger cluster --run-dir",
        "marker",
    ] {
        assert!(stderr.contains(needle), "expected {needle:?} in: {stderr}");
    }
    // The cluster marker went with it: cluster runs again, then the rest.
    assert!(!run_dir.join("cluster/00000-of-00001.done").exists());
    ok(finish(&run_dir, 2, &[]));
    assert_eq!(util::tree_bytes(&out), util::tree_bytes(&reference));
}

#[test]
fn the_manifest_task_opens_the_committed_merge_and_a_damaged_one_sends_cluster_back() {
    let (dir, inputs) = corpus();
    let reference = staged(&inputs, dir.path(), 2, "2");
    let (out, run_dir) = (dir.path().join("out"), dir.path().join("run"));
    ok(util::plan(&inputs, &out, &run_dir, &[]));
    ingest_all_and_cluster(&run_dir, 2);
    for shard in 0..2 {
        ok(stage("finalize", &run_dir, 2, &["--shard-index", &shard.to_string()]));
    }
    // The manifest task does not merge the parts: it reads the merge the
    // cluster stage committed. Damaged (a byte flipped, the size kept), it
    // is named, and the cluster stage goes back to be redone.
    let merged = run_dir.join("cluster/00000-of-00001/merged.bin");
    let mut bytes = std::fs::read(&merged).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x01;
    std::fs::write(&merged, &bytes).unwrap();
    let manifest = stage("manifest", &run_dir, 2, &[]);
    assert_eq!(manifest.status.code(), Some(2), "{}", util::stderr(&manifest));
    let stderr = util::stderr(&manifest);
    for needle in ["merged.bin is damaged", "run `corpusledger cluster --run-dir"] {
        assert!(stderr.contains(needle), "expected {needle:?} in: {stderr}");
    }
    assert!(!out.join("manifest.json").exists());
    assert!(!run_dir.join("cluster/00000-of-00001.done").exists());
    ok(finish(&run_dir, 2, &[]));
    assert_eq!(util::tree_bytes(&out), util::tree_bytes(&reference));
}

#[test]
fn a_cut_or_missing_data_shard_of_a_finalize_task_is_named_before_it_is_published() {
    let (dir, inputs) = corpus();
    let (out, run_dir) = (dir.path().join("out"), dir.path().join("run"));
    ok(util::plan(&inputs, &out, &run_dir, &[]));
    ingest_all_and_cluster(&run_dir, 2);
    for shard in 0..2 {
        ok(stage("finalize", &run_dir, 2, &["--shard-index", &shard.to_string()]));
    }
    // The marker lists the data shard itself, not only its folder.
    let marker = std::fs::read_to_string(run_dir.join("finalize/00000-of-00002.done")).unwrap();
    assert!(marker.contains("\"data/part-00000.parquet\""), "{marker}");
    let data = run_dir.join("finalize/00000-of-00002/data/part-00000.parquet");
    let bytes = std::fs::read(&data).unwrap();
    std::fs::write(&data, &bytes[..bytes.len() / 2]).unwrap();
    let manifest = stage("manifest", &run_dir, 2, &[]);
    fails_with(manifest, "part-00000.parquet has");
    assert!(!out.join("manifest.json").exists());
    std::fs::remove_file(&data).unwrap();
    let manifest = stage("manifest", &run_dir, 2, &[]);
    let stderr = util::stderr(&manifest);
    for needle in [
        "part-00000.parquet (listed by marker",
        "corpusledger finalize --run-dir",
    ] {
        assert!(stderr.contains(needle), "expected {needle:?} in: {stderr}");
    }
    // The finalize task sees its marker is wrong and writes the shard again.
    ok(stage("finalize", &run_dir, 2, &["--shard-index", "0"]));
    ok(stage("manifest", &run_dir, 2, &[]));
    assert_eq!(std::fs::read(&data).unwrap(), bytes);
}

#[test]
fn a_config_changed_between_stages_is_refused() {
    let (dir, inputs) = corpus();
    let (out, run_dir) = (dir.path().join("out"), dir.path().join("run"));
    ok(util::plan(&inputs, &out, &run_dir, &["--threshold", "0.8"]));
    let other = dir.path().join("other.toml");
    std::fs::write(&other, "threshold = 0.9\n").unwrap();
    fails_with(
        ingest(&run_dir, 2, 0, &["--config", other.to_str().unwrap()]),
        "is not the one the plan was made with",
    );
    // Planning again into the same folder with another configuration.
    fails_with(
        util::plan(&inputs, &out, &run_dir, &["--threshold", "0.9"]),
        "another configuration",
    );
    ok(ingest(&run_dir, 2, 0, &[]));
    ok(ingest(&run_dir, 2, 1, &[]));
    ok(util::plan(
        &inputs,
        &out,
        &run_dir,
        &["--threshold", "0.9", "--overwrite"],
    ));
    fails_with(finish(&run_dir, 2, &[]), "made with another configuration");
}

#[test]
fn an_input_changed_after_plan_is_refused() {
    let (dir, inputs) = corpus();
    let (out, run_dir) = (dir.path().join("out"), dir.path().join("run"));
    ok(util::plan(&inputs, &out, &run_dir, &[]));
    let file = dir.path().join("tree/repo-000/src/m001.rs");
    let mut text = std::fs::read_to_string(&file).unwrap();
    text.push_str("// edited after plan\n");
    std::fs::write(&file, text).unwrap();
    fails_with(ingest(&run_dir, 1, 0, &[]), "changed, appeared or vanished after plan");
    ok(util::plan(&inputs, &out, &run_dir, &[]));
    ok(ingest(&run_dir, 1, 0, &[]));
    ok(finish(&run_dir, 1, &[]));
}

#[test]
fn shards_per_task_cover_every_shard_once() {
    let (dir, inputs) = corpus();
    let reference = staged(&inputs, dir.path(), 7, "2");
    let (out, run_dir) = (dir.path().join("out"), dir.path().join("run"));
    ok(util::plan(&inputs, &out, &run_dir, &[]));
    // 7 shards, 3 per task: tasks 0, 1 and 2 (the last does shard 6 only).
    for task in 0..3 {
        ok(ingest(&run_dir, 7, task, &["--shards-per-task", "3"]));
    }
    fails_with(
        ingest(&run_dir, 7, 3, &["--shards-per-task", "3"]),
        "the task indices are 0 to 2",
    );
    ok(finish(&run_dir, 7, &[]));
    assert_eq!(util::tree_bytes(&out), util::tree_bytes(&reference));
}

#[test]
fn slurm_plan_writes_scripts_from_the_config() {
    let (dir, inputs) = corpus();
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        "[slurm]\npartition = \"cpu\"\naccount = \"lab\"\nqos = \"low\"\ncpus = 4\nmem = \"3G\"\n\
         finalize-mem = \"20G\"\ntime = \"01:30:00\"\nmax-running = 5\nextra = [\"--constraint=ssd\"]\n",
    )
    .unwrap();
    let (out, run_dir) = (dir.path().join("out"), dir.path().join("run"));
    let mut args = vec![
        "slurm",
        "plan",
        "--quiet",
        "--config",
        config.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--run-dir",
        run_dir.to_str().unwrap(),
        "--num-shards",
        "2000",
        "--shards-per-task",
        "10",
    ];
    for input in &inputs {
        args.extend(["--input", input]);
    }
    ok(util::corpusledger(&args));
    let script = std::fs::read_to_string(run_dir.join("slurm/ingest.sbatch")).unwrap();
    for line in [
        "#SBATCH --array=0-199%5",
        "#SBATCH --cpus-per-task=4",
        "#SBATCH --mem=3G",
        "#SBATCH --time=01:30:00",
        "#SBATCH --requeue",
        "#SBATCH --signal=B:USR1@60",
        "#SBATCH --partition=cpu",
        "#SBATCH --account=lab",
        "#SBATCH --qos=low",
        "#SBATCH --constraint=ssd",
        "--num-shards 2000 --shards-per-task 10 --shard-index \"$SLURM_ARRAY_TASK_ID\"",
    ] {
        assert!(script.contains(line), "{line:?} not in:\n{script}");
    }
    for array in ["bucket", "verify-pairs", "finalize"] {
        let script = std::fs::read_to_string(run_dir.join(format!("slurm/{array}.sbatch"))).unwrap();
        assert!(
            script.contains("#SBATCH --array=0-199%5")
                && script.contains("#SBATCH --mem=3G")
                && script.contains(&format!("{array} --run-dir")),
            "{script}"
        );
    }
    for one in ["cluster", "manifest"] {
        let script = std::fs::read_to_string(run_dir.join(format!("slurm/{one}.sbatch"))).unwrap();
        assert!(
            script.contains("#SBATCH --mem=20G") && script.contains(&format!("{one} --run-dir")),
            "{script}"
        );
        assert!(!script.contains("--array"), "{script}");
    }
    let submit = std::fs::read_to_string(run_dir.join("slurm/submit.sh")).unwrap();
    assert!(
        submit.contains("--dependency=afterok:\"$id\" --kill-on-invalid-dep=yes"),
        "{submit}"
    );
    // The [slurm] table changes no output: it is not in the configuration hash.
    let plain = dir.path().join("plain");
    ok(util::plan(&inputs, &out, &plain, &[]));
    let config_hash = |run_dir: &Path| {
        ok(ingest(run_dir, 1, 0, &[]));
        let marker = std::fs::read_to_string(run_dir.join("ingest/00000-of-00001.done")).unwrap();
        serde_json::from_str::<serde_json::Value>(&marker).unwrap()["config-hash"].clone()
    };
    assert_eq!(config_hash(&run_dir), config_hash(&plain));
}

/// Flips one byte in the middle of `path`: its size stays, so only what
/// the file itself holds can tell.
fn flip_a_byte(path: &Path) {
    let mut bytes = std::fs::read(path).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x40;
    std::fs::write(path, bytes).unwrap();
}

/// A stage of shard `shard` of `n` with `CORPUSLEDGER_KILL_AT=point`.
fn killed_at(name: &str, run_dir: &Path, n: u32, shard: u32, point: &str) -> Output {
    std::process::Command::new(util::BIN)
        .args([
            name,
            "--quiet",
            "--run-dir",
            run_dir.to_str().unwrap(),
            "--num-shards",
            &n.to_string(),
            "--shard-index",
            &shard.to_string(),
        ])
        .current_dir(util::root())
        .env_remove("CORPUSLEDGER_CONFIG")
        .env("CORPUSLEDGER_KILL_AT", point)
        .output()
        .unwrap()
}

#[test]
fn a_damaged_band_pair_or_edge_part_is_named_and_its_shard_done_again() {
    let (dir, inputs) = corpus();
    let reference = staged(&inputs, dir.path(), 2, "2");
    let (out, run_dir) = (dir.path().join("out"), dir.path().join("run"));
    ok(util::plan(&inputs, &out, &run_dir, &[]));
    for shard in 0..2 {
        ok(ingest(&run_dir, 2, shard, &[]));
    }
    // Band keys of sign part 1 for bucket task 0: the task names the file,
    // the part's marker goes, and the command it gives does the part again.
    flip_a_byte(&run_dir.join("ingest/00001-of-00002/buckets/00000.bin"));
    let failed = stage("bucket", &run_dir, 2, &["--shard-index", "0"]);
    for needle in [
        "buckets/00000.bin is damaged",
        "corpusledger ingest --run-dir",
        "--num-shards 2 --shard-index 1",
    ] {
        fails_with(failed.clone(), needle);
    }
    assert!(!run_dir.join("ingest/00001-of-00002.done").exists());
    ok(ingest(&run_dir, 2, 1, &[]));
    assert!(array("bucket", &run_dir, 2, &[]).is_none());
    // Candidate pairs of bucket task 1 for verify task 0.
    flip_a_byte(&run_dir.join("bucket/00001-of-00002/pairs-00000.bin"));
    let failed = stage("verify-pairs", &run_dir, 2, &["--shard-index", "0"]);
    for needle in [
        "pairs-00000.bin is damaged",
        "corpusledger bucket --run-dir",
        "--shard-index 1",
    ] {
        fails_with(failed.clone(), needle);
    }
    assert!(!run_dir.join("bucket/00001-of-00002.done").exists());
    ok(stage("bucket", &run_dir, 2, &["--shard-index", "1"]));
    assert!(array("verify-pairs", &run_dir, 2, &[]).is_none());
    // Verified pairs of verify task 0, read by the cluster task.
    flip_a_byte(&run_dir.join("verify-pairs/00000-of-00002/edges.bin"));
    let failed = stage("cluster", &run_dir, 2, &[]);
    for needle in [
        "edges.bin is damaged",
        "corpusledger verify-pairs --run-dir",
        "--shard-index 0",
    ] {
        fails_with(failed.clone(), needle);
    }
    assert!(!run_dir.join("verify-pairs/00000-of-00002.done").exists());
    ok(finish(&run_dir, 2, &[]));
    assert_eq!(util::tree_bytes(&out), util::tree_bytes(&reference));
}

#[test]
fn a_sign_part_written_again_sends_the_pairs_and_cluster_back() {
    let (dir, inputs) = corpus();
    let (out, run_dir) = (dir.path().join("out"), dir.path().join("run"));
    ok(util::plan(&inputs, &out, &run_dir, &[]));
    ingest_all_and_cluster(&run_dir, 2);
    // The part's texts are numbered anew: pairs made from the old one
    // would point at other texts.
    std::fs::remove_file(run_dir.join("ingest/00000-of-00002.done")).unwrap();
    ok(ingest(&run_dir, 2, 0, &["--threads", "1"]));
    for marker in [
        "bucket/00000-of-00002.done",
        "bucket/00001-of-00002.done",
        "verify-pairs/00001-of-00002.done",
        "cluster/00000-of-00001.done",
    ] {
        assert!(!run_dir.join(marker).exists(), "{marker} is still there");
    }
    fails_with(
        stage("cluster", &run_dir, 2, &[]),
        "verify-pairs shard 0 of 2 is not done",
    );
    ok(finish(&run_dir, 2, &[]));
    let reference = dir.path().join("reference");
    ok(util::run(
        &inputs.iter().map(String::as_str).collect::<Vec<_>>(),
        &reference,
        &[],
    ));
    assert_eq!(util::tree_bytes(&out), util::tree_bytes(&reference));
}

#[test]
fn a_bucket_or_verify_task_killed_midway_and_run_again_changes_nothing() {
    let (dir, inputs) = corpus();
    let reference = staged(&inputs, dir.path(), 3, "2");
    let (out, run_dir) = (dir.path().join("out"), dir.path().join("run"));
    ok(util::plan(&inputs, &out, &run_dir, &[]));
    for shard in 0..3 {
        ok(ingest(&run_dir, 3, shard, &[]));
    }
    // Killed after its files are written and before its rename, then
    // after its rename and before its marker.
    let killed = killed_at("bucket", &run_dir, 3, 1, "before-rename");
    assert_eq!(killed.status.code(), None, "{}", util::stderr(&killed));
    assert!(array("bucket", &run_dir, 3, &[]).is_none());
    let killed = killed_at("verify-pairs", &run_dir, 3, 2, "edges");
    assert_eq!(killed.status.code(), None, "{}", util::stderr(&killed));
    assert!(
        run_dir
            .join("verify-pairs")
            .read_dir()
            .unwrap()
            .any(|e| { e.unwrap().file_name().to_string_lossy().contains(".tmp.") })
    );
    let killed = killed_at("verify-pairs", &run_dir, 3, 0, "before-marker");
    assert_eq!(killed.status.code(), None, "{}", util::stderr(&killed));
    assert!(!run_dir.join("verify-pairs/00000-of-00003.done").exists());
    ok(finish(&run_dir, 3, &[]));
    assert!(
        !run_dir
            .join("verify-pairs")
            .read_dir()
            .unwrap()
            .any(|e| { e.unwrap().file_name().to_string_lossy().contains(".tmp.") })
    );
    assert_eq!(util::tree_bytes(&out), util::tree_bytes(&reference));
}
