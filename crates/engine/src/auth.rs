//! `login` and `logout`: credentials checked with the registry, then kept in
//! (or removed from) the auth file. Reading a password from a terminal or
//! stdin is the caller's: the engine takes the credentials as data.

use crate::config::auth::{self, Credentials};
use crate::error::{Error, Result};
use sangja_image::{login, registries};
use serde::Serialize;
use std::path::{Path, PathBuf};

/// Where a login or logout goes.
#[derive(Debug, Clone, Serialize)]
pub struct AuthTarget {
    /// The auth file's key: "host[:port]", or "host/ns/repo" for a scoped entry.
    pub key: String,
    /// The registry's host[:port].
    pub host: String,
    /// The auth file written: the one given, else $REGISTRY_AUTH_FILE, else the default.
    pub auth_file: PathBuf,
    /// The auth file as given (lookups then read only it).
    pub given_file: Option<PathBuf>,
}

/// "https://host:5000/" → "host:5000"; "host/ns/repo" stays (a scoped entry).
fn normalize_registry(s: &str) -> Result<String> {
    let s = s.trim();
    let s = s.strip_prefix("https://").or_else(|| s.strip_prefix("http://")).unwrap_or(s);
    let s = s.trim_end_matches('/');
    if s.is_empty() || s.contains(char::is_whitespace) || s.contains('@') {
        return Err(Error::Invalid(format!("\"{s}\" is not a registry: give host[:port], e.g. quay.io or 127.0.0.1:5000")));
    }
    Ok(s.to_string())
}

fn registry_key(given: Option<&str>) -> Result<String> {
    if let Some(r) = given {
        return normalize_registry(r);
    }
    let (conf, path) = registries::load()?;
    match conf.unqualified_search_registries.unwrap_or_default().into_iter().find(|r| !r.trim().is_empty()) {
        Some(r) => normalize_registry(&r),
        None => Err(Error::Invalid(format!(
            "no registry given and no unqualified-search-registries in {}: give one, e.g. `sangja login quay.io`",
            path.display()
        ))),
    }
}

fn host_of(key: &str) -> &str {
    key.split('/').next().unwrap_or(key)
}

/// The registry (default: the first unqualified-search registry) and the auth file.
pub fn target(registry: Option<&str>, auth_file: Option<&Path>) -> Result<AuthTarget> {
    let key = registry_key(registry)?;
    Ok(AuthTarget {
        host: host_of(&key).to_string(),
        key,
        auth_file: auth::auth_file(auth_file),
        given_file: auth_file.map(Path::to_path_buf),
    })
}

/// The user name stored for the registry (`login --get-login`).
pub fn stored_login(t: &AuthTarget) -> Result<String> {
    let repository = t.key.split_once('/').map(|(_, r)| r).unwrap_or("");
    match auth::lookup(&t.host, repository, t.given_file.as_deref())? {
        Some(c) => Ok(c.username),
        None => Err(Error::Invalid(format!("not logged into {}", t.key))),
    }
}

/// Whether plain HTTP and unverified TLS are allowed: `--tls-verify` when
/// given, else registries.conf.
pub fn insecure(t: &AuthTarget, tls_verify: Option<bool>) -> Result<bool> {
    Ok(match tls_verify {
        Some(v) => !v,
        None => registries::load()?.0.is_insecure(&t.host),
    })
}

/// The credentials kept for the registry in the auth file itself; as podman,
/// a login without any checks these rather than asking again.
pub fn stored(t: &AuthTarget) -> Result<Credentials> {
    auth::stored_in(&t.auth_file, &t.key)?.ok_or_else(|| {
        Error::Invalid(format!(
            "no user name for {}: give -u USER with -p PASSWORD or --password-stdin (sangja does not prompt for the user name)",
            t.key
        ))
    })
}

/// A login.
pub struct LoginRequest {
    pub target: AuthTarget,
    pub credentials: Credentials,
    /// Plain HTTP and unverified TLS allowed (see [`insecure`]).
    pub insecure: bool,
    /// The credentials are the stored ones ([`stored`]): checked, not written again.
    pub stored: bool,
}

/// What a login did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum LoginOutcome {
    /// The registry took the credentials; they are now in the auth file.
    LoggedIn,
    /// The stored credentials are still valid.
    AlreadyLoggedIn,
}

/// `login`: checks the credentials with the registry, then stores them.
pub fn login(req: &LoginRequest) -> Result<LoginOutcome> {
    let key = &req.target.key;
    if req.stored {
        return match login::verify(&req.target.host, &req.credentials, req.insecure)? {
            login::Verdict::Valid => Ok(LoginOutcome::AlreadyLoggedIn),
            login::Verdict::Invalid => Err(Error::Registry(format!(
                "logging into \"{key}\": the stored credentials are no longer valid: log in again with -u and --password-stdin"
            ))),
        };
    }
    if req.credentials.username.contains(':') {
        return Err(Error::Invalid("a user name cannot contain \":\"".into()));
    }
    match login::verify(&req.target.host, &req.credentials, req.insecure)? {
        login::Verdict::Valid => {}
        login::Verdict::Invalid => return Err(Error::Registry(format!("logging into \"{key}\": invalid username/password"))),
    }
    auth::store(&req.target.auth_file, key, &req.credentials)?;
    Ok(LoginOutcome::LoggedIn)
}

/// `POST /auth` of the API service (`docker login`): whether the registry
/// takes the credentials. Nothing is stored: docker's clients keep their own.
pub fn check(target: &AuthTarget, credentials: &Credentials, insecure: bool) -> Result<bool> {
    Ok(matches!(login::verify(&target.host, credentials, insecure)?, login::Verdict::Valid))
}

/// A logout.
#[derive(Debug, Clone, Default)]
pub struct LogoutRequest {
    /// The registry (default: the first unqualified-search registry).
    pub registry: Option<String>,
    /// The auth file (default as for login).
    pub auth_file: Option<PathBuf>,
    /// Every registry's credentials.
    pub all: bool,
}

/// What a logout removed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum LogoutOutcome {
    All,
    /// The key of the registry's entry.
    Registry(String),
}

/// `logout`: removes stored credentials.
pub fn logout(req: &LogoutRequest) -> Result<LogoutOutcome> {
    let file = auth::auth_file(req.auth_file.as_deref());
    if req.all {
        if req.registry.is_some() {
            return Err(Error::Invalid("--all takes no registry: give one or the other".into()));
        }
        auth::remove_all(&file)?;
        return Ok(LogoutOutcome::All);
    }
    let key = registry_key(req.registry.as_deref())?;
    if auth::remove(&file, &key)? {
        return Ok(LogoutOutcome::Registry(key));
    }
    // As podman: credentials found elsewhere (docker's config) are not ours to remove.
    if auth::lookup(host_of(&key), "", req.auth_file.as_deref())?.is_some() {
        return Err(Error::Invalid(format!(
            "not logged into {key} with {}: the credentials in use come from another file (docker's config.json or a credential helper); use docker logout",
            file.display()
        )));
    }
    Err(Error::Invalid(format!("not logged into {key}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_names() {
        assert_eq!(normalize_registry("https://quay.io/").unwrap(), "quay.io");
        assert_eq!(normalize_registry("127.0.0.1:5002").unwrap(), "127.0.0.1:5002");
        assert!(normalize_registry("").is_err());
    }
}
