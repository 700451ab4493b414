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
use nix::fcntl::{open, OFlag};
use nix::sys::stat::Mode;
use nix::unistd::{dup, pipe2};
use oci_spec::runtime::Spec;
use std::os::fd::{AsRawFd, BorrowedFd, FromRawFd, OwnedFd, RawFd};

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

/// Where the container's stdin comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StdinFrom {
    /// /dev/null: the container does not read the caller's input (no `-i`).
    Null,
    /// Our stdin (`-i`).
    Ours,
}

/// The container's 0, 1 and 2 for a process without a terminal of its own,
/// and the relay that stands in for those of ours that are terminals.
///
/// A container must never hold a terminal of the caller (issue 14, TIOCSTI):
/// a terminal among our 0/1/2 is replaced by a pipe that we copy to or from
/// it. Anything else (a file, a pipe, a socket, /dev/null) is handed over
/// as it is: no copy, no cost, which is the common case of scripts and units.
#[derive(Debug)]
pub struct Guarded {
    /// The container's ends, in the order 0, 1, 2 (close-on-exec: dup2 them).
    pub theirs: [OwnedFd; 3],
    pub relay: Relay,
}

/// Our ends of the pipes that replace a terminal.
#[derive(Debug, Default)]
pub struct Relay {
    /// The write end of the container's stdin, fed from our fd 0.
    pub(super) stdin: Option<OwnedFd>,
    /// Read ends of the container's output and the fd of ours each goes to.
    pub(super) outputs: Vec<(OwnedFd, RawFd)>,
}

/// The container's stdio for `stdin`, with a pipe wherever ours is a terminal.
pub fn guard(stdin: StdinFrom) -> Result<Guarded> {
    let mut relay = Relay::default();
    let fd0 = match stdin {
        StdinFrom::Null => open("/dev/null", OFlag::O_RDONLY | OFlag::O_CLOEXEC, Mode::empty())
            .map_err(|e| Error::Runtime(format!("open /dev/null: {}", e.desc())))?,
        StdinFrom::Ours if is_terminal(0) => {
            let (r, w) = pipe()?;
            relay.stdin = Some(w);
            r
        }
        StdinFrom::Ours => dup_of(0)?,
    };
    let fd1 = if is_terminal(1) {
        let (r, w) = pipe()?;
        relay.outputs.push((r, 1));
        Some(w)
    } else {
        None
    };
    let fd2 = if !is_terminal(2) {
        dup_of(2)?
    } else if let Some(w) = fd1.as_ref().filter(|_| same_file(1, 2)) {
        // One pipe for both, as the terminal is one: what the container
        // writes to each keeps its order on the screen.
        dup_of(w.as_raw_fd())?
    } else {
        let (r, w) = pipe()?;
        relay.outputs.push((r, 2));
        w
    };
    let fd1 = match fd1 {
        Some(w) => w,
        None => dup_of(1)?,
    };
    Ok(Guarded { theirs: [fd0, fd1, fd2], relay })
}

fn is_terminal(fd: RawFd) -> bool {
    // SAFETY: isatty on any descriptor number.
    unsafe { libc::isatty(fd) == 1 }
}

/// True when `a` and `b` are the same file (the same terminal device).
fn same_file(a: RawFd, b: RawFd) -> bool {
    // SAFETY: 1 and 2 (the only callers' fds) are open for the life of the process.
    let (a, b) = unsafe { (BorrowedFd::borrow_raw(a), BorrowedFd::borrow_raw(b)) };
    match (nix::sys::stat::fstat(a), nix::sys::stat::fstat(b)) {
        (Ok(x), Ok(y)) => x.st_dev == y.st_dev && x.st_ino == y.st_ino && x.st_rdev == y.st_rdev,
        _ => false,
    }
}

/// A close-on-exec pipe (read end, write end), both above 2: the ends are
/// dup2'd onto 0-2 one after the other and must not be among them.
fn pipe() -> Result<(OwnedFd, OwnedFd)> {
    let (r, w) = pipe2(OFlag::O_CLOEXEC).map_err(|e| Error::Runtime(format!("create a pipe for the container's stdio: {}", e.desc())))?;
    Ok((above_stdio(r)?, above_stdio(w)?))
}

fn dup_of(fd: RawFd) -> Result<OwnedFd> {
    // SAFETY: F_DUPFD_CLOEXEC of a descriptor we hold; the result is ours.
    let r = unsafe { libc::fcntl(fd, libc::F_DUPFD_CLOEXEC, 3) };
    let r = Errno::result(r).map_err(|e| Error::Runtime(format!("duplicate descriptor {fd} for the container: {}", e.desc())))?;
    // SAFETY: a fresh descriptor.
    Ok(unsafe { OwnedFd::from_raw_fd(r) })
}

fn above_stdio(fd: OwnedFd) -> Result<OwnedFd> {
    if fd.as_raw_fd() > 2 {
        return Ok(fd);
    }
    dup_of(fd.as_raw_fd())
}
