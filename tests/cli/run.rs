//! run: output, exit codes, flags, the container's environment.

use crate::util::*;
use std::time::Duration;

both! {
    /// run pulls a missing image; only the command's output reaches stdout.
    fn echo_hello(s) {
        let out = s.run_rm(BUSYBOX, &["echo", "hello"]).ok().stdout_is("hello\n");
        assert!(!out.stderr.contains("Error"), "{out:?}");
        assert_eq!(s.container_ids(), Vec::<String>::new(), "--rm leaves no container");
        assert_eq!(crate::util::entries(&s.root.join("containers")), Vec::<String>::new(), "--rm leaves no folder");
        assert_eq!(s.image_ids().len(), 1, "the image run pulled stays");
    }
}

both! {
    /// podman's exit codes: the container's own, 126 not executable, 127 not found.
    fn exit_codes(s) {
        s.pull(BUSYBOX);
        s.run_rm(BUSYBOX, &["true"]).code(0);
        s.run_rm(BUSYBOX, &["false"]).code(1);
        s.run_rm(BUSYBOX, &["sh", "-c", "exit 32"]).code(32);
        s.run_rm(BUSYBOX, &["sh", "-c", "exit 255"]).code(255);
        let out = s.run_rm(BUSYBOX, &["/etc/passwd"]).code(126).stderr_has("/etc/passwd");
        assert!(out.stderr.trim().lines().count() <= 2, "a short error:{out:?}");
        s.run_rm(BUSYBOX, &["/bin"]).code(126).stderr_has("/bin");
        let out = s.run_rm(BUSYBOX, &["nonexistent-cmd"]).code(127).stderr_has("nonexistent-cmd");
        assert!(out.stderr.trim().lines().count() <= 2, "a short error:{out:?}");
        s.run_rm(BUSYBOX, &["/no/such/path"]).code(127).stderr_has("/no/such/path");
        assert_eq!(s.container_ids(), Vec::<String>::new(), "--rm removes failed containers too");
    }
}

both! {
    /// The example: name, env, workdir, hostname, pid 1, uid 0.
    fn name_env_workdir_hostname(s) {
        s.pull(BUSYBOX);
        s.ok(&["run", "--name", "web", "-e", "A=1", "-w", "/tmp", "--hostname", "h1", BUSYBOX,
               "sh", "-c", "echo $A; pwd; hostname; echo $$; id -u"])
            .stdout_is("1\n/tmp\nh1\n1\n0\n");
        let v = s.ok(&["inspect", "web"]).json();
        assert_eq!(v[0]["Name"].as_str(), Some("web"));
        assert_eq!(v.path("0.State.Status").as_str(), Some("exited"));
        assert_eq!(v.path("0.State.ExitCode").as_i64(), Some(0));
        assert!(v.path("0.Config.Env").strings().contains(&"A=1".to_string()), "{v:?}");
        s.ok(&["rm", "web"]);
        assert_eq!(s.container_ids(), Vec::<String>::new());
    }
}

both! {
    /// The command is pid 1 of its own pid namespace, and sees only its own processes.
    fn pid_one(s) {
        let out = s.run_rm(BUSYBOX, &["sh", "-c", "echo $$; tr '\\0' ' ' < /proc/1/cmdline; echo; ls /proc | grep -c '^[0-9]'"]).ok();
        let lines: Vec<&str> = out.stdout.lines().collect();
        assert_eq!(lines.len(), 3, "{out:?}");
        assert_eq!(lines[0], "1", "{out:?}");
        assert!(lines[1].starts_with("sh -c echo $$;"), "pid 1 is the command:{out:?}");
        let n: u32 = lines[2].trim().parse().unwrap_or(99);
        assert!(n <= 4, "only the container's processes in /proc:{out:?}");
    }
}

both! {
    /// -u, --entrypoint, -e KEY (from here), default PATH and HOME.
    fn user_entrypoint_env(s) {
        s.pull(BUSYBOX);
        s.run_rm(BUSYBOX, &["id", "-u"]).ok().stdout_is("0\n");
        s.ok(&["run", "--rm", "-u", "1000", BUSYBOX, "id", "-u"]).stdout_is("1000\n");
        s.ok(&["run", "--rm", "-u", "tester", BUSYBOX, "sh", "-c", "id -un; id -g; echo $HOME"]).stdout_is("tester\n1000\n/home/tester\n");
        s.ok(&["run", "--rm", "-u", "1000:1000", BUSYBOX, "id", "-g"]).stdout_is("1000\n");
        s.ok(&["run", "--rm", "--entrypoint", "echo", BUSYBOX, "from", "entrypoint"]).stdout_is("from entrypoint\n");
        s.run_rm(BUSYBOX, &["sh", "-c", "echo $HOME"]).ok().stdout_is("/root\n");
        let out = s.run_rm(BUSYBOX, &["sh", "-c", "echo $PATH"]).ok();
        assert!(out.stdout.split(':').any(|p| p.trim() == "/bin"), "{out:?}");
        s.ok(&["run", "--rm", "-e", "B=two words", "-e", "C=", BUSYBOX, "sh", "-c", "echo \"$B|$C|\""]).stdout_is("two words||\n");
    }
}

