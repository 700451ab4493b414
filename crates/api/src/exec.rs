//! Exec instances, as docker's clients drive them: `POST
//! /containers/{id}/exec` makes one (nothing runs yet), `POST
//! /exec/{id}/start` runs it, its output on the taken-over connection
//! (hijack.rs: raw with a TTY, multiplexed without) or, for a client that
//! did not ask to upgrade, in the 200 answer's body; `/exec/{id}/resize`
//! sizes its terminal; `GET /exec/{id}/json` says whether it runs and how
//! it ended (the docker CLI reads its exit code there once the stream ends,
//! so the code is recorded before the stream is closed).
//!
//! The process is started by the engine's exec use case, the function
//! `sangja exec` calls, in a worker of its own (engine calls.rs,
//! `Call::Exec`): entering a container's namespaces needs a fresh
//! single-threaded process, and rootless one outside the service's user
//! namespace (engine spawner.rs). Without a TTY the worker hands the
//! process pipes of ours; with one, the worker relays the container's pty to
//! a pty of ours in raw mode, whose size we set and announce with SIGWINCH
//! (the worker's relay reads the new size from its end, as `sangja exec -t`
//! reads the user's terminal).
//!
//! Instances live in the service's memory, as docker's and podman's do:
//! they are gone when the service exits.

use crate::containers::lookup;
use crate::error::{ApiError, ApiResult, Json};
use crate::hijack::{self, Conn};
use crate::state::State;
use axum::body::{Body, Bytes};
use axum::extract::{Path, Request};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use sangja_engine::calls::{self, Call, ExecSpec};
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, FromRawFd, OwnedFd};
use std::sync::{Arc, Mutex, OnceLock};
use tokio::io::unix::AsyncFd;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

pub fn routes() -> Router<State> {
    Router::new()
        .route("/containers/{id}/exec", post(create))
        .route("/exec/{id}/start", post(start))
        .route("/exec/{id}/resize", post(resize))
        .route("/exec/{id}/json", get(inspect))
}

/// Where an instance is.
enum Phase {
    Created,
    /// Its worker runs; with a TTY, our end of its pty (for resize).
    Running {
        worker: i32,
        master: Option<Arc<OwnedFd>>,
    },
    /// Ended with this code (None: started detached, not waited for).
    Done(Option<i32>),
}

/// One exec instance.
struct Instance {
    container_id: String,
    spec: ExecSpec,
    stdout: bool,
    stderr: bool,
    detach_keys: String,
    console: Option<(u16, u16)>,
    phase: Phase,
    made: std::time::Instant,
}

/// The service's exec instances, by id.
fn instances() -> std::sync::MutexGuard<'static, HashMap<String, Instance>> {
    static EXECS: OnceLock<Mutex<HashMap<String, Instance>>> = OnceLock::new();
    EXECS.get_or_init(Default::default).lock().unwrap_or_else(|e| e.into_inner())
}

/// How many ended instances are kept for inspection.
const KEEP_ENDED: usize = 512;

fn no_such(id: &str) -> ApiError {
    ApiError::not_found(format!("No such exec instance: {id}"))
}

fn not_running(id: &str) -> ApiError {
    ApiError::conflict(format!("Container {id} is not running"))
}

/// docker's ExecConfig (the fields sangja uses).
#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
struct ExecConfig {
    attach_stdin: Option<bool>,
    attach_stdout: Option<bool>,
    attach_stderr: Option<bool>,
    tty: Option<bool>,
    env: Option<Vec<String>>,
    cmd: Option<Vec<String>>,
    working_dir: Option<String>,
    user: Option<String>,
    privileged: Option<bool>,
    detach_keys: Option<String>,
    console_size: Option<Vec<u16>>,
}

fn console(v: &Option<Vec<u16>>) -> Option<(u16, u16)> {
    match v.as_deref() {
        Some([h, w]) if *h > 0 && *w > 0 => Some((*h, *w)),
        _ => None,
    }
}

