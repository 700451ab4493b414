//! Thin wrappers of the *at(2) calls on a layer's root fd, returning the
//! kernel's errno as the FUSE reply error.

use super::path::CPath;
use fuser::Errno;
use std::os::fd::{FromRawFd, OwnedFd, RawFd};

pub(super) fn errno() -> Errno {
    Errno::from(std::io::Error::last_os_error())
}

pub(super) fn cvt(rc: libc::c_int) -> Result<libc::c_int, Errno> {
    if rc < 0 {
        Err(errno())
    } else {
        Ok(rc)
    }
}

pub(super) fn openat(dir: RawFd, path: &CPath, flags: i32, mode: u32) -> Result<OwnedFd, Errno> {
    // SAFETY: NUL-terminated path; the fd returned is ours.
    let fd = cvt(unsafe { libc::openat(dir, path.as_ptr(), flags | libc::O_CLOEXEC, mode as libc::c_uint) })?;
    // SAFETY: a fresh fd from openat.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

pub(super) fn mkdirat(dir: RawFd, path: &CPath, mode: u32) -> Result<(), Errno> {
    // SAFETY: NUL-terminated path.
    cvt(unsafe { libc::mkdirat(dir, path.as_ptr(), mode) }).map(drop)
}

pub(super) fn mknodat(dir: RawFd, path: &CPath, mode: u32, rdev: u64) -> Result<(), Errno> {
    // SAFETY: NUL-terminated path.
    cvt(unsafe { libc::mknodat(dir, path.as_ptr(), mode, rdev) }).map(drop)
}

pub(super) fn symlinkat(target: &std::ffi::CStr, dir: RawFd, path: &CPath) -> Result<(), Errno> {
    // SAFETY: NUL-terminated strings.
    cvt(unsafe { libc::symlinkat(target.as_ptr(), dir, path.as_ptr()) }).map(drop)
}

pub(super) fn readlinkat(dir: RawFd, path: &CPath, buf: &mut [u8]) -> Result<usize, Errno> {
    // SAFETY: buffer of the given length.
    let n = unsafe { libc::readlinkat(dir, path.as_ptr(), buf.as_mut_ptr() as *mut libc::c_char, buf.len()) };
    if n < 0 {
        return Err(errno());
    }
    Ok(n as usize)
}

pub(super) fn unlinkat(dir: RawFd, path: &CPath, flags: i32) -> Result<(), Errno> {
    // SAFETY: NUL-terminated path.
    cvt(unsafe { libc::unlinkat(dir, path.as_ptr(), flags) }).map(drop)
}

pub(super) fn renameat(dir: RawFd, from: &CPath, to: &CPath, flags: u32) -> Result<(), Errno> {
    // SAFETY: NUL-terminated paths.
    cvt(unsafe { libc::renameat2(dir, from.as_ptr(), dir, to.as_ptr(), flags) }).map(drop)
}

pub(super) fn linkat(dir: RawFd, from: &CPath, to: &CPath) -> Result<(), Errno> {
    // SAFETY: NUL-terminated paths.
    cvt(unsafe { libc::linkat(dir, from.as_ptr(), dir, to.as_ptr(), 0) }).map(drop)
}

/// chown without following a symlink; u32::MAX leaves an id as it is.
pub(super) fn lchownat(dir: RawFd, path: &CPath, uid: u32, gid: u32) -> Result<(), Errno> {
    // SAFETY: NUL-terminated path.
    cvt(unsafe { libc::fchownat(dir, path.as_ptr(), uid, gid, libc::AT_SYMLINK_NOFOLLOW) }).map(drop)
}

pub(super) fn chmodat(dir: RawFd, path: &CPath, mode: u32) -> Result<(), Errno> {
    // SAFETY: NUL-terminated path.
    cvt(unsafe { libc::fchmodat(dir, path.as_ptr(), mode, 0) }).map(drop)
}

pub(super) fn utimensat(dir: RawFd, path: &CPath, times: &[libc::timespec; 2]) -> Result<(), Errno> {
    // SAFETY: NUL-terminated path, two timespecs.
    cvt(unsafe { libc::utimensat(dir, path.as_ptr(), times.as_ptr(), libc::AT_SYMLINK_NOFOLLOW) }).map(drop)
}

/// atime and mtime of a stat, for utimensat.
pub(super) fn times_of(st: &libc::stat) -> [libc::timespec; 2] {
    [
        libc::timespec { tv_sec: st.st_atime, tv_nsec: st.st_atime_nsec },
        libc::timespec { tv_sec: st.st_mtime, tv_nsec: st.st_mtime_nsec },
    ]
}

pub(super) fn fstat(fd: RawFd) -> Result<libc::stat, Errno> {
    let mut st = std::mem::MaybeUninit::<libc::stat>::uninit();
    // SAFETY: st is written on success.
    cvt(unsafe { libc::fstat(fd, st.as_mut_ptr()) })?;
    // SAFETY: fstat succeeded.
    Ok(unsafe { st.assume_init() })
}

/// Copies all data of `src` to `dst` (both at offset 0): copy_file_range (a
/// reflink on filesystems that share extents), else read/write.
pub(super) fn copy_data(src: RawFd, dst: RawFd, len: u64) -> Result<(), Errno> {
    let mut done = 0u64;
    while done < len {
        // SAFETY: null offsets use and advance the fds' positions.
        let n = unsafe { libc::copy_file_range(src, std::ptr::null_mut(), dst, std::ptr::null_mut(), (len - done).min(1 << 30) as usize, 0) };
        if n < 0 {
            let e = errno();
            if done == 0 && matches!(e, Errno::EXDEV | Errno::EINVAL | Errno::ENOSYS | Errno::EOPNOTSUPP) {
                return copy_by_read(src, dst);
            }
            return Err(e);
        }
        if n == 0 {
            break; // the source shrank
        }
        done += n as u64;
    }
    Ok(())
}

fn copy_by_read(src: RawFd, dst: RawFd) -> Result<(), Errno> {
    let mut buf = vec![0u8; 1 << 20];
    loop {
        // SAFETY: buffer of the given length.
        let n = unsafe { libc::read(src, buf.as_mut_ptr() as *mut libc::c_void, buf.len()) };
        if n < 0 {
            return Err(errno());
        }
        if n == 0 {
            return Ok(());
        }
        let mut off = 0usize;
        while off < n as usize {
            // SAFETY: slice within the buffer.
            let w = unsafe { libc::write(dst, buf[off..].as_ptr() as *const libc::c_void, n as usize - off) };
            if w < 0 {
                return Err(errno());
            }
            off += w as usize;
        }
    }
}

/// What a write or truncate by an unprivileged caller does to a file's mode:
/// set-user-ID goes, set-group-ID too when the group may execute it.
pub(super) fn kill_suidgid(fd: RawFd) -> Result<(), Errno> {
    let mode = fstat(fd)?.st_mode & 0o7777;
    let mut kept = mode & !libc::S_ISUID;
    if mode & libc::S_IXGRP != 0 {
        kept &= !libc::S_ISGID;
    }
    if kept != mode {
        // SAFETY: an open fd.
        cvt(unsafe { libc::fchmod(fd, kept) })?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::fd::AsRawFd;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn unprivileged_writes_drop_set_id_bits_as_linux_does() {
        let dir = std::env::temp_dir().join(format!("sangja-killsuid-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let f = dir.join("f");
        let file = std::fs::File::create(&f).unwrap();
        let mode = |m: u32| {
            file.set_permissions(std::fs::Permissions::from_mode(m)).unwrap();
            kill_suidgid(file.as_raw_fd()).unwrap();
            std::fs::metadata(&f).unwrap().permissions().mode() & 0o7777
        };
        // Set-user-ID always goes; set-group-ID only with group execute (else
        // it marks mandatory locking and stays).
        assert_eq!(mode(0o6755), 0o755);
        assert_eq!(mode(0o6745), 0o2745);
        assert_eq!(mode(0o4700), 0o700);
        assert_eq!(mode(0o644), 0o644);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
