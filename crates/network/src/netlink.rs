//! A small rtnetlink client (NETLINK_ROUTE over a raw socket with libc):
//! bridges, veth pairs, addresses, routes, links up and down.
//!
//! Our own rather than the `rtnetlink`/`netlink-packet-route` crates: those
//! bring an async runtime and a dozen crates to build on every machine for
//! the seven requests below, each a few attributes long; sangja creates
//! containers in a single-threaded process (DESIGN.md), where a blocking
//! socket is the simple fit.

use crate::error::{Error, Result};
use std::net::Ipv4Addr;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};

const IFLA_IFNAME: u16 = 3;
const IFLA_MASTER: u16 = 10;
const IFLA_LINKINFO: u16 = 18;
const IFLA_NET_NS_FD: u16 = 28;
const IFLA_INFO_KIND: u16 = 1;
const IFLA_INFO_DATA: u16 = 2;
const VETH_INFO_PEER: u16 = 1;
const IFA_ADDRESS: u16 = 1;
const IFA_LOCAL: u16 = 2;
const RTA_GATEWAY: u16 = 5;
const RTA_OIF: u16 = 4;
const NLA_F_NESTED: u16 = 1 << 15;

/// A NETLINK_ROUTE socket bound to the network namespace it was opened in.
pub struct Netlink {
    fd: OwnedFd,
    seq: u32,
}

/// A request being built: header, fixed part, attributes.
struct Msg {
    buf: Vec<u8>,
    nests: Vec<usize>,
}

impl Msg {
    fn new(typ: u16, flags: u16, fixed: &[u8]) -> Msg {
        let mut buf = vec![0u8; 16];
        buf[4..6].copy_from_slice(&typ.to_ne_bytes());
        buf[6..8].copy_from_slice(&(flags | libc::NLM_F_REQUEST as u16 | libc::NLM_F_ACK as u16).to_ne_bytes());
        buf.extend_from_slice(fixed);
        Msg { buf, nests: Vec::new() }
    }

    fn pad(&mut self) {
        while !self.buf.len().is_multiple_of(4) {
            self.buf.push(0);
        }
    }

    fn attr(&mut self, typ: u16, data: &[u8]) -> &mut Self {
        self.pad();
        self.buf.extend_from_slice(&((4 + data.len()) as u16).to_ne_bytes());
        self.buf.extend_from_slice(&typ.to_ne_bytes());
        self.buf.extend_from_slice(data);
        self
    }

    fn str_attr(&mut self, typ: u16, s: &str) -> &mut Self {
        let mut d = s.as_bytes().to_vec();
        d.push(0);
        self.attr(typ, &d)
    }

    fn begin(&mut self, typ: u16) -> &mut Self {
        self.pad();
        self.nests.push(self.buf.len());
        self.buf.extend_from_slice(&[0, 0]);
        self.buf.extend_from_slice(&(typ | NLA_F_NESTED).to_ne_bytes());
        self
    }

    fn end(&mut self) -> &mut Self {
        if let Some(start) = self.nests.pop() {
            let len = (self.buf.len() - start) as u16;
            self.buf[start..start + 2].copy_from_slice(&len.to_ne_bytes());
        }
        self
    }

    /// Raw bytes inside an attribute (the veth peer's ifinfomsg).
    fn raw(&mut self, data: &[u8]) -> &mut Self {
        self.buf.extend_from_slice(data);
        self
    }
}

/// struct ifinfomsg: family, type, index, flags, change.
fn ifinfomsg(index: i32, flags: u32, change: u32) -> Vec<u8> {
    let mut v = vec![0u8; 16];
    v[4..8].copy_from_slice(&index.to_ne_bytes());
    v[8..12].copy_from_slice(&flags.to_ne_bytes());
    v[12..16].copy_from_slice(&change.to_ne_bytes());
    v
}

