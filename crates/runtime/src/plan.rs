//! Turns a Spec into a `Plan`: everything the child needs, validated,
//! parsed and allocated in the parent, so that invalid input fails before
//! any process exists and the child mostly just makes system calls.

use super::caps::CapPlan;
use super::mounts::{self, MountPlan};
use super::Rootfs;
use crate::error::{Error, Result};
use nix::fcntl::{open, OFlag};
use nix::mount::MsFlags;
use nix::sched::CloneFlags;
use nix::sys::stat::Mode;
use oci_spec::runtime::{LinuxNamespaceType, PosixRlimitType, Spec};
use std::ffi::CString;
use std::os::fd::OwnedFd;
use std::os::unix::ffi::OsStrExt;
use std::path::{Component, Path, PathBuf};

/// One rlimit to set: resource, soft, hard.
pub(super) type Rlimit = (libc::__rlimit_resource_t, u64, u64);

/// A FUSE overlay rootfs: its layers, and the socket to its server
/// (set by spawn_plan, which forks the server).
pub(super) struct FusePlan {
    pub layers: sangja_fuse::FuseLayers,
    pub sock: Option<OwnedFd>,
}

/// Everything the child does, in order.
pub(super) struct Plan {
    /// A new pid namespace, made by the clone: the command is its pid 1.
    pub new_pid_ns: bool,
    /// A user namespace to join first (its path opened in the parent).
    pub user_ns: Option<OwnedFd>,
    /// The container's own user namespace (--userns, --uidmap), joined once
    /// the filesystem is ready (runtime/userns.rs says why).
    pub own_userns: Option<super::userns::UsernsPlan>,
    /// Other namespaces to join, already opened.
    pub join: Vec<(OwnedFd, CloneFlags)>,
    /// Namespaces to create with unshare in the child.
    pub unshare: CloneFlags,
    /// Propagation of / in the new mount namespace.
    pub propagation: MsFlags,
    /// spec.root.path, absolute.
    pub rootfs: PathBuf,
    /// The overlay mount data, when the rootfs is an overlay.
    pub overlay_data: Option<CString>,
    /// The FUSE overlay to mount as the rootfs.
    pub fuse: Option<FusePlan>,
    pub root_readonly: bool,
    pub mounts: Vec<MountPlan>,
    /// A tmpfs is mounted at /dev: fill it with the usual nodes and links.
    pub populate_dev: bool,
    pub hostname: Option<CString>,
    pub domainname: Option<CString>,
    pub masked: Vec<CString>,
    pub readonly: Vec<CString>,
    pub rlimits: Vec<Rlimit>,
    pub no_new_privs: bool,
    pub uid: u32,
    pub gid: u32,
    pub groups: Vec<libc::gid_t>,
    /// /proc/self/setgroups says "deny": setgroups would fail.
    pub setgroups_denied: bool,
    pub umask: u32,
    /// Absolute, inside the container.
    pub cwd: CString,
    /// The container's id when a missing cwd is an error (`-w` outside
    /// every mount, WORKDIR_CHECK_ANNOTATION) rather than created.
    pub cwd_check: Option<String>,
    pub caps: Option<CapPlan>,
    /// args[0] as the user gave it, for error messages.
    pub command: String,
    pub args: Vec<CString>,
    pub env: Vec<CString>,
    /// The container's PATH, for our own lookup of a bare command name.
    pub path_var: Vec<u8>,
    /// A pty to open in the container (spec.process.terminal); set by
    /// `tty::spawn_terminal`, which holds the other end of its socket.
    pub terminal: Option<super::tty::TtyPlan>,
    /// The container's 0, 1 and 2 (the caller's `Stdio`), made so by the
    /// child before anything else; a terminal replaces them afterwards.
    pub stdio: Option<[std::os::fd::RawFd; 3]>,
    /// spec.linux.seccomp, compiled.
    pub seccomp: Option<super::seccomp::SeccompPlan>,
    /// The container's cgroups, made and limited; the child joins them first.
    pub cgroup: Option<super::cgroups::CgroupPlan>,
    /// spec.linux.sysctl: /proc/sys paths (relative) and values, written once /proc is mounted.
    pub sysctls: Vec<(CString, Vec<u8>)>,
    /// spec.process.oomScoreAdj.
    pub oom_score_adj: Option<i32>,
    /// spec.linux.personality, as personality(2) takes it.
    pub personality: Option<libc::c_ulong>,
    /// crun's run.oci.keep_original_groups: no setgroups, the caller's groups stay.
    pub keep_groups: bool,
}

