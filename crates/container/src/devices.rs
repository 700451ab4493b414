//! `--device HOST[:CONTAINER][:PERMISSIONS]` and the host devices of
//! `--privileged`, as bind mounts of the host's nodes over the container's
//! /dev tmpfs (the runtime makes every device that way, runtime/dev.rs: a
//! user namespace may not mknod, and one way for both modes keeps them
//! alike). Rootless, a device is only passed when the user may open it.
//!
//! And the device allowlist (linux.resources.devices): the OCI default
//! list plus each `--device` node with its permissions; `--privileged`
//! allows every device. The runtime enforces it where it has a cgroup
//! (runtime/cgroups_devices.rs); a bind mount's `ro` cannot stop a write
//! open of a device node, the list can.

use super::security::SecurityOptions;
use crate::error::{Error, Result};
use crate::runtime::cgroups_devices;
use oci_spec::runtime::{LinuxDeviceType, Mount, Spec};
use std::ffi::CString;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::path::{Path, PathBuf};

/// Made by the runtime itself, or not devices a container should share.
const SKIP: [&str; 13] = ["null", "zero", "full", "random", "urandom", "tty", "console", "ptmx", "pts", "shm", "mqueue", "core", "fd"];

/// Adds the bind mounts of the requested devices to the spec.
pub fn apply(spec: &mut Spec, opts: &SecurityOptions, rootless: bool) -> Result<()> {
    let mut wanted: Vec<(PathBuf, PathBuf, bool)> = Vec::new();
    // The allowlist is set by `allowlist`, after the resources.
    if opts.privileged {
        for host in host_devices(Path::new("/dev")) {
            // Rootless, podman too passes only what the user can open.
            if rootless && !can_open(&host) {
                continue;
            }
            wanted.push((host.clone(), host, false));
        }
    }
    for d in &opts.devices {
        for (host, inside, perms) in parse(d)? {
            let ro = !perms.contains('w');
            if rootless && !can_open(&host) {
                return Err(Error::Invalid(format!(
                    "--device {d}: {} cannot be opened by you, and a rootless container gets only devices its user may open: \
                     as root, give your user access (e.g. a group or an udev rule), or run as root",
                    host.display()
                )));
            }
            wanted.retain(|(_, i, _)| i != &inside);
            wanted.push((host, inside, ro));
        }
    }
    if wanted.is_empty() {
        return Ok(());
    }
    let mut mounts = spec.mounts().clone().unwrap_or_default();
    for (host, inside, ro) in wanted {
        let mut m = Mount::default();
        m.set_destination(inside);
        m.set_typ(Some("bind".into()));
        m.set_source(Some(host));
        let mut o = vec!["bind".to_string(), "nosuid".into(), "noexec".into()];
        if ro {
            o.push("ro".into());
        }
        m.set_options(Some(o));
        mounts.push(m);
    }
    spec.set_mounts(Some(mounts));
    Ok(())
}

/// One `--device` value: (host node, path inside, permissions) for a node,
/// or for every node under a host folder.
fn parse(spec: &str) -> Result<Vec<(PathBuf, PathBuf, String)>> {
    let parts: Vec<&str> = spec.split(':').collect();
    let is_perms = |s: &str| !s.is_empty() && s.chars().all(|c| "rwm".contains(c));
    let (host, inside, perms) = match parts.as_slice() {
        [h] => (*h, *h, "rwm"),
        [h, p] if is_perms(p) => (*h, *h, *p),
        [h, c] => (*h, *c, "rwm"),
        [h, c, p] => (*h, *c, *p),
        _ => return Err(bad(spec, "give HOST[:CONTAINER][:PERMISSIONS]")),
    };
    if !is_perms(perms) {
        return Err(bad(spec, &format!("permissions {perms:?} must be made of r, w and m")));
    }
    if !host.starts_with('/') || !inside.starts_with('/') || inside.split('/').any(|c| c == "..") {
        return Err(bad(spec, "give absolute paths such as /dev/fuse, without '..'"));
    }
    let meta = std::fs::metadata(host).map_err(|e| bad(spec, &format!("{host}: {e}")))?;
    if meta.is_dir() {
        let list = host_devices(Path::new(host));
        let out = list
            .into_iter()
            .map(|h| {
                let rel = h.strip_prefix(host).unwrap_or(&h).to_path_buf();
                (h, Path::new(inside).join(rel), perms.to_string())
            })
            .collect();
        return Ok(out);
    }
    let ft = meta.file_type();
    if !ft.is_char_device() && !ft.is_block_device() {
        return Err(bad(spec, &format!("{host} is not a device node")));
    }
    Ok(vec![(PathBuf::from(host), PathBuf::from(inside), perms.to_string())])
}

