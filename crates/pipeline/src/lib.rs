//! corpusledger's stages as a library: the configuration ([`config`]), the
//! run directory ([`rundir`]) and the stage functions, called alike by the
//! `corpusledger` command, its staged tasks and the Python module. Progress
//! goes to a [`Reporter`]; nothing here parses arguments or draws on a
//! terminal.
//!
//! The pipeline as stages over shards: plan; ingest and sign (N shard
//! tasks, each writing a sign part, its band keys partitioned by key);
//! bucket (N tasks, each the candidate pairs of one partition of the band
//! keys, partitioned by pair); verify-pairs (N tasks, each the exact Jaccard
//! of one partition of the pairs); cluster (one task: merge the parts,
//! cluster the verified pairs, keep, and hand on the rows of each data
//! shard); finalize (N tasks, each reading only the rows of its share of
//! the data shards and writing them); manifest (one task: ledger,
//! attribution, index, manifest). `run` executes the same stage functions
//! in one process with one shard; the `plan`, `ingest`, `bucket`,
//! `verify-pairs`, `cluster`, `finalize` and `manifest` commands run them as
//! separate tasks (by hand or as Slurm jobs) through a run directory.

pub mod base;
pub mod config;
mod decide;
mod doc_table;
mod fixed_sort;
mod ingested;
pub mod kill_point;
pub mod out_claim;
mod pairs;
mod part;
pub mod rundir;
mod shard_rows;
mod sign;
mod spill_sort;
mod write;

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use corpusledger_ingest::Plan;
pub use corpusledger_model::Reporter;
use corpusledger_model::SourceRef;
use corpusledger_provenance::Provenance;
use sha2::{Digest, Sha256};

use crate::config::Config;
use corpusledger_dedup::Outcome;
use corpusledger_output::OutputFile;
pub use ingested::Ingested;
pub use pairs::{bucket_shard, verify_shard};
use rundir::{Marker, RunDir, RunPlan, ShardState};

pub use write::{MANIFEST, Written};

/// Where the in-process run keeps its run directory.
const WORK_DIR: &str = ".work";
/// The stages' names in the run directory.
pub const INGEST: &str = "ingest";
pub const BUCKET: &str = "bucket";
pub const VERIFY: &str = "verify-pairs";
pub const CLUSTER: &str = "cluster";
pub const FINALIZE: &str = "finalize";
/// The cluster stage's output: postcard of the dedup outcome.
const DECISIONS: &str = "decisions.bin";
/// A finalize shard's list of the data shards it wrote.
const SHARD_FILES: &str = "shards.json";
/// The cluster task's scratch folder in the run directory.
pub const CLUSTER_WORK: &str = "cluster-work";

/// Runs every stage in this process and returns what was written.
/// `overwrite` lets it replace another run's output in `out_dir`. Once the
/// directory is claimed, the work directory goes whether the run succeeds
/// or fails: a failed run's work files are of no use (the next run starts
/// afresh) and may be what filled the disk.
pub fn execute(config: &Config, out_dir: &Path, overwrite: bool, reporter: &dyn Reporter) -> Result<Written> {
    // Nothing is written or removed before the directory is this run's.
    out_claim::claim(out_dir, &rundir::config_hash(config), overwrite)?;
    let work = out_dir.join(WORK_DIR);
    let written = execute_in(config, out_dir, &work, reporter);
    if written.is_err() && work.exists() {
        // Best effort: the run's own error is the one to report.
        let _ = std::fs::remove_dir_all(&work);
    }
    written
}

