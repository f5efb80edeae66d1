//! `corpusledger diff`: what changed between two versions of a dataset.

use std::io::Write;

use anyhow::Result;

use crate::args::DiffArgs;

pub fn run(args: &DiffArgs) -> Result<u8> {
    let diff = corpusledger_release::diff::diff(&args.old, &args.new)?;
    let text = if args.json { diff.to_json() } else { diff.markdown() };
    std::io::stdout().lock().write_all(text.as_bytes())?;
    Ok(crate::EXIT_OK)
}
