//! `corpusledger verify`: a published dataset against its manifest.

use std::io::Write;

use anyhow::{Context, Result, bail};
use corpusledger_verify::proof::Proof;
use corpusledger_verify::{Finding, JsonReport, Report};

use crate::args::VerifyArgs;

pub fn run(args: &VerifyArgs) -> Result<u8> {
    if let Some(proof) = &args.proof {
        return proofs(args, proof);
    }
    let (manifest, mut report) = if args.base.is_empty() {
        corpusledger_verify::verify_dir(&args.dir)?
    } else {
        let manifest = corpusledger_manifest::Manifest::read(&args.dir.join(corpusledger_verify::MANIFEST))?;
        let report = corpusledger_verify::verify_with_bases(&args.dir, &manifest, &args.base)?;
        (manifest, report)
    };
    if let Some(previous) = &args.previous {
        corpusledger_verify::previous::check(&args.dir, &manifest, previous, &mut report)?;
    }
    if let Some(pubkey) = &args.pubkey {
        signature(args, pubkey, &mut report)?;
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

/// Checks every inclusion proof in `file` against the dataset.
fn proofs(args: &VerifyArgs, file: &std::path::Path) -> Result<u8> {
    let manifest = corpusledger_manifest::Manifest::read(&args.dir.join(corpusledger_verify::MANIFEST))?;
    let text = std::fs::read(file).with_context(|| format!("{}: cannot read", file.display()))?;
    let value: serde_json::Value = serde_json::from_slice(&text).with_context(|| {
        format!(
            "{}: not JSON; give a proof or the output of `lookup --json`",
            file.display()
        )
    })?;
    let mut found = Vec::new();
    collect_proofs(&value, &mut found);
    if found.is_empty() {
        bail!("{}: holds no proof (an object with \"audit-path\")", file.display());
    }
    let mut report = Report {
        merkle_root: manifest.merkle.root.clone(),
        ..Report::default()
    };
    for value in found {
        match serde_json::from_value::<Proof>(value.clone()) {
            Ok(proof) => {
                report.files += 1;
                report
                    .findings
                    .extend(corpusledger_verify::proof::check(&args.dir, &manifest, &proof));
            }
            Err(err) => report.findings.push(Finding {
                code: "proof-malformed",
                file: None,
                message: format!("{}: a proof does not parse: {err}", file.display()),
            }),
        }
    }
    let mut stdout = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut stdout, &JsonReport::from(&report))?;
        writeln!(stdout)?;
    } else {
        for finding in &report.findings {
            writeln!(
                stdout,
                "FAIL {} {}: {}",
                finding.code,
                finding.file.as_deref().unwrap_or("-"),
                finding.message
            )?;
        }
        let verdict = if report.is_valid() { "valid" } else { "NOT valid" };
        writeln!(
            stdout,
            "{}: {verdict}: {} proof(s) checked against Merkle root {}",
            file.display(),
            report.files,
            report.merkle_root
        )?;
    }
    Ok(if report.is_valid() {
        crate::EXIT_OK
    } else {
        crate::EXIT_PROBLEMS
    })
}

fn collect_proofs<'a>(value: &'a serde_json::Value, out: &mut Vec<&'a serde_json::Value>) {
    match value {
        serde_json::Value::Object(map) if map.contains_key("audit-path") => out.push(value),
        serde_json::Value::Object(map) => map.values().for_each(|v| collect_proofs(v, out)),
        serde_json::Value::Array(items) => items.iter().for_each(|v| collect_proofs(v, out)),
        _ => {}
    }
}

/// The signature of the manifest against the given public key; a public
/// key that cannot be used means verification cannot run.
fn signature(args: &VerifyArgs, pubkey: &std::path::Path, report: &mut Report) -> Result<()> {
    let manifest = args.dir.join(corpusledger_verify::MANIFEST);
    if let Some((code, message)) = signature_finding(&manifest, pubkey)? {
        report.findings.push(Finding {
            code,
            file: Some(format!(
                "{}{}",
                corpusledger_verify::MANIFEST,
                corpusledger_disclose::sign::SIGNATURE_SUFFIX
            )),
            message,
        });
    }
    Ok(())
}

/// Checks the signature beside `manifest` against `pubkey`: `None` when it
/// holds, else its stable code and message. An error when the public key
/// cannot be used.
pub(crate) fn signature_finding(
    manifest: &std::path::Path,
    pubkey: &std::path::Path,
) -> Result<Option<(&'static str, String)>> {
    use corpusledger_disclose::sign::{self, Error};
    let signature = sign::signature_path(manifest);
    let err = match sign::verify(manifest, &signature, pubkey) {
        Ok(()) => return Ok(None),
        Err(err) => err,
    };
    let code = match &err {
        Error::MalformedPublicKey { .. } => return Err(err.into()),
        Error::Io { .. } if !pubkey.is_file() => bail!("{}: cannot read the public key", pubkey.display()),
        Error::SignatureUnreadable { .. } if !signature.exists() => "signature-missing",
        Error::KeyIdMismatch { .. } => "signature-wrong-key",
        Error::BadSignature { .. } => "signature-invalid",
        Error::MalformedSignature { .. } => "signature-malformed",
        _ => "signature-unreadable",
    };
    Ok(Some((code, err.to_string())))
}

fn human(args: &VerifyArgs, report: &Report) -> String {
    let mut out = String::new();
    for finding in &report.findings {
        out.push_str(&format!(
            "{} {} {}: {}\n",
            if finding.is_note() { "NOTE" } else { "FAIL" },
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
        match report.findings.iter().filter(|f| !f.is_note()).count() {
            0 if report.findings.is_empty() => String::new(),
            0 => format!("; {} note(s)", report.findings.len()),
            n => format!("; {n} finding(s)"),
        }
    ));
    out
}
