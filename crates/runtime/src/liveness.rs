//! Whether a process recorded earlier is still the same process: its start
//! time (field 22 of /proc/PID/stat) as recorded next to its pid.

use std::fs;

/// Start time of a process in clock ticks since boot, `None` if it is gone.
pub fn process_start_time(pid: i32) -> Option<u64> {
    let stat = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name may hold spaces and parentheses: fields start after the last ')'.
    let rest = &stat[stat.rfind(')')? + 1..];
    rest.split_whitespace().nth(19)?.parse().ok()
}
