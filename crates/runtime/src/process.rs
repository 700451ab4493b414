//! Child side, after pivot_root: rlimits, user and groups, capabilities,
//! working directory, umask, and the exec of the command.

use super::child::{CResult, Fail, FailKind, Stage};
use super::plan::{Plan, Rlimit};
use nix::errno::Errno;
use nix::sys::stat::{stat, Mode};
use nix::unistd::{access, chdir, chown, mkdir, AccessFlags, Gid, Uid};
use std::convert::Infallible;
use std::ffi::{CStr, CString};
use std::os::fd::RawFd;

/// Applies the process settings and execs; returns only on failure.
pub(super) fn finish_and_exec(plan: &Plan, report: RawFd) -> CResult<Infallible> {
    // Every mount is made: now into the container's own user namespace, where
    // the process below gets its ids and capabilities (userns.rs).
    if let Some(u) = &plan.own_userns {
        if plan.populate_dev {
            u.chown_tmpfs()?;
        }
        nix::sched::setns(&u.fd, nix::sched::CloneFlags::CLONE_NEWUSER).stage(|| "join the container's user namespace".to_string())?;
    }
    set_rlimits(&plan.rlimits)?;
    if let Some(p) = plan.personality {
        // SAFETY: personality with an integer argument.
        let r = unsafe { libc::personality(p) };
        Errno::result(r).stage(|| format!("set the personality {p:#x}"))?;
    }
    // A session keyring of its own, as runc and crun give: the caller's
    // holds the user's keys (kerberos tickets, fscrypt, ecryptfs).
    join_new_session_keyring()?;
    // Without no_new_privs, installing a filter needs CAP_SYS_ADMIN, which
    // the capability sets below may drop: install it now (the default
    // profile allows the set-up calls that follow, as with runc).
    if !plan.no_new_privs {
        if let Some(s) = &plan.seccomp {
            s.install()?;
        }
    }
    if let Some(c) = &plan.caps {
        c.before_user_change(plan.uid)?;
    }
    // None of the runtime's fds may be open when the working directory is
    // entered: `-w /proc/self/fd/N` would land outside the root (CVE-2024-21626).
    super::fds::close_for_exec(report);
    // As root still, so that a missing workdir can be created and chowned.
    enter_cwd(plan)?;
    set_user(plan)?;
    if let Some(c) = &plan.caps {
        c.after_user_change(plan.uid)?;
    }
    nix::sys::stat::umask(Mode::from_bits_truncate(plan.umask));
    if plan.no_new_privs {
        // SAFETY: prctl with integer arguments.
        let r = unsafe { libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) };
        Errno::result(r).stage(|| "set no_new_privileges".to_string())?;
    }
    if plan.no_new_privs {
        if let Some(s) = &plan.seccomp {
            s.install()?;
        }
    }
    exec(plan)
}

/// Sets each rlimit; a hard limit above the current one needs
/// CAP_SYS_RESOURCE in the init namespace, so without it both limits are
/// clamped to the current hard limit instead of failing the container.
fn set_rlimits(limits: &[Rlimit]) -> CResult<()> {
    for &(resource, soft, hard) in limits {
        let wanted = libc::rlimit { rlim_cur: soft.min(hard), rlim_max: hard };
        // SAFETY: setrlimit/getrlimit with a valid struct.
        let r = unsafe { libc::setrlimit(resource, &wanted) };
        if Errno::result(r) == Err(Errno::EPERM) {
            let mut cur = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
            // SAFETY: as above.
            let r = unsafe { libc::getrlimit(resource, &mut cur) };
            Errno::result(r).stage(|| format!("get rlimit {resource}"))?;
            let clamped = libc::rlimit { rlim_cur: wanted.rlim_cur.min(cur.rlim_max), rlim_max: hard.min(cur.rlim_max) };
            // SAFETY: as above.
            let r = unsafe { libc::setrlimit(resource, &clamped) };
            Errno::result(r).stage(|| format!("set rlimit {resource}"))?;
        } else {
            Errno::result(r).stage(|| format!("set rlimit {resource}"))?;
        }
    }
    Ok(())
}

