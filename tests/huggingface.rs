//! The dataset directory is a Hugging Face dataset: `datasets.load_dataset`
//! reads the card's configs with the manifest's row counts, and
//! `huggingface_hub` parses the card with the kept documents' licenses as
//! Hub ids. Also: a README.md that is not our card is never replaced.
//!
//! The Python checks need a Python with `datasets` and `huggingface_hub`:
//! `scripts/test.sh` makes a venv and sets CORPUSLEDGER_PYTHON. Without it
//! they say so and pass locally, but fail in CI (CI=true). They run offline,
//! with every cache in a temporary directory.

use std::path::Path;
use std::process::Command;

use crate::util;

/// Loads every config of the card in `argv[1]` and checks it against the
/// manifest; parses the card. The expected license ids are worked out here
/// from the manifest, independently of the Rust mapping, for the ids the
/// tests' data holds (anything else is expected as `other`).
const CHECK: &str = r#"
import json, os, sys
import datasets
from huggingface_hub import DatasetCard, DatasetCardData

out = sys.argv[1]
manifest = json.load(open(os.path.join(out, "manifest.json")))
rows = {f["path"]: f["rows"] for f in manifest["outputs"]}

kept = datasets.load_dataset(out)
assert list(kept) == ["train"], list(kept)
assert kept["train"].num_rows == manifest["counts"]["kept"], (kept["train"].num_rows, manifest["counts"])
data_rows = sum(n for path, n in rows.items() if path.startswith("data/"))
assert kept["train"].num_rows == data_rows, (kept["train"].num_rows, data_rows)
assert "content" in kept["train"].column_names and "doc_id" in kept["train"].column_names

removed = datasets.load_dataset(out, "removed")
assert removed["train"].num_rows == rows["removed.parquet"], (removed["train"].num_rows, rows)
ledger = sum(manifest["counts"]["removed"].values()) + sum(manifest["counts"]["rejected"].values())
assert removed["train"].num_rows == ledger, (removed["train"].num_rows, ledger)
assert "reason" in removed["train"].column_names

configs = ["default", "removed"]
if manifest.get("attribution"):
    credits = datasets.load_dataset(out, "attribution")
    assert credits["train"].num_rows == manifest["attribution"]["rows"] == rows["ATTRIBUTION.parquet"]
    configs.append("attribution")
assert sorted(datasets.get_dataset_config_names(out)) == sorted(configs)

card = DatasetCard.load(os.path.join(out, "README.md"))
assert isinstance(card.data, DatasetCardData), type(card.data)
HUB = {"mit", "apache-2.0", "bsd-2-clause", "bsd-3-clause", "gpl-2.0", "gpl-3.0", "isc", "unlicense",
       "cc-by-sa-3.0", "cc-by-sa-4.0"}
expected, other = set(), set()
for expression in manifest["licenses"]:
    for token in expression.replace("(", " ").replace(")", " ").split():
        if token.upper() in ("AND", "OR"):
            continue
        hub = token.lower().removesuffix("-only").removesuffix("-or-later")
        if token == "NOASSERTION":
            hub = "unknown"
        elif hub not in HUB:
            hub = "other"
            other.add(token)
        expected.add(hub)
license = card.data.license
assert isinstance(license, list) and len(license) == len(set(license)), license
assert set(license) == expected, (license, sorted(expected))
data = card.data.to_dict()
if other:
    assert len(other) == 1 and data["license_name"] == min(other).lower(), (other, data.get("license_name"))
    assert data["license_link"] == f"https://spdx.org/licenses/{min(other)}.html", data["license_link"]
else:
    assert "license_name" not in data, data
assert data["size_categories"] == ["n<1K"], data["size_categories"]
assert data["task_categories"] == ["text-generation"]
assert data["pretty_name"].startswith("corpusledger dataset ")
print("ok", kept["train"].num_rows, removed["train"].num_rows, ",".join(sorted(license)))
"#;

/// Runs [`CHECK`] on `out`; its `ok` line, or `None` when there is no Python
/// to run it with (outside CI).
fn check_with_python(out: &Path) -> Option<String> {
    let Some(python) = std::env::var_os("CORPUSLEDGER_PYTHON") else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must set CORPUSLEDGER_PYTHON (scripts/test.sh does)"
        );
        skip_note();
        return None;
    };
    let home = tempfile::tempdir().unwrap();
    let output = Command::new(python)
        .args(["-c", CHECK, out.to_str().unwrap()])
        .env("HF_HUB_OFFLINE", "1")
        .env("HF_DATASETS_OFFLINE", "1")
        .env("HF_HOME", home.path())
        .env("HF_DATASETS_CACHE", home.path().join("datasets"))
        .env("HF_HUB_DISABLE_TELEMETRY", "1")
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", util::stderr(&output));
    Some(String::from_utf8_lossy(&output.stdout).trim().to_owned())
}

