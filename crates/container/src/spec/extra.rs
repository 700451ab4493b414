//! The second set of run flags (crate::extra) applied to the Spec.

use crate::error::{Error, Result};
use crate::extra::{ExtraOptions, NsMode};
use crate::NetworkMode;
use oci_spec::runtime::{LinuxNamespace, LinuxNamespaceType, LinuxPersonality, LinuxPersonalityDomain, Mount, Spec};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The annotation crun reads for `--group-add keep-groups`; sangja's runtime too.
pub const KEEP_GROUPS_ANNOTATION: &str = "run.oci.keep_original_groups";

fn key(e: &str) -> &str {
    e.split('=').next().unwrap_or("")
}

/// The default environment (containers.conf's, then the image's) after
/// `--unsetenv`, `--unsetenv-all` and `--env-merge`, as podman orders them.
pub(super) fn base_env(base: Vec<String>, x: &ExtraOptions) -> Vec<String> {
    let mut env: Vec<String> =
        if x.unsetenv_all { Vec::new() } else { base.into_iter().filter(|e| !x.unsetenv.iter().any(|u| u == key(e))).collect() };
    for m in &x.env_merge {
        let value = crate::extra::expand(m, |k| env.iter().rev().find(|e| key(e) == k).map(|e| e[k.len() + 1..].to_string()));
        let k = key(&value).to_string();
        env.retain(|e| key(e) != k);
        env.push(value);
    }
    env
}

/// sangja's own defaults (PATH, container, TERM, HOSTNAME) that the user
/// unset, unless `-e` gave them back.
pub(super) fn drop_unset_defaults(env: &mut Vec<String>, x: &ExtraOptions, user: &[String], base: &[String]) {
    if !x.unsetenv_all && x.unsetenv.is_empty() {
        return;
    }
    env.retain(|e| {
        let k = key(e);
        let unset = x.unsetenv_all || x.unsetenv.iter().any(|u| u == k);
        !unset || user.iter().any(|u| key(u) == k) || base.iter().any(|b| key(b) == k)
    });
}

/// `--group-add`: the gids to add (names looked up in the image's
/// /etc/group); `keep-groups` adds none (the runtime keeps the caller's).
pub(super) fn group_gids(x: &ExtraOptions, layers: &[PathBuf]) -> Result<Vec<u32>> {
    let mut out = Vec::new();
    for g in &x.group_add {
        if g == "keep-groups" {
            if x.group_add.len() > 1 {
                return Err(Error::Invalid(
                    "the '--group-add keep-groups' option is not allowed with any other --group-add options".into(),
                ));
            }
            continue;
        }
        let gid = match g.parse::<u32>() {
            Ok(n) => n,
            Err(_) => super::user::group_id(g, layers)
                .ok_or_else(|| Error::Invalid(format!("unable to find group {g}: no matching entries in the image's /etc/group")))?,
        };
        if !out.contains(&gid) {
            out.push(gid);
        }
    }
    Ok(out)
}

/// `--group-add keep-groups`.
pub fn keeps_groups(x: &ExtraOptions) -> bool {
    x.group_add.iter().any(|g| g == "keep-groups")
}

