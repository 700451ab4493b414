//! spec.mounts: parsing the options as runc does (parent side) and doing
//! each mount inside the rootfs (child side).

use super::child::{CResult, Stage};
use super::plan::normalize;
use super::resolve;
use crate::error::{Error, Result};
use nix::errno::Errno;
use nix::fcntl::OFlag;
use nix::mount::{mount, MsFlags};
use nix::sys::statvfs::{statvfs, FsFlags};
use oci_spec::runtime::Mount;
use std::ffi::{CStr, CString};
use std::os::fd::{AsRawFd, BorrowedFd};
use std::path::{Path, PathBuf};

/// What kind of mount, where behaviour differs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Kind {
    Bind {
        recursive: bool,
    },
    Sysfs,
    Mqueue,
    Cgroup,
    /// proc, tmpfs, devpts and anything else mounted by type.
    Other,
}

/// One mount, parsed and ready for the child.
#[derive(Debug)]
pub(super) struct MountPlan {
    /// Relative to the rootfs, normalised.
    pub dest: PathBuf,
    pub kind: Kind,
    pub fstype: CString,
    /// Host path for binds; the fs name otherwise.
    pub source: CString,
    /// Flags of the mount itself, without MS_BIND/MS_REC.
    pub flags: MsFlags,
    /// The options named an atime flag: do not carry the source's over.
    pub atime_given: bool,
    pub data: Option<CString>,
    pub propagation: Vec<MsFlags>,
    /// The target is a directory (else an empty file is created).
    pub dir: bool,
}

impl MountPlan {
    pub fn is_tmpfs(&self) -> bool {
        self.kind == Kind::Other && self.fstype.as_bytes() == b"tmpfs"
    }
}

const ATIME: MsFlags =
    MsFlags::MS_NOATIME.union(MsFlags::MS_NODIRATIME).union(MsFlags::MS_RELATIME).union(MsFlags::MS_STRICTATIME);

/// The flag an option sets (true) or clears (false), as in runc's table.
fn option_flag(o: &str) -> Option<(bool, MsFlags)> {
    use MsFlags as F;
    Some(match o {
        "async" => (false, F::MS_SYNCHRONOUS),
        "atime" => (false, F::MS_NOATIME),
        "bind" => (true, F::MS_BIND),
        "defaults" => (true, F::empty()),
        "dev" => (false, F::MS_NODEV),
        "diratime" => (false, F::MS_NODIRATIME),
        "dirsync" => (true, F::MS_DIRSYNC),
        "exec" => (false, F::MS_NOEXEC),
        "iversion" => (true, F::MS_I_VERSION),
        "lazytime" => (true, F::MS_LAZYTIME),
        "loud" => (false, F::MS_SILENT),
        "mand" => (true, F::MS_MANDLOCK),
        "noatime" => (true, F::MS_NOATIME),
        "nodev" => (true, F::MS_NODEV),
        "nodiratime" => (true, F::MS_NODIRATIME),
        "noexec" => (true, F::MS_NOEXEC),
        "noiversion" => (false, F::MS_I_VERSION),
        "nolazytime" => (false, F::MS_LAZYTIME),
        "nomand" => (false, F::MS_MANDLOCK),
        "norelatime" => (false, F::MS_RELATIME),
        "nostrictatime" => (false, F::MS_STRICTATIME),
        "nosuid" => (true, F::MS_NOSUID),
        "rbind" => (true, F::MS_BIND.union(F::MS_REC)),
        "relatime" => (true, F::MS_RELATIME),
        "remount" => (true, F::MS_REMOUNT),
        "ro" => (true, F::MS_RDONLY),
        "rw" => (false, F::MS_RDONLY),
        "silent" => (true, F::MS_SILENT),
        "strictatime" => (true, F::MS_STRICTATIME),
        "suid" => (false, F::MS_NOSUID),
        "sync" => (true, F::MS_SYNCHRONOUS),
        _ => return None,
    })
}

/// Propagation flags for an option or rootfsPropagation value.
pub(super) fn propagation_flag(o: &str) -> Option<MsFlags> {
    use MsFlags as F;
    Some(match o {
        "private" => F::MS_PRIVATE,
        "rprivate" => F::MS_PRIVATE | F::MS_REC,
        "shared" => F::MS_SHARED,
        "rshared" => F::MS_SHARED | F::MS_REC,
        "slave" => F::MS_SLAVE,
        "rslave" => F::MS_SLAVE | F::MS_REC,
        "unbindable" => F::MS_UNBINDABLE,
        "runbindable" => F::MS_UNBINDABLE | F::MS_REC,
        _ => return None,
    })
}

