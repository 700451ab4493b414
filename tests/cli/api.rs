//! The Docker-compatible API service (issue 20): `sangja system service`
//! driven by the real docker CLI (DOCKER_HOST=unix://...), rootless and as
//! root, plus raw HTTP for what the CLI does not send (malformed requests).

use crate::process::{wait_output, Out, Running};
use crate::util::*;
use std::io::{BufRead, Read, Write};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::net::UnixStream;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The docker CLI, if this machine has one.
fn docker_bin() -> Option<PathBuf> {
    ["/usr/local/bin/docker", "/usr/bin/docker"].iter().map(PathBuf::from).find(|p| p.exists())
}

/// A service of the test's store on a socket in the test's folder.
struct Service {
    sock: PathBuf,
    _running: Running,
}

fn start_service(s: &Sangja, time: &str) -> Service {
    let sock = s.dir.join("api.sock");
    let uri = format!("unix://{}", sock.display());
    let running = s.spawn(&["system", "service", "--time", time, &uri]);
    let deadline = Instant::now() + Duration::from_secs(20);
    while UnixStream::connect(&sock).is_err() {
        assert!(Instant::now() < deadline, "the service did not listen on {}", sock.display());
        std::thread::sleep(Duration::from_millis(20));
    }
    Service { sock, _running: running }
}

/// `docker ARGS` as the test's user, against `svc`, not started.
fn docker_command(s: &Sangja, svc: &Service, args: &[&str]) -> Command {
    let bin = docker_bin().expect("docker CLI");
    let mut cmd = Command::new(&bin);
    cmd.args(args).env_clear();
    cmd.env("PATH", "/usr/local/bin:/usr/bin:/bin");
    cmd.env("HOME", &s.dir).env("DOCKER_CONFIG", s.dir.join(".docker"));
    cmd.env("DOCKER_HOST", format!("unix://{}", svc.sock.display()));
    cmd.current_dir(&s.dir);
    if s.is_rootless() && is_root() {
        cmd.uid(s.host_uid(0)).gid(s.host_gid(0));
    }
    cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
    cmd
}

/// `docker ARGS` as the test's user, against `svc`, to its end.
fn docker(s: &Sangja, svc: &Service, args: &[&str], stdin: Option<&str>) -> Out {
    let mut cmd = docker_command(s, svc, args);
    if stdin.is_some() {
        cmd.stdin(Stdio::piped());
    }
    let child = cmd.spawn().expect("spawn docker");
    wait_output(child, format!("docker {}", args.join(" ")), stdin.map(str::as_bytes), Duration::from_secs(120))
}

/// One raw HTTP/1.1 exchange on the socket; the whole answer.
fn http(sock: &Path, request: &[u8]) -> String {
    let mut c = UnixStream::connect(sock).expect("connect");
    c.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    c.write_all(request).unwrap();
    let mut out = Vec::new();
    let _ = c.read_to_end(&mut out);
    String::from_utf8_lossy(&out).into_owned()
}

