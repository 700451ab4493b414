//! `run`/`create` flags of issue 19's second set (runflags): each changes
//! what the container gets, checked from inside it, rootless and as root.

use crate::json::JsonExt;
use crate::util::*;
use std::time::{Duration, Instant};

fn inspect(s: &Sangja, name: &str) -> crate::json::Json {
    s.ok(&["inspect", name]).json()[0].clone()
}

both! {
    /// --stop-signal is what stop sends (and inspect shows); --annotation
    /// reaches the OCI spec's annotations and inspect.
    fn stop_signal_and_annotations(s) {
        s.pull(BUSYBOX);
        let script = "trap 'echo got-usr1; exit 3' USR1; echo ready; while :; do sleep 0.1; done";
        s.ok(&["run", "-d", "--name", "rf-sig", "--stop-signal", "SIGUSR1", "--annotation", "rf.key=rf value", BUSYBOX, "sh", "-c", script]);
        let doc = inspect(s, "rf-sig");
        assert_eq!(doc.path("Config.StopSignal").as_i64(), Some(10), "{doc}");
        assert_eq!(doc["Config"]["Annotations"]["rf.key"].as_str(), Some("rf value"), "{doc}");
        let id = s.container_id("rf-sig");
        let spec = std::fs::read_to_string(s.container_dir(&id).join("spec.json")).unwrap();
        let spec: crate::json::Json = serde_json::from_str(&spec).unwrap();
        assert_eq!(spec["annotations"]["rf.key"].as_str(), Some("rf value"), "{spec}");
        let deadline = Instant::now() + Duration::from_secs(10);
        while !s.ok(&["logs", "rf-sig"]).stdout.contains("ready") && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(50));
        }
        let start = Instant::now();
        s.ok(&["stop", "-t", "20", "rf-sig"]);
        assert!(start.elapsed() < Duration::from_secs(10), "stopped by USR1, not by the SIGKILL after 20 s");
        assert_eq!(inspect(s, "rf-sig").path("State.ExitCode").as_i64(), Some(3));
        assert!(s.ok(&["logs", "rf-sig"]).stdout.contains("got-usr1"));
        s.run(&["create", "--stop-signal", "NOSUCH", BUSYBOX]).code(125).stderr_has("invalid signal");
        // Without the flag: SIGTERM (busybox has no STOPSIGNAL).
        s.ok(&["create", "--name", "rf-sig2", BUSYBOX]);
        assert_eq!(inspect(s, "rf-sig2").path("Config.StopSignal").as_i64(), Some(15));
        s.ok(&["rm", "-f", "rf-sig", "rf-sig2"]);
    }
}

both! {
    /// --tz mounts the zone on /etc/localtime; --umask is the process's umask.
    fn tz_and_umask(s) {
        s.pull(BUSYBOX);
        let out = s.ok(&["run", "--rm", "--tz", "Asia/Tokyo", "--umask", "0027", BUSYBOX, "sh", "-c", "date +%Z; umask"]);
        assert_eq!(out.stdout, "JST\n0027\n", "{out:?}");
        let out = s.ok(&["run", "--rm", "--tz", "America/New_York", BUSYBOX, "date", "+%Z"]);
        assert!(["EST\n", "EDT\n"].contains(&out.stdout.as_str()), "{out:?}");
        let host_zone = std::process::Command::new("date").arg("+%Z").output().unwrap();
        s.ok(&["run", "--rm", "--tz", "local", BUSYBOX, "date", "+%Z"]).stdout_is(&String::from_utf8_lossy(&host_zone.stdout));
        s.ok(&["run", "--rm", BUSYBOX, "sh", "-c", "umask"]).stdout_is("0022\n");
        s.run(&["run", "--rm", "--tz", "Nowhere/Atlantis", BUSYBOX, "true"]).code(125).stderr_has("Nowhere/Atlantis");
        s.run(&["run", "--rm", "--umask", "0999", BUSYBOX, "true"]).code(125).stderr_has("umask");
        s.ok(&["create", "--name", "rf-tz", "--tz", "Asia/Tokyo", "--umask", "077", BUSYBOX]);
        let doc = inspect(s, "rf-tz");
        assert_eq!((doc.path("Config.Timezone").as_str(), doc.path("Config.Umask").as_str()), (Some("Asia/Tokyo"), Some("0077")), "{doc}");
        s.ok(&["rm", "rf-tz"]);
    }
}

