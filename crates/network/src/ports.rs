//! Published ports: parsing `-p [ip:][hostPort:]containerPort[/proto]`
//! (with ranges), `-P` from the image's EXPOSE, choosing free host ports,
//! and checking before the container starts that each host port can be
//! bound (a clear error beats a backend that dies on its own).

use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener, UdpSocket};

/// Transport protocol of a published port.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Proto {
    #[default]
    Tcp,
    Udp,
}

impl Proto {
    pub fn as_str(self) -> &'static str {
        match self {
            Proto::Tcp => "tcp",
            Proto::Udp => "udp",
        }
    }
}

/// One published range as the user asked for it; a host port of 0 means
/// "pick a free one when the container starts".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortRequest {
    /// Host address to bind; None: all addresses.
    pub host_ip: Option<IpAddr>,
    pub host_port: u16,
    pub container_port: u16,
    /// Number of consecutive ports (1 for a single port).
    pub range: u16,
    pub proto: Proto,
}

/// One published port once the host port is decided (what `port` lists).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortBinding {
    pub host_ip: Option<IpAddr>,
    pub host_port: u16,
    pub container_port: u16,
    pub proto: Proto,
}

impl PortBinding {
    /// podman's `port` line: `80/tcp -> 127.0.0.1:18080`.
    pub fn line(&self) -> String {
        let ip = match self.host_ip {
            Some(IpAddr::V6(ip)) => format!("[{ip}]"),
            Some(ip) => ip.to_string(),
            None => "0.0.0.0".to_string(),
        };
        format!("{}/{} -> {}:{}", self.container_port, self.proto.as_str(), ip, self.host_port)
    }
}

/// Parses one `-p` value.
pub fn parse(spec: &str) -> Result<PortRequest> {
    let bad = |why: &str| {
        Error::Invalid(format!(
            "invalid port publication {spec:?}: {why}; use [ip:][hostPort:]containerPort[/tcp|udp], e.g. -p 127.0.0.1:8080:80"
        ))
    };
    let (rest, proto) = match spec.rsplit_once('/') {
        Some((r, "tcp")) => (r, Proto::Tcp),
        Some((r, "udp")) => (r, Proto::Udp),
        Some((_, p)) => return Err(bad(&format!("protocol {p:?} is not tcp or udp"))),
        None => (spec, Proto::Tcp),
    };
    // An IPv6 host address comes in brackets: [::1]:8080:80.
    let (ip, rest) = if let Some(after) = rest.strip_prefix('[') {
        let (ip, tail) = after.split_once(']').ok_or_else(|| bad("unclosed [ in the address"))?;
        let tail = tail.strip_prefix(':').ok_or_else(|| bad("a : must follow the bracketed address"))?;
        (Some(ip.to_string()), tail.to_string())
    } else {
        let parts: Vec<&str> = rest.split(':').collect();
        match parts.len() {
            1 | 2 => (None, rest.to_string()),
            3 => (Some(parts[0].to_string()), format!("{}:{}", parts[1], parts[2])),
            _ => return Err(bad("too many colons")),
        }
    };
    let host_ip = match ip.as_deref() {
        None | Some("") => None,
        Some(s) => Some(s.parse::<IpAddr>().map_err(|_| bad(&format!("{s:?} is not an IP address")))?),
    };
    let (host, container) = match rest.split_once(':') {
        Some((h, c)) => (Some(h), c),
        None => (None, rest.as_str()),
    };
    let (cstart, cend) = range(container).ok_or_else(|| bad(&format!("container port {container:?} is not a port or range")))?;
    if cstart == 0 {
        return Err(bad("container port 0"));
    }
    let count = cend - cstart + 1;
    let host_port = match host.filter(|h| !h.is_empty()) {
        None => 0,
        Some(h) => {
            let (hstart, hend) = range(h).ok_or_else(|| bad(&format!("host port {h:?} is not a port or range")))?;
            if hend - hstart + 1 != count {
                return Err(bad("host and container port ranges differ in length"));
            }
            hstart
        }
    };
    Ok(PortRequest { host_ip, host_port, container_port: cstart, range: count, proto })
}

/// `N` or `N-M` (M ≥ N).
fn range(s: &str) -> Option<(u16, u16)> {
    let (a, b) = match s.split_once('-') {
        Some((a, b)) => (a.parse::<u16>().ok()?, b.parse::<u16>().ok()?),
        None => {
            let n = s.parse::<u16>().ok()?;
            (n, n)
        }
    };
    (b >= a).then_some((a, b))
}

