//! registries.conf: unqualified-search-registries for short names.

use super::reference::Reference;
use crate::error::Result;

/// The fully qualified candidates for a name, in the order to try them:
/// the name itself if qualified, else each unqualified-search registry.
pub fn candidates(name: &str) -> Result<Vec<Reference>> {
    let _ = name;
    unimplemented!()
}
