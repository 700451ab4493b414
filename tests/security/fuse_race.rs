//! The FUSE overlay's server runs in the host's namespaces (real root when
//! rootful) and must never resolve a path outside the layers, whatever the
//! container does meanwhile. The attack: a listing of a folder (the server
//! looks every entry up under the folder's path) races renames of that
//! folder through names never used again (n0 -> n1 -> ...), which can leave
//! an entry's node with a stale path `nI/x_K`; the container then turns every
//! old name into a symlink to a host folder and opens `nLAST/x_K/mR`. A server
//! that resolves the stale path from the upper layer's root follows the
//! symlink and serves the host's `HOST_DIR/x_K/mR`. The host folder holds a
//! marker with unique content under every name the attack probes; the
//! container must never read it, in a bounded number of rounds.
//!
//! The race window (between a lookup taking its folder's path and recording
//! the child's) is a few hundred nanoseconds: on the code before the fix
//! this harness did not win it in its rounds here. The unit tests in
//! src/storage/fuse/escape_tests.rs build the node such a lost race leaves
//! and show the host file read through it before the fix.

use crate::helpers::*;
use crate::util::*;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;

/// Entries of the raced folder (each one a lookup per listing).
const ENTRIES: usize = 48;
/// Most rounds (one probe name per round on the host).
const ROUNDS: usize = 4000;
/// Renames per round.
const RENAMES: usize = 40;
/// Seconds the race runs at most.
const SECONDS: u32 = 12;

/// The attack: a reader thread lists /race/a in a loop; the main thread
/// renames a to b, plants the symlink a -> HOST, opens b/x_K/mR for every K,
/// and puts things back. Prints `LEAK ...` with what it read through the
/// stale nodes, and `rounds N` at the end.
const RACE_C: &str = r#"
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static atomic_int stop, listed;
static int dirfd_;

/* Lists the raced folder through an fd held on it (whatever its name is
   now): the server looks every entry up under the folder's current path.
   A change inside it first, so the kernel does not answer from its cache. */
static void *reader(void *arg) {
    (void)arg;
    char buf[32768];
    while (!atomic_load(&stop)) {
        mknodat(dirfd_, "t", S_IFREG | 0644, 0);
        unlinkat(dirfd_, "t", 0);
        lseek(dirfd_, 0, SEEK_SET);
        while (syscall(SYS_getdents64, dirfd_, buf, sizeof buf) > 0) {}
        atomic_fetch_add(&listed, 1);
    }
    return 0;
}

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    if (argc != 6) { fprintf(stderr, "usage: race HOSTDIR ENTRIES ROUNDS RENAMES SECONDS\n"); return 2; }
    const char *host = argv[1];
    int entries = atoi(argv[2]), rounds = atoi(argv[3]), renames = atoi(argv[4]);
    double end = now() + atof(argv[5]);
    char p[512], q[512], got[256];
    if (mkdir("/race", 0755) || chdir("/race") || mkdir("n0", 0755)) { perror("setup"); return 2; }
    for (int k = 0; k < entries; k++) {
        snprintf(p, sizeof p, "n0/x_%d", k);
        if (mkdir(p, 0755)) { perror("mkdir"); return 2; }
    }
    dirfd_ = open("n0", O_RDONLY | O_DIRECTORY);
    if (dirfd_ < 0) { perror("open"); return 2; }
    pthread_t t[2];
    for (int i = 0; i < 2; i++) pthread_create(&t[i], 0, reader, 0);
    int r, leaks = 0, name = 0, first;
    for (r = 0; r < rounds && now() < end; r++) {
        /* A chain of renames to names never used again, while the folder
           is listed: a node left with an old name stays stale. */
        first = name;
        for (int i = 0; i < renames; i++) {
            snprintf(p, sizeof p, "n%d", name);
            snprintf(q, sizeof q, "n%d", name + 1);
            if (rename(p, q)) { perror("rename"); return 2; }
            name++;
        }
        /* Every old name becomes a symlink to the host folder. */
        for (int n = first; n < name; n++) {
            snprintf(p, sizeof p, "n%d", n);
            if (symlink(host, p)) { perror("symlink"); return 2; }
        }
        for (int k = 0; k < entries; k++) {
            snprintf(p, sizeof p, "n%d/x_%d/m%d", name, k, r);
            int fd = open(p, O_RDONLY);
            if (fd < 0) continue;
            ssize_t n = read(fd, got, sizeof got - 1);
            close(fd);
            got[n > 0 ? n : 0] = 0;
            printf("LEAK round %d entry %d: %s\n", r, k, got);
            leaks++;
        }
        for (int n = first; n < name; n++) {
            snprintf(p, sizeof p, "n%d", n);
            unlink(p);
        }
    }
    atomic_store(&stop, 1);
    for (int i = 0; i < 2; i++) pthread_join(t[i], 0);
    printf("rounds %d renames %d leaks %d listings %d\n", r, name, leaks, atomic_load(&listed));
    return 0;
}
"#;

