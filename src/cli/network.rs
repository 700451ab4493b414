//! Network flags of `run`/`create` (podman's names).

use crate::container::NetworkMode;
use crate::error::Result;
use crate::network::{self, ports, NetOptions};
use clap::Args;

/// `--network`, `-p`, `-P`, `--add-host`, `--dns*`, `--mac-address`, `--ip`.
#[derive(Debug, Args, Default)]
pub struct NetFlags {
    /// Network: pasta (rootless default when installed), slirp4netns, none, host,
    /// container:NAME or ns:PATH; pasta:OPT,... and slirp4netns:OPT,... pass options on.
    #[arg(long = "network", alias = "net", value_name = "MODE")]
    pub network: Option<String>,
    /// Publish a container's port to the host: [ip:][hostPort:]containerPort[/tcp|udp] (ranges: 8000-8002:80-82).
    #[arg(short = 'p', long = "publish", value_name = "SPEC")]
    pub publish: Vec<String>,
    /// Publish every port the image EXPOSEs, on random host ports.
    #[arg(short = 'P', long = "publish-all")]
    pub publish_all: bool,
    /// Add a line to /etc/hosts: NAME:IP.
    #[arg(long = "add-host", value_name = "NAME:IP")]
    pub add_host: Vec<String>,
    /// Name server for /etc/resolv.conf (replaces the host's).
    #[arg(long = "dns", value_name = "IP")]
    pub dns: Vec<String>,
    /// Search domain for /etc/resolv.conf ("." for none).
    #[arg(long = "dns-search", value_name = "DOMAIN")]
    pub dns_search: Vec<String>,
    /// Option for /etc/resolv.conf (e.g. ndots:2).
    #[arg(long = "dns-option", alias = "dns-opt", value_name = "OPT")]
    pub dns_option: Vec<String>,
    /// MAC address of the container's interface (pasta, slirp4netns).
    #[arg(long = "mac-address", value_name = "MAC")]
    pub mac_address: Option<String>,
    /// IPv4 address of the container's interface (pasta).
    #[arg(long = "ip", value_name = "IP")]
    pub ip: Option<String>,
}

impl NetFlags {
    /// The network mode and options; the default mode depends on who runs us.
    pub fn options(&self) -> Result<(NetworkMode, NetOptions)> {
        let rootless = crate::paths::host_uid() != 0;
        let mode = match self.network.as_deref() {
            None => network::default_mode(rootless),
            Some(s) => network::parse_mode(s, rootless)?,
        };
        for d in &self.dns {
            if d.parse::<std::net::IpAddr>().is_err() && d != "none" {
                return Err(crate::Error::Invalid(format!("--dns {d:?} is not an IP address: give the name server's address")));
            }
        }
        if let Some(ip) = &self.ip {
            if ip.parse::<std::net::Ipv4Addr>().is_err() {
                return Err(crate::Error::Invalid(format!("--ip {ip:?} is not an IPv4 address")));
            }
        }
        if let Some(mac) = &self.mac_address {
            let ok = mac.split(':').count() == 6 && mac.split(':').all(|b| b.len() == 2 && u8::from_str_radix(b, 16).is_ok());
            if !ok {
                return Err(crate::Error::Invalid(format!("--mac-address {mac:?} is not a MAC address like 92:d0:c6:0a:29:33")));
            }
        }
        let net = NetOptions {
            publish: self.publish.iter().map(|p| ports::parse(p)).collect::<Result<_>>()?,
            add_hosts: self.add_host.clone(),
            dns: self.dns.iter().filter(|d| *d != "none").cloned().collect(),
            dns_search: self.dns_search.clone(),
            dns_options: self.dns_option.clone(),
            mac_address: self.mac_address.clone(),
            ip: self.ip.clone(),
        };
        // Checked here so that a bad entry fails before anything is created.
        network::hosts::add_host_lines(&net)?;
        Ok((mode, net))
    }
}
