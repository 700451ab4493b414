//! The vfs driver: no mount at all, every rootfs a full copy.
//!
//! Layers stay in the overlay format all drivers share (whiteouts as 0:0
//! character devices, opaque folders by xattr). An image gets one
//! "pristine" copy, its layers applied in order, kept beside the layers;
//! each container's rootfs is a copy of that. Why a pristine copy rather
//! than walking the layers each time: a container's copy is then one plain
//! tree copy (not N layers with whiteouts), `diff`/`commit` compare two
//! trees (not a tree against a lookup through every layer), and cp/export
//! on an image or volume copy-up get a directory to read. It costs one more
//! copy per image, made on first use. Files are copied with FICLONE where the
//! file system shares extents (btrfs, xfs), else copy_file_range.

use super::tree::{is_opaque, is_whiteout, kind, names, open_dir_at, stat_at};
use crate::error::{Error, IoContext, Result};
use crate::paths::{make_temp_dir, StorePaths};
use nix::errno::Errno;
use nix::fcntl::{openat, AtFlags, OFlag};
use nix::sys::stat::{mkdirat, FileStat, Mode, SFlag};
use nix::unistd::{linkat, mkfifoat, symlinkat};
use std::collections::HashMap;
use std::ffi::{CString, OsStr, OsString};
use std::fs::File;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd};
use std::os::unix::ffi::OsStringExt;
use std::path::{Path, PathBuf};

/// Where an image's pristine copy lives (with `<id>.lock` beside it; rmi
/// removes both, engine/drivers.rs `remove_pristine`).
pub fn pristine_dir(paths: &StorePaths, image_id: &str) -> PathBuf {
    paths.root.join(&paths.driver).join("images").join(image_id)
}

pub use super::tree::OwnerMap;

/// Builds `dest` (which must not exist) from `layers`, bottom first, under a
/// temp name in the store's tmp/ that is renamed into place when whole: a
/// kill -9 leaves either no `dest` or a complete one, and the leftover is swept.
/// Owners are kept, or moved by `owners`.
pub fn build(paths: &StorePaths, layers: &[PathBuf], dest: &Path, owners: Option<OwnerMap>) -> Result<()> {
    let tmp = paths.tmp_dir();
    std::fs::create_dir_all(&tmp).path_ctx("create", &tmp)?;
    // The sweep leaves "layer-*" folders alone while this lock is held.
    let _tmp_lock = crate::lock::shared(&tmp.join(super::layers::TMP_LOCK))?;
    let work = make_temp_dir(&tmp, "layer")?;
    let tree = work.join("tree");
    let r = (|| {
        std::fs::create_dir(&tree).path_ctx("create", &tree)?;
        for l in layers {
            apply_with(l, &tree, owners)?;
        }
        if let Some(parent) = dest.parent() {
            std::fs::create_dir_all(parent).path_ctx("create", parent)?;
        }
        std::fs::rename(&tree, dest).path_ctx("move into place", dest)
    })();
    let _ = super::remove_tree(&work);
    r
}

/// Applies one layer folder onto `target`: its entries replace what is
/// there, its whiteouts remove, its opaque folders first empty theirs.
/// Owners, modes, times, xattrs and hard links are kept.
pub fn apply(layer: &Path, target: &Path) -> Result<()> {
    apply_with(layer, target, None)
}

fn apply_with(layer: &Path, target: &Path, owners: Option<OwnerMap>) -> Result<()> {
    let src = super::tree::open_dir(layer)?;
    let dst = super::tree::open_dir(target)?;
    let mut links = HashMap::new();
    let mut a = Apply { links: &mut links, shown: layer, owners };
    a.dir(src.as_fd(), dst.as_fd(), Path::new(""), 0)?;
    // The root folder's own metadata comes from the top-most layer.
    let st = nix::sys::stat::fstat(src.as_fd()).path_ctx("inspect", layer)?;
    meta(dst.as_fd(), OsStr::new("."), &st, false, owners, layer)?;
    xattrs(src.as_fd(), OsStr::new("."), dst.as_fd(), OsStr::new("."), layer)
}

