//! The Docker-compatible API's image, build, volume and network endpoints
//! (issue 20), driven by the real docker CLI (and docker-py when it is
//! installed) against `sangja system service` on a unix socket of the
//! test's own, rootless and as root.

use crate::api_service::*;
use crate::util::*;
use std::path::{Path, PathBuf};

/// A file or folder the test's user may use.
fn give(s: &Sangja, p: &Path) {
    if let Mode::Rootless { user, switch: true } = &s.mode {
        std::os::unix::fs::chown(p, Some(user.uid), Some(user.gid)).unwrap();
    }
}

/// A repository of the local registry for this test only.
fn repo(s: &Sangja, what: &str) -> String {
    let who = if s.is_rootless() { "user" } else { "root" };
    format!("{REGISTRY}/api-objects-{what}-{who}-{}", std::process::id())
}

both! {
    /// pull, images (filters), inspect, tag, push, rmi, history, save | load through docker.
    fn docker_images(s) {
        let Some(api) = Service::start(s) else { return };
        let pulled = api.ok(s, &["pull", BUSYBOX]);
        assert!(pulled.stdout.contains("Digest: sha256:"), "pull printed no digest:{pulled:?}");
        assert!(pulled.stdout.contains(BUSYBOX), "pull did not name the image:{pulled:?}");
        // The same image through the CLI: one store, one truth.
        let id = s.ok(&["images", "-q", "--no-trunc"]).lines()[0].clone();
        let listed = api.ok(s, &["images", "--format", "{{.Repository}}:{{.Tag}} {{.ID}}", "--no-trunc"]);
        assert_eq!(listed.lines(), [format!("{BUSYBOX} {id}")]);
        let filtered = api.ok(s, &["images", "-q", "--filter", "reference=*busybox*"]);
        assert_eq!(filtered.lines().len(), 1, "{filtered:?}");
        assert!(api.ok(s, &["images", "-q", "--filter", "dangling=true"]).lines().is_empty());
        assert!(api.ok(s, &["images", "-q", "--filter", "label=nosuch"]).lines().is_empty());
        let inspect = api.ok(s, &["image", "inspect", BUSYBOX]).json();
        let doc = &inspect.items()[0];
        assert_eq!(doc["Id"].as_str().unwrap_or_default(), id);
        assert_eq!(doc["RepoTags"][0].as_str(), Some(BUSYBOX));
        assert_eq!(doc["RootFS"]["Type"].as_str(), Some("layers"));
        assert!(doc["Created"].as_str().unwrap_or_default().contains('T'), "Created is not RFC 3339:{inspect:?}");
        assert!(doc["Config"]["Cmd"].is_array(), "no Config.Cmd:{inspect:?}");
        api.docker(s, &["image", "inspect", "nosuch:1"]).code(1).stderr_has("No such image");

        // tag + push to a repository of our own, rmi the tag, pull it back.
        let mine = format!("{}:v1", repo(s, "img"));
        api.ok(s, &["tag", BUSYBOX, &mine]);
        assert!(s.ok(&["images", "--format", "{{.Repository}}:{{.Tag}}"]).stdout.contains(&mine));
        let pushed = api.ok(s, &["push", &mine]);
        assert!(pushed.stdout.contains("v1: digest: sha256:"), "push printed no digest:{pushed:?}");
        let rmi = api.ok(s, &["rmi", &mine]);
        assert!(rmi.stdout.contains(&format!("Untagged: {mine}")), "{rmi:?}");
        assert!(!s.ok(&["images", "--format", "{{.Repository}}:{{.Tag}}"]).stdout.contains(&mine));
        api.ok(s, &["pull", &mine]);
        assert!(s.ok(&["images", "--format", "{{.Repository}}:{{.Tag}}"]).stdout.contains(&mine));

        let history = api.ok(s, &["history", "--no-trunc", "--format", "{{.ID}}", BUSYBOX]);
        assert!(history.lines().iter().any(|l| l.ends_with(&id[..12]) || l.contains(&id)), "history has no row of the image:{history:?}");

        // save | load: removed, then back from the archive.
        let archive = s.dir.join("saved.tar");
        api.ok(s, &["save", "-o", archive.to_str().unwrap(), BUSYBOX]);
        assert!(std::fs::metadata(&archive).unwrap().len() > 10_000, "the archive is too small");
        let rmi = api.ok(s, &["rmi", "-f", BUSYBOX, &mine]);
        assert!(rmi.stdout.contains("Deleted: sha256:"), "{rmi:?}");
        assert!(s.image_ids().is_empty());
        let loaded = api.ok(s, &["load", "-i", archive.to_str().unwrap()]);
        assert!(loaded.stdout.contains(&format!("Loaded image: {BUSYBOX}")), "{loaded:?}");
        assert_eq!(s.ok(&["images", "-q", "--no-trunc"]).lines(), [id]);
        s.ok(&["rmi", "-f", BUSYBOX]);
        assert!(s.image_ids().is_empty());
        api.docker(s, &["rmi", BUSYBOX]).code(1).stderr_has("No such image");
    }
}

