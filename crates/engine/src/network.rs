//! The network of a container as it starts (network::attach with the
//! store's knowledge: the pid of a `container:NAME` target), and `port`.

use super::events::{Event, WarningKind};
use super::Engine;
use crate::error::{Error, Result};
use oci_spec::runtime::Spec;
use sangja_container::record::{Container, ContainerStore};
pub use sangja_container::NetworkMode;
use sangja_network::store::{NetworkRecord, NetworkStore, Subnet};
pub use sangja_network::NetOptions;
use sangja_network::{self as network, ports::PortBinding, Attachment};

/// Sets up the network of `container` and points `spec` at it. Keep the
/// returned Attachment until the container exits; call `started` once it runs.
pub fn attach(engine: &Engine, container: &Container, spec: &mut Spec) -> Result<Attachment> {
    let opts = &container.config.options;
    let target_pid = match &opts.network {
        NetworkMode::Container(name) => Some(target_pid(engine, name)?),
        _ => None,
    };
    let join = match &opts.network {
        NetworkMode::Bridge(names) => Some(network::BridgeJoin {
            container_id: container.config.id.clone(),
            networks: records(engine, names)?,
            names: member_names(container),
            runroot: engine.identity.rootless.then(|| engine.paths.runroot.clone()),
        }),
        _ => None,
    };
    scope(engine);
    network::attach(&opts.network, &opts.net, target_pid, &container.userdata_dir(), engine.identity.rootless, spec, join)
}

/// Rootless, the bridges' leases live with the user's shared namespace.
fn scope(engine: &Engine) {
    if engine.identity.rootless {
        network::bridge::set_lease_dir(network::rootless_netns::lease_dir(&engine.paths.runroot));
    }
}

/// The records of the networks named (none: the default network).
pub fn records(engine: &Engine, names: &[String]) -> Result<Vec<NetworkRecord>> {
    let store = NetworkStore::new(&engine.paths.root);
    if names.is_empty() {
        return Ok(vec![NetworkRecord::default_network()]);
    }
    names.iter().map(|n| store.lookup(n)).collect()
}

/// What the other containers of a network call this one: its name, its
/// short id, its --network-alias names.
fn member_names(c: &Container) -> Vec<String> {
    let mut v = vec![c.config.name.clone(), c.config.id[..12.min(c.config.id.len())].to_string()];
    for a in &c.config.options.net.aliases {
        if !v.contains(a) {
            v.push(a.clone());
        }
    }
    v
}

/// Checks the network options of a container about to be created: the
/// networks it names exist, and bridge networks are available.
pub fn check(engine: &Engine, opts: &sangja_container::RunOptions) -> Result<()> {
    if let NetworkMode::Bridge(names) = &opts.network {
        records(engine, names)?;
        // Rootless, the forwarder's connections reach the shared namespace
        // through pasta's loopback splice only (network/pasta.rs start_ports).
        if engine.identity.rootless && opts.net.publish.iter().any(|p| !p.host_ip.is_some_and(|i| i.is_loopback())) {
            engine.emit(Event::warning(
                WarningKind::PublishedPortsLoopbackOnly,
                "rootless, the published ports of a container on a user network answer connections from this \
                 host's loopback (127.0.0.1, localhost) only; for other hosts, publish on the default network (pasta)",
            ));
        }
    } else if !opts.net.aliases.is_empty() {
        return Err(Error::Invalid("--network-alias needs a bridge network: add --network NAME".into()));
    }
    Ok(())
}

/// Releases what a removed container may still hold on bridges (its
/// monitor was killed before it could): veth, nft table, leases.
pub fn cleanup(engine: &Engine, container_id: &str) {
    scope(engine);
    // Rootless, they are in the shared namespace: cleaned from a thread
    // of its own that enters it (a rootless thread cannot come back to
    // the host's namespace) and ends there.
    if let Some(k) = engine.identity.rootless.then(|| network::rootless_netns::running(&engine.paths.runroot)).flatten() {
        let id = container_id.to_string();
        let done = std::thread::spawn(move || match network::rootless_netns::enter(&k) {
            Ok(inside) => {
                network::bridge::cleanup_container(&id);
                std::mem::forget(inside);
                true
            }
            Err(_) => false,
        })
        .join();
        if matches!(done, Ok(true)) {
            return;
        }
    }
    network::bridge::cleanup_container(container_id);
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
                "--network container:{name}: {name} runs in another user namespace than this sangja, whose \
                 network namespace it cannot join; restart {name}, or publish {name}'s ports and connect to them"
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

/// `network create` options.
#[derive(Debug, Default)]
pub struct CreateOptions {
    pub name: Option<String>,
    pub subnet: Option<String>,
    pub gateway: Option<String>,
    pub internal: bool,
    pub labels: std::collections::BTreeMap<String, String>,
    pub driver: String,
    pub ignore: bool,
}

/// The IPv4 routes of the host (/proc/net/route), so a new network's subnet
/// does not shadow a network the host already reaches.
fn host_routes() -> Vec<Subnet> {
    let text = std::fs::read_to_string("/proc/net/route").unwrap_or_default();
    text.lines()
        .skip(1)
        .filter_map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            let dest = u32::from_str_radix(f.get(1)?, 16).ok()?;
            let mask = u32::from_str_radix(f.get(7)?, 16).ok()?;
            let prefix = mask.count_ones() as u8;
            (dest != 0 && prefix > 0).then(|| Subnet { addr: std::net::Ipv4Addr::from(dest.to_le_bytes()), prefix })
        })
        .collect()
}

