//! The harness: run the real `sangja` binary as the test user (rootless) or as
//! root, each test in its own store, with a time limit on every command.
//!
//! Run as root (after `bash tests/setup.sh`), the tests switch to the test user
//! `sangjatest` themselves. Run as an ordinary user, the rootless tests run as
//! that user (when it has a subuid range) and the root tests are skipped.

#[allow(unused_imports)] // the escape suite (tests/security) names no Json
pub use crate::json::{Json, JsonExt};
pub use crate::process::{spawn_retry, wait_output, Out, Running, TIMEOUT};
use std::collections::BTreeSet;
use std::ffi::OsStr;
use std::fs;
use std::io::{Read, Write};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;
use std::time::Duration;

/// The local registry that tests/setup.sh starts.
pub const REGISTRY: &str = "127.0.0.1:5000";
pub const BUSYBOX: &str = "127.0.0.1:5000/busybox:latest";
pub const LAYERED: &str = "127.0.0.1:5000/layered:latest";
pub const MULTI: &str = "127.0.0.1:5000/multi:latest";

/// Where the tests keep their stores.
const TEST_BASE: &str = "/tmp/sangja-tests";

/// The repository's tests/ folder.
pub fn tests_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests")
}

/// The image name in the local registry.
pub fn image(name: &str) -> String {
    format!("{REGISTRY}/{name}:latest")
}

/// The OCI architecture name of this machine.
pub fn host_arch() -> &'static str {
    match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        "arm" => "arm",
        "powerpc64" => "ppc64le",
        "s390x" => "s390x",
        "riscv64" => "riscv64",
        other => other,
    }
}

fn euid() -> u32 {
    fs::metadata("/proc/self").map(|m| m.uid()).unwrap_or(u32::MAX)
}

/// True when the tests run as root.
pub fn is_root() -> bool {
    euid() == 0
}

/// A user the binary runs as.
#[derive(Debug, Clone)]
pub struct User {
    pub name: String,
    pub uid: u32,
    pub gid: u32,
    pub home: PathBuf,
    /// The (start, count) of the user's /etc/subuid and /etc/subgid ranges.
    pub subuid: Option<(u32, u32)>,
    pub subgid: Option<(u32, u32)>,
}

fn passwd_entry(pred: impl Fn(&[&str]) -> bool) -> Option<User> {
    let text = fs::read_to_string("/etc/passwd").ok()?;
    text.lines().map(|l| l.split(':').collect::<Vec<_>>()).find(|f| f.len() >= 7 && pred(f)).map(|f| {
        let name = f[0].to_string();
        let uid = f[2].parse().unwrap_or(u32::MAX);
        User {
            subuid: sub_range("/etc/subuid", &name, uid),
            subgid: sub_range("/etc/subgid", &name, uid),
            gid: f[3].parse().unwrap_or(u32::MAX),
            home: PathBuf::from(f[5]),
            name,
            uid,
        }
    })
}

fn sub_range(file: &str, name: &str, uid: u32) -> Option<(u32, u32)> {
    let text = fs::read_to_string(file).ok()?;
    text.lines().find_map(|l| {
        let f: Vec<&str> = l.trim().split(':').collect();
        if f.len() == 3 && (f[0] == name || f[0] == uid.to_string()) {
            Some((f[1].parse().ok()?, f[2].parse().ok()?))
        } else {
            None
        }
    })
}

/// The test users' ids as tests/setup.sh chose them on this machine
/// (tests/setup-ids.sh): read from $SANGJA_TEST_IDS, else
/// /etc/sangja-tests/ids; the usual numbers where the file is missing (a
/// machine set up before setup.sh wrote it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetupIds {
    pub sangjatest_uid: u32,
    pub sangjanosub_uid: u32,
    pub sangjasmall_uid: u32,
    /// Start of sangjatest's 65536 subordinate ids.
    pub sangjatest_subuid: u32,
    /// Start of sangjasmall's 1000 subordinate ids.
    pub sangjasmall_subuid: u32,
}

