//! sangja's own binary, out of a container's reach (runc CVE-2019-5736).
//!
//! Until it execs, a container's first process (clone.rs) and an exec'd
//! one (exec.rs) are sangja, inside the container's namespaces: an image
//! file starting `#!/proc/self/exe` (or an ELF whose interpreter is that)
//! makes the kernel run the binary of the process that execs it, and the
//! container then holds the host's binary through /proc/PID/exe, to rewrite
//! it once it is no longer busy (as root: CAP_DAC_OVERRIDE; rootless: when
//! the binary is the user's own).
//!
//! So a process that will start or enter containers first re-executes
//! itself from a read-only view of its binary, as runc 1.2 does: an
//! overlayfs of the binary's folder with no upper layer, mounted nowhere
//! (fsopen/fsmount), which no remount can make writable. Zero-copy: the
//! pages are the binary's own, and the cost is one exec (~2 ms; a memfd copy
//! of our 19 MB costs ~25 ms, and is kept only as the fallback). Rootless,
//! the overlay is made in a throwaway user and mount namespace by a helper
//! that shares our fd table.

use crate::error::{Error, Result};
use nix::errno::Errno;
use std::ffi::{CStr, CString, OsStr};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

/// The binary's path on the host, for the re-executed process.
const ENV_EXE: &str = "_SANGJA_EXE";
/// `dev:ino` of a binary found out of reach (`out_of_reach_rootless`)
/// before the user namespace was entered: in there, a worker sees its
/// owner as unmapped and cannot tell again (`remember_out_of_reach`).
const ENV_OUT_OF_REACH: &str = "_SANGJA_EXE_OUT_OF_REACH";

/// The name of the fallback memfd, by which a sealed copy is recognised.
const MEMFD_NAME: &CStr = c"sangja-sealed";

// fsconfig(2) commands and mount attributes (linux/mount.h).
const FSCONFIG_SET_STRING: libc::c_uint = 1;
const FSCONFIG_CMD_CREATE: libc::c_uint = 6;
const MOUNT_ATTR_RDONLY: libc::c_uint = 0x1;
const MOUNT_ATTR_NOSUID: libc::c_uint = 0x2;
const MOUNT_ATTR_NODEV: libc::c_uint = 0x4;

/// The path of sangja's binary on the host (to re-execute it, to mount it
/// as --init, to name it in a unit), also when this process runs from the
/// sealed view, whose /proc/self/exe names no host path.
pub fn host_path() -> std::io::Result<PathBuf> {
    match std::env::var_os(ENV_EXE) {
        Some(p) if !p.is_empty() => Ok(PathBuf::from(p)),
        _ => std::env::current_exe(),
    }
}

/// Re-executes this process, same arguments and environment and the `keep`
/// fds from 3 on, from a read-only view of its binary; returns Ok when it
/// already runs from one. Call it first thing, while single-threaded and
/// before any other fd of ours is open.
pub fn reexec_sealed(keep: u32) -> Result<()> {
    let err = |what: &str, e: Errno| Error::Runtime(format!("{what}: {}", e.desc()));
    let exe = nix::fcntl::open("/proc/self/exe", nix::fcntl::OFlag::O_PATH | nix::fcntl::OFlag::O_CLOEXEC, nix::sys::stat::Mode::empty())
        .map_err(|e| err("open sangja's own binary (/proc/self/exe)", e))?;
    let link = std::fs::read_link("/proc/self/exe").map_err(|e| Error::Runtime(format!("read /proc/self/exe: {e}")))?;
    if sealed(&exe, &link) || out_of_reach_rootless(&exe) {
        return Ok(());
    }
    drop(exe);
    let fd = match overlay_view(&link) {
        Ok(fd) => fd,
        Err(_) => memfd_copy()?,
    };
    if std::env::var_os(ENV_EXE).is_none() {
        std::env::set_var(ENV_EXE, &link);
    }
    for fd in 3..3u32.saturating_add(keep) {
        // SAFETY: clearing FD_CLOEXEC on an fd we were handed to keep.
        unsafe { libc::fcntl(fd as RawFd, libc::F_SETFD, 0) };
    }
    let args: Vec<CString> = std::env::args_os().filter_map(|a| CString::new(a.as_bytes()).ok()).collect();
    let mut argv: Vec<*const libc::c_char> = args.iter().map(|a| a.as_ptr()).collect();
    argv.push(std::ptr::null());
    extern "C" {
        static environ: *const *const libc::c_char;
    }
    // SAFETY: execveat of our fd with NULL-terminated arrays of live C
    // strings; environ is the C library's, which set_var above updated.
    unsafe {
        libc::syscall(libc::SYS_execveat, fd.as_raw_fd(), c"".as_ptr(), argv.as_ptr(), environ, libc::AT_EMPTY_PATH);
    }
    Err(err("re-execute sangja from its sealed binary", Errno::last()))
}

