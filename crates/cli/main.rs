//! The `corpusledger` binary: everything is in the library, so that the
//! Python package's command runs the same code.

fn main() -> std::process::ExitCode {
    std::process::ExitCode::from(corpusledger::main(std::env::args_os()))
}
