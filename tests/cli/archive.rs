//! save, load and the archive transports (issue 17): round trips in every
//! format, podman and skopeo on the other side, compressed archives, and bad
//! archives refused without leaving anything behind.

use crate::util::*;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// docker-dir last: it holds no name, and sangja has no `tag` on this branch.
const FORMATS: [&str; 4] = ["docker-archive", "oci-archive", "oci-dir", "docker-dir"];

/// (id, names) of every image, from `images --format json`.
fn images(s: &Sangja) -> Vec<(String, Vec<String>)> {
    let v = s.ok(&["images", "--format", "json"]).json();
    v.items().iter().map(|i| (i["Id"].as_str().unwrap_or_default().to_string(), i["Names"].strings())).collect()
}

/// A path in the test's folder, as a string.
fn path(s: &Sangja, name: &str) -> String {
    s.dir.join(name).display().to_string()
}

/// Removes every image, and checks the store holds no layer any more.
fn rmi_all(s: &Sangja) {
    s.ok(&["rmi", "-a", "-f"]);
    assert!(s.image_ids().is_empty());
    assert!(s.layer_entries().is_empty(), "rmi -a left layers: {:?}", s.layer_entries());
}

/// Checks that the store holds nothing: no image, no layer, no temp file.
fn assert_nothing_left(s: &Sangja, out: &crate::process::Out) {
    assert!(s.image_ids().is_empty(), "a refused load left an image:{out:?}");
    assert!(s.layer_entries().is_empty(), "a refused load left layers {:?}:{out:?}", s.layer_entries());
    assert!(s.tmp_entries().is_empty(), "a refused load left temp files {:?}:{out:?}", s.tmp_entries());
}

/// Runs podman as the test's user: rootless with a store in the test's folder,
/// as root with the machine's configuration.
fn podman(s: &Sangja, args: &[&str]) -> crate::process::Out {
    let mut cmd = match &s.mode {
        Mode::Root => Command::new("podman"),
        Mode::Rootless { user, .. } => {
            let mut c = Command::new("runuser");
            c.args(["-u", &user.name, "--", "env", &format!("HOME={}", s.dir.display())]);
            c.arg(format!("XDG_RUNTIME_DIR=/run/user/{}", user.uid));
            // podman refuses a runroot longer than 50 characters.
            let run =
                PathBuf::from(format!("/tmp/sar-{}", s.dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()));
            let _ = fs::create_dir_all(&run);
            std::os::unix::fs::chown(&run, Some(user.uid), Some(user.gid)).unwrap();
            c.args(["podman", "--root", &path(s, "podman-root"), "--runroot", &run.display().to_string()]);
            c
        }
    };
    cmd.args(args).current_dir(&s.dir).stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
    let child = crate::process::spawn_retry(&mut cmd);
    crate::process::wait_output(child, format!("podman {}", args.join(" ")), None, std::time::Duration::from_secs(300))
}

/// The archive's file made readable by the test's user.
fn give(s: &Sangja, p: &Path) {
    if let Mode::Rootless { user, switch: true } = &s.mode {
        std::os::unix::fs::chown(p, Some(user.uid), Some(user.gid)).unwrap();
    }
}

