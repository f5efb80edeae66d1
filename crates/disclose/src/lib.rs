//! Publishing the disclosure manifest so that anyone can check it.
//!
//! [`sign`] makes minisign key pairs ([`sign::keygen`]), writes a detached
//! minisign signature next to a manifest ([`sign::sign`]) and checks one
//! ([`sign::verify`]). The files are in the stock minisign formats, so
//! `minisign -Vm manifest.json -p key.pub` accepts what this crate signs.
//!
//! ```
//! use corpusledger_disclose::sign;
//!
//! let dir = tempfile::tempdir()?;
//! let (secret_key, public_key) = (dir.path().join("key.sec"), dir.path().join("key.pub"));
//! let manifest = dir.path().join("manifest.json");
//! std::fs::write(&manifest, "{}\n")?;
//!
//! sign::keygen(&secret_key, &public_key, None, false)?;
//! let signature = sign::sign(&manifest, &secret_key, None)?;
//! assert_eq!(signature, dir.path().join("manifest.json.minisig"));
//! sign::verify(&manifest, &signature, &public_key)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![deny(missing_docs)]

pub mod sign;