/// `network create`: records the network (and, as root, makes its bridge).
pub fn create(engine: &Engine, o: CreateOptions) -> Result<NetworkRecord> {
    if o.driver != "bridge" {
        return Err(Error::Invalid(format!("network driver {:?} is not available: use -d bridge", o.driver)));
    }
    let store = NetworkStore::new(&engine.paths.root);
    store.ensure()?;
    let _lock = crate::lock::exclusive(&store.lock_path())?;
    let all = store.list()?;
    let name = match &o.name {
        Some(n) => {
            network::store::validate_name(n)?;
            if let Some(r) = all.iter().find(|r| &r.name == n) {
                if o.ignore {
                    return Ok(r.clone());
                }
                return Err(Error::Conflict(format!(
                    "network {n:?} already exists: pick another name, or remove it with `sangja network rm {n}`"
                )));
            }
            n.clone()
        }
        None => (1..).map(|i| format!("sangja{i}")).find(|n| !all.iter().any(|r| &r.name == n)).unwrap_or_default(),
    };
    let mut taken: Vec<Subnet> = all.iter().filter_map(|r| r.subnet().ok()).collect();
    let subnet = match &o.subnet {
        Some(s) => {
            let s = Subnet::parse(s)?;
            if let Some(r) = all.iter().find(|r| r.subnet().is_ok_and(|x| x.overlaps(&s))) {
                return Err(Error::Conflict(format!("subnet {s} overlaps network {}'s {}: pick another --subnet", r.name, r.subnet)));
            }
            s
        }
        None => {
            taken.extend(host_routes());
            network::store::free_subnet(&taken)?
        }
    };
    let gateway = match &o.gateway {
        Some(g) => {
            let ip: std::net::Ipv4Addr = g.parse().map_err(|_| Error::Invalid(format!("--gateway {g:?} is not an IPv4 address")))?;
            if !subnet.contains(ip) || subnet.nth(u32::from(ip) - u32::from(subnet.addr)).is_none() {
                return Err(Error::Invalid(format!("--gateway {ip} is not a host address of subnet {subnet}")));
            }
            ip
        }
        None => subnet.nth(1).ok_or_else(|| Error::Invalid(format!("subnet {subnet} is too small")))?,
    };
    // The bridge's name: sangjaN, the first that no network of this store
    // uses and (as root) that the host does not have yet; creating it at
    // once reserves it against other stores.
    let mut interface = String::new();
    for i in 1..10000 {
        let cand = format!("sangja{i}");
        if all.iter().any(|r| r.interface == cand) || network::netlink::link_index(&cand).is_some() {
            continue;
        }
        interface = cand;
        break;
    }
    let rec = NetworkRecord {
        name,
        id: crate::paths::random_id(),
        driver: "bridge".into(),
        interface,
        subnet: subnet.to_string(),
        gateway: gateway.to_string(),
        internal: o.internal,
        labels: o.labels,
        created: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    };
    if !engine.identity.rootless {
        network::bridge::ensure_bridge(&rec)?;
    }
    if let Err(e) = store.write(&rec) {
        if !engine.identity.rootless {
            let _ = network::bridge::remove_bridge(&rec);
        }
        return Err(e);
    }
    super::events_log::network(engine, &rec.name, &rec.id, "create");
    Ok(rec)
}

/// Every network with the containers (names) of this store that use it.
pub fn list(engine: &Engine) -> Result<Vec<(NetworkRecord, Vec<String>)>> {
    scope(engine);
    let nets = NetworkStore::new(&engine.paths.root).list()?;
    let containers = ContainerStore::new(&engine.paths).list()?;
    Ok(nets
        .into_iter()
        .map(|n| {
            let users = containers
                .iter()
                .filter(|c| match &c.config.options.network {
                    NetworkMode::Bridge(v) if v.is_empty() => n.name == network::store::DEFAULT_NAME,
                    NetworkMode::Bridge(v) => v.contains(&n.name),
                    _ => false,
                })
                .map(|c| c.config.name.clone())
                .collect();
            (n, users)
        })
        .collect())
}