/// The host folder the attack aims at: `x_K` for every entry (symlinks to
/// `common`) and `common/mR` for every round, all one marker file.
fn host_dir(s: &Sangja, marker: &str) -> PathBuf {
    let base = PathBuf::from("/tmp/sangja-tests");
    fs::create_dir_all(&base).unwrap();
    let dir = base.join(format!("fuse-race-{}", s.dir.file_name().unwrap().to_string_lossy()));
    let _ = fs::remove_dir_all(&dir);
    let common = dir.join("common");
    fs::create_dir_all(&common).unwrap();
    let first = common.join("m0");
    fs::write(&first, marker).unwrap();
    // Writable for the server (it opens upper-layer files read-write): the
    // test user's own file when rootless.
    if let Mode::Rootless { user, switch: true } = &s.mode {
        std::os::unix::fs::chown(&first, Some(user.uid), Some(user.gid)).unwrap();
    }
    fs::set_permissions(&first, fs::Permissions::from_mode(0o644)).unwrap();
    for r in 1..ROUNDS {
        fs::hard_link(&first, common.join(format!("m{r}"))).unwrap();
    }
    for k in 0..ENTRIES {
        std::os::unix::fs::symlink("common", dir.join(format!("x_{k}"))).unwrap();
    }
    for d in [&base, &dir, &common] {
        fs::set_permissions(d, fs::Permissions::from_mode(0o755)).unwrap();
    }
    dir
}

both! {
    /// Renames and symlink swaps racing listings never let the FUSE server
    /// serve a host file.
    fn fuse_overlay_rename_race_never_shows_a_host_file(s) {
        s.ok(&["--storage-driver", "fuse-overlay", "pull", "-q", "--tls-verify=false", BUSYBOX]);
        let marker = format!("HOST-MARKER-{}-{:?}", std::process::id(), std::time::SystemTime::now());
        let host = host_dir(s, &marker);
        let prog = static_program("fuse_race", RACE_C);
        let out = s.run(&[
            "run", "--rm", "-v", &mount_arg(&prog), BUSYBOX, "/x/fuse_race",
            &host.display().to_string(), &ENTRIES.to_string(), &ROUNDS.to_string(), &RENAMES.to_string(), &SECONDS.to_string(),
        ]);
        let _ = fs::remove_dir_all(&host);
        assert_eq!(out.code, 0, "{out:?}");
        let last = out.stdout.lines().last().unwrap_or_default().to_string();
        assert!(last.starts_with("rounds "), "the race did not finish: {out:?}");
        eprintln!("{last}");
        assert!(!out.stdout.contains(&marker), "the container read a host file through the FUSE overlay:\n{}", out.stdout);
        assert!(!out.stdout.contains("LEAK"), "the container opened a host path through the FUSE overlay:\n{}", out.stdout);
    }
}
