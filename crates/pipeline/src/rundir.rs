//! The run directory that stages hand work through: the plan, one sign part
//! per shard, and done markers. Names depend on (stage, shard, N) only. A
//! shard's files are written under a temporary name, synced, renamed into
//! place, and only then is its done marker written (itself through a
//! temporary name): a consumer reads only what a valid marker lists, so a
//! task killed at any point leaves either nothing or a whole shard.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use corpusledger_ingest::Plan;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::config::{Config, ConfigFile};

pub const PLAN: &str = "plan.bin";
const MARKER_FORMAT: &str = "corpusledger-done";

/// The plan as stages share it: the inputs listed once, the configuration
/// that every later stage runs with, and a fingerprint of each unit's files.
#[derive(Debug, Serialize, Deserialize)]
pub struct RunPlan {
    pub version: String,
    /// The effective configuration as TOML (threads and memory limit are
    /// each task's own).
    pub config: String,
    pub config_hash: String,
    pub plan: Plan,
    /// Per unit: a hash over its files' paths, sizes and modification
    /// times, checked before the unit is read (empty when not taken).
    pub fingerprints: Vec<String>,
    /// The published datasets deduplicated against (`--base`), checked.
    pub bases: Vec<crate::base::BaseRef>,
}

impl RunPlan {
    /// The plan of `config`; each base is opened and checked here, once.
    pub fn new(config: &Config, plan: Plan, fingerprints: Vec<String>) -> Result<RunPlan> {
        Ok(RunPlan::with_bases(
            config,
            plan,
            fingerprints,
            crate::base::open(config)?,
        ))
    }

    /// The plan of `config` with its bases opened by the caller.
    pub fn with_bases(
        config: &Config,
        plan: Plan,
        fingerprints: Vec<String>,
        bases: Vec<crate::base::BaseRef>,
    ) -> RunPlan {
        RunPlan {
            version: env!("CARGO_PKG_VERSION").to_owned(),
            config: config.to_toml(),
            config_hash: config_hash(config),
            plan,
            fingerprints,
            bases,
        }
    }

    /// The configuration the plan was made with, with this task's threads
    /// and memory limit.
    pub fn config(&self, threads: Option<usize>, memory_limit: Option<u64>) -> Result<Config> {
        let file: ConfigFile = toml::from_str(&self.config).context("the plan's configuration is damaged")?;
        let over = ConfigFile {
            threads,
            memory_limit,
            ..ConfigFile::default()
        };
        file.overridden_by(over).resolve()
    }

    /// The units of shard `shard` of `n`: a contiguous range, so every unit
    /// belongs to exactly one shard.
    pub fn units_of(&self, shard: u32, n: u32) -> std::ops::Range<usize> {
        shard_units(self.plan.units.len(), shard, n)
    }
}

/// Refuses a shard index that is not below the shard count.
pub fn check_shard(shard: u32, n: u32) -> Result<()> {
    if shard >= n {
        bail!(
            "--shard-index {shard} is out of range: shards are numbered 0 to {} for --num-shards {n}",
            n.saturating_sub(1)
        );
    }
    Ok(())
}

/// Units `shard * units / n` up to `(shard + 1) * units / n`.
fn shard_units(units: usize, shard: u32, n: u32) -> std::ops::Range<usize> {
    let at = |i: u32| (units as u128 * u128::from(i) / u128::from(n)) as usize;
    at(shard)..at(shard + 1)
}

/// SHA-256 of the configuration as the manifest records it: everything that
/// can change the output, nothing that cannot.
pub fn config_hash(config: &Config) -> String {
    let canonical = serde_json::to_vec(&config.for_manifest()).expect("config serialises");
    super::hex(&Sha256::digest(canonical))
}

/// What a finished task leaves next to its output.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Marker {
    pub format: String,
    pub tool_version: String,
    pub stage: String,
    pub shard: u32,
    pub num_shards: u32,
    /// Documents, rejections and texts written, as the stage counts them.
    pub rows: BTreeMap<String, u64>,
    /// SHA-256 of the plan file the task ran under.
    pub plan_hash: String,
    pub config_hash: String,
    /// A hash of the fingerprints of the units read.
    pub input_fingerprint: String,
    /// Each file of the output and its size in bytes.
    pub files: BTreeMap<String, u64>,
}

