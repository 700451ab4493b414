//! Executes an oci_spec::runtime::Spec: namespaces, mounts, pivot_root,
//! /dev, rlimits, user, capabilities, exec. Takes a Spec and a rootfs,
//! nothing else (DESIGN.md seam).
//!
//! One clone, no re-exec, no helper process: the parent prepares a `Plan`,
//! clones the child into a new pid namespace, and the child sets everything
//! up and execs the command as pid 1. A close-on-exec pipe tells the parent
//! whether the exec happened (EOF) or what failed (a short report).

// The lower crates under the module names they had when all was one crate.
use sangja_core::{error, lock, paths};

mod caps;
pub mod cgroups;
pub mod cgroups_v2;
// The device allowlist: v1 lines and the v2 BPF program (issue 14).
pub mod cgroups_devices;
mod child;
mod clone;
mod dev;
pub mod fdpass;
pub mod fds;
pub mod fuse_server;
pub mod idmap_copy;
mod idmap_mount;
mod mounts;
mod namespaces;
mod plan;
mod process;
mod resolve;
mod rootfs;
mod seccomp;
mod seccomp_syscalls;
mod seccomp_tree;
pub mod selfexe;
mod signals;
mod stdio;
// Rootless cgroup delegation from the systemd user manager (issue 6).
pub mod systemd_scope;
pub mod userns;
// -t/-i, exec and the terminal relay (issue 3, part B).
pub mod exec;
pub mod foreground;
pub mod relay;
pub mod tty;

use crate::error::{Error, Result};
use nix::errno::Errno;
use nix::fcntl::OFlag;
use nix::sys::wait::waitpid;
use nix::unistd::pipe2;
use oci_spec::runtime::Spec;
use std::path::PathBuf;

pub use signals::wait_forwarding_signals;
pub use stdio::{is_terminal, spawn_with_stdio, Stdio};

/// The spec annotation (the container's id) that makes a missing working
/// directory an error, as podman's `-w`, instead of creating it.
pub const WORKDIR_CHECK_ANNOTATION: &str = "io.sangja.workdir.check";

/// How the rootfs at spec.root.path is made, inside the container's mount namespace.
#[derive(Debug, Clone)]
pub enum Rootfs {
    /// Kernel overlayfs: lower dirs top first, the container's upper and work dirs.
    Overlay { lower: Vec<PathBuf>, upper: PathBuf, work: PathBuf, userxattr: bool },
    /// An existing directory used as is (bind-mounted onto itself).
    Directory,
    /// Our FUSE overlay (storage::fuse): lower dirs top first, the container's
    /// upper dir; served by a process forked before the clone (fuse_server.rs).
    Fuse { lower: Vec<PathBuf>, upper: PathBuf, userxattr: bool },
}

/// A container process started by `spawn`.
#[derive(Debug)]
pub struct Container {
    /// Host pid of the container's init process.
    pub pid: i32,
}

/// What the runtime has to tell its caller while it works: it never
/// prints, its caller decides what the user sees.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// A layer (its short id) is copied with its owners shifted for the
    /// container's id mapping: once, later containers reuse the copy.
    IdmapCopy { layer: String },
    /// Detail for debug logging.
    Debug(String),
}

/// Starts the container with `stdio` as its 0, 1 and 2: returns once its
/// command has been exec'd, or the error (CommandNotFound /
/// CommandNotExecutable / Runtime) if it could not be. What the runtime has
/// to say on the way goes to `notes`. Call it while the process has a
/// single thread (DESIGN.md, fork safety).
pub fn spawn(spec: &Spec, rootfs: &Rootfs, stdio: &Stdio, notes: &mut dyn FnMut(Notice)) -> Result<Container> {
    let mut plan = plan::Plan::new(spec, rootfs, notes)?;
    plan.stdio = Some(stdio.raw());
    spawn_plan(plan)
}

/// `spawn` of a prepared plan (tty.rs adds its pty to the plan first).
fn spawn_plan(mut plan: plan::Plan) -> Result<Container> {
    let (report_rx, report_tx) = pipe2(OFlag::O_CLOEXEC).map_err(|e| Error::Runtime(format!("create the report pipe: {}", e.desc())))?;
    // The FUSE server first, while single-threaded: the child mounts and
    // hands it the connection (fuse_server.rs).
    if let Some(f) = plan.fuse.as_mut() {
        f.sock = Some(fuse_server::fork_server(f.layers.clone())?.sock);
    }
    let pid = clone::spawn_child(&plan, &report_tx);
    // Ours is closed: the server sees EOF if the child never sent the fd.
    if let Some(f) = plan.fuse.as_mut() {
        f.sock = None;
    }
    let pid = pid?;
    drop(report_tx);
    let report = child::read_report(&report_rx, "the container's")?;
    if report.is_empty() {
        return Ok(Container { pid: pid.as_raw() });
    }
    // The child exits right after its report: reap it.
    while let Err(Errno::EINTR) = waitpid(pid, None) {}
    Err(child::decode(&report, &plan.command))
}
pub use seccomp::compiled_len as seccomp_compiled_len;
pub mod liveness;
