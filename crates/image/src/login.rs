//! Checking credentials against a registry, as `podman login` does: ping /v2/
//! without them, then send them as its challenge asks: Basic to the registry
//! itself, or to its token service when token.rs allows that realm.

use super::token::{self, Challenge};
use crate::config::auth::Credentials;
use crate::error::{Error, Result};

/// The host that serves a registry's API (docker.io's lives elsewhere).
pub fn api_host(registry: &str) -> &str {
    match registry {
        "docker.io" | "index.docker.io" => "registry-1.docker.io",
        r => r,
    }
}

/// What the registry said of the credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Valid,
    Invalid,
}

/// Checks `creds` against `registry`; `insecure` allows plain HTTP and
/// unverified TLS (--tls-verify=false or registries.conf).
pub fn verify(registry: &str, creds: &Credentials, insecure: bool) -> Result<Verdict> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::Registry(format!("cannot start the network runtime: {e}")))?;
    runtime.block_on(verify_async(registry, creds, insecure))
}

async fn verify_async(registry: &str, creds: &Credentials, insecure: bool) -> Result<Verdict> {
    let http = token::http_client(insecure)?;
    let host = api_host(registry);
    // Pinged without credentials first: its challenge says where they may go
    // (token.rs: never in the clear to a host the user did not name).
    let ping = token::ping(&http, host, insecure).await.map_err(|e| login_error(registry, token::net_error(registry, &e)))?;
    match (ping.status.as_u16(), &ping.challenge) {
        (401, Some(Challenge::Bearer { realm, service })) => {
            let query = service.iter().map(|s| ("service".to_string(), s.clone())).collect();
            let t = token::token(&http, &ping.endpoint, registry, realm, query, Some(creds), insecure)
                .await
                .map_err(|e| login_error(registry, e))?;
            Ok(if t.is_some() { Verdict::Valid } else { Verdict::Invalid })
        }
        (401, _) => {
            // Basic (or an unknown scheme): the credentials go to the registry
            // itself, over the scheme the ping found (plain HTTP only when insecure).
            let res = http
                .get(format!("{}/v2/", ping.endpoint.base()))
                .basic_auth(&creds.username, Some(&creds.password))
                .send()
                .await
                .map_err(|e| login_error(registry, token::net_error(registry, &e)))?;
            match res.status().as_u16() {
                200..=299 => Ok(Verdict::Valid),
                401 | 403 => Ok(Verdict::Invalid),
                code => Err(Error::Registry(format!("logging into \"{registry}\": the registry answered HTTP {code} to /v2/"))),
            }
        }
        // No authentication at all: any credentials "work", as podman says.
        (200..=299, _) => Ok(Verdict::Valid),
        (code, _) => Err(Error::Registry(format!("logging into \"{registry}\": the registry answered HTTP {code} to /v2/"))),
    }
}

/// "logging into \"REG\": ..." around a registry error.
fn login_error(registry: &str, e: Error) -> Error {
    let text = e.to_string();
    let text = text.strip_prefix(&format!("registry {registry}: ")).unwrap_or(&text).to_string();
    Error::Registry(format!("logging into \"{registry}\": {text}"))
}
