//! Criterion benches of the hot paths on the bundled sample: tokenising and
//! shingling, sketching, band keys. Throughput is in input bytes.
//!
//! `cargo bench --bench pipeline`; compare against a saved baseline with
//! `--save-baseline before` / `--baseline before`.

use std::path::Path;

use corpusledger_dedup::{BandParams, Sketcher, Tokenizer, shingles};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

/// Every UTF-8 source file of sample-data/repos, concatenated per file.
fn sample_texts() -> Vec<String> {
    let mut texts = Vec::new();
    let mut stack = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data/repos")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("sample-data/repos exists") {
            let path = entry.expect("readable entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if let Ok(text) = std::fs::read_to_string(&path) {
                texts.push(text);
            }
        }
    }
    texts.sort();
    texts
}

fn benches(c: &mut Criterion) {
    let texts = sample_texts();
    let bytes: u64 = texts.iter().map(|t| t.len() as u64).sum();
    let mut group = c.benchmark_group("dedup");
    group.throughput(Throughput::Bytes(bytes));
    for tokenizer in [Tokenizer::Bigcode, Tokenizer::Code] {
        group.bench_function(format!("shingles/{}", tokenizer.as_str()), |b| {
            b.iter(|| texts.iter().map(|t| shingles(t, tokenizer, 5, 1).len()).sum::<usize>())
        });
    }
    let sets: Vec<Vec<u64>> = texts.iter().map(|t| shingles(t, Tokenizer::Code, 5, 1)).collect();
    let sketcher = Sketcher::new(256, 1);
    group.bench_function("sketch/oph-256", |b| {
        b.iter(|| sets.iter().filter_map(|s| sketcher.sign(s)).count())
    });
    let bands = BandParams::for_recall(0.7, 256, corpusledger_dedup::DEFAULT_RECALL_TARGET).expect("reachable");
    let signatures: Vec<_> = sets.iter().filter_map(|s| sketcher.sign(s)).collect();
    group.bench_function("band-keys", |b| {
        b.iter(|| signatures.iter().map(|s| bands.keys(s).len()).sum::<usize>())
    });
    group.finish();
}

criterion_group!(pipeline, benches);
criterion_main!(pipeline);
