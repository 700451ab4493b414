//! `search TERM`: repositories of a registry API v2 (`/v2/_catalog`, every
//! page) whose name contains the term, or with `--list-tags` a repository's
//! tags. A term without a registry is searched in registries.conf's
//! unqualified-search registries, in order.

use super::Engine;
use crate::error::{Error, Result};
use serde::Serialize;

/// podman's default `--limit`.
pub const DEFAULT_LIMIT: usize = 25;

/// What `search` was asked.
#[derive(Debug, Clone, Default)]
pub struct SearchRequest {
    pub term: String,
    /// At most this many results per registry (0: podman's default, 25).
    pub limit: usize,
    /// `--filter` entries: stars=N, is-official=BOOL, is-automated=BOOL.
    pub filters: Vec<String>,
    pub list_tags: bool,
    pub tls_verify: Option<bool>,
    pub creds: Option<crate::config::auth::Credentials>,
}

/// One result, with podman's field names for `--format`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct SearchResult {
    pub index: String,
    pub name: String,
    pub description: String,
    pub stars: u64,
    /// "[OK]" or "".
    pub official: String,
    /// "[OK]" or "".
    pub automated: String,
    pub tag: String,
}

#[derive(Debug, Default)]
struct Filters {
    stars: u64,
    official: Option<bool>,
    automated: Option<bool>,
}

fn parse_filters(list: &[String]) -> Result<Filters> {
    let mut f = Filters::default();
    for item in list {
        let (k, v) = item.split_once('=').ok_or_else(|| Error::Invalid(format!("invalid filter \"{item}\": use KEY=VALUE")))?;
        let b = || match v {
            "true" => Ok(true),
            "false" => Ok(false),
            _ => Err(Error::Invalid(format!("invalid filter \"{item}\": {k} needs true or false"))),
        };
        match k {
            "stars" => f.stars = v.parse().map_err(|_| Error::Invalid(format!("invalid filter \"{item}\": stars needs a number")))?,
            "is-official" => f.official = Some(b()?),
            "is-automated" => f.automated = Some(b()?),
            _ => return Err(Error::Invalid(format!("invalid filter \"{item}\": the filters are stars, is-official and is-automated"))),
        }
    }
    Ok(f)
}

/// The registries to search and the term within them.
fn targets(term: &str) -> Result<Vec<(String, String)>> {
    let t = term.strip_prefix("docker://").unwrap_or(term);
    if let Some((first, rest)) = t.split_once('/') {
        if first.contains('.') || first.contains(':') || first == "localhost" {
            return Ok(vec![(first.to_string(), rest.to_string())]);
        }
    }
    let (conf, origin) = sangja_image::registries::load()?;
    let regs = conf.unqualified_search_registries.unwrap_or_default();
    if regs.is_empty() {
        return Err(Error::Invalid(format!(
            "no registry to search for \"{term}\": name one (REGISTRY/TERM) or list unqualified-search-registries in {}",
            origin.display()
        )));
    }
    Ok(regs.into_iter().map(|r| (r, t.to_string())).collect())
}

fn run<F: std::future::Future>(f: F) -> Result<F::Output> {
    Ok(super::images::registry_runtime()?.block_on(f))
}

/// Searches; results in the registries' order, each registry's sorted as it answered.
pub fn search(_engine: &Engine, req: &SearchRequest) -> Result<Vec<SearchResult>> {
    let filters = parse_filters(&req.filters)?;
    let limit = if req.limit == 0 { DEFAULT_LIMIT } else { req.limit };
    let mut out = Vec::new();
    let mut errors = Vec::new();
    let targets = targets(&req.term)?;
    let several = targets.len() > 1;
    for (registry, term) in targets {
        let found = if req.list_tags { list_tags(&registry, &term, req, limit) } else { catalog(&registry, &term, req, limit, &filters) };
        match found {
            Ok(r) => out.extend(r),
            Err(e) if several => errors.push(format!("{registry}: {e}")),
            Err(e) => return Err(e),
        }
    }
    if out.is_empty() && !errors.is_empty() {
        return Err(Error::Registry(format!("searching every registry failed:\n  {}", errors.join("\n  "))));
    }
    Ok(out)
}

fn catalog(registry: &str, term: &str, req: &SearchRequest, limit: usize, f: &Filters) -> Result<Vec<SearchResult>> {
    // A catalog has no stars, and nothing in it is official or automated.
    if f.stars > 0 || f.official == Some(true) || f.automated == Some(true) {
        return Ok(Vec::new());
    }
    let keep = |repo: &str| repo.contains(term);
    let repos = run(sangja_image::remote::catalog(registry, req.tls_verify, req.creds.as_ref(), &keep, limit))??;
    Ok(repos
        .into_iter()
        .map(|r| SearchResult {
            index: registry.to_string(),
            name: format!("{registry}/{r}"),
            description: String::new(),
            stars: 0,
            official: String::new(),
            automated: String::new(),
            tag: String::new(),
        })
        .collect())
}

fn list_tags(registry: &str, term: &str, req: &SearchRequest, limit: usize) -> Result<Vec<SearchResult>> {
    let last = term.rsplit('/').next().unwrap_or(term);
    if last.contains(':') || term.contains('@') {
        return Err(Error::Invalid(format!("reference \"{registry}/{term}\" must not have a tag or digest for --list-tags")));
    }
    if term.is_empty() {
        return Err(Error::Invalid("--list-tags needs a repository (REGISTRY/NAME)".into()));
    }
    let tags = run(sangja_image::remote::tags(registry, term, req.tls_verify, req.creds.as_ref()))??;
    Ok(tags
        .into_iter()
        .take(limit)
        .map(|t| SearchResult {
            index: registry.to_string(),
            name: format!("{registry}/{term}"),
            description: String::new(),
            stars: 0,
            official: String::new(),
            automated: String::new(),
            tag: t,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_and_filters() {
        assert_eq!(targets("127.0.0.1:5000/bus").unwrap(), [("127.0.0.1:5000".to_string(), "bus".to_string())]);
        assert_eq!(targets("quay.io/a/b").unwrap(), [("quay.io".to_string(), "a/b".to_string())]);
        let f = parse_filters(&["stars=3".into(), "is-official=true".into()]).unwrap();
        assert_eq!((f.stars, f.official, f.automated), (3, Some(true), None));
        assert!(parse_filters(&["stars=x".into()]).is_err());
        assert!(parse_filters(&["nope=1".into()]).is_err());
        assert!(parse_filters(&["is-automated=maybe".into()]).is_err());
    }
}
