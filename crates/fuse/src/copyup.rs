//! Copy-up: before a lower-layer file or folder is changed, it is copied into
//! the upper layer with its data, mode, owner, times and xattrs, parents
//! first, keeping its inode number. Callers hold the write lock.

use super::beneath::At;
use super::inodes::Node;
use super::layers::Probe;
use super::path::{parent, CPath};
use super::sys;
use super::xattr;
use super::Overlay;
use fuser::Errno;
use std::os::fd::{AsRawFd, RawFd};

impl Overlay {
    /// Makes the folder `rel` and its parents exist in the upper layer.
    pub(super) fn ensure_upper_dir(&self, rel: &[u8]) -> Result<(), Errno> {
        if rel.is_empty() {
            return Ok(());
        }
        match self.layers.probe(0, rel) {
            (Probe::Dir, _) => return Ok(()),
            (Probe::Missing, _) => {}
            _ => return Err(Errno::ENOTDIR),
        }
        self.ensure_upper_dir(parent(rel))?;
        // The path is visible, so the top-most lower layer holding it is the one shown.
        let mut src = None;
        for layer in 1..self.layers.len() {
            match self.layers.probe(layer, rel) {
                (Probe::Missing, _) => continue,
                (Probe::Dir, Some(st)) => {
                    src = Some((layer, st));
                    break;
                }
                _ => break,
            }
        }
        let (layer, st) = src.ok_or(Errno::ENOENT)?;
        let p = self.layers.at(0, rel)?;
        let made = sys::mkdirat(&p, st.st_mode & 0o7777);
        self.layers.moved();
        made?;
        sys::lchownat(&p, st.st_uid, st.st_gid)?;
        sys::chmodat(&p, st.st_mode & 0o7777)?;
        xattr::copy_all(
            &xattr::Target::open(&self.layers, layer, rel)?,
            &xattr::Target::open(&self.layers, 0, rel)?,
            self.layers.private_prefix,
        )?;
        sys::utimensat(&p, &sys::times_of(&st))?;
        self.moved_up(layer, &st, rel);
        Ok(())
    }

    /// The lower file (`layer`, `st`) now also exists in the upper layer at
    /// `rel`: it keeps its inode number and its node now reads the upper copy.
    fn moved_up(&self, layer: usize, st: &libc::stat, rel: &[u8]) {
        let (dev, key) = self.key_of(layer, st, rel);
        let our = self.inodes.ino_for(dev, key);
        if let Ok(ust) = self.layers.stat(0, rel) {
            self.inodes.alias(self.layers.devs[0], ust.st_ino, our);
        }
        if let Some(node) = self.inodes.get(our) {
            let mut s = node.state.write();
            if s.layer != 0 {
                // A folder keeps merging the layer it was read from.
                if s.is_dir {
                    s.lowers |= 1u128 << s.layer;
                }
                s.layer = 0;
            }
            drop(s);
            self.forget_data(&node);
        }
    }

    /// The inode key of a layer file: its (st_dev, st_ino), except for hard
    /// links in a lower layer, which copy-up separates (each name is copied on
    /// its own, as kernel overlay without index does): those are keyed by path.
    pub(super) fn key_of(&self, layer: usize, st: &libc::stat, rel: &[u8]) -> (u64, u64) {
        if layer == 0 || st.st_nlink <= 1 || st.st_mode & libc::S_IFMT == libc::S_IFDIR {
            return (self.layers.devs[layer], st.st_ino);
        }
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        rel.hash(&mut h);
        (u64::MAX - layer as u64, h.finish())
    }

    /// Copies `node` into the upper layer unless it is there already.
    pub(super) fn copy_up(&self, node: &Node) -> Result<(), Errno> {
        let (path, layer, is_dir) = {
            let s = node.state.read();
            (s.path().ok_or(Errno::ENOENT)?.to_vec(), s.layer, s.is_dir)
        };
        if layer == 0 {
            return Ok(());
        }
        if is_dir {
            self.ensure_upper_dir(&path)?;
            let mut s = node.state.write();
            if s.layer != 0 {
                s.lowers |= 1u128 << s.layer;
                s.layer = 0;
            }
            return Ok(());
        }
        self.copy_up_file(&path, layer)
    }

    /// Copies the non-folder at `rel` in lower `layer` up.
    pub(super) fn copy_up_file(&self, rel: &[u8], layer: usize) -> Result<(), Errno> {
        self.ensure_upper_dir(parent(rel))?;
        let p = self.layers.at(0, rel)?;
        if sys::statat(&p).is_ok() {
            return Ok(()); // another request copied it first
        }
        let src = self.layers.at(layer, rel)?;
        let st = sys::statat(&src)?;
        let mode = st.st_mode & 0o7777;
        match st.st_mode & libc::S_IFMT {
            libc::S_IFREG => self.copy_up_data(&src, &p, &st)?,
            libc::S_IFLNK => {
                let mut buf = [0u8; 4097];
                let n = sys::readlinkat(&src, &mut buf[..4096])?;
                let target = std::ffi::CStr::from_bytes_with_nul(&buf[..=n]).map_err(|_| Errno::EINVAL)?;
                sys::symlinkat(target, &p)?;
                sys::lchownat(&p, st.st_uid, st.st_gid)?;
            }
            _ => {
                sys::mknodat(&p, st.st_mode, st.st_rdev)?;
                sys::lchownat(&p, st.st_uid, st.st_gid)?;
                sys::chmodat(&p, mode)?;
            }
        }
        if st.st_mode & libc::S_IFMT != libc::S_IFLNK {
            let (from, to) = (xattr::Target::open(&self.layers, layer, rel)?, xattr::Target::open(&self.layers, 0, rel)?);
            xattr::copy_all(&from, &to, self.layers.private_prefix)?;
        }
        sys::utimensat(&p, &sys::times_of(&st))?;
        self.moved_up(layer, &st, rel);
        Ok(())
    }

    /// A regular file: the data goes into an unnamed O_TMPFILE that is linked
    /// in when complete, so no request ever sees a half-copied file.
    fn copy_up_data(&self, from: &At, p: &At, st: &libc::stat) -> Result<(), Errno> {
        let src = sys::open_at(from, libc::O_RDONLY, 0)?;
        // The folder `p` is in, already opened beneath the upper layer.
        let tmp =
            if self.use_tmpfile { sys::openat(p.fd(), &CPath::rel(b"")?, libc::O_TMPFILE | libc::O_WRONLY, 0o600).ok() } else { None };
        let (dst, named) = match tmp {
            Some(fd) => (fd, false),
            None => (sys::open_at(p, libc::O_CREAT | libc::O_EXCL | libc::O_WRONLY, 0o600)?, true),
        };
        if let Err(e) = fill_copy(src.as_raw_fd(), dst.as_raw_fd(), st) {
            if named {
                let _ = sys::unlinkat(p, 0);
            }
            return Err(e);
        }
        if !named {
            sys::link_fd(dst.as_raw_fd(), p)?;
        }
        Ok(())
    }
}

/// Fills the new upper file `dst` with the data of `src` (stat `st`) and
/// gives it `st`'s owner and mode.
pub(super) fn fill_copy(src: RawFd, dst: RawFd, st: &libc::stat) -> Result<(), Errno> {
    sys::copy_data(src, dst, st.st_size as u64)?;
    // SAFETY: plain fd calls; chown before chmod, which chown would undo for set-id bits.
    unsafe {
        if libc::fchown(dst, st.st_uid, st.st_gid) != 0 || libc::fchmod(dst, st.st_mode & 0o7777) != 0 {
            return Err(sys::errno());
        }
    }
    Ok(())
}
