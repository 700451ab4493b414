//! Images made here: `commit` (a container's upper layer on top of its
//! image) and `import` (a tarball as a one-layer image). The new layer goes
//! through LayerStore::add_from_blob like a pulled one, so it is verified,
//! published by rename, and in the standard overlay format.

use super::Engine;
use crate::error::{Error, IoContext, Result};
use oci_spec::image::{Config, History, ImageConfiguration};
use sangja_container::record::Container;
use sangja_image::store::{ImageRecord, ImageStore};
use sangja_runtime::idmap_copy::Owners;
use sangja_storage::layers::{ExtractOptions, LayerInfo, LayerStore};
use sangja_storage::tree;
use sangja_storage::vfs::OwnerMap;
pub(crate) use sangja_storage::HashingWriter;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::fs::File;
use std::io::{self, Read, Write};

const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
const OCI_CONFIG: &str = "application/vnd.oci.image.config.v1+json";
const LAYER_GZIP: &str = "application/vnd.oci.image.layer.v1.tar+gzip";
const LAYER_TAR: &str = "application/vnd.oci.image.layer.v1.tar";

/// What `commit` and `import` add to the image.
#[derive(Debug, Clone, Default)]
pub struct ImageOptions {
    /// Name to give the image (normalised as podman: "name" → localhost/name:latest).
    pub name: Option<String>,
    /// `--change` instructions (CMD, ENTRYPOINT, ENV, WORKDIR, USER, LABEL, EXPOSE, VOLUME, STOPSIGNAL).
    pub changes: Vec<String>,
    /// `-m/--message`: the history comment.
    pub message: Option<String>,
    /// `-a/--author`.
    pub author: Option<String>,
}

fn digest_of(h: &Sha256) -> String {
    format!("sha256:{}", hex::encode(h.clone().finalize()))
}

fn extract_opts(engine: &Engine) -> ExtractOptions {
    // A committed layer is our own container's diff: no bound (import sets one).
    ExtractOptions { squash_owners: !engine.identity.has_subids, rootless: engine.identity.rootless, max_size: None, keep_kinds: false }
}

/// A temp file in the store's tmp/, removed when dropped.
struct TempFile(std::path::PathBuf);
impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn temp_file(engine: &Engine, prefix: &str) -> Result<(TempFile, File)> {
    let dir = engine.paths.tmp_dir();
    std::fs::create_dir_all(&dir).path_ctx("create", &dir)?;
    let mut rnd = [0u8; 6];
    getrandom::fill(&mut rnd).map_err(|e| Error::Runtime(format!("no randomness: {e}")))?;
    // "rm-" makes the sweep delete it if we are killed.
    let p = dir.join(format!("rm-{prefix}-{}-{}", std::process::id(), hex::encode(rnd)));
    let f = File::options().read(true).write(true).create_new(true).open(&p).path_ctx("create", &p)?;
    Ok((TempFile(p), f))
}

/// A second handle on the temp file: a sweep may unlink its name, never its content.
fn reader_of(f: &File) -> Result<File> {
    f.try_clone().ctx(|| "reopen the temp file".to_string())
}

fn rewind(mut f: File) -> Result<File> {
    use std::io::Seek;
    f.rewind().ctx(|| "rewind the temp file".to_string())?;
    Ok(f)
}

/// What a new layer's tar stream is written into: hashed (the diff_id),
/// gzip-compressed, hashed again (the blob digest) into a temp file.
pub(crate) type LayerWriter = HashingWriter<flate2::write::GzEncoder<HashingWriter<io::BufWriter<File>>>>;

/// A new layer of the tar stream `write` produces: compressed, verified and
/// published through LayerStore::add_from_blob. Returns the layer and its
/// compressed size. The one way commit and build's steps make a layer.
pub(crate) fn layer_from_tar(
    engine: &Engine,
    prefix: &str,
    write: impl FnOnce(LayerWriter) -> Result<LayerWriter>,
) -> Result<(LayerInfo, u64)> {
    let (_tmp, file) = temp_file(engine, prefix)?;
    let reread = reader_of(&file)?;
    let blob = HashingWriter { inner: io::BufWriter::new(file), hasher: Sha256::new(), count: 0 };
    let gz = flate2::write::GzEncoder::new(blob, flate2::Compression::fast());
    let plain = write(HashingWriter { inner: gz, hasher: Sha256::new(), count: 0 })?;
    let diff_id = digest_of(&plain.hasher);
    let mut blob = plain.inner.finish().ctx(|| "compress the new layer".to_string())?;
    blob.flush().ctx(|| "write the new layer".to_string())?;
    let (digest, size) = (digest_of(&blob.hasher), blob.count);
    drop(blob);
    let layer = LayerStore::new(&engine.paths).add_from_blob(&digest, Some(&diff_id), rewind(reread)?, &extract_opts(engine))?;
    crate::crash::crash_point("commit-layer");
    Ok((layer, size))
}

