//! A user namespace of the container's own (`--userns=keep-id`, `--uidmap`):
//! the spec asks for one with uidMappings/gidMappings relative to the
//! runtime's namespace (sangja's rootless namespace, or the host's as root).
//!
//! Why it is joined late (process.rs, just before the user change) rather
//! than first: the kernel cannot idmap an overlay mount, and rootless it
//! cannot idmap the layers' host filesystem either (mount_setattr needs
//! CAP_SYS_ADMIN over the superblock's namespace: EPERM for ext4, EINVAL for
//! overlay; measured on 6.18). So the layers are seen through a per-mapping
//! copy (idmap_copy.rs), and every mount (overlay, proc, sysfs, /dev) is made
//! while the child is still in the runtime's namespace, where it may mount;
//! the new namespace is entered once the filesystem is ready. The container's
//! other namespaces stay owned by the runtime's user namespace.

use super::idmap_copy::{self, IdMap};
use super::Rootfs;
use crate::error::{Error, Result};
use nix::errno::Errno;
use nix::fcntl::{open, OFlag};
use nix::sys::stat::Mode;
use oci_spec::runtime::{LinuxIdMapping, LinuxNamespaceType, Spec};
use std::os::fd::{AsRawFd, OwnedFd};

/// The container's user namespace, made, and its rootfs as seen through it.
pub(super) struct UsernsPlan {
    /// /proc/PID/ns/user of the namespace, kept open so that it lives on.
    pub fd: OwnedFd,
    /// The rootfs with the layers replaced by their copies for this mapping.
    pub rootfs: Rootfs,
    /// Layer folders the child covers with idmapped mounts of themselves
    /// before mounting the overlay (where the kernel allows it: as root).
    pub idmap_lowers: Vec<std::ffi::CString>,
    /// The outer ids of the container's root, owner of the tmpfs we mount.
    pub root_ids: (u32, u32),
    /// The uid map, for files made before joining (the terminal).
    pub uids: IdMap,
}

impl UsernsPlan {
    /// Child side, before joining: the /dev and /dev/shm tmpfs were made by
    /// the runtime's root; give them to the container's root, as podman's are.
    pub(super) fn chown_tmpfs(&self) -> super::child::CResult<()> {
        use super::child::Stage;
        for p in [c"/dev", c"/dev/shm"] {
            // SAFETY: a NUL-terminated path.
            let r = unsafe { libc::lchown(p.as_ptr(), self.root_ids.0, self.root_ids.1) };
            match Errno::result(r) {
                Ok(_) | Err(Errno::ENOENT) => {}
                Err(e) => return Err(e).stage(|| format!("chown {p:?} to the container's root")),
            }
        }
        Ok(())
    }
}

/// Whether the spec asks for a new user namespace (one without a path).
pub(super) fn wanted(spec: &Spec) -> bool {
    spec.linux()
        .as_ref()
        .and_then(|l| l.namespaces().as_ref())
        .is_some_and(|ns| ns.iter().any(|n| n.typ() == LinuxNamespaceType::User && n.path().is_none()))
}

/// Makes the namespace and the rootfs for it; None when the spec asks for none.
pub(super) fn prepare(spec: &Spec, rootfs: &Rootfs, notes: &mut dyn FnMut(super::Notice)) -> Result<Option<UsernsPlan>> {
    if !wanted(spec) {
        return Ok(None);
    }
    let linux = spec.linux().as_ref().ok_or_else(|| Error::Runtime("invalid spec: no linux section".into()))?;
    let uids = IdMap::from_spec(linux.uid_mappings().as_deref().unwrap_or(&[]));
    let gids = IdMap::from_spec(linux.gid_mappings().as_deref().unwrap_or(&[]));
    if uids.is_empty() || gids.is_empty() {
        return Err(Error::Runtime("invalid spec: a new user namespace needs linux.uidMappings and linux.gidMappings".into()));
    }
    let fd = create(&uids, &gids)?;
    let mut idmap_lowers = Vec::new();
    let rootfs = match rootfs {
        Rootfs::Overlay { lower, upper, work, userxattr } => {
            use std::os::fd::AsFd;
            let needs_map = !(uids.is_identity() && gids.is_identity());
            let lower = if needs_map && lower.iter().all(|l| super::idmap_mount::works(l, fd.as_fd())) {
                for l in lower {
                    idmap_lowers.push(
                        std::ffi::CString::new(l.as_os_str().as_encoded_bytes())
                            .map_err(|_| Error::Runtime(format!("layer path {} has a NUL byte", l.display())))?,
                    );
                }
                lower.clone()
            } else {
                idmap_copy::remap_layers(lower, &uids, &gids, notes)?
            };
            // The upper folder's owner is the owner of the container's "/".
            let (u, g) = (uids.outer(0), gids.outer(0));
            nix::unistd::chown(upper, Some(u.into()), Some(g.into()))
                .map_err(|e| Error::Runtime(format!("chown {} for the id mapping: {}", upper.display(), e.desc())))?;
            Rootfs::Overlay { lower, upper: upper.clone(), work: work.clone(), userxattr: *userxattr }
        }
        // The FUSE server serves the copies as it would the layers.
        Rootfs::Fuse { lower, upper, userxattr } => {
            let lower = idmap_copy::remap_layers(lower, &uids, &gids, notes)?;
            let (u, g) = (uids.outer(0), gids.outer(0));
            nix::unistd::chown(upper, Some(u.into()), Some(g.into()))
                .map_err(|e| Error::Runtime(format!("chown {} for the id mapping: {}", upper.display(), e.desc())))?;
            Rootfs::Fuse { lower, upper: upper.clone(), userxattr: *userxattr }
        }
        // A folder used as is (or another driver's rootfs): no layers to map.
        other => other.clone(),
    };
    let root_ids = (uids.outer(0), gids.outer(0));
    Ok(Some(UsernsPlan { fd, rootfs, idmap_lowers, root_ids, uids }))
}

