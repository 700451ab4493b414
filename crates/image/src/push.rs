//! Pushing an image to a registry (the distribution API, by hand like pull's
//! requests): for each layer, a blob the registry is known to have is not
//! sent (HEAD), one it holds in another repository is mounted (one POST, no
//! HEAD before it), any other candidate is looked for (HEADs), anything else
//! is rebuilt from the layer's tar-split (storage::tarsplit), compressed while
//! it streams and sent in one chunked upload (PATCH, then PUT ?digest= once
//! the digest is known); every blob at once, the config beside the layers.
//! The config blob is the stored one, so the image id does not change; the
//! manifest is the stored one when every blob it names is what the registry
//! got, else a new one.

use super::blobinfo::{self, BlobInfo};
use super::reference::Reference;
use super::store::ImageRecord;
use super::transport::Registry;
use crate::config::auth::Credentials;
use crate::error::{Error, Result};
use crate::paths::StorePaths;
use crate::storage::layers::LayerStore;
use compress::{body_of, start_compressing};
use futures_util::{StreamExt, TryStreamExt};
use sha2::{Digest as _, Sha256};
use std::io;

mod compress;

/// Blobs sent at once: compression is the cost, and the machine may have 2 cores.
const PARALLEL_BLOBS: usize = 4;

const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
const DOCKER_MANIFEST: &str = "application/vnd.docker.distribution.manifest.v2+json";
const OCI_CONFIG: &str = "application/vnd.oci.image.config.v1+json";
const DOCKER_CONFIG: &str = "application/vnd.docker.container.image.v1+json";

/// The manifest format to push.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ManifestFormat {
    /// OCI image manifest.
    Oci,
    /// Docker image manifest, schema 2.
    V2s2,
}

impl ManifestFormat {
    /// Parses `--format` (podman's names).
    pub fn parse(s: &str) -> Result<ManifestFormat> {
        match s {
            "oci" => Ok(ManifestFormat::Oci),
            "v2s2" | "docker" => Ok(ManifestFormat::V2s2),
            "v2s1" => Err(Error::Invalid("--format v2s1: Docker schema 1 is deprecated and not supported: use oci or v2s2".into())),
            other => Err(Error::Invalid(format!("--format \"{other}\": use oci or v2s2"))),
        }
    }
    fn of_media_type(mt: &str) -> Option<ManifestFormat> {
        match mt {
            OCI_MANIFEST => Some(ManifestFormat::Oci),
            DOCKER_MANIFEST => Some(ManifestFormat::V2s2),
            _ => None,
        }
    }
    fn media_type(self) -> &'static str {
        match self {
            ManifestFormat::Oci => OCI_MANIFEST,
            ManifestFormat::V2s2 => DOCKER_MANIFEST,
        }
    }
}

/// How a layer blob is compressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LayerCompression {
    Gzip,
    Zstd,
    /// A plain tar.
    None,
}

impl LayerCompression {
    /// Parses `--compression-format`.
    pub fn parse(s: &str) -> Result<LayerCompression> {
        match s {
            "gzip" => Ok(LayerCompression::Gzip),
            "zstd" | "zstd:chunked" => Ok(LayerCompression::Zstd),
            "none" | "uncompressed" => Ok(LayerCompression::None),
            other => Err(Error::Invalid(format!("--compression-format \"{other}\": use gzip or zstd"))),
        }
    }
    fn of_media_type(mt: &str) -> LayerCompression {
        if mt.ends_with("gzip") {
            LayerCompression::Gzip
        } else if mt.ends_with("zstd") {
            LayerCompression::Zstd
        } else {
            LayerCompression::None
        }
    }
    fn media_type(self, format: ManifestFormat) -> &'static str {
        match (format, self) {
            (ManifestFormat::Oci, LayerCompression::Gzip) => "application/vnd.oci.image.layer.v1.tar+gzip",
            (ManifestFormat::Oci, LayerCompression::Zstd) => "application/vnd.oci.image.layer.v1.tar+zstd",
            (ManifestFormat::Oci, LayerCompression::None) => "application/vnd.oci.image.layer.v1.tar",
            (ManifestFormat::V2s2, LayerCompression::Gzip) => "application/vnd.docker.image.rootfs.diff.tar.gzip",
            (ManifestFormat::V2s2, LayerCompression::Zstd) => "application/vnd.docker.image.rootfs.diff.tar.zstd",
            (ManifestFormat::V2s2, LayerCompression::None) => "application/vnd.docker.image.rootfs.diff.tar",
        }
    }
}

