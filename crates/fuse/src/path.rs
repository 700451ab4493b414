//! Paths of the merged tree without allocation: a node's relative path
//! (empty for the root) joined with a name in a stack buffer, NUL-terminated
//! for the *at(2) calls.

use fuser::Errno;

/// Longest path we build (PATH_MAX plus a name).
const CAP: usize = 4096 + 256;

/// A NUL-terminated path on the stack, of at most N - 1 bytes.
pub(super) struct Buf<const N: usize> {
    buf: [u8; N],
    len: usize,
}

/// A path of the merged tree.
pub(super) type CPath = Buf<CAP>;

/// One name (NAME_MAX, 255 bytes), or "/proc/self/fd/N/" and one: what the
/// calls on an entry of an open folder take (beneath.rs, xattr.rs).
pub(super) type CName = Buf<{ 256 + 32 }>;

impl<const N: usize> Buf<N> {
    fn empty() -> Self {
        Buf { buf: [0; N], len: 0 }
    }

    fn push(&mut self, part: &[u8]) -> Result<(), Errno> {
        if self.len + part.len() + 1 > N {
            return Err(Errno::ENAMETOOLONG);
        }
        self.buf[self.len..self.len + part.len()].copy_from_slice(part);
        self.len += part.len();
        self.buf[self.len] = 0;
        Ok(())
    }

    /// `rel` relative to a layer's root fd ("." for the root itself).
    pub(super) fn rel(rel: &[u8]) -> Result<Self, Errno> {
        let mut p = Self::empty();
        p.push(if rel.is_empty() { b"." } else { rel })?;
        Ok(p)
    }

    /// `rel/name` relative to a layer's root fd.
    pub(super) fn child(rel: &[u8], name: &[u8]) -> Result<Self, Errno> {
        let mut p = Self::empty();
        if !rel.is_empty() {
            p.push(rel)?;
            p.push(b"/")?;
        }
        p.push(name)?;
        Ok(p)
    }

    /// `root/rel`: an absolute path (`/proc/self/fd/N` and below).
    pub(super) fn abs(root: &[u8], rel: &[u8]) -> Result<Self, Errno> {
        let mut p = Self::empty();
        p.push(root)?;
        if !rel.is_empty() {
            p.push(b"/")?;
            p.push(rel)?;
        }
        Ok(p)
    }

    #[cfg(test)]
    pub(super) fn as_cstr(&self) -> &std::ffi::CStr {
        // SAFETY-free: the buffer always holds a NUL at `len` and none before
        // (names from the kernel and the layers never contain NUL).
        std::ffi::CStr::from_bytes_with_nul(&self.buf[..=self.len]).unwrap_or(c".")
    }

    /// The path without its NUL.
    pub(super) fn bytes(&self) -> &[u8] {
        &self.buf[..self.len]
    }

    pub(super) fn as_ptr(&self) -> *const libc::c_char {
        self.buf.as_ptr() as *const libc::c_char
    }
}

/// `rel` joined with `name` as an owned relative path (for node records).
pub(super) fn join(rel: &[u8], name: &[u8]) -> Vec<u8> {
    let mut v = Vec::with_capacity(rel.len() + name.len() + 1);
    if !rel.is_empty() {
        v.extend_from_slice(rel);
        v.push(b'/');
    }
    v.extend_from_slice(name);
    v
}

/// The parent of a relative path ("" for a top-level entry).
pub(super) fn parent(rel: &[u8]) -> &[u8] {
    match rel.iter().rposition(|&b| b == b'/') {
        Some(i) => &rel[..i],
        None => b"",
    }
}

/// `path` with the leading `from` replaced by `to`, when `path` is `from` or below it.
pub(super) fn rebase(path: &[u8], from: &[u8], to: &[u8]) -> Option<Vec<u8>> {
    if path == from {
        return Some(to.to_vec());
    }
    if path.len() > from.len() && path.starts_with(from) && path[from.len()] == b'/' {
        let mut v = to.to_vec();
        v.extend_from_slice(&path[from.len()..]);
        return Some(v);
    }
    None
}

/// `path` after `a` and `b` traded places (a rename exchange): what was at or
/// below one is now at or below the other. None for paths outside both.
/// Neither of `a` and `b` may lie below the other.
pub(super) fn swap(path: &[u8], a: &[u8], b: &[u8]) -> Option<Vec<u8>> {
    rebase(path, a, b).or_else(|| rebase(path, b, a))
}

/// Whether `path` is `dir` or lies below it.
pub(super) fn within(path: &[u8], dir: &[u8]) -> bool {
    rebase(path, dir, b"").is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_and_splits() {
        assert_eq!(CPath::rel(b"").unwrap().as_cstr().to_bytes(), b".");
        assert_eq!(CPath::child(b"", b"a").unwrap().as_cstr().to_bytes(), b"a");
        assert_eq!(CPath::child(b"a/b", b"c").unwrap().as_cstr().to_bytes(), b"a/b/c");
        assert_eq!(CPath::abs(b"/l", b"").unwrap().as_cstr().to_bytes(), b"/l");
        assert_eq!(CPath::abs(b"/l", b"x/y").unwrap().as_cstr().to_bytes(), b"/l/x/y");
        assert_eq!(join(b"", b"a"), b"a");
        assert_eq!(join(b"a", b"b"), b"a/b");
        assert_eq!(parent(b"a/b/c"), b"a/b");
        assert_eq!(parent(b"a"), b"");
        assert!(CPath::child(&[b'a'; 5000], b"b").is_err());
    }

    #[test]
    fn rebases_only_whole_components() {
        assert_eq!(rebase(b"a/b", b"a", b"z"), Some(b"z/b".to_vec()));
        assert_eq!(rebase(b"a", b"a", b"z"), Some(b"z".to_vec()));
        assert_eq!(rebase(b"ab/c", b"a", b"z"), None);
        assert_eq!(rebase(b"b", b"a", b"z"), None);
    }

    #[test]
    fn swaps_both_ways_and_tells_what_is_within() {
        assert_eq!(swap(b"a/x", b"a", b"d/b"), Some(b"d/b/x".to_vec()));
        assert_eq!(swap(b"d/b", b"a", b"d/b"), Some(b"a".to_vec()));
        assert_eq!(swap(b"d/b/y/z", b"a", b"d/b"), Some(b"a/y/z".to_vec()));
        assert_eq!(swap(b"d", b"a", b"d/b"), None);
        assert_eq!(swap(b"ab", b"a", b"d/b"), None);
        assert!(within(b"a", b"a") && within(b"a/b", b"a"));
        assert!(!within(b"ab", b"a") && !within(b"a", b"a/b"));
    }
}
