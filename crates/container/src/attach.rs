//! Attaching to a detached container, without a daemon (podman's conmon
//! attach socket): the monitor keeps the container's pty master (`-t`) or
//! its stdio pipes, writes the output to the log as always, and serves a
//! unix socket in the run-time state (`RUNROOT/attach/ID`). Every client
//! connected gets the live output; what a client sends goes to the
//! container's stdin; a client leaving (detach keys, ctrl-c of `attach`)
//! leaves the container running.
//!
//! The socket is SOCK_SEQPACKET: each packet is one type byte and its
//! payload, so output streams, stdin data and window sizes need no framing
//! of their own. `run -it` and `start -a` hand the monitor one end of a
//! socketpair as an already-connected client, so they miss no output and
//! their window size is the pty's from the start.

use super::logs::{LogWriter, Stream};
use crate::error::{Error, Result};
use crate::paths::StorePaths;
use nix::errno::Errno;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Client → monitor: bytes for the container's stdin.
pub const IN_STDIN: u8 = b'i';
/// Client → monitor: the client's window size (rows, cols as u16 LE).
pub const IN_RESIZE: u8 = b'w';
/// Client → monitor: end of the client's stdin.
pub const IN_EOF: u8 = b'e';
/// Monitor → client: container output on stdout (all of it with a tty).
pub const OUT_STDOUT: u8 = b'1';
/// Monitor → client: container output on stderr.
pub const OUT_STDERR: u8 = b'2';
/// Monitor → client: the container exited, with this code (i32 LE); sent
/// after its state is recorded (and, with --rm, after its removal).
pub const OUT_EXIT: u8 = b'x';
/// The largest packet, type byte included.
pub const MAX_PACKET: usize = 32 * 1024;

/// How long a client that reads nothing may hold the monitor up before it
/// is disconnected: the container's output and the log must not stall.
const SLOW_CLIENT: Duration = Duration::from_secs(2);

/// The attach socket of container `id`.
pub fn socket_path(paths: &StorePaths, id: &str) -> PathBuf {
    paths.runroot.join("attach").join(id)
}

fn seqpacket() -> Result<OwnedFd> {
    // SAFETY: socket with constant arguments.
    let fd = unsafe { libc::socket(libc::AF_UNIX, libc::SOCK_SEQPACKET | libc::SOCK_CLOEXEC, 0) };
    let fd = Errno::result(fd).map_err(|e| Error::Runtime(format!("create the attach socket: {}", e.desc())))?;
    // SAFETY: a fresh descriptor we own.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// A sockaddr_un for `path`, reached through /proc/self/fd of its folder:
/// the run root plus a 64-character id easily passes the 108 bytes a
/// socket path may have (podman does the same). The folder stays open
/// while the address is used.
fn address(path: &Path) -> Result<(OwnedFd, libc::sockaddr_un)> {
    let dir = path.parent().unwrap_or(Path::new("/"));
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let dfd = nix::fcntl::open(
        dir,
        nix::fcntl::OFlag::O_PATH | nix::fcntl::OFlag::O_DIRECTORY | nix::fcntl::OFlag::O_CLOEXEC,
        nix::sys::stat::Mode::empty(),
    )
    .map_err(|e| Error::Runtime(format!("open {}: {}", dir.display(), e.desc())))?;
    let short = format!("/proc/self/fd/{}/{name}", dfd.as_raw_fd());
    // SAFETY: a zeroed sockaddr_un is valid; we fill it below.
    let mut addr: libc::sockaddr_un = unsafe { std::mem::zeroed() };
    addr.sun_family = libc::AF_UNIX as libc::sa_family_t;
    if short.len() >= addr.sun_path.len() {
        return Err(Error::Runtime(format!("attach socket name too long: {short}")));
    }
    for (i, b) in short.bytes().enumerate() {
        addr.sun_path[i] = b as libc::c_char;
    }
    Ok((dfd, addr))
}

/// Listens on `path` (replacing a stale socket of an earlier run).
pub fn listen(path: &Path) -> Result<OwnedFd> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| Error::Runtime(format!("create {}: {e}", dir.display())))?;
    }
    let _ = std::fs::remove_file(path);
    let sock = seqpacket()?;
    let (_dir, addr) = address(path)?;
    // SAFETY: bind/listen on our socket with a valid address.
    unsafe {
        let r = libc::bind(sock.as_raw_fd(), (&addr as *const libc::sockaddr_un).cast(), std::mem::size_of_val(&addr) as u32);
        Errno::result(r).map_err(|e| Error::Runtime(format!("bind {}: {}", path.display(), e.desc())))?;
        Errno::result(libc::listen(sock.as_raw_fd(), 16))
            .map_err(|e| Error::Runtime(format!("listen on {}: {}", path.display(), e.desc())))?;
    }
    Ok(sock)
}

