//! No fd of the tool reaches a container (the CVE-2024-21626 class again,
//! for the processes of the API service, issue 20): a container started
//! through `system service` (the docker CLI against it) or through the CLI,
//! and a process exec'd into either by either, holds 0, 1 and 2 and nothing
//! else (plus the ones the user passes with `--preserve-fds`). None of its
//! fds is the service's socket, a socket of the service's spawner (the
//! small process the rootless service leaves in the host's user namespace
//! to start exec/export/cp workers, engine spawner.rs), a host folder or
//! file; the service's socket cannot be reached by path from inside, even
//! with the host's network (its name is in /proc/net/unix then); and every
//! fd the service and the spawner hold is close-on-exec, the spawner's
//! socket without a name. Also as a socket-activated service (LISTEN_FDS:
//! its listener at fd 3, which main() keeps as the user's fds of a run),
//! whose spawner, forked before the service takes the listener, must not
//! hand systemd's LISTEN_* variables on to its workers.
//!
//! A program in the container lists its fds (or pid 1's) with what they
//! are, and tries to connect to every unix socket name it can see.

#[allow(unused_imports)]
use crate::helpers::*;
#[allow(unused_imports)]
use crate::util::*;
use std::collections::BTreeSet;
use std::ffi::OsStr;
use std::io::{Read, Write};
use std::os::fd::{AsRawFd, OwnedFd};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::net::{UnixListener, UnixStream};
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// `fdlist [-p PID] [-u] [PATH...]`: prints `FD N KIND LINK` for each fd of
/// itself (its own directory stream left out) or of PID, `CONNECT NAME
/// INODE ok|ERROR` for each unix socket named in /proc/net/unix (`-u`) and
/// each PATH, `ENV NAME=VALUE` for the socket-passing variables, then
/// `FDLIST-END`.
const FDLIST: &str = r#"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

static const char *kind(mode_t m) {
    if (S_ISDIR(m)) return "dir";
    if (S_ISREG(m)) return "file";
    if (S_ISSOCK(m)) return "sock";
    if (S_ISFIFO(m)) return "fifo";
    if (S_ISCHR(m)) return "chr";
    if (S_ISBLK(m)) return "blk";
    return "other";
}

static void try_connect(const char *name, unsigned long inode, int type) {
    struct sockaddr_un a;
    memset(&a, 0, sizeof a);
    a.sun_family = AF_UNIX;
    socklen_t len;
    size_t n = strlen(name);
    if (n >= sizeof a.sun_path) n = sizeof a.sun_path - 1;
    if (name[0] == '@') {
        memcpy(a.sun_path + 1, name + 1, n - 1);
        len = offsetof(struct sockaddr_un, sun_path) + n;
    } else {
        memcpy(a.sun_path, name, n);
        len = sizeof a;
    }
    int s = socket(AF_UNIX, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (s < 0) return;
    int r = connect(s, (struct sockaddr *)&a, len);
    printf("CONNECT %s %lu %s\n", name, inode, r == 0 || errno == EAGAIN || errno == EINPROGRESS ? "ok" : strerror(errno));
    close(s);
}

int main(int argc, char **argv) {
    char dir[64] = "/proc/self/fd";
    int self = 1, net = 0, i = 1;
    for (; i < argc; i++) {
        if (!strcmp(argv[i], "-p") && i + 1 < argc) {
            snprintf(dir, sizeof dir, "/proc/%s/fd", argv[++i]);
            self = 0;
        } else if (!strcmp(argv[i], "-u")) {
            net = 1;
        } else break;
    }
    DIR *d = opendir(dir);
    if (!d) {
        printf("FDLIST-ERROR %s %s\n", dir, strerror(errno));
        return 1;
    }
    int own = dirfd(d);
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        int fd = atoi(e->d_name);
        if (self && fd == own) continue;
        char path[512], link[4096];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        ssize_t n = readlink(path, link, sizeof link - 1);
        link[n < 0 ? 0 : n] = 0;
        struct stat st;
        printf("FD %d %s %s\n", fd, stat(path, &st) == 0 ? kind(st.st_mode) : "gone", link);
    }
    closedir(d);
    if (net) {
        FILE *f = fopen("/proc/net/unix", "r");
        char line[512];
        if (f && fgets(line, sizeof line, f)) {
            while (fgets(line, sizeof line, f)) {
                unsigned int flags, type;
                unsigned long inode;
                char name[300];
                /* Listening sockets (__SO_ACCEPTCON) and datagram ones:
                   what a name leads to. */
                if (sscanf(line, "%*s %*s %*s %x %x %*s %lu %299s", &flags, &type, &inode, name) == 4 && inode != 0
                    && ((flags & 0x10000) || type == SOCK_DGRAM))
                    try_connect(name, inode, (int)type);
            }
        }
        if (f) fclose(f);
    }
    for (; i < argc; i++) {
        try_connect(argv[i], 0, SOCK_STREAM);
        struct stat st;
        printf("STAT %s %s\n", argv[i], stat(argv[i], &st) == 0 ? "exists" : strerror(errno));
    }
    const char *vars[] = {"LISTEN_FDS", "LISTEN_PID", "LISTEN_FDNAMES", "_SANGJA_HOST_UID"};
    for (int v = 0; v < 4; v++)
        if (getenv(vars[v])) printf("ENV %s=%s\n", vars[v], getenv(vars[v]));
    printf("FDLIST-END\n");
    return 0;
}
"#;

