//! Issue 16: kill -9 at the instants that used to break the store, through
//! the crash points (`SANGJA_CRASH_AT`, crates/core/src/crash.rs), then the
//! next command must work and nothing may leak; and the races of rm -f with
//! a container's monitor and of rmi with create.

use crate::util::*;
use std::os::unix::process::ExitStatusExt;
use std::process::Stdio;
use std::time::{Duration, Instant};

/// Runs `sangja ARGS` with SANGJA_CRASH_AT=`point`, stdio to /dev/null (a
/// container it spawned may keep them open), and asserts that the point
/// was reached: the command died of SIGKILL.
#[track_caller]
fn crash_at(s: &Sangja, point: &str, args: &[&str]) {
    let mut cmd = s.command(args);
    cmd.env("SANGJA_CRASH_AT", point).stdout(Stdio::null()).stderr(Stdio::null());
    let status = spawn_retry(&mut cmd).wait().expect("wait");
    assert_eq!(status.signal(), Some(libc::SIGKILL), "sangja {args:?} did not die at {point}: {status:?}");
}

/// `run -d` with SANGJA_CRASH_AT=`point`, a point its monitor passes: the
/// monitor dies, and `run -d` fails, saying the monitor did not report.
#[track_caller]
fn crash_monitor_at(s: &Sangja, point: &str, args: &[&str]) {
    let mut cmd = s.command(args);
    cmd.env("SANGJA_CRASH_AT", point).stdout(Stdio::null()).stderr(Stdio::piped());
    let out = spawn_retry(&mut cmd).wait_with_output().expect("wait");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && err.contains("without reporting"), "sangja {args:?} at {point}: {:?} {err}", out.status);
}

/// The image id in a container's config.json.
fn image_of(s: &Sangja, id: &str) -> String {
    let cfg: serde_json::Value = serde_json::from_slice(&std::fs::read(s.container_dir(id).join("config.json")).unwrap()).unwrap();
    cfg["image_id"].as_str().unwrap_or_default().to_string()
}

/// Polls `f` every 20 ms for up to 10 s.
#[track_caller]
fn until(what: &str, f: impl FnMut() -> bool) {
    assert!(wait_for(f), "timed out waiting for {what}");
}

/// Whether `f` holds within 10 s (polled); the caller asserts what it needs.
fn wait_for(mut f: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !f() {
        if Instant::now() >= deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    true
}

/// Live (not zombie) processes whose command line contains every one of `words`.
fn procs_with(words: &[&str]) -> Vec<i32> {
    let mut out = Vec::new();
    for e in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = e.file_name().to_string_lossy().parse::<i32>() else { continue };
        let Ok(cmd) = std::fs::read(format!("/proc/{pid}/cmdline")) else { continue };
        let args: Vec<String> = cmd.split(|b| *b == 0).map(|a| String::from_utf8_lossy(a).into_owned()).collect();
        let zombie = std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .ok()
            .and_then(|st| st.rsplit(')').next().and_then(|r| r.trim_start().chars().next()))
            .is_none_or(|c| c == 'Z' || c == 'X');
        if !zombie && words.iter().all(|w| args.iter().any(|a| a == w)) {
            out.push(pid);
        }
    }
    out
}

/// Processes of this test whose command line names container `id`
/// (monitors: `--log .../containers/ID/ctr.log`).
fn procs_naming(id: &str) -> Vec<i32> {
    let mut out = Vec::new();
    for e in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = e.file_name().to_string_lossy().parse::<i32>() else { continue };
        if std::fs::read(format!("/proc/{pid}/cmdline")).is_ok_and(|c| String::from_utf8_lossy(&c).contains(id)) {
            out.push(pid);
        }
    }
    out
}

fn container_dirs(s: &Sangja) -> Vec<String> {
    entries(&s.root.join("containers"))
}

fn volumes(s: &Sangja) -> Vec<String> {
    s.ok(&["volume", "ls", "-q"]).lines()
}

