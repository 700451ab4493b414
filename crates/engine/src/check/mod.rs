//! `system check [--repair] [--quick] [--force] [--max]` (podman 5's
//! command): verifies every object of the store and the links between them,
//! and with `repair` removes what is damaged or orphaned.
//!
//! What is checked, kind by kind:
//! - blobs: blobs/sha256/<hex> hashes to <hex> (`quick`: only the small ones);
//!   one no image names is an orphan once older than `max_age`.
//! - layers: layers/<hex>/layer.json present, parses and names <hex>; diff/
//!   present; (not `quick`) its files hold at least the bytes recorded; one no
//!   image lists is an orphan once older than `max_age` (a pull publishes its
//!   layers before its image record: a younger one may be a pull at work).
//! - images: the record parses and names its file; its config and manifest
//!   blobs are present and whole; every layer is present and whole.
//! - containers: a folder has config.json (else: an unfinished create),
//!   config and state parse, spec.json parses, its image, its writable layer
//!   (rootfs/ with vfs) and its named volumes exist.
//! - volumes: volume.json present and parses, _data/ present; an anonymous
//!   volume no container mounts is an orphan (its container's removal was cut
//!   short).
//! - networks: each record parses and names its file.
//! - leftovers: tmp/layer-*, tmp/rm-* and `.tmp-*` files of writes whose
//!   process is gone.
//!
//! The scan holds the store lock, so no create, rm or rmi is half-way while
//! it looks. Repair then goes through the engine's own removal sequences
//! (containers::remove_one, images::remove, LayerStore::remove,
//! VolumeStore::remove), each taking its locks; only records that cannot be
//! parsed, which those sequences cannot read, are deleted here (under the
//! store lock). A running container's files are never touched: a damaged
//! running container is reported and kept. An image used by containers is
//! kept unless `force`, which removes those containers too (as podman).
//! After a repair the store is scanned again: what remains is reported.

use super::Engine;
use crate::error::{Error, Result};
use crate::lock;
use sangja_container::mounts::MountRequest;
use sangja_container::record::{self, Container, ContainerConfig, ContainerState, ContainerStore};
use sangja_image::store::{is_full_id, ImageRecord};
use sangja_network::store::{NetworkRecord, NetworkStore};
use sangja_storage::layers::{LayerInfo, LayerStore};
use sangja_storage::volumes::{Volume, VolumeStore};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// podman's default for `--max`: unreferenced layers younger than this are left alone.
pub const DEFAULT_MAX_AGE: Duration = Duration::from_secs(24 * 3600);

/// Blobs larger than this are not hashed with `quick`.
const QUICK_BLOB_LIMIT: u64 = 1 << 20;

mod repair;
mod scan;
use repair::repair;
use scan::scan;

/// `system check` flags.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct CheckRequest {
    /// Remove what is damaged or orphaned.
    pub repair: bool,
    /// With `repair`: also remove the containers that use damaged images.
    pub force: bool,
    /// Skip the slow checks (hashing big blobs, walking layers' files).
    pub quick: bool,
    /// Orphan layers and blobs younger than this are not reported.
    pub max_age: Duration,
}

impl Default for CheckRequest {
    fn default() -> Self {
        CheckRequest { repair: false, force: false, quick: false, max_age: DEFAULT_MAX_AGE }
    }
}

/// What a finding is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Blob,
    Layer,
    Image,
    Container,
    Volume,
    Network,
    /// Half-done work of a process that is gone (temp folders and files).
    Leftover,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Blob => "blob",
            Kind::Layer => "layer",
            Kind::Image => "image",
            Kind::Container => "container",
            Kind::Volume => "volume",
            Kind::Network => "network",
            Kind::Leftover => "leftover",
        }
    }
}

/// One damaged or orphaned object.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    pub kind: Kind,
    /// Its id, digest, name or (leftovers) path.
    pub id: String,
    /// What is wrong, one sentence each.
    pub problems: Vec<String>,
    /// Referenced by nothing (rather than damaged).
    pub orphan: bool,
    #[serde(skip)]
    action: Action,
}

