//! spec.mounts: parsing the options as runc does (parent side) and doing
//! each mount inside the rootfs (child side).

use super::child::{CResult, Stage};
use super::plan::normalize;
use super::resolve;
use crate::error::{Error, Result};
use nix::errno::Errno;
use nix::mount::MsFlags;
use nix::sys::statvfs::{statvfs, FsFlags};
use oci_spec::runtime::Mount;
use std::ffi::{CStr, CString};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, FromRawFd, OwnedFd, RawFd};
use std::path::PathBuf;

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

const ATIME: MsFlags = MsFlags::MS_NOATIME.union(MsFlags::MS_NODIRATIME).union(MsFlags::MS_RELATIME).union(MsFlags::MS_STRICTATIME);

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
        let meta = std::fs::metadata(src).map_err(|e| bad(&dest_str, &format!("bind source {}: {e}", src.display())))?;
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

/// Child side: does one mount inside the rootfs, open as `root`. The
/// target is opened once (resolve::ensure) and everything lands on that fd:
/// the mount is made detached (open_tree, fsmount), given its options while
/// detached, attached onto the target fd with move_mount, and its
/// propagation set through its own fd. No step walks the target's path
/// again, so a symlink swapped into it meanwhile cannot move the mount.
pub(super) fn do_mount(root: BorrowedFd, m: &MountPlan) -> CResult<()> {
    if m.kind == Kind::Sysfs || (m.kind == Kind::Other && m.fstype.as_bytes() == b"proc") {
        // runc's rule: proc and sysfs only on an ordinary folder. A link would
        // put them wherever it points, and the masked paths would then hide
        // nothing (/proc/kcore would be somewhere else).
        if let Err(Errno::ELOOP) = resolve::open_no_symlinks(root, &m.dest) {
            return Err(Errno::ELOOP).stage(|| {
                format!(
                    "mount {} at /{}: /{} must be an ordinary folder, not a symlink",
                    m.fstype.to_string_lossy(),
                    m.dest.display(),
                    m.dest.display()
                )
            });
        }
    }
    let target = resolve::ensure(root, &m.dest, m.dir)?;
    let tree = match &m.kind {
        Kind::Bind { recursive } => {
            let tree = clone_tree(&m.source, *recursive).stage(|| format!("bind mount {:?} at /{}", m.source, m.dest.display()))?;
            if !m.flags.is_empty() {
                // As a remount with exactly these flags would (runc): ro only
                // when asked, nosuid/nodev/noexec kept from the source, the
                // source's atime unless the options name one.
                let mut set = attr_bits(m.flags);
                let mut clr = MOUNT_ATTR_RDONLY & !set;
                if m.atime_given {
                    clr |= MOUNT_ATTR__ATIME | MOUNT_ATTR_NODIRATIME;
                } else {
                    set &= !(MOUNT_ATTR__ATIME | MOUNT_ATTR_NODIRATIME);
                }
                set_attr(tree.as_fd(), false, set, clr, 0)
                    .stage(|| format!("apply the mount options to the bind at /{}", m.dest.display()))?;
            }
            attach(&tree, &target).stage(|| format!("bind mount {:?} at /{}", m.source, m.dest.display()))?;
            tree
        }
        Kind::Sysfs | Kind::Mqueue | Kind::Cgroup => match new_fs(m) {
            // The kernel allows sysfs only in a network namespace owned by our user
            // namespace (and the like for mqueue and cgroup): podman binds the host's.
            Err(Errno::EPERM) => {
                let host = match m.kind {
                    Kind::Sysfs => c"/sys",
                    Kind::Mqueue => c"/dev/mqueue",
                    _ => c"/sys/fs/cgroup",
                };
                let tree = clone_tree(host, true).stage(|| format!("bind mount {host:?} at /{}", m.dest.display()))?;
                // Submounts included (a remount would change only the top one).
                set_attr(tree.as_fd(), true, attr_bits(m.flags) & !(MOUNT_ATTR__ATIME | MOUNT_ATTR_NODIRATIME), 0, 0)
                    .stage(|| format!("apply the mount options to the bind at /{}", m.dest.display()))?;
                attach(&tree, &target).stage(|| format!("bind mount {host:?} at /{}", m.dest.display()))?;
                tree
            }
            r => {
                let tree = r.stage(|| mount_stage(m))?;
                attach(&tree, &target).stage(|| mount_stage(m))?;
                tree
            }
        },
        Kind::Other => {
            let tree = new_fs(m).stage(|| mount_stage(m))?;
            attach(&tree, &target).stage(|| mount_stage(m))?;
            tree
        }
    };
    for p in &m.propagation {
        let recursive = p.contains(MsFlags::MS_REC);
        set_attr(tree.as_fd(), recursive, 0, 0, (*p & !MsFlags::MS_REC).bits())
            .stage(|| format!("set propagation of /{}", m.dest.display()))?;
    }
    Ok(())
}

