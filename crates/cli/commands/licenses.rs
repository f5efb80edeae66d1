//! `corpusledger licenses`: the license of each repository, with evidence.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use corpusledger_ingest::{IngestConfig, InputKind, plan};
use corpusledger_provenance::{Provenance, RepoReport, is_license_file_name};
use rayon::prelude::*;
use serde::Serialize;

use crate::args::LicensesArgs;

/// One repository to report on.
struct Repo {
    label: String,
    root: PathBuf,
    license_files: Vec<PathBuf>,
}

pub fn run(args: &LicensesArgs) -> Result<u8> {
    let defaults = IngestConfig::default();
    let config = IngestConfig {
        repo_depth: args.repo_depth.unwrap_or(defaults.repo_depth),
        ..defaults
    };
    let min_score = args.license_min_score.unwrap_or(0.8);
    if !(0.0..=1.0).contains(&min_score) {
        bail!("--license-min-score must be in [0, 1]");
    }
    let repos = repositories(&args.paths, &config)?;
    let provenance = Provenance::new(min_score as f32);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads.unwrap_or(0))
        .build()
        .context("cannot start worker threads")?;
    let reports: Vec<RepoReport> = pool.install(|| {
        repos
            .par_iter()
            .map(|repo| provenance.repo_report(&repo.root, &repo.license_files))
            .collect::<corpusledger_provenance::Result<_>>()
    })?;
    let mut stdout = std::io::stdout().lock();
    for (repo, report) in repos.iter().zip(&reports) {
        if args.json {
            serde_json::to_writer(&mut stdout, &json_line(repo, report))?;
            writeln!(stdout)?;
        } else {
            write!(stdout, "{}", human(repo, report))?;
        }
    }
    let problems = provenance.problems();
    for problem in &problems {
        eprintln!("problem: {problem}");
    }
    Ok(if problems.is_empty() {
        crate::EXIT_OK
    } else {
        crate::EXIT_PROBLEMS
    })
}

/// Every repository of the trees, sorted by label, with its license-named files.
fn repositories(paths: &[PathBuf], config: &IngestConfig) -> Result<Vec<Repo>> {
    let plan = plan(paths, config)?;
    if let Some(bad) = plan.input_errors().next() {
        bail!("{}", bad.error.clone().unwrap_or_default());
    }
    if let Some(other) = plan.inputs.iter().find(|i| i.kind != InputKind::Tree) {
        bail!(
            "{} is a {} file; `licenses` reads directory trees (use `run` for data files)",
            other.label,
            other.kind.as_str()
        );
    }
    let mut repos: BTreeMap<(usize, Arc<str>), Repo> = BTreeMap::new();
    for unit in &plan.units {
        let input = &plan.inputs[unit.input_idx];
        for entry in &unit.files {
            let repo = repos
                .entry((unit.input_idx, entry.repo.clone()))
                .or_insert_with(|| Repo {
                    label: if entry.repo.is_empty() {
                        input.label.to_string()
                    } else {
                        format!("{}/{}", input.label, entry.repo)
                    },
                    root: input.path.join(&*entry.repo),
                    license_files: Vec::new(),
                });
            let name = entry.rel.rsplit('/').next().unwrap_or(&entry.rel);
            if is_license_file_name(name) {
                repo.license_files.push(input.path.join(&entry.rel));
            }
        }
    }
    Ok(repos.into_values().collect())
}

#[derive(Serialize)]
struct JsonLine<'a> {
    repo: &'a str,
    package: Option<&'a str>,
    declared: Option<&'a str>,
    detected: Option<&'a str>,
    concluded: &'a str,
    rule: &'a str,
    disagreement: bool,
    files: Vec<JsonFile>,
}

#[derive(Serialize)]
struct JsonFile {
    path: String,
    expression: Option<String>,
    score: Option<f64>,
    form: Option<&'static str>,
    lines: Option<[u32; 2]>,
    note: Option<String>,
}

fn json_line<'a>(repo: &'a Repo, report: &'a RepoReport) -> JsonLine<'a> {
    let license = &report.license;
    JsonLine {
        repo: &repo.label,
        package: report.package.as_deref(),
        declared: license.declared.as_deref(),
        detected: license.detected.as_deref(),
        concluded: &license.concluded.expression,
        rule: &license.concluded.evidence,
        disagreement: license.disagreement,
        files: report
            .files
            .iter()
            .map(|f| JsonFile {
                path: f.path.strip_prefix(&repo.root).unwrap_or(&f.path).display().to_string(),
                expression: f.detected.as_ref().map(|d| d.expression.clone()),
                // Three decimals, as in the evidence column.
                score: f
                    .detected
                    .as_ref()
                    .map(|d| (f64::from(d.score) * 1000.0).round() / 1000.0),
                form: f.detected.as_ref().map(|d| d.form),
                lines: f.detected.as_ref().map(|d| [d.lines.0, d.lines.1]),
                note: f.note.clone(),
            })
            .collect(),
    }
}

fn human(repo: &Repo, report: &RepoReport) -> String {
    let license = &report.license;
    let or_dash = |s: &Option<String>| s.clone().unwrap_or_else(|| "-".to_owned());
    let mut out = format!(
        "{}: {}  (declared {}, detected {}{})\n",
        repo.label,
        license.concluded.expression,
        or_dash(&license.declared),
        or_dash(&license.detected),
        if license.disagreement { "; they disagree" } else { "" }
    );
    for file in &report.files {
        let path = file.path.strip_prefix(&repo.root).unwrap_or(&file.path).display();
        let found = match &file.detected {
            Some(d) => format!("{} ({} {:.3})", d.expression, d.form, d.score),
            None => "nothing found".to_owned(),
        };
        let note = file.note.as_deref().map(|n| format!("; {n}")).unwrap_or_default();
        out.push_str(&format!("  {path}: {found}{note}\n"));
    }
    out
}
