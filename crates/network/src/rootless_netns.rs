//! Rootless user networks: one network namespace per user (per runroot)
//! holding the bridges, as podman's rootless-netns. Containers join it
//! through veth pairs made inside it (bridge.rs, run with the thread in that
//! namespace); the outside is reached through a pasta attached to it, with
//! NAT by nftables inside it. Published ports: a pasta of each publishing
//! container's own (pasta.rs start_ports, tied to the container's monitor)
//! forwards the host ports into the namespace, where the container's DNAT
//! table sends them on; it reaches the namespace through pasta's loopback
//! splice, so they answer connections from the host's loopback only (its
//! tap path would need the replies routed back through it, not the keeper's).
//!
//! A keeper process owns it: forked (twice, so no sangja waits for it) by the
//! first container that needs it, it makes the namespace through a holder
//! (netns.rs), starts pasta on it, records itself in RUNROOT/netns/keeper.json
//! and checks the leases every half second; when no live container holds a
//! lease, it stops pasta, lets the namespace go, and exits. Namespaces belong
//! to the user namespace they were made in, and every rootless sangja makes
//! its own, so later sangjas that use a user network join the keeper's user
//! namespace first (cli/network.rs sets ENV_JOIN_USERNS from keeper.json).

use super::netns::Holder;
use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::os::fd::{AsRawFd, OwnedFd};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// How long a new keeper waits for its first lease before it may exit.
const GRACE: Duration = Duration::from_secs(5);

/// keeper.json.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Keeper {
    pub pid: i32,
    pub start: Option<u64>,
    /// The holder of the namespace: /proc/PID/ns/net.
    pub netns_pid: i32,
}

impl Keeper {
    fn alive(&self) -> bool {
        self.start.is_some() && crate::runtime::liveness::alive(self.pid, self.start)
    }

    pub fn netns_path(&self) -> PathBuf {
        PathBuf::from(format!("/proc/{}/ns/net", self.netns_pid))
    }
}

/// RUNROOT/netns: keeper.json, the lock, pasta's files, the leases.
pub fn dir(runroot: &Path) -> PathBuf {
    runroot.join("netns")
}

/// The lease folder of the rootless bridges.
pub fn lease_dir(runroot: &Path) -> PathBuf {
    dir(runroot).join("networks")
}

/// The running keeper, if any.
pub fn running(runroot: &Path) -> Option<Keeper> {
    let k: Keeper = crate::json_file::read_opt(&dir(runroot).join("keeper.json")).ok().flatten()?;
    k.alive().then_some(k)
}

/// Makes sure the keeper runs and that we share its user namespace; the
/// returned lock keeps it from exiting until our lease is written.
pub fn ensure(runroot: &Path) -> Result<(Keeper, crate::lock::Lock)> {
    let d = dir(runroot);
    std::fs::create_dir_all(&d).map_err(|e| Error::io_path("create", &d, e))?;
    let lock = crate::lock::exclusive(&d.join("keeper.lock"))?;
    if let Some(k) = running(runroot) {
        let ours = std::fs::read_link("/proc/self/ns/user").ok();
        let theirs = std::fs::read_link(format!("/proc/{}/ns/user", k.pid)).ok();
        if ours != theirs {
            return Err(Error::State(
                "another sangja started the shared network namespace of user networks meanwhile: run the command again".into(),
            ));
        }
        return Ok((k, lock));
    }
    let k = spawn(&d)?;
    Ok((k, lock))
}

/// Forks the keeper (detached) and waits until its namespace is up.
fn spawn(d: &Path) -> Result<Keeper> {
    use nix::unistd::{fork, pipe2, read, ForkResult};
    let (ready_r, ready_w) = pipe2(nix::fcntl::OFlag::O_CLOEXEC).map_err(|e| Error::Runtime(format!("create a pipe: {}", e.desc())))?;
    let _ = std::fs::remove_file(d.join("keeper.json"));
    // SAFETY: single-threaded caller (DESIGN.md); the children only make
    // system calls until keeper_main, which runs in a process of its own.
    match unsafe { fork() }.map_err(|e| Error::Runtime(format!("fork: {}", e.desc())))? {
        ForkResult::Child => {
            drop(ready_r);
            let _ = nix::unistd::setsid();
            // SAFETY: as above.
            if let Ok(ForkResult::Child) = unsafe { fork() } {
                keeper_main(d, ready_w);
            }
            // SAFETY: leave without running the parent's destructors.
            unsafe { libc::_exit(0) }
        }
        ForkResult::Parent { child } => {
            drop(ready_w);
            let _ = nix::sys::wait::waitpid(child, None);
            let mut buf = [0u8; 512];
            let mut msg = Vec::new();
            // One line: the namespace's holder inherits the pipe's write
            // end, so EOF would come only when the keeper exits.
            while let Ok(n) = read(&ready_r, &mut buf) {
                if n == 0 {
                    break;
                }
                msg.extend_from_slice(&buf[..n]);
                if msg.ends_with(b"\n") {
                    msg.pop();
                    break;
                }
            }
            let msg = String::from_utf8_lossy(&msg).to_string();
            if msg != "ok" {
                return Err(Error::Runtime(format!(
                    "start the shared network namespace of user networks: {}",
                    if msg.is_empty() { "the keeper process died" } else { &msg }
                )));
            }
            crate::json_file::read(&d.join("keeper.json"))
        }
    }
}

