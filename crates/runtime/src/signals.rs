//! Signals: reset in the child before exec, forwarded to the container by
//! the waiting parent.

use super::child::{CResult, Stage};
use super::Container;
use crate::error::{Error, Result};
use nix::errno::Errno;
use nix::sys::signal::{sigaction, SaFlags, SigAction, SigHandler, SigSet, SigmaskHow, Signal};
use nix::sys::wait::{waitpid, WaitStatus};
use nix::unistd::Pid;
use std::sync::atomic::{AtomicI32, Ordering};

const FORWARDED: [Signal; 7] =
    [Signal::SIGINT, Signal::SIGTERM, Signal::SIGHUP, Signal::SIGQUIT, Signal::SIGUSR1, Signal::SIGUSR2, Signal::SIGWINCH];

/// The pid signals go to; one container is waited for per process.
static TARGET: AtomicI32 = AtomicI32::new(0);

extern "C" fn forward(sig: libc::c_int, info: *mut libc::siginfo_t, _ctx: *mut libc::c_void) {
    // The container has a session of its own (child.rs): the terminal's
    // ctrl-c reaches only us and goes on; its window size means nothing there.
    // SAFETY: the kernel passes a valid siginfo to an SA_SIGINFO handler.
    if sig == libc::SIGWINCH && !info.is_null() && unsafe { (*info).si_code } == libc::SI_KERNEL {
        return;
    }
    let pid = TARGET.load(Ordering::Relaxed);
    if pid > 0 {
        // SAFETY: kill is async-signal-safe.
        unsafe { libc::kill(pid, sig) };
    }
}

/// Waits for the container to exit, forwarding SIGINT, SIGTERM, SIGHUP,
/// SIGQUIT, SIGUSR1, SIGUSR2 and SIGWINCH to it; returns its exit code
/// (128+signal when killed by a signal). The previous handlers are restored.
pub fn wait_forwarding_signals(container: &Container) -> Result<i32> {
    TARGET.store(container.pid, Ordering::Relaxed);
    let action = SigAction::new(SigHandler::SigAction(forward), SaFlags::SA_RESTART | SaFlags::SA_SIGINFO, SigSet::empty());
    let mut previous = Vec::with_capacity(FORWARDED.len());
    for sig in FORWARDED {
        // SAFETY: the handler only reads an atomic and calls kill.
        match unsafe { sigaction(sig, &action) } {
            Ok(old) => previous.push((sig, old)),
            Err(e) => {
                restore(&previous);
                return Err(Error::Runtime(format!("install a handler for {sig}: {}", e.desc())));
            }
        }
    }
    let result = wait(Pid::from_raw(container.pid));
    restore(&previous);
    TARGET.store(0, Ordering::Relaxed);
    result
}

fn restore(previous: &[(Signal, SigAction)]) {
    for (sig, old) in previous {
        // SAFETY: puts back what was installed before.
        let _ = unsafe { sigaction(*sig, old) };
    }
}

fn wait(pid: Pid) -> Result<i32> {
    loop {
        match waitpid(pid, None) {
            Ok(WaitStatus::Exited(_, code)) => return Ok(code),
            Ok(WaitStatus::Signaled(_, sig, _)) => return Ok(128 + sig as i32),
            Ok(_) | Err(Errno::EINTR) => continue,
            Err(e) => return Err(Error::Runtime(format!("wait for container process {pid}: {}", e.desc()))),
        }
    }
}

/// In the child: default dispositions and an empty mask, so the command
/// does not inherit our ignored SIGPIPE or a blocked signal.
pub(super) fn reset_in_child() -> CResult<()> {
    let default = SigAction::new(SigHandler::SigDfl, SaFlags::empty(), SigSet::empty());
    for sig in Signal::iterator() {
        if sig != Signal::SIGKILL && sig != Signal::SIGSTOP {
            // SAFETY: installing SIG_DFL.
            let _ = unsafe { sigaction(sig, &default) };
        }
    }
    nix::sys::signal::sigprocmask(SigmaskHow::SIG_SETMASK, Some(&SigSet::empty()), None).stage(|| "clear the signal mask".to_string())
}
