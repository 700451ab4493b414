//! Named volumes: volumes/<name>/{_data/, volume.json}, podman's layout.
//!
//! A volume exists iff volumes/<name>/volume.json exists. It is made whole in
//! a temp folder beside the others and published by one rename, so a kill -9
//! leaves either nothing or a whole volume (the leftover `.tmp-*` folder is
//! swept); removal renames it into the store's tmp/ first. Every change takes
//! the store lock, which also keeps "in use" checks against containers honest.

use super::overlay::remove_tree;
use crate::error::{Error, IoContext, Result};
use crate::paths::{make_temp_dir, StorePaths};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::PathBuf;

/// volume.json.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Volume {
    pub name: String,
    /// Always "local".
    pub driver: String,
    /// RFC 3339.
    pub created_at: String,
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    /// `-o` options of the local driver: type, device, o.
    #[serde(default)]
    pub options: BTreeMap<String, String>,
    /// Made for one container (image VOLUME, `-v /path`): `rm -v` removes it with the container.
    #[serde(default)]
    pub anonymous: bool,
    /// The image's content was copied in, or the volume was mounted once:
    /// docker copies only into a volume that was never used.
    #[serde(default)]
    pub populated: bool,
}

impl Volume {
    /// A volume with the local driver's `-o type=...` is mounted as that file
    /// system (tmpfs, or a bind of `device`) instead of its _data folder.
    pub fn mount_type(&self) -> Option<&str> {
        self.options.get("type").map(String::as_str).filter(|t| !t.is_empty())
    }
}

/// The volumes of one store.
pub struct VolumeStore<'a> {
    pub paths: &'a StorePaths,
}

impl<'a> VolumeStore<'a> {
    pub fn new(paths: &'a StorePaths) -> Self {
        VolumeStore { paths }
    }
    pub fn dir(&self) -> PathBuf {
        self.paths.root.join("volumes")
    }
    /// The folder a volume's content lives in (its Mountpoint).
    pub fn data_dir(&self, name: &str) -> PathBuf {
        self.dir().join(name).join("_data")
    }

    /// The volume named `name`, `None` if absent.
    pub fn get(&self, name: &str) -> Result<Option<Volume>> {
        if !valid_volume_name(name) {
            return Ok(None);
        }
        crate::json_file::read_opt(&self.dir().join(name).join("volume.json"))
    }

    /// Like `get`, with podman's error for a missing volume.
    pub fn lookup(&self, name: &str) -> Result<Volume> {
        self.get(name)?.ok_or_else(|| Error::VolumeNotFound(name.to_string()))
    }

    /// All volumes, by name.
    pub fn list(&self) -> Result<Vec<Volume>> {
        let dir = self.dir();
        let mut out = Vec::new();
        for name in crate::paths::entry_names(&dir)? {
            if name.starts_with('.') {
                continue;
            }
            if let Some(v) = self.get(&name)? {
                out.push(v);
            }
        }
        out.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    }

    /// Creates a volume; the caller holds the store lock. Fails if the name is taken.
    pub fn create(&self, volume: &Volume) -> Result<()> {
        if !valid_volume_name(&volume.name) {
            return Err(Error::Invalid(format!("volume name {:?} is invalid: names must match [a-zA-Z0-9][a-zA-Z0-9_.-]*", volume.name)));
        }
        let dir = self.dir();
        fs::create_dir_all(&dir).path_ctx("create", &dir)?;
        let dest = dir.join(&volume.name);
        if self.get(&volume.name)?.is_some() {
            return Err(Error::Conflict(format!(
                "volume with name {} already exists: volume already exists (remove it with `sangja volume rm {}` or pick another name)",
                volume.name, volume.name
            )));
        }
        let work = make_temp_dir(&dir, ".tmp")?;
        let built = (|| {
            let data = work.join("_data");
            fs::create_dir(&data).path_ctx("create", &data)?;
            crate::json_file::write(&work.join("volume.json"), volume)?;
            if fs::symlink_metadata(&dest).is_ok() {
                // A folder without volume.json (checked under the lock): a leftover.
                remove_tree(&dest)?;
            }
            fs::rename(&work, &dest).path_ctx("publish volume", &dest)?;
            crate::json_file::sync_dir(&dir)
        })();
        if built.is_err() {
            let _ = remove_tree(&work);
        }
        built
    }

    /// Rewrites a volume's record (e.g. `populated`).
    pub fn save(&self, volume: &Volume) -> Result<()> {
        crate::json_file::write(&self.dir().join(&volume.name).join("volume.json"), volume)
    }

    /// Deletes a volume and its content; the caller holds the store lock and
    /// has checked that no container uses it.
    pub fn remove(&self, name: &str) -> Result<()> {
        let src = self.dir().join(name);
        if self.get(name)?.is_none() {
            return Err(Error::VolumeNotFound(name.to_string()));
        }
        let tmp = self.paths.tmp_dir();
        fs::create_dir_all(&tmp).path_ctx("create", &tmp)?;
        let aside = make_temp_dir(&tmp, "rm-vol")?;
        fs::rename(&src, &aside).path_ctx("move away", &src)?;
        crate::json_file::sync_dir(&self.dir())?;
        remove_tree(&aside)
    }

    /// Removes `.tmp-*` leftovers of creates cut short.
    pub fn sweep(&self) {
        let Ok(rd) = fs::read_dir(self.dir()) else { return };
        for e in rd.flatten() {
            if e.file_name().to_string_lossy().starts_with(".tmp-") {
                // Only dead ones: the pid in the name is gone.
                let name = e.file_name().to_string_lossy().into_owned();
                let pid = name.split('-').nth(1).and_then(|p| p.parse::<i32>().ok());
                if pid.is_some_and(|p| !std::path::Path::new(&format!("/proc/{p}")).exists()) {
                    let _ = remove_tree(&e.path());
                }
            }
        }
    }
}

/// Bytes of file content under `dir` (apparent size, hard links counted once).
pub fn tree_size(dir: &std::path::Path) -> u64 {
    let mut seen = std::collections::HashSet::new();
    let mut total = 0;
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = fs::read_dir(&d) else { continue };
        for e in rd.flatten() {
            let Ok(m) = e.path().symlink_metadata() else { continue };
            if m.is_dir() {
                stack.push(e.path());
            } else if m.is_file() && (m.nlink() == 1 || seen.insert((m.dev(), m.ino()))) {
                total += m.len();
            }
        }
    }
    total
}

/// Volume names as podman allows them.
pub fn valid_volume_name(n: &str) -> bool {
    n.chars().next().is_some_and(|c| c.is_ascii_alphanumeric()) && n.chars().all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c))
}
