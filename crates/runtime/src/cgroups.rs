//! cgroups of a container: made and limited by the parent before the clone,
//! joined by the child (it writes its own pid into each cgroup.procs before
//! anything else, so that everything it starts is counted), removed by
//! whoever sees the container exit (`remove`).
//!
//! cgroup v1 (root; hybrid hosts like the one we test on): one folder per
//! controller, /sys/fs/cgroup/<ctrl>/<cgroupsPath>. Only folders we create
//! are ever written or removed.
//!
//! Rootless there is nothing we may write: the v1 hierarchies belong to the
//! host's root, and a v2 subtree is usable only when it was delegated to the
//! user with the controllers (systemd's Delegate=yes). `available` says which;
//! a limit asked for where none is usable is refused by the spec builder, never
//! silently dropped.

use super::child::{CResult, Stage};
use crate::error::{Error, Result};
use nix::fcntl::{open, OFlag};
use nix::sys::stat::Mode;
use nix::unistd::{access, AccessFlags};
use oci_spec::runtime::{LinuxResources, Spec};
use std::os::fd::{AsRawFd, OwnedFd};
use std::path::{Path, PathBuf};

const ROOT: &str = "/sys/fs/cgroup";

/// The v1 controllers sangja uses; cpuset only when asked (it must be filled
/// before a task can join). devices holds the device allowlist
/// (cgroups_devices.rs): every container as root gets it, limits or not.
const V1_CONTROLLERS: [&str; 5] = ["memory", "pids", "cpu", "cpuacct", "devices"];

/// What this process can use for container limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Availability {
    /// cgroup v1 hierarchies we may write (root).
    V1,
    /// A cgroup v2 subtree delegated to us (rootless; cgroups_v2.rs).
    V2,
    /// Nothing writable: run without a cgroup of our own.
    None,
}

/// Why limits are unavailable, with what to enable: for error messages.
pub const UNAVAILABLE_HINT: &str = "cgroup controllers are not delegated to this user: \
on a cgroup v2 host enable them with `loginctl enable-linger $USER` and `Delegate=memory pids cpu cpuset` \
in a drop-in for user@.service (systemctl edit user@.service), or run as root; \
this host has cgroup v1 controllers, which only root can use";

/// Which cgroup setup sangja can use here.
pub fn available() -> Availability {
    let memory = Path::new(ROOT).join("memory");
    if memory.join("tasks").exists() && access(&memory, AccessFlags::W_OK).is_ok() {
        return Availability::V1;
    }
    if super::cgroups_v2::delegation().is_some() {
        return Availability::V2;
    }
    Availability::None
}

/// Rootless, where nothing here is writable: asks the systemd user manager
/// for a delegated scope for container `id` (systemd_scope.rs), which moves
/// this process there so that `available` finds it. A D-Bus round trip, so
/// called only where cgroups are wanted; without a bus, or refused, things
/// stay as they were (limits are then refused with UNAVAILABLE_HINT).
/// What happened goes to `notes` as debug detail.
pub fn delegate_from_systemd(id: &str, notes: &mut dyn FnMut(super::Notice)) {
    if crate::paths::host_uid() == 0 || available() != Availability::None {
        return;
    }
    let started = std::time::Instant::now();
    let note = match super::systemd_scope::enter(id) {
        Ok(Some(how)) => format!(
            "cgroups: in the systemd user scope {} ({how}, {:?})",
            std::fs::read_to_string("/proc/self/cgroup")
                .unwrap_or_default()
                .lines()
                .find_map(|l| l.strip_prefix("0::"))
                .unwrap_or_default(),
            started.elapsed()
        ),
        Ok(None) => "cgroups: no systemd user bus to ask for a delegated scope".to_string(),
        Err(e) => format!("cgroups: {e}"),
    };
    notes(super::Notice::Debug(note));
}

