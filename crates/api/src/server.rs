//! Where the service listens and how it serves: a unix socket (by default
//! `$XDG_RUNTIME_DIR/sangja/sangja.sock` rootless, `/run/sangja/sangja.sock`
//! as root; mode 0600, so only its owner may drive the engine), a tcp port,
//! or the socket systemd hands over (LISTEN_FDS: a `.socket` unit starts the
//! service on the first connection, no re-exec). HTTP/1.1 through hyper,
//! one task per connection; attach and exec upgrade theirs (hijack.rs).
//!
//! The idle exit: the service ends `idle` after its last connection closed
//! (never when `idle` is zero), counting an attach or exec that took over
//! its connection as open for as long as its stream lives (state.rs,
//! `Connections`).

use crate::state::State;
use hyper::server::conn::http1;
use hyper_util::rt::TokioIo;
use sangja_core::error::{Error, Result};
use sangja_engine::system::BuildStamp;
use sangja_engine::Engine;
use std::os::fd::{FromRawFd, RawFd};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// `system service`'s options.
#[derive(Debug, Clone, Default)]
pub struct ServeOptions {
    /// `unix:///path`, `unix:path`, `tcp:HOST:PORT` or `tcp://HOST:PORT`;
    /// None: the default socket (or the one systemd passed).
    pub uri: Option<String>,
    /// Exit this long after the last connection closed; zero: never.
    pub idle: Duration,
}

/// Where to listen, parsed from a URI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Endpoint {
    Unix(PathBuf),
    Tcp(String),
}

/// Parses podman's service URIs.
pub fn parse_uri(uri: &str) -> Result<Endpoint> {
    if let Some(rest) = uri.strip_prefix("unix://").or_else(|| uri.strip_prefix("unix:")) {
        if rest.is_empty() {
            return Err(Error::Invalid(format!("{uri:?}: no socket path: give unix:///path/to/sock")));
        }
        return Ok(Endpoint::Unix(PathBuf::from(rest)));
    }
    if let Some(rest) = uri.strip_prefix("tcp://").or_else(|| uri.strip_prefix("tcp:")) {
        let rest = rest.trim_end_matches('/');
        if rest.rsplit_once(':').is_none_or(|(_, p)| p.parse::<u16>().is_err()) {
            return Err(Error::Invalid(format!("{uri:?}: give a host and a port, as tcp:127.0.0.1:8080")));
        }
        return Ok(Endpoint::Tcp(rest.to_string()));
    }
    Err(Error::Invalid(format!("{uri:?} is not a service address: give unix:///path/to/sock or tcp:127.0.0.1:PORT")))
}

/// The default socket: podman's place with sangja's name.
pub fn default_socket(rootless: bool) -> Result<PathBuf> {
    if !rootless {
        return Ok(PathBuf::from("/run/sangja/sangja.sock"));
    }
    match std::env::var_os("XDG_RUNTIME_DIR").filter(|d| !d.is_empty()) {
        Some(d) => Ok(PathBuf::from(d).join("sangja").join("sangja.sock")),
        None => Err(Error::Rootless(
            "XDG_RUNTIME_DIR is not set, so there is no default socket: log in through a session (or `loginctl enable-linger`), \
             or give one: sangja system service unix:///path/to/sangja.sock"
                .into(),
        )),
    }
}

/// A listening socket, bound before the runtime starts.
enum Bound {
    Unix { listener: std::os::unix::net::UnixListener, remove: Option<PathBuf> },
    Tcp(std::net::TcpListener),
}

/// The fds systemd passed (LISTEN_FDS, for this process: LISTEN_PID), from
/// fd 3 on. main.rs keeps them open (the CLI's `fds_to_pass`) and closes
/// the other inherited fds. The variables are unset when taken, so no
/// worker sees them.
pub fn listen_fds() -> u32 {
    let pid_ok = std::env::var("LISTEN_PID").ok().and_then(|p| p.parse::<u32>().ok()).is_none_or(|p| p == std::process::id());
    std::env::var("LISTEN_FDS").ok().and_then(|n| n.parse::<u32>().ok()).filter(|_| pid_ok).unwrap_or(0)
}

