//! Bad input: each problem is named with its file (and line or row) and what
//! to do; the run goes on with everything else, and says so in its exit code.

use std::path::Path;
use std::process::Command;
use std::sync::Arc;

use arrow::array::{RecordBatch, StringArray};
use arrow::datatypes::{DataType, Field, Schema};

use crate::util::{self, get};

fn write_fixtures(dir: &Path) {
    std::fs::create_dir_all(dir.join("tree/repo")).unwrap();
    std::fs::write(
        dir.join("tree/repo/ok.rs"),
        "fn ok() -> u32 { let a = 1; let b = 2; a + b }\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("tree/repo/secret.rs"),
        "fn secret() -> u32 { 42 + 1 + 2 + 3 }\n",
    )
    .unwrap();
    set_mode(&dir.join("tree/repo/secret.rs"), 0o000);

    let jsonl = "{\"text\": \"fn first() { println!(\\\"one two three four\\\"); }\"}\nnot json at all\n{\"text\": \"fn third() { println!(\\\"five six seven eight\\\"); }\"}\n";
    std::fs::write(dir.join("bad.jsonl"), jsonl).unwrap();

    // Many zstd blocks (128 KiB each), so the lines before the damage decode.
    let word = |i: u64| format!("w{:x}", i.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 40);
    let lines: String = (0..20_000u64)
        .map(|i| {
            format!(
                "{{\"text\": \"fn f{i}() {{ {} {} {} {} {} }}\"}}\n",
                word(i),
                word(i + 1),
                word(i * 3),
                word(i * 7),
                word(i * 11)
            )
        })
        .collect();
    let compressed = zstd::encode_all(lines.as_bytes(), 1).unwrap();
    let mut corrupt = compressed[..compressed.len() / 2].to_vec();
    corrupt.extend_from_slice(&[0xff; 64]);
    std::fs::write(dir.join("corrupt.jsonl.zst"), corrupt).unwrap();

    let schema = Arc::new(Schema::new(vec![Field::new("body", DataType::Utf8, false)]));
    let batch = RecordBatch::try_new(schema.clone(), vec![Arc::new(StringArray::from(vec!["a", "b", "c"]))]).unwrap();
    let file = std::fs::File::create(dir.join("nocontent.parquet")).unwrap();
    let mut writer = parquet::arrow::ArrowWriter::try_new(file, schema, None).unwrap();
    writer.write(&batch).unwrap();
    writer.close().unwrap();
}

fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

#[test]
fn each_bad_input_is_named_and_the_run_goes_on() {
    let fixtures = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    write_fixtures(fixtures.path());
    let p = |name: &str| fixtures.path().join(name).to_string_lossy().into_owned();
    let inputs = [
        p("tree"),
        p("bad.jsonl"),
        p("corrupt.jsonl.zst"),
        p("nocontent.parquet"),
        p("does/not/exist"),
    ];
    let mut args = vec![
        "run".to_owned(),
        "--out".to_owned(),
        out.path().to_string_lossy().into_owned(),
    ];
    for input in &inputs {
        args.extend(["--input".to_owned(), input.clone()]);
    }
    // Root reads any file whatever its mode, so run as `nobody` to make the
    // unreadable file really unreadable.
    let output = if util::is_root() {
        for dir in [fixtures.path(), out.path()] {
            set_mode(dir, 0o777);
        }
        Command::new("setpriv")
            .args(["--reuid=65534", "--regid=65534", "--clear-groups", util::BIN])
            .args(&args)
            .output()
            .expect("setpriv (util-linux) runs the binary as nobody")
    } else {
        Command::new(util::BIN).args(&args).output().unwrap()
    };
    let stderr = util::stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    for expected in [
        format!("cannot read input {}", p("does/not/exist")),
        format!("{}/repo/secret.rs", p("tree")),
        format!("{}:2: parse-error: line 2 is not a JSON object", p("bad.jsonl")),
        "stream broke at line".to_owned(),
        format!("{}:0: parse-error: no content column", p("nocontent.parquet")),
    ] {
        assert!(stderr.contains(&expected), "stderr lacks `{expected}`:\n{stderr}");
    }
    assert!(stderr.contains("check the path"), "{stderr}");
    assert!(stderr.contains("Permission denied"), "{stderr}");

    let manifest = util::manifest(out.path());
    let counts = &manifest["counts"];
    util::counts_add_up(&manifest);
    assert_eq!(counts["rejected"]["unreadable"].as_u64(), Some(2), "{counts}");
    // Line 2 of bad.jsonl, and each of the three rows of nocontent.parquet.
    assert_eq!(counts["rejected"]["parse-error"].as_u64(), Some(4), "{counts}");
    let missing = manifest["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["label"].as_str() == Some(&p("does/not/exist")))
        .unwrap();
    assert!(missing["error"].as_str().unwrap().contains("check the path"));

    let kept = util::data_rows(out.path());
    assert!(kept.iter().any(|r| get(r, "key") == Some("repo/ok.rs")));
    assert_eq!(
        kept.iter().filter(|r| get(r, "input") == Some(&p("bad.jsonl"))).count(),
        2
    );
    let from_corrupt = kept
        .iter()
        .filter(|r| get(r, "input") == Some(&p("corrupt.jsonl.zst")))
        .count();
    assert!(
        from_corrupt > 1000 && from_corrupt < 20_000,
        "{from_corrupt} lines before the corruption"
    );
}

#[test]
fn missing_output_or_input_flags_exit_2_with_a_hint() {
    let output = util::corpusledger(&["run", "--input", "sample-data/repos"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(util::stderr(&output).contains("give --out DIR"));
    let output = util::corpusledger(&["run", "--out", "/tmp/x", "--threshold", "2"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        util::stderr(&output).contains("`threshold`"),
        "{}",
        util::stderr(&output)
    );
}