both! {
    /// --unsetenv, --unsetenv-all and --env-merge edit the default environment; -e stays.
    fn environment_edits(s) {
        s.pull(BUSYBOX);
        let env = |args: &[&str]| -> Vec<String> {
            let mut a = vec!["run", "--rm"];
            a.extend_from_slice(args);
            a.extend_from_slice(&[BUSYBOX, "env"]);
            let mut v: Vec<String> = s.ok(&a).stdout.lines().map(String::from).collect();
            v.sort();
            v
        };
        let all = env(&["--unsetenv-all", "-e", "A=1"]);
        assert!(all.contains(&"A=1".to_string()), "{all:?}");
        for k in ["PATH=", "container=", "HOSTNAME="] {
            assert!(!all.iter().any(|e| e.starts_with(k)), "{k} unset by --unsetenv-all: {all:?}");
        }
        let some = env(&["--unsetenv", "container", "--env-merge", "PATH=${PATH}:/opt/rf", "--env-merge", "NEW=x$NOPE"]);
        assert!(!some.iter().any(|e| e.starts_with("container=")), "{some:?}");
        assert!(some.contains(&"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/opt/rf".to_string()), "{some:?}");
        assert!(some.contains(&"NEW=x".to_string()), "{some:?}");
        assert!(some.iter().any(|e| e.starts_with("HOSTNAME=")), "{some:?}");
        // -e wins over what was unset.
        let back = env(&["--unsetenv", "container", "-e", "container=mine"]);
        assert!(back.contains(&"container=mine".to_string()), "{back:?}");
    }
}

both! {
    /// --group-add gives supplementary groups (gid or the image's name).
    fn group_add(s) {
        s.pull(BUSYBOX);
        let out = s.ok(&["run", "--rm", "--group-add", "10", "--group-add", "tty", BUSYBOX, "id", "-G"]);
        let groups: Vec<&str> = out.stdout.split_whitespace().collect();
        assert!(groups.contains(&"10") && groups.contains(&"5"), "{out:?}");
        s.run(&["run", "--rm", "--group-add", "nosuchgroup", BUSYBOX, "true"]).code(125).stderr_has("nosuchgroup");
        s.run(&["run", "--rm", "--group-add", "keep-groups", "--group-add", "10", BUSYBOX, "true"]).code(125).stderr_has("keep-groups");
        s.ok(&["create", "--name", "rf-grp", "--group-add", "10", BUSYBOX]);
        assert_eq!(inspect(s, "rf-grp").path("HostConfig.GroupAdd").strings(), vec!["10"]);
        s.ok(&["rm", "rf-grp"]);
    }
}

both! {
    /// --shm-size sets /dev/shm's size; --ipc=none has none, --ipc=host the host's.
    fn shm_and_ipc(s) {
        s.pull(BUSYBOX);
        let out = s.ok(&["run", "--rm", "--shm-size", "1m", BUSYBOX, "grep", " /dev/shm ", "/proc/mounts"]);
        assert!(out.stdout.contains("size=1024k"), "{out:?}");
        s.run(&["run", "--rm", "--ipc", "none", BUSYBOX, "grep", " /dev/shm ", "/proc/mounts"]).code(1);
        let host_ipc = std::fs::read_link("/proc/self/ns/ipc").unwrap().display().to_string();
        s.ok(&["run", "--rm", "--ipc", "host", BUSYBOX, "readlink", "/proc/self/ns/ipc"]).stdout_is(&format!("{host_ipc}\n"));
        let own = s.ok(&["run", "--rm", BUSYBOX, "readlink", "/proc/self/ns/ipc"]);
        assert_ne!(own.stdout.trim(), host_ipc);
        s.run(&["run", "--rm", "--ipc", "host", "--shm-size", "1m", BUSYBOX, "true"]).code(125).stderr_has("shmsize");
        s.run(&["run", "--rm", "--ipc", "bogus", BUSYBOX, "true"]).code(125).stderr_has("bogus");
    }
}

