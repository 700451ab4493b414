//! What sangja knows of the compressed blobs of a layer: for each diff_id,
//! the digests it was pushed (or pulled) as, their compression and size, and
//! the repositories known to hold them. A push of a layer whose blob is
//! known does a HEAD (or a cross-repository mount) and sends nothing.
//! A cache: one small file per diff_id under blob-info/, lost entries only
//! cost an upload.

use super::push::LayerCompression;
use crate::paths::StorePaths;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// Entries kept per layer, newest first.
const MAX_ENTRIES: usize = 8;
/// Locations kept per blob.
const MAX_LOCATIONS: usize = 16;

/// One known blob of a layer.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct BlobInfo {
    /// "sha256:..." of the compressed blob.
    pub digest: String,
    /// Its size in bytes.
    pub size: u64,
    /// How it is compressed.
    pub compression: LayerCompression,
    /// "registry/repository" known to hold it.
    pub locations: Vec<String>,
}

fn file(paths: &StorePaths, diff_id: &str) -> Option<PathBuf> {
    let hex = diff_id.strip_prefix("sha256:")?;
    if hex.len() != 64 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    Some(paths.root.join("blob-info").join(format!("{hex}.json")))
}

/// The known blobs of the layer `diff_id` (none on any trouble: it is a cache).
pub fn lookup(paths: &StorePaths, diff_id: &str) -> Vec<BlobInfo> {
    file(paths, diff_id).and_then(|p| crate::json_file::read_opt::<Vec<BlobInfo>>(&p).ok().flatten()).unwrap_or_default()
}

/// Records that `info` holds the layer `diff_id` (merging locations); best effort.
pub fn remember(paths: &StorePaths, diff_id: &str, info: BlobInfo) {
    let Some(path) = file(paths, diff_id) else { return };
    let mut all = lookup(paths, diff_id);
    let mut entry = match all.iter().position(|b| b.digest == info.digest) {
        Some(i) => all.remove(i),
        None => BlobInfo { locations: Vec::new(), ..info.clone() },
    };
    for l in info.locations.iter().rev() {
        entry.locations.retain(|x| x != l);
        entry.locations.insert(0, l.clone());
    }
    entry.locations.truncate(MAX_LOCATIONS);
    all.insert(0, entry);
    all.truncate(MAX_ENTRIES);
    if let Some(dir) = path.parent() {
        if std::fs::create_dir_all(dir).is_err() {
            return;
        }
    }
    let _ = crate::json_file::write_volatile(&path, &all);
}
