//! `image mount` / `image unmount`: an image's files as a read-only overlay
//! of its layers under the run dir (`RUNROOT/image-mounts/<id>/merged`).
//! Rootless, as container `mount` (mounts.rs), only inside `sangja unshare`:
//! a mount made elsewhere would vanish with the command's mount namespace.

use super::Engine;
use crate::error::{Error, IoContext, Result};
use sangja_image::store::{ImageRecord, ImageStore};
use sangja_storage::layers::LayerStore;
use serde::Serialize;
use std::path::{Path, PathBuf};

/// A mounted image.
#[derive(Debug, Clone, Serialize)]
pub struct MountedImage {
    pub id: String,
    pub names: Vec<String>,
    pub path: PathBuf,
}

fn dir(engine: &Engine, id: &str) -> PathBuf {
    engine.paths.runroot.join("image-mounts").join(id)
}

/// `RUNROOT/image-mounts`, made (or made again) private to its owner: an
/// image's files are for the user who mounted it (podman keeps them under a
/// 0700 folder too), whatever the run dir's own mode.
fn private_base(engine: &Engine) -> Result<()> {
    use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
    let base = engine.paths.runroot.join("image-mounts");
    std::fs::create_dir_all(&engine.paths.runroot).path_ctx("create", &engine.paths.runroot)?;
    match std::fs::DirBuilder::new().mode(0o700).create(&base) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
        Err(e) => return Err(e).path_ctx("create", &base),
    }
    let meta = std::fs::symlink_metadata(&base).path_ctx("inspect", &base)?;
    if !meta.is_dir() {
        return Err(Error::State(format!("{} is not a folder: remove it", base.display())));
    }
    if meta.permissions().mode() & 0o077 != 0 {
        std::fs::set_permissions(&base, std::fs::Permissions::from_mode(0o700)).path_ctx("make private", &base)?;
    }
    Ok(())
}

fn target(engine: &Engine, id: &str) -> PathBuf {
    dir(engine, id).join("merged")
}

fn is_mounted(path: &Path) -> bool {
    let text = std::fs::read_to_string("/proc/self/mountinfo").unwrap_or_default();
    let p = path.to_string_lossy();
    text.lines().any(|l| l.split(' ').nth(4) == Some(p.as_ref()))
}

/// The images mounted in this mount namespace.
pub fn mounted(engine: &Engine) -> Result<Vec<MountedImage>> {
    let mut out = Vec::new();
    for img in ImageStore::new(&engine.paths).list()? {
        let t = target(engine, &img.id);
        if is_mounted(&t) {
            out.push(MountedImage { id: img.id.clone(), names: img.names.clone(), path: t });
        }
    }
    Ok(out)
}

fn overlay_path(s: &mut String, p: &Path) -> Result<()> {
    let t = p.to_str().ok_or_else(|| Error::Layer(format!("{} is not UTF-8: cannot name it to overlayfs", p.display())))?;
    if t.contains([',', ':', '\\']) {
        return Err(Error::Layer(format!("{t} contains ',', ':' or '\\', which overlayfs options cannot hold: use another --root")));
    }
    s.push_str(t);
    Ok(())
}