/// Options of a push.
#[derive(Debug, Clone, Default)]
pub struct PushOptions {
    /// `Some(false)`: plain HTTP and no TLS verification.
    pub tls_verify: Option<bool>,
    /// `--creds`.
    pub creds: Option<Credentials>,
    /// `--format`; `None`: the stored manifest's.
    pub format: Option<ManifestFormat>,
    /// `--compression-format`; `None`: blobs the registry has in any compression are reused, new ones gzip.
    pub compression: Option<LayerCompression>,
}

/// Progress of a push, for the CLI to render.
#[derive(Debug, Clone)]
pub enum PushEvent {
    /// The layers to copy (stored digest, approximate size).
    Start { layers: Vec<(String, u64)> },
    /// A layer is already in the destination (or was mounted from another repository there).
    LayerSkipped { digest: String, mounted: bool },
    /// A layer's upload starts.
    LayerUpload { digest: String },
    /// More compressed bytes of a layer were sent.
    LayerProgress { digest: String, bytes: u64 },
    /// A layer is uploaded under `blob`.
    LayerDone { digest: String, blob: String },
    /// The config blob: `skipped` if the registry had it.
    Config { digest: String, skipped: bool },
    /// The manifest is being written.
    Manifest,
    /// `manifest push`: the instance `index` (from 1) of `count` is being copied.
    ListInstance { digest: String, index: usize, count: usize },
    /// `manifest push`: the list itself is being written.
    ListManifest,
}

/// What a push did.
#[derive(Debug, Clone)]
pub struct Pushed {
    /// The digest of the manifest pushed.
    pub digest: String,
    /// Layer blobs uploaded (not skipped nor mounted).
    pub uploaded: usize,
    /// The media type of the manifest pushed.
    pub media_type: String,
    /// Its size in bytes.
    pub size: u64,
}

/// A blob the registry may already have for a layer.
#[derive(Debug, Clone)]
struct Candidate {
    digest: String,
    size: u64,
    compression: LayerCompression,
    /// "registry/repository" where it is known to be.
    from: Vec<String>,
}

/// The blob chosen for a layer.
#[derive(Debug, Clone)]
struct Chosen {
    digest: String,
    size: u64,
    compression: LayerCompression,
}

fn sha256_of(bytes: &[u8]) -> String {
    format!("sha256:{}", hex::encode(Sha256::digest(bytes)))
}

/// The stored manifest of an image (pulled or committed), if it is a plain image manifest.
fn stored_manifest(paths: &StorePaths, image: &ImageRecord) -> Option<(Vec<u8>, serde_json::Value, String)> {
    let bytes = std::fs::read(paths.blob_path(&image.digest)).ok()?;
    if sha256_of(&bytes) != image.digest {
        return None;
    }
    let v: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    let mt = v["mediaType"].as_str().map(str::to_string).or_else(|| image.manifest_media_type.clone())?;
    ManifestFormat::of_media_type(&mt)?;
    Some((bytes, v, mt))
}

/// "registry/repository" of a stored name or repo digest.
fn repo_of(name: &str) -> Option<String> {
    let base = name.split('@').next()?;
    let last_slash = base.rfind('/')?;
    match base[last_slash..].find(':') {
        Some(i) => Some(base[..last_slash + i].to_string()),
        None => Some(base.to_string()),
    }
}

/// Whether to talk plain HTTP to `dest`'s registry, and the credentials for it.
fn access(dest: &Reference, opts: &PushOptions) -> Result<(bool, Option<Credentials>)> {
    let (conf, _) = super::registries::load()?;
    let insecure = match opts.tls_verify {
        Some(v) => !v,
        None => conf.sources(dest)?.iter().any(|s| !s.mirror && s.insecure),
    };
    let creds = match &opts.creds {
        Some(c) => Some(c.clone()),
        None => crate::config::auth::lookup(&dest.registry, &dest.repository, None)?,
    };
    Ok((insecure, creds))
}

/// Pushes `image` to `dest`.
pub async fn push(
    paths: &StorePaths,
    image: &ImageRecord,
    dest: &Reference,
    opts: &PushOptions,
    progress: &(dyn Fn(PushEvent) + Send + Sync),
) -> Result<Pushed> {
    push_as(paths, image, dest, opts, false, progress).await
}

