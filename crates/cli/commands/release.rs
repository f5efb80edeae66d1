//! `corpusledger release`: a partial release of a dataset.

use anyhow::Result;

use crate::args::ReleaseArgs;

pub fn run(args: &ReleaseArgs) -> Result<u8> {
    let summary = corpusledger_release::release(&args.dataset, &args.out, &args.withhold)?;
    if !args.quiet {
        let withheld = &summary.release.withheld;
        eprintln!(
            "released {} files ({} bytes) to {}; withheld {} file(s), {} rows, listed in {}:",
            summary.copied.len(),
            summary.copied_bytes,
            args.out.display(),
            withheld.len(),
            withheld.iter().map(|w| w.rows).sum::<u64>(),
            corpusledger_verify::release::RELEASE_FILE,
        );
        for file in withheld {
            let rules: Vec<&str> = file.because.iter().map(|b| b.rule.as_str()).collect();
            eprintln!("  {} ({} rows): {}", file.path, file.rows, rules.join(", "));
        }
    }
    Ok(crate::EXIT_OK)
}
