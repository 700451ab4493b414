//! Local manifest lists: `manifest create|add|annotate|inspect|rm|remove|exists`.
//!
//! The model (what `manifest push` builds on):
//! - A list is an image record (images/<id>.json) of its own: a random id that
//!   never changes, its names, no layers, an empty config,
//!   `manifest_media_type` = the OCI index media type, and `digest` = the
//!   sha256 of its current index document.
//! - The index document is a blob, stored as it will be pushed
//!   (`paths.blob_path(record.digest)`), an OCI image index whose entries are
//!   the manifests of images in this store: each entry's digest is the
//!   `digest` of a local image record, whose manifest bytes are the blob of
//!   that digest (as pull and commit store them) and whose config and layers
//!   are the record's. An image not in the store is pulled when it is added,
//!   so every entry can be pushed from local blobs: push each instance's
//!   blobs and manifest bytes unchanged (by digest), then the index bytes.
//! - Every read-modify-write of a list holds the lists' lock; each change
//!   writes a new index blob, then the record (atomically), then drops the
//!   old blob when no record names it any more.

use super::Engine;
use crate::error::{Error, Result};
use sangja_image::store::{ImageRecord, ImageStore};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The media type of a list made here.
pub const OCI_INDEX: &str = "application/vnd.oci.image.index.v1+json";
/// Docker's manifest list, which a pulled index may be.
pub const DOCKER_LIST: &str = "application/vnd.docker.distribution.manifest.list.v2+json";
const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";

/// An OCI image index, its fields in the specification's order.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Index {
    pub schema_version: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
    #[serde(default)]
    pub manifests: Vec<Entry>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annotations: Option<BTreeMap<String, String>>,
}

/// One manifest of a list.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Entry {
    pub media_type: String,
    pub size: u64,
    pub digest: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform: Option<Platform>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annotations: Option<BTreeMap<String, String>>,
}

/// The platform of an entry.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Platform {
    pub architecture: String,
    pub os: String,
    #[serde(rename = "os.version", default, skip_serializing_if = "Option::is_none")]
    pub os_version: Option<String>,
    #[serde(rename = "os.features", default, skip_serializing_if = "Option::is_none")]
    pub os_features: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variant: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub features: Option<Vec<String>>,
}

/// Whether a record is a manifest list (no layers, an index as its manifest).
pub fn is_list(r: &ImageRecord) -> bool {
    r.layers.is_empty() && matches!(r.manifest_media_type.as_deref(), Some(OCI_INDEX) | Some(DOCKER_LIST))
}

/// What `manifest add` and `annotate` set on an entry (None: leave as is).
#[derive(Debug, Clone, Default)]
pub struct EntryOptions {
    pub arch: Option<String>,
    pub os: Option<String>,
    pub variant: Option<String>,
    pub os_version: Option<String>,
    pub features: Vec<String>,
    pub os_features: Vec<String>,
    /// KEY=VALUE.
    pub annotations: Vec<String>,
}

/// Registry options of a `manifest add` of an image not in the store.
#[derive(Debug, Clone, Default)]
pub struct AddOptions {
    pub entry: EntryOptions,
    /// Every instance of a remote list.
    pub all: bool,
    pub pull: super::images::PullOptions,
}

fn lock(engine: &Engine) -> Result<crate::lock::Lock> {
    let dir = engine.paths.images_dir();
    std::fs::create_dir_all(&dir).map_err(|e| Error::io_path("create", &dir, e))?;
    crate::lock::exclusive(&dir.join(".manifest-lists.lock"))
}

fn not_a_list(name: &str) -> Error {
    Error::Invalid(format!("{name}: image is not a manifest list"))
}

/// The list called `name` and its index.
pub fn load(engine: &Engine, name: &str) -> Result<(ImageRecord, Index)> {
    let rec = ImageStore::new(&engine.paths).lookup(name)?;
    if !is_list(&rec) {
        return Err(not_a_list(&rec.names.first().cloned().unwrap_or_else(|| name.to_string())));
    }
    let p = engine.paths.blob_path(&rec.digest);
    let bytes = std::fs::read(&p).map_err(|e| Error::io_path("read", &p, e))?;
    let index = serde_json::from_slice(&bytes).map_err(|e| {
        Error::State(format!("the index of manifest list {name} ({}) is damaged: {e}; remove the list and create it again", p.display()))
    })?;
    Ok((rec, index))
}

/// The index bytes as stored (what `manifest push` sends).
pub fn index_bytes(engine: &Engine, list: &ImageRecord) -> Result<Vec<u8>> {
    let p = engine.paths.blob_path(&list.digest);
    std::fs::read(&p).map_err(|e| Error::io_path("read", &p, e))
}

