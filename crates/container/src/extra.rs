//! The `run`/`create` flags of issue 19 that shape the container beyond the
//! first set (RunOptions): stop signal, annotations, time zone, umask,
//! environment edits, groups, /dev/shm, sysctls, OOM score, personality,
//! namespace modes, run-time limit, pid files. Validated here with
//! podman's rules; the spec builder (spec/extra.rs) applies them.

use crate::error::{Error, Result};
use std::path::PathBuf;

/// What the user asked for, after parsing (see each flag's man page).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct ExtraOptions {
    /// `--stop-signal`, as a number (None: the image's STOPSIGNAL, else SIGTERM).
    pub stop_signal: Option<i32>,
    /// `--annotation KEY=VALUE`, into the spec's annotations.
    pub annotations: Vec<(String, String)>,
    /// `--tz`: a zone name or `local`.
    pub tz: Option<String>,
    /// `--umask`, parsed.
    pub umask: Option<u32>,
    /// `--unsetenv KEY`.
    pub unsetenv: Vec<String>,
    /// `--unsetenv-all`.
    pub unsetenv_all: bool,
    /// `--env-merge KEY=VALUE` with `${VAR}` taken from the image's values.
    pub env_merge: Vec<String>,
    /// `--expose PORT[/PROTO]` or a range.
    pub expose: Vec<String>,
    /// `--no-hosts`: the image's own /etc/hosts.
    pub no_hosts: bool,
    /// `--group-add`: names or gids, or `keep-groups` alone.
    pub group_add: Vec<String>,
    /// `--shm-size` in bytes (0: no limit).
    pub shm_size: Option<u64>,
    /// `--sysctl KEY=VALUE`, checked against the namespaces.
    pub sysctls: Vec<(String, String)>,
    /// `--oom-score-adj`, -1000..=1000.
    pub oom_score_adj: Option<i32>,
    /// `--personality`: LINUX or LINUX32.
    pub personality: Option<String>,
    /// `--uts`, `--ipc`, `--pid`, `--cgroupns`: host, private, ns:PATH (none/shareable for ipc).
    pub uts: Option<String>,
    pub ipc: Option<String>,
    pub pid: Option<String>,
    pub cgroupns: Option<String>,
    /// `--timeout`: SIGKILL after this many seconds of running (0: none).
    pub timeout: Option<u64>,
    /// `--pidfile`: the container's pid written here when it starts.
    pub pidfile: Option<PathBuf>,
    /// `--conmon-pidfile`: the pid of the process watching it (monitor, or the foreground sangja).
    pub conmon_pidfile: Option<PathBuf>,
    /// `--hostuser NAME|UID`: the host's passwd entry added to the container's.
    pub hostusers: Vec<String>,
    /// `--passwd-entry`: the template of the entry added for `--user` when it has none.
    pub passwd_entry: Option<String>,
    /// `--log-driver`: k8s-file (default; json-file is the same, as in
    /// podman), none, passthrough (nothing logged either).
    pub log_driver: Option<String>,
    /// `--log-opt path=`: the log file instead of the container's ctr.log.
    pub log_path: Option<PathBuf>,
    /// `--log-opt tag=`.
    pub log_tag: Option<String>,
    /// `--attach/-a`: the streams a foreground run relays (stdin, stdout,
    /// stderr); empty: all three (stdin with -i only).
    pub attach: Vec<String>,
    /// `--requires`: the ids of the containers started before this one.
    pub requires: Vec<String>,
    /// `--image-volume`: bind (default: an anonymous volume for each of the
    /// image's VOLUMEs), tmpfs, ignore.
    pub image_volume: Option<String>,
    /// `--volumes-from CONTAINER[:ro|rw]`, as given (the engine copies the
    /// named container's volumes and bind mounts into `mounts` at create).
    pub volumes_from: Vec<String>,
    /// `--passwd` (None: podman's default true): entries for a numeric
    /// --user the image lacks.
    pub passwd: Option<bool>,
}

/// `--attach` streams as podman checks them (any case; comma lists split by the caller).
pub fn parse_attach(streams: &[String]) -> Result<Vec<String>> {
    streams
        .iter()
        .map(|s| match s.to_ascii_lowercase().as_str() {
            v @ ("stdin" | "stdout" | "stderr") => Ok(v.to_string()),
            _ => Err(Error::Invalid(format!("invalid stream {s:?} for --attach - must be one of stdin, stdout, or stderr"))),
        })
        .collect()
}

