//! Container networking: the network modes, the user-mode backends (pasta,
//! slirp4netns) that give a rootless container's own namespace a way out,
//! published ports, and the network parts of /etc/hosts and resolv.conf.
//!
//! Order of events at start: a holder process makes the container's network
//! namespace (netns.rs), the backend configures it and binds the published
//! ports, the container joins it by path, then the holder goes away. The
//! network is therefore up before the container's command runs.

// The lower crates under the module names they had when all was one crate.
use sangja_core::{config, error, json_file, lock};
use sangja_runtime as runtime;

pub mod backend;
pub mod bridge;
pub mod hosts;
pub mod netlink;
pub mod netns;
pub mod nft;
pub mod pasta;
pub mod ports;
pub mod rootless_netns;
pub mod slirp4netns;
pub mod store;

use crate::error::{Error, Result};
use oci_spec::runtime::{LinuxNamespaceType, Spec};
use ports::{PortBinding, PortRequest};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Network modes available now.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NetworkMode {
    /// A new, empty network namespace (only lo).
    #[default]
    None,
    /// The host's network namespace.
    Host,
    /// A namespace of its own, reached through pasta (options passed on).
    Pasta(Vec<String>),
    /// A namespace of its own, reached through slirp4netns (options).
    Slirp4netns(Vec<String>),
    /// Another container's namespace (`container:NAME`).
    Container(String),
    /// An existing namespace by path (`ns:PATH`).
    Ns(String),
    /// Bridge networks by name (root default: the `sangja` network).
    Bridge(Vec<String>),
}

/// Network flags of `run`/`create` besides `--network`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetOptions {
    /// `-p`.
    #[serde(default)]
    pub publish: Vec<PortRequest>,
    /// `--add-host NAME:IP`.
    #[serde(default)]
    pub add_hosts: Vec<String>,
    /// `--dns`, `--dns-search`, `--dns-option`.
    #[serde(default)]
    pub dns: Vec<String>,
    #[serde(default)]
    pub dns_search: Vec<String>,
    #[serde(default)]
    pub dns_options: Vec<String>,
    /// `--mac-address`, `--ip`.
    #[serde(default)]
    pub mac_address: Option<String>,
    #[serde(default)]
    pub ip: Option<String>,
    /// `--network-alias`: more names on bridge networks.
    #[serde(default)]
    pub aliases: Vec<String>,
}

/// Parses `--network`: none, host, pasta[:OPT,...], slirp4netns[:OPT,...],
/// container:NAME, ns:PATH. podman's `private` and `bridge` mean the default.
pub fn parse_mode(s: &str, rootless: bool) -> Result<NetworkMode> {
    let (kind, rest) = match s.split_once(':') {
        Some((k, r)) => (k, Some(r)),
        None => (s, None),
    };
    let opts = || rest.map(|r| r.split(',').filter(|o| !o.is_empty()).map(String::from).collect()).unwrap_or_default();
    Ok(match kind {
        "none" => NetworkMode::None,
        "host" => NetworkMode::Host,
        "pasta" => NetworkMode::Pasta(opts()),
        "slirp4netns" => NetworkMode::Slirp4netns(opts()),
        "container" => match rest.filter(|r| !r.is_empty()) {
            Some(name) => NetworkMode::Container(name.to_string()),
            None => return Err(Error::Invalid("--network container: needs a container name: --network container:NAME".into())),
        },
        "ns" => match rest.filter(|r| r.starts_with('/')) {
            Some(path) => NetworkMode::Ns(path.to_string()),
            None => return Err(Error::Invalid("--network ns: needs an absolute path: --network ns:/run/netns/NAME".into())),
        },
        "bridge" if !rootless => NetworkMode::Bridge(Vec::new()),
        "private" | "bridge" | "" => default_mode(rootless)?,
        // Anything else names user networks (checked against the store by
        // the engine when the container is created): NAME[,NAME...].
        other if rest.is_none() => {
            let names: Vec<String> = other.split(',').filter(|n| !n.is_empty()).map(String::from).collect();
            for n in &names {
                store::validate_name(n).map_err(|_| {
                    Error::Invalid(format!(
                        "network mode {n:?} is not available: use none, host, pasta, slirp4netns, bridge, container:NAME, ns:PATH or a network's name"
                    ))
                })?;
            }
            NetworkMode::Bridge(names)
        }
        other => {
            return Err(Error::Invalid(format!(
                "network mode {other:?} is not available: use none, host, pasta, slirp4netns, bridge, container:NAME, ns:PATH or a network's name"
            )))
        }
    })
}

