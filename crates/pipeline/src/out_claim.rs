//! Which run an output directory belongs to. A run claims its output
//! directory before it writes or removes anything there: a small file names
//! the configuration hash, and it goes once the manifest is written (from
//! then on the manifest's own configuration says whose dataset it is). A
//! directory that holds another run's dataset, another run's unfinished
//! output or files that are not corpusledger's is refused unless the user
//! says `--overwrite`; a run with the same configuration goes on, so a rerun
//! after a crash needs no flag.
//!
//! The dataset card, `README.md`, is a common name: a run replaces or
//! removes only its own card (its front matter holds
//! [`corpusledger_datasheet::CARD_MARKER`]), and refuses, even with
//! `--overwrite`, a directory whose `README.md` is someone else's.

use std::path::Path;

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::rundir::write_atomic;
use super::write::{CARD, MANIFEST};

/// The claim file, in the output directory while a run writes it.
pub const CLAIM: &str = ".corpusledger-run.json";

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
struct Claim {
    format: String,
    config_hash: String,
}

const FORMAT: &str = "corpusledger-output-claim";

/// What an output directory holds.
#[derive(Debug, PartialEq, Eq)]
pub enum Holder {
    /// Nothing: missing or empty.
    Empty,
    /// A run's output, finished or not, with its configuration hash.
    Run { config_hash: String, finished: bool },
    /// Something else: a damaged claim or manifest, or other files (named).
    Other(String),
}

