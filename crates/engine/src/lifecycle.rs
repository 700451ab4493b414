//! Lifecycle of created containers: start (detached, through a monitor),
//! stop, kill, wait, restart, rename, prune, pause and unpause.

use super::Engine;
use crate::error::{Error, IoContext, Result};
use crate::lock;
use nix::errno::Errno;
use nix::fcntl::OFlag;
use nix::poll::{poll, PollFd, PollFlags, PollTimeout};
use nix::unistd::{pipe2, read};
use sangja_container::record::{same_process, Container, ContainerStore, Status, Transition};
use sangja_image::store::ImageStore;
use std::os::fd::{AsFd, FromRawFd, OwnedFd};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Starts a created or exited container in the background under a monitor
/// (a sangja worker, see engine/monitor.rs). Returns once the container's
/// command has been exec'd, or with podman's error for why not.
pub fn start_detached(engine: &Engine, c: &Container) -> Result<()> {
    start_monitor(engine, c, &[])
}

/// `start_detached`, with `client` (one end of container::attach::socketpair)
/// handed to the monitor as an attach client connected from the start:
/// `run -it` and `start -a` see all of the output and may detach.
pub fn start_monitor(engine: &Engine, c: &Container, clients: &[OwnedFd]) -> Result<()> {
    // `--requires`: the containers it needs run first (each under its own lock).
    super::run::start_requirements(engine, c)?;
    // Held until the monitor reports: it spawns and records the pid under it.
    let _guard = c.start_lock()?;
    let store = ContainerStore::new(&engine.paths);
    let mut c = store.reload(c)?;
    if c.is_running() {
        return Ok(());
    }
    // A start killed before it recorded the pid: what it spawned goes first.
    if c.start_interrupted() {
        super::recover::kill_strays(&mut c)?;
    }
    // Its monitor is waiting to restart it (--restart): one monitor only.
    if same_process(c.state.monitor_pid, c.state.monitor_start) && !c.state.stopped_by_user {
        return Ok(());
    }
    let (ready_r, ready_w) = pipe2(OFlag::O_CLOEXEC).map_err(|e| Error::Runtime(format!("create the monitor's pipe: {}", e.desc())))?;
    let request =
        super::worker::Request::Monitor { engine: super::worker::EngineSpec::of(engine), id: c.config.id.clone(), clients: clients.len() };
    let mut fds = vec![ready_w.as_fd()];
    fds.extend(clients.iter().map(|c| c.as_fd()));
    let (mut cmd, held) = super::worker::command(&request, &fds)?;
    let mut child = cmd.spawn().map_err(|e| Error::Runtime(format!("start the container's monitor: {e}")))?;
    // Only the monitor may hold these: we wait for their ends to close.
    drop((held, cmd, ready_w));
    // The first monitor process forks the real one and exits at once.
    let _ = child.wait();
    let mut report = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match read(&ready_r, &mut buf) {
            Ok(0) => break,
            Ok(n) => report.extend_from_slice(&buf[..n]),
            Err(Errno::EINTR) => continue,
            Err(e) => return Err(Error::Runtime(format!("read the monitor's report: {}", e.desc()))),
        }
    }
    let text = String::from_utf8_lossy(&report);
    let (code, msg) = text.split_once(' ').unwrap_or((&text, ""));
    match code.parse::<i32>() {
        Ok(0) => Ok(()),
        Ok(code) => Err(Error::from_exit_code(code, msg.to_string())),
        // No report, yet the record says it runs: the report was lost, not the start.
        Err(_) if store.reload(&c).is_ok_and(|now| now.is_running()) => Ok(()),
        Err(_) => Err(Error::Runtime(format!(
            "the monitor of container {} exited without reporting whether the container started",
            &c.config.id[..12]
        ))),
    }
}