both! {
    /// DOCKER_BUILDKIT=0 docker build of a context with a RUN step, -t and -q; a failing RUN fails the build.
    fn docker_build(s) {
        let Some(api) = Service::start(s) else { return };
        s.pull(BUSYBOX);
        let ctx = s.dir.join("ctx");
        std::fs::create_dir(&ctx).unwrap();
        std::fs::write(ctx.join("Dockerfile"), format!("FROM {BUSYBOX}\nCOPY note /note\nRUN echo built-by-api > /hello && cat /note\nCMD [\"cat\", \"/hello\"]\n")).unwrap();
        std::fs::write(ctx.join("note"), "from the context\n").unwrap();
        for p in [&ctx, &ctx.join("Dockerfile"), &ctx.join("note")] {
            give(s, p);
        }
        let out = api.ok(s, &["build", "-t", "api-objects-built", "--label", "made=api", ctx.to_str().unwrap()]);
        assert!(out.stdout.contains("Step 1/4 : FROM"), "no classic Step lines:{out:?}");
        assert!(out.stdout.contains("from the context"), "the RUN step's output is missing:{out:?}");
        assert!(out.stdout.contains("Successfully built "), "{out:?}");
        assert!(out.stdout.contains("Successfully tagged localhost/api-objects-built:latest"), "{out:?}");
        s.ok(&["run", "--rm", "localhost/api-objects-built"]).stdout_is("built-by-api\n");
        let labels = s.ok(&["image", "inspect", "--format", "{{.Labels.made}}", "localhost/api-objects-built"]);
        assert_eq!(labels.stdout.trim(), "api");
        // -q prints only the id, which the store has.
        let q = api.ok(s, &["build", "-q", "-t", "api-objects-quiet", ctx.to_str().unwrap()]);
        let id = q.stdout.trim().trim_start_matches("sha256:").to_string();
        assert!(is_hex_id(&id), "build -q printed {q:?}");
        assert!(s.ok(&["images", "-q", "--no-trunc"]).lines().contains(&format!("sha256:{id}")), "{q:?}");
        // A RUN step that fails: docker exits non-zero with the step's error.
        std::fs::write(ctx.join("Dockerfile"), format!("FROM {BUSYBOX}\nRUN exit 3\n")).unwrap();
        let failed = api.docker(s, &["build", "-t", "api-objects-failed", ctx.to_str().unwrap()]);
        assert_ne!(failed.code, 0, "a failed RUN built:{failed:?}");
        assert!(!s.ok(&["images", "--format", "{{.Repository}}"]).stdout.contains("api-objects-failed"));
    }
}