fn execute_in(config: &Config, out_dir: &Path, work: &Path, reporter: &dyn Reporter) -> Result<Written> {
    let started = Instant::now();
    write::prepare_out_dir(out_dir)?;
    if work.exists() {
        std::fs::remove_dir_all(work)
            .with_context(|| format!("cannot remove old work directory {}", work.display()))?;
    }
    std::fs::create_dir_all(work).with_context(|| format!("cannot create work directory {}", work.display()))?;
    let run = RunDir::scratch(work);

    let mut timer = StageTimer {
        last: Some(started),
        laps: Vec::new(),
    };
    let provenance = Provenance::new(config.license_min_score as f32);
    // The license store (up to a second) loads on a thread of its own while
    // the inputs are listed, the bases checked and the first files read;
    // whatever needs it first waits for it.
    // So do the bases' files get hashed: they are needed from clustering on.
    let (run_plan, plan_hash, gate) = std::thread::scope(|scope| -> Result<_> {
        if config.input.iter().any(|p| p.is_dir()) {
            scope.spawn(|| provenance.preload());
        }
        let bases = base::describe(config)?;
        let checked = (!bases.is_empty()).then(|| {
            let bases = bases.clone();
            scope.spawn(move || base::check_files(&bases))
        });
        let plan = make_plan(config)?;
        // In one process nothing can change between listing and reading
        // that the readers do not already report: no fingerprints.
        let mut run_plan = RunPlan::with_bases(config, plan, Vec::new(), bases);
        let plan_hash = run.write_plan(&run_plan)?;
        kill_point::kill_point("plan");
        timer.lap("plan");
        let gate = gate(config)?;
        sign_shard(&run, &run_plan, &plan_hash, 0, 1, config, &provenance, &gate, reporter)?;
        // The file list is read; later stages need only the inputs.
        run_plan.plan.units = Vec::new();
        if let Some(checked) = checked {
            checked
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))?;
        }
        timer.lap("ingest+sign");
        Ok((run_plan, plan_hash, gate))
    })?;
    pairs::bucket_shard(&run, &run_plan, &plan_hash, 0, 1, config)?;
    timer.lap("bucket");
    pairs::verify_shard(&run, &run_plan, &plan_hash, 0, 1, config)?;
    timer.lap("verify pairs");
    // One merge serves every later stage of the one process.
    let ingested = load(&run, &run_plan, &plan_hash, 1, config, &run.root.join(CLUSTER_WORK))?;
    timer.lap("merge");
    kill_point::kill_point("merged");
    let outcome = cluster(&run, &run_plan, &plan_hash, 1, &ingested, config, reporter)?;
    timer.lap("deduplicate");
    finalize_shard(&run, &run_plan, &plan_hash, 0, 1, config, reporter)?;
    timer.lap("write shards");
    let mut written = manifest(
        &run, &run_plan, &plan_hash, 1, &ingested, &outcome, config, &gate, out_dir, reporter,
    )?;
    timer.lap("write");
    drop(ingested);
    std::fs::remove_dir_all(work).with_context(|| format!("cannot remove work directory {}", work.display()))?;
    written.summary.stage_seconds = timer.laps;
    written.summary.elapsed_seconds = started.elapsed().as_secs_f64();
    Ok(written)
}

/// The plan stage: lists the inputs once.
pub fn make_plan(config: &Config) -> Result<Plan> {
    Ok(corpusledger_ingest::plan(&config.input, &config.ingest())?)
}

