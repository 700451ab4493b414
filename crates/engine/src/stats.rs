//! `stats`: resource use of running containers, from their cgroups where
//! sangja made some (root, cgroup v1), else from /proc: the processes in the
//! container's pid namespace. What neither can tell is None ("--").

use super::Engine;
use crate::error::{Error, Result};
use sangja_container::record::{Container, ContainerStore};
use sangja_runtime::cgroups;
use std::os::unix::fs::MetadataExt;
use std::time::Instant;

/// One reading of a container's counters.
#[derive(Debug, Clone)]
pub struct Sample {
    pub id: String,
    pub name: String,
    pub at: Instant,
    /// CPU time used since the start, in nanoseconds.
    pub cpu_ns: Option<u64>,
    pub mem_usage: Option<u64>,
    pub mem_limit: Option<u64>,
    pub pids: Option<u64>,
    pub net_rx: Option<u64>,
    pub net_tx: Option<u64>,
    pub blk_read: Option<u64>,
    pub blk_write: Option<u64>,
    /// Seconds the container has been running.
    pub uptime: Option<f64>,
}

/// The containers `stats` shows: those named (each must be running), or all
/// running ones (`-a` adds the others, with empty readings as podman does).
pub fn containers(engine: &Engine, names: &[String], all: bool) -> Result<Vec<Container>> {
    let store = ContainerStore::new(&engine.paths);
    if names.is_empty() {
        return Ok(store.list()?.into_iter().filter(|c| all || c.is_running()).collect());
    }
    let mut out = Vec::new();
    for n in names {
        let c = store.lookup(n)?;
        if !c.is_running() && !all {
            return Err(Error::State(format!(
                "container {n} is not running: stats can only be used on running containers (start it, or use -a)"
            )));
        }
        out.push(c);
    }
    Ok(out)
}

fn mem_total() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    let kb: u64 = text.lines().find_map(|l| l.strip_prefix("MemTotal:"))?.trim().trim_end_matches("kB").trim().parse().ok()?;
    Some(kb * 1024)
}

/// The container's own cgroupsPath, when sangja made its cgroups.
fn cgroups_path(c: &Container) -> Option<String> {
    let spec: oci_spec::runtime::Spec = crate::json_file::read(&c.dir.join("spec.json")).ok()?;
    let p = spec.linux().as_ref()?.cgroups_path().as_ref()?.to_string_lossy().to_string();
    // Only if the process is in it: the cgroup is real, not a path sangja could not make.
    let pid = c.state.pid?;
    let own = std::fs::read_to_string(format!("/proc/{pid}/cgroup")).ok()?;
    own.lines().any(|l| l.ends_with(&format!(":{p}"))).then_some(p)
}

/// Processes in the pid namespace of `init`, by host pid.
fn namespace_pids(init: i32) -> Vec<i32> {
    let Ok(ns) = std::fs::metadata(format!("/proc/{init}/ns/pid")) else { return Vec::new() };
    let mut out = Vec::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Some(pid) = entry.file_name().to_str().and_then(|s| s.parse::<i32>().ok()) else { continue };
        if let Ok(m) = std::fs::metadata(format!("/proc/{pid}/ns/pid")) {
            if m.ino() == ns.ino() && m.dev() == ns.dev() {
                out.push(pid);
            }
        }
    }
    out
}

/// utime + stime of a process, in nanoseconds.
fn proc_cpu_ns(pid: i32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let rest: Vec<&str> = stat.get(stat.rfind(')')? + 1..)?.split_whitespace().collect();
    let ticks: u64 = rest.get(11)?.parse::<u64>().ok()? + rest.get(12)?.parse::<u64>().ok()?;
    // SAFETY: sysconf with a constant argument.
    let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as u64;
    Some(ticks * 1_000_000_000 / hz)
}

fn proc_field(pid: i32, file: &str, key: &str) -> Option<u64> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/{file}")).ok()?;
    text.lines().find_map(|l| l.strip_prefix(key))?.split_whitespace().next()?.parse().ok()
}

