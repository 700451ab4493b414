//! The layers of one mount and the lookup of a name through them, with the
//! kernel overlay driver's rules: the upper layer first, then the lower ones
//! top to bottom; a 0:0 character device is a whiteout that hides the name in
//! every layer below; a folder hides files below it and merges with folders
//! below it unless it is opaque.

use super::beneath::{self, At};
use super::{sys, xattr};
use fuser::Errno;
use std::cell::RefCell;
use std::ffi::CStr;
use std::os::fd::{AsRawFd, OwnedFd, RawFd};
use std::rc::Rc;
use std::sync::atomic::{AtomicU64, Ordering};

/// Bit i stands for layer i (0 is the upper layer, 1.. the lower ones).
pub(super) type Mask = u128;

/// Most layers one mount can merge (the bits of a [`Mask`]).
pub(super) const MAX_LAYERS: usize = 128;

/// What one layer holds at a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Probe {
    Missing,
    Whiteout,
    File,
    Dir,
}

/// Where a name resolves to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Resolved {
    /// The top-most layer holding the entry.
    pub layer: usize,
    /// For a folder: the layers below `layer` whose folders merge into it.
    pub lowers: Mask,
    pub is_dir: bool,
}

/// The lookup rule, apart from the system calls: `probe(layer)` tells what a
/// layer holds, `opaque(layer)` whether its folder is opaque. Only the layers
/// in `mask` are consulted, top to bottom.
pub(super) fn resolve(
    mask: Mask,
    nlayers: usize,
    mut probe: impl FnMut(usize) -> Probe,
    mut opaque: impl FnMut(usize) -> bool,
) -> Option<Resolved> {
    let mut found: Option<Resolved> = None;
    for layer in 0..nlayers {
        if mask & (1 << layer) == 0 {
            continue;
        }
        match probe(layer) {
            Probe::Missing => continue,
            Probe::Whiteout => break,
            Probe::File => {
                if found.is_none() {
                    found = Some(Resolved { layer, lowers: 0, is_dir: false });
                }
                break;
            }
            Probe::Dir => {
                match &mut found {
                    None => found = Some(Resolved { layer, lowers: 0, is_dir: true }),
                    Some(r) => r.lowers |= 1 << layer,
                }
                // Opacity matters only when a lower layer could still merge in.
                let below = mask & !((2u128 << layer) - 1);
                if below != 0 && opaque(layer) {
                    break;
                }
            }
        }
    }
    found
}

/// The open layers of one mount. Every path goes through [`Layers::at`] or
/// [`Layers::open`]: resolved beneath the layer's root, through no symlink.
pub(super) struct Layers {
    /// Root folders (O_PATH), 0 the upper layer.
    pub roots: Vec<OwnedFd>,
    /// st_dev of each root, half of an inode key.
    pub devs: Vec<u64>,
    /// `user.overlay.` or `trusted.overlay.`: the private xattrs, hidden from users.
    pub private_prefix: &'static [u8],
    /// `<prefix>opaque`, NUL-terminated.
    pub opaque_key: &'static CStr,
    /// Which `Layers` this is, for the per-thread folder cache.
    pub id: u64,
    /// Counts the changes that can make a path name another folder, or a
    /// folder at all, in the upper layer (renames, rmdir, mkdir): what a thread
    /// cached under an older count is not used.
    pub moved: AtomicU64,
}

/// A folder fd a thread keeps: the entries of one folder (a listing's
/// lookups, a stat walk) then cost one openat2 per folder, not per entry.
/// Or that the folder is not there (most layers lack most folders).
struct Kept {
    id: u64,
    moved: u64,
    rel: Vec<u8>,
    fd: Result<Rc<OwnedFd>, Errno>,
}

thread_local! {
    /// Per layer (index), the folder this thread's last entry of it was in.
    static KEPT: RefCell<Vec<Option<Kept>>> = const { RefCell::new(Vec::new()) };
}

/// A fresh `Layers::id`.
pub(super) fn next_id() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

impl Layers {
    pub(super) fn len(&self) -> usize {
        self.roots.len()
    }

    /// The root folder of `layer` (O_PATH).
    pub(super) fn root(&self, layer: usize) -> RawFd {
        self.roots[layer].as_raw_fd()
    }

