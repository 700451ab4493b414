//! The monitor's side of `--restart` and of systemd: restarting a detached
//! container while its policy says so, with a growing delay; a SIGTERM to
//! the monitor (systemd stopping the unit whose main pid it is) stops the
//! container and ends the policy; the monitor's pid in `monitor.pid` for a
//! unit's PIDFile=.

use super::Engine;
use sangja_container::policy::restart_delay;
use sangja_container::record::{Container, ContainerStore, StartedBy};
use sangja_runtime as runtime;
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
use std::time::{Duration, Instant};

/// The running container's init, for the SIGTERM handler.
static TARGET: AtomicI32 = AtomicI32::new(0);
/// Set once the monitor got SIGTERM: no more restarts.
static TERMINATED: AtomicBool = AtomicBool::new(false);

extern "C" fn on_term(_sig: libc::c_int) {
    TERMINATED.store(true, Ordering::SeqCst);
    let pid = TARGET.load(Ordering::SeqCst);
    if pid > 0 {
        // SAFETY: kill is async-signal-safe.
        unsafe { libc::kill(pid, libc::SIGTERM) };
    }
}

/// Called by the monitor each time the container's init runs.
pub fn on_started(c: &Container, pid: i32) {
    TARGET.store(pid, Ordering::SeqCst);
    arm();
    let _ = std::fs::write(c.dir.join("monitor.pid"), format!("{}\n", std::process::id()));
}

/// Called by the worker the small monitor hands back to (monitor.rs): the
/// small one got SIGTERM when `terminated`; from here on this process takes
/// SIGTERM as the end of the policy again.
pub fn resumed(terminated: bool) {
    if terminated {
        TERMINATED.store(true, Ordering::SeqCst);
    }
    TARGET.store(0, Ordering::SeqCst);
    arm();
    // The small monitor blocks SIGTERM across its exec of us: one that
    // came meanwhile is pending and reaches the handler now.
    let _ = nix::sys::signal::SigSet::from(nix::sys::signal::Signal::SIGTERM).thread_unblock();
}

/// Installs the SIGTERM handler.
fn arm() {
    let action = nix::sys::signal::SigAction::new(
        nix::sys::signal::SigHandler::Handler(on_term),
        nix::sys::signal::SaFlags::SA_RESTART,
        nix::sys::signal::SigSet::empty(),
    );
    // SAFETY: the handler only touches atomics and calls kill.
    let _ = unsafe { nix::sys::signal::sigaction(nix::sys::signal::Signal::SIGTERM, &action) };
}

/// How long the last run lasted, from the recorded start.
fn ran_for(c: &Container) -> Duration {
    c.state
        .started_at
        .as_deref()
        .and_then(|s| chrono::DateTime::parse_from_rfc3339(s).ok())
        .and_then(|t| (chrono::Utc::now() - t.with_timezone(&chrono::Utc)).to_std().ok())
        .unwrap_or_default()
}

/// Sleeps `delay` in slices; false when the container was stopped or
/// removed meanwhile (then there is nothing to restart).
fn backoff(store: &ContainerStore, c: &Container, delay: Duration) -> bool {
    let end = Instant::now() + delay;
    loop {
        match store.reload(c) {
            Ok(cur) if !cur.state.stopped_by_user && !TERMINATED.load(Ordering::SeqCst) => {}
            _ => return false,
        }
        let now = Instant::now();
        if now >= end {
            return true;
        }
        std::thread::sleep((end - now).min(Duration::from_millis(50)));
    }
}

/// After the container exited with `code` (state saved as exited): starts
/// it again while its policy wants, each run logged and recorded as the
/// first; returns the last exit code. `run_once` spawns, serves and reaps
/// one run and returns its code, or None when it could not start; it gets
/// the delay it was started after, which a monitor that execs away (to the
/// small monitor) hands back as `delay`, so the back-off keeps growing.
pub fn supervise(
    engine: &Engine,
    c: &mut Container,
    mut code: i32,
    mut delay: Option<Duration>,
    mut run_once: impl FnMut(&mut Container, Duration) -> Option<i32>,
) -> i32 {
    let store = ContainerStore::new(&engine.paths);
    let policy = c.config.options.restart;
    loop {
        let Ok(cur) = store.reload(c) else { return code };
        *c = cur;
        let stopped = c.state.stopped_by_user || TERMINATED.load(Ordering::SeqCst);
        if !policy.should_restart(code, c.state.restart_count, stopped) {
            return code;
        }
        let d = restart_delay(delay, ran_for(c));
        delay = Some(d);
        // Alive while waiting: `stop` and `rm` find this monitor to tell.
        let _ = c.mark_monitor(Some(std::process::id() as i32));
        if !backoff(&store, c, d) {
            if let Ok(mut cur) = store.reload(c) {
                let _ = cur.mark_monitor(None);
                *c = cur;
            }
            return code;
        }
        let Ok(cur) = store.reload(c) else { return code };
        *c = cur;
        // run_once counts the restart (record_running: mark_running by the policy).
        let result = run_once(c, d);
        if let Ok(mut cur) = store.reload(c) {
            let _ = cur.mark_monitor(None);
            *c = cur;
        }
        match result {
            Some(next) => code = next,
            None => return code,
        }
    }
}

/// The monitor's own exit code, which systemd judges a unit by when the
/// monitor is its main process: the container's, except after a stop by
/// the user (`stop`, `rm -f`, SIGTERM to the monitor), which is success.
pub fn monitor_exit_code(c: &Container, code: i32) -> i32 {
    if c.state.stopped_by_user || TERMINATED.load(Ordering::SeqCst) {
        0
    } else {
        code
    }
}

/// Records a restart's start (counted, as the policy's).
pub fn record_running(c: &mut Container, pid: i32) -> crate::error::Result<()> {
    on_started(c, pid);
    c.mark_running(pid, Some(std::process::id() as i32), StartedBy::Policy)
}

/// Records a run's end, re-reading first (pause, rename, stop may have written).
pub fn record_exited(store: &ContainerStore, c: &mut Container, code: i32) {
    if let Ok(cur) = store.reload(c) {
        // Keep the count we are at: the reloaded record has it already.
        *c = cur;
    }
    let _ = c.mark_exited(code);
    if let Ok(spec) = crate::json_file::read::<oci_spec::runtime::Spec>(&c.dir.join("spec.json")) {
        runtime::cgroups::remove(&spec);
    }
}
