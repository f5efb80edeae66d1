//! `corpusledger slurm plan | submit | status | resume`: the stages as
//! Slurm jobs. The scripts call `corpusledger ingest`, `bucket`,
//! `verify-pairs`, `cluster`, `finalize` and `manifest`, the same commands a user can run by hand; the done markers in the run
//! directory, not Slurm's memory of jobs, say what is finished.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};

use crate::args::{SlurmCommand, SlurmPlanArgs, SlurmRunArgs};
use crate::config::{Config, SlurmConfig};
use crate::pipeline::rundir::{self, RunDir, ShardState};
use crate::pipeline::{BUCKET, CLUSTER, FINALIZE, INGEST, VERIFY};

const LAYOUT: &str = "layout.json";
/// The stages in submission order, each with its sbatch script
/// (`STAGE.sbatch`); all but cluster and manifest are arrays.
const STAGES: [&str; 6] = [INGEST, BUCKET, VERIFY, CLUSTER, FINALIZE, MANIFEST_STAGE];
/// The stages of one task per shard.
const ARRAYS: [&str; 4] = [INGEST, BUCKET, VERIFY, FINALIZE];
const MANIFEST_STAGE: &str = "manifest";
const SUBMIT_SCRIPT: &str = "submit.sh";

/// How the run is cut into Slurm tasks, as `slurm plan` decided it.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
struct Layout {
    num_shards: u32,
    shards_per_task: u32,
    /// Where the dataset is written.
    out: PathBuf,
}

impl Layout {
    fn tasks(&self) -> u32 {
        self.num_shards.div_ceil(self.shards_per_task)
    }
}

pub fn run(command: &SlurmCommand) -> Result<u8> {
    match command {
        SlurmCommand::Plan(args) => plan(args).map(|_| crate::EXIT_OK),
        SlurmCommand::Submit(args) => submit(args),
        SlurmCommand::Status(args) => status(args),
        SlurmCommand::Resume(args) => resume(args),
    }
}

fn slurm_dir(run_dir: &Path) -> PathBuf {
    run_dir.join("slurm")
}

fn plan(args: &SlurmPlanArgs) -> Result<PathBuf> {
    if args.num_shards == 0 || args.shards_per_task == 0 {
        bail!("--num-shards and --shards-per-task must be at least 1");
    }
    let config = super::effective_config(&args.plan.settings)?;
    let run = RunDir::new(&args.plan.run_dir);
    let (_, plan_hash) = super::stages::write_plan(&run, &config, args.plan.overwrite)?;
    let dir = slurm_dir(&run.root);
    std::fs::create_dir_all(dir.join("logs")).with_context(|| format!("cannot create {}", dir.display()))?;
    let layout = Layout {
        num_shards: args.num_shards,
        shards_per_task: args.shards_per_task,
        out: config.out.clone().expect("checked by write_plan"),
    };
    let mut scripts = Scripts::new(&run.root, &config)?;
    fit_cpus_to_nodes(&mut scripts.slurm, config.quiet)?;
    let write = |name: &str, text: String| {
        rundir::write_atomic(&dir.join(name), text.as_bytes())?;
        set_executable(&dir.join(name))
    };
    for stage in STAGES {
        write(&format!("{stage}.sbatch"), scripts.stage(stage, &layout))?;
    }
    write(SUBMIT_SCRIPT, scripts.submit())?;
    rundir::write_atomic(&dir.join(LAYOUT), &serde_json::to_vec_pretty(&layout)?)?;
    if !config.quiet {
        eprintln!(
            "corpusledger slurm plan: {} shards in {} tasks, plan {}; scripts in {}; submit with `corpusledger slurm submit --run-dir {}` or `bash {}`",
            layout.num_shards,
            layout.tasks(),
            &plan_hash[..12],
            dir.display(),
            run.root.display(),
            dir.join(SUBMIT_SCRIPT).display()
        );
    }
    Ok(dir)
}

