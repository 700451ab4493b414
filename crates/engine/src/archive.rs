//! `save`, `load` and the archive transports of pull/run/create
//! (docker-archive:, oci-archive:, oci:, dir:): typed requests in, typed
//! results out, progress as events. The formats live in
//! sangja_image::archive.

use super::events::{Event, Progress, ProgressKind};
use super::Engine;
use crate::error::{Error, Result};
pub use sangja_image::archive::load::Loaded;
use sangja_image::archive::load::{self as image_load, LoadEvent, LoadOptions};
use sangja_image::archive::reader::ArchiveReader;
use sangja_image::archive::save::{self as image_save, SaveEvent, SaveImage, Target};
pub use sangja_image::archive::save::{Compression, Format};
pub use sangja_image::archive::transport::Transport;
use sangja_image::reference::Reference;
use sangja_image::store::{ImageRecord, ImageStore};
use std::fs::File;
use std::path::PathBuf;

/// Where `save` writes.
pub enum Output {
    /// `-o PATH`: a file, or a folder for oci-dir and docker-dir.
    Path(PathBuf),
    /// The caller's stdout (not a terminal: the CLI checks).
    Stream(File),
}

/// `save`.
pub struct SaveRequest {
    /// Images by name or id; without `multi_image`, the names after the first are more tags for it (podman).
    pub images: Vec<String>,
    pub format: Format,
    pub multi_image: bool,
    pub compression: Compression,
    pub output: Output,
    /// No progress events.
    pub quiet: bool,
}

/// `load`.
pub struct LoadRequest {
    /// `-i PATH` (file or folder); `None`: `stdin`.
    pub input: Option<PathBuf>,
    /// The stream to read without `input`.
    pub stdin: Option<File>,
    pub quiet: bool,
}

fn progress(engine: &Engine, quiet: bool, message: String, subject: &str) {
    if !quiet {
        engine.emit(Event::Progress(Progress { kind: ProgressKind::Archive, subject: subject.to_string(), message }));
    }
}

/// The stored name of `record` that `given` names ("busybox" → "127.0.0.1:5000/busybox:latest"); none for an id.
fn name_for(record: &ImageRecord, given: &str) -> Option<String> {
    let bare = given.strip_prefix("sha256:").unwrap_or(given);
    if record.id.starts_with(bare) && !record.names.iter().any(|n| n == given) {
        return None;
    }
    let full = Reference::parse(given).ok().map(|r| r.to_string());
    if let Some(f) = full.as_ref().filter(|f| record.names.contains(f)) {
        return Some(f.clone());
    }
    let last = given.rsplit('/').next().unwrap_or(given);
    let with_tag = if last.contains(':') || given.contains('@') { given.to_string() } else { format!("{given}:latest") };
    record.names.iter().find(|n| n.ends_with(&format!("/{with_tag}")) || **n == with_tag).cloned().or(full)
}

/// Saves images to an archive or folder.
pub fn save(engine: &Engine, req: SaveRequest) -> Result<()> {
    let store = ImageStore::new(&engine.paths);
    let mut images: Vec<SaveImage> = Vec::new();
    if req.multi_image && req.format != Format::DockerArchive {
        return Err(Error::Invalid("--multi-image-archive (-m) is only supported with --format docker-archive".into()));
    }
    let Some(first) = req.images.first() else { return Err(Error::Invalid("save needs at least one image".into())) };
    if req.multi_image {
        for name in &req.images {
            let record = store.lookup(name)?;
            let names = name_for(&record, name).into_iter().collect();
            images.push(SaveImage { record, names });
        }
    } else {
        let record = store.lookup(first)?;
        let mut names: Vec<String> = name_for(&record, first).into_iter().collect();
        for tag in &req.images[1..] {
            let r = Reference::parse(tag)?;
            if r.digest.is_some() {
                return Err(Error::Reference(format!("\"{tag}\": a name to save as cannot contain a digest")));
            }
            names.push(r.to_string());
        }
        images.push(SaveImage { record, names });
    }
    let target = match req.output {
        Output::Path(p) => Target::Path(p),
        Output::Stream(f) => Target::Stream(f),
    };
    progress(engine, req.quiet, "Getting image source signatures".into(), "");
    let events = |ev: SaveEvent| match ev {
        SaveEvent::Blob { digest } => progress(engine, req.quiet, format!("Copying blob {digest}"), &digest),
        SaveEvent::Config { digest } => progress(engine, req.quiet, format!("Copying config {digest}"), &digest),
        SaveEvent::Manifest => progress(engine, req.quiet, "Writing manifest to image destination".into(), ""),
    };
    image_save::save(&engine.paths, &images, req.format, req.compression, target, &events)?;
    progress(engine, req.quiet, "Storing signatures".into(), "");
    for i in &images {
        super::events_log::image(engine, &i.record.id, i.names.first().map_or("", |n| n.as_str()), "save");
    }
    Ok(())
}

