//! issue 19 (behave): podman's behaviour and messages that scripts match
//! on, what a container sees inside, and the selection flags of the
//! non-run commands (--filter, --cidfile, wait --condition, prune --filter,
//! commit --iidfile).

use crate::json::JsonExt;
use crate::util::*;
use std::time::{Duration, Instant};

fn inspect(s: &Sangja, what: &str, name: &str) -> String {
    s.ok(&["inspect", "--format", what, name]).stdout.trim().to_string()
}

both! {
    /// stop of a container that ignores SIGTERM: the status reads
    /// `stopping` while stop waits, then podman's SIGKILL warning.
    fn stop_warns_and_shows_stopping(s) {
        s.pull(BUSYBOX);
        s.ok(&["run", "-d", "--name", "bh-stub", BUSYBOX, "sh", "-c", "trap '' TERM; while :; do sleep 0.1; done"]);
        let stop = s.spawn(&["stop", "-t", "3", "bh-stub"]);
        let deadline = Instant::now() + Duration::from_secs(3);
        let mut seen = String::new();
        while Instant::now() < deadline {
            seen = inspect(s, "{{.State.Status}}", "bh-stub");
            if seen == "stopping" {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        assert_eq!(seen, "stopping", "inspect while stop waits");
        let ps = s.ok(&["ps", "-a", "--filter", "name=bh-stub", "--format", "{{.State}} {{.Status}}"]);
        assert!(ps.stdout.starts_with("stopping Stopping") || ps.stdout.starts_with("exited"), "{ps:?}");
        let out = stop.finish().ok();
        assert_eq!(out.stdout, "bh-stub\n", "{out:?}");
        assert!(
            out.stderr.contains("StopSignal SIGTERM failed to stop container bh-stub in 3 seconds, resorting to SIGKILL"),
            "{out:?}"
        );
        assert_eq!(inspect(s, "{{.State.Status}}", "bh-stub"), "exited");
        // A container that obeys: no warning.
        s.ok(&["run", "-d", "--name", "bh-polite", BUSYBOX, "sh", "-c", "trap 'exit 0' TERM; while :; do sleep 0.1; done"]);
        let out = s.ok(&["stop", "-t", "5", "bh-polite"]);
        assert!(!out.stderr.contains("resorting to SIGKILL"), "{out:?}");
        // -t 0 asks for SIGKILL: no warning, as podman.
        s.ok(&["start", "bh-stub"]);
        let out = s.ok(&["stop", "-t", "0", "bh-stub"]);
        assert!(!out.stderr.contains("resorting to SIGKILL"), "{out:?}");
        assert_eq!(inspect(s, "{{.State.ExitCode}}", "bh-stub"), "137");
    }
}

both! {
    /// podman's codes and words: start of a command that cannot run is
    /// 125 (run keeps 127), rm of a running container is 2.
    fn start_and_rm_messages(s) {
        s.pull(BUSYBOX);
        s.ok(&["create", "--name", "bh-bad", BUSYBOX, "/nonexistent"]);
        s.run(&["start", "bh-bad"]).code(125).stderr_has("unable to start container");
        s.run(&["run", "--rm", BUSYBOX, "/nonexistent"]).code(127);
        s.ok(&["run", "-d", "--name", "bh-up", BUSYBOX, "sleep", "100"]);
        let id = s.container_id("bh-up");
        s.run(&["rm", "bh-up"]).code(2).stderr_has(&format!(
            "cannot remove container {id} as it is running - running or paused containers cannot be removed without force: container state improper"
        ));
        s.ok(&["rm", "-f", "-t", "0", "bh-up"]).stdout_is("bh-up\n");
    }
}

both! {
    /// /run/.containerenv as podman writes it (empty unless --privileged);
    /// TERM=xterm without -t too.
    fn containerenv_and_term(s) {
        let image_id = s.pull(BUSYBOX);
        s.run_rm(BUSYBOX, &["sh", "-c", "test -f /run/.containerenv && test ! -s /run/.containerenv && echo empty"]).ok().stdout_is("empty\n");
        let out = s.ok(&["run", "--rm", "--privileged", "--name", "bh-env", BUSYBOX, "cat", "/run/.containerenv"]);
        let lines = out.lines();
        assert!(lines[0].starts_with("engine=\"sangja-"), "{out:?}");
        assert_eq!(lines[1], "name=\"bh-env\"", "{out:?}");
        assert!(lines[2].starts_with("id=\"") && lines[2].len() == 4 + 64 + 1, "{out:?}");
        assert_eq!(lines[3], format!("image=\"{BUSYBOX}\""), "{out:?}");
        assert_eq!(lines[4], format!("imageid=\"{}\"", image_id.trim_start_matches("sha256:")), "{out:?}");
        assert_eq!(lines[5], format!("rootless={}", u8::from(s.is_rootless())), "{out:?}");
        let env = s.run_rm(BUSYBOX, &["env"]).ok();
        assert!(env.stdout.lines().any(|l| l == "TERM=xterm"), "{env:?}");
        assert!(env.stdout.lines().any(|l| l == "container=sangja"), "{env:?}");
    }
}

both! {
    /// --filter on start, stop, restart and rm; --cidfile on kill and
    /// restart; wait --condition; container prune --filter.
    fn filters_and_cidfiles(s) {
        s.pull(BUSYBOX);
        let a = s.ok(&["create", "--name", "bh-a", "--label", "bh=1", BUSYBOX, "sleep", "100"]).stdout.trim().to_string();
        let b = s.ok(&["create", "--name", "bh-b", "--label", "bh=1", BUSYBOX, "sleep", "100"]).stdout.trim().to_string();
        s.ok(&["create", "--name", "bh-c", BUSYBOX, "sleep", "100"]);
        // wait --condition running returns (printing -1) once it runs.
        let waiter = s.spawn(&["wait", "--condition", "running", "bh-a"]);
        let mut started = s.ok(&["start", "--filter", "label=bh=1"]).lines();
        started.sort();
        let mut want = vec![a.clone(), b.clone()];
        want.sort();
        assert_eq!(started, want);
        waiter.finish().ok().stdout_is("-1\n");
        assert_eq!(inspect(s, "{{.State.Status}}", "bh-c"), "created");
        s.run(&["wait", "--condition", "bogus", "bh-a"]).code(125).stderr_has("not a valid container state");

        // --cidfile on kill and restart.
        let cid = s.dir.join("bh-b.cid");
        std::fs::write(&cid, &b).unwrap();
        let cidarg = cid.to_str().unwrap();
        s.ok(&["restart", "-t", "0", "--cidfile", cidarg]).stdout_is(&format!("{b}\n"));
        assert_eq!(inspect(s, "{{.State.Status}}", "bh-b"), "running");
        s.ok(&["kill", "--cidfile", cidarg]);
        s.ok(&["wait", "bh-b"]).stdout_is("137\n");

        s.ok(&["stop", "-t", "0", "--filter", "name=bh-a"]).stdout_is(&format!("{a}\n"));
        // A filter that matches nothing: nothing to do.
        s.ok(&["stop", "--filter", "label=nosuch"]).stdout_is("");

        // prune --filter: only the labelled ones go.
        let pruned = s.ok(&["container", "prune", "-f", "--filter", "label=bh=1"]).lines();
        assert_eq!(pruned.len(), 2, "{pruned:?}");
        s.ok(&["container", "exists", "bh-c"]);
        s.run(&["container", "exists", "bh-a"]).code(1);
        s.run(&["container", "prune", "-f", "--filter", "bogus=1"]).code(125).stderr_has("invalid filter");
        s.ok(&["container", "prune", "-f", "--filter", "until=1h"]).stdout_is("");

        // rm --filter.
        s.ok(&["rm", "--filter", "name=bh-c"]).lines();
        s.run(&["container", "exists", "bh-c"]).code(1);
    }
}

both! {
    /// commit --iidfile writes the new image's id.
    fn commit_iidfile(s) {
        s.pull(BUSYBOX);
        s.ok(&["run", "--name", "bh-commit", BUSYBOX, "sh", "-c", "echo hi > /f"]);
        let file = s.dir.join("bh-iid");
        let out = s.ok(&["commit", "-q", "--iidfile", file.to_str().unwrap(), "bh-commit", "bh-committed"]);
        let written = std::fs::read_to_string(&file).unwrap();
        assert!(is_hex_id(&written), "{written:?}");
        assert!(out.stdout.contains(&written), "{out:?} vs {written}");
    }
}

both! {
    /// inspect --size adds podman's SizeRw and SizeRootFs to containers.
    fn inspect_size(s) {
        s.pull(BUSYBOX);
        s.ok(&["run", "--name", "bh-size", BUSYBOX, "sh", "-c", "head -c 100000 /dev/zero > /blob"]);
        let plain = s.ok(&["inspect", "bh-size"]).json();
        assert!(plain.path("0.SizeRw").is_null(), "no sizes without --size");
        let out = s.ok(&["inspect", "--size", "bh-size"]);
        let rw = out.json().path("0.SizeRw").as_u64().unwrap_or(0);
        let root = out.json().path("0.SizeRootFs").as_u64().unwrap_or(0);
        assert!(rw >= 100_000, "{out:?}");
        assert!(root > rw, "{out:?}");
    }
}

/// mount --all and --format json (root: rootless mounts live in `unshare`).
#[test]
fn mount_all_json() {
    let Some(s) = Sangja::root("mount_all_json") else { return };
    s.pull(BUSYBOX);
    s.ok(&["create", "--name", "bh-m1", BUSYBOX, "true"]);
    s.ok(&["create", "--name", "bh-m2", BUSYBOX, "true"]);
    let table = s.ok(&["mount", "--all"]);
    assert_eq!(table.lines().len(), 2, "{table:?}");
    let out = s.ok(&["mount", "--format", "json"]);
    let list = out.json();
    let mut names: Vec<String> = (0..2).map(|i| list.path(&format!("{i}.Names.0")).as_str().unwrap_or_default().to_string()).collect();
    names.sort();
    assert_eq!(names, ["bh-m1", "bh-m2"], "{out:?}");
    assert!(list.path("0.mountpoint").as_str().is_some_and(|p| std::path::Path::new(p).join("bin").exists()), "{out:?}");
    s.ok(&["unmount", "--all"]);
    s.run(&["mount", "--format", "table"]).code(125);
}
