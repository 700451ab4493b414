//! containers.conf (containers.conf(5)): the `[containers]` defaults sangja
//! applies to new containers, and the `[engine]` and `[network]` keys it reads.
//!
//! Places, as podman: $CONTAINERS_CONF alone when set; else
//! /usr/share/containers/containers.conf, /etc/containers/containers.conf and,
//! rootless only, $XDG_CONFIG_HOME/containers/containers.conf, each followed by
//! the `*.conf` files of its `.d` folder; later files override earlier ones key
//! by key. Unknown keys are ignored (the files are shared with podman); a known
//! key with a wrong type is an error naming the file, the line and the key.

use super::{dropins, merge_toml, read_opt, toml_error};
use crate::error::{Error, Result};
use oci_spec::runtime::PosixRlimitType;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The `[containers]` table: what sangja reads of it.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
pub struct ContainersTable {
    /// Environment for every container ("KEY=VALUE"); the image's and -e override.
    #[serde(default)]
    pub env: Vec<String>,
    /// rlimits for every container ("nofile=1024:2048"); clamped to the hard limits.
    #[serde(default)]
    pub default_ulimits: Vec<String>,
    /// Time zone of containers: "local" or a zone name ("Europe/Paris").
    pub tz: Option<String>,
    /// umask of the container's process ("0022").
    pub umask: Option<String>,
    /// Default of `--init`.
    pub init: Option<bool>,
    /// Default of `--pids-limit` (carried; applied with resource limits).
    pub pids_limit: Option<i64>,
    /// Default capability set (carried; applied with capabilities).
    pub default_capabilities: Option<Vec<String>>,
    /// Largest container log (carried; applied with logs).
    pub log_size_max: Option<i64>,
    /// Default of `--userns` (carried).
    pub userns: Option<String>,
}

/// The `[engine]` table.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
pub struct EngineTable {
    /// podman's folder for run-time state: sangja's runroot is TMP_DIR/sangja
    /// unless --runroot or sangja.conf names one.
    pub tmp_dir: Option<String>,
    /// podman's event backend: "none" turns sangja's event log off; "file"
    /// and "journald" both mean sangja's file (engine events_log.rs).
    pub events_logger: Option<String>,
    /// The event log file (podman's key); default RUNROOT/events/events.log.
    pub events_logfile_path: Option<String>,
    /// Largest event log before it is rotated: bytes, or "500k", "1m" (podman's key).
    pub events_logfile_max_size: Option<toml::Value>,
    /// podman's OCI runtime: sangja's runtime is built in; read and ignored.
    pub runtime: Option<String>,
    /// The default detach keys of attach, run -it, start -a and exec -it.
    pub detach_keys: Option<String>,
}

/// The `[network]` table.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
pub struct NetworkTable {
    /// Network of root's containers given no --network ("podman" means sangja's default).
    pub default_network: Option<String>,
    /// Network command of rootless containers given no --network: pasta or slirp4netns.
    pub default_rootless_network_cmd: Option<String>,
    /// podman's network backend (netavark, cni): read, not used.
    pub network_backend: Option<String>,
}

/// The merged configuration.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
pub struct ContainersConf {
    #[serde(default)]
    pub containers: ContainersTable,
    #[serde(default)]
    pub engine: EngineTable,
    #[serde(default)]
    pub network: NetworkTable,
}

/// One rlimit from `default_ulimits`.
#[derive(Debug, Clone, PartialEq)]
pub struct Ulimit {
    pub typ: PosixRlimitType,
    pub soft: u64,
    pub hard: u64,
}

/// What containers.conf makes the default of every new container.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ContainerDefaults {
    /// Base environment, below the image's and -e.
    pub env: Vec<String>,
    /// rlimits replacing sangja's defaults of the same type.
    pub ulimits: Vec<Ulimit>,
    /// The host file to mount on /etc/localtime.
    pub localtime: Option<PathBuf>,
    /// The process's umask.
    pub umask: Option<u32>,
    /// Default of `--init`.
    pub init: bool,
    /// Default of `--log-opt max-size` in bytes (log_size_max; -1 or unset: no cap).
    pub log_size_max: Option<u64>,
    /// The capabilities a container starts from (default_capabilities).
    pub default_capabilities: Option<Vec<String>>,
    /// Default of `--pids-limit` (pids_limit; 0 or -1: none). Unlike the flag,
    /// dropped with a debug note where no cgroup can enforce it.
    pub pids_limit: Option<i64>,
    /// Default of `--userns` (userns): "keep-id", "host"...
    pub userns: Option<String>,
}

/// The files read, in order, with the merged result.
#[derive(Debug, Clone, Default)]
pub struct Loaded {
    pub conf: ContainersConf,
    pub files: Vec<PathBuf>,
}

