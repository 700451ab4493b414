//! The containers ecosystem's files and variables: registries.conf (insecure,
//! blocked, mirrors, rewriting, short names), containers.conf (env, ulimits,
//! umask, time zone), auth.json with login/logout against a registry with
//! htpasswd authentication, `info`, and errors naming file and line.

use crate::util::*;
use std::fs;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Runs `sangja ARGS` with extra environment variables (and stdin).
fn run_env(s: &Sangja, env: &[(&str, &Path)], args: &[&str], stdin: Option<&str>) -> Out {
    let mut cmd = s.command(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    if stdin.is_some() {
        cmd.stdin(Stdio::piped());
    }
    let vars: Vec<String> = env.iter().map(|(k, v)| format!("{k}={}", v.display())).collect();
    let line = format!("{} sangja {}", vars.join(" "), args.join(" "));
    wait_output(spawn_retry(&mut cmd), line, stdin.map(str::as_bytes), TIMEOUT)
}

/// Writes a file the test's user can read.
fn write(s: &Sangja, name: &str, text: &str) -> PathBuf {
    let p = s.dir.join(name);
    fs::write(&p, text).unwrap();
    fs::set_permissions(&p, fs::Permissions::from_mode(0o644)).unwrap();
    p
}

const INSECURE_5000: &str = "[[registry]]\nlocation = \"127.0.0.1:5000\"\ninsecure = true\n";

both! {
    /// `insecure = true` in the file $CONTAINERS_REGISTRIES_CONF names is
    /// what lets the plain-HTTP registry be pulled without --tls-verify=false.
    fn insecure_registry_from_conf(s) {
        let conf = write(s, "registries.conf", INSECURE_5000);
        let empty = write(s, "empty.conf", "");
        run_env(s, &[("CONTAINERS_REGISTRIES_CONF", empty.as_path())], &["pull", "-q", BUSYBOX], None)
            .code(125)
            .stderr_has("--tls-verify=false");
        let out = run_env(s, &[("CONTAINERS_REGISTRIES_CONF", conf.as_path())], &["pull", "-q", BUSYBOX], None).ok();
        assert!(is_hex_id(out.stdout.trim()), "{out:?}");
    }
}

both! {
    fn blocked_registry_is_refused(s) {
        let conf = write(s, "registries.conf", &format!("{INSECURE_5000}blocked = true\n"));
        let env = [("CONTAINERS_REGISTRIES_CONF", conf.as_path())];
        run_env(s, &env, &["pull", "-q", "--tls-verify=false", BUSYBOX], None)
            .code(125)
            .stderr_has("127.0.0.1:5000 is blocked in registries.conf");
        assert!(s.image_ids().is_empty());
    }
}

both! {
    /// Mirrors are tried in order: one that is down (nothing listens on port 1)
    /// falls back to the next, here the local registry standing in for a host
    /// that does not exist; the image keeps the name that was asked for.
    fn mirrors_and_rewrites(s) {
        let conf = write(
            s,
            "registries.conf",
            &format!(
                "{INSECURE_5000}\n[[registry]]\nprefix = \"nowhere.invalid\"\nlocation = \"nowhere.invalid\"\n\
                 [[registry.mirror]]\nlocation = \"127.0.0.1:1\"\ninsecure = true\n\
                 [[registry.mirror]]\nlocation = \"127.0.0.1:5000\"\ninsecure = true\n\
                 \n[[registry]]\nprefix = \"rewrite.invalid/lib\"\nlocation = \"127.0.0.1:5000\"\ninsecure = true\n"
            ),
        );
        let env = [("CONTAINERS_REGISTRIES_CONF", conf.as_path())];
        run_env(s, &env, &["pull", "-q", "nowhere.invalid/busybox"], None).ok();
        run_env(s, &env, &["pull", "-q", "rewrite.invalid/lib/layered"], None).ok();
        let names = s.ok(&["images", "--format", "{{.Repository}}"]).lines();
        assert!(names.contains(&"nowhere.invalid/busybox".to_string()), "{names:?}");
        assert!(names.contains(&"rewrite.invalid/lib/layered".to_string()), "{names:?}");
        // The registry itself is down and only a mirror that is down too: the error names it.
        let down = write(s, "down.conf", "[[registry]]\nlocation = \"127.0.0.1:1\"\ninsecure = true\n[[registry.mirror]]\nlocation = \"127.0.0.1:2\"\ninsecure = true\n");
        let env = [("CONTAINERS_REGISTRIES_CONF", down.as_path())];
        run_env(s, &env, &["pull", "-q", "127.0.0.1:1/busybox"], None).code(125).stderr_has("127.0.0.1:1");
    }
}

both! {
    /// Short names go through unqualified-search-registries in order; with
    /// short-name-mode = "enforcing" several candidates are refused, listed.
    /// ("layered": the system's shortnames.conf aliases busybox to docker.io,
    /// and its drop-ins apply with $CONTAINERS_REGISTRIES_CONF too, as podman.)
    fn short_names(s) {
        let search = "unqualified-search-registries = [\"127.0.0.1:1\", \"127.0.0.1:5000\"]\n";
        let conf = write(s, "registries.conf", &format!("{search}{INSECURE_5000}[[registry]]\nlocation = \"127.0.0.1:1\"\ninsecure = true\n"));
        let env = [("CONTAINERS_REGISTRIES_CONF", conf.as_path())];
        run_env(s, &env, &["pull", "-q", "layered"], None).ok();
        assert_eq!(s.ok(&["images", "--format", "{{.Repository}}"]).lines(), ["127.0.0.1:5000/layered"]);
        let enforcing = write(s, "enforcing.conf", &format!("short-name-mode = \"enforcing\"\n{search}{INSECURE_5000}"));
        let env = [("CONTAINERS_REGISTRIES_CONF", enforcing.as_path())];
        run_env(s, &env, &["pull", "-q", "tiny"], None)
            .code(125)
            .stderr_has("127.0.0.1:1/tiny:latest")
            .stderr_has("127.0.0.1:5000/tiny:latest")
            .stderr_has("ambiguous");
        // A fully qualified name is never ambiguous.
        run_env(s, &env, &["pull", "-q", "127.0.0.1:5000/tiny"], None).ok();
    }
}

both! {
    /// containers.conf's env and default_ulimits (below the hard limit, which
    /// root cannot raise here), umask and tz reach the container; -e wins.
    fn containers_conf_defaults(s) {
        let conf = write(
            s,
            "containers.conf",
            "[containers]\nenv = [\"X=from-conf\", \"Y=conf\"]\ndefault_ulimits = [\"nofile=512:512\"]\n\
             umask = \"0027\"\ntz = \"Asia/Seoul\"\nunknown_key = 1\n[engine]\nruntime = \"runc\"\nevents_logger = \"file\"\n[machine]\ncpus = 2\n",
        );
        s.pull(BUSYBOX);
        let env = [("CONTAINERS_CONF", conf.as_path())];
        run_env(s, &env, &["run", "--rm", "-e", "Y=cli", BUSYBOX, "sh", "-c", "echo $X $Y; ulimit -n; umask; date +%Z"], None)
            .ok()
            .stdout_is("from-conf cli\n512\n0027\nKST\n");
        // Without it, sangja's own defaults.
        let out = s.ok(&["run", "--rm", BUSYBOX, "sh", "-c", "echo x$X; umask"]);
        assert_eq!(out.lines(), ["x", "0022"]);
        // default_capabilities replaces podman's default set; --cap-add still adds.
        let caps = write(s, "caps.conf", "[containers]\ndefault_capabilities = [\"CHOWN\", \"kill\"]\n");
        let env = [("CONTAINERS_CONF", caps.as_path())];
        run_env(s, &env, &["run", "--rm", "--network", "none", BUSYBOX, "sh", "-c", "grep CapEff /proc/self/status"], None)
            .ok()
            .stdout_is("CapEff:\t0000000000000021\n");
        run_env(s, &env, &["run", "--rm", "--network", "none", "--cap-add", "SETUID", BUSYBOX, "sh", "-c", "grep CapEff /proc/self/status"], None)
            .ok()
            .stdout_is("CapEff:\t00000000000000a1\n");
        // log_size_max caps a detached container's log as --log-opt max-size would.
        let capped = write(s, "capped.conf", "[containers]\nlog_size_max = 2048\n");
        let env = [("CONTAINERS_CONF", capped.as_path())];
        let id = run_env(s, &env, &["run", "-d", "--network", "none", BUSYBOX, "sh", "-c",
                                     "i=0; while [ $i -lt 300 ]; do echo line $i; i=$((i+1)); [ $((i % 40)) = 0 ] && sleep 0.02; done; true"], None)
            .ok()
            .stdout
            .trim()
            .to_string();
        s.ok(&["wait", &id]);
        let log = s.container_dir(&id).join("ctr.log");
        let len = std::fs::metadata(&log).unwrap().len();
        assert!(len <= 2048, "log_size_max caps the log: {len} bytes");
        assert!(s.container_dir(&id).join("ctr.log.1").exists(), "and rotates it");
    }
}

both! {
    /// A wrong type is an error naming the file, the line and the key.
    fn malformed_files(s) {
        let cc = write(s, "containers.conf", "[containers]\n# comment\nenv = \"X=1\"\n");
        let env = [("CONTAINERS_CONF", cc.as_path())];
        run_env(s, &env, &["run", "--rm", "--tls-verify=false", BUSYBOX, "true"], None)
            .code(125)
            .stderr_has(&format!("{}:3:", cc.display()))
            .stderr_has("\"env\"");
        let rc = write(s, "registries.conf", "[[registry]]\nlocation = \"127.0.0.1:5000\"\ninsecure = \"yes\"\n");
        let env = [("CONTAINERS_REGISTRIES_CONF", rc.as_path())];
        run_env(s, &env, &["pull", "-q", BUSYBOX], None).code(125).stderr_has(&format!("{}:3:", rc.display())).stderr_has("insecure");
        let auth = write(s, "auth.json", "{\n  \"auths\": {,\n}\n");
        let env = [("REGISTRY_AUTH_FILE", auth.as_path())];
        run_env(s, &env, &["pull", "-q", "--tls-verify=false", BUSYBOX], None).code(125).stderr_has(&format!("{}:2:", auth.display()));
        let ulim = write(s, "ulimit.conf", "[containers]\ndefault_ulimits = [\"nofiles=5\"]\n");
        let env = [("CONTAINERS_CONF", ulim.as_path())];
        run_env(s, &env, &["run", "--rm", "--tls-verify=false", BUSYBOX, "true"], None).code(125).stderr_has(":2:").stderr_has("nofiles");
    }
}

both! {
    fn info_fields(s) {
        let conf = write(s, "registries.conf", &format!("unqualified-search-registries = [\"127.0.0.1:5000\"]\n{INSECURE_5000}"));
        let env = [("CONTAINERS_REGISTRIES_CONF", conf.as_path())];
        let one = |f: &str| run_env(s, &env, &["info", "--format", f], None).ok().stdout.trim().to_string();
        assert_eq!(one("{{.Store.GraphRoot}}"), s.root.display().to_string());
        assert_eq!(one("{{.Store.GraphDriverName}}"), "overlay");
        assert_eq!(one("{{.Host.OCIRuntime.Name}}"), "sangja");
        assert_eq!(one("{{.Host.Security.Rootless}}"), s.is_rootless().to_string());
        // A map prints as Go prints one, as podman's does.
        let regs = one("{{.Registries}}");
        assert!(regs.starts_with("map[") && regs.contains("127.0.0.1:5000"), "{regs}");
        s.pull(BUSYBOX);
        let out = run_env(s, &env, &["info", "--format", "json"], None).ok();
        let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
        assert_eq!(v["store"]["imageStore"]["number"], 1, "{out:?}");
        assert_eq!(v["store"]["runRoot"], s.runroot.display().to_string());
        assert_eq!(v["registries"]["search"][0], "127.0.0.1:5000");
        assert_eq!(v["registries"]["127.0.0.1:5000"]["Insecure"], true);
        let uidmap = &v["host"]["idMappings"]["uidmap"];
        if s.is_rootless() {
            assert_eq!(uidmap[1]["host_id"], setup_ids().sangjatest_subuid, "{out:?}");
            assert_eq!(uidmap[1]["size"], 65536);
        }
        assert!(!v["host"]["kernel"].as_str().unwrap_or("").is_empty());
    }
}

/// A second registry, with htpasswd authentication, on its own port; stopped
/// and removed when dropped.
struct AuthRegistry {
    child: Child,
    dir: PathBuf,
    addr: String,
}

const AUTH_USER: &str = "sangja";
const AUTH_PASS: &str = "sangjapass";
/// bcrypt of AUTH_PASS (what `htpasswd -B` writes), fixed so the tests need no tool to make it.
const AUTH_HASH: &str = "$2b$05$QXE0qaQ4A/QdS3q5CRDZMuaDdMzOML.lq0d5Gjhu8.5IdHb4XAFhW";

impl AuthRegistry {
    fn start(port: u16) -> AuthRegistry {
        let addr = format!("127.0.0.1:{port}");
        assert!(std::net::TcpStream::connect(&addr).is_err(), "port {port} is taken: the auth registry test needs it");
        let dir = std::env::temp_dir().join(format!("sangja-authreg-{port}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(dir.join("data")).unwrap();
        fs::write(dir.join("htpasswd"), format!("{AUTH_USER}:{AUTH_HASH}\n")).unwrap();
        let config = format!(
            "version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n    rootdirectory: {}\n\
             auth:\n  htpasswd:\n    realm: sangja-test\n    path: {}\nhttp:\n  addr: {addr}\n  secret: sangja-test\n",
            dir.join("data").display(),
            dir.join("htpasswd").display()
        );
        fs::write(dir.join("config.yml"), config).unwrap();
        let log = fs::File::create(dir.join("log")).unwrap();
        let child = Command::new("docker-registry")
            .arg("serve")
            .arg(dir.join("config.yml"))
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .expect("docker-registry (Debian package docker-registry): run `bash tests/setup.sh`");
        let reg = AuthRegistry { child, dir, addr };
        let t0 = Instant::now();
        while std::net::TcpStream::connect(&reg.addr).is_err() {
            assert!(
                t0.elapsed() < Duration::from_secs(10),
                "the auth registry did not start: {:?}",
                fs::read_to_string(reg.dir.join("log"))
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        let st = Command::new("skopeo")
            .args(["copy", "-q", "--src-tls-verify=false", "--dest-tls-verify=false", "--dest-creds"])
            .arg(format!("{AUTH_USER}:{AUTH_PASS}"))
            .arg(format!("docker://{BUSYBOX}"))
            .arg(format!("docker://{}/busybox:latest", reg.addr))
            .status()
            .unwrap();
        assert!(st.success(), "skopeo could not push into the auth registry");
        reg
    }
}

impl Drop for AuthRegistry {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = fs::remove_dir_all(&self.dir);
    }
}

fn login_logout(s: &Sangja, port: u16) {
    let reg = AuthRegistry::start(port);
    let addr = reg.addr.as_str();
    let image = format!("{addr}/busybox:latest");
    let auth = s.dir.join("auth.json");
    let env = [("REGISTRY_AUTH_FILE", auth.as_path())];
    let pull = |code: i32| run_env(s, &env, &["pull", "-q", "--tls-verify=false", &image], None).code(code);
    pull(125).stderr_has("unauthorized").stderr_has(&format!("sangja login {addr}"));
    run_env(s, &env, &["login", "--tls-verify=false", "-u", AUTH_USER, "-p", "wrong", addr], None)
        .code(125)
        .stderr_has("invalid username/password");
    assert!(!auth.exists(), "a failed login wrote {}", auth.display());
    run_env(s, &env, &["login", "--tls-verify=false", "-u", AUTH_USER, "--password-stdin", addr], Some(&format!("{AUTH_PASS}\n")))
        .ok()
        .stdout_is("Login Succeeded!\n");
    let meta = fs::metadata(&auth).unwrap();
    assert_eq!(meta.mode() & 0o777, 0o600);
    let doc: serde_json::Value = serde_json::from_str(&fs::read_to_string(&auth).unwrap()).unwrap();
    // base64("sangja:sangjapass")
    assert_eq!(doc["auths"][addr]["auth"], "c2FuZ2phOnNhbmdqYXBhc3M=");
    run_env(s, &env, &["login", "--get-login", addr], None).ok().stdout_is("sangja\n");
    pull(0);
    // --authfile names the same file explicitly.
    let explicit = auth.display().to_string();
    s.ok(&["login", "--get-login", "--authfile", &explicit, addr]).stdout_is("sangja\n");
    s.ok(&["pull", "-q", "--tls-verify=false", "--authfile", &explicit, &image]);
    // run pulls a missing image with the same credentials.
    s.ok(&["rmi", &image]);
    s.ok(&["run", "--rm", "-q", "--network", "none", "--tls-verify=false", "--authfile", &explicit, &image, "echo", "in"])
        .stdout_is("in\n");
    run_env(s, &env, &["logout", addr], None).ok().stdout_is(&format!("Removed login credentials for {addr}\n"));
    pull(125).stderr_has("unauthorized").stderr_has(addr);
    run_env(s, &env, &["logout", addr], None).code(125).stderr_has(&format!("not logged into {addr}"));
    run_env(s, &env, &["login", "--get-login", addr], None).code(125);
    run_env(s, &env, &["logout", "--all"], None).ok();
    // A credential helper named in credHelpers answers for the registry.
    let bin = s.dir.join("bin");
    fs::create_dir_all(&bin).unwrap();
    let helper = bin.join("docker-credential-sangjafake");
    fs::write(
        &helper,
        format!("#!/bin/sh\n[ \"$1\" = get ] || exit 1\nread server\n[ \"$server\" = {addr} ] || {{ echo 'credentials not found in native keychain'; exit 1; }}\necho '{{\"ServerURL\":\"{addr}\",\"Username\":\"{AUTH_USER}\",\"Secret\":\"{AUTH_PASS}\"}}'\n"),
    )
    .unwrap();
    fs::set_permissions(&helper, fs::Permissions::from_mode(0o755)).unwrap();
    if let Mode::Rootless { user, switch: true } = &s.mode {
        std::os::unix::fs::chown(&bin, Some(user.uid), Some(user.gid)).unwrap();
    }
    fs::write(&auth, format!("{{\"credHelpers\": {{\"{addr}\": \"sangjafake\"}}}}")).unwrap();
    fs::set_permissions(&auth, fs::Permissions::from_mode(0o644)).unwrap();
    let mut cmd = s.command(&["pull", "-q", "--tls-verify=false", &image]);
    cmd.env("REGISTRY_AUTH_FILE", &auth).env("PATH", format!("{}:/usr/sbin:/usr/bin:/sbin:/bin", bin.display()));
    wait_output(spawn_retry(&mut cmd), "pull with a credential helper".into(), None, TIMEOUT).ok();
}

// Each mode has its own auth registry: the two variants run in parallel.
mod login {
    use super::*;

    #[test]
    fn rootless() {
        if let Some(s) = Sangja::rootless("login") {
            login_logout(&s, 5002);
        }
    }

    #[test]
    fn root() {
        if let Some(s) = Sangja::root("login") {
            login_logout(&s, 5003);
        }
    }
}

both! {
    /// sangja.conf ($SANGJA_CONF here) is read: info names it, and a bad
    /// driver in it is refused; the flags still win for the paths.
    fn sangja_conf(s) {
        let conf = write(s, "sangja.conf", "[storage]\nroot = \"/nonexistent/elsewhere\"\ndriver = \"overlay\"\n");
        let env = [("SANGJA_CONF", conf.as_path())];
        let out = run_env(s, &env, &["info", "--format", "{{.Store.ConfigFile}} {{.Store.GraphRoot}}"], None).ok();
        assert_eq!(out.stdout.trim(), format!("{} {}", conf.display(), s.root.display()));
        // Without --root, the file's root is the store (info only reads paths).
        let mut cmd = Command::new(binary());
        cmd.args(["info", "--format", "{{.Store.GraphRoot}}"]).env_clear().env("PATH", "/usr/bin:/bin").env("SANGJA_CONF", &conf);
        cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
        if let Mode::Rootless { user, switch } = &s.mode {
            cmd.env("HOME", &user.home);
            if *switch {
                use std::os::unix::process::CommandExt;
                cmd.uid(user.uid).gid(user.gid);
            }
        }
        let out = wait_output(spawn_retry(&mut cmd), "sangja info (SANGJA_CONF, no --root)".into(), None, TIMEOUT).ok();
        assert_eq!(out.stdout.trim(), "/nonexistent/elsewhere");
        let bad = write(s, "bad.conf", "[storage]\ndriver = \"zfs\"\n");
        run_env(s, &[("SANGJA_CONF", bad.as_path())], &["info"], None).code(125).stderr_has("unknown storage driver \"zfs\"");
        let bad = write(s, "bad2.conf", "[storage]\nroot = 5\n");
        run_env(s, &[("SANGJA_CONF", bad.as_path())], &["images"], None).code(125).stderr_has(&format!("{}:2:", bad.display()));
    }
}

both! {
    /// containers.conf's [engine] tmp_dir places sangja's run-time state
    /// (TMP_DIR/sangja) when neither --runroot nor sangja.conf does.
    fn engine_tmp_dir(s) {
        let tmp = s.dir.join("enginetmp");
        fs::create_dir(&tmp).unwrap();
        if let Mode::Rootless { user, switch: true } = &s.mode {
            std::os::unix::fs::chown(&tmp, Some(user.uid), Some(user.gid)).unwrap();
        }
        let cc = write(s, "tmp.conf", &format!("[engine]\ntmp_dir = \"{}\"\n", tmp.display()));
        let mut cmd = s.command_with_runroot(false, &["info", "--format", "{{.Store.RunRoot}}"]);
        cmd.env("CONTAINERS_CONF", &cc);
        let out = wait_output(spawn_retry(&mut cmd), "info with tmp_dir".into(), None, TIMEOUT).ok();
        assert_eq!(out.stdout.trim(), tmp.join("sangja").display().to_string());
        // A container's state lands there.
        s.pull(BUSYBOX);
        let mut cmd = s.command_with_runroot(false, &["run", "-d", "--network", "none", BUSYBOX, "sleep", "30"]);
        cmd.env("CONTAINERS_CONF", &cc);
        let id = wait_output(spawn_retry(&mut cmd), "run -d with tmp_dir".into(), None, TIMEOUT).ok().stdout.trim().to_string();
        assert!(tmp.join("sangja").is_dir(), "nothing under {}", tmp.display());
        let mut cmd = s.command_with_runroot(false, &["rm", "-f", &id]);
        cmd.env("CONTAINERS_CONF", &cc);
        wait_output(spawn_retry(&mut cmd), "rm -f with tmp_dir".into(), None, TIMEOUT).ok();
    }
}

both! {
    /// containers.conf [network]: rootless, default_rootless_network_cmd picks
    /// the command; as root, default_network names the default network.
    fn default_network_from_conf(s) {
        s.pull(BUSYBOX);
        let mode = |conf: &Path| {
            let env = [("CONTAINERS_CONF", conf)];
            let id = run_env(s, &env, &["create", BUSYBOX, "true"], None).ok().stdout.trim().to_string();
            let m = s.ok(&["inspect", "--format", "{{.HostConfig.NetworkMode}}", &id]).stdout.trim().to_string();
            s.ok(&["rm", &id]);
            m
        };
        if s.is_rootless() {
            let slirp = write(s, "slirp.conf", "[network]\ndefault_rootless_network_cmd = \"slirp4netns\"\n");
            assert_eq!(mode(&slirp), "slirp4netns");
            let pasta = write(s, "pasta.conf", "[network]\ndefault_rootless_network_cmd = \"pasta\"\n");
            assert_eq!(mode(&pasta), "pasta");
            let bad = write(s, "bad.conf", "[network]\ndefault_rootless_network_cmd = \"vpnkit\"\n");
            run_env(s, &[("CONTAINERS_CONF", bad.as_path())], &["create", BUSYBOX, "true"], None)
                .code(125)
                .stderr_has("default_rootless_network_cmd");
        } else {
            s.ok(&["network", "create", "confnet"]);
            let named = write(s, "named.conf", "[network]\ndefault_network = \"confnet\"\n");
            assert_eq!(mode(&named), "confnet");
            let podman = write(s, "podman.conf", "[network]\ndefault_network = \"podman\"\n");
            assert_eq!(mode(&podman), "bridge");
            s.ok(&["network", "rm", "confnet"]);
        }
    }
}