impl SetupIds {
    /// Parses the file setup.sh writes (KEY=VALUE lines, # comments).
    pub fn parse(text: &str) -> SetupIds {
        let get = |key: &str, default: u32| {
            text.lines()
                .filter_map(|l| l.trim().split_once('='))
                .find(|(k, _)| *k == key)
                .and_then(|(_, v)| v.trim().parse().ok())
                .unwrap_or(default)
        };
        SetupIds {
            sangjatest_uid: get("SANGJATEST_UID", 1001),
            sangjanosub_uid: get("SANGJANOSUB_UID", 1002),
            sangjasmall_uid: get("SANGJASMALL_UID", 1003),
            sangjatest_subuid: get("SANGJATEST_SUBUID", 100000),
            sangjasmall_subuid: get("SANGJASMALL_SUBUID", 300000),
        }
    }
}

pub fn setup_ids() -> SetupIds {
    let path = std::env::var_os("SANGJA_TEST_IDS").map(PathBuf::from).unwrap_or_else(|| PathBuf::from("/etc/sangja-tests/ids"));
    SetupIds::parse(&fs::read_to_string(path).unwrap_or_default())
}

fn user_named(name: &str) -> User {
    passwd_entry(|f| f[0] == name).unwrap_or_else(|| panic!("there is no user \"{name}\": run `bash tests/setup.sh` as root first"))
}

/// Who runs the binary.
#[derive(Debug, Clone)]
pub enum Mode {
    /// As root, no user namespace remapping.
    Root,
    /// As an unprivileged user; `switch` when the tests (root) change to it.
    Rootless { user: User, switch: bool },
}

/// The binary under test, copied once to a place every test user can read
/// (the build tree may sit in a folder the test user cannot enter).
pub fn binary() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        let built = PathBuf::from(env!("CARGO_BIN_EXE_sangja"));
        if !is_root() {
            return built;
        }
        let meta = fs::metadata(&built).unwrap_or_else(|e| panic!("{}: {e}", built.display()));
        // The small monitor goes along: sangja finds it next to itself.
        let small = built.with_file_name("sangja-monitor");
        let small_meta = fs::metadata(&small).ok();
        let small_key = small_meta.as_ref().map(|m| format!("-{}-{}", m.len(), m.mtime_nsec())).unwrap_or_default();
        let dir = Path::new(TEST_BASE).join("bin").join(format!("{}-{}-{}{small_key}", meta.len(), meta.mtime(), meta.mtime_nsec()));
        let dest = dir.join("sangja");
        if fs::metadata(&dest).map(|m| m.len() == meta.len()).unwrap_or(false) {
            return dest;
        }
        fs::create_dir_all(&dir).unwrap();
        for d in [Path::new(TEST_BASE), &Path::new(TEST_BASE).join("bin"), &dir] {
            fs::set_permissions(d, fs::Permissions::from_mode(0o755)).unwrap();
        }
        // Copy under a temporary name, then rename: test processes may race.
        // The small monitor first: a sangja seen in place has it beside it.
        let copy = |from: &Path, name: &str| {
            let tmp = dir.join(format!("{name}.tmp-{}", std::process::id()));
            fs::copy(from, &tmp).unwrap();
            fs::set_permissions(&tmp, fs::Permissions::from_mode(0o755)).unwrap();
            fs::rename(&tmp, dir.join(name)).unwrap();
        };
        if small_meta.is_some() {
            copy(&small, "sangja-monitor");
        }
        copy(&built, "sangja");
        dest
    })
}

/// Fails the test early, and clearly, when the registry is not there.
pub fn require_registry() {
    static UP: OnceLock<Result<(), String>> = OnceLock::new();
    let r = UP.get_or_init(|| {
        let ask = || -> std::io::Result<String> {
            let mut s = std::net::TcpStream::connect_timeout(&REGISTRY.parse().unwrap(), Duration::from_secs(2))?;
            s.set_read_timeout(Some(Duration::from_secs(5)))?;
            s.write_all(b"GET /v2/ HTTP/1.0\r\nHost: 127.0.0.1:5000\r\n\r\n")?;
            let mut out = String::new();
            s.read_to_string(&mut out)?;
            Ok(out)
        };
        match ask() {
            Ok(r) if r.starts_with("HTTP/1.1 200") || r.starts_with("HTTP/1.0 200") => Ok(()),
            Ok(r) => Err(format!("the registry on {REGISTRY} answered {:?}", r.lines().next())),
            Err(e) => Err(format!("no registry on {REGISTRY}: {e}")),
        }
    });
    if let Err(e) = r {
        panic!("{e}: run `bash tests/setup.sh` as root first");
    }
}

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// One test's sangja: an identity and a private store.
pub struct Sangja {
    pub mode: Mode,
    /// The test's folder, owned by the user: holds the store and anything else.
    pub dir: PathBuf,
    pub root: PathBuf,
    pub runroot: PathBuf,
}

