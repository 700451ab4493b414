//! Root bridge networks: a bridge per network on the host (sangja0 for the
//! default one), a veth pair per container and network, an address from the
//! network's subnet, the default route through the bridge's address, NAT
//! and published ports through nftables (nft.rs), links through netlink.
//!
//! Leases: one JSON file per bridge, /run/sangja/networks/BRIDGE.json,
//! changed only under BRIDGE.lock. The bridge is a machine-wide object, so
//! its leases are too: two stores (--root) using sangja0 must not hand out
//! one address twice. Each lease names the process that owns it (the
//! container's monitor or foreground `run`, by pid and start time); a lease
//! whose owner is gone (kill -9) is stale and is swept, with its veth and
//! nft table, by the next sangja that touches the bridge, or by `rm`.
//!
//! Names: each member's /etc/hosts carries a section per network listing
//! the other members, rewritten in place (the file is bind-mounted, so the
//! inode must stay) whenever one joins or leaves. Chosen over a DNS server
//! of our own: no process has to live beside the containers (sangja has no
//! daemon), and every libc, static busybox included, reads /etc/hosts.

use super::netlink::{self, Netlink};
use super::nft;
use super::ports::PortBinding;
use super::store::NetworkRecord;
use crate::error::{Error, Result};
use crate::runtime::liveness;
use serde::{Deserialize, Serialize};
use std::net::Ipv4Addr;
use std::os::fd::AsRawFd;
use std::path::PathBuf;

/// Where the leases live as root (see the module doc).
pub const LEASE_DIR: &str = "/run/sangja/networks";

static LEASE_DIR_OVERRIDE: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();

/// Rootless: the leases live with the user's shared network namespace
/// (rootless_netns.rs), under the runroot. Set once per process.
pub fn set_lease_dir(dir: PathBuf) {
    let _ = LEASE_DIR_OVERRIDE.set(dir);
}

fn lease_dir() -> PathBuf {
    LEASE_DIR_OVERRIDE.get().cloned().unwrap_or_else(|| PathBuf::from(LEASE_DIR))
}

/// One container's address on one bridge.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Lease {
    pub container_id: String,
    pub network: String,
    pub ip: Ipv4Addr,
    /// Names the others resolve: container name, short id, aliases.
    pub names: Vec<String>,
    /// The container's /etc/hosts (userdata/hosts on the host).
    pub hosts_file: PathBuf,
    /// Host side of the veth pair.
    pub veth: String,
    /// The container's DNAT table, if it publishes ports here.
    #[serde(default)]
    pub nft_table: Option<String>,
    pub owner_pid: i32,
    pub owner_start: Option<u64>,
}

/// The lease file of one bridge.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Leases {
    /// The bridge's nft table and sysctls are in place.
    #[serde(default)]
    pub configured: bool,
    #[serde(default)]
    pub leases: Vec<Lease>,
}

pub fn lease_path(bridge: &str) -> PathBuf {
    lease_dir().join(format!("{bridge}.json"))
}

/// Runs `f` on the leases of `bridge` under its lock and saves them.
fn with_leases<T>(bridge: &str, f: impl FnOnce(&mut Leases) -> Result<T>) -> Result<T> {
    let dir = lease_dir();
    std::fs::create_dir_all(&dir).map_err(|e| Error::io_path("create", &dir, e))?;
    let _lock = crate::lock::exclusive(&dir.join(format!("{bridge}.lock")))?;
    let path = lease_path(bridge);
    let mut leases: Leases = crate::json_file::read_opt(&path)?.unwrap_or_default();
    let before = serde_json::to_string(&leases).unwrap_or_default();
    let stale = sweep(&mut leases);
    let r = f(&mut leases);
    if serde_json::to_string(&leases).unwrap_or_default() != before {
        crate::json_file::write_volatile(&path, &leases)?;
    }
    if stale {
        refresh_hosts(&leases);
    }
    r
}

/// Whether the lease is still in use: its owner runs, or its veth still
/// exists. The second covers a kill -9 of the monitor while the container
/// keeps running (its namespace, and so the veth pair, lives as long as the
/// container does); the kernel removes the pair when the namespace goes.
/// Called in the namespace holding the bridges.
pub fn owner_alive(l: &Lease) -> bool {
    let owner = l.owner_pid > 0 && liveness::alive(l.owner_pid, l.owner_start);
    owner || netlink::link_index(&l.veth).is_some()
}

/// Drops the leases whose owner is gone, with their veth and nft table.
/// Returns whether any went.
fn sweep(leases: &mut Leases) -> bool {
    let (live, stale): (Vec<Lease>, Vec<Lease>) = leases.leases.drain(..).partition(owner_alive);
    leases.leases = live;
    for l in &stale {
        release_resources(l);
    }
    !stale.is_empty()
}

