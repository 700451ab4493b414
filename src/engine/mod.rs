//! The use cases (pull, run, rm...): typed options in, typed results and
//! progress events out. Never prints; cli/ and api/ render.

pub mod attach;
pub mod commit;
pub mod containers;
pub mod drivers;
pub mod exec;
pub mod images;
pub mod layers;
pub mod lifecycle;
pub mod logs;
pub mod network;
pub mod rootview;
pub mod run;
pub mod select;
pub mod stats;
pub mod top;
pub mod volumes;

use crate::error::Result;
use crate::paths::StorePaths;
use crate::rootless::{self, Identity};
use std::path::PathBuf;

/// An opened store, with the process inside the right user namespace.
pub struct Engine {
    pub paths: StorePaths,
    pub identity: Identity,
    /// debug/info logging asked for with --log-level.
    pub verbose: bool,
}

impl Engine {
    /// Computes the paths, enters the user namespace (rootless) when `userns`
    /// and prepares the store. Must be called while the process is
    /// single-threaded. Commands that only read records (ps, images, inspect)
    /// skip the user namespace: the records belong to the user on the host too,
    /// and not entering saves a fork and two execs of newuidmap.
    pub fn open(root: Option<PathBuf>, runroot: Option<PathBuf>, driver: Option<String>, log_level: &str, userns: bool) -> Result<Engine> {
        let paths = StorePaths::new(root, runroot, driver)?;
        let identity = if userns { rootless::enter(&paths.runroot)? } else { rootless::outside() };
        paths.ensure()?;
        Ok(Engine { paths, identity, verbose: matches!(log_level, "debug" | "trace" | "info") })
    }
}
