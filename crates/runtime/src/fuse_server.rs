//! The server process of a FUSE overlay mount (storage::fuse).
//!
//! Only root of the mount's user namespace may mount, and only the server
//! may answer, so the work is split: sangja forks the server first, while
//! single-threaded (DESIGN.md, fork safety); the process that mounts (the
//! container's child, or a view's helper) opens /dev/fuse, mounts it and
//! passes the fd over a socketpair (SCM_RIGHTS); it touches the mount only
//! after the server has acknowledged the fd.
//!
//! The server lives with the mount, not with sangja: it ignores the
//! terminal's signals, holds none of the caller's fds (a held pipe would
//! keep a reader waiting), and ends when the kernel ends the connection,
//! which happens when the mount goes away (the container's mount namespace
//! with its last process), also after kill -9 of sangja or the monitor. If
//! the server is killed the connection aborts: the container sees ENOTCONN,
//! nothing hangs.

use crate::error::{Error, Result};
use nix::errno::Errno;
use nix::mount::{mount, MsFlags};
use nix::sys::socket::{socketpair, AddressFamily, SockFlag, SockType};
use nix::unistd::{fork, ForkResult, Pid};
use sangja_fuse::{self as fuse, FuseLayers};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, FromRawFd, OwnedFd, RawFd};
use std::path::Path;

/// The process name the server shows (ps, /proc/PID/comm).
pub const SERVER_NAME: &str = "sangja-fuse";

/// A forked server waiting for its connection.
#[derive(Debug)]
pub struct Server {
    /// Send the /dev/fuse fd on this end.
    pub sock: OwnedFd,
    pub pid: Pid,
}

/// Forks the server for `layers`. The caller must be single-threaded.
pub fn fork_server(layers: FuseLayers) -> Result<Server> {
    fork_server_with(layers, None)
}

/// `fork_server`; with `detach`, the server first unshares a mount
/// namespace of its own and then writes "r" on it.
fn fork_server_with(layers: FuseLayers, detach: Option<OwnedFd>) -> Result<Server> {
    let (mine, theirs) = socketpair(AddressFamily::Unix, SockType::SeqPacket, None, SockFlag::SOCK_CLOEXEC)
        .map_err(|e| Error::Runtime(format!("create the FUSE server's socket: {}", e.desc())))?;
    // SAFETY: the caller is single-threaded (documented precondition), so
    // the child may run ordinary Rust code (the server allocates, threads).
    match unsafe { fork() }.map_err(|e| Error::Runtime(format!("fork the FUSE server: {}", e.desc())))? {
        ForkResult::Child => {
            drop(mine);
            if let Some(ready) = detach {
                // SAFETY: plain system calls.
                let ok = unsafe { libc::unshare(libc::CLONE_NEWNS) } == 0;
                let _ = nix::unistd::write(&ready, if ok { b"r" } else { b"x" });
                drop(ready);
                if !ok {
                    // SAFETY: ends the server before it served anything.
                    unsafe { libc::_exit(1) }
                }
            }
            server_main(theirs, layers)
        }
        ForkResult::Parent { child } => Ok(Server { sock: mine, pid: child }),
    }
}

fn server_main(sock: OwnedFd, layers: FuseLayers) -> ! {
    // SAFETY: plain system calls on our own process and fds.
    unsafe {
        libc::prctl(libc::PR_SET_NAME, c"sangja-fuse".as_ptr());
        // Out of the caller's process group: ^C at the terminal is for the
        // container, whose files we serve until it is gone.
        libc::setpgid(0, 0);
        for sig in [libc::SIGINT, libc::SIGHUP, libc::SIGTERM, libc::SIGQUIT, libc::SIGPIPE, libc::SIGTSTP, libc::SIGTTIN, libc::SIGTTOU] {
            libc::signal(sig, libc::SIG_IGN);
        }
        // Its stdio is /dev/null: it prints nothing, and holds none of the caller's.
        let null = libc::open(c"/dev/null".as_ptr(), libc::O_RDWR);
        if null >= 0 {
            let _ = super::fds::install_stdio([null; 3]);
        }
        // The socket becomes fd 3; everything else the caller had goes.
        if libc::dup2(sock.as_raw_fd(), 3) < 0 {
            libc::_exit(1);
        }
        super::fds::close_range(4, u32::MAX, 0);
    }
    std::mem::forget(sock);
    // SAFETY: fd 3 is our socket now, owned here alone.
    let sock = unsafe { OwnedFd::from_raw_fd(3) };
    let dev = match receive_fd(&sock) {
        Some(fd) => fd,
        // The mounting side failed before it mounted: nothing to serve.
        None => unsafe { libc::_exit(0) },
    };
    let _ = nix::unistd::write(&sock, b"k");
    drop(sock);
    let code = match fuse::serve(dev, layers) {
        Ok(()) => 0,
        Err(_) => 1,
    };
    // SAFETY: ends the server without the parent's exit handlers.
    unsafe { libc::_exit(code) }
}