    /// The entry `rel` ("" for the root) of `layer`: its folder opened
    /// beneath the layer's root, and its name.
    pub(super) fn at(&self, layer: usize, rel: &[u8]) -> Result<At, Errno> {
        if rel.is_empty() {
            return beneath::at(self.root(layer), rel);
        }
        let (dir, name) = beneath::split(rel)?;
        self.at_in(layer, dir, name)
    }

    /// The entry `name` (one component) of folder `dir` ("" for the root) of `layer`.
    pub(super) fn at_in(&self, layer: usize, dir: &[u8], name: &[u8]) -> Result<At, Errno> {
        if name.is_empty() || name == b"." || name == b".." || name.contains(&b'/') {
            return Err(Errno::EINVAL);
        }
        if dir.is_empty() {
            return At::new(None, self.root(layer), name);
        }
        // Read before the folder is opened: a rename after it makes the fd
        // kept now unusable, whichever state of the folder it saw.
        let moved = self.moved.load(Ordering::Acquire);
        let hit = KEPT.with(|k| {
            let k = k.borrow();
            match k.get(layer) {
                Some(Some(c)) if c.id == self.id && c.moved == moved && c.rel == dir => Some(c.fd.clone()),
                _ => None,
            }
        });
        let fd = match hit {
            Some(fd) => fd?,
            None => {
                let fd = beneath::open_dir(self.root(layer), dir).map(Rc::new);
                // Kept: the folder, or that nothing (or no folder) is there;
                // not a passing failure (EMFILE, ENOMEM...).
                if matches!(fd, Ok(_) | Err(Errno::ENOENT) | Err(Errno::ENOTDIR) | Err(Errno::ELOOP)) {
                    KEPT.with(|k| {
                        let mut k = k.borrow_mut();
                        if k.len() <= layer {
                            k.resize_with(layer + 1, || None);
                        }
                        k[layer] = Some(Kept { id: self.id, moved, rel: dir.to_vec(), fd: fd.clone() });
                    });
                }
                fd?
            }
        };
        At::new(Some(fd), self.root(layer), name)
    }

    /// A rename, rmdir or mkdir in the upper layer happened: paths may name
    /// other folders now, or folders where there were none.
    pub(super) fn moved(&self) {
        self.moved.fetch_add(1, Ordering::AcqRel);
    }

    /// Opens `rel` of `layer` through no symlink (O_NOFOLLOW at its end).
    pub(super) fn open(&self, layer: usize, rel: &[u8], flags: i32, mode: u32) -> Result<OwnedFd, Errno> {
        if rel.is_empty() {
            return beneath::open(self.root(layer), rel, flags, mode);
        }
        // In its folder (kept per thread: the files of one folder are
        // mostly opened one after the other).
        sys::open_at(&self.at(layer, rel)?, flags, mode)
    }

    /// lstat of `rel` in `layer`.
    pub(super) fn stat(&self, layer: usize, rel: &[u8]) -> Result<libc::stat, Errno> {
        sys::statat(&self.at(layer, rel)?)
    }

    /// What `layer` holds at `rel`, and its stat when it holds something.
    pub(super) fn probe(&self, layer: usize, rel: &[u8]) -> (Probe, Option<libc::stat>) {
        probe_of(self.stat(layer, rel))
    }

    /// Whether the folder at `rel` in `layer` is marked opaque.
    pub(super) fn is_opaque(&self, layer: usize, rel: &[u8]) -> bool {
        let mut v = [0u8; 4];
        let Ok(t) = xattr::Target::open(self, layer, rel) else { return false };
        matches!(xattr::get_into(&t, self.opaque_key, &mut v), Ok(1) if v[0] == b'y')
    }

    /// Resolves `rel/name` in a folder whose merged layers are `mask` (the upper
    /// layer is always consulted). Returns the entry and the stat of its top layer.
    pub(super) fn lookup(&self, mask: Mask, rel: &[u8], name: &[u8]) -> Result<(Resolved, libc::stat), Errno> {
        if name.len() > 255 {
            return Err(Errno::ENAMETOOLONG);
        }
        if name.is_empty() || name == b"." || name == b".." || name.contains(&b'/') {
            return Err(Errno::EINVAL);
        }
        let mut top: Option<libc::stat> = None;
        let r = resolve(
            mask | 1,
            self.len(),
            |layer| {
                let (p, st) = probe_of(self.at_in(layer, rel, name).and_then(|at| sys::statat(&at)));
                if top.is_none() && matches!(p, Probe::File | Probe::Dir) {
                    top = st;
                }
                p
            },
            |layer| self.is_opaque(layer, &super::path::join(rel, name)),
        );
        match (r, top) {
            (Some(r), Some(st)) => Ok((r, st)),
            _ => Err(Errno::ENOENT),
        }
    }

