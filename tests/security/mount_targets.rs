//! Mount targets and `cp` into a live container, against symlinks planted
//! in an image or a volume and swapped in while sangja works (the
//! CVE-2021-30465 class): a mount lands inside the container's root or not
//! at all, a copy never removes, creates, changes or tags a host file.

#[allow(unused_imports)]
use crate::helpers::*;
#[allow(unused_imports)]
use crate::util::*;
use std::collections::BTreeSet;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Swaps two names with renameat2(RENAME_EXCHANGE) as fast as it can, until
/// STOP exists or SECS pass: one of the names is a folder, the other a
/// symlink out, so each lookup through the name finds either.
const SWAP_C: &str = r#"
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>
int main(int argc, char **argv) {
    if (argc < 5) return 2;
    time_t end = time(NULL) + atoi(argv[4]);
    unsigned long n = 0;
    for (;;) {
        syscall(SYS_renameat2, AT_FDCWD, argv[1], AT_FDCWD, argv[2], 2 /* RENAME_EXCHANGE */);
        if ((++n & 0x3ff) == 0 && (access(argv[3], F_OK) == 0 || time(NULL) > end)) break;
    }
    printf("swapped %lu times\n", n);
    return 0;
}
"#;

/// Keeps replacing NAME by a symlink to TARGET (whatever put a file there),
/// until STOP exists or SECS pass.
const RELINK_C: &str = r#"
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
int main(int argc, char **argv) {
    if (argc < 5) return 2;
    time_t end = time(NULL) + atoi(argv[4]);
    unsigned long n = 0;
    for (;;) {
        unlink(argv[1]);
        symlink(argv[2], argv[1]);
        if ((++n & 0x3ff) == 0 && (access(argv[3], F_OK) == 0 || time(NULL) > end)) break;
    }
    printf("relinked %lu times\n", n);
    return 0;
}
"#;

fn give(s: &Sangja, p: &Path) {
    if let Mode::Rootless { user, switch: true } = &s.mode {
        std::os::unix::fs::chown(p, Some(user.uid), Some(user.gid)).unwrap();
    }
}

/// A host folder the test user owns, with one file MARK.
fn host_dir(s: &Sangja, name: &str) -> PathBuf {
    let d = s.dir.join(name);
    std::fs::create_dir_all(&d).unwrap();
    std::fs::write(d.join("MARK"), "host mark\n").unwrap();
    give(s, &d);
    give(s, &d.join("MARK"));
    std::fs::set_permissions(&d, std::fs::Permissions::from_mode(0o755)).unwrap();
    d
}

/// The mount points of the host (this test's mount namespace).
fn host_mounts() -> BTreeSet<String> {
    std::fs::read_to_string("/proc/self/mountinfo").unwrap().lines().filter_map(|l| l.split(' ').nth(4).map(str::to_string)).collect()
}

/// New host mounts since `before`, leaving out the test's own stores (a
/// rootless FUSE or overlay root of another test may come and go meanwhile).
fn new_mounts(before: &BTreeSet<String>) -> Vec<String> {
    host_mounts().difference(before).filter(|m| !m.starts_with("/tmp/sangja-tests/") && !m.contains("/sangja")).cloned().collect()
}

/// An image: busybox with each (path, target) of `links` replaced by a
/// symlink (made through export, a tar rewritten by python, and import).
fn image_with_links(s: &Sangja, name: &str, links: &[(&str, &str)]) -> String {
    s.pull(BUSYBOX);
    let base = format!("{name}-base");
    s.ok(&["create", "--name", &base, BUSYBOX, "true"]);
    let exported = s.dir.join(format!("{name}-export.tar"));
    let rewritten = s.dir.join(format!("{name}.tar"));
    s.ok(&["export", "-o", &exported.display().to_string(), &base]);
    s.ok(&["rm", &base]);
    let pairs: Vec<String> = links.iter().map(|(p, t)| format!("({p:?},{t:?})")).collect();
    let py = format!(
        "import tarfile\nlinks=[{}]\nsrc=tarfile.open({:?})\ndst=tarfile.open({:?},'w',format=tarfile.PAX_FORMAT)\n\
         def gone(n):\n  n=n.lstrip('./')\n  return any(n==p or n.startswith(p+'/') for p,_ in links)\n\
         for m in src.getmembers():\n  if gone(m.name): continue\n  dst.addfile(m, src.extractfile(m) if m.isfile() else None)\n\
         for p,t in links:\n  i=tarfile.TarInfo(p)\n  i.type=tarfile.SYMTYPE\n  i.linkname=t\n  i.mode=0o777\n  dst.addfile(i)\n\
         dst.close()\n",
        pairs.join(","),
        exported.display().to_string(),
        rewritten.display().to_string()
    );
    let st = std::process::Command::new("python3").arg("-c").arg(&py).status().unwrap();
    assert!(st.success(), "rewrite the exported tar");
    give(s, &rewritten);
    s.ok(&["import", &rewritten.display().to_string(), name]);
    name.to_string()
}

