//! The pipeline as stages: plan, ingest and sign, decide, write. `run`
//! executes them in one process; each stage reads only what the previous one
//! returned, so they can later run as separate shard tasks.

mod decide;
mod sign;
mod write;

use std::path::Path;
use std::time::Instant;

use anyhow::{Context, Result};
use corpusledger_model::{Reporter, SourceRef};

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

    let plan = corpusledger_ingest::plan(&config.input, &config.ingest())?;
    let ingested = sign::ingest_and_sign(&plan, config, &work, reporter)?;
    let decided = decide::decide(&ingested, config, reporter)?;
    let mut written = write::write_outputs(&plan, &ingested, &decided, config, out_dir, reporter)?;
    std::fs::remove_dir_all(&work).with_context(|| format!("cannot remove work directory {}", work.display()))?;
    written.summary.elapsed_seconds = started.elapsed().as_secs_f64();
    Ok(written)
}

/// A document's place in output order: input, file, line/row.
fn source_order(a: &SourceRef, b: &SourceRef) -> std::cmp::Ordering {
    (&a.input, &a.key, a.row).cmp(&(&b.input, &b.key, b.row))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
