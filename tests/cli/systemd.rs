//! systemd: sd_notify (--sdnotify), SIGTERM and --stop-timeout in the
//! foreground, --restart in the monitor, `generate systemd`, the Quadlet-style
//! generator, and, where one can be started here, a real systemd user manager
//! running the generated units.

use crate::util::*;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::net::UnixDatagram;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// A NOTIFY_SOCKET of the test's own in the test's folder, writable by the test user.
fn notify_socket(s: &Sangja) -> (UnixDatagram, PathBuf) {
    let path = s.dir.join("n.sock");
    let sock = UnixDatagram::bind(&path).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o777)).unwrap();
    sock.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    (sock, path)
}

fn recv(sock: &UnixDatagram, timeout: Duration) -> Option<String> {
    sock.set_read_timeout(Some(timeout)).unwrap();
    let mut buf = [0u8; 4096];
    sock.recv(&mut buf).ok().map(|n| String::from_utf8_lossy(&buf[..n]).into_owned())
}

/// `sangja ARGS` with NOTIFY_SOCKET set, started.
fn spawn_notify(s: &Sangja, socket: &str, args: &[&str]) -> Running {
    let mut cmd = s.command(args);
    cmd.env("NOTIFY_SOCKET", socket);
    Running::new(spawn_retry(&mut cmd), format!("NOTIFY_SOCKET={socket} sangja {}", args.join(" ")))
}

/// `sangja ARGS` with NOTIFY_SOCKET set, to the end.
fn run_notify(s: &Sangja, socket: &str, args: &[&str]) -> Out {
    let mut cmd = s.command(args);
    cmd.env("NOTIFY_SOCKET", socket);
    wait_output(spawn_retry(&mut cmd), format!("NOTIFY_SOCKET={socket} sangja {}", args.join(" ")), None, TIMEOUT)
}

/// A static program that sends its argument to $NOTIFY_SOCKET, as a
/// container's application does (busybox has no unix datagram client).
fn sdsend() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        let dir = Path::new("/tmp/sangja-tests/bin");
        std::fs::create_dir_all(dir).unwrap();
        let src = dir.join(format!("sdsend-{}.c", std::process::id()));
        let out = dir.join(format!("sdsend-{}", std::process::id()));
        std::fs::write(
            &src,
            r#"#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
int main(int argc, char **argv) {
    const char *p = getenv("NOTIFY_SOCKET");
    if (!p || argc < 2) return 2;
    struct sockaddr_un a; memset(&a, 0, sizeof a); a.sun_family = AF_UNIX;
    strncpy(a.sun_path, p, sizeof a.sun_path - 1);
    socklen_t len = sizeof a.sun_family + strlen(p);
    if (p[0] == '@') a.sun_path[0] = 0;
    int fd = socket(AF_UNIX, SOCK_DGRAM, 0);
    if (fd < 0) return 3;
    return sendto(fd, argv[1], strlen(argv[1]), 0, (struct sockaddr *)&a, len) < 0 ? 4 : 0;
}
"#,
        )
        .unwrap();
        let st = Command::new("gcc").args(["-static", "-O1", "-o"]).arg(&out).arg(&src).status().unwrap();
        assert!(st.success(), "gcc -static failed: install gcc and libc6-dev (tests/setup.sh)");
        std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o755)).unwrap();
        let _ = std::fs::remove_file(&src);
        out
    })
}

fn field(s: &Sangja, name: &str, format: &str) -> String {
    s.ok(&["inspect", "--format", format, name]).stdout.trim().to_string()
}

