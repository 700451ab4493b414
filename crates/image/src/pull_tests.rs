//! Pull tests: against a tiny in-process registry (always run), and against a
//! real one on 127.0.0.1:5001 (`#[ignore]`, see `real_registry`).

use super::*;
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

// ---------- a registry in a thread: just enough of the distribution API ----------

#[derive(Default)]
struct Content {
    /// tag or digest → (media type, bytes)
    manifests: HashMap<String, (String, Vec<u8>)>,
    blobs: HashMap<String, Vec<u8>>,
    /// Paths requested, in order.
    log: Vec<String>,
}

struct FakeRegistry {
    host: String,
    content: Arc<Mutex<Content>>,
}

impl FakeRegistry {
    fn start() -> FakeRegistry {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let host = listener.local_addr().unwrap().to_string();
        let content = Arc::new(Mutex::new(Content::default()));
        let c = content.clone();
        std::thread::spawn(move || {
            for conn in listener.incoming().flatten() {
                let c = c.clone();
                std::thread::spawn(move || serve(conn, &c));
            }
        });
        FakeRegistry { host, content }
    }
    fn blob_gets(&self) -> usize {
        self.content.lock().unwrap().log.iter().filter(|p| p.contains("/blobs/")).count()
    }
}

fn serve(conn: TcpStream, content: &Mutex<Content>) {
    let mut reader = BufReader::new(conn);
    let mut out = reader.get_ref().try_clone().unwrap();
    if reader.fill_buf().map(|b| b.first() == Some(&0x16)).unwrap_or(true) {
        // A TLS hello to a plain HTTP server: answer as Go's http server does.
        let _ = out.write_all(b"HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n400 Bad Request");
        return;
    }
    let mut line = String::new();
    if reader.read_line(&mut line).is_err() {
        return;
    }
    let mut parts = line.split_whitespace();
    let (Some(method), Some(path)) = (parts.next(), parts.next()) else { return };
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).unwrap_or(0) == 0 || h == "\r\n" {
            break;
        }
    }
    let mut c = content.lock().unwrap();
    c.log.push(path.to_string());
    let not_found = |code: &str| {
        (404, "application/json".to_string(), format!(r#"{{"errors":[{{"code":"{code}","message":"unknown"}}]}}"#).into_bytes())
    };
    let (status, ctype, body) = if path == "/v2/" {
        (200, "application/json".to_string(), b"{}".to_vec())
    } else if let Some((_, reference)) = path.split_once("/manifests/") {
        match c.manifests.get(reference) {
            Some((t, b)) => (200, t.clone(), b.clone()),
            None => not_found("MANIFEST_UNKNOWN"),
        }
    } else if let Some((_, digest)) = path.split_once("/blobs/") {
        match c.blobs.get(digest) {
            Some(b) => (200, "application/octet-stream".to_string(), b.clone()),
            None => not_found("BLOB_UNKNOWN"),
        }
    } else {
        not_found("NAME_UNKNOWN")
    };
    drop(c);
    let head = format!("HTTP/1.1 {status} X\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len());
    let _ = out.write_all(head.as_bytes());
    if method != "HEAD" {
        let _ = out.write_all(&body);
    }
}

// ---------- test images ----------

fn sha(b: &[u8]) -> String {
    sha256_of(b)
}

/// A gzip'd tar of `files` files of `size` pseudo-random bytes; (blob, diff_id).
fn layer(seed: u64, files: usize, size: usize) -> (Vec<u8>, String) {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut b = tar::Builder::new(Vec::new());
    for i in 0..files {
        let data: Vec<u8> = (0..size)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                // Half the bytes constant: compressible like real files.
                if x & 1 == 0 {
                    b'a'
                } else {
                    (x >> 24) as u8
                }
            })
            .collect();
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_uid(0);
        h.set_gid(0);
        h.set_mtime(0);
        h.set_cksum();
        b.append_data(&mut h, format!("layer{seed}/file{i}"), &data[..]).unwrap();
    }
    let tar = b.into_inner().unwrap();
    let diff_id = sha(&tar);
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&tar).unwrap();
    (gz.finish().unwrap(), diff_id)
}

const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";

