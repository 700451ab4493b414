//! `system check [--repair]`, `system prune`, `system reset`, `image prune`,
//! `volume prune` (issue 16): a store damaged on purpose is found out, kind
//! by kind, repaired, and usable afterwards; the prune commands remove what
//! they say and nothing else.

use crate::util::*;
use std::fs;
use std::os::unix::fs::chown;
use std::path::Path;

/// A pid no process can have (above any pid_max), for leftovers of a dead process.
const DEAD_PID: u32 = 4_194_304;

/// Gives a file the test made to the store's owner.
fn give(s: &Sangja, p: &Path) {
    if let Mode::Rootless { user, switch: true } = &s.mode {
        chown(p, Some(user.uid), Some(user.gid)).unwrap();
    }
}

fn image_id(s: &Sangja, name: &str) -> String {
    s.ok(&["image", "inspect", "--format", "{{.Id}}", name]).lines()[0].trim_start_matches("sha256:").to_string()
}

both! {
    /// A truncated blob, a layer without its files, a garbage container record
    /// and temp leftovers: each found, each repaired, the store usable after.
    fn check_finds_and_repairs(s) {
        s.pull(BUSYBOX);
        let before: Vec<String> = s.layer_entries();
        s.pull(LAYERED);
        let layered = image_id(s, LAYERED);
        let own: Vec<String> = s.layer_entries().into_iter().filter(|l| !before.contains(l)).collect();
        assert!(!own.is_empty(), "layered has layers of its own");
        s.ok(&["create", "--name", "keep", BUSYBOX, "true"]);
        let bad = s.ok(&["create", "--name", "bad", BUSYBOX, "true"]).lines()[0].clone();
        let clean = s.ok(&["system", "check"]);
        assert!(clean.stdout.contains("No errors found"), "{clean:?}");

        // The damage.
        let blob = s.root.join("blobs/sha256").join(&layered);
        fs::OpenOptions::new().write(true).open(&blob).unwrap().set_len(10).unwrap();
        fs::remove_dir_all(s.layers_dir().join(&own[0]).join("diff")).unwrap();
        fs::write(s.container_dir(&bad).join("config.json"), "{garbage").unwrap();
        let mut leftovers = Vec::new();
        for name in [format!("rm-layer-{DEAD_PID}-0a0a0a"), format!("layer-{DEAD_PID}-0b0b0b")] {
            let p = s.root.join("tmp").join(name);
            fs::create_dir(&p).unwrap();
            give(s, &p);
            leftovers.push(p);
        }

        let found = s.run(&["system", "check"]).code(125).stderr_has("damage detected in local storage");
        for needle in [
            format!("Damaged blob sha256:{layered}:"),
            format!("Damaged layer sha256:{}:", own[0]),
            "its diff/ folder is missing".to_string(),
            format!("Damaged image {layered}:"),
            format!("Damaged container {bad}:"),
            "its config cannot be read".to_string(),
            format!("Leftover {}:", leftovers[0].display()),
            format!("Leftover {}:", leftovers[1].display()),
        ] {
            assert!(found.stdout.contains(&needle), "check should report {needle:?}:{found:?}");
        }
        // --quick skips the slow checks, never the cheap ones.
        s.run(&["system", "check", "--quick"]).code(125);

        let fixed = s.ok(&["system", "check", "--repair"]);
        for needle in [
            format!("Deleted damaged image: {layered}"),
            format!("Deleted damaged container: {bad}"),
            format!("Deleted leftover: {}", leftovers[0].display()),
            "No errors found".to_string(),
        ] {
            assert!(fixed.stdout.contains(&needle), "repair should say {needle:?}:{fixed:?}");
        }
        s.ok(&["system", "check"]);
        for p in &leftovers {
            assert!(!p.exists(), "{} was removed", p.display());
        }
        assert!(!s.layers_dir().join(&own[0]).exists(), "the damaged layer is gone");
        // Usable: the good container stays, the bad image pulls again, containers run.
        assert_eq!(s.ok(&["ps", "-a", "--format", "{{.Names}}"]).lines(), ["keep"]);
        s.pull(LAYERED);
        s.ok(&["run", "--rm", LAYERED, "true"]);
        s.ok(&["start", "-a", "keep"]);
        s.ok(&["system", "check"]);
    }
}

both! {
    /// A damaged image a container uses is kept by --repair (exit 125, the
    /// container named), and removed with its container by --repair --force.
    fn check_force_removes_users(s) {
        s.pull(BUSYBOX);
        let id = image_id(s, BUSYBOX);
        let c = s.ok(&["create", "--name", "user", BUSYBOX, "true"]).lines()[0].clone();
        fs::write(s.root.join("blobs/sha256").join(&id), "not the config").unwrap();
        let kept = s.run(&["system", "check", "--repair"]).code(125).stderr_has("still present after repair");
        assert!(kept.stdout.contains(&format!("Kept damaged image {id}")) && kept.stdout.contains(&c[..12]), "{kept:?}");
        assert_eq!(s.container_ids().len(), 1);
        let forced = s.ok(&["system", "check", "--repair", "--force"]);
        assert!(forced.stdout.contains(&format!("Deleted damaged image: {id}")), "{forced:?}");
        assert!(s.container_ids().is_empty() && s.image_ids().is_empty());
        s.ok(&["system", "check"]);
        s.pull(BUSYBOX);
        s.ok(&["run", "--rm", BUSYBOX, "true"]);
    }
}

