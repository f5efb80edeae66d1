//! Named points where a test can kill the process, as a crash, an
//! out-of-memory kill or a preempted node would: with
//! `CORPUSLEDGER_KILL_AT=POINT` (or `POINT:N`, the N-th time the point is
//! reached), the process sends itself SIGKILL there. No cleanup runs, so a
//! rerun must cope with whatever the killed run left.
//!
//! The same points can pause the process instead, so a test can change the
//! inputs under a running task: with `CORPUSLEDGER_PAUSE_AT=POINT[:N]` and
//! `CORPUSLEDGER_PAUSE_FILE=FILE`, the process creates FILE there and waits
//! until it is removed. Unset (always, outside the tests), a point costs two
//! loads of cached values.
//!
//! A step can be made to fail as a bug would (a panic), so that a test
//! reaches the code that copes with it: with
//! `CORPUSLEDGER_FAIL_AT=POINT=MARKER`, [`fails_at`] is true at `POINT` for
//! a text that holds `MARKER`.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// A point chosen by an environment variable, and how often it was reached.
struct Target {
    chosen: OnceLock<Option<(String, u64)>>,
    reached: AtomicU64,
}

impl Target {
    const fn new() -> Target {
        Target {
            chosen: OnceLock::new(),
            reached: AtomicU64::new(0),
        }
    }

    /// Whether `point` is the one `var` chose, met for the chosen time now.
    fn hit(&self, var: &str, point: &str) -> bool {
        let chosen = self.chosen.get_or_init(|| {
            let value = std::env::var(var).ok()?;
            let (name, nth) = match value.split_once(':') {
                Some((name, nth)) => (name.to_owned(), nth.parse().ok()?),
                None => (value, 1),
            };
            Some((name, nth))
        });
        match chosen {
            Some((name, nth)) => name == point && self.reached.fetch_add(1, Ordering::SeqCst) + 1 == *nth,
            None => false,
        }
    }
}

static KILL: Target = Target::new();
static PAUSE: Target = Target::new();

/// Kills this process if `point` is the chosen one (and this is its N-th
/// time); pauses it if it is the chosen pause point.
pub fn kill_point(point: &str) {
    if PAUSE.hit("CORPUSLEDGER_PAUSE_AT", point) {
        pause();
    }
    if !KILL.hit("CORPUSLEDGER_KILL_AT", point) {
        return;
    }
    let _ = std::process::Command::new("kill")
        .args(["-KILL", &std::process::id().to_string()])
        .status();
    // The signal is on its way; nothing more may be written.
    loop {
        std::thread::park();
    }
}

/// Whether the step `point` is to fail on `text` (see the module's text).
pub fn fails_at(point: &str, text: &str) -> bool {
    static CHOSEN: OnceLock<Option<(String, String)>> = OnceLock::new();
    let chosen = CHOSEN.get_or_init(|| {
        let value = std::env::var("CORPUSLEDGER_FAIL_AT").ok()?;
        let (name, marker) = value.split_once('=')?;
        Some((name.to_owned(), marker.to_owned()))
    });
    chosen
        .as_ref()
        .is_some_and(|(name, marker)| name == point && text.contains(marker.as_str()))
}

/// Creates `CORPUSLEDGER_PAUSE_FILE` and waits until the test removes it.
fn pause() {
    let Some(file) = std::env::var_os("CORPUSLEDGER_PAUSE_FILE") else {
        return;
    };
    if std::fs::write(&file, b"paused\n").is_err() {
        return;
    }
    while std::path::Path::new(&file).exists() {
        std::thread::sleep(Duration::from_millis(20));
    }
}
