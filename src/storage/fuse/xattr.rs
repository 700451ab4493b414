//! Extended attributes: the system calls by path (no *at forms exist) and the
//! hiding of the overlay's private names (`<prefix>opaque` and friends).

use fuser::Errno;
use std::ffi::CStr;

fn last_errno() -> Errno {
    Errno::from(std::io::Error::last_os_error())
}

/// Whether `name` is one of the overlay's private xattrs.
pub(super) fn is_private(name: &[u8], prefix: &[u8]) -> bool {
    name.starts_with(prefix)
}

/// A listxattr buffer (names each NUL-terminated) without the private names.
pub(super) fn filter_list(list: &[u8], prefix: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(list.len());
    for name in list.split(|&b| b == 0).filter(|n| !n.is_empty()) {
        if !is_private(name, prefix) {
            out.extend_from_slice(name);
            out.push(0);
        }
    }
    out
}

/// All xattr names of `path` (not following symlinks).
pub(super) fn list(path: &CStr) -> Result<Vec<u8>, Errno> {
    loop {
        // SAFETY: size query with a null buffer.
        let n = unsafe { libc::llistxattr(path.as_ptr(), std::ptr::null_mut(), 0) };
        if n < 0 {
            return Err(last_errno());
        }
        let mut buf = vec![0u8; n as usize];
        // SAFETY: buffer of the given length.
        let m = unsafe { libc::llistxattr(path.as_ptr(), buf.as_mut_ptr() as *mut libc::c_char, buf.len()) };
        if m < 0 {
            let e = last_errno();
            if e == Errno::ERANGE {
                continue; // grew between the two calls
            }
            return Err(e);
        }
        buf.truncate(m as usize);
        return Ok(buf);
    }
}

/// The value of xattr `name` of `path`.
pub(super) fn get(path: &CStr, name: &CStr) -> Result<Vec<u8>, Errno> {
    loop {
        // SAFETY: size query with a null buffer.
        let n = unsafe { libc::lgetxattr(path.as_ptr(), name.as_ptr(), std::ptr::null_mut(), 0) };
        if n < 0 {
            return Err(last_errno());
        }
        let mut buf = vec![0u8; n as usize];
        // SAFETY: buffer of the given length.
        let m = unsafe { libc::lgetxattr(path.as_ptr(), name.as_ptr(), buf.as_mut_ptr() as *mut libc::c_void, buf.len()) };
        if m < 0 {
            let e = last_errno();
            if e == Errno::ERANGE {
                continue;
            }
            return Err(e);
        }
        buf.truncate(m as usize);
        return Ok(buf);
    }
}

pub(super) fn set(path: &CStr, name: &CStr, value: &[u8], flags: i32) -> Result<(), Errno> {
    // SAFETY: NUL-terminated strings, value slice.
    let rc = unsafe { libc::lsetxattr(path.as_ptr(), name.as_ptr(), value.as_ptr() as *const libc::c_void, value.len(), flags) };
    if rc != 0 {
        return Err(last_errno());
    }
    Ok(())
}

pub(super) fn remove(path: &CStr, name: &CStr) -> Result<(), Errno> {
    // SAFETY: NUL-terminated strings.
    if unsafe { libc::lremovexattr(path.as_ptr(), name.as_ptr()) } != 0 {
        return Err(last_errno());
    }
    Ok(())
}

/// Copies every xattr but the private ones from `src` to `dst` (copy-up).
/// Names the destination refuses (e.g. security.* without the capability) are
/// skipped, as kernel overlay does for unsupported ones.
pub(super) fn copy_all(src: &CStr, dst: &CStr, prefix: &[u8]) -> Result<(), Errno> {
    let names = match list(src) {
        Ok(n) => n,
        Err(Errno::ENOTSUP) => return Ok(()),
        Err(e) => return Err(e),
    };
    for name in names.split(|&b| b == 0).filter(|n| !n.is_empty()) {
        if is_private(name, prefix) {
            continue;
        }
        let Ok(cname) = std::ffi::CString::new(name) else { continue };
        let value = match get(src, &cname) {
            Ok(v) => v,
            Err(Errno::ENODATA) => continue,
            Err(e) => return Err(e),
        };
        match set(dst, &cname, &value, 0) {
            Ok(()) | Err(Errno::ENOTSUP) | Err(Errno::EPERM) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hides_private_names() {
        let list = b"user.a\0user.overlay.opaque\0trusted.overlay.origin\0security.x\0";
        assert_eq!(filter_list(list, b"user.overlay."), b"user.a\0trusted.overlay.origin\0security.x\0");
        assert_eq!(filter_list(list, b"trusted.overlay."), b"user.a\0user.overlay.opaque\0security.x\0");
        assert_eq!(filter_list(b"", b"user.overlay."), b"");
    }
}
