//! The `--init` program: our own binary run as the container's pid 1
//! (container/init.rs puts it in the spec). main() runs it first thing when
//! argv[0] names it, so nothing else of sangja runs in the container. Its
//! stderr is the container's own. It forwards signals to its child, reaps
//! every zombie that is reparented to it, and exits with the child's code.

use nix::errno::Errno;
use nix::sys::signal::{sigaction, SaFlags, SigAction, SigHandler, SigSet, SigmaskHow, Signal};
use nix::sys::wait::{waitpid, WaitPidFlag, WaitStatus};
use nix::unistd::{fork, ForkResult, Pid};
use sangja::error::ErrorKind;
use std::ffi::CString;
use std::os::unix::ffi::OsStrExt;

/// When this process was started as the init (argv[0] ends in
/// "sangja-init"), runs it and returns the exit code; otherwise `None`.
pub fn run_if_init() -> Option<i32> {
    let mut argv = std::env::args_os();
    let arg0 = argv.next()?;
    if !arg0.as_bytes().ends_with(b"sangja-init") {
        return None;
    }
    let mut args: Vec<CString> = argv.filter_map(|a| CString::new(a.as_bytes()).ok()).collect();
    if args.first().is_some_and(|a| a.as_bytes() == b"--") {
        args.remove(0);
    }
    if args.is_empty() {
        eprintln!("sangja-init: no command given: usage: sangja-init -- COMMAND [ARG...]");
        return Some(1);
    }
    Some(init(&args))
}

fn init(args: &[CString]) -> i32 {
    // Run through the loader, the kernel would name us after it in ps.
    // SAFETY: PR_SET_NAME with a NUL-terminated string.
    unsafe { libc::prctl(libc::PR_SET_NAME, c"sangja-init".as_ptr(), 0, 0, 0) };
    // Every signal waits in the queue for sigwaitinfo: a pid 1 with default
    // dispositions would otherwise have them dropped by the kernel.
    let all = SigSet::all();
    let mut old = SigSet::empty();
    if let Err(e) = nix::sys::signal::sigprocmask(SigmaskHow::SIG_SETMASK, Some(&all), Some(&mut old)) {
        eprintln!("sangja-init: block signals: {}", e.desc());
        return 1;
    }
    // SAFETY: single-threaded here (nothing of sangja started); the child only execs.
    let child = match unsafe { fork() } {
        Ok(ForkResult::Child) => exec_child(args, &old),
        Ok(ForkResult::Parent { child }) => child,
        Err(e) => {
            eprintln!("sangja-init: fork: {}", e.desc());
            return 1;
        }
    };
    loop {
        let mut info: libc::siginfo_t = unsafe { std::mem::zeroed() };
        // SAFETY: sigwaitinfo on a full set with a valid siginfo.
        let sig = unsafe { libc::sigwaitinfo(all.as_ref(), &mut info) };
        if sig < 0 {
            continue;
        }
        if sig == libc::SIGCHLD {
            if let Some(code) = reap(child) {
                return code;
            }
            continue;
        }
        // The terminal already sent its own signals to the child's group.
        // SAFETY: reading the si_code of a filled siginfo.
        if info.si_code == libc::SI_KERNEL {
            continue;
        }
        // SAFETY: kill with plain integers.
        unsafe { libc::kill(child.as_raw(), sig) };
    }
}

/// Reaps every exited process; the child's exit code once it is among them.
fn reap(child: Pid) -> Option<i32> {
    let mut code = None;
    loop {
        match waitpid(Pid::from_raw(-1), Some(WaitPidFlag::WNOHANG)) {
            Ok(WaitStatus::Exited(pid, c)) if pid == child => code = Some(c),
            Ok(WaitStatus::Signaled(pid, s, _)) if pid == child => code = Some(128 + s as i32),
            Ok(WaitStatus::StillAlive) | Err(Errno::ECHILD) => return code,
            Ok(_) | Err(Errno::EINTR) => continue,
            Err(_) => return code,
        }
    }
}

fn exec_child(args: &[CString], old_mask: &SigSet) -> ! {
    // Its own process group, in the foreground of the terminal if there is
    // one, as tini does: ctrl-c reaches the command through the terminal.
    // SAFETY: plain process-group calls; SIGTTOU is still blocked.
    unsafe {
        libc::setpgid(0, 0);
        if libc::isatty(0) == 1 {
            libc::tcsetpgrp(0, libc::getpid());
        }
    }
    // Rust starts with SIGPIPE ignored; the command must get the default.
    let dfl = SigAction::new(SigHandler::SigDfl, SaFlags::empty(), SigSet::empty());
    // SAFETY: installing SIG_DFL.
    let _ = unsafe { sigaction(Signal::SIGPIPE, &dfl) };
    let _ = nix::sys::signal::sigprocmask(SigmaskHow::SIG_SETMASK, Some(old_mask), None);
    let err = nix::unistd::execvp(&args[0], args).unwrap_err();
    let cmd = args[0].to_string_lossy();
    eprintln!("sangja-init: exec {cmd}: {}", err.desc());
    let kind = if err == Errno::ENOENT { ErrorKind::CommandNotFound } else { ErrorKind::CommandNotExecutable };
    // SAFETY: leave the forked child at once.
    unsafe { libc::_exit(kind.exit_code()) }
}
