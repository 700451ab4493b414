//! Secrets (`secret create|ls|inspect|rm|exists`, run's `--secret`): podman's
//! "file" driver. ROOT/secrets/ID.json is the record, ROOT/secrets/ID.data the
//! value (mode 0600, written to a temp name and renamed, under the secrets
//! lock). A container takes a copy at create (userdata/secrets/N, with the
//! uid, gid and mode asked for), bind-mounted read-only at /run/secrets/NAME
//! or the target; type=env puts the value in the container's environment.
//! As podman, a secret removed or replaced later does not change containers
//! made before.

use crate::error::{Error, IoContext, Result};
use crate::Engine;
use sangja_container::RunOptions;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// podman's bound on a secret's value.
pub const MAX_SIZE: usize = 512_000;

/// A secret's record (podman's inspect fields).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SecretRecord {
    pub id: String,
    pub name: String,
    pub driver: String,
    #[serde(default)]
    pub driver_options: BTreeMap<String, String>,
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    /// RFC 3339 with nanoseconds.
    pub created: String,
    pub updated: String,
}

/// `secret create`.
#[derive(Debug, Clone, Default)]
pub struct CreateRequest {
    pub name: String,
    pub data: Vec<u8>,
    /// "file" (the only driver), or empty for it.
    pub driver: String,
    pub driver_options: BTreeMap<String, String>,
    pub labels: BTreeMap<String, String>,
    /// `--replace`: an existing secret of that name gets the new value (same id).
    pub replace: bool,
}

fn dir(engine: &Engine) -> PathBuf {
    engine.paths.root.join("secrets")
}

fn lock(engine: &Engine) -> Result<crate::lock::Lock> {
    let d = dir(engine);
    std::fs::create_dir_all(&d).path_ctx("create", &d)?;
    let _ = std::fs::set_permissions(&d, std::fs::Permissions::from_mode(0o700));
    crate::lock::exclusive(&d.join(".lock"))
}

fn valid_name(n: &str) -> Result<()> {
    let ok = !n.is_empty()
        && n.len() <= 253
        && n.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
        && n.chars().all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c));
    if ok {
        Ok(())
    } else {
        Err(Error::Invalid(format!("secret name {n:?} is invalid: names must match [a-zA-Z0-9][a-zA-Z0-9_.-]* (at most 253 characters)")))
    }
}

/// Every secret, oldest first.
pub fn list(engine: &Engine) -> Result<Vec<SecretRecord>> {
    let d = dir(engine);
    let rd = match std::fs::read_dir(&d) {
        Ok(rd) => rd,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e).path_ctx("read", &d),
    };
    let mut out: Vec<SecretRecord> = Vec::new();
    for e in rd.flatten() {
        let p = e.path();
        if p.extension().is_some_and(|x| x == "json") {
            out.push(crate::json_file::read(&p)?);
        }
    }
    out.sort_by(|a, b| a.created.cmp(&b.created).then(a.name.cmp(&b.name)));
    Ok(out)
}

/// The secret named `name`, or whose id is or starts with `name`.
pub fn lookup(engine: &Engine, name: &str) -> Result<SecretRecord> {
    let all = list(engine)?;
    if let Some(s) = all.iter().find(|s| s.name == name || s.id == name) {
        return Ok(s.clone());
    }
    let by_prefix: Vec<&SecretRecord> = all.iter().filter(|s| !name.is_empty() && s.id.starts_with(name)).collect();
    match by_prefix.as_slice() {
        [one] => Ok((*one).clone()),
        [] => Err(Error::NotFound(format!("no secret with name or id {name:?}: no such secret"))),
        _ => Err(Error::Invalid(format!("more than one secret has an id starting with {name:?}: give more of it"))),
    }
}

/// Whether a secret of that name or id exists.
pub fn exists(engine: &Engine, name: &str) -> Result<bool> {
    match lookup(engine, name) {
        Ok(_) => Ok(true),
        Err(Error::NotFound(_)) => Ok(false),
        Err(e) => Err(e),
    }
}

/// The secret's value.
pub fn data(engine: &Engine, s: &SecretRecord) -> Result<Vec<u8>> {
    let p = dir(engine).join(format!("{}.data", s.id));
    std::fs::read(&p).path_ctx("read the secret's value", &p)
}

fn write_private(path: &Path, data: &[u8]) -> Result<()> {
    let tmp = path.with_extension("tmp");
    let mut f = std::fs::OpenOptions::new().create(true).write(true).truncate(true).mode(0o600).open(&tmp).path_ctx("create", &tmp)?;
    f.write_all(data).path_ctx("write", &tmp)?;
    f.sync_all().path_ctx("sync", &tmp)?;
    std::fs::rename(&tmp, path).path_ctx("rename", path)
}