/// The controllers usable for limits here; None without any cgroup.
pub fn controllers() -> Option<Vec<String>> {
    match available() {
        Availability::V1 => {
            let mut list: Vec<String> = ["memory", "pids", "cpu", "cpuset"].iter().map(|c| c.to_string()).collect();
            // blkio under v2's name for the I/O controller.
            if Path::new(ROOT).join("blkio").is_dir() {
                list.push("io".into());
            }
            Some(list)
        }
        Availability::V2 => super::cgroups_v2::delegation().map(|d| d.controllers),
        Availability::None => None,
    }
}

/// Where the container's cgroup folders are bound inside it: (destination, host folder).
pub fn container_mounts(cgroups_path: &str, with_cpuset: bool) -> Vec<(String, PathBuf)> {
    if available() == Availability::V2 {
        let Some(d) = super::cgroups_v2::delegation() else { return Vec::new() };
        return vec![("/sys/fs/cgroup/unified".to_string(), d.dir(cgroups_path))];
    }
    dirs(cgroups_path, with_cpuset).into_iter().map(|(c, d)| (format!("/sys/fs/cgroup/{c}"), d)).collect()
}

/// The calling process's own cgroup as systemd placed it: the
/// name=systemd hierarchy's path on a v1/hybrid host, else the v2 path.
/// With Delegate=yes a unit has this same path in every controller.
pub fn own_path() -> Option<String> {
    let text = std::fs::read_to_string("/proc/self/cgroup").ok()?;
    let find = |prefix: &str| text.lines().find_map(|l| l.split_once(prefix).map(|(_, p)| p.to_string()));
    find(":name=systemd:").or_else(|| find("0::")).filter(|p| p.starts_with('/'))
}

/// The controller folders of a cgroupsPath: (controller, host folder).
pub fn dirs(cgroups_path: &str, with_cpuset: bool) -> Vec<(&'static str, PathBuf)> {
    let rel = cgroups_path.trim_start_matches('/');
    let mut list: Vec<&'static str> = V1_CONTROLLERS.to_vec();
    if with_cpuset {
        list.push("cpuset");
    }
    list.into_iter().map(|c| (c, Path::new(ROOT).join(c))).filter(|(_, base)| base.is_dir()).map(|(c, base)| (c, base.join(rel))).collect()
}

/// The container's cgroups, made and limited; the child joins them.
#[derive(Debug)]
pub(super) struct CgroupPlan {
    /// cgroup.procs of each folder, opened here: the child cannot reach
    /// /sys/fs/cgroup after it pivots.
    procs: Vec<OwnedFd>,
    /// The folders made, innermost last.
    dirs: Vec<PathBuf>,
    /// The device allowlist is enforced (v1 devices controller or a BPF
    /// program); without it the runtime keeps devices off /dev (plan.rs).
    pub devices: bool,
}

impl Drop for CgroupPlan {
    /// Removes the folders if no process joined them: the container failed
    /// to start (or the plan was never used). A running container keeps them
    /// (rmdir fails with EBUSY) until `remove` after it exits.
    fn drop(&mut self) {
        for d in &self.dirs {
            let _ = std::fs::remove_dir(d);
        }
    }
}

fn write(dir: &Path, file: &str, value: &str) -> Result<()> {
    let path = dir.join(file);
    std::fs::write(&path, value).map_err(|e| Error::Runtime(format!("set {} to {value}: {e}", path.display())))
}

/// mkdir -p, giving each new cpuset folder its parent's cpus and mems (v1
/// starts them empty and refuses tasks then).
fn make(dir: &Path, cpuset: bool) -> Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    if let Some(parent) = dir.parent() {
        make(parent, cpuset)?;
    }
    match std::fs::create_dir(dir) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
        Err(e) => return Err(Error::Runtime(format!("create the cgroup {}: {e}", dir.display()))),
    }
    if cpuset {
        if let Some(parent) = dir.parent() {
            for f in ["cpuset.cpus", "cpuset.mems"] {
                let v = std::fs::read_to_string(parent.join(f)).unwrap_or_default();
                if !v.trim().is_empty() {
                    write(dir, f, v.trim())?;
                }
            }
        }
    }
    Ok(())
}

