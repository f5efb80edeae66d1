//! Content filters: what a code-dataset builder removes or redacts before
//! training, each finding named by its rule.
//!
//! - **Secrets** ([`secrets`]): Gitleaks' rule set (221 formats of keys,
//!   tokens and private key blocks, with its allow-lists), as
//!   `scripts/update_secret_rules.py` writes it to `rules/secrets.json`, plus
//!   passwords in connection strings.
//! - **Personal data** ([`pii`]): email addresses and public IPv4 and IPv6
//!   addresses; documentation, private and loopback ranges, version numbers
//!   and placeholder domains such as `example.com` are not personal data.
//! - **Generated, vendored and low-quality files** ([`files`]): markers such
//!   as "Code generated ... DO NOT EDIT", lock files, protobuf output,
//!   vendored directories, and The Stack's line-length and
//!   alphanumeric-fraction thresholds.
//!
//! Every filter is a pure function of a document's path and text, so the
//! same input gives the same findings on any thread.
//!
//! ```
//! use corpusledger_filter::{Enabled, Filters, Kind, Settings, redact};
//! let filters = Filters::new(Enabled::all(), &Settings::default()).unwrap();
//! let text = "token = \"ghp_aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5\"\nmail = \"ada@lovelace.dev\"\n";
//! let found = filters.scan(Some("app/config.py"), text);
//! assert_eq!(found[0].rule, "secret:github-pat");
//! assert_eq!(found[0].line, 1);
//! assert_eq!(found[1].kind, Kind::Pii);
//! let (redacted, _) = redact(text, &found);
//! assert_eq!(redacted, "token = \"<KEY>\"\nmail = \"<EMAIL>\"\n");
//! ```

use std::ops::Range;

use serde::{Deserialize, Serialize};

pub mod contamination;
pub mod files;
pub mod pii;
pub mod secrets;

/// What a filter found: the kind of content, the rule and where.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    Secret,
    Pii,
    Generated,
    Vendored,
    LowQuality,
    Contaminated,
}

impl Kind {
    /// Every kind, in the order a whole document is judged.
    pub const ALL: [Kind; 5] = [
        Kind::Secret,
        Kind::Pii,
        Kind::Vendored,
        Kind::Generated,
        Kind::LowQuality,
    ];

    /// The kind's name, as in rule ids, the ledger and the manifest.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Secret => "secret",
            Kind::Pii => "pii",
            Kind::Generated => "generated",
            Kind::Vendored => "vendored",
            Kind::LowQuality => "low-quality",
            Kind::Contaminated => "contaminated",
        }
    }

    /// Whether findings of this kind are spans that can be redacted, rather
    /// than judgements on the whole file.
    pub fn redactable(self) -> bool {
        matches!(self, Kind::Secret | Kind::Pii)
    }
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub kind: Kind,
    /// `kind:name`, e.g. `secret:github-pat`, `pii:email`,
    /// `generated:lock-file`.
    pub rule: String,
    /// 1-based line where the span starts (or where the marker is); 0 for a
    /// rule on the file as a whole (its path).
    pub line: u32,
    /// Byte range in the text; empty for whole-file rules.
    pub span: Range<usize>,
    /// What replaces the span when it is redacted.
    pub placeholder: Option<&'static str>,
    /// More for the ledger (the benchmark item a contaminated file holds).
    pub note: Option<String>,
}

/// Which filters run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Enabled {
    pub secrets: bool,
    pub pii: bool,
    pub generated: bool,
    pub vendored: bool,
    pub low_quality: bool,
}

impl Enabled {
    /// Every filter.
    pub fn all() -> Enabled {
        Enabled {
            secrets: true,
            pii: true,
            generated: true,
            vendored: true,
            low_quality: true,
        }
    }

    /// Whether any filter runs.
    pub fn any(&self) -> bool {
        self.secrets || self.pii || self.generated || self.vendored || self.low_quality
    }
}

/// The filters' parameters (recorded in the manifest).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields, default)]
pub struct Settings {
    /// A file with a longer line is low quality (The Stack: 1000).
    pub max_line_length: usize,
    /// A file whose lines are longer on average is low quality (The Stack:
    /// 100).
    pub max_mean_line_length: f64,
    /// A file with a smaller share of alphanumeric characters is low
    /// quality (The Stack: 0.25).
    pub min_alnum_fraction: f64,
    /// Email domains that are not personal data (a domain and its
    /// subdomains), beside the reserved ones (`example.com`, `.test`, ...).
    pub allow_email_domains: Vec<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            max_line_length: 1000,
            max_mean_line_length: 100.0,
            min_alnum_fraction: 0.25,
            allow_email_domains: Vec::new(),
        }
    }
}

/// A rule that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("secret rule file {file}: {message}")]
    Rules { file: String, message: String },
    #[error("secret rule file {file}, line {line}: {message}")]
    RuleFile { file: String, line: usize, message: String },
    #[error("benchmark file {file}, line {line}: {message}")]
    Benchmark { file: String, line: usize, message: String },
    #[error("filter setting `{name}` = {value}: {message}")]
    Setting {
        name: &'static str,
        value: String,
        message: String,
    },
}

