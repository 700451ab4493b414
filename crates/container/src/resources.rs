//! Resource flags into the Spec: cgroup limits (linux.resources,
//! linux.cgroupsPath) and `--ulimit` (process.rlimits).

use crate::error::{Error, Result};
use crate::runtime::{cgroups, Notice};
use oci_spec::runtime::{
    LinuxCpu, LinuxMemory, LinuxNamespace, LinuxNamespaceType, LinuxPids, LinuxResources, Mount, PosixRlimit, PosixRlimitType, Spec,
};

/// podman's default --pids-limit, where a pids controller is usable.
pub const DEFAULT_PIDS_LIMIT: i64 = 2048;

/// The user's resource flags, as given (strings parsed here, so that a
/// bad value is reported with its flag).
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct ResourceOptions {
    pub memory: Option<String>,
    pub memory_swap: Option<String>,
    pub memory_reservation: Option<String>,
    pub cpus: Option<String>,
    pub cpu_shares: Option<u64>,
    pub cpuset_cpus: Option<String>,
    pub cpuset_mems: Option<String>,
    pub pids_limit: Option<i64>,
    /// enabled (default), disabled, no-conmon, split.
    pub cgroups: Option<String>,
    pub cgroup_parent: Option<String>,
    pub ulimits: Vec<String>,
    /// `--cpu-period`, `--cpu-quota` (CFS, microseconds).
    pub cpu_period: Option<u64>,
    pub cpu_quota: Option<i64>,
    /// `--cpu-rt-period`, `--cpu-rt-runtime` (v1 only, microseconds).
    pub cpu_rt_period: Option<u64>,
    pub cpu_rt_runtime: Option<i64>,
    /// `--memory-swappiness` 0..=100 (v1 only).
    pub memory_swappiness: Option<i64>,
    /// `--blkio-weight` 10..=1000, `--blkio-weight-device DEV:WEIGHT`.
    pub blkio_weight: Option<u16>,
    pub blkio_weight_device: Vec<String>,
    /// `--device-{read,write}-{bps,iops} DEV:RATE`.
    pub device_read_bps: Vec<String>,
    pub device_write_bps: Vec<String>,
    pub device_read_iops: Vec<String>,
    pub device_write_iops: Vec<String>,
}

/// "512", "512b", "64k", "32m", "1g" (binary units, as podman) → bytes.
pub fn parse_bytes(v: &str, flag: &str) -> Result<i64> {
    let bad = || Error::Invalid(format!("{flag} {v:?}: invalid size; give a number with an optional unit b, k, m or g (e.g. 32m)"));
    let s = v.trim().to_ascii_lowercase();
    let s = s.strip_suffix('b').filter(|r| r.ends_with(['k', 'm', 'g', 't'])).unwrap_or(&s);
    let (num, mult) = match s.char_indices().last() {
        Some((i, 'k')) => (&s[..i], 1i64 << 10),
        Some((i, 'm')) => (&s[..i], 1 << 20),
        Some((i, 'g')) => (&s[..i], 1 << 30),
        Some((i, 't')) => (&s[..i], 1 << 40),
        Some((i, 'b')) => (&s[..i], 1),
        _ => (s, 1),
    };
    let n: f64 = num.parse().map_err(|_| bad())?;
    if !n.is_finite() || n < 0.0 {
        return Err(bad());
    }
    Ok((n * mult as f64) as i64)
}

fn rlimit_type(name: &str) -> Option<PosixRlimitType> {
    use PosixRlimitType::*;
    Some(match name {
        "core" => RlimitCore,
        "cpu" => RlimitCpu,
        "data" => RlimitData,
        "fsize" => RlimitFsize,
        "locks" => RlimitLocks,
        "memlock" => RlimitMemlock,
        "msgqueue" => RlimitMsgqueue,
        "nice" => RlimitNice,
        "nofile" => RlimitNofile,
        "nproc" => RlimitNproc,
        "rss" => RlimitRss,
        "rtprio" => RlimitRtprio,
        "rttime" => RlimitRttime,
        "sigpending" => RlimitSigpending,
        "stack" => RlimitStack,
        "as" => RlimitAs,
        _ => return None,
    })
}

