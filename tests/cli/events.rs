//! `events`: the file event log (engine events_log.rs) as podman prints it.

use crate::util::*;
use std::path::Path;
use std::time::Duration;

/// Makes a test file usable by the test's user (rootless runs as another user).
fn give(s: &Sangja, p: &Path) {
    if let Mode::Rootless { user, switch: true } = &s.mode {
        std::os::unix::fs::chown(p, Some(user.uid), Some(user.gid)).unwrap();
    }
}

fn statuses(s: &Sangja, filters: &[&str]) -> Vec<String> {
    let mut args = vec!["events", "--stream=false", "--format", "{{.Status}}"];
    for f in filters {
        args.extend(["--filter", f]);
    }
    s.ok(&args).lines()
}

both! {
    /// A container's life, an image's names and a volume are in the log, in order, with podman's lines.
    fn events_of_a_life(s) {
        let id = s.pull(BUSYBOX);
        s.run(&["run", "--name", "evc", BUSYBOX, "sh", "-c", "exit 3"]).code(3);
        s.ok(&["rm", "evc"]);
        assert_eq!(statuses(s, &["container=evc"]), ["create", "init", "start", "died", "remove"]);
        // The died event carries the exit code (docker's exitCode attribute).
        let died = s.ok(&["events", "--stream=false", "--format", "json", "--filter", "event=died"]).lines();
        assert_eq!(died.len(), 1, "{died:?}");
        let j: serde_json::Value = serde_json::from_str(&died[0]).unwrap();
        assert_eq!(j["ContainerExitCode"], 3);
        assert_eq!(j["Name"], "evc");
        assert_eq!(j["Type"], "container");
        assert!(j["Time"].as_str().unwrap().ends_with('Z'), "{j}");
        // podman's line: TIME container STATUS ID (image=IMAGE, name=NAME).
        let line = s.ok(&["events", "--stream=false", "--filter", "container=evc", "--filter", "event=create"]).lines();
        assert_eq!(line.len(), 1);
        assert!(line[0].contains(" UTC container create ") || line[0].contains(" container create "), "{line:?}");
        assert!(line[0].ends_with(&format!("(image={BUSYBOX}, name=evc)")), "{line:?}");
        let full = s.ok(&["events", "--stream=false", "--filter", "event=remove", "--format", "{{.ID}}"]).lines();
        let short = s.ok(&["events", "--stream=false", "--filter", "event=remove", "--no-trunc=false"]).lines();
        assert_eq!(full[0].len(), 64);
        assert!(short[0].contains(&format!(" {} ", &full[0][..12])) && !short[0].contains(&full[0]), "{short:?}");

        // Detached: start, kill, stop by the user, and died from the monitor.
        s.ok(&["run", "-d", "--name", "evd", "--label", "app=ev", BUSYBOX, "sleep", "100"]);
        s.ok(&["kill", "-s", "USR1", "evd"]);
        s.ok(&["stop", "-t", "0", "evd"]);
        s.ok(&["rm", "evd"]);
        let ev = statuses(s, &["container=evd"]);
        for want in ["create", "init", "start", "kill", "died", "stop", "remove"] {
            assert!(ev.contains(&want.to_string()), "{want} missing in {ev:?}");
        }
        assert_eq!(statuses(s, &["label=app=ev", "event=remove"]), ["remove"]);
        assert!(statuses(s, &["label=app=other"]).is_empty());

        s.ok(&["tag", BUSYBOX, "localhost/evtag:1"]);
        s.ok(&["untag", "localhost/evtag:1"]);
        let img = s.ok(&["events", "--stream=false", "--filter", "type=image", "--format", "{{.Status}} {{.ID}} {{.Name}}"]).lines();
        assert!(img.contains(&format!("pull {id} {BUSYBOX}")), "{img:?}");
        assert!(img.contains(&format!("tag {id} localhost/evtag:1")), "{img:?}");
        assert!(img.contains(&format!("untag {id} localhost/evtag:1")), "{img:?}");

        s.ok(&["volume", "create", "evv"]);
        s.ok(&["volume", "rm", "evv"]);
        let vol = s.ok(&["events", "--stream=false", "--filter", "type=volume"]).lines();
        assert_eq!(vol.len(), 2, "{vol:?}");
        assert!(vol[0].ends_with(" volume create evv") && vol[1].ends_with(" volume remove evv"), "{vol:?}");

        // Time window: nothing after --until in the past, everything since an hour.
        assert!(s.ok(&["events", "--stream=false", "--until", "2000-01-01T00:00:00Z"]).lines().is_empty());
        assert!(s.ok(&["events", "--stream=false", "--since", "1h"]).lines().len() >= 14);
        assert!(s.ok(&["events", "--stream=false", "--since", "2999-01-01"]).lines().is_empty());
        s.run(&["events", "--stream=false", "--filter", "bogus=1"]).code(125).stderr_has("bogus");
        s.run(&["events", "--stream=false", "--since", "yesterday-ish"]).code(125).stderr_has("invalid time");
    }
}

both! {
    /// Streaming (the default) prints events as they happen, only new ones.
    fn events_stream(s) {
        s.ok(&["volume", "create", "evold"]);
        let mut ev = s.spawn(&["events", "--filter", "type=volume", "--format", "{{.Status}} {{.Name}}"]);
        // The reader polls: give it time to open the log, then make events until one shows.
        std::thread::sleep(Duration::from_millis(500));
        s.ok(&["volume", "create", "evnew"]);
        s.ok(&["volume", "rm", "evnew"]);
        ev.wait_for_line("remove evnew", Duration::from_secs(10));
        ev.signal("TERM");
        let out = ev.finish();
        assert_eq!(out.stdout, "create evnew\nremove evnew\n", "only the new events, in order: {out:?}");
    }
}

both! {
    /// The log is bounded: past events_logfile_max_size it keeps the newer half, whole lines.
    fn events_log_rotates(s) {
        let log = s.dir.join("ev").join("events.log");
        let conf = s.dir.join("containers.conf");
        std::fs::write(&conf, format!("[engine]\nevents_logfile_path = \"{}\"\nevents_logfile_max_size = 3000\n", log.display())).unwrap();
        give(s, &conf);
        let ev_dir = s.dir.join("ev");
        std::fs::create_dir(&ev_dir).unwrap();
        give(s, &ev_dir);
        let with_conf = |args: &[&str]| {
            let mut cmd = s.command(args);
            cmd.env("CONTAINERS_CONF", &conf);
            let out = cmd.output().unwrap();
            assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
            String::from_utf8_lossy(&out.stdout).into_owned()
        };
        for i in 0..40 {
            with_conf(&["volume", "create", &format!("rot{i}")]);
        }
        let text = std::fs::read_to_string(&log).unwrap();
        assert!(text.len() <= 3000, "{} bytes", text.len());
        let lines: Vec<serde_json::Value> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        assert_eq!(lines[0]["Status"], "log-rotation", "{text}");
        assert_eq!(lines.last().unwrap()["Name"], "rot39");
        // The reader reads that file too; the default log has none of these.
        let shown = with_conf(&["events", "--stream=false", "--filter", "type=volume", "--format", "{{.Name}}"]);
        assert!(shown.ends_with("rot38\nrot39\n") && !shown.contains("rot0\n"), "{shown}");
        assert!(s.ok(&["events", "--stream=false", "--filter", "type=volume"]).lines().is_empty());
    }
}
