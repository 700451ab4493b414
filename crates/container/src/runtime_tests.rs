//! Runs real containers on a busybox rootfs; needs root (skipped otherwise).
//! Spawn and wait are serialised by a lock: the signal handlers and the
//! forwarding target are process-wide.

use crate::spec::{self, SpecContext};
use crate::{NetworkMode, RunOptions};
use oci_spec::image::{Config, ImageConfiguration};
use oci_spec::runtime::Spec;
use oci_spec::runtime::{LinuxNamespace, LinuxNamespaceType};
use sangja_core::error::{Error, Result};
use sangja_runtime::*;
use std::path::Path;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

static RUN_LOCK: Mutex<()> = Mutex::new(());

macro_rules! require_root {
    () => {
        if !nix::unistd::geteuid().is_root() {
            eprintln!("skipping: the runtime tests need root");
            return;
        }
    };
}

struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        static N: AtomicU32 = AtomicU32::new(0);
        let d = std::env::temp_dir().join(format!("sangja-rt-{tag}-{}-{}", std::process::id(), N.fetch_add(1, Ordering::Relaxed)));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).expect("create temp dir");
        TempDir(d)
    }
    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

const APPLETS: [&str; 14] =
    ["sh", "echo", "cat", "hostname", "id", "ls", "true", "false", "sleep", "test", "stat", "touch", "mkdir", "grep"];

/// A rootfs with /bin/busybox and its applet links; /notexec and
/// /bin/notexec-in-path are plain files.
fn busybox_rootfs() -> TempDir {
    let d = TempDir::new("rootfs");
    let bin = d.path().join("bin");
    std::fs::create_dir_all(&bin).expect("mkdir bin");
    std::fs::copy("/bin/busybox", bin.join("busybox")).expect("copy /bin/busybox");
    for a in APPLETS {
        std::os::unix::fs::symlink("busybox", bin.join(a)).expect("symlink applet");
    }
    std::fs::write(d.path().join("notexec"), "not a program\n").expect("write notexec");
    std::fs::write(bin.join("notexec-in-path"), "not a program\n").expect("write notexec-in-path");
    d
}

/// A podman-like spec from the real builder, for `args` in `rootfs`.
fn spec_for(rootfs: &Path, userdata: &Path, args: &[&str], tweak: impl FnOnce(&mut RunOptions)) -> Spec {
    let mut config = Config::default();
    config.set_cmd(Some(args.iter().map(|s| s.to_string()).collect()));
    let mut image = ImageConfiguration::default();
    image.set_config(Some(config));
    let mut opts = RunOptions { name: Some("t".into()), hostname: Some("testhost".into()), ..Default::default() };
    // Every test here has the same id: shared cgroup folders would race
    // between test processes, and nothing here removes them (the engine does).
    opts.resources.cgroups = Some("disabled".into());
    tweak(&mut opts);
    let ctx = SpecContext {
        id: "f".repeat(64),
        rootfs: rootfs.to_path_buf(),
        userdata: userdata.to_path_buf(),
        layer_dirs: vec![rootfs.to_path_buf()],
        rootless: false,
    };
    spec::build(&image, &opts, &ctx).expect("build spec")
}

/// `spawn` with /dev/null as the container's stdio: these tests look at
/// files and exit codes, not output.
fn spawn(spec: &Spec, rootfs: &Rootfs) -> Result<Container> {
    let null = std::fs::OpenOptions::new().read(true).write(true).open("/dev/null").expect("open /dev/null");
    let fd = std::os::fd::AsFd::as_fd(&null);
    sangja_runtime::spawn(spec, rootfs, &Stdio { stdin: fd, stdout: fd, stderr: fd }, &mut |_| {})
}

fn run(spec: &Spec, rootfs: &Rootfs) -> Result<i32> {
    let _guard = RUN_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let c = spawn(spec, rootfs)?;
    wait_forwarding_signals(&c)
}

fn run_dir(args: &[&str]) -> (TempDir, Result<i32>) {
    let root = busybox_rootfs();
    let userdata = TempDir::new("userdata");
    let spec = spec_for(root.path(), userdata.path(), args, |_| {});
    let r = run(&spec, &Rootfs::Directory);
    (root, r)
}

