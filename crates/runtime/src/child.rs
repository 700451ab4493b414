//! The child between clone and exec, and the error report it sends to the
//! parent over the error pipe (closed by exec on success).

use super::plan::Plan;
use super::{namespaces, process, rootfs, signals};
use crate::error::Error;
use nix::errno::Errno;
use std::convert::Infallible;
use std::os::fd::{AsRawFd, OwnedFd};

/// Which step failed: the parent maps exec failures to podman's 126/127.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum FailKind {
    Setup = 0,
    Exec = 1,
    /// The `-w` folder is missing or not a folder (podman's exit 126).
    Workdir = 2,
}

/// A failure in the child: what was being done and the errno.
#[derive(Debug)]
pub(super) struct Fail {
    pub kind: FailKind,
    pub errno: i32,
    pub what: String,
}

pub(super) type CResult<T> = std::result::Result<T, Fail>;

/// Names the step a system call belonged to.
pub(super) trait Stage<T> {
    fn stage(self, what: impl FnOnce() -> String) -> CResult<T>;
}

impl<T> Stage<T> for nix::Result<T> {
    fn stage(self, what: impl FnOnce() -> String) -> CResult<T> {
        self.map_err(|e| Fail { kind: FailKind::Setup, errno: e as i32, what: what() })
    }
}

impl<T> Stage<T> for std::io::Result<T> {
    fn stage(self, what: impl FnOnce() -> String) -> CResult<T> {
        self.map_err(|e| Fail { kind: FailKind::Setup, errno: e.raw_os_error().unwrap_or(0), what: what() })
    }
}

/// Runs in the cloned child: sets the container up and execs its command.
/// Never returns into the caller's code, not even on a panic.
pub(super) fn run(plan: &Plan, err_pipe: &OwnedFd) -> ! {
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| setup(plan, err_pipe.as_raw_fd())));
    let fail = match result {
        Ok(Err(f)) => f,
        Ok(Ok(never)) => match never {},
        Err(_) => Fail { kind: FailKind::Setup, errno: 0, what: "container set-up panicked".into() },
    };
    let msg = encode(&fail);
    // SAFETY: a plain write of our own buffer; the parent reads until EOF.
    unsafe {
        libc::write(err_pipe.as_raw_fd(), msg.as_ptr().cast(), msg.len());
        libc::_exit(1)
    }
}

fn setup(plan: &Plan, report: std::os::fd::RawFd) -> CResult<Infallible> {
    signals::reset_in_child()?;
    if let Some(fds) = plan.stdio {
        if let Err((fd, e)) = super::fds::install_stdio(fds) {
            return Err(e).stage(|| format!("set descriptor {fd} for the container"));
        }
    }
    // Never in the caller's session: its terminal would be ours as
    // /dev/tty, open to TIOCSTI (issue 14). With a terminal of its own,
    // tty.rs starts the session, then takes the pty.
    if plan.terminal.is_none() {
        nix::unistd::setsid().stage(|| "start a session for the container".to_string())?;
    }
    // Before the namespaces: a new cgroup namespace is rooted where the child is.
    if let Some(c) = &plan.cgroup {
        c.enter()?;
    }
    namespaces::enter(plan)?;
    rootfs::prepare(plan)?;
    if let Some(t) = &plan.terminal {
        // Still in the runtime's user namespace: the terminal's owner as seen from there.
        let uid = plan.own_userns.as_ref().map_or(plan.uid, |u| u.uids.outer(plan.uid));
        super::tty::setup_in_child(t, uid)?;
    }
    process::finish_and_exec(plan, report)
}

/// Below PIPE_BUF, so the one write is atomic.
const MAX_MSG: usize = 4000;

pub(super) fn encode(f: &Fail) -> Vec<u8> {
    let mut out = Vec::with_capacity(MAX_MSG);
    out.push(f.kind as u8);
    out.extend_from_slice(&f.errno.to_le_bytes());
    let what = f.what.as_bytes();
    out.extend_from_slice(&what[..what.len().min(MAX_MSG - 5)]);
    out
}

/// The parent's view of a child's failure report.
/// Reads a child's start report until the pipe closes: empty when the exec
/// happened (the close-on-exec end went away), else an encoded failure.
pub(super) fn read_report(rx: &OwnedFd, whose: &str) -> Result<Vec<u8>, Error> {
    let mut report = Vec::new();
    let mut buf = [0u8; 1024];
    loop {
        match nix::unistd::read(rx, &mut buf) {
            Ok(0) => return Ok(report),
            Ok(n) => report.extend_from_slice(&buf[..n]),
            Err(Errno::EINTR) => continue,
            Err(e) => return Err(Error::Runtime(format!("read {whose} start report: {}", e.desc()))),
        }
    }
}

pub(super) fn decode(msg: &[u8], command: &str) -> Error {
    if msg.len() < 5 {
        return Error::Runtime("the container process failed before exec with a garbled report".into());
    }
    let errno = i32::from_le_bytes([msg[1], msg[2], msg[3], msg[4]]);
    let what = String::from_utf8_lossy(&msg[5..]);
    let desc = Errno::from_raw(errno).desc();
    if msg[0] == FailKind::Exec as u8 {
        return exec_error(command, errno, &what);
    }
    if msg[0] == FailKind::Workdir as u8 {
        return Error::CommandNotExecutable(what.into_owned());
    }
    if errno == 0 {
        Error::Runtime(what.into_owned())
    } else {
        Error::Runtime(format!("{what}: {desc}"))
    }
}

/// podman's wording and exit codes for a command that cannot be run.
fn exec_error(command: &str, errno: i32, what: &str) -> Error {
    match Errno::from_raw(errno) {
        Errno::ENOENT if command.contains('/') => {
            Error::CommandNotFound(format!("{command}: executable file not found: No such file or directory"))
        }
        Errno::ENOENT => Error::CommandNotFound(format!("{command}: executable file not found in $PATH: No such file or directory")),
        Errno::EACCES | Errno::EISDIR | Errno::EPERM => {
            Error::CommandNotExecutable(format!("{command}: permission denied: not an executable regular file, or no permission to run it"))
        }
        Errno::ENOEXEC => Error::CommandNotExecutable(format!(
            "{command}: permission denied: exec format error (not a program for this machine, nor a script starting with #!)"
        )),
        e => Error::Runtime(format!("{what}: {}", e.desc())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_round_trip() {
        let f = Fail { kind: FailKind::Setup, errno: libc::EINVAL, what: "mount overlay at /x".into() };
        let e = decode(&encode(&f), "true");
        assert_eq!(e.to_string(), "mount overlay at /x: Invalid argument");
        let f = Fail { kind: FailKind::Exec, errno: libc::ENOENT, what: "exec nope".into() };
        let e = decode(&encode(&f), "nope");
        assert!(matches!(e, Error::CommandNotFound(_)));
        assert_eq!(e.to_string(), "nope: executable file not found in $PATH: No such file or directory");
        let f = Fail { kind: FailKind::Exec, errno: libc::EACCES, what: "exec /etc".into() };
        assert!(matches!(decode(&encode(&f), "/etc"), Error::CommandNotExecutable(_)));
        let long = Fail { kind: FailKind::Setup, errno: 1, what: "x".repeat(10_000) };
        assert!(encode(&long).len() <= MAX_MSG);
    }
}
