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

/// Looks at the whole store; the caller holds the store lock.
fn scan(engine: &Engine, req: &CheckRequest) -> Result<(Counts, Vec<Finding>)> {
    let paths = &engine.paths;
    let mut counts = Counts::default();
    let mut out = Vec::new();

    // Leftovers in tmp/.
    for name in crate::paths::entry_names(&paths.tmp_dir())? {
        let dead = (name.starts_with("rm-") || name.starts_with("layer-")) && !pid_alive(tmp_name_pid(&name));
        if dead {
            let p = paths.tmp_dir().join(&name);
            out.push(finding(
                Kind::Leftover,
                p.display().to_string(),
                vec!["half-done work of a process that is gone".into()],
                Action::RemovePath(p),
            ));
        }
    }

    // Build-cache entries that can never hit again (build/cache.rs).
    for p in crate::build::stale_cache_entries(engine) {
        out.push(finding(
            Kind::Leftover,
            p.display().to_string(),
            vec!["a build-cache entry whose layers are gone (or unreadable)".into()],
            Action::RemovePath(p),
        ));
    }

    // Image records (read first: they say which blobs and layers are used).
    let images_dir = paths.images_dir();
    let mut images: Vec<ImageRecord> = Vec::new();
    let mut image_findings: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut garbage_images: Vec<String> = Vec::new();
    for name in crate::paths::entry_names(&images_dir)? {
        if let Some(f) = dot_tmp_leftover(&images_dir, &name) {
            out.push(f);
            continue;
        }
        let Some(id) = name.strip_suffix(".json").filter(|id| is_full_id(id)) else { continue };
        counts.images += 1;
        match crate::json_file::read::<ImageRecord>(&images_dir.join(&name)) {
            Ok(r) if r.id == id => images.push(r),
            Ok(r) => {
                image_findings.entry(id.to_string()).or_default().push(format!("its record names another id ({})", short(&r.id)));
                garbage_images.push(id.to_string());
            }
            Err(e) => {
                image_findings.entry(id.to_string()).or_default().push(format!("its record cannot be read: {e}"));
                garbage_images.push(id.to_string());
            }
        }
    }

    // Blobs.
    let mut bad_blobs: HashSet<String> = HashSet::new();
    let used_blobs: HashSet<String> = images.iter().flat_map(|i| [format!("sha256:{}", i.id), i.digest.clone()]).collect();
    let blob_dir = paths.blobs_dir().join("sha256");
    for name in crate::paths::entry_names(&blob_dir)? {
        if let Some(f) = dot_tmp_leftover(&blob_dir, &name) {
            out.push(f);
            continue;
        }
        if !is_full_id(&name) {
            continue;
        }
        counts.blobs += 1;
        let p = blob_dir.join(&name);
        let digest = format!("sha256:{name}");
        let size = fs::metadata(&p).map(|m| m.len()).unwrap_or(0);
        if !req.quick || size <= QUICK_BLOB_LIMIT {
            let problem = match sha256_file(&p) {
                Ok(h) if h == name => None,
                Ok(h) => Some(format!("its content hashes to sha256:{h}, not its name")),
                Err(e) => Some(format!("it cannot be read: {e}")),
            };
            if let Some(problem) = problem {
                bad_blobs.insert(digest.clone());
                out.push(finding(Kind::Blob, digest, vec![problem], Action::RemovePath(p)));
                continue;
            }
        }
        if !used_blobs.contains(&digest) && age(&p) >= req.max_age {
            out.push(orphan(Kind::Blob, digest, "no image uses it".into(), Action::RemovePath(p)));
        }
    }

    // Layers.
    let layers_dir = paths.layers_dir();
    // The build cache's layers are used too (a later build reuses them).
    let cache_layers = crate::build::cache_layers(engine);
    let used_layers: HashSet<&str> =
        images.iter().flat_map(|i| i.layers.iter().map(String::as_str)).chain(cache_layers.iter().map(String::as_str)).collect();
    let mut good_layers: HashSet<String> = HashSet::new();
    for name in crate::paths::entry_names(&layers_dir)? {
        if name.ends_with(".lock") || !is_full_id(&name) {
            continue;
        }
        counts.layers += 1;
        let dir = layers_dir.join(&name);
        let digest = format!("sha256:{name}");
        let json = dir.join("layer.json");
        let mut problems = Vec::new();
        if !json.exists() {
            problems.push("it has no layer.json: an extraction or a removal was cut short".to_string());
        } else {
            match crate::json_file::read::<LayerInfo>(&json) {
                Err(e) => problems.push(format!("its layer.json cannot be read: {e}")),
                Ok(info) if info.digest != digest => problems.push(format!("its layer.json names another layer ({})", info.digest)),
                Ok(info) => {
                    if !dir.join("diff").is_dir() {
                        problems.push("its diff/ folder is missing".into());
                    } else if !req.quick {
                        let have = content_size(&dir.join("diff"));
                        if have < info.size {
                            problems
                                .push(format!("its files hold {have} bytes of the {} recorded: some are missing or truncated", info.size));
                        }
                    }
                }
            }
        }
        if !problems.is_empty() {
            out.push(finding(Kind::Layer, digest, problems, Action::RemoveLayer(format!("sha256:{name}"))));
            continue;
        }
        good_layers.insert(digest.clone());
        if !used_layers.contains(digest.as_str()) && age(&json) >= req.max_age {
            out.push(orphan(Kind::Layer, digest.clone(), "no image uses it".into(), Action::RemoveLayer(digest)));
        }
    }

    // Image links.
    for i in &images {
        let problems = image_findings.entry(i.id.clone()).or_default();
        // A manifest list has no config: its record's digest is its index blob.
        let blobs = if super::manifest::is_list(i) {
            vec![("index", i.digest.clone())]
        } else {
            vec![("config", format!("sha256:{}", i.id)), ("manifest", i.digest.clone())]
        };
        for (what, d) in blobs {
            if bad_blobs.contains(&d) {
                problems.push(format!("its {what} blob {d} is damaged"));
            } else if !paths.blob_path(&d).is_file() {
                problems.push(format!("its {what} blob {d} is missing"));
            }
        }
        for l in &i.layers {
            if !good_layers.contains(l) {
                problems.push(format!("its layer {l} is missing or damaged"));
            }
        }
    }

    // Containers.
    let ctr_dir = paths.containers_dir();
    let mut configs: Vec<ContainerConfig> = Vec::new();
    let mut image_users: HashMap<String, Vec<String>> = HashMap::new();
    let all_image_ids: HashSet<&str> = images.iter().map(|i| i.id.as_str()).chain(garbage_images.iter().map(String::as_str)).collect();
    let volume_store = VolumeStore::new(paths);
    let vfs = paths.driver == "vfs";
    for name in crate::paths::entry_names(&ctr_dir)? {
        let dir = ctr_dir.join(&name);
        if let Some(f) = dot_tmp_leftover(&ctr_dir, &name) {
            out.push(f);
            continue;
        }
        if !dir.is_dir() {
            continue;
        }
        counts.containers += 1;
        for inner in crate::paths::entry_names(&dir)? {
            if let Some(f) = dot_tmp_leftover(&dir, &inner) {
                out.push(f);
            }
        }
        let cfg_path = dir.join("config.json");
        if !cfg_path.exists() {
            out.push(finding(
                Kind::Container,
                name.clone(),
                vec!["its folder has no config.json: a create was cut short".into()],
                Action::RemoveContainer { parsed: false, running: false },
            ));
            continue;
        }
        let config = match crate::json_file::read::<ContainerConfig>(&cfg_path) {
            Ok(c) => c,
            Err(e) => {
                out.push(finding(
                    Kind::Container,
                    name.clone(),
                    vec![format!("its config cannot be read: {e}")],
                    Action::RemoveContainer { parsed: false, running: false },
                ));
                continue;
            }
        };
        let mut state = match crate::json_file::read_opt::<ContainerState>(&dir.join("state.json")) {
            Ok(s) => s.unwrap_or_default(),
            Err(e) => {
                out.push(finding(
                    Kind::Container,
                    name.clone(),
                    vec![format!("its state cannot be read: {e}")],
                    Action::RemoveContainer { parsed: false, running: false },
                ));
                continue;
            }
        };
        let recorded_running = state.status.as_str() == "running" || state.status.as_str() == "paused";
        record::reconcile(&mut state);
        let c = Container { config, state, dir: dir.clone() };
        if recorded_running && !c.is_running() {
            out.push(finding(
                Kind::Container,
                name.clone(),
                vec!["it is recorded as running, but its process and its monitor are gone".into()],
                Action::RecordExit,
            ));
        }
        let mut problems = Vec::new();
        if c.config.id != name {
            problems.push(format!("its config names another id ({})", short(&c.config.id)));
        }
        match crate::json_file::read_opt::<oci_spec::runtime::Spec>(&dir.join("spec.json")) {
            Ok(Some(_)) => {}
            Ok(None) => problems.push("its spec.json is missing: a create was cut short".into()),
            Err(e) => problems.push(format!("its spec cannot be read: {e}")),
        }
        if !all_image_ids.contains(c.config.image_id.as_str()) {
            problems.push(format!("its image {} is not in the store", short(&c.config.image_id)));
        }
        let own = if vfs { c.rootfs_dir() } else { c.upper_dir() };
        if !own.is_dir() {
            problems.push(format!("its writable layer {} is missing", own.display()));
        }
        for m in &c.config.options.mounts {
            if let MountRequest::Volume { name: v, .. } = m {
                if !volume_store.dir().join(v).is_dir() {
                    problems.push(format!("its volume {v} is missing"));
                }
            }
        }
        image_users.entry(c.config.image_id.clone()).or_default().push(c.config.id.clone());
        if !problems.is_empty() {
            out.push(finding(Kind::Container, name, problems, Action::RemoveContainer { parsed: true, running: c.is_running() }));
        }
        configs.push(c.config);
    }

    // Image findings, now that their users are known.
    for (id, problems) in image_findings {
        if problems.is_empty() {
            continue;
        }
        let parsed = !garbage_images.contains(&id);
        let users = image_users.get(&id).cloned().unwrap_or_default();
        out.push(finding(Kind::Image, id, problems, Action::RemoveImage { parsed, users }));
    }

    // Volumes.
    let mut vol_users: HashSet<&str> = HashSet::new();
    for c in &configs {
        for m in &c.options.mounts {
            if let MountRequest::Volume { name, .. } = m {
                vol_users.insert(name.as_str());
            }
        }
    }
    let vdir = volume_store.dir();
    for name in crate::paths::entry_names(&vdir)? {
        if name.starts_with(".tmp-") {
            if let Some(f) = dot_tmp_leftover(&vdir, &name) {
                out.push(f);
            }
            continue;
        }
        if name.starts_with('.') || !vdir.join(&name).is_dir() {
            continue;
        }
        counts.volumes += 1;
        let json = vdir.join(&name).join("volume.json");
        match crate::json_file::read_opt::<Volume>(&json) {
            Ok(None) => out.push(finding(Kind::Volume, name, vec!["its volume.json is missing".into()], Action::AdoptVolume)),
            Err(e) => out.push(finding(Kind::Volume, name, vec![format!("its record cannot be read: {e}")], Action::AdoptVolume)),
            Ok(Some(v)) => {
                if v.mount_type().is_none() && !volume_store.data_dir(&name).is_dir() {
                    out.push(finding(Kind::Volume, name, vec!["its _data/ folder is missing".into()], Action::RemakeVolumeData));
                } else if v.anonymous && !vol_users.contains(name.as_str()) {
                    out.push(orphan(
                        Kind::Volume,
                        name,
                        "an anonymous volume no container uses (its container's removal was cut short)".into(),
                        Action::RemoveVolume,
                    ));
                }
            }
        }
    }

    // Networks.
    let net_dir = paths.root.join("networks");
    for name in crate::paths::entry_names(&net_dir)? {
        if let Some(f) = dot_tmp_leftover(&net_dir, &name) {
            out.push(f);
            continue;
        }
        let Some(n) = name.strip_suffix(".json").filter(|n| !n.starts_with('.')) else { continue };
        counts.networks += 1;
        let p = net_dir.join(&name);
        match crate::json_file::read::<NetworkRecord>(&p) {
            Ok(r) if r.name == n => {}
            Ok(r) => out.push(finding(
                Kind::Network,
                n,
                vec![format!("its record names another network ({})", r.name)],
                Action::RemoveNetwork(p),
            )),
            Err(e) => out.push(finding(Kind::Network, n, vec![format!("its record cannot be read: {e}")], Action::RemoveNetwork(p))),
        }
    }
    out.sort_by(|a, b| (a.kind, &a.id).cmp(&(b.kind, &b.id)));
    Ok((counts, out))
}