/// Parses a signal as `kill -s` takes it: a number, or a name with or
/// without SIG, any case.
pub fn parse_signal(s: &str) -> Result<i32> {
    // podman's words first (scripts match on them), then the fix.
    let bad = || Error::Invalid(format!("invalid signal: {s} (use a name such as TERM or KILL, or a number 1-64)"));
    if let Ok(n) = s.parse::<i32>() {
        return if (1..=64).contains(&n) { Ok(n) } else { Err(bad()) };
    }
    let up = s.to_ascii_uppercase();
    let name = if up.starts_with("SIG") { up } else { format!("SIG{up}") };
    if let Some(rt) = name.strip_prefix("SIGRTMIN+") {
        let n: i32 = rt.parse().map_err(|_| bad())?;
        return Ok(libc::SIGRTMIN() + n).and_then(|v| if v <= 64 { Ok(v) } else { Err(bad()) });
    }
    name.parse::<nix::sys::signal::Signal>().map(|s| s as i32).map_err(|_| bad())
}

/// Sends `sig` to the container's init; a paused container is thawed so it
/// can act on it.
pub fn signal(engine: &Engine, c: &Container, sig: i32) -> Result<()> {
    if !c.is_running() {
        return Err(Error::State(format!(
            "can only kill running containers. {} is in state {}: container state improper",
            c.config.id,
            c.state.status.as_str()
        )));
    }
    if let Some(pid) = c.state.pid.filter(|_| same_process(c.state.pid, c.state.pid_start)) {
        match sangja_container::record::signal_process(pid, sig) {
            Ok(_) | Err(Errno::ESRCH) => {}
            Err(e) => return Err(Error::Runtime(format!("send signal {sig} to container {}: {}", c.config.name, e.desc()))),
        }
    }
    if c.state.status == Status::Paused {
        unpause(engine, c)?;
    }
    Ok(())
}

/// `--stop-signal`, else the image's StopSignal (podman honours it), else SIGTERM.
pub fn stop_signal(engine: &Engine, c: &Container) -> i32 {
    if let Some(sig) = c.config.options.extra.stop_signal {
        return sig;
    }
    ImageStore::new(&engine.paths)
        .lookup(&c.config.image_id)
        .ok()
        .and_then(|i| i.config.config().as_ref().and_then(|cfg| cfg.stop_signal().clone()))
        .and_then(|s| parse_signal(&s).ok())
        .unwrap_or(libc::SIGTERM)
}

/// Stops a running container: its stop signal, then SIGKILL after
/// `timeout`. Returns the container as recorded after the exit.
pub fn stop(engine: &Engine, c: &Container, timeout: Duration) -> Result<Container> {
    let store = ContainerStore::new(&engine.paths);
    // Before the signal: the monitor must not restart what the user stopped.
    mark_stopped_by_user(&store, c);
    if !c.is_running() {
        // A monitor waiting to restart the container sees the mark and exits.
        wait_monitor_gone(&store, c, Instant::now() + Duration::from_secs(5));
        return Ok(store.reload(c).unwrap_or_else(|_| c.clone()));
    }
    let sig = stop_signal(engine, c);
    signal(engine, c, sig)?;
    if let Some(done) = wait_exit(&store, c, Some(Instant::now() + timeout))? {
        return Ok(done);
    }
    let c = store.reload(c)?;
    if c.is_running() && !timeout.is_zero() {
        // podman's warning, word for word: scripts and logs look for it
        // (not with -t 0, where SIGKILL is what was asked for).
        let name = nix::sys::signal::Signal::try_from(sig).map(|s| s.as_str().to_string()).unwrap_or_else(|_| sig.to_string());
        engine.emit(super::events::Event::warning(
            super::events::WarningKind::Other,
            format!("StopSignal {name} failed to stop container {} in {} seconds, resorting to SIGKILL", c.config.name, timeout.as_secs()),
        ));
    }
    if c.is_running() {
        signal(engine, &c, libc::SIGKILL)?;
    }
    wait_exit(&store, &c, Some(Instant::now() + Duration::from_secs(10)))?
        .ok_or_else(|| Error::State(format!("container {} did not exit within 10 s of SIGKILL", c.config.name)))
}

/// Records that the user stopped the container (`stop`, `rm -f`): its
/// restart policy ends until the next `start`.
pub fn mark_stopped_by_user(store: &ContainerStore, c: &Container) {
    if let Ok(mut cur) = store.reload(c) {
        if !cur.state.stopped_by_user {
            let _ = cur.mark_stopped_by_user();
        }
    }
}

