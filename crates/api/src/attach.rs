//! `POST /containers/{id}/attach` and `/resize`: a session with the
//! container's monitor over its attach socket (container/attach.rs, the
//! protocol the CLI's attach speaks), relayed onto the hijacked connection
//! (hijack.rs). docker attaches before it starts the container: the
//! session's socket pair is then left with the service (state.rs,
//! `pending_attach`) and the start hands the monitor its end, so the
//! client sees all of the output from the first byte. Several attaches
//! may wait for one start (dockerpty attaches once per stream); a client
//! that attaches only just after the start is served from the output kept
//! since it (early.rs).

use crate::containers::{flag, lookup};
use crate::early::Hub;
use crate::error::{ApiResult, Query};
use crate::hijack::{self, Conn};
use crate::state::{Held, State};
use axum::extract::{Path, Request};
use axum::response::Response;
use sangja_container::attach::{self as proto, IN_EOF, IN_RESIZE, IN_STDIN, MAX_PACKET, OUT_EXIT, OUT_STDERR, OUT_STDOUT};
use sangja_core::error::{Error, Result};
use sangja_engine::Engine;
use serde::Deserialize;
use std::os::fd::{AsRawFd, OwnedFd};
use std::sync::Arc;
use tokio::io::unix::AsyncFd;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

#[derive(Deserialize, Default)]
pub struct AttachQuery {
    stdin: Option<String>,
    stdout: Option<String>,
    stderr: Option<String>,
}

/// `POST /containers/{id}/attach?stream=1&stdin=1&stdout=1&stderr=1`.
pub async fn attach(st: State, Path(id): Path<String>, Query(q): Query<AttachQuery>, mut req: Request) -> ApiResult<Response> {
    let st2 = st.clone();
    let engine = st.engine().clone();
    let (out, tty, interactive, pending) = st
        .blocking(move |e| {
            let c = lookup(e, &id)?;
            let (tty, interactive) = (c.config.options.tty, c.config.options.interactive);
            // Started a moment ago by a client that attaches only now
            // (early.rs): served from the output kept since the start.
            if let Some(hub) = st2.early().get(&c.config.id).cloned() {
                hub.join();
                return Ok((Output::Hub(hub), tty, interactive, None));
            }
            let pending = !c.is_running();
            let sock = if c.is_running() {
                proto::connect(&proto::socket_path(&e.paths, &c.config.id))
                    .map_err(|err| Error::State(format!("container {} has no attach socket ({err}): its monitor is gone", c.config.name)))?
            } else {
                // Several may wait: dockerpty attaches once per stream.
                let (ours, theirs) = proto::socketpair()?;
                st2.pending_attach().entry(c.config.id.clone()).or_default().push(theirs);
                ours
            };
            Ok((Output::Monitor(sock), tty, interactive, pending.then_some(c)))
        })
        .await?;
    let want = Streams { stdin: flag(&q.stdin) && interactive, stdout: flag(&q.stdout), stderr: flag(&q.stderr) };
    let peer = req.extensions().get::<hijack::PeerSocket>().copied();
    let st3 = st.clone();
    hijack::upgrade(&st, &mut req, tty, move |conn, held| async move {
        // Before its start, the container's monitor takes input but not
        // its end: the client's stdin waits for the start. The output
        // flows at once (the monitor has the other end from its start).
        let gate = async move {
            if let Some(c) = pending {
                wait_started(&st3, &engine, &c).await;
            }
        };
        relay(conn, out, tty, want, held, gate, peer).await
    })
}

/// Where an attach's output comes from: its own client of the monitor,
/// or the output kept since the start (early.rs).
enum Output {
    Monitor(OwnedFd),
    Hub(Arc<Hub>),
}

/// Until `c` has started (this service's start tells at once; a start by
/// another process is seen by polling, every 10 ms at first, then less
/// often, at most 250 ms apart) or is gone. Gone (removed without a start):
/// the attaches waiting for it are let go, so that their connections end
/// instead of waiting for output until the service exits.
async fn wait_started(st: &State, engine: &Engine, c: &sangja_container::record::Container) {
    let store = sangja_container::record::ContainerStore::new(&engine.paths);
    let mut pause = std::time::Duration::from_millis(10);
    loop {
        let told = st.starts().notify.notified();
        tokio::pin!(told);
        told.as_mut().enable();
        match store.reload(c) {
            Ok(now) if now.is_running() || now.state.started_at != c.state.started_at => return,
            Ok(_) => {
                tokio::select! {
                    _ = told => {}
                    _ = tokio::time::sleep(pause) => {}
                }
                pause = (pause * 2).min(std::time::Duration::from_millis(250));
            }
            Err(_) => {
                st.pending_attach().remove(&c.config.id);
                return;
            }
        }
    }
}

#[derive(Clone, Copy)]
struct Streams {
    stdin: bool,
    stdout: bool,
    stderr: bool,
}

pub(crate) fn set_nonblocking(fd: &OwnedFd) {
    // SAFETY: fcntl flag changes on a descriptor we own.
    unsafe {
        let fl = libc::fcntl(fd.as_raw_fd(), libc::F_GETFL);
        libc::fcntl(fd.as_raw_fd(), libc::F_SETFL, fl | libc::O_NONBLOCK);
    }
}

