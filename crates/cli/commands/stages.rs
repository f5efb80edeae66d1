//! `corpusledger plan | ingest | bucket | verify-pairs | cluster | finalize |
//! manifest`: the stages of `run` as separate tasks over a run directory.

use std::path::Path;

use anyhow::{Context, Result, bail};
use corpusledger_provenance::Provenance;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::args::{ArrayArgs, ClusterArgs, FinalizeArgs, IngestArgs, ManifestArgs, PlanArgs, ShardArgs, StageArgs};
use crate::config::{Config, ConfigFile};
use crate::pipeline::rundir::Marker;
use crate::pipeline::rundir::{self, RunDir, RunPlan, ShardState};
use crate::pipeline::{self, BUCKET, CLUSTER, FINALIZE, INGEST, StageTimer, VERIFY};
use crate::reporter::TerminalReporter;

pub fn plan(args: &PlanArgs) -> Result<u8> {
    let config = super::effective_config(&args.settings)?;
    let run = RunDir::new(&args.run_dir);
    let (run_plan, hash) = write_plan(&run, &config, args.overwrite)?;
    if !config.quiet {
        eprintln!(
            "corpusledger plan: {} inputs, {} units in {} (plan {}, config {})",
            run_plan.plan.inputs.len(),
            run_plan.plan.units.len(),
            run.plan_path().display(),
            &hash[..12],
            &run_plan.config_hash[..12]
        );
    }
    Ok(crate::EXIT_OK)
}

/// Lists the inputs and writes the plan; refuses to replace a plan made
/// with another configuration unless `overwrite`.
pub fn write_plan(run: &RunDir, config: &Config, overwrite: bool) -> Result<(RunPlan, String)> {
    let out_dir = super::out_dir_of(config)?;
    let hash = rundir::config_hash(config);
    if run.plan_path().exists() && !overwrite {
        let old = run.read_plan().map(|(plan, _)| plan.config_hash);
        match old {
            Ok(old) if old == hash => {}
            Ok(old) => bail!(
                "{} holds a plan made with another configuration (hash {}, this one is {}): give --overwrite to replace it, or another --run-dir",
                run.root.display(),
                &old[..12],
                &hash[..12]
            ),
            Err(err) => bail!("{err:#}; give --overwrite to replace it"),
        }
    }
    // The output directory is claimed now, so a task hours later does not
    // find it taken, and a plan is never made for a directory it may not use.
    pipeline::out_claim::claim(&out_dir, &hash, overwrite)?;
    let plan = corpusledger_ingest::plan(&config.input, &config.ingest())?;
    let fingerprints = rundir::fingerprints(&plan);
    let run_plan = RunPlan::new(config, plan, fingerprints)?;
    let plan_hash = run.write_plan(&run_plan)?;
    Ok((run_plan, plan_hash))
}

/// The plan's configuration with this task's threads and memory limit;
/// `--config`, when given, must be the plan's.
fn stage_config(args: &StageArgs, run_plan: &RunPlan) -> Result<Config> {
    if let Some(path) = &args.config {
        let given = ConfigFile::load(path)?.resolve()?;
        let hash = rundir::config_hash(&given);
        if hash != run_plan.config_hash {
            bail!(
                "config {} (hash {}) is not the one the plan was made with (hash {}): the stages would mix two runs; \
                 run `corpusledger plan --overwrite` with it, or leave --config out",
                path.display(),
                &hash[..12],
                &run_plan.config_hash[..12]
            );
        }
    }
    let mut config = run_plan.config(args.threads, args.memory_limit)?;
    // How a task reports is its own: the plan's --quiet or --json is not.
    config.quiet = args.quiet;
    config.json = false;
    Ok(config)
}

/// The shards of a task: `task * per_task` up to `n`, at most `per_task`
/// of them.
fn task_shards(args: &ShardArgs) -> Result<std::ops::Range<u32>> {
    let (n, per_task, task) = (args.num_shards, args.shards_per_task, args.shard_index);
    if n == 0 || per_task == 0 {
        bail!("--num-shards and --shards-per-task must be at least 1");
    }
    let first = u64::from(task) * u64::from(per_task);
    if first >= u64::from(n) {
        bail!(
            "--shard-index {task} is out of range: with --num-shards {n} and --shards-per-task {per_task} the task indices are 0 to {}",
            n.div_ceil(per_task) - 1
        );
    }
    Ok(first as u32..(first + u64::from(per_task)).min(u64::from(n)) as u32)
}

