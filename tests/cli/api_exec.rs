//! The Docker-compatible API's exec instances, commit, export, diff and
//! update (issue 20, api-exec), driven by the real docker CLI, docker-py
//! and raw HTTP (the hijacked stream's exact bytes) against `sangja system
//! service` on a unix socket of the test's own, rootless and as root.
//! Each test execs into a container the service started AND one the CLI
//! started (rootless, the latter lives in another user namespace than the
//! service: its exec must start outside the service's).

use crate::api_service::*;
use crate::util::*;
use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const PYTHON: &str = "/opt/sangja-tests/venv/bin/python3";

/// One request on a fresh connection; the answer's head and body (to EOF).
fn http(sock: &Path, method: &str, path: &str, body: Option<&str>) -> (String, Vec<u8>) {
    let mut c = UnixStream::connect(sock).expect("connect");
    c.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    let body = body.unwrap_or("");
    let req = format!(
        "{method} {path} HTTP/1.1\r\nHost: d\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    c.write_all(req.as_bytes()).unwrap();
    let mut out = Vec::new();
    let _ = c.read_to_end(&mut out);
    split_head(&out)
}

fn split_head(out: &[u8]) -> (String, Vec<u8>) {
    match out.windows(4).position(|w| w == b"\r\n\r\n") {
        Some(i) => (String::from_utf8_lossy(&out[..i]).into_owned(), out[i + 4..].to_vec()),
        None => (String::from_utf8_lossy(out).into_owned(), Vec::new()),
    }
}

fn json_of(body: &[u8]) -> Json {
    serde_json::from_slice(body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(body)))
}

/// `POST /containers/{c}/exec` with `config`: the exec id.
fn exec_create(sock: &Path, c: &str, config: &str) -> String {
    let (head, body) = http(sock, "POST", &format!("/v1.44/containers/{c}/exec"), Some(config));
    assert!(head.starts_with("HTTP/1.1 201"), "{head}\n{}", String::from_utf8_lossy(&body));
    json_of(&body)["Id"].as_str().unwrap().to_string()
}

/// `POST /exec/{id}/start` taking over the connection: the exact status
/// line is docker's; `input` is written, then our side half-closed; the
/// stream's bytes to its end.
fn exec_start_hijacked(sock: &Path, id: &str, input: &[u8]) -> (String, Vec<u8>) {
    let mut c = UnixStream::connect(sock).expect("connect");
    c.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    let body = r#"{"Detach":false,"Tty":false}"#;
    let req = format!(
        "POST /v1.44/exec/{id}/start HTTP/1.1\r\nHost: d\r\nContent-Type: application/json\r\nConnection: Upgrade\r\nUpgrade: tcp\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    c.write_all(req.as_bytes()).unwrap();
    // The head first: the stream starts after it.
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        assert_eq!(c.read(&mut byte).unwrap(), 1, "the connection closed in the head: {}", String::from_utf8_lossy(&head));
        head.push(byte[0]);
    }
    c.write_all(input).unwrap();
    c.shutdown(std::net::Shutdown::Write).unwrap();
    let mut out = Vec::new();
    c.read_to_end(&mut out).expect("the stream ends");
    (String::from_utf8_lossy(&head).into_owned(), out)
}

/// The multiplexed stream's chunks, (stream, bytes); panics on a bad header.
fn demux(mut data: &[u8]) -> Vec<(u8, Vec<u8>)> {
    let mut out = Vec::new();
    while !data.is_empty() {
        assert!(data.len() >= 8, "a cut frame header: {data:?}");
        assert!(matches!(data[0], 1 | 2) && data[1..4] == [0, 0, 0], "not a frame header: {:?}", &data[..8]);
        let n = u32::from_be_bytes([data[4], data[5], data[6], data[7]]) as usize;
        assert!(data.len() >= 8 + n, "a cut frame: {data:?}");
        out.push((data[0], data[8..8 + n].to_vec()));
        data = &data[8 + n..];
    }
    out
}

