//! Pulling an image from a registry with oci-client.

use super::reference::Reference;
use super::store::ImageRecord;
use crate::error::Result;
use crate::paths::StorePaths;

/// Options of a pull.
#[derive(Debug, Clone, Default)]
pub struct PullOptions {
    /// `Some(false)`: plain HTTP and no TLS verification.
    pub tls_verify: Option<bool>,
    /// "os/arch[/variant]"; default linux/amd64.
    pub platform: Option<String>,
    /// Extract without owners (rootless without a subuid range).
    pub squash_owners: bool,
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
    let _ = (paths, reference, opts, progress);
    unimplemented!()
}
