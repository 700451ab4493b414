//! `build`: Containerfiles built by sangja's own runtime, the layer cache,
//! ignore files, failures, and a differential against `podman build`.

use crate::json::{Json, JsonExt};
use crate::util::*;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Stdio;

/// Writes a build context under the test's folder.
fn context(s: &Sangja, name: &str, files: &[(&str, &str)]) -> PathBuf {
    let dir = s.dir.join(name);
    for (p, content) in files {
        let f = dir.join(p);
        std::fs::create_dir_all(f.parent().unwrap()).unwrap();
        std::fs::write(&f, content).unwrap();
    }
    dir
}

fn build(s: &Sangja, ctx: &Path, extra: &[&str]) -> Out {
    let mut args = vec!["build", "--tls-verify=false"];
    args.extend_from_slice(extra);
    let c = ctx.display().to_string();
    args.push(&c);
    s.run(&args)
}

fn hits(out: &Out) -> usize {
    out.stdout.lines().filter(|l| l.starts_with("--> Using cache ")).count()
}

fn last_line(out: &Out) -> String {
    out.stdout.lines().last().unwrap_or_default().to_string()
}

const MULTI: &str = r#"ARG BASE=127.0.0.1:5000/busybox
FROM $BASE AS build
ARG MSG=hi
RUN echo "$MSG" > /msg && mkdir -p /out && echo built-$MSG > /out/file
COPY dir/ /copied/

FROM ${BASE}
ARG MSG
ENV GREETING="hello world"
WORKDIR /app
COPY --from=build /out/file ./file
COPY --from=build /copied /app/copied
COPY a.txt *.txt /app/data/
COPY --chown=1234:1234 --chmod=640 a.txt /app/owned
RUN echo "run as $(id -u) ${MSG:-unset}" > /app/run.txt
USER 1234
EXPOSE 8080
LABEL org.test=yes
ENTRYPOINT ["/bin/sh", "-c"]
CMD ["echo $GREETING; cat /app/file /app/data/a.txt /app/copied/sub/x /app/run.txt; stat -c '%a %u:%g' /app/owned; id -u"]
"#;

fn multi_context(s: &Sangja) -> PathBuf {
    context(s, "multi", &[("Containerfile", MULTI), ("a.txt", "hello\n"), ("dir/sub/x", "x\n"), ("dir/y", "y\n")])
}

both! {
    /// A multi-stage Containerfile (RUN, COPY --from/--chown/--chmod, ENV,
    /// WORKDIR, USER, ENTRYPOINT+CMD, LABEL, ARG) builds, prints buildah's
    /// lines with the id last, and the image runs.
    fn build_multistage_runs(s) {
        let ctx = multi_context(s);
        let out = build(s, &ctx, &["-t", "build-multi", "--build-arg", "MSG=there"]).ok();
        assert!(out.stdout.contains("[1/2] STEP 1/4: FROM $BASE AS build\n"), "{out:?}");
        assert!(out.stdout.contains("[2/2] STEP 2/14: ARG MSG\n"), "{out:?}");
        assert!(out.stdout.contains("[2/2] COMMIT build-multi\n"), "{out:?}");
        assert!(out.stdout.contains("Successfully tagged localhost/build-multi:latest\n"), "{out:?}");
        let id = last_line(&out);
        assert!(is_hex_id(&id), "the id comes last: {out:?}");
        let run = s.ok(&["run", "--rm", "build-multi"]);
        assert_eq!(
            run.stdout,
            "hello world\nbuilt-there\nhello\nx\nrun as 0 there\n640 1234:1234\n1234\n",
            "{run:?}"
        );
        let v = s.ok(&["image", "inspect", "build-multi"]).json();
        let i = &v[0];
        assert_eq!(i["Id"].as_str(), Some(id.as_str()));
        assert!(i.path("Config.Env").strings().contains(&"GREETING=hello world".to_string()), "{i:?}");
        assert_eq!(i.path("Config.Entrypoint").strings(), ["/bin/sh", "-c"]);
        assert_eq!(i.path("Config.WorkingDir").as_str(), Some("/app"));
        assert_eq!(i.path("Config.User").as_str(), Some("1234"));
        assert_eq!(i["Config"]["Labels"]["org.test"].as_str(), Some("yes"), "{i:?}");
        // busybox's one layer, then 4 COPY and 1 RUN layers; the rest are empty layers.
        let history = s.ok(&["image", "inspect", "--format", "{{json .History}}", "build-multi"]).json();
        let flags: Vec<bool> = history.items().iter().map(|h| h["empty_layer"].as_bool().unwrap_or(false)).collect();
        assert_eq!(flags, [false, true, true, true, false, false, false, false, false, true, true, true, true, true], "{history:?}");
        // -q prints the id alone; -q of an unchanged build is fully cached and the same image.
        let q = build(s, &ctx, &["-q", "-t", "build-multi", "--build-arg", "MSG=there"]).ok();
        assert_eq!(q.stdout.trim(), id, "{q:?}");
    }
}

