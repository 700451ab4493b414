//! `-u user[:group]` resolved against the image's /etc/passwd and
//! /etc/group, read from the layer folders (the rootfs is not mounted yet).

use crate::error::{Error, Result};
use std::ffi::CString;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::path::{Path, PathBuf};

/// The process's ids.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Ids {
    pub uid: u32,
    pub gid: u32,
    /// Groups listing the user as a member in /etc/group.
    pub groups: Vec<u32>,
    /// The user's home from /etc/passwd (HOME when the image sets none).
    pub home: Option<String>,
}

struct PasswdEntry {
    name: String,
    uid: u32,
    gid: u32,
    home: String,
}

/// Resolves "", "uid", "uid:gid", "name", "name:group" (and mixes).
pub(super) fn resolve(spec: &str, layers: &[PathBuf]) -> Result<Ids> {
    let spec = spec.trim();
    let (user, group) = match spec.split_once(':') {
        Some((u, g)) => (u, Some(g)),
        None => (spec, None),
    };
    let passwd = read_layer_file(layers, "etc/passwd").map(|t| parse_passwd(&t)).unwrap_or_default();
    let groups_file = read_layer_file(layers, "etc/group").unwrap_or_default();
    let entry = if user.is_empty() {
        passwd.iter().find(|e| e.uid == 0)
    } else if let Ok(uid) = user.parse::<u32>() {
        passwd.iter().find(|e| e.uid == uid)
    } else {
        Some(
            passwd
                .iter()
                .find(|e| e.name == user)
                .ok_or_else(|| Error::Invalid(format!("unable to find user {user}: no matching entries in the image's /etc/passwd")))?,
        )
    };
    let uid = match (user.parse::<u32>(), entry) {
        (Ok(uid), _) => uid,
        (Err(_), Some(e)) => e.uid,
        (Err(_), None) => 0,
    };
    let gid = match group.filter(|g| !g.is_empty()) {
        Some(g) => match g.parse::<u32>() {
            Ok(gid) => gid,
            Err(_) => group_entries(&groups_file)
                .find(|(name, _, _)| *name == g)
                .map(|(_, gid, _)| gid)
                .ok_or_else(|| Error::Invalid(format!("unable to find group {g}: no matching entries in the image's /etc/group")))?,
        },
        None => entry.map_or(0, |e| e.gid),
    };
    let mut groups = Vec::new();
    if let Some(e) = entry {
        for (_, g, members) in group_entries(&groups_file) {
            if members.split(',').any(|m| m.trim() == e.name) && !groups.contains(&g) {
                groups.push(g);
            }
        }
    }
    let home = entry.map(|e| e.home.clone()).filter(|h| !h.is_empty());
    Ok(Ids { uid, gid, groups, home })
}

fn parse_passwd(text: &str) -> Vec<PasswdEntry> {
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| {
            let f: Vec<&str> = l.split(':').collect();
            if f.len() < 4 {
                return None;
            }
            Some(PasswdEntry {
                name: f[0].to_string(),
                uid: f[2].parse().ok()?,
                gid: f[3].parse().ok()?,
                home: f.get(5).copied().unwrap_or("").to_string(),
            })
        })
        .collect()
}

/// (name, gid, members) of each valid line.
fn group_entries(text: &str) -> impl Iterator<Item = (&str, u32, &str)> {
    text.lines().filter(|l| !l.starts_with('#')).filter_map(|l| {
        let f: Vec<&str> = l.split(':').collect();
        if f.len() < 3 {
            return None;
        }
        Some((f[0], f[2].parse().ok()?, f.get(3).copied().unwrap_or("")))
    })
}

/// `--group-add NAME`: the gid of NAME in the image's /etc/group.
pub(super) fn group_id(name: &str, layers: &[PathBuf]) -> Option<u32> {
    let text = read_layer_file(layers, "etc/group")?;
    let gid = group_entries(&text).find(|(n, _, _)| *n == name).map(|(_, gid, _)| gid);
    gid
}

/// The additional groups the runtime can set here: only mapped gids, and
/// none at all when setgroups is denied (rootless without subordinate ids).
pub(super) fn settable_groups(groups: &[u32]) -> Vec<u32> {
    if std::fs::read_to_string("/proc/self/setgroups").is_ok_and(|s| s.trim() == "deny") {
        return Vec::new();
    }
    let Ok(map) = std::fs::read_to_string("/proc/self/gid_map") else { return groups.to_vec() };
    groups.iter().copied().filter(|g| gid_mapped(&map, *g)).collect()
}

fn gid_mapped(map: &str, id: u32) -> bool {
    map.lines().any(|l| {
        let mut f = l.split_whitespace().map(|n| n.parse::<u64>().ok());
        match (f.next().flatten(), f.next().flatten(), f.next().flatten()) {
            (Some(inside), Some(_), Some(count)) => (inside..inside + count).contains(&(id as u64)),
            _ => false,
        }
    })
}

/// The text of `rel` as the overlay of `layers` (top first) would show it:
/// the first layer that has it wins; a whiteout, an opaque folder or a
/// non-folder on the way hides the layers below. Symlinks are not followed
/// (they would resolve on the host).
pub(super) fn read_layer_file(layers: &[PathBuf], rel: &str) -> Option<String> {
    let parts: Vec<&str> = rel.split('/').filter(|p| !p.is_empty()).collect();
    for layer in layers {
        let mut path = layer.clone();
        for (i, part) in parts.iter().enumerate() {
            path.push(part);
            let meta = match std::fs::symlink_metadata(&path) {
                Ok(m) => m,
                Err(_) => break,
            };
            if meta.file_type().is_char_device() && meta.rdev() == 0 {
                return None;
            }
            if i + 1 == parts.len() {
                return if meta.is_file() { std::fs::read_to_string(&path).ok() } else { None };
            }
            if !meta.is_dir() {
                return None;
            }
            if opaque(&path) && !path.join(parts[i + 1..].join("/")).exists() {
                return None;
            }
        }
    }
    None
}

fn opaque(dir: &Path) -> bool {
    let Ok(c) = CString::new(dir.as_os_str().as_bytes()) else { return false };
    [c"trusted.overlay.opaque", c"user.overlay.opaque"].iter().any(|key| {
        let mut v = [0u8; 1];
        // SAFETY: NUL-terminated strings and a buffer with its length.
        let n = unsafe { libc::lgetxattr(c.as_ptr(), key.as_ptr(), v.as_mut_ptr().cast(), v.len()) };
        n == 1 && v[0] == b'y'
    })
}