impl Plan {
    /// Validates the spec and prepares the plan; no process is created yet.
    /// What is worth telling on the way (a layer copy) goes to `notes`.
    pub fn new(spec: &Spec, rootfs: &Rootfs, notes: &mut dyn FnMut(super::Notice)) -> Result<Plan> {
        let process = spec.process().as_ref().ok_or_else(|| invalid("the spec has no process"))?;
        let args: Vec<String> = process.args().clone().unwrap_or_default();
        let command = args.first().cloned().ok_or_else(|| invalid("the spec's process has no args"))?;
        let env: Vec<String> = process.env().clone().unwrap_or_default();
        let path_var = path_var(&env);

        let root = spec.root().as_ref().ok_or_else(|| invalid("the spec has no root"))?;
        let rootfs_path = root.path().clone();
        if !rootfs_path.is_absolute() {
            return Err(invalid(&format!("root.path {} is not absolute", rootfs_path.display())));
        }
        // A user namespace of its own: the layers as its mapping needs them.
        let userns = super::userns::prepare(spec, rootfs, notes)?;
        let rootfs = userns.as_ref().map_or(rootfs, |u| &u.rootfs);
        let fuse = match rootfs {
            Rootfs::Fuse { lower, upper, userxattr } => {
                if !rootfs_path.is_dir() {
                    std::fs::create_dir_all(&rootfs_path)
                        .map_err(|e| Error::Runtime(format!("create the rootfs mount point {}: {e}", rootfs_path.display())))?;
                }
                let layers = sangja_fuse::FuseLayers { lower: lower.clone(), upper: upper.clone(), userxattr: *userxattr };
                Some(FusePlan { layers, sock: None })
            }
            _ => None,
        };
        let overlay_data = match rootfs {
            Rootfs::Directory | Rootfs::Fuse { .. } => None,
            Rootfs::Overlay { lower, upper, work, userxattr } => {
                if !rootfs_path.is_dir() {
                    std::fs::create_dir_all(&rootfs_path)
                        .map_err(|e| Error::Runtime(format!("create the rootfs mount point {}: {e}", rootfs_path.display())))?;
                }
                let data = sangja_core::overlay::mount_options(lower, upper, work, *userxattr)?;
                // The kernel copies at most one page of mount data and cuts the rest.
                if data.len() >= 4096 {
                    return Err(Error::Runtime(format!(
                        "overlay mount options are {} bytes, more than the kernel's 4095: too many or too long layer paths",
                        data.len()
                    )));
                }
                Some(cstring(&data, "overlay mount options")?)
            }
        };

        let linux = spec.linux().as_ref();
        let mut new_pid_ns = false;
        let mut user_ns = None;
        let mut join = Vec::new();
        let mut unshare = CloneFlags::empty();
        let mut has_uts = false;
        for ns in linux.and_then(|l| l.namespaces().as_ref()).into_iter().flatten() {
            let flag = clone_flag(ns.typ());
            has_uts |= ns.typ() == LinuxNamespaceType::Uts;
            match (ns.typ(), ns.path()) {
                // Made by userns::prepare above.
                (LinuxNamespaceType::User, None) => {}
                (LinuxNamespaceType::User, Some(p)) => user_ns = Some(open_ns(p, "user")?),
                (LinuxNamespaceType::Pid, None) => new_pid_ns = true,
                // setns only moves our later children, and a rootless caller
                // could not come back to its own pid namespace: needs a
                // second clone, which `exec` will bring.
                (LinuxNamespaceType::Pid, Some(_)) => {
                    return Err(Error::Runtime("joining an existing pid namespace is not supported yet".into()))
                }
                (t, Some(p)) => join.push((open_ns(p, &t.to_string())?, flag)),
                (_, None) => unshare |= flag,
            }
        }
        // Without a mount namespace of its own the container would mount over the host.
        if !unshare.contains(CloneFlags::CLONE_NEWNS) && !join.iter().any(|(_, f)| *f == CloneFlags::CLONE_NEWNS) {
            return Err(invalid("the spec has no mount namespace; sangja needs one to set up the rootfs"));
        }
        if (spec.hostname().is_some() || spec.domainname().is_some()) && !has_uts {
            return Err(invalid("the spec sets a hostname but has no UTS namespace"));
        }

        let propagation = match linux.and_then(|l| l.rootfs_propagation().as_deref()) {
            None | Some("") => MsFlags::MS_REC | MsFlags::MS_PRIVATE,
            Some(p) => mounts::propagation_flag(p).ok_or_else(|| invalid(&format!("unknown rootfsPropagation {p:?}")))?,
        };

        // Before the mounts: they may bind the container's cgroup folders. An
        // error from here on drops the plan, which removes the folders again.
        let cgroup = super::cgroups::CgroupPlan::new(spec, fuse.is_some(), notes)?;
        let gid_map = std::fs::read_to_string("/proc/self/gid_map").unwrap_or_default();
        let mut mount_plans = Vec::new();
        let mut populate_dev = false;
        // Without an enforced allowlist (rootless, or --cgroups=disabled), a
        // node made in /dev must not act as a device: the nodes bound there
        // are mounts of their own and keep working on a nodev /dev.
        let devices_enforced =
            cgroup.as_ref().is_some_and(|c| c.devices) || super::cgroups_devices::allows_all(&super::cgroups_devices::rules(spec)?);
        for m in spec.mounts().as_ref().into_iter().flatten() {
            let mut plan = mounts::plan_mount(m, &gid_map)?;
            if plan.dest.as_os_str() == "dev" && plan.is_tmpfs() {
                populate_dev = true;
                if !devices_enforced {
                    plan.flags |= MsFlags::MS_NODEV;
                }
            }
            mount_plans.push(plan);
        }

        let masked = paths(linux.and_then(|l| l.masked_paths().as_ref()), "masked path")?;
        let readonly = paths(linux.and_then(|l| l.readonly_paths().as_ref()), "readonly path")?;

        let mut rlimits = Vec::new();
        for r in process.rlimits().as_ref().into_iter().flatten() {
            rlimits.push((rlimit_resource(r.typ()), r.soft(), r.hard()));
        }

        let user = process.user();
        let cwd = process.cwd();
        if !cwd.is_absolute() {
            return Err(invalid(&format!("the working directory {} is not absolute", cwd.display())));
        }
        // podman does not check a -w folder on (or under) a mount: the mount makes it.
        let on_mount = spec.mounts().as_ref().into_iter().flatten().any(|m| cwd.starts_with(m.destination()));
        let cwd_check = spec.annotations().as_ref().and_then(|a| a.get(super::WORKDIR_CHECK_ANNOTATION)).filter(|_| !on_mount).cloned();
        let setgroups_denied = std::fs::read_to_string("/proc/self/setgroups").map(|s| s.trim() == "deny").unwrap_or(false);

        Ok(Plan {
            new_pid_ns,
            user_ns,
            own_userns: userns,
            join,
            unshare,
            propagation,
            rootfs: rootfs_path,
            overlay_data,
            fuse,
            root_readonly: root.readonly().unwrap_or(false),
            mounts: mount_plans,
            populate_dev,
            hostname: spec.hostname().as_deref().map(|h| cstring(h, "hostname")).transpose()?,
            domainname: spec.domainname().as_deref().map(|h| cstring(h, "domainname")).transpose()?,
            masked,
            readonly,
            rlimits,
            no_new_privs: process.no_new_privileges().unwrap_or(false),
            uid: user.uid(),
            gid: user.gid(),
            groups: user.additional_gids().clone().unwrap_or_default(),
            setgroups_denied,
            umask: user.umask().unwrap_or(0o022),
            cwd: cstring(&cwd.to_string_lossy(), "cwd")?,
            cwd_check,
            caps: process.capabilities().as_ref().map(CapPlan::new).transpose()?,
            command,
            args: args.iter().map(|a| cstring(a, "argument")).collect::<Result<_>>()?,
            env: env.iter().map(|e| cstring(e, "environment variable")).collect::<Result<_>>()?,
            path_var,
            terminal: None,
            stdio: None,
            seccomp: linux.and_then(|l| l.seccomp().as_ref()).map(super::seccomp::SeccompPlan::new).transpose()?,
            cgroup,
            sysctls: sysctls(linux.and_then(|l| l.sysctl().as_ref()))?,
            oom_score_adj: process.oom_score_adj(),
            personality: linux.and_then(|l| l.personality().as_ref()).map(|p| match p.domain() {
                oci_spec::runtime::LinuxPersonalityDomain::PerLinux => 0,
                oci_spec::runtime::LinuxPersonalityDomain::PerLinux32 => 0x0008,
            }),
            keep_groups: spec.annotations().as_ref().and_then(|a| a.get("run.oci.keep_original_groups")).is_some_and(|v| v == "1"),
        })
    }
}

