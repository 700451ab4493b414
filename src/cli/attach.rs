//! `attach`: the terminal (or output and stdin) of a running container,
//! through its monitor; and the detach keys every attaching command shares.

use super::Context;
use crate::engine::attach::{self, AttachEnd, AttachOptions};
use crate::error::Result;
use clap::Args;

// `attach` flags (podman's names).
#[derive(Debug, Args)]
pub struct AttachArgs {
    /// Do not pass our stdin to the container.
    #[arg(long = "no-stdin")]
    pub no_stdin: bool,
    /// Key sequence that detaches (default ctrl-p,ctrl-q, or containers.conf's detach_keys).
    #[arg(long = "detach-keys", value_name = "KEYS")]
    pub detach_keys: Option<String>,
    /// Pass the signals sangja gets on to the container.
    #[arg(long = "sig-proxy", value_name = "BOOL", default_value_t = true, num_args = 0..=1,
          default_missing_value = "true", value_parser = super::parse_bool)]
    pub sig_proxy: bool,
    /// The container (name or id).
    #[arg(value_name = "CONTAINER")]
    pub container: String,
}

/// The detach keys: the flag, else containers.conf's `[engine] detach_keys`,
/// else podman's ctrl-p,ctrl-q.
pub fn detach_keys(flag: Option<&str>) -> Result<Vec<u8>> {
    attach::detach_keys(flag)
}

/// Our exit code for a session: the container's, or 0 after detaching
/// (the container runs on, as podman).
pub fn exit_code(end: AttachEnd) -> i32 {
    match end {
        AttachEnd::Exited(code) => code,
        AttachEnd::Detached => 0,
    }
}

/// Attaches until the container exits (its code is ours) or the user detaches (0).
pub fn attach(ctx: &Context, a: AttachArgs) -> Result<i32> {
    let opts =
        AttachOptions { stdin: !a.no_stdin, detach_keys: detach_keys(a.detach_keys.as_deref())?, sig_proxy: a.sig_proxy, send_eof: true };
    Ok(exit_code(attach::attach(&ctx.engine, &a.container, &opts, &super::events::own_stdio())?))
}

/// `run -t` in the foreground: the container starts under a monitor with us
/// attached from the start (podman's model), so that the detach keys leave
/// it running; otherwise it is as a direct child: our stdin with -i, our
/// window size, its exit code ours, and `--rm` done before we return.
/// Non-terminal runs (what systemd units run) stay direct children.
pub fn run_tty(ctx: &Context, c: &crate::engine::containers::Container, keys: Option<&str>) -> Result<i32> {
    let opts = AttachOptions { stdin: true, detach_keys: detach_keys(keys)?, sig_proxy: true, send_eof: true };
    Ok(exit_code(attach::start_attached(&ctx.engine, c, &opts, &super::events::own_stdio())?))
}
