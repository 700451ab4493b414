//! Rootless: which user namespace a command must enter instead of making
//! its own. A network namespace can only be joined from the user namespace
//! that owns it, so `--network container:NAME` joins NAME's, and commands on
//! user networks join the network keeper's (network/rootless_netns.rs).
//! Chosen before the engine opens (rootless::enter runs then).

use crate::error::Result;
use crate::paths::StorePaths;
use sangja_container::record::ContainerStore;
use sangja_container::NetworkMode;
use sangja_network::{self as network, rootless_netns};
use std::path::{Path, PathBuf};

/// The commands that may need another user namespace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UsernsFor {
    /// `network connect|disconnect`: the keeper's, if it runs.
    NetworkChange,
    /// `run --network MODE`.
    Run { network: String },
    /// `rm`: of a container on a user network, the keeper's, so that a
    /// kill -9'd monitor's DNAT table in the shared namespace can go
    /// (engine/network.rs cleanup).
    Rm { all: bool, containers: Vec<String> },
    /// `start` of one container: as its `--network` says.
    Start { container: String },
}

/// The user namespace (/proc/PID/ns/user) to enter, if not sangja's own.
/// None as root, inside the user namespace already, or when the target is
/// missing or stopped (its error then comes from the engine). `paths` is
/// called only when the store must be read.
pub fn select(paths: &dyn Fn() -> Result<StorePaths>, req: &UsernsFor) -> Result<Option<PathBuf>> {
    if crate::paths::host_uid() == 0 || std::env::var_os(crate::rootless::ENV_HOST_UID).is_some() {
        return Ok(None);
    }
    let keeper = |p: &StorePaths| rootless_netns::running(&p.runroot).map(|k| PathBuf::from(format!("/proc/{}/ns/user", k.pid)));
    let mode = match req {
        UsernsFor::NetworkChange => return Ok(keeper(&paths()?)),
        UsernsFor::Run { network } => network::parse_mode(network, true).unwrap_or_default(),
        UsernsFor::Rm { all, containers } => {
            let p = paths()?;
            let store = ContainerStore::new(&p);
            let on_bridge = |n: &String| store.lookup(n).is_ok_and(|c| matches!(c.config.options.network, NetworkMode::Bridge(_)));
            match *all || containers.iter().any(on_bridge) {
                true => NetworkMode::Bridge(Vec::new()),
                false => return Ok(None),
            }
        }
        UsernsFor::Start { container } => {
            let p = paths()?;
            let Ok(c) = ContainerStore::new(&p).lookup(container) else { return Ok(None) };
            c.config.options.network
        }
    };
    let target = match mode {
        NetworkMode::Container(t) => t,
        // User networks: the keeper's user namespace, if it runs.
        NetworkMode::Bridge(_) => return Ok(keeper(&paths()?)),
        _ => return Ok(None),
    };
    let p = paths()?;
    let Ok(c) = ContainerStore::new(&p).lookup(&target) else { return Ok(None) };
    Ok(c.state.pid.filter(|_| c.is_running()).map(|pid| PathBuf::from(format!("/proc/{pid}/ns/user"))))
}

/// Makes the coming Engine::open (rootless::enter) join `ns` rather than
/// make a user namespace. Call while the process is single-threaded.
pub fn join_on_open(ns: &Path) {
    std::env::set_var(crate::rootless::ENV_JOIN_USERNS, ns);
}