both! {
    /// An unknown user name: an error naming it (podman: 126; 125 is as fair).
    fn unknown_user(s) {
        s.pull(BUSYBOX);
        let out = s.run(&["run", "--rm", "-u", "nosuchuser", BUSYBOX, "true"]).stderr_has("nosuchuser");
        assert!(out.code == 125 || out.code == 126, "{out:?}");
    }
}

both! {
    /// stdout and stderr stay apart; -i passes stdin through.
    fn streams(s) {
        s.pull(BUSYBOX);
        let out = s.run_rm(BUSYBOX, &["sh", "-c", "echo out; echo err >&2"]).ok().stdout_is("out\n");
        assert!(out.stderr.lines().any(|l| l == "err"), "{out:?}");
        s.run_stdin(&["run", "--rm", "-i", BUSYBOX, "sh"], "echo from-stdin; exit 3\n").code(3).stdout_is("from-stdin\n");
        s.run_stdin(&["run", "--rm", "-i", BUSYBOX, "cat"], "line one\nline two\n").ok().stdout_is("line one\nline two\n");
    }
}

both! {
    /// /dev, /proc, /sys and the /etc files the runtime provides.
    fn container_filesystem(s) {
        s.pull(BUSYBOX);
        let script = "for d in null zero full random urandom tty; do test -c /dev/$d || echo no /dev/$d; done; \
                      test -d /dev/pts || echo no /dev/pts; test -d /dev/shm || echo no /dev/shm; \
                      test -d /dev/mqueue || echo no /dev/mqueue; test -e /proc/self/exe || echo no /proc; \
                      touch /sys/x 2>/dev/null && echo /sys writable; \
                      echo x > /dev/null || echo cannot write /dev/null; \
                      test \"$(head -c 4 /dev/zero | wc -c)\" = 4 || echo /dev/zero; \
                      grep -q localhost /etc/hosts || echo no localhost in /etc/hosts; \
                      test \"$(cat /etc/hostname)\" = \"$(hostname)\" || echo /etc/hostname differs; \
                      echo done";
        s.run_rm(BUSYBOX, &["sh", "-c", script]).ok().stdout_is("done\n");
        let out = s.ok(&["run", "--rm", "--hostname", "box1", BUSYBOX, "cat", "/etc/hostname"]);
        assert_eq!(out.stdout.trim_end(), "box1", "{out:?}");
    }
}

both! {
    /// --network none has only lo; host sees this machine's interfaces.
    /// (The rootless default is pasta now: tests/cli/network.rs.)
    fn network_modes(s) {
        s.pull(BUSYBOX);
        s.ok(&["run", "--rm", "--network", "none", BUSYBOX, "ls", "/sys/class/net"]).stdout_is("lo\n");
        let out = s.ok(&["run", "--rm", "--network", "none", BUSYBOX, "cat", "/proc/net/dev"]);
        assert_eq!(proc_net_dev_names(&out.stdout), ["lo".to_string()].into(), "{out:?}");
        let out = s.ok(&["run", "--rm", "--network", "host", BUSYBOX, "cat", "/proc/net/dev"]);
        assert_eq!(proc_net_dev_names(&out.stdout), host_interfaces(), "{out:?}");
        assert!(host_interfaces().len() > 1, "this machine has more than lo");
        s.ok(&["run", "--rm", "--network", "host", BUSYBOX, "sh", "-c", "test -f /etc/resolv.conf && echo ok"]).stdout_is("ok\n");
        s.run(&["run", "--rm", "--network", "bogus", BUSYBOX, "true"]).code(125).stderr_has("bogus");
    }
}

both! {
    /// Two `run --rm` at once, with the image present.
    fn two_runs_at_once(s) {
        s.pull(BUSYBOX);
        let a = s.spawn(&["run", "--rm", BUSYBOX, "sh", "-c", "sleep 0.5; echo a"]);
        let b = s.spawn(&["run", "--rm", BUSYBOX, "sh", "-c", "sleep 0.5; echo b"]);
        a.finish().ok().stdout_is("a\n");
        b.finish().ok().stdout_is("b\n");
        assert_eq!(s.container_ids(), Vec::<String>::new());
    }
}

