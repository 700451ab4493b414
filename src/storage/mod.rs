//! Layers on disk and the drivers that assemble them into a rootfs.
//! Owner: storage helper. API used by image/ (pull) and engine/ (run, rm).

pub mod budget;
mod digest;
mod extract;
pub mod fuse;
pub mod layers;
pub mod overlay;
pub mod tree;
pub mod vfs;
pub mod volumes;
mod xattrs;

pub use extract::extract_tar_plain;
pub use overlay::remove_tree;

#[cfg(test)]
mod tests;