fn host_hard_limit(t: PosixRlimitType) -> Option<u64> {
    use nix::sys::resource::{getrlimit, Resource};
    use PosixRlimitType::*;
    let r = match t {
        RlimitCore => Resource::RLIMIT_CORE,
        RlimitCpu => Resource::RLIMIT_CPU,
        RlimitData => Resource::RLIMIT_DATA,
        RlimitFsize => Resource::RLIMIT_FSIZE,
        RlimitLocks => Resource::RLIMIT_LOCKS,
        RlimitMemlock => Resource::RLIMIT_MEMLOCK,
        RlimitMsgqueue => Resource::RLIMIT_MSGQUEUE,
        RlimitNice => Resource::RLIMIT_NICE,
        RlimitNofile => Resource::RLIMIT_NOFILE,
        RlimitNproc => Resource::RLIMIT_NPROC,
        RlimitRss => Resource::RLIMIT_RSS,
        RlimitRtprio => Resource::RLIMIT_RTPRIO,
        RlimitRttime => Resource::RLIMIT_RTTIME,
        RlimitSigpending => Resource::RLIMIT_SIGPENDING,
        RlimitStack => Resource::RLIMIT_STACK,
        RlimitAs => Resource::RLIMIT_AS,
    };
    getrlimit(r).ok().map(|(_, hard)| hard)
}

/// `--ulimit name=soft[:hard]` (-1 or "unlimited": no limit). A hard limit
/// above ours cannot be set without CAP_SYS_RESOURCE: refused, naming it.
pub fn parse_ulimit(v: &str) -> Result<PosixRlimit> {
    let bad = |why: &str| Error::Invalid(format!("--ulimit {v:?}: {why}; expected NAME=SOFT[:HARD], e.g. nofile=1024:2048"));
    let (name, limits) = v.split_once('=').ok_or_else(|| bad("no '='"))?;
    let name = name.trim().to_ascii_lowercase();
    let typ = rlimit_type(name.strip_prefix("rlimit_").unwrap_or(&name)).ok_or_else(|| bad("unknown limit name"))?;
    let num = |s: &str| -> Result<u64> {
        match s.trim() {
            "-1" | "unlimited" => Ok(u64::MAX),
            n => n.parse().map_err(|_| bad("limits must be numbers")),
        }
    };
    let (soft, hard) = match limits.split_once(':') {
        Some((s, h)) => (num(s)?, num(h)?),
        None => (num(limits)?, num(limits)?),
    };
    if soft > hard {
        return Err(bad("the soft limit is above the hard limit"));
    }
    if let Some(max) = host_hard_limit(typ) {
        if hard > max {
            let shown = if max == u64::MAX { "unlimited".to_string() } else { max.to_string() };
            return Err(Error::Invalid(format!(
                "--ulimit {v}: the hard limit is above this process's hard limit for {name} ({shown}); \
                 raising it needs CAP_SYS_RESOURCE: ask for at most {shown}"
            )));
        }
    }
    oci_spec::runtime::PosixRlimitBuilder::default()
        .typ(typ)
        .soft(soft)
        .hard(hard)
        .build()
        .map_err(|e| Error::Invalid(format!("--ulimit {v}: {e}")))
}

fn mount(dest: &str, typ: &str, source: &str, options: &[&str]) -> Mount {
    let mut m = Mount::default();
    m.set_destination(dest.into());
    m.set_typ(Some(typ.to_string()));
    m.set_source(Some(source.into()));
    m.set_options(Some(options.iter().map(|o| o.to_string()).collect()));
    m
}

/// A cpuset list such as 0-2,4, checked.
fn cpu_list(list: &str, flag: &str) -> Result<String> {
    let ok = !list.is_empty() && list.split(',').all(|r| r.splitn(2, '-').all(|n| n.trim().parse::<u32>().is_ok()));
    if !ok {
        return Err(Error::Invalid(format!("{flag} {list:?}: give a list like 0-2,4")));
    }
    Ok(list.to_string())
}

