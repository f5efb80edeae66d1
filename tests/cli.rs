//! The `config` subcommand and configuration layering.

use crate::util;

#[test]
fn config_prints_the_effective_configuration_with_overrides() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("c.toml");
    std::fs::write(&file, "threshold = 0.85\nngram = 3\ntokenizer = \"bigcode\"\n").unwrap();
    let output = util::corpusledger(&["config", "--config", file.to_str().unwrap(), "--ngram", "7"]);
    assert!(output.status.success(), "{}", util::stderr(&output));
    let printed: toml::Table = toml::from_str(&String::from_utf8(output.stdout).unwrap()).unwrap();
    assert_eq!(printed["threshold"].as_float(), Some(0.85));
    assert_eq!(printed["ngram"].as_integer(), Some(7));
    assert_eq!(printed["tokenizer"].as_str(), Some("bigcode"));
    assert_eq!(printed["num-perm"].as_integer(), Some(256));
}

#[test]
fn unknown_config_keys_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("c.toml");
    std::fs::write(&file, "treshold = 0.85\n").unwrap();
    let output = util::corpusledger(&["config", "--config", file.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    assert!(util::stderr(&output).contains("treshold"), "{}", util::stderr(&output));
}

#[test]
fn the_shipped_config_is_valid_and_matches_the_defaults() {
    let shipped = util::corpusledger(&["config", "--config", "configs/default.toml"]);
    let defaults = util::corpusledger(&["config"]);
    assert!(shipped.status.success(), "{}", util::stderr(&shipped));
    let parse = |o: &std::process::Output| {
        let mut t: toml::Table = toml::from_str(std::str::from_utf8(&o.stdout).unwrap()).unwrap();
        t.remove("threads");
        t
    };
    assert_eq!(parse(&shipped), parse(&defaults));
}

#[test]
fn json_summary_goes_to_stdout() {
    let out = tempfile::tempdir().unwrap();
    let mut args = vec!["run", "--json", "--out", out.path().to_str().unwrap()];
    for input in util::SAMPLE_INPUTS {
        args.extend(["--input", input]);
    }
    let output = util::corpusledger(&args);
    assert!(output.status.success());
    let summary: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(summary["documents"], util::manifest(out.path())["counts"]["documents"]);
    assert!(summary["problems"].as_array().unwrap().is_empty());
}
