//! ARG and ENV scopes, as docker has them:
//! - ARGs before the first FROM are global: usable in FROM lines, and in a
//!   stage only once re-declared there by `ARG NAME` (no default: the
//!   global value).
//! - A stage's `ARG NAME[=default]` takes the `--build-arg` value, else its
//!   default, else the global one; it is in scope until the stage ends.
//! - ENV wins over an ARG of the same name.
//! - The proxy args (HTTP_PROXY, ...) need no ARG: given with
//!   `--build-arg` they reach RUN's environment, and are not recorded in
//!   the image's history.
//! - TARGETPLATFORM, TARGETOS, TARGETARCH, TARGETVARIANT, BUILDPLATFORM,
//!   BUILDOS, BUILDARCH and BUILDVARIANT are set in the global scope, and
//!   in a stage once declared with `ARG NAME`.

use crate::error::{Error, Result};
use crate::expand::{self, Lookup};
use std::collections::{BTreeMap, BTreeSet};

/// The args docker predefines: usable with no ARG.
pub const PROXY_ARGS: [&str; 10] =
    ["HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "FTP_PROXY", "ftp_proxy", "NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy"];

/// os/arch[/variant], as OCI names them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Platform {
    pub os: String,
    pub arch: String,
    pub variant: Option<String>,
}

impl Platform {
    /// This machine's platform.
    pub fn host() -> Platform {
        let (arch, variant) = match std::env::consts::ARCH {
            "x86_64" => ("amd64", None),
            "aarch64" => ("arm64", None),
            "x86" => ("386", None),
            "arm" => ("arm", Some("v7")),
            "powerpc64" => ("ppc64le", None),
            "s390x" => ("s390x", None),
            "riscv64" => ("riscv64", None),
            other => (other, None),
        };
        Platform { os: "linux".into(), arch: arch.into(), variant: variant.map(str::to_string) }
    }

    /// Parses `os/arch[/variant]` (`linux/amd64`); `arch` alone means linux.
    pub fn parse(s: &str) -> Result<Platform> {
        let parts: Vec<&str> = s.split('/').collect();
        let bad = || Error::Invalid(format!("platform {s:?}: use os/arch[/variant], e.g. linux/amd64"));
        match parts.as_slice() {
            [os, arch] if !os.is_empty() && !arch.is_empty() => Ok(Platform { os: os.to_string(), arch: arch.to_string(), variant: None }),
            [os, arch, v] if !os.is_empty() && !arch.is_empty() && !v.is_empty() => {
                Ok(Platform { os: os.to_string(), arch: arch.to_string(), variant: Some(v.to_string()) })
            }
            [arch] if !arch.is_empty() => Ok(Platform { os: "linux".into(), arch: arch.to_string(), variant: None }),
            _ => Err(bad()),
        }
    }

    /// Whether `other` names this platform (a missing variant matches).
    pub fn matches(&self, other: &Platform) -> bool {
        let arch = |a: &str| match a {
            "x86_64" | "x86-64" => "amd64".to_string(),
            "aarch64" => "arm64".to_string(),
            a => a.to_string(),
        };
        self.os == other.os && arch(&self.arch) == arch(&other.arch) && (other.variant.is_none() || self.variant == other.variant)
    }
}

impl std::fmt::Display for Platform {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.variant {
            Some(v) => write!(f, "{}/{}/{v}", self.os, self.arch),
            None => write!(f, "{}/{}", self.os, self.arch),
        }
    }
}

/// The automatic platform args for building `target` on `build`.
pub fn platform_args(target: &Platform, build: &Platform) -> BTreeMap<String, String> {
    let mut m = BTreeMap::new();
    for (prefix, p) in [("TARGET", target), ("BUILD", build)] {
        m.insert(format!("{prefix}PLATFORM"), p.to_string());
        m.insert(format!("{prefix}OS"), p.os.clone());
        m.insert(format!("{prefix}ARCH"), p.arch.clone());
        m.insert(format!("{prefix}VARIANT"), p.variant.clone().unwrap_or_default());
    }
    m
}

/// `ARG NAME[=default] ...`: the names and their defaults, expanded.
pub fn parse_arg(raw: &str, escape: char, lookup: Lookup) -> Result<Vec<(String, Option<String>)>> {
    let mut out = Vec::new();
    for w in expand::split_raw(raw, escape) {
        match w.split_once('=') {
            Some((k, v)) => out.push((k.to_string(), Some(expand::expand_word(v, escape, lookup)?))),
            None => out.push((w.clone(), None)),
        }
    }
    if out.is_empty() {
        return Err(Error::Invalid("ARG needs a name: ARG NAME[=DEFAULT]".into()));
    }
    for (k, _) in &out {
        if k.is_empty() || !k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '-') {
            return Err(Error::Invalid(format!("ARG {k:?}: not a valid name")));
        }
    }
    Ok(out)
}

