use super::*;
use std::ffi::CString;
use std::sync::atomic::{AtomicU32, Ordering};

fn temp_dir(tag: &str) -> PathBuf {
    static N: AtomicU32 = AtomicU32::new(0);
    let d = std::env::temp_dir().join(format!("sangja-spec-{tag}-{}-{}", std::process::id(), N.fetch_add(1, Ordering::Relaxed)));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("create temp dir");
    d
}

fn config(entrypoint: Option<&[&str]>, cmd: Option<&[&str]>) -> Config {
    let mut c = Config::default();
    c.set_entrypoint(entrypoint.map(|v| v.iter().map(|s| s.to_string()).collect()));
    c.set_cmd(cmd.map(|v| v.iter().map(|s| s.to_string()).collect()));
    c
}

fn opts(entrypoint: Option<&str>, command: &[&str]) -> RunOptions {
    RunOptions {
        entrypoint: entrypoint.map(str::to_string),
        command: command.iter().map(|s| s.to_string()).collect(),
        ..Default::default()
    }
}

#[test]
fn args_composition() {
    let img = config(Some(&["/ep", "-x"]), Some(&["cmd", "arg"]));
    assert_eq!(command(&img, &opts(None, &[])).unwrap(), ["/ep", "-x", "cmd", "arg"]);
    assert_eq!(command(&img, &opts(None, &["ls", "-l"])).unwrap(), ["/ep", "-x", "ls", "-l"]);
    // --entrypoint replaces the image's and drops its Cmd, as podman does.
    assert_eq!(command(&img, &opts(Some("/bin/sh"), &[])).unwrap(), ["/bin/sh"]);
    assert_eq!(command(&img, &opts(Some("/bin/sh"), &["-c", "x"])).unwrap(), ["/bin/sh", "-c", "x"]);
    assert_eq!(command(&img, &opts(Some(r#"["a","b c"]"#), &["d"])).unwrap(), ["a", "b c", "d"]);
    assert_eq!(command(&img, &opts(Some(""), &["true"])).unwrap(), ["true"]);
    assert!(matches!(command(&img, &opts(Some(""), &[])), Err(Error::Invalid(_))));
    let bare = config(None, None);
    assert!(matches!(command(&bare, &opts(None, &[])), Err(Error::Invalid(_))));
    let cmd_only = config(None, Some(&["sh"]));
    assert_eq!(command(&cmd_only, &opts(None, &[])).unwrap(), ["sh"]);
    let empty_ep = config(Some(&[""]), Some(&["sh"]));
    assert_eq!(command(&empty_ep, &opts(None, &[])).unwrap(), ["sh"]);
}

#[test]
fn env_merge_and_defaults() {
    let image = vec!["A=1".to_string(), "PATH=/img".to_string(), "B=2".to_string()];
    let user = vec!["B=3".to_string(), "HOME_X".to_string(), "UNSET_X".to_string(), "C=x=y".to_string()];
    let lookup = |k: &str| (k == "HOME_X").then(|| "/h".to_string());
    let env = environment(&image, &user, "abc", lookup);
    assert_eq!(env, ["A=1", "PATH=/img", "B=3", "HOME_X=/h", "C=x=y", "container=sangja", "TERM=xterm", "HOSTNAME=abc"]);
    // TERM=xterm without a terminal too, as podman.
    let env = environment(&[], &[], "h", |_| None);
    assert_eq!(env, [format!("PATH={DEFAULT_PATH}"), "container=sangja".into(), "TERM=xterm".into(), "HOSTNAME=h".into()]);
    let env = environment(&[], &["HOSTNAME=mine".into(), "container=x".into()], "h", |_| None);
    assert!(env.contains(&"HOSTNAME=mine".to_string()) && env.contains(&"container=x".to_string()));
    assert!(!env.contains(&"HOSTNAME=h".to_string()));
}

#[test]
fn workdir_validation() {
    assert_eq!(workdir(None, None).unwrap(), "/");
    assert_eq!(workdir(None, Some("")).unwrap(), "/");
    assert_eq!(workdir(None, Some("/app")).unwrap(), "/app");
    assert_eq!(workdir(Some("/w"), Some("/app")).unwrap(), "/w");
    assert!(matches!(workdir(Some("rel"), None), Err(Error::Invalid(_))));
    assert!(matches!(workdir(None, Some("rel")), Err(Error::Invalid(_))));
}

fn layer_with(files: &[(&str, &str)]) -> PathBuf {
    let d = temp_dir("layer");
    for (p, text) in files {
        let path = d.join(p);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    d
}

const PASSWD: &str = "root:x:0:0:root:/root:/bin/sh\n#c\nbad\nnobody:x:65534:65534::/:/sbin/nologin\napp:x:1000:1001::/home/app:/bin/sh\n";
const GROUP: &str = "root:x:0:root\nwheel:x:10:root,app\napps:x:1001:\nextra:x:2000:app, other\nbroken\n";

#[test]
fn user_resolution() {
    let top = layer_with(&[("etc/passwd", PASSWD)]);
    let bottom = layer_with(&[("etc/group", GROUP), ("etc/passwd", "root:x:0:0::/:/bin/sh\n")]);
    let layers = vec![top.clone(), bottom.clone()];
    let r = |s: &str| user::resolve(s, &layers);
    assert_eq!(r("").unwrap(), user::Ids { uid: 0, gid: 0, groups: vec![0, 10], home: Some("/root".into()) });
    assert_eq!(r("app").unwrap(), user::Ids { uid: 1000, gid: 1001, groups: vec![10, 2000], home: Some("/home/app".into()) });
    assert_eq!(r("1000").unwrap().gid, 1001);
    assert_eq!(r("4242").unwrap(), user::Ids { uid: 4242, gid: 0, groups: vec![], home: None });
    assert_eq!(r("app:wheel").unwrap().gid, 10);
    assert_eq!(r("app:77").unwrap().gid, 77);
    assert_eq!(r("5:6").unwrap(), user::Ids { uid: 5, gid: 6, groups: vec![], home: None });
    let e = r("ghost").unwrap_err();
    assert!(matches!(e, Error::Invalid(_)) && e.to_string().contains("ghost") && e.to_string().contains("/etc/passwd"));
    assert!(matches!(r("app:nogroup"), Err(Error::Invalid(_))));
    for d in [top, bottom] {
        let _ = std::fs::remove_dir_all(d);
    }
}

#[test]
fn whiteout_hides_lower_passwd() {
    let bottom = layer_with(&[("etc/passwd", PASSWD)]);
    let top = temp_dir("wh");
    std::fs::create_dir_all(top.join("etc")).unwrap();
    let wh = CString::new(top.join("etc/passwd").as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: a NUL-terminated path.
    let r = unsafe { libc::mknod(wh.as_ptr(), libc::S_IFCHR | 0o600, 0) };
    if r != 0 {
        eprintln!("skipping whiteout check: cannot mknod here");
    } else {
        assert!(user::read_layer_file(&[top.clone(), bottom.clone()], "etc/passwd").is_none());
        assert!(matches!(user::resolve("app", &[top.clone(), bottom.clone()]), Err(Error::Invalid(_))));
    }
    assert!(user::read_layer_file(std::slice::from_ref(&bottom), "etc/passwd").is_some());
    for d in [top, bottom] {
        let _ = std::fs::remove_dir_all(d);
    }
}

#[test]
fn build_writes_etc_files_and_spec() {
    let layer = layer_with(&[("etc/passwd", PASSWD), ("etc/group", GROUP)]);
    let userdata = temp_dir("userdata");
    let ctx = SpecContext {
        id: "0123456789abcdef".repeat(4),
        rootfs: PathBuf::from("/x/rootfs"),
        userdata: userdata.clone(),
        layer_dirs: vec![layer.clone()],
        rootless: false,
    };
    let mut image = ImageConfiguration::default();
    image.set_config(Some(config(None, Some(&["sh"]))));
    let o = RunOptions { name: Some("web".into()), user: Some("app".into()), ..Default::default() };
    let spec = build(&image, &o, &ctx).unwrap();
    assert_eq!(spec.hostname().as_deref(), Some("0123456789ab"));
    let p = spec.process().as_ref().unwrap();
    assert_eq!(p.user().uid(), 1000);
    assert_eq!(p.cwd(), Path::new("/"));
    assert_eq!(spec.root().as_ref().unwrap().path(), Path::new("/x/rootfs"));
    let ns = spec.linux().as_ref().unwrap().namespaces().clone().unwrap();
    assert!(ns.iter().any(|n| n.typ() == LinuxNamespaceType::Network));
    assert!(!ns.iter().any(|n| n.typ() == LinuxNamespaceType::User));
    let hosts = std::fs::read_to_string(userdata.join("hosts")).unwrap();
    assert!(hosts.contains("127.0.1.1\t0123456789ab web\n"));
    assert_eq!(std::fs::read_to_string(userdata.join("hostname")).unwrap(), "0123456789ab\n");
    let dests: Vec<_> = spec.mounts().as_ref().unwrap().iter().map(|m| m.destination().clone()).collect();
    assert!(dests.contains(&PathBuf::from("/etc/resolv.conf")) && dests.contains(&PathBuf::from("/dev/pts")));
    let host = RunOptions { network: NetworkMode::Host, ..o };
    let spec = build(&image, &host, &ctx).unwrap();
    let ns = spec.linux().as_ref().unwrap().namespaces().clone().unwrap();
    assert!(!ns.iter().any(|n| n.typ() == LinuxNamespaceType::Network));
    for d in [layer, userdata] {
        let _ = std::fs::remove_dir_all(d);
    }
}