/// The local image of each entry of a list, in the index's order (for `manifest push`).
pub fn instances(engine: &Engine, index: &Index) -> Result<Vec<(Entry, ImageRecord)>> {
    let images = ImageStore::new(&engine.paths).list()?;
    index
        .manifests
        .iter()
        .map(|e| {
            images
                .iter()
                .find(|i| i.digest == e.digest && !is_list(i))
                .map(|i| (e.clone(), i.clone()))
                .ok_or_else(|| Error::NotFound(format!("image {} of the manifest list is no longer in the store: add it again", e.digest)))
        })
        .collect()
}

fn write_index(engine: &Engine, index: &Index) -> Result<(String, u64)> {
    let bytes = serde_json::to_vec(index).map_err(|e| Error::Internal(format!("serialise an index: {e}")))?;
    use sha2::Digest;
    let digest = format!("sha256:{}", hex::encode(sha2::Sha256::digest(&bytes)));
    let p = engine.paths.blob_path(&digest);
    if let Some(dir) = p.parent() {
        std::fs::create_dir_all(dir).map_err(|e| Error::io_path("create", dir, e))?;
    }
    crate::json_file::write_bytes(&p, &bytes)?;
    Ok((digest, bytes.len() as u64))
}

/// Stores a changed index for `rec`: blob, record, then the old blob goes.
fn save(engine: &Engine, mut rec: ImageRecord, index: &Index) -> Result<ImageRecord> {
    let old = rec.digest.clone();
    let (digest, size) = write_index(engine, index)?;
    rec.digest = digest.clone();
    rec.size = size;
    rec.repo_digests = rec.names.iter().map(|n| format!("{}@{digest}", repo_of(n))).collect();
    let store = ImageStore::new(&engine.paths);
    store.save(&rec)?;
    if old != digest && old.starts_with("sha256:") && !store.list()?.iter().any(|r| r.digest == old) {
        let _ = std::fs::remove_file(engine.paths.blob_path(&old));
    }
    Ok(rec)
}

fn repo_of(name: &str) -> &str {
    name.rsplit_once(':').filter(|(_, t)| !t.contains('/')).map_or(name, |(r, _)| r)
}

fn new_id() -> Result<String> {
    let mut b = [0u8; 32];
    getrandom::fill(&mut b).map_err(|e| Error::Internal(format!("no random bytes for an id: {e}")))?;
    Ok(hex::encode(b))
}

/// `manifest create LIST [IMAGE...]`: returns the list's id. With `amend`, an
/// existing list of that name is added to instead of refused.
pub fn create(engine: &Engine, name: &str, images: &[String], amend: bool, opts: &AddOptions) -> Result<String> {
    let full = super::tags::normalize(name)?;
    let store = ImageStore::new(&engine.paths);
    let existing = store.list()?.into_iter().find(|r| r.names.contains(&full));
    let id = {
        let _l = lock(engine)?;
        match existing {
            Some(r) if amend && is_list(&r) => r.id,
            Some(r) => {
                return Err(Error::Conflict(format!(
                    "creating image to hold manifest list: image name \"{full}\" is already associated with image \"{}\": that name is already in use",
                    r.id
                )))
            }
            None => {
                let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Nanos, true);
                let rec = ImageRecord {
                    id: new_id()?,
                    names: vec![full.clone()],
                    created: Some(now.clone()),
                    pulled_at: Some(now),
                    manifest_media_type: Some(OCI_INDEX.to_string()),
                    ..Default::default()
                };
                let index = Index { schema_version: 2, media_type: Some(OCI_INDEX.into()), manifests: Vec::new(), annotations: None };
                save(engine, rec, &index)?.id
            }
        }
    };
    for i in images {
        add(engine, &id, i, opts)?;
    }
    Ok(id)
}

fn apply(entry: &mut Entry, o: &EntryOptions) -> Result<()> {
    let p = entry.platform.get_or_insert_with(Platform::default);
    if let Some(a) = &o.arch {
        p.architecture = a.clone();
    }
    if let Some(x) = &o.os {
        p.os = x.clone();
    }
    if let Some(v) = &o.variant {
        p.variant = Some(v.clone()).filter(|v| !v.is_empty());
    }
    if let Some(v) = &o.os_version {
        p.os_version = Some(v.clone()).filter(|v| !v.is_empty());
    }
    if !o.features.is_empty() {
        p.features = Some(o.features.clone());
    }
    if !o.os_features.is_empty() {
        p.os_features = Some(o.os_features.clone());
    }
    for kv in &o.annotations {
        let (k, v) = kv
            .split_once('=')
            .filter(|(k, _)| !k.is_empty())
            .ok_or_else(|| Error::Invalid(format!("annotation \"{kv}\" must be KEY=VALUE")))?;
        entry.annotations.get_or_insert_with(BTreeMap::new).insert(k.to_string(), v.to_string());
    }
    Ok(())
}