both! {
    /// A named volume holding `sub -> /` (left by an earlier container): a
    /// bind at /data/sub/etc/target lands in the container's /etc, never on
    /// the host's /etc; the same with a relative link climbing out.
    fn volume_symlink_target_stays_inside(s) {
        s.pull(BUSYBOX);
        let before = host_mounts();
        s.ok(&["run", "--rm", "-v", "vol:/data", BUSYBOX, "sh", "-c",
            "ln -s / /data/sub && ln -s ../../../../../../../../../.. /data/up"]);
        let src = host_dir(s, "src");
        for (target, inside) in [("/data/sub/etc/target", "/etc/target"), ("/data/up/etc/target2", "/etc/target2")] {
            let out = s.ok(&["run", "--rm", "-v", "vol:/data", "-v", &format!("{}:{target}", src.display()), BUSYBOX,
                "cat", &format!("{inside}/MARK")]);
            assert_eq!(out.stdout, "host mark\n", "{out:?}");
        }
        assert!(!Path::new("/etc/target").exists() && !Path::new("/etc/target2").exists(), "a mount target was created on the host");
        assert_eq!(new_mounts(&before), Vec::<String>::new(), "a mount showed up on the host");
    }
}

both! {
    /// An image whose /proc is a symlink is refused (runc: proc must be
    /// mounted on an ordinary directory): proc would land wherever the link
    /// points.
    fn image_proc_symlink_refused(s) {
        let img = image_with_links(s, "procsym", &[("proc", "/tmp")]);
        s.run(&["run", "--rm", &img, "/bin/true"]).code(125).stderr_has("/proc");
        let img = image_with_links(s, "sysym", &[("sys", "/tmp/x")]);
        s.run(&["run", "--rm", &img, "/bin/true"]).code(125).stderr_has("/sys");
    }
}

both! {
    /// An image whose /dev and a volume's target are symlinks to absolute
    /// host paths: both are followed inside the container's root; the host
    /// folders stay empty and nothing is mounted on the host.
    fn image_symlinks_to_host_paths_land_inside(s) {
        let hostdev = s.dir.join("hostdev");
        let hostdata = s.dir.join("hostdata");
        for d in [&hostdev, &hostdata] {
            std::fs::create_dir(d).unwrap();
            give(s, d);
        }
        let img = image_with_links(s, "hostlinks", &[("dev", &hostdev.display().to_string()), ("data", &hostdata.display().to_string())]);
        let src = host_dir(s, "src");
        let before = host_mounts();
        let out = s.ok(&["run", "--rm", "-v", &format!("{}:/data", src.display()), &img, "sh", "-c",
            "cat /data/MARK && echo hi > /dev/null && head -c 4 /dev/zero | wc -c && ls /dev/null"]);
        assert!(out.stdout.contains("host mark") && out.stdout.contains("4"), "{out:?}");
        assert_eq!(entries(&hostdev), Vec::<String>::new(), "a file landed in the host's folder");
        assert_eq!(entries(&hostdata), Vec::<String>::new(), "a file landed in the host's folder");
        assert_eq!(new_mounts(&before), Vec::<String>::new(), "a mount showed up on the host");
    }
}