/// The sign stage for shard `shard` of `n`: checks that the shard's input
/// files are as the plan listed them (when the plan took fingerprints),
/// reads them and commits the sign part with its done marker.
#[allow(clippy::too_many_arguments)]
pub fn sign_shard(
    run: &RunDir,
    run_plan: &RunPlan,
    plan_hash: &str,
    shard: u32,
    n: u32,
    config: &Config,
    provenance: &Provenance,
    gate: &sign::Gate,
    reporter: &dyn Reporter,
) -> Result<Marker> {
    rundir::check_shard(shard, n)?;
    let units = run_plan.units_of(shard, n);
    let plan = &run_plan.plan;
    let mut inputs = Sha256::new();
    if !run_plan.fingerprints.is_empty() {
        for u in units.clone() {
            let unit = &plan.units[u];
            let now = rundir::fingerprint(plan, unit);
            if now != run_plan.fingerprints[u] {
                let input = &plan.inputs[unit.input_idx];
                let vanished = rundir::vanished_files(plan, unit);
                let what = match (unit.files.first(), unit.files.last()) {
                    _ if !vanished.is_empty() => format!("{} (vanished)", vanished.join(", ")),
                    (Some(first), Some(last)) => format!("one of its files from {} to {}", first.rel, last.rel),
                    _ => "the file".to_owned(),
                };
                bail!(
                    "input {}: {what} changed, appeared or vanished after plan (size or modification time differ): \
                     the shard would mix two versions of the input; run `corpusledger plan` (or `slurm plan`) again",
                    input.label
                );
            }
            inputs.update(now.as_bytes());
        }
    }
    // A sign part written again numbers its texts anew: the pairs and
    // the cluster stage's rows made from the old one point at the wrong
    // texts, so those stages are no longer done. (The finalize shards'
    // bytes do not depend on the numbering.)
    for stage in [BUCKET, VERIFY] {
        for other in 0..n {
            rundir::forget(&run.marker_path(stage, other, n))?;
        }
    }
    rundir::forget(&run.marker_path(CLUSTER, 0, 1))?;
    let marker = RunDir::new_marker(INGEST, shard, n, plan_hash, &run_plan.config_hash);
    run.commit_shard(marker, |dir| {
        // A file input (JSONL, Parquet, a dump) that changes while it is
        // read can give documents of two versions: the shard is refused.
        // (A tree file is checked as it is read, and rejected alone.)
        let streams: Vec<(usize, String)> = units
            .clone()
            .filter(|&u| plan.units[u].files.is_empty())
            .map(|u| (u, rundir::fingerprint(plan, &plan.units[u])))
            .collect();
        let counts = sign::sign_part(plan, units.clone(), n, config, provenance, gate, dir, reporter)?;
        for (u, before) in &streams {
            if rundir::fingerprint(plan, &plan.units[*u]) != *before {
                bail!(
                    "input {} changed while it was read (its size or modification time differ from before): \
                     its documents may mix two versions; run again once the input is stable",
                    plan.inputs[plan.units[*u].input_idx].label
                );
            }
        }
        let mut made = RunDir::new_marker(INGEST, shard, n, plan_hash, &run_plan.config_hash);
        made.rows = rows([
            ("documents", counts.docs),
            ("rejections", counts.rejections),
            ("texts", counts.texts),
            ("records", counts.records),
        ]);
        made.input_fingerprint = hex(&inputs.finalize());
        Ok(made)
    })
}

/// The outputs of all `n` shards of `stage`, each checked against its
/// marker; an error names every shard that is missing or wrong, and how to
/// redo it.
pub fn done_shards(run: &RunDir, run_plan: &RunPlan, plan_hash: &str, stage: &str, n: u32) -> Result<Vec<PathBuf>> {
    let mut dirs = Vec::new();
    let mut problems = Vec::new();
    for shard in 0..n {
        match run.shard_state(stage, shard, n, plan_hash, &run_plan.config_hash) {
            ShardState::Done => dirs.push(run.shard_dir(stage, shard, n)),
            ShardState::Missing => problems.push(format!(
                "{stage} shard {shard} of {n} is not done (no {})",
                run.marker_path(stage, shard, n).display()
            )),
            ShardState::Invalid(why) => problems.push(why),
        }
    }
    if !problems.is_empty() {
        let redo = match stage {
            CLUSTER => format!("`corpusledger cluster --run-dir {} --num-shards N`", run.root.display()),
            _ => format!(
                "`corpusledger {stage} --run-dir {} --num-shards {n} --shard-index I` for each",
                run.root.display()
            ),
        };
        bail!(
            "{} of {n} {stage} shards cannot be used:\n  {}\nrun them again: {redo}, or `corpusledger slurm resume --run-dir {}`",
            problems.len(),
            problems.join("\n  "),
            run.root.display()
        );
    }
    Ok(dirs)
}

/// The sign parts of all `n` ingest shards, merged, with the scratch folder
/// `work` (the task's own) for the document table and spilled runs.
pub fn load(
    run: &RunDir,
    run_plan: &RunPlan,
    plan_hash: &str,
    n: u32,
    config: &Config,
    work: &Path,
) -> Result<Ingested> {
    let dirs = done_shards(run, run_plan, plan_hash, INGEST, n)?;
    Ingested::load(&run_plan.plan, &dirs, config, work)
}