/// Publishes an image of `layers` under `tag`; returns the manifest digest and config id.
fn publish(reg: &FakeRegistry, tag: &str, layers: &[(Vec<u8>, String)], arch: &str) -> (String, String) {
    let diff_ids: Vec<&String> = layers.iter().map(|(_, d)| d).collect();
    let config = serde_json::json!({
        "created": "2024-05-01T10:00:00Z",
        "architecture": arch, "os": "linux",
        "config": {"Cmd": ["/bin/sh"], "Env": ["PATH=/bin"]},
        "rootfs": {"type": "layers", "diff_ids": diff_ids},
    });
    let config = serde_json::to_vec(&config).unwrap();
    let descs: Vec<serde_json::Value> = layers
        .iter()
        .map(|(b, _)| serde_json::json!({"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": sha(b), "size": b.len()}))
        .collect();
    let manifest = serde_json::json!({
        "schemaVersion": 2, "mediaType": OCI_MANIFEST,
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": sha(&config), "size": config.len()},
        "layers": descs,
    });
    let manifest = serde_json::to_vec(&manifest).unwrap();
    let mut c = reg.content.lock().unwrap();
    for (b, _) in layers {
        c.blobs.insert(sha(b), b.clone());
    }
    c.blobs.insert(sha(&config), config.clone());
    let md = sha(&manifest);
    c.manifests.insert(tag.to_string(), (OCI_MANIFEST.into(), manifest.clone()));
    c.manifests.insert(md.clone(), (OCI_MANIFEST.into(), manifest));
    (md, sha(&config).trim_start_matches("sha256:").to_string())
}

struct TempStore {
    dir: PathBuf,
    paths: StorePaths,
}