/// Connects to a container's attach socket.
pub fn connect(path: &Path) -> Result<OwnedFd> {
    let sock = seqpacket()?;
    let (_dir, addr) = address(path)?;
    // SAFETY: connect our socket to a valid address.
    let r = unsafe { libc::connect(sock.as_raw_fd(), (&addr as *const libc::sockaddr_un).cast(), std::mem::size_of_val(&addr) as u32) };
    Errno::result(r).map_err(|e| Error::Runtime(format!("connect to the container's monitor ({}): {}", path.display(), e.desc())))?;
    Ok(sock)
}

/// A connected pair of packet sockets (close-on-exec): the pre-connected
/// client of `run -it` and `start -a`.
pub fn socketpair() -> Result<(OwnedFd, OwnedFd)> {
    let mut fds = [0; 2];
    // SAFETY: socketpair fills the two-element array.
    let r = unsafe { libc::socketpair(libc::AF_UNIX, libc::SOCK_SEQPACKET | libc::SOCK_CLOEXEC, 0, fds.as_mut_ptr()) };
    Errno::result(r).map_err(|e| Error::Runtime(format!("create the attach socket pair: {}", e.desc())))?;
    // SAFETY: two fresh descriptors we own.
    Ok(unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) })
}

/// Sends one packet; `wait` bounds how long a full socket may block it.
pub fn send_packet(fd: RawFd, kind: u8, data: &[u8], wait: Option<Duration>) -> std::result::Result<(), Errno> {
    let mut pkt = Vec::with_capacity(data.len() + 1);
    pkt.push(kind);
    pkt.extend_from_slice(data);
    let deadline = wait.map(|w| Instant::now() + w);
    loop {
        // SAFETY: send from a live buffer.
        let n = unsafe { libc::send(fd, pkt.as_ptr().cast(), pkt.len(), libc::MSG_NOSIGNAL | libc::MSG_DONTWAIT) };
        if n >= 0 {
            return Ok(());
        }
        match Errno::last() {
            Errno::EINTR => {}
            Errno::EAGAIN => {
                let left = match deadline {
                    Some(d) => d.saturating_duration_since(Instant::now()),
                    None => Duration::from_secs(3600),
                };
                if left.is_zero() {
                    return Err(Errno::EAGAIN);
                }
                let mut p = libc::pollfd { fd, events: libc::POLLOUT, revents: 0 };
                // SAFETY: poll on one pollfd.
                unsafe { libc::poll(&mut p, 1, left.as_millis().min(1000) as i32) };
            }
            e => return Err(e),
        }
    }
}

/// Receives one packet into `buf`: its length (0: the peer is gone).
pub fn recv_packet(fd: RawFd, buf: &mut [u8]) -> std::result::Result<usize, Errno> {
    loop {
        // SAFETY: recv into a live buffer.
        let n = unsafe { libc::recv(fd, buf.as_mut_ptr().cast(), buf.len(), libc::MSG_DONTWAIT) };
        if n >= 0 {
            return Ok(n as usize);
        }
        match Errno::last() {
            Errno::EINTR => continue,
            e => return Err(e),
        }
    }
}