/// The entry describing local image `img`.
fn entry_of(engine: &Engine, img: &ImageRecord) -> Result<Entry> {
    let p = engine.paths.blob_path(&img.digest);
    let size = std::fs::metadata(&p)
        .map_err(|_| {
            Error::NotFound(format!(
                "the manifest of image {} ({}) is not in the store, so it cannot be put in a list: pull it again",
                &img.id[..12],
                img.digest
            ))
        })?
        .len();
    let c = &img.config;
    let platform = Platform {
        architecture: c.architecture().to_string(),
        os: c.os().to_string(),
        os_version: c.os_version().clone(),
        os_features: c.os_features().clone(),
        variant: c.variant().clone(),
        features: None,
    };
    Ok(Entry {
        media_type: img.manifest_media_type.clone().unwrap_or_else(|| OCI_MANIFEST.into()),
        size,
        digest: img.digest.clone(),
        platform: Some(platform),
        annotations: None,
    })
}

/// The local images `image` means for `manifest add`: the stored one, else
/// pulled (one, or with `all` every instance of a remote list).
fn resolve_images(engine: &Engine, image: &str, opts: &AddOptions) -> Result<Vec<ImageRecord>> {
    let store = ImageStore::new(&engine.paths);
    if !opts.all {
        match store.lookup(image) {
            Ok(r) if is_list(&r) => return Err(Error::Invalid(format!("{image} is a manifest list: add its images, not the list"))),
            Ok(r) => return Ok(vec![r]),
            Err(Error::ImageNotFound(_)) => {}
            Err(e) => return Err(e),
        }
        return Ok(vec![super::images::pull(engine, image, opts.pull.clone(), &|_| {})?]);
    }
    let name = image.strip_prefix("docker://").unwrap_or(image);
    let reference = sangja_image::reference::Reference::parse(name)?;
    let fetched = block_on(sangja_image::remote::fetch_manifest(&reference, opts.pull.tls_verify, opts.pull.creds.as_ref()))??;
    let index: Index = match serde_json::from_slice::<Index>(&fetched.bytes) {
        Ok(i) if !i.manifests.is_empty() => i,
        // One image, not a list: --all adds just it.
        _ => return Ok(vec![super::images::pull(engine, image, opts.pull.clone(), &|_| {})?]),
    };
    let mut out = Vec::new();
    for e in &index.manifests {
        let Some(p) = &e.platform else { continue };
        let mut po = opts.pull.clone();
        po.platform = Some(match &p.variant {
            Some(v) => format!("{}/{}/{v}", p.os, p.architecture),
            None => format!("{}/{}", p.os, p.architecture),
        });
        let by_digest = format!("{}@{}", reference.name_without_tag(), e.digest);
        out.push(super::images::pull(engine, &by_digest, po, &|_| {})?);
    }
    Ok(out)
}

fn block_on<F: std::future::Future>(f: F) -> Result<F::Output> {
    Ok(super::images::registry_runtime()?.block_on(f))
}

/// `manifest add LIST IMAGE`: returns the list's id. An image already in the
/// list (same digest) has its entry replaced.
pub fn add(engine: &Engine, list: &str, image: &str, opts: &AddOptions) -> Result<String> {
    // The list must exist before anything is pulled for it.
    load(engine, list)?;
    let images = resolve_images(engine, image, opts)?;
    let _l = lock(engine)?;
    let (rec, mut index) = load(engine, list)?;
    for img in &images {
        let mut e = entry_of(engine, img)?;
        apply(&mut e, &opts.entry)?;
        match index.manifests.iter_mut().find(|x| x.digest == e.digest) {
            Some(x) => *x = e,
            None => index.manifests.push(e),
        }
    }
    Ok(save(engine, rec, &index)?.id)
}

/// `manifest annotate LIST IMAGE|DIGEST`: returns the list's id.
pub fn annotate(engine: &Engine, list: &str, which: &str, opts: &EntryOptions) -> Result<String> {
    let _l = lock(engine)?;
    let (rec, mut index) = load(engine, list)?;
    let digest = instance_digest(engine, which)?;
    let e = index.manifests.iter_mut().find(|x| x.digest == digest).ok_or_else(|| {
        Error::NotFound(format!("no instance with digest {digest} in manifest list {list}: see `sangja manifest inspect {list}`"))
    })?;
    apply(e, opts)?;
    Ok(save(engine, rec, &index)?.id)
}