both! {
    fn docker_cli_drives_containers(s) {
        let Some(_) = docker_bin() else { return eprintln!("skipped: no docker CLI") };
        require_registry();
        s.pull(BUSYBOX);
        let svc = start_service(s, "0");
        let mode = std::fs::metadata(&svc.sock).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "the socket is for its owner only");
        let v = docker(s, &svc, &["version", "--format", "{{.Server.APIVersion}}"], None).ok();
        assert_eq!(v.stdout.trim(), "1.44");
        // run --rm in the foreground: attach before start, the exit code through wait.
        let out = docker(s, &svc, &["run", "--rm", BUSYBOX, "echo", "hello api"], None).ok();
        assert_eq!(out.stdout, "hello api\n");
        docker(s, &svc, &["run", "--rm", BUSYBOX, "sh", "-c", "exit 3"], None).code(3);
        // stdin to the container, its end closing the container's stdin.
        let out = docker(s, &svc, &["run", "--rm", "-i", BUSYBOX, "cat"], Some("through stdin\n")).ok();
        assert_eq!(out.stdout, "through stdin\n");
        // run -d, ps with AND-ed label filters, logs, inspect, stop, rm.
        let id = docker(s, &svc, &["run", "-d", "--name", "api-web", "-l", "x=1", "-l", "y=2", BUSYBOX, "sh", "-c", "echo out; echo err >&2; sleep 600"], None).ok().stdout.trim().to_string();
        assert!(is_hex_id(&id), "{id}");
        let names = docker(s, &svc, &["ps", "--filter", "label=x=1", "--filter", "label=y", "--format", "{{.Names}}"], None).ok();
        assert_eq!(names.stdout.trim(), "api-web");
        let none = docker(s, &svc, &["ps", "--filter", "label=x=1", "--filter", "label=z", "--format", "{{.Names}}"], None).ok();
        assert_eq!(none.stdout.trim(), "", "label filters are AND-ed");
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let logs = docker(s, &svc, &["logs", "api-web"], None).ok();
            if logs.stdout == "out\n" && logs.stderr == "err\n" {
                break;
            }
            assert!(Instant::now() < deadline, "logs: {logs:?}");
            std::thread::sleep(Duration::from_millis(100));
        }
        let image_id = s.ok(&["inspect", "--format", "{{.Id}}", BUSYBOX]).stdout.trim().to_string();
        let fmt = "{{.Image}}|{{.State.Status}}|{{.Name}}|{{.State.StartedAt}}";
        let ins = docker(s, &svc, &["inspect", "--format", fmt, "api-web"], None).ok();
        let parts: Vec<&str> = ins.stdout.trim().split('|').collect();
        assert!(parts[0].ends_with(&image_id), "Image is the image's id: {ins:?}");
        assert_eq!(&parts[1..3], &["running", "/api-web"]);
        assert!(chrono_like(parts[3]), "RFC 3339 StartedAt: {}", parts[3]);
        // The CLI sees the same container.
        assert!(s.ok(&["ps", "--format", "{{.Names}}"]).stdout.contains("api-web"));
        docker(s, &svc, &["kill", "api-web"], None).ok();
        // sangja's kill answers once the signal is sent (docker's waits for a SIGKILL's exit).
        let deadline = Instant::now() + Duration::from_secs(10);
        while docker(s, &svc, &["inspect", "--format", "{{.State.Status}}", "api-web"], None).ok().stdout.trim() != "exited" {
            assert!(Instant::now() < deadline, "kill did not end api-web");
            std::thread::sleep(Duration::from_millis(50));
        }
        docker(s, &svc, &["rm", "api-web"], None).ok();
        assert!(!s.ok(&["ps", "-a", "--format", "{{.Names}}"]).stdout.contains("api-web"));
        // stop of a running one; rm of a missing one is docker's 404.
        docker(s, &svc, &["run", "-d", "--name", "api-stop", BUSYBOX, "sleep", "600"], None).ok();
        docker(s, &svc, &["stop", "-t", "1", "api-stop"], None).ok();
        let st = docker(s, &svc, &["inspect", "--format", "{{.State.Status}}", "api-stop"], None).ok();
        assert_eq!(st.stdout.trim(), "exited");
        docker(s, &svc, &["rm", "api-stop"], None).ok();
        let gone = docker(s, &svc, &["rm", "api-stop"], None);
        assert_ne!(gone.code, 0);
        assert!(gone.stderr.contains("no such container") || gone.stderr.contains("No such container"), "{gone:?}");
    }
}

/// `2026-12-06T20:30:30.625272798Z` and the like.
fn chrono_like(t: &str) -> bool {
    t.len() >= 20 && t.as_bytes()[4] == b'-' && t.as_bytes()[10] == b'T' && (t.ends_with('Z') || t.contains('+'))
}

