//! Paths inside the rootfs, resolved with openat2(RESOLVE_IN_ROOT) so that a
//! symlink in the image can never lead a mount out of the rootfs.

use super::child::{CResult, Stage};
use nix::errno::Errno;
use nix::fcntl::{openat, openat2, readlinkat, AtFlags, OFlag, OpenHow, ResolveFlag};
use nix::sys::stat::{fstatat, mkdirat, Mode};
use std::collections::VecDeque;
use std::ffi::{CString, OsString};
use std::os::fd::{BorrowedFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::{Component, Path, PathBuf};

/// An O_PATH fd of `rel` (relative to the rootfs `root`), symlinks resolved inside it.
pub(super) fn open(root: BorrowedFd, rel: &Path) -> nix::Result<OwnedFd> {
    open_with(root, rel, ResolveFlag::RESOLVE_IN_ROOT | ResolveFlag::RESOLVE_NO_MAGICLINKS)
}

/// Like `open`, but fails with ELOOP on any symlink on the way.
pub(super) fn open_no_symlinks(root: BorrowedFd, rel: &Path) -> nix::Result<OwnedFd> {
    open_with(root, rel, ResolveFlag::RESOLVE_IN_ROOT | ResolveFlag::RESOLVE_NO_SYMLINKS)
}

fn open_with(root: BorrowedFd, rel: &Path, resolve: ResolveFlag) -> nix::Result<OwnedFd> {
    let how = OpenHow::new().flags(OFlag::O_PATH | OFlag::O_CLOEXEC).resolve(resolve);
    let rel = if rel.as_os_str().is_empty() { Path::new(".") } else { rel };
    openat2(root, rel, how)
}

/// Makes `rel` exist in the rootfs and returns it with every symlink on the
/// way resolved inside the rootfs, so that the host path rootfs/<result>
/// names the same file without following any link (the mount calls then
/// use plain paths, cheaper than /proc/self/fd lookups). Missing parts are
/// created: directories, and the last one as a directory or, when `dir` is
/// false, an empty file. Symlinks, dangling ones included, are followed as
/// if the rootfs were /, so what they point to is created inside it (as runc
/// does).
pub(super) fn ensure(root: BorrowedFd, rel: &Path, dir: bool) -> CResult<PathBuf> {
    match open_no_symlinks(root, rel) {
        Ok(_) => return Ok(rel.to_path_buf()),
        Err(Errno::ENOENT) | Err(Errno::ELOOP) => {}
        Err(e) => return Err(e).stage(|| format!("resolve /{} in the rootfs", rel.display())),
    }
    let mut pending: VecDeque<OsString> = names(rel).collect();
    // Always free of symlinks: each component was checked on the way.
    let mut done = PathBuf::new();
    let mut links = 0;
    while let Some(name) = pending.pop_front() {
        if name == ".." {
            done.pop();
            continue;
        }
        let parent = open(root, &done).stage(|| format!("resolve /{} in the rootfs", done.display()))?;
        let here = done.join(&name);
        match fstatat(&parent, name.as_os_str(), AtFlags::AT_SYMLINK_NOFOLLOW) {
            Ok(st) if st.st_mode & libc::S_IFMT == libc::S_IFLNK => {
                links += 1;
                if links > 40 {
                    return Err(Errno::ELOOP).stage(|| format!("resolve /{} in the rootfs", rel.display()));
                }
                let target = readlinkat(&parent, name.as_os_str())
                    .stage(|| format!("read the link /{} in the rootfs", here.display()))?;
                let target = PathBuf::from(target);
                if target.is_absolute() {
                    done.clear();
                }
                for n in names(&target).rev() {
                    pending.push_front(n);
                }
            }
            Ok(_) => done = here,
            Err(Errno::ENOENT) => {
                if pending.is_empty() && !dir {
                    let flags = OFlag::O_CREAT | OFlag::O_EXCL | OFlag::O_WRONLY | OFlag::O_CLOEXEC | OFlag::O_NOFOLLOW;
                    openat(&parent, name.as_os_str(), flags, Mode::from_bits_truncate(0o644))
                        .stage(|| format!("create /{} in the rootfs", here.display()))?;
                } else {
                    mkdirat(&parent, name.as_os_str(), Mode::from_bits_truncate(0o755))
                        .stage(|| format!("create directory /{} in the rootfs", here.display()))?;
                }
                done = here;
            }
            Err(e) => return Err(e).stage(|| format!("resolve /{} in the rootfs", here.display())),
        }
    }
    Ok(done)
}

/// The normal and `..` components of a path; `.` and `/` say nothing here.
fn names(p: &Path) -> impl DoubleEndedIterator<Item = OsString> + '_ {
    p.components().filter_map(|c| match c {
        Component::Normal(n) => Some(n.to_os_string()),
        Component::ParentDir => Some(OsString::from("..")),
        _ => None,
    })
}

/// rootfs/rel as a C string, for the mount calls.
pub(super) fn host_path(rootfs: &Path, rel: &Path) -> nix::Result<CString> {
    let mut p = rootfs.as_os_str().as_bytes().to_vec();
    if !rel.as_os_str().is_empty() {
        p.push(b'/');
        p.extend_from_slice(rel.as_os_str().as_bytes());
    }
    CString::new(p).map_err(|_| Errno::EINVAL)
}
