//! /proc/self/exe (the runc CVE-2019-5736 class): until it execs, a
//! container's first process and an exec'd one are sangja inside the
//! container; a file starting `#!/proc/self/exe` makes the kernel run the
//! binary of the process that execs it, here as the container's command
//! (run) or an exec'd one. The container must never reach the host's binary:
//!
//! - the script runs sangja inside with an LD_PRELOAD library of the
//!   attacker's (the CVE's exploit overwrote the image's libc instead),
//!   whose constructor opens /proc/self/exe: it must not be the host's file
//!   (same device and inode), and opening it for writing must fail with
//!   EROFS (the sealed view), not merely ETXTBSY (busy for now);
//! - a scanner inside opens every /proc/PID/exe while exec helpers (sangja
//!   until they exec) come and go: never the host's file, never writable;
//! - the binary's bytes stay the same.

#[allow(unused_imports)]
use crate::helpers::*;
#[allow(unused_imports)]
use crate::util::*;
use std::fs;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// Scans /proc/*/exe for `seconds`: prints HIT for an exe that is the host
/// binary (argv dev, ino), WRITE-OPEN when one named like sangja opens for
/// writing, then SCANS with the count.
const SCAN: &str = r#"
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

static int try_write(int pathfd) {
    char p[64];
    snprintf(p, sizeof p, "/proc/self/fd/%d", pathfd);
    /* Wait out ETXTBSY: the attack reopens once the binary is idle. */
    for (int i = 0; i < 200; i++) {
        int w = open(p, O_WRONLY);
        if (w >= 0) { close(w); return 0; }
        if (errno != ETXTBSY) return errno;
        usleep(5000);
    }
    return ETXTBSY;
}

int main(int argc, char **argv) {
    unsigned long long dev = strtoull(argv[1], 0, 10), ino = strtoull(argv[2], 0, 10);
    int seconds = atoi(argv[3]);
    time_t end = time(0) + seconds;
    long scans = 0, hits = 0, seen = 0;
    while (time(0) < end) {
        DIR *d = opendir("/proc");
        if (!d) return 2;
        struct dirent *e;
        while ((e = readdir(d))) {
            if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
            if (atoi(e->d_name) == getpid()) continue;
            char p[64], link[512];
            snprintf(p, sizeof p, "/proc/%s/exe", e->d_name);
            int fd = open(p, O_PATH | O_CLOEXEC);
            if (fd < 0) continue;
            struct stat st;
            ssize_t n = readlink(p, link, sizeof link - 1);
            link[n > 0 ? n : 0] = 0;
            if (fstat(fd, &st) == 0 && (unsigned long long)st.st_dev == dev && (unsigned long long)st.st_ino == ino) {
                hits++;
                printf("HIT pid %s exe %s write-open errno %d\n", e->d_name, link, try_write(fd));
                fflush(stdout);
            } else if (n > 0 && strstr(link, "sangja")) {
                seen++;
                int r = try_write(fd);
                if (r == 0) { printf("WRITE-OPEN pid %s exe %s\n", e->d_name, link); fflush(stdout); }
            }
            close(fd);
        }
        closedir(d);
        scans++;
    }
    printf("SCANS %ld HITS %ld SANGJA-SEEN %ld\n", scans, hits, seen);
    return 0;
}
"#;

/// A folder with the scanner and a script whose interpreter is /proc/self/exe.
fn attack_dir(s: &Sangja) -> PathBuf {
    let bin = static_program("exe_scan", SCAN);
    let dir = s.dir.join("exeattack");
    fs::create_dir_all(&dir).unwrap();
    fs::copy(bin.join("exe_scan"), dir.join("scan")).unwrap();
    fs::write(dir.join("selfexe"), "#!/proc/self/exe\n").unwrap();
    for f in ["scan", "selfexe"] {
        fs::set_permissions(dir.join(f), fs::Permissions::from_mode(0o755)).unwrap();
    }
    fs::set_permissions(&dir, fs::Permissions::from_mode(0o755)).unwrap();
    dir
}

/// The attacker's library: run inside sangja by the loader, before main.
const PRELOAD: &str = r#"
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

