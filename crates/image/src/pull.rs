//! Pulling an image from a registry with oci-client: manifest (through an
//! index for the wanted platform), config, then every missing layer streamed
//! straight into the extractor, several at once.

use super::reference::Reference;
use super::registries;
use super::store::{ImageRecord, ImageStore};
use super::token::Capped;
use super::transport::{download_error, ChannelReader, Chunk, Phase, Registry};
use crate::config::auth::Credentials;
use crate::error::{Error, Result};
use crate::paths::StorePaths;
use crate::storage::layers::{ExtractOptions, LayerInfo, LayerStore};
use futures_util::StreamExt;
use oci_spec::image::{ImageConfiguration, ImageIndex, ImageManifest};
use serde::Deserialize;
use sha2::{Digest as _, Sha256};

/// Layers downloaded at once: enough to fill a link, few enough not to thrash 2 cores.
const PARALLEL_LAYERS: usize = 4;
/// Chunks buffered between a download and its extraction.
const CHANNEL_CHUNKS: usize = 32;
/// Bytes between two progress events of one layer.
const PROGRESS_STEP: u64 = 256 * 1024;
/// Largest config blob accepted: real ones are a few KiB; containers/image's bound.
const MAX_CONFIG: usize = super::token::MAX_CONFIG_BODY;

/// Options of a pull.
#[derive(Debug, Clone, Default)]
pub struct PullOptions {
    /// `Some(false)`: plain HTTP and no TLS verification.
    pub tls_verify: Option<bool>,
    /// "os/arch[/variant]"; default the host's (linux/amd64 on x86-64).
    pub platform: Option<String>,
    /// Extract without owners (rootless without a subuid range).
    pub squash_owners: bool,
    /// `--creds`: for the registry the user named only; mirrors and rewritten
    /// locations get their own stored credentials, never these.
    pub creds: Option<Credentials>,
}

/// Progress of a pull, for the CLI to render.
#[derive(Debug, Clone)]
pub enum PullEvent {
    /// Resolved the manifest: layers to fetch, with their sizes.
    Manifest { layers: Vec<(String, u64)> },
    /// A layer was already in the store.
    LayerCached { digest: String },
    /// More bytes of a layer arrived.
    LayerProgress { digest: String, bytes: u64 },
    /// A layer is downloaded, verified and extracted.
    LayerDone { digest: String },
}

/// Pulls `reference` into the store and records the image.
pub async fn pull(
    paths: &StorePaths,
    reference: &Reference,
    opts: &PullOptions,
    progress: &(dyn Fn(PullEvent) + Send + Sync),
) -> Result<ImageRecord> {
    // registries.conf decides where the image comes from: blocked, mirrors in
    // order, then the (rewritten) location; credentials are per source host.
    let (conf, _) = registries::load()?;
    let sources = conf.sources(reference)?;
    let mut mirror_errors = Vec::new();
    for src in &sources {
        let insecure = match opts.tls_verify {
            Some(v) => !v,
            None => src.insecure,
        };
        let creds = source_creds(reference, &src.reference, opts.creds.as_ref())?;
        // A concurrent rmi may remove a layer this pull shares with the image it
        // removes, between our check and our record (save_pulled refuses then):
        // pulling again fetches it anew. Bounded: an rmi in a loop cannot hold us.
        let mut attempt = 0;
        let result = loop {
            attempt += 1;
            match pull_from(paths, reference, &src.reference, insecure, opts, creds.as_ref(), progress).await {
                Err(e) if attempt < 4 && layer_vanished(&e) => continue,
                done => break done,
            }
        };
        match result {
            // A mirror that is down or lacks the image falls back to the next source.
            Err(e) if src.mirror => mirror_errors.push(e.to_string()),
            done => return done,
        }
    }
    Err(Error::Registry(format!("{reference}: every mirror failed:\n  {}", mirror_errors.join("\n  "))))
}

/// The refusal of `ImageStore::save_pulled` when a layer went away during the pull.
fn layer_vanished(e: &Error) -> bool {
    matches!(e, Error::Conflict(m) if m.contains("was removed while it was being pulled"))
}

/// The credentials for pulling `named` from `source`: `--creds` only where the
/// source is the registry the user named (never a mirror on another host, as
/// the rule of issue 14 says), else what auth.json holds for the source.
fn source_creds(named: &Reference, source: &Reference, given: Option<&Credentials>) -> Result<Option<Credentials>> {
    match given {
        Some(c) if source.registry == named.registry => Ok(Some(c.clone())),
        _ => crate::config::auth::lookup(&source.registry, &source.repository, None),
    }
}

