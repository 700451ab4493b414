//! registries.conf (containers-registries.conf(5), v2 TOML, with v1's
//! `[registries.*]` tables read too): unqualified-search-registries,
//! short-name-mode and aliases for short names; per registry `[[registry]]`
//! prefix/location rewriting, insecure, blocked and `[[registry.mirror]]`.

use super::reference::{self, Reference};
use crate::error::{Error, Result};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// One `[[registry]]` table.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
pub struct RegistryEntry {
    /// What names the entry applies to ("example.com/foo", "*.example.com").
    pub prefix: Option<String>,
    /// Where the registry is; also the prefix when `prefix` is missing.
    pub location: Option<String>,
    /// Plain HTTP or unverified TLS allowed.
    #[serde(default)]
    pub insecure: bool,
    /// Pulls from it are refused.
    #[serde(default)]
    pub blocked: bool,
    /// Mirrors, tried in order before the registry itself.
    #[serde(default)]
    pub mirror: Vec<Mirror>,
}

/// One `[[registry.mirror]]` table.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
pub struct Mirror {
    /// Where the mirror is ("host[:port][/path]").
    pub location: String,
    /// Plain HTTP or unverified TLS allowed for this mirror.
    #[serde(default)]
    pub insecure: bool,
}

impl RegistryEntry {
    fn key(&self) -> Option<&str> {
        self.prefix.as_deref().or(self.location.as_deref())
    }
}

/// v1 format: `[registries.search] registries = [...]` and friends.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
struct V1List {
    #[serde(default)]
    registries: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
struct V1Tables {
    search: Option<V1List>,
    insecure: Option<V1List>,
    block: Option<V1List>,
}

/// The parsed (and merged) registries configuration.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
pub struct RegistriesConf {
    /// Registries tried in order for a short name.
    #[serde(rename = "unqualified-search-registries")]
    pub unqualified_search_registries: Option<Vec<String>>,
    /// Per-registry settings.
    #[serde(default)]
    pub registry: Vec<RegistryEntry>,
    /// Short name → fully qualified name (shortnames.conf).
    #[serde(default)]
    pub aliases: BTreeMap<String, String>,
    /// "enforcing", "permissive" (the default) or "disabled".
    #[serde(rename = "short-name-mode")]
    pub short_name_mode: Option<String>,
    #[serde(default)]
    registries: Option<V1Tables>,
}

impl RegistriesConf {
    /// Parses one file's text; `origin` names it in errors.
    pub fn parse(text: &str, origin: &Path) -> Result<RegistriesConf> {
        let mut conf: RegistriesConf = toml::from_str(text).map_err(|e| crate::config::toml_error("registries.conf", origin, text, &e))?;
        conf.fold_v1();
        if let Some(m) = &conf.short_name_mode {
            ShortNameMode::parse(m).map_err(|why| Error::Invalid(format!("{}: {why}", origin.display())))?;
        }
        for e in &conf.registry {
            if e.key().is_none() {
                return Err(Error::Invalid(format!(
                    "{}: a [[registry]] table has neither prefix nor location: give it a location",
                    origin.display()
                )));
            }
        }
        Ok(conf)
    }

    /// Turns v1 tables into their v2 equivalents so the rest reads one shape.
    fn fold_v1(&mut self) {
        let Some(v1) = self.registries.take() else { return };
        if let Some(search) = v1.search {
            if self.unqualified_search_registries.is_none() {
                self.unqualified_search_registries = Some(search.registries);
            }
        }
        let mut upsert =
            |host: String, f: &dyn Fn(&mut RegistryEntry)| match self.registry.iter_mut().find(|e| e.key() == Some(host.as_str())) {
                Some(e) => f(e),
                None => {
                    let mut e = RegistryEntry { location: Some(host), ..Default::default() };
                    f(&mut e);
                    self.registry.push(e);
                }
            };
        for h in v1.insecure.map(|l| l.registries).unwrap_or_default() {
            upsert(h, &|e| e.insecure = true);
        }
        for h in v1.block.map(|l| l.registries).unwrap_or_default() {
            upsert(h, &|e| e.blocked = true);
        }
    }

    /// Applies a later file over this one: later keys win, `[[registry]]`
    /// tables replace those with the same prefix, aliases merge by name.
    pub fn merge(&mut self, later: RegistriesConf) {
        if later.unqualified_search_registries.is_some() {
            self.unqualified_search_registries = later.unqualified_search_registries;
        }
        for e in later.registry {
            match self.registry.iter_mut().find(|x| x.key().is_some() && x.key() == e.key()) {
                Some(x) => *x = e,
                None => self.registry.push(e),
            }
        }
        self.aliases.extend(later.aliases);
        if later.short_name_mode.is_some() {
            self.short_name_mode = later.short_name_mode;
        }
    }