/// A container's changes against `parent` (its image, or a build's stage
/// state), whiteouts in OCI form, as a new layer: `commit`'s layer and a
/// build's RUN step's.
pub(crate) fn container_layer(engine: &Engine, c: &Container, parent: &ImageRecord) -> Result<(LayerInfo, u64)> {
    layer_from_tar(engine, "commit", |plain| {
        // A container with its own id mapping wrote its files with the owners
        // that mapping gives them: the layer gets the ids the container saw.
        let maps = super::drivers::owners_of(c);
        let back = maps.as_ref().map(Owners::to_container);
        let owners = back.as_ref().map(|f| f as OwnerMap);
        if super::drivers::driver(engine) == super::drivers::Driver::Vfs {
            // No upper layer: the changes against the image's pristine copy make it.
            let changes: Vec<(std::path::PathBuf, bool)> =
                super::layers::vfs_changes(engine, c)?.into_iter().map(|(k, p)| (p, k == 'D')).collect();
            let rootfs = c.rootfs_dir();
            tree::write_tar_changes(plain, &tree::open_dir(&rootfs)?, &changes, &rootfs, owners)
        } else {
            let upper = c.upper_dir();
            let root = tree::open_dir(&upper)?;
            let lower = super::run::lower_dirs(&LayerStore::new(&engine.paths), parent);
            let stubs = super::layers::mount_stubs(c, &lower);
            tree::write_tar(plain, &root, tree::Whiteouts::ToOci, &upper, false, &stubs, owners)
        }
    })
}

/// Commits a container: its upper layer, whiteouts in OCI form, becomes a
/// new gzip layer on top of its image. Returns the new image's id.
///
/// Step order (issue 16): the layer tar is written to tmp/rm-commit-*
/// (swept if we die: the name says garbage); the layer is extracted to
/// tmp/layer-* and published by rename (storage layers.rs: crash points
/// `layer-extracted`, `layer-published`); its config and manifest blobs;
/// last the image record (`save_image`). A kill before the record leaves a
/// layer no image lists (`commit-layer`): invisible to every command, and
/// found and removed by `system check --repair`; a second commit of the
/// same changes reuses it.
pub fn commit(engine: &Engine, c: &Container, opts: &ImageOptions) -> Result<String> {
    let images = ImageStore::new(&engine.paths);
    let parent = images
        .get(&c.config.image_id)?
        .ok_or_else(|| Error::State(format!("the image of container {} is no longer in the store: cannot commit", c.config.name)))?;
    let (layer, size) = container_layer(engine, c, &parent)?;
    let digest = layer.digest.clone();
    let mut config = parent.config.clone();
    let mut layers = parent.layers.clone();
    layers.push(digest.clone());
    let created_by = format!("/bin/sh -c #(nop) commit of container {}", &c.config.id[..12]);
    add_layer_to_config(&mut config, &layer, opts, &created_by)?;
    let sizes = layer_descriptors(engine, &layers, &layer, size)?;
    save_image(engine, config, layers, sizes, parent.size + layer.size, opts)
}