fn random_id() -> ApiResult<String> {
    use std::io::Read;
    let mut b = [0u8; 32];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut b))
        .map_err(|e| ApiError::internal(format!("no randomness for an exec id: {e}")))?;
    Ok(b.iter().map(|x| format!("{x:02x}")).collect())
}

/// `POST /containers/{id}/exec`: an instance for a running container.
async fn create(st: State, Path(id): Path<String>, Json(cfg): Json<ExecConfig>) -> ApiResult<Response> {
    let command = cfg.cmd.clone().unwrap_or_default();
    if command.is_empty() {
        return Err(ApiError::bad_request("No exec command specified"));
    }
    let keys = cfg.detach_keys.clone().filter(|k| !k.is_empty()).unwrap_or_else(|| sangja_runtime::relay::DEFAULT_DETACH_KEYS.into());
    let detach_keys = sangja_runtime::relay::parse_detach_keys(&keys).map_err(ApiError::from)?;
    let c = st.blocking(move |e| lookup(e, &id)).await?;
    if !c.is_running() {
        return Err(not_running(&c.config.id));
    }
    if c.state.status == sangja_container::record::Status::Paused {
        return Err(ApiError::conflict(format!("Container {} is paused, unpause the container before exec", c.config.id)));
    }
    let tty = cfg.tty.unwrap_or(false);
    let spec = ExecSpec {
        container: c.config.id.clone(),
        command,
        env: cfg.env.unwrap_or_default(),
        user: cfg.user.filter(|u| !u.is_empty()),
        workdir: cfg.working_dir.filter(|w| !w.is_empty()),
        privileged: cfg.privileged.unwrap_or(false),
        interactive: cfg.attach_stdin.unwrap_or(false),
        tty,
        detach: false,
        detach_keys,
    };
    let exec_id = random_id()?;
    let instance = Instance {
        container_id: c.config.id.clone(),
        spec,
        stdout: cfg.attach_stdout.unwrap_or(false),
        stderr: cfg.attach_stderr.unwrap_or(false),
        detach_keys: cfg.detach_keys.unwrap_or_default(),
        console: console(&cfg.console_size),
        phase: Phase::Created,
        made: std::time::Instant::now(),
    };
    let mut all = instances();
    if all.len() >= KEEP_ENDED {
        let mut ended: Vec<(std::time::Instant, String)> =
            all.iter().filter(|(_, i)| matches!(i.phase, Phase::Done(_))).map(|(k, i)| (i.made, k.clone())).collect();
        ended.sort();
        for (_, k) in ended.iter().take(all.len() + 1 - KEEP_ENDED) {
            all.remove(k);
        }
    }
    all.insert(exec_id.clone(), instance);
    Ok((StatusCode::CREATED, axum::Json(json!({ "Id": exec_id }))).into_response())
}

/// docker's ExecStartConfig.
#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
struct StartConfig {
    detach: Option<bool>,
    console_size: Option<Vec<u16>>,
}

/// The fds the worker gets, and ours of the same streams.
struct Streams {
    /// The worker's stdin, stdout, stderr.
    theirs: [OwnedFd; 3],
    ours: Ours,
}

enum Ours {
    /// Without a TTY: the process's stdin (when attached), stdout, stderr.
    Pipes { stdin: Option<OwnedFd>, stdout: OwnedFd, stderr: OwnedFd },
    /// With one: the master of the pty whose other end the worker relays to.
    Pty(Arc<OwnedFd>),
}

fn pipe() -> ApiResult<(OwnedFd, OwnedFd)> {
    nix::unistd::pipe2(nix::fcntl::OFlag::O_CLOEXEC).map_err(|e| ApiError::internal(format!("pipe: {}", e.desc())))
}

fn dev_null() -> ApiResult<OwnedFd> {
    nix::fcntl::open("/dev/null", nix::fcntl::OFlag::O_RDWR | nix::fcntl::OFlag::O_CLOEXEC, nix::sys::stat::Mode::empty())
        .map_err(|e| ApiError::internal(format!("open /dev/null: {}", e.desc())))
}

fn dup(fd: BorrowedFd<'_>) -> ApiResult<OwnedFd> {
    fd.try_clone_to_owned().map_err(|e| ApiError::internal(format!("dup: {e}")))
}