/// The sysctls as /proc/sys paths: `net.ipv4.ip_forward` is net/ipv4/ip_forward.
fn sysctls(map: Option<&std::collections::HashMap<String, String>>) -> Result<Vec<(CString, Vec<u8>)>> {
    let mut out = Vec::new();
    for (k, v) in map.into_iter().flatten() {
        if k.is_empty() || k.split(['.', '/']).any(|c| c.is_empty() || c == "..") {
            return Err(invalid(&format!("sysctl {k:?} is not a sysctl name")));
        }
        out.push((cstring(&format!("/proc/sys/{}", k.replace('.', "/")), "sysctl")?, v.as_bytes().to_vec()));
    }
    out.sort();
    Ok(out)
}

fn invalid(what: &str) -> Error {
    Error::Runtime(format!("invalid spec: {what}"))
}

fn cstring(s: &str, what: &str) -> Result<CString> {
    CString::new(s).map_err(|_| invalid(&format!("{what} {s:?} contains a NUL byte")))
}

fn open_ns(path: &Path, kind: &str) -> Result<OwnedFd> {
    open(path, OFlag::O_RDONLY | OFlag::O_CLOEXEC, Mode::empty())
        .map_err(|e| Error::Runtime(format!("open {kind} namespace {}: {}", path.display(), e.desc())))
}

