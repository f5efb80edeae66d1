//! `corpusledger release`: a partial release of a dataset.

use anyhow::{Context, Result};
use corpusledger_manifest::Manifest;
use corpusledger_release::Summary;

use crate::args::ReleaseArgs;
use crate::pipeline::out_claim::{CardState, card_state};
use crate::pipeline::rundir::write_atomic;

pub fn run(args: &ReleaseArgs) -> Result<u8> {
    let summary = corpusledger_release::release(&args.dataset, &args.out, &args.withhold)?;
    rewrite_datasheets(args, &summary)?;
    if !args.quiet {
        let withheld = &summary.release.withheld;
        eprintln!(
            "released {} files ({} bytes) to {}; withheld {} file(s), {} rows, listed in {}:",
            summary.copied.len(),
            summary.copied_bytes,
            args.out.display(),
            withheld.len(),
            withheld.iter().map(|w| w.rows).sum::<u64>(),
            corpusledger_manifest::release::RELEASE_FILE,
        );
        for file in withheld {
            let rules: Vec<&str> = file.because.iter().map(|b| b.rule.as_str()).collect();
            eprintln!("  {} ({} rows): {}", file.path, file.rows, rules.join(", "));
        }
    }
    Ok(crate::EXIT_OK)
}

/// The datasheet files copied from the dataset describe all of it; each is
/// written again to also say what this release withholds (as `corpusledger
/// datasheet` on the release would). A README.md that is not our card stays
/// as it is.
fn rewrite_datasheets(args: &ReleaseArgs, summary: &Summary) -> Result<()> {
    let manifest = Manifest::read(&args.out.join(corpusledger_verify::MANIFEST))?;
    let release = &summary.release;
    for name in &summary.copied {
        let text = match name.as_str() {
            "DATASHEET.md" => corpusledger_datasheet::release_markdown(&manifest, release),
            "datasheet.html" => corpusledger_datasheet::release_html(&manifest, release),
            corpusledger_datasheet::CARD_FILE if card_state(&args.out)? == CardState::Ours => {
                corpusledger_datasheet::release_card(&manifest, release)
            }
            _ => continue,
        };
        let path = args.out.join(name);
        write_atomic(&path, text.as_bytes()).with_context(|| format!("cannot rewrite {}", path.display()))?;
    }
    Ok(())
}