/// Removes a file or a folder; gone already is fine.
fn remove_path(p: &Path) -> Result<()> {
    match fs::symlink_metadata(p) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(Error::io_path("inspect", p, e)),
        Ok(m) if m.is_dir() => sangja_storage::remove_tree(p),
        Ok(_) => match fs::remove_file(p) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(Error::io_path("remove", p, e)),
            _ => Ok(()),
        },
    }
}

/// A stand-in record for a container folder whose config cannot be read:
/// enough for ContainerStore::delete, which needs only its id and folder.
fn stand_in(engine: &Engine, id: &str) -> Container {
    let config = ContainerConfig {
        id: id.to_string(),
        name: String::new(),
        image_id: String::new(),
        image_name: String::new(),
        command: Vec::new(),
        created: String::new(),
        options: Default::default(),
    };
    Container { config, state: ContainerState::default(), dir: engine.paths.containers_dir().join(id) }
}

/// Repairs in an order where each step's removal path can still read what it needs:
/// leftovers; unreadable records (which break the lists the rm sequences read);
/// containers; images; layers; blobs; volumes; networks.
fn repair(engine: &Engine, req: &CheckRequest, report: &mut CheckReport) {
    let mut order: Vec<Finding> = report.found.clone();
    let rank = |f: &Finding| match &f.action {
        Action::RemovePath(_) if f.kind == Kind::Leftover => 0,
        Action::RemoveContainer { parsed: false, .. } => 1,
        Action::RemoveImage { parsed: false, .. } => 2,
        Action::RemoveContainer { .. } => 3,
        Action::RemoveImage { .. } => 4,
        Action::RemoveLayer(_) => 5,
        Action::RemovePath(_) => 6,
        _ => 7,
    };
    order.sort_by_key(|f| rank(f));
    // Layers of images repair keeps (in use, no --force) stay with them.
    let mut kept_images: HashSet<String> = HashSet::new();
    let store = ContainerStore::new(&engine.paths);
    for f in order {
        let done = |what: &str| Repair { kind: f.kind, id: f.id.clone(), done: what.to_string(), orphan: f.orphan };
        let result: Result<Option<Repair>> = match &f.action {
            Action::RemovePath(p) => remove_path(p).map(|_| Some(done("deleted"))),
            Action::RemoveContainer { running: true, .. } => {
                report.kept.push(Kept { kind: f.kind, id: f.id.clone(), why: "it is running: stop it, then repair again".into() });
                Ok(None)
            }
            Action::RemoveContainer { parsed: false, .. } => (|| {
                let _guard = lock::exclusive(&engine.paths.store_lock())?;
                // A create cut short names its anonymous volumes in its
                // write-ahead record: recover undoes it whole (volumes, then
                // the folder); what it leaves is deleted below.
                let _ = super::recover::sweep_locked(engine);
                let c = stand_in(engine, &f.id);
                if !c.dir.exists() {
                    return Ok(Some(done("deleted")));
                }
                store.delete(&c)?;
                drop(_guard);
                super::network::cleanup(engine, &f.id);
                Ok(Some(done("deleted")))
            })(),
            Action::RemoveContainer { parsed: true, .. } => match super::containers::remove_one(engine, &f.id, false) {
                Ok(_) | Err(Error::ContainerNotFound(_)) => Ok(Some(done("deleted"))),
                Err(e) => Err(e),
            },
            Action::RemoveImage { users, .. } if !users.is_empty() && !req.force => {
                kept_images.insert(f.id.clone());
                let names: Vec<&str> = users.iter().map(|u| short(u)).collect();
                report.kept.push(Kept {
                    kind: f.kind,
                    id: f.id.clone(),
                    why: format!("container(s) {} use it: remove them, or repair with --force", names.join(", ")),
                });
                Ok(None)
            }
            Action::RemoveImage { parsed: false, users } => (|| {
                for u in users {
                    match super::containers::remove_one(engine, u, true) {
                        Ok(_) | Err(Error::ContainerNotFound(_)) => {}
                        Err(e) => return Err(e),
                    }
                }
                let _guard = lock::exclusive(&engine.paths.store_lock())?;
                remove_path(&engine.paths.images_dir().join(format!("{}.json", f.id)))?;
                drop(_guard);
                if super::drivers::driver(engine) == super::drivers::Driver::Vfs {
                    super::drivers::remove_pristine(&engine.paths, &f.id, true)?;
                }
                Ok(Some(done("deleted")))
            })(),
            Action::RemoveImage { parsed: true, .. } => match super::images::remove(engine, &f.id, req.force) {
                Ok(_) | Err(Error::ImageNotFound(_)) => Ok(Some(done("deleted"))),
                Err(e) => Err(e),
            },
            Action::RemoveLayer(d) => (|| {
                let _guard = lock::exclusive(&engine.paths.store_lock())?;
                // Still wanted by an image repair kept, or (orphans) by one pulled meanwhile?
                let images = sangja_image::store::ImageStore::new(&engine.paths).list().unwrap_or_default();
                let wanted = images.iter().any(|i| i.layers.contains(d) && (f.orphan || kept_images.contains(&i.id)));
                if wanted {
                    return Ok(None);
                }
                LayerStore::new(&engine.paths).remove(d)?;
                Ok(Some(done("deleted")))
            })(),
            Action::AdoptVolume => (|| {
                let _guard = lock::exclusive(&engine.paths.store_lock())?;
                let vs = VolumeStore::new(&engine.paths);
                let v = Volume {
                    name: f.id.clone(),
                    driver: "local".into(),
                    created_at: record::now(),
                    labels: Default::default(),
                    options: Default::default(),
                    anonymous: false,
                    populated: true,
                };
                let data = vs.data_dir(&f.id);
                if !data.is_dir() {
                    fs::create_dir_all(&data).map_err(|e| Error::io_path("create", &data, e))?;
                }
                vs.save(&v)?;
                Ok(Some(done("rewrote the record of")))
            })(),
            Action::RemakeVolumeData => {
                let data = VolumeStore::new(&engine.paths).data_dir(&f.id);
                fs::create_dir_all(&data).map_err(|e| Error::io_path("create", &data, e)).map(|_| Some(done("remade the empty _data/ of")))
            }
            Action::RemoveVolume => (|| {
                let _guard = lock::exclusive(&engine.paths.store_lock())?;
                let users = store.list().map(|l| {
                    l.iter()
                        .any(|c| c.config.options.mounts.iter().any(|m| matches!(m, MountRequest::Volume { name, .. } if *name == f.id)))
                });
                if users.unwrap_or(true) {
                    return Ok(None);
                }
                VolumeStore::new(&engine.paths).remove(&f.id)?;
                Ok(Some(done("deleted")))
            })(),
            Action::RecordExit => (|| {
                let dir = engine.paths.containers_dir().join(&f.id);
                if !dir.join("config.json").exists() {
                    return Ok(None);
                }
                let config: ContainerConfig = crate::json_file::read(&dir.join("config.json"))?;
                let mut c = Container { config, state: ContainerState::default(), dir };
                // A start holds this lock until the new pid is recorded.
                let _starting = c.start_lock()?;
                c.state = crate::json_file::read_opt(&c.dir.join("state.json"))?.unwrap_or_default();
                let gone =
                    |s: &ContainerState| !record::same_process(s.pid, s.pid_start) && !record::same_process(s.monitor_pid, s.monitor_start);
                if !c.is_running() || !gone(&c.state) {
                    return Ok(None);
                }
                c.mark_exited(-1)?;
                Ok(Some(done("recorded the exit of")))
            })(),
            Action::RemoveNetwork(p) => (|| {
                let ns = NetworkStore::new(&engine.paths.root);
                ns.ensure()?;
                let _guard = lock::exclusive(&ns.lock_path())?;
                remove_path(p)?;
                Ok(Some(done("deleted")))
            })(),
        };
        match result {
            Ok(Some(r)) => report.repaired.push(r),
            Ok(None) => {}
            Err(e) => report.errors.push(format!("{} {}: {e}", f.kind.as_str(), f.id)),
        }
    }
    // Half-done work the layer and volume stores know how to sweep.
    let _ = LayerStore::new(&engine.paths).sweep();
    VolumeStore::new(&engine.paths).sweep();
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
