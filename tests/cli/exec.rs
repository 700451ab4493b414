//! exec, top and --init (issue 3, part B): against a container running in
//! the foreground of a background `sangja run`.

use crate::util::*;
use std::time::{Duration, Instant};

/// A shell that exits on SIGTERM (which sangja forwards), with a sleep as child.
const SLEEPER: &str = "trap 'exit 0' TERM; echo ready; sleep 30 & wait";

/// Starts `run --name NAME [extra] busybox sh -c SLEEPER` and waits until
/// exec can reach it.
fn start(s: &Sangja, name: &str, extra: &[&str]) -> Running {
    s.pull(BUSYBOX);
    let mut args = vec!["run", "--name", name];
    args.extend_from_slice(extra);
    args.extend_from_slice(&[BUSYBOX, "sh", "-c", SLEEPER]);
    let mut r = s.spawn(&args);
    r.wait_for_line("ready", Duration::from_secs(60));
    // The state file is written right after the exec: poll for it.
    let deadline = Instant::now() + Duration::from_secs(10);
    while s.run(&["exec", name, "true"]).code != 0 {
        assert!(Instant::now() < deadline, "exec never reached the running container");
        std::thread::sleep(Duration::from_millis(20));
    }
    r
}

fn stop(r: Running) {
    r.signal("TERM");
    r.finish().ok();
}

both! {
    /// exec joins the container's pid namespace: pid 1 is the container's command.
    fn exec_same_pid_namespace(s) {
        let r = start(s, "x", &[]);
        let out = s.ok(&["exec", "x", "cat", "/proc/1/cmdline"]);
        assert!(out.stdout.starts_with("sh\0-c\0trap"), "{out:?}");
        let out = s.ok(&["exec", "x", "sh", "-c", "echo $$; hostname; id -u"]);
        let lines = out.lines();
        assert_ne!(lines[0], "1", "{out:?}");
        assert!(lines[0].parse::<u32>().is_ok_and(|p| p < 100), "a small pid of the container's namespace:{out:?}");
        let host = s.run(&["inspect", "--format", "{{.Config.Hostname}}", "x"]);
        if host.code == 0 && !host.stdout.trim().is_empty() {
            assert_eq!(lines[1], host.stdout.trim(), "the container's uts namespace");
        }
        assert_eq!(lines[2], "0", "{out:?}");
        // The container's processes, the exec'd one among them.
        let out = s.ok(&["exec", "x", "ps"]);
        assert!(out.stdout.contains("sleep 30"), "{out:?}");
        stop(r);
    }
}

both! {
    /// podman's exit codes, and a clear error for a stopped container.
    fn exec_exit_codes(s) {
        let r = start(s, "x", &[]);
        s.run(&["exec", "x", "true"]).code(0);
        s.run(&["exec", "x", "false"]).code(1);
        s.run(&["exec", "x", "sh", "-c", "exit 32"]).code(32);
        s.run(&["exec", "x", "/etc/passwd"]).code(126).stderr_has("/etc/passwd");
        s.run(&["exec", "x", "nonexistent-cmd"]).code(127).stderr_has("nonexistent-cmd");
        s.run(&["exec", "nosuch", "true"]).code(125).stderr_has("no container with name or ID \"nosuch\" found");
        stop(r);
        s.run(&["exec", "x", "true"])
            .code(125)
            .stderr_has("Error: can only create exec sessions on running containers: container state improper");
    }
}

