//! The monitor of a detached container (DESIGN.md, process model): a
//! sangja worker (engine/worker.rs, `Request::Monitor`) that makes itself a
//! daemon (setsid, second fork), spawns the container as its child with its
//! output on pipes (a pty with `-t`), records the state (running, pid) and
//! reports to the CLI, then execs the small monitor (crates/monitor,
//! next to sangja's binary): the same process, so the container stays its
//! child, without sangja's pages. The small monitor writes the output to the
//! log and to attached clients (container/attach.rs's protocol) until the
//! container exits, then execs sangja back as a worker (`Request::Exited`)
//! with the code and the clients; `exited` records the exit, restarts the
//! container while its policy says so (handing off again), removes it with
//! `--rm`, and last tells the clients the code. Without the small binary
//! (or when it cannot be exec'd) this process serves the container itself,
//! as before.
//!
//! The CLI that started it waits on a "ready" pipe: the monitor writes one
//! report once the container's command has been exec'd (`0`) or could not be
//! (`<exit code> <message>`), then closes it, so `run -d` can print the id
//! or podman's 125/126/127 error.

use super::worker::EngineSpec;
use super::Engine;
use crate::error::{Error, Result};
use nix::errno::Errno;
use nix::fcntl::{open, OFlag};
use nix::sys::signal::{signal, SigHandler, Signal};
use nix::sys::stat::Mode;
use nix::sys::wait::{waitpid, WaitStatus};
use nix::unistd::{fork, pipe2, setsid, ForkResult, Pid};
use sangja_container::attach::{self, Io, Server};
use sangja_container::logs::LogWriter;
use sangja_container::policy::RestartPolicy;
use sangja_container::record::{Container, ContainerStore, StartedBy};
use sangja_image::store::ImageStore;
use sangja_runtime::{self as runtime, Rootfs, Stdio};
use serde::{Deserialize, Serialize};
use std::ffi::CString;
use std::os::fd::{AsFd, AsRawFd, OwnedFd, RawFd};
use std::os::unix::ffi::OsStrExt;
use std::path::PathBuf;
use std::time::Duration;

/// The small monitor's file name, next to sangja's host binary.
pub const SMALL_MONITOR: &str = "sangja-monitor";

/// What the monitor hands the small one, to get back when the container
/// has exited (inside `worker::Request::Exited`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Resume {
    pub engine: EngineSpec,
    pub id: String,
    /// The first attach client's window size (rows, cols), for a restart.
    pub winsize: Option<(u16, u16)>,
    /// The restart policy may start the container again: the worker
    /// re-executes from a sealed binary first.
    pub may_restart: bool,
    /// The restart delay of the run that ended (restart.rs's back-off).
    pub delay_ms: Option<u64>,
    /// The network backend to stop.
    pub net: Option<sangja_network::Detached>,
}

/// Runs the monitor of container `id` (`worker::Request::Monitor`), with the
/// CLI's ready pipe and, for `run -it` and `start -a`, an attach client
/// connected from the start. Called in a freshly exec'd, single-threaded
/// sangja; returns only in the short-lived first process (the caller exits
/// at once) or when the container has exited (no small monitor).
pub fn run(engine: &Engine, id: &str, ready: OwnedFd, clients: Vec<OwnedFd>) -> i32 {
    // Until the report is written, a panic reports itself through the
    // ready pipe: nobody reads our stderr.
    READY_FD.store(ready.as_raw_fd(), std::sync::atomic::Ordering::SeqCst);
    std::panic::set_hook(Box::new(|info| {
        let fd = READY_FD.swap(-1, std::sync::atomic::Ordering::SeqCst);
        if fd >= 0 {
            let text = format!("125 the container's monitor failed: {info}");
            // SAFETY: the ready pipe, still open while READY_FD names it.
            let _ = nix::unistd::write(unsafe { std::os::fd::BorrowedFd::borrow_raw(fd) }, text.as_bytes());
        }
    }));
    // Detach from the caller's session and terminal; the second fork makes
    // sure the monitor, not being a session leader, can never get one back.
    let _ = setsid();
    // SAFETY: single-threaded (just exec'd, no runtime started).
    match unsafe { fork() } {
        Ok(ForkResult::Parent { .. }) => return 0,
        Ok(ForkResult::Child) => {}
        Err(e) => {
            report(&ready, 125, &format!("fork the container's monitor: {}", e.desc()));
            return 125;
        }
    }
    for sig in [Signal::SIGHUP, Signal::SIGINT, Signal::SIGPIPE, Signal::SIGTTOU, Signal::SIGTTIN] {
        // SAFETY: SIG_IGN, no handler code.
        let _ = unsafe { signal(sig, SigHandler::SigIgn) };
    }
    let store = ContainerStore::new(&engine.paths);
    let container = match store.lookup(id) {
        Ok(c) => c,
        Err(e) => {
            report(&ready, e.exit_code(), &e.to_string());
            return e.exit_code();
        }
    };
    // Nobody reads our stderr: an error is in the ready report or the state.
    start(engine, container, ready, clients).unwrap_or(125)
}

