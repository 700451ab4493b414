//! pull, images, inspect (images), rmi.

use crate::fake_registry::FakeRegistry;
use crate::util::*;

both! {
    /// `pull` prints the id on stdout; `images` lists it in podman's table.
    fn pull_then_images_lists_it(s) {
        let out = s.ok(&["pull", "--tls-verify=false", BUSYBOX]);
        let id = out.lines().last().cloned().unwrap_or_default();
        assert!(is_hex_id(&id), "pull must end with the image id on stdout:{out:?}");
        assert_eq!(out.lines().len(), 1, "pull prints only the id on stdout:{out:?}");

        let table = s.ok(&["images"]);
        let header: Vec<&str> = table.stdout.lines().next().unwrap_or_default().split("  ").map(str::trim).filter(|c| !c.is_empty()).collect();
        assert_eq!(header, ["REPOSITORY", "TAG", "IMAGE ID", "CREATED", "SIZE"], "images header:{table:?}");
        let row = table.stdout.lines().find(|l| l.contains(&id[..12])).unwrap_or_else(|| panic!("no row with {}:{table:?}", &id[..12]));
        let cols: Vec<&str> = row.split_whitespace().collect();
        assert_eq!(cols[0], "127.0.0.1:5000/busybox", "{table:?}");
        assert_eq!(cols[1], "latest", "{table:?}");
        assert_eq!(cols[2], &id[..12], "{table:?}");

        assert_eq!(s.image_ids(), [id[..12].to_string()]);
    }
}

both! {
    /// `images --format json` and `inspect` give podman's fields.
    fn images_json_and_inspect(s) {
        let id = s.pull(BUSYBOX);
        let list = s.ok(&["images", "--format", "json"]).json();
        assert_eq!(list.items().len(), 1, "{list:?}");
        let img = &list[0];
        assert_eq!(img["Id"].as_str(), Some(id.as_str()));
        let names = if img["Names"].is_null() { img["RepoTags"].strings() } else { img["Names"].strings() };
        assert!(names.contains(&BUSYBOX.to_string()), "Names: {names:?}");
        assert!(img["Size"].as_i64().unwrap_or(0) > 1_000_000, "busybox is over 1 MB: {img:?}");
        assert!(!img["Created"].is_null(), "{img:?}");

        for name in [BUSYBOX, "127.0.0.1:5000/busybox", id.as_str(), &id[..12]] {
            let out = s.ok(&["inspect", "--type", "image", name]);
            let v = out.json();
            assert_eq!(v.items().len(), 1, "{out:?}");
            let i = &v[0];
            assert_eq!(i["Id"].as_str(), Some(id.as_str()), "{out:?}");
            assert!(i["RepoTags"].strings().contains(&BUSYBOX.to_string()), "{out:?}");
            assert_eq!(i.path("Config.Cmd").strings(), ["sh"], "{out:?}");
            assert!(i.path("Config.Env").strings().iter().any(|e| e.starts_with("PATH=") && e.contains("/bin")), "{out:?}");
            assert_eq!(i["Architecture"].as_str(), Some(host_arch()), "{out:?}");
            assert_eq!(i["Os"].as_str(), Some("linux"), "{out:?}");
        }
        // Without --type, an image is found too.
        let v = s.ok(&["inspect", BUSYBOX]).json();
        assert_eq!(v[0]["Id"].as_str(), Some(id.as_str()));
    }
}

both! {
    /// A second pull fetches no layer: counted at the registry.
    fn second_pull_downloads_nothing(s) {
        let reg = FakeRegistry::start(&s.dir, "layered", "none");
        let name = reg.image("layered");
        let layers = reg.layer_digests();
        assert_eq!(layers.len(), 3);

        let first = s.ok(&["pull", "--tls-verify=false", &name]);
        for l in &layers {
            assert_eq!(reg.blob_gets(l), 1, "layer {l} fetched once by the first pull: {:#?}{first:?}", reg.requests());
        }
        let second = s.ok(&["pull", "--tls-verify=false", &name]);
        assert_eq!(first.lines().last(), second.lines().last(), "same image id both times");
        for l in &layers {
            assert_eq!(reg.blob_gets(l), 1, "layer {l} fetched again by the second pull: {:#?}{second:?}", reg.requests());
        }
    }
}