/// A pty pair of ours in raw mode (bytes pass as they are: the container's
/// own pty does the terminal's work), sized `size`.
fn open_pty(size: (u16, u16)) -> ApiResult<(OwnedFd, OwnedFd)> {
    let fail = |what: &str, e: nix::errno::Errno| ApiError::internal(format!("{what}: {}", e.desc()));
    let flags = libc::O_RDWR | libc::O_NOCTTY | libc::O_CLOEXEC;
    // SAFETY: plain open and ioctls on descriptors we own.
    unsafe {
        let m = libc::posix_openpt(flags);
        let m = nix::errno::Errno::result(m).map_err(|e| fail("open a pty", e))?;
        let master = OwnedFd::from_raw_fd(m);
        let unlock: libc::c_int = 0;
        nix::errno::Errno::result(libc::ioctl(m, libc::TIOCSPTLCK, &unlock)).map_err(|e| fail("unlock the pty", e))?;
        let s = nix::errno::Errno::result(libc::ioctl(m, libc::TIOCGPTPEER, flags)).map_err(|e| fail("open the pty's other end", e))?;
        let slave = OwnedFd::from_raw_fd(s);
        let mut t = nix::sys::termios::tcgetattr(&slave).map_err(|e| fail("read the pty's mode", e))?;
        nix::sys::termios::cfmakeraw(&mut t);
        nix::sys::termios::tcsetattr(&slave, nix::sys::termios::SetArg::TCSANOW, &t).map_err(|e| fail("set the pty raw", e))?;
        set_size(&master, size);
        Ok((master, slave))
    }
}

fn set_size(master: &OwnedFd, (h, w): (u16, u16)) {
    let ws = libc::winsize { ws_row: h, ws_col: w, ws_xpixel: 0, ws_ypixel: 0 };
    // SAFETY: TIOCSWINSZ on our master with a valid struct.
    unsafe { libc::ioctl(master.as_raw_fd(), libc::TIOCSWINSZ, &ws) };
}

fn streams(spec: &ExecSpec, detach: bool, size: (u16, u16)) -> ApiResult<Streams> {
    if detach {
        let n = dev_null()?;
        let theirs = [dup(n.as_fd())?, dup(n.as_fd())?, n];
        let ours = Ours::Pipes { stdin: None, stdout: dev_null()?, stderr: dev_null()? };
        return Ok(Streams { theirs, ours });
    }
    if spec.tty {
        let (master, slave) = open_pty(size)?;
        let theirs = [dup(slave.as_fd())?, dup(slave.as_fd())?, slave];
        return Ok(Streams { theirs, ours: Ours::Pty(Arc::new(master)) });
    }
    let (stdin_theirs, stdin) = if spec.interactive {
        let (r, w) = pipe()?;
        (r, Some(w))
    } else {
        (dev_null()?, None)
    };
    let (out_r, out_w) = pipe()?;
    let (err_r, err_w) = pipe()?;
    Ok(Streams { theirs: [stdin_theirs, out_w, err_w], ours: Ours::Pipes { stdin, stdout: out_r, stderr: err_r } })
}

/// What the worker answered: the exit code, and the error that kept the
/// process from starting.
fn outcome(v: sangja_core::error::Result<Value>) -> (i32, Option<String>, u16) {
    match v {
        Ok(v) => {
            let code = v["code"].as_i64().unwrap_or(125) as i32;
            let status = v["status"].as_u64().unwrap_or(500) as u16;
            (code, v["error"].as_str().map(String::from), status)
        }
        Err(e) => (e.exit_code(), Some(e.to_string()), e.http_status()),
    }
}

