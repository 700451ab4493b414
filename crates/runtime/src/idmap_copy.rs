//! Layers seen through another id mapping, where no idmapped mount can do it
//! (see userns.rs): a copy of each layer with its owners moved by the
//! mapping, made once per (layer, mapping), kept beside the layer as
//! `diff.idmap-KEY` (so it goes when the layer goes) and reused after.
//!
//! A file owned by id k of the runtime's namespace (the image's id k, as the
//! store keeps it) is owned in the copy by the outer id of container id k, so
//! the container sees it as k again. Files whose owner does not move are
//! hard links to the layer's, not copies.

use crate::error::{Error, Result};
use oci_spec::runtime::LinuxIdMapping;
use std::collections::HashMap;
use std::ffi::CString;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// One direction of a user namespace's map: (container id, outer id, count).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdMap(pub Vec<(u32, u32, u32)>);

impl IdMap {
    pub fn from_spec(list: &[LinuxIdMapping]) -> IdMap {
        IdMap(list.iter().map(|m| (m.container_id(), m.host_id(), m.size())).collect())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The outer id of container id `id`; ids the map leaves out keep theirs.
    pub fn outer(&self, id: u32) -> u32 {
        for &(c, h, n) in &self.0 {
            if id >= c && (id - c) < n {
                return h + (id - c);
            }
        }
        id
    }

    /// The container id of outer id `id` (the inverse of `outer`): what a
    /// file the container wrote, owned on disk by `id`, is owned by inside it.
    /// Ids the map leaves out keep theirs, as in `outer`.
    pub fn inner(&self, id: u32) -> u32 {
        for &(c, h, n) in &self.0 {
            if id >= h && (id - h) < n {
                return c + (id - h);
            }
        }
        id
    }

    /// True when every id keeps its number: no copy is needed.
    pub fn is_identity(&self) -> bool {
        self.0.iter().all(|&(c, h, _)| c == h)
    }

    /// The text for /proc/PID/uid_map.
    pub fn proc_text(&self) -> String {
        self.0.iter().map(|(c, h, n)| format!("{c} {h} {n}\n")).collect()
    }
}

/// FNV-1a: a stable key (across builds, unlike std's hasher) for the folder name.
fn key(uids: &IdMap, gids: &IdMap) -> String {
    let text = format!("u{}g{}", uids.proc_text(), gids.proc_text());
    let mut h: u64 = 0xcbf29ce484222325;
    for b in text.bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x100000001b3);
    }
    format!("{h:016x}")
}

/// The layer folders as the mapping needs them (copies made where missing,
/// each told to `notes` first).
pub(super) fn remap_layers(lower: &[PathBuf], uids: &IdMap, gids: &IdMap, notes: &mut dyn FnMut(super::Notice)) -> Result<Vec<PathBuf>> {
    if uids.is_identity() && gids.is_identity() {
        return Ok(lower.to_vec());
    }
    let k = key(uids, gids);
    lower.iter().map(|l| remapped(l, &k, uids, gids, notes)).collect()
}

fn sibling(layer: &Path, suffix: &str) -> PathBuf {
    let mut name = layer.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(suffix);
    layer.with_file_name(name)
}

fn remapped(layer: &Path, key: &str, uids: &IdMap, gids: &IdMap, notes: &mut dyn FnMut(super::Notice)) -> Result<PathBuf> {
    let done = sibling(layer, &format!(".idmap-{key}"));
    if done.is_dir() {
        return Ok(done);
    }
    let _lock = crate::lock::exclusive(&sibling(layer, &format!(".idmap-{key}.lock")))?;
    if done.is_dir() {
        return Ok(done);
    }
    let tmp = sibling(layer, &format!(".idmap-{key}.tmp"));
    // Left by an interrupted copy: we hold the lock, nobody else writes it.
    if tmp.exists() {
        std::fs::remove_dir_all(&tmp).map_err(|e| io_err("remove the unfinished copy", &tmp, e))?;
    }
    notes(super::Notice::IdmapCopy { layer: short(layer) });
    let mut links = HashMap::new();
    let map = Owners { uids: uids.clone(), gids: gids.clone() };
    copy_dir(layer, &tmp, &map, &mut links)?;
    // Whole on disk before it is given its final name.
    if let Ok(f) = std::fs::File::open(&tmp) {
        // SAFETY: syncfs on a descriptor we own.
        unsafe { libc::syncfs(std::os::fd::AsRawFd::as_raw_fd(&f)) };
    }
    std::fs::rename(&tmp, &done).map_err(|e| io_err("rename the copy", &done, e))?;
    Ok(done)
}