/// Waits until a container's monitor has exited (one backing off before a
/// restart, once told to stop), or `deadline`.
fn wait_monitor_gone(store: &ContainerStore, c: &Container, deadline: Instant) {
    while Instant::now() < deadline {
        let Ok(cur) = store.reload(c) else { return };
        if !same_process(cur.state.monitor_pid, cur.state.monitor_start) || cur.is_running() {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The exit code a `--rm` container's monitor left when it removed it.
pub fn removed_exit_code(engine: &Engine, id: &str) -> Option<i32> {
    std::fs::read_to_string(engine.paths.runroot.join("exits").join(id)).ok()?.trim().parse().ok()
}

/// Waits until the container is no longer running (and its monitor has
/// recorded the exit), or until `deadline`: `None` then.
pub fn wait_exit(store: &ContainerStore, c: &Container, deadline: Option<Instant>) -> Result<Option<Container>> {
    loop {
        let cur = store.reload(c)?;
        if !cur.is_running() {
            return Ok(Some(cur));
        }
        let left = match deadline {
            Some(d) => match d.checked_duration_since(Instant::now()) {
                Some(left) if !left.is_zero() => left,
                _ => return Ok(None),
            },
            None => Duration::from_millis(500),
        };
        let slice = left.min(Duration::from_millis(500));
        // The monitor exits right after recording the exit: wait for it;
        // without a live monitor (foreground run, killed monitor) for the init.
        let s = &cur.state;
        let target = if same_process(s.monitor_pid, s.monitor_start) { (s.monitor_pid, s.monitor_start) } else { (s.pid, s.pid_start) };
        let t0 = Instant::now();
        wait_pid(target.0, target.1, slice);
        if t0.elapsed() < Duration::from_millis(2) {
            // Already gone (a zombie not yet reaped): don't spin.
            std::thread::sleep(Duration::from_millis(5).min(slice));
        }
    }
}

/// Blocks until process `pid` (that started at `start`) exits or `timeout`.
pub fn wait_pid(pid: Option<i32>, start: Option<u64>, timeout: Duration) {
    let Some(pid) = pid else {
        std::thread::sleep(timeout.min(Duration::from_millis(20)));
        return;
    };
    // SAFETY: pidfd_open with plain integers; a valid fd is ours to own.
    let fd = unsafe { libc::syscall(libc::SYS_pidfd_open, pid, 0) };
    if fd < 0 {
        return;
    }
    // SAFETY: a fresh fd from pidfd_open.
    let fd = unsafe { OwnedFd::from_raw_fd(fd as i32) };
    // The pid may have been reused between reading the state and opening.
    if !same_process(Some(pid), start) {
        return;
    }
    let ms = timeout.as_millis().min(i32::MAX as u128) as i32;
    let mut fds = [PollFd::new(fd.as_fd(), PollFlags::POLLIN)];
    let _ = poll(&mut fds, PollTimeout::try_from(ms).unwrap_or(PollTimeout::MAX));
}

/// Container names as podman allows: [a-zA-Z0-9][a-zA-Z0-9_.-]*.
fn valid_name(n: &str) -> bool {
    n.chars().next().is_some_and(|c| c.is_ascii_alphanumeric()) && n.chars().all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c))
}

/// Renames a container (running or not).
pub fn rename(engine: &Engine, name: &str, new_name: &str) -> Result<()> {
    if !valid_name(new_name) {
        return Err(Error::Invalid(format!("container name {new_name:?} is invalid: names must match [a-zA-Z0-9][a-zA-Z0-9_.-]*")));
    }
    let store = ContainerStore::new(&engine.paths);
    let _guard = lock::exclusive(&engine.paths.store_lock())?;
    let mut c = store.lookup(name)?;
    if let Some(other) = store.list()?.into_iter().find(|o| o.config.name == new_name && o.config.id != c.config.id) {
        return Err(Error::Conflict(format!(
            "the container name \"{new_name}\" is already in use by {}: remove that container or pick another name",
            &other.config.id[..12]
        )));
    }
    c.config.name = new_name.to_string();
    c.config.options.name = Some(new_name.to_string());
    crate::json_file::write(&c.dir.join("config.json"), &c.config)
}

/// Removes every container that is not running; returns their ids.
pub fn prune(engine: &Engine) -> Result<Vec<String>> {
    prune_filtered(engine, &[])
}

/// `container prune --filter`: podman's keys, `label=KEY[=VALUE]`,
/// `label!=KEY[=VALUE]` and `until=TIMESTAMP|DURATION` (created before).
#[derive(Debug, Default)]
struct PruneFilters {
    labels: Vec<String>,
    not_labels: Vec<String>,
    until: Option<chrono::DateTime<chrono::Utc>>,
}

impl PruneFilters {
    fn parse(list: &[String]) -> Result<PruneFilters> {
        let mut f = PruneFilters::default();
        for item in list {
            let (k, v) = item
                .split_once('=')
                .ok_or_else(|| Error::Invalid(format!("invalid filter {item:?}: use KEY=VALUE, e.g. label=app=web or until=24h")))?;
            match k {
                "label" => f.labels.push(v.to_string()),
                "label!" => f.not_labels.push(v.to_string()),
                "until" => f.until = Some(until_time(v)?),
                _ => return Err(Error::Invalid(format!("{k} is an invalid filter: use label, label! or until"))),
            }
        }
        Ok(f)
    }

    fn matches(&self, c: &Container) -> bool {
        let has = |want: &str| {
            let (wk, wv) = want.split_once('=').map_or((want, None), |(k, v)| (k, Some(v)));
            c.config.options.labels.iter().any(|l| {
                let (k, v) = l.split_once('=').unwrap_or((l, ""));
                k == wk && wv.is_none_or(|w| w == v)
            })
        };
        let created = chrono::DateTime::parse_from_rfc3339(&c.config.created).ok().map(|t| t.with_timezone(&chrono::Utc));
        self.labels.iter().all(|l| has(l))
            && !self.not_labels.iter().any(|l| has(l))
            && self.until.is_none_or(|u| created.is_some_and(|t| t < u))
    }
}

/// podman's `until=`: a Unix time, an RFC 3339 date, or a Go duration ago
/// (`10m`, `24h`, `1h30m`).
fn until_time(v: &str) -> Result<chrono::DateTime<chrono::Utc>> {
    let bad = || Error::Invalid(format!("invalid until filter {v:?}: use a duration such as 24h or 10m, a Unix time, or an RFC 3339 date"));
    if let Ok(secs) = v.parse::<i64>() {
        return chrono::DateTime::from_timestamp(secs, 0).ok_or_else(bad);
    }
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(v) {
        return Ok(t.with_timezone(&chrono::Utc));
    }
    let mut total = 0f64;
    let mut num = String::new();
    let mut rest = v;
    while !rest.is_empty() {
        let c = rest.chars().next().ok_or_else(bad)?;
        if c.is_ascii_digit() || c == '.' {
            num.push(c);
            rest = &rest[1..];
            continue;
        }
        let (unit, len) = ["ms", "h", "m", "s"].iter().find(|u| rest.starts_with(**u)).map(|u| (*u, u.len())).ok_or_else(bad)?;
        let n: f64 = num.parse().map_err(|_| bad())?;
        total += n * match unit {
            "h" => 3600.0,
            "m" => 60.0,
            "s" => 1.0,
            _ => 0.001,
        };
        num.clear();
        rest = &rest[len..];
    }
    if !num.is_empty() {
        return Err(bad());
    }
    Ok(chrono::Utc::now() - chrono::Duration::milliseconds((total * 1000.0) as i64))
}

/// `prune` of the containers that pass `filters` (`container prune --filter`).
pub fn prune_filtered(engine: &Engine, filters: &[String]) -> Result<Vec<String>> {
    let filters = PruneFilters::parse(filters)?;
    let store = ContainerStore::new(&engine.paths);
    let _guard = lock::exclusive(&engine.paths.store_lock())?;
    let mut removed = Vec::new();
    for c in store.list()? {
        if !c.is_running() && filters.matches(&c) {
            store.delete(&c)?;
            removed.push(c.config.id);
        }
    }
    Ok(removed)
}

/// The v1 freezer hierarchy (root only here; a delegated cgroup v2
/// freezer would be the rootless way, which this machine does not offer).
const FREEZER_V1: &str = "/sys/fs/cgroup/freezer";

fn freezer_unavailable(why: &str) -> Error {
    Error::State(format!(
        "pause needs the cgroup freezer, which is not available {why}: \
         pausing works as root on a system with the cgroup v1 freezer mounted at {FREEZER_V1}"
    ))
}

/// Freezes every process of the container (cgroup v1 freezer).
pub fn pause(engine: &Engine, c: &Container) -> Result<()> {
    c.state.status.check(Transition::Pause, &c.config.id)?;
    if engine.identity.rootless {
        return Err(freezer_unavailable(
            "to rootless containers here (no cgroup v2 freezer is delegated to your user and the v1 freezer is root's)",
        ));
    }
    if !Path::new(FREEZER_V1).join("freezer.state").exists() && !Path::new(FREEZER_V1).join("tasks").exists() {
        return Err(freezer_unavailable(&format!("on this system ({FREEZER_V1} is not mounted)")));
    }
    let dir = PathBuf::from(FREEZER_V1).join("sangja").join(&c.config.id);
    std::fs::create_dir_all(&dir).path_ctx("create the freezer cgroup", &dir)?;
    // Every process in the container's pid namespace, not only the init:
    // its children were forked before the cgroup existed.
    let init = c.state.pid.ok_or_else(|| Error::State("the container has no recorded pid".into()))?;
    let ns =
        std::fs::read_link(format!("/proc/{init}/ns/pid")).path_ctx("read the pid namespace of", Path::new(&format!("/proc/{init}")))?;
    for pid in pids_in_namespace(&ns) {
        let _ = std::fs::write(dir.join("cgroup.procs"), pid.to_string());
    }
    write_freezer(&dir, "FROZEN")?;
    c.clone().mark_paused(dir.display().to_string())?;
    super::events_log::container(engine, c, "pause");
    Ok(())
}

/// Thaws a paused container.
pub fn unpause(engine: &Engine, c: &Container) -> Result<()> {
    c.state.status.check(Transition::Unpause, &c.config.id)?;
    if let Some(dir) = &c.state.freezer {
        write_freezer(Path::new(dir), "THAWED")?;
    }
    c.clone().mark_unpaused()?;
    super::events_log::container(engine, c, "unpause");
    Ok(())
}

fn write_freezer(dir: &Path, state: &str) -> Result<()> {
    let f = dir.join("freezer.state");
    std::fs::write(&f, state).path_ctx("write", &f)?;
    let deadline = Instant::now() + Duration::from_secs(5);
    while std::fs::read_to_string(&f).map(|s| s.trim() != state).unwrap_or(false) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(2));
    }
    Ok(())
}