both! {
    /// Progress lines (podman's wording) when stderr is not a terminal.
    fn second_pull_reports_layers_already_exist(s) {
        let first = s.ok(&["pull", "--tls-verify=false", LAYERED]);
        let copying: Vec<&str> = first.stderr.lines().filter(|l| l.starts_with("Copying blob")).collect();
        assert_eq!(copying.len(), 3, "one \"Copying blob\" line per layer:{first:?}");
        assert!(copying.iter().all(|l| l.ends_with(" done")), "{first:?}");

        let second = s.ok(&["pull", "--tls-verify=false", LAYERED]);
        let copying: Vec<&str> = second.stderr.lines().filter(|l| l.starts_with("Copying blob")).collect();
        assert_eq!(copying.len(), 3, "one \"Copying blob\" line per layer:{second:?}");
        assert!(copying.iter().all(|l| l.ends_with("skipped: already exists")), "{second:?}");

        // -q: nothing on stderr, only the id on stdout.
        let quiet = s.ok(&["pull", "-q", "--tls-verify=false", LAYERED]);
        assert_eq!(quiet.stderr, "", "{quiet:?}");
        assert_eq!(quiet.lines().len(), 1, "{quiet:?}");
    }
}

both! {
    /// Images that share a layer share it on disk: the second pull skips it.
    fn shared_layer_pulled_once(s) {
        s.pull(BUSYBOX);
        let layers = s.layer_entries();
        assert_eq!(layers.len(), 1, "{layers:?}");
        let out = s.ok(&["pull", "--tls-verify=false", MULTI]);
        assert!(out.stderr.contains("skipped: already exists"), "the busybox layer is there already:{out:?}");
        assert_eq!(s.layer_entries(), layers, "no new layer for the same blob");
        assert_eq!(s.image_ids().len(), 1, "busybox and multi (on this platform) are the same image");
    }
}

both! {
    /// A manifest list: this machine's platform by default, another with --platform.
    fn pull_multi_arch(s) {
        let id = s.pull(MULTI);
        let v = s.ok(&["inspect", "--type", "image", MULTI]).json();
        assert_eq!(v[0]["Architecture"].as_str(), Some(host_arch()));
        assert_eq!(v[0]["Id"].as_str(), Some(id.as_str()));
        s.run_rm(MULTI, &["echo", "native"]).ok().stdout_is("native\n");

        let other = if host_arch() == "arm64" { "amd64" } else { "arm64" };
        let out = s.ok(&["pull", "-q", "--tls-verify=false", "--platform", &format!("linux/{other}"), MULTI]);
        let other_id = out.lines().last().cloned().unwrap_or_default();
        assert!(is_hex_id(&other_id) && other_id != id, "{out:?}");
        let v = s.ok(&["inspect", "--type", "image", &other_id]).json();
        assert_eq!(v[0]["Architecture"].as_str(), Some(other));
    }
}

both! {
    /// An image the registry does not have: 125 and a message naming it.
    fn pull_unknown_image(s) {
        s.run(&["pull", "--tls-verify=false", "127.0.0.1:5000/nosuch:latest"]).code(125).stderr_has("nosuch");
        s.run_rm("127.0.0.1:5000/nosuch:latest", &["true"]).code(125).stderr_has("nosuch");
        assert_eq!(s.image_ids(), Vec::<String>::new());
        assert_eq!(s.container_ids(), Vec::<String>::new());
        assert_eq!(s.layer_entries(), Vec::<String>::new());
    }
}

both! {
    /// rmi removes the image and its layers.
    fn rmi_removes_image(s) {
        let id = s.pull(BUSYBOX);
        s.ok(&["rmi", BUSYBOX]);
        assert_eq!(s.image_ids(), Vec::<String>::new());
        assert_eq!(s.layer_entries(), Vec::<String>::new(), "the layer no image uses is gone");
        s.run(&["inspect", "--type", "image", &id]).code(125);
        // By id too.
        let id = s.pull(BUSYBOX);
        s.ok(&["rmi", &id[..12]]);
        assert_eq!(s.image_ids(), Vec::<String>::new());
    }
}

both! {
    /// rmi refuses an image a container uses (podman: exit 2), -f removes both.
    fn rmi_image_in_use(s) {
        s.pull(BUSYBOX);
        s.ok(&["run", "--name", "user-of-image", BUSYBOX, "true"]);
        s.run(&["rmi", BUSYBOX]).code(2);
        assert_eq!(s.image_ids().len(), 1, "still there after the refusal");
        s.ok(&["rmi", "-f", BUSYBOX]);
        assert_eq!(s.image_ids(), Vec::<String>::new());
        assert_eq!(s.container_ids(), Vec::<String>::new(), "rmi -f removes the containers using the image");
    }
}

both! {
    /// rmi of an unknown image: podman's exit 1.
    fn rmi_unknown(s) {
        s.run(&["rmi", "nosuch"]).code(1).stderr_has("nosuch");
    }
}

