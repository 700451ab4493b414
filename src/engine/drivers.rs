//! What the store's driver (paths.rs: overlay, fuse-overlay, vfs) means for
//! a container: how its rootfs is made at create, how it is mounted at
//! start, and what the layer tools read and compare.

use super::run::lower_dirs;
use super::Engine;
use crate::container::record::Container;
use crate::error::{Error, IoContext, Result};
use crate::image::store::{ImageRecord, ImageStore};
use crate::runtime::Rootfs;
use crate::storage::layers::LayerStore;
use crate::storage::vfs;
use std::path::PathBuf;

/// The store's driver.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Driver {
    /// Kernel overlayfs.
    Overlay,
    /// Our FUSE overlay (storage::fuse).
    Fuse,
    /// Full copies, no mount.
    Vfs,
}

/// The driver of the engine's store.
pub fn driver(engine: &Engine) -> Driver {
    match engine.paths.driver.as_str() {
        "fuse-overlay" => Driver::Fuse,
        "vfs" => Driver::Vfs,
        _ => Driver::Overlay,
    }
}

/// The image's pristine copy (vfs), made on first use (storage/vfs.rs says why).
pub fn pristine(engine: &Engine, image: &ImageRecord) -> Result<PathBuf> {
    pristine_of(engine, &image.id, &lower_dirs(&LayerStore::new(&engine.paths), image))
}

/// `pristine` of image `id` whose layer folders are `lower`, top first.
pub fn pristine_of(engine: &Engine, id: &str, lower: &[PathBuf]) -> Result<PathBuf> {
    let dest = vfs::pristine_dir(&engine.paths, id);
    if dest.is_dir() {
        return Ok(dest);
    }
    let parent = dest.parent().map(PathBuf::from).unwrap_or_default();
    std::fs::create_dir_all(&parent).path_ctx("create", &parent)?;
    let _guard = crate::lock::exclusive(&parent.join(format!("{id}.lock")))?;
    if dest.is_dir() {
        return Ok(dest);
    }
    let layers: Vec<PathBuf> = lower.iter().rev().cloned().collect();
    vfs::build(&engine.paths, &layers, &dest)?;
    sweep_pristine(engine, &parent);
    Ok(dest)
}

/// Removes the pristine copies of images no longer in the store (rmi
/// knows nothing of them). Best effort: a leftover only costs disk.
fn sweep_pristine(engine: &Engine, dir: &std::path::Path) {
    let store = ImageStore::new(&engine.paths);
    for name in crate::paths::entry_names(dir).unwrap_or_default() {
        if name.ends_with(".lock") || !matches!(store.get(&name), Ok(None)) {
            continue;
        }
        let Ok(_guard) = crate::lock::try_exclusive(&dir.join(format!("{name}.lock"))) else { continue };
        if let Ok(aside) = crate::paths::make_temp_dir(&engine.paths.tmp_dir(), "rm-vfs") {
            if std::fs::rename(dir.join(&name), aside.join("tree")).is_ok() {
                let _ = crate::storage::remove_tree(&aside);
                let _ = std::fs::remove_file(dir.join(format!("{name}.lock")));
            } else {
                let _ = std::fs::remove_dir(&aside);
            }
        }
    }
}

/// At create: a vfs container gets its own full copy of the image, built
/// under a temp name and renamed to its rootfs folder when whole. The other
/// drivers need nothing beyond the folders the store made.
pub fn prepare(engine: &Engine, image: &ImageRecord, c: &Container) -> Result<()> {
    if driver(engine) != Driver::Vfs {
        return Ok(());
    }
    let source = pristine(engine, image)?;
    let rootfs = c.rootfs_dir();
    // The empty mount point the store made: an unfinished copy must leave no rootfs at all.
    match std::fs::remove_dir(&rootfs) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e).path_ctx("replace", &rootfs),
        _ => {}
    }
    vfs::build(&engine.paths, &[source.clone()], &rootfs)?;
    if let Some(dir) = source.parent() {
        sweep_pristine(engine, dir);
    }
    Ok(())
}

/// The rootfs to start a container with.
pub fn rootfs(engine: &Engine, image: &ImageRecord, c: &Container) -> Result<Rootfs> {
    let lower = lower_dirs(&LayerStore::new(&engine.paths), image);
    let userxattr = engine.identity.rootless;
    Ok(match driver(engine) {
        Driver::Overlay => Rootfs::Overlay { lower, upper: c.upper_dir(), work: c.work_dir(), userxattr },
        Driver::Fuse => Rootfs::Fuse { lower, upper: c.upper_dir(), userxattr },
        Driver::Vfs => {
            if !c.rootfs_dir().is_dir() {
                return Err(Error::State(format!(
                    "container {} has no rootfs copy (its create was interrupted): remove it with `sangja rm {}`",
                    c.config.name, c.config.name
                )));
            }
            Rootfs::Directory
        }
    })
}