impl CgroupPlan {
    /// Creates the container's cgroups and writes its limits and device
    /// allowlist; None when the spec has no cgroupsPath. `fuse_rootfs`: the
    /// child mounts a FUSE rootfs after it has joined, so /dev/fuse is allowed.
    /// Debug detail (a systemd scope asked for) goes to `notes`.
    pub fn new(spec: &Spec, fuse_rootfs: bool, notes: &mut dyn FnMut(super::Notice)) -> Result<Option<CgroupPlan>> {
        let Some(linux) = spec.linux().as_ref() else { return Ok(None) };
        let Some(path) = linux.cgroups_path().as_ref() else { return Ok(None) };
        let path = path.to_string_lossy().to_string();
        if path.split('/').any(|c| c == "..") {
            return Err(Error::Runtime(format!("invalid spec: cgroupsPath {path:?} contains ..")));
        }
        let empty = LinuxResources::default();
        let res = linux.resources().as_ref().unwrap_or(&empty);
        let mut device_rules = super::cgroups_devices::rules(spec)?;
        if fuse_rootfs {
            device_rules.push(super::cgroups_devices::FUSE);
        }
        // A spec made in a systemd scope (`create`, then `start` here): the same scope again.
        delegate_from_systemd(path.rsplit('/').next().unwrap_or_default(), notes);
        if available() == Availability::V2 {
            if let Some(d) = super::cgroups_v2::delegation() {
                let (dir, mut made) = d.make(&path, res)?;
                // Innermost first, for the removal in drop.
                made.reverse();
                let mut plan = CgroupPlan { procs: Vec::new(), dirs: made, devices: false };
                plan.devices = attach_device_program(&dir, &device_rules)?;
                let p = dir.join("cgroup.procs");
                let fd = open(&p, OFlag::O_WRONLY | OFlag::O_CLOEXEC, Mode::empty())
                    .map_err(|e| Error::Runtime(format!("open {}: {}", p.display(), e.desc())))?;
                plan.procs.push(fd);
                return Ok(Some(plan));
            }
        }
        if available() != Availability::V1 {
            if has_limits(res) {
                return Err(Error::Runtime(format!("cannot set resource limits: {UNAVAILABLE_HINT}")));
            }
            return Ok(None);
        }
        let cpuset = res.cpu().as_ref().is_some_and(|c| c.cpus().is_some() || c.mems().is_some());
        let mut procs = Vec::new();
        let mut made = dirs(&path, cpuset);
        // blkio only when asked (--blkio-weight, --device-*-bps/iops).
        if res.block_io().is_some() {
            let base = Path::new(ROOT).join("blkio");
            if !base.is_dir() {
                return Err(Error::Runtime("the blkio cgroup controller is not mounted at /sys/fs/cgroup/blkio".into()));
            }
            made.push(("blkio", base.join(path.trim_start_matches('/'))));
        }
        let result = (|| {
            for (ctrl, dir) in &made {
                make(dir, *ctrl == "cpuset")?;
                limit(ctrl, dir, res)?;
                if *ctrl == "devices" {
                    for (file, line) in super::cgroups_devices::v1_lines(&device_rules) {
                        write(dir, file, &line)?;
                    }
                }
                let p = dir.join("cgroup.procs");
                let fd = open(&p, OFlag::O_WRONLY | OFlag::O_CLOEXEC, Mode::empty())
                    .map_err(|e| Error::Runtime(format!("open {}: {}", p.display(), e.desc())))?;
                procs.push(fd);
            }
            Ok(())
        })();
        if let Err(e) = result {
            remove_path(&path);
            return Err(e);
        }
        let devices = made.iter().any(|(c, _)| *c == "devices");
        Ok(Some(CgroupPlan { procs, dirs: made.into_iter().map(|(_, d)| d).collect(), devices }))
    }