/// One fd as the program in the container saw it.
#[derive(Debug)]
struct Seen {
    fd: i32,
    kind: String,
    link: String,
}

/// What `fdlist` printed, parsed.
#[derive(Debug)]
struct Listing {
    fds: Vec<Seen>,
    /// (name, inode in /proc/net/unix or 0, "ok" or the error)
    connects: Vec<(String, u64, String)>,
    stats: Vec<String>,
    env: Vec<String>,
}

#[track_caller]
fn parse(what: &str, out: &Out) -> Listing {
    assert!(out.stdout.contains("FDLIST-END"), "{what}: the fd list did not run to its end:{out:?}");
    let mut l = Listing { fds: Vec::new(), connects: Vec::new(), stats: Vec::new(), env: Vec::new() };
    for line in out.stdout.lines().map(|x| x.trim_end_matches('\r')) {
        let parts: Vec<&str> = line.splitn(4, ' ').collect();
        match parts.as_slice() {
            ["FD", fd, kind, link] => l.fds.push(Seen { fd: fd.parse().unwrap(), kind: kind.to_string(), link: link.to_string() }),
            ["FD", fd, kind] => l.fds.push(Seen { fd: fd.parse().unwrap(), kind: kind.to_string(), link: String::new() }),
            ["CONNECT", name, inode, result] => l.connects.push((name.to_string(), inode.parse().unwrap_or(0), result.to_string())),
            ["STAT", ..] => l.stats.push(line.to_string()),
            ["ENV", ..] => l.env.push(line.to_string()),
            _ => {}
        }
    }
    l
}

/// The socket inodes `pid` holds (`socket:[N]`).
fn socket_inodes(pid: u32) -> BTreeSet<u64> {
    let Ok(dir) = std::fs::read_dir(format!("/proc/{pid}/fd")) else { return BTreeSet::new() };
    dir.filter_map(|e| std::fs::read_link(e.ok()?.path()).ok())
        .filter_map(|t| t.to_str()?.strip_prefix("socket:[")?.strip_suffix(']')?.parse().ok())
        .collect()
}

/// The live children of `pid`.
fn children(pid: u32) -> Vec<u32> {
    let mut out = Vec::new();
    for e in std::fs::read_dir("/proc").unwrap().flatten() {
        let Some(child) = e.file_name().to_str().and_then(|n| n.parse::<u32>().ok()) else { continue };
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{child}/stat")) else { continue };
        // "PID (COMM) STATE PPID ...": comm may hold spaces and parens.
        let ppid = stat.rsplit_once(')').and_then(|(_, rest)| rest.split_whitespace().nth(1)).and_then(|p| p.parse::<u32>().ok());
        if ppid == Some(pid) {
            out.push(child);
        }
    }
    out
}

fn user_ns(pid: u32) -> PathBuf {
    std::fs::read_link(format!("/proc/{pid}/ns/user")).unwrap_or_default()
}

