//! `corpusledger._corpusledger`, the native half of the Python package.
//!
//! Each function calls the library crates directly (the stages through
//! `corpusledger-pipeline`, checks through `corpusledger-verify`), never the
//! binary, and passes JSON text across: the pure-Python half
//! (`python/corpusledger/`) turns it into typed objects and keeps the
//! signatures, docstrings and stubs in one place. Errors become
//! `corpusledger.CorpusledgerError` with the command's exit code and the
//! message the command prints.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use corpusledger_pipeline::Reporter;
use corpusledger_pipeline::config::{ConfigFile, parse_bytes};
use pyo3::prelude::*;

/// Exit code of a command that could not run (the CLI's `EXIT_ERROR`).
const EXIT_ERROR: u8 = corpusledger::EXIT_ERROR;

/// `corpusledger.errors.CorpusledgerError(message, exit_code)`, built in
/// Python so that it is an ordinary, documented exception class.
fn error(py: Python<'_>, message: String, exit_code: u8) -> PyErr {
    let class = py
        .import("corpusledger.errors")
        .and_then(|module| module.getattr("CorpusledgerError"));
    match class.and_then(|class| class.call1((message.clone(), exit_code))) {
        Ok(value) => PyErr::from_value(value),
        Err(err) => err,
    }
}

/// The message the command prints for `err`: the error, then each cause.
fn message(err: &anyhow::Error) -> String {
    let mut out = err.to_string();
    for cause in err.chain().skip(1) {
        out.push_str("\n  caused by: ");
        out.push_str(&cause.to_string());
    }
    out
}

fn json_text<T: serde::Serialize>(py: Python<'_>, value: &T) -> PyResult<String> {
    serde_json::to_string(value).map_err(|err| error(py, format!("cannot encode the result: {err}"), EXIT_ERROR))
}

/// The configuration of a `run`: defaults, then the TOML file `config`, then
/// `settings` (a JSON object with the config file's kebab-case keys).
fn effective_config(config: Option<&Path>, settings: &str) -> anyhow::Result<corpusledger_pipeline::config::Config> {
    use anyhow::Context;
    let mut value: serde_json::Value = serde_json::from_str(settings).context("settings are not a JSON object")?;
    if let Some(limit) = value.get_mut("memory-limit")
        && let Some(text) = limit.as_str()
    {
        let bytes = parse_bytes(text).map_err(|err| anyhow::anyhow!("invalid option memory_limit: {err}"))?;
        *limit = serde_json::Value::from(bytes);
    }
    let layer: ConfigFile = serde_json::from_value(value).map_err(|err| {
        // serde names keys as the config file does; Python callers use
        // snake_case, so say both.
        anyhow::anyhow!(
            "invalid option: {}",
            err.to_string().replace('-', "_").replace("_-", "--")
        )
    })?;
    let file = match config {
        Some(path) => ConfigFile::load(path)?,
        None => ConfigFile::default(),
    };
    file.overridden_by(layer).resolve()
}

/// Progress to a Python callable `callback(stage, done, total, unit)`, at
/// most every 100 ms within a stage, and always at its start and end;
/// warnings to `warn(message)`.
struct PyReporter {
    callback: Option<Py<PyAny>>,
    warn: Py<PyAny>,
    state: Mutex<Progress>,
    /// The first exception a callback raised: the run ends with it.
    failed: Mutex<Option<PyErr>>,
}

struct Progress {
    stage: String,
    total: Option<u64>,
    unit: String,
    done: u64,
    shown: Instant,
}

impl PyReporter {
    fn call<A: for<'py> pyo3::call::PyCallArgs<'py>>(&self, callable: &Py<PyAny>, args: A) {
        Python::attach(|py| {
            if let Err(err) = callable.call1(py, args) {
                let mut failed = self.failed.lock().unwrap_or_else(|p| p.into_inner());
                failed.get_or_insert(err);
            }
        });
    }

    fn emit(&self, force: bool) {
        let Some(callback) = &self.callback else { return };
        let snapshot = {
            let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
            if !force && state.shown.elapsed() < Duration::from_millis(100) {
                return;
            }
            state.shown = Instant::now();
            (state.stage.clone(), state.done, state.total, state.unit.clone())
        };
        self.call(callback, snapshot);
    }
}

impl Reporter for PyReporter {
    fn start(&self, stage: &str, total: Option<u64>, unit: &str) {
        {
            let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
            *state = Progress {
                stage: stage.to_owned(),
                total,
                unit: unit.to_owned(),
                done: 0,
                shown: Instant::now(),
            };
        }
        self.emit(true);
    }

    fn advance(&self, n: u64) {
        {
            let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
            state.done += n;
        }
        self.emit(false);
    }

    fn finish(&self) {
        self.emit(true);
    }

    fn warn(&self, message: &str) {
        self.call(&self.warn, (message.to_owned(),));
    }
}

