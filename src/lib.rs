//! sangja: a daemonless, rootless container tool. The library holds every
//! layer of DESIGN.md; `main.rs` only parses and dispatches.

pub mod config;
pub mod error;
pub mod json_file;
pub mod lock;
pub mod paths;
pub mod rootless;

pub mod image;
pub mod storage;

pub mod container;
pub mod network;
pub mod runtime;
pub mod systemd;

pub mod cli;
pub mod engine;

pub use error::{Error, Result};
