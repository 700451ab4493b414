//! Health checks (`healthcheck run`, run's `--health-*`): the check's command
//! is exec'd in the running container (as `exec` does), bounded by its
//! timeout; the result goes to the container's healthcheck.json (podman's
//! State.Health: Status, FailingStreak, the last 5 results in Log), shown by
//! inspect and ps, and a "health_status" event.
//!
//! Status, as podman: "starting" until the first success (failures inside
//! the start period do not count), "healthy" after a success, "unhealthy"
//! after `retries` failures in a row; `--health-on-failure` then kills,
//! stops or restarts the container.
//!
//! Periodic checks: podman runs `podman healthcheck run` from a systemd
//! timer. sangja has no daemon and does not need systemd: the container's
//! monitor is the one process that lives as long as the container, so it
//! runs `sangja healthcheck run ID` every interval (see `periodic_command`
//! and crates/monitor). A check is a fork and exec of sangja, only while
//! the container runs; the monitor itself stays small.

use crate::error::{Error, IoContext, Result};
use crate::Engine;
use sangja_container::record::{Container, ContainerStore, Status};
pub use sangja_container::verbs::{parse_duration_ms, HealthConfig, OnFailure, SecretRequest};
use serde::{Deserialize, Serialize};
use std::os::fd::AsFd;
use std::time::{Duration, Instant};

/// Results kept in the log (podman's).
const KEEP: usize = 5;
/// Output kept of one check (podman keeps 4 KiB... of the start).
const MAX_OUTPUT: usize = 4096;

/// One check's result (podman's field names).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct HealthLog {
    pub start: String,
    pub end: String,
    pub exit_code: i32,
    pub output: String,
}

/// The container's health (inspect's State.Health).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[serde(rename_all = "PascalCase")]
pub struct Health {
    pub status: String,
    pub failing_streak: u32,
    pub log: Vec<HealthLog>,
}

/// The container's check: its `--health-*`, unless `--no-healthcheck`.
pub fn config(c: &Container) -> Option<&HealthConfig> {
    let o = &c.config.options;
    o.health.as_ref().filter(|h| !o.no_healthcheck && h.command().is_some())
}

fn file(c: &Container) -> std::path::PathBuf {
    c.dir.join("healthcheck.json")
}

/// The image's HEALTHCHECK (docker's config Healthcheck: Test, and Interval,
/// Timeout, StartPeriod in nanoseconds, Retries), with docker's defaults for
/// what it leaves out: what a container runs when no `--health-cmd` is given.
pub(crate) fn from_image(engine: &Engine, image_id: &str) -> Option<HealthConfig> {
    let h = crate::images::docker_config(engine, image_id).get("Healthcheck")?.clone();
    let test: Vec<String> = serde_json::from_value(h.get("Test")?.clone()).ok()?;
    let ms = |k: &str, default: u64| match h.get(k).and_then(|v| v.as_u64()) {
        Some(ns) if ns > 0 => ns / 1_000_000,
        _ => default,
    };
    let retries = h.get("Retries").and_then(|v| v.as_u64()).filter(|n| *n > 0).unwrap_or(3);
    let config = HealthConfig {
        test,
        interval_ms: ms("Interval", 30_000),
        timeout_ms: ms("Timeout", 30_000),
        retries: u32::try_from(retries).unwrap_or(u32::MAX),
        start_period_ms: ms("StartPeriod", 0),
        on_failure: OnFailure::default(),
    };
    config.command().is_some().then_some(config)
}

/// The recorded health; "starting" before the first check of a container that has one.
pub fn health(c: &Container) -> Option<Health> {
    config(c)?;
    let recorded: Option<Health> = crate::json_file::read_opt(&file(c)).ok().flatten();
    Some(recorded.unwrap_or_else(|| Health { status: "starting".into(), ..Default::default() }))
}

/// What ps shows after "Up ...": healthy, unhealthy, starting (running containers only).
pub fn status(c: &Container) -> Option<String> {
    if c.state.status != Status::Running {
        return None;
    }
    health(c).map(|h| h.status)
}

/// Sets the health back to "starting" (a start of the container).
pub fn reset(c: &Container) {
    if config(c).is_some() {
        let _ = std::fs::remove_file(file(c));
    }
}

