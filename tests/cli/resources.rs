//! Resource limits (issue 6): cgroup v1 limits as root; rootless on this
//! host there is no delegated cgroup with controllers (v2 holds only
//! hugetlb), so the rootless tests check the refusal, and --ulimit.

use crate::util::*;

#[test]
fn memory_limit_oom_kills_root() {
    let Some(s) = Sangja::root("resources::memory_limit_oom_kills") else { return };
    s.pull(BUSYBOX);
    // /dev/shm is a tmpfs: its pages are charged to the container's memcg.
    let cmd = "head -c 50331648 /dev/zero > /dev/shm/fill; echo survived";
    s.run(&["run", "--rm", "-m", "32m", "--memory-swap", "32m", BUSYBOX, "sh", "-c", cmd]).code(137);
    s.run(&["run", "--rm", "-m", "128m", BUSYBOX, "sh", "-c", cmd]).ok().stdout_is("survived\n");
}

#[test]
fn pids_limit_stops_fork_loop_root() {
    let Some(s) = Sangja::root("resources::pids_limit_stops_fork_loop") else { return };
    s.pull(BUSYBOX);
    let cmd = "i=0; while [ $i -lt 40 ]; do sleep 1 & i=$((i+1)); echo $i; done";
    let out = s.run(&["run", "--name", "forker", "--pids-limit", "20", BUSYBOX, "sh", "-c", cmd]).code(2);
    let last: u32 = out.stdout.lines().last().and_then(|l| l.trim().parse().ok()).unwrap_or(0);
    // The shell and its sleeps: 20 tasks at most.
    assert!((17..=19).contains(&last), "forks before the limit: {last}:{out:?}");
    assert!(out.stderr.contains("can't fork"), "{out:?}");
    let id = s.container_id("forker");
    for ctrl in ["pids", "memory", "cpu", "cpuacct"] {
        let dir = std::path::Path::new("/sys/fs/cgroup").join(ctrl).join("sangja").join(&id);
        assert!(!dir.exists(), "{} removed when the container exited", dir.display());
    }
    s.ok(&["rm", "forker"]);
}

#[test]
fn cpus_half_holds_busy_loop_root() {
    let Some(s) = Sangja::root("resources::cpus_half_holds_busy_loop") else { return };
    s.pull(BUSYBOX);
    let cmd = "time timeout 2 sh -c 'while :; do :; done'";
    let out = s.run(&["run", "--rm", "--cpus", "0.5", BUSYBOX, "sh", "-c", cmd]);
    // busybox time: "real\t0m 2.00s" / "user\t0m 1.00s" / "sys\t0m 0.00s".
    let secs = |key: &str| -> f64 {
        out.stderr
            .lines()
            .find_map(|l| l.strip_prefix(key))
            .and_then(|v| {
                let v = v.trim().trim_end_matches('s');
                let (m, s) = v.split_once('m')?;
                Some(m.trim().parse::<f64>().ok()? * 60.0 + s.trim().parse::<f64>().ok()?)
            })
            .unwrap_or_else(|| panic!("no {key} in {out:?}"))
    };
    let share = (secs("user") + secs("sys")) / secs("real");
    assert!((0.3..=0.7).contains(&share), "CPU share {share:.2} with --cpus 0.5:{out:?}");
}

#[test]
fn limits_refused_rootless() {
    let Some(s) = Sangja::rootless("resources::limits_refused") else { return };
    s.pull(BUSYBOX);
    // Paths taken: this host's v2 hierarchy has no memory/pids/cpu
    // controllers to delegate and v1 is root's, so every limit is refused.
    for flags in [&["--memory", "32m"][..], &["--pids-limit", "20"], &["--cpus", "0.5"]] {
        let mut args = vec!["run", "--rm"];
        args.extend_from_slice(flags);
        args.extend_from_slice(&[BUSYBOX, "true"]);
        let out = s.run(&args).code(125).stderr_has(flags[0]);
        assert!(out.stderr.contains("enable-linger") && out.stderr.contains("Delegate="), "{out:?}");
    }
    // Without limit flags the container runs (no default pids limit without a controller).
    s.run_rm(BUSYBOX, &["true"]).ok();
    assert_eq!(s.container_ids(), Vec::<String>::new());
}

both! {
    /// --ulimit sets the rlimits; above our hard limit it is refused, naming it.
    fn ulimit(s) {
        s.pull(BUSYBOX);
        s.ok(&["run", "--rm", "--ulimit", "nofile=100:200", BUSYBOX, "sh", "-c", "ulimit -n; ulimit -Hn"]).stdout_is("100\n200\n");
        let out = s.run(&["run", "--rm", "--ulimit", "nofile=99999999999", BUSYBOX, "true"]).code(125);
        assert!(out.stderr.contains("--ulimit") && out.stderr.contains("nofile") && out.stderr.contains("hard limit"), "{out:?}");
        s.run(&["run", "--rm", "--ulimit", "bogus=1", BUSYBOX, "true"]).code(125).stderr_has("bogus");
        s.run(&["run", "--rm", "--cgroups", "nope", BUSYBOX, "true"]).code(125).stderr_has("--cgroups");
        s.run(&["run", "--rm", "--cgroups", "disabled", "-m", "32m", BUSYBOX, "true"]).code(125).stderr_has("disabled");
    }
}

