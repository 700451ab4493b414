//! Content-addressed layer store (stub: API only, filled in by the storage work).

use crate::error::Result;
use crate::paths::StorePaths;
use serde::{Deserialize, Serialize};
use std::io::Read;
use std::path::{Path, PathBuf};

/// Metadata kept beside each extracted layer in layers/<hex>/layer.json.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct LayerInfo {
    /// Digest of the blob as the registry serves it (compressed), "sha256:<hex>".
    pub digest: String,
    /// Digest of the uncompressed tar (the image config's rootfs.diff_ids entry).
    pub diff_id: String,
    /// Size of the compressed blob in bytes.
    pub compressed_size: u64,
    /// Total bytes of regular file content in the layer.
    pub size: u64,
}

/// How to extract a layer.
#[derive(Debug, Clone, Default)]
pub struct ExtractOptions {
    /// Ignore owners in the tar (everything owned by root): rootless without a subuid range.
    pub squash_owners: bool,
    /// The store is rootless: opaque dirs use user.overlay.opaque, device nodes are skipped.
    pub rootless: bool,
}

/// The layer store of one `StorePaths`.
pub struct LayerStore<'a> {
    pub paths: &'a StorePaths,
}

impl<'a> LayerStore<'a> {
    pub fn new(paths: &'a StorePaths) -> Self {
        LayerStore { paths }
    }
    /// The folder used as an overlay lowerdir for a layer.
    pub fn diff_dir(&self, digest: &str) -> PathBuf {
        let hex = digest.split_once(':').map(|(_, h)| h).unwrap_or(digest);
        self.paths.layers_dir().join(hex).join("diff")
    }
    /// Whether a layer is present and whole.
    pub fn has(&self, digest: &str) -> bool {
        let _ = digest;
        unimplemented!()
    }
    /// Reads a present layer's metadata.
    pub fn info(&self, digest: &str) -> Result<LayerInfo> {
        let _ = digest;
        unimplemented!()
    }
    /// Streams a compressed blob into a new layer: verifies `digest` over the
    /// raw bytes and `diff_id` (if given) over the decompressed tar, and
    /// publishes the layer by rename only when whole and verified.
    pub fn add_from_blob<R: Read>(&self, digest: &str, diff_id: Option<&str>, blob: R, opts: &ExtractOptions) -> Result<LayerInfo> {
        let _ = (digest, diff_id, blob, opts);
        unimplemented!()
    }
    /// Removes a layer (used by rmi when no image needs it any more).
    pub fn remove(&self, digest: &str) -> Result<()> {
        let _ = digest;
        unimplemented!()
    }
    /// Removes leftovers of interrupted work in the temp folder.
    pub fn sweep(&self) -> Result<()> {
        unimplemented!()
    }
}

/// Extracts an uncompressed tar stream into `target`, converting OCI
/// whiteouts to overlay whiteouts and refusing entries that escape `target`.
pub fn extract_tar<R: Read>(reader: R, target: &Path, opts: &ExtractOptions) -> Result<u64> {
    let _ = (reader, target, opts);
    unimplemented!()
}
