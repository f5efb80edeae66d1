//! Ingest and sign, one shard: read the shard's units, apply the opt-out
//! lists, check each document, hash it, attribute its license and package,
//! apply the license policy, and for each distinct text spill the content,
//! shingle set and band keys. Everything goes to a sign part on disk
//! (`part.rs`); nothing is held per document.

use std::collections::HashMap;
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;
use std::sync::Mutex;

use anyhow::{Context, Result};
use corpusledger_dedup::{BandParams, Sketcher, shingles};
use corpusledger_filter::{Filters, Finding};
use corpusledger_ingest::{BlobStore, Item, Plan, check_content, read_unit};
use corpusledger_model::{DocLicense, Document, Reason, Redaction, Rejection, Reporter};
use corpusledger_provenance::{
    Attribution, LicensePolicy, OptOutList, Provenance, language_from_content, language_from_tags, language_of,
};
use rayon::prelude::*;
use sha2::{Digest, Sha256};
use xxhash_rust::xxh3::xxh3_128;

use super::pairs::BucketWriter;
use super::part::{self, DocFlag, DocRow, Record, RecordWriter, TextRow};
use crate::config::{Config, FilterAction, reason_of};

/// What decides, before deduplication, that a document may not stay: the
/// opt-out lists and the license policy.
#[derive(Debug, Default)]
pub struct Gate {
    pub opt_out: Vec<OptOutList>,
    pub policy: LicensePolicy,
    /// The content filters, when any runs (benchmarks loaded).
    pub filters: Option<Filters>,
}

/// What a sign part holds, for its done marker.
#[derive(Debug, Default, Clone, Copy)]
pub struct PartCounts {
    pub docs: u64,
    pub rejections: u64,
    pub texts: u64,
    pub records: u64,
}

struct Signer<'a> {
    config: &'a Config,
    /// The content filters, when any runs.
    filters: Option<&'a Filters>,
    provenance: &'a Provenance,
    gate: &'a Gate,
    sketcher: Sketcher,
    bands: BandParams,
    records: RecordWriter,
    contents: BlobStore,
    shingle_sets: BlobStore,
    credit_store: BlobStore,
    band_store: BlobStore,
    /// Each band key to its bucket partition, each shingle set's place.
    buckets: BucketWriter,
    /// Content hash -> part-local text index.
    texts: Mutex<HashMap<u128, u32>>,
    /// License -> its record's index.
    licenses: Mutex<HashMap<Arc<DocLicense>, u32>>,
    counts: Mutex<PartCounts>,
    /// Documents read while the license store was still loading, their
    /// texts already shingled and signed: attributed once it is there.
    pending: Mutex<Pending>,
}

/// A document through the filters: its (redacted) content's hash and what
/// was flagged in it.
type Filtered = (Document, [u8; 32], Vec<DocFlag>);

/// How much content may wait for the license store before readers wait
/// for it too.
const PENDING_BYTES: usize = 64 << 20;

#[derive(Default)]
struct Pending {
    docs: Vec<(Filtered, Option<Prepared>)>,
    bytes: usize,
}

/// A text's shingle set and band keys, computed before it is interned.
struct Prepared {
    set: Vec<u64>,
    keys: Option<Vec<u64>>,
}

