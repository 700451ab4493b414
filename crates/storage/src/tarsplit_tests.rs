//! tar-split round trips: a layer extracted and then rebuilt by `open_tar`
//! gives back the very bytes of its tar. Run as root (as the CI does).

use super::layers::{ExtractOptions, LayerStore};
use super::overlay::remove_tree;
use crate::paths::{make_temp_dir, StorePaths};
use sha2::{Digest, Sha256};
use std::io::{self, Read, Write};
use std::path::PathBuf;
use std::process::Command;
use tar::{EntryType, Header};

struct TestDir(PathBuf);

impl Drop for TestDir {
    fn drop(&mut self) {
        let _ = remove_tree(&self.0);
    }
}

fn test_dir() -> TestDir {
    TestDir(make_temp_dir(&std::env::temp_dir(), "sangja-tarsplit-test").expect("temp dir"))
}

fn store(dir: &TestDir) -> StorePaths {
    StorePaths { root: dir.0.join("root"), runroot: dir.0.join("run"), driver: "overlay".to_string(), rootless: false, driver_notice: None }
}

fn sha(data: &[u8]) -> String {
    format!("sha256:{}", hex::encode(Sha256::digest(data)))
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(data).expect("gzip");
    e.finish().expect("gzip")
}

/// Adds `tar` (gzip-compressed) as a layer, rebuilds its tar and compares.
fn round_trip(paths: &StorePaths, tar: &[u8], opts: &ExtractOptions) {
    let blob = gzip(tar);
    let digest = sha(&blob);
    let store = LayerStore::new(paths);
    let info = store.add_from_blob(&digest, Some(&sha(tar)), &blob[..], opts).expect("add");
    let mut back = Vec::new();
    store.open_tar(&info.digest).expect("open_tar").read_to_end(&mut back).expect("read the rebuilt tar");
    assert_eq!(back.len(), tar.len(), "rebuilt tar length");
    assert_eq!(store.tar_size(&info.digest).expect("tar_size"), tar.len() as u64, "the size told from the record alone");
    assert!(back == tar, "rebuilt tar differs");
}

fn header(name: &str, kind: EntryType, size: u64, mode: u32) -> Header {
    let mut h = Header::new_gnu();
    h.set_path(name).expect("path");
    h.set_entry_type(kind);
    h.set_size(size);
    h.set_mode(mode);
    h.set_uid(0);
    h.set_gid(0);
    h.set_mtime(1_600_000_000);
    h.set_cksum();
    h
}

fn link(b: &mut tar::Builder<Vec<u8>>, name: &str, kind: EntryType, target: &str) {
    let mut h = header(name, kind, 0, 0o777);
    h.set_link_name_literal(target).expect("link name");
    h.set_cksum();
    b.append(&h, io::empty()).expect("append");
}

fn file(b: &mut tar::Builder<Vec<u8>>, name: &str, data: &[u8]) {
    b.append(&header(name, EntryType::Regular, data.len() as u64, 0o644), data).expect("append");
}

#[test]
fn synthetic_layers_round_trip() {
    let dir = test_dir();
    let paths = store(&dir);
    let mut b = tar::Builder::new(Vec::new());
    b.append(&header("etc/", EntryType::Directory, 0, 0o755), io::empty()).expect("dir");
    file(&mut b, "etc/hello", b"hello world");
    file(&mut b, "etc/empty", b"");
    let big: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
    file(&mut b, "etc/big", &big);
    link(&mut b, "etc/link", EntryType::Symlink, "hello");
    link(&mut b, "etc/hard", EntryType::Link, "etc/hello");
    file(&mut b, "etc/.wh.gone", b"");
    file(&mut b, "var/.wh..wh..opq", b"");
    let mut dev = header("dev/null", EntryType::Char, 0, 0o666);
    dev.set_device_major(1).expect("major");
    dev.set_device_minor(3).expect("minor");
    dev.set_cksum();
    b.append(&dev, io::empty()).expect("dev");
    b.append(&header("pipe", EntryType::Fifo, 0, 0o644), io::empty()).expect("fifo");
    // A name longer than 100 bytes: a GNU long-name record.
    let long = format!("deep/{}/file", "n".repeat(150));
    b.append_data(&mut header("x", EntryType::Regular, 4, 0o644), &long, &b"long"[..]).expect("long name");
    // PAX records (an xattr), then a file.
    b.append_pax_extensions([("SCHILY.xattr.user.k", &b"v"[..])]).expect("pax");
    file(&mut b, "withxattr", b"x");
    // The same name twice, and a folder replaced by a file: the earlier content must survive.
    file(&mut b, "dup", b"first version");
    file(&mut b, "dup", b"second");
    file(&mut b, "tree/a", b"aaa");
    file(&mut b, "tree/sub/b", b"bbbb");
    file(&mut b, "tree", b"now a file");
    let mut tar = b.into_inner().expect("finish");
    // Trailing bytes past the end blocks are part of the diff_id too.
    tar.extend_from_slice(&[0u8; 1024]);
    round_trip(&paths, &tar, &ExtractOptions::default());
    // Rootless: the device node is not extracted, its header stays in the record.
    let rootless_store = StorePaths { root: dir.0.join("root2"), ..store(&dir) };
    round_trip(&rootless_store, &tar, &ExtractOptions { rootless: true, ..Default::default() });
}

