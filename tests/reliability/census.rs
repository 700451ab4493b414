//! What a store's sangja processes hold, counted from outside: processes,
//! monitors, open fds, mounts, folders and the store's size. The concurrency
//! and soak suites compare a census before and after.
//!
//! Other tests run as the same user at the same time, so a process counts as
//! ours only when it carries the suite's tag in its environment (set on every
//! command the suite runs) or descends from one that does.

use crate::util::Sangja;
use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsStr;
use std::fs;
use std::path::Path;
use std::process::Command;

/// The environment variable that marks a suite's commands.
pub const TAG_VAR: &str = "SANGJA_RELIABILITY_TAG";

/// A tag unique to one store of one test run.
pub fn tag(s: &Sangja) -> String {
    format!("{}", s.dir.display())
}

/// `s.command(args)` with the suite's tag.
pub fn command<S: AsRef<OsStr>>(s: &Sangja, args: &[S]) -> Command {
    let mut c = s.command(args);
    c.env(TAG_VAR, tag(s));
    c
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Census {
    /// Processes that carry the tag or descend from one that does.
    pub processes: usize,
    /// Of those, the detached containers' monitors.
    pub monitors: usize,
    /// Their open fds, together, but passt's.
    pub fds: usize,
    /// passt's open fds: it fills pools of pre-opened sockets (32 TCP + 32
    /// UDP) on a timer after it starts, no leak; compared with that slack.
    pub passt_fds: usize,
    /// Mounts on the host (and in those processes' mount namespaces) under the test's folder.
    pub mounts: usize,
    /// Entries in the store's tmp/ (lock files do not count).
    pub tmp_entries: usize,
    /// Folders in the store's containers/.
    pub container_dirs: usize,
    /// Apparent bytes under the store and the run root, less the event log
    /// (events/: it grows by a line per event by design, and its rotation
    /// bounds it: tests/cli/events.rs `events_log_rotates`).
    pub store_bytes: u64,
    /// What the processes are, for a failure's message.
    pub who: Vec<String>,
}

fn environ_has(pid: u32, needle: &[u8]) -> bool {
    fs::read(format!("/proc/{pid}/environ")).map(|e| e.split(|b| *b == 0).any(|kv| kv == needle)).unwrap_or(false)
}

fn ppid(pid: u32) -> Option<u32> {
    let stat = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let rest = &stat[stat.rfind(')')? + 2..];
    rest.split(' ').nth(1)?.parse().ok()
}

fn comm(pid: u32) -> String {
    fs::read_to_string(format!("/proc/{pid}/comm")).map(|s| s.trim().to_string()).unwrap_or_default()
}

fn all_pids() -> Vec<u32> {
    fs::read_dir("/proc").unwrap().flatten().filter_map(|e| e.file_name().to_str().and_then(|n| n.parse().ok())).collect()
}

/// The tagged processes and their descendants.
pub fn processes(s: &Sangja) -> BTreeSet<u32> {
    let needle = format!("{TAG_VAR}={}", tag(s)).into_bytes();
    let me = std::process::id();
    let pids = all_pids();
    let parents: BTreeMap<u32, u32> = pids.iter().filter_map(|p| ppid(*p).map(|pp| (*p, pp))).collect();
    let mut ours: BTreeSet<u32> = pids.iter().copied().filter(|p| *p != me && environ_has(*p, &needle)).collect();
    loop {
        let more: Vec<u32> = parents.iter().filter(|(p, pp)| ours.contains(pp) && !ours.contains(p)).map(|(p, _)| *p).collect();
        if more.is_empty() {
            break;
        }
        ours.extend(more);
    }
    ours
}

fn fd_count(pid: u32) -> usize {
    fs::read_dir(format!("/proc/{pid}/fd")).map(|d| d.count()).unwrap_or(0)
}

fn mounts_under(mountinfo: &str, dir: &str) -> usize {
    mountinfo.lines().filter(|l| l.split(' ').nth(4).is_some_and(|m| m.starts_with(dir))).count()
}

fn apparent(dir: &Path) -> u64 {
    let mut total = 0;
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        let Ok(rd) = fs::read_dir(&d) else { continue };
        for e in rd.flatten() {
            let Ok(m) = fs::symlink_metadata(e.path()) else { continue };
            if m.is_dir() {
                todo.push(e.path());
            } else {
                total += m.len();
            }
        }
    }
    total
}

/// Counts what the store's processes hold now.
pub fn take(s: &Sangja) -> Census {
    let procs = processes(s);
    let dir = s.dir.display().to_string();
    let mut mounts = mounts_under(&fs::read_to_string("/proc/self/mountinfo").unwrap_or_default(), &dir);
    // Mount namespaces of our processes (a container's, a user namespace's), each once.
    let mut seen = BTreeSet::new();
    for p in &procs {
        if let Ok(ns) = fs::read_link(format!("/proc/{p}/ns/mnt")) {
            if seen.insert(ns) {
                let info = fs::read_to_string(format!("/proc/{p}/mountinfo")).unwrap_or_default();
                mounts += mounts_under(&info, &dir);
            }
        }
    }
    Census {
        processes: procs.len(),
        monitors: procs.iter().filter(|p| comm(**p).contains("monitor")).count(),
        fds: procs.iter().filter(|p| !comm(**p).starts_with("passt")).map(|p| fd_count(*p)).sum(),
        passt_fds: procs.iter().filter(|p| comm(**p).starts_with("passt")).map(|p| fd_count(*p)).sum(),
        mounts,
        tmp_entries: s.tmp_entries().len(),
        container_dirs: crate::util::entries(&s.root.join("containers")).len(),
        store_bytes: (apparent(&s.root) + apparent(&s.runroot)).saturating_sub(apparent(&s.runroot.join("events"))),
        who: procs.iter().map(|p| format!("{p} {} ({} fds)", comm(*p), fd_count(*p))).collect(),
    }
}

impl std::fmt::Display for Census {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "processes {} (monitors {}), open fds {} (+ passt {}), mounts {}, tmp/ entries {}, container folders {}, store {} bytes",
            self.processes, self.monitors, self.fds, self.passt_fds, self.mounts, self.tmp_entries, self.container_dirs, self.store_bytes
        )
    }
}

/// Runs `sangja system check` where it exists; a store it finds damaged
/// fails the test. Skipped, with a note, in a build without the command.
pub fn system_check(s: &Sangja) {
    let out = crate::process::wait_output(
        crate::process::spawn_retry(&mut command(s, &["system", "check"])),
        format!("sangja --root {} system check", s.root.display()),
        None,
        crate::process::TIMEOUT,
    );
    let unknown = out.code != 0 && (out.stderr.contains("unrecognized subcommand") || out.stderr.contains("unexpected argument 'check'"));
    if unknown {
        eprintln!("note: `sangja system check` does not exist in this build: the store check is skipped");
        return;
    }
    assert_eq!(out.code, 0, "system check found the store damaged:{out:?}");
}
