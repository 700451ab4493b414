//! File trees walked through directory fds, never following a symlink:
//! copying a tree (volume copy-up, `cp`) and writing one as a tar stream
//! (`commit`, `export`). Each step opens one name under an fd it already
//! holds with O_NOFOLLOW, so a tree changed underneath us (a running
//! container) can make a copy fail but never lead it out of the tree.

use crate::error::{Error, IoContext, Result};
use nix::dir::Dir;
use nix::errno::Errno;
use nix::fcntl::{openat, AtFlags, OFlag};
use nix::sys::stat::{fchmodat, fstatat, mkdirat, utimensat, FchmodatFlags, FileStat, Mode, SFlag, UtimensatFlags};
use nix::sys::time::TimeSpec;
use nix::unistd::{fchownat, linkat, mkfifoat, symlinkat, unlinkat, Gid, Uid, UnlinkatFlags};
use std::collections::HashMap;
use std::ffi::{OsStr, OsString};
use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd};
use std::os::unix::ffi::OsStringExt;
use std::path::{Path, PathBuf};

/// Who owns what a copy creates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owners {
    /// The source's uid and gid (archive mode).
    Keep,
    /// Everything owned by this uid and gid.
    Set(u32, u32),
    /// Whoever runs the copy (files copied out to the host).
    Caller,
}

/// Moves a file's owner (uid, gid) to another: a container with an id
/// mapping of its own (--userns=keep-id, --uidmap) has its copies made with
/// the owners its mapping shows and its layers written with them undone
/// (engine/drivers.rs, runtime/idmap_copy.rs).
pub type OwnerMap<'a> = &'a dyn Fn(u32, u32) -> (u32, u32);

pub(super) fn kind(st: &FileStat) -> SFlag {
    SFlag::from_bits_truncate(st.st_mode & libc::S_IFMT)
}

pub(super) fn stat_at(dir: BorrowedFd, name: &OsStr) -> nix::Result<FileStat> {
    fstatat(dir, name, AtFlags::AT_SYMLINK_NOFOLLOW)
}

pub(super) fn open_dir_at(dir: BorrowedFd, name: &OsStr) -> nix::Result<OwnedFd> {
    openat(dir, name, OFlag::O_RDONLY | OFlag::O_DIRECTORY | OFlag::O_NOFOLLOW | OFlag::O_CLOEXEC, Mode::empty())
}

/// Opens a directory to walk (the root of a copy or an archive).
pub fn open_dir(path: &Path) -> Result<OwnedFd> {
    nix::fcntl::open(path, OFlag::O_RDONLY | OFlag::O_DIRECTORY | OFlag::O_CLOEXEC, Mode::empty()).path_ctx("open", path)
}

/// The names in a directory, sorted (so archives are reproducible).
pub(super) fn names(dir: BorrowedFd, shown: &Path) -> Result<Vec<OsString>> {
    let fd = open_dir_at(dir, OsStr::new(".")).path_ctx("open", shown)?;
    let mut d = Dir::from_fd(fd).path_ctx("read", shown)?;
    let mut out = Vec::new();
    for e in d.iter() {
        let e = e.path_ctx("read", shown)?;
        let n = e.file_name().to_bytes();
        if n != b"." && n != b".." {
            out.push(OsString::from_vec(n.to_vec()));
        }
    }
    out.sort();
    Ok(out)
}

/// Copies `src_name` under `src_dir` to `dst_name` under `dst_dir`, folders
/// recursively; what exists at the destination is replaced (a folder is merged into).
pub fn copy(src_dir: BorrowedFd, src_name: &OsStr, dst_dir: BorrowedFd, dst_name: &OsStr, owners: Owners, shown: &Path) -> Result<()> {
    let mut links = HashMap::new();
    copy_inner(src_dir, src_name, dst_dir, dst_name, owners, shown, &mut links, 0)
}

