//! Storage drivers (issue 4): overlay, fuse-overlay and vfs through the CLI,
//! the automatic choice and its notice, a store that refuses another
//! driver, one upper layer read by both overlay drivers, and a container
//! whose FUSE server is killed.

use crate::util::*;
use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

/// `sangja ARGS` with extra environment variables, to the end.
fn run_env(s: &Sangja, env: &[(&str, &str)], args: &[&str]) -> (i32, String, String) {
    let mut cmd = s.command(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.stdin(Stdio::null()).output().unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

fn recorded(s: &Sangja) -> String {
    std::fs::read_to_string(s.root.join("driver")).unwrap_or_default().trim().to_string()
}

fn graph_driver(s: &Sangja) -> String {
    s.ok(&["info", "--format", "{{.Store.GraphDriverName}}"]).lines().join("")
}

/// The names a tar stream lists.
fn tar_names(bytes: &[u8]) -> Vec<String> {
    let mut a = tar::Archive::new(bytes);
    a.entries().unwrap().map(|e| e.unwrap().path().unwrap().display().to_string().trim_end_matches('/').to_string()).collect()
}

fn give(s: &Sangja, p: &Path) {
    if let Mode::Rootless { user, switch: true } = &s.mode {
        std::os::unix::fs::chown(p, Some(user.uid), Some(user.gid)).unwrap();
    }
}

/// What every driver must do: writes, renames and deletions seen by diff,
/// cp, export and commit, and a store that remembers its driver.
fn workflow(s: &Sangja, driver: &str) {
    s.ok(&["--storage-driver", driver, "pull", "-q", "--tls-verify=false", BUSYBOX]);
    assert_eq!(recorded(s), driver);
    // Later commands use the store's driver without being told.
    assert_eq!(graph_driver(s), driver);
    s.ok(&[
        "run",
        "--name",
        "c",
        BUSYBOX,
        "sh",
        "-c",
        "echo new > /newfile; echo more >> /etc/passwd; rm /etc/group; mv /newfile /renamed; \
         mkdir /d; echo in > /d/x; mv /root /root2; ln -s /renamed /link; ln /d/x /d/hard",
    ]);
    let diff = s.ok(&["diff", "c"]).lines();
    for want in ["A /renamed", "C /etc/passwd", "D /etc/group", "A /d", "A /d/x", "A /d/hard", "D /root", "A /root2", "A /link"] {
        assert!(diff.contains(&want.to_string()), "{driver}: {want} missing from diff: {diff:?}");
    }
    for absent in ["/newfile", "/etc/hostname", "/etc/hosts", "/etc/resolv.conf"] {
        assert!(!diff.iter().any(|l| l.ends_with(absent) && l.len() == absent.len() + 2), "{driver}: {absent} in diff: {diff:?}");
    }

    // cp out and in, on the stopped container.
    let out = s.dir.join("out");
    std::fs::create_dir(&out).unwrap();
    give(s, &out);
    s.ok(&["cp", "c:/renamed", &out.join("r").display().to_string()]);
    assert_eq!(std::fs::read_to_string(out.join("r")).unwrap(), "new\n");
    s.ok(&["cp", "c:/etc/passwd", &out.join("pw").display().to_string()]);
    assert!(std::fs::read_to_string(out.join("pw")).unwrap().ends_with("more\n"));
    s.run(&["cp", "c:/etc/group", &out.join("g").display().to_string()]).code(125);
    let host = s.dir.join("hin");
    std::fs::write(&host, "from host\n").unwrap();
    give(s, &host);
    s.ok(&["cp", &host.display().to_string(), "c:/d/"]);
    assert!(s.ok(&["diff", "c"]).lines().contains(&"A /d/hin".to_string()));

    // export: the merged view.
    let ex = s.command(&["export", "c"]).output().unwrap();
    assert!(ex.status.success(), "{driver}: {}", String::from_utf8_lossy(&ex.stderr));
    let names = tar_names(&ex.stdout);
    for want in ["renamed", "root2", "d/x", "d/hin", "bin/sh", "etc/passwd"] {
        assert!(names.iter().any(|n| n == want), "{driver}: {want} not exported: {names:?}");
    }
    for gone in ["newfile", "etc/group", "root"] {
        assert!(!names.iter().any(|n| n == gone), "{driver}: {gone} exported: {names:?}");
    }

    // commit: a layer of the changes, runnable on the same driver.
    s.ok(&["commit", "c", "snap"]);
    s.ok(&[
        "run",
        "--rm",
        "snap",
        "sh",
        "-c",
        "cat /renamed /d/x /d/hin; tail -1 /etc/passwd; test ! -e /etc/group && test ! -e /root && test -d /root2 \
         && test ! -e /newfile && test \"$(stat -c %h /d/x)\" = 2 && echo ok",
    ])
    .stdout_is("new\nin\nfrom host\nmore\nok\n");

    // A new volume gets the image's content through the image's view.
    s.pull(LAYERED);
    s.ok(&["run", "--rm", "-v", "vol:/etc", LAYERED, "test", "-s", "/etc/passwd"]);

    // Nothing runs now: the servers of the views (cp, export, volume
    // copy-up) and of the containers must have ended with their mounts.
    no_servers_left(s, driver);

    // A running container: cp both ways, then rm -f.
    s.ok(&["run", "-d", "--name", "r", BUSYBOX, "sh", "-c", "echo live > /live; sleep 60"]);
    let mut got = String::new();
    for _ in 0..100 {
        let o = s.run(&["cp", "r:/live", &out.join("live").display().to_string()]);
        if o.code == 0 {
            got = std::fs::read_to_string(out.join("live")).unwrap();
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(got, "live\n", "{driver}: cp from a running container");
    s.ok(&["exec", "r", "sh", "-c", "echo x > /tmp/y && cat /tmp/y"]).stdout_is("x\n");
    s.ok(&["rm", "-f", "r"]);
    let id = s.container_id("c");
    s.ok(&["rm", "c"]);
    assert!(!s.container_dir(&id).exists(), "{driver}: rm left the container's folder");
    no_servers_left(s, driver);
}

fn no_servers_left(s: &Sangja, driver: &str) {
    let mut left = servers_of_store(s);
    for _ in 0..50 {
        if left.is_empty() {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
        left = servers_of_store(s);
    }
    assert!(left.is_empty(), "{driver}: FUSE servers outlived their mounts: {left:?}");
}

/// `sangja-fuse` processes serving this test's store (a forked server
/// keeps the command line of the sangja that forked it).
fn servers_of_store(s: &Sangja) -> Vec<i32> {
    let root = s.root.display().to_string();
    let mut out = Vec::new();
    for e in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = e.file_name().to_string_lossy().parse::<i32>() else { continue };
        let comm = std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default();
        let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
        let zombie = std::fs::read_to_string(format!("/proc/{pid}/stat")).map(|st| st.contains(") Z ")).unwrap_or(true);
        if comm.trim() == "sangja-fuse" && !zombie && String::from_utf8_lossy(&cmdline).split('\0').any(|a| a == root) {
            out.push(pid);
        }
    }
    out
}

both! {
    /// Kernel overlay, chosen explicitly.
    fn overlay_workflow(s) { workflow(s, "overlay"); }
}

both! {
    /// Our FUSE overlay.
    fn fuse_workflow(s) { workflow(s, "fuse-overlay"); }
}

both! {
    /// vfs: every container a full copy, diff and commit against the image.
    fn vfs_workflow(s) {
        workflow(s, "vfs");
        // The copy is the rootfs: a real folder holding the image's files.
        s.ok(&["create", "--name", "k", BUSYBOX, "true"]);
        let id = s.container_id("k");
        assert!(s.container_dir(&id).join("rootfs/bin/busybox").is_file(), "vfs rootfs is not a copy");
        // mount needs nothing: the copy is the container's files (rootless
        // `mount` wants `sangja unshare`, as podman).
        if !s.is_rootless() {
            let m = s.ok(&["mount", "k"]).lines().join("");
            assert_eq!(Path::new(&m), s.container_dir(&id).join("rootfs"));
            s.ok(&["unmount", "k"]);
        }
    }
}

both! {
    /// The automatic choice: kernel overlay here, FUSE when the probe
    /// fails, vfs when /dev/fuse is not usable either; said once.
    fn auto_choice(s) {
        let (code, _, err) = run_env(s, &[], &["images"]);
        assert_eq!(code, 0, "{err}");
        assert_eq!(recorded(s), "overlay");
        assert!(!err.contains("overlayfs"), "no notice for the fast path: {err}");
        assert_eq!(std::fs::read_to_string(s.runroot.join("overlay-probe")).unwrap().trim(), "ok", "the probe is cached");

        let fuse = s.dir.join("root-fuse");
        let sf = Sangja { mode: s.mode.clone(), dir: s.dir.clone(), root: fuse, runroot: s.runroot.clone() };
        let (code, _, err) = run_env(&sf, &[("_SANGJA_PROBE_NO_OVERLAY", "1")], &["images"]);
        assert_eq!(code, 0, "{err}");
        assert!(err.contains("kernel overlayfs is not usable here") && err.contains("using fuse-overlay"), "{err}");
        assert_eq!(recorded(&sf), "fuse-overlay");
        let (_, _, again) = run_env(&sf, &[("_SANGJA_PROBE_NO_OVERLAY", "1")], &["images"]);
        assert!(!again.contains("overlayfs"), "the notice comes once: {again}");
        sf.ok(&["pull", "-q", "--tls-verify=false", BUSYBOX]);
        sf.ok(&["run", "--rm", BUSYBOX, "sh", "-c", "echo hi > /f && cat /f"]).stdout_is("hi\n");
        std::mem::forget(sf);

        let vfs = s.dir.join("root-vfs");
        let sv = Sangja { mode: s.mode.clone(), dir: s.dir.clone(), root: vfs, runroot: s.runroot.clone() };
        let (code, _, err) = run_env(&sv, &[("_SANGJA_PROBE_NO_OVERLAY", "1"), ("_SANGJA_PROBE_NO_FUSE", "1")], &["images"]);
        assert_eq!(code, 0, "{err}");
        assert!(err.contains("using vfs") && err.contains("_SANGJA_PROBE_NO_FUSE"), "{err}");
        assert_eq!(recorded(&sv), "vfs");
        assert_eq!(graph_driver(&sv), "vfs");
        std::mem::forget(sv);
    }
}

both! {
    /// A store never mixes drivers: the error names its driver and the way out.
    fn store_refuses_another_driver(s) {
        s.ok(&["--storage-driver", "vfs", "images"]);
        let o = s.run(&["--storage-driver", "overlay", "images"]).code(125);
        let err = o.stderr.clone();
        assert!(err.contains("uses the \"vfs\" storage driver") && err.contains("--storage-driver vfs"), "{err}");
        s.run(&["--storage-driver", "zfs", "images"]).code(125).stderr_has("use one of overlay, fuse-overlay, vfs");
        // Told nothing, the store's own driver is used.
        s.ok(&["images"]);
        // sangja.conf's [storage] driver counts as asked for: refused here,
        // and what a new store records.
        let conf = s.dir.join("sangja.conf");
        std::fs::write(&conf, "[storage]\ndriver = \"fuse-overlay\"\n").unwrap();
        give(s, &conf);
        let conf_env = conf.display().to_string();
        let (code, _, err) = run_env(s, &[("SANGJA_CONF", &conf_env)], &["images"]);
        assert_eq!(code, 125, "{err}");
        assert!(err.contains("uses the \"vfs\" storage driver, not \"fuse-overlay\""), "{err}");
        let other = Sangja { mode: s.mode.clone(), dir: s.dir.clone(), root: s.dir.join("root-conf"), runroot: s.runroot.clone() };
        let (code, _, err) = run_env(&other, &[("SANGJA_CONF", &conf_env)], &["images"]);
        assert_eq!(code, 0, "{err}");
        assert_eq!(recorded(&other), "fuse-overlay");
        std::mem::forget(other);
    }
}

/// Turns a store of one overlay driver into the other in place (the layer
/// folders move, the record changes): the same upper layers, read by the other.
fn switch_overlay_driver(s: &Sangja, from: &str, to: &str) {
    std::fs::rename(s.root.join(from), s.root.join(to)).unwrap();
    std::fs::write(s.root.join("driver"), format!("{to}\n")).unwrap();
    give(s, &s.root.join("driver"));
}

fn exported(s: &Sangja, ctr: &str) -> Vec<String> {
    let ex = s.command(&["export", ctr]).output().unwrap();
    assert!(ex.status.success(), "{}", String::from_utf8_lossy(&ex.stderr));
    tar_names(&ex.stdout)
}

both! {
    /// An upper layer written through our FUSE overlay reads the same through
    /// kernel overlay, and one written by the kernel reads the same through FUSE.
    fn fuse_and_kernel_share_layers(s) {
        s.ok(&["--storage-driver", "fuse-overlay", "pull", "-q", "--tls-verify=false", BUSYBOX]);
        let script = "echo data > /f; rm /etc/group; mv /root /moved; mkdir /o; touch /o/a; rm -r /etc; mkdir /etc; echo n > /etc/only";
        s.ok(&["run", "--name", "byfuse", BUSYBOX, "sh", "-c", script]);
        switch_overlay_driver(s, "fuse-overlay", "overlay");
        s.ok(&["run", "--name", "bykernel", BUSYBOX, "sh", "-c", script]);
        for ctr in ["byfuse", "bykernel"] {
            let n = exported(s, ctr);
            for want in ["f", "moved", "o/a", "etc/only"] {
                assert!(n.iter().any(|x| x == want), "kernel view of {ctr}: {want} missing: {n:?}");
            }
            for gone in ["etc/group", "etc/passwd", "root"] {
                assert!(!n.iter().any(|x| x == gone), "kernel view of {ctr}: {gone} shown: {n:?}");
            }
        }
        switch_overlay_driver(s, "overlay", "fuse-overlay");
        for ctr in ["byfuse", "bykernel"] {
            let n = exported(s, ctr);
            for want in ["f", "moved", "o/a", "etc/only"] {
                assert!(n.iter().any(|x| x == want), "FUSE view of {ctr}: {want} missing: {n:?}");
            }
            for gone in ["etc/group", "etc/passwd", "root"] {
                assert!(!n.iter().any(|x| x == gone), "FUSE view of {ctr}: {gone} shown: {n:?}");
            }
            s.ok(&["cp", &format!("{ctr}:/f"), &s.dir.join(format!("{ctr}-f")).display().to_string()]);
            assert_eq!(std::fs::read_to_string(s.dir.join(format!("{ctr}-f"))).unwrap(), "data\n");
        }
    }
}

/// The pids of `sangja-fuse` processes whose parent is `parent`.
fn fuse_servers_of(parent: i32) -> Vec<i32> {
    let mut out = Vec::new();
    for e in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = e.file_name().to_string_lossy().parse::<i32>() else { continue };
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else { continue };
        let Some(close) = stat.rfind(')') else { continue };
        let comm = &stat[stat.find('(').unwrap_or(0) + 1..close];
        let ppid: i32 = stat[close + 2..].split(' ').nth(1).and_then(|p| p.parse().ok()).unwrap_or(0);
        if comm == "sangja-fuse" && ppid == parent {
            out.push(pid);
        }
    }
    out
}

both! {
    /// A container whose FUSE server dies sees errors, sangja does not hang,
    /// and `rm -f` cleans up; a server ends with its container.
    fn fuse_server_killed(s) {
        s.ok(&["--storage-driver", "fuse-overlay", "pull", "-q", "--tls-verify=false", BUSYBOX]);
        s.ok(&["run", "-d", "--name", "k", BUSYBOX, "sleep", "300"]);
        let id = s.container_id("k");
        let state: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(s.container_dir(&id).join("state.json")).unwrap()).unwrap();
        let monitor = state["monitor_pid"].as_i64().expect("monitor pid") as i32;
        let servers = fuse_servers_of(monitor);
        assert_eq!(servers.len(), 1, "one FUSE server, child of the monitor {monitor}");
        s.ok(&["exec", "k", "cat", "/etc/passwd"]);
        // SAFETY: a pid we found as our own test's child process.
        unsafe { libc::kill(servers[0], libc::SIGKILL) };
        // The connection ends when the killed server's fd closes.
        let mut o = s.run(&["exec", "k", "cat", "/etc/passwd"]);
        for _ in 0..50 {
            if o.code != 0 {
                break;
            }
            std::thread::sleep(Duration::from_millis(100));
            o = s.run(&["exec", "k", "cat", "/etc/passwd"]);
        }
        assert!(o.code != 0, "reading a file without its server must fail");
        // ENOTCONN, or ECONNABORTED for a request in flight when the server died.
        assert!(o.stderr.contains("not connected") || o.stderr.contains("connection abort"), "the error names the lost connection: {}", o.stderr);
        s.ok(&["ps", "-a"]);
        s.ok(&["rm", "-f", "k"]);
        assert!(!s.container_dir(&id).exists());

        // Normal end: the server goes with the container.
        s.ok(&["run", "-d", "--name", "n", BUSYBOX, "sleep", "300"]);
        let id = s.container_id("n");
        let state: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(s.container_dir(&id).join("state.json")).unwrap()).unwrap();
        let monitor = state["monitor_pid"].as_i64().expect("monitor pid") as i32;
        let server = fuse_servers_of(monitor)[0];
        // kill -9 of the monitor: the server serves on while the container lives.
        // SAFETY: the monitor our own test started.
        unsafe { libc::kill(monitor, libc::SIGKILL) };
        std::thread::sleep(Duration::from_millis(200));
        s.ok(&["exec", "n", "cat", "/etc/passwd"]);
        s.ok(&["rm", "-f", "n"]);
        let mut gone = false;
        for _ in 0..50 {
            let alive = std::fs::read_to_string(format!("/proc/{server}/stat"))
                .map(|st| !st.contains(") Z "))
                .unwrap_or(false);
            if !alive {
                gone = true;
                break;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        assert!(gone, "the FUSE server {server} outlived its container");
    }
}

/// The pristine copies (storage/vfs.rs) in a vfs store: <root>/vfs/images.
fn pristine_entries(s: &Sangja) -> Vec<String> {
    entries(&s.root.join("vfs").join("images"))
}

both! {
    /// rmi removes a vfs image's pristine copy (and its lock file) at once,
    /// leaves other images' copies alone, rmi -f too; the store works after.
    fn vfs_rmi_removes_the_pristine_copy(s) {
        let out = s.ok(&["--storage-driver", "vfs", "pull", "-q", "--tls-verify=false", BUSYBOX]).lines();
        let bb = out.last().cloned().unwrap_or_default();
        assert!(is_hex_id(&bb), "{out:?}");
        let layered = s.pull(LAYERED);
        assert!(pristine_entries(s).is_empty(), "a pull makes no copy: {:?}", pristine_entries(s));
        s.ok(&["create", "--name", "a", BUSYBOX, "true"]);
        s.ok(&["create", "--name", "b", LAYERED, "true"]);
        for id in [&bb, &layered] {
            assert!(s.root.join("vfs/images").join(id).join("bin").is_dir(), "create made no pristine copy of {id}");
        }
        s.ok(&["rm", "a"]);
        // A container copy in progress holds the copy's lock shared: rmi
        // waits for it (the record goes first), then removes the copy.
        let lock = std::fs::File::open(s.root.join("vfs/images").join(format!("{bb}.lock"))).unwrap();
        // SAFETY: flock on a file this test opened.
        assert_eq!(unsafe { libc::flock(std::os::fd::AsRawFd::as_raw_fd(&lock), libc::LOCK_SH) }, 0);
        let rmi = s.spawn(&["rmi", BUSYBOX]);
        std::thread::sleep(Duration::from_millis(800));
        assert!(s.root.join("vfs/images").join(&bb).join("bin").is_dir(), "rmi removed a copy in use");
        let state = std::fs::read_to_string(format!("/proc/{}/stat", rmi.pid())).unwrap_or_default();
        assert!(!state.is_empty() && !state.contains(") Z "), "rmi did not wait for the copy in use");
        drop(lock);
        assert_eq!(rmi.finish().code, 0);
        let left = pristine_entries(s);
        assert!(!left.iter().any(|n| n.starts_with(bb.as_str())), "rmi left the copy or its lock: {left:?}");
        assert!(left.contains(&layered), "rmi removed another image's copy: {left:?}");
        // rmi -f: the container, the image and its copy.
        s.ok(&["rmi", "-f", LAYERED]);
        assert_eq!(pristine_entries(s), Vec::<String>::new());
        let du = std::process::Command::new("du").args(["-s", "--apparent-size", "-B1"]).arg(s.root.join("vfs/images")).output().unwrap();
        let bytes: u64 = String::from_utf8_lossy(&du.stdout).split_whitespace().next().and_then(|n| n.parse().ok()).unwrap_or(u64::MAX);
        assert!(bytes < 64 * 1024, "vfs/images still holds {bytes} bytes");
        assert!(!s.tmp_entries().iter().any(|n| n.starts_with("rm-vfs")), "a copy was left aside: {:?}", s.tmp_entries());
        // What an rmi killed after the record leaves: a copy of no image
        // and its lock, which the next copy made sweeps.
        let orphan = "ab".repeat(32);
        let od = s.root.join("vfs/images").join(&orphan);
        std::fs::create_dir(&od).unwrap();
        std::fs::write(od.join("f"), "x").unwrap();
        std::fs::write(s.root.join("vfs/images").join(format!("{orphan}.lock")), "").unwrap();
        give(s, &od);
        give(s, &od.join("f"));
        give(s, &s.root.join("vfs/images").join(format!("{orphan}.lock")));
        // The store works on: pull and run build the copy again.
        s.pull(BUSYBOX);
        s.ok(&["run", "--rm", BUSYBOX, "sh", "-c", "echo back > /f && cat /f"]).stdout_is("back\n");
        assert_eq!(pristine_entries(s), vec![bb.clone(), format!("{bb}.lock")]);
    }
}