/// How repair deals with a finding.
#[derive(Debug, Clone)]
enum Action {
    /// A file or folder nothing reads (leftovers, orphan blobs, bad records).
    RemovePath(PathBuf),
    /// A layer folder: LayerStore::remove.
    RemoveLayer(String),
    /// An image: images::remove; `parsed` false: only its record file can go.
    RemoveImage { parsed: bool, users: Vec<String> },
    /// A container: containers::remove_one; `parsed` false: its folder is deleted.
    RemoveContainer { parsed: bool, running: bool },
    /// A volume folder whose record is missing or bad: write a fresh one (its data stays).
    AdoptVolume,
    /// A volume whose _data/ is missing: make an empty one.
    RemakeVolumeData,
    /// An anonymous volume no container uses: VolumeStore::remove.
    RemoveVolume,
    /// A network record that does not parse.
    RemoveNetwork(PathBuf),
    /// A container recorded as running whose process and monitor are gone:
    /// its exit is recorded (Container::mark_exited, the one state writer).
    RecordExit,
}

/// How many objects of each kind were looked at.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Counts {
    pub blobs: usize,
    pub layers: usize,
    pub images: usize,
    pub containers: usize,
    pub volumes: usize,
    pub networks: usize,
}

/// What repair did or declined to do with one finding.
#[derive(Debug, Clone, Serialize)]
pub struct Repair {
    pub kind: Kind,
    pub id: String,
    /// "deleted", "rewrote the record of"...: what was done.
    pub done: String,
    /// It was an orphan (not damaged).
    pub orphan: bool,
}

/// A finding repair left alone, and why.
#[derive(Debug, Clone, Serialize)]
pub struct Kept {
    pub kind: Kind,
    pub id: String,
    pub why: String,
}

/// The result of `system check`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CheckReport {
    pub checked: Counts,
    /// What the (first) scan found.
    pub found: Vec<Finding>,
    /// What repair removed or rewrote.
    pub repaired: Vec<Repair>,
    /// What repair left alone, and why.
    pub kept: Vec<Kept>,
    /// What a scan after the repair still finds (repair only).
    pub remaining: Vec<Finding>,
    /// Repair steps that failed.
    pub errors: Vec<String>,
}

impl CheckReport {
    /// Whether damage is left: found without repair, or remaining after it.
    pub fn damaged(&self, repaired: bool) -> bool {
        if repaired {
            !self.remaining.is_empty()
        } else {
            !self.found.is_empty()
        }
    }
}

/// Runs the check, and the repair when asked.
pub fn check(engine: &Engine, req: &CheckRequest) -> Result<CheckReport> {
    let (checked, found) = {
        let _guard = lock::exclusive(&engine.paths.store_lock())?;
        scan(engine, req)?
    };
    let mut report = CheckReport { checked, found, ..Default::default() };
    if req.repair && !report.found.is_empty() {
        repair(engine, req, &mut report);
        let _guard = lock::exclusive(&engine.paths.store_lock())?;
        let (checked, remaining) = scan(engine, req)?;
        report.checked = checked;
        report.remaining = remaining;
    }
    Ok(report)
}

/// Removes the orphans and leftovers a check with the default `--max` would
/// report (nothing damaged): what `system prune` and `image prune` add.
pub fn collect_orphans(engine: &Engine) -> Result<Vec<Repair>> {
    let req = CheckRequest { repair: true, ..Default::default() };
    let found = {
        let _guard = lock::exclusive(&engine.paths.store_lock())?;
        scan(engine, &req)?.1
    };
    let found: Vec<Finding> = found.into_iter().filter(|f| f.orphan || f.kind == Kind::Leftover).collect();
    let mut report = CheckReport { found, ..Default::default() };
    if !report.found.is_empty() {
        repair(engine, &req, &mut report);
    }
    match report.errors.into_iter().next() {
        Some(e) => Err(Error::Internal(format!("removing an orphan failed: {e}"))),
        None => Ok(report.repaired),
    }
}

fn finding(kind: Kind, id: impl Into<String>, problems: Vec<String>, action: Action) -> Finding {
    Finding { kind, id: id.into(), problems, orphan: false, action }
}

fn orphan(kind: Kind, id: impl Into<String>, problem: String, action: Action) -> Finding {
    Finding { kind, id: id.into(), problems: vec![problem], orphan: true, action }
}

/// Whether the pid named in a temp name runs (then its work is not a leftover).
fn pid_alive(pid: Option<i32>) -> bool {
    pid.is_some_and(|p| p > 0 && Path::new(&format!("/proc/{p}")).exists())
}

