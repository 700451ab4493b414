//! `--userns`, `--uidmap`, `--gidmap` (and containers.conf `userns`) into the
//! spec: a user namespace of the container's own with its id mappings,
//! relative to the runtime's namespace (rootless: sangja's, where 0 is the
//! user and 1..N the subordinate range; root: the host's). The runtime makes
//! the namespace and sees the layers through it (runtime/userns.rs).
//!
//! keep-id, as podman: the user's own uid and gid inside, mapped to the user;
//! every other id of the range around it; a passwd and group entry for the
//! user and a home folder, the process running as the user.

use super::user;
use super::SpecContext;
use crate::error::{Error, IoContext, Result};
use oci_spec::runtime::{LinuxIdMapping, LinuxNamespace, LinuxNamespaceType, Mount, Spec};
use std::path::{Path, PathBuf};

/// What the user asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Mode {
    /// The runtime's own namespace: rootless sangja's, root the host's.
    Host,
    KeepId {
        uid: Option<u32>,
        gid: Option<u32>,
    },
    Maps {
        uids: Vec<(u32, u32, u32)>,
        gids: Vec<(u32, u32, u32)>,
    },
}

/// Parses the flags; `default` is containers.conf's `userns`.
pub(super) fn parse(mode: Option<&str>, uidmap: &[String], gidmap: &[String], default: Option<&str>) -> Result<Mode> {
    let uids = parse_maps(uidmap, "--uidmap")?;
    let gids = parse_maps(gidmap, "--gidmap")?;
    if !uids.is_empty() || !gids.is_empty() {
        if let Some(m) = mode.filter(|m| !m.is_empty() && *m != "private") {
            return Err(Error::Invalid(format!("--userns={m} and --uidmap/--gidmap conflict: give one or the other")));
        }
        // As podman: one side given, the other follows it.
        let (uids, gids) = match (uids.is_empty(), gids.is_empty()) {
            (true, _) => (gids.clone(), gids),
            (_, true) => (uids.clone(), uids),
            _ => (uids, gids),
        };
        return Ok(Mode::Maps { uids, gids });
    }
    let (m, from) = match mode {
        Some(m) => (m, "--userns"),
        None => (default.unwrap_or(""), "containers.conf userns"),
    };
    match m.split_once(':').map_or((m, ""), |(a, b)| (a, b)) {
        ("" | "host", "") => Ok(Mode::Host),
        ("keep-id", opts) => {
            let (mut uid, mut gid) = (None, None);
            for o in opts.split(',').filter(|o| !o.is_empty()) {
                let (k, v) = o.split_once('=').unwrap_or((o, ""));
                let n = v.parse::<u32>().map_err(|_| Error::Invalid(format!("{from}={m}: {o:?} is not uid=N or gid=N with a number")))?;
                match k {
                    "uid" => uid = Some(n),
                    "gid" => gid = Some(n),
                    _ => return Err(Error::Invalid(format!("{from}={m}: unknown keep-id option {k:?}; use uid=N,gid=N"))),
                }
            }
            Ok(Mode::KeepId { uid, gid })
        }
        _ => Err(Error::Invalid(format!(
            "{from}={m}: unsupported user namespace mode; use host, keep-id[:uid=N,gid=N], or --uidmap/--gidmap"
        ))),
    }
}

/// "c:h:n" lists, repeated or comma-separated.
fn parse_maps(list: &[String], flag: &str) -> Result<Vec<(u32, u32, u32)>> {
    let mut out = Vec::new();
    for item in list.iter().flat_map(|s| s.split(',')).filter(|s| !s.is_empty()) {
        let nums: Vec<Option<u32>> = item.split(':').map(|n| n.trim().parse().ok()).collect();
        let (c, h, n) = match nums.as_slice() {
            [Some(c), Some(h), Some(n)] if *n > 0 => (*c, *h, *n),
            _ => {
                return Err(Error::Invalid(format!(
                    "{flag} {item:?}: give CONTAINER_ID:HOST_ID:AMOUNT with numbers and AMOUNT > 0, e.g. 0:1:1000"
                )))
            }
        };
        if c.checked_add(n).is_none() || h.checked_add(n).is_none() {
            return Err(Error::Invalid(format!("{flag} {item:?}: the range runs past the largest id")));
        }
        out.push((c, h, n));
    }
    Ok(out)
}

/// How many ids the runtime's namespace has (from its own /proc/self map).
fn namespace_size(file: &str) -> u64 {
    let text = std::fs::read_to_string(file).unwrap_or_default();
    text.lines()
        .filter_map(|l| {
            let f: Vec<u64> = l.split_whitespace().filter_map(|n| n.parse().ok()).collect();
            (f.len() == 3).then(|| f[0] + f[2])
        })
        .max()
        .unwrap_or(0)
}

