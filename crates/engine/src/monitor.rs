//! The monitor of a detached container (DESIGN.md, process model): sangja
//! re-executed as `sangja __monitor ID`, which makes itself a daemon
//! (setsid, second fork), spawns the container as its child with its output
//! on pipes (a pty with `-t`), writes that output to the log and to attached
//! clients (attach.rs), records the state (running, pid, then the exit code)
//! and exits with the container.
//!
//! The CLI that started it waits on a "ready" pipe: the monitor writes one
//! report once the container's command has been exec'd (`0`) or could not be
//! (`<exit code> <message>`), then closes it, so `run -d` can print the id
//! or podman's 125/126/127 error.

use crate::Engine;
use sangja_container::logs::LogWriter;
use sangja_container::record::{Container, ContainerStore, StartedBy};
use crate::error::{Error, Result};
use nix::errno::Errno;
use nix::fcntl::{open, OFlag};
use nix::sys::signal::{signal, SigHandler, Signal};
use nix::sys::stat::Mode;
use nix::sys::wait::{waitpid, WaitStatus};
use nix::unistd::{fork, pipe2, setsid, ForkResult, Pid};
use sangja_image::store::ImageStore;
use sangja_runtime::{self as runtime, Rootfs, Stdio};
use std::os::fd::{AsFd, FromRawFd, OwnedFd};

/// The fd number the CLI hands the ready pipe on as.
pub const READY_FD: i32 = 3;
/// The fd number of an attach client connected from the start (`run -it`,
/// `start -a`: see attach.rs), when the monitor is run with `--attach`.
pub const ATTACH_FD: i32 = 4;

/// Runs the monitor of container `id`. Called in a freshly exec'd,
/// single-threaded sangja; returns only in the short-lived first process
/// (the caller exits at once) or when the container has exited.
pub fn run(engine: &Engine, id: &str) -> Result<i32> {
    run_attached(engine, id, false)
}

/// `run`, with a client on ATTACH_FD when `attached`.
pub fn run_attached(engine: &Engine, id: &str, attached: bool) -> Result<i32> {
    // SAFETY: READY_FD was set up by the CLI for us and nothing else owns it.
    let ready = unsafe { OwnedFd::from_raw_fd(READY_FD) };
    // SAFETY: as READY_FD, when the CLI said it passed one.
    let client = attached.then(|| unsafe { OwnedFd::from_raw_fd(ATTACH_FD) });
    if let Some(c) = &client {
        let _ = nix::fcntl::fcntl(c, nix::fcntl::FcntlArg::F_SETFD(nix::fcntl::FdFlag::FD_CLOEXEC));
    }
    // Inherited without close-on-exec (that is how it got here); set it
    // again, or helpers we spawn (pasta, slirp4netns) would hold it open and
    // the CLI would wait for them.
    let _ = nix::fcntl::fcntl(&ready, nix::fcntl::FcntlArg::F_SETFD(nix::fcntl::FdFlag::FD_CLOEXEC));
    // Close anything else inherited: a test harness's pipe held open by a
    // long-lived monitor would keep its reader waiting forever.
    sangja_runtime::fds::close_range((if attached { ATTACH_FD + 1 } else { READY_FD + 1 }) as u32, u32::MAX, 0);
    // Detach from the caller's session and terminal; the second fork makes
    // sure the monitor, not being a session leader, can never get one back.
    let _ = setsid();
    // SAFETY: single-threaded (just exec'd, no runtime started).
    match unsafe { fork() } {
        Ok(ForkResult::Parent { .. }) => return Ok(0),
        Ok(ForkResult::Child) => {}
        Err(e) => {
            report(&ready, 125, &format!("fork the container's monitor: {}", e.desc()));
            return Ok(125);
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
            return Ok(e.exit_code());
        }
    };
    match start(engine, container, ready, client) {
        Ok(code) => Ok(code),
        // Nobody reads our stderr: the error is in the ready report or the state.
        Err(_) => Ok(125),
    }
}

