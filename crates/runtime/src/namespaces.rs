//! Namespaces joined or created in the child (the pid namespace is made by
//! the clone itself, see clone.rs).

use super::child::{CResult, Stage};
use super::plan::Plan;
use nix::sched::{setns, unshare, CloneFlags};
use nix::unistd::sethostname;
use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;

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
