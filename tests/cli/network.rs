//! Networking: --network modes, published ports through pasta and
//! slirp4netns, `port`, /etc/hosts and resolv.conf flags, and the backend
//! process ending with the container. Everything on loopback.

use crate::util::*;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// A host port per test and per variant, so parallel tests never collide:
/// each test has ten ports from its base, the root variant the upper five.
fn port(s: &Sangja, base: u16) -> u16 {
    if s.is_rootless() {
        base
    } else {
        base + 5
    }
}

/// GET / on 127.0.0.1:PORT, retried until it answers or 10 s pass.
pub(crate) fn http_get(port: u16) -> String {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let attempt = || -> std::io::Result<String> {
            let mut c = TcpStream::connect(("127.0.0.1", port))?;
            c.set_read_timeout(Some(Duration::from_secs(2)))?;
            c.write_all(b"GET / HTTP/1.0\r\nHost: x\r\n\r\n")?;
            let mut out = String::new();
            c.read_to_string(&mut out)?;
            Ok(out)
        };
        match attempt() {
            Ok(body) if body.contains("hello-web") => return body,
            r if Instant::now() > deadline => panic!("no answer on 127.0.0.1:{port}: {r:?}"),
            _ => std::thread::sleep(Duration::from_millis(20)),
        }
    }
}

pub(crate) const SERVE: &str = "mkdir -p /www && echo hello-web > /www/index.html && exec httpd -f -p 80 -h /www";

/// The backend's pid recorded in the container's network.json.
fn backend_pid(s: &Sangja, name: &str) -> (String, i32) {
    let id = s.container_id(name);
    let path: PathBuf = s.container_dir(&id).join("userdata").join("network.json");
    let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    (v["backend"].as_str().unwrap_or_default().to_string(), v["pid"].as_i64().unwrap_or(-1) as i32)
}

/// True while `pid` is a live process (a zombie counts as gone).
fn alive(pid: i32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(s) => s.rsplit(')').next().map(|r| !r.trim_start().starts_with('Z')).unwrap_or(false),
        Err(_) => false,
    }
}

/// Serves HTTP in a container on `--network NET -p 127.0.0.1:PORT:80`,
/// fetches it from the host, checks `port`, then kills the container and
/// checks the backend went with it.
fn serve_and_fetch(s: &Sangja, net: &str, host_port: u16) {
    s.pull(BUSYBOX);
    let publish = format!("127.0.0.1:{host_port}:80");
    let web = s.spawn(&["run", "--rm", "--name", "web", "--network", net, "-p", &publish, BUSYBOX, "sh", "-c", SERVE]);
    let body = http_get(host_port);
    assert!(body.starts_with("HTTP/1."), "{body}");
    // The server may answer a moment before `run` records the container as running.
    let deadline = Instant::now() + Duration::from_secs(5);
    while s.ok(&["port", "web"]).stdout.is_empty() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    s.ok(&["port", "web"]).stdout_is(&format!("80/tcp -> 127.0.0.1:{host_port}\n"));
    s.ok(&["port", "web", "80/tcp"]).stdout_is(&format!("127.0.0.1:{host_port}\n"));
    let ps = s.ok(&["ps"]);
    assert!(ps.stdout.contains(&format!("127.0.0.1:{host_port}->80/tcp")), "ps shows the ports:{ps:?}");
    let (backend, pid) = backend_pid(s, "web");
    assert_eq!(backend, net);
    assert!(alive(pid), "{net} (pid {pid}) runs while the container does");
    s.ok(&["kill", "web"]);
    let out = web.finish();
    assert_eq!(out.code, 137, "{out:?}");
    let deadline = Instant::now() + Duration::from_secs(5);
    while alive(pid) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    assert!(!alive(pid), "{net} (pid {pid}) is left behind after the container ended");
    assert!(TcpStream::connect(("127.0.0.1", host_port)).is_err(), "port {host_port} still bound");
}

both! {
    /// A container's HTTP server reached from the host through pasta's forwarding.
    fn publish_pasta(s) {
        serve_and_fetch(s, "pasta", port(s, 18110));
    }
}

both! {
    /// The same through slirp4netns and its API socket.
    fn publish_slirp4netns(s) {
        serve_and_fetch(s, "slirp4netns", port(s, 18120));
    }
}