/// What the marker of a shard says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ShardState {
    /// A valid marker: the shard is done.
    Done,
    /// No marker: not done (or killed before it finished).
    Missing,
    /// A marker that cannot be used, and why.
    Invalid(String),
}

/// The run directory.
#[derive(Debug, Clone)]
pub struct RunDir {
    pub root: PathBuf,
    /// Whether the files a stage commits are synced to disk before they
    /// count: a task's output must outlive a crash of its node; the one
    /// process of `run` starts afresh after a crash, so its scratch run
    /// directory need not.
    pub durable: bool,
}

impl RunDir {
    pub fn new(root: &Path) -> RunDir {
        RunDir {
            root: root.to_owned(),
            durable: true,
        }
    }

    /// The run directory of the one process of `run`: see
    /// [`durable`](Self::durable).
    pub fn scratch(root: &Path) -> RunDir {
        RunDir {
            root: root.to_owned(),
            durable: false,
        }
    }

    pub fn plan_path(&self) -> PathBuf {
        self.root.join(PLAN)
    }

    fn shard_name(stage: &str, shard: u32, n: u32) -> String {
        format!("{stage}/{shard:05}-of-{n:05}")
    }

    /// Where the output of a shard lives once done.
    pub fn shard_dir(&self, stage: &str, shard: u32, n: u32) -> PathBuf {
        self.root.join(Self::shard_name(stage, shard, n))
    }

    pub fn marker_path(&self, stage: &str, shard: u32, n: u32) -> PathBuf {
        self.root.join(format!("{}.done", Self::shard_name(stage, shard, n)))
    }

    /// Writes the plan (atomically) and returns its SHA-256.
    pub fn write_plan(&self, plan: &RunPlan) -> Result<String> {
        std::fs::create_dir_all(&self.root)
            .with_context(|| format!("cannot create run directory {}", self.root.display()))?;
        let bytes = postcard::to_stdvec(plan).context("the plan serialises")?;
        write_atomic(&self.plan_path(), &bytes)?;
        Ok(super::hex(&Sha256::digest(&bytes)))
    }