/// keep-id's map: `id` inside is 0 outside (the user, in sangja's
/// namespace), 0..id are 1..id+1, the rest of the namespace follows.
pub(super) fn keep_id_map(id: u32, size: u64) -> Result<Vec<(u32, u32, u32)>> {
    if (id as u64) + 1 >= size {
        return Err(Error::Invalid(format!(
            "--userns=keep-id: id {id} does not fit in your namespace of {size} ids; \
             give a larger range in /etc/subuid and /etc/subgid, or keep-id:uid=N,gid=N with a smaller N"
        )));
    }
    let mut m = Vec::new();
    if id > 0 {
        m.push((0, 1, id));
    }
    m.push((id, 0, 1));
    let rest = size - id as u64 - 1;
    if rest > 0 {
        m.push((id + 1, id + 1, rest.min(u32::MAX as u64) as u32));
    }
    Ok(m)
}

fn check_fits(maps: &[(u32, u32, u32)], size: u64, flag: &str) -> Result<()> {
    for &(c, h, n) in maps {
        if h as u64 + n as u64 > size {
            return Err(Error::Invalid(format!(
                "{flag} {c}:{h}:{n}: host ids {h}..{} are not in your user namespace, which has ids 0..{} \
                 (0 is you, then your range of /etc/subuid and /etc/subgid)",
                h as u64 + n as u64 - 1,
                size.saturating_sub(1)
            )));
        }
    }
    Ok(())
}

/// Applies the mode to the spec; `user_given` is whether `-u` was given.
pub(super) fn apply(spec: &mut Spec, mode: &Mode, ctx: &SpecContext, user_given: bool) -> Result<()> {
    let (uids, gids, keep) = match mode {
        Mode::Host => return Ok(()),
        Mode::KeepId { uid, gid } => {
            if !ctx.rootless {
                return Err(Error::Invalid(
                    "--userns=keep-id is only supported rootless (as podman): as root, give the mapping with --uidmap/--gidmap".into(),
                ));
            }
            let host_uid = crate::paths::host_uid();
            let host_gid = std::env::var("_SANGJA_HOST_GID").ok().and_then(|v| v.parse().ok()).unwrap_or(host_uid);
            let (u, g) = (uid.unwrap_or(host_uid), gid.unwrap_or(host_gid));
            let uids = keep_id_map(u, namespace_size("/proc/self/uid_map"))?;
            let gids = keep_id_map(g, namespace_size("/proc/self/gid_map"))?;
            (uids, gids, Some((u, g, host_uid)))
        }
        Mode::Maps { uids, gids } => {
            if ctx.rootless {
                check_fits(uids, namespace_size("/proc/self/uid_map"), "--uidmap")?;
                check_fits(gids, namespace_size("/proc/self/gid_map"), "--gidmap")?;
            }
            (uids.clone(), gids.clone(), None)
        }
    };
    let to_spec =
        |m: &[(u32, u32, u32)]| -> Vec<LinuxIdMapping> { m.iter().map(|&(c, h, n)| crate::runtime::userns::mapping(c, h, n)).collect() };
    let mut linux = spec.linux().clone().unwrap_or_default();
    let mut namespaces = linux.namespaces().clone().unwrap_or_default();
    let mut ns = LinuxNamespace::default();
    ns.set_typ(LinuxNamespaceType::User);
    namespaces.insert(0, ns);
    linux.set_namespaces(Some(namespaces));
    linux.set_uid_mappings(Some(to_spec(&uids)));
    linux.set_gid_mappings(Some(to_spec(&gids)));
    spec.set_linux(Some(linux));

    // The files we generate belong to the container's root, as in podman.
    let outer = |m: &[(u32, u32, u32)], id: u32| m.iter().find(|&&(c, _, n)| id >= c && id - c < n).map_or(id, |&(c, h, _)| h + (id - c));
    let (root_u, root_g) = (outer(&uids, 0), outer(&gids, 0));
    if let Some((u, g, host_uid)) = keep {
        keep_id_files(spec, ctx, u, g, host_uid, user_given)?;
    }
    for name in ["hostname", "hosts", "resolv.conf", "passwd", "group"] {
        let p = ctx.userdata.join(name);
        if p.exists() {
            std::os::unix::fs::lchown(&p, Some(root_u), Some(root_g)).path_ctx("chown", &p)?;
        }
    }
    Ok(())
}

