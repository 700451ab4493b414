//! sangja: a daemonless, rootless container tool. This crate is the top of
//! the workspace (ARCHITECTURE.md): cli/ parses and renders; every layer
//! below is its own crate under crates/, re-exported here under the module
//! names the code uses.

pub use sangja_api as api;
pub use sangja_container as container;
pub use sangja_core::{config, error, json_file, lock, paths, rootless};
pub use sangja_engine as engine;
pub use sangja_image as image;
pub use sangja_network as network;
pub use sangja_runtime as runtime;
pub use sangja_storage as storage;
pub use sangja_systemd as systemd;

pub mod cli;

pub use error::{Error, Result};
