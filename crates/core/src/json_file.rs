//! Durable small JSON files: written to a temp name in the same folder,
//! fsynced, renamed into place, and the folder fsynced, so a kill -9 at any
//! instant leaves either the old file or the new one.

use crate::error::{Error, IoContext, Result};
use serde::{de::DeserializeOwned, Serialize};
use std::fs::{self, File};
use std::io::Write;
use std::path::Path;

/// Reads and parses a JSON file; a parse error names the file.
pub fn read<T: DeserializeOwned>(path: &Path) -> Result<T> {
    let data = fs::read(path).path_ctx("read", path)?;
    serde_json::from_slice(&data)
        .map_err(|e| Error::Internal(format!("{} is not valid: {e}; remove it or restore it from a backup", path.display())))
}

/// Reads a JSON file, `None` if it does not exist.
pub fn read_opt<T: DeserializeOwned>(path: &Path) -> Result<Option<T>> {
    match fs::metadata(path) {
        Ok(_) => read(path).map(Some),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::io_path("stat", path, e)),
    }
}

/// Writes `value` as JSON atomically.
pub fn write<T: Serialize>(path: &Path, value: &T) -> Result<()> {
    let data = serde_json::to_vec_pretty(value).map_err(|e| Error::Internal(format!("cannot encode {}: {e}", path.display())))?;
    write_bytes(path, &data)
}

/// Writes `value` as JSON atomically but without fsync: the rename still
/// makes a kill -9 leave the old or the new file, only a power cut may lose
/// the change. For container state, which is rewritten on every start and
/// stop and reconciled from the kernel on every read, four fsyncs would be
/// most of a container's start-up time on a VM disk.
pub fn write_volatile<T: Serialize>(path: &Path, value: &T) -> Result<()> {
    let data = serde_json::to_vec_pretty(value).map_err(|e| Error::Internal(format!("cannot encode {}: {e}", path.display())))?;
    write_inner(path, &data, Sync::None)
}

/// Writes `value` as JSON atomically with the file fsynced before the
/// rename, but not the folder after it: a power cut leaves the old file or
/// the new one, never an empty or half-written one; only the last change
/// may be lost. For container state, reconciled with the kernel on every read.
pub fn write_synced<T: Serialize>(path: &Path, value: &T) -> Result<()> {
    let data = serde_json::to_vec_pretty(value).map_err(|e| Error::Internal(format!("cannot encode {}: {e}", path.display())))?;
    write_inner(path, &data, Sync::File)
}

/// Writes bytes atomically (temp file, fsync, rename, fsync of the folder).
pub fn write_bytes(path: &Path, data: &[u8]) -> Result<()> {
    write_inner(path, data, Sync::All)
}

/// How much of a write reaches the disk before it returns.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Sync {
    None,
    File,
    All,
}

fn write_inner(path: &Path, data: &[u8], sync: Sync) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = dir.join(format!(".tmp-{}-{}", std::process::id(), name));
    let mut f = File::create(&tmp).path_ctx("create", &tmp)?;
    f.write_all(data).path_ctx("write", &tmp)?;
    if sync != Sync::None {
        f.sync_all().path_ctx("fsync", &tmp)?;
    }
    drop(f);
    fs::rename(&tmp, path).path_ctx("rename into place", path)?;
    if sync == Sync::All {
        sync_dir(dir)?;
    }
    Ok(())
}

/// fsyncs a directory so a rename in it is durable.
pub fn sync_dir(dir: &Path) -> Result<()> {
    File::open(dir).and_then(|d| d.sync_all()).path_ctx("fsync", dir)
}