both! {
    /// The race: container A swaps a folder of a shared volume with a
    /// symlink to / as fast as it can while container B starts again and
    /// again with a bind mount under that folder. The bind must land in B's
    /// root every time (B finds it), never on a host path; the host shows
    /// no new mount and no new file.
    fn racing_volume_swap(s) {
        s.pull(BUSYBOX);
        let swap = static_program("swap", SWAP_C);
        let src = host_dir(s, "racesrc");
        let before = host_mounts();
        let tmp_before = entries(Path::new("/tmp"));
        let mut a = s.spawn(&["run", "--name", "a", "-v", "vol:/v", "-v", &mount_arg(&swap), BUSYBOX, "sh", "-c",
            "mkdir -p /v/dir/tmp && ln -s / /v/alt && echo ready && exec /x/swap /v/dir /v/alt /v/stop 300"]);
        a.wait_for_line("ready", Duration::from_secs(30));
        // B looks for the bind everywhere it may be within its root: the
        // folder under either name (they swap on), or /tmp through the link.
        let look = "for i in $(seq 400); do for p in /v/dir/tmp /v/alt/tmp /tmp; do \
                    [ -e $p/MARK ] && echo FOUND && exit 0; done; done; echo MISSING; ls -la /v /v/dir /v/alt; exit 1";
        // Every start must find the bind in its root. A start that fails is
        // no better: before the fix some failed with "set propagation of
        // /v/dir/tmp: Invalid argument" or "No such file or directory", the
        // bind having landed on the host's /tmp (in B's mount namespace)
        // while the path named another place by the next step.
        let rounds = 40;
        for round in 0..rounds {
            let out = s.run(&["run", "--rm", "-v", "vol:/v", "-v", &format!("{}:/v/dir/tmp", src.display()), BUSYBOX, "sh", "-c", look]);
            assert_eq!(out.code, 0, "round {round}: the bind did not land in the container's root:{out:?}");
        }
        s.ok(&["rm", "-f", "a"]);
        drop(a);
        assert_eq!(new_mounts(&before), Vec::<String>::new(), "a mount showed up on the host");
        let tmp_after = entries(Path::new("/tmp"));
        let created: Vec<&String> = tmp_after.iter().filter(|e| !tmp_before.contains(e) && !e.starts_with("sangja") && !e.starts_with("rust")).collect();
        assert!(!created.iter().any(|e| *e == "MARK"), "host /tmp got {created:?}");
        assert!(!Path::new("/tmp/MARK").exists());
    }
}

/// A host marker folder: folders v0..v{n} each holding `keep`, files f0..f{n}
/// mode 0600. Returns its listing (names, modes, xattrs) to compare later.
fn marker(s: &Sangja, n: usize) -> PathBuf {
    let m = s.dir.join("marker");
    std::fs::create_dir(&m).unwrap();
    for i in 0..n {
        std::fs::create_dir(m.join(format!("v{i}"))).unwrap();
        std::fs::write(m.join(format!("v{i}/keep")), "keep\n").unwrap();
        std::fs::write(m.join(format!("f{i}")), "file\n").unwrap();
        std::fs::set_permissions(m.join(format!("f{i}")), std::fs::Permissions::from_mode(0o600)).unwrap();
        give(s, &m.join(format!("v{i}")));
        give(s, &m.join(format!("v{i}/keep")));
        give(s, &m.join(format!("f{i}")));
    }
    give(s, &m);
    m
}

/// Every path under `dir` with its mode and xattr names.
fn snapshot(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            let m = std::fs::symlink_metadata(&p).unwrap();
            let c = std::ffi::CString::new(p.as_os_str().as_encoded_bytes()).unwrap();
            let mut buf = [0u8; 1024];
            // SAFETY: a NUL-terminated path and a live buffer with its length.
            let n = unsafe { libc::llistxattr(c.as_ptr(), buf.as_mut_ptr().cast(), buf.len()) };
            let names = if n > 0 { String::from_utf8_lossy(&buf[..n as usize]).replace('\0', " ") } else { String::new() };
            out.push(format!("{} {:o} [{}]", p.strip_prefix(dir).unwrap().display(), m.mode(), names.trim()));
            if m.is_dir() {
                stack.push(p);
            }
        }
    }
    out.sort();
    out
}

