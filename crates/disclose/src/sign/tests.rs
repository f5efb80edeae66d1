use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;

use super::{Error, keygen, sign, verify};

/// A temporary directory with a manifest and the paths of one key pair.
struct Fixture {
    dir: tempfile::TempDir,
    manifest: PathBuf,
    secret_key: PathBuf,
    public_key: PathBuf,
}

impl Fixture {
    fn new() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let manifest = dir.path().join("manifest.json");
        std::fs::write(&manifest, "{\"format\": \"corpusledger-manifest\"}\n").unwrap();
        Fixture {
            secret_key: dir.path().join("key.sec"),
            public_key: dir.path().join("key.pub"),
            manifest,
            dir,
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
}

fn mode(path: &std::path::Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn keygen_writes_the_secret_key_with_mode_0600() {
    let f = Fixture::new();
    let key_id = keygen(&f.secret_key, &f.public_key, None, false).unwrap();
    assert_eq!(mode(&f.secret_key), 0o600);
    let public = std::fs::read_to_string(&f.public_key).unwrap();
    assert_eq!(
        public.lines().next(),
        Some(format!("untrusted comment: minisign public key: {key_id}").as_str())
    );
    let secret = std::fs::read_to_string(&f.secret_key).unwrap();
    assert!(secret.starts_with("untrusted comment: "), "{secret}");
}

#[test]
fn keygen_refuses_to_overwrite_without_force() {
    let f = Fixture::new();
    std::fs::write(&f.public_key, "keep me").unwrap();
    let err = keygen(&f.secret_key, &f.public_key, None, false).unwrap_err();
    assert!(
        matches!(&err, Error::KeyExists { path } if *path == f.public_key),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(&f.public_key).unwrap(), "keep me");
    assert!(!f.secret_key.exists(), "no half key pair is written");
}

#[test]
fn keygen_with_force_replaces_a_readable_file_with_a_0600_one() {
    let f = Fixture::new();
    std::fs::write(&f.secret_key, "old").unwrap();
    std::fs::set_permissions(&f.secret_key, std::fs::Permissions::from_mode(0o644)).unwrap();
    keygen(&f.secret_key, &f.public_key, None, true).unwrap();
    assert_eq!(mode(&f.secret_key), 0o600);
    assert_ne!(std::fs::read_to_string(&f.secret_key).unwrap(), "old");
    let leftovers: Vec<_> = std::fs::read_dir(f.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|name| name.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn sign_then_verify_passes_with_a_deterministic_comment() {
    let f = Fixture::new();
    keygen(&f.secret_key, &f.public_key, None, false).unwrap();
    let signature = sign(&f.manifest, &f.secret_key, None).unwrap();
    assert_eq!(signature, f.path("manifest.json.minisig"));
    verify(&f.manifest, &signature, &f.public_key).unwrap();

    let first = std::fs::read_to_string(&signature).unwrap();
    sign(&f.manifest, &f.secret_key, None).unwrap();
    let second = std::fs::read_to_string(&signature).unwrap();
    let comments = |text: &str| -> Vec<String> { text.lines().step_by(2).map(str::to_owned).collect() };
    assert_eq!(comments(&first), comments(&second));
    assert!(
        first
            .lines()
            .nth(2)
            .unwrap()
            .starts_with("trusted comment: corpusledger manifest sha256:"),
        "{first}"
    );
    assert!(!first.contains("timestamp"), "{first}");
}

#[test]
fn another_keys_public_key_is_a_key_id_mismatch() {
    let f = Fixture::new();
    keygen(&f.secret_key, &f.public_key, None, false).unwrap();
    let (other_secret, other_public) = (f.path("other.sec"), f.path("other.pub"));
    keygen(&other_secret, &other_public, None, false).unwrap();
    let signature = sign(&f.manifest, &f.secret_key, None).unwrap();
    let err = verify(&f.manifest, &signature, &other_public).unwrap_err();
    assert!(matches!(err, Error::KeyIdMismatch { .. }), "{err}");
    assert_eq!(err.code(), "key-id-mismatch");
}

#[test]
fn one_changed_byte_is_a_bad_signature() {
    let f = Fixture::new();
    keygen(&f.secret_key, &f.public_key, None, false).unwrap();
    let signature = sign(&f.manifest, &f.secret_key, None).unwrap();
    let mut bytes = std::fs::read(&f.manifest).unwrap();
    bytes[3] ^= 0x01;
    std::fs::write(&f.manifest, bytes).unwrap();
    let err = verify(&f.manifest, &signature, &f.public_key).unwrap_err();
    assert!(matches!(err, Error::BadSignature { .. }), "{err}");
    assert_eq!(err.code(), "bad-signature");
}

#[test]
fn missing_and_malformed_files_have_their_own_errors() {
    let f = Fixture::new();
    keygen(&f.secret_key, &f.public_key, None, false).unwrap();
    let signature = f.path("manifest.json.minisig");
    let err = verify(&f.manifest, &signature, &f.public_key).unwrap_err();
    assert!(matches!(err, Error::SignatureUnreadable { .. }), "{err}");

    sign(&f.manifest, &f.secret_key, None).unwrap();
    let good = std::fs::read_to_string(&signature).unwrap();
    // A truncated comment signature must be an error, not a panic.
    let lines: Vec<&str> = good.lines().collect();
    let short = format!("{}\n{}\n{}\n{}\n", lines[0], lines[1], lines[2], &lines[3][..20]);
    for broken in ["", "untrusted comment: x\nnot base64\n", short.as_str()] {
        std::fs::write(&signature, broken).unwrap();
        let err = verify(&f.manifest, &signature, &f.public_key).unwrap_err();
        assert!(matches!(err, Error::MalformedSignature { .. }), "{broken:?}: {err}");
    }

    std::fs::write(&signature, good).unwrap();
    std::fs::write(&f.public_key, "untrusted comment: x\nRWQ\n").unwrap();
    let err = verify(&f.manifest, &signature, &f.public_key).unwrap_err();
    assert!(matches!(err, Error::MalformedPublicKey { .. }), "{err}");
}

#[test]
fn an_encrypted_key_needs_its_password() {
    let f = Fixture::new();
    keygen(&f.secret_key, &f.public_key, Some("correct horse"), false).unwrap();
    assert_eq!(mode(&f.secret_key), 0o600);
    let err = sign(&f.manifest, &f.secret_key, None).unwrap_err();
    assert!(matches!(err, Error::PasswordNeeded { .. }), "{err}");
    let err = sign(&f.manifest, &f.secret_key, Some("battery staple")).unwrap_err();
    assert!(matches!(err, Error::WrongPassword { .. }), "{err}");
    let signature = sign(&f.manifest, &f.secret_key, Some("correct horse")).unwrap();
    verify(&f.manifest, &signature, &f.public_key).unwrap();
}