/// A platform wanted from a manifest list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Platform {
    /// "linux".
    pub os: String,
    /// Go's GOARCH name: "amd64", "arm64"...
    pub arch: String,
    /// "v7", "v8"...; `None` accepts any.
    pub variant: Option<String>,
}

impl Platform {
    /// The machine's own platform in Go's names (what images use).
    pub fn host() -> Platform {
        let arch = match std::env::consts::ARCH {
            "x86_64" => "amd64",
            "aarch64" => "arm64",
            "x86" => "386",
            "powerpc64" => "ppc64le",
            "loongarch64" => "loong64",
            other => other,
        };
        Platform { os: "linux".into(), arch: arch.into(), variant: None }
    }

    /// Parses "os/arch[/variant]"; `None` gives the host's.
    pub fn parse(s: Option<&str>) -> Result<Platform> {
        let Some(s) = s.filter(|s| !s.is_empty()) else { return Ok(Platform::host()) };
        let parts: Vec<&str> = s.split('/').collect();
        match parts.as_slice() {
            [os, arch] if !os.is_empty() && !arch.is_empty() => Ok(Platform { os: os.to_string(), arch: arch.to_string(), variant: None }),
            [os, arch, v] if !os.is_empty() && !arch.is_empty() && !v.is_empty() => {
                Ok(Platform { os: os.to_string(), arch: arch.to_string(), variant: Some(v.to_string()) })
            }
            _ => Err(Error::Invalid(format!("invalid platform \"{s}\": use os/arch[/variant], e.g. linux/arm64"))),
        }
    }
}

impl std::fmt::Display for Platform {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.os, self.arch)?;
        if let Some(v) = &self.variant {
            write!(f, "/{v}")?;
        }
        Ok(())
    }
}

/// The few fields that tell what a manifest document is.
#[derive(Deserialize)]
struct Head {
    #[serde(rename = "schemaVersion")]
    schema_version: Option<i64>,
    #[serde(rename = "mediaType")]
    media_type: Option<String>,
    manifests: Option<serde_json::Value>,
    config: Option<serde_json::Value>,
}

enum Doc {
    Index,
    Manifest(Option<String>),
}

fn classify(bytes: &[u8], r: &Reference) -> Result<Doc> {
    let head: Head = serde_json::from_slice(bytes)
        .map_err(|e| Error::Registry(format!("{r}: the registry sent a manifest that is not valid JSON: {e}")))?;
    if head.schema_version == Some(1) {
        return Err(Error::Registry(format!(
            "{r}: the image has a Docker schema 1 manifest, deprecated since 2017 and not supported; \
             re-push it with a current docker, podman, buildah or skopeo"
        )));
    }
    use oci_client::manifest as m;
    match head.media_type.as_deref() {
        Some(m::OCI_IMAGE_INDEX_MEDIA_TYPE | m::IMAGE_MANIFEST_LIST_MEDIA_TYPE) => Ok(Doc::Index),
        Some(t @ (m::OCI_IMAGE_MEDIA_TYPE | m::IMAGE_MANIFEST_MEDIA_TYPE)) => Ok(Doc::Manifest(Some(t.to_string()))),
        Some(t) => Err(Error::Registry(format!("{r}: unsupported manifest media type \"{t}\": this is not a container image"))),
        None if head.manifests.is_some() => Ok(Doc::Index),
        None if head.config.is_some() => Ok(Doc::Manifest(None)),
        None => Err(Error::Registry(format!("{r}: the registry sent a document that is neither an image manifest nor an index"))),
    }
}

fn sha256_of(bytes: &[u8]) -> String {
    format!("sha256:{}", hex::encode(Sha256::digest(bytes)))
}

/// The digest of the index entry for `want`; attestation entries ("unknown/unknown") never match.
fn choose(index: &ImageIndex, want: &Platform, r: &Reference) -> Result<String> {
    let entries = index.manifests();
    let fits = |exact_variant: bool| {
        entries.iter().find(|d| {
            d.platform().as_ref().is_some_and(|p| {
                let variant_ok = match (&want.variant, p.variant()) {
                    (Some(w), Some(v)) => w == v,
                    (Some(_), None) => !exact_variant,
                    (None, _) => true,
                };
                p.os().to_string() == want.os && p.architecture().to_string() == want.arch && variant_ok
            })
        })
    };
    if let Some(d) = fits(true).or_else(|| fits(false)) {
        return Ok(d.digest().to_string());
    }
    let mut have: Vec<String> = entries
        .iter()
        .filter_map(|d| d.platform().as_ref())
        .map(|p| match p.variant() {
            Some(v) => format!("{}/{}/{v}", p.os(), p.architecture()),
            None => format!("{}/{}", p.os(), p.architecture()),
        })
        .filter(|s| !s.starts_with("unknown"))
        .collect();
    have.dedup();
    Err(Error::Registry(format!(
        "{r}: no image for platform {want} in the manifest list (it has: {}); choose one with --platform",
        if have.is_empty() { "none".to_string() } else { have.join(", ") }
    )))
}

