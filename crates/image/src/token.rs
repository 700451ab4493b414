//! Authorizing against a registry, done by us rather than by oci-client so
//! that we decide where credentials go: ping /v2/ without credentials, read
//! its challenge, and then either send Basic credentials to the registry
//! itself or fetch a token from the challenge's realm.
//!
//! The rule (issue 14): credentials never travel over plain HTTP except to
//! the very host[:port] the user marked insecure (--tls-verify=false or
//! registries.conf `insecure`). A realm on another host over HTTPS is how
//! token services work (Docker Hub's auth.docker.io) and gets them, as
//! containers/image sends them; an http:// realm on another host is refused.
//! oci-client would send Basic credentials to whatever realm it is told, so
//! it only ever gets the finished token (or the Basic pair, pinned in its
//! token cache so that it never runs its own challenge).
//!
//! Bodies read from the network here are bounded: a token at 1 MiB and a
//! manifest at 4 MiB, containers/image's limits (iolimits.MaxAuthTokenBodySize,
//! MaxManifestBodySize; 4 MiB is also docker distribution's manifest limit).

use crate::config::auth::Credentials;
use crate::error::{Error, Result};
use reqwest::{StatusCode, Url};
use std::time::Duration;

/// Largest token response accepted.
pub const MAX_TOKEN_BODY: usize = 1 << 20;
/// Largest manifest or index accepted.
pub const MAX_MANIFEST_BODY: usize = 4 << 20;
/// Largest image config accepted.
pub const MAX_CONFIG_BODY: usize = 4 << 20;
/// Largest error body read (only its start is ever shown).
const MAX_ERROR_BODY: usize = 64 << 10;

/// How requests to a registry are authorized.
#[derive(Clone, PartialEq, Eq)]
pub enum Access {
    /// No credentials at all.
    Anonymous,
    /// HTTP Basic to the registry itself (its challenge asked for Basic).
    Basic(Credentials),
    /// A token from the realm (anonymous or paid for with the credentials).
    Bearer(String),
}

impl std::fmt::Debug for Access {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Access::Anonymous => f.write_str("Anonymous"),
            Access::Basic(c) => write!(f, "Basic({c:?})"),
            Access::Bearer(_) => f.write_str("Bearer(<redacted>)"),
        }
    }
}

/// Where a registry's API answers: "https" or "http", and host[:port].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    pub scheme: &'static str,
    pub host: String,
}

impl Endpoint {
    /// "scheme://host".
    pub fn base(&self) -> String {
        format!("{}://{}", self.scheme, self.host)
    }
}

/// A challenge from a 401 on /v2/.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Challenge {
    Basic,
    Bearer { realm: String, service: Option<String> },
}

/// The HTTP client for pings, tokens and manifests. `insecure` accepts any
/// certificate and, as for oci-client's client (transport.rs), pins an unused
/// root so that reqwest does not load the system's roots for nothing.
pub fn http_client(insecure: bool) -> Result<reqwest::Client> {
    let mut b = reqwest::Client::builder()
        .danger_accept_invalid_certs(insecure)
        .connect_timeout(Duration::from_secs(30))
        .read_timeout(Duration::from_secs(120))
        .user_agent(concat!("sangja/", env!("CARGO_PKG_VERSION")));
    if insecure {
        let root = reqwest::Certificate::from_pem(super::transport::UNUSED_ROOT.as_bytes())
            .map_err(|e| Error::Registry(format!("cannot set up an HTTP client: {e}")))?;
        b = b.tls_certs_only([root]);
    }
    // reqwest's redirects drop Authorization on a change of scheme, host or port.
    b.build().map_err(|e| Error::Registry(format!("cannot set up an HTTP client: {e}")))
}

/// What /v2/ said.
#[derive(Debug, Clone)]
pub struct Ping {
    pub endpoint: Endpoint,
    pub status: StatusCode,
    pub challenge: Option<Challenge>,
}