/// Lowers `cpus` to the largest node's CPU count when Slurm's nodes (as
/// `sinfo` lists them, in the configured partition) are smaller: sbatch
/// refuses a task no node can hold ("CPU count per node can not be
/// satisfied"). Without `sinfo` (planning off the cluster) nothing changes.
fn fit_cpus_to_nodes(slurm: &mut SlurmConfig, quiet: bool) -> Result<()> {
    let mut command = Command::new("sinfo");
    command.args(["--noheader", "--Node", "--format=%c"]);
    if let Some(partition) = &slurm.partition {
        command.arg(format!("--partition={partition}"));
    }
    let output = match command.output() {
        Ok(output) => output,
        // No sinfo here: the scripts keep the configured CPU count.
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(err) => return Err(err).context("cannot run sinfo to read the nodes' CPU counts"),
    };
    let where_ = slurm
        .partition
        .as_ref()
        .map(|p| format!("partition {p}"))
        .unwrap_or_else(|| "the cluster".to_owned());
    if !output.status.success() {
        if !quiet {
            eprintln!(
                "note: sinfo failed ({}), so the CPUs per task ({}) are not checked against {where_}'s nodes",
                String::from_utf8_lossy(&output.stderr).trim(),
                slurm.cpus
            );
        }
        return Ok(());
    }
    let Some(largest) = largest_node_cpus(&String::from_utf8_lossy(&output.stdout)) else {
        bail!(
            "sinfo lists no node in {where_}: check `[slurm] partition` in the config (sinfo --Node shows the nodes)"
        );
    };
    if slurm.cpus > largest {
        if !quiet {
            eprintln!(
                "note: {where_}'s largest node has {largest} CPU(s) (sinfo), fewer than the {} per task asked for;                  the tasks ask for {largest} (set `[slurm] cpus = {largest}` in the config to say so)",
                slurm.cpus
            );
        }
        slurm.cpus = largest;
    }
    Ok(())
}

/// The largest CPU count in `sinfo --Node --format=%c` output (one count a
/// line; a `+` suffix, as in grouped output, is ignored).
fn largest_node_cpus(sinfo: &str) -> Option<u32> {
    sinfo
        .lines()
        .filter_map(|line| line.trim().trim_end_matches('+').parse::<u32>().ok())
        .filter(|&cpus| cpus > 0)
        .max()
}

#[cfg(unix)]
fn set_executable(path: &Path) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))
        .with_context(|| format!("cannot make {} executable", path.display()))
}

/// What the scripts name: absolute paths (quoted where a shell reads them).
struct Scripts {
    bin: String,
    run_dir: String,
    workdir: String,
    slurm: SlurmConfig,
}

fn quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

fn absolute(path: &Path) -> Result<String> {
    let path = std::path::absolute(path).with_context(|| format!("cannot resolve {}", path.display()))?;
    path.to_str()
        .map(str::to_owned)
        .with_context(|| format!("{} is not UTF-8: sbatch scripts cannot name it", path.display()))
}

impl Scripts {
    fn new(run_dir: &Path, config: &Config) -> Result<Scripts> {
        let bin = std::env::current_exe().context("cannot find this program's path")?;
        Ok(Scripts {
            bin: absolute(&bin)?,
            run_dir: absolute(run_dir)?,
            workdir: absolute(&std::env::current_dir()?)?,
            slurm: config.slurm.clone(),
        })
    }

    /// The `#SBATCH` lines every job shares.
    fn header(&self, name: &str, mem: &str, log: &str) -> String {
        let s = &self.slurm;
        let mut out = String::from("#!/bin/bash\n");
        let mut line = |option: String| {
            let _ = writeln!(out, "#SBATCH {option}");
        };
        line(format!("--job-name=corpusledger-{name}"));
        line(format!("--cpus-per-task={}", s.cpus));
        line(format!("--mem={mem}"));
        line(format!("--time={}", s.time));
        line("--requeue".to_owned());
        // SIGUSR1 a minute before the time limit: the task stops before
        // its rename, leaving no marker, and a requeue or resume redoes it.
        line("--signal=B:USR1@60".to_owned());
        line(format!("--chdir={}", self.workdir));
        line(format!("--output={log}"));
        for (key, value) in [("partition", &s.partition), ("account", &s.account), ("qos", &s.qos)] {
            if let Some(value) = value {
                line(format!("--{key}={value}"));
            }
        }
        for extra in &s.extra {
            line(extra.clone());
        }
        out
    }

    fn logs(&self) -> PathBuf {
        slurm_dir(Path::new(&self.run_dir)).join("logs")
    }

    /// One stage's script: the array stages are arrays of tasks of
    /// `--shards-per-task` shards; cluster and manifest are one task with
    /// the larger memory.
    fn stage(&self, stage: &str, layout: &Layout) -> String {
        let array = ARRAYS.contains(&stage);
        let (log, mem) = if array {
            (format!("{stage}-%A_%a.log"), &self.slurm.mem)
        } else {
            (format!("{stage}-%j.log"), &self.slurm.finalize_mem)
        };
        let mut out = self.header(stage, mem, &self.logs().join(log).display().to_string());
        let mut command = format!(
            "exec {} {stage} --run-dir {} --num-shards {}",
            quote(&self.bin),
            quote(&self.run_dir),
            layout.num_shards
        );
        if array {
            let limit = self.slurm.max_running.map(|m| format!("%{m}")).unwrap_or_default();
            let _ = writeln!(out, "#SBATCH --array=0-{}{limit}", layout.tasks() - 1);
            let _ = writeln!(
                out,
                "# The shard count is explicit: SLURM_ARRAY_TASK_COUNT counts this array's indices only."
            );
            command.push_str(&format!(
                " --shards-per-task {} --shard-index \"$SLURM_ARRAY_TASK_ID\"",
                layout.shards_per_task
            ));
        }
        let _ = writeln!(out, "{command} --threads \"${{SLURM_CPUS_PER_TASK:-1}}\" --quiet");
        out
    }