/// Pushes `image` as an instance of a manifest list into `dest`'s
/// repository: its blobs, then its manifest under its digest (no tag).
pub async fn push_instance(
    paths: &StorePaths,
    image: &ImageRecord,
    dest: &Reference,
    opts: &PushOptions,
    progress: &(dyn Fn(PushEvent) + Send + Sync),
) -> Result<Pushed> {
    push_as(paths, image, dest, opts, true, progress).await
}

/// Writes a manifest list (whose instances the registry has) under `dest`'s
/// tag, the bytes unchanged; returns its digest.
pub async fn push_list_manifest(dest: &Reference, opts: &PushOptions, media_type: &str, bytes: Vec<u8>) -> Result<String> {
    if dest.digest.is_some() {
        return Err(Error::Invalid(format!("{dest}: push to a digest reference is not possible: name a tag (or no tag, for :latest)")));
    }
    let (insecure, creds) = access(dest, opts)?;
    let scopes = vec![format!("repository:{}:pull,push", dest.repository)];
    let reg = Registry::connect_scopes(dest, insecure, creds.as_ref(), scopes).await?;
    let repo = dest.to_oci().repository().to_string();
    let tag = dest.tag.clone().unwrap_or_else(|| "latest".to_string());
    let url = format!("{}/v2/{repo}/manifests/{tag}", reg.base());
    let digest = sha256_of(&bytes);
    let res = reg.send(&|c| c.put(&url).header(reqwest::header::CONTENT_TYPE, media_type).body(bytes.clone())).await?;
    expect(res, &[201, 200], &reg, "write the manifest list").await?;
    Ok(digest)
}

