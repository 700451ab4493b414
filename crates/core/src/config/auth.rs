//! Registry credentials in the containers ecosystem's auth.json (and docker's
//! config.json, read only), with docker-credential-* helpers, as podman.
//!
//! Read order: the auth file ($REGISTRY_AUTH_FILE or --authfile, else
//! $XDG_RUNTIME_DIR/containers/auth.json, as root without XDG_RUNTIME_DIR
//! /run/containers/0/auth.json), then $XDG_CONFIG_HOME/containers/auth.json
//! (unless the file was named explicitly), then ~/.docker/config.json.
//! `login` and `logout` write only the first, mode 0600, atomically.

use crate::error::{Error, IoContext, Result};
use base64::Engine as _;
use serde_json::{json, Map, Value};
use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// A user name and password (or token) for one registry.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    pub username: String,
    pub password: String,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print a secret, even in debug output.
        write!(f, "Credentials({}, ***)", self.username)
    }
}

static AUTHFILE: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();

/// Makes `path` the auth file of this process (a command's --authfile), as
/// $REGISTRY_AUTH_FILE would.
pub fn set_authfile(path: &Path) {
    let _ = AUTHFILE.set(path.to_path_buf());
}

/// The auth file that `login` writes: `explicit` (--authfile), else
/// $REGISTRY_AUTH_FILE, else the run-time one.
pub fn auth_file(explicit: Option<&Path>) -> PathBuf {
    if let Some(p) = explicit.or(AUTHFILE.get().map(PathBuf::as_path)) {
        return p.to_path_buf();
    }
    if let Some(p) = std::env::var_os("REGISTRY_AUTH_FILE").filter(|p| !p.is_empty()) {
        return PathBuf::from(p);
    }
    if let Some(d) = super::runtime_dir() {
        return d.join("containers/auth.json");
    }
    let uid = crate::paths::host_uid();
    if uid != 0 {
        if let Some(h) = super::config_home() {
            return h.join("containers/auth.json");
        }
    }
    PathBuf::from(format!("/run/containers/{uid}/auth.json"))
}

/// Every file read for credentials, in order, and whether it is docker's.
pub fn read_order(explicit: Option<&Path>) -> Vec<PathBuf> {
    let named = explicit.is_some() || AUTHFILE.get().is_some() || std::env::var_os("REGISTRY_AUTH_FILE").is_some_and(|p| !p.is_empty());
    let mut v = vec![auth_file(explicit)];
    if !named {
        if let Some(h) = super::config_home() {
            let p = h.join("containers/auth.json");
            if !v.contains(&p) {
                v.push(p);
            }
        }
    }
    if let Some(home) = std::env::var_os("HOME").filter(|h| !h.is_empty()) {
        v.push(Path::new(&home).join(".docker/config.json"));
    }
    v
}

fn read_json(path: &Path) -> Result<Option<Value>> {
    let Some(text) = super::read_opt(path)? else { return Ok(None) };
    if text.trim().is_empty() {
        return Ok(Some(json!({})));
    }
    serde_json::from_str(&text).map(Some).map_err(|e| {
        Error::Invalid(format!("{}:{}: invalid auth file: {e}; fix it or remove it (sangja logout --all)", path.display(), e.line()))
    })
}

/// The host part of an auths key: "https://host/v1/" and "host/ns/repo" name "host".
fn key_host(key: &str) -> &str {
    let k = key.strip_prefix("https://").or_else(|| key.strip_prefix("http://")).unwrap_or(key);
    k.split('/').next().unwrap_or(k)
}

fn decode(entry: &Value, path: &Path, key: &str) -> Result<Option<Credentials>> {
    if let Some(a) = entry.get("auth").and_then(Value::as_str).filter(|a| !a.is_empty()) {
        let bad = || Error::Invalid(format!("{}: the \"auth\" of \"{key}\" is not base64 of user:password; log in again", path.display()));
        let raw = base64::engine::general_purpose::STANDARD.decode(a.trim()).map_err(|_| bad())?;
        let s = String::from_utf8(raw).map_err(|_| bad())?;
        let (u, p) = s.split_once(':').ok_or_else(bad)?;
        return Ok(Some(Credentials { username: u.to_string(), password: p.to_string() }));
    }
    let u = entry.get("username").and_then(Value::as_str);
    let p = entry.get("password").and_then(Value::as_str);
    Ok(match (u, p) {
        (Some(u), Some(p)) => Some(Credentials { username: u.into(), password: p.into() }),
        _ => None,
    })
}