both! {
    /// The cache: an unchanged build hits every step and makes the same
    /// image with no new layer; a touched mtime alone still hits; a changed
    /// copied file busts that step and those after; a changed build arg
    /// busts the RUN that sees it; --no-cache uses none.
    fn build_cache_hits_and_misses(s) {
        let cf = "FROM 127.0.0.1:5000/busybox\nARG V=1\nCOPY a.txt /a.txt\nRUN echo $V > /v\nCOPY b.txt /b.txt\nCMD [\"cat\", \"/a.txt\", \"/b.txt\", \"/v\"]\n";
        let ctx = context(s, "cache", &[("Containerfile", cf), ("a.txt", "a\n"), ("b.txt", "b\n")]);
        let first = build(s, &ctx, &["-t", "build-cache"]).ok();
        assert_eq!(hits(&first), 0, "{first:?}");
        let id = last_line(&first);
        let layers = s.layer_entries();

        let second = build(s, &ctx, &["-t", "build-cache"]).ok();
        assert_eq!(hits(&second), 5, "every step but FROM hits:{second:?}");
        assert_eq!(last_line(&second), id, "{second:?}");
        assert_eq!(s.layer_entries(), layers, "a cache hit makes no layer");

        let later = std::time::SystemTime::now() + std::time::Duration::from_secs(3600);
        std::fs::File::options().write(true).open(ctx.join("a.txt")).unwrap().set_modified(later).unwrap();
        let touched = build(s, &ctx, &["-t", "build-cache"]).ok();
        assert_eq!(hits(&touched), 5, "an mtime alone does not bust:{touched:?}");
        assert_eq!(last_line(&touched), id);

        std::fs::write(ctx.join("b.txt"), "B\n").unwrap();
        let changed = build(s, &ctx, &["-t", "build-cache"]).ok();
        assert_eq!(hits(&changed), 3, "ARG, COPY a.txt and RUN hit; COPY b.txt and CMD do not:{changed:?}");
        assert_ne!(last_line(&changed), id);
        assert_eq!(s.ok(&["run", "--rm", "build-cache"]).stdout, "a\nB\n1\n");

        let arg = build(s, &ctx, &["-t", "build-cache", "--build-arg", "V=2"]).ok();
        assert_eq!(hits(&arg), 2, "ARG and COPY a.txt hit; the RUN that sees V does not:{arg:?}");
        assert_eq!(s.ok(&["run", "--rm", "build-cache"]).stdout, "a\nB\n2\n");

        let none = build(s, &ctx, &["-t", "build-cache", "--no-cache"]).ok();
        assert_eq!(hits(&none), 0, "{none:?}");
    }
}

both! {
    /// .dockerignore with `!` exceptions, as docker reads it; and a context
    /// given as a tar on stdin (`build -`).
    fn build_dockerignore_and_stdin_context(s) {
        let files = [
            ("Containerfile", "FROM 127.0.0.1:5000/busybox\nCOPY . /ctx/\nCMD [\"find\", \"/ctx\", \"-type\", \"f\"]\n"),
            (".dockerignore", "# comment\n*.log\n!keep.log\nsecret/\n"),
            ("a.log", "no\n"),
            ("keep.log", "yes\n"),
            ("secret/s", "no\n"),
            ("src/m.txt", "m\n"),
        ];
        let ctx = context(s, "ignore", &files);
        build(s, &ctx, &["-t", "build-ignore"]).ok();
        let mut found = s.ok(&["run", "--rm", "build-ignore"]).lines();
        found.sort();
        assert_eq!(found, ["/ctx/.dockerignore", "/ctx/Containerfile", "/ctx/keep.log", "/ctx/src/m.txt"]);

        let mut tar = tar::Builder::new(Vec::new());
        for (p, content) in files {
            let mut h = tar::Header::new_gnu();
            h.set_size(content.len() as u64);
            h.set_mode(0o644);
            tar.append_data(&mut h, p, content.as_bytes()).unwrap();
        }
        let bytes = tar.into_inner().unwrap();
        let mut child = s
            .command(&["build", "--tls-verify=false", "-q", "-t", "build-stdin", "-"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(&bytes).unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let mut found = s.ok(&["run", "--rm", "build-stdin"]).lines();
        found.sort();
        assert_eq!(found, ["/ctx/.dockerignore", "/ctx/Containerfile", "/ctx/keep.log", "/ctx/src/m.txt"]);
    }
}

both! {
    /// A RUN that fails exits with its code and leaves no image; a missing
    /// COPY source is named; what is not done yet is refused (125).
    fn build_failures(s) {
        let ctx = context(s, "fail", &[
            ("Containerfile", "FROM 127.0.0.1:5000/busybox\nRUN echo partial > /p && exit 3\n"),
            ("Missing", "FROM 127.0.0.1:5000/busybox\nCOPY missing.txt /m\n"),
        ]);
        s.pull(BUSYBOX);
        let before = s.image_ids();
        let out = build(s, &ctx, &["-t", "build-fail"]).code(3).stderr_has("exit status 3");
        assert!(out.stdout.contains("STEP 2/2: RUN echo partial > /p && exit 3"), "{out:?}");
        assert_eq!(s.image_ids(), before, "no half image");
        assert!(s.ok(&["ps", "-a", "-q"]).stdout.trim().is_empty(), "the step's container is gone");
        let f = ctx.join("Missing").display().to_string();
        build(s, &ctx, &["-f", &f]).code(125).stderr_has("missing.txt");
        build(s, &ctx, &["--ssh", "default"]).code(125).stderr_has("--ssh");
        build(s, &ctx, &["--squash", "--squash-all"]).code(125).stderr_has("--squash");
        build(s, &ctx, &["--platform", "linux/s390x"]).code(125).stderr_has("platform");
    }
}

/// A JSON value's keys and values as strings, sorted.
fn map_of(v: &Json) -> BTreeMap<String, String> {
    v.as_object().into_iter().flatten().map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string())).collect()
}