/// `network rm`: refuses a network containers use unless `force`, which
/// removes them first. Returns the name.
pub fn remove(engine: &Engine, name: &str, force: bool) -> Result<String> {
    let store = NetworkStore::new(&engine.paths.root);
    let rec = store.lookup(name)?;
    if rec.name == network::store::DEFAULT_NAME {
        return Err(Error::Invalid(format!("network {} is the default network and cannot be removed", rec.name)));
    }
    let users = list(engine)?.into_iter().find(|(n, _)| n.name == rec.name).map(|(_, u)| u).unwrap_or_default();
    if !users.is_empty() {
        if !force {
            return Err(Error::InUse(format!(
                "network {} is used by container(s) {}: remove them first, or use network rm -f",
                rec.name,
                users.join(", ")
            )));
        }
        for u in users {
            super::containers::remove_one(engine, &u, true)?;
        }
    }
    let _lock = crate::lock::exclusive(&store.lock_path())?;
    if !engine.identity.rootless {
        network::bridge::remove_bridge(&rec)?;
    }
    store.remove(&rec.name)?;
    super::events_log::network(engine, &rec.name, &rec.id, "remove");
    Ok(rec.name)
}

/// `network prune`: removes the networks no container uses.
pub fn prune(engine: &Engine) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for (n, users) in list(engine)? {
        if users.is_empty() && n.name != network::store::DEFAULT_NAME {
            out.push(remove(engine, &n.name, false)?);
        }
    }
    Ok(out)
}

/// `network connect`/`disconnect`: adds or drops a network in the
/// container's record and, while it runs, joins or leaves it at once.
pub fn connect(engine: &Engine, net: &str, container: &str, aliases: &[String], join: bool) -> Result<()> {
    let rec = NetworkStore::new(&engine.paths.root).lookup(net)?;
    let cstore = ContainerStore::new(&engine.paths);
    let _guard = crate::lock::exclusive(&engine.paths.store_lock())?;
    let mut c = cstore.lookup(container)?;
    let mut names = match &c.config.options.network {
        NetworkMode::Bridge(v) if v.is_empty() => vec![network::store::DEFAULT_NAME.to_string()],
        NetworkMode::Bridge(v) => v.clone(),
        other => {
            return Err(Error::Invalid(format!(
                "container {} uses --network {}: only containers on bridge networks can be connected and disconnected",
                c.config.name,
                network::mode_name(other)
            )))
        }
    };
    let present = names.contains(&rec.name);
    let index = names.len();
    if join {
        if present {
            return Err(Error::Conflict(format!("container {} is already connected to network {}", c.config.name, rec.name)));
        }
        names.push(rec.name.clone());
        for a in aliases {
            if !c.config.options.net.aliases.contains(a) {
                c.config.options.net.aliases.push(a.clone());
            }
        }
    } else {
        if !present {
            return Err(Error::Invalid(format!("container {} is not connected to network {}", c.config.name, rec.name)));
        }
        names.retain(|n| n != &rec.name);
    }
    if c.is_running() {
        let pid = c.state.pid.ok_or_else(|| Error::State(format!("container {} has no pid", c.config.name)))?;
        // Rootless: in the shared namespace, as the container's own start did.
        scope(engine);
        let keeper = match engine.identity.rootless {
            true => Some(network::rootless_netns::ensure(&engine.paths.runroot)?),
            false => None,
        };
        let _inside = match &keeper {
            Some((k, _)) => Some(network::rootless_netns::enter(k)?),
            None => None,
        };
        if join {
            let path = format!("/proc/{pid}/ns/net");
            let ns = std::fs::File::open(&path).map_err(|e| Error::io_path("open", std::path::Path::new(&path), e))?;
            let member = network::bridge::Member {
                container_id: &c.config.id,
                names: member_names(&c),
                hosts_file: c.userdata_dir().join("hosts"),
                ip: None,
            };
            // The container's init owns this lease: it goes with the container.
            network::bridge::join(&rec, &ns, index, &member, pid, &[])?;
        } else {
            network::bridge::leave_network(&rec.interface, &rec.name, &c.config.id)?;
        }
    }
    c.config.options.network = NetworkMode::Bridge(names);
    crate::json_file::write(&c.dir.join("config.json"), &c.config)?;
    super::events_log::network(engine, &rec.name, &c.config.id, if join { "connect" } else { "disconnect" });
    Ok(())
}