/// The main files in the order they apply (each then takes its `.d` drop-ins).
pub fn main_files() -> Vec<PathBuf> {
    if let Some(p) = std::env::var_os("CONTAINERS_CONF").filter(|p| !p.is_empty()) {
        return vec![PathBuf::from(p)];
    }
    let mut v = vec![PathBuf::from("/usr/share/containers/containers.conf"), PathBuf::from("/etc/containers/containers.conf")];
    if super::rootless() {
        if let Some(h) = super::config_home() {
            v.push(h.join("containers/containers.conf"));
        }
    }
    v
}

/// Loads and merges containers.conf from its places.
pub fn load() -> Result<Loaded> {
    let replace = std::env::var_os("CONTAINERS_CONF").is_some_and(|p| !p.is_empty());
    let mut files = Vec::new();
    for main in main_files() {
        // $CONTAINERS_CONF names one file and nothing else, as podman.
        if replace {
            files.push(main);
            continue;
        }
        files.push(main.clone());
        let mut d = main.into_os_string();
        d.push(".d");
        files.extend(dropins(Path::new(&d)));
    }
    load_files(&files)
}

/// Loads the given files in order (missing ones are skipped).
pub fn load_files(paths: &[PathBuf]) -> Result<Loaded> {
    let mut merged = toml::Table::new();
    let mut files = Vec::new();
    for p in paths {
        let Some(text) = read_opt(p)? else { continue };
        // Each file is checked on its own so that an error names it and its line.
        let one: ContainersConf = toml::from_str(&text).map_err(|e| toml_error("containers.conf", p, &text, &e))?;
        defaults_of(&one, p, &text)?;
        let table: toml::Table = toml::from_str(&text).map_err(|e| toml_error("containers.conf", p, &text, &e))?;
        merge_toml(&mut merged, table);
        files.push(p.clone());
    }
    let conf: ContainersConf =
        toml::Value::Table(merged).try_into().map_err(|e: toml::de::Error| Error::Invalid(format!("containers.conf: {e}")))?;
    Ok(Loaded { conf, files })
}

impl Loaded {
    /// The container defaults (already validated when the files were read).
    pub fn defaults(&self) -> Result<ContainerDefaults> {
        let origin = self.files.last().cloned().unwrap_or_default();
        defaults_of(&self.conf, &origin, "")
    }
}

/// "FILE:LINE: " for the line that sets `key` in `text`, else "FILE: ".
fn at(path: &Path, text: &str, key: &str) -> String {
    let line = text.lines().position(|l| {
        let l = l.trim_start();
        l.strip_prefix(key).is_some_and(|rest| rest.trim_start().starts_with('='))
    });
    match line {
        Some(n) => format!("{}:{}: ", path.display(), n + 1),
        None => format!("{}: ", path.display()),
    }
}

fn defaults_of(conf: &ContainersConf, path: &Path, text: &str) -> Result<ContainerDefaults> {
    let c = &conf.containers;
    let mut ulimits = Vec::new();
    for u in &c.default_ulimits {
        let parsed = parse_ulimit(u)
            .map_err(|why| Error::Invalid(format!("{}key \"default_ulimits\": {why}", at(path, text, "default_ulimits"))))?;
        ulimits.retain(|x: &Ulimit| x.typ != parsed.typ);
        ulimits.push(parsed);
    }
    for e in &c.env {
        if e.is_empty() || e.starts_with('=') {
            return Err(Error::Invalid(format!("{}key \"env\": {e:?} is not KEY=VALUE", at(path, text, "env"))));
        }
    }
    let umask = match c.umask.as_deref() {
        None => None,
        Some(s) => Some(u32::from_str_radix(s.trim(), 8).ok().filter(|m| *m <= 0o777).ok_or_else(|| {
            Error::Invalid(format!("{}key \"umask\": {s:?} is not an octal umask such as \"0022\"", at(path, text, "umask")))
        })?),
    };
    let localtime = match c.tz.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(tz) => Some(zone_file(tz).map_err(|why| Error::Invalid(format!("{}key \"tz\": {why}", at(path, text, "tz"))))?),
    };
    let log_size_max = c.log_size_max.and_then(|n| u64::try_from(n).ok()).filter(|n| *n > 0);
    Ok(ContainerDefaults {
        env: c.env.clone(),
        ulimits,
        localtime,
        umask,
        init: c.init.unwrap_or(false),
        log_size_max,
        default_capabilities: c.default_capabilities.clone(),
        pids_limit: c.pids_limit,
        userns: c.userns.clone().filter(|u| !u.trim().is_empty()),
    })
}

/// The host's file for a time zone: "local" is the host's own /etc/localtime.
pub fn zone_file(tz: &str) -> std::result::Result<PathBuf, String> {
    let p = if tz == "local" {
        PathBuf::from("/etc/localtime")
    } else {
        if tz.starts_with('/') || tz.split('/').any(|c| c == ".." || c.is_empty()) {
            return Err(format!("{tz:?} is not a time zone name such as \"Europe/Paris\" or \"local\""));
        }
        Path::new("/usr/share/zoneinfo").join(tz)
    };
    // /etc/localtime is usually a symlink: mount what it points to.
    std::fs::canonicalize(&p)
        .ok()
        .filter(|c| c.is_file())
        .ok_or_else(|| format!("time zone {tz:?} is not known on this host ({} is missing)", p.display()))
}

