//! Child side: the rootfs mount, the spec's mounts, pivot_root, masked and
//! read-only paths.

use super::child::{CResult, Fail, FailKind, Stage};
use super::dev;
use super::mounts::{self, locked_flags};
use super::plan::Plan;
use super::resolve;
use nix::errno::Errno;
use nix::fcntl::{open, OFlag};
use nix::mount::{mount, umount2, MntFlags, MsFlags};
use nix::sys::stat::{fstat, makedev, Mode};
use nix::unistd::{chdir, pivot_root};
use std::ffi::{CStr, OsStr};
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

/// Everything about the filesystem, from the new mount namespace to the
/// pivoted root with its masked paths.
pub(super) fn prepare(plan: &Plan) -> CResult<()> {
    // Nothing we mount may propagate back to the host.
    mount(None::<&str>, "/", None::<&str>, plan.propagation, None::<&str>).stage(|| "set the propagation of /".to_string())?;
    let root_path = plan.rootfs.as_path();
    // The container's own id mapping over the layers (runtime/userns.rs).
    if let Some(u) = plan.own_userns.as_ref().filter(|u| !u.idmap_lowers.is_empty()) {
        super::idmap_mount::cover(&u.idmap_lowers, std::os::fd::AsFd::as_fd(&u.fd))?;
    }
    // The rootfs is nodev whatever backs it (podman's storage.conf has
    // mountopt "nodev" too): a node shipped in a layer or made with
    // CAP_MKNOD is never a device there, even one the allowlist names.
    // Devices live on /dev, a tmpfs of their own with the allowed nodes
    // bound in (dev.rs).
    match &plan.overlay_data {
        Some(data) => mount(Some("overlay"), root_path, Some("overlay"), MsFlags::MS_NODEV, Some(data.as_c_str()))
            .stage(|| format!("mount overlay at {}", root_path.display()))?,
        // Mounted, handed to its server and acknowledged before anything
        // below touches the rootfs.
        None if plan.fuse.is_some() => {
            let sock = plan.fuse.as_ref().and_then(|f| f.sock.as_ref()).map(std::os::fd::AsRawFd::as_raw_fd).unwrap_or(-1);
            super::fuse_server::mount_and_hand_over(root_path, sock, false).map_err(|(what, e)| Fail {
                kind: FailKind::Setup,
                errno: e as i32,
                what: format!("{what} at {}", root_path.display()),
            })?
        }
        // pivot_root needs the new root to be a mount point.
        None => mount(Some(root_path), root_path, None::<&str>, MsFlags::MS_BIND | MsFlags::MS_REC, None::<&str>)
            .stage(|| format!("bind mount the rootfs {}", root_path.display()))?,
    }
    if plan.overlay_data.is_none() && plan.fuse.is_none() {
        // A bind mount takes no flags when made: a remount sets nodev,
        // keeping the flags the kernel has locked. (The FUSE mount is made
        // nodev by fuse_server.)
        let at = std::ffi::CString::new(root_path.as_os_str().as_encoded_bytes())
            .map_err(|_| Errno::EINVAL)
            .stage(|| format!("the rootfs path {}", root_path.display()))?;
        let mut flags = MsFlags::MS_BIND | MsFlags::MS_REMOUNT | MsFlags::MS_NODEV | locked_flags(&at, true);
        if nix::sys::statvfs::statvfs(at.as_c_str()).is_ok_and(|s| s.flags().contains(nix::sys::statvfs::FsFlags::ST_RDONLY)) {
            flags |= MsFlags::MS_RDONLY;
        }
        mount(None::<&str>, at.as_c_str(), None::<&str>, flags, None::<&str>)
            .stage(|| format!("remount the rootfs {} nodev", root_path.display()))?;
    }
    let root = open(root_path, OFlag::O_PATH | OFlag::O_DIRECTORY | OFlag::O_CLOEXEC, Mode::empty())
        .stage(|| format!("open the rootfs {}", root_path.display()))?;
    for m in &plan.mounts {
        mounts::do_mount(root.as_fd(), m)?;
    }
    if plan.populate_dev {
        dev::populate(root.as_fd())?;
    }
    drop(root);
    pivot(plan)?;
    // The image's files are all there is now, its symlinks included: each
    // path is opened once inside the new root and mounted on by fd.
    let new_root =
        open("/", OFlag::O_PATH | OFlag::O_DIRECTORY | OFlag::O_CLOEXEC, Mode::empty()).stage(|| "open the new root".to_string())?;
    let mut empty_dir = None;
    for p in &plan.masked {
        mask(new_root.as_fd(), p, &mut empty_dir)?;
    }
    // Before /proc/sys is made read-only below.
    for (path, value) in &plan.sysctls {
        write_sysctl(path, value)?;
    }
    for p in &plan.readonly {
        make_readonly(new_root.as_fd(), p)?;
    }
    if plan.root_readonly {
        let flags = MsFlags::MS_BIND | MsFlags::MS_REMOUNT | MsFlags::MS_RDONLY | locked_flags(c"/", true);
        mount(None::<&str>, "/", None::<&str>, flags, None::<&str>).stage(|| "remount / read-only".to_string())?;
    }
    Ok(())
}

