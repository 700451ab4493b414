//! The output of a container started for a client that attaches only
//! after the start. docker-compose 1.29's `run` with
//! COMPOSE_INTERACTIVE_NO_CLI (dockerpty on Python 3) starts the container
//! and only then attaches stdin, stdout and stderr, one request each; a
//! short command (`sh -c 'echo out; exit 3'`) is over before the first
//! attach, and docker's attach gives only the output from then on. So a
//! container whose creator said it would attach (create's
//! AttachStdout/AttachStderr) and that is started with no attach waiting
//! gets one more monitor client held by the service: its packets are kept
//! (bounded) for a short window, and an attach in that window is served
//! from them, from the first byte, then live. Nobody joins: the client is
//! dropped at the window's end (the monitor forgets it). Attaches sent
//! before the start (docker's CLI, docker-py) never come here.

use crate::state::State;
use sangja_container::attach::{self as proto, MAX_PACKET, OUT_EXIT};
use std::collections::VecDeque;
use std::os::fd::{AsRawFd, OwnedFd};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::unix::AsyncFd;

/// How long after the start an attach is served from the kept output.
const WINDOW: Duration = Duration::from_secs(5);
/// A joined attach sends its first bytes only once the client has read the
/// 101 head: docker-py's attach_socket reads the head through a buffered
/// reader, then reads the socket itself, so bytes that arrive with the head
/// would be lost in that buffer (live output never comes that soon; kept
/// output would). On a unix socket the service sees when the head was read
/// (hijack::PeerSocket), waiting at most HEAD_READ_MAX; over TCP it cannot,
/// and waits HEAD_READ.
pub const HEAD_READ: Duration = Duration::from_millis(200);
pub const HEAD_READ_MAX: Duration = Duration::from_secs(2);
/// The most output kept; beyond it the oldest goes (a client that joins
/// late then misses it, as a slow client of the monitor would).
const KEEP: usize = 8 << 20;

/// One started container's kept output.
pub struct Hub {
    /// The monitor client: its output read here, attaches' input sent to it.
    pub sock: AsyncFd<OwnedFd>,
    kept: Mutex<Kept>,
    /// The count of packets seen so far; closed when the output is over.
    seen: tokio::sync::watch::Sender<u64>,
    joined: AtomicUsize,
}

#[derive(Default)]
struct Kept {
    /// Packets (type byte first) numbered from `first`.
    packets: VecDeque<Vec<u8>>,
    first: u64,
    bytes: usize,
}

impl Hub {
    /// The packets from number `from` on (or from the oldest kept), and
    /// the number after them.
    pub fn since(&self, from: u64) -> (Vec<Vec<u8>>, u64) {
        let k = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        let start = from.max(k.first);
        let skip = (start - k.first) as usize;
        (k.packets.iter().skip(skip).cloned().collect(), k.first + k.packets.len() as u64)
    }

    /// Told when packets arrive; closed when the output is over.
    pub fn watch(&self) -> tokio::sync::watch::Receiver<u64> {
        self.seen.subscribe()
    }

    /// An attach served from this hub.
    pub fn join(&self) {
        self.joined.fetch_add(1, Ordering::SeqCst);
    }
}

/// Keeps the output of container `id` read from `sock` (the service's end
/// of a monitor client) for the window's attaches.
pub fn open(st: &State, id: &str, sock: OwnedFd) {
    super::attach::set_nonblocking(&sock);
    // SAFETY: the socket is owned by the AsyncFd, which the hub owns.
    let Ok(sock) = (unsafe { AsyncFd::register(sock) }) else { return };
    let (seen, _) = tokio::sync::watch::channel(0);
    let hub = Arc::new(Hub { sock, kept: Mutex::default(), seen, joined: AtomicUsize::new(0) });
    st.early().insert(id.to_string(), hub.clone());
    let (st2, id2, hub2) = (st.clone(), id.to_string(), hub.clone());
    tokio::spawn(async move {
        tokio::time::sleep(WINDOW).await;
        let mut map = st2.early();
        if map.get(&id2).is_some_and(|h| Arc::ptr_eq(h, &hub2)) {
            map.remove(&id2);
        }
    });
    tokio::spawn(async move {
        let window = tokio::time::sleep(WINDOW);
        tokio::pin!(window);
        let mut buf = vec![0u8; MAX_PACKET];
        loop {
            let ready = tokio::select! {
                r = hub.sock.readable() => r,
                _ = &mut window, if hub.joined.load(Ordering::SeqCst) == 0 => break,
            };
            let Ok(mut g) = ready else { break };
            let n = match g.try_io(|fd| proto::recv_packet(fd.as_raw_fd(), &mut buf).map_err(std::io::Error::from)) {
                Ok(Ok(n)) => n,
                Ok(Err(_)) => break,
                Err(_) => continue,
            };
            if n == 0 {
                break;
            }
            let total = {
                let mut k = hub.kept.lock().unwrap_or_else(|e| e.into_inner());
                k.bytes += n;
                k.packets.push_back(buf[..n].to_vec());
                while k.bytes > KEEP && k.packets.len() > 1 {
                    let gone = k.packets.pop_front().map(|p| p.len()).unwrap_or(0);
                    k.bytes -= gone;
                    k.first += 1;
                }
                k.first + k.packets.len() as u64
            };
            hub.seen.send_replace(total);
            if buf[0] == OUT_EXIT {
                break;
            }
        }
        // The output is over (or nobody came): the attaches drain what is
        // kept and end; the monitor sees this client go.
        hub.seen.send_replace(u64::MAX);
    });
}
