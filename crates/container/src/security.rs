//! Security flags into the Spec: capabilities (`--cap-add`, `--cap-drop`,
//! `--privileged`), seccomp and no_new_privs (`--security-opt`), masked and
//! read-only paths (`--security-opt mask=/unmask=`).

use crate::error::{Error, Result};
use oci_spec::runtime::{Capabilities, Capability, LinuxCapabilities, Spec};
use std::str::FromStr;

/// The user's security flags, as given.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct SecurityOptions {
    pub cap_add: Vec<String>,
    pub cap_drop: Vec<String>,
    pub privileged: bool,
    /// `--security-opt` values: seccomp=unconfined|PATH, no-new-privileges[=BOOL],
    /// mask=PATHS, unmask=ALL|PATHS, label=disable (accepted, no SELinux here).
    pub security_opt: Vec<String>,
    /// containers.conf `default_capabilities`: replaces podman's default set.
    pub default_caps: Option<Vec<String>>,
    /// `--userns`: "", host, keep-id[:uid=N,gid=N] (spec/userns.rs).
    pub userns: Option<String>,
    /// `--uidmap` / `--gidmap`: container_id:host_id:amount.
    pub uidmap: Vec<String>,
    pub gidmap: Vec<String>,
    /// `--device HOST[:CONTAINER][:PERMS]`.
    pub devices: Vec<String>,
}

/// podman's default capabilities for a container (containers.conf).
pub const DEFAULT_CAPS: [Capability; 11] = [
    Capability::Chown,
    Capability::DacOverride,
    Capability::Fowner,
    Capability::Fsetid,
    Capability::Kill,
    Capability::NetBindService,
    Capability::Setfcap,
    Capability::Setgid,
    Capability::Setpcap,
    Capability::Setuid,
    Capability::SysChroot,
];

/// Every capability, in the kernel's order (linux/capability.h).
pub const ALL_CAPS: [Capability; 41] = {
    use Capability::*;
    [
        Chown,
        DacOverride,
        DacReadSearch,
        Fowner,
        Fsetid,
        Kill,
        Setgid,
        Setuid,
        Setpcap,
        LinuxImmutable,
        NetBindService,
        NetBroadcast,
        NetAdmin,
        NetRaw,
        IpcLock,
        IpcOwner,
        SysModule,
        SysRawio,
        SysChroot,
        SysPtrace,
        SysPacct,
        SysAdmin,
        SysBoot,
        SysNice,
        SysResource,
        SysTime,
        SysTtyConfig,
        Mknod,
        Lease,
        AuditWrite,
        AuditControl,
        Setfcap,
        MacOverride,
        MacAdmin,
        Syslog,
        WakeAlarm,
        BlockSuspend,
        AuditRead,
        Perfmon,
        Bpf,
        CheckpointRestore,
    ]
};

/// "All" capabilities: those in our own bounding set. A root without, say,
/// CAP_SYS_RESOURCE (a container host's root, sangja's user namespace) cannot
/// give more, and capset would fail on the rest.
fn all_caps() -> Capabilities {
    let bounding = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find_map(|l| l.strip_prefix("CapBnd:").map(|v| v.trim().to_string())))
        .and_then(|v| u64::from_str_radix(&v, 16).ok())
        .unwrap_or(u64::MAX);
    ALL_CAPS.iter().enumerate().filter(|(i, _)| bounding & (1 << i) != 0).map(|(_, c)| *c).collect()
}

/// "net_admin", "CAP_NET_ADMIN", "Cap_Net_Admin" → NetAdmin; `flag` names the
/// flag in the error.
pub fn parse_cap(name: &str, flag: &str) -> Result<Capability> {
    let upper = name.trim().to_ascii_uppercase();
    let bare = upper.strip_prefix("CAP_").unwrap_or(&upper);
    Capability::from_str(bare).map_err(|_| {
        Error::Invalid(format!(
            "{flag} {name:?}: unknown capability; use a name from capabilities(7) such as NET_ADMIN or CAP_SYS_PTRACE, or ALL"
        ))
    })
}

/// What seccomp the container gets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SeccompChoice {
    Default,
    Unconfined,
    Profile(String),
}

/// The parsed `--security-opt` list.
#[derive(Debug, Clone)]
pub struct ParsedOpts {
    pub seccomp: SeccompChoice,
    pub no_new_privs: bool,
    pub mask: Vec<String>,
    pub unmask: Vec<String>,
    pub unmask_all: bool,
}

