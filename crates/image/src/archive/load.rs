//! Loading image archives into the store: docker-archive (also the OCI
//! layout plus manifest.json that Docker 25+ writes, by following the paths
//! manifest.json names), oci-archive, oci-dir and docker-dir (the `dir:`
//! transport), plain or gzip/zstd-compressed: podman's auto-detection.
//!
//! Three phases, so a bad archive leaves nothing: every image's manifest and
//! config are read and verified first; then the layers missing from the
//! store go through `LayerStore::add_from_blob` (digests verified, expanded
//! size bounded, published by rename), several at once; only then are the
//! config and manifest blobs and the image records written. A failure in the
//! second or third phase removes the layers this load added that no image uses.

use super::reader::ArchiveReader;
use super::{media, short};
use crate::error::{Error, Result};
use crate::paths::StorePaths;
use crate::pull::Platform;
use crate::reference::Reference;
use crate::storage::layers::{ExtractOptions, LayerInfo, LayerStore};
use crate::store::{ImageRecord, ImageStore};
use oci_spec::image::{ImageConfiguration, ImageIndex, ImageManifest};
use serde::Deserialize;
use sha2::{Digest as _, Sha256};
use std::collections::HashMap;
use std::io::Read;
use std::sync::Mutex;

/// Layers extracted at once.
const PARALLEL_LAYERS: usize = 4;

/// What a load reports while it works (podman's "Copying blob" lines).
#[derive(Debug, Clone)]
pub enum LoadEvent {
    /// A layer is being read from the archive (or is in the store already).
    Blob { digest: String, cached: bool },
    /// An image's config.
    Config { digest: String },
    /// An image is recorded.
    Stored { id: String },
}

/// Options of a load.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// Extract without owners (rootless without a subuid range).
    pub squash_owners: bool,
    /// Only the image of this name ("@N": the Nth, from 0), as the transports' `PATH:REF`.
    pub select: Option<String>,
}

/// One image loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Loaded {
    pub id: String,
    /// The names given to it (empty: unnamed, podman prints sha256:ID).
    pub names: Vec<String>,
}

/// One layer as the archive holds it.
#[derive(Debug, Clone)]
struct PlannedLayer {
    path: String,
    /// The blob's digest when the archive says it (OCI descriptors, blobs/sha256/ paths).
    digest: Option<String>,
}

/// One image as the archive describes it.
#[derive(Debug, Clone)]
struct Planned {
    config_path: String,
    config_digest: Option<String>,
    layers: Vec<PlannedLayer>,
    names: Vec<String>,
    /// The names as the archive writes them (for `PATH:REF`).
    raw_names: Vec<String>,
    /// The image manifest as stored (OCI layouts, dir), to keep its digest.
    manifest: Option<Vec<u8>>,
    /// Written as a Docker schema 2 manifest (docker-archive, docker-dir), else OCI.
    docker: bool,
}

fn bad(ar: &ArchiveReader, what: impl std::fmt::Display) -> Error {
    Error::Invalid(format!("{}: {what}", ar.label))
}

fn sha256_of(bytes: &[u8]) -> String {
    format!("sha256:{}", hex::encode(Sha256::digest(bytes)))
}

/// "sha256:<hex>" of a path named "<hex>", "<hex>.json", "<hex>.tar" or "blobs/sha256/<hex>".
fn digest_in_path(path: &str) -> Option<String> {
    let base = path.strip_prefix("blobs/sha256/").unwrap_or(path);
    let hex = base.strip_suffix(".json").or_else(|| base.strip_suffix(".tar")).unwrap_or(base);
    crate::store::is_full_id(hex).then(|| format!("sha256:{hex}"))
}

fn blob_path(digest: &str) -> Result<String> {
    let hex = digest.strip_prefix("sha256:").filter(|h| crate::store::is_full_id(h));
    hex.map(|h| format!("blobs/sha256/{h}"))
        .ok_or_else(|| Error::Invalid(format!("digest {digest} is not sha256, which is all sangja supports")))
}