    /// Reads the plan and its SHA-256.
    pub fn read_plan(&self) -> Result<(RunPlan, String)> {
        let path = self.plan_path();
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => bail!(
                "{} has no plan ({}): run `corpusledger plan --run-dir {}` first",
                self.root.display(),
                PLAN,
                self.root.display()
            ),
            Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
        };
        let plan: RunPlan = postcard::from_bytes(&bytes).with_context(|| {
            format!(
                "{} is damaged or was written by another version: run `corpusledger plan` again",
                path.display()
            )
        })?;
        if plan.version != env!("CARGO_PKG_VERSION") {
            bail!(
                "{} was written by corpusledger {}, this is {}: run `corpusledger plan` again",
                path.display(),
                plan.version,
                env!("CARGO_PKG_VERSION")
            );
        }
        Ok((plan, super::hex(&Sha256::digest(&bytes))))
    }

    /// The marker of a shard: `None` when there is none; an error when it
    /// cannot be read or parsed.
    pub fn read_marker(&self, stage: &str, shard: u32, n: u32) -> Result<Option<Marker>> {
        let path = self.marker_path(stage, shard, n);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e).with_context(|| format!("cannot read marker {}", path.display())),
        };
        let marker: Marker =
            serde_json::from_str(&text).with_context(|| format!("marker {} is corrupt", path.display()))?;
        if marker.format != MARKER_FORMAT || marker.stage != stage || marker.shard != shard || marker.num_shards != n {
            bail!(
                "marker {} is corrupt: it names {} shard {} of {}",
                path.display(),
                marker.stage,
                marker.shard,
                marker.num_shards
            );
        }
        Ok(Some(marker))
    }

    /// Checks that a marker belongs to this plan and that its files are
    /// there with the sizes it lists; says what is wrong otherwise.
    pub fn check_marker(&self, marker: &Marker, plan_hash: &str, config_hash: &str) -> Result<()> {
        let path = self.marker_path(&marker.stage, marker.shard, marker.num_shards);
        if marker.config_hash != config_hash {
            bail!(
                "marker {} was made with another configuration (hash {}, the plan's is {})",
                path.display(),
                short(&marker.config_hash),
                short(config_hash)
            );
        }
        if marker.plan_hash != plan_hash {
            bail!(
                "marker {} was made under another plan (hash {}, this plan's is {})",
                path.display(),
                short(&marker.plan_hash),
                short(plan_hash)
            );
        }
        let dir = self.shard_dir(&marker.stage, marker.shard, marker.num_shards);
        for (name, &bytes) in &marker.files {
            let file = dir.join(name);
            let len = std::fs::metadata(&file).map(|m| m.len());
            match len {
                Ok(len) if len == bytes => {}
                Ok(len) => bail!(
                    "{} has {len} bytes, its marker {} says {bytes}",
                    file.display(),
                    path.display()
                ),
                Err(e) => bail!("{} (listed by marker {}): {e}", file.display(), path.display()),
            }
        }
        Ok(())
    }

    /// Whether a shard of `stage` is done under this plan and configuration.
    pub fn shard_state(&self, stage: &str, shard: u32, n: u32, plan_hash: &str, config_hash: &str) -> ShardState {
        match self.read_marker(stage, shard, n) {
            Ok(Some(marker)) => match self.check_marker(&marker, plan_hash, config_hash) {
                Ok(()) => ShardState::Done,
                Err(err) => ShardState::Invalid(format!("{err:#}")),
            },
            Ok(None) => ShardState::Missing,
            Err(err) => ShardState::Invalid(format!("{err:#}")),
        }
    }

    /// Runs `make` into a fresh temporary folder for a shard, then moves it
    /// into place and writes the marker `make` returns (files and sizes are
    /// filled in here).
    pub fn commit_shard(&self, mut marker: Marker, make: impl FnOnce(&Path) -> Result<Marker>) -> Result<Marker> {
        let (stage, shard, n) = (marker.stage.clone(), marker.shard, marker.num_shards);
        let dir = self.shard_dir(&stage, shard, n);
        let marker_path = self.marker_path(&stage, shard, n);
        let parent = dir.parent().expect("a stage folder").to_owned();
        std::fs::create_dir_all(&parent).with_context(|| format!("cannot create {}", parent.display()))?;
        // An old marker first: from now on the shard is not done.
        remove_file(&marker_path)?;
        // What a killed attempt left: its temporary folder.
        let name = dir.file_name().expect("named").to_string_lossy().into_owned();
        let stale = format!("{name}.tmp.");
        for entry in std::fs::read_dir(&parent).with_context(|| format!("cannot list {}", parent.display()))? {
            let entry = entry?;
            if entry.file_name().to_string_lossy().starts_with(&stale) {
                remove_dir(&entry.path())?;
            }
        }
        let tmp = parent.join(format!("{stale}{}", std::process::id()));
        std::fs::create_dir(&tmp).with_context(|| format!("cannot create {}", tmp.display()))?;
        let made = make(&tmp)?;
        marker.rows = made.rows;
        marker.input_fingerprint = made.input_fingerprint;
        marker.files = BTreeMap::new();
        list_files(&tmp, "", &mut marker.files)?;
        remove_dir(&dir)?;
        super::kill_point::kill_point("before-rename");
        std::fs::rename(&tmp, &dir).with_context(|| format!("cannot move {} to {}", tmp.display(), dir.display()))?;
        super::kill_point::kill_point("before-marker");
        sync_dir(&parent)?;
        let json = serde_json::to_vec_pretty(&marker).context("a marker serialises")?;
        write_atomic(&marker_path, &json)?;
        Ok(marker)
    }

    /// A marker for a task of this run, to be filled by [`commit_shard`](Self::commit_shard).
    pub fn new_marker(stage: &str, shard: u32, n: u32, plan_hash: &str, config_hash: &str) -> Marker {
        Marker {
            format: MARKER_FORMAT.to_owned(),
            tool_version: env!("CARGO_PKG_VERSION").to_owned(),
            stage: stage.to_owned(),
            shard,
            num_shards: n,
            rows: BTreeMap::new(),
            plan_hash: plan_hash.to_owned(),
            config_hash: config_hash.to_owned(),
            input_fingerprint: String::new(),
            files: BTreeMap::new(),
        }
    }
}