fn pids_in_namespace(ns: &Path) -> Vec<i32> {
    let Ok(rd) = std::fs::read_dir("/proc") else { return Vec::new() };
    rd.filter_map(|e| e.ok())
        .filter_map(|e| e.file_name().to_str().and_then(|n| n.parse::<i32>().ok()))
        .filter(|pid| std::fs::read_link(format!("/proc/{pid}/ns/pid")).is_ok_and(|l| l == ns))
        .collect()
}

/// How to stop (`stop -t`, `rm -f -t`, `--replace`).
#[derive(Debug, Clone, Copy, Default, serde::Serialize, serde::Deserialize)]
pub struct StopOptions {
    /// Seconds from the stop signal to SIGKILL; default the container's
    /// `--stop-timeout`, else 10.
    pub timeout: Option<u64>,
}

impl StopOptions {
    pub fn timeout_for(&self, c: &Container) -> Duration {
        Duration::from_secs(self.timeout.or(c.config.options.stop_timeout).unwrap_or(10))
    }
}

/// What `stop_container` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum StopOutcome {
    Stopped,
    /// A `--rm` container: its monitor removed it once it exited.
    Removed,
}

/// `stop`: the stop signal, SIGKILL after the timeout.
pub fn stop_container(engine: &Engine, c: &Container, opts: &StopOptions) -> Result<StopOutcome> {
    match stop(engine, c, opts.timeout_for(c)) {
        Ok(_) => {
            super::events_log::container(engine, c, "stop");
            Ok(StopOutcome::Stopped)
        }
        Err(Error::ContainerNotFound(_)) => Ok(StopOutcome::Removed),
        Err(e) => Err(e),
    }
}