impl Netlink {
    /// Opens a socket in the caller's network namespace.
    pub fn open() -> Result<Netlink> {
        // SAFETY: plain socket call; the fd is owned at once.
        let fd = unsafe { libc::socket(libc::AF_NETLINK, libc::SOCK_RAW | libc::SOCK_CLOEXEC, libc::NETLINK_ROUTE) };
        if fd < 0 {
            return Err(Error::Runtime(format!("open a netlink socket: {}", std::io::Error::last_os_error())));
        }
        // SAFETY: fd is a fresh descriptor we own.
        Ok(Netlink { fd: unsafe { OwnedFd::from_raw_fd(fd) }, seq: 0 })
    }

    /// Opens a socket inside the namespace `netns` (an open /proc/PID/ns/net):
    /// the calling thread enters it just long enough to create the socket,
    /// which stays bound to that namespace.
    pub fn open_in(netns: RawFd) -> Result<Netlink> {
        let own =
            std::fs::File::open("/proc/thread-self/ns/net").map_err(|e| Error::Runtime(format!("open our network namespace: {e}")))?;
        let enter = |fd: RawFd, what: &str| {
            // SAFETY: setns on a namespace descriptor; affects this thread only.
            if unsafe { libc::setns(fd, libc::CLONE_NEWNET) } != 0 {
                return Err(Error::Runtime(format!("enter {what} network namespace: {}", std::io::Error::last_os_error())));
            }
            Ok(())
        };
        enter(netns, "the container's")?;
        let sock = Netlink::open();
        enter(own.as_raw_fd(), "our own")?;
        sock
    }

    fn request(&mut self, mut msg: Msg, what: &str) -> std::result::Result<(), i32> {
        self.seq += 1;
        let len = msg.buf.len() as u32;
        msg.buf[0..4].copy_from_slice(&len.to_ne_bytes());
        msg.buf[8..12].copy_from_slice(&self.seq.to_ne_bytes());
        let _ = what;
        // SAFETY: sending a buffer we own to the kernel (sockaddr_nl zeroed = kernel).
        let n = unsafe {
            let mut addr: libc::sockaddr_nl = std::mem::zeroed();
            addr.nl_family = libc::AF_NETLINK as u16;
            libc::sendto(
                self.fd.as_raw_fd(),
                msg.buf.as_ptr().cast(),
                msg.buf.len(),
                0,
                (&addr as *const libc::sockaddr_nl).cast(),
                std::mem::size_of::<libc::sockaddr_nl>() as u32,
            )
        };
        if n < 0 {
            return Err(std::io::Error::last_os_error().raw_os_error().unwrap_or(libc::EIO));
        }
        let mut buf = vec![0u8; 8192];
        loop {
            // SAFETY: receiving into a buffer we own.
            let n = unsafe { libc::recv(self.fd.as_raw_fd(), buf.as_mut_ptr().cast(), buf.len(), 0) };
            if n < 0 {
                let e = std::io::Error::last_os_error().raw_os_error().unwrap_or(libc::EIO);
                if e == libc::EINTR {
                    continue;
                }
                return Err(e);
            }
            let mut off = 0usize;
            let n = n as usize;
            while off + 16 <= n {
                let mlen = u32::from_ne_bytes(buf[off..off + 4].try_into().unwrap_or([0; 4])) as usize;
                let typ = u16::from_ne_bytes([buf[off + 4], buf[off + 5]]);
                let seq = u32::from_ne_bytes(buf[off + 8..off + 12].try_into().unwrap_or([0; 4]));
                if typ == libc::NLMSG_ERROR as u16 && seq == self.seq && off + 20 <= n {
                    let code = i32::from_ne_bytes(buf[off + 16..off + 20].try_into().unwrap_or([0; 4]));
                    return if code == 0 { Ok(()) } else { Err(-code) };
                }
                if mlen < 16 {
                    break;
                }
                off += (mlen + 3) & !3;
            }
        }
    }