/// Imports a tarball (plain, gzip or zstd) as a one-layer image.
pub fn import(engine: &Engine, mut input: impl Read, opts: &ImageOptions) -> Result<String> {
    let (_tmp, file) = temp_file(engine, "import")?;
    let reread = reader_of(&file)?;
    let mut w = HashingWriter { inner: io::BufWriter::new(file), hasher: Sha256::new(), count: 0 };
    io::copy(&mut input, &mut w).ctx(|| "read the tarball to import".to_string())?;
    w.flush().ctx(|| "write the tarball to import".to_string())?;
    let (digest, size) = (digest_of(&w.hasher), w.count);
    drop(w);
    if size == 0 {
        return Err(Error::Invalid("the tarball to import is empty: give a tar file or pipe one into `import -`".into()));
    }
    // A tarball from outside may be a decompression bomb: bounded as a pulled layer.
    let eopts = ExtractOptions { max_size: Some(crate::config::settings::max_layer_size()?), ..extract_opts(engine) };
    let layer = LayerStore::new(&engine.paths).add_from_blob(&digest, None, rewind(reread)?, &eopts)?;
    let mut config = ImageConfiguration::default();
    config.set_architecture(host_arch());
    config.set_os(oci_spec::image::Os::Linux);
    let mut rootfs = oci_spec::image::RootFs::default();
    rootfs.set_diff_ids(Vec::new());
    config.set_rootfs(rootfs);
    add_layer_to_config(&mut config, &layer, opts, "/bin/sh -c #(nop) ADD file in / (imported)")?;
    let layers = vec![digest];
    let descs = layer_descriptors(engine, &layers, &layer, size)?;
    save_image(engine, config, layers, descs, layer.size, opts)
}

pub(crate) fn host_arch() -> oci_spec::image::Arch {
    match std::env::consts::ARCH {
        "x86_64" => oci_spec::image::Arch::Amd64,
        "aarch64" => oci_spec::image::Arch::ARM64,
        other => oci_spec::image::Arch::Other(other.to_string()),
    }
}

/// Appends the layer's diff_id and a history entry, applies the changes.
fn add_layer_to_config(config: &mut ImageConfiguration, layer: &LayerInfo, opts: &ImageOptions, created_by: &str) -> Result<()> {
    let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Nanos, true);
    let mut rootfs = config.rootfs().clone();
    let mut ids = rootfs.diff_ids().clone();
    ids.push(layer.diff_id.clone());
    rootfs.set_diff_ids(ids);
    config.set_rootfs(rootfs);
    let mut h = History::default();
    h.set_created(Some(now.clone()));
    h.set_created_by(Some(created_by.to_string()));
    h.set_author(opts.author.clone());
    h.set_comment(opts.message.clone());
    let mut history = config.history().clone().unwrap_or_default();
    history.push(h);
    config.set_history(Some(history));
    config.set_created(Some(now));
    if opts.author.is_some() {
        config.set_author(opts.author.clone());
    }
    let mut c = config.config().clone().unwrap_or_default();
    for ch in &opts.changes {
        apply_change(&mut c, ch)?;
    }
    config.set_config(Some(c));
    Ok(())
}

/// A JSON array, or shell form run by /bin/sh -c (Dockerfile rules).
fn command_form(v: &str) -> Vec<String> {
    let t = v.trim();
    if t.starts_with('[') {
        if let Ok(list) = serde_json::from_str::<Vec<String>>(t) {
            return list;
        }
    }
    vec!["/bin/sh".into(), "-c".into(), t.to_string()]
}

/// KEY=VALUE pairs (quotes allowed around values), or the legacy "KEY VALUE".
fn pairs(v: &str) -> Vec<(String, String)> {
    let v = v.trim();
    if !v.contains('=') {
        let (k, val) = v.split_once(char::is_whitespace).unwrap_or((v, ""));
        return vec![(k.to_string(), val.trim().to_string())];
    }
    v.split_whitespace().filter_map(|kv| kv.split_once('=')).map(|(k, val)| (k.to_string(), val.trim_matches('"').to_string())).collect()
}