__attribute__((constructor)) static void evil(void) {
    const char *dev = getenv("HOST_DEV"), *ino = getenv("HOST_INO");
    if (!dev || !ino) return;
    char link[512];
    ssize_t n = readlink("/proc/self/exe", link, sizeof link - 1);
    link[n > 0 ? n : 0] = 0;
    printf("INSIDE-SANGJA exe %s\n", link);
    int fd = open("/proc/self/exe", O_PATH | O_CLOEXEC);
    struct stat st;
    if (fd >= 0 && fstat(fd, &st) == 0 && (unsigned long long)st.st_dev == strtoull(dev, 0, 10)
        && (unsigned long long)st.st_ino == strtoull(ino, 0, 10))
        printf("HIT the host binary\n");
    int w = open("/proc/self/exe", O_WRONLY);
    if (w >= 0) printf("WRITE-OPEN of /proc/self/exe\n");
    else printf("write-open: %s\n", strerror(errno));
    fflush(stdout);
    _exit(0);
}
"#;

/// Compiles the preload library into `dir` (dynamic: it is loaded by the
/// host's loader, mounted into the container with its libraries).
fn preload_into(dir: &Path) {
    let src = dir.join("evil.c");
    fs::write(&src, PRELOAD).unwrap();
    let out = std::process::Command::new("cc")
        .args(["-shared", "-fPIC", "-O1", "-o"])
        .arg(dir.join("evil.so"))
        .arg(&src)
        .output()
        .expect("run cc");
    assert!(out.status.success(), "cc evil.c:\n{}", String::from_utf8_lossy(&out.stderr));
    fs::set_permissions(dir.join("evil.so"), fs::Permissions::from_mode(0o755)).unwrap();
}

/// Rootless, the binary the tests run is root's (0755): no container of
/// the user can write it, so sangja does not re-execute (selfexe.rs); the
/// attack then must still find it unwritable. The user's own copy (as from
/// `cargo install`) is writable by the container's root: that one must be
/// the sealed view. Returns the user's copy (None as root).
fn users_copy(s: &Sangja) -> Option<PathBuf> {
    let Mode::Rootless { user, .. } = &s.mode else { return None };
    let bin = s.dir.join("own-sangja");
    fs::copy(binary(), &bin).unwrap();
    fs::set_permissions(&bin, fs::Permissions::from_mode(0o755)).unwrap();
    if is_root() {
        std::os::unix::fs::chown(&bin, Some(user.uid), Some(user.gid)).unwrap();
    }
    Some(bin)
}

#[track_caller]
fn unwritable_inside(out: &Out) {
    assert!(out.stdout.contains("INSIDE-SANGJA"), "the script did not run sangja in the container:{out:?}");
    assert!(!out.stdout.contains("WRITE-OPEN"), "the container opened sangja's binary for writing:{out:?}");
}

#[track_caller]
fn sealed_inside(out: &Out) {
    assert!(out.stdout.contains("INSIDE-SANGJA"), "the script did not run sangja in the container:{out:?}");
    assert!(!out.stdout.contains("HIT"), "the container reached the host's sangja binary:{out:?}");
    assert!(!out.stdout.contains("WRITE-OPEN"), "the container opened sangja's binary for writing:{out:?}");
    assert!(out.stdout.contains("write-open: Read-only file system"), "sangja's binary in the container is not the sealed view:{out:?}");
}

fn hash(p: &Path) -> u64 {
    let bytes = fs::read(p).unwrap();
    let mut h: u64 = 0xcbf29ce484222325;
    for b in bytes {
        h ^= b as u64;
        h = h.wrapping_mul(0x100000001b3);
    }
    h
}

/// The host's loader and C library, read-only where a glibc image has them:
/// sangja is linked dynamically, and the kernel runs it in the container
/// only where its loader is found there (busybox has none).
fn libs() -> Vec<String> {
    vec!["-v".into(), "/lib64:/lib64:ro".into(), "-v".into(), "/lib/x86_64-linux-gnu:/lib/x86_64-linux-gnu:ro".into()]
}

/// The device and inode of the binary at `bin`, as the attack compares them.
fn dev_ino(bin: &Path) -> (String, String) {
    let m = fs::metadata(bin).unwrap();
    (m.dev().to_string(), m.ino().to_string())
}

#[track_caller]
fn nothing_reached(out: &str, what: &str) {
    assert!(out.contains("SCANS "), "{what}: the scanner did not finish:\n{out}");
    assert!(!out.contains("HIT pid"), "{what}: the container held the host's sangja binary:\n{out}");
    assert!(!out.contains("WRITE-OPEN"), "{what}: the container opened a sangja binary for writing:\n{out}");
}