/// Reads `units` of `plan` and writes their sign part into `dir` (which
/// must exist and be empty), its band keys in `partitions` bucket
/// partitions.
#[allow(clippy::too_many_arguments)]
pub fn sign_part(
    plan: &Plan,
    units: Range<usize>,
    partitions: u32,
    config: &Config,
    provenance: &Provenance,
    gate: &Gate,
    dir: &Path,
    reporter: &dyn Reporter,
) -> Result<PartCounts> {
    let store = |name: &str| BlobStore::create(&dir.join(name)).map_err(anyhow::Error::new);
    let signer = Signer {
        config,
        filters: gate.filters.as_ref(),
        sketcher: Sketcher::new(config.num_perm, config.seed),
        bands: config.bands(),
        provenance,
        gate,
        records: RecordWriter::create(&dir.join(part::RECORDS))?,
        contents: store(part::CONTENTS)?,
        shingle_sets: store(part::SHINGLES)?,
        credit_store: store(part::CREDITS)?,
        band_store: store(part::BANDS)?,
        buckets: BucketWriter::create(dir, partitions)?,
        texts: Mutex::new(HashMap::new()),
        licenses: Mutex::new(HashMap::new()),
        counts: Mutex::new(PartCounts::default()),
        pending: Mutex::new(Pending::default()),
    };
    let ingest_config = config.ingest();
    let failure: Mutex<Option<anyhow::Error>> = Mutex::new(None);
    reporter.start("ingest", None, "docs");
    plan.units[units].par_iter().with_max_len(1).for_each(|unit| {
        read_unit(plan, unit, &ingest_config, &mut |batch: Vec<Item>| {
            if failure.lock().map(|f| f.is_some()).unwrap_or(true) {
                return;
            }
            let n = batch.len() as u64;
            if let Err(err) = batch.into_par_iter().try_for_each(|item| signer.process(item)) {
                let mut slot = failure.lock().unwrap_or_else(|p| p.into_inner());
                slot.get_or_insert(err);
            }
            reporter.advance(n);
        });
    });
    let pending = std::mem::take(&mut *signer.pending.lock().unwrap_or_else(|p| p.into_inner()));
    if failure.lock().map(|f| f.is_none()).unwrap_or(false) {
        if let Err(err) = pending
            .docs
            .into_par_iter()
            .try_for_each(|((doc, sha256, flags), prepared)| signer.attribute(doc, sha256, flags, prepared))
        {
            let mut slot = failure.lock().unwrap_or_else(|p| p.into_inner());
            slot.get_or_insert(err);
        }
    }
    reporter.finish();
    if let Some(err) = failure.into_inner().unwrap_or_else(|p| p.into_inner()) {
        return Err(err.context("ingest failed"));
    }
    for problem in provenance.problems() {
        signer.records.push(&Record::Problem(problem))?;
    }
    signer.contents.finish()?;
    signer.shingle_sets.finish()?;
    signer.credit_store.finish()?;
    signer.band_store.finish()?;
    signer.buckets.finish()?;
    let mut counts = signer.counts.into_inner().unwrap_or_else(|p| p.into_inner());
    counts.records = signer.records.finish()?;
    Ok(counts)
}

