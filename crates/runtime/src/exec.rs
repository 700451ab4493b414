//! `exec`: a new process in a running container.
//!
//! The caller joins the container's namespaces through a pidfd of its init
//! (one setns for all of them, kernel ≥ 5.8), then forks: the child is in
//! the container's pid namespace, takes the container's root, user, working
//! directory and environment, and execs. Rootless, the container's user
//! namespace is joined rather than a new one made, which spares the
//! newuidmap round trip that every other command pays: exec is mostly
//! system calls. A close-on-exec pipe reports failures as in `spawn`.

use super::caps::CapPlan;
use super::child::{decode, encode, CResult, Stage};
use super::foreground::{forward_and_wait, wait_child};
use super::relay::{self, RawMode, RelayEnd, RelayOptions, Signals};
use super::stdio::{self, Guarded, StdinFrom};
use crate::error::{Error, Result};
use nix::errno::Errno;
use nix::fcntl::{open, OFlag};
use nix::sys::stat::Mode;
use nix::unistd::{fork, pipe2, ForkResult};
use oci_spec::runtime::{LinuxSeccomp, Process};
use std::ffi::CString;
use std::os::fd::{AsFd, AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::os::unix::fs::MetadataExt;

/// The process to start, with podman's exec options.
#[derive(Debug, Clone, Default)]
pub struct ExecOptions {
    /// `-i`: our stdin goes to the process.
    pub interactive: bool,
    /// `-t`: a pty from the container's devpts.
    pub tty: bool,
    /// `-d`: start it and return; its output is discarded.
    pub detach: bool,
    /// The detach keys for `-it` (empty: none).
    pub detach_keys: Vec<u8>,
}

/// The namespaces exec joins, by their /proc/PID/ns names.
const NAMESPACES: [(&str, libc::c_int); 7] = [
    ("user", libc::CLONE_NEWUSER),
    ("mnt", libc::CLONE_NEWNS),
    ("pid", libc::CLONE_NEWPID),
    ("uts", libc::CLONE_NEWUTS),
    ("ipc", libc::CLONE_NEWIPC),
    ("net", libc::CLONE_NEWNET),
    ("cgroup", libc::CLONE_NEWCGROUP),
];

/// Everything the forked child does, prepared before the fork.
struct Plan {
    args: Vec<CString>,
    env: Vec<CString>,
    path_var: Vec<u8>,
    command: String,
    cwd: CString,
    uid: u32,
    gid: u32,
    groups: Vec<libc::gid_t>,
    no_new_privs: bool,
    caps: Option<CapPlan>,
    umask: u32,
    /// The container's seccomp profile, compiled: an exec'd process is as
    /// confined as the container's own (podman/runc do the same).
    seccomp: Option<super::seccomp::SeccompPlan>,
}

/// Runs `process` in the container whose init is `pid` (started at
/// `pid_start`, to catch a reused pid), under `seccomp` (the container's
/// spec.linux.seccomp; None: unconfined); returns the exit code (0 at once
/// with `detach`). The process's stdio comes from the caller's streams `io`
/// (relayed through a pty with `-t`, through pipes where they are
/// terminals). Call it while single-threaded: joining a user namespace
/// requires it. The caller is left inside the container's namespaces.
pub fn exec(
    pid: i32,
    pid_start: Option<u64>,
    process: &Process,
    seccomp: Option<&LinuxSeccomp>,
    opts: &ExecOptions,
    io: &super::Stdio,
) -> Result<i32> {
    let mut plan = prepare(process)?;
    plan.seccomp = seccomp.map(super::seccomp::SeccompPlan::new).transpose()?;
    let not_running = || Error::State("can only create exec sessions on running containers: container state improper".into());
    let pidfd = match relay::pidfd_open(pid) {
        Ok(fd) => fd,
        Err(_) => return Err(not_running()),
    };
    // The pidfd pins the process now; check it is still the container's
    // init, and running (a zombie's namespaces are gone).
    if !crate::liveness::alive(pid, pid_start) {
        return Err(not_running());
    }
    let root = open(format!("/proc/{pid}/root").as_str(), OFlag::O_PATH | OFlag::O_DIRECTORY | OFlag::O_CLOEXEC, Mode::empty())
        .map_err(|e| Error::Runtime(format!("open the root of container process {pid}: {}", e.desc())))?;
    // Not dumpable before joining anything: the forked child below is a
    // copy of sangja inside the container's pid namespace until it execs, and
    // a dumpable one would hand the container our /proc/PID/exe, mem and fds
    // (CVE-2019-5736). The fork inherits it; the exec'd command is dumpable
    // again, as any program.
    set_dumpable(false)?;
    // Into the container's cgroups first (issue 6): the exec'd command is
    // limited and counted with the container; the fork below inherits it.
    super::cgroups::join_container_of(pid)?;
    let flags = differing_namespaces(pid)?;
    if flags != 0 {
        // SAFETY: setns on our pidfd with namespace flags.
        let r = unsafe { libc::setns(pidfd.as_raw_fd(), flags) };
        Errno::result(r).map_err(|e| Error::Runtime(format!("join the container's namespaces: {}", e.desc())))?;
    }
    // The root of the container's mount namespace is not necessarily the
    // container's root (it pivoted): take the one its init has.
    Errno::result(unsafe { libc::fchdir(root.as_raw_fd()) })
        .and_then(|_| nix::unistd::chroot("."))
        .map_err(|e| Error::Runtime(format!("enter the container's root: {}", e.desc())))?;
    drop(root);
    let pty = if opts.tty && !opts.detach { Some(open_pty(super::tty::user_window_size(io))?) } else { None };
    let null = if opts.detach {
        Some(
            open("/dev/null", OFlag::O_RDWR | OFlag::O_CLOEXEC, Mode::empty())
                .map_err(|e| Error::Runtime(format!("open /dev/null in the container: {}", e.desc())))?,
        )
    } else {
        None
    };
    // Without -t, in the foreground: the caller's stdio, a pipe in place of
    // each terminal (stdio.rs), and the signals we pass on blocked from
    // before the fork (the child clears its mask).
    let (guarded, signals) = if pty.is_none() && null.is_none() {
        let from = if opts.interactive { StdinFrom::Caller } else { StdinFrom::Null };
        (Some(stdio::guard(from, io)?), Some(Signals::new()?))
    } else {
        (None, None)
    };
    let child_stdio: Option<[RawFd; 3]> = match (&null, &guarded) {
        (Some(n), _) => Some([n.as_raw_fd(); 3]),
        (None, Some(g)) => Some([g.theirs[0].as_raw_fd(), g.theirs[1].as_raw_fd(), g.theirs[2].as_raw_fd()]),
        (None, None) => None,
    };
    let (report_rx, report_tx) = pipe2(OFlag::O_CLOEXEC).map_err(|e| Error::Runtime(format!("create the report pipe: {}", e.desc())))?;
    // SAFETY: single-threaded (see above); the child only makes system calls and execs.
    let child = match unsafe { fork() } {
        Ok(ForkResult::Child) => {
            let r = child(&plan, pty.as_ref().map(|p| &p.1), child_stdio, report_tx.as_raw_fd());
            let fail = match r {
                Err(f) => f,
                Ok(never) => match never {},
            };
            let msg = encode(&fail);
            // SAFETY: a write of our buffer, then leave without running the parent's code.
            unsafe {
                libc::write(report_tx.as_raw_fd(), msg.as_ptr().cast(), msg.len());
                libc::_exit(1)
            }
        }
        Ok(ForkResult::Parent { child }) => child.as_raw(),
        Err(e) => return Err(Error::Runtime(format!("fork the exec process: {}", e.desc()))),
    };
    drop(report_tx);
    // Only the process holds its ends now: its exit or close is our EOF.
    let relay = guarded.map(|Guarded { theirs, relay }| {
        drop(theirs);
        relay
    });
    let master = pty.map(|(m, slave)| {
        drop(slave);
        m
    });
    let report = super::child::read_report(&report_rx, "the exec")?;
    if !report.is_empty() {
        let _ = wait_child(child);
        return Err(decode(&report, &plan.command));
    }
    if opts.detach {
        // Its parent goes now: the host's init (or a subreaper) reaps it.
        return Ok(0);
    }
    let Some(master) = master else {
        let (Some(signals), Some(relay)) = (signals, relay) else {
            return Err(Error::Runtime("exec: no stdio for the process".into()));
        };
        return forward_and_wait(child, &signals, (None, None), relay);
    };
    let relayed = (|| {
        let _raw = if opts.interactive { RawMode::enter(io.stdin.as_raw_fd())? } else { None };
        let ropts = RelayOptions { stdin: opts.interactive, detach_keys: opts.detach_keys.clone() };
        relay::relay(master.as_fd(), child, &ropts, io)
    })();
    match relayed {
        // Detached from an exec session: it runs on, reaped by init once we are gone.
        Ok(RelayEnd::Detached) => Ok(0),
        Ok(RelayEnd::Exited(_)) => wait_child(child),
        Err(e) => {
            // SAFETY: kill with plain integers; our own child.
            unsafe { libc::kill(child, libc::SIGKILL) };
            let _ = wait_child(child);
            Err(e)
        }
    }
}

/// The namespaces of `pid` that differ from ours (joining one we are in
/// already would fail for the user namespace and is useless for the rest).
fn differing_namespaces(pid: i32) -> Result<libc::c_int> {
    let mut flags = 0;
    for (name, flag) in NAMESPACES {
        let theirs = std::fs::metadata(format!("/proc/{pid}/ns/{name}"));
        let ours = std::fs::metadata(format!("/proc/self/ns/{name}"));
        match (theirs, ours) {
            (Ok(t), Ok(o)) if t.ino() == o.ino() && t.dev() == o.dev() => {}
            (Ok(_), _) => flags |= flag,
            // A kernel without this namespace type: nothing to join.
            (Err(e), _) if e.kind() == std::io::ErrorKind::NotFound && name == "cgroup" => {}
            (Err(e), _) => return Err(Error::Runtime(format!("read the {name} namespace of container process {pid}: {e}"))),
        }
    }
    Ok(flags)
}

/// A pty of size `winsize` on the container's devpts (we are in its mount
/// namespace and root now).
fn open_pty(winsize: Option<libc::winsize>) -> Result<(OwnedFd, OwnedFd)> {
    let flags = OFlag::O_RDWR | OFlag::O_NOCTTY | OFlag::O_CLOEXEC;
    let master = open("/dev/pts/ptmx", flags, Mode::empty())
        .or_else(|_| open("/dev/ptmx", flags, Mode::empty()))
        .map_err(|e| Error::Runtime(format!("open a pty in the container (/dev/pts/ptmx): {}", e.desc())))?;
    let m = master.as_raw_fd();
    let unlock: libc::c_int = 0;
    // SAFETY: ioctls on our master with valid arguments.
    unsafe {
        Errno::result(libc::ioctl(m, libc::TIOCSPTLCK, &unlock)).map_err(|e| Error::Runtime(format!("unlock the pty: {}", e.desc())))?;
        if let Some(ws) = winsize {
            libc::ioctl(m, libc::TIOCSWINSZ, &ws);
        }
        let s = libc::ioctl(m, libc::TIOCGPTPEER, libc::O_RDWR | libc::O_NOCTTY | libc::O_CLOEXEC);
        let s = Errno::result(s).map_err(|e| Error::Runtime(format!("open the pty slave: {}", e.desc())))?;
        Ok((master, OwnedFd::from_raw_fd(s)))
    }
}

fn prepare(p: &Process) -> Result<Plan> {
    let cs = |s: &str, what: &str| CString::new(s).map_err(|_| Error::Invalid(format!("{what} {s:?} contains a NUL byte")));
    let args: Vec<String> = p.args().clone().unwrap_or_default();
    let command = args.first().cloned().ok_or_else(|| Error::Invalid("exec needs a command".into()))?;
    let env: Vec<String> = p.env().clone().unwrap_or_default();
    let path_var = super::plan::path_var(&env);
    Ok(Plan {
        args: args.iter().map(|a| cs(a, "argument")).collect::<Result<_>>()?,
        env: env.iter().map(|e| cs(e, "environment variable")).collect::<Result<_>>()?,
        path_var,
        command,
        cwd: cs(&p.cwd().to_string_lossy(), "working directory")?,
        uid: p.user().uid(),
        gid: p.user().gid(),
        groups: p.user().additional_gids().clone().unwrap_or_default(),
        no_new_privs: p.no_new_privileges().unwrap_or(false),
        caps: p.capabilities().as_ref().map(CapPlan::new).transpose()?,
        umask: p.user().umask().unwrap_or(0o022),
        seccomp: None,
    })
}

/// The forked child, inside the container: stdio (the pty `slave`, or
/// `stdio` as 0, 1, 2), user, cwd, exec.
fn child(plan: &Plan, slave: Option<&OwnedFd>, stdio: Option<[RawFd; 3]>, report: libc::c_int) -> CResult<std::convert::Infallible> {
    super::signals::reset_in_child()?;
    // Not the caller's session keyring (process.rs says why).
    super::process::join_new_session_keyring()?;
    // Out of our session and process group, whatever the options: in ours,
    // the user's terminal would be its /dev/tty, open to TIOCSTI (issue 14);
    // detached, the terminal going away (SIGHUP) or a ctrl-c meant for
    // sangja must not reach it. With -t it takes its pty as its terminal.
    nix::unistd::setsid().stage(|| "start a session for the process".to_string())?;
    let fds = match slave {
        Some(slave) => {
            // SAFETY: ioctl and fchown on our own descriptor.
            unsafe {
                Errno::result(libc::ioctl(slave.as_raw_fd(), libc::TIOCSCTTY, 0))
                    .stage(|| "make the pty the controlling terminal".to_string())?;
                libc::fchown(slave.as_raw_fd(), plan.uid, u32::MAX);
            }
            Some([slave.as_raw_fd(); 3])
        }
        None => stdio,
    };
    if let Some(fds) = fds {
        if let Err((fd, e)) = super::fds::install_stdio(fds) {
            return Err(e).stage(|| format!("set descriptor {fd}"));
        }
    }
    // As in the container's own start (process.rs): without no_new_privs
    // the filter needs CAP_SYS_ADMIN, which the capability sets may drop.
    if !plan.no_new_privs {
        if let Some(s) = &plan.seccomp {
            s.install()?;
        }
    }
    if let Some(c) = &plan.caps {
        c.before_user_change(plan.uid)?;
    }
    // SAFETY: plain id-setting system calls (a forked child: one thread).
    unsafe {
        let r = libc::setgroups(plan.groups.len(), plan.groups.as_ptr());
        if r != 0 && !(plan.groups.is_empty() && Errno::last() == Errno::EPERM) {
            return Err(Errno::last()).stage(|| format!("set the additional groups {:?}", plan.groups));
        }
        Errno::result(libc::setresgid(plan.gid, plan.gid, plan.gid)).stage(|| format!("set gid {}", plan.gid))?;
        Errno::result(libc::setresuid(plan.uid, plan.uid, plan.uid)).stage(|| format!("set uid {}", plan.uid))?;
    }
    if let Some(c) = &plan.caps {
        c.after_user_change(plan.uid)?;
    }
    // With none of our fds open (but the report's), and only to a
    // directory the container's root reaches (CVE-2024-21626, see process.rs).
    super::fds::close_for_exec(report);
    nix::unistd::chdir(plan.cwd.as_c_str()).stage(|| format!("chdir to the working directory {:?}", plan.cwd))?;
    super::process::check_cwd_inside_root(&plan.cwd)?;
    nix::sys::stat::umask(Mode::from_bits_truncate(plan.umask));
    if plan.no_new_privs {
        // SAFETY: prctl with integer arguments.
        Errno::result(unsafe { libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) }).stage(|| "set no_new_privileges".to_string())?;
        if let Some(s) = &plan.seccomp {
            s.install()?;
        }
    }
    super::process::execve_in_path(&plan.args, &plan.env, &plan.path_var, &plan.command)
}

/// PR_SET_DUMPABLE: a non-dumpable process's /proc/PID entries belong to
/// root and need CAP_SYS_PTRACE over its namespace to open (exe, mem, fd).
pub(super) fn set_dumpable(on: bool) -> Result<()> {
    // SAFETY: prctl with integer arguments.
    let r = unsafe { libc::prctl(libc::PR_SET_DUMPABLE, on as libc::c_ulong, 0, 0, 0) };
    Errno::result(r).map(drop).map_err(|e| Error::Runtime(format!("set the process non-dumpable: {}", e.desc())))
}
