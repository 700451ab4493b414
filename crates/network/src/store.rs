//! User networks (`network create`): one JSON file per network under the
//! store (networks/NAME.json), plus the built-in default network `sangja`
//! (bridge sangja0, 10.89.0.0/24), which is never written: as podman's
//! `podman` network, it always exists.
//!
//! 10.89.0.0/16 rather than podman's 10.88.0.0/16, so that sangja and podman
//! containers can run side by side on one machine without sharing a subnet.

use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::net::Ipv4Addr;
use std::path::{Path, PathBuf};

/// Name of the default network.
pub const DEFAULT_NAME: &str = "sangja";
/// Its bridge.
pub const DEFAULT_BRIDGE: &str = "sangja0";

/// An IPv4 subnet, `10.89.1.0/24`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Subnet {
    pub addr: Ipv4Addr,
    pub prefix: u8,
}

impl Subnet {
    /// Parses `A.B.C.D/N` (the address is masked to the network).
    pub fn parse(s: &str) -> Result<Subnet> {
        let bad = || Error::Invalid(format!("subnet {s:?} is not an IPv4 subnet like 10.89.5.0/24"));
        let (a, p) = s.split_once('/').ok_or_else(bad)?;
        let addr: Ipv4Addr = a.parse().map_err(|_| bad())?;
        let prefix: u8 = p.parse().map_err(|_| bad())?;
        if !(8..=30).contains(&prefix) {
            return Err(Error::Invalid(format!("subnet {s:?}: the prefix must be between /8 and /30")));
        }
        let mask = u32::MAX << (32 - prefix);
        Ok(Subnet { addr: Ipv4Addr::from(u32::from(addr) & mask), prefix })
    }

    fn mask(&self) -> u32 {
        u32::MAX << (32 - self.prefix)
    }

    /// Whether `ip` lies in the subnet.
    pub fn contains(&self, ip: Ipv4Addr) -> bool {
        u32::from(ip) & self.mask() == u32::from(self.addr)
    }

    /// Whether two subnets share an address.
    pub fn overlaps(&self, other: &Subnet) -> bool {
        let m = self.mask() & other.mask();
        u32::from(self.addr) & m == u32::from(other.addr) & m
    }

    /// The n-th address of the subnet (1: the usual gateway).
    pub fn nth(&self, n: u32) -> Option<Ipv4Addr> {
        let size = 1u32 << (32 - self.prefix);
        (n > 0 && n < size - 1).then(|| Ipv4Addr::from(u32::from(self.addr) + n))
    }
}

impl std::fmt::Display for Subnet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.addr, self.prefix)
    }
}

/// One network (podman's `network inspect` fields, in our own shape).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct NetworkRecord {
    pub name: String,
    pub id: String,
    /// Always "bridge".
    pub driver: String,
    /// The bridge interface (root: on the host).
    pub interface: String,
    pub subnet: String,
    pub gateway: String,
    #[serde(default)]
    pub internal: bool,
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    pub created: String,
}

impl NetworkRecord {
    pub fn subnet(&self) -> Result<Subnet> {
        Subnet::parse(&self.subnet)
    }

    pub fn gateway(&self) -> Result<Ipv4Addr> {
        self.gateway.parse().map_err(|_| Error::Invalid(format!("network {}: bad gateway {:?}", self.name, self.gateway)))
    }

    /// The built-in default network.
    pub fn default_network() -> NetworkRecord {
        NetworkRecord {
            name: DEFAULT_NAME.into(),
            id: format!("{:0<64}", hex::encode(DEFAULT_NAME)),
            driver: "bridge".into(),
            interface: DEFAULT_BRIDGE.into(),
            subnet: "10.89.0.0/24".into(),
            gateway: "10.89.0.1".into(),
            internal: false,
            labels: BTreeMap::new(),
            created: "1970-01-01T00:00:00Z".into(),
        }
    }
}

/// The networks of one store.
pub struct NetworkStore {
    dir: PathBuf,
}

/// Names as podman allows for networks.
pub fn validate_name(n: &str) -> Result<()> {
    let ok = n.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
        && n.chars().all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c))
        && n.len() <= 64;
    if ok {
        Ok(())
    } else {
        Err(Error::Invalid(format!("network name {n:?} is invalid: names must match [a-zA-Z0-9][a-zA-Z0-9_.-]*")))
    }
}

