//! The configuration: a TOML file, overridden by flags, over defaults.

use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use corpusledger_dedup::{BandParams, ClusterMode, DEFAULT_RECALL_TARGET, Tokenizer};
use serde::{Deserialize, Serialize};

/// Every setting; `None` means "not given here". Keys are kebab-case, and
/// every command-line flag has a key of the same name.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct ConfigFile {
    pub input: Option<Vec<PathBuf>>,
    pub out: Option<PathBuf>,
    pub threads: Option<usize>,
    pub memory_limit: Option<u64>,
    pub threshold: Option<f64>,
    pub ngram: Option<usize>,
    pub num_perm: Option<usize>,
    pub recall_target: Option<f64>,
    pub tokenizer: Option<Tokenizer>,
    pub seed: Option<u64>,
    pub keep_policy: Option<Vec<KeepCriterion>>,
    pub cluster_mode: Option<ClusterMode>,
    pub repo_depth: Option<usize>,
    pub max_file_bytes: Option<u64>,
    pub jsonl_text_field: Option<Vec<String>>,
    pub jsonl_id_field: Option<String>,
    pub jsonl_repo_field: Option<String>,
    pub jsonl_path_field: Option<String>,
    pub jsonl_license_field: Option<String>,
    pub stackexchange_site: Option<String>,
    pub stackexchange_users: Option<PathBuf>,
    pub stackexchange_mode: Option<String>,
    pub stackexchange_tags: Option<Vec<String>>,
    pub stackexchange_min_score: Option<i64>,
    pub stackexchange_post_types: Option<Vec<String>>,
    pub stackexchange_min_code_bytes: Option<u64>,
    pub stackexchange_qa_window_bytes: Option<u64>,
    pub license_min_score: Option<f64>,
    pub license_allow: Option<Vec<String>>,
    pub license_deny: Option<Vec<String>>,
    pub license_noassertion: Option<NoAssertion>,
    pub opt_out: Option<Vec<PathBuf>>,
    pub base: Option<Vec<PathBuf>>,
    pub secrets: Option<FilterAction>,
    pub pii: Option<FilterAction>,
    pub generated: Option<FilterAction>,
    pub vendored: Option<FilterAction>,
    pub low_quality: Option<FilterAction>,
    pub max_line_length: Option<usize>,
    pub max_mean_line_length: Option<f64>,
    pub min_alnum_fraction: Option<f64>,
    pub allow_email_domains: Option<Vec<String>>,
    pub secret_rules: Option<Vec<PathBuf>>,
    pub decontaminate: Option<Vec<PathBuf>>,
    pub decontaminate_action: Option<FilterAction>,
    pub decontaminate_id_field: Option<String>,
    pub decontaminate_prompt_field: Option<String>,
    pub decontaminate_solution_field: Option<String>,
    pub languages: Option<Vec<String>>,
    pub exclude_languages: Option<Vec<String>>,
    pub shard_max_rows: Option<u64>,
    pub shard_max_bytes: Option<u64>,
    pub row_group_rows: Option<usize>,
    pub zstd_level: Option<i32>,
    pub quiet: Option<bool>,
    pub json: Option<bool>,
    /// How `corpusledger slurm plan` asks Slurm for resources; never changes
    /// the output.
    pub slurm: Option<SlurmConfig>,
}

/// The `[slurm]` table: what each job of `corpusledger slurm plan` asks for.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "kebab-case", deny_unknown_fields, default)]
pub struct SlurmConfig {
    pub partition: Option<String>,
    pub account: Option<String>,
    pub qos: Option<String>,
    /// Memory per ingest task (sbatch `--mem`).
    pub mem: String,
    /// Memory of the finalize task.
    pub finalize_mem: String,
    /// CPUs per task; also the task's worker threads.
    pub cpus: u32,
    /// Time limit per task (sbatch `--time`).
    pub time: String,
    /// At most this many ingest tasks at once (the array's `%` limit).
    pub max_running: Option<u32>,
    /// Extra `#SBATCH` lines, as written (e.g. `--constraint=ssd`).
    pub extra: Vec<String>,
}

impl Default for SlurmConfig {
    fn default() -> SlurmConfig {
        SlurmConfig {
            partition: None,
            account: None,
            qos: None,
            mem: "4G".to_owned(),
            finalize_mem: "8G".to_owned(),
            cpus: 2,
            time: "04:00:00".to_owned(),
            max_running: None,
            extra: Vec::new(),
        }
    }
}

