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
//! max_layer_size = "64GiB"    # largest expanded layer accepted (default 64GiB)
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
    /// Largest expanded size of a layer read from outside (pull, import):
    /// "64GiB", "500MiB", "2G", or bytes.
    pub max_layer_size: Option<String>,
}

/// The default bound on a layer's expanded size. Generous: the largest layers
/// of real images (CUDA, ML frameworks with models baked in) reach 10-30 GiB
/// unpacked; finite: a gzip bomb expands ~1000:1 and a zstd one far more, so
/// a few MiB download could otherwise fill any disk (podman has no bound).
pub const DEFAULT_MAX_LAYER_SIZE: u64 = 64 << 30;

/// Parses a size: bytes, or a number with a unit (K, M, G, T; KB/KiB... are
/// all powers of 1024, as podman's sizes); "64GiB", "1.5G".
pub fn parse_size(text: &str) -> Option<u64> {
    let t = text.trim();
    let split = t.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let unit = unit.trim().to_ascii_lowercase();
    let shift = match unit.trim_end_matches("ib").trim_end_matches('b') {
        "" => 0,
        "k" => 10,
        "m" => 20,
        "g" => 30,
        "t" => 40,
        _ => return None,
    };
    if num.is_empty() {
        return None;
    }
    let bytes = match num.parse::<u64>() {
        Ok(n) => n.checked_mul(1u64 << shift)?,
        Err(_) => {
            let f: f64 = num.parse().ok()?;
            let b = f * (1u64 << shift) as f64;
            if !b.is_finite() || b >= u64::MAX as f64 {
                return None;
            }
            b as u64
        }
    };
    Some(bytes)
}

/// A size as people read it: "64 GiB", "1.5 MiB", "512 bytes".
pub fn human_size(n: u64) -> String {
    const UNITS: [(&str, u32); 4] = [("TiB", 40), ("GiB", 30), ("MiB", 20), ("KiB", 10)];
    for (name, shift) in UNITS {
        let unit = 1u64 << shift;
        if n >= unit {
            return if n.is_multiple_of(unit) { format!("{} {name}", n >> shift) } else { format!("{:.1} {name}", n as f64 / unit as f64) };
        }
    }
    format!("{n} bytes")
}

/// The bound on a layer's expanded size in effect: sangja.conf's
/// `[storage] max_layer_size`, else the default.
pub fn max_layer_size() -> Result<u64> {
    let (s, path) = load()?;
    Ok(s.storage.max_layer_size_in(path.as_deref())?.unwrap_or(DEFAULT_MAX_LAYER_SIZE))
}

impl StorageSettings {
    /// `max_layer_size` in bytes, refusing a value that is not a positive size.
    pub fn max_layer_size_in(&self, path: Option<&Path>) -> Result<Option<u64>> {
        let Some(text) = &self.max_layer_size else { return Ok(None) };
        match parse_size(text) {
            Some(n) if n > 0 => Ok(Some(n)),
            _ => Err(Error::Invalid(format!(
                "{}: [storage] max_layer_size = {text:?} is not a size: give e.g. \"64GiB\" or \"500MiB\"",
                path.map(|p| p.display().to_string()).unwrap_or_else(|| "sangja.conf".into())
            ))),
        }
    }
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
    s.storage.max_layer_size_in(Some(path))?;
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
        let s = parse("[storage]\nmax_layer_size = \"2GiB\"\n", Path::new("x")).unwrap();
        assert_eq!(s.storage.max_layer_size_in(None).unwrap(), Some(2 << 30));
        let e = parse("[storage]\nmax_layer_size = \"lots\"\n", Path::new("/e/s.conf")).unwrap_err().to_string();
        assert!(e.contains("/e/s.conf") && e.contains("max_layer_size"), "{e}");
    }

    #[test]
    fn sizes() {
        assert_eq!(parse_size("123"), Some(123));
        assert_eq!(parse_size("64GiB"), Some(64 << 30));
        assert_eq!(parse_size("64G"), Some(64 << 30));
        assert_eq!(parse_size("500 MB"), Some(500 << 20));
        assert_eq!(parse_size("1.5k"), Some(1536));
        assert_eq!(parse_size("10x"), None);
        assert_eq!(parse_size("GiB"), None);
        assert_eq!(parse_size("99999999999T"), None);
        assert_eq!(human_size(64 << 30), "64 GiB");
        assert_eq!(human_size(1536), "1.5 KiB");
        assert_eq!(human_size(100), "100 bytes");
    }
}
