//! Image references, parsed and normalised like podman
//! (docker.io/library/ default, tags, digests, localhost/).
//!
//! Grammar (distribution/reference): `[registry[:port]/]path[:tag][@sha256:hex]`.

use crate::error::{Error, Result};
use std::fmt;

/// The registry a name without one belongs to, as docker and podman.
pub const DEFAULT_REGISTRY: &str = "docker.io";
/// The tag a name without tag or digest gets.
pub const DEFAULT_TAG: &str = "latest";

/// Longest repository path docker accepts.
const MAX_NAME_LEN: usize = 255;

/// A fully qualified image reference.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Reference {
    /// Registry host[:port], e.g. "docker.io", "127.0.0.1:5000", "localhost".
    pub registry: String,
    /// Repository path, e.g. "library/busybox".
    pub repository: String,
    /// Tag; `None` only when a digest is given.
    pub tag: Option<String>,
    /// Digest "sha256:<hex>".
    pub digest: Option<String>,
}

/// A reference split into its parts, before any default is applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parts {
    /// The explicit registry, if the name has one.
    pub registry: Option<String>,
    /// The repository path as written ("busybox", "library/busybox").
    pub path: String,
    /// The tag as written.
    pub tag: Option<String>,
    /// The digest as written (validated).
    pub digest: Option<String>,
}

fn invalid(s: &str, why: &str) -> Error {
    Error::Reference(format!("invalid image reference \"{s}\": {why}"))
}

/// Whether the first component of a name is a registry host, by docker's rule.
fn is_registry_component(c: &str) -> bool {
    c.contains('.') || c.contains(':') || c == "localhost"
}

/// A path component: `[a-z0-9]+(?:(?:[._]|__|[-]*)[a-z0-9]+)*`.
fn valid_component(c: &str) -> bool {
    let b = c.as_bytes();
    let alnum = |x: u8| x.is_ascii_lowercase() || x.is_ascii_digit();
    if b.is_empty() || !alnum(b[0]) || !alnum(b[b.len() - 1]) {
        return false;
    }
    let mut i = 0;
    while i < b.len() {
        if alnum(b[i]) {
            i += 1;
            continue;
        }
        // A separator run: ".", "_", "__" or any number of "-".
        let start = i;
        while i < b.len() && !alnum(b[i]) {
            i += 1;
        }
        let sep = &c[start..i];
        let ok = sep == "." || sep == "_" || sep == "__" || sep.bytes().all(|x| x == b'-');
        if !ok {
            return false;
        }
    }
    true
}

/// host[:port]: dot-separated labels of letters, digits and inner '-', or a
/// bracketed IPv6 address.
fn valid_registry(r: &str) -> bool {
    let (host, port) = if let Some(rest) = r.strip_prefix('[') {
        match rest.split_once(']') {
            Some((v6, after)) => {
                if v6.is_empty() || !v6.chars().all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.') {
                    return false;
                }
                match after {
                    "" => return true,
                    p => match p.strip_prefix(':') {
                        Some(port) => ("", Some(port)),
                        None => return false,
                    },
                }
            }
            None => return false,
        }
    } else {
        match r.split_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (r, None),
        }
    };
    if let Some(p) = port {
        if p.is_empty() || p.len() > 5 || !p.bytes().all(|b| b.is_ascii_digit()) {
            return false;
        }
    }
    if host.is_empty() {
        return r.starts_with('[');
    }
    host.split('.').all(|label| {
        let b = label.as_bytes();
        !b.is_empty()
            && b[0].is_ascii_alphanumeric()
            && b[b.len() - 1].is_ascii_alphanumeric()
            && b.iter().all(|x| x.is_ascii_alphanumeric() || *x == b'-')
    })
}

/// `[\w][\w.-]{0,127}`.
fn valid_tag(t: &str) -> bool {
    let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let b = t.as_bytes();
    !b.is_empty() && b.len() <= 128 && word(b[0]) && b.iter().all(|&x| word(x) || x == b'.' || x == b'-')
}

fn check_digest(s: &str, d: &str) -> Result<()> {
    let Some((alg, hex)) = d.split_once(':') else {
        return Err(invalid(s, &format!("digest \"{d}\" must look like sha256:<64 hex digits>")));
    };
    if alg != "sha256" {
        return Err(invalid(s, &format!("unsupported digest algorithm \"{alg}\": only sha256 is supported")));
    }
    if hex.len() != 64 || !hex.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) {
        return Err(invalid(s, "a sha256 digest must be 64 lowercase hex digits"));
    }
    Ok(())
}