    /// Child side, first thing: moves the child into its cgroups.
    pub fn enter(&self) -> CResult<()> {
        for fd in &self.procs {
            // SAFETY: a write of a static buffer to our own descriptor.
            let r = unsafe { libc::write(fd.as_raw_fd(), b"0".as_ptr().cast(), 1) };
            nix::errno::Errno::result(r).stage(|| "join the container's cgroup".to_string())?;
        }
        Ok(())
    }
}

/// On a host whose v2 hierarchy is the unified one (no v1 devices
/// controller), as root: the allowlist as a BPF program on the container's
/// cgroup `dir`. Rootless the kernel refuses BPF and needs none: a user
/// namespace may not mknod, and its mounts never honour device nodes.
/// Returns whether the allowlist is enforced.
fn attach_device_program(dir: &Path, rules: &[super::cgroups_devices::Rule]) -> Result<bool> {
    if crate::paths::host_uid() != 0 || Path::new(ROOT).join("devices").join("devices.list").exists() {
        return Ok(false);
    }
    if super::cgroups_devices::allows_all(rules) {
        return Ok(true);
    }
    let cg = open(dir, OFlag::O_RDONLY | OFlag::O_DIRECTORY | OFlag::O_CLOEXEC, Mode::empty())
        .map_err(|e| Error::Runtime(format!("open {}: {}", dir.display(), e.desc())))?;
    let prog = super::cgroups_devices::load(&super::cgroups_devices::program(rules))?;
    super::cgroups_devices::attach(&prog, &cg)?;
    Ok(true)
}

/// True when the resources ask for any limit a cgroup must enforce.
pub fn has_limits(r: &LinuxResources) -> bool {
    let mem = r.memory().as_ref().is_some_and(|m| m.limit().is_some() || m.swap().is_some() || m.reservation().is_some());
    let cpu = r.cpu().as_ref().is_some_and(|c| c.shares().is_some() || c.quota().is_some() || c.cpus().is_some() || c.mems().is_some());
    let pids = r.pids().as_ref().is_some_and(|p| p.limit() > 0);
    let more = r.memory().as_ref().is_some_and(|m| m.swappiness().is_some())
        || r.cpu().as_ref().is_some_and(|c| c.period().is_some() || c.realtime_period().is_some() || c.realtime_runtime().is_some())
        || r.block_io().is_some();
    mem || cpu || pids || more
}