both! {
    /// --uts/--pid/--cgroupns host share the host's namespace; private makes one.
    fn namespace_modes(s) {
        s.pull(BUSYBOX);
        let host = |ns: &str| std::fs::read_link(format!("/proc/self/ns/{ns}")).unwrap().display().to_string();
        let inside = |flags: &[&str], ns: &str| {
            let mut a = vec!["run", "--rm"];
            a.extend_from_slice(flags);
            let link = format!("/proc/self/ns/{ns}");
            a.extend_from_slice(&[BUSYBOX, "readlink", &link]);
            s.ok(&a).stdout.trim().to_string()
        };
        assert_eq!(inside(&["--uts", "host"], "uts"), host("uts"));
        assert_ne!(inside(&[], "uts"), host("uts"));
        let hostname = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap();
        s.ok(&["run", "--rm", "--uts", "host", BUSYBOX, "hostname"]).stdout_is(&hostname);
        assert_eq!(inside(&["--pid", "host"], "pid"), host("pid"));
        assert_ne!(inside(&[], "pid"), host("pid"));
        let out = s.ok(&["run", "--rm", "--pid", "host", BUSYBOX, "sh", "-c", "echo $$"]);
        assert_ne!(out.stdout.trim(), "1", "not pid 1 in the host's pid namespace: {out:?}");
        assert_eq!(inside(&["--cgroupns", "host"], "cgroup"), host("cgroup"));
        assert_ne!(inside(&["--cgroupns", "private"], "cgroup"), host("cgroup"));
        s.run(&["run", "--rm", "--uts", "container:other", BUSYBOX, "true"]).code(125).stderr_has("container:other");
        s.ok(&["create", "--name", "rf-ns", "--uts", "host", "--pid", "host", BUSYBOX]);
        let doc = inspect(s, "rf-ns");
        assert_eq!((doc.path("HostConfig.UTSMode").as_str(), doc.path("HostConfig.PidMode").as_str()), (Some("host"), Some("host")));
        s.ok(&["rm", "rf-ns"]);
    }
}

both! {
    /// --sysctl sets namespaced sysctls and refuses the others as podman.
    fn sysctls(s) {
        s.pull(BUSYBOX);
        s.ok(&["run", "--rm", "--sysctl", "kernel.shmmax=123456789", BUSYBOX, "cat", "/proc/sys/kernel/shmmax"]).stdout_is("123456789\n");
        let out = s.ok(&["run", "--rm", "--network", "none", "--sysctl", "net.ipv4.ip_unprivileged_port_start=99", BUSYBOX, "cat", "/proc/sys/net/ipv4/ip_unprivileged_port_start"]);
        assert_eq!(out.stdout, "99\n", "{out:?}");
        s.run(&["run", "--rm", "--sysctl", "vm.swappiness=1", BUSYBOX, "true"]).code(125).stderr_has("not allowed");
        s.run(&["run", "--rm", "--ipc", "host", "--sysctl", "kernel.shmmax=1", BUSYBOX, "true"]).code(125).stderr_has("--ipc=host");
        s.run(&["run", "--rm", "--network", "host", "--sysctl", "net.ipv4.ip_forward=1", BUSYBOX, "true"]).code(125).stderr_has("--network=host");
    }
}

both! {
    /// --oom-score-adj and --personality reach the process.
    fn oom_score_and_personality(s) {
        s.pull(BUSYBOX);
        s.ok(&["run", "--rm", "--oom-score-adj", "500", BUSYBOX, "cat", "/proc/self/oom_score_adj"]).stdout_is("500\n");
        s.run(&["run", "--rm", "--oom-score-adj", "1001", BUSYBOX, "true"]).code(125).stderr_has("1000");
        if host_arch() == "amd64" {
            s.ok(&["run", "--rm", "--personality", "LINUX32", BUSYBOX, "uname", "-m"]).stdout_is("i686\n");
            s.ok(&["run", "--rm", "--personality", "LINUX", BUSYBOX, "uname", "-m"]).stdout_is("x86_64\n");
        }
        s.run(&["run", "--rm", "--personality", "HPUX", BUSYBOX, "true"]).code(125).stderr_has("HPUX");
    }
}