fn set_user(plan: &Plan) -> CResult<()> {
    // Raw system calls: glibc's wrappers would try to change the ids of the
    // caller's other threads too, which this clone child shares memory with.
    // SAFETY: setgroups with a valid array and its length.
    let r = if plan.keep_groups { 0 } else { unsafe { libc::syscall(libc::SYS_setgroups, plan.groups.len(), plan.groups.as_ptr()) } };
    match Errno::result(r) {
        Ok(_) => {}
        // Rootless without newgidmap: /proc/self/setgroups is "deny".
        Err(Errno::EPERM) if plan.groups.is_empty() => {}
        Err(e) => {
            let hint = if plan.setgroups_denied { " (setgroups is denied in this user namespace)" } else { "" };
            return Err(e).stage(|| format!("set the additional groups {:?}{hint}", plan.groups));
        }
    }
    // SAFETY: plain id-setting system calls.
    let r = unsafe { libc::syscall(libc::SYS_setresgid, plan.gid, plan.gid, plan.gid) };
    Errno::result(r).map_err(|e| unmapped(e, "gid", plan.gid))?;
    // SAFETY: as above.
    let r = unsafe { libc::syscall(libc::SYS_setresuid, plan.uid, plan.uid, plan.uid) };
    Errno::result(r).map_err(|e| unmapped(e, "uid", plan.uid))?;
    Ok(())
}

/// EINVAL from setresuid/setresgid means the id has no mapping here.
fn unmapped(e: Errno, what: &str, id: u32) -> Fail {
    let hint = if e == Errno::EINVAL {
        format!(" (not mapped in the user namespace: the user needs a range in /etc/sub{what})")
    } else {
        String::new()
    };
    Fail { kind: FailKind::Setup, errno: e as i32, what: format!("set {what} {id}{hint}") }
}

/// chdir to the working directory, creating it (owned by the user) if it
/// is missing, as podman does.
fn enter_cwd(plan: &Plan) -> CResult<()> {
    chdir_or_create(plan)?;
    check_cwd_inside_root(&plan.cwd)
}

fn chdir_or_create(plan: &Plan) -> CResult<()> {
    let workdir = |why: &str| Fail {
        kind: FailKind::Workdir,
        errno: 0,
        what: format!("workdir {:?} {why}", plan.cwd.to_string_lossy(), why = why.replace("{id}", plan.cwd_check.as_deref().unwrap_or(""))),
    };
    match chdir(plan.cwd.as_c_str()) {
        Err(Errno::ENOENT) if plan.cwd_check.is_some() => return Err(workdir("does not exist on container {id}")),
        Err(Errno::ENOTDIR) if plan.cwd_check.is_some() => return Err(workdir("exists on container {id}, but is not a directory")),
        Err(Errno::ENOENT) => {}
        r => return r.stage(|| format!("chdir to the working directory {:?}", plan.cwd)),
    }
    let bytes = plan.cwd.to_bytes();
    let mut end = 0;
    while end < bytes.len() {
        end = bytes[end + 1..].iter().position(|b| *b == b'/').map_or(bytes.len(), |p| end + 1 + p);
        let Ok(prefix) = CString::new(&bytes[..end]) else { break };
        match mkdir(prefix.as_c_str(), Mode::from_bits_truncate(0o755)) {
            Ok(()) => chown(prefix.as_c_str(), Some(Uid::from_raw(plan.uid)), Some(Gid::from_raw(plan.gid)))
                .stage(|| format!("chown the working directory {prefix:?}"))?,
            Err(Errno::EEXIST) => {}
            Err(e) => return Err(e).stage(|| format!("create the working directory {prefix:?}")),
        }
    }
    chdir(plan.cwd.as_c_str()).stage(|| format!("chdir to the working directory {:?}", plan.cwd))
}

/// runc's check after its chdir: the kernel names a cwd that the root cannot
/// reach "(unreachable)/..." (a host directory reached through an fd, or a
/// mount moved away); such a cwd would let the container walk the host.
pub(super) fn check_cwd_inside_root(cwd: &CStr) -> CResult<()> {
    let mut buf = [0u8; 4096];
    // SAFETY: the raw getcwd fills our buffer (glibc's would hide the prefix).
    let r = unsafe { libc::syscall(libc::SYS_getcwd, buf.as_mut_ptr(), buf.len()) };
    let outside = || Fail {
        kind: FailKind::Setup,
        errno: 0,
        what: format!("the working directory {cwd:?} is outside of the container's root (possible container breakout detected): refused"),
    };
    if r < 0 {
        return match Errno::last() {
            Errno::ENOENT => Err(outside()),
            e => Err(e).stage(|| format!("check the working directory {cwd:?}")),
        };
    }
    if buf[0] != b'/' {
        return Err(outside());
    }
    Ok(())
}

