//! Inherited descriptors (runc CVE-2024-21626): a sangja process keeps no fd
//! above 2 that its caller left open, except the ones the user passes on
//! purpose with `--preserve-fds=N` (fds 3..3+N-1, podman's flag).
//!
//! Why it matters: an fd of a host directory (`flock /tmp sangja run ...`
//! leaves one at 3) reaches the host's filesystem from inside the container
//! through `/proc/self/fd/N`, as a working directory or a path, until the
//! exec. So main() marks every inherited fd close-on-exec first thing, and
//! closes the ones not meant to be passed as soon as the flags are known;
//! the container's process closes the rest of ours before it enters its
//! working directory (process.rs), and checks that the cwd lies in its root.

use crate::error::{Error, Result};
use std::os::fd::RawFd;
use std::sync::atomic::{AtomicU32, Ordering};

/// How many fds above 2 this process was given to pass on (--preserve-fds).
static PRESERVED: AtomicU32 = AtomicU32::new(0);

/// The first fd sangja itself may own.
const FIRST: u32 = 3;

/// Marks every fd above 2 close-on-exec: nothing the caller left open leaks
/// into a program we start. The very first thing main() does.
pub fn cloexec_inherited() {
    close_range(FIRST, u32::MAX, libc::CLOSE_RANGE_CLOEXEC);
}

/// Closes the inherited fds above 2, except 3..3+`preserve`-1, which must all
/// be open (podman's check); they stay close-on-exec here, and only the
/// container's process hands them on (`pass_preserved`).
pub fn keep_only(preserve: u32) -> Result<()> {
    for fd in FIRST..FIRST.saturating_add(preserve) {
        // SAFETY: F_GETFD on a plain number only asks whether it is open.
        if unsafe { libc::fcntl(fd as RawFd, libc::F_GETFD) } < 0 {
            return Err(Error::Invalid(format!(
                "file descriptor {fd} is not available - the preserve-fds option requires that all file descriptors must be opened"
            )));
        }
    }
    close_range(FIRST.saturating_add(preserve), u32::MAX, 0);
    PRESERVED.store(preserve, Ordering::Relaxed);
    Ok(())
}

/// How many fds after 2 go to the container's process.
pub fn preserved() -> u32 {
    PRESERVED.load(Ordering::Relaxed)
}

/// Child side, just before the exec: closes every fd above the preserved
/// ones except `keep` (the start report pipe, close-on-exec itself), so the
/// working directory is entered with none of the runtime's fds open, and
/// lets the preserved ones through the exec.
pub(super) fn close_for_exec(keep: RawFd) {
    let first = FIRST.saturating_add(preserved());
    let keep = keep as u32;
    if keep >= first {
        close_range(first, keep - 1, 0);
        close_range(keep.saturating_add(1), u32::MAX, 0);
    } else {
        close_range(first, u32::MAX, 0);
    }
    for fd in FIRST..first {
        // SAFETY: clearing FD_CLOEXEC on a descriptor the user passed on purpose.
        unsafe { libc::fcntl(fd as RawFd, libc::F_SETFD, 0) };
    }
}

/// Child side: makes `fds` (given in the order 0, 1, 2) the process's
/// stdio, without close-on-exec. One among 0-2 that is not in its own place
/// is first moved above 2, so that placing one never overwrites another
/// still to be placed. On failure, the descriptor being set and why.
/// Plain system calls only: safe in a forked or cloned child.
pub fn install_stdio(fds: [RawFd; 3]) -> std::result::Result<(), (RawFd, nix::errno::Errno)> {
    use nix::errno::Errno;
    let mut src = fds;
    for (target, fd) in src.iter_mut().enumerate() {
        if (0..3).contains(fd) && *fd != target as RawFd {
            // SAFETY: F_DUPFD_CLOEXEC of a descriptor we hold; closed by the exec.
            *fd = Errno::result(unsafe { libc::fcntl(*fd, libc::F_DUPFD_CLOEXEC, FIRST as RawFd) }).map_err(|e| (target as RawFd, e))?;
        }
    }
    for (target, fd) in src.into_iter().enumerate() {
        let target = target as RawFd;
        // SAFETY: dup2/fcntl on descriptors of our own, onto our own 0-2.
        let r = if fd == target { unsafe { libc::fcntl(fd, libc::F_SETFD, 0) } } else { unsafe { libc::dup2(fd, target) } };
        Errno::result(r).map_err(|e| (target, e))?;
    }
    Ok(())
}

/// close_range(2) (kernel ≥ 5.9; 5.11 for CLOSE_RANGE_CLOEXEC), else one
/// descriptor at a time up to the fd limit. Plain system calls only: safe
/// in a forked child and a pre_exec hook.
pub fn close_range(first: u32, last: u32, flags: u32) {
    if first > last {
        return;
    }
    // SAFETY: close_range with plain integer arguments.
    let r = unsafe { libc::syscall(libc::SYS_close_range, first, last, flags) };
    if r == 0 {
        return;
    }
    // SAFETY: sysconf with a constant.
    let max = unsafe { libc::sysconf(libc::_SC_OPEN_MAX) };
    let max = if max <= 0 { 1024 } else { max.min(1 << 20) as u32 };
    for fd in first..=last.min(max) {
        // SAFETY: fcntl/close on plain numbers; an unused one is EBADF.
        unsafe {
            if flags & libc::CLOSE_RANGE_CLOEXEC != 0 {
                libc::fcntl(fd as RawFd, libc::F_SETFD, libc::FD_CLOEXEC);
            } else {
                libc::close(fd as RawFd);
            }
        }
    }
}
