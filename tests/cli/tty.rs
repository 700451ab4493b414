//! -t and -i (issue 3, part B): a terminal session driven through a real
//! pty, made by util-linux's `script`.

use crate::util::*;
use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::Instant;
use std::process::{Command, Stdio};
use std::time::Duration;

/// Runs `sh -c SHELL` under `script` (a pty as its terminal) as the test's
/// user; `$S` in SHELL is this test's sangja. Each step waits until its
/// text has shown on the output (after the previous step's), then types
/// its input: typed earlier, it would meet the outer pty in cooked mode.
/// A step input that creates a file in the test's folder instead of typing.
const TOUCH: &str = "touch:";

pub(crate) fn in_pty(s: &Sangja, shell: &str, steps: &[(&str, &str)]) -> Out {
    let sangja = format!("{} --root {} --runroot {}", binary().display(), s.root.display(), s.runroot.display());
    let shell = shell.replace("$S", &sangja);
    let mut cmd = Command::new("script");
    cmd.args(["-qec", &shell, "/dev/null"]);
    cmd.env_clear();
    cmd.env("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin").env("TERM", "xterm");
    cmd.current_dir(&s.dir);
    if let Mode::Rootless { user, switch } = &s.mode {
        cmd.env("HOME", &user.home).env("XDG_RUNTIME_DIR", format!("/run/user/{}", user.uid));
        if *switch {
            std::os::unix::process::CommandExt::uid(&mut cmd, user.uid);
            std::os::unix::process::CommandExt::gid(&mut cmd, user.gid);
        }
    }
    cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = spawn_retry(&mut cmd);
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let buf = Arc::new(Mutex::new(Vec::new()));
    let b = buf.clone();
    let reader = std::thread::spawn(move || {
        let mut chunk = [0u8; 4096];
        while let Ok(n) = stdout.read(&mut chunk) {
            if n == 0 {
                break;
            }
            b.lock().unwrap().extend_from_slice(&chunk[..n]);
        }
    });
    let text = |b: &Arc<Mutex<Vec<u8>>>| String::from_utf8_lossy(&b.lock().unwrap()).into_owned();
    let mut pos = 0;
    for (wait_for, input) in steps {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let t = text(&buf);
            if let Some(i) = t.get(pos..).and_then(|rest| rest.find(wait_for)) {
                pos += i + wait_for.len();
                break;
            }
            if Instant::now() > deadline || child.try_wait().unwrap().is_some() {
                let _ = child.kill();
                panic!("{wait_for:?} never showed (output {t:?}): script -qec {shell:?}");
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        match input.strip_prefix(TOUCH) {
            // The shell outside waits for this file to resize the outer pty.
            Some(name) => {
                std::fs::write(s.dir.join(name), b"").unwrap();
            }
            None => stdin.write_all(input.as_bytes()).unwrap(),
        }
    }
    // script's stdin stays open until the session ends: its EOF would end it early.
    let mut out = wait_output(child, format!("script -qec {shell:?}"), None, TIMEOUT);
    drop(stdin);
    let _ = reader.join();
    out.stdout = text(&buf);
    out
}

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