#[allow(clippy::too_many_arguments)]
fn copy_inner(
    src_dir: BorrowedFd,
    src_name: &OsStr,
    dst_dir: BorrowedFd,
    dst_name: &OsStr,
    owners: Owners,
    shown: &Path,
    links: &mut HashMap<(u64, u64), (OwnedFd, OsString)>,
    depth: usize,
) -> Result<()> {
    if depth > 4096 {
        return Err(Error::Invalid(format!("{}: folders nested too deep to copy", shown.display())));
    }
    let st = stat_at(src_dir, src_name).path_ctx("inspect", shown)?;
    let k = kind(&st);
    let existing = stat_at(dst_dir, dst_name).ok();
    if let Some(e) = &existing {
        if !(k == SFlag::S_IFDIR && kind(e) == SFlag::S_IFDIR) {
            let flag = if kind(e) == SFlag::S_IFDIR { UnlinkatFlags::RemoveDir } else { UnlinkatFlags::NoRemoveDir };
            unlinkat(dst_dir, dst_name, flag).path_ctx("replace", shown)?;
        }
    }
    if k != SFlag::S_IFDIR && st.st_nlink > 1 {
        if let Some((d, n)) = links.get(&(st.st_dev, st.st_ino)) {
            return linkat(d, n.as_os_str(), dst_dir, dst_name, AtFlags::empty()).path_ctx("link", shown);
        }
    }
    match k {
        SFlag::S_IFDIR => {
            if existing.is_none() {
                mkdirat(dst_dir, dst_name, Mode::from_bits_truncate(0o700)).path_ctx("create", shown)?;
            }
            let s = open_dir_at(src_dir, src_name).path_ctx("open", shown)?;
            let d = open_dir_at(dst_dir, dst_name).path_ctx("open", shown)?;
            for n in names(s.as_fd(), shown)? {
                copy_inner(s.as_fd(), &n, d.as_fd(), &n, owners, &shown.join(&n), links, depth + 1)?;
            }
        }
        SFlag::S_IFREG => {
            let s =
                openat(src_dir, src_name, OFlag::O_RDONLY | OFlag::O_NOFOLLOW | OFlag::O_CLOEXEC, Mode::empty()).path_ctx("open", shown)?;
            let flags = OFlag::O_WRONLY | OFlag::O_CREAT | OFlag::O_EXCL | OFlag::O_NOFOLLOW | OFlag::O_CLOEXEC;
            let d = openat(dst_dir, dst_name, flags, Mode::from_bits_truncate(0o600)).path_ctx("create", shown)?;
            let (mut s, mut d) = (File::from(s), File::from(d));
            std::io::copy(&mut s, &mut d).path_ctx("copy", shown)?;
        }
        SFlag::S_IFLNK => {
            let target = nix::fcntl::readlinkat(src_dir, src_name).path_ctx("read the link", shown)?;
            symlinkat(target.as_os_str(), dst_dir, dst_name).path_ctx("create the link", shown)?;
        }
        SFlag::S_IFIFO => mkfifoat(dst_dir, dst_name, Mode::from_bits_truncate(0o600)).path_ctx("create", shown)?,
        SFlag::S_IFCHR | SFlag::S_IFBLK => nix::sys::stat::mknodat(dst_dir, dst_name, k, Mode::from_bits_truncate(0o600), st.st_rdev)
            .path_ctx("create the device node", shown)?,
        // A socket is a live endpoint, not content: nothing to copy.
        _ => return Ok(()),
    }
    if k != SFlag::S_IFDIR && st.st_nlink > 1 {
        if let Ok(d) = nix::unistd::dup(dst_dir) {
            links.insert((st.st_dev, st.st_ino), (d, dst_name.to_os_string()));
        }
    }
    apply_meta(dst_dir, dst_name, &st, owners, k == SFlag::S_IFLNK, shown)
}

