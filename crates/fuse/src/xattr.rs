//! Extended attributes: the system calls on an entry opened beneath its
//! layer (no *at forms exist before Linux 6.13) and the hiding of the
//! overlay's private names (`<prefix>opaque` and friends).

use super::beneath::At;
use super::layers::Layers;
use super::path::CName;
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

/// An entry whose xattrs are read or changed: its folder opened beneath
/// its layer (beneath.rs) and reached as `/proc/self/fd/DIR/NAME`, since the
/// xattr calls have no *at form before Linux 6.13. The l* calls never follow
/// NAME itself, so a symlink there is read or changed as itself.
pub(super) struct Target {
    _at: At,
    path: CName,
}

impl Target {
    pub(super) fn open(layers: &Layers, layer: usize, rel: &[u8]) -> Result<Target, Errno> {
        Target::at(layers.at(layer, rel)?)
    }

    pub(super) fn at(at: At) -> Result<Target, Errno> {
        // "/proc/self/fd/" and the fd's digits, without allocating.
        let mut fd = [0u8; 24];
        fd[..14].copy_from_slice(b"/proc/self/fd/");
        let mut n = at.fd().max(0) as u32;
        let mut digits = [0u8; 10];
        let mut i = digits.len();
        loop {
            i -= 1;
            digits[i] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        let len = 14 + digits.len() - i;
        fd[14..len].copy_from_slice(&digits[i..]);
        let path = CName::abs(&fd[..len], at.name().bytes())?;
        Ok(Target { _at: at, path })
    }

    fn ptr(&self) -> *const libc::c_char {
        self.path.as_ptr()
    }
}

/// All xattr names of `t`.
pub(super) fn list(t: &Target) -> Result<Vec<u8>, Errno> {
    loop {
        // SAFETY: size query with a null buffer.
        let n = unsafe { libc::llistxattr(t.ptr(), std::ptr::null_mut(), 0) };
        if n < 0 {
            return Err(last_errno());
        }
        let mut buf = vec![0u8; n as usize];
        // SAFETY: buffer of the given length.
        let m = unsafe { libc::llistxattr(t.ptr(), buf.as_mut_ptr() as *mut libc::c_char, buf.len()) };
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

/// The value of xattr `name` of `t`.
pub(super) fn get(t: &Target, name: &CStr) -> Result<Vec<u8>, Errno> {
    loop {
        // SAFETY: size query with a null buffer.
        let n = unsafe { libc::lgetxattr(t.ptr(), name.as_ptr(), std::ptr::null_mut(), 0) };
        if n < 0 {
            return Err(last_errno());
        }
        let mut buf = vec![0u8; n as usize];
        let m = match get_into(t, name, &mut buf) {
            Err(Errno::ERANGE) => continue,
            r => r?,
        };
        buf.truncate(m);
        return Ok(buf);
    }
}

/// The value of xattr `name` of `t` into `buf`: its length.
pub(super) fn get_into(t: &Target, name: &CStr, buf: &mut [u8]) -> Result<usize, Errno> {
    // SAFETY: buffer of the given length.
    let m = unsafe { libc::lgetxattr(t.ptr(), name.as_ptr(), buf.as_mut_ptr() as *mut libc::c_void, buf.len()) };
    if m < 0 {
        return Err(last_errno());
    }
    Ok(m as usize)
}

pub(super) fn set(t: &Target, name: &CStr, value: &[u8], flags: i32) -> Result<(), Errno> {
    // SAFETY: NUL-terminated strings, value slice.
    let rc = unsafe { libc::lsetxattr(t.ptr(), name.as_ptr(), value.as_ptr() as *const libc::c_void, value.len(), flags) };
    if rc != 0 {
        return Err(last_errno());
    }
    Ok(())
}

pub(super) fn remove(t: &Target, name: &CStr) -> Result<(), Errno> {
    // SAFETY: NUL-terminated strings.
    if unsafe { libc::lremovexattr(t.ptr(), name.as_ptr()) } != 0 {
        return Err(last_errno());
    }
    Ok(())
}

/// Copies every xattr but the private ones from `src` to `dst` (copy-up).
/// Names the destination refuses (e.g. security.* without the capability) are
/// skipped, as kernel overlay does for unsupported ones.
pub(super) fn copy_all(src: &Target, dst: &Target, prefix: &[u8]) -> Result<(), Errno> {
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
