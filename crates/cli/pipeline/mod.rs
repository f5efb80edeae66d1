//! The pipeline as stages over shards: plan, ingest and sign (N shard
//! tasks, each writing a sign part), then finalize (merge the parts,
//! deduplicate, write the dataset). `run` executes the same stage functions
//! in one process with one shard; `plan`, `sign` and `finalize` run them as
//! separate tasks (by hand or as Slurm job arrays) through a run directory.

mod bands;
mod decide;
mod index_rows;
mod ingested;
mod part;
pub mod rundir;
mod sign;
mod write;

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use corpusledger_ingest::Plan;
use corpusledger_model::{Reporter, SourceRef};
use corpusledger_provenance::Provenance;
use sha2::{Digest, Sha256};

use crate::config::Config;
use rundir::{Marker, RunDir, RunPlan};

pub use write::{MANIFEST, Written};

/// Where the in-process run keeps its run directory.
const WORK_DIR: &str = ".work";
/// The ingest (and sign) stage's name in the run directory.
pub const INGEST: &str = "ingest";

/// Runs every stage in this process and returns what was written.
pub fn execute(config: &Config, out_dir: &Path, reporter: &dyn Reporter) -> Result<Written> {
    let started = Instant::now();
    write::prepare_out_dir(out_dir)?;
    let work = out_dir.join(WORK_DIR);
    if work.exists() {
        std::fs::remove_dir_all(&work)
            .with_context(|| format!("cannot remove old work directory {}", work.display()))?;
    }
    std::fs::create_dir_all(&work).with_context(|| format!("cannot create work directory {}", work.display()))?;
    let run = RunDir::new(&work);

    let mut timer = StageTimer {
        last: Some(started),
        laps: Vec::new(),
    };
    let provenance = Provenance::new(config.license_min_score as f32);
    let plan = make_plan(config, &provenance)?;
    // In one process nothing can change between listing and reading that
    // the readers do not already report: no fingerprints.
    let mut run_plan = RunPlan::new(config, plan, Vec::new());
    let plan_hash = run.write_plan(&run_plan)?;
    timer.lap("plan");
    let gate = gate(config)?;
    sign_shard(&run, &run_plan, &plan_hash, 0, 1, config, &provenance, &gate, reporter)?;
    // The file list is read; later stages need only the inputs.
    run_plan.plan.units = Vec::new();
    timer.lap("ingest+sign");
    let mut written = finalize(
        &run, &run_plan, &plan_hash, 1, config, &gate, out_dir, &mut timer, reporter,
    )?;
    std::fs::remove_dir_all(&work).with_context(|| format!("cannot remove work directory {}", work.display()))?;
    written.summary.stage_seconds = timer.laps;
    written.summary.elapsed_seconds = started.elapsed().as_secs_f64();
    Ok(written)
}

/// The plan stage: lists the inputs once. License files are only read from
/// trees; the license store (about a second) loads while they are listed.
pub fn make_plan(config: &Config, provenance: &Provenance) -> Result<Plan> {
    let plan = std::thread::scope(|scope| {
        if config.input.iter().any(|p| p.is_dir()) {
            scope.spawn(|| provenance.preload());
        }
        corpusledger_ingest::plan(&config.input, &config.ingest())
    })?;
    Ok(plan)
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
    if shard >= n {
        bail!(
            "--shard-index {shard} is out of range: shards are numbered 0 to {} for --num-shards {n}",
            n - 1
        );
    }
    let units = run_plan.units_of(shard, n);
    let plan = &run_plan.plan;
    let mut inputs = Sha256::new();
    if !run_plan.fingerprints.is_empty() {
        for u in units.clone() {
            let unit = &plan.units[u];
            let now = rundir::fingerprint(plan, unit);
            if now != run_plan.fingerprints[u] {
                let input = &plan.inputs[unit.input_idx];
                let what = match (unit.files.first(), unit.files.last()) {
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
    let marker = RunDir::new_marker(INGEST, shard, n, plan_hash, &run_plan.config_hash);
    run.commit_shard(marker, |dir| {
        let counts = sign::sign_part(plan, units, config, provenance, gate, dir, reporter)?;
        let mut made = RunDir::new_marker(INGEST, shard, n, plan_hash, &run_plan.config_hash);
        made.rows = [
            ("documents", counts.docs),
            ("rejections", counts.rejections),
            ("texts", counts.texts),
            ("records", counts.records),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
        made.input_fingerprint = hex(&inputs.finalize());
        Ok(made)
    })
}

/// The sign parts of all `n` shards, each checked against its marker; an
/// error names every shard that is missing or wrong.
pub fn sign_parts(run: &RunDir, run_plan: &RunPlan, plan_hash: &str, n: u32) -> Result<Vec<PathBuf>> {
    let mut dirs = Vec::new();
    let mut problems = Vec::new();
    for shard in 0..n {
        let checked = run.read_marker(INGEST, shard, n).and_then(|marker| match marker {
            Some(marker) => run.check_marker(&marker, plan_hash, &run_plan.config_hash),
            None => bail!(
                "shard {shard} of {n} is not done (no {})",
                run.marker_path(INGEST, shard, n).display()
            ),
        });
        match checked {
            Ok(()) => dirs.push(run.shard_dir(INGEST, shard, n)),
            Err(err) => problems.push(format!("{err:#}")),
        }
    }
    if !problems.is_empty() {
        bail!(
            "{} of {n} sign shards cannot be used:\n  {}\nrun them again: `corpusledger ingest --run-dir {} --num-shards {n} --shard-index I` for each, or `corpusledger slurm resume --run-dir {}`",
            problems.len(),
            problems.join("\n  "),
            run.root.display(),
            run.root.display()
        );
    }
    Ok(dirs)
}

/// The finalize stage: merges the sign parts of `n` shards, deduplicates
/// and writes the dataset into `out_dir`, the manifest last.
#[allow(clippy::too_many_arguments)]
pub fn finalize(
    run: &RunDir,
    run_plan: &RunPlan,
    plan_hash: &str,
    n: u32,
    config: &Config,
    gate: &sign::Gate,
    out_dir: &Path,
    timer: &mut StageTimer,
    reporter: &dyn Reporter,
) -> Result<Written> {
    let dirs = sign_parts(run, run_plan, plan_hash, n)?;
    write::prepare_out_dir(out_dir)?;
    let work = run.root.join("finalize");
    std::fs::create_dir_all(&work).with_context(|| format!("cannot create {}", work.display()))?;
    let ingested = ingested::Ingested::load(&run_plan.plan, &dirs, config, &work)?;
    timer.lap("merge");
    let decided = decide::decide(&ingested, config, reporter)?;
    timer.lap("deduplicate");
    let extras = write::Extras {
        gate,
        work: &work,
        problems: ingested.problems.clone(),
    };
    let written = write::write_outputs(&run_plan.plan, &ingested, &decided, config, &extras, out_dir, reporter)?;
    timer.lap("write");
    drop(ingested);
    std::fs::remove_dir_all(&work).with_context(|| format!("cannot remove {}", work.display()))?;
    Ok(written)
}

/// The opt-out lists, read and checked before any work, and the policy.
pub fn gate(config: &Config) -> Result<sign::Gate> {
    let opt_out = config
        .opt_out
        .iter()
        .map(|path| corpusledger_provenance::OptOutList::load(path).map_err(anyhow::Error::msg))
        .collect::<Result<Vec<_>>>()?;
    let policy = config.license_policy().map_err(anyhow::Error::msg)?;
    Ok(sign::Gate { opt_out, policy })
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

    fn lap(&mut self, stage: &str) {
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