/// pivot_root(".", ".") stacks the old root on the new one, so that no
/// directory is needed to hold it; unmounting "." then drops the old root.
fn pivot(plan: &Plan) -> CResult<()> {
    chdir(plan.rootfs.as_path()).stage(|| format!("chdir to the rootfs {}", plan.rootfs.display()))?;
    pivot_root(".", ".").stage(|| format!("pivot_root to {}", plan.rootfs.display()))?;
    // A slave old root cannot carry our unmount to the host's mounts.
    mount(None::<&str>, ".", None::<&str>, MsFlags::MS_SLAVE | MsFlags::MS_REC, None::<&str>)
        .stage(|| "make the old root a slave".to_string())?;
    umount2(".", MntFlags::MNT_DETACH).stage(|| "unmount the old root".to_string())?;
    chdir("/").stage(|| "chdir to /".to_string())
}

/// Opens a masked or read-only path (absolute, in the container) inside
/// `root`; None when it does not exist.
fn open_listed(root: BorrowedFd, path: &CStr, what: &str) -> CResult<Option<OwnedFd>> {
    let rel = Path::new(OsStr::from_bytes(path.to_bytes()));
    let rel = rel.strip_prefix("/").unwrap_or(rel);
    match resolve::open(root, rel) {
        Ok(fd) => Ok(Some(fd)),
        Err(Errno::ENOENT) | Err(Errno::ENOTDIR) => Ok(None),
        Err(e) => Err(e).stage(|| format!("open {what} {path:?}")),
    }
}

/// Hides a path: /dev/null over a file, an empty read-only tmpfs over a
/// directory. `empty_dir` keeps the first such tmpfs: a copy of it is
/// cheaper than a new superblock per directory.
fn mask(root: BorrowedFd, path: &CStr, empty_dir: &mut Option<OwnedFd>) -> CResult<()> {
    let Some(target) = open_listed(root, path, "masked path")? else { return Ok(()) };
    let st = fstat(&target).stage(|| format!("stat masked path {path:?}"))?;
    if st.st_mode & libc::S_IFMT != libc::S_IFDIR {
        let null = mounts::clone_tree(c"/dev/null", false).stage(|| format!("mask {path:?} with /dev/null"))?;
        // The container's /dev/null by now: make sure it is the null device
        // and not a file of the image, which the mask would show instead.
        let n = fstat(&null).stage(|| "stat /dev/null".to_string())?;
        if n.st_mode & libc::S_IFMT != libc::S_IFCHR || n.st_rdev != makedev(1, 3) {
            return Err(Errno::EINVAL).stage(|| format!("mask {path:?}: /dev/null is not the null device"));
        }
        return mounts::attach(&null, &target).stage(|| format!("mask {path:?} with /dev/null"));
    }
    let tree = match empty_dir {
        // A copy keeps the first one's read-only flag.
        Some(first) => mounts::clone_tree_at(first.as_fd(), false).stage(|| format!("mask {path:?} with an empty folder"))?,
        None => {
            let plan = mounts::MountPlan {
                dest: Path::new(OsStr::from_bytes(path.to_bytes())).to_path_buf(),
                kind: mounts::Kind::Other,
                fstype: c"tmpfs".into(),
                source: c"tmpfs".into(),
                flags: MsFlags::MS_RDONLY,
                atime_given: false,
                data: Some(c"size=0k".into()),
                propagation: Vec::new(),
                dir: true,
            };
            mounts::new_fs(&plan).stage(|| format!("mask {path:?} with a tmpfs"))?
        }
    };
    mounts::attach(&tree, &target).stage(|| format!("mask {path:?} with an empty folder"))?;
    if empty_dir.is_none() {
        *empty_dir = Some(tree);
    }
    Ok(())
}

/// A read-only copy of the tree at `path` (submounts included) over itself.
fn make_readonly(root: BorrowedFd, path: &CStr) -> CResult<()> {
    let Some(target) = open_listed(root, path, "read-only path")? else { return Ok(()) };
    let tree = mounts::clone_tree_at(target.as_fd(), true).stage(|| format!("bind {path:?} read-only"))?;
    mounts::set_attr(tree.as_fd(), true, mounts::MOUNT_ATTR_RDONLY, 0, 0).stage(|| format!("remount {path:?} read-only"))?;
    mounts::attach(&tree, &target).stage(|| format!("bind {path:?} read-only"))
}

/// Writes one sysctl of the container's namespaces (the key was checked
/// to be a namespaced one when the spec was made).
fn write_sysctl(path: &std::ffi::CStr, value: &[u8]) -> CResult<()> {
    let fd = open(path, OFlag::O_WRONLY | OFlag::O_CLOEXEC | OFlag::O_NOFOLLOW, Mode::empty())
        .stage(|| format!("open {} to set the sysctl", path.to_string_lossy()))?;
    nix::unistd::write(&fd, value).stage(|| format!("set the sysctl {}", path.to_string_lossy()))?;
    Ok(())
}