fn take_listen_fds() -> Option<Bound> {
    let n = listen_fds();
    for v in ["LISTEN_FDS", "LISTEN_PID", "LISTEN_FDNAMES"] {
        std::env::remove_var(v);
    }
    if n == 0 {
        return None;
    }
    // The first socket serves; any more (a unit listening twice) stay
    // unused, close-on-exec as main.rs marked every inherited fd.
    let fd: RawFd = 3;
    let unix = nix::sys::socket::getsockname::<nix::sys::socket::SockaddrStorage>(fd).is_ok_and(|a| a.as_unix_addr().is_some());
    // SAFETY: fd 3 is the socket systemd passed us (LISTEN_FDS); owned from here on.
    Some(if unix {
        Bound::Unix { listener: unsafe { std::os::unix::net::UnixListener::from_raw_fd(fd) }, remove: None }
    } else {
        Bound::Tcp(unsafe { std::net::TcpListener::from_raw_fd(fd) })
    })
}

/// Binds a unix socket at `path`, mode 0600 from the start (umask), its
/// folder made 0700 when new. A socket file nobody answers on is stale and
/// replaced; one that answers belongs to a running service.
fn bind_unix(path: &Path) -> Result<std::os::unix::net::UnixListener> {
    if let Some(dir) = path.parent() {
        if !dir.exists() {
            std::fs::create_dir_all(dir).map_err(|e| Error::io_path("create the socket's folder", dir, e))?;
            let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700));
        }
    }
    if path.exists() {
        if std::os::unix::net::UnixStream::connect(path).is_ok() {
            return Err(Error::Conflict(format!("a service already listens on {}: stop it, or give another address", path.display())));
        }
        std::fs::remove_file(path).map_err(|e| Error::io_path("remove the stale socket", path, e))?;
    }
    let old = nix::sys::stat::umask(nix::sys::stat::Mode::from_bits_truncate(0o177));
    let bound = std::os::unix::net::UnixListener::bind(path);
    nix::sys::stat::umask(old);
    let listener = bound.map_err(|e| Error::io_path("listen on", path, e))?;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).map_err(|e| Error::io_path("set the mode of", path, e))?;
    Ok(listener)
}

fn bind(opts: &ServeOptions, rootless: bool) -> Result<Bound> {
    let activated = take_listen_fds();
    if let Some(b) = activated {
        if opts.uri.is_none() {
            return Ok(b);
        }
    }
    let endpoint = match &opts.uri {
        Some(u) => parse_uri(u)?,
        None => Endpoint::Unix(default_socket(rootless)?),
    };
    match endpoint {
        Endpoint::Unix(path) => Ok(Bound::Unix { listener: bind_unix(&path)?, remove: Some(path) }),
        Endpoint::Tcp(addr) => {
            let l = std::net::TcpListener::bind(&addr).map_err(|e| Error::Invalid(format!("cannot listen on tcp:{addr}: {e}")))?;
            Ok(Bound::Tcp(l))
        }
    }
}

/// Runs the service until it is idle for `opts.idle` (or forever), or
/// SIGTERM/SIGINT. Call while single-threaded: it binds, then starts the
/// tokio runtime. The engine is the one `Engine` every request shares
/// (state.rs).
pub fn serve(engine: Engine, build: BuildStamp, opts: ServeOptions) -> Result<()> {
    let bound = bind(&opts, engine.identity.rootless)?;
    let remove = match &bound {
        Bound::Unix { remove, .. } => remove.clone(),
        Bound::Tcp(_) => None,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("sangja-api")
        .build()
        .map_err(|e| Error::Runtime(format!("start the service's runtime: {e}")))?;
    let state = State::new(engine, build);
    let result = runtime.block_on(run(bound, state, opts.idle));
    if let Some(path) = remove {
        let _ = std::fs::remove_file(path);
    }
    // Tasks still streaming (a follow of logs) are dropped, not awaited.
    runtime.shutdown_timeout(Duration::from_millis(100));
    result
}

/// Accepts connections until idle or signalled.
async fn run(bound: Bound, state: State, idle: Duration) -> Result<()> {
    let io = |e: std::io::Error| Error::Runtime(format!("the service's socket: {e}"));
    let listener = match bound {
        Bound::Unix { listener, .. } => {
            listener.set_nonblocking(true).map_err(io)?;
            Listener::Unix(tokio::net::UnixListener::from_std(listener).map_err(io)?)
        }
        Bound::Tcp(l) => {
            l.set_nonblocking(true).map_err(io)?;
            Listener::Tcp(tokio::net::TcpListener::from_std(l).map_err(io)?)
        }
    };
    let app = crate::router(state.clone());
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).map_err(io)?;
    let mut int = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt()).map_err(io)?;
    let conns = state.conns().clone();
    loop {
        let changed = conns.changed.notified();
        let quiet = conns.open() == 0 && !idle.is_zero();
        let timer = async {
            if quiet {
                tokio::time::sleep(idle).await
            } else {
                std::future::pending::<()>().await
            }
        };
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(stream) => {
                    let held = conns.hold();
                    let app = app.clone();
                    let st = state.clone();
                    tokio::spawn(async move {
                        serve_connection(stream, app, st).await;
                        drop(held);
                    });
                }
                // Out of fds and the like: wait a little rather than spin.
                Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
            },
            _ = timer => return Ok(()),
            _ = changed => {}
            _ = term.recv() => return Ok(()),
            _ = int.recv() => return Ok(()),
        }
    }
}