    /// The `[[registry]]` entry that applies to `name` ("host[:port][/path]"):
    /// the longest prefix that is `name` itself or a parent of it. With
    /// `host_only`, any entry on the same host applies (TLS is per host).
    fn entry_for(&self, name: &str, host_only: bool) -> Option<&RegistryEntry> {
        let name_host = name.split('/').next().unwrap_or(name);
        self.registry
            .iter()
            .filter_map(|e| {
                let key = e.key()?;
                let key_host = key.split('/').next().unwrap_or(key);
                let host_hit = match key_host.strip_prefix("*.") {
                    Some(suffix) => name_host.ends_with(&format!(".{suffix}")),
                    None => key_host == name_host,
                };
                let path_hit =
                    key.len() == key_host.len() || name == key || name.strip_prefix(key).is_some_and(|rest| rest.starts_with('/'));
                (host_hit && (host_only || path_hit)).then_some((key.len(), e))
            })
            .max_by_key(|(len, _)| *len)
            .map(|(_, e)| e)
    }

    /// Whether the registry at `host` is marked insecure.
    pub fn is_insecure(&self, host: &str) -> bool {
        self.entry_for(host, true).is_some_and(|e| e.insecure)
    }

    /// Whether pulls of `name` ("registry/repository") are blocked.
    pub fn is_blocked(&self, name: &str) -> bool {
        self.entry_for(name, false).is_some_and(|e| e.blocked)
    }
}

/// The main file in effect: $CONTAINERS_REGISTRIES_CONF, else the user's file
/// when it exists, else the system's.
pub fn conf_path() -> PathBuf {
    files().0
}

/// The main file and the drop-in folders read after it, as containers/image
/// does: the user's own registries.conf takes only the user's drop-ins;
/// otherwise (also with $CONTAINERS_REGISTRIES_CONF) the system's drop-ins and
/// then the user's apply.
pub fn files() -> (PathBuf, Vec<PathBuf>) {
    let user_dir = crate::config::config_home().map(|d| d.join("containers/registries.conf.d"));
    let system_dir = PathBuf::from("/etc/containers/registries.conf.d");
    if let Some(p) = std::env::var_os("CONTAINERS_REGISTRIES_CONF").filter(|p| !p.is_empty()) {
        return (PathBuf::from(p), std::iter::once(system_dir).chain(user_dir).collect());
    }
    if let Some(user) = crate::config::config_home().map(|d| d.join("containers/registries.conf")) {
        if user.exists() {
            return (user, user_dir.into_iter().collect());
        }
    }
    (PathBuf::from("/etc/containers/registries.conf"), std::iter::once(system_dir).chain(user_dir).collect())
}

/// Reads `path` (if it exists) and the `*.conf` drop-ins of `<path>.d`, in name order.
pub fn load_from(path: &Path) -> Result<RegistriesConf> {
    let mut dir = path.as_os_str().to_owned();
    dir.push(".d");
    load_files(path, &[PathBuf::from(dir)])
}

/// Reads `path` (if it exists), then the drop-ins of each folder of `dirs`.
pub fn load_files(path: &Path, dirs: &[PathBuf]) -> Result<RegistriesConf> {
    let mut conf = match std::fs::read_to_string(path) {
        Ok(text) => RegistriesConf::parse(&text, path)?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => RegistriesConf::default(),
        Err(e) => return Err(Error::io_path("read", path, e)),
    };
    for dir in dirs {
        for p in crate::config::dropins(dir) {
            let text = std::fs::read_to_string(&p).map_err(|e| Error::io_path("read", &p, e))?;
            conf.merge(RegistriesConf::parse(&text, &p)?);
        }
    }
    Ok(conf)
}

/// The configuration in effect and the file it came from.
pub fn load() -> Result<(RegistriesConf, PathBuf)> {
    let (path, dirs) = files();
    Ok((load_files(&path, &dirs)?, path))
}

/// The fully qualified candidates for a name, in the order to try them:
/// the name itself if qualified, else each unqualified-search registry.
pub fn candidates(name: &str) -> Result<Vec<Reference>> {
    let parts = reference::split(name)?;
    if parts.registry.is_some() {
        return Ok(vec![Reference::parse(name)?]);
    }
    let (mut conf, path) = load()?;
    load_alias_cache(&mut conf)?;
    candidates_in(name, &conf, &path)
}

/// `candidates` against a given configuration (`origin` names it in errors).
pub fn candidates_in(name: &str, conf: &RegistriesConf, origin: &Path) -> Result<Vec<Reference>> {
    let parts = reference::split(name)?;
    if parts.registry.is_some() {
        return Ok(vec![Reference::parse(name)?]);
    }
    // An alias names exactly one image, as podman: it wins over the search list.
    if let Some(target) = conf.aliases.get(&parts.path) {
        let t = reference::split(target)
            .map_err(|e| Error::Reference(format!("alias \"{}\" in {} is not valid: {e}", parts.path, origin.display())))?;
        let Some(registry) = t.registry.as_deref() else {
            return Err(Error::Reference(format!(
                "alias \"{}\" = \"{target}\" in {} must be fully qualified (registry/repository)",
                parts.path,
                origin.display()
            )));
        };
        let aliased = reference::Parts { path: t.path.clone(), ..parts.clone() };
        return Ok(vec![Reference::qualify(registry, &aliased)]);
    }
    let search = conf.unqualified_search_registries.clone().unwrap_or_default();
    let search: Vec<&String> = search.iter().filter(|r| !r.trim().is_empty()).collect();
    if search.is_empty() {
        return Err(Error::Reference(format!(
            "short-name \"{name}\" cannot be resolved: no unqualified-search-registries are defined in {}; \
             use a fully qualified name (e.g. docker.io/library/{name} or quay.io/{name}) \
             or set unqualified-search-registries = [\"docker.io\"] in that file",
            origin.display()
        )));
    }
    let refs = search
        .into_iter()
        .map(|r| {
            let r = r.trim();
            if reference::split(&format!("{r}/x")).map(|p| p.registry.is_none()).unwrap_or(true) {
                return Err(Error::Reference(format!(
                    "unqualified-search-registries entry \"{r}\" in {} is not a registry host[:port]",
                    origin.display()
                )));
            }
            Ok(Reference::qualify(r, &parts))
        })
        .collect::<Result<Vec<Reference>>>()?;
    // podman prompts for a choice when enforcing on a terminal, and refuses
    // without one; sangja never prompts (a prompt in a script hangs it), so it
    // refuses in both cases and lists the choices.
    if refs.len() > 1 && conf.mode()? == ShortNameMode::Enforcing {
        let list: Vec<String> = refs.iter().map(|r| r.to_string()).collect();
        return Err(Error::Invalid(format!(
            "short-name \"{name}\" is ambiguous: it may be any of {} (unqualified-search-registries in {}), \
             and short-name-mode = \"enforcing\" refuses to guess (sangja does not prompt, with or without a terminal); \
             use a fully qualified name or add an alias under [aliases]",
            list.join(", "),
            origin.display()
        )));
    }
    Ok(refs)
}

/// How short names are resolved (short-name-mode).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShortNameMode {
    /// Several candidates are refused (podman prompts on a terminal).
    Enforcing,
    /// Candidates are tried in order (the default).
    Permissive,
    /// Candidates are tried in order.
    Disabled,
}