pub fn ingest(args: &IngestArgs) -> Result<u8> {
    let n = args.shards.num_shards;
    let shards = task_shards(&args.shards)?;
    let run = RunDir::new(&args.stage.run_dir);
    let (run_plan, plan_hash) = run.read_plan()?;
    let config = stage_config(&args.stage, &run_plan)?;
    let reporter = TerminalReporter::new(config.quiet);
    let provenance = Provenance::new(config.license_min_score as f32);
    let gate = pipeline::gate(&config)?;
    for shard in shards {
        match run.shard_state(INGEST, shard, n, &plan_hash, &run_plan.config_hash) {
            ShardState::Done => {
                note(&config, &format!("ingest: shard {shard} of {n} is already done"));
                continue;
            }
            ShardState::Invalid(why) => eprintln!("corpusledger ingest: shard {shard} of {n} again: {why}"),
            ShardState::Missing => {}
        }
        let marker = super::thread_pool(&config)?.install(|| {
            pipeline::sign_shard(
                &run,
                &run_plan,
                &plan_hash,
                shard,
                n,
                &config,
                &provenance,
                &gate,
                &reporter,
            )
        })?;
        if !config.quiet {
            eprintln!(
                "corpusledger ingest: shard {shard} of {n}: {} documents, {} rejected, {} texts",
                marker.rows.get("documents").unwrap_or(&0),
                marker.rows.get("rejections").unwrap_or(&0),
                marker.rows.get("texts").unwrap_or(&0)
            );
        }
    }
    Ok(crate::EXIT_OK)
}

pub fn cluster(args: &ClusterArgs) -> Result<u8> {
    let n = shard_count(args.num_shards)?;
    let run = RunDir::new(&args.stage.run_dir);
    let (run_plan, plan_hash) = run.read_plan()?;
    let config = stage_config(&args.stage, &run_plan)?;
    if run.shard_state(CLUSTER, 0, 1, &plan_hash, &run_plan.config_hash) == ShardState::Done {
        note(&config, "cluster is already done");
        return Ok(crate::EXIT_OK);
    }
    let reporter = TerminalReporter::new(config.quiet);
    let work = run.root.join(pipeline::CLUSTER_WORK);
    let outcome = super::thread_pool(&config)?.install(|| -> Result<_> {
        let ingested = pipeline::load(&run, &run_plan, &plan_hash, n, &config, &work)?;
        pipeline::cluster(&run, &run_plan, &plan_hash, n, &ingested, &config, &reporter)
    })?;
    remove_work(&work)?;
    note(
        &config,
        &format!(
            "cluster: {} documents, {} clusters, {} candidate pairs verified to {}",
            outcome.decisions.len(),
            outcome.stats.clusters,
            outcome.stats.candidate_pairs,
            outcome.stats.verified_pairs
        ),
    );
    Ok(crate::EXIT_OK)
}

pub fn bucket(args: &ArrayArgs) -> Result<u8> {
    array_task(args, BUCKET, &|task, shard| {
        pipeline::bucket_shard(task.run, task.run_plan, task.plan_hash, shard, task.n, task.config)
    })
}

pub fn verify_pairs(args: &ArrayArgs) -> Result<u8> {
    array_task(args, VERIFY, &|task, shard| {
        pipeline::verify_shard(task.run, task.run_plan, task.plan_hash, shard, task.n, task.config)
    })
}

pub fn finalize(args: &FinalizeArgs) -> Result<u8> {
    array_task(args, FINALIZE, &|task, shard| {
        let reporter = TerminalReporter::new(task.config.quiet);
        pipeline::finalize_shard(
            task.run,
            task.run_plan,
            task.plan_hash,
            shard,
            task.n,
            task.config,
            &reporter,
        )
    })
}

/// What a task of an array stage after ingest works with.
struct ArrayTask<'a> {
    run: &'a RunDir,
    run_plan: &'a RunPlan,
    plan_hash: &'a str,
    n: u32,
    config: &'a Config,
}