#[test]
fn datasets_loads_the_sample_and_huggingface_hub_parses_its_card() {
    let out = tempfile::tempdir().unwrap();
    let run = util::run(&util::SAMPLE_INPUTS, out.path(), &[]);
    assert!(run.status.success(), "{}", util::stderr(&run));
    let verify = util::corpusledger(&["verify", out.path().to_str().unwrap()]);
    assert_eq!(
        verify.status.code(),
        Some(0),
        "the card is a derived file: {}",
        util::stderr(&verify)
    );
    if let Some(ok) = check_with_python(out.path()) {
        assert_eq!(
            ok,
            "ok 53 16 apache-2.0,bsd-2-clause,bsd-3-clause,gpl-2.0,gpl-3.0,isc,mit,unknown,unlicense"
        );
    }
}

/// Stack Exchange posts: CC BY-SA 2.5 is not on the Hub's list (`other`,
/// named), and the attribution table is a config of its own.
#[test]
fn datasets_loads_the_attribution_config_of_stack_exchange_posts() {
    let out = tempfile::tempdir().unwrap();
    let run = util::run(
        &["tests/fixtures/stackexchange/Posts.xml"],
        out.path(),
        &["--stackexchange-users", "tests/fixtures/stackexchange/Users.xml"],
    );
    assert!(run.status.success(), "{}", util::stderr(&run));
    let card = std::fs::read_to_string(out.path().join("README.md")).unwrap();
    assert!(card.contains("- config_name: attribution\n"), "{card}");
    if let Some(ok) = check_with_python(out.path()) {
        assert!(ok.ends_with("cc-by-sa-3.0,cc-by-sa-4.0,other"), "{ok}");
    }
}

/// A README.md that is not our card stays: `run` refuses the directory,
/// even with --overwrite, and `datasheet` refuses to write there. Our own
/// card is replaced by a rerun.
#[test]
fn someone_elses_readme_is_never_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let theirs = dir.path().join("theirs");
    std::fs::create_dir(&theirs).unwrap();
    let readme = "# My project\n\nNot a dataset card.\n";
    std::fs::write(theirs.join("README.md"), readme).unwrap();
    for extra in [&[][..], &["--overwrite"][..]] {
        let run = util::run(&util::SAMPLE_INPUTS, &theirs, extra);
        assert_eq!(run.status.code(), Some(2), "{extra:?}: {}", util::stderr(&run));
        assert!(
            util::stderr(&run).contains("not a corpusledger dataset card"),
            "{}",
            util::stderr(&run)
        );
        assert_eq!(std::fs::read_to_string(theirs.join("README.md")).unwrap(), readme);
        assert!(!theirs.join("manifest.json").exists());
    }

    let ours = dir.path().join("ours");
    assert!(util::run(&util::SAMPLE_INPUTS, &ours, &[]).status.success());
    let card = std::fs::read(ours.join("README.md")).unwrap();
    let rerun = util::run(&util::SAMPLE_INPUTS, &ours, &["--overwrite", "--threshold", "0.8"]);
    assert!(rerun.status.success(), "{}", util::stderr(&rerun));
    assert!(
        std::fs::read(ours.join("README.md")).unwrap() != card,
        "the card follows the new manifest"
    );

    std::fs::write(ours.join("README.md"), readme).unwrap();
    let datasheet = util::corpusledger(&["datasheet", ours.to_str().unwrap()]);
    assert_eq!(datasheet.status.code(), Some(2), "{}", util::stderr(&datasheet));
    assert_eq!(std::fs::read_to_string(ours.join("README.md")).unwrap(), readme);
    assert!(
        !ours.join("DATASHEET.md").exists(),
        "nothing is written when the card cannot be"
    );

    // A symlink is never ours, even to a card: it is not followed.
    let elsewhere = dir.path().join("card-elsewhere.md");
    std::fs::write(&elsewhere, &card).unwrap();
    std::fs::remove_file(ours.join("README.md")).unwrap();
    std::os::unix::fs::symlink(&elsewhere, ours.join("README.md")).unwrap();
    let run = util::run(&util::SAMPLE_INPUTS, &ours, &["--overwrite"]);
    assert_eq!(run.status.code(), Some(2), "{}", util::stderr(&run));
    assert!(std::fs::read(&elsewhere).unwrap() == card);
}

#[expect(clippy::print_stderr, reason = "a skipped test tells why")]
fn skip_note() {
    eprintln!("skipped: set CORPUSLEDGER_PYTHON to a Python with datasets and huggingface_hub (scripts/test.sh does)");
}