fn mount_stage(m: &MountPlan) -> String {
    format!("mount {} at /{}", m.fstype.to_string_lossy(), m.dest.display())
}

/// A new, detached mount of the plan's file system, its options set: the
/// data options through fsconfig one by one (as mount(2) splits them), the
/// per-mount flags at fsmount.
pub(super) fn new_fs(m: &MountPlan) -> nix::Result<OwnedFd> {
    // SAFETY: a NUL-terminated name; the returned fd is checked and owned below.
    let fs = Errno::result(unsafe { libc::syscall(libc::SYS_fsopen, m.fstype.as_ptr(), FSOPEN_CLOEXEC) })?;
    // SAFETY: fsopen returned a new fd that nothing else owns.
    let fs = unsafe { OwnedFd::from_raw_fd(fs as RawFd) };
    if !m.source.as_bytes().is_empty() {
        fsconfig(fs.as_fd(), FSCONFIG_SET_STRING, c"source", Some(&m.source))?;
    }
    if let Some(data) = &m.data {
        for o in data.as_bytes().split(|b| *b == b',').filter(|o| !o.is_empty()) {
            let (k, v) = match o.iter().position(|b| *b == b'=') {
                Some(i) => (&o[..i], Some(&o[i + 1..])),
                None => (o, None),
            };
            let k = CString::new(k).map_err(|_| Errno::EINVAL)?;
            match v {
                Some(v) => fsconfig(fs.as_fd(), FSCONFIG_SET_STRING, &k, Some(&CString::new(v).map_err(|_| Errno::EINVAL)?))?,
                None => fsconfig(fs.as_fd(), FSCONFIG_SET_FLAG, &k, None)?,
            }
        }
    }
    // Superblock flags are options of the file system here.
    for (f, name) in [
        (MsFlags::MS_SYNCHRONOUS, c"sync"),
        (MsFlags::MS_DIRSYNC, c"dirsync"),
        (MsFlags::MS_LAZYTIME, c"lazytime"),
        (MsFlags::MS_MANDLOCK, c"mand"),
    ] {
        if m.flags.contains(f) {
            fsconfig(fs.as_fd(), FSCONFIG_SET_FLAG, name, None)?;
        }
    }
    // SAFETY: no pointers; the fd is live.
    Errno::result(unsafe {
        libc::syscall(libc::SYS_fsconfig, fs.as_raw_fd(), FSCONFIG_CMD_CREATE, std::ptr::null::<u8>(), std::ptr::null::<u8>(), 0)
    })?;
    // SAFETY: no pointers; the returned fd is checked and owned below.
    let mnt = Errno::result(unsafe { libc::syscall(libc::SYS_fsmount, fs.as_raw_fd(), FSMOUNT_CLOEXEC, attr_bits(m.flags)) })?;
    // SAFETY: fsmount returned a new fd that nothing else owns.
    Ok(unsafe { OwnedFd::from_raw_fd(mnt as RawFd) })
}

fn fsconfig(fs: BorrowedFd, cmd: libc::c_uint, key: &CStr, value: Option<&CStr>) -> nix::Result<()> {
    let v = value.map_or(std::ptr::null(), |v| v.as_ptr());
    // SAFETY: NUL-terminated key and value (or null where the command takes none).
    Errno::result(unsafe { libc::syscall(libc::SYS_fsconfig, fs.as_raw_fd(), cmd, key.as_ptr(), v, 0) }).map(drop)
}

/// A detached copy (bind) of the mount tree at the host path `source`
/// (submounts too when `recursive`), as open_tree(OPEN_TREE_CLONE) makes it.
pub(super) fn clone_tree(source: &CStr, recursive: bool) -> nix::Result<OwnedFd> {
    let rec = if recursive { libc::AT_RECURSIVE as libc::c_uint } else { 0 };
    // SAFETY: a NUL-terminated path; the returned fd is checked and owned below.
    let fd = Errno::result(unsafe {
        libc::syscall(libc::SYS_open_tree, libc::AT_FDCWD, source.as_ptr(), OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | rec)
    })?;
    // SAFETY: open_tree returned a new fd that nothing else owns.
    Ok(unsafe { OwnedFd::from_raw_fd(fd as RawFd) })
}

/// `clone_tree` of what the fd `at` names (a mount we hold, a path we opened).
pub(super) fn clone_tree_at(at: BorrowedFd, recursive: bool) -> nix::Result<OwnedFd> {
    let rec = if recursive { libc::AT_RECURSIVE as libc::c_uint } else { 0 };
    let flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | libc::AT_EMPTY_PATH as libc::c_uint | rec;
    // SAFETY: an empty NUL-terminated path; the returned fd is checked and owned below.
    let fd = Errno::result(unsafe { libc::syscall(libc::SYS_open_tree, at.as_raw_fd(), c"".as_ptr(), flags) })?;
    // SAFETY: open_tree returned a new fd that nothing else owns.
    Ok(unsafe { OwnedFd::from_raw_fd(fd as RawFd) })
}