/// `POST /exec/{id}/start`.
async fn start(st: State, Path(id): Path<String>, mut req: Request) -> ApiResult<Response> {
    let upgrade = req.headers().get(header::UPGRADE).is_some();
    let body = axum::body::to_bytes(std::mem::take(req.body_mut()), 1 << 20)
        .await
        .map_err(|e| ApiError::bad_request(format!("read the request body: {e}")))?;
    let cfg: StartConfig = if body.iter().all(u8::is_ascii_whitespace) {
        StartConfig::default()
    } else {
        serde_json::from_slice(&body).map_err(|e| ApiError::bad_request(format!("bad exec start config: {e}")))?
    };
    let detach = cfg.detach.unwrap_or(false);
    // Claimed now: a second start is refused while this one gets going.
    let (mut spec, container_id, stdout, stderr, size) = {
        let mut all = instances();
        let i = all.get_mut(&id).ok_or_else(|| no_such(&id))?;
        match i.phase {
            Phase::Created => {}
            Phase::Running { .. } => return Err(ApiError::conflict(format!("Error: Exec command {id} is already running"))),
            Phase::Done(_) => return Err(ApiError::conflict(format!("Error: Exec command {id} has already run"))),
        }
        i.phase = Phase::Running { worker: 0, master: None };
        let size = console(&cfg.console_size).or(i.console).unwrap_or((24, 80));
        (i.spec.clone(), i.container_id.clone(), i.stdout, i.stderr, size)
    };
    let unclaim = |code: Option<i32>| {
        if let Some(i) = instances().get_mut(&id) {
            i.phase = Phase::Done(code);
        }
    };
    spec.detach = detach;
    let (tty, interactive) = (spec.tty, spec.interactive);
    let running = {
        let st = st.clone();
        let cid = container_id.clone();
        async move {
            let still = st.blocking(move |e| lookup(e, &cid)).await?;
            if !still.is_running() {
                return Err(not_running(&still.config.id));
            }
            let s = streams(&spec, detach, size)?;
            let engine = st.engine().clone();
            let Streams { theirs, ours } = s;
            let running = tokio::task::spawn_blocking(move || {
                let fds: Vec<BorrowedFd<'_>> = theirs.iter().map(|f| f.as_fd()).collect();
                calls::spawn_outside(&engine, Call::Exec(spec), &fds)
            })
            .await
            .map_err(|e| ApiError::internal(e.to_string()))??;
            Ok((running, ours))
        }
        .await
    };
    let (running, ours) = match running {
        Ok(r) => r,
        Err(e) => {
            unclaim(None);
            return Err(e);
        }
    };
    if detach {
        // The worker answers once the process runs (or could not start).
        let answer = tokio::task::spawn_blocking(move || running.finish()).await.map_err(|e| ApiError::internal(e.to_string()))?;
        let (_, error, status) = outcome(answer);
        unclaim(None);
        if let Some(message) = error {
            return Err(ApiError::new(StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR), message));
        }
        return Ok(StatusCode::OK.into_response());
    }
    let master = match &ours {
        Ours::Pty(m) => Some(m.clone()),
        Ours::Pipes { .. } => None,
    };
    if let Some(i) = instances().get_mut(&id) {
        i.phase = Phase::Running { worker: running.pid(), master };
    }
    let want = Want { stdout, stderr, stdin: interactive };
    let session = Session { id: id.clone(), running, ours, want };
    if upgrade {
        return hijack::upgrade(&st, &mut req, tty, move |conn, held| async move {
            let (rd, wr) = tokio::io::split(conn);
            session.run(Some(rd), Sink::Conn(wr)).await;
            drop(held);
        });
    }
    // A client that did not ask to upgrade: the output in the body, no stdin.
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(64);
    tokio::spawn(session.run(None, Sink::Body(tx)));
    let mut resp = Response::new(Body::from_stream(crate::containers::tokio_stream(rx)));
    resp.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(hijack::content_type(tty)));
    Ok(resp)
}

#[derive(Clone, Copy)]
struct Want {
    stdout: bool,
    stderr: bool,
    stdin: bool,
}

/// Where the output goes.
enum Sink {
    Conn(tokio::io::WriteHalf<Conn>),
    Body(tokio::sync::mpsc::Sender<Result<Bytes, std::io::Error>>),
}

impl Sink {
    async fn send(&mut self, data: Vec<u8>) -> bool {
        match self {
            Sink::Conn(w) => w.write_all(&data).await.is_ok(),
            Sink::Body(tx) => tx.send(Ok(data.into())).await.is_ok(),
        }
    }