fn joined(chunks: &[(u8, Vec<u8>)], stream: u8) -> String {
    String::from_utf8_lossy(&chunks.iter().filter(|(s, _)| *s == stream).flat_map(|(_, d)| d.clone()).collect::<Vec<u8>>()).into_owned()
}

/// Until `f` is true (10 s).
fn eventually(what: &str, mut f: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !f() {
        assert!(Instant::now() < deadline, "never: {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

both! {
    /// docker exec: output, stderr apart, exit codes, -e/-w/-u, -i, -d, a
    /// missing command, a stopped container (409); into a container the
    /// service started and one the CLI started.
    fn docker_exec(s) {
        require_registry();
        s.pull(BUSYBOX);
        let Some(api) = Service::start(s) else { return };
        api.ok(s, &["run", "-d", "--name", "apiexec-svc", BUSYBOX, "sleep", "600"]);
        s.ok(&["run", "-d", "--name", "apiexec-cli", BUSYBOX, "sleep", "600"]);
        for c in ["apiexec-svc", "apiexec-cli"] {
            api.ok(s, &["exec", c, "echo", "hello", c]).stdout_is(&format!("hello {c}\n"));
            let both = api.ok(s, &["exec", c, "sh", "-c", "echo out; echo err >&2"]);
            assert_eq!((both.stdout.as_str(), both.stderr.as_str()), ("out\n", "err\n"), "{both:?}");
            api.docker(s, &["exec", c, "sh", "-c", "exit 3"]).code(3);
            let env = api.ok(s, &["exec", "-e", "FOO=bar baz", "-w", "/tmp", "-u", "1000:1001", c, "sh", "-c", "echo \"$FOO|$(pwd)|$(id -u):$(id -g)\""]);
            assert_eq!(env.stdout, "bar baz|/tmp|1000:1001\n", "{env:?}");
            // -i: stdin reaches the command, its end is the command's end of input.
            let cat = api.docker_in(s, &["exec", "-i", c, "sh", "-c", "cat; echo done"], Some("through stdin\n")).ok();
            assert_eq!(cat.stdout, "through stdin\ndone\n", "{cat:?}");
            // Without -i the command reads nothing.
            api.docker_in(s, &["exec", c, "cat"], Some("not for it\n")).ok().stdout_is("");
            // -d: started, not waited for.
            api.ok(s, &["exec", "-d", c, "sh", "-c", "sleep 0.2; echo detached > /tmp/d"]);
            eventually("the detached exec wrote /tmp/d", || api.docker(s, &["exec", c, "cat", "/tmp/d"]).stdout == "detached\n");
            let missing = api.docker(s, &["exec", c, "apiexec-nosuch"]);
            assert!(missing.code == 126 || missing.code == 127, "{missing:?}");
            assert!(format!("{}{}", missing.stdout, missing.stderr).contains("apiexec-nosuch"), "{missing:?}");
        }
        // The CLI's exec sees what the service's did.
        s.ok(&["exec", "apiexec-svc", "cat", "/tmp/d"]).stdout_is("detached\n");
        // A container that does not run: docker's 409 and message, through the CLI and raw.
        s.ok(&["create", "--name", "apiexec-stopped", BUSYBOX, "true"]);
        let id = s.container_id("apiexec-stopped");
        let refused = api.docker(s, &["exec", "apiexec-stopped", "true"]);
        assert_ne!(refused.code, 0, "{refused:?}");
        assert!(refused.stderr.contains("is not running"), "{refused:?}");
        let (head, body) = http(&api.sock, "POST", "/containers/apiexec-stopped/exec", Some(r#"{"Cmd":["true"],"AttachStdout":true}"#));
        assert!(head.starts_with("HTTP/1.1 409"), "{head}");
        assert_eq!(json_of(&body)["message"].as_str(), Some(format!("Container {id} is not running").as_str()));
        let (head, _) = http(&api.sock, "GET", "/exec/0123456789abcdef/json", None);
        assert!(head.starts_with("HTTP/1.1 404"), "{head}");
        s.ok(&["rm", "-f", "apiexec-svc", "apiexec-cli", "apiexec-stopped"]);
    }
}

both! {
    /// The hijacked exec stream byte for byte: `101 UPGRADED`, multiplexed
    /// frames, stdin ended by our half-close; then exec inspect after its end.
    fn raw_exec_stream_and_inspect(s) {
        require_registry();
        s.pull(BUSYBOX);
        let Some(api) = Service::start(s) else { return };
        api.ok(s, &["run", "-d", "--name", "apiexec-raw", BUSYBOX, "sleep", "600"]);
        let cid = s.container_id("apiexec-raw");
        let id = exec_create(
            &api.sock,
            "apiexec-raw",
            r#"{"AttachStdin":true,"AttachStdout":true,"AttachStderr":true,"Cmd":["sh","-c","cat; echo to-err >&2; exit 5"],"Env":["X=1"]}"#,
        );
        assert!(is_hex_id(&id), "{id}");
        // Created, not started.
        let (_, body) = http(&api.sock, "GET", &format!("/exec/{id}/json"), None);
        let ins = json_of(&body);
        assert_eq!((ins["Running"].as_bool(), ins["ExitCode"].is_null()), (Some(false), true), "{ins}");
        let (head, stream) = exec_start_hijacked(&api.sock, &id, b"abc\n");
        assert!(head.starts_with("HTTP/1.1 101 UPGRADED\r\n"), "{head}");
        let lower = head.to_ascii_lowercase();
        assert!(lower.contains("upgrade: tcp") && lower.contains("connection: upgrade"), "{head}");
        assert!(lower.contains("application/vnd.docker.multiplexed-stream"), "{head}");
        let chunks = demux(&stream);
        assert_eq!(joined(&chunks, 1), "abc\n", "{chunks:?}");
        assert_eq!(joined(&chunks, 2), "to-err\n", "{chunks:?}");
        // The exit code is there once the stream has ended.
        let (_, body) = http(&api.sock, "GET", &format!("/v1.44/exec/{id}/json"), None);
        let ins = json_of(&body);
        assert_eq!(ins["Running"].as_bool(), Some(false), "{ins}");
        assert_eq!(ins["ExitCode"].as_i64(), Some(5), "{ins}");
        assert_eq!(ins["ContainerID"].as_str(), Some(cid.as_str()), "{ins}");
        assert_eq!(ins["ProcessConfig"]["entrypoint"].as_str(), Some("sh"), "{ins}");
        assert_eq!(ins["ProcessConfig"]["arguments"][1].as_str(), Some("cat; echo to-err >&2; exit 5"), "{ins}");
        assert_eq!(ins["OpenStdin"].as_bool(), Some(true), "{ins}");
        // An instance runs once.
        let (head, body) = http(&api.sock, "POST", &format!("/exec/{id}/start"), Some(r#"{"Detach":false}"#));
        assert!(head.starts_with("HTTP/1.1 409"), "{head}");
        assert!(String::from_utf8_lossy(&body).contains("has already run"), "{}", String::from_utf8_lossy(&body));
        // A client that does not upgrade reads the same stream in a 200 body.
        let id = exec_create(&api.sock, "apiexec-raw", r#"{"AttachStdout":true,"AttachStderr":true,"Cmd":["echo","plain"]}"#);
        let (head, body) = http(&api.sock, "POST", &format!("/exec/{id}/start"), Some("{}"));
        assert!(head.starts_with("HTTP/1.1 200"), "{head}");
        let body = if head.to_ascii_lowercase().contains("transfer-encoding: chunked") { dechunk(&body) } else { body };
        assert_eq!(joined(&demux(&body), 1), "plain\n");
        s.ok(&["rm", "-f", "apiexec-raw"]);
    }
}

both! {
    /// docker exec -it in a real pty: the prompt, a terminal of the
    /// container's devpts, the user's window size (the CLI's resize), the
    /// exit code; -t alone gives a terminal too.
    fn docker_exec_tty(s) {
        require_registry();
        s.pull(BUSYBOX);
        let Some(api) = Service::start(s) else { return };
        api.ok(s, &["run", "-d", "--name", "apiexec-tty", BUSYBOX, "sleep", "600"]);
        let t = api.ok(s, &["exec", "-t", "apiexec-tty", "tty"]);
        assert!(t.stdout.starts_with("/dev/pts/"), "{t:?}");
        if let Mode::Rootless { user, switch: true } = &s.mode {
            let dot = s.dir.join(".docker");
            std::fs::create_dir_all(&dot).unwrap();
            std::os::unix::fs::chown(&dot, Some(user.uid), Some(user.gid)).unwrap();
        }
        let docker = format!("env DOCKER_HOST=unix://{} DOCKER_CONFIG={}/.docker {}", api.sock.display(), s.dir.display(), api.docker.display());
        let out = in_pty(
            s,
            &format!("stty rows 40 cols 120; exec {docker} exec -it apiexec-tty sh"),
            &[("/ # ", "tty; stty size; echo sum=$((6*7))\n"), ("sum=42", "exit 4\n")],
        );
        assert_eq!(out.code, 4, "{out:?}");
        assert!(out.stdout.contains("/dev/pts/"), "a terminal:{out:?}");
        assert!(out.stdout.contains("40 120"), "the user's window size:{out:?}");
        s.ok(&["rm", "-f", "apiexec-tty"]);
    }
}

both! {
    /// docker-py: container.exec_run plain, demux, stream, with a TTY, env,
    /// workdir and user; exec_inspect after its end.
    fn docker_py_exec_run(s) {
        require_registry();
        s.pull(BUSYBOX);
        let Some(api) = Service::start(s) else { return };
        if !Path::new(PYTHON).exists() {
            return eprintln!("skipped: no docker-py at {PYTHON}");
        }
        s.ok(&["run", "-d", "--name", "apiexec-py", BUSYBOX, "sleep", "600"]);
        let script = r#"
import docker
c = docker.from_env()
ctr = c.containers.get("apiexec-py")
r = ctr.exec_run(["sh", "-c", "echo out; echo err >&2; exit 2"])
assert r.exit_code == 2, r
# stdout and stderr are two pipes: their interleaving is not fixed (docker's neither).
assert sorted(r.output.splitlines()) == [b"err", b"out"], r.output
r = ctr.exec_run(["sh", "-c", "echo out; echo err >&2"], demux=True)
assert r.exit_code == 0, r
assert r.output == (b"out\n", b"err\n"), r.output
r = ctr.exec_run("sh -c 'echo a; sleep 0.2; echo b'", stream=True)
assert b"".join(r.output) == b"a\nb\n"
r = ctr.exec_run("tty", tty=True)
assert r.exit_code == 0 and r.output.startswith(b"/dev/pts/"), r
r = ctr.exec_run(["sh", "-c", "echo $V $(pwd) $(id -u)"], environment={"V": "vee"}, workdir="/etc", user="1000")
assert r.output == b"vee /etc 1000\n", r.output
api = c.api
e = api.exec_create("apiexec-py", ["sh", "-c", "exit 7"])
assert api.exec_start(e["Id"]) == b""
i = api.exec_inspect(e["Id"])
assert i["Running"] is False and i["ExitCode"] == 7, i
print("exec_run ok")
"#;
        let child = spawn_retry(&mut api.command(s, PYTHON, &["-c", script]));
        let out = wait_output(child, "python3 exec_run script".into(), None, TIMEOUT).ok();
        assert!(out.stdout.contains("exec_run ok"), "{out:?}");
        s.ok(&["rm", "-f", "apiexec-py"]);
    }
}

both! {
    /// docker commit (then run the committed image), docker export (the
    /// tar has the container's files), docker diff, docker update.
    fn docker_commit_export_diff(s) {
        require_registry();
        s.pull(BUSYBOX);
        let Some(api) = Service::start(s) else { return };
        api.ok(s, &["run", "-d", "--name", "apiexec-cm", BUSYBOX, "sh", "-c", "echo committed > /added; rm /etc/shells 2>/dev/null; sleep 600"]);
        eventually("the container wrote /added", || api.docker(s, &["diff", "apiexec-cm"]).stdout.contains("A /added"));
        let diff = api.ok(s, &["diff", "apiexec-cm"]);
        assert!(diff.lines().contains(&"A /added".to_string()), "{diff:?}");
        assert_eq!(
            diff.lines().iter().filter(|l| l.starts_with("A ")).count(),
            s.ok(&["diff", "apiexec-cm"]).lines().iter().filter(|l| l.starts_with("A ")).count(),
            "the same changes as sangja diff"
        );
        let committed = api.ok(s, &["commit", "-c", "CMD [\"cat\", \"/added\"]", "-m", "by the api", "apiexec-cm", "apiexec-img:v1"]);
        let id = committed.stdout.trim().trim_start_matches("sha256:").to_string();
        assert!(is_hex_id(&id), "commit printed {committed:?}");
        assert!(s.ok(&["images", "-q", "--no-trunc"]).stdout.contains(&id), "the image is in the store");
        api.ok(s, &["run", "--rm", "apiexec-img:v1"]).stdout_is("committed\n");
        s.ok(&["run", "--rm", "localhost/apiexec-img:v1"]).stdout_is("committed\n");
        let hist = s.ok(&["history", "--no-trunc", "--format", "{{.Comment}}", "localhost/apiexec-img:v1"]);
        assert!(hist.stdout.contains("by the api"), "{hist:?}");
        // export: of the running container, and of a stopped one the CLI made.
        s.ok(&["create", "--name", "apiexec-ex", BUSYBOX, "true"]);
        for (c, file) in [("apiexec-cm", "added"), ("apiexec-ex", "bin/busybox")] {
            let tar = s.dir.join(format!("{c}.tar"));
            let _ = std::fs::remove_file(&tar);
            let out = api.command(s, &api.docker, &["export", c]).stdout(Stdio::piped()).output().unwrap();
            assert!(out.status.success(), "docker export {c}: {}", String::from_utf8_lossy(&out.stderr));
            std::fs::write(&tar, &out.stdout).unwrap();
            let list = Command::new("tar").arg("tf").arg(&tar).output().unwrap();
            assert!(list.status.success(), "not a tar: {}", String::from_utf8_lossy(&list.stderr));
            let names = String::from_utf8_lossy(&list.stdout).into_owned();
            assert!(names.lines().any(|l| l.trim_start_matches("./") == file), "{file} not in the export of {c}: {names}");
            assert!(names.lines().any(|l| l.trim_start_matches("./") == "etc/passwd"), "{names}");
        }
        api.docker(s, &["export", "apiexec-nosuch"]).code(1).stderr_has("no such container");
        // update: new limits, or podman's refusal where no cgroup is writable.
        let up = api.docker(s, &["update", "--memory", "64m", "--memory-swap", "128m", "apiexec-cm"]);
        if up.code == 0 {
            let mem = s.ok(&["inspect", "--format", "{{.HostConfig.Memory}}", "apiexec-cm"]);
            assert_eq!(mem.stdout.trim(), "67108864", "{up:?}");
        } else {
            assert!(!s.is_rootless() || up.stderr.contains("cgroup"), "{up:?}");
        }
        api.docker(s, &["update", "--restart", "always", "apiexec-cm"]).stderr_has("restart policy");
        s.ok(&["rm", "-f", "apiexec-cm", "apiexec-ex"]);
        s.ok(&["rmi", "localhost/apiexec-img:v1"]);
    }
}

/// The multiplexed frames of `body`: (stream, bytes) each.
fn frames(mut body: &[u8]) -> Vec<(u8, Vec<u8>)> {
    let mut out = Vec::new();
    while body.len() >= 8 {
        let n = u32::from_be_bytes([body[4], body[5], body[6], body[7]]) as usize;
        let end = (8 + n).min(body.len());
        out.push((body[0], body[8..end].to_vec()));
        body = &body[end..];
    }
    out
}

both! {
    /// An attach made after its container ended (compose's order: create
    /// with AttachStdout, start, then attach) gets the kept output, also
    /// when the client reads the 101 head late and through a buffer, as
    /// docker-py does: the output must come after the head, not with it,
    /// or the buffer swallows it. Here the client waits 600 ms, reads once
    /// and drops what came with the head.
    fn kept_output_waits_for_the_head_to_be_read(s) {
        let Some(api) = Service::start(s) else { return };
        s.pull(BUSYBOX);
        let create = format!(
            r#"{{"Image":"{BUSYBOX}","Cmd":["sh","-c","echo kept-out; echo kept-err >&2"],"AttachStdout":true,"AttachStderr":true}}"#
        );
        let (head, body) = http(&api.sock, "POST", "/v1.41/containers/create", Some(&create));
        assert!(head.starts_with("HTTP/1.1 201"), "{head}\n{}", String::from_utf8_lossy(&body));
        let id = json_of(&body)["Id"].as_str().unwrap().to_string();
        let (head, _) = http(&api.sock, "POST", &format!("/v1.41/containers/{id}/start"), None);
        assert!(head.starts_with("HTTP/1.1 204"), "{head}");
        std::thread::sleep(Duration::from_millis(300));
        let mut c = UnixStream::connect(&api.sock).expect("connect");
        c.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        let req = format!(
            "POST /v1.41/containers/{id}/attach?stream=1&stdout=1&stderr=1 HTTP/1.1\r\nHost: d\r\nConnection: Upgrade\r\nUpgrade: tcp\r\nContent-Length: 0\r\n\r\n"
        );
        c.write_all(req.as_bytes()).unwrap();
        std::thread::sleep(Duration::from_millis(600));
        let mut first = vec![0u8; 8192];
        let n = c.read(&mut first).unwrap();
        let (head, with_head) = split_head(&first[..n]);
        assert!(head.starts_with("HTTP/1.1 101"), "{head}");
        assert!(with_head.is_empty(), "output came with the 101 head (a buffered reader loses it): {:?}", String::from_utf8_lossy(&with_head));
        let mut rest = Vec::new();
        let _ = c.read_to_end(&mut rest);
        let got = frames(&rest);
        assert!(got.contains(&(1, b"kept-out\n".to_vec())), "no stdout frame in {got:?}");
        assert!(got.contains(&(2, b"kept-err\n".to_vec())), "no stderr frame in {got:?}");
        http(&api.sock, "DELETE", &format!("/v1.41/containers/{id}"), None);
    }
}

both! {
    /// An attach waiting for a start ends when its container is removed
    /// without one (here by the CLI, another process): its connection is
    /// closed within a second, not held until the service exits.
    fn waiting_attach_ends_when_its_container_goes(s) {
        let Some(api) = Service::start(s) else { return };
        s.pull(BUSYBOX);
        let create = format!(r#"{{"Image":"{BUSYBOX}","Cmd":["true"],"AttachStdout":true}}"#);
        let (head, body) = http(&api.sock, "POST", "/v1.41/containers/create", Some(&create));
        assert!(head.starts_with("HTTP/1.1 201"), "{head}\n{}", String::from_utf8_lossy(&body));
        let id = json_of(&body)["Id"].as_str().unwrap().to_string();
        let mut c = UnixStream::connect(&api.sock).expect("connect");
        c.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        let req = format!(
            "POST /v1.41/containers/{id}/attach?stream=1&stdout=1 HTTP/1.1\r\nHost: d\r\nConnection: Upgrade\r\nUpgrade: tcp\r\nContent-Length: 0\r\n\r\n"
        );
        c.write_all(req.as_bytes()).unwrap();
        let mut first = vec![0u8; 8192];
        let n = c.read(&mut first).unwrap();
        assert!(String::from_utf8_lossy(&first[..n]).starts_with("HTTP/1.1 101"), "{:?}", String::from_utf8_lossy(&first[..n]));
        s.ok(&["rm", &id]);
        let t0 = Instant::now();
        let mut rest = Vec::new();
        let ended = c.read_to_end(&mut rest);
        assert!(ended.is_ok(), "the attach was not closed: {ended:?} after {:?}", t0.elapsed());
        assert!(t0.elapsed() < Duration::from_secs(5), "the attach ended only after {:?}", t0.elapsed());
        assert!(rest.is_empty(), "output from a container never started: {rest:?}");
    }
}