/// Runs `stage` for each of the task's shards without a valid marker, on
/// the task's threads, and says what each wrote (its marker's rows).
fn array_task(
    args: &ArrayArgs,
    stage: &str,
    shard_task: &(dyn Fn(&ArrayTask<'_>, u32) -> Result<Marker> + Sync),
) -> Result<u8> {
    let n = args.shards.num_shards;
    let shards = task_shards(&args.shards)?;
    let run = RunDir::new(&args.stage.run_dir);
    let (run_plan, plan_hash) = run.read_plan()?;
    let config = stage_config(&args.stage, &run_plan)?;
    let todo: Vec<u32> = shards
        .filter(|&shard| {
            let done = run.shard_state(stage, shard, n, &plan_hash, &run_plan.config_hash) == ShardState::Done;
            if done {
                note(&config, &format!("{stage} shard {shard} of {n} is already done"));
            }
            !done
        })
        .collect();
    if todo.is_empty() {
        return Ok(crate::EXIT_OK);
    }
    let task = ArrayTask {
        run: &run,
        run_plan: &run_plan,
        plan_hash: &plan_hash,
        n,
        config: &config,
    };
    super::thread_pool(&config)?.install(|| -> Result<()> {
        for shard in todo {
            let marker = shard_task(&task, shard)?;
            let rows: Vec<String> = marker
                .rows
                .iter()
                .map(|(what, count)| format!("{count} {what}"))
                .collect();
            note(&config, &format!("{stage} shard {shard} of {n}: {}", rows.join(", ")));
        }
        Ok(())
    })?;
    Ok(crate::EXIT_OK)
}

/// Removes a task's scratch folder once its outputs are committed.
fn remove_work(work: &Path) -> Result<()> {
    if work.exists() {
        std::fs::remove_dir_all(work).with_context(|| format!("cannot remove {}", work.display()))?;
    }
    Ok(())
}

fn note(config: &Config, text: &str) {
    if !config.quiet {
        eprintln!("corpusledger {text}");
    }
}

fn shard_count(n: u32) -> Result<u32> {
    if n == 0 {
        bail!("--num-shards must be at least 1");
    }
    Ok(n)
}

/// What a finished manifest stage leaves in the run directory.
#[derive(Debug, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "kebab-case")]
struct FinishedMarker {
    plan_hash: String,
    num_shards: u32,
    manifest_sha256: String,
}

const FINISHED_MARKER: &str = "manifest.done";

/// Whether the dataset of this plan and shard count is finished: the
/// manifest stage's marker names the manifest that is there.
pub fn finished(run: &RunDir, plan_hash: &str, n: u32, out_dir: &Path) -> bool {
    let Ok(text) = std::fs::read_to_string(run.root.join(FINISHED_MARKER)) else {
        return false;
    };
    let Ok(marker) = serde_json::from_str::<FinishedMarker>(&text) else {
        return false;
    };
    let manifest = std::fs::read(out_dir.join(pipeline::MANIFEST)).unwrap_or_default();
    marker.plan_hash == plan_hash
        && marker.num_shards == n
        && marker.manifest_sha256 == pipeline::hex(&Sha256::digest(&manifest))
}

pub fn manifest(args: &ManifestArgs) -> Result<u8> {
    let n = shard_count(args.num_shards)?;
    let run = RunDir::new(&args.stage.run_dir);
    let (run_plan, plan_hash) = run.read_plan()?;
    let config = stage_config(&args.stage, &run_plan)?;
    let out_dir = config.out.clone().context("the plan has no output directory")?;
    if finished(&run, &plan_hash, n, &out_dir) {
        note(&config, &format!("manifest: {} is already finished", out_dir.display()));
        return Ok(crate::EXIT_OK);
    }
    std::fs::remove_file(run.root.join(FINISHED_MARKER)).ok();
    let reporter = TerminalReporter::new(config.quiet);
    let gate = pipeline::gate(&config)?;
    let mut timer = StageTimer::start();
    let mut written = super::thread_pool(&config)?.install(|| -> Result<_> {
        let ingested = pipeline::load_merged(&run, &run_plan, &plan_hash, n, &config)?;
        let outcome = pipeline::read_decisions(&run, &run_plan, &plan_hash, ingested.docs.len())?;
        timer.lap("open");
        let written = pipeline::manifest(
            &run, &run_plan, &plan_hash, n, &ingested, &outcome, &config, &gate, &out_dir, &reporter,
        )?;
        timer.lap("write");
        Ok(written)
    })?;
    let manifest = std::fs::read(out_dir.join(pipeline::MANIFEST)).context("cannot read the manifest just written")?;
    let marker = FinishedMarker {
        plan_hash,
        num_shards: n,
        manifest_sha256: pipeline::hex(&Sha256::digest(&manifest)),
    };
    rundir::write_atomic(&run.root.join(FINISHED_MARKER), &serde_json::to_vec_pretty(&marker)?)?;
    written.summary.stage_seconds = timer.laps;
    super::run::report(&config, &written)
}