    async fn close(self) {
        if let Sink::Conn(mut w) = self {
            let _ = w.flush().await;
            let _ = w.shutdown().await;
        }
    }
}

fn framed(tty: bool, stream: u8, data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() + 8);
    if !tty {
        out.extend_from_slice(&hijack::frame_header(stream, data.len()));
    }
    out.extend_from_slice(data);
    out
}

/// A started instance: its worker, and our ends of its streams.
struct Session {
    id: String,
    running: calls::Running,
    ours: Ours,
    want: Want,
}

impl Session {
    /// Relays until the process has ended and its output is read, records
    /// its exit code, then closes the stream.
    async fn run(self, input: Option<tokio::io::ReadHalf<Conn>>, mut sink: Sink) {
        let Session { id, running, ours, want } = self;
        let tty = matches!(ours, Ours::Pty(_));
        let mut answer = tokio::task::spawn_blocking(move || running.finish());
        let (out_tx, mut out_rx) = tokio::sync::mpsc::channel::<(u8, Vec<u8>)>(16);
        let (pump_in, pump_out) = match ours {
            Ours::Pipes { stdin, stdout, stderr } => (
                tokio::spawn(feed_pipe(input, stdin)),
                tokio::spawn(async move {
                    let a = read_pipe(stdout, hijack::STDOUT, out_tx.clone());
                    let b = read_pipe(stderr, hijack::STDERR, out_tx);
                    tokio::join!(a, b);
                }),
            ),
            Ours::Pty(master) => {
                // SAFETY: the descriptor is owned by the AsyncFd, which outlives every use of it here.
                let afd = match nonblocking(&master).and_then(|fd| unsafe { AsyncFd::register(fd) }.ok()) {
                    Some(a) => Arc::new(a),
                    None => return,
                };
                (tokio::spawn(feed_pty(input, afd.clone(), want.stdin)), tokio::spawn(read_pty(afd, out_tx)))
            }
        };
        let mut result = None;
        // Armed when the worker has answered: what the process left in its
        // pipes is read, but a descendant holding them open does not hold
        // the stream for long.
        let drain = tokio::time::sleep(std::time::Duration::from_secs(365 * 86400));
        tokio::pin!(drain);
        loop {
            tokio::select! {
                chunk = out_rx.recv() => match chunk {
                    Some((stream, data)) => {
                        let wanted = if stream == hijack::STDOUT { want.stdout } else { want.stderr };
                        // A client gone: the process runs on to its end, unread.
                        if wanted {
                            let _ = sink.send(framed(tty, stream, &data)).await;
                        }
                    }
                    None => break,
                },
                r = &mut answer, if result.is_none() => {
                    result = Some(r.map_err(|e| sangja_core::error::Error::Runtime(e.to_string())).and_then(|r| r));
                    drain.as_mut().reset(tokio::time::Instant::now() + std::time::Duration::from_secs(2));
                }
                _ = &mut drain, if result.is_some() => break,
            }
        }
        pump_in.abort();
        pump_out.abort();
        let result = match result {
            Some(r) => r,
            None => answer.await.map_err(|e| sangja_core::error::Error::Runtime(e.to_string())).and_then(|r| r),
        };
        let (code, error, _) = outcome(result);
        if let Some(message) = error {
            // As docker: why the process did not start, on the stream.
            let _ = sink.send(framed(tty, hijack::STDOUT, format!("{message}\r\n").as_bytes())).await;
        }
        if let Some(i) = instances().get_mut(&id) {
            i.phase = Phase::Done(Some(code));
        }
        sink.close().await;
    }
}

/// A pipe of ours as tokio I/O; None if tokio refuses it.
fn receiver(fd: OwnedFd) -> Option<tokio::net::unix::pipe::Receiver> {
    tokio::net::unix::pipe::Receiver::from_owned_fd(fd).ok()
}

async fn read_pipe(fd: OwnedFd, stream: u8, tx: tokio::sync::mpsc::Sender<(u8, Vec<u8>)>) {
    let Some(mut r) = receiver(fd) else { return };
    let mut buf = vec![0u8; 32 * 1024];
    loop {
        match r.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => {
                if tx.send((stream, buf[..n].to_vec())).await.is_err() {
                    return;
                }
            }
        }
    }
}

