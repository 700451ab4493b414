//! The changing operations: create, mkdir, mknod, symlink, link, unlink,
//! rmdir, rename, setattr and xattr changes. Each holds the write lock, copies
//! up what it touches and keeps whiteouts and opaque folders as kernel overlay.

use super::beneath::At;
use super::dir;
use super::inodes::Node;
use super::layers::{kind_of, Probe, Resolved};
use super::path::{join, rebase, swap, within, CPath};
use super::sys;
use super::xattr;
use super::Overlay;
use fuser::{Errno, TimeOrNow};
use std::ffi::{CString, OsStr};
use std::os::fd::{AsRawFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::sync::Arc;
use std::time::UNIX_EPOCH;

/// What to create.
pub(super) enum Make<'a> {
    File { mode: u32, flags: i32 },
    Dir { mode: u32 },
    Node { mode: u32, rdev: u64 },
    Symlink { target: &'a [u8] },
}

/// A created entry: its node, its stat, and the open fd of a created file.
pub(super) type Made = (Arc<Node>, libc::stat, Option<OwnedFd>);

fn time_spec(t: Option<TimeOrNow>) -> libc::timespec {
    match t {
        None => libc::timespec { tv_sec: 0, tv_nsec: libc::UTIME_OMIT },
        Some(TimeOrNow::Now) => libc::timespec { tv_sec: 0, tv_nsec: libc::UTIME_NOW },
        Some(TimeOrNow::SpecificTime(t)) => match t.duration_since(UNIX_EPOCH) {
            Ok(d) => libc::timespec { tv_sec: d.as_secs() as libc::time_t, tv_nsec: d.subsec_nanos() as libc::c_long },
            Err(e) => {
                let d = e.duration();
                let (mut s, mut ns) = (-(d.as_secs() as i64), -(d.subsec_nanos() as i64));
                if ns < 0 {
                    s -= 1;
                    ns += 1_000_000_000;
                }
                libc::timespec { tv_sec: s as libc::time_t, tv_nsec: ns as libc::c_long }
            }
        },
    }
}

impl Overlay {
    pub(super) fn node(&self, ino: u64) -> Result<Arc<Node>, Errno> {
        self.inodes.get(ino).ok_or(Errno::ENOENT)
    }

    /// A folder node's path and merged lower layers.
    fn dir_of(&self, node: &Node) -> Result<(Vec<u8>, u128), Errno> {
        let s = node.state.read();
        if !s.is_dir {
            return Err(Errno::ENOTDIR);
        }
        Ok((s.path().ok_or(Errno::ENOENT)?.to_vec(), s.mask()))
    }

    /// `node` is about to lose its name `p` (in `layer`): if that is its last
    /// name, keep an fd so files still open can be read, written and stat'ed.
    fn losing_name(&self, node: &Node, layer: usize, rel: &[u8]) {
        let mut s = node.state.write();
        s.paths.retain(|x| x.as_slice() != rel);
        if s.paths.is_empty() && !s.is_dir {
            let Ok(p) = self.layers.at(layer, rel) else { return };
            let regular = sys::statat(&p).is_ok_and(|st| st.st_mode & libc::S_IFMT == libc::S_IFREG);
            // Only a regular file's data is opened: a device or fifo must not be.
            let flags = match (regular, layer == 0) {
                (true, true) => libc::O_RDWR,
                (true, false) => libc::O_RDONLY,
                (false, _) => libc::O_PATH,
            };
            let fd = sys::open_at(&p, flags, 0).or_else(|_| sys::open_at(&p, libc::O_PATH, 0));
            if let Ok(fd) = fd {
                s.orphan = Some(Arc::new(fd));
            }
        }
    }

    fn whiteout(&self, p: &At) -> Result<(), Errno> {
        sys::mknodat(p, libc::S_IFCHR, 0)
    }

    fn set_opaque(&self, rel: &[u8]) -> Result<(), Errno> {
        xattr::set(&xattr::Target::open(&self.layers, 0, rel)?, self.layers.opaque_key, b"y", 0)
    }

    /// Removes the whiteouts an upper folder holds (so it can be removed or
    /// replaced); anything else in it means it is not empty.
    fn clear_whiteouts(&self, rel: &[u8]) -> Result<(), Errno> {
        let mut whiteouts = Vec::new();
        for e in dir::read_layer(&self.layers, 0, rel)? {
            if e.name == b"." || e.name == b".." {
                continue;
            }
            if e.kind != dir::RawKind::Whiteout {
                return Err(Errno::ENOTEMPTY);
            }
            whiteouts.push(e.name);
        }
        if whiteouts.is_empty() {
            return Ok(());
        }
        // In the folder itself, opened once beneath the upper layer.
        let dir = self.layers.open(0, rel, libc::O_PATH | libc::O_DIRECTORY, 0)?;
        for name in whiteouts {
            // SAFETY: an open folder, a NUL-terminated name (one component, from its listing).
            sys::cvt(unsafe { libc::unlinkat(dir.as_raw_fd(), CPath::rel(&name)?.as_ptr(), 0) })?;
        }
        Ok(())
    }

    /// Whether the merged folder (`r` at `rel`) shows any entry.
    fn merged_empty(&self, rel: &[u8], r: &Resolved) -> Result<bool, Errno> {
        Ok(dir::list(&self.layers, rel, r.layer, r.lowers)?.is_empty())
    }

    /// Creates `name` in folder `parent` as the caller (`uid`, `gid`).
    pub(super) fn make(&self, uid: u32, gid: u32, parent: u64, name: &OsStr, what: Make<'_>) -> Result<Made, Errno> {
        let _w = self.wlock.lock();
        let pnode = self.node(parent)?;
        self.copy_up(&pnode)?;
        let (prel, pmask) = self.dir_of(&pnode)?;
        let name = name.as_bytes();
        let rel = join(&prel, name);
        let p = self.layers.at(0, &rel)?;
        let mut over_whiteout = false;
        match sys::statat(&p).map(|st| kind_of(&st)).unwrap_or(Probe::Missing) {
            Probe::Whiteout => {
                sys::unlinkat(&p, 0)?;
                over_whiteout = true;
            }
            Probe::Missing if !self.layers.in_lowers(pmask, &prel, name) => {}
            _ => return Err(Errno::EEXIST),
        }
        // The group of a set-group-ID folder passes to what is made in it
        // (the folder `p` is in, already open).
        let pst = sys::fstat(p.fd())?;
        let sgid = pst.st_mode & libc::S_ISGID != 0;
        let gid = if sgid { pst.st_gid } else { gid };
        let mut fd = None;
        let (is_dir, mode) = match what {
            Make::File { mode, flags } => {
                // Read-write whatever the caller asked: the fd becomes the node's data fd.
                let flags = (flags & !(libc::O_ACCMODE | libc::O_APPEND | libc::O_NOCTTY | libc::O_TRUNC))
                    | libc::O_RDWR
                    | libc::O_CREAT
                    | libc::O_EXCL;
                fd = Some(sys::open_at(&p, flags, mode & 0o7777)?);
                (false, Some(mode & 0o7777))
            }
            Make::Dir { mode } => {
                let mode = (mode & 0o7777) | if sgid { libc::S_ISGID } else { 0 };
                let made = sys::mkdirat(&p, mode);
                self.layers.moved();
                made?;
                (true, Some(mode))
            }
            Make::Node { mode, rdev } => {
                sys::mknodat(&p, mode, rdev)?;
                (false, Some(mode & 0o7777))
            }
            Make::Symlink { target } => {
                let t = CString::new(target).map_err(|_| Errno::EINVAL)?;
                sys::symlinkat(&t, &p)?;
                (false, None)
            }
        };
        // The server's own ids are what a new file gets (the group: the parent's
        // when set-group-ID): then the chown is a syscall for nothing.
        // SAFETY: geteuid/getegid have no failure mode.
        let (euid, egid) = unsafe { (libc::geteuid(), libc::getegid()) };
        let owned = uid == euid && (if sgid { gid == pst.st_gid } else { gid == egid });
        let finish = || -> Result<(), Errno> {
            if !owned {
                sys::lchownat(&p, uid, gid)?;
            }
            if let Some(mode) = mode {
                // chown cleared set-ID bits the caller asked for.
                if mode & (libc::S_ISUID | libc::S_ISGID) != 0 {
                    sys::chmodat(&p, mode)?;
                }
            }
            if over_whiteout && is_dir {
                // The folder replaces a removed one: nothing below may show through.
                self.set_opaque(&rel)?;
            }
            Ok(())
        };
        if let Err(e) = finish() {
            let _ = sys::unlinkat(&p, if is_dir { libc::AT_REMOVEDIR } else { 0 });
            return Err(e);
        }
        let st = match &fd {
            Some(f) => sys::fstat(f.as_raw_fd())?,
            None => sys::statat(&p)?,
        };
        let ino = self.inodes.ino_for(self.layers.devs[0], st.st_ino);
        let node = self.inodes.remember(ino, &rel, 0, 0, is_dir);
        Ok((node, st, fd))
    }

    pub(super) fn do_link(&self, ino: u64, newparent: u64, newname: &OsStr) -> Result<(Arc<Node>, libc::stat), Errno> {
        let _w = self.wlock.lock();
        let node = self.node(ino)?;
        if node.state.read().is_dir {
            return Err(Errno::EPERM);
        }
        self.copy_up(&node)?;
        let pnode = self.node(newparent)?;
        self.copy_up(&pnode)?;
        let (prel, pmask) = self.dir_of(&pnode)?;
        let name = newname.as_bytes();
        let rel = join(&prel, name);
        let to = self.layers.at(0, &rel)?;
        match sys::statat(&to).map(|st| kind_of(&st)).unwrap_or(Probe::Missing) {
            Probe::Whiteout => sys::unlinkat(&to, 0)?,
            Probe::Missing if !self.layers.in_lowers(pmask, &prel, name) => {}
            _ => return Err(Errno::EEXIST),
        }
        let from = self.layers.at(0, node.state.read().path().ok_or(Errno::ENOENT)?)?;
        sys::linkat(&from, &to)?;
        let st = sys::statat(&to)?;
        self.inodes.add_lookup(&node);
        node.state.write().paths.push(rel);
        Ok((node, st))
    }

    /// unlink (`rmdir` false) or rmdir of `name` in `parent`.
    pub(super) fn remove(&self, parent: u64, name: &OsStr, rmdir: bool) -> Result<(), Errno> {
        let _w = self.wlock.lock();
        let pnode = self.node(parent)?;
        let (prel, pmask) = self.dir_of(&pnode)?;
        let name = name.as_bytes();
        let (r, st) = self.layers.lookup(pmask, &prel, name)?;
        let rel = join(&prel, name);
        match (rmdir, r.is_dir) {
            (true, false) => return Err(Errno::ENOTDIR),
            (false, true) => return Err(Errno::EISDIR),
            (true, true) if !self.merged_empty(&rel, &r)? => return Err(Errno::ENOTEMPTY),
            _ => {}
        }
        let (dev, key) = self.key_of(r.layer, &st, &rel);
        let node = self.inodes.node_of_key(dev, key);
        if let Some(node) = &node {
            self.losing_name(node, r.layer, &rel);
        }
        if r.layer == 0 {
            let p = self.layers.at(0, &rel)?;
            if rmdir {
                self.clear_whiteouts(&rel)?;
                let removed = sys::unlinkat(&p, libc::AT_REMOVEDIR);
                self.layers.moved();
                removed?;
            } else {
                sys::unlinkat(&p, 0)?;
            }
            if rmdir || st.st_nlink <= 1 {
                self.inodes.drop_key(self.layers.devs[0], st.st_ino);
            }
        }
        if self.layers.in_lowers(pmask, &prel, name) {
            self.copy_up(&pnode)?;
            self.whiteout(&self.layers.at(0, &rel)?)?;
        }
        Ok(())
    }

    pub(super) fn do_rename(&self, parent: u64, name: &OsStr, newparent: u64, newname: &OsStr, flags: u32) -> Result<(), Errno> {
        if flags == libc::RENAME_EXCHANGE {
            return self.do_exchange(parent, name, newparent, newname);
        }
        if flags & !libc::RENAME_NOREPLACE != 0 {
            // As kernel overlay: RENAME_WHITEOUT is not offered, nor EXCHANGE
            // with another flag (the VFS refuses that before us anyway).
            return Err(Errno::EINVAL);
        }
        let _w = self.wlock.lock();
        let (sp, dp) = (self.node(parent)?, self.node(newparent)?);
        let (srel, smask) = self.dir_of(&sp)?;
        let (drel, dmask) = self.dir_of(&dp)?;
        let (sname, dname) = (name.as_bytes(), newname.as_bytes());
        let (sr, sst) = self.layers.lookup(smask, &srel, sname)?;
        let dst = self.layers.lookup(dmask, &drel, dname).ok();
        let from = CPath::child(&srel, sname)?;
        let to = CPath::child(&drel, dname)?;
        if from.bytes() == to.bytes() {
            return Ok(());
        }
        if sr.is_dir && to.bytes().starts_with(from.bytes()) && to.bytes().get(from.bytes().len()) == Some(&b'/') {
            return Err(Errno::EINVAL);
        }
        if let Some((dr, dst_st)) = &dst {
            if flags & libc::RENAME_NOREPLACE != 0 {
                return Err(Errno::EEXIST);
            }
            if self.layers.devs[dr.layer] == self.layers.devs[sr.layer] && dst_st.st_ino == sst.st_ino && dr.layer == sr.layer {
                return Ok(()); // two names of one file: rename(2) does nothing
            }
            match (sr.is_dir, dr.is_dir) {
                (false, true) => return Err(Errno::EISDIR),
                (true, false) => return Err(Errno::ENOTDIR),
                (true, true) if !self.merged_empty(to.bytes(), dr)? => return Err(Errno::ENOTEMPTY),
                _ => {}
            }
        }
        // Without redirects a folder that has lower parts cannot move (as kernel
        // overlay without redirect_dir): EXDEV makes mv copy it instead.
        if sr.is_dir && (sr.layer != 0 || sr.lowers != 0) {
            return Err(Errno::EXDEV);
        }
        if sr.layer != 0 {
            self.copy_up_file(from.bytes(), sr.layer)?;
        }
        self.copy_up(&sp)?;
        self.copy_up(&dp)?;
        let (fa, ta) = (self.layers.at(0, from.bytes())?, self.layers.at(0, to.bytes())?);
        let src_key = sys::statat(&fa)?;
        let src_node = self.inodes.node_of_key(self.layers.devs[0], src_key.st_ino);
        let mut dst_node = None;
        match sys::statat(&ta).map(|st| (kind_of(&st), Some(st))).unwrap_or((Probe::Missing, None)) {
            (Probe::Whiteout, _) => sys::unlinkat(&ta, 0)?,
            (Probe::Dir, Some(st)) => {
                self.clear_whiteouts(to.bytes())?;
                dst_node = self.inodes.node_of_key(self.layers.devs[0], st.st_ino).map(|n| (n, st, true));
            }
            (Probe::File, Some(st)) => {
                dst_node = self.inodes.node_of_key(self.layers.devs[0], st.st_ino).map(|n| (n, st, false));
            }
            _ => {}
        }
        if let Some((n, _, _)) = &dst_node {
            if src_node.as_ref().map(|s| s.ino) != Some(n.ino) {
                self.losing_name(n, 0, to.bytes());
            }
        }
        let dst_in_lowers = self.layers.in_lowers(dmask, &drel, dname);
        // No lookup may take a path between the move and the paths' update.
        let moving = self.moves.write();
        let renamed = sys::renameat(&fa, &ta, 0);
        self.layers.moved();
        renamed?;
        if self.layers.in_lowers(smask, &srel, sname) {
            self.whiteout(&fa)?;
        }
        if sr.is_dir && dst_in_lowers {
            self.set_opaque(to.bytes())?;
        }
        if let Some((n, st, is_dir)) = dst_node {
            let same = src_node.as_ref().map(|s| s.ino) == Some(n.ino);
            if !same && (is_dir || st.st_nlink <= 1) {
                self.inodes.drop_key(self.layers.devs[0], st.st_ino);
            }
        }
        if sr.is_dir {
            for n in self.inodes.all() {
                let mut s = n.state.write();
                for path in s.paths.iter_mut() {
                    let moved: Option<Vec<u8>> = rebase(path.as_slice(), from.bytes(), to.bytes());
                    if let Some(moved) = moved {
                        *path = moved;
                    }
                }
            }
        } else if let Some(n) = src_node {
            let mut s = n.state.write();
            for path in s.paths.iter_mut() {
                if path.as_slice() == from.bytes() {
                    *path = to.bytes().to_vec();
                }
            }
        }
        drop(moving);
        Ok(())
    }

    /// renameat2(RENAME_EXCHANGE), as kernel overlay: both names must exist,
    /// both entries are copied up and trade places in one exchange in the upper
    /// layer. No whiteout is needed (both names stay), but a folder that lands
    /// on a name a lower layer shows must be opaque.
    fn do_exchange(&self, parent: u64, name: &OsStr, newparent: u64, newname: &OsStr) -> Result<(), Errno> {
        let _w = self.wlock.lock();
        let (ap, bp) = (self.node(parent)?, self.node(newparent)?);
        let (arel, amask) = self.dir_of(&ap)?;
        let (brel, bmask) = self.dir_of(&bp)?;
        let (aname, bname) = (name.as_bytes(), newname.as_bytes());
        let (ar, ast) = self.layers.lookup(amask, &arel, aname)?;
        let (br, bst) = self.layers.lookup(bmask, &brel, bname)?;
        let a = CPath::child(&arel, aname)?;
        let b = CPath::child(&brel, bname)?;
        if a.bytes() == b.bytes() || self.key_of(ar.layer, &ast, a.bytes()) == self.key_of(br.layer, &bst, b.bytes()) {
            return Ok(()); // one file under both names: renameat2 does nothing
        }
        if within(a.bytes(), b.bytes()) || within(b.bytes(), a.bytes()) {
            return Err(Errno::EINVAL);
        }
        // Without redirects a folder that has lower parts cannot move (as in
        // do_rename); checked before anything is copied up, as the kernel does.
        if [&ar, &br].iter().any(|r| r.is_dir && (r.layer != 0 || r.lowers != 0)) {
            return Err(Errno::EXDEV);
        }
        for (r, p) in [(&ar, &a), (&br, &b)] {
            if r.layer != 0 {
                self.copy_up_file(p.bytes(), r.layer)?;
            }
        }
        self.copy_up(&ap)?;
        self.copy_up(&bp)?;
        // Marked before the exchange (as kernel overlay does): an upper-only
        // folder is opaque or has no lower folder at its name, so the mark
        // changes nothing there, and the exchange is the last step.
        if ar.is_dir && self.layers.in_lowers(bmask, &brel, bname) {
            self.set_opaque(a.bytes())?;
        }
        if br.is_dir && self.layers.in_lowers(amask, &arel, aname) {
            self.set_opaque(b.bytes())?;
        }
        // The nodes whose paths change: everything below an exchanged folder
        // moves with it; two files are just the two nodes.
        let nodes = if ar.is_dir || br.is_dir {
            self.inodes.all()
        } else {
            let mut v = Vec::new();
            for p in [&a, &b] {
                let st = self.layers.stat(0, p.bytes())?;
                v.extend(self.inodes.node_of_key(self.layers.devs[0], st.st_ino));
            }
            v
        };
        let (aa, ba) = (self.layers.at(0, a.bytes())?, self.layers.at(0, b.bytes())?);
        // No lookup may take a path between the exchange and the paths' update.
        let _moving = self.moves.write();
        let exchanged = sys::renameat(&aa, &ba, libc::RENAME_EXCHANGE);
        self.layers.moved();
        exchanged?;
        for n in nodes {
            let mut s = n.state.write();
            for path in s.paths.iter_mut() {
                if let Some(p) = swap(path.as_slice(), a.bytes(), b.bytes()) {
                    *path = p;
                }
            }
        }
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn do_setattr(
        &self,
        ino: u64,
        mode: Option<u32>,
        uid: Option<u32>,
        gid: Option<u32>,
        size: Option<u64>,
        atime: Option<TimeOrNow>,
        mtime: Option<TimeOrNow>,
        kill_suidgid: bool,
    ) -> Result<(u64, libc::stat), Errno> {
        let node = self.node(ino)?;
        let _w = self.wlock.lock();
        self.copy_up_data_of(&node)?;
        let orphan = {
            let s = node.state.read();
            if s.path().is_none() {
                s.orphan.clone()
            } else {
                None
            }
        };
        // An unlinked file still open (the writeback cache sends its times
        // after the last name is gone): changed through /proc/self/fd.
        let p = match &orphan {
            Some(_) => None,
            None => Some(self.layers.at(0, node.state.read().path().ok_or(Errno::ENOENT)?)?),
        };
        if uid.is_some() || gid.is_some() {
            let (uid, gid) = (uid.unwrap_or(u32::MAX), gid.unwrap_or(u32::MAX));
            match &orphan {
                // fchown of an open, unlinked file: on the kept O_PATH fd itself.
                // SAFETY: an fd we own, an empty NUL-terminated path.
                Some(fd) => sys::cvt(unsafe { libc::fchownat(fd.as_raw_fd(), c"".as_ptr(), uid, gid, libc::AT_EMPTY_PATH) }).map(drop)?,
                None => sys::lchownat(p.as_ref().ok_or(Errno::ENOENT)?, uid, gid)?,
            }
        }
        if let Some(mode) = mode {
            // An orphan through its /proc/self/fd magic link; else the entry
            // itself, never what a symlink there points to.
            match (&orphan, &p) {
                (Some(fd), _) => sys::chmod_fd(fd.as_raw_fd(), mode & 0o7777)?,
                (None, Some(p)) => sys::chmodat(p, mode & 0o7777)?,
                (None, None) => return Err(Errno::ENOENT),
            }
        }
        if let Some(size) = size {
            let fd = self.writable_fd(&node)?;
            // SAFETY: an fd open for writing.
            if unsafe { libc::ftruncate(fd.as_raw_fd(), size as libc::off_t) } != 0 {
                return Err(sys::errno());
            }
            if kill_suidgid {
                sys::kill_suidgid(fd.as_raw_fd())?;
            }
        }
        if atime.is_some() || mtime.is_some() {
            let times = [time_spec(atime), time_spec(mtime)];
            match (&orphan, &p) {
                (Some(fd), _) => sys::utimens_fd(fd.as_raw_fd(), &times)?,
                (None, Some(p)) => sys::utimensat(p, &times)?,
                (None, None) => return Err(Errno::ENOENT),
            }
        }
        match (&orphan, &p) {
            (Some(fd), _) => Ok((node.ino, sys::fstat(fd.as_raw_fd())?)),
            (None, Some(p)) => Ok((node.ino, sys::statat(p)?)),
            (None, None) => Err(Errno::ENOENT),
        }
    }

    pub(super) fn do_setxattr(&self, ino: u64, name: &OsStr, value: &[u8], flags: i32, remove: bool) -> Result<(), Errno> {
        if xattr::is_private(name.as_bytes(), self.layers.private_prefix) {
            return Err(Errno::EOPNOTSUPP);
        }
        let cname = CString::new(name.as_bytes()).map_err(|_| Errno::EINVAL)?;
        let _w = self.wlock.lock();
        let node = self.node(ino)?;
        self.copy_up(&node)?;
        let t = xattr::Target::open(&self.layers, 0, node.state.read().path().ok_or(Errno::ENOENT)?)?;
        if remove {
            xattr::remove(&t, &cname)
        } else {
            xattr::set(&t, &cname, value, flags)
        }
    }
}
