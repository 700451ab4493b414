//! Which images a filter lets through: podman's `images --filter KEY=VALUE`
//! (and `KEY!=VALUE`) and docker's `GET /images/json?filters=`.
//!
//! Keys: reference, id, digest, label, dangling, before, since (after),
//! until, containers, manifest, readonly. Filters of different keys must
//! all pass; of the same key, one is enough (podman 4's rule), except
//! `label` for docker's API, where every one must (`LabelRule::All`).

use crate::error::{Error, Result};
use crate::Engine;
use sangja_image::store::ImageRecord;
use std::collections::BTreeMap;

/// How several `label` filters combine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LabelRule {
    /// One is enough (podman).
    Any,
    /// Every one must pass (docker).
    All,
}

/// The parsed `--filter` items, by key.
#[derive(Debug, Clone)]
pub struct ImageFilters {
    /// key -> (value, negated) in the order given.
    by_key: BTreeMap<String, Vec<(String, bool)>>,
    labels: LabelRule,
    /// The `until` filters, parsed.
    until: Vec<crate::prune::PruneFilters>,
}

const KEYS: &[&str] =
    &["reference", "id", "digest", "label", "dangling", "before", "since", "after", "until", "containers", "manifest", "readonly"];
const BOOLEAN: &[&str] = &["dangling", "containers", "manifest", "readonly"];

impl ImageFilters {
    /// Parses `KEY=VALUE` / `KEY!=VALUE` items (only `label` may be negated).
    pub fn parse(items: &[String], labels: LabelRule) -> Result<ImageFilters> {
        let mut by_key: BTreeMap<String, Vec<(String, bool)>> = BTreeMap::new();
        let mut until = Vec::new();
        for item in items {
            let (key, value, negated) = match (item.split_once("!="), item.split_once('=')) {
                (Some((k, v)), Some((k2, _))) if k.len() <= k2.len() => (k, v, true),
                (_, Some((k, v))) => (k, v, false),
                _ => return Err(Error::Invalid(format!("invalid image filter {item:?}: use KEY=VALUE (keys: {})", KEYS.join(", ")))),
            };
            if !KEYS.contains(&key) {
                return Err(Error::Invalid(format!("unsupported image filter {key:?}: use one of {}", KEYS.join(", "))));
            }
            if negated && key != "label" {
                return Err(Error::Invalid(format!("invalid image filter {item:?}: only label takes !=")));
            }
            if BOOLEAN.contains(&key) {
                parse_bool(key, value)?;
            }
            if key == "until" {
                until.push(crate::prune::PruneFilters::parse(&[format!("until={value}")])?);
            }
            let key = if key == "after" { "since" } else { key };
            by_key.entry(key.to_string()).or_default().push((value.to_string(), negated));
        }
        Ok(ImageFilters { by_key, labels, until })
    }

    /// Whether no filter was given.
    pub fn is_empty(&self) -> bool {
        self.by_key.is_empty()
    }

    /// The images of `all` (the whole list: `before`/`since` name others of
    /// it) that pass, in their order.
    pub fn apply(&self, engine: &Engine, all: Vec<ImageRecord>) -> Result<Vec<ImageRecord>> {
        if self.is_empty() {
            return Ok(all);
        }
        let created_of = |name: &str| -> Result<i64> {
            find(&all, name).map(|i| unix_time(i.created.as_deref())).ok_or_else(|| {
                Error::Invalid(format!("could not find local image for filter {name:?}: {name}: image not known (before=, since= and after= name an image of the store)"))
            })
        };
        let before = self.values("before").iter().map(|(v, _)| created_of(v)).collect::<Result<Vec<i64>>>()?;
        let since = self.values("since").iter().map(|(v, _)| created_of(v)).collect::<Result<Vec<i64>>>()?;
        let in_use: Vec<String> = if self.by_key.contains_key("containers") {
            crate::containers::list(engine, true)?.into_iter().filter(|c| c.is_running()).map(|c| c.config.image_id).collect()
        } else {
            Vec::new()
        };
        let boolean = |key: &str, img_has: bool| {
            let vals = self.values(key);
            vals.is_empty() || vals.iter().any(|(v, _)| parse_bool(key, v).is_ok_and(|want| want == img_has))
        };
        let any = |key: &str, hit: &dyn Fn(&str) -> bool| {
            let vals = self.values(key);
            vals.is_empty() || vals.iter().any(|(v, _)| hit(v))
        };
        let mut out = Vec::new();
        for img in all.iter() {
            let labels: BTreeMap<String, String> =
                img.config.config().as_ref().and_then(|c| c.labels().clone()).unwrap_or_default().into_iter().collect();
            let created = unix_time(img.created.as_deref());
            let label_hit = |(v, negated): &(String, bool)| label_matches(&labels, v) != *negated;
            let label_vals = self.values("label");
            let labels_ok = label_vals.is_empty()
                || match self.labels {
                    LabelRule::Any => label_vals.iter().any(label_hit),
                    LabelRule::All => label_vals.iter().all(label_hit),
                };
            let keep = labels_ok
                && any("reference", &|p| img.names.iter().any(|n| reference_matches(p, n)))
                && any("id", &|v| {
                    let v = v.trim_start_matches("sha256:");
                    !v.is_empty() && img.id.starts_with(v)
                })
                && any("digest", &|v| img.digest == v || img.repo_digests.iter().any(|d| d.ends_with(&format!("@{v}"))))
                && boolean("dangling", img.names.is_empty())
                && boolean("containers", in_use.contains(&img.id))
                && boolean("manifest", crate::manifest::is_list(img))
                && boolean("readonly", false)
                && (before.is_empty() || before.iter().any(|b| created < *b))
                && (since.is_empty() || since.iter().any(|s| created > *s))
                && (self.until.is_empty() || self.until.iter().any(|u| u.matches(&BTreeMap::new(), img.created.as_deref())));
            if keep {
                out.push(img.clone());
            }
        }
        Ok(out)
    }