/// Removes `name` under `dir` (a folder with all it holds) with every step
/// taken from a directory fd, one name at a time, never following a
/// symlink: a tree changed underneath (a running container's, `cp -
/// CTR:DIR`) can make it fail but never lead it elsewhere, as a path walked
/// again could. Folders the caller owns but may not read, write or search
/// (a layer's 0555 folders, rootless) are opened up first.
pub fn remove_at(dir: BorrowedFd, name: &OsStr, shown: &Path) -> Result<()> {
    remove_inner(dir, name, shown, 0)
}

fn remove_inner(dir: BorrowedFd, name: &OsStr, shown: &Path, depth: usize) -> Result<()> {
    if depth > 4096 {
        return Err(Error::Invalid(format!("{}: folders nested too deep to remove", shown.display())));
    }
    match unlinkat(dir, name, UnlinkatFlags::NoRemoveDir) {
        Ok(()) | Err(Errno::ENOENT) => return Ok(()),
        // Linux says EISDIR for a folder.
        Err(Errno::EISDIR) | Err(Errno::EPERM) => {}
        Err(e) => return Err(e).path_ctx("remove", shown),
    }
    let sub = match open_dir_at(dir, name) {
        Ok(fd) => fd,
        Err(Errno::EACCES) => {
            open_up(dir, name).path_ctx("open up", shown)?;
            open_dir_at(dir, name).path_ctx("open", shown)?
        }
        Err(Errno::ENOENT) => return Ok(()),
        Err(e) => return Err(e).path_ctx("open", shown),
    };
    let st = nix::sys::stat::fstat(&sub).path_ctx("inspect", shown)?;
    if st.st_mode & 0o700 != 0o700 {
        // Best effort: what cannot be opened up shows in the removal's error.
        let _ = nix::sys::stat::fchmod(&sub, Mode::from_bits_truncate((st.st_mode | 0o700) & 0o7777));
    }
    for n in names(sub.as_fd(), shown)? {
        remove_inner(sub.as_fd(), &n, &shown.join(&n), depth + 1)?;
    }
    match unlinkat(dir, name, UnlinkatFlags::RemoveDir) {
        Ok(()) | Err(Errno::ENOENT) => Ok(()),
        Err(e) => Err(e).path_ctx("remove", shown),
    }
}

/// Gives the owner rwx on the folder `name` under `dir` that it may not
/// open: through an O_PATH fd of it (/proc/self/fd/N names that very
/// inode), since fchmodat would follow a symlink swapped in.
fn open_up(dir: BorrowedFd, name: &OsStr) -> nix::Result<()> {
    let fd = openat(dir, name, OFlag::O_PATH | OFlag::O_NOFOLLOW | OFlag::O_CLOEXEC, Mode::empty())?;
    let st = nix::sys::stat::fstat(&fd)?;
    if kind(&st) != SFlag::S_IFDIR {
        return Err(Errno::ENOTDIR);
    }
    nix::sys::stat::fchmodat(
        nix::fcntl::AT_FDCWD,
        format!("/proc/self/fd/{}", fd.as_raw_fd()).as_str(),
        Mode::from_bits_truncate((st.st_mode | 0o700) & 0o7777),
        FchmodatFlags::FollowSymlink,
    )
}

pub(super) fn apply_meta(dir: BorrowedFd, name: &OsStr, st: &FileStat, owners: Owners, symlink: bool, shown: &Path) -> Result<()> {
    let ids = match owners {
        Owners::Keep => Some((st.st_uid, st.st_gid)),
        Owners::Set(u, g) => Some((u, g)),
        Owners::Caller => None,
    };
    if let Some((u, g)) = ids {
        match fchownat(dir, name, Some(Uid::from_raw(u)), Some(Gid::from_raw(g)), AtFlags::AT_SYMLINK_NOFOLLOW) {
            // An owner our user namespace does not map: keep ours rather than fail the copy.
            Ok(()) | Err(Errno::EINVAL) => {}
            Err(e) => return Err(e).path_ctx("set the owner of", shown),
        }
    }
    if !symlink {
        // After chown, which clears set-id bits. Never following: the name
        // may have been swapped for a symlink out since it was created (a
        // running container), and the mode would go to the link's target.
        fchmodat(dir, name, Mode::from_bits_truncate(st.st_mode & 0o7777), FchmodatFlags::NoFollowSymlink)
            .path_ctx("set the mode of", shown)?;
    }
    let at = TimeSpec::new(st.st_atime, st.st_atime_nsec);
    let mt = TimeSpec::new(st.st_mtime, st.st_mtime_nsec);
    utimensat(dir, name, &at, &mt, UtimensatFlags::NoFollowSymlink).path_ctx("set the times of", shown)
}

