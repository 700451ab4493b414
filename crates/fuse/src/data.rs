//! File data without OPEN. The server answers the kernel's OPEN with ENOSYS,
//! after which the kernel stops sending OPEN and RELEASE for good (it has done
//! so since Linux 3.14, FUSE_NO_OPEN_SUPPORT): a warm `cat` of a file then costs
//! no round trip at all, where it cost two. Reads and writes name the inode
//! instead of a handle, so each node keeps one open fd of its data, opened on
//! its first read or write and closed when the kernel forgets the node.
//!
//! Copy-up moves from open-for-write to the first change of the data (write,
//! truncate, fallocate): until then the kernel's page cache holds what was
//! written. Every change of the data goes through [`Overlay::write_fd`], which
//! replaces a read-only fd of the node by a writable one on the upper copy, so a
//! read-only fd kept on a node always shows the data as it is.

use super::inodes::Node;
use super::sys;
use super::Overlay;
use fuser::Errno;
use std::os::fd::{AsRawFd, OwnedFd};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// Data fds kept on nodes, all nodes together.
static KEPT: AtomicUsize = AtomicUsize::new(0);
/// Most data fds kept at once; a read or write past it opens and closes its own.
static LIMIT: AtomicUsize = AtomicUsize::new(256);

/// The open file a node's reads and writes use.
pub(super) struct DataFd {
    fd: Arc<OwnedFd>,
    /// Read-write on the upper copy (else read-only, perhaps on a lower layer).
    writable: bool,
}

impl DataFd {
    fn new(fd: Arc<OwnedFd>, writable: bool) -> DataFd {
        KEPT.fetch_add(1, Ordering::Relaxed);
        DataFd { fd, writable }
    }
}

impl Drop for DataFd {
    fn drop(&mut self) {
        KEPT.fetch_sub(1, Ordering::Relaxed);
    }
}

fn room() -> bool {
    KEPT.load(Ordering::Relaxed) < LIMIT.load(Ordering::Relaxed)
}

/// Raises this process's soft fd limit to its hard one (never above it) and
/// keeps half of it for data fds, the rest for folders, layers and copy-up.
pub(super) fn set_fd_limit() {
    let mut rl = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
    // SAFETY: rl is a valid rlimit to fill and then pass back.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut rl) != 0 {
            return;
        }
        if rl.rlim_cur < rl.rlim_max {
            let raised = libc::rlimit { rlim_cur: rl.rlim_max, rlim_max: rl.rlim_max };
            if libc::setrlimit(libc::RLIMIT_NOFILE, &raised) == 0 {
                rl.rlim_cur = rl.rlim_max;
            }
        }
    }
    let soft = usize::try_from(rl.rlim_cur).unwrap_or(usize::MAX);
    LIMIT.store((soft / 2).clamp(64, 1 << 16), Ordering::Relaxed);
}

/// Flags for a node's data fd: read-write on the upper layer, else read-only.
fn data_flags(upper: bool) -> i32 {
    (if upper { libc::O_RDWR } else { libc::O_RDONLY }) | libc::O_NOFOLLOW
}

impl Overlay {
    /// An fd to read `node`'s data from.
    pub(super) fn read_fd(&self, node: &Node) -> Result<Arc<OwnedFd>, Errno> {
        let mut slot = node.data.lock();
        if let Some(d) = slot.as_ref() {
            return Ok(d.fd.clone());
        }
        let (fd, writable) = {
            let s = node.state.read();
            match s.path() {
                Some(p) => {
                    let fd = self.layers.open(s.layer, p, data_flags(s.layer == 0), 0)?;
                    (Arc::new(fd), s.layer == 0)
                }
                // Unlinked while open: the fd kept when its last name went.
                None => return s.orphan.clone().ok_or(Errno::EBADF),
            }
        };
        if room() {
            *slot = Some(DataFd::new(fd.clone(), writable));
        }
        Ok(fd)
    }

    /// An fd to change `node`'s data through, copied up first.
    pub(super) fn write_fd(&self, node: &Node) -> Result<Arc<OwnedFd>, Errno> {
        if let Some(d) = node.data.lock().as_ref().filter(|d| d.writable) {
            return Ok(d.fd.clone());
        }
        let _w = self.wlock.lock();
        self.copy_up_data_of(node)?;
        self.writable_fd(node)
    }

    /// [`write_fd`](Self::write_fd) for callers that hold the write lock and
    /// have copied `node` up.
    pub(super) fn writable_fd(&self, node: &Node) -> Result<Arc<OwnedFd>, Errno> {
        let mut slot = node.data.lock();
        if let Some(d) = slot.as_ref().filter(|d| d.writable) {
            return Ok(d.fd.clone());
        }
        let fd = {
            let s = node.state.read();
            match s.path() {
                Some(p) => Arc::new(self.layers.open(0, p, data_flags(true), 0)?),
                None => s.orphan.clone().ok_or(Errno::EBADF)?,
            }
        };
        // A read-only fd must not outlive the change: replaced, or dropped.
        *slot = room().then(|| DataFd::new(fd.clone(), true));
        Ok(fd)
    }

    /// A freshly created file's fd (open read-write) becomes its node's.
    pub(super) fn keep_created(&self, node: &Node, fd: OwnedFd) {
        if room() {
            *node.data.lock() = Some(DataFd::new(Arc::new(fd), true));
        }
    }

    /// Copy-up whose node kept an fd in the upper layer was copied to: the
    /// kept fd (read-only, on the lower file) is dropped.
    pub(super) fn forget_data(&self, node: &Node) {
        let mut slot = node.data.lock();
        if slot.as_ref().is_some_and(|d| !d.writable) {
            *slot = None;
        }
    }

    /// Copies `node` up, also when it is a lower-layer file that lost its last
    /// name while open: its data then goes to an unnamed upper file.
    pub(super) fn copy_up_data_of(&self, node: &Node) -> Result<(), Errno> {
        let (orphan, layer) = {
            let s = node.state.read();
            (if s.path().is_none() { s.orphan.clone() } else { None }, s.layer)
        };
        let Some(src) = orphan else {
            return self.copy_up(node);
        };
        if layer == 0 {
            return Ok(());
        }
        let st = sys::fstat(src.as_raw_fd())?;
        if st.st_mode & libc::S_IFMT != libc::S_IFREG {
            return Err(Errno::EROFS);
        }
        let dst = self.layers.open(0, b"", libc::O_TMPFILE | libc::O_RDWR, 0o600)?;
        // Its own offset: the kept fd is shared with reads, which use pread.
        let src_own = sys::reopen(src.as_raw_fd())?;
        super::copyup::fill_copy(src_own.as_raw_fd(), dst.as_raw_fd(), &st)?;
        let mut s = node.state.write();
        s.orphan = Some(Arc::new(dst));
        s.layer = 0;
        drop(s);
        *node.data.lock() = None;
        Ok(())
    }
}
