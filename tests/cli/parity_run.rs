//! Issue 19, the run/create behaviours scripts lean on that were refused or
//! different (parity2): --attach, --requires, --image-volume,
//! --volumes-from, keep-id's passwd entry and HOME, --passwd, the mode of
//! `/`, -w naming a missing folder. Each compared with podman 4.3 where the
//! machine has it (as root, the machine's podman and its image).

use crate::util::*;
use std::process::Command;

/// podman as root with the machine's store, when it is there and has the
/// test image; the limits this machine's hard limits allow.
fn podman_root(s: &Sangja, args: &[&str]) -> Option<crate::process::Out> {
    if !matches!(s.mode, Mode::Root) {
        return None;
    }
    let has = Command::new("podman").args(["image", "exists", BUSYBOX]).output().ok()?;
    if !has.status.success() {
        return None;
    }
    let mut full = vec!["run", "--rm", "--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1024:1024"];
    full.extend_from_slice(args);
    let o = Command::new("podman").args(&full).stdin(std::process::Stdio::null()).output().ok()?;
    Some(crate::process::Out {
        cmdline: format!("podman {}", full.join(" ")),
        code: o.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
    })
}

const OUT_ERR: &str = "echo out; echo err >&2";

both! {
    /// -a names the streams a foreground run relays; stdin needs -i; no
    /// stream at all: the id, then the exit code, the output in the log.
    fn attach_streams(s) {
        s.pull(BUSYBOX);
        let out = s.ok(&["run", "--rm", "-a", "stdout", BUSYBOX, "sh", "-c", OUT_ERR]);
        assert!(out.stdout == "out\n" && !out.stderr.contains("err"), "{out:?}");
        if let Some(p) = podman_root(s, &["-a", "stdout", BUSYBOX, "sh", "-c", OUT_ERR]) {
            assert_eq!((p.stdout.as_str(), p.stderr.contains("err")), ("out\n", false), "{p:?}");
        }
        let out = s.ok(&["run", "--rm", "-a", "stderr", BUSYBOX, "sh", "-c", OUT_ERR]);
        assert!(out.stdout.is_empty() && out.stderr.contains("err"), "{out:?}");
        let out = s.ok(&["run", "--rm", "-a", "STDOUT,stderr", BUSYBOX, "sh", "-c", OUT_ERR]);
        assert!(out.stdout == "out\n" && out.stderr.contains("err"), "{out:?}");
        // -i attaches stdin whatever -a says; -a stdin without -i does not.
        s.run_stdin(&["run", "--rm", "-i", "-a", "stdout", BUSYBOX, "sh", "-c", "cat; echo out"], "hello\n").ok().stdout_is("hello\nout\n");
        s.run_stdin(&["run", "--rm", "-a", "stdin", "-a", "stdout", BUSYBOX, "sh", "-c", "cat; echo out"], "hello\n")
            .ok()
            .stdout_is("out\n");
        let none = s.run(&["run", "--name", "pa-none", "-a", "stdin", BUSYBOX, "sh", "-c", "echo logged; exit 3"]).code(3);
        let id = none.lines();
        assert!(id.len() == 1 && id[0].len() == 64 && id[0].chars().all(|c| c.is_ascii_hexdigit()), "{none:?}");
        assert_eq!(s.ok(&["logs", "pa-none"]).stdout, "logged\n");
        s.ok(&["rm", "pa-none"]);
        s.run(&["run", "--rm", "-a", "bogus", BUSYBOX, "true"])
            .code(125)
            .stderr_has("invalid stream \"bogus\" for --attach - must be one of stdin, stdout, or stderr");
        s.ok(&["create", "--name", "pa-c", "-a", "stdout", BUSYBOX, "true"]);
        s.ok(&["rm", "pa-c"]);
    }
}

both! {
    /// --requires: a missing container is refused at create with podman's
    /// message; the required ones start first; they go after their dependents.
    fn requires_starts_first(s) {
        s.pull(BUSYBOX);
        s.run(&["create", "--requires", "pr-nosuch", BUSYBOX, "true"])
            .code(125)
            .stderr_has("\"pr-nosuch\" is not a valid container, cannot be used as a dependency: no container with name or ID \"pr-nosuch\" found");
        s.ok(&["create", "--name", "pr-dep", BUSYBOX, "sleep", "100"]);
        s.ok(&["create", "--name", "pr-dep2", BUSYBOX, "sleep", "100"]);
        let status = |n: &str| s.ok(&["inspect", "--format", "{{.State.Status}}", n]).stdout.trim().to_string();
        s.ok(&["run", "--rm", "--requires", "pr-dep,pr-dep2", BUSYBOX, "true"]);
        assert_eq!((status("pr-dep"), status("pr-dep2")), ("running".to_string(), "running".to_string()));
        s.ok(&["create", "--name", "pr-app", "--requires", "pr-dep", BUSYBOX, "true"]);
        s.ok(&["stop", "-t", "0", "pr-dep"]);
        s.ok(&["start", "pr-app"]);
        assert_eq!(status("pr-dep"), "running", "start started the requirement");
        s.ok(&["stop", "-t", "0", "pr-dep"]);
        s.run(&["rm", "pr-dep"]).code(125).stderr_has("has dependent containers which must be removed before it");
        s.ok(&["rm", "pr-app"]);
        s.ok(&["rm", "-f", "pr-dep", "pr-dep2"]);
    }
}