/// The keeper: never returns.
fn keeper_main(d: &Path, ready: OwnedFd) -> ! {
    let keep = ready.as_raw_fd();
    // Nothing of the starting sangja stays open here (a `run -d` waits
    // for its ready pipe to close).
    for fd in 3..1024 {
        if fd != keep {
            // SAFETY: closing descriptors we do not use.
            unsafe { libc::close(fd) };
        }
    }
    if let Ok(null) = std::fs::OpenOptions::new().read(true).write(true).open("/dev/null") {
        let _ = crate::runtime::fds::install_stdio([null.as_raw_fd(); 3]);
    }
    let report = |msg: &str| {
        let _ = nix::unistd::write(&ready, format!("{}\n", msg.replace('\n', " ")).as_bytes());
    };
    let started = Instant::now();
    let setup = || -> Result<(Holder, super::backend::Backend)> {
        let holder = Holder::new()?;
        let backend = super::pasta::start(&holder.path(), d, &[], &super::NetOptions::default(), &[])?;
        let pid = std::process::id() as i32;
        let k = Keeper { pid, start: crate::runtime::liveness::process_start_time(pid), netns_pid: holder.pid() };
        crate::json_file::write_volatile(&d.join("keeper.json"), &k)?;
        Ok((holder, backend))
    };
    let (mut holder, mut backend) = match setup().and_then(|(h, b)| {
        // The keeper lives in the namespace from now on: its checks of the
        // leases look for the containers' veths there (bridge::owner_alive).
        let k = Keeper { pid: 0, start: None, netns_pid: h.pid() };
        std::mem::forget(enter(&k)?);
        Ok((h, b))
    }) {
        Ok(x) => x,
        Err(e) => {
            report(&e.to_string());
            // SAFETY: exit the forked keeper.
            unsafe { libc::_exit(1) }
        }
    };
    report("ok");
    drop(ready);
    super::bridge::set_lease_dir(d.join("networks"));
    loop {
        std::thread::sleep(Duration::from_millis(500));
        if matches!(backend.child.try_wait(), Ok(Some(_))) {
            // pasta died: the namespace has no way out any more; the next
            // container starts a new keeper.
            let _ = std::fs::remove_file(d.join("keeper.json"));
            break;
        }
        if !d.is_dir() {
            // The runroot was removed under us (rm -rf of a store): nobody can
            // reach this namespace any more, nor take its lock.
            break;
        }
        if started.elapsed() < GRACE {
            continue;
        }
        let Ok(Some(_lock)) = crate::lock::try_exclusive(&d.join("keeper.lock")) else { continue };
        let live = super::bridge::bridges().iter().any(|b| {
            crate::json_file::read_opt::<super::bridge::Leases>(&super::bridge::lease_path(b))
                .ok()
                .flatten()
                .is_some_and(|l| l.leases.iter().any(super::bridge::owner_alive))
        });
        if !live {
            let _ = std::fs::remove_file(d.join("keeper.json"));
            let _ = std::fs::remove_dir_all(d.join("networks"));
            break;
        }
    }
    backend.stop();
    holder.release();
    // SAFETY: exit the keeper without running destructors of the sangja it was forked from.
    unsafe { libc::_exit(0) }
}

/// While alive, the calling thread is in the shared namespace.
pub struct Inside {
    own: std::fs::File,
}

/// Moves the calling thread into the keeper's namespace (bridge.rs then
/// works there as it does on the host as root).
pub fn enter(k: &Keeper) -> Result<Inside> {
    let own = std::fs::File::open("/proc/thread-self/ns/net").map_err(|e| Error::Runtime(format!("open our network namespace: {e}")))?;
    let path = k.netns_path();
    let ns = std::fs::File::open(&path).map_err(|e| Error::io_path("open", &path, e))?;
    // SAFETY: setns on a namespace descriptor; this thread only.
    if unsafe { libc::setns(ns.as_raw_fd(), libc::CLONE_NEWNET) } != 0 {
        return Err(Error::Runtime(format!("enter the shared network namespace: {}", std::io::Error::last_os_error())));
    }
    Ok(Inside { own })
}

impl Drop for Inside {
    fn drop(&mut self) {
        // SAFETY: back to the namespace we came from.
        unsafe { libc::setns(self.own.as_raw_fd(), libc::CLONE_NEWNET) };
    }
}
