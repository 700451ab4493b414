//! `top`: the processes of a running container, with ps-style fields as
//! podman's psgo gives them. The processes are found by walking /proc for
//! those in the container init's pid namespace; pids, users and groups are
//! shown as the container sees them.

use super::Engine;
use crate::error::{Error, Result};
use sangja_container::record::{ContainerStore, Status};
use std::collections::HashMap;
use std::os::unix::fs::MetadataExt;

/// podman's default descriptors.
pub const DEFAULT_DESCRIPTORS: [&str; 8] = ["user", "pid", "ppid", "pcpu", "etime", "tty", "time", "args"];

/// The descriptors we know, with their column headers (podman's).
const DESCRIPTORS: [(&str, &str); 18] = [
    ("args", "COMMAND"),
    ("comm", "COMMAND"),
    ("etime", "ELAPSED"),
    ("group", "GROUP"),
    ("hgroup", "HGROUP"),
    ("hpid", "HPID"),
    ("huser", "HUSER"),
    ("nice", "NI"),
    ("pcpu", "%CPU"),
    ("pgid", "PGID"),
    ("pid", "PID"),
    ("ppid", "PPID"),
    ("rss", "RSS"),
    ("state", "STATE"),
    ("time", "TIME"),
    ("tty", "TTY"),
    ("user", "USER"),
    ("vsz", "VSZ"),
];

