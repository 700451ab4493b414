//! Paths inside the rootfs, resolved with openat2(RESOLVE_IN_ROOT) so that a
//! symlink in the image can never lead a mount out of the rootfs.

use super::child::{CResult, Stage};
use nix::errno::Errno;
use nix::fcntl::{openat, openat2, readlinkat, AtFlags, OFlag, OpenHow, ResolveFlag};
use nix::sys::stat::{fstatat, mkdirat, Mode};
use std::collections::VecDeque;
use std::ffi::{CString, OsString};
use std::os::fd::{BorrowedFd, OwnedFd, RawFd};
use std::path::{Component, Path, PathBuf};

/// An O_PATH fd of `rel` (relative to the rootfs `root`), symlinks resolved inside it.
pub(super) fn open(root: BorrowedFd, rel: &Path) -> nix::Result<OwnedFd> {
    let how = OpenHow::new()
        .flags(OFlag::O_PATH | OFlag::O_CLOEXEC)
        .resolve(ResolveFlag::RESOLVE_IN_ROOT | ResolveFlag::RESOLVE_NO_MAGICLINKS);
    let rel = if rel.as_os_str().is_empty() { Path::new(".") } else { rel };
    openat2(root, rel, how)
}

/// Like `open`, creating what is missing: directories on the way, and the
/// last component as a directory or, when `dir` is false, an empty file.
/// Symlinks, dangling ones included, are followed as if the rootfs were /,
/// so what they point to is created inside the rootfs (as runc does).
pub(super) fn ensure(root: BorrowedFd, rel: &Path, dir: bool) -> CResult<OwnedFd> {
    match open(root, rel) {
        Err(Errno::ENOENT) => {}
        r => return r.stage(|| format!("resolve /{} in the rootfs", rel.display())),
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
    open(root, &done).stage(|| format!("resolve /{} in the rootfs", done.display()))
}

/// The normal and `..` components of a path; `.` and `/` say nothing here.
fn names(p: &Path) -> impl DoubleEndedIterator<Item = OsString> + '_ {
    p.components().filter_map(|c| match c {
        Component::Normal(n) => Some(n.to_os_string()),
        Component::ParentDir => Some(OsString::from("..")),
        _ => None,
    })
}

/// "/proc/self/fd/N": lets path-based calls (mount) act on what an fd holds.
pub(super) fn proc_fd_path(fd: RawFd) -> CString {
    let mut buf = b"/proc/self/fd/".to_vec();
    buf.extend_from_slice(fd.to_string().as_bytes());
    // Digits and ASCII only: no NUL inside.
    CString::new(buf).unwrap_or_default()
}