/// Splits and validates a reference without applying any default.
pub fn split(s: &str) -> Result<Parts> {
    if s.is_empty() {
        return Err(Error::Reference("invalid image reference: the name is empty".into()));
    }
    if s.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(invalid(s, "it contains whitespace"));
    }
    let (rest, digest) = match s.split_once('@') {
        Some((r, d)) => {
            check_digest(s, d)?;
            (r, Some(d.to_string()))
        }
        None => (s, None),
    };
    // A ':' after the last '/' starts the tag; one before it is a registry port.
    let last_slash = rest.rfind('/').map(|i| i + 1).unwrap_or(0);
    let (name, tag) = match rest[last_slash..].find(':') {
        Some(i) => {
            let t = &rest[last_slash + i + 1..];
            if !valid_tag(t) {
                return Err(invalid(
                    s,
                    &format!("tag \"{t}\" is not valid: use up to 128 letters, digits, '_', '.', '-', not starting with '.' or '-'"),
                ));
            }
            (&rest[..last_slash + i], Some(t.to_string()))
        }
        None => (rest, None),
    };
    if name.is_empty() {
        return Err(invalid(s, "the repository name is empty"));
    }
    let (registry, path) = match name.split_once('/') {
        Some((first, path)) if is_registry_component(first) => {
            if !valid_registry(first) {
                return Err(invalid(s, &format!("\"{first}\" is not a valid registry host[:port]")));
            }
            (Some(first.to_string()), path)
        }
        _ => (None, name),
    };
    if path.chars().any(|c| c.is_ascii_uppercase()) {
        return Err(invalid(s, "repository name must be lowercase"));
    }
    if path.len() > MAX_NAME_LEN {
        return Err(invalid(s, &format!("repository name is longer than {MAX_NAME_LEN} characters")));
    }
    if let Some(bad) = path.split('/').find(|c| !valid_component(c)) {
        let why = if bad.is_empty() {
            "the repository path has an empty component (\"//\" or a trailing '/')".to_string()
        } else {
            format!("\"{bad}\" is not a valid path component: use lowercase letters, digits and single '.', '_', '__' or '-' separators")
        };
        return Err(invalid(s, &why));
    }
    Ok(Parts { registry, path: path.to_string(), tag, digest })
}

/// Whether `s` names its registry explicitly ("quay.io/x", "localhost/x", "host:5000/x").
pub fn is_qualified(s: &str) -> bool {
    let name = s.split_once('@').map(|(n, _)| n).unwrap_or(s);
    matches!(name.split_once('/'), Some((first, _)) if is_registry_component(first))
}

impl Reference {
    /// Parses a reference; a name without a registry is qualified with docker.io
    /// (use `registries::candidates` for short-name resolution instead).
    pub fn parse(s: &str) -> Result<Reference> {
        let p = split(s)?;
        let registry = p.registry.clone().unwrap_or_else(|| DEFAULT_REGISTRY.to_string());
        Ok(Reference::qualify(&registry, &p))
    }

    /// Builds the reference that `parts` names in `registry`, applying docker.io's
    /// "library/" prefix and the default tag.
    pub fn qualify(registry: &str, parts: &Parts) -> Reference {
        // index.docker.io and registry-1.docker.io are docker.io's aliases; one
        // spelling keeps names and lookups consistent.
        let registry = match registry {
            "index.docker.io" | "registry-1.docker.io" => DEFAULT_REGISTRY,
            r => r,
        };
        let repository =
            if registry == DEFAULT_REGISTRY && !parts.path.contains('/') { format!("library/{}", parts.path) } else { parts.path.clone() };
        let tag = match (&parts.tag, &parts.digest) {
            (None, None) => Some(DEFAULT_TAG.to_string()),
            (t, _) => t.clone(),
        };
        Reference { registry: registry.to_string(), repository, tag, digest: parts.digest.clone() }
    }

    /// "registry/repository", without tag or digest.
    pub fn name_without_tag(&self) -> String {
        format!("{}/{}", self.registry, self.repository)
    }

    /// The last component of the repository path ("busybox" of "library/busybox").
    pub fn short_name(&self) -> &str {
        self.repository.rsplit('/').next().unwrap_or(&self.repository)
    }

    /// This reference with only its tag (no digest); `None` if it has no tag.
    pub fn tagged_name(&self) -> Option<String> {
        self.tag.as_ref().map(|t| format!("{}:{t}", self.name_without_tag()))
    }

    /// The reference oci-client works with.
    pub fn to_oci(&self) -> oci_client::Reference {
        let (r, p) = (self.registry.clone(), self.repository.clone());
        match (&self.tag, &self.digest) {
            (Some(t), Some(d)) => oci_client::Reference::with_tag_and_digest(r, p, t.clone(), d.clone()),
            (_, Some(d)) => oci_client::Reference::with_digest(r, p, d.clone()),
            (t, None) => oci_client::Reference::with_tag(r, p, t.clone().unwrap_or_else(|| DEFAULT_TAG.into())),
        }
    }
}

impl fmt::Display for Reference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.registry, self.repository)?;
        if let Some(t) = &self.tag {
            write!(f, ":{t}")?;
        }
        if let Some(d) = &self.digest {
            write!(f, "@{d}")?;
        }
        Ok(())
    }
}

