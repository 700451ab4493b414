//! Spawning a container with chosen stdin/stdout/stderr.
//!
//! `spawn` gives the container the caller's fds 0, 1 and 2. Rather than
//! thread three descriptors through the plan and the cloned child, the
//! caller's own 0/1/2 are swapped for the wanted ones around the spawn and
//! put back afterwards. That is only sound in a single-threaded process,
//! which `spawn` requires anyway (DESIGN.md, fork safety).

use super::{spawn, Container, Rootfs};
use crate::error::{Error, Result};
use nix::errno::Errno;
use nix::unistd::dup;
use oci_spec::runtime::Spec;
use std::os::fd::{AsRawFd, BorrowedFd, OwnedFd};

/// The three descriptors the container gets as its 0, 1 and 2.
pub struct Stdio<'a> {
    pub stdin: BorrowedFd<'a>,
    pub stdout: BorrowedFd<'a>,
    pub stderr: BorrowedFd<'a>,
}

/// `spawn` with the container's stdio taken from `stdio` instead of ours.
/// Call it while the process has a single thread.
pub fn spawn_with_stdio(spec: &Spec, rootfs: &Rootfs, stdio: &Stdio) -> Result<Container> {
    let saved = save_std()?;
    let swapped = install(&[stdio.stdin, stdio.stdout, stdio.stderr]);
    let result = swapped.and_then(|_| spawn(spec, rootfs));
    // Put our own back whatever happened; a failure here would leave the
    // caller writing into the container's pipes, so it is an error too.
    let restored = install(&[saved[0].as_fd_borrow(), saved[1].as_fd_borrow(), saved[2].as_fd_borrow()]);
    let child = result?;
    restored?;
    Ok(child)
}

trait AsBorrow {
    fn as_fd_borrow(&self) -> BorrowedFd<'_>;
}

impl AsBorrow for OwnedFd {
    fn as_fd_borrow(&self) -> BorrowedFd<'_> {
        std::os::fd::AsFd::as_fd(self)
    }
}

fn save_std() -> Result<[OwnedFd; 3]> {
    let one = |fd: i32| {
        // SAFETY: 0, 1 and 2 are open for the whole life of the process.
        let b = unsafe { BorrowedFd::borrow_raw(fd) };
        dup(b).map_err(|e| Error::Runtime(format!("save descriptor {fd}: {}", e.desc())))
    };
    Ok([one(0)?, one(1)?, one(2)?])
}

fn install(fds: &[BorrowedFd; 3]) -> Result<()> {
    for (target, fd) in fds.iter().enumerate() {
        if fd.as_raw_fd() == target as i32 {
            continue;
        }
        // SAFETY: dup2 onto 0/1/2, which we own and mean to replace.
        Errno::result(unsafe { libc::dup2(fd.as_raw_fd(), target as i32) })
            .map_err(|e| Error::Runtime(format!("set descriptor {target} for the container: {}", e.desc())))?;
    }
    Ok(())
}
