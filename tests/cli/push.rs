//! push (issue 17): round trips through the local registry, a second push
//! that sends nothing (counted in a registry of our own's access log),
//! committed images, podman pulling what sangja pushed, and credentials
//! against a registry with htpasswd.

use crate::util::*;
use std::fs;
use std::io::Read;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A user and password the htpasswd registry knows; the bcrypt entry (cost 5)
/// was made with python3's crypt (glibc), as `htpasswd -B` would.
const USER: &str = "sharepush";
const PASSWORD: &str = "sharepw";
const HTPASSWD: &str = "sharepush:$2b$05$2wDX6CyZ3GYxhFQxv8zq2OgK5j2LghGuEa18qIkvhGbEWpmN1NtDa";

/// A docker-registry of our own on a free port, logging every request.
struct OwnRegistry {
    child: Child,
    port: u16,
    log: PathBuf,
}

impl OwnRegistry {
    fn start(dir: &Path, auth: bool) -> OwnRegistry {
        let base = dir.join(format!("registry-{}", if auth { "auth" } else { "open" }));
        fs::create_dir_all(base.join("data")).unwrap();
        let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let mut conf = format!(
            "version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n    rootdirectory: {}\nhttp:\n  addr: 127.0.0.1:{port}\n",
            base.join("data").display()
        );
        if auth {
            fs::write(base.join("htpasswd"), format!("{HTPASSWD}\n")).unwrap();
            conf.push_str(&format!("auth:\n  htpasswd:\n    realm: share-push\n    path: {}\n", base.join("htpasswd").display()));
        }
        fs::write(base.join("config.yml"), conf).unwrap();
        let log = base.join("access.log");
        let child = Command::new("docker-registry")
            .arg("serve")
            .arg(base.join("config.yml"))
            .stdin(Stdio::null())
            // The access log goes to stdout, the rest to stderr.
            .stdout(fs::File::create(&log).unwrap())
            .stderr(fs::File::create(base.join("stderr.log")).unwrap())
            .spawn()
            .expect("docker-registry (the docker-registry package) runs");
        let reg = OwnRegistry { child, port, log };
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "docker-registry did not listen on {port}: {:?}",
                fs::read_to_string(base.join("stderr.log"))
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        reg
    }