both! {
    /// save → rmi → load gives back the same id and names, in every format;
    /// skopeo reads what sangja wrote.
    fn round_trip_every_format(s) {
        let id = s.pull(LAYERED);
        for f in FORMATS {
            let out = path(s, &format!("layered-{f}"));
            let saved = s.ok(&["save", "--format", f, "-o", &out, LAYERED]);
            assert!(saved.stdout.is_empty(), "save prints nothing on stdout:{saved:?}");
            assert!(saved.stderr.contains("Copying blob") && saved.stderr.contains("Copying config"), "podman's progress lines:{saved:?}");
            rmi_all(s);
            let loaded = s.ok(&["load", "-i", &out]);
            if f == "docker-dir" {
                // The dir: transport holds no name, as podman's.
                assert_eq!(loaded.lines(), [format!("Loaded image: sha256:{id}")], "{loaded:?}");
                assert_eq!(images(s), [(id.clone(), vec![])], "{f}");
            } else {
                assert_eq!(loaded.lines(), [format!("Loaded image: {LAYERED}")], "{loaded:?}");
                assert_eq!(images(s), [(id.clone(), vec![LAYERED.to_string()])], "{f}");
            }
            assert!(s.tmp_entries().is_empty(), "load left temp files: {:?}", s.tmp_entries());
            // The loaded image runs.
            let run = s.ok(&["run", "--rm", &id, "cat", "/data/keep.txt", "/data/mid.txt"]);
            assert!(!run.stdout.is_empty(), "{run:?}");
            let (scheme, probe) = match f {
                "docker-archive" => ("docker-archive", out.clone()),
                "oci-archive" => ("oci-archive", out.clone()),
                "oci-dir" => ("oci", out.clone()),
                _ => ("dir", out.clone()),
            };
            let sk = Command::new("skopeo").args(["inspect", "--config", &format!("{scheme}:{probe}")]).output().unwrap();
            assert!(sk.status.success(), "skopeo inspect {scheme}:{probe}: {}", String::from_utf8_lossy(&sk.stderr));
            let config: serde_json::Value = serde_json::from_slice(&sk.stdout).unwrap();
            let raw = Command::new("skopeo").args(["inspect", "--raw", &format!("{scheme}:{probe}")]).output().unwrap();
            let manifest: serde_json::Value = serde_json::from_slice(&raw.stdout).unwrap();
            assert_eq!(manifest["config"]["digest"].as_str(), Some(format!("sha256:{id}").as_str()), "skopeo sees the same image id ({f})");
            assert_eq!(config["rootfs"]["diff_ids"].as_array().map(|a| a.len()), Some(3), "{config}");
        }
    }
}

both! {
    /// The docker-archive layout is podman's: manifest.json, repositories,
    /// <id>.json, <diff_id>.tar and the legacy folders; save writes to stdout
    /// when it is not a terminal and load reads stdin; -m saves several images.
    fn docker_archive_layout_stdout_and_multi(s) {
        let bb = s.pull(BUSYBOX);
        let layered = s.pull(LAYERED);
        let file = s.dir.join("bb.tar");
        let f = fs::File::create(&file).unwrap();
        give(s, &file);
        let mut cmd = s.command(&["save", "-q", BUSYBOX]);
        cmd.stdout(f);
        let st = cmd.status().unwrap();
        assert!(st.success(), "save to stdout failed");
        let mut ar = tar::Archive::new(fs::File::open(&file).unwrap());
        let names: Vec<String> = ar.entries().unwrap().map(|e| e.unwrap().path().unwrap().display().to_string()).collect();
        assert!(names.contains(&"manifest.json".to_string()) && names.contains(&"repositories".to_string()), "{names:?}");
        assert!(names.contains(&format!("{bb}.json")), "{names:?}");
        assert!(names.iter().any(|n| n.ends_with("/layer.tar")) && names.iter().any(|n| n.ends_with("/VERSION")), "{names:?}");
        let mut ar = tar::Archive::new(fs::File::open(&file).unwrap());
        let manifest = ar.entries().unwrap().map(|e| e.unwrap()).find(|e| e.path().unwrap().to_str() == Some("manifest.json")).map(|mut e| {
            let mut s = String::new();
            std::io::Read::read_to_string(&mut e, &mut s).unwrap();
            s
        });
        let m: serde_json::Value = serde_json::from_str(&manifest.unwrap()).unwrap();
        assert_eq!(m[0]["RepoTags"], serde_json::json!([BUSYBOX]));
        assert_eq!(m[0]["Config"].as_str(), Some(format!("{bb}.json").as_str()));

        let multi = path(s, "multi.tar");
        s.ok(&["save", "-m", "-o", &multi, BUSYBOX, LAYERED]);
        rmi_all(s);
        let mut cmd = s.command(&["load"]);
        cmd.stdin(fs::File::open(&file).unwrap());
        let child = crate::process::spawn_retry(&mut cmd);
        let out = crate::process::wait_output(child, "sangja load < bb.tar".into(), None, std::time::Duration::from_secs(120)).ok();
        assert_eq!(out.lines(), [format!("Loaded image: {BUSYBOX}")], "{out:?}");
        rmi_all(s);
        let out = s.ok(&["load", "-q", "-i", &multi]);
        assert_eq!(out.lines(), [format!("Loaded image: {BUSYBOX}"), format!("Loaded image: {LAYERED}")], "{out:?}");
        let mut got = images(s);
        got.sort();
        let mut want = vec![(bb, vec![BUSYBOX.to_string()]), (layered, vec![LAYERED.to_string()])];
        want.sort();
        assert_eq!(got, want);
        // Refused: a terminal is not a place for an archive (checked before anything is read).
        let out = s.run(&["save", "--format", "oci-dir", BUSYBOX]);
        assert_eq!(out.code, 125, "{out:?}");
    }
}