fn release_resources(l: &Lease) {
    if let Ok(mut nl) = Netlink::open() {
        let _ = nl.delete_link(&l.veth);
    }
    if let Some(t) = &l.nft_table {
        nft::delete_table(t);
    }
}

/// Rewrites each member's section of /etc/hosts for its network.
fn refresh_hosts(leases: &Leases) {
    for me in &leases.leases {
        let mut section = String::new();
        for l in leases.leases.iter().filter(|l| l.network == me.network) {
            if !l.names.is_empty() {
                section.push_str(&format!("{}\t{}\n", l.ip, l.names.join(" ")));
            }
        }
        let _ = super::hosts::replace_section(&me.hosts_file, &me.network, &section);
    }
}

/// Who joins: the container and its names.
pub struct Member<'a> {
    pub container_id: &'a str,
    pub names: Vec<String>,
    pub hosts_file: PathBuf,
    /// `--ip`: the address on the first network.
    pub ip: Option<Ipv4Addr>,
}

/// Makes sure the network's bridge exists, has its address, is up, and has
/// its NAT table.
pub fn ensure_bridge(net: &NetworkRecord) -> Result<i32> {
    let subnet = net.subnet()?;
    let gw = net.gateway()?;
    let mut nl = Netlink::open()?;
    let created = nl.create_bridge(&net.interface)?;
    let idx =
        netlink::link_index(&net.interface).ok_or_else(|| Error::Runtime(format!("bridge {} vanished as it was set up", net.interface)))?;
    nl.add_address(idx, gw, subnet.prefix)?;
    nl.link_up(idx, None)?;
    with_leases(&net.interface, |l| {
        if created {
            l.configured = false;
        }
        if !l.configured {
            // Forwarding on, as podman does for its bridges; route_localnet
            // so that published ports answer on 127.0.0.1 (nft.rs).
            let _ = std::fs::write("/proc/sys/net/ipv4/ip_forward", "1");
            let _ = std::fs::write(format!("/proc/sys/net/ipv4/conf/{}/route_localnet", net.interface), "1");
            nft::run(&nft::network_script(&net.interface, &subnet.to_string(), net.internal))?;
            l.configured = true;
        }
        Ok(())
    })?;
    Ok(idx)
}

/// Removes a network's bridge and table (`network rm`); refuses while
/// containers use it.
pub fn remove_bridge(net: &NetworkRecord) -> Result<()> {
    with_leases(&net.interface, |l| {
        if let Some(m) = l.leases.first() {
            return Err(Error::State(format!(
                "network {} is in use by container {}: remove the container first, or use network rm -f",
                net.name,
                &m.container_id[..12.min(m.container_id.len())]
            )));
        }
        l.configured = false;
        Ok(())
    })?;
    let mut nl = Netlink::open()?;
    nl.delete_link(&net.interface)?;
    nft::delete_table(&nft::network_table(&net.interface));
    let _ = std::fs::remove_file(lease_path(&net.interface));
    let _ = std::fs::remove_file(lease_dir().join(format!("{}.lock", net.interface)));
    Ok(())
}

/// Host-side veth name: short, unique per container and interface.
fn veth_name(container_id: &str, index: usize) -> String {
    format!("vsj{}{}", &container_id[..10.min(container_id.len())], index)
}

