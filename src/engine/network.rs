//! The network of a container as it starts (network::attach with the
//! store's knowledge: the pid of a `container:NAME` target), and `port`.

use super::Engine;
use crate::container::record::{Container, ContainerStore};
use crate::container::NetworkMode;
use crate::error::{Error, Result};
use crate::network::{self, ports::PortBinding, Attachment};
use oci_spec::runtime::Spec;

/// Sets up the network of `container` and points `spec` at it. Keep the
/// returned Attachment until the container exits; call `started` once it runs.
pub fn attach(engine: &Engine, container: &Container, spec: &mut Spec) -> Result<Attachment> {
    let opts = &container.config.options;
    let target_pid = match &opts.network {
        NetworkMode::Container(name) => Some(target_pid(engine, name)?),
        _ => None,
    };
    network::attach(&opts.network, &opts.net, target_pid, &container.userdata_dir(), engine.identity.rootless, spec)
}

/// The init pid of a running container whose namespace another joins.
fn target_pid(engine: &Engine, name: &str) -> Result<i32> {
    let target = ContainerStore::new(&engine.paths).lookup(name)?;
    let pid = target
        .state
        .pid
        .filter(|_| target.is_running())
        .ok_or_else(|| Error::State(format!("container {name} is not running: start it before joining its network")))?;
    // Each rootless sangja has a user namespace of its own, and a network
    // namespace can only be joined from the user namespace owning it (or
    // an ancestor); say so rather than fail with EPERM deep in the runtime.
    if engine.identity.rootless {
        let ours = std::fs::read_link("/proc/self/ns/user").ok();
        let theirs = std::fs::read_link(format!("/proc/{pid}/ns/user")).ok();
        if ours != theirs {
            return Err(Error::Invalid(format!(
                "--network container:{name} is not supported rootless yet: {name} runs in another user namespace \
                 (each rootless sangja makes its own); run both as root, or publish {name}'s ports and connect to them"
            )));
        }
    }
    Ok(pid)
}

/// `port`: the published ports of a container (empty when it is not running).
pub fn ports(engine: &Engine, name_or_id: &str) -> Result<(Container, Vec<PortBinding>)> {
    let c = ContainerStore::new(&engine.paths).lookup(name_or_id)?;
    let state = network::read_state(&c.userdata_dir())?;
    let ports = if c.is_running() { state.ports } else { Vec::new() };
    Ok((c, ports))
}