fn receive_fd(sock: &OwnedFd) -> Option<OwnedFd> {
    super::fdpass::recv_fd(sock.as_fd()).ok().flatten()
}

/// What failed while mounting, and its errno.
pub type MountFail = (&'static str, Errno);

/// Opens /dev/fuse, mounts it at `target`, gives the fd to the server on
/// `sock` and waits for its acknowledgement. Runs in the process that owns
/// the mount namespace (the container's child, or a view's helper).
pub fn mount_and_hand_over(target: &Path, sock: RawFd, readonly: bool) -> std::result::Result<(), MountFail> {
    let dev = nix::fcntl::open("/dev/fuse", nix::fcntl::OFlag::O_RDWR | nix::fcntl::OFlag::O_CLOEXEC, nix::sys::stat::Mode::empty())
        .map_err(|e| ("open /dev/fuse", e))?;
    let data = fuse::mount_data(dev.as_raw_fd());
    let mut flags = MsFlags::MS_NOSUID | MsFlags::MS_NODEV;
    if readonly {
        flags |= MsFlags::MS_RDONLY;
    }
    mount(Some("sangja-fuse-overlay"), target, Some("fuse"), flags, Some(data.as_str())).map_err(|e| ("mount the FUSE overlay", e))?;
    // SAFETY: the socket the caller gave us, open for this call.
    let sock_fd = unsafe { BorrowedFd::borrow_raw(sock) };
    super::fdpass::send_fd(sock_fd, dev.as_raw_fd(), b'f').map_err(|e| ("hand the FUSE connection to its server", e))?;
    drop(dev);
    let mut ack = [0u8; 1];
    loop {
        // SAFETY: a read into our own buffer.
        let n = unsafe { libc::read(sock, ack.as_mut_ptr().cast(), 1) };
        if n == 1 {
            return Ok(());
        }
        if n < 0 && Errno::last() == Errno::EINTR {
            continue;
        }
        return Err(("wait for the FUSE server (it exited)", if n < 0 { Errno::last() } else { Errno::ECONNRESET }));
    }
}

/// Mounts a FUSE overlay of `layers` at `target`, served by a new server
/// process; `before_mount` runs between the fork and the mount (a view
/// unshares its private mount namespace there, so that the server stays
/// out of it: a server inside the namespace would keep it, and so its own
/// mount, alive forever). The caller must be single-threaded and root in
/// the mount namespace's user namespace.
pub fn mount_overlay(target: &Path, layers: FuseLayers, readonly: bool, before_mount: impl FnOnce() -> Result<()>) -> Result<Pid> {
    let server = fork_server(layers)?;
    let r = before_mount().and_then(|()| {
        mount_and_hand_over(target, server.sock.as_raw_fd(), readonly)
            .map_err(|(what, e)| Error::Runtime(format!("{what} at {}: {}", target.display(), e.desc())))
    });
    drop(server.sock);
    if r.is_err() {
        // It exits on the closed socket: reap it.
        let _ = nix::sys::wait::waitpid(server.pid, None);
    }
    r.map(|()| server.pid)
}

/// Mounts a FUSE overlay at `target` in the current mount namespace for
/// good (`sangja mount`): the server first moves to a mount namespace of
/// its own, made before the mount exists, so that it does not keep the
/// caller's namespace (a `sangja unshare` session) alive after it ends.
pub fn mount_overlay_detached(target: &Path, layers: FuseLayers) -> Result<Pid> {
    let (ready_r, ready_w) =
        nix::unistd::pipe2(nix::fcntl::OFlag::O_CLOEXEC).map_err(|e| Error::Runtime(format!("create a pipe: {}", e.desc())))?;
    let server = fork_server_with(layers, Some(ready_w))?;
    let mut b = [0u8; 1];
    let ok = matches!(nix::unistd::read(&ready_r, &mut b), Ok(1)) && b[0] == b'r';
    drop(ready_r);
    if !ok {
        drop(server.sock);
        let _ = nix::sys::wait::waitpid(server.pid, None);
        return Err(Error::Runtime("the FUSE server could not make its own mount namespace".into()));
    }
    let r = mount_and_hand_over(target, server.sock.as_raw_fd(), false)
        .map_err(|(what, e)| Error::Runtime(format!("{what} at {}: {}", target.display(), e.desc())));
    drop(server.sock);
    if r.is_err() {
        let _ = nix::sys::wait::waitpid(server.pid, None);
    }
    r.map(|()| server.pid)
}