both! {
    /// gzip- and zstd-compressed archives load as podman's do.
    fn compressed_archives_load(s) {
        let id = s.pull(BUSYBOX);
        for f in ["docker-archive", "oci-archive"] {
            let plain = s.dir.join(format!("bb-{f}.tar"));
            s.ok(&["save", "-q", "--format", f, "-o", &plain.display().to_string(), BUSYBOX]);
            let bytes = fs::read(&plain).unwrap();
            let gz = s.dir.join(format!("bb-{f}.tar.gz"));
            let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            std::io::Write::write_all(&mut enc, &bytes).unwrap();
            fs::write(&gz, enc.finish().unwrap()).unwrap();
            let zst = s.dir.join(format!("bb-{f}.tar.zst"));
            fs::write(&zst, zstd::encode_all(&bytes[..], 3).unwrap()).unwrap();
            for p in [&gz, &zst] {
                give(s, p);
                rmi_all(s);
                let out = s.ok(&["load", "-i", &p.display().to_string()]);
                assert_eq!(out.lines(), [format!("Loaded image: {BUSYBOX}")], "{out:?}");
                assert_eq!(images(s), [(id.clone(), vec![BUSYBOX.to_string()])]);
                assert!(s.tmp_entries().is_empty(), "{:?}", s.tmp_entries());
            }
        }
    }
}

/// `bytes` with `n` bytes at `at` overwritten.
fn damage(bytes: &[u8], at: usize, n: usize) -> Vec<u8> {
    let mut b = bytes.to_vec();
    for x in b.iter_mut().skip(at).take(n) {
        *x ^= 0x5a;
    }
    b
}

both! {
    /// A truncated archive, a damaged layer, a damaged config and a file that
    /// is no archive are refused with an error naming the file and the cause,
    /// and leave no image, layer or temp file.
    fn bad_archives_refused_leaving_nothing(s) {
        s.pull(LAYERED);
        let good = s.dir.join("good.tar");
        s.ok(&["save", "-q", "-o", &good.display().to_string(), LAYERED]);
        let oci = s.dir.join("good-oci.tar");
        s.ok(&["save", "-q", "--format", "oci-archive", "-o", &oci.display().to_string(), LAYERED]);
        rmi_all(s);
        let bytes = fs::read(&good).unwrap();
        // The offset of the second layer's data: damage lands in a layer, after the first one loaded.
        let mut ar = tar::Archive::new(fs::File::open(&good).unwrap());
        let layers: Vec<(u64, u64)> = ar
            .entries()
            .unwrap()
            .map(|e| e.unwrap())
            .filter(|e| e.path().unwrap().to_str().is_some_and(|p| p.ends_with(".tar") && !p.contains('/')))
            .map(|e| (e.raw_file_position(), e.size()))
            .collect();
        assert_eq!(layers.len(), 3);
        let config_at = {
            let mut ar = tar::Archive::new(fs::File::open(&good).unwrap());
            ar.entries().unwrap().map(|e| e.unwrap()).find(|e| e.path().unwrap().to_str().is_some_and(|p| p.ends_with(".json") && !p.contains('/') && p != "manifest.json")).unwrap().raw_file_position()
        };
        let cases: Vec<(&str, Vec<u8>, &str)> = vec![
            ("truncated.tar", bytes[..bytes.len() / 2].to_vec(), "truncated"),
            ("damaged-layer.tar", damage(&bytes, (layers[1].0 + layers[1].1 / 2) as usize, 16), "damaged"),
            ("damaged-config.tar", damage(&bytes, config_at as usize + 20, 1), "damaged"),
            ("noise.tar", vec![7u8; 4096], "not"),
            ("empty.tar", Vec::new(), "empty"),
            ("truncated.tar.gz", {
                let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
                std::io::Write::write_all(&mut enc, &bytes).unwrap();
                let gz = enc.finish().unwrap();
                gz[..gz.len() / 2].to_vec()
            }, "truncated"),
        ];
        let oci_bytes = fs::read(&oci).unwrap();
        let mut all = cases;
        all.push(("oci-truncated.tar", oci_bytes[..oci_bytes.len() * 2 / 3].to_vec(), ""));
        for (name, data, why) in all {
            let p = s.dir.join(name);
            fs::write(&p, &data).unwrap();
            give(s, &p);
            let out = s.run(&["load", "-i", &p.display().to_string()]);
            assert_eq!(out.code, 125, "{name} must be refused:{out:?}");
            assert!(out.stderr.contains(&p.display().to_string()), "the error names the file:{out:?}");
            assert!(out.stderr.contains(why), "the error says why ({why}):{out:?}");
            assert_nothing_left(s, &out);
        }
    }
}