/// The files of an exported rootfs: path -> (type, mode, uid, gid, content digest or link target).
fn tree_of(tar_bytes: &[u8]) -> BTreeMap<String, String> {
    use sha2::Digest;
    use std::io::Read;
    let mut out = BTreeMap::new();
    let mut a = tar::Archive::new(tar_bytes);
    for e in a.entries().unwrap() {
        let mut e = e.unwrap();
        let h = e.header().clone();
        let path = e.path().unwrap().to_string_lossy().trim_start_matches("./").trim_end_matches('/').to_string();
        let mut what = String::new();
        if h.entry_type().is_file() {
            let mut buf = Vec::new();
            e.read_to_end(&mut buf).unwrap();
            what = hex::encode(sha2::Sha256::digest(&buf));
        } else if let Ok(Some(l)) = e.link_name() {
            what = l.to_string_lossy().into_owned();
        }
        let desc = format!("{:?} {:o} {}:{} {what}", h.entry_type(), h.mode().unwrap() & 0o7777, h.uid().unwrap(), h.gid().unwrap());
        out.insert(path, desc);
    }
    out
}

fn podman(args: &[&str]) -> std::process::Output {
    std::process::Command::new("podman").args(args).output().expect("podman is on the test machine")
}

/// The same multi-stage Containerfile built by `podman build` (root, its
/// configured storage) and by sangja: the same config, history shape and
/// files (owners, modes, contents).
#[test]
fn build_matches_podman_build() {
    let Some(s) = Sangja::root("build_matches_podman_build") else { return };
    let ctx = multi_context(&s);
    let tag = format!("localhost/sangja-build-diff-{}", std::process::id());
    let c = ctx.display().to_string();
    let p = podman(&["build", "-q", "--tls-verify=false", "--build-arg", "MSG=there", "-t", &tag, &c]);
    assert!(p.status.success(), "podman build: {}", String::from_utf8_lossy(&p.stderr));
    build(&s, &ctx, &["-q", "-t", &tag, "--build-arg", "MSG=there"]).ok();

    let pinspect = podman(&["image", "inspect", &tag]);
    let pv = serde_json::from_slice::<Json>(&pinspect.stdout).unwrap();
    let sv = s.ok(&["image", "inspect", &tag]).json();
    let (pc, sc) = (pv[0].path("Config"), sv[0].path("Config"));
    for key in ["Env", "Cmd", "Entrypoint"] {
        assert_eq!(sc[key].strings(), pc[key].strings(), "Config.{key}");
    }
    for key in ["WorkingDir", "User"] {
        assert_eq!(sc[key].as_str(), pc[key].as_str(), "Config.{key}");
    }
    let ports = |v: &Json| v.as_object().into_iter().flatten().map(|(k, _)| k.clone()).collect::<Vec<_>>();
    assert_eq!(ports(&sc["ExposedPorts"]), ports(&pc["ExposedPorts"]));
    // buildah adds its own version label: the one difference, by design.
    let mut plabels = map_of(&pc["Labels"]);
    plabels.remove("io.buildah.version");
    assert_eq!(map_of(&sc["Labels"]), plabels);
    let flags = |v: &Json| v.items().iter().map(|h| h["empty_layer"].as_bool().unwrap_or(false)).collect::<Vec<_>>();
    let ph = podman(&["image", "inspect", "--format", "{{json .History}}", &tag]);
    let ph = serde_json::from_slice::<Json>(&ph.stdout).unwrap();
    let sh = s.ok(&["image", "inspect", "--format", "{{json .History}}", &tag]).json();
    assert_eq!(flags(&sh), flags(&ph), "history: one entry per instruction, the same empty_layer flags");

    let pid = String::from_utf8_lossy(&podman(&["create", &tag]).stdout).trim().to_string();
    let ptar = podman(&["export", &pid]).stdout;
    podman(&["rm", &pid]);
    podman(&["rmi", "-f", &tag]);
    s.ok(&["create", "--name", "diff", &tag]);
    let star = s.command(&["export", "diff"]).output().unwrap().stdout;
    let (mut pt, st) = (tree_of(&ptar), tree_of(&star));
    // podman's RUN steps leave empty mount points of the files it bind-mounts
    // (/etc/hosts, /etc/hostname, /etc/resolv.conf) in their layers; sangja
    // leaves them out of the layer, as docker does.
    for stub in ["etc/hosts", "etc/hostname", "etc/resolv.conf"] {
        if !st.contains_key(stub) {
            pt.remove(stub);
        }
    }
    let diff: Vec<String> = pt
        .keys()
        .chain(st.keys())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .filter(|k| pt.get(*k) != st.get(*k))
        .map(|k| format!("{k}: podman {:?} sangja {:?}", pt.get(k), st.get(k)))
        .collect();
    assert!(diff.is_empty(), "the files differ:\n{}", diff.join("\n"));
    assert!(st.len() > 250, "the rootfs was compared: {} entries", st.len());
}

