//! A full disk: the output directory (and with it the work directory,
//! `OUT/.work`) on a small tmpfs. The run fails with an error that names
//! the file it was writing and says no space is left, leaves no manifest
//! (a directory with one looks complete) and gives back the space of its
//! work files; after the tmpfs grows, a rerun in the same directory writes
//! what a run on a roomy disk writes. Sizes between are probed, so that
//! disk-full failures in the late stages (ledger, index, manifest) are
//! checked too.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use super::{Run, free_bytes, note, report_row};
use crate::util;

/// Input files, of `LINES` lines each: 1.8 MB of text, whose run needs
/// 5.8 MB of disk for its work files and outputs.
const FILES: u64 = 60;
const LINES: u64 = 800;
/// A tmpfs smaller than the outputs alone, in kB.
const TOO_SMALL: u64 = 512;
/// A tmpfs big enough for the run, in kB.
const ROOMY: u64 = 64 << 10;

#[test]
fn disk_full_ends_with_a_clear_error_and_no_manifest() {
    let dir = tempfile::tempdir().unwrap();
    let input_kb = write_inputs(&dir.path().join("tree")) >> 10;
    let reference = Run::new(dir.path(), "disk-full-reference", &[]);
    assert_eq!(reference.exit_code(), 0, "{}", reference.stderr());
    let expected = outputs(&reference.out);
    let output_bytes: u64 = expected[0]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["bytes"].as_u64().unwrap())
        .sum();
    assert!(
        output_bytes > TOO_SMALL << 10,
        "the outputs ({output_bytes} bytes) would fit"
    );

    let out = dir.path().join("disk-full.out");
    let tmpfs = match Tmpfs::mount(&out, TOO_SMALL) {
        Ok(tmpfs) => tmpfs,
        Err(why) => {
            note(&format!("disk_full: skipped, cannot mount a tmpfs: {why}"));
            return;
        }
    };
    let failed = Run::new(dir.path(), "disk-full", &[]);
    let named = check_out_of_space(&failed);
    tmpfs.resize(ROOMY);
    let rerun = Run::new(dir.path(), "disk-full", &[]);
    assert_eq!(rerun.exit_code(), 0, "rerun after freeing space: {}", rerun.stderr());
    assert_eq!(
        outputs(&out),
        expected,
        "the rerun wrote other outputs than a run on a roomy disk"
    );
    let (failures, fits) = probe_sizes(dir.path(), &expected);
    let late: Vec<&str> = failures
        .iter()
        .map(|(_, file)| file.as_str())
        .filter(|file| !file.starts_with(".work/"))
        .collect();
    assert!(
        !late.is_empty(),
        "no probe ran out of space writing the outputs proper: {failures:?}"
    );
    failed.assert_peak_below(512 << 20, "what any small run takes, and room");
    let outcome = format!(
        "{TOO_SMALL} kB tmpfs: exit 2, no space left writing {named}, no manifest, work files removed; \
         rerun after growing it: exit 0, outputs identical to a run on a roomy disk; \
         {} other sizes failed writing {}; {fits} kB fit ({input_kb} kB of input)",
        failures.len(),
        distinct(&failures).join(", ")
    );
    report_row(&failed, &out, FILES, &outcome);
}

/// Regression: a run that failed (here on a full disk) left its work files
/// in `OUT/.work`, so the disk stayed full after the error.
#[test]
fn failed_run_gives_back_the_space_of_its_work_files() {
    let dir = tempfile::tempdir().unwrap();
    write_inputs(&dir.path().join("tree"));
    let out = dir.path().join("work-files.out");
    let _tmpfs = match Tmpfs::mount(&out, TOO_SMALL) {
        Ok(tmpfs) => tmpfs,
        Err(why) => {
            note(&format!(
                "failed_run_gives_back_the_space_of_its_work_files: skipped, cannot mount a tmpfs: {why}"
            ));
            return;
        }
    };
    let run = Run::new(dir.path(), "work-files", &[]);
    assert_eq!(run.exit_code(), 2, "{}", run.stderr());
    assert!(!out.join(".work").exists(), "{}", run.stderr());
    let free = free_bytes(&out);
    assert!(free > (TOO_SMALL << 10) * 9 / 10, "{free} bytes free of {TOO_SMALL} kB");
}