#[track_caller]
fn until(what: &str, secs: u64, mut f: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(secs);
    while !f() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

both! {
    /// --sdnotify=conmon in the foreground: READY=1 and MAINPID (sangja's
    /// own pid: it outlives the container and records its exit); SIGTERM
    /// stops the container, SIGKILL after --stop-timeout, --rm cleans up.
    fn foreground_notify_and_sigterm(s) {
        s.pull(BUSYBOX);
        let (sock, path) = notify_socket(s);
        let p = path.to_str().unwrap();
        let mut r = spawn_notify(s, p, &["run", "--rm", "--sdnotify=conmon", "--stop-timeout=2", BUSYBOX,
            "sh", "-c", "trap '' TERM; echo started; while :; do sleep 1; done"]);
        let msg = recv(&sock, Duration::from_secs(30)).expect("no sd_notify message");
        assert!(msg.lines().any(|l| l == "READY=1"), "{msg:?}");
        assert!(msg.lines().any(|l| l == format!("MAINPID={}", r.pid())), "MAINPID is sangja's pid {}: {msg:?}", r.pid());
        r.wait_for_line("started", Duration::from_secs(30));
        let t0 = Instant::now();
        r.signal("TERM");
        let out = r.finish();
        let took = t0.elapsed();
        assert_eq!(out.code, 137, "SIGKILL after the stop timeout: {out:?}");
        assert!(took >= Duration::from_millis(1800) && took < Duration::from_secs(8), "stopped in {took:?}");
        assert_eq!(s.ok(&["ps", "-a", "-q"]).stdout, "", "--rm removed it");

        // A container that handles SIGTERM: its exit code passes through, at once.
        let mut r = spawn_notify(s, p, &["run", "--rm", "--sdnotify=conmon", BUSYBOX,
            "sh", "-c", "trap 'exit 7' TERM; echo started; while :; do sleep 0.1; done"]);
        let _ = recv(&sock, Duration::from_secs(30));
        r.wait_for_line("started", Duration::from_secs(30));
        let t0 = Instant::now();
        r.signal("TERM");
        let out = r.finish();
        assert_eq!(out.code, 7, "{out:?}");
        assert!(t0.elapsed() < Duration::from_secs(2), "{:?}", t0.elapsed());
    }
}

both! {
    /// --sdnotify=container (podman's default): the socket is mounted in
    /// the container, which sends READY=1 itself; sangja sends only MAINPID.
    /// --sdnotify=ignore: nothing sent, no NOTIFY_SOCKET inside.
    fn container_notify_mode(s) {
        s.pull(BUSYBOX);
        let (sock, path) = notify_socket(s);
        let p = path.to_str().unwrap();
        let helper = format!("{}:/sdsend:ro", sdsend().display());
        let out = run_notify(s, p, &["run", "--rm", "-v", &helper, BUSYBOX, "sh", "-c",
            "echo $NOTIFY_SOCKET; test -S $NOTIFY_SOCKET && echo socket; /sdsend READY=1 && echo sent"]).ok();
        assert_eq!(out.stdout, "/run/notify/notify.sock\nsocket\nsent\n", "{out:?}");
        let mut got = Vec::new();
        while let Some(m) = recv(&sock, Duration::from_millis(500)) {
            got.push(m);
        }
        assert!(got.iter().any(|m| m.starts_with("MAINPID=") && !m.contains("READY")), "sangja sends MAINPID only: {got:?}");
        assert!(got.iter().any(|m| m == "READY=1"), "the container's READY=1 arrived: {got:?}");

        let out = run_notify(s, p, &["run", "--rm", "--sdnotify=ignore", BUSYBOX, "sh", "-c", "echo x${NOTIFY_SOCKET}x; ls /run/notify 2>&1 | wc -l"]).ok();
        assert!(out.stdout.starts_with("xx\n"), "{out:?}");
        assert_eq!(recv(&sock, Duration::from_millis(300)), None, "ignore sends nothing");

        s.run(&["run", "--rm", "--sdnotify=bogus", BUSYBOX, "true"]).code(125).stderr_has("--sdnotify");
    }
}

both! {
    /// An abstract NOTIFY_SOCKET (@name) works with conmon; with container
    /// mode and a network namespace of its own it is refused with the fix.
    fn abstract_notify_socket(s) {
        use std::os::linux::net::SocketAddrExt;
        s.pull(BUSYBOX);
        let name = format!("sangja-test-{}-{}", std::process::id(), if s.is_rootless() { "u" } else { "r" });
        let addr = std::os::unix::net::SocketAddr::from_abstract_name(name.as_bytes()).unwrap();
        let sock = UnixDatagram::bind_addr(&addr).unwrap();
        let at = format!("@{name}");
        run_notify(s, &at, &["run", "--rm", "--sdnotify=conmon", BUSYBOX, "true"]).ok();
        let msg = recv(&sock, Duration::from_secs(10)).expect("no message on the abstract socket");
        assert!(msg.contains("READY=1") && msg.contains("MAINPID="), "{msg:?}");
        run_notify(s, &at, &["run", "--rm", "--network=none", BUSYBOX, "true"]).code(125).stderr_has("--sdnotify=conmon");
    }
}

both! {
    /// --restart on-failure:2 restarts twice, then stays exited; inspect
    /// shows RestartCount and HostConfig.RestartPolicy. --rm with a policy is refused.
    fn restart_on_failure(s) {
        s.pull(BUSYBOX);
        s.ok(&["run", "-d", "--name", "rf", "--restart", "on-failure:2", BUSYBOX, "sh", "-c", "echo ran; exit 4"]);
        until("two restarts", 20, || field(s, "rf", "{{.RestartCount}} {{.State.Status}}") == "2 exited");
        std::thread::sleep(Duration::from_millis(1500));
        assert_eq!(field(s, "rf", "{{.RestartCount}} {{.State.Status}} {{.State.ExitCode}}"), "2 exited 4");
        assert_eq!(field(s, "rf", "{{.HostConfig.RestartPolicy.Name}} {{.HostConfig.RestartPolicy.MaximumRetryCount}}"), "on-failure 2");
        assert_eq!(s.ok(&["logs", "rf"]).stdout, "ran\nran\nran\n");
        // Success is not a failure: no restart.
        s.ok(&["run", "-d", "--name", "ok", "--restart", "on-failure", BUSYBOX, "true"]);
        s.ok(&["wait", "ok"]);
        std::thread::sleep(Duration::from_millis(500));
        assert_eq!(field(s, "ok", "{{.RestartCount}}"), "0");
        s.run(&["run", "--rm", "--restart", "always", BUSYBOX, "true"]).code(125).stderr_has("--rm option conflicts with --restart");
        s.run(&["create", "--restart", "sometimes", BUSYBOX]).code(125).stderr_has("restart policy");
    }
}

both! {
    /// --restart always restarts a container that exits 0, until `stop`,
    /// which ends the loop (and the monitor).
    fn restart_always_until_stop(s) {
        s.pull(BUSYBOX);
        s.ok(&["run", "-d", "--name", "al", "--restart", "always", BUSYBOX, "sh", "-c", "sleep 0.2"]);
        until("two restarts", 20, || field(s, "al", "{{.RestartCount}}").parse::<u32>().unwrap_or(0) >= 2);
        s.ok(&["stop", "-t", "1", "al"]);
        let n = field(s, "al", "{{.RestartCount}}");
        std::thread::sleep(Duration::from_secs(2));
        assert_eq!(field(s, "al", "{{.RestartCount}} {{.State.Status}}"), format!("{n} exited"), "no restart after stop");
        // A new start renews the policy.
        s.ok(&["start", "al"]);
        let before: u32 = n.parse().unwrap();
        until("a restart after start", 20, || field(s, "al", "{{.RestartCount}}").parse::<u32>().unwrap_or(0) > before);
        s.ok(&["rm", "-f", "al"]);
        assert_eq!(s.ok(&["ps", "-a", "-q"]).stdout, "");
    }
}

/// systemd-analyze's complaints about `unit` (empty: none).
fn analyze(unit: &Path) -> String {
    let out = Command::new("systemd-analyze")
        .args(["verify", "--man=no"])
        .arg(unit)
        .output()
        .expect("systemd-analyze (tests/setup.sh installs systemd)");
    let text = String::from_utf8_lossy(&out.stderr).into_owned() + &String::from_utf8_lossy(&out.stdout);
    let name = unit.file_name().unwrap().to_string_lossy().into_owned();
    text.lines().filter(|l| l.contains(&name)).collect::<Vec<_>>().join("\n")
}

/// Splits an Exec= line as systemd does (quotes, backslashes, %% and $$).
fn exec_words(line: &str, t: &Path, unit: &str) -> Vec<String> {
    let line = line.replace("%t", &t.display().to_string()).replace("%n", unit).replace("%%", "%").replace("$$", "$");
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut inq = false;
    let mut chars = line.chars();
    let mut any = false;
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                inq = !inq;
                any = true;
            }
            '\\' => cur.push(chars.next().unwrap()),
            ' ' if !inq => {
                if any || !cur.is_empty() {
                    words.push(std::mem::take(&mut cur));
                }
                any = false;
            }
            c => cur.push(c),
        }
    }
    if any || !cur.is_empty() {
        words.push(cur);
    }
    words
}