async fn push_as(
    paths: &StorePaths,
    image: &ImageRecord,
    dest: &Reference,
    opts: &PushOptions,
    by_digest: bool,
    progress: &(dyn Fn(PushEvent) + Send + Sync),
) -> Result<Pushed> {
    if dest.digest.is_some() {
        return Err(Error::Invalid(format!("{dest}: push to a digest reference is not possible: name a tag (or no tag, for :latest)")));
    }
    let (insecure, creds) = access(dest, opts)?;
    let _pool = compress::PoolUse::start();
    let layers = LayerStore::new(paths);
    let stored = stored_manifest(paths, image);
    let diff_ids: Vec<String> = image.config.rootfs().diff_ids().clone();
    let source_repos: Vec<String> = image.repo_digests.iter().chain(image.names.iter()).filter_map(|n| repo_of(n)).collect();

    // The candidates of each distinct layer, in order.
    let mut plan: Vec<(String, String, Vec<Candidate>)> = Vec::new();
    for (i, digest) in image.layers.iter().enumerate() {
        if plan.iter().any(|(d, _, _)| d == digest) {
            continue;
        }
        let info = layers.info(digest)?;
        let diff_id = diff_ids.get(i).cloned().unwrap_or_else(|| info.diff_id.clone());
        let mut cands = Vec::new();
        let stored_layer = stored.as_ref().and_then(|(_, v, _)| v["layers"].get(i).cloned());
        if let Some(l) = stored_layer.filter(|l| l["digest"].as_str() == Some(digest.as_str())) {
            let comp = LayerCompression::of_media_type(l["mediaType"].as_str().unwrap_or_default());
            cands.push(Candidate {
                digest: digest.clone(),
                size: l["size"].as_u64().unwrap_or(info.compressed_size),
                compression: comp,
                from: source_repos.clone(),
            });
        }
        for b in blobinfo::lookup(paths, &diff_id) {
            if !cands.iter().any(|c| c.digest == b.digest) {
                cands.push(Candidate { digest: b.digest, size: b.size, compression: b.compression, from: b.locations });
            }
        }
        match opts.compression {
            Some(want) => cands.retain(|c| c.compression == want),
            // Docker manifests know no zstd: such blobs are sent again, as gzip.
            None if opts.format == Some(ManifestFormat::V2s2) => cands.retain(|c| c.compression != LayerCompression::Zstd),
            None => {}
        }
        plan.push((digest.clone(), diff_id, cands));
    }

    // Token scopes: push here, pull where blobs may be mounted from.
    let here = format!("{}/{}", dest.registry, dest.repository);
    let mut scopes = vec![format!("repository:{}:pull,push", dest.repository)];
    // (The config is mounted from the image's own repositories.)
    let froms = plan.iter().flat_map(|(_, _, cands)| cands.iter().flat_map(|c| c.from.iter())).chain(source_repos.iter());
    for f in froms {
        if let Some(repo) = f.strip_prefix(&format!("{}/", dest.registry)) {
            let s = format!("repository:{repo}:pull");
            if f != &here && !scopes.contains(&s) {
                scopes.push(s);
            }
        }
    }
    let reg = Registry::connect_scopes(dest, insecure, creds.as_ref(), scopes).await?;
    let repo = dest.to_oci().repository().to_string();

    progress(PushEvent::Start {
        layers: plan
            .iter()
            .map(|(d, _, c)| {
                (d.clone(), c.first().map(|c| c.size).unwrap_or_else(|| layers.info(d).map(|i| i.compressed_size).unwrap_or(0)))
            })
            .collect(),
    });
    let compression = opts.compression.unwrap_or(LayerCompression::Gzip);

    // The config: the stored bytes, so the id (their digest) is unchanged.
    let config_digest = format!("sha256:{}", image.id);
    let config_bytes = std::fs::read(paths.blob_path(&config_digest)).map_err(|e| {
        Error::Layer(format!("the config blob of image {} is missing from the store ({e}): pull or build the image again", &image.id[..12]))
    })?;
    if sha256_of(&config_bytes) != config_digest {
        return Err(Error::Layer(format!(
            "the config blob of image {} is damaged on disk: run `sangja system check --repair`",
            &image.id[..12]
        )));
    }
    // It is sent beside the layers, not after them: a mount or a HEAD of it
    // costs a round trip that the layers' own hide.
    let config_cand = Candidate { digest: config_digest.clone(), size: 0, compression: LayerCompression::None, from: source_repos.clone() };
    let config_job = async {
        match probe(&reg, &repo, &here, std::slice::from_ref(&config_cand)).await? {
            Probe::Found { .. } => progress(PushEvent::Config { digest: config_digest.clone(), skipped: true }),
            Probe::Missing { session } => {
                progress(PushEvent::Config { digest: config_digest.clone(), skipped: false });
                upload_bytes(&reg, &repo, &config_digest, config_bytes.clone(), session).await?;
            }
        }
        Ok::<(), Error>(())
    };

    let (reg_ref, repo_ref, here_ref) = (&reg, repo.as_str(), here.as_str());
    let layer_jobs = futures_util::stream::iter(plan.iter().map(|(digest, diff_id, cands)| async move {
        let (chosen, uploaded) = push_layer(reg_ref, repo_ref, here_ref, paths, digest, cands, compression, progress).await?;
        Ok::<(String, String, Chosen, bool), Error>((digest.clone(), diff_id.clone(), chosen, uploaded))
    }))
    .buffer_unordered(PARALLEL_BLOBS)
    .try_collect::<Vec<_>>();
    let (layer_results, ()) = futures_util::future::try_join(layer_jobs, config_job).await?;
    let mut chosen: Vec<(String, Chosen)> = Vec::new();
    let mut learned: Vec<(String, BlobInfo)> = Vec::new();
    let mut uploaded = 0;
    for (d, diff_id, c, up) in layer_results {
        uploaded += usize::from(up);
        // Remembered, so the next push of this layer anywhere does a HEAD and sends nothing.
        let info = BlobInfo { digest: c.digest.clone(), size: c.size, compression: c.compression, locations: vec![here.clone()] };
        learned.push((diff_id, info));
        chosen.push((d, c));
    }

    // The manifest: the stored one when it names exactly the blobs the registry got.
    let layer_of = |d: &str| chosen.iter().find(|(s, _)| s == d).map(|(_, c)| c.clone());
    let stored_fits = stored.as_ref().is_some_and(|(_, v, mt)| {
        opts.format.is_none_or(|f| f.media_type() == mt)
            && image.layers.iter().all(|d| layer_of(d).is_some_and(|c| &c.digest == d))
            && v["layers"].as_array().is_some_and(|a| a.len() == image.layers.len())
            && v["config"]["digest"].as_str() == Some(config_digest.as_str())
    });
    let (bytes, media_type) = match (&stored, stored_fits) {
        (Some((b, _, mt)), true) => (b.clone(), mt.clone()),
        _ => {
            let format = opts
                .format
                .or_else(|| stored.as_ref().and_then(|(_, _, mt)| ManifestFormat::of_media_type(mt)))
                .unwrap_or(ManifestFormat::Oci);
            let mut descs = Vec::new();
            for d in &image.layers {
                let c = layer_of(d).ok_or_else(|| Error::Internal(format!("layer {d} was not pushed")))?;
                if format == ManifestFormat::V2s2 && c.compression == LayerCompression::Zstd {
                    return Err(Error::Invalid(
                        "zstd-compressed layers need an OCI manifest: push with --format oci (or --compression-format gzip)".into(),
                    ));
                }
                descs.push(serde_json::json!({"mediaType": c.compression.media_type(format), "size": c.size, "digest": c.digest}));
            }
            let config_mt = if format == ManifestFormat::Oci { OCI_CONFIG } else { DOCKER_CONFIG };
            let m = serde_json::json!({
                "schemaVersion": 2,
                "mediaType": format.media_type(),
                "config": {"mediaType": config_mt, "size": config_bytes.len(), "digest": config_digest},
                "layers": descs,
            });
            let b = serde_json::to_vec_pretty(&m).map_err(|e| Error::Internal(format!("encode the manifest: {e}")))?;
            (b, format.media_type().to_string())
        }
    };
    progress(PushEvent::Manifest);
    let digest = sha256_of(&bytes);
    // An instance of a list is written under its digest: only the list gets the tag.
    let tag = if by_digest { digest.clone() } else { dest.tag.clone().unwrap_or_else(|| "latest".to_string()) };
    let url = format!("{}/v2/{repo}/manifests/{tag}", reg.base());
    // The blob-info files are written while the registry takes the manifest.
    let p = paths.clone();
    let remember = tokio::task::spawn_blocking(move || {
        for (diff_id, info) in learned {
            blobinfo::remember(&p, &diff_id, info);
        }
    });
    let res = reg.send(&|c| c.put(&url).header(reqwest::header::CONTENT_TYPE, media_type.as_str()).body(bytes.clone())).await;
    // Best effort, as the cache is: a failed write only costs an upload later.
    let _ = remember.await;
    expect(res?, &[201, 200], &reg, "write the manifest").await?;
    Ok(Pushed { digest, uploaded, size: bytes.len() as u64, media_type })
}