/// What a content filter does with what it finds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FilterAction {
    /// The filter does not run.
    #[default]
    Off,
    /// Each span is replaced by a typed placeholder (secrets and personal
    /// data only) and recorded in `redactions.parquet`.
    Redact,
    /// The document goes to the ledger with the filter's reason.
    Remove,
    /// The document stays; what was found goes to its row of the data
    /// shards, in a list column per filter (`secret_flags`, ...).
    Flag,
}

impl FilterAction {
    pub const ALL: [FilterAction; 4] = [
        FilterAction::Off,
        FilterAction::Redact,
        FilterAction::Remove,
        FilterAction::Flag,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FilterAction::Off => "off",
            FilterAction::Redact => "redact",
            FilterAction::Remove => "remove",
            FilterAction::Flag => "flag",
        }
    }

    pub fn is_off(&self) -> bool {
        *self == FilterAction::Off
    }
}

/// The content filters of a run: an action per filter, and their settings.
#[derive(Clone, Debug, PartialEq)]
pub struct FilterConfig {
    pub secrets: FilterAction,
    pub pii: FilterAction,
    pub generated: FilterAction,
    pub vendored: FilterAction,
    pub low_quality: FilterAction,
    pub settings: corpusledger_filter::Settings,
    /// Secret rule files in Gitleaks' configuration format, beside the
    /// built-in rules.
    pub secret_rules: Vec<PathBuf>,
    /// Benchmark files (JSONL) to decontaminate against: a document that
    /// holds an item's prompt or solution is removed as `contaminated`.
    pub decontaminate: Vec<PathBuf>,
    /// What happens to a contaminated document: `remove` or `flag`.
    pub decontaminate_action: FilterAction,
    /// The benchmark files' id, prompt and solution fields.
    pub benchmark_fields: corpusledger_filter::contamination::Fields,
    /// Keep only documents of these languages (linguist's names; `unknown`
    /// for documents without one); empty keeps every language.
    pub languages: Vec<String>,
    /// Remove documents of these languages.
    pub exclude_languages: Vec<String>,
}

impl Default for FilterConfig {
    fn default() -> Self {
        FilterConfig {
            secrets: FilterAction::Off,
            pii: FilterAction::Off,
            generated: FilterAction::Off,
            vendored: FilterAction::Off,
            low_quality: FilterAction::Off,
            settings: corpusledger_filter::Settings::default(),
            secret_rules: Vec::new(),
            decontaminate: Vec::new(),
            decontaminate_action: FilterAction::Remove,
            benchmark_fields: corpusledger_filter::contamination::Fields::default(),
            languages: Vec::new(),
            exclude_languages: Vec::new(),
        }
    }
}

impl FilterConfig {
    /// The action for findings of `kind`.
    pub fn action(&self, kind: corpusledger_filter::Kind) -> FilterAction {
        use corpusledger_filter::Kind;
        match kind {
            Kind::Secret => self.secrets,
            Kind::Pii => self.pii,
            Kind::Generated => self.generated,
            Kind::Vendored => self.vendored,
            Kind::LowQuality => self.low_quality,
            Kind::Contaminated if self.decontaminate.is_empty() => FilterAction::Off,
            Kind::Contaminated => self.decontaminate_action,
        }
    }

    /// The kinds of finding whose action is `flag`, each a column of the
    /// data shards, in the order of their columns.
    pub fn flagged(&self) -> Vec<corpusledger_filter::Kind> {
        use corpusledger_filter::Kind;
        Kind::ALL
            .into_iter()
            .chain([Kind::Contaminated])
            .filter(|&kind| self.action(kind) == FilterAction::Flag)
            .collect()
    }

    /// The flag columns of the data shards (`secret_flags`, ...), in order.
    pub fn flag_columns(&self) -> Vec<String> {
        self.flagged().into_iter().map(flag_column).collect()
    }

    /// Which filters run.
    pub fn enabled(&self) -> corpusledger_filter::Enabled {
        corpusledger_filter::Enabled {
            secrets: !self.secrets.is_off(),
            pii: !self.pii.is_off(),
            generated: !self.generated.is_off(),
            vendored: !self.vendored.is_off(),
            low_quality: !self.low_quality.is_off(),
        }
    }