/// The merge the cluster stage committed, over the `n` sign parts: what
/// the manifest task reads instead of merging the parts again. A damaged
/// merge is named and sends the cluster stage back (its marker removed).
pub fn load_merged(run: &RunDir, run_plan: &RunPlan, plan_hash: &str, n: u32, config: &Config) -> Result<Ingested> {
    let cluster = done_shards(run, run_plan, plan_hash, CLUSTER, 1)?.remove(0);
    let parts = done_shards(run, run_plan, plan_hash, INGEST, n)?;
    Ingested::open(&parts, &cluster, config).map_err(|err| cluster_damaged(run, n, err))
}

/// The cluster stage: clusters the merged texts that the `n` verify tasks'
/// pairs join, keeps one document per cluster, and commits the
/// decisions (one per document, in source order) with the counts, the merge
/// itself (for the manifest task), and the rows of every data shard, one
/// file each, for the finalize tasks.
pub fn cluster(
    run: &RunDir,
    run_plan: &RunPlan,
    plan_hash: &str,
    n: u32,
    ingested: &Ingested,
    config: &Config,
    reporter: &dyn Reporter,
) -> Result<Outcome> {
    let mut verified = pairs::read_verified(run, run_plan, plan_hash, n, &|hash| ingested.text_by_hash(hash))?;
    verified.signed_texts = ingested.signed_texts();
    let outcome = decide::decide(ingested, verified, config, &run_plan.bases, reporter)?;
    let marker = RunDir::new_marker(CLUSTER, 0, 1, plan_hash, &run_plan.config_hash);
    run.commit_shard(marker, |dir| {
        let bytes = postcard::to_stdvec(&outcome).context("the decisions serialise")?;
        rundir::write_atomic(&dir.join(DECISIONS), &bytes)?;
        ingested.commit(dir, run.durable)?;
        let data_shards = shard_rows::write(ingested, &outcome, config, dir, run.durable)?;
        let mut made = RunDir::new_marker(CLUSTER, 0, 1, plan_hash, &run_plan.config_hash);
        made.rows = rows([
            ("documents", outcome.decisions.len() as u64),
            ("clusters", outcome.stats.clusters),
            ("data-shards", data_shards as u64),
        ]);
        Ok(made)
    })?;
    Ok(outcome)
}

/// The decisions the cluster stage committed, for `documents` documents.
pub fn read_decisions(run: &RunDir, run_plan: &RunPlan, plan_hash: &str, documents: usize) -> Result<Outcome> {
    let dir = done_shards(run, run_plan, plan_hash, CLUSTER, 1)?.remove(0);
    let path = dir.join(DECISIONS);
    let bytes = std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
    let outcome: Outcome = postcard::from_bytes(&bytes)
        .with_context(|| format!("{} is damaged: run `corpusledger cluster` again", path.display()))?;
    if outcome.decisions.len() != documents {
        bail!(
            "{} decides {} documents, the sign parts hold {documents}: run `corpusledger cluster` again",
            path.display(),
            outcome.decisions.len()
        );
    }
    Ok(outcome)
}

/// The finalize stage for shard `shard` of `n`: writes the data shards
/// whose number is `shard` modulo `n`, from the rows the cluster stage
/// handed on for them and the contents in the `n` sign parts, and commits
/// them with their list. Nothing else of the corpus is read.
#[allow(clippy::too_many_arguments)]
pub fn finalize_shard(
    run: &RunDir,
    run_plan: &RunPlan,
    plan_hash: &str,
    shard: u32,
    n: u32,
    config: &Config,
    reporter: &dyn Reporter,
) -> Result<Marker> {
    rundir::check_shard(shard, n)?;
    let cluster = done_shards(run, run_plan, plan_hash, CLUSTER, 1)?.remove(0);
    let parts = done_shards(run, run_plan, plan_hash, INGEST, n)?;
    let marker = RunDir::new_marker(FINALIZE, shard, n, plan_hash, &run_plan.config_hash);
    run.commit_shard(marker, |dir| {
        let mine = |number: usize| number % n as usize == shard as usize;
        let files = shard_rows::write_data_shards(&cluster, &parts, config, dir, &mine, reporter)
            .map_err(|err| cluster_damaged(run, n, err))?;
        let list = serde_json::to_vec_pretty(&files).context("the shard list serialises")?;
        rundir::write_atomic(&dir.join(SHARD_FILES), &list)?;
        let mut made = RunDir::new_marker(FINALIZE, shard, n, plan_hash, &run_plan.config_hash);
        made.rows = rows([
            ("data-shards", files.len() as u64),
            ("documents", files.iter().map(|f| f.rows).sum()),
        ]);
        Ok(made)
    })
}

