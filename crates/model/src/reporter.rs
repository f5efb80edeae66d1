/// Progress and diagnostics from library code, called from worker threads.
///
/// Library crates never print; the binary implements this with progress bars
/// and log lines on stderr.
pub trait Reporter: Send + Sync {
    /// A stage starts; `total` is its amount of work in `unit`s when known.
    fn start(&self, stage: &str, total: Option<u64>, unit: &str);
    /// `n` more units of the current stage are done.
    fn advance(&self, n: u64);
    /// The current stage is done.
    fn finish(&self);
    /// A problem the user should see (a bad input, a skipped file).
    fn warn(&self, message: &str);
}

/// A reporter that reports nothing.
#[derive(Debug, Default, Clone, Copy)]
pub struct NullReporter;

impl Reporter for NullReporter {
    fn start(&self, _stage: &str, _total: Option<u64>, _unit: &str) {}
    fn advance(&self, _n: u64) {}
    fn finish(&self) {}
    fn warn(&self, _message: &str) {}
}