both! {
    /// The bug: `rm -f` of a detached container raced its monitor, which
    /// wrote state into the folder rm had just removed ("create
    /// .../.tmp-NNNN-state.json: No such file or directory", exit 125).
    /// Sequential run -d + rm -f, then rm -f racing run -d of the same
    /// container: rm -f succeeds, nothing is left (folder, monitor, process).
    fn rm_force_races_the_monitor(s) {
        s.pull(BUSYBOX);
        let marker = if s.is_rootless() { "4711" } else { "5711" };
        for i in 0..15 {
            let name = format!("rr{i}");
            let id = s.ok(&["run", "-d", "--name", &name, BUSYBOX, "sleep", marker]).stdout.trim().to_string();
            let rm = s.run(&["rm", "-f", &name]);
            assert_eq!(rm.code, 0, "rm -f #{i}:{rm:?}");
            assert!(!rm.stderr.contains("Error"), "rm -f #{i}:{rm:?}");
            assert!(!s.container_dir(&id).exists(), "rm -f #{i} left the folder");
            until("the monitor to exit quietly", || procs_naming(&id).is_empty());
        }
        // rm -f while run -d is starting the same container.
        for i in 0..10 {
            let name = format!("race{i}");
            s.ok(&["create", "--name", &name, BUSYBOX, "sleep", marker]);
            let start = s.spawn(&["start", &name]);
            let rm = s.run(&["rm", "-f", &name]);
            let start = start.finish();
            assert_eq!(rm.code, 0, "rm -f #{i} racing start:{rm:?}\n{start:?}");
            assert!(!start.stderr.contains(".tmp-"), "start #{i}:{start:?}");
        }
        assert!(s.container_ids().is_empty());
        assert_eq!(container_dirs(s), Vec::<String>::new());
        until("every container process to go", || procs_with(&["sleep", marker]).is_empty());
        assert!(s.tmp_entries().iter().all(|n| !n.starts_with("rm-ctr")), "{:?}", s.tmp_entries());
    }
}

both! {
    /// create/run killed at each step before config.json: the half-made
    /// container is invisible, `ps` undoes it with its anonymous volume, the
    /// name is free again. Killed after config.json: the container is whole.
    fn create_killed_at_each_step(s) {
        s.pull(BUSYBOX);
        for point in ["create-marker", "create-volumes", "create-folders", "create-spec"] {
            crash_at(s, point, &["create", "--name", "half", "-v", "/data", BUSYBOX, "true"]);
            assert!(s.container_ids().is_empty(), "{point}: a half-made container is listed");
            assert_eq!(container_dirs(s), Vec::<String>::new(), "{point}: ps left the half-made folder");
            assert_eq!(volumes(s), Vec::<String>::new(), "{point}: the anonymous volume leaked");
            // The next create of the same name works, and runs.
            s.ok(&["create", "--name", "half", "-v", "/data", BUSYBOX, "true"]);
            s.ok(&["start", "-a", "half"]);
            s.ok(&["rm", "-v", "half"]);
            assert_eq!(volumes(s), Vec::<String>::new(), "{point}");
        }
        // run (create, then start) killed the same way; the next create sweeps.
        crash_at(s, "create-volumes", &["run", "--name", "halfrun", "-v", "/data", BUSYBOX, "true"]);
        s.ok(&["run", "--rm", "--name", "halfrun", BUSYBOX, "true"]);
        assert_eq!(container_dirs(s), Vec::<String>::new());
        assert_eq!(volumes(s), Vec::<String>::new());
        // After config.json: a whole container that starts and is removed with its volume.
        crash_at(s, "create-config", &["create", "--name", "whole", "-v", "/data", BUSYBOX, "echo", "hi"]);
        assert_eq!(s.ok(&["start", "-a", "whole"]).stdout.trim(), "hi");
        assert_eq!(volumes(s).len(), 1);
        s.ok(&["rm", "-v", "whole"]);
        assert_eq!(volumes(s), Vec::<String>::new());
        assert_eq!(container_dirs(s), Vec::<String>::new());
    }
}

