//! The server's view of a container that plays with symlinks in its upper
//! layer: whatever path a node holds, nothing outside the layers is stat'ed,
//! read, listed or changed. The racing harness (tests/security/fuse_race.rs)
//! tries to make a lookup lose a race with a rename; here the node it would
//! leave behind is built directly: a node recorded under a folder's old name
//! after the folder moved, and the container's symlink at that old name.

use super::super::ops::Make;
use super::super::{FuseLayers, Overlay};
use std::ffi::OsStr;
use std::os::fd::AsRawFd;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

struct Scene {
    base: PathBuf,
    /// A host folder the container must not reach: `etc/secret` and `file`.
    host: PathBuf,
    ov: Overlay,
}

impl Drop for Scene {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.base);
    }
}

fn scene(name: &str) -> Scene {
    let base = std::env::temp_dir().join(format!("sangja-fuse-escape-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&base);
    for d in ["upper", "lower", "host/etc"] {
        std::fs::create_dir_all(base.join(d)).unwrap();
    }
    let host = base.join("host");
    std::fs::write(host.join("etc/secret"), b"HOST SECRET").unwrap();
    std::fs::write(host.join("file"), b"HOST FILE").unwrap();
    std::fs::set_permissions(host.join("file"), std::fs::Permissions::from_mode(0o644)).unwrap();
    let ov = Overlay::new(&FuseLayers { lower: vec![base.join("lower")], upper: base.join("upper"), userxattr: true }).unwrap();
    Scene { base, host, ov }
}

fn ids() -> (u32, u32) {
    // SAFETY: no failure mode.
    unsafe { (libc::geteuid(), libc::getegid()) }
}

fn mkdir(ov: &Overlay, parent: u64, name: &str) -> u64 {
    let (u, g) = ids();
    ov.make(u, g, parent, OsStr::new(name), Make::Dir { mode: 0o755 }).unwrap().0.ino
}

fn symlink(ov: &Overlay, parent: u64, name: &str, target: &Path) -> u64 {
    let (u, g) = ids();
    ov.make(u, g, parent, OsStr::new(name), Make::Symlink { target: target.as_os_str().as_bytes() }).unwrap().0.ino
}

/// A folder `a/etc` whose `a` became `b`, its node still recorded as
/// `a/etc` (what a lookup that read `a`'s path before the rename and
/// recorded after it left behind), and `a -> HOST` planted by the container.
fn stale_node(s: &Scene) -> u64 {
    let ov = &s.ov;
    let a = mkdir(ov, 1, "a");
    let etc = mkdir(ov, a, "etc");
    ov.do_rename(1, OsStr::new("a"), 1, OsStr::new("b"), 0).unwrap();
    ov.inodes.remember(etc, b"a/etc", 0, 0, true);
    assert_eq!(ov.node(etc).unwrap().state.read().path(), Some(&b"a/etc"[..]));
    symlink(ov, 1, "a", &s.host);
    etc
}

#[test]
fn a_stale_path_through_a_planted_symlink_reaches_nothing_on_the_host() {
    let s = scene("stale");
    let etc = stale_node(&s);
    let ov = &s.ov;
    // The host's etc/secret must not be found, stat'ed or read.
    match ov.do_lookup(etc, OsStr::new("secret")) {
        Err(_) => {}
        Ok(a) => {
            let node = ov.node(a.ino.0).unwrap();
            let mut buf = [0u8; 32];
            let n = ov.read_fd(&node).map(|fd| {
                // SAFETY: buffer of the given size.
                unsafe { libc::pread(fd.as_raw_fd(), buf.as_mut_ptr().cast(), buf.len(), 0) }
            });
            panic!(
                "looked up the host's etc/secret through a stale path ({} bytes, read: {:?} {:?})",
                a.size,
                n,
                String::from_utf8_lossy(&buf)
            );
        }
    }
    // Nor the host folder itself stat'ed, listed, or created in.
    assert!(ov.do_getattr(etc).is_err(), "stat'ed the host's folder through a stale path");
    assert!(ov.listing(etc, 0).map(|l| l.is_empty()).unwrap_or(true), "listed the host's folder through a stale path");
    let (u, g) = ids();
    let _ = ov.make(u, g, etc, OsStr::new("planted"), Make::Dir { mode: 0o755 });
    assert!(!s.host.join("etc/planted").exists(), "made a folder on the host");
}

#[test]
fn a_node_whose_name_became_a_symlink_changes_nothing_on_the_host() {
    let s = scene("chmod");
    let ov = &s.ov;
    let (u, g) = ids();
    let a = mkdir(ov, 1, "a");
    let f = ov.make(u, g, a, OsStr::new("file"), Make::File { mode: 0o644, flags: libc::O_RDWR }).unwrap().0.ino;
    // `a/file` moves away with its folder; the stale record stays; `a -> HOST`.
    ov.do_rename(1, OsStr::new("a"), 1, OsStr::new("b"), 0).unwrap();
    ov.inodes.remember(f, b"a/file", 0, 0, false);
    symlink(ov, 1, "a", &s.host);
    // chmod, chown, times: none reaches the host's file.
    let _ = ov.do_setattr(f, Some(0o777), None, None, None, None, None, false);
    let mode = std::fs::metadata(s.host.join("file")).unwrap().permissions().mode() & 0o7777;
    assert_eq!(mode, 0o644, "chmod reached the host's file");
    // Its data is not opened either.
    let node = ov.node(f).unwrap();
    *node.data.lock() = None;
    if let Ok(fd) = ov.read_fd(&node) {
        let mut buf = [0u8; 32];
        // SAFETY: buffer of the given size.
        let n = unsafe { libc::pread(fd.as_raw_fd(), buf.as_mut_ptr().cast(), buf.len(), 0) };
        assert!(!buf[..n.max(0) as usize].starts_with(b"HOST"), "read the host's file");
    }
}

#[test]
fn a_symlink_at_a_nodes_own_name_is_never_followed() {
    // A symlink node's setattr (the kernel sends none for chmod of a
    // symlink, but a stale node may be one): the host file keeps its mode.
    let s = scene("own");
    let ov = &s.ov;
    let l = symlink(ov, 1, "l", &s.host.join("file"));
    let _ = ov.do_setattr(l, Some(0o777), None, None, None, None, None, false);
    let mode = std::fs::metadata(s.host.join("file")).unwrap().permissions().mode() & 0o7777;
    assert_eq!(mode, 0o644, "chmod followed the symlink to the host's file");
    // The overlay still works as usual: readlink gives the target.
    assert!(ov.do_getattr(l).is_ok());
}

#[test]
fn lookups_and_renames_leave_no_stale_path() {
    // Many lookups under a folder while it is renamed back and forth: every
    // node's recorded path is where its entry is.
    let s = scene("moves");
    let ov = &s.ov;
    let a = mkdir(ov, 1, "a");
    let kids: Vec<u64> = (0..16).map(|i| mkdir(ov, a, &format!("x{i}"))).collect();
    let stop = std::sync::atomic::AtomicBool::new(false);
    std::thread::scope(|t| {
        t.spawn(|| {
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                for i in 0..16 {
                    let _ = ov.do_lookup(a, OsStr::new(&format!("x{i}")));
                }
            }
        });
        for r in 0..400 {
            let (from, to) = if r % 2 == 0 { ("a", "b") } else { ("b", "a") };
            ov.do_rename(1, OsStr::new(from), 1, OsStr::new(to), 0).unwrap();
        }
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
    });
    for (i, k) in kids.iter().enumerate() {
        let st = ov.node(*k).unwrap().state.read().clone();
        assert_eq!(st.path(), Some(format!("a/x{i}").as_bytes()), "stale path of x{i}: {:?}", st.paths);
    }
}

/// What the path resolution costs the server: a stat walk (listing and
/// lookup of every entry, as READDIRPLUS does) and a read of every file, in
/// the server's own CPU time, over the layers in SANGJA_FUSE_BENCH_LAYERS
/// (colon-separated, top first; tests/bench/fuse.sh makes such layers).
/// `cargo test --release --lib fuse_server_cpu -- --ignored --nocapture`
#[test]
#[ignore]
fn fuse_server_cpu() {
    let Some(layers) = std::env::var_os("SANGJA_FUSE_BENCH_LAYERS") else { return };
    let lower: Vec<PathBuf> = std::env::split_paths(&layers).collect();
    let cpu = || {
        let mut t = libc::timespec { tv_sec: 0, tv_nsec: 0 };
        // SAFETY: t is written.
        unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut t) };
        t.tv_sec as f64 * 1e3 + t.tv_nsec as f64 / 1e6
    };
    fn walk(ov: &Overlay, ino: u64, files: &mut Vec<u64>) -> usize {
        let list = ov.listing(ino, 0).unwrap();
        let mut n = 0;
        for e in list.iter() {
            let Ok(a) = ov.do_lookup(ino, OsStr::from_bytes(&e.name)) else { continue };
            n += 1;
            if a.kind == fuser::FileType::Directory {
                n += walk(ov, a.ino.0, files);
            } else if a.kind == fuser::FileType::RegularFile {
                files.push(a.ino.0);
            }
        }
        n
    }
    let (mut best_stat, mut best_read, mut best_getattr) = (f64::MAX, f64::MAX, f64::MAX);
    let mut entries = 0;
    for round in 0..7 {
        let up = std::env::temp_dir().join(format!("sangja-fuse-cpu-{}-{round}", std::process::id()));
        std::fs::create_dir_all(&up).unwrap();
        let ov = Overlay::new(&FuseLayers { lower: lower.clone(), upper: up.clone(), userxattr: true }).unwrap();
        let mut files = Vec::new();
        let t0 = cpu();
        entries = walk(&ov, 1, &mut files);
        let t1 = cpu();
        for &f in &files {
            let _ = ov.do_getattr(f);
        }
        let t2 = cpu();
        let mut buf = vec![0u8; 1 << 16];
        for &f in &files {
            let node = ov.node(f).unwrap();
            if let Ok(fd) = ov.read_fd(&node) {
                // SAFETY: buffer of the given size.
                unsafe { libc::pread(fd.as_raw_fd(), buf.as_mut_ptr().cast(), buf.len(), 0) };
            }
            *node.data.lock() = None;
        }
        let t3 = cpu();
        best_stat = best_stat.min(t1 - t0);
        best_getattr = best_getattr.min(t2 - t1);
        best_read = best_read.min(t3 - t2);
        let _ = std::fs::remove_dir_all(&up);
    }
    eprintln!("fuse_server_cpu: {entries} entries; stat walk {best_stat:.1} ms, getattr of every file {best_getattr:.1} ms, open+read 64K of every file {best_read:.1} ms (server CPU, best of 7)");
}
