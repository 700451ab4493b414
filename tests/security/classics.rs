//! The classics (issue 14): the old ways out of a container, each tried
//! from a default container as an attacker would, rootless and as root,
//! and each shown to get nothing: mount, a nested user namespace, writes to
//! /proc/sys and /proc/sysrq-trigger, the masked /proc files, host
//! processes (visible, signalled, traced), module loading, reboot, and
//! symlinks planted in volumes for the host side to follow. Where the user
//! can opt in (`--cap-add`), the opt-in is shown to work, so that the
//! refusal is the default's and not a broken feature.

#[allow(unused_imports)]
use crate::helpers::*;
#[allow(unused_imports)]
use crate::util::*;
use std::os::unix::fs::PermissionsExt;

/// EACCES, EPERM or EROFS, in busybox's words (its mount says "permission
/// denied (are you root?)").
fn refused(out: &Out) -> bool {
    let e = out.stderr.to_lowercase();
    e.contains("permission denied") || e.contains("operation not permitted") || e.contains("read-only file system")
}

both! {
    /// mount needs CAP_SYS_ADMIN, which a default container lacks; with
    /// --cap-add SYS_ADMIN it works (inside the container's own mount namespace).
    fn mount_refused(s) {
        s.pull(BUSYBOX);
        for script in ["mount -t tmpfs none /tmp", "mount --bind /etc /tmp", "mount -o remount,rw /proc/sys", "umount /proc/keys"] {
            let out = s.run(&["run", "--rm", BUSYBOX, "sh", "-c", &format!("{script} && echo DONE")]);
            assert!(!out.stdout.contains("DONE") && out.code != 0, "{script}:{out:?}");
            assert!(refused(&out) || out.stderr.contains("Invalid argument"), "{script}:{out:?}");
        }
        s.ok(&["run", "--rm", "--cap-add", "SYS_ADMIN", BUSYBOX, "sh", "-c", "mount -t tmpfs none /tmp && touch /tmp/x"]);
        // (With SYS_ADMIN the container may unmount its own masks, as under
        // podman: the masks are made in the container's own user namespace,
        // so they are not locked; and a rootless one then sees no more of
        // /proc than its user sees on the host. The nested-namespace test
        // below shows them locked for everyone else.)
    }
}

both! {
    /// A nested user namespace is allowed, as podman's default seccomp
    /// profile allows it, but gives nothing outside: mknod, the masked
    /// /proc files, the read-only /proc/sys, a fresh /proc (which would
    /// reveal what is masked) and the host's processes stay out of reach.
    fn nested_user_namespace_gains_nothing(s) {
        s.pull(BUSYBOX);
        // The nested namespace itself works (podman: the same).
        s.ok(&["run", "--rm", BUSYBOX, "unshare", "-Ur", "id", "-u"]).stdout_is("0\n");
        s.ok(&["run", "--rm", BUSYBOX, "unshare", "-Urmpf", "sh", "-c", "mount -t tmpfs none /tmp && echo $$"]).stdout_is("1\n");
        for (what, script) in [
            ("mknod", "mknod /tmp/t c 10 200"),
            ("unmask /proc/keys", "umount /proc/keys"),
            ("unmask /proc/timer_list", "umount -l /proc/timer_list"),
            ("unmask /proc/acpi", "umount -l /proc/acpi"),
            ("remount /proc/sys rw", "mount -o remount,rw /proc/sys"),
            ("write /proc/sys", "echo 1 > /proc/sys/vm/drop_caches"),
            ("a fresh /proc", "mkdir -p /tmp/p && mount -t proc proc /tmp/p"),
            ("sysfs", "mkdir -p /tmp/s && mount -t sysfs sysfs /tmp/s"),
        ] {
            let cmd = format!("{script} && echo DONE");
            let out = s.run(&["run", "--rm", BUSYBOX, "unshare", "-Urmpf", "sh", "-c", &cmd]);
            assert!(!out.stdout.contains("DONE"), "{what} in a nested user namespace:{out:?}");
        }
        // What is masked stays masked after the attempts above.
        s.ok(&["run", "--rm", BUSYBOX, "unshare", "-Urm", "sh", "-c", "umount /proc/keys 2>/dev/null; wc -c < /proc/keys"]).stdout_is("0\n");
    }
}