fn unit_line<'a>(unit: &'a str, key: &str) -> &'a str {
    unit.lines().find_map(|l| l.strip_prefix(&format!("{key}="))).unwrap_or_else(|| panic!("no {key}= in:\n{unit}"))
}

both! {
    /// `generate systemd --new`: podman's layout from the recorded create
    /// command; systemd-analyze accepts it; its ExecStart, run by the test
    /// with a NOTIFY_SOCKET of its own, starts the container and sends
    /// READY=1 with the monitor as MAINPID; ExecStop and ExecStopPost stop
    /// and remove it and its cidfile.
    fn generate_systemd_new(s) {
        s.pull(BUSYBOX);
        s.ok(&["create", "--name", "web", "-e", "GREETING=a b", "--stop-timeout", "3", BUSYBOX,
            "sh", "-c", "trap 'exit 0' TERM; echo 50% $GREETING; while :; do sleep 0.1; done"]);
        let unit = s.ok(&["generate", "systemd", "--new", "--name", "web"]).stdout;
        let start = unit_line(&unit, "ExecStart");
        assert!(start.contains(" run --cidfile=%t/%n.ctr-id --cgroups=no-conmon --rm --sdnotify=conmon -d --replace --name web "), "{unit}");
        assert!(start.contains("\"GREETING=a b\"") && start.contains("echo 50%% $$GREETING"), "{unit}");
        assert!(unit.contains("\nType=notify\nNotifyAccess=all\n"), "{unit}");
        assert!(unit.contains("\nTimeoutStopSec=63\n"), "{unit}");
        assert_eq!(unit_line(&unit, "Restart"), "on-failure");
        let file = s.dir.join("container-web.service");
        std::fs::write(&file, &unit).unwrap();
        assert_eq!(analyze(&file), "", "systemd-analyze verify");

        // The unit's own commands, as systemd would run them.
        let (sock, path) = notify_socket(s);
        let words = exec_words(start, &s.dir, "container-web.service");
        assert_eq!(words[1..5], ["--root".to_string(), s.root.display().to_string(), "--runroot".into(), s.runroot.display().to_string()]);
        run_notify(s, path.to_str().unwrap(), &words[5..].iter().map(String::as_str).collect::<Vec<_>>()).ok();
        let msg = recv(&sock, Duration::from_secs(10)).expect("READY=1");
        let monitor = field(s, "web", "{{.State.Status}}");
        assert_eq!(monitor, "running");
        let state: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(
            s.container_dir(&s.container_id("web")).join("state.json")).unwrap()).unwrap();
        let mpid = state["monitor_pid"].as_i64().unwrap();
        assert_eq!(msg, format!("MAINPID={mpid}\nREADY=1"));
        assert!(s.ok(&["logs", "web"]).stdout.contains("50% a b"));
        let cid = s.dir.join("container-web.service.ctr-id");
        assert_eq!(std::fs::read_to_string(&cid).unwrap(), s.container_id("web"));
        for key in ["ExecStop", "ExecStopPost"] {
            let w = exec_words(unit_line(&unit, key), &s.dir, "container-web.service");
            s.ok(&w[5..].iter().map(String::as_str).collect::<Vec<_>>());
        }
        assert_eq!(s.ok(&["ps", "-a", "-q"]).stdout, "", "removed at stop");
        assert!(!cid.exists(), "rm --cidfile removes the file");
        // Again: the unit can start twice (cidfile gone, --replace).
        run_notify(s, path.to_str().unwrap(), &words[5..].iter().map(String::as_str).collect::<Vec<_>>()).ok();
        s.ok(&["rm", "-f", "-t", "3", "--cidfile", cid.to_str().unwrap()]);
        assert_eq!(s.ok(&["ps", "-a", "-q"]).stdout, "");
    }
}

