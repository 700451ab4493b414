//! The command line: clap definitions (one file per command group) and
//! rendering. Calls engine/ for the work; only this layer prints.

pub mod containers;
pub mod format;
pub mod images;
pub mod inspect;
pub mod progress;
pub mod run;

use crate::engine::Engine;
use crate::error::Result;
use clap::{Parser, Subcommand};
use std::path::PathBuf;

/// sangja: daemonless, rootless containers.
#[derive(Debug, Parser)]
#[command(name = "sangja", version, about = "Manage containers and images without a daemon, rootless first", propagate_version = true)]
pub struct Cli {
    /// Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja).
    #[arg(long, global = true, value_name = "DIR")]
    pub root: Option<PathBuf>,
    /// Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja).
    #[arg(long, global = true, value_name = "DIR")]
    pub runroot: Option<PathBuf>,
    /// Storage driver: overlay.
    #[arg(long = "storage-driver", global = true, value_name = "DRIVER", env = "STORAGE_DRIVER")]
    pub storage_driver: Option<String>,
    /// Log messages at this level and above: debug, info, warn, error.
    #[arg(long = "log-level", global = true, value_name = "LEVEL", default_value = "warn",
          value_parser = ["trace", "debug", "info", "warn", "error", "fatal", "panic"])]
    pub log_level: String,
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Pull an image from a registry.
    Pull(images::PullArgs),
    /// List images in local storage.
    #[command(alias = "image-ls")]
    Images(images::ImagesArgs),
    /// Remove one or more images.
    Rmi(images::RmiArgs),
    /// Run a command in a new container.
    Run(run::RunArgs),
    /// List containers.
    Ps(containers::PsArgs),
    /// Remove one or more containers.
    Rm(containers::RmArgs),
    /// Show the configuration and state of containers or images as JSON.
    Inspect(inspect::InspectArgs),
    /// Manage images (podman's `image` group).
    #[command(subcommand)]
    Image(ImageCommand),
    /// Manage containers (podman's `container` group).
    #[command(subcommand)]
    Container(ContainerCommand),
    /// Show version information.
    Version,
}

/// `sangja image ...`.
#[derive(Debug, Subcommand)]
pub enum ImageCommand {
    /// Pull an image from a registry.
    Pull(images::PullArgs),
    /// List images.
    #[command(alias = "list")]
    Ls(images::ImagesArgs),
    /// Remove images.
    Rm(images::RmiArgs),
    /// Inspect images.
    Inspect(inspect::InspectArgs),
}

/// `sangja container ...`.
#[derive(Debug, Subcommand)]
pub enum ContainerCommand {
    /// Run a command in a new container.
    Run(run::RunArgs),
    /// List containers.
    #[command(alias = "list")]
    Ls(containers::PsArgs),
    /// Remove containers.
    Rm(containers::RmArgs),
    /// Inspect containers.
    Inspect(inspect::InspectArgs),
}

/// Runs a parsed command line; returns the process exit code.
pub fn execute(cli: Cli) -> Result<i32> {
    if let Command::Version = cli.command {
        println!("sangja version {}", env!("CARGO_PKG_VERSION"));
        return Ok(0);
    }
    let read_only = matches!(
        cli.command,
        Command::Images(_) | Command::Ps(_) | Command::Inspect(_)
            | Command::Image(ImageCommand::Ls(_) | ImageCommand::Inspect(_))
            | Command::Container(ContainerCommand::Ls(_) | ContainerCommand::Inspect(_))
    );
    let engine = Engine::open(cli.root.clone(), cli.runroot.clone(), cli.storage_driver.clone(), &cli.log_level, !read_only)?;
    let ctx = Context { engine, cli_globals: global_args(&cli) };
    match cli.command {
        Command::Pull(a) | Command::Image(ImageCommand::Pull(a)) => images::pull(&ctx, a),
        Command::Images(a) | Command::Image(ImageCommand::Ls(a)) => images::list(&ctx, a),
        Command::Rmi(a) | Command::Image(ImageCommand::Rm(a)) => images::remove(&ctx, a),
        Command::Image(ImageCommand::Inspect(mut a)) => {
            a.kind = Some(inspect::InspectKind::Image);
            inspect::inspect(&ctx, a)
        }
        Command::Run(a) | Command::Container(ContainerCommand::Run(a)) => run::run(&ctx, a),
        Command::Ps(a) | Command::Container(ContainerCommand::Ls(a)) => containers::ps(&ctx, a),
        Command::Rm(a) | Command::Container(ContainerCommand::Rm(a)) => containers::remove(&ctx, a),
        Command::Container(ContainerCommand::Inspect(mut a)) => {
            a.kind = Some(inspect::InspectKind::Container);
            inspect::inspect(&ctx, a)
        }
        Command::Inspect(a) => inspect::inspect(&ctx, a),
        Command::Version => Ok(0),
    }
}

/// What every command handler gets.
pub struct Context {
    pub engine: Engine,
    /// The global flags, to pass on when sangja runs itself (pull for run).
    pub cli_globals: Vec<String>,
}

fn global_args(cli: &Cli) -> Vec<String> {
    let mut v = Vec::new();
    if let Some(r) = &cli.root {
        v.extend(["--root".to_string(), r.display().to_string()]);
    }
    if let Some(r) = &cli.runroot {
        v.extend(["--runroot".to_string(), r.display().to_string()]);
    }
    if let Some(d) = &cli.storage_driver {
        v.extend(["--storage-driver".to_string(), d.clone()]);
    }
    v.extend(["--log-level".to_string(), cli.log_level.clone()]);
    v
}

/// Parses `--tls-verify[=BOOL]` as podman does (a bare flag means true).
pub fn parse_bool(s: &str) -> std::result::Result<bool, String> {
    match s {
        "true" | "1" | "yes" => Ok(true),
        "false" | "0" | "no" => Ok(false),
        _ => Err(format!("invalid boolean {s:?}: use true or false")),
    }
}
