//! `docker cp` through the API service (issue 20: `/containers/{id}/archive`
//! HEAD, GET, PUT) and `docker system df` (`GET /system/df`), driven by the
//! real docker CLI and docker-py against `sangja system service` on a unix
//! socket of the test's own, rootless and as root, on running and stopped
//! containers. What was copied is checked through sangja's own CLI.

use crate::api_service::*;
use crate::util::*;
use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Standard base64 decoding (the stat header).
fn unbase64(s: &str) -> Vec<u8> {
    const ABC: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::new();
    let (mut acc, mut bits) = (0u32, 0);
    for c in s.trim().bytes().filter(|c| *c != b'=') {
        let v = ABC.iter().position(|x| *x == c).unwrap_or_else(|| panic!("not base64: {s}")) as u32;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    out
}

/// The stat header of an answer, as JSON.
fn stat_of(head: &str) -> crate::json::Json {
    let prefix = "x-docker-container-path-stat: ";
    let line = head
        .lines()
        .find(|l| l.to_ascii_lowercase().starts_with(prefix))
        .map(|l| &l[prefix.len()..])
        .unwrap_or_else(|| panic!("no stat header: {head}"));
    serde_json::from_slice(&unbase64(line)).expect("the stat is JSON")
}

/// The names in a tar stream (a folder's without its trailing slash, "." for "./").
fn tar_names(tar: &[u8]) -> Vec<String> {
    let mut a = tar::Archive::new(tar);
    a.entries()
        .unwrap()
        .map(|e| {
            let name = String::from_utf8_lossy(&e.unwrap().path_bytes()).into_owned();
            if name == "./" {
                ".".to_string()
            } else {
                name.trim_end_matches('/').to_string()
            }
        })
        .collect()
}

/// A file or folder the test's user may use.
fn give(s: &Sangja, p: &Path) {
    if let Mode::Rootless { user, switch: true } = &s.mode {
        std::os::unix::fs::chown(p, Some(user.uid), Some(user.gid)).unwrap();
    }
}

fn write(p: &Path, text: &str) {
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

/// Everything under `dir`, given to the test's user.
fn give_all(s: &Sangja, dir: &Path) {
    give(s, dir);
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            give_all(s, &p);
        } else {
            give(s, &p);
        }
    }
}

/// A file's text in a container, read through sangja's own `cp` (not the API).
fn cat_through_cli(s: &Sangja, ctr: &str, path: &str) -> String {
    let out = s.ok(&["cp", &format!("{ctr}:{path}"), "-"]);
    let mut a = tar::Archive::new(out.stdout.as_bytes());
    let mut e = a.entries().unwrap().next().unwrap().unwrap();
    let mut text = String::new();
    e.read_to_string(&mut text).unwrap();
    text
}

/// A tar of one root-owned entry: a file holding `data`, or a folder (None).
fn one_entry_tar(name: &str, mode: u32, data: Option<&[u8]>) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    let mut h = tar::Header::new_gnu();
    h.set_mode(mode);
    h.set_uid(0);
    h.set_gid(0);
    h.set_mtime(1_700_000_000);
    if data.is_none() {
        h.set_entry_type(tar::EntryType::Directory);
    }
    let data = data.unwrap_or_default();
    h.set_size(data.len() as u64);
    b.append_data(&mut h, name, data).unwrap();
    b.into_inner().unwrap()
}

