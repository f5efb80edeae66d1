//! Minisign key pairs and detached signatures of the manifest.
//!
//! Keys and signatures are in the stock minisign file formats, so anyone can
//! check a published manifest with `minisign -Vm manifest.json -p key.pub`,
//! without corpusledger.
//!
//! This uses the [`minisign`] crate, by the author of minisign: it reads and
//! writes exactly the stock formats, is pure Rust (no libsodium to link), is
//! MIT licensed, and has a non-interactive API for key generation and
//! decryption (it prompts only when given no password, which this module
//! never does).
//!
//! Signatures are prehashed (`ED`, BLAKE2b-512 of the manifest), as current
//! minisign writes them by default. The trusted comment is
//! `corpusledger manifest sha256:<hex>`, with no timestamp, so signing the same
//! manifest with the same key gives the same comments. The crate hedges
//! Ed25519 with random noise, so the two 64-byte signature values differ from
//! one signing to the next; each of them verifies.

use std::fmt;
use std::fs::{self, OpenOptions};
use std::io::{self, Cursor, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use minisign::{ErrorKind, KeyPair, PError, PublicKey, PublicKeyBox, SecretKey, SecretKeyBox, SignatureBox};
use sha2::{Digest, Sha256};

/// The suffix of a detached signature: `manifest.json.minisig`.
pub const SIGNATURE_SUFFIX: &str = ".minisig";

/// The untrusted comment of the signatures this module writes.
const SIGNATURE_COMMENT: &str = "signature from corpusledger secret key";

/// The start of the base64 key line of a secret key without a password: the
/// bytes `Ed` (Ed25519), two zero bytes (no key derivation) and `B2` (BLAKE2b
/// checksum).
const UNENCRYPTED_KEY_PREFIX: &str = "RWQAAEIy";
/// The same, for a key encrypted with a password: `Ed`, `Sc` (scrypt), `B2`.
const ENCRYPTED_KEY_PREFIX: &str = "RWRTY0Iy";

/// Base64 characters of a 64-byte Ed25519 signature.
const SIGNATURE_BASE64_LEN: usize = 88;

/// Errors of key generation, signing and verification.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A key file exists and overwriting was not allowed.
    #[error("{}: already exists; refusing to overwrite a key", path.display())]
    KeyExists {
        /// The existing file.
        path: PathBuf,
    },
    /// The secret and the public key were given the same path.
    #[error("{}: the secret and the public key need different files", path.display())]
    SamePath {
        /// The path given twice.
        path: PathBuf,
    },
    /// A file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: io::Error,
    },
    /// No key pair could be generated.
    #[error("cannot generate a key pair: {source}")]
    Generate {
        /// The cause.
        source: PError,
    },
    /// The secret key file is not a minisign secret key.
    #[error("{}: not a minisign secret key: {reason}", path.display())]
    MalformedSecretKey {
        /// The key file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// The secret key is encrypted and no password was given.
    #[error("{}: the secret key is encrypted and no password was given", path.display())]
    PasswordNeeded {
        /// The key file.
        path: PathBuf,
    },
    /// The password does not decrypt the secret key.
    #[error("{}: wrong password for this secret key", path.display())]
    WrongPassword {
        /// The key file.
        path: PathBuf,
    },
    /// Signing failed.
    #[error("{}: cannot sign: {source}", path.display())]
    Sign {
        /// The file being signed.
        path: PathBuf,
        /// The cause.
        source: PError,
    },
    /// The signature file is missing or cannot be read.
    #[error("{}: cannot read the signature: {source}", path.display())]
    SignatureUnreadable {
        /// The signature file.
        path: PathBuf,
        /// The cause.
        source: io::Error,
    },
    /// The signature file is not a minisign signature.
    #[error("{}: not a minisign signature: {reason}", path.display())]
    MalformedSignature {
        /// The signature file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// The public key file is not a minisign public key.
    #[error("{}: not a minisign public key: {reason}", path.display())]
    MalformedPublicKey {
        /// The key file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// The signature was made by another key than the public key given.
    #[error(
        "{}: signed by key {signature_key}, but the public key is {public_key}; check that you have the publisher's public key",
        signature_path.display()
    )]
    KeyIdMismatch {
        /// The signature file.
        signature_path: PathBuf,
        /// The key id in the signature.
        signature_key: KeyId,
        /// The key id of the public key.
        public_key: KeyId,
    },
    /// The signature does not match the file: one of them changed after signing.
    #[error(
        "{}: the signature {} does not match; the file or its signature was changed after signing",
        path.display(),
        signature_path.display()
    )]
    BadSignature {
        /// The signed file.
        path: PathBuf,
        /// The signature file.
        signature_path: PathBuf,
    },
}