both! {
    /// `generate systemd` without --new: start/stop of the existing
    /// container, a PIDFile the monitor writes; --files; bad flags.
    fn generate_systemd_existing(s) {
        s.pull(BUSYBOX);
        let id = s.ok(&["create", "--name", "db", BUSYBOX, "sleep", "100"]).stdout.trim().to_string();
        let out = s.ok(&["generate", "systemd", "--files", "--restart-policy", "always", "--restart-sec", "5",
            "--container-prefix", "box", "--separator", "_", "db"]);
        let file = s.dir.join(format!("box_{id}.service"));
        assert_eq!(out.stdout.trim(), file.display().to_string());
        let unit = std::fs::read_to_string(&file).unwrap();
        assert!(unit_line(&unit, "ExecStart").ends_with(&format!(" start {id}")), "{unit}");
        assert!(unit_line(&unit, "ExecStop").ends_with(&format!(" stop -t 10 {id}")), "{unit}");
        assert_eq!(unit_line(&unit, "Restart"), "always");
        assert_eq!(unit_line(&unit, "RestartSec"), "5");
        assert_eq!(unit_line(&unit, "Type"), "forking");
        assert_eq!(analyze(&file), "");
        let pidfile = PathBuf::from(unit_line(&unit, "PIDFile"));
        let w = exec_words(unit_line(&unit, "ExecStart"), &s.dir, "x");
        s.ok(&w[5..].iter().map(String::as_str).collect::<Vec<_>>());
        let pid: i64 = std::fs::read_to_string(&pidfile).unwrap().trim().parse().unwrap();
        let state: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(s.container_dir(&id).join("state.json")).unwrap()).unwrap();
        assert_eq!(state["monitor_pid"].as_i64(), Some(pid), "PIDFile holds the monitor");
        s.ok(&["stop", "-t", "1", "db"]);
        let named = s.ok(&["generate", "systemd", "--name", "db"]).stdout;
        assert!(named.starts_with("# container-db.service\n"), "{named}");
        s.run(&["generate", "systemd", "--restart-policy", "sometimes", "db"]).code(125).stderr_has("--restart-policy");
        s.run(&["generate", "systemd", "nosuch"]).code(125);
    }
}

/// A `.container` file set up for the test's store.
fn write_container(dir: &Path, name: &str, s: &Sangja, body: &str) -> PathBuf {
    let d = dir.join("containers/systemd");
    std::fs::create_dir_all(&d).unwrap();
    let f = d.join(name);
    let text = format!("{body}\nGlobalArgs=--root {} --runroot {}\n", s.root.display(), s.runroot.display());
    // GlobalArgs must sit in [Container]: body ends inside it.
    std::fs::write(&f, text).unwrap();
    f
}

fn chown_tree(s: &Sangja, p: &Path) {
    if let Mode::Rootless { user, switch: true } = &s.mode {
        Command::new("chown").arg("-R").arg(format!("{}:{}", user.uid, user.gid)).arg(p).status().unwrap();
    }
}