    fn run(&mut self, msg: Msg, what: &str) -> Result<()> {
        self.request(msg, what).map_err(|e| Error::Runtime(format!("{what}: {}", std::io::Error::from_raw_os_error(e))))
    }

    /// Creates a bridge; Ok(false) when a link of that name exists already.
    pub fn create_bridge(&mut self, name: &str) -> Result<bool> {
        let flags = (libc::NLM_F_CREATE | libc::NLM_F_EXCL) as u16;
        let mut m = Msg::new(libc::RTM_NEWLINK, flags, &ifinfomsg(0, 0, 0));
        m.str_attr(IFLA_IFNAME, name).begin(IFLA_LINKINFO).str_attr(IFLA_INFO_KIND, "bridge").end();
        match self.request(m, "create bridge") {
            Ok(()) => Ok(true),
            Err(libc::EEXIST) => Ok(false),
            Err(e) => Err(Error::Runtime(format!("create bridge {name}: {}", std::io::Error::from_raw_os_error(e)))),
        }
    }

    /// Creates a veth pair: `host` here, `peer` in the namespace `peer_netns`.
    pub fn create_veth(&mut self, host: &str, peer: &str, peer_netns: RawFd) -> Result<()> {
        let flags = (libc::NLM_F_CREATE | libc::NLM_F_EXCL) as u16;
        let mut m = Msg::new(libc::RTM_NEWLINK, flags, &ifinfomsg(0, 0, 0));
        m.str_attr(IFLA_IFNAME, host)
            .begin(IFLA_LINKINFO)
            .str_attr(IFLA_INFO_KIND, "veth")
            .begin(IFLA_INFO_DATA)
            .begin(VETH_INFO_PEER)
            .raw(&ifinfomsg(0, 0, 0))
            .str_attr(IFLA_IFNAME, peer)
            .attr(IFLA_NET_NS_FD, &(peer_netns as u32).to_ne_bytes())
            .end()
            .end()
            .end();
        self.run(m, &format!("create veth pair {host}/{peer}"))
    }

    /// Sets a link up, optionally enslaving it to a bridge.
    pub fn link_up(&mut self, index: i32, master: Option<i32>) -> Result<()> {
        let up = libc::IFF_UP as u32;
        let mut m = Msg::new(libc::RTM_NEWLINK, 0, &ifinfomsg(index, up, up));
        if let Some(master) = master {
            m.attr(IFLA_MASTER, &(master as u32).to_ne_bytes());
        }
        self.run(m, &format!("bring link {index} up"))
    }

    /// Deletes a link by name; Ok(false) when there is none.
    pub fn delete_link(&mut self, name: &str) -> Result<bool> {
        let mut m = Msg::new(libc::RTM_DELLINK, 0, &ifinfomsg(0, 0, 0));
        m.str_attr(IFLA_IFNAME, name);
        match self.request(m, "delete link") {
            Ok(()) => Ok(true),
            Err(libc::ENODEV) => Ok(false),
            Err(e) => Err(Error::Runtime(format!("delete link {name}: {}", std::io::Error::from_raw_os_error(e)))),
        }
    }

    /// Adds an IPv4 address; an existing one is fine.
    pub fn add_address(&mut self, index: i32, addr: Ipv4Addr, prefix: u8) -> Result<()> {
        let flags = (libc::NLM_F_CREATE | libc::NLM_F_REPLACE) as u16;
        let mut fixed = vec![libc::AF_INET as u8, prefix, 0, libc::RT_SCOPE_UNIVERSE];
        fixed.extend_from_slice(&(index as u32).to_ne_bytes());
        let mut m = Msg::new(libc::RTM_NEWADDR, flags, &fixed);
        m.attr(IFA_LOCAL, &addr.octets()).attr(IFA_ADDRESS, &addr.octets());
        self.run(m, &format!("add address {addr}/{prefix}"))
    }

