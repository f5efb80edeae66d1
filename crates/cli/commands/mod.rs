//! One module per subcommand.

pub mod amend;
pub mod config;
pub mod datasheet;
pub mod diff;
pub mod export;
pub mod keygen;
pub mod licenses;
pub mod lookup;
pub mod prove;
pub mod release;
pub mod run;
pub mod sign;
pub mod slurm;
pub mod stages;
pub mod verify;

use anyhow::Result;

use crate::args::Settings;
use crate::config::{Config, ConfigFile};

/// Defaults, then the config file, then flags; validated.
pub fn effective_config(settings: &Settings) -> Result<Config> {
    let file = match &settings.config {
        Some(path) => ConfigFile::load(path)?,
        None => ConfigFile::default(),
    };
    file.overridden_by(settings.as_layer()).resolve()
}

/// The output directory of a configuration that can run: one with an
/// output directory and at least one input.
pub fn out_dir_of(config: &Config) -> Result<std::path::PathBuf> {
    let Some(out_dir) = config.out.clone() else {
        anyhow::bail!("no output directory: give --out DIR (or `out` in the config file)");
    };
    if config.input.is_empty() {
        anyhow::bail!(
            "no input: give --input PATH (a directory, .jsonl[.gz|.zst], .parquet or a Stack Exchange dump), or `input` in the config file"
        );
    }
    Ok(out_dir)
}

/// The worker threads a command runs its stages on.
pub fn thread_pool(config: &Config) -> Result<rayon::ThreadPool> {
    use anyhow::Context;
    rayon::ThreadPoolBuilder::new()
        .num_threads(config.threads)
        .build()
        .context("cannot start worker threads")
}

/// The environment variable that holds the password of an encrypted secret
/// key: never a flag, so it stays out of shell history and `ps`.
pub const PASSWORD_ENV: &str = "CORPUSLEDGER_KEY_PASSWORD";
