//! Layer store and extraction tests. They run as root (as the CI does), so
//! chown to arbitrary ids and trusted.* xattrs work.

use super::layers::{extract_tar, ExtractOptions, LayerStore};
use super::overlay::{mount_options, remove_tree};
use crate::error::Error;
use crate::paths::{make_temp_dir, StorePaths};
use sha2::{Digest, Sha256};
use std::ffi::CString;
use std::fs;
use std::io::{self, Read, Write};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use tar::{EntryType, Header};

struct TestDir(PathBuf);

impl Drop for TestDir {
    fn drop(&mut self) {
        let _ = remove_tree(&self.0);
    }
}

fn test_dir() -> TestDir {
    TestDir(make_temp_dir(&std::env::temp_dir(), "sangja-storage-test").expect("temp dir"))
}

fn store(dir: &TestDir) -> StorePaths {
    StorePaths { root: dir.0.join("root"), runroot: dir.0.join("run"), driver: "overlay".to_string(), rootless: false, driver_notice: None }
}

fn sha(data: &[u8]) -> String {
    format!("sha256:{}", hex::encode(Sha256::digest(data)))
}

/// A header with the name written raw, so hostile names ("../x") get through.
fn header(name: &str, kind: EntryType, size: u64, mode: u32) -> Header {
    let mut h = Header::new_gnu();
    let field = &mut h.as_old_mut().name;
    field.fill(0);
    field[..name.len()].copy_from_slice(name.as_bytes());
    h.set_entry_type(kind);
    h.set_size(size);
    h.set_mode(mode);
    h.set_uid(0);
    h.set_gid(0);
    h.set_mtime(1_600_000_000);
    h.set_cksum();
    h
}

fn link_header(name: &str, kind: EntryType, target: &str) -> Header {
    let mut h = header(name, kind, 0, 0o777);
    h.set_link_name_literal(target).expect("link name");
    h.set_cksum();
    h
}

