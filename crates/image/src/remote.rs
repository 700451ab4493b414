//! Reading a registry without pulling: a manifest (or index) as it is
//! (`manifest inspect` of a remote reference, `manifest add --all`), the
//! repository catalog and a repository's tags (`search`). Same connection,
//! auth and TLS rules as a pull (transport.rs, token.rs).

use super::reference::Reference;
use super::token::{self, Capped, Endpoint};
use crate::config::auth::Credentials;
use crate::error::{Error, Result};

/// Most repositories `search` reads from a catalog (pages of `PAGE`).
const MAX_CATALOG: usize = 10_000;
/// Repositories asked for per catalog page.
const PAGE: usize = 100;
/// Largest catalog or tags page accepted.
const MAX_PAGE_BODY: usize = 4 << 20;

fn insecure_for(host: &str, tls_verify: Option<bool>) -> bool {
    match tls_verify {
        Some(v) => !v,
        None => super::registries::insecure_registry(host),
    }
}

fn creds_for(registry: &str, repository: &str, given: Option<&Credentials>) -> Result<Option<Credentials>> {
    match given {
        Some(c) => Ok(Some(c.clone())),
        None => crate::config::auth::lookup(registry, repository, None),
    }
}

/// A manifest or index fetched from its registry: the bytes as served and their digest.
#[derive(Debug, Clone)]
pub struct Fetched {
    pub bytes: Vec<u8>,
    pub digest: String,
}

/// Fetches `reference`'s manifest (or index) as the registry has it.
pub async fn fetch_manifest(reference: &Reference, tls_verify: Option<bool>, creds: Option<&Credentials>) -> Result<Fetched> {
    let insecure = insecure_for(&reference.registry, tls_verify);
    let creds = creds_for(&reference.registry, &reference.repository, creds)?;
    let reg = super::transport::Registry::connect(reference, insecure, creds.as_ref()).await?;
    let bytes = reg.manifest(&reg.oref).await?;
    let digest = format!("sha256:{}", sha256_hex(&bytes));
    if let Some(want) = &reference.digest {
        if *want != digest {
            return Err(Error::DigestMismatch { what: format!("manifest of {reference}"), expected: want.clone(), actual: digest });
        }
    }
    Ok(Fetched { bytes, digest })
}

fn sha256_hex(b: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(b))
}

/// A registry's API, reached as for a pull, for requests that are not about one image.
struct Api {
    http: reqwest::Client,
    endpoint: Endpoint,
    ping: token::Ping,
    registry: String,
    creds: Option<Credentials>,
    insecure: bool,
}

impl Api {
    async fn connect(registry: &str, tls_verify: Option<bool>, creds: Option<&Credentials>) -> Result<Api> {
        let insecure = insecure_for(registry, tls_verify);
        let http = token::http_client(insecure)?;
        let ping = token::ping(&http, registry, insecure).await.map_err(|e| {
            let hint = if !insecure && (e.is_connect() || e.is_request()) {
                " (a registry without TLS needs --tls-verify=false, or `insecure = true` in registries.conf)"
            } else {
                ""
            };
            Error::Registry(format!("cannot reach registry {registry}: {}{hint}", error_chain(&e)))
        })?;
        let creds = creds_for(registry, "", creds)?;
        Ok(Api { http, endpoint: ping.endpoint.clone(), ping, registry: registry.to_string(), creds, insecure })
    }

    /// GETs `path_and_query` with the scope `scope` ("registry:catalog:*" or
    /// "repository:NAME:pull"); returns the body and the Link header.
    async fn get(&self, path_and_query: &str, scope: &str) -> Result<(Vec<u8>, Option<String>)> {
        let url = format!("{}{path_and_query}", self.endpoint.base());
        let mut req = self.http.get(&url);
        match &self.ping.challenge {
            None => {}
            Some(token::Challenge::Basic) => {
                if let Some(c) = &self.creds {
                    req = req.basic_auth(&c.username, Some(&c.password));
                }
            }
            Some(token::Challenge::Bearer { realm, service }) => {
                let mut query = vec![("scope".to_string(), scope.to_string())];
                if let Some(s) = service {
                    query.push(("service".into(), s.clone()));
                }
                let t = token::token(&self.http, &self.endpoint, &self.registry, realm, query, self.creds.as_ref(), self.insecure).await?;
                if let Some(t) = t {
                    req = req.bearer_auth(t);
                }
            }
        }
        let mut res = req.send().await.map_err(|e| token::net_error(&self.registry, &e))?;
        let status = res.status();
        let link = res.headers().get(reqwest::header::LINK).and_then(|v| v.to_str().ok()).map(str::to_string);
        if !status.is_success() {
            let text = token::error_text(&mut res).await;
            let why = match status.as_u16() {
                401 | 403 => "authentication required: log in first (sangja login)".to_string(),
                404 => "the registry does not offer this (no registry API v2 catalog?)".to_string(),
                _ => text.trim().chars().take(200).collect(),
            };
            return Err(Error::Registry(format!("registry {}: {url}: HTTP {}: {why}", self.registry, status.as_u16())));
        }
        let body = token::read_capped(&mut res, MAX_PAGE_BODY).await.map_err(|e| match e {
            Capped::TooLarge => Error::Registry(format!("registry {}: an answer larger than 4 MiB; refusing it", self.registry)),
            Capped::Net(e) => token::net_error(&self.registry, &e),
        })?;
        Ok((body, link))
    }
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut cur = e.source();
    while let Some(c) = cur {
        s.push_str(": ");
        s.push_str(&c.to_string());
        cur = c.source();
    }
    s
}