fn read(p: impl AsRef<Path>) -> String {
    std::fs::read_to_string(p.as_ref()).unwrap_or_else(|e| format!("<{}: {e}>", p.as_ref().display()))
}

#[test]
fn exit_codes() {
    require_root!();
    assert_eq!(run_dir(&["true"]).1.unwrap(), 0);
    assert_eq!(run_dir(&["false"]).1.unwrap(), 1);
    assert_eq!(run_dir(&["sh", "-c", "exit 32"]).1.unwrap(), 32);
}

#[test]
fn killed_by_signal() {
    require_root!();
    let root = busybox_rootfs();
    let userdata = TempDir::new("userdata");
    let spec = spec_for(root.path(), userdata.path(), &["sleep", "10"], |_| {});
    let _guard = RUN_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let c = spawn(&spec, &Rootfs::Directory).expect("spawn");
    // pid 1 ignores signals it has no handler for, except SIGKILL from outside.
    nix::sys::signal::kill(nix::unistd::Pid::from_raw(c.pid), nix::sys::signal::Signal::SIGKILL).expect("kill");
    assert_eq!(wait_forwarding_signals(&c).expect("wait"), 128 + 9);
}

#[test]
fn command_errors() {
    require_root!();
    let e = run_dir(&["nonexistent"]).1.unwrap_err();
    assert!(matches!(e, Error::CommandNotFound(_)), "{e:?}");
    assert_eq!(e.to_string(), "nonexistent: executable file not found in $PATH: No such file or directory");
    assert_eq!(e.exit_code(), 127);
    assert!(matches!(run_dir(&["/bin/nonexistent"]).1, Err(Error::CommandNotFound(_))));
    let e = run_dir(&["/notexec"]).1.unwrap_err();
    assert!(matches!(e, Error::CommandNotExecutable(_)), "{e:?}");
    assert_eq!(e.exit_code(), 126);
    assert!(matches!(run_dir(&["notexec-in-path"]).1, Err(Error::CommandNotExecutable(_))));
    assert!(matches!(run_dir(&["/bin"]).1, Err(Error::CommandNotExecutable(_))));
}

#[test]
fn container_environment() {
    require_root!();
    let script = "echo $$ > /r.pid; hostname > /r.hostname; cat /etc/hostname > /r.etc-hostname; \
        test -e /proc/1/status && echo yes > /r.proc; test -c /dev/null && echo yes > /r.devnull; \
        test -L /dev/fd && test -c /dev/pts/ptmx && echo yes > /r.devlinks; \
        test -s /proc/kcore || echo yes > /r.masked; \
        test -z \"$(ls -A /sys/firmware)\" && test -z \"$(ls -A /sys/dev/block)\" && echo yes > /r.maskdir; \
        (echo 1 > /proc/sys/kernel/hostname) 2>/dev/null || echo yes > /r.rosys; \
        touch /sys/x 2>/dev/null || echo yes > /r.rosysfs; \
        echo \"$PATH $container $HOSTNAME\" > /r.env; pwd > /r.pwd; ulimit -n > /r.nofile";
    let (root, r) = run_dir(&["sh", "-c", script]);
    assert_eq!(r.unwrap(), 0);
    let p = root.path();
    assert_eq!(read(p.join("r.pid")), "1\n");
    assert_eq!(read(p.join("r.hostname")), "testhost\n");
    assert_eq!(read(p.join("r.etc-hostname")), "testhost\n");
    for f in ["r.proc", "r.devnull", "r.devlinks", "r.masked", "r.maskdir", "r.rosys", "r.rosysfs"] {
        assert_eq!(read(p.join(f)), "yes\n", "{f}");
    }
    assert_eq!(read(p.join("r.env")), "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin sangja testhost\n");
    assert_eq!(read(p.join("r.pwd")), "/\n");
    let hard = nix::sys::resource::getrlimit(nix::sys::resource::Resource::RLIMIT_NOFILE).map(|(_, h)| h).unwrap_or(0);
    // Raised to podman's value where allowed, else clamped to our hard limit.
    let nofile = read(p.join("r.nofile"));
    assert!(nofile == "1048576\n" || nofile == format!("{}\n", hard.min(1_048_576)), "{nofile}");
}