both! {
    /// --image-volume: bind (an anonymous volume, the default), tmpfs, ignore.
    fn image_volume_modes(s) {
        s.pull(BUSYBOX);
        s.ok(&["run", "--name", "piv-v", BUSYBOX, "sh", "-c", "mkdir /vol && echo seeded > /vol/f"]);
        s.ok(&["commit", "-c", "VOLUME /vol", "piv-v", "piv-withvol"]);
        s.ok(&["rm", "piv-v"]);
        let fs = "grep ' /vol ' /proc/mounts | cut -d' ' -f3; cat /vol/f 2>/dev/null || echo nofile";
        let out = s.ok(&["run", "--rm", "--image-volume", "tmpfs", "piv-withvol", "sh", "-c", fs]);
        assert_eq!(out.lines(), ["tmpfs", "nofile"], "{out:?}");
        let out = s.ok(&["run", "--rm", "--image-volume", "ignore", "piv-withvol", "sh", "-c", fs]);
        assert_eq!(out.lines(), ["seeded"], "the image's folder, no mount:{out:?}");
        assert!(s.ok(&["volume", "ls", "-q"]).lines().is_empty(), "tmpfs and ignore make no volume");
        let out = s.ok(&["run", "--name", "piv-b", "--image-volume", "bind", "piv-withvol", "sh", "-c", "cat /vol/f"]);
        assert_eq!(out.stdout, "seeded\n");
        assert_eq!(s.ok(&["volume", "ls", "-q"]).lines().len(), 1, "bind: an anonymous volume");
        s.ok(&["rm", "-v", "piv-b"]);
        s.run(&["create", "--image-volume", "nfs", "piv-withvol"]).code(125).stderr_has("invalid image volume mode");
    }
}

both! {
    /// --volumes-from: the other container's volumes at the same places, in
    /// their mode or the one given; its removal does not take them.
    fn volumes_from(s) {
        s.pull(BUSYBOX);
        s.ok(&["volume", "create", "pvf-vol"]);
        s.ok(&["create", "--name", "pvf-src", "-v", "pvf-vol:/data", "-v", "pvf-vol:/rodata:ro", BUSYBOX, "true"]);
        s.ok(&["run", "--rm", "--volumes-from", "pvf-src", BUSYBOX, "sh", "-c", "echo shared > /data/f"]);
        s.ok(&["run", "--rm", "-v", "pvf-vol:/x", BUSYBOX, "cat", "/x/f"]).stdout_is("shared\n");
        // The source's :ro stays read-only; :ro makes every mount read-only; :rw the reverse.
        s.run(&["run", "--rm", "--volumes-from", "pvf-src", BUSYBOX, "touch", "/rodata/g"]).code(1);
        s.run(&["run", "--rm", "--volumes-from", "pvf-src:ro", BUSYBOX, "touch", "/data/g"]).code(1);
        s.ok(&["run", "--rm", "--volumes-from", "pvf-src:rw", BUSYBOX, "touch", "/rodata/g"]);
        // A mount of this container's own at the same place wins.
        s.ok(&["run", "--rm", "--volumes-from", "pvf-src", "--tmpfs", "/data", BUSYBOX, "sh", "-c", "test ! -e /data/f"]);
        s.ok(&["run", "--name", "pvf-user", "--volumes-from", "pvf-src", BUSYBOX, "true"]);
        s.ok(&["rm", "-v", "pvf-user"]);
        assert_eq!(s.ok(&["volume", "ls", "-q"]).lines(), ["pvf-vol"], "rm -v of the borrower keeps the volume");
        s.run(&["create", "--volumes-from", "pvf-nosuch", BUSYBOX]).code(125).stderr_has("pvf-nosuch");
        s.run(&["create", "--volumes-from", "pvf-src:xx", BUSYBOX]).code(125).stderr_has("invalid option");
        s.ok(&["rm", "pvf-src"]);
    }
}