/// The image manifest to pull and what it was reached through.
struct Resolved {
    bytes: Vec<u8>,
    digest: String,
    media_type: Option<String>,
    list_digest: Option<String>,
}

async fn resolve(reg: &Registry, want: &Platform) -> Result<Resolved> {
    let r = reg.reference.clone();
    let oref = reg.oref.clone();
    let bytes = reg.manifest(&oref).await?;
    let digest = sha256_of(&bytes);
    if let Some(expected) = &r.digest {
        if &digest != expected {
            return Err(Error::DigestMismatch { what: format!("manifest of {r}"), expected: expected.clone(), actual: digest });
        }
    }
    match classify(&bytes, &r)? {
        Doc::Manifest(media_type) => Ok(Resolved { bytes, digest, media_type, list_digest: None }),
        Doc::Index => {
            let index: ImageIndex =
                serde_json::from_slice(&bytes).map_err(|e| Error::Registry(format!("{r}: the manifest list is not valid: {e}")))?;
            let chosen = choose(&index, want, &r)?;
            let child = reg.manifest(&oref.clone_with_digest(chosen.clone())).await?;
            let actual = sha256_of(&child);
            if actual != chosen {
                return Err(Error::DigestMismatch { what: format!("manifest of {r} for {want}"), expected: chosen, actual });
            }
            match classify(&child, &r)? {
                Doc::Manifest(media_type) => Ok(Resolved { bytes: child, digest: chosen, media_type, list_digest: Some(digest) }),
                Doc::Index => {
                    Err(Error::Registry(format!("{r}: the manifest list for {want} points to another list, which is not supported")))
                }
            }
        }
    }
}

const LAYER_TYPES: &[&str] = &[
    "application/vnd.oci.image.layer.v1.tar",
    "application/vnd.oci.image.layer.v1.tar+gzip",
    "application/vnd.oci.image.layer.v1.tar+zstd",
    "application/vnd.oci.image.layer.nondistributable.v1.tar",
    "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip",
    "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd",
    "application/vnd.docker.image.rootfs.diff.tar",
    "application/vnd.docker.image.rootfs.diff.tar.gzip",
    "application/vnd.docker.image.rootfs.diff.tar.zstd",
    "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip",
];

const CONFIG_TYPES: &[&str] = &["application/vnd.oci.image.config.v1+json", "application/vnd.docker.container.image.v1+json"];

/// Checks that the manifest describes a container image we can unpack.
fn check_manifest(m: &ImageManifest, r: &Reference) -> Result<()> {
    let ct = m.config().media_type().to_string();
    if !CONFIG_TYPES.contains(&ct.as_str()) {
        return Err(Error::Registry(format!("{r}: not a container image: its config has media type \"{ct}\" (an OCI artifact?)")));
    }
    let sha = |d: &str| d.strip_prefix("sha256:").is_some_and(|h| h.len() == 64);
    if !sha(m.config().digest().as_ref()) {
        return Err(Error::Registry(format!("{r}: config digest {} is not sha256, which is all sangja supports", m.config().digest())));
    }
    for l in m.layers() {
        let t = l.media_type().to_string();
        if !LAYER_TYPES.contains(&t.as_str()) {
            let why = if t.contains("encrypted") { "encrypted layers are not supported" } else { "not a filesystem layer" };
            return Err(Error::Registry(format!("{r}: layer {} has media type \"{t}\": {why}", l.digest())));
        }
        if !sha(l.digest().as_ref()) {
            return Err(Error::Registry(format!("{r}: layer digest {} is not sha256, which is all sangja supports", l.digest())));
        }
    }
    Ok(())
}

/// Writes a small content-addressed blob unless it is there already.
fn save_blob(paths: &StorePaths, digest: &str, bytes: &[u8]) -> Result<()> {
    let p = paths.blob_path(digest);
    if p.is_file() {
        return Ok(());
    }
    if let Some(dir) = p.parent() {
        std::fs::create_dir_all(dir).map_err(|e| Error::io_path("create", dir, e))?;
    }
    crate::json_file::write_bytes(&p, bytes)
}

