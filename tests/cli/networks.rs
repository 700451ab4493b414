//! Bridge networks: the root default network (sangja0, NAT, published ports
//! by DNAT, also on 127.0.0.1), user networks (`network create/ls/inspect/
//! rm/prune/exists/connect/disconnect`), containers reaching each other by
//! name, and nothing left behind (veth, nft tables, leases), also after a
//! kill -9 of a monitor. Host ports 18200-18299 and 18400-18419, each test its own.

use crate::util::*;
use std::net::{TcpStream, UdpSocket};
use std::path::Path;
use std::time::{Duration, Instant};

use crate::network::{http_get, SERVE};

/// What a bridge container holds on the host: its veth, its nft table, its lease.
fn host_traces(id: &str) -> Vec<String> {
    let mut found = Vec::new();
    for i in 0..3 {
        let veth = format!("vsj{}{i}", &id[..10]);
        if Path::new("/sys/class/net").join(&veth).exists() {
            found.push(format!("veth {veth}"));
        }
    }
    let table = format!("sangja_c_{}", &id[..12]);
    let out = std::process::Command::new("nft").args(["list", "tables"]).output().expect("nft runs");
    if String::from_utf8_lossy(&out.stdout).contains(&table) {
        found.push(format!("nft table {table}"));
    }
    for e in entries(Path::new("/run/sangja/networks")) {
        if e.ends_with(".json") {
            let text = std::fs::read_to_string(Path::new("/run/sangja/networks").join(&e)).unwrap_or_default();
            if text.contains(id) {
                found.push(format!("lease in {e}"));
            }
        }
    }
    found
}

/// Waits until `cond` holds (10 s at most).
fn eventually(what: &str, mut cond: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !cond() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
/// Root default network: eth0 with an address of 10.89.0.0/24 and a default
/// route; a server reached from the host on 127.0.0.1 through DNAT; `port`
/// and `ps` show it; rm leaves nothing behind.
fn bridge_publish_root() {
    let Some(s) = Sangja::root("bridge_publish") else { return };
    s.pull(BUSYBOX);
    let out = s.ok(&["run", "--rm", BUSYBOX, "sh", "-c", "ip -4 addr show eth0; ip route"]);
    assert!(out.stdout.contains("inet 10.89.0."), "{out:?}");
    assert!(out.stdout.contains("default via 10.89.0.1"), "{out:?}");
    // --ip picks the address; one outside the subnet is refused.
    s.ok(&["run", "--rm", "--ip", "10.89.0.250", BUSYBOX, "ip", "-4", "addr", "show", "eth0"])
        .stdout
        .contains("inet 10.89.0.250/24")
        .then_some(())
        .expect("--ip 10.89.0.250 is eth0's address");
    s.run(&["run", "--rm", "--ip", "10.1.2.3", BUSYBOX, "true"]).code(125).stderr_has("10.1.2.3");
    s.ok(&["run", "-d", "--name", "web", "-p", "127.0.0.1:18200:80", BUSYBOX, "sh", "-c", SERVE]);
    let body = http_get(18200);
    assert!(body.starts_with("HTTP/1."), "{body}");
    s.ok(&["port", "web"]).stdout_is("80/tcp -> 127.0.0.1:18200\n");
    assert!(s.ok(&["ps"]).stdout.contains("127.0.0.1:18200->80/tcp"));
    assert_eq!(s.ok(&["inspect", "--format", "{{.HostConfig.NetworkMode}}", "web"]).stdout.trim(), "bridge");
    let id = s.container_id("web");
    let traces = host_traces(&id);
    assert_eq!(traces.len(), 3, "veth, nft table and lease while it runs: {traces:?}");
    // A second container reaches the first by its address on the bridge.
    let ip = s.ok(&["exec", "web", "sh", "-c", "ip -4 -o addr show eth0 | awk '{print $4}' | cut -d/ -f1"]).stdout.trim().to_string();
    s.ok(&["run", "--rm", BUSYBOX, "wget", "-qO-", &format!("http://{ip}/")]).stdout_is("hello-web\n");
    s.ok(&["inspect", "--format", "{{.NetworkSettings.IPAddress}} {{.NetworkSettings.Gateway}}", "web"])
        .stdout_is(&format!("{ip} 10.89.0.1\n"));
    s.ok(&["rm", "-f", "web"]);
    assert_eq!(host_traces(&id), Vec::<String>::new(), "rm leaves nothing behind");
    assert!(TcpStream::connect(("127.0.0.1", 18200)).is_err(), "port 18200 still answers");
}

#[test]
/// A UDP echo through `-p 127.0.0.1:PORT:PORT/udp` on the root bridge.
fn bridge_udp_root() {
    let Some(s) = Sangja::root("bridge_udp") else { return };
    udp_echo(&s, "bridge", 18210);
}

#[test]
/// The same through pasta, rootless.
fn pasta_udp_rootless() {
    let Some(s) = Sangja::rootless("pasta_udp") else { return };
    udp_echo(&s, "pasta", 18212);
}

#[test]
/// The same on a rootless user network: pasta forwards into the shared
/// namespace, DNAT takes it on to the container.
fn user_network_udp_rootless() {
    let Some(s) = Sangja::rootless("unet_udp") else { return };
    s.ok(&["network", "create", "--subnet", "10.89.236.0/24", "udpnet"]);
    udp_echo(&s, "udpnet", 18404);
    s.ok(&["network", "rm", "-f", "udpnet"]);
}

/// A static UDP echo server on the port given (busybox has no UDP server),
/// compiled into the test's folder; returns its path.
fn udp_echo_binary(s: &Sangja) -> std::path::PathBuf {
    let src = s.dir.join("udpecho.c");
    let bin = s.dir.join("udpecho");
    std::fs::write(
        &src,
        r#"
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
int main(int argc, char **argv) {
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET; a.sin_port = htons(argc > 1 ? atoi(argv[1]) : 7); a.sin_addr.s_addr = htonl(INADDR_ANY);
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) != 0) return 1;
    for (;;) {
        char buf[512]; struct sockaddr_in from; socklen_t len = sizeof from;
        ssize_t n = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *)&from, &len);
        if (n > 0) sendto(fd, buf, n, 0, (struct sockaddr *)&from, len);
    }
}
"#,
    )
    .unwrap();
    let out = std::process::Command::new("gcc")
        .args(["-static", "-O2", "-o"])
        .arg(&bin)
        .arg(&src)
        .output()
        .expect("gcc runs (tests/setup.sh installs it)");
    assert!(out.status.success(), "gcc: {}", String::from_utf8_lossy(&out.stderr));
    bin
}

