//! sangja's entry point: parse, dispatch, map errors to podman's exit codes.

use clap::Parser;

fn main() {
    // As the container's init (--init), before anything else of sangja.
    if let Some(code) = sangja::init::run_if_init() {
        std::process::exit(code);
    }
    // As systemd's generator of units from .container files (quadlet).
    if let Some(code) = sangja::cli::generate::run_if_generator() {
        std::process::exit(code);
    }
    let cli = match sangja::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // --help and --version are not errors; bad usage is 125, as podman.
            let code = if e.use_stderr() { 125 } else { 0 };
            let _ = e.print();
            std::process::exit(code);
        }
    };
    let code = match sangja::cli::execute(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("Error: {e}");
            e.exit_code()
        }
    };
    std::process::exit(code)
}
