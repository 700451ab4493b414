//! Saving images as podman does: docker-archive (manifest.json, repositories,
//! <config>.json, <diff_id>.tar per layer and the legacy per-layer folders,
//! with containers/image's ids), oci-archive and oci-dir (an OCI image layout
//! with org.opencontainers.image.ref.name annotations, layers gzip-compressed
//! unless asked not to) and docker-dir (the `dir:` transport with a Docker
//! schema 2 manifest). Each layer is the exact tar it was pulled as
//! (`LayerStore::open_tar`, verified against its diff_id as it streams).
//!
//! Nothing half-written is left under the output's name: archives are written
//! to a temp name beside it and renamed; folders are built in a temp folder
//! beside it and renamed.

use super::media;
use super::tarw::TarOut;
use crate::error::{Error, IoContext, Result};
use crate::paths::StorePaths;
use crate::reference::Reference;
use crate::storage::layers::{LayerInfo, LayerStore};
use crate::storage::HashingWriter;
use crate::store::ImageRecord;
use serde::Serialize;
use serde_json::value::RawValue;
use sha2::{Digest as _, Sha256};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs::File;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The formats of `save --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    DockerArchive,
    OciArchive,
    OciDir,
    DockerDir,
}

impl Format {
    /// Parses podman's names.
    pub fn parse(s: &str) -> Result<Format> {
        match s {
            "docker-archive" => Ok(Format::DockerArchive),
            "oci-archive" => Ok(Format::OciArchive),
            "oci-dir" => Ok(Format::OciDir),
            "docker-dir" => Ok(Format::DockerDir),
            other => Err(Error::Invalid(format!("unknown format \"{other}\": use docker-archive, oci-archive, oci-dir or docker-dir"))),
        }
    }
    /// Whether the output is a folder.
    pub fn is_dir(self) -> bool {
        matches!(self, Format::OciDir | Format::DockerDir)
    }
}

/// One image to save and the names to write for it.
#[derive(Debug, Clone)]
pub struct SaveImage {
    pub record: ImageRecord,
    /// Full names ("127.0.0.1:5000/busybox:latest"); empty when saved by id.
    pub names: Vec<String>,
}

/// Where the archive goes.
pub enum Target {
    /// A file (archives) or folder (oci-dir, docker-dir).
    Path(PathBuf),
    /// A stream (stdout): archives only.
    Stream(File),
}

/// What a save reports (podman's "Copying blob" lines).
#[derive(Debug, Clone)]
pub enum SaveEvent {
    Blob { digest: String },
    Config { digest: String },
    Manifest,
}

/// `--compress` / `--uncompressed`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Compression {
    /// podman's default: gzip in the OCI formats, plain tar in the docker ones.
    #[default]
    Default,
    Gzip,
    Plain,
}

/// Saves `images` in `format` to `target`.
pub fn save(
    paths: &StorePaths,
    images: &[SaveImage],
    format: Format,
    compression: Compression,
    target: Target,
    progress: &(dyn Fn(SaveEvent) + Sync),
) -> Result<()> {
    if images.is_empty() {
        return Err(Error::Invalid("no image to save".into()));
    }
    let gzip = match compression {
        Compression::Default => matches!(format, Format::OciArchive | Format::OciDir),
        Compression::Gzip => true,
        Compression::Plain => false,
    };
    match (format, target) {
        (Format::DockerArchive, target) => with_file(target, |out, seekable| docker_archive(paths, images, out, seekable, progress)),
        (Format::OciArchive, target) => {
            let tmp_parent = match &target {
                Target::Path(p) => parent_of(p),
                Target::Stream(_) => paths.tmp_dir(),
            };
            let dir = TempDir::new(&tmp_parent, ".sangja-save")?;
            layout(paths, images, Format::OciDir, gzip, &dir.0, progress)?;
            with_file(target, |out, _| tar_folder(&dir.0, out))
        }
        (f, Target::Path(p)) => {
            if std::fs::symlink_metadata(&p).is_ok() {
                let empty = std::fs::read_dir(&p).map(|mut d| d.next().is_none()).unwrap_or(false);
                if !empty {
                    return Err(Error::Conflict(format!("{}: already exists: give a new folder to save into", p.display())));
                }
                std::fs::remove_dir(&p).path_ctx("replace", &p)?;
            }
            let dir = TempDir::new(&parent_of(&p), ".sangja-save")?;
            layout(paths, images, f, gzip, &dir.0, progress)?;
            std::fs::rename(&dir.0, &p).path_ctx("write", &p)?;
            std::mem::forget(dir);
            Ok(())
        }
        (_, Target::Stream(_)) => Err(Error::Invalid("oci-dir and docker-dir are folders: give one with -o".into())),
    }
}

fn parent_of(p: &Path) -> PathBuf {
    match p.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// A temp folder removed when dropped.
struct TempDir(PathBuf);
impl TempDir {
    fn new(parent: &Path, prefix: &str) -> Result<TempDir> {
        std::fs::create_dir_all(parent).path_ctx("create", parent)?;
        Ok(TempDir(crate::paths::make_temp_dir(parent, prefix)?))
    }
}
impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs `write` on the output file: a temp file renamed into place on
/// success, or the stream.
fn with_file(target: Target, write: impl FnOnce(&mut io::BufWriter<File>, bool) -> Result<()>) -> Result<()> {
    match target {
        Target::Path(p) => {
            let name = p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "archive".into());
            let tmp = parent_of(&p).join(format!(".{name}.sangja-tmp-{}", std::process::id()));
            let f = File::options().write(true).create(true).truncate(true).open(&tmp).path_ctx("create", &tmp)?;
            let mut out = io::BufWriter::with_capacity(1 << 20, f);
            let r = write(&mut out, true).and_then(|_| out.flush().path_ctx("write", &tmp));
            drop(out);
            if let Err(e) = r {
                let _ = std::fs::remove_file(&tmp);
                return Err(e);
            }
            std::fs::rename(&tmp, &p).path_ctx("write", &p)
        }
        Target::Stream(f) => {
            // A regular file behind the stream (a shell redirect) can be patched in place.
            let seekable = f.metadata().map(|m| m.is_file()).unwrap_or(false) && io::Seek::stream_position(&mut &f).is_ok();
            let mut out = io::BufWriter::with_capacity(1 << 20, f);
            write(&mut out, seekable)?;
            out.flush().ctx(|| "write the archive".to_string())
        }
    }
}

/// The config blob of an image as stored (its sha256 is the id).
fn config_bytes(paths: &StorePaths, r: &ImageRecord) -> Result<Vec<u8>> {
    let digest = format!("sha256:{}", r.id);
    let p = paths.blob_path(&digest);
    let bytes = std::fs::read(&p).map_err(|e| {
        Error::State(format!("the config of image {} is missing from the store ({}: {e}): pull the image again", &r.id[..12], p.display()))
    })?;
    if hex::encode(Sha256::digest(&bytes)) != r.id {
        return Err(Error::State(format!("the config blob of image {} is damaged: pull the image again", &r.id[..12])));
    }
    Ok(bytes)
}

fn layer_infos(paths: &StorePaths, r: &ImageRecord) -> Result<Vec<LayerInfo>> {
    let store = LayerStore::new(paths);
    r.layers.iter().map(|d| store.info(d)).collect()
}

fn open_tar(paths: &StorePaths, digest: &str) -> Result<Box<dyn Read + Send>> {
    Ok(Box::new(LayerStore::new(paths).open_tar(digest)?))
}

fn io_err(what: &str) -> impl Fn(io::Error) -> Error + '_ {
    move |e| Error::Layer(format!("{what}: {e}"))
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ManifestItem {
    config: String,
    repo_tags: Vec<String>,
    layers: Vec<String>,
}

fn docker_archive(
    paths: &StorePaths,
    images: &[SaveImage],
    out: &mut io::BufWriter<File>,
    seekable: bool,
    progress: &(dyn Fn(SaveEvent) + Sync),
) -> Result<()> {
    let mut tar = TarOut::new(out, seekable);
    let mut sent: HashSet<String> = HashSet::new();
    let mut items: Vec<ManifestItem> = Vec::new();
    let mut by_config: HashMap<String, usize> = HashMap::new();
    let mut repositories: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for img in images {
        let infos = layer_infos(paths, &img.record)?;
        let mut layer_paths = Vec::new();
        for info in &infos {
            let hex = info.diff_id.trim_start_matches("sha256:");
            let name = format!("{hex}.tar");
            if sent.insert(name.clone()) {
                progress(SaveEvent::Blob { digest: info.diff_id.clone() });
                // A layer pulled as a plain tar is its own size; others are measured as they stream.
                let size = (info.digest == info.diff_id).then_some(info.compressed_size);
                let what = format!("layer {}", info.digest);
                tar.file_from(&name, size, &mut || open_tar(paths, &info.digest)).map_err(|e| add_ctx(e, &what))?;
            }
            layer_paths.push(name);
        }
        let config = config_bytes(paths, &img.record)?;
        let config_name = format!("{}.json", img.record.id);
        if sent.insert(config_name.clone()) {
            progress(SaveEvent::Config { digest: format!("sha256:{}", img.record.id) });
            tar.bytes(&config_name, &config)?;
        }
        let diff_ids: Vec<&str> = infos.iter().map(|i| i.diff_id.as_str()).collect();
        let top = legacy_layers(&config, &diff_ids, &mut |id, json, diff_hex| {
            if sent.insert(id.to_string()) {
                tar.symlink(&format!("{id}/layer.tar"), &format!("../{diff_hex}.tar"))?;
                tar.bytes(&format!("{id}/VERSION"), b"1.0")?;
                tar.bytes(&format!("{id}/json"), json)?;
            }
            Ok(())
        })?;
        let i = *by_config.entry(config_name.clone()).or_insert_with(|| {
            items.push(ManifestItem { config: config_name.clone(), repo_tags: Vec::new(), layers: layer_paths });
            items.len() - 1
        });
        for n in &img.names {
            if !items[i].repo_tags.contains(n) {
                items[i].repo_tags.push(n.clone());
            }
            if let (Some(top), Ok(r)) = (&top, Reference::parse(n)) {
                if let Some(tag) = &r.tag {
                    repositories.entry(r.name_without_tag()).or_default().insert(tag.clone(), top.clone());
                }
            }
        }
    }
    progress(SaveEvent::Manifest);
    tar.bytes("manifest.json", &go_json(&serde_json::to_vec(&items).unwrap_or_default()))?;
    tar.bytes("repositories", &go_json(&serde_json::to_vec(&repositories).unwrap_or_default()))?;
    tar.finish()
}

fn add_ctx(e: Error, what: &str) -> Error {
    match e {
        Error::Io { .. } | Error::Layer(_) => Error::Layer(format!("{what}: {e}")),
        other => other,
    }
}

/// Receives (layer id, its json, the layer's diff_id hex).
type LegacyEmit<'a> = dyn FnMut(&str, &[u8], &str) -> Result<()> + 'a;

/// The legacy per-layer metadata podman (containers/image) writes: for each
/// layer an id (the sha256 of a small JSON holding the chain id), its json and
/// VERSION; `emit(id, json, diff_hex)`. Returns the top layer's id.
fn legacy_layers(config: &[u8], diff_ids: &[&str], emit: &mut LegacyEmit<'_>) -> Result<Option<String>> {
    let fields: HashMap<String, Box<RawValue>> =
        serde_json::from_slice(config).map_err(|e| Error::State(format!("the image config is not a JSON object: {e}")))?;
    let mut chain = String::new();
    let mut last: Option<String> = None;
    for (i, diff_id) in diff_ids.iter().enumerate() {
        // Keys and raw JSON values, serialised as Go's json.Marshal of a map (sorted, compact).
        let mut obj: BTreeMap<&str, String> = BTreeMap::new();
        if let Some(p) = &last {
            obj.insert("parent", quote(p));
        }
        if i == diff_ids.len() - 1 {
            for k in ["architecture", "config", "container", "container_config", "created", "docker_version", "os"] {
                obj.insert(k, fields.get(k).map(|v| compact(v.get())).unwrap_or_else(|| "null".into()));
            }
        }
        chain = if chain.is_empty() {
            diff_id.to_string()
        } else {
            format!("sha256:{}", hex::encode(Sha256::digest(format!("{chain} {diff_id}").as_bytes())))
        };
        obj.insert("layer_id", quote(&chain));
        let id = hex::encode(Sha256::digest(object(&obj).as_bytes()));
        obj.remove("layer_id");
        obj.insert("id", quote(&id));
        emit(&id, object(&obj).as_bytes(), diff_id.trim_start_matches("sha256:"))?;
        last = Some(id);
    }
    Ok(last)
}

fn quote(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

fn object(m: &BTreeMap<&str, String>) -> String {
    let parts: Vec<String> = m.iter().map(|(k, v)| format!("{}:{v}", quote(k))).collect();
    format!("{{{}}}", parts.join(","))
}

/// JSON text compacted as Go's encoding/json does it for a RawMessage:
/// whitespace outside strings removed, <, > and & escaped.
pub fn compact(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut in_str = false;
    let mut esc = false;
    for c in raw.chars() {
        if in_str {
            match c {
                _ if esc => {
                    esc = false;
                    out.push(c);
                }
                '\\' => {
                    esc = true;
                    out.push(c);
                }
                '"' => {
                    in_str = false;
                    out.push(c);
                }
                '<' => out.push_str("\\u003c"),
                '>' => out.push_str("\\u003e"),
                '&' => out.push_str("\\u0026"),
                '\u{2028}' => out.push_str("\\u2028"),
                '\u{2029}' => out.push_str("\\u2029"),
                _ => out.push(c),
            }
        } else {
            match c {
                ' ' | '\t' | '\n' | '\r' => {}
                '"' => {
                    in_str = true;
                    out.push(c);
                }
                _ => out.push(c),
            }
        }
    }
    out
}

/// serde_json's compact output with Go's HTML escaping.
fn go_json(bytes: &[u8]) -> Vec<u8> {
    compact(&String::from_utf8_lossy(bytes)).into_bytes()
}

/// A blob written into a layout folder.
struct Written {
    digest: String,
    size: u64,
}

/// Writes one layer into `dir` under its digest's hex (gzip or plain).
fn write_layer(paths: &StorePaths, info: &LayerInfo, dir: &Path, gzip: bool) -> Result<Written> {
    let tmp = dir.join(format!(".layer-{}", info.diff_id.trim_start_matches("sha256:")));
    let f = File::create(&tmp).path_ctx("create", &tmp)?;
    let mut w = HashingWriter { inner: io::BufWriter::with_capacity(1 << 20, f), hasher: Sha256::new(), count: 0 };
    let mut src = open_tar(paths, &info.digest)?;
    let what = format!("layer {}", info.digest);
    if gzip {
        let mut gz = flate2::write::GzEncoder::new(&mut w, flate2::Compression::fast());
        io::copy(&mut src, &mut gz).map_err(io_err(&what))?;
        gz.finish().map_err(io_err(&what))?;
    } else {
        io::copy(&mut src, &mut w).map_err(io_err(&what))?;
    }
    w.flush().path_ctx("write", &tmp)?;
    let digest = format!("sha256:{}", hex::encode(w.hasher.clone().finalize()));
    let dest = dir.join(digest.trim_start_matches("sha256:"));
    std::fs::rename(&tmp, &dest).path_ctx("write", &dest)?;
    Ok(Written { digest, size: w.count })
}

/// Builds an OCI layout (oci-dir) or a `dir:` folder (docker-dir) in `dir`.
fn layout(
    paths: &StorePaths,
    images: &[SaveImage],
    format: Format,
    gzip: bool,
    dir: &Path,
    progress: &(dyn Fn(SaveEvent) + Sync),
) -> Result<()> {
    let oci = format == Format::OciDir;
    if !oci && images.len() > 1 {
        return Err(Error::Invalid("docker-dir holds one image: save the others into their own folders".into()));
    }
    let blobs = if oci { dir.join("blobs").join("sha256") } else { dir.to_path_buf() };
    std::fs::create_dir_all(&blobs).path_ctx("create", &blobs)?;
    // Every layer of every image once, several compressed at once.
    let mut all: Vec<LayerInfo> = Vec::new();
    for img in images {
        for i in layer_infos(paths, &img.record)? {
            if !all.iter().any(|a| a.digest == i.digest) {
                all.push(i);
            }
        }
    }
    let written: Mutex<HashMap<String, Written>> = Mutex::new(HashMap::new());
    let queue = Mutex::new(all.clone());
    let failed: Mutex<Option<Error>> = Mutex::new(None);
    let workers = if gzip { std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2).clamp(1, 4) } else { 1 };
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| loop {
                if failed.lock().map(|f| f.is_some()).unwrap_or(true) {
                    return;
                }
                let Some(info) = queue.lock().ok().and_then(|mut q| q.pop()) else { return };
                progress(SaveEvent::Blob { digest: info.diff_id.clone() });
                match write_layer(paths, &info, &blobs, gzip) {
                    Ok(w) => {
                        if let Ok(mut m) = written.lock() {
                            m.insert(info.digest.clone(), w);
                        }
                    }
                    Err(e) => {
                        if let Ok(mut f) = failed.lock() {
                            f.get_or_insert(e);
                        }
                        return;
                    }
                }
            });
        }
    });
    if let Some(e) = failed.into_inner().unwrap_or_else(|e| e.into_inner()) {
        return Err(e);
    }
    let written = written.into_inner().unwrap_or_else(|e| e.into_inner());
    let mut index_entries: Vec<super::Desc> = Vec::new();
    for img in images {
        let config = config_bytes(paths, &img.record)?;
        let config_digest = format!("sha256:{}", img.record.id);
        progress(SaveEvent::Config { digest: config_digest.clone() });
        crate::json_file::write_bytes(&blobs.join(&img.record.id), &config)?;
        let infos = layer_infos(paths, &img.record)?;
        let descs: Vec<super::LayerDesc> = infos
            .iter()
            .map(|i| {
                let w = &written[&i.digest];
                super::LayerDesc { digest: w.digest.clone(), size: w.size, compressed: gzip }
            })
            .collect();
        let (manifest, mt) = super::manifest_for(!oci, &config_digest, config.len() as u64, &infos, Some(&descs));
        progress(SaveEvent::Manifest);
        if !oci {
            crate::json_file::write_bytes(&dir.join("manifest.json"), &manifest)?;
            crate::json_file::write_bytes(&dir.join("version"), b"Directory Transport Version: 1.1\n")?;
            return Ok(());
        }
        let manifest_digest = format!("sha256:{}", hex::encode(Sha256::digest(&manifest)));
        crate::json_file::write_bytes(&blobs.join(manifest_digest.trim_start_matches("sha256:")), &manifest)?;
        // One entry per image, named by its first name: podman refuses an
        // oci-archive whose index lists more than one.
        let _ = mt;
        let annotations = img.names.first().map(|n| BTreeMap::from([("org.opencontainers.image.ref.name".to_string(), n.clone())]));
        index_entries.push(super::Desc {
            media_type: media::OCI_MANIFEST,
            digest: manifest_digest.clone(),
            size: manifest.len() as u64,
            annotations,
        });
    }
    #[derive(Serialize)]
    struct Index<'a> {
        #[serde(rename = "schemaVersion")]
        schema_version: u32,
        manifests: Vec<super::Desc<'a>>,
    }
    let index = serde_json::to_vec(&Index { schema_version: 2, manifests: index_entries }).unwrap_or_default();
    crate::json_file::write_bytes(&dir.join("index.json"), &index)?;
    crate::json_file::write_bytes(&dir.join("oci-layout"), br#"{"imageLayoutVersion": "1.0.0"}"#)?;
    Ok(())
}

/// Tars an OCI layout folder as podman's oci-archive: blobs/, blobs/sha256/, the blobs, index.json, oci-layout.
fn tar_folder(dir: &Path, out: &mut io::BufWriter<File>) -> Result<()> {
    let mut tar = TarOut::new(out, false);
    tar.dir("blobs/")?;
    tar.dir("blobs/sha256/")?;
    let blobs = dir.join("blobs").join("sha256");
    let mut names = crate::paths::entry_names(&blobs)?;
    names.sort();
    for n in names {
        let p = blobs.join(&n);
        let size = std::fs::metadata(&p).path_ctx("read", &p)?.len();
        tar.file_from(&format!("blobs/sha256/{n}"), Some(size), &mut || Ok(Box::new(File::open(&p).path_ctx("open", &p)?)))?;
    }
    for n in ["index.json", "oci-layout"] {
        let bytes = std::fs::read(dir.join(n)).path_ctx("read", &dir.join(n))?;
        tar.bytes(n, &bytes)?;
    }
    tar.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legacy_ids_are_podmans() {
        // What podman 4.3 wrote for the test registry's busybox.
        let config = br#"{"architecture": "amd64", "author": "sangja tests", "config": {"Cmd": ["sh"], "Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"], "WorkingDir": "/"}, "created": "2024-01-01T00:00:00Z", "history": [{"created": "2024-01-01T00:00:00Z", "created_by": "build_image.py layer 0 (gzip)"}], "os": "linux", "rootfs": {"diff_ids": ["sha256:0fefc6fa988b584a3638fce6fc500df158e5b7ed8f5d5e3c5f280b1ce41f0ca9"], "type": "layers"}}"#;
        let mut seen = Vec::new();
        let top =
            legacy_layers(config, &["sha256:0fefc6fa988b584a3638fce6fc500df158e5b7ed8f5d5e3c5f280b1ce41f0ca9"], &mut |id, json, _| {
                seen.push((id.to_string(), String::from_utf8_lossy(json).into_owned()));
                Ok(())
            })
            .unwrap();
        assert_eq!(top.as_deref(), Some("ee6f8d5623eeaab1f95cf2729662e914ad81a624a4d4473461aeeae45ab49731"));
        assert_eq!(
            seen[0].1,
            r#"{"architecture":"amd64","config":{"Cmd":["sh"],"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],"WorkingDir":"/"},"container":null,"container_config":null,"created":"2024-01-01T00:00:00Z","docker_version":null,"id":"ee6f8d5623eeaab1f95cf2729662e914ad81a624a4d4473461aeeae45ab49731","os":"linux"}"#
        );
    }

    #[test]
    fn compact_is_gos() {
        assert_eq!(compact(r#"{ "a" : [1, 2], "b": "x <y> & \" z" }"#), r#"{"a":[1,2],"b":"x \u003cy\u003e \u0026 \" z"}"#);
    }
}
