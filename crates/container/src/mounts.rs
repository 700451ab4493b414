//! The user's mount flags (`-v`, `--mount`, `--tmpfs`, `--read-only`) parsed
//! into typed requests, and those requests turned into OCI spec mounts.
//! Volumes are resolved to host folders by engine/volumes.rs before that.

use crate::error::{Error, Result};
use oci_spec::runtime::Mount;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// One mount the user asked for, after parsing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum MountRequest {
    /// A named volume; `name` is empty for an anonymous one until the engine names it.
    Volume {
        name: String,
        destination: String,
        #[serde(default)]
        readonly: bool,
        /// Created for this container only (image VOLUME or `-v /path`): `rm -v` removes it.
        #[serde(default)]
        anonymous: bool,
        /// `nocopy`: do not copy the image's content into a new volume.
        #[serde(default)]
        nocopy: bool,
    },
    /// A host file or folder.
    Bind {
        source: PathBuf,
        destination: String,
        #[serde(default)]
        readonly: bool,
        /// Extra mount options: propagation, nosuid/nodev/noexec, bind (non-recursive).
        #[serde(default)]
        options: Vec<String>,
    },
    /// A tmpfs; options are tmpfs mount data (size=, mode=) and flags.
    Tmpfs {
        destination: String,
        #[serde(default)]
        options: Vec<String>,
    },
}

impl MountRequest {
    /// Where the mount goes in the container.
    pub fn destination(&self) -> &str {
        match self {
            MountRequest::Volume { destination, .. } | MountRequest::Bind { destination, .. } | MountRequest::Tmpfs { destination, .. } => {
                destination
            }
        }
    }
}

fn invalid(flag: &str, value: &str, why: &str) -> Error {
    Error::Invalid(format!("{flag} {value:?}: {why}"))
}

/// Options that mean nothing without SELinux or that only shape ownership
/// podman-side (`U` chowns the source; our user namespace maps the user to root already).
fn ignored(o: &str) -> bool {
    matches!(o, "z" | "Z" | "U" | "delegated" | "cached" | "consistent")
}

const PROPAGATION: &[&str] = &["private", "rprivate", "shared", "rshared", "slave", "rslave", "unbindable", "runbindable"];
const FLAGS: &[&str] = &["nosuid", "suid", "nodev", "dev", "noexec", "exec"];

pub use sangja_storage::volumes::valid_volume_name;

fn check_destination(flag: &str, value: &str, dest: &str) -> Result<()> {
    if !dest.starts_with('/') {
        return Err(invalid(flag, value, &format!("the container path {dest:?} is not absolute: give a path starting with /")));
    }
    Ok(())
}

/// `-v [SOURCE:]DEST[:OPTIONS]`: SOURCE is a host path (starts with / or .)
/// or a volume name; no SOURCE means an anonymous volume.
pub fn parse_volume(value: &str) -> Result<MountRequest> {
    const FLAG: &str = "-v/--volume";
    let parts: Vec<&str> = value.split(':').collect();
    let looks_like_options = |s: &str| !s.starts_with('/');
    let (source, dest, opts) = match parts.as_slice() {
        [d] => (None, *d, ""),
        [d, o] if looks_like_options(o) && d.starts_with('/') => (None, *d, *o),
        [s, d] => (Some(*s), *d, ""),
        [s, d, o] => (Some(*s), *d, *o),
        _ => return Err(invalid(FLAG, value, "too many ':' separated fields: use SOURCE:DEST[:OPTIONS]")),
    };
    if dest.is_empty() {
        return Err(invalid(FLAG, value, "the container path is empty"));
    }
    check_destination(FLAG, value, dest)?;
    let mut readonly = false;
    let mut nocopy = false;
    let mut options = Vec::new();
    let mut recursive = true;
    for o in opts.split(',').filter(|o| !o.is_empty()) {
        match o {
            "ro" => readonly = true,
            "rw" => readonly = false,
            "nocopy" => nocopy = true,
            "copy" => nocopy = false,
            "bind" => recursive = false,
            "rbind" => recursive = true,
            o if ignored(o) => {}
            o if PROPAGATION.contains(&o) || FLAGS.contains(&o) => options.push(o.to_string()),
            "O" => return Err(invalid(FLAG, value, "overlay volumes (:O) are not supported: use a bind mount or a volume")),
            o => {
                return Err(invalid(
                    FLAG,
                    value,
                    &format!("unknown option {o:?}: use ro, rw, z, Z, U, nocopy, nosuid, nodev, noexec or a propagation (rprivate, rshared, rslave...)"),
                ))
            }
        }
    }
    match source {
        None => Ok(MountRequest::Volume { name: String::new(), destination: dest.to_string(), readonly, anonymous: true, nocopy }),
        Some(s) if s.starts_with('/') || s.starts_with('.') => {
            if !recursive {
                options.push("bind".to_string());
            }
            Ok(MountRequest::Bind { source: absolute(s)?, destination: dest.to_string(), readonly, options })
        }
        Some(s) if valid_volume_name(s) => {
            Ok(MountRequest::Volume { name: s.to_string(), destination: dest.to_string(), readonly, anonymous: false, nocopy })
        }
        Some(s) => Err(invalid(
            FLAG,
            value,
            &format!("{s:?} is neither a host path (start it with / or ./) nor a volume name ([a-zA-Z0-9][a-zA-Z0-9_.-]*)"),
        )),
    }
}

