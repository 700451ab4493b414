//! `sangja __fuse-mount` (hidden, for tests and tests/bench/fuse.sh): mounts
//! layers with our FUSE overlay (or, with --kernel, kernel overlay for
//! comparison) in a new mount namespace (and user namespace when not root),
//! runs a command inside, unmounts and reports the command's exit status.
//! With --vfs, no overlay at all: the layers are applied into UPPER as the
//! vfs driver builds an image's copy (storage::vfs::apply), and UPPER is
//! bind-mounted on the mount point, as a vfs container sees its rootfs.

use crate::error::{Error, IoContext, Result};
use crate::storage::fuse::{mount_data, serve, FuseLayers};
use nix::mount::{mount, umount2, MntFlags, MsFlags};
use nix::sched::{unshare, CloneFlags};
use nix::sys::wait::{waitpid, WaitStatus};
use nix::unistd::{fork, ForkResult};
use std::os::fd::{AsRawFd, OwnedFd};
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct FuseMountArgs {
    /// Mount kernel overlay instead, with this (empty) work folder beside UPPER.
    #[arg(long, value_name = "WORKDIR")]
    pub kernel: Option<PathBuf>,
    /// The vfs driver instead: apply the layers into UPPER (empty) and bind-mount it.
    #[arg(long, conflicts_with = "kernel")]
    pub vfs: bool,
    /// Lower layers, top-most first, separated by ':'.
    pub lower: String,
    /// The writable layer.
    pub upper: PathBuf,
    /// Where to mount the merged tree.
    pub mountpoint: PathBuf,
    /// The command to run while mounted.
    #[arg(last = true, required = true)]
    pub command: Vec<String>,
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

fn unmount(mnt: &PathBuf) {
    if umount2(mnt, MntFlags::empty()).is_err() {
        let _ = umount2(mnt, MntFlags::MNT_DETACH);
    }
}

pub fn fuse_mount(a: &FuseMountArgs) -> Result<i32> {
    let lower: Vec<PathBuf> = a.lower.split(':').filter(|s| !s.is_empty()).map(PathBuf::from).collect();
    if lower.is_empty() {
        return Err(Error::Invalid("__fuse-mount needs at least one lower layer".into()));
    }
    let userxattr = enter_namespaces()?;
    if a.vfs {
        // Bottom layer first, each one's whiteouts and opaque folders
        // applied to what the ones below made.
        for l in lower.iter().rev() {
            crate::storage::vfs::apply(l, &a.upper)?;
        }
        mount(Some(&a.upper), &a.mountpoint, None::<&str>, MsFlags::MS_BIND, None::<&str>)
            .ctx(|| format!("bind-mount {} on {}", a.upper.display(), a.mountpoint.display()))?;
        let code = run_command(&a.command);
        unmount(&a.mountpoint);
        return code;
    }
    if let Some(work) = &a.kernel {
        let opts = crate::storage::overlay::mount_options(&lower, &a.upper, work, userxattr)?;
        mount(Some("overlay"), &a.mountpoint, Some("overlay"), MsFlags::empty(), Some(opts.as_str()))
            .ctx(|| format!("mount kernel overlay on {}", a.mountpoint.display()))?;
        let code = run_command(&a.command);
        unmount(&a.mountpoint);
        return code;
    }
    let dev: OwnedFd =
        std::fs::OpenOptions::new().read(true).write(true).open("/dev/fuse").path_ctx("open", std::path::Path::new("/dev/fuse"))?.into();
    let data = mount_data(dev.as_raw_fd());
    mount(Some("sangja-fuse"), &a.mountpoint, Some("fuse"), MsFlags::MS_NOSUID | MsFlags::MS_NODEV, Some(data.as_str()))
        .ctx(|| format!("mount the FUSE overlay on {}", a.mountpoint.display()))?;
    let layers = FuseLayers { lower, upper: a.upper.clone(), userxattr };
    // SAFETY: this process is single-threaded here (no runtime started yet).
    match unsafe { fork() }.ctx(|| "fork the FUSE server".into())? {
        ForkResult::Child => {
            let code = match serve(dev, layers) {
                Ok(()) => 0,
                Err(e) => {
                    eprintln!("Error: {e}");
                    1
                }
            };
            std::process::exit(code);
        }
        ForkResult::Parent { child } => {
            drop(dev);
            let code = run_command(&a.command);
            unmount(&a.mountpoint);
            match waitpid(child, None) {
                Ok(WaitStatus::Exited(_, 0)) => {}
                Ok(st) => eprintln!("Error: the FUSE server ended with {st:?}"),
                Err(e) => eprintln!("Error: wait for the FUSE server: {e}"),
            }
            code
        }
    }
}