fn short(hash: &str) -> &str {
    hash.get(..12).unwrap_or(hash)
}

/// Removes a done marker, if there is one: its shard is no longer done.
pub fn forget(marker: &Path) -> Result<()> {
    remove_file(marker)
}

/// Removes the done marker of a shard whose output is damaged, so that the
/// command that makes it again does not find it done; says so, as the
/// start of a sentence that goes on with that command.
pub fn forget_damaged(marker: &Path) -> String {
    match std::fs::remove_file(marker) {
        Ok(()) => format!("its marker {} is removed; ", marker.display()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => format!("remove its marker {} ({e}), then ", marker.display()),
    }
}

fn remove_file(path: &Path) -> Result<()> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(e).with_context(|| format!("cannot remove {}", path.display()))
        }
        _ => Ok(()),
    }
}

fn remove_dir(path: &Path) -> Result<()> {
    match std::fs::remove_dir_all(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(e).with_context(|| format!("cannot remove {}", path.display()))
        }
        _ => Ok(()),
    }
}

/// Every file under `dir`, by its path relative to the shard folder
/// (`prefix` and its name, `/` between folders), with its size: a file in a
/// subfolder (a finalize shard's `data/part-P.parquet`) is listed itself,
/// not its folder.
fn list_files(dir: &Path, prefix: &str, files: &mut BTreeMap<String, u64>) -> Result<()> {
    for entry in std::fs::read_dir(dir).with_context(|| format!("cannot list {}", dir.display()))? {
        let entry = entry?;
        let name = format!("{prefix}{}", entry.file_name().to_string_lossy());
        let kind = entry.file_type()?;
        if kind.is_dir() {
            list_files(&entry.path(), &format!("{name}/"), files)?;
        } else {
            files.insert(name, entry.metadata()?.len());
        }
    }
    Ok(())
}

pub fn sync_dir(dir: &Path) -> Result<()> {
    File::open(dir)
        .and_then(|f| f.sync_all())
        .with_context(|| format!("cannot sync {}", dir.display()))
}

/// Writes `bytes` to `path` through a temporary file: synced, renamed, and
/// the folder synced, so `path` is either the old file or the whole new one.
/// Writes `bytes` to a new file at `path` inside a shard's temporary
/// folder (which is renamed into place whole), synced when `sync`.
pub fn write_in_shard(path: &Path, bytes: &[u8], sync: bool) -> Result<()> {
    std::fs::File::create(path)
        .and_then(|mut file| {
            file.write_all(bytes)?;
            if sync { file.sync_all() } else { Ok(()) }
        })
        .with_context(|| format!("cannot write {}", path.display()))
}

pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let parent = path.parent().unwrap_or(Path::new("."));
    let tmp = parent.join(format!(
        ".{}.tmp.{}",
        path.file_name().expect("a file name").to_string_lossy(),
        std::process::id()
    ));
    // A stale temporary file (or a planted symlink) is removed, never
    // written through: the new one is created exclusively.
    match std::fs::remove_file(&tmp) {
        Err(err) if err.kind() != std::io::ErrorKind::NotFound => {
            return Err(err).with_context(|| format!("cannot remove {}", tmp.display()));
        }
        _ => {}
    }
    let written = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&tmp)
        .and_then(|mut file| file.write_all(bytes).and_then(|()| file.sync_all()))
        .with_context(|| format!("cannot write {}", tmp.display()))
        .and_then(|()| {
            std::fs::rename(&tmp, path).with_context(|| format!("cannot move {} to {}", tmp.display(), path.display()))
        });
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written?;
    sync_dir(parent)
}