fn absolute(s: &str) -> Result<PathBuf> {
    let p = PathBuf::from(s);
    if p.is_absolute() {
        return Ok(p);
    }
    let cwd =
        std::env::current_dir().map_err(|e| Error::Invalid(format!("relative bind source {s:?}: cannot read the current folder: {e}")))?;
    Ok(cwd.join(p))
}

/// `--tmpfs DEST[:OPTIONS]`.
pub fn parse_tmpfs(value: &str) -> Result<MountRequest> {
    const FLAG: &str = "--tmpfs";
    let (dest, opts) = value.split_once(':').unwrap_or((value, ""));
    check_destination(FLAG, value, dest)?;
    let options = opts.split(',').filter(|o| !o.is_empty()).map(str::to_string).collect();
    Ok(MountRequest::Tmpfs { destination: dest.to_string(), options })
}

/// `--mount type=bind|volume|tmpfs,source=...,destination=...,...`.
pub fn parse_mount(value: &str) -> Result<MountRequest> {
    const FLAG: &str = "--mount";
    let mut typ = None;
    let mut source = None;
    let mut dest = None;
    let mut readonly = false;
    let mut nocopy = false;
    let mut options: Vec<String> = Vec::new();
    let mut tmpfs_opts: Vec<String> = Vec::new();
    for field in value.split(',').filter(|f| !f.is_empty()) {
        let (k, v) = match field.split_once('=') {
            Some((k, v)) => (k, Some(v)),
            None => (field, None),
        };
        let truth = |v: Option<&str>| -> Result<bool> {
            match v {
                None | Some("true") | Some("1") => Ok(true),
                Some("false") | Some("0") => Ok(false),
                Some(o) => Err(invalid(FLAG, value, &format!("{k}={o}: use true or false"))),
            }
        };
        match (k, v) {
            ("type", Some(t)) => typ = Some(t.to_string()),
            ("source" | "src", Some(s)) => source = Some(s.to_string()),
            ("destination" | "dst" | "target", Some(d)) => dest = Some(d.to_string()),
            ("ro" | "readonly", v) => readonly = truth(v)?,
            ("rw", v) => readonly = !truth(v)?,
            ("bind-propagation", Some(p)) if PROPAGATION.contains(&p) => options.push(p.to_string()),
            ("bind-nonrecursive", v) => {
                if truth(v)? {
                    options.push("bind".to_string())
                }
            }
            ("volume-nocopy" | "nocopy", v) => nocopy = truth(v)?,
            ("tmpfs-size", Some(s)) => tmpfs_opts.push(format!("size={s}")),
            ("tmpfs-mode", Some(m)) if u32::from_str_radix(m, 8).is_ok() => tmpfs_opts.push(format!("mode={m}")),
            (o, None) if FLAGS.contains(&o) => options.push(o.to_string()),
            ("relabel" | "consistency" | "volume-driver" | "volume-label" | "volume-opt" | "idmap", _) => {}
            (o, None) if ignored(o) => {}
            _ => {
                return Err(invalid(
                    FLAG,
                    value,
                    &format!("unknown or malformed field {field:?}: use type=, source=, destination=, ro, bind-propagation=, tmpfs-size=, tmpfs-mode="),
                ))
            }
        }
    }
    let dest = dest.ok_or_else(|| invalid(FLAG, value, "no destination: add destination=/path (or dst=, target=)"))?;
    check_destination(FLAG, value, &dest)?;
    match typ.as_deref() {
        Some("bind") => {
            let s = source.ok_or_else(|| invalid(FLAG, value, "a bind mount needs source=/host/path"))?;
            Ok(MountRequest::Bind { source: absolute(&s)?, destination: dest, readonly, options })
        }
        Some("volume") => match source {
            None => Ok(MountRequest::Volume { name: String::new(), destination: dest, readonly, anonymous: true, nocopy }),
            Some(s) if valid_volume_name(&s) => Ok(MountRequest::Volume { name: s, destination: dest, readonly, anonymous: false, nocopy }),
            Some(s) => Err(invalid(FLAG, value, &format!("volume name {s:?} is invalid: names match [a-zA-Z0-9][a-zA-Z0-9_.-]*"))),
        },
        Some("tmpfs") => {
            if readonly {
                tmpfs_opts.push("ro".to_string());
            }
            tmpfs_opts.extend(options);
            Ok(MountRequest::Tmpfs { destination: dest, options: tmpfs_opts })
        }
        Some(t) => Err(invalid(FLAG, value, &format!("mount type {t:?} is not supported: use bind, volume or tmpfs"))),
        None => Err(invalid(FLAG, value, "no type: add type=bind, type=volume or type=tmpfs")),
    }
}

