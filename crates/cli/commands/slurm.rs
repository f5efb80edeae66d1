//! `corpusledger slurm plan | submit | status | resume`: the stages as
//! Slurm jobs. The scripts call `corpusledger ingest` and `finalize`, the
//! same commands a user can run by hand; the done markers in the run
//! directory, not Slurm's memory of jobs, say what is finished.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};

use crate::args::{SlurmCommand, SlurmPlanArgs, SlurmRunArgs};
use crate::config::{Config, SlurmConfig};
use crate::pipeline::INGEST;
use crate::pipeline::rundir::{self, RunDir};

const LAYOUT: &str = "layout.json";
const INGEST_SCRIPT: &str = "ingest.sbatch";
const FINALIZE_SCRIPT: &str = "finalize.sbatch";
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
    let scripts = Scripts::new(&run.root, &config)?;
    let write = |name: &str, text: String| {
        rundir::write_atomic(&dir.join(name), text.as_bytes())?;
        set_executable(&dir.join(name))
    };
    write(INGEST_SCRIPT, scripts.ingest(&layout))?;
    write(FINALIZE_SCRIPT, scripts.finalize(&layout))?;
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

    fn ingest(&self, layout: &Layout) -> String {
        let log = self.logs().join("ingest-%A_%a.log");
        let mut out = self.header(INGEST, &self.slurm.mem, &log.display().to_string());
        let limit = self.slurm.max_running.map(|m| format!("%{m}")).unwrap_or_default();
        let _ = writeln!(out, "#SBATCH --array=0-{}{limit}", layout.tasks() - 1);
        let _ = writeln!(
            out,
            "# The shard count is explicit: SLURM_ARRAY_TASK_COUNT counts this array's indices only.\n\
             exec {} ingest --run-dir {} --num-shards {} --shards-per-task {} --shard-index \"$SLURM_ARRAY_TASK_ID\" --threads \"${{SLURM_CPUS_PER_TASK:-1}}\" --quiet",
            quote(&self.bin),
            quote(&self.run_dir),
            layout.num_shards,
            layout.shards_per_task
        );
        out
    }

    fn finalize(&self, layout: &Layout) -> String {
        let log = self.logs().join("finalize-%j.log");
        let mut out = self.header("finalize", &self.slurm.finalize_mem, &log.display().to_string());
        let _ = writeln!(
            out,
            "exec {} finalize --run-dir {} --num-shards {} --threads \"${{SLURM_CPUS_PER_TASK:-1}}\" --quiet",
            quote(&self.bin),
            quote(&self.run_dir),
            layout.num_shards
        );
        out
    }

    /// `submit.sh [ARRAY]`: the ingest array (all tasks, or the indices given),
    /// then finalize after it; records the job ids in jobs.txt.
    fn submit(&self) -> String {
        format!(
            r#"#!/bin/bash
# Submits the ingest array, then finalize once every ingest task succeeded.
# Usage: submit.sh [ARRAY]   ARRAY: the task indices to (re)submit, e.g. 3,5 (default: all)
set -euo pipefail
dir={dir}
array=()
if [ -n "${{1:-}}" ]; then array=(--array="$1"); fi
ingest=$(sbatch --parsable "${{array[@]}}" "$dir/{ingest}")
ingest=${{ingest%%;*}}
finalize=$(sbatch --parsable --dependency=afterok:"$ingest" --kill-on-invalid-dep=yes "$dir/{finalize}")
finalize=${{finalize%%;*}}
echo "ingest $ingest finalize $finalize" >> "$dir/jobs.txt"
echo "ingest array job $ingest, finalize job $finalize"
"#,
            dir = quote(&slurm_dir(Path::new(&self.run_dir)).display().to_string()),
            ingest = INGEST_SCRIPT,
            finalize = FINALIZE_SCRIPT,
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

fn run_submit(dir: &Path, array: Option<&str>) -> Result<()> {
    let mut command = Command::new("bash");
    command.arg(dir.join(SUBMIT_SCRIPT));
    if let Some(array) = array {
        command.arg(array);
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
    shards_done: u32,
    /// Shards with no valid marker, each with why.
    shards_missing: Vec<(u32, String)>,
    /// Array task indices to submit again.
    tasks_missing: Vec<u32>,
    finalized: bool,
}

fn read_status(run_dir: &Path) -> Result<Status> {
    let layout = read_layout(run_dir)?;
    let run = RunDir::new(run_dir);
    let (run_plan, plan_hash) = run.read_plan()?;
    let n = layout.num_shards;
    let mut missing = Vec::new();
    for shard in 0..n {
        let why = match run.read_marker(INGEST, shard, n) {
            Ok(Some(marker)) => match run.check_marker(&marker, &plan_hash, &run_plan.config_hash) {
                Ok(()) => continue,
                Err(err) => format!("{err:#}"),
            },
            Ok(None) => "not done".to_owned(),
            Err(err) => format!("{err:#}"),
        };
        missing.push((shard, why));
    }
    let mut tasks: Vec<u32> = missing.iter().map(|(s, _)| s / layout.shards_per_task).collect();
    tasks.dedup();
    Ok(Status {
        num_shards: n,
        shards_done: n - missing.len() as u32,
        shards_missing: missing,
        tasks_missing: tasks,
        finalized: super::stages::finalized(&run, &plan_hash, n, &layout.out),
    })
}

fn status(args: &SlurmRunArgs) -> Result<u8> {
    let status = read_status(&args.run_dir)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&status)?);
    } else {
        println!("ingest    {} of {} shards done", status.shards_done, status.num_shards);
        for (shard, why) in &status.shards_missing {
            println!("  shard {shard}: {why}");
        }
        println!("finalize  {}", if status.finalized { "done" } else { "not done" });
    }
    Ok(if status.finalized {
        crate::EXIT_OK
    } else {
        crate::EXIT_PROBLEMS
    })
}

fn resume(args: &SlurmRunArgs) -> Result<u8> {
    let status = read_status(&args.run_dir)?;
    let dir = slurm_dir(&args.run_dir);
    if status.tasks_missing.is_empty() {
        if status.finalized {
            eprintln!("corpusledger slurm resume: nothing to do, the dataset is finished");
            return Ok(crate::EXIT_OK);
        }
        // Every shard is done: finalize alone.
        let finalize = dir.join(FINALIZE_SCRIPT);
        let output = Command::new("sbatch")
            .arg("--parsable")
            .arg(&finalize)
            .output()
            .context("cannot run sbatch")?;
        if !output.status.success() {
            bail!(
                "sbatch {} failed: {}",
                finalize.display(),
                String::from_utf8_lossy(&output.stderr)
            );
        }
        eprintln!(
            "corpusledger slurm resume: finalize job {}",
            String::from_utf8_lossy(&output.stdout).trim()
        );
        return Ok(crate::EXIT_OK);
    }
    let array: Vec<String> = status.tasks_missing.iter().map(u32::to_string).collect();
    eprintln!(
        "corpusledger slurm resume: {} of {} shards not done; submitting tasks {}",
        status.shards_missing.len(),
        status.num_shards,
        array.join(",")
    );
    run_submit(&dir, Some(&array.join(",")))?;
    Ok(crate::EXIT_OK)
}