both! {
    /// --passwd (default true): a numeric --user the image lacks gets
    /// podman's entry, its numeric group a group entry, HOME the working
    /// directory; --passwd=false adds nothing.
    fn passwd_default(s) {
        s.pull(BUSYBOX);
        let cmd = "echo HOME=$HOME; grep ^1234: /etc/passwd; grep ^55: /etc/group; true";
        let out = s.ok(&["run", "--rm", "--user", "1234:55", BUSYBOX, "sh", "-c", cmd]);
        assert_eq!(out.lines(), ["HOME=/", "1234:*:1234:55:container user:/:/bin/sh", "55:x:55:1234"], "{out:?}");
        if let Some(p) = podman_root(s, &["--user", "1234:55", BUSYBOX, "sh", "-c", cmd]) {
            assert_eq!(p.stdout, out.stdout, "podman:{p:?}");
        }
        let out = s.ok(&["run", "--rm", "--user", "1234", "-w", "/tmp", BUSYBOX, "sh", "-c", cmd]);
        assert_eq!(out.lines(), ["HOME=/tmp", "1234:*:1234:0:container user:/tmp:/bin/sh"], "{out:?}");
        let out = s.ok(&["run", "--rm", "--passwd=false", "--user", "1234:55", BUSYBOX, "sh", "-c", cmd]);
        assert_eq!(out.lines(), ["HOME=/"], "{out:?}");
        // A user the image has keeps its own entry.
        s.ok(&["run", "--rm", "--user", "1000", BUSYBOX, "sh", "-c", "grep -c :1000: /etc/passwd"]).stdout_is("1\n");
    }
}

/// keep-id's entry as podman 4.3 writes it: NAME:*:UID:GID:GECOS:HOME:/bin/sh
/// with HOME the working directory (the user's home is not in the image),
/// the group GROUP:x:GID:NAME.
#[test]
fn keep_id_passwd_and_home() {
    let Some(s) = Sangja::rootless("parity_run::keep_id_passwd") else { return };
    s.pull(BUSYBOX);
    let Mode::Rootless { user, .. } = s.mode.clone() else { unreachable!() };
    let host = std::fs::read_to_string("/etc/passwd").unwrap();
    let entry: Vec<&str> = host.lines().find(|l| l.split(':').nth(2) == Some(&user.uid.to_string())).unwrap().split(':').collect();
    let group = std::fs::read_to_string("/etc/group").unwrap();
    let gname = group.lines().find(|l| l.split(':').nth(2) == Some(&user.gid.to_string())).and_then(|l| l.split(':').next()).unwrap();
    let cmd = format!("echo HOME=$HOME; grep ^{}: /etc/passwd; grep ^{gname}: /etc/group", user.name);
    let out = s.ok(&["run", "--rm", "--userns=keep-id", BUSYBOX, "sh", "-c", &cmd]);
    let want = [
        "HOME=/".to_string(),
        format!("{}:*:{}:{}:{}:/:/bin/sh", user.name, user.uid, user.gid, entry[4]),
        format!("{gname}:x:{}:{}", user.gid, user.name),
    ];
    assert_eq!(out.lines(), want, "{out:?}");
    let out = s.ok(&["run", "--rm", "--userns=keep-id", "-w", "/tmp", BUSYBOX, "sh", "-c", "echo $HOME"]);
    assert_eq!(out.stdout, "/tmp\n");
}

both! {
    /// `/` has the image's own mode: 0555 where its layers set none, as podman.
    fn root_mode(s) {
        s.pull(BUSYBOX);
        let out = s.ok(&["run", "--rm", BUSYBOX, "stat", "-c", "%a", "/"]);
        assert_eq!(out.stdout, "555\n", "{out:?}");
        if let Some(p) = podman_root(s, &[BUSYBOX, "stat", "-c", "%a", "/"]) {
            assert_eq!(p.stdout, out.stdout, "podman:{p:?}");
        }
        // Writable still, by root: the mode is the image's, not a read-only root.
        s.ok(&["run", "--rm", BUSYBOX, "sh", "-c", "touch /made"]);
    }
}

both! {
    /// -w naming a folder the image lacks: podman's error and 126; a folder
    /// on a mount, or the image's WORKDIR, is created.
    fn workdir_missing(s) {
        s.pull(BUSYBOX);
        let out = s.run(&["run", "--rm", "-w", "/pw-nonexist", BUSYBOX, "pwd"]).code(126);
        assert!(out.stderr.contains("workdir \"/pw-nonexist\" does not exist on container "), "{out:?}");
        if let Some(p) = podman_root(s, &["-w", "/pw-nonexist", BUSYBOX, "pwd"]) {
            assert_eq!(p.code, 126, "{p:?}");
            assert!(p.stderr.contains("workdir \"/pw-nonexist\" does not exist on container "), "{p:?}");
        }
        s.run(&["run", "--rm", "-w", "/bin/sh", BUSYBOX, "pwd"]).code(126).stderr_has("exists on container").stderr_has("but is not a directory");
        s.ok(&["run", "--rm", "-w", "/tmp", BUSYBOX, "pwd"]).stdout_is("/tmp\n");
        s.ok(&["run", "--rm", "--tmpfs", "/scratch", "-w", "/scratch/sub", BUSYBOX, "pwd"]).stdout_is("/scratch/sub\n");
        s.ok(&["create", "--name", "pw-img", BUSYBOX]);
        s.ok(&["commit", "-c", "WORKDIR /pw/made", "pw-img", "pw-workdir"]);
        s.ok(&["run", "--rm", "pw-workdir", "pwd"]).stdout_is("/pw/made\n");
        s.ok(&["rm", "pw-img"]);
    }
}
