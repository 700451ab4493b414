//! The API service's cp endpoints (`/containers/{id}/archive`, issue 20)
//! take a path and a tar from the client and reach into a container's
//! files: neither may lead outside the container's root. A host folder
//! every user may write stands ready (so only sangja's resolution stops an
//! escape); the container holds symlinks to it, to / and far up; archive
//! paths climb with `..`; tars carry `../` names, an absolute symlink with
//! a file written through it, a relative one climbing out, a hard link to a
//! host file. Running and stopped containers, rootless and as root.

#[allow(unused_imports)]
use crate::util::*;
use std::io::{Read, Write};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// One raw HTTP/1.1 exchange on `sock`: (status, body).
fn http(sock: &Path, method: &str, target: &str, body: &[u8]) -> (u16, Vec<u8>) {
    let mut c = UnixStream::connect(sock).expect("connect");
    c.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    let ctype = if method == "PUT" { "application/x-tar" } else { "application/json" };
    let head = format!(
        "{method} {target} HTTP/1.1\r\nHost: d\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    c.write_all(head.as_bytes()).unwrap();
    let _ = c.write_all(body);
    let mut out = Vec::new();
    let _ = c.read_to_end(&mut out);
    let end = out.windows(4).position(|w| w == b"\r\n\r\n").unwrap_or_else(|| panic!("no answer: {:?}", String::from_utf8_lossy(&out)));
    let head = String::from_utf8_lossy(&out[..end]).to_ascii_lowercase();
    let status = head.split(' ').nth(1).and_then(|x| x.parse().ok()).unwrap_or(0);
    let mut body = out[end + 4..].to_vec();
    if head.contains("transfer-encoding: chunked") {
        let mut data = Vec::new();
        let mut b = &body[..];
        while let Some(i) = b.windows(2).position(|w| w == b"\r\n") {
            let n = usize::from_str_radix(String::from_utf8_lossy(&b[..i]).trim(), 16).unwrap_or(0);
            if n == 0 || b.len() < i + 2 + n {
                break;
            }
            data.extend_from_slice(&b[i + 2..i + 2 + n]);
            b = &b[(i + 4 + n).min(b.len())..];
        }
        body = data;
    }
    (status, body)
}

/// A tar entry written with its name as given (`..` included, which the
/// tar crate refuses to write): kind '0' file, '2' symlink, '1' hard link.
fn raw_entry(b: &mut tar::Builder<Vec<u8>>, kind: u8, name: &str, link: &str, data: &[u8]) {
    let mut h = tar::Header::new_gnu();
    h.set_entry_type(tar::EntryType::new(kind));
    h.set_mode(if kind == b'5' { 0o755 } else { 0o644 });
    h.set_size(data.len() as u64);
    h.set_uid(0);
    h.set_gid(0);
    h.set_mtime(1_700_000_000);
    h.as_old_mut().name[..name.len()].copy_from_slice(name.as_bytes());
    h.as_old_mut().linkname[..link.len()].copy_from_slice(link.as_bytes());
    h.set_cksum();
    b.append(&h, data).unwrap();
}

fn tar_names(tar: &[u8]) -> Vec<String> {
    let mut a = tar::Archive::new(tar);
    a.entries().unwrap().filter_map(|e| e.ok().map(|e| String::from_utf8_lossy(&e.path_bytes()).into_owned())).collect()
}

/// The host folder's entries and the secret's text: what no request may change.
fn host_state(dir: &Path) -> (Vec<String>, String) {
    let mut names: Vec<String> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    (names, std::fs::read_to_string(dir.join("secret")).unwrap_or_default())
}

/// Creates (and, when `start`, starts) a container through the API.
fn create(sock: &Path, name: &str, cmd: &str, start: bool) {
    let body = serde_json::json!({ "Image": BUSYBOX, "Cmd": ["sh", "-c", cmd] }).to_string();
    let (code, msg) = http(sock, "POST", &format!("/containers/create?name={name}"), body.as_bytes());
    assert_eq!(code, 201, "create {name}: {}", String::from_utf8_lossy(&msg));
    if start {
        let (code, msg) = http(sock, "POST", &format!("/containers/{name}/start"), b"");
        assert_eq!(code, 204, "start {name}: {}", String::from_utf8_lossy(&msg));
    }
}

both! {
    fn api_archive_stays_in_the_root(s) {
        require_registry();
        s.pull(BUSYBOX);
        let who = if s.is_rootless() { "user" } else { "root" };
        let host = PathBuf::from(format!("/tmp/sangja-api-arch-esc-{}-{who}", std::process::id()));
        let _ = std::fs::remove_dir_all(&host);
        std::fs::create_dir(&host).unwrap();
        std::fs::set_permissions(&host, std::fs::Permissions::from_mode(0o777)).unwrap();
        std::fs::write(host.join("secret"), "host secret\n").unwrap();
        std::fs::set_permissions(host.join("secret"), std::fs::Permissions::from_mode(0o666)).unwrap();
        let before = host_state(&host);
        let h = host.display().to_string();

        let sock = s.dir.join("api.sock");
        let service = s.spawn(&["system", "service", "--time", "0", &format!("unix://{}", sock.display())]);
        let deadline = Instant::now() + Duration::from_secs(20);
        while UnixStream::connect(&sock).is_err() {
            assert!(Instant::now() < deadline, "the service did not listen");
            std::thread::sleep(Duration::from_millis(20));
        }
        // A running container with links out of itself, and a stopped one whose links a tar plants.
        let plant = format!("ln -s {h} /hostdir; ln -s / /slash; ln -s ../../../../../../../.. /up; echo inside > /etc/arch-marker");
        create(&sock, "arch-esc-run", &format!("{plant}; sleep 600"), true);
        let deadline = Instant::now() + Duration::from_secs(10);
        while http(&sock, "HEAD", "/containers/arch-esc-run/archive?path=/etc/arch-marker", b"").0 != 200 {
            assert!(Instant::now() < deadline, "the container never made its links");
            std::thread::sleep(Duration::from_millis(100));
        }
        create(&sock, "arch-esc-stop", "true", false);
        let mut b = tar::Builder::new(Vec::new());
        raw_entry(&mut b, b'2', "hostdir", &h, b"");
        raw_entry(&mut b, b'2', "slash", "/", b"");
        raw_entry(&mut b, b'2', "up", "../../../../../../../..", b"");
        raw_entry(&mut b, b'0', "etc/arch-marker", "", b"inside\n");
        let planted = b.into_inner().unwrap();
        let (code, msg) = http(&sock, "PUT", "/containers/arch-esc-stop/archive?path=/", &planted);
        assert_eq!(code, 200, "{}", String::from_utf8_lossy(&msg));

        for ctr in ["arch-esc-run", "arch-esc-stop"] {
            let url = |path: &str| format!("/v1.44/containers/{ctr}/archive?path={path}");
            // `..` in the archive path stops at the container's root: this is its /etc, not the host's.
            let (code, tar) = http(&sock, "GET", &url("../../../../etc"), b"");
            assert_eq!(code, 200, "{ctr}");
            let names = tar_names(&tar);
            assert!(names.contains(&"etc/arch-marker".to_string()), "{ctr}: not the container's /etc: {names:?}");
            // Reads through the links find the container's files or nothing, never the host's.
            for path in ["/hostdir/secret".to_string(), format!("/up{h}/secret"), format!("/slash{h}/secret"), format!("../../..{h}/secret"), format!("/up/up{h}")] {
                let (code, tar) = http(&sock, "GET", &url(&path), b"");
                assert_eq!(code, 404, "{ctr}: GET {path} answered {code}: {}", String::from_utf8_lossy(&tar));
                assert!(!String::from_utf8_lossy(&tar).contains("host secret"), "{ctr}: GET {path} read the host's file");
                assert_eq!(http(&sock, "HEAD", &url(&path), b"").0, 404, "{ctr}: HEAD {path}");
            }
            // The links themselves are archived as links.
            let (code, tar) = http(&sock, "GET", &url("/hostdir"), b"");
            assert_eq!((code, tar_names(&tar)), (200, vec!["hostdir".to_string()]), "{ctr}");
            let (code, tar) = http(&sock, "GET", &url("/up/etc/arch-marker"), b"");
            let text = String::from_utf8_lossy(&tar[..tar.len().min(300)]).into_owned();
            assert_eq!((code, tar_names(&tar)), (200, vec!["arch-marker".to_string()]), "{ctr}: /up is the container's root: {text}");
            let (_, tar) = http(&sock, "GET", &url("/up/up/slash/etc/."), b"");
            assert!(tar_names(&tar).contains(&"./arch-marker".to_string()), "{ctr}: /up/up/slash/etc/. is the container's /etc");
            // Writes into a path through the links: the host folder does not exist in the container.
            let mut b = tar::Builder::new(Vec::new());
            raw_entry(&mut b, b'0', "pwned-path", "", b"x\n");
            let one = b.into_inner().unwrap();
            for path in ["/hostdir".to_string(), format!("/up{h}"), format!("/slash{h}"), format!("../../../../..{h}")] {
                let (code, _) = http(&sock, "PUT", &url(&path), &one);
                assert_eq!(code, 404, "{ctr}: PUT {path} answered {code}");
            }
            // Tars that climb out: `../` names, an absolute symlink then a file through it,
            // a relative symlink climbing out, a hard link to the host's file.
            let mut b = tar::Builder::new(Vec::new());
            raw_entry(&mut b, b'0', &format!("../../../../../../..{h}/pwned-dotdot"), "", b"x\n");
            let dotdot = b.into_inner().unwrap();
            let mut b = tar::Builder::new(Vec::new());
            raw_entry(&mut b, b'2', "esc", &h, b"");
            raw_entry(&mut b, b'0', "esc/pwned-abs", "", b"x\n");
            let abs = b.into_inner().unwrap();
            let mut b = tar::Builder::new(Vec::new());
            raw_entry(&mut b, b'2', "rel", &format!("../../../../../../../..{h}"), b"");
            raw_entry(&mut b, b'0', "rel/pwned-rel", "", b"x\n");
            let rel = b.into_inner().unwrap();
            let mut b = tar::Builder::new(Vec::new());
            raw_entry(&mut b, b'1', "hl", &format!("../../../../../../..{h}/secret"), b"");
            let hard = b.into_inner().unwrap();
            let mut b = tar::Builder::new(Vec::new());
            raw_entry(&mut b, b'0', "hostdir/pwned-link", "", b"x\n");
            let through_planted = b.into_inner().unwrap();
            for (what, tar, dest) in [("../ names", &dotdot, "/tmp"), ("absolute symlink", &abs, "/tmp"), ("relative symlink", &rel, "/tmp"), ("hard link", &hard, "/tmp"), ("the container's link", &through_planted, "/")] {
                let (code, msg) = http(&sock, "PUT", &url(dest), tar);
                // Refused (400) or kept inside (200); never a failure of another kind.
                eprintln!("{ctr}: a tar with {what}: {code} {}", String::from_utf8_lossy(&msg));
                assert!(code == 200 || code == 400, "{ctr}: {what}: {code} {}", String::from_utf8_lossy(&msg));
                assert_eq!(host_state(&host), before, "{ctr}: a tar with {what} wrote outside the container");
            }
            // A hard link, if made at all, is not the host's secret.
            let (_, tar) = http(&sock, "GET", &url("/tmp/hl"), b"");
            assert!(!String::from_utf8_lossy(&tar).contains("host secret"), "{ctr}: a hard link reached the host's file");
        }
        assert_eq!(host_state(&host), before);
        for ctr in ["arch-esc-run", "arch-esc-stop"] {
            http(&sock, "DELETE", &format!("/containers/{ctr}?force=1"), b"");
        }
        drop(service);
        let _ = std::fs::remove_dir_all(&host);
    }
}

both! {
    /// Malformed requests: a JSON body over the limit (1 MiB), declared or
    /// chunked, is a 413 and makes nothing; bad JSON a 400; an unknown path a
    /// 404; each with docker's `{"message"}`.
    fn api_malformed_requests_change_nothing(s) {
        let sock = s.dir.join("api.sock");
        let service = s.spawn(&["system", "service", "--time", "0", &format!("unix://{}", sock.display())]);
        let deadline = Instant::now() + Duration::from_secs(20);
        while UnixStream::connect(&sock).is_err() {
            assert!(Instant::now() < deadline, "the service did not listen");
            std::thread::sleep(Duration::from_millis(20));
        }
        let before = s.ok(&["ps", "-a", "-q"]).stdout;
        let vols = s.ok(&["volume", "ls", "-q"]).stdout;
        // Just over the limit, declared.
        let big = format!("{{\"Name\":\"arch-big\",\"Labels\":{{\"x\":\"{}\"}}}}", "a".repeat(1 << 20));
        let (code, msg) = http(&sock, "POST", "/volumes/create", big.as_bytes());
        assert_eq!(code, 413, "{}", String::from_utf8_lossy(&msg));
        assert!(String::from_utf8_lossy(&msg).contains("\"message\""));
        // Under the limit, the same request works (the limit is the size, not the request).
        let small = "{\"Name\":\"arch-small\",\"Labels\":{\"x\":\"y\"}}";
        assert_eq!(http(&sock, "POST", "/volumes/create", small.as_bytes()).0, 201);
        s.ok(&["volume", "rm", "arch-small"]);
        // Over the limit in chunks, no length declared.
        let mut c = UnixStream::connect(&sock).unwrap();
        c.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        c.write_all(b"POST /containers/create?name=arch-chunked HTTP/1.1\r\nHost: d\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n").unwrap();
        let chunk = "b".repeat(64 * 1024);
        let _ = c.write_all(b"a\r\n{\"Image\":\"\r\n");
        for _ in 0..40 {
            if c.write_all(format!("{:x}\r\n{chunk}\r\n", chunk.len()).as_bytes()).is_err() {
                break;
            }
        }
        let _ = c.write_all(b"0\r\n\r\n");
        let mut out = String::new();
        let _ = c.read_to_string(&mut out);
        assert!(out.starts_with("HTTP/1.1 413"), "{}", &out[..out.len().min(300)]);
        // Bad JSON, JSON of the wrong shape, an unknown path.
        for (method, path, body) in [("POST", "/containers/create", "{\"Image\": "), ("POST", "/volumes/create", "[1, 2]"), ("POST", "/networks/create", "{\"Name\": 5}")] {
            let (code, msg) = http(&sock, method, path, body.as_bytes());
            assert_eq!(code, 400, "{path}: {}", String::from_utf8_lossy(&msg));
            let v: serde_json::Value = serde_json::from_slice(&msg).unwrap_or_else(|_| panic!("{path}: not JSON: {}", String::from_utf8_lossy(&msg)));
            assert!(v["message"].as_str().is_some_and(|m| !m.is_empty()), "{v}");
        }
        let (code, msg) = http(&sock, "GET", "/v1.44/containers/x/nothing", b"");
        assert_eq!(code, 404);
        let v: serde_json::Value = serde_json::from_slice(&msg).expect("404 is JSON");
        assert!(v["message"].is_string(), "{v}");
        assert_eq!(s.ok(&["ps", "-a", "-q"]).stdout, before, "a refused request made a container");
        assert_eq!(s.ok(&["volume", "ls", "-q"]).stdout, vols, "a refused request made a volume");
        drop(service);
    }
}