/// What the cluster stage committed (its rows files, its merge) cannot be
/// read as it was written: the cluster stage must run again.
#[derive(Debug)]
pub struct ClusterDamaged(pub String);

impl std::fmt::Display for ClusterDamaged {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ClusterDamaged {}

/// An error of a finalize or manifest task: when it is the cluster stage's
/// output that is damaged, the cluster stage's marker goes, so that `cluster` (or
/// `slurm resume`) makes them again, and the message says so.
fn cluster_damaged(run: &RunDir, n: u32, err: anyhow::Error) -> anyhow::Error {
    if err.downcast_ref::<ClusterDamaged>().is_none() {
        return err;
    }
    let removed = rundir::forget_damaged(&run.marker_path(CLUSTER, 0, 1));
    anyhow::anyhow!(
        "{err:#}: the cluster stage's output is damaged; {removed}run `corpusledger cluster --run-dir {} --num-shards {n}` \
         and the stages after it again, or `corpusledger slurm resume --run-dir {}`",
        run.root.display(),
        run.root.display()
    )
}

/// The manifest stage: gathers the data shards of the `n` finalize shards
/// into `out_dir/data/` (hard links, so the run directory stays valid),
/// then writes the ledger, attribution, index and, last, the manifest.
#[allow(clippy::too_many_arguments)]
pub fn manifest(
    run: &RunDir,
    run_plan: &RunPlan,
    plan_hash: &str,
    n: u32,
    ingested: &Ingested,
    outcome: &Outcome,
    config: &Config,
    gate: &sign::Gate,
    out_dir: &Path,
    reporter: &dyn Reporter,
) -> Result<Written> {
    let shard_dirs = done_shards(run, run_plan, plan_hash, FINALIZE, n)?;
    out_claim::check_claimed(out_dir, &run_plan.config_hash)?;
    write::prepare_out_dir(out_dir)?;
    let mut shards = Vec::new();
    for dir in shard_dirs {
        let path = dir.join(SHARD_FILES);
        let text = std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
        let files: Vec<OutputFile> =
            serde_json::from_slice(&text).with_context(|| format!("{} is damaged", path.display()))?;
        for file in files {
            link_or_copy(&dir.join(&file.path), &out_dir.join(&file.path))?;
            shards.push(file);
        }
    }
    shards.sort_by(|a, b| a.path.cmp(&b.path));
    let cluster = done_shards(run, run_plan, plan_hash, CLUSTER, 1)?.remove(0);
    let expected = shard_rows::data_shards(&cluster)?;
    if shards.len() != expected {
        bail!(
            "the finalize shards hold {} data shards, the cluster stage made rows for {expected}: run finalize again",
            shards.len()
        );
    }
    let work = run.root.join("manifest-work");
    std::fs::create_dir_all(&work).with_context(|| format!("cannot create {}", work.display()))?;
    let extras = write::Extras {
        gate,
        work: &work,
        problems: ingested.problems.clone(),
        bases: &run_plan.bases,
    };
    let written = write::write_outputs(
        &run_plan.plan,
        ingested,
        outcome,
        shards,
        config,
        &extras,
        out_dir,
        reporter,
    )?;
    std::fs::remove_dir_all(&work).with_context(|| format!("cannot remove {}", work.display()))?;
    // The manifest, written last, now says whose dataset this is.
    out_claim::release(out_dir)?;
    Ok(written)
}

/// A hard link at `to` (the file is not copied); a copy where the two
/// paths are on different filesystems.
pub(crate) fn link_or_copy(from: &Path, to: &Path) -> Result<()> {
    if let Some(parent) = to.parent() {
        std::fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
    }
    match std::fs::remove_file(to) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            return Err(e).with_context(|| format!("cannot replace {}", to.display()));
        }
        _ => {}
    }
    if std::fs::hard_link(from, to).is_err() {
        std::fs::copy(from, to).with_context(|| format!("cannot copy {} to {}", from.display(), to.display()))?;
    }
    Ok(())
}

