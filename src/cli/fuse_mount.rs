//! `sangja __fuse-mount` (hidden, for tests and tests/bench/fuse.sh): mounts
//! layers with our FUSE overlay (or, with --kernel, kernel overlay for
//! comparison; with --vfs, the vfs driver's copy) and runs a command inside
//! (engine/fuse_mount.rs); exits with the command's status.

use crate::engine::fuse_mount::{self as engine_fuse, FuseMountRequest, Merge};
use crate::error::{Error, Result};
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct FuseMountArgs {
    /// Mount kernel overlay instead, with this (empty) work folder beside UPPER.
    #[arg(long, value_name = "WORKDIR")]
    pub kernel: Option<PathBuf>,
    /// The vfs driver instead: apply the layers into UPPER (empty) and bind-mount it.
    #[arg(long, conflicts_with = "kernel")]
    pub vfs: bool,
    /// Lower layers, top-most first, separated by ':'.
    pub lower: String,
    /// The writable layer.
    pub upper: PathBuf,
    /// Where to mount the merged tree.
    pub mountpoint: PathBuf,
    /// The command to run while mounted.
    #[arg(last = true, required = true)]
    pub command: Vec<String>,
}

pub fn fuse_mount(a: &FuseMountArgs) -> Result<i32> {
    let lower: Vec<PathBuf> = a.lower.split(':').filter(|s| !s.is_empty()).map(PathBuf::from).collect();
    if lower.is_empty() {
        return Err(Error::Invalid("__fuse-mount needs at least one lower layer".into()));
    }
    let merge = match (&a.kernel, a.vfs) {
        (_, true) => Merge::Vfs,
        (Some(work), false) => Merge::Kernel { work: work.clone() },
        (None, false) => Merge::Fuse,
    };
    let req = FuseMountRequest { lower, upper: a.upper.clone(), mountpoint: a.mountpoint.clone(), merge, command: a.command.clone() };
    let out = engine_fuse::fuse_mount(&req)?;
    for w in &out.warnings {
        eprintln!("Error: {w}");
    }
    Ok(out.exit_code)
}