impl Signer<'_> {
    fn process(&self, item: Item) -> Result<()> {
        let doc = match item {
            Item::Doc(doc) => doc,
            Item::Rejected(rejection) => return self.reject(rejection),
        };
        let bytes = doc.bytes();
        let sha256: [u8; 32] = Sha256::digest(bytes).into();
        let reject = |reason, detail| self.reject_doc(&doc, sha256, reason, detail);
        // An owner's opt-out comes first: it holds whatever the content is.
        if let Some(entry) = self
            .gate
            .opt_out
            .iter()
            .find_map(|list| list.matches(&doc.source, &sha256))
        {
            return reject(Reason::OptedOut, format!("opted out by {entry}"));
        }
        if let Some((reason, detail)) = check_content(bytes, self.config.max_file_bytes) {
            return reject(reason, detail);
        }
        let (doc, sha256, flags) = match self.filter(doc, sha256)? {
            Some(filtered) => filtered,
            None => return Ok(()),
        };
        let bytes = doc.bytes();
        let filters = &self.config.filters;
        if !filters.languages.is_empty() || !filters.exclude_languages.is_empty() {
            let language = doc_language(&doc, std::str::from_utf8(bytes).expect("checked as UTF-8"));
            if !filters.keeps_language(language) {
                let name = language.unwrap_or("unknown");
                let why = if filters.exclude_languages.iter().any(|l| l == name) {
                    "is excluded by --exclude-languages"
                } else {
                    "is not among --languages"
                };
                return self.reject_doc(&doc, sha256, Reason::LanguageExcluded, format!("language {name} {why}"));
            }
        }
        // While the license store loads, the text is shingled and signed
        // now and the document attributed later, so that no reader waits.
        if self.provenance.loading() {
            let text = std::str::from_utf8(bytes).expect("checked as UTF-8");
            let prepared = (!self.is_interned(bytes)).then(|| self.prepare(text));
            let mut pending = self.pending.lock().unwrap_or_else(|p| p.into_inner());
            if pending.bytes + bytes.len() <= PENDING_BYTES {
                pending.bytes += bytes.len();
                pending.docs.push(((doc, sha256, flags), prepared));
                return Ok(());
            }
            drop(pending);
            return self.attribute(doc, sha256, flags, prepared);
        }
        self.attribute(doc, sha256, flags, None)
    }

    /// The rest of [`Signer::process`] for a document that passed the
    /// opt-out lists and the content checks: its license and package, the
    /// license policy, its text and its record.
    fn attribute(
        &self,
        doc: Document,
        sha256: [u8; 32],
        flags: Vec<DocFlag>,
        prepared: Option<Prepared>,
    ) -> Result<()> {
        let bytes = doc.bytes();
        let text = std::str::from_utf8(bytes).expect("checked as UTF-8");
        let attribution = self
            .provenance
            .attribute(&doc, text)
            .with_context(|| format!("license detection failed for {}", doc.source.display()))?;
        if let Err(rule) = self.gate.policy.check_doc(&attribution.license) {
            let concluded = &attribution.license.concluded;
            return self.reject_doc(
                &doc,
                sha256,
                Reason::LicenseDenied,
                format!("license {} ({}): {rule}", concluded.expression, concluded.evidence),
            );
        }
        let text_idx = self.intern(bytes, text, prepared)?;
        let row = self.record(&doc, text, text_idx, sha256, attribution, flags)?;
        self.records.push(&Record::Doc(row))?;
        self.counts.lock().unwrap_or_else(|p| p.into_inner()).docs += 1;
        super::kill_point::kill_point("signed");
        Ok(())
    }

    /// The content filters: `None` when the document was removed (and sent
    /// to the ledger), else the document, redacted when a filter redacts,
    /// with its (new) content hash and what the filters that flag found
    /// (where it lies in the redacted text). Each redaction is recorded.
    fn filter(&self, doc: Document, sha256: [u8; 32]) -> Result<Option<Filtered>> {
        let Some(filters) = self.filters else {
            return Ok(Some((doc, sha256, Vec::new())));
        };
        let text = std::str::from_utf8(doc.bytes()).expect("checked as UTF-8");
        let path = if doc.source.key.is_empty() {
            doc.source.path.as_deref()
        } else {
            Some(doc.source.key.as_str())
        };
        // A filter that fails (a bug) leaves the document out, named in the
        // ledger, rather than publishing it unchecked or ending the run.
        let scanned = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            if super::kill_point::fails_at("filter", text) {
                panic!("a failure asked for by CORPUSLEDGER_FAIL_AT");
            }
            filters.scan(path, text)
        }));
        let found = match scanned {
            Ok(found) => found,
            Err(panic) => {
                let message = panic
                    .downcast_ref::<&str>()
                    .map(|s| (*s).to_owned())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "no message".to_owned());
                let detail = format!(
                    "a content filter failed on this document ({message}); it is left out rather than published unchecked. Please report it with this document"
                );
                self.reject_doc(&doc, sha256, Reason::FilterFailed, detail)?;
                return Ok(None);
            }
        };
        if found.is_empty() {
            return Ok(Some((doc, sha256, Vec::new())));
        }
        let actions = &self.config.filters;
        // A removal wins over redaction; the first finding to remove names
        // the rule (whole-file findings come first).
        if let Some(first) = found.iter().find(|f| actions.action(f.kind) == FilterAction::Remove) {
            let same = found.iter().filter(|f| f.kind == first.kind).count();
            let mut detail = format!("rule {}", first.rule);
            if let Some(note) = &first.note {
                detail.push_str(&format!(", {note}"));
            }
            if first.line > 0 {
                detail.push_str(&format!(", line {}", first.line));
            }
            if !first.span.is_empty() {
                detail.push_str(&format!(", bytes {}..{}", first.span.start, first.span.end));
            }
            if same > 1 {
                detail.push_str(&format!(" (and {} more {} finding(s))", same - 1, first.kind.name()));
            }
            self.reject_doc(&doc, sha256, reason_of(first.kind), detail)?;
            return Ok(None);
        }
        let (to_redact, mut flagged): (Vec<Finding>, Vec<Finding>) = found
            .into_iter()
            .filter(|f| actions.action(f.kind) != FilterAction::Off)
            .partition(|f| actions.action(f.kind) == FilterAction::Redact);
        let flags = |flagged: Vec<Finding>| -> Vec<DocFlag> {
            flagged
                .into_iter()
                .map(|f| DocFlag {
                    kind: f.kind,
                    flag: corpusledger_output::Flag {
                        rule: f.rule,
                        line: f.line,
                        start: f.span.start as u64,
                        end: f.span.end as u64,
                        note: f.note,
                    },
                })
                .collect()
        };
        if to_redact.is_empty() {
            return Ok(Some((doc, sha256, flags(flagged))));
        }
        let (redacted, used) = corpusledger_filter::redact(text, &to_redact);
        let mut replaced = Vec::with_capacity(used.len());
        for (i, offset) in used {
            let f = &to_redact[i];
            let placeholder = f.placeholder.unwrap_or_default();
            replaced.push((f.span.clone(), offset..offset + placeholder.len()));
            self.records.push(&Record::Redaction(Redaction {
                source: doc.source.clone(),
                rule: f.rule.clone(),
                line: f.line,
                offset: offset as u64,
                placeholder: placeholder.to_owned(),
                span_sha256: Sha256::digest(&text.as_bytes()[f.span.clone()]).into(),
            }))?;
        }
        corpusledger_filter::relocate(&mut flagged, &replaced, &redacted);
        let sha256: [u8; 32] = Sha256::digest(redacted.as_bytes()).into();
        let doc = Document {
            content: Box::new(redacted.into_bytes()),
            ..doc
        };
        Ok(Some((doc, sha256, flags(flagged))))
    }

    fn reject_doc(&self, doc: &Document, sha256: [u8; 32], reason: Reason, detail: String) -> Result<()> {
        self.reject(Rejection {
            source: doc.source.clone(),
            reason,
            detail,
            content_sha256: Some(sha256),
            bytes: doc.bytes().len() as u64,
        })
    }

    fn reject(&self, rejection: Rejection) -> Result<()> {
        self.records.push(&Record::Rejection(rejection))?;
        self.counts.lock().unwrap_or_else(|p| p.into_inner()).rejections += 1;
        Ok(())
    }

    /// The document's row; `content` is its text (checked as UTF-8), which
    /// decides its language where the name does not.
    fn record(
        &self,
        doc: &Document,
        content: &str,
        text: u32,
        sha256: [u8; 32],
        attribution: Attribution,
        flags: Vec<DocFlag>,
    ) -> Result<DocRow> {
        let language = doc_language(doc, content).map(str::to_owned);
        let license = self.license_index(attribution.license)?;
        let credits = if doc.meta.credits.is_empty() {
            None
        } else {
            let json = serde_json::to_vec(&doc.meta.credits).context("credits serialise")?;
            Some(self.credit_store.append(&json)?)
        };
        Ok(DocRow {
            source: doc.source.clone(),
            text,
            bytes: doc.bytes().len() as u64,
            sha256,
            license,
            language,
            package: attribution.package,
            revision: attribution.revision,
            stars: doc.meta.stars,
            credits,
            flags,
        })
    }

    /// The index of this license's record, written the first time it is
    /// seen (before any document that refers to it).
    fn license_index(&self, license: DocLicense) -> Result<u32> {
        let mut licenses = self.licenses.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(&index) = licenses.get(&license) {
            return Ok(index);
        }
        let index = licenses.len() as u32;
        let json = serde_json::to_string(&license).context("a license serialises")?;
        self.records.push(&Record::License(json))?;
        licenses.insert(Arc::new(license), index);
        Ok(index)
    }

    /// The part-local index of this content's text; the first document to
    /// bring a text spills its content, shingles and band keys.
    fn intern(&self, bytes: &[u8], text: &str, prepared: Option<Prepared>) -> Result<u32> {
        let hash = xxh3_128(bytes);
        let local = {
            let mut texts = self.texts.lock().unwrap_or_else(|p| p.into_inner());
            if let Some(&local) = texts.get(&hash) {
                return Ok(local);
            }
            let local = texts.len() as u32;
            texts.insert(hash, local);
            local
        };
        let Prepared { set, keys } = prepared.unwrap_or_else(|| self.prepare(text));
        let bands = match &keys {
            Some(keys) => Some(self.band_store.append_u64s(keys)?),
            None => None,
        };
        let shingles = if set.is_empty() {
            None
        } else {
            Some(self.shingle_sets.append_u64s(&set)?)
        };
        self.buckets.push(local, hash, shingles, keys.as_deref())?;
        let content = self.contents.append(bytes)?;
        self.records.push(&Record::Text(TextRow {
            local,
            hash,
            content,
            shingles,
            bands,
        }))?;
        self.counts.lock().unwrap_or_else(|p| p.into_inner()).texts += 1;
        Ok(local)
    }

    /// Whether a text with these bytes is already in the part (a hint: it
    /// may be interned by another thread a moment later).
    fn is_interned(&self, bytes: &[u8]) -> bool {
        let hash = xxh3_128(bytes);
        self.texts.lock().unwrap_or_else(|p| p.into_inner()).contains_key(&hash)
    }

    /// A text's shingle set and, when it has one, its band keys.
    fn prepare(&self, text: &str) -> Prepared {
        let set = shingles(text, self.config.tokenizer, self.config.ngram, self.config.seed);
        let keys = self.sketcher.sign(&set).map(|sig| self.bands.keys(&sig));
        Prepared { set, keys }
    }
}

/// A document's language: what its input says, else the first of its tags
/// that names one (a Stack Exchange question), else linguist's from its
/// path and content; a document without a file name (a post, a JSONL line
/// without a path) by its shebang or modeline, else its tokens.
fn doc_language<'d>(doc: &'d Document, content: &str) -> Option<&'d str> {
    doc.meta.language.as_deref().or_else(|| {
        // A post names its language by its tags, not by a file name; a
        // document without a file name (a post, a JSONL line without a
        // path) has its shebang or modeline, else its tokens.
        let by_content = || language_of(None, Some(content)).or_else(|| language_from_content(content));
        if !doc.meta.tags.is_empty() {
            let tags: Vec<&str> = doc.meta.tags.iter().map(String::as_str).collect();
            return language_from_tags(&tags).or_else(by_content);
        }
        match doc.source.path.as_deref() {
            Some(path) if doc.meta.credits.is_empty() => language_of(Some(path), Some(content)),
            _ => by_content(),
        }
    })
}
