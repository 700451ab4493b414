//! The relay between the user's terminal (the caller's stdin and stdout,
//! passed in) and a pty master: raw mode on the user's terminal (restored on every way out),
//! the window size on SIGWINCH, other signals forwarded to the process,
//! and the detach keys.
//!
//! One poll loop, no threads: stdin, the master, a signalfd and a pidfd of
//! the process, whose exit ends the relay once the output is drained.

use crate::error::{Error, Result};
use nix::errno::Errno;
use nix::sys::signal::{SigSet, SigmaskHow, Signal};
use nix::sys::signalfd::{SfdFlags, SignalFd};
use nix::sys::termios::{cfmakeraw, tcgetattr, tcsetattr, SetArg, Termios};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, FromRawFd, OwnedFd, RawFd};

/// podman's default detach keys: ctrl-p, ctrl-q.
pub const DEFAULT_DETACH_KEYS: &str = "ctrl-p,ctrl-q";

/// How a relay ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RelayEnd {
    /// The process exited with this code (128+signal when killed).
    Exited(i32),
    /// The user typed the detach keys; the process still runs.
    Detached,
}

/// What the relay does besides copying the output.
#[derive(Debug, Clone, Default)]
pub struct RelayOptions {
    /// Copy our stdin to the pty (`-i`).
    pub stdin: bool,
    /// A key sequence that detaches (empty: none).
    pub detach_keys: Vec<u8>,
}

/// Parses podman's `--detach-keys` ("ctrl-p,ctrl-q", "a,ctrl-@", "" for none).
pub fn parse_detach_keys(s: &str) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    if s.is_empty() {
        return Ok(out);
    }
    for key in s.split(',') {
        let bad = || {
            Error::Invalid(format!(
                "invalid detach keys {s:?}: give a comma-separated list of single characters and ctrl-KEY (a-z, @, [, \\, ], ^, _), e.g. ctrl-p,ctrl-q"
            ))
        };
        let b = match key.strip_prefix("ctrl-") {
            Some(k) if k.len() == 1 => {
                let c = k.as_bytes()[0].to_ascii_lowercase();
                match c {
                    b'a'..=b'z' => c - b'a' + 1,
                    b'@' => 0,
                    b'[' => 27,
                    b'\\' => 28,
                    b']' => 29,
                    b'^' => 30,
                    b'_' => 31,
                    _ => return Err(bad()),
                }
            }
            None if key.len() == 1 => key.as_bytes()[0],
            _ => return Err(bad()),
        };
        out.push(b);
    }
    Ok(out)
}

/// Watches typed input for the detach keys, holding back a partial match
/// (a lone ctrl-p goes on once the next key shows it is not ctrl-q).
#[derive(Debug, Clone, Default)]
pub struct DetachKeys {
    keys: Vec<u8>,
    held: Vec<u8>,
}

impl DetachKeys {
    /// A matcher for `keys` (empty: never detaches).
    pub fn new(keys: Vec<u8>) -> DetachKeys {
        DetachKeys { keys, held: Vec::new() }
    }

    /// Appends to `out` the part of `input` meant for the process; true
    /// when the keys were typed (what came after them is dropped).
    pub fn feed(&mut self, input: &[u8], out: &mut Vec<u8>) -> bool {
        if self.keys.is_empty() {
            out.extend_from_slice(input);
            return false;
        }
        for &b in input {
            if b == self.keys[self.held.len()] {
                self.held.push(b);
            } else {
                out.append(&mut self.held);
                if b == self.keys[0] {
                    self.held.push(b);
                } else {
                    out.push(b);
                    continue;
                }
            }
            if self.held.len() == self.keys.len() {
                self.held.clear();
                return true;
            }
        }
        false
    }
}

/// The user's terminal in raw mode; the old mode comes back on drop, so on
/// errors and panics too.
pub struct RawMode {
    fd: RawFd,
    saved: Termios,
}

impl RawMode {
    /// Raw mode on `fd` when it is a terminal; `None` when it is not.
    pub fn enter(fd: RawFd) -> Result<Option<RawMode>> {
        // SAFETY: isatty on any descriptor number.
        if unsafe { libc::isatty(fd) } != 1 {
            return Ok(None);
        }
        // SAFETY: fd is open (isatty said so) for the life of this guard.
        let b = unsafe { BorrowedFd::borrow_raw(fd) };
        let saved = tcgetattr(b).map_err(|e| Error::Runtime(format!("read the terminal mode: {}", e.desc())))?;
        let mut raw = saved.clone();
        cfmakeraw(&mut raw);
        tcsetattr(b, SetArg::TCSANOW, &raw).map_err(|e| Error::Runtime(format!("set the terminal to raw mode: {}", e.desc())))?;
        Ok(Some(RawMode { fd, saved }))
    }
}