/// The flags that ask for a cgroup limit, by name, for error messages.
fn limit_flags(o: &ResourceOptions) -> Vec<&'static str> {
    let mut f = Vec::new();
    let checks: [(&'static str, bool); 18] = [
        ("--cpu-period", o.cpu_period.is_some()),
        ("--cpu-quota", o.cpu_quota.is_some()),
        ("--cpu-rt-period", o.cpu_rt_period.is_some()),
        ("--cpu-rt-runtime", o.cpu_rt_runtime.is_some()),
        ("--memory-swappiness", o.memory_swappiness.is_some_and(|n| n >= 0)),
        ("--blkio-weight", o.blkio_weight.is_some()),
        ("--blkio-weight-device", !o.blkio_weight_device.is_empty()),
        ("--device-read-bps", !o.device_read_bps.is_empty()),
        ("--device-write-bps", !o.device_write_bps.is_empty()),
        ("--device-read-iops", !o.device_read_iops.is_empty()),
        ("--device-write-iops", !o.device_write_iops.is_empty()),
        ("--memory", o.memory.is_some()),
        ("--memory-swap", o.memory_swap.is_some()),
        ("--memory-reservation", o.memory_reservation.is_some()),
        ("--cpus", o.cpus.is_some()),
        ("--cpu-shares", o.cpu_shares.is_some()),
        ("--cpuset-cpus", o.cpuset_cpus.is_some() || o.cpuset_mems.is_some()),
        ("--pids-limit", o.pids_limit.is_some_and(|p| p > 0)),
    ];
    for (name, set) in checks {
        if set {
            f.push(name);
        }
    }
    f
}