/// Refuses two mounts at one container path, as podman does.
pub fn check_duplicates(mounts: &[MountRequest]) -> Result<()> {
    let mut seen = std::collections::HashSet::new();
    for m in mounts {
        let d = m.destination().trim_end_matches('/');
        let d = if d.is_empty() { "/" } else { d };
        if !seen.insert(d.to_string()) {
            return Err(Error::Invalid(format!("{d}: duplicate mount destination: mount only one thing at a container path")));
        }
    }
    Ok(())
}

/// The tmpfs folders a `--read-only` container gets (podman's `--read-only-tmpfs`).
pub const READ_ONLY_TMPFS: [&str; 3] = ["/tmp", "/var/tmp", "/run"];

/// An OCI mount; volumes are given their host folder in `volume_source`.
pub fn to_oci(m: &MountRequest, volume_source: Option<&std::path::Path>) -> Result<Mount> {
    let mut out = Mount::default();
    out.set_destination(PathBuf::from(m.destination()));
    let (typ, source, options): (&str, PathBuf, Vec<String>) = match m {
        MountRequest::Bind { source, readonly, options, .. } => {
            let mut o = Vec::new();
            if !options.iter().any(|x| x == "bind") {
                o.push("rbind".to_string());
            }
            o.extend(options.iter().cloned());
            if !options.iter().any(|x| PROPAGATION.contains(&x.as_str())) {
                o.push("rprivate".to_string());
            }
            if *readonly {
                o.push("ro".to_string());
            }
            ("bind", source.clone(), o)
        }
        MountRequest::Volume { readonly, name, .. } => {
            let src =
                volume_source.ok_or_else(|| Error::State(format!("volume {name:?} has no folder: the engine must resolve it first")))?;
            let mut o = vec!["rbind".to_string(), "rprivate".to_string(), "nosuid".to_string(), "nodev".to_string()];
            if *readonly {
                o.push("ro".to_string());
            }
            ("bind", src.to_path_buf(), o)
        }
        MountRequest::Tmpfs { options, .. } => {
            // podman's defaults for --tmpfs; the user's options come last and win.
            let mut o: Vec<String> = ["rw", "noexec", "nosuid", "nodev"].iter().map(|s| s.to_string()).collect();
            o.extend(options.iter().cloned());
            ("tmpfs", PathBuf::from("tmpfs"), o)
        }
    };
    out.set_typ(Some(typ.to_string()));
    out.set_source(Some(source));
    out.set_options(Some(options));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn volume_flag_forms() {
        assert_eq!(
            parse_volume("/data").unwrap(),
            MountRequest::Volume { name: String::new(), destination: "/data".into(), readonly: false, anonymous: true, nocopy: false }
        );
        assert!(matches!(parse_volume("/data:ro").unwrap(), MountRequest::Volume { readonly: true, anonymous: true, .. }));
        assert!(matches!(parse_volume("vol:/data").unwrap(), MountRequest::Volume { ref name, anonymous: false, .. } if name == "vol"));
        let b = parse_volume("/host:/ctr:ro,z,rslave").unwrap();
        assert_eq!(
            b,
            MountRequest::Bind { source: "/host".into(), destination: "/ctr".into(), readonly: true, options: vec!["rslave".into()] }
        );
        assert!(parse_volume("/host:ctr").is_err());
        assert!(parse_volume("/a:/b:bogus").is_err());
        assert!(parse_volume("bad name:/b").is_err());
        assert!(parse_volume("a:b:c:d").is_err());
    }

    #[test]
    fn mount_and_tmpfs_flags() {
        let m = parse_mount("type=bind,src=/h,dst=/c,ro,bind-propagation=rshared").unwrap();
        assert_eq!(
            m,
            MountRequest::Bind { source: "/h".into(), destination: "/c".into(), readonly: true, options: vec!["rshared".into()] }
        );
        let t = parse_mount("type=tmpfs,destination=/t,tmpfs-size=1m,tmpfs-mode=1777").unwrap();
        assert_eq!(t, MountRequest::Tmpfs { destination: "/t".into(), options: vec!["size=1m".into(), "mode=1777".into()] });
        assert!(parse_mount("type=bind,dst=/c").is_err());
        assert!(parse_mount("src=/h,dst=/c").is_err());
        assert!(parse_mount("type=nfs,dst=/c").is_err());
        assert_eq!(
            parse_tmpfs("/x:size=1m,mode=700").unwrap(),
            MountRequest::Tmpfs { destination: "/x".into(), options: vec!["size=1m".into(), "mode=700".into()] }
        );
        assert!(parse_tmpfs("x").is_err());
        assert!(check_duplicates(&[parse_tmpfs("/x").unwrap(), parse_volume("/x/").unwrap()]).is_err());
    }

    #[test]
    fn oci_options() {
        let m = to_oci(&parse_volume("/h:/c:ro").unwrap(), None).unwrap();
        assert_eq!(m.options().clone().unwrap(), vec!["rbind", "rprivate", "ro"]);
        assert!(to_oci(&parse_volume("v:/c").unwrap(), None).is_err());
    }
}
