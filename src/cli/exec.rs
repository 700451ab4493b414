//! `exec`: run a command in a running container.

use super::Context;
use crate::engine::exec::ExecOptions;
use crate::engine::exec::{self, ExecRequest};
use crate::error::Result;
use clap::Args;
use std::path::PathBuf;

// `exec` flags (podman's names).
#[derive(Debug, Args)]
pub struct ExecArgs {
    /// Keep stdin open and pass it to the command.
    #[arg(short = 'i', long)]
    pub interactive: bool,
    /// Allocate a pseudo-TTY.
    #[arg(short = 't', long)]
    pub tty: bool,
    /// Run the command in the background.
    #[arg(short = 'd', long)]
    pub detach: bool,
    /// User (name or uid, optionally :group) to run the command as.
    #[arg(short = 'u', long, value_name = "USER[:GROUP]")]
    pub user: Option<String>,
    /// Working directory inside the container.
    #[arg(short = 'w', long = "workdir", value_name = "DIR")]
    pub workdir: Option<String>,
    /// Pass down to the process N additional file descriptors (in addition to 0, 1, 2).
    #[arg(long = "preserve-fds", value_name = "N", default_value_t = 0)]
    pub preserve_fds: u32,
    /// Set an environment variable (KEY=VALUE, or KEY to copy it from here).
    #[arg(short = 'e', long = "env", value_name = "KEY=VALUE")]
    pub env: Vec<String>,
    /// Read environment variables from a file (KEY=VALUE lines).
    #[arg(long = "env-file", value_name = "FILE")]
    pub env_file: Vec<PathBuf>,
    /// Give the command every capability.
    #[arg(long)]
    pub privileged: bool,
    /// Key sequence that detaches from the command's terminal.
    #[arg(long = "detach-keys", value_name = "KEYS")]
    pub detach_keys: Option<String>,
    /// The container (name or id).
    #[arg(value_name = "CONTAINER")]
    pub container: String,
    /// The command and its arguments.
    #[arg(value_name = "COMMAND", required = true, trailing_var_arg = true, allow_hyphen_values = true)]
    pub command: Vec<String>,
}

/// Runs the command; its exit code is ours.
pub fn exec(ctx: &Context, a: ExecArgs) -> Result<i32> {
    let keys = super::attach::detach_keys(a.detach_keys.as_deref())?;
    let req = ExecRequest {
        container: a.container,
        command: a.command,
        env: a.env,
        env_files: a.env_file,
        user: a.user,
        workdir: a.workdir,
        privileged: a.privileged,
        io: ExecOptions { interactive: a.interactive, tty: a.tty, detach: a.detach, detach_keys: keys },
    };
    exec::exec(&ctx.engine, &req, &super::events::own_stdio())
}
