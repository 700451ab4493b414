//! Volumes, bind mounts (files, FIFOs, sockets), tmpfs, --read-only and
//! mount targets that are symlinks.

use crate::util::*;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::time::Duration;

/// Makes a test file usable by the test's user (rootless runs as another user).
fn give(s: &Sangja, p: &Path) {
    if let Mode::Rootless { user, switch: true } = &s.mode {
        std::os::unix::fs::chown(p, Some(user.uid), Some(user.gid)).unwrap();
    }
}

fn hex_names(lines: &[String]) -> Vec<String> {
    lines.iter().filter(|l| is_hex_id(l)).cloned().collect()
}

both! {
    /// A named volume keeps data from one container to the next; ls, inspect, exists, filters.
    fn named_volume_persists(s) {
        s.pull(BUSYBOX);
        s.ok(&["volume", "create", "--label", "team=a", "data"]).stdout_is("data\n");
        s.run(&["volume", "create", "data"]).code(125).stderr_has("already exists");
        s.ok(&["run", "--rm", "-v", "data:/d", BUSYBOX, "sh", "-c", "echo kept > /d/f"]);
        s.ok(&["run", "--rm", "-v", "data:/d:ro", BUSYBOX, "cat", "/d/f"]).stdout_is("kept\n");
        let v = s.ok(&["volume", "inspect", "data"]).json();
        let v = &v.items()[0];
        assert_eq!(v["Name"].as_str(), Some("data"));
        assert_eq!(v["Driver"].as_str(), Some("local"));
        assert_eq!(v["Scope"].as_str(), Some("local"));
        assert_eq!(v["Labels"]["team"].as_str(), Some("a"));
        let mp = v["Mountpoint"].as_str().unwrap_or_default().to_string();
        assert_eq!(std::fs::read_to_string(Path::new(&mp).join("f")).unwrap(), "kept\n");
        s.ok(&["volume", "create", "other"]);
        assert_eq!(s.ok(&["volume", "ls", "-q"]).lines(), ["data", "other"]);
        assert_eq!(s.ok(&["volume", "ls", "-q", "--filter", "label=team=a"]).lines(), ["data"]);
        assert_eq!(s.ok(&["volume", "ls", "--format", "{{.Name}} {{.Driver}}", "--filter", "name=oth"]).lines(), ["other local"]);
        assert_eq!(s.ok(&["volume", "ls", "-q", "--filter", "dangling=true"]).lines(), ["data", "other"]);
        s.ok(&["volume", "exists", "data"]);
        s.run(&["volume", "exists", "nope"]).code(1);
        s.run(&["volume", "inspect", "nope"]).code(125).stderr_has("no such volume");
        // The local driver's -o: a tmpfs volume.
        s.ok(&["volume", "create", "-o", "type=tmpfs", "-o", "device=tmpfs", "-o", "o=size=1m", "mem"]);
        let m = s.ok(&["run", "--rm", "-v", "mem:/m", BUSYBOX, "grep", " /m ", "/proc/mounts"]);
        assert!(m.stdout.starts_with("tmpfs /m tmpfs") && m.stdout.contains("size=1024k"), "{m:?}");
        s.ok(&["volume", "rm", "mem"]);
        s.ok(&["volume", "rm", "other"]).stdout_is("other\n");
        s.run(&["volume", "rm", "other"]).code(1).stderr_has("no volume with name \"other\" found");
    }
}

both! {
    /// A new volume mounted over an image folder starts with the image's files, owners kept.
    fn volume_copy_up(s) {
        s.pull(BUSYBOX);
        s.ok(&["run", "--rm", "-v", "etcv:/etc", BUSYBOX, "grep", "-c", "^root:", "/etc/passwd"]).stdout_is("1\n");
        let mp = s.ok(&["volume", "inspect", "etcv", "--format", "{{.Mountpoint}}"]).lines()[0].clone();
        let meta = std::fs::metadata(Path::new(&mp).join("passwd")).unwrap();
        assert_eq!(std::os::unix::fs::MetadataExt::uid(&meta), s.host_uid(0), "owners kept through the copy");
        // Copied once: what a container removes stays removed.
        s.ok(&["run", "--rm", "-v", "etcv:/etc", BUSYBOX, "rm", "/etc/group"]);
        s.run(&["run", "--rm", "-v", "etcv:/etc", BUSYBOX, "ls", "/etc/group"]).code(1);
        // nocopy: the volume stays empty.
        s.run(&["run", "--rm", "-v", "bare:/etc:nocopy", BUSYBOX, "ls", "/etc/passwd"]).code(1);
    }
}

