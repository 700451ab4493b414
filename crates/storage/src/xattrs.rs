//! Extended attributes of files in a tree, read for archives: `commit` and
//! `export` carry them as PAX `SCHILY.xattr.*` records (what extract.rs
//! reads back), so file capabilities (security.capability) and user.*
//! attributes survive a commit.

use std::ffi::{CString, OsStr};
use std::os::fd::{AsRawFd, BorrowedFd};
use std::os::unix::ffi::OsStrExt;

/// The attributes of `name` under `dir` (not following a symlink), without
/// overlayfs's own (trusted.overlay.*, user.overlay.*): those describe the
/// layer (opaque, redirect), which the archive says in its own way.
/// Attributes we may not read (trusted.* rootless) are simply absent.
pub fn list(dir: BorrowedFd, name: &OsStr) -> Vec<(Vec<u8>, Vec<u8>)> {
    let mut path = format!("/proc/self/fd/{}/", dir.as_raw_fd()).into_bytes();
    path.extend_from_slice(name.as_bytes());
    let Ok(path) = CString::new(path) else { return Vec::new() };
    let names = match read_list(&path) {
        Some(n) if !n.is_empty() => n,
        _ => return Vec::new(),
    };
    let mut out = Vec::new();
    for key in names.split(|b| *b == 0).filter(|k| !k.is_empty()) {
        if key.starts_with(b"trusted.overlay.") || key.starts_with(b"user.overlay.") {
            continue;
        }
        let Ok(ckey) = CString::new(key) else { continue };
        if let Some(v) = read_value(&path, &ckey) {
            out.push((key.to_vec(), v));
        }
    }
    out
}

fn read_list(path: &CString) -> Option<Vec<u8>> {
    // SAFETY: a NULL buffer of size 0 asks for the size only.
    let n = unsafe { libc::llistxattr(path.as_ptr(), std::ptr::null_mut(), 0) };
    if n <= 0 {
        return None;
    }
    let mut buf = vec![0u8; n as usize];
    // SAFETY: buf is writable for its length.
    let n = unsafe { libc::llistxattr(path.as_ptr(), buf.as_mut_ptr().cast(), buf.len()) };
    (n >= 0).then(|| {
        buf.truncate(n as usize);
        buf
    })
}

fn read_value(path: &CString, key: &CString) -> Option<Vec<u8>> {
    // SAFETY: size query with a NULL buffer; both strings are NUL-terminated.
    let n = unsafe { libc::lgetxattr(path.as_ptr(), key.as_ptr(), std::ptr::null_mut(), 0) };
    if n < 0 {
        return None;
    }
    let mut buf = vec![0u8; n as usize];
    // SAFETY: buf is writable for its length.
    let n = unsafe { libc::lgetxattr(path.as_ptr(), key.as_ptr(), buf.as_mut_ptr().cast(), buf.len()) };
    (n >= 0).then(|| {
        buf.truncate(n as usize);
        buf
    })
}

/// The PAX extended header body for these attributes: records
/// "LEN SCHILY.xattr.KEY=VALUE\n", LEN counting the whole record.
pub fn pax_records(xattrs: &[(Vec<u8>, Vec<u8>)]) -> Vec<u8> {
    let mut body = Vec::new();
    for (k, v) in xattrs {
        let rest = b" SCHILY.xattr.".len() + k.len() + 1 + v.len() + 1;
        let mut len = rest + rest.to_string().len();
        if len.to_string().len() != (len - rest) {
            len += 1;
        }
        body.extend_from_slice(len.to_string().as_bytes());
        body.extend_from_slice(b" SCHILY.xattr.");
        body.extend_from_slice(k);
        body.push(b'=');
        body.extend_from_slice(v);
        body.push(b'\n');
    }
    body
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_lengths_count_themselves() {
        let r = pax_records(&[(b"user.a".to_vec(), b"1".to_vec())]);
        // " SCHILY.xattr.user.a=1\n" is 23 bytes; with "25" the record is 25.
        assert_eq!(r, b"25 SCHILY.xattr.user.a=1\n");
        // A length whose digits push it over a power of ten.
        let v = vec![b'x'; 100 - b" SCHILY.xattr.user.k=\n".len() - 2];
        let r = pax_records(&[(b"user.k".to_vec(), v)]);
        let text = String::from_utf8(r.clone()).unwrap();
        let (len, _) = text.split_once(' ').unwrap();
        assert_eq!(len.parse::<usize>().unwrap(), r.len());
    }

    #[test]
    fn lists_user_xattrs_but_not_overlay_ones() {
        let d = std::env::temp_dir().join(format!("sangja-xattr-{}", std::process::id()));
        std::fs::create_dir_all(&d).unwrap();
        let f = d.join("f");
        std::fs::write(&f, "x").unwrap();
        let set = |k: &str, v: &str| {
            let p = CString::new(f.as_os_str().as_bytes()).unwrap();
            let k = CString::new(k).unwrap();
            // SAFETY: valid strings and buffer.
            unsafe { libc::lsetxattr(p.as_ptr(), k.as_ptr(), v.as_ptr().cast(), v.len(), 0) }
        };
        if set("user.keep", "v") != 0 {
            // The test's file system has no user xattrs (tmpfs on old kernels).
            let _ = std::fs::remove_dir_all(&d);
            return;
        }
        set("user.overlay.opaque", "y");
        let dir = std::fs::File::open(&d).unwrap();
        let l = list(std::os::fd::AsFd::as_fd(&dir), OsStr::new("f"));
        let _ = std::fs::remove_dir_all(&d);
        assert_eq!(l, vec![(b"user.keep".to_vec(), b"v".to_vec())]);
    }
}
