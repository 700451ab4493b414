//! `sangja __fuse-mount` (hidden, for tests and tests/bench/fuse.sh): mounts
//! layers with our FUSE overlay (or kernel overlay for comparison) in a new
//! mount namespace (and user namespace when not root), runs a command
//! inside, unmounts and reports the command's exit status. With the vfs
//! driver, no overlay at all: the layers are applied into UPPER as the vfs
//! driver builds an image's copy (storage::vfs::apply), and UPPER is
//! bind-mounted on the mount point, as a vfs container sees its rootfs.

use crate::error::{Error, IoContext, Result};
use nix::fcntl::OFlag;
use nix::mount::{mount, umount2, MntFlags, MsFlags};
use nix::sched::{unshare, CloneFlags};
use nix::sys::wait::{waitpid, WaitStatus};
use nix::unistd::{fork, pipe2, ForkResult};
use sangja_storage::fuse::{mount_data, serve, FuseLayers};
use serde::Serialize;
use std::io::{Read, Write};
use std::os::fd::{AsRawFd, OwnedFd};
use std::path::{Path, PathBuf};

/// How the layers are put together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Merge {
    /// sangja's FUSE overlay (a server forked here).
    Fuse,
    /// Kernel overlay, with this (empty) work folder beside UPPER.
    Kernel { work: PathBuf },
    /// The vfs driver: the layers applied into UPPER (empty), bind-mounted.
    Vfs,
}

/// `__fuse-mount`.
#[derive(Debug, Clone)]
pub struct FuseMountRequest {
    /// Lower layers, top-most first (at least one).
    pub lower: Vec<PathBuf>,
    /// The writable layer.
    pub upper: PathBuf,
    /// Where to mount the merged tree.
    pub mountpoint: PathBuf,
    pub merge: Merge,
    /// The command to run while mounted.
    pub command: Vec<String>,
}

/// The command's exit status, and what went wrong after it ran.
#[derive(Debug, Clone, Serialize)]
pub struct FuseMountOutcome {
    pub exit_code: i32,
    /// Failures of the FUSE server (its error, how it ended).
    pub warnings: Vec<String>,
}

/// Enters a private mount namespace; as a user, first a user namespace that
/// maps the caller to root (enough to mount FUSE and overlay). Returns whether
/// the overlay's xattrs must be user.overlay.* (true in a user namespace).
fn enter_namespaces() -> Result<bool> {
    let (uid, gid) = (nix::unistd::geteuid().as_raw(), nix::unistd::getegid().as_raw());
    let userns = uid != 0;
    if userns {
        unshare(CloneFlags::CLONE_NEWUSER | CloneFlags::CLONE_NEWNS).ctx(|| "create a user and mount namespace".into())?;
        std::fs::write("/proc/self/setgroups", "deny").ctx(|| "write /proc/self/setgroups".into())?;
        std::fs::write("/proc/self/uid_map", format!("0 {uid} 1")).ctx(|| "write /proc/self/uid_map".into())?;
        std::fs::write("/proc/self/gid_map", format!("0 {gid} 1")).ctx(|| "write /proc/self/gid_map".into())?;
    } else {
        unshare(CloneFlags::CLONE_NEWNS).ctx(|| "create a mount namespace".into())?;
    }
    mount(None::<&str>, "/", None::<&str>, MsFlags::MS_REC | MsFlags::MS_PRIVATE, None::<&str>).ctx(|| "make the mounts private".into())?;
    Ok(userns)
}

fn run_command(cmd: &[String]) -> Result<i32> {
    let status = std::process::Command::new(&cmd[0])
        .args(&cmd[1..])
        .status()
        .map_err(|e| Error::CommandNotFound(format!("cannot run {}: {e}", cmd[0])))?;
    use std::os::unix::process::ExitStatusExt;
    Ok(status.code().unwrap_or_else(|| 128 + status.signal().unwrap_or(0)))
}