fn udp_echo(s: &Sangja, net: &str, port: u16) {
    s.pull(BUSYBOX);
    // The same port on both sides: Debian 12's pasta (passt 2023-03) loses
    // the replies of a loopback UDP flow whose port it remaps.
    let publish = format!("127.0.0.1:{port}:{port}/udp");
    let bin = udp_echo_binary(s);
    let mount = format!("{}:/udpecho:ro", bin.display());
    s.ok(&["run", "-d", "--name", "echo", "--network", net, "-p", &publish, "-v", &mount, BUSYBOX, "/udpecho", &port.to_string()]);
    let sock = UdpSocket::bind("127.0.0.1:0").unwrap();
    sock.set_read_timeout(Some(Duration::from_millis(200))).unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut buf = [0u8; 64];
    loop {
        sock.send_to(b"ping-udp\n", ("127.0.0.1", port)).unwrap();
        if let Ok((n, _)) = sock.recv_from(&mut buf) {
            assert_eq!(&buf[..n], b"ping-udp\n");
            break;
        }
        assert!(Instant::now() < deadline, "no UDP echo on 127.0.0.1:{port}");
    }
    s.ok(&["port", "echo"]).stdout_is(&format!("{port}/udp -> 127.0.0.1:{port}\n"));
    s.ok(&["rm", "-f", "echo"]);
}

#[test]
/// kill -9 of the monitor: the container keeps its network (another run's
/// sweep leaves it alone) until `rm -f`, which removes the veth, the nft
/// table and the lease.
fn bridge_monitor_killed_root() {
    let Some(s) = Sangja::root("bridge_kill9") else { return };
    s.pull(BUSYBOX);
    s.ok(&["run", "-d", "--name", "web", "-p", "127.0.0.1:18220:80", BUSYBOX, "sh", "-c", SERVE]);
    http_get(18220);
    let id = s.container_id("web");
    let state: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(s.container_dir(&id).join("state.json")).unwrap()).unwrap();
    let monitor = state["monitor_pid"].as_i64().expect("state.json records the monitor's pid") as i32;
    // SAFETY: a plain kill of the monitor this test started.
    assert_eq!(unsafe { libc::kill(monitor, libc::SIGKILL) }, 0);
    eventually("the monitor to go", || {
        !Path::new(&format!("/proc/{monitor}")).exists()
            || std::fs::read_to_string(format!("/proc/{monitor}/stat")).is_ok_and(|s| s.contains(") Z"))
    });
    // Another container on the bridge sweeps stale leases: this one is not,
    // since the container still runs; its port still answers.
    s.ok(&["run", "--rm", BUSYBOX, "true"]);
    http_get(18220);
    assert_eq!(host_traces(&id).len(), 3, "veth, nft table and lease kept while the container runs");
    s.ok(&["rm", "-f", "web"]);
    eventually("the veth to go", || host_traces(&id).iter().all(|t| !t.starts_with("veth")));
    assert_eq!(host_traces(&id), Vec::<String>::new(), "rm -f after kill -9 leaves nothing behind");
    assert_eq!(s.container_ids(), Vec::<String>::new());
}