/// One packet to the monitor, waiting for room without blocking a thread.
async fn send(afd: &AsyncFd<OwnedFd>, kind: u8, data: &[u8]) -> std::io::Result<()> {
    loop {
        let mut g = afd.writable().await?;
        match g.try_io(|fd| proto::send_packet(fd.as_raw_fd(), kind, data, Some(std::time::Duration::ZERO)).map_err(std::io::Error::from)) {
            Ok(r) => return r,
            Err(_) => continue,
        }
    }
}

/// The session: the client's bytes to the container's stdin (its
/// half-close is the end of stdin), the container's output to the client,
/// framed without a TTY; over when the container exits or the monitor goes.
/// The input waits for `gate` (the start of a container not yet running).
async fn relay(
    conn: Conn,
    out: Output,
    tty: bool,
    want: Streams,
    _held: Held,
    gate: impl std::future::Future<Output = ()>,
    peer: Option<hijack::PeerSocket>,
) {
    let (own, hub) = match out {
        Output::Monitor(sock) => {
            set_nonblocking(&sock);
            // SAFETY: the socket is owned by the AsyncFd, which outlives every use of it here.
            let Ok(afd) = (unsafe { AsyncFd::register(sock) }) else { return };
            (Some(afd), None)
        }
        Output::Hub(h) => (None, Some(h)),
    };
    let Some(afd) = own.as_ref().or(hub.as_ref().map(|h| &h.sock)) else { return };
    let (mut rd, mut wr) = tokio::io::split(conn);
    let input = async {
        gate.await;
        let mut buf = vec![0u8; MAX_PACKET - 1];
        loop {
            match rd.read(&mut buf).await {
                Ok(0) | Err(_) => {
                    if want.stdin {
                        let _ = send(afd, IN_EOF, &[]).await;
                    }
                    break;
                }
                Ok(n) if want.stdin => {
                    if send(afd, IN_STDIN, &buf[..n]).await.is_err() {
                        break;
                    }
                }
                Ok(_) => {}
            }
        }
        // The output goes on after the input ends.
        std::future::pending::<()>().await
    };
    let output = async {
        if let Some(hub) = &hub {
            // Kept output goes out once the client has read the 101 head
            // (early.rs says why); over TCP, after a pause.
            match peer {
                Some(p) => p.drained(crate::early::HEAD_READ_MAX).await,
                None => tokio::time::sleep(crate::early::HEAD_READ).await,
            }
            let mut rx = hub.watch();
            let mut next = 0;
            'read: loop {
                let over = *rx.borrow_and_update() == u64::MAX;
                let (packets, after) = hub.since(next);
                next = after;
                for p in &packets {
                    if !emit(&mut wr, tty, want, p).await {
                        break 'read;
                    }
                }
                if over || rx.changed().await.is_err() {
                    break;
                }
            }
        } else {
            let mut buf = vec![0u8; MAX_PACKET];
            loop {
                let Ok(mut g) = afd.readable().await else { break };
                let n = match g.try_io(|fd| proto::recv_packet(fd.as_raw_fd(), &mut buf).map_err(std::io::Error::from)) {
                    Ok(Ok(n)) => n,
                    Ok(Err(_)) => break,
                    Err(_) => continue,
                };
                if n == 0 || !emit(&mut wr, tty, want, &buf[..n]).await {
                    break;
                }
            }
        }
        let _ = wr.flush().await;
        let _ = wr.shutdown().await;
    };
    tokio::select! {
        _ = output => {}
        _ = input => {}
    }
}

/// One packet of the monitor's to the client (the streams it asked for;
/// framed without a TTY). False when the session is over: the container
/// exited or the client went.
async fn emit<W: AsyncWriteExt + Unpin>(wr: &mut W, tty: bool, want: Streams, packet: &[u8]) -> bool {
    let Some((&kind, data)) = packet.split_first() else { return true };
    let (stream, wanted) = match kind {
        OUT_STDOUT => (hijack::STDOUT, want.stdout),
        OUT_STDERR => (hijack::STDERR, want.stderr),
        OUT_EXIT => return false,
        _ => return true,
    };
    if !wanted {
        return true;
    }
    let ok = if tty {
        wr.write_all(data).await
    } else {
        let mut framed = Vec::with_capacity(data.len() + 8);
        framed.extend_from_slice(&hijack::frame_header(stream, data.len()));
        framed.extend_from_slice(data);
        wr.write_all(&framed).await
    };
    ok.is_ok()
}

#[derive(Deserialize, Default)]
pub struct ResizeQuery {
    h: Option<u16>,
    w: Option<u16>,
}

/// The container's terminal size, through its monitor (any attach client may set it).
pub fn resize(e: &Engine, id: &str, q: &ResizeQuery) -> Result<()> {
    let c = lookup(e, id)?;
    if !c.is_running() || !c.config.options.tty {
        return Ok(());
    }
    let ws = libc::winsize { ws_row: q.h.unwrap_or(24), ws_col: q.w.unwrap_or(80), ws_xpixel: 0, ws_ypixel: 0 };
    let sock = proto::connect(&proto::socket_path(&e.paths, &c.config.id))?;
    proto::send_packet(sock.as_raw_fd(), IN_RESIZE, &proto::encode_winsize(&ws), Some(std::time::Duration::from_millis(500)))
        .map_err(|err| Error::Runtime(format!("resize the terminal of {}: {}", c.config.name, err.desc())))
}
