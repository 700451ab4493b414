//! A network namespace made before the container, so that its network is
//! up before the container's command runs (no race with the first connect).
//!
//! A forked holder process unshares the network namespace, brings lo up,
//! drops all its capabilities and waits. Dropping them matters: the
//! backends (pasta) drop theirs before opening /proc/PID/ns/net, and the
//! kernel lets a process open another's namespace only when it holds every
//! capability the target holds (cap_ptrace_access_check). The container
//! joins the namespace by the holder's path; the holder exits once the
//! container is running (the backend and the container keep the namespace).

use crate::error::{Error, Result};
use nix::fcntl::OFlag;
use nix::sys::wait::waitpid;
use nix::unistd::{fork, pipe2, read, write, ForkResult, Pid};
use std::os::fd::OwnedFd;
use std::path::PathBuf;

/// The holder of a new network namespace.
pub struct Holder {
    pid: Pid,
    /// Closing it lets the holder exit.
    release: Option<OwnedFd>,
}

impl Holder {
    /// Forks the holder; returns once its namespace exists with lo up.
    /// The caller must be single-threaded (DESIGN.md, fork safety).
    pub fn new() -> Result<Holder> {
        let pipe = || pipe2(OFlag::O_CLOEXEC).map_err(|e| Error::Runtime(format!("create a pipe: {}", e.desc())));
        let (ready_r, ready_w) = pipe()?;
        let (release_r, release_w) = pipe()?;
        // SAFETY: sangja is single-threaded when it starts containers; the
        // child only makes system calls and _exits.
        match unsafe { fork() }.map_err(|e| Error::Runtime(format!("fork the netns holder: {}", e.desc())))? {
            ForkResult::Child => {
                drop(ready_r);
                drop(release_w);
                let status: u8 = match holder_setup() {
                    Ok(()) => 0,
                    Err(errno) => errno.clamp(1, 255) as u8,
                };
                let _ = write(&ready_w, &[status]);
                drop(ready_w);
                let mut b = [0u8; 1];
                // Blocks until the parent closes its end (or dies).
                let _ = read(&release_r, &mut b);
                // SAFETY: leave without running the parent's destructors.
                unsafe { libc::_exit(0) }
            }
            ForkResult::Parent { child } => {
                drop(ready_w);
                drop(release_r);
                let holder = Holder { pid: child, release: Some(release_w) };
                let mut b = [0u8; 1];
                let n = read(&ready_r, &mut b).unwrap_or(0);
                if n != 1 || b[0] != 0 {
                    let errno = nix::errno::Errno::from_raw(b[0] as i32);
                    return Err(Error::Runtime(format!(
                        "create the container's network namespace: {}",
                        if n == 1 { errno.desc() } else { "the helper process died" }
                    )));
                }
                Ok(holder)
            }
        }
    }

    /// Host pid of the holder (what slirp4netns is given).
    pub fn pid(&self) -> i32 {
        self.pid.as_raw()
    }

    /// Path of the namespace while the holder lives.
    pub fn path(&self) -> PathBuf {
        PathBuf::from(format!("/proc/{}/ns/net", self.pid))
    }

    /// Lets the holder exit and reaps it.
    pub fn release(&mut self) {
        if self.release.take().is_some() {
            let _ = waitpid(self.pid, None);
        }
    }
}

impl Drop for Holder {
    fn drop(&mut self) {
        self.release();
    }
}

/// Child side: new netns, lo up, no capabilities. Returns an errno on failure.
fn holder_setup() -> std::result::Result<(), i32> {
    let last = || std::io::Error::last_os_error().raw_os_error().unwrap_or(libc::EIO);
    // SAFETY: plain system calls with valid arguments.
    unsafe {
        if libc::unshare(libc::CLONE_NEWNET) != 0 {
            return Err(last());
        }
        let sock = libc::socket(libc::AF_INET, libc::SOCK_DGRAM | libc::SOCK_CLOEXEC, 0);
        if sock < 0 {
            return Err(last());
        }
        let mut req: libc::ifreq = std::mem::zeroed();
        for (i, b) in b"lo\0".iter().enumerate() {
            req.ifr_name[i] = *b as libc::c_char;
        }
        if libc::ioctl(sock, libc::SIOCGIFFLAGS, &mut req) != 0 {
            return Err(last());
        }
        req.ifr_ifru.ifru_flags |= libc::IFF_UP as libc::c_short;
        if libc::ioctl(sock, libc::SIOCSIFFLAGS, &req) != 0 {
            return Err(last());
        }
        libc::close(sock);
        // All capability sets empty: see the module doc.
        let mut header = libc_cap_header { version: 0x2008_0522, pid: 0 };
        let data = [libc_cap_data::default(); 2];
        if libc::syscall(libc::SYS_capset, &mut header, data.as_ptr()) != 0 {
            return Err(last());
        }
    }
    Ok(())
}

#[repr(C)]
struct libc_cap_header {
    version: u32,
    pid: libc::c_int,
}

#[repr(C)]
#[derive(Clone, Copy, Default)]
struct libc_cap_data {
    effective: u32,
    permitted: u32,
    inheritable: u32,
}