fn limit(ctrl: &str, dir: &Path, r: &LinuxResources) -> Result<()> {
    match ctrl {
        "memory" => {
            if let Some(m) = r.memory() {
                if let Some(l) = m.limit() {
                    write(dir, "memory.limit_in_bytes", &l.to_string())?;
                }
                if let Some(s) = m.swap() {
                    if dir.join("memory.memsw.limit_in_bytes").exists() {
                        write(dir, "memory.memsw.limit_in_bytes", &s.to_string())?;
                    } else if s != m.limit().unwrap_or(-1) {
                        return Err(Error::Runtime(
                            "--memory-swap: this kernel has no swap accounting (memory.memsw.*): \
                             boot with swapaccount=1 or leave --memory-swap out"
                                .into(),
                        ));
                    }
                }
                if let Some(s) = m.reservation() {
                    write(dir, "memory.soft_limit_in_bytes", &s.to_string())?;
                }
                if let Some(s) = m.swappiness() {
                    write(dir, "memory.swappiness", &s.to_string())?;
                }
            }
        }
        "pids" => {
            if let Some(p) = r.pids().as_ref().filter(|p| p.limit() > 0) {
                write(dir, "pids.max", &p.limit().to_string())?;
            }
        }
        "cpu" => {
            if let Some(c) = r.cpu() {
                if let Some(s) = c.shares() {
                    write(dir, "cpu.shares", &s.to_string())?;
                }
                if let Some(p) = c.period() {
                    write(dir, "cpu.cfs_period_us", &p.to_string())?;
                }
                if let Some(q) = c.quota() {
                    write(dir, "cpu.cfs_quota_us", &q.to_string())?;
                }
                if (c.realtime_period().is_some() || c.realtime_runtime().is_some()) && !dir.join("cpu.rt_runtime_us").exists() {
                    return Err(Error::Runtime("--cpu-rt-*: this kernel has no realtime group scheduling (CONFIG_RT_GROUP_SCHED)".into()));
                }
                if let Some(p) = c.realtime_period() {
                    write(dir, "cpu.rt_period_us", &p.to_string())?;
                }
                if let Some(r) = c.realtime_runtime() {
                    write(dir, "cpu.rt_runtime_us", &r.to_string()).map_err(|e| {
                        Error::Runtime(format!(
                            "{e}: --cpu-rt-runtime must fit in the parent cgroup's realtime budget (its cpu.rt_runtime_us); give it one first"
                        ))
                    })?;
                }
            }
        }
        "blkio" => {
            if let Some(io) = r.block_io() {
                let weighted = io.weight().is_some() || io.weight_device().as_ref().is_some_and(|l| !l.is_empty());
                if weighted {
                    let file = ["blkio.weight", "blkio.bfq.weight"].into_iter().find(|f| dir.join(f).exists()).ok_or_else(|| {
                        Error::Runtime(
                            "--blkio-weight: this kernel's I/O scheduler has no weights (no blkio.weight or blkio.bfq.weight)".into(),
                        )
                    })?;
                    if let Some(w) = io.weight() {
                        write(dir, file, &w.to_string())?;
                    }
                    for d in io.weight_device().iter().flatten() {
                        if let Some(w) = d.weight() {
                            write(dir, &format!("{file}_device"), &format!("{}:{} {w}", d.major(), d.minor()))?;
                        }
                    }
                }
                throttles(dir, io)?;
            }
        }
        "cpuset" => {
            if let Some(c) = r.cpu() {
                if let Some(m) = c.mems() {
                    write(dir, "cpuset.mems", m)?;
                }
                if let Some(cpus) = c.cpus() {
                    write(dir, "cpuset.cpus", cpus)?;
                }
            }
        }
        _ => {}
    }
    Ok(())
}

/// `update`: writes new limits into a running container's cgroups (the
/// delegated v2 folder, or each v1 controller's folder that exists).
pub fn update(cgroups_path: &str, res: &LinuxResources) -> Result<()> {
    if cgroups_path.split('/').any(|c| c == "..") {
        return Err(Error::Runtime(format!("invalid cgroupsPath {cgroups_path:?}")));
    }
    if available() == Availability::V2 {
        if let Some(d) = super::cgroups_v2::delegation() {
            return d.update(cgroups_path, res);
        }
    }
    if available() != Availability::V1 {
        return Err(Error::Runtime(format!("cannot set resource limits: {UNAVAILABLE_HINT}")));
    }
    let cpuset = res.cpu().as_ref().is_some_and(|c| c.cpus().is_some() || c.mems().is_some());
    let mut any = false;
    for (ctrl, dir) in dirs(cgroups_path, cpuset) {
        if !dir.is_dir() {
            continue;
        }
        any = true;
        if let Err(e) = limit(ctrl, &dir, res) {
            // Raising memory above the old memory+swap: memsw first, then again.
            match res.memory().as_ref().and_then(|m| m.swap()) {
                Some(s) if ctrl == "memory" && dir.join("memory.memsw.limit_in_bytes").exists() => {
                    write(&dir, "memory.memsw.limit_in_bytes", &s.to_string())?;
                    limit(ctrl, &dir, res)?;
                }
                _ => return Err(e),
            }
        }
    }
    if !any {
        return Err(Error::Runtime(format!("the container has no cgroup under {cgroups_path} to update: {UNAVAILABLE_HINT}")));
    }
    Ok(())
}