fn short(layer: &Path) -> String {
    let name = layer.parent().and_then(|p| p.file_name()).unwrap_or_default().to_string_lossy().to_string();
    name.chars().take(12).collect()
}

fn io_err(what: &str, path: &Path, e: std::io::Error) -> Error {
    Error::Runtime(format!("{what} {}: {e}", path.display()))
}

/// Owners moved by a container's mapping (also vfs's container copy and
/// commit, engine/drivers.rs): the file of image id k gets the outer id of
/// container id k, and back.
#[derive(Debug, Clone)]
pub struct Owners {
    pub uids: IdMap,
    pub gids: IdMap,
}

impl Owners {
    /// The owner in the copy of a file owned by `uid`:`gid` in the store.
    pub fn ids(&self, uid: u32, gid: u32) -> (u32, u32) {
        (self.uids.outer(uid), self.gids.outer(gid))
    }

    /// The inverse of `ids`: the owner the container sees of a file owned
    /// `uid`:`gid` on disk (its upper layer or vfs copy), as commit, export
    /// and cp out write it (engine/rootview.rs `owners_back`).
    pub fn back(&self, uid: u32, gid: u32) -> (u32, u32) {
        (self.uids.inner(uid), self.gids.inner(gid))
    }

    /// `ids` as a closure, for the storage walkers' owner hooks.
    pub fn to_disk(&self) -> impl Fn(u32, u32) -> (u32, u32) + '_ {
        |u, g| self.ids(u, g)
    }

    /// `back` as a closure, for the storage walkers' owner hooks.
    pub fn to_container(&self) -> impl Fn(u32, u32) -> (u32, u32) + '_ {
        |u, g| self.back(u, g)
    }

    fn of(&self, m: &std::fs::Metadata) -> (u32, u32) {
        self.ids(m.uid(), m.gid())
    }
}

fn copy_dir(src: &Path, dst: &Path, map: &Owners, links: &mut HashMap<(u64, u64), PathBuf>) -> Result<()> {
    let meta = std::fs::symlink_metadata(src).map_err(|e| io_err("read", src, e))?;
    std::fs::create_dir(dst).map_err(|e| io_err("create", dst, e))?;
    let entries = std::fs::read_dir(src).map_err(|e| io_err("read", src, e))?;
    for entry in entries {
        let entry = entry.map_err(|e| io_err("read", src, e))?;
        let (from, to) = (entry.path(), dst.join(entry.file_name()));
        let m = std::fs::symlink_metadata(&from).map_err(|e| io_err("read", &from, e))?;
        let ft = m.file_type();
        if ft.is_dir() {
            copy_dir(&from, &to, map, links)?;
            continue;
        }
        if ft.is_file() {
            if let Some(first) = links.get(&(m.dev(), m.ino())) {
                std::fs::hard_link(first, &to).map_err(|e| io_err("link", &to, e))?;
                continue;
            }
            if map.of(&m) == (m.uid(), m.gid()) {
                // Same owner either way: share the inode.
                std::fs::hard_link(&from, &to).map_err(|e| io_err("link", &to, e))?;
            } else {
                std::fs::copy(&from, &to).map_err(|e| io_err("copy", &from, e))?;
                finish(&from, &to, &m, map)?;
            }
            if m.nlink() > 1 {
                links.insert((m.dev(), m.ino()), to);
            }
        } else if ft.is_symlink() {
            let target = std::fs::read_link(&from).map_err(|e| io_err("read", &from, e))?;
            std::os::unix::fs::symlink(&target, &to).map_err(|e| io_err("create", &to, e))?;
            finish(&from, &to, &m, map)?;
        } else {
            // Whiteouts (0:0 character devices), fifos, sockets, devices.
            let c = cpath(&to)?;
            // SAFETY: a NUL-terminated path.
            let r = unsafe { libc::mknod(c.as_ptr(), m.mode(), m.rdev()) };
            if r != 0 && !(ft.is_socket()) {
                return Err(io_err("create", &to, std::io::Error::last_os_error()));
            }
            if r == 0 {
                finish(&from, &to, &m, map)?;
            }
        }
    }
    finish(src, dst, &meta, map)
}

