//! sangja's entry point: parse, dispatch, map errors to podman's exit codes.

mod init_main;

fn main() {
    // As the container's init (--init), before anything else of sangja: it
    // runs inside the container, and the fds it holds are the container's
    // own (--preserve-fds ones included), to hand on to the command.
    if let Some(code) = init_main::run_if_init() {
        std::process::exit(code);
    }
    // Nothing the caller left open goes on to a program we start; below,
    // once the flags say which ones the user passes on purpose, the rest
    // are closed (runtime/fds.rs, CVE-2024-21626).
    sangja::runtime::fds::cloexec_inherited();
    // Before the user namespace: whether our binary is out of reach of
    // containers, for the workers started from inside it (selfexe.rs).
    sangja::runtime::selfexe::remember_out_of_reach();
    // A worker of the engine (the monitor of a detached container): a
    // serialised request on fd 3, no command line (engine/worker.rs).
    if std::env::args_os().nth(1).is_some_and(|a| a == "__worker") {
        std::process::exit(sangja::engine::worker::main());
    }
    if std::env::var_os("SANGJA_FUSE_DEBUG").is_some() {
        fuse_debug_log();
    }
    // As systemd's generator of units from .container files (quadlet).
    if let Some(code) = sangja::cli::generate::run_if_generator() {
        std::process::exit(code);
    }
    let cli = match sangja::cli::parse() {
        Ok((cli, Ok(warnings))) => {
            for w in warnings {
                eprintln!("WARN: {w}");
            }
            cli
        }
        Ok((_, Err(refused))) => {
            eprintln!("Error: {refused}");
            std::process::exit(sangja::error::ENGINE_EXIT);
        }
        Err(e) => {
            // --help and --version are not errors; bad usage is 125, as podman.
            let code = if e.use_stderr() { sangja::error::ENGINE_EXIT } else { 0 };
            let _ = e.print();
            std::process::exit(code);
        }
    };
    // podman's words and status for a level it does not know.
    if !sangja::cli::LOG_LEVELS.contains(&cli.log_level.as_str()) {
        eprintln!("Log Level {:?} is not supported, choose from: {}", cli.log_level, sangja::cli::LOG_LEVELS.join(", "));
        std::process::exit(1);
    }
    // --noout: standard output goes nowhere, for this process and what it runs.
    if cli.noout {
        if let Ok(null) = std::fs::OpenOptions::new().write(true).open("/dev/null") {
            use std::os::fd::AsRawFd;
            // SAFETY: dup2 onto fd 1, which the process owns; no Rust handle caches fd 1's file.
            unsafe { libc::dup2(null.as_raw_fd(), 1) };
        }
    }
    // A process that starts or enters containers runs from a read-only
    // view of the binary, which a container cannot rewrite (CVE-2019-5736);
    // the fds it keeps go along through that re-exec.
    let prepared = cli.fds_to_pass().and_then(|(keep, close_others)| {
        if close_others {
            sangja::runtime::fds::keep_only(keep)?;
        }
        if cli.enters_containers() {
            sangja::runtime::selfexe::reexec_sealed(keep)?;
        }
        Ok(())
    });
    if let Err(e) = prepared {
        eprintln!("Error: {e}");
        std::process::exit(e.exit_code());
    }
    let code = match sangja::cli::execute(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("Error: {e}");
            e.exit_code()
        }
    };
    std::process::exit(code)
}

/// The FUSE server's request log on stderr (`SANGJA_FUSE_DEBUG=1`): one line
/// per request that fuser logs, in the server process (forked from this
/// one, with this logger). A server started for a container has /dev/null
/// as its stderr; `sangja __fuse-mount` keeps ours.
fn fuse_debug_log() {
    struct StderrLog;
    impl log::Log for StderrLog {
        fn enabled(&self, m: &log::Metadata<'_>) -> bool {
            m.level() <= log::Level::Debug && m.target().starts_with("fuser")
        }
        fn log(&self, r: &log::Record<'_>) {
            if self.enabled(r.metadata()) {
                eprintln!("fuse: {}", r.args());
            }
        }
        fn flush(&self) {}
    }
    static LOG: StderrLog = StderrLog;
    if log::set_logger(&LOG).is_ok() {
        log::set_max_level(log::LevelFilter::Debug);
    }
}