struct Apply<'a> {
    links: &'a mut HashMap<(u64, u64), (OwnedFd, OsString)>,
    shown: &'a Path,
    owners: Option<OwnerMap<'a>>,
}

/// The path of `name` under an open folder, for the few calls that take
/// only paths (l*xattr, removal of a tree): the magic link is the folder
/// itself, so no symlink on the way is followed.
fn fd_path(dir: BorrowedFd, name: &OsStr) -> PathBuf {
    let mut p = PathBuf::from(format!("/proc/self/fd/{}", dir.as_raw_fd()));
    if name != "." {
        p.push(name);
    }
    p
}

fn remove_at(dir: BorrowedFd, name: &OsStr) -> Result<()> {
    super::remove_tree(&fd_path(dir, name))
}

impl Apply<'_> {
    fn dir(&mut self, src: BorrowedFd, dst: BorrowedFd, rel: &Path, depth: usize) -> Result<()> {
        if depth > 4096 {
            return Err(Error::Layer(format!("{}: folders nested too deep to copy", self.shown.join(rel).display())));
        }
        for name in names(src, &self.shown.join(rel))? {
            self.entry(src, dst, &name, &rel.join(&name), depth)?;
        }
        Ok(())
    }

    fn entry(&mut self, src: BorrowedFd, dst: BorrowedFd, name: &OsStr, rel: &Path, depth: usize) -> Result<()> {
        let shown = self.shown.join(rel);
        let st = stat_at(src, name).path_ctx("inspect", &shown)?;
        let existing = stat_at(dst, name).ok();
        if is_whiteout(&st) {
            return if existing.is_some() { remove_at(dst, name) } else { Ok(()) };
        }
        let k = kind(&st);
        if k == SFlag::S_IFDIR {
            let s = open_dir_at(src, name).path_ctx("open", &shown)?;
            match existing.map(|e| kind(&e)) {
                Some(SFlag::S_IFDIR) if is_opaque(s.as_fd()) => {
                    let d = open_dir_at(dst, name).path_ctx("open", &shown)?;
                    for n in names(d.as_fd(), &shown)? {
                        remove_at(d.as_fd(), &n)?;
                    }
                }
                Some(SFlag::S_IFDIR) => {}
                Some(_) => {
                    remove_at(dst, name)?;
                    mkdirat(dst, name, Mode::from_bits_truncate(0o700)).path_ctx("create", &shown)?;
                }
                None => mkdirat(dst, name, Mode::from_bits_truncate(0o700)).path_ctx("create", &shown)?,
            }
            let d = open_dir_at(dst, name).path_ctx("open", &shown)?;
            self.dir(s.as_fd(), d.as_fd(), rel, depth + 1)?;
            // After the children: writing them changed the folder's mtime.
            meta(dst, name, &st, false, self.owners, &shown)?;
            return xattrs(src, name, dst, name, &shown);
        }
        if existing.is_some() {
            remove_at(dst, name)?;
        }
        if st.st_nlink > 1 {
            if let Some((d, n)) = self.links.get(&(st.st_dev, st.st_ino)) {
                return linkat(d, n.as_os_str(), dst, name, AtFlags::empty()).path_ctx("link", &shown);
            }
        }
        match k {
            SFlag::S_IFREG => copy_file(src, name, dst, &shown)?,
            SFlag::S_IFLNK => {
                let target = nix::fcntl::readlinkat(src, name).path_ctx("read the link", &shown)?;
                symlinkat(target.as_os_str(), dst, name).path_ctx("create the link", &shown)?;
            }
            SFlag::S_IFIFO => mkfifoat(dst, name, Mode::from_bits_truncate(0o600)).path_ctx("create", &shown)?,
            SFlag::S_IFCHR | SFlag::S_IFBLK => nix::sys::stat::mknodat(dst, name, k, Mode::from_bits_truncate(0o600), st.st_rdev)
                .path_ctx("create the device node", &shown)?,
            // A socket is a live endpoint, not content.
            _ => return Ok(()),
        }
        if st.st_nlink > 1 {
            if let Ok(d) = nix::unistd::dup(dst) {
                self.links.insert((st.st_dev, st.st_ino), (d, name.to_os_string()));
            }
        }
        let symlink = k == SFlag::S_IFLNK;
        meta(dst, name, &st, symlink, self.owners, &shown)?;
        xattrs(src, name, dst, name, &shown)
    }
}