both! {
    /// `images --filter` (same key: any passes; different keys: all must,
    /// as podman 4) and `--sort`; as root, the same filters and sorts
    /// against podman with a store of its own holding the same two images.
    fn images_filter_and_sort(s) {
        let busybox = s.pull(BUSYBOX);
        let layered = s.pull(LAYERED);
        s.ok(&["run", "--name", "filt-c", BUSYBOX, "true"]);
        let labelled = s.ok(&["commit", "-q", "-c", "LABEL org.test=yes", "filt-c", "filt-labelled"]).lines().last().cloned().unwrap();
        s.ok(&["rm", "filt-c"]);
        let q = |flags: &[&str]| {
            let mut args = vec!["images", "-q"];
            args.extend_from_slice(flags);
            let mut ids = s.ok(&args).lines();
            ids.sort();
            ids
        };
        let short = |id: &str| id[..12].to_string();
        assert_eq!(q(&["--filter", "reference=busybox"]), [short(&busybox)]);
        let mut both = vec![short(&busybox), short(&layered)];
        both.sort();
        assert_eq!(q(&["-f", "reference=busybox", "-f", "reference=*layer*"]), both, "one of a key's filters is enough");
        assert_eq!(q(&["--filter", "label=org.test=yes"]), [short(&labelled)]);
        assert_eq!(q(&["--filter", "label!=org.test=yes"]), both);
        assert_eq!(q(&["--filter", "label=org.test", "--filter", "reference=busybox"]), Vec::<String>::new(), "different keys must all pass");
        assert_eq!(q(&["--filter", "since=busybox", "--filter", "reference=filt-labelled"]), [short(&labelled)]);
        assert!(!q(&["--filter", &format!("before={labelled}")]).contains(&short(&labelled)));
        assert_eq!(q(&["--filter", &format!("id={}", &layered[..8])]), [short(&layered)]);
        assert_eq!(q(&["--filter", "dangling=true"]), Vec::<String>::new());
        let out = s.run(&["images", "--filter", "foo=bar"]).code(125);
        assert!(out.stderr.contains("unsupported image filter \"foo\""), "{out:?}");
        s.run(&["images", "--filter", "dangling=maybe"]).code(125);
        s.run(&["images", "--filter", "before=nosuch"]).code(125).stderr_has("nosuch");
        s.run(&["images", "--sort", "bogus"]).code(125);
        let by = |sort: &str| s.ok(&["images", "--sort", sort, "--format", "{{.Repository}}"]).lines();
        assert_eq!(by("repository"), ["127.0.0.1:5000/busybox", "127.0.0.1:5000/layered", "localhost/filt-labelled"]);
        let sizes: Vec<u64> =
            s.ok(&["images", "--sort", "size", "--format", "json"]).json().items().iter().map(|i| i["Size"].as_u64().unwrap()).collect();
        assert!(sizes.len() == 3 && sizes.windows(2).all(|w| w[0] <= w[1]), "not by size: {sizes:?}");

        if !matches!(s.mode, Mode::Root) || std::process::Command::new("podman").arg("--version").output().is_err() {
            return;
        }
        // podman wants a runroot of at most 50 characters.
        let store = std::path::PathBuf::from(format!("/tmp/sjp-images-{}", std::process::id()));
        let podman = |args: &[&str]| {
            let o = std::process::Command::new("podman")
                .arg("--root")
                .arg(store.join("root"))
                .arg("--runroot")
                .arg(store.join("run"))
                .args(["--storage-driver", "overlay"])
                .args(args)
                .output()
                .unwrap();
            assert!(o.status.success(), "podman {args:?}: {}", String::from_utf8_lossy(&o.stderr));
            let mut lines: Vec<String> = String::from_utf8_lossy(&o.stdout).lines().map(str::to_string).collect();
            if !args.contains(&"--sort") {
                lines.sort();
            }
            lines
        };
        podman(&["pull", "-q", "--tls-verify=false", BUSYBOX]);
        podman(&["pull", "-q", "--tls-verify=false", LAYERED]);
        s.ok(&["rmi", "filt-labelled"]);
        for flags in [
            &["--filter", "reference=busybox"][..],
            &["-f", "reference=busybox", "-f", "reference=*layer*"],
            &["--filter", "label=org.test"],
            &["--filter", "label!=org.test"],
            &["--sort", "repository"],
            &["--sort", "size"],
            &["--sort", "id"],
        ] {
            let mut args = vec!["images", "--format", "{{.Repository}}:{{.Tag}}"];
            args.extend_from_slice(flags);
            let mut ours = s.ok(&args).lines();
            if !flags.contains(&"--sort") {
                ours.sort();
            }
            assert_eq!(ours, podman(&args), "images {flags:?}: sangja and podman differ");
        }
        let _ = podman(&["rmi", "-a", "-f"]);
        let _ = std::fs::remove_dir_all(&store);
    }
}