/// Sets linux.resources, linux.cgroupsPath and the rlimits from `--ulimit`.
///
/// `default_pids` is containers.conf's pids_limit: unlike `--pids-limit`, a
/// default that no cgroup here can enforce is dropped (with a debug note),
/// not refused.
pub fn apply(spec: &mut Spec, o: &ResourceOptions, id: &str, default_pids: Option<i64>, notes: &mut dyn FnMut(Notice)) -> Result<()> {
    let mode = o.cgroups.as_deref().unwrap_or("enabled");
    if !["enabled", "disabled", "no-conmon", "split"].contains(&mode) {
        return Err(Error::Invalid(format!("--cgroups {mode:?}: expected enabled, disabled, no-conmon or split")));
    }
    let flags = limit_flags(o);
    // Limits asked for (or containers.conf's pids_limit) where nothing is
    // writable: a delegated scope from the systemd user manager, if any.
    if mode != "disabled" && (!flags.is_empty() || default_pids.is_some_and(|p| p > 0)) {
        cgroups::delegate_from_systemd(id, notes);
    }
    let controllers = if mode == "disabled" { None } else { cgroups::controllers() };
    let usable = controllers.is_some();
    let has = |c: &str| controllers.as_ref().is_some_and(|l| l.iter().any(|x| x == c));
    // A delegated v2 subtree may lack some controllers: name the first missing one.
    for flag in &flags {
        let ctrl = match *flag {
            "--memory" | "--memory-swap" | "--memory-reservation" | "--memory-swappiness" => "memory",
            "--cpus" | "--cpu-shares" | "--cpu-period" | "--cpu-quota" | "--cpu-rt-period" | "--cpu-rt-runtime" => "cpu",
            f if f.starts_with("--blkio") || f.starts_with("--device-") => "io",
            "--cpuset-cpus" => "cpuset",
            _ => "pids",
        };
        if usable && !has(ctrl) {
            let list = controllers.as_deref().unwrap_or_default().join(" ");
            return Err(Error::Invalid(format!(
                "{flag} cannot be enforced: the cgroup v2 subtree delegated to this user has no {ctrl} controller \
                 (it has: {}); delegate it with `Delegate=memory pids cpu cpuset` in a drop-in for user@.service \
                 (systemctl edit user@.service) and `loginctl enable-linger $USER`, or run as root",
                if list.is_empty() { "none" } else { list.as_str() }
            )));
        }
    }
    if !flags.is_empty() && !usable {
        let why = if mode == "disabled" {
            "--cgroups=disabled leaves the container without a cgroup".to_string()
        } else {
            cgroups::UNAVAILABLE_HINT.to_string()
        };
        return Err(Error::Invalid(format!("{} cannot be enforced: {why}", flags.join(", "))));
    }

    let mut process = spec.process().clone().unwrap_or_default();
    let mut rlimits = process.rlimits().clone().unwrap_or_default();
    for u in &o.ulimits {
        let r = parse_ulimit(u)?;
        rlimits.retain(|x| x.typ() != r.typ());
        rlimits.push(r);
    }
    process.set_rlimits(Some(rlimits));
    spec.set_process(Some(process));
    if !usable {
        pids_default_dropped(default_pids, notes);
        return Ok(());
    }

    let mut res = LinuxResources::default();
    let mut mem = LinuxMemory::default();
    let limit = o.memory.as_deref().map(|m| parse_bytes(m, "--memory")).transpose()?;
    if let Some(l) = limit {
        if l < 6 << 20 {
            return Err(Error::Invalid(format!("--memory {}: the minimum is 6m", o.memory.as_deref().unwrap_or(""))));
        }
        mem.set_limit(Some(l));
    }
    match o.memory_swap.as_deref() {
        Some("-1") => {
            mem.set_swap(Some(-1));
        }
        Some(s) => {
            let swap = parse_bytes(s, "--memory-swap")?;
            let Some(l) = limit else {
                return Err(Error::Invalid("--memory-swap needs --memory: give both".into()));
            };
            if swap < l {
                return Err(Error::Invalid(format!(
                    "--memory-swap {s} is below --memory: it is memory plus swap, so give at least the --memory value"
                )));
            }
            mem.set_swap(Some(swap));
        }
        // As docker and podman: swap as much as memory again.
        None => {
            mem.set_swap(limit.map(|l| 2 * l));
        }
    }
    if let Some(r) = &o.memory_reservation {
        mem.set_reservation(Some(parse_bytes(r, "--memory-reservation")?));
    }
    if let Some(n) = o.memory_swappiness.filter(|n| *n >= 0) {
        if n > 100 {
            return Err(Error::Invalid(format!("invalid value: {n}, valid memory swappiness range is 0-100")));
        }
        if cgroups::available() != cgroups::Availability::V1 {
            return Err(Error::Invalid("--memory-swappiness: cgroup v2 has no per-cgroup swappiness (v1 only)".into()));
        }
        mem.set_swappiness(Some(n as u64));
    }
    if mem.limit().is_some() || mem.reservation().is_some() || mem.swappiness().is_some() {
        res.set_memory(Some(mem));
    }
    let mut cpu = LinuxCpu::default();
    let mut any_cpu = false;
    if let Some(c) = &o.cpus {
        let n: f64 = c
            .trim()
            .parse()
            .ok()
            .filter(|n: &f64| n.is_finite() && *n > 0.0)
            .ok_or_else(|| Error::Invalid(format!("--cpus {c:?}: give a positive number of CPUs, e.g. 0.5 or 2")))?;
        let period = 100_000u64;
        cpu.set_period(Some(period));
        cpu.set_quota(Some((n * period as f64).round().max(1000.0) as i64));
        any_cpu = true;
    }
    if let Some(s) = o.cpu_shares {
        if s < 2 {
            return Err(Error::Invalid(format!("--cpu-shares {s}: the minimum is 2")));
        }
        cpu.set_shares(Some(s));
        any_cpu = true;
    }
    if let Some(list) = &o.cpuset_cpus {
        cpu.set_cpus(Some(cpu_list(list, "--cpuset-cpus")?));
        any_cpu = true;
    }
    if let Some(list) = &o.cpuset_mems {
        cpu.set_mems(Some(cpu_list(list, "--cpuset-mems")?));
        any_cpu = true;
    }
    if o.cpu_period.is_some() || o.cpu_quota.is_some() {
        if o.cpus.is_some() {
            return Err(Error::Invalid("--cpus and --cpu-period/--cpu-quota cannot be set together: give one or the other".into()));
        }
        let period = o.cpu_period.unwrap_or(100_000);
        if !(1000..=1_000_000).contains(&period) {
            return Err(Error::Invalid(format!("--cpu-period {period}: give 1000 to 1000000 microseconds")));
        }
        cpu.set_period(Some(period));
        if let Some(q) = o.cpu_quota {
            if q != -1 && q < 1000 {
                return Err(Error::Invalid(format!("--cpu-quota {q}: give at least 1000 microseconds (-1: no limit)")));
            }
            cpu.set_quota(Some(q));
        }
        any_cpu = true;
    }
    if o.cpu_rt_period.is_some() || o.cpu_rt_runtime.is_some() {
        if cgroups::available() != cgroups::Availability::V1 {
            return Err(Error::Invalid("--cpu-rt-period/--cpu-rt-runtime: realtime limits are cgroup v1 only".into()));
        }
        cpu.set_realtime_period(o.cpu_rt_period);
        cpu.set_realtime_runtime(o.cpu_rt_runtime);
        any_cpu = true;
    }
    if any_cpu {
        res.set_cpu(Some(cpu));
    }
    if let Some(io) = block_io(o)? {
        res.set_block_io(Some(io));
    }
    let pids = match o.pids_limit.or(default_pids) {
        Some(p) if p <= 0 => None,
        // A default (podman's or containers.conf's) only where a pids controller is.
        _ if o.pids_limit.is_none() && !has("pids") => {
            pids_default_dropped(default_pids, notes);
            None
        }
        Some(p) => Some(p),
        None => Some(DEFAULT_PIDS_LIMIT),
    };
    if let Some(p) = pids {
        let mut l = LinuxPids::default();
        l.set_limit(p);
        res.set_pids(Some(l));
    }

    // --cgroups=split: under the caller's own cgroup (a systemd unit's,
    // with Delegate=yes), so the unit accounts for and stops the container.
    let split_parent = (mode == "split" && o.cgroup_parent.is_none()).then(cgroups::own_path).flatten();
    let parent = o.cgroup_parent.as_deref().or(split_parent.as_deref()).unwrap_or("/sangja");
    if !parent.starts_with('/') || parent.split('/').any(|c| c == "..") {
        return Err(Error::Invalid(format!("--cgroup-parent {parent:?}: give an absolute cgroup path without '..', e.g. /sangja")));
    }
    let cpuset = res.cpu().as_ref().is_some_and(|c| c.cpus().is_some() || c.mems().is_some());
    let path = format!("{}/{id}", parent.trim_end_matches('/'));
    let mut linux = spec.linux().clone().unwrap_or_default();
    linux.set_resources(Some(res));
    linux.set_cgroups_path(Some(path.clone().into()));
    // A cgroup namespace rooted at the container's cgroups: /proc/self/cgroup
    // shows "/", and /sys/fs/cgroup holds only its own folders, read-only.
    let mut namespaces = linux.namespaces().clone().unwrap_or_default();
    if !namespaces.iter().any(|n| n.typ() == LinuxNamespaceType::Cgroup) {
        let mut ns = LinuxNamespace::default();
        ns.set_typ(LinuxNamespaceType::Cgroup);
        namespaces.push(ns);
    }
    linux.set_namespaces(Some(namespaces));
    spec.set_linux(Some(linux));
    let mut mounts = spec.mounts().clone().unwrap_or_default();
    mounts.push(mount("/sys/fs/cgroup", "tmpfs", "tmpfs", &["nosuid", "noexec", "nodev", "mode=755", "size=64k"]));
    for (dest, dir) in cgroups::container_mounts(&path, cpuset) {
        let source = dir.to_string_lossy();
        mounts.push(mount(&dest, "bind", &source, &["bind", "ro", "nosuid", "noexec", "nodev", "rprivate"]));
    }
    spec.set_mounts(Some(mounts));
    Ok(())
}