both! {
    /// volume create/ls/inspect/rm/prune and network create/ls/inspect/connect/disconnect/rm through docker.
    fn docker_volumes_networks(s) {
        let Some(api) = Service::start(s) else { return };
        api.ok(s, &["volume", "create", "--label", "team=a", "apiobj-data"]).stdout_is("apiobj-data\n");
        api.ok(s, &["volume", "create", "apiobj-other"]);
        let ls = api.ok(s, &["volume", "ls", "-q"]);
        assert_eq!(ls.lines(), ["apiobj-data", "apiobj-other"]);
        assert_eq!(api.ok(s, &["volume", "ls", "-q", "--filter", "label=team=a"]).lines(), ["apiobj-data"]);
        assert_eq!(api.ok(s, &["volume", "ls", "-q", "--filter", "name=other"]).lines(), ["apiobj-other"]);
        let v = api.ok(s, &["volume", "inspect", "apiobj-data"]).json();
        assert_eq!(v.items()[0]["Labels"]["team"].as_str(), Some("a"));
        assert_eq!(v.items()[0]["Driver"].as_str(), Some("local"));
        // The CLI sees the same volumes.
        assert_eq!(s.ok(&["volume", "ls", "-q"]).lines(), ["apiobj-data", "apiobj-other"]);
        api.docker(s, &["volume", "inspect", "apiobj-nosuch"]).code(1).stderr_has("no such volume");
        api.ok(s, &["volume", "rm", "apiobj-other"]);
        assert_eq!(s.ok(&["volume", "ls", "-q"]).lines(), ["apiobj-data"]);
        // In use: refused, then prune -a takes it once unused.
        s.pull(BUSYBOX);
        s.ok(&["create", "--name", "apiobj-user", "-v", "apiobj-data:/d", BUSYBOX, "true"]);
        api.docker(s, &["volume", "rm", "apiobj-data"]).code(1).stderr_has("being used");
        let pruned = api.ok(s, &["volume", "prune", "-af"]);
        assert!(!pruned.stdout.contains("apiobj-data"), "an used volume was pruned:{pruned:?}");
        s.ok(&["rm", "apiobj-user"]);
        let pruned = api.ok(s, &["volume", "prune", "-af"]);
        assert!(pruned.stdout.contains("apiobj-data"), "{pruned:?}");
        assert!(s.ok(&["volume", "ls", "-q"]).lines().is_empty());

        // Networks.
        let created = api.ok(s, &["network", "create", "--label", "team=b", "apiobj-net"]);
        let id = created.stdout.trim().to_string();
        assert!(is_hex_id(&id), "network create printed {created:?}");
        api.ok(s, &["network", "create", "--internal", "apiobj-net2"]);
        api.docker(s, &["network", "create", "apiobj-net"]).code(1).stderr_has("already exists");
        let ls = api.ok(s, &["network", "ls", "--format", "{{.Name}} {{.Driver}}", "--filter", "label=team=b"]);
        assert_eq!(ls.lines(), ["apiobj-net bridge"]);
        assert!(api.ok(s, &["network", "ls", "--format", "{{.Name}}"]).lines().contains(&"apiobj-net2".to_string()));
        let n = api.ok(s, &["network", "inspect", "apiobj-net"]).json();
        let n = &n.items()[0];
        assert_eq!(n["Id"].as_str(), Some(id.as_str()));
        assert!(n["IPAM"]["Config"][0]["Subnet"].as_str().unwrap_or_default().contains('/'), "no subnet:{n:?}");
        let n2 = api.ok(s, &["network", "inspect", "apiobj-net2"]).json();
        assert_eq!(n2.items()[0]["Internal"].as_bool(), Some(true));
        // connect / disconnect a container that is not running.
        s.ok(&["create", "--name", "apiobj-c", "--network", "apiobj-net", BUSYBOX, "true"]);
        api.ok(s, &["network", "connect", "apiobj-net2", "apiobj-c"]);
        let users = || s.ok(&["network", "inspect", "--format", "{{json .used_by}}", "apiobj-net2"]).stdout;
        assert!(users().contains("apiobj-c"), "connect did not record the network: {}", users());
        api.ok(s, &["network", "disconnect", "apiobj-net2", "apiobj-c"]);
        assert!(!users().contains("apiobj-c"), "disconnect left the network: {}", users());
        api.docker(s, &["network", "rm", "apiobj-net"]).code(1);
        s.ok(&["rm", "apiobj-c"]);
        api.ok(s, &["network", "rm", "apiobj-net"]);
        api.docker(s, &["network", "inspect", "apiobj-net"]).code(1).stderr_has("not found");
        let pruned = api.ok(s, &["network", "prune", "-f"]);
        assert!(pruned.stdout.contains("apiobj-net2"), "{pruned:?}");
        assert!(!s.ok(&["network", "ls", "--format", "{{.Name}}"]).stdout.contains("apiobj-net"));
    }
}