both! {
    /// Layers and blobs no image uses are orphans once older than --max
    /// (default 24h: a younger one may be a pull at work); -m 0 reports and
    /// repairs them. A container folder without config.json (a create cut
    /// short) and a container without spec.json are found and removed.
    fn check_orphans_and_cut_creates(s) {
        s.pull(BUSYBOX);
        let busybox_layers = s.layer_entries();
        s.pull(LAYERED);
        let layered = image_id(s, LAYERED);
        fs::remove_file(s.root.join("images").join(format!("{layered}.json"))).unwrap();
        s.ok(&["system", "check"]);
        let orphans = s.run(&["system", "check", "-m", "0"]).code(125);
        assert!(orphans.stdout.contains("Orphan layer sha256:") && orphans.stdout.contains(&format!("Orphan blob sha256:{layered}")), "{orphans:?}");
        // Cut creates.
        let half = s.root.join("containers").join("c".repeat(64));
        fs::create_dir_all(half.join("upper")).unwrap();
        give(s, &half);
        give(s, &half.join("upper"));
        let nospec = s.ok(&["create", BUSYBOX, "true"]).lines()[0].clone();
        fs::remove_file(s.container_dir(&nospec).join("spec.json")).unwrap();
        let found = s.run(&["system", "check"]).code(125);
        assert!(found.stdout.contains("a create was cut short") && found.stdout.contains(&nospec), "{found:?}");
        s.ok(&["system", "check", "-m", "0", "--repair"]);
        assert!(!half.exists() && !s.container_dir(&nospec).exists());
        let left = s.layer_entries();
        let bb = image_id(s, BUSYBOX);
        assert!(left.iter().all(|l| busybox_layers.contains(l)), "only busybox's layers are left: {left:?}");
        assert!(!left.is_empty(), "busybox's layers stay");
        assert!(!s.root.join("blobs/sha256").join(&layered).exists() && s.root.join("blobs/sha256").join(&bb).exists());
        s.ok(&["system", "check", "-m", "0"]);
        s.ok(&["run", "--rm", BUSYBOX, "true"]);
    }
}

both! {
    /// image prune: dangling images only (unnamed, unused), -a every unused
    /// one; the prompt's "n" removes nothing.
    fn image_prune(s) {
        s.pull(BUSYBOX);
        s.pull(LAYERED);
        s.ok(&["run", "--name", "src", BUSYBOX, "sh", "-c", "echo x > /x"]);
        let dangling = s.ok(&["commit", "src"]).lines().last().cloned().unwrap_or_default();
        let dangling = dangling.trim_start_matches("sha256:").to_string();
        assert!(s.image_ids().iter().any(|i| dangling.starts_with(i.as_str())), "commit without a name made an image");
        s.run_stdin(&["image", "prune"], "n\n").ok().stdout_is("");
        assert_eq!(s.image_ids().len(), 3);
        let out = s.ok(&["image", "prune", "-f"]);
        assert_eq!(out.lines(), [dangling]);
        assert_eq!(s.image_ids().len(), 2);
        // -a: layered is unused, busybox is used by "src".
        let layered = image_id(s, LAYERED);
        assert_eq!(s.ok(&["image", "prune", "-a", "-f"]).lines(), [layered]);
        assert_eq!(s.image_ids().len(), 1);
        s.run(&["image", "prune", "--filter", "colour=blue", "-f"]).code(125).stderr_has("invalid filter");
        s.ok(&["system", "check", "-m", "0"]);
    }
}

both! {
    /// volume prune lists what it would remove, asks, removes only unused
    /// volumes that pass the filters; label!= and until= filter.
    fn volume_prune(s) {
        s.pull(BUSYBOX);
        s.ok(&["volume", "create", "--label", "keep=yes", "labelled"]);
        s.ok(&["volume", "create", "loose"]);
        s.ok(&["create", "--name", "holder", "-v", "held:/d", BUSYBOX, "true"]);
        let asked = s.run_stdin(&["volume", "prune"], "n\n").ok();
        assert!(asked.stderr.contains("The following volumes will be removed:\nlabelled\nloose\n"), "{asked:?}");
        assert_eq!(s.ok(&["volume", "ls", "-q"]).lines(), ["held", "labelled", "loose"]);
        s.ok(&["volume", "prune", "-f", "--filter", "until=2000-01-01"]).stdout_is("");
        s.ok(&["volume", "prune", "-f", "--filter", "label!=keep"]).stdout_is("loose\n");
        s.run_stdin(&["volume", "prune"], "y\n").ok().stdout_is("labelled\n");
        assert_eq!(s.ok(&["volume", "ls", "-q"]).lines(), ["held"]);
        let none = s.run_stdin(&["volume", "prune"], "").ok();
        assert!(none.stderr.contains("No dangling volumes found"), "{none:?}");
    }
}