/// Checks a run that ran out of space: exit code 2, no panic, an error
/// that names the file it was writing in the output directory and says no
/// space is left, with a hint, and neither a manifest nor work files left.
/// Returns the file, relative to the output directory, with process ids
/// taken out of temporary names.
fn check_out_of_space(run: &Run) -> String {
    let stderr = run.stderr();
    assert_eq!(run.exit_code(), 2, "{stderr}");
    assert!(stderr.contains("No space left on device"), "{stderr}");
    assert!(stderr.contains("hint: the disk is full"), "{stderr}");
    // Regression: a full disk was reported as `cannot encode PATH: External:
    // No space left on device`, as if the data were at fault.
    assert!(!stderr.contains("cannot encode"), "{stderr}");
    let prefix = format!("{}/", run.out.display());
    let at = stderr
        .find(&prefix)
        .unwrap_or_else(|| panic!("the error names no file in the output directory:\n{stderr}"));
    let file: String = stderr[at + prefix.len()..]
        .chars()
        .take_while(|c| !c.is_whitespace() && *c != ':')
        .collect();
    assert!(
        !run.out.join("manifest.json").exists(),
        "a manifest after running out of space writing {file}"
    );
    // Regression: the work files of a failed run stayed, filling the disk.
    assert!(
        !run.out.join(".work").exists(),
        "the work files stayed after running out of space writing {file}"
    );
    without_pids(&file)
}

/// Runs on tmpfs sizes between [`TOO_SMALL`] and [`ROOMY`], halving the gap
/// down to a page: each run either fails as [`check_out_of_space`] wants,
/// or writes the `expected` outputs. Returns the failures (size in kB, the
/// file named) and the smallest size that fit.
fn probe_sizes(dir: &Path, expected: &Value) -> (Vec<(u64, String)>, u64) {
    let out = dir.join("probe.out");
    let (mut fails, mut fits) = (TOO_SMALL, ROOMY);
    let mut failures = Vec::new();
    while fits - fails > 4 {
        let kb = (fails + fits) / 8 * 4;
        let _tmpfs = Tmpfs::mount(&out, kb).unwrap();
        let run = Run::new(dir, "probe", &[]);
        if run.exit_code() == 0 {
            assert_eq!(&outputs(&out), expected, "a {kb} kB tmpfs");
            fits = kb;
        } else {
            failures.push((kb, check_out_of_space(&run)));
            fails = kb;
        }
    }
    (failures, fits)
}

/// The outputs a manifest lists (path, rows, bytes, SHA-256) and their
/// Merkle root.
fn outputs(out: &Path) -> Value {
    let manifest = util::manifest(out);
    serde_json::json!([manifest["outputs"], manifest["merkle"]])
}

/// The distinct files of `failures`, in order.
fn distinct(failures: &[(u64, String)]) -> Vec<String> {
    let mut files: Vec<String> = Vec::new();
    for (_, file) in failures {
        if !files.contains(file) {
            files.push(file.clone());
        }
    }
    files
}

/// `a.tmp.1234/b` as `a.tmp.N/b`: temporary names carry a process id.
fn without_pids(file: &str) -> String {
    let mut out = String::new();
    let mut rest = file;
    while let Some(at) = rest.find(".tmp.") {
        out.push_str(&rest[..at + 5]);
        rest = rest[at + 5..].trim_start_matches(|c: char| c.is_ascii_digit());
        out.push('N');
    }
    out.push_str(rest);
    out
}

/// `FILES` files of `LINES` statements, each line with a number of its own,
/// so that neither deduplication nor compression makes them small. Returns
/// their bytes.
fn write_inputs(tree: &Path) -> u64 {
    let repo = tree.join("repo");
    std::fs::create_dir_all(&repo).unwrap();
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    let mut bytes = 0;
    for file in 0..FILES {
        let mut text = String::new();
        for _ in 0..LINES {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            text.push_str(&format!(
                "    let v{} = f{}(x, {});\n",
                state % 1000,
                state % 97,
                state >> 20
            ));
        }
        bytes += text.len() as u64;
        std::fs::write(repo.join(format!("m{file:03}.rs")), text).unwrap();
    }
    bytes
}

/// A tmpfs mounted on a directory for as long as it lives, unmounted on
/// drop (also when the test fails).
struct Tmpfs {
    dir: PathBuf,
}

impl Tmpfs {
    /// Mounts a tmpfs of `kb` kB on `dir` (made if missing); the error says
    /// why this machine does not allow it.
    fn mount(dir: &Path, kb: u64) -> Result<Tmpfs, String> {
        std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
        let size = format!("size={kb}k");
        let mount = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &size, "tmpfs"])
            .arg(dir)
            .output()
            .map_err(|e| format!("cannot run mount: {e}"))?;
        if !mount.status.success() {
            return Err(util::stderr(&mount).trim().to_owned());
        }
        Ok(Tmpfs { dir: dir.to_owned() })
    }

    /// Grows (or shrinks) the tmpfs, keeping what it holds.
    fn resize(&self, kb: u64) {
        let options = format!("remount,size={kb}k");
        let status = Command::new("mount")
            .args(["-o", &options])
            .arg(&self.dir)
            .status()
            .unwrap();
        assert!(status.success(), "cannot resize the tmpfs on {}", self.dir.display());
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.dir).status();
    }
}
