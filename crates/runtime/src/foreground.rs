//! A container run in the foreground by the CLI, with the stdio podman
//! gives it: a pty relayed to the user's terminal with `-t`, the caller's
//! stdin with `-i`, /dev/null as stdin otherwise (so a container does not
//! eat the input of the script that runs it, as in podman). The caller's
//! streams are passed in (`Stdio`), never taken from the process.
//!
//! Without `-t` the container never gets a terminal of ours: stdio.rs puts
//! a pipe in place of each, relayed here, and the container starts a
//! session of its own (child.rs), so it can neither push keystrokes into
//! the user's shell (TIOCSTI) nor open the user's terminal as /dev/tty. The
//! terminal's ctrl-c and ctrl-\ then reach only us, and we pass them on.

use super::relay::{self, RawMode, RelayOptions, Signals};
use super::stdio::{self, Guarded, Relay, StdinFrom};
use super::{spawn, tty, Notice, Rootfs, Stdio};
use crate::error::{Error, Result};
use nix::errno::Errno;
use nix::sys::wait::{waitpid, WaitStatus};
use nix::unistd::Pid;
use oci_spec::runtime::Spec;
use std::os::fd::{AsFd, AsRawFd, OwnedFd, RawFd};

/// A started foreground container, relaying the caller's streams.
#[derive(Debug)]
pub struct Foreground<'a> {
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
    /// SIGKILL once the container has run this long (`--timeout`).
    time_limit: Option<std::time::Duration>,
    /// Without `-t`: the pipes standing in for the caller's terminal, if any.
    relay: Relay,
    /// The caller's streams.
    io: Stdio<'a>,
}

/// Starts the container with stdio per `-t` (spec.process.terminal) and
/// `interactive` (`-i`), from the caller's streams `io`; what the runtime
/// has to say on the way goes to `notes`. Call it while single-threaded.
pub fn spawn_foreground<'a>(
    spec: &Spec,
    rootfs: &Rootfs,
    interactive: bool,
    io: Stdio<'a>,
    notes: &mut dyn FnMut(Notice),
) -> Result<Foreground<'a>> {
    // The clone child clears its mask (signals::reset_in_child).
    let signals = Signals::new()?;
    let terminal = spec.process().as_ref().and_then(|p| p.terminal()).unwrap_or(false);
    if terminal {
        let (c, master) = tty::spawn_terminal(spec, rootfs, tty::user_window_size(&io), notes)?;
        return Ok(Foreground {
            pid: c.pid,
            master: Some(master),
            interactive,
            signals,
            kill_after: None,
            time_limit: None,
            relay: Relay::default(),
            io,
        });
    }
    let Guarded { theirs, relay } = stdio::guard(if interactive { StdinFrom::Caller } else { StdinFrom::Null }, &io)?;
    let c = spawn(spec, rootfs, &Stdio { stdin: theirs[0].as_fd(), stdout: theirs[1].as_fd(), stderr: theirs[2].as_fd() }, notes)?;
    // Only the container holds its ends now: its exit or close is our EOF.
    drop(theirs);
    Ok(Foreground { pid: c.pid, master: None, interactive, signals, kill_after: None, time_limit: None, relay, io })
}

