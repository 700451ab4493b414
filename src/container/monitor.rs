//! The monitor of a detached container (DESIGN.md, process model): sangja
//! re-executed as `sangja __monitor ID`, which makes itself a daemon
//! (setsid, second fork), spawns the container as its child with its output
//! on pipes, writes that output to the log, records the state (running, pid,
//! then the exit code) and exits with the container.
//!
//! The CLI that started it waits on a "ready" pipe: the monitor writes one
//! report once the container's command has been exec'd (`0`) or could not be
//! (`<exit code> <message>`), then closes it, so `run -d` can print the id
//! or podman's 125/126/127 error.

use super::logs::{LogWriter, Stream};
use super::record::{process_start_time, Container, ContainerStore, Status};
use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::image::store::ImageStore;
use crate::runtime::{self, Rootfs, Stdio};
use crate::storage::layers::LayerStore;
use nix::errno::Errno;
use nix::fcntl::{open, OFlag};
use nix::poll::{poll, PollFd, PollFlags, PollTimeout};
use nix::sys::signal::{signal, SigHandler, Signal};
use nix::sys::stat::Mode;
use nix::sys::wait::{waitpid, WaitStatus};
use nix::unistd::{fork, pipe2, read, setsid, ForkResult, Pid};
use std::os::fd::{AsFd, FromRawFd, OwnedFd};

/// The fd number the CLI hands the ready pipe on as.
pub const READY_FD: i32 = 3;

