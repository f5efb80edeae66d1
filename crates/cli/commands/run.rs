//! `corpusledger run`: the whole pipeline in this process.

use std::io::Write;

use anyhow::Result;

use crate::args::RunArgs;
use crate::pipeline::{self, Written};
use crate::reporter::TerminalReporter;

pub fn run(args: &RunArgs) -> Result<u8> {
    let config = super::effective_config(&args.settings)?;
    let out_dir = super::out_dir_of(&config)?;
    let reporter = TerminalReporter::new(config.quiet);
    let written =
        super::thread_pool(&config)?.install(|| pipeline::execute(&config, &out_dir, args.overwrite, &reporter))?;
    report(&config, &written)
}

/// Prints the summary (human or JSON); the exit code says whether some
/// input could not be read.
pub fn report(config: &crate::config::Config, written: &Written) -> Result<u8> {
    let code = if written.summary.problems.is_empty() {
        crate::EXIT_OK
    } else {
        crate::EXIT_PROBLEMS
    };
    if config.json {
        let mut stdout = std::io::stdout().lock();
        serde_json::to_writer_pretty(&mut stdout, &written.summary)?;
        writeln!(stdout)?;
    } else if !config.quiet {
        eprint!("{}", human_summary(written));
    }
    Ok(code)
}

fn human_summary(written: &Written) -> String {
    let s = &written.summary;
    let mut out = String::new();
    let mut line = |text: String| {
        out.push_str(&text);
        out.push('\n');
    };
    for problem in &s.problems {
        line(format!("problem: {problem}"));
    }
    for note in &s.notes {
        line(format!("note: {note}"));
    }
    line(format!(
        "corpusledger run: {} documents, {} in {:.1}s",
        s.documents,
        mb(s.input_bytes),
        s.elapsed_seconds
    ));
    line(format!("  kept      {:>9}  ({})", s.kept, mb(s.kept_bytes)));
    let nonzero = |map: &std::collections::BTreeMap<String, u64>| {
        map.iter()
            .filter(|(_, n)| **n > 0)
            .map(|(k, n)| format!("{k} {n}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let removed: u64 = s.removed.values().sum();
    let rejected: u64 = s.rejected.values().sum();
    line(format!(
        "  removed   {removed:>9}  {} ({} clusters)",
        nonzero(&s.removed),
        s.clusters
    ));
    line(format!("  rejected  {rejected:>9}  {}", nonzero(&s.rejected)));
    let d = &s.dedup;
    line(format!(
        "  near      {} x {} bands (a pair at the threshold is found with P = {:.5}); {} candidate pairs ({:.2} per signed text), {} dropped by length, {} verified{}",
        d.bands,
        d.rows,
        d.recall_at_threshold,
        d.candidate_pairs,
        d.candidates_per_signed_text,
        d.length_filtered_pairs,
        d.verified_pairs,
        if d.candidates_seconds + d.verify_seconds > 0.0 {
            format!(
                " (candidates {:.2}s, verification {:.2}s)",
                d.candidates_seconds, d.verify_seconds
            )
        } else {
            String::new()
        }
    ));
    let mut licenses: Vec<(&String, &u64)> = s.licenses.iter().collect();
    licenses.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    let top: Vec<String> = licenses.iter().take(6).map(|(k, n)| format!("{k} {n}")).collect();
    line(format!(
        "  licenses  {}{}",
        top.join(", "),
        if licenses.len() > 6 { ", ..." } else { "" }
    ));
    if !s.license_problems.is_empty() {
        line("  license problems (documents still got a license or NOASSERTION; all are in manifest.json licensing.problems):".to_owned());
        for problem in &s.license_problems {
            line(format!("    {problem}"));
        }
    }
    line(format!("  wrote     {} in {}", s.files.join(", "), s.out_dir));
    let stages: Vec<String> = s
        .stage_seconds
        .iter()
        .map(|(stage, secs)| format!("{stage} {secs:.1}s"))
        .collect();
    line(format!("  stages    {}", stages.join(", ")));
    if !s.problems.is_empty() {
        line(format!(
            "  {} problem(s) above: the run finished, the ledger lists every rejected document",
            s.problems.len()
        ));
    }
    out
}

fn mb(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1e6)
}
