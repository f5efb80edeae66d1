//! LSH band keys of a text from a manifest's dedup parameters.

use corpusledger_dedup::{BandParams, Sketcher, Tokenizer, shingles};
use corpusledger_manifest::DedupParameters;

/// LSH band keys of a text, computed as the run computed them, from the
/// manifest's tokenizer, shingle size, seed, bins and banding.
#[derive(Clone, Debug)]
pub struct BandKeyer {
    tokenizer: Tokenizer,
    ngram: usize,
    seed: u64,
    sketcher: Sketcher,
    bands: BandParams,
}

impl BandKeyer {
    /// The keyer of `dedup`; an error names a parameter this build cannot use.
    pub fn new(dedup: &DedupParameters) -> Result<BandKeyer, String> {
        let tokenizer = match dedup.tokenizer.as_str() {
            "code" => Tokenizer::Code,
            "bigcode" => Tokenizer::Bigcode,
            other => return Err(format!("unknown tokenizer {other:?}")),
        };
        if dedup.bands == 0 || dedup.bands * dedup.rows > dedup.num_perm {
            return Err(format!(
                "{} bands x {} rows do not fit {} bins",
                dedup.bands, dedup.rows, dedup.num_perm
            ));
        }
        Ok(BandKeyer {
            tokenizer,
            ngram: dedup.ngram,
            seed: dedup.seed,
            sketcher: Sketcher::new(dedup.num_perm, dedup.seed),
            bands: BandParams {
                bands: dedup.bands,
                rows: dedup.rows,
            },
        })
    }

    /// One key per band, in band order; none for a text too short to sign.
    pub fn keys(&self, text: &str) -> Vec<u64> {
        let set = shingles(text, self.tokenizer, self.ngram, self.seed);
        match self.sketcher.sign(&set) {
            Some(signature) => self.bands.keys(&signature),
            None => Vec::new(),
        }
    }

    /// Bands per text.
    pub fn bands(&self) -> usize {
        self.bands.bands
    }
}
