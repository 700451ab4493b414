//! `system prune`, `system reset`, `image prune`, `volume prune`: which
//! objects go, chosen here; each removal goes through the engine's own
//! sequence (containers::remove_one, images::remove, volumes::remove,
//! network::remove), and the orphans `system check` would report
//! (check::collect_orphans) go with a prune of images or of the system.

use super::check;
use super::Engine;
use crate::error::{Error, Result};
use sangja_container::record::ContainerStore;
use sangja_image::store::ImageStore;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};

/// `--filter` of the prune commands: label=KEY[=VALUE], label!=KEY[=VALUE], until=WHEN.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct PruneFilters {
    /// (key, value, wanted): wanted false for `label!=`.
    labels: Vec<(String, Option<String>, bool)>,
    /// Only objects created before this (Unix seconds).
    until: Option<i64>,
}

impl PruneFilters {
    /// Parses `KEY=VALUE` filters; `until` takes a Unix time, an RFC 3339
    /// time, a date, or a Go duration before now ("10m", "1h30m").
    pub fn parse(list: &[String]) -> Result<PruneFilters> {
        let mut f = PruneFilters::default();
        for item in list {
            let (k, v, wanted) = if let Some((k, v)) = item.split_once("!=") {
                (k, v, false)
            } else if let Some((k, v)) = item.split_once('=') {
                (k, v, true)
            } else {
                return Err(Error::Invalid(format!("invalid filter {item:?}: use label=KEY[=VALUE], label!=KEY[=VALUE] or until=TIME")));
            };
            match (k, wanted) {
                ("label", _) => {
                    let (lk, lv) = match v.split_once('=') {
                        Some((a, b)) => (a.to_string(), Some(b.to_string())),
                        None => (v.to_string(), None),
                    };
                    f.labels.push((lk, lv, wanted));
                }
                ("until", true) => f.until = Some(parse_until(v)?),
                _ => return Err(Error::Invalid(format!("invalid filter {item:?}: prune filters are label=, label!= and until="))),
            }
        }
        Ok(f)
    }

    /// Whether an object with these labels, created at `created` (RFC 3339), passes.
    pub fn matches(&self, labels: &BTreeMap<String, String>, created: Option<&str>) -> bool {
        let labels_ok = self.labels.iter().all(|(k, v, wanted)| {
            let has = match v {
                Some(v) => labels.get(k) == Some(v),
                None => labels.contains_key(k),
            };
            has == *wanted
        });
        let until_ok = match self.until {
            None => true,
            Some(t) => created.and_then(|c| chrono::DateTime::parse_from_rfc3339(c).ok()).is_some_and(|c| c.timestamp() < t),
        };
        labels_ok && until_ok
    }
}

fn parse_until(v: &str) -> Result<i64> {
    if let Ok(secs) = v.parse::<f64>() {
        return Ok(secs as i64);
    }
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(v) {
        return Ok(t.timestamp());
    }
    if let Ok(d) = chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d") {
        return Ok(d.and_hms_opt(0, 0, 0).map(|t| t.and_utc().timestamp()).unwrap_or(0));
    }
    match check::parse_duration(v) {
        Ok(d) => Ok(chrono::Utc::now().timestamp() - d.as_secs() as i64),
        Err(_) => Err(Error::Invalid(format!(
            "invalid until filter {v:?}: use a Unix time, an RFC 3339 time, a date (2006-01-02) or a duration (10m, 1h30m)"
        ))),
    }
}

fn labels_of_list(list: &[String]) -> BTreeMap<String, String> {
    list.iter()
        .map(|l| match l.split_once('=') {
            Some((k, v)) => (k.to_string(), v.to_string()),
            None => (l.clone(), String::new()),
        })
        .collect()
}

/// `image prune`: which images.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ImagePruneRequest {
    /// Every image no container uses, not only the dangling (unnamed) ones.
    pub all: bool,
    pub filters: PruneFilters,
}

/// Removes the images `req` selects; returns their ids.
pub fn images(engine: &Engine, req: &ImagePruneRequest) -> Result<Vec<String>> {
    let used: HashSet<String> = ContainerStore::new(&engine.paths).list()?.into_iter().map(|c| c.config.image_id).collect();
    let mut removed = Vec::new();
    for img in ImageStore::new(&engine.paths).list()? {
        if used.contains(&img.id) || !(req.all || img.names.is_empty()) {
            continue;
        }
        let labels = img.config.config().as_ref().and_then(|c| c.labels().clone()).unwrap_or_default();
        let labels: BTreeMap<String, String> = labels.into_iter().collect();
        if !req.filters.matches(&labels, img.created.as_deref().or(img.pulled_at.as_deref())) {
            continue;
        }
        match super::images::remove(engine, &img.id, false) {
            Ok(_) => removed.push(img.id),
            // Gone meanwhile, or a container took it meanwhile: not ours to remove.
            Err(Error::ImageNotFound(_)) | Err(Error::InUse(_)) => {}
            Err(e) => return Err(e),
        }
    }
    // The build cache goes too, as podman's image prune takes a build's
    // intermediate images; its layers that no image uses with it.
    crate::build::prune_cache(engine)?;
    Ok(removed)
}