both! {
    /// A RUN heredoc, ADD of a local tar (unpacked) next to a plain file
    /// (not), a cache mount kept across builds, a secret mount left out of
    /// the image, and shell-form ENTRYPOINT.
    fn build_heredoc_add_mounts(s) {
        let ctx = context(s, "heredoc", &[
            ("Containerfile", "FROM 127.0.0.1:5000/busybox\nADD t.tar /x/\nADD plain.txt /x/\nRUN <<EOF\necho heredoc > /h\necho two >> /h\nEOF\nRUN --mount=type=cache,target=/cache echo c >> /cache/c && wc -l < /cache/c > /cc\nRUN --mount=type=secret,id=s cp /run/secrets/s /sec\nENTRYPOINT echo ep\n"),
            ("plain.txt", "plain\n"),
            ("secret", "topsecret\n"),
        ]);
        let mut tar = tar::Builder::new(Vec::new());
        let mut h = tar::Header::new_gnu();
        h.set_size(6);
        h.set_mode(0o600);
        tar.append_data(&mut h, "t/inner.txt", &b"inner\n"[..]).unwrap();
        std::fs::write(ctx.join("t.tar"), tar.into_inner().unwrap()).unwrap();
        let secret = format!("id=s,src={}", ctx.join("secret").display());
        build(s, &ctx, &["-t", "build-heredoc", "--secret", &secret]).ok();
        let out = s.ok(&["run", "--rm", "--entrypoint", "", "build-heredoc", "sh", "-c", "cat /x/t/inner.txt /x/plain.txt /h /cc /sec; stat -c %a /x/t/inner.txt"]);
        assert_eq!(out.stdout, "inner\nplain\nheredoc\ntwo\n1\ntopsecret\n600\n", "{out:?}");
        assert_eq!(s.ok(&["run", "--rm", "build-heredoc"]).stdout, "ep\n");
        // The cache mount outlives the build: --no-cache runs the step again on the same folder.
        build(s, &ctx, &["-t", "build-heredoc", "--no-cache", "--secret", &secret]).ok();
        assert_eq!(s.ok(&["run", "--rm", "--entrypoint", "", "build-heredoc", "cat", "/cc"]).stdout, "2\n");
        // Without the secret, the step's optional mount is simply absent and cat fails with its own code.
        build(s, &ctx, &["-t", "build-heredoc", "--no-cache"]).code(1);
    }
}

/// The config blob of image `id` in this test's store, as written.
fn config_blob(s: &Sangja, id: &str) -> Json {
    let p = s.root.join("blobs").join("sha256").join(id);
    serde_json::from_slice(&std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))).unwrap()
}

const DOCKER_ONLY: &str = r#"FROM 127.0.0.1:5000/busybox
SHELL ["/bin/sh", "-xc"]
RUN echo hi > /ran
HEALTHCHECK --interval=5s --timeout=3s --start-period=1s --retries=4 CMD wget -q localhost || exit 1
ONBUILD RUN echo onbuild > /ob
STOPSIGNAL SIGUSR1
CMD echo cmd
"#;

fn docker_only_context(s: &Sangja) -> PathBuf {
    context(
        s,
        "dockeronly",
        &[
            ("Containerfile", DOCKER_ONLY),
            ("Child", "FROM localhost/build-hc-docker\nRUN test -f /ob && echo child > /child\nHEALTHCHECK NONE\n"),
        ],
    )
}

