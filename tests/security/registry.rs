//! A registry in the test process, for attacks a real registry will not make:
//! a 5 MiB manifest, a bomb layer, hostile xattrs, a token realm on another
//! port. Plain HTTP on 127.0.0.1, one thread per connection, every request
//! recorded with its headers so a test can say what a client sent where.

use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// One request as it arrived.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    pub path: String,
    /// Header names lower-cased.
    pub headers: BTreeMap<String, String>,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(String::as_str)
    }
}

/// An answer.
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Arc<Vec<u8>>,
}

impl Response {
    pub fn new(status: u16, body: impl Into<Vec<u8>>) -> Response {
        Response { status, headers: Vec::new(), body: Arc::new(body.into()) }
    }
    pub fn with(mut self, k: &str, v: &str) -> Response {
        self.headers.push((k.to_string(), v.to_string()));
        self
    }
    pub fn json(status: u16, body: &str) -> Response {
        Response::new(status, body.as_bytes().to_vec()).with("Content-Type", "application/json")
    }
}

type Handler = dyn Fn(&Request) -> Response + Send + Sync;

/// A listening server; stops accepting when dropped.
pub struct Server {
    pub port: u16,
    log: Arc<Mutex<Vec<Request>>>,
    stop: Arc<AtomicBool>,
}