/// The ready pipe while no report was written (-1 after), for the panic hook.
static READY_FD: std::sync::atomic::AtomicI32 = std::sync::atomic::AtomicI32::new(-1);

fn report(ready: &OwnedFd, code: i32, msg: &str) {
    READY_FD.store(-1, std::sync::atomic::Ordering::SeqCst);
    let text = format!("{code} {msg}");
    let mut left = text.as_bytes();
    while !left.is_empty() {
        match nix::unistd::write(ready, left) {
            Ok(n) => left = &left[n..],
            Err(Errno::EINTR) => continue,
            Err(_) => break,
        }
    }
}

/// Starts the container, reports, then hands off to the small monitor (or
/// relays its output itself until it exits).
fn start(engine: &Engine, mut c: Container, ready: OwnedFd, clients: Vec<OwnedFd>) -> Result<i32> {
    let mut server = Server::new(attach::socket_path(&engine.paths, &c.config.id), clients);
    // No start_lock here: start_monitor holds it for us until our report.
    // Step order (issue 16): `starting` (our pid) recorded, spawn, pid
    // recorded, report. A kill between spawn and the pid's record leaves
    // `starting` naming a dead process: the next start or rm kills what
    // runs on the container's folders (recover.rs `kill_strays`) before
    // anything else touches them.
    if let Err(e) = c.mark_starting() {
        report(&ready, e.exit_code(), &e.to_string());
        return Ok(e.exit_code());
    }
    let spawned = spawn(engine, &c, server.winsize());
    let (child, io, mut net) = match spawned {
        Ok(v) => v,
        Err(e) => {
            // As podman, a container whose command could not be started
            // keeps its previous state (created): nothing ran.
            let _ = c.clear_starting();
            report(&ready, e.exit_code(), &e.to_string());
            return Ok(e.exit_code());
        }
    };
    crate::crash::crash_point("start-spawned");
    super::restart::on_started(&c, child.pid);
    if let Err(e) = c.mark_running(child.pid, Some(std::process::id() as i32), StartedBy::User) {
        let _ = nix::sys::signal::kill(Pid::from_raw(child.pid), Signal::SIGKILL);
        report(&ready, 125, &e.to_string());
        return Ok(125);
    }
    crate::crash::crash_point("start-recorded");
    if let Err(e) = super::run::write_pid_files(&c, child.pid, std::process::id() as i32) {
        let _ = nix::sys::signal::kill(Pid::from_raw(child.pid), Signal::SIGKILL);
        report(&ready, e.exit_code(), &e.to_string());
        return Ok(e.exit_code());
    }
    super::healthcheck::reset(&c);
    super::events_log::container(engine, &c, "init");
    super::events_log::container(engine, &c, "start");
    // The log exists before the start is reported: a reader that opens it
    // then (logs -f, the API's logs right after its start) holds the file,
    // and still reads the output after a quick `rm` of the container.
    let mut log = LogWriter::open(&c.log_path(), c.config.options.log_max_size);
    report(&ready, 0, "");
    drop(ready);

    // A command that is over already (`run --rm IMAGE true`): its output
    // waits in the pipes and its exit is known, so this process finishes
    // the job itself; the small monitor would only exec sangja back at
    // once (two execs of the binary, most of a short run's end).
    let io = if exited_already(child.pid) { io } else { handoff(engine, &c, &server, io, child.pid, &net, None) };
    server.serve(io, &mut log);
    let code = wait(child.pid);
    // The network backend (pasta, slirp4netns) ends with the container.
    net.stop();
    let store = ContainerStore::new(&engine.paths);
    Ok(after_exit(engine, &store, c, code, server, None))
}