/// Parses podman's ulimit syntax: "name=soft[:hard]", -1 meaning unlimited.
pub fn parse_ulimit(s: &str) -> std::result::Result<Ulimit, String> {
    let (name, vals) = s.split_once('=').ok_or_else(|| format!("{s:?} is not name=soft[:hard], e.g. nofile=1024:2048"))?;
    let typ = match name.trim().trim_start_matches("RLIMIT_").to_ascii_lowercase().as_str() {
        "as" => PosixRlimitType::RlimitAs,
        "core" => PosixRlimitType::RlimitCore,
        "cpu" => PosixRlimitType::RlimitCpu,
        "data" => PosixRlimitType::RlimitData,
        "fsize" => PosixRlimitType::RlimitFsize,
        "locks" => PosixRlimitType::RlimitLocks,
        "memlock" => PosixRlimitType::RlimitMemlock,
        "msgqueue" => PosixRlimitType::RlimitMsgqueue,
        "nice" => PosixRlimitType::RlimitNice,
        "nofile" => PosixRlimitType::RlimitNofile,
        "nproc" => PosixRlimitType::RlimitNproc,
        "rss" => PosixRlimitType::RlimitRss,
        "rtprio" => PosixRlimitType::RlimitRtprio,
        "rttime" => PosixRlimitType::RlimitRttime,
        "sigpending" => PosixRlimitType::RlimitSigpending,
        "stack" => PosixRlimitType::RlimitStack,
        other => return Err(format!("{other:?} is not an rlimit name (nofile, nproc, core, stack, memlock...)")),
    };
    let num = |v: &str| -> std::result::Result<u64, String> {
        match v.trim() {
            "-1" | "unlimited" => Ok(u64::MAX),
            n => n.parse().map_err(|_| format!("{s:?}: {n:?} is not a number (or -1 for unlimited)")),
        }
    };
    let (soft, hard) = match vals.split_once(':') {
        Some((a, b)) => (num(a)?, num(b)?),
        None => (num(vals)?, num(vals)?),
    };
    if soft > hard {
        return Err(format!("{s:?}: the soft limit is above the hard limit"));
    }
    Ok(Ulimit { typ, soft, hard })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        p
    }

    #[test]
    fn layers_override_key_by_key() {
        let dir = std::env::temp_dir().join(format!("sangja-cconf-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let a = write(
            &dir,
            "a.conf",
            "[containers]\nenv = [\"A=1\"]\numask = \"0077\"\nunknown_key = 5\n[engine]\nruntime = \"runc\"\nevents_logger = \"file\"\n[machine]\nx = 1\n",
        );
        let b = write(&dir, "b.conf", "[containers]\ndefault_ulimits = [\"nofile=512:1024\", \"core=-1\"]\n");
        let l = load_files(&[a.clone(), dir.join("missing.conf"), b]).unwrap();
        assert_eq!(l.files.len(), 2);
        let d = l.defaults().unwrap();
        assert_eq!(d.env, ["A=1"]);
        assert_eq!(d.umask, Some(0o077));
        assert_eq!(d.ulimits[0], Ulimit { typ: PosixRlimitType::RlimitNofile, soft: 512, hard: 1024 });
        assert_eq!(d.ulimits[1].hard, u64::MAX);
        let bad = write(&dir, "bad.conf", "[containers]\n\nenv = \"A=1\"\n");
        let e = load_files(&[a.clone(), bad]).unwrap_err().to_string();
        assert!(e.contains("bad.conf:3:") && e.contains("\"env\""), "{e}");
        let bad = write(&dir, "bad2.conf", "[containers]\ndefault_ulimits = [\"nofiles=1\"]\n");
        let e = load_files(&[bad]).unwrap_err().to_string();
        assert!(e.contains("bad2.conf:2:") && e.contains("nofiles"), "{e}");
        let bad = write(&dir, "bad3.conf", "[containers]\ntz = \"Nowhere/Land\"\n");
        assert!(load_files(&[bad]).unwrap_err().to_string().contains("bad3.conf:2:"));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn ulimits() {
        assert_eq!(parse_ulimit("nofile=100").unwrap().soft, 100);
        assert!(parse_ulimit("nofile=200:100").is_err());
        assert!(parse_ulimit("nofile").is_err());
        assert!(parse_ulimit("nofile=x").is_err());
        assert_eq!(parse_ulimit("RLIMIT_NPROC=unlimited").unwrap().typ, PosixRlimitType::RlimitNproc);
    }
}
