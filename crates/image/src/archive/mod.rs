//! Image archives: `save` (docker-archive, oci-archive, oci-dir, docker-dir,
//! as podman writes them) and `load` (every format podman reads, plain or
//! compressed), and the archive transports of pull/run/create.

pub mod fetch;
pub mod load;
pub mod reader;
pub mod save;
mod tarw;
pub mod transport;

use crate::error::Result;
use crate::paths::StorePaths;
use crate::storage::layers::LayerInfo;
use serde::Serialize;

/// Media types of manifests, configs and layers.
pub mod media {
    pub const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
    pub const OCI_INDEX: &str = "application/vnd.oci.image.index.v1+json";
    pub const OCI_CONFIG: &str = "application/vnd.oci.image.config.v1+json";
    pub const OCI_LAYER: &str = "application/vnd.oci.image.layer.v1.tar";
    pub const OCI_LAYER_GZIP: &str = "application/vnd.oci.image.layer.v1.tar+gzip";
    pub const DOCKER_MANIFEST: &str = "application/vnd.docker.distribution.manifest.v2+json";
    pub const DOCKER_LIST: &str = "application/vnd.docker.distribution.manifest.list.v2+json";
    pub const DOCKER_CONFIG: &str = "application/vnd.docker.container.image.v1+json";
    pub const DOCKER_LAYER: &str = "application/vnd.docker.image.rootfs.diff.tar";
    pub const DOCKER_LAYER_GZIP: &str = "application/vnd.docker.image.rootfs.diff.tar.gzip";
}

/// The first 12 hex digits of a digest, for messages.
pub fn short(digest: &str) -> &str {
    let hex = digest.strip_prefix("sha256:").unwrap_or(digest);
    hex.get(..12).unwrap_or(hex)
}

/// Writes a small content-addressed blob (config, manifest) unless present.
pub(crate) fn save_blob(paths: &StorePaths, digest: &str, bytes: &[u8]) -> Result<()> {
    let p = paths.blob_path(digest);
    if p.is_file() {
        return Ok(());
    }
    if let Some(dir) = p.parent() {
        std::fs::create_dir_all(dir).map_err(|e| crate::error::Error::io_path("create", dir, e))?;
    }
    crate::json_file::write_bytes(&p, bytes)
}

/// A descriptor in podman's field order.
#[derive(Serialize)]
pub(crate) struct Desc<'a> {
    #[serde(rename = "mediaType")]
    pub media_type: &'a str,
    pub digest: String,
    pub size: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub annotations: Option<std::collections::BTreeMap<String, String>>,
}

/// A Docker schema 2 descriptor (size before digest, as containers/image writes it).
#[derive(Serialize)]
struct DockerDesc<'a> {
    #[serde(rename = "mediaType")]
    media_type: &'a str,
    size: u64,
    digest: String,
}

#[derive(Serialize)]
struct Manifest<D: Serialize> {
    #[serde(rename = "schemaVersion")]
    schema_version: u32,
    #[serde(rename = "mediaType")]
    media_type: &'static str,
    config: D,
    layers: Vec<D>,
}

/// One layer as a manifest lists it.
#[derive(Debug, Clone)]
pub(crate) struct LayerDesc {
    pub digest: String,
    pub size: u64,
    pub compressed: bool,
}

impl LayerDesc {
    /// The layer as the store holds it (compressed when pulled so).
    pub fn stored(i: &LayerInfo) -> LayerDesc {
        LayerDesc { digest: i.digest.clone(), size: i.compressed_size, compressed: i.digest != i.diff_id }
    }
}

/// A compact manifest (OCI or Docker schema 2) and its media type.
pub(crate) fn manifest_for(
    docker: bool,
    config_digest: &str,
    config_size: u64,
    infos: &[LayerInfo],
    descs: Option<&[LayerDesc]>,
) -> (Vec<u8>, String) {
    let stored: Vec<LayerDesc> = infos.iter().map(LayerDesc::stored).collect();
    let descs = descs.unwrap_or(&stored);
    let bytes = if docker {
        let d = |mt, digest: &str, size| DockerDesc { media_type: mt, size, digest: digest.to_string() };
        let m = Manifest {
            schema_version: 2,
            media_type: media::DOCKER_MANIFEST,
            config: d(media::DOCKER_CONFIG, config_digest, config_size),
            layers: descs
                .iter()
                .map(|l| d(if l.compressed { media::DOCKER_LAYER_GZIP } else { media::DOCKER_LAYER }, &l.digest, l.size))
                .collect(),
        };
        serde_json::to_vec(&m)
    } else {
        let d = |mt, digest: &str, size| Desc { media_type: mt, digest: digest.to_string(), size, annotations: None };
        let m = Manifest {
            schema_version: 2,
            media_type: media::OCI_MANIFEST,
            config: d(media::OCI_CONFIG, config_digest, config_size),
            layers: descs
                .iter()
                .map(|l| d(if l.compressed { media::OCI_LAYER_GZIP } else { media::OCI_LAYER }, &l.digest, l.size))
                .collect(),
        };
        serde_json::to_vec(&m)
    };
    (bytes.unwrap_or_default(), if docker { media::DOCKER_MANIFEST } else { media::OCI_MANIFEST }.to_string())
}
