//! Progress bars and warnings on stderr.

use std::sync::Mutex;

use corpusledger_model::Reporter;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Shows one bar per stage on stderr when it is a terminal (indicatif hides
/// bars otherwise) and prints warnings above it, unless quiet.
pub struct TerminalReporter {
    bar: Mutex<Option<ProgressBar>>,
    quiet: bool,
}

impl TerminalReporter {
    pub fn new(quiet: bool) -> TerminalReporter {
        TerminalReporter {
            bar: Mutex::new(None),
            quiet,
        }
    }

    fn bar(&self) -> std::sync::MutexGuard<'_, Option<ProgressBar>> {
        self.bar.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl Reporter for TerminalReporter {
    fn start(&self, stage: &str, total: Option<u64>, unit: &str) {
        if self.quiet {
            return;
        }
        let bar = match total {
            Some(total) => ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr()),
            None => ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr()),
        };
        let template = if total.is_some() {
            format!("{{prefix:>12}} [{{bar:30}}] {{pos}}/{{len}} {unit} {{per_sec}} {{elapsed}}")
        } else {
            format!("{{prefix:>12}} {{spinner}} {{pos}} {unit} {{per_sec}} {{elapsed}}")
        };
        if let Ok(style) = ProgressStyle::with_template(&template) {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.set_prefix(stage.to_owned());
        bar.enable_steady_tick(std::time::Duration::from_millis(200));
        *self.bar() = Some(bar);
    }

    fn advance(&self, n: u64) {
        if let Some(bar) = self.bar().as_ref() {
            bar.inc(n);
        }
    }

    fn finish(&self) {
        if let Some(bar) = self.bar().take() {
            bar.finish_and_clear();
        }
    }

    fn warn(&self, message: &str) {
        if self.quiet {
            return;
        }
        match self.bar().as_ref() {
            Some(bar) => bar.suspend(|| eprintln!("warning: {message}")),
            None => eprintln!("warning: {message}"),
        }
    }
}
