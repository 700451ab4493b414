//! Crash points: named instants inside multi-step store operations where a
//! test can kill the process, to check that every prefix of the operation
//! leaves a store the next command reads, finishes or undoes (DESIGN.md,
//! "Durable state"; issue 16).
//!
//! `crash_point(name)` raises SIGKILL on this process when the environment
//! variable `SANGJA_CRASH_AT` equals `name` (read once; a no-op otherwise).
//! SIGKILL, not exit: no destructor, no flush, no unlock but the kernel's, as
//! a kill -9 or a power cut would leave it. A detached container's monitor
//! and its worker inherit the variable from the command that started them.
//!
//! The points, in the order each operation passes them (the step order
//! itself is documented at the top of each function):
//!
//! | point | where | what is on disk when it fires |
//! |---|---|---|
//! | `create-marker` | engine run.rs `create` | containers/ID/creating.json (write-ahead record) only |
//! | `create-volumes` | engine run.rs `create` | + its anonymous volumes |
//! | `create-folders` | engine run.rs `create` | + upper/work/rootfs/userdata and state.json |
//! | `create-spec` | engine run.rs `create` | + spec.json (and the vfs copy) |
//! | `create-config` | engine run.rs `create` | + config.json: the container exists; creating.json still there |
//! | `start-spawned` | engine monitor.rs `start` | detached: container spawned by the monitor, pid not yet saved |
//! | `run-spawned` | engine run.rs `start_foreground` | foreground: container spawned, pid not yet saved |
//! | `start-recorded` | engine monitor.rs `start` | detached: pid saved, `run -d` not yet told |
//! | `exit-recorded` | engine monitor.rs `after_exit` | the monitor recorded the exit, before `--rm`/restart |
//! | `rm-killed` | engine containers.rs `remove_one` | the container's processes are gone, record still in place |
//! | `rm-moved` | container record.rs `delete` | containers/ID renamed to tmp/rm-ctr-ID, not yet deleted |
//! | `rm-deleted` | engine containers.rs `remove_one` | folder gone, network leftovers and volumes not yet |
//! | `rmi-marked` | image store.rs `remove` | images/ID.json renamed to images/.rm-ID.json |
//! | `rmi-layers` | image store.rs `remove` | + the unused layers removed, blobs and the marker not yet |
//! | `layer-extracted` | storage layers.rs `add_from_blob` | tmp/layer-* whole and verified, not yet published |
//! | `layer-published` | storage layers.rs `add_from_blob` | layers/HEX published, no image record lists it yet |
//! | `pull-recorded` | image store.rs `save_pulled` | the image record written, replaced layers not yet collected |
//! | `commit-layer` | engine commit.rs | the new layer published, no image record yet |

use std::sync::OnceLock;

/// The environment variable naming the point to die at.
pub const ENV: &str = "SANGJA_CRASH_AT";

static TARGET: OnceLock<Option<String>> = OnceLock::new();

/// Dies with SIGKILL here if `SANGJA_CRASH_AT` names this point.
#[inline]
pub fn crash_point(name: &str) {
    let target = TARGET.get_or_init(|| std::env::var(ENV).ok().filter(|v| !v.is_empty()));
    if target.as_deref() == Some(name) {
        // SAFETY: kill of our own pid with a constant signal.
        unsafe {
            libc::kill(libc::getpid(), libc::SIGKILL);
        }
        // SIGKILL to ourselves is delivered before kill returns; never reached.
        std::process::abort();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unset_or_other_points_do_nothing() {
        // The test binary runs without SANGJA_CRASH_AT (or with another point).
        crash_point("no-such-point-in-tests");
    }

    #[test]
    fn a_named_point_kills_the_process() {
        // In a forked child (the test harness must live): it dies of SIGKILL.
        let exe = std::env::current_exe().expect("exe");
        let out = std::process::Command::new(exe)
            .args(["--exact", "crash::tests::child_hits_point", "--nocapture", "--include-ignored"])
            .env(ENV, "unit-test-point")
            .output()
            .expect("run child");
        use std::os::unix::process::ExitStatusExt;
        assert_eq!(out.status.signal(), Some(libc::SIGKILL), "{out:?}");
    }

    #[test]
    #[ignore = "run by a_named_point_kills_the_process in a child"]
    fn child_hits_point() {
        crash_point("unit-test-point");
    }
}
