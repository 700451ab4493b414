//! The merged view of a container's or an image's root filesystem, for the
//! tools that read or write it from outside (cp, export, volume copy-up).
//!
//! The rootfs overlay exists only in the container's own mount namespace. A
//! running container is reached through /proc/PID/root (its root as its own
//! processes see it, mounts included). A stopped container or an image is
//! mounted here, in a child forked into a mount namespace of its own (inside
//! sangja's user namespace when rootless): the mount cannot leak to the host
//! and goes away with the child, even on kill -9.

use super::drivers::{driver, Driver};
use super::run::lower_dirs;
use super::Engine;
use crate::error::{Error, IoContext, Result};
use nix::errno::Errno;
use nix::fcntl::OFlag;
use nix::mount::{mount, MsFlags};
use nix::sched::{unshare, CloneFlags};
use nix::sys::wait::{waitpid, WaitStatus};
use nix::unistd::{fork, pipe, read, write, ForkResult};
use sangja_container::record::Container;
use sangja_image::store::ImageRecord;
use sangja_runtime::idmap_copy::Owners;
use sangja_storage::fuse::FuseLayers;
use sangja_storage::layers::LayerStore;
use std::os::fd::{AsFd, OwnedFd};
use std::path::{Path, PathBuf};

/// What to mount for a view.
#[derive(Debug, Clone)]
pub enum Source {
    /// The layers of an image, read-only.
    Image { lower: Vec<PathBuf>, id: String, driver: Driver },
    /// A container: its upper and work dirs over the image's layers (writable);
    /// with vfs, `target` is its rootfs copy.
    Container { lower: Vec<PathBuf>, upper: PathBuf, work: PathBuf, target: PathBuf, pid: Option<i32>, driver: Driver },
}

impl Source {
    /// The view of an image.
    pub fn image(engine: &Engine, image: &ImageRecord) -> Source {
        Source::Image { lower: lower_dirs(&LayerStore::new(&engine.paths), image), id: image.id.clone(), driver: driver(engine) }
    }

    /// The view of a container; its image must still be in the store.
    pub fn container(engine: &Engine, c: &Container) -> Result<Source> {
        let store = sangja_image::store::ImageStore::new(&engine.paths);
        let image = store.get(&c.config.image_id)?.ok_or_else(|| {
            Error::State(format!(
                "the image {} of container {} is no longer in the store",
                &c.config.image_id[..12.min(c.config.image_id.len())],
                c.config.name
            ))
        })?;
        let pid = if c.is_running() { c.state.pid } else { None };
        Ok(Source::Container {
            lower: lower_dirs(&LayerStore::new(&engine.paths), &image),
            upper: c.upper_dir(),
            work: c.work_dir(),
            target: c.rootfs_dir(),
            pid,
            driver: driver(engine),
        })
    }
}

/// The engine to reach a container's files with, for commands that open
/// the store outside the user namespace (cp, export). A running rootless
/// container is reachable only from outside it: the kernel lets only its
/// namespace's owner, in the parent namespace, into /proc/PID/root (the
/// container's processes are not dumpable). Otherwise enter ours as usual.
pub fn engine_for(engine: &Engine, c: &Container) -> Result<Engine> {
    let identity = if c.is_running() {
        engine.identity.clone()
    } else {
        let mut warn = |m: String| engine.emit(super::events::Event::warning(super::events::WarningKind::NoSubordinateIds, m));
        crate::rootless::enter(&engine.paths.runroot, &mut warn)?
    };
    Ok(Engine { paths: engine.paths.clone(), identity, verbose: engine.verbose, events: engine.events.clone() })
}