/// FICLONE where the file system shares extents, else copy_file_range
/// (std::io::copy uses it between files).
fn copy_file(src: BorrowedFd, name: &OsStr, dst: BorrowedFd, shown: &Path) -> Result<()> {
    let s = openat(src, name, OFlag::O_RDONLY | OFlag::O_NOFOLLOW | OFlag::O_CLOEXEC, Mode::empty()).path_ctx("open", shown)?;
    let flags = OFlag::O_WRONLY | OFlag::O_CREAT | OFlag::O_EXCL | OFlag::O_NOFOLLOW | OFlag::O_CLOEXEC;
    let d = openat(dst, name, flags, Mode::from_bits_truncate(0o600)).path_ctx("create", shown)?;
    const FICLONE: libc::c_ulong = 0x4004_9409;
    // SAFETY: an ioctl on two fds we own, with the source fd as its argument.
    if unsafe { libc::ioctl(d.as_raw_fd(), FICLONE, s.as_raw_fd()) } == 0 {
        return Ok(());
    }
    let (mut s, mut d) = (File::from(s), File::from(d));
    std::io::copy(&mut s, &mut d).path_ctx("copy", shown)?;
    Ok(())
}

/// Owner (kept or moved), mode and times of a copied entry, as tree.rs sets them.
fn meta(dir: BorrowedFd, name: &OsStr, st: &FileStat, symlink: bool, owners: Option<OwnerMap>, shown: &Path) -> Result<()> {
    let o = match owners {
        Some(f) => {
            let (u, g) = f(st.st_uid, st.st_gid);
            super::tree::Owners::Set(u, g)
        }
        None => super::tree::Owners::Keep,
    };
    super::tree::apply_meta(dir, name, st, o, symlink, shown)
}

/// Copies the extended attributes, except overlay's own (whiteout and
/// opaque markers mean nothing in a plain tree).
fn xattrs(src: BorrowedFd, sname: &OsStr, dst: BorrowedFd, dname: &OsStr, shown: &Path) -> Result<()> {
    let dp = CString::new(fd_path(dst, dname).into_os_string().into_vec()).map_err(|_| nul(shown))?;
    for (key, value) in super::xattrs::list(src, sname) {
        let ck = CString::new(key).map_err(|_| nul(shown))?;
        // SAFETY: the path and key are C strings; the value slice is live.
        let r = unsafe { libc::lsetxattr(dp.as_ptr(), ck.as_ptr(), value.as_ptr().cast(), value.len(), 0) };
        if r != 0 {
            match Errno::last() {
                // trusted.* and some security.* need the host's root: a copy
                // without them beats no copy (the same as tar extraction).
                Errno::EPERM | Errno::ENOTSUP => {}
                e => return Err(e).path_ctx("set an xattr of", shown),
            }
        }
    }
    Ok(())
}

fn nul(shown: &Path) -> Error {
    Error::Layer(format!("{}: a name holds a NUL byte", shown.display()))
}

/// One difference of a rootfs from its image: 'A' added, 'C' changed, 'D' deleted.
pub type Change = (char, PathBuf);

/// The changes of `rootfs` against `image` (both plain trees), sorted by
/// path, as overlay's upper layer would show them: a folder is 'C' when its
/// own metadata changed (adding to it changes its mtime), what a new folder
/// holds is 'A', a deleted folder is one 'D'. A rootfs copied with
/// `owners` (build) is compared with the image's owners moved the same way.
pub fn changes(image: &Path, rootfs: &Path, owners: Option<OwnerMap>) -> Result<Vec<Change>> {
    let img = super::tree::open_dir(image)?;
    let ctr = super::tree::open_dir(rootfs)?;
    let mut out = Vec::new();
    compare(Some(img.as_fd()), ctr.as_fd(), Path::new(""), rootfs, &mut out, owners, 0)?;
    out.sort_by(|a, b| a.1.cmp(&b.1));
    Ok(out)
}