    fn values(&self, key: &str) -> &[(String, bool)] {
        self.by_key.get(key).map(Vec::as_slice).unwrap_or(&[])
    }
}

fn parse_bool(key: &str, v: &str) -> Result<bool> {
    match v {
        "1" | "true" | "True" | "TRUE" => Ok(true),
        "0" | "false" | "False" | "FALSE" => Ok(false),
        _ => Err(Error::Invalid(format!("invalid image filter {key}={v:?}: give true or false"))),
    }
}

/// The image of `all` that `name` names: a name, a short name, or an id (prefix).
fn find<'a>(all: &'a [ImageRecord], name: &str) -> Option<&'a ImageRecord> {
    let bare = name.trim_start_matches("sha256:");
    all.iter()
        .find(|i| i.names.iter().any(|n| n == name))
        .or_else(|| all.iter().find(|i| i.names.iter().any(|n| reference_matches(name, n))))
        .or_else(|| all.iter().find(|i| bare.len() >= 3 && i.id.starts_with(bare)))
}

fn unix_time(created: Option<&str>) -> i64 {
    created.and_then(|c| chrono::DateTime::parse_from_rfc3339(c).ok()).map(|t| t.timestamp()).unwrap_or(0)
}

/// Whether `labels` pass a label filter `key` or `key=value`.
pub fn label_matches(labels: &BTreeMap<String, String>, filter: &str) -> bool {
    match filter.split_once('=') {
        Some((k, v)) => labels.get(k).is_some_and(|x| x == v),
        None => labels.contains_key(filter),
    }
}

/// A name's repository and tag ("<none>" without one).
fn split_name(name: &str) -> (&str, &str) {
    match name.rfind(':') {
        Some(i) if !name[i..].contains('/') => (&name[..i], &name[i + 1..]),
        _ => (name, "<none>"),
    }
}

/// The `reference` filter: the pattern (with `*` and `?`) against a name's
/// repository, or repository:tag when the pattern has a tag, whole or as
/// its trailing path components (so "busybox" finds
/// "127.0.0.1:5000/busybox:latest").
pub fn reference_matches(pattern: &str, name: &str) -> bool {
    let (repo, _) = split_name(name);
    let has_tag = pattern.rsplit('/').next().is_some_and(|l| l.contains(':'));
    let mut target = if has_tag { name } else { repo };
    loop {
        if glob(pattern, target) {
            return true;
        }
        match target.split_once('/') {
            Some((_, tail)) => target = tail,
            None => return false,
        }
    }
}

/// A glob (`*`, `?`) match of all of `text`.
fn glob(pattern: &str, text: &str) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = (pattern.chars().collect(), text.chars().collect());
    let (mut pi, mut ti, mut star, mut mark) = (0, 0, None, 0);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_match_whole_or_trailing_components() {
        assert!(reference_matches("busybox", "127.0.0.1:5000/busybox:latest"));
        assert!(reference_matches("*busy*", "127.0.0.1:5000/busybox:latest"));
        assert!(reference_matches("busybox:latest", "127.0.0.1:5000/busybox:latest"));
        assert!(!reference_matches("busybox:1", "127.0.0.1:5000/busybox:latest"));
        assert!(!reference_matches("box", "127.0.0.1:5000/busybox:latest"));
        assert!(reference_matches("127.0.0.1:5000/busybox", "127.0.0.1:5000/busybox:latest"));
    }

    #[test]
    fn parse_refuses_what_podman_refuses() {
        let p = |items: &[&str]| ImageFilters::parse(&items.iter().map(|s| s.to_string()).collect::<Vec<_>>(), LabelRule::Any);
        assert!(p(&["foo=bar"]).unwrap_err().to_string().contains("unsupported image filter \"foo\""));
        assert!(p(&["dangling=maybe"]).unwrap_err().to_string().contains("true or false"));
        assert!(p(&["reference!=x"]).is_err());
        assert!(p(&["nokey"]).is_err());
        assert!(p(&["until=soon"]).is_err());
        let f = p(&["label!=a=b", "after=x", "label=c"]).unwrap();
        assert_eq!(f.values("label"), [("a=b".to_string(), true), ("c".to_string(), false)]);
        assert_eq!(f.values("since"), [("x".to_string(), false)]);
    }
}
