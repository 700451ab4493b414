//! A container run in the foreground by the CLI, with the stdio podman
//! gives it: a pty relayed to the user's terminal with `-t`, our stdin with
//! `-i`, /dev/null as stdin otherwise (so a container does not eat the
//! input of the script that runs it, as in podman).

use super::relay::{self, RawMode, RelayOptions, Signals};
use super::{spawn, spawn_with_stdio, tty, Rootfs, Stdio};
use crate::error::{Error, Result};
use nix::errno::Errno;
use nix::fcntl::{open, OFlag};
use nix::sys::stat::Mode;
use nix::sys::wait::{waitpid, WaitStatus};
use nix::unistd::Pid;
use oci_spec::runtime::Spec;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd};

/// A started foreground container.
#[derive(Debug)]
pub struct Foreground {
    /// Host pid of the container's init.
    pub pid: i32,
    /// The pty master with `-t`.
    master: Option<OwnedFd>,
    interactive: bool,
    /// The forwarded signals, blocked from before the spawn: a SIGTERM sent
    /// as soon as the container runs must reach it, not kill us first.
    signals: Signals,
    /// After a forwarded SIGTERM, SIGKILL once this has passed (`--stop-timeout`).
    kill_after: Option<std::time::Duration>,
}

/// Starts the container with stdio per `-t` (spec.process.terminal) and
/// `interactive` (`-i`). Call it while single-threaded.
pub fn spawn_foreground(spec: &Spec, rootfs: &Rootfs, interactive: bool) -> Result<Foreground> {
    // The clone child clears its mask (signals::reset_in_child).
    let signals = Signals::new()?;
    let terminal = spec.process().as_ref().and_then(|p| p.terminal()).unwrap_or(false);
    if terminal {
        let (c, master) = tty::spawn_terminal(spec, rootfs)?;
        return Ok(Foreground { pid: c.pid, master: Some(master), interactive, signals, kill_after: None });
    }
    let c = if interactive {
        spawn(spec, rootfs)?
    } else {
        let null = open("/dev/null", OFlag::O_RDONLY | OFlag::O_CLOEXEC, Mode::empty())
            .map_err(|e| Error::Runtime(format!("open /dev/null: {}", e.desc())))?;
        // SAFETY: 1 and 2 are open for the life of the process.
        let (out, err) = unsafe { (BorrowedFd::borrow_raw(1), BorrowedFd::borrow_raw(2)) };
        spawn_with_stdio(spec, rootfs, &Stdio { stdin: null.as_fd(), stdout: out, stderr: err })?
    };
    Ok(Foreground { pid: c.pid, master: None, interactive, signals, kill_after: None })
}

impl Foreground {
    /// A SIGTERM we forward (systemd stopping the unit) is followed by
    /// SIGKILL after `timeout` if the container is still there, as `stop`.
    pub fn kill_after(mut self, timeout: std::time::Duration) -> Self {
        self.kill_after = Some(timeout);
        self
    }

    /// Relays the terminal (with `-t`), forwards signals, and returns the
    /// container's exit code once it has exited.
    pub fn wait(self) -> Result<i32> {
        let Some(master) = self.master else {
            return forward_and_wait(self.pid, &self.signals, self.kill_after);
        };
        let relayed = (|| {
            let _raw = if self.interactive { RawMode::enter(0)? } else { None };
            let opts = RelayOptions { stdin: self.interactive, detach_keys: Vec::new() };
            relay::relay(master.as_fd(), self.pid, &opts)
        })();
        if relayed.is_err() {
            // Nobody would see its output or could stop it: end it.
            // SAFETY: kill with plain integers; our own child.
            unsafe { libc::kill(self.pid, libc::SIGKILL) };
        }
        let code = wait_child(self.pid);
        relayed?;
        code
    }
}

/// Forwards the blocked signals to `pid` until it exits, then reaps it.
fn forward_and_wait(pid: i32, signals: &Signals, kill_after: Option<std::time::Duration>) -> Result<i32> {
    let pidfd = relay::pidfd_open(pid)?;
    let mut deadline: Option<std::time::Instant> = None;
    loop {
        let wait_ms = match deadline {
            Some(d) => {
                let left = d.saturating_duration_since(std::time::Instant::now());
                if left.is_zero() {
                    // SAFETY: kill with plain integers; our own child.
                    unsafe { libc::kill(pid, libc::SIGKILL) };
                    deadline = None;
                    -1
                } else {
                    left.as_millis().min(i32::MAX as u128) as i32
                }
            }
            None => -1,
        };
        let mut fds = [
            libc::pollfd { fd: signals.fd.as_fd().as_raw_fd(), events: libc::POLLIN, revents: 0 },
            libc::pollfd { fd: pidfd.as_raw_fd(), events: libc::POLLIN, revents: 0 },
        ];
        // SAFETY: poll over our array.
        let r = unsafe { libc::poll(fds.as_mut_ptr(), 2, wait_ms) };
        if r < 0 {
            match Errno::last() {
                Errno::EINTR => continue,
                e => return Err(Error::Runtime(format!("wait for the container: {}", e.desc()))),
            }
        }
        while let Ok(Some(info)) = signals.fd.read_signal() {
            // The terminal sends SIGINT/SIGQUIT/SIGWINCH to its whole
            // foreground group, which the container shares: it has its copy.
            if info.ssi_code == libc::SI_KERNEL {
                continue;
            }
            // SAFETY: kill with plain integers.
            unsafe { libc::kill(pid, info.ssi_signo as i32) };
            if info.ssi_signo as i32 == libc::SIGTERM && deadline.is_none() {
                deadline = kill_after.map(|t| std::time::Instant::now() + t);
            }
        }
        if fds[1].revents != 0 {
            return wait_child(pid);
        }
    }
}

/// Reaps our child `pid`: its exit code, or 128+signal.
pub fn wait_child(pid: i32) -> Result<i32> {
    loop {
        match waitpid(Pid::from_raw(pid), None) {
            Ok(WaitStatus::Exited(_, code)) => return Ok(code),
            Ok(WaitStatus::Signaled(_, sig, _)) => return Ok(128 + sig as i32),
            Ok(_) | Err(Errno::EINTR) => continue,
            Err(e) => return Err(Error::Runtime(format!("wait for process {pid}: {}", e.desc()))),
        }
    }
}