/// `-P`: every port the image EXPOSEs ("80/tcp", "53/udp", "8000-8002"),
/// on random host ports.
pub fn from_exposed(exposed: &[String]) -> Result<Vec<PortRequest>> {
    exposed
        .iter()
        .map(|e| {
            let mut r = parse(e)?;
            r.host_port = 0;
            Ok(r)
        })
        .collect()
}

/// Lowest port an unprivileged process may bind on the host.
pub fn unprivileged_port_start() -> u16 {
    std::fs::read_to_string("/proc/sys/net/ipv4/ip_unprivileged_port_start").ok().and_then(|s| s.trim().parse().ok()).unwrap_or(1024)
}

/// Decides the host ports (free ones for 0) and checks each can be bound now.
pub fn resolve(requests: &[PortRequest], rootless: bool) -> Result<Vec<PortBinding>> {
    let floor = unprivileged_port_start();
    let mut out: Vec<PortBinding> = Vec::new();
    for r in requests {
        for i in 0..r.range {
            let container_port = r.container_port + i;
            let host_port = if r.host_port == 0 { free_port(r.host_ip, r.proto)? } else { r.host_port + i };
            if rootless && host_port < floor {
                return Err(Error::Invalid(format!(
                    "cannot publish host port {host_port}: rootless containers may only bind ports from {floor} up \
                     (sysctl net.ipv4.ip_unprivileged_port_start = {floor}); pick a port ≥ {floor}, or as root run \
                     `sysctl net.ipv4.ip_unprivileged_port_start={host_port}`"
                )));
            }
            let b = PortBinding { host_ip: r.host_ip, host_port, container_port, proto: r.proto };
            if out.iter().any(|o| o.host_port == host_port && o.proto == r.proto) {
                return Err(Error::Invalid(format!(
                    "host port {host_port}/{} is published twice: give each -p its own host port",
                    r.proto.as_str()
                )));
            }
            probe(&b)?;
            out.push(b);
        }
    }
    Ok(out)
}

fn bind_addr(ip: Option<IpAddr>, port: u16) -> SocketAddr {
    SocketAddr::new(ip.unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED)), port)
}

/// Binds and releases the host port, so that "in use" is reported by us
/// with the port's number rather than by the backend in its own words.
fn probe(b: &PortBinding) -> Result<()> {
    let addr = bind_addr(b.host_ip, b.host_port);
    let res = match b.proto {
        Proto::Tcp => TcpListener::bind(addr).map(drop),
        Proto::Udp => UdpSocket::bind(addr).map(drop),
    };
    res.map_err(|e| {
        let why = match e.kind() {
            std::io::ErrorKind::AddrInUse => "the port is already in use by another process: stop it or pick another host port".to_string(),
            std::io::ErrorKind::AddrNotAvailable => format!("{} is not an address of this host", addr.ip()),
            _ => e.to_string(),
        };
        Error::Invalid(format!("cannot publish host port {}/{} on {}: {why}", b.host_port, b.proto.as_str(), addr.ip()))
    })
}

/// A port the kernel reports free right now.
fn free_port(ip: Option<IpAddr>, proto: Proto) -> Result<u16> {
    let addr = bind_addr(ip, 0);
    let port = match proto {
        Proto::Tcp => TcpListener::bind(addr).and_then(|l| l.local_addr()),
        Proto::Udp => UdpSocket::bind(addr).and_then(|s| s.local_addr()),
    };
    port.map(|a| a.port()).map_err(|e| Error::Runtime(format!("find a free host port on {}: {e}", addr.ip())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms() {
        let p = parse("127.0.0.1:18080:80").unwrap();
        assert_eq!(
            (p.host_ip, p.host_port, p.container_port, p.range, p.proto),
            (Some("127.0.0.1".parse().unwrap()), 18080, 80, 1, Proto::Tcp)
        );
        let p = parse("8000-8002:80-82/udp").unwrap();
        assert_eq!((p.host_ip, p.host_port, p.container_port, p.range, p.proto), (None, 8000, 80, 3, Proto::Udp));
        let p = parse("80").unwrap();
        assert_eq!((p.host_port, p.container_port), (0, 80));
        let p = parse("127.0.0.1::80").unwrap();
        assert_eq!((p.host_port, p.container_port), (0, 80));
        let p = parse("[::1]:8080:80").unwrap();
        assert_eq!(p.host_ip, Some("::1".parse().unwrap()));
        for bad in ["", "x", "80/sctp", "1-2:80", "a:b:c:d", "0", "nope:80:80", "90-80"] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn line() {
        let b = PortBinding { host_ip: Some("127.0.0.1".parse().unwrap()), host_port: 18080, container_port: 80, proto: Proto::Tcp };
        assert_eq!(b.line(), "80/tcp -> 127.0.0.1:18080");
    }
}