/// containers.conf's pids_limit where no pids controller can enforce it: a
/// debug note, not an error (it is a default, not a request).
fn pids_default_dropped(default_pids: Option<i64>, notes: &mut dyn FnMut(Notice)) {
    if default_pids.is_some_and(|p| p > 0) {
        notes(Notice::Debug("containers.conf pids_limit is not applied: no pids cgroup controller is usable here".into()));
    }
}

/// `DEV:VALUE` of the --blkio/--device-* flags: the block device's numbers.
fn device_numbers(spec: &str, flag: &str) -> Result<(i64, i64, String)> {
    use std::os::unix::fs::{FileTypeExt, MetadataExt};
    let (dev, value) =
        spec.rsplit_once(':').ok_or_else(|| Error::Invalid(format!("{flag} {spec:?}: give DEVICE:VALUE, e.g. /dev/sda:1mb")))?;
    let meta = std::fs::metadata(dev).map_err(|e| Error::Invalid(format!("{flag} {spec:?}: {dev}: {e}")))?;
    if !meta.file_type().is_block_device() {
        return Err(Error::Invalid(format!("{flag} {spec:?}: {dev} is not a block device")));
    }
    let rdev = meta.rdev();
    Ok((nix::sys::stat::major(rdev) as i64, nix::sys::stat::minor(rdev) as i64, value.to_string()))
}