/// `--image-volume`: bind, tmpfs or ignore (podman's modes).
pub fn parse_image_volume(mode: &str) -> Result<String> {
    match mode {
        "bind" | "tmpfs" | "ignore" => Ok(mode.to_string()),
        _ => Err(Error::Invalid(format!("invalid image volume mode {mode:?}: use bind, tmpfs or ignore"))),
    }
}

/// `--volumes-from CONTAINER[:OPTIONS]`: the container and the read-only
/// override (None: each mount's own mode). `z`/`Z` are accepted (no SELinux).
pub fn parse_volumes_from(v: &str) -> Result<(String, Option<bool>)> {
    let (name, opts) = v.split_once(':').unwrap_or((v, ""));
    if name.is_empty() {
        return Err(Error::Invalid(format!("--volumes-from {v:?}: name a container")));
    }
    let mut ro = None;
    for o in opts.split(',').filter(|o| !o.is_empty()) {
        match o {
            "ro" | "rw" if ro.is_some() => {
                return Err(Error::Invalid(format!("--volumes-from {v:?}: cannot set ro or rw options more than once")))
            }
            "ro" => ro = Some(true),
            "rw" => ro = Some(false),
            "z" | "Z" => {}
            _ => return Err(Error::Invalid(format!("--volumes-from {v:?}: invalid option {o:?}: use ro, rw or z"))),
        }
    }
    Ok((name.to_string(), ro))
}

/// `--log-driver` as podman names the drivers sangja has.
pub fn parse_log_driver(d: &str) -> Result<String> {
    match d {
        "k8s-file" | "json-file" | "none" | "passthrough" => Ok(d.to_string()),
        "journald" => Err(Error::Invalid(
            "--log-driver journald: sangja does not log to the journal; use k8s-file (the default), none or passthrough".into(),
        )),
        _ => Err(Error::Invalid(format!("invalid log driver: {d}: use k8s-file, json-file, none or passthrough"))),
    }
}

/// podman's umask rule: octal, at most 0777.
pub fn parse_umask(s: &str) -> Result<u32> {
    u32::from_str_radix(s.trim(), 8)
        .ok()
        .filter(|m| *m <= 0o777)
        .ok_or_else(|| Error::Invalid(format!("invalid umask string {s}: give an octal mask such as 0022")))
}

/// `--annotation KEY=VALUE` (a bare KEY has an empty value, as podman).
pub fn parse_annotation(s: &str) -> Result<(String, String)> {
    let (k, v) = s.split_once('=').unwrap_or((s, ""));
    if k.is_empty() {
        return Err(Error::Invalid(format!("invalid annotation {s:?}: give KEY=VALUE")));
    }
    Ok((k.to_string(), v.to_string()))
}

/// The namespaced sysctls podman allows, and which namespace each needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SysctlNs {
    Ipc,
    Net,
    Uts,
}

const IPC_SYSCTLS: [&str; 8] = [
    "kernel.msgmax",
    "kernel.msgmnb",
    "kernel.msgmni",
    "kernel.sem",
    "kernel.shmall",
    "kernel.shmmax",
    "kernel.shmmni",
    "kernel.shm_rmid_forced",
];

/// Which namespace `key` belongs to, or podman's refusal.
pub fn sysctl_namespace(key: &str) -> Result<SysctlNs> {
    if IPC_SYSCTLS.contains(&key) || key.starts_with("fs.mqueue.") {
        return Ok(SysctlNs::Ipc);
    }
    if key.starts_with("net.") {
        return Ok(SysctlNs::Net);
    }
    if key == "kernel.domainname" || key == "kernel.hostname" {
        return Ok(SysctlNs::Uts);
    }
    Err(Error::Invalid(format!(
        "sysctl {key:?} is not allowed: only namespaced sysctls (kernel.msg*, kernel.sem, kernel.shm*, fs.mqueue.*, net.*) can be set"
    )))
}

/// `--sysctl KEY=VALUE`, with podman's checks (the key is namespaced, its
/// namespace is the container's own).
pub fn parse_sysctl(s: &str, ipc_host: bool, net_host: bool, uts_host: bool) -> Result<(String, String)> {
    let (k, v) = s.split_once('=').ok_or_else(|| Error::Invalid(format!("sysctl {s:?} is not in the form of KEY=VALUE")))?;
    let (k, v) = (k.trim(), v.trim());
    if k.is_empty() || k.contains("..") || k.contains('/') {
        return Err(Error::Invalid(format!("sysctl {s:?} is not in the form of KEY=VALUE")));
    }
    let (host, mode) = match sysctl_namespace(k)? {
        SysctlNs::Ipc => (ipc_host, "--ipc=host"),
        SysctlNs::Net => (net_host, "--network=host"),
        SysctlNs::Uts => (uts_host, "--uts=host"),
    };
    if host {
        return Err(Error::Invalid(format!("sysctl {k:?} is not allowed with {mode}: the namespace is the host's")));
    }
    Ok((k.to_string(), v.to_string()))
}