/// The fds above 2 of `pid` that are not close-on-exec, with what they are.
fn inheritable_fds(pid: u32) -> Vec<String> {
    let mut out = Vec::new();
    let Ok(dir) = std::fs::read_dir(format!("/proc/{pid}/fdinfo")) else { return out };
    for e in dir.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if name.parse::<u32>().map_or(true, |n| n <= 2) {
            continue;
        }
        let Ok(info) = std::fs::read_to_string(e.path()) else { continue };
        let flags = info.lines().find_map(|l| l.strip_prefix("flags:")).and_then(|f| u32::from_str_radix(f.trim(), 8).ok());
        if flags.is_some_and(|f| f & libc::O_CLOEXEC as u32 == 0) {
            let what = std::fs::read_link(format!("/proc/{pid}/fd/{name}")).unwrap_or_default();
            out.push(format!("fd {name} ({}) of pid {pid}", what.display()));
        }
    }
    out
}

/// The names /proc/net/unix (of `pid`'s network namespace) gives the sockets `inodes`.
fn socket_names(pid: u32, inodes: &BTreeSet<u64>) -> Vec<String> {
    let table = std::fs::read_to_string(format!("/proc/{pid}/net/unix")).unwrap_or_default();
    table
        .lines()
        .skip(1)
        .filter_map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            let inode: u64 = f.get(6)?.parse().ok()?;
            (inodes.contains(&inode) && f.len() > 7).then(|| format!("{} (inode {inode})", f[7]))
        })
        .collect()
}

/// Whether the service on `sock` answers /_ping.
fn pinged(sock: &std::path::Path) -> bool {
    let Ok(mut c) = UnixStream::connect(sock) else { return false };
    let _ = c.set_read_timeout(Some(Duration::from_secs(10)));
    if c.write_all(b"GET /_ping HTTP/1.1\r\nHost: d\r\nConnection: close\r\n\r\n").is_err() {
        return false;
    }
    let mut out = String::new();
    let _ = c.read_to_string(&mut out);
    out.starts_with("HTTP/1.1 200") && out.ends_with("OK")
}

/// A `system service` of the test's store, started by the test.
struct Service {
    running: Option<Running>,
    sock: PathBuf,
}

impl Service {
    /// Listening on DIR/fds.sock; with `activated`, as systemd starts it:
    /// the socket bound by the test and passed as fd 3 with LISTEN_FDS=1.
    fn start(s: &Sangja, activated: bool) -> Service {
        let sock = s.dir.join("fds.sock");
        let running = if activated {
            let listener = UnixListener::bind(&sock).unwrap();
            if let Mode::Rootless { user, switch: true } = &s.mode {
                std::os::unix::fs::chown(&sock, Some(user.uid), Some(user.gid)).unwrap();
            }
            std::fs::set_permissions(&sock, std::fs::Permissions::from_mode(0o600)).unwrap();
            let fd: OwnedFd = listener.into();
            let raw = fd.as_raw_fd();
            let mut cmd = s.command(&["system", "service", "--time", "0"]);
            cmd.env("LISTEN_FDS", "1").env("LISTEN_FDNAMES", "sangja.socket");
            // SAFETY: only dup2/fcntl between fork and exec.
            unsafe {
                cmd.pre_exec(move || {
                    // dup2 onto itself would leave it close-on-exec.
                    let r = if raw == 3 { libc::fcntl(3, libc::F_SETFD, 0) } else { libc::dup2(raw, 3) };
                    if r < 0 {
                        Err(std::io::Error::last_os_error())
                    } else {
                        Ok(())
                    }
                });
            }
            let child = spawn_retry(&mut cmd);
            drop(fd);
            Running::new(child, "LISTEN_FDS=1 sangja system service".into())
        } else {
            s.spawn(&["system", "service", "--time", "0", &format!("unix://{}", sock.display())])
        };
        // An answer, not a connection: an activated service's socket
        // accepts before the service runs.
        let deadline = Instant::now() + Duration::from_secs(20);
        while !pinged(&sock) {
            assert!(Instant::now() < deadline, "the service never answered on {}", sock.display());
            std::thread::sleep(Duration::from_millis(20));
        }
        Service { running: Some(running), sock }
    }

    fn pid(&self) -> u32 {
        self.running.as_ref().unwrap().pid()
    }

