//! seccomp profiles in the docker/podman JSON format (the OCI fields plus
//! `includes`/`excludes` by capability and architecture, `archMap`), turned
//! into the spec's linux.seccomp for the container's capabilities.
//!
//! The default profile is the containers ecosystem's (containers-common's
//! seccomp.json as podman 4.3 ships it), embedded so that no file has to be
//! found at run time: an allow-list whose default is ENOSYS, EPERM for the
//! calls it names as dangerous, and capability-dependent rules.

use crate::error::{Error, Result};
use oci_spec::runtime::{Capabilities, LinuxSeccomp, LinuxSeccompAction, LinuxSeccompArg};
use std::path::Path;

const DEFAULT_PROFILE: &str = include_str!("seccomp_default.json");

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct Profile {
    default_action: LinuxSeccompAction,
    default_errno_ret: Option<u32>,
    #[serde(default)]
    syscalls: Option<Vec<Rule>>,
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct Rule {
    #[serde(default)]
    names: Option<Vec<String>>,
    /// The older docker form: one name per rule.
    #[serde(default)]
    name: Option<String>,
    action: LinuxSeccompAction,
    errno_ret: Option<u32>,
    #[serde(default)]
    args: Option<Vec<LinuxSeccompArg>>,
    #[serde(default)]
    includes: Option<Filter>,
    #[serde(default)]
    excludes: Option<Filter>,
}

#[derive(serde::Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct Filter {
    #[serde(default)]
    caps: Option<Vec<String>>,
    #[serde(default)]
    arches: Option<Vec<String>>,
}

/// This machine's names in `arches` (docker's Go names).
fn native_arches() -> &'static [&'static str] {
    match std::env::consts::ARCH {
        "x86_64" => &["amd64", "x86_64"],
        "aarch64" => &["arm64", "aarch64"],
        "riscv64" => &["riscv64"],
        _ => &[],
    }
}

fn cap_names(caps: &Capabilities) -> Vec<String> {
    caps.iter().map(|c| format!("CAP_{c}")).collect()
}

/// Whether a rule applies to a container with `caps` on this machine.
fn applies(rule: &Rule, caps: &[String]) -> bool {
    let native = native_arches();
    if let Some(inc) = &rule.includes {
        if let Some(need) = inc.caps.as_ref().filter(|c| !c.is_empty()) {
            if !need.iter().all(|c| caps.contains(c)) {
                return false;
            }
        }
        if let Some(a) = inc.arches.as_ref().filter(|a| !a.is_empty()) {
            if !a.iter().any(|a| native.contains(&a.as_str())) {
                return false;
            }
        }
    }
    if let Some(exc) = &rule.excludes {
        if exc.caps.as_ref().is_some_and(|c| c.iter().any(|c| caps.contains(c))) {
            return false;
        }
        if exc.arches.as_ref().is_some_and(|a| a.iter().any(|a| native.contains(&a.as_str()))) {
            return false;
        }
    }
    true
}

/// Parses a docker-format profile for a container with `caps`; `source`
/// names it in errors.
pub fn parse_profile(text: &str, caps: &Capabilities, source: &str) -> Result<LinuxSeccomp> {
    let profile: Profile = serde_json::from_str(text)
        .map_err(|e| Error::Invalid(format!("seccomp profile {source}: {e}: expected the docker/podman JSON profile format")))?;
    let caps = cap_names(caps);
    let mut syscalls = Vec::new();
    for rule in profile.syscalls.iter().flatten().filter(|r| applies(r, &caps)) {
        let mut names = rule.names.clone().unwrap_or_default();
        names.extend(rule.name.clone());
        if names.is_empty() {
            continue;
        }
        let mut sc = serde_json::json!({ "names": names, "action": rule.action });
        if let Some(e) = rule.errno_ret {
            sc["errnoRet"] = e.into();
        }
        if let Some(a) = rule.args.as_ref().filter(|a| !a.is_empty()) {
            sc["args"] = serde_json::to_value(a).map_err(|e| Error::Invalid(format!("seccomp profile {source}: {e}")))?;
        }
        syscalls.push(sc);
    }
    let mut out = serde_json::json!({ "defaultAction": profile.default_action, "syscalls": syscalls });
    if let Some(e) = profile.default_errno_ret {
        out["defaultErrnoRet"] = e.into();
    }
    serde_json::from_value(out).map_err(|e| Error::Invalid(format!("seccomp profile {source}: {e}")))
}

/// The default profile for a container with `caps`.
pub fn default_profile(caps: &Capabilities) -> Result<LinuxSeccomp> {
    parse_profile(DEFAULT_PROFILE, caps, "(built-in default)")
}

/// `--security-opt seccomp=PATH`.
pub fn load_profile(path: &Path, caps: &Capabilities) -> Result<LinuxSeccomp> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Error::Invalid(format!("--security-opt seccomp={}: cannot read the profile: {e}", path.display())))?;
    parse_profile(&text, caps, &path.display().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use oci_spec::runtime::Capability;

    fn rule_for<'a>(p: &'a LinuxSeccomp, name: &str) -> Vec<&'a oci_spec::runtime::LinuxSyscall> {
        p.syscalls().as_ref().unwrap().iter().filter(|s| s.names().iter().any(|n| n == name)).collect()
    }

    #[test]
    fn default_follows_caps() {
        let caps: Capabilities = super::super::security::DEFAULT_CAPS.iter().copied().collect();
        let p = default_profile(&caps).unwrap();
        assert_eq!(p.default_action(), LinuxSeccompAction::ScmpActErrno);
        assert_eq!(p.default_errno_ret(), Some(38));
        let sethostname = rule_for(&p, "sethostname");
        assert_eq!(sethostname.len(), 1);
        assert_eq!(sethostname[0].action(), LinuxSeccompAction::ScmpActErrno);
        assert!(rule_for(&p, "sync_file_range2").is_empty(), "ppc64le only");
        let mut admin = caps.clone();
        admin.insert(Capability::SysAdmin);
        let p = default_profile(&admin).unwrap();
        assert_eq!(rule_for(&p, "sethostname")[0].action(), LinuxSeccompAction::ScmpActAllow);
    }

    #[test]
    fn bad_profile_is_named() {
        let e = parse_profile("{", &Capabilities::new(), "/x.json").unwrap_err().to_string();
        assert!(e.contains("/x.json"), "{e}");
    }
}

#[cfg(test)]
mod cost {
    /// The default profile, parsed for default caps and compiled: the cost
    /// that seccomp adds to every `run` in user space.
    #[test]
    fn default_profile_is_cheap() {
        let caps = crate::security::DEFAULT_CAPS.iter().copied().collect();
        let start = std::time::Instant::now();
        let n = 20;
        let mut len = 0;
        for _ in 0..n {
            let p = super::default_profile(&caps).unwrap();
            len = sangja_runtime::seccomp_compiled_len(&p).unwrap();
        }
        let each = start.elapsed() / n;
        assert!(len < 4096, "the kernel's limit per filter");
        assert!(each < std::time::Duration::from_millis(20), "{each:?}");
    }
}