/// `worker::Request::Exited`: the small monitor saw the container exit with
/// `code`; `listener` and `clients` are its attach socket and clients.
pub fn exited(resume: Resume, code: i32, terminated: bool, listener: Option<OwnedFd>, clients: Vec<OwnedFd>) -> i32 {
    let engine = resume.engine.engine();
    super::restart::resumed(terminated);
    let winsize = resume.winsize.map(|(r, c)| libc::winsize { ws_row: r, ws_col: c, ws_xpixel: 0, ws_ypixel: 0 });
    let server = Server::resume(attach::socket_path(&engine.paths, &resume.id), listener, clients, winsize);
    if let Some(net) = resume.net {
        net.stop();
    }
    let store = ContainerStore::new(&engine.paths);
    let c = match store.lookup(&resume.id) {
        Ok(c) => c,
        Err(_) => {
            server.finish(code);
            return code;
        }
    };
    after_exit(&engine, &store, c, code, server, resume.delay_ms.map(Duration::from_millis))
}

/// What follows a run's end: cgroup, state, the restart policy, `--rm`,
/// and last the clients. Returns the monitor's exit code.
fn after_exit(engine: &Engine, store: &ContainerStore, c: Container, code: i32, mut server: Server, delay: Option<Duration>) -> i32 {
    if let Ok(spec) = crate::json_file::read::<oci_spec::runtime::Spec>(&c.dir.join("spec.json")) {
        runtime::cgroups::remove(&spec);
    }
    // Re-read: pause or rename may have changed the record meanwhile. Gone
    // (`rm -f` removed it once we recorded the exit, or before): nothing
    // left to record, restart or remove; only the clients to tell.
    let mut c = match store.reload(&c) {
        Ok(c) => c,
        Err(_) => {
            server.finish(code);
            return code;
        }
    };
    let _ = c.mark_exited(code);
    super::events_log::died(engine, &c, Some(code));
    crate::crash::crash_point("exit-recorded");
    // `--restart`: again while the policy says so (restart.rs).
    let code = super::restart::supervise(engine, &mut c, code, delay, |c, delay| {
        let starting = c.start_lock().ok()?;
        // `rm` may have removed the container while we waited for the lock.
        *c = store.reload(c).ok()?;
        c.mark_starting().ok()?;
        let (child, io, mut net) = match spawn(engine, c, server.winsize()) {
            Ok(v) => v,
            Err(_) => {
                let _ = c.clear_starting();
                return None;
            }
        };
        if super::restart::record_running(c, child.pid).is_err() {
            let _ = nix::sys::signal::kill(Pid::from_raw(child.pid), Signal::SIGKILL);
        } else {
            super::events_log::container(engine, c, "start");
        }
        drop(starting);
        let io = handoff(engine, c, &server, io, child.pid, &net, Some(delay));
        let mut log = LogWriter::open(&c.log_path(), c.config.options.log_max_size);
        server.serve(io, &mut log);
        let code = wait(child.pid);
        net.stop();
        super::restart::record_exited(store, c, code);
        super::events_log::died(engine, c, Some(code));
        Some(code)
    });
    if c.config.options.remove {
        // `wait` on a container that `--rm` removed still learns its code
        // from here (run-time state: gone on reboot, as podman's exits/).
        let exits = engine.paths.runroot.join("exits");
        if std::fs::create_dir_all(&exits).is_ok() {
            let _ = std::fs::write(exits.join(&c.config.id), code.to_string());
        }
        // The one rm sequence (engine/containers.rs), with its anonymous
        // volumes; not forced: a container started again meanwhile stays.
        let _ = super::containers::remove(
            engine,
            &super::containers::RemoveRequest {
                selection: super::select::Selection { names: vec![c.config.id.clone()], all: None, ignore_missing: true },
                force: false,
                stop: None,
                volumes: true,
            },
        );
    }
    // Last: an attached `run -it` returns once all of the above is done.
    server.finish(code);
    super::restart::monitor_exit_code(&c, code)
}

/// The small monitor, when it is installed next to sangja.
fn small_monitor() -> Option<PathBuf> {
    let host = runtime::selfexe::host_path().ok()?;
    let path = host.parent()?.join(SMALL_MONITOR);
    let c = CString::new(path.as_os_str().as_bytes()).ok()?;
    // SAFETY: access with a valid C string.
    (unsafe { libc::access(c.as_ptr(), libc::X_OK) } == 0).then_some(path)
}