    /// Whether no filter runs (the config and manifest then say nothing of
    /// filters).
    pub fn is_off(&self) -> bool {
        !self.enabled().any()
            && self.decontaminate.is_empty()
            && self.languages.is_empty()
            && self.exclude_languages.is_empty()
    }

    /// The ledger reasons this configuration can remove documents for (the
    /// manifest counts each, 0 included).
    pub fn removal_reasons(&self) -> Vec<corpusledger_model::Reason> {
        use corpusledger_filter::Kind;
        let mut reasons: Vec<_> = Kind::ALL
            .into_iter()
            .filter(|&kind| self.action(kind) == FilterAction::Remove)
            .map(reason_of)
            .collect();
        if !self.languages.is_empty() || !self.exclude_languages.is_empty() {
            reasons.push(corpusledger_model::Reason::LanguageExcluded);
        }
        reasons
    }

    /// Whether a document of `language` (`None`: unknown) is kept by
    /// `--languages` and `--exclude-languages`.
    pub fn keeps_language(&self, language: Option<&str>) -> bool {
        let name = language.unwrap_or("unknown");
        (self.languages.is_empty() || self.languages.iter().any(|l| l == name))
            && !self.exclude_languages.iter().any(|l| l == name)
    }
}

/// The data shards' column of flags of `kind`: `secret_flags`,
/// `low_quality_flags`, ...
pub fn flag_column(kind: corpusledger_filter::Kind) -> String {
    format!("{}_flags", kind.name().replace('-', "_"))
}

/// The ledger reason of a removal by a filter of `kind`.
pub fn reason_of(kind: corpusledger_filter::Kind) -> corpusledger_model::Reason {
    use corpusledger_filter::Kind;
    use corpusledger_model::Reason;
    match kind {
        Kind::Secret => Reason::Secret,
        Kind::Pii => Reason::Pii,
        Kind::Generated => Reason::Generated,
        Kind::Vendored => Reason::Vendored,
        Kind::LowQuality => Reason::LowQuality,
        Kind::Contaminated => Reason::Contaminated,
    }
}

/// Language names as linguist spells them (`unknown` for documents without
/// one), sorted; a name linguist does not know is refused.
fn canonical_languages(key: &str, names: Vec<String>) -> Result<Vec<String>> {
    let mut out = Vec::with_capacity(names.len());
    for name in names {
        let canonical = if name.eq_ignore_ascii_case("unknown") {
            "unknown"
        } else {
            corpusledger_provenance::canonical_language(&name).ok_or_else(|| {
                anyhow::anyhow!(
                    "config key `{key}`: `{name}` is not a language GitHub linguist knows (use its names or aliases, e.g. Python, C++, Shell, or `unknown`)"
                )
            })?
        };
        out.push(canonical.to_owned());
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// [`FilterConfig`] as the config file's keys, none when no filter runs
/// (so that the configuration of a run without filters is as before).
fn flat_filters<S: serde::Serializer>(filters: &FilterConfig, serializer: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let mut map = serializer.serialize_map(None)?;
    if !filters.is_off() {
        map.serialize_entry("secrets", &filters.secrets)?;
        map.serialize_entry("pii", &filters.pii)?;
        map.serialize_entry("generated", &filters.generated)?;
        map.serialize_entry("vendored", &filters.vendored)?;
        map.serialize_entry("low-quality", &filters.low_quality)?;
        let settings = &filters.settings;
        map.serialize_entry("max-line-length", &settings.max_line_length)?;
        map.serialize_entry("max-mean-line-length", &settings.max_mean_line_length)?;
        map.serialize_entry("min-alnum-fraction", &settings.min_alnum_fraction)?;
        map.serialize_entry("allow-email-domains", &settings.allow_email_domains)?;
        if !filters.secret_rules.is_empty() {
            map.serialize_entry("secret-rules", &filters.secret_rules)?;
        }
        if !filters.languages.is_empty() {
            map.serialize_entry("languages", &filters.languages)?;
        }
        if !filters.exclude_languages.is_empty() {
            map.serialize_entry("exclude-languages", &filters.exclude_languages)?;
        }
        if !filters.decontaminate.is_empty() {
            let fields = &filters.benchmark_fields;
            map.serialize_entry("decontaminate", &filters.decontaminate)?;
            map.serialize_entry("decontaminate-action", &filters.decontaminate_action)?;
            map.serialize_entry("decontaminate-id-field", &fields.id)?;
            map.serialize_entry("decontaminate-prompt-field", &fields.prompt)?;
            map.serialize_entry("decontaminate-solution-field", &fields.solution)?;
        }
    }
    map.end()
}

/// One criterion of the keep policy; the policy is a list of them, in order
/// of precedence, and always ends with the document id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum KeepCriterion {
    /// Prefer a permissive license, then copyleft, then other, then unknown.
    PermissiveLicense,
    /// Prefer the repository with more stars (when the input says).
    MostStars,
    /// Prefer the earliest source: input label, then file, then line/row.
    SourceOrder,
}

impl KeepCriterion {
    /// Every criterion, in the order of the default policy.
    pub const ALL: [KeepCriterion; 3] = [
        KeepCriterion::PermissiveLicense,
        KeepCriterion::MostStars,
        KeepCriterion::SourceOrder,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            KeepCriterion::PermissiveLicense => "permissive-license",
            KeepCriterion::MostStars => "most-stars",
            KeepCriterion::SourceOrder => "source-order",
        }
    }
}