fn cpath(p: &Path) -> Result<CString> {
    CString::new(p.as_os_str().as_bytes()).map_err(|_| Error::Runtime(format!("path {} has a NUL byte", p.display())))
}

/// Owner, then mode (chown clears set-id bits), xattrs and times.
fn finish(src: &Path, dst: &Path, m: &std::fs::Metadata, map: &Owners) -> Result<()> {
    let (u, g) = map.of(m);
    std::os::unix::fs::lchown(dst, Some(u), Some(g)).map_err(|e| io_err("chown", dst, e))?;
    let symlink = m.file_type().is_symlink();
    if !symlink {
        std::fs::set_permissions(dst, std::fs::Permissions::from_mode(m.mode() & 0o7777)).map_err(|e| io_err("chmod", dst, e))?;
    }
    copy_xattrs(src, dst)?;
    let times = [nix::sys::time::TimeSpec::new(m.atime(), m.atime_nsec()), nix::sys::time::TimeSpec::new(m.mtime(), m.mtime_nsec())];
    nix::sys::stat::utimensat(nix::fcntl::AT_FDCWD, dst, &times[0], &times[1], nix::sys::stat::UtimensatFlags::NoFollowSymlink)
        .map_err(|e| Error::Runtime(format!("set the times of {}: {}", dst.display(), e.desc())))
}

/// Every xattr; those overlayfs reads (whiteouts, opaque folders) must come
/// along, others (security.*) are best effort as a user may not set them.
fn copy_xattrs(src: &Path, dst: &Path) -> Result<()> {
    let (s, d) = (cpath(src)?, cpath(dst)?);
    let mut names = vec![0u8; 4096];
    // SAFETY: a buffer with its length.
    let n = unsafe { libc::llistxattr(s.as_ptr(), names.as_mut_ptr().cast(), names.len()) };
    if n <= 0 {
        return Ok(());
    }
    names.truncate(n as usize);
    for name in names.split(|b| *b == 0).filter(|n| !n.is_empty()) {
        let Ok(cname) = CString::new(name) else { continue };
        let mut value = vec![0u8; 65536];
        // SAFETY: as above.
        let len = unsafe { libc::lgetxattr(s.as_ptr(), cname.as_ptr(), value.as_mut_ptr().cast(), value.len()) };
        if len < 0 {
            continue;
        }
        // SAFETY: as above.
        let r = unsafe { libc::lsetxattr(d.as_ptr(), cname.as_ptr(), value.as_ptr().cast(), len as usize, 0) };
        if r != 0 && name.windows(8).any(|w| w == b"overlay.") {
            return Err(io_err(&format!("copy the xattr {}", String::from_utf8_lossy(name)), dst, std::io::Error::last_os_error()));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outer_ids_follow_the_map() {
        // keep-id for uid 1001 in a namespace of 65537 ids.
        let m = IdMap(vec![(0, 1, 1001), (1001, 0, 1), (1002, 1002, 64535)]);
        assert_eq!(m.outer(0), 1);
        assert_eq!(m.outer(1000), 1001);
        assert_eq!(m.outer(1001), 0);
        assert_eq!(m.outer(1002), 1002);
        assert_eq!(m.outer(70000), 70000);
        for id in [0, 1, 1000, 1001, 1002, 70000] {
            assert_eq!(m.inner(m.outer(id)), id);
        }
        assert!(!m.is_identity());
        assert!(IdMap(vec![(0, 0, 10)]).is_identity());
        assert_eq!(m.proc_text(), "0 1 1001\n1001 0 1\n1002 1002 64535\n");
        assert_ne!(key(&m, &m), key(&IdMap(vec![(0, 0, 10)]), &m));
    }
}