/// Everything else: annotations, OOM score, personality, sysctls, /dev/shm,
/// --no-hosts and the namespace modes. Runs after the resources (which may
/// add a cgroup namespace that `--cgroupns=host` takes away).
pub(super) fn apply(spec: &mut Spec, x: &ExtraOptions, network: &NetworkMode, rootless: bool) -> Result<()> {
    let mut annotations: HashMap<String, String> = spec.annotations().clone().unwrap_or_default();
    for (k, v) in &x.annotations {
        annotations.insert(k.clone(), v.clone());
    }
    if keeps_groups(x) {
        annotations.insert(KEEP_GROUPS_ANNOTATION.into(), "1".into());
    }
    spec.set_annotations((!annotations.is_empty()).then_some(annotations));
    if let Some(n) = x.oom_score_adj {
        let mut p = spec.process().clone().unwrap_or_default();
        p.set_oom_score_adj(Some(n));
        spec.set_process(Some(p));
    }
    let mut linux = spec.linux().clone().unwrap_or_default();
    if let Some(p) = &x.personality {
        let mut pers = LinuxPersonality::default();
        pers.set_domain(if p == "LINUX32" { LinuxPersonalityDomain::PerLinux32 } else { LinuxPersonalityDomain::PerLinux });
        linux.set_personality(Some(pers));
    }
    let ipc = crate::extra::parse_ns_mode("--ipc", x.ipc.as_deref())?;
    let uts = crate::extra::parse_ns_mode("--uts", x.uts.as_deref())?;
    let pid = crate::extra::parse_ns_mode("--pid", x.pid.as_deref())?;
    let cgroupns = crate::extra::parse_ns_mode("--cgroupns", x.cgroupns.as_deref())?;
    if !x.sysctls.is_empty() {
        let mut map = linux.sysctl().clone().unwrap_or_default();
        for (k, v) in &x.sysctls {
            // Checked again here: the modes are known only now.
            crate::extra::parse_sysctl(&format!("{k}={v}"), ipc == NsMode::Host, *network == NetworkMode::Host, uts == NsMode::Host)?;
            map.insert(k.clone(), v.clone());
        }
        linux.set_sysctl(Some(map));
    }
    if x.shm_size.is_some() && ipc == NsMode::Host {
        return Err(Error::Invalid("cannot set shmsize when running in the host IPC Namespace: drop --shm-size or --ipc=host".into()));
    }
    if pid != NsMode::Private && pid != NsMode::Host {
        return Err(Error::Invalid(
            "--pid: joining an existing pid namespace is not supported by sangja's runtime; use host or private".into(),
        ));
    }
    let mut namespaces = linux.namespaces().clone().unwrap_or_default();
    for (typ, mode) in [
        (LinuxNamespaceType::Uts, &uts),
        (LinuxNamespaceType::Ipc, &ipc),
        (LinuxNamespaceType::Pid, &pid),
        (LinuxNamespaceType::Cgroup, &cgroupns),
    ] {
        match mode {
            NsMode::Host => namespaces.retain(|n| n.typ() != typ),
            NsMode::Private | NsMode::NoShm => {
                if !namespaces.iter().any(|n| n.typ() == typ) {
                    let mut ns = LinuxNamespace::default();
                    ns.set_typ(typ);
                    namespaces.push(ns);
                }
            }
            NsMode::Path(p) => {
                namespaces.retain(|n| n.typ() != typ);
                let mut ns = LinuxNamespace::default();
                ns.set_typ(typ);
                ns.set_path(Some(PathBuf::from(p)));
                namespaces.push(ns);
            }
        }
    }
    linux.set_namespaces(Some(namespaces));
    spec.set_linux(Some(linux));
    if uts == NsMode::Host {
        spec.set_hostname(None);
        spec.set_domainname(None);
    }

    let mut mounts: Vec<Mount> = spec.mounts().clone().unwrap_or_default();
    if x.no_hosts {
        mounts.retain(|m| m.destination() != Path::new("/etc/hosts"));
    }
    if let Some(size) = x.shm_size {
        for m in mounts.iter_mut().filter(|m| m.destination() == Path::new("/dev/shm")) {
            let mut opts: Vec<String> = m.options().clone().unwrap_or_default().into_iter().filter(|o| !o.starts_with("size=")).collect();
            if size > 0 {
                opts.push(format!("size={size}"));
            }
            m.set_options(Some(opts));
        }
    }
    match ipc {
        NsMode::NoShm => mounts.retain(|m| m.destination() != Path::new("/dev/shm")),
        // The host's queues and shared memory, bound in: a mqueue or tmpfs
        // of our own would not be the host's (and rootless may not mount mqueue).
        NsMode::Host => {
            for m in mounts.iter_mut() {
                let d = m.destination().to_string_lossy().to_string();
                if d == "/dev/shm" || d == "/dev/mqueue" {
                    *m = bind(&d, &d);
                }
            }
            mounts.retain(|m| m.destination() != Path::new("/dev/mqueue") || Path::new("/dev/mqueue").is_dir());
        }
        _ => {}
    }
    // procfs can be mounted only by the owner of the pid namespace: a
    // rootless container on the host's binds the host's /proc.
    if pid == NsMode::Host && rootless {
        for m in mounts.iter_mut().filter(|m| m.destination() == Path::new("/proc")) {
            *m = bind("/proc", "/proc");
        }
    }
    spec.set_mounts(Some(mounts));
    Ok(())
}

fn bind(dest: &str, source: &str) -> Mount {
    let mut m = Mount::default();
    m.set_destination(PathBuf::from(dest));
    m.set_typ(Some("bind".into()));
    m.set_source(Some(PathBuf::from(source)));
    m.set_options(Some(["rbind", "nosuid", "noexec", "nodev"].iter().map(|s| s.to_string()).collect()));
    m
}