    /// `submit.sh [FROM [ARRAY]]`: the stages from FROM on, each after the
    /// one before (afterok); ARRAY limits FROM's array to those indices.
    /// Appends the job ids to jobs.txt.
    fn submit(&self) -> String {
        format!(
            r#"#!/bin/bash
# Submits the stages from FROM (default: ingest) on, each once the one before succeeded.
# Usage: submit.sh [FROM [ARRAY]]   FROM: ingest, bucket, verify-pairs, cluster, finalize or manifest;
#                                  ARRAY: FROM's task indices to (re)submit, e.g. 3,5 (default: all)
set -euo pipefail
dir={dir}
from=${{1:-ingest}}
case "$from" in ingest|bucket|verify-pairs|cluster|finalize|manifest) ;; *) echo "submit.sh: unknown stage $from" >&2; exit 2;; esac
array=()
if [ -n "${{2:-}}" ]; then array=(--array="$2"); fi
dependency=()
jobs=()
started=0
for stage in ingest bucket verify-pairs cluster finalize manifest; do
  [ "$stage" = "$from" ] && started=1
  [ "$started" = 1 ] || continue
  extra=()
  if [ "$stage" = "$from" ]; then extra=("${{array[@]}}"); fi
  id=$(sbatch --parsable "${{dependency[@]}}" "${{extra[@]}}" "$dir/$stage.sbatch")
  id=${{id%%;*}}
  dependency=(--dependency=afterok:"$id" --kill-on-invalid-dep=yes)
  jobs+=("$stage $id")
done
echo "${{jobs[*]}}" >> "$dir/jobs.txt"
echo "submitted: ${{jobs[*]}}"
"#,
            dir = quote(&slurm_dir(Path::new(&self.run_dir)).display().to_string()),
        )
    }
}

fn submit(args: &SlurmPlanArgs) -> Result<u8> {
    let dir = slurm_dir(&args.plan.run_dir);
    let dir = if dir.join(LAYOUT).exists() && !args.plan.overwrite {
        check_same_plan(args)?;
        dir
    } else {
        plan(args)?
    };
    run_submit(&dir, None)?;
    Ok(crate::EXIT_OK)
}

/// A second `submit` with other settings must not mix two runs.
fn check_same_plan(args: &SlurmPlanArgs) -> Result<()> {
    let layout = read_layout(&args.plan.run_dir)?;
    if layout.num_shards != args.num_shards || layout.shards_per_task != args.shards_per_task {
        bail!(
            "{} was planned with {} shards ({} per task): give the same, or --overwrite",
            args.plan.run_dir.display(),
            layout.num_shards,
            layout.shards_per_task
        );
    }
    let config = super::effective_config(&args.plan.settings)?;
    let (run_plan, _) = RunDir::new(&args.plan.run_dir).read_plan()?;
    if rundir::config_hash(&config) != run_plan.config_hash {
        bail!(
            "{} was planned with another configuration: give the same, or --overwrite",
            args.plan.run_dir.display()
        );
    }
    Ok(())
}

fn run_submit(dir: &Path, from: Option<(&str, Option<&str>)>) -> Result<()> {
    let mut command = Command::new("bash");
    command.arg(dir.join(SUBMIT_SCRIPT));
    if let Some((stage, array)) = from {
        command.arg(stage);
        command.args(array);
    }
    let status = command
        .status()
        .with_context(|| format!("cannot run {}", dir.join(SUBMIT_SCRIPT).display()))?;
    if !status.success() {
        bail!(
            "{} failed ({status}): is sbatch on PATH and the cluster up?",
            dir.join(SUBMIT_SCRIPT).display()
        );
    }
    Ok(())
}

fn read_layout(run_dir: &Path) -> Result<Layout> {
    let path = slurm_dir(run_dir).join(LAYOUT);
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {}: run `corpusledger slurm plan` first", path.display()))?;
    serde_json::from_str(&text)
        .with_context(|| format!("{} is damaged: run `corpusledger slurm plan` again", path.display()))
}

/// What the markers say.
#[derive(Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
struct Status {
    num_shards: u32,
    ingest: StageStatus,
    bucket: StageStatus,
    verify_pairs: StageStatus,
    cluster_done: bool,
    finalize: StageStatus,
    finished: bool,
}

/// The shards of an array stage.
#[derive(Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
struct StageStatus {
    shards_done: u32,
    /// Shards with no valid marker, each with why.
    shards_missing: Vec<(u32, String)>,
    /// Array task indices to submit again.
    tasks_missing: Vec<u32>,
}

