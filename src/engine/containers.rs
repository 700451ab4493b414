//! Container use cases: list (with state reconciled), remove.

use super::Engine;
use crate::container::record::{process_start_time, Container, ContainerStore};
use crate::error::{Error, Result};
use crate::lock;
use nix::sys::signal::{kill, Signal};
use nix::unistd::Pid;
use std::time::{Duration, Instant};

/// All containers (`all`) or only the running ones, newest first.
pub fn list(engine: &Engine, all: bool) -> Result<Vec<Container>> {
    let mut v = ContainerStore::new(&engine.paths).list()?;
    if !all {
        v.retain(|c| c.is_running());
    }
    Ok(v)
}

/// Removes a container; a running one only with `force` (killed first).
/// Returns its full id.
pub fn remove(engine: &Engine, name: &str, force: bool) -> Result<String> {
    let store = ContainerStore::new(&engine.paths);
    let c = store.lookup(name)?;
    if c.is_running() {
        if !force {
            return Err(Error::State(format!(
                "cannot remove container {} as it is running: stop it first or use rm -f",
                &c.config.id
            )));
        }
        if let (Some(pid), start) = (c.state.pid, c.state.pid_start) {
            kill_and_wait(pid, start)?;
        }
    }
    let _guard = lock::exclusive(&engine.paths.store_lock())?;
    // Re-read under the lock: another sangja may have removed it meanwhile.
    let c = store.lookup(&c.config.id)?;
    store.delete(&c)?;
    Ok(c.config.id)
}

/// SIGKILLs the container's init (which ends its pid namespace) and waits for it to go.
fn kill_and_wait(pid: i32, start: Option<u64>) -> Result<()> {
    let same = || start.is_none_or(|s| process_start_time(pid) == Some(s)) && process_start_time(pid).is_some();
    if !same() {
        return Ok(());
    }
    let _ = kill(Pid::from_raw(pid), Signal::SIGKILL);
    let deadline = Instant::now() + Duration::from_secs(10);
    while same() {
        // Reap it if it is our child (a zombie still has a start time).
        let _ = nix::sys::wait::waitpid(Pid::from_raw(pid), Some(nix::sys::wait::WaitPidFlag::WNOHANG));
        if let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) {
            if stat.rsplit(')').next().is_some_and(|r| r.trim_start().starts_with('Z')) {
                return Ok(());
            }
        }
        if Instant::now() > deadline {
            return Err(Error::State(format!("container process {pid} did not exit after SIGKILL within 10 s")));
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    Ok(())
}
