//! Builds the OCI runtime Spec (config.json) of a container from the image
//! configuration and the user's options (stub: filled in by the runtime work).

use super::RunOptions;
use crate::error::Result;
use oci_spec::image::ImageConfiguration;
use oci_spec::runtime::Spec;
use std::path::PathBuf;

/// What the spec builder needs to know about where the container lives.
#[derive(Debug, Clone)]
pub struct SpecContext {
    /// Container id (64 hex).
    pub id: String,
    /// Where the rootfs is mounted (spec.root.path).
    pub rootfs: PathBuf,
    /// The container's own folder for generated files (hosts, hostname, resolv.conf).
    pub userdata: PathBuf,
    /// The image's layer folders, top first, to read /etc/passwd and /etc/group for `-u name`.
    pub layer_dirs: Vec<PathBuf>,
    /// True when running rootless (inside sangja's user namespace).
    pub rootless: bool,
}

/// Builds the Spec; writes the generated /etc files into `ctx.userdata`.
pub fn build(image: &ImageConfiguration, opts: &RunOptions, ctx: &SpecContext) -> Result<Spec> {
    let _ = (image, opts, ctx);
    unimplemented!()
}