/// A window size as the resize packet carries it.
pub fn encode_winsize(ws: &libc::winsize) -> [u8; 4] {
    let r = ws.ws_row.to_le_bytes();
    let c = ws.ws_col.to_le_bytes();
    [r[0], r[1], c[0], c[1]]
}

fn decode_winsize(d: &[u8]) -> Option<libc::winsize> {
    (d.len() >= 4).then(|| libc::winsize {
        ws_row: u16::from_le_bytes([d[0], d[1]]),
        ws_col: u16::from_le_bytes([d[2], d[3]]),
        ws_xpixel: 0,
        ws_ypixel: 0,
    })
}

/// The container's side of its stdio, as the monitor holds it.
pub enum Io {
    /// `-t`: the pty master (input and output).
    Tty(OwnedFd),
    /// Pipes: the write end of the container's stdin (with `-i`), and the
    /// read ends of its stdout and stderr.
    Pipes { stdin: Option<OwnedFd>, out: OwnedFd, err: OwnedFd },
}

/// The attach side of a monitor: the listening socket and the clients.
pub struct Server {
    listener: Option<OwnedFd>,
    path: Option<PathBuf>,
    clients: Vec<OwnedFd>,
    /// Input that arrived before the container ran.
    early: Vec<u8>,
    winsize: Option<libc::winsize>,
}

impl Server {
    /// Listens on the container's socket (none when that fails: the
    /// container still runs, only attach is not possible), with `first`
    /// as clients connected already (the window size is the first one's
    /// that sent one).
    pub fn new(path: PathBuf, first: Vec<OwnedFd>) -> Server {
        let listener = listen(&path).ok();
        let mut s = Server { path: listener.as_ref().map(|_| path), listener, clients: Vec::new(), early: Vec::new(), winsize: None };
        let mut buf = vec![0u8; MAX_PACKET];
        for c in first {
            set_nonblocking(c.as_raw_fd());
            // What the client sent before it started us: its window size.
            while let Ok(n) = recv_packet(c.as_raw_fd(), &mut buf) {
                if n == 0 {
                    break;
                }
                match buf[0] {
                    IN_RESIZE if s.winsize.is_none() => s.winsize = decode_winsize(&buf[1..n]),
                    IN_STDIN => s.early.extend_from_slice(&buf[1..n]),
                    _ => {}
                }
            }
            s.clients.push(c);
        }
        s
    }

    /// The first client's window size, for the pty the container starts with.
    pub fn winsize(&self) -> Option<libc::winsize> {
        self.winsize
    }

    /// A server that another process (the small monitor) served so far:
    /// its listening socket on `path` and its clients, handed back.
    pub fn resume(path: PathBuf, listener: Option<OwnedFd>, clients: Vec<OwnedFd>, winsize: Option<libc::winsize>) -> Server {
        for c in &clients {
            set_nonblocking(c.as_raw_fd());
        }
        Server { path: listener.as_ref().map(|_| path), listener, clients, early: Vec::new(), winsize }
    }

    /// The listening socket and the clients, for a hand-off to another
    /// program (which gets them across an exec).
    pub fn fds(&self) -> (Option<RawFd>, Vec<RawFd>) {
        (self.listener.as_ref().map(|l| l.as_raw_fd()), self.clients.iter().map(|c| c.as_raw_fd()).collect())
    }

    /// The input that arrived before the container ran, not yet written.
    pub fn early_input(&self) -> &[u8] {
        &self.early
    }