/// The filters of a run, compiled once and shared by every thread.
#[derive(Debug)]
pub struct Filters {
    enabled: Enabled,
    secrets: Option<secrets::Secrets>,
    pii: Option<pii::Pii>,
    benchmarks: Option<contamination::Benchmarks>,
    settings: Settings,
}

impl Filters {
    /// The filters `enabled`, with `settings`.
    pub fn new(enabled: Enabled, settings: &Settings) -> Result<Filters, Error> {
        if !(settings.min_alnum_fraction >= 0.0 && settings.min_alnum_fraction <= 1.0) {
            return Err(Error::Setting {
                name: "min-alnum-fraction",
                value: settings.min_alnum_fraction.to_string(),
                message: "must be between 0 and 1".to_owned(),
            });
        }
        if settings.max_mean_line_length.is_nan()
            || settings.max_mean_line_length <= 0.0
            || settings.max_line_length == 0
        {
            return Err(Error::Setting {
                name: "max-line-length / max-mean-line-length",
                value: format!("{} / {}", settings.max_line_length, settings.max_mean_line_length),
                message: "must be above 0".to_owned(),
            });
        }
        Ok(Filters {
            enabled,
            secrets: enabled.secrets.then(secrets::Secrets::builtin).transpose()?,
            pii: enabled.pii.then(|| pii::Pii::new(&settings.allow_email_domains)),
            benchmarks: None,
            settings: settings.clone(),
        })
    }

    /// These filters with the secret rules of `files` (each its name and
    /// text, in Gitleaks' configuration format) beside the built-in ones.
    pub fn with_secret_rules(mut self, files: &[(String, String)]) -> Result<Filters, Error> {
        if self.enabled.secrets {
            self.secrets = Some(secrets::Secrets::with_user_rules(files)?);
        }
        Ok(self)
    }

    /// These filters, and decontamination against `benchmarks`.
    pub fn with_benchmarks(mut self, benchmarks: contamination::Benchmarks) -> Filters {
        self.benchmarks = Some(benchmarks);
        self
    }

    /// The benchmark files decontamination matches against.
    pub fn benchmark_files(&self) -> &[contamination::BenchmarkFile] {
        self.benchmarks.as_ref().map_or(&[], |b| b.files())
    }

    /// Which filters run.
    pub fn enabled(&self) -> Enabled {
        self.enabled
    }

    /// Everything the enabled filters find in a document at `path` (its key,
    /// relative to its input, when it has one) holding `text`: whole-file
    /// findings first (vendored, generated, low quality), then spans in
    /// text order.
    pub fn scan(&self, path: Option<&str>, text: &str) -> Vec<Finding> {
        let mut found = Vec::new();
        if self.enabled.vendored {
            found.extend(path.and_then(files::vendored));
        }
        if self.enabled.generated {
            found.extend(files::generated(path, text));
        }
        if self.enabled.low_quality {
            found.extend(files::low_quality(text, &self.settings));
        }
        let whole = found.len();
        if let Some(secrets) = &self.secrets {
            secrets.scan(path, text, &mut found);
        }
        if let Some(pii) = &self.pii {
            pii.scan(text, &mut found);
        }
        if let Some((mut finding, item)) = self.benchmarks.as_ref().and_then(|b| b.scan(text)) {
            finding.note = Some(item);
            found.push(finding);
        }
        let mut spans = found.split_off(whole);
        // One finding per span: a format's own rule before Gitleaks'
        // generic one.
        // At one start, a secret before personal data (a password in a URL
        // is not an email address), then the longer span.
        let key = |f: &Finding| {
            (
                f.span.start,
                f.kind,
                std::cmp::Reverse(f.span.end),
                f.rule.contains(":generic"),
                f.rule.clone(),
            )
        };
        spans.sort_by_key(key);
        spans.dedup_by(|later, first| later.span == first.span);
        found.append(&mut spans);
        let spans = &mut found[whole..];
        if !spans.is_empty() {
            let lines = LineIndex::new(text);
            for finding in spans.iter_mut() {
                finding.line = lines.line_of(finding.span.start);
            }
        }
        found
    }
}

/// `text` with every redactable finding's span replaced by its placeholder.
/// Spans that overlap one taken before (earlier; as early and a secret
/// rather than personal data; or as early and longer) are left out. Returns the text and, for each finding used, its index in
/// `findings` and the byte offset of its placeholder in the new text.
pub fn redact(text: &str, findings: &[Finding]) -> (String, Vec<(usize, usize)>) {
    let mut order: Vec<usize> = (0..findings.len())
        .filter(|&i| findings[i].kind.redactable() && findings[i].placeholder.is_some() && !findings[i].span.is_empty())
        .collect();
    order.sort_by_key(|&i| {
        (
            findings[i].span.start,
            findings[i].kind,
            std::cmp::Reverse(findings[i].span.end),
            i,
        )
    });
    let mut out = String::with_capacity(text.len());
    let mut used = Vec::new();
    let mut at = 0usize;
    for i in order {
        let f = &findings[i];
        if f.span.start < at {
            continue;
        }
        out.push_str(&text[at..f.span.start]);
        used.push((i, out.len()));
        out.push_str(f.placeholder.expect("filtered above"));
        at = f.span.end;
    }
    out.push_str(&text[at..]);
    (out, used)
}