both! {
    /// --timeout kills a container that runs too long (foreground and detached).
    fn timeout_kills(s) {
        s.pull(BUSYBOX);
        let start = Instant::now();
        s.run(&["run", "--rm", "--timeout", "1", BUSYBOX, "sleep", "30"]).code(137);
        assert!(start.elapsed() < Duration::from_secs(15), "{:?}", start.elapsed());
        s.ok(&["run", "-d", "--name", "rf-to", "--timeout", "1", BUSYBOX, "sleep", "30"]);
        s.ok(&["wait", "rf-to"]).stdout_is("137\n");
        assert!(start.elapsed() < Duration::from_secs(25), "{:?}", start.elapsed());
        // A container that ends first is not touched.
        s.ok(&["run", "--rm", "--timeout", "30", BUSYBOX, "true"]);
        s.ok(&["rm", "rf-to"]);
    }
}

both! {
    /// --pidfile holds the container's pid; --conmon-pidfile its monitor's.
    fn pid_files(s) {
        s.pull(BUSYBOX);
        let (pidfile, monfile) = (s.dir.join("ctr.pid"), s.dir.join("mon.pid"));
        let (p, m) = (pidfile.display().to_string(), monfile.display().to_string());
        s.ok(&["run", "-d", "--name", "rf-pid", "--pidfile", &p, "--conmon-pidfile", &m, BUSYBOX, "sleep", "30"]);
        let doc = inspect(s, "rf-pid");
        let pid = std::fs::read_to_string(&pidfile).unwrap();
        assert_eq!(pid.trim().parse::<i64>().ok(), doc.path("State.Pid").as_i64(), "{doc}");
        assert_eq!((doc["PidFile"].as_str(), doc["ConmonPidFile"].as_str()), (Some(p.as_str()), Some(m.as_str())));
        let mon: i32 = std::fs::read_to_string(&monfile).unwrap().trim().parse().unwrap();
        let comm = std::fs::read_to_string(format!("/proc/{mon}/comm")).unwrap();
        assert!(comm.starts_with("sangja"), "the monitor is sangja's: {comm:?}");
        // The container is the monitor's child.
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", pid.trim())).unwrap();
        let ppid: i32 = stat.rsplit(')').next().unwrap().split_whitespace().nth(1).unwrap().parse().unwrap();
        assert_eq!(ppid, mon, "{stat}");
        s.ok(&["rm", "-f", "-t", "0", "rf-pid"]);
    }
}

both! {
    /// --expose adds ports that -P publishes; --no-hosts keeps the image's /etc/hosts.
    fn expose_and_hosts(s) {
        s.pull(BUSYBOX);
        s.ok(&["run", "-d", "--name", "rf-exp", "-P", "--expose", "8123", BUSYBOX, "sleep", "30"]);
        let out = s.ok(&["port", "rf-exp"]);
        assert!(out.stdout.starts_with("8123/tcp -> "), "{out:?}");
        s.ok(&["rm", "-f", "-t", "0", "rf-exp"]);
        s.run(&["run", "--rm", "--expose", "http", BUSYBOX, "true"]).code(125).stderr_has("--expose");
        let own = s.ok(&["run", "--rm", "--name", "rf-h1", BUSYBOX, "cat", "/etc/hosts"]);
        assert!(own.stdout.contains("rf-h1"), "{own:?}");
        let out = s.run(&["run", "--rm", "--name", "rf-h2", "--no-hosts", BUSYBOX, "cat", "/etc/hosts"]);
        assert!(!out.stdout.contains("rf-h2"), "{out:?}");
        s.run(&["run", "--rm", "--no-hosts", "--add-host", "a:10.1.2.3", BUSYBOX, "true"]).code(125).stderr_has("--no-hosts");
    }
}

both! {
    /// --hostuser adds a host user's entry; --passwd-entry the entry of --user's uid.
    fn passwd_entries(s) {
        s.pull(BUSYBOX);
        let out = s.ok(&["run", "--rm", "--hostuser", "sangjatest", BUSYBOX, "grep", "^sangjatest:", "/etc/passwd"]);
        assert_eq!(out.stdout.split(':').nth(2).map(str::to_string), std::fs::read_to_string("/etc/passwd").unwrap().lines().find(|l| l.starts_with("sangjatest:")).and_then(|l| l.split(':').nth(2).map(str::to_string)), "{out:?}");
        s.run(&["run", "--rm", "--hostuser", "rf-nosuchuser", BUSYBOX, "true"]).code(125).stderr_has("rf-nosuchuser");
        let out = s.ok(&["run", "--rm", "--user", "4321:4321", "--passwd-entry", "$USERNAME:x:$UID:$GID:rf user:$HOME:/bin/sh", BUSYBOX, "sh", "-c", "grep 4321 /etc/passwd; whoami"]);
        assert_eq!(out.stdout, "4321:x:4321:4321:rf user:/:/bin/sh\n4321\n", "{out:?}");
    }
}