/// A memfd holding `data` (read back by the small monitor with pread).
fn memfd(data: &[u8]) -> Option<OwnedFd> {
    let fd = nix::sys::memfd::memfd_create(c"sangja-monitor-resume", nix::sys::memfd::MFdFlags::MFD_CLOEXEC).ok()?;
    let mut done = 0;
    while done < data.len() {
        done += nix::unistd::write(&fd, &data[done..]).ok().filter(|n| *n > 0)?;
    }
    Some(fd)
}

/// Execs the small monitor for the running container `pid`, with its stdio
/// `io`, the attach socket and clients of `server` and what `exited` needs
/// afterwards. Returns (with `io`) only when it cannot: then this process
/// serves the container itself.
fn handoff(
    engine: &Engine,
    c: &Container,
    server: &Server,
    io: Io,
    pid: i32,
    net: &sangja_network::Attachment,
    delay: Option<Duration>,
) -> Io {
    let Some(small) = small_monitor() else { return io };
    let Ok(host) = runtime::selfexe::host_path() else { return io };
    let resume = Resume {
        engine: EngineSpec::of(engine),
        id: c.config.id.clone(),
        winsize: server.winsize().map(|w| (w.ws_row, w.ws_col)),
        may_restart: !matches!(c.config.options.restart, RestartPolicy::No),
        delay_ms: delay.map(|d| d.as_millis() as u64),
        net: Some(net.detached()),
    };
    let Some(resume_fd) = serde_json::to_vec(&resume).ok().and_then(|d| memfd(&d)) else { return io };
    let early = if server.early_input().is_empty() { None } else { memfd(server.early_input()) };
    let mut args: Vec<Vec<u8>> = vec![small.as_os_str().as_bytes().to_vec()];
    let mut fds: Vec<RawFd> = Vec::new();
    let arg = |args: &mut Vec<Vec<u8>>, k: &str, v: &[u8]| {
        args.push(k.as_bytes().to_vec());
        args.push(v.to_vec());
    };
    let mut fd_arg = |args: &mut Vec<Vec<u8>>, k: &str, fd: RawFd| {
        fds.push(fd);
        arg(args, k, fd.to_string().as_bytes());
    };
    fd_arg(&mut args, "--resume", resume_fd.as_raw_fd());
    match &io {
        Io::Tty(m) => {
            args.push(b"--tty".to_vec());
            fd_arg(&mut args, "--out", m.as_raw_fd());
        }
        Io::Pipes { stdin, out, err } => {
            fd_arg(&mut args, "--out", out.as_raw_fd());
            fd_arg(&mut args, "--err", err.as_raw_fd());
            if let Some(s) = stdin {
                fd_arg(&mut args, "--stdin", s.as_raw_fd());
            }
        }
    }
    if let Some(e) = &early {
        fd_arg(&mut args, "--early", e.as_raw_fd());
    }
    let (listener, clients) = server.fds();
    if let Some(l) = listener {
        fd_arg(&mut args, "--listen", l);
    }
    for cl in clients {
        fd_arg(&mut args, "--client", cl);
    }
    let log = c.log_path();
    args.push(b"--pid".to_vec());
    args.push(pid.to_string().into_bytes());
    args.push(b"--log".to_vec());
    args.push(log.as_os_str().as_bytes().to_vec());
    if let Some(max) = c.config.options.log_max_size {
        args.push(b"--max".to_vec());
        args.push(max.to_string().into_bytes());
    }
    // `--timeout`: the small monitor kills the container when it is up.
    if let Some(t) = c.config.options.extra.timeout {
        args.push(b"--timeout".to_vec());
        args.push(t.to_string().into_bytes());
    }
    args.push(b"--exe".to_vec());
    args.push(host.as_os_str().as_bytes().to_vec());
    // Periodic health checks (healthcheck.rs): the small monitor runs them.
    if let Some((every, check)) = super::healthcheck::periodic_command(engine, c) {
        args.push(b"--health-ms".to_vec());
        args.push(every.as_millis().to_string().into_bytes());
        for a in check {
            args.push(b"--health-arg".to_vec());
            args.push(a.into_bytes());
        }
    }
    let Ok(argv) = args.into_iter().map(CString::new).collect::<std::result::Result<Vec<CString>, _>>() else { return io };
    let set_cloexec = |on: bool| {
        for fd in &fds {
            // SAFETY: flag changes on descriptors we hold.
            unsafe { libc::fcntl(*fd, libc::F_SETFD, if on { libc::FD_CLOEXEC } else { 0 }) };
        }
    };
    set_cloexec(false);
    // A SIGTERM during the exec would meet the new image's default action
    // (death, the container orphaned) before the small monitor's handler
    // is in place: blocked here, it stays pending across the exec and the
    // small monitor unblocks it once it forwards SIGTERM (issue 19).
    let term = nix::sys::signal::SigSet::from(Signal::SIGTERM);
    let _ = term.thread_block();
    // Returns only on failure (the environment goes along: _SANGJA_EXE and
    // the user namespace's identity, for the worker that comes back).
    let _ = nix::unistd::execv(&argv[0], &argv);
    let _ = term.thread_unblock();
    set_cloexec(true);
    io
}

