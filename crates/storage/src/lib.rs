//! Layers on disk and the drivers that assemble them into a rootfs.
//! Owner: storage helper. API used by image/ (pull) and engine/ (run, rm).

// The lower crates under the module names they had when all was one crate.
pub use sangja_core::overlay;
use sangja_core::{config, crash, error, json_file, lock, paths};
pub use sangja_fuse as fuse;

pub mod budget;
mod digest;
pub use digest::HashingWriter;
mod extract;

pub mod layers;
mod tarsplit;

pub mod tree;
pub mod vfs;
pub mod volumes;
mod xattrs;

pub use extract::extract_tar_plain;
pub use sangja_core::overlay::remove_tree;

#[cfg(test)]
mod tarsplit_tests;
#[cfg(test)]
mod tests;