enum Listener {
    Unix(tokio::net::UnixListener),
    Tcp(tokio::net::TcpListener),
}

enum Stream {
    Unix(tokio::net::UnixStream),
    Tcp(tokio::net::TcpStream),
}

impl Listener {
    async fn accept(&self) -> std::io::Result<Stream> {
        match self {
            Listener::Unix(l) => l.accept().await.map(|(s, _)| Stream::Unix(s)),
            Listener::Tcp(l) => l.accept().await.map(|(s, _)| {
                let _ = s.set_nodelay(true);
                Stream::Tcp(s)
            }),
        }
    }
}

async fn serve_connection(stream: Stream, app: axum::Router, st: State) {
    match stream {
        Stream::Unix(s) => {
            let peer = crate::hijack::PeerSocket(std::os::fd::AsRawFd::as_raw_fd(&s));
            http(s, Some(peer), app, st).await
        }
        Stream::Tcp(s) => http(s, None, app, st).await,
    }
}

/// HTTP/1.1 on one connection, upgrades allowed (attach, exec).
async fn http<S>(stream: S, peer: Option<crate::hijack::PeerSocket>, app: axum::Router, st: State)
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let service = hyper::service::service_fn(move |mut req: hyper::Request<hyper::body::Incoming>| {
        let app = app.clone();
        let st = st.clone();
        if let Some(p) = peer {
            req.extensions_mut().insert(p);
        }
        async move {
            // `--log-level debug`: one line per request, through the engine's events.
            // The time is the answer's head (a streamed body goes on after).
            let line = st.engine().verbose.then(|| (format!("{} {}", req.method(), req.uri()), std::time::Instant::now()));
            let resp = crate::dispatch(app, req).await;
            if let Some((line, t0)) = line {
                let ms = t0.elapsed().as_secs_f64() * 1000.0;
                st.engine().emit(sangja_engine::events::Event::debug(format!("api: {line} -> {} ({ms:.1} ms)", resp.status().as_u16())));
            }
            Ok::<_, std::convert::Infallible>(resp)
        }
    });
    // A client gone mid-request is not the service's error.
    let _ = http1::Builder::new().keep_alive(true).serve_connection(TokioIo::new(stream), service).with_upgrades().await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris() {
        assert_eq!(parse_uri("unix:///run/x.sock").unwrap(), Endpoint::Unix("/run/x.sock".into()));
        assert_eq!(parse_uri("unix:/tmp/y.sock").unwrap(), Endpoint::Unix("/tmp/y.sock".into()));
        assert_eq!(parse_uri("tcp:127.0.0.1:8080").unwrap(), Endpoint::Tcp("127.0.0.1:8080".into()));
        assert_eq!(parse_uri("tcp://localhost:2375").unwrap(), Endpoint::Tcp("localhost:2375".into()));
        assert!(parse_uri("tcp:127.0.0.1").is_err());
        assert!(parse_uri("http://x").is_err());
        assert!(parse_uri("unix://").is_err());
    }

    #[test]
    fn default_sockets() {
        assert_eq!(default_socket(false).unwrap(), PathBuf::from("/run/sangja/sangja.sock"));
    }
}
