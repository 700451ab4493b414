//! Image records: images/<id>.json, one per image.
//!
//! Readers need no lock (records are replaced atomically); every change takes
//! the store lock, so names move between images and layers are collected
//! without a race against another sangja.

use super::reference::{self, Reference};
use crate::error::{Error, IoContext, Result};
use crate::paths::StorePaths;
use crate::storage::layers::LayerStore;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::path::PathBuf;

/// Shortest id prefix accepted, so short names made of hex letters ("abc")
/// rarely turn into id lookups by accident.
const MIN_ID_PREFIX: usize = 3;

/// One image in the store.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ImageRecord {
    /// Image id: hex of the config blob's sha256 (as podman).
    pub id: String,
    /// Fully qualified names ("127.0.0.1:5000/busybox:latest").
    pub names: Vec<String>,
    /// Digest of the manifest pulled.
    pub digest: String,
    /// Layer blob digests, bottom first.
    pub layers: Vec<String>,
    /// The image configuration (Env, Cmd, Entrypoint, WorkingDir, User...).
    pub config: oci_spec::image::ImageConfiguration,
    /// Creation time from the config, RFC 3339.
    pub created: Option<String>,
    /// Sum of the layers' uncompressed sizes.
    pub size: u64,
    /// When this image was pulled (or first saved), RFC 3339.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pulled_at: Option<String>,
    /// Media type of the manifest (OCI or Docker schema 2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manifest_media_type: Option<String>,
    /// "registry/repository@sha256:..." for the manifest (and the index it came through).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub repo_digests: Vec<String>,
}

