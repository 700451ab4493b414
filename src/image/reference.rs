//! Image references, parsed and normalised like podman
//! (docker.io/library/ default, tags, digests, localhost/).

use crate::error::Result;

/// A fully qualified image reference.
#[derive(Debug, Clone, PartialEq, Eq)]
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

impl Reference {
    /// Parses a reference; a name without a registry is qualified with docker.io
    /// (use `registries::candidates` for short-name resolution instead).
    pub fn parse(s: &str) -> Result<Reference> {
        let _ = s;
        unimplemented!()
    }
}