/// Joins the namespace `netns` to `net` as interface ethN; publishes
/// `ports` on the first network. Returns the lease.
pub fn join(
    net: &NetworkRecord,
    netns: &std::fs::File,
    index: usize,
    member: &Member,
    owner_pid: i32,
    ports: &[PortBinding],
) -> Result<Lease> {
    let bridge_idx = ensure_bridge(net)?;
    let subnet = net.subnet()?;
    let gw = net.gateway()?;
    let veth = veth_name(member.container_id, index);
    // A veth of a previous run that was killed before it could clean up.
    let mut nl = Netlink::open()?;
    let _ = nl.delete_link(&veth);
    let lease = with_leases(&net.interface, |l| {
        l.leases.retain(|x| !(x.container_id == member.container_id && x.network == net.name));
        let used: Vec<Ipv4Addr> = l.leases.iter().map(|x| x.ip).collect();
        let ip = match member.ip.filter(|_| index == 0) {
            Some(ip) => {
                if !subnet.contains(ip) || ip == gw || subnet.nth(u32::from(ip) - u32::from(subnet.addr)).is_none() {
                    return Err(Error::Invalid(format!("--ip {ip} is not a free host address of network {} ({})", net.name, net.subnet)));
                }
                if used.contains(&ip) {
                    return Err(Error::Conflict(format!("--ip {ip} is already used on network {}: pick another", net.name)));
                }
                ip
            }
            None => (2..)
                .map_while(|n| subnet.nth(n))
                .find(|ip| *ip != gw && !used.contains(ip))
                .ok_or_else(|| Error::State(format!("network {} has no free address left in {}", net.name, net.subnet)))?,
        };
        let lease = Lease {
            container_id: member.container_id.to_string(),
            network: net.name.clone(),
            ip,
            names: member.names.clone(),
            hosts_file: member.hosts_file.clone(),
            veth: veth.clone(),
            nft_table: (!ports.is_empty()).then(|| nft::ports_table(member.container_id)),
            owner_pid,
            owner_start: liveness::process_start_time(owner_pid),
        };
        l.leases.push(lease.clone());
        Ok(lease)
    })?;
    let mut setup = || -> Result<()> {
        let ifname = format!("eth{index}");
        nl.create_veth(&veth, &ifname, netns.as_raw_fd())?;
        let host_idx = netlink::link_index(&veth).ok_or_else(|| Error::Runtime(format!("veth {veth} vanished")))?;
        nl.link_up(host_idx, Some(bridge_idx))?;
        let mut inner = Netlink::open_in(netns.as_raw_fd())?;
        let idx = netlink::link_index_in(netns.as_raw_fd(), &ifname)?;
        inner.add_address(idx, lease.ip, subnet.prefix)?;
        inner.link_up(idx, None)?;
        if index == 0 && !net.internal {
            inner.add_default_route(idx, gw)?;
        }
        if !ports.is_empty() {
            nft::run(&nft::ports_script(member.container_id, lease.ip, ports)?)?;
        }
        Ok(())
    };
    if let Err(e) = setup() {
        leave(&net.interface, member.container_id);
        return Err(e);
    }
    with_leases(&net.interface, |l| {
        refresh_hosts(l);
        Ok(())
    })?;
    Ok(lease)
}

/// Gives back a container's leases on `bridge` (veth, nft table, address)
/// and updates the others' /etc/hosts.
pub fn leave(bridge: &str, container_id: &str) {
    let _ = with_leases(bridge, |l| {
        let (gone, keep): (Vec<Lease>, Vec<Lease>) = l.leases.drain(..).partition(|x| x.container_id == container_id);
        l.leases = keep;
        for g in &gone {
            release_resources(g);
            let _ = super::hosts::replace_section(&g.hosts_file, &g.network, "");
        }
        if !gone.is_empty() {
            refresh_hosts(l);
        }
        Ok(())
    });
}

/// Leaves one network only (`network disconnect`).
pub fn leave_network(bridge: &str, network: &str, container_id: &str) -> Result<bool> {
    with_leases(bridge, |l| {
        let (gone, keep): (Vec<Lease>, Vec<Lease>) =
            l.leases.drain(..).partition(|x| x.container_id == container_id && x.network == network);
        l.leases = keep;
        for g in &gone {
            release_resources(g);
            let _ = super::hosts::replace_section(&g.hosts_file, &g.network, "");
        }
        refresh_hosts(l);
        Ok(!gone.is_empty())
    })
}

/// Every bridge with a lease file.
pub fn bridges() -> Vec<String> {
    std::fs::read_dir(lease_dir())
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .filter_map(|e| e.file_name().to_str().and_then(|n| n.strip_suffix(".json")).map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

/// Releases everything a container holds on any bridge (`rm`, and before a
/// start, after a kill -9 of its previous monitor), and sweeps stale leases.
pub fn cleanup_container(container_id: &str) {
    for b in bridges() {
        leave(&b, container_id);
    }
}

/// The leases of a container (for `inspect` and `port`).
pub fn leases_of(container_id: &str) -> Vec<Lease> {
    let mut v = Vec::new();
    for b in bridges() {
        if let Ok(Some(l)) = crate::json_file::read_opt::<Leases>(&lease_path(&b)) {
            v.extend(l.leases.into_iter().filter(|x| x.container_id == container_id));
        }
    }
    v
}

/// The containers on a network (by lease), for `network rm` and `inspect`.
pub fn members(net: &NetworkRecord) -> Vec<Lease> {
    crate::json_file::read_opt::<Leases>(&lease_path(&net.interface))
        .ok()
        .flatten()
        .map(|l| l.leases.into_iter().filter(|x| x.network == net.name && owner_alive(x)).collect())
        .unwrap_or_default()
}
