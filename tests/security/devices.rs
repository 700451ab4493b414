//! Escape 3, device nodes (issue 14): a container must not open a host
//! device outside the OCI default allowlist (null, zero, full, random,
//! urandom, tty, console, ptmx, pts) and its `--device` entries, whether
//! it makes the node itself (`--cap-add MKNOD`) or the node ships in an
//! image layer. As root that is the devices cgroup (v1) or a BPF device
//! program (v2), plus `nodev` on the rootfs; rootless the kernel already
//! refuses: a user namespace may not mknod, and a filesystem mounted in one
//! never honours device nodes (SB_I_NODEV). Both are asserted so that
//! neither can regress.

#[allow(unused_imports)]
use crate::helpers::*;
#[allow(unused_imports)]
use crate::util::*;

/// The ways a refused open reads in busybox's messages: EACCES from
/// `nodev`, EPERM from the device allowlist (or from mknod rootless).
fn refused(out: &Out) -> bool {
    out.stderr.contains("Permission denied") || out.stderr.contains("Operation not permitted")
}

/// A block device every Linux host has and host root may open: loop0
/// (b 7 0). A block device is what an attacker wants (a host disk); this
/// machine refuses even host root its disk, so the probe is the loop device,
/// opened only (nothing is read from or written to it).
const BLOCK: &str = "b 7 0";

both! {
    /// mknod with CAP_MKNOD, then open: a block device, /dev/net/tun, /dev/mem
    /// are outside the allowlist; /dev/zero (c 1 5) made in /tmp is
    /// allowlisted but lies on the rootfs, which is nodev.
    fn mknod_device_does_not_open(s) {
        s.pull(BUSYBOX);
        // Probes that open without any capability beyond MKNOD's, so that
        // only the device rules can refuse them: a block device (loop0),
        // /dev/net/tun (c 10 200), /dev/zero (c 1 5, allowlisted: nodev refuses it
        // on the rootfs), /dev/mem (c 1 1).
        for (what, script) in [
            ("c 1 5 in /tmp", "mknod /tmp/z c 1 5 && head -c1 /tmp/z >/dev/null && echo OPENED".to_string()),
            ("b 7 0 in /tmp", format!("mknod /tmp/disk {BLOCK} && exec 3</tmp/disk && echo OPENED")),
            ("b 7 0 in /dev", format!("mknod /dev/disk {BLOCK} && exec 3</dev/disk && echo OPENED")),
            ("c 10 200 in /dev", "mknod /dev/tun2 c 10 200 && exec 3<>/dev/tun2 && echo OPENED".to_string()),
            ("c 1 1 in /dev", "mknod /dev/mem2 c 1 1 && exec 3</dev/mem2 && echo OPENED".to_string()),
        ] {
            let out = s.run(&["run", "--rm", "--cap-add", "MKNOD", BUSYBOX, "sh", "-c", &script]);
            assert!(!out.stdout.contains("OPENED"), "{what}: a mknod'd device opened:{out:?}");
            assert_ne!(out.code, 0, "{what}:{out:?}");
            assert!(refused(&out), "{what}: not refused with EACCES/EPERM:{out:?}");
            if s.is_rootless() {
                // The kernel's own refusal in a user namespace, before any of ours.
                assert!(out.stderr.contains("mknod") && out.stderr.contains("Operation not permitted"), "{what}:{out:?}");
            }
        }
        // The rootfs is nodev, as podman's (storage.conf mountopt "nodev").
        let out = s.ok(&["run", "--rm", BUSYBOX, "sh", "-c", "grep ' / / ' /proc/self/mountinfo"]);
        assert!(out.stdout.split_whitespace().nth(5).is_some_and(|o| o.split(',').any(|f| f == "nodev")), "{out:?}");
        // The allowlisted nodes in /dev still work.
        s.ok(&["run", "--rm", BUSYBOX, "sh", "-c", "head -c1 /dev/zero >/dev/null && head -c1 /dev/urandom >/dev/null && echo x >/dev/null && ! echo x >/dev/full"]);
    }
}