impl Drop for RawMode {
    fn drop(&mut self) {
        // SAFETY: as in enter.
        let b = unsafe { BorrowedFd::borrow_raw(self.fd) };
        let _ = tcsetattr(b, SetArg::TCSADRAIN, &self.saved);
    }
}

/// A pidfd of `pid`: readable once the process has exited.
pub fn pidfd_open(pid: i32) -> Result<OwnedFd> {
    // SAFETY: pidfd_open with plain integer arguments.
    let r = unsafe { libc::syscall(libc::SYS_pidfd_open, pid, 0) };
    let fd = Errno::result(r).map_err(|e| Error::Runtime(format!("open a pidfd of process {pid}: {}", e.desc())))?;
    // SAFETY: a fresh descriptor we own (pidfds are close-on-exec).
    Ok(unsafe { OwnedFd::from_raw_fd(fd as RawFd) })
}

const FORWARDED: [Signal; 7] =
    [Signal::SIGWINCH, Signal::SIGINT, Signal::SIGTERM, Signal::SIGHUP, Signal::SIGQUIT, Signal::SIGUSR1, Signal::SIGUSR2];

/// Blocks the relayed signals for the relay's life and reads them from a
/// signalfd; the old mask comes back on drop.
#[derive(Debug)]
pub struct Signals {
    pub fd: SignalFd,
    old: SigSet,
}

impl Signals {
    /// Blocks SIGWINCH, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1 and SIGUSR2.
    pub fn new() -> Result<Signals> {
        let mut set = SigSet::empty();
        for s in FORWARDED {
            set.add(s);
        }
        let mut old = SigSet::empty();
        nix::sys::signal::sigprocmask(SigmaskHow::SIG_BLOCK, Some(&set), Some(&mut old))
            .map_err(|e| Error::Runtime(format!("block signals for the terminal relay: {}", e.desc())))?;
        let fd = SignalFd::with_flags(&set, SfdFlags::SFD_NONBLOCK | SfdFlags::SFD_CLOEXEC).map_err(|e| {
            let _ = nix::sys::signal::sigprocmask(SigmaskHow::SIG_SETMASK, Some(&old), None);
            Error::Runtime(format!("create a signalfd: {}", e.desc()))
        })?;
        Ok(Signals { fd, old })
    }
}

impl Drop for Signals {
    fn drop(&mut self) {
        // Whatever is still queued was meant for the process, which is gone:
        // unblocked, it would kill us before the exit is recorded.
        while let Ok(Some(_)) = self.fd.read_signal() {}
        let _ = nix::sys::signal::sigprocmask(SigmaskHow::SIG_SETMASK, Some(&self.old), None);
    }
}

pub(super) fn set_nonblocking(fd: RawFd) {
    // SAFETY: fcntl flag changes on a descriptor we hold.
    unsafe {
        let fl = libc::fcntl(fd, libc::F_GETFL);
        if fl >= 0 {
            libc::fcntl(fd, libc::F_SETFL, fl | libc::O_NONBLOCK);
        }
    }
}

/// Writes all of `buf` to `fd`, waiting out EAGAIN (stdout may be non-blocking).
pub fn write_all(fd: RawFd, mut buf: &[u8]) -> std::result::Result<(), Errno> {
    while !buf.is_empty() {
        // SAFETY: write from a live buffer.
        let n = unsafe { libc::write(fd, buf.as_ptr().cast(), buf.len()) };
        if n >= 0 {
            buf = &buf[n as usize..];
            continue;
        }
        match Errno::last() {
            Errno::EINTR => {}
            Errno::EAGAIN => {
                let mut p = libc::pollfd { fd, events: libc::POLLOUT, revents: 0 };
                // SAFETY: poll on one pollfd.
                unsafe { libc::poll(&mut p, 1, 100) };
            }
            e => return Err(e),
        }
    }
    Ok(())
}

fn read_some(fd: RawFd, buf: &mut [u8]) -> std::result::Result<usize, Errno> {
    loop {
        // SAFETY: read into a live buffer.
        let n = unsafe { libc::read(fd, buf.as_mut_ptr().cast(), buf.len()) };
        if n >= 0 {
            return Ok(n as usize);
        }
        match Errno::last() {
            Errno::EINTR => continue,
            e => return Err(e),
        }
    }
}