both! {
    /// system prune: stopped containers, unused networks, dangling images,
    /// (--volumes) unused volumes; running containers and used images stay.
    fn system_prune(s) {
        s.pull(BUSYBOX);
        s.pull(LAYERED);
        let stopped = s.ok(&["create", "--name", "stopped", BUSYBOX, "true"]).lines()[0].clone();
        let running = s.ok(&["run", "-d", "--name", "running", BUSYBOX, "sleep", "100"]).lines()[0].clone();
        s.ok(&["network", "create", "rcnet"]);
        s.ok(&["volume", "create", "rcvol"]);
        s.run_stdin(&["system", "prune"], "n\n").ok().stderr_has("all dangling images");
        assert_eq!(s.container_ids().len(), 2);
        let out = s.ok(&["system", "prune", "-f", "--volumes"]);
        assert!(out.stdout.contains(&format!("Deleted Containers\n{stopped}\n")), "{out:?}");
        assert!(out.stdout.contains("Deleted Networks\nrcnet\n") && out.stdout.contains("Deleted Volumes\nrcvol\n"), "{out:?}");
        assert!(out.stdout.contains("Total reclaimed space: "), "{out:?}");
        assert!(!out.stdout.contains(&running), "{out:?}");
        assert_eq!(s.image_ids().len(), 2, "named images are not dangling");
        // -a: every image no container uses (busybox is used by the running one).
        let layered = image_id(s, LAYERED);
        let all = s.ok(&["system", "prune", "-a", "-f"]);
        assert!(all.stdout.contains(&format!("Deleted Images\n{layered}\n")), "{all:?}");
        assert_eq!(s.image_ids().len(), 1);
        assert_eq!(s.container_ids(), [running[..12].to_string()]);
        s.ok(&["rm", "-f", "running"]);
        s.ok(&["system", "check", "-m", "0"]);
    }
}

both! {
    /// system reset asks, and with yes (or -f) removes every container
    /// (running ones stopped), image, volume, network and the store's folders.
    fn system_reset(s) {
        s.pull(BUSYBOX);
        s.ok(&["run", "-d", "--name", "running", BUSYBOX, "sleep", "100"]);
        s.ok(&["volume", "create", "rcvol"]);
        s.ok(&["network", "create", "rcnet"]);
        let no = s.run_stdin(&["system", "reset"], "n\n").ok();
        assert!(no.stderr.contains("WARNING! This will remove:") && no.stderr.contains("the graphRoot directory"), "{no:?}");
        assert_eq!(s.container_ids().len(), 1);
        s.run_stdin(&["system", "reset"], "y\n").ok();
        assert!(!s.root.exists(), "the store folder is gone");
        assert!(s.image_ids().is_empty() && s.container_ids().is_empty());
        assert!(s.ok(&["volume", "ls", "-q"]).lines().is_empty());
        s.run(&["network", "exists", "rcnet"]).code(1);
        s.pull(BUSYBOX);
        s.ok(&["run", "--rm", BUSYBOX, "true"]);
        s.ok(&["system", "reset", "-f"]);
        assert!(!s.root.exists());
    }
}

both! {
    /// A detached container whose monitor and process were killed with
    /// SIGKILL is still recorded as running: check says so, repair records
    /// its exit through the state machine, and it starts again.
    fn check_records_lost_exit(s) {
        s.pull(BUSYBOX);
        let id = s.ok(&["run", "-d", "--name", "lost", BUSYBOX, "sleep", "1000"]).lines()[0].clone();
        let state: String = fs::read_to_string(s.container_dir(&id).join("state.json")).unwrap();
        let state = serde_json::from_str::<Json>(&state).unwrap();
        let pids: Vec<String> = ["monitor_pid", "pid"].iter().filter_map(|k| state[*k].as_i64()).map(|p| p.to_string()).collect();
        assert_eq!(pids.len(), 2, "the state records the monitor and the process: {state:?}");
        let mut args = vec!["-KILL".to_string()];
        args.extend(pids.iter().cloned());
        std::process::Command::new("/bin/kill").args(&args).status().unwrap();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while pids.iter().any(|p| Path::new(&format!("/proc/{p}")).exists() && !fs::read_to_string(format!("/proc/{p}/stat")).unwrap_or_default().contains(") Z "))
            && std::time::Instant::now() < deadline
        {
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        let found = s.run(&["system", "check"]).code(125);
        assert!(found.stdout.contains("recorded as running, but its process and its monitor are gone"), "{found:?}");
        let fixed = s.ok(&["system", "check", "--repair"]);
        assert!(fixed.stdout.contains(&format!("Recorded the exit of container {id}")), "{fixed:?}");
        let raw = serde_json::from_str::<Json>(&fs::read_to_string(s.container_dir(&id).join("state.json")).unwrap()).unwrap();
        assert_eq!(raw["status"].as_str(), Some("exited"), "{raw:?}");
        s.ok(&["system", "check"]);
        s.ok(&["start", "lost"]);
        s.ok(&["rm", "-f", "lost"]);
    }
}