/// Runs `docker-credential-<helper> get` for `server`; `None` when the helper
/// is not installed or has nothing for it.
fn from_helper(helper: &str, server: &str) -> Result<Option<Credentials>> {
    use std::process::{Command, Stdio};
    if helper.is_empty() || helper.contains('/') {
        return Ok(None);
    }
    let prog = format!("docker-credential-{helper}");
    let child = Command::new(&prog).arg("get").stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn();
    let mut child = match child {
        Ok(c) => c,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::Registry(format!("cannot run the credential helper {prog}: {e}"))),
    };
    if let Some(mut stdin) = child.stdin.take() {
        let _ = stdin.write_all(server.as_bytes());
    }
    let out = child.wait_with_output().ctx(|| format!("run the credential helper {prog}"))?;
    if !out.status.success() {
        let msg = String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
        if msg.to_lowercase().contains("credentials not found") {
            return Ok(None);
        }
        return Err(Error::Registry(format!("the credential helper {prog} failed for {server}: {}", msg.trim())));
    }
    let v: Value = serde_json::from_slice(&out.stdout)
        .map_err(|e| Error::Registry(format!("the credential helper {prog} answered something that is not JSON: {e}")))?;
    let user = v.get("Username").and_then(Value::as_str).unwrap_or("");
    let secret = v.get("Secret").and_then(Value::as_str).unwrap_or("");
    // "<token>" marks an identity token, which only docker's own flow can use.
    if secret.is_empty() || user == "<token>" {
        return Ok(None);
    }
    Ok(Some(Credentials { username: user.into(), password: secret.into() }))
}

/// Credentials for `registry` ("host[:port]") and `repository`: the most
/// specific auths entry of the first file that has one, its credHelpers or
/// credsStore otherwise.
pub fn lookup(registry: &str, repository: &str, explicit: Option<&Path>) -> Result<Option<Credentials>> {
    for path in read_order(explicit) {
        let Some(doc) = read_json(&path)? else { continue };
        if let Some(auths) = doc.get("auths").and_then(Value::as_object) {
            // "host/ns/repo" entries first, longest first, then "host" itself.
            let full = format!("{registry}/{repository}");
            let mut scoped: Vec<&String> = auths
                .keys()
                .filter(|k| k.contains('/') && !k.contains("://") && (full == **k || full.starts_with(&format!("{k}/"))))
                .collect();
            scoped.sort_by_key(|k| std::cmp::Reverse(k.len()));
            let exact = auths.keys().find(|k| k.as_str() == registry);
            let legacy = auths.keys().find(|k| k.contains("://") && key_host(k) == registry);
            for k in scoped.into_iter().chain(exact).chain(legacy) {
                if let Some(c) = decode(&auths[k.as_str()], &path, k)? {
                    return Ok(Some(c));
                }
            }
        }
        if let Some(h) = doc.get("credHelpers").and_then(|h| h.get(registry)).and_then(Value::as_str) {
            if let Some(c) = from_helper(h, registry)? {
                return Ok(Some(c));
            }
        }
        if let Some(h) = doc.get("credsStore").and_then(Value::as_str) {
            if let Some(c) = from_helper(h, registry)? {
                return Ok(Some(c));
            }
        }
    }
    Ok(None)
}

/// Writes `doc` to `path` atomically with mode 0600 (the folder 0700 if made).
fn write_secret(path: &Path, doc: &Value) -> Result<()> {
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    if !dir.exists() {
        std::fs::create_dir_all(dir).path_ctx("create", dir)?;
        let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700));
    }
    let data = serde_json::to_vec_pretty(doc).map_err(|e| Error::Internal(format!("cannot encode {}: {e}", path.display())))?;
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = dir.join(format!(".tmp-{}-{name}", std::process::id()));
    let mut f = std::fs::OpenOptions::new().write(true).create(true).truncate(true).mode(0o600).open(&tmp).path_ctx("create", &tmp)?;
    let written = f.write_all(&data).and_then(|_| f.write_all(b"\n")).and_then(|_| f.sync_all());
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(Error::io_path("write", &tmp, e));
    }
    drop(f);
    std::fs::rename(&tmp, path).path_ctx("rename into place", path)?;
    crate::json_file::sync_dir(dir)
}

