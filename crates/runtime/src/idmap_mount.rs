//! Idmapped layer mounts (mount_setattr MOUNT_ATTR_IDMAP), where the kernel
//! allows them: as root, on the layers' own filesystem (ext4, xfs, btrfs,
//! tmpfs...). Overlay takes idmapped lower layers, so a container with its
//! own mapping sees the image's owners without any copy. Rootless this is
//! refused (the layers' superblock belongs to the host's user namespace),
//! and idmap_copy.rs serves instead.

use super::child::{CResult, Stage};
use nix::errno::Errno;
use std::ffi::{CStr, CString};
use std::os::fd::{AsRawFd, BorrowedFd, FromRawFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

const OPEN_TREE_CLONE: libc::c_uint = 1;
const MOUNT_ATTR_IDMAP: u64 = 0x0010_0000;
const MOVE_MOUNT_F_EMPTY_PATH: libc::c_uint = 0x4;

/// struct mount_attr of linux/mount.h.
#[repr(C)]
struct MountAttr {
    attr_set: u64,
    attr_clr: u64,
    propagation: u64,
    userns_fd: u64,
}

/// A detached copy of the mount at `path`, idmapped through `userns`.
fn idmapped_clone(path: &CStr, userns: BorrowedFd) -> nix::Result<OwnedFd> {
    // SAFETY: open_tree with a NUL-terminated path; the result is a new fd.
    let fd =
        unsafe { libc::syscall(libc::SYS_open_tree, libc::AT_FDCWD, path.as_ptr(), OPEN_TREE_CLONE | libc::O_CLOEXEC as libc::c_uint) };
    if fd < 0 {
        return Err(Errno::last());
    }
    // SAFETY: a descriptor the kernel just gave us.
    let fd = unsafe { OwnedFd::from_raw_fd(fd as i32) };
    let attr = MountAttr { attr_set: MOUNT_ATTR_IDMAP, attr_clr: 0, propagation: 0, userns_fd: userns.as_raw_fd() as u64 };
    // SAFETY: mount_setattr on our detached mount with a struct of its size.
    let r = unsafe {
        libc::syscall(
            libc::SYS_mount_setattr,
            fd.as_raw_fd(),
            c"".as_ptr(),
            libc::AT_EMPTY_PATH,
            &attr as *const MountAttr,
            std::mem::size_of::<MountAttr>(),
        )
    };
    if r < 0 {
        return Err(Errno::last());
    }
    Ok(fd)
}

/// Parent side: whether `dir` can be idmapped here. The detached test mount
/// is gone when its descriptor closes; nothing is attached anywhere.
pub(super) fn works(dir: &Path, userns: BorrowedFd) -> bool {
    let Ok(c) = CString::new(dir.as_os_str().as_bytes()) else { return false };
    idmapped_clone(&c, userns).is_ok()
}

/// Child side, in its private mount namespace: each layer folder is covered
/// by an idmapped mount of itself, which the overlay then takes as lower.
pub(super) fn cover(dirs: &[CString], userns: BorrowedFd) -> CResult<()> {
    for d in dirs {
        let fd = idmapped_clone(d, userns).stage(|| format!("make an idmapped mount of {d:?}"))?;
        // SAFETY: move_mount of our detached mount onto a NUL-terminated path.
        let r = unsafe {
            libc::syscall(libc::SYS_move_mount, fd.as_raw_fd(), c"".as_ptr(), libc::AT_FDCWD, d.as_ptr(), MOVE_MOUNT_F_EMPTY_PATH)
        };
        Errno::result(r).stage(|| format!("attach the idmapped mount of {d:?}"))?;
    }
    Ok(())
}