#[test]
fn gnu_tar_formats_round_trip() {
    let dir = test_dir();
    let paths = store(&dir);
    let src = dir.0.join("src");
    std::fs::create_dir_all(src.join("a/b")).expect("mkdir");
    std::fs::write(src.join("a/b/file"), b"content\n").expect("write");
    std::fs::write(src.join(format!("a/{}", "L".repeat(200))), b"long name").expect("write");
    std::fs::hard_link(src.join("a/b/file"), src.join("a/hard")).expect("hardlink");
    std::os::unix::fs::symlink("b/file", src.join("a/sym")).expect("symlink");
    let sparse = std::fs::File::create(src.join("sparse")).expect("create");
    sparse.set_len(8 << 20).expect("set_len");
    {
        use std::os::unix::fs::FileExt;
        sparse.write_at(b"data in the middle", 4 << 20).expect("write_at");
    }
    for format in ["gnu", "pax", "ustar", "posix"] {
        let out = dir.0.join(format!("{format}.tar"));
        let mut cmd = Command::new("tar");
        cmd.arg(format!("--format={format}")).arg("-C").arg(&src).arg("-cf").arg(&out);
        if format != "ustar" {
            cmd.arg("--sparse");
        }
        // ustar cannot hold a 200-byte name: leave it out there.
        let names: &[&str] = if format == "ustar" { &["a/b", "a/hard", "a/sym", "sparse"] } else { &["."] };
        let st = cmd.args(names).status().expect("run tar");
        assert!(st.success(), "tar --format={format}");
        let tar = std::fs::read(&out).expect("read tar");
        round_trip(&StorePaths { root: dir.0.join(format!("root-{format}")), ..paths.clone() }, &tar, &ExtractOptions::default());
    }
}

#[test]
fn changed_layer_is_refused_and_old_layers_say_pull_again() {
    let dir = test_dir();
    let paths = store(&dir);
    let mut b = tar::Builder::new(Vec::new());
    file(&mut b, "f", b"original");
    let tar = b.into_inner().expect("finish");
    let blob = gzip(&tar);
    let digest = sha(&blob);
    let store = LayerStore::new(&paths);
    store.add_from_blob(&digest, None, &blob[..], &ExtractOptions::default()).expect("add");
    assert!(store.info(&digest).expect("info").tar_check.is_some());
    std::fs::write(store.diff_dir(&digest).join("f"), b"ORIGINAL").expect("tamper");
    let mut sink = Vec::new();
    let err = store.open_tar(&digest).expect("open").read_to_end(&mut sink).expect_err("must fail");
    assert!(err.to_string().contains("changed on disk") && err.to_string().contains("CRC-32"), "{err}");
    assert!(err.to_string().contains("system check --repair"), "{err}");
    // A layer stored before the CRC was recorded: its tar's sha256 is checked.
    let hex = digest.trim_start_matches("sha256:");
    let record = paths.layers_dir().join(hex).join("layer.json");
    let mut info: serde_json::Value = serde_json::from_slice(&std::fs::read(&record).expect("read")).expect("json");
    info.as_object_mut().expect("object").remove("tar_check");
    std::fs::write(&record, serde_json::to_vec(&info).expect("encode")).expect("write");
    assert!(store.info(&digest).expect("info").tar_check.is_none());
    let err = store.open_tar(&digest).expect("open").read_to_end(&mut sink).expect_err("must fail");
    assert!(err.to_string().contains("changed on disk") && err.to_string().contains("not the diff_id"), "{err}");
    std::fs::write(store.diff_dir(&digest).join("f"), b"original").expect("put back");
    sink.clear();
    store.open_tar(&digest).expect("open").read_to_end(&mut sink).expect("the stored tar again");
    assert_eq!(sink, tar);
    // A layer without its record (stored by an older sangja).
    std::fs::remove_file(paths.layers_dir().join(hex).join("tar-split.zst")).expect("rm");
    assert!(!store.has_tar_split(&digest));
    let err = store.open_tar(&digest).err().expect("must fail");
    assert!(err.to_string().contains("pull it again"), "{err}");
}

/// The test registry's images (tests/setup.sh), fetched with curl: skipped
/// when no registry answers on 127.0.0.1:5000.
#[test]
fn registry_images_round_trip() {
    let get = |path: &str, accept: &str| -> Option<Vec<u8>> {
        let out = Command::new("curl")
            .args(["-sfL", "--max-time", "60", "-H", &format!("Accept: {accept}")])
            .arg(format!("http://127.0.0.1:5000{path}"))
            .output()
            .ok()?;
        out.status.success().then_some(out.stdout)
    };
    if get("/v2/", "*/*").is_none() {
        eprintln!("no registry on 127.0.0.1:5000: skipped");
        return;
    }
    let dir = test_dir();
    let paths = store(&dir);
    let accept = "application/vnd.oci.image.manifest.v1+json,application/vnd.docker.distribution.manifest.v2+json";
    let mut layers = 0;
    for image in ["busybox", "layered", "tiny", "large"] {
        let Some(m) = get(&format!("/v2/{image}/manifests/latest"), accept) else { continue };
        let m: serde_json::Value = serde_json::from_slice(&m).expect("manifest json");
        let Some(ls) = m["layers"].as_array() else { continue };
        for l in ls {
            let d = l["digest"].as_str().expect("digest");
            let blob = get(&format!("/v2/{image}/blobs/{d}"), "*/*").expect("blob");
            let store = LayerStore::new(&paths);
            let info = store.add_from_blob(d, None, &blob[..], &ExtractOptions::default()).expect("add");
            let mut h = Sha256::new();
            let mut r = store.open_tar(d).expect("open_tar");
            let n = io::copy(&mut r, &mut HashWriter(&mut h)).expect("rebuild");
            assert_eq!(format!("sha256:{}", hex::encode(h.finalize())), info.diff_id, "{image} {d}");
            assert!(n > 0);
            layers += 1;
        }
    }
    assert!(layers > 0, "no layer of the test images was found");
}

struct HashWriter<'a>(&'a mut Sha256);

impl Write for HashWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}