/// Whether `s` is a full image id (64 lowercase hex digits).
pub fn is_full_id(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

fn is_hex(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// A stored name normalised, so "busybox" given to `tag` is stored as podman would.
pub fn normalize_name(name: &str) -> Result<String> {
    Ok(Reference::parse(name)?.to_string())
}

fn created_key(r: &ImageRecord) -> (i64, i64) {
    let ts = |s: &Option<String>| {
        s.as_deref()
            .and_then(|c| chrono::DateTime::parse_from_rfc3339(c).ok())
            .map(|t| t.timestamp_nanos_opt().unwrap_or(t.timestamp()))
            .unwrap_or(i64::MIN)
    };
    (ts(&r.created), ts(&r.pulled_at))
}

/// A damaged image record: its id and what is wrong with it.
pub type DamagedImage = (String, String);

/// The image records of one store.
pub struct ImageStore<'a> {
    /// The store's locations.
    pub paths: &'a StorePaths,
}

impl<'a> ImageStore<'a> {
    /// A view of the images of `paths`.
    pub fn new(paths: &'a StorePaths) -> Self {
        ImageStore { paths }
    }

    fn record_path(&self, id: &str) -> Result<PathBuf> {
        if !is_full_id(id) {
            return Err(Error::Internal(format!("\"{id}\" is not an image id (64 hex digits)")));
        }
        Ok(self.paths.images_dir().join(format!("{id}.json")))
    }

    /// The record of a full id, `None` if absent.
    pub fn get(&self, id: &str) -> Result<Option<ImageRecord>> {
        crate::json_file::read_opt(&self.record_path(id)?)
    }

    /// All images, newest first. Damaged records are skipped (`list_all`
    /// names them): one bad file never hides the other images.
    pub fn list(&self) -> Result<Vec<ImageRecord>> {
        Ok(self.list_all()?.0)
    }

    /// All readable images, newest first, and the ids of damaged records
    /// with what is wrong with each.
    pub fn list_all(&self) -> Result<(Vec<ImageRecord>, Vec<DamagedImage>)> {
        let dir = self.paths.images_dir();
        let mut out = Vec::new();
        let mut bad = Vec::new();
        for name in crate::paths::entry_names(&dir)? {
            // Temp files of an interrupted write start with ".tmp-", rmi's
            // marker with ".rm-": neither is an image.
            let Some(id) = name.strip_suffix(".json").filter(|id| is_full_id(id)) else { continue };
            // A record may vanish between readdir and read (a concurrent rmi).
            match crate::json_file::read_opt::<ImageRecord>(&dir.join(&name)) {
                Ok(Some(r)) if r.id == id => out.push(r),
                Ok(Some(_)) => bad.push((id.to_string(), "its id does not match its file name".to_string())),
                Ok(None) => {}
                Err(e) => bad.push((id.to_string(), e.to_string())),
            }
        }
        out.sort_by(|a, b| created_key(b).cmp(&created_key(a)).then_with(|| a.id.cmp(&b.id)));
        Ok((out, bad))
    }

    /// Finds an image by full or short name, or by (a prefix of) its id.
    pub fn lookup(&self, name_or_id: &str) -> Result<ImageRecord> {
        let images = self.list()?;
        // registries.conf is read only to settle an ambiguous short name; a broken
        // file must not make local images unreachable.
        let search = || super::registries::load().ok().and_then(|(c, _)| c.unqualified_search_registries).unwrap_or_default();
        match find(&images, name_or_id, &search)? {
            Some(i) => Ok(images[i].clone()),
            None => Err(Error::ImageNotFound(name_or_id.to_string())),
        }
    }

    /// Saves a record; names it takes are removed from other images.
    pub fn save(&self, record: &ImageRecord) -> Result<()> {
        let _lock = self.lock()?;
        self.write_locked(record)
    }

    /// Saves a freshly pulled image: keeps the names and repo digests an earlier
    /// record of the same id had, checks that its layers are all present
    /// (a concurrent rmi may have removed a shared one) and drops the layers the
    /// record no longer lists. Returns what was stored.
    pub fn save_pulled(&self, record: &ImageRecord) -> Result<ImageRecord> {
        let _lock = self.lock()?;
        let layers = LayerStore::new(self.paths);
        if let Some(missing) = record.layers.iter().find(|d| !layers.has(d)) {
            return Err(Error::Conflict(format!(
                "layer {missing} of image {} was removed while it was being pulled (a concurrent rmi?): pull again",
                short_id(&record.id)
            )));
        }
        let mut merged = record.clone();
        let old = self.get(&record.id)?;
        if let Some(old) = &old {
            merged.names = union(&old.names, &record.names);
            merged.repo_digests = union(&old.repo_digests, &record.repo_digests);
        }
        self.write_locked(&merged)?;
        crate::crash::crash_point("pull-recorded");
        if let Some(old) = old {
            let dropped: Vec<String> = old.layers.into_iter().filter(|d| !merged.layers.contains(d)).collect();
            self.collect_layers(&dropped)?;
        }
        // After the record: it now protects its layers from a dead rmi's marker.
        self.finish_removals_locked()?;
        Ok(merged)
    }

    /// Deletes an image record and the layers no other image uses.
    pub fn remove(&self, id: &str) -> Result<()> {
        let _lock = self.lock()?;
        self.remove_locked(id)
    }

    /// `remove` with the store lock held by the caller (rmi checks that no
    /// container uses the image under the same lock, engine/images.rs).
    ///
    /// Step order (issue 16): every prefix is recognisable and finished by
    /// the next rmi, pull or create (`finish_removals_locked`):
    /// 1. images/ID.json is renamed to images/.rm-ID.json and the folder
    ///    fsynced: the image is gone from every listing at once, and the
    ///    marker still lists its layers (crash point `rmi-marked`);
    /// 2. the layers no remaining image lists are removed (each moved to
    ///    tmp/rm-* first, storage layers.rs; `rmi-layers`);
    /// 3. its config and manifest blobs;
    /// 4. the marker.
    ///
    /// A damaged record (unreadable JSON) is removed too; the layers it
    /// listed are then unknown, which `system check --repair` collects.
    pub fn remove_locked(&self, id: &str) -> Result<()> {
        let id = self.resolve_id(id)?;
        let path = self.record_path(&id)?;
        if !path.exists() {
            return Err(Error::ImageNotFound(id));
        }
        let marker = self.removal_marker(&id);
        std::fs::rename(&path, &marker).path_ctx("mark for removal", &path)?;
        crate::json_file::sync_dir(&self.paths.images_dir())?;
        crate::crash::crash_point("rmi-marked");
        self.finish_removal(&id)
    }

    fn removal_marker(&self, id: &str) -> PathBuf {
        self.paths.images_dir().join(format!(".rm-{id}.json"))
    }

    /// Steps 2-4 of `remove_locked` for the marker of image `id`.
    fn finish_removal(&self, id: &str) -> Result<()> {
        let marker = self.removal_marker(id);
        // Damaged: its layers are unknown (left to `system check`).
        let record = crate::json_file::read_opt::<ImageRecord>(&marker).ok().flatten();
        if let Some(r) = &record {
            self.collect_layers(&r.layers)?;
        }
        crate::crash::crash_point("rmi-layers");
        // The same image pulled again since: its blobs are its own again.
        if !self.record_path(id)?.exists() {
            let digest = record.map(|r| r.digest).unwrap_or_default();
            for blob in [format!("sha256:{id}"), digest] {
                // Only a well-formed digest may become a path to delete.
                if !blob.strip_prefix("sha256:").is_some_and(is_full_id) {
                    continue;
                }
                let p = self.paths.blob_path(&blob);
                match std::fs::remove_file(&p) {
                    Ok(()) => {}
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                    Err(e) => return Err(Error::io_path("remove", &p, e)),
                }
            }
        }
        match std::fs::remove_file(&marker) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(Error::io_path("remove", &marker, e)),
        }
        crate::json_file::sync_dir(&self.paths.images_dir())
    }

    /// Finishes every rmi a kill cut short (images/.rm-*.json). Store lock held.
    pub fn finish_removals_locked(&self) -> Result<()> {
        let dir = self.paths.images_dir();
        for name in crate::paths::entry_names(&dir)? {
            let Some(id) = name.strip_prefix(".rm-").and_then(|n| n.strip_suffix(".json")).filter(|id| is_full_id(id)) else { continue };
            self.finish_removal(id)?;
        }
        Ok(())
    }

    /// Removes `name` from image `id` (the image stays, maybe with no name).
    pub fn untag(&self, id: &str, name: &str) -> Result<()> {
        let _lock = self.lock()?;
        let id = self.resolve_id(id)?;
        let mut record = self.get(&id)?.ok_or_else(|| Error::ImageNotFound(id.clone()))?;
        let full = normalize_name(name).unwrap_or_else(|_| name.to_string());
        let before = record.names.len();
        record.names.retain(|n| n != &full && n != name);
        if record.names.len() == before {
            return Err(Error::ImageNotFound(name.to_string()));
        }
        crate::json_file::write(&self.record_path(&id)?, &record)
    }

    /// Gives image `id` another name (`tag`), taking it from any other image.
    pub fn add_name(&self, id: &str, name: &str) -> Result<()> {
        let full = Reference::parse(name)?;
        if full.digest.is_some() {
            return Err(Error::Reference(format!("\"{name}\": a name to tag with cannot contain a digest")));
        }
        let full = full.to_string();
        let _lock = self.lock()?;
        let id = self.resolve_id(id)?;
        let mut record = self.get(&id)?.ok_or_else(|| Error::ImageNotFound(id.clone()))?;
        if !record.names.contains(&full) {
            record.names.push(full);
        }
        self.write_locked(&record)
    }

    /// Removes those of `layers` no image uses (a failed load's own layers).
    pub fn drop_unused_layers(&self, layers: &[String]) -> Result<()> {
        let _lock = self.lock()?;
        self.collect_layers(layers)
    }

    fn lock(&self) -> Result<crate::lock::Lock> {
        let dir = self.paths.images_dir();
        std::fs::create_dir_all(&dir).path_ctx("create", &dir)?;
        crate::lock::exclusive(&self.paths.store_lock())
    }

    fn resolve_id(&self, id: &str) -> Result<String> {
        let id = id.strip_prefix("sha256:").unwrap_or(id);
        if is_full_id(id) {
            return Ok(id.to_string());
        }
        Ok(self.lookup(id)?.id)
    }

    /// Writes `record` and takes its names from every other image. Store lock held.
    fn write_locked(&self, record: &ImageRecord) -> Result<()> {
        let path = self.record_path(&record.id)?;
        let taken: HashSet<&String> = record.names.iter().collect();
        for mut other in self.list()? {
            if other.id == record.id || !other.names.iter().any(|n| taken.contains(n)) {
                continue;
            }
            other.names.retain(|n| !taken.contains(n));
            crate::json_file::write(&self.record_path(&other.id)?, &other)?;
        }
        crate::json_file::write(&path, record)
    }

    /// Removes those of `layers` that no image lists any more. Store lock held.
    fn collect_layers(&self, layers: &[String]) -> Result<()> {
        if layers.is_empty() {
            return Ok(());
        }
        let images = self.list()?;
        let used: HashSet<&String> = images.iter().flat_map(|i| i.layers.iter()).collect();
        let store = LayerStore::new(self.paths);
        let mut seen = HashSet::new();
        for d in layers {
            if !used.contains(d) && seen.insert(d) {
                store.remove(d)?;
            }
        }
        Ok(())
    }
}