impl ShortNameMode {
    fn parse(s: &str) -> std::result::Result<ShortNameMode, String> {
        match s {
            "enforcing" => Ok(ShortNameMode::Enforcing),
            "permissive" | "" => Ok(ShortNameMode::Permissive),
            "disabled" => Ok(ShortNameMode::Disabled),
            other => Err(format!("short-name-mode = \"{other}\" is not valid: use enforcing, permissive or disabled")),
        }
    }
}

/// One place to pull an image from: a mirror or the registry itself.
#[derive(Debug, Clone, PartialEq)]
pub struct Source {
    /// The image at that place (rewritten by `location`).
    pub reference: Reference,
    /// TLS verification off and plain HTTP allowed.
    pub insecure: bool,
    /// A mirror (its failure falls back to the next source).
    pub mirror: bool,
}

impl RegistriesConf {
    /// The short-name mode in effect.
    pub fn mode(&self) -> Result<ShortNameMode> {
        ShortNameMode::parse(self.short_name_mode.as_deref().unwrap_or("")).map_err(Error::Invalid)
    }

    /// Where to pull `r` from, in order: the mirrors of its `[[registry]]`
    /// entry, then its location (the prefix rewritten). Refuses a blocked one.
    pub fn sources(&self, r: &Reference) -> Result<Vec<Source>> {
        let name = r.name_without_tag();
        let Some(e) = self.entry_for(&name, false) else {
            return Ok(vec![Source { reference: r.clone(), insecure: self.is_insecure(&r.registry), mirror: false }]);
        };
        if e.blocked {
            return Err(Error::Registry(format!(
                "{r}: registry {} is blocked in registries.conf ([[registry]] {}); pulling from it is refused",
                r.registry,
                e.key().unwrap_or("")
            )));
        }
        let key = e.key().unwrap_or("");
        // A wildcard prefix matches hosts; it has nothing to rewrite.
        let rest = if key.starts_with("*.") { None } else { name.strip_prefix(key) };
        let rewrite = |location: &str| -> Result<Reference> {
            let Some(rest) = rest else { return Ok(r.clone()) };
            let mut text = format!("{}{rest}", location.trim_end_matches('/'));
            if let Some(t) = &r.tag {
                text.push_str(&format!(":{t}"));
            }
            if let Some(d) = &r.digest {
                text.push_str(&format!("@{d}"));
            }
            let parts = reference::split(&text).map_err(|err| {
                Error::Invalid(format!("registries.conf: location \"{location}\" of [[registry]] {key} gives {text:?}: {err}"))
            })?;
            let Some(host) = parts.registry.clone() else {
                return Err(Error::Invalid(format!("registries.conf: location \"{location}\" of [[registry]] {key} has no registry host")));
            };
            Ok(Reference::qualify(&host, &parts))
        };
        let mut out = Vec::new();
        for m in &e.mirror {
            out.push(Source { reference: rewrite(&m.location)?, insecure: m.insecure, mirror: true });
        }
        let primary = rewrite(e.location.as_deref().unwrap_or(key))?;
        let insecure = e.insecure || self.is_insecure(&primary.registry);
        out.push(Source { reference: primary, insecure, mirror: false });
        Ok(out)
    }
}