impl std::str::FromStr for Reference {
    type Err = Error;
    fn from_str(s: &str) -> Result<Reference> {
        Reference::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const D: &str = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    fn p(s: &str) -> String {
        match Reference::parse(s) {
            Ok(r) => r.to_string(),
            Err(e) => panic!("{s}: {e}"),
        }
    }

    fn err(s: &str) -> String {
        match Reference::parse(s) {
            Ok(r) => panic!("{s} parsed as {r}"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn defaults() {
        assert_eq!(p("busybox"), "docker.io/library/busybox:latest");
        assert_eq!(p("busybox:1.36"), "docker.io/library/busybox:1.36");
        assert_eq!(p("library/busybox"), "docker.io/library/busybox:latest");
        assert_eq!(p("a/b/c"), "docker.io/a/b/c:latest");
        assert_eq!(p("docker.io/busybox"), "docker.io/library/busybox:latest");
        assert_eq!(p("index.docker.io/busybox"), "docker.io/library/busybox:latest");
        assert_eq!(p("user/app:v1"), "docker.io/user/app:v1");
    }

    #[test]
    fn registries() {
        assert_eq!(p("127.0.0.1:5000/busybox"), "127.0.0.1:5000/busybox:latest");
        assert_eq!(p("localhost/foo:1"), "localhost/foo:1");
        assert_eq!(p("localhost:5000/a/b"), "localhost:5000/a/b:latest");
        assert_eq!(p("quay.io/podman/hello"), "quay.io/podman/hello:latest");
        assert_eq!(p("[::1]:5000/x"), "[::1]:5000/x:latest");
        let r = Reference::parse("127.0.0.1:5000/busybox").unwrap();
        assert_eq!(r.registry, "127.0.0.1:5000");
        assert_eq!(r.repository, "busybox");
        assert_eq!(r.name_without_tag(), "127.0.0.1:5000/busybox");
        assert_eq!(r.short_name(), "busybox");
    }

    #[test]
    fn digests() {
        let r = Reference::parse(&format!("busybox@{D}")).unwrap();
        assert_eq!(r.tag, None);
        assert_eq!(r.digest.as_deref(), Some(D));
        assert_eq!(r.to_string(), format!("docker.io/library/busybox@{D}"));
        let r = Reference::parse(&format!("foo:bar@{D}")).unwrap();
        assert_eq!(r.tag.as_deref(), Some("bar"));
        assert_eq!(r.to_string(), format!("docker.io/library/foo:bar@{D}"));
        assert_eq!(r.tagged_name().as_deref(), Some("docker.io/library/foo:bar"));
        assert_eq!(p(&format!("host:5000/x@{D}")), format!("host:5000/x@{D}"));
    }

    #[test]
    fn refused() {
        assert!(err("Busybox").contains("must be lowercase"));
        assert!(err("quay.io/Foo/bar").contains("must be lowercase"));
        assert!(err("busybox@sha256:abc").contains("64 lowercase hex"));
        assert!(err(&format!("busybox@{}", D.to_uppercase().replace("SHA256", "sha256"))).contains("64 lowercase hex"));
        assert!(err("busybox@md5:0123").contains("only sha256"));
        assert!(err("busybox@0123").contains("sha256:<64"));
        assert!(err("busybox:").contains("tag"));
        assert!(err("busybox:.bad").contains("tag"));
        assert!(err(&format!("busybox:{}", "a".repeat(129))).contains("tag"));
        assert!(err("").contains("empty"));
        assert!(err("a//b").contains("empty component"));
        assert!(err("a/").contains("empty component"));
        assert!(err("-a").contains("path component"));
        assert!(err("a..b").contains("path component"));
        assert!(err("busy box").contains("whitespace"));
        assert!(err("host:port/x").contains("registry"));
        assert!(err("quay.io/").contains("empty"));
    }

    #[test]
    fn separators() {
        assert_eq!(p("a_b/c__d/e-f/g---h/i.j"), "docker.io/a_b/c__d/e-f/g---h/i.j:latest");
        assert!(Reference::parse("a___b").is_err());
        assert_eq!(p("a:v1.2_3-rc"), "docker.io/library/a:v1.2_3-rc");
    }

    #[test]
    fn qualified() {
        assert!(is_qualified("quay.io/x"));
        assert!(is_qualified("localhost/x"));
        assert!(is_qualified("127.0.0.1:5000/busybox"));
        assert!(!is_qualified("busybox"));
        assert!(!is_qualified("busybox:1"));
        assert!(!is_qualified("library/busybox"));
        assert!(!is_qualified(&format!("busybox@{D}")));
    }

    #[test]
    fn to_oci() {
        let r = Reference::parse("127.0.0.1:5000/a/b:t").unwrap().to_oci();
        assert_eq!(r.registry(), "127.0.0.1:5000");
        assert_eq!(r.repository(), "a/b");
        assert_eq!(r.tag(), Some("t"));
    }
}