/// `healthcheck run CTR`: runs the check once; returns the new status.
/// Call while single-threaded and outside sangja's user namespace (as exec).
pub fn run(engine: &Engine, name: &str) -> Result<String> {
    let store = ContainerStore::new(&engine.paths);
    let c = store.lookup(name)?;
    let cfg = config(&c).cloned().ok_or_else(|| Error::Invalid(format!("container {} has no defined healthcheck", c.config.name)))?;
    if c.state.status != Status::Running {
        return Err(Error::State(format!("container {} is not running: container state improper", c.config.name)));
    }
    let command = cfg.command().unwrap_or_default();
    let start = chrono::Utc::now();
    let (code, output) = exec_bounded(engine, &c, &command, Duration::from_millis(cfg.timeout_ms.max(1)))?;
    let end = chrono::Utc::now();
    let fmt = |t: chrono::DateTime<chrono::Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::Nanos, true);
    let _lock = crate::lock::exclusive(&c.dir.join("healthcheck.lock"))?;
    let mut h = health(&c).unwrap_or_default();
    let in_start_period = c
        .state
        .started_at
        .as_deref()
        .and_then(|s| chrono::DateTime::parse_from_rfc3339(s).ok())
        .is_some_and(|t| (start - t.with_timezone(&chrono::Utc)).num_milliseconds() < cfg.start_period_ms as i64);
    if code == 0 {
        h.status = "healthy".into();
        h.failing_streak = 0;
    } else if !(in_start_period && h.status == "starting") {
        h.failing_streak += 1;
        if h.failing_streak >= cfg.retries.max(1) {
            h.status = "unhealthy".into();
        }
    }
    h.log.push(HealthLog { start: fmt(start), end: fmt(end), exit_code: code, output });
    if h.log.len() > KEEP {
        h.log.drain(..h.log.len() - KEEP);
    }
    crate::json_file::write(&file(&c), &h)?;
    drop(_lock);
    let mut ev = super::events_log::Record::container(&c, "health_status");
    ev.health_status = h.status.clone();
    super::events_log::write(engine, &ev);
    if h.status == "unhealthy" {
        match cfg.on_failure {
            OnFailure::None => {}
            OnFailure::Kill => super::lifecycle::kill(engine, &c, libc::SIGKILL)?,
            OnFailure::Stop => {
                super::lifecycle::stop_container(engine, &c, &Default::default())?;
            }
            OnFailure::Restart => {
                super::lifecycle::restart(engine, &c, c.config.options.stop_timeout.map_or(Duration::from_secs(10), Duration::from_secs))?
            }
        }
    }
    Ok(h.status)
}

/// Execs `command` in `c` from a forked child (exec enters the container's
/// namespaces for good), its output into a memfd; SIGKILLs it at `timeout`.
fn exec_bounded(engine: &Engine, c: &Container, command: &[String], timeout: Duration) -> Result<(i32, String)> {
    use nix::sys::wait::{waitpid, WaitPidFlag, WaitStatus};
    use nix::unistd::{fork, ForkResult};
    let out = nix::sys::memfd::memfd_create(c"sangja-healthcheck", nix::sys::memfd::MFdFlags::MFD_CLOEXEC)
        .map_err(|e| Error::Runtime(format!("memfd for the health check's output: {}", e.desc())))?;
    let null = std::fs::File::open("/dev/null").path_ctx("open", std::path::Path::new("/dev/null"))?;
    let req = super::exec::ExecRequest {
        container: c.config.id.clone(),
        command: command.to_vec(),
        env: Vec::new(),
        env_files: Vec::new(),
        user: None,
        workdir: None,
        privileged: false,
        io: Default::default(),
    };
    // SAFETY: the caller is single-threaded (the CLI's `healthcheck run`);
    // the child runs the exec and exits without returning.
    match unsafe { fork() } {
        Ok(ForkResult::Child) => {
            let io = sangja_runtime::Stdio { stdin: null.as_fd(), stdout: out.as_fd(), stderr: out.as_fd() };
            let code = match super::exec::exec(engine, &req, &io) {
                Ok(code) => code,
                Err(e) => {
                    let _ = nix::unistd::write(&out, e.to_string().as_bytes());
                    e.exit_code()
                }
            };
            // SAFETY: leave the forked child without running the parent's atexit handlers.
            unsafe { libc::_exit(code) }
        }
        Ok(ForkResult::Parent { child }) => {
            let deadline = Instant::now() + timeout;
            let code = loop {
                match waitpid(child, Some(WaitPidFlag::WNOHANG)) {
                    Ok(WaitStatus::Exited(_, code)) => break code,
                    Ok(WaitStatus::Signaled(_, sig, _)) => break 128 + sig as i32,
                    Ok(_) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(10)),
                    Ok(_) => {
                        let _ = nix::sys::signal::kill(child, nix::sys::signal::Signal::SIGKILL);
                        let _ = waitpid(child, None);
                        let _ = nix::unistd::write(&out, format!("health check timed out after {timeout:?}").as_bytes());
                        break 1;
                    }
                    Err(nix::errno::Errno::EINTR) => continue,
                    Err(e) => return Err(Error::Runtime(format!("wait for the health check: {}", e.desc()))),
                }
            };
            let mut buf = vec![0u8; MAX_OUTPUT];
            let n = std::os::unix::fs::FileExt::read_at(&std::fs::File::from(out), &mut buf, 0).unwrap_or(0);
            buf.truncate(n);
            Ok((code, String::from_utf8_lossy(&buf).trim_end().to_string()))
        }
        Err(e) => Err(Error::Runtime(format!("fork for the health check: {}", e.desc()))),
    }
}

/// The command line a monitor runs every interval for a container's
/// check, or None when it has no periodic check.
pub fn periodic_command(engine: &Engine, c: &Container) -> Option<(Duration, Vec<String>)> {
    let cfg = config(c)?;
    if cfg.interval_ms == 0 {
        return None;
    }
    let exe = sangja_runtime::selfexe::host_path().ok()?;
    let args = vec![
        exe.display().to_string(),
        "--root".into(),
        engine.paths.root.display().to_string(),
        "--runroot".into(),
        engine.paths.runroot.display().to_string(),
        "healthcheck".into(),
        "run".into(),
        c.config.id.clone(),
    ];
    Some((Duration::from_millis(cfg.interval_ms), args))
}