impl Foreground<'_> {
    /// A SIGTERM we forward (systemd stopping the unit) is followed by
    /// SIGKILL after `timeout` if the container is still there, as `stop`.
    pub fn kill_after(mut self, timeout: std::time::Duration) -> Self {
        self.kill_after = Some(timeout);
        self
    }

    /// `--timeout`: SIGKILL once the container has run for `limit`.
    pub fn time_limit(mut self, limit: Option<std::time::Duration>) -> Self {
        self.time_limit = limit;
        self
    }

    /// Relays the terminal (with `-t`), forwards signals, and returns the
    /// container's exit code once it has exited.
    pub fn wait(self) -> Result<i32> {
        let Some(master) = self.master else {
            return forward_and_wait(self.pid, &self.signals, (self.kill_after, self.time_limit), self.relay);
        };
        let relayed = (|| {
            let _raw = if self.interactive { RawMode::enter(self.io.stdin.as_raw_fd())? } else { None };
            let opts = RelayOptions { stdin: self.interactive, detach_keys: Vec::new() };
            relay::relay(master.as_fd(), self.pid, &opts, &self.io)
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

/// Forwards the blocked signals to `pid` and copies `relay`'s pipes until
/// it exits, then reaps it.
/// `limits`: SIGKILL that long after a forwarded SIGTERM, and that long
/// after the start.
pub(super) fn forward_and_wait(
    pid: i32,
    signals: &Signals,
    limits: (Option<std::time::Duration>, Option<std::time::Duration>),
    relay: Relay,
) -> Result<i32> {
    let (kill_after, time_limit) = limits;
    let pidfd = relay::pidfd_open(pid)?;
    let mut copier = Copier::new(relay);
    let mut deadline: Option<std::time::Instant> = time_limit.map(|t| std::time::Instant::now() + t);
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
        let mut fds = vec![
            libc::pollfd { fd: signals.fd.as_fd().as_raw_fd(), events: libc::POLLIN, revents: 0 },
            libc::pollfd { fd: pidfd.as_raw_fd(), events: libc::POLLIN, revents: 0 },
        ];
        copier.add_pollfds(&mut fds);
        // SAFETY: poll over our array.
        let r = unsafe { libc::poll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, wait_ms) };
        if r < 0 {
            match Errno::last() {
                Errno::EINTR => continue,
                e => return Err(Error::Runtime(format!("wait for the container: {}", e.desc()))),
            }
        }
        while let Ok(Some(info)) = signals.fd.read_signal() {
            // The container has a session of its own and no terminal: what
            // the user's terminal sends (ctrl-c, ctrl-\, hangup) reaches
            // only us, and goes on, as podman's --sig-proxy does. A window
            // size change means nothing to it.
            if info.ssi_code == libc::SI_KERNEL && info.ssi_signo as i32 == libc::SIGWINCH {
                continue;
            }
            // SAFETY: kill with plain integers.
            unsafe { libc::kill(pid, info.ssi_signo as i32) };
            if info.ssi_signo as i32 == libc::SIGTERM {
                if let Some(t) = kill_after.map(|t| std::time::Instant::now() + t) {
                    deadline = Some(deadline.map_or(t, |d| d.min(t)));
                }
            }
        }
        copier.on_ready(&fds[2..]);
        if fds[1].revents != 0 {
            // Gone: what it wrote last may still sit in the pipes.
            copier.drain();
            return wait_child(pid);
        }
    }
}

/// The copying side of a `Relay`: the caller's stdin into the container's
/// pipe, its output pipes to the caller's stdout and stderr. Never blocks on
/// the container: its stdin pipe and output pipes are non-blocking, and
/// input it does not read waits here (we stop reading the caller's meanwhile).
struct Copier {
    /// The container's stdin, and the caller's stdin that feeds it.
    stdin: Option<(OwnedFd, RawFd)>,
    /// What of the caller's input is still to go in.
    pending: Vec<u8>,
    /// Open output pipes, the fd of ours each goes to, and whether that
    /// still takes writes (if not, we keep draining the pipe).
    outputs: Vec<(OwnedFd, RawFd, bool)>,
    buf: Vec<u8>,
}

impl Copier {
    fn new(relay: Relay) -> Copier {
        if let Some((w, _)) = &relay.stdin {
            relay::set_nonblocking(w.as_raw_fd());
        }
        for (r, _) in &relay.outputs {
            relay::set_nonblocking(r.as_raw_fd());
        }
        let active = relay.stdin.is_some() || !relay.outputs.is_empty();
        Copier {
            stdin: relay.stdin,
            pending: Vec::new(),
            outputs: relay.outputs.into_iter().map(|(r, to)| (r, to, true)).collect(),
            buf: if active { vec![0u8; 32 * 1024] } else { Vec::new() },
        }
    }

    /// Appends the stdin slot (the caller's stdin, or the container's pipe
    /// while input waits for it) and one slot per output; -1 for an unused slot.
    fn add_pollfds(&self, fds: &mut Vec<libc::pollfd>) {
        let stdin = match &self.stdin {
            Some((_, input)) if self.pending.is_empty() => libc::pollfd { fd: *input, events: libc::POLLIN, revents: 0 },
            Some((w, _)) => libc::pollfd { fd: w.as_raw_fd(), events: libc::POLLOUT, revents: 0 },
            None => libc::pollfd { fd: -1, events: 0, revents: 0 },
        };
        fds.push(stdin);
        for (r, _, _) in &self.outputs {
            fds.push(libc::pollfd { fd: r.as_raw_fd(), events: libc::POLLIN, revents: 0 });
        }
    }

    /// Acts on the slots `add_pollfds` added, after poll.
    fn on_ready(&mut self, fds: &[libc::pollfd]) {
        if fds.first().is_some_and(|p| p.revents != 0 && p.fd >= 0) {
            if let (true, Some((_, input))) = (self.pending.is_empty(), &self.stdin) {
                // SAFETY: read from the caller's stdin into our buffer.
                let n = unsafe { libc::read(*input, self.buf.as_mut_ptr().cast(), self.buf.len()) };
                match n {
                    n if n > 0 => self.pending.extend_from_slice(&self.buf[..n as usize]),
                    n if n < 0 && matches!(Errno::last(), Errno::EINTR | Errno::EAGAIN) => {}
                    // End of the caller's input (or an error): the container's EOF.
                    _ => self.stdin = None,
                }
            } else if let Some((w, _)) = &self.stdin {
                // SAFETY: write from our buffer to our pipe end.
                let n = unsafe { libc::write(w.as_raw_fd(), self.pending.as_ptr().cast(), self.pending.len()) };
                if n >= 0 {
                    self.pending.drain(..n as usize);
                } else if !matches!(Errno::last(), Errno::EINTR | Errno::EAGAIN) {
                    // It closed its stdin: drop the rest, as a pipe would.
                    self.stdin = None;
                    self.pending.clear();
                }
            }
        }
        let mut closed = Vec::new();
        for (i, p) in fds.iter().skip(1).enumerate().take(self.outputs.len()) {
            if p.revents != 0 && self.copy_output(i) == Read::End {
                closed.push(i);
            }
        }
        for i in closed.into_iter().rev() {
            self.outputs.remove(i);
        }
    }

    /// Copies what output `i` has.
    fn copy_output(&mut self, i: usize) -> Read {
        let (r, to, ok) = &mut self.outputs[i];
        // SAFETY: read into our buffer.
        let n = unsafe { libc::read(r.as_raw_fd(), self.buf.as_mut_ptr().cast(), self.buf.len()) };
        if n > 0 {
            if *ok && relay::write_all(*to, &self.buf[..n as usize]).is_err() {
                // Nobody reads our output any more: keep draining the pipe.
                *ok = false;
            }
            return Read::Data;
        }
        if n < 0 && matches!(Errno::last(), Errno::EINTR | Errno::EAGAIN) {
            return Read::Again;
        }
        Read::End
    }

    /// Copies what the outputs hold now, without waiting for more: a
    /// process the container left behind may keep a pipe open.
    fn drain(&mut self) {
        for i in 0..self.outputs.len() {
            while self.copy_output(i) == Read::Data {}
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Read {
    Data,
    Again,
    End,
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