both! {
    /// SHELL, HEALTHCHECK, ONBUILD and STOPSIGNAL: with --format docker the
    /// config has Healthcheck (docker's nanoseconds), OnBuild and Shell, as
    /// podman writes them; with --format oci (the default) it has none of
    /// them and a warning says so, but SHELL still runs the RUN steps; an
    /// image FROM one with ONBUILD runs the triggers first and does not
    /// carry them on; HEALTHCHECK NONE turns the base's off.
    fn build_docker_config_onbuild(s) {
        let ctx = docker_only_context(s);
        let out = build(s, &ctx, &["-t", "build-hc-docker", "--format", "docker"]).ok();
        assert!(out.stderr.contains("+ echo hi"), "SHELL -xc runs the RUN step: {out:?}");
        let c = config_blob(s, &last_line(&out));
        let cfg = &c["config"];
        assert_eq!(cfg["Healthcheck"], serde_json::json!({
            "Test": ["CMD-SHELL", "wget -q localhost || exit 1"],
            "Interval": 5_000_000_000i64, "Timeout": 3_000_000_000i64, "StartPeriod": 1_000_000_000i64, "Retries": 4
        }), "{c:?}");
        assert_eq!(cfg["OnBuild"].strings(), ["RUN echo onbuild > /ob"]);
        assert_eq!(cfg["Shell"].strings(), ["/bin/sh", "-xc"]);
        assert_eq!(cfg["StopSignal"].as_str(), Some("SIGUSR1"));
        // As podman: shell-form CMD is /bin/sh -c whatever SHELL says.
        assert_eq!(cfg["Cmd"].strings(), ["/bin/sh", "-c", "echo cmd"]);

        let oci = build(s, &ctx, &["-t", "build-hc-oci", "--no-cache"]).ok();
        assert!(oci.stderr.contains("HEALTHCHECK is not supported for OCI image format"), "{oci:?}");
        assert!(oci.stderr.contains("ONBUILD is not supported for OCI image format, RUN echo onbuild > /ob will be ignored"), "{oci:?}");
        assert!(oci.stderr.contains("+ echo hi"), "{oci:?}");
        let c = config_blob(s, &last_line(&oci));
        for key in ["Healthcheck", "OnBuild", "Shell"] {
            assert!(c["config"].get(key).is_none(), "no {key} in an OCI config: {c:?}");
        }
        assert_eq!(c["config"]["StopSignal"].as_str(), Some("SIGUSR1"));

        let f = ctx.join("Child").display().to_string();
        let child = build(s, &ctx, &["-f", &f, "-t", "build-hc-child", "--format", "docker"]).ok();
        assert!(child.stdout.contains("STEP 1/3: FROM localhost/build-hc-docker\n"), "{child:?}");
        assert!(child.stdout.contains("STEP 2/4: RUN echo onbuild > /ob\n"), "{child:?}");
        assert!(child.stdout.contains("STEP 4/4: HEALTHCHECK NONE\n"), "{child:?}");
        let c = config_blob(s, &last_line(&child));
        assert_eq!(c["config"]["Healthcheck"], serde_json::json!({"Test": ["NONE"]}), "{c:?}");
        assert!(c["config"].get("OnBuild").is_none(), "triggers are not carried on: {c:?}");
        assert_eq!(c["config"]["Shell"].strings(), ["/bin/sh", "-xc"], "SHELL is inherited");
        assert_eq!(s.ok(&["run", "--rm", "build-hc-child", "cat", "/ob", "/child"]).stdout, "onbuild\nchild\n");
    }
}