/// Attaches the detached mount `tree` onto the file `target` is open on
/// (on top of what is mounted there already), without any path lookup.
pub(super) fn attach(tree: &OwnedFd, target: &impl AsFd) -> nix::Result<()> {
    let flags = MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH;
    // SAFETY: empty NUL-terminated paths with live fds.
    Errno::result(unsafe {
        libc::syscall(libc::SYS_move_mount, tree.as_raw_fd(), c"".as_ptr(), target.as_fd().as_raw_fd(), c"".as_ptr(), flags)
    })
    .map(drop)
}

/// The flags of the mount at `path` that a remount must keep.
pub(super) fn locked_flags(path: &CStr, with_atime: bool) -> MsFlags {
    let Ok(st) = statvfs(path) else { return MsFlags::empty() };
    let f = st.flags();
    let mut out = MsFlags::empty();
    for (s, m) in
        [(FsFlags::ST_NOSUID, MsFlags::MS_NOSUID), (FsFlags::ST_NODEV, MsFlags::MS_NODEV), (FsFlags::ST_NOEXEC, MsFlags::MS_NOEXEC)]
    {
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

const OPEN_TREE_CLONE: libc::c_uint = 1;
const OPEN_TREE_CLOEXEC: libc::c_uint = libc::O_CLOEXEC as libc::c_uint;
const MOVE_MOUNT_F_EMPTY_PATH: libc::c_uint = 0x4;
const MOVE_MOUNT_T_EMPTY_PATH: libc::c_uint = 0x40;
const FSOPEN_CLOEXEC: libc::c_uint = 1;
const FSCONFIG_SET_FLAG: libc::c_uint = 0;
const FSCONFIG_SET_STRING: libc::c_uint = 1;
const FSCONFIG_CMD_CREATE: libc::c_uint = 6;
const FSMOUNT_CLOEXEC: libc::c_uint = 1;
pub(super) const MOUNT_ATTR_RDONLY: u64 = 0x1;
const MOUNT_ATTR_NOSUID: u64 = 0x2;
const MOUNT_ATTR_NODEV: u64 = 0x4;
const MOUNT_ATTR_NOEXEC: u64 = 0x8;
const MOUNT_ATTR__ATIME: u64 = 0x70;
const MOUNT_ATTR_NOATIME: u64 = 0x10;
const MOUNT_ATTR_STRICTATIME: u64 = 0x20;
const MOUNT_ATTR_NODIRATIME: u64 = 0x80;

/// The MOUNT_ATTR_* bits of mount(2) flags (relatime is the value 0).
fn attr_bits(flags: MsFlags) -> u64 {
    let mut out = 0;
    for (f, a) in [
        (MsFlags::MS_RDONLY, MOUNT_ATTR_RDONLY),
        (MsFlags::MS_NOSUID, MOUNT_ATTR_NOSUID),
        (MsFlags::MS_NODEV, MOUNT_ATTR_NODEV),
        (MsFlags::MS_NOEXEC, MOUNT_ATTR_NOEXEC),
        (MsFlags::MS_NOATIME, MOUNT_ATTR_NOATIME),
        (MsFlags::MS_STRICTATIME, MOUNT_ATTR_STRICTATIME),
        (MsFlags::MS_NODIRATIME, MOUNT_ATTR_NODIRATIME),
    ] {
        if flags.contains(f) {
            out |= a;
        }
    }
    out
}

/// mount_setattr on the mount `fd` holds (detached or attached): sets and
/// clears MOUNT_ATTR_* bits, and the propagation when not 0; submounts too
/// when `recursive`.
pub(super) fn set_attr(fd: BorrowedFd, recursive: bool, set: u64, clr: u64, propagation: u64) -> nix::Result<()> {
    if set == 0 && clr == 0 && propagation == 0 {
        return Ok(());
    }
    let rec = if recursive { libc::AT_RECURSIVE } else { 0 };
    let attr = MountAttr { attr_set: set, attr_clr: clr, propagation, userns_fd: 0 };
    // SAFETY: the attr struct outlives the call and its size is passed.
    let r = unsafe {
        libc::syscall(
            libc::SYS_mount_setattr,
            fd.as_raw_fd(),
            c"".as_ptr(),
            (libc::AT_EMPTY_PATH | rec) as libc::c_uint,
            &attr as *const MountAttr,
            std::mem::size_of::<MountAttr>(),
        )
    };
    Errno::result(r).map(drop)
}