both! {
    /// /proc/sys and /proc/sysrq-trigger are read-only; the masked paths
    /// read as empty (files) or empty folders.
    fn proc_sys_readonly_and_masked(s) {
        s.pull(BUSYBOX);
        // Files that exist on this host (kernels differ: no sysrq here).
        let writes: Vec<(&str, &str)> = [
            ("/proc/sys/kernel/sysrq", "1"),
            ("/proc/sys/vm/swappiness", "100"),
            ("/proc/sys/vm/drop_caches", "1"),
            ("/proc/sys/kernel/core_pattern", "|/tmp/x"),
            ("/proc/sys/kernel/modprobe", "/tmp/x"),
            ("/proc/sysrq-trigger", "h"),
        ]
        .into_iter()
        .filter(|(f, _)| std::path::Path::new(f).exists())
        .collect();
        assert!(writes.len() >= 3, "{writes:?}");
        for (file, value) in &writes {
            let out = s.run(&["run", "--rm", BUSYBOX, "sh", "-c", &format!("echo '{value}' > {file} && echo DONE")]);
            assert!(!out.stdout.contains("DONE") && refused(&out), "{file}:{out:?}");
        }
        // Even with every capability short of --privileged.
        let out = s.run(&["run", "--rm", "--cap-add", "ALL", BUSYBOX, "sh", "-c", "echo '|/tmp/x' > /proc/sys/kernel/core_pattern && echo DONE"]);
        assert!(!out.stdout.contains("DONE"), "{out:?}");
        for f in ["/proc/sys/kernel/core_pattern", "/proc/sys/kernel/modprobe"] {
            let v = std::fs::read_to_string(f).unwrap_or_default();
            assert!(!v.contains("/tmp/x"), "the host's {f} changed: {v}");
        }
        // Masked files read nothing; masked folders are empty.
        let out = s.ok(&["run", "--rm", BUSYBOX, "sh", "-c",
            "for f in /proc/kcore /proc/keys /proc/timer_list /proc/latency_stats /proc/sched_debug; do \
               [ -e $f ] || continue; printf '%s %s\\n' $f $(cat $f 2>/dev/null | wc -c); done; \
             for d in /proc/acpi /proc/scsi /sys/firmware; do [ -d $d ] && printf '%s %s\\n' $d $(ls -A $d | wc -l); done; true"]);
        for line in out.stdout.lines() {
            assert!(line.ends_with(" 0"), "not masked: {line}:{out:?}");
        }
        assert!(out.stdout.contains("/proc/keys 0") && out.stdout.contains("/proc/acpi 0"), "{out:?}");
    }
}

/// A host process for the container to look for: its pid, and the child to kill.
fn host_sleeper() -> std::process::Child {
    std::process::Command::new("sleep").arg("60").spawn().unwrap()
}

const PTRACE: &str = r#"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <signal.h>
int main(int argc, char **argv) {
    int pid = atoi(argv[1]);
    if (ptrace(PTRACE_ATTACH, pid, 0, 0) == 0) { printf("ATTACHED\n"); return 0; }
    printf("ptrace: %s\n", strerror(errno));
    if (kill(pid, 0) == 0) { printf("SIGNALLED\n"); return 0; }
    printf("kill: %s\n", strerror(errno));
    return 1;
}
"#;

both! {
    /// Host processes are invisible: /proc and ps list only the
    /// container's, and a host pid can be neither signalled nor traced.
    fn host_processes_invisible(s) {
        s.pull(BUSYBOX);
        let mut sleeper = host_sleeper();
        let pid = sleeper.id().to_string();
        let dir = static_program("ptrace", PTRACE);
        let out = s.run(&["run", "--rm", "--cap-add", "SYS_PTRACE", "--cap-add", "KILL", "-v", &mount_arg(&dir), BUSYBOX, "/x/ptrace", &pid]);
        assert!(!out.stdout.contains("ATTACHED") && !out.stdout.contains("SIGNALLED"), "{out:?}");
        assert!(out.stdout.contains("No such process"), "{out:?}");
        let out = s.ok(&["run", "--rm", BUSYBOX, "sh", "-c", "ls /proc | grep '^[0-9]' | wc -l; ps -o pid,comm; kill -0 1 && echo self"]);
        let n: u32 = out.stdout.lines().next().and_then(|l| l.trim().parse().ok()).unwrap_or(999);
        assert!(n <= 4, "the container sees {n} processes:{out:?}");
        assert!(!out.stdout.contains("sleep"), "a host process is listed:{out:?}");
        let out = s.run(&["run", "--rm", BUSYBOX, "sh", "-c", &format!("kill -9 {pid} && echo KILLED")]);
        assert!(!out.stdout.contains("KILLED"), "{out:?}");
        assert!(sleeper.try_wait().unwrap().is_none(), "the host process died");
        let _ = sleeper.kill();
        let _ = sleeper.wait();
    }
}

