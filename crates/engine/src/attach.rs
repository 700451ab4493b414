//! `attach`, `start -a` and `run -it`: a session with a container's monitor
//! over its attach socket (container/attach.rs). The caller's stdin goes to
//! the container (raw mode on the caller's terminal with `-t`), its output
//! to the caller's stdout and stderr (the streams are passed in, never the
//! process's own), the window size follows SIGWINCH, other signals go to
//! the container (`--sig-proxy`), and the detach keys end the session while
//! the container runs on.

use super::Engine;
use crate::error::{Error, Result};
use nix::errno::Errno;
use sangja_container::attach::{self as proto, IN_EOF, IN_RESIZE, IN_STDIN, MAX_PACKET, OUT_EXIT, OUT_STDERR, OUT_STDOUT};
use sangja_container::record::{Container, ContainerStore};
pub use sangja_runtime::relay::{parse_detach_keys, DEFAULT_DETACH_KEYS};
use sangja_runtime::relay::{DetachKeys, RawMode, Signals};
use sangja_runtime::Stdio;
use std::os::fd::{AsFd, AsRawFd, OwnedFd, RawFd};

/// How the user attaches.
#[derive(Debug, Clone, Default)]
pub struct AttachOptions {
    /// Send our stdin to the container (its `-i`, unless `--no-stdin`).
    pub stdin: bool,
    /// The detach keys (empty: none).
    pub detach_keys: Vec<u8>,
    /// Forward the signals we get to the container (`--sig-proxy`).
    pub sig_proxy: bool,
    /// Pass the end of our stdin on (see `session`).
    pub send_eof: bool,
}

/// How a session ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttachEnd {
    /// The container exited with this code.
    Exited(i32),
    /// The user typed the detach keys (or we were told to stop without
    /// `--sig-proxy`); the container still runs.
    Detached,
}

/// Attaches the caller's streams `io` to running container `name` until it
/// exits or the user detaches.
pub fn attach(engine: &Engine, name: &str, opts: &AttachOptions, io: &Stdio) -> Result<AttachEnd> {
    let store = ContainerStore::new(&engine.paths);
    let c = store.lookup(name)?;
    if !c.is_running() {
        return Err(Error::State(format!(
            "you can only attach to running containers: container {} is {}",
            c.config.name,
            c.state.status.as_str()
        )));
    }
    if c.state.monitor_pid.is_none() {
        return Err(Error::State(format!(
            "container {} runs in the foreground of the sangja that started it, with no monitor to attach to: \
             start containers with -d (or -it) to attach to them",
            c.config.name
        )));
    }
    let path = proto::socket_path(&engine.paths, &c.config.id);
    let sock = proto::connect(&path).map_err(|e| {
        Error::State(format!(
            "container {} has no attach socket ({e}): it was started by an older sangja or its monitor is gone",
            c.config.name
        ))
    })?;
    // The end of our stdin closes the container's pipe (as podman); on a
    // terminal it would be a ctrl-d that ends the shell of a session the
    // user only came to look at (`attach CTR </dev/null`): not passed on.
    let send_eof = !c.config.options.tty;
    let opts = AttachOptions { stdin: opts.stdin && c.config.options.interactive, send_eof, ..opts.clone() };
    super::events_log::container(engine, &c, "attach");
    session(engine, &c, sock, &opts, io)
}

/// Starts created container `c` under its monitor with the caller's
/// streams `io` attached from the start (`start -a`, `run -it`), until it
/// exits or the user detaches.
pub fn start_attached(engine: &Engine, c: &Container, opts: &AttachOptions, io: &Stdio) -> Result<AttachEnd> {
    let (ours, theirs) = proto::socketpair()?;
    if c.config.options.tty {
        if let Some(ws) = sangja_runtime::tty::user_window_size(io) {
            // Read by the monitor before it makes the pty.
            let _ = proto::send_packet(ours.as_raw_fd(), IN_RESIZE, &proto::encode_winsize(&ws), None);
        }
    }
    super::lifecycle::start_monitor(engine, c, std::slice::from_ref(&theirs))?;
    drop(theirs);
    let c = ContainerStore::new(&engine.paths).reload(c).unwrap_or_else(|_| c.clone());
    // Started for us: the end of our input ends its (a ctrl-d with -t).
    let opts = AttachOptions { stdin: opts.stdin && c.config.options.interactive, send_eof: true, ..opts.clone() };
    session(engine, &c, ours, &opts, io)
}