    /// Copies the container's output to the log and the clients, and the
    /// clients' input to the container, until the output closes (the
    /// container's last process is gone). A log that cannot be written
    /// still drains the output, so the container never blocks on it.
    pub fn serve(&mut self, io: Io, log: &mut Result<LogWriter>) {
        let (mut out, mut err, mut input, tty) = match io {
            Io::Tty(m) => {
                set_nonblocking(m.as_raw_fd());
                let raw = m.as_raw_fd();
                (Some(m), None, Some(Input::Master(raw)), true)
            }
            Io::Pipes { stdin, out, err } => {
                if let Some(s) = &stdin {
                    set_nonblocking(s.as_raw_fd());
                }
                (Some(out), Some(err), stdin.map(Input::Pipe), false)
            }
        };
        let mut pending = std::mem::take(&mut self.early);
        let mut close_when_drained = false;
        let mut buf = vec![0u8; MAX_PACKET];
        while out.is_some() || err.is_some() {
            let raw = |f: &Option<OwnedFd>| f.as_ref().map_or(-1, |f| f.as_raw_fd());
            let in_fd = input.as_ref().map_or(-1, Input::fd);
            // Backpressure: while the container has not taken what was sent,
            // read no more from the clients (a hang-up still shows).
            let client_events = if pending.len() < 64 * 1024 { libc::POLLIN } else { 0 };
            let mut fds = vec![
                libc::pollfd { fd: raw(&out), events: libc::POLLIN, revents: 0 },
                libc::pollfd { fd: raw(&err), events: libc::POLLIN, revents: 0 },
                libc::pollfd { fd: if pending.is_empty() { -1 } else { in_fd }, events: libc::POLLOUT, revents: 0 },
                libc::pollfd { fd: raw(&self.listener), events: libc::POLLIN, revents: 0 },
            ];
            fds.extend(self.clients.iter().map(|c| libc::pollfd { fd: c.as_raw_fd(), events: client_events, revents: 0 }));
            // SAFETY: poll over our vector.
            let r = unsafe { libc::poll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, -1) };
            if r < 0 {
                if Errno::last() == Errno::EINTR {
                    continue;
                }
                return;
            }
            for (i, slot) in [(0usize, &mut out), (1, &mut err)] {
                if fds[i].revents == 0 {
                    continue;
                }
                let Some(fd) = slot.as_ref() else { continue };
                // SAFETY: read into a live buffer.
                let n = unsafe { libc::read(fd.as_raw_fd(), buf.as_mut_ptr().cast(), buf.len() - 1) };
                if n > 0 {
                    let data = &buf[..n as usize];
                    let (stream, kind) = if i == 0 { (Stream::Stdout, OUT_STDOUT) } else { (Stream::Stderr, OUT_STDERR) };
                    if let Ok(w) = log.as_mut() {
                        let _ = w.write_chunk(stream, data);
                    }
                    self.broadcast(kind, data);
                } else if n == 0 || !matches!(Errno::last(), Errno::EINTR | Errno::EAGAIN) {
                    // EOF, or EIO from a master whose slave is closed everywhere.
                    if tty {
                        input = None;
                    }
                    *slot = None;
                }
            }
            if fds[2].revents != 0 {
                if let Some(inp) = &input {
                    // SAFETY: write from a live buffer.
                    let n = unsafe { libc::write(inp.fd(), pending.as_ptr().cast(), pending.len()) };
                    if n > 0 {
                        pending.drain(..n as usize);
                    } else if n < 0 && !matches!(Errno::last(), Errno::EINTR | Errno::EAGAIN) {
                        // The container closed its stdin: drop what it will never read.
                        pending.clear();
                        if !tty {
                            input = None;
                        }
                    }
                }
            }
            if fds[3].revents != 0 {
                if let Some(l) = &self.listener {
                    // SAFETY: accept4 on our listening socket.
                    let c = unsafe {
                        libc::accept4(l.as_raw_fd(), std::ptr::null_mut(), std::ptr::null_mut(), libc::SOCK_CLOEXEC | libc::SOCK_NONBLOCK)
                    };
                    if c >= 0 {
                        // SAFETY: a fresh descriptor we own.
                        self.clients.push(unsafe { OwnedFd::from_raw_fd(c) });
                    }
                }
            }
            let mut gone = Vec::new();
            for (ci, p) in fds[4..].iter().enumerate() {
                if p.revents == 0 {
                    continue;
                }
                let fd = self.clients[ci].as_raw_fd();
                let n = match recv_packet(fd, &mut buf) {
                    Ok(0) => {
                        gone.push(ci);
                        continue;
                    }
                    Ok(n) => n,
                    Err(Errno::EAGAIN) => {
                        if p.revents & (libc::POLLHUP | libc::POLLERR) != 0 {
                            gone.push(ci);
                        }
                        continue;
                    }
                    Err(_) => {
                        gone.push(ci);
                        continue;
                    }
                };
                match buf[0] {
                    IN_STDIN if input.is_some() => pending.extend_from_slice(&buf[1..n]),
                    IN_RESIZE => {
                        if let (true, Some(ws), Some(m)) = (tty, decode_winsize(&buf[1..n]), out.as_ref()) {
                            // SAFETY: TIOCSWINSZ on our master with a valid struct;
                            // the kernel sends the container SIGWINCH.
                            unsafe { libc::ioctl(m.as_raw_fd(), libc::TIOCSWINSZ, &ws) };
                        }
                    }
                    // As podman: the end of the attached stdin ends the
                    // container's (a ctrl-d on a terminal).
                    IN_EOF if tty && input.is_some() => pending.push(4),
                    IN_EOF => close_when_drained = true,
                    _ => {}
                }
            }
            for ci in gone.into_iter().rev() {
                self.clients.remove(ci);
            }
            // After the clients: an end of input that came with nothing
            // left to write must close the pipe now, not at the next wake-up.
            if pending.is_empty() && close_when_drained {
                close_when_drained = false;
                if !tty {
                    input = None;
                }
            }
        }
    }

    /// Sends `kind`+`data` to every client; one that does not take it in
    /// time is disconnected.
    fn broadcast(&mut self, kind: u8, data: &[u8]) {
        self.clients.retain(|c| send_packet(c.as_raw_fd(), kind, data, Some(SLOW_CLIENT)).is_ok());
    }

    /// Tells the clients the container's exit code and lets them go.
    pub fn finish(mut self, code: i32) {
        self.broadcast(OUT_EXIT, &code.to_le_bytes());
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(p) = &self.path {
            let _ = std::fs::remove_file(p);
        }
    }
}