    /// The service's spawner: its child left in the host's user namespace
    /// (rootless only; as root the service starts its workers itself).
    fn spawner(&self, s: &Sangja) -> Option<u32> {
        let pid = self.pid();
        let ours = user_ns(pid);
        // The tests run in the host's user namespace (pid 1's may not be readable).
        let host = std::fs::read_link("/proc/self/ns/user").unwrap();
        let found: Vec<u32> = children(pid).into_iter().filter(|c| user_ns(*c) == host && user_ns(*c) != ours).collect();
        if s.is_rootless() {
            assert!(ours != host, "the rootless service runs in a user namespace of its own");
            assert!(!found.is_empty(), "the rootless service has no spawner in the host's user namespace");
        }
        found.into_iter().min()
    }

    /// Every socket the service and its spawner hold; checks on the way that
    /// every fd above 2 of both is close-on-exec and that the spawner's
    /// sockets have no name anything could connect to.
    #[track_caller]
    fn sockets(&self, s: &Sangja) -> BTreeSet<u64> {
        let pid = self.pid();
        let mut all = socket_inodes(pid);
        assert!(!all.is_empty(), "the service holds no socket: is pid {pid} the service?");
        assert_eq!(inheritable_fds(pid), Vec::<String>::new(), "the service holds fds a program it starts would inherit");
        if let Some(sp) = self.spawner(s) {
            let theirs = socket_inodes(sp);
            assert!(!theirs.is_empty(), "the spawner (pid {sp}) holds no socket");
            assert_eq!(inheritable_fds(sp), Vec::<String>::new(), "the spawner holds fds a worker would inherit");
            assert_eq!(socket_names(sp, &theirs), Vec::<String>::new(), "the spawner's socket has a name: anyone could reach it");
            all.extend(theirs);
        }
        all
    }

    /// `docker ARGS` as the test's user, against this service.
    fn docker<S: AsRef<OsStr>>(&self, s: &Sangja, args: &[S], stdin: Option<&str>) -> Out {
        let mut cmd = Command::new(docker_bin().unwrap());
        cmd.args(args).env_clear();
        cmd.env("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        cmd.env("DOCKER_HOST", format!("unix://{}", self.sock.display()));
        cmd.env("HOME", &s.dir).env("DOCKER_CONFIG", s.dir.join(".docker"));
        cmd.current_dir(&s.dir);
        if let Mode::Rootless { user, switch: true } = &s.mode {
            cmd.uid(user.uid).gid(user.gid);
        }
        cmd.stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() }).stdout(Stdio::piped()).stderr(Stdio::piped());
        let line: Vec<String> = args.iter().map(|a| a.as_ref().to_string_lossy().into_owned()).collect();
        wait_output(spawn_retry(&mut cmd), format!("docker {}", line.join(" ")), stdin.map(str::as_bytes), TIMEOUT)
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        if let Some(r) = self.running.take() {
            r.signal("TERM");
            let _ = r.finish();
        }
    }
}

fn docker_bin() -> Option<PathBuf> {
    ["/usr/local/bin/docker", "/usr/bin/docker"].iter().map(PathBuf::from).find(|p| p.exists())
}

/// What each listing must show: exactly 0, 1, 2 and `extra` open; 0-2 a
/// pipe, a character device (/dev/null, the pty) or a socket of nobody
/// here, never a host folder or file; no fd anywhere one of `forbidden`
/// (the service's and the spawner's sockets); no connection made to one
/// of those by name; no socket-activation variable of the service.
#[track_caller]
fn check(what: &str, out: &Out, extra: &[i32], forbidden: &BTreeSet<u64>) {
    let l = parse(what, out);
    let summary: Vec<String> = l.fds.iter().map(|f| format!("{}={} {}", f.fd, f.kind, f.link)).collect();
    let reached = l.connects.iter().filter(|c| c.2 == "ok").count();
    eprintln!("{what}: {}; {} socket names tried, {reached} answered", summary.join(", "), l.connects.len());
    let have: BTreeSet<i32> = l.fds.iter().map(|f| f.fd).collect();
    let want: BTreeSet<i32> = [0, 1, 2].into_iter().chain(extra.iter().copied()).collect();
    assert_eq!(have, want, "{what}: the container's process holds other fds than its own:\n{:#?}", l.fds);
    for f in &l.fds {
        if f.fd <= 2 {
            assert!(
                ["fifo", "chr", "sock"].contains(&f.kind.as_str()),
                "{what}: fd {} is a {} ({}): not stdio of its own:\n{:#?}",
                f.fd,
                f.kind,
                f.link,
                l.fds
            );
        }
        let inode = f.link.strip_prefix("socket:[").and_then(|x| x.strip_suffix(']')).and_then(|x| x.parse::<u64>().ok());
        assert!(
            inode.is_none_or(|i| !forbidden.contains(&i)),
            "{what}: fd {} is a socket of the service or its spawner ({})",
            f.fd,
            f.link
        );
    }
    for (name, inode, result) in &l.connects {
        assert!(!(result == "ok" && forbidden.contains(inode)), "{what}: connected to the service's socket by its name {name}");
        if name.starts_with('/') && *inode == 0 {
            assert_ne!(result, "ok", "{what}: connected to {name} from inside the container");
        }
    }
    for st in &l.stats {
        assert!(!st.ends_with(" exists"), "{what}: the container sees the service's socket: {st}");
    }
    assert_eq!(l.env, Vec::<String>::new(), "{what}: the service's socket-activation variables reached the container");
}