const MODULE: &str = r#"
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
/* Never a real module: an ELF header and nothing else, so that even a
   kernel that let us in would refuse it before loading anything. */
static char image[64] = "\177ELF";
int main(void) {
    int ok = 0;
    if (syscall(SYS_init_module, image, sizeof image, "") == 0) { printf("INIT_MODULE\n"); ok = 1; }
    else printf("init_module: %s\n", strerror(errno));
    int fd = open("/bin/busybox", O_RDONLY);
    if (syscall(SYS_finit_module, fd, "", 0) == 0) { printf("FINIT_MODULE\n"); ok = 1; }
    else printf("finit_module: %s\n", strerror(errno));
    if (syscall(SYS_delete_module, "loop", O_NONBLOCK) == 0) { printf("DELETE_MODULE\n"); ok = 1; }
    else printf("delete_module: %s\n", strerror(errno));
    return ok;
}
"#;

both! {
    /// Module loading and unloading are refused (no CAP_SYS_MODULE; the
    /// default seccomp profile refuses them too).
    fn module_loading_refused(s) {
        s.pull(BUSYBOX);
        let dir = static_program("module", MODULE);
        let out = s.run(&["run", "--rm", "-v", &mount_arg(&dir), BUSYBOX, "/x/module"]);
        assert_eq!(out.code, 0, "{out:?}");
        assert_eq!(out.stdout.matches("Operation not permitted").count(), 3, "{out:?}");
    }
}

const REBOOT: &str = r#"
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/reboot.h>
int main(void) {
    /* Only as pid 1 of a pid namespace of its own: there the kernel never
       acts on the host (reboot_pid_ns), and CAD_OFF is refused with EINVAL
       even with CAP_SYS_BOOT. Never called in the host's pid namespace. */
    if (getpid() != 1) { printf("NOT PID 1\n"); return 2; }
    if (syscall(SYS_reboot, LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2, LINUX_REBOOT_CMD_CAD_OFF, 0) == 0) {
        printf("REBOOT CALL SUCCEEDED\n");
        return 0;
    }
    printf("reboot: %s\n", strerror(errno));
    return 1;
}
"#;

both! {
    /// reboot(2) needs CAP_SYS_BOOT, which a default container lacks
    /// (probed with LINUX_REBOOT_CMD_CAD_OFF as pid 1 of the container's
    /// pid namespace, which could not touch the host even if allowed).
    fn reboot_refused(s) {
        s.pull(BUSYBOX);
        let dir = static_program("reboot", REBOOT);
        let out = s.run(&["run", "--rm", "-v", &mount_arg(&dir), BUSYBOX, "/x/reboot"]);
        assert!(out.stdout.contains("reboot: Operation not permitted"), "{out:?}");
        // With CAP_SYS_BOOT, the pid namespace still keeps it inside.
        let out = s.run(&["run", "--rm", "--cap-add", "SYS_BOOT", "-v", &mount_arg(&dir), BUSYBOX, "/x/reboot"]);
        assert!(out.stdout.contains("reboot: Invalid argument"), "{out:?}");
    }
}

/// A host folder with a file the container must never reach, readable and
/// writable by the test's user.
fn host_secret(s: &Sangja) -> std::path::PathBuf {
    let dir = s.dir.join("hostside");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("secret"), "HOST-SECRET\n").unwrap();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o777)).unwrap();
    std::fs::set_permissions(dir.join("secret"), std::fs::Permissions::from_mode(0o666)).unwrap();
    dir
}

fn intact(dir: &std::path::Path) {
    assert_eq!(std::fs::read_to_string(dir.join("secret")).unwrap_or_default(), "HOST-SECRET\n", "the host file was touched");
}

