//! Every path the server uses resolved inside its layer, never outside it.
//!
//! The server runs in the host's namespaces (real root when rootful) while
//! the container writes the upper layer, symlinks included. A node's path is
//! relative to a layer's root; if any of its folders were a symlink (a stale
//! path after a rename, a folder swapped for `a -> /`), plain *at(2) calls on
//! the root fd would follow it to the host. So folders are opened with
//! openat2(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS) from the layer's root fd (a
//! walk with O_NOFOLLOW per component where openat2 is missing), and every
//! call then names one entry in that folder without following it.

use super::path::{CName, CPath};
use super::sys;
use fuser::Errno;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};

/// openat2(2) is missing (Linux before 5.6, or a seccomp filter refuses it).
static NO_OPENAT2: AtomicBool = AtomicBool::new(false);

/// An entry of a layer: the folder holding it (opened beneath the layer's
/// root) and its name there. The calls on it never follow its name.
pub(super) struct At {
    /// The folder, when not the layer's root itself (shared with the
    /// per-thread cache of layers.rs).
    dir: Option<Rc<OwnedFd>>,
    root: RawFd,
    /// One component ("." for the root itself).
    name: CName,
}

impl At {
    /// `name` in the folder `dir` (None: the root), already opened beneath the layer.
    pub(super) fn new(dir: Option<Rc<OwnedFd>>, root: RawFd, name: &[u8]) -> Result<At, Errno> {
        Ok(At { dir, root, name: CName::rel(name)? })
    }

    pub(super) fn fd(&self) -> RawFd {
        self.dir.as_ref().map_or(self.root, |d| d.as_raw_fd())
    }

    pub(super) fn name(&self) -> &CName {
        &self.name
    }
}

/// `rel` split into its folder and its last component; refuses "." and ".."
/// as names (only the root is ".", as the empty path).
pub(super) fn split(rel: &[u8]) -> Result<(&[u8], &[u8]), Errno> {
    let (dir, name) = match rel.iter().rposition(|&b| b == b'/') {
        Some(i) => (&rel[..i], &rel[i + 1..]),
        None => (&b""[..], rel),
    };
    if name.is_empty() || name == b"." || name == b".." {
        return Err(Errno::EINVAL);
    }
    Ok((dir, name))
}

/// The entry `rel` (relative, "" for the root) of the layer whose root is `root`.
pub(super) fn at(root: RawFd, rel: &[u8]) -> Result<At, Errno> {
    if rel.is_empty() {
        return At::new(None, root, b"");
    }
    let (dir, name) = split(rel)?;
    let dir = if dir.is_empty() { None } else { Some(Rc::new(open_dir(root, dir)?)) };
    At::new(dir, root, name)
}

/// Opens the folder `rel` beneath `root` as O_PATH.
pub(super) fn open_dir(root: RawFd, rel: &[u8]) -> Result<OwnedFd, Errno> {
    open(root, rel, libc::O_PATH | libc::O_DIRECTORY, 0)
}

/// Opens `rel` (relative, "" for the root) beneath `root` with `flags`,
/// following no symlink on the way or at its end (a symlink at the end
/// opens as itself with O_PATH, else fails with ELOOP).
pub(super) fn open(root: RawFd, rel: &[u8], flags: i32, mode: u32) -> Result<OwnedFd, Errno> {
    let flags = flags | libc::O_NOFOLLOW | libc::O_CLOEXEC;
    if rel.is_empty() {
        return sys::openat(root, &CPath::rel(b"")?, flags, mode);
    }
    if !NO_OPENAT2.load(Ordering::Relaxed) {
        let path = CPath::rel(rel)?;
        // SAFETY: open_how is plain data; all-zero is its "nothing asked" value.
        let mut how: libc::open_how = unsafe { std::mem::zeroed() };
        how.flags = flags as u64;
        // The kernel refuses a mode without O_CREAT or O_TMPFILE.
        how.mode = if flags & (libc::O_CREAT | libc::O_TMPFILE) != 0 { u64::from(mode) } else { 0 };
        how.resolve = libc::RESOLVE_BENEATH | libc::RESOLVE_NO_SYMLINKS | libc::RESOLVE_NO_MAGICLINKS;
        for _ in 0..8 {
            // SAFETY: NUL-terminated path, an open_how of the size passed.
            let fd = unsafe {
                libc::syscall(libc::SYS_openat2, root, path.as_ptr(), &how as *const libc::open_how, std::mem::size_of::<libc::open_how>())
            };
            if fd >= 0 {
                // SAFETY: a fresh fd from openat2.
                return Ok(unsafe { OwnedFd::from_raw_fd(fd as RawFd) });
            }
            match sys::errno() {
                // A rename elsewhere on the filesystem while resolving: again.
                Errno::EAGAIN => continue,
                Errno::ENOSYS | Errno::EPERM if !probe_openat2() => {
                    NO_OPENAT2.store(true, Ordering::Relaxed);
                    break;
                }
                e => return Err(e),
            }
        }
        if !NO_OPENAT2.load(Ordering::Relaxed) {
            return Err(Errno::EAGAIN);
        }
    }
    walk(root, rel, flags, mode)
}

