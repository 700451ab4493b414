//! `volume export|import|mount|unmount`: a volume's content as a tar, and
//! its mountpoint. Run inside the store's user namespace (rootless: the
//! files belong to the user's subordinate ids, as the containers wrote them).

use crate::error::{Error, IoContext, Result};
use crate::Engine;
use sangja_storage::volumes::VolumeStore;
use std::io::{Read, Write};
use std::path::PathBuf;

/// `volume export VOL`: a tar of the volume's content (entries relative to
/// its root, as podman's) written to `out`.
pub fn export(engine: &Engine, name: &str, out: &mut dyn Write) -> Result<()> {
    let store = VolumeStore::new(&engine.paths);
    store.lookup(name)?;
    let dir = store.data_dir(name);
    let mut b = tar::Builder::new(out);
    b.follow_symlinks(false);
    let mut entries: Vec<_> = std::fs::read_dir(&dir).path_ctx("read", &dir)?.filter_map(|e| e.ok()).collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let path = e.path();
        let rel = PathBuf::from(e.file_name());
        let is_dir = e.file_type().map(|t| t.is_dir()).unwrap_or(false);
        let r = if is_dir { b.append_dir_all(&rel, &path) } else { b.append_path_with_name(&path, &rel) };
        r.map_err(|e| Error::Invalid(format!("export volume {name}: {}: {e}", path.display())))?;
    }
    b.finish().map_err(|e| Error::Invalid(format!("export volume {name}: {e}")))
}

/// `volume import VOL`: unpacks a tar into the volume (over what is there).
/// Entries that would land outside it (`..`, absolute paths, through
/// symlinks) are refused by the unpacker.
pub fn import(engine: &Engine, name: &str, input: &mut dyn Read) -> Result<()> {
    let store = VolumeStore::new(&engine.paths);
    store.lookup(name)?;
    let dir = store.data_dir(name);
    let mut a = tar::Archive::new(input);
    a.set_preserve_permissions(true);
    a.set_preserve_ownerships(true);
    a.set_overwrite(true);
    a.set_unpack_xattrs(false);
    for entry in a.entries().map_err(|e| Error::Invalid(format!("import into volume {name}: not a tar archive: {e}")))? {
        let mut entry = entry.map_err(|e| Error::Invalid(format!("import into volume {name}: a bad tar entry: {e}")))?;
        let unpacked = entry.unpack_in(&dir).map_err(|e| Error::Invalid(format!("import into volume {name}: {e}")))?;
        if !unpacked {
            let p = entry.path().map(|p| p.display().to_string()).unwrap_or_default();
            return Err(Error::Invalid(format!("import into volume {name}: entry {p:?} would be written outside the volume")));
        }
    }
    Ok(())
}

/// `volume mount VOL`: its mountpoint. A local volume is a folder: nothing
/// to mount, as podman's (which prints the same path).
pub fn mount(engine: &Engine, name: &str) -> Result<PathBuf> {
    // As podman: rootless, the content is the user namespace's (its ids).
    super::mounts::check_unshared(engine, "volume mount")?;
    let store = VolumeStore::new(&engine.paths);
    let v = store.lookup(name)?;
    if let Some(t) = v.mount_type() {
        return Err(Error::Invalid(format!(
            "volume {name} is mounted as {t} when a container uses it (-o type={t}); it has no folder of its own to mount"
        )));
    }
    Ok(store.data_dir(name))
}

/// `volume unmount VOL`: nothing to undo for a local volume; checks it exists.
pub fn unmount(engine: &Engine, name: &str) -> Result<()> {
    super::mounts::check_unshared(engine, "volume unmount")?;
    VolumeStore::new(&engine.paths).lookup(name).map(drop)
}
