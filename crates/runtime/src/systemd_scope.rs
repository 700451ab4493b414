//! A delegated cgroup from the systemd user manager, for rootless limits
//! where our own cgroup is not writable: a transient scope
//! `sangja-<id>.scope` with Delegate=yes, asked for over D-Bus
//! (org.freedesktop.systemd1.Manager.StartTransientUnit), holding our own
//! process. That is what a systemd user unit or login session gets; once we
//! are in it, /proc/self/cgroup names the scope and `cgroups_v2::delegation`
//! finds it writable, so the rest is the ordinary delegated path.
//!
//! The scope is named for the container, so a `start` after `create` (another
//! process) lands in the same cgroup folder that the spec's mounts name. If
//! the scope still exists (a monitor in it), our process is attached to its
//! leaf instead (AttachProcessesToUnit).
//!
//! Fork safety: zbus's blocking connection starts threads (its executor and
//! async-io's reactor), and the process that asks later clones the container.
//! So a forked helper child does the D-Bus talk, reports over a pipe and
//! exits; the scope holds our pid, not the helper's.

use super::cgroups_v2::LEAF;
use crate::error::{Error, Result};
use nix::poll::{poll, PollFd, PollFlags, PollTimeout};
use nix::sys::signal::{kill, Signal};
use nix::sys::wait::waitpid;
use nix::unistd::{fork, pipe, read, write, ForkResult, Pid};
use std::os::fd::{AsFd, OwnedFd};
use std::time::Duration;
use zbus::zvariant::{OwnedObjectPath, Value};

/// How long the manager may take to start the scope (it is usually a few ms).
const TIMEOUT: Duration = Duration::from_secs(10);

const DEST: &str = "org.freedesktop.systemd1";
const PATH: &str = "/org/freedesktop/systemd1";
const MANAGER: &str = "org.freedesktop.systemd1.Manager";

/// The unit name for container `id`.
pub fn unit_name(id: &str) -> String {
    let safe: String = id.chars().map(|c| if c.is_ascii_alphanumeric() || c == '_' { c } else { '_' }).collect();
    format!("sangja-{safe}.scope")
}

/// The user bus: $DBUS_SESSION_BUS_ADDRESS, else $XDG_RUNTIME_DIR/bus when
/// that socket exists. None: no user manager to ask.
fn bus_address() -> Option<String> {
    if let Some(a) = std::env::var("DBUS_SESSION_BUS_ADDRESS").ok().filter(|a| !a.is_empty()) {
        return Some(a);
    }
    let dir = std::env::var("XDG_RUNTIME_DIR").ok().filter(|d| !d.is_empty())?;
    let sock = std::path::Path::new(&dir).join("bus");
    use std::os::unix::fs::FileTypeExt;
    std::fs::metadata(&sock).ok().filter(|m| m.file_type().is_socket())?;
    Some(format!("unix:path={}", sock.display()))
}

/// Moves this process into the scope `sangja-<id>.scope` of the systemd
/// user manager; Ok(Some(how)): "started" or "attached to the running
/// scope". Ok(None) when no user bus is reachable; Err with the manager's
/// answer when it refused.
pub fn enter(id: &str) -> Result<Option<String>> {
    let Some(address) = bus_address() else { return Ok(None) };
    let name = unit_name(id);
    let me = std::process::id();
    let (r, w) = pipe().map_err(|e| Error::Runtime(format!("pipe: {e}")))?;
    // SAFETY: the child only talks D-Bus, writes to the pipe and _exits;
    // the caller is single-threaded here (it clones the container later).
    match unsafe { fork() } {
        Err(e) => Err(Error::Runtime(format!("fork the D-Bus helper: {e}"))),
        Ok(ForkResult::Child) => {
            drop(r);
            let msg = match ask(&address, &name, me) {
                Ok(how) => format!("ok {how}"),
                Err(e) => e,
            };
            let _ = write(&w, msg.as_bytes());
            // SAFETY: leave without running the parent's atexit handlers or destructors.
            unsafe { libc::_exit(0) }
        }
        Ok(ForkResult::Parent { child }) => {
            drop(w);
            let answer = wait_answer(&r, child);
            let _ = waitpid(child, None);
            match answer {
                Some(a) if a.starts_with("ok ") => Ok(Some(a[3..].to_string())),
                Some(a) => Err(Error::Runtime(format!("the systemd user manager did not start {name}: {a}"))),
                None => Err(Error::Runtime(format!("the systemd user manager did not start {name} within {TIMEOUT:?}"))),
            }
        }
    }
}