both! {
    /// `volume rm` refuses a volume a container uses (exit 2) unless -f; prune removes unused ones.
    fn volume_rm_in_use_and_prune(s) {
        s.pull(BUSYBOX);
        s.ok(&["run", "--name", "user", "-v", "busy:/d", BUSYBOX, "true"]);
        s.ok(&["volume", "create", "idle"]);
        s.run(&["volume", "rm", "busy"]).code(2).stderr_has("being used");
        assert_eq!(s.ok(&["volume", "ls", "-q", "--filter", "dangling=false"]).lines(), ["busy"]);
        s.ok(&["volume", "prune", "-f"]).stdout_is("idle\n");
        s.ok(&["volume", "rm", "-f", "busy"]);
        assert!(s.container_ids().is_empty(), "rm -f removed the user container too");
        assert!(s.ok(&["volume", "ls", "-q"]).lines().is_empty());
    }
}

both! {
    /// Anonymous volumes (-v /path) get a 64-hex name and go with `rm -v` or `--rm`.
    fn anonymous_volumes(s) {
        s.pull(BUSYBOX);
        s.ok(&["run", "--name", "a", "-v", "/data", BUSYBOX, "sh", "-c", "echo x > /data/f"]);
        assert_eq!(hex_names(&s.ok(&["volume", "ls", "-q"]).lines()).len(), 1);
        s.ok(&["rm", "-v", "a"]);
        assert!(s.ok(&["volume", "ls", "-q"]).lines().is_empty(), "rm -v removed it");
        s.ok(&["run", "--rm", "-v", "/data", BUSYBOX, "true"]);
        assert!(s.ok(&["volume", "ls", "-q"]).lines().is_empty(), "--rm removed it");
        // Detached: the monitor removes the container and then its volume.
        let id = s.ok(&["run", "-d", "--rm", "--network", "none", "-v", "/data", BUSYBOX, "true"]).stdout.trim().to_string();
        s.run(&["wait", &id]);
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while !s.ok(&["volume", "ls", "-q"]).lines().is_empty() && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        assert!(s.ok(&["volume", "ls", "-q"]).lines().is_empty(), "detached --rm removed it");
        // An image's VOLUME gets an anonymous volume holding the image's content.
        s.ok(&["run", "--name", "v", BUSYBOX, "sh", "-c", "mkdir /vol && echo seeded > /vol/f"]);
        s.ok(&["commit", "-c", "VOLUME /vol", "v", "withvol"]);
        s.ok(&["run", "--name", "w", "withvol", "sh", "-c", "cat /vol/f; grep -c ' /vol ' /proc/mounts"]).stdout_is("seeded\n1\n");
        assert_eq!(hex_names(&s.ok(&["volume", "ls", "-q"]).lines()).len(), 1);
        s.ok(&["rm", "-v", "w"]);
        assert!(s.ok(&["volume", "ls", "-q"]).lines().is_empty(), "rm -v removed the image VOLUME's volume");
    }
}

both! {
    /// Bind mounts: rw writes reach the host, ro fails with EROFS, a missing source is 125.
    fn bind_mounts(s) {
        s.pull(BUSYBOX);
        let host = s.dir.join("host");
        std::fs::create_dir(&host).unwrap();
        std::fs::write(host.join("in"), "from host\n").unwrap();
        give(s, &host);
        give(s, &host.join("in"));
        let spec = format!("{}:/h", host.display());
        // Files the user owns show as root's inside.
        s.ok(&["run", "--rm", "-v", &spec, BUSYBOX, "sh", "-c", "cat /h/in; stat -c %u /h/in; echo out > /h/out"])
            .stdout_is("from host\n0\n");
        assert_eq!(std::fs::read_to_string(host.join("out")).unwrap(), "out\n");
        s.run(&["run", "--rm", "-v", &format!("{spec}:ro,z"), BUSYBOX, "sh", "-c", "echo x > /h/out"])
            .code(1)
            .stderr_has("Read-only file system");
        let m = format!("type=bind,src={},dst=/m,ro", host.display());
        s.ok(&["run", "--rm", "--mount", &m, BUSYBOX, "cat", "/m/in"]).stdout_is("from host\n");
        let missing = s.dir.join("missing");
        s.run(&["run", "--rm", "-v", &format!("{}:/x", missing.display()), BUSYBOX, "true"])
            .code(125)
            .stderr_has(&missing.display().to_string());
        s.run(&["run", "--rm", "-v", "/a:/b:bogus", BUSYBOX, "true"]).code(125).stderr_has("unknown option");
    }
}