both! {
    /// The Quadlet-style generator: a sample .container file printed as a
    /// unit (`__quadlet --dryrun`), unknown keys warned about by file and
    /// line, bad values refused clearly, and the generator entry point
    /// (argv[0] sangja-user-generator) writing units and .wants links.
    fn quadlet_generator(s) {
        let cfg = s.dir.join("cfg");
        write_container(&cfg, "web.container", s, "[Unit]\nDescription=web\n[Service]\nRestart=always\n[Install]\nWantedBy=default.target\n[Container]\nImage=127.0.0.1:5000/busybox:latest\nExec=sh -c \"echo hi; sleep 1000\"\nPublishPort=8080:80\nEnvironment=A=1 \"B=two words\"\nLabel=app=web\nVolume=/srv:/srv:ro\nNotify=true\nStopTimeout=3\nFrobnicate=1\nPodmanArgs=--tls-verify=false");
        write_container(&cfg, "bad.container", s, "[Container]\nImage=busybox\nReadOnly=perhaps");
        chown_tree(s, &cfg);
        let mut cmd = s.command(&["__quadlet", "--dryrun", "--user"]);
        cmd.env("XDG_CONFIG_HOME", &cfg);
        let out = wait_output(spawn_retry(&mut cmd), "__quadlet --dryrun".into(), None, TIMEOUT);
        assert_eq!(out.code, 1, "a bad file fails the run: {out:?}");
        let bad = cfg.join("containers/systemd/bad.container");
        assert!(out.stderr.contains(&format!("{}:3: ReadOnly=\"perhaps\" is not a boolean", bad.display())), "{out:?}");
        let web = cfg.join("containers/systemd/web.container");
        assert!(out.stderr.contains(&format!("{}:16: unsupported key \"Frobnicate\"", web.display())), "{out:?}");
        assert!(out.stdout.starts_with("---web.service---\n"), "{out:?}");
        let start = unit_line(&out.stdout, "ExecStart");
        let bin = std::fs::canonicalize(binary()).unwrap();
        assert_eq!(start, format!(
            "{} --root {} --runroot {} run --name=systemd-%N --cidfile=%t/%N.cid --replace --rm --cgroups=split --sdnotify=container -d \
             --publish=8080:80 --env=A=1 \"--env=B=two words\" --label=app=web --volume=/srv:/srv:ro --stop-timeout=3 --tls-verify=false \
             127.0.0.1:5000/busybox:latest sh -c \"echo hi; sleep 1000\"",
            bin.display(), s.root.display(), s.runroot.display()));
        for l in ["Description=web", "Restart=always", "Type=notify", "NotifyAccess=all", "KillMode=mixed", "Delegate=yes", "WantedBy=default.target", "TimeoutStopSec=63"] {
            assert!(out.stdout.lines().any(|x| x == l), "{l} missing:\n{}", out.stdout);
        }
        assert!(out.stdout.contains(&format!("SourcePath={}", web.display())));

        // As systemd runs it: argv[0] is the generator's name, three output folders.
        let gen = s.dir.join("gen");
        std::fs::create_dir_all(&gen).unwrap();
        std::os::unix::fs::symlink(binary(), gen.join("sangja-user-generator")).unwrap();
        let outdir = s.dir.join("out");
        chown_tree(s, &gen);
        let cmd = s.command::<&str>(&[]);
        let mut g = Command::new(gen.join("sangja-user-generator"));
        g.args([outdir.join("n"), outdir.join("e"), outdir.join("l")]);
        g.env_clear();
        for (k, v) in cmd.get_envs() {
            if let Some(v) = v {
                g.env(k, v);
            }
        }
        g.env("XDG_CONFIG_HOME", &cfg);
        if let Mode::Rootless { user, switch: true } = &s.mode {
            use std::os::unix::process::CommandExt;
            g.uid(user.uid).gid(user.gid);
        }
        let o = g.output().unwrap();
        assert_eq!(o.status.code(), Some(1), "{o:?}");
        let unit = outdir.join("n/web.service");
        assert_eq!(std::fs::read_to_string(&unit).unwrap(), out.stdout.trim_start_matches("---web.service---\n"));
        assert!(outdir.join("n/default.target.wants/web.service").exists());
        assert!(!outdir.join("n/bad.service").exists());
        assert_eq!(analyze(&unit), "");
    }
}

/// A systemd user manager for the test user, started by the test (root):
/// systemd refuses to run unless booted with systemd and needs a cgroup of
/// its own, so it gets a private mount namespace with /run/systemd/system
/// and our generator in /run/systemd/user-generators, and a v2 cgroup the
/// test made and gave to the user. None (with the reason) where impossible.
pub(crate) struct Manager {
    pid: u32,
    cgroup: PathBuf,
    pub(crate) xdg: PathBuf,
    uid: u32,
    gid: u32,
}