/// A busybox root filesystem as a tar, with device nodes added.
fn image_with_devices(s: &Sangja, name: &str) {
    s.pull(BUSYBOX);
    s.ok(&["create", "--name", "src", BUSYBOX, "true"]);
    let plain = s.dir.join("plain.tar");
    s.ok(&["export", "-o", &plain.display().to_string(), "src"]);
    let evil = s.dir.join("devices.tar");
    let py = format!(
        "import tarfile\n\
         src=tarfile.open({plain:?})\n\
         t=tarfile.open({evil:?},'w')\n\
         for m in src.getmembers():\n    t.addfile(m, src.extractfile(m) if m.isfile() else None)\n\
         for (n,ma,mi) in [('zero',1,5),('tun',10,200),('mem',1,1)]:\n    i=tarfile.TarInfo(n)\n    i.type=tarfile.CHRTYPE\n    i.devmajor=ma\n    i.devminor=mi\n    i.mode=0o666\n    t.addfile(i)\n\
         i=tarfile.TarInfo('disk')\ni.type=tarfile.BLKTYPE\ni.devmajor=7\ni.devminor=0\ni.mode=0o666\nt.addfile(i)\n\
         t.close()\n",
        plain = plain.display().to_string(),
        evil = evil.display().to_string(),
    );
    let st = std::process::Command::new("python3").arg("-c").arg(&py).status().unwrap();
    assert!(st.success(), "python3 made the tar");
    std::fs::set_permissions(&evil, std::os::unix::fs::PermissionsExt::from_mode(0o644)).unwrap();
    s.ok(&["import", &evil.display().to_string(), name]);
}

both! {
    /// Device nodes shipped in an image layer do not open: as root they are
    /// extracted as real nodes, on a nodev rootfs and outside the allowlist;
    /// rootless they cannot be made at all.
    fn image_device_node_does_not_open(s) {
        image_with_devices(s, "devimg");
        for node in ["zero", "tun", "mem", "disk"] {
            let script = format!("exec 3</{node} && echo OPENED");
            let out = s.run(&["run", "--rm", "devimg", "sh", "-c", &script]);
            assert!(!out.stdout.contains("OPENED"), "/{node} from the image opened:{out:?}");
            assert_ne!(out.code, 0, "/{node}:{out:?}");
            if !s.is_rootless() {
                // The node is there (so the test tests something), and refused.
                s.ok(&["run", "--rm", "devimg", "sh", "-c", &format!("test -c /{node} || test -b /{node}")]);
                assert!(refused(&out), "/{node}:{out:?}");
            }
        }
        // Even with every capability short of --privileged.
        let out = s.run(&["run", "--rm", "--cap-add", "ALL", "devimg", "sh", "-c", "exec 3</disk && echo OPENED"]);
        assert!(!out.stdout.contains("OPENED"), "{out:?}");
    }
}

both! {
    /// A mknod'd node in `exec` is refused too: the exec'd process joins the
    /// container's device cgroup.
    fn exec_mknod_does_not_open(s) {
        s.pull(BUSYBOX);
        s.ok(&["run", "-d", "--name", "c", "--cap-add", "MKNOD", BUSYBOX, "sleep", "60"]);
        let script = format!("mknod /dev/k {BLOCK} && exec 3</dev/k && echo OPENED");
        let out = s.run(&["exec", "c", "sh", "-c", &script]);
        assert!(!out.stdout.contains("OPENED") && refused(&out), "{out:?}");
        let out = s.run(&["exec", "c", "sh", "-c", "mknod /dev/t c 10 200 && exec 3<>/dev/t && echo OPENED"]);
        assert!(!out.stdout.contains("OPENED") && refused(&out), "{out:?}");
        s.ok(&["rm", "-f", "c"]);
    }
}