/// How overlay whiteouts in a tree are written to a tar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Whiteouts {
    /// An upper layer: 0:0 char devices become `.wh.NAME`, opaque folders get `.wh..wh..opq` (OCI layer format).
    ToOci,
    /// A merged view: there are none.
    None,
}

/// An overlay whiteout: a 0:0 character device.
pub fn is_whiteout(st: &FileStat) -> bool {
    kind(st) == SFlag::S_IFCHR && st.st_rdev == 0
}

/// Whether a folder is opaque (overlay's xattr, trusted.* as root, user.* rootless).
pub fn is_opaque(dir: BorrowedFd) -> bool {
    let mut buf = [0u8; 4];
    for key in [c"trusted.overlay.opaque", c"user.overlay.opaque"] {
        // SAFETY: the buffer and its length are passed together; the key is a C string.
        let n = unsafe { libc::fgetxattr(dir.as_raw_fd(), key.as_ptr(), buf.as_mut_ptr().cast(), buf.len()) };
        if n == 1 && buf[0] == b'y' {
            return true;
        }
    }
    false
}

/// Writes the tree under `root` as a tar stream: entries named relative to
/// it ("etc/passwd"), folders first, names sorted, hard links kept. With
/// `one_fs`, folders of other file systems (mounts) are written empty.
/// Paths in `skip` (relative, "etc/hosts") are left out. Owners are
/// written as `owners` moves them (a container's own id mapping, undone).
pub fn write_tar<W: Write>(
    out: W,
    root: &OwnedFd,
    whiteouts: Whiteouts,
    shown: &Path,
    one_fs: bool,
    skip: &[PathBuf],
    owners: Option<OwnerMap>,
) -> Result<W> {
    let mut b = tar::Builder::new(out);
    b.mode(tar::HeaderMode::Complete);
    let mut links: HashMap<(u64, u64), PathBuf> = HashMap::new();
    let dev = if one_fs { Some(nix::sys::stat::fstat(root.as_fd()).path_ctx("inspect", shown)?.st_dev) } else { None };
    let mut w = TarWalk { whiteouts, shown, links: &mut links, dev, skip, flat: false, owners };
    w.dir(&mut b, root.as_fd(), Path::new(""), 0)?;
    b.into_inner().ctx(|| format!("write the archive of {}", shown.display()))
}

fn header(st: &FileStat, typ: tar::EntryType) -> tar::Header {
    let mut h = tar::Header::new_gnu();
    h.set_entry_type(typ);
    h.set_mode(st.st_mode & 0o7777);
    h.set_uid(st.st_uid as u64);
    h.set_gid(st.st_gid as u64);
    h.set_mtime(st.st_mtime.max(0) as u64);
    h.set_size(0);
    h
}

/// The header of an empty marker file (a whiteout, an opaque folder's
/// .wh..wh..opq): owned by root, no time, so layers stay reproducible.
fn marker_header() -> tar::Header {
    let mut h = tar::Header::new_gnu();
    h.set_entry_type(tar::EntryType::Regular);
    h.set_mode(0o644);
    h.set_size(0);
    h.set_uid(0);
    h.set_gid(0);
    h.set_mtime(0);
    h
}