/// Whether the binary we run is one a container cannot write: on a
/// read-only mount (our overlay, or an installation on a read-only /usr),
/// or our sealed memfd.
fn sealed(exe: &OwnedFd, link: &Path) -> bool {
    if link.as_os_str().as_bytes().starts_with(b"/memfd:sangja-sealed") {
        return true;
    }
    // SAFETY: fstatvfs on our fd into a zeroed struct.
    let mut st: libc::statvfs = unsafe { std::mem::zeroed() };
    unsafe { libc::fstatvfs(exe.as_raw_fd(), &mut st) == 0 && st.f_flag & libc::ST_RDONLY != 0 }
}

/// Rootless, whether no process of our containers can write the binary
/// anyway, so the re-exec (a user and mount namespace and an exec: about
/// half of a `run --rm true`) buys nothing: a container's ids are ours and
/// our subordinate range, and a capability in its user namespace means
/// nothing on an inode whose owner is not mapped there. That holds for a
/// binary owned by root (never in anyone's range) with no group or other
/// write bit and no ACL that could grant one (the usual /usr/bin install);
/// a binary of the user's own (~/.cargo/bin) is re-executed.
fn out_of_reach_rootless(exe: &OwnedFd) -> bool {
    // SAFETY: fstat of our O_PATH fd into a zeroed struct.
    let mut st: libc::stat = unsafe { std::mem::zeroed() };
    if unsafe { libc::fstat(exe.as_raw_fd(), &mut st) } != 0 {
        return false;
    }
    // A worker in the user namespace (uid 0 there): the verdict of the
    // sangja that entered it, for this very inode (a binary replaced since
    // is another inode, checked again: copied).
    // Only in a user namespace of our own: the initial namespace's root
    // (who can write any file) never takes a verdict from its environment.
    if let Some(v) = std::env::var_os(ENV_OUT_OF_REACH) {
        return !in_initial_userns() && v.as_bytes() == format!("{}:{}", st.st_dev, st.st_ino).as_bytes();
    }
    // SAFETY: getuid cannot fail.
    if unsafe { libc::getuid() } == 0 {
        return false;
    }
    if st.st_uid != 0 || st.st_mode & 0o022 != 0 {
        return false;
    }
    // An access ACL could grant write to our uid or group: be safe.
    let path = format!("/proc/self/fd/{}\0", exe.as_raw_fd());
    // SAFETY: getxattr with a NUL-terminated path and no buffer (size query).
    let r = unsafe { libc::getxattr(path.as_ptr().cast(), c"system.posix_acl_access".as_ptr(), std::ptr::null_mut(), 0) };
    r < 0 && matches!(Errno::last(), Errno::ENODATA | Errno::EOPNOTSUPP)
}

/// Whether this process is in the initial user namespace (its uid_map is
/// the identity over every id); unreadable counts as initial, the safe side.
fn in_initial_userns() -> bool {
    std::fs::read_to_string("/proc/self/uid_map")
        .map(|m| m.split_whitespace().collect::<Vec<_>>() == ["0", "0", "4294967295"])
        .unwrap_or(true)
}

