//! `corpusledger config`: print the effective configuration.

use std::io::Write;

use anyhow::Result;

use crate::args::ConfigArgs;

pub fn run(args: &ConfigArgs) -> Result<u8> {
    let config = super::effective_config(&args.settings)?;
    std::io::stdout().write_all(config.to_toml().as_bytes())?;
    Ok(crate::EXIT_OK)
}