both! {
    /// `run docker-archive:PATH` (and oci-archive:PATH:NAME) load the image and run it.
    fn run_from_archive_transports(s) {
        s.pull(BUSYBOX);
        let da = path(s, "bb.tar");
        let oa = path(s, "bb-oci.tar");
        s.ok(&["save", "-q", "-o", &da, BUSYBOX]);
        s.ok(&["save", "-q", "--format", "oci-archive", "-o", &oa, BUSYBOX]);
        rmi_all(s);
        let out = s.ok(&["run", "--rm", &format!("docker-archive:{da}"), "echo", "from-archive"]);
        assert_eq!(out.lines(), ["from-archive"], "{out:?}");
        rmi_all(s);
        let out = s.ok(&["run", "--rm", &format!("oci-archive:{oa}:{BUSYBOX}"), "echo", "from-oci"]);
        assert_eq!(out.lines(), ["from-oci"], "{out:?}");
        let out = s.ok(&["pull", &format!("docker-archive:{da}")]);
        assert!(out.lines().last().is_some_and(|l| is_hex_id(l)), "{out:?}");
        let out = s.run(&["pull", "containers-storage:busybox"]);
        assert_eq!(out.code, 125, "{out:?}");
        assert!(out.stderr.contains("containers-storage"), "{out:?}");
    }
}

both! {
    /// podman loads sangja's archives and sangja loads podman's, with the same ids and names.
    fn podman_interop_both_ways(s) {
        let tag = format!("localhost/share-archive-{}-{}:t", std::process::id(), if s.is_rootless() { "u" } else { "r" });
        // podman → sangja
        let p = podman(s, &["pull", "-q", "--tls-verify=false", BUSYBOX]).ok();
        let pid = p.lines().last().cloned().unwrap_or_default();
        podman(s, &["tag", BUSYBOX, &tag]).ok();
        let from_podman = path(s, "from-podman.tar");
        podman(s, &["save", "-q", "-o", &from_podman, &tag]).ok();
        let from_podman_oci = path(s, "from-podman-oci.tar");
        podman(s, &["save", "-q", "--format", "oci-archive", "-o", &from_podman_oci, &tag]).ok();
        podman(s, &["rmi", &tag]).ok();
        for f in [&from_podman, &from_podman_oci] {
            let out = s.ok(&["load", "-i", f]);
            assert_eq!(out.lines(), [format!("Loaded image: {tag}")], "{out:?}");
            assert_eq!(images(s), [(pid.clone(), vec![tag.clone()])], "podman's id kept ({f})");
            rmi_all(s);
        }
        // sangja → podman (podman 4.3 cannot save layered's zstd layer itself; it loads ours).
        // Without -m the names after the image are more names for it, as podman.
        let id = s.pull(LAYERED);
        let out = path(s, "to-podman.tar");
        s.ok(&["save", "-q", "-o", &out, LAYERED, &tag]);
        let loaded = podman(s, &["load", "-i", &out]).ok();
        assert!(loaded.stdout.contains(&format!("Loaded image: {tag}")), "{loaded:?}");
        assert!(loaded.stdout.contains(&format!("Loaded image: {LAYERED}")), "{loaded:?}");
        let got = podman(s, &["image", "inspect", "--format", "{{.Id}}", &tag]).ok();
        assert_eq!(got.stdout.trim(), id, "podman sees the same id (docker-archive)");
        podman(s, &["rmi", &tag]).ok();
        // An OCI archive holds one name: the image's.
        let out = path(s, "to-podman-oci.tar");
        s.ok(&["save", "-q", "--format", "oci-archive", "-o", &out, LAYERED]);
        let loaded = podman(s, &["load", "-i", &out]).ok();
        assert!(loaded.stdout.contains(&format!("Loaded image: {LAYERED}")), "{loaded:?}");
        let got = podman(s, &["image", "inspect", "--format", "{{.Id}}", LAYERED]).ok();
        assert_eq!(got.stdout.trim(), id, "podman sees the same id (oci-archive)");
    }
}

