//! Entering sangja's user namespace (see the module doc of `rootless`).

use super::subid::{self, SubRange};
use super::ENV_HOST_UID;
use crate::error::{Error, Result};
use nix::sched::{unshare, CloneFlags};
use nix::sys::wait::{waitpid, WaitStatus};
use nix::unistd::{fork, getgid, getuid, pipe, read, write, ForkResult, Uid, User};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

/// Who we run as, decided once at start-up.
#[derive(Debug, Clone)]
pub struct Identity {
    /// True when the invoking user is not root.
    pub rootless: bool,
    /// The invoking user's uid and gid on the host.
    pub host_uid: u32,
    pub host_gid: u32,
    /// False when the user has no subordinate range: only the user is mapped
    /// and file owners are squashed on extraction.
    pub has_subids: bool,
}

/// Who we are without entering a user namespace (read-only commands).
pub fn outside() -> Identity {
    let uid = crate::paths::host_uid();
    let gid = std::env::var("_SANGJA_HOST_GID").ok().and_then(|v| v.parse().ok()).unwrap_or_else(|| getgid().as_raw());
    Identity { rootless: uid != 0, host_uid: uid, host_gid: gid, has_subids: true }
}

/// The smallest range that maps every id a normal image uses (nobody = 65534).
const MIN_RANGE: u32 = 65536;

/// Enters the user namespace when rootless; a no-op for root or when an
/// ancestor sangja already did. Must be called while single-threaded.
/// A warning for the user (once per store: no subordinate ids) goes to `warn`.
pub fn enter(warn_marker_dir: &Path, warn: &mut dyn FnMut(String)) -> Result<Identity> {
    if let Some(uid) = std::env::var(ENV_HOST_UID).ok().and_then(|v| v.parse::<u32>().ok()) {
        let has_subids = std::env::var("_SANGJA_HAS_SUBIDS").map(|v| v == "1").unwrap_or(true);
        let gid = std::env::var("_SANGJA_HOST_GID").ok().and_then(|v| v.parse().ok()).unwrap_or(uid);
        return Ok(Identity { rootless: true, host_uid: uid, host_gid: gid, has_subids });
    }
    let (uid, gid) = (getuid().as_raw(), getgid().as_raw());
    if uid == 0 {
        return Ok(Identity { rootless: false, host_uid: 0, host_gid: 0, has_subids: true });
    }
    let name = User::from_uid(Uid::from_raw(uid)).ok().flatten().map(|u| u.name).unwrap_or_else(|| uid.to_string());
    let uids = subid::read(Path::new("/etc/subuid"), &name, uid)?;
    let gids = subid::read(Path::new("/etc/subgid"), &name, uid)?;
    let has_subids = !uids.is_empty() && !gids.is_empty();
    if let Some(path) = std::env::var_os(super::ENV_JOIN_USERNS) {
        // Another container's namespace (same user, same maps): join it.
        std::env::remove_var(super::ENV_JOIN_USERNS);
        let ns = std::fs::File::open(&path).map_err(|e| Error::Rootless(format!("open {}: {e}", Path::new(&path).display())))?;
        nix::sched::setns(&ns, CloneFlags::CLONE_NEWUSER)
            .map_err(|e| Error::Rootless(format!("join the user namespace {}: {e}", Path::new(&path).display())))?;
    } else if has_subids {
        for (file, ranges) in [("/etc/subuid", &uids), ("/etc/subgid", &gids)] {
            let total: u64 = ranges.iter().map(|r| r.count as u64).sum();
            if total < MIN_RANGE as u64 {
                return Err(Error::Rootless(format!(
                    "the subordinate range of {name} in {file} has {total} ids, fewer than the {MIN_RANGE} images need: \
                     as root run `usermod --add-subuids 100000-165535 --add-subgids 100000-165535 {name}`"
                )));
            }
        }
        let newuidmap = find_setuid_tool("newuidmap")?;
        let newgidmap = find_setuid_tool("newgidmap")?;
        enter_with_helper(uid, gid, &uids, &gids, &newuidmap, &newgidmap)?;
    } else {
        warn_once(warn_marker_dir, &name, warn);
        enter_single(uid, gid)?;
    }
    // Children we re-execute (pull helper, monitor) must not try again.
    std::env::set_var(ENV_HOST_UID, uid.to_string());
    std::env::set_var("_SANGJA_HOST_GID", gid.to_string());
    std::env::set_var("_SANGJA_HAS_SUBIDS", if has_subids { "1" } else { "0" });
    Ok(Identity { rootless: true, host_uid: uid, host_gid: gid, has_subids })
}

fn warn_once(dir: &Path, name: &str, warn: &mut dyn FnMut(String)) {
    let marker = dir.join(".warned-no-subids");
    if marker.exists() {
        return;
    }
    warn(format!(
        "{name} has no range in /etc/subuid and /etc/subgid: only your own uid is mapped and \
         image files are all owned by root in containers. To fix, as root: \
         usermod --add-subuids 100000-165535 --add-subgids 100000-165535 {name}"
    ));
    let _ = std::fs::create_dir_all(dir).and_then(|_| std::fs::write(&marker, b""));
}