both! {
    /// none: only lo, and it is up; host: the host's interfaces.
    fn none_and_host(s) {
        s.pull(BUSYBOX);
        s.ok(&["run", "--rm", "--network", "none", BUSYBOX, "ls", "/sys/class/net"]).stdout_is("lo\n");
        let up = s.ok(&["run", "--rm", "--network", "none", BUSYBOX, "cat", "/sys/class/net/lo/operstate", "/sys/class/net/lo/flags"]);
        assert!(up.stdout.lines().nth(1).is_some_and(|f| u32::from_str_radix(f.trim_start_matches("0x"), 16).unwrap_or(0) & 1 == 1), "lo is up:{up:?}");
        // Without the veths of root containers that other tests run meanwhile.
        let mut host: Vec<String> = crate::util::entries(std::path::Path::new("/sys/class/net"));
        host.retain(|n| !n.starts_with("vsj"));
        host.sort();
        let out = s.ok(&["run", "--rm", "--net", "host", BUSYBOX, "ls", "-1", "/sys/class/net"]);
        let mut seen: Vec<String> = out.lines();
        seen.retain(|n| !n.starts_with("vsj"));
        seen.sort();
        assert_eq!(seen, host, "--network host sees the host's interfaces");
    }
}

both! {
    /// The default network: pasta rootless (an interface besides lo), the
    /// `sangja` bridge as root (eth0 besides lo; tests/cli/networks.rs has more).
    fn default_network(s) {
        s.pull(BUSYBOX);
        let out = s.ok(&["run", "--rm", BUSYBOX, "ls", "/sys/class/net"]);
        if s.is_rootless() {
            assert!(out.lines().len() >= 2, "rootless default is pasta:{out:?}");
        } else {
            out.stdout_is("eth0\nlo\n");
        }
        s.ok(&["run", "--name", "c", BUSYBOX, "true"]);
        let mode = s.ok(&["inspect", "c"]).json().path("0.HostConfig.NetworkMode").as_str().unwrap_or_default().to_string();
        assert_eq!(mode, if s.is_rootless() { "pasta" } else { "bridge" });
    }
}

both! {
    /// --add-host, --hostname and --dns* in the generated files.
    fn hosts_and_resolv(s) {
        s.pull(BUSYBOX);
        let out = s.ok(&["run", "--rm", "--network", "pasta", "--name", "n1", "--hostname", "h1", "--add-host", "db:10.0.0.5",
            "--add-host", "v6:fd00::9", "--dns", "9.9.9.9", "--dns-search", "example.com", "--dns-option", "ndots:2",
            BUSYBOX, "cat", "/etc/hosts", "/etc/resolv.conf"]);
        assert!(out.stdout.contains("\th1 n1\n"), "{out:?}");
        assert!(out.stdout.contains("10.0.0.5\tdb\n"), "{out:?}");
        assert!(out.stdout.contains("fd00::9\tv6\n"), "{out:?}");
        assert!(out.stdout.contains("search example.com\nnameserver 9.9.9.9\noptions ndots:2\n"), "{out:?}");
        // slirp4netns answers DNS itself on 10.0.2.3.
        let out = s.ok(&["run", "--rm", "--network", "slirp4netns", BUSYBOX, "cat", "/etc/resolv.conf"]);
        assert!(out.stdout.contains("nameserver 10.0.2.3\n"), "{out:?}");
        s.run(&["run", "--rm", "--add-host", "nocolon", BUSYBOX, "true"]).code(125).stderr_has("--add-host");
    }
}

both! {
    /// Errors: port in use (named), port below the unprivileged floor rootless
    /// (the sysctl named), bad specs, -p without a network of its own.
    fn publish_errors(s) {
        s.pull(BUSYBOX);
        let busy = std::net::TcpListener::bind(("127.0.0.1", port(s, 18130))).unwrap();
        let p = format!("127.0.0.1:{}:80", port(s, 18130));
        s.run(&["run", "--rm", "--network", "pasta", "-p", &p, BUSYBOX, "true"]).code(125)
            .stderr_has(&port(s, 18130).to_string()).stderr_has("in use");
        s.run(&["run", "--rm", "--network", "slirp4netns", "-p", &p, BUSYBOX, "true"]).code(125).stderr_has("in use");
        drop(busy);
        if s.is_rootless() {
            s.run(&["run", "--rm", "--network", "pasta", "-p", "127.0.0.1:80:80", BUSYBOX, "true"]).code(125)
                .stderr_has("net.ipv4.ip_unprivileged_port_start");
        }
        s.run(&["run", "--rm", "-p", "80/sctp", BUSYBOX, "true"]).code(125).stderr_has("80/sctp");
        s.run(&["run", "--rm", "-p", "1-2:80", BUSYBOX, "true"]).code(125).stderr_has("1-2:80");
        s.run(&["run", "--rm", "--network", "none", "-p", "18199:80", BUSYBOX, "true"]).code(125).stderr_has("--network none");
        s.run(&["run", "--rm", "--network", "bogus", BUSYBOX, "true"]).code(125).stderr_has("bogus");
        assert_eq!(s.container_ids(), Vec::<String>::new(), "failed runs leave no container");
    }
}