/// The session loop: one poll over the caller's stdin, the socket and a signalfd.
fn session(engine: &Engine, c: &Container, sock: OwnedFd, opts: &AttachOptions, io: &Stdio) -> Result<AttachEnd> {
    let tty = c.config.options.tty;
    let (input, output, errors) = (io.stdin.as_raw_fd(), io.stdout.as_raw_fd(), io.stderr.as_raw_fd());
    let stdin_tty = sangja_runtime::is_terminal(io.stdin);
    // With a terminal, stdin is read for the detach keys even when it is
    // not passed on (as podman).
    let read_stdin = opts.stdin || (tty && stdin_tty);
    let _raw = if tty && stdin_tty { RawMode::enter(input)? } else { None };
    let signals = Signals::new()?;
    let s = sock.as_raw_fd();
    if tty {
        send_winsize(s, io);
    }
    // Only a terminal session has detach keys (as podman and docker): a
    // pipe carries data, where any two bytes may be ctrl-p ctrl-q.
    let mut detach = DetachKeys::new(if tty { opts.detach_keys.clone() } else { Vec::new() });
    let mut stdin_open = read_stdin;
    let mut buf = vec![0u8; MAX_PACKET];
    // Packets for the monitor not sent yet: we never block on the socket,
    // or a monitor waiting for us to read its output would wait for ever.
    let mut outq: std::collections::VecDeque<(u8, Vec<u8>)> = std::collections::VecDeque::new();
    loop {
        let sock_events = if outq.is_empty() { libc::POLLIN } else { libc::POLLIN | libc::POLLOUT };
        // Backpressure: no more of our stdin while the monitor has not taken the last.
        let take_stdin = stdin_open && outq.len() < 4;
        let mut fds = [
            libc::pollfd { fd: s, events: sock_events, revents: 0 },
            libc::pollfd { fd: if take_stdin { input } else { -1 }, events: libc::POLLIN, revents: 0 },
            libc::pollfd { fd: signals.fd.as_fd().as_raw_fd(), events: libc::POLLIN, revents: 0 },
        ];
        // SAFETY: poll over our array.
        let r = unsafe { libc::poll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, -1) };
        if r < 0 {
            match Errno::last() {
                Errno::EINTR => continue,
                e => return Err(Error::Runtime(format!("wait for the container's output: {}", e.desc()))),
            }
        }
        while let Some((kind, data)) = outq.front() {
            match proto::send_packet(s, *kind, data, Some(std::time::Duration::ZERO)) {
                Ok(()) => {
                    outq.pop_front();
                }
                Err(Errno::EAGAIN) => break,
                // The monitor is gone: the read below learns how it ended.
                Err(_) => {
                    outq.clear();
                    stdin_open = false;
                }
            }
        }
        if fds[0].revents & (libc::POLLIN | libc::POLLHUP | libc::POLLERR) != 0 {
            match proto::recv_packet(s, &mut buf) {
                Ok(0) | Err(Errno::ECONNRESET) => return lost(engine, c),
                Ok(n) => match buf[0] {
                    OUT_STDOUT => write_all(output, &buf[1..n]),
                    OUT_STDERR => write_all(errors, &buf[1..n]),
                    OUT_EXIT if n >= 5 => return Ok(AttachEnd::Exited(i32::from_le_bytes([buf[1], buf[2], buf[3], buf[4]]))),
                    _ => {}
                },
                Err(Errno::EAGAIN) => {}
                Err(e) => return Err(Error::Runtime(format!("read from the container's monitor: {}", e.desc()))),
            }
        }
        if fds[1].revents != 0 {
            // SAFETY: read into a live buffer.
            let n = unsafe { libc::read(input, buf.as_mut_ptr().cast(), buf.len() - 1) };
            if n > 0 {
                let mut out = Vec::with_capacity(n as usize);
                let detached = detach.feed(&buf[..n as usize], &mut out);
                if opts.stdin && !out.is_empty() {
                    for chunk in out.chunks(MAX_PACKET - 1) {
                        outq.push_back((IN_STDIN, chunk.to_vec()));
                    }
                }
                if detached {
                    // What was typed before the keys still goes in.
                    for (kind, data) in &outq {
                        let _ = proto::send_packet(s, *kind, data, Some(std::time::Duration::from_millis(200)));
                    }
                    return Ok(AttachEnd::Detached);
                }
            } else if n == 0 || !matches!(Errno::last(), Errno::EINTR | Errno::EAGAIN) {
                stdin_open = false;
                if opts.stdin && opts.send_eof {
                    outq.push_back((IN_EOF, Vec::new()));
                }
            }
        }
        if fds[2].revents != 0 {
            while let Ok(Some(info)) = signals.fd.read_signal() {
                let sig = info.ssi_signo as i32;
                if sig == libc::SIGWINCH {
                    if tty {
                        send_winsize(s, io);
                    }
                } else if !opts.sig_proxy {
                    // Not ours to pass on: stop attaching, leave the container be.
                    return Ok(AttachEnd::Detached);
                } else if let Some(pid) = ContainerStore::new(&engine.paths).reload(c).ok().and_then(|c| c.state.pid) {
                    let _ = sangja_container::record::signal_process(pid, sig);
                }
            }
        }
    }
}

fn send_winsize(sock: RawFd, io: &Stdio) {
    if let Some(ws) = sangja_runtime::tty::user_window_size(io) {
        let _ = proto::send_packet(sock, IN_RESIZE, &proto::encode_winsize(&ws), None);
    }
}

/// The monitor closed the socket without an exit report: the state file
/// (or, after --rm, the exits folder) says how the container ended.
fn lost(engine: &Engine, c: &Container) -> Result<AttachEnd> {
    let store = ContainerStore::new(&engine.paths);
    match store.reload(c) {
        Ok(now) if !now.is_running() => Ok(AttachEnd::Exited(now.state.exit_code.unwrap_or(0))),
        Ok(_) => Err(Error::Runtime(format!("lost the connection to the monitor of container {}", c.config.name))),
        Err(_) => super::lifecycle::removed_exit_code(engine, &c.config.id)
            .map(AttachEnd::Exited)
            .ok_or_else(|| Error::ContainerNotFound(c.config.name.clone())),
    }
}

/// Writes all of `data` to `fd`; a reader that went away is not our error.
fn write_all(fd: RawFd, data: &[u8]) {
    let _ = sangja_runtime::relay::write_all(fd, data);
}

/// The detach keys: `flag`, else containers.conf's `[engine] detach_keys`,
/// else podman's ctrl-p,ctrl-q.
pub fn detach_keys(flag: Option<&str>) -> Result<Vec<u8>> {
    if let Some(k) = flag {
        return parse_detach_keys(k);
    }
    let conf = crate::config::containers_conf::load()?;
    parse_detach_keys(conf.conf.engine.detach_keys.as_deref().unwrap_or(DEFAULT_DETACH_KEYS))
}