/// The docker-format config, ONBUILD triggers and --squash against
/// `podman build` (root, its own storage): Healthcheck, OnBuild, Shell,
/// StopSignal and Cmd equal; --squash's layers and history flags equal.
#[test]
fn build_config_and_squash_match_podman() {
    let Some(s) = Sangja::root("build_config_and_squash_match_podman") else { return };
    let ctx = docker_only_context(&s);
    std::fs::write(ctx.join("Squash"), SQUASH).unwrap();
    let c = ctx.display().to_string();
    let pid = std::process::id();
    let raw_podman_config = |tag: &str| -> Json {
        let o = std::process::Command::new("skopeo")
            .args(["inspect", "--config", "--raw", &format!("containers-storage:{tag}")])
            .output()
            .unwrap();
        assert!(o.status.success(), "skopeo: {}", String::from_utf8_lossy(&o.stderr));
        serde_json::from_slice(&o.stdout).unwrap()
    };
    let base = "localhost/build-hc-docker".to_string();
    let p = podman(&["build", "-q", "--tls-verify=false", "--format", "docker", "-t", &base, &c]);
    assert!(p.status.success(), "podman build: {}", String::from_utf8_lossy(&p.stderr));
    let sid = last_line(&build(&s, &ctx, &["-q", "-t", &base, "--format", "docker"]).ok());
    let child = format!("localhost/build2-child-{pid}");
    let f = ctx.join("Child").display().to_string();
    let p = podman(&["build", "-q", "--format", "docker", "-f", &f, "-t", &child, &c]);
    assert!(p.status.success(), "podman build: {}", String::from_utf8_lossy(&p.stderr));
    let cid = last_line(&build(&s, &ctx, &["-q", "-f", &f, "-t", &child, "--format", "docker"]).ok());
    for (tag, id) in [(&base, &sid), (&child, &cid)] {
        let (pc, sc) = (raw_podman_config(tag), config_blob(&s, id));
        for key in ["Healthcheck", "StopSignal"] {
            assert_eq!(sc["config"][key], pc["config"][key], "{tag}: config.{key}");
        }
        // podman writes empty lists where sangja leaves the key out.
        for key in ["Shell", "Cmd", "Entrypoint", "Env"] {
            assert_eq!(sc["config"][key].strings(), pc["config"][key].strings(), "{tag}: config.{key}");
        }
        // podman writes "OnBuild": [] once triggers ran; sangja leaves the key out.
        let onbuild = |v: &Json| v["config"]["OnBuild"].strings();
        assert_eq!(onbuild(&sc), onbuild(&pc), "{tag}: config.OnBuild");
        let flags = |v: &Json| v["history"].items().iter().map(|h| h["empty_layer"].as_bool().unwrap_or(false)).collect::<Vec<_>>();
        assert_eq!(flags(&sc), flags(&pc), "{tag}: history");
    }

    let sq = format!("localhost/build2-squash-{pid}");
    let f = ctx.join("Squash").display().to_string();
    let p = podman(&["build", "-q", "--squash", "--tls-verify=false", "-f", &f, "-t", &sq, &c]);
    assert!(p.status.success(), "podman build: {}", String::from_utf8_lossy(&p.stderr));
    let id = last_line(&build(&s, &ctx, &["-q", "--squash", "-f", &f, "-t", &sq]).ok());
    let (pc, sc) = (raw_podman_config(&sq), config_blob(&s, &id));
    assert_eq!(sc["rootfs"]["diff_ids"].items().len(), pc["rootfs"]["diff_ids"].items().len(), "--squash: one new layer on the base's");
    assert_eq!(sc["rootfs"]["diff_ids"].items()[0], pc["rootfs"]["diff_ids"].items()[0], "the base layer is kept as is");
    let flags = |v: &Json| v["history"].items().iter().map(|h| h["empty_layer"].as_bool().unwrap_or(false)).collect::<Vec<_>>();
    assert_eq!(flags(&sc), flags(&pc), "--squash: history flags");
    for t in [&base, &child, &sq] {
        podman(&["rmi", "-f", t]);
    }
}

const SQUASH: &str = "FROM 127.0.0.1:5000/busybox\nRUN echo a > /a && rm /etc/os-release\nRUN echo b > /b\nENV X=1\n";

both! {
    /// --squash: the new layers as one on the base's (a file the base had
    /// and a step removed stays removed); --squash-all: one layer in all.
    fn build_squash(s) {
        let ctx = context(s, "squash", &[("Containerfile", SQUASH)]);
        let layers = |tag: &str| s.ok(&["image", "inspect", tag]).json()[0].path("RootFS.Layers").items().len();
        build(s, &ctx, &["-t", "build-plain"]).ok();
        assert_eq!(layers("build-plain"), 3);
        build(s, &ctx, &["-t", "build-squash", "--squash"]).ok();
        assert_eq!(layers("build-squash"), 2);
        let h = s.ok(&["image", "inspect", "--format", "{{json .History}}", "build-squash"]).json();
        let flags: Vec<bool> = h.items().iter().map(|e| e["empty_layer"].as_bool().unwrap_or(false)).collect();
        assert_eq!(flags, [false, true, true, false], "{h:?}");
        build(s, &ctx, &["-t", "build-squash-all", "--squash-all"]).ok();
        assert_eq!(layers("build-squash-all"), 1);
        for tag in ["build-plain", "build-squash", "build-squash-all"] {
            let out = s.ok(&["run", "--rm", tag, "sh", "-c", "cat /a /b; test -e /etc/os-release && echo still; echo $X; ls /bin/busybox"]);
            assert_eq!(out.stdout, "a\nb\n1\n/bin/busybox\n", "{tag}: {out:?}");
        }
    }
}