/// The user's passwd and group entries (added to the image's files, bound
/// over /etc/passwd and /etc/group), HOME and the process's ids, as podman
/// 4.3 makes them: `NAME:*:UID:GID:GECOS:HOME:/bin/sh`, HOME the user's
/// home only where the image has it or a mount provides it, else the
/// working directory; the group `GROUP:x:GID:NAME`.
fn keep_id_files(spec: &mut Spec, ctx: &SpecContext, uid: u32, gid: u32, host_uid: u32, user_given: bool) -> Result<()> {
    let me = nix::unistd::User::from_uid(host_uid.into()).ok().flatten();
    let name = me.as_ref().map_or_else(|| format!("user{uid}"), |u| u.name.clone());
    let gecos = me.as_ref().map_or_else(String::new, |u| u.gecos.to_string_lossy().into_owned());
    let group_name = me
        .as_ref()
        .filter(|u| u.gid.as_raw() == gid)
        .and_then(|u| nix::unistd::Group::from_gid(u.gid).ok().flatten())
        .map_or_else(|| name.clone(), |g| g.name);
    let cwd = spec.process().as_ref().map_or_else(|| PathBuf::from("/"), |p| p.cwd().clone());
    let mounted = |dir: &Path| spec.mounts().as_ref().is_some_and(|m| m.iter().any(|m| m.destination() == dir));
    let home = match me.as_ref().map(|u| u.dir.clone()) {
        Some(h) if h != Path::new("/") => {
            let rel = h.strip_prefix("/").unwrap_or(&h).to_path_buf();
            let in_image = ctx.layer_dirs.iter().any(|l| l.join(&rel).is_dir());
            let on_mount = h.ancestors().take_while(|a| *a != Path::new("/")).any(mounted);
            if in_image || on_mount {
                h
            } else {
                cwd
            }
        }
        _ => cwd,
    };
    let shell = "/bin/sh";
    let mut passwd = user::read_layer_file(&ctx.layer_dirs, "etc/passwd").unwrap_or_default();
    let mut group = user::read_layer_file(&ctx.layer_dirs, "etc/group").unwrap_or_default();
    let has = |text: &str, id: u32| text.lines().any(|l| l.split(':').nth(2) == Some(id.to_string().as_str()));
    let has_name = |text: &str, n: &str| text.lines().any(|l| l.split(':').next() == Some(n));
    if !has(&passwd, uid) && !has_name(&passwd, &name) {
        if !passwd.is_empty() && !passwd.ends_with('\n') {
            passwd.push('\n');
        }
        passwd.push_str(&format!("{name}:*:{uid}:{gid}:{gecos}:{}:{shell}\n", home.display()));
    }
    if !has(&group, gid) && !has_name(&group, &group_name) {
        if !group.is_empty() && !group.ends_with('\n') {
            group.push('\n');
        }
        group.push_str(&format!("{group_name}:x:{gid}:{name}\n"));
    }
    let mut mounts = spec.mounts().clone().unwrap_or_default();
    for (file, text) in [("passwd", &passwd), ("group", &group)] {
        let p = ctx.userdata.join(file);
        std::fs::write(&p, text).path_ctx("write", &p)?;
        mounts.push(bind(&format!("/etc/{file}"), &p));
    }
    spec.set_mounts(Some(mounts));
    if let Some(mut process) = spec.process().clone() {
        if !user_given {
            let mut u = process.user().clone();
            u.set_uid(uid);
            u.set_gid(gid);
            u.set_additional_gids(None);
            process.set_user(u);
            let mut env = process.env().clone().unwrap_or_default();
            // HOME from the entry, as podman.
            env.retain(|e| !e.starts_with("HOME="));
            env.push(format!("HOME={}", home.display()));
            process.set_env(Some(env));
        }
        spec.set_process(Some(process));
    }
    Ok(())
}

fn bind(dest: &str, source: &Path) -> Mount {
    let mut m = Mount::default();
    m.set_destination(PathBuf::from(dest));
    m.set_typ(Some("bind".into()));
    m.set_source(Some(source.to_path_buf()));
    m.set_options(Some(vec!["bind".into(), "rprivate".into()]));
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_modes() {
        assert_eq!(parse(None, &[], &[], None).unwrap(), Mode::Host);
        assert_eq!(parse(Some("host"), &[], &[], Some("keep-id")).unwrap(), Mode::Host);
        assert_eq!(parse(None, &[], &[], Some("keep-id")).unwrap(), Mode::KeepId { uid: None, gid: None });
        assert_eq!(parse(Some("keep-id:uid=5,gid=6"), &[], &[], None).unwrap(), Mode::KeepId { uid: Some(5), gid: Some(6) });
        let m = parse(None, &["0:1:1000".into(), "1000:0:1".into()], &[], None).unwrap();
        let maps = vec![(0, 1, 1000), (1000, 0, 1)];
        assert_eq!(m, Mode::Maps { uids: maps.clone(), gids: maps });
        assert!(parse(Some("auto"), &[], &[], None).is_err());
        assert!(parse(Some("keep-id:uid=x"), &[], &[], None).is_err());
        assert!(parse(None, &["0:1".into()], &[], None).is_err());
        assert!(parse(Some("keep-id"), &["0:1:1".into()], &[], None).is_err());
    }

    #[test]
    fn keep_id_map_covers_the_namespace() {
        assert_eq!(keep_id_map(1001, 65537).unwrap(), vec![(0, 1, 1001), (1001, 0, 1), (1002, 1002, 64535)]);
        assert_eq!(keep_id_map(0, 10).unwrap(), vec![(0, 0, 1), (1, 1, 9)]);
        assert!(keep_id_map(70000, 65537).is_err());
    }
}
