//! `corpusledger keygen`: a minisign key pair to sign manifests with.

use anyhow::{Result, anyhow, bail};
use corpusledger_disclose::sign;

use super::PASSWORD_ENV;
use crate::args::KeygenArgs;

pub fn run(args: &KeygenArgs) -> Result<u8> {
    let password = if args.password_env { Some(password()?) } else { None };
    let key_id = sign::keygen(&args.secret_key, &args.public_key, password.as_deref(), args.force).map_err(explain)?;
    eprintln!(
        "wrote secret key {} (mode 0600{}) and public key {} (key id {key_id})",
        args.secret_key.display(),
        if password.is_some() {
            ", encrypted"
        } else {
            ", no password"
        },
        args.public_key.display(),
    );
    eprintln!("keep the secret key private; publish the public key with the manifest");
    Ok(crate::EXIT_OK)
}

/// The new key's password, from the environment.
fn password() -> Result<String> {
    match std::env::var(PASSWORD_ENV) {
        Ok(password) if !password.is_empty() => Ok(password),
        Ok(_) => bail!("{PASSWORD_ENV} is empty; set it to the new key's password, or drop --password-env"),
        Err(std::env::VarError::NotPresent) => {
            bail!("--password-env needs {PASSWORD_ENV}; set it to the new key's password")
        }
        Err(std::env::VarError::NotUnicode(_)) => bail!("{PASSWORD_ENV} is not valid UTF-8"),
    }
}

/// The library's error, with what to do about it.
fn explain(err: sign::Error) -> anyhow::Error {
    match err {
        sign::Error::KeyExists { .. } => {
            anyhow!("{err}; pass --force to replace the key pair, or choose other paths")
        }
        other => anyhow::Error::new(other),
    }
}