/// linux.resources.blockIO from the --blkio-* and --device-* flags.
fn block_io(o: &ResourceOptions) -> Result<Option<oci_spec::runtime::LinuxBlockIo>> {
    use oci_spec::runtime::{LinuxBlockIo, LinuxThrottleDevice};
    let weight = |w: u16, flag: &str| {
        if (10..=1000).contains(&w) {
            Ok(w)
        } else {
            Err(Error::Invalid(format!("{flag}: invalid weight {w}: it must be between 10 and 1000")))
        }
    };
    let mut io = LinuxBlockIo::default();
    let mut any = false;
    if let Some(w) = o.blkio_weight {
        io.set_weight(Some(weight(w, "--blkio-weight")?));
        any = true;
    }
    if !o.blkio_weight_device.is_empty() {
        let mut list = Vec::new();
        for d in &o.blkio_weight_device {
            let (major, minor, v) = device_numbers(d, "--blkio-weight-device")?;
            let w: u16 = v.parse().map_err(|_| Error::Invalid(format!("--blkio-weight-device {d:?}: the weight is not a number")))?;
            let wd = oci_spec::runtime::LinuxWeightDeviceBuilder::default()
                .major(major)
                .minor(minor)
                .weight(weight(w, "--blkio-weight-device")?)
                .build()
                .map_err(|e| Error::Runtime(format!("build the spec's weight device: {e}")))?;
            list.push(wd);
        }
        io.set_weight_device(Some(list));
        any = true;
    }
    let throttle = |specs: &[String], flag: &str, bytes: bool| -> Result<Option<Vec<LinuxThrottleDevice>>> {
        if specs.is_empty() {
            return Ok(None);
        }
        let mut list = Vec::new();
        for d in specs {
            let (major, minor, v) = device_numbers(d, flag)?;
            let rate = if bytes {
                parse_bytes(&v, flag)? as u64
            } else {
                v.parse().map_err(|_| Error::Invalid(format!("{flag} {d:?}: the rate is not a number of operations")))?
            };
            let t = oci_spec::runtime::LinuxThrottleDeviceBuilder::default()
                .major(major)
                .minor(minor)
                .rate(rate)
                .build()
                .map_err(|e| Error::Runtime(format!("build the spec's throttle device: {e}")))?;
            list.push(t);
        }
        Ok(Some(list))
    };
    for (specs, flag, bytes, set) in [
        (
            &o.device_read_bps,
            "--device-read-bps",
            true,
            LinuxBlockIo::set_throttle_read_bps_device as fn(&mut LinuxBlockIo, Option<Vec<LinuxThrottleDevice>>) -> &mut LinuxBlockIo,
        ),
        (&o.device_write_bps, "--device-write-bps", true, LinuxBlockIo::set_throttle_write_bps_device),
        (&o.device_read_iops, "--device-read-iops", false, LinuxBlockIo::set_throttle_read_iops_device),
        (&o.device_write_iops, "--device-write-iops", false, LinuxBlockIo::set_throttle_write_iops_device),
    ] {
        if let Some(list) = throttle(specs, flag, bytes)? {
            set(&mut io, Some(list));
            any = true;
        }
    }
    Ok(any.then_some(io))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(parse_bytes("32m", "-m").unwrap(), 32 << 20);
        assert_eq!(parse_bytes("1G", "-m").unwrap(), 1 << 30);
        assert_eq!(parse_bytes("64kb", "-m").unwrap(), 64 << 10);
        assert_eq!(parse_bytes("1000", "-m").unwrap(), 1000);
        assert_eq!(parse_bytes("1.5k", "-m").unwrap(), 1536);
        let e = parse_bytes("lots", "--memory").unwrap_err().to_string();
        assert!(e.contains("--memory") && e.contains("lots"), "{e}");
    }

    #[test]
    fn ulimits() {
        let r = parse_ulimit("nofile=100:200").unwrap();
        assert_eq!((r.typ(), r.soft(), r.hard()), (PosixRlimitType::RlimitNofile, 100, 200));
        assert!(parse_ulimit("nofile=300:200").is_err());
        assert!(parse_ulimit("bogus=1").is_err());
        let e = parse_ulimit("nofile=999999999999").unwrap_err().to_string();
        assert!(e.contains("nofile") && e.contains("CAP_SYS_RESOURCE"), "{e}");
    }
}