fn compare(
    img: Option<BorrowedFd>,
    ctr: BorrowedFd,
    rel: &Path,
    shown: &Path,
    out: &mut Vec<Change>,
    owners: Option<OwnerMap>,
    depth: usize,
) -> Result<()> {
    if depth > 4096 {
        return Ok(());
    }
    let ctr_names = names(ctr, &shown.join(rel))?;
    if let Some(img) = img {
        for n in names(img, &shown.join(rel))? {
            if ctr_names.binary_search(&n).is_err() {
                out.push(('D', rel.join(&n)));
            }
        }
    }
    for n in ctr_names {
        let r = rel.join(&n);
        let cs = stat_at(ctr, &n).path_ctx("inspect", &shown.join(&r))?;
        let is = img.and_then(|i| stat_at(i, &n).ok());
        let same_kind = is.as_ref().is_some_and(|s| kind(s) == kind(&cs));
        let changed = match &is {
            None => {
                out.push(('A', r.clone()));
                false
            }
            Some(s) => !same_kind || differs(img, ctr, &n, s, &cs, owners),
        };
        if changed {
            out.push(('C', r.clone()));
        }
        if kind(&cs) == SFlag::S_IFDIR {
            let cd = open_dir_at(ctr, &n).path_ctx("open", &shown.join(&r))?;
            let id = match (img, same_kind) {
                (Some(i), true) => open_dir_at(i, &n).ok(),
                _ => None,
            };
            compare(id.as_ref().map(|d| d.as_fd()), cd.as_fd(), &r, shown, out, owners, depth + 1)?;
        }
    }
    Ok(())
}

