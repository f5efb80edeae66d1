//! `corpusledger datasheet`: DATASHEET.md, datasheet.html and the dataset
//! card README.md from a dataset's manifest.

use std::path::Path;

use anyhow::{Context, Result, bail};
use corpusledger_manifest::Manifest;

use crate::args::DatasheetArgs;
use crate::pipeline::out_claim::{CardState, card_state};
use crate::pipeline::rundir::write_atomic;

/// The file names written.
const MARKDOWN: &str = "DATASHEET.md";
const HTML: &str = "datasheet.html";

pub fn run(args: &DatasheetArgs) -> Result<u8> {
    let manifest = read_manifest(&args.dir)?;
    let out = args.out.as_deref().unwrap_or(&args.dir);
    std::fs::create_dir_all(out)
        .with_context(|| format!("cannot create {}; give a writable --out directory", out.display()))?;
    let markdown = out.join(MARKDOWN);
    let html = out.join(HTML);
    let card = out.join(corpusledger_datasheet::CARD_FILE);
    // Checked before anything is written: a README.md that is not our card
    // is someone's own and stays as it is.
    if card_state(out)? == CardState::Theirs {
        bail!(
            "{}: not a corpusledger dataset card (no corpusledger-card line in its front matter), so it is not \
             replaced; move it away, or give --out another directory",
            card.display()
        );
    }
    write_atomic(&markdown, corpusledger_datasheet::markdown(&manifest).as_bytes())?;
    write_atomic(&html, corpusledger_datasheet::html(&manifest).as_bytes())?;
    write_atomic(&card, corpusledger_datasheet::card(&manifest).as_bytes())?;
    if !args.quiet {
        eprintln!(
            "wrote {}, {} and {}",
            markdown.display(),
            html.display(),
            card.display()
        );
    }
    Ok(crate::EXIT_OK)
}

/// DIR/manifest.json, with an error that says what DIR must be.
fn read_manifest(dir: &Path) -> Result<Manifest> {
    if !dir.is_dir() {
        bail!(
            "{}: not a directory; give the output directory of `corpusledger run` (the one holding manifest.json)",
            dir.display()
        );
    }
    let path = dir.join("manifest.json");
    if !path.exists() {
        bail!(
            "{}: no manifest here; give the output directory of a finished `corpusledger run`",
            path.display()
        );
    }
    Ok(Manifest::read(&path)?)
}
