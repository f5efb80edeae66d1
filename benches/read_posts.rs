//! Streams Stack Exchange dumps (or any input) through the ingest readers
//! alone, without signing or writing, and prints documents, rejections by
//! reason, bytes and throughput: how fast and in how little memory a dump
//! is read. Run with `/usr/bin/time -v` for the peak RSS:
//!
//! ```sh
//! cargo run --release --example read-posts -- Posts.xml [--mode code-block]
//! ```

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Instant;

use corpusledger_ingest::{IngestConfig, Item, SeMode, plan, read_unit};

fn main() -> Result<(), String> {
    let mut args = std::env::args().skip(1);
    let mut inputs = Vec::new();
    let mut config = IngestConfig::default();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--mode" => config.stackexchange.mode = SeMode::parse(&args.next().ok_or("--mode needs a value")?)?,
            "--users" => config.stackexchange.users = Some(PathBuf::from(args.next().ok_or("--users needs a file")?)),
            _ => inputs.push(PathBuf::from(arg)),
        }
    }
    if inputs.is_empty() {
        return Err("usage: read-posts INPUT... [--mode post|code-block|question-answer] [--users Users.xml]".into());
    }
    let bytes_in: u64 = inputs
        .iter()
        .filter_map(|p| std::fs::metadata(p).ok())
        .map(|m| m.len())
        .sum();
    let started = Instant::now();
    let plan = plan(&inputs, &config).map_err(|e| e.to_string())?;
    let (mut docs, mut doc_bytes) = (0u64, 0u64);
    let mut rejected: BTreeMap<String, u64> = BTreeMap::new();
    for unit in &plan.units {
        read_unit(&plan, unit, &config, &mut |batch| {
            for item in batch {
                match item {
                    Item::Doc(doc) => {
                        docs += 1;
                        doc_bytes += doc.bytes().len() as u64;
                    }
                    Item::Rejected(r) => *rejected.entry(r.reason.to_string()).or_default() += 1,
                }
            }
        });
    }
    let seconds = started.elapsed().as_secs_f64();
    let mb = bytes_in as f64 / 1e6;
    let report = serde_json::json!({
        "input-bytes": bytes_in,
        "documents": docs,
        "document-bytes": doc_bytes,
        "rejected-or-filtered": rejected,
        "seconds": (seconds * 100.0).round() / 100.0,
        "input-mb-per-s": (mb / seconds * 10.0).round() / 10.0,
    });
    #[allow(clippy::print_stdout)]
    {
        println!("{report:#}");
    }
    Ok(())
}