/// What the license policy does with documents whose license is unknown.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum NoAssertion {
    /// Keep them.
    Allow,
    /// Remove them as `license-denied`.
    Deny,
}

impl NoAssertion {
    pub const ALL: [NoAssertion; 2] = [NoAssertion::Allow, NoAssertion::Deny];

    pub fn as_str(self) -> &'static str {
        match self {
            NoAssertion::Allow => "allow",
            NoAssertion::Deny => "deny",
        }
    }
}

/// The effective, validated configuration.
#[derive(Clone, Debug, Serialize, PartialEq)]
#[serde(rename_all = "kebab-case")]
pub struct Config {
    pub input: Vec<PathBuf>,
    pub out: Option<PathBuf>,
    pub threads: usize,
    pub memory_limit: Option<u64>,
    pub threshold: f64,
    pub ngram: usize,
    pub num_perm: usize,
    /// The least chance that a pair at exactly `threshold` becomes a
    /// candidate; it chooses the LSH bands ([`Config::bands`]).
    pub recall_target: f64,
    pub tokenizer: Tokenizer,
    pub seed: u64,
    pub keep_policy: Vec<KeepCriterion>,
    pub cluster_mode: ClusterMode,
    pub repo_depth: usize,
    pub max_file_bytes: u64,
    pub jsonl_text_field: Vec<String>,
    pub jsonl_id_field: String,
    pub jsonl_repo_field: String,
    pub jsonl_path_field: String,
    pub jsonl_license_field: String,
    /// The Stack Exchange site's address; `None`: from each dump's file name.
    pub stackexchange_site: Option<String>,
    pub stackexchange_users: Option<PathBuf>,
    pub stackexchange_mode: String,
    pub stackexchange_tags: Vec<String>,
    pub stackexchange_min_score: Option<i64>,
    pub stackexchange_post_types: Vec<String>,
    pub stackexchange_min_code_bytes: u64,
    pub stackexchange_qa_window_bytes: u64,
    pub license_min_score: f64,
    pub license_allow: Vec<String>,
    pub license_deny: Vec<String>,
    pub license_noassertion: NoAssertion,
    pub opt_out: Vec<PathBuf>,
    /// Published datasets to deduplicate against (`--base`); this run's
    /// output holds only the new documents kept.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub base: Vec<PathBuf>,
    /// Written as the flat keys of the config file (`secrets`,
    /// `max-line-length`, ...), and not at all when no filter runs.
    #[serde(flatten, serialize_with = "flat_filters")]
    pub filters: FilterConfig,
    pub shard_max_rows: u64,
    pub shard_max_bytes: u64,
    pub row_group_rows: usize,
    pub zstd_level: i32,
    pub quiet: bool,
    pub json: bool,
    pub slurm: SlurmConfig,
}

impl ConfigFile {
    pub fn load(path: &std::path::Path) -> Result<ConfigFile> {
        let text = std::fs::read_to_string(path).with_context(|| format!("cannot read config {}", path.display()))?;
        toml::from_str(&text).with_context(|| format!("invalid config {}", path.display()))
    }