impl NetworkStore {
    pub fn new(root: &Path) -> NetworkStore {
        NetworkStore { dir: root.join("networks") }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.join(format!("{name}.json"))
    }

    /// The store's lock for creating and removing networks.
    pub fn lock_path(&self) -> PathBuf {
        self.dir.join("networks.lock")
    }

    pub fn ensure(&self) -> Result<()> {
        std::fs::create_dir_all(&self.dir).map_err(|e| Error::io_path("create", &self.dir, e))
    }

    /// Every network, the default first, then by name.
    pub fn list(&self) -> Result<Vec<NetworkRecord>> {
        let mut v = vec![NetworkRecord::default_network()];
        let mut names: Vec<String> = match std::fs::read_dir(&self.dir) {
            Ok(rd) => rd
                .filter_map(|e| e.ok())
                .filter_map(|e| e.file_name().to_str().and_then(|n| n.strip_suffix(".json")).map(String::from))
                .collect(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
            Err(e) => return Err(Error::io_path("read", &self.dir, e)),
        };
        names.sort();
        for n in names {
            if let Some(r) = crate::json_file::read_opt::<NetworkRecord>(&self.path(&n))? {
                v.push(r);
            }
        }
        Ok(v)
    }

    /// A network by name or (a prefix of its) id.
    pub fn lookup(&self, name: &str) -> Result<NetworkRecord> {
        if name == DEFAULT_NAME {
            return Ok(NetworkRecord::default_network());
        }
        if validate_name(name).is_ok() {
            if let Some(r) = crate::json_file::read_opt::<NetworkRecord>(&self.path(name))? {
                return Ok(r);
            }
        }
        let by_id: Vec<NetworkRecord> = self.list()?.into_iter().filter(|r| name.len() >= 3 && r.id.starts_with(name)).collect();
        match by_id.len() {
            1 => Ok(by_id.into_iter().next().unwrap_or_else(NetworkRecord::default_network)),
            _ => Err(Error::NotFound(format!(
                // podman's words (scripts match on them), then the fix.
                "unable to find network with name or ID {name}: network not found (see `sangja network ls`, or create it with `sangja network create {name}`)"
            ))),
        }
    }

    pub fn exists(&self, name: &str) -> bool {
        self.lookup(name).is_ok()
    }

    pub fn write(&self, r: &NetworkRecord) -> Result<()> {
        self.ensure()?;
        crate::json_file::write(&self.path(&r.name), r)
    }

    pub fn remove(&self, name: &str) -> Result<()> {
        let p = self.path(name);
        std::fs::remove_file(&p).map_err(|e| Error::io_path("remove", &p, e))
    }
}

/// Picks a free subnet 10.89.N.0/24 (N ≥ 1) not used by `taken`.
pub fn free_subnet(taken: &[Subnet]) -> Result<Subnet> {
    for n in 1..=255u8 {
        let s = Subnet { addr: Ipv4Addr::new(10, 89, n, 0), prefix: 24 };
        if !taken.iter().any(|t| t.overlaps(&s)) {
            return Ok(s);
        }
    }
    Err(Error::Invalid("no free subnet left in 10.89.0.0/16: remove networks or give --subnet".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subnets() {
        let s = Subnet::parse("10.89.3.7/24").unwrap();
        assert_eq!(s.to_string(), "10.89.3.0/24");
        assert_eq!(s.nth(1), Some(Ipv4Addr::new(10, 89, 3, 1)));
        assert_eq!(s.nth(255), None);
        assert!(s.contains(Ipv4Addr::new(10, 89, 3, 200)));
        assert!(s.overlaps(&Subnet::parse("10.89.0.0/16").unwrap()));
        assert!(!s.overlaps(&Subnet::parse("10.89.4.0/24").unwrap()));
        assert!(Subnet::parse("10.89.0.0").is_err());
        assert!(Subnet::parse("10.89.0.0/33").is_err());
        let taken = [Subnet::parse("10.89.1.0/24").unwrap()];
        assert_eq!(free_subnet(&taken).unwrap().to_string(), "10.89.2.0/24");
    }
}
