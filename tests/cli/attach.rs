//! attach, detach keys, `exec -d` and seccomp in exec (issue 3): terminals
//! driven through a real pty (`script`, see tty.rs).

use crate::util::*;
use std::time::{Duration, Instant};

/// `inspect --format TEMPLATE NAME`, trimmed.
fn state(s: &Sangja, name: &str, template: &str) -> String {
    s.ok(&["inspect", "--format", template, name]).stdout.trim().to_string()
}

/// Waits until the container is running and its state says so.
fn wait_running(s: &Sangja, name: &str) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while state(s, name, "{{.State.Running}}") != "true" {
        assert!(Instant::now() < deadline, "{name} never ran");
        std::thread::sleep(Duration::from_millis(20));
    }
}

both! {
    /// run -dit, attach, type a command and see its output, detach with
    /// ctrl-p ctrl-q (exit 0, container still running), attach again and exit.
    fn attach_tty_detach_and_reattach(s) {
        s.pull(BUSYBOX);
        s.ok(&["run", "-dit", "--name", "t", BUSYBOX, "sh"]);
        wait_running(s, "t");
        let out = in_pty(s, "exec $S attach t", &[
            ("", "echo hi-$((40+2))\n"),
            ("hi-42", "\x10\x11"),
        ]);
        assert_eq!(out.code, 0, "detaching is a success:{out:?}");
        assert_eq!(state(s, "t", "{{.State.Running}}"), "true", "the container runs on after the detach");
        // The session went to the log as well.
        assert!(s.ok(&["logs", "t"]).stdout.contains("hi-42"));
        // An attach whose stdin is at its end (/dev/null) sends no ctrl-d
        // that would end the shell: the session only watches.
        let watcher = s.spawn(&["attach", "t"]);
        std::thread::sleep(Duration::from_millis(700));
        drop(watcher);
        assert_eq!(state(s, "t", "{{.State.Running}}"), "true", "stdin's end did not stop the shell");
        let out = in_pty(s, "exec $S attach t", &[
            ("", "echo again-$((1+1))\n"),
            ("again-2", "exit 5\n"),
        ]);
        assert_eq!(out.code, 5, "the container's exit code:{out:?}");
        assert_eq!(state(s, "t", "{{.State.Running}}"), "false");
        assert_eq!(state(s, "t", "{{.State.ExitCode}}"), "5");
        // Attaching to a stopped container is refused clearly.
        s.run(&["attach", "t"]).code(125).stderr_has("running");
    }
}

both! {
    /// run -it detaches with ctrl-p ctrl-q and leaves the container running;
    /// --detach-keys sets another sequence on attach; --rm still removes.
    fn run_it_detach_and_custom_keys(s) {
        s.pull(BUSYBOX);
        let out = in_pty(s, "exec $S run -it --name r 127.0.0.1:5000/busybox:latest sh", &[
            ("/ # ", "echo x-$((2*3))\n"),
            ("x-6", "\x10\x11"),
        ]);
        assert_eq!(out.code, 0, "{out:?}");
        assert_eq!(state(s, "r", "{{.State.Running}}"), "true", "detached, not stopped");
        // ctrl-p alone passes through to the shell with the custom keys.
        let out = in_pty(s, "exec $S attach --detach-keys ctrl-a,d r", &[
            ("", "echo k-$((3+4))\n"),
            ("k-7", "\x01d"),
        ]);
        assert_eq!(out.code, 0, "{out:?}");
        assert_eq!(state(s, "r", "{{.State.Running}}"), "true");
        s.run(&["attach", "--detach-keys", "ctrl-", "r"]).code(125).stderr_has("detach keys");
        // containers.conf's [engine] detach_keys is the default.
        std::fs::write(s.dir.join("keys.conf"), "[engine]\ndetach_keys = \"ctrl-b\"\n").unwrap();
        let out = in_pty(s, "CONTAINERS_CONF=keys.conf exec $S attach r", &[
            ("", "echo c-$((4+4))\n"),
            ("c-8", "\x02"),
        ]);
        assert_eq!(out.code, 0, "{out:?}");
        assert_eq!(state(s, "r", "{{.State.Running}}"), "true");
        s.ok(&["rm", "-f", "r"]);

        // run --rm -it: the exit code is the shell's and the container is gone.
        let out = in_pty(s, "exec $S run --rm -it --name g 127.0.0.1:5000/busybox:latest sh", &[
            ("/ # ", "exit 6\n"),
        ]);
        assert_eq!(out.code, 6, "{out:?}");
        s.run(&["inspect", "g"]).code(125);
    }
}

both! {
    /// attach to a detached container without a terminal: it sees the new
    /// output (not the old, which is in the log), two clients at once, and
    /// both end with the container's exit code.
    fn attach_output_two_clients(s) {
        s.pull(BUSYBOX);
        s.ok(&["run", "-d", "--name", "o", BUSYBOX, "sh", "-c",
            "echo before; sleep 1; i=0; while [ $i -lt 25 ]; do echo n$i; echo e$i >&2; i=$((i+1)); sleep 0.1; done; echo last; exit 3"]);
        wait_running(s, "o");
        let mut a = s.spawn(&["attach", "--no-stdin", "o"]);
        let mut b = s.spawn(&["attach", "o"]);
        a.wait_for_line("last", Duration::from_secs(30));
        b.wait_for_line("last", Duration::from_secs(30));
        for (who, r) in [("first", a), ("second", b)] {
            let out = r.finish();
            assert_eq!(out.code, 3, "{who} client gets the exit code:{out:?}");
            assert!(out.stdout.contains("n24\n"), "{who}:{out:?}");
            assert!(out.stderr.contains("e24\n"), "stderr stays stderr ({who}):{out:?}");
            assert!(!out.stdout.contains("before"), "only output after the attach ({who}):{out:?}");
        }
        let logs = s.ok(&["logs", "o"]).stdout;
        assert!(logs.contains("before") && logs.contains("n24"), "{logs:?}");
    }
}

