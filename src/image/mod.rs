//! Images: references, registries, the image records of the store, pulling.
//! Speaks oci_spec::image (DESIGN.md seam).

pub mod login;
pub mod pull;
pub mod reference;
pub mod registries;
pub mod store;
pub mod token;
pub mod transport;
