//! `healthcheck run`, run's `--health-*`, State.Health and ps's status (engine healthcheck.rs).

use crate::util::*;
use std::time::{Duration, Instant};

fn status(s: &Sangja, name: &str) -> String {
    s.ok(&["inspect", "--format", "{{.State.Health.Status}}", name]).lines().join("")
}

both! {
    /// starting, then unhealthy after the retries, healthy once the check passes; ps and inspect show it.
    fn healthcheck_run_states(s) {
        s.pull(BUSYBOX);
        s.ok(&["run", "-d", "--name", "hc", "--health-cmd", "test -e /tmp/ok", "--health-retries", "2", "--health-interval", "0", BUSYBOX, "sleep", "100"]);
        assert_eq!(status(s, "hc"), "starting");
        assert!(s.ok(&["ps", "--format", "{{.Status}}"]).stdout.contains("(starting)"));
        s.run(&["healthcheck", "run", "hc"]).code(1).stdout_is("starting\n");
        s.run(&["healthcheck", "run", "hc"]).code(1).stdout_is("unhealthy\n");
        assert!(s.ok(&["ps", "--format", "{{.Status}}"]).stdout.contains("(unhealthy)"));
        s.ok(&["exec", "hc", "touch", "/tmp/ok"]);
        s.ok(&["healthcheck", "run", "hc"]).stdout_is("");
        assert_eq!(status(s, "hc"), "healthy");
        let h = s.ok(&["inspect", "--format", "{{json .State.Health}}", "hc"]).json();
        assert_eq!(h["FailingStreak"], 0);
        let log = h["Log"].as_array().unwrap();
        assert_eq!(log.iter().map(|l| l["ExitCode"].as_i64().unwrap()).collect::<Vec<_>>(), [1, 1, 0]);
        assert!(s.ok(&["ps", "--format", "{{.Status}}"]).stdout.contains("(healthy)"));
        let ev = s.ok(&["events", "--stream=false", "--filter", "event=health_status", "--format", "{{.HealthStatus}}"]).lines();
        assert_eq!(ev, ["starting", "unhealthy", "healthy"]);
        // The output of the check is kept; a check past its timeout fails.
        s.ok(&["run", "-d", "--name", "hc2", "--health-cmd", r#"["sh","-c","echo out; sleep 5"]"#, "--health-timeout", "500ms", "--health-retries", "1", "--health-interval", "0", BUSYBOX, "sleep", "100"]);
        let t = Instant::now();
        s.run(&["healthcheck", "run", "hc2"]).code(1).stdout_is("unhealthy\n");
        assert!(t.elapsed() < Duration::from_secs(4), "the timeout did not stop the check: {:?}", t.elapsed());
        // No check, a stopped container, bad flags: podman's errors.
        s.ok(&["run", "-d", "--name", "hc3", BUSYBOX, "sleep", "100"]);
        s.run(&["healthcheck", "run", "hc3"]).code(125).stderr_has("has no defined healthcheck");
        s.run(&["healthcheck", "run", "nope"]).code(125).stderr_has("no such container");
        s.run(&["run", "--rm", "--health-cmd", "true", "--health-interval", "5q", BUSYBOX, "true"]).code(125).stderr_has("--health-interval");
        s.run(&["run", "--rm", "--health-cmd", "true", "--no-healthcheck", BUSYBOX, "true"]).code(125);
        s.ok(&["rm", "-f", "-t", "0", "hc", "hc2", "hc3"]);
    }
}

both! {
    /// The monitor runs the check every --health-interval; --health-on-failure=kill ends an unhealthy container.
    fn healthcheck_periodic(s) {
        s.pull(BUSYBOX);
        s.ok(&["run", "-d", "--name", "hp", "--health-cmd", "true", "--health-interval", "1s", BUSYBOX, "sleep", "100"]);
        let deadline = Instant::now() + Duration::from_secs(15);
        while status(s, "hp") != "healthy" {
            assert!(Instant::now() < deadline, "no periodic check made it healthy");
            std::thread::sleep(Duration::from_millis(200));
        }
        s.ok(&["run", "-d", "--name", "hk", "--health-cmd", "false", "--health-interval", "1s", "--health-retries", "1", "--health-on-failure", "kill", BUSYBOX, "sleep", "100"]);
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let st = s.ok(&["inspect", "--format", "{{.State.Status}}", "hk"]).lines().join("");
            if st == "exited" {
                break;
            }
            assert!(Instant::now() < deadline, "--health-on-failure=kill did not end the container (status {st})");
            std::thread::sleep(Duration::from_millis(200));
        }
        s.ok(&["rm", "-f", "-t", "0", "hp", "hk"]);
    }
}

both! {
    /// An image's HEALTHCHECK runs without --health-cmd (as podman's), image
    /// inspect shows it at the top level, the container's Config has it, and
    /// --no-healthcheck turns it off.
    fn image_healthcheck_runs(s) {
        let ctx = s.dir.join("hcimg");
        std::fs::create_dir_all(&ctx).unwrap();
        std::fs::write(ctx.join("Containerfile"), format!("FROM {BUSYBOX}\nHEALTHCHECK --interval=1s --timeout=3s CMD test -e /etc/passwd\n")).unwrap();
        s.ok(&["build", "-q", "--tls-verify=false", "--format", "docker", "-t", "hcimg", ctx.to_str().unwrap()]);
        let h = s.ok(&["image", "inspect", "--format", "{{json .Healthcheck}}", "hcimg"]).json();
        assert_eq!(h["Test"], serde_json::json!(["CMD-SHELL", "test -e /etc/passwd"]), "{h}");
        assert_eq!(h["Interval"], 1_000_000_000u64);
        s.ok(&["run", "-d", "--name", "hci", "hcimg", "sleep", "100"]);
        let c = s.ok(&["inspect", "--format", "{{json .Config.Healthcheck}}", "hci"]).json();
        assert_eq!(c["Test"], h["Test"]);
        assert_eq!(c["Timeout"], 3_000_000_000u64);
        let deadline = Instant::now() + Duration::from_secs(15);
        while status(s, "hci") != "healthy" {
            assert!(Instant::now() < deadline, "the image's check never ran: {}", status(s, "hci"));
            std::thread::sleep(Duration::from_millis(200));
        }
        s.ok(&["run", "-d", "--name", "hcn", "--no-healthcheck", "hcimg", "sleep", "100"]);
        s.run(&["healthcheck", "run", "hcn"]).code(125).stderr_has("has no defined healthcheck");
        // The image's check is replaced by --health-cmd.
        s.ok(&["run", "-d", "--name", "hco", "--health-cmd", "false", "--health-interval", "0", "hcimg", "sleep", "100"]);
        s.run(&["healthcheck", "run", "hco"]).code(1);
        s.ok(&["rm", "-f", "-t", "0", "hci", "hcn", "hco"]);
    }
}