/// GET /v2/ without credentials: HTTPS, or plain HTTP for an insecure registry
/// that cannot do TLS at all (as podman and pulls before).
pub async fn ping(http: &reqwest::Client, host: &str, insecure: bool) -> std::result::Result<Ping, reqwest::Error> {
    let get = |scheme: &'static str| async move {
        let res = http.get(format!("{scheme}://{host}/v2/")).send().await?;
        let status = res.status();
        let challenge = if status == StatusCode::UNAUTHORIZED {
            res.headers().get_all(reqwest::header::WWW_AUTHENTICATE).iter().filter_map(|h| h.to_str().ok()).find_map(parse_challenge)
        } else {
            None
        };
        Ok::<_, reqwest::Error>(Ping { endpoint: Endpoint { scheme, host: host.to_string() }, status, challenge })
    };
    let no_tls = |e: &reqwest::Error| e.is_connect() || e.is_request();
    if !insecure {
        return get("https").await;
    }
    // Both at once, HTTPS preferred: a registry without TLS (the usual
    // insecure one) answers the plain request while the TLS attempt fails,
    // instead of one connection after the other.
    let (https, http) = (get("https"), get("http"));
    tokio::pin!(https, http);
    tokio::select! {
        biased;
        r = &mut https => match r {
            Err(e) if no_tls(&e) => http.await,
            r => r,
        },
        plain = &mut http => match https.await {
            Err(e) if no_tls(&e) => plain,
            r => r,
        },
    }
}

/// Parses one WWW-Authenticate value: Basic, or Bearer with its realm and service.
pub fn parse_challenge(h: &str) -> Option<Challenge> {
    let h = h.trim();
    let (scheme, rest) = h.split_once(' ').unwrap_or((h, ""));
    if scheme.eq_ignore_ascii_case("basic") {
        return Some(Challenge::Basic);
    }
    if !scheme.eq_ignore_ascii_case("bearer") {
        return None;
    }
    let (mut realm, mut service) = (None, None);
    for (k, v) in params(rest) {
        if k.eq_ignore_ascii_case("realm") {
            realm = Some(v);
        } else if k.eq_ignore_ascii_case("service") {
            service = Some(v);
        }
    }
    Some(Challenge::Bearer { realm: realm?, service })
}

/// `k="v", k2=v2` pairs; quoted values may hold commas and \-escapes.
fn params(s: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut chars = s.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| *c == ',' || c.is_whitespace()) {
            chars.next();
        }
        let key: String = std::iter::from_fn(|| chars.next_if(|c| *c != '=' && *c != ',')).collect();
        if key.is_empty() {
            return out;
        }
        if chars.next_if_eq(&'=').is_none() {
            continue;
        }
        let mut val = String::new();
        if chars.next_if_eq(&'"').is_some() {
            while let Some(c) = chars.next() {
                match c {
                    '\\' => val.extend(chars.next()),
                    '"' => break,
                    c => val.push(c),
                }
            }
        } else {
            val = std::iter::from_fn(|| chars.next_if(|c| *c != ',')).collect::<String>().trim().to_string();
        }
        out.push((key.trim().to_string(), val));
    }
}

/// Whether credentials for the registry at `endpoint` may be sent to `realm`:
/// any https:// realm (a token service on another host is normal), an
/// http:// realm only on the registry's own host:port and only when the user
/// marked that registry insecure. The error says why not.
pub fn realm_allowed(realm: &str, endpoint: &Endpoint, insecure: bool) -> std::result::Result<(), String> {
    let url = Url::parse(realm).map_err(|e| format!("its token realm \"{realm}\" is not a URL ({e})"))?;
    match url.scheme() {
        "https" => Ok(()),
        "http" => {
            let own = Url::parse(&format!("http://{}/", endpoint.host)).ok();
            let same = own.is_some_and(|o| o.host_str() == url.host_str() && o.port_or_known_default() == url.port_or_known_default());
            if same && insecure {
                Ok(())
            } else if same {
                Err(format!(
                    "its token realm \"{realm}\" is plain HTTP and the registry is not marked insecure: \
                     sangja does not send credentials in the clear"
                ))
            } else {
                Err(format!(
                    "its token realm \"{realm}\" is plain HTTP on another host than {}: sangja does not \
                     send credentials in the clear to a host you did not name",
                    endpoint.host
                ))
            }
        }
        other => Err(format!("its token realm \"{realm}\" has scheme \"{other}\", not https")),
    }
}