impl Server {
    /// Serves `handler` on a free port of 127.0.0.1.
    pub fn start(handler: impl Fn(&Request) -> Response + Send + Sync + 'static) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let log = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let handler: Arc<Handler> = Arc::new(handler);
        let (log2, stop2) = (log.clone(), stop.clone());
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                if stop2.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(conn) = conn else { continue };
                let (h, l) = (handler.clone(), log2.clone());
                std::thread::spawn(move || {
                    let _ = serve(conn, &*h, &l);
                });
            }
        });
        Server { port, log, stop }
    }

    /// "127.0.0.1:PORT".
    pub fn host(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// Every request so far.
    pub fn requests(&self) -> Vec<Request> {
        self.log.lock().unwrap().clone()
    }

    /// Requests that carried an Authorization header.
    pub fn authorized(&self) -> Vec<Request> {
        self.requests().into_iter().filter(|r| r.header("authorization").is_some()).collect()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so it sees the flag.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

fn serve(conn: TcpStream, handler: &Handler, log: &Mutex<Vec<Request>>) -> std::io::Result<()> {
    conn.set_read_timeout(Some(Duration::from_secs(30)))?;
    let mut reader = BufReader::new(conn.try_clone()?);
    let mut out = conn;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let mut parts = line.split_whitespace();
        let (method, path) = (parts.next().unwrap_or("").to_string(), parts.next().unwrap_or("").to_string());
        let mut headers = BTreeMap::new();
        loop {
            let mut h = String::new();
            if reader.read_line(&mut h)? == 0 || h.trim().is_empty() {
                break;
            }
            if let Some((k, v)) = h.split_once(':') {
                headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
            }
        }
        let len: usize = headers.get("content-length").and_then(|v| v.parse().ok()).unwrap_or(0);
        let mut body = vec![0u8; len];
        reader.read_exact(&mut body)?;
        let req = Request { method: method.clone(), path, headers };
        log.lock().unwrap().push(req.clone());
        let res = handler(&req);
        let mut head = format!("HTTP/1.1 {} X\r\nContent-Length: {}\r\n", res.status, res.body.len());
        for (k, v) in &res.headers {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        head.push_str("Docker-Distribution-API-Version: registry/2.0\r\n\r\n");
        out.write_all(head.as_bytes())?;
        if method != "HEAD" {
            // A client that stops reading (a refused manifest) just ends the connection.
            out.write_all(&res.body)?;
        }
        out.flush()?;
    }
}

/// "sha256:<hex>".
pub fn sha256(bytes: &[u8]) -> String {
    format!("sha256:{}", hex::encode(Sha256::digest(bytes)))
}

/// gzip of `bytes`.
pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

/// An image's blobs by digest and its manifest, to serve under any name.
#[derive(Clone, Default)]
pub struct Image {
    pub blobs: BTreeMap<String, Arc<Vec<u8>>>,
    pub manifest: Vec<u8>,
    pub layer_digests: Vec<String>,
}

impl Image {
    /// An image of `layers` (each an uncompressed tar, gzipped here); `pad`
    /// bytes of annotation make the manifest as large as a test wants.
    pub fn new(layers: &[Vec<u8>], pad: usize) -> Image {
        Image::from_blobs(layers.iter().map(|t| (gzip(t), sha256(t))).collect(), pad)
    }

    /// An image of already compressed layers: (blob, diff_id).
    pub fn from_blobs(layers: Vec<(Vec<u8>, String)>, pad: usize) -> Image {
        Image::build(layers, pad, 0)
    }

    /// `from_blobs`, with `config_pad` bytes of label in the config too.
    pub fn build(layers: Vec<(Vec<u8>, String)>, pad: usize, config_pad: usize) -> Image {
        let mut img = Image::default();
        let diff_ids: Vec<String> = layers.iter().map(|(_, d)| format!("\"{d}\"")).collect();
        let config = format!(
            "{{\"architecture\":\"{}\",\"os\":\"linux\",\"config\":{{\"Cmd\":[\"/bin/sh\"],\"Labels\":{{\"pad\":\"{}\"}}}},\"rootfs\":{{\"type\":\"layers\",\"diff_ids\":[{}]}}}}",
            crate::util::host_arch(),
            "x".repeat(config_pad),
            diff_ids.join(",")
        );
        let config_digest = sha256(config.as_bytes());
        let mut descs = Vec::new();
        for (blob, _) in layers {
            let d = sha256(&blob);
            let kind = if blob.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) { "zstd" } else { "gzip" };
            descs.push(format!(
                "{{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+{kind}\",\"digest\":\"{d}\",\"size\":{}}}",
                blob.len()
            ));
            img.layer_digests.push(d.clone());
            img.blobs.insert(d, Arc::new(blob));
        }
        let manifest = format!(
            "{{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\
             \"config\":{{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"{config_digest}\",\"size\":{}}},\
             \"layers\":[{}],\"annotations\":{{\"pad\":\"{}\"}}}}",
            config.len(),
            descs.join(","),
            "x".repeat(pad)
        );
        img.blobs.insert(config_digest, Arc::new(config.into_bytes()));
        img.manifest = manifest.into_bytes();
        img
    }

    /// The answer to a registry API request for this image (any name, any tag);
    /// `None` for a path that is not manifests or blobs.
    pub fn answer(&self, req: &Request) -> Option<Response> {
        let path = req.path.split('?').next().unwrap_or("");
        if path == "/v2/" || path == "/v2" {
            return Some(Response::json(200, "{}"));
        }
        let rest = path.strip_prefix("/v2/")?;
        if let Some((_, _tag)) = rest.rsplit_once("/manifests/") {
            return Some(
                Response::new(200, self.manifest.clone())
                    .with("Content-Type", "application/vnd.oci.image.manifest.v1+json")
                    .with("Docker-Content-Digest", &sha256(&self.manifest)),
            );
        }
        if let Some((_, digest)) = rest.rsplit_once("/blobs/") {
            return Some(match self.blobs.get(digest) {
                Some(b) => {
                    Response { status: 200, headers: vec![("Content-Type".into(), "application/octet-stream".into())], body: b.clone() }
                }
                None => Response::json(404, "{\"errors\":[{\"code\":\"BLOB_UNKNOWN\",\"message\":\"blob unknown\"}]}"),
            });
        }
        None
    }
}

/// Tar building for hostile layers: PAX records, entries with data.
pub struct Tar {
    b: tar::Builder<Vec<u8>>,
}

impl Tar {
    pub fn new() -> Tar {
        Tar { b: tar::Builder::new(Vec::new()) }
    }

    /// A PAX extended header that applies to the next entry.
    pub fn pax(&mut self, records: &[(&str, &[u8])]) -> &mut Tar {
        let mut data = Vec::new();
        for (k, v) in records {
            // "LEN key=value\n", LEN counting itself.
            let rest = k.len() + v.len() + 3;
            let mut len = rest + rest.to_string().len();
            if len.to_string().len() != rest.to_string().len() {
                len = rest + len.to_string().len();
            }
            data.extend_from_slice(format!("{len} {k}=").as_bytes());
            data.extend_from_slice(v);
            data.push(b'\n');
        }
        let mut h = tar::Header::new_ustar();
        h.set_entry_type(tar::EntryType::XHeader);
        h.set_path("PaxHeader").unwrap();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_uid(0);
        h.set_gid(0);
        h.set_mtime(0);
        h.set_cksum();
        self.b.append(&h, &data[..]).unwrap();
        self
    }

    pub fn dir(&mut self, path: &str) -> &mut Tar {
        let mut h = tar::Header::new_ustar();
        h.set_entry_type(tar::EntryType::Directory);
        h.set_path(path).unwrap();
        h.set_size(0);
        h.set_mode(0o755);
        h.set_mtime(1_700_000_000);
        h.set_uid(0);
        h.set_gid(0);
        h.set_cksum();
        self.b.append(&h, std::io::empty()).unwrap();
        self
    }

    pub fn file(&mut self, path: &str, data: &[u8]) -> &mut Tar {
        let mut h = tar::Header::new_ustar();
        h.set_entry_type(tar::EntryType::Regular);
        h.set_path(path).unwrap();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_mtime(1_700_000_000);
        h.set_uid(0);
        h.set_gid(0);
        h.set_cksum();
        self.b.append(&h, data).unwrap();
        self
    }

    /// The builder itself (sparse files through append_file).
    pub fn builder(&mut self) -> &mut tar::Builder<Vec<u8>> {
        &mut self.b
    }

    pub fn finish(&mut self) -> Vec<u8> {
        let b = std::mem::replace(&mut self.b, tar::Builder::new(Vec::new()));
        b.into_inner().unwrap()
    }
}
