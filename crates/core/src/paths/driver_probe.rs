//! The automatic choice of a new store's driver (DESIGN.md, Rootless):
//! kernel overlay if a test mount in a user namespace succeeds, else our
//! FUSE overlay if /dev/fuse can be opened, else vfs. The overlay probe
//! costs a fork and a mount, so its result is kept in the runroot; the
//! choice itself is recorded in the store, which never asks again.

use super::{ENV_PROBE_NO_FUSE, ENV_PROBE_NO_OVERLAY};
use nix::errno::Errno;
use std::ffi::CString;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

/// The probe's cached result: "ok" or "fail <why>".
const CACHE: &str = "overlay-probe";

/// The driver for a new store and, when it is not kernel overlay, why.
pub(super) fn choose(runroot: &Path, rootless: bool) -> (String, Option<String>) {
    let overlay = match forced(ENV_PROBE_NO_OVERLAY) {
        true => Err(format!("{ENV_PROBE_NO_OVERLAY} is set")),
        false => cached_probe(runroot, rootless),
    };
    let why_not = match overlay {
        Ok(()) => return ("overlay".to_string(), None),
        Err(why) => why,
    };
    match fuse_usable() {
        Ok(()) => ("fuse-overlay".to_string(), Some(format!("kernel overlayfs is not usable here ({why_not}): using fuse-overlay"))),
        Err(fuse_why) => (
            "vfs".to_string(),
            Some(format!(
                "kernel overlayfs is not usable here ({why_not}) and neither is FUSE ({fuse_why}): \
                 using vfs, which copies the whole image for every container"
            )),
        ),
    }
}

fn forced(var: &str) -> bool {
    std::env::var(var).is_ok_and(|v| !v.is_empty() && v != "0")
}

/// Whether this process may serve a FUSE file system.
fn fuse_usable() -> Result<(), String> {
    if forced(ENV_PROBE_NO_FUSE) {
        return Err(format!("{ENV_PROBE_NO_FUSE} is set"));
    }
    std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/fuse")
        .map(drop)
        .map_err(|e| format!("open /dev/fuse: {}", Errno::from_raw(e.raw_os_error().unwrap_or(0))))
}

fn cached_probe(runroot: &Path, rootless: bool) -> Result<(), String> {
    let cache = runroot.join(CACHE);
    if let Ok(text) = std::fs::read_to_string(&cache) {
        let text = text.trim();
        if text == "ok" {
            return Ok(());
        }
        if let Some(why) = text.strip_prefix("fail ") {
            return Err(why.to_string());
        }
    }
    let result = match probe(runroot, rootless) {
        Ok(verdict) => verdict,
        // The probe could not even be set up (the runroot is not writable...):
        // no verdict, so the default, which says precisely what is wrong when
        // it is; nothing cached.
        Err(_) => return Ok(()),
    };
    let text = match &result {
        Ok(()) => "ok\n".to_string(),
        Err(why) => format!("fail {why}\n"),
    };
    // Best effort: without a cache the next new store probes again.
    if std::fs::create_dir_all(runroot).is_ok() {
        let _ = crate::json_file::write_bytes(&cache, text.as_bytes());
    }
    result
}

/// Exit codes of the probe child that are not a mount errno.
const FAIL_UNSHARE: i32 = 250;
const FAIL_MAPS: i32 = 251;

/// Mounts an overlay (lower, upper, work: what a container needs) in a
/// child that unshares a mount namespace, and a user namespace when not
/// root, exactly as a rootless container does.
/// Ok(verdict), or Err when the probe itself could not be set up.
fn probe(runroot: &Path, rootless: bool) -> Result<Result<(), String>, String> {
    std::fs::create_dir_all(runroot).map_err(|e| format!("create {}: {e}", runroot.display()))?;
    let dir = super::make_temp_dir(runroot, "overlay-probe").map_err(|e| e.to_string())?;
    let r = probe_in(&dir, rootless);
    let _ = crate::overlay::remove_tree(&dir);
    r
}

fn probe_in(dir: &Path, rootless: bool) -> Result<Result<(), String>, String> {
    for d in ["lower", "upper", "work", "merged"] {
        std::fs::create_dir(dir.join(d)).map_err(|e| format!("create {}: {e}", dir.join(d).display()))?;
    }
    let data =
        crate::overlay::mount_options(&[dir.join("lower")], &dir.join("upper"), &dir.join("work"), rootless).map_err(|e| e.to_string())?;
    let cstr = |b: &[u8]| CString::new(b).map_err(|_| "a probe path holds a NUL byte".to_string());
    let data = cstr(data.as_bytes())?;
    let target = cstr(dir.join("merged").as_os_str().as_bytes())?;
    let euid = nix::unistd::geteuid().as_raw();
    let egid = nix::unistd::getegid().as_raw();
    let new_user = euid != 0;
    let uid_map = format!("0 {euid} 1\n");
    let gid_map = format!("0 {egid} 1\n");
    // SAFETY: the child makes only raw system calls on buffers prepared
    // here (no allocation, no locks), so forking is safe even if the caller
    // had threads; it always ends with _exit.
    let pid = unsafe { libc::fork() };
    if pid < 0 {
        return Err(format!("fork: {}", Errno::last()));
    }
    if pid == 0 {
        // SAFETY: see above; every pointer is to a live, NUL-terminated buffer.
        unsafe {
            let mut flags = libc::CLONE_NEWNS;
            if new_user {
                flags |= libc::CLONE_NEWUSER;
            }
            if libc::unshare(flags) != 0 {
                libc::_exit(FAIL_UNSHARE);
            }
            if new_user {
                let ok = write_file(c"/proc/self/setgroups", b"deny")
                    && write_file(c"/proc/self/uid_map", uid_map.as_bytes())
                    && write_file(c"/proc/self/gid_map", gid_map.as_bytes());
                if !ok {
                    libc::_exit(FAIL_MAPS);
                }
            }
            // Nothing of ours may propagate to the host's mounts.
            libc::mount(c"none".as_ptr(), c"/".as_ptr(), std::ptr::null(), libc::MS_REC | libc::MS_PRIVATE, std::ptr::null());
            let rc = libc::mount(c"overlay".as_ptr(), target.as_ptr(), c"overlay".as_ptr(), 0, data.as_ptr().cast());
            libc::_exit(if rc == 0 { 0 } else { *libc::__errno_location() & 0xff })
        }
    }
    let mut status = 0;
    loop {
        // SAFETY: waiting for our own child.
        let r = unsafe { libc::waitpid(pid, &mut status, 0) };
        if r == pid {
            break;
        }
        if r < 0 && Errno::last() != Errno::EINTR {
            return Err(format!("wait for the probe: {}", Errno::last()));
        }
    }
    if !libc::WIFEXITED(status) {
        return Err("the probe process was killed".to_string());
    }
    Ok(match libc::WEXITSTATUS(status) {
        0 => Ok(()),
        FAIL_UNSHARE => Err("unshare: the kernel refused a new user or mount namespace".to_string()),
        FAIL_MAPS => Err("writing the user namespace's id maps failed".to_string()),
        e => Err(format!("mount: {}", Errno::from_raw(e))),
    })
}

/// open/write/close with raw calls (the probe child may not allocate).
unsafe fn write_file(path: &std::ffi::CStr, data: &[u8]) -> bool {
    let fd = libc::open(path.as_ptr(), libc::O_WRONLY | libc::O_CLOEXEC);
    if fd < 0 {
        return false;
    }
    let n = libc::write(fd, data.as_ptr().cast(), data.len());
    libc::close(fd);
    n == data.len() as isize
}