/// Runs the whole pipeline in this process (as `corpusledger run`) and
/// returns the run summary as JSON.
#[pyfunction]
#[pyo3(signature = (settings, config=None, overwrite=false, progress=None, warn=None))]
fn run(
    py: Python<'_>,
    settings: &str,
    config: Option<PathBuf>,
    overwrite: bool,
    progress: Option<Py<PyAny>>,
    warn: Option<Py<PyAny>>,
) -> PyResult<String> {
    let config = effective_config(config.as_deref(), settings).map_err(|err| error(py, message(&err), EXIT_ERROR))?;
    let Some(out_dir) = config.out.clone() else {
        return Err(error(py, "no output directory: give out=DIR".to_owned(), EXIT_ERROR));
    };
    if config.input.is_empty() {
        return Err(error(
            py,
            "no input: give inputs=[PATH, ...] (directories, .jsonl[.gz|.zst], .parquet or Stack Exchange dumps)"
                .to_owned(),
            EXIT_ERROR,
        ));
    }
    let warn = match warn {
        Some(warn) => warn,
        None => py.import("warnings")?.getattr("warn")?.unbind(),
    };
    let reporter = PyReporter {
        callback: progress,
        warn,
        state: Mutex::new(Progress {
            stage: String::new(),
            total: None,
            unit: String::new(),
            done: 0,
            shown: Instant::now(),
        }),
        failed: Mutex::new(None),
    };
    let result = py.detach(|| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(config.threads)
            .build()
            .map_err(|err| anyhow::anyhow!("cannot start worker threads: {err}"))?;
        pool.install(|| corpusledger_pipeline::execute(&config, &out_dir, overwrite, &reporter))
    });
    if let Some(err) = reporter.failed.into_inner().unwrap_or_else(|p| p.into_inner()) {
        return Err(err);
    }
    let written = result.map_err(|err| error(py, message(&err), EXIT_ERROR))?;
    json_text(py, &written.summary)
}

/// Checks a dataset against its manifest (as `corpusledger verify --json`)
/// and returns the report as JSON.
#[pyfunction]
fn verify(py: Python<'_>, path: PathBuf) -> PyResult<String> {
    let result = py.detach(|| corpusledger_verify::verify_dir(&path));
    let (_manifest, report) = result.map_err(|err| error(py, message(&err.into()), EXIT_ERROR))?;
    json_text(py, &corpusledger_verify::JsonReport::from(&report))
}

/// Looks files up in a dataset through its index (as `corpusledger lookup
/// --json`) and returns the answers as JSON.
#[pyfunction]
#[pyo3(signature = (path, files, threshold=None))]
fn lookup(py: Python<'_>, path: PathBuf, files: Vec<PathBuf>, threshold: Option<f64>) -> PyResult<String> {
    if let Some(t) = threshold
        && !(0.0..=1.0).contains(&t)
    {
        return Err(error(py, "threshold must be in [0, 1]".to_owned(), EXIT_ERROR));
    }
    let result = py.detach(|| -> anyhow::Result<serde_json::Value> {
        let lookup = corpusledger_verify::lookup::Lookup::open(&path, threshold)?;
        let mut answers = Vec::new();
        for file in corpusledger_verify::lookup::files_to_query(&files)? {
            let name = file.display().to_string();
            let bytes = std::fs::read(&file).map_err(|err| anyhow::anyhow!("{name}: cannot read: {err}"))?;
            answers.push(lookup.query(&name, &bytes)?);
        }
        Ok(serde_json::json!({
            "dataset": path.display().to_string(),
            "threshold": corpusledger_manifest::canonical::ratio(lookup.threshold()),
            "answers": answers,
        }))
    });
    let value = result.map_err(|err| error(py, message(&err), EXIT_ERROR))?;
    json_text(py, &value)
}

/// Reads and checks a manifest (a dataset directory or its
/// `manifest.json`) and returns its text.
#[pyfunction]
fn read_manifest(py: Python<'_>, path: PathBuf) -> PyResult<String> {
    let file = if path.is_dir() {
        path.join(corpusledger_pipeline::MANIFEST)
    } else {
        path
    };
    let bytes = std::fs::read(&file).map_err(|err| {
        error(
            py,
            format!("{}: cannot read the manifest: {err}", file.display()),
            EXIT_ERROR,
        )
    })?;
    corpusledger_manifest::Manifest::from_slice(&file, &bytes)
        .map_err(|err| error(py, message(&err.into()), EXIT_ERROR))?;
    String::from_utf8(bytes).map_err(|_| error(py, format!("{}: not UTF-8", file.display()), EXIT_ERROR))
}

/// The `corpusledger` command with `argv` (the program name first); returns
/// its exit code.
#[pyfunction]
fn main(py: Python<'_>, argv: Vec<String>) -> u8 {
    py.detach(|| corpusledger::main(argv))
}

#[pymodule]
fn _corpusledger(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add_function(wrap_pyfunction!(run, module)?)?;
    module.add_function(wrap_pyfunction!(verify, module)?)?;
    module.add_function(wrap_pyfunction!(lookup, module)?)?;
    module.add_function(wrap_pyfunction!(read_manifest, module)?)?;
    module.add_function(wrap_pyfunction!(main, module)?)?;
    module.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