/// The client's bytes to the process's stdin; its half-close (or its end)
/// closes the pipe: the process reads its end of input.
async fn feed_pipe(input: Option<tokio::io::ReadHalf<Conn>>, stdin: Option<OwnedFd>) {
    let (Some(mut input), Some(stdin)) = (input, stdin) else {
        std::future::pending::<()>().await;
        return;
    };
    let Ok(mut w) = tokio::net::unix::pipe::Sender::from_owned_fd(stdin) else { return };
    let mut buf = vec![0u8; 32 * 1024];
    loop {
        match input.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                if w.write_all(&buf[..n]).await.is_err() {
                    break;
                }
            }
        }
    }
    drop(w);
    std::future::pending::<()>().await
}

/// Our pty master, non-blocking, as a descriptor AsyncFd may own.
fn nonblocking(master: &Arc<OwnedFd>) -> Option<OwnedFd> {
    let fd = master.as_fd().try_clone_to_owned().ok()?;
    // SAFETY: fcntl flag changes on a descriptor we own.
    unsafe {
        let fl = libc::fcntl(fd.as_raw_fd(), libc::F_GETFL);
        libc::fcntl(fd.as_raw_fd(), libc::F_SETFL, fl | libc::O_NONBLOCK);
    }
    Some(fd)
}

async fn read_pty(afd: Arc<AsyncFd<OwnedFd>>, tx: tokio::sync::mpsc::Sender<(u8, Vec<u8>)>) {
    let mut buf = vec![0u8; 32 * 1024];
    loop {
        let Ok(mut g) = afd.readable().await else { return };
        // SAFETY: read into our buffer from the descriptor the AsyncFd owns.
        let r = g.try_io(|fd| {
            let n = unsafe { libc::read(fd.as_raw_fd(), buf.as_mut_ptr().cast(), buf.len()) };
            if n < 0 {
                Err(std::io::Error::last_os_error())
            } else {
                Ok(n as usize)
            }
        });
        match r {
            Ok(Ok(0)) | Ok(Err(_)) => return, // EIO: the worker's end is closed
            Ok(Ok(n)) => {
                if tx.send((hijack::STDOUT, buf[..n].to_vec())).await.is_err() {
                    return;
                }
            }
            Err(_would_block) => continue,
        }
    }
}

async fn write_pty(afd: &AsyncFd<OwnedFd>, mut data: &[u8]) -> bool {
    while !data.is_empty() {
        let Ok(mut g) = afd.writable().await else { return false };
        // SAFETY: write from our buffer to the descriptor the AsyncFd owns.
        let r = g.try_io(|fd| {
            let n = unsafe { libc::write(fd.as_raw_fd(), data.as_ptr().cast(), data.len()) };
            if n < 0 {
                Err(std::io::Error::last_os_error())
            } else {
                Ok(n as usize)
            }
        });
        match r {
            Ok(Ok(n)) => data = &data[n..],
            Ok(Err(_)) => return false,
            Err(_would_block) => {}
        }
    }
    true
}

/// The client's bytes to the pty; its half-close is an end-of-file
/// character, as `sangja exec -it` sends when its input ends.
async fn feed_pty(input: Option<tokio::io::ReadHalf<Conn>>, afd: Arc<AsyncFd<OwnedFd>>, stdin: bool) {
    let Some(mut input) = input.filter(|_| stdin) else {
        std::future::pending::<()>().await;
        return;
    };
    let mut buf = vec![0u8; 32 * 1024];
    loop {
        match input.read(&mut buf).await {
            Ok(0) | Err(_) => {
                let _ = write_pty(&afd, &[4]).await;
                break;
            }
            Ok(n) => {
                if !write_pty(&afd, &buf[..n]).await {
                    break;
                }
            }
        }
    }
    std::future::pending::<()>().await
}

#[derive(Deserialize, Default)]
struct ResizeQuery {
    h: Option<u16>,
    w: Option<u16>,
}