both! {
    /// Two `run --rm` at once that both have to pull the image first.
    fn two_runs_at_once_pulling(s) {
        let a = s.spawn(&["run", "--rm", "--tls-verify=false", LAYERED, "cat", "/data/keep.txt"]);
        let b = s.spawn(&["run", "--rm", "--tls-verify=false", LAYERED, "cat", "/data/mid.txt"]);
        a.finish().ok().stdout_is("keep\n");
        b.finish().ok().stdout_is("mid\n");
        assert_eq!(s.image_ids().len(), 1);
        assert_eq!(s.layer_entries().len(), 3, "each layer once: {:?}", s.layer_entries());
        assert_eq!(s.tmp_entries(), Vec::<String>::new(), "nothing half-done left");
        assert_eq!(s.container_ids(), Vec::<String>::new());
    }
}

both! {
    /// OCI whiteouts: a deleted file and folder are gone, an opaque folder shows
    /// only the upper layer's content, and no .wh. file is visible.
    fn whiteouts_honoured(s) {
        let script = "for f in /data/keep.txt /data/mid.txt /data/gone.txt /olddir /olddir/file.txt \
                      /opaque/old.txt /opaque/olddir /opaque/new.txt; do \
                      if [ -e $f ]; then echo \"$f yes\"; else echo \"$f no\"; fi; done; \
                      ls -A /opaque; ls -A /data; wc -c < /data/big.bin; ls -A / | grep -c '^\\.wh\\.'; \
                      mkdir /olddir && ls -A /olddir | wc -l";
        s.run_rm(LAYERED, &["sh", "-c", script]).ok().stdout_is(
            "/data/keep.txt yes\n/data/mid.txt yes\n/data/gone.txt no\n/olddir no\n/olddir/file.txt no\n\
             /opaque/old.txt no\n/opaque/olddir no\n/opaque/new.txt yes\n\
             new.txt\nbig.bin\nkeep.txt\nmid.txt\n1048576\n0\n0\n",
        );
    }
}

both! {
    /// The command's signals: SIGTERM to sangja reaches the container's pid 1.
    fn signals_forwarded(s) {
        s.pull(BUSYBOX);
        let mut r = s.spawn(&["run", "--rm", BUSYBOX, "sh", "-c",
            "trap 'echo got TERM; exit 42' TERM; echo ready; while true; do sleep 0.1; done"]);
        r.wait_for_line("ready", Duration::from_secs(60));
        r.signal("TERM");
        r.finish().code(42);
        assert_eq!(s.container_ids(), Vec::<String>::new());
    }
}

both! {
    /// Bad input gets 125 and a message naming the thing.
    fn bad_input(s) {
        s.run(&["run", "--rm"]).code(125);
        s.run(&["pull", "--tls-verify=false", "Not A Reference"]).code(125).stderr_has("Not A Reference");
        s.run(&["run", "--rm", "--tls-verify=false", "127.0.0.1:5000/UPPER"]).code(125).stderr_has("UPPER");
        s.run(&["nosuchcommand"]).code(125);
        s.run(&["inspect", "nosuchthing"]).code(125).stderr_has("nosuchthing");
        s.run(&["--storage-driver", "nosuchdriver", "images"]).code(125).stderr_has("nosuchdriver");
    }
}

#[test]
fn help_on_every_command() {
    let Some(s) = Sangja::rootless("help") else { return };
    let top = s.ok(&["--help"]);
    assert!(top.stdout.contains("Usage"), "{top:?}");
    for cmd in ["pull", "images", "rmi", "run", "ps", "rm", "inspect", "version"] {
        assert!(top.stdout.contains(cmd), "--help lists {cmd}:{top:?}");
        let out = s.ok(&[cmd, "--help"]);
        assert!(out.stdout.contains("Usage"), "{out:?}");
    }
    for flag in ["--root", "--runroot", "--storage-driver", "--log-level"] {
        assert!(top.stdout.contains(flag), "global flag {flag}:{top:?}");
    }
    let v = s.ok(&["--version"]);
    assert!(v.stdout.contains("sangja"), "{v:?}");
    s.ok(&["version"]);
}

#[test]
fn user_without_subuid_range() {
    let Some(s) = Sangja::nosub("nosub") else { return };
    let out = s.run_rm(BUSYBOX, &["sh", "-c", "id -u; stat -c %u /home/tester; touch /new && echo wrote"]).ok();
    assert_eq!(out.stdout, "0\n0\nwrote\n", "owners squashed to the one mapped id:{out:?}");
    assert!(out.stderr.contains("subuid"), "a warning that names /etc/subuid:{out:?}");
}
