//! The `corpusledger` command as a library: [`main`] parses the arguments
//! and runs the subcommand, so the binary and the Python package's
//! `corpusledger` command are the same program. The stages themselves live
//! in `corpusledger-pipeline`.
#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "the binary is where output is printed"
)]

mod args;
mod commands;
mod reporter;

// The stages live in the pipeline crate; these names keep the commands' paths short.
use corpusledger_pipeline as pipeline;
use corpusledger_pipeline::config;

use clap::Parser;

/// Exit codes, as documented in `--help` and README.md.
pub const EXIT_OK: u8 = 0;
/// The command ran, but found problems (unreadable inputs for `run`).
pub const EXIT_PROBLEMS: u8 = 1;
/// The command could not run.
pub const EXIT_ERROR: u8 = 2;

/// Runs the command line `args` (the program name first) and returns the
/// exit code; help, version and argument errors are printed as clap prints
/// them.
pub fn main<I, T>(args: I) -> u8
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let cli = match args::Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(err) => {
            // A closed stream while printing help changes nothing.
            let _ = err.print();
            return u8::try_from(err.exit_code()).unwrap_or(EXIT_ERROR);
        }
    };
    let result = match cli.command {
        args::Command::Run(args) => commands::run::run(&args),
        args::Command::Config(args) => commands::config::run(&args),
        args::Command::Licenses(args) => commands::licenses::run(&args),
        args::Command::Verify(args) => commands::verify::run(&args),
        args::Command::Lookup(args) => commands::lookup::run(&args),
        args::Command::Prove(args) => commands::prove::prove(&args),
        args::Command::CheckProof(args) => commands::prove::check(&args),
        args::Command::Keygen(args) => commands::keygen::run(&args),
        args::Command::Sign(args) => commands::sign::run(&args),
        args::Command::Export(args) => commands::export::run(&args),
        args::Command::Datasheet(args) => commands::datasheet::run(&args),
        args::Command::Release(args) => commands::release::run(&args),
        args::Command::Amend(args) => commands::amend::run(&args),
        args::Command::Diff(args) => commands::diff::run(&args),
        args::Command::Plan(args) => commands::stages::plan(&args),
        args::Command::Ingest(args) => commands::stages::ingest(&args),
        args::Command::Bucket(args) => commands::stages::bucket(&args),
        args::Command::VerifyPairs(args) => commands::stages::verify_pairs(&args),
        args::Command::Cluster(args) => commands::stages::cluster(&args),
        args::Command::Finalize(args) => commands::stages::finalize(&args),
        args::Command::Manifest(args) => commands::stages::manifest(&args),
        args::Command::Slurm(command) => commands::slurm::run(&command),
    };
    match result {
        Ok(code) => code,
        Err(err) => report_error(&err),
    }
}

/// Prints the error with its causes; a closed stdout (`| head`) is not an error.
fn report_error(err: &anyhow::Error) -> u8 {
    let broken_pipe = err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    });
    if broken_pipe {
        return EXIT_OK;
    }
    eprintln!("error: {err}");
    for cause in err.chain().skip(1) {
        eprintln!("  caused by: {cause}");
    }
    let disk_full = err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::StorageFull)
    });
    if disk_full {
        eprintln!(
            "hint: the disk is full; free space or write elsewhere, then run again \
             (`run` also needs room for its work files in OUT/.work, a few times the size of the inputs)"
        );
    }
    EXIT_ERROR
}
