//! The container's stdin, stdout and stderr, from the streams its caller
//! passes in (`Stdio`): the runtime never reaches for the process's own
//! 0, 1 and 2. The clone child makes the given fds its 0-2 (child.rs).

use super::{spawn, Container, Rootfs};
use crate::error::{Error, Result};
use nix::errno::Errno;
use nix::fcntl::{open, OFlag};
use nix::sys::stat::Mode;
use nix::unistd::pipe2;
use oci_spec::runtime::Spec;
use std::os::fd::{AsRawFd, BorrowedFd, FromRawFd, OwnedFd, RawFd};

/// Three streams in the order 0, 1, 2: the container's own (`spawn`), or
/// the caller's (the user's terminal or pipes) that a foreground container,
/// an exec or an attach session reads and writes.
#[derive(Debug, Clone, Copy)]
pub struct Stdio<'a> {
    pub stdin: BorrowedFd<'a>,
    pub stdout: BorrowedFd<'a>,
    pub stderr: BorrowedFd<'a>,
}

impl Stdio<'_> {
    /// The three descriptor numbers, 0, 1, 2 in that order.
    pub(super) fn raw(&self) -> [RawFd; 3] {
        [self.stdin.as_raw_fd(), self.stdout.as_raw_fd(), self.stderr.as_raw_fd()]
    }
}

/// `spawn` for a caller that has nobody to tell what the runtime notices
/// (the monitor: its own stderr goes nowhere).
pub fn spawn_with_stdio(spec: &Spec, rootfs: &Rootfs, stdio: &Stdio) -> Result<Container> {
    spawn(spec, rootfs, stdio, &mut |_| {})
}

/// Where the container's stdin comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StdinFrom {
    /// /dev/null: the container does not read the caller's input (no `-i`).
    Null,
    /// The caller's stdin (`-i`).
    Caller,
}

/// The container's 0, 1 and 2 for a process without a terminal of its own,
/// and the relay that stands in for those of the caller's that are terminals.
///
/// A container must never hold a terminal of the caller (issue 14, TIOCSTI):
/// a terminal among the caller's streams is replaced by a pipe that we copy to or from
/// it. Anything else (a file, a pipe, a socket, /dev/null) is handed over
/// as it is: no copy, no cost, which is the common case of scripts and units.
#[derive(Debug)]
pub struct Guarded {
    /// The container's ends, in the order 0, 1, 2 (close-on-exec: dup2 them).
    pub theirs: [OwnedFd; 3],
    pub relay: Relay,
}

/// Our ends of the pipes that replace a terminal. The caller's fds are
/// borrowed: the `Stdio` given to `guard` outlives the relay.
#[derive(Debug, Default)]
pub struct Relay {
    /// The write end of the container's stdin, and the caller's stdin that feeds it.
    pub(super) stdin: Option<(OwnedFd, RawFd)>,
    /// Read ends of the container's output and the caller's fd each goes to.
    pub(super) outputs: Vec<(OwnedFd, RawFd)>,
}

/// The container's stdio for `stdin`, from the caller's streams `io`, with
/// a pipe wherever one of those is a terminal.
pub fn guard(stdin: StdinFrom, io: &Stdio) -> Result<Guarded> {
    let mut relay = Relay::default();
    let [in_fd, out_fd, err_fd] = io.raw();
    let fd0 = match stdin {
        StdinFrom::Null => open("/dev/null", OFlag::O_RDONLY | OFlag::O_CLOEXEC, Mode::empty())
            .map_err(|e| Error::Runtime(format!("open /dev/null: {}", e.desc())))?,
        StdinFrom::Caller if is_terminal(io.stdin) => {
            let (r, w) = pipe()?;
            relay.stdin = Some((w, in_fd));
            r
        }
        StdinFrom::Caller => dup_of(in_fd)?,
    };
    let fd1 = if is_terminal(io.stdout) {
        let (r, w) = pipe()?;
        relay.outputs.push((r, out_fd));
        Some(w)
    } else {
        None
    };
    let fd2 = if !is_terminal(io.stderr) {
        dup_of(err_fd)?
    } else if let Some(w) = fd1.as_ref().filter(|_| same_file(io.stdout, io.stderr)) {
        // One pipe for both, as the terminal is one: what the container
        // writes to each keeps its order on the screen.
        dup_of(w.as_raw_fd())?
    } else {
        let (r, w) = pipe()?;
        relay.outputs.push((r, err_fd));
        w
    };
    let fd1 = match fd1 {
        Some(w) => w,
        None => dup_of(out_fd)?,
    };
    Ok(Guarded { theirs: [fd0, fd1, fd2], relay })
}

/// Whether `fd` is a terminal.
pub fn is_terminal(fd: BorrowedFd) -> bool {
    // SAFETY: isatty on a descriptor we borrow.
    unsafe { libc::isatty(fd.as_raw_fd()) == 1 }
}

/// True when `a` and `b` are the same file (the same terminal device).
fn same_file(a: BorrowedFd, b: BorrowedFd) -> bool {
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