/// keyctl(KEYCTL_JOIN_SESSION_KEYRING, NULL): a new anonymous session
/// keyring, so the container cannot read or link the caller's keys. A kernel
/// without keys (ENOSYS) has nothing to share (runc skips it too).
pub(super) fn join_new_session_keyring() -> CResult<()> {
    // SAFETY: keyctl with a NULL name asks for an anonymous keyring.
    let r = unsafe { libc::syscall(libc::SYS_keyctl, libc::KEYCTL_JOIN_SESSION_KEYRING as libc::c_long, std::ptr::null::<libc::c_char>()) };
    match Errno::result(r) {
        Ok(_) | Err(Errno::ENOSYS) => Ok(()),
        Err(e @ (Errno::EDQUOT | Errno::ENOMEM)) => {
            Err(e).stage(|| "join a new session keyring (the user's key quota, kernel.keys.maxkeys, is used up)".to_string())
        }
        Err(e) => Err(e).stage(|| "join a new session keyring".to_string()),
    }
}

fn exec(plan: &Plan) -> CResult<Infallible> {
    execve_in_path(&plan.args, &plan.env, &plan.path_var, &plan.command)
}

/// The last step of a container process and of an exec'd one: execve of
/// `args[0]`, looked up in the container's PATH (`path_var`).
pub(super) fn execve_in_path(args: &[CString], env: &[CString], path_var: &[u8], command: &str) -> CResult<Infallible> {
    let path = find_command(args, path_var, command)?;
    let mut argv: Vec<*const libc::c_char> = args.iter().map(|a| a.as_ptr()).collect();
    argv.push(std::ptr::null());
    let mut envp: Vec<*const libc::c_char> = env.iter().map(|a| a.as_ptr()).collect();
    envp.push(std::ptr::null());
    // SAFETY: NUL-terminated strings in NULL-terminated arrays, all alive here.
    unsafe { libc::execve(path.as_ptr(), argv.as_ptr(), envp.as_ptr()) };
    Err(exec_fail(Errno::last(), command))
}

fn exec_fail(e: Errno, command: &str) -> Fail {
    Fail { kind: FailKind::Exec, errno: e as i32, what: format!("exec {command}") }
}

/// Looks a bare command name up in the container's PATH (execvp would use
/// ours). Like execvp, a candidate that exists but cannot be run makes the
/// result EACCES rather than ENOENT.
fn find_command(args: &[CString], path_var: &[u8], command: &str) -> CResult<CString> {
    let Some(first) = args.first() else { return Err(exec_fail(Errno::ENOENT, command)) };
    let cmd = first.to_bytes();
    if cmd.contains(&b'/') {
        return Ok(first.clone());
    }
    if cmd.is_empty() {
        return Err(exec_fail(Errno::ENOENT, command));
    }
    let mut denied = false;
    // A broken rootfs (a FUSE server gone: ENOTCONN; EIO) is not "not found".
    let mut broken = None;
    for dir in path_var.split(|b| *b == b':') {
        let dir: &[u8] = if dir.is_empty() { b"." } else { dir };
        let mut candidate = Vec::with_capacity(dir.len() + cmd.len() + 2);
        candidate.extend_from_slice(dir);
        candidate.push(b'/');
        candidate.extend_from_slice(cmd);
        let Ok(candidate) = CString::new(candidate) else { continue };
        if runnable(&candidate, &mut denied, &mut broken) {
            return Ok(candidate);
        }
    }
    if let Some(e) = broken {
        return Err(exec_fail(e, command));
    }
    Err(exec_fail(if denied { Errno::EACCES } else { Errno::ENOENT }, command))
}

fn runnable(path: &CStr, denied: &mut bool, broken: &mut Option<Errno>) -> bool {
    match stat(path) {
        Ok(st) if st.st_mode & libc::S_IFMT == libc::S_IFREG => {
            if access(path, AccessFlags::X_OK).is_ok() {
                return true;
            }
            *denied = true;
            false
        }
        Ok(_) => {
            *denied = true;
            false
        }
        Err(e @ (Errno::ENOTCONN | Errno::EIO | Errno::ECONNABORTED)) => {
            broken.get_or_insert(e);
            false
        }
        Err(_) => false,
    }
}
