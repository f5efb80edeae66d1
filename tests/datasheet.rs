//! `corpusledger datasheet`: the sample's datasheet and dataset card against
//! golden files, `--out`, errors, and the HTML page rendered by a real
//! browser.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::util;

/// Runs the sample, then `datasheet` on its output; returns the directory.
fn sample_with_datasheet(extra: &[&str]) -> tempfile::TempDir {
    let out = tempfile::tempdir().unwrap();
    let run = util::run(&util::SAMPLE_INPUTS, out.path(), &[]);
    assert!(run.status.success(), "{}", util::stderr(&run));
    let mut args = vec!["datasheet", out.path().to_str().unwrap()];
    args.extend(extra);
    let output = util::corpusledger(&args);
    assert_eq!(output.status.code(), Some(0), "{}", util::stderr(&output));
    out
}

/// DATASHEET.md of the sample run, compared with tests/golden/ after the
/// tool's version and build (which depend on the binary, not the run) are
/// filtered. Regenerate with `UPDATE_GOLDEN=1 cargo test --test integration datasheet`.
#[test]
fn sample_datasheet_matches_golden_file() {
    let out = sample_with_datasheet(&[]);
    util::assert_golden("DATASHEET.md", &filtered(out.path(), "DATASHEET.md"));
    let files: Vec<String> = util::tree_bytes(out.path()).into_keys().collect();
    assert!(files.iter().any(|f| f == "datasheet.html"), "{files:?}");
    assert!(
        !files.iter().any(|f| f.ends_with(".tmp")),
        "temporary files left: {files:?}"
    );
}

/// `out/name` with the tool's version and build, which depend on the
/// binary and not on the run, replaced by placeholders.
fn filtered(out: &Path, name: &str) -> String {
    let manifest = util::manifest(out);
    let (tool, version, build) = (
        manifest["tool"]["name"].as_str().unwrap(),
        manifest["tool"]["version"].as_str().unwrap(),
        manifest["tool"]["build"].as_str().unwrap(),
    );
    std::fs::read_to_string(out.join(name))
        .unwrap()
        .replace(&format!("`{tool} {version}`"), &format!("`{tool} [VERSION]`"))
        .replace(&format!("`{build}`"), "`[BUILD]`")
}