/// The build's args: the `--build-arg` values, the global scope and the
/// current stage's.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    build_args: BTreeMap<String, String>,
    auto: BTreeMap<String, String>,
    global: BTreeMap<String, Option<String>>,
    stage: Vec<(String, Option<String>)>,
    used: BTreeSet<String>,
}

impl Scope {
    /// A scope with the user's `--build-arg`s and the automatic platform args.
    pub fn new(build_args: BTreeMap<String, String>, auto: BTreeMap<String, String>) -> Scope {
        Scope { build_args, auto, ..Scope::default() }
    }

    /// A global `ARG NAME[=default]` (before the first FROM).
    pub fn declare_global(&mut self, name: &str, default: Option<String>) {
        self.used.insert(name.to_string());
        let v = self.build_args.get(name).cloned().or(default);
        self.global.insert(name.to_string(), v);
    }

    /// A global arg's value, for FROM lines.
    pub fn global(&self, name: &str) -> Option<String> {
        match self.global.get(name) {
            Some(v) => v.clone(),
            None => self.auto.get(name).cloned(),
        }
    }

    /// A new stage starts: its args are forgotten.
    pub fn new_stage(&mut self) {
        self.stage.clear();
    }

    /// A stage's `ARG NAME[=default]`.
    pub fn declare(&mut self, name: &str, default: Option<String>) {
        self.used.insert(name.to_string());
        let v = self
            .build_args
            .get(name)
            .cloned()
            .or(default)
            .or_else(|| self.global.get(name).cloned().flatten())
            .or_else(|| self.auto.get(name).cloned());
        self.stage.retain(|(k, _)| k != name);
        self.stage.push((name.to_string(), v));
    }

    /// A stage arg's value (declared and set).
    pub fn get(&self, name: &str) -> Option<String> {
        self.stage.iter().rev().find(|(k, _)| k == name).and_then(|(_, v)| v.clone())
    }

    /// The stage's declared args that have a value, in declaration order
    /// (RUN's environment, and its cache key).
    pub fn stage_args(&self) -> Vec<(String, String)> {
        self.stage.iter().filter_map(|(k, v)| v.clone().map(|v| (k.clone(), v))).collect()
    }

    /// The proxy args given with `--build-arg` (RUN's environment only).
    pub fn proxy_env(&self) -> Vec<(String, String)> {
        PROXY_ARGS.iter().filter_map(|k| self.build_args.get(*k).map(|v| (k.to_string(), v.clone()))).collect()
    }

    /// `--build-arg`s no ARG declared (docker warns about them).
    pub fn unused(&self) -> Vec<String> {
        self.build_args.keys().filter(|k| !self.used.contains(*k) && !PROXY_ARGS.contains(&k.as_str())).cloned().collect()
    }
}

/// A variable's value in a stage: ENV first, then the stage's args.
pub fn stage_lookup<'a>(env: &'a [String], scope: &'a Scope) -> impl Fn(&str) -> Option<String> + 'a {
    move |name: &str| {
        env.iter().rev().find_map(|e| e.split_once('=').filter(|(k, _)| *k == name).map(|(_, v)| v.to_string())).or_else(|| scope.get(name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes() {
        let host = Platform::host();
        let mut s =
            Scope::new(BTreeMap::from([("V".to_string(), "cli".to_string()), ("X".into(), "1".into())]), platform_args(&host, &host));
        s.declare_global("BASE", Some("busybox".into()));
        s.declare_global("V", Some("g".into()));
        assert_eq!(s.global("BASE").as_deref(), Some("busybox"));
        assert_eq!(s.global("V").as_deref(), Some("cli"));
        assert_eq!(s.global("TARGETOS").as_deref(), Some("linux"));
        s.new_stage();
        assert_eq!(s.get("BASE"), None);
        s.declare("BASE", None);
        assert_eq!(s.get("BASE").as_deref(), Some("busybox"));
        s.declare("D", Some("d".into()));
        s.declare("TARGETARCH", None);
        assert_eq!(s.get("TARGETARCH"), Some(host.arch.clone()));
        assert_eq!(s.unused(), ["X"]);
        let env = vec!["D=fromenv".to_string()];
        let l = stage_lookup(&env, &s);
        assert_eq!(l("D").as_deref(), Some("fromenv"));
        assert_eq!(l("BASE").as_deref(), Some("busybox"));
    }

    #[test]
    fn platforms() {
        assert!(Platform::parse("linux/amd64").unwrap().matches(&Platform::parse("linux/amd64").unwrap()));
        assert!(!Platform::parse("linux/amd64").unwrap().matches(&Platform::parse("linux/arm64").unwrap()));
        assert!(Platform::parse("linux//").is_err());
        let a = parse_arg("A=${X:-d} B", '\\', &|_| None).unwrap();
        assert_eq!(a, [("A".to_string(), Some("d".to_string())), ("B".to_string(), None)]);
    }
}
