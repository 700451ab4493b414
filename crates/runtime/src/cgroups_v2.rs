//! cgroup v2 by delegation, for rootless containers: the user's own cgroup
//! (from /proc/self/cgroup), when it is writable, as systemd makes it for a
//! unit or session with Delegate=yes. Each container gets a child there,
//! <own>/<cgroupsPath>; the controllers the user was given are enabled on
//! the way down.
//!
//! The no-internal-process rule: a cgroup with processes of its own cannot
//! hand controllers to its children, so we first move our own process (and
//! only it) into the leaf <own>/sangja-cli. A later sangja started from
//! there (the monitor of `run -d`) sees that leaf and uses its parent.
//!
//! Where our own cgroup is not writable and limits are wanted, systemd's
//! other way is tried first: a transient scope with Delegate=yes from the
//! user manager (systemd_scope.rs), which moves us into a subtree that is
//! ours. Without that, limit flags are refused naming `loginctl
//! enable-linger` and `Delegate=`.

use crate::error::{Error, Result};
use nix::unistd::{access, AccessFlags};
use oci_spec::runtime::LinuxResources;
use std::path::{Path, PathBuf};

/// Where the v2 hierarchy is: alone at /sys/fs/cgroup, or beside v1 (hybrid).
const MOUNTS: [&str; 2] = ["/sys/fs/cgroup", "/sys/fs/cgroup/unified"];

/// The leaf our own process moves into.
pub const LEAF: &str = "sangja-cli";

/// A v2 subtree this process may manage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delegation {
    /// The user's own cgroup folder (the parent of our leaf).
    pub base: PathBuf,
    /// The controllers it has (cgroup.controllers).
    pub controllers: Vec<String>,
}

fn mount_point() -> Option<&'static Path> {
    MOUNTS.iter().map(Path::new).find(|m| m.join("cgroup.controllers").is_file())
}

/// The delegated subtree we are in, if our own cgroup is writable.
pub fn delegation() -> Option<Delegation> {
    let text = std::fs::read_to_string("/proc/self/cgroup").ok()?;
    let rel = text.lines().find_map(|l| l.strip_prefix("0::"))?.trim();
    // The root of the hierarchy is never delegated (and is the host's).
    if rel == "/" {
        return None;
    }
    let mut base = mount_point()?.join(rel.trim_start_matches('/'));
    if base.file_name().is_some_and(|n| n == LEAF) {
        base.pop();
    }
    let w = |p: &Path| access(p, AccessFlags::W_OK).is_ok();
    if !w(&base) || !w(&base.join("cgroup.procs")) || !w(&base.join("cgroup.subtree_control")) {
        return None;
    }
    let controllers =
        std::fs::read_to_string(base.join("cgroup.controllers")).unwrap_or_default().split_whitespace().map(str::to_string).collect();
    Some(Delegation { base, controllers })
}

fn write(dir: &Path, file: &str, value: &str) -> Result<()> {
    let path = dir.join(file);
    std::fs::write(&path, value).map_err(|e| Error::Runtime(format!("set {} to {value}: {e}", path.display())))
}

impl Delegation {
    /// The container's folder for a cgroupsPath.
    pub fn dir(&self, cgroups_path: &str) -> PathBuf {
        self.base.join(cgroups_path.trim_start_matches('/'))
    }

    /// Makes the container's folder, with the controllers enabled on the
    /// way down and its limits written; returns the folder and the folders
    /// made (innermost last).
    pub fn make(&self, cgroups_path: &str, res: &LinuxResources) -> Result<(PathBuf, Vec<PathBuf>)> {
        let wanted = needed(res);
        for c in &wanted {
            if !self.controllers.iter().any(|h| h == c) {
                return Err(Error::Runtime(format!(
                    "cannot set the {c} limit: the delegated cgroup {} has no {c} controller (it has: {}); \
                     add it to Delegate= in the user@.service drop-in",
                    self.base.display(),
                    self.controllers.join(" ")
                )));
            }
        }
        self.leave_base()?;
        let enable: String = self.controllers.iter().map(|c| format!("+{c} ")).collect();
        let mut made = Vec::new();
        let mut dir = self.base.clone();
        let parts: Vec<&str> = cgroups_path.split('/').filter(|p| !p.is_empty()).collect();
        for part in &parts {
            // Controllers for the children of each level; a level with
            // processes of its own refuses (EBUSY): fine without limits.
            if !enable.is_empty() {
                let r = std::fs::write(dir.join("cgroup.subtree_control"), enable.trim_end());
                if let Err(e) = r {
                    if !wanted.is_empty() {
                        return Err(Error::Runtime(format!("enable the controllers {} in {}: {e}", enable.trim_end(), dir.display())));
                    }
                }
            }
            dir.push(part);
            match std::fs::create_dir(&dir) {
                Ok(()) => made.push(dir.clone()),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
                Err(e) => return Err(Error::Runtime(format!("create the cgroup {}: {e}", dir.display()))),
            }
        }
        limit(&dir, res)?;
        Ok((dir, made))
    }