both!(
    /// `exec`: exec helpers (sangja until they exec) come and go, some of
    /// them running the script, while the scanner runs in the container.
    fn exec_self_exe_never_reaches_host_binary(s) {
        let dir = attack_dir(s);
        let before = hash(binary());
        s.pull(BUSYBOX);
        // Rootless, the exec helpers run from the user's own copy: the one
        // a container could write, so the one that must be sealed.
        let own = users_copy(s);
        let (dev, ino) = dev_ino(own.as_deref().unwrap_or(binary()));
        let exec = |args: &[&str]| match &own { Some(b) => s.run_binary(b, args), None => s.run(args) };
        let x = format!("{}:/x:ro", dir.display());
        let mut args: Vec<String> = ["run", "-d", "--name", "exeexec", "-v", &x].iter().map(|a| a.to_string()).collect();
        args.extend(libs());
        args.extend([BUSYBOX, "sleep", "300"].iter().map(|a| a.to_string()));
        s.ok(&args);
        s.ok(&["exec", "-d", "exeexec", "sh", "-c", &format!("/x/scan {dev} {ino} 6 > /tmp/scan.out")]);
        let start = std::time::Instant::now();
        let mut n = 0;
        while start.elapsed() < std::time::Duration::from_secs(4) {
            exec(&["exec", "exeexec", "/x/selfexe"]);
            exec(&["exec", "exeexec", "true"]);
            n += 1;
        }
        assert!(n > 0);
        std::thread::sleep(std::time::Duration::from_secs(3));
        let out = s.ok(&["exec", "exeexec", "cat", "/tmp/scan.out"]);
        nothing_reached(&out.stdout, "exec");
        assert_eq!(hash(binary()), before, "the host's sangja binary changed");
        s.run(&["rm", "-f", "-t", "0", "exeexec"]);
    }
);

both!(
    /// `run IMAGE /x/selfexe`: the container's first exec runs sangja inside.
    fn run_self_exe_script_never_reaches_host_binary(s) {
        let dir = attack_dir(s);
        preload_into(&dir);
        let before = hash(binary());
        s.pull(BUSYBOX);
        let (dev, ino) = dev_ino(binary());
        let x = format!("{}:/x:ro", dir.display());
        let (d, i) = (format!("HOST_DEV={dev}"), format!("HOST_INO={ino}"));
        let mut args: Vec<String> = ["run", "--rm", "-v", &x, "-e", "LD_PRELOAD=/x/evil.so", "-e", &d, "-e", &i].iter().map(|a| a.to_string()).collect();
        args.extend(libs());
        args.extend([BUSYBOX, "/x/selfexe"].iter().map(|a| a.to_string()));
        let out = s.run(&args);
        match users_copy(s) {
            None => sealed_inside(&out),
            Some(own) => {
                unwritable_inside(&out);
                let (od, oi) = dev_ino(&own);
                let own_before = hash(&own);
                let swap = |a: &String| if *a == d { format!("HOST_DEV={od}") } else if *a == i { format!("HOST_INO={oi}") } else { a.clone() };
                let out = s.run_binary(&own, &args.iter().map(swap).collect::<Vec<_>>());
                sealed_inside(&out);
                assert_eq!(hash(&own), own_before, "the user's own sangja binary changed");
            }
        }
        assert_eq!(hash(binary()), before, "the host's sangja binary changed");
    }
);

both!(
    /// `exec CTR /x/selfexe`: the exec helper's exec runs sangja inside.
    fn exec_self_exe_script_never_reaches_host_binary(s) {
        let dir = attack_dir(s);
        preload_into(&dir);
        let before = hash(binary());
        s.pull(BUSYBOX);
        let (dev, ino) = dev_ino(binary());
        let x = format!("{}:/x:ro", dir.display());
        let mut args: Vec<String> = ["run", "-d", "--name", "exescript", "-v", &x].iter().map(|a| a.to_string()).collect();
        args.extend(libs());
        args.extend([BUSYBOX, "sleep", "300"].iter().map(|a| a.to_string()));
        s.ok(&args);
        let (d, i) = (format!("HOST_DEV={dev}"), format!("HOST_INO={ino}"));
        let out = s.run(&["exec", "-e", "LD_PRELOAD=/x/evil.so", "-e", &d, "-e", &i, "exescript", "/x/selfexe"]);
        match users_copy(s) {
            None => sealed_inside(&out),
            Some(own) => {
                unwritable_inside(&out);
                let (od, oi) = dev_ino(&own);
                let (od, oi) = (format!("HOST_DEV={od}"), format!("HOST_INO={oi}"));
                let out = s.run_binary(&own, &["exec", "-e", "LD_PRELOAD=/x/evil.so", "-e", &od, "-e", &oi, "exescript", "/x/selfexe"]);
                sealed_inside(&out);
            }
        }
        assert_eq!(hash(binary()), before, "the host's sangja binary changed");
        s.run(&["rm", "-f", "-t", "0", "exescript"]);
    }
);
