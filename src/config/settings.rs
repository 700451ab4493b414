//! sangja's own settings: where the store lives and its driver.
//!
//! File (TOML): rootless, $XDG_CONFIG_HOME/sangja/sangja.conf, then
//! /etc/sangja/sangja.conf; as root only /etc/sangja/sangja.conf. The first
//! file found is used whole. $SANGJA_CONF names another file instead.
//!
//! ```toml
//! [storage]
//! root = "/srv/sangja"        # persistent store (--root)
//! runroot = "/run/sangja-x"   # run-time state (--runroot)
//! driver = "overlay"          # (--storage-driver)
//! ```
//!
//! Precedence: flags, then this file, then the defaults derived from XDG_*.
//! containers' storage.conf is not read: its graphroot holds podman's
//! containers/storage layout, which sangja's store is not.

use super::{read_opt, toml_error};
use crate::error::{Error, Result};
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// The `[storage]` table.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
pub struct StorageSettings {
    pub root: Option<PathBuf>,
    pub runroot: Option<PathBuf>,
    pub driver: Option<String>,
}

/// The whole file.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
pub struct Settings {
    #[serde(default)]
    pub storage: StorageSettings,
}

/// The files looked at, in order.
pub fn candidates() -> Vec<PathBuf> {
    if let Some(p) = std::env::var_os("SANGJA_CONF").filter(|p| !p.is_empty()) {
        return vec![PathBuf::from(p)];
    }
    let mut v = Vec::new();
    if super::rootless() {
        if let Some(h) = super::config_home() {
            v.push(h.join("sangja/sangja.conf"));
        }
    }
    v.push(PathBuf::from("/etc/sangja/sangja.conf"));
    v
}

/// The settings in effect and the file they came from (`None`: defaults only).
pub fn load() -> Result<(Settings, Option<PathBuf>)> {
    for p in candidates() {
        if let Some(text) = read_opt(&p)? {
            return Ok((parse(&text, &p)?, Some(p)));
        }
    }
    Ok((Settings::default(), None))
}

/// Parses one file's text; relative paths are refused (relative to what?).
pub fn parse(text: &str, path: &Path) -> Result<Settings> {
    let s: Settings = toml::from_str(text).map_err(|e| toml_error("sangja.conf", path, text, &e))?;
    for (key, v) in [("root", &s.storage.root), ("runroot", &s.storage.runroot)] {
        if let Some(p) = v {
            if !p.is_absolute() {
                return Err(Error::Invalid(format!(
                    "{}: [storage] {key} = {:?} is not an absolute path: give a path starting with /",
                    path.display(),
                    p
                )));
            }
        }
    }
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_settings() {
        let s = parse("[storage]\nroot = \"/a\"\ndriver = \"overlay\"\nother = 1\n", Path::new("x")).unwrap();
        assert_eq!(s.storage.root.as_deref(), Some(Path::new("/a")));
        assert!(parse("[storage]\nroot = \"rel\"\n", Path::new("x")).is_err());
        let e = parse("[storage]\nroot = 5\n", Path::new("/e/s.conf")).unwrap_err().to_string();
        assert!(e.contains("/e/s.conf:2:") && e.contains("\"root\""), "{e}");
    }
}