/// A helper child unshares a user namespace; we (privileged in its parent
/// namespace) write its maps and keep a descriptor of it; the helper exits.
/// A fork because unshare(CLONE_NEWUSER) is refused to a process sharing
/// its memory (our CLONE_VM container child).
fn create(uids: &IdMap, gids: &IdMap) -> Result<OwnedFd> {
    let err = |what: &str, e: Errno| Error::Runtime(format!("{what}: {}", e.desc()));
    let (ready_r, ready_w) = nix::unistd::pipe2(OFlag::O_CLOEXEC).map_err(|e| err("pipe", e))?;
    let (done_r, done_w) = nix::unistd::pipe2(OFlag::O_CLOEXEC).map_err(|e| err("pipe", e))?;
    // SAFETY: the child only makes async-signal-safe system calls, then _exit.
    let pid = unsafe { libc::fork() };
    if pid < 0 {
        return Err(err("fork the user namespace helper", Errno::last()));
    }
    if pid == 0 {
        // SAFETY: raw system calls on our own descriptors. The fork copied
        // our ends too: without closing them the helper would wait forever.
        unsafe {
            libc::close(done_w.as_raw_fd());
            libc::close(ready_r.as_raw_fd());
            let ok: u8 = if libc::unshare(libc::CLONE_NEWUSER) == 0 { 1 } else { 0 };
            libc::write(ready_w.as_raw_fd(), (&ok as *const u8).cast(), 1);
            let mut b = 0u8;
            libc::read(done_r.as_raw_fd(), (&mut b as *mut u8).cast(), 1);
            libc::_exit(0);
        }
    }
    drop(ready_w);
    drop(done_r);
    let mut b = [0u8; 1];
    let n = nix::unistd::read(&ready_r, &mut b).unwrap_or(0);
    let result = if n != 1 || b[0] != 1 {
        Err(Error::Runtime(
            "cannot create the container's user namespace: check that user namespaces are enabled \
             (sysctl user.max_user_namespaces > 0)"
                .into(),
        ))
    } else {
        write_map(pid, "uid_map", uids).and_then(|_| write_map(pid, "gid_map", gids)).and_then(|_| {
            open(format!("/proc/{pid}/ns/user").as_str(), OFlag::O_RDONLY | OFlag::O_CLOEXEC, Mode::empty())
                .map_err(|e| err("open the container's user namespace", e))
        })
    };
    drop(done_w);
    let mut status = 0;
    // SAFETY: reaping our own helper.
    while unsafe { libc::waitpid(pid, &mut status, 0) } < 0 && Errno::last() == Errno::EINTR {}
    result
}

fn write_map(pid: i32, file: &str, map: &IdMap) -> Result<()> {
    let text = map.proc_text();
    std::fs::write(format!("/proc/{pid}/{file}"), &text).map_err(|e| {
        let kind = if file == "uid_map" { "uid" } else { "gid" };
        Error::Invalid(format!(
            "the {kind} mapping {:?} cannot be used: {e}; every host id must be one this user namespace has \
             (rootless: 0 is you, 1..N your range of /etc/sub{kind}, see /proc/self/{file} inside `sangja unshare`)",
            text.trim().replace('\n', ", ")
        ))
    })
}

/// oci-spec's mappings as ours (used by unit tests of the spec side too).
pub fn mapping(container_id: u32, host_id: u32, size: u32) -> LinuxIdMapping {
    oci_spec::runtime::LinuxIdMappingBuilder::default()
        .container_id(container_id)
        .host_id(host_id)
        .size(size)
        .build()
        .expect("every field of the id mapping is set")
}