enum E<'a> {
    Dir(&'a str, u32),
    File(&'a str, &'a [u8], u32),
    Owned(&'a str, &'a [u8], u32, u64, u64),
    Symlink(&'a str, &'a str),
    Hardlink(&'a str, &'a str),
    Fifo(&'a str),
    Char(&'a str, u32, u32),
    Xattr(&'a str, &'a str, &'a [u8]),
}

fn tar_of(entries: &[E]) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    for e in entries {
        let r = match *e {
            E::Dir(n, mode) => b.append(&header(n, EntryType::Directory, 0, mode), io::empty()),
            E::File(n, data, mode) => b.append(&header(n, EntryType::Regular, data.len() as u64, mode), data),
            E::Owned(n, data, mode, uid, gid) => {
                let mut h = header(n, EntryType::Regular, data.len() as u64, mode);
                h.set_uid(uid);
                h.set_gid(gid);
                h.set_cksum();
                b.append(&h, data)
            }
            E::Symlink(n, t) => b.append(&link_header(n, EntryType::Symlink, t), io::empty()),
            E::Hardlink(n, t) => b.append(&link_header(n, EntryType::Link, t), io::empty()),
            E::Fifo(n) => b.append(&header(n, EntryType::Fifo, 0, 0o644), io::empty()),
            E::Char(n, major, minor) => {
                let mut h = header(n, EntryType::Char, 0, 0o666);
                h.set_device_major(major).expect("major");
                h.set_device_minor(minor).expect("minor");
                h.set_cksum();
                b.append(&h, io::empty())
            }
            E::Xattr(n, key, value) => {
                let k = format!("SCHILY.xattr.{key}");
                b.append_pax_extensions([(k.as_str(), value)]).and_then(|_| b.append(&header(n, EntryType::Regular, 1, 0o644), &b"x"[..]))
            }
        };
        r.expect("append");
    }
    b.into_inner().expect("finish tar")
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(data).expect("gzip");
    e.finish().expect("gzip")
}

fn zstd(data: &[u8]) -> Vec<u8> {
    zstd::encode_all(data, 1).expect("zstd")
}

fn root_opts() -> ExtractOptions {
    ExtractOptions::default()
}

fn getxattr(path: &Path, key: &str) -> Option<Vec<u8>> {
    let p = CString::new(path.as_os_str().as_bytes()).ok()?;
    let k = CString::new(key).ok()?;
    let mut buf = [0u8; 256];
    // SAFETY: NUL-terminated strings and a live buffer of the given length.
    let n = unsafe { libc::lgetxattr(p.as_ptr(), k.as_ptr(), buf.as_mut_ptr().cast(), buf.len()) };
    usize::try_from(n).ok().map(|n| buf[..n].to_vec())
}

fn sample() -> Vec<u8> {
    tar_of(&[E::Dir("./etc/", 0o755), E::File("./etc/hello", b"hello world", 0o644), E::Symlink("./link", "etc/hello"), E::Fifo("./pipe")])
}

fn check_sample(diff: &Path) {
    assert_eq!(fs::read(diff.join("etc/hello")).expect("read"), b"hello world");
    assert_eq!(fs::read_link(diff.join("link")).expect("readlink"), PathBuf::from("etc/hello"));
    assert!(fs::symlink_metadata(diff.join("pipe")).expect("stat").file_type().is_fifo());
    let m = fs::metadata(diff.join("etc/hello")).expect("stat");
    assert_eq!(m.mode() & 0o7777, 0o644);
    assert_eq!(m.mtime(), 1_600_000_000);
    // Dir metadata is applied last, so writing children did not bump the mtime.
    assert_eq!(fs::metadata(diff.join("etc")).expect("stat").mtime(), 1_600_000_000);
}

#[test]
fn extracts_plain_gzip_and_zstd() {
    let dir = test_dir();
    let paths = store(&dir);
    let store = LayerStore::new(&paths);
    let tar = sample();
    for blob in [tar.clone(), gzip(&tar), zstd(&tar)] {
        let digest = sha(&blob);
        let info = store.add_from_blob(&digest, Some(&sha(&tar)), &blob[..], &root_opts()).expect("add");
        assert_eq!(info.digest, digest);
        assert_eq!(info.diff_id, sha(&tar));
        assert_eq!(info.compressed_size, blob.len() as u64);
        assert_eq!(info.size, 11);
        assert!(store.has(&digest));
        assert_eq!(store.info(&digest).expect("info"), info);
        check_sample(&store.diff_dir(&digest));
    }
    assert_eq!(store.list().expect("list").len(), 3);
    // Nothing left behind in tmp but the lock file.
    let left: Vec<_> = fs::read_dir(paths.tmp_dir()).expect("tmp").flatten().map(|e| e.file_name()).collect();
    assert!(left.iter().all(|n| n.as_bytes().starts_with(b".")), "{left:?}");
}

fn assert_nothing_published(paths: &StorePaths, digest: &str) {
    let store = LayerStore::new(paths);
    assert!(!store.has(digest));
    let hex = digest.trim_start_matches("sha256:");
    assert!(!paths.layers_dir().join(hex).exists());
    let temps = fs::read_dir(paths.tmp_dir()).expect("tmp").flatten().filter(|e| e.file_name().as_bytes().starts_with(b"layer-")).count();
    assert_eq!(temps, 0, "temp folder left behind");
}

#[test]
fn wrong_blob_digest_is_refused() {
    let dir = test_dir();
    let paths = store(&dir);
    let blob = gzip(&sample());
    let wrong = sha(b"something else");
    let err = LayerStore::new(&paths).add_from_blob(&wrong, None, &blob[..], &root_opts()).expect_err("must fail");
    match err {
        Error::DigestMismatch { what, expected, actual } => {
            assert_eq!(what, "layer blob");
            assert_eq!(expected, wrong);
            assert_eq!(actual, sha(&blob));
        }
        e => panic!("unexpected error {e}"),
    }
    assert_nothing_published(&paths, &wrong);
}

#[test]
fn wrong_diff_id_is_refused() {
    let dir = test_dir();
    let paths = store(&dir);
    let blob = zstd(&sample());
    let digest = sha(&blob);
    let err = LayerStore::new(&paths).add_from_blob(&digest, Some(&sha(b"other")), &blob[..], &root_opts()).expect_err("must fail");
    assert!(matches!(err, Error::DigestMismatch { ref what, .. } if what == "layer diff_id"), "{err}");
    assert_nothing_published(&paths, &digest);
}

#[test]
fn tampered_hostile_blob_reports_the_digest() {
    let dir = test_dir();
    let paths = store(&dir);
    let blob = tar_of(&[E::File("../x", b"x", 0o644)]);
    let claimed = sha(b"the layer the manifest promised");
    let err = LayerStore::new(&paths).add_from_blob(&claimed, None, &blob[..], &root_opts()).expect_err("must fail");
    assert!(matches!(err, Error::DigestMismatch { .. }), "{err}");
    assert_nothing_published(&paths, &claimed);
}

#[test]
fn invalid_digest_is_refused() {
    let dir = test_dir();
    let paths = store(&dir);
    let store = LayerStore::new(&paths);
    for d in ["sha256:../../etc", "sha256:ABC", "md5:00", "nocolon"] {
        assert!(matches!(store.add_from_blob(d, None, &b""[..], &root_opts()), Err(Error::Layer(_))), "{d}");
        assert!(!store.has(d));
    }
}

/// Extracts into dir/inner and returns the error message; `dir` is the "outside".
fn extract_err(dir: &TestDir, tar: &[u8]) -> String {
    let target = dir.0.join("inner");
    match extract_tar(tar, &target, &root_opts()) {
        Err(Error::Layer(m)) => m,
        Err(e) => panic!("expected a layer error, got {e}"),
        Ok(_) => panic!("hostile tar was accepted"),
    }
}

#[test]
fn dotdot_escape_is_refused() {
    let dir = test_dir();
    let msg = extract_err(&dir, &tar_of(&[E::File("../x", b"x", 0o644)]));
    assert!(msg.contains("../x"), "{msg}");
    assert!(!dir.0.join("x").exists());
    let msg = extract_err(&dir, &tar_of(&[E::File("/abs/../../x", b"x", 0o644)]));
    assert!(msg.contains("/abs/../../x"), "{msg}");
    assert!(!dir.0.join("x").exists());
}

#[test]
fn dotdot_inside_the_tree_is_fine() {
    let dir = test_dir();
    let target = dir.0.join("t");
    extract_tar(&tar_of(&[E::File("/a/../b", b"b", 0o644)])[..], &target, &root_opts()).expect("extract");
    assert_eq!(fs::read(target.join("b")).expect("read"), b"b");
}

#[test]
fn symlink_parent_escape_is_refused() {
    let dir = test_dir();
    let passwd_before = fs::read("/etc/passwd").expect("read passwd");
    let msg = extract_err(&dir, &tar_of(&[E::Symlink("a", "/"), E::File("a/etc/passwd", b"evil::0:0::/:/bin/sh\n", 0o644)]));
    assert!(msg.contains("a/etc/passwd") && msg.contains("symlink"), "{msg}");
    assert_eq!(fs::read("/etc/passwd").expect("read passwd"), passwd_before);

    // Same through a relative link to a folder we can watch.
    let outside = dir.0.join("outside");
    fs::create_dir(&outside).expect("mkdir");
    let msg = extract_err(&dir, &tar_of(&[E::Symlink("b", "../outside"), E::File("b/f", b"x", 0o644)]));
    assert!(msg.contains("b/f"), "{msg}");
    assert_eq!(fs::read_dir(&outside).expect("ls").count(), 0);
}

#[test]
fn hardlink_escape_is_refused() {
    let dir = test_dir();
    fs::write(dir.0.join("x"), b"secret").expect("write");
    let msg = extract_err(&dir, &tar_of(&[E::Hardlink("h", "../x")]));
    assert!(msg.contains("\"h\""), "{msg}");
    assert!(!dir.0.join("inner/h").exists());
    // A hardlink through a symlinked parent is refused too.
    let msg = extract_err(&dir, &tar_of(&[E::Symlink("s", ".."), E::Hardlink("h2", "s/x")]));
    assert!(msg.contains("h2"), "{msg}");
}

#[test]
fn hardlink_inside_shares_the_inode() {
    let dir = test_dir();
    let t = dir.0.join("t");
    let tar = tar_of(&[E::File("./a", b"data", 0o600), E::Hardlink("./b", "./a")]);
    let size = extract_tar(&tar[..], &t, &root_opts()).expect("extract");
    assert_eq!(size, 4);
    let (a, b) = (fs::metadata(t.join("a")).expect("a"), fs::metadata(t.join("b")).expect("b"));
    assert_eq!(a.ino(), b.ino());
}

#[test]
fn whiteouts_and_opaque_dirs() {
    let dir = test_dir();
    let tar = tar_of(&[
        E::Dir("d/", 0o755),
        E::File("d/.wh.gone", b"", 0o644),
        E::File("d/.wh..wh..opq", b"", 0o644),
        E::File("d/.wh..wh.plnk", b"", 0o644),
    ]);
    for (rootless, key) in [(false, "trusted.overlay.opaque"), (true, "user.overlay.opaque")] {
        let t = dir.0.join(format!("t-{rootless}"));
        let opts = ExtractOptions { rootless, squash_owners: false, max_size: None, keep_kinds: false };
        extract_tar(&tar[..], &t, &opts).expect("extract");
        let m = fs::symlink_metadata(t.join("d/gone")).expect("whiteout");
        assert!(m.file_type().is_char_device());
        assert_eq!((m.rdev(), m.uid(), m.gid()), (0, 0, 0));
        assert_eq!(getxattr(&t.join("d"), key).as_deref(), Some(&b"y"[..]));
        let names: Vec<_> = fs::read_dir(t.join("d")).expect("ls").flatten().map(|e| e.file_name()).collect();
        assert_eq!(names.len(), 1, "{names:?}");
    }
}

#[test]
fn owners_modes_and_xattrs() {
    let dir = test_dir();
    let tar = tar_of(&[
        E::Owned("f", b"x", 0o4755, 1234, 5678),
        E::Dir("ro/", 0o555),
        E::File("ro/inside", b"y", 0o644),
        E::Xattr("x", "user.test", b"value"),
    ]);
    let t = dir.0.join("t");
    extract_tar(&tar[..], &t, &root_opts()).expect("extract");
    let m = fs::metadata(t.join("f")).expect("stat");
    assert_eq!((m.uid(), m.gid()), (1234, 5678));
    assert_eq!(m.mode() & 0o7777, 0o4755, "setuid survives the chown");
    assert_eq!(fs::metadata(t.join("ro")).expect("stat").permissions().mode() & 0o7777, 0o555);
    assert_eq!(getxattr(&t.join("x"), "user.test").as_deref(), Some(&b"value"[..]));

    let sq = dir.0.join("sq");
    extract_tar(&tar[..], &sq, &ExtractOptions { squash_owners: true, rootless: true, max_size: None, keep_kinds: false })
        .expect("extract");
    let m = fs::metadata(sq.join("f")).expect("stat");
    assert_eq!((m.uid(), m.gid()), (0, 0));
}

#[test]
fn devices_rootful_created_rootless_skipped() {
    let dir = test_dir();
    let tar = tar_of(&[E::Char("null", 1, 3), E::File("after", b"a", 0o644)]);
    let t = dir.0.join("t");
    extract_tar(&tar[..], &t, &root_opts()).expect("extract");
    let m = fs::symlink_metadata(t.join("null")).expect("stat");
    assert!(m.file_type().is_char_device());
    assert_eq!(m.rdev(), nix::sys::stat::makedev(1, 3));
    let r = dir.0.join("r");
    extract_tar(&tar[..], &r, &ExtractOptions { rootless: true, squash_owners: false, max_size: None, keep_kinds: false })
        .expect("extract");
    assert!(!r.join("null").exists());
    assert!(r.join("after").exists());
}

#[test]
fn later_entries_replace_earlier_ones() {
    let dir = test_dir();
    let tar = tar_of(&[
        E::File("p", b"file", 0o644),
        E::Dir("p/", 0o700),
        E::File("p/child", b"c", 0o644),
        E::Dir("p/", 0o750),
        E::Dir("q/", 0o755),
        E::File("q/sub", b"s", 0o644),
        E::Symlink("q", "p"),
        E::File("r", b"old", 0o644),
        E::File("r", b"new", 0o644),
    ]);
    let t = dir.0.join("t");
    extract_tar(&tar[..], &t, &root_opts()).expect("extract");
    assert!(t.join("p/child").is_file(), "a dir entry never replaces a dir");
    assert_eq!(fs::metadata(t.join("p")).expect("stat").mode() & 0o7777, 0o750);
    assert!(fs::symlink_metadata(t.join("q")).expect("stat").file_type().is_symlink());
    assert_eq!(fs::read(t.join("r")).expect("read"), b"new");
}

#[test]
fn same_layer_twice_is_reused() {
    struct Failing;
    impl Read for Failing {
        fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
            Err(io::Error::other("must not be read"))
        }
    }
    let dir = test_dir();
    let paths = store(&dir);
    let store = LayerStore::new(&paths);
    let blob = gzip(&sample());
    let digest = sha(&blob);
    let first = store.add_from_blob(&digest, None, &blob[..], &root_opts()).expect("add");
    let second = store.add_from_blob(&digest, None, Failing, &root_opts()).expect("reuse");
    assert_eq!(first, second);
}

#[test]
fn remove_and_sweep() {
    let dir = test_dir();
    let paths = store(&dir);
    let store = LayerStore::new(&paths);
    let blob = tar_of(&[E::Dir("locked/", 0o000), E::File("locked/f", b"x", 0o000)]);
    let digest = sha(&blob);
    store.add_from_blob(&digest, None, &blob[..], &root_opts()).expect("add");
    store.remove(&digest).expect("remove");
    assert!(!store.has(&digest));
    assert!(!paths.layers_dir().join(digest.trim_start_matches("sha256:")).exists());
    store.remove(&digest).expect("removing a missing layer is fine");

    let tmp = paths.tmp_dir();
    let dead_layer = make_temp_dir(&tmp, "layer").expect("mk");
    let dead_rm = make_temp_dir(&tmp, "rm-ctr").expect("mk");
    let other = make_temp_dir(&tmp, "blob").expect("mk");
    fs::create_dir(dead_layer.join("diff")).expect("mk");
    {
        // An extraction in progress somewhere: its layer-* folder must survive.
        let _busy = crate::lock::shared(&tmp.join(".layers.lock")).expect("lock");
        store.sweep().expect("sweep");
        assert!(dead_layer.exists());
        assert!(!dead_rm.exists());
    }
    store.sweep().expect("sweep");
    assert!(!dead_layer.exists());
    assert!(other.exists(), "only our own prefixes are swept");
}

#[test]
fn remove_tree_copes_with_locked_dirs() {
    let dir = test_dir();
    let t = dir.0.join("t");
    fs::create_dir_all(t.join("a/b")).expect("mk");
    fs::write(t.join("a/b/f"), b"x").expect("write");
    fs::set_permissions(t.join("a/b"), fs::Permissions::from_mode(0o000)).expect("chmod");
    fs::set_permissions(t.join("a"), fs::Permissions::from_mode(0o555)).expect("chmod");
    remove_tree(&t).expect("remove");
    assert!(!t.exists());
    remove_tree(&t).expect("missing is fine");
}

#[test]
fn overlay_options() {
    let lower = vec![PathBuf::from("/s/l/a:b"), PathBuf::from("/s/l/c,d\\e")];
    let o = mount_options(&lower, Path::new("/s/u"), Path::new("/s/w"), true).expect("options");
    assert_eq!(o, "lowerdir=/s/l/a\\:b:/s/l/c\\,d\\\\e,upperdir=/s/u,workdir=/s/w,userxattr");
    let o = mount_options(&lower[..1], Path::new("/u"), Path::new("/w"), false).expect("options");
    assert_eq!(o, "lowerdir=/s/l/a\\:b,upperdir=/u,workdir=/w");
    assert!(mount_options(&[], Path::new("/u"), Path::new("/w"), false).is_err());

    let many: Vec<PathBuf> = (0..60).map(|i| PathBuf::from(format!("/var/lib/sangja/overlay/layers/{i:064}/diff"))).collect();
    match mount_options(&many, Path::new("/u"), Path::new("/w"), false) {
        Err(Error::Layer(m)) => assert!(m.contains("60 layers"), "{m}"),
        r => panic!("expected a layer error, got {r:?}"),
    }
}

#[test]
fn concurrent_adds_extract_once() {
    let dir = test_dir();
    let paths = store(&dir);
    let blob = gzip(&sample());
    let digest = sha(&blob);
    let results: Vec<_> = std::thread::scope(|s| {
        let handles: Vec<_> =
            (0..3).map(|_| s.spawn(|| LayerStore::new(&paths).add_from_blob(&digest, None, &blob[..], &root_opts()))).collect();
        handles.into_iter().map(|h| h.join().expect("thread")).collect()
    });
    let first = results[0].as_ref().expect("add");
    for r in &results {
        assert_eq!(r.as_ref().expect("add"), first);
    }
    check_sample(&LayerStore::new(&paths).diff_dir(&digest));
    assert_nothing_published_temp(&paths);
}

fn assert_nothing_published_temp(paths: &StorePaths) {
    let temps = fs::read_dir(paths.tmp_dir()).expect("tmp").flatten().filter(|e| !e.file_name().as_bytes().starts_with(b".")).count();
    assert_eq!(temps, 0);
}

#[test]
fn old_style_dir_and_root_entry() {
    let dir = test_dir();
    let t = dir.0.join("t");
    let tar = tar_of(&[E::Dir("./", 0o751), E::File("old/", b"", 0o710), E::File("old/f", b"f", 0o644)]);
    extract_tar(&tar[..], &t, &root_opts()).expect("extract");
    assert_eq!(fs::metadata(&t).expect("stat").mode() & 0o7777, 0o751);
    let m = fs::metadata(t.join("old")).expect("stat");
    assert!(m.is_dir());
    assert_eq!(m.mode() & 0o7777, 0o710);
}