type Spawned = (runtime::Container, Io, sangja_network::Attachment);

fn spawn(engine: &Engine, c: &Container, winsize: Option<libc::winsize>) -> Result<Spawned> {
    let mut spec: oci_spec::runtime::Spec = crate::json_file::read(&c.dir.join("spec.json"))?;
    // Network first: namespace, backend and ports are up before the command runs.
    let mut net = crate::network::attach(engine, c, &mut spec)?;
    let image = ImageStore::new(&engine.paths).lookup(&c.config.image_id)?;
    let rootfs = crate::drivers::rootfs(engine, &image, c)?;
    let (child, io) = spawn_stdio(&spec, &rootfs, c.config.options.interactive, winsize)?;
    net.started();
    Ok((child, io, net))
}

/// Starts the container with the stdio the monitor keeps for attach: a pty
/// with `-t` (spec.process.terminal), else pipes (stdin too with `-i`,
/// /dev/null otherwise).
fn spawn_stdio(
    spec: &oci_spec::runtime::Spec,
    rootfs: &Rootfs,
    interactive: bool,
    winsize: Option<libc::winsize>,
) -> Result<(runtime::Container, Io)> {
    if spec.process().as_ref().and_then(|p| p.terminal()).unwrap_or(false) {
        let (child, master) = runtime::tty::spawn_terminal_sized(spec, rootfs, winsize)?;
        return Ok((child, Io::Tty(master)));
    }
    let pipe = || pipe2(OFlag::O_CLOEXEC).map_err(|e| Error::Runtime(format!("create an output pipe: {}", e.desc())));
    let (out_r, out_w) = pipe()?;
    let (err_r, err_w) = pipe()?;
    let (stdin_r, stdin_w) = if interactive {
        let (r, w) = pipe()?;
        (r, Some(w))
    } else {
        let null = open("/dev/null", OFlag::O_RDWR | OFlag::O_CLOEXEC, Mode::empty())
            .map_err(|e| Error::Runtime(format!("open /dev/null: {}", e.desc())))?;
        (null, None)
    };
    let stdio = Stdio { stdin: stdin_r.as_fd(), stdout: out_w.as_fd(), stderr: err_w.as_fd() };
    let child = runtime::spawn_with_stdio(spec, rootfs, &stdio)?;
    Ok((child, Io::Pipes { stdin: stdin_w, out: out_r, err: err_r }))
}

/// Whether our child `pid` has exited (not reaped: `wait` does that).
fn exited_already(pid: i32) -> bool {
    // SAFETY: waitid into a zeroed siginfo_t; WNOWAIT leaves the child to `wait`.
    let mut info: libc::siginfo_t = unsafe { std::mem::zeroed() };
    let r = unsafe { libc::waitid(libc::P_PID, pid as libc::id_t, &mut info, libc::WEXITED | libc::WNOHANG | libc::WNOWAIT) };
    // SAFETY: si_pid is set by a waitid that found a child, zero otherwise.
    r == 0 && unsafe { info.si_pid() } == pid
}

/// Reaps the container's init; 128+signal when it was killed.
fn wait(pid: i32) -> i32 {
    loop {
        match waitpid(Pid::from_raw(pid), None) {
            Ok(WaitStatus::Exited(_, code)) => return code,
            Ok(WaitStatus::Signaled(_, sig, _)) => return 128 + sig as i32,
            Ok(_) | Err(Errno::EINTR) => continue,
            Err(_) => return -1,
        }
    }
}