/// Stores credentials for `key` (a host, or host/repository) in `path`.
pub fn store(path: &Path, key: &str, creds: &Credentials) -> Result<()> {
    let mut doc = read_json(path)?.unwrap_or_else(|| json!({}));
    if !doc.is_object() {
        doc = json!({});
    }
    let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{}:{}", creds.username, creds.password));
    let auths = doc
        .as_object_mut()
        .map(|o| o.entry("auths").or_insert_with(|| Value::Object(Map::new())))
        .ok_or_else(|| Error::Internal(format!("{} is not a JSON object", path.display())))?;
    if !auths.is_object() {
        *auths = Value::Object(Map::new());
    }
    if let Some(a) = auths.as_object_mut() {
        a.insert(key.to_string(), json!({ "auth": encoded }));
    }
    write_secret(path, &doc)
}

/// Removes the credentials of `key` from `path`; false when there were none.
pub fn remove(path: &Path, key: &str) -> Result<bool> {
    let Some(mut doc) = read_json(path)? else { return Ok(false) };
    let removed = doc
        .get_mut("auths")
        .and_then(Value::as_object_mut)
        .map(|a| {
            let keys: Vec<String> = a.keys().filter(|k| k.as_str() == key || (k.contains("://") && key_host(k) == key)).cloned().collect();
            for k in &keys {
                a.remove(k);
            }
            !keys.is_empty()
        })
        .unwrap_or(false);
    if removed {
        write_secret(path, &doc)?;
    }
    Ok(removed)
}

/// Removes every credential from `path` (`logout --all`); other keys stay.
pub fn remove_all(path: &Path) -> Result<()> {
    let Some(mut doc) = read_json(path)? else { return Ok(()) };
    if let Some(o) = doc.as_object_mut() {
        o.insert("auths".into(), json!({}));
    }
    write_secret(path, &doc)
}

/// Whether `key` is stored in `path` itself (not a helper or another file).
pub fn stored_in(path: &Path, key: &str) -> Result<Option<Credentials>> {
    let Some(doc) = read_json(path)? else { return Ok(None) };
    match doc.get("auths").and_then(|a| a.get(key)) {
        Some(e) => decode(e, path, key),
        None => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn store_lookup_remove() {
        let dir = std::env::temp_dir().join(format!("sangja-auth-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let p = dir.join("sub/auth.json");
        let c = Credentials { username: "u".into(), password: "p:w".into() };
        store(&p, "reg:5000", &c).unwrap();
        use std::os::unix::fs::MetadataExt;
        assert_eq!(std::fs::metadata(&p).unwrap().mode() & 0o777, 0o600);
        let text = std::fs::read_to_string(&p).unwrap();
        assert!(text.contains("\"auth\": \"dTpwOnc=\""), "{text}");
        assert_eq!(lookup("reg:5000", "x/y", Some(&p)).unwrap(), Some(c.clone()));
        assert_eq!(lookup("reg:5001", "x/y", Some(&p)).unwrap(), None);
        let scoped = Credentials { username: "s".into(), password: "q".into() };
        store(&p, "reg:5000/x", &scoped).unwrap();
        assert_eq!(lookup("reg:5000", "x/y", Some(&p)).unwrap(), Some(scoped));
        assert_eq!(lookup("reg:5000", "xy", Some(&p)).unwrap(), Some(c));
        assert!(remove(&p, "reg:5000").unwrap());
        assert!(!remove(&p, "reg:5000").unwrap());
        remove_all(&p).unwrap();
        assert_eq!(lookup("reg:5000", "x/y", Some(&p)).unwrap(), None);
        std::fs::write(&p, "{\n\"auths\": 3,,\n}").unwrap();
        let e = lookup("reg:5000", "x", Some(&p)).unwrap_err().to_string();
        assert!(e.contains("auth.json:2:"), "{e}");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn legacy_keys() {
        assert_eq!(key_host("https://index.docker.io/v1/"), "index.docker.io");
        assert_eq!(key_host("reg:5000"), "reg:5000");
    }
}