/// The id mapping to undo on the owners `open_root` shows of container
/// `c` (its own mapping, keep-id or --uidmap: drivers.rs `owners_of`), when
/// the view shows every file with the owners that mapping wrote: a vfs copy,
/// or a running container seen from outside its user namespace. A running
/// rootless one is seen from inside it (ids as the container has them), and
/// a stopped overlay one over its image's own layers mixes both (left as is).
pub fn owners_back(engine: &Engine, c: &Container, source: &Source) -> Option<Owners> {
    let uniform = match source {
        Source::Container { pid: Some(_), .. } => !(engine.identity.rootless && std::env::var_os(crate::rootless::ENV_HOST_UID).is_none()),
        Source::Container { driver: Driver::Vfs, .. } => true,
        _ => false,
    };
    uniform.then(|| super::drivers::owners_of(c)).flatten()
}

/// Runs `f` with the root directory of `source` (an O_DIRECTORY fd) in a
/// forked child, and returns its result. The caller must be single-threaded.
pub fn with_root(engine: &Engine, source: &Source, f: impl FnOnce(&OwnedFd) -> Result<()>) -> Result<()> {
    in_child(|| {
        let root = open_root(engine, source)?;
        f(&root)
    })
}

/// Mounts (or finds) the root and opens it. Runs in the child.
fn open_root(engine: &Engine, source: &Source) -> Result<OwnedFd> {
    let rootless = engine.identity.rootless;
    let (data, target) = match source {
        Source::Container { pid: Some(pid), .. } => {
            let p = PathBuf::from(format!("/proc/{pid}/root"));
            let unreachable =
                |e: Errno| Error::Runtime(format!("cannot reach the running container's files through {}: {}", p.display(), e.desc()));
            // O_PATH now, the real open after joining its user namespace: a
            // FUSE rootfs serves only processes of the mount's user namespace.
            let path_fd = nix::fcntl::open(&p, OFlag::O_PATH | OFlag::O_DIRECTORY | OFlag::O_CLOEXEC, nix::sys::stat::Mode::empty())
                .map_err(unreachable)?;
            if rootless && std::env::var_os(crate::rootless::ENV_HOST_UID).is_none() {
                // Become root of the container's own user namespace, so that its
                // files' owners map as they do for it.
                let ns = PathBuf::from(format!("/proc/{pid}/ns/user"));
                let f = std::fs::File::open(&ns).path_ctx("open", &ns)?;
                nix::sched::setns(f, CloneFlags::CLONE_NEWUSER)
                    .map_err(|e| Error::Runtime(format!("join the container's user namespace: {}", e.desc())))?;
                nix::unistd::setresgid(0.into(), 0.into(), 0.into()).ctx(|| "become root in the container's user namespace".to_string())?;
                nix::unistd::setresuid(0.into(), 0.into(), 0.into()).ctx(|| "become root in the container's user namespace".to_string())?;
            }
            let fd =
                nix::fcntl::openat(&path_fd, ".", OFlag::O_RDONLY | OFlag::O_DIRECTORY | OFlag::O_CLOEXEC, nix::sys::stat::Mode::empty())
                    .map_err(unreachable)?;
            return Ok(fd);
        }
        // vfs: the rootfs copy is a plain folder.
        Source::Container { target, pid: None, driver: Driver::Vfs, .. } => return sangja_storage::tree::open_dir(target),
        Source::Container { lower, upper, target, pid: None, driver: Driver::Fuse, .. } => {
            std::fs::create_dir_all(target).path_ctx("create", target)?;
            let layers = FuseLayers { lower: lower.clone(), upper: upper.clone(), userxattr: rootless };
            sangja_runtime::fuse_server::mount_overlay(target, layers, false, private_mount_ns)?;
            return sangja_storage::tree::open_dir(target);
        }
        Source::Container { lower, upper, work, target, pid: None, .. } => {
            (sangja_storage::overlay::mount_options(lower, upper, work, rootless)?, target.clone())
        }
        Source::Image { lower, id, driver: Driver::Vfs } => {
            let p = super::drivers::pristine_of(engine, id, lower)?;
            return sangja_storage::tree::open_dir(&p);
        }
        Source::Image { lower, .. } if lower.len() == 1 => {
            // overlayfs needs two lower dirs without an upper one; one layer is its own view.
            return sangja_storage::tree::open_dir(&lower[0]);
        }
        Source::Image { lower, driver: Driver::Fuse, .. } => {
            // Read-only over an empty upper folder, in a temp folder the sweep removes.
            let t = crate::paths::make_temp_dir(&engine.paths.tmp_dir(), "rm-view")?;
            let (upper, target) = (t.join("upper"), t.join("view"));
            for d in [&upper, &target] {
                std::fs::create_dir(d).path_ctx("create", d)?;
            }
            let layers = FuseLayers { lower: lower.clone(), upper, userxattr: rootless };
            sangja_runtime::fuse_server::mount_overlay(&target, layers, true, private_mount_ns)?;
            let fd = sangja_storage::tree::open_dir(&target)?;
            // The fd keeps the mount reachable; the empty mount point can go now.
            let _ = nix::mount::umount2(&target, nix::mount::MntFlags::MNT_DETACH);
            let _ = std::fs::remove_dir(&target);
            return Ok(fd);
        }
        Source::Image { lower, .. } => {
            let mut s = String::from("lowerdir=");
            for (i, l) in lower.iter().enumerate() {
                if i > 0 {
                    s.push(':');
                }
                for ch in l.to_string_lossy().chars() {
                    if matches!(ch, ':' | ',' | '\\') {
                        s.push('\\');
                    }
                    s.push(ch);
                }
            }
            if rootless {
                s.push_str(",userxattr");
            }
            let t = crate::paths::make_temp_dir(&engine.paths.tmp_dir(), "rm-view")?;
            (s, t)
        }
    };
    private_mount_ns()?;
    std::fs::create_dir_all(&target).path_ctx("create", &target)?;
    let flags = if matches!(source, Source::Image { .. }) { MsFlags::MS_RDONLY } else { MsFlags::empty() };
    mount(Some("overlay"), &target, Some("overlay"), flags, Some(data.as_str()))
        .map_err(|e| Error::Runtime(format!("mount the overlay at {}: {}", target.display(), e.desc())))?;
    let fd = sangja_storage::tree::open_dir(&target)?;
    if matches!(source, Source::Image { .. }) {
        // The fd keeps the mount reachable; the empty mount point can go now.
        let _ = nix::mount::umount2(&target, nix::mount::MntFlags::MNT_DETACH);
        let _ = std::fs::remove_dir(&target);
    }
    Ok(fd)
}

