//! The container's /etc/hosts and /etc/resolv.conf lines that depend on the
//! network: `--add-host`, `--dns`, `--dns-search`, `--dns-option`, and the
//! backend's resolver where the host's is unreachable from the container.

use super::NetOptions;
use crate::error::{Error, Result};
use std::net::IpAddr;

/// What kind of network the container has, for its resolv.conf.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resolver {
    /// No network: no name servers.
    None,
    /// The host's namespace: the host's file as is.
    Host,
    /// pasta: the host's servers, loopback ones replaced by pasta's forwarder.
    Pasta,
    /// slirp4netns: its built-in forwarder.
    Slirp,
    /// Another namespace (container:, ns:): the host's servers.
    Other,
}

/// The name servers of the host's /etc/resolv.conf.
fn host_nameservers(text: &str) -> Vec<String> {
    text.lines().filter_map(|l| l.trim().strip_prefix("nameserver")).map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect()
}

fn is_loopback(s: &str) -> bool {
    s.parse::<IpAddr>().map(|ip| ip.is_loopback()).unwrap_or(false)
}

/// True when the host resolves names through a loopback server
/// (systemd-resolved's 127.0.0.53, dnsmasq...), which a container's own
/// namespace cannot reach.
pub fn host_resolver_is_loopback() -> bool {
    let text = std::fs::read_to_string("/etc/resolv.conf").unwrap_or_default();
    host_nameservers(&text).iter().any(|s| is_loopback(s))
}

/// Builds resolv.conf from the host's text, the kind of network and the flags.
pub fn resolv_conf(host: &str, kind: Resolver, net: &NetOptions) -> String {
    let mut servers: Vec<String> = if !net.dns.is_empty() {
        net.dns.clone()
    } else {
        match kind {
            Resolver::None => Vec::new(),
            Resolver::Host => host_nameservers(host),
            Resolver::Slirp => vec![super::slirp4netns::DNS.to_string()],
            Resolver::Pasta | Resolver::Other => {
                let mut v: Vec<String> = Vec::new();
                for s in host_nameservers(host) {
                    let s = if is_loopback(&s) && kind == Resolver::Pasta { super::pasta::DNS_FORWARD.to_string() } else { s };
                    if !is_loopback(&s) && !v.contains(&s) {
                        v.push(s);
                    }
                }
                v
            }
        }
    };
    servers.dedup();
    let mut out = String::new();
    let search: Vec<String> = if !net.dns_search.is_empty() {
        net.dns_search.iter().filter(|s| s.as_str() != ".").cloned().collect()
    } else {
        host.lines().filter_map(|l| l.trim().strip_prefix("search")).flat_map(|s| s.split_whitespace()).map(String::from).collect()
    };
    if !search.is_empty() {
        out.push_str(&format!("search {}\n", search.join(" ")));
    }
    for s in servers {
        out.push_str(&format!("nameserver {s}\n"));
    }
    let options: Vec<String> = if !net.dns_options.is_empty() {
        net.dns_options.clone()
    } else {
        host.lines().filter_map(|l| l.trim().strip_prefix("options")).flat_map(|s| s.split_whitespace()).map(String::from).collect()
    };
    if !options.is_empty() {
        out.push_str(&format!("options {}\n", options.join(" ")));
    }
    out
}

/// `--add-host NAME:IP` lines (podman also takes `NAME=IP` and an IPv6
/// address after the first colon).
pub fn add_host_lines(net: &NetOptions) -> Result<String> {
    let mut out = String::new();
    for entry in &net.add_hosts {
        let (name, ip) = entry
            .split_once('=')
            .or_else(|| entry.split_once(':'))
            .ok_or_else(|| bad_host(entry, "no : between the name and the address"))?;
        let ip = ip.trim_start_matches('[').trim_end_matches(']');
        if name.is_empty() || name.contains(char::is_whitespace) {
            return Err(bad_host(entry, "empty or blank host name"));
        }
        let ip: IpAddr = if ip == "host-gateway" {
            return Err(bad_host(entry, "host-gateway is not supported yet; give the address"));
        } else {
            ip.parse().map_err(|_| bad_host(entry, &format!("{ip:?} is not an IP address")))?
        };
        out.push_str(&format!("{ip}\t{name}\n"));
    }
    Ok(out)
}