both! {
    /// -e, --env-file, -w, -u, -i and -d.
    fn exec_flags(s) {
        let r = start(s, "x", &["-e", "FROM_RUN=r"]);
        let env_file = s.dir.join("env");
        std::fs::write(&env_file, "# comment\nFILE_VAR=f\nA=from-file\n").unwrap();
        make_readable(s, &env_file);
        s.ok(&["exec", "--env-file", env_file.to_str().unwrap(), "-e", "A=1", "-w", "/tmp", "-u", "nobody", "x",
               "sh", "-c", "echo $A $FILE_VAR $FROM_RUN; pwd; id -u; id -g"])
            .stdout_is("1 f r\n/tmp\n65534\n65534\n");
        s.run_stdin(&["exec", "-i", "x", "cat"], "piped in\n").ok().stdout_is("piped in\n");
        // Without -i the command gets no input.
        s.run_stdin(&["exec", "x", "cat"], "not read\n").ok().stdout_is("");
        s.ok(&["exec", "-d", "x", "sh", "-c", "sleep 0.1; touch /tmp/detached"]);
        let deadline = Instant::now() + Duration::from_secs(10);
        while s.run(&["exec", "x", "test", "-f", "/tmp/detached"]).code != 0 {
            assert!(Instant::now() < deadline, "exec -d never ran its command");
            std::thread::sleep(Duration::from_millis(20));
        }
        s.run(&["exec", "-w", "relative", "x", "true"]).code(125).stderr_has("absolute");
        stop(r);
    }
}

both! {
    /// top lists the container's processes with podman's columns, pids as inside.
    fn top_lists_processes(s) {
        let r = start(s, "x", &[]);
        let out = s.ok(&["top", "x"]);
        let lines = out.lines();
        let header: Vec<&str> = lines[0].split_whitespace().collect();
        assert_eq!(header, ["USER", "PID", "PPID", "%CPU", "ELAPSED", "TTY", "TIME", "COMMAND"], "{out:?}");
        let one: Vec<&str> = lines[1].split_whitespace().collect();
        assert_eq!(&one[..3], ["root", "1", "0"], "{out:?}");
        assert!(lines[1].ends_with(&format!("sh -c {SLEEPER}")), "{out:?}");
        assert!(lines.iter().any(|l| l.ends_with("sleep 30") && l.split_whitespace().nth(2) == Some("1")), "{out:?}");
        let out = s.ok(&["top", "x", "pid,comm", "user"]);
        assert_eq!(out.lines()[0].split_whitespace().collect::<Vec<_>>(), ["PID", "COMMAND", "USER"], "{out:?}");
        s.run(&["top", "x", "bogus"]).code(125).stderr_has("unknown descriptor");
        stop(r);
        s.run(&["top", "x"]).code(125).stderr_has("running");
    }
}

both! {
    /// --init: pid 1 is our init, which reaps orphans, forwards signals and
    /// exits with the command's code.
    fn init_reaps_and_forwards(s) {
        s.pull(BUSYBOX);
        let out = s.run(&["run", "--rm", "--init", BUSYBOX, "sh", "-c",
            "cat /proc/1/comm; echo $$; (sleep 0 &); sleep 0.3; cat /proc/[0-9]*/stat | cut -d' ' -f3 | sort | uniq | tr -d '\\n'; echo; exit 7"])
            .code(7);
        let lines = out.lines();
        assert_eq!(lines[0], "sangja-init", "{out:?}");
        assert_ne!(lines[1], "1", "the command is not pid 1:{out:?}");
        assert!(!lines[2].contains('Z'), "no zombie left:{out:?}");
        // SIGTERM to sangja reaches the command through the init.
        let mut r = s.spawn(&["run", "--rm", "--init", BUSYBOX, "sh", "-c", "trap 'exit 9' TERM; echo ready; sleep 30 & wait"]);
        r.wait_for_line("ready", Duration::from_secs(60));
        std::thread::sleep(Duration::from_millis(100));
        r.signal("TERM");
        r.finish().code(9);
    }
}

/// The test user must read files the test (root) writes for it.
fn make_readable(s: &Sangja, path: &std::path::Path) {
    if let Mode::Rootless { user, switch: true } = &s.mode {
        std::os::unix::fs::chown(path, Some(user.uid), Some(user.gid)).unwrap();
    }
}