async fn fetch_config(reg: &Registry, digest: &str) -> Result<Vec<u8>> {
    let r = &reg.reference;
    let mut res = reg.blob(digest, Phase::Config).await?;
    let out = super::token::read_capped(&mut res, MAX_CONFIG).await.map_err(|e| match e {
        Capped::TooLarge => Error::Registry(format!(
            "{r}: the image config is larger than {} MiB, the limit on configs (podman's too); refusing it",
            MAX_CONFIG >> 20
        )),
        Capped::Net(e) => download_error(&e, r, digest),
    })?;
    let actual = sha256_of(&out);
    if actual != digest {
        return Err(Error::DigestMismatch { what: format!("config blob of {r}"), expected: digest.into(), actual });
    }
    Ok(out)
}

/// Downloads one layer blob while extracting it: the bytes go through a
/// bounded channel to `LayerStore::add_from_blob` on a blocking thread.
async fn fetch_layer(
    reg: &Registry,
    paths: &StorePaths,
    digest: &str,
    diff_id: Option<String>,
    eopts: &ExtractOptions,
    progress: &(dyn Fn(PullEvent) + Send + Sync),
) -> Result<LayerInfo> {
    let r = &reg.reference;
    // Hashed once, by add_from_blob, as the bytes are extracted.
    let mut response = reg.blob(digest, Phase::Layer).await?;
    let (tx, rx) = tokio::sync::mpsc::channel(CHANNEL_CHUNKS);
    let (p, d, o) = (paths.clone(), digest.to_string(), eopts.clone());
    let extract =
        tokio::task::spawn_blocking(move || LayerStore::new(&p).add_from_blob(&d, diff_id.as_deref(), ChannelReader::new(rx), &o));
    let mut pending = 0u64;
    let mut failed = None;
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                let n = chunk.len() as u64;
                // A closed channel means the extractor stopped: its result says why.
                if tx.send(Chunk::Data(chunk)).await.is_err() {
                    break;
                }
                pending += n;
                if pending >= PROGRESS_STEP {
                    progress(PullEvent::LayerProgress { digest: digest.to_string(), bytes: pending });
                    pending = 0;
                }
            }
            Err(e) => {
                let _ = tx.send(Chunk::Failed(e.to_string())).await;
                failed = Some(download_error(&e, r, digest));
                break;
            }
            Ok(None) => {
                let _ = tx.send(Chunk::End).await;
                break;
            }
        }
    }
    drop(tx);
    if pending > 0 {
        progress(PullEvent::LayerProgress { digest: digest.to_string(), bytes: pending });
    }
    let extracted = extract.await.map_err(|e| Error::Layer(format!("{r}: extracting layer {digest} stopped: {e}")))?;
    match failed {
        // The download's own error (a digest mismatch, a reset) says more than "interrupted".
        Some(e) => Err(e),
        None => extracted,
    }
}

