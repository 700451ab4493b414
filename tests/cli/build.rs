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
        build(s, &ctx, &["--squash"]).code(125).stderr_has("--squash");
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