#[test]
fn overlay_rootfs_writes_to_upper() {
    require_root!();
    let lower = busybox_rootfs();
    let base = TempDir::new("overlay");
    let (upper, work, mnt) = (base.path().join("upper"), base.path().join("work"), base.path().join("rootfs"));
    for d in [&upper, &work, &mnt] {
        std::fs::create_dir_all(d).expect("mkdir");
    }
    let userdata = TempDir::new("userdata");
    let spec = spec_for(&mnt, userdata.path(), &["sh", "-c", "echo $$ > /written; mkdir -p /made/here"], |_| {});
    let rootfs = Rootfs::Overlay { lower: vec![lower.path().to_path_buf()], upper: upper.clone(), work, userxattr: false };
    assert_eq!(run(&spec, &rootfs).unwrap(), 0);
    assert_eq!(read(upper.join("written")), "1\n");
    assert!(upper.join("made/here").is_dir());
    assert!(!lower.path().join("written").exists());
    assert!(std::fs::read_dir(&mnt).map(|mut d| d.next().is_none()).unwrap_or(false), "the overlay leaked to the host");
}

#[test]
fn user_and_workdir() {
    require_root!();
    let root = busybox_rootfs();
    let etc = root.path().join("etc");
    std::fs::create_dir_all(&etc).expect("mkdir etc");
    std::fs::write(etc.join("passwd"), "root:x:0:0::/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n").expect("passwd");
    std::fs::write(etc.join("group"), "root:x:0:\napp:x:1000:\nextra:x:2000:app\n").expect("group");
    let userdata = TempDir::new("userdata");
    let mut spec = spec_for(root.path(), userdata.path(), &["sh", "-c", "id > out; pwd >> out"], |o| {
        o.user = Some("app".into());
        o.workdir = Some("/home/app/work".into());
    });
    // As podman: a -w folder the image lacks is an error (exit 126)...
    let err = run(&spec, &Rootfs::Directory).expect_err("-w of a missing folder");
    assert!(err.to_string().contains("workdir \"/home/app/work\" does not exist on container"), "{err}");
    assert_eq!(err.exit_code(), 126);
    // ...while the image's WORKDIR (no check annotation) is made, the user's.
    spec.set_annotations(None);
    assert_eq!(run(&spec, &Rootfs::Directory).unwrap(), 0);
    let out = read(root.path().join("home/app/work/out"));
    assert!(out.starts_with("uid=1000(app) gid=1000(app) groups=2000(extra)"), "{out}");
    assert!(out.ends_with("/home/app/work\n"), "{out}");
    let meta = std::fs::metadata(root.path().join("home/app/work")).expect("workdir");
    assert_eq!(std::os::unix::fs::MetadataExt::uid(&meta), 1000);
}

#[test]
fn symlinked_mount_target_stays_inside() {
    require_root!();
    let root = busybox_rootfs();
    let outside = TempDir::new("outside");
    // An absolute link that would point at the host's folder if followed from the host.
    std::os::unix::fs::symlink(outside.path(), root.path().join("etc")).expect("symlink etc");
    let userdata = TempDir::new("userdata");
    let spec = spec_for(root.path(), userdata.path(), &["test", "-s", "/etc/hostname"], |_| {});
    assert_eq!(run(&spec, &Rootfs::Directory).unwrap(), 0);
    assert!(!outside.path().join("hostname").exists(), "a mount target was created outside the rootfs");
    let inside = root.path().join(outside.path().strip_prefix("/").unwrap_or(outside.path()));
    assert!(inside.join("hostname").exists());
}

#[test]
fn invalid_specs() {
    require_root!();
    let root = busybox_rootfs();
    let userdata = TempDir::new("userdata");
    let mut spec = spec_for(root.path(), userdata.path(), &["true"], |_| {});
    if let Some(linux) = spec.linux_mut() {
        let mut ns = linux.namespaces().clone().unwrap_or_default();
        let mut user = LinuxNamespace::default();
        user.set_typ(LinuxNamespaceType::User);
        ns.push(user);
        linux.set_namespaces(Some(ns));
    }
    // A user namespace of its own needs its id mappings (runtime/userns.rs).
    let e = run(&spec, &Rootfs::Directory).unwrap_err();
    assert!(e.to_string().contains("linux.uidMappings"), "{e}");
}

