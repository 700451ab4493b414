//! Terminals: a pty from the container's own devpts for `-t`, and the relay
//! between the user's terminal and the pty master.
//!
//! The pty is opened inside the container, after its mounts, so that the
//! slave lives on the container's /dev/pts (newinstance) and the container
//! sees it as /dev/pts/0. The clone child makes the slave its controlling
//! terminal and stdio, and hands the master to the parent over a unix
//! socketpair (SCM_RIGHTS): the child shares our memory (CLONE_VM) but not
//! our descriptor table, so a descriptor has to travel through the kernel.

use super::child::{CResult, Stage};
use super::plan::Plan;
use super::{spawn_plan, Container, Rootfs, Stdio};
use crate::error::{Error, Result};
use nix::errno::Errno;
use nix::fcntl::{open, OFlag};
use nix::sys::stat::Mode;
use oci_spec::runtime::Spec;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, FromRawFd, OwnedFd, RawFd};

/// What the clone child needs to make the container's terminal.
pub(super) struct TtyPlan {
    /// The child's end of the socketpair the master goes back through.
    pub sock: OwnedFd,
    /// The user's window size, set before exec so the command's first
    /// look at its terminal is already right.
    pub winsize: Option<libc::winsize>,
}

/// Child side, after pivot_root: opens the pty on the container's devpts,
/// makes the slave the controlling terminal and fds 0-2, sends the master.
pub(super) fn setup_in_child(t: &TtyPlan, uid: u32) -> CResult<()> {
    let flags = OFlag::O_RDWR | OFlag::O_NOCTTY | OFlag::O_CLOEXEC;
    let master = match open("/dev/pts/ptmx", flags, Mode::empty()) {
        Ok(m) => m,
        // A spec without a devpts at /dev/pts: the /dev/ptmx it has.
        Err(Errno::ENOENT) => open("/dev/ptmx", flags, Mode::empty()).stage(|| "open /dev/ptmx".to_string())?,
        Err(e) => return Err(e).stage(|| "open /dev/pts/ptmx".to_string()),
    };
    let m = master.as_raw_fd();
    let unlock: libc::c_int = 0;
    // SAFETY: ioctls on our own master with valid argument pointers.
    Errno::result(unsafe { libc::ioctl(m, libc::TIOCSPTLCK, &unlock) }).stage(|| "unlock the pty".to_string())?;
    if let Some(ws) = &t.winsize {
        // SAFETY: as above.
        Errno::result(unsafe { libc::ioctl(m, libc::TIOCSWINSZ, ws) }).stage(|| "set the pty size".to_string())?;
    }
    // TIOCGPTPEER opens the slave of this very master, with no path lookup
    // that a process in the container could race.
    // SAFETY: as above.
    let slave = unsafe { libc::ioctl(m, libc::TIOCGPTPEER, libc::O_RDWR | libc::O_NOCTTY) };
    let slave = Errno::result(slave).stage(|| "open the pty slave".to_string())?;
    // SAFETY: a fresh descriptor we own from here on.
    let slave = unsafe { OwnedFd::from_raw_fd(slave) };
    // The user's process may reopen its terminal by name: let it own it, as runc does.
    // SAFETY: fchown of our own descriptor.
    unsafe { libc::fchown(slave.as_raw_fd(), uid, u32::MAX) };
    nix::unistd::setsid().stage(|| "start a session for the terminal".to_string())?;
    // SAFETY: ioctl on our own slave descriptor.
    Errno::result(unsafe { libc::ioctl(slave.as_raw_fd(), libc::TIOCSCTTY, 0) })
        .stage(|| "make the pty the controlling terminal".to_string())?;
    if let Err((target, e)) = super::fds::install_stdio([slave.as_raw_fd(); 3]) {
        return Err(e).stage(|| format!("set descriptor {target} to the pty"));
    }
    super::fdpass::send_fd(t.sock.as_fd(), m, b't').stage(|| "send the pty master to sangja".to_string())?;
    Ok(())
}

/// Receives a descriptor sent through the tty socket (or by any SCM_RIGHTS sender).
pub fn recv_fd(sock: BorrowedFd) -> Result<OwnedFd> {
    match super::fdpass::recv_fd(sock) {
        Ok(Some(fd)) => Ok(fd),
        Ok(None) => Err(Error::Runtime("the container sent no pty".into())),
        Err(e) => Err(Error::Runtime(format!("receive the container's pty: {}", e.desc()))),
    }
}

/// A unix socketpair, both ends close-on-exec.
pub(super) fn socketpair() -> Result<(OwnedFd, OwnedFd)> {
    let mut fds = [0; 2];
    // SAFETY: socketpair fills the two-element array.
    let r = unsafe { libc::socketpair(libc::AF_UNIX, libc::SOCK_STREAM | libc::SOCK_CLOEXEC, 0, fds.as_mut_ptr()) };
    Errno::result(r).map_err(|e| Error::Runtime(format!("create the pty socket pair: {}", e.desc())))?;
    // SAFETY: two fresh descriptors we now own.
    Ok(unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) })
}

/// The window size of the terminal on `fd`, if it is one.
pub fn window_size(fd: RawFd) -> Option<libc::winsize> {
    let mut ws = libc::winsize { ws_row: 0, ws_col: 0, ws_xpixel: 0, ws_ypixel: 0 };
    // SAFETY: TIOCGWINSZ fills the struct.
    let r = unsafe { libc::ioctl(fd, libc::TIOCGWINSZ, &mut ws) };
    (r == 0 && ws.ws_row > 0).then_some(ws)
}

/// The user's window size: that of the caller's stdin if it is a
/// terminal, else its stdout's.
pub fn user_window_size(io: &Stdio) -> Option<libc::winsize> {
    window_size(io.stdin.as_raw_fd()).or_else(|| window_size(io.stdout.as_raw_fd()))
}

/// `spawn_terminal` for a caller with nobody to tell what the runtime
/// notices (the monitor, whose pty takes its attached client's size).
pub fn spawn_terminal_sized(spec: &Spec, rootfs: &Rootfs, winsize: Option<libc::winsize>) -> Result<(Container, OwnedFd)> {
    spawn_terminal(spec, rootfs, winsize, &mut |_| {})
}

/// Starts the container with a pty of size `winsize` as its terminal
/// (spec.process.terminal); returns it and the pty master. What the runtime
/// has to say on the way goes to `notes`. Call it while single-threaded.
pub fn spawn_terminal(
    spec: &Spec,
    rootfs: &Rootfs,
    winsize: Option<libc::winsize>,
    notes: &mut dyn FnMut(super::Notice),
) -> Result<(Container, OwnedFd)> {
    let mut plan = Plan::new(spec, rootfs, notes)?;
    let (ours, theirs) = socketpair()?;
    plan.terminal = Some(TtyPlan { sock: theirs, winsize });
    let child = spawn_plan(plan)?;
    let master = recv_fd(ours.as_fd())?;
    Ok((child, master))
}