/// Parses `--security-opt` values (podman's forms, `key=value` or `key:value`).
pub fn parse_security_opts(list: &[String]) -> Result<ParsedOpts> {
    let mut out =
        ParsedOpts { seccomp: SeccompChoice::Default, no_new_privs: false, mask: Vec::new(), unmask: Vec::new(), unmask_all: false };
    for opt in list {
        let (key, value) = match opt.split_once(['=', ':']) {
            Some((k, v)) => (k, Some(v)),
            None => (opt.as_str(), None),
        };
        let bad_bool = || Error::Invalid(format!("--security-opt {opt:?}: expected no-new-privileges[=true|false]"));
        match (key, value) {
            ("seccomp", Some("unconfined")) => out.seccomp = SeccompChoice::Unconfined,
            ("seccomp", Some(p)) if !p.is_empty() => out.seccomp = SeccompChoice::Profile(p.to_string()),
            ("no-new-privileges", None) => out.no_new_privs = true,
            ("no-new-privileges", Some(v)) => out.no_new_privs = parse_bool(v).ok_or_else(bad_bool)?,
            ("mask", Some(p)) => out.mask.extend(paths(p, opt)?),
            ("unmask", Some("ALL")) => out.unmask_all = true,
            ("unmask", Some(p)) => out.unmask.extend(paths(p, opt)?),
            // No SELinux or AppArmor here: podman also accepts disabling them.
            ("label", Some("disable")) | ("apparmor", Some("unconfined")) => {}
            _ => {
                return Err(Error::Invalid(format!(
                    "--security-opt {opt:?} is not supported: use seccomp=unconfined|PROFILE.json, \
                     no-new-privileges, mask=PATHS or unmask=ALL|PATHS"
                )))
            }
        }
    }
    Ok(out)
}

fn parse_bool(v: &str) -> Option<bool> {
    match v {
        "true" | "1" => Some(true),
        "false" | "0" => Some(false),
        _ => None,
    }
}

fn paths(list: &str, opt: &str) -> Result<Vec<String>> {
    let v: Vec<String> = list.split(':').filter(|p| !p.is_empty()).map(str::to_string).collect();
    if v.is_empty() || v.iter().any(|p| !p.starts_with('/')) {
        return Err(Error::Invalid(format!("--security-opt {opt:?}: paths must be absolute, separated by ':'")));
    }
    Ok(v)
}

/// The capability set after `--cap-add`/`--cap-drop` (podman: ALL in
/// --cap-add starts from everything, drops then apply; ALL in --cap-drop
/// starts from nothing, adds then apply).
pub fn capability_set(opts: &SecurityOptions) -> Result<Capabilities> {
    let is_all = |s: &String| s.eq_ignore_ascii_case("all");
    let mut set: Capabilities = if opts.privileged || opts.cap_add.iter().any(is_all) {
        all_caps()
    } else if let Some(base) = &opts.default_caps {
        base.iter().map(|c| parse_cap(c, "default_capabilities in containers.conf")).collect::<Result<_>>()?
    } else {
        DEFAULT_CAPS.iter().copied().collect()
    };
    let drop_all = opts.cap_drop.iter().any(is_all);
    if drop_all {
        set.clear();
    }
    for c in opts.cap_drop.iter().filter(|c| !is_all(c)) {
        set.remove(&parse_cap(c, "--cap-drop")?);
    }
    for c in opts.cap_add.iter().filter(|c| !is_all(c)) {
        set.insert(parse_cap(c, "--cap-add")?);
    }
    if drop_all && opts.cap_add.iter().any(is_all) {
        set = all_caps();
    }
    Ok(set)
}