/// A name from an archive, as the store keeps it ("busybox" -> docker.io/library/busybox:latest).
fn normalize(name: &str) -> Option<String> {
    Reference::parse(name).ok().filter(|r| r.digest.is_none()).map(|r| r.to_string())
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct DockerItem {
    config: String,
    #[serde(default)]
    repo_tags: Option<Vec<String>>,
    #[serde(default)]
    layers: Vec<String>,
}

/// What the archive holds, without reading any layer.
fn plan(ar: &ArchiveReader) -> Result<Vec<Planned>> {
    if ar.has("manifest.json") {
        let bytes = ar.read_small("manifest.json")?;
        let v: serde_json::Value =
            serde_json::from_slice(&bytes).map_err(|e| bad(ar, format!("manifest.json is not valid JSON (damaged?): {e}")))?;
        if v.is_array() {
            return plan_docker(ar, &bytes);
        }
        if v.get("schemaVersion").is_some() {
            return plan_dir(ar, bytes);
        }
        return Err(bad(ar, "manifest.json is neither a docker-archive manifest nor an image manifest"));
    }
    if ar.has("index.json") {
        return plan_oci(ar);
    }
    Err(bad(
        ar,
        "not an image archive: it holds neither manifest.json (docker-archive) nor index.json (oci-archive); \
         a container's files made by `export` are loaded with `import`, and a truncated archive loses these files",
    ))
}

fn plan_docker(ar: &ArchiveReader, bytes: &[u8]) -> Result<Vec<Planned>> {
    let items: Vec<DockerItem> = serde_json::from_slice(bytes).map_err(|e| bad(ar, format!("manifest.json is not valid: {e}")))?;
    if items.is_empty() {
        return Err(bad(ar, "manifest.json lists no image"));
    }
    Ok(items
        .into_iter()
        .map(|i| Planned {
            config_digest: digest_in_path(&i.config),
            config_path: i.config,
            layers: i
                .layers
                .into_iter()
                .map(|p| PlannedLayer { digest: p.strip_prefix("blobs/sha256/").and_then(|_| digest_in_path(&p)), path: p })
                .collect(),
            names: i.repo_tags.clone().unwrap_or_default().iter().filter_map(|n| normalize(n)).collect(),
            raw_names: i.repo_tags.unwrap_or_default(),
            manifest: None,
            docker: true,
        })
        .collect())
}

/// The `dir:` transport (podman's docker-dir): manifest.json, version, blobs named by hex.
fn plan_dir(ar: &ArchiveReader, bytes: Vec<u8>) -> Result<Vec<Planned>> {
    let m: ImageManifest =
        serde_json::from_slice(&bytes).map_err(|e| bad(ar, format!("manifest.json is not a valid image manifest: {e}")))?;
    let hex = |d: &str| d.strip_prefix("sha256:").unwrap_or(d).to_string();
    let docker = m.media_type().as_ref().is_some_and(|t| t.to_string() == media::DOCKER_MANIFEST);
    Ok(vec![Planned {
        config_path: hex(m.config().digest().as_ref()),
        config_digest: Some(m.config().digest().to_string()),
        layers: m.layers().iter().map(|l| PlannedLayer { path: hex(l.digest().as_ref()), digest: Some(l.digest().to_string()) }).collect(),
        names: Vec::new(),
        raw_names: Vec::new(),
        manifest: Some(bytes),
        docker,
    }])
}

fn plan_oci(ar: &ArchiveReader) -> Result<Vec<Planned>> {
    let bytes = ar.read_small("index.json")?;
    let index: ImageIndex = serde_json::from_slice(&bytes).map_err(|e| bad(ar, format!("index.json is not a valid OCI index: {e}")))?;
    let mut out = Vec::new();
    for desc in index.manifests() {
        let ann = desc.annotations().clone().unwrap_or_default();
        // Docker writes the full name here and only the tag in ref.name; podman the full name in ref.name.
        let name = ann
            .get("io.containerd.image.name")
            .or_else(|| ann.get("org.opencontainers.image.ref.name").filter(|n| n.contains('/') || n.contains(':')))
            .and_then(|n| normalize(n));
        let mut digest = desc.digest().to_string();
        let mut mbytes = read_verified(ar, &digest, "manifest")?;
        if is_index(&mbytes) {
            // A multi-platform image: the host's entry.
            let inner: ImageIndex = serde_json::from_slice(&mbytes).map_err(|e| bad(ar, format!("index {digest} is not valid: {e}")))?;
            let want = Platform::host();
            let chosen = inner.manifests().iter().find(|d| {
                d.platform().as_ref().is_some_and(|p| p.os().to_string() == want.os && p.architecture().to_string() == want.arch)
            });
            let Some(chosen) = chosen else {
                return Err(bad(ar, format!("the image list {} has no image for {want}", short(&digest))));
            };
            digest = chosen.digest().to_string();
            mbytes = read_verified(ar, &digest, "manifest")?;
        }
        let m: ImageManifest = serde_json::from_slice(&mbytes)
            .map_err(|e| bad(ar, format!("manifest {} is not a valid image manifest: {e}", short(&digest))))?;
        out.push(Planned {
            config_path: blob_path(m.config().digest().as_ref())?,
            config_digest: Some(m.config().digest().to_string()),
            layers: m
                .layers()
                .iter()
                .map(|l| Ok(PlannedLayer { path: blob_path(l.digest().as_ref())?, digest: Some(l.digest().to_string()) }))
                .collect::<Result<_>>()?,
            names: name.into_iter().collect(),
            raw_names: ann
                .get("org.opencontainers.image.ref.name")
                .into_iter()
                .chain(ann.get("io.containerd.image.name"))
                .cloned()
                .collect(),
            manifest: Some(mbytes),
            docker: false,
        });
    }
    if out.is_empty() {
        return Err(bad(ar, "index.json lists no image"));
    }
    Ok(out)
}

/// The images `sel` names (all without one).
fn select(ar: &ArchiveReader, all: Vec<Planned>, sel: Option<&str>) -> Result<Vec<Planned>> {
    let Some(sel) = sel.filter(|s| !s.is_empty()) else { return Ok(all) };
    if let Some(n) = sel.strip_prefix('@') {
        let i: usize = n.parse().map_err(|_| bad(ar, format!("\"{sel}\": an image index is @ and a number (@0 is the first)")))?;
        let count = all.len();
        return all
            .into_iter()
            .nth(i)
            .map(|p| vec![p])
            .ok_or_else(|| bad(ar, format!("there is no image @{i}: the archive holds {count}")));
    }
    let norm = normalize(sel);
    let hit: Vec<Planned> =
        all.into_iter().filter(|p| p.raw_names.iter().any(|n| n == sel) || norm.as_ref().is_some_and(|n| p.names.contains(n))).collect();
    if hit.is_empty() {
        return Err(bad(ar, format!("no image named \"{sel}\" in the archive")));
    }
    // Only the name asked for is given.
    Ok(hit
        .into_iter()
        .take(1)
        .map(|mut p| {
            p.names.retain(|n| Some(n) == norm.as_ref());
            p
        })
        .collect())
}

fn is_index(bytes: &[u8]) -> bool {
    #[derive(Deserialize)]
    struct Head {
        #[serde(rename = "mediaType")]
        media_type: Option<String>,
        manifests: Option<serde_json::Value>,
    }
    serde_json::from_slice::<Head>(bytes)
        .is_ok_and(|h| h.manifests.is_some() || matches!(h.media_type.as_deref(), Some(media::OCI_INDEX | media::DOCKER_LIST)))
}

fn read_verified(ar: &ArchiveReader, digest: &str, what: &str) -> Result<Vec<u8>> {
    let bytes = ar.read_small(&blob_path(digest)?)?;
    let actual = sha256_of(&bytes);
    if actual != digest {
        return Err(bad(ar, format!("the {what} blob {} is damaged: its digest is {actual}", short(digest))));
    }
    Ok(bytes)
}

/// An image ready to be imported: its config read and verified.
struct Checked {
    plan: Planned,
    config_bytes: Vec<u8>,
    config_digest: String,
    config: ImageConfiguration,
    diff_ids: Vec<String>,
}

fn check(ar: &ArchiveReader, p: Planned) -> Result<Checked> {
    let config_bytes = ar.read_small(&p.config_path)?;
    let config_digest = sha256_of(&config_bytes);
    if let Some(expected) = &p.config_digest {
        if &config_digest != expected {
            return Err(bad(ar, format!("the image config {} is damaged: its digest is {config_digest}", p.config_path)));
        }
    }
    let config: ImageConfiguration =
        serde_json::from_slice(&config_bytes).map_err(|e| bad(ar, format!("the image config {} is not valid: {e}", p.config_path)))?;
    let diff_ids = config.rootfs().diff_ids().clone();
    if diff_ids.len() != p.layers.len() {
        return Err(bad(
            ar,
            format!(
                "image {} lists {} layers but its config has {} diff_ids: the archive is inconsistent",
                short(&config_digest),
                p.layers.len(),
                diff_ids.len()
            ),
        ));
    }
    Ok(Checked { plan: p, config_bytes, config_digest, config, diff_ids })
}

/// One layer to bring into the store.
struct Job {
    path: String,
    digest: Option<String>,
    diff_id: String,
}

/// Loads every image of the archive; returns them in archive order.
pub fn load(paths: &StorePaths, ar: &ArchiveReader, opts: &LoadOptions, progress: &(dyn Fn(LoadEvent) + Sync)) -> Result<Vec<Loaded>> {
    let planned = select(ar, plan(ar)?, opts.select.as_deref())?;
    let checked: Vec<Checked> = planned.into_iter().map(|p| check(ar, p)).collect::<Result<_>>()?;
    let layers = LayerStore::new(paths);
    // Layers already stored (maybe under a compressed digest, from a pull), by diff_id.
    let mut by_diff: HashMap<String, String> = HashMap::new();
    for info in layers.list().unwrap_or_default() {
        by_diff.entry(info.diff_id.clone()).or_insert(info.digest);
    }
    let mut jobs: Vec<Job> = Vec::new();
    for c in &checked {
        for (l, diff_id) in c.plan.layers.iter().zip(&c.diff_ids) {
            let stored = l.digest.as_deref().filter(|d| layers.has(d)).map(str::to_string).or_else(|| by_diff.get(diff_id).cloned());
            if stored.is_some() || jobs.iter().any(|j| &j.diff_id == diff_id) {
                continue;
            }
            jobs.push(Job { path: l.path.clone(), digest: l.digest.clone(), diff_id: diff_id.clone() });
        }
    }
    let eopts = ExtractOptions {
        squash_owners: opts.squash_owners,
        rootless: paths.rootless,
        max_size: Some(crate::config::settings::max_layer_size()?),
        keep_kinds: false,
    };
    let added: Mutex<Vec<String>> = Mutex::new(Vec::new());
    let result = import_layers(paths, ar, jobs, &eopts, &added, progress).and_then(|imported| {
        for (diff_id, digest) in imported {
            by_diff.insert(diff_id, digest);
        }
        record(paths, ar, checked, &by_diff, progress)
    });
    if result.is_err() {
        let added = added.into_inner().unwrap_or_else(|e| e.into_inner());
        // Best effort: the load's own error matters more than a leftover layer.
        let _ = ImageStore::new(paths).drop_unused_layers(&added);
    }
    result
}

/// Imports the layers, several at once; returns (diff_id, stored digest) of each.
fn import_layers(
    paths: &StorePaths,
    ar: &ArchiveReader,
    jobs: Vec<Job>,
    eopts: &ExtractOptions,
    added: &Mutex<Vec<String>>,
    progress: &(dyn Fn(LoadEvent) + Sync),
) -> Result<Vec<(String, String)>> {
    let queue = Mutex::new(jobs.into_iter().rev().collect::<Vec<_>>());
    let done = Mutex::new(Vec::new());
    let failed: Mutex<Option<Error>> = Mutex::new(None);
    let worker = || loop {
        if failed.lock().map(|f| f.is_some()).unwrap_or(true) {
            return;
        }
        let Some(job) = queue.lock().ok().and_then(|mut q| q.pop()) else { return };
        match import_one(paths, ar, &job, eopts, added, progress) {
            Ok(digest) => {
                if let Ok(mut d) = done.lock() {
                    d.push((job.diff_id, digest));
                }
            }
            Err(e) => {
                if let Ok(mut f) = failed.lock() {
                    f.get_or_insert(e);
                }
                return;
            }
        }
    };
    std::thread::scope(|s| {
        for _ in 0..PARALLEL_LAYERS {
            s.spawn(worker);
        }
    });
    if let Some(e) = failed.into_inner().unwrap_or_else(|e| e.into_inner()) {
        return Err(e);
    }
    Ok(done.into_inner().unwrap_or_else(|e| e.into_inner()))
}

fn import_one(
    paths: &StorePaths,
    ar: &ArchiveReader,
    job: &Job,
    eopts: &ExtractOptions,
    added: &Mutex<Vec<String>>,
    progress: &(dyn Fn(LoadEvent) + Sync),
) -> Result<String> {
    let digest = match &job.digest {
        Some(d) => d.clone(),
        None => {
            // docker-archive names no blob digest: a plain tar is its diff_id
            // (verified as it is extracted); a compressed one is hashed first.
            let mut head = Vec::with_capacity(4);
            ar.open_file(&job.path)?.take(4).read_to_end(&mut head).map_err(|e| bad(ar, format!("read {}: {e}", job.path)))?;
            if head.starts_with(&[0x1f, 0x8b]) || head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
                let mut h = Sha256::new();
                std::io::copy(&mut ar.open_file(&job.path)?, &mut h).map_err(|e| bad(ar, format!("read {}: {e}", job.path)))?;
                format!("sha256:{}", hex::encode(h.finalize()))
            } else {
                job.diff_id.clone()
            }
        }
    };
    progress(LoadEvent::Blob { digest: digest.clone(), cached: false });
    let store = LayerStore::new(paths);
    let existed = store.has(&digest);
    store.add_from_blob(&digest, Some(&job.diff_id), ar.open_file(&job.path)?, eopts).map_err(|e| match e {
        Error::DigestMismatch { what, expected, actual } => {
            bad(ar, format!("layer {} is damaged: the {what} should have digest {expected} but has {actual}", job.path))
        }
        Error::Layer(m) | Error::Invalid(m) => bad(ar, format!("layer {}: {m}", job.path)),
        Error::Io { .. } => bad(ar, format!("layer {} cannot be read (truncated archive?): {e}", job.path)),
        other => other,
    })?;
    if !existed {
        if let Ok(mut a) = added.lock() {
            a.push(digest.clone());
        }
    }
    Ok(digest)
}