both! {
    /// Ranges and UDP: two TCP ports of a range answer, `port` lists them all.
    fn publish_range_udp(s) {
        s.pull(BUSYBOX);
        let (a, b) = (port(s, 18140), port(s, 18143));
        let range = format!("127.0.0.1:{a}-{}:80-81", a + 1);
        let udp = format!("127.0.0.1:{b}:53/udp");
        let web = s.spawn(&["run", "--rm", "--name", "web", "--network", "pasta", "-p", &range, "-p", &udp, BUSYBOX, "sh", "-c",
            "mkdir -p /www && echo hello-web > /www/index.html && httpd -p 81 -h /www && exec httpd -f -p 80 -h /www"]);
        http_get(a);
        http_get(a + 1);
        let out = s.ok(&["port", "web"]);
        assert_eq!(out.lines(), vec![
            format!("80/tcp -> 127.0.0.1:{a}"),
            format!("81/tcp -> 127.0.0.1:{}", a + 1),
            format!("53/udp -> 127.0.0.1:{b}"),
        ]);
        s.ok(&["kill", "web"]);
        web.finish();
    }
}

both! {
    /// container:NAME joins another container's namespace (rootless: by
    /// joining its user namespace too) and sees its server on its own
    /// loopback, on the target's default network (pasta rootless, the bridge
    /// as root) and on none; also for a created container started later.
    fn join_container(s) {
        s.pull(BUSYBOX);
        for net in ["default", "none"] {
            let mut args = vec!["run", "--rm", "--name", "web"];
            if net == "none" {
                args.extend(["--network", "none"]);
            }
            args.extend([BUSYBOX, "sh", "-c", "mkdir -p /www && echo hello-web > /www/index.html && echo ready && exec httpd -f -p 80 -h /www"]);
            let mut web = s.spawn(&args);
            web.wait_for_line("ready", Duration::from_secs(10));
            let deadline = Instant::now() + Duration::from_secs(10);
            loop {
                let out = s.run(&["run", "--rm", "--network", "container:web", BUSYBOX, "wget", "-qO-", "http://127.0.0.1/"]);
                if out.code == 0 {
                    out.stdout_is("hello-web\n");
                    break;
                }
                assert!(Instant::now() < deadline, "{out:?}");
                std::thread::sleep(Duration::from_millis(50));
            }
            s.ok(&["create", "--name", "joiner", "--network", "container:web", BUSYBOX, "wget", "-qO-", "http://127.0.0.1/"]);
            s.ok(&["start", "-a", "joiner"]).stdout_is("hello-web\n");
            s.ok(&["rm", "joiner"]);
            s.ok(&["kill", "web"]);
            web.finish();
        }
        s.run(&["run", "--rm", "--network", "container:nosuch", BUSYBOX, "true"]).code(125).stderr_has("nosuch");
    }
}

both! {
    /// Detached: the monitor owns the backend; a kill -9 of the monitor takes
    /// pasta with it (nothing left behind), and rm cleans the rest.
    fn detached_monitor_killed(s) {
        s.pull(BUSYBOX);
        let publish = format!("127.0.0.1:{}:80", port(s, 18150));
        s.ok(&["run", "-d", "--name", "web", "--network", "pasta", "-p", &publish, BUSYBOX, "sh", "-c", SERVE]);
        http_get(port(s, 18150));
        let (_, pid) = backend_pid(s, "web");
        assert!(alive(pid));
        let id = s.container_id("web");
        let state: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(s.container_dir(&id).join("state.json")).unwrap()).unwrap();
        let monitor = state["monitor_pid"].as_i64().expect("state.json records the monitor's pid") as i32;
        // SAFETY: a plain kill of the monitor this test started.
        assert_eq!(unsafe { libc::kill(monitor, libc::SIGKILL) }, 0);
        let deadline = Instant::now() + Duration::from_secs(5);
        while alive(pid) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(10));
        }
        assert!(!alive(pid), "pasta (pid {pid}) outlived the monitor");
        s.ok(&["rm", "-f", "web"]);
        assert_eq!(s.container_ids(), Vec::<String>::new());
    }
}