fn clone_flag(t: LinuxNamespaceType) -> CloneFlags {
    match t {
        LinuxNamespaceType::Mount => CloneFlags::CLONE_NEWNS,
        LinuxNamespaceType::Cgroup => CloneFlags::CLONE_NEWCGROUP,
        LinuxNamespaceType::Uts => CloneFlags::CLONE_NEWUTS,
        LinuxNamespaceType::Ipc => CloneFlags::CLONE_NEWIPC,
        LinuxNamespaceType::User => CloneFlags::CLONE_NEWUSER,
        LinuxNamespaceType::Pid => CloneFlags::CLONE_NEWPID,
        LinuxNamespaceType::Network => CloneFlags::CLONE_NEWNET,
        // CLONE_NEWTIME has no CloneFlags constant in nix.
        LinuxNamespaceType::Time => CloneFlags::from_bits_retain(libc::CLONE_NEWTIME),
    }
}

/// Absolute container paths, lexically normalised (no `..` escapes).
fn paths(list: Option<&Vec<String>>, what: &str) -> Result<Vec<CString>> {
    let mut out = Vec::new();
    for p in list.into_iter().flatten() {
        if !p.starts_with('/') {
            return Err(invalid(&format!("{what} {p:?} is not absolute")));
        }
        let rel = normalize(Path::new(p));
        let mut abs = b"/".to_vec();
        abs.extend_from_slice(rel.as_os_str().as_bytes());
        out.push(CString::new(abs).map_err(|_| invalid(&format!("{what} {p:?} contains a NUL byte")))?);
    }
    Ok(out)
}

/// The path relative to the container's root, `..` clamped at the root
/// as the kernel does it for `/`.
pub(super) fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::Normal(n) => out.push(n),
            Component::ParentDir => {
                out.pop();
            }
            Component::RootDir | Component::CurDir | Component::Prefix(_) => {}
        }
    }
    out
}

fn rlimit_resource(t: PosixRlimitType) -> libc::__rlimit_resource_t {
    match t {
        PosixRlimitType::RlimitCpu => libc::RLIMIT_CPU,
        PosixRlimitType::RlimitFsize => libc::RLIMIT_FSIZE,
        PosixRlimitType::RlimitData => libc::RLIMIT_DATA,
        PosixRlimitType::RlimitStack => libc::RLIMIT_STACK,
        PosixRlimitType::RlimitCore => libc::RLIMIT_CORE,
        PosixRlimitType::RlimitRss => libc::RLIMIT_RSS,
        PosixRlimitType::RlimitNproc => libc::RLIMIT_NPROC,
        PosixRlimitType::RlimitNofile => libc::RLIMIT_NOFILE,
        PosixRlimitType::RlimitMemlock => libc::RLIMIT_MEMLOCK,
        PosixRlimitType::RlimitAs => libc::RLIMIT_AS,
        PosixRlimitType::RlimitLocks => libc::RLIMIT_LOCKS,
        PosixRlimitType::RlimitSigpending => libc::RLIMIT_SIGPENDING,
        PosixRlimitType::RlimitMsgqueue => libc::RLIMIT_MSGQUEUE,
        PosixRlimitType::RlimitNice => libc::RLIMIT_NICE,
        PosixRlimitType::RlimitRtprio => libc::RLIMIT_RTPRIO,
        PosixRlimitType::RlimitRttime => libc::RLIMIT_RTTIME,
    }
}

/// The container's PATH (the last PATH= of its environment), where its
/// command is looked up; podman's default when the environment has none.
pub(super) fn path_var(env: &[String]) -> Vec<u8> {
    env.iter()
        .rev()
        .find_map(|e| e.strip_prefix("PATH="))
        .unwrap_or("/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
        .as_bytes()
        .to_vec()
}
