//! The FUSE request handlers (fuser's `Filesystem`): the read paths live
//! here, the changing operations in ops.rs. Hot paths (lookup, getattr, read,
//! write) use stack paths and a per-thread buffer: no allocation per request.

use super::dir;
use super::ops::Make;
use super::path::CPath;
use super::{sys, xattr, Overlay, MAX_IO};
use fuser::{
    Errno, FileAttr, FileHandle, FileType, Filesystem, FopenFlags, Generation, INodeNo, InitFlags, KernelConfig, LockOwner, OpenFlags,
    RenameFlags, ReplyAttr, ReplyCreate, ReplyData, ReplyDirectory, ReplyDirectoryPlus, ReplyEmpty, ReplyEntry, ReplyOpen, ReplyStatfs,
    ReplyWrite, ReplyXattr, Request, TimeOrNow, WriteFlags,
};
use std::cell::RefCell;
use std::ffi::OsStr;
use std::os::fd::AsRawFd;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// How long the kernel may trust entries and attributes: every change goes
/// through this server, so the kernel's caches stay right without expiry.
const TTL: Duration = Duration::from_secs(3600);

thread_local! {
    /// The read buffer of a request thread, allocated once.
    static READ_BUF: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

fn time(sec: i64, nsec: i64) -> SystemTime {
    if sec >= 0 {
        UNIX_EPOCH + Duration::new(sec as u64, nsec as u32)
    } else {
        UNIX_EPOCH - Duration::from_secs(sec.unsigned_abs()) + Duration::from_nanos(nsec as u64)
    }
}

pub(super) fn file_type(mode: u32) -> FileType {
    match mode & libc::S_IFMT {
        libc::S_IFDIR => FileType::Directory,
        libc::S_IFLNK => FileType::Symlink,
        libc::S_IFCHR => FileType::CharDevice,
        libc::S_IFBLK => FileType::BlockDevice,
        libc::S_IFIFO => FileType::NamedPipe,
        libc::S_IFSOCK => FileType::Socket,
        _ => FileType::RegularFile,
    }
}

/// The attributes the kernel sees: the layer file's, with our inode number.
/// A merged folder reports one link, as kernel overlay does (counting
/// subfolders over layers is not worth it; find and friends accept 1).
pub(super) fn attr(ino: u64, st: &libc::stat, merged_dir: bool) -> FileAttr {
    FileAttr {
        ino: INodeNo(ino),
        size: st.st_size as u64,
        blocks: st.st_blocks as u64,
        atime: time(st.st_atime, st.st_atime_nsec),
        mtime: time(st.st_mtime, st.st_mtime_nsec),
        ctime: time(st.st_ctime, st.st_ctime_nsec),
        crtime: UNIX_EPOCH,
        kind: file_type(st.st_mode),
        perm: (st.st_mode & 0o7777) as u16,
        nlink: if merged_dir { 1 } else { st.st_nlink as u32 },
        uid: st.st_uid,
        gid: st.st_gid,
        rdev: st.st_rdev as u32,
        blksize: st.st_blksize as u32,
        flags: 0,
    }
}

impl Overlay {
    /// A request came (awake.rs).
    fn touch(&self) {
        if let Some(a) = &self.awake {
            a.touch();
        }
    }

    fn do_lookup(&self, parent: u64, name: &OsStr) -> Result<FileAttr, Errno> {
        let pnode = self.node(parent)?;
        // From the folder's path to the child's record: no rename in between
        // (else the child would keep a path the rename made stale).
        let _moves = self.moves.read();
        let s = pnode.state.read();
        if !s.is_dir {
            return Err(Errno::ENOTDIR);
        }
        let prel = s.path().ok_or(Errno::ENOENT)?;
        let (r, st) = self.layers.lookup(s.mask(), prel, name.as_bytes())?;
        let p = CPath::child(prel, name.as_bytes())?;
        drop(s);
        let (dev, key) = self.key_of(r.layer, &st, p.bytes());
        let ino = self.inodes.ino_for(dev, key);
        self.inodes.remember(ino, p.bytes(), r.layer, r.lowers, r.is_dir);
        Ok(attr(ino, &st, r.is_dir && r.lowers != 0))
    }

    fn do_getattr(&self, ino: u64) -> Result<FileAttr, Errno> {
        let node = self.node(ino)?;
        let s = node.state.read();
        let Some(path) = s.path() else {
            // Unlinked but still open.
            let orphan = s.orphan.as_ref().ok_or(Errno::ENOENT)?;
            return Ok(attr(ino, &sys::fstat(orphan.as_raw_fd())?, false));
        };
        let st = self.layers.stat(s.layer, path)?;
        Ok(attr(ino, &st, s.is_dir && s.lowers != 0))
    }

    /// The listing of folder `ino` to read from `offset` on: taken afresh at
    /// offset 0 (a first read or a rewind), else the one kept on the node.
    fn listing(&self, ino: u64, offset: u64) -> Result<std::sync::Arc<Vec<dir::Entry>>, Errno> {
        let node = self.node(ino)?;
        let mut kept = node.listing.lock();
        if offset != 0 {
            if let Some(l) = kept.as_ref() {
                return Ok(l.clone());
            }
        }
        let s = node.state.read();
        let l = std::sync::Arc::new(match s.path() {
            Some(p) => dir::list(&self.layers, p, s.layer, s.lowers)?,
            None => Vec::new(), // removed while open: empty, as rmdir'd folders are
        });
        *kept = Some(l.clone());
        Ok(l)
    }

    /// The listing was read to its end: the node need not keep it.
    fn listing_done(&self, ino: u64) {
        if let Some(n) = self.inodes.get(ino) {
            *n.listing.lock() = None;
        }
    }

    fn xattr_reply(data: Result<Vec<u8>, Errno>, size: u32, reply: ReplyXattr) {
        match data {
            Err(e) => reply.error(e),
            Ok(v) if size == 0 => reply.size(v.len() as u32),
            Ok(v) if v.len() > size as usize => reply.error(Errno::ERANGE),
            Ok(v) => reply.data(&v),
        }
    }

    /// The entry whose xattrs `ino` shows (its top layer's).
    fn xattr_target(&self, ino: u64) -> Result<xattr::Target, Errno> {
        let node = self.node(ino)?;
        let s = node.state.read();
        xattr::Target::open(&self.layers, s.layer, s.path().ok_or(Errno::ENOENT)?)
    }

    fn entry(&self, made: Result<(u64, libc::stat, bool), Errno>, reply: ReplyEntry) {
        match made {
            Ok((ino, st, _)) => reply.entry(&TTL, &attr(ino, &st, false), Generation(0)),
            Err(e) => reply.error(e),
        }
    }

    fn make_entry(&self, req: &Request, parent: INodeNo, name: &OsStr, what: Make<'_>, reply: ReplyEntry) {
        let made = self.make(req.uid(), req.gid(), parent.0, name, what).map(|(n, st, _)| (n.ino, st, false));
        self.entry(made, reply);
    }
}

impl Filesystem for Overlay {
    fn init(&mut self, _req: &Request, config: &mut KernelConfig) -> std::io::Result<()> {
        // Each setting is best effort: an older kernel keeps its default.
        let _ = config.set_max_write(MAX_IO);
        let _ = config.set_max_readahead(MAX_IO);
        let _ = config.set_max_background(64);
        for cap in [
            // Not FUSE_ATOMIC_O_TRUNC: with it the kernel leaves open(O_TRUNC)'s
            // truncation to OPEN, which this server never receives (data.rs).
            InitFlags::FUSE_PARALLEL_DIROPS,
            // The kernel leaves set-ID clearing on write, truncate and chown to
            // us (the backing filesystem does it on chown) and stops sending a
            // GETATTR before each chown and truncate.
            InitFlags::FUSE_HANDLE_KILLPRIV_V2,
            InitFlags::FUSE_CACHE_SYMLINKS,
            InitFlags::FUSE_DO_READDIRPLUS,
            InitFlags::FUSE_READDIRPLUS_AUTO,
            // The kernel gathers writes in its page cache and sends them in big
            // batches: small writes stop costing a round trip each (dd bs=8k of
            // 100 MB: 100 ms with it, 450 ms without, kernel overlay 69 ms).
            // Its price: each close(2) drops the cached st_blocks, so the next
            // stat(2) of that file asks us again (GETATTR).
            InitFlags::FUSE_WRITEBACK_CACHE,
        ] {
            let _ = config.add_capabilities(cap);
        }
        Ok(())
    }

    fn lookup(&self, _req: &Request, parent: INodeNo, name: &OsStr, reply: ReplyEntry) {
        self.touch();
        match self.do_lookup(parent.0, name) {
            Ok(a) => reply.entry(&TTL, &a, Generation(0)),
            // A negative entry: the kernel remembers the name is absent.
            Err(Errno::ENOENT) => {
                let mut a = attr(0, &empty_stat(), false);
                a.ino = INodeNo(0);
                reply.entry(&TTL, &a, Generation(0))
            }
            Err(e) => reply.error(e),
        }
    }

    fn forget(&self, _req: &Request, ino: INodeNo, nlookup: u64) {
        self.inodes.forget(ino.0, nlookup);
    }

    fn getattr(&self, _req: &Request, ino: INodeNo, _fh: Option<FileHandle>, reply: ReplyAttr) {
        self.touch();
        match self.do_getattr(ino.0) {
            Ok(a) => reply.attr(&TTL, &a),
            Err(e) => reply.error(e),
        }
    }

    fn setattr(
        &self,
        req: &Request,
        ino: INodeNo,
        mode: Option<u32>,
        uid: Option<u32>,
        gid: Option<u32>,
        size: Option<u64>,
        atime: Option<TimeOrNow>,
        mtime: Option<TimeOrNow>,
        _ctime: Option<SystemTime>,
        _fh: Option<FileHandle>,
        _crtime: Option<SystemTime>,
        _chgtime: Option<SystemTime>,
        _bkuptime: Option<SystemTime>,
        _flags: Option<fuser::BsdFileFlags>,
        reply: ReplyAttr,
    ) {
        self.touch();
        // A truncate by anyone but root kills set-ID bits (FUSE_HANDLE_KILLPRIV_V2
        // leaves that to us; fuser does not pass the kernel's flag, so the
        // caller's uid stands in for its CAP_FSETID).
        let kill = size.is_some() && mode.is_none() && req.uid() != 0;
        match self.do_setattr(ino.0, mode, uid, gid, size, atime, mtime, kill) {
            Ok((ino, st)) => {
                let merged = self.inodes.get(ino).map(|n| {
                    let s = n.state.read();
                    s.is_dir && s.lowers != 0
                });
                reply.attr(&TTL, &attr(ino, &st, merged.unwrap_or(false)))
            }
            Err(e) => reply.error(e),
        }
    }

    fn readlink(&self, _req: &Request, ino: INodeNo, reply: ReplyData) {
        self.touch();
        let mut buf = [0u8; 4096];
        let res = self.node(ino.0).and_then(|node| {
            let s = node.state.read();
            let p = self.layers.at(s.layer, s.path().ok_or(Errno::ENOENT)?)?;
            sys::readlinkat(&p, &mut buf)
        });
        match res {
            Ok(n) => reply.data(&buf[..n]),
            Err(e) => reply.error(e),
        }
    }

    fn mknod(&self, req: &Request, parent: INodeNo, name: &OsStr, mode: u32, umask: u32, rdev: u32, reply: ReplyEntry) {
        self.touch();
        if mode & libc::S_IFMT == libc::S_IFCHR && rdev == 0 {
            // A 0:0 character device is a whiteout in the upper layer: refused, as kernel overlay does.
            return reply.error(Errno::EPERM);
        }
        self.make_entry(req, parent, name, Make::Node { mode: mode & !umask, rdev: u64::from(rdev) }, reply);
    }

    fn mkdir(&self, req: &Request, parent: INodeNo, name: &OsStr, mode: u32, umask: u32, reply: ReplyEntry) {
        self.touch();
        self.make_entry(req, parent, name, Make::Dir { mode: mode & !umask }, reply);
    }

    fn unlink(&self, _req: &Request, parent: INodeNo, name: &OsStr, reply: ReplyEmpty) {
        self.touch();
        match self.remove(parent.0, name, false) {
            Ok(()) => reply.ok(),
            Err(e) => reply.error(e),
        }
    }

    fn rmdir(&self, _req: &Request, parent: INodeNo, name: &OsStr, reply: ReplyEmpty) {
        self.touch();
        match self.remove(parent.0, name, true) {
            Ok(()) => reply.ok(),
            Err(e) => reply.error(e),
        }
    }

    fn symlink(&self, req: &Request, parent: INodeNo, link_name: &OsStr, target: &Path, reply: ReplyEntry) {
        self.touch();
        self.make_entry(req, parent, link_name, Make::Symlink { target: target.as_os_str().as_bytes() }, reply);
    }

    fn rename(
        &self,
        _req: &Request,
        parent: INodeNo,
        name: &OsStr,
        newparent: INodeNo,
        newname: &OsStr,
        flags: RenameFlags,
        reply: ReplyEmpty,
    ) {
        self.touch();
        match self.do_rename(parent.0, name, newparent.0, newname, flags.bits()) {
            Ok(()) => reply.ok(),
            Err(e) => reply.error(e),
        }
    }

    fn link(&self, _req: &Request, ino: INodeNo, newparent: INodeNo, newname: &OsStr, reply: ReplyEntry) {
        self.touch();
        self.entry(self.do_link(ino.0, newparent.0, newname).map(|(n, st)| (n.ino, st, false)), reply);
    }

    fn open(&self, _req: &Request, _ino: INodeNo, _flags: OpenFlags, reply: ReplyOpen) {
        // ENOSYS: the kernel opens files on its own from now on and never sends
        // OPEN or RELEASE again (data.rs).
        reply.error(Errno::ENOSYS);
    }

    fn read(
        &self,
        _req: &Request,
        ino: INodeNo,
        _fh: FileHandle,
        offset: u64,
        size: u32,
        _flags: OpenFlags,
        _lock: Option<LockOwner>,
        reply: ReplyData,
    ) {
        self.touch();
        let fd = match self.node(ino.0).and_then(|n| self.read_fd(&n)) {
            Ok(fd) => fd,
            Err(e) => return reply.error(e),
        };
        READ_BUF.with(|b| {
            let mut buf = b.borrow_mut();
            if buf.len() < size as usize {
                buf.resize(size as usize, 0);
            }
            // SAFETY: buffer of at least `size` bytes; fd stays open while `fd` lives.
            let n = unsafe { libc::pread(fd.as_raw_fd(), buf.as_mut_ptr() as *mut libc::c_void, size as usize, offset as libc::off_t) };
            if n < 0 {
                reply.error(sys::errno());
            } else {
                reply.data(&buf[..n as usize]);
            }
        });
    }

    fn write(
        &self,
        _req: &Request,
        ino: INodeNo,
        _fh: FileHandle,
        offset: u64,
        data: &[u8],
        wf: WriteFlags,
        _flags: OpenFlags,
        _lock: Option<LockOwner>,
        reply: ReplyWrite,
    ) {
        self.touch();
        let fd = match self.node(ino.0).and_then(|n| self.write_fd(&n)) {
            Ok(fd) => fd,
            Err(e) => return reply.error(e),
        };
        let mut done = 0usize;
        while done < data.len() {
            // SAFETY: slice of `data`; fd stays open while `fd` lives.
            let n = unsafe {
                libc::pwrite(
                    fd.as_raw_fd(),
                    data[done..].as_ptr() as *const libc::c_void,
                    data.len() - done,
                    (offset + done as u64) as libc::off_t,
                )
            };
            if n < 0 {
                return reply.error(sys::errno());
            }
            done += n as usize;
        }
        if wf.contains(WriteFlags::FUSE_WRITE_KILL_SUIDGID) {
            if let Err(e) = sys::kill_suidgid(fd.as_raw_fd()) {
                return reply.error(e);
            }
        }
        reply.written(done as u32);
    }

    // No flush and no release: nothing is buffered here, and ENOSYS (fuser's
    // default) to FLUSH tells the kernel to stop sending it on every close(2).

    fn fsync(&self, _req: &Request, ino: INodeNo, _fh: FileHandle, datasync: bool, reply: ReplyEmpty) {
        self.touch();
        let synced = self.node(ino.0).and_then(|n| {
            if n.state.read().layer != 0 {
                return Ok(()); // never changed: nothing of it is ours to sync
            }
            let fd = self.read_fd(&n)?;
            // SAFETY: an open fd.
            sys::cvt(unsafe {
                if datasync {
                    libc::fdatasync(fd.as_raw_fd())
                } else {
                    libc::fsync(fd.as_raw_fd())
                }
            })
            .map(drop)
        });
        match synced {
            Ok(()) => reply.ok(),
            Err(e) => reply.error(e),
        }
    }

    fn opendir(&self, _req: &Request, _ino: INodeNo, _flags: OpenFlags, reply: ReplyOpen) {
        // ENOSYS: no OPENDIR or RELEASEDIR round trips from now on; the kernel
        // caches listings itself (FOPEN_CACHE_DIR is its default then) and
        // drops them when it changes the folder.
        reply.error(Errno::ENOSYS);
    }

    fn readdir(&self, _req: &Request, ino: INodeNo, _fh: FileHandle, offset: u64, mut reply: ReplyDirectory) {
        self.touch();
        let entries = match self.listing(ino.0, offset) {
            Ok(l) => l,
            Err(e) => return reply.error(e),
        };
        // Offsets: 1 is ".", 2 "..", 3.. the entries.
        let mut i = offset as usize;
        loop {
            let full = match i {
                0 => reply.add(ino, 1, FileType::Directory, "."),
                1 => reply.add(INodeNo(1), 2, FileType::Directory, ".."),
                _ => match entries.get(i - 2) {
                    Some(e) => {
                        let d_ino = self.inodes.ino_for(self.layers.devs[e.layer], e.d_ino);
                        reply.add(INodeNo(d_ino), i as u64 + 1, e.kind, OsStr::from_bytes(&e.name))
                    }
                    None => {
                        self.listing_done(ino.0);
                        break;
                    }
                },
            };
            if full {
                break;
            }
            i += 1;
        }
        reply.ok();
    }

    /// Listing and attributes in one reply: a stat walk (find, ls -l) then
    /// needs no LOOKUP per entry. Each entry sent counts as a lookup.
    fn readdirplus(&self, _req: &Request, ino: INodeNo, _fh: FileHandle, offset: u64, mut reply: ReplyDirectoryPlus) {
        self.touch();
        let entries = match self.listing(ino.0, offset) {
            Ok(l) => l,
            Err(e) => return reply.error(e),
        };
        let mut i = offset as usize;
        loop {
            let (name, attr) = match i {
                // The kernel takes no lookup reference for these two.
                0 | 1 => match self.do_getattr(if i == 0 { ino.0 } else { 1 }) {
                    Ok(a) => (if i == 0 { &b"."[..] } else { &b".."[..] }, a),
                    Err(e) => return reply.error(e),
                },
                _ => match entries.get(i - 2) {
                    Some(e) => match self.do_lookup(ino.0, OsStr::from_bytes(&e.name)) {
                        Ok(a) => (&e.name[..], a),
                        Err(_) => {
                            i += 1; // gone since the listing was taken
                            continue;
                        }
                    },
                    None => {
                        self.listing_done(ino.0);
                        break;
                    }
                },
            };
            if reply.add(attr.ino, i as u64 + 1, OsStr::from_bytes(name), &TTL, &attr, Generation(0)) {
                if i >= 2 {
                    self.inodes.forget(attr.ino.0, 1); // not sent after all
                }
                break;
            }
            i += 1;
        }
        reply.ok();
    }

    fn fsyncdir(&self, _req: &Request, _ino: INodeNo, _fh: FileHandle, _datasync: bool, reply: ReplyEmpty) {
        reply.ok();
    }

    fn statfs(&self, _req: &Request, _ino: INodeNo, reply: ReplyStatfs) {
        self.touch();
        let mut sv = std::mem::MaybeUninit::<libc::statvfs>::uninit();
        // SAFETY: sv is written on success.
        if unsafe { libc::fstatvfs(self.layers.root(0), sv.as_mut_ptr()) } != 0 {
            return reply.error(sys::errno());
        }
        // SAFETY: fstatvfs succeeded.
        let sv = unsafe { sv.assume_init() };
        reply.statfs(
            sv.f_blocks,
            sv.f_bfree,
            sv.f_bavail,
            sv.f_files,
            sv.f_ffree,
            sv.f_bsize as u32,
            sv.f_namemax as u32,
            sv.f_frsize as u32,
        );
    }

    fn setxattr(&self, _req: &Request, ino: INodeNo, name: &OsStr, value: &[u8], flags: i32, _position: u32, reply: ReplyEmpty) {
        self.touch();
        match self.do_setxattr(ino.0, name, value, flags, false) {
            Ok(()) => reply.ok(),
            Err(e) => reply.error(e),
        }
    }

    fn getxattr(&self, _req: &Request, ino: INodeNo, name: &OsStr, size: u32, reply: ReplyXattr) {
        self.touch();
        if xattr::is_private(name.as_bytes(), self.layers.private_prefix) {
            return reply.error(Errno::EOPNOTSUPP);
        }
        let data = (|| {
            let cname = std::ffi::CString::new(name.as_bytes()).map_err(|_| Errno::EINVAL)?;
            xattr::get(&self.xattr_target(ino.0)?, &cname)
        })();
        Self::xattr_reply(data, size, reply);
    }

    fn listxattr(&self, _req: &Request, ino: INodeNo, size: u32, reply: ReplyXattr) {
        self.touch();
        let data = (|| {
            let list = xattr::list(&self.xattr_target(ino.0)?)?;
            Ok(xattr::filter_list(&list, self.layers.private_prefix))
        })();
        Self::xattr_reply(data, size, reply);
    }

    fn removexattr(&self, _req: &Request, ino: INodeNo, name: &OsStr, reply: ReplyEmpty) {
        self.touch();
        match self.do_setxattr(ino.0, name, &[], 0, true) {
            Ok(()) => reply.ok(),
            Err(e) => reply.error(e),
        }
    }

    fn create(&self, req: &Request, parent: INodeNo, name: &OsStr, mode: u32, umask: u32, flags: i32, reply: ReplyCreate) {
        self.touch();
        match self.make(req.uid(), req.gid(), parent.0, name, Make::File { mode: mode & !umask, flags }) {
            Ok((node, st, Some(fd))) => {
                self.keep_created(&node, fd);
                // Handle 0: reads and writes find the file by its inode (data.rs).
                reply.created(&TTL, &attr(node.ino, &st, false), Generation(0), FileHandle(0), FopenFlags::FOPEN_KEEP_CACHE)
            }
            Ok(_) => reply.error(Errno::EIO),
            Err(e) => reply.error(e),
        }
    }

    fn fallocate(&self, _req: &Request, ino: INodeNo, _fh: FileHandle, offset: u64, length: u64, mode: i32, reply: ReplyEmpty) {
        self.touch();
        let done = self.node(ino.0).and_then(|n| self.write_fd(&n)).and_then(|fd| {
            // SAFETY: an fd open for writing.
            sys::cvt(unsafe { libc::fallocate(fd.as_raw_fd(), mode, offset as libc::off_t, length as libc::off_t) }).map(drop)
        });
        match done {
            Ok(()) => reply.ok(),
            Err(e) => reply.error(e),
        }
    }
}

fn empty_stat() -> libc::stat {
    // SAFETY: an all-zero stat is a valid value.
    unsafe { std::mem::zeroed() }
}

#[cfg(test)]
#[path = "escape_tests.rs"]
mod escape_tests;
