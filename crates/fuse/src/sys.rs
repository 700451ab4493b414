//! Thin wrappers of the *at(2) calls on an entry of a layer (beneath.rs: a
//! folder opened inside the layer and one name in it, never followed),
//! returning the kernel's errno as the FUSE reply error.

use super::beneath::At;
use super::path::{Buf, CPath};
use fuser::Errno;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};

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

pub(super) fn openat<const N: usize>(dir: RawFd, path: &Buf<N>, flags: i32, mode: u32) -> Result<OwnedFd, Errno> {
    // SAFETY: NUL-terminated path; the fd returned is ours.
    let fd = cvt(unsafe { libc::openat(dir, path.as_ptr(), flags | libc::O_CLOEXEC, mode as libc::c_uint) })?;
    // SAFETY: a fresh fd from openat.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

pub(super) fn mkdirat(at: &At, mode: u32) -> Result<(), Errno> {
    // SAFETY: NUL-terminated name.
    cvt(unsafe { libc::mkdirat(at.fd(), at.name().as_ptr(), mode) }).map(drop)
}

pub(super) fn mknodat(at: &At, mode: u32, rdev: u64) -> Result<(), Errno> {
    // SAFETY: NUL-terminated name.
    cvt(unsafe { libc::mknodat(at.fd(), at.name().as_ptr(), mode, rdev) }).map(drop)
}

pub(super) fn symlinkat(target: &std::ffi::CStr, at: &At) -> Result<(), Errno> {
    // SAFETY: NUL-terminated strings.
    cvt(unsafe { libc::symlinkat(target.as_ptr(), at.fd(), at.name().as_ptr()) }).map(drop)
}

pub(super) fn readlinkat(at: &At, buf: &mut [u8]) -> Result<usize, Errno> {
    // SAFETY: buffer of the given length.
    let n = unsafe { libc::readlinkat(at.fd(), at.name().as_ptr(), buf.as_mut_ptr() as *mut libc::c_char, buf.len()) };
    if n < 0 {
        return Err(errno());
    }
    Ok(n as usize)
}

pub(super) fn unlinkat(at: &At, flags: i32) -> Result<(), Errno> {
    // SAFETY: NUL-terminated name.
    cvt(unsafe { libc::unlinkat(at.fd(), at.name().as_ptr(), flags) }).map(drop)
}

pub(super) fn renameat(from: &At, to: &At, flags: u32) -> Result<(), Errno> {
    // SAFETY: NUL-terminated names.
    cvt(unsafe { libc::renameat2(from.fd(), from.name().as_ptr(), to.fd(), to.name().as_ptr(), flags) }).map(drop)
}

pub(super) fn linkat(from: &At, to: &At) -> Result<(), Errno> {
    // SAFETY: NUL-terminated names; flags 0: a symlink is linked as itself.
    cvt(unsafe { libc::linkat(from.fd(), from.name().as_ptr(), to.fd(), to.name().as_ptr(), 0) }).map(drop)
}

/// Gives the unnamed file `fd` (O_TMPFILE) the name `to`.
pub(super) fn link_fd(fd: RawFd, to: &At) -> Result<(), Errno> {
    let proc = proc_path(fd)?;
    // SAFETY: NUL-terminated strings; the magic link leads to the open file itself.
    cvt(unsafe { libc::linkat(libc::AT_FDCWD, proc.as_ptr(), to.fd(), to.name().as_ptr(), libc::AT_SYMLINK_FOLLOW) }).map(drop)
}

/// chown without following a symlink; u32::MAX leaves an id as it is.
pub(super) fn lchownat(at: &At, uid: u32, gid: u32) -> Result<(), Errno> {
    // SAFETY: NUL-terminated name.
    cvt(unsafe { libc::fchownat(at.fd(), at.name().as_ptr(), uid, gid, libc::AT_SYMLINK_NOFOLLOW) }).map(drop)
}

/// chmod of the entry itself, never of what a symlink there points to
/// (EOPNOTSUPP for a symlink, as fchmodat(AT_SYMLINK_NOFOLLOW) says).
pub(super) fn chmodat(at: &At, mode: u32) -> Result<(), Errno> {
    // SAFETY: NUL-terminated name.
    let rc = unsafe { libc::syscall(libc::SYS_fchmodat2, at.fd(), at.name().as_ptr(), mode, libc::AT_SYMLINK_NOFOLLOW) };
    if rc == 0 {
        return Ok(());
    }
    match errno() {
        // Linux before 6.6: the entry itself as O_PATH, changed through its magic link.
        Errno::ENOSYS => {}
        e => return Err(e),
    }
    let fd = openat(at.fd(), at.name(), libc::O_PATH | libc::O_NOFOLLOW, 0)?;
    if fstat(fd.as_raw_fd())?.st_mode & libc::S_IFMT == libc::S_IFLNK {
        return Err(Errno::EOPNOTSUPP);
    }
    chmod_fd(fd.as_raw_fd(), mode)
}

/// chmod of an open file (O_PATH too), through its /proc/self/fd link.
pub(super) fn chmod_fd(fd: RawFd, mode: u32) -> Result<(), Errno> {
    let proc = proc_path(fd)?;
    // SAFETY: NUL-terminated path.
    cvt(unsafe { libc::fchmodat(libc::AT_FDCWD, proc.as_ptr(), mode, 0) }).map(drop)
}

pub(super) fn utimensat(at: &At, times: &[libc::timespec; 2]) -> Result<(), Errno> {
    // SAFETY: NUL-terminated name, two timespecs.
    cvt(unsafe { libc::utimensat(at.fd(), at.name().as_ptr(), times.as_ptr(), libc::AT_SYMLINK_NOFOLLOW) }).map(drop)
}

/// utimensat of an open file (O_PATH too), through its /proc/self/fd link.
pub(super) fn utimens_fd(fd: RawFd, times: &[libc::timespec; 2]) -> Result<(), Errno> {
    let proc = proc_path(fd)?;
    // SAFETY: NUL-terminated path, two timespecs; follows the magic link to the file.
    cvt(unsafe { libc::utimensat(libc::AT_FDCWD, proc.as_ptr(), times.as_ptr(), 0) }).map(drop)
}

/// lstat of an entry.
pub(super) fn statat(at: &At) -> Result<libc::stat, Errno> {
    let mut st = std::mem::MaybeUninit::<libc::stat>::uninit();
    // SAFETY: NUL-terminated name; st is written on success.
    cvt(unsafe { libc::fstatat(at.fd(), at.name().as_ptr(), st.as_mut_ptr(), libc::AT_SYMLINK_NOFOLLOW) })?;
    // SAFETY: fstatat succeeded.
    Ok(unsafe { st.assume_init() })
}

/// Opens an entry (never through a symlink at its name).
pub(super) fn open_at(at: &At, flags: i32, mode: u32) -> Result<OwnedFd, Errno> {
    openat(at.fd(), at.name(), flags | libc::O_NOFOLLOW, mode)
}

/// `/proc/self/fd/N`: the magic link to an open file.
pub(super) fn proc_path(fd: RawFd) -> Result<CPath, Errno> {
    CPath::abs(format!("/proc/self/fd/{fd}").as_bytes(), b"")
}

/// Opens the file `fd` is open on again (its own offset), read-only.
pub(super) fn reopen(fd: RawFd) -> Result<OwnedFd, Errno> {
    openat(libc::AT_FDCWD, &proc_path(fd)?, libc::O_RDONLY, 0)
}

/// atime and mtime of a stat, for utimensat.
pub(super) fn times_of(st: &libc::stat) -> [libc::timespec; 2] {
    [libc::timespec { tv_sec: st.st_atime, tv_nsec: st.st_atime_nsec }, libc::timespec { tv_sec: st.st_mtime, tv_nsec: st.st_mtime_nsec }]
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
        let n =
            unsafe { libc::copy_file_range(src, std::ptr::null_mut(), dst, std::ptr::null_mut(), (len - done).min(1 << 30) as usize, 0) };
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