/// The tags of `reference`'s repository (`pull --all-tags`), sorted.
pub async fn list_tags(reference: &Reference, tls_verify: Option<bool>, creds: Option<&Credentials>) -> Result<Vec<String>> {
    let insecure = match tls_verify {
        Some(v) => !v,
        None => super::registries::load()?.0.sources(reference)?.iter().any(|s| !s.mirror && s.insecure),
    };
    let creds = match creds {
        Some(c) => Some(c.clone()),
        None => crate::config::auth::lookup(&reference.registry, &reference.repository, None)?,
    };
    let reg = Registry::connect(reference, insecure, creds.as_ref()).await?;
    let repo = reference.to_oci().repository().to_string();
    let url = format!("{}/v2/{repo}/tags/list?n=10000", reg.base());
    let mut res = expect(reg.send(&|c| c.get(&url)).await?, &[200], &reg, "list the tags").await?;
    let body = super::token::read_capped(&mut res, super::token::MAX_MANIFEST_BODY)
        .await
        .map_err(|_| Error::Registry(format!("{reference}: the registry's tag list is too large or was cut")))?;
    #[derive(serde::Deserialize)]
    struct Tags {
        tags: Option<Vec<String>>,
    }
    let t: Tags =
        serde_json::from_slice(&body).map_err(|e| Error::Registry(format!("{reference}: the registry sent a bad tag list: {e}")))?;
    let mut tags = t.tags.unwrap_or_default();
    tags.sort();
    Ok(tags)
}

/// Refuses an answer whose status is not one of `ok`, with the registry's words.
async fn expect(mut res: reqwest::Response, ok: &[u16], reg: &Registry, what: &str) -> Result<reqwest::Response> {
    let status = res.status().as_u16();
    if ok.contains(&status) {
        return Ok(res);
    }
    let r = &reg.reference;
    if status == 401 || status == 403 {
        return Err(Error::Registry(format!(
            "{r}: {what}: access denied ({status}): log in with `sangja login {}` (or give --creds) with an account that may push there",
            r.registry
        )));
    }
    let text = super::token::error_text(&mut res).await;
    let text: String = text.trim().chars().take(300).collect();
    Err(Error::Registry(format!("{r}: {what}: registry {} answered HTTP {status}: {text}", r.registry)))
}

/// HEAD of a blob in `repo`.
async fn blob_exists(reg: &Registry, repo: &str, digest: &str) -> Result<bool> {
    let url = format!("{}/v2/{repo}/blobs/{digest}", reg.base());
    let res = reg.send(&|c| c.head(&url)).await?;
    match res.status().as_u16() {
        200 => Ok(true),
        404 => Ok(false),
        _ => {
            expect(res, &[200, 404], reg, &format!("look up blob {digest}")).await?;
            Ok(false)
        }
    }
}