both! {
    /// `cp - CTR:/dir` and `cp HOSTFILE CTR:/dir/x` into a running
    /// container that swaps /dir/sub with a symlink to a host folder, and
    /// keeps replacing /dir2/x by a symlink to a host file: the host folder
    /// keeps every file, its modes and has no new attribute.
    fn cp_into_swapping_container(s) {
        s.pull(BUSYBOX);
        let n = 8;
        let m = marker(s, n);
        let snap = snapshot(&m);
        let swap = static_program("swap", SWAP_C);
        let relink = static_program("relink", RELINK_C);
        let both_dir = s.dir.join("progs");
        std::fs::create_dir(&both_dir).unwrap();
        std::fs::copy(swap.join("swap"), both_dir.join("swap")).unwrap();
        std::fs::copy(relink.join("relink"), both_dir.join("relink")).unwrap();
        std::fs::set_permissions(&both_dir, std::fs::Permissions::from_mode(0o755)).unwrap();
        // The tar (no entry for sub itself: it would replace the link): sub/vK
        // folders with a file, then sub/vK as files (each
        // replaces the folder: a removal), then sub/fK fifos carrying attributes.
        let tarball = s.dir.join("in.tar");
        let py = format!(
            "import tarfile,io\nt=tarfile.open({:?},'w',format=tarfile.PAX_FORMAT)\n\
             for k in range({n}):\n  i=tarfile.TarInfo('sub/v%d'%k)\n  i.type=tarfile.DIRTYPE\n  i.mode=0o755\n  t.addfile(i)\n  f=tarfile.TarInfo('sub/v%d/keep'%k)\n  f.size=1\n  t.addfile(f,io.BytesIO(b'x'))\n\
             for k in range({n}):\n  i=tarfile.TarInfo('sub/v%d'%k)\n  i.size=1\n  i.mode=0o777\n  t.addfile(i,io.BytesIO(b'y'))\n\
             for k in range({n}):\n  i=tarfile.TarInfo('sub/f%d'%k)\n  i.type=tarfile.FIFOTYPE\n  i.mode=0o777\n  i.pax_headers={{'SCHILY.xattr.trusted.sangja':'pwned','SCHILY.xattr.user.sangja':'pwned'}}\n  t.addfile(i)\n\
             t.close()\n",
            tarball.display().to_string()
        );
        assert!(std::process::Command::new("python3").arg("-c").arg(&py).status().unwrap().success());
        give(s, &tarball);
        let hostfile = s.dir.join("hostfile");
        std::fs::write(&hostfile, "x\n").unwrap();
        std::fs::set_permissions(&hostfile, std::fs::Permissions::from_mode(0o4777)).unwrap();
        give(s, &hostfile);
        std::fs::set_permissions(&hostfile, std::fs::Permissions::from_mode(0o4777)).unwrap();

        let setup = format!(
            "mkdir -p /dir/sub /dir2 && ln -s {m} /dir/link && echo ready && \
             (/x/relink /dir2/x {m}/f0 /dir/stop 300 &) && exec /x/swap /dir/sub /dir/link /dir/stop 300",
            m = m.display()
        );
        let mut c = s.spawn(&["run", "--name", "c", "-v", &mount_arg(&both_dir), BUSYBOX, "sh", "-c", &setup]);
        c.wait_for_line("ready", Duration::from_secs(30));
        let (mut ok, mut failed) = (0, 0);
        for round in 0..40 {
            let mut cmd = s.command(&["cp", "-", "c:/dir"]);
            cmd.stdin(std::fs::File::open(&tarball).unwrap());
            let out = wait_output(spawn_retry(&mut cmd), format!("cp - c:/dir (round {round})"), None, TIMEOUT);
            if out.code == 0 { ok += 1 } else { failed += 1 }
            let out = s.run(&["cp", &hostfile.display().to_string(), "c:/dir2/x"]);
            if out.code == 0 { ok += 1 } else { failed += 1 }
            assert_eq!(snapshot(&m), snap, "round {round}: the host folder changed");
        }
        s.ok(&["rm", "-f", "c"]);
        drop(c);
        eprintln!("cp_into_swapping_container: {ok} copies done, {failed} refused");
        assert_eq!(snapshot(&m), snap, "the host folder changed");
    }
}

both! {
    /// `cp CTR:/link HOST` with /link -> / inside: what is copied is the
    /// container's, never the host's (the host's /etc/debian_version, which
    /// busybox has not, never shows up).
    fn cp_out_through_root_link(s) {
        s.pull(BUSYBOX);
        s.ok(&["run", "--name", "c", BUSYBOX, "sh", "-c", "ln -s / /link && echo inside > /etc/only-inside"]);
        assert!(Path::new("/etc/debian_version").exists(), "the host has no /etc/debian_version to tell it apart");
        for (i, src) in ["c:/link", "c:/link/", "c:/link/.", "c:/link/etc", "c:/link/etc/."].iter().enumerate() {
            let out = s.dir.join(format!("out{i}"));
            std::fs::create_dir(&out).unwrap();
            give(s, &out);
            let r = s.run(&["cp", src, &out.display().to_string()]);
            assert!(r.code == 0 || r.code == 125, "{r:?}");
            assert_eq!(find_named(&out, "debian_version"), Vec::<PathBuf>::new(), "{src} copied a host file");
        }
        // The container's own file comes through the link.
        let out = s.dir.join("one");
        s.ok(&["cp", "c:/link/etc/only-inside", &s.dir.display().to_string()]);
        assert_eq!(std::fs::read_to_string(s.dir.join("only-inside")).unwrap(), "inside\n");
        s.run(&["cp", "c:/link/etc/debian_version", &out.display().to_string()]).code(125);
        assert!(!out.exists());
    }
}