/// Whether openat2 works at all (EPERM from it may be a seccomp filter, or
/// just the entry's permissions).
fn probe_openat2() -> bool {
    // SAFETY: as in `open`, on "/" which always exists.
    let mut how: libc::open_how = unsafe { std::mem::zeroed() };
    how.flags = (libc::O_PATH | libc::O_CLOEXEC) as u64;
    // SAFETY: NUL-terminated path, an open_how of the size passed.
    let fd = unsafe {
        libc::syscall(
            libc::SYS_openat2,
            libc::AT_FDCWD,
            c"/".as_ptr(),
            &how as *const libc::open_how,
            std::mem::size_of::<libc::open_how>(),
        )
    };
    if fd < 0 {
        return false;
    }
    // SAFETY: our fresh fd.
    unsafe { libc::close(fd as RawFd) };
    true
}

/// `open` without openat2: one component at a time, each with O_NOFOLLOW,
/// the folders as O_PATH; "." and ".." are refused.
fn walk(root: RawFd, rel: &[u8], flags: i32, mode: u32) -> Result<OwnedFd, Errno> {
    let mut parts = rel.split(|&b| b == b'/').peekable();
    let mut cur: Option<OwnedFd> = None;
    while let Some(part) = parts.next() {
        if part.is_empty() || part == b"." || part == b".." {
            return Err(Errno::EINVAL);
        }
        let dir = cur.as_ref().map_or(root, |d| d.as_raw_fd());
        let last = parts.peek().is_none();
        let (f, m) = if last { (flags, mode) } else { (libc::O_PATH | libc::O_DIRECTORY | libc::O_NOFOLLOW | libc::O_CLOEXEC, 0) };
        cur = Some(sys::openat(dir, &CPath::rel(part)?, f, m)?);
    }
    cur.ok_or(Errno::EINVAL)
}

#[cfg(test)]
pub(super) fn force_walk(on: bool) {
    NO_OPENAT2.store(on, Ordering::Relaxed);
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::ffi::OsStrExt;

    fn tree() -> (std::path::PathBuf, OwnedFd) {
        let base = std::env::temp_dir().join(format!("sangja-beneath-{}-{:?}", std::process::id(), std::thread::current().id()));
        let _ = std::fs::remove_dir_all(&base);
        std::fs::create_dir_all(base.join("layer/d/e")).unwrap();
        std::fs::write(base.join("layer/d/e/f"), b"in").unwrap();
        std::fs::write(base.join("outside"), b"out").unwrap();
        std::os::unix::fs::symlink("/", base.join("layer/abs")).unwrap();
        std::os::unix::fs::symlink("..", base.join("layer/up")).unwrap();
        std::os::unix::fs::symlink("d", base.join("layer/rel")).unwrap();
        let root = sys::openat(
            libc::AT_FDCWD,
            &CPath::rel(base.join("layer").as_os_str().as_bytes()).unwrap(),
            libc::O_PATH | libc::O_DIRECTORY,
            0,
        )
        .unwrap();
        (base, root)
    }

    fn read(fd: &OwnedFd) -> Vec<u8> {
        let mut b = [0u8; 16];
        // SAFETY: buffer of the given size.
        let n = unsafe { libc::pread(fd.as_raw_fd(), b.as_mut_ptr().cast(), b.len(), 0) };
        b[..n.max(0) as usize].to_vec()
    }

    fn check(root: &OwnedFd) {
        let r = root.as_raw_fd();
        assert_eq!(read(&open(r, b"d/e/f", libc::O_RDONLY, 0).unwrap()), b"in");
        // No symlink is followed, wherever it is and wherever it leads.
        let outside = format!("up/{}/outside", "x");
        for p in [&b"abs/etc/passwd"[..], b"up/outside", outside.as_bytes(), b"rel/e/f", b"abs", b"d/../../outside", b"../outside"] {
            assert!(open(r, p, libc::O_RDONLY, 0).is_err(), "{}", String::from_utf8_lossy(p));
        }
        // The last component may be a symlink only as itself (O_PATH).
        let l = open(r, b"abs", libc::O_PATH, 0).unwrap();
        assert_eq!(sys::fstat(l.as_raw_fd()).unwrap().st_mode & libc::S_IFMT, libc::S_IFLNK);
        // An entry's folder is opened beneath the root; its name never followed.
        let a = at(r, b"abs/etc/passwd");
        assert!(a.is_err());
        let a = at(r, b"d/e/f").unwrap();
        assert_eq!(a.name().bytes(), b"f");
        assert!(at(r, b"d/..").is_err() && at(r, b"..").is_err() && at(r, b"d/.").is_err());
        assert_eq!(at(r, b"").unwrap().name().bytes(), b".");
    }

    #[test]
    fn nothing_outside_the_layer_opens() {
        let (base, root) = tree();
        check(&root);
        force_walk(true);
        check(&root);
        force_walk(false);
        std::fs::remove_dir_all(&base).unwrap();
    }
}