    /// `self` with every key that `over` sets replaced.
    pub fn overridden_by(self, over: ConfigFile) -> ConfigFile {
        macro_rules! pick {
            ($($key:ident),*) => { ConfigFile { $($key: over.$key.or(self.$key)),* } };
        }
        pick!(
            input,
            out,
            threads,
            memory_limit,
            threshold,
            ngram,
            num_perm,
            recall_target,
            tokenizer,
            seed,
            keep_policy,
            cluster_mode,
            repo_depth,
            max_file_bytes,
            jsonl_text_field,
            jsonl_id_field,
            jsonl_repo_field,
            jsonl_path_field,
            jsonl_license_field,
            stackexchange_site,
            stackexchange_users,
            stackexchange_mode,
            stackexchange_tags,
            stackexchange_min_score,
            stackexchange_post_types,
            stackexchange_min_code_bytes,
            stackexchange_qa_window_bytes,
            license_min_score,
            license_allow,
            license_deny,
            license_noassertion,
            opt_out,
            base,
            secrets,
            pii,
            generated,
            vendored,
            low_quality,
            max_line_length,
            max_mean_line_length,
            min_alnum_fraction,
            allow_email_domains,
            secret_rules,
            decontaminate,
            decontaminate_action,
            decontaminate_id_field,
            decontaminate_prompt_field,
            decontaminate_solution_field,
            languages,
            exclude_languages,
            shard_max_rows,
            shard_max_bytes,
            row_group_rows,
            zstd_level,
            quiet,
            json,
            slurm
        )
    }

    /// Fills defaults and validates, naming the bad key.
    pub fn resolve(self) -> Result<Config> {
        let ingest = corpusledger_ingest::IngestConfig::default();
        let writer = corpusledger_output::WriterConfig::default();
        let threads = self
            .threads
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
        let config = Config {
            input: self.input.unwrap_or_default(),
            out: self.out,
            threads,
            memory_limit: self.memory_limit,
            threshold: self.threshold.unwrap_or(0.7),
            ngram: self.ngram.unwrap_or(5),
            num_perm: self.num_perm.unwrap_or(256),
            recall_target: self.recall_target.unwrap_or(DEFAULT_RECALL_TARGET),
            tokenizer: self.tokenizer.unwrap_or(Tokenizer::Code),
            seed: self.seed.unwrap_or(0x5EED),
            keep_policy: self.keep_policy.unwrap_or_else(|| {
                vec![
                    KeepCriterion::PermissiveLicense,
                    KeepCriterion::MostStars,
                    KeepCriterion::SourceOrder,
                ]
            }),
            cluster_mode: self.cluster_mode.unwrap_or(ClusterMode::Connected),
            repo_depth: self.repo_depth.unwrap_or(ingest.repo_depth),
            max_file_bytes: self.max_file_bytes.unwrap_or(ingest.max_file_bytes),
            jsonl_text_field: self.jsonl_text_field.unwrap_or(ingest.jsonl.text),
            jsonl_id_field: self.jsonl_id_field.unwrap_or(ingest.jsonl.id),
            jsonl_repo_field: self.jsonl_repo_field.unwrap_or(ingest.jsonl.repo),
            jsonl_path_field: self.jsonl_path_field.unwrap_or(ingest.jsonl.path),
            jsonl_license_field: self.jsonl_license_field.unwrap_or(ingest.jsonl.license),
            stackexchange_site: match self.stackexchange_site {
                Some(site) => Some(
                    corpusledger_ingest::StackExchangeConfig::parse_site(&site)
                        .map_err(|err| anyhow::anyhow!("config key `stackexchange-site`: {err}"))?,
                ),
                None => None,
            },
            stackexchange_users: self.stackexchange_users,
            stackexchange_mode: self
                .stackexchange_mode
                .unwrap_or_else(|| ingest.stackexchange.mode.as_str().to_owned()),
            stackexchange_tags: self.stackexchange_tags.unwrap_or_default(),
            stackexchange_min_score: self.stackexchange_min_score,
            stackexchange_post_types: self.stackexchange_post_types.unwrap_or_else(|| {
                ingest
                    .stackexchange
                    .post_types
                    .iter()
                    .map(|t| t.as_str().to_owned())
                    .collect()
            }),
            stackexchange_min_code_bytes: self
                .stackexchange_min_code_bytes
                .unwrap_or(ingest.stackexchange.min_code_bytes),
            stackexchange_qa_window_bytes: self
                .stackexchange_qa_window_bytes
                .unwrap_or(ingest.stackexchange.qa_window_bytes),
            license_min_score: self.license_min_score.unwrap_or(0.8),
            license_allow: self.license_allow.unwrap_or_default(),
            license_deny: self.license_deny.unwrap_or_default(),
            license_noassertion: self.license_noassertion.unwrap_or(NoAssertion::Allow),
            opt_out: self.opt_out.unwrap_or_default(),
            base: self.base.unwrap_or_default(),
            filters: {
                let defaults = corpusledger_filter::Settings::default();
                FilterConfig {
                    secrets: self.secrets.unwrap_or_default(),
                    pii: self.pii.unwrap_or_default(),
                    generated: self.generated.unwrap_or_default(),
                    vendored: self.vendored.unwrap_or_default(),
                    low_quality: self.low_quality.unwrap_or_default(),
                    settings: corpusledger_filter::Settings {
                        max_line_length: self.max_line_length.unwrap_or(defaults.max_line_length),
                        max_mean_line_length: self.max_mean_line_length.unwrap_or(defaults.max_mean_line_length),
                        min_alnum_fraction: self.min_alnum_fraction.unwrap_or(defaults.min_alnum_fraction),
                        allow_email_domains: self.allow_email_domains.unwrap_or_default(),
                    },
                    languages: canonical_languages("languages", self.languages.unwrap_or_default())?,
                    exclude_languages: canonical_languages(
                        "exclude-languages",
                        self.exclude_languages.unwrap_or_default(),
                    )?,
                    secret_rules: self.secret_rules.unwrap_or_default(),
                    decontaminate: self.decontaminate.unwrap_or_default(),
                    decontaminate_action: self.decontaminate_action.unwrap_or(FilterAction::Remove),
                    benchmark_fields: {
                        let fields = corpusledger_filter::contamination::Fields::default();
                        corpusledger_filter::contamination::Fields {
                            id: self.decontaminate_id_field.unwrap_or(fields.id),
                            prompt: self.decontaminate_prompt_field.unwrap_or(fields.prompt),
                            solution: self.decontaminate_solution_field.unwrap_or(fields.solution),
                        }
                    },
                }
            },
            shard_max_rows: self.shard_max_rows.unwrap_or(writer.shard_max_rows),
            shard_max_bytes: self.shard_max_bytes.unwrap_or(writer.shard_max_bytes),
            row_group_rows: self.row_group_rows.unwrap_or(writer.row_group_rows),
            zstd_level: self.zstd_level.unwrap_or(writer.zstd_level),
            quiet: self.quiet.unwrap_or(false),
            json: self.json.unwrap_or(false),
            slurm: self.slurm.unwrap_or_default(),
        };
        config.validate()?;
        Ok(config)
    }
}