/// Whether network `name` exists.
pub fn exists(engine: &Engine, name: &str) -> bool {
    NetworkStore::new(&engine.paths.root).exists(name)
}

/// The network flags of `run`/`create`, as given (podman's names).
#[derive(Debug, Clone, Default)]
pub struct NetRequest {
    /// `--network`: the mode (default: as who runs us).
    pub network: Option<String>,
    pub publish: Vec<String>,
    pub add_host: Vec<String>,
    pub dns: Vec<String>,
    pub dns_search: Vec<String>,
    pub dns_option: Vec<String>,
    pub mac_address: Option<String>,
    pub ip: Option<String>,
    pub aliases: Vec<String>,
}

/// Checks the network flags and makes the mode and options of a container;
/// the default mode depends on who runs us.
pub fn net_options(req: &NetRequest) -> Result<(NetworkMode, network::NetOptions)> {
    let rootless = crate::paths::host_uid() != 0;
    let mode = match req.network.as_deref() {
        None => network::default_mode(rootless)?,
        Some(s) => network::parse_mode(s, rootless)?,
    };
    for d in &req.dns {
        if d.parse::<std::net::IpAddr>().is_err() && d != "none" {
            return Err(Error::Invalid(format!("--dns {d:?} is not an IP address: give the name server's address")));
        }
    }
    if let Some(ip) = &req.ip {
        if ip.parse::<std::net::Ipv4Addr>().is_err() {
            return Err(Error::Invalid(format!("--ip {ip:?} is not an IPv4 address")));
        }
    }
    if let Some(mac) = &req.mac_address {
        let ok = mac.split(':').count() == 6 && mac.split(':').all(|b| b.len() == 2 && u8::from_str_radix(b, 16).is_ok());
        if !ok {
            return Err(Error::Invalid(format!("--mac-address {mac:?} is not a MAC address like 92:d0:c6:0a:29:33")));
        }
    }
    let net = network::NetOptions {
        publish: req.publish.iter().map(|p| network::ports::parse(p)).collect::<Result<_>>()?,
        add_hosts: req.add_host.clone(),
        dns: req.dns.iter().filter(|d| *d != "none").cloned().collect(),
        dns_search: req.dns_search.clone(),
        dns_options: req.dns_option.clone(),
        mac_address: req.mac_address.clone(),
        ip: req.ip.clone(),
        aliases: req.aliases.clone(),
    };
    // Checked here so that a bad entry fails before anything is created.
    network::hosts::add_host_lines(&net)?;
    Ok((mode, net))
}

/// `network ls --filter`: the networks (and their users) that pass every
/// filter: name=, id=, driver=, label=KEY[=VALUE].
pub fn list_filtered(engine: &Engine, filters: &[String]) -> Result<Vec<(NetworkRecord, Vec<String>)>> {
    let mut out = Vec::new();
    'nets: for (n, users) in list(engine)? {
        for f in filters {
            let (k, val) = f.split_once('=').unwrap_or((f.as_str(), ""));
            let keep = match k {
                "name" => n.name.contains(val),
                "id" => n.id.starts_with(val),
                "driver" => n.driver == val,
                "label" => match val.split_once('=') {
                    Some((lk, lv)) => n.labels.get(lk).is_some_and(|x| x == lv),
                    None => n.labels.contains_key(val),
                },
                _ => return Err(Error::Invalid(format!("filter {f:?} is not supported: use name=, id=, driver=, label="))),
            };
            if !keep {
                continue 'nets;
            }
        }
        out.push((n, users));
    }
    Ok(out)
}

/// `port --all`: the id and published ports of every running container.
pub fn running_ports(engine: &Engine) -> Result<Vec<(String, Vec<PortBinding>)>> {
    let mut out = Vec::new();
    for c in ContainerStore::new(&engine.paths).list()?.into_iter().filter(|c| c.is_running()) {
        let (_, ports) = ports(engine, &c.config.id)?;
        out.push((c.config.id.clone(), ports));
    }
    Ok(out)
}

/// `-P` with `--expose`: those ports too, each on a random host port.
pub fn publish_listed(net: &mut NetOptions, ports: &[String]) -> Result<()> {
    net.publish.extend(sangja_network::ports::from_exposed(ports)?);
    Ok(())
}

/// `-P`: publishes every port the image exposes on a random host port.
pub fn publish_exposed(net: &mut NetOptions, image: &sangja_image::store::ImageRecord) -> Result<()> {
    network::publish_exposed(net, &image.config)
}