/// Writes `name` under `parent` (a file, or a folder with what it holds)
/// as a tar stream whose entries start with `name`, as `cp CTR:PATH -` does.
/// Owners are written as `owners` moves them.
pub fn write_tar_entry<W: Write>(out: W, parent: &OwnedFd, name: &OsStr, shown: &Path, owners: Option<OwnerMap>) -> Result<W> {
    let mut b = tar::Builder::new(out);
    b.mode(tar::HeaderMode::Complete);
    let mut links: HashMap<(u64, u64), PathBuf> = HashMap::new();
    let mut w = TarWalk { whiteouts: Whiteouts::None, shown, links: &mut links, dev: None, skip: &[], flat: false, owners };
    w.entry(&mut b, parent.as_fd(), name, Path::new(""), 0)?;
    b.into_inner().ctx(|| format!("write the archive of {}", shown.display()))
}

/// Writes a layer of changes as an OCI tar stream: each path in `changes`
/// (relative, sorted so that folders come before what they hold) as its
/// own entry without what it holds, or, when marked deleted, as a
/// `.wh.NAME` whiteout. Hard links among the written files are kept.
/// Owners are written as `owners` moves them.
pub fn write_tar_changes<W: Write>(
    out: W,
    root: &OwnedFd,
    changes: &[(PathBuf, bool)],
    shown: &Path,
    owners: Option<OwnerMap>,
) -> Result<W> {
    let mut b = tar::Builder::new(out);
    b.mode(tar::HeaderMode::Complete);
    let mut links: HashMap<(u64, u64), PathBuf> = HashMap::new();
    let mut w = TarWalk { whiteouts: Whiteouts::None, shown, links: &mut links, dev: None, skip: &[], flat: true, owners };
    let mut parent: Option<(PathBuf, OwnedFd)> = None;
    for (rel, deleted) in changes {
        let Some(name) = rel.file_name() else { continue };
        let dir = rel.parent().map(Path::to_path_buf).unwrap_or_default();
        if *deleted {
            let mut wh = OsString::from(".wh.");
            wh.push(name);
            let wp = dir.join(wh);
            let mut h = marker_header();
            b.append_data(&mut h, &wp, std::io::empty()).ctx(|| format!("write {} to the archive", wp.display()))?;
            continue;
        }
        if parent.as_ref().map(|(p, _)| p != &dir).unwrap_or(true) {
            let mut fd = nix::unistd::dup(root).path_ctx("open", shown)?;
            for c in dir.components() {
                fd = open_dir_at(fd.as_fd(), c.as_os_str()).path_ctx("open", &shown.join(&dir))?;
            }
            parent = Some((dir.clone(), fd));
        }
        if let Some((_, fd)) = &parent {
            w.entry(&mut b, fd.as_fd(), name, &dir, 0)?;
        }
    }
    b.into_inner().ctx(|| format!("write the archive of {}", shown.display()))
}

struct TarWalk<'a> {
    whiteouts: Whiteouts,
    shown: &'a Path,
    links: &'a mut HashMap<(u64, u64), PathBuf>,
    /// The root's device, when other file systems are left out.
    dev: Option<u64>,
    skip: &'a [PathBuf],
    /// Folders are written without what they hold (a list of changes names each entry).
    flat: bool,
    /// Moves each on-disk owner to the one written (None: as on disk).
    owners: Option<OwnerMap<'a>>,
}

