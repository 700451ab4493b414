//! What the store's driver (paths.rs: overlay, fuse-overlay, vfs) means for
//! a container: how its rootfs is made at create, how it is mounted at
//! start, and what the layer tools read and compare.

use super::run::lower_dirs;
use super::Engine;
use crate::error::{Error, IoContext, Result};
use crate::lock::Lock;
use crate::paths::StorePaths;
use oci_spec::runtime::{LinuxNamespaceType, Spec};
use sangja_container::record::Container;
use sangja_image::store::{ImageRecord, ImageStore};
use sangja_runtime::idmap_copy::{IdMap, Owners};
use sangja_runtime::Rootfs;
use sangja_storage::layers::LayerStore;
use sangja_storage::vfs;
use std::path::{Path, PathBuf};

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
    let _guard = image_lock(&parent, id, true)?;
    // A copy is finished when it has its name (vfs::build renames it into
    // place whole; removal renames it away first).
    if dest.is_dir() {
        return Ok(dest);
    }
    let layers: Vec<PathBuf> = lower.iter().rev().cloned().collect();
    vfs::build(&engine.paths, &layers, &dest, None)?;
    sweep_pristine(engine, &parent);
    Ok(dest)
}

/// `pristine`, held (a shared lock) until the guard drops: image removal
/// waits for a container copy made from it to end.
fn pristine_in_use(engine: &Engine, image: &ImageRecord) -> Result<(PathBuf, Lock)> {
    let lower = lower_dirs(&LayerStore::new(&engine.paths), image);
    // An rmi between the build and the lock removes it again; build again
    // (a removed image's layers are gone too: that build fails and says so).
    for _ in 0..3 {
        let dest = pristine_of(engine, &image.id, &lower)?;
        let parent = dest.parent().map(PathBuf::from).unwrap_or_default();
        let guard = image_lock(&parent, &image.id, false)?;
        if dest.is_dir() {
            return Ok((dest, guard));
        }
    }
    Err(Error::State(format!(
        "the copy of image {} was removed while a container was made from it (a concurrent rmi?): try again",
        &image.id[..image.id.len().min(12)]
    )))
}

/// The lock of image `id`'s pristine copy in `dir`: exclusive to build or
/// remove it, shared to copy from it. Removal unlinks the lock file, so a
/// lock won on a file no longer at its path is retried.
fn image_lock(dir: &Path, id: &str, exclusive: bool) -> Result<Lock> {
    let path = dir.join(format!("{id}.lock"));
    loop {
        let l = if exclusive { crate::lock::exclusive(&path)? } else { crate::lock::shared(&path)? };
        if l.is_at(&path) {
            return Ok(l);
        }
    }
}

/// Removes image `id`'s pristine copy (vfs) and its lock file, at rmi.
/// With `wait`, waits for a build of it or a container copy from it to end;
/// without, leaves a copy in use to a later sweep. Crash-safe: the copy is
/// renamed into tmp/ (whose rm-* folders the store sweep removes) before it
/// is deleted, so its own name never shows a half-removed tree.
pub fn remove_pristine(paths: &StorePaths, id: &str, wait: bool) -> Result<()> {
    let dest = vfs::pristine_dir(paths, id);
    let Some(dir) = dest.parent() else { return Ok(()) };
    if !dir.is_dir() {
        return Ok(());
    }
    let lock_path = dir.join(format!("{id}.lock"));
    let _guard = if wait {
        image_lock(dir, id, true)?
    } else {
        match crate::lock::try_exclusive(&lock_path)? {
            Some(l) if l.is_at(&lock_path) => l,
            _ => return Ok(()),
        }
    };
    if dest.symlink_metadata().is_ok() {
        let tmp = paths.tmp_dir();
        std::fs::create_dir_all(&tmp).path_ctx("create", &tmp)?;
        let aside = crate::paths::make_temp_dir(&tmp, "rm-vfs")?;
        if let Err(e) = std::fs::rename(&dest, aside.join("tree")) {
            let _ = std::fs::remove_dir(&aside);
            return Err(Error::io_path("move aside", &dest, e));
        }
        sangja_storage::remove_tree(&aside)?;
    }
    // Unlinked while held: a waiter then finds its file gone and retries (image_lock).
    match std::fs::remove_file(&lock_path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(Error::io_path("remove", &lock_path, e)),
        _ => Ok(()),
    }
}

