//! `logs`: the k8s-file log of detached containers, follow, tail, times,
//! several containers, the size cap.

use crate::util::*;
use std::time::{Duration, Instant};

both! {
    /// A detached container printing over time is followed by `logs -f`
    /// until it exits; stdout and stderr stay apart.
    fn follow_until_exit(s) {
        s.pull(BUSYBOX);
        s.ok(&["run", "-d", "--name", "talker", BUSYBOX, "sh", "-c",
               "for i in 1 2 3 4 5; do echo line $i; sleep 0.2; done; echo bye >&2"]);
        let t0 = Instant::now();
        let out = s.ok(&["logs", "-f", "talker"]);
        let took = t0.elapsed();
        assert_eq!(out.stdout, "line 1\nline 2\nline 3\nline 4\nline 5\n", "{out:?}");
        assert_eq!(out.stderr, "bye\n");
        assert!(took > Duration::from_millis(400), "logs -f followed the container ({took:?})");
        assert_eq!(s.ok(&["inspect", "--format", "{{.State.Status}}", "talker"]).stdout, "exited\n");
        // Following an exited container prints its log and ends.
        s.ok(&["logs", "-f", "talker"]).stdout_is("line 1\nline 2\nline 3\nline 4\nline 5\n");
    }
}

both! {
    /// The log file is podman's k8s-file format, with P for partial lines.
    fn k8s_file_format(s) {
        s.pull(BUSYBOX);
        let id = s.ok(&["run", "-d", BUSYBOX, "sh", "-c", "echo full; echo err >&2; printf partial"]).stdout.trim().to_string();
        s.ok(&["wait", &id]);
        let text = std::fs::read_to_string(s.container_dir(&id).join("ctr.log")).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3, "{text}");
        for l in &lines {
            let f: Vec<&str> = l.splitn(4, ' ').collect();
            assert!(f[0].len() >= 20 && f[0].contains('T') && f[0].ends_with('Z'), "RFC 3339 time: {l}");
            assert!(["stdout", "stderr"].contains(&f[1]) && ["F", "P"].contains(&f[2]), "{l}");
        }
        assert!(text.contains(" stdout F full\n") && text.contains(" stderr F err\n") && text.contains(" stdout P partial\n"), "{text}");
        let out = s.ok(&["logs", &id]);
        assert_eq!(out.stdout, "full\npartial", "a partial line is printed without a newline");
    }
}

both! {
    /// --tail, -t, --since, --until, several containers with --names.
    fn tail_times_and_names(s) {
        s.pull(BUSYBOX);
        s.ok(&["run", "--name", "fg", BUSYBOX, "true"]);
        s.ok(&["run", "-d", "--name", "abc", BUSYBOX, "sh", "-c", "echo a; echo b; echo c"]);
        s.ok(&["run", "-d", "--name", "xyz", BUSYBOX, "echo", "x"]);
        s.ok(&["wait", "abc", "xyz"]);
        s.ok(&["logs", "--tail", "2", "abc"]).stdout_is("b\nc\n");
        s.ok(&["logs", "--tail", "0", "abc"]).stdout_is("");
        s.ok(&["logs", "--tail=-1", "abc"]).stdout_is("a\nb\nc\n");
        let t = s.ok(&["logs", "-t", "abc"]);
        for l in t.lines() {
            let (ts, text) = l.split_once(' ').unwrap();
            assert!(ts.ends_with('Z') && ts.contains('T'), "{l}");
            assert!(["a", "b", "c"].contains(&text), "{l}");
        }
        s.ok(&["logs", "--since", "10m", "abc"]).stdout_is("a\nb\nc\n");
        s.ok(&["logs", "--since", "2099-01-01T00:00:00Z", "abc"]).stdout_is("");
        s.ok(&["logs", "--until", "2000-01-01", "abc"]).stdout_is("");
        s.run(&["logs", "--since", "someday", "abc"]).code(125).stderr_has("invalid time");
        let both = s.ok(&["logs", "--names", "abc", "xyz"]).lines();
        assert_eq!(both, ["abc a", "abc b", "abc c", "xyz x"]);
        let id = s.container_id("xyz");
        assert!(s.ok(&["logs", "abc", "xyz"]).lines().contains(&format!("{} x", &id[..12])));
        // A foreground run has no log: nothing to show, no error.
        s.ok(&["logs", "fg"]).stdout_is("");
        s.run(&["logs", "nosuch"]).code(125).stderr_has("no container with name or ID \"nosuch\" found");
    }
}

both! {
    /// --log-opt max-size caps the log: rotated once full, newest lines kept.
    fn max_size_rotates(s) {
        s.pull(BUSYBOX);
        let id = s.ok(&["run", "-d", "--log-opt", "max-size=2k", BUSYBOX, "sh", "-c",
                        "i=0; while [ $i -lt 300 ]; do echo line $i; i=$((i+1)); [ $((i % 40)) = 0 ] && sleep 0.02; done; true"]).stdout.trim().to_string();
        s.ok(&["wait", &id]);
        let dir = s.container_dir(&id);
        let cur = std::fs::metadata(dir.join("ctr.log")).unwrap().len();
        let old = std::fs::metadata(dir.join("ctr.log.1")).unwrap().len();
        assert!(cur <= 2048 && old <= 2048, "capped: {cur} {old}");
        s.ok(&["logs", "--tail", "1", &id]).stdout_is("line 299\n");
        let all = s.ok(&["logs", &id]).lines();
        assert!(all.len() < 300 && all.len() > 20, "{}", all.len());
        let n: Vec<usize> = all.iter().map(|l| l[5..].parse().unwrap()).collect();
        assert!(n.windows(2).all(|w| w[1] == w[0] + 1), "consecutive newest lines: {n:?}");
        s.run(&["run", "-d", "--log-opt", "max-size=lots", BUSYBOX, "true"]).code(125).stderr_has("invalid size");
    }
}
