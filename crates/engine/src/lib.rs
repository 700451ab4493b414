//! The use cases (pull, run, rm...): typed options in, typed results and
//! progress events out. Never prints; cli/ and api/ render.

// The lower crates under the module names they had when all was one crate.
use sangja_core::{config, crash, error, json_file, lock, paths};

pub mod archive;
pub mod attach;
pub mod auth;
pub mod build;
pub mod check;
pub mod commit;
pub mod containers;
pub mod cp_api;
pub mod drivers;
pub mod events;
pub mod exec;
pub mod fuse_mount;
pub mod generate;
pub mod images;
pub mod inspect;
pub mod layers;
pub mod lifecycle;
pub mod logs;
pub mod monitor;
pub mod mounts;
pub mod names;
pub mod network;
pub mod prune;
pub mod push;
pub mod recover;
pub mod restart;
pub mod rootview;
pub mod run;
pub mod select;
pub mod stats;
pub mod system;
pub mod top;
pub mod userns;
pub mod volumes;
pub mod worker;
// issue 17, share-verbs: image verbs and local manifest lists
pub mod history;
pub mod image_filter;
pub mod image_mount;
pub mod manifest;
pub mod search;
pub mod tags;
// issue 19, verbs: events, secrets, healthcheck, update
pub mod container_init;
pub mod events_log;
pub mod healthcheck;
pub mod secrets;
pub mod update;
pub mod volume_io;
// issue 20, api-objects: engine calls the API service runs in a worker
pub mod calls;
pub mod spawner;

use crate::error::Result;
use crate::paths::StorePaths;
use events::{Event, WarningKind};
use sangja_core::rootless::{self, Identity};
use std::path::PathBuf;

/// An opened store, with the process inside the right user namespace.
pub struct Engine {
    pub paths: StorePaths,
    pub identity: Identity,
    /// debug/info logging asked for with --log-level.
    pub verbose: bool,
    /// Where warnings, progress and notices go (events.rs): the caller's.
    pub events: events::Sink,
}

impl Engine {
    /// Computes the paths, enters the user namespace (rootless) when `userns`
    /// and prepares the store. Must be called while the process is
    /// single-threaded. Commands that only read records (ps, images, inspect)
    /// skip the user namespace: the records belong to the user on the host too,
    /// and not entering saves a fork and two execs of newuidmap.
    /// Events from the start on (a warning of the user namespace, the
    /// notice of a new store) go to `events`.
    pub fn open(
        root: Option<PathBuf>,
        runroot: Option<PathBuf>,
        driver: Option<String>,
        log_level: &str,
        userns: bool,
        events: events::Sink,
    ) -> Result<Engine> {
        let paths = StorePaths::new(root, runroot, driver)?;
        let identity = if userns {
            rootless::enter(&paths.runroot, &mut |m: String| events.emit(Event::warning(WarningKind::NoSubordinateIds, m)))?
        } else {
            rootless::outside()
        };
        if let Some(message) = paths.ensure()? {
            events.emit(Event::Notice { message });
        }
        Ok(Engine { paths, identity, verbose: matches!(log_level, "debug" | "trace" | "info"), events })
    }

    /// Sends `event` to the caller's sink.
    pub fn emit(&self, event: Event) {
        self.events.emit(event);
    }

    /// A callback for the runtime's notices (runtime::Notice), as events.
    pub fn runtime_notices(&self) -> impl FnMut(sangja_runtime::Notice) + '_ {
        move |n| self.emit(events::from_runtime(n))
    }
}