/// The default network: rootless, pasta when installed (as podman 5), else
/// slirp4netns, else none — or the one containers.conf's [network]
/// default_rootless_network_cmd names; as root the bridge network with NAT
/// (as podman's root default) when nft is there to do the NAT: the `sangja`
/// network, or the one [network] default_network names.
pub fn default_mode(rootless: bool) -> Result<NetworkMode> {
    let conf = crate::config::containers_conf::load()?.conf.network;
    if rootless {
        return match conf.default_rootless_network_cmd.as_deref() {
            None | Some("") if backend::installed("pasta") => Ok(NetworkMode::Pasta(Vec::new())),
            None | Some("") if backend::installed("slirp4netns") => Ok(NetworkMode::Slirp4netns(Vec::new())),
            None | Some("") => Ok(NetworkMode::None),
            Some("pasta") => Ok(NetworkMode::Pasta(Vec::new())),
            Some("slirp4netns") => Ok(NetworkMode::Slirp4netns(Vec::new())),
            Some(other) => Err(Error::Invalid(format!(
                "containers.conf: [network] default_rootless_network_cmd = {other:?} is not a network command: use \"pasta\" or \"slirp4netns\""
            ))),
        };
    }
    if nft::find().is_err() {
        return Ok(NetworkMode::None);
    }
    Ok(match conf.default_network.as_deref() {
        // podman's own default name means the default network here too.
        None | Some("") | Some("podman") | Some(store::DEFAULT_NAME) => NetworkMode::Bridge(Vec::new()),
        Some(name) => NetworkMode::Bridge(vec![name.to_string()]),
    })
}

/// podman's name of a mode (`inspect`'s NetworkMode).
pub fn mode_name(mode: &NetworkMode) -> String {
    match mode {
        NetworkMode::None => "none".into(),
        NetworkMode::Host => "host".into(),
        NetworkMode::Pasta(_) => "pasta".into(),
        NetworkMode::Slirp4netns(_) => "slirp4netns".into(),
        NetworkMode::Container(n) => format!("container:{n}"),
        NetworkMode::Ns(p) => format!("ns:{p}"),
        NetworkMode::Bridge(n) if n.is_empty() => "bridge".into(),
        NetworkMode::Bridge(n) => n.join(","),
    }
}

/// Whether the mode makes a namespace of the container's own.
pub fn own_namespace(mode: &NetworkMode) -> bool {
    !matches!(mode, NetworkMode::Host)
}

/// What the container's network looks like while it runs:
/// userdata/network.json (read by `port`, and to find the backend).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct NetState {
    /// "pasta" or "slirp4netns"; empty without a backend.
    pub backend: String,
    /// Host pid of the backend while the container runs.
    pub pid: Option<i32>,
    pub ports: Vec<PortBinding>,
    /// The container's addresses on bridge networks (`inspect`).
    #[serde(default)]
    pub networks: Vec<NetAddress>,
}

/// One address of a container on a bridge network.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct NetAddress {
    pub network: String,
    pub ip: String,
    pub gateway: String,
    pub prefix_len: u8,
    pub aliases: Vec<String>,
    #[serde(default)]
    pub mac: String,
}

/// podman's `NetworkSettings` of a container: its addresses while it runs
/// on bridge networks, and its published ports.
pub fn settings_json(st: &NetState) -> serde_json::Value {
    let first = st.networks.first().cloned().unwrap_or_default();
    let mut networks = serde_json::Map::new();
    for n in &st.networks {
        networks.insert(
            n.network.clone(),
            serde_json::json!({
                "EndpointID": "",
                "Gateway": n.gateway,
                "IPAddress": n.ip,
                "IPPrefixLen": n.prefix_len,
                "IPv6Gateway": "",
                "GlobalIPv6Address": "",
                "GlobalIPv6PrefixLen": 0,
                "MacAddress": n.mac,
                "NetworkID": n.network,
                "Aliases": n.aliases,
            }),
        );
    }
    let mut ports = serde_json::Map::new();
    for p in &st.ports {
        let key = format!("{}/{}", p.container_port, p.proto.as_str());
        let host_ip = p.host_ip.map(|i| i.to_string()).unwrap_or_else(|| "0.0.0.0".into());
        let entry = ports.entry(key).or_insert_with(|| serde_json::json!([]));
        if let Some(list) = entry.as_array_mut() {
            list.push(serde_json::json!({ "HostIp": host_ip, "HostPort": p.host_port.to_string() }));
        }
    }
    serde_json::json!({
        "EndpointID": "",
        "Gateway": first.gateway,
        "IPAddress": first.ip,
        "IPPrefixLen": first.prefix_len,
        "IPv6Gateway": "",
        "GlobalIPv6Address": "",
        "GlobalIPv6PrefixLen": 0,
        "MacAddress": first.mac,
        "Bridge": "",
        "SandboxID": "",
        "HairpinMode": false,
        "Ports": ports,
        "Networks": networks,
    })
}