impl Sangja {
    /// sangja as the test user `sangjatest` (or, when the tests are not root,
    /// as the current user if it has a subuid range).
    pub fn rootless(test: &str) -> Option<Sangja> {
        if is_root() {
            let user = user_named("sangjatest");
            assert!(user.subuid.is_some(), "sangjatest has no /etc/subuid range: run `bash tests/setup.sh`");
            return Some(Self::new(test, Mode::Rootless { user, switch: true }));
        }
        let me = passwd_entry(|f| f[2] == euid().to_string())?;
        if me.subuid.is_none() || me.subgid.is_none() {
            eprintln!("skipped: {} has no subuid/subgid range (run the tests as root after tests/setup.sh)", me.name);
            return None;
        }
        Some(Self::new(test, Mode::Rootless { user: me, switch: false }))
    }

    /// sangja as `sangjanosub`, a user without a subuid range (root only).
    pub fn nosub(test: &str) -> Option<Sangja> {
        if !is_root() {
            eprintln!("skipped: switching to the user without a subuid range needs root");
            return None;
        }
        let user = user_named("sangjanosub");
        assert!(user.subuid.is_none(), "sangjanosub must have no /etc/subuid range: run `bash tests/setup.sh`");
        Some(Self::new(test, Mode::Rootless { user, switch: true }))
    }

    /// sangja as `sangjasmall`, whose subuid range (1000 ids) is too small for images (root only).
    pub fn small_range(test: &str) -> Option<Sangja> {
        if !is_root() {
            eprintln!("skipped: switching to the user with a small subuid range needs root");
            return None;
        }
        let user = user_named("sangjasmall");
        assert_eq!(user.subuid.map(|r| r.1), Some(1000), "sangjasmall needs a 1000-id range: run `bash tests/setup.sh`");
        Some(Self::new(test, Mode::Rootless { user, switch: true }))
    }

    /// sangja as root (skipped when the tests do not run as root).
    pub fn root(test: &str) -> Option<Sangja> {
        if !is_root() {
            eprintln!("skipped: root mode needs the tests to run as root");
            return None;
        }
        Some(Self::new(test, Mode::Root))
    }