    /// Whether a lower layer of `mask` still shows `rel/name` (so removing it
    /// from the upper layer needs a whiteout).
    pub(super) fn in_lowers(&self, mask: Mask, rel: &[u8], name: &[u8]) -> bool {
        let path = super::path::join(rel, name);
        resolve(mask & !1, self.len(), |layer| self.probe(layer, &path).0, |layer| self.is_opaque(layer, &path)).is_some()
    }
}

fn probe_of(st: Result<libc::stat, Errno>) -> (Probe, Option<libc::stat>) {
    match st {
        Err(_) => (Probe::Missing, None),
        Ok(st) => (kind_of(&st), Some(st)),
    }
}

/// A stat's meaning for the merge.
pub(super) fn kind_of(st: &libc::stat) -> Probe {
    match st.st_mode & libc::S_IFMT {
        libc::S_IFDIR => Probe::Dir,
        libc::S_IFCHR if st.st_rdev == 0 => Probe::Whiteout,
        _ => Probe::File,
    }
}

/// The mask of every layer below the top one that merges into the root folder.
pub(super) fn root_mask(layers: &Layers) -> Mask {
    let all = if layers.len() >= MAX_LAYERS { Mask::MAX } else { (1u128 << layers.len()) - 1 };
    let r = resolve(
        all,
        layers.len(),
        |layer| match layers.stat(layer, b"") {
            Ok(st) if st.st_mode & libc::S_IFMT == libc::S_IFDIR => Probe::Dir,
            _ => Probe::Missing,
        },
        |layer| layers.is_opaque(layer, b""),
    );
    r.map(|r| r.lowers).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(layers: &[Probe], opaque: &[usize]) -> Option<Resolved> {
        resolve(Mask::MAX, layers.len(), |l| layers[l], |l| opaque.contains(&l))
    }

    #[test]
    fn upper_file_hides_lower() {
        assert_eq!(run(&[Probe::File, Probe::File], &[]), Some(Resolved { layer: 0, lowers: 0, is_dir: false }));
        assert_eq!(run(&[Probe::Missing, Probe::File], &[]), Some(Resolved { layer: 1, lowers: 0, is_dir: false }));
    }

    #[test]
    fn whiteout_hides_everything_below() {
        assert_eq!(run(&[Probe::Whiteout, Probe::File], &[]), None);
        assert_eq!(run(&[Probe::Missing, Probe::Whiteout, Probe::Dir], &[]), None);
        // A whiteout below a folder ends the merge but keeps the folder.
        assert_eq!(run(&[Probe::Dir, Probe::Whiteout, Probe::Dir], &[]), Some(Resolved { layer: 0, lowers: 0, is_dir: true }));
    }

    #[test]
    fn folders_merge_until_opaque() {
        assert_eq!(run(&[Probe::Dir, Probe::Dir, Probe::Dir], &[]), Some(Resolved { layer: 0, lowers: 0b110, is_dir: true }));
        assert_eq!(run(&[Probe::Dir, Probe::Dir, Probe::Dir], &[1]), Some(Resolved { layer: 0, lowers: 0b010, is_dir: true }));
        assert_eq!(run(&[Probe::Dir, Probe::Dir, Probe::Dir], &[0]), Some(Resolved { layer: 0, lowers: 0, is_dir: true }));
    }

    #[test]
    fn folder_hides_files_below_and_file_hides_folders_below() {
        assert_eq!(run(&[Probe::Dir, Probe::File, Probe::Dir], &[]), Some(Resolved { layer: 0, lowers: 0, is_dir: true }));
        assert_eq!(run(&[Probe::File, Probe::Dir], &[]), Some(Resolved { layer: 0, lowers: 0, is_dir: false }));
    }

    #[test]
    fn only_masked_layers_count() {
        let layers = [Probe::Missing, Probe::File, Probe::Dir];
        assert_eq!(resolve(0b101, 3, |l| layers[l], |_| false), Some(Resolved { layer: 2, lowers: 0, is_dir: true }));
    }
}