both! {
    /// docker-py (when installed): images.pull/list/remove, build, volumes, networks.
    fn docker_py(s) {
        // $SANGJA_TEST_PYTHON: a python with docker-py the test's user may run (default: the
        // venv tests/setup.sh makes, else python3).
        let venv = "/opt/sangja-tests/venv/bin/python3";
        let fallback = if Path::new(venv).exists() { venv } else { "python3" };
        let python = PathBuf::from(std::env::var("SANGJA_TEST_PYTHON").unwrap_or_else(|_| fallback.into()));
        let Some(api) = Service::start(s) else { return };
        let has = api.command(s, &python, &["-c", "import docker"]).output().map(|o| o.status.success()).unwrap_or(false);
        if !has {
            eprintln!("skipped: {} has no docker-py (pip install docker; set SANGJA_TEST_PYTHON)", python.display());
            return;
        }
        let ctx = s.dir.join("pyctx");
        std::fs::create_dir(&ctx).unwrap();
        std::fs::write(ctx.join("Dockerfile"), format!("FROM {BUSYBOX}\nRUN echo py > /py\n")).unwrap();
        give(s, &ctx);
        give(s, &ctx.join("Dockerfile"));
        let script = format!(
            r#"
import docker, sys
c = docker.from_env()
img = c.images.pull("{BUSYBOX}")
assert img.id.startswith("sha256:"), img.id
assert any("{BUSYBOX}" in i.tags for i in c.images.list()), c.images.list()
built, logs = c.images.build(path="{ctx}", tag="apiobj-py")
assert built.id.startswith("sha256:"), built.id
assert any("Successfully built" in (l.get("stream") or "") for l in logs)
v = c.volumes.create("apiobj-pyvol", labels={{"k": "v"}})
assert c.volumes.get("apiobj-pyvol").attrs["Labels"] == {{"k": "v"}}
assert [x.name for x in c.volumes.list(filters={{"label": "k=v"}})] == ["apiobj-pyvol"]
v.remove()
n = c.networks.create("apiobj-pynet", labels={{"k": "v"}})
assert c.networks.get(n.id).name == "apiobj-pynet"
assert "apiobj-pynet" in [x.name for x in c.networks.list()]
n.remove()
c.images.remove("localhost/apiobj-py:latest")
c.images.remove("{BUSYBOX}", force=True)
assert c.images.list() == [], c.images.list()
print("docker-py ok")
"#,
            ctx = ctx.display()
        );
        let child = spawn_retry(&mut api.command(s, &python, &["-c", script.as_str()]));
        let out = wait_output(child, "python3 docker-py script".into(), None, TIMEOUT).ok();
        assert!(out.stdout.contains("docker-py ok"), "{out:?}");
        assert!(s.image_ids().is_empty());
    }
}

/// Debian's docker CLI 20.10 (API 1.41), taken out of docker.io by tests/setup.sh.
const DOCKER20: &str = "/opt/sangja-tests/docker-20.10/docker";

