//! Paths inside the rootfs, resolved with openat2(RESOLVE_IN_ROOT) so that a
//! symlink in the image can never lead a mount out of the rootfs.

use super::child::{CResult, Stage};
use nix::errno::Errno;
use nix::fcntl::{openat, openat2, readlinkat, AtFlags, OFlag, OpenHow, ResolveFlag};
use nix::sys::stat::{fstatat, mkdirat, Mode};
use std::collections::VecDeque;
use std::ffi::OsString;
use std::os::fd::{BorrowedFd, OwnedFd};
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
    // EAGAIN: a rename or mount anywhere on the system while a `..` was
    // resolved (the kernel cannot then vouch it stayed inside); openat2(2)
    // says to try again.
    let mut tries = 0;
    loop {
        match openat2(root, rel, how) {
            Err(nix::errno::Errno::EAGAIN) if tries < 64 => tries += 1,
            r => return r,
        }
    }
}

/// Makes `rel` exist in the rootfs and opens it (O_PATH), every symlink on
/// the way resolved inside the rootfs. The caller mounts onto this fd
/// (`/proc/self/fd/N` or move_mount), never onto a path string: a path would
/// be walked again by the kernel, from the host's root, and a component
/// swapped for a symlink meanwhile (a volume shared with a running
/// container) would take the mount out of the rootfs (CVE-2021-30465).
/// Missing parts are created fd-relatively: directories, and the last one
/// as a directory or, when `dir` is false, an empty file. Symlinks,
/// dangling ones included, are followed as if the rootfs were /, so what
/// they point to is created inside it (as runc does).
pub(super) fn ensure(root: BorrowedFd, rel: &Path, dir: bool) -> CResult<OwnedFd> {
    match open_no_symlinks(root, rel) {
        Ok(fd) => return Ok(fd),
        Err(Errno::ENOENT) | Err(Errno::ELOOP) => {}
        Err(e) => return Err(e).stage(|| format!("resolve /{} in the rootfs", rel.display())),
    }
    let mut pending: VecDeque<OsString> = names(rel).collect();
    // Always free of symlinks: each component was checked on the way.
    let mut done = PathBuf::new();
    let mut links = 0;
    // Bounds the look-again rounds too, against a tree swapped on forever.
    let mut steps = 0;
    while let Some(name) = pending.pop_front() {
        steps += 1;
        if steps > 4096 {
            return Err(Errno::ELOOP).stage(|| format!("resolve /{} in the rootfs (it keeps changing)", rel.display()));
        }
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
                let target = match readlinkat(&parent, name.as_os_str()) {
                    Ok(t) => t,
                    // Swapped for something else since fstatat: look again.
                    Err(Errno::EINVAL) => {
                        pending.push_front(name);
                        continue;
                    }
                    Err(e) => return Err(e).stage(|| format!("read the link /{} in the rootfs", here.display())),
                };
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
                // EEXIST: made meanwhile by someone else; the next round looks at it.
                if pending.is_empty() && !dir {
                    let flags = OFlag::O_CREAT | OFlag::O_EXCL | OFlag::O_WRONLY | OFlag::O_CLOEXEC | OFlag::O_NOFOLLOW;
                    match openat(&parent, name.as_os_str(), flags, Mode::from_bits_truncate(0o644)) {
                        Ok(_) => done = here,
                        Err(Errno::EEXIST) => pending.push_front(name),
                        Err(e) => return Err(e).stage(|| format!("create /{} in the rootfs", here.display())),
                    }
                } else {
                    match mkdirat(&parent, name.as_os_str(), Mode::from_bits_truncate(0o755)) {
                        Ok(()) => done = here,
                        Err(Errno::EEXIST) => pending.push_front(name),
                        Err(e) => return Err(e).stage(|| format!("create directory /{} in the rootfs", here.display())),
                    }
                }
            }
            Err(e) => return Err(e).stage(|| format!("resolve /{} in the rootfs", here.display())),
        }
    }
    // `done` held no symlink when walked; one swapped in since is followed
    // inside the rootfs all the same.
    open(root, &done).stage(|| format!("resolve /{} in the rootfs", rel.display()))
}

/// The normal and `..` components of a path; `.` and `/` say nothing here.
fn names(p: &Path) -> impl DoubleEndedIterator<Item = OsString> + '_ {
    p.components().filter_map(|c| match c {
        Component::Normal(n) => Some(n.to_os_string()),
        Component::ParentDir => Some(OsString::from("..")),
        _ => None,
    })
}