both! {
    /// Two containers on one user network reach each other by name and by
    /// --network-alias; connect/disconnect update the names of a running one.
    /// Root: a bridge on the host; rootless: in the user's shared namespace,
    /// whose keeper goes away with the last container.
    fn user_network_names(s) {
        s.pull(BUSYBOX);
        let subnet = if s.is_rootless() { "10.89.231.0/24" } else { "10.89.230.0/24" };
        s.ok(&["network", "create", "--subnet", subnet, "appnet"]);
        let bridge = s.ok(&["network", "inspect", "--format", "{{.network_interface}}", "appnet"]).stdout.trim().to_string();
        s.ok(&["run", "-d", "--name", "db", "--network", "appnet", "--network-alias", "database", BUSYBOX, "sh", "-c", SERVE]);
        let out = s.ok(&["run", "--rm", "--network", "appnet", BUSYBOX, "sh", "-c", "wget -qO- http://db/ && wget -qO- http://database/ && ip -4 addr show eth0"]);
        assert!(out.stdout.starts_with("hello-web\nhello-web\n"), "{out:?}");
        assert!(out.stdout.contains(&format!("inet {}", &subnet[..subnet.len() - 4])), "{out:?}");
        // A container on another network does not see db by name
        // (busybox wget crashes on a name it cannot resolve: nc fails cleanly)...
        s.ok(&["network", "create", "othernet"]);
        s.run(&["run", "--rm", "--network", "othernet", BUSYBOX, "nc", "-w", "2", "db", "80"]).code(1);
        // ...until it is connected to appnet, and not after it is disconnected.
        s.ok(&["run", "-d", "--name", "cli", "--network", "othernet", BUSYBOX, "sleep", "300"]);
        s.ok(&["network", "connect", "appnet", "cli"]);
        s.ok(&["exec", "cli", "wget", "-qO-", "http://db/"]).stdout_is("hello-web\n");
        let hosts = s.ok(&["exec", "db", "cat", "/etc/hosts"]);
        assert!(hosts.stdout.contains("\tcli "), "db's /etc/hosts lists cli once it joined:{hosts:?}");
        s.ok(&["network", "disconnect", "appnet", "cli"]);
        s.run(&["exec", "cli", "nc", "-w", "2", "db", "80"]).code(1);
        let hosts = s.ok(&["exec", "db", "cat", "/etc/hosts"]);
        assert!(!hosts.stdout.contains("\tcli "), "db's /etc/hosts forgets cli once it left:{hosts:?}");
        // In use: rm refuses (code 2), rm -f removes the containers too.
        s.run(&["network", "rm", "appnet"]).code(2).stderr_has("db");
        let id = s.container_id("db");
        s.ok(&["rm", "-f", "cli"]);
        s.ok(&["network", "rm", "-f", "appnet", "othernet"]).stdout_is("appnet\nothernet\n");
        assert_eq!(s.container_ids(), Vec::<String>::new());
        s.ok(&["network", "ls", "-q"]).stdout_is("sangja\n");
        if s.is_rootless() {
            let keeper = s.runroot.join("netns").join("keeper.json");
            eventually("the shared namespace's keeper to exit", || !keeper.exists());
        } else {
            assert_eq!(host_traces(&id), Vec::<String>::new());
            assert!(!Path::new("/sys/class/net").join(&bridge).exists(), "the bridge {bridge} went with its network");
        }
    }
}