/// A mount namespace of our own whose mounts do not propagate to the host's.
pub fn private_mount_ns() -> Result<()> {
    unshare(CloneFlags::CLONE_NEWNS).map_err(|e| Error::Runtime(format!("create a mount namespace: {}", e.desc())))?;
    mount(None::<&str>, "/", None::<&str>, MsFlags::MS_REC | MsFlags::MS_PRIVATE, None::<&str>)
        .map_err(|e| Error::Runtime(format!("make the mounts private: {}", e.desc())))
}

/// Runs `f` in a forked child and returns its result; the error crosses
/// back as text. The caller must be single-threaded (DESIGN.md, fork safety).
pub fn in_child(f: impl FnOnce() -> Result<()>) -> Result<()> {
    let (rx, tx) = pipe().map_err(|e| Error::Runtime(format!("create a pipe: {}", e.desc())))?;
    // SAFETY: sangja is single-threaded here (documented precondition), so the
    // child may run ordinary Rust code.
    match unsafe { fork() }.map_err(|e| Error::Runtime(format!("fork: {}", e.desc())))? {
        ForkResult::Child => {
            drop(rx);
            let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
            let code = match r {
                Ok(Ok(())) => 0,
                Ok(Err(e)) => {
                    report(&tx, e.exit_code(), e.http_status(), &e.to_string());
                    1
                }
                Err(_) => {
                    report(&tx, crate::error::ENGINE_EXIT, 500, "the helper process panicked");
                    1
                }
            };
            // SAFETY: ends the child without running the parent's exit handlers.
            unsafe { libc::_exit(code) }
        }
        ForkResult::Parent { child } => {
            drop(tx);
            let msg = read_all(&rx);
            let status = loop {
                match waitpid(child, None) {
                    Err(Errno::EINTR) => continue,
                    other => break other,
                }
            };
            match (msg, status) {
                (Some((code, kind, m)), _) => Err(error_of(code, kind, m)),
                (None, Ok(WaitStatus::Exited(_, 0))) => Ok(()),
                (None, s) => Err(Error::Runtime(format!("the helper process failed: {s:?}"))),
            }
        }
    }
}