impl Error {
    /// A stable kebab-case code for each kind of error, for reports.
    pub fn code(&self) -> &'static str {
        match self {
            Error::KeyExists { .. } => "key-exists",
            Error::SamePath { .. } => "same-key-path",
            Error::Io { .. } => "io",
            Error::Generate { .. } => "key-generation-failed",
            Error::MalformedSecretKey { .. } => "secret-key-malformed",
            Error::PasswordNeeded { .. } => "password-needed",
            Error::WrongPassword { .. } => "wrong-password",
            Error::Sign { .. } => "signing-failed",
            Error::SignatureUnreadable { .. } => "signature-unreadable",
            Error::MalformedSignature { .. } => "signature-malformed",
            Error::MalformedPublicKey { .. } => "public-key-malformed",
            Error::KeyIdMismatch { .. } => "key-id-mismatch",
            Error::BadSignature { .. } => "bad-signature",
        }
    }
}

/// The result type of this module.
pub type Result<T> = std::result::Result<T, Error>;

/// A minisign key id, shown as minisign shows it: 16 upper-case hex digits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeyId([u8; 8]);

impl KeyId {
    fn from_keynum(keynum: &[u8]) -> KeyId {
        let mut bytes = [0; 8];
        bytes.copy_from_slice(&keynum[..8]);
        KeyId(bytes)
    }
}

impl fmt::Display for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:016X}", u64::from_le_bytes(self.0))
    }
}

/// Writes a new key pair: the secret key to `secret_key_path` (mode 0600 from
/// its creation on), the public key to `public_key_path`. With a password the
/// secret key is encrypted with it (scrypt), as minisign does; without one it
/// is stored unencrypted, as `minisign -G -W` does. Existing files are an
/// error unless `force`. Returns the key id.
pub fn keygen(secret_key_path: &Path, public_key_path: &Path, password: Option<&str>, force: bool) -> Result<KeyId> {
    if secret_key_path == public_key_path {
        return Err(Error::SamePath {
            path: secret_key_path.to_owned(),
        });
    }
    if !force {
        // Checked before anything is written, so a refusal leaves no half pair.
        if let Some(path) = [secret_key_path, public_key_path].into_iter().find(|p| p.exists()) {
            return Err(Error::KeyExists { path: path.to_owned() });
        }
    }
    let generated = match password {
        Some(password) => KeyPair::generate_encrypted_keypair(Some(password.to_owned())),
        None => KeyPair::generate_unencrypted_keypair(),
    };
    let KeyPair { pk, sk } = generated.map_err(|source| Error::Generate { source })?;
    let comment = match password {
        Some(_) => "minisign encrypted secret key",
        None => "minisign unencrypted secret key",
    };
    let secret_box = sk.to_box(Some(comment)).map_err(|source| Error::Generate { source })?;
    let public_box = pk.to_box().map_err(|source| Error::Generate { source })?;
    write_file(secret_key_path, &secret_box.to_bytes(), 0o600, force)?;
    write_file(public_key_path, &public_box.to_bytes(), 0o644, force)?;
    Ok(KeyId::from_keynum(pk.keynum()))
}

/// Signs `manifest_path` with the secret key and writes the detached
/// signature to `manifest_path` + [`SIGNATURE_SUFFIX`], replacing one that is
/// there. `password` is needed only for an encrypted key. Returns the
/// signature's path.
pub fn sign(manifest_path: &Path, secret_key_path: &Path, password: Option<&str>) -> Result<PathBuf> {
    let secret_key = read_secret_key(secret_key_path, password)?;
    let manifest = read(manifest_path)?;
    let sign_error = |source| Error::Sign {
        path: manifest_path.to_owned(),
        source,
    };
    let public_key = PublicKey::from_secret_key(&secret_key).map_err(sign_error)?;
    let signature = minisign::sign(
        Some(&public_key),
        &secret_key,
        Cursor::new(&manifest),
        Some(&trusted_comment(&manifest)),
        Some(SIGNATURE_COMMENT),
    )
    .map_err(sign_error)?;
    let signature_path = signature_path(manifest_path);
    write_file(&signature_path, &signature.to_bytes(), 0o644, true)?;
    Ok(signature_path)
}

/// Checks that `signature_path` is a valid minisign signature of
/// `manifest_path` by the key in `public_key_path`. Accepts what stock
/// `minisign -V` accepts, legacy (not prehashed) signatures included.
pub fn verify(manifest_path: &Path, signature_path: &Path, public_key_path: &Path) -> Result<()> {
    let signature = read_signature(signature_path)?;
    let public_key = read_public_key(public_key_path)?;
    let signature_key = KeyId::from_keynum(signature.keynum());
    let public_key_id = KeyId::from_keynum(public_key.keynum());
    if signature_key != public_key_id {
        return Err(Error::KeyIdMismatch {
            signature_path: signature_path.to_owned(),
            signature_key,
            public_key: public_key_id,
        });
    }
    let manifest = read(manifest_path)?;
    minisign::verify(&public_key, &signature, Cursor::new(&manifest), true, false, true).map_err(|_| {
        Error::BadSignature {
            path: manifest_path.to_owned(),
            signature_path: signature_path.to_owned(),
        }
    })
}