/// `secret create`: stores the value; returns the record.
pub fn create(engine: &Engine, req: CreateRequest) -> Result<SecretRecord> {
    valid_name(&req.name)?;
    if !req.driver.is_empty() && req.driver != "file" {
        return Err(Error::Invalid(format!("secret driver {:?} is not available: sangja has the file driver only", req.driver)));
    }
    if req.data.is_empty() || req.data.len() >= MAX_SIZE {
        return Err(Error::Invalid(format!("secret data must be larger than 0 and less than {MAX_SIZE} bytes")));
    }
    let _lock = lock(engine)?;
    let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Nanos, true);
    let existing = list(engine)?.into_iter().find(|s| s.name == req.name);
    let record = match existing {
        Some(_) if !req.replace => {
            return Err(Error::Conflict(format!("{}: secret name in use (remove it first, or use --replace)", req.name)));
        }
        Some(mut old) => {
            old.updated = now;
            old.labels = req.labels;
            old.driver_options = req.driver_options;
            old
        }
        None => SecretRecord {
            id: crate::paths::random_id()[..25].to_string(),
            name: req.name,
            driver: "file".into(),
            driver_options: req.driver_options,
            labels: req.labels,
            created: now.clone(),
            updated: now,
        },
    };
    let d = dir(engine);
    write_private(&d.join(format!("{}.data", record.id)), &req.data)?;
    crate::json_file::write(&d.join(format!("{}.json", record.id)), &record)?;
    super::events_log::secret(engine, &record.id, "create");
    Ok(record)
}

/// `secret rm`: removes it; returns its id. Containers made with it keep their copy.
pub fn remove(engine: &Engine, name: &str) -> Result<String> {
    let _lock = lock(engine)?;
    let s = lookup(engine, name)?;
    let d = dir(engine);
    // The record first: a kill between leaves an orphan value, never a record without one.
    let rec = d.join(format!("{}.json", s.id));
    std::fs::remove_file(&rec).path_ctx("remove", &rec)?;
    let _ = std::fs::remove_file(d.join(format!("{}.data", s.id)));
    super::events_log::secret(engine, &s.id, "remove");
    Ok(s.id)
}

/// Checks that every secret `opts` names exists (before anything is made).
pub fn check(engine: &Engine, opts: &RunOptions) -> Result<()> {
    for r in &opts.secrets {
        lookup(engine, &r.name)?;
    }
    Ok(())
}

/// Adds the container's secrets to its spec: copies under `userdata`
/// bind-mounted read-only, and variables. Runs inside the store's user
/// namespace (the uid and gid asked for are the container's).
pub fn apply_to_spec(
    engine: &Engine,
    opts: &RunOptions,
    userdata: &Path,
    mut spec: oci_spec::runtime::Spec,
) -> Result<oci_spec::runtime::Spec> {
    if opts.secrets.is_empty() {
        return Ok(spec);
    }
    let folder = userdata.join("secrets");
    let mut mounts = spec.mounts().clone().unwrap_or_default();
    let mut env_add: Vec<String> = Vec::new();
    for (i, r) in opts.secrets.iter().enumerate() {
        let s = lookup(engine, &r.name)?;
        let value = data(engine, &s)?;
        if r.env {
            env_add.push(format!("{}={}", r.variable(), String::from_utf8_lossy(&value)));
            continue;
        }
        std::fs::create_dir_all(&folder).path_ctx("create", &folder)?;
        let file = folder.join(i.to_string());
        write_private(&file, &value)?;
        std::os::unix::fs::chown(&file, Some(r.uid), Some(r.gid)).path_ctx("set the owner of", &file)?;
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(r.mode.unwrap_or(0o444))).path_ctx("set the mode of", &file)?;
        let dest = r.destination();
        let mut m = oci_spec::runtime::Mount::default();
        m.set_destination(PathBuf::from(&dest));
        m.set_typ(Some("bind".into()));
        m.set_source(Some(file));
        m.set_options(Some(["rbind", "ro", "rprivate", "nosuid", "nodev", "noexec"].iter().map(|s| s.to_string()).collect()));
        mounts.retain(|x| x.destination() != Path::new(&dest));
        mounts.push(m);
    }
    spec.set_mounts(Some(mounts));
    if !env_add.is_empty() {
        if let Some(p) = spec.process_mut() {
            let mut env = p.env().clone().unwrap_or_default();
            for e in env_add {
                let key = e.split('=').next().unwrap_or_default().to_string();
                env.retain(|x| x.split('=').next() != Some(key.as_str()));
                env.push(e);
            }
            p.set_env(Some(env));
        }
    }
    Ok(spec)
}