/// A container's v1 cgroup file, as root sees it.
fn cgroup_file(s: &Sangja, name: &str, ctrl: &str, file: &str) -> String {
    let id = s.container_id(name);
    std::fs::read_to_string(format!("/sys/fs/cgroup/{ctrl}/sangja/{id}/{file}")).unwrap_or_else(|e| panic!("{ctrl}/{file}: {e}"))
}

/// A block device of this host, for the blkio flags: (path, "MAJ:MIN").
fn block_device() -> Option<(String, String)> {
    let mut names: Vec<String> =
        std::fs::read_dir("/sys/block").ok()?.flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    names.into_iter().filter(|n| !n.starts_with("loop")).find_map(|n| {
        let dev = std::fs::read_to_string(format!("/sys/block/{n}/dev")).ok()?;
        std::path::Path::new(&format!("/dev/{n}")).exists().then(|| (format!("/dev/{n}"), dev.trim().to_string()))
    })
}

#[test]
fn cgroup_v1_flags_root() {
    let Some(s) = Sangja::root("runflags::cgroup_v1_flags") else { return };
    s.pull(BUSYBOX);
    let mut args = vec![
        "run",
        "-d",
        "--name",
        "rf-cg",
        "--cpu-period",
        "50000",
        "--cpu-quota",
        "25000",
        "--memory-swappiness",
        "7",
        "--cpu-rt-period",
        "900000",
    ];
    let dev = block_device();
    let rate = dev.as_ref().map(|(d, _)| format!("{d}:1mb"));
    let iops = dev.as_ref().map(|(d, _)| format!("{d}:77"));
    if let (Some(r), Some(i)) = (&rate, &iops) {
        args.extend_from_slice(&["--device-read-bps", r, "--device-write-iops", i]);
    }
    args.extend_from_slice(&[BUSYBOX, "sleep", "30"]);
    s.ok(&args);
    assert_eq!(cgroup_file(&s, "rf-cg", "cpu", "cpu.cfs_period_us"), "50000\n");
    assert_eq!(cgroup_file(&s, "rf-cg", "cpu", "cpu.cfs_quota_us"), "25000\n");
    assert_eq!(cgroup_file(&s, "rf-cg", "memory", "memory.swappiness"), "7\n");
    assert_eq!(cgroup_file(&s, "rf-cg", "cpu", "cpu.rt_period_us"), "900000\n");
    if let Some((_, majmin)) = &dev {
        assert!(cgroup_file(&s, "rf-cg", "blkio", "blkio.throttle.read_bps_device").contains(&format!("{majmin} 1048576")));
        assert!(cgroup_file(&s, "rf-cg", "blkio", "blkio.throttle.write_iops_device").contains(&format!("{majmin} 77")));
    }
    let id = s.container_id("rf-cg");
    s.ok(&["rm", "-f", "-t", "0", "rf-cg"]);
    assert!(!std::path::Path::new(&format!("/sys/fs/cgroup/blkio/sangja/{id}")).exists(), "the blkio cgroup is removed too");
    // podman's checks.
    s.run(&["run", "--rm", "--memory-swappiness", "101", BUSYBOX, "true"]).code(125).stderr_has("swappiness");
    s.run(&["run", "--rm", "--cpus", "1", "--cpu-quota", "50000", BUSYBOX, "true"]).code(125).stderr_has("--cpu-quota");
    s.run(&["run", "--rm", "--blkio-weight", "5", BUSYBOX, "true"]).code(125).stderr_has("between 10 and 1000");
    s.run(&["run", "--rm", "--device-read-bps", "/etc/passwd:1mb", BUSYBOX, "true"]).code(125).stderr_has("not a block device");
    // The weight needs an I/O scheduler with weights (BFQ/CFQ); where there is none, said so.
    let weights = ["blkio.weight", "blkio.bfq.weight"].iter().any(|f| std::path::Path::new("/sys/fs/cgroup/blkio").join(f).exists());
    let out = s.run(&["run", "--rm", "--blkio-weight", "300", BUSYBOX, "true"]);
    if weights {
        out.ok();
    } else {
        out.code(125).stderr_has("no weights");
    }
}