pub(crate) fn rows<const N: usize>(pairs: [(&str, u64); N]) -> std::collections::BTreeMap<String, u64> {
    pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
}

/// The opt-out lists, read and checked before any work, and the policy.
pub fn gate(config: &Config) -> Result<sign::Gate> {
    let opt_out = config
        .opt_out
        .iter()
        .map(|path| corpusledger_provenance::OptOutList::load(path).map_err(anyhow::Error::msg))
        .collect::<Result<Vec<_>>>()?;
    let policy = config.license_policy().map_err(anyhow::Error::msg)?;
    let filters = if config.filters.is_off() {
        None
    } else {
        let mut filters = corpusledger_filter::Filters::new(config.filters.enabled(), &config.filters.settings)
            .context("content filters")?;
        if !config.filters.secret_rules.is_empty() {
            let files = config
                .filters
                .secret_rules
                .iter()
                .map(|path| {
                    let text = std::fs::read_to_string(path)
                        .with_context(|| format!("cannot read secret rule file {}", path.display()))?;
                    Ok((path.display().to_string(), text))
                })
                .collect::<Result<Vec<_>>>()?;
            filters = filters.with_secret_rules(&files)?;
        }
        if !config.filters.decontaminate.is_empty() {
            let files = config
                .filters
                .decontaminate
                .iter()
                .map(|path| read_benchmark(path))
                .collect::<Result<Vec<_>>>()?;
            let benchmarks =
                corpusledger_filter::contamination::Benchmarks::load(&files, &config.filters.benchmark_fields)?;
            filters = filters.with_benchmarks(benchmarks);
        }
        Some(filters)
    };
    Ok(sign::Gate {
        opt_out,
        policy,
        filters,
    })
}

/// A benchmark file for `--decontaminate` (JSONL, or JSONL.gz): its path as
/// given, its name (the file name without `.gz` and `.jsonl`) and its
/// (decompressed) bytes.
fn read_benchmark(path: &Path) -> Result<(String, String, Vec<u8>)> {
    use std::io::Read;
    let shown = path.display().to_string();
    let raw = std::fs::read(path).with_context(|| format!("cannot read benchmark file {shown}"))?;
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let (bytes, name) = match file_name.strip_suffix(".gz") {
        Some(inner) => {
            let mut out = Vec::new();
            flate2::read::GzDecoder::new(raw.as_slice())
                .read_to_end(&mut out)
                .with_context(|| format!("benchmark file {shown}: not gzip"))?;
            (out, inner.to_owned())
        }
        None => (raw, file_name),
    };
    let name = name
        .strip_suffix(".jsonl")
        .or_else(|| name.strip_suffix(".json"))
        .unwrap_or(&name)
        .to_owned();
    Ok((shown, name, bytes))
}

/// Wall time of each stage, for the summary (never the manifest).
#[derive(Debug, Default)]
pub struct StageTimer {
    last: Option<Instant>,
    pub laps: Vec<(String, f64)>,
}

impl StageTimer {
    pub fn start() -> StageTimer {
        StageTimer {
            last: Some(Instant::now()),
            laps: Vec::new(),
        }
    }

    pub fn lap(&mut self, stage: &str) {
        let now = Instant::now();
        let since = self.last.unwrap_or(now);
        self.laps.push((stage.to_owned(), (now - since).as_secs_f64()));
        self.last = Some(now);
    }
}

/// A document's place in output order: input, file, line/row.
fn source_order(a: &SourceRef, b: &SourceRef) -> std::cmp::Ordering {
    (&a.input, &a.key, a.row).cmp(&(&b.input, &b.key, b.row))
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