both! {
    /// network create/ls/inspect/exists/rm/prune and their errors.
    fn network_commands(s) {
        s.pull(BUSYBOX);
        s.ok(&["network", "create", "--subnet", "10.89.240.0/24", "--label", "team=a", "n1"]).stdout_is("n1\n");
        s.ok(&["network", "create", "--internal", "n2"]).stdout_is("n2\n");
        let ls = s.ok(&["network", "ls"]);
        assert_eq!(ls.lines()[0].split_whitespace().collect::<Vec<_>>(), ["NETWORK", "ID", "NAME", "DRIVER"], "{ls:?}");
        let names: Vec<String> = ls.lines()[1..].iter().map(|l| l.split_whitespace().nth(1).unwrap_or_default().to_string()).collect();
        assert_eq!(names, ["sangja", "n1", "n2"], "{ls:?}");
        s.ok(&["network", "ls", "-q"]).stdout_is("sangja\nn1\nn2\n");
        s.ok(&["network", "ls", "-q", "--filter", "label=team=a"]).stdout_is("n1\n");
        s.ok(&["network", "ls", "--format", "{{.Name}} {{.Driver}}", "--filter", "name=n2"]).stdout_is("n2 bridge\n");
        let j = s.ok(&["network", "inspect", "n1"]).json();
        assert_eq!(j.path("0.name").as_str(), Some("n1"));
        assert_eq!(j.path("0.driver").as_str(), Some("bridge"));
        assert_eq!(j.path("0.subnets.0.subnet").as_str(), Some("10.89.240.0/24"));
        assert_eq!(j.path("0.subnets.0.gateway").as_str(), Some("10.89.240.1"));
        assert_eq!(j.path("0.labels.team").as_str(), Some("a"));
        s.ok(&["network", "inspect", "--format", "{{.internal}}", "n2"]).stdout_is("true\n");
        let sub2 = s.ok(&["network", "inspect", "--format", "{{.network_interface}}", "n2"]);
        assert!(sub2.stdout.starts_with("sangja"), "{sub2:?}");
        if !s.is_rootless() {
            let bridge = sub2.stdout.trim().to_string();
            assert!(Path::new("/sys/class/net").join(&bridge).exists(), "root: the bridge {bridge} exists");
        }
        s.ok(&["network", "exists", "n1"]);
        s.run(&["network", "exists", "nosuch"]).code(1);
        // Errors: exit 125 with the reason, nothing written.
        s.run(&["network", "create", "n1"]).code(125).stderr_has("already exists");
        s.run(&["network", "create", "--subnet", "10.89.240.128/25", "n3"]).code(125).stderr_has("overlaps");
        s.run(&["network", "create", "--subnet", "banana", "n3"]).code(125).stderr_has("banana");
        s.run(&["network", "create", "-d", "macvlan", "n3"]).code(125).stderr_has("macvlan");
        s.run(&["network", "create", "bad/name"]).code(125).stderr_has("bad/name");
        s.run(&["network", "rm", "sangja"]).code(125).stderr_has("default");
        s.run(&["network", "rm", "nosuch"]).code(1).stderr_has("nosuch");
        s.run(&["run", "--rm", "--network", "nosuch", BUSYBOX, "true"]).code(125).stderr_has("nosuch");
        s.ok(&["network", "ls", "-q"]).stdout_is("sangja\nn1\nn2\n");
        s.ok(&["network", "rm", "n1"]).stdout_is("n1\n");
        s.ok(&["network", "prune", "-f"]).stdout_is("n2\n");
        s.ok(&["network", "ls", "-q"]).stdout_is("sangja\n");
        if !s.is_rootless() {
            let bridge = sub2.stdout.trim().to_string();
            assert!(!Path::new("/sys/class/net").join(&bridge).exists(), "root: the bridge {bridge} went with its network");
        }
    }
}

