//! Checking credentials against a registry, as `podman login` does: GET /v2/
//! with basic auth; a registry that answers with a Bearer challenge gets the
//! credentials at its token service instead.

use crate::config::auth::Credentials;
use crate::error::{Error, Result};
use std::time::Duration;

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
    let client = reqwest::Client::builder()
        .danger_accept_invalid_certs(insecure)
        .connect_timeout(Duration::from_secs(30))
        .timeout(Duration::from_secs(60))
        .user_agent(concat!("sangja/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| Error::Registry(format!("cannot set up an HTTP client: {e}")))?;
    let host = api_host(registry);
    let get = |scheme: &str| {
        client.get(format!("{scheme}://{host}/v2/")).basic_auth(&creds.username, Some(&creds.password)).send()
    };
    let res = match get("https").await {
        Ok(r) => r,
        // As for pulls: an insecure registry may speak plain HTTP only.
        Err(e) if insecure && (e.is_connect() || e.is_request()) => get("http").await.map_err(|e| net_error(registry, e))?,
        Err(e) => return Err(net_error(registry, e)),
    };
    match res.status().as_u16() {
        200..=299 => Ok(Verdict::Valid),
        401 => {
            let challenge = res
                .headers()
                .get(reqwest::header::WWW_AUTHENTICATE)
                .and_then(|h| h.to_str().ok())
                .unwrap_or("")
                .to_string();
            match bearer(&challenge) {
                Some((realm, service)) => {
                    let mut q = vec![("account", creds.username.clone())];
                    if let Some(s) = service {
                        q.push(("service", s));
                    }
                    let t = client
                        .get(&realm)
                        .query(&q)
                        .basic_auth(&creds.username, Some(&creds.password))
                        .send()
                        .await
                        .map_err(|e| net_error(registry, e))?;
                    Ok(if t.status().is_success() { Verdict::Valid } else { Verdict::Invalid })
                }
                None => Ok(Verdict::Invalid),
            }
        }
        code => Err(Error::Registry(format!("logging into \"{registry}\": the registry answered HTTP {code} to /v2/"))),
    }
}

/// realm and service of a `Bearer realm="...",service="..."` challenge.
fn bearer(h: &str) -> Option<(String, Option<String>)> {
    let rest = h.trim().strip_prefix("Bearer ").or_else(|| h.trim().strip_prefix("bearer "))?;
    let mut realm = None;
    let mut service = None;
    for part in rest.split(',') {
        let Some((k, v)) = part.split_once('=') else { continue };
        let v = v.trim().trim_matches('"').to_string();
        match k.trim() {
            "realm" => realm = Some(v),
            "service" => service = Some(v),
            _ => {}
        }
    }
    Some((realm?, service))
}

fn net_error(registry: &str, e: reqwest::Error) -> Error {
    let mut detail = e.to_string();
    let mut cur = std::error::Error::source(&e);
    while let Some(c) = cur {
        detail.push_str(&format!(": {c}"));
        cur = c.source();
    }
    let low = detail.to_lowercase();
    let hint = if low.contains("certificate") || low.contains("invalidcontenttype") || low.contains("handshake") {
        "; if the registry has no (trusted) TLS, use --tls-verify=false or mark it insecure in registries.conf"
    } else if low.contains("connection refused") {
        "; check the address and that the registry is running"
    } else {
        ""
    };
    Error::Registry(format!("logging into \"{registry}\": {detail}{hint}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn challenges() {
        assert_eq!(
            bearer(r#"Bearer realm="https://auth.docker.io/token",service="registry.docker.io""#),
            Some(("https://auth.docker.io/token".into(), Some("registry.docker.io".into())))
        );
        assert_eq!(bearer(r#"Basic realm="x""#), None);
    }
}