/// An absolute upload URL from a Location header (which may be relative).
fn location(reg: &Registry, res: &reqwest::Response) -> Result<reqwest::Url> {
    let loc = res
        .headers()
        .get(reqwest::header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| Error::Registry(format!("{}: the registry started an upload without a Location", reg.reference)))?;
    let base = reqwest::Url::parse(&format!("{}/", reg.base())).map_err(|e| Error::Internal(format!("registry URL: {e}")))?;
    base.join(loc).map_err(|e| Error::Registry(format!("{}: the registry sent a bad upload Location \"{loc}\": {e}", reg.reference)))
}

fn with_digest(mut url: reqwest::Url, digest: &str) -> reqwest::Url {
    url.query_pairs_mut().append_pair("digest", digest);
    url
}

/// POST .../blobs/uploads/: a new upload session.
async fn start_upload(reg: &Registry, repo: &str) -> Result<reqwest::Url> {
    let url = format!("{}/v2/{repo}/blobs/uploads/", reg.base());
    let res = reg.send(&|c| c.post(&url).header(reqwest::header::CONTENT_LENGTH, "0")).await?;
    let res = expect(res, &[202], reg, "start an upload").await?;
    location(reg, &res)
}

/// A small blob (the config) in one PUT of `session` (a declined mount's),
/// or of a new one (POST + PUT).
async fn upload_bytes(reg: &Registry, repo: &str, digest: &str, bytes: Vec<u8>, session: Option<reqwest::Url>) -> Result<()> {
    let session = match session {
        Some(s) => s,
        None => start_upload(reg, repo).await?,
    };
    let url = with_digest(session, digest);
    let res =
        reg.send(&|c| c.put(url.clone()).header(reqwest::header::CONTENT_TYPE, "application/octet-stream").body(bytes.clone())).await?;
    expect(res, &[201], reg, &format!("upload blob {digest}")).await?;
    Ok(())
}

/// What the registry has of a blob.
enum Probe {
    /// The candidate `index` is in the destination (`mounted`: just now, from another repository).
    Found { index: usize, mounted: bool },
    /// None is; `session` is the upload a declined mount opened.
    Missing { session: Option<reqwest::Url> },
}

/// The first of `cands` (in order) that the destination has, by HEADs sent together.
async fn first_existing(reg: &Registry, repo: &str, cands: &[Candidate], which: &[usize]) -> Result<Option<usize>> {
    let heads = which.iter().map(|&i| async move { blob_exists(reg, repo, &cands[i].digest).await.map(|yes| yes.then_some(i)) });
    let found = futures_util::future::try_join_all(heads).await?;
    Ok(found.into_iter().flatten().next())
}

/// Finds a blob the destination has or can mount, in the fewest round trips:
/// HEADs of the candidates known to be there (together); else a
/// cross-repository mount from a repository of the same registry known to
/// hold one (one POST, the common case of a push beside a pull); else HEADs
/// of the others (together), since the registry may have them from anyone.
async fn probe(reg: &Registry, repo: &str, here: &str, cands: &[Candidate]) -> Result<Probe> {
    let known_here: Vec<usize> = (0..cands.len()).filter(|&i| cands[i].from.iter().any(|f| f == here)).collect();
    if !known_here.is_empty() {
        if let Some(index) = first_existing(reg, repo, cands, &known_here).await? {
            return Ok(Probe::Found { index, mounted: false });
        }
    }
    let prefix = format!("{}/", reg.reference.registry);
    let mut session = None;
    for (index, c) in cands.iter().enumerate() {
        for from in c.from.iter().filter(|f| f.as_str() != here) {
            let Some(from_repo) = from.strip_prefix(&prefix) else { continue };
            let mut url = reqwest::Url::parse(&format!("{}/v2/{repo}/blobs/uploads/", reg.base()))
                .map_err(|e| Error::Internal(format!("registry URL: {e}")))?;
            url.query_pairs_mut().append_pair("mount", &c.digest).append_pair("from", from_repo);
            let res = reg.send(&|cl| cl.post(url.clone()).header(reqwest::header::CONTENT_LENGTH, "0")).await?;
            match res.status().as_u16() {
                201 => return Ok(Probe::Found { index, mounted: true }),
                // Declined: the answer is an ordinary upload session, used if nothing is found.
                202 if session.is_none() => session = Some(location(reg, &res)?),
                // One session is enough: another is closed, not left to expire.
                202 => {
                    if let Ok(extra) = location(reg, &res) {
                        let _ = reg.send(&|cl| cl.delete(extra.clone())).await;
                    }
                }
                _ => {}
            }
        }
    }
    let others: Vec<usize> = (0..cands.len()).filter(|i| !known_here.contains(i)).collect();
    if !others.is_empty() {
        if let Some(index) = first_existing(reg, repo, cands, &others).await? {
            if let Some(unused) = session {
                // The declined mount's session is not needed: closed, not left to expire.
                let _ = reg.send(&|cl| cl.delete(unused.clone())).await;
            }
            return Ok(Probe::Found { index, mounted: false });
        }
    }
    Ok(Probe::Missing { session })
}