fn short_id(id: &str) -> &str {
    &id[..id.len().min(12)]
}

fn union(a: &[String], b: &[String]) -> Vec<String> {
    let mut out = a.to_vec();
    for x in b {
        if !out.contains(x) {
            out.push(x.clone());
        }
    }
    out
}

/// Whether a stored name (parsed) is what a short reference (not qualified,
/// or under localhost/) means: same tag, and a repository equal to the given
/// path or ending with "/<path>".
fn short_match(stored: &Reference, given: &Reference, given_path: &str) -> bool {
    let repo_ok = stored.repository == given_path || stored.repository.ends_with(&format!("/{given_path}"));
    repo_ok && stored.tag == given.tag
}

/// Index in `images` of what `s` names. `search` gives the registries in preference
/// order, to settle a short name that several images answer to.
pub fn find(images: &[ImageRecord], s: &str, search: &dyn Fn() -> Vec<String>) -> Result<Option<usize>> {
    let bare = s.strip_prefix("sha256:").unwrap_or(s);
    if is_full_id(bare) {
        if let Some(i) = images.iter().position(|r| r.id == bare) {
            return Ok(Some(i));
        }
    }
    let parsed = reference::split(s);
    if let Ok(parts) = &parsed {
        if let Some(i) = find_by_name(images, s, parts, search)? {
            return Ok(Some(i));
        }
    }
    if is_hex(bare) && (bare.len() >= MIN_ID_PREFIX || s.starts_with("sha256:")) {
        let hits: Vec<usize> = (0..images.len()).filter(|&i| images[i].id.starts_with(bare)).collect();
        match hits.len() {
            0 => {}
            1 => return Ok(Some(hits[0])),
            _ => {
                let ids: Vec<&str> = hits.iter().map(|&i| short_id(&images[i].id)).collect();
                return Err(Error::Conflict(format!(
                    "image id prefix \"{bare}\" is ambiguous: it matches {}; give more digits",
                    ids.join(", ")
                )));
            }
        }
    }
    match parsed {
        // "Busybox" is neither a name nor an id: the reference error says why.
        Err(e) if !is_hex(bare) => Err(e),
        _ => Ok(None),
    }
}