/// Applies one `--change "INSTRUCTION ARGS"` to an image config.
pub fn apply_change(c: &mut Config, change: &str) -> Result<()> {
    let change = change.trim();
    let (ins, rest) = change.split_once(|ch: char| ch.is_whitespace() || ch == '=').unwrap_or((change, ""));
    let rest = rest.trim();
    match ins.to_ascii_uppercase().as_str() {
        "CMD" => {
            c.set_cmd(Some(command_form(rest)));
        }
        "ENTRYPOINT" => {
            c.set_entrypoint(Some(command_form(rest)));
        }
        "ENV" => {
            let mut env = c.env().clone().unwrap_or_default();
            for (k, v) in pairs(rest) {
                env.retain(|e| e.split('=').next() != Some(k.as_str()));
                env.push(format!("{k}={v}"));
            }
            c.set_env(Some(env));
        }
        "WORKDIR" => {
            c.set_working_dir(Some(rest.to_string()));
        }
        "USER" => {
            c.set_user(Some(rest.to_string()));
        }
        "LABEL" => {
            let mut l: HashMap<String, String> = c.labels().clone().unwrap_or_default();
            for (k, v) in pairs(rest) {
                l.insert(k, v);
            }
            c.set_labels(Some(l));
        }
        "EXPOSE" => {
            let mut ports = c.exposed_ports().clone().unwrap_or_default();
            for p in rest.split_whitespace() {
                let p = if p.contains('/') { p.to_string() } else { format!("{p}/tcp") };
                if !ports.contains(&p) {
                    ports.push(p);
                }
            }
            c.set_exposed_ports(Some(ports));
        }
        "VOLUME" => {
            let mut v = c.volumes().clone().unwrap_or_default();
            let list = if rest.starts_with('[') {
                serde_json::from_str::<Vec<String>>(rest).unwrap_or_default()
            } else {
                rest.split_whitespace().map(str::to_string).collect()
            };
            for p in list {
                if !v.contains(&p) {
                    v.push(p);
                }
            }
            c.set_volumes(Some(v));
        }
        "STOPSIGNAL" => {
            c.set_stop_signal(Some(rest.to_string()));
        }
        "ONBUILD" => {}
        other => {
            return Err(Error::Invalid(format!(
                "--change {change:?}: {other} is not a supported instruction: use CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, STOPSIGNAL, USER, VOLUME or WORKDIR"
            )))
        }
    }
    Ok(())
}

/// (digest, media type, size) of each layer for the manifest.
fn layer_descriptors(engine: &Engine, layers: &[String], new: &LayerInfo, new_size: u64) -> Result<Vec<(String, &'static str, u64)>> {
    let store = LayerStore::new(&engine.paths);
    layers
        .iter()
        .map(|d| {
            if *d == new.digest {
                let mt = if new.diff_id == new.digest { LAYER_TAR } else { LAYER_GZIP };
                Ok((d.clone(), mt, new_size))
            } else {
                let i = store.info(d)?;
                let mt = if i.diff_id == i.digest { LAYER_TAR } else { LAYER_GZIP };
                Ok((d.clone(), mt, i.compressed_size))
            }
        })
        .collect()
}