/// Per unit of `plan`: a hash over each file's path, size and modification
/// time (the input file itself for JSONL, Parquet and dumps).
pub fn fingerprints(plan: &Plan) -> Vec<String> {
    use rayon::prelude::*;
    plan.units.par_iter().map(|unit| fingerprint(plan, unit)).collect()
}

/// The fingerprint of one unit, as [`fingerprints`] computes it.
pub fn fingerprint(plan: &Plan, unit: &corpusledger_ingest::Unit) -> String {
    let input = &plan.inputs[unit.input_idx];
    let mut hasher = Sha256::new();
    let mut add = |path: &Path, name: &str| {
        let stat = std::fs::metadata(path).ok();
        let size = stat.as_ref().map_or(u64::MAX, std::fs::Metadata::len);
        let mtime = stat
            .and_then(|m| m.modified().ok())
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(u128::MAX, |d| d.as_nanos());
        hasher.update(format!("{name}\0{size}\0{mtime}\n").as_bytes());
    };
    if unit.files.is_empty() {
        add(&input.path, "");
    }
    for file in &unit.files {
        add(&input.path.join(&file.rel), &file.rel);
    }
    super::hex(&hasher.finalize())
}

/// The files of `unit` (relative to their input) that no longer exist, so
/// that a changed fingerprint can name them.
pub fn vanished_files(plan: &Plan, unit: &corpusledger_ingest::Unit) -> Vec<String> {
    let input = &plan.inputs[unit.input_idx];
    let gone = |path: &Path| std::fs::symlink_metadata(path).is_err();
    if unit.files.is_empty() {
        return if gone(&input.path) {
            vec![input.label.to_string()]
        } else {
            Vec::new()
        };
    }
    unit.files
        .iter()
        .filter(|file| gone(&input.path.join(&file.rel)))
        .map(|file| file.rel.clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Every unit belongs to exactly one shard, and shards follow unit order.
        #[test]
        fn shards_partition_the_units(units in 0usize..5000, n in 1u32..2000) {
            let mut next = 0;
            for shard in 0..n {
                let range = shard_units(units, shard, n);
                prop_assert_eq!(range.start, next);
                prop_assert!(range.end >= range.start);
                prop_assert!(range.len() <= units.div_ceil(n as usize));
                next = range.end;
            }
            prop_assert_eq!(next, units);
        }
    }

    #[test]
    fn a_marker_names_its_shard_and_checks_sizes() {
        let dir = tempfile::tempdir().unwrap();
        let run = RunDir::new(dir.path());
        let marker = RunDir::new_marker("ingest", 2, 5, "plan", "config");
        let made = run
            .commit_shard(marker, |tmp| {
                std::fs::write(tmp.join("a.bin"), b"12345").unwrap();
                Ok(RunDir::new_marker("ingest", 2, 5, "plan", "config"))
            })
            .unwrap();
        assert_eq!(made.files.get("a.bin"), Some(&5));
        let read = run.read_marker("ingest", 2, 5).unwrap().unwrap();
        assert_eq!(read, made);
        run.check_marker(&read, "plan", "config").unwrap();
        let err = run.check_marker(&read, "other", "config").unwrap_err().to_string();
        assert!(err.contains("another plan"), "{err}");
        std::fs::write(run.shard_dir("ingest", 2, 5).join("a.bin"), b"123").unwrap();
        let err = run.check_marker(&read, "plan", "config").unwrap_err().to_string();
        assert!(err.contains("has 3 bytes, its marker"), "{err}");
        assert!(run.read_marker("ingest", 3, 5).unwrap().is_none());
        // A marker copied to another shard's name is refused.
        std::fs::copy(run.marker_path("ingest", 2, 5), run.marker_path("ingest", 4, 5)).unwrap();
        let err = format!("{:#}", run.read_marker("ingest", 4, 5).unwrap_err());
        assert!(err.contains("is corrupt"), "{err}");
    }
}