fn state_path(userdata: &Path) -> PathBuf {
    userdata.join("network.json")
}

/// Reads the network state of a container (empty when it never ran).
pub fn read_state(userdata: &Path) -> Result<NetState> {
    Ok(crate::json_file::read_opt(&state_path(userdata))?.unwrap_or_default())
}

/// A container's network while it starts and runs: drop it, or call `stop`,
/// when the container has exited.
pub struct Attachment {
    holder: Option<netns::Holder>,
    backend: Option<backend::Backend>,
    userdata: PathBuf,
    /// Bridges joined, and as whom (released on stop).
    bridges: Vec<String>,
    container_id: String,
    /// Rootless: the shared namespace the bridges live in.
    keeper: Option<rootless_netns::Keeper>,
}

impl Attachment {
    /// Host pid of the backend, if there is one.
    pub fn backend_pid(&self) -> Option<i32> {
        self.backend.as_ref().map(|b| b.pid())
    }

    /// Call once the container runs: the holder is no longer needed.
    pub fn started(&mut self) {
        if let Some(mut h) = self.holder.take() {
            h.release();
        }
    }

    /// Stops the backend once the container has exited.
    pub fn stop(&mut self) {
        self.started();
        let bridges = std::mem::take(&mut self.bridges);
        if !bridges.is_empty() {
            let _inside = self.keeper.as_ref().and_then(|k| rootless_netns::enter(k).ok());
            for b in bridges {
                bridge::leave(&b, &self.container_id);
            }
        }
        if let Some(mut b) = self.backend.take() {
            b.stop();
            if let Ok(mut st) = read_state(&self.userdata) {
                st.pid = None;
                let _ = crate::json_file::write_volatile(&state_path(&self.userdata), &st);
            }
        }
    }
}

impl Drop for Attachment {
    fn drop(&mut self) {
        self.stop();
    }
}

/// An attachment as data, for a monitor that execs another program and
/// later execs sangja back (engine/monitor.rs): the backend stays this
/// process's child through both execs, and is stopped by pid.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Detached {
    backend_pid: Option<i32>,
    userdata: PathBuf,
    bridges: Vec<String>,
    container_id: String,
    keeper: Option<rootless_netns::Keeper>,
}

impl Attachment {
    /// What `Detached::stop` needs to do what `stop` does, once this
    /// process is no longer the one that holds the attachment. Call after
    /// `started`; the attachment itself is left as it is.
    pub fn detached(&self) -> Detached {
        Detached {
            backend_pid: self.backend_pid(),
            userdata: self.userdata.clone(),
            bridges: self.bridges.clone(),
            container_id: self.container_id.clone(),
            keeper: self.keeper.clone(),
        }
    }
}

impl Detached {
    /// As `Attachment::stop`.
    pub fn stop(self) {
        if !self.bridges.is_empty() {
            let _inside = self.keeper.as_ref().and_then(|k| rootless_netns::enter(k).ok());
            for b in &self.bridges {
                bridge::leave(b, &self.container_id);
            }
        }
        if let Some(pid) = self.backend_pid {
            let pid = nix::unistd::Pid::from_raw(pid);
            let _ = nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGKILL);
            let _ = nix::sys::wait::waitpid(pid, None);
            if let Ok(mut st) = read_state(&self.userdata) {
                st.pid = None;
                let _ = crate::json_file::write_volatile(&state_path(&self.userdata), &st);
            }
        }
    }
}