/// Removes the pristine copies (and lock files) of images no longer in the
/// store: those an rmi killed before it got to them. Best effort: a
/// leftover only costs disk; a copy in use is left for the next sweep.
fn sweep_pristine(engine: &Engine, dir: &Path) {
    let store = ImageStore::new(&engine.paths);
    let mut ids: Vec<String> =
        crate::paths::entry_names(dir).unwrap_or_default().into_iter().map(|n| n.trim_end_matches(".lock").to_string()).collect();
    ids.sort();
    ids.dedup();
    for id in ids {
        // Only a well-formed image id becomes a path to delete.
        if id.len() == 64 && id.bytes().all(|b| b.is_ascii_hexdigit()) && matches!(store.get(&id), Ok(None)) {
            let _ = remove_pristine(&engine.paths, &id, false);
        }
    }
}

/// At create: a vfs container gets its own full copy of the image, built
/// under a temp name and renamed to its rootfs folder when whole. The other
/// drivers need nothing beyond the folders the store made. A container with
/// an id mapping of its own (`spec`'s user namespace: keep-id, --uidmap)
/// gets its copy with the owners that mapping shows as the image's, as the
/// overlay drivers' per-mapping layer copies have them (runtime/idmap_copy.rs):
/// the copy is made anyway, so the chown costs no second pass.
pub fn prepare(engine: &Engine, image: &ImageRecord, c: &Container, spec: &Spec) -> Result<()> {
    if driver(engine) != Driver::Vfs {
        return Ok(());
    }
    let maps = container_maps(spec);
    let moved = maps.as_ref().map(Owners::to_disk);
    let (source, in_use) = pristine_in_use(engine, image)?;
    let rootfs = c.rootfs_dir();
    // The empty mount point the store made: an unfinished copy must leave no rootfs at all.
    match std::fs::remove_dir(&rootfs) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e).path_ctx("replace", &rootfs),
        _ => {}
    }
    vfs::build(&engine.paths, std::slice::from_ref(&source), &rootfs, moved.as_ref().map(|f| f as vfs::OwnerMap))?;
    drop(in_use);
    if let Some(dir) = source.parent() {
        sweep_pristine(engine, dir);
    }
    Ok(())
}

/// The uid and gid maps of the user namespace `spec` asks the runtime to make
/// (relative to the runtime's: sangja's rootless, the host's as root); None
/// without one or when it moves no id.
fn container_maps(spec: &Spec) -> Option<Owners> {
    let linux = spec.linux().as_ref()?;
    let own = linux.namespaces().as_ref()?.iter().any(|n| n.typ() == LinuxNamespaceType::User && n.path().is_none());
    if !own {
        return None;
    }
    let uids = IdMap::from_spec(linux.uid_mappings().as_deref().unwrap_or(&[]));
    let gids = IdMap::from_spec(linux.gid_mappings().as_deref().unwrap_or(&[]));
    if uids.is_empty() || gids.is_empty() || (uids.is_identity() && gids.is_identity()) {
        return None;
    }
    Some(Owners { uids, gids })
}

/// The changes of vfs container `c`'s rootfs against its image's pristine
/// copy, the owners compared through the container's own mapping (its copy
/// was made with them moved: `prepare`), so an untouched file is no change.
pub fn rootfs_changes(c: &Container, pristine: &Path) -> Result<Vec<vfs::Change>> {
    let maps = owners_of(c);
    let moved = maps.as_ref().map(Owners::to_disk);
    vfs::changes(pristine, &c.rootfs_dir(), moved.as_ref().map(|f| f as vfs::OwnerMap))
}

/// The id mapping of container `c`'s own user namespace (keep-id,
/// --uidmap; from its spec), None when it has none that moves an id. Its
/// upper layer (or vfs copy) holds the owners as that mapping writes them:
/// `Owners::back` turns them into the ids the container sees, as commit
/// writes them.
pub fn owners_of(c: &Container) -> Option<Owners> {
    let spec: Option<Spec> = crate::json_file::read(&c.dir.join("spec.json")).ok();
    spec.as_ref().and_then(container_maps)
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
