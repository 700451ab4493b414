//! `mount`, `unmount` and `unshare`. Rootless, a mount is visible only in the
//! mount namespace that made it: as podman, `mount` works only inside
//! `unshare`, which runs a command in sangja's user namespace and a mount
//! namespace of its own.

use super::Engine;
use crate::error::{Error, ErrorKind, Result};
use sangja_container::record::{Container, ContainerStore};
use serde::Serialize;

/// Set in the environment of `unshare`'s command.
const UNSHARED_ENV: &str = "_SANGJA_UNSHARED";

fn unshared() -> bool {
    std::env::var(UNSHARED_ENV).as_deref() == Ok("1")
}

/// Rootless, `sangja CMD` (mount, unmount) must run inside `sangja unshare`.
pub fn check_unshared(engine: &Engine, cmd: &str) -> Result<()> {
    if engine.identity.rootless && !unshared() {
        return Err(Error::Invalid(format!("cannot run command \"sangja {cmd}\" in rootless mode, must execute `sangja unshare` first")));
    }
    Ok(())
}

/// A container whose root filesystem is mounted (in this mount namespace).
#[derive(Debug, Clone, Serialize)]
pub struct Mounted {
    pub id: String,
    pub path: String,
}

/// The containers mounted, as `mount` without names lists them.
pub fn mounted(engine: &Engine) -> Result<Vec<Mounted>> {
    let text = std::fs::read_to_string("/proc/self/mountinfo").unwrap_or_default();
    let mut out = Vec::new();
    for c in ContainerStore::new(&engine.paths).list()? {
        let p = c.rootfs_dir().to_string_lossy().into_owned();
        if text.lines().any(|l| l.split(' ').nth(4) == Some(p.as_str())) {
            out.push(Mounted { id: c.config.id.clone(), path: p });
        }
    }
    Ok(out)
}

/// The containers `unmount` works on: every one, or those named.
pub fn unmount_targets(engine: &Engine, all: bool, names: &[String]) -> Result<Vec<Container>> {
    let store = ContainerStore::new(&engine.paths);
    if all {
        return store.list();
    }
    names.iter().map(|n| store.lookup(n)).collect()
}

/// `unshare`: the command (empty: $SHELL, else /bin/sh).
#[derive(Debug, Clone, Default)]
pub struct UnshareRequest {
    pub command: Vec<String>,
}

/// Why the command could not be run (`unshare` returns only then).
#[derive(Debug, Clone, Serialize)]
pub struct UnshareFailure {
    pub program: String,
    pub error: String,
    /// 127: not found; 126: found but not runnable.
    pub exit_code: i32,
}

/// Runs a command inside sangja's user namespace (and a mount namespace of
/// its own, so `sangja mount` works there), as `podman unshare`: the
/// process becomes the command.
pub fn unshare(engine: &Engine, req: UnshareRequest) -> Result<UnshareFailure> {
    use std::os::unix::process::CommandExt;
    if engine.identity.rootless && !unshared() {
        super::rootview::private_mount_ns()?;
    }
    let mut argv = req.command;
    if argv.is_empty() {
        argv.push(std::env::var("SHELL").ok().filter(|s| !s.is_empty()).unwrap_or_else(|| "/bin/sh".into()));
    }
    let mut cmd = std::process::Command::new(&argv[0]);
    cmd.args(&argv[1..]);
    cmd.env(UNSHARED_ENV, "1");
    // podman's names, so tools that know them find the store.
    cmd.env("CONTAINERS_GRAPHROOT", &engine.paths.root).env("CONTAINERS_RUNROOT", &engine.paths.runroot);
    let err = cmd.exec();
    let kind = if err.kind() == std::io::ErrorKind::NotFound { ErrorKind::CommandNotFound } else { ErrorKind::CommandNotExecutable };
    let exit_code = kind.exit_code();
    Ok(UnshareFailure { program: argv[0].clone(), error: err.to_string(), exit_code })
}