/// Which shards of `stage` have a valid marker.
fn stage_status(run: &RunDir, stage: &str, layout: &Layout, plan_hash: &str, config_hash: &str) -> StageStatus {
    let n = layout.num_shards;
    let mut missing = Vec::new();
    for shard in 0..n {
        let why = match run.shard_state(stage, shard, n, plan_hash, config_hash) {
            ShardState::Done => continue,
            ShardState::Missing => "not done".to_owned(),
            ShardState::Invalid(why) => why,
        };
        missing.push((shard, why));
    }
    let mut tasks: Vec<u32> = missing.iter().map(|(s, _)| s / layout.shards_per_task).collect();
    tasks.dedup();
    StageStatus {
        shards_done: n - missing.len() as u32,
        shards_missing: missing,
        tasks_missing: tasks,
    }
}

fn read_status(run_dir: &Path) -> Result<Status> {
    let layout = read_layout(run_dir)?;
    let run = RunDir::new(run_dir);
    let (run_plan, plan_hash) = run.read_plan()?;
    let config_hash = &run_plan.config_hash;
    let cluster_done = run.shard_state(CLUSTER, 0, 1, &plan_hash, config_hash) == ShardState::Done;
    Ok(Status {
        num_shards: layout.num_shards,
        ingest: stage_status(&run, INGEST, &layout, &plan_hash, config_hash),
        bucket: stage_status(&run, BUCKET, &layout, &plan_hash, config_hash),
        verify_pairs: stage_status(&run, VERIFY, &layout, &plan_hash, config_hash),
        cluster_done,
        finalize: stage_status(&run, FINALIZE, &layout, &plan_hash, config_hash),
        finished: super::stages::finished(&run, &plan_hash, layout.num_shards, &layout.out),
    })
}

fn status(args: &SlurmRunArgs) -> Result<u8> {
    let status = read_status(&args.run_dir)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&status)?);
    } else {
        let done = |yes: bool| if yes { "done" } else { "not done" };
        let arrays = [
            (INGEST, &status.ingest),
            (BUCKET, &status.bucket),
            (VERIFY, &status.verify_pairs),
            (FINALIZE, &status.finalize),
        ];
        for (stage, shards) in arrays {
            if stage == FINALIZE {
                println!("{CLUSTER:<12} {}", done(status.cluster_done));
            }
            println!(
                "{stage:<12} {} of {} shards done",
                shards.shards_done, status.num_shards
            );
            for (shard, why) in &shards.shards_missing {
                println!("  shard {shard}: {why}");
            }
        }
        println!("{MANIFEST_STAGE:<12} {}", done(status.finished));
    }
    Ok(if status.finished {
        crate::EXIT_OK
    } else {
        crate::EXIT_PROBLEMS
    })
}

fn resume(args: &SlurmRunArgs) -> Result<u8> {
    let status = read_status(&args.run_dir)?;
    let dir = slurm_dir(&args.run_dir);
    let indices = |tasks: &[u32]| tasks.iter().map(u32::to_string).collect::<Vec<_>>().join(",");
    let (from, array) = if !status.ingest.tasks_missing.is_empty() {
        (INGEST, Some(indices(&status.ingest.tasks_missing)))
    } else if !status.bucket.tasks_missing.is_empty() {
        (BUCKET, Some(indices(&status.bucket.tasks_missing)))
    } else if !status.verify_pairs.tasks_missing.is_empty() {
        (VERIFY, Some(indices(&status.verify_pairs.tasks_missing)))
    } else if !status.cluster_done {
        (CLUSTER, None)
    } else if !status.finalize.tasks_missing.is_empty() {
        (FINALIZE, Some(indices(&status.finalize.tasks_missing)))
    } else if !status.finished {
        (MANIFEST_STAGE, None)
    } else {
        eprintln!("corpusledger slurm resume: nothing to do, the dataset is finished");
        return Ok(crate::EXIT_OK);
    };
    eprintln!(
        "corpusledger slurm resume: from {from}{}",
        array.as_deref().map(|a| format!(", tasks {a}")).unwrap_or_default()
    );
    run_submit(&dir, Some((from, array.as_deref())))?;
    Ok(crate::EXIT_OK)
}

#[cfg(test)]
mod tests {
    use super::largest_node_cpus;

    #[test]
    fn the_largest_node_is_read_from_sinfo_output() {
        assert_eq!(largest_node_cpus("1\n1\n1\n"), Some(1));
        assert_eq!(largest_node_cpus("2\n16\n4+\n"), Some(16));
        assert_eq!(largest_node_cpus("  8 \n"), Some(8));
    }

    #[test]
    fn sinfo_output_without_counts_gives_none() {
        assert_eq!(largest_node_cpus(""), None);
        assert_eq!(largest_node_cpus("N/A\n0\n"), None);
    }
}