/// `restart`: stops the container (if running, SIGKILL after `timeout`)
/// and starts it again in the background.
pub fn restart(engine: &Engine, c: &Container, timeout: Duration) -> Result<()> {
    let c = stop(engine, c, timeout)?;
    start_detached(engine, &c)?;
    super::events_log::container(engine, &c, "restart");
    Ok(())
}

/// `kill`: `sig` to the container's init, and the "kill" event.
pub fn kill(engine: &Engine, c: &Container, sig: i32) -> Result<()> {
    signal(engine, c, sig)?;
    let mut r = super::events_log::Record::container(c, "kill");
    r.attributes.insert("signal".into(), sig.to_string());
    super::events_log::write(engine, &r);
    Ok(())
}

/// `wait`: blocks until the container exits; its exit code, `None` when
/// its `--rm` monitor removed it without leaving the code.
pub fn wait(engine: &Engine, c: &Container) -> Result<Option<i32>> {
    let store = ContainerStore::new(&engine.paths);
    match wait_exit(&store, c, None) {
        Ok(done) => Ok(Some(done.unwrap_or_else(|| c.clone()).state.exit_code.unwrap_or(0))),
        // Removed by its monitor (`run -d --rm`) while we waited.
        Err(Error::ContainerNotFound(_)) => Ok(removed_exit_code(engine, &c.config.id)),
        Err(e) => Err(e),
    }
}