/// `POST /exec/{id}/resize?h=&w=`: our pty's size, announced to the worker.
async fn resize(Path(id): Path<String>, crate::error::Query(q): crate::error::Query<ResizeQuery>) -> ApiResult<Response> {
    let (worker, master) = {
        let all = instances();
        let i = all.get(&id).ok_or_else(|| no_such(&id))?;
        match &i.phase {
            Phase::Running { worker, master } => (*worker, master.clone()),
            // docker sizes a created instance's console at its start.
            Phase::Created => (0, None),
            Phase::Done(_) => return Err(ApiError::conflict(format!("Exec {id} is not running"))),
        }
    };
    let (Some(h), Some(w)) = (q.h, q.w) else { return Err(ApiError::bad_request("resize: give h and w")) };
    if let Some(master) = master {
        set_size(&master, (h, w));
        if worker > 0 {
            // SAFETY: kill with plain integers; the worker is ours.
            unsafe { libc::kill(worker, libc::SIGWINCH) };
            // A worker that was not relaying yet took the size when it
            // opened the container's pty, or takes it from this second one.
            tokio::spawn(async move {
                tokio::time::sleep(std::time::Duration::from_millis(200)).await;
                // SAFETY: as above.
                unsafe { libc::kill(worker, libc::SIGWINCH) };
            });
        }
    } else if let Some(i) = instances().get_mut(&id) {
        if matches!(i.phase, Phase::Created) {
            i.console = Some((h, w));
        }
    }
    Ok(StatusCode::OK.into_response())
}

/// The pid of the process the worker started (its only child), if it runs.
fn process_pid(worker: i32) -> i32 {
    std::fs::read_to_string(format!("/proc/{worker}/task/{worker}/children"))
        .ok()
        .and_then(|s| s.split_whitespace().next().and_then(|p| p.parse().ok()))
        .unwrap_or(0)
}

/// `GET /exec/{id}/json`.
async fn inspect(Path(id): Path<String>) -> ApiResult<Response> {
    let all = instances();
    let i = all.get(&id).ok_or_else(|| no_such(&id))?;
    let (running, code, pid) = match &i.phase {
        Phase::Created => (false, Value::Null, 0),
        Phase::Running { worker, .. } => (true, Value::Null, process_pid(*worker)),
        Phase::Done(code) => (false, code.map(Value::from).unwrap_or(Value::Null), 0),
    };
    let (entrypoint, arguments) = match i.spec.command.split_first() {
        Some((first, rest)) => (first.clone(), rest.to_vec()),
        None => (String::new(), Vec::new()),
    };
    Ok(axum::Json(json!({
        "ID": id,
        "Running": running,
        "ExitCode": code,
        "ProcessConfig": {
            "tty": i.spec.tty,
            "entrypoint": entrypoint,
            "arguments": arguments,
            "privileged": i.spec.privileged,
            "user": i.spec.user.clone().unwrap_or_default(),
        },
        "OpenStdin": i.spec.interactive,
        "OpenStderr": i.stderr,
        "OpenStdout": i.stdout,
        "CanRemove": false,
        "ContainerID": i.container_id,
        "DetachKeys": i.detach_keys,
        "Pid": pid,
    }))
    .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_and_console_sizes() {
        assert_eq!(framed(false, hijack::STDERR, b"ab"), [2, 0, 0, 0, 0, 0, 0, 2, b'a', b'b']);
        assert_eq!(framed(true, hijack::STDERR, b"ab"), b"ab");
        assert_eq!(console(&Some(vec![30, 100])), Some((30, 100)));
        assert_eq!(console(&Some(vec![0, 0])), None);
        assert_eq!(console(&None), None);
        assert_eq!(random_id().unwrap().len(), 64);
    }

    #[test]
    fn outcomes() {
        assert_eq!(outcome(Ok(json!({"code": 3}))), (3, None, 500));
        let (code, err, status) = outcome(Ok(json!({"code": 127, "status": 404, "error": "not found"})));
        assert_eq!((code, err.as_deref(), status), (127, Some("not found"), 404));
    }
}