both! {
    /// Symlinks planted in a named volume (to /, to /etc/shadow, to a host
    /// file by its host path) are never followed on the host side: not by a
    /// later run, not by `cp`, `volume rm`, `rm -v` or `volume prune`.
    fn volume_symlinks_not_followed(s) {
        s.pull(BUSYBOX);
        let host = host_secret(s);
        let secret = host.join("secret").display().to_string();
        let hostdir = host.display().to_string();
        let plant = format!(
            "ln -s / /data/root && ln -s /etc/shadow /data/shadow && ln -s {secret} /data/secret && ln -s {hostdir} /data/dir && echo planted"
        );
        s.ok(&["volume", "create", "vol"]);
        s.ok(&["run", "--rm", "-v", "vol:/data", BUSYBOX, "sh", "-c", &plant]).stdout_is("planted\n");
        // A later run resolves them inside its own root.
        let out = s.run(&["run", "--rm", "-v", "vol:/data", BUSYBOX, "sh", "-c", "cat /data/secret /data/dir/secret; ls /data/root/"]);
        assert!(!out.stdout.contains("HOST-SECRET"), "{out:?}");
        // cp out of a container: the link, or what it names inside the container; never the host's file.
        s.ok(&["create", "--name", "c", "-v", "vol:/data", BUSYBOX, "true"]);
        for path in ["c:/data/secret", "c:/data/dir/secret", "c:/data/root/etc/shadow", "c:/data/shadow"] {
            let out = s.command(&["cp", path, "-"]).output().unwrap();
            assert!(!String::from_utf8_lossy(&out.stdout).contains("HOST-SECRET"), "cp {path} - gave the host's file");
            if !s.is_rootless() {
                let host_shadow = std::fs::read("/etc/shadow").unwrap_or_default();
                let first = host_shadow.split(|b| *b == b'\n').next().unwrap_or_default().to_vec();
                let got = out.stdout.clone();
                assert!(first.is_empty() || !got.windows(first.len()).any(|w| w == first.as_slice()), "cp {path} - gave the host's /etc/shadow");
            }
        }
        // cp into the container through the planted folder link lands inside.
        let tarball = s.dir.join("in.tar");
        let py = format!(
            "import tarfile,io\nt=tarfile.open({:?},'w')\ni=tarfile.TarInfo('secret')\nd=b'OVERWRITTEN\\n'\ni.size=len(d)\nt.addfile(i,io.BytesIO(d))\nt.close()\n",
            tarball.display().to_string()
        );
        assert!(std::process::Command::new("python3").arg("-c").arg(&py).status().unwrap().success());
        std::fs::set_permissions(&tarball, std::fs::Permissions::from_mode(0o644)).unwrap();
        let mut cmd = s.command(&["cp", "-", "c:/data/dir"]);
        cmd.stdin(std::fs::File::open(&tarball).unwrap());
        let _ = cmd.output().unwrap();
        intact(&host);
        s.ok(&["rm", "c"]);
        // Removing the volume removes the links, not what they name.
        s.ok(&["volume", "rm", "vol"]);
        intact(&host);
        assert!(std::path::Path::new("/etc/passwd").exists() && std::path::Path::new("/bin/sh").exists());
        // An anonymous volume, removed with its container (rm -v) and by prune.
        s.ok(&["run", "--name", "anon", "-v", "/data", BUSYBOX, "sh", "-c", &plant]);
        s.ok(&["rm", "-v", "anon"]);
        intact(&host);
        s.ok(&["volume", "create", "vol2"]);
        s.ok(&["run", "--rm", "-v", "vol2:/data", BUSYBOX, "sh", "-c", &plant]);
        s.ok(&["volume", "prune", "-f"]);
        intact(&host);
    }
}

both! {
    /// The same through a bind mount: the container plants links in a host
    /// folder; sangja's later work on the container does not follow them.
    fn bind_mount_symlinks_not_followed(s) {
        s.pull(BUSYBOX);
        let host = host_secret(s);
        let secret = host.join("secret").display().to_string();
        let shared = s.dir.join("shared");
        std::fs::create_dir_all(&shared).unwrap();
        std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o777)).unwrap();
        let bind = format!("{}:/data", shared.display());
        let plant = format!("ln -s / /data/root && ln -s {secret} /data/secret && echo planted");
        s.ok(&["run", "--name", "c", "-v", &bind, BUSYBOX, "sh", "-c", &plant]).stdout_is("planted\n");
        for path in ["c:/data/secret", "c:/data/root/etc/passwd"] {
            let out = s.command(&["cp", path, "-"]).output().unwrap();
            assert!(!String::from_utf8_lossy(&out.stdout).contains("HOST-SECRET"), "cp {path} - gave the host's file");
        }
        let out = s.run(&["run", "--rm", "-v", &bind, BUSYBOX, "cat", "/data/secret"]);
        assert!(!out.stdout.contains("HOST-SECRET"), "{out:?}");
        s.ok(&["rm", "-v", "c"]);
        intact(&host);
        // The bind mount's folder is the user's: left as it is.
        assert!(std::fs::symlink_metadata(shared.join("secret")).is_ok_and(|m| m.file_type().is_symlink()));
    }
}
