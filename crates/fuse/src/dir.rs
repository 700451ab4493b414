//! Folder listings: the entries of every merged layer, upper first, a name
//! shown once (from its top-most layer), whiteouts hiding names below them.
//! Folders have no handles (the server answers OPENDIR with ENOSYS, so the
//! kernel sends neither OPENDIR nor RELEASEDIR): a listing is taken when a
//! folder is read from offset 0, kept on its node so later offsets (index + 1)
//! point into the same listing, and dropped once read to its end.

use super::layers::{Layers, Mask};
use super::path::CPath;
use super::server::file_type;
use super::sys;
use fuser::{Errno, FileType};
use std::collections::HashSet;
use std::os::fd::IntoRawFd;

/// What one layer's folder says about a name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum RawKind {
    Whiteout,
    Shown(FileType),
}

/// One name read from one layer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct RawEntry {
    pub name: Vec<u8>,
    pub d_ino: u64,
    pub kind: RawKind,
}

/// One entry of a merged listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Entry {
    pub name: Vec<u8>,
    pub layer: usize,
    pub d_ino: u64,
    pub kind: FileType,
}

/// Merges the listings of the layers (top first).
pub(super) fn merge(layers: Vec<(usize, Vec<RawEntry>)>) -> Vec<Entry> {
    let mut seen: HashSet<Vec<u8>> = HashSet::new();
    let mut out = Vec::new();
    for (layer, entries) in layers {
        let mut hidden_here = Vec::new();
        for e in entries {
            if e.name == b"." || e.name == b".." || seen.contains(&e.name) {
                continue;
            }
            if let RawKind::Shown(kind) = e.kind {
                out.push(Entry { name: e.name.clone(), layer, d_ino: e.d_ino, kind });
            }
            // Names of this layer hide the same names below, but not each other.
            hidden_here.push(e.name);
        }
        seen.extend(hidden_here);
    }
    out
}

/// The names of folder `rel` in one layer (empty if the layer lacks it).
pub(super) fn read_layer(layers: &Layers, layer: usize, rel: &[u8]) -> Result<Vec<RawEntry>, Errno> {
    let fd = match layers.open(layer, rel, libc::O_RDONLY | libc::O_DIRECTORY, 0) {
        Ok(fd) => fd,
        // ELOOP: a symlink where a folder was, which no layer merges.
        Err(Errno::ENOENT) | Err(Errno::ENOTDIR) | Err(Errno::ELOOP) => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    let raw = fd.into_raw_fd();
    let dirfd = raw;
    // SAFETY: fdopendir takes ownership of the fd; closedir below releases both.
    let dir = unsafe { libc::fdopendir(raw) };
    if dir.is_null() {
        let e = sys::errno();
        // SAFETY: fdopendir failed, so the fd is still ours.
        unsafe { libc::close(raw) };
        return Err(e);
    }
    let mut out = Vec::new();
    loop {
        // SAFETY: dir is a valid DIR*; the entry lives until the next readdir.
        let ent = unsafe { libc::readdir64(dir) };
        if ent.is_null() {
            break;
        }
        // SAFETY: d_name is NUL-terminated.
        let (name, d_type, d_ino) =
            unsafe { (std::ffi::CStr::from_ptr((*ent).d_name.as_ptr()).to_bytes().to_vec(), (*ent).d_type, (*ent).d_ino) };
        let kind = match d_type {
            libc::DT_DIR => RawKind::Shown(FileType::Directory),
            libc::DT_REG => RawKind::Shown(FileType::RegularFile),
            libc::DT_LNK => RawKind::Shown(FileType::Symlink),
            libc::DT_FIFO => RawKind::Shown(FileType::NamedPipe),
            libc::DT_SOCK => RawKind::Shown(FileType::Socket),
            libc::DT_BLK => RawKind::Shown(FileType::BlockDevice),
            _ => {
                // DT_CHR may be a whiteout; DT_UNKNOWN needs a stat anyway.
                if name == b"." || name == b".." {
                    continue;
                }
                // In the folder just read, by its fd: the name is one component.
                match CPath::rel(&name).and_then(|c| stat_in(dirfd, &c)) {
                    Ok(st) if st.st_mode & libc::S_IFMT == libc::S_IFCHR && st.st_rdev == 0 => RawKind::Whiteout,
                    Ok(st) => RawKind::Shown(file_type(st.st_mode)),
                    Err(_) => continue, // removed meanwhile
                }
            }
        };
        out.push(RawEntry { name, d_ino, kind });
    }
    // SAFETY: closes the DIR* and its fd.
    unsafe { libc::closedir(dir) };
    Ok(out)
}

/// lstat of `name` in the open folder `dir`.
fn stat_in(dir: std::os::fd::RawFd, name: &CPath) -> Result<libc::stat, Errno> {
    let mut st = std::mem::MaybeUninit::<libc::stat>::uninit();
    // SAFETY: an open folder, NUL-terminated name; st is written on success.
    sys::cvt(unsafe { libc::fstatat(dir, name.as_ptr(), st.as_mut_ptr(), libc::AT_SYMLINK_NOFOLLOW) })?;
    // SAFETY: fstatat succeeded.
    Ok(unsafe { st.assume_init() })
}

/// The merged listing of folder `rel` whose top layer is `top` and whose
/// merged lower layers are `lowers`.
pub(super) fn list(layers: &Layers, rel: &[u8], top: usize, lowers: Mask) -> Result<Vec<Entry>, Errno> {
    let mut per_layer = Vec::new();
    for layer in 0..layers.len() {
        if layer == 0 || layer == top || lowers & (1 << layer) != 0 {
            per_layer.push((layer, read_layer(layers, layer, rel)?));
        }
    }
    Ok(merge(per_layer))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(name: &str, kind: RawKind) -> RawEntry {
        RawEntry { name: name.as_bytes().to_vec(), d_ino: 1, kind }
    }
    const F: RawKind = RawKind::Shown(FileType::RegularFile);
    const D: RawKind = RawKind::Shown(FileType::Directory);
    const W: RawKind = RawKind::Whiteout;

    fn names(v: &[Entry]) -> Vec<(String, usize)> {
        v.iter().map(|e| (String::from_utf8_lossy(&e.name).into_owned(), e.layer)).collect()
    }

    #[test]
    fn upper_names_win_and_whiteouts_hide() {
        let merged = merge(vec![
            (0, vec![e(".", D), e("a", F), e("gone", W)]),
            (1, vec![e("a", D), e("b", F), e("gone", F), e("..", D)]),
            (2, vec![e("b", F), e("c", F)]),
        ]);
        assert_eq!(names(&merged), vec![("a".into(), 0), ("b".into(), 1), ("c".into(), 2)]);
    }

    #[test]
    fn whiteout_in_a_middle_layer_hides_only_below() {
        let merged = merge(vec![(0, vec![e("x", F)]), (1, vec![e("x", W), e("y", W)]), (2, vec![e("y", F), e("z", F)])]);
        assert_eq!(names(&merged), vec![("x".into(), 0), ("z".into(), 2)]);
    }

    #[test]
    fn empty_listing() {
        assert!(merge(vec![(0, vec![]), (1, vec![e("w", W)])]).is_empty());
    }
}