#[test]
fn host_network_and_rlimit_clamp() {
    require_root!();
    let root = busybox_rootfs();
    let userdata = TempDir::new("userdata");
    let mut spec = spec_for(root.path(), userdata.path(), &["sh", "-c", "ls /sys/class/net > /r.net; ulimit -Hn > /r.hard"], |o| {
        o.network = NetworkMode::Host;
    });
    // Far above any hard limit: must be clamped, not fail.
    if let Some(p) = spec.process_mut() {
        let big = oci_spec::runtime::PosixRlimitBuilder::default()
            .typ(oci_spec::runtime::PosixRlimitType::RlimitNofile)
            .soft(u64::MAX / 2)
            .hard(u64::MAX / 2)
            .build()
            .expect("rlimit");
        p.set_rlimits(Some(vec![big]));
    }
    assert_eq!(run(&spec, &Rootfs::Directory).unwrap(), 0);
    assert!(read(root.path().join("r.net")).contains("lo"));
}

#[test]
fn signals_are_forwarded() {
    require_root!();
    let root = busybox_rootfs();
    let userdata = TempDir::new("userdata");
    let script = "trap 'exit 7' USR1; touch /ready; while true; do sleep 0.02; done";
    let spec = spec_for(root.path(), userdata.path(), &["sh", "-c", script], |_| {});
    let ready = root.path().join("ready");
    let _guard = RUN_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let c = spawn(&spec, &Rootfs::Directory).expect("spawn");
    let sender = std::thread::spawn(move || {
        let deadline = Instant::now() + Duration::from_secs(10);
        // Only once our handler is in place may the signal go to this process.
        loop {
            let installed = unsafe {
                let mut old: libc::sigaction = std::mem::zeroed();
                libc::sigaction(libc::SIGUSR1, std::ptr::null(), &mut old) == 0 && old.sa_sigaction != libc::SIG_DFL
            };
            if (installed && ready.exists()) || Instant::now() > deadline {
                break;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        // SAFETY: signals our own process, whose handler forwards it.
        unsafe { libc::kill(libc::getpid(), libc::SIGUSR1) };
    });
    let code = wait_forwarding_signals(&c).expect("wait");
    let _ = sender.join();
    assert_eq!(code, 7);
}

fn median_ms(mut v: Vec<Duration>) -> f64 {
    v.sort();
    v[v.len() / 2].as_secs_f64() * 1000.0
}

#[test]
fn timing_of_true() {
    require_root!();
    let lower = busybox_rootfs();
    let userdata = TempDir::new("userdata");
    let spec = spec_for(lower.path(), userdata.path(), &["true"], |_| {});
    let mut dir_times = Vec::new();
    for _ in 0..20 {
        let t = Instant::now();
        assert_eq!(run(&spec, &Rootfs::Directory).unwrap(), 0);
        dir_times.push(t.elapsed());
    }
    let base = TempDir::new("overlay");
    let mnt = base.path().join("rootfs");
    std::fs::create_dir_all(&mnt).expect("mkdir");
    let spec = spec_for(&mnt, userdata.path(), &["true"], |_| {});
    let mut ovl_times = Vec::new();
    let (mut ovl_spawn, mut ovl_wait) = (Vec::new(), Vec::new());
    for i in 0..20 {
        let (upper, work) = (base.path().join(format!("u{i}")), base.path().join(format!("w{i}")));
        std::fs::create_dir_all(&upper).expect("mkdir");
        std::fs::create_dir_all(&work).expect("mkdir");
        let rootfs = Rootfs::Overlay { lower: vec![lower.path().to_path_buf()], upper, work, userxattr: false };
        let _guard = RUN_LOCK.lock().unwrap_or_else(|e| e.into_inner());
        let t = Instant::now();
        let c = spawn(&spec, &rootfs).expect("spawn");
        let t2 = Instant::now();
        assert_eq!(wait_forwarding_signals(&c).expect("wait"), 0);
        ovl_times.push(t.elapsed());
        ovl_spawn.push(t2 - t);
        ovl_wait.push(t2.elapsed());
    }
    eprintln!(
        "spawn+wait of `true`, median of 20: directory {:.2} ms, overlay {:.2} ms (spawn {:.2} + wait {:.2})",
        median_ms(dir_times),
        median_ms(ovl_times),
        median_ms(ovl_spawn),
        median_ms(ovl_wait)
    );
}