impl Config {
    fn validate(&self) -> Result<()> {
        let check = |ok: bool, key: &str, what: &str| {
            if ok {
                Ok(())
            } else {
                bail!("config key `{key}`: {what}")
            }
        };
        check(
            self.threshold > 0.0 && self.threshold <= 1.0,
            "threshold",
            "must be in (0, 1]",
        )?;
        check(self.ngram >= 1 && self.ngram <= 64, "ngram", "must be between 1 and 64")?;
        check(
            self.num_perm >= 8 && self.num_perm <= 4096,
            "num-perm",
            "must be between 8 and 4096",
        )?;
        check(
            self.recall_target > 0.0 && self.recall_target < 1.0,
            "recall-target",
            "must be in (0, 1): the chance that a pair at exactly the threshold becomes a candidate",
        )?;
        if BandParams::for_recall(self.threshold, self.num_perm, self.recall_target).is_none() {
            bail!(
                "config key `recall-target`: {} cannot be reached at threshold {} with {} MinHash bins (the best banding reaches {:.6}); lower `recall-target` or raise `num-perm`",
                self.recall_target,
                self.threshold,
                self.num_perm,
                BandParams::best_recall(self.threshold, self.num_perm)
            );
        }
        check(
            self.threads >= 1 && self.threads <= 1024,
            "threads",
            "must be between 1 and 1024",
        )?;
        check(self.repo_depth >= 1, "repo-depth", "must be at least 1")?;
        check(self.max_file_bytes >= 1, "max-file-bytes", "must be at least 1")?;
        check(
            !self.jsonl_text_field.is_empty(),
            "jsonl-text-field",
            "must name at least one field",
        )?;
        check(
            (0.0..=1.0).contains(&self.license_min_score),
            "license-min-score",
            "must be in [0, 1]",
        )?;
        check(self.shard_max_rows >= 1, "shard-max-rows", "must be at least 1")?;
        check(self.row_group_rows >= 1, "row-group-rows", "must be at least 1")?;
        check(
            (1..=22).contains(&self.zstd_level),
            "zstd-level",
            "must be between 1 and 22",
        )?;
        self.license_policy()
            .map_err(|err| anyhow::anyhow!("config key {err}"))?;
        self.stackexchange()?
            .validate()
            .map_err(|err| anyhow::anyhow!("config key `stackexchange-*`: {err}"))?;
        let mut seen = std::collections::BTreeSet::new();
        check(
            self.keep_policy.iter().all(|c| seen.insert(c.as_str())),
            "keep-policy",
            "names a criterion twice",
        )?;
        for (key, action) in [
            ("generated", self.filters.generated),
            ("vendored", self.filters.vendored),
            ("low-quality", self.filters.low_quality),
        ] {
            check(
                action != FilterAction::Redact,
                key,
                "`redact` applies to spans (secrets, pii); whole files are `remove`d, `flag`ged or `off`",
            )?;
        }
        check(
            self.filters.secret_rules.is_empty() || !self.filters.secrets.is_off(),
            "secret-rules",
            "adds rules to the `secrets` filter, which is off: set `secrets` to redact, remove or flag",
        )?;
        check(
            matches!(
                self.filters.decontaminate_action,
                FilterAction::Remove | FilterAction::Flag
            ),
            "decontaminate-action",
            "must be `remove` or `flag`",
        )?;
        if self.filters.enabled().any() {
            corpusledger_filter::Filters::new(self.filters.enabled(), &self.filters.settings)
                .map_err(|e| anyhow::anyhow!("config: {e}"))?;
        }
        Ok(())
    }