both! {
    /// The archives Docker 25+ writes: an OCI layout plus a manifest.json whose
    /// Config and Layers name blobs/sha256/ paths; load follows those paths
    /// and takes the names from RepoTags.
    fn docker25_layout_loads(s) {
        let id = s.pull(LAYERED);
        let dir = s.dir.join("oci");
        s.ok(&["save", "-q", "--format", "oci-dir", "--uncompressed", "-o", &dir.display().to_string(), LAYERED]);
        rmi_all(s);
        let index: serde_json::Value = serde_json::from_slice(&fs::read(dir.join("index.json")).unwrap()).unwrap();
        let mdigest = index["manifests"][0]["digest"].as_str().unwrap().trim_start_matches("sha256:").to_string();
        let manifest: serde_json::Value = serde_json::from_slice(&fs::read(dir.join("blobs/sha256").join(&mdigest)).unwrap()).unwrap();
        let blob = |d: &serde_json::Value| format!("blobs/sha256/{}", d.as_str().unwrap().trim_start_matches("sha256:"));
        let docker = serde_json::json!([{
            "Config": blob(&manifest["config"]["digest"]),
            "RepoTags": ["layered:v25"],
            "Layers": manifest["layers"].as_array().unwrap().iter().map(|l| blob(&l["digest"])).collect::<Vec<_>>(),
        }]);
        fs::write(dir.join("manifest.json"), serde_json::to_vec(&docker).unwrap()).unwrap();
        // Docker's index names the image with io.containerd.image.name; manifest.json wins.
        let tarpath = s.dir.join("docker25.tar");
        let mut b = tar::Builder::new(fs::File::create(&tarpath).unwrap());
        b.append_dir_all(".", &dir).unwrap();
        b.finish().unwrap();
        drop(b);
        give(s, &tarpath);
        let out = s.ok(&["load", "-i", &tarpath.display().to_string()]);
        assert_eq!(out.lines(), ["Loaded image: docker.io/library/layered:v25"], "{out:?}");
        assert_eq!(images(s), [(id, vec!["docker.io/library/layered:v25".to_string()])]);
    }
}

/// `python3 -m http.server` on a free port of 127.0.0.1, serving `dir`.
struct HttpServer {
    child: std::process::Child,
    port: u16,
}

impl HttpServer {
    fn start(dir: &Path) -> HttpServer {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let child = Command::new("python3")
            .args(["-m", "http.server", "--bind", "127.0.0.1", &port.to_string()])
            .current_dir(dir)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3 runs");
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(std::time::Instant::now() < deadline, "python3 -m http.server did not listen on {port}");
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        HttpServer { child, port }
    }
}

impl Drop for HttpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

both! {
    /// `load -i URL`: an archive (plain and gzip-compressed) served over
    /// http loads as the file would; a missing one is refused with the
    /// server's status, leaving nothing behind.
    fn load_from_url(s) {
        let id = s.pull(BUSYBOX);
        let served = s.dir.join("served");
        fs::create_dir(&served).unwrap();
        let plain = s.dir.join("bb.tar");
        s.ok(&["save", "-q", "-o", &plain.display().to_string(), BUSYBOX]);
        let bytes = fs::read(&plain).unwrap();
        fs::write(served.join("bb.tar"), &bytes).unwrap();
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        std::io::Write::write_all(&mut enc, &bytes).unwrap();
        fs::write(served.join("bb.tar.gz"), enc.finish().unwrap()).unwrap();
        let server = HttpServer::start(&served);
        for name in ["bb.tar", "bb.tar.gz"] {
            rmi_all(s);
            let url = format!("http://127.0.0.1:{}/{name}", server.port);
            let out = s.ok(&["load", "-i", &url]);
            assert_eq!(out.lines(), [format!("Loaded image: {BUSYBOX}")], "{out:?}");
            assert_eq!(images(s), [(id.clone(), vec![BUSYBOX.to_string()])]);
            assert!(s.tmp_entries().is_empty(), "{:?}", s.tmp_entries());
        }
        rmi_all(s);
        let out = s.run(&["load", "-i", &format!("http://127.0.0.1:{}/none.tar", server.port)]).code(125).stderr_has("404");
        assert_nothing_left(s, &out);
    }
}