/// Loads every image of an archive (or folder); returns them with their names.
pub fn load(engine: &Engine, req: LoadRequest) -> Result<Vec<Loaded>> {
    let max = crate::config::settings::max_layer_size()?;
    if let Some(url) = req.input.as_deref().and_then(|p| p.to_str()).filter(|p| sangja_image::archive::fetch::is_url(p)) {
        let ar = open_url(engine, url, max)?;
        return load_from(engine, &ar, None, req.quiet);
    }
    let (ar, _) = ArchiveReader::open(req.input.as_deref(), req.stdin, &engine.paths.tmp_dir(), max)?;
    load_from(engine, &ar, None, req.quiet)
}

/// The archive at an http(s) URL: its body streams through a pipe into the
/// reader's spool, as stdin's would. A failed download is the error told,
/// rather than the truncated archive it leaves.
fn open_url(engine: &Engine, url: &str, max: u64) -> Result<ArchiveReader> {
    use sangja_image::archive::fetch;
    let runtime = super::images::registry_runtime()?;
    let res = runtime.block_on(fetch::open(url))?;
    let (r, w) = nix::unistd::pipe2(nix::fcntl::OFlag::O_CLOEXEC).map_err(|e| Error::Internal(format!("pipe: {e}")))?;
    let tmp = engine.paths.tmp_dir();
    std::thread::scope(|scope| {
        let rt = &runtime;
        let download = scope.spawn(move || rt.block_on(fetch::copy_body(url, res, File::from(w))));
        let opened = ArchiveReader::open(None, Some(File::from(r)), &tmp, max);
        let fetched = download.join().map_err(|_| Error::Internal(format!("the download of {url} stopped")))?;
        match (opened, fetched) {
            (Ok((ar, _)), Ok(_)) => Ok(ar),
            // The reader gave up first (a bad or oversized archive): its error says why.
            (Err(e), Err(Error::Internal(_))) => Err(e),
            (_, Err(e)) => Err(e),
            (Err(e), Ok(_)) => Err(e),
        }
    })
}

fn load_from(engine: &Engine, ar: &ArchiveReader, select: Option<&str>, quiet: bool) -> Result<Vec<Loaded>> {
    let opts = LoadOptions { squash_owners: engine.identity.rootless && !engine.identity.has_subids, select: select.map(str::to_string) };
    progress(engine, quiet, "Getting image source signatures".into(), "");
    let events = |ev: LoadEvent| match ev {
        LoadEvent::Blob { digest, .. } => progress(engine, quiet, format!("Copying blob {digest}"), &digest),
        LoadEvent::Config { digest } => progress(engine, quiet, format!("Copying config {digest}"), &digest),
        LoadEvent::Stored { .. } => progress(engine, quiet, "Writing manifest to image destination".into(), ""),
    };
    let loaded = image_load::load(&engine.paths, ar, &opts, &events)?;
    for l in &loaded {
        super::events_log::image(engine, &l.id, l.names.first().map_or("", |n| n.as_str()), "load");
    }
    Ok(loaded)
}

/// Brings the image a transport names into the store (pull and run of
/// docker-archive:, oci-archive:, oci:, dir:); returns its record.
pub fn pull_transport(engine: &Engine, t: &Transport, quiet: bool) -> Result<ImageRecord> {
    let (path, select) = match t {
        Transport::DockerArchive { path, reference }
        | Transport::OciArchive { path, reference }
        | Transport::OciDir { path, reference } => (path, reference.as_deref()),
        Transport::Dir { path } => (path, None),
    };
    let max = crate::config::settings::max_layer_size()?;
    let (ar, _) = ArchiveReader::open(Some(path.as_path()), None, &engine.paths.tmp_dir(), max)?;
    let loaded = load_from(engine, &ar, select, quiet)?;
    let Some(first) = loaded.first() else { return Err(Error::Invalid(format!("{}: no image loaded", path.display()))) };
    if loaded.len() > 1 && select.is_none() {
        return Err(Error::Invalid(format!(
            "{}: the archive holds {} images: name one as {}:PATH:NAME",
            path.display(),
            loaded.len(),
            t.scheme()
        )));
    }
    ImageStore::new(&engine.paths).get(&first.id)?.ok_or_else(|| Error::ImageNotFound(first.id.clone()))
}