    pub fn ingest(&self) -> corpusledger_ingest::IngestConfig {
        corpusledger_ingest::IngestConfig {
            repo_depth: self.repo_depth,
            max_file_bytes: self.max_file_bytes,
            jsonl: corpusledger_ingest::JsonlFields {
                text: self.jsonl_text_field.clone(),
                id: self.jsonl_id_field.clone(),
                repo: self.jsonl_repo_field.clone(),
                path: self.jsonl_path_field.clone(),
                license: self.jsonl_license_field.clone(),
            },
            stackexchange: self.stackexchange().expect("validated when resolved"),
            ..corpusledger_ingest::IngestConfig::default()
        }
    }

    /// How Stack Exchange dumps are read; the error names the bad key.
    fn stackexchange(&self) -> Result<corpusledger_ingest::StackExchangeConfig> {
        use corpusledger_ingest::{SeMode, SePostType};
        let mode = SeMode::parse(&self.stackexchange_mode)
            .map_err(|err| anyhow::anyhow!("config key `stackexchange-mode`: {err}"))?;
        let post_types = self
            .stackexchange_post_types
            .iter()
            .map(|t| SePostType::parse(t))
            .collect::<std::result::Result<Vec<_>, String>>()
            .map_err(|err| anyhow::anyhow!("config key `stackexchange-post-types`: {err}"))?;
        Ok(corpusledger_ingest::StackExchangeConfig {
            site: self.stackexchange_site.clone(),
            users: self.stackexchange_users.clone(),
            mode,
            tags: self.stackexchange_tags.clone(),
            min_score: self.stackexchange_min_score,
            post_types,
            min_code_bytes: self.stackexchange_min_code_bytes,
            qa_window_bytes: self.stackexchange_qa_window_bytes,
            tag_language: Some(corpusledger_ingest::TagLanguage(
                corpusledger_provenance::language_from_tags,
            )),
        })
    }

    /// The license policy; the error names the key and entry.
    pub fn license_policy(&self) -> std::result::Result<corpusledger_provenance::LicensePolicy, String> {
        corpusledger_provenance::LicensePolicy::new(
            self.license_allow.clone(),
            self.license_deny.clone(),
            self.license_noassertion == NoAssertion::Allow,
        )
    }

    pub fn writer(&self) -> corpusledger_output::WriterConfig {
        corpusledger_output::WriterConfig {
            shard_max_rows: self.shard_max_rows,
            shard_max_bytes: self.shard_max_bytes,
            row_group_rows: self.row_group_rows,
            zstd_level: self.zstd_level,
            encode_in_background: self.threads != 1,
            flag_columns: self.filters.flag_columns(),
        }
    }

