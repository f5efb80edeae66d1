//! Named points where a test can kill the process, as a crash, an
//! out-of-memory kill or a preempted node would: with
//! `CORPUSLEDGER_KILL_AT=POINT` (or `POINT:N`, the N-th time the point is
//! reached), the process sends itself SIGKILL there. No cleanup runs, so a
//! rerun must cope with whatever the killed run left. Unset (always, outside
//! `tests/crash.rs`), a point costs one load of a cached value.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

static TARGET: OnceLock<Option<(String, u64)>> = OnceLock::new();
static REACHED: AtomicU64 = AtomicU64::new(0);

/// Kills this process if `point` is the chosen one (and this is its N-th time).
pub fn kill_point(point: &str) {
    let target = TARGET.get_or_init(|| {
        let value = std::env::var("CORPUSLEDGER_KILL_AT").ok()?;
        let (name, nth) = match value.split_once(':') {
            Some((name, nth)) => (name.to_owned(), nth.parse().ok()?),
            None => (value, 1),
        };
        Some((name, nth))
    });
    let Some((name, nth)) = target else {
        return;
    };
    if name != point || REACHED.fetch_add(1, Ordering::SeqCst) + 1 != *nth {
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
