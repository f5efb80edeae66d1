//! One module per subcommand.

pub mod config;
pub mod licenses;
pub mod lookup;
pub mod run;
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