/// Pushes one layer: an existing or mountable blob, else an upload.
/// Returns the blob used and whether it was uploaded.
#[allow(clippy::too_many_arguments)]
async fn push_layer(
    reg: &Registry,
    repo: &str,
    here: &str,
    paths: &StorePaths,
    digest: &str,
    cands: &[Candidate],
    compression: LayerCompression,
    progress: &(dyn Fn(PushEvent) + Send + Sync),
) -> Result<(Chosen, bool)> {
    let session = match probe(reg, repo, here, cands).await? {
        Probe::Found { index, mounted } => {
            progress(PushEvent::LayerSkipped { digest: digest.to_string(), mounted });
            let c = &cands[index];
            return Ok((Chosen { digest: c.digest.clone(), size: c.size, compression: c.compression }, false));
        }
        Probe::Missing { session } => session,
    };
    progress(PushEvent::LayerUpload { digest: digest.to_string() });
    let (blob, size) = upload_layer(reg, repo, paths, digest, compression, session, progress).await?;
    progress(PushEvent::LayerDone { digest: digest.to_string(), blob: blob.clone() });
    Ok((Chosen { digest: blob, size, compression }, true))
}

/// Sends a request whose body streams, reporting the bytes sent every so often.
async fn send_streaming(
    reg: &Registry,
    req: reqwest::RequestBuilder,
    sent: &std::sync::Arc<std::sync::atomic::AtomicU64>,
    digest: &str,
    progress: &(dyn Fn(PushEvent) + Send + Sync),
) -> std::result::Result<reqwest::Response, reqwest::Error> {
    let send = reg.send_once(req);
    tokio::pin!(send);
    let mut reported = 0u64;
    let mut tick = tokio::time::interval(std::time::Duration::from_millis(100));
    loop {
        tokio::select! {
            res = &mut send => {
                let now = sent.load(std::sync::atomic::Ordering::Relaxed);
                if now > reported {
                    progress(PushEvent::LayerProgress { digest: digest.to_string(), bytes: now - reported });
                }
                return res;
            }
            _ = tick.tick() => {
                let now = sent.load(std::sync::atomic::Ordering::Relaxed);
                if now > reported {
                    progress(PushEvent::LayerProgress { digest: digest.to_string(), bytes: now - reported });
                    reported = now;
                }
            }
        }
    }
}