    /// Adds the default route through `gateway` on link `index`.
    pub fn add_default_route(&mut self, index: i32, gateway: Ipv4Addr) -> Result<()> {
        let flags = (libc::NLM_F_CREATE | libc::NLM_F_EXCL) as u16;
        // struct rtmsg: family, dst_len, src_len, tos, table, protocol, scope, type, flags.
        let mut fixed =
            vec![libc::AF_INET as u8, 0, 0, 0, libc::RT_TABLE_MAIN, libc::RTPROT_BOOT, libc::RT_SCOPE_UNIVERSE, libc::RTN_UNICAST];
        fixed.extend_from_slice(&0u32.to_ne_bytes());
        let mut m = Msg::new(libc::RTM_NEWROUTE, flags, &fixed);
        m.attr(RTA_GATEWAY, &gateway.octets()).attr(RTA_OIF, &(index as u32).to_ne_bytes());
        self.run(m, &format!("add default route via {gateway}"))
    }
}

/// The index of a link in the caller's namespace (None when absent).
pub fn link_index(name: &str) -> Option<i32> {
    let c = std::ffi::CString::new(name).ok()?;
    // SAFETY: a valid C string.
    let i = unsafe { libc::if_nametoindex(c.as_ptr()) };
    (i != 0).then_some(i as i32)
}

/// The index of a link inside another namespace, through its sysfs-less
/// route: a socket there and SIOCGIFINDEX.
pub fn link_index_in(netns: RawFd, name: &str) -> Result<i32> {
    let own = std::fs::File::open("/proc/thread-self/ns/net").map_err(|e| Error::Runtime(format!("open our network namespace: {e}")))?;
    // SAFETY: setns on namespace descriptors (this thread only), then back.
    unsafe {
        if libc::setns(netns, libc::CLONE_NEWNET) != 0 {
            return Err(Error::Runtime(format!("enter the container's network namespace: {}", std::io::Error::last_os_error())));
        }
        let idx = link_index(name);
        if libc::setns(own.as_raw_fd(), libc::CLONE_NEWNET) != 0 {
            return Err(Error::Runtime(format!("return to our network namespace: {}", std::io::Error::last_os_error())));
        }
        idx.ok_or_else(|| Error::Runtime(format!("link {name} not found in the container's network namespace")))
    }
}

/// The MAC address of a link inside another namespace (`inspect`), as
/// aa:bb:cc:dd:ee:ff; None if it cannot be read.
pub fn link_mac_in(netns: RawFd, name: &str) -> Option<String> {
    let own = std::fs::File::open("/proc/thread-self/ns/net").ok()?;
    let c = std::ffi::CString::new(name).ok()?;
    if c.as_bytes().len() >= libc::IFNAMSIZ {
        return None;
    }
    // SAFETY: setns on namespace descriptors (this thread only), then back;
    // SIOCGIFHWADDR on a socket of ours with a zeroed, NUL-terminated ifreq.
    unsafe {
        if libc::setns(netns, libc::CLONE_NEWNET) != 0 {
            return None;
        }
        let fd = libc::socket(libc::AF_INET, libc::SOCK_DGRAM | libc::SOCK_CLOEXEC, 0);
        let mut req: libc::ifreq = std::mem::zeroed();
        for (d, s) in req.ifr_name.iter_mut().zip(c.as_bytes()) {
            *d = *s as libc::c_char;
        }
        let ok = fd >= 0 && libc::ioctl(fd, libc::SIOCGIFHWADDR, &mut req) == 0;
        if fd >= 0 {
            libc::close(fd);
        }
        if libc::setns(own.as_raw_fd(), libc::CLONE_NEWNET) != 0 || !ok {
            return None;
        }
        let sa = req.ifr_ifru.ifru_hwaddr.sa_data;
        Some(sa[..6].iter().map(|b| format!("{:02x}", *b as u8)).collect::<Vec<_>>().join(":"))
    }
}