/// README.md, the dataset card that `run` writes, compared with
/// tests/golden/README.card.md like the datasheet; `datasheet` writes the
/// same bytes again from the manifest alone.
#[test]
fn sample_card_matches_golden_file_and_datasheet_rewrites_it() {
    let out = tempfile::tempdir().unwrap();
    let run = util::run(&util::SAMPLE_INPUTS, out.path(), &[]);
    assert!(run.status.success(), "{}", util::stderr(&run));
    let written = std::fs::read(out.path().join("README.md")).unwrap();
    util::assert_golden("README.card.md", &filtered(out.path(), "README.md"));
    std::fs::remove_file(out.path().join("README.md")).unwrap();
    let output = util::corpusledger(&["datasheet", "--quiet", out.path().to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", util::stderr(&output));
    assert!(std::fs::read(out.path().join("README.md")).unwrap() == written);
}

#[test]
fn out_writes_elsewhere_and_twice_gives_the_same_bytes() {
    let out = sample_with_datasheet(&[]);
    let elsewhere = tempfile::tempdir().unwrap();
    let target = elsewhere.path().join("sheet");
    let output = util::corpusledger(&[
        "datasheet",
        out.path().to_str().unwrap(),
        "--out",
        target.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", util::stderr(&output));
    for name in ["DATASHEET.md", "datasheet.html", "README.md"] {
        let here = std::fs::read(out.path().join(name)).unwrap();
        assert_eq!(here, std::fs::read(target.join(name)).unwrap(), "{name} differs");
    }
}

#[test]
fn a_directory_without_a_valid_manifest_cannot_run() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().to_str().unwrap();
    let cases: [(&[u8], &str); 3] = [
        (b"", "no manifest here"),
        (b"{not json", "not JSON"),
        (
            b"{\"format\": \"corpusledger-manifest\", \"version\": 1}",
            "missing field",
        ),
    ];
    for (bytes, message) in cases {
        if !bytes.is_empty() {
            std::fs::write(dir.path().join("manifest.json"), bytes).unwrap();
        }
        let output = util::corpusledger(&["datasheet", path]);
        let stderr = util::stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains(message) && stderr.contains("manifest.json"), "{stderr}");
        assert!(!dir.path().join("DATASHEET.md").exists());
    }
    let output = util::corpusledger(&["datasheet", "no/such/dir"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        util::stderr(&output).contains("no/such/dir: not a directory"),
        "{}",
        util::stderr(&output)
    );
}

const CHROMIUM: &str = "/usr/bin/chromium";
const BROWSER_TIMEOUT: Duration = Duration::from_secs(60);

/// Runs headless Chromium on `page` with `mode` (`--screenshot=...` or
/// `--dump-dom`); returns its stdout. Killed after [`BROWSER_TIMEOUT`].
fn chromium(page: &Path, mode: &str, scratch: &Path) -> String {
    assert!(
        Path::new(CHROMIUM).exists(),
        "{CHROMIUM} is missing: install the `chromium` package (apt-get install -y chromium) to run the browser test"
    );
    let profile = tempfile::tempdir_in(scratch).unwrap();
    let stdout_path = scratch.join("chromium.stdout");
    let stderr_path = scratch.join("chromium.stderr");
    let mut command = Command::new(CHROMIUM);
    command
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
        ])
        .args([
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(["--window-size=1200,3000", mode])
        .arg(format!("file://{}", page.display()))
        .stdin(Stdio::null())
        // Files, not pipes: a child process of Chromium that outlives it
        // cannot then block the test on a pipe.
        .stdout(std::fs::File::create(&stdout_path).unwrap())
        .stderr(std::fs::File::create(&stderr_path).unwrap());
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(&mut command, 0);
    let mut child = command.spawn().expect("start chromium");
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > BROWSER_TIMEOUT {
            kill_group(&mut child);
            panic!("chromium did not finish in {BROWSER_TIMEOUT:?}; killed it");
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let stderr = std::fs::read_to_string(&stderr_path).unwrap_or_default();
    assert!(status.success(), "chromium failed ({status}): {stderr}");
    std::fs::read_to_string(&stdout_path).unwrap()
}

/// Kills Chromium and the processes it started (its process group).
fn kill_group(child: &mut std::process::Child) {
    #[cfg(unix)]
    let _ = Command::new("kill")
        .arg("-KILL")
        .arg(format!("-{}", child.id()))
        .status();
    let _ = child.kill();
    let _ = child.wait();
}

/// Pixels of a PNG as RGB.
fn rgb_pixels(png_path: &Path) -> Vec<[u8; 3]> {
    let file = std::io::BufReader::new(std::fs::File::open(png_path).expect("chromium wrote the screenshot"));
    let mut decoder = png::Decoder::new(file);
    decoder.set_transformations(png::Transformations::normalize_to_color8());
    let mut reader = decoder.read_info().expect("a PNG");
    let mut buffer = vec![0; reader.output_buffer_size().unwrap()];
    let frame = reader.next_frame(&mut buffer).expect("a PNG frame");
    let channels = frame.color_type.samples();
    assert!(
        channels >= 3,
        "expected a colour screenshot, got {:?}",
        frame.color_type
    );
    buffer[..frame.buffer_size()]
        .chunks_exact(channels)
        .map(|p| [p[0], p[1], p[2]])
        .collect()
}

/// The HTML page, printed by a real browser, shows text, charts and colour;
/// its DOM holds every chart and prompt.
#[test]
fn chromium_renders_the_html_datasheet() {
    let out = sample_with_datasheet(&[]);
    let page = out.path().join("datasheet.html").canonicalize().unwrap();
    let scratch = tempfile::tempdir().unwrap();
    let screenshot = scratch.path().join("datasheet.png");
    chromium(&page, &format!("--screenshot={}", screenshot.display()), scratch.path());
    let pixels = rgb_pixels(&screenshot);
    let distinct: std::collections::BTreeSet<[u8; 3]> = pixels.iter().copied().collect();
    let white = pixels.iter().filter(|p| p.iter().all(|&c| c >= 250)).count();
    let non_white = 1.0 - white as f64 / pixels.len() as f64;
    assert!(
        distinct.len() >= 200,
        "only {} distinct colours: is the page blank?",
        distinct.len()
    );
    assert!(
        non_white >= 0.05,
        "only {:.1}% of pixels are not white",
        non_white * 100.0
    );
    // The bars of the languages chart (#2f855a, a colour used nowhere else)
    // are drawn: the inline SVG rendered.
    let green = pixels.iter().filter(|p| **p == [0x2f, 0x85, 0x5a]).count();
    assert!(green >= 2000, "only {green} pixels of the languages chart's green");

    let dom = chromium(&page, "--dump-dom", scratch.path());
    let source = std::fs::read_to_string(&page).unwrap();
    assert!(
        dom.matches("<svg").count() >= 6,
        "{} charts in the DOM",
        dom.matches("<svg").count()
    );
    let prompts = dom.matches("class=\"to-answer\"").count();
    assert!(prompts >= 20, "{prompts} prompts in the DOM");
    assert_eq!(prompts, source.matches("class=\"to-answer\"").count());
    assert!(!dom.contains("<script"));
}