/// Prepares the network of a container about to start: for pasta and
/// slirp4netns, makes its namespace, starts the backend with the published
/// ports and points the spec's network namespace at it; for container:NAME
/// (given here as the target's pid) and ns:PATH, points the spec there.
pub fn attach(
    mode: &NetworkMode,
    net: &NetOptions,
    target_pid: Option<i32>,
    userdata: &Path,
    rootless: bool,
    spec: &mut Spec,
    join: Option<BridgeJoin>,
) -> Result<Attachment> {
    let mut att = Attachment {
        holder: None,
        backend: None,
        userdata: userdata.to_path_buf(),
        bridges: Vec::new(),
        container_id: String::new(),
        keeper: None,
    };
    if !net.publish.is_empty() && !matches!(mode, NetworkMode::Pasta(_) | NetworkMode::Slirp4netns(_) | NetworkMode::Bridge(_)) {
        return Err(Error::Invalid(format!(
            "-p/--publish needs a network of the container's own with port forwarding, not --network {}: \
             use --network pasta or slirp4netns{}",
            mode_name(mode),
            if matches!(mode, NetworkMode::Host) { " (with --network host, the container's ports are the host's already)" } else { "" }
        )));
    }
    let path = match mode {
        NetworkMode::Host => return Ok(att),
        // Our own holder rather than the runtime's unshare: it brings lo up,
        // as podman does, so that servers on 127.0.0.1 work without a network.
        NetworkMode::None => {
            let holder = netns::Holder::new()?;
            let path = holder.path();
            att.holder = Some(holder);
            path
        }
        NetworkMode::Ns(p) => PathBuf::from(p),
        NetworkMode::Container(name) => {
            let pid = target_pid.ok_or_else(|| Error::State(format!("container {name} is not running: start it first")))?;
            PathBuf::from(format!("/proc/{pid}/ns/net"))
        }
        NetworkMode::Pasta(extra) | NetworkMode::Slirp4netns(extra) => {
            let bindings = ports::resolve(&net.publish, rootless)?;
            let holder = netns::Holder::new()?;
            let backend = match mode {
                NetworkMode::Pasta(_) => pasta::start(&holder.path(), userdata, &bindings, net, extra)?,
                _ => slirp4netns::start(holder.pid(), userdata, &bindings, net, extra)?,
            };
            let state = NetState { backend: backend.name.to_string(), pid: Some(backend.pid()), ports: bindings, networks: Vec::new() };
            let path = holder.path();
            att.holder = Some(holder);
            att.backend = Some(backend);
            crate::json_file::write_volatile(&state_path(userdata), &state)?;
            path
        }
        NetworkMode::Bridge(_) => {
            let join = join.ok_or_else(|| Error::Runtime("bridge network without its records".into()))?;
            let bindings = ports::resolve(&net.publish, rootless)?;
            // Rootless: the bridges live in the user's shared namespace; the
            // keeper's lock is held until our lease is written.
            let keeper = match &join.runroot {
                Some(runroot) if rootless => Some(rootless_netns::ensure(runroot)?),
                _ => None,
            };
            // Rootless, the host's ports are not the shared namespace's: a
            // pasta of this container's own forwards them into it, where the
            // DNAT table made below sends them on to the container. Started
            // first: a rootless thread that entered the namespace cannot
            // return to the host's (owned by the initial user namespace).
            let mut pid = None;
            if let (Some((k, _)), false) = (&keeper, bindings.is_empty()) {
                let b = pasta::start_ports(&k.netns_path(), userdata, &join.container_id, &bindings)?;
                pid = Some(b.pid());
                att.backend = Some(b);
            }
            let holder = netns::Holder::new()?;
            let path = holder.path();
            let nsfile = std::fs::File::open(&path).map_err(|e| Error::io_path("open", &path, e))?;
            att.container_id = join.container_id.clone();
            bridge::cleanup_container(&join.container_id);
            let member = bridge::Member {
                container_id: &join.container_id,
                names: join.names.clone(),
                hosts_file: userdata.join("hosts"),
                ip: net.ip.as_deref().and_then(|i| i.parse().ok()),
            };
            let owner = std::process::id() as i32;
            att.keeper = keeper.as_ref().map(|(k, _)| k.clone());
            let mut addresses = Vec::new();
            {
                let _inside = match &att.keeper {
                    Some(k) => Some(rootless_netns::enter(k)?),
                    None => None,
                };
                for (i, rec) in join.networks.iter().enumerate() {
                    let ports: &[ports::PortBinding] = if i == 0 { &bindings } else { &[] };
                    // On failure `att` drops and releases what was joined so far.
                    let lease = bridge::join(rec, &nsfile, i, &member, owner, ports)?;
                    att.bridges.push(rec.interface.clone());
                    addresses.push(NetAddress {
                        network: rec.name.clone(),
                        ip: lease.ip.to_string(),
                        gateway: rec.gateway().map(|g| g.to_string()).unwrap_or_default(),
                        prefix_len: rec.subnet().map(|s| s.prefix).unwrap_or(0),
                        aliases: join.names.clone(),
                        mac: netlink::link_mac_in(std::os::fd::AsRawFd::as_raw_fd(&nsfile), &format!("eth{i}")).unwrap_or_default(),
                    });
                }
            }
            att.holder = Some(holder);
            let state = NetState { backend: "bridge".into(), pid, ports: bindings, networks: addresses };
            crate::json_file::write_volatile(&state_path(userdata), &state)?;
            path
        }
    };
    set_netns_path(spec, &path)?;
    Ok(att)
}