fn report(ready: &OwnedFd, code: i32, msg: &str) {
    let text = format!("{code} {msg}");
    let _ = nix::unistd::write(ready, text.as_bytes());
}

/// Starts the container, reports, then relays its output until it exits.
fn start(engine: &Engine, mut c: Container, ready: OwnedFd, client: Option<OwnedFd>) -> Result<i32> {
    let mut server = sangja_container::attach::Server::new(sangja_container::attach::socket_path(&engine.paths, &c.config.id), client);
    // No start_lock here: start_monitor holds it for us until our report.
    let spawned = spawn(engine, &c, server.winsize());
    let (child, io, mut net) = match spawned {
        Ok(v) => v,
        Err(e) => {
            // As podman, a container whose command could not be started
            // keeps its previous state (created): nothing ran.
            report(&ready, e.exit_code(), &e.to_string());
            return Ok(e.exit_code());
        }
    };
    super::restart::on_started(&c, child.pid);
    if let Err(e) = c.mark_running(child.pid, Some(std::process::id() as i32), StartedBy::User) {
        let _ = nix::sys::signal::kill(Pid::from_raw(child.pid), Signal::SIGKILL);
        report(&ready, 125, &e.to_string());
        return Ok(125);
    }
    report(&ready, 0, "");
    drop(ready);

    let mut log = LogWriter::open(&c.log_path(), c.config.options.log_max_size);
    server.serve(io, &mut log);
    let code = wait(child.pid);
    // The network backend (pasta, slirp4netns) ends with the container.
    net.stop();
    if let Ok(spec) = crate::json_file::read::<oci_spec::runtime::Spec>(&c.dir.join("spec.json")) {
        runtime::cgroups::remove(&spec);
    }

    // Re-read: pause or rename may have changed the record meanwhile.
    let store = ContainerStore::new(&engine.paths);
    let mut c = store.reload(&c).unwrap_or(c);
    let _ = c.mark_exited(code);
    // `--restart`: again while the policy says so (restart.rs).
    let code = super::restart::supervise(engine, &mut c, code, |c| {
        let starting = c.start_lock().ok()?;
        let (child, io, mut net) = spawn(engine, c, server.winsize()).ok()?;
        if super::restart::record_running(c, child.pid).is_err() {
            let _ = nix::sys::signal::kill(Pid::from_raw(child.pid), Signal::SIGKILL);
        }
        drop(starting);
        let mut log = LogWriter::open(&c.log_path(), c.config.options.log_max_size);
        server.serve(io, &mut log);
        let code = wait(child.pid);
        net.stop();
        super::restart::record_exited(&store, c, code);
        Some(code)
    });
    if c.config.options.remove {
        // `wait` on a container that `--rm` removed still learns its code
        // from here (run-time state: gone on reboot, as podman's exits/).
        let exits = engine.paths.runroot.join("exits");
        if std::fs::create_dir_all(&exits).is_ok() {
            let _ = std::fs::write(exits.join(&c.config.id), code.to_string());
        }
        if let Ok(_guard) = crate::lock::exclusive(&engine.paths.store_lock()) {
            if let Ok(c) = store.reload(&c) {
                let _ = store.delete(&c);
            }
        }
        // After the guard: this takes the store lock itself.
        let _ = crate::volumes::remove_anonymous(engine, &c.config.options);
    }
    // Last: an attached `run -it` returns once all of the above is done.
    server.finish(code);
    Ok(super::restart::monitor_exit_code(&c, code))
}

type Spawned = (runtime::Container, sangja_container::attach::Io, sangja_network::Attachment);

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
) -> Result<(runtime::Container, sangja_container::attach::Io)> {
    if spec.process().as_ref().and_then(|p| p.terminal()).unwrap_or(false) {
        let (child, master) = runtime::tty::spawn_terminal_sized(spec, rootfs, winsize)?;
        return Ok((child, sangja_container::attach::Io::Tty(master)));
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
    Ok((child, sangja_container::attach::Io::Pipes { stdin: stdin_w, out: out_r, err: err_r }))
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
