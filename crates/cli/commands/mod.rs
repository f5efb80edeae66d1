//! One module per subcommand.

pub mod config;
pub mod datasheet;
pub mod export;
pub mod keygen;
pub mod licenses;
pub mod lookup;
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

/// The environment variable that holds the password of an encrypted secret
/// key: never a flag, so it stays out of shell history and `ps`.
pub const PASSWORD_ENV: &str = "CORPUSLEDGER_KEY_PASSWORD";