/// Where [`sign`] writes the signature of `manifest_path`.
pub fn signature_path(manifest_path: &Path) -> PathBuf {
    let mut path = manifest_path.as_os_str().to_owned();
    path.push(SIGNATURE_SUFFIX);
    PathBuf::from(path)
}

/// The trusted (signed) comment: what was signed, without a timestamp.
fn trusted_comment(manifest: &[u8]) -> String {
    let digest = Sha256::digest(manifest);
    let hex: String = digest.iter().map(|byte| format!("{byte:02x}")).collect();
    format!("corpusledger manifest sha256:{hex}")
}

fn read(path: &Path) -> Result<Vec<u8>> {
    fs::read(path).map_err(|source| Error::Io {
        path: path.to_owned(),
        source,
    })
}

fn read_secret_key(path: &Path, password: Option<&str>) -> Result<SecretKey> {
    let malformed = |reason: String| Error::MalformedSecretKey {
        path: path.to_owned(),
        reason,
    };
    let text = String::from_utf8(read(path)?).map_err(|_| malformed("not text".into()))?;
    let key_line = text
        .lines()
        .nth(1)
        .ok_or_else(|| malformed("expected a comment line, then a key line".into()))?;
    let key_box = SecretKeyBox::from_string(&text).map_err(|e| malformed(e.to_string()))?;
    if key_line.starts_with(UNENCRYPTED_KEY_PREFIX) {
        // A password given for an unencrypted key is not needed, and ignored.
        return SecretKey::from_unencrypted_box(key_box).map_err(|e| malformed(e.to_string()));
    }
    if !key_line.starts_with(ENCRYPTED_KEY_PREFIX) {
        return Err(malformed("not an Ed25519 key of minisign's format".into()));
    }
    let password = password.ok_or_else(|| Error::PasswordNeeded { path: path.to_owned() })?;
    SecretKey::from_box(key_box, Some(password.to_owned())).map_err(|e| match e.kind() {
        // The checksum of the decrypted key does not match.
        ErrorKind::Verify => Error::WrongPassword { path: path.to_owned() },
        _ => malformed(e.to_string()),
    })
}

fn read_public_key(path: &Path) -> Result<PublicKey> {
    let malformed = |reason: String| Error::MalformedPublicKey {
        path: path.to_owned(),
        reason,
    };
    let text = String::from_utf8(read(path)?).map_err(|_| malformed("not text".into()))?;
    let key_box = PublicKeyBox::from_string(&text).map_err(|e| malformed(e.to_string()))?;
    PublicKey::from_box(key_box).map_err(|e| malformed(e.to_string()))
}

fn read_signature(path: &Path) -> Result<SignatureBox> {
    let malformed = |reason: String| Error::MalformedSignature {
        path: path.to_owned(),
        reason,
    };
    let bytes = fs::read(path).map_err(|source| Error::SignatureUnreadable {
        path: path.to_owned(),
        source,
    })?;
    let text = String::from_utf8(bytes).map_err(|_| malformed("not text".into()))?;
    // minisign 0.10 slices the comment signature (fourth line) without
    // checking its length, and panics on a short one: reject it here.
    let comment_signature = text.lines().nth(3).unwrap_or_default().trim();
    if comment_signature.len() < SIGNATURE_BASE64_LEN {
        return Err(malformed(
            "the fourth line is not a signature of the trusted comment".into(),
        ));
    }
    SignatureBox::from_string(&text).map_err(|e| malformed(e.to_string()))
}

/// Writes `bytes` to a new file that has `mode` from its creation on.
/// Without `force` an existing file is an error. With it, the bytes go to a
/// new temporary file beside `path`, renamed over it: a replaced file never
/// keeps the old one's mode, and readers never see half a file.
fn write_file(path: &Path, bytes: &[u8], mode: u32, force: bool) -> Result<()> {
    let io_error = |source| Error::Io {
        path: path.to_owned(),
        source,
    };
    if !force {
        return create_new(path, bytes, mode).map_err(|source| match source.kind() {
            io::ErrorKind::AlreadyExists => Error::KeyExists { path: path.to_owned() },
            _ => io_error(source),
        });
    }
    let mut temporary = path.as_os_str().to_owned();
    temporary.push(format!(".{}.tmp", std::process::id()));
    let temporary = PathBuf::from(temporary);
    create_new(&temporary, bytes, mode)
        .and_then(|()| fs::rename(&temporary, path))
        .map_err(|source| {
            let _ = fs::remove_file(&temporary);
            io_error(source)
        })
}

fn create_new(path: &Path, bytes: &[u8], mode: u32) -> io::Result<()> {
    let mut file = OpenOptions::new().write(true).create_new(true).mode(mode).open(path)?;
    let written = file.write_all(bytes).and_then(|()| file.sync_all());
    if written.is_err() {
        let _ = fs::remove_file(path);
    }
    written
}

#[cfg(test)]
mod tests;
