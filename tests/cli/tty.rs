//! -t and -i (issue 3, part B): a terminal session driven through a real
//! pty, made by util-linux's `script`.

use crate::util::*;
use std::time::Duration;

both! {
    /// run -it: the prompt shows, a command runs, the window size is the
    /// user's at start and follows a resize (SIGWINCH); the exit code is the shell's.
    fn tty_session(s) {
        s.pull(BUSYBOX);
        // The outer pty is 40x120; 0.5 s in, it becomes 50x132.
        let out = in_pty(
            s,
            "stty rows 40 cols 120; \
             (while [ ! -e resize ]; do sleep 0.05; done; stty rows 50 cols 132 </dev/tty) & \
             exec $S run -it --rm 127.0.0.1:5000/busybox:latest sh",
            &[
                ("/ # ", "tty; stty size; echo sum=$((6*7))\n"),
                ("sum=42", "touch:resize"),
                ("/ # ", "sleep 0.3; stty size; exit 3\n"),
            ],
        );
        assert_eq!(out.code, 3, "{out:?}");
        assert!(out.stdout.contains("/ # "), "the shell's prompt:{out:?}");
        assert!(out.stdout.contains("/dev/pts/0"), "the container's own devpts:{out:?}");
        assert!(out.stdout.contains("sum=42"), "{out:?}");
        assert!(out.stdout.contains("40 120"), "the size at start:{out:?}");
        assert!(out.stdout.contains("50 132"), "the size after the resize:{out:?}");
    }
}

both! {
    /// ctrl-c in raw mode is a byte: it interrupts the command in the
    /// container, not sangja; ctrl-d ends the shell.
    fn tty_ctrl_c_and_eof(s) {
        s.pull(BUSYBOX);
        let out = in_pty(s, "exec $S run -it --rm 127.0.0.1:5000/busybox:latest sh", &[
            ("/ # ", "sleep 20; echo not-interrupted\n"),
            ("sleep 20", "\x03"),
            ("/ # ", "echo after=$((1+1))\n"),
            ("after=2", "\x04"),
        ]);
        assert_eq!(out.code, 0, "{out:?}");
        assert!(out.stdout.contains("after=2"), "the shell lived on after ctrl-c:{out:?}");
    }
}

both! {
    /// -i without -t pipes stdin; without -i the container reads nothing, as in podman.
    fn interactive_pipes_stdin(s) {
        s.pull(BUSYBOX);
        s.run_stdin(&["run", "--rm", "-i", BUSYBOX, "cat"], "hi\n").ok().stdout_is("hi\n");
        s.run_stdin(&["run", "--rm", BUSYBOX, "cat"], "hi\n").ok().stdout_is("");
        // -t without a terminal on our side still gives the container one.
        let out = s.run(&["run", "--rm", "-t", BUSYBOX, "tty"]).ok();
        assert_eq!(out.stdout.trim(), "/dev/pts/0", "{out:?}");
    }
}

both! {
    /// exec -it: a terminal in the running container.
    fn exec_tty(s) {
        s.pull(BUSYBOX);
        let mut r = s.spawn(&["run", "--name", "x", BUSYBOX, "sh", "-c", "trap 'exit 0' TERM; echo ready; sleep 30 & wait"]);
        r.wait_for_line("ready", Duration::from_secs(60));
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while s.run(&["exec", "x", "true"]).code != 0 {
            assert!(std::time::Instant::now() < deadline, "exec never reached the container");
            std::thread::sleep(Duration::from_millis(20));
        }
        let out = in_pty(s, "stty rows 33 cols 99; exec $S exec -it x sh", &[("# ", "tty; stty size; exit 4\n")]);
        assert_eq!(out.code, 4, "{out:?}");
        assert!(out.stdout.contains("33 99"), "{out:?}");
        assert!(out.stdout.contains("/dev/pts/"), "{out:?}");
        r.signal("TERM");
        r.finish().ok();
    }
}