/// Copies the pty's output to the caller's stdout and (with `opts.stdin`)
/// the caller's stdin to the pty (both from `io`) until the process `pid`
/// exits or the detach keys are typed. Does not reap the process: the
/// caller waits for it (`Exited(0)` here only says that it is gone). Raw
/// mode is the caller's choice (`RawMode`).
pub fn relay(master: BorrowedFd, pid: i32, opts: &RelayOptions, io: &super::Stdio) -> Result<RelayEnd> {
    let (input, output) = (io.stdin.as_raw_fd(), io.stdout.as_raw_fd());
    let pidfd = pidfd_open(pid)?;
    let signals = Signals::new()?;
    let m = master.as_raw_fd();
    set_nonblocking(m);
    let mut stdin_open = opts.stdin;
    let mut master_open = true;
    let mut out_ok = true;
    let mut detach = DetachKeys::new(opts.detach_keys.clone());
    let mut buf = vec![0u8; 32 * 1024];
    loop {
        let mut fds = [
            libc::pollfd { fd: if master_open { m } else { -1 }, events: libc::POLLIN, revents: 0 },
            libc::pollfd { fd: if stdin_open { input } else { -1 }, events: libc::POLLIN, revents: 0 },
            libc::pollfd { fd: signals.fd.as_fd().as_raw_fd(), events: libc::POLLIN, revents: 0 },
            libc::pollfd { fd: pidfd.as_raw_fd(), events: libc::POLLIN, revents: 0 },
        ];
        // SAFETY: poll over our array.
        let r = unsafe { libc::poll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, -1) };
        if r < 0 {
            match Errno::last() {
                Errno::EINTR => continue,
                e => return Err(Error::Runtime(format!("wait for terminal input: {}", e.desc()))),
            }
        }
        if fds[0].revents != 0 {
            match read_some(m, &mut buf) {
                Ok(0) | Err(Errno::EIO) => master_open = false,
                Ok(n) => {
                    if out_ok && write_all(output, &buf[..n]).is_err() {
                        // Nobody reads our output any more: keep draining the pty.
                        out_ok = false;
                    }
                }
                Err(Errno::EAGAIN) => {}
                Err(e) => return Err(Error::Runtime(format!("read from the container's terminal: {}", e.desc()))),
            }
        }
        if fds[1].revents != 0 {
            match read_some(input, &mut buf) {
                Ok(0) | Err(Errno::EIO) => {
                    stdin_open = false;
                    // End of our input: an EOF character tells the program
                    // reading the terminal, as the user's ctrl-d would.
                    let _ = write_all(m, &[4]);
                }
                Ok(n) => {
                    let mut out = Vec::with_capacity(n);
                    if detach.feed(&buf[..n], &mut out) {
                        let _ = write_all(m, &out);
                        return Ok(RelayEnd::Detached);
                    }
                    if write_all(m, &out).is_err() {
                        stdin_open = false;
                    }
                }
                Err(Errno::EAGAIN) => {}
                Err(_) => stdin_open = false,
            }
        }
        if fds[2].revents != 0 {
            while let Ok(Some(info)) = signals.fd.read_signal() {
                let sig = info.ssi_signo as i32;
                if sig == libc::SIGWINCH {
                    if let Some(ws) = super::tty::user_window_size(io) {
                        // SAFETY: TIOCSWINSZ on our master with a valid struct.
                        unsafe { libc::ioctl(m, libc::TIOCSWINSZ, &ws) };
                    }
                } else {
                    // SAFETY: kill with plain integers.
                    unsafe { libc::kill(pid, sig) };
                }
            }
        }
        if fds[3].revents != 0 {
            // Gone: what it wrote last may still sit in the pty.
            while master_open {
                match read_some(m, &mut buf) {
                    Ok(n) if n > 0 => {
                        if out_ok && write_all(output, &buf[..n]).is_err() {
                            out_ok = false;
                        }
                    }
                    _ => master_open = false,
                }
            }
            return Ok(RelayEnd::Exited(0));
        }
    }
}

#[cfg(test)]
mod detach_tests {
    use super::*;

    fn run(keys: &str, chunks: &[&[u8]]) -> (Vec<u8>, bool) {
        let mut d = DetachKeys::new(parse_detach_keys(keys).unwrap());
        let mut out = Vec::new();
        for c in chunks {
            if d.feed(c, &mut out) {
                return (out, true);
            }
        }
        (out, false)
    }

    #[test]
    fn detach_keys_match_across_reads_and_pass_the_rest() {
        assert_eq!(run("ctrl-p,ctrl-q", &[b"ab\x10", b"\x11zz"]), (b"ab".to_vec(), true));
        // A lone ctrl-p goes on with the key after it.
        assert_eq!(run("ctrl-p,ctrl-q", &[b"\x10x", b"\x10\x10"]), (b"\x10x\x10".to_vec(), false));
        assert_eq!(run("ctrl-p,ctrl-q", &[b"\x10\x10\x11"]), (b"\x10".to_vec(), true));
        assert_eq!(run("", &[b"\x10\x11"]), (b"\x10\x11".to_vec(), false));
        assert_eq!(run("x", &[b"abxc"]), (b"ab".to_vec(), true));
    }
}