/// The cache of short names chosen at podman's prompt (read, never written:
/// sangja does not prompt). Its aliases win over registries.conf's.
pub fn alias_cache_path() -> Option<PathBuf> {
    if crate::config::rootless() {
        crate::config::config_home().map(|d| d.join("containers/short-name-aliases.conf"))
    } else {
        Some(PathBuf::from("/var/cache/containers/short-name-aliases.conf"))
    }
}

fn load_alias_cache(conf: &mut RegistriesConf) -> Result<()> {
    let Some(p) = alias_cache_path() else { return Ok(()) };
    let Some(text) = crate::config::read_opt(&p)? else { return Ok(()) };
    let cache = RegistriesConf::parse(&text, &p)?;
    conf.aliases.extend(cache.aliases);
    Ok(())
}

/// Whether registries.conf marks the registry at `host` ("host[:port]") insecure.
pub fn insecure_registry(host: &str) -> bool {
    load().map(|(c, _)| c.is_insecure(host)).unwrap_or(false)
}

/// Whether registries.conf blocks pulls of `name` ("registry/repository").
pub fn blocked(name: &str) -> bool {
    load().map(|(c, _)| c.is_blocked(name)).unwrap_or(false)
}

#[cfg(test)]
#[path = "registries_tests.rs"]
mod more_tests;

#[cfg(test)]
mod tests {
    use super::*;

    fn conf(text: &str) -> RegistriesConf {
        RegistriesConf::parse(text, Path::new("test.conf")).unwrap()
    }

    fn names(v: Result<Vec<Reference>>) -> Vec<String> {
        v.unwrap().iter().map(|r| r.to_string()).collect()
    }