/// Finds newuidmap/newgidmap and checks it can do its job (setuid root or file caps).
fn find_setuid_tool(tool: &str) -> Result<PathBuf> {
    let path = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .chain([PathBuf::from("/usr/bin"), PathBuf::from("/usr/sbin"), PathBuf::from("/bin")])
        .map(|d| d.join(tool))
        .find(|p| p.is_file())
        .ok_or_else(|| {
            Error::Rootless(format!(
                "{tool} not found: rootless containers need it to map your subordinate ids; \
                 install the uidmap package (apt-get install uidmap)"
            ))
        })?;
    let meta = std::fs::metadata(&path).map_err(|e| Error::Rootless(format!("{}: {e}", path.display())))?;
    let setuid_root = meta.permissions().mode() & 0o4000 != 0 && std::os::unix::fs::MetadataExt::uid(&meta) == 0;
    let has_caps = xattr_present(&path, "security.capability");
    if !setuid_root && !has_caps {
        return Err(Error::Rootless(format!(
            "{} is neither setuid root nor has file capabilities, so it cannot write id maps: \
             as root run `chmod u+s {}` (or `setcap cap_setuid+ep {}`), or reinstall the uidmap package",
            path.display(),
            path.display(),
            path.display()
        )));
    }
    Ok(path)
}

fn xattr_present(path: &Path, name: &str) -> bool {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let (Ok(p), Ok(n)) = (CString::new(path.as_os_str().as_bytes()), CString::new(name)) else {
        return false;
    };
    // SAFETY: valid C strings; a zero-size buffer only asks for the length.
    unsafe { libc::getxattr(p.as_ptr(), n.as_ptr(), std::ptr::null_mut(), 0) > 0 }
}

fn map_args(pid: i32, host_id: u32, ranges: &[SubRange]) -> Vec<String> {
    let mut args = vec![pid.to_string(), "0".into(), host_id.to_string(), "1".into()];
    let mut next = 1u64;
    for r in ranges {
        args.extend([next.to_string(), r.start.to_string(), r.count.to_string()]);
        next += r.count as u64;
    }
    args
}

/// Unshares the user namespace; a forked helper outside it runs newuidmap and
/// newgidmap on us. The helper reports the tools' errors through its exit status
/// and stderr, which we pass on.
fn enter_with_helper(uid: u32, gid: u32, uids: &[SubRange], gids: &[SubRange], newuidmap: &Path, newgidmap: &Path) -> Result<()> {
    let me = nix::unistd::getpid().as_raw();
    let (go_r, go_w) = pipe().map_err(|e| Error::Rootless(format!("pipe: {e}")))?;
    let uid_args = map_args(me, uid, uids);
    let gid_args = map_args(me, gid, gids);
    // SAFETY: we are single-threaded here (called before any runtime starts).
    match unsafe { fork() }.map_err(|e| Error::Rootless(format!("fork: {e}")))? {
        ForkResult::Child => {
            drop(go_w);
            let mut b = [0u8; 1];
            let code = match read(&go_r, &mut b) {
                Ok(1) => {
                    // Both tools at once: each is a setuid exec of ~2 ms, the
                    // largest part of entering the namespace.
                    let spawn = |tool: &Path, args: &[String]| std::process::Command::new(tool).args(args).spawn();
                    let ok = |c: std::io::Result<std::process::Child>| c.and_then(|mut c| c.wait()).map(|s| s.success()).unwrap_or(false);
                    let (u, g) = (spawn(newuidmap, &uid_args), spawn(newgidmap, &gid_args));
                    if ok(u) & ok(g) {
                        0
                    } else {
                        1
                    }
                }
                _ => 2,
            };
            // SAFETY: leave the forked helper without running the parent's destructors.
            unsafe { libc::_exit(code) }
        }
        ForkResult::Parent { child } => {
            drop(go_r);
            let unshared = unshare(CloneFlags::CLONE_NEWUSER);
            // Wake the helper either way; on failure it finds nothing to map and we report.
            let _ = write(&go_w, if unshared.is_ok() { b"1" } else { b"" });
            drop(go_w);
            let status = waitpid(child, None);
            if let Err(e) = unshared {
                return Err(Error::Rootless(format!(
                    "cannot create a user namespace: {e}; check that unprivileged user namespaces are enabled \
                     (sysctl user.max_user_namespaces > 0, kernel.unprivileged_userns_clone=1)"
                )));
            }
            match status {
                Ok(WaitStatus::Exited(_, 0)) => Ok(()),
                _ => Err(Error::Rootless(format!(
                    "newuidmap/newgidmap could not map the ranges of /etc/subuid and /etc/subgid for uid {uid} \
                     (see their message above); check that the ranges are yours and do not overlap another user's"
                ))),
            }
        }
    }
}

/// Without subordinate ids a process may map only itself, which needs no helper.
fn enter_single(uid: u32, gid: u32) -> Result<()> {
    unshare(CloneFlags::CLONE_NEWUSER).map_err(|e| Error::Rootless(format!("cannot create a user namespace: {e}")))?;
    let w = |file: &str, data: String| std::fs::write(file, data).map_err(|e| Error::Rootless(format!("write {file}: {e}")));
    w("/proc/self/setgroups", "deny".into())?;
    w("/proc/self/uid_map", format!("0 {uid} 1"))?;
    w("/proc/self/gid_map", format!("0 {gid} 1"))?;
    Ok(())
}