impl Manager {
    pub(crate) fn start(s: &Sangja, cfg: &Path) -> Option<Manager> {
        let Mode::Rootless { user, switch: true } = &s.mode else { return None };
        let unified = Path::new("/sys/fs/cgroup/unified");
        let v2root = if unified.join("cgroup.procs").exists() { unified } else { Path::new("/sys/fs/cgroup") };
        if !Path::new("/lib/systemd/systemd").exists() || !v2root.join("cgroup.procs").exists() {
            eprintln!("skipped: no systemd binary or cgroup v2 hierarchy here");
            return None;
        }
        let cgroup = v2root.join(format!("sangja-test-{}", std::process::id()));
        if std::fs::create_dir(&cgroup).is_err() {
            eprintln!("skipped: cannot make a cgroup for the manager");
            return None;
        }
        for f in ["", "cgroup.procs", "cgroup.subtree_control"] {
            let _ = std::os::unix::fs::chown(cgroup.join(f), Some(user.uid), Some(user.gid));
        }
        let xdg = s.dir.join("xdg");
        std::fs::create_dir_all(&xdg).unwrap();
        std::fs::set_permissions(&xdg, std::fs::Permissions::from_mode(0o700)).unwrap();
        chown_tree(s, &xdg);
        let script = format!(
            "echo $$ > {cg}/cgroup.procs && mount -t tmpfs tmpfs /run/systemd && mkdir -p /run/systemd/system /run/systemd/user-generators \
             && ln -s {bin} /run/systemd/user-generators/sangja-user-generator \
             && exec setpriv --reuid={uid} --regid={gid} --init-groups env -i HOME={home} XDG_RUNTIME_DIR={xdg} XDG_CONFIG_HOME={cfg} \
             PATH=/usr/bin:/bin /lib/systemd/systemd --user",
            cg = cgroup.display(), bin = binary().display(), uid = user.uid, gid = user.gid,
            home = user.home.display(), xdg = xdg.display(), cfg = cfg.display());
        let log = std::fs::File::create(s.dir.join("manager.log")).unwrap();
        let child = Command::new("unshare").args(["-m", "sh", "-c", &script]).stdout(log.try_clone().unwrap()).stderr(log).spawn().unwrap();
        let m = Manager { pid: child.id(), cgroup, xdg, uid: user.uid, gid: user.gid };
        std::mem::forget(child);
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            // Reachable and past start-up ("offline" is what a user manager
            // outside a logind session reports once up).
            let st = m.systemctl(&["show", "-p", "SystemState", "--value"]);
            let state = String::from_utf8_lossy(&st.stdout).trim().to_string();
            if st.status.success() && ["running", "degraded", "offline"].contains(&state.as_str()) {
                return Some(m);
            }
            if Instant::now() > deadline {
                eprintln!(
                    "skipped: the user manager did not come up ({state}): {}",
                    std::fs::read_to_string(s.dir.join("manager.log")).unwrap_or_default()
                );
                return None;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    pub(crate) fn systemctl(&self, args: &[&str]) -> std::process::Output {
        use std::os::unix::process::CommandExt;
        Command::new("systemctl")
            .arg("--user")
            .args(args)
            .env_clear()
            .env("XDG_RUNTIME_DIR", &self.xdg)
            .env("PATH", "/usr/bin:/bin")
            .uid(self.uid)
            .gid(self.gid)
            .output()
            .unwrap()
    }

    #[track_caller]
    pub(crate) fn ok(&self, args: &[&str]) -> String {
        let o = self.systemctl(args);
        assert!(o.status.success(), "systemctl --user {args:?}: {o:?}");
        String::from_utf8_lossy(&o.stdout).into_owned()
    }
}

impl Drop for Manager {
    fn drop(&mut self) {
        // SIGTERM: the manager stops its units (their ExecStop runs) and exits.
        let _ = Command::new("kill").args(["-TERM", &self.pid.to_string()]).status();
        let deadline = Instant::now() + Duration::from_secs(40);
        let mut status = 0;
        // SAFETY: waitpid on our own child.
        while unsafe { libc::waitpid(self.pid as i32, &mut status, libc::WNOHANG) } == 0 && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = Command::new("kill").args(["-KILL", &self.pid.to_string()]).status();
        // SAFETY: as above.
        unsafe { libc::waitpid(self.pid as i32, &mut status, 0) };
        let _ = Command::new("find").arg(&self.cgroup).args(["-depth", "-type", "d", "-exec", "rmdir", "{}", ";"]).status();
    }
}

/// With a real systemd user manager (root starts it for the test user):
/// the generator's unit and a `generate systemd --new` unit start (Type=notify:
/// READY=1 from sangja, the monitor as main pid), run the container, and
/// stop it and remove it.
#[test]
fn real_user_manager() {
    if !is_root() {
        eprintln!("skipped: starting a user manager for the test user needs root");
        return;
    }
    let Some(s) = Sangja::rootless("real_user_manager") else { return };
    s.pull(BUSYBOX);
    let cfg = s.dir.join("cfg");
    write_container(&cfg, "web.container", &s, "[Container]\nImage=127.0.0.1:5000/busybox:latest\nExec=sh -c \"trap 'exit 0' TERM; echo hello; while :; do sleep 0.1; done\"\nStopTimeout=2");
    s.ok(&["create", "--name", "web2", BUSYBOX, "sh", "-c", "trap 'exit 0' TERM; while :; do sleep 0.1; done"]);
    let unit = s.ok(&["generate", "systemd", "--new", "--name", "web2"]).stdout;
    std::fs::create_dir_all(cfg.join("systemd/user")).unwrap();
    std::fs::write(cfg.join("systemd/user/container-web2.service"), unit).unwrap();
    chown_tree(&s, &cfg);
    let Some(m) = Manager::start(&s, &cfg) else { return };

    let cat = m.ok(&["cat", "web.service"]);
    assert!(cat.contains("--cgroups=split --sdnotify=conmon -d"), "{cat}");
    m.ok(&["start", "web.service"]);
    assert_eq!(m.ok(&["is-active", "web.service"]).trim(), "active");
    assert_eq!(field(&s, "systemd-web", "{{.State.Status}}"), "running");
    let main: String = m.ok(&["show", "-p", "MainPID", "--value", "web.service"]).trim().to_string();
    let state: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(s.container_dir(&s.container_id("systemd-web")).join("state.json")).unwrap())
            .unwrap();
    assert_eq!(main, state["monitor_pid"].as_i64().unwrap().to_string(), "MAINPID is the monitor");
    until("the output in the log", 10, || s.ok(&["logs", "systemd-web"]).stdout == "hello\n");
    m.ok(&["stop", "web.service"]);
    assert_eq!(m.systemctl(&["is-active", "web.service"]).stdout, b"inactive\n", "a clean stop, not failed");
    let ps = s.ok(&["ps", "-a"]).stdout;
    assert!(!ps.contains("systemd-web"), "removed at stop: {ps}");
    m.ok(&["start", "web.service"]);
    assert_eq!(m.ok(&["is-active", "web.service"]).trim(), "active", "starts again (cidfile removed)");
    m.ok(&["stop", "web.service"]);

    m.ok(&["start", "container-web2.service"]);
    assert_eq!(m.ok(&["is-active", "container-web2.service"]).trim(), "active");
    assert_eq!(field(&s, "web2", "{{.State.Status}}"), "running");
    m.ok(&["stop", "container-web2.service"]);
    assert_eq!(s.ok(&["ps", "-a", "-q"]).stdout, "", "--new: removed at stop");
}

both! {
    /// --cgroups=split: the container's cgroups go under the caller's own
    /// (a unit's, with Delegate=yes), as seen in the name=systemd (v1) or v2
    /// hierarchy. Rootless here nothing is delegated: the container stays in
    /// the caller's cgroup, and limits are refused with the fix.
    fn cgroups_split(s) {
        s.pull(BUSYBOX);
        if s.is_rootless() {
            s.ok(&["run", "--rm", "--cgroups=split", BUSYBOX, "true"]);
            s.run(&["run", "--rm", "--cgroups=split", "--memory", "32m", BUSYBOX, "true"]).code(125).stderr_has("cannot be enforced");
            return;
        }
        let own = std::fs::read_to_string("/proc/self/cgroup").unwrap();
        let parent = own.lines().find_map(|l| l.split_once(":name=systemd:").map(|(_, p)| p.to_string()))
            .or_else(|| own.lines().find_map(|l| l.strip_prefix("0::").map(str::to_string))).unwrap();
        let id = s.ok(&["run", "-d", "--cgroups=split", "--memory", "32m", BUSYBOX, "sleep", "100"]).stdout.trim().to_string();
        let dir = Path::new("/sys/fs/cgroup/memory").join(parent.trim_start_matches('/')).join(&id);
        assert_eq!(std::fs::read_to_string(dir.join("memory.limit_in_bytes")).unwrap().trim(), "33554432", "{}", dir.display());
        let pid = field(s, &id, "{{.State.Pid}}");
        let procs = std::fs::read_to_string(dir.join("cgroup.procs")).unwrap();
        assert!(procs.lines().any(|l| l == pid), "the container's init is in {}: {procs}", dir.display());
        s.ok(&["rm", "-f", &id]);
        assert!(!dir.exists(), "removed with the container");
    }
}

both! {
    /// --replace removes a container of the same name (running or not);
    /// --cidfile is written, and refused when it exists; SIGTERM to a
    /// detached container's monitor (systemd stopping the unit whose main
    /// pid it is) stops the container and ends its restart policy.
    fn replace_cidfile_and_monitor_sigterm(s) {
        s.pull(BUSYBOX);
        let cid = s.dir.join("c.id");
        let c = cid.to_str().unwrap();
        let first = s.ok(&["run", "-d", "--name", "x", "--cidfile", c, "--restart", "always", "--stop-timeout", "1", BUSYBOX, "sleep", "100"]).stdout.trim().to_string();
        assert_eq!(std::fs::read_to_string(&cid).unwrap(), first);
        s.run(&["run", "-d", "--name", "y", "--cidfile", c, BUSYBOX, "true"]).code(125).stderr_has("exists");
        assert!(!s.ok(&["ps", "-a"]).stdout.contains(" y\n"), "nothing created for a refused cidfile");
        s.run(&["run", "-d", "--name", "x", BUSYBOX, "true"]).code(125).stderr_has("already in use");
        let second = s.ok(&["run", "-d", "--replace", "--name", "x", "--restart", "always", "--stop-timeout", "1", BUSYBOX, "sh", "-c", "trap 'exit 0' TERM; while :; do sleep 0.1; done"]).stdout.trim().to_string();
        assert_ne!(first, second);
        assert_eq!(s.ok(&["ps", "-a", "-q", "--no-trunc"]).stdout.trim(), second, "the first was replaced");
        let state: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(s.container_dir(&second).join("state.json")).unwrap()).unwrap();
        let monitor = state["monitor_pid"].as_i64().unwrap();
        assert!(Command::new("kill").args(["-TERM", &monitor.to_string()]).status().unwrap().success());
        until("the container stopped", 10, || field(s, "x", "{{.State.Status}}") == "exited");
        std::thread::sleep(Duration::from_millis(1000));
        assert_eq!(field(s, "x", "{{.State.Status}} {{.RestartCount}} {{.State.ExitCode}}"), "exited 0 0", "no restart after SIGTERM to the monitor");
    }
}