/// `--hostuser` (the host's entries) and `--passwd-entry` (the entry for
/// the process's uid when the image has none), added to the image's
/// /etc/passwd (or keep-id's copy) and bound over it.
pub(super) fn passwd(spec: &mut Spec, x: &ExtraOptions, ctx: &super::SpecContext, user_spec: &str) -> Result<()> {
    use crate::error::IoContext;
    let (user_name, group_given) = user_spec.split_once(':').map_or((user_spec, None), |(u, g)| (u, Some(g)));
    let process = spec.process().clone().unwrap_or_default();
    let (uid, gid) = (process.user().uid(), process.user().gid());
    // podman's --passwd (default true): a numeric --user the image's
    // /etc/passwd lacks gets an entry, and a numeric group its /etc/group entry.
    let auto = x.passwd != Some(false) && user_name.parse::<u32>().is_ok();
    if x.hostusers.is_empty() && x.passwd_entry.is_none() && !auto {
        return Ok(());
    }
    if auto {
        auto_group(spec, ctx, group_given, gid, uid)?;
    }
    let file = ctx.userdata.join("passwd");
    let ours = spec.mounts().as_ref().is_some_and(|m| m.iter().any(|m| m.destination() == Path::new("/etc/passwd")));
    let mut text = match ours {
        true => std::fs::read_to_string(&file).path_ctx("read", &file)?,
        false => super::user::read_layer_file(&ctx.layer_dirs, "etc/passwd").unwrap_or_default(),
    };
    let has = |text: &str, field: usize, v: &str| text.lines().any(|l| l.split(':').nth(field) == Some(v));
    let add = |text: &mut String, line: String| {
        if !text.is_empty() && !text.ends_with('\n') {
            text.push('\n');
        }
        text.push_str(&line);
        text.push('\n');
    };
    for h in &x.hostusers {
        let host = std::fs::read_to_string("/etc/passwd").unwrap_or_default();
        let field = if h.parse::<u32>().is_ok() { 2 } else { 0 };
        let line = host
            .lines()
            .find(|l| l.split(':').nth(field) == Some(h.as_str()))
            .ok_or_else(|| Error::Invalid(format!("--hostuser {h}: no such user in the host's /etc/passwd")))?;
        let name = line.split(':').next().unwrap_or("");
        if !has(&text, 0, name) {
            add(&mut text, line.to_string());
        }
    }
    if let Some(template) = &x.passwd_entry {
        if !has(&text, 2, &uid.to_string()) {
            let name = if user_name.is_empty() || user_name.parse::<u32>().is_ok() { uid.to_string() } else { user_name.to_string() };
            let env = process.env().clone().unwrap_or_default();
            let home = env.iter().find_map(|e| e.strip_prefix("HOME=")).unwrap_or("/").to_string();
            let line = crate::extra::expand(template, |k| match k {
                "USERNAME" | "NAME" => Some(name.clone()),
                "UID" => Some(uid.to_string()),
                "GID" => Some(gid.to_string()),
                "HOME" => Some(home.clone()),
                _ => None,
            });
            add(&mut text, line);
        }
    } else if auto && !has(&text, 2, &uid.to_string()) {
        add(&mut text, format!("{uid}:*:{uid}:{gid}:container user:{}:/bin/sh", process.cwd().display()));
    }
    std::fs::write(&file, text).path_ctx("write", &file)?;
    if !ours {
        bind_etc_file(spec, "/etc/passwd", file);
    }
    Ok(())
}

/// `--user UID:GID` with a numeric GID the image's /etc/group lacks: podman
/// adds `GID:x:GID:UID` to the container's /etc/group.
fn auto_group(spec: &mut Spec, ctx: &super::SpecContext, group_given: Option<&str>, gid: u32, uid: u32) -> Result<()> {
    use crate::error::IoContext;
    if group_given.is_none_or(|g| g.parse::<u32>().is_err()) {
        return Ok(());
    }
    let file = ctx.userdata.join("group");
    let ours = spec.mounts().as_ref().is_some_and(|m| m.iter().any(|m| m.destination() == Path::new("/etc/group")));
    let mut text = match ours {
        true => std::fs::read_to_string(&file).path_ctx("read", &file)?,
        false => super::user::read_layer_file(&ctx.layer_dirs, "etc/group").unwrap_or_default(),
    };
    if text.lines().any(|l| l.split(':').nth(2) == Some(gid.to_string().as_str())) {
        return Ok(());
    }
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    text.push_str(&format!("{gid}:x:{gid}:{uid}\n"));
    std::fs::write(&file, text).path_ctx("write", &file)?;
    if !ours {
        bind_etc_file(spec, "/etc/group", file);
    }
    Ok(())
}

/// Our copy of an /etc file bind-mounted over the image's.
fn bind_etc_file(spec: &mut Spec, dest: &str, file: PathBuf) {
    let mut mounts = spec.mounts().clone().unwrap_or_default();
    let mut m = Mount::default();
    m.set_destination(PathBuf::from(dest));
    m.set_typ(Some("bind".into()));
    m.set_source(Some(file));
    m.set_options(Some(vec!["bind".into(), "rprivate".into()]));
    mounts.push(m);
    spec.set_mounts(Some(mounts));
}