fn bad_host(entry: &str, why: &str) -> Error {
    Error::Invalid(format!("invalid --add-host {entry:?}: {why}; use --add-host NAME:IP, e.g. --add-host db:10.0.0.5"))
}

/// Replaces the section of network `network` in a container's /etc/hosts
/// (between `# sangja network NAME` and `# end sangja network NAME`) with
/// `lines`; empty `lines` removes it. Written in place: the file is
/// bind-mounted into the container, so its inode must stay.
pub fn replace_section(path: &std::path::Path, network: &str, lines: &str) -> Result<()> {
    use std::io::Write;
    let text = std::fs::read_to_string(path).map_err(|e| Error::io_path("read", path, e))?;
    let begin = format!("# sangja network {network}\n");
    let end = format!("# end sangja network {network}\n");
    let mut out = match (text.find(&begin), text.find(&end)) {
        (Some(b), Some(e)) if e > b => format!("{}{}", &text[..b], &text[e + end.len()..]),
        _ => text.clone(),
    };
    if !lines.is_empty() {
        if !out.is_empty() && !out.ends_with('\n') {
            out.push('\n');
        }
        out.push_str(&begin);
        out.push_str(lines);
        out.push_str(&end);
    }
    if out != text {
        let mut f = std::fs::OpenOptions::new().write(true).truncate(true).open(path).map_err(|e| Error::io_path("open", path, e))?;
        f.write_all(out.as_bytes()).map_err(|e| Error::io_path("write", path, e))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections() {
        let dir = std::env::temp_dir().join(format!("sangja-hosts-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("hosts");
        std::fs::write(&p, "127.0.0.1\tlocalhost\n").unwrap();
        replace_section(&p, "a", "10.89.1.2\tdb\n").unwrap();
        replace_section(&p, "b", "10.89.2.2\tweb\n").unwrap();
        replace_section(&p, "a", "10.89.1.2\tdb\n10.89.1.3\tcli\n").unwrap();
        assert_eq!(
            std::fs::read_to_string(&p).unwrap(),
            "127.0.0.1\tlocalhost\n# sangja network b\n10.89.2.2\tweb\n# end sangja network b\n\
             # sangja network a\n10.89.1.2\tdb\n10.89.1.3\tcli\n# end sangja network a\n"
        );
        replace_section(&p, "a", "").unwrap();
        replace_section(&p, "b", "").unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "127.0.0.1\tlocalhost\n");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn resolv() {
        let host = "search example.com\nnameserver 127.0.0.53\nnameserver 10.1.1.1\noptions edns0\n";
        let n = NetOptions::default();
        assert_eq!(
            resolv_conf(host, Resolver::Pasta, &n),
            "search example.com\nnameserver 169.254.1.1\nnameserver 10.1.1.1\noptions edns0\n"
        );
        assert_eq!(resolv_conf(host, Resolver::Slirp, &n), "search example.com\nnameserver 10.0.2.3\noptions edns0\n");
        assert_eq!(resolv_conf(host, Resolver::None, &n), "search example.com\noptions edns0\n");
        let n = NetOptions {
            dns: vec!["9.9.9.9".into()],
            dns_search: vec!["a.b".into()],
            dns_options: vec!["ndots:2".into()],
            ..Default::default()
        };
        assert_eq!(resolv_conf(host, Resolver::Pasta, &n), "search a.b\nnameserver 9.9.9.9\noptions ndots:2\n");
    }

    #[test]
    fn add_host() {
        let n = NetOptions { add_hosts: vec!["db:10.0.0.5".into(), "v6:::1".into(), "x=1.2.3.4".into()], ..Default::default() };
        assert_eq!(add_host_lines(&n).unwrap(), "10.0.0.5\tdb\n::1\tv6\n1.2.3.4\tx\n");
        let n = NetOptions { add_hosts: vec!["db".into()], ..Default::default() };
        assert!(add_host_lines(&n).is_err());
    }
}
