//! The bottom layer of sangja (DESIGN.md, "Layers of the code"): errors,
//! the store's paths, file locks, JSON files written atomically, the
//! configuration files, the rootless identity, and the overlay mount
//! options. Depends on no other sangja crate.

pub mod config;
pub mod crash;
pub mod error;
pub mod json_file;
pub mod lock;
pub mod overlay;
pub mod paths;
pub mod rootless;

pub use error::{Error, Result};