    #[test]
    fn search_order() {
        let c = conf(r#"unqualified-search-registries = ["127.0.0.1:5000", "docker.io", "quay.io"]"#);
        let p = Path::new("test.conf");
        assert_eq!(
            names(candidates_in("busybox", &c, p)),
            ["127.0.0.1:5000/busybox:latest", "docker.io/library/busybox:latest", "quay.io/busybox:latest"]
        );
        assert_eq!(names(candidates_in("a/b:1", &c, p))[1], "docker.io/a/b:1");
        assert_eq!(names(candidates_in("quay.io/x/y", &c, p)), ["quay.io/x/y:latest"]);
        assert_eq!(names(candidates_in("localhost/y", &c, p)), ["localhost/y:latest"]);
    }

    #[test]
    fn no_search_registries() {
        for c in [conf(""), conf("unqualified-search-registries = []")] {
            let e = candidates_in("busybox", &c, Path::new("/x/registries.conf")).unwrap_err().to_string();
            assert!(e.contains("short-name \"busybox\""), "{e}");
            assert!(e.contains("/x/registries.conf"), "{e}");
            assert!(e.contains("fully qualified"), "{e}");
        }
        // Qualified names never need the configuration.
        assert_eq!(names(candidates_in("quay.io/a", &conf(""), Path::new("x"))), ["quay.io/a:latest"]);
    }

    #[test]
    fn bad_names_and_entries() {
        let c = conf(r#"unqualified-search-registries = ["docker.io"]"#);
        assert!(candidates_in("Busybox", &c, Path::new("x")).is_err());
        let c = conf(r#"unqualified-search-registries = ["not a host"]"#);
        assert!(candidates_in("busybox", &c, Path::new("x")).is_err());
        assert!(RegistriesConf::parse("unqualified-search-registries = 3", Path::new("f.conf"))
            .unwrap_err()
            .to_string()
            .contains("f.conf"));
    }

    #[test]
    fn aliases_win() {
        let mut c = conf(r#"unqualified-search-registries = ["quay.io"]"#);
        c.merge(conf("[aliases]\n\"busybox\" = \"docker.io/library/busybox\"\n"));
        let p = Path::new("x");
        assert_eq!(names(candidates_in("busybox:1.36", &c, p)), ["docker.io/library/busybox:1.36"]);
        assert_eq!(names(candidates_in("alpine", &c, p)), ["quay.io/alpine:latest"]);
    }

    #[test]
    fn dropins_merge() {
        let mut c = conf(
            r#"
unqualified-search-registries = ["docker.io"]
[[registry]]
location = "reg.example.com:5000"
insecure = true
"#,
        );
        c.merge(conf(r#"unqualified-search-registries = ["quay.io"]"#));
        c.merge(conf(
            r#"
[[registry]]
location = "reg.example.com:5000"
insecure = false
[[registry]]
prefix = "*.internal"
location = "mirror.internal"
insecure = true
"#,
        ));
        assert_eq!(c.unqualified_search_registries, Some(vec!["quay.io".to_string()]));
        assert!(!c.is_insecure("reg.example.com:5000"));
        assert!(c.is_insecure("a.internal"));
        assert!(!c.is_insecure("internal"));
        assert!(!c.is_insecure("docker.io"));
    }

    #[test]
    fn insecure_and_blocked() {
        let c = conf(
            r#"
[[registry]]
location = "127.0.0.1:5000"
insecure = true
[[registry]]
prefix = "bad.io/evil"
location = "bad.io/evil"
blocked = true
"#,
        );
        assert!(c.is_insecure("127.0.0.1:5000"));
        assert!(!c.is_insecure("127.0.0.1:5001"));
        assert!(c.is_blocked("bad.io/evil"));
        assert!(c.is_blocked("bad.io/evil/sub"));
        assert!(!c.is_blocked("bad.io/evilx"));
        assert!(!c.is_blocked("bad.io/good"));
        assert!(!c.is_blocked("127.0.0.1:5000/x"));
    }

    #[test]
    fn v1_format() {
        let c = conf(
            r#"
[registries.search]
registries = ["docker.io", "quay.io"]
[registries.insecure]
registries = ["localhost:5000"]
[registries.block]
registries = ["evil.io"]
"#,
        );
        assert_eq!(c.unqualified_search_registries.as_ref().map(|v| v.len()), Some(2));
        assert!(c.is_insecure("localhost:5000"));
        assert!(c.is_blocked("evil.io/anything"));
    }

    #[test]
    fn files_and_dropins() {
        let dir = std::env::temp_dir().join(format!("sangja-regconf-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("registries.conf.d")).unwrap();
        let main = dir.join("registries.conf");
        std::fs::write(&main, "unqualified-search-registries = [\"docker.io\"]\n").unwrap();
        std::fs::write(dir.join("registries.conf.d/10-a.conf"), "unqualified-search-registries = [\"a.io\"]\n").unwrap();
        std::fs::write(dir.join("registries.conf.d/20-b.conf"), "[aliases]\n\"x\" = \"b.io/x\"\n").unwrap();
        std::fs::write(dir.join("registries.conf.d/ignored.txt"), "garbage").unwrap();
        let c = load_from(&main).unwrap();
        assert_eq!(c.unqualified_search_registries, Some(vec!["a.io".to_string()]));
        assert_eq!(c.aliases.get("x").map(String::as_str), Some("b.io/x"));
        assert_eq!(load_from(&dir.join("missing.conf")).unwrap(), RegistriesConf::default());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
