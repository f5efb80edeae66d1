//! Exact ground truth for the near-dedup comparison: every pair of distinct
//! texts with exact shingle Jaccard >= T (no MinHash), and the connected
//! components of those pairs plus byte-identical copies.
//!
//! `cargo run --release --example exact-truth -- --input DIR --threshold 0.7 --out TRUTH`
//! writes `TRUTH/components.tsv` (`key<TAB>component` for every document in a
//! group of two or more), `TRUTH/pairs.tsv` (`keyA<TAB>keyB<TAB>jaccard`, one
//! representative key per distinct text) and `TRUTH/stats.json`. Documents are
//! read and checked exactly as `corpusledger run` reads them; keys are paths
//! relative to a tree input (or `input:row` for JSONL and Parquet).
#![allow(clippy::print_stdout, clippy::print_stderr, reason = "a command-line example")]

use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::path::PathBuf;
use std::sync::Mutex;

use corpusledger_dedup::{Tokenizer, UnionFind, shingles, similar_pairs};
use corpusledger_ingest::{IngestConfig, Item, check_content, plan, read_unit};
use rayon::prelude::*;
use xxhash_rust::xxh3::xxh3_128;

struct Args {
    inputs: Vec<PathBuf>,
    threshold: f64,
    ngram: usize,
    tokenizer: Tokenizer,
    out: PathBuf,
}

fn parse_args() -> Args {
    let mut args = Args {
        inputs: Vec::new(),
        threshold: 0.7,
        ngram: 5,
        tokenizer: Tokenizer::Bigcode,
        out: PathBuf::from("truth"),
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().unwrap_or_else(|| panic!("{flag} needs a value"));
        match flag.as_str() {
            "--input" => args.inputs.push(value().into()),
            "--threshold" => args.threshold = value().parse().expect("--threshold is a number"),
            "--ngram" => args.ngram = value().parse().expect("--ngram is a whole number"),
            "--tokenizer" => {
                args.tokenizer = match value().as_str() {
                    "code" => Tokenizer::Code,
                    _ => Tokenizer::Bigcode,
                }
            }
            "--out" => args.out = value().into(),
            other => panic!("unknown flag {other}; use --input --threshold --ngram --tokenizer --out"),
        }
    }
    assert!(!args.inputs.is_empty(), "give --input DIR");
    args
}

/// Reads every document that `run` accepts: (key, content hash, shingles).
fn read_documents(args: &Args) -> Vec<(String, u128, Vec<u64>)> {
    let config = IngestConfig::default();
    let plan = plan(&args.inputs, &config).expect("inputs can be planned");
    let docs = Mutex::new(Vec::new());
    plan.units.par_iter().for_each(|unit| {
        read_unit(&plan, unit, &config, &mut |batch| {
            let read: Vec<_> = batch
                .into_par_iter()
                .filter_map(|item| match item {
                    Item::Doc(doc) if check_content(doc.bytes(), config.max_file_bytes).is_none() => {
                        let key = if doc.source.key.is_empty() {
                            format!("{}:{}", doc.source.input, doc.source.row)
                        } else {
                            doc.source.key.clone()
                        };
                        let text = std::str::from_utf8(doc.bytes()).expect("checked as UTF-8");
                        Some((
                            key,
                            xxh3_128(doc.bytes()),
                            shingles(text, args.tokenizer, args.ngram, 0),
                        ))
                    }
                    _ => None,
                })
                .collect();
            docs.lock().unwrap().extend(read);
        });
    });
    let mut docs = docs.into_inner().unwrap();
    docs.sort_by(|a, b| a.0.cmp(&b.0));
    docs
}

fn main() -> std::io::Result<()> {
    let args = parse_args();
    let started = std::time::Instant::now();
    let docs = read_documents(&args);
    // Distinct texts, each with the first key (in key order) as representative.
    let mut text_of_hash: HashMap<u128, u32> = HashMap::new();
    let mut texts: Vec<(usize, Vec<u64>)> = Vec::new();
    let text_of: Vec<u32> = docs
        .iter()
        .enumerate()
        .map(|(doc, (_, hash, set))| {
            *text_of_hash.entry(*hash).or_insert_with(|| {
                texts.push((doc, set.clone()));
                (texts.len() - 1) as u32
            })
        })
        .collect();
    let sets: Vec<Vec<u64>> = texts.iter().map(|(_, s)| s.clone()).collect();
    let read_seconds = started.elapsed().as_secs_f64();
    let pairs = similar_pairs(&sets, args.threshold);
    let join_seconds = started.elapsed().as_secs_f64() - read_seconds;

    let mut components = UnionFind::new(texts.len());
    for &(a, b, _) in &pairs {
        components.union(a, b);
    }
    let mut members: BTreeMap<u32, Vec<usize>> = BTreeMap::new();
    for (doc, &text) in text_of.iter().enumerate() {
        members.entry(components.find(text)).or_default().push(doc);
    }
    std::fs::create_dir_all(&args.out)?;
    let mut out = std::io::BufWriter::new(std::fs::File::create(args.out.join("components.tsv"))?);
    let (mut grouped, mut groups) = (0usize, 0usize);
    for docs_in in members.values().filter(|m| m.len() >= 2) {
        let component = &docs[docs_in[0]].0;
        for &doc in docs_in {
            writeln!(out, "{}\t{}", docs[doc].0, component)?;
        }
        grouped += docs_in.len();
        groups += 1;
    }
    out.flush()?;
    let mut out = std::io::BufWriter::new(std::fs::File::create(args.out.join("pairs.tsv"))?);
    for &(a, b, j) in &pairs {
        writeln!(
            out,
            "{}\t{}\t{j:.6}",
            docs[texts[a as usize].0].0, docs[texts[b as usize].0].0
        )?;
    }
    out.flush()?;
    let stats = serde_json::json!({
        "documents": docs.len(),
        "texts": texts.len(),
        "threshold": args.threshold,
        "ngram": args.ngram,
        "tokenizer": args.tokenizer.as_str(),
        "near_pairs": pairs.len(),
        "documents_in_groups": grouped,
        "groups": groups,
        "removable": grouped - groups,
        "read_seconds": read_seconds,
        "join_seconds": join_seconds,
    });
    std::fs::write(args.out.join("stats.json"), serde_json::to_vec_pretty(&stats)?)?;
    println!("{stats}");
    Ok(())
}