impl Service {
    /// One raw HTTP/1.1 exchange: (status, headers, body bytes).
    fn http(&self, method: &str, target: &str, body: &[u8]) -> (u16, String, Vec<u8>) {
        let mut c = UnixStream::connect(&self.sock).expect("connect");
        c.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
        let head = format!(
            "{method} {target} HTTP/1.1\r\nHost: d\r\nContent-Type: application/x-tar\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        );
        c.write_all(head.as_bytes()).unwrap();
        let _ = c.write_all(body);
        let mut out = Vec::new();
        let _ = c.read_to_end(&mut out);
        let end =
            out.windows(4).position(|w| w == b"\r\n\r\n").unwrap_or_else(|| panic!("no HTTP answer: {:?}", String::from_utf8_lossy(&out)));
        // Header names in any case; values (the base64 stat) as sent.
        let head = String::from_utf8_lossy(&out[..end]).into_owned();
        let status = head.split(' ').nth(1).and_then(|x| x.parse().ok()).unwrap_or(0);
        let mut body = out[end + 4..].to_vec();
        if head.to_ascii_lowercase().contains("transfer-encoding: chunked") {
            body = dechunk(&body);
        }
        (status, head, body)
    }
}

both! {
    /// docker cp both ways, files and folders, `-` streams, a missing path; on a running and a stopped container.
    fn docker_cp_both_ways(s) {
        require_registry();
        s.pull(BUSYBOX);
        let Some(api) = Service::start(s) else { return };
        api.ok(s, &["run", "-d", "--name", "arch-run", BUSYBOX, "sleep", "600"]);
        api.ok(s, &["create", "--name", "arch-stop", BUSYBOX, "true"]);
        // Started by the CLI, not the service: rootless, it lives in another
        // user namespace, which the service's workers reach from outside.
        s.ok(&["run", "-d", "--name", "arch-cli", BUSYBOX, "sleep", "600"]);
        let host = s.dir.join("host");
        write(&host.join("in.txt"), "into the container\n");
        write(&host.join("dir/a.b.txt"), "a dotted name\n");
        write(&host.join("dir/sub/c.txt"), "deeper\n");
        std::fs::create_dir_all(host.join("existing")).unwrap();
        give_all(s, &host);
        for ctr in ["arch-run", "arch-stop", "arch-cli"] {
            // A file in, under a new name, then out again.
            api.ok(s, &["cp", "host/in.txt", &format!("{ctr}:/tmp/x")]);
            assert_eq!(cat_through_cli(s, ctr, "/tmp/x"), "into the container\n", "{ctr}");
            let out = host.join(format!("{ctr}-x"));
            api.ok(s, &["cp", &format!("{ctr}:/tmp/x"), out.to_str().unwrap()]);
            assert_eq!(std::fs::read_to_string(&out).unwrap(), "into the container\n");
            // A tar on stdout: one entry named for the file.
            let tar = api.ok(s, &["cp", &format!("{ctr}:/etc/passwd"), "-"]);
            assert_eq!(tar_names(tar.stdout.as_bytes()), ["passwd"], "{ctr}");
            assert!(tar.stdout.contains("root:x:0:0"), "{ctr}: {}", tar.stdout);
            // A folder in, into an existing folder (it keeps its name).
            api.ok(s, &["cp", "host/dir", &format!("{ctr}:/tmp/")]);
            assert_eq!(cat_through_cli(s, ctr, "/tmp/dir/sub/c.txt"), "deeper\n");
            assert_eq!(cat_through_cli(s, ctr, "/tmp/dir/a.b.txt"), "a dotted name\n");
            // Out as a new folder, out as the contents (DIR/.) of a new and of an existing folder.
            let whole = format!("host/{ctr}-whole");
            api.ok(s, &["cp", &format!("{ctr}:/tmp/dir"), &whole]);
            assert_eq!(std::fs::read_to_string(s.dir.join(&whole).join("sub/c.txt")).unwrap(), "deeper\n");
            let contents = format!("host/{ctr}-contents");
            api.ok(s, &["cp", &format!("{ctr}:/tmp/dir/."), &contents]);
            assert_eq!(std::fs::read_to_string(s.dir.join(&contents).join("a.b.txt")).unwrap(), "a dotted name\n");
            assert_eq!(std::fs::read_to_string(s.dir.join(&contents).join("sub/c.txt")).unwrap(), "deeper\n");
            api.ok(s, &["cp", &format!("{ctr}:/tmp/dir/."), "host/existing"]);
            assert_eq!(std::fs::read_to_string(host.join("existing/a.b.txt")).unwrap(), "a dotted name\n");
            assert!(!host.join("existing/dir").exists(), "DIR/. copies the contents, not the folder");
            // A missing path, both ways: docker's errors, nothing made.
            let gone = api.docker(s, &["cp", &format!("{ctr}:/missing"), "host/never"]);
            assert_ne!(gone.code, 0, "{gone:?}");
            assert!(gone.stderr.contains("Could not find the file /missing"), "{gone:?}");
            assert!(!host.join("never").exists());
            let gone = api.docker(s, &["cp", "host/in.txt", &format!("{ctr}:/missing/x")]);
            assert_ne!(gone.code, 0, "{gone:?}");
            assert!(gone.stderr.contains("/missing"), "{gone:?}");
            assert_eq!(api.http("HEAD", &format!("/containers/{ctr}/archive?path=/missing"), b"").0, 404, "a refused copy made /missing");
        }
        // Copied in as root of the container (no -a), whoever the caller is.
        let owner = s.ok(&["exec", "arch-run", "stat", "-c", "%u:%g", "/tmp/x"]);
        assert_eq!(owner.stdout.trim(), "0:0");
        // The stopped container was not started by it.
        assert_eq!(api.ok(s, &["inspect", "--format", "{{.State.Status}}", "arch-stop"]).stdout.trim(), "created");
        api.ok(s, &["rm", "-f", "arch-run", "arch-stop", "arch-cli"]);
    }
}

both! {
    /// The endpoints as a client sends them: the stat header, docker's names, 404/400.
    fn archive_endpoints_raw(s) {
        require_registry();
        s.pull(BUSYBOX);
        let Some(api) = Service::start(s) else { return };
        api.ok(s, &["run", "-d", "--name", "arch-raw", BUSYBOX, "sh", "-c", "mkdir -p /d/e && echo hi > /d/e/f && ln -s /d/e /d/link && sleep 600"]);
        let deadline = Instant::now() + Duration::from_secs(10);
        while api.http("HEAD", "/v1.44/containers/arch-raw/archive?path=/d/link", b"").0 != 200 {
            assert!(Instant::now() < deadline, "the container never made /d/link");
            std::thread::sleep(Duration::from_millis(100));
        }
        // A folder: Go's ModeDir bit and its permissions.
        let (code, head, _) = api.http("HEAD", "/v1.44/containers/arch-raw/archive?path=/d/e", b"");
        assert_eq!(code, 200, "{head}");
        let st = stat_of(&head);
        assert_eq!(st["name"].as_str(), Some("e"));
        assert_eq!(st["mode"].as_u64().map(|m| m & !0o777), Some(1 << 31), "{st:?}");
        assert!(st["mtime"].as_str().unwrap_or("").contains('T'), "{st:?}");
        // A file's size; a symlink's mode and its target resolved in the container.
        let (_, head, _) = api.http("HEAD", "/containers/arch-raw/archive?path=/d/e/f", b"");
        let st = stat_of(&head);
        assert_eq!((st["size"].as_u64(), st["mode"].as_u64()), (Some(3), Some(0o644)), "{st:?}");
        let (_, head, _) = api.http("HEAD", "/containers/arch-raw/archive?path=/d/link", b"");
        let st = stat_of(&head);
        assert_eq!(st["mode"].as_u64().map(|m| m & (1 << 27)), Some(1 << 27), "{st:?}");
        assert_eq!(st["linkTarget"].as_str(), Some("/d/e"), "{st:?}");
        // Missing: 404, with and without a body.
        assert_eq!(api.http("HEAD", "/containers/arch-raw/archive?path=/nothing", b"").0, 404);
        let (code, _, body) = api.http("GET", "/containers/arch-raw/archive?path=/nothing/x", b"");
        assert_eq!(code, 404);
        assert!(String::from_utf8_lossy(&body).contains("\"message\""));
        assert_eq!(api.http("GET", "/containers/arch-none/archive?path=/", b"").0, 404);
        // docker's names: DIR, DIR/ through a link (named for the link), DIR/.
        let (code, head, tar) = api.http("GET", "/containers/arch-raw/archive?path=/d/e", b"");
        assert_eq!(code, 200);
        assert!(head.to_ascii_lowercase().contains("content-type: application/x-tar"), "{head}");
        assert_eq!(tar_names(&tar), ["e", "e/f"]);
        let (_, _, tar) = api.http("GET", "/containers/arch-raw/archive?path=/d/link/", b"");
        assert_eq!(tar_names(&tar), ["link", "link/f"]);
        let (_, _, tar) = api.http("GET", "/containers/arch-raw/archive?path=/d/e/.", b"");
        assert_eq!(tar_names(&tar), [".", "./f"]);
        // The link itself, not followed.
        let (_, _, tar) = api.http("GET", "/containers/arch-raw/archive?path=/d/link", b"");
        assert_eq!(tar_names(&tar), ["link"]);
        // PUT: into a folder (through a link too); 404 for a missing folder, 400 for a file.
        let body = one_entry_tar("put.txt", 0o600, Some(b"put\n"));
        let (code, _, msg) = api.http("PUT", "/containers/arch-raw/archive?path=/d/link", &body);
        assert_eq!(code, 200, "{}", String::from_utf8_lossy(&msg));
        assert_eq!(cat_through_cli(s, "arch-raw", "/d/e/put.txt"), "put\n");
        let (code, _, msg) = api.http("PUT", "/containers/arch-raw/archive?path=/nothing", &body);
        assert_eq!(code, 404, "{}", String::from_utf8_lossy(&msg));
        let (code, _, msg) = api.http("PUT", "/containers/arch-raw/archive?path=/d/e/f", &body);
        assert_eq!(code, 400, "{}", String::from_utf8_lossy(&msg));
        assert_eq!(cat_through_cli(s, "arch-raw", "/d/e/f"), "hi\n", "a refused PUT changed nothing");
        assert_eq!(api.http("GET", "/containers/arch-raw/archive", b"").0, 400, "no path");
        // noOverwriteDirNonDir (docker's CLI sends it): a file over the
        // folder e, or a folder over the file f, is refused (400) and
        // changes nothing; without it the entry replaces what is there.
        let entry = |name: &str, dir: bool| one_entry_tar(name, 0o755, (!dir).then_some(&b"new\n"[..]));
        let (code, _, msg) = api.http("PUT", "/containers/arch-raw/archive?path=/d&noOverwriteDirNonDir=true", &entry("e", false));
        assert_eq!(code, 400, "{}", String::from_utf8_lossy(&msg));
        assert!(String::from_utf8_lossy(&msg).contains("cannot overwrite directory"), "{}", String::from_utf8_lossy(&msg));
        assert_eq!(cat_through_cli(s, "arch-raw", "/d/e/f"), "hi\n", "a refused PUT changed nothing");
        let (code, _, msg) = api.http("PUT", "/containers/arch-raw/archive?path=/d/e&noOverwriteDirNonDir=1", &entry("f", true));
        assert_eq!(code, 400, "{}", String::from_utf8_lossy(&msg));
        assert!(String::from_utf8_lossy(&msg).contains("cannot overwrite non-directory"), "{}", String::from_utf8_lossy(&msg));
        let (code, _, msg) = api.http("PUT", "/containers/arch-raw/archive?path=/d/e&noOverwriteDirNonDir=true", &entry("f", false));
        assert_eq!(code, 200, "a file over a file is fine: {}", String::from_utf8_lossy(&msg));
        assert_eq!(cat_through_cli(s, "arch-raw", "/d/e/f"), "new\n");
        let (code, _, msg) = api.http("PUT", "/containers/arch-raw/archive?path=/d/e", &entry("f", true));
        assert_eq!(code, 200, "without the flag a folder replaces the file: {}", String::from_utf8_lossy(&msg));
        api.ok(s, &["rm", "-f", "arch-raw"]);
    }
}

both! {
    /// docker-py's get_archive and put_archive.
    fn docker_py_archive(s) {
        require_registry();
        let venv = "/opt/sangja-tests/venv/bin/python3";
        let fallback = if Path::new(venv).exists() { venv } else { "python3" };
        let python = PathBuf::from(std::env::var("SANGJA_TEST_PYTHON").unwrap_or_else(|_| fallback.into()));
        s.pull(BUSYBOX);
        let Some(api) = Service::start(s) else { return };
        let has = api.command(s, &python, &["-c", "import docker"]).output().map(|o| o.status.success()).unwrap_or(false);
        if !has {
            eprintln!("skipped: {} has no docker-py", python.display());
            return;
        }
        let script = format!(
            r#"
import docker, io, tarfile
c = docker.from_env()
for name, run in (("arch-py-run", True), ("arch-py-stop", False)):
    if run:
        ctr = c.containers.run("{BUSYBOX}", ["sleep", "600"], name=name, detach=True)
    else:
        ctr = c.containers.create("{BUSYBOX}", ["true"], name=name)
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as t:
        data = b"from docker-py\n"
        info = tarfile.TarInfo("py/hello.txt")
        info.size = len(data)
        t.addfile(info, io.BytesIO(data))
    assert ctr.put_archive("/tmp", buf.getvalue()) is True
    stream, stat = ctr.get_archive("/tmp/py/hello.txt")
    assert stat["name"] == "hello.txt" and stat["size"] == 15, stat
    raw = b"".join(stream)
    with tarfile.open(fileobj=io.BytesIO(raw)) as t:
        assert t.getnames() == ["hello.txt"], t.getnames()
        assert t.extractfile("hello.txt").read() == b"from docker-py\n"
    stream, stat = ctr.get_archive("/tmp/py")
    assert stat["mode"] & (1 << 31), stat
    with tarfile.open(fileobj=io.BytesIO(b"".join(stream))) as t:
        assert sorted(t.getnames()) == ["py", "py/hello.txt"], t.getnames()
    try:
        ctr.get_archive("/no/such/path")
        raise SystemExit("a missing path was found")
    except docker.errors.NotFound:
        pass
    try:
        ctr.put_archive("/no/such/dir", buf.getvalue())
        raise SystemExit("a missing folder was written")
    except docker.errors.NotFound:
        pass
    ctr.remove(force=True)
print("docker-py archive ok")
"#
        );
        let child = spawn_retry(&mut api.command(s, &python, &["-c", script.as_str()]));
        let out = wait_output(child, "python3 docker-py archive script".into(), None, TIMEOUT).ok();
        assert!(out.stdout.contains("docker-py archive ok"), "{out:?}");
        assert!(s.container_ids().is_empty());
    }
}

both! {
    /// docker system df (and -v) from GET /system/df, against sangja's own df.
    fn docker_system_df(s) {
        require_registry();
        s.pull(BUSYBOX);
        let Some(api) = Service::start(s) else { return };
        api.ok(s, &["volume", "create", "arch-dfvol"]);
        api.ok(s, &["run", "--name", "arch-df", "-v", "arch-dfvol:/data", BUSYBOX, "sh", "-c", "head -c 100000 /dev/zero > /data/z; head -c 50000 /dev/zero > /big"]);
        let (code, _, body) = api.http("GET", "/v1.44/system/df", b"");
        assert_eq!(code, 200);
        let df: crate::json::Json = serde_json::from_slice(&body).expect("df is JSON");
        assert!(df["LayersSize"].as_u64().unwrap_or(0) > 1_000_000, "{df:?}");
        assert_eq!(df["Images"][0]["Containers"].as_u64(), Some(1), "{df:?}");
        assert_eq!(df["Images"][0]["Size"].as_u64(), df["LayersSize"].as_u64(), "one image: all the layers");
        assert!(df["Containers"][0]["SizeRw"].as_u64().unwrap_or(0) >= 50_000, "{df:?}");
        assert_eq!(df["Volumes"][0]["Name"].as_str(), Some("arch-dfvol"));
        assert!(df["Volumes"][0]["UsageData"]["Size"].as_u64().unwrap_or(0) >= 100_000, "{df:?}");
        assert_eq!(df["Volumes"][0]["UsageData"]["RefCount"].as_u64(), Some(1));
        // The docker CLI's table: the same counts as sangja's own df.
        let rows = api.ok(s, &["system", "df", "--format", "{{.Type}}|{{.TotalCount}}|{{.Active}}"]).lines();
        assert_eq!(rows, ["Images|1|1", "Containers|1|0", "Local Volumes|1|1", "Build Cache|0|0"], "{rows:?}");
        let ours = s.ok(&["system", "df", "--format", "{{.Type}}|{{.Total}}|{{.Active}}"]).lines();
        assert_eq!(ours, ["Images|1|1", "Containers|1|0", "Local Volumes|1|1"]);
        let verbose = api.ok(s, &["system", "df", "-v"]);
        for want in ["arch-df", "arch-dfvol", "busybox"] {
            assert!(verbose.stdout.contains(want), "df -v names {want}: {}", verbose.stdout);
        }
        api.ok(s, &["rm", "-v", "arch-df"]);
        api.ok(s, &["volume", "rm", "arch-dfvol"]);
    }
}

/// bcrypt of "sangjapass" for the user "sangja" (as tests/cli/config.rs's registry).
const AUTH_HTPASSWD: &str = "sangja:$2b$05$QXE0qaQ4A/QdS3q5CRDZMuaDdMzOML.lq0d5Gjhu8.5IdHb4XAFhW\n";

both! {
    /// docker login through POST /auth: the registry's verdict, nothing stored by sangja.
    fn docker_login(s) {
        let Some(api) = Service::start(s) else { return };
        // A registry with htpasswd authentication on a free port.
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let dir = s.dir.join("authreg");
        std::fs::create_dir_all(dir.join("data")).unwrap();
        std::fs::write(dir.join("htpasswd"), AUTH_HTPASSWD).unwrap();
        let config = format!(
            "version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n    rootdirectory: {}\n\
             auth:\n  htpasswd:\n    realm: sangja-test\n    path: {}\nhttp:\n  addr: 127.0.0.1:{port}\n  secret: sangja-test\n",
            dir.join("data").display(),
            dir.join("htpasswd").display()
        );
        std::fs::write(dir.join("config.yml"), config).unwrap();
        let Ok(mut registry) = Command::new("docker-registry").arg("serve").arg(dir.join("config.yml")).stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::null()).spawn() else {
            return eprintln!("skipped: no docker-registry");
        };
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "the auth registry did not start");
            std::thread::sleep(Duration::from_millis(20));
        }
        let addr = format!("127.0.0.1:{port}");
        let bad = api.docker(s, &["login", "-u", "sangja", "-p", "wrong", &addr]);
        assert_ne!(bad.code, 0, "{bad:?}");
        assert!(bad.stderr.contains("401 Unauthorized"), "{bad:?}");
        let good = api.ok(s, &["login", "-u", "sangja", "-p", "sangjapass", &addr]);
        assert!(good.stdout.contains("Login Succeeded"), "{good:?}");
        // The docker CLI keeps the credentials; sangja's auth file is untouched.
        assert!(std::fs::read_to_string(s.dir.join(".docker/config.json")).unwrap_or_default().contains(&addr));
        assert!(s.run(&["login", "--get-login", &addr]).code != 0, "the service stored the credentials");
        let _ = registry.kill();
        let _ = registry.wait();
    }
}