/// Options podman and others add for their own runtimes' extensions; they
/// mean nothing to the kernel.
fn ignored_option(o: &str) -> bool {
    matches!(o, "tmpcopyup" | "notmpcopyup" | "copy-symlink" | "nocopyup" | "z" | "Z" | "U") || o.starts_with("x-")
}

/// Parses one spec mount. `gid_map` is /proc/self/gid_map, to drop a
/// devpts `gid=` that is not mapped (rootless without subordinate ids).
pub(super) fn plan_mount(m: &Mount, gid_map: &str) -> Result<MountPlan> {
    let dest_str = m.destination().to_string_lossy().into_owned();
    if !m.destination().is_absolute() {
        return Err(bad(&dest_str, "the destination is not absolute"));
    }
    let dest = normalize(m.destination());
    let typ = m.typ().as_deref().unwrap_or("");
    let mut flags = MsFlags::empty();
    let mut atime_given = false;
    let mut propagation = Vec::new();
    let mut data = Vec::new();
    for o in m.options().as_ref().into_iter().flatten() {
        if let Some((set, f)) = option_flag(o) {
            atime_given |= ATIME.intersects(f);
            if set {
                flags |= f;
            } else {
                flags &= !f;
            }
        } else if let Some(p) = propagation_flag(o) {
            propagation.push(p);
        } else if o == "idmap" || o == "ridmap" {
            return Err(bad(&dest_str, "idmapped mounts are not supported yet"));
        } else if !ignored_option(o) {
            data.push(o.as_str());
        }
    }
    let bind = flags.contains(MsFlags::MS_BIND) || typ == "bind";
    let kind = if bind {
        Kind::Bind { recursive: flags.contains(MsFlags::MS_REC) }
    } else {
        match typ {
            "sysfs" => Kind::Sysfs,
            "mqueue" => Kind::Mqueue,
            "cgroup" | "cgroup2" => Kind::Cgroup,
            "" => return Err(bad(&dest_str, "the mount has no type")),
            _ => Kind::Other,
        }
    };
    flags &= !(MsFlags::MS_BIND | MsFlags::MS_REC);
    if typ == "devpts" {
        data.retain(|o| match o.strip_prefix("gid=").and_then(|g| g.parse::<u32>().ok()) {
            Some(gid) => id_mapped(gid_map, gid),
            None => true,
        });
    }
    let (source, dir) = if bind {
        let src = m.source().as_ref().ok_or_else(|| bad(&dest_str, "a bind mount needs a source"))?;
        let meta =
            std::fs::metadata(src).map_err(|e| bad(&dest_str, &format!("bind source {}: {e}", src.display())))?;
        (src.to_string_lossy().into_owned(), meta.is_dir())
    } else {
        let src = m.source().as_ref().map(|s| s.to_string_lossy().into_owned());
        (src.unwrap_or_else(|| typ.to_string()), true)
    };
    let fstype = if kind == Kind::Cgroup { "cgroup2" } else { typ };
    Ok(MountPlan {
        dest,
        kind,
        fstype: cstr(fstype, &dest_str)?,
        source: cstr(&source, &dest_str)?,
        flags,
        atime_given,
        data: if bind || data.is_empty() { None } else { Some(cstr(&data.join(","), &dest_str)?) },
        propagation,
        dir,
    })
}

fn bad(dest: &str, what: &str) -> Error {
    Error::Runtime(format!("invalid spec: mount at {dest}: {what}"))
}

fn cstr(s: &str, dest: &str) -> Result<CString> {
    CString::new(s).map_err(|_| bad(dest, &format!("{s:?} contains a NUL byte")))
}

/// True when `id` is inside one of the ranges of an id map file.
pub(super) fn id_mapped(map: &str, id: u32) -> bool {
    map.lines().any(|l| {
        let mut f = l.split_whitespace().map(|n| n.parse::<u64>().ok());
        match (f.next().flatten(), f.next().flatten(), f.next().flatten()) {
            (Some(inside), Some(_), Some(count)) => (inside..inside + count).contains(&(id as u64)),
            _ => false,
        }
    })
}