/// The volumes `volume prune` would remove: no container uses them and they pass `filters`.
pub fn volume_candidates(engine: &Engine, filters: &PruneFilters) -> Result<Vec<String>> {
    Ok(super::volumes::list(engine)?
        .into_iter()
        .filter(|(v, users)| users.is_empty() && filters.matches(&v.labels, Some(&v.created_at)))
        .map(|(v, _)| v.name)
        .collect())
}

/// `volume prune`: removes the unused volumes `filters` select; returns their names.
pub fn volumes(engine: &Engine, filters: &PruneFilters) -> Result<Vec<String>> {
    let mut removed = Vec::new();
    for name in volume_candidates(engine, filters)? {
        match super::volumes::remove(engine, &name, false) {
            Ok(()) => removed.push(name),
            Err(Error::VolumeNotFound(_)) | Err(Error::InUse(_)) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(removed)
}

/// `system prune` options.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct SystemPruneRequest {
    /// Every unused image, not only dangling ones.
    pub all: bool,
    /// Unused volumes too.
    pub volumes: bool,
    pub filters: PruneFilters,
}

/// What `system prune` removed.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SystemPruneReport {
    pub containers: Vec<String>,
    pub networks: Vec<String>,
    pub volumes: Vec<String>,
    pub images: Vec<String>,
    /// Orphans and leftovers `system check` would report (check.rs).
    pub orphans: Vec<check::Repair>,
    /// Bytes the store shrank by.
    pub reclaimed: u64,
}

/// The store's size on disk (regular files' bytes).
fn store_size(engine: &Engine) -> u64 {
    super::containers::dir_size(&engine.paths.root)
}

/// `system prune`: stopped containers, unused networks, dangling (or with
/// `all`, unused) images, with `volumes` unused volumes, then orphans.
pub fn system(engine: &Engine, req: &SystemPruneRequest) -> Result<SystemPruneReport> {
    let before = store_size(engine);
    let mut report = SystemPruneReport::default();
    for c in ContainerStore::new(&engine.paths).list()? {
        if c.is_running() || !req.filters.matches(&labels_of_list(&c.config.options.labels), Some(&c.config.created)) {
            continue;
        }
        match super::containers::remove_one(engine, &c.config.id, false) {
            Ok(id) => report.containers.push(id),
            Err(Error::ContainerNotFound(_)) | Err(Error::State(_)) => {}
            Err(e) => return Err(e),
        }
    }
    report.networks = super::network::prune(engine)?;
    if req.volumes {
        report.volumes = volumes(engine, &req.filters)?;
    }
    report.images = images(engine, &ImagePruneRequest { all: req.all, filters: req.filters.clone() })?;
    report.orphans = check::collect_orphans(engine)?;
    report.reclaimed = before.saturating_sub(store_size(engine));
    Ok(report)
}

/// What `system reset` did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ResetReport {
    /// Removals that failed; the folders were deleted anyway.
    pub errors: Vec<String>,
}

/// `system reset`: every container (killed first), image, volume and
/// network through their removal sequences, then the store's folders.
pub fn reset(engine: &Engine) -> Result<ResetReport> {
    let mut report = ResetReport::default();
    let mut note = |r: Result<()>| {
        if let Err(e) = r {
            report.errors.push(e.to_string());
        }
    };
    match ContainerStore::new(&engine.paths).list() {
        Ok(list) => {
            for c in list {
                note(super::containers::remove_one(engine, &c.config.id, true).map(drop));
            }
        }
        Err(e) => note(Err(e)),
    }
    match ImageStore::new(&engine.paths).list() {
        Ok(list) => {
            for i in list {
                note(super::images::remove(engine, &i.id, true).map(drop));
            }
        }
        Err(e) => note(Err(e)),
    }
    match super::volumes::names(engine) {
        Ok(list) => {
            for v in list {
                note(super::volumes::remove(engine, &v, true));
            }
        }
        Err(e) => note(Err(e)),
    }
    match super::network::list(engine) {
        Ok(list) => {
            for (n, _) in list {
                if n.name != sangja_network::store::DEFAULT_NAME {
                    note(super::network::remove(engine, &n.name, true).map(drop));
                }
            }
        }
        Err(e) => note(Err(e)),
    }
    for dir in [&engine.paths.root, &engine.paths.runroot] {
        if dir.exists() {
            note(sangja_storage::remove_tree(dir));
        }
    }
    Ok(report)
}
