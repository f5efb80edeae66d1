//! Secrets: Gitleaks' rules (see `rules/NOTICE`) and passwords in
//! connection strings.
//!
//! As Gitleaks does, a rule runs on a document only when one of its
//! keywords occurs in it (one Aho-Corasick pass finds them all), its secret
//! is the rule's secret group (else the first group, else the match), a
//! secret below the rule's Shannon entropy is not one, and the allow-lists
//! drop placeholders (`${VAR}`, `true`, `xxxx`, ...) and stopwords. Unlike
//! Gitleaks, the global allow-list's *paths* (`node_modules/`, lock
//! files, ...) are not skipped: a key in a vendored file is published with
//! the dataset all the same. Each rule's regular expression is compiled the
//! first time a document has one of its keywords.

use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use regex::Regex;
use serde::Deserialize;

use crate::{Error, Finding, Kind};

const RULES: &str = include_str!("../rules/secrets.json");
const RULES_NAME: &str = "crates/filter/rules/secrets.json";

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case")]
struct RuleFile {
    source: Source,
    global_allowlist: Vec<AllowSpec>,
    rules: Vec<RuleSpec>,
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case")]
struct Source {
    #[serde(rename = "crate")]
    krate: String,
    rules_sha256: String,
}

/// Where the secret rules come from, for the manifest.
pub fn rules_source() -> String {
    match serde_json::from_str::<RuleFile>(RULES) {
        Ok(file) => format!(
            "Gitleaks rules from {} (SHA-256 {}), and connection-string-password, mailgun-api-key, generic-key-assignment and generic-env-assignment written here",
            file.source.krate, file.source.rules_sha256
        ),
        Err(e) => format!("unreadable rule file: {e}"),
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case")]
struct RuleSpec {
    id: String,
    pattern: String,
    secret_group: Option<usize>,
    keywords: Vec<String>,
    min_entropy: f64,
    path: Option<String>,
    exclude_paths: Vec<String>,
    allowlist: Vec<AllowSpec>,
}

#[derive(Deserialize)]
struct AllowSpec {
    condition: Option<String>,
    target: Option<String>,
    #[serde(default)]
    regexes: Vec<String>,
    #[serde(default)]
    paths: Vec<String>,
    #[serde(default)]
    stopwords: Vec<String>,
}

/// Which text an allow-list's regexes are matched against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    Secret,
    Match,
    Line,
}

#[derive(Debug)]
struct Allow {
    all: bool,
    target: Target,
    regexes: Vec<Regex>,
    paths: Vec<Regex>,
    stopwords: Vec<String>,
}

impl Allow {
    fn compile(spec: &AllowSpec, with_paths: bool) -> Result<Allow, Error> {
        let target = match spec.target.as_deref() {
            None | Some("secret") | Some("") => Target::Secret,
            Some("match") => Target::Match,
            Some("line") => Target::Line,
            Some(other) => return Err(rules_error(format!("unknown allow-list target `{other}`"))),
        };
        Ok(Allow {
            all: spec.condition.as_deref() == Some("and"),
            target,
            regexes: spec.regexes.iter().map(|r| compile(r)).collect::<Result<_, _>>()?,
            paths: if with_paths {
                spec.paths.iter().map(|r| compile(r)).collect::<Result<_, _>>()?
            } else {
                Vec::new()
            },
            stopwords: spec.stopwords.iter().map(|w| w.to_lowercase()).collect(),
        })
    }

    /// Whether this allow-list lets the finding through as not a secret.
    fn allows(&self, path: Option<&str>, secret: &str, matched: &str, line: &str) -> bool {
        let target = match self.target {
            Target::Secret => secret,
            Target::Match => matched,
            Target::Line => line,
        };
        let mut checks: Vec<bool> = Vec::with_capacity(3);
        if !self.regexes.is_empty() {
            checks.push(self.regexes.iter().any(|r| r.is_match(target)));
        }
        if !self.paths.is_empty() {
            checks.push(path.is_some_and(|p| self.paths.iter().any(|r| r.is_match(p))));
        }
        if !self.stopwords.is_empty() {
            let lower = secret.to_lowercase();
            checks.push(self.stopwords.iter().any(|w| lower.contains(w.as_str())));
        }
        if checks.is_empty() {
            return false;
        }
        if self.all {
            checks.iter().all(|&c| c)
        } else {
            checks.iter().any(|&c| c)
        }
    }
}

#[derive(Debug)]
struct Rule {
    id: String,
    pattern: String,
    regex: OnceLock<regex::bytes::Regex>,
    secret_group: Option<usize>,
    min_entropy: f64,
    path: Option<Regex>,
    exclude_paths: Vec<Regex>,
    allow: Vec<Allow>,
    placeholder: &'static str,
    /// The pattern can match across lines (`[\s\S]`, `(?s)`, `\n`): it is
    /// run on the whole text, not on the lines holding its keywords.
    multi_line: bool,
}

impl Rule {
    fn regex(&self) -> &regex::bytes::Regex {
        // Every pattern compiled once in the tests (`every_rule_compiles`).
        self.regex
            .get_or_init(|| build_bytes(&self.pattern).expect("rule patterns are checked by the tests"))
    }
}

/// The secret rules, compiled.
#[derive(Debug)]
pub struct Secrets {
    rules: Vec<Rule>,
    /// Keyword automaton; pattern i is `keyword_rules[i]`'s keyword.
    keywords: AhoCorasick,
    keyword_rules: Vec<Vec<usize>>,
    /// Rules without keywords: they run on every document.
    always: Vec<usize>,
    global: Vec<Allow>,
}

fn rules_error(message: String) -> Error {
    Error::Rules {
        file: RULES_NAME.to_owned(),
        message,
    }
}

fn compile(pattern: &str) -> Result<Regex, Error> {
    build(pattern).map_err(|e| rules_error(format!("pattern `{pattern}`: {e}")))
}

/// Some formats repeat a class a thousand times (`pypi-upload-token`):
/// above the `regex` crate's default size limit.
fn build(pattern: &str) -> Result<Regex, regex::Error> {
    regex::RegexBuilder::new(pattern).size_limit(1 << 27).build()
}

/// A rule's pattern, matched on bytes with ASCII classes (`\w`, `\s`, `.`
/// as in Gitleaks' RE2, which is ASCII by default): Unicode classes made
/// the lazy DFA give up on large files and fall back to a search 50 times
/// slower. Spans are widened to character boundaries where they fall
/// inside one.
fn build_bytes(pattern: &str) -> Result<regex::bytes::Regex, regex::Error> {
    regex::bytes::RegexBuilder::new(pattern)
        .unicode(false)
        .size_limit(1 << 27)
        .build()
}

/// Passwords in URLs: `scheme://user:password@host` (the user may be
/// empty, as in `redis://:password@host`).
const CONNECTION_STRING: &str =
    r"(?i)\b[a-z][a-z0-9+.-]{1,20}://[^\s:/@'`]{0,100}:([^\s@/'`]{3,200})@[a-z0-9.\[\]_-]{2,253}";

/// A name that says its value is a credential: `password`, `db_password`,
/// `secretKeyBase`, `API_KEY`, `clientSecret`; not `tokenizer` or
/// `passwordless` (the key word ends the name, or a `_`, `.`, `-` or a
/// capital letter follows it).
const KEY_NAME: &str = r"[\w.-]{0,40}?(?i:passw(?:or)?d|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|credentials?)(?:[_.-][\w.-]{0,30}|[A-Z][A-Za-z0-9_]{0,30})?";

/// Values that name, template or stand in for a secret instead of holding
/// one (`YOUR_API_KEY`, `xoxb-your-bot-token`, `${TOKEN}`, AWS's documented
/// `...EXAMPLE` keys, a variable such as `key_password`).
const NOT_A_VALUE: &str = r"(?i)^(?:your|my|the|some|example|sample|dummy|fake|test|xxx|changeme|placeholder|insert|enter|todo|none|null|undefined|secret|password|redacted|<|\{|\$|%|@|\*)|(?-i:^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$)|^[a-z_]+\.[a-z_.]+$|\(|\)|example|your[-_ ]|[-_]your|x{4,}|\*{3,}|\.{3}|changeme|^[a-z_][a-z_.-]*$|\[|\]";

/// The rules written here, beside Gitleaks': formats it leaves to its
/// generic rule, and values assigned to credential names in any language
/// (quoted, with or without a type annotation) or in `.env` files.
fn own_rules() -> Vec<RuleSpec> {
    let allow = |regex: &str| {
        vec![AllowSpec {
            condition: None,
            target: Some("secret".to_owned()),
            regexes: vec![regex.to_owned()],
            paths: Vec::new(),
            stopwords: Vec::new(),
        }]
    };
    let rule = |id: &str, pattern: String, keywords: &[&str], min_entropy: f64, allowlist: Vec<AllowSpec>| RuleSpec {
        id: id.to_owned(),
        pattern,
        secret_group: Some(1),
        keywords: keywords.iter().map(|k| (*k).to_owned()).collect(),
        min_entropy,
        path: None,
        exclude_paths: Vec::new(),
        allowlist,
    };
    let key_words = [
        "passw",
        "pwd",
        "secret",
        "token",
        "api_key",
        "api-key",
        "apikey",
        "access_key",
        "access-key",
        "accesskey",
        "private_key",
        "private-key",
        "privatekey",
        "credential",
    ];
    vec![
        rule(
            "connection-string-password",
            CONNECTION_STRING.to_owned(),
            &["://"],
            0.0,
            vec![
                // Placeholders and templates (`:password@`, `:${DB_PASS}@`).
                AllowSpec {
                    condition: None,
                    target: Some("secret".to_owned()),
                    regexes: vec![
                        r"(?i)^(?:password|passwd|pass|pwd|secret|changeme|x+|\*+|\.+|<[^>]*>|\{[^}]*\}|\$\{?[a-z_]+\}?|%[a-z_]+%|:[a-z_]+)$"
                            .to_owned(),
                        // Metasyntactic and percent-encoded placeholder
                        // passwords of URL tests (`foo:bar@`, `p%C3%A5ssword`).
                        r"(?i)^(?:foo|bar|baz|qux|foobar|secret|test|pass(?:word|wd)?|p(?:%[0-9a-f]{2})+s+word)$".to_owned(),
                    ],
                    paths: Vec::new(),
                    stopwords: Vec::new(),
                },
                // URLs at the domains reserved for examples (RFC 2606).
                AllowSpec {
                    condition: None,
                    target: Some("match".to_owned()),
                    regexes: vec![r"(?i)@(?:[a-z0-9-]+\.)*example(?:\.(?:com|org|net))?(?:[:/]|$)".to_owned()],
                    paths: Vec::new(),
                    stopwords: Vec::new(),
                },
            ],
        ),
        // Mailgun's documented key format (`key-` and 32 characters).
        rule(
            "mailgun-api-key",
            r"\b(key-[0-9a-z]{32})\b".to_owned(),
            &["key-"],
            3.5,
            Vec::new(),
        ),
        rule(
            "generic-key-assignment",
            format!(
                r#"{KEY_NAME}["']?(?:\s*:\s*[A-Za-z_][\w<>\[\]., ]{{0,30}}?)?\s*(?:=|:|:=|=>|\?=)\s*@?["'`]([^"'`\s]{{8,300}})["'`]"#
            ),
            &key_words,
            3.0,
            allow(NOT_A_VALUE),
        ),
        rule(
            "generic-env-assignment",
            format!(r#"(?m)^[ \t]*(?:export[ \t]+)?{KEY_NAME}[ \t]*[=:][ \t]*([^\s"'`#;,]{{12,300}})[ \t]*\r?$"#),
            &key_words,
            3.3,
            allow(NOT_A_VALUE),
        ),
    ]
}

impl Secrets {
    /// Gitleaks' rules as checked in, plus the rules written here.
    pub fn builtin() -> Result<Secrets, Error> {
        Secrets::with_user_rules(&[])
    }

    /// The built-in rules and those of `files` (each its name, as errors
    /// show it, and its text): rule files in Gitleaks' configuration format
    /// (TOML: `[[rules]]` with `id`, `regex`, `secretGroup`, `entropy`,
    /// `keywords`, `path` and allow-lists; top-level allow-lists;
    /// `[extend] disabledRules`). An error names the file and line.
    pub fn with_user_rules(files: &[(String, String)]) -> Result<Secrets, Error> {
        let file: RuleFile = serde_json::from_str(RULES).map_err(|e| rules_error(e.to_string()))?;
        let mut specs = file.rules;
        let mut global_specs = file.global_allowlist;
        let builtin: Vec<String> = specs
            .iter()
            .map(|s| s.id.clone())
            .chain(own_rules().into_iter().map(|s| s.id))
            .collect();
        let mut user_specs = Vec::new();
        let mut disabled = Vec::new();
        for (name, text) in files {
            let user = parse_user_file(name, text, &builtin, &user_specs)?;
            user_specs.extend(user.rules);
            global_specs.extend(user.global);
            disabled.extend(user.disabled);
        }
        // A key block holds base64, headers and string quoting, never code:
        // `-----BEGIN EC PRIVATE KEY-----` named in one doc comment and
        // `...KEY-----` in a later one is not a key (nor the code between).
        if let Some(spec) = specs.iter_mut().find(|s| s.id == "private-key") {
            spec.allowlist.push(AllowSpec {
                condition: None,
                target: Some("secret".to_owned()),
                regexes: vec![r"[(){};<>`|]".to_owned()],
                paths: Vec::new(),
                stopwords: Vec::new(),
            });
        }
        specs.extend(own_rules());
        specs.retain(|s| !disabled.contains(&s.id));
        specs.extend(user_specs);
        let global = global_specs
            .iter()
            .map(|a| Allow::compile(a, false))
            .collect::<Result<Vec<_>, _>>()?;
        let mut rules = Vec::with_capacity(specs.len());
        let mut words: Vec<String> = Vec::new();
        let mut keyword_rules: Vec<Vec<usize>> = Vec::new();
        let mut always = Vec::new();
        for (i, spec) in specs.into_iter().enumerate() {
            if spec.keywords.is_empty() {
                always.push(i);
            }
            for word in &spec.keywords {
                let word = word.to_lowercase();
                match words.iter().position(|w| *w == word) {
                    Some(k) => keyword_rules[k].push(i),
                    None => {
                        words.push(word);
                        keyword_rules.push(vec![i]);
                    }
                }
            }
            let placeholder = if spec.id.contains("password") || spec.id.contains("passwd") {
                "<PASSWORD>"
            } else {
                "<KEY>"
            };
            let multi_line = ["\\s\\S", "(?s", "\\n"].iter().any(|p| spec.pattern.contains(p));
            rules.push(Rule {
                multi_line,
                placeholder,
                regex: OnceLock::new(),
                secret_group: spec.secret_group,
                min_entropy: spec.min_entropy,
                path: spec.path.as_deref().map(compile).transpose()?,
                exclude_paths: spec
                    .exclude_paths
                    .iter()
                    .map(|p| compile(p))
                    .collect::<Result<_, _>>()?,
                allow: spec
                    .allowlist
                    .iter()
                    .map(|a| Allow::compile(a, true))
                    .collect::<Result<_, _>>()?,
                pattern: spec.pattern,
                id: spec.id,
            });
        }
        // A DFA: the keyword pass reads every byte of every document.
        let keywords = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .kind(Some(aho_corasick::AhoCorasickKind::DFA))
            .build(&words)
            .map_err(|e| rules_error(e.to_string()))?;
        Ok(Secrets {
            rules,
            keywords,
            keyword_rules,
            always,
            global,
        })
    }

    /// How many rules there are.
    pub fn len(&self) -> usize {
        self.rules.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// Appends the secrets in `text` to `found` (lines are set by the
    /// caller).
    pub fn scan(&self, path: Option<&str>, text: &str, found: &mut Vec<Finding>) {
        // Where each rule's keywords are: a rule runs on the lines that hold
        // them (a match holds its keyword on its line), or on the whole text
        // when it has no keywords or can match across lines.
        let mut hits: Vec<Vec<usize>> = vec![Vec::new(); self.rules.len()];
        for m in self.keywords.find_overlapping_iter(text) {
            for &i in &self.keyword_rules[m.pattern().as_usize()] {
                if hits[i].last() != Some(&m.start()) {
                    hits[i].push(m.start());
                }
            }
        }
        let bytes = text.as_bytes();
        for (i, rule) in self.rules.iter().enumerate() {
            let hits = &mut hits;
            let whole_text = self.always.contains(&i) || rule.multi_line;
            if hits[i].is_empty() && !self.always.contains(&i) {
                continue;
            }
            if let Some(only) = &rule.path {
                if !path.is_some_and(|p| only.is_match(p)) {
                    continue;
                }
            }
            if path.is_some_and(|p| rule.exclude_paths.iter().any(|r| r.is_match(p))) {
                continue;
            }
            let windows: Vec<std::ops::Range<usize>> = if whole_text {
                std::iter::once(0..text.len()).collect()
            } else {
                hits[i].sort_unstable();
                line_windows(bytes, &hits[i])
            };
            let regex = rule.regex();
            for window in windows {
                for caps in regex.captures_iter(&bytes[window.clone()]) {
                    let at = |m: regex::bytes::Match<'_>| window.start + m.start()..window.start + m.end();
                    let whole = caps.get(0).expect("group 0");
                    let group = match rule.secret_group {
                        Some(g) => caps.get(g),
                        None if caps.len() > 1 => caps.get(1).or(Some(whole)),
                        None => Some(whole),
                    };
                    let Some(secret) = group else { continue };
                    let span = widen(text, at(secret));
                    let whole = &text[widen(text, at(whole))];
                    let secret = &text[span.clone()];
                    if secret.is_empty() || entropy(secret) < rule.min_entropy {
                        continue;
                    }
                    let line = line_around(text, span.start);
                    let allowed = |a: &Allow| a.allows(path, secret, whole, line);
                    if self.global.iter().any(allowed) || rule.allow.iter().any(allowed) {
                        continue;
                    }
                    found.push(Finding {
                        kind: Kind::Secret,
                        rule: format!("secret:{}", rule.id),
                        line: 0,
                        span,
                        placeholder: Some(rule.placeholder),
                        note: None,
                    });
                }
            }
        }
    }
}

/// What a user's rule file adds: rules, allow-lists for every rule, and
/// built-in rules turned off.
struct UserRules {
    rules: Vec<RuleSpec>,
    global: Vec<AllowSpec>,
    disabled: Vec<String>,
}

/// A rule file in Gitleaks' configuration format (TOML).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct UserFile {
    #[serde(default, rename = "title")]
    _title: Option<serde::de::IgnoredAny>,
    #[serde(default, rename = "description")]
    _description: Option<serde::de::IgnoredAny>,
    #[serde(default)]
    extend: Option<UserExtend>,
    #[serde(default)]
    rules: Vec<toml::Spanned<UserRule>>,
    #[serde(default)]
    allowlist: Option<UserAllow>,
    #[serde(default)]
    allowlists: Vec<UserAllow>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct UserExtend {
    #[serde(default)]
    use_default: Option<bool>,
    #[serde(default)]
    path: Option<String>,
    #[serde(default)]
    disabled_rules: Vec<toml::Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct UserRule {
    id: String,
    #[serde(default, rename = "description")]
    _description: Option<serde::de::IgnoredAny>,
    #[serde(default)]
    regex: Option<String>,
    #[serde(default)]
    secret_group: Option<usize>,
    #[serde(default)]
    entropy: Option<f64>,
    #[serde(default)]
    keywords: Vec<String>,
    #[serde(default)]
    path: Option<String>,
    #[serde(default, rename = "tags")]
    _tags: Option<serde::de::IgnoredAny>,
    #[serde(default)]
    allowlist: Option<UserAllow>,
    #[serde(default)]
    allowlists: Vec<UserAllow>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct UserAllow {
    #[serde(default, rename = "description")]
    _description: Option<serde::de::IgnoredAny>,
    #[serde(default)]
    condition: Option<String>,
    #[serde(default)]
    regexes: Vec<String>,
    #[serde(default)]
    regex_target: Option<String>,
    #[serde(default)]
    paths: Vec<String>,
    #[serde(default)]
    stopwords: Vec<String>,
    /// Git commits: a dataset has none, so these allow nothing here.
    #[serde(default, rename = "commits")]
    _commits: Option<serde::de::IgnoredAny>,
}

impl UserAllow {
    fn spec(self) -> Result<AllowSpec, String> {
        let condition = match self.condition.as_deref().map(str::to_ascii_uppercase).as_deref() {
            None | Some("OR") => None,
            Some("AND") => Some("and".to_owned()),
            Some(other) => return Err(format!("allow-list condition `{other}` is not `AND` or `OR`")),
        };
        Ok(AllowSpec {
            condition,
            target: self.regex_target,
            regexes: self.regexes,
            paths: self.paths,
            stopwords: self.stopwords,
        })
    }
}

/// The 1-based line of byte `offset` in `text`.
fn line_at(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// Reads a user's rule file `name` holding `text`, in Gitleaks'
/// configuration format: `[[rules]]` with `id`, `regex`, `secretGroup`,
/// `entropy`, `keywords`, `path` and allow-lists (`[[rules.allowlists]]` or
/// `[rules.allowlist]`: `regexes`, `regexTarget`, `paths`, `stopwords`,
/// `condition`); a top-level `[allowlist]` or `[[allowlists]]` holds for
/// every rule; `[extend] disabledRules` turns built-in rules off. Regular
/// expressions are Rust's `regex` syntax, which takes nearly all of RE2's.
/// An error names the file and the line, and says what to change.
fn parse_user_file(name: &str, text: &str, builtin: &[String], earlier: &[RuleSpec]) -> Result<UserRules, Error> {
    let error = |line: usize, message: String| Error::RuleFile {
        file: name.to_owned(),
        line,
        message,
    };
    let file: UserFile = toml::from_str(text).map_err(|e| {
        let line = e.span().map_or(1, |span| line_at(text, span.start));
        error(line, e.message().to_owned())
    })?;
    let mut disabled = Vec::new();
    if let Some(extend) = file.extend {
        if extend.path.is_some() {
            return Err(error(
                1,
                "[extend] path is not supported: give each rule file with --secret-rules".to_owned(),
            ));
        }
        if extend.use_default == Some(false) {
            return Err(error(
                1,
                "[extend] useDefault = false is not supported: the built-in rules always run; turn some off with disabledRules".to_owned(),
            ));
        }
        for id in extend.disabled_rules {
            if !builtin.contains(id.get_ref()) {
                return Err(error(
                    line_at(text, id.span().start),
                    format!("disabledRules names `{}`, which is not a built-in rule", id.get_ref()),
                ));
            }
            disabled.push(id.into_inner());
        }
    }
    let mut global = Vec::new();
    for allow in file.allowlist.into_iter().chain(file.allowlists) {
        let spec = allow.spec().map_err(|m| error(1, m))?;
        Allow::compile(&spec, true).map_err(|e| error(1, format!("top-level allow-list: {}", rule_message(e))))?;
        global.push(spec);
    }
    let mut rules: Vec<RuleSpec> = Vec::new();
    for rule in file.rules {
        let line = line_at(text, rule.span().start);
        let rule = rule.into_inner();
        let id = rule.id.clone();
        if id.is_empty() || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
            return Err(error(line, format!("rule id `{id}`: use letters, digits, `-` and `_`")));
        }
        if builtin.contains(&id) && !disabled.contains(&id) {
            return Err(error(
                line,
                format!(
                    "rule id `{id}` is a built-in rule's: rename it, or turn the built-in one off with [extend] disabledRules"
                ),
            ));
        }
        if earlier.iter().chain(&rules).any(|r| r.id == id) {
            return Err(error(line, format!("rule id `{id}` is given twice")));
        }
        let Some(pattern) = rule.regex else {
            return Err(error(
                line,
                format!("rule `{id}` has no `regex`: rules on paths alone are not supported"),
            ));
        };
        let compiled = build_bytes(&pattern).map_err(|e| error(line, format!("rule `{id}`: regex: {e}")))?;
        if let Some(group) = rule.secret_group {
            if group >= compiled.captures_len() {
                return Err(error(
                    line,
                    format!(
                        "rule `{id}`: secretGroup = {group}, but the regex has {} group(s)",
                        compiled.captures_len() - 1
                    ),
                ));
            }
        }
        let mut allowlist = Vec::new();
        for allow in rule.allowlist.into_iter().chain(rule.allowlists) {
            let spec = allow.spec().map_err(|m| error(line, format!("rule `{id}`: {m}")))?;
            Allow::compile(&spec, true).map_err(|e| error(line, format!("rule `{id}`: {}", rule_message(e))))?;
            allowlist.push(spec);
        }
        if let Some(path) = &rule.path {
            compile(path).map_err(|e| error(line, format!("rule `{id}`: path: {}", rule_message(e))))?;
        }
        rules.push(RuleSpec {
            id,
            pattern,
            secret_group: rule.secret_group,
            keywords: rule.keywords,
            min_entropy: rule.entropy.unwrap_or(0.0),
            path: rule.path,
            exclude_paths: Vec::new(),
            allowlist,
        });
    }
    Ok(UserRules {
        rules,
        global,
        disabled,
    })
}

/// The message of a rule error, without the built-in file's name.
fn rule_message(error: Error) -> String {
    match error {
        Error::Rules { message, .. } => message,
        other => other.to_string(),
    }
}

/// The lines of `text` that hold the byte offsets `hits` (sorted), each
/// with its newline, neighbours merged.
pub(crate) fn line_windows(text: &[u8], hits: &[usize]) -> Vec<std::ops::Range<usize>> {
    let mut out: Vec<std::ops::Range<usize>> = Vec::new();
    for &at in hits {
        if out.last().is_some_and(|w| at < w.end) {
            continue;
        }
        let start = text[..at].iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        let end = text[at..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(text.len(), |i| at + i + 1);
        match out.last_mut() {
            Some(last) if last.end >= start => last.end = end,
            _ => out.push(start..end),
        }
    }
    out
}

/// `range` widened to the character boundaries of `text` around it.
fn widen(text: &str, range: std::ops::Range<usize>) -> std::ops::Range<usize> {
    let mut start = range.start;
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = range.end;
    while !text.is_char_boundary(end) {
        end += 1;
    }
    start..end
}

/// The line of `text` that holds byte `at`.
fn line_around(text: &str, at: usize) -> &str {
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let end = text[at..].find('\n').map_or(text.len(), |i| at + i);
    &text[start..end]
}

/// Shannon entropy of `s` in bits per character.
pub fn entropy(s: &str) -> f64 {
    let mut counts = [0u32; 256];
    let mut n = 0u32;
    for b in s.bytes() {
        counts[b as usize] += 1;
        n += 1;
    }
    if n == 0 {
        return 0.0;
    }
    let n = f64::from(n);
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = f64::from(c) / n;
            -p * p.log2()
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    const ACME: &str = r#"title = "acme"

[extend]
disabledRules = ["mailgun-api-key"]

[[rules]]
id = "acme-deploy-token"
description = "Acme's deploy tokens"
regex = '''\b(acmd_[a-z0-9]{24})\b'''
secretGroup = 1
entropy = 3.0
keywords = ["acmd_"]
tags = ["acme"]

  [[rules.allowlists]]
  regexTarget = "line"
  regexes = ['''fixture''']
"#;

    fn user_rules(text: &str) -> Result<Secrets, Error> {
        Secrets::with_user_rules(&[("acme.toml".to_owned(), text.to_owned())])
    }

    fn scan(secrets: &Secrets, text: &str) -> Vec<String> {
        let mut found = Vec::new();
        secrets.scan(Some("src/app.py"), text, &mut found);
        found.into_iter().map(|f| f.rule).collect()
    }

    #[test]
    fn a_user_rule_file_adds_rules_allow_lists_and_turns_built_in_ones_off() {
        let secrets = user_rules(ACME).unwrap();
        let builtin = Secrets::builtin().unwrap();
        assert_eq!(secrets.len(), builtin.len());
        let token = "deploy = \"acmd_k3j9x0q2m7v5b8n1c4z6l2p9\"\n";
        assert_eq!(scan(&secrets, token), ["secret:acme-deploy-token"]);
        assert!(scan(&builtin, token).is_empty());
        // The rule's own allow-list, on the line.
        assert!(scan(&secrets, "deploy = \"acmd_k3j9x0q2m7v5b8n1c4z6l2p9\" # fixture\n").is_empty());
        // Low entropy: not a secret.
        assert!(scan(&secrets, "deploy = \"acmd_aaaaaaaaaaaaaaaaaaaaaaaa\"\n").is_empty());
        // mailgun-api-key is off.
        let mailgun = "MAILGUN = \"key-3ax6xnjp29jd6fds4gc373sgvjxteol0\"\n";
        assert!(scan(&builtin, mailgun).contains(&"secret:mailgun-api-key".to_owned()));
        assert!(!scan(&secrets, mailgun).contains(&"secret:mailgun-api-key".to_owned()));
    }

    #[test]
    fn a_bad_user_rule_file_is_an_error_naming_file_line_and_fix() {
        let bad_regex = ACME.replace(r"\b(acmd_[a-z0-9]{24})\b", r"(acmd_[a-z");
        let cases = [
            (
                bad_regex.as_str(),
                "acme.toml, line 6: rule `acme-deploy-token`: regex:",
            ),
            // An unknown key (Gitleaks spells it secretGroup), an unclosed string.
            (
                "[[rules]]\nid = \"x\"\nregex = 'a'\nsecretgroup = 1\n",
                "acme.toml, line 4:",
            ),
            ("[[rules]]\nid = \"x\"\nregex = 'a\n", "acme.toml, line 3:"),
            (
                "[[rules]]\nid = \"github-pat\"\nregex = 'ghp_x'\n",
                "line 1: rule id `github-pat` is a built-in rule's",
            ),
            (
                "[[rules]]\nid = \"a\"\nregex = 'x'\n\n[[rules]]\nid = \"a\"\nregex = 'y'\n",
                "line 5: rule id `a` is given twice",
            ),
            (
                "[[rules]]\nid = \"a\"\nregex = '(x)'\nsecretGroup = 2\n",
                "secretGroup = 2, but the regex has 1 group(s)",
            ),
            (
                "[extend]\ndisabledRules = [\"no-such-rule\"]\n",
                "line 2: disabledRules names `no-such-rule`",
            ),
        ];
        for (text, said) in cases {
            let message = user_rules(text).unwrap_err().to_string();
            assert!(message.starts_with("secret rule file acme.toml, line "), "{message}");
            assert!(message.contains(said), "{message}");
        }
    }

    fn find(text: &str) -> Vec<String> {
        let enabled = crate::Enabled {
            secrets: true,
            ..crate::Enabled::default()
        };
        let filters = crate::Filters::new(enabled, &crate::Settings::default()).unwrap();
        filters
            .scan(Some("src/app.py"), text)
            .into_iter()
            .map(|f| format!("{}={}", f.rule, &text[f.span]))
            .collect()
    }

    #[test]
    fn every_rule_compiles() {
        let secrets = Secrets::builtin().unwrap();
        assert!(secrets.len() > 200, "{} rules", secrets.len());
        for rule in &secrets.rules {
            build_bytes(&rule.pattern).unwrap_or_else(|e| panic!("{}: {e}", rule.id));
        }
    }

    #[test]
    fn documented_formats_are_found() {
        assert_eq!(
            find("GITHUB_TOKEN = 'ghp_Zq3x9Lm2Vb7Nc4Kd8Ws1Qe6Rt5Yu0Io2Pa9S'\n"),
            vec!["secret:github-pat=ghp_Zq3x9Lm2Vb7Nc4Kd8Ws1Qe6Rt5Yu0Io2Pa9S"]
        );
        let aws = find("aws_access_key_id = AKIAZ7Q2VLWX4NRT6KPB\n");
        assert!(
            aws.contains(&"secret:aws-access-token=AKIAZ7Q2VLWX4NRT6KPB".to_owned()),
            "{aws:?}"
        );
        let url = find("DATABASE_URL=postgres://app:Xk9v2Lq7Wz@db.internal:5432/app\n");
        assert!(
            url.contains(&"secret:connection-string-password=Xk9v2Lq7Wz".to_owned()),
            "{url:?}"
        );
    }

    #[test]
    fn credentials_assigned_to_credential_names_are_found() {
        let found = find("export const adminPassword: string = \"kpYg4FP^I_q2X.0vXZQ\";\n");
        assert_eq!(found, vec!["secret:generic-key-assignment=kpYg4FP^I_q2X.0vXZQ"]);
        let found = find("CLIENT_SECRET=9ef632f12e869faface464f39ea900e9\n");
        assert!(
            found.iter().any(|f| f.ends_with("=9ef632f12e869faface464f39ea900e9")),
            "{found:?}"
        );
        let found = find("cache: redis://:SD7D91-1eYiZ98Ihij8w6s@redis.acme.io:6379/1\n");
        assert_eq!(found, vec!["secret:connection-string-password=SD7D91-1eYiZ98Ihij8w6s"]);
        // A password of letters only is a password.
        let found = find("url = \"postgres://app:NYXQCVhjumlSGYYmcrmd@db.acme.io/app\"\n");
        assert_eq!(found, vec!["secret:connection-string-password=NYXQCVhjumlSGYYmcrmd"]);
    }

    #[test]
    fn names_that_only_contain_a_key_word_are_not_credentials() {
        for text in [
            "/// The output has a header of `-----BEGIN EC PRIVATE KEY-----`.\nfn private_key_to_pem(&self) -> Vec<u8> {\n    let mut pem = Vec::new();\n    pem\n}\n/// The input should have a header of `-----BEGIN EC PRIVATE KEY-----`.\n",
            "    MSG_USERAUTH_GSSAPI_TOKEN: \"userauth-gssapi-token\",\n",
            "    password_key_path: typing.ClassVar[str]\n",
            "    url = \"http://foo:bar@localhost/\"\n",
            "    \"http://%C3%BCser:p%C3%A5ssword@xn--n3h.net/p%C3%A5th\"\n",
            "        self.key_password = key_password\n",
            "url = \"http://user:hunter2x@example.com/\"\n",
            "tokenizer = \"bert-base-uncased-whole\"\n",
            "passwordless_login = \"enabled-for-all-users\"\n",
            "password = get_password(user)\n",
            "API_KEY = \"YOUR_API_KEY_HERE\"\n",
            "secret_name = \"SECRET_NAME_FROM_VAULT\"\n",
            "token = settings.github.token\n",
        ] {
            assert_eq!(find(text), Vec::<String>::new(), "{text}");
        }
    }

    #[test]
    fn spans_stay_on_character_boundaries() {
        // ASCII classes match the bytes of `é` one by one; the span is
        // widened to whole characters, never cut through one.
        let text = "mot_de_passe_password = \"clé9Xk2Lq7Wzé\"\n# ключ token=\"Жx9Kd8Ws1Qe6Rt5Yu\"\n";
        for found in find(text) {
            assert!(found.contains('='), "{found}");
        }
    }

    #[test]
    fn placeholders_are_not_secrets() {
        assert_eq!(
            find("DATABASE_URL=postgres://user:password@localhost/db\n"),
            Vec::<String>::new()
        );
        assert_eq!(
            find("url = 'mysql://root:${DB_PASSWORD}@db/app'\n"),
            Vec::<String>::new()
        );
        assert_eq!(find("api_key = \"${API_KEY}\"\n"), Vec::<String>::new());
    }

    #[test]
    fn entropy_of_uniform_text() {
        assert_eq!(entropy(""), 0.0);
        assert_eq!(entropy("aaaa"), 0.0);
        assert!((entropy("abcd") - 2.0).abs() < 1e-12);
    }
}