both! {
    /// The same service driven by Debian's docker CLI 20.10 (an older API
    /// version in the path, /v1.41/...): the everyday commands.
    fn docker_cli_20_10(s) {
        if !Path::new(DOCKER20).exists() {
            return eprintln!("skipped: no docker CLI 20.10 at {DOCKER20} (tests/setup.sh takes it out of docker.io)");
        }
        require_registry();
        let Some(mut api) = Service::start(s) else { return };
        api.docker = DOCKER20.into();
        assert!(api.ok(s, &["version", "--format", "{{.Client.APIVersion}}"]).stdout.starts_with("1.41"));
        api.ok(s, &["pull", BUSYBOX]);
        assert_eq!(api.ok(s, &["run", "--rm", BUSYBOX, "echo", "hi"]).stdout, "hi\n");
        assert_eq!(api.docker_in(s, &["run", "-i", "--rm", BUSYBOX, "cat"], Some("piped\n")).ok().stdout, "piped\n");
        api.ok(s, &["run", "-d", "--name", "d20", BUSYBOX, "sleep", "600"]);
        assert!(api.ok(s, &["ps", "--format", "{{.Names}} {{.Status}}"]).stdout.contains("d20 Up"));
        let e = api.docker(s, &["exec", "d20", "sh", "-c", "echo in; exit 3"]);
        assert_eq!((e.code, e.stdout.as_str()), (3, "in\n"), "{e:?}");
        let host = s.dir.join("d20.txt");
        std::fs::write(&host, "copied\n").unwrap();
        give(s, &host);
        api.ok(s, &["cp", "d20.txt", "d20:/tmp/f"]);
        assert_eq!(api.ok(s, &["exec", "d20", "cat", "/tmp/f"]).stdout, "copied\n");
        api.ok(s, &["cp", "d20:/tmp/f", "back.txt"]);
        assert_eq!(std::fs::read_to_string(s.dir.join("back.txt")).unwrap(), "copied\n");
        api.ok(s, &["stop", "-t", "1", "d20"]);
        assert_eq!(api.ok(s, &["inspect", "-f", "{{.State.Running}}", "d20"]).stdout.trim(), "false");
        api.ok(s, &["rm", "d20"]);
        let ctx = s.dir.join("d20ctx");
        std::fs::create_dir_all(&ctx).unwrap();
        std::fs::write(ctx.join("Dockerfile"), format!("FROM {BUSYBOX}\nRUN echo built > /b\n")).unwrap();
        give(s, &ctx);
        give(s, &ctx.join("Dockerfile"));
        api.ok(s, &["build", "-q", "-t", "d20img", "d20ctx"]);
        assert_eq!(api.ok(s, &["run", "--rm", "d20img", "cat", "/b"]).stdout, "built\n");
        api.ok(s, &["rmi", "d20img"]);
        assert!(api.ok(s, &["system", "df"]).stdout.starts_with("TYPE"));
        // Nothing left behind by the --rm runs.
        assert_eq!(s.ok(&["ps", "-a", "-q"]).stdout, "");
    }
}

/// VmRSS and VmHWM of `pid`, in KiB.
fn rss_hwm(pid: u32) -> (u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

both! {
    /// A service that pushed gives its compression buffers back when the push
    /// ends: it does not keep tens of MiB until it exits (`--time 0`: never).
    fn push_gives_buffers_back(s) {
        let Some(api) = Service::start(s) else { return };
        s.pull(BUSYBOX);
        // 24 MiB that no registry has: every block is compressed and sent.
        s.ok(&["run", "--name", "api-push-big", BUSYBOX, "sh", "-c", "head -c 25165824 /dev/urandom > /big"]);
        let mine = format!("{}:big", repo(s, "big"));
        s.ok(&["commit", "api-push-big", &mine]);
        s.ok(&["rm", "api-push-big"]);
        let (before, _) = rss_hwm(api.pid());
        assert!(before > 0, "no VmRSS for the service (pid {})", api.pid());
        api.ok(s, &["push", &mine]);
        let (after, hwm) = rss_hwm(api.pid());
        assert!(hwm >= before + 16 * 1024, "the push used no buffers? VmRSS {before} KiB before, peak {hwm} KiB");
        assert!(after + 12 * 1024 <= hwm, "the service kept its buffers: VmRSS {after} KiB after the push, {before} before, peak {hwm}");
    }
}