/// Child side: does one mount inside the rootfs, open as `root` and found
/// on the host at `rootfs`.
pub(super) fn do_mount(root: BorrowedFd, rootfs: &Path, m: &MountPlan) -> CResult<()> {
    let at = resolve::host_path(rootfs, &resolve::ensure(root, &m.dest, m.dir)?)
        .stage(|| format!("the path of /{}", m.dest.display()))?;
    match &m.kind {
        Kind::Bind { recursive } => {
            bind(&m.source, &at, *recursive).stage(|| format!("bind mount {:?} at /{}", m.source, m.dest.display()))?;
            if !m.flags.is_empty() {
                let flags = MsFlags::MS_BIND | MsFlags::MS_REMOUNT | m.flags | locked_flags(&at, !m.atime_given);
                mount(None::<&str>, at.as_c_str(), None::<&str>, flags, None::<&str>)
                    .stage(|| format!("remount /{} with the mount options", m.dest.display()))?;
            }
        }
        Kind::Sysfs | Kind::Mqueue | Kind::Cgroup => {
            match mount_fs(m, &at) {
                // The kernel allows sysfs only in a network namespace owned by our user
                // namespace (and the like for mqueue and cgroup): podman binds the host's.
                Err(Errno::EPERM) => {
                    let host = match m.kind {
                        Kind::Sysfs => c"/sys",
                        Kind::Mqueue => c"/dev/mqueue",
                        _ => c"/sys/fs/cgroup",
                    };
                    bind(host, &at, true).stage(|| format!("bind mount {host:?} at /{}", m.dest.display()))?;
                    set_attr_recursive(&at, m.flags)
                        .stage(|| format!("apply the mount options to the bind at /{}", m.dest.display()))?;
                }
                r => r.stage(|| mount_stage(m))?,
            }
        }
        Kind::Other => mount_fs(m, &at).stage(|| mount_stage(m))?,
    }
    for p in &m.propagation {
        mount(None::<&str>, at.as_c_str(), None::<&str>, *p, None::<&str>)
            .stage(|| format!("set propagation of /{}", m.dest.display()))?;
    }
    Ok(())
}

fn mount_stage(m: &MountPlan) -> String {
    format!("mount {} at /{}", m.fstype.to_string_lossy(), m.dest.display())
}

fn mount_fs(m: &MountPlan, at: &CString) -> nix::Result<()> {
    mount(Some(m.source.as_c_str()), at.as_c_str(), Some(m.fstype.as_c_str()), m.flags, m.data.as_deref())
}

pub(super) fn bind(source: &CStr, at: &CStr, recursive: bool) -> nix::Result<()> {
    let rec = if recursive { MsFlags::MS_REC } else { MsFlags::empty() };
    mount(Some(source), at, None::<&str>, MsFlags::MS_BIND | rec, None::<&str>)
}

/// The flags of the mount at `path` that a remount must keep.
pub(super) fn locked_flags(path: &CStr, with_atime: bool) -> MsFlags {
    let Ok(st) = statvfs(path) else { return MsFlags::empty() };
    let f = st.flags();
    let mut out = MsFlags::empty();
    for (s, m) in [
        (FsFlags::ST_NOSUID, MsFlags::MS_NOSUID),
        (FsFlags::ST_NODEV, MsFlags::MS_NODEV),
        (FsFlags::ST_NOEXEC, MsFlags::MS_NOEXEC),
    ] {
        if f.contains(s) {
            out |= m;
        }
    }
    if with_atime {
        for (s, m) in [
            (FsFlags::ST_NOATIME, MsFlags::MS_NOATIME),
            (FsFlags::ST_NODIRATIME, MsFlags::MS_NODIRATIME),
            (FsFlags::ST_RELATIME, MsFlags::MS_RELATIME),
        ] {
            if f.contains(s) {
                out |= m;
            }
        }
    }
    out
}

#[repr(C)]
struct MountAttr {
    attr_set: u64,
    attr_clr: u64,
    propagation: u64,
    userns_fd: u64,
}

/// Applies ro/nosuid/nodev/noexec to the mount tree at `path`, submounts
/// included (a remount would change only the top one).
fn set_attr_recursive(path: &CStr, flags: MsFlags) -> nix::Result<()> {
    let mut set = 0u64;
    for (f, attr) in [
        (MsFlags::MS_RDONLY, 0x1), // MOUNT_ATTR_RDONLY
        (MsFlags::MS_NOSUID, 0x2),
        (MsFlags::MS_NODEV, 0x4),
        (MsFlags::MS_NOEXEC, 0x8),
    ] {
        if flags.contains(f) {
            set |= attr;
        }
    }
    if set == 0 {
        return Ok(());
    }
    let fd = nix::fcntl::open(path, OFlag::O_PATH | OFlag::O_CLOEXEC, nix::sys::stat::Mode::empty())?;
    let attr = MountAttr { attr_set: set, attr_clr: 0, propagation: 0, userns_fd: 0 };
    // SAFETY: the attr struct outlives the call and its size is passed.
    let r = unsafe {
        libc::syscall(
            libc::SYS_mount_setattr,
            fd.as_raw_fd(),
            c"".as_ptr(),
            (libc::AT_EMPTY_PATH | libc::AT_RECURSIVE) as libc::c_uint,
            &attr as *const MountAttr,
            std::mem::size_of::<MountAttr>(),
        )
    };
    Errno::result(r).map(drop)
}
