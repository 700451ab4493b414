//! `generate systemd` (units from containers) and the Quadlet-style
//! generator (`sangja __quadlet`, or the binary run as
//! `sangja-user-generator` / `sangja-system-generator` by systemd).

use super::Context;
use crate::engine::generate::{self as engine_generate, own_exe, UnitOptions};
use crate::error::Result;
use clap::{Args, Subcommand};
use std::path::PathBuf;

/// `sangja generate ...`.
#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum GenerateCommand {
    /// Write a systemd unit that runs a container.
    Systemd(SystemdArgs),
}

// `generate systemd` flags (podman's names).
#[derive(Debug, Args)]
pub struct SystemdArgs {
    /// Create the container at start and remove it at stop (from its recorded create command).
    #[arg(long)]
    pub new: bool,
    /// Name the unit after the container's name, not its id.
    #[arg(short, long)]
    pub name: bool,
    /// Write the unit to CONTAINER_PREFIX-NAME.service in the current folder and print its path.
    #[arg(short, long)]
    pub files: bool,
    /// systemd's Restart= value: no, on-success, on-failure, on-abnormal, on-watchdog, on-abort, always.
    #[arg(long = "restart-policy", value_name = "POLICY", default_value = "on-failure")]
    pub restart_policy: String,
    /// Seconds systemd waits before restarting (RestartSec=).
    #[arg(long = "restart-sec", value_name = "SECONDS")]
    pub restart_sec: Option<u64>,
    /// Prefix of the unit's name.
    #[arg(long = "container-prefix", value_name = "PREFIX", default_value = "container")]
    pub container_prefix: String,
    /// Separator between the prefix and the name.
    #[arg(long, value_name = "SEP", default_value = "-")]
    pub separator: String,
    /// Seconds to stop the container (default: its --stop-timeout, else 10).
    #[arg(short = 't', long = "stop-timeout", visible_alias = "time", value_name = "SECONDS")]
    pub stop_timeout: Option<u64>,
    /// The container.
    #[arg(value_name = "CONTAINER")]
    pub container: String,
}

/// Runs `generate ...`.
pub fn generate(ctx: &Context, cmd: GenerateCommand) -> Result<i32> {
    let GenerateCommand::Systemd(a) = cmd;
    let opts = UnitOptions {
        new: a.new,
        use_name: a.name,
        container_prefix: a.container_prefix.clone(),
        separator: a.separator.clone(),
        restart_policy: a.restart_policy.clone(),
        restart_sec: a.restart_sec,
        stop_timeout: a.stop_timeout,
        exe: own_exe()?,
    };
    let u = engine_generate::systemd_unit(&ctx.engine, &a.container, &opts)?;
    if a.files {
        let path = engine_generate::write_unit_file(&u)?;
        println!("{}", path.display());
    } else {
        print!("{}", u.text);
    }
    Ok(0)
}

// `sangja __quadlet` flags (podman's `quadlet` names).
#[derive(Debug, Args)]
pub struct QuadletArgs {
    /// Print the units to stdout instead of writing them.
    #[arg(long = "dryrun", alias = "dry-run")]
    pub dryrun: bool,
    /// The units of the user's files (default when not root), not the system's.
    #[arg(long)]
    pub user: bool,
    /// Output folders as systemd passes them (normal, early, late).
    #[arg(value_name = "DIR")]
    pub dirs: Vec<PathBuf>,
}

/// Runs the generator: returns the exit code. Errors about one file are
/// printed with its name and line; the other files' units are still made.
pub fn quadlet(args: QuadletArgs) -> i32 {
    let user = args.user || !nix::unistd::geteuid().is_root();
    let exe = match own_exe() {
        Ok(e) => e,
        Err(e) => {
            eprintln!("Error: {e}");
            return e.exit_code();
        }
    };
    // systemd invokes us through a symlink named for the generator: the
    // units must run the real binary, under its usual name.
    let exe = std::fs::canonicalize(&exe).map(|p| p.display().to_string()).unwrap_or(exe);
    let (units, errors) = engine_generate::quadlet_units(user, &exe);
    for g in &units {
        for w in &g.warnings {
            eprintln!("sangja-generator: warning: {w}");
        }
    }
    for e in &errors {
        eprintln!("sangja-generator: error: {e}");
    }
    if args.dryrun {
        for g in &units {
            println!("---{}---", g.name);
            print!("{}", g.text);
        }
    } else {
        let Some(out) = args.dirs.first() else {
            eprintln!("Error: give the output folder(s) systemd passes, or --dryrun");
            return crate::error::ENGINE_EXIT;
        };
        if let Err(e) = engine_generate::write_units(out, &units) {
            eprintln!("Error: cannot write units to {}: {e}", out.display());
            return crate::error::ENGINE_EXIT;
        }
    }
    if errors.is_empty() {
        0
    } else {
        1
    }
}

/// systemd runs generators by these names (symlinks to sangja).
pub const USER_GENERATOR: &str = "sangja-user-generator";
pub const SYSTEM_GENERATOR: &str = "sangja-system-generator";

/// When sangja was run as a generator: its exit code.
pub fn run_if_generator() -> Option<i32> {
    let argv0 = std::env::args_os().next()?;
    let base = std::path::Path::new(&argv0).file_name()?.to_str()?.to_string();
    let user = match base.as_str() {
        USER_GENERATOR => true,
        SYSTEM_GENERATOR => false,
        _ => return None,
    };
    let dirs: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    let dryrun = dirs.first().is_some_and(|d| d == "--dryrun" || d == "-dryrun");
    let dirs = if dryrun { Vec::new() } else { dirs };
    Some(quadlet(QuadletArgs { dryrun, user, dirs }))
}
