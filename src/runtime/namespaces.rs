//! Namespaces: the pid namespace around the fork (parent side), the others
//! joined or created in the child.
//!
//! Why fork and not clone(CLONE_NEWPID|...) with a child stack: glibc's
//! fork() takes the allocator's locks around the fork, so the child may
//! allocate (error messages) even when the caller has threads (the test
//! harness). unshare(CLONE_NEWPID) only sets the namespace of the caller's
//! next children, so the caller enters it just for the fork and setns()es
//! straight back; the container's command is pid 1 and our direct child.

use super::child::{CResult, Stage};
use super::plan::{Plan, PidNs};
use crate::error::{Error, Result};
use nix::fcntl::{open, OFlag};
use nix::sched::{setns, unshare, CloneFlags};
use nix::sys::signal::{kill, Signal};
use nix::sys::stat::Mode;
use nix::sys::wait::waitpid;
use nix::unistd::{fork, sethostname, ForkResult, Pid};
use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;

/// Which side of the fork we are on.
pub(super) enum Forked {
    /// In the child, inside the planned pid namespace.
    Child,
    /// In the parent, back in its own pid namespace.
    Parent(Pid),
}

/// Forks with the child in the planned pid namespace. The child side must
/// end in exec or _exit.
pub(super) fn fork_child(pid_ns: &PidNs) -> Result<Forked> {
    let own = match pid_ns {
        PidNs::Inherit => None,
        _ => Some(
            open("/proc/self/ns/pid", OFlag::O_RDONLY | OFlag::O_CLOEXEC, Mode::empty())
                .map_err(|e| Error::Runtime(format!("open /proc/self/ns/pid: {}", e.desc())))?,
        ),
    };
    match pid_ns {
        PidNs::Inherit => {}
        PidNs::New => unshare(CloneFlags::CLONE_NEWPID)
            .map_err(|e| Error::Runtime(format!("create the pid namespace: {}", e.desc())))?,
        PidNs::Join(fd) => setns(fd, CloneFlags::CLONE_NEWPID)
            .map_err(|e| Error::Runtime(format!("join the pid namespace: {}", e.desc())))?,
    }
    // SAFETY: the caller's child side ends in exec or _exit.
    let forked = unsafe { fork() };
    let restored = match &own {
        Some(fd) if !matches!(forked, Ok(ForkResult::Child)) => setns(fd, CloneFlags::CLONE_NEWPID),
        _ => Ok(()),
    };
    match forked {
        Ok(ForkResult::Child) => Ok(Forked::Child),
        Ok(ForkResult::Parent { child }) => {
            if let Err(e) = restored {
                // Our later children would land in the container's namespace.
                let _ = kill(child, Signal::SIGKILL);
                let _ = waitpid(child, None);
                return Err(Error::Runtime(format!("return to our own pid namespace: {}", e.desc())));
            }
            Ok(Forked::Parent(child))
        }
        Err(e) => Err(Error::Runtime(format!("fork the container process: {}", e.desc()))),
    }
}

/// Child side: joins the namespaces given by path, creates the others, and
/// sets the hostname in the new UTS namespace.
pub(super) fn enter(plan: &Plan) -> CResult<()> {
    // The user namespace first: it owns whatever is created after.
    if let Some(fd) = &plan.user_ns {
        setns(fd, CloneFlags::CLONE_NEWUSER).stage(|| "join the user namespace".to_string())?;
    }
    for (fd, flag) in &plan.join {
        setns(fd, *flag).stage(|| format!("join the {} namespace", ns_name(*flag)))?;
    }
    if !plan.unshare.is_empty() {
        unshare(plan.unshare).stage(|| "create the namespaces".to_string())?;
    }
    if let Some(h) = &plan.hostname {
        sethostname(OsStr::from_bytes(h.to_bytes())).stage(|| format!("set the hostname {h:?}"))?;
    }
    if let Some(d) = &plan.domainname {
        // SAFETY: a NUL-terminated buffer and its length.
        let r = unsafe { libc::setdomainname(d.as_ptr(), d.to_bytes().len()) };
        nix::errno::Errno::result(r).stage(|| format!("set the domain name {d:?}"))?;
    }
    Ok(())
}

fn ns_name(flag: CloneFlags) -> &'static str {
    match flag {
        CloneFlags::CLONE_NEWNS => "mount",
        CloneFlags::CLONE_NEWUTS => "uts",
        CloneFlags::CLONE_NEWIPC => "ipc",
        CloneFlags::CLONE_NEWNET => "network",
        CloneFlags::CLONE_NEWCGROUP => "cgroup",
        _ => "time",
    }
}