impl Drop for TempStore {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn temp_store(tag: &str) -> TempStore {
    let dir = std::env::temp_dir().join(format!("sangja-pull-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let paths = StorePaths::new(Some(dir.join("root")), Some(dir.join("run")), None).unwrap();
    paths.ensure().unwrap();
    TempStore { dir, paths }
}

#[derive(Default, Debug)]
struct Counts {
    progress_bytes: u64,
    progress_events: usize,
    cached: usize,
    done: usize,
}

async fn pull_counting(paths: &StorePaths, name: &str, opts: &PullOptions) -> (Result<ImageRecord>, Counts) {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let counts = Mutex::new(Counts::default());
    let on = |ev: PullEvent| {
        let mut c = counts.lock().unwrap();
        match ev {
            PullEvent::LayerProgress { bytes, .. } => {
                c.progress_bytes += bytes;
                c.progress_events += 1;
            }
            PullEvent::LayerCached { .. } => c.cached += 1,
            PullEvent::LayerDone { .. } => c.done += 1,
            PullEvent::Manifest { .. } => {}
        }
    };
    let r = Reference::parse(name).unwrap();
    let res = pull(paths, &r, opts, &on).await;
    (res, counts.into_inner().unwrap())
}

fn insecure() -> PullOptions {
    PullOptions { tls_verify: Some(false), ..Default::default() }
}

// ---------- unit tests ----------

#[test]
fn platforms() {
    assert_eq!(Platform::parse(Some("linux/arm64/v8")).unwrap().to_string(), "linux/arm64/v8");
    assert_eq!(Platform::parse(None).unwrap().os, "linux");
    assert!(Platform::parse(Some("linux")).is_err());
    assert!(Platform::parse(Some("linux//")).is_err());
}

#[test]
fn schema1_refused() {
    let r = Reference::parse("x").unwrap();
    let e = classify(br#"{"schemaVersion":1,"name":"x","fsLayers":[]}"#, &r).err().unwrap().to_string();
    assert!(e.contains("schema 1"), "{e}");
    assert!(classify(br#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]}"#, &r).is_ok());
    let e = classify(br#"{"schemaVersion":2,"mediaType":"text/html"}"#, &r).err().unwrap().to_string();
    assert!(e.contains("text/html"), "{e}");
}

#[test]
fn choose_platform() {
    let idx: ImageIndex = serde_json::from_value(serde_json::json!({
        "schemaVersion": 2,
        "manifests": [
            {"mediaType": OCI_MANIFEST, "digest": format!("sha256:{}", "1".repeat(64)), "size": 1, "platform": {"os": "linux", "architecture": "arm", "variant": "v6"}},
            {"mediaType": OCI_MANIFEST, "digest": format!("sha256:{}", "2".repeat(64)), "size": 1, "platform": {"os": "linux", "architecture": "arm", "variant": "v7"}},
            {"mediaType": OCI_MANIFEST, "digest": format!("sha256:{}", "3".repeat(64)), "size": 1, "platform": {"os": "linux", "architecture": "amd64"}},
            {"mediaType": OCI_MANIFEST, "digest": format!("sha256:{}", "4".repeat(64)), "size": 1, "platform": {"os": "unknown", "architecture": "unknown"}},
        ]
    }))
    .unwrap();
    let r = Reference::parse("x").unwrap();
    let pick = |p: &str| choose(&idx, &Platform::parse(Some(p)).unwrap(), &r).map(|d| d[7..8].to_string());
    assert_eq!(pick("linux/amd64").unwrap(), "3");
    assert_eq!(pick("linux/arm/v7").unwrap(), "2");
    assert_eq!(pick("linux/arm").unwrap(), "1");
    let e = pick("linux/s390x").unwrap_err().to_string();
    assert!(e.contains("linux/arm/v6") && e.contains("linux/amd64") && !e.contains("unknown"), "{e}");
}

#[test]
fn pull_future_is_send() {
    // The API service may spawn pulls on a multi-threaded runtime.
    fn assert_send<T: Send>(_: &T) {}
    let t = temp_store("send");
    let r = Reference::parse("localhost/x").unwrap();
    let opts = PullOptions::default();
    let fut = pull(&t.paths, &r, &opts, &|_| {});
    assert_send(&fut);
}

// ---------- against the in-process registry ----------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pull_then_cached() {
    let reg = FakeRegistry::start();
    let layers = vec![layer(1, 3, 40_000), layer(2, 2, 300_000), layer(3, 1, 1000)];
    let (md, id) = publish(&reg, "latest", &layers, &Platform::host().arch);
    let t = temp_store("cached");
    let name = format!("{}/test/img", reg.host);

    let (rec, c) = pull_counting(&t.paths, &name, &insecure()).await;
    let rec = rec.unwrap();
    assert_eq!(rec.id, id);
    assert_eq!(rec.digest, md);
    assert_eq!(rec.names, [format!("{name}:latest")]);
    assert_eq!(rec.repo_digests, [format!("{name}@{md}")]);
    assert_eq!(rec.layers.len(), 3);
    assert_eq!(rec.size, 3 * 40_000 + 2 * 300_000 + 1000);
    assert_eq!(rec.created.as_deref(), Some("2024-05-01T10:00:00Z"));
    assert_eq!(rec.manifest_media_type.as_deref(), Some(OCI_MANIFEST));
    assert_eq!(c.done, 3);
    assert_eq!(c.progress_bytes, layers.iter().map(|(b, _)| b.len() as u64).sum::<u64>());
    assert!(t.paths.blob_path(&md).is_file() && t.paths.blob_path(&format!("sha256:{id}")).is_file());
    let layers_store = LayerStore::new(&t.paths);
    assert!(layers_store.diff_dir(&rec.layers[1]).join("layer2/file1").is_file());
    assert_eq!(ImageStore::new(&t.paths).lookup("test/img").unwrap().id, id);

    let gets = reg.blob_gets();
    let (rec2, c2) = pull_counting(&t.paths, &name, &insecure()).await;
    assert_eq!(rec2.unwrap().id, id);
    assert_eq!((c2.progress_events, c2.done, c2.cached), (0, 0, 3));
    assert_eq!(reg.blob_gets(), gets, "a second pull must fetch no blob");

    // The same image under another tag and by digest: names and digests accumulate.
    let m = reg.content.lock().unwrap().manifests.get(&md).cloned().unwrap();
    reg.content.lock().unwrap().manifests.insert("v2".into(), m);
    let (rec3, _) = pull_counting(&t.paths, &format!("{name}:v2"), &insecure()).await;
    assert_eq!(rec3.unwrap().names, [format!("{name}:latest"), format!("{name}:v2")]);
    let (rec4, _) = pull_counting(&t.paths, &format!("{name}@{md}"), &insecure()).await;
    assert_eq!(rec4.unwrap().names.len(), 2);
    assert_eq!(reg.blob_gets(), gets);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shared_layers_and_index() {
    let reg = FakeRegistry::start();
    let base = layer(10, 2, 10_000);
    let (md_a, _) = publish(&reg, "a", &[base.clone(), layer(11, 1, 5000)], "amd64");
    let host = Platform::host().arch;
    let (md_b, id_b) = publish(&reg, "b", &[base.clone(), layer(12, 1, 5000)], &host);
    let index = serde_json::to_vec(&serde_json::json!({
        "schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
        "manifests": [
            {"mediaType": OCI_MANIFEST, "digest": md_a, "size": 1, "platform": {"os": "linux", "architecture": "riscv64"}},
            {"mediaType": OCI_MANIFEST, "digest": md_b, "size": 1, "platform": {"os": "linux", "architecture": host}},
        ]
    }))
    .unwrap();
    let list_digest = sha(&index);
    reg.content.lock().unwrap().manifests.insert("multi".into(), ("application/vnd.oci.image.index.v1+json".into(), index));
    let t = temp_store("index");
    let name = format!("{}/lib/multi", reg.host);

    let (a, c) = pull_counting(&t.paths, &format!("{}/lib/multi:a", reg.host), &insecure()).await;
    a.unwrap();
    assert_eq!(c.done, 2);
    let (b, c) = pull_counting(&t.paths, &format!("{name}:multi"), &insecure()).await;
    let b = b.unwrap();
    assert_eq!(b.id, id_b);
    assert_eq!(b.digest, md_b);
    assert!(b.repo_digests.contains(&format!("{name}@{list_digest}")));
    assert_eq!((c.cached, c.done), (1, 1), "the shared base layer is reused");

    let e = pull_counting(&t.paths, &format!("{name}:multi"), &PullOptions { platform: Some("linux/s390x".into()), ..insecure() })
        .await
        .0
        .unwrap_err()
        .to_string();
    assert!(e.contains("no image for platform linux/s390x") && e.contains("riscv64"), "{e}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn errors_are_clear() {
    let reg = FakeRegistry::start();
    let good = layer(20, 1, 20_000);
    publish(&reg, "ok", std::slice::from_ref(&good), &Platform::host().arch);
    let t = temp_store("errors");
    let base = format!("{}/e/img", reg.host);

    let e = pull_counting(&t.paths, &format!("{base}:nope"), &insecure()).await.0.unwrap_err().to_string();
    assert_eq!(e, format!("{base}:nope: manifest unknown: the registry has no such image or tag"));

    // Plain HTTP registry, TLS verification on: say what to do.
    let e = pull_counting(&t.paths, &format!("{base}:ok"), &PullOptions::default()).await.0.unwrap_err().to_string();
    assert!(e.contains("plain HTTP") && e.contains("--tls-verify=false"), "{e}");

    let dead = TcpListener::bind("127.0.0.1:0").unwrap();
    let dead_addr = dead.local_addr().unwrap();
    drop(dead);
    let e = pull_counting(&t.paths, &format!("{dead_addr}/x:1"), &insecure()).await.0.unwrap_err().to_string();
    assert!(e.contains("connection refused") && e.contains(&dead_addr.to_string()), "{e}");

    // A tampered layer: refused, and nothing half-made stays.
    let digest = sha(&good.0);
    let mut bad = good.0.clone();
    let last = bad.len() - 20;
    bad[last] ^= 0xff;
    reg.content.lock().unwrap().blobs.insert(digest.clone(), bad);
    let e = pull_counting(&t.paths, &format!("{base}:ok"), &insecure()).await.0.unwrap_err();
    assert!(matches!(e, Error::DigestMismatch { .. }), "{e}");
    assert!(!LayerStore::new(&t.paths).has(&digest));
    assert!(ImageStore::new(&t.paths).list().unwrap().is_empty());

    let schema1 = br#"{"schemaVersion":1,"name":"e/img","tag":"old","fsLayers":[]}"#.to_vec();
    reg.content
        .lock()
        .unwrap()
        .manifests
        .insert("old".into(), ("application/vnd.docker.distribution.manifest.v1+prettyjws".into(), schema1));
    let e = pull_counting(&t.paths, &format!("{base}:old"), &insecure()).await.0.unwrap_err().to_string();
    assert!(e.contains("schema 1"), "{e}");
}

// ---------- against a real registry ----------

/// Pulls $SANGJA_TEST_IMAGE (default 127.0.0.1:5001/x:latest) from a running
/// registry twice and prints the timings; see the module docs of pull.rs' report.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore]
async fn real_registry() {
    let name = std::env::var("SANGJA_TEST_IMAGE").unwrap_or_else(|_| "127.0.0.1:5001/x:latest".into());
    let t = temp_store("real");
    let start = std::time::Instant::now();
    let (rec, c) = pull_counting(&t.paths, &name, &insecure()).await;
    let first = start.elapsed();
    let rec = rec.unwrap();
    assert!(c.done > 0 && c.progress_events > 0);
    let start = std::time::Instant::now();
    let (again, c2) = pull_counting(&t.paths, &name, &insecure()).await;
    let second = start.elapsed();
    assert_eq!(again.unwrap().id, rec.id);
    assert_eq!((c2.progress_events, c2.done), (0, 0));
    eprintln!(
        "pulled {name}: {} layers, {} bytes downloaded, {} bytes unpacked: first pull {first:?}, second (cached) {second:?}",
        rec.layers.len(),
        c.progress_bytes,
        rec.size
    );
}
