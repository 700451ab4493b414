//! Attach and exec take over their HTTP connection, as docker's do: the
//! answer is exactly `HTTP/1.1 101 UPGRADED` with `Connection: Upgrade` and
//! `Upgrade: tcp`, then the connection carries the container's streams:
//! raw with a TTY, else multiplexed, each chunk behind an 8-byte header
//! (stream 1 stdout or 2 stderr, three zero bytes, a big-endian u32 length).
//! The client half-closes its side when its stdin ends; that closes the
//! container's stdin.
//!
//! The taken-over connection counts as open (state.rs) until its stream
//! ends, so the idle exit waits for it.

use crate::error::ApiError;
use crate::state::{Held, State};
use axum::body::Body;
use axum::http::{header, HeaderValue, Request, StatusCode};
use axum::response::Response;
use hyper::upgrade::Upgraded;
use hyper_util::rt::TokioIo;
use std::future::Future;

/// The taken-over connection, as tokio I/O.
pub type Conn = TokioIo<Upgraded>;

/// Stream numbers of the multiplexed framing.
pub const STDOUT: u8 = 1;
pub const STDERR: u8 = 2;

/// The 8-byte header of a multiplexed chunk of `len` bytes on `stream`.
pub fn frame_header(stream: u8, len: usize) -> [u8; 8] {
    let n = (len as u32).to_be_bytes();
    [stream, 0, 0, 0, n[0], n[1], n[2], n[3]]
}

/// The unix socket under an HTTP connection, put in each of its requests'
/// extensions (server.rs): an upgraded stream asks it whether the client
/// has read the `101` head yet.
#[derive(Clone, Copy, Debug)]
pub struct PeerSocket(pub std::os::fd::RawFd);

impl PeerSocket {
    /// Until the client has read everything sent on the connection so far,
    /// or `limit` has passed. On a unix socket SIOCOUTQ counts the bytes
    /// sent and not yet read at the other end (on TCP it would count only
    /// the ones not yet acknowledged, which is why TCP has no PeerSocket).
    pub async fn drained(self, limit: std::time::Duration) {
        let deadline = std::time::Instant::now() + limit;
        loop {
            let mut queued: libc::c_int = 0;
            // SAFETY: TIOCOUTQ (SIOCOUTQ) writes one int. The fd is the
            // connection's, open while the upgraded stream that asks runs.
            let rc = unsafe { libc::ioctl(self.0, libc::TIOCOUTQ, &mut queued) };
            if rc != 0 || queued == 0 || std::time::Instant::now() >= deadline {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(2)).await;
        }
    }
}

/// The content type docker gives a hijacked stream.
pub fn content_type(tty: bool) -> &'static str {
    if tty {
        "application/vnd.docker.raw-stream"
    } else {
        "application/vnd.docker.multiplexed-stream"
    }
}

/// Answers `req` with `101 UPGRADED` and runs `stream` on the connection
/// once hyper hands it over. The client must have asked to upgrade
/// (`Connection: Upgrade`, `Upgrade: tcp`), as docker's clients do.
pub fn upgrade<F, Fut>(st: &State, req: &mut Request<Body>, tty: bool, stream: F) -> Result<Response, ApiError>
where
    F: FnOnce(Conn, Held) -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let asked = req.headers().get(header::UPGRADE).is_some();
    let Some(on_upgrade) = req.extensions_mut().remove::<hyper::upgrade::OnUpgrade>().filter(|_| asked) else {
        return Err(ApiError::bad_request("this endpoint takes over the connection: send `Connection: Upgrade` and `Upgrade: tcp`"));
    };
    // Held from now on: the connection's own count ends when hyper hands it over.
    let held = st.conns().hold();
    tokio::spawn(async move {
        if let Ok(upgraded) = on_upgrade.await {
            stream(TokioIo::new(upgraded), held).await;
        }
    });
    let mut resp = Response::new(Body::empty());
    *resp.status_mut() = StatusCode::SWITCHING_PROTOCOLS;
    resp.extensions_mut().insert(hyper::ext::ReasonPhrase::from_static(b"UPGRADED"));
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type(tty)));
    h.insert(header::CONNECTION, HeaderValue::from_static("Upgrade"));
    h.insert(header::UPGRADE, HeaderValue::from_static("tcp"));
    Ok(resp)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frame_headers() {
        assert_eq!(frame_header(STDOUT, 5), [1, 0, 0, 0, 0, 0, 0, 5]);
        assert_eq!(frame_header(STDERR, 0x01020304), [2, 0, 0, 0, 1, 2, 3, 4]);
    }
}
