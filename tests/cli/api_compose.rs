//! Real clients against the API service (issue 20): Debian's docker-compose
//! 1.29 (through its docker-py 5) on a two-service project, docker-py 7's
//! container, image, volume, network and event calls, and the service
//! started by a real `systemd --user` through its socket unit.
//! Rootless and as root; every name starts with `apicomp`.

use crate::util::*;
use std::ffi::OsStr;
use std::io::{Read, Write};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// `sangja system service` on a socket of the test's own.
struct Service {
    running: Option<Running>,
    sock: PathBuf,
}

impl Service {
    fn start(s: &Sangja) -> Service {
        let sock = s.dir.join("api.sock");
        let uri = format!("unix://{}", sock.display());
        let running = s.spawn(&["system", "service", "--time", "0", &uri]);
        let deadline = Instant::now() + Duration::from_secs(20);
        while !sock.exists() {
            assert!(Instant::now() < deadline, "the service never made its socket {}", sock.display());
            std::thread::sleep(Duration::from_millis(20));
        }
        Service { running: Some(running), sock }
    }

    /// `PROGRAM ARGS` as the test's user, with DOCKER_HOST on this service.
    fn command<S: AsRef<OsStr>>(&self, s: &Sangja, program: &Path, args: &[S]) -> Command {
        let mut cmd = Command::new(program);
        cmd.args(args);
        cmd.env_clear();
        cmd.env("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        cmd.env("LANG", "C.UTF-8");
        cmd.env("DOCKER_HOST", format!("unix://{}", self.sock.display()));
        // compose builds through docker-py's POST /build, not a docker CLI.
        cmd.env("COMPOSE_DOCKER_CLI_BUILD", "0");
        cmd.env("DOCKER_BUILDKIT", "0");
        cmd.env("COMPOSE_INTERACTIVE_NO_CLI", "1");
        cmd.env("HOME", &s.dir);
        cmd.env("DOCKER_CONFIG", s.dir.join(".docker"));
        cmd.current_dir(&s.dir);
        if let Mode::Rootless { user, switch: true } = &s.mode {
            cmd.uid(user.uid).gid(user.gid);
        }
        cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
        cmd
    }

    fn run<S: AsRef<OsStr>>(&self, s: &Sangja, program: &Path, args: &[S]) -> Out {
        let child = spawn_retry(&mut self.command(s, program, args));
        let line: Vec<String> = args.iter().map(|a| a.as_ref().to_string_lossy().into_owned()).collect();
        wait_output(child, format!("{} {}", program.display(), line.join(" ")), None, TIMEOUT)
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        if let Some(r) = self.running.take() {
            r.signal("TERM");
            let _ = r.finish();
        }
    }
}

/// A file or folder the test's user may use.
fn give(s: &Sangja, p: &Path) {
    if let Mode::Rootless { user, switch: true } = &s.mode {
        std::os::unix::fs::chown(p, Some(user.uid), Some(user.gid)).unwrap();
    }
}

/// A loopback port free now (the kernel's choice).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// GET / on 127.0.0.1:PORT from the host: the body, once something answers
/// (None after `secs`).
fn http_get(port: u16, secs: u64) -> Option<String> {
    let deadline = Instant::now() + Duration::from_secs(secs);
    while Instant::now() < deadline {
        if let Ok(mut c) = std::net::TcpStream::connect(("127.0.0.1", port)) {
            let _ = c.set_read_timeout(Some(Duration::from_secs(5)));
            let _ = c.write_all(b"GET / HTTP/1.0\r\nHost: localhost\r\n\r\n");
            let mut text = String::new();
            if c.read_to_string(&mut text).is_ok() {
                if let Some((head, body)) = text.split_once("\r\n\r\n") {
                    if head.starts_with("HTTP/1.") && head.contains(" 200 ") {
                        return Some(body.to_string());
                    }
                }
            }
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    None
}

const COMPOSE: &str = "/usr/bin/docker-compose";

both! {
    /// docker-compose 1.29: a project of two services (web built from a
    /// Containerfile, db from an image), a user network, a named volume, a
    /// published port, depends_on and environment: up -d, ps, logs, the
    /// services reach each other by name, the port answers from the host,
    /// a second up -d changes nothing, and down -v --rmi local leaves no
    /// container, network, volume or built image behind.
    fn docker_compose_project(s) {
        if !Path::new(COMPOSE).exists() {
            eprintln!("skipped: no {COMPOSE} (apt-get install docker-compose; tests/setup.sh does)");
            return;
        }
        s.pull(BUSYBOX);
        let api = Service::start(s);
        let who = if s.is_rootless() { "user" } else { "root" };
        let project = format!("apicomp{who}{}", std::process::id());
        let port = free_port();
        let dir = s.dir.join("proj");
        std::fs::create_dir_all(dir.join("web")).unwrap();
        std::fs::write(
            dir.join("docker-compose.yml"),
            format!(
                r#"version: "3.7"
services:
  db:
    image: {REGISTRY}/busybox
    command: ["sh", "-c", "echo db-ready $$DBNAME; echo from-volume > /data/index.html; exec httpd -f -p 8081 -h /data"]
    environment:
      - DBNAME=apicompdb
    volumes:
      - dbdata:/data
    networks: [backend]
    stop_grace_period: 1s
  web:
    build: ./web
    depends_on: [db]
    environment:
      GREETING: hello-from-web
    ports:
      - "127.0.0.1:{port}:8080"
    networks: [backend]
    stop_grace_period: 1s
volumes:
  dbdata:
networks:
  backend:
"#
            ),
        )
        .unwrap();
        std::fs::write(
            dir.join("web/Dockerfile"),
            format!(
                "FROM {REGISTRY}/busybox\nRUN mkdir /www && echo apicomp-index > /www/index.html\n\
                 CMD [\"sh\", \"-c\", \"echo web-up $GREETING; exec httpd -f -p 8080 -h /www\"]\n"
            ),
        )
        .unwrap();
        for p in [&dir, &dir.join("web"), &dir.join("docker-compose.yml"), &dir.join("web/Dockerfile")] {
            give(s, p);
        }
        let compose = |args: &[&str]| {
            let mut all = vec!["--ansi", "never", "-f", "proj/docker-compose.yml", "-p", project.as_str()];
            all.extend_from_slice(args);
            api.run(s, Path::new(COMPOSE), &all)
        };
        let up = compose(&["up", "-d"]).ok();
        let (db, web) = (format!("{project}_db_1"), format!("{project}_web_1"));
        assert!(up.stderr.contains(&format!("Creating {db} ... done")) && up.stderr.contains(&format!("Creating {web} ... done")), "{up:?}");

        // What sangja's own CLI sees: the containers, the network and the
        // volume under compose's names and labels.
        let ps = s.ok(&["ps", "--format", "{{.Names}} {{.State}}"]).lines();
        assert!(ps.contains(&format!("{db} running")) && ps.contains(&format!("{web} running")), "{ps:?}");
        let label = format!("label=com.docker.compose.project={project}");
        assert_eq!(s.ok(&["volume", "ls", "-q", "--filter", &label]).lines(), [format!("{project}_dbdata")]);
        assert_eq!(s.ok(&["network", "ls", "--format", "{{.Name}}", "--filter", &label]).lines(), [format!("{project}_backend")]);
        assert_eq!(s.ok(&["ps", "-q", "--filter", &label]).lines().len(), 2);
        // depends_on: db started first.
        let started = |c: &str| s.ok(&["inspect", "--format", "{{.State.StartedAt}}", c]).stdout.trim().to_string();
        assert!(started(&db) <= started(&web), "db started after web: {} > {}", started(&db), started(&web));
        // environment.
        assert_eq!(s.ok(&["exec", &web, "sh", "-c", "echo $GREETING"]).stdout, "hello-from-web\n");

        let ps = compose(&["ps"]).ok();
        let row = |name: &str| ps.stdout.lines().find(|l| l.starts_with(name)).unwrap_or_default().to_string();
        assert!(row(&db).contains(" Up "), "{ps:?}");
        assert!(row(&web).contains(" Up ") && row(&web).contains(&format!("127.0.0.1:{port}->8080/tcp")), "{ps:?}");

        // The published port answers from the host.
        assert_eq!(http_get(port, 20).as_deref(), Some("apicomp-index\n"), "nothing answered on 127.0.0.1:{port}");
        // Names resolve between services (the service names are aliases on
        // the project's network), both ways; db serves the named volume.
        let get = |from: &str, url: &str| s.run(&["exec", from, "wget", "-q", "-O-", url]);
        let mut got = get(&web, "http://db:8081/");
        for _ in 0..50 {
            if got.code == 0 {
                break;
            }
            std::thread::sleep(Duration::from_millis(100));
            got = get(&web, "http://db:8081/");
        }
        assert_eq!(got.ok().stdout, "from-volume\n");
        assert_eq!(get(&db, "http://web:8080/").ok().stdout, "apicomp-index\n");
        let hosts = s.ok(&["exec", &db, "cat", "/etc/hosts"]).stdout;
        assert!(hosts.lines().any(|l| l.split_whitespace().skip(1).any(|n| n == "web")), "{hosts}");

        let logs = compose(&["logs", "--no-color"]).ok();
        assert!(logs.stdout.lines().any(|l| l.starts_with("db_1") && l.ends_with("| db-ready apicompdb")), "{logs:?}");
        assert!(logs.stdout.lines().any(|l| l.starts_with("web_1") && l.ends_with("| web-up hello-from-web")), "{logs:?}");

        // Up again: nothing to change (compose's label filters and config hash).
        let ids = s.ok(&["ps", "-q", "--no-trunc"]).lines();
        let again = compose(&["up", "-d"]).ok();
        assert!(again.stderr.contains(&format!("{db} is up-to-date")) && again.stderr.contains(&format!("{web} is up-to-date")), "{again:?}");
        assert_eq!(s.ok(&["ps", "-q", "--no-trunc"]).lines(), ids);

        let down = compose(&["down", "-v", "--rmi", "local"]).ok();
        assert!(down.stderr.contains(&format!("Removing network {project}_backend")), "{down:?}");
        assert!(s.ok(&["ps", "-a", "-q"]).lines().is_empty(), "containers left");
        assert!(s.ok(&["volume", "ls", "-q"]).lines().is_empty(), "volumes left");
        let nets = s.ok(&["network", "ls", "--format", "{{.Name}}"]).lines();
        assert!(!nets.iter().any(|n| n.starts_with("apicomp")), "networks left: {nets:?}");
        let images = s.ok(&["images", "--format", "{{.Repository}}"]).lines();
        assert_eq!(images, [format!("{REGISTRY}/busybox")], "down --rmi local removes the built image");
    }
}

/// A python with docker-py 7 the test's user may run ($SANGJA_TEST_PYTHON,
/// else the venv tests/setup.sh makes); None (with a message) without one.
fn docker_py(s: &Sangja, api: &Service) -> Option<PathBuf> {
    let venv = "/opt/sangja-tests/venv/bin/python3";
    let fallback = if Path::new(venv).exists() { venv } else { "python3" };
    let python = PathBuf::from(std::env::var("SANGJA_TEST_PYTHON").unwrap_or_else(|_| fallback.into()));
    let check = "import docker, sys; sys.exit(0 if int(docker.__version__.split('.')[0]) >= 7 else 1)";
    let has = api.command(s, &python, &["-c", check]).output().map(|o| o.status.success()).unwrap_or(false);
    if !has {
        eprintln!("skipped: {} has no docker-py 7 (pip install 'docker>=7'; set SANGJA_TEST_PYTHON)", python.display());
        return None;
    }
    Some(python)
}

both! {
    /// docker-py 7: containers.run (detached, and in the foreground with its
    /// output), wait, logs by stream, get, list with filters (label AND-ed,
    /// status, name), stop, remove; a container on a user network under an
    /// alias, network connect/disconnect; volumes and networks prune;
    /// images.pull/get/list/remove; client.events as a decode=True
    /// generator, over a past window and live.
    fn docker_py_containers_events(s) {
        let api = Service::start(s);
        let Some(python) = docker_py(s, &api) else { return };
        let script = format!(
            r#"
import docker, time, threading
c = docker.from_env()
t0 = int(time.time()) - 1
img = c.images.pull("{BUSYBOX}")
assert "{BUSYBOX}" in img.tags, img.tags
assert c.images.get("{BUSYBOX}").id == img.id
assert [i.id for i in c.images.list()] == [img.id]

run = c.containers.run("{BUSYBOX}", ["sh", "-c", "echo out; echo err >&2; echo $K; exit 3"], detach=True,
                       name="apicomp-py-run", labels={{"apicomp": "yes"}}, environment={{"K": "kv"}})
assert run.wait(timeout=60)["StatusCode"] == 3
assert run.logs(stdout=True, stderr=False) == b"out\nkv\n", run.logs(stdout=True, stderr=False)
assert run.logs(stdout=False, stderr=True) == b"err\n", run.logs(stdout=False, stderr=True)
assert run.logs() == b"out\nerr\nkv\n" or sorted(run.logs().splitlines()) == [b"err", b"kv", b"out"], run.logs()

# In the foreground, run follows the logs from its start and reads them
# only after it removed the container: the output must still be there (the
# log exists before the start returns, the logs request holds it open).
# Several times, as it once lost the output one run in 15.
for i in range(8):
    fg = c.containers.run("{BUSYBOX}", ["echo", "foreground"], remove=True, name="apicomp-py-fg")
    assert fg == b"foreground\n", (i, fg)
assert "apicomp-py-fg" not in [x.name for x in c.containers.list(all=True)]
try:
    c.containers.run("{BUSYBOX}", ["sh", "-c", "echo bad >&2; exit 2"], name="apicomp-py-fail")
    raise SystemExit("a failing run did not raise")
except docker.errors.ContainerError as e:
    assert e.exit_status == 2 and b"bad" in e.stderr, e
c.containers.get("apicomp-py-fail").remove()

net = c.networks.create("apicomp-pynet", labels={{"apicomp": "yes"}})
long = c.containers.run("{BUSYBOX}", ["sleep", "100"], detach=True, name="apicomp-py-long",
                        labels={{"apicomp": "yes", "role": "long"}}, network="apicomp-pynet",
                        networking_config={{"apicomp-pynet": c.api.create_endpoint_config(aliases=["pyalias"])}})
long.reload()
assert long.status == "running", long.status
eps = long.attrs["NetworkSettings"]["Networks"]
assert "pyalias" in eps["apicomp-pynet"]["Aliases"], eps
assert long.id[:12] in eps["apicomp-pynet"]["Aliases"], eps
assert long.attrs["Config"]["Labels"]["role"] == "long"
peer = c.containers.run("{BUSYBOX}", ["sh", "-c", "getent hosts pyalias || grep -w pyalias /etc/hosts"], detach=True,
                        name="apicomp-py-peer", network="apicomp-pynet")
assert peer.wait(timeout=60)["StatusCode"] == 0, peer.logs()
assert b"pyalias" in peer.logs(), peer.logs()

names = lambda **kw: sorted(x.name for x in c.containers.list(**kw))
assert names() == ["apicomp-py-long"], names()
assert names(all=True, filters={{"label": "apicomp=yes"}}) == ["apicomp-py-long", "apicomp-py-run"], names(all=True)
assert names(all=True, filters={{"label": ["apicomp=yes", "role=long"]}}) == ["apicomp-py-long"]
assert names(all=True, filters={{"label": ["apicomp=yes", "role=none"]}}) == []
assert names(all=True, filters={{"status": "exited"}}) == ["apicomp-py-peer", "apicomp-py-run"], names(all=True, filters={{"status": "exited"}})
assert names(all=True, filters={{"name": "apicomp-py-l"}}) == ["apicomp-py-long"]
assert names(all=True, filters={{"id": long.id[:12]}}) == ["apicomp-py-long"]

other = c.networks.create("apicomp-pynet2")
other.connect(long, aliases=["second"])
long.reload()
assert "apicomp-pynet2" in long.attrs["NetworkSettings"]["Networks"], long.attrs["NetworkSettings"]["Networks"]
other.reload()
assert [x.name for x in other.containers] == ["apicomp-py-long"], other.containers
other.disconnect(long)
long.reload()
assert "apicomp-pynet2" not in long.attrs["NetworkSettings"]["Networks"]

long.stop(timeout=1)
long.reload()
assert long.status == "exited", long.status
for x in c.containers.list(all=True):
    x.remove(force=True)
assert c.containers.list(all=True) == []
assert sorted(c.networks.prune()["NetworksDeleted"]) == ["apicomp-pynet", "apicomp-pynet2"]
vol = c.volumes.create("apicomp-pyvol")
assert c.volumes.prune(filters={{"all": "true"}})["VolumesDeleted"] == ["apicomp-pyvol"]
assert c.volumes.list() == []

# Events: a past window (a finite generator), then the live stream.
t1 = int(time.time()) + 1
past = [(e["Type"], e["Action"], e["Actor"]["Attributes"].get("name")) for e in c.events(since=t0, until=t1, decode=True)]
for want in [("container", "create", "apicomp-py-run"), ("container", "start", "apicomp-py-run"),
             ("container", "die", "apicomp-py-run"), ("container", "destroy", "apicomp-py-run"),
             ("network", "create", "apicomp-pynet"), ("volume", "create", "apicomp-pyvol")]:
    assert want in past, (want, past)
assert not [e for e in c.events(since=t0, until=t1, decode=True, filters={{"type": "volume", "event": "create"}}) if e["Type"] != "volume"]

live = c.events(decode=True, filters={{"type": "container", "container": "apicomp-py-ev"}})
seen = []
def read():
    for e in live:
        seen.append(e["Action"])
        if e["Action"] == "destroy":
            return
reader = threading.Thread(target=read, daemon=True)
reader.start()
time.sleep(0.5)
c.containers.run("{BUSYBOX}", ["true"], remove=True, name="apicomp-py-ev")
reader.join(20)
live.close()
assert not reader.is_alive(), "the live stream never sent destroy: %r" % seen
assert [a for a in seen if a in ("create", "start", "die", "destroy")] == ["create", "start", "die", "destroy"], seen

c.images.remove("{BUSYBOX}")
assert c.images.list() == []
print("docker-py ok")
"#
        );
        let child = spawn_retry(&mut api.command(s, &python, &["-c", script.as_str()]));
        let out = wait_output(child, "python3 docker-py script".into(), None, TIMEOUT).ok();
        assert!(out.stdout.contains("docker-py ok"), "{out:?}");
        assert!(s.image_ids().is_empty());
        assert!(s.ok(&["ps", "-a", "-q"]).lines().is_empty());
    }
}

/// `curl --unix-socket SOCK http://d/PATH` as the test's user: (exit code, body).
fn curl_as(s: &Sangja, sock: &Path, path: &str) -> (i32, String) {
    let mut cmd = Command::new("curl");
    cmd.args(["-sS", "-m", "30", "--unix-socket"]).arg(sock).arg(format!("http://d{path}"));
    if let Mode::Rootless { user, switch: true } = &s.mode {
        cmd.uid(user.uid).gid(user.gid);
    }
    let o = cmd.output().expect("curl (tests/setup.sh installs it)");
    (o.status.code().unwrap_or(-1), format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr)))
}

/// Polls `f` for `secs`; whether it held.
fn within(secs: u64, mut f: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + Duration::from_secs(secs);
    while Instant::now() < deadline {
        if f() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    f()
}

/// Socket activation through a real `systemd --user` (root starts one for
/// the test user, as tests/cli/systemd.rs does): packaging/systemd's user
/// units, their ExecStart pointed at the built binary and the test's store.
/// `systemctl --user start sangja.socket` makes the socket (0600, the
/// user's); the first request starts the service, which answers; after its
/// idle time it exits cleanly while the socket unit stays listening; the
/// next request starts it again.
#[test]
fn socket_activation_systemd_user() {
    if !is_root() {
        eprintln!("skipped: starting a user manager for the test user needs root");
        return;
    }
    let Some(s) = Sangja::rootless("apicomp_sockact") else { return };
    let Mode::Rootless { user, .. } = &s.mode else { unreachable!() };
    let (uid, gid) = (user.uid, user.gid);
    let packaged = Path::new(env!("CARGO_MANIFEST_DIR")).join("packaging/systemd/user");
    let cfg = s.dir.join("cfg");
    let units = cfg.join("systemd/user");
    std::fs::create_dir_all(&units).unwrap();
    let service = std::fs::read_to_string(packaged.join("sangja.service")).unwrap();
    let shipped = "ExecStart=/usr/bin/sangja system service --time 5\n";
    assert!(service.contains(shipped), "the packaged sangja.service changed its ExecStart:\n{service}");
    let exec =
        format!("ExecStart={} --root {} --runroot {} system service --time 2\n", binary().display(), s.root.display(), s.runroot.display());
    std::fs::write(units.join("sangja.service"), service.replace(shipped, &exec)).unwrap();
    std::fs::copy(packaged.join("sangja.socket"), units.join("sangja.socket")).unwrap();
    Command::new("chown").arg("-R").arg(format!("{uid}:{gid}")).arg(&cfg).status().unwrap();
    let Some(m) = crate::systemd::Manager::start(&s, &cfg) else { return };

    let state = |unit: &str| m.systemctl(&["is-active", unit]).stdout;
    let invocation = || m.ok(&["show", "-p", "InvocationID", "--value", "sangja.service"]).trim().to_string();
    m.ok(&["start", "sangja.socket"]);
    assert_eq!(state("sangja.socket"), b"active\n");
    assert_eq!(state("sangja.service"), b"inactive\n", "the service waits for a connection");
    let sock = m.xdg.join("sangja/sangja.sock");
    let meta = std::fs::metadata(&sock).unwrap_or_else(|e| panic!("{}: {e}", sock.display()));
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    assert_eq!((meta.permissions().mode() & 0o777, meta.uid()), (0o600, uid), "the socket is its user's only");

    // The first request starts the service, through LISTEN_FDS.
    let t = Instant::now();
    assert_eq!(curl_as(&s, &sock, "/_ping"), (0, "OK".to_string()));
    eprintln!("first request through the socket unit (service cold start included): {:?}", t.elapsed());
    let first = invocation();
    assert!(!first.is_empty());
    let (code, version) = curl_as(&s, &sock, "/v1.44/version");
    assert_eq!(code, 0, "{version}");
    assert!(version.contains("\"ApiVersion\":\"1.44\""), "{version}");
    if Path::new("/usr/local/bin/docker").exists() || Path::new("/usr/bin/docker").exists() {
        let o = Command::new("docker")
            .args(["version", "--format", "{{.Server.APIVersion}}"])
            .env_clear()
            .env("PATH", "/usr/local/bin:/usr/bin:/bin")
            .env("HOME", &s.dir)
            .env("DOCKER_CONFIG", s.dir.join(".docker"))
            .env("DOCKER_HOST", format!("unix://{}", sock.display()))
            .uid(uid)
            .gid(gid)
            .output()
            .unwrap();
        assert_eq!(String::from_utf8_lossy(&o.stdout).trim(), "1.44", "docker version through the socket unit: {o:?}");
    }

    // Idle for its --time: the service exits (cleanly: inactive, not
    // failed), the socket unit stays and keeps listening.
    assert!(within(20, || state("sangja.service") == b"inactive\n"), "the service never went idle: {:?}", state("sangja.service"));
    assert_eq!(state("sangja.socket"), b"active\n", "the socket unit stays after the service exits");
    assert!(sock.exists());

    // The next request starts it again: a new invocation.
    assert_eq!(curl_as(&s, &sock, "/_ping"), (0, "OK".to_string()));
    let second = invocation();
    assert_ne!(first, second, "the second request started a new service");
    let (code, list) = curl_as(&s, &sock, "/containers/json?all=1");
    assert_eq!((code, list.trim()), (0, "[]"));
    assert!(within(20, || state("sangja.service") == b"inactive\n"), "the service never went idle again");
    // Stopped, the socket unit no longer listens (systemd leaves the file:
    // the packaged unit has no RemoveOnStop, as podman.socket).
    m.ok(&["stop", "sangja.socket"]);
    let (code, _) = curl_as(&s, &sock, "/_ping");
    assert_ne!(code, 0, "a request answered after the socket unit stopped");
    assert_eq!(state("sangja.service"), b"inactive\n");
}

both! {
    /// docker-compose 1.29's `run` in the foreground (issue 20's follow-up:
    /// it hung): `run --rm [-T] SVC sh -c ...` through dockerpty
    /// (COMPOSE_INTERACTIVE_NO_CLI: it starts the container, then attaches
    /// stdin, stdout and stderr one request each) and through the docker CLI
    /// (compose's default: `docker start --attach`), without a TTY (-T) and
    /// with one (under `script`): the output shown, the exit code passed
    /// through, the container removed.
    fn docker_compose_run_foreground(s) {
        if !Path::new(COMPOSE).exists() {
            eprintln!("skipped: no {COMPOSE} (apt-get install docker-compose; tests/setup.sh does)");
            return;
        }
        if !Path::new("/usr/bin/script").exists() {
            eprintln!("skipped: no /usr/bin/script (bsdutils)");
            return;
        }
        s.pull(BUSYBOX);
        let api = Service::start(s);
        let who = if s.is_rootless() { "user" } else { "root" };
        let project = format!("apicomprun{who}{}", std::process::id());
        let dir = s.dir.join("runproj");
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("docker-compose.yml");
        std::fs::write(&file, format!("version: \"3.7\"\nservices:\n  box:\n    image: {BUSYBOX}\n")).unwrap();
        give(s, &dir);
        give(s, &file);
        let base = ["--ansi", "never", "-f", "runproj/docker-compose.yml", "-p", project.as_str()];
        let script = "echo out; echo err >&2; exit 3";
        for dockerpty in [true, false] {
            let how = if dockerpty { "dockerpty" } else { "the docker CLI" };
            // Without a TTY: the streams apart.
            let mut args: Vec<&str> = base.to_vec();
            args.extend(["run", "--rm", "-T", "box", "sh", "-c", script]);
            let mut cmd = api.command(s, Path::new(COMPOSE), &args);
            if !dockerpty {
                cmd.env_remove("COMPOSE_INTERACTIVE_NO_CLI");
            }
            let t0 = Instant::now();
            let out = wait_output(spawn_retry(&mut cmd), format!("docker-compose run -T ({how})"), None, TIMEOUT);
            assert_eq!(out.code, 3, "{how}: {out:?}");
            assert_eq!(out.stdout, "out\n", "{how}: {out:?}");
            assert!(out.stderr.lines().any(|l| l == "err"), "{how}: {out:?}");
            // It once hung for dockerpty's select timeout (60 s).
            assert!(t0.elapsed() < Duration::from_secs(30), "{how}: run -T took {:?}", t0.elapsed());

            // With a TTY (the container's too): both streams on it.
            let line = format!("{COMPOSE} {} run --rm box sh -c '{script}'", base.join(" "));
            let mut cmd = api.command(s, Path::new("/usr/bin/script"), &["-qec", line.as_str(), "/dev/null"]);
            if !dockerpty {
                cmd.env_remove("COMPOSE_INTERACTIVE_NO_CLI");
            }
            let out = wait_output(spawn_retry(&mut cmd), format!("script docker-compose run ({how})"), None, TIMEOUT);
            assert_eq!(out.code, 3, "{how}: {out:?}");
            assert!(out.stdout.contains("out\r\n") && out.stdout.contains("err\r\n"), "{how}: {out:?}");
        }
        // --rm: no container left; down takes the project's network.
        assert!(s.ok(&["ps", "-a", "-q"]).lines().is_empty(), "containers left");
        let mut args: Vec<&str> = base.to_vec();
        args.push("down");
        api.run(s, Path::new(COMPOSE), &args).ok();
    }
}

both! {
    /// Attach as docker's clients use it: `docker run -a stdout -a stderr`
    /// (and -a stderr alone), `docker run -i` with piped stdin, `docker
    /// attach` to a running container (stdin in, output and exit code
    /// out); docker-py's attach(stream=True) before the start, two attaches
    /// before the start (one per stream, as dockerpty makes them) and the
    /// three attaches made just after the start (compose's order).
    fn attach_streams(s) {
        let Some(docker) = crate::api_service::docker_bin() else {
            eprintln!("skipped: no docker CLI installed");
            return;
        };
        s.pull(BUSYBOX);
        let api = Service::start(s);
        let docker_run = |args: &[&str], stdin: Option<&str>| {
            let mut cmd = api.command(s, &docker, args);
            if stdin.is_some() {
                cmd.stdin(Stdio::piped());
            }
            wait_output(spawn_retry(&mut cmd), format!("docker {}", args.join(" ")), stdin.map(str::as_bytes), TIMEOUT)
        };
        let script = "echo out; echo err >&2; exit 3";
        let out = docker_run(&["run", "--rm", "-a", "stdout", "-a", "stderr", BUSYBOX, "sh", "-c", script], None);
        assert_eq!((out.code, out.stdout.as_str(), out.stderr.as_str()), (3, "out\n", "err\n"), "{out:?}");
        let out = docker_run(&["run", "--rm", "-a", "stderr", BUSYBOX, "sh", "-c", script], None);
        assert_eq!((out.code, out.stdout.as_str(), out.stderr.as_str()), (3, "", "err\n"), "{out:?}");
        let out = docker_run(&["run", "--rm", "-i", BUSYBOX, "sh", "-c", "cat; exit 5"], Some("piped in\n"));
        assert_eq!((out.code, out.stdout.as_str()), (5, "piped in\n"), "{out:?}");

        let name = format!("apicomp-attach-{}", std::process::id());
        let run = docker_run(&["run", "-d", "-i", "--name", &name, BUSYBOX, "sh", "-c", "read x; echo got $x; echo e >&2; exit 7"], None);
        assert_eq!(run.code, 0, "{run:?}");
        let out = docker_run(&["attach", &name], Some("hello\n"));
        assert_eq!((out.code, out.stdout.as_str(), out.stderr.as_str()), (7, "got hello\n", "e\n"), "{out:?}");
        assert_eq!(docker_run(&["rm", &name], None).code, 0);

        let Some(python) = docker_py(s, &api) else { return };
        let py = format!(
            r#"
import docker
c = docker.from_env()
cmd = ["sh", "-c", "echo out; echo err >&2; exit 3"]

def read_all(sock):
    sock = getattr(sock, "_sock", sock)
    data = b""
    while True:
        d = sock.recv(65536)
        if not d:
            return data
        data += d

def demux(data):
    out = {{1: b"", 2: b""}}
    while data:
        n = int.from_bytes(data[4:8], "big")
        out[data[0]] += data[8:8 + n]
        data = data[8 + n:]
    return out

ct = c.containers.create("{BUSYBOX}", cmd)
stream = ct.attach(stdout=True, stderr=True, stream=True)
ct.start()
got = b"".join(stream)
assert got in (b"out\nerr\n", b"err\nout\n"), got
assert ct.wait(timeout=60)["StatusCode"] == 3
ct.remove()

for tty in (False, True):
    ct = c.containers.create("{BUSYBOX}", cmd, tty=tty, stdin_open=True)
    assert ct.attrs["Config"]["AttachStdout"] and ct.attrs["Config"]["AttachStderr"] and ct.attrs["Config"]["AttachStdin"], ct.attrs["Config"]
    o = c.api.attach_socket(ct.id, {{"stdout": 1, "stream": 1, "logs": False}})
    e = c.api.attach_socket(ct.id, {{"stderr": 1, "stream": 1, "logs": False}})
    ct.start()
    o, e = read_all(o), read_all(e)
    if tty:
        assert (o, e) == (b"out\r\nerr\r\n", b""), (o, e)
    else:
        assert demux(o) == {{1: b"out\n", 2: b""}} and demux(e) == {{1: b"", 2: b"err\n"}}, (o, e)
    assert ct.wait(timeout=60)["StatusCode"] == 3
    ct.remove()

# Compose's order: start, then one attach per stream; the command is over
# before the first attach.
ct = c.containers.create("{BUSYBOX}", cmd, stdin_open=True)
ct.start()
socks = [c.api.attach_socket(ct.id, {{k: 1, "stream": 1, "logs": False}}) for k in ("stdin", "stdout", "stderr")]
o, e = read_all(socks[1]), read_all(socks[2])
assert demux(o) == {{1: b"out\n", 2: b""}} and demux(e) == {{1: b"", 2: b"err\n"}}, (o, e)
assert ct.wait(timeout=60)["StatusCode"] == 3
ct.remove()

# Not attached at create (run -d): nothing kept, inspect says so.
ct = c.containers.run("{BUSYBOX}", ["true"], detach=True)
assert not ct.attrs["Config"]["AttachStdout"], ct.attrs["Config"]
ct.wait(timeout=60)
ct.remove()
print("attach ok")
"#
        );
        let child = spawn_retry(&mut api.command(s, &python, &["-c", py.as_str()]));
        let out = wait_output(child, "python3 docker-py attach script".into(), None, TIMEOUT).ok();
        assert!(out.stdout.contains("attach ok"), "{out:?}");
        assert!(s.ok(&["ps", "-a", "-q"]).lines().is_empty());
    }
}
