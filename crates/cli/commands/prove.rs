//! `corpusledger prove` and `corpusledger check-proof`: answers about a
//! dataset that anyone checks against its manifest alone.

use std::io::Write;

use anyhow::{Context, Result};
use corpusledger_proof::{Checked, Holder, Query, Status};

use crate::args::{CheckProofArgs, ProveArgs};

/// The holder answers files or hashes, with proofs.
pub fn prove(args: &ProveArgs) -> Result<u8> {
    let queries = if args.sha256.is_empty() {
        let files = corpusledger_verify::lookup::files_to_query(&args.files)?;
        corpusledger_proof::file_queries(&files)?
    } else {
        args.sha256
            .iter()
            .map(|h| Query::sha256(h))
            .collect::<Result<Vec<_>, _>>()?
    };
    let holder = Holder::open_for(&args.dataset, &queries)?;
    let proof = holder.prove(&queries);
    let bytes = corpusledger_proof::to_bytes(&proof);
    match &args.out {
        Some(path) => {
            std::fs::write(path, &bytes).with_context(|| format!("cannot write {}", path.display()))?;
            let mut stderr = std::io::stderr().lock();
            for answer in &proof.answers {
                let near = answer
                    .near
                    .as_ref()
                    .map(|n| format!("; {} of {} band keys shared with kept texts", n.shared, n.bands.len()))
                    .unwrap_or_default();
                let query = answer.file.as_deref().unwrap_or(&answer.sha256);
                writeln!(stderr, "{:<8} {query}{near}", answer.status.as_str())?;
            }
            writeln!(
                stderr,
                "wrote {}: {} answer(s) with proofs; check them with `corpusledger check-proof manifest.json {}`",
                path.display(),
                proof.answers.len(),
                path.display()
            )?;
        }
        None => std::io::stdout().lock().write_all(&bytes)?,
    }
    Ok(crate::EXIT_OK)
}

/// The owner checks a proof file against the manifest (and the files).
pub fn check(args: &CheckProofArgs) -> Result<u8> {
    let signature = match &args.pubkey {
        Some(pubkey) => super::verify::signature_finding(&args.manifest, pubkey)?,
        None => None,
    };
    let mut checked = corpusledger_proof::check(&args.manifest, &args.proof, &args.files)?;
    if let Some((code, message)) = signature {
        checked.findings.insert(
            0,
            corpusledger_proof::Finding {
                code,
                query: args.manifest.display().to_string(),
                message,
            },
        );
    }
    let mut stdout = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut stdout, &JsonReport::from(&checked))?;
        writeln!(stdout)?;
    } else {
        write!(stdout, "{}", human(args, &checked))?;
    }
    Ok(if checked.is_valid() {
        crate::EXIT_OK
    } else {
        crate::EXIT_PROBLEMS
    })
}

#[derive(serde::Serialize)]
#[serde(rename_all = "kebab-case")]
struct JsonReport<'a> {
    valid: bool,
    manifest_sha256: &'a str,
    answers: &'a [corpusledger_proof::Shown],
    findings: &'a [corpusledger_proof::Finding],
}

impl<'a> From<&'a Checked> for JsonReport<'a> {
    fn from(checked: &'a Checked) -> Self {
        JsonReport {
            valid: checked.is_valid(),
            manifest_sha256: &checked.manifest_sha256,
            answers: &checked.answers,
            findings: &checked.findings,
        }
    }
}

fn human(args: &CheckProofArgs, checked: &Checked) -> String {
    let mut out = String::new();
    for shown in &checked.answers {
        let what = match (shown.status, &shown.kept, &shown.removed, &shown.kept_copy) {
            (Status::Kept, Some(doc), removed, _) => {
                let also = removed
                    .as_ref()
                    .map(|r| format!("; a copy was removed ({}, document {})", r.detail, r.doc_id))
                    .unwrap_or_default();
                format!("kept as document {} under {}{also}", doc.doc_id, doc.detail)
            }
            (Status::Removed, _, Some(doc), copy) => {
                let copy = copy
                    .as_ref()
                    .map(|c| format!(", in favour of kept document {} under {}", c.doc_id, c.detail))
                    .unwrap_or_default();
                format!("removed as document {} ({}){copy}", doc.doc_id, doc.detail)
            }
            (Status::Absent, ..) => "in no document, kept or removed".to_owned(),
            (status, ..) => format!("{} (not shown by its proofs)", status.as_str()),
        };
        let near = match shown.near {
            Some([_, 0]) => "; too short for band keys".to_owned(),
            Some([0, n]) => format!("; no kept text shares any of its {n} band keys"),
            Some([shared, n]) => format!("; a kept text shares {shared} of its {n} band keys (a near copy)"),
            None => String::new(),
        };
        let mark = if shown.verified { "ok  " } else { "FAIL" };
        out.push_str(&format!(
            "{mark} {:<8} {}: {what}{near}\n",
            shown.status.as_str(),
            shown.query
        ));
    }
    for finding in &checked.findings {
        out.push_str(&format!(
            "FAIL {} {}: {}\n",
            finding.code, finding.query, finding.message
        ));
    }
    let verdict = if checked.is_valid() { "valid" } else { "NOT valid" };
    out.push_str(&format!(
        "{}: {verdict}: {} answer(s) checked against {} (SHA-256 {}){}\n",
        args.proof.display(),
        checked.answers.len(),
        args.manifest.display(),
        checked.manifest_sha256,
        if checked.is_valid() {
            String::new()
        } else {
            format!("; {} finding(s)", checked.findings.len())
        }
    ));
    out
}
