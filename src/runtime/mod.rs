//! Executes an oci_spec::runtime::Spec: namespaces, mounts, pivot_root,
//! /dev, rlimits, exec. Takes a Spec and a rootfs, nothing else (DESIGN.md seam).
//! (stub: filled in by the runtime work)

use crate::error::Result;
use oci_spec::runtime::Spec;
use std::path::PathBuf;

/// How the rootfs at spec.root.path is made, inside the container's mount namespace.
#[derive(Debug, Clone)]
pub enum Rootfs {
    /// Kernel overlayfs: lower dirs top first, the container's upper and work dirs.
    Overlay { lower: Vec<PathBuf>, upper: PathBuf, work: PathBuf, userxattr: bool },
    /// An existing directory used as is (bind-mounted onto itself).
    Directory,
}

/// A container process started by `spawn`.
#[derive(Debug)]
pub struct Container {
    /// Host pid of the container's init process.
    pub pid: i32,
}

/// Starts the container: returns once its command has been exec'd, or the
/// error (CommandNotFound / CommandNotExecutable / Runtime) if it could not be.
pub fn spawn(spec: &Spec, rootfs: &Rootfs) -> Result<Container> {
    let _ = (spec, rootfs);
    unimplemented!()
}

/// Waits for the container to exit, forwarding SIGINT, SIGTERM, SIGHUP,
/// SIGQUIT, SIGUSR1, SIGUSR2 and SIGWINCH to it; returns its exit code
/// (128+signal when killed by a signal).
pub fn wait_forwarding_signals(container: &Container) -> Result<i32> {
    let _ = container;
    unimplemented!()
}