both! {
    /// The monitor killed between spawning the container and saving its
    /// pid: the container runs unrecorded ("created"). `start` must not put
    /// a second instance on the same upper dir, and `rm -f` must not delete
    /// files under a live one: both kill the stray first.
    fn start_killed_before_the_pid_is_saved(s) {
        s.pull(BUSYBOX);
        // Markers of our own: the root and rootless variants run at once.
        let (m1, m2) = if s.is_rootless() { ("4712", "4713") } else { ("5712", "5713") };
        crash_monitor_at(s, "start-spawned", &["run", "-d", "--name", "st", BUSYBOX, "sleep", m1]);
        // The point fires once the container is spawned; under load its
        // command may take a moment to show as `sleep` (still exec'ing).
        let _ = wait_for(|| !procs_with(&["sleep", m1]).is_empty());
        let strays = procs_with(&["sleep", m1]);
        let ps = || String::from_utf8_lossy(&std::process::Command::new("ps").args(["-eo", "pid,ppid,stat,user,args"]).output().unwrap().stdout).into_owned();
        let id = s.container_id("st");
        let st = std::fs::read_to_string(s.container_dir(&id).join("state.json")).unwrap_or_default();
        assert_eq!(strays.len(), 1, "the point fires after the spawn: {strays:?}\n{st}\n{}", ps().lines().filter(|l| l.contains("sleep") || l.contains("sangja")).collect::<Vec<_>>().join("\n"));
        let status = s.ok(&["inspect", "--format", "{{.State.Status}}", "st"]).stdout.trim().to_string();
        assert_eq!(status, "created");
        s.ok(&["start", "st"]);
        // The stray was killed before the new instance started: one left, not the stray.
        until("one instance after start", || procs_with(&["sleep", m1]).len() == 1);
        let now = procs_with(&["sleep", m1]);
        assert!(!now.contains(&strays[0]), "the stray {strays:?} survived the start: {now:?}");
        s.ok(&["rm", "-f", "st"]);
        until("the container to go", || procs_with(&["sleep", m1]).is_empty());

        // Foreground run killed the same way; rm -f kills the stray before deleting.
        crash_at(s, "run-spawned", &["run", "--name", "fg", BUSYBOX, "sleep", m2]);
        // The container runs on; a helper of the killed run (same command
        // line) may still be on its way out (seen in CI under load), and the
        // container's command may not show as `sleep` yet.
        let _ = wait_for(|| !procs_with(&["sleep", m2]).is_empty());
        let strays = procs_with(&["sleep", m2]);
        assert!(!strays.is_empty(), "the point fires after the spawn: {strays:?}");
        let id = s.container_id("fg");
        s.ok(&["rm", "-f", "fg"]);
        until("rm -f to leave no process of the killed run", || procs_with(&["sleep", m2]).is_empty());
        assert!(!s.container_dir(&id).exists());
        assert!(s.container_ids().is_empty());
    }
}

both! {
    /// rmi killed after the record left and before the layers went (the
    /// old order left orphan layers forever): the next pull, rmi or create
    /// finishes it. And the temp leftovers the layer store's sweep was
    /// never called for (tmp/layer-*, tmp/rm-*) and config-less container
    /// folders are swept by the next create.
    fn rmi_killed_is_finished_and_leftovers_swept(s) {
        s.pull(BUSYBOX);
        let busybox_layers = s.layer_entries();
        for point in ["rmi-marked", "rmi-layers"] {
            let id = s.pull(LAYERED);
            assert!(s.layer_entries().len() > busybox_layers.len());
            crash_at(s, point, &["rmi", LAYERED]);
            assert!(!s.image_ids().iter().any(|i| id.starts_with(i.as_str())), "{point}: the image is gone from listings");
            // The next pull (of another image) finishes the removal.
            s.pull(BUSYBOX);
            let mut left = s.layer_entries();
            left.sort();
            let mut want = busybox_layers.clone();
            want.sort();
            assert_eq!(left, want, "{point}: orphan layers left");
            assert!(entries(&s.root.join("images")).iter().all(|n| !n.starts_with(".rm-")), "{point}: the marker stayed");
        }
        // Leftovers of interrupted work.
        let tmp = s.root.join("tmp");
        std::fs::create_dir_all(&tmp).unwrap();
        let uid = s.host_uid(0);
        let gid = s.host_gid(0);
        let junk = [tmp.join("layer-1-dead"), tmp.join("rm-layer-2-dead"), s.root.join("containers").join("f".repeat(64))];
        for d in &junk {
            std::fs::create_dir_all(d.join("sub")).unwrap();
            std::fs::write(d.join("sub/file"), "x").unwrap();
            for p in [d.clone(), d.join("sub"), d.join("sub/file")] {
                std::os::unix::fs::chown(&p, Some(uid), Some(gid)).unwrap();
            }
        }
        s.ok(&["run", "--rm", BUSYBOX, "true"]);
        for d in &junk {
            assert!(!d.exists(), "{} was not swept", d.display());
        }
        assert_eq!(s.tmp_entries(), Vec::<String>::new());
    }
}