/// Turns a ping's challenge into the access to use for `repository`;
/// `None` when the token service refused (401/403).
pub async fn authorize(
    http: &reqwest::Client,
    ping: &Ping,
    registry: &str,
    repository: &str,
    creds: Option<&Credentials>,
    insecure: bool,
) -> Result<Option<Access>> {
    authorize_scopes(http, ping, registry, &[format!("repository:{repository}:pull")], creds, insecure).await
}

/// `authorize` for any scopes ("repository:NAME:pull,push" for a push, plus
/// "repository:OTHER:pull" for each repository a blob is mounted from).
pub async fn authorize_scopes(
    http: &reqwest::Client,
    ping: &Ping,
    registry: &str,
    scopes: &[String],
    creds: Option<&Credentials>,
    insecure: bool,
) -> Result<Option<Access>> {
    match &ping.challenge {
        None => Ok(Some(Access::Anonymous)),
        Some(Challenge::Basic) => Ok(Some(creds.map_or(Access::Anonymous, |c| Access::Basic(c.clone())))),
        Some(Challenge::Bearer { realm, service }) => {
            let mut query: Vec<(String, String)> = scopes.iter().map(|s| ("scope".to_string(), s.clone())).collect();
            if let Some(s) = service {
                query.push(("service".into(), s.clone()));
            }
            Ok(token(http, &ping.endpoint, registry, realm, query, creds, insecure).await?.map(Access::Bearer))
        }
    }
}

/// Fetches a token from `realm`, with `creds` (Basic) when given and allowed;
/// `None` when the service refused (401/403: wrong credentials, or none given).
pub async fn token(
    http: &reqwest::Client,
    endpoint: &Endpoint,
    registry: &str,
    realm: &str,
    mut query: Vec<(String, String)>,
    creds: Option<&Credentials>,
    insecure: bool,
) -> Result<Option<String>> {
    let mut req = http.get(realm);
    if let Some(c) = creds {
        realm_allowed(realm, endpoint, insecure)
            .map_err(|why| Error::Registry(format!("registry {registry}: {why}; refusing to send your credentials there")))?;
        query.push(("account".into(), c.username.clone()));
        req = req.basic_auth(&c.username, Some(&c.password));
    } else if Url::parse(realm).map_or(true, |u| !matches!(u.scheme(), "http" | "https")) {
        return Err(Error::Registry(format!("registry {registry}: its token realm \"{realm}\" is not an http(s) URL")));
    }
    let mut res = req.query(&query).send().await.map_err(|e| net_error(registry, &e))?;
    let status = res.status();
    let body = read_capped(&mut res, MAX_TOKEN_BODY).await.map_err(|e| match e {
        Capped::TooLarge => Error::Registry(format!("registry {registry}: the token service sent more than 1 MiB; refusing it")),
        Capped::Net(e) => net_error(registry, &e),
    })?;
    if status == StatusCode::UNAUTHORIZED || status == StatusCode::FORBIDDEN {
        return Ok(None);
    }
    if !status.is_success() {
        let text: String = String::from_utf8_lossy(&body).trim().chars().take(200).collect();
        return Err(Error::Registry(format!("registry {registry}: its token service answered HTTP {}: {text}", status.as_u16())));
    }
    #[derive(serde::Deserialize)]
    struct Token {
        token: Option<String>,
        access_token: Option<String>,
    }
    let t: Token = serde_json::from_slice(&body)
        .map_err(|e| Error::Registry(format!("registry {registry}: its token service sent something that is not a token: {e}")))?;
    t.token
        .filter(|t| !t.is_empty())
        .or(t.access_token)
        .map(Some)
        .ok_or_else(|| Error::Registry(format!("registry {registry}: its token service sent no token")))
}