/// The pid of `prefix-PID-RANDOM` (tmp/ folders); `rm-ctr-<id>` has none.
fn tmp_name_pid(name: &str) -> Option<i32> {
    let parts: Vec<&str> = name.split('-').collect();
    parts.len().checked_sub(2).and_then(|i| parts[i].parse().ok())
}

/// The pid of `.tmp-PID-NAME` (json_file's and volumes' temp names).
fn dot_tmp_pid(name: &str) -> Option<i32> {
    name.strip_prefix(".tmp-")?.split('-').next()?.parse().ok()
}

/// A `.tmp-PID-...` entry whose process is gone, as a leftover finding.
fn dot_tmp_leftover(dir: &Path, name: &str) -> Option<Finding> {
    if !name.starts_with(".tmp-") || pid_alive(dot_tmp_pid(name)) {
        return None;
    }
    let p = dir.join(name);
    Some(finding(
        Kind::Leftover,
        p.display().to_string(),
        vec!["the temp file of a write that was cut short".into()],
        Action::RemovePath(p),
    ))
}

fn age(path: &Path) -> Duration {
    fs::symlink_metadata(path).and_then(|m| m.modified()).ok().and_then(|t| SystemTime::now().duration_since(t).ok()).unwrap_or_default()
}

fn sha256_file(path: &Path) -> std::io::Result<String> {
    let mut f = fs::File::open(path)?;
    let mut h = Sha256::new();
    std::io::copy(&mut f, &mut h)?;
    Ok(hex::encode(h.finalize()))
}

/// Bytes of regular file content under `dir` (each inode once), not following links.
fn content_size(dir: &Path) -> u64 {
    use std::os::unix::fs::MetadataExt;
    let mut total = 0;
    let mut seen = HashSet::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = fs::read_dir(&d) else { continue };
        for e in rd.flatten() {
            let Ok(m) = e.metadata() else { continue };
            if m.is_dir() {
                stack.push(e.path());
            } else if m.is_file() && (m.nlink() == 1 || seen.insert((m.dev(), m.ino()))) {
                total += m.size();
            }
        }
    }
    total
}

fn short(id: &str) -> &str {
    let id = id.strip_prefix("sha256:").unwrap_or(id);
    &id[..id.len().min(12)]
}

/// Parses a Go-style duration ("24h", "90m", "1h30m", "10s", "0").
pub fn parse_duration(s: &str) -> Result<Duration> {
    let bad = || Error::Invalid(format!("invalid duration {s:?}: use a number with a unit, e.g. 24h, 90m, 1h30m, 10s"));
    if s == "0" {
        return Ok(Duration::ZERO);
    }
    let mut total = Duration::ZERO;
    let mut rest = s;
    if rest.is_empty() {
        return Err(bad());
    }
    while !rest.is_empty() {
        let n_end = rest.find(|c: char| !c.is_ascii_digit() && c != '.').ok_or_else(bad)?;
        let n: f64 = rest[..n_end].parse().map_err(|_| bad())?;
        rest = &rest[n_end..];
        let u_end = rest.find(|c: char| c.is_ascii_digit()).unwrap_or(rest.len());
        let secs = match &rest[..u_end] {
            "h" => 3600.0,
            "m" => 60.0,
            "s" => 1.0,
            "ms" => 0.001,
            _ => return Err(bad()),
        };
        rest = &rest[u_end..];
        total += Duration::from_secs_f64(n * secs);
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("24h").unwrap(), Duration::from_secs(86400));
        assert_eq!(parse_duration("1h30m").unwrap(), Duration::from_secs(5400));
        assert_eq!(parse_duration("0").unwrap(), Duration::ZERO);
        assert_eq!(parse_duration("10s").unwrap(), Duration::from_secs(10));
        assert!(parse_duration("ten").is_err());
        assert!(parse_duration("10").is_err());
        assert!(parse_duration("").is_err());
    }

    #[test]
    fn temp_name_pids() {
        assert_eq!(tmp_name_pid("rm-layer-123-abcdef"), Some(123));
        assert_eq!(tmp_name_pid("layer-77-00ff"), Some(77));
        assert_eq!(tmp_name_pid("rm-ctr-0123abcd"), None);
        assert_eq!(dot_tmp_pid(".tmp-42-state.json"), Some(42));
        assert_eq!(dot_tmp_pid(".tmp-x"), None);
    }
}