/// Sets linux.resources.devices: everything with `--privileged`, else the
/// OCI default list and the `--device` nodes with their permissions. Call
/// after the resources (they replace linux.resources). Set rootless too:
/// the spec says what is meant; the runtime enforces it where it can.
pub fn allowlist(spec: &mut Spec, opts: &SecurityOptions) -> Result<()> {
    let rules = if opts.privileged {
        vec![cgroups_devices::spec_rule(true, LinuxDeviceType::A, None, None, "rwm")]
    } else {
        let mut rules = cgroups_devices::default_spec_rules();
        for d in &opts.devices {
            for (host, _, perms) in parse(d)? {
                let meta = std::fs::metadata(&host).map_err(|e| bad(d, &format!("{}: {e}", host.display())))?;
                let typ = if meta.file_type().is_block_device() { LinuxDeviceType::B } else { LinuxDeviceType::C };
                let rdev = meta.rdev();
                let (major, minor) = (libc::major(rdev), libc::minor(rdev));
                rules.push(cgroups_devices::spec_rule(true, typ, Some(major), Some(minor), &perms));
            }
        }
        rules
    };
    let mut linux = spec.linux().clone().unwrap_or_default();
    let mut res = linux.resources().clone().unwrap_or_default();
    res.set_devices(Some(rules));
    linux.set_resources(Some(res));
    spec.set_linux(Some(linux));
    Ok(())
}

fn bad(spec: &str, why: &str) -> Error {
    Error::Invalid(format!("--device {spec:?}: {why}"))
}

/// Character and block devices under `dir`, recursively (not through symlinks).
fn host_devices(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else { return out };
    for e in entries.flatten() {
        let name = e.file_name();
        if dir == Path::new("/dev") && SKIP.iter().any(|s| name.as_bytes() == s.as_bytes()) {
            continue;
        }
        let Ok(ft) = e.file_type() else { continue };
        if ft.is_dir() {
            out.extend(host_devices(&e.path()));
        } else if ft.is_char_device() || ft.is_block_device() {
            out.push(e.path());
        }
    }
    out.sort();
    out
}

/// Read or write access for our real ids (rootless: the node's "other" bits,
/// as our capabilities do not cover the host's root-owned nodes).
fn can_open(path: &Path) -> bool {
    let Ok(c) = CString::new(path.as_os_str().as_bytes()) else { return false };
    // SAFETY: a NUL-terminated path.
    unsafe { libc::access(c.as_ptr(), libc::R_OK) == 0 || libc::access(c.as_ptr(), libc::W_OK) == 0 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn device_specs() {
        let null = PathBuf::from("/dev/null");
        let p = |s: &str| s.to_string();
        assert_eq!(parse("/dev/null").unwrap(), vec![(null.clone(), null.clone(), p("rwm"))]);
        assert_eq!(parse("/dev/null:r").unwrap(), vec![(null.clone(), null.clone(), p("r"))]);
        assert_eq!(parse("/dev/null:/dev/mine").unwrap(), vec![(null.clone(), "/dev/mine".into(), p("rwm"))]);
        assert_eq!(parse("/dev/null:/dev/mine:rw").unwrap(), vec![(null, "/dev/mine".into(), p("rw"))]);
        assert!(parse("/dev/null:/dev/x:q").is_err());
        assert!(parse("/etc/passwd").is_err());
        assert!(parse("/dev/nope-nothing").is_err());
        assert!(parse("dev/null").is_err());
    }

    #[test]
    fn allowlist_rules() {
        let mut opts = SecurityOptions { devices: vec!["/dev/null:/dev/mynull:r".into()], ..Default::default() };
        let mut spec = Spec::default();
        allowlist(&mut spec, &opts).unwrap();
        let list = spec.linux().as_ref().unwrap().resources().as_ref().unwrap().devices().clone().unwrap();
        assert_eq!(list.first().map(|r| r.to_string()), Some("a *:* rwm".into()));
        assert!(!list[0].allow());
        assert_eq!(list.last().map(|r| (r.allow(), r.to_string())), Some((true, "c 1:3 r".into())));
        opts.privileged = true;
        allowlist(&mut spec, &opts).unwrap();
        let list = spec.linux().as_ref().unwrap().resources().as_ref().unwrap().devices().clone().unwrap();
        assert_eq!(list.len(), 1);
        assert!(list[0].allow());
    }
}