    /// `update`: the container's existing folder gets the new limits.
    pub fn update(&self, cgroups_path: &str, res: &LinuxResources) -> Result<()> {
        let dir = self.dir(cgroups_path);
        if !dir.is_dir() {
            return Err(Error::Runtime(format!("the container's cgroup {} is gone", dir.display())));
        }
        limit(&dir, res)
    }

    /// Moves our own process out of the base into the leaf, where it is in
    /// the base itself (the no-internal-process rule).
    fn leave_base(&self) -> Result<()> {
        let me = std::process::id().to_string();
        let procs = std::fs::read_to_string(self.base.join("cgroup.procs")).unwrap_or_default();
        if !procs.lines().any(|p| p.trim() == me) {
            return Ok(());
        }
        let leaf = self.base.join(LEAF);
        match std::fs::create_dir(&leaf) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(Error::Runtime(format!("create the cgroup {}: {e}", leaf.display()))),
        }
        write(&leaf, "cgroup.procs", "0")
    }
}

/// The controllers the resources need.
fn needed(r: &LinuxResources) -> Vec<&'static str> {
    let mut out = Vec::new();
    if r.memory().as_ref().is_some_and(|m| m.limit().is_some() || m.swap().is_some() || m.reservation().is_some()) {
        out.push("memory");
    }
    if r.cpu().as_ref().is_some_and(|c| c.shares().is_some() || c.quota().is_some()) {
        out.push("cpu");
    }
    if r.cpu().as_ref().is_some_and(|c| c.cpus().is_some() || c.mems().is_some()) {
        out.push("cpuset");
    }
    if r.pids().as_ref().is_some_and(|p| p.limit() > 0) {
        out.push("pids");
    }
    if r.block_io().is_some() {
        out.push("io");
    }
    out
}

/// The v2 files for OCI's (v1-shaped) resources.
fn limit(dir: &Path, r: &LinuxResources) -> Result<()> {
    if let Some(m) = r.memory() {
        if let Some(l) = m.limit() {
            write(dir, "memory.max", &l.to_string())?;
            match m.swap() {
                Some(-1) => write(dir, "memory.swap.max", "max")?,
                // v1's swap is memory plus swap; v2's is swap alone.
                Some(s) if s >= l => write(dir, "memory.swap.max", &(s - l).to_string())?,
                _ => {}
            }
        }
        if let Some(s) = m.reservation() {
            write(dir, "memory.low", &s.to_string())?;
        }
    }
    if let Some(c) = r.cpu() {
        if let Some(q) = c.quota() {
            write(dir, "cpu.max", &format!("{q} {}", c.period().unwrap_or(100_000)))?;
        }
        if let Some(s) = c.shares() {
            write(dir, "cpu.weight", &shares_to_weight(s).to_string())?;
        }
        if let Some(m) = c.mems() {
            write(dir, "cpuset.mems", m)?;
        }
        if let Some(cpus) = c.cpus() {
            write(dir, "cpuset.cpus", cpus)?;
        }
    }
    if let Some(p) = r.pids().as_ref().filter(|p| p.limit() > 0) {
        write(dir, "pids.max", &p.limit().to_string())?;
    }
    if let Some(io) = r.block_io() {
        if let Some(w) = io.weight() {
            write(dir, "io.weight", &format!("default {}", blkio_to_io_weight(w)))?;
        }
        for d in io.weight_device().iter().flatten() {
            if let Some(w) = d.weight() {
                write(dir, "io.weight", &format!("{}:{} {}", d.major(), d.minor(), blkio_to_io_weight(w)))?;
            }
        }
        for (key, list) in [
            ("rbps", io.throttle_read_bps_device()),
            ("wbps", io.throttle_write_bps_device()),
            ("riops", io.throttle_read_iops_device()),
            ("wiops", io.throttle_write_iops_device()),
        ] {
            for d in list.iter().flatten() {
                write(dir, "io.max", &format!("{}:{} {key}={}", d.major(), d.minor(), d.rate()))?;
            }
        }
    }
    Ok(())
}

/// crun's conversion of a blkio weight (10..1000) to io.weight (1..10000).
fn blkio_to_io_weight(w: u16) -> u64 {
    1 + (u64::from(w).saturating_sub(10)) * 9999 / 990
}

/// runc's conversion of cpu shares (2..262144) to cpu.weight (1..10000).
fn shares_to_weight(shares: u64) -> u64 {
    1 + (shares.clamp(2, 262_144) - 2) * 9999 / 262_142
}

/// The v2 folder of process `pid`, when it is inside our delegation.
pub fn dir_of(pid: i32, d: &Delegation) -> Option<PathBuf> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/cgroup")).ok()?;
    let rel = text.lines().find_map(|l| l.strip_prefix("0::"))?.trim();
    let dir = mount_point()?.join(rel.trim_start_matches('/'));
    (dir.starts_with(&d.base) && dir != d.base && !dir.ends_with(LEAF)).then_some(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights() {
        assert_eq!(shares_to_weight(2), 1);
        assert_eq!(shares_to_weight(1024), 39);
        assert_eq!(shares_to_weight(262_144), 10_000);
    }
}