/// A digest as given, or the manifest digest of a local image.
fn instance_digest(engine: &Engine, which: &str) -> Result<String> {
    let bare = which.strip_prefix("sha256:").unwrap_or(which);
    if which.starts_with("sha256:") && sangja_image::store::is_full_id(bare) {
        return Ok(which.to_string());
    }
    Ok(ImageStore::new(&engine.paths).lookup(which)?.digest)
}

/// `manifest remove LIST DIGEST`: returns the list's id.
pub fn remove(engine: &Engine, list: &str, which: &str) -> Result<String> {
    let _l = lock(engine)?;
    let (rec, mut index) = load(engine, list)?;
    let digest = instance_digest(engine, which)?;
    let before = index.manifests.len();
    index.manifests.retain(|x| x.digest != digest);
    if index.manifests.len() == before {
        return Err(Error::NotFound(format!("removing from manifest list {list}: no instance with digest {digest} in the list")));
    }
    Ok(save(engine, rec, &index)?.id)
}

/// `manifest exists LIST`.
pub fn exists(engine: &Engine, name: &str) -> Result<bool> {
    match ImageStore::new(&engine.paths).lookup(name) {
        Ok(r) => Ok(is_list(&r)),
        Err(Error::ImageNotFound(_) | Error::Reference(_)) => Ok(false),
        Err(e) => Err(e),
    }
}

/// `manifest inspect NAME`: a local list's index, else the registry's
/// manifest or index of that reference: the JSON document, keys in its order.
pub fn inspect(engine: &Engine, name: &str, pull: &super::images::PullOptions) -> Result<Vec<u8>> {
    match ImageStore::new(&engine.paths).lookup(name) {
        Ok(r) if is_list(&r) => {
            let (_, index) = load(engine, name)?;
            serde_json::to_vec(&index).map_err(|e| Error::Internal(e.to_string()))
        }
        Ok(r) => Err(not_a_list(&r.names.first().cloned().unwrap_or_else(|| name.to_string()))),
        Err(Error::ImageNotFound(_)) => {
            let remote = name.strip_prefix("docker://").unwrap_or(name);
            let reference = sangja_image::reference::Reference::parse(remote)?;
            let fetched = block_on(sangja_image::remote::fetch_manifest(&reference, pull.tls_verify, pull.creds.as_ref()))??;
            serde_json::from_slice::<serde::de::IgnoredAny>(&fetched.bytes)
                .map_err(|e| Error::Registry(format!("{reference}: the registry sent a manifest that is not valid JSON: {e}")))?;
            Ok(fetched.bytes)
        }
        Err(e) => Err(e),
    }
}

/// What `manifest push` is asked to do.
#[derive(Debug, Clone, Default)]
pub struct PushListRequest {
    /// The local list, by name or id.
    pub list: String,
    /// Where to push; `None`: the list's name.
    pub destination: Option<String>,
    /// Push the instances' blobs and manifests too (`--all`, podman's default).
    pub all: bool,
    /// Registry options; `format` is the instances' manifest format, and
    /// sets the list's type (v2s2: a Docker manifest list, oci: an OCI index).
    pub options: super::push::PushOptions,
    /// `--digestfile`: where to write the list's digest.
    pub digestfile: Option<std::path::PathBuf>,
    /// `--rm`: remove the local list once pushed.
    pub remove: bool,
}

/// What `manifest push` did.
#[derive(Debug)]
pub struct PushedList {
    /// The digest of the list written to the registry.
    pub digest: String,
    /// Instance manifests written.
    pub instances: usize,
    /// What `--rm` removed.
    pub removed: Vec<super::images::Removed>,
}

/// The list document to send: the stored bytes when nothing changed (so the
/// registry's digest is the local one), else `index` in the type asked for.
fn list_to_send(
    stored: Vec<u8>,
    stored_type: &str,
    mut index: Index,
    changed: bool,
    format: Option<super::push::ManifestFormat>,
) -> Result<(String, Vec<u8>)> {
    let want = match format {
        Some(super::push::ManifestFormat::V2s2) => DOCKER_LIST,
        Some(super::push::ManifestFormat::Oci) => OCI_INDEX,
        None => stored_type,
    };
    if !changed && want == stored_type {
        return Ok((want.to_string(), stored));
    }
    index.media_type = Some(want.to_string());
    if want == DOCKER_LIST {
        // A Docker manifest list has no annotations.
        index.annotations = None;
        for e in &mut index.manifests {
            e.annotations = None;
        }
    }
    let bytes = serde_json::to_vec(&index).map_err(|e| Error::Internal(format!("serialise an index: {e}")))?;
    Ok((want.to_string(), bytes))
}