    /// The configuration as recorded in the manifest: settings that change
    /// only how the run executes (threads, terminal output, where the output
    /// goes) are left out, so they cannot change the manifest's bytes.
    /// The LSH banding: the cheapest to verify of those that reach
    /// `recall_target` at `threshold` ([`BandParams::for_recall`]).
    pub fn bands(&self) -> BandParams {
        BandParams::for_recall(self.threshold, self.num_perm, self.recall_target)
            .expect("validated: the recall target is reachable")
    }

    pub fn for_manifest(&self) -> serde_json::Value {
        let mut value = serde_json::to_value(self).expect("config serialises");
        if let Some(map) = value.as_object_mut() {
            for key in ["threads", "memory-limit", "quiet", "json", "out", "slurm"] {
                map.remove(key);
            }
            // Inputs are a set: their order on the command line changes
            // nothing else. Opt-out lists are recorded with their digests.
            for key in ["input", "opt-out", "base", "decontaminate"] {
                if let Some(serde_json::Value::Array(list)) = map.get_mut(key) {
                    list.sort_by(|a, b| a.as_str().cmp(&b.as_str()));
                }
            }
        }
        value
    }

    /// The effective configuration as a TOML config file.
    pub fn to_toml(&self) -> String {
        toml::to_string(self).expect("config serialises")
    }
}

/// Bytes with an optional unit: `200MB`, `1.5G`, `512k`, `1048576`
/// (powers of 1024).
pub fn parse_bytes(value: &str) -> Result<u64, String> {
    let lower = value.trim().to_ascii_lowercase();
    let digits = lower.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    let unit = &lower[digits.len()..];
    let scale: u64 = match unit {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1 << 10,
        "m" | "mb" | "mib" => 1 << 20,
        "g" | "gb" | "gib" => 1 << 30,
        _ => return Err(format!("unknown unit `{unit}`; use e.g. 200MB or 2G")),
    };
    let number: f64 = digits
        .trim()
        .parse()
        .map_err(|_| format!("`{value}` is not a size; use e.g. 200MB"))?;
    Ok((number * scale as f64) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_survive_the_plan_s_toml() {
        let file: ConfigFile =
            toml::from_str("secrets = \"redact\"\nlow-quality = \"remove\"\nmin-alnum-fraction = 0.3\n").unwrap();
        let config = file.resolve().unwrap();
        assert_eq!(config.filters.secrets, FilterAction::Redact);
        let again: ConfigFile = toml::from_str(&config.to_toml()).unwrap();
        assert_eq!(again.resolve().unwrap(), config);
        // Without filters nothing of them is written.
        let plain = ConfigFile::default().resolve().unwrap();
        assert!(!plain.to_toml().contains("secrets"), "{}", plain.to_toml());
    }

    #[test]
    fn flags_override_file_and_unknown_keys_are_refused() {
        let file: ConfigFile = toml::from_str("threshold = 0.8\nngram = 3\n").unwrap();
        let flags = ConfigFile {
            ngram: Some(7),
            ..ConfigFile::default()
        };
        let config = file.overridden_by(flags).resolve().unwrap();
        assert_eq!((config.threshold, config.ngram), (0.8, 7));
        let err = toml::from_str::<ConfigFile>("treshold = 0.8").unwrap_err().to_string();
        assert!(err.contains("treshold"), "{err}");
    }

    #[test]
    fn bad_values_name_their_key() {
        let err = ConfigFile {
            threshold: Some(1.5),
            ..ConfigFile::default()
        }
        .resolve()
        .unwrap_err();
        assert!(err.to_string().contains("`threshold`"), "{err}");
    }

    #[test]
    fn license_policy_entries_are_checked() {
        let err = ConfigFile {
            license_deny: Some(vec!["copyleft".into(), "GPL-9".into()]),
            ..ConfigFile::default()
        }
        .resolve()
        .unwrap_err();
        assert!(err.to_string().contains("`license-deny` entry `GPL-9`"), "{err}");
    }

    #[test]
    fn printed_config_loads_back() {
        let config = ConfigFile::default().resolve().unwrap();
        let again: ConfigFile = toml::from_str(&config.to_toml()).unwrap();
        assert_eq!(again.resolve().unwrap(), config);
    }
}