    fn new(test: &str, mode: Mode) -> Sangja {
        require_registry();
        binary();
        let base = if is_root() { PathBuf::from(TEST_BASE) } else { std::env::temp_dir().join(format!("sangja-tests-{}", euid())) };
        fs::create_dir_all(&base).unwrap();
        if is_root() {
            fs::set_permissions(&base, fs::Permissions::from_mode(0o755)).unwrap();
        }
        // Short: paths under the run root end up in unix socket addresses (108 bytes).
        let parts: Vec<&str> = test.split("::").collect();
        let last = parts.last().copied().unwrap_or("t");
        let name: String = last.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-').take(16).collect();
        let who = match &mode {
            Mode::Root => "root",
            Mode::Rootless { .. } => "user",
        };
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let dir = base.join(format!("{name}-{who}-{}-{n}", std::process::id()));
        if dir.exists() {
            let _ = fs::remove_dir_all(&dir);
        }
        fs::create_dir(&dir).unwrap();
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o700)).unwrap();
        if let Mode::Rootless { user, switch: true } = &mode {
            std::os::unix::fs::chown(&dir, Some(user.uid), Some(user.gid)).unwrap();
        }
        Sangja { root: dir.join("root"), runroot: dir.join("run"), dir, mode }
    }

    pub fn is_rootless(&self) -> bool {
        matches!(self.mode, Mode::Rootless { .. })
    }

    /// The uid on the host of `uid` inside a container.
    pub fn host_uid(&self, uid: u32) -> u32 {
        match &self.mode {
            Mode::Root => uid,
            Mode::Rootless { user, .. } => map_id(uid, user.uid, user.subuid),
        }
    }

    /// The gid on the host of `gid` inside a container.
    pub fn host_gid(&self, gid: u32) -> u32 {
        match &self.mode {
            Mode::Root => gid,
            Mode::Rootless { user, .. } => map_id(gid, user.gid, user.subgid),
        }
    }

    /// A command running the binary as this test's user, with this test's store.
    pub fn command<S: AsRef<OsStr>>(&self, args: &[S]) -> Command {
        self.command_with_runroot(true, args)
    }

    /// `command`, with or without this test's --runroot (to see where sangja puts it).
    pub fn command_with_runroot<S: AsRef<OsStr>>(&self, runroot: bool, args: &[S]) -> Command {
        self.command_of(binary(), runroot, args)
    }

    /// `sangja ARGS` run from another copy of the binary `bin` (to the end).
    #[allow(dead_code)] // used by the escape suite (tests/security)
    pub fn run_binary<S: AsRef<OsStr>>(&self, bin: &Path, args: &[S]) -> Out {
        let child = spawn_retry(&mut self.command_of(bin, true, args));
        wait_output(child, self.cmdline(args), None, TIMEOUT)
    }

    fn command_of<S: AsRef<OsStr>>(&self, bin: &Path, runroot: bool, args: &[S]) -> Command {
        let mut cmd = Command::new(bin);
        cmd.arg("--root").arg(&self.root);
        if runroot {
            cmd.arg("--runroot").arg(&self.runroot);
        }
        cmd.args(args);
        cmd.env_clear();
        cmd.env("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        cmd.env("LANG", "C.UTF-8");
        cmd.env("RUST_BACKTRACE", "1");
        cmd.current_dir(&self.dir);
        match &self.mode {
            Mode::Root => {
                cmd.env("HOME", "/root").env("USER", "root").env("LOGNAME", "root");
            }
            Mode::Rootless { user, switch } => {
                cmd.env("HOME", &user.home).env("USER", &user.name).env("LOGNAME", &user.name);
                cmd.env("XDG_RUNTIME_DIR", format!("/run/user/{}", user.uid));
                if *switch {
                    // std drops supplementary groups when root changes uid.
                    cmd.uid(user.uid).gid(user.gid);
                } else if let Some(v) = std::env::var_os("XDG_RUNTIME_DIR") {
                    cmd.env("XDG_RUNTIME_DIR", v);
                }
            }
        }
        cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
        cmd
    }

    fn cmdline<S: AsRef<OsStr>>(&self, args: &[S]) -> String {
        let who = match &self.mode {
            Mode::Root => "root".to_string(),
            Mode::Rootless { user, .. } => user.name.clone(),
        };
        let args: Vec<String> = args.iter().map(|a| a.as_ref().to_string_lossy().into_owned()).collect();
        format!("[{who}] sangja --root {} {}", self.root.display(), args.join(" "))
    }

    /// Runs `sangja ARGS` to the end.
    pub fn run<S: AsRef<OsStr>>(&self, args: &[S]) -> Out {
        let child = spawn_retry(&mut self.command(args));
        wait_output(child, self.cmdline(args), None, TIMEOUT)
    }

    /// Runs `sangja ARGS` with `input` on its stdin.
    pub fn run_stdin<S: AsRef<OsStr>>(&self, args: &[S], input: &str) -> Out {
        let mut cmd = self.command(args);
        cmd.stdin(Stdio::piped());
        let child = spawn_retry(&mut cmd);
        wait_output(child, self.cmdline(args), Some(input.as_bytes()), TIMEOUT)
    }

    /// Runs `sangja ARGS` and asserts success.
    #[track_caller]
    pub fn ok<S: AsRef<OsStr>>(&self, args: &[S]) -> Out {
        self.run(args).ok()
    }

    /// Starts `sangja ARGS` without waiting.
    pub fn spawn<S: AsRef<OsStr>>(&self, args: &[S]) -> Running {
        let child = spawn_retry(&mut self.command(args));
        Running::new(child, self.cmdline(args))
    }

    /// `run --rm --tls-verify=false IMAGE CMD...`.
    pub fn run_rm(&self, image: &str, cmd: &[&str]) -> Out {
        let mut args = vec!["run", "--rm", "--tls-verify=false", image];
        args.extend_from_slice(cmd);
        self.run(&args)
    }

    /// Pulls quietly; returns the image id that `pull` printed.
    #[track_caller]
    pub fn pull(&self, image: &str) -> String {
        let out = self.ok(&["pull", "-q", "--tls-verify=false", image]);
        let id = out.lines().last().cloned().unwrap_or_default();
        assert!(is_hex_id(&id), "pull did not print an image id last:{out:?}");
        id
    }

    /// The full id of a container, from `inspect`.
    #[track_caller]
    pub fn container_id(&self, name: &str) -> String {
        let out = self.ok(&["inspect", "--type", "container", name]);
        let id = out.json()[0]["Id"].as_str().unwrap_or_default().to_string();
        assert!(is_hex_id(&id), "inspect gave no container Id:{out:?}");
        id
    }

    /// The writable layer of a container (the lead keeps this path stable).
    pub fn upper_dir(&self, id: &str) -> PathBuf {
        self.root.join("containers").join(id).join("upper")
    }

    /// The folder of a container in the store.
    pub fn container_dir(&self, id: &str) -> PathBuf {
        self.root.join("containers").join(id)
    }

    /// Extracted layers: <root>/overlay/layers/<hex>.
    pub fn layers_dir(&self) -> PathBuf {
        self.root.join("overlay").join("layers")
    }

    /// Layers in the layer store (lock files beside them do not count).
    pub fn layer_entries(&self) -> Vec<String> {
        entries(&self.layers_dir()).into_iter().filter(|n| !n.ends_with(".lock")).collect()
    }

    /// Names left in the store's temp folder (lock files do not count).
    pub fn tmp_entries(&self) -> Vec<String> {
        entries(&self.root.join("tmp")).into_iter().filter(|n| !n.ends_with(".lock")).collect()
    }

    /// The image ids `images -q` lists.
    #[track_caller]
    pub fn image_ids(&self) -> Vec<String> {
        self.ok(&["images", "-q"]).lines()
    }

    /// The container ids `ps -aq` lists.
    #[track_caller]
    pub fn container_ids(&self) -> Vec<String> {
        self.ok(&["ps", "-a", "-q"]).lines()
    }
}