both! {
    /// A host FIFO and a host unix socket, bind-mounted, carry data across the boundary.
    fn fifo_and_socket(s) {
        s.pull(BUSYBOX);
        let fifo = s.dir.join("fifo");
        assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
        give(s, &fifo);
        let mut reader = s.spawn(&["run", "--rm", "-v", &format!("{}:/fifo", fifo.display()), BUSYBOX, "cat", "/fifo"]);
        // Opening for writing waits for the container to open its end.
        let f = fifo.clone();
        let writer = std::thread::spawn(move || std::fs::write(f, "through the fifo\n"));
        reader.wait_for_line("through the fifo", Duration::from_secs(20));
        writer.join().unwrap().unwrap();
        reader.finish().ok();

        // busybox logger writes to the unix socket /dev/log: ours, from the host.
        let sock = s.dir.join("log.sock");
        let rx = std::os::unix::net::UnixDatagram::bind(&sock).unwrap();
        std::fs::set_permissions(&sock, std::fs::Permissions::from_mode(0o777)).unwrap();
        give(s, &sock);
        rx.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        s.ok(&["run", "--rm", "-v", &format!("{}:/dev/log", sock.display()), BUSYBOX, "logger", "-t", "t", "hello-from-ctr"]);
        let mut buf = [0u8; 512];
        let n = rx.recv(&mut buf).expect("the container's message reaches the host socket");
        assert!(String::from_utf8_lossy(&buf[..n]).contains("hello-from-ctr"));
    }
}

both! {
    /// --tmpfs and --mount type=tmpfs: a tmpfs with the options, empty in the next container.
    fn tmpfs_mounts(s) {
        s.pull(BUSYBOX);
        let out = s.ok(&["run", "--name", "t", "--tmpfs", "/scratch:size=2m,mode=1777", BUSYBOX, "sh", "-c",
            "echo data > /scratch/f; grep ' /scratch ' /proc/mounts; stat -c %a /scratch"]);
        assert!(out.stdout.starts_with("tmpfs /scratch tmpfs ") && out.stdout.contains("size=2048k"), "{out:?}");
        assert!(out.stdout.ends_with("1777\n"), "{out:?}");
        let id = s.container_id("t");
        assert!(find_named(&s.upper_dir(&id), "scratch").iter().all(|p| !p.join("f").exists()), "written in memory, not the layer");
        s.ok(&["run", "--rm", "--mount", "type=tmpfs,dst=/scratch,tmpfs-size=1m", BUSYBOX, "sh", "-c", "ls -A /scratch; grep -c ' /scratch tmpfs' /proc/mounts"])
            .stdout_is("1\n");
    }
}

both! {
    /// --read-only: / refuses writes; /tmp, /run and /var/tmp are tmpfs unless --read-only-tmpfs=false.
    fn read_only_rootfs(s) {
        s.pull(BUSYBOX);
        s.run(&["run", "--rm", "--read-only", BUSYBOX, "touch", "/x"]).code(1).stderr_has("Read-only file system");
        s.ok(&["run", "--rm", "--read-only", BUSYBOX, "sh", "-c", "touch /tmp/a /run/b /var/tmp/c"]);
        s.ok(&["run", "--rm", "--read-only", "-v", "rov:/data", BUSYBOX, "touch", "/data/ok"]);
        s.run(&["run", "--rm", "--read-only", "--read-only-tmpfs=false", BUSYBOX, "touch", "/tmp/a"]).code(1);
    }
}

both! {
    /// A mount target that is a symlink out of the rootfs is resolved inside it.
    fn mount_target_symlink_stays_inside(s) {
        s.pull(BUSYBOX);
        let outside = s.dir.join("outside");
        std::fs::create_dir(&outside).unwrap();
        give(s, &outside);
        let link = format!("/../../../../../..{}", outside.display());
        s.ok(&["run", "--name", "base", BUSYBOX, "ln", "-s", &link, "/evil"]);
        s.ok(&["commit", "base", "evil"]);
        s.ok(&["run", "--rm", "--tmpfs", "/evil", "evil", "sh", "-c", "echo x > /evil/pwn"]);
        s.ok(&["run", "--rm", "-v", "ev:/evil", "evil", "sh", "-c", "echo y > /evil/pwn2"]);
        assert!(entries(&outside).is_empty(), "nothing landed on the host: {:?}", entries(&outside));
    }
}