/// A table: headers and one row per process.
#[derive(Debug, Clone)]
pub struct Top {
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// Lists the processes of a running container.
pub fn top(engine: &Engine, name: &str, descriptors: &[String]) -> Result<Top> {
    let mut headers = Vec::new();
    for d in descriptors {
        match DESCRIPTORS.iter().find(|(n, _)| n == d) {
            Some((_, h)) => headers.push(h.to_string()),
            None => {
                let known: Vec<&str> = DESCRIPTORS.iter().map(|(n, _)| *n).collect();
                return Err(Error::Invalid(format!("unknown descriptor {d:?}: use one of {}", known.join(", "))));
            }
        }
    }
    let c = ContainerStore::new(&engine.paths).lookup(name)?;
    let not_running = || Error::State("top can only be used on running containers: container state improper".into());
    if !matches!(c.state.status, Status::Running | Status::Paused) {
        return Err(not_running());
    }
    let init = c.state.pid.ok_or_else(not_running)?;
    let ns = std::fs::metadata(format!("/proc/{init}/ns/pid"))
        .map_err(|e| Error::Runtime(format!("read the pid namespace of container process {init}: {e}")))?;
    let ctx = Ctx::new(init);
    let mut procs = Vec::new();
    let dir = std::fs::read_dir("/proc").map_err(|e| Error::Runtime(format!("read /proc: {e}")))?;
    for entry in dir.flatten() {
        let Some(pid) = entry.file_name().to_str().and_then(|s| s.parse::<i32>().ok()) else { continue };
        let Ok(m) = std::fs::metadata(format!("/proc/{pid}/ns/pid")) else { continue };
        if m.ino() != ns.ino() || m.dev() != ns.dev() {
            continue;
        }
        // Gone between the listing and now: skip it.
        if let Some(p) = Proc::read(pid) {
            procs.push(p);
        }
    }
    let by_host: HashMap<i32, i32> = procs.iter().map(|p| (p.hpid, p.pid)).collect();
    procs.sort_by_key(|p| p.pid);
    let rows = procs.iter().map(|p| descriptors.iter().map(|d| ctx.field(p, d, &by_host)).collect()).collect();
    Ok(Top { headers, rows })
}

/// What the fields are computed from.
struct Proc {
    hpid: i32,
    /// The pid inside the container (last NSpid).
    pid: i32,
    host_ppid: i32,
    pgid: i32,
    uid: u32,
    gid: u32,
    comm: String,
    args: String,
    state: String,
    tty_nr: u64,
    ticks: u64,
    start: u64,
    nice: i64,
    vsize: u64,
    rss_pages: u64,
}

impl Proc {
    fn read(hpid: i32) -> Option<Proc> {
        let status = std::fs::read_to_string(format!("/proc/{hpid}/status")).ok()?;
        let field = |k: &str| status.lines().find_map(|l| l.strip_prefix(k)).map(|v| v.split_whitespace().collect::<Vec<_>>());
        let last = |k: &str| field(k).and_then(|v| v.last().and_then(|s| s.parse::<i32>().ok()));
        let stat = std::fs::read_to_string(format!("/proc/{hpid}/stat")).ok()?;
        let comm = stat.get(stat.find('(')? + 1..stat.rfind(')')?)?.to_string();
        let rest: Vec<&str> = stat[stat.rfind(')')? + 1..].split_whitespace().collect();
        let num = |i: usize| rest.get(i).and_then(|s| s.parse::<u64>().ok()).unwrap_or(0);
        let cmdline = std::fs::read(format!("/proc/{hpid}/cmdline")).unwrap_or_default();
        let args: Vec<String> =
            cmdline.split(|b| *b == 0).filter(|a| !a.is_empty()).map(|a| String::from_utf8_lossy(a).into_owned()).collect();
        Some(Proc {
            hpid,
            pid: last("NSpid:")?,
            host_ppid: last("PPid:").unwrap_or(0),
            pgid: last("NSpgid:").unwrap_or(0),
            uid: field("Uid:").and_then(|v| v.get(1).and_then(|s| s.parse().ok())).unwrap_or(0),
            gid: field("Gid:").and_then(|v| v.get(1).and_then(|s| s.parse().ok())).unwrap_or(0),
            args: if args.is_empty() { format!("[{comm}]") } else { args.join(" ") },
            comm,
            // Fields after the command: state is field 3, so index 0 here.
            state: rest.first().map(|s| s.to_string()).unwrap_or_default(),
            tty_nr: num(4),
            ticks: num(11) + num(12),
            start: num(19),
            nice: rest.get(16).and_then(|s| s.parse().ok()).unwrap_or(0),
            vsize: num(20),
            rss_pages: num(21),
        })
    }
}

/// Shared facts: clock, uptime, id maps and names of the container.
struct Ctx {
    hz: u64,
    uptime_ns: u64,
    uid_map: String,
    gid_map: String,
    passwd: HashMap<u32, String>,
    group: HashMap<u32, String>,
}

impl Ctx {
    fn new(init: i32) -> Ctx {
        // SAFETY: sysconf with a constant.
        let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as u64;
        let uptime_ns = std::fs::read_to_string("/proc/uptime")
            .ok()
            .and_then(|s| s.split_whitespace().next().and_then(|v| v.parse::<f64>().ok()))
            .map(|s| (s * 1e9) as u64)
            .unwrap_or(0);
        let names = |file: &str| -> HashMap<u32, String> {
            std::fs::read_to_string(format!("/proc/{init}/root/etc/{file}"))
                .unwrap_or_default()
                .lines()
                .filter_map(|l| {
                    let f: Vec<&str> = l.split(':').collect();
                    Some((f.get(2)?.parse().ok()?, f[0].to_string()))
                })
                .collect()
        };
        Ctx {
            hz,
            uptime_ns,
            uid_map: std::fs::read_to_string(format!("/proc/{init}/uid_map")).unwrap_or_default(),
            gid_map: std::fs::read_to_string(format!("/proc/{init}/gid_map")).unwrap_or_default(),
            passwd: names("passwd"),
            group: names("group"),
        }
    }

