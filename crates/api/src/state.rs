//! What every handler gets: the one `Engine` of the service, and the count
//! of open connections the idle exit watches.
//!
//! How a handler reaches the engine: the service has ONE `Engine`, opened
//! by the CLI (`sangja system service`) while the process is still
//! single-threaded (Engine::open enters the rootless user namespace, which
//! a threaded process cannot), before the tokio runtime starts. It is then
//! shared by every request through an `Arc`: an `Engine` holds only the
//! store's paths, the identity and an event sink; it keeps no file open and
//! no lock held between calls, and every engine function takes its own
//! locks, so concurrent requests are as safe as concurrent CLI commands.
//!
//! Engine functions are synchronous (files, flocks, child processes): a
//! handler calls them through `State::blocking`, on tokio's blocking pool.
//! A handler that streams the engine's events (pull or build progress) makes
//! an `Engine` of its own with `State::engine_with(sink)`: same store, its
//! own sink.
//!
//! Fork safety (ARCHITECTURE.md): this process is multi-threaded, so it must
//! never fork and go on running Rust code in the child. Anything that
//! creates a container's process or enters one (start, run, restart, exec)
//! goes through the worker seam (engine/worker.rs): a fresh, single-threaded
//! `sangja __worker` process, spawned with fork+exec only.

use crate::error::ApiError;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use sangja_engine::events::Sink;
use sangja_engine::system::BuildStamp;
use sangja_engine::Engine;
use std::convert::Infallible;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// The shared state of the service (cheap to clone).
#[derive(Clone)]
pub struct State(Arc<Inner>);

/// What `State` shares.
pub struct Inner {
    /// The service's engine (see the module's comment).
    pub engine: Arc<Engine>,
    /// What build.rs embedded in the binary (for /version and /info).
    pub build: BuildStamp,
    /// Open connections, upgraded ones included (the idle exit).
    pub conns: Arc<Connections>,
    /// Attach clients waiting for their created container to start (docker
    /// attaches before it starts): the monitor's end of each one's socket
    /// pair, by container id, handed to the monitor by the start. Several
    /// per container: dockerpty (docker-compose run) attaches once per stream.
    pub pending_attach: std::sync::Mutex<std::collections::HashMap<String, Vec<std::os::fd::OwnedFd>>>,
    /// The output kept for clients that attach just after the start
    /// (early.rs), by container id, for a short window.
    pub early: std::sync::Mutex<std::collections::HashMap<String, Arc<crate::early::Hub>>>,
    /// Told when this service started a container: a wait or attach sent
    /// before the start (docker's order) goes on at once, without polling
    /// the record (a start by another process is still seen by the poll).
    pub starts: Starts,
}

/// A count of the starts this service made, with who to tell: blocking
/// callers (the wait endpoint) through a condvar, async ones (attach)
/// through a Notify.
#[derive(Default)]
pub struct Starts {
    count: std::sync::Mutex<u64>,
    cv: std::sync::Condvar,
    /// For async waiters: `notified()` before checking the record.
    pub notify: tokio::sync::Notify,
}

impl Starts {
    /// A container was started.
    pub fn started(&self) {
        *self.count.lock().unwrap_or_else(|e| e.into_inner()) += 1;
        self.cv.notify_all();
        self.notify.notify_waiters();
    }

    /// The count now, to give `wait_after`.
    pub fn count(&self) -> u64 {
        *self.count.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Blocks until a start after `seen` (a count from `count`), or `timeout`.
    pub fn wait_after(&self, seen: u64, timeout: std::time::Duration) {
        let g = self.count.lock().unwrap_or_else(|e| e.into_inner());
        let _ = self.cv.wait_timeout_while(g, timeout, |n| *n == seen);
    }
}

impl State {
    pub fn new(engine: Engine, build: BuildStamp) -> State {
        State(Arc::new(Inner {
            engine: Arc::new(engine),
            build,
            conns: Arc::new(Connections::default()),
            pending_attach: Default::default(),
            early: Default::default(),
            starts: Starts::default(),
        }))
    }

    /// The service's engine.
    pub fn engine(&self) -> &Arc<Engine> {
        &self.0.engine
    }

    /// The build stamp.
    pub fn build(&self) -> BuildStamp {
        self.0.build
    }

    /// The attach clients waiting for a start (see `Inner::pending_attach`).
    pub fn pending_attach(&self) -> std::sync::MutexGuard<'_, std::collections::HashMap<String, Vec<std::os::fd::OwnedFd>>> {
        self.0.pending_attach.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The kept output of containers just started (see `Inner::early`).
    pub fn early(&self) -> std::sync::MutexGuard<'_, std::collections::HashMap<String, Arc<crate::early::Hub>>> {
        self.0.early.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The starts this service made (see `Inner::starts`).
    pub fn starts(&self) -> &Starts {
        &self.0.starts
    }

    /// The connection counter.
    pub fn conns(&self) -> &Arc<Connections> {
        &self.0.conns
    }

    /// An engine on the same store whose events go to `events` (a handler
    /// that streams progress to its client).
    pub fn engine_with(&self, events: Sink) -> Engine {
        let e = &self.0.engine;
        Engine { paths: e.paths.clone(), identity: e.identity.clone(), verbose: e.verbose, events }
    }

    /// Runs `f` with the engine on tokio's blocking pool (engine calls block
    /// on files, locks and child processes); its error becomes the response.
    pub async fn blocking<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&Engine) -> sangja_core::error::Result<T> + Send + 'static,
    {
        let engine = self.0.engine.clone();
        match tokio::task::spawn_blocking(move || f(&engine)).await {
            Ok(r) => r.map_err(ApiError::from),
            Err(e) => Err(ApiError::internal(format!("the engine's task failed: {e}"))),
        }
    }
}

/// A handler takes `st: State` directly (no `axum::extract::State` wrapper).
impl FromRequestParts<State> for State {
    type Rejection = Infallible;

    async fn from_request_parts(_: &mut Parts, state: &State) -> Result<State, Infallible> {
        Ok(state.clone())
    }
}

/// The count of open connections: the server holds a `Held` per accepted
/// connection, and an attach or exec that takes over its connection
/// (hijack.rs) holds one of its own for as long as the stream lives.
#[derive(Default)]
pub struct Connections {
    open: AtomicUsize,
    /// Told when the count changes (a stored permit if nobody waits).
    pub changed: tokio::sync::Notify,
}

impl Connections {
    /// One more open connection, until the returned value is dropped.
    pub fn hold(self: &Arc<Self>) -> Held {
        self.open.fetch_add(1, Ordering::SeqCst);
        self.changed.notify_one();
        Held(self.clone())
    }

    /// How many are open.
    pub fn open(&self) -> usize {
        self.open.load(Ordering::SeqCst)
    }
}

/// One open connection (see `Connections::hold`).
pub struct Held(Arc<Connections>);

impl Drop for Held {
    fn drop(&mut self) {
        self.0.open.fetch_sub(1, Ordering::SeqCst);
        self.0.changed.notify_one();
    }
}