/// Writes the blobs and records of the checked images.
fn record(
    paths: &StorePaths,
    ar: &ArchiveReader,
    checked: Vec<Checked>,
    by_diff: &HashMap<String, String>,
    progress: &(dyn Fn(LoadEvent) + Sync),
) -> Result<Vec<Loaded>> {
    let layers = LayerStore::new(paths);
    let store = ImageStore::new(paths);
    let mut out: Vec<Loaded> = Vec::new();
    for c in checked {
        progress(LoadEvent::Config { digest: c.config_digest.clone() });
        let mut infos: Vec<LayerInfo> = Vec::new();
        for (l, diff_id) in c.plan.layers.iter().zip(&c.diff_ids) {
            let digest = l.digest.as_deref().filter(|d| layers.has(d)).map(str::to_string).or_else(|| by_diff.get(diff_id).cloned());
            let Some(digest) = digest else {
                return Err(bad(ar, format!("layer {} of image {} was not imported", l.path, short(&c.config_digest))));
            };
            infos.push(layers.info(&digest)?);
        }
        let layer_digests: Vec<String> = infos.iter().map(|i| i.digest.clone()).collect();
        let kept = c.plan.manifest.as_ref().filter(|m| {
            serde_json::from_slice::<ImageManifest>(m)
                .is_ok_and(|m| m.layers().iter().map(|l| l.digest().to_string()).collect::<Vec<_>>() == layer_digests)
        });
        let (manifest, media_type) = match kept {
            Some(m) => {
                let mt = serde_json::from_slice::<ImageManifest>(m).ok().and_then(|m| m.media_type().as_ref().map(|t| t.to_string()));
                (m.clone(), mt.unwrap_or_else(|| media::OCI_MANIFEST.to_string()))
            }
            None => super::manifest_for(c.plan.docker, &c.config_digest, c.config_bytes.len() as u64, &infos, None),
        };
        let manifest_digest = sha256_of(&manifest);
        let mut seen = std::collections::HashSet::new();
        let size = infos.iter().filter(|i| seen.insert(i.digest.clone())).map(|i| i.size).sum();
        for (d, b) in [(&c.config_digest, &c.config_bytes), (&manifest_digest, &manifest)] {
            super::save_blob(paths, d, b)?;
        }
        let id = c.config_digest.trim_start_matches("sha256:").to_string();
        let record = ImageRecord {
            id: id.clone(),
            names: c.plan.names.clone(),
            digest: manifest_digest,
            layers: layer_digests,
            created: c.config.created().clone(),
            config: c.config,
            size,
            pulled_at: Some(chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
            manifest_media_type: Some(media_type),
            repo_digests: Vec::new(),
        };
        store.save_pulled(&record)?;
        progress(LoadEvent::Stored { id: id.clone() });
        match out.iter_mut().find(|l| l.id == id) {
            Some(l) => l.names.extend(c.plan.names),
            None => out.push(Loaded { id, names: c.plan.names }),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_in_paths() {
        let hex = "0fefc6fa988b584a3638fce6fc500df158e5b7ed8f5d5e3c5f280b1ce41f0ca9";
        for p in [format!("{hex}.tar"), format!("{hex}.json"), format!("blobs/sha256/{hex}"), hex.to_string()] {
            assert_eq!(digest_in_path(&p), Some(format!("sha256:{hex}")), "{p}");
        }
        assert_eq!(digest_in_path("abc/layer.tar"), None);
        assert!(blob_path("sha512:00").is_err());
        assert!(blob_path("sha256:../../etc").is_err());
    }

    fn planned(names: &[&str]) -> Planned {
        Planned {
            config_path: "c".into(),
            config_digest: None,
            layers: Vec::new(),
            names: names.iter().filter_map(|n| normalize(n)).collect(),
            raw_names: names.iter().map(|n| n.to_string()).collect(),
            manifest: None,
            docker: true,
        }
    }

    #[test]
    fn select_by_name_or_index() {
        let ar = ArchiveReader::dir(std::path::Path::new("/nonexistent"));
        let all = || vec![planned(&["busybox:latest", "localhost/x:1"]), planned(&["127.0.0.1:5000/layered:latest"])];
        assert_eq!(select(&ar, all(), None).unwrap().len(), 2);
        let one = select(&ar, all(), Some("busybox")).unwrap();
        assert_eq!(one.len(), 1);
        assert_eq!(one[0].names, ["docker.io/library/busybox:latest"], "only the name asked for");
        assert_eq!(select(&ar, all(), Some("@1")).unwrap()[0].raw_names, ["127.0.0.1:5000/layered:latest"]);
        assert!(select(&ar, all(), Some("@2")).unwrap_err().to_string().contains("holds 2"));
        assert!(select(&ar, all(), Some("nothere")).is_err());
    }

    #[test]
    fn names_are_normalised() {
        assert_eq!(normalize("busybox").as_deref(), Some("docker.io/library/busybox:latest"));
        assert_eq!(normalize("127.0.0.1:5000/x:1").as_deref(), Some("127.0.0.1:5000/x:1"));
        assert_eq!(normalize("Not A Name"), None);
    }
}