/// Called while single-threaded, before the user namespace is entered:
/// when the running binary is out of reach of our containers, says so to
/// the workers this process starts from inside the namespace (the API
/// service's and `run -d`'s monitors), which would otherwise copy the
/// whole binary into a sealed memfd on every start.
pub fn remember_out_of_reach() {
    let Ok(exe) =
        nix::fcntl::open("/proc/self/exe", nix::fcntl::OFlag::O_PATH | nix::fcntl::OFlag::O_CLOEXEC, nix::sys::stat::Mode::empty())
    else {
        return;
    };
    if std::env::var_os(ENV_OUT_OF_REACH).is_some() || !out_of_reach_rootless(&exe) {
        return;
    }
    // SAFETY: fstat of our O_PATH fd into a zeroed struct.
    let mut st: libc::stat = unsafe { std::mem::zeroed() };
    if unsafe { libc::fstat(exe.as_raw_fd(), &mut st) } == 0 {
        std::env::set_var(ENV_OUT_OF_REACH, format!("{}:{}", st.st_dev, st.st_ino));
    }
}

/// An O_PATH fd of `bin` seen through a detached read-only overlayfs.
fn overlay_view(bin: &Path) -> Result<OwnedFd> {
    let bad = || Error::Runtime(format!("{}: not a path overlayfs can use", bin.display()));
    if bin.as_os_str().as_bytes().ends_with(b" (deleted)") {
        return Err(bad());
    }
    let dir = bin.parent().ok_or_else(bad)?;
    let name = CString::new(bin.file_name().ok_or_else(bad)?.as_bytes()).map_err(|_| bad())?;
    // Without an upper layer overlayfs wants two lower ones; the second only
    // fills the count (the binary's folder is on top, so its file wins) and
    // must not contain or lie within the first (ELOOP).
    let dummy = ["/etc", "/usr/share", "/var", "/opt"]
        .into_iter()
        .map(Path::new)
        .find(|d| !dir.starts_with(d) && !d.starts_with(dir) && d.is_dir())
        .ok_or_else(bad)?;
    let lower = CString::new([escape(dir.as_os_str()), b":".to_vec(), escape(dummy.as_os_str())].concat()).map_err(|_| bad())?;
    // SAFETY: getuid cannot fail.
    let job = Job { lower, name, rootless: unsafe { libc::getuid() } != 0, result: -libc::EINVAL };
    let fd = if job.rootless { in_helper(job)? } else { job.run() };
    if fd < 0 {
        return Err(Error::Runtime(format!("mount a read-only view of {}: {}", bin.display(), Errno::from_raw(-fd).desc())));
    }
    // SAFETY: a fresh descriptor that the job opened for us.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// overlayfs takes ':' and '\' in a lowerdir path escaped.
fn escape(p: &OsStr) -> Vec<u8> {
    let mut out = Vec::with_capacity(p.len());
    for &b in p.as_bytes() {
        if b == b':' || b == b'\\' {
            out.push(b'\\');
        }
        out.push(b);
    }
    out
}

/// The mount, as the helper or we ourselves make it: raw system calls only.
struct Job {
    lower: CString,
    name: CString,
    rootless: bool,
    /// The O_PATH fd, or -errno.
    result: RawFd,
}

impl Job {
    fn run(&self) -> RawFd {
        // SAFETY: the new mount API's system calls on our own descriptors and C strings.
        unsafe {
            let fs = libc::syscall(libc::SYS_fsopen, c"overlay".as_ptr(), 1 as libc::c_uint) as RawFd;
            if fs < 0 {
                return -Errno::last_raw();
            }
            let mut r = libc::syscall(libc::SYS_fsconfig, fs, FSCONFIG_SET_STRING, c"lowerdir".as_ptr(), self.lower.as_ptr(), 0);
            if r == 0 {
                r = libc::syscall(
                    libc::SYS_fsconfig,
                    fs,
                    FSCONFIG_CMD_CREATE,
                    std::ptr::null::<libc::c_char>(),
                    std::ptr::null::<libc::c_char>(),
                    0,
                );
            }
            if r < 0 {
                let e = Errno::last_raw();
                libc::close(fs);
                return -e;
            }
            let mnt =
                libc::syscall(libc::SYS_fsmount, fs, 1 as libc::c_uint, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV) as RawFd;
            let e = Errno::last_raw();
            libc::close(fs);
            if mnt < 0 {
                return -e;
            }
            let fd = libc::openat(mnt, self.name.as_ptr(), libc::O_PATH | libc::O_NOFOLLOW | libc::O_CLOEXEC);
            let e = Errno::last_raw();
            libc::close(mnt);
            if fd < 0 {
                -e
            } else {
                fd
            }
        }
    }
}

/// Rootless: the caller may not mount in the host's mount namespace, so a
/// helper in a user and mount namespace of its own makes the overlay; it
/// shares our memory and fd table (CLONE_VM|CLONE_FILES), so the fd it
/// opens is ours, and it is gone when clone returns (CLONE_VFORK).
fn in_helper(mut job: Job) -> Result<RawFd> {
    extern "C" fn helper(arg: *mut libc::c_void) -> libc::c_int {
        // SAFETY: the Job on the caller's stack, untouched while it sleeps in clone.
        let job = unsafe { &mut *(arg as *mut Job) };
        job.result = job.run();
        0
    }
    let stack = super::clone::Stack::new()?;
    let flags = libc::CLONE_VM | libc::CLONE_VFORK | libc::CLONE_FILES | libc::CLONE_NEWUSER | libc::CLONE_NEWNS | libc::SIGCHLD;
    // SAFETY: the helper only makes raw system calls on the Job, which
    // outlives it (CLONE_VFORK), and returns, which ends it.
    let pid = unsafe { libc::clone(helper, stack.top(), flags, (&mut job as *mut Job).cast()) };
    if pid < 0 {
        return Err(Error::Runtime(format!("start the helper that seals sangja's binary: {}", Errno::last().desc())));
    }
    let mut status = 0;
    // SAFETY: reaping our own helper.
    while unsafe { libc::waitpid(pid, &mut status, 0) } < 0 && Errno::last() == Errno::EINTR {}
    Ok(job.result)
}

/// The fallback: a copy of the binary in a sealed memfd (crun's way).
fn memfd_copy() -> Result<OwnedFd> {
    let err = |what: &str, e: Errno| Error::Runtime(format!("{what}: {}", e.desc()));
    // SAFETY: memfd_create with a C string and flags.
    let fd = unsafe { libc::memfd_create(MEMFD_NAME.as_ptr(), libc::MFD_CLOEXEC | libc::MFD_ALLOW_SEALING) };
    let fd = Errno::result(fd).map_err(|e| err("create a sealed copy of sangja's binary", e))?;
    // SAFETY: a fresh descriptor of ours.
    let fd = unsafe { OwnedFd::from_raw_fd(fd) };
    let src = std::fs::File::open("/proc/self/exe").map_err(|e| Error::Runtime(format!("read sangja's own binary: {e}")))?;
    let size = src.metadata().map_err(|e| Error::Runtime(format!("read sangja's own binary: {e}")))?.len() as usize;
    let mut done = 0;
    while done < size {
        // SAFETY: sendfile between our two descriptors.
        let n = unsafe { libc::sendfile(fd.as_raw_fd(), src.as_raw_fd(), std::ptr::null_mut(), size - done) };
        match Errno::result(n) {
            Ok(0) => break,
            Ok(n) => done += n as usize,
            Err(Errno::EINTR) => {}
            Err(e) => return Err(err("copy sangja's binary", e)),
        }
    }
    let seals = libc::F_SEAL_SEAL | libc::F_SEAL_SHRINK | libc::F_SEAL_GROW | libc::F_SEAL_WRITE | libc::F_SEAL_FUTURE_WRITE;
    // SAFETY: fcntl on our memfd.
    Errno::result(unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_ADD_SEALS, seals) })
        .map_err(|e| err("seal the copy of sangja's binary", e))?;
    Ok(fd)
}
