//! The containers ecosystem's configuration, read from the same places with
//! the same precedence as podman (containers.conf, auth.json), and sangja's
//! own settings. registries.conf lives with the images (image/registries.rs).

pub mod auth;
pub mod containers_conf;
pub mod settings;

use crate::error::Error;
use std::path::{Path, PathBuf};

/// True when the invoking user is not root (podman reads user files only then).
pub fn rootless() -> bool {
    crate::paths::host_uid() != 0
}

/// $XDG_CONFIG_HOME, else ~/.config.
pub fn config_home() -> Option<PathBuf> {
    match std::env::var_os("XDG_CONFIG_HOME").filter(|p| !p.is_empty()) {
        Some(d) => Some(PathBuf::from(d)),
        None => std::env::var_os("HOME").filter(|p| !p.is_empty()).map(|h| PathBuf::from(h).join(".config")),
    }
}

/// $XDG_RUNTIME_DIR when set.
pub fn runtime_dir() -> Option<PathBuf> {
    std::env::var_os("XDG_RUNTIME_DIR").filter(|p| !p.is_empty()).map(PathBuf::from)
}

/// The `*.conf` files of a drop-in folder, in name order (none if it is missing).
pub fn dropins(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(rd) => {
            rd.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.extension().is_some_and(|x| x == "conf") && p.is_file()).collect()
        }
        Err(_) => Vec::new(),
    };
    v.sort();
    v
}

/// A TOML error as "FILE:LINE: key \"K\": what is wrong; fix or remove it": toml's
/// span says where, the line's text before `=` says which key.
pub fn toml_error(kind: &str, path: &Path, text: &str, e: &toml::de::Error) -> Error {
    let msg = e.message().trim().to_string();
    let Some(span) = e.span() else {
        return Error::Invalid(format!("{}: invalid {kind}: {msg}", path.display()));
    };
    let start = span.start.min(text.len());
    let line_no = text[..start].matches('\n').count() + 1;
    let line = text.lines().nth(line_no - 1).unwrap_or("").trim();
    let key = line.split_once('=').map(|(k, _)| k.trim().trim_matches('"').to_string()).filter(|k| !k.is_empty());
    match key {
        Some(k) => Error::Invalid(format!("{}:{line_no}: invalid {kind}: key \"{k}\": {msg}; fix or remove that line", path.display())),
        None => Error::Invalid(format!("{}:{line_no}: invalid {kind}: {msg}; fix that line", path.display())),
    }
}

/// Reads a file, `None` when it does not exist.
pub fn read_opt(path: &Path) -> crate::error::Result<Option<String>> {
    match std::fs::read_to_string(path) {
        Ok(t) => Ok(Some(t)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::io_path("read", path, e)),
    }
}

/// Merges TOML table `later` into `base` key by key (tables recursively; any
/// other value, arrays included, is replaced), as containers.conf layers do.
pub fn merge_toml(base: &mut toml::Table, later: toml::Table) {
    for (k, v) in later {
        match (base.get_mut(&k), v) {
            (Some(toml::Value::Table(b)), toml::Value::Table(l)) => merge_toml(b, l),
            (_, v) => {
                base.insert(k, v);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_names_line_and_key() {
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct C {
            containers: Option<Inner>,
        }
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct Inner {
            env: Option<Vec<String>>,
        }
        let text = "[containers]\n# c\nenv = 3\n";
        let e = toml::from_str::<C>(text).unwrap_err();
        let m = toml_error("containers.conf", Path::new("/x/c.conf"), text, &e).to_string();
        assert!(m.starts_with("/x/c.conf:3: "), "{m}");
        assert!(m.contains("key \"env\""), "{m}");
    }

    #[test]
    fn merge_key_by_key() {
        let mut a: toml::Table = toml::from_str("[containers]\ntz = \"UTC\"\nenv = [\"A=1\"]\n").unwrap();
        let b: toml::Table = toml::from_str("[containers]\nenv = [\"B=2\"]\n[engine]\ntmp_dir = \"/t\"\n").unwrap();
        merge_toml(&mut a, b);
        assert_eq!(a["containers"]["tz"].as_str(), Some("UTC"));
        assert_eq!(a["containers"]["env"].as_array().map(|v| v.len()), Some(1));
        assert_eq!(a["engine"]["tmp_dir"].as_str(), Some("/t"));
    }
}
