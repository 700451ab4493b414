//! Image records: images/<id>.json, one per image.

use crate::error::Result;
use crate::paths::StorePaths;
use serde::{Deserialize, Serialize};

/// One image in the store.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ImageRecord {
    /// Image id: hex of the config blob's sha256 (as podman).
    pub id: String,
    /// Fully qualified names ("127.0.0.1:5000/busybox:latest").
    pub names: Vec<String>,
    /// Digest of the manifest pulled.
    pub digest: String,
    /// Layer blob digests, bottom first.
    pub layers: Vec<String>,
    /// The image configuration (Env, Cmd, Entrypoint, WorkingDir, User...).
    pub config: oci_spec::image::ImageConfiguration,
    /// Creation time from the config, RFC 3339.
    pub created: Option<String>,
    /// Sum of the layers' uncompressed sizes.
    pub size: u64,
}

/// The image records of one store.
pub struct ImageStore<'a> {
    pub paths: &'a StorePaths,
}

impl<'a> ImageStore<'a> {
    pub fn new(paths: &'a StorePaths) -> Self {
        ImageStore { paths }
    }
    /// All images, newest first.
    pub fn list(&self) -> Result<Vec<ImageRecord>> {
        unimplemented!()
    }
    /// Finds an image by full or short name, or by (a prefix of) its id.
    pub fn lookup(&self, name_or_id: &str) -> Result<ImageRecord> {
        let _ = name_or_id;
        unimplemented!()
    }
    /// Saves a record; names it takes are removed from other images.
    pub fn save(&self, record: &ImageRecord) -> Result<()> {
        let _ = record;
        unimplemented!()
    }
    /// Deletes an image record and the layers no other image uses.
    pub fn remove(&self, id: &str) -> Result<()> {
        let _ = id;
        unimplemented!()
    }
}