fn find_by_name(images: &[ImageRecord], s: &str, parts: &reference::Parts, search: &dyn Fn() -> Vec<String>) -> Result<Option<usize>> {
    let full = Reference::parse(s)?;
    if let Some(d) = &full.digest {
        // By digest: the manifest (or index) digest, under a matching repository.
        let repo_ok = |r: &ImageRecord, repo: &str| {
            r.repo_digests.iter().any(|rd| rd == &format!("{repo}@{d}"))
                || (r.digest == *d && r.names.iter().any(|n| n.starts_with(&format!("{repo}:"))))
        };
        if let Some(i) = images.iter().position(|r| repo_ok(r, &full.name_without_tag())) {
            return Ok(Some(i));
        }
        if parts.registry.is_none() || parts.registry.as_deref() == Some("localhost") {
            let hit = images.iter().position(|r| {
                (r.digest == *d || r.repo_digests.iter().any(|rd| rd.ends_with(&format!("@{d}"))))
                    && r.repo_digests.iter().chain(r.names.iter()).any(|n| {
                        let repo = n.split('@').next().unwrap_or(n);
                        let repo = repo.rsplit_once(':').filter(|(_, t)| !t.contains('/')).map_or(repo, |(r, _)| r);
                        repo.ends_with(&format!("/{}", parts.path))
                    })
            });
            return Ok(hit);
        }
        return Ok(None);
    }
    let wanted = full.to_string();
    if let Some(i) = images.iter().position(|r| r.names.contains(&wanted)) {
        return Ok(Some(i));
    }
    // Short names (and localhost/, which podman gives to local builds) match any
    // registry's image of that path and tag.
    if parts.registry.is_some() && parts.registry.as_deref() != Some("localhost") {
        return Ok(None);
    }
    let mut hits: Vec<(usize, String)> = Vec::new();
    for (i, r) in images.iter().enumerate() {
        for n in &r.names {
            if let Ok(stored) = Reference::parse(n) {
                if short_match(&stored, &full, &parts.path) {
                    hits.push((i, n.clone()));
                }
            }
        }
    }
    let ids: HashSet<usize> = hits.iter().map(|(i, _)| *i).collect();
    if ids.len() <= 1 {
        return Ok(hits.first().map(|(i, _)| *i));
    }
    for reg in search() {
        let want = Reference::qualify(&reg, parts).to_string();
        if let Some((i, _)) = hits.iter().find(|(_, n)| *n == want) {
            return Ok(Some(*i));
        }
    }
    let names: Vec<String> = hits.into_iter().map(|(_, n)| n).collect();
    Err(Error::Conflict(format!("short name \"{s}\" matches several images ({}): use a full name or an image id", names.join(", "))))
}

#[cfg(test)]
#[path = "store_tests.rs"]
mod tests;