/// What a container brings to its bridge networks.
pub struct BridgeJoin {
    pub container_id: String,
    /// The networks, the first one carries the default route and the ports.
    pub networks: Vec<store::NetworkRecord>,
    /// Names the other members resolve.
    pub names: Vec<String>,
    /// Rootless: the runroot, home of the shared network namespace.
    pub runroot: Option<PathBuf>,
}

/// Points the spec's network namespace at `path` (adding the entry if the
/// spec had none).
fn set_netns_path(spec: &mut Spec, path: &Path) -> Result<()> {
    let linux = spec.linux_mut().as_mut().ok_or_else(|| Error::Runtime("the spec has no linux section".into()))?;
    let mut list = linux.namespaces().clone().unwrap_or_default();
    list.retain(|n| n.typ() != LinuxNamespaceType::Network);
    let mut ns = oci_spec::runtime::LinuxNamespace::default();
    ns.set_typ(LinuxNamespaceType::Network);
    ns.set_path(Some(path.to_path_buf()));
    list.push(ns);
    linux.set_namespaces(Some(list));
    Ok(())
}

/// Adds `-P`'s ports (the image's EXPOSE) to the requests.
pub fn publish_exposed(net: &mut NetOptions, image: &oci_spec::image::ImageConfiguration) -> Result<()> {
    let exposed = image.config().as_ref().and_then(|c| c.exposed_ports().clone()).unwrap_or_default();
    net.publish.extend(ports::from_exposed(&exposed)?);
    Ok(())
}

/// `ps`'s PORTS column: `127.0.0.1:18080->80/tcp, ...` while the container
/// runs (one small file read, only for running containers).
pub fn ports_summary(userdata: &Path, running: bool) -> String {
    if !running {
        return String::new();
    }
    let state = read_state(userdata).unwrap_or_default();
    state
        .ports
        .iter()
        .map(|p| {
            let ip = p.host_ip.map(|ip| ip.to_string()).unwrap_or_else(|| "0.0.0.0".into());
            format!("{ip}:{}->{}/{}", p.host_port, p.container_port, p.proto.as_str())
        })
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings() {
        let st = NetState {
            backend: "bridge".into(),
            pid: None,
            ports: vec![PortBinding { host_ip: None, host_port: 18080, container_port: 80, proto: ports::Proto::Tcp }],
            networks: vec![NetAddress {
                network: "app".into(),
                ip: "10.89.1.2".into(),
                gateway: "10.89.1.1".into(),
                prefix_len: 24,
                aliases: vec!["web".into()],
                mac: "aa:bb:cc:dd:ee:ff".into(),
            }],
        };
        let j = settings_json(&st);
        assert_eq!(j["IPAddress"], "10.89.1.2");
        assert_eq!(j["Gateway"], "10.89.1.1");
        assert_eq!(j["MacAddress"], "aa:bb:cc:dd:ee:ff");
        assert_eq!(j["Networks"]["app"]["IPPrefixLen"], 24);
        assert_eq!(j["Networks"]["app"]["Aliases"][0], "web");
        assert_eq!(j["Ports"]["80/tcp"][0]["HostIp"], "0.0.0.0");
        assert_eq!(j["Ports"]["80/tcp"][0]["HostPort"], "18080");
        let empty = settings_json(&NetState::default());
        assert_eq!(empty["IPAddress"], "");
        assert!(empty["Networks"].as_object().is_some_and(|m| m.is_empty()));
    }
}
