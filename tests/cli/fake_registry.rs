//! tests/fake_registry.py from the tests' side: a registry on a free port that
//! serves a layout built by tests/images/build_image.py, logs every request, and
//! can corrupt layer blobs on the wire.

use crate::json::{Json, JsonExt};
use crate::util::tests_dir;
use std::fs;
use std::io::BufRead;
use std::io::BufReader;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// tests/fake_registry.py serving an OCI layout that tests/images/build_image.py
/// builds, optionally corrupting layer blobs; it logs every request.
pub struct FakeRegistry {
    child: Child,
    pub port: u16,
    pub layout: PathBuf,
    pub log: PathBuf,
}

impl FakeRegistry {
    /// Builds `recipe` into `dir` and serves it; `corrupt` is none, swap or flip.
    pub fn start(dir: &Path, recipe: &str, corrupt: &str) -> FakeRegistry {
        let layout = dir.join(format!("layout-{recipe}"));
        let out = Command::new("python3")
            .arg(tests_dir().join("images/build_image.py"))
            .arg(recipe)
            .arg(&layout)
            .output()
            .expect("python3 runs tests/images/build_image.py");
        assert!(out.status.success(), "build_image.py {recipe} failed: {}", String::from_utf8_lossy(&out.stderr));
        let log = dir.join(format!("registry-{recipe}-{corrupt}.log"));
        let mut child = crate::util::spawn_retry(
            Command::new("python3")
                .arg(tests_dir().join("fake_registry.py"))
                .arg("--layout")
                .arg(&layout)
                .arg("--corrupt")
                .arg(corrupt)
                .arg("--log")
                .arg(&log)
                .arg("--timeout")
                .arg("600")
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::inherit()),
        );
        let mut first = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut first).unwrap();
        let port = first.trim().parse().unwrap_or_else(|_| {
            let _ = child.kill();
            panic!("fake_registry.py printed {first:?}, not a port")
        });
        FakeRegistry { child, port, layout, log }
    }

    /// The reference of an image it serves.
    pub fn image(&self, name: &str) -> String {
        format!("127.0.0.1:{}/{name}:latest", self.port)
    }

    /// The request log: "METHOD PATH STATUS" lines.
    pub fn requests(&self) -> Vec<String> {
        fs::read_to_string(&self.log).unwrap_or_default().lines().map(str::to_string).collect()
    }

    /// How many times a blob was fetched with GET.
    pub fn blob_gets(&self, digest: &str) -> usize {
        self.requests().iter().filter(|l| l.starts_with("GET ") && l.contains(&format!("/blobs/{digest} "))).count()
    }

    /// The layer digests of the layout's (single-platform) image.
    pub fn layer_digests(&self) -> Vec<String> {
        let index: Json = serde_json::from_str(&fs::read_to_string(self.layout.join("index.json")).unwrap()).unwrap();
        let digest = index.path("manifests.0.digest").as_str().unwrap().to_string();
        let manifest: Json = serde_json::from_str(&fs::read_to_string(self.blob(&digest)).unwrap()).unwrap();
        manifest["layers"].items().iter().map(|l| l["digest"].as_str().unwrap().to_string()).collect()
    }

    fn blob(&self, digest: &str) -> PathBuf {
        self.layout.join("blobs/sha256").join(digest.trim_start_matches("sha256:"))
    }
}

impl Drop for FakeRegistry {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