/// Sets the spec's capabilities, seccomp, no_new_privs, masked and
/// read-only paths. Call after the process user is set.
pub fn apply(spec: &mut Spec, opts: &SecurityOptions) -> Result<()> {
    let parsed = parse_security_opts(&opts.security_opt)?;
    let set = capability_set(opts)?;
    let mut process = spec.process().clone().unwrap_or_default();
    let uid = process.user().uid();
    let mut caps = LinuxCapabilities::default();
    caps.set_bounding(Some(set.clone()));
    if uid == 0 {
        caps.set_effective(Some(set.clone()));
        caps.set_permitted(Some(set.clone()));
        caps.set_inheritable(Some(Capabilities::new()));
        caps.set_ambient(Some(Capabilities::new()));
    } else {
        // As podman: a non-root user gets only what --cap-add names, and
        // through the ambient set, so it survives the exec.
        let mut added = Capabilities::new();
        for c in opts.cap_add.iter() {
            if c.eq_ignore_ascii_case("all") {
                added.extend(all_caps());
            } else {
                added.insert(parse_cap(c, "--cap-add")?);
            }
        }
        added.retain(|c| set.contains(c));
        caps.set_effective(Some(added.clone()));
        caps.set_permitted(Some(added.clone()));
        caps.set_inheritable(Some(added.clone()));
        caps.set_ambient(Some(added));
    }
    process.set_capabilities(Some(caps));
    process.set_no_new_privileges(parsed.no_new_privs.then_some(true));
    spec.set_process(Some(process));

    let mut linux = spec.linux().clone().unwrap_or_default();
    let seccomp = if opts.privileged { SeccompChoice::Unconfined } else { parsed.seccomp.clone() };
    linux.set_seccomp(match &seccomp {
        SeccompChoice::Unconfined => None,
        SeccompChoice::Default => Some(super::seccomp::default_profile(&set)?),
        SeccompChoice::Profile(path) => Some(super::seccomp::load_profile(std::path::Path::new(path), &set)?),
    });
    let mut masked = linux.masked_paths().clone().unwrap_or_default();
    let mut readonly = linux.readonly_paths().clone().unwrap_or_default();
    if opts.privileged || parsed.unmask_all {
        masked.clear();
        if opts.privileged {
            readonly.clear();
        }
    }
    masked.retain(|p| !parsed.unmask.contains(p));
    readonly.retain(|p| !parsed.unmask.contains(p));
    for m in parsed.mask {
        if !masked.contains(&m) {
            masked.push(m);
        }
    }
    linux.set_masked_paths(Some(masked));
    linux.set_readonly_paths(Some(readonly));
    spec.set_linux(Some(linux));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts(add: &[&str], drop: &[&str]) -> SecurityOptions {
        SecurityOptions {
            cap_add: add.iter().map(|s| s.to_string()).collect(),
            cap_drop: drop.iter().map(|s| s.to_string()).collect(),
            ..Default::default()
        }
    }

    #[test]
    fn cap_names() {
        assert_eq!(parse_cap("net_admin", "--cap-add").unwrap(), Capability::NetAdmin);
        assert_eq!(parse_cap("CAP_SYS_PTRACE", "--cap-add").unwrap(), Capability::SysPtrace);
        assert_eq!(parse_cap("Cap_Sys_Tty_Config", "--cap-add").unwrap(), Capability::SysTtyConfig);
        let e = parse_cap("CAP_NOPE", "--cap-drop").unwrap_err().to_string();
        assert!(e.contains("--cap-drop") && e.contains("CAP_NOPE"), "{e}");
    }

    #[test]
    fn sets() {
        assert_eq!(capability_set(&opts(&[], &[])).unwrap().len(), 11);
        let s = capability_set(&opts(&["sys_admin"], &["chown"])).unwrap();
        assert!(s.contains(&Capability::SysAdmin) && !s.contains(&Capability::Chown));
        let s = capability_set(&opts(&["kill"], &["ALL"])).unwrap();
        assert_eq!(s.into_iter().collect::<Vec<_>>(), vec![Capability::Kill]);
        assert_eq!(capability_set(&opts(&["all"], &["chown"])).unwrap().len(), all_caps().len() - 1);
    }

    #[test]
    fn security_opts() {
        let p = parse_security_opts(&["seccomp=unconfined".into(), "no-new-privileges".into()]).unwrap();
        assert_eq!(p.seccomp, SeccompChoice::Unconfined);
        assert!(p.no_new_privs);
        let p = parse_security_opts(&["seccomp=/x.json".into(), "mask=/a:/b".into()]).unwrap();
        assert_eq!(p.seccomp, SeccompChoice::Profile("/x.json".into()));
        assert_eq!(p.mask, vec!["/a", "/b"]);
        assert!(parse_security_opts(&["bogus=1".into()]).is_err());
        assert!(parse_security_opts(&["mask=relative".into()]).is_err());
    }
}
