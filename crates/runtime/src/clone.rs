//! Starting the child: clone(CLONE_VM|CLONE_VFORK|CLONE_NEWPID) on a
//! stack of its own, as posix_spawn does.
//!
//! Why not fork(): the pid namespace has to come with the new process, and
//! unshare(CLONE_NEWPID) before a fork cannot be undone by a rootless caller
//! (setns back to the host's pid namespace needs the host's CAP_SYS_ADMIN).
//! Why CLONE_VM|CLONE_VFORK rather than a fork-like raw clone: no page
//! tables to copy, and the child shares the caller's allocator like one
//! more thread while the calling thread sleeps, so allocating in the child
//! stays safe even when the caller has threads (the test harness). The
//! price: the child must not change the caller's state, and must use raw
//! system calls where glibc would coordinate with the caller's threads
//! (setuid and friends, see process.rs).

use super::child;
use super::plan::Plan;
use crate::error::{Error, Result};
use nix::errno::Errno;
use nix::unistd::Pid;
use std::os::fd::OwnedFd;

/// Plenty for the set-up code and a panic's unwinding; only the pages
/// touched are ever allocated.
const STACK_SIZE: usize = 1 << 20;

struct Args<'a> {
    plan: &'a Plan,
    report: &'a OwnedFd,
}

extern "C" fn child_main(arg: *mut libc::c_void) -> libc::c_int {
    // SAFETY: `arg` points at the Args on the parent's stack, which stays
    // alive and untouched while the parent sleeps in clone (CLONE_VFORK).
    let args = unsafe { &*(arg as *const Args) };
    child::run(args.plan, args.report)
}

/// A stack for the child, with a guard page below it.
pub(super) struct Stack {
    base: *mut libc::c_void,
}

impl Stack {
    pub(super) fn new() -> Result<Stack> {
        // SAFETY: a fresh anonymous mapping, owned by the Stack.
        let base = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                STACK_SIZE,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE | libc::MAP_STACK,
                -1,
                0,
            )
        };
        if base == libc::MAP_FAILED {
            return Err(Error::Runtime(format!("allocate the child's stack: {}", Errno::last().desc())));
        }
        let stack = Stack { base };
        // SAFETY: the first page of our own mapping.
        if unsafe { libc::mprotect(base, 4096, libc::PROT_NONE) } != 0 {
            return Err(Error::Runtime(format!("protect the child's stack: {}", Errno::last().desc())));
        }
        Ok(stack)
    }

    pub(super) fn top(&self) -> *mut libc::c_void {
        // SAFETY: one past the end of the mapping, 16-byte aligned as mmap is page-aligned.
        unsafe { self.base.cast::<u8>().add(STACK_SIZE).cast() }
    }
}

impl Drop for Stack {
    fn drop(&mut self) {
        // SAFETY: our mapping; the child has exec'd or exited (CLONE_VFORK).
        unsafe { libc::munmap(self.base, STACK_SIZE) };
    }
}

/// Starts the child, which sets the container up and execs; returns once it
/// has exec'd or exited (its report, if any, is waiting in the pipe).
pub(super) fn spawn_child(plan: &Plan, report: &OwnedFd) -> Result<Pid> {
    let stack = Stack::new()?;
    let mut flags = libc::CLONE_VM | libc::CLONE_VFORK | libc::SIGCHLD;
    if plan.new_pid_ns {
        flags |= libc::CLONE_NEWPID;
    }
    let mut args = Args { plan, report };
    // The child shares our memory, and with it the dumpable flag: clear it
    // before the child exists, so that from its first instant in the new
    // namespaces no process there can open its /proc/PID/exe (our binary),
    // mem or fds (CVE-2019-5736). Its exec makes a new, dumpable mm for the
    // command; ours is made dumpable again once the child is gone from it
    // (CLONE_VFORK), as a later user namespace helper (userns.rs) needs
    // /proc/PID files that belong to us.
    // SAFETY: prctl with integer arguments.
    let was_dumpable = unsafe { libc::prctl(libc::PR_GET_DUMPABLE, 0, 0, 0, 0) };
    // The child inherits our OOM score: a non-dumpable child could not
    // write its own (/proc/self belongs to the host's root then). Ours is
    // put back after the clone (lowering back to where we were is allowed).
    let oom_before = match plan.oom_score_adj {
        Some(n) => Some(set_oom_score_adj(n)?),
        None => None,
    };
    super::exec::set_dumpable(false)?;
    // SAFETY: child_main never returns into our code (exec or _exit); the
    // stack and args outlive the child's use of them thanks to CLONE_VFORK.
    let pid = unsafe { libc::clone(child_main, stack.top(), flags, (&mut args as *mut Args).cast()) };
    if was_dumpable == 1 {
        let _ = super::exec::set_dumpable(true);
    }
    if let Some(old) = oom_before {
        let _ = set_oom_score_adj(old);
    }
    if pid < 0 {
        return Err(Error::Runtime(format!("create the container process: {}", Errno::last().desc())));
    }
    drop(stack);
    Ok(Pid::from_raw(pid))
}

/// `--oom-score-adj`: sets ours (which the container inherits), returns the
/// previous value. Below the current value needs CAP_SYS_RESOURCE on the
/// host: rootless can only raise it.
fn set_oom_score_adj(n: i32) -> Result<i32> {
    let path = "/proc/self/oom_score_adj";
    let old = std::fs::read_to_string(path).ok().and_then(|s| s.trim().parse().ok()).unwrap_or(0);
    std::fs::write(path, n.to_string()).map_err(|e| {
        let hint = if n < old { format!(" (lowering it below {old} needs CAP_SYS_RESOURCE on the host)") } else { String::new() };
        Error::Runtime(format!("set the OOM score adjustment to {n}: {e}{hint}"))
    })?;
    Ok(old)
}
