//! `update`: new resource limits for a container: written to its record
//! and spec (the next start uses them) and, while it runs, to its cgroups.
//! Where no cgroup controller is writable (rootless without a delegated
//! v2 subtree, as on a cgroup v1 host) the limits cannot be enforced and
//! update refuses, naming why, as podman does; nothing is changed then.

use crate::error::{Error, Result};
use crate::Engine;
use sangja_container::record::ContainerStore;
pub use sangja_container::resources::ResourceOptions;

/// `update CTR`: the limits given (None: unchanged).
#[derive(Debug, Clone, Default)]
pub struct UpdateRequest {
    pub container: String,
    pub memory: Option<String>,
    pub memory_swap: Option<String>,
    pub memory_reservation: Option<String>,
    pub cpus: Option<String>,
    pub cpu_shares: Option<u64>,
    pub cpuset_cpus: Option<String>,
    pub cpuset_mems: Option<String>,
    pub pids_limit: Option<i64>,
}

/// Applies the request; returns the container's id.
pub fn update(engine: &Engine, req: &UpdateRequest) -> Result<String> {
    let store = ContainerStore::new(&engine.paths);
    let _guard = crate::lock::exclusive(&engine.paths.store_lock())?;
    let mut c = store.lookup(&req.container)?;
    let mut o = c.config.options.resources.clone();
    let set = |dst: &mut Option<String>, v: &Option<String>| {
        if v.is_some() {
            *dst = v.clone();
        }
    };
    set(&mut o.memory, &req.memory);
    set(&mut o.memory_swap, &req.memory_swap);
    set(&mut o.memory_reservation, &req.memory_reservation);
    set(&mut o.cpus, &req.cpus);
    set(&mut o.cpuset_cpus, &req.cpuset_cpus);
    set(&mut o.cpuset_mems, &req.cpuset_mems);
    if req.cpu_shares.is_some() {
        o.cpu_shares = req.cpu_shares;
    }
    if req.pids_limit.is_some() {
        o.pids_limit = req.pids_limit;
    }
    // A new --memory without --memory-swap: swap follows it (twice), as at create.
    if req.memory.is_some() && req.memory_swap.is_none() && o.memory_swap.as_deref() != Some("-1") {
        o.memory_swap = None;
    }
    let spec_path = c.dir.join("spec.json");
    let mut spec: oci_spec::runtime::Spec = crate::json_file::read(&spec_path)?;
    let mut fresh = spec.clone();
    sangja_container::resources::apply(&mut fresh, &o, &c.config.id, None, &mut engine.runtime_notices())?;
    let res = fresh.linux().as_ref().and_then(|l| l.resources().clone()).unwrap_or_default();
    let mut linux = spec.linux().clone().unwrap_or_default();
    let path = linux
        .cgroups_path()
        .clone()
        .or_else(|| fresh.linux().as_ref().and_then(|l| l.cgroups_path().clone()))
        .ok_or_else(|| Error::State(format!("container {} has no cgroup to update", c.config.name)))?;
    if c.is_running() {
        sangja_runtime::cgroups::update(&path.to_string_lossy(), &res)?;
    }
    linux.set_resources(Some(res));
    linux.set_cgroups_path(Some(path));
    spec.set_linux(Some(linux));
    crate::json_file::write(&spec_path, &spec)?;
    c.config.options.resources = o;
    crate::json_file::write(&c.dir.join("config.json"), &c.config)?;
    super::events_log::container(engine, &c, "update");
    Ok(c.config.id)
}