/// A namespace mode: what the spec does with that namespace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NsMode {
    Private,
    Host,
    /// ipc=none: private, no /dev/shm.
    NoShm,
    /// ns:PATH: join the namespace at PATH.
    Path(String),
}

/// Parses `--uts`/`--ipc`/`--pid`/`--cgroupns` as podman names the modes.
pub fn parse_ns_mode(flag: &str, v: Option<&str>) -> Result<NsMode> {
    let Some(v) = v.map(str::trim).filter(|v| !v.is_empty()) else { return Ok(NsMode::Private) };
    match v {
        "private" => return Ok(NsMode::Private),
        "host" => return Ok(NsMode::Host),
        "shareable" if flag == "--ipc" => return Ok(NsMode::Private),
        "none" if flag == "--ipc" => return Ok(NsMode::NoShm),
        _ => {}
    }
    if let Some(p) = v.strip_prefix("ns:") {
        if !p.starts_with('/') {
            return Err(Error::Invalid(format!("{flag} {v:?}: the namespace path must be absolute")));
        }
        return Ok(NsMode::Path(p.to_string()));
    }
    if v.starts_with("container:") {
        return Err(Error::Invalid(format!(
            "{flag} {v:?}: joining another container's namespace is not supported by sangja; use ns:/proc/PID/ns/... of its process"
        )));
    }
    Err(Error::Invalid(format!("unrecognized namespace mode {v} passed to {flag}: expected host, private or ns:PATH")))
}

/// `--personality`: the execution domains sangja's runtime sets.
pub fn parse_personality(s: &str) -> Result<String> {
    match s.to_ascii_uppercase().as_str() {
        "LINUX" => Ok("LINUX".into()),
        "LINUX32" => Ok("LINUX32".into()),
        _ => Err(Error::Invalid(format!("--personality {s:?}: the execution domains supported are LINUX and LINUX32"))),
    }
}

/// podman's `--env-merge` expansion: `$VAR` and `${VAR}` take the value the
/// image's (and containers.conf's) environment gives, empty when unset.
pub fn expand(word: &str, lookup: impl Fn(&str) -> Option<String>) -> String {
    let mut out = String::new();
    let mut chars = word.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '$' {
            out.push(c);
            continue;
        }
        let name: String = if chars.peek() == Some(&'{') {
            chars.next();
            let mut n = String::new();
            for c in chars.by_ref() {
                if c == '}' {
                    break;
                }
                n.push(c);
            }
            n
        } else {
            let mut n = String::new();
            while let Some(&c) = chars.peek() {
                if c.is_ascii_alphanumeric() || c == '_' {
                    n.push(c);
                    chars.next();
                } else {
                    break;
                }
            }
            if n.is_empty() {
                out.push('$');
                continue;
            }
            n
        };
        out.push_str(&lookup(&name).unwrap_or_default());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_merge_expands_image_values() {
        let look = |k: &str| (k == "PATH").then(|| "/bin".to_string());
        assert_eq!(expand("PATH=${PATH}:/opt", look), "PATH=/bin:/opt");
        assert_eq!(expand("X=$PATH-$NOPE.$", look), "X=/bin-.$");
    }

    #[test]
    fn sysctls_checked_as_podman() {
        assert!(parse_sysctl("kernel.shmmax=100", false, false, false).is_ok());
        assert!(parse_sysctl("kernel.shmmax=100", true, false, false).is_err());
        assert!(parse_sysctl("net.ipv4.ip_forward=1", false, true, false).is_err());
        assert!(parse_sysctl("vm.swappiness=1", false, false, false).is_err());
        assert!(parse_sysctl("novalue", false, false, false).is_err());
    }

    #[test]
    fn modes_and_umask() {
        assert_eq!(parse_ns_mode("--uts", Some("host")).unwrap(), NsMode::Host);
        assert_eq!(parse_ns_mode("--ipc", Some("none")).unwrap(), NsMode::NoShm);
        assert!(parse_ns_mode("--uts", Some("bogus")).is_err());
        assert_eq!(parse_umask("0027").unwrap(), 0o027);
        assert!(parse_umask("0999").is_err());
    }
}