/// The next page's path from a `Link: </v2/_catalog?last=x&n=100>; rel="next"` header.
pub fn next_link(link: &str) -> Option<String> {
    link.split(',').find(|l| l.contains("rel=\"next\"") || l.contains("rel=next")).and_then(|l| {
        let start = l.find('<')? + 1;
        let end = l[start..].find('>')? + start;
        let target = &l[start..end];
        // Absolute links keep only their path: the registry's own host is used.
        let path = match target.find("://") {
            Some(i) => &target[i + 3 + target[i + 3..].find('/')?..],
            None => target,
        };
        path.starts_with("/v2/").then(|| path.to_string())
    })
}

/// The registry's repositories (`/v2/_catalog`, every page), at most `limit`
/// of those for which `keep` holds.
pub async fn catalog(
    registry: &str,
    tls_verify: Option<bool>,
    creds: Option<&Credentials>,
    keep: &(dyn Fn(&str) -> bool + Sync),
    limit: usize,
) -> Result<Vec<String>> {
    #[derive(serde::Deserialize)]
    struct Page {
        #[serde(default)]
        repositories: Option<Vec<String>>,
    }
    let api = Api::connect(registry, tls_verify, creds).await?;
    let mut out = Vec::new();
    let mut seen = 0usize;
    let mut next = Some(format!("/v2/_catalog?n={PAGE}"));
    while let Some(path) = next.take() {
        let (body, link) = api.get(&path, "registry:catalog:*").await?;
        let page: Page = serde_json::from_slice(&body)
            .map_err(|e| Error::Registry(format!("registry {registry}: its catalog is not valid JSON: {e}")))?;
        let repos = page.repositories.unwrap_or_default();
        seen += repos.len();
        out.extend(repos.into_iter().filter(|r| keep(r)));
        if out.len() >= limit || seen >= MAX_CATALOG {
            break;
        }
        next = link.as_deref().and_then(next_link);
    }
    out.truncate(limit);
    Ok(out)
}

/// The tags of `repository` (`/v2/<name>/tags/list`, every page).
pub async fn tags(registry: &str, repository: &str, tls_verify: Option<bool>, creds: Option<&Credentials>) -> Result<Vec<String>> {
    #[derive(serde::Deserialize)]
    struct Page {
        #[serde(default)]
        tags: Option<Vec<String>>,
    }
    let api = Api::connect(registry, tls_verify, creds).await?;
    let scope = format!("repository:{repository}:pull");
    let mut out = Vec::new();
    let mut next = Some(format!("/v2/{repository}/tags/list?n={PAGE}"));
    while let Some(path) = next.take() {
        let (body, link) = api.get(&path, &scope).await?;
        let page: Page = serde_json::from_slice(&body)
            .map_err(|e| Error::Registry(format!("registry {registry}: the tags of {repository} are not valid JSON: {e}")))?;
        out.extend(page.tags.unwrap_or_default());
        if out.len() >= MAX_CATALOG {
            break;
        }
        next = link.as_deref().and_then(next_link);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_links() {
        assert_eq!(next_link("</v2/_catalog?last=b&n=2>; rel=\"next\"").as_deref(), Some("/v2/_catalog?last=b&n=2"));
        assert_eq!(next_link("<https://r.io/v2/x/tags/list?last=1&n=5>; rel=\"next\"").as_deref(), Some("/v2/x/tags/list?last=1&n=5"));
        assert_eq!(next_link("</v2/_catalog?last=b>; rel=\"prev\""), None);
        assert_eq!(next_link("<https://evil/elsewhere>; rel=\"next\""), None);
    }
}
