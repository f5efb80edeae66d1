//! `keygen` and `sign` through the binary, checked by the stock `minisign`.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Output};

use crate::util;

/// Runs the stock `minisign -V` on a manifest and its `.minisig`.
fn stock_minisign_verify(manifest: &Path, public_key: &Path) -> Output {
    Command::new("minisign")
        .arg("-Vm")
        .arg(manifest)
        .arg("-p")
        .arg(public_key)
        .output()
        .unwrap_or_else(|err| {
            panic!(
                "cannot run the stock `minisign` binary ({err}); install it (Debian: `apt-get install minisign`), as .ci/run does"
            )
        })
}

fn path_str(path: &Path) -> &str {
    path.to_str().unwrap()
}

#[test]
fn stock_minisign_accepts_a_signed_sample_manifest_and_rejects_a_changed_one() {
    let out = tempfile::tempdir().unwrap();
    let run = util::run(&util::SAMPLE_INPUTS, out.path(), &[]);
    assert_eq!(run.status.code(), Some(0), "{}", util::stderr(&run));
    let keys = tempfile::tempdir().unwrap();
    let (secret_key, public_key) = (keys.path().join("key.sec"), keys.path().join("key.pub"));

    let keygen = util::corpusledger(&[
        "keygen",
        "--secret-key",
        path_str(&secret_key),
        "--public-key",
        path_str(&public_key),
    ]);
    assert_eq!(keygen.status.code(), Some(0), "{}", util::stderr(&keygen));
    let mode = std::fs::metadata(&secret_key).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);

    let sign = util::corpusledger(&["sign", path_str(out.path()), "--key", path_str(&secret_key)]);
    assert_eq!(sign.status.code(), Some(0), "{}", util::stderr(&sign));
    let manifest = out.path().join("manifest.json");
    let signature = std::fs::read_to_string(out.path().join("manifest.json.minisig")).unwrap();
    assert!(
        signature.contains("trusted comment: corpusledger manifest sha256:"),
        "{signature}"
    );

    let accepted = stock_minisign_verify(&manifest, &public_key);
    assert!(accepted.status.success(), "{}", util::stderr(&accepted));

    let mut bytes = std::fs::read(&manifest).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x01;
    std::fs::write(&manifest, bytes).unwrap();
    let rejected = stock_minisign_verify(&manifest, &public_key);
    assert!(!rejected.status.success(), "stock minisign accepted a changed manifest");
}

#[test]
fn keygen_refuses_to_overwrite_and_sign_names_a_missing_manifest() {
    let dir = tempfile::tempdir().unwrap();
    let (secret_key, public_key) = (dir.path().join("key.sec"), dir.path().join("key.pub"));
    let keygen = || {
        util::corpusledger(&[
            "keygen",
            "--secret-key",
            path_str(&secret_key),
            "--public-key",
            path_str(&public_key),
        ])
    };
    assert_eq!(keygen().status.code(), Some(0));
    let again = keygen();
    assert_eq!(again.status.code(), Some(2));
    assert!(util::stderr(&again).contains("--force"), "{}", util::stderr(&again));

    let sign = util::corpusledger(&["sign", path_str(dir.path()), "--key", path_str(&secret_key)]);
    assert_eq!(sign.status.code(), Some(2));
    assert!(util::stderr(&sign).contains("manifest.json"), "{}", util::stderr(&sign));
}
