//! slirp4netns: a user-mode TCP/IP stack (libslirp) behind a tap device in
//! the container's namespace (10.0.2.100/24, gateway 10.0.2.2, DNS
//! 10.0.2.3). Published ports go through its API socket (`add_hostfwd`);
//! unlike pasta the container sees connections coming from 10.0.2.2.

use super::backend::{self, Backend};
use super::ports::PortBinding;
use super::NetOptions;
use crate::error::{Error, Result};
use nix::fcntl::OFlag;
use nix::unistd::pipe2;
use std::io::{Read, Write};
use std::os::fd::{AsRawFd, OwnedFd};
use std::os::unix::net::UnixStream;
use std::path::Path;
use std::process::Command;

/// The resolver slirp4netns answers on, inside the namespace.
pub const DNS: &str = "10.0.2.3";
const SOCKET: &str = "slirp4netns.sock";

/// The container's address.
pub const ADDRESS: &str = "10.0.2.100";

/// Starts slirp4netns for the namespace of `holder_pid`; returns once the
/// interface is up and every port is forwarded.
pub fn start(holder_pid: i32, userdata: &Path, ports: &[PortBinding], opts: &NetOptions, extra: &[String]) -> Result<Backend> {
    let exe = backend::find("slirp4netns", "slirp4netns")?;
    let socket = userdata.join(SOCKET);
    let _ = std::fs::remove_file(&socket);
    let (ready_r, ready_w) =
        pipe2(OFlag::O_CLOEXEC | OFlag::O_NONBLOCK).map_err(|e| Error::Runtime(format!("create a pipe: {}", e.desc())))?;
    let mut cmd = Command::new(exe);
    cmd.args(["--configure", "--mtu=65520"]);
    // podman's default: the host's loopback stays out of reach unless asked
    // (`--network slirp4netns:allow_host_loopback=true`).
    if !extra.iter().any(|e| e == "allow_host_loopback=true") {
        cmd.arg("--disable-host-loopback");
    }
    if extra.iter().any(|e| e == "enable_ipv6=true") {
        cmd.arg("--enable-ipv6");
    }
    if let Some(e) = extra.iter().find(|e| !e.starts_with("allow_host_loopback=") && !e.starts_with("enable_ipv6=")) {
        return Err(Error::Invalid(format!("slirp4netns option {e:?} is not supported: use allow_host_loopback=true or enable_ipv6=true")));
    }
    if let Some(mac) = &opts.mac_address {
        cmd.arg(format!("--macaddress={mac}"));
    }
    if opts.ip.is_some() {
        return Err(Error::Invalid(
            "--ip is not supported with slirp4netns (its address is always 10.0.2.100): use --network pasta".into(),
        ));
    }
    cmd.arg(format!("--ready-fd={}", ready_w.as_raw_fd()));
    // Relative to its working directory: the full path under the store
    // easily passes the 108 bytes a unix socket address holds.
    cmd.current_dir(userdata).args(["--api-socket", SOCKET]);
    cmd.arg(holder_pid.to_string()).arg("tap0");
    let mut ready_r = std::fs::File::from(ready_r);
    let write_fd = ready_w.as_raw_fd();
    let keep_open: OwnedFd = ready_w;
    let mut backend = backend::spawn_and_wait_ready(
        cmd,
        "slirp4netns",
        userdata,
        |_| {
            let mut b = [0u8; 1];
            matches!(ready_r.read(&mut b), Ok(1))
        },
        &[write_fd],
    )?;
    drop(keep_open);
    for p in ports {
        if let Err(e) = add_hostfwd(&socket, p) {
            backend.stop();
            return Err(e);
        }
    }
    Ok(backend)
}

/// Asks slirp4netns to forward one host port to the container.
fn add_hostfwd(socket: &Path, p: &PortBinding) -> Result<()> {
    let host_addr = p.host_ip.map(|ip| ip.to_string()).unwrap_or_else(|| "0.0.0.0".to_string());
    let req = serde_json::json!({
        "execute": "add_hostfwd",
        "arguments": {"proto": p.proto.as_str(), "host_addr": host_addr, "host_port": p.host_port, "guest_port": p.container_port}
    });
    let fail = |e: String| Error::Runtime(format!("forward host port {} through slirp4netns: {e}", p.host_port));
    // Through a descriptor of the folder, for the same 108-byte limit.
    let dir = std::fs::File::open(socket.parent().unwrap_or(Path::new("/"))).map_err(|e| fail(e.to_string()))?;
    let short = format!("/proc/self/fd/{}/{SOCKET}", dir.as_raw_fd());
    let mut s = UnixStream::connect(&short).map_err(|e| fail(e.to_string()))?;
    drop(dir);
    s.write_all(req.to_string().as_bytes()).map_err(|e| fail(e.to_string()))?;
    let _ = s.shutdown(std::net::Shutdown::Write);
    let mut reply = String::new();
    s.read_to_string(&mut reply).map_err(|e| fail(e.to_string()))?;
    let v: serde_json::Value = serde_json::from_str(&reply).map_err(|e| fail(format!("bad reply {reply:?}: {e}")))?;
    if let Some(err) = v.get("error") {
        return Err(fail(err.to_string()));
    }
    Ok(())
}