/// Bytes received and sent on the container's interfaces other than lo.
fn net_io(init: i32) -> Option<(u64, u64)> {
    let text = std::fs::read_to_string(format!("/proc/{init}/net/dev")).ok()?;
    let mut rx = 0;
    let mut tx = 0;
    for line in text.lines().skip(2) {
        let Some((name, rest)) = line.split_once(':') else { continue };
        if name.trim() == "lo" {
            continue;
        }
        let f: Vec<u64> = rest.split_whitespace().filter_map(|v| v.parse().ok()).collect();
        rx += f.first().copied().unwrap_or(0);
        tx += f.get(8).copied().unwrap_or(0);
    }
    Some((rx, tx))
}

fn seconds_since(rfc3339: Option<&str>) -> Option<f64> {
    let t = chrono::DateTime::parse_from_rfc3339(rfc3339?).ok()?;
    Some((chrono::Utc::now() - t.with_timezone(&chrono::Utc)).num_milliseconds() as f64 / 1000.0)
}

/// Reads a container's counters now.
pub fn sample(c: &Container) -> Sample {
    let mut s = Sample {
        id: c.config.id.clone(),
        name: c.config.name.clone(),
        at: Instant::now(),
        cpu_ns: None,
        mem_usage: None,
        mem_limit: None,
        pids: None,
        net_rx: None,
        net_tx: None,
        blk_read: None,
        blk_write: None,
        uptime: None,
    };
    let Some(init) = c.state.pid.filter(|_| c.is_running()) else { return s };
    s.uptime = seconds_since(c.state.started_at.as_deref());
    let pids = namespace_pids(init);
    let total = mem_total();
    if let Some(path) = cgroups_path(c) {
        s.cpu_ns = cgroups::read_u64(&path, "cpuacct", "cpuacct.usage");
        // As docker: the page cache that can be dropped is not "used".
        let inactive = std::fs::read_to_string(format!("/sys/fs/cgroup/memory/{}/memory.stat", path.trim_start_matches('/')))
            .ok()
            .and_then(|t| t.lines().find_map(|l| l.strip_prefix("total_inactive_file ")).and_then(|v| v.trim().parse::<u64>().ok()))
            .unwrap_or(0);
        s.mem_usage = cgroups::read_u64(&path, "memory", "memory.usage_in_bytes").map(|u| u.saturating_sub(inactive));
        s.mem_limit = cgroups::read_u64(&path, "memory", "memory.limit_in_bytes").map(|l| total.map_or(l, |t| l.min(t)));
        s.pids = cgroups::read_u64(&path, "pids", "pids.current");
    }
    if s.cpu_ns.is_none() {
        s.cpu_ns = pids.iter().map(|p| proc_cpu_ns(*p)).sum();
    }
    if s.mem_usage.is_none() {
        // Resident set sizes summed: shared pages count once per process.
        s.mem_usage = pids.iter().map(|p| proc_field(*p, "status", "VmRSS:").map(|kb| kb * 1024)).sum();
        s.mem_limit = total;
    }
    if s.pids.is_none() && !pids.is_empty() {
        s.pids = Some(pids.len() as u64);
    }
    // Processes of other mapped users cannot be read rootless: then unknown.
    s.blk_read = pids.iter().map(|p| proc_field(*p, "io", "read_bytes:")).sum();
    s.blk_write = pids.iter().map(|p| proc_field(*p, "io", "write_bytes:")).sum();
    if let Some((rx, tx)) = net_io(init) {
        s.net_rx = Some(rx);
        s.net_tx = Some(tx);
    }
    s
}

/// CPU use between two samples, in percent of one CPU.
pub fn cpu_percent(before: &Sample, after: &Sample) -> Option<f64> {
    let used = after.cpu_ns?.checked_sub(before.cpu_ns?)? as f64;
    let wall = after.at.duration_since(before.at).as_nanos() as f64;
    (wall > 0.0).then(|| used / wall * 100.0)
}

/// CPU use since the start, in percent of one CPU.
pub fn avg_cpu_percent(s: &Sample) -> Option<f64> {
    let up = s.uptime.filter(|u| *u > 0.0)?;
    Some(s.cpu_ns? as f64 / 1e9 / up * 100.0)
}
