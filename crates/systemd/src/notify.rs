//! The sd_notify protocol, client side: one datagram of `KEY=VALUE` lines to
//! the unix socket named by $NOTIFY_SOCKET (a path, or `@name` for an
//! abstract address). And what `--sdnotify` means for a container's spec.

use crate::container::policy::SdNotify;
use crate::error::{Error, Result};
use std::os::unix::net::{SocketAddr, UnixDatagram};

/// Where the socket is mounted in a `--sdnotify=container` container (podman's place).
pub const CONTAINER_SOCKET: &str = "/run/notify/notify.sock";

/// $NOTIFY_SOCKET, when set and not empty.
pub fn socket_from_env() -> Option<String> {
    std::env::var("NOTIFY_SOCKET").ok().filter(|s| !s.is_empty())
}

fn address(socket: &str) -> Result<SocketAddr> {
    let bad = |e: std::io::Error| Error::Runtime(format!("NOTIFY_SOCKET {socket:?} is not a usable address: {e}"));
    match socket.strip_prefix('@') {
        Some(name) => {
            use std::os::linux::net::SocketAddrExt;
            SocketAddr::from_abstract_name(name.as_bytes()).map_err(bad)
        }
        None => SocketAddr::from_pathname(socket).map_err(bad),
    }
}

/// Sends `state` (newline-separated KEY=VALUE) to `socket`.
pub fn send_to(socket: &str, state: &str) -> Result<()> {
    let addr = address(socket)?;
    let sock = UnixDatagram::unbound().map_err(|e| Error::Runtime(format!("create a notify socket: {e}")))?;
    sock.send_to_addr(state.as_bytes(), &addr).map_err(|e| Error::Runtime(format!("send {state:?} to NOTIFY_SOCKET {socket}: {e}")))?;
    Ok(())
}

/// Tells systemd, if it is listening, that the container runs: MAINPID is
/// the process that outlives the container and records its exit (the
/// foreground sangja, or a detached container's monitor: podman sends
/// conmon's pid for the same reason); READY=1 too unless the container's
/// application sends it (`container`). A failure to send is for the caller
/// to show as a warning: the container runs either way, and systemd
/// reports the missing READY.
pub fn container_started(mode: SdNotify, main_pid: i32) -> Result<()> {
    let Some(socket) = socket_from_env() else { return Ok(()) };
    let state = match mode {
        SdNotify::Ignore => return Ok(()),
        SdNotify::Container => format!("MAINPID={main_pid}"),
        SdNotify::Conmon => format!("MAINPID={main_pid}\nREADY=1"),
    };
    send_to(&socket, &state)
}

/// For `--sdnotify=container`: bind-mounts the socket of $NOTIFY_SOCKET
/// into the container and sets its NOTIFY_SOCKET there; other modes make
/// sure the container has none. A container run as root in a rootless
/// store is the user on the host, so it may send to the user's manager.
pub fn apply_to_spec(mode: SdNotify, spec: &mut oci_spec::runtime::Spec, network_is_host: bool) -> Result<()> {
    let socket = socket_from_env();
    let mut env: Vec<String> = spec
        .process()
        .as_ref()
        .and_then(|p| p.env().clone())
        .unwrap_or_default()
        .into_iter()
        .filter(|e| !e.starts_with("NOTIFY_SOCKET="))
        .collect();
    let pass = match (mode, socket) {
        (SdNotify::Container, Some(s)) => Some(s),
        _ => None,
    };
    if let Some(s) = pass {
        if s.starts_with('@') {
            // An abstract address lives in a network namespace: only a
            // container in the host's can reach it.
            if !network_is_host {
                return Err(Error::Invalid(format!(
                    "NOTIFY_SOCKET {s:?} is an abstract socket, which a container with its own network cannot reach: \
                     use --sdnotify=conmon, or --network=host"
                )));
            }
            env.push(format!("NOTIFY_SOCKET={s}"));
        } else {
            let mount = oci_spec::runtime::MountBuilder::default()
                .destination(CONTAINER_SOCKET)
                .source(&s)
                .typ("bind")
                .options(vec!["bind".to_string(), "rprivate".to_string()])
                .build()
                .map_err(|e| Error::Runtime(format!("build the NOTIFY_SOCKET mount: {e}")))?;
            let mut mounts = spec.mounts().clone().unwrap_or_default();
            mounts.push(mount);
            spec.set_mounts(Some(mounts));
            env.push(format!("NOTIFY_SOCKET={CONTAINER_SOCKET}"));
        }
    }
    if let Some(p) = spec.process_mut() {
        p.set_env(Some(env));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sends_a_datagram_to_a_path_socket() {
        let dir = std::env::temp_dir().join(format!("sangja-notify-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("n.sock");
        let rx = UnixDatagram::bind(&path).unwrap();
        send_to(path.to_str().unwrap(), "READY=1").unwrap();
        let mut buf = [0u8; 64];
        let n = rx.recv(&mut buf).unwrap();
        assert_eq!(&buf[..n], b"READY=1");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn sends_to_an_abstract_socket() {
        use std::os::linux::net::SocketAddrExt;
        let name = format!("sangja-notify-test-{}", std::process::id());
        let rx = UnixDatagram::bind_addr(&SocketAddr::from_abstract_name(name.as_bytes()).unwrap()).unwrap();
        send_to(&format!("@{name}"), "MAINPID=1\nREADY=1").unwrap();
        let mut buf = [0u8; 64];
        let n = rx.recv(&mut buf).unwrap();
        assert_eq!(&buf[..n], b"MAINPID=1\nREADY=1");
    }
}