/// What a copy keeps and a change alters: mode, owner (as the copy moved
/// it), mtime, size, device, link target.
fn differs(img: Option<BorrowedFd>, ctr: BorrowedFd, name: &OsStr, a: &FileStat, b: &FileStat, owners: Option<OwnerMap>) -> bool {
    let (u, g) = owners.map_or((a.st_uid, a.st_gid), |f| f(a.st_uid, a.st_gid));
    if a.st_mode != b.st_mode
        || u != b.st_uid
        || g != b.st_gid
        || a.st_mtime != b.st_mtime
        || a.st_mtime_nsec != b.st_mtime_nsec
        || a.st_rdev != b.st_rdev
    {
        return true;
    }
    match kind(a) {
        SFlag::S_IFDIR => false,
        SFlag::S_IFLNK => {
            let t = |d: BorrowedFd| nix::fcntl::readlinkat(d, name).ok();
            img.and_then(t) != t(ctr)
        }
        _ => a.st_size != b.st_size,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::MetadataExt;

    fn setxattr(p: &Path, k: &std::ffi::CStr, v: &[u8]) -> bool {
        let c = CString::new(p.as_os_str().as_encoded_bytes()).unwrap();
        // SAFETY: C strings and a buffer with its length.
        unsafe { libc::lsetxattr(c.as_ptr(), k.as_ptr(), v.as_ptr().cast(), v.len(), 0) == 0 }
    }

    #[test]
    fn layers_apply_with_whiteouts_opaque_dirs_and_links_then_compare() {
        let t = make_temp_dir(&std::env::temp_dir(), "sangja-vfs-test").unwrap();
        let (l1, l2) = (t.join("l1"), t.join("l2"));
        std::fs::create_dir_all(l1.join("a")).unwrap();
        std::fs::create_dir_all(l1.join("b")).unwrap();
        std::fs::write(l1.join("a/f1"), "one").unwrap();
        std::fs::write(l1.join("a/f2"), "two").unwrap();
        std::fs::hard_link(l1.join("a/f2"), l1.join("a/f2link")).unwrap();
        std::fs::write(l1.join("b/x"), "x").unwrap();
        std::fs::write(l1.join("c"), "file").unwrap();
        std::fs::create_dir_all(l2.join("a")).unwrap();
        std::fs::create_dir_all(l2.join("b")).unwrap();
        std::fs::create_dir_all(l2.join("c")).unwrap();
        std::fs::write(l2.join("b/y"), "y").unwrap();
        std::fs::write(l2.join("c/z"), "z").unwrap();
        // A whiteout (0:0 char device) and an opaque folder need root or a
        // recent kernel in a user namespace; skip those parts otherwise.
        let wh = nix::sys::stat::mknod(&l2.join("a/f1"), SFlag::S_IFCHR, Mode::from_bits_truncate(0o600), 0).is_ok();
        let opq = setxattr(&l2.join("b"), c"trusted.overlay.opaque", b"y");
        let img = t.join("img");
        std::fs::create_dir(&img).unwrap();
        apply(&l1, &img).unwrap();
        apply(&l2, &img).unwrap();
        assert_eq!(!img.join("a/f1").exists(), wh);
        assert_eq!(std::fs::read_to_string(img.join("a/f2")).unwrap(), "two");
        assert_eq!(std::fs::metadata(img.join("a/f2")).unwrap().ino(), std::fs::metadata(img.join("a/f2link")).unwrap().ino());
        assert_eq!(!img.join("b/x").exists(), opq);
        assert_eq!(std::fs::read_to_string(img.join("b/y")).unwrap(), "y");
        assert_eq!(std::fs::read_to_string(img.join("c/z")).unwrap(), "z");
        assert_eq!(std::fs::metadata(img.join("a/f2")).unwrap().mtime_nsec(), std::fs::metadata(l1.join("a/f2")).unwrap().mtime_nsec());

        let ctr = t.join("ctr");
        std::fs::create_dir(&ctr).unwrap();
        apply(&img, &ctr).unwrap();
        assert!(changes(&img, &ctr, None).unwrap().is_empty(), "a fresh copy has no changes");
        std::fs::write(ctr.join("a/f2"), "changed!").unwrap();
        std::fs::remove_dir_all(ctr.join("c")).unwrap();
        std::fs::create_dir(ctr.join("n")).unwrap();
        std::fs::write(ctr.join("n/new"), "").unwrap();
        let got = changes(&img, &ctr, None).unwrap();
        let want: Vec<Change> =
            vec![('C', "a/f2".into()), ('C', "a/f2link".into()), ('D', "c".into()), ('A', "n".into()), ('A', "n/new".into())];
        assert_eq!(got, want);
        super::super::remove_tree(&t).unwrap();
    }

    #[test]
    fn a_copy_with_moved_owners_compares_equal_through_the_map() {
        // chown to other ids needs root (the unit tests run as root in CI).
        if !nix::unistd::geteuid().is_root() {
            return;
        }
        let t = make_temp_dir(&std::env::temp_dir(), "sangja-vfs-test").unwrap();
        let img = t.join("img");
        std::fs::create_dir_all(img.join("d")).unwrap();
        std::fs::write(img.join("d/f"), "f").unwrap();
        std::os::unix::fs::lchown(img.join("d/f"), Some(5), Some(6)).unwrap();
        std::os::unix::fs::symlink("f", img.join("d/l")).unwrap();
        let ctr = t.join("ctr");
        std::fs::create_dir(&ctr).unwrap();
        let moved = |u: u32, g: u32| (u + 1000, g + 2000);
        apply_with(&img, &ctr, Some(&moved)).unwrap();
        let m = |p: &str| std::fs::symlink_metadata(ctr.join(p)).map(|m| (m.uid(), m.gid())).unwrap();
        assert_eq!(m("d/f"), (1005, 2006));
        assert_eq!(m("d/l"), (1000, 2000));
        assert_eq!(m("."), (1000, 2000));
        assert!(changes(&img, &ctr, Some(&moved)).unwrap().is_empty());
        // Without the map every entry's owner differs.
        assert_eq!(changes(&img, &ctr, None).unwrap().len(), 3);
        super::super::remove_tree(&t).unwrap();
    }
}