/// `wait --condition`: the states to wait for, as `containers::status_name`
/// names them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WaitCondition(Vec<&'static str>);

impl WaitCondition {
    /// podman's condition names; `None` when they all mean the exit (the
    /// default: wait prints the exit code then).
    pub fn parse(list: &[String]) -> Result<Option<WaitCondition>> {
        let mut states = Vec::new();
        for c in list.iter().flat_map(|c| c.split(',')) {
            states.push(match c {
                "stopped" | "exited" => "exited",
                "created" | "configured" => "created",
                "running" => "running",
                "paused" => "paused",
                "stopping" => "stopping",
                "healthy" | "unhealthy" | "initialized" | "removing" => {
                    return Err(Error::Invalid(format!(
                        "wait --condition {c} is not supported: use running, paused, stopping, created or stopped"
                    )))
                }
                _ => {
                    return Err(Error::Invalid(format!(
                        "{c:?} is not a valid container state: use running, paused, stopping, created or stopped"
                    )))
                }
            });
        }
        Ok(if states.iter().all(|s| *s == "exited") { None } else { Some(WaitCondition(states)) })
    }
}

/// Blocks until the container is in one of the states of `cond`.
pub fn wait_for(engine: &Engine, c: &Container, cond: &WaitCondition) -> Result<()> {
    let store = ContainerStore::new(&engine.paths);
    loop {
        let cur = store.reload(c)?;
        if cond.0.contains(&super::containers::status_name(&cur)) {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// After `run -d`: systemd learns the monitor's pid (it outlives the CLI
/// and records the exit) and, with `--sdnotify=conmon`, that the container runs.
pub fn notify_detached(engine: &Engine, c: &Container) {
    if sangja_systemd::notify::socket_from_env().is_none() {
        return;
    }
    let Ok(cur) = ContainerStore::new(&engine.paths).reload(c) else { return };
    let pid = cur.state.monitor_pid.or(cur.state.pid).unwrap_or(std::process::id() as i32);
    if let Err(e) = sangja_systemd::notify::container_started(cur.config.options.sdnotify, pid) {
        engine.emit(super::events::Event::warning(super::events::WarningKind::SdNotify, e.to_string()));
    }
}
