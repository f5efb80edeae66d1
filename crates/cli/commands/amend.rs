//! `corpusledger amend`: a published dataset without the documents that
//! opt-out lists name.

use anyhow::{Context, Result, bail};
use corpusledger_release::amend::{Options, Orphans, amend};

use crate::args::AmendArgs;
use crate::pipeline::rundir::write_atomic;

pub fn run(args: &AmendArgs) -> Result<u8> {
    if let Some(pubkey) = &args.pubkey {
        let manifest = args.dataset.join(corpusledger_verify::MANIFEST);
        if let Some((code, message)) = super::verify::signature_finding(&manifest, pubkey)? {
            bail!(
                "{}: the signature does not check against {} ({code}: {message}); amend only a dataset whose manifest its publisher signed",
                args.dataset.display(),
                pubkey.display()
            );
        }
    }
    let options = Options {
        opt_out: args.opt_out.clone(),
        orphans: match args.orphans.as_str() {
            "stay-removed" => Orphans::StayRemoved,
            _ => Orphans::Refuse,
        },
    };
    let amended = amend(&args.dataset, &args.out, &options)?;
    // The card is rendered from the manifest alone, as `run` writes it.
    let card = args.out.join(corpusledger_datasheet::CARD_FILE);
    write_atomic(&card, corpusledger_datasheet::card(&amended.manifest).as_bytes())
        .with_context(|| format!("cannot write {}", card.display()))?;
    for list in &amended.unmatched_lists {
        eprintln!("warning: opt-out list {list} matches no kept document; the manifest records 0 matches");
    }
    if !args.quiet {
        let amendments = amended.manifest.amendments.as_ref().expect("an amendment");
        eprintln!(
            "amended {} into {}: {} document(s) opted out, {} data shard(s) rewritten, {} copied unchanged, {} orphaned copies kept out; sign {}/manifest.json before publishing",
            args.dataset.display(),
            args.out.display(),
            amendments.removed,
            amendments.shards.len(),
            amended.copied.len(),
            amendments.orphans,
            args.out.display(),
        );
        for shard in &amendments.shards {
            eprintln!(
                "  {}: {} of {} rows removed",
                shard.path, shard.removed, shard.rows_before
            );
        }
    }
    Ok(crate::EXIT_OK)
}
