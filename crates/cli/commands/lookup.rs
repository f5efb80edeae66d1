//! `corpusledger lookup`: are these files, or near copies, in a dataset?

use std::io::Write;

use anyhow::{Result, bail};
use corpusledger_verify::lookup::{Answer, Lookup};
use serde::Serialize;

use crate::args::LookupArgs;

pub fn run(args: &LookupArgs) -> Result<u8> {
    if let Some(t) = args.threshold
        && !(0.0..=1.0).contains(&t)
    {
        bail!("--threshold must be in [0, 1]");
    }
    let lookup = Lookup::open(&args.dataset, args.threshold)?;
    let mut problems = 0usize;
    let mut answers = Vec::new();
    for file in corpusledger_verify::lookup::files_to_query(&args.paths)? {
        let name = file.display().to_string();
        match std::fs::read(&file) {
            Ok(bytes) => answers.push(lookup.query(&name, &bytes)?),
            Err(err) => {
                problems += 1;
                eprintln!("problem: {name}: cannot read: {err}");
            }
        }
    }
    let mut stdout = std::io::stdout().lock();
    if args.json {
        let report = JsonReport {
            dataset: args.dataset.display().to_string(),
            threshold: corpusledger_manifest::canonical::ratio(lookup.threshold()),
            answers: &answers,
        };
        serde_json::to_writer_pretty(&mut stdout, &report)?;
        writeln!(stdout)?;
    } else {
        for answer in &answers {
            write!(stdout, "{}", human(answer))?;
        }
    }
    Ok(if problems == 0 {
        crate::EXIT_OK
    } else {
        crate::EXIT_PROBLEMS
    })
}

#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
struct JsonReport<'a> {
    dataset: String,
    threshold: String,
    answers: &'a [Answer],
}

fn human(answer: &Answer) -> String {
    let mut out = format!("{:<15} {}\n", answer.status, answer.path);
    for m in &answer.matches {
        let place = |p: &corpusledger_verify::proof::Proof| format!("{} row {}", p.file, p.row);
        let similarity = m
            .jaccard
            .as_deref()
            .map(|j| format!(" (Jaccard {j})"))
            .unwrap_or_default();
        let source = match (&m.repo, &m.source_path) {
            (Some(repo), Some(path)) => format!("{repo}/{path}"),
            (None, Some(path)) => path.clone(),
            (Some(repo), None) => repo.clone(),
            (None, None) => m.doc_id.clone(),
        };
        out.push_str(&format!(
            "  {} copy{similarity}, {}: {source} in {}",
            m.relation,
            m.status,
            place(&m.proof)
        ));
        if let Some(reason) = &m.reason {
            out.push_str(&format!(", {reason}"));
        }
        if let Some(kept) = &m.kept {
            out.push_str(&format!("; kept copy in {}", place(kept)));
        }
        out.push('\n');
    }
    out
}