both! {
    /// RUN heredocs (the body as the script, and as a command's here-document
    /// expanded by the step's shell with its ARGs) and COPY heredocs (named by
    /// the delimiter, expanded unless quoted, --chmod). podman 4.3's buildah
    /// (1.28) has no heredocs ("Unknown instruction"), so these are checked
    /// against docker's documented results, not podman's.
    fn build_heredocs(s) {
        let cf = "FROM 127.0.0.1:5000/busybox\nARG WHO=world\nRUN cat <<EOF > /f\nhello $WHO\nEOF\nRUN <<EOF\necho script > /s\nEOF\nCOPY <<EOF /g\ncopied ${WHO}\nEOF\nCOPY --chmod=755 <<a.sh <<\"b.txt\" /dir/\necho a $WHO\na.sh\nb $WHO\nb.txt\nCMD [\"cat\", \"/f\", \"/s\", \"/g\", \"/dir/a.sh\", \"/dir/b.txt\"]\n";
        let ctx = context(s, "heredocs", &[("Containerfile", cf)]);
        build(s, &ctx, &["-t", "build-heredocs"]).ok();
        assert_eq!(s.ok(&["run", "--rm", "build-heredocs"]).stdout, "hello world\nscript\ncopied world\necho a world\nb $WHO\n");
        assert_eq!(s.ok(&["run", "--rm", "build-heredocs", "stat", "-c", "%a %u", "/dir/a.sh", "/g"]).stdout, "755 0\n644 0\n");
        // Unchanged: every step hits; a changed heredoc busts its step.
        let again = build(s, &ctx, &["-t", "build-heredocs"]).ok();
        assert_eq!(hits(&again), 6, "{again:?}");
        std::fs::write(ctx.join("Containerfile"), cf.replace("copied", "COPIED")).unwrap();
        let changed = build(s, &ctx, &["-t", "build-heredocs"]).ok();
        assert_eq!(hits(&changed), 3, "{changed:?}");
        assert_eq!(s.ok(&["run", "--rm", "build-heredocs", "cat", "/g"]).stdout, "COPIED world\n");
    }
}

/// A `python3 -m http.server` on 127.0.0.1 serving `dir`, killed on drop.
struct HttpServer {
    child: std::process::Child,
    port: u16,
}