/// Why a bounded read stopped.
pub enum Capped {
    TooLarge,
    Net(reqwest::Error),
}

/// Reads a response body, refusing more than `max` bytes (announced or sent).
pub async fn read_capped(res: &mut reqwest::Response, max: usize) -> std::result::Result<Vec<u8>, Capped> {
    if res.content_length().is_some_and(|n| n > max as u64) {
        return Err(Capped::TooLarge);
    }
    let mut out = Vec::new();
    while let Some(chunk) = res.chunk().await.map_err(Capped::Net)? {
        if out.len() + chunk.len() > max {
            return Err(Capped::TooLarge);
        }
        out.extend_from_slice(&chunk);
    }
    Ok(out)
}

/// The start of an error body, for messages.
pub async fn error_text(res: &mut reqwest::Response) -> String {
    match read_capped(res, MAX_ERROR_BODY).await {
        Ok(b) => String::from_utf8_lossy(&b).into_owned(),
        Err(_) => String::new(),
    }
}

/// A network error with its causes and a hint.
pub fn net_error(registry: &str, e: &reqwest::Error) -> Error {
    let mut detail = e.to_string();
    let mut cur = std::error::Error::source(e);
    while let Some(c) = cur {
        let s = c.to_string();
        if !detail.contains(&s) {
            detail.push_str(&format!(": {s}"));
        }
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
    Error::Registry(format!("registry {registry}: {detail}{hint}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ep(scheme: &'static str, host: &str) -> Endpoint {
        Endpoint { scheme, host: host.into() }
    }

    #[test]
    fn challenges() {
        assert_eq!(
            parse_challenge(r#"Bearer realm="https://auth.docker.io/token",service="registry.docker.io""#),
            Some(Challenge::Bearer { realm: "https://auth.docker.io/token".into(), service: Some("registry.docker.io".into()) })
        );
        assert_eq!(
            parse_challenge(r#"bearer service="a,b", realm="https://x/t?a=1""#),
            Some(Challenge::Bearer { realm: "https://x/t?a=1".into(), service: Some("a,b".into()) })
        );
        assert_eq!(parse_challenge(r#"Basic realm="Registry Realm""#), Some(Challenge::Basic));
        assert_eq!(parse_challenge(r#"Bearer service="x""#), None);
        assert_eq!(parse_challenge("Negotiate"), None);
    }

    #[test]
    fn realms() {
        let hub = ep("https", "registry-1.docker.io");
        assert!(realm_allowed("https://auth.docker.io/token", &hub, false).is_ok());
        let e = realm_allowed("http://auth.docker.io/token", &hub, false).unwrap_err();
        assert!(e.contains("plain HTTP on another host"), "{e}");
        let local = ep("http", "127.0.0.1:5000");
        assert!(realm_allowed("http://127.0.0.1:5000/token", &local, true).is_ok());
        assert!(realm_allowed("http://127.0.0.1:5000/token", &local, false).is_err());
        // Another port is another host: the user named 127.0.0.1:5000 only.
        assert!(realm_allowed("http://127.0.0.1:5001/token", &local, true).is_err());
        assert!(realm_allowed("http://127.0.0.1/token", &local, true).is_err());
        assert!(realm_allowed("https://127.0.0.1:5001/token", &local, true).is_ok());
        assert!(realm_allowed("file:///etc/passwd", &local, true).is_err());
        assert!(realm_allowed("not a url", &local, true).is_err());
    }
}