/// Mounts `name`'s image read-only; returns it (already mounted is fine).
pub fn mount(engine: &Engine, name: &str) -> Result<MountedImage> {
    super::mounts::check_unshared(engine, "image mount")?;
    let img = ImageStore::new(&engine.paths).lookup(name)?;
    if super::manifest::is_list(&img) {
        return Err(Error::Invalid(format!("{name} is a manifest list, which has no files to mount: mount one of its images")));
    }
    let t = target(engine, &img.id);
    if is_mounted(&t) {
        return Ok(MountedImage { id: img.id.clone(), names: img.names.clone(), path: t });
    }
    private_base(engine)?;
    std::fs::create_dir_all(&t).path_ctx("create", &t)?;
    // Read-only, and no set-uid file or device node of an image takes effect through it.
    let ro = nix::mount::MsFlags::MS_RDONLY | nix::mount::MsFlags::MS_NOSUID | nix::mount::MsFlags::MS_NODEV;
    if super::drivers::driver(engine) == super::drivers::Driver::Vfs {
        // vfs keeps one pristine copy per image: bind it, then make the bind read-only.
        let src = super::drivers::pristine(engine, &img)?;
        let bind = nix::mount::MsFlags::MS_BIND;
        nix::mount::mount(Some(&src), &t, None::<&str>, bind, None::<&str>)
            .map_err(|e| Error::Runtime(format!("bind {} at {}: {}", src.display(), t.display(), e.desc())))?;
        nix::mount::mount(None::<&str>, &t, None::<&str>, bind | nix::mount::MsFlags::MS_REMOUNT | ro, None::<&str>)
            .map_err(|e| Error::Runtime(format!("make {} read-only: {}", t.display(), e.desc())))?;
    } else {
        let data = options(engine, &img)?;
        nix::mount::mount(Some("overlay"), &t, Some("overlay"), ro, Some(data.as_str()))
            .map_err(|e| Error::Runtime(format!("mount image {} read-only at {}: {}", &img.id[..12], t.display(), e.desc())))?;
    }
    Ok(MountedImage { id: img.id.clone(), names: img.names.clone(), path: t })
}

/// The overlay options: every layer, top first, over an empty folder, so
/// that even a one-layer image has the two lower layers overlayfs needs
/// without an upper one (which is what makes it read-only).
fn options(engine: &Engine, img: &ImageRecord) -> Result<String> {
    let layers = LayerStore::new(&engine.paths);
    let empty = dir(engine, &img.id).join("empty");
    std::fs::create_dir_all(&empty).path_ctx("create", &empty)?;
    let mut s = String::from("lowerdir=");
    for d in img.layers.iter().rev() {
        overlay_path(&mut s, &layers.diff_dir(d))?;
        s.push(':');
    }
    overlay_path(&mut s, &empty)?;
    if engine.identity.rootless {
        s.push_str(",userxattr");
    }
    if s.len() >= 4096 {
        return Err(Error::Layer(format!(
            "the overlay options for the {} layers of image {} are over the kernel's limit of one page: use a shorter --root",
            img.layers.len(),
            &img.id[..12]
        )));
    }
    Ok(s)
}

/// Unmounts image `id` if it is mounted here (rmi does, as podman's rmi):
/// returns whether it was.
pub fn release(engine: &Engine, id: &str) -> Result<bool> {
    let t = target(engine, id);
    if !is_mounted(&t) {
        return Ok(false);
    }
    nix::mount::umount2(&t, nix::mount::MntFlags::empty()).map_err(|e| {
        Error::InUse(format!(
            "image {} is mounted at {} and the mount is busy ({}): leave the shells and programs inside it, then remove the image",
            &id[..12.min(id.len())],
            t.display(),
            e.desc()
        ))
    })?;
    let _ = std::fs::remove_dir_all(dir(engine, id));
    Ok(true)
}

/// Unmounts the images named (or all with `all`); returns the ids of those
/// that were mounted. An image that is not mounted is not an error.
pub fn unmount(engine: &Engine, names: &[String], all: bool) -> Result<Vec<String>> {
    super::mounts::check_unshared(engine, "image unmount")?;
    let store = ImageStore::new(&engine.paths);
    let images: Vec<ImageRecord> = if all { store.list()? } else { names.iter().map(|n| store.lookup(n)).collect::<Result<_>>()? };
    let mut out = Vec::new();
    for img in images {
        let t = target(engine, &img.id);
        if !is_mounted(&t) {
            continue;
        }
        nix::mount::umount2(&t, nix::mount::MntFlags::empty())
            .map_err(|e| Error::Runtime(format!("unmount {}: {} (is a shell still inside it?)", t.display(), e.desc())))?;
        let _ = std::fs::remove_dir_all(dir(engine, &img.id));
        out.push(img.id);
    }
    Ok(out)
}