impl HttpServer {
    fn start(dir: &Path) -> HttpServer {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let child = std::process::Command::new("python3")
            .args(["-m", "http.server", &port.to_string(), "--bind", "127.0.0.1", "--directory"])
            .arg(dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3 is on the test machine");
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        HttpServer { child, port }
    }
}

impl Drop for HttpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

both! {
    /// Contexts from elsewhere: a tar archive and a Containerfile alone at an
    /// HTTP URL, a git repository (file://, #branch:folder); ADD of a URL
    /// downloads the file (not unpacked, mode 600, mtime from Last-Modified)
    /// and --checksum must match.
    fn build_remote_contexts(s) {
        let served = s.dir.join("served");
        std::fs::create_dir_all(&served).unwrap();
        let mut tar = tar::Builder::new(Vec::new());
        for (p, content) in [("Containerfile", "FROM 127.0.0.1:5000/busybox\nCOPY file /file\nCMD [\"cat\", \"/file\"]\n"), ("file", "from the tar\n")] {
            let mut h = tar::Header::new_gnu();
            h.set_size(content.len() as u64);
            h.set_mode(0o644);
            tar.append_data(&mut h, p, content.as_bytes()).unwrap();
        }
        std::fs::write(served.join("ctx.tar"), tar.into_inner().unwrap()).unwrap();
        std::fs::write(served.join("data.tar"), b"not really a tar\n").unwrap();
        let old = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_600_000_000);
        std::fs::File::options().write(true).open(served.join("data.tar")).unwrap().set_modified(old).unwrap();
        let server = HttpServer::start(&served);
        let url = |p: &str| format!("http://127.0.0.1:{}/{p}", server.port);
        std::fs::write(served.join("Containerfile.add"), format!("FROM 127.0.0.1:5000/busybox\nADD {} /d/\n", url("data.tar"))).unwrap();
        let sum = {
            use sha2::Digest;
            hex::encode(sha2::Sha256::digest(b"not really a tar\n"))
        };
        std::fs::write(served.join("Containerfile.ok"), format!("FROM 127.0.0.1:5000/busybox\nADD --checksum=sha256:{sum} {} /c\n", url("data.tar"))).unwrap();
        std::fs::write(served.join("Containerfile.bad"), format!("FROM 127.0.0.1:5000/busybox\nADD --checksum=sha256:{} {} /c\n", "0".repeat(64), url("data.tar"))).unwrap();

        s.ok(&["build", "--tls-verify=false", "-q", "-t", "build-url-tar", &url("ctx.tar")]);
        assert_eq!(s.ok(&["run", "--rm", "build-url-tar"]).stdout, "from the tar\n");
        s.ok(&["build", "--tls-verify=false", "-q", "-t", "build-url-add", &url("Containerfile.add")]);
        let out = s.ok(&["run", "--rm", "build-url-add", "stat", "-c", "%n %a %Y %s", "/d/data.tar"]);
        assert_eq!(out.stdout, "/d/data.tar 600 1600000000 17\n", "{out:?}");
        s.ok(&["build", "--tls-verify=false", "-q", "-t", "build-url-sum", &url("Containerfile.ok")]);
        s.run(&["build", "--tls-verify=false", "-q", &url("Containerfile.bad")]).code(125).stderr_has("does not match");
        drop(server);

        // A git repository, as file://PATH.git and with #branch:folder.
        let src = context(s, "gitsrc", &[
            ("Containerfile", "FROM 127.0.0.1:5000/busybox\nCOPY f /f\nCMD [\"cat\", \"/f\"]\n"),
            ("f", "top\n"),
            ("sub/Containerfile", "FROM 127.0.0.1:5000/busybox\nCOPY g /g\nCMD [\"cat\", \"/g\"]\n"),
            ("sub/g", "sub\n"),
        ]);
        let git = |dir: &Path, args: &[&str]| {
            let o = std::process::Command::new("git").arg("-C").arg(dir).args(args).output().unwrap();
            assert!(o.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&o.stderr));
        };
        git(&src, &["init", "-q", "-b", "main"]);
        git(&src, &["add", "."]);
        git(&src, &["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "c"]);
        let bare = s.dir.join("repo.git");
        git(&s.dir, &["clone", "-q", "--bare", src.to_str().unwrap(), bare.to_str().unwrap()]);
        if let crate::util::Mode::Rootless { user, .. } = &s.mode {
            let o = std::process::Command::new("chown").args(["-R", &format!("{}:{}", user.uid, user.gid)]).arg(&bare).output().unwrap();
            assert!(o.status.success());
        }
        let repo = format!("file://{}", bare.display());
        s.ok(&["build", "--tls-verify=false", "-q", "-t", "build-git", &repo]);
        assert_eq!(s.ok(&["run", "--rm", "build-git"]).stdout, "top\n");
        s.ok(&["build", "--tls-verify=false", "-q", "-t", "build-git-sub", &format!("{repo}#main:sub")]);
        assert_eq!(s.ok(&["run", "--rm", "build-git-sub"]).stdout, "sub\n");
        assert!(s.tmp_entries().is_empty(), "the clones and downloads are gone: {:?} {:?}", s.tmp_entries(), entries(&s.root.join("tmp/build")));
    }
}

/// The build cache's entries (path, layer digests).
fn cache_entries(s: &Sangja) -> Vec<(PathBuf, Vec<String>)> {
    let dir = s.root.join("build-cache");
    entries(&dir)
        .into_iter()
        .map(|n| {
            let p = dir.join(n);
            let v: Json = serde_json::from_slice(&std::fs::read(&p).unwrap()).unwrap();
            let layers = v["layers"].strings();
            (p, layers)
        })
        .collect()
}

both! {
    /// The build cache does not outlive its layers: after an rmi took them,
    /// `system check` reports the dead entries and the next build sweeps
    /// them; `image prune` empties the cache and removes the layers only
    /// it kept.
    fn build_cache_sweep_and_prune(s) {
        let ctx = context(s, "sweep", &[
            ("Containerfile", "FROM 127.0.0.1:5000/busybox AS one\nRUN echo one > /one\n\nFROM 127.0.0.1:5000/busybox\nCOPY --from=one /one /one\nRUN echo two > /two\n"),
            ("Other", "FROM 127.0.0.1:5000/busybox\nENV A=1\n"),
        ]);
        build(s, &ctx, &["-t", "build-sweep"]).ok();
        let before = cache_entries(s);
        assert!(before.len() >= 3, "{before:?}");
        let live = |e: &(PathBuf, Vec<String>)| e.1.iter().all(|d| s.layers_dir().join(d.trim_start_matches("sha256:")).exists());
        assert!(before.iter().all(live));
        s.ok(&["rmi", "build-sweep"]);
        let dead = cache_entries(s).iter().filter(|e| !live(e)).count();
        assert!(dead >= 2, "the final stage's RUN and COPY entries lost their layers");
        let check = s.run(&["system", "check"]);
        assert!(format!("{}{}", check.stdout, check.stderr).contains("build-cache"), "{check:?}");
        let f = ctx.join("Other").display().to_string();
        build(s, &ctx, &["-f", &f, "-t", "build-sweep-other"]).ok();
        let after = cache_entries(s);
        assert!(after.iter().all(live), "the next build swept the dead entries: {after:?}");
        s.ok(&["system", "check"]);

        s.ok(&["image", "prune", "-f"]);
        assert!(cache_entries(s).is_empty());
        let v = s.ok(&["image", "inspect", "build-sweep-other"]).json();
        assert_eq!(s.layer_entries().len(), v[0].path("RootFS.Layers").items().len(), "only the image's layers are left: {:?}", s.layer_entries());
    }
}