/// Pulls `reference` from `source` (the same image, or a mirror's copy) and
/// records it under `reference`'s name.
async fn pull_from(
    paths: &StorePaths,
    reference: &Reference,
    source: &Reference,
    insecure: bool,
    opts: &PullOptions,
    creds: Option<&Credentials>,
    progress: &(dyn Fn(PullEvent) + Send + Sync),
) -> Result<ImageRecord> {
    let r = reference;
    let want = Platform::parse(opts.platform.as_deref())?;
    let reg = Registry::connect(source, insecure, creds).await?;
    let resolved = resolve(&reg, &want).await?;
    let manifest: ImageManifest =
        serde_json::from_slice(&resolved.bytes).map_err(|e| Error::Registry(format!("{r}: the image manifest is not valid: {e}")))?;
    check_manifest(&manifest, r)?;
    let config_digest = manifest.config().digest().to_string();
    let id = config_digest.trim_start_matches("sha256:").to_string();

    let repo = r.name_without_tag();
    let mut repo_digests = vec![format!("{repo}@{}", resolved.digest)];
    if let Some(l) = &resolved.list_digest {
        repo_digests.push(format!("{repo}@{l}"));
    }
    // By digest the tag may since point elsewhere: record no name, as podman.
    let names = match (&r.tag, &r.digest) {
        (Some(_), None) => vec![r.to_string()],
        _ => Vec::new(),
    };
    let layer_digests: Vec<String> = manifest.layers().iter().map(|l| l.digest().to_string()).collect();
    let mut unique: Vec<(String, u64)> = Vec::new();
    for l in manifest.layers() {
        if !unique.iter().any(|(d, _)| d == l.digest().as_ref()) {
            unique.push((l.digest().to_string(), l.size()));
        }
    }
    let layers = LayerStore::new(paths);
    let store = ImageStore::new(paths);

    if let Some(existing) = store.get(&id)? {
        if existing.digest == resolved.digest && layer_digests.iter().all(|d| layers.has(d)) {
            progress(PullEvent::Manifest { layers: unique.clone() });
            for (d, _) in &unique {
                progress(PullEvent::LayerCached { digest: d.clone() });
            }
            let record = ImageRecord { names, repo_digests, ..existing };
            return store.save_pulled(&record);
        }
    }

    let config_bytes = fetch_config(&reg, &config_digest).await?;
    let config: ImageConfiguration =
        serde_json::from_slice(&config_bytes).map_err(|e| Error::Registry(format!("{r}: the image config is not valid: {e}")))?;
    let diff_ids = config.rootfs().diff_ids();
    let diff_id_of = |digest: &str| {
        if diff_ids.len() != layer_digests.len() {
            return None;
        }
        layer_digests.iter().position(|d| d == digest).and_then(|i| diff_ids.get(i).cloned())
    };

    progress(PullEvent::Manifest { layers: unique.clone() });
    let eopts = ExtractOptions {
        squash_owners: opts.squash_owners,
        rootless: paths.rootless,
        max_size: Some(crate::config::settings::max_layer_size()?),
        keep_kinds: false,
    };
    let mut missing = Vec::new();
    for (d, _) in &unique {
        if layers.has(d) {
            progress(PullEvent::LayerCached { digest: d.clone() });
        } else {
            missing.push(d.clone());
        }
    }
    let reg_ref = &reg;
    let eopts_ref = &eopts;
    let mut downloads = futures_util::stream::iter(missing.into_iter().map(|d| {
        let diff_id = diff_id_of(&d);
        async move {
            let info = fetch_layer(reg_ref, paths, &d, diff_id, eopts_ref, progress).await?;
            progress(PullEvent::LayerDone { digest: d });
            Ok::<LayerInfo, Error>(info)
        }
    }))
    .buffer_unordered(PARALLEL_LAYERS);
    while let Some(done) = downloads.next().await {
        // Returning drops the other downloads; their extractors see the channel
        // close without an end and discard their half-done layers.
        done?;
    }
    drop(downloads);

    let mut size = 0;
    for (d, _) in &unique {
        size += match layers.info(d) {
            Ok(info) => info.size,
            // Found cached, then removed by a concurrent rmi: pull again (`pull`).
            Err(_) if !layers.has(d) => {
                return Err(Error::Conflict(format!(
                    "layer {d} of image {} was removed while it was being pulled (a concurrent rmi?): pull again",
                    &id[..id.len().min(12)]
                )))
            }
            Err(e) => return Err(e),
        };
    }
    save_blob(paths, &config_digest, &config_bytes)?;
    save_blob(paths, &resolved.digest, &resolved.bytes)?;
    let record = ImageRecord {
        id,
        names,
        digest: resolved.digest,
        layers: layer_digests,
        created: config.created().clone(),
        config,
        size,
        pulled_at: Some(chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
        manifest_media_type: resolved.media_type.or_else(|| manifest.media_type().as_ref().map(|m| m.to_string())),
        repo_digests,
    };
    store.save_pulled(&record)
}

/// The checks a pull makes of the documents a registry sends, on bytes in
/// hand: the manifest document (an index and the entry chosen from it, or an
/// image manifest, with `check_manifest`) and the image config. The fuzz
/// suite (tests/reliability) feeds it bad bytes: it must answer with an
/// error, never a panic. Returns the digest an index chose.
#[doc(hidden)]
pub fn check_documents(doc: &[u8], config: Option<&[u8]>, r: &Reference, want: &Platform) -> Result<Option<String>> {
    let chosen = match classify(doc, r)? {
        Doc::Index => {
            let index: ImageIndex =
                serde_json::from_slice(doc).map_err(|e| Error::Registry(format!("{r}: the manifest list is not valid: {e}")))?;
            Some(choose(&index, want, r)?)
        }
        Doc::Manifest(_) => {
            let manifest: ImageManifest =
                serde_json::from_slice(doc).map_err(|e| Error::Registry(format!("{r}: the image manifest is not valid: {e}")))?;
            check_manifest(&manifest, r)?;
            None
        }
    };
    if let Some(bytes) = config {
        let config: ImageConfiguration =
            serde_json::from_slice(bytes).map_err(|e| Error::Registry(format!("{r}: the image config is not valid: {e}")))?;
        let _ = config.rootfs().diff_ids().len();
        let _ = config.created();
    }
    Ok(chosen)
}

#[cfg(test)]
#[path = "pull_tests.rs"]
mod tests;