    fn field(&self, p: &Proc, d: &str, by_host: &HashMap<i32, i32>) -> String {
        let tick_ns = 1_000_000_000 / self.hz;
        let elapsed = self.uptime_ns.saturating_sub(p.start * tick_ns);
        match d {
            "args" => p.args.clone(),
            "comm" => p.comm.clone(),
            "etime" => go_duration(elapsed),
            "time" => go_duration(p.ticks * tick_ns),
            "pcpu" => {
                let pct = if elapsed == 0 { 0.0 } else { (p.ticks * tick_ns) as f64 * 100.0 / elapsed as f64 };
                format!("{pct:.3}")
            }
            "user" => {
                let uid = to_inside(&self.uid_map, p.uid);
                uid.and_then(|u| self.passwd.get(&u).cloned()).or(uid.map(|u| u.to_string())).unwrap_or_else(|| p.uid.to_string())
            }
            "group" => {
                let gid = to_inside(&self.gid_map, p.gid);
                gid.and_then(|g| self.group.get(&g).cloned()).or(gid.map(|g| g.to_string())).unwrap_or_else(|| p.gid.to_string())
            }
            "huser" => nix::unistd::User::from_uid(p.uid.into()).ok().flatten().map(|u| u.name).unwrap_or_else(|| p.uid.to_string()),
            "hgroup" => nix::unistd::Group::from_gid(p.gid.into()).ok().flatten().map(|g| g.name).unwrap_or_else(|| p.gid.to_string()),
            "hpid" => p.hpid.to_string(),
            "pid" => p.pid.to_string(),
            // A parent outside the container (sangja exec, the runtime) shows as 0.
            "ppid" => by_host.get(&p.host_ppid).copied().unwrap_or(0).to_string(),
            "pgid" => p.pgid.to_string(),
            "nice" => p.nice.to_string(),
            "state" => p.state.clone(),
            "tty" => tty_name(p.tty_nr),
            "vsz" => (p.vsize / 1024).to_string(),
            "rss" => {
                // SAFETY: sysconf with a constant.
                let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) }.max(1) as u64;
                (p.rss_pages * page / 1024).to_string()
            }
            _ => String::new(),
        }
    }
}

/// A host id as the container sees it, through an id map read from outside.
fn to_inside(map: &str, host: u32) -> Option<u32> {
    map.lines().find_map(|l| {
        let f: Vec<u64> = l.split_whitespace().filter_map(|n| n.parse().ok()).collect();
        (f.len() == 3 && (f[1]..f[1] + f[2]).contains(&(host as u64))).then(|| (f[0] + host as u64 - f[1]) as u32)
    })
}

fn tty_name(nr: u64) -> String {
    let major = (nr >> 8) & 0xfff;
    let minor = (nr & 0xff) | ((nr >> 12) & 0xfff00);
    match major {
        0 => "?".into(),
        136..=143 => format!("pts/{}", (major - 136) * 256 + minor),
        4 if minor < 64 => format!("tty{minor}"),
        4 => format!("ttyS{}", minor - 64),
        5 if minor == 0 => "tty".into(),
        _ => format!("{major}:{minor}"),
    }
}

/// Go's time.Duration.String(), which podman prints for ELAPSED and TIME.
pub fn go_duration(ns: u64) -> String {
    fn frac(v: u64, unit: u64) -> String {
        let (int, rest) = (v / unit, v % unit);
        if rest == 0 {
            return int.to_string();
        }
        let digits = unit.to_string().len() - 1;
        let s = format!("{rest:0digits$}");
        format!("{int}.{}", s.trim_end_matches('0'))
    }
    match ns {
        0 => "0s".into(),
        n if n < 1_000 => format!("{n}ns"),
        n if n < 1_000_000 => format!("{}µs", frac(n, 1_000)),
        n if n < 1_000_000_000 => format!("{}ms", frac(n, 1_000_000)),
        n => {
            let h = n / 3_600_000_000_000;
            let m = (n / 60_000_000_000) % 60;
            let s = n % 60_000_000_000;
            let mut out = String::new();
            if h > 0 {
                out.push_str(&format!("{h}h"));
            }
            if h > 0 || m > 0 {
                out.push_str(&format!("{m}m"));
            }
            out.push_str(&format!("{}s", frac(s, 1_000_000_000)));
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_as_go_prints_them() {
        assert_eq!(go_duration(0), "0s");
        assert_eq!(go_duration(10_000_000), "10ms");
        assert_eq!(go_duration(1_500_000_000), "1.5s");
        assert_eq!(go_duration(62_000_000_000), "1m2s");
        assert_eq!(go_duration(3_723_000_000_000), "1h2m3s");
    }

    #[test]
    fn ids_and_ttys() {
        let map = "         0       1001          1\n         1     100000      65536\n";
        assert_eq!(to_inside(map, 1001), Some(0));
        assert_eq!(to_inside(map, 100999), Some(1000));
        assert_eq!(to_inside(map, 5), None);
        assert_eq!(tty_name(0), "?");
        assert_eq!(tty_name(136 << 8), "pts/0");
    }
}