/// Issue 6, rootless limits by a transient scope: the test's own cgroup is
/// the host's (not writable by the test user), so with a limit asked for
/// sangja asks the systemd user manager on the user bus for
/// `sangja-<id>.scope` with Delegate=yes and puts the container's cgroup
/// there. This host's v2 hierarchy has only hugetlb: the limit asked for is
/// containers.conf's pids_limit (a default, dropped where no pids controller
/// is), and --memory is refused naming the missing controller of the scope.
/// Without a bus the refusal is the one without any cgroup.
#[test]
fn rootless_systemd_scope() {
    if !is_root() {
        eprintln!("skipped: starting a user manager for the test user needs root");
        return;
    }
    let Some(s) = Sangja::rootless("rootless_systemd_scope") else { return };
    s.pull(BUSYBOX);
    let conf = s.dir.join("pids.conf");
    std::fs::write(&conf, "[containers]\npids_limit = 100\n").unwrap();
    let nobus = s.dir.join("nobus");
    std::fs::create_dir_all(&nobus).unwrap();
    chown_tree(&s, &nobus);
    let sangja = |xdg: &Path, args: &[&str]| s.command(args).env("XDG_RUNTIME_DIR", xdg).env("CONTAINERS_CONF", &conf).output().unwrap();
    let o = sangja(&nobus, &["--log-level", "debug", "run", "--rm", "--memory", "32m", BUSYBOX, "true"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(125), "{o:?}");
    assert!(err.contains("cannot be enforced") && err.contains("loginctl enable-linger"), "{err}");
    assert!(err.contains("no systemd user bus"), "{err}");
    eprintln!("path ran without a bus: refusal ({})", err.lines().last().unwrap_or_default());

    let cfg = s.dir.join("cfg");
    std::fs::create_dir_all(&cfg).unwrap();
    chown_tree(&s, &cfg);
    let Some(m) = Manager::start(&s, &cfg) else { return };
    if !m.xdg.join("bus").exists() {
        eprintln!("skipped: the user manager has no user bus (dbus-user-session's dbus.socket)");
        return;
    }
    // The caller's cgroup: root's, inside the manager's tree (as a login
    // session's scope is beside user@.service; there PID 1 moves the
    // process for the user manager, here the common parent is the user's).
    let caller = m.cgroup.join("caller");
    std::fs::create_dir_all(&caller).unwrap();
    let sangja = |xdg: &Path, args: &[&str]| {
        let c = s.command(args);
        let mut w = Command::new("sh");
        w.arg("-c")
            .arg(format!(
                "echo $$ > {}/cgroup.procs && exec setpriv --reuid={} --regid={} --init-groups -- \"$0\" \"$@\"",
                caller.display(),
                m.uid,
                m.gid
            ))
            .arg(c.get_program())
            .args(c.get_args())
            .env_clear()
            .envs(c.get_envs().filter_map(|(k, v)| Some((k, v?))))
            .env("XDG_RUNTIME_DIR", xdg)
            .env("CONTAINERS_CONF", &conf);
        if let Some(d) = c.get_current_dir() {
            w.current_dir(d);
        }
        w.output().unwrap()
    };
    let start = Instant::now();
    let o = sangja(&m.xdg, &["--log-level", "debug", "run", "-d", BUSYBOX, "sleep", "100"]);
    let took = start.elapsed();
    assert!(o.status.success(), "{o:?}");
    let err = String::from_utf8_lossy(&o.stderr);
    let id = String::from_utf8_lossy(&o.stdout).trim().to_string();
    let scope = format!("sangja-{id}.scope");
    let pid = field(&s, &id, "{{.State.Pid}}");
    let cg = std::fs::read_to_string(format!("/proc/{pid}/cgroup")).unwrap();
    let v2 = cg.lines().find_map(|l| l.strip_prefix("0::")).unwrap_or_default().to_string();
    eprintln!(
        "path ran with the user bus: {} (run -d took {took:?}); the container's cgroup: {v2}",
        err.lines().find(|l| l.contains("systemd user scope")).unwrap_or("no debug line")
    );
    assert!(v2.contains(&format!("/{scope}/")), "the container is inside {scope}: {cg}\n{err}");
    assert_eq!(m.ok(&["is-active", &scope]).trim(), "active");
    assert!(m.ok(&["show", "-p", "Delegate", "--value", &scope]).trim() == "yes");
    // restart: the new monitor starts the scope again, or joins it while
    // the old one is still up; either way the container is back inside.
    let o = sangja(&m.xdg, &["--log-level", "debug", "restart", "-t", "0", &id]);
    assert!(o.status.success(), "{o:?}");
    let pid = field(&s, &id, "{{.State.Pid}}");
    let cg = std::fs::read_to_string(format!("/proc/{pid}/cgroup")).unwrap();
    assert!(cg.contains(&format!("/{scope}/")), "restarted inside {scope}: {cg}\n{o:?}");

    // In the scope, a limit its controllers lack is named as such.
    let o = sangja(&m.xdg, &["run", "--rm", "--memory", "32m", BUSYBOX, "true"]);
    assert_eq!(o.status.code(), Some(125), "{o:?}");
    assert!(String::from_utf8_lossy(&o.stderr).contains("has no memory controller"), "{o:?}");

    s.ok(&["rm", "-f", &id]);
    until("the scope collected once empty", 10, || m.systemctl(&["is-active", &scope]).stdout != b"active\n");

    // `create` (its scope ends with it), then `start` from another process:
    // the same scope again, so the cgroup the spec names is there.
    let o = sangja(&m.xdg, &["create", BUSYBOX, "sleep", "100"]);
    assert!(o.status.success(), "{o:?}");
    let id = String::from_utf8_lossy(&o.stdout).trim().to_string();
    let o = sangja(&m.xdg, &["start", &id]);
    assert!(o.status.success(), "{o:?}");
    let pid = field(&s, &id, "{{.State.Pid}}");
    let cg = std::fs::read_to_string(format!("/proc/{pid}/cgroup")).unwrap();
    assert!(cg.contains(&format!("/sangja-{id}.scope/")), "create, then start: {cg}");
    s.ok(&["rm", "-f", &id]);
}
