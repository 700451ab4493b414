//! Images: references, registries, the image records of the store, pulling.
//! Speaks oci_spec::image (DESIGN.md seam).

// The lower crates under the module names they had when all was one crate.
use sangja_core::{config, crash, error, json_file, lock, paths};
use sangja_storage as storage;

pub mod archive;
pub mod blobinfo;
pub mod login;
pub mod pull;
pub mod push;
pub mod reference;
pub mod registries;
pub mod remote;
pub mod store;
pub mod token;
pub mod transport;
