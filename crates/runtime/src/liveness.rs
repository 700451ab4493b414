//! Whether a process recorded earlier still runs: the one place that decides
//! it, for every command (ps, inspect, stop, kill, start, exec, rm, the
//! monitor's restarts). A process runs when /proc/PID/stat exists, names the
//! start time recorded next to the pid (field 22: a pid reused by another
//! process has another), and its state is not Z (zombie) or X (dead). A
//! zombie has exited and only waits for its parent to reap it, which can
//! take long: a container whose monitor was killed is reparented to pid 1,
//! and some pid 1s reap slowly. Counting it as running made `inspect` say
//! running for ever and `stop` wait out its timeout (issue 16).

use std::fs;

/// Start time of a running process in clock ticks since boot; `None` when
/// it is gone, a zombie or dead.
pub fn process_start_time(pid: i32) -> Option<u64> {
    let stat = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    start_time_of_running(&stat)
}

/// The start time in a /proc/PID/stat line, unless its state says the
/// process has ended.
fn start_time_of_running(stat: &str) -> Option<u64> {
    // The command name may hold spaces and parentheses: fields start after the last ')'.
    let mut fields = stat[stat.rfind(')')? + 1..].split_whitespace();
    // Field 3, the state; field 22, the start time (the 20th after the state).
    let state = fields.next()?;
    if matches!(state, "Z" | "X" | "x") {
        return None;
    }
    fields.nth(18)?.parse().ok()
}

/// Whether `pid` runs and, when `start` is known, is the process that
/// started then (not another one that reused the pid).
pub fn alive(pid: i32, start: Option<u64>) -> bool {
    match (process_start_time(pid), start) {
        (Some(now), Some(then)) => now == then,
        (Some(_), None) => true,
        (None, _) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stat_states() {
        let line = |state: &str| format!("42 (a (b) c) {state} 1 42 42 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 777 1000 10 0");
        assert_eq!(start_time_of_running(&line("S")), Some(777));
        assert_eq!(start_time_of_running(&line("R")), Some(777));
        assert_eq!(start_time_of_running(&line("Z")), None);
        assert_eq!(start_time_of_running(&line("X")), None);
        assert_eq!(start_time_of_running("garbage"), None);
    }

    /// A child that exited and is not reaped yet is a zombie: not running.
    #[test]
    fn a_zombie_is_not_alive() {
        let mut child = std::process::Command::new("/bin/sh").args(["-c", "exec sleep 30"]).spawn().expect("spawn sleep");
        let pid = child.id() as i32;
        let start = process_start_time(pid);
        assert!(start.is_some() && alive(pid, start), "a running child is alive");
        assert!(!alive(pid, start.map(|s| s + 1)), "another start time is another process");
        // SAFETY: kill with plain integers, on our own child.
        unsafe { libc::kill(pid, libc::SIGKILL) };
        // Not reaped: wait for the kernel to make it a zombie.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
        while fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|s| !s.contains(") Z ")) && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        assert!(fs::read_to_string(format!("/proc/{pid}/stat")).unwrap().contains(") Z "), "the child is a zombie");
        assert!(!alive(pid, start), "a zombie has exited");
        assert_eq!(process_start_time(pid), None);
        let _ = child.wait();
    }
}