impl Drop for Sangja {
    fn drop(&mut self) {
        // Containers a test left running: their monitors would outlive it.
        // Bounded: a store a test broke on purpose must not hang the suite.
        if let Ok(mut child) = self.command(&["rm", "--force", "--all"]).stdout(Stdio::null()).stderr(Stdio::null()).spawn() {
            let start = std::time::Instant::now();
            while matches!(child.try_wait(), Ok(None)) && start.elapsed() < Duration::from_secs(30) {
                std::thread::sleep(Duration::from_millis(5));
            }
            let _ = child.kill();
            let _ = child.wait();
        }
        if std::thread::panicking() {
            eprintln!("kept the failed test's store for a look: {}", self.dir.display());
        } else if fs::remove_dir_all(&self.dir).is_err() && !is_root() {
            // Files owned by subordinate ids: only the user namespace can remove them.
            let _ = self.command(&[OsStr::new("unshare"), OsStr::new("rm"), OsStr::new("-rf"), self.dir.as_os_str()]).output();
        }
    }
}

fn map_id(id: u32, own: u32, range: Option<(u32, u32)>) -> u32 {
    match (id, range) {
        (0, _) => own,
        (n, Some((start, count))) if n <= count => start + n - 1,
        (n, _) => panic!("id {n} is not mapped"),
    }
}

/// A 64-hex-digit id.
pub fn is_hex_id(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The names in a folder, sorted (none when it does not exist).
pub fn entries(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = match fs::read_dir(dir) {
        Ok(rd) => rd.filter_map(|e| e.ok()).map(|e| e.file_name().to_string_lossy().into_owned()).collect(),
        Err(_) => Vec::new(),
    };
    v.sort();
    v
}

/// Every path under `dir` whose file name contains `needle`.
pub fn find_named(dir: &Path, needle: &str) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = fs::read_dir(&d) else { continue };
        for e in rd.filter_map(|e| e.ok()) {
            let p = e.path();
            if e.file_name().to_string_lossy().contains(needle) {
                found.push(p.clone());
            }
            if e.file_type().map(|t| t.is_dir()).unwrap_or(false) {
                stack.push(p);
            }
        }
    }
    found
}

/// The network interfaces of this machine's network namespace.
pub fn host_interfaces() -> BTreeSet<String> {
    proc_net_dev_names(&fs::read_to_string("/proc/net/dev").unwrap())
}