/// Removes the container's cgroup folders (empty once it has exited); what
/// is missing or still busy is left alone.
pub fn remove_path(cgroups_path: &str) {
    if cgroups_path.trim_matches('/').is_empty() || cgroups_path.split('/').any(|c| c == "..") {
        return;
    }
    let v2 = super::cgroups_v2::delegation().map(|d| (d.dir(cgroups_path), d));
    let v2_dir = v2.iter().filter(|(dir, d)| dir != &d.base).map(|(dir, _)| ("", dir.clone()));
    let blkio = Some(("blkio", Path::new(ROOT).join("blkio").join(cgroups_path.trim_start_matches('/')))).filter(|(_, d)| d.is_dir());
    for (_, dir) in dirs(cgroups_path, true).into_iter().chain(blkio).chain(v2_dir) {
        // A process that has just exited may linger in the cgroup a moment.
        for _ in 0..50 {
            match std::fs::remove_dir(&dir) {
                Err(e) if e.raw_os_error() == Some(libc::EBUSY) => std::thread::sleep(std::time::Duration::from_millis(2)),
                _ => break,
            }
        }
    }
}

/// Removes the cgroups of a container's spec, if it has any.
pub fn remove(spec: &Spec) {
    if let Some(p) = spec.linux().as_ref().and_then(|l| l.cgroups_path().as_ref()) {
        remove_path(&p.to_string_lossy());
    }
}

/// Reads one number from a file of a container's cgroup for `ctrl`.
pub fn read_u64(cgroups_path: &str, ctrl: &str, file: &str) -> Option<u64> {
    let dir = Path::new(ROOT).join(ctrl).join(cgroups_path.trim_start_matches('/'));
    std::fs::read_to_string(dir.join(file)).ok()?.trim().parse().ok()
}

/// Moves the calling process into the v1 cgroups of container process
/// `pid` that sangja manages (for `exec`: what it starts counts against
/// the container's limits). Where we may not write (rootless), nothing
/// happens: such a container has no cgroups of its own either.
pub fn join_container_of(pid: i32) -> Result<()> {
    if let Some(d) = super::cgroups_v2::delegation() {
        if let Some(dir) = super::cgroups_v2::dir_of(pid, &d) {
            write(&dir, "cgroup.procs", "0")?;
        }
        return Ok(());
    }
    if available() != Availability::V1 {
        return Ok(());
    }
    let Ok(text) = std::fs::read_to_string(format!("/proc/{pid}/cgroup")) else { return Ok(()) };
    for line in text.lines() {
        let mut f = line.splitn(3, ':');
        let (Some(_), Some(ctrls), Some(path)) = (f.next(), f.next(), f.next()) else { continue };
        for ctrl in ctrls.split(',') {
            if !V1_CONTROLLERS.contains(&ctrl) && ctrl != "cpuset" {
                continue;
            }
            let dir = Path::new(ROOT).join(ctrl).join(path.trim_start_matches('/'));
            if path == "/" || path.split('/').any(|c| c == "..") || !dir.join("cgroup.procs").exists() {
                continue;
            }
            write(&dir, "cgroup.procs", "0")?;
        }
    }
    Ok(())
}

/// blkio.throttle.*: one "MAJ:MIN RATE" line per device.
fn throttles(dir: &Path, io: &oci_spec::runtime::LinuxBlockIo) -> Result<()> {
    for (file, list) in [
        ("blkio.throttle.read_bps_device", io.throttle_read_bps_device()),
        ("blkio.throttle.write_bps_device", io.throttle_write_bps_device()),
        ("blkio.throttle.read_iops_device", io.throttle_read_iops_device()),
        ("blkio.throttle.write_iops_device", io.throttle_write_iops_device()),
    ] {
        for d in list.iter().flatten() {
            write(dir, file, &format!("{}:{} {}", d.major(), d.minor(), d.rate()))?;
        }
    }
    Ok(())
}