/// The helper's answer, or None (killed) when it took too long.
fn wait_answer(r: &OwnedFd, child: Pid) -> Option<String> {
    let deadline = std::time::Instant::now() + TIMEOUT;
    let mut out = Vec::new();
    loop {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        let ms = u16::try_from(left.as_millis()).unwrap_or(u16::MAX);
        let mut fds = [PollFd::new(r.as_fd(), PollFlags::POLLIN)];
        match poll(&mut fds, PollTimeout::from(ms)) {
            Ok(0) => {
                let _ = kill(child, Signal::SIGKILL);
                return None;
            }
            Err(nix::errno::Errno::EINTR) => continue,
            Err(_) => return None,
            Ok(_) => {}
        }
        let mut buf = [0u8; 4096];
        match read(r, &mut buf) {
            Ok(0) => return Some(String::from_utf8_lossy(&out).into_owned()),
            Ok(n) => out.extend_from_slice(&buf[..n]),
            Err(nix::errno::Errno::EINTR) => {}
            Err(_) => return None,
        }
    }
}

/// Helper child: the D-Bus calls. Subscribe and the JobRemoved match come
/// first so the signal cannot pass before we listen.
fn ask(address: &str, name: &str, pid: u32) -> std::result::Result<&'static str, String> {
    let conn = zbus::blocking::connection::Builder::address(address)
        .and_then(|b| b.user_id(crate::paths::host_uid()).build())
        .map_err(|e| format!("connect to {address}: {e}"))?;
    let rule = zbus::MatchRule::builder()
        .msg_type(zbus::message::Type::Signal)
        .sender(DEST)
        .and_then(|b| b.interface(MANAGER))
        .and_then(|b| b.member("JobRemoved"))
        .map(|b| b.build())
        .map_err(|e| e.to_string())?;
    let mut signals = zbus::blocking::MessageIterator::for_match_rule(rule, &conn, Some(64)).map_err(|e| e.to_string())?;
    conn.call_method(Some(DEST), PATH, Some(MANAGER), "Subscribe", &()).map_err(|e| format!("Subscribe: {e}"))?;
    let props: Vec<(&str, Value)> = vec![
        ("Description", Value::from(format!("sangja container {name}"))),
        ("PIDs", Value::from(vec![pid])),
        ("Delegate", Value::from(true)),
        ("CollectMode", Value::from("inactive-or-failed")),
    ];
    let aux: Vec<(&str, Vec<(&str, Value)>)> = Vec::new();
    let reply = conn.call_method(Some(DEST), PATH, Some(MANAGER), "StartTransientUnit", &(name, "fail", props, aux));
    let job: OwnedObjectPath = match reply {
        Ok(m) => m.body().deserialize().map_err(|e| e.to_string())?,
        // A scope of that name still runs (a monitor in it): join its leaf.
        Err(zbus::Error::MethodError(err, _, _)) if err.as_str() == "org.freedesktop.systemd1.UnitExists" => {
            let leaf = format!("/{LEAF}");
            conn.call_method(Some(DEST), PATH, Some(MANAGER), "AttachProcessesToUnit", &(name, leaf.as_str(), vec![pid]))
                .map_err(|e| format!("AttachProcessesToUnit: {e}"))?;
            return Ok("attached to the running scope");
        }
        Err(e) => return Err(format!("StartTransientUnit: {e}")),
    };
    for msg in &mut signals {
        let msg = msg.map_err(|e| e.to_string())?;
        let Ok((_, path, _, result)) = msg.body().deserialize::<(u32, OwnedObjectPath, String, String)>() else {
            continue;
        };
        if path == job {
            return if result == "done" { Ok("started") } else { Err(format!("job {} ended: {result}", job.as_str())) };
        }
    }
    Err("the bus connection closed before the job ended".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unit_names() {
        assert_eq!(unit_name("abc123"), "sangja-abc123.scope");
        assert_eq!(unit_name("a/b"), "sangja-a_b.scope");
    }
}