/// Interface names in /proc/net/dev text, without the host ends of root
/// containers' veth pairs (vsj...: they come and go as tests run in parallel).
pub fn proc_net_dev_names(text: &str) -> BTreeSet<String> {
    text.lines()
        .skip(2)
        .filter_map(|l| l.split(':').next())
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty() && !s.starts_with("vsj"))
        .collect()
}

// ---- a terminal session: a real pty made by util-linux's `script` ----

/// Runs `sh -c SHELL` under `script` (a pty as its terminal) as the test's
/// user; `$S` in SHELL is this test's sangja. Each step waits until its
/// text has shown on the output (after the previous step's), then types
/// its input: typed earlier, it would meet the outer pty in cooked mode.
/// A step input that creates a file in the test's folder instead of typing.
pub const TOUCH: &str = "touch:";

pub fn in_pty(s: &Sangja, shell: &str, steps: &[(&str, &str)]) -> Out {
    in_pty_with(s, None, shell, steps)
}

/// `in_pty` with `login_shell` ($SHELL for script: bash for `read -t`) instead of sh.
pub fn in_pty_with(s: &Sangja, login_shell: Option<&str>, shell: &str, steps: &[(&str, &str)]) -> Out {
    let sangja = format!("{} --root {} --runroot {}", binary().display(), s.root.display(), s.runroot.display());
    let shell = shell.replace("$S", &sangja);
    let mut cmd = Command::new("script");
    cmd.args(["-qec", &shell, "/dev/null"]);
    cmd.env_clear();
    if let Some(sh) = login_shell {
        cmd.env("SHELL", sh);
    }
    cmd.env("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin").env("TERM", "xterm");
    cmd.current_dir(&s.dir);
    if let Mode::Rootless { user, switch } = &s.mode {
        cmd.env("HOME", &user.home).env("XDG_RUNTIME_DIR", format!("/run/user/{}", user.uid));
        if *switch {
            std::os::unix::process::CommandExt::uid(&mut cmd, user.uid);
            std::os::unix::process::CommandExt::gid(&mut cmd, user.gid);
        }
    }
    cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = spawn_retry(&mut cmd);
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let buf = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let b = buf.clone();
    let reader = std::thread::spawn(move || {
        let mut chunk = [0u8; 4096];
        while let Ok(n) = stdout.read(&mut chunk) {
            if n == 0 {
                break;
            }
            b.lock().unwrap().extend_from_slice(&chunk[..n]);
        }
    });
    let text = |b: &std::sync::Arc<std::sync::Mutex<Vec<u8>>>| String::from_utf8_lossy(&b.lock().unwrap()).into_owned();
    let mut pos = 0;
    for (wait_for, input) in steps {
        let deadline = std::time::Instant::now() + Duration::from_secs(60);
        loop {
            let t = text(&buf);
            if let Some(i) = t.get(pos..).and_then(|rest| rest.find(wait_for)) {
                pos += i + wait_for.len();
                break;
            }
            if std::time::Instant::now() > deadline || child.try_wait().unwrap().is_some() {
                let _ = child.kill();
                panic!("{wait_for:?} never showed (output {t:?}): script -qec {shell:?}");
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        match input.strip_prefix(TOUCH) {
            // The shell outside waits for this file to resize the outer pty.
            Some(name) => {
                std::fs::write(s.dir.join(name), b"").unwrap();
            }
            None => stdin.write_all(input.as_bytes()).unwrap(),
        }
    }
    // script's stdin stays open until the session ends: its EOF would end it early.
    let mut out = wait_output(child, format!("script -qec {shell:?}"), None, TIMEOUT);
    drop(stdin);
    let _ = reader.join();
    out.stdout = text(&buf);
    out
}

/// Defines a test twice, as `NAME::rootless` and `NAME::root`; each gets a fresh
/// `Sangja` (own store) and is skipped, with a message, where its mode cannot run.
macro_rules! both {
    ($(#[$meta:meta])* fn $name:ident($s:ident) $body:block) => {
        $(#[$meta])*
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            fn body($s: &$crate::util::Sangja) $body
            #[test]
            fn rootless() {
                if let Some(s) = $crate::util::Sangja::rootless(stringify!($name)) {
                    body(&s)
                }
            }
            #[test]
            fn root() {
                if let Some(s) = $crate::util::Sangja::root(stringify!($name)) {
                    body(&s)
                }
            }
        }
    };
}