/// Runs the monitor of container `id`. Called in a freshly exec'd,
/// single-threaded sangja; returns only in the short-lived first process
/// (the caller exits at once) or when the container has exited.
pub fn run(engine: &Engine, id: &str) -> Result<i32> {
    // SAFETY: READY_FD was set up by the CLI for us and nothing else owns it.
    let ready = unsafe { OwnedFd::from_raw_fd(READY_FD) };
    // Inherited without close-on-exec (that is how it got here); set it
    // again, or helpers we spawn (pasta, slirp4netns) would hold it open and
    // the CLI would wait for them.
    let _ = nix::fcntl::fcntl(&ready, nix::fcntl::FcntlArg::F_SETFD(nix::fcntl::FdFlag::FD_CLOEXEC));
    // Close anything else inherited: a test harness's pipe held open by a
    // long-lived monitor would keep its reader waiting forever.
    // SAFETY: close_range with plain integer arguments.
    unsafe { libc::syscall(libc::SYS_close_range, (READY_FD + 1) as u32, u32::MAX, 0u32) };
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
    match start(engine, container, ready) {
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
fn start(engine: &Engine, mut c: Container, ready: OwnedFd) -> Result<i32> {
    let spawned = spawn(engine, &c);
    let (child, out_r, err_r, mut net) = match spawned {
        Ok(v) => v,
        Err(e) => {
            // As podman, a container whose command could not be started
            // keeps its previous state (created): nothing ran.
            report(&ready, e.exit_code(), &e.to_string());
            return Ok(e.exit_code());
        }
    };
    c.state.status = Status::Running;
    c.state.pid = Some(child.pid);
    c.state.pid_start = process_start_time(child.pid);
    c.state.started_at = Some(now());
    c.state.finished_at = None;
    c.state.exit_code = None;
    c.state.monitor_pid = Some(std::process::id() as i32);
    c.state.monitor_start = process_start_time(std::process::id() as i32);
    c.state.freezer = None;
    if let Err(e) = c.save_state() {
        let _ = nix::sys::signal::kill(Pid::from_raw(child.pid), Signal::SIGKILL);
        report(&ready, 125, &e.to_string());
        return Ok(125);
    }
    report(&ready, 0, "");
    drop(ready);

    let mut log = LogWriter::open(&c.log_path(), c.config.options.log_max_size);
    relay(&mut log, out_r, err_r);
    let code = wait(child.pid);
    // The network backend (pasta, slirp4netns) ends with the container.
    net.stop();
    if let Ok(spec) = crate::json_file::read::<oci_spec::runtime::Spec>(&c.dir.join("spec.json")) {
        runtime::cgroups::remove(&spec);
    }

    // Re-read: pause or rename may have changed the record meanwhile.
    let store = ContainerStore::new(&engine.paths);
    let mut c = store.reload(&c).unwrap_or(c);
    if let Some(dir) = c.state.freezer.take() {
        let _ = std::fs::remove_dir(dir);
    }
    c.state.status = Status::Exited;
    c.state.pid = None;
    c.state.exit_code = Some(code);
    c.state.finished_at = Some(now());
    c.state.monitor_pid = None;
    c.state.monitor_start = None;
    let _ = c.save_state();
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
        let _ = crate::engine::volumes::remove_anonymous(engine, &c.config.options);
    }
    Ok(code)
}

type Spawned = (runtime::Container, OwnedFd, OwnedFd, crate::network::Attachment);

fn spawn(engine: &Engine, c: &Container) -> Result<Spawned> {
    let mut spec: oci_spec::runtime::Spec = crate::json_file::read(&c.dir.join("spec.json"))?;
    // Network first: namespace, backend and ports are up before the command runs.
    let mut net = crate::engine::network::attach(engine, c, &mut spec)?;
    let image = ImageStore::new(&engine.paths).lookup(&c.config.image_id)?;
    let layers = LayerStore::new(&engine.paths);
    let rootfs = Rootfs::Overlay {
        lower: crate::engine::run::lower_dirs(&layers, &image),
        upper: c.upper_dir(),
        work: c.work_dir(),
        userxattr: engine.identity.rootless,
    };
    let pipe = || pipe2(OFlag::O_CLOEXEC).map_err(|e| Error::Runtime(format!("create an output pipe: {}", e.desc())));
    let (out_r, out_w) = pipe()?;
    let (err_r, err_w) = pipe()?;
    let null = open("/dev/null", OFlag::O_RDWR | OFlag::O_CLOEXEC, Mode::empty())
        .map_err(|e| Error::Runtime(format!("open /dev/null: {}", e.desc())))?;
    let stdio = Stdio { stdin: null.as_fd(), stdout: out_w.as_fd(), stderr: err_w.as_fd() };
    let child = runtime::spawn_with_stdio(&spec, &rootfs, &stdio)?;
    net.started();
    Ok((child, out_r, err_r, net))
}

/// Copies the container's stdout and stderr into the log until both close
/// (the container's last process is gone). A log that cannot be opened or
/// written still drains the pipes, so the container never blocks on them.
fn relay(log: &mut Result<LogWriter>, out: OwnedFd, err: OwnedFd) {
    let mut open = [Some(out), Some(err)];
    let mut buf = vec![0u8; 64 * 1024];
    while open.iter().any(Option::is_some) {
        let idx: Vec<usize> = (0..2).filter(|i| open[*i].is_some()).collect();
        let mut pfds: Vec<PollFd> =
            idx.iter().filter_map(|i| open[*i].as_ref()).map(|fd| PollFd::new(fd.as_fd(), PollFlags::POLLIN)).collect();
        match poll(&mut pfds, PollTimeout::NONE) {
            Err(Errno::EINTR) => continue,
            Err(_) => return,
            Ok(_) => {}
        }
        let ready: Vec<usize> = idx
            .iter()
            .zip(&pfds)
            .filter(|(_, p)| p.revents().is_some_and(|r| !r.is_empty()))
            .map(|(i, _)| *i)
            .collect();
        drop(pfds);
        for i in ready {
            let Some(fd) = open[i].as_ref() else { continue };
            match read(fd, &mut buf) {
                Ok(0) => open[i] = None,
                Ok(n) => {
                    if let Ok(w) = log.as_mut() {
                        let stream = if i == 0 { Stream::Stdout } else { Stream::Stderr };
                        let _ = w.write_chunk(stream, &buf[..n]);
                    }
                }
                Err(Errno::EINTR | Errno::EAGAIN) => {}
                Err(_) => open[i] = None,
            }
        }
    }
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

fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Nanos, true)
}