/// Reads what `out_dir` holds, without changing it.
pub fn holder(out_dir: &Path) -> Result<Holder> {
    let claim_path = out_dir.join(CLAIM);
    match std::fs::read(&claim_path) {
        Ok(bytes) => {
            return Ok(match serde_json::from_slice::<Claim>(&bytes) {
                Ok(claim) if claim.format == FORMAT => Holder::Run {
                    config_hash: claim.config_hash,
                    finished: false,
                },
                _ => Holder::Other(format!("a damaged {CLAIM}")),
            });
        }
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
        Err(err) => return Err(err).with_context(|| format!("cannot read {}", claim_path.display())),
    }
    let manifest_path = out_dir.join(MANIFEST);
    match std::fs::read(&manifest_path) {
        Ok(bytes) => {
            let config = serde_json::from_slice::<serde_json::Value>(&bytes)
                .ok()
                .and_then(|m| m.get("config").cloned());
            return Ok(match config {
                Some(config) => Holder::Run {
                    config_hash: hash_of(&config),
                    finished: true,
                },
                None => Holder::Other(format!("a {MANIFEST} that is not corpusledger's or is damaged")),
            });
        }
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
        Err(err) => return Err(err).with_context(|| format!("cannot read {}", manifest_path.display())),
    }
    let entries = match std::fs::read_dir(out_dir) {
        Ok(entries) => entries,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(Holder::Empty),
        Err(err) => return Err(err).with_context(|| format!("cannot list {}", out_dir.display())),
    };
    let mut names: Vec<String> = entries
        .map(|e| e.map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect::<std::io::Result<_>>()
        .with_context(|| format!("cannot list {}", out_dir.display()))?;
    // Our own card, left without its manifest, is no one else's file.
    if card_state(out_dir)? == CardState::Ours {
        names.retain(|name| name != CARD);
    }
    if names.is_empty() {
        return Ok(Holder::Empty);
    }
    names.sort();
    let shown = names.len().min(3);
    let more = if names.len() > shown {
        format!(" and {} more", names.len() - shown)
    } else {
        String::new()
    };
    Ok(Holder::Other(format!(
        "files that are not a corpusledger run ({}{more})",
        names[..shown].join(", ")
    )))
}

/// The configuration hash of a manifest's `config` object, as
/// [`super::rundir::config_hash`] computes it for a configuration.
fn hash_of(config: &serde_json::Value) -> String {
    let canonical = serde_json::to_vec(config).expect("JSON serialises");
    super::hex(&Sha256::digest(canonical))
}

/// What `README.md` in an output directory is.
#[derive(Debug, PartialEq, Eq)]
pub enum CardState {
    /// There is none.
    Absent,
    /// A dataset card corpusledger wrote.
    Ours,
    /// Something else: a file without the card's marker, or not a file.
    Theirs,
}

/// Whether `out_dir/README.md` is corpusledger's card (a symlink is never
/// followed, and never ours).
pub fn card_state(out_dir: &Path) -> Result<CardState> {
    let path = out_dir.join(CARD);
    let meta = match std::fs::symlink_metadata(&path) {
        Ok(meta) => meta,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(CardState::Absent),
        Err(err) => return Err(err).with_context(|| format!("cannot read {}", path.display())),
    };
    if !meta.is_file() {
        return Ok(CardState::Theirs);
    }
    let bytes = std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
    Ok(match std::str::from_utf8(&bytes) {
        Ok(text) if corpusledger_datasheet::is_card(text) => CardState::Ours,
        _ => CardState::Theirs,
    })
}

/// Refuses `out_dir` when its `README.md` is not corpusledger's card: the
/// run would replace it, and `--overwrite` only ever replaces our files.
fn check_card(out_dir: &Path) -> Result<()> {
    if card_state(out_dir)? == CardState::Theirs {
        bail!(
            "output directory {} has a {CARD} that is not a corpusledger dataset card (its front matter lacks the \
             corpusledger-card line): the run writes its card there and never replaces someone else's file, even \
             with --overwrite; move {CARD} away or give another --out",
            out_dir.display()
        );
    }
    Ok(())
}

/// Refuses `out_dir` when it holds anything but this configuration's run,
/// unless `overwrite`; then claims it for this configuration.
pub fn claim(out_dir: &Path, config_hash: &str, overwrite: bool) -> Result<()> {
    check_card(out_dir)?;
    let held = holder(out_dir)?;
    let ours = match &held {
        Holder::Empty => true,
        Holder::Run {
            config_hash: theirs, ..
        } => theirs == config_hash,
        Holder::Other(_) => false,
    };
    if !ours && !overwrite {
        let what = match held {
            Holder::Run {
                config_hash: theirs,
                finished,
            } => format!(
                "{} made with another configuration (hash {}, this one is {})",
                if finished { "a dataset" } else { "an unfinished run" },
                short(&theirs),
                short(config_hash)
            ),
            Holder::Other(what) => what,
            Holder::Empty => unreachable!("an empty directory is anyone's"),
        };
        bail!(
            "output directory {} holds {what}: give --overwrite to replace it (only corpusledger's outputs are removed), or another --out",
            out_dir.display()
        );
    }
    std::fs::create_dir_all(out_dir)
        .with_context(|| format!("cannot create output directory {}", out_dir.display()))?;
    let claim = Claim {
        format: FORMAT.to_owned(),
        config_hash: config_hash.to_owned(),
    };
    let bytes = serde_json::to_vec_pretty(&claim).expect("the claim serialises");
    write_atomic(&out_dir.join(CLAIM), &bytes)
}

/// Checks, before a task writes into `out_dir`, that the directory is still
/// this configuration's (claimed when the plan was made).
pub fn check_claimed(out_dir: &Path, config_hash: &str) -> Result<()> {
    check_card(out_dir)?;
    match holder(out_dir)? {
        Holder::Run {
            config_hash: theirs, ..
        } if theirs == config_hash => Ok(()),
        Holder::Empty => claim(out_dir, config_hash, false),
        other => bail!(
            "output directory {} no longer holds this plan's run ({}): another run took it; make the plan again (with --overwrite to take it back)",
            out_dir.display(),
            match other {
                Holder::Run { config_hash, .. } => format!("it holds configuration {}", short(&config_hash)),
                Holder::Other(what) => format!("it holds {what}"),
                Holder::Empty => unreachable!(),
            }
        ),
    }
}

/// Removes the claim once the manifest is written.
pub fn release(out_dir: &Path) -> Result<()> {
    let path = out_dir.join(CLAIM);
    match std::fs::remove_file(&path) {
        Err(err) if err.kind() != std::io::ErrorKind::NotFound => {
            Err(err).with_context(|| format!("cannot remove {}", path.display()))
        }
        _ => super::rundir::sync_dir(out_dir),
    }
}

fn short(hash: &str) -> &str {
    &hash[..hash.len().min(12)]
}