/// Where the clients' input goes.
enum Input {
    /// The pty master (owned by the output side).
    Master(RawFd),
    /// The write end of the container's stdin pipe.
    Pipe(OwnedFd),
}

impl Input {
    fn fd(&self) -> RawFd {
        match self {
            Input::Master(m) => *m,
            Input::Pipe(p) => p.as_raw_fd(),
        }
    }
}

fn set_nonblocking(fd: RawFd) {
    // SAFETY: fcntl flag changes on a descriptor we hold.
    unsafe {
        let fl = libc::fcntl(fd, libc::F_GETFL);
        if fl >= 0 {
            libc::fcntl(fd, libc::F_SETFL, fl | libc::O_NONBLOCK);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn winsize_round_trip() {
        let ws = libc::winsize { ws_row: 40, ws_col: 132, ws_xpixel: 0, ws_ypixel: 0 };
        let back = decode_winsize(&encode_winsize(&ws)).unwrap();
        assert_eq!((back.ws_row, back.ws_col), (40, 132));
        assert!(decode_winsize(&[1, 2]).is_none());
    }

    #[test]
    fn packets_keep_their_boundaries() {
        let (a, b) = socketpair().unwrap();
        send_packet(a.as_raw_fd(), OUT_STDOUT, b"one", None).unwrap();
        send_packet(a.as_raw_fd(), OUT_STDERR, b"two", None).unwrap();
        let mut buf = [0u8; 64];
        let n = recv_packet(b.as_raw_fd(), &mut buf).unwrap();
        assert_eq!(&buf[..n], b"1one");
        let n = recv_packet(b.as_raw_fd(), &mut buf).unwrap();
        assert_eq!(&buf[..n], b"2two");
        drop(a);
        assert_eq!(recv_packet(b.as_raw_fd(), &mut buf).unwrap(), 0);
    }
}
