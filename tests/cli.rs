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

/// A shell glob gives `--input a.parquet b.parquet`: every path after one
/// `--input` is an input, as with one `--input` per path.
#[test]
fn several_paths_after_one_input_are_all_inputs() {
    let one_flag = tempfile::tempdir().unwrap();
    let mut args = vec!["run", "--quiet", "--out", one_flag.path().to_str().unwrap(), "--input"];
    args.extend(util::SAMPLE_INPUTS);
    args.extend(["--threads", "1"]);
    let output = util::corpusledger(&args);
    assert!(output.status.success(), "{}", util::stderr(&output));

    let repeated = tempfile::tempdir().unwrap();
    let output = util::run(&util::SAMPLE_INPUTS, repeated.path(), &["--threads", "1"]);
    assert!(output.status.success(), "{}", util::stderr(&output));

    let inputs = |out: &std::path::Path| -> Vec<String> {
        let manifest = util::manifest(out);
        manifest["inputs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|input| input["label"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(inputs(one_flag.path()).len(), util::SAMPLE_INPUTS.len());
    assert_eq!(inputs(one_flag.path()), inputs(repeated.path()));
    assert_eq!(
        std::fs::read(one_flag.path().join("manifest.json")).unwrap(),
        std::fs::read(repeated.path().join("manifest.json")).unwrap(),
        "one --input with three paths and three --input flags plan the same run"
    );
}

/// Several paths after `--input` end at the next flag, and `--input` can
/// still be repeated and mixed with them.
#[test]
fn input_lists_and_repeated_input_flags_mix() {
    let [tree, jsonl, parquet] = util::SAMPLE_INPUTS;
    let output = util::corpusledger(&["config", "--input", tree, jsonl, "--ngram", "3", "--input", parquet]);
    assert!(output.status.success(), "{}", util::stderr(&output));
    let printed: toml::Table = toml::from_str(&String::from_utf8(output.stdout).unwrap()).unwrap();
    let inputs: Vec<&str> = printed["input"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(inputs, [tree, jsonl, parquet]);
    assert_eq!(printed["ngram"].as_integer(), Some(3));
}