both! {
    /// run -di keeps the container's stdin open; attach passes ours, and its
    /// end closes the container's stdin (as podman).
    fn attach_stdin_without_tty(s) {
        s.pull(BUSYBOX);
        s.ok(&["run", "-di", "--name", "p", BUSYBOX, "sh", "-c",
            "while read l; do echo got-$l; done; echo eof; exit 4"]);
        wait_running(s, "p");
        let out = s.run_stdin(&["attach", "p"], "a\nb\n");
        assert_eq!(out.code, 4, "{out:?}");
        assert_eq!(out.stdout, "got-a\ngot-b\neof\n", "{out:?}");
        // create -i + start -ai: the same path.
        s.ok(&["create", "-i", "--name", "q", BUSYBOX, "sh", "-c", "read l; echo q-$l; exit 2"]);
        let out = s.run_stdin(&["start", "-ai", "q"], "z\n");
        assert_eq!(out.code, 2, "{out:?}");
        assert_eq!(out.stdout, "q-z\n", "{out:?}");
        // Close to a megabyte through the monitor, ctrl-p ctrl-q among it: without a
        // terminal those are data, not detach keys.
        s.ok(&["create", "-i", "--name", "w", BUSYBOX, "wc", "-c"]);
        let big = "abc\x10\x11def\n".repeat(100_000);
        let out = s.run_stdin(&["start", "-ai", "w"], &big);
        assert_eq!(out.code, 0, "{out:?}");
        assert_eq!(out.stdout.trim(), big.len().to_string(), "{out:?}");
        // start -a without -i: output only, stdin not passed.
        s.ok(&["create", "--name", "n", BUSYBOX, "sh", "-c", "echo only-out; cat; echo cat-done"]);
        let out = s.run_stdin(&["start", "-a", "n"], "ignored\n");
        assert_eq!(out.stdout, "only-out\ncat-done\n", "{out:?}");
    }
}

both! {
    /// exec -d returns at once and leaves its process running (top shows it).
    fn exec_detached(s) {
        s.pull(BUSYBOX);
        s.ok(&["run", "-d", "--name", "x", BUSYBOX, "sleep", "60"]);
        wait_running(s, "x");
        let started = Instant::now();
        let out = s.ok(&["exec", "-d", "x", "sh", "-c", "sleep 47; echo no"]);
        assert!(started.elapsed() < Duration::from_secs(20), "exec -d waited for its command");
        assert_eq!(out.stdout, "", "{out:?}");
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let top = s.ok(&["top", "x"]).stdout;
            if top.contains("sleep 47") {
                break;
            }
            assert!(Instant::now() < deadline, "the detached process is not in top: {top}");
            std::thread::sleep(Duration::from_millis(50));
        }
        s.ok(&["rm", "-f", "x"]);
    }
}

both! {
    /// exec runs under the container's seccomp filter: a system call the
    /// default profile refuses (personality with ADDR_NO_RANDOMIZE, through
    /// busybox linux64 -R) fails in exec as in the container; --privileged
    /// exec and a seccomp=unconfined container are not filtered.
    fn exec_seccomp(s) {
        s.pull(BUSYBOX);
        let probe = "grep '^Seccomp:' /proc/self/status; linux64 -R true && echo personality-ok || echo personality-refused";
        let out = s.ok(&["run", "--rm", BUSYBOX, "sh", "-c", probe]);
        assert!(out.stdout.contains("Seccomp:\t2") && out.stdout.contains("personality-refused"), "in the container:{out:?}");
        s.ok(&["run", "-d", "--name", "f", BUSYBOX, "sleep", "60"]);
        wait_running(s, "f");
        let out = s.ok(&["exec", "f", "sh", "-c", probe]);
        assert!(out.stdout.contains("Seccomp:\t2"), "exec is filtered:{out:?}");
        assert!(out.stdout.contains("personality-refused"), "exec refuses what the container does:{out:?}");
        let out = s.ok(&["exec", "--privileged", "f", "sh", "-c", probe]);
        assert!(out.stdout.contains("Seccomp:\t0") && out.stdout.contains("personality-ok"), "--privileged exec:{out:?}");
        s.ok(&["run", "-d", "--name", "u", "--security-opt", "seccomp=unconfined", BUSYBOX, "sleep", "60"]);
        wait_running(s, "u");
        let out = s.ok(&["exec", "u", "sh", "-c", probe]);
        assert!(out.stdout.contains("Seccomp:\t0") && out.stdout.contains("personality-ok"), "unconfined container:{out:?}");
        s.ok(&["rm", "-f", "f", "u"]);
    }
}