both! {
    /// rmi and create at once: rmi's in-use check and its removal run under
    /// the store lock that create holds while it checks that its image is
    /// still there. Never a container whose image is gone.
    fn rmi_and_create_race(s) {
        s.pull(BUSYBOX);
        for i in 0..12 {
            let name = format!("rc{i}");
            let create = s.spawn(&["create", "--pull=never", "--name", &name, BUSYBOX, "true"]);
            let rmi = s.run(&["rmi", BUSYBOX]);
            let create = create.finish();
            let images = s.ok(&["images", "-q", "--no-trunc"]).stdout;
            for id in s.container_ids() {
                let full = s.ok(&["inspect", "--format", "{{.Id}}", &id]).stdout.trim().to_string();
                let image = image_of(s, &full);
                assert!(images.contains(&image), "#{i}: container {id} uses image {image}, which is gone\n{create:?}\n{rmi:?}");
            }
            // One of them lost, in the documented words.
            assert!(create.code == 0 || rmi.code == 0, "#{i}: both failed\n{create:?}\n{rmi:?}");
            if rmi.code != 0 {
                assert!(rmi.stderr.contains("in use"), "#{i}:{rmi:?}");
            }
            s.ok(&["rm", "-a", "-f"]);
            if rmi.code == 0 {
                s.pull(BUSYBOX);
            }
        }
    }
}

both! {
    /// One damaged record (a power cut's empty file, garbage) never breaks
    /// ps, create or rm of the others: they are listed, the bad one is
    /// named with the fix, and rm -f removes it. The same for images.
    fn damaged_records_are_named_not_fatal(s) {
        let busybox = s.pull(BUSYBOX);
        let a = s.ok(&["create", "--name", "dam-a", BUSYBOX, "true"]).stdout.trim().to_string();
        let b = s.ok(&["create", "--name", "dam-b", BUSYBOX, "true"]).stdout.trim().to_string();
        s.ok(&["create", "--name", "dam-c", BUSYBOX, "true"]);
        std::fs::write(s.container_dir(&a).join("config.json"), "").unwrap();
        std::fs::write(s.container_dir(&b).join("state.json"), "{\"status\": tru").unwrap();
        let ps = s.ok(&["ps", "-a", "--format", "{{.Names}}"]);
        assert_eq!(ps.lines(), ["dam-c"], "{ps:?}");
        assert!(ps.stderr.contains(&a[..12]) && ps.stderr.contains(&format!("sangja rm -f {a}")), "{ps:?}");
        assert!(ps.stderr.contains("sangja rm -f dam-b") && ps.stderr.contains("sangja system check --repair"), "{ps:?}");
        s.ok(&["ps"]);
        s.ok(&["create", "--name", "dam-d", BUSYBOX, "true"]);
        s.ok(&["rm", "dam-c"]);
        s.ok(&["rm", "-f", &a]);
        s.ok(&["rm", "-f", "dam-b"]);
        assert!(!s.container_dir(&a).exists() && !s.container_dir(&b).exists());
        let ps = s.ok(&["ps", "-a", "--format", "{{.Names}}"]);
        assert_eq!(ps.lines(), ["dam-d"], "{ps:?}");
        assert!(!ps.stderr.contains("damaged"), "{ps:?}");
        s.ok(&["rm", "dam-d"]);

        // Images: a truncated record of one image.
        let multi = s.pull(LAYERED);
        let full = s.ok(&["images", "-q", "--no-trunc"]).stdout;
        let multi_full = full.lines().map(|l| l.trim_start_matches("sha256:")).find(|l| l.starts_with(&multi)).expect("multi listed").to_string();
        std::fs::write(s.root.join("images").join(format!("{multi_full}.json")), "{\"id\":").unwrap();
        let images = s.ok(&["images", "-q"]);
        assert_eq!(images.lines().len(), 1, "{images:?}");
        assert!(busybox.starts_with(images.lines()[0].as_str()) || images.lines()[0].starts_with(&busybox[..12]), "{images:?}");
        assert!(images.stderr.contains(&multi_full[..12]) && images.stderr.contains("system check --repair"), "{images:?}");
        s.ok(&["run", "--rm", BUSYBOX, "true"]);
        s.ok(&["rmi", "-f", &multi_full]);
        let images = s.ok(&["images", "-q"]);
        assert!(!images.stderr.contains("damaged"), "{images:?}");
    }
}
