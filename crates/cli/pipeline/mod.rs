//! The pipeline as stages: plan, ingest and sign, decide, write. `run`
//! executes them in one process; each stage reads only what the previous one
//! returned, so they can later run as separate shard tasks.

mod bands;
mod decide;
mod sign;
mod write;

use std::path::Path;
use std::time::Instant;

use anyhow::{Context, Result};
use corpusledger_model::{Reporter, SourceRef};
use corpusledger_provenance::Provenance;

use crate::config::Config;

pub use write::Written;

/// Where the in-process run keeps its spill files.
const WORK_DIR: &str = ".work";

/// Runs every stage and returns what was written.
pub fn execute(config: &Config, out_dir: &Path, reporter: &dyn Reporter) -> Result<Written> {
    let started = Instant::now();
    write::prepare_out_dir(out_dir)?;
    let work = out_dir.join(WORK_DIR);
    std::fs::create_dir_all(&work).with_context(|| format!("cannot create work directory {}", work.display()))?;

    let mut timer = StageTimer {
        last: Some(started),
        laps: Vec::new(),
    };
    let provenance = Provenance::new(config.license_min_score as f32);
    let mut plan = std::thread::scope(|scope| {
        // License files are only read from trees; load the license store
        // (about a second) while the trees are listed.
        if config.input.iter().any(|p| p.is_dir()) {
            scope.spawn(|| provenance.preload());
        }
        corpusledger_ingest::plan(&config.input, &config.ingest())
    })?;
    timer.lap("plan");
    let gate = gate(config)?;
    let ingested = sign::ingest_and_sign(&plan, config, &provenance, &gate, &work, reporter)?;
    // The file list is read; later stages need only the inputs.
    plan.units = Vec::new();
    timer.lap("ingest+sign");
    let decided = decide::decide(&ingested, config, reporter)?;
    timer.lap("deduplicate");
    let extras = write::Extras {
        gate: &gate,
        problems: provenance.problems(),
    };
    let mut written = write::write_outputs(&plan, &ingested, &decided, config, &extras, out_dir, reporter)?;
    timer.lap("write");
    std::fs::remove_dir_all(&work).with_context(|| format!("cannot remove work directory {}", work.display()))?;
    written.summary.stage_seconds = timer.laps;
    written.summary.elapsed_seconds = started.elapsed().as_secs_f64();
    Ok(written)
}

/// The opt-out lists, read and checked before any work, and the policy.
fn gate(config: &Config) -> Result<sign::Gate> {
    let opt_out = config
        .opt_out
        .iter()
        .map(|path| corpusledger_provenance::OptOutList::load(path).map_err(anyhow::Error::msg))
        .collect::<Result<Vec<_>>>()?;
    let policy = config.license_policy().map_err(anyhow::Error::msg)?;
    Ok(sign::Gate { opt_out, policy })
}

/// Wall time of each stage, for the summary (never the manifest).
#[derive(Default)]
struct StageTimer {
    last: Option<Instant>,
    laps: Vec<(String, f64)>,
}

impl StageTimer {
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

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
