//! `corpusledger datasheet`: DATASHEET.md, datasheet.html and the dataset
//! card README.md from a dataset's manifest.

use std::path::Path;

use anyhow::{Context, Result, bail};
use corpusledger_manifest::Manifest;
use corpusledger_manifest::release::{self, ReleaseFile};

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
    let (md_text, html_text, card_text) = match read_release(&args.dir)? {
        None => (
            corpusledger_datasheet::markdown(&manifest),
            corpusledger_datasheet::html(&manifest),
            corpusledger_datasheet::card(&manifest),
        ),
        Some(release) => (
            corpusledger_datasheet::release_markdown(&manifest, &release),
            corpusledger_datasheet::release_html(&manifest, &release),
            corpusledger_datasheet::release_card(&manifest, &release),
        ),
    };
    write_atomic(&markdown, md_text.as_bytes())?;
    write_atomic(&html, html_text.as_bytes())?;
    write_atomic(&card, card_text.as_bytes())?;
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

/// DIR/RELEASE.json of a partial release, when there is one: the datasheet
/// and the exports then state what it withholds. One written for another manifest is
/// refused rather than described.
pub(crate) fn read_release(dir: &Path) -> Result<Option<ReleaseFile>> {
    let path = dir.join(release::RELEASE_FILE);
    if std::fs::symlink_metadata(&path).is_err() {
        return Ok(None);
    }
    let release = release::read(&path).map_err(|message| {
        anyhow::anyhow!(
            "{}: {message}; run `corpusledger verify {}`",
            path.display(),
            dir.display()
        )
    })?;
    let (_, manifest_sha256) = corpusledger_output::sha256_file(&dir.join("manifest.json"))?;
    if release.manifest_sha256 != manifest_sha256 {
        bail!(
            "{}: written for another manifest.json (its manifest-sha256 differs); make the release again from the dataset",
            path.display()
        );
    }
    Ok(Some(release))
}