    fn host(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    fn log_text(&self) -> String {
        let mut s = String::new();
        let _ = fs::File::open(&self.log).and_then(|mut f| f.read_to_string(&mut s));
        s
    }

    /// Access log lines (`"METHOD /v2/... HTTP/1.1" STATUS`) from line `from` on.
    fn requests(&self, from: usize) -> Vec<String> {
        self.log_text().lines().filter(|l| l.contains("\" ") && l.contains(" /v2/")).skip(from).map(str::to_string).collect()
    }
}

impl Drop for OwnRegistry {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Requests that send a blob's bytes: PATCH of an upload, or a PUT closing one.
fn blob_uploads(reqs: &[String]) -> Vec<&String> {
    reqs.iter().filter(|l| l.contains("\"PATCH /v2/") || (l.contains("\"PUT /v2/") && l.contains("/blobs/uploads/"))).collect()
}

fn unique(s: &Sangja, what: &str) -> String {
    let who = if s.is_rootless() { "user" } else { "root" };
    let n = s
        .dir
        .file_name()
        .map(|f| f.to_string_lossy().chars().filter(|c| c.is_ascii_alphanumeric()).collect::<String>())
        .unwrap_or_default();
    format!("share-push-{what}-{who}-{}", n.to_lowercase())
}

/// A file of the test's folder that the test's user can read.
fn readable(s: &Sangja, name: &str, text: &str) -> PathBuf {
    let p = s.dir.join(name);
    fs::write(&p, text).unwrap();
    fs::set_permissions(&p, std::os::unix::fs::PermissionsExt::from_mode(0o644)).unwrap();
    p
}

/// The digest `images` shows for an image id.
fn digest_of(s: &Sangja, id: &str) -> String {
    let v = s.ok(&["images", "--format", "json"]).json();
    v.items().iter().find(|i| i["Id"].as_str() == Some(id)).and_then(|i| i["Digest"].as_str()).unwrap_or_default().to_string()
}

both! {
    /// push -> rmi -> pull gives the same id and the digest push wrote to --digestfile.
    fn push_rmi_pull_same_id_and_digest(s) {
        let id = s.pull(LAYERED);
        let dest = format!("{REGISTRY}/{}:v1", unique(s, "rt"));
        let digestfile = s.dir.join("digest");
        // The test's folder is the user's: the digest file is written there by sangja.
        let out = s.ok(&["push", "--tls-verify=false", "--digestfile", digestfile.to_str().unwrap(), LAYERED, &dest]);
        assert!(out.stderr.contains("Writing manifest to image destination"), "{out:?}");
        assert!(out.stdout.is_empty(), "push prints nothing on stdout:{out:?}");
        let digest = fs::read_to_string(&digestfile).unwrap();
        assert!(digest.starts_with("sha256:") && digest.len() == 71, "{digest:?}");
        s.ok(&["rmi", "-a"]);
        assert!(s.image_ids().is_empty());
        let back = s.pull(&dest);
        assert_eq!(back, id, "the pushed image pulled back has another id");
        assert_eq!(digest_of(s, &id), digest, "the pulled manifest is not the one push reported");
        // Another format: a new manifest (another digest), the same config, so the same id.
        let dest2 = format!("{REGISTRY}/{}:v2s2", unique(s, "rt"));
        s.ok(&["push", "--tls-verify=false", "--format", "v2s2", "--digestfile", digestfile.to_str().unwrap(), &dest, &format!("docker://{dest2}")]);
        let digest2 = fs::read_to_string(&digestfile).unwrap();
        assert_ne!(digest2, digest);
        s.ok(&["rmi", "-a"]);
        assert_eq!(s.pull(&dest2), id);
        assert_eq!(digest_of(s, &id), digest2);
        s.ok(&["run", "--rm", &dest2, "true"]);
    }
}

both! {
    /// A second push of the same image sends no blob: HEADs only (the registry's log).
    fn second_push_sends_no_blob(s) {
        let reg = OwnRegistry::start(&s.dir, false);
        s.pull(LAYERED);
        let dest = format!("{}/{}:latest", reg.host(), unique(s, "twice"));
        s.ok(&["push", "--tls-verify=false", LAYERED, &dest]);
        let first = reg.requests(0);
        assert!(blob_uploads(&first).len() >= 3, "the first push must upload the layers:\n{}", first.join("\n"));
        let n = first.len();
        let out = s.ok(&["push", "--tls-verify=false", LAYERED, &dest]);
        let second = reg.requests(n);
        assert!(blob_uploads(&second).is_empty(), "the second push sent blobs:\n{}", second.join("\n"));
        assert!(second.iter().any(|l| l.contains("\"HEAD /v2/")), "no HEAD in:\n{}", second.join("\n"));
        assert!(out.stderr.contains("skipped: already exists"), "{out:?}");
        // Another compression: new blobs, sent once, then remembered.
        let gz = format!("{}/{}:zstd", reg.host(), unique(s, "twice"));
        let n = reg.requests(0).len();
        s.ok(&["push", "--tls-verify=false", "--compression-format", "zstd", LAYERED, &gz]);
        assert!(!blob_uploads(&reg.requests(n)).is_empty(), "zstd blobs must be sent:\n{}", reg.requests(n).join("\n"));
        let n = reg.requests(0).len();
        s.ok(&["push", "--tls-verify=false", "--compression-format", "zstd", LAYERED, &gz]);
        assert!(blob_uploads(&reg.requests(n)).is_empty(), "the second zstd push sent blobs:\n{}", reg.requests(n).join("\n"));
    }
}

both! {
    /// A push beside a pull (another repository of the registry the image came
    /// from) mounts every blob, the config too, in one request each, and
    /// sends none; the image pulled back from there has the same id.
    fn push_beside_pull_mounts_everything(s) {
        let reg = OwnRegistry::start(&s.dir, false);
        let id = s.pull(LAYERED);
        let src = format!("{}/{}:latest", reg.host(), unique(s, "src"));
        s.ok(&["push", "--tls-verify=false", LAYERED, &src]);
        s.ok(&["rmi", "-a"]);
        assert_eq!(s.pull(&src), id);
        let layers = s.ok(&["image", "inspect", &src]).json()[0].path("RootFS.Layers").items().len();
        assert!(layers >= 2, "{layers}");
        let n = reg.requests(0).len();
        let dest = format!("{}/{}:latest", reg.host(), unique(s, "beside"));
        s.ok(&["push", "--tls-verify=false", &src, &dest]);
        let reqs = reg.requests(n);
        let all = reqs.join("\n");
        assert!(blob_uploads(&reqs).is_empty(), "blobs were sent:\n{all}");
        let mounts = reqs.iter().filter(|l| l.contains("\"POST /v2/") && l.contains("mount=") && l.contains("\" 201 ")).count();
        assert_eq!(mounts, layers + 1, "one mount per layer and one for the config:\n{all}");
        // The ping, the mounts and the manifest: no HEAD, nothing else.
        assert!(!reqs.iter().any(|l| l.contains("\"HEAD /v2/")), "a HEAD where a mount was enough:\n{all}");
        assert_eq!(reqs.len(), layers + 3, "{all}");
        s.ok(&["rmi", "-a"]);
        assert_eq!(s.pull(&dest), id);
    }
}

both! {
    /// A committed image pushes and pulls back, and runs with its change.
    fn committed_image_round_trip(s) {
        s.pull(BUSYBOX);
        s.ok(&["run", "--name", "share-push-c", "--tls-verify=false", BUSYBOX, "sh", "-c", "echo pushed > /newfile"]);
        let id = s.ok(&["commit", "share-push-c", "share-push-snap"]).lines().last().cloned().unwrap_or_default();
        assert!(is_hex_id(&id));
        s.ok(&["rm", "share-push-c"]);
        let dest = format!("{REGISTRY}/{}:latest", unique(s, "commit"));
        s.ok(&["push", "--tls-verify=false", "share-push-snap", &dest]);
        s.ok(&["rmi", "-a"]);
        assert_eq!(s.pull(&dest), id);
        s.ok(&["run", "--rm", &dest, "cat", "/newfile"]).stdout_is("pushed\n");
    }
}

/// podman pulls what sangja pushed, with the same image id.
#[test]
fn podman_pulls_what_sangja_pushed() {
    let Some(s) = Sangja::root("podman_pulls_push") else { return };
    if Command::new("podman").arg("--version").output().is_err() {
        eprintln!("skipped: podman is not installed");
        return;
    }
    let id = s.pull(LAYERED);
    for (format, compression) in [("oci", "gzip"), ("v2s2", "gzip"), ("oci", "zstd")] {
        let dest = format!("{REGISTRY}/{}:{format}-{compression}", unique(&s, "podman"));
        s.ok(&["push", "--tls-verify=false", "--format", format, "--compression-format", compression, LAYERED, &dest]);
        let out = Command::new("podman").args(["pull", "-q", "--tls-verify=false", &dest]).output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout).trim().to_string();
        let _ = Command::new("podman").args(["rmi", &dest]).output();
        assert!(out.status.success(), "podman pull {dest}: {}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(text, id, "podman sees another image id for {dest}");
    }
}

both! {
    /// A registry with htpasswd: refused without credentials, accepted with --creds or --authfile.
    fn push_with_credentials(s) {
        let reg = OwnRegistry::start(&s.dir, true);
        let id = s.pull(BUSYBOX);
        let dest = format!("{}/{}:latest", reg.host(), unique(s, "creds"));
        s.run(&["push", "--tls-verify=false", BUSYBOX, &dest]).code(125).stderr_has("login");
        s.run(&["push", "--tls-verify=false", "--creds", &format!("{USER}:wrong"), BUSYBOX, &dest]).code(125);
        s.ok(&["push", "--tls-verify=false", "--creds", &format!("{USER}:{PASSWORD}"), BUSYBOX, &dest]);
        let auth = base64_of(&format!("{USER}:{PASSWORD}"));
        let authfile = readable(s, "auth.json", &format!("{{\"auths\":{{\"{}\":{{\"auth\":\"{auth}\"}}}}}}", reg.host()));
        let dest2 = format!("{}/{}:second", reg.host(), unique(s, "creds"));
        s.ok(&["push", "--tls-verify=false", "--authfile", authfile.to_str().unwrap(), BUSYBOX, &dest2]);
        s.ok(&["rmi", "-a"]);
        assert_eq!(s.pull_with(&["--creds", &format!("{USER}:{PASSWORD}")], &dest2), id);
    }
}

both! {
    /// Signing is refused plainly; a digest destination and an unknown image too.
    fn push_refusals(s) {
        s.pull(BUSYBOX);
        s.run(&["push", "--tls-verify=false", "--sign-by", "me@example.com", BUSYBOX, &format!("{REGISTRY}/share-push-no:1")])
            .code(125)
            .stderr_has("does not sign");
        s.run(&["push", "--tls-verify=false", BUSYBOX, &format!("{REGISTRY}/share-push-no@sha256:{}", "0".repeat(64))]).code(125).stderr_has("digest");
        s.run(&["push", "--tls-verify=false", "share-push-nosuch", &format!("{REGISTRY}/share-push-no:1")]).code(125);
        s.run(&["push", "--tls-verify=false", "--format", "v2s1", BUSYBOX, &format!("{REGISTRY}/share-push-no:1")]).code(125).stderr_has("v2s1");
    }
}

fn base64_of(s: &str) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let b = s.as_bytes();
    let mut out = String::new();
    for c in b.chunks(3) {
        let n = (u32::from(c[0]) << 16) | (u32::from(*c.get(1).unwrap_or(&0)) << 8) | u32::from(*c.get(2).unwrap_or(&0));
        for i in 0..4 {
            if i <= c.len() {
                out.push(T[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

impl Sangja {
    /// `pull -q --tls-verify=false FLAGS IMAGE`; returns the id.
    #[track_caller]
    fn pull_with(&self, flags: &[&str], image: &str) -> String {
        let mut args = vec!["pull", "-q", "--tls-verify=false"];
        args.extend_from_slice(flags);
        args.push(image);
        let out = self.ok(&args);
        out.lines().last().cloned().unwrap_or_default()
    }
}

both! {
    /// pull NAME@DIGEST gets the pushed image; pull --all-tags gets every tag of a repository.
    fn pull_by_digest_and_all_tags(s) {
        let reg = OwnRegistry::start(&s.dir, false);
        let id = s.pull(BUSYBOX);
        let repo = format!("{}/{}", reg.host(), unique(s, "tags"));
        let digestfile = s.dir.join("digest");
        s.ok(&["push", "--tls-verify=false", "--digestfile", digestfile.to_str().unwrap(), BUSYBOX, &format!("{repo}:one")]);
        s.ok(&["push", "--tls-verify=false", BUSYBOX, &format!("{repo}:two")]);
        let digest = fs::read_to_string(&digestfile).unwrap();
        s.ok(&["rmi", "-a"]);
        assert_eq!(s.pull(&format!("{repo}@{digest}")), id);
        s.ok(&["rmi", "-a"]);
        let out = s.ok(&["pull", "-q", "--all-tags", "--tls-verify=false", &repo]);
        assert_eq!(out.lines(), [id.clone(), id.clone()], "{out:?}");
        let names = s.ok(&["images", "--format", "{{.Repository}}:{{.Tag}}"]).lines();
        for tag in ["one", "two"] {
            assert!(names.contains(&format!("{repo}:{tag}")), "{names:?}");
        }
        s.run(&["pull", "--all-tags", "--tls-verify=false", &format!("{repo}:one")]).code(125).stderr_has("repository only");
    }
}

/// tests/registry_proxy.py in front of one of our registries: it refuses,
/// declines or breaks what `flags` say, and logs every request.
struct Proxy {
    child: Child,
    port: u16,
    log: PathBuf,
}

impl Proxy {
    fn start(dir: &Path, reg: &OwnRegistry, name: &str, flags: &[&str]) -> Proxy {
        let log = dir.join(format!("proxy-{name}.log"));
        let mut child = spawn_retry(
            Command::new("python3")
                .arg(tests_dir().join("registry_proxy.py"))
                .arg("--upstream")
                .arg(reg.host())
                .arg("--log")
                .arg(&log)
                .arg("--timeout")
                .arg("900")
                .args(flags)
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::inherit()),
        );
        let mut first = String::new();
        std::io::BufRead::read_line(&mut std::io::BufReader::new(child.stdout.take().unwrap()), &mut first).unwrap();
        let port = first.trim().parse().unwrap_or_else(|_| {
            let _ = child.kill();
            panic!("registry_proxy.py printed {first:?}, not a port")
        });
        Proxy { child, port, log }
    }

    fn host(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// The request log: `[METHOD, PATH (with %3A as ':'), STATUS, BODY BYTES]` per request.
    fn requests(&self) -> Vec<[String; 4]> {
        let text = fs::read_to_string(&self.log).unwrap_or_default();
        text.lines()
            .filter_map(|l| {
                let f: Vec<&str> = l.split(' ').collect();
                (f.len() == 4).then(|| [f[0].to_string(), f[1].replace("%3A", ":"), f[2].to_string(), f[3].to_string()])
            })
            .collect()
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn show(reqs: &[[String; 4]]) -> String {
    reqs.iter().map(|r| r.join(" ")).collect::<Vec<_>>().join("\n")
}

/// GET of `path` on `host` (a manifest, in the formats push writes): the status and the body.
fn http_get(host: &str, path: &str) -> (u16, String) {
    use std::io::Write;
    let mut s = std::net::TcpStream::connect(host).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let accept = "application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json";
    write!(s, "GET {path} HTTP/1.0\r\nHost: {host}\r\nAccept: {accept}\r\n\r\n").unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    let status = out.split(' ').nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
    let body = out.split_once("\r\n\r\n").map(|(_, b)| b.to_string()).unwrap_or_default();
    (status, body)
}

/// The blobs (layers, then the config) of the manifest `repo:tag` at `host`: (digest, size).
fn manifest_blobs(host: &str, repo: &str, tag: &str) -> Vec<(String, u64)> {
    let (status, body) = http_get(host, &format!("/v2/{repo}/manifests/{tag}"));
    assert_eq!(status, 200, "{host}/{repo}:{tag}: {body}");
    let m: crate::json::Json = serde_json::from_str(&body).unwrap();
    let blob = |v: &crate::json::Json| (v["digest"].as_str().unwrap().to_string(), v["size"].as_u64().unwrap());
    m["layers"].items().iter().map(blob).chain([blob(&m["config"])]).collect()
}

both! {
    /// A registry that refuses the chunked PATCH gets every blob in one PUT
    /// ?digest= that carries it whole; the image pulls back (sangja and podman)
    /// with the same id.
    fn refused_patch_gets_monolithic_upload(s) {
        let reg = OwnRegistry::start(&s.dir, false);
        let proxy = Proxy::start(&s.dir, &reg, "refuse", &["--refuse-patch"]);
        let id = s.pull(LAYERED);
        let repo = unique(s, "mono");
        let dest = format!("{}/{repo}:latest", proxy.host());
        s.ok(&["push", "--tls-verify=false", LAYERED, &dest]);
        let reqs = proxy.requests();
        let all = show(&reqs);
        let patches: Vec<_> = reqs.iter().filter(|r| r[0] == "PATCH").collect();
        assert!(!patches.is_empty(), "no PATCH was tried:\n{all}");
        assert!(patches.iter().all(|r| r[2] == "405"), "{all}");
        // Each refused session is closed, not left open at the registry.
        for p in &patches {
            let session = p[1].split('?').next().unwrap_or_default();
            assert!(
                reqs.iter().any(|r| r[0] == "DELETE" && r[1].starts_with(session) && r[2] == "204"),
                "the refused session {session} was not deleted:
{all}"
            );
        }
        // Each blob of the manifest written went in one PUT with its whole body.
        let blobs = manifest_blobs(&reg.host(), &repo, "latest");
        assert_eq!(blobs.len(), 4, "three layers and the config: {blobs:?}");
        for (digest, size) in &blobs {
            let put = reqs.iter().find(|r| r[0] == "PUT" && r[1].contains("/blobs/uploads/") && r[1].contains(&format!("digest={digest}")));
            let put = put.unwrap_or_else(|| panic!("no PUT of {digest}:\n{all}"));
            assert_eq!(put[2], "201", "{all}");
            assert_eq!(put[3], size.to_string(), "the PUT of {digest} did not carry its {size} bytes:\n{all}");
        }
        s.ok(&["rmi", "-a"]);
        assert_eq!(s.pull(&dest), id, "the image pulled back has another id");
        s.ok(&["run", "--rm", &dest, "true"]);
        if !s.is_rootless() && Command::new("podman").arg("--version").output().is_ok() {
            let direct = format!("{}/{repo}:latest", reg.host());
            let out = Command::new("podman").args(["pull", "-q", "--tls-verify=false", &direct]).output().unwrap();
            let _ = Command::new("podman").args(["rmi", &direct]).output();
            assert!(out.status.success(), "podman pull {direct}: {}", String::from_utf8_lossy(&out.stderr));
            assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), id, "podman sees another image id");
        }
    }
}

both! {
    /// A registry that declines cross-repository mounts (202: a plain upload
    /// session) gets the blobs uploaded in the sessions it opened; the image
    /// pulls back with the same id.
    fn declined_mount_falls_back_to_upload(s) {
        let reg = OwnRegistry::start(&s.dir, false);
        let proxy = Proxy::start(&s.dir, &reg, "decline", &["--decline-mount"]);
        let id = s.pull(LAYERED);
        // The image from a repository of the proxy's registry, so a push there tries to mount.
        let src = format!("{}/{}:latest", proxy.host(), unique(s, "msrc"));
        s.ok(&["push", "--tls-verify=false", LAYERED, &src]);
        s.ok(&["rmi", "-a"]);
        assert_eq!(s.pull(&src), id);
        let n = proxy.requests().len();
        let repo = unique(s, "mdst");
        let dest = format!("{}/{repo}:latest", proxy.host());
        let out = s.ok(&["push", "--tls-verify=false", &src, &dest]);
        assert!(!out.stderr.contains("skipped"), "nothing was there to skip:{out:?}");
        let reqs = proxy.requests()[n..].to_vec();
        let all = show(&reqs);
        let blobs = manifest_blobs(&reg.host(), &repo, "latest");
        let mounts: Vec<_> = reqs.iter().filter(|r| r[0] == "POST" && r[1].contains("mount=")).collect();
        assert!(mounts.len() >= blobs.len(), "a mount per blob was expected:\n{all}");
        assert!(mounts.iter().all(|r| r[2] == "202"), "{all}");
        // The declined mounts' sessions carried the uploads: no other session was opened.
        assert!(!reqs.iter().any(|r| r[0] == "POST" && !r[1].contains("mount=")), "a new session where the declined one served:\n{all}");
        for (digest, _) in &blobs {
            assert!(
                reqs.iter().any(|r| r[0] == "PUT" && r[1].contains(&format!("digest={digest}")) && r[2] == "201"),
                "{digest} was not uploaded:\n{all}"
            );
        }
        s.ok(&["rmi", "-a"]);
        assert_eq!(s.pull(&dest), id, "the image pulled back has another id");
    }
}

both! {
    /// A registry that drops the connection, or answers 500, in the middle of
    /// a layer's upload: exit 125, a message that names the registry and the
    /// layer, and no manifest at the registry; a push after it succeeds. The
    /// dropped connection cuts a layer of `large` whose compression is still
    /// running (its error must not hide the registry's).
    fn failed_upload_leaves_no_manifest(s) {
        let reg = OwnRegistry::start(&s.dir, false);
        // The third case cuts the monolithic PUT of a registry that refuses PATCH.
        for (how, name, min_bytes, more) in
            [("close", "large", "8388608", None), ("500", "layered", "65536", None), ("close", "layered", "65536", Some("--refuse-patch"))]
        {
            let image = format!("{REGISTRY}/{name}:latest");
            let id = s.pull(&image);
            let (_, body) = http_get(REGISTRY, &format!("/v2/{name}/manifests/latest"));
            let source: crate::json::Json = serde_json::from_str(&body).unwrap();
            let layers: Vec<String> = source["layers"].items().iter().map(|l| l["digest"].as_str().unwrap().to_string()).collect();
            let mut flags = vec!["--fail-upload", "1", "--fail-with", how, "--fail-min-bytes", min_bytes];
            flags.extend(more);
            let proxy = Proxy::start(&s.dir, &reg, &format!("fail-{how}-{name}"), &flags);
            let repo = unique(s, &format!("fail{how}{name}"));
            let dest = format!("{}/{repo}:latest", proxy.host());
            let out = s.run(&["push", "--tls-verify=false", &image, &dest]).code(125);
            let all = show(&proxy.requests());
            let failed = if how == "close" { "closed" } else { "500" };
            assert!(proxy.requests().iter().any(|r| r[2] == failed), "the proxy did not fail an upload:\n{all}");
            if more.is_some() {
                assert!(proxy.requests().iter().any(|r| r[0] == "PUT" && r[2] == failed), "not the monolithic PUT:\n{all}");
            }
            assert!(out.stderr.contains(&format!("registry {}", proxy.host())), "the registry is not named:{out:?}");
            assert!(
                layers.iter().any(|l| out.stderr.contains(&format!("layer {l}"))),
                "no layer ({layers:?}) is named:{out:?}\n{all}"
            );
            assert!(!out.stderr.contains("_state="), "the upload URL's state is no message:{out:?}");
            let (status, body) = http_get(&reg.host(), &format!("/v2/{repo}/manifests/latest"));
            assert_eq!(status, 404, "a failed push left a manifest: {body}");
            // What the failure left does not stand in the way of the next push.
            let direct = format!("{}/{repo}:latest", reg.host());
            s.ok(&["push", "--tls-verify=false", &image, &direct]);
            s.ok(&["rmi", "-a"]);
            assert_eq!(s.pull(&direct), id);
        }
    }
}

/// The first regular file with content under a layer's diff/ in `layers`.
fn some_layer_file(layers: &Path) -> Option<PathBuf> {
    fn walk(dir: &Path) -> Option<PathBuf> {
        for e in fs::read_dir(dir).ok()?.flatten() {
            let (p, meta) = (e.path(), fs::symlink_metadata(e.path()).ok()?);
            if meta.is_file() && meta.len() > 0 {
                return Some(p);
            }
            if meta.is_dir() {
                if let Some(f) = walk(&p) {
                    return Some(f);
                }
            }
        }
        None
    }
    fs::read_dir(layers).ok()?.flatten().find_map(|l| walk(&l.path().join("diff")))
}

both! {
    /// A layer whose files changed on disk after the pull (one byte, same
    /// length) is not pushed: exit 125, a message naming the layer and the
    /// repair, and no manifest at the registry. Put back, it pushes.
    fn changed_layer_is_not_pushed(s) {
        let reg = OwnRegistry::start(&s.dir, false);
        s.pull(LAYERED);
        let file = some_layer_file(&s.layers_dir()).expect("a file in a layer");
        let original = fs::read(&file).unwrap();
        let mut changed = original.clone();
        changed[0] ^= 0x20;
        fs::write(&file, &changed).unwrap();
        let repo = unique(s, "changed");
        let out = s.run(&["push", "--tls-verify=false", LAYERED, &format!("{}/{repo}:latest", reg.host())]).code(125);
        assert!(out.stderr.contains("changed on disk") && out.stderr.contains("system check --repair"), "{out:?}");
        let (status, body) = http_get(&reg.host(), &format!("/v2/{repo}/manifests/latest"));
        assert_eq!(status, 404, "a push of a changed layer left a manifest: {body}");
        fs::write(&file, &original).unwrap();
        s.ok(&["push", "--tls-verify=false", LAYERED, &format!("{}/{repo}:latest", reg.host())]);
    }
}