both! {
    /// stats --no-stream of a running container: its CPU, memory and pids;
    /// rootless from /proc, as root from its cgroup (with the memory limit).
    fn stats_no_stream(s) {
        s.pull(BUSYBOX);
        // A foreground run in the background: stats needs only a running container.
        let mut run = vec!["run", "--name", "busy"];
        if !s.is_rootless() {
            run.extend_from_slice(&["-m", "64m"]);
        }
        // Bounded by timeout: a failed assertion must not leave a busy loop behind.
        run.extend_from_slice(&[BUSYBOX, "timeout", "15", "sh", "-c", "echo up; sleep 15 & while :; do :; done"]);
        let mut fg = s.spawn(&run);
        fg.wait_for_line("up", std::time::Duration::from_secs(20));
        // The record says running a moment after the command starts.
        for _ in 0..100 {
            if s.run(&["inspect", "--format", "{{.State.Running}}", "busy"]).stdout.trim() == "true" {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        let out = s.ok(&["stats", "--no-stream", "--format", "json", "busy"]);
        let v = out.json();
        assert_eq!(v[0]["Name"].as_str(), Some("busy"), "{out:?}");
        assert_eq!(v[0]["PIDs"].as_str(), Some("3"), "timeout, sh and sleep:{out:?}");
        let cpu: f64 = v[0]["CPUPerc"].as_str().unwrap_or("").trim_end_matches('%').parse().unwrap_or(-1.0);
        assert!(cpu > 10.0, "a busy loop shows CPU use:{out:?}");
        assert!(v[0]["MemUsageBytes"].as_i64().unwrap_or(0) > 0, "{out:?}");
        if !s.is_rootless() {
            assert_eq!(v[0]["MemLimitBytes"].as_i64(), Some(64 << 20), "{out:?}");
        }
        let table = s.ok(&["stats", "--no-stream"]);
        assert!(table.stdout.starts_with("ID "), "{table:?}");
        assert!(table.stdout.contains("busy") && table.stdout.contains("MEM USAGE / LIMIT"), "{table:?}");
        s.ok(&["rm", "-f", "busy"]);
        drop(fg);
        s.run(&["stats", "--no-stream", "nosuch"]).code(125);
    }
}

#[test]
fn cgroup_namespace_and_files_root() {
    let Some(s) = Sangja::root("resources::cgroup_namespace_and_files") else { return };
    s.pull(BUSYBOX);
    let cmd = "grep -c ':/$' /proc/self/cgroup; grep memory /proc/self/cgroup; \
               cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/cpu/cpu.cfs_quota_us /sys/fs/cgroup/pids/pids.max; \
               echo 1 > /sys/fs/cgroup/pids/pids.max && echo wrote";
    let out = s.run(&["run", "--rm", "-m", "32m", "--cpus", "0.5", BUSYBOX, "sh", "-c", cmd]);
    let lines = out.lines();
    assert!(lines.iter().any(|l| l.ends_with(":memory:/")), "its own cgroup is its root:{out:?}");
    assert_eq!(&lines[lines.len() - 3..], &["33554432", "50000", "2048"], "{out:?}");
    assert!(!out.stdout.contains("wrote") && out.stderr.contains("Read-only"), "{out:?}");
}

#[test]
fn default_seccomp_denies_swapon_root() {
    let Some(s) = Sangja::root("resources::default_seccomp_denies_swapon") else { return };
    s.pull(BUSYBOX);
    // As root with CAP_SYS_ADMIN the kernel would get as far as checking the
    // file (EINVAL: not a swap area); the default profile stops it first.
    let out = s.run(&["run", "--rm", "--cap-add", "sys_admin", BUSYBOX, "swapon", "/etc/passwd"]).code(1);
    assert!(out.stderr.contains("Operation not permitted"), "{out:?}");
    let out =
        s.run(&["run", "--rm", "--cap-add", "sys_admin", "--security-opt", "seccomp=unconfined", BUSYBOX, "swapon", "/etc/passwd"]).code(1);
    assert!(out.stderr.contains("Invalid argument"), "{out:?}");
}

#[test]
fn exec_joins_container_cgroups_root() {
    let Some(s) = Sangja::root("resources::exec_joins_container_cgroups") else { return };
    s.pull(BUSYBOX);
    s.ok(&["run", "-d", "--name", "ex", "-m", "48m", BUSYBOX, "sleep", "20"]);
    // In the container's cgroup (the root of its cgroup namespace), under its limit.
    let out = s.ok(&["exec", "ex", "sh", "-c", "cat /sys/fs/cgroup/memory/memory.limit_in_bytes; grep :memory: /proc/self/cgroup"]);
    assert_eq!(out.stdout, "50331648\n4:memory:/\n", "{out:?}");
    s.ok(&["rm", "-f", "ex"]);
}
