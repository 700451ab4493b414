//! User namespaces of a container's own (--userns=keep-id, --uidmap), host
//! devices (--privileged, --device), containers.conf pids_limit and userns,
//! and rootless cgroup v2 delegation (issue 6).

use crate::util::*;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn with_env(s: &Sangja, env: &[(&str, &Path)], args: &[&str]) -> Out {
    let mut cmd = s.command(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    wait_output(spawn_retry(&mut cmd), format!("{env:?} sangja {}", args.join(" ")), None, TIMEOUT)
}

/// A folder in the test's dir that the test's user owns.
fn user_dir(s: &Sangja, name: &str) -> PathBuf {
    let d = s.dir.join(name);
    std::fs::create_dir_all(&d).unwrap();
    let (u, g) = (std::fs::metadata(&s.dir).unwrap().uid(), std::fs::metadata(&s.dir).unwrap().gid());
    std::os::unix::fs::chown(&d, Some(u), Some(g)).unwrap();
    d
}

fn conf(s: &Sangja, name: &str, text: &str) -> PathBuf {
    let p = s.dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

#[test]
fn keep_id_rootless() {
    let Some(s) = Sangja::rootless("userns::keep_id") else { return };
    s.pull(BUSYBOX);
    let Mode::Rootless { user, .. } = s.mode.clone() else { unreachable!() };
    let cmd = "id -u; id -g; id -un; echo $HOME; test -d $HOME && echo home; stat -c %u:%g /bin/busybox; cat /proc/self/uid_map";
    // The copy's progress line shows on a terminal or at --log-level info (issue 19).
    let first = s.ok(&["--log-level", "info", "run", "--rm", "--userns=keep-id", BUSYBOX, "sh", "-c", cmd]);
    let lines = first.lines();
    assert_eq!(lines[0], user.uid.to_string(), "{first:?}");
    assert_eq!(lines[1], user.gid.to_string(), "{first:?}");
    assert_eq!(lines[2], user.name, "the passwd entry names the user:{first:?}");
    // podman 4.3: HOME is the working directory when the image lacks the
    // user's home (tests/cli/parity_run.rs has the whole entry).
    assert_eq!(lines[3], "/", "{first:?}");
    assert_eq!(lines[4], "home", "{first:?}");
    assert_eq!(lines[5], "0:0", "image files keep their owners:{first:?}");
    // The user's uid is 0 of sangja's namespace (the user), the rest around it.
    let map: Vec<String> = lines[6..].iter().map(|l| l.split_whitespace().collect::<Vec<_>>().join(" ")).collect();
    assert_eq!(map, [format!("0 1 {}", user.uid), format!("{} 0 1", user.uid), format!("{0} {0} {1}", user.uid + 1, 65536 - user.uid)]);
    assert!(first.stderr.contains("Copying layer"), "the first run builds the copy for this mapping:{first:?}");
    // The copy is reused.
    let again = s.ok(&["run", "--rm", "--userns=keep-id", BUSYBOX, "id", "-u"]);
    assert!(!again.stderr.contains("Copying layer"), "{again:?}");

    // Bind mounts keep their owners both ways.
    let vol = user_dir(&s, "vol");
    std::fs::write(vol.join("from-host"), "x").unwrap();
    std::os::unix::fs::chown(vol.join("from-host"), Some(user.uid), Some(user.gid)).unwrap();
    let v = format!("{}:/vol", vol.display());
    let out = s.ok(&[
        "run",
        "--rm",
        "--userns=keep-id",
        "-v",
        &v,
        BUSYBOX,
        "sh",
        "-c",
        "stat -c %u /vol/from-host; touch /vol/made; mkdir /vol/dir",
    ]);
    assert_eq!(out.lines(), [user.uid.to_string()], "{out:?}");
    for f in ["made", "dir"] {
        let m = std::fs::metadata(vol.join(f)).unwrap();
        assert_eq!((m.uid(), m.gid()), (user.uid, user.gid), "{f} is the user's on the host");
    }

    // uid=/gid= options, exec into such a container, containers.conf userns.
    s.ok(&["run", "--rm", "--userns=keep-id:uid=2000,gid=3000", BUSYBOX, "sh", "-c", "id -u; id -g"]).stdout_is("2000\n3000\n");
    s.ok(&["run", "-d", "--name", "kept", "--userns=keep-id", BUSYBOX, "sleep", "60"]);
    s.ok(&["exec", "kept", "id", "-u"]).stdout_is(&format!("{}\n", user.uid));
    s.ok(&["rm", "-f", "-t", "0", "kept"]);
    let c = conf(&s, "userns.conf", "[containers]\nuserns = \"keep-id\"\n");
    with_env(&s, &[("CONTAINERS_CONF", &c)], &["run", "--rm", BUSYBOX, "id", "-u"]).ok().stdout_is(&format!("{}\n", user.uid));
    // The flag wins over the file.
    with_env(&s, &[("CONTAINERS_CONF", &c)], &["run", "--rm", "--userns=host", BUSYBOX, "id", "-u"]).ok().stdout_is("0\n");
    s.run(&["run", "--rm", "--userns=auto", BUSYBOX, "true"]).code(125).stderr_has("--userns=auto");
}

#[test]
fn keep_id_refused_as_root() {
    let Some(s) = Sangja::root("userns::keep_id_refused") else { return };
    s.pull(BUSYBOX);
    s.run(&["run", "--rm", "--userns=keep-id", BUSYBOX, "true"]).code(125).stderr_has("--uidmap");
    let out = s.ok(&["run", "--rm", "--userns=host", BUSYBOX, "cat", "/proc/self/uid_map"]);
    assert!(out.stdout.contains("4294967295"), "{out:?}");
    assert_eq!(s.container_ids(), Vec::<String>::new());
}

both! {
    /// --uidmap/--gidmap: the container's map as given (rootless, host ids are
    /// those of the user's namespace: 0 the user, 1.. the range); the image's
    /// files keep their owners; files made in a bind mount get the mapped owner.
    fn uidmap_custom(s) {
        s.pull(BUSYBOX);
        let outer = if s.is_rootless() { 1 } else { 200000 };
        let map = format!("0:{outer}:2000");
        let vol = user_dir(s, "vol");
        // Container root is not the folder's owner (the user is not mapped in): open it to all.
        std::fs::set_permissions(&vol, std::os::unix::fs::PermissionsExt::from_mode(0o777)).unwrap();
        let v = format!("{}:/vol", vol.display());
        let cmd = "cat /proc/self/uid_map /proc/self/gid_map; stat -c %u:%g /bin/busybox /etc/passwd; touch /vol/f";
        let out = s.ok(&["--log-level=info", "run", "--rm", "--uidmap", &map, "-v", &v, BUSYBOX, "sh", "-c", cmd]);
        let want = format!("0 {outer} 2000");
        let lines: Vec<String> = out.lines().iter().map(|l| l.split_whitespace().collect::<Vec<_>>().join(" ")).collect();
        assert_eq!(lines, [want.clone(), want, "0:0".into(), "0:0".into()], "{out:?}");
        // Root idmaps the layers' own mounts; rootless the kernel refuses that, so a copy is made once.
        assert_eq!(out.stderr.contains("Copying layer"), s.is_rootless(), "{out:?}");
        let m = std::fs::metadata(vol.join("f")).unwrap();
        // Container root is outer id `outer`: on the host, the range's first id (rootless) or 200000.
        assert_eq!(m.uid(), s.host_uid(outer), "{out:?}");
        // Separate maps for gids.
        let out = s.ok(&["run", "--rm", "--uidmap", &map, "--gidmap", &format!("0:{}:3000", outer + 5), BUSYBOX, "cat", "/proc/self/gid_map"]);
        assert_eq!(out.stdout.split_whitespace().collect::<Vec<_>>(), ["0", &(outer + 5).to_string(), "3000"], "{out:?}");
        s.run(&["run", "--rm", "--uidmap", "0:1", BUSYBOX, "true"]).code(125).stderr_has("--uidmap");
        s.run(&["run", "--rm", "--userns=keep-id", "--uidmap", "0:1:10", BUSYBOX, "true"]).code(125).stderr_has("conflict");
        if s.is_rootless() {
            s.run(&["run", "--rm", "--uidmap", "0:1:70000", BUSYBOX, "true"]).code(125).stderr_has("not in your user namespace");
        }
        assert_eq!(s.container_ids(), Vec::<String>::new());
    }
}

fn status_field(out: &str, key: &str) -> String {
    out.lines().find_map(|l| l.strip_prefix(&format!("{key}:"))).unwrap_or("").trim().to_string()
}

both! {
    /// --privileged: the host's devices (rootless: those the user may open),
    /// every capability of the bounding set.
    fn privileged_devices(s) {
        s.pull(BUSYBOX);
        let cmd = "test -c /dev/fuse && echo fuse; test -c /dev/net/tun && echo tun; exec 3<>/dev/fuse && echo opened; \
                   test -e /dev/kvm && echo kvm; cat /proc/self/status";
        let out = s.ok(&["run", "--rm", "--privileged", BUSYBOX, "sh", "-c", cmd]);
        for w in ["fuse", "tun", "opened"] {
            assert!(out.lines().iter().any(|l| l == w), "{w}:{out:?}");
        }
        // /dev/kvm is 0600 root: only root's container gets it.
        let kvm = Path::new("/dev/kvm").exists();
        assert_eq!(out.lines().iter().any(|l| l == "kvm"), kvm && !s.is_rootless(), "{out:?}");
        let eff = status_field(&out.stdout, "CapEff");
        assert_eq!(eff, status_field(&out.stdout, "CapBnd"), "{out:?}");
        let bits = u64::from_str_radix(&eff, 16).unwrap();
        assert!(bits & (1 << 21) != 0 && bits.count_ones() >= 38, "CAP_SYS_ADMIN and the rest:{out:?}");
        // Without it, none of them.
        s.ok(&["run", "--rm", BUSYBOX, "sh", "-c", "test -e /dev/fuse || echo none"]).stdout_is("none\n");
    }
}

both! {
    /// --device HOST[:CONTAINER][:PERMS]: bound in; read-only without w.
    fn device_flag(s) {
        s.pull(BUSYBOX);
        s.ok(&["run", "--rm", "--device", "/dev/fuse:/dev/myfuse", BUSYBOX, "sh", "-c", "test -c /dev/myfuse && exec 3<>/dev/myfuse && echo ok"])
            .stdout_is("ok\n");
        // PERMISSIONS are taken; without a devices cgroup (rootless) they cannot be enforced.
        s.ok(&["run", "--rm", "--device", "/dev/net/tun:r", BUSYBOX, "test", "-c", "/dev/net/tun"]);
        s.run(&["run", "--rm", "--device", "/etc/passwd", BUSYBOX, "true"]).code(125).stderr_has("not a device");
        s.run(&["run", "--rm", "--device", "/dev/nosuchdevice", BUSYBOX, "true"]).code(125).stderr_has("/dev/nosuchdevice");
        s.run(&["run", "--rm", "--device", "/dev/fuse:/dev/x:rz", BUSYBOX, "true"]).code(125).stderr_has("r, w and m");
        if Path::new("/dev/kvm").exists() {
            let out = s.run(&["run", "--rm", "--device", "/dev/kvm", BUSYBOX, "test", "-c", "/dev/kvm"]);
            if s.is_rootless() {
                out.code(125).stderr_has("cannot be opened by you");
            } else {
                out.ok();
            }
        }
        assert_eq!(s.container_ids(), Vec::<String>::new());
    }
}

both! {
    /// containers.conf pids_limit: applied where a pids controller is (root,
    /// v1 here); rootless without one it is dropped (a debug note says so),
    /// while an explicit --pids-limit is refused.
    fn pids_limit_from_containers_conf(s) {
        s.pull(BUSYBOX);
        let c = conf(s, "pids.conf", "[containers]\npids_limit = 77\n");
        let env = [("CONTAINERS_CONF", c.as_path())];
        if s.is_rootless() {
            with_env(s, &env, &["run", "--rm", BUSYBOX, "true"]).ok();
            with_env(s, &env, &["--log-level", "debug", "run", "--rm", BUSYBOX, "true"]).ok().stderr_has("pids_limit is not applied");
            with_env(s, &env, &["run", "--rm", "--pids-limit", "77", BUSYBOX, "true"]).code(125).stderr_has("--pids-limit");
        } else {
            with_env(s, &env, &["run", "--rm", BUSYBOX, "cat", "/sys/fs/cgroup/pids/pids.max"]).ok().stdout_is("77\n");
            // The flag wins over the file.
            with_env(s, &env, &["run", "--rm", "--pids-limit", "30", BUSYBOX, "cat", "/sys/fs/cgroup/pids/pids.max"]).ok().stdout_is("30\n");
            s.ok(&["run", "--rm", BUSYBOX, "cat", "/sys/fs/cgroup/pids/pids.max"]).stdout_is("2048\n");
        }
    }
}

/// The delegated v2 subtree tests/setup.sh makes for the test user.
fn delegated_base() -> Option<PathBuf> {
    ["/sys/fs/cgroup/sangja-test", "/sys/fs/cgroup/unified/sangja-test"].iter().map(PathBuf::from).find(|p| p.is_dir())
}

/// Runs sangja as the test user in `leaf` of the delegated subtree, as a
/// systemd user unit with Delegate=yes would start it: root (the test)
/// moves the shell it starts there, which then becomes the user.
fn in_leaf(s: &Sangja, leaf: &Path, args: &[&str]) -> Out {
    let Mode::Rootless { user, .. } = &s.mode else { unreachable!() };
    let script = format!("echo $$ > {}/cgroup.procs && exec \"$@\"", leaf.display());
    let mut cmd = Command::new("sh");
    cmd.args(["-c", &script, "sh", "setpriv"])
        .arg(format!("--reuid={}", user.uid))
        .arg(format!("--regid={}", user.gid))
        .args(["--init-groups", "env", "-i"])
        .arg(format!("HOME={}", user.home.display()))
        .arg(format!("USER={}", user.name))
        .arg(format!("XDG_RUNTIME_DIR=/run/user/{}", user.uid))
        .arg("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
        .arg(binary())
        .arg("--root")
        .arg(&s.root)
        .arg("--runroot")
        .arg(&s.runroot)
        .args(args)
        .current_dir(&s.dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    wait_output(spawn_retry(&mut cmd), format!("[in {}] sangja {}", leaf.display(), args.join(" ")), None, TIMEOUT)
}

/// Removes a cgroup tree we made, innermost first.
fn remove_tree(dir: &Path) {
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            if e.file_type().is_ok_and(|t| t.is_dir()) {
                remove_tree(&e.path());
            }
        }
    }
    let _ = std::fs::remove_dir(dir);
}

#[test]
fn cgroup_v2_delegation_rootless() {
    let Some(s) = Sangja::rootless("userns::cgroup_v2_delegation") else { return };
    if !is_root() {
        eprintln!("skipped: placing sangja in the delegated subtree needs the tests to run as root");
        return;
    }
    let base = delegated_base().expect("no delegated cgroup v2 subtree sangja-test: run `bash tests/setup.sh`");
    s.pull(BUSYBOX);
    let Mode::Rootless { user, .. } = s.mode.clone() else { unreachable!() };
    let leaf = base.join(format!("t-{}", std::process::id()));
    remove_tree(&leaf);
    std::fs::create_dir(&leaf).unwrap();
    // As Delegate=yes: the folder and its files are the user's.
    for e in std::iter::once(leaf.clone()).chain(std::fs::read_dir(&leaf).unwrap().flatten().map(|e| e.path())) {
        std::os::unix::fs::chown(&e, Some(user.uid), Some(user.gid)).unwrap();
    }
    // Path taken: our own cgroup is writable, so sangja moves itself into
    // the leaf sangja-cli and makes <leaf>/sangja/<id> for the container.
    // (No D-Bus: the transient-scope path is not implemented.)
    eprintln!(
        "paths: own cgroup {} delegated and writable -> leaf sangja-cli + per-container child; D-Bus scope: not used",
        leaf.display()
    );
    let out = in_leaf(&s, &leaf, &["run", "--rm", BUSYBOX, "sh", "-c", "tail -1 /proc/self/cgroup"]).ok();
    assert_eq!(out.stdout, "0::/\n", "a cgroup namespace rooted at its own cgroup:{out:?}");
    assert!(leaf.join("sangja-cli").is_dir(), "sangja left the delegated folder for a leaf");
    in_leaf(&s, &leaf, &["run", "-d", "--name", "inv2", BUSYBOX, "sleep", "60"]).ok();
    let id = s.container_id("inv2");
    let dir = leaf.join("sangja").join(&id);
    let pid = s.ok(&["inspect", "--format", "{{.State.Pid}}", "inv2"]).stdout.trim().to_string();
    let procs = std::fs::read_to_string(dir.join("cgroup.procs")).unwrap_or_default();
    assert!(procs.lines().any(|p| p == pid), "container {pid} in {}: {procs:?}", dir.display());
    // exec joins the container's cgroup.
    let out = in_leaf(&s, &leaf, &["exec", "inv2", "sh", "-c", "cat /proc/self/cgroup | tail -1"]).ok();
    assert_eq!(out.stdout, "0::/\n", "{out:?}");
    in_leaf(&s, &leaf, &["rm", "-f", "-t", "0", "inv2"]).ok();
    // The monitor removes it as the container exits.
    let gone = (0..100).any(|_| {
        std::thread::sleep(std::time::Duration::from_millis(50));
        !dir.exists()
    });
    assert!(gone, "the container's cgroup is removed with it");
    // Limits need controllers the subtree was not given (here it has none, or hugetlb only).
    let ctrls = std::fs::read_to_string(leaf.join("cgroup.controllers")).unwrap_or_default();
    if !ctrls.contains("memory") {
        let out = in_leaf(&s, &leaf, &["run", "--rm", "-m", "32m", BUSYBOX, "true"]).code(125);
        assert!(out.stderr.contains("no memory controller") && out.stderr.contains("Delegate="), "{out:?}");
    }
    // The monitor may linger a moment in sangja-cli.
    for _ in 0..100 {
        remove_tree(&leaf);
        if !leaf.exists() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

/// The owners and the user a keep-id/--uidmap container sees, and diff's changes.
const OWNERS: &str = "stat -c '%u:%g %n' /bin/busybox /etc/passwd /; id -u";

/// vfs: a container with a mapping of its own gets its rootfs copy with the
/// owners moved for that mapping, so it sees the image's owners as the
/// overlay drivers show them (a copy for the store's mapping showed them shifted).
#[test]
fn keep_id_vfs_rootless() {
    let Some(s) = Sangja::rootless("userns::keep_id_vfs") else { return };
    let Some(o) = Sangja::rootless("userns::keep_id_vfs_overlay") else { return };
    let Mode::Rootless { user, .. } = s.mode.clone() else { unreachable!() };
    s.ok(&["--storage-driver", "vfs", "pull", "-q", "--tls-verify=false", BUSYBOX]);
    let out = s.ok(&["run", "--rm", "--userns=keep-id", BUSYBOX, "sh", "-c", OWNERS]);
    assert_eq!(out.lines(), ["0:0 /bin/busybox", "0:0 /etc/passwd", "0:0 /", user.uid.to_string().as_str()], "{out:?}");
    // The whole rootfs is the copy: no per-layer copy as overlay makes.
    assert!(!out.stderr.contains("Copying layer"), "{out:?}");
    // The same as the overlay driver shows.
    o.ok(&["--storage-driver", "overlay", "pull", "-q", "--tls-verify=false", BUSYBOX]);
    o.ok(&["run", "--rm", "--userns=keep-id", BUSYBOX, "sh", "-c", OWNERS]).stdout_is(&out.stdout);

    // On disk: image root (0) is container id 0, outer id 1 of keep-id's map,
    // the range's first id on the host; diff counts no untouched file.
    s.ok(&["run", "--name", "k", "--userns=keep-id", BUSYBOX, "touch", "/tmp/new"]);
    let id = s.container_id("k");
    let m = std::fs::symlink_metadata(s.container_dir(&id).join("rootfs/bin/busybox")).unwrap();
    assert_eq!((m.uid(), m.gid()), (s.host_uid(1), s.host_gid(1)));
    let diff = s.ok(&["diff", "k"]);
    assert!(diff.lines().iter().any(|l| l == "A /tmp/new"), "{diff:?}");
    assert!(!diff.lines().iter().any(|l| l.starts_with("C /bin")), "owners moved by the mapping are no change:{diff:?}");
    s.ok(&["rm", "k"]);
    // A container with the store's own mapping in the same store: unchanged.
    s.ok(&["run", "--rm", BUSYBOX, "sh", "-c", OWNERS]).stdout_is("0:0 /bin/busybox\n0:0 /etc/passwd\n0:0 /\n0\n");
    s.ok(&["run", "--rm", "--userns=keep-id:uid=2000,gid=3000", BUSYBOX, "sh", "-c", "stat -c %u:%g /bin/busybox; id -u"])
        .stdout_is("0:0\n2000\n");
}

both! {
    /// vfs with --uidmap: the image's files keep their owners inside, the copy
    /// on disk has them moved (rootless: host id 1 of the user's namespace is
    /// the range's first; root: 200000).
    fn uidmap_vfs(s) {
        s.ok(&["--storage-driver", "vfs", "pull", "-q", "--tls-verify=false", BUSYBOX]);
        let outer = if s.is_rootless() { 1 } else { 200000 };
        let map = format!("0:{outer}:2000");
        let out = s.ok(&["run", "--rm", "--uidmap", &map, BUSYBOX, "sh", "-c", OWNERS]);
        assert_eq!(out.lines(), ["0:0 /bin/busybox", "0:0 /etc/passwd", "0:0 /", "0"], "{out:?}");
        let gmap = format!("0:{}:3000", outer + 5);
        s.ok(&["create", "--name", "m", "--uidmap", &map, "--gidmap", &gmap, BUSYBOX, "true"]);
        let id = s.container_id("m");
        let m = std::fs::symlink_metadata(s.container_dir(&id).join("rootfs/bin/busybox")).unwrap();
        assert_eq!((m.uid(), m.gid()), (s.host_uid(outer), s.host_gid(outer + 5)));
        assert_eq!(s.ok(&["diff", "m"]).stdout, "", "a copy with moved owners is no change");
        s.ok(&["start", "-a", "m"]);
        s.ok(&["rm", "m"]);
    }
}

/// Commits a container run with `mapping` (its own id mapping) that made a
/// file as its root and one owned by 1001:1001, then runs the image without
/// that mapping: the layer holds the ids the container saw, not the ones
/// its mapping wrote to disk.
fn commit_keeps_container_owners(s: &Sangja, mapping: &[&str]) {
    let mut run = vec!["run", "--name", "made", "--user", "0"];
    run.extend_from_slice(mapping);
    run.extend_from_slice(&[BUSYBOX, "sh", "-c", "touch /rootfile /userfile && mkdir /userdir && chown 1001:1001 /userfile /userdir && stat -c '%u:%g %n' /rootfile /userfile /userdir"]);
    s.ok(&run).stdout_is("0:0 /rootfile\n1001:1001 /userfile\n1001:1001 /userdir\n");
    s.ok(&["commit", "-q", "made", "owners"]);
    let want = "0:0 /rootfile\n1001:1001 /userfile\n1001:1001 /userdir\n0:0 /bin/busybox\n";
    let check = "stat -c '%u:%g %n' /rootfile /userfile /userdir /bin/busybox";
    s.ok(&["run", "--rm", "localhost/owners", "sh", "-c", check]).stdout_is(want);
    // And with the mapping again: the container sees the same owners.
    let mut again = vec!["run", "--rm", "--user", "0"];
    again.extend_from_slice(mapping);
    again.extend_from_slice(&["localhost/owners", "sh", "-c", check]);
    s.ok(&again).stdout_is(want);
    s.ok(&["rm", "made"]);
    s.ok(&["rmi", "localhost/owners"]);
}

#[test]
fn keep_id_commit_owners_rootless() {
    let Some(s) = Sangja::rootless("userns::keep_id_commit") else { return };
    s.pull(BUSYBOX);
    commit_keeps_container_owners(&s, &["--userns=keep-id"]);
    commit_keeps_container_owners(&s, &["--userns=keep-id:uid=2000,gid=3000"]);
    let Some(v) = Sangja::rootless("userns::keep_id_commit_vfs") else { return };
    v.ok(&["--storage-driver", "vfs", "pull", "-q", "--tls-verify=false", BUSYBOX]);
    commit_keeps_container_owners(&v, &["--userns=keep-id"]);
    export_keeps_container_owners(&v, &["--userns=keep-id"], false);
}

both! {
    /// --uidmap: commit writes the owners the container saw (overlay and vfs).
    fn uidmap_commit_owners(s) {
        s.pull(BUSYBOX);
        let outer = if s.is_rootless() { 1 } else { 200000 };
        let map = format!("--uidmap=0:{outer}:2000");
        commit_keeps_container_owners(s, &[&map]);
        // Running, seen from outside its user namespace (root; rootless joins it).
        export_keeps_container_owners(s, &[&map], true);
    }
}

both! {
    /// kill, stop and rm -f reach a container whose root is mapped away: rootless
    /// it runs as a subordinate id in a user namespace that is not below the
    /// signalling sangja's own.
    fn signals_reach_a_remapped_container(s) {
        s.pull(BUSYBOX);
        let outer = if s.is_rootless() { 1 } else { 200000 };
        let map = format!("--uidmap=0:{outer}:2000");
        for how in [&["kill", "c"][..], &["stop", "-t", "0", "c"][..]] {
            s.ok(&["run", "-d", "--name", "c", &map, BUSYBOX, "sleep", "300"]);
            s.ok(how);
            s.ok(&["wait", "c"]).stdout_is("137\n");
            s.ok(&["rm", "c"]);
        }
        s.ok(&["run", "-d", "--name", "c", &map, BUSYBOX, "sleep", "300"]);
        let start = std::time::Instant::now();
        s.ok(&["rm", "-f", "-t", "0", "c"]);
        assert!(start.elapsed() < std::time::Duration::from_secs(5), "rm -f took {:?}", start.elapsed());
        s.ok(&["ps", "-a", "-q"]).stdout_is("");
    }
}

both! {
    /// The same on a vfs store, where export and cp also read a stopped container's copy.
    fn uidmap_commit_owners_vfs(s) {
        s.ok(&["--storage-driver", "vfs", "pull", "-q", "--tls-verify=false", BUSYBOX]);
        let outer = if s.is_rootless() { 1 } else { 200000 };
        let map = format!("--uidmap=0:{outer}:2000");
        commit_keeps_container_owners(s, &[&map]);
        export_keeps_container_owners(s, &[&map], false);
        export_keeps_container_owners(s, &[&map], true);
    }
}

/// The owners (uid:gid name) in a tar file, as `tar --numeric-owner -tv` lists them.
fn tar_owners(tar: &Path, names: &[&str]) -> Vec<String> {
    let out = Command::new("tar").args(["--numeric-owner", "-tvf"]).arg(tar).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    let mut found = Vec::new();
    for l in text.lines() {
        let f: Vec<&str> = l.split_whitespace().collect();
        if let Some(name) = f.last().filter(|n| names.contains(&n.trim_start_matches("./").trim_end_matches('/'))) {
            found.push(format!("{} {}", f[1].replace('/', ":"), name.trim_start_matches("./").trim_end_matches('/')));
        }
    }
    found.sort();
    found
}

/// export and `cp CTR:PATH -` of a container with its own `mapping` write
/// the owners it sees; `running`: the container is running (seen from outside).
fn export_keeps_container_owners(s: &Sangja, mapping: &[&str], running: bool) {
    let mut run = vec!["run", "--name", "ex", "--user", "0"];
    if running {
        run.push("-d");
    }
    run.extend_from_slice(mapping);
    let sleep = if running { "; sleep 60" } else { "" };
    let cmd = format!("touch /rootfile /userfile && chown 1001:1001 /userfile{sleep}");
    run.extend_from_slice(&[BUSYBOX, "sh", "-c", &cmd]);
    s.ok(&run);
    if running {
        // The files are made before the tar is read.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        while s.run(&["exec", "ex", "test", "-e", "/userfile"]).code != 0 && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
    }
    let dir = user_dir(s, "export");
    let tar = dir.join("ex.tar");
    s.ok(&["export", "-o", tar.to_str().unwrap(), "ex"]);
    let want = ["0:0 bin/busybox", "0:0 rootfile", "1001:1001 userfile"];
    assert_eq!(tar_owners(&tar, &["rootfile", "userfile", "bin/busybox"]), want);
    let mut cp = s.command(&["cp", "ex:/userfile", "-"]);
    let out = cp.output().unwrap();
    assert!(out.status.success(), "{out:?}");
    let one = dir.join("one.tar");
    std::fs::write(&one, &out.stdout).unwrap();
    assert_eq!(tar_owners(&one, &["userfile"]), ["1001:1001 userfile"]);
    s.ok(&["rm", "-f", "-t", "0", "ex"]);
}