#[test]
fn cgroup_flags_refused_rootless() {
    let Some(s) = Sangja::rootless("runflags::cgroup_flags_refused") else { return };
    s.pull(BUSYBOX);
    // As the other limits here (resources.rs): no cgroup this user may write.
    for flags in [&["--cpu-quota", "50000"][..], &["--memory-swappiness", "10"], &["--blkio-weight", "300"]] {
        let mut args = vec!["run", "--rm"];
        args.extend_from_slice(flags);
        args.extend_from_slice(&[BUSYBOX, "true"]);
        s.run(&args).code(125).stderr_has(flags[0]);
    }
}

both! {
    /// --arch/--platform pull the list's instance for that platform.
    fn platform_pull(s) {
        let other = if host_arch() == "arm64" { "amd64" } else { "arm64" };
        s.ok(&["create", "-q", "--tls-verify=false", "--name", "rf-arch", "--arch", other, MULTI]);
        let image = inspect(s, "rf-arch")["Image"].as_str().unwrap().to_string();
        let v = s.ok(&["inspect", "--type", "image", &image]).json();
        assert_eq!(v[0]["Architecture"].as_str(), Some(other));
        // The tag now names the other platform's image: asking for the host's pulls again.
        let host = format!("linux/{}", host_arch());
        s.ok(&["create", "-q", "--tls-verify=false", "--name", "rf-host", "--platform", &host, MULTI]);
        let image = inspect(s, "rf-host")["Image"].as_str().unwrap().to_string();
        let v = s.ok(&["inspect", "--type", "image", &image]).json();
        assert_eq!(v[0]["Architecture"].as_str(), Some(host_arch()));
        s.ok(&["start", "-a", "rf-host"]);
        s.run(&["create", "--platform", &host, "--arch", other, MULTI]).code(125).stderr_has("--platform");
        s.ok(&["rm", "rf-arch", "rf-host"]);
    }
}

both! {
    /// --log-driver none|passthrough log nothing; json-file is k8s-file; --log-opt path= moves the log.
    fn log_drivers(s) {
        s.pull(BUSYBOX);
        s.ok(&["run", "-d", "--name", "rf-l1", "--log-driver", "none", BUSYBOX, "echo", "hidden"]);
        s.ok(&["wait", "rf-l1"]);
        s.run(&["logs", "rf-l1"]).code(125).stderr_has("'none' log driver");
        let id = s.container_id("rf-l1");
        assert!(!s.container_dir(&id).join("ctr.log").exists(), "no log written");
        let path = s.dir.join("rf.log");
        let opt = format!("path={}", path.display());
        s.ok(&["run", "-d", "--name", "rf-l2", "--log-opt", &opt, BUSYBOX, "echo", "moved"]);
        s.ok(&["wait", "rf-l2"]);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(" stdout F moved"), "a k8s-file log at the path: {text:?}");
        s.ok(&["logs", "rf-l2"]).stdout_is("moved\n");
        s.ok(&["run", "-d", "--name", "rf-l3", "--log-driver", "json-file", BUSYBOX, "echo", "json"]);
        s.ok(&["wait", "rf-l3"]);
        s.ok(&["logs", "rf-l3"]).stdout_is("json\n");
        s.ok(&["run", "--rm", "--log-driver", "passthrough", BUSYBOX, "echo", "through"]).stdout_is("through\n");
        s.run(&["run", "--rm", "-t", "--log-driver", "passthrough", BUSYBOX, "true"]).code(125).stderr_has("TTY");
        s.run(&["run", "--rm", "--log-driver", "journald", BUSYBOX, "true"]).code(125).stderr_has("journald");
        s.run(&["run", "--rm", "--log-driver", "syslog", BUSYBOX, "true"]).code(125).stderr_has("syslog");
        s.ok(&["rm", "rf-l1", "rf-l2", "rf-l3"]);
    }
}