both! {
    fn malformed_requests_get_4xx(s) {
        let svc = start_service(s, "0");
        let before = s.ok(&["ps", "-a", "-q"]).stdout;
        // Bad JSON.
        let body = "{not json";
        let r = http(&svc.sock, format!("POST /v1.44/containers/create HTTP/1.1\r\nHost: d\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len()).as_bytes());
        assert!(r.starts_with("HTTP/1.1 400"), "{r}");
        assert!(r.contains("\"message\""), "{r}");
        // A huge body.
        let big = format!("{{\"Image\":\"{}\"}}", "a".repeat(3 << 20));
        let mut c = UnixStream::connect(&svc.sock).unwrap();
        c.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        let head = format!("POST /containers/create HTTP/1.1\r\nHost: d\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", big.len());
        c.write_all(head.as_bytes()).unwrap();
        let _ = c.write_all(big.as_bytes());
        let mut out = String::new();
        let _ = c.read_to_string(&mut out);
        assert!(out.starts_with("HTTP/1.1 413"), "{}", &out[..out.len().min(300)]);
        // An unknown endpoint, an unknown version, a swarm path.
        let r = http(&svc.sock, b"GET /v1.44/nothing/here HTTP/1.1\r\nHost: d\r\nConnection: close\r\n\r\n");
        assert!(r.starts_with("HTTP/1.1 404") && r.contains("\"message\""), "{r}");
        let r = http(&svc.sock, b"GET /v1.12/info HTTP/1.1\r\nHost: d\r\nConnection: close\r\n\r\n");
        assert!(r.starts_with("HTTP/1.1 400") && r.contains("too old"), "{r}");
        let r = http(&svc.sock, b"GET /swarm HTTP/1.1\r\nHost: d\r\nConnection: close\r\n\r\n");
        assert!(r.starts_with("HTTP/1.1 503"), "{r}");
        // A missing container is a 404 with docker's body.
        let r = http(&svc.sock, b"GET /containers/api-none/json HTTP/1.1\r\nHost: d\r\nConnection: close\r\n\r\n");
        assert!(r.starts_with("HTTP/1.1 404") && r.contains("no such container"), "{r}");
        // _ping's headers.
        let r = http(&svc.sock, b"HEAD /_ping HTTP/1.1\r\nHost: d\r\nConnection: close\r\n\r\n").to_ascii_lowercase();
        assert!(r.contains("api-version: 1.44") && r.contains("ostype: linux") && r.contains("builder-version:"), "{r}");
        // Nothing changed.
        assert_eq!(s.ok(&["ps", "-a", "-q"]).stdout, before);
    }
}

both! {
    fn idle_exit_after_time(s) {
        let sock = s.dir.join("idle.sock");
        let uri = format!("unix://{}", sock.display());
        let running = s.spawn(&["system", "service", "--time", "1", &uri]);
        let deadline = Instant::now() + Duration::from_secs(20);
        while UnixStream::connect(&sock).is_err() {
            assert!(Instant::now() < deadline, "no socket");
            std::thread::sleep(Duration::from_millis(20));
        }
        // An open connection keeps it up past the idle time.
        let mut held = UnixStream::connect(&sock).unwrap();
        std::thread::sleep(Duration::from_millis(1800));
        held.write_all(b"GET /_ping HTTP/1.1\r\nHost: d\r\n\r\n").unwrap();
        let mut buf = [0u8; 64];
        let n = held.read(&mut buf).unwrap();
        assert!(String::from_utf8_lossy(&buf[..n]).starts_with("HTTP/1.1 200"), "served while a connection is open");
        drop(held);
        let t0 = Instant::now();
        let out = running.finish();
        assert_eq!(out.code, 0, "the service exits once idle: {out:?}");
        assert!(t0.elapsed() >= Duration::from_millis(800), "not before its idle time");
        assert!(!sock.exists(), "its socket removed");
    }
}

#[test]
fn socket_activation_rootless() {
    if let Some(s) = Sangja::rootless("socket_activation") {
        socket_activation(&s)
    }
}

#[test]
fn socket_activation_root() {
    if let Some(s) = Sangja::root("socket_activation") {
        socket_activation(&s)
    }
}

fn socket_activation(s: &Sangja) {
    // As systemd passes a socket: LISTEN_FDS=1, LISTEN_PID, fd 3 listening.
    let sock = s.dir.join("activated.sock");
    let listener = std::os::unix::net::UnixListener::bind(&sock).unwrap();
    if s.is_rootless() && is_root() {
        let _ = std::os::unix::fs::chown(&sock, Some(s.host_uid(0)), Some(s.host_gid(0)));
    }
    let mut cmd = s.command(&["system", "service", "--time", "1"]);
    let fd = std::os::fd::AsRawFd::as_raw_fd(&listener);
    // SAFETY: only dup2 and setenv-free calls between fork and exec;
    // LISTEN_PID must be the child's own pid, so it is set through a shell.
    unsafe {
        cmd.pre_exec(move || {
            // The listener may be fd 3 already: dup2 onto itself would keep
            // its close-on-exec flag, so clear the flag instead.
            let r = if fd == 3 { libc::fcntl(3, libc::F_SETFD, 0) } else { libc::dup2(fd, 3) };
            if r < 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    // LISTEN_PID unset: the service takes LISTEN_FDS as its own.
    cmd.env("LISTEN_FDS", "1");
    let child = cmd.spawn().unwrap();
    drop(listener);
    let r = http(&sock, b"GET /_ping HTTP/1.1\r\nHost: d\r\nConnection: close\r\n\r\n");
    assert!(r.starts_with("HTTP/1.1 200") && r.ends_with("OK"), "{r}");
    let out = wait_output(child, "system service (activated)".into(), None, Duration::from_secs(30));
    assert_eq!(out.code, 0, "{out:?}");
    assert!(sock.exists(), "an activated socket belongs to systemd: left in place");
}

both! {
    /// GET /events: the event log through `docker events`, a past window and
    /// the live stream, with docker's filters and names ("die", Actor).
    fn docker_events(s) {
        let Some(_) = docker_bin() else { return eprintln!("skipped: no docker CLI") };
        require_registry();
        s.pull(BUSYBOX);
        let svc = start_service(s, "0");
        let t0 = chrono::Utc::now().timestamp() - 1;
        docker(s, &svc, &["run", "--rm", "--name", "api-ev", BUSYBOX, "true"], None).ok();
        s.ok(&["volume", "create", "api-ev-vol"]);
        let until = (chrono::Utc::now().timestamp() + 1).to_string();
        let since = t0.to_string();
        let fmt = "{{.Type}} {{.Action}} {{.Actor.Attributes.name}}";
        let past = docker(s, &svc, &["events", "--since", &since, "--until", &until, "--filter", "type=container", "--format", fmt], None).ok();
        let lines: Vec<&str> = past.stdout.lines().collect();
        for want in ["container create api-ev", "container start api-ev", "container die api-ev", "container destroy api-ev"] {
            assert!(lines.contains(&want), "{want:?} in {lines:?}");
        }
        assert!(!past.stdout.contains("volume"), "type=container leaves the volume out: {lines:?}");
        let vol = docker(s, &svc, &["events", "--since", &since, "--until", &until, "--filter", "type=volume", "--format", "{{.Actor.ID}} {{.Action}}"], None).ok();
        assert_eq!(vol.stdout.trim(), "api-ev-vol create");
        // Live: events written after the request arrive while it is open.
        let mut live = docker_command(s, &svc, &["events", "--filter", "type=volume", "--format", "{{.Actor.ID}} {{.Action}}"]);
        live.stdout(Stdio::piped());
        let mut child = live.spawn().unwrap();
        std::thread::sleep(Duration::from_millis(700));
        s.ok(&["volume", "rm", "api-ev-vol"]);
        let mut out = child.stdout.take().unwrap();
        // The docker CLI writes a template's pieces one write at a time:
        // read the whole line, not whatever the first read returns.
        let got = std::thread::spawn(move || {
            let mut line = String::new();
            let _ = std::io::BufReader::new(&mut out).read_line(&mut line);
            line
        });
        let deadline = Instant::now() + Duration::from_secs(10);
        while !got.is_finished() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = child.kill();
        let _ = child.wait();
        let text = got.join().unwrap();
        assert_eq!(text.trim(), "api-ev-vol destroy", "the live stream");
        // Bad filters are a 400 before any stream.
        let r = http(&svc.sock, b"GET /events?filters=%7Bbad HTTP/1.1\r\nHost: d\r\nConnection: close\r\n\r\n");
        assert!(r.starts_with("HTTP/1.1 400"), "{r}");
    }
}