/// Uploads a layer compressed while it streams: one PATCH of the whole
/// stream, then PUT ?digest= with the digest computed on the way. A registry
/// that refuses the PATCH gets a monolithic upload: a first pass computes the
/// digest, a second streams the same bytes into one PUT.
async fn upload_layer(
    reg: &Registry,
    repo: &str,
    paths: &StorePaths,
    digest: &str,
    compression: LayerCompression,
    session: Option<reqwest::Url>,
    progress: &(dyn Fn(PushEvent) + Send + Sync),
) -> Result<(String, u64)> {
    let failed = |e: io::Error| Error::Registry(format!("{}: pushing layer {digest}: {e}", reg.reference));
    // A request cut off (connection closed, reset...): the registry and the
    // layer, without the upload URL's long session state.
    let cut = |e: reqwest::Error| {
        let r = &reg.reference;
        Error::Registry(format!(
            "{r}: pushing layer {digest}: the upload to registry {} failed: {}",
            r.registry,
            super::transport::chain(&e.without_url())
        ))
    };
    let sent = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    // Compressing starts while the upload session is asked for: its first
    // chunks wait in the channel.
    let (rx, compressing) = start_compressing(paths, digest, compression, true);
    let session = match session {
        Some(s) => s,
        None => start_upload(reg, repo).await?,
    };
    let req = reg
        .client()
        .patch(session.clone())
        .header(reqwest::header::CONTENT_TYPE, "application/octet-stream")
        .body(body_of(rx, sent.clone()));
    let res = send_streaming(reg, req, &sent, digest, progress).await;
    let compressed = compressing.await.map_err(|e| Error::Internal(format!("compressing layer {digest} stopped: {e}")))?;
    let res = match (res, compressed) {
        // The layer's own failure (changed on disk...), which the request's
        // body carried, says more than the aborted request; a compression that
        // only saw the request go ("the upload stopped") does not.
        (Err(e), Err(c)) if super::transport::chain(&e).contains(&c.to_string()) => return Err(failed(c)),
        (Err(e), _) => return Err(cut(e)),
        (Ok(res), compressed) => (res, compressed),
    };
    let (res, compressed) = res;
    let status = res.status().as_u16();
    if status == 202 || status == 204 {
        let (blob, size) = compressed.map_err(failed)?;
        let url = with_digest(location(reg, &res)?, &blob);
        let res = reg.send(&|c| c.put(url.clone()).header(reqwest::header::CONTENT_LENGTH, "0")).await?;
        expect(res, &[201], reg, &format!("finish the upload of layer {digest}")).await?;
        return Ok((blob, size));
    }
    // Only a refusal of this way of uploading (a 4xx: PATCH not allowed, a
    // length wanted...; 501) gets the monolithic upload; access denied, or a
    // registry that failed (5xx) in the middle, is the push's error, as podman's.
    let refused = ((400..500).contains(&status) && status != 401 && status != 403) || status == 501;
    if !refused {
        expect(res, &[202], reg, &format!("upload layer {digest}")).await?;
    }
    // The refused session is closed (best effort), not left to expire: the
    // monolithic upload opens its own.
    let _ = reg.send(&|c| c.delete(session.clone())).await;
    // Monolithic: the digest first (the compression is deterministic), then one PUT.
    let (_, first) = start_compressing(paths, digest, compression, false);
    let (blob, size) = first.await.map_err(|e| Error::Internal(format!("compressing layer {digest} stopped: {e}")))?.map_err(failed)?;
    let session = start_upload(reg, repo).await?;
    sent.store(0, std::sync::atomic::Ordering::Relaxed);
    let (rx, second) = start_compressing(paths, digest, compression, true);
    let req = reg
        .client()
        .put(with_digest(session, &blob))
        .header(reqwest::header::CONTENT_TYPE, "application/octet-stream")
        .header(reqwest::header::CONTENT_LENGTH, size.to_string())
        .body(body_of(rx, sent.clone()));
    let res = send_streaming(reg, req, &sent, digest, progress).await;
    let second = second.await.map_err(|e| Error::Internal(format!("compressing layer {digest} stopped: {e}")))?;
    let res = match (res, second) {
        (Err(e), Err(c)) if super::transport::chain(&e).contains(&c.to_string()) => return Err(failed(c)),
        (Err(e), _) => return Err(cut(e)),
        (Ok(_), Err(c)) => return Err(failed(c)),
        (Ok(res), Ok(_)) => res,
    };
    expect(res, &[201], reg, &format!("upload layer {digest}")).await?;
    Ok((blob, size))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repos_of_names() {
        assert_eq!(repo_of("127.0.0.1:5000/busybox:latest").as_deref(), Some("127.0.0.1:5000/busybox"));
        assert_eq!(repo_of("127.0.0.1:5000/a/b@sha256:00").as_deref(), Some("127.0.0.1:5000/a/b"));
        assert_eq!(repo_of("docker.io/library/alpine").as_deref(), Some("docker.io/library/alpine"));
    }

    #[test]
    fn formats_and_compressions() {
        assert_eq!(ManifestFormat::parse("oci").unwrap(), ManifestFormat::Oci);
        assert_eq!(ManifestFormat::parse("v2s2").unwrap(), ManifestFormat::V2s2);
        assert!(ManifestFormat::parse("v2s1").is_err());
        assert_eq!(LayerCompression::parse("zstd").unwrap(), LayerCompression::Zstd);
        assert!(LayerCompression::parse("lz4").is_err());
        assert_eq!(LayerCompression::of_media_type("application/vnd.docker.image.rootfs.diff.tar.gzip"), LayerCompression::Gzip);
        assert_eq!(LayerCompression::Zstd.media_type(ManifestFormat::Oci), "application/vnd.oci.image.layer.v1.tar+zstd");
    }
}
