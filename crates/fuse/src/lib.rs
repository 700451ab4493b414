//! Our FUSE overlay filesystem: the image's read-only layers and a container's
//! upper layer merged with the kernel overlay driver's semantics (whiteouts are
//! 0:0 character devices, opaque folders carry `{trusted,user}.overlay.opaque=y`),
//! so one upper layer works with both drivers.
//!
//! Process model: the container's child (root of the container's user and mount
//! namespace) opens /dev/fuse, mounts type "fuse" with [`mount_data`], and hands
//! the fd to a server process that calls [`serve`]. fuser never mounts or
//! unmounts here (no fusermount, no auto_unmount: it hangs in user namespaces).
//!
//! Files: layers.rs (lookup through the layers), inodes.rs (inode table),
//! copyup.rs, data.rs (file data without OPEN), dir.rs (merged listings),
//! ops.rs (changes), server.rs (requests), xattr.rs, path.rs, sys.rs,
//! beneath.rs (every path resolved inside its layer, through no symlink).

// The lower crates under the module names they had when all was one crate.
use sangja_core::error;

mod awake;
mod beneath;
mod copyup;
mod data;
mod dir;
mod inodes;
mod layers;
mod ops;
mod path;
mod server;
mod sys;
mod xattr;

use crate::error::{Error, IoContext, Result};
use inodes::{Inodes, NodeState};
use layers::Layers;
use parking_lot::{Mutex, RwLock};
use std::os::fd::{OwnedFd, RawFd};
use std::path::PathBuf;
use std::sync::Arc;

/// The layers of one overlay mount.
#[derive(Debug, Clone)]
pub struct FuseLayers {
    /// Read-only layers, top-most first (as kernel overlay's lowerdir).
    pub lower: Vec<PathBuf>,
    /// The writable layer.
    pub upper: PathBuf,
    /// Rootless: the overlay's private xattrs are user.overlay.*, else trusted.overlay.*.
    pub userxattr: bool,
}

/// Largest read and write the kernel sends in one request.
pub const MAX_IO: u32 = 1 << 20;

/// Request threads: reads of big files and stat walks overlap this many.
const THREADS: usize = 4;

/// The filesystem state shared by the request threads.
pub(crate) struct Overlay {
    layers: Layers,
    inodes: Inodes,
    /// Serialises the changing operations (copy-up, create, remove, rename):
    /// each sees the layers as the previous one left them.
    wlock: Mutex<()>,
    /// Renames hold it to write while they move entries and rewrite the
    /// nodes' paths; a lookup holds it to read from taking its folder's path
    /// to recording the child's, so no lookup records a path a rename just
    /// made stale.
    moves: RwLock<()>,
    /// Copy-up through O_TMPFILE + /proc/self/fd link (else in place).
    use_tmpfile: bool,
    /// Keeps the CPUs from halting while requests flow (awake.rs).
    awake: Option<Arc<awake::Awake>>,
}

/// Opens the layers for serving.
fn open_layers(l: &FuseLayers) -> Result<Layers> {
    if l.lower.len() + 1 > layers::MAX_LAYERS {
        return Err(Error::Invalid(format!(
            "the FUSE overlay merges at most {} lower layers, the image has {}: use the overlay or vfs storage driver",
            layers::MAX_LAYERS - 1,
            l.lower.len()
        )));
    }
    let (mut roots, mut devs) = (Vec::new(), Vec::new());
    for dir in std::iter::once(&l.upper).chain(l.lower.iter()) {
        let abs = std::path::absolute(dir).path_ctx("resolve the overlay layer", dir)?;
        let f = std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_PATH | libc::O_DIRECTORY)
            .open(&abs)
            .path_ctx("open the overlay layer", &abs)?;
        let fd = OwnedFd::from(f);
        let st = sys::fstat(std::os::fd::AsRawFd::as_raw_fd(&fd))
            .map_err(|e| Error::io_path("stat the overlay layer", &abs, std::io::Error::from_raw_os_error(e.code())))?;
        roots.push(fd);
        devs.push(st.st_dev);
    }
    let (private_prefix, opaque_key): (&'static [u8], &'static std::ffi::CStr) =
        if l.userxattr { (b"user.overlay.", c"user.overlay.opaque") } else { (b"trusted.overlay.", c"trusted.overlay.opaque") };
    Ok(Layers { roots, devs, private_prefix, opaque_key, id: layers::next_id(), moved: std::sync::atomic::AtomicU64::new(0) })
}

use std::os::unix::fs::OpenOptionsExt;

impl Overlay {
    pub(crate) fn new(l: &FuseLayers) -> Result<Overlay> {
        let layers = open_layers(l)?;
        let root_st = layers
            .stat(0, b"")
            .map_err(|e| Error::io_path("stat the upper layer", &l.upper, std::io::Error::from_raw_os_error(e.code())))?;
        let lowers = layers::root_mask(&layers);
        let inodes = Inodes::new(
            NodeState { paths: vec![Vec::new()], layer: 0, lowers, is_dir: true, orphan: None },
            (layers.devs[0], root_st.st_ino),
        );
        let use_tmpfile = std::path::Path::new("/proc/self/fd").is_dir();
        Ok(Overlay { layers, inodes, wlock: Mutex::new(()), moves: RwLock::new(()), use_tmpfile, awake: None })
    }
}

/// Serves the overlay on an already-mounted /dev/fuse connection until it is
/// unmounted (returns Ok then).
pub fn serve(dev_fuse: OwnedFd, layers: FuseLayers) -> Result<()> {
    // Modes of created files are the callers' (already masked by the kernel).
    // SAFETY: umask has no failure mode; this process only serves the mount.
    unsafe { libc::umask(0) };
    data::set_fd_limit();
    // fuser logs each request through the `log` facade: the binary decides
    // where that goes (main.rs, `SANGJA_FUSE_DEBUG=1`); nothing is printed here.
    let mut fs = Overlay::new(&layers)?;
    fs.awake = awake::Awake::start();
    let mut config = fuser::Config::default();
    config.acl = fuser::SessionACL::All;
    config.n_threads = Some(THREADS);
    // The threads share one fd: FUSE_DEV_IOC_CLONE would need /dev/fuse opened
    // again, which the server's namespace may not offer.
    config.clone_fd = false;
    let session = fuser::Session::from_fd(fs, dev_fuse, fuser::SessionACL::All, config)
        .ctx(|| "start the FUSE overlay session (the kernel's INIT request failed)".to_string())?;
    session.run().ctx(|| "serve the FUSE overlay".to_string())
}

/// The data string for mount(2) of type "fuse" on the connection `dev_fuse_fd`.
pub fn mount_data(dev_fuse_fd: RawFd) -> String {
    // rootmode=40000: the root is a directory. default_permissions: the kernel
    // checks modes and owners, so the server (root of the user namespace) need not.
    format!("fd={dev_fuse_fd},rootmode=40000,user_id=0,group_id=0,allow_other,default_permissions,max_read={MAX_IO}")
}
