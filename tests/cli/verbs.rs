//! `container init`, `volume export|import|mount|unmount`, `update`.

use crate::util::*;
use std::path::Path;

/// Makes a test file usable by the test's user (rootless runs as another user).
fn give(s: &Sangja, p: &Path) {
    if let Mode::Rootless { user, switch: true } = &s.mode {
        std::os::unix::fs::chown(p, Some(user.uid), Some(user.gid)).unwrap();
    }
}

both! {
    /// init: a created container is ready; a running one is refused with podman's message.
    fn container_init(s) {
        s.pull(BUSYBOX);
        s.ok(&["create", "--name", "ini", BUSYBOX, "sleep", "100"]);
        s.ok(&["container", "init", "ini"]).stdout_is("ini\n");
        s.ok(&["init", "ini"]).stdout_is("ini\n");
        s.ok(&["start", "ini"]);
        s.run(&["init", "ini"]).code(125).stderr_has("has already been created in runtime");
        s.run(&["init", "nope"]).code(125).stderr_has("no such container");
        let ev = s.ok(&["events", "--stream=false", "--filter", "container=ini", "--format", "{{.Status}}"]).lines();
        assert_eq!(ev, ["create", "init", "init", "init", "start"]);
        s.ok(&["rm", "-f", "-t", "0", "ini"]);
    }
}

both! {
    /// export writes the volume's files as a tar; import puts them into another volume, owners and modes kept.
    fn volume_export_import(s) {
        s.pull(BUSYBOX);
        s.ok(&["run", "--rm", "-v", "vex:/d", BUSYBOX, "sh", "-c", "echo one > /d/a; mkdir /d/sub; echo two > /d/sub/b; chown 7:8 /d/sub/b; chmod 640 /d/sub/b; ln -s a /d/link"]);
        let tarfile = s.dir.join("v.tar");
        s.ok(&["volume", "export", "vex", "-o", tarfile.to_str().unwrap()]);
        let list = std::process::Command::new("tar").arg("-tvf").arg(&tarfile).output().unwrap();
        let list = String::from_utf8_lossy(&list.stdout).into_owned();
        assert!(list.contains(" a\n") && list.contains("sub/b") && list.contains("link -> a"), "{list}");
        assert!(list.lines().any(|l| l.starts_with("-rw-r----- 7/8") && l.ends_with("sub/b")), "owner and mode kept: {list}");
        // To stdout (not a terminal), the same content.
        let out = s.command(&["volume", "export", "vex"]).output().unwrap();
        assert!(out.status.success() && out.stdout.len() >= 2048, "{}", String::from_utf8_lossy(&out.stderr));
        s.ok(&["volume", "create", "vim"]);
        give(s, &tarfile);
        s.ok(&["volume", "import", "vim", tarfile.to_str().unwrap()]);
        let seen = s.ok(&["run", "--rm", "-v", "vim:/d", BUSYBOX, "sh", "-c", "cat /d/a /d/sub/b; stat -c '%u %g %a' /d/sub/b; readlink /d/link"]);
        assert_eq!(seen.lines(), ["one", "two", "7 8 640", "a"]);
        // From stdin, over what is there.
        let bytes = std::fs::read(&tarfile).unwrap();
        let mut cmd = s.command(&["volume", "import", "vim", "-"]);
        cmd.stdin(std::process::Stdio::piped());
        let mut child = cmd.spawn().unwrap();
        use std::io::Write;
        child.stdin.take().unwrap().write_all(&bytes).unwrap();
        assert!(child.wait_with_output().unwrap().status.success());
        s.run(&["volume", "export", "nope", "-o", "/dev/null"]).code(125).stderr_has("nope");
        // A tar whose entry climbs out of the volume is refused.
        let evil = s.dir.join("evil.tar");
        let mut h = tar::Header::new_gnu();
        h.set_size(1);
        h.set_mode(0o644);
        h.set_entry_type(tar::EntryType::Regular);
        let name = b"../../escaped";
        h.as_old_mut().name[..name.len()].copy_from_slice(name);
        h.set_cksum();
        let mut b = tar::Builder::new(Vec::new());
        b.append(&h, &b"x"[..]).unwrap();
        std::fs::write(&evil, b.into_inner().unwrap()).unwrap();
        give(s, &evil);
        s.run(&["volume", "import", "vim", evil.to_str().unwrap()]).code(125).stderr_has("outside the volume");
    }
}

both! {
    /// volume mount prints the volume's folder (rootless: inside unshare, as podman).
    fn volume_mount(s) {
        s.ok(&["volume", "create", "vmnt"]);
        if s.is_rootless() {
            s.run(&["volume", "mount", "vmnt"]).code(125).stderr_has("sangja unshare");
            let script = "p=$(\"$3\" --root \"$1\" --runroot \"$2\" volume mount vmnt) && echo hi > \"$p/f\" && echo \"$p\"";
            let out = s.ok(&["unshare", "sh", "-c", script, "sh", s.root.to_str().unwrap(), s.runroot.to_str().unwrap(), binary().to_str().unwrap()]);
            assert!(out.stdout.trim_end().ends_with("vmnt/_data"), "{out:?}");
        } else {
            let p = s.ok(&["volume", "mount", "vmnt"]).lines()[0].clone();
            assert!(p.ends_with("vmnt/_data"), "{p}");
            std::fs::write(Path::new(&p).join("f"), "hi\n").unwrap();
            s.ok(&["volume", "unmount", "vmnt"]).stdout_is("vmnt\n");
        }
        s.run(&["volume", "mount", "nope"]).code(125);
    }
}

both! {
    /// update: new limits in the running container's cgroup and its record (root); rootless here, podman's refusal.
    fn update_limits(s) {
        s.pull(BUSYBOX);
        s.ok(&["run", "-d", "--name", "upd", BUSYBOX, "sleep", "100"]);
        let id = s.container_id("upd");
        if s.is_rootless() && !std::path::Path::new("/sys/fs/cgroup/cgroup.controllers").exists() {
            s.run(&["update", "--memory", "64m", "upd"]).code(125).stderr_has("cannot be enforced");
        } else if !s.is_rootless() {
            s.ok(&["update", "--memory", "64m", "--pids-limit", "77", "upd"]).stdout_is(&format!("{id}\n"));
            let seen = s.ok(&["exec", "upd", "sh", "-c", "cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/pids/pids.max 2>/dev/null || cat /sys/fs/cgroup/memory.max /sys/fs/cgroup/pids.max"]);
            assert_eq!(seen.lines(), [(64u64 << 20).to_string(), "77".to_string()], "{seen:?}");
            // Recorded: a new start of the container has the new limits.
            s.ok(&["stop", "-t", "0", "upd"]);
            s.ok(&["start", "upd"]);
            let again = s.ok(&["exec", "upd", "sh", "-c", "cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null || cat /sys/fs/cgroup/memory.max"]);
            assert_eq!(again.lines(), [(64u64 << 20).to_string()], "{again:?}");
            s.run(&["update", "--memory", "1k", "upd"]).code(125).stderr_has("minimum");
            let ev = s.ok(&["events", "--stream=false", "--filter", "event=update", "--format", "{{.Name}}"]).lines();
            assert_eq!(ev, ["upd"]);
        }
        s.run(&["update", "--memory", "64m", "nope"]).code(125).stderr_has("no such container");
        s.ok(&["rm", "-f", "-t", "0", "upd"]);
    }
}
