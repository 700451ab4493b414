//! NAT for bridge networks through nftables (the `nft` command, Debian's
//! `nftables` package): one table per network (masquerade, forwarding) and
//! one per container with published ports (DNAT). A table per object makes
//! clean-up one `delete table`, and a stale table easy to find by name.
//!
//! Published ports answer on 127.0.0.1 too: the output chain DNATs local
//! connections, the bridge gets route_localnet so the kernel routes a
//! 127.0.0.1-sourced packet out of it, and the network table masquerades
//! those to the gateway address so the container can answer. This is
//! netavark's way; podman's older userspace proxy (rootlessport/docker-proxy)
//! costs a process and a copy of every byte per port.

use super::ports::{PortBinding, Proto};
use crate::error::{Error, Result};
use std::io::Write;
use std::net::{IpAddr, Ipv4Addr};
use std::process::{Command, Stdio};

/// Name of a network's table.
pub fn network_table(bridge: &str) -> String {
    format!("sangja_n_{}", bridge.replace('-', "_"))
}

/// Name of a container's port table.
pub fn ports_table(container_id: &str) -> String {
    format!("sangja_c_{}", &container_id[..container_id.len().min(12)])
}

/// The nft binary: PATH, then the sbin folders (not on a user's PATH on
/// Debian, and rootless user networks run it too).
pub fn find() -> Result<std::path::PathBuf> {
    ["/usr/sbin/nft", "/sbin/nft"]
        .iter()
        .map(std::path::PathBuf::from)
        .find(|p| p.is_file())
        .map(Ok)
        .unwrap_or_else(|| super::backend::find("nft", "nftables"))
}

/// Runs an nft script.
pub fn run(script: &str) -> Result<()> {
    let exe = find()
        .map_err(|_| Error::Invalid("nft not found: bridge networks need it for NAT; install the nftables package (apt-get install nftables), or use --network host or none".into()))?;
    let mut child = Command::new(exe)
        .args(["-f", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| Error::Runtime(format!("run nft: {e}")))?;
    if let Some(mut stdin) = child.stdin.take() {
        let _ = stdin.write_all(script.as_bytes());
    }
    let out = child.wait_with_output().map_err(|e| Error::Runtime(format!("run nft: {e}")))?;
    if !out.status.success() {
        return Err(Error::Runtime(format!("nft: {}", String::from_utf8_lossy(&out.stderr).trim())));
    }
    Ok(())
}

/// Deletes a table; a missing one is fine.
pub fn delete_table(name: &str) {
    // `add` first makes the delete succeed whether or not it existed.
    let _ = run(&format!("table ip {name} {{}}\ndelete table ip {name}\n"));
}

/// The table of a network: masquerade to the outside (unless internal),
/// forwarding through the bridge, and the hairpin for 127.0.0.1.
pub fn network_script(bridge: &str, subnet: &str, internal: bool) -> String {
    let t = network_table(bridge);
    let mut s = format!("table ip {t} {{}}\nflush table ip {t}\ntable ip {t} {{\n");
    s.push_str("  chain postrouting {\n    type nat hook postrouting priority srcnat; policy accept;\n");
    if !internal {
        s.push_str(&format!("    ip saddr {subnet} ip daddr != {subnet} masquerade\n"));
    }
    s.push_str(&format!("    oifname \"{bridge}\" ip saddr 127.0.0.0/8 masquerade\n  }}\n"));
    s.push_str("  chain forward {\n    type filter hook forward priority filter; policy accept;\n");
    if internal {
        s.push_str(&format!("    iifname \"{bridge}\" oifname != \"{bridge}\" drop\n"));
        s.push_str(&format!("    oifname \"{bridge}\" iifname != \"{bridge}\" drop\n"));
    } else {
        s.push_str(&format!("    iifname \"{bridge}\" accept\n    oifname \"{bridge}\" accept\n"));
    }
    s.push_str("  }\n}\n");
    s
}

/// The DNAT table of a container's published ports.
pub fn ports_script(container_id: &str, ip: Ipv4Addr, ports: &[PortBinding]) -> Result<String> {
    let t = ports_table(container_id);
    let mut rules = String::new();
    for p in ports {
        let dst = match p.host_ip {
            Some(IpAddr::V4(a)) if !a.is_unspecified() => format!("ip daddr {a}"),
            Some(IpAddr::V6(a)) if !a.is_unspecified() => {
                return Err(Error::Invalid(format!("-p {a}: bridge networks publish on IPv4 addresses only")))
            }
            _ => "fib daddr type local".to_string(),
        };
        let proto = match p.proto {
            Proto::Tcp => "tcp",
            Proto::Udp => "udp",
        };
        rules.push_str(&format!("    {dst} {proto} dport {} dnat to {ip}:{}\n", p.host_port, p.container_port));
    }
    let mut s = format!("table ip {t} {{}}\nflush table ip {t}\ntable ip {t} {{\n");
    for (chain, hook) in [("prerouting", "prerouting"), ("output", "output")] {
        s.push_str(&format!("  chain {chain} {{\n    type nat hook {hook} priority -100; policy accept;\n{rules}  }}\n"));
    }
    s.push_str("}\n");
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts() {
        let s = network_script("sangja0", "10.89.0.0/24", false);
        assert!(s.contains("ip saddr 10.89.0.0/24 ip daddr != 10.89.0.0/24 masquerade"), "{s}");
        assert!(!network_script("sangja1", "10.89.1.0/24", true).contains("daddr != 10.89.1.0/24 masquerade"));
        let p = PortBinding { host_ip: Some("127.0.0.1".parse().unwrap()), host_port: 18080, container_port: 80, proto: Proto::Tcp };
        let s = ports_script("0123456789abcdef", Ipv4Addr::new(10, 89, 0, 2), &[p]).unwrap();
        assert!(s.contains("table ip sangja_c_0123456789ab {"), "{s}");
        assert!(s.contains("ip daddr 127.0.0.1 tcp dport 18080 dnat to 10.89.0.2:80"), "{s}");
    }
}