/// The helper's folder mounted at /x, read-only.
fn fdlist() -> String {
    mount_arg(&static_program("fdlist", FDLIST))
}

/// Waits until `name` runs (its pid 1 listable), through the CLI.
fn wait_running(s: &Sangja, name: &str) {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let out = s.run(&["inspect", "--format", "{{.State.Running}}", name]);
        if out.stdout.trim() == "true" {
            return;
        }
        assert!(Instant::now() < deadline, "{name} never ran: {out:?}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

both!(
    /// Containers the service starts (attached, with a tty, detached and
    /// logged, with the host's network) and processes the service execs
    /// into them (plain, -i, -t, pid 1's fds, and `sangja exec` from the
    /// CLI into the service's container): 0, 1, 2 only, none the service's.
    fn api_containers_hold_only_their_stdio(s) {
        let Some(_) = docker_bin() else { return eprintln!("skipped: no docker CLI installed") };
        s.pull(BUSYBOX);
        let x = fdlist();
        let svc = Service::start(s, false);
        let sock = svc.sock.display().to_string();
        let forbidden = svc.sockets(s);

        let out = svc.docker(s, &["run", "--rm", "-v", &x, BUSYBOX, "/x/fdlist", "-u", &sock], None);
        check("docker run", &out, &[], &forbidden);
        let out = svc.docker(s, &["run", "--rm", "-i", "-v", &x, BUSYBOX, "/x/fdlist", &sock], Some("input\n"));
        check("docker run -i", &out, &[], &forbidden);
        let out = svc.docker(s, &["run", "--rm", "-t", "-v", &x, BUSYBOX, "/x/fdlist", &sock], None);
        check("docker run -t", &out, &[], &forbidden);
        let out = svc.docker(s, &["run", "--rm", "--network", "host", "-v", &x, BUSYBOX, "/x/fdlist", "-u", &sock], None);
        check("docker run --network host", &out, &[], &forbidden);
        let l = parse("docker run --network host", &out);
        // Only a real test if the service's socket is listed there by name.
        let own = socket_inodes(svc.pid());
        assert!(l.connects.iter().any(|(_, i, _)| own.contains(i)), "the host's network shows no socket of the service:{out:?}");

        svc.docker(s, &["run", "-d", "--name", "fdsapi-log", "-v", &x, BUSYBOX, "/x/fdlist", "-u", &sock], None).ok();
        svc.docker(s, &["wait", "fdsapi-log"], None).ok();
        let out = svc.docker(s, &["logs", "fdsapi-log"], None);
        check("docker run -d, its log", &out, &[], &forbidden);

        svc.docker(s, &["run", "-d", "--name", "fdsapi", "-v", &x, BUSYBOX, "sleep", "600"], None).ok();
        wait_running(s, "fdsapi");
        let out = svc.docker(s, &["exec", "fdsapi", "/x/fdlist", "-u", &sock], None);
        check("docker exec", &out, &[], &forbidden);
        let out = svc.docker(s, &["exec", "-i", "fdsapi", "/x/fdlist", &sock], Some("input\n"));
        check("docker exec -i", &out, &[], &forbidden);
        let out = svc.docker(s, &["exec", "-t", "fdsapi", "/x/fdlist"], None);
        check("docker exec -t", &out, &[], &forbidden);
        let out = svc.docker(s, &["exec", "fdsapi", "/x/fdlist", "-p", "1"], None);
        check("docker run -d, the container's pid 1", &out, &[], &forbidden);
        let out = s.run(&["exec", "fdsapi", "/x/fdlist", "-u", &sock]);
        check("sangja exec into the service's container", &out, &[], &forbidden);
        // The sockets again, now that workers have come and gone.
        let after = svc.sockets(s);
        let out = svc.docker(s, &["exec", "fdsapi", "/x/fdlist"], None);
        check("docker exec, second", &out, &[], &after);
        svc.docker(s, &["rm", "-f", "fdsapi", "fdsapi-log"], None);
    }
);

/// Runs `sangja ARGS` with `fds` inherited as 3, 4, ...
fn run_with_fds(s: &Sangja, args: &[&str], fds: &[&OwnedFd]) -> Out {
    let mut cmd: Command = s.command(args);
    let raw: Vec<i32> = fds.iter().map(|f| f.as_raw_fd()).collect();
    // SAFETY: only fcntl/dup2/close between fork and exec.
    unsafe {
        cmd.pre_exec(move || {
            let mut high = [0; 8];
            for (i, &fd) in raw.iter().enumerate() {
                high[i] = libc::fcntl(fd, libc::F_DUPFD, 200);
                if high[i] < 0 {
                    return Err(std::io::Error::last_os_error());
                }
            }
            for (i, &h) in high[..raw.len()].iter().enumerate() {
                if libc::dup2(h, 3 + i as i32) < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                libc::close(h);
            }
            Ok(())
        });
    }
    wait_output(spawn_retry(&mut cmd), format!("[fds 3..{}] sangja {}", 3 + fds.len(), args.join(" ")), None, TIMEOUT)
}

both!(
    /// Containers the CLI starts, beside a running service (foreground,
    /// detached and logged, with the host's network, with fds passed on
    /// purpose) and processes exec'd into them by the CLI and by the
    /// service (through its spawner, rootless): 0, 1, 2 and the passed
    /// ones only.
    fn cli_containers_hold_only_their_stdio(s) {
        let Some(_) = docker_bin() else { return eprintln!("skipped: no docker CLI installed") };
        s.pull(BUSYBOX);
        let x = fdlist();
        let svc = Service::start(s, false);
        let sock = svc.sock.display().to_string();
        let forbidden = svc.sockets(s);

        let out = s.run(&["run", "--rm", "-v", &x, BUSYBOX, "/x/fdlist", "-u", &sock]);
        check("sangja run", &out, &[], &forbidden);
        let out = s.run(&["run", "--rm", "--network", "host", "-v", &x, BUSYBOX, "/x/fdlist", "-u", &sock]);
        check("sangja run --network host", &out, &[], &forbidden);
        s.ok(&["run", "-d", "--name", "fdscli-log", "-v", &x, BUSYBOX, "/x/fdlist", "-u", &sock]);
        s.ok(&["wait", "fdscli-log"]);
        let out = s.run(&["logs", "fdscli-log"]);
        check("sangja run -d, its log", &out, &[], &forbidden);

        // Passed on purpose: a file at 3 and 4; a socket of the caller's at 5 is not asked for.
        let file = s.dir.join("passed.txt");
        std::fs::write(&file, "passed\n").unwrap();
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
        let (a, b): (OwnedFd, OwnedFd) = (std::fs::File::open(&file).unwrap().into(), std::fs::File::open(&file).unwrap().into());
        let (c, _peer) = UnixStream::pair().unwrap();
        let c: OwnedFd = c.into();
        let out = run_with_fds(s, &["run", "--rm", "--preserve-fds", "2", "-v", &x, BUSYBOX, "/x/fdlist"], &[&a, &b, &c]);
        check("sangja run --preserve-fds 2", &out, &[3, 4], &forbidden);

        s.ok(&["run", "-d", "--name", "fdscli", "-v", &x, BUSYBOX, "sleep", "600"]);
        wait_running(s, "fdscli");
        let out = s.run(&["exec", "fdscli", "/x/fdlist", "-u", &sock]);
        check("sangja exec", &out, &[], &forbidden);
        let out = s.run(&["exec", "fdscli", "/x/fdlist", "-p", "1"]);
        check("sangja run -d, the container's pid 1", &out, &[], &forbidden);
        let out = run_with_fds(s, &["exec", "--preserve-fds", "1", "fdscli", "/x/fdlist"], &[&a, &c]);
        check("sangja exec --preserve-fds 1", &out, &[3], &forbidden);
        let out = svc.docker(s, &["exec", "fdscli", "/x/fdlist", "-u", &sock], None);
        check("docker exec into the CLI's container", &out, &[], &forbidden);
        let out = svc.docker(s, &["exec", "-t", "fdscli", "/x/fdlist", &sock], None);
        check("docker exec -t into the CLI's container", &out, &[], &forbidden);
        s.run(&["rm", "-f", "-t", "0", "fdscli", "fdscli-log"]);
    }
);

both!(
    /// A socket-activated service (LISTEN_FDS=1, its listener at fd 3, kept
    /// by main() as a run keeps --preserve-fds ones): neither the listener
    /// nor the activation variables reach a container it runs or execs into.
    fn socket_activated_service_passes_nothing_on(s) {
        let Some(_) = docker_bin() else { return eprintln!("skipped: no docker CLI installed") };
        s.pull(BUSYBOX);
        let x = fdlist();
        let svc = Service::start(s, true);
        let sock = svc.sock.display().to_string();
        let forbidden = svc.sockets(s);

        let out = svc.docker(s, &["run", "--rm", "-v", &x, BUSYBOX, "/x/fdlist", "-u", &sock], None);
        check("docker run (socket-activated service)", &out, &[], &forbidden);
        svc.docker(s, &["run", "-d", "--name", "fdsact", "-v", &x, BUSYBOX, "sleep", "600"], None).ok();
        wait_running(s, "fdsact");
        let out = svc.docker(s, &["exec", "fdsact", "/x/fdlist", &sock], None);
        check("docker exec (socket-activated service)", &out, &[], &forbidden);
        if let Some(sp) = svc.spawner(s) {
            // The spawner was forked before the service took its listener
            // and cleared systemd's variables: the workers it starts must
            // not be told of fds they do not hold (sd_listen_fds(3)).
            let mut cmd = Command::new(docker_bin().unwrap());
            cmd.args(["exec", "fdsact", "sleep", "5"]).env_clear().env("DOCKER_HOST", format!("unix://{sock}")).env("HOME", &s.dir);
            cmd.env("DOCKER_CONFIG", s.dir.join(".docker")).stdout(Stdio::null()).stderr(Stdio::null());
            if let Mode::Rootless { user, switch: true } = &s.mode {
                cmd.uid(user.uid).gid(user.gid);
            }
            let mut exec = spawn_retry(&mut cmd);
            let deadline = Instant::now() + Duration::from_secs(5);
            let worker = loop {
                // A live one (the spawner reaps the ones before only at its next request).
                let live = children(sp).into_iter().find(|c| {
                    let stat = std::fs::read_to_string(format!("/proc/{c}/stat")).unwrap_or_default();
                    let exe = std::fs::read_link(format!("/proc/{c}/exe")).unwrap_or_default();
                    stat.rsplit_once(')').is_some_and(|(_, rest)| !rest.trim_start().starts_with('Z')) && exe.to_string_lossy().contains("sangja")
                });
                if let Some(w) = live {
                    break w;
                }
                assert!(Instant::now() < deadline, "no worker of the spawner seen during docker exec");
                std::thread::sleep(Duration::from_millis(10));
            };
            // Its environment as it was exec'd (sealed re-exec or not, the same).
            std::thread::sleep(Duration::from_millis(300));
            let env = std::fs::read(format!("/proc/{worker}/environ")).unwrap_or_default();
            assert!(env.windows(5).any(|w| w == b"PATH="), "no environment read from the worker {worker}");
            let stale: Vec<String> =
                env.split(|b| *b == 0).map(|v| String::from_utf8_lossy(v).into_owned()).filter(|v| v.starts_with("LISTEN_")).collect();
            assert_eq!(stale, Vec::<String>::new(), "the spawner's worker {worker} got the service's socket-activation variables");
            assert!(exec.wait().unwrap().success(), "docker exec fdsact sleep 5");
        }
        let out = svc.docker(s, &["exec", "fdsact", "/x/fdlist", "-p", "1"], None);
        check("docker run -d, pid 1 (socket-activated service)", &out, &[], &forbidden);
        let out = s.run(&["exec", "fdsact", "/x/fdlist"]);
        check("sangja exec (socket-activated service's container)", &out, &[], &forbidden);
        svc.docker(s, &["rm", "-f", "fdsact"], None);
    }
);
