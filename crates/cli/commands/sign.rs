//! `corpusledger sign`: a detached minisign signature of the manifest.

use std::path::{Path, PathBuf};

use anyhow::{Result, anyhow, bail};
use corpusledger_disclose::sign;

use super::PASSWORD_ENV;
use crate::args::SignArgs;

pub fn run(args: &SignArgs) -> Result<u8> {
    let manifest = manifest_path(&args.target)?;
    let password = password()?;
    let signature = sign::sign(&manifest, &args.key, password.as_deref()).map_err(explain)?;
    eprintln!("signed {}: {}", manifest.display(), signature.display());
    Ok(crate::EXIT_OK)
}

/// `DIR/manifest.json` for a directory, else the file itself.
fn manifest_path(target: &Path) -> Result<PathBuf> {
    let manifest = if target.is_dir() {
        target.join("manifest.json")
    } else {
        target.to_owned()
    };
    if !manifest.is_file() {
        bail!(
            "{}: no manifest here; give an output directory of `corpusledger run` or its manifest.json",
            manifest.display()
        );
    }
    Ok(manifest)
}

/// The secret key's password, if the environment has one; an unencrypted
/// key needs none.
fn password() -> Result<Option<String>> {
    match std::env::var(PASSWORD_ENV) {
        Ok(password) if !password.is_empty() => Ok(Some(password)),
        Ok(_) | Err(std::env::VarError::NotPresent) => Ok(None),
        Err(std::env::VarError::NotUnicode(_)) => bail!("{PASSWORD_ENV} is not valid UTF-8"),
    }
}

/// The library's error, with what to do about it.
fn explain(err: sign::Error) -> anyhow::Error {
    match err {
        sign::Error::PasswordNeeded { .. } => anyhow!("{err}; set {PASSWORD_ENV} to the key's password"),
        sign::Error::WrongPassword { .. } => anyhow!("{err}; check the password in {PASSWORD_ENV}"),
        sign::Error::MalformedSecretKey { .. } => {
            anyhow!("{err}; give --key the secret key from `corpusledger keygen` or `minisign -G`")
        }
        other => anyhow::Error::new(other),
    }
}