both! {
    /// Published ports on a user network (rootless: forwarded by a pasta of
    /// the container's own into the shared namespace, then DNAT), reached
    /// from the host on 127.0.0.1 while the others still reach the server
    /// by name; inspect shows the addresses; a port in use is refused; a
    /// kill -9 of the monitor then rm -f leaves neither the forwarder nor
    /// the port. Host ports 18400 and 18410 (rootless), 18401 and 18411 (root).
    fn user_network_publish(s) {
        s.pull(BUSYBOX);
        let (subnet, port) = if s.is_rootless() { ("10.89.235.0/24", 18400u16) } else { ("10.89.234.0/24", 18401u16) };
        let prefix = &subnet[..subnet.len() - 4];
        s.ok(&["network", "create", "--subnet", subnet, "pubnet"]);
        let publish = format!("127.0.0.1:{port}:80");
        s.ok(&["run", "-d", "--name", "web", "--network", "pubnet", "-p", &publish, BUSYBOX, "sh", "-c", SERVE]);
        let body = http_get(port);
        assert!(body.starts_with("HTTP/1.") && body.contains("hello-web"), "{body}");
        s.ok(&["run", "--rm", "--network", "pubnet", BUSYBOX, "wget", "-qO-", "http://web/"]).stdout_is("hello-web\n");
        s.ok(&["port", "web"]).stdout_is(&format!("80/tcp -> 127.0.0.1:{port}\n"));
        // inspect: the address on the network, as podman shows it.
        let ip = s.ok(&["inspect", "--format", "{{.NetworkSettings.IPAddress}}", "web"]).stdout.trim().to_string();
        assert!(ip.starts_with(prefix), "{ip} is in {subnet}");
        let inside = s.ok(&["exec", "web", "sh", "-c", "ip -4 -o addr show eth0 | awk '{print $4}' | cut -d/ -f1"]);
        assert_eq!(inside.stdout.trim(), ip, "inspect shows the container's real address");
        let j = s.ok(&["inspect", "web"]).json();
        let gw = format!("{prefix}1");
        assert_eq!(j.path("0.NetworkSettings.Gateway").as_str(), Some(gw.as_str()));
        assert_eq!(j.path("0.NetworkSettings.Networks.pubnet.IPAddress").as_str(), Some(ip.as_str()));
        assert_eq!(j.path("0.NetworkSettings.Networks.pubnet.Gateway").as_str(), Some(gw.as_str()));
        assert_eq!(j.path("0.NetworkSettings.Networks.pubnet.IPPrefixLen").as_i64(), Some(24));
        assert_eq!(j.path("0.NetworkSettings.Networks.pubnet.Aliases.0").as_str(), Some("web"));
        let mac = s.ok(&["exec", "web", "cat", "/sys/class/net/eth0/address"]).stdout.trim().to_string();
        assert_eq!(j.path("0.NetworkSettings.MacAddress").as_str(), Some(mac.as_str()));
        assert_eq!(j.path("0.NetworkSettings.Networks.pubnet.MacAddress").as_str(), Some(mac.as_str()));
        assert_eq!(j.path("0.NetworkSettings.Ports.80/tcp.0.HostPort").as_str(), Some(port.to_string().as_str()));
        // A port taken by another process: a clear error, exit 125, nothing
        // started; rootless, the forwarder holds web's port on the host, so
        // a second container on it is refused the same way.
        let held = std::net::TcpListener::bind(("127.0.0.1", port + 10)).expect("bind a port for the test");
        let taken = format!("127.0.0.1:{}:80", port + 10);
        s.run(&["run", "-d", "--name", "web2", "--network", "pubnet", "-p", &taken, BUSYBOX, "true"]).code(125)
            .stderr_has("already in use");
        drop(held);
        if s.is_rootless() {
            s.run(&["run", "-d", "--name", "web2", "--network", "pubnet", "-p", &publish, BUSYBOX, "true"]).code(125)
                .stderr_has("already in use");
        }
        s.run(&["rm", "-f", "web2"]);
        // kill -9 of the monitor, then rm -f: the forwarder goes, and the port with it.
        let id = s.container_id("web");
        let dir = s.container_dir(&id);
        let state: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(dir.join("state.json")).unwrap()).unwrap();
        let monitor = state["monitor_pid"].as_i64().expect("state.json records the monitor's pid") as i32;
        let net: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join("userdata").join("network.json")).unwrap()).unwrap();
        let forwarder = net["pid"].as_i64().map(|p| p as i32);
        assert_eq!(forwarder.is_some(), s.is_rootless(), "rootless: a forwarder process; root: DNAT only: {net}");
        // SAFETY: a plain kill of the monitor this test started.
        assert_eq!(unsafe { libc::kill(monitor, libc::SIGKILL) }, 0);
        s.ok(&["rm", "-f", "web"]);
        if let Some(pid) = forwarder {
            eventually("the forwarder to go", || {
                std::fs::read_to_string(format!("/proc/{pid}/stat")).map_or(true, |st| st.rsplit(')').next().is_some_and(|r| r.trim_start().starts_with('Z')))
            });
        } else {
            assert_eq!(host_traces(&id), Vec::<String>::new(), "rm -f after kill -9 leaves nothing behind");
        }
        eventually("the port to close", || TcpStream::connect(("127.0.0.1", port)).is_err());
        // The port is free again for the next container on the network.
        s.ok(&["run", "-d", "--name", "web3", "--network", "pubnet", "-p", &publish, BUSYBOX, "sh", "-c", SERVE]);
        http_get(port);
        s.ok(&["network", "rm", "-f", "pubnet"]);
        assert_eq!(s.container_ids(), Vec::<String>::new());
        assert!(TcpStream::connect(("127.0.0.1", port)).is_err(), "port {port} still answers");
    }
}