#[test]
fn device_permissions_enforced_root() {
    let Some(s) = Sangja::root("devices::device_permissions_enforced") else { return };
    s.pull(BUSYBOX);
    // /dev/net/tun (c 10 200) is not in the default list: --device adds it
    // with the permissions given. A read-only bind does not stop a write
    // open of a device node (the kernel's EROFS is for files): the allowlist does.
    s.ok(&["run", "--rm", "--device", "/dev/net/tun", BUSYBOX, "sh", "-c", "exec 3<>/dev/net/tun"]);
    s.ok(&["run", "--rm", "--device", "/dev/net/tun:r", BUSYBOX, "sh", "-c", "exec 3</dev/net/tun"]);
    let out = s.run(&["run", "--rm", "--device", "/dev/net/tun:r", BUSYBOX, "sh", "-c", "exec 3>/dev/net/tun && echo OPENED"]);
    assert!(!out.stdout.contains("OPENED") && refused(&out), "{out:?}");
    // Renamed: the rule follows the node's numbers, not its path.
    s.ok(&["run", "--rm", "--device", "/dev/net/tun:/dev/mytun:rw", BUSYBOX, "sh", "-c", "exec 3<>/dev/mytun"]);
    // Without m, the node may not be made again.
    let out = s.run(&["run", "--rm", "--device", "/dev/net/tun:/dev/mytun:rw", BUSYBOX, "sh", "-c", "mknod /dev/t2 c 10 200 && echo MADE"]);
    assert!(!out.stdout.contains("MADE"), "{out:?}");
    // Not passed at all: refused.
    let out = s.run(&["run", "--rm", "--cap-add", "MKNOD", BUSYBOX, "sh", "-c", "mknod /dev/t c 10 200 && exec 3<>/dev/t && echo OPENED"]);
    assert!(!out.stdout.contains("OPENED") && refused(&out), "{out:?}");
}

#[test]
fn privileged_lifts_allowlist_root() {
    let Some(s) = Sangja::root("devices::privileged_lifts_allowlist") else { return };
    s.pull(BUSYBOX);
    // --privileged is the user's word that the container may use the host's devices.
    s.ok(&[
        "run",
        "--rm",
        "--privileged",
        BUSYBOX,
        "sh",
        "-c",
        &format!("mknod /dev/k {BLOCK} && exec 3</dev/k && mknod /dev/t c 10 200 && exec 4<>/dev/t"),
    ]);
}

#[test]
fn mknod_refused_rootless() {
    let Some(s) = Sangja::rootless("devices::mknod_refused") else { return };
    s.pull(BUSYBOX);
    // Not even --privileged gives a user namespace mknod of a real device.
    let out = s.run(&["run", "--rm", "--privileged", BUSYBOX, "sh", "-c", "mknod /dev/k c 10 200 && echo MADE"]);
    assert!(!out.stdout.contains("MADE") && out.stderr.contains("Operation not permitted"), "{out:?}");
}

#[test]
fn without_cgroup_dev_is_nodev_root() {
    let Some(s) = Sangja::root("devices::without_cgroup_dev_is_nodev") else { return };
    s.pull(BUSYBOX);
    // --cgroups=disabled: no allowlist can be enforced, so the /dev tmpfs is
    // nodev; the nodes bound into it are mounts of their own and still work.
    let out = s.run(&[
        "run",
        "--rm",
        "--cgroups=disabled",
        "--cap-add",
        "MKNOD",
        BUSYBOX,
        "sh",
        "-c",
        "mknod /dev/t c 10 200 && exec 3<>/dev/t && echo OPENED",
    ]);
    assert!(!out.stdout.contains("OPENED") && refused(&out), "{out:?}");
    s.ok(&[
        "run",
        "--rm",
        "--cgroups=disabled",
        "--device",
        "/dev/net/tun",
        BUSYBOX,
        "sh",
        "-c",
        "exec 3<>/dev/net/tun && head -c1 /dev/zero >/dev/null && echo x >/dev/null",
    ]);
}