/// `manifest push LIST [DESTINATION]`: every instance (blobs, then its
/// manifest by digest) unless `all` is off, then the list under the
/// destination's tag. An instance whose manifest had to change (another
/// `--format`, layers the registry has in another compression) gets its new
/// digest in the list sent; the local list is left as it is.
pub fn push(engine: &Engine, req: &PushListRequest, progress: &(dyn Fn(super::push::PushEvent) + Send + Sync)) -> Result<PushedList> {
    use super::push::PushEvent;
    let (rec, index) = load(engine, &req.list)?;
    let dest = match &req.destination {
        Some(d) => super::push::destination(d)?,
        None => super::push::destination(rec.names.first().ok_or_else(|| {
            Error::Invalid(format!(
                "manifest list {} has no name to push to: give a destination (sangja manifest push LIST REGISTRY/NAME[:TAG])",
                &rec.id[..12]
            ))
        })?)?,
    };
    let stored = index_bytes(engine, &rec)?;
    let stored_type = rec.manifest_media_type.clone().unwrap_or_else(|| OCI_INDEX.to_string());
    let runtime = super::images::registry_runtime()?;
    let mut sent = index.clone();
    let mut changed = false;
    let mut count = 0;
    if req.all {
        let images = instances(engine, &index)?;
        let n = images.len();
        for (i, (entry, image)) in images.iter().enumerate() {
            progress(PushEvent::ListInstance { digest: entry.digest.clone(), index: i + 1, count: n });
            let pushed = runtime.block_on(sangja_image::push::push_instance(&engine.paths, image, &dest, &req.options, progress))?;
            let e = &mut sent.manifests[i];
            if pushed.digest != e.digest || pushed.media_type != e.media_type {
                (e.digest, e.size, e.media_type) = (pushed.digest, pushed.size, pushed.media_type);
                changed = true;
            }
            count += 1;
        }
    }
    let (media_type, bytes) = list_to_send(stored, &stored_type, sent, changed, req.options.format)?;
    progress(PushEvent::ListManifest);
    let digest = runtime.block_on(sangja_image::push::push_list_manifest(&dest, &req.options, &media_type, bytes))?;
    drop(runtime);
    if let Some(path) = &req.digestfile {
        std::fs::write(path, &digest).map_err(|e| Error::io_path("write the digest file", path, e))?;
    }
    let removed = if req.remove { super::images::remove(engine, &rec.id, false)? } else { Vec::new() };
    Ok(PushedList { digest, instances: count, removed })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_serialises_in_spec_order() {
        let mut e = Entry { media_type: OCI_MANIFEST.into(), size: 3, digest: "sha256:ab".into(), platform: None, annotations: None };
        apply(
            &mut e,
            &EntryOptions {
                arch: Some("arm64".into()),
                os: Some("linux".into()),
                variant: Some("v8".into()),
                annotations: vec!["a=b".into()],
                ..Default::default()
            },
        )
        .unwrap();
        let i = Index { schema_version: 2, media_type: Some(OCI_INDEX.into()), manifests: vec![e], annotations: None };
        let s = serde_json::to_string(&i).unwrap();
        assert_eq!(
            s,
            r#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","size":3,"digest":"sha256:ab","platform":{"architecture":"arm64","os":"linux","variant":"v8"},"annotations":{"a":"b"}}]}"#
        );
        let back: Index = serde_json::from_str(&s).unwrap();
        // Sent unchanged: the stored bytes; as v2s2: a Docker list without annotations.
        let (mt, same) = list_to_send(s.clone().into_bytes(), OCI_INDEX, back.clone(), false, None).unwrap();
        assert_eq!((mt.as_str(), same), (OCI_INDEX, s.clone().into_bytes()));
        let (mt, docker) =
            list_to_send(s.clone().into_bytes(), OCI_INDEX, back.clone(), false, Some(crate::push::ManifestFormat::V2s2)).unwrap();
        assert_eq!(mt, DOCKER_LIST);
        let d: Index = serde_json::from_slice(&docker).unwrap();
        assert_eq!(d.media_type.as_deref(), Some(DOCKER_LIST));
        assert!(d.manifests[0].annotations.is_none() && d.manifests[0].platform == back.manifests[0].platform);
        assert_eq!(back, i);
        let mut bad = back.manifests[0].clone();
        assert!(apply(&mut bad, &EntryOptions { annotations: vec!["=x".into()], ..Default::default() }).is_err());
    }
}