fn unmount(mnt: &Path) {
    if umount2(mnt, MntFlags::empty()).is_err() {
        let _ = umount2(mnt, MntFlags::MNT_DETACH);
    }
}

/// Runs the command with the layers mounted. The process must be
/// single-threaded (it forks the FUSE server).
pub fn fuse_mount(req: &FuseMountRequest) -> Result<FuseMountOutcome> {
    if req.lower.is_empty() {
        return Err(Error::Invalid("__fuse-mount needs at least one lower layer".into()));
    }
    if req.command.is_empty() {
        return Err(Error::Invalid("__fuse-mount needs a command to run".into()));
    }
    let userxattr = enter_namespaces()?;
    let done = |code: Result<i32>| code.map(|exit_code| FuseMountOutcome { exit_code, warnings: Vec::new() });
    match &req.merge {
        Merge::Vfs => {
            // Bottom layer first, each one's whiteouts and opaque folders
            // applied to what the ones below made.
            for l in req.lower.iter().rev() {
                sangja_storage::vfs::apply(l, &req.upper)?;
            }
            mount(Some(&req.upper), &req.mountpoint, None::<&str>, MsFlags::MS_BIND, None::<&str>)
                .ctx(|| format!("bind-mount {} on {}", req.upper.display(), req.mountpoint.display()))?;
            let code = run_command(&req.command);
            unmount(&req.mountpoint);
            done(code)
        }
        Merge::Kernel { work } => {
            let opts = sangja_storage::overlay::mount_options(&req.lower, &req.upper, work, userxattr)?;
            mount(Some("overlay"), &req.mountpoint, Some("overlay"), MsFlags::empty(), Some(opts.as_str()))
                .ctx(|| format!("mount kernel overlay on {}", req.mountpoint.display()))?;
            let code = run_command(&req.command);
            unmount(&req.mountpoint);
            done(code)
        }
        Merge::Fuse => fuse(req, userxattr),
    }
}

fn fuse(req: &FuseMountRequest, userxattr: bool) -> Result<FuseMountOutcome> {
    let dev: OwnedFd =
        std::fs::OpenOptions::new().read(true).write(true).open("/dev/fuse").path_ctx("open", Path::new("/dev/fuse"))?.into();
    let data = mount_data(dev.as_raw_fd());
    mount(Some("sangja-fuse"), &req.mountpoint, Some("fuse"), MsFlags::MS_NOSUID | MsFlags::MS_NODEV, Some(data.as_str()))
        .ctx(|| format!("mount the FUSE overlay on {}", req.mountpoint.display()))?;
    let layers = FuseLayers { lower: req.lower.clone(), upper: req.upper.clone(), userxattr };
    // The server's error comes back through this pipe.
    let (report_rx, report_tx) = pipe2(OFlag::O_CLOEXEC).ctx(|| "create the FUSE server's report pipe".into())?;
    // SAFETY: this process is single-threaded here (no runtime started yet).
    match unsafe { fork() }.ctx(|| "fork the FUSE server".into())? {
        ForkResult::Child => {
            drop(report_rx);
            let code = match serve(dev, layers) {
                Ok(()) => 0,
                Err(e) => {
                    let _ = std::fs::File::from(report_tx).write_all(e.to_string().as_bytes());
                    1
                }
            };
            std::process::exit(code);
        }
        ForkResult::Parent { child } => {
            drop(dev);
            drop(report_tx);
            let code = run_command(&req.command);
            unmount(&req.mountpoint);
            let mut warnings = Vec::new();
            let mut report = String::new();
            let _ = std::fs::File::from(report_rx).read_to_string(&mut report);
            if !report.is_empty() {
                warnings.push(report);
            }
            match waitpid(child, None) {
                Ok(WaitStatus::Exited(_, 0)) => {}
                Ok(st) => warnings.push(format!("the FUSE server ended with {st:?}")),
                Err(e) => warnings.push(format!("wait for the FUSE server: {e}")),
            }
            code.map(|exit_code| FuseMountOutcome { exit_code, warnings })
        }
    }
}