/// Writes config and manifest blobs and the image record; returns the id.
fn save_image(
    engine: &Engine,
    config: ImageConfiguration,
    layers: Vec<String>,
    descs: Vec<(String, &'static str, u64)>,
    size: u64,
    opts: &ImageOptions,
) -> Result<String> {
    let names = match &opts.name {
        Some(n) => vec![normalize_local_name(n)?],
        None => Vec::new(),
    };
    save_image_as(engine, config, layers, descs, size, &SaveAs { names, ..SaveAs::default() })
}

/// The manifest's and config's media types: OCI's, or Docker's v2 schema 2 (`--format docker`).
fn media_types(docker: bool) -> (&'static str, &'static str) {
    if docker {
        ("application/vnd.docker.distribution.manifest.v2+json", "application/vnd.docker.container.image.v1+json")
    } else {
        (OCI_MANIFEST, OCI_CONFIG)
    }
}

/// (digest, media type, compressed size) of each stored layer, for a manifest.
pub(crate) fn stored_layer_descriptors(engine: &Engine, layers: &[String], docker: bool) -> Result<Vec<(String, &'static str, u64)>> {
    let store = LayerStore::new(&engine.paths);
    layers
        .iter()
        .map(|d| {
            let i = store.info(d)?;
            let mt = match (i.diff_id == i.digest, docker) {
                (true, false) => LAYER_TAR,
                (false, false) => LAYER_GZIP,
                (true, true) => "application/vnd.docker.image.rootfs.diff.tar",
                (false, true) => "application/vnd.docker.image.rootfs.diff.tar.gzip",
            };
            Ok((d.clone(), mt, i.compressed_size))
        })
        .collect()
}

/// How an image is saved: its names (normalised), Docker's media types or
/// OCI's, the manifest's annotations.
#[derive(Debug, Clone, Default)]
pub(crate) struct SaveAs {
    pub names: Vec<String>,
    pub docker: bool,
    pub annotations: Vec<(String, String)>,
    /// Fields added to the config's `config` object (build's docker-only
    /// Healthcheck, OnBuild, Shell, which an OCI config type has no room for).
    pub extra_config: serde_json::Map<String, serde_json::Value>,
}

/// Writes config and manifest blobs and the image record; returns the id.
pub(crate) fn save_image_as(
    engine: &Engine,
    config: ImageConfiguration,
    layers: Vec<String>,
    descs: Vec<(String, &'static str, u64)>,
    size: u64,
    how: &SaveAs,
) -> Result<String> {
    let (manifest_type, config_type) = media_types(how.docker);
    let (names, annotations) = (how.names.clone(), &how.annotations);
    let encode = |e: serde_json::Error| Error::Runtime(format!("encode the image config: {e}"));
    let config_bytes = if how.extra_config.is_empty() {
        serde_json::to_vec(&config).map_err(encode)?
    } else {
        let mut v = serde_json::to_value(&config).map_err(encode)?;
        if let Some(c) = v.get_mut("config").and_then(|c| c.as_object_mut()) {
            c.extend(how.extra_config.clone());
        }
        serde_json::to_vec(&v).map_err(encode)?
    };
    let id = hex::encode(Sha256::digest(&config_bytes));
    let config_digest = format!("sha256:{id}");
    let mut manifest = serde_json::json!({
        "schemaVersion": 2,
        "mediaType": manifest_type,
        "config": {"mediaType": config_type, "digest": config_digest, "size": config_bytes.len()},
        "layers": descs.iter().map(|(d, mt, s)| serde_json::json!({"mediaType": mt, "digest": d, "size": s})).collect::<Vec<_>>(),
    });
    if !annotations.is_empty() {
        manifest["annotations"] = annotations.iter().map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone()))).collect();
    }
    let manifest_bytes = serde_json::to_vec(&manifest).map_err(|e| Error::Runtime(format!("encode the manifest: {e}")))?;
    let manifest_digest = format!("sha256:{}", hex::encode(Sha256::digest(&manifest_bytes)));
    for (d, b) in [(&config_digest, &config_bytes), (&manifest_digest, &manifest_bytes)] {
        let p = engine.paths.blob_path(d);
        if let Some(dir) = p.parent() {
            std::fs::create_dir_all(dir).path_ctx("create", dir)?;
        }
        crate::json_file::write_bytes(&p, b)?;
    }
    let record = ImageRecord {
        id: id.clone(),
        names,
        digest: manifest_digest,
        layers,
        created: config.created().clone(),
        config,
        size,
        pulled_at: Some(chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
        manifest_media_type: Some(manifest_type.to_string()),
        repo_digests: Vec::new(),
    };
    ImageStore::new(&engine.paths).save_pulled(&record)?;
    Ok(id)
}

/// podman's naming of local images: an unqualified "name" is localhost/name:latest.
pub fn normalize_local_name(n: &str) -> Result<String> {
    let full = if sangja_image::reference::is_qualified(n) { n.to_string() } else { format!("localhost/{n}") };
    sangja_image::store::normalize_name(&full)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_apply() {
        let mut c = Config::default();
        apply_change(&mut c, "CMD [\"/bin/echo\", \"hi\"]").unwrap();
        assert_eq!(c.cmd().clone().unwrap(), ["/bin/echo", "hi"]);
        apply_change(&mut c, "ENTRYPOINT echo x").unwrap();
        assert_eq!(c.entrypoint().clone().unwrap(), ["/bin/sh", "-c", "echo x"]);
        apply_change(&mut c, "ENV A=1 B=\"two\"").unwrap();
        apply_change(&mut c, "ENV A=3").unwrap();
        assert_eq!(c.env().clone().unwrap(), ["B=two", "A=3"]);
        apply_change(&mut c, "EXPOSE 80 53/udp").unwrap();
        assert_eq!(c.exposed_ports().clone().unwrap(), ["80/tcp", "53/udp"]);
        apply_change(&mut c, "LABEL a=b").unwrap();
        apply_change(&mut c, "WORKDIR /srv").unwrap();
        apply_change(&mut c, "USER 1000").unwrap();
        apply_change(&mut c, "VOLUME [\"/data\"]").unwrap();
        assert_eq!(c.volumes().clone().unwrap(), ["/data"]);
        assert!(apply_change(&mut c, "RUN rm -rf /").is_err());
    }
}