impl TarWalk<'_> {
    fn dir<W: Write>(&mut self, b: &mut tar::Builder<W>, dir: BorrowedFd, rel: &Path, depth: usize) -> Result<()> {
        let (whiteouts, shown) = (self.whiteouts, self.shown);
        if depth > 4096 {
            return Err(Error::Invalid(format!("{}: folders nested too deep to archive", shown.display())));
        }
        let werr = |p: &Path| {
            let p = p.to_path_buf();
            move || format!("write {} to the archive", p.display())
        };
        if whiteouts == Whiteouts::ToOci && !rel.as_os_str().is_empty() && is_opaque(dir) {
            let mut h = marker_header();
            let p = rel.join(".wh..wh..opq");
            b.append_data(&mut h, &p, std::io::empty()).ctx(werr(&p))?;
        }
        for name in names(dir, &shown.join(rel))? {
            self.entry(b, dir, &name, rel, depth)?;
        }
        Ok(())
    }

    /// A PAX header with the attributes of `name`, for the entry that follows.
    fn xattrs<W: Write>(&mut self, b: &mut tar::Builder<W>, dir: BorrowedFd, name: &OsStr, p: &Path) -> Result<()> {
        let x = super::xattrs::list(dir, name);
        if x.is_empty() {
            return Ok(());
        }
        let body = super::xattrs::pax_records(&x);
        let mut h = tar::Header::new_ustar();
        h.set_entry_type(tar::EntryType::XHeader);
        h.set_mode(0o644);
        h.set_size(body.len() as u64);
        // The name of a PAX header is informative only; keep it within ustar's 100 bytes.
        h.set_path("PaxHeaders/xattrs").ctx(|| format!("write {} to the archive", p.display()))?;
        h.set_cksum();
        b.append(&h, &body[..]).ctx(|| format!("write the attributes of {} to the archive", p.display()))
    }

    /// Writes one entry (and, for a folder, what it holds) named rel/name.
    fn entry<W: Write>(&mut self, b: &mut tar::Builder<W>, dir: BorrowedFd, name: &OsStr, rel: &Path, depth: usize) -> Result<()> {
        let (whiteouts, shown) = (self.whiteouts, self.shown);
        let werr = |p: &Path| {
            let p = p.to_path_buf();
            move || format!("write {} to the archive", p.display())
        };
        let p = rel.join(name);
        if self.skip.contains(&p) {
            return Ok(());
        }
        let mut st = stat_at(dir, name).path_ctx("inspect", &shown.join(&p))?;
        if let Some(f) = self.owners {
            (st.st_uid, st.st_gid) = f(st.st_uid, st.st_gid);
        }
        let k = kind(&st);
        if whiteouts == Whiteouts::ToOci && is_whiteout(&st) {
            let mut wh = OsString::from(".wh.");
            wh.push(name);
            let wp = rel.join(wh);
            let mut h = header(&st, tar::EntryType::Regular);
            h.set_mode(0o644);
            b.append_data(&mut h, &wp, std::io::empty()).ctx(werr(&wp))?;
            return Ok(());
        }
        if k != SFlag::S_IFDIR && st.st_nlink > 1 {
            if let Some(first) = self.links.get(&(st.st_dev, st.st_ino)) {
                let mut h = header(&st, tar::EntryType::Link);
                b.append_link(&mut h, &p, first).ctx(werr(&p))?;
                return Ok(());
            }
            self.links.insert((st.st_dev, st.st_ino), p.clone());
        }
        if k != SFlag::S_IFSOCK {
            self.xattrs(b, dir, name, &p)?;
        }
        match k {
            SFlag::S_IFDIR => {
                let mut h = header(&st, tar::EntryType::Directory);
                b.append_data(&mut h, &p, std::io::empty()).ctx(werr(&p))?;
                if self.flat || self.dev.is_some_and(|d| d != st.st_dev) {
                    return Ok(());
                }
                let sub = open_dir_at(dir, name).path_ctx("open", &shown.join(&p))?;
                self.dir(b, sub.as_fd(), &p, depth + 1)?;
            }
            SFlag::S_IFREG => {
                let f = openat(dir, name, OFlag::O_RDONLY | OFlag::O_NOFOLLOW | OFlag::O_CLOEXEC, Mode::empty())
                    .path_ctx("open", &shown.join(&p))?;
                let mut h = header(&st, tar::EntryType::Regular);
                h.set_size(st.st_size as u64);
                // Exactly the size in the header, even if the file grows meanwhile.
                let body = File::from(f).take(st.st_size as u64);
                b.append_data(&mut h, &p, body).ctx(werr(&p))?;
            }
            SFlag::S_IFLNK => {
                let target = nix::fcntl::readlinkat(dir, name).path_ctx("read the link", &shown.join(&p))?;
                let mut h = header(&st, tar::EntryType::Symlink);
                b.append_link(&mut h, &p, Path::new(&target)).ctx(werr(&p))?;
            }
            SFlag::S_IFIFO => {
                let mut h = header(&st, tar::EntryType::Fifo);
                b.append_data(&mut h, &p, std::io::empty()).ctx(werr(&p))?;
            }
            SFlag::S_IFCHR | SFlag::S_IFBLK => {
                let typ = if k == SFlag::S_IFCHR { tar::EntryType::Char } else { tar::EntryType::Block };
                let mut h = header(&st, typ);
                h.set_device_major(libc::major(st.st_rdev)).ctx(werr(&p))?;
                h.set_device_minor(libc::minor(st.st_rdev)).ctx(werr(&p))?;
                b.append_data(&mut h, &p, std::io::empty()).ctx(werr(&p))?;
            }
            _ => {} // sockets
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::{symlink, MetadataExt, PermissionsExt};

    #[test]
    fn copy_keeps_modes_links_and_symlinks() {
        let t = std::env::temp_dir().join(format!("sangja-tree-{}", std::process::id()));
        let src = t.join("src");
        std::fs::create_dir_all(src.join("d")).unwrap();
        std::fs::write(src.join("d/f"), "hi").unwrap();
        std::fs::set_permissions(src.join("d/f"), std::fs::Permissions::from_mode(0o751)).unwrap();
        std::fs::hard_link(src.join("d/f"), src.join("h")).unwrap();
        symlink("/etc/passwd", src.join("l")).unwrap();
        std::fs::create_dir_all(t.join("dst")).unwrap();
        let s = open_dir(&t).unwrap();
        let d = open_dir(&t.join("dst")).unwrap();
        copy(s.as_fd(), OsStr::new("src"), d.as_fd(), OsStr::new("out"), Owners::Caller, Path::new("src")).unwrap();
        let out = t.join("dst/out");
        assert_eq!(std::fs::read_to_string(out.join("d/f")).unwrap(), "hi");
        assert_eq!(std::fs::metadata(out.join("d/f")).unwrap().mode() & 0o777, 0o751);
        assert_eq!(std::fs::metadata(out.join("h")).unwrap().ino(), std::fs::metadata(out.join("d/f")).unwrap().ino());
        assert_eq!(std::fs::read_link(out.join("l")).unwrap(), Path::new("/etc/passwd"));
        let fd = open_dir(&src).unwrap();
        let bytes = write_tar(Vec::new(), &fd, Whiteouts::None, &src, false, &[], None).unwrap();
        let mut a = tar::Archive::new(&bytes[..]);
        let names: Vec<String> = a.entries().unwrap().map(|e| e.unwrap().path().unwrap().display().to_string()).collect();
        assert_eq!(names, ["d", "d/f", "h", "l"]);
        // Owners moved on the way (a container's own id mapping undone).
        let me = std::fs::metadata(&src).unwrap();
        let moved = |u: u32, g: u32| (u + 7, g + 9);
        let bytes = write_tar(Vec::new(), &fd, Whiteouts::None, &src, false, &[], Some(&moved)).unwrap();
        let mut a = tar::Archive::new(&bytes[..]);
        for e in a.entries().unwrap() {
            let h = e.unwrap().header().clone();
            assert_eq!((h.uid().unwrap(), h.gid().unwrap()), (me.uid() as u64 + 7, me.gid() as u64 + 9));
        }
        std::fs::remove_dir_all(&t).unwrap();
    }
}