/// The helper's error as (exit code, HTTP status: its kind, message).
fn report(fd: &OwnedFd, code: i32, status: u16, msg: &str) {
    let mut b = vec![code as u8];
    b.extend_from_slice(&status.to_be_bytes());
    b.extend_from_slice(msg.as_bytes());
    let _ = write(fd.as_fd(), &b);
}

/// A helper's error again, with its kind (a missing path stays a 404 for
/// the API, a bad one a 400).
fn error_of(code: i32, status: u16, m: String) -> Error {
    match (code, status) {
        (126 | 127, _) => Error::from_exit_code(code, m),
        (_, 404) => Error::NotFound(m),
        (_, 400) => Error::Invalid(m),
        (_, 409) => Error::Conflict(m),
        _ => Error::from_exit_code(code, m),
    }
}

fn read_all(fd: &OwnedFd) -> Option<(i32, u16, String)> {
    let mut out = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match read(fd, &mut buf) {
            Ok(0) => break,
            Ok(n) => out.extend_from_slice(&buf[..n]),
            Err(Errno::EINTR) => continue,
            Err(_) => break,
        }
    }
    let (code, rest) = out.split_first()?;
    let (status, rest) = rest.split_at_checked(2).unwrap_or((&[1, 244], rest));
    Some((*code as i32, u16::from_be_bytes([status[0], status[1]]), String::from_utf8_lossy(rest).into_owned()))
}

/// Splits a container path into its parent (relative to the root) and last name.
pub fn split_path(p: &str) -> (PathBuf, Option<std::ffi::OsString>) {
    let rel = crate::rootview::normalize(p);
    let name = rel.file_name().map(|n| n.to_os_string());
    let parent = rel.parent().map(Path::to_path_buf).unwrap_or_default();
    (parent, name)
}

/// A container path relative to the root, `..` clamped at the root.
pub fn normalize(p: &str) -> PathBuf {
    let mut out = PathBuf::new();
    for c in Path::new(p).components() {
        match c {
            std::path::Component::Normal(n) => out.push(n),
            std::path::Component::ParentDir => {
                out.pop();
            }
            _ => {}
        }
    }
    out
}

/// Opens `rel` under `root` (O_PATH-free: a real fd) with every symlink
/// resolved as if `root` were / (openat2 RESOLVE_IN_ROOT).
pub fn open_in_root(root: &OwnedFd, rel: &Path, flags: nix::fcntl::OFlag) -> nix::Result<OwnedFd> {
    use nix::fcntl::{openat2, OpenHow, ResolveFlag};
    let how = OpenHow::new()
        .flags(flags | nix::fcntl::OFlag::O_CLOEXEC)
        .resolve(ResolveFlag::RESOLVE_IN_ROOT | ResolveFlag::RESOLVE_NO_MAGICLINKS);
    let rel = if rel.as_os_str().is_empty() { Path::new(".") } else { rel };
    // EAGAIN: a rename or mount anywhere on the system while a `..` was
    // resolved; openat2(2) says to try again.
    let mut tries = 0;
    loop {
        match openat2(root.as_fd(), rel, how) {
            Err(nix::errno::Errno::EAGAIN) if tries < 64 => tries += 1,
            r => return r,
        }
    }
}
