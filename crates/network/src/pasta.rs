//! pasta (Debian package `passt`): attaches a tap device to the
//! container's network namespace, configures it with the host's addresses
//! and routes, and forwards published ports keeping the client's source
//! address.

use super::backend::{self, Backend};
use super::ports::{PortBinding, Proto};
use super::NetOptions;
use crate::error::Result;
use std::net::IpAddr;
use std::path::Path;
use std::process::Command;

/// The address the container sends DNS queries to when the host's own
/// resolver is on loopback (unreachable from the namespace); pasta maps it
/// to the host's first resolver. podman 5 uses 169.254.1.1 too.
pub const DNS_FORWARD: &str = "169.254.1.1";

/// Starts pasta in the foreground as our child for the namespace at `netns`;
/// returns once the namespace is configured and the ports are bound.
pub fn start(netns: &Path, userdata: &Path, ports: &[PortBinding], opts: &NetOptions, extra: &[String]) -> Result<Backend> {
    let exe = backend::find("pasta", "passt")?;
    let pidfile = userdata.join("pasta.pid");
    let _ = std::fs::remove_file(&pidfile);
    let mut cmd = Command::new(exe);
    // --runas: as uid 0 (in sangja's user namespace, or real root) pasta
    // would switch to nobody and could no longer open the namespace.
    // -f: stay our child, so it dies with us (see backend.rs).
    cmd.args(["--config-net", "-f", "-q", "--runas", "0:0", "-P"]).arg(&pidfile).arg("--netns").arg(netns);
    for (flag, proto) in [("-t", Proto::Tcp), ("-u", Proto::Udp)] {
        let specs: Vec<String> = ports.iter().filter(|p| p.proto == proto).map(forward_spec).collect();
        if specs.is_empty() {
            cmd.args([flag, "none"]);
        }
        for s in specs {
            cmd.args([flag, &s]);
        }
    }
    // No automatic forwarding of the host's loopback ports into the container.
    cmd.args(["-T", "none", "-U", "none"]);
    // As podman: the gateway address is not the host's loopback unless asked
    // (`--network pasta:--map-gw`).
    if !extra.iter().any(|e| e == "--map-gw") {
        cmd.arg("--no-map-gw");
    }
    if super::hosts::host_resolver_is_loopback() {
        cmd.args(["--dns-forward", DNS_FORWARD]);
    }
    if let Some(mac) = &opts.mac_address {
        cmd.args(["--ns-mac-addr", mac]);
    }
    if let Some(ip) = &opts.ip {
        cmd.args(["-a", ip]);
    }
    cmd.args(extra.iter().filter(|e| *e != "--map-gw"));
    backend::spawn_and_wait_ready(cmd, "pasta", userdata, |_| pidfile.metadata().map(|m| m.len() > 0).unwrap_or(false), &[])
}

/// Rootless user networks: a pasta that only forwards `ports` from the host
/// into the shared namespace at `netns` (rootless_netns.rs), on the same
/// port numbers, where the container's DNAT table (nft.rs) takes them on.
/// The keeper's pasta stays the namespace's way out; this one neither
/// configures the namespace nor carries outbound traffic, its tap (a name
/// of the container's own, so several live side by side) stays down, and
/// the connections reach the namespace through pasta's loopback splice.
pub fn start_ports(netns: &Path, userdata: &Path, container_id: &str, ports: &[PortBinding]) -> Result<Backend> {
    let exe = backend::find("pasta", "passt")?;
    let pidfile = userdata.join("pasta.pid");
    let _ = std::fs::remove_file(&pidfile);
    let mut cmd = Command::new(exe);
    let ifname = format!("sp{}", &container_id[..container_id.len().min(12)]);
    cmd.args(["-f", "-q", "--runas", "0:0", "-P"]).arg(&pidfile).arg("--netns").arg(netns);
    cmd.args(["-I", &ifname, "--no-map-gw", "-T", "none", "-U", "none"]);
    for (flag, proto) in [("-t", Proto::Tcp), ("-u", Proto::Udp)] {
        let specs: Vec<String> = ports
            .iter()
            .filter(|p| p.proto == proto)
            .map(|p| forward_spec(&PortBinding { container_port: p.host_port, ..p.clone() }))
            .collect();
        if specs.is_empty() {
            cmd.args([flag, "none"]);
        }
        for s in specs {
            cmd.args([flag, &s]);
        }
    }
    backend::spawn_and_wait_ready(cmd, "pasta", userdata, |_| pidfile.metadata().map(|m| m.len() > 0).unwrap_or(false), &[])
}

/// pasta's `-t`/`-u` spec: `[addr/]hostport:containerport`.
fn forward_spec(p: &PortBinding) -> String {
    let ports = if p.host_port == p.container_port { p.host_port.to_string() } else { format!("{}:{}", p.host_port, p.container_port) };
    match p.host_ip {
        Some(ip @ IpAddr::V4(_)) | Some(ip @ IpAddr::V6(_)) if !ip.is_unspecified() => format!("{ip}/{ports}"),
        _ => ports,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs() {
        let p = PortBinding { host_ip: Some("127.0.0.1".parse().unwrap()), host_port: 18080, container_port: 80, proto: Proto::Tcp };
        assert_eq!(forward_spec(&p), "127.0.0.1/18080:80");
        let p = PortBinding { host_ip: None, host_port: 80, container_port: 80, proto: Proto::Udp };
        assert_eq!(forward_spec(&p), "80");
    }
}