/// Moves `findings` (spans of a text) to where they lie in the text
/// [`redact`] made of it, given what it replaced: each replaced span with
/// the offset of its placeholder in the new text, in text order. A bound
/// inside a replaced span goes to its placeholder's edge; lines are counted
/// again in `new_text` (a replaced key block may have spanned several).
/// Whole-file findings (empty spans) are left as they are.
pub fn relocate(findings: &mut [Finding], replaced: &[(Range<usize>, Range<usize>)], new_text: &str) {
    let map = |bound: usize, is_end: bool| {
        // The last replaced span starting before the bound (at it, for a
        // start: a span starting where a placeholder starts starts there).
        let before = replaced.partition_point(|(old, _)| if is_end { old.start < bound } else { old.start <= bound });
        match before.checked_sub(1).map(|i| &replaced[i]) {
            None => bound,
            Some((old, new)) if bound >= old.end => bound - old.end + new.end,
            Some((_, new)) if is_end => new.end,
            Some((_, new)) => new.start,
        }
    };
    let lines = LineIndex::new(new_text);
    for finding in findings.iter_mut().filter(|f| !f.span.is_empty()) {
        let (start, end) = (map(finding.span.start, false), map(finding.span.end, true));
        finding.span = start..end.max(start);
        finding.line = lines.line_of(start);
    }
}

/// Byte offsets of line starts, to turn a span into a line number.
struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(
            text.bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| i + 1),
        );
        LineIndex { starts }
    }

    fn line_of(&self, offset: usize) -> u32 {
        self.starts.partition_point(|&s| s <= offset) as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlapping_spans_redact_once_and_offsets_point_at_placeholders() {
        let text = "a=SECRETVALUE b";
        let f = |start, end, rule: &str| Finding {
            kind: Kind::Secret,
            rule: rule.to_owned(),
            line: 1,
            span: start..end,
            placeholder: Some("<KEY>"),
            note: None,
        };
        let findings = vec![f(2, 13, "secret:x"), f(4, 8, "secret:y")];
        let (out, used) = redact(text, &findings);
        assert_eq!(out, "a=<KEY> b");
        assert_eq!(used, vec![(0, 2)]);
        assert_eq!(&out[2..7], "<KEY>");
    }

    #[test]
    fn relocated_spans_point_at_the_same_text_after_redaction() {
        let text = "k=-----KEY\nBLOCK-----\nmail ada@x.dev\nend SECRET2 tail";
        let finding = |kind, span: Range<usize>, placeholder| Finding {
            kind,
            rule: "r".to_owned(),
            line: 0,
            span,
            placeholder,
            note: None,
        };
        let block = text.find("-----KEY").unwrap()..text.find("\nmail").unwrap();
        let secret2 = text.find("SECRET2").unwrap()..text.find(" tail").unwrap();
        let email = text.find("ada@").unwrap()..text.find("\nend").unwrap();
        let (new_text, used) = redact(
            text,
            &[
                finding(Kind::Secret, block.clone(), Some("<KEY>")),
                finding(Kind::Secret, secret2.clone(), Some("<KEY>")),
            ],
        );
        let replaced: Vec<_> = used
            .iter()
            .zip([block, secret2])
            .map(|(&(_, at), old)| (old, at..at + "<KEY>".len()))
            .collect();
        let mut flagged = vec![
            finding(Kind::Pii, email, None),
            finding(Kind::Generated, 0..0, None),
            // Across the second placeholder: its bounds stay outside it.
            finding(Kind::Pii, text.find("end").unwrap()..text.len(), None),
        ];
        relocate(&mut flagged, &replaced, &new_text);
        assert_eq!(&new_text[flagged[0].span.clone()], "ada@x.dev");
        assert_eq!(flagged[0].line, 2);
        assert_eq!(flagged[1].span, 0..0);
        assert_eq!(&new_text[flagged[2].span.clone()], "end <KEY> tail");
        assert_eq!(flagged[2].line, 3);
    }

    #[test]
    fn line_numbers_count_from_one() {
        let lines = LineIndex::new("ab\ncd\n\nef");
        assert_eq!(lines.line_of(0), 1);
        assert_eq!(lines.line_of(2), 1);
        assert_eq!(lines.line_of(3), 2);
        assert_eq!(lines.line_of(6), 3);
        assert_eq!(lines.line_of(7), 4);
    }
}
