//! tag, untag, rmi of one name, image exists, history, image tree,
//! image inspect against podman's, images --digests, search, image mount.

use crate::util::*;
use std::collections::BTreeSet;
use std::process::Command;

const TINY: &str = "127.0.0.1:5000/tiny:latest";
const LARGE: &str = "127.0.0.1:5000/large:latest";

/// The rows of `images` as (repository:tag, short id).
fn image_rows(s: &Sangja) -> Vec<(String, String)> {
    s.ok(&["images", "--format", "{{.Repository}}:{{.Tag}} {{.ID}}"])
        .lines()
        .iter()
        .filter_map(|l| l.split_once(' ').map(|(a, b)| (a.to_string(), b.to_string())))
        .collect()
}

both! {
    /// tag normalises as podman, each name is a row of `images`, the id never
    /// changes; a name moved to another image leaves it; untag and rmi of one name.
    fn tag_untag_rmi_one_name(s) {
        let id = s.pull(BUSYBOX);
        let short = id[..12].to_string();
        let out = s.ok(&["tag", BUSYBOX, "share-verbs-a", "reg.io/share-verbs-b", "share-verbs/c:v1"]);
        assert_eq!(out.stdout, "", "tag prints nothing:{out:?}");
        let rows = image_rows(s);
        for want in [BUSYBOX, "localhost/share-verbs-a:latest", "reg.io/share-verbs-b:latest", "localhost/share-verbs/c:v1"] {
            assert!(rows.contains(&(want.to_string(), short.clone())), "no row {want} {short}: {rows:?}");
        }
        assert_eq!(s.image_ids(), std::slice::from_ref(&short), "one image, however many names");
        let v = s.ok(&["image", "inspect", "share-verbs-a"]).json();
        assert_eq!(v[0]["Id"].as_str(), Some(id.as_str()));
        assert_eq!(v[0]["RepoTags"].strings().len(), 4, "{v:?}");

        // `image tag` is the same verb; a name taken by another image moves.
        let tiny = s.pull(TINY);
        s.ok(&["image", "tag", &tiny, "share-verbs-a"]);
        let rows = image_rows(s);
        assert!(rows.contains(&("localhost/share-verbs-a:latest".into(), tiny[..12].to_string())), "{rows:?}");
        assert!(!rows.contains(&("localhost/share-verbs-a:latest".into(), short.clone())), "{rows:?}");

        // Bad names and unknown images.
        s.run(&["tag", BUSYBOX, "Bad"]).code(125).stderr_has("lowercase");
        s.run(&["tag", "share-verbs-nope", "x"]).code(125).stderr_has("share-verbs-nope: image not known");
        s.run(&["untag", BUSYBOX, "share-verbs-zz"]).code(125).stderr_has("localhost/share-verbs-zz:latest: tag not known");

        // rmi of one name of several only untags.
        s.ok(&["rmi", "share-verbs/c:v1"]).stdout_is("Untagged: localhost/share-verbs/c:v1\n");
        assert_eq!(s.run(&["image", "exists", &id]).code, 0);
        s.ok(&["untag", BUSYBOX, "reg.io/share-verbs-b"]);
        assert!(!image_rows(s).iter().any(|(n, _)| n.starts_with("reg.io/")));

        // untag without names leaves the image dangling: <none>, same id.
        s.ok(&["untag", BUSYBOX]).stdout_is("");
        let rows = image_rows(s);
        assert!(rows.contains(&("<none>:<none>".into(), short.clone())), "{rows:?}");
        let e = s.run(&["image", "exists", BUSYBOX]);
        assert_eq!((e.code, e.stdout.as_str(), e.stderr.as_str()), (1, "", ""), "{e:?}");
        let e = s.run(&["image", "exists", &short]);
        assert_eq!((e.code, e.stdout.as_str()), (0, ""), "{e:?}");
        // And a dangling image is deleted by rmi of its id.
        let out = s.ok(&["rmi", &short]);
        assert_eq!(out.lines(), [format!("Deleted: {id}")], "{out:?}");
    }
}

both! {
    /// history: one row per config history entry, newest first, the image's id
    /// on top, `<missing>` below, a size for each layer; -q, --no-trunc, json, templates.
    fn history_rows(s) {
        let id = s.pull(LAYERED);
        let out = s.ok(&["history", LAYERED]);
        let lines = out.lines();
        let header: Vec<&str> = lines[0].split("  ").map(str::trim).filter(|c| !c.is_empty()).collect();
        assert_eq!(header, ["ID", "CREATED", "CREATED BY", "SIZE", "COMMENT"], "{out:?}");
        assert_eq!(lines.len(), 4, "three entries:{out:?}");
        assert!(lines[1].starts_with(&id[..12]) && lines[1].contains("layer 2"), "{out:?}");
        assert!(lines[2].starts_with("<missing>") && lines[2].contains("layer 1"), "{out:?}");
        assert!(lines[3].starts_with("<missing>") && lines[3].contains("layer 0"), "{out:?}");
        // podman's SIZE: each layer's uncompressed tar (layer 2 holds one
        // 4-byte file: its tar is 10240 bytes, python's tar record).
        for (line, size) in lines[1..].iter().zip(["10.2 kB", "1.05 MB", "2.15 MB"]) {
            assert!(line.split("  ").any(|c| c.trim() == size), "podman shows {size} for this layer:{out:?}");
        }
        s.ok(&["history", "-q", LAYERED]).stdout_is(&format!("{}\n<missing>\n<missing>\n", &id[..12]));
        s.ok(&["image", "history", "--no-trunc", "-q", LAYERED]).stdout_is(&format!("{id}\n<missing>\n<missing>\n"));

        // The JSON rows are the config's history, reversed, with layer sizes.
        let inspect = s.ok(&["image", "inspect", LAYERED]).json();
        let mut from_config: Vec<String> =
            inspect[0]["History"].items().iter().map(|h| h["created_by"].as_str().unwrap_or_default().to_string()).collect();
        from_config.reverse();
        let j = s.ok(&["history", "--format", "json", LAYERED]).json();
        let by: Vec<String> = j.items().iter().map(|r| r["CreatedBy"].as_str().unwrap_or_default().to_string()).collect();
        assert_eq!(by, from_config);
        assert_eq!(j[0]["id"].as_str(), Some(id.as_str()));
        assert!(j.items().iter().all(|r| r["size"].as_u64().unwrap_or(0) > 0), "every entry made a layer: {j:?}");
        let big = j.items().iter().map(|r| r["size"].as_u64().unwrap_or(0)).max().unwrap_or(0);
        assert!(big > 1_000_000, "layer 0 is busybox, over 1 MB: {j:?}");
        assert_eq!(j[0]["size"].as_u64(), Some(10240), "the top layer's tar length: {j:?}");
        s.ok(&["history", "--format", "{{.ID}}|{{.CreatedBy}}", LAYERED])
            .stdout_is(&format!("{}|build_image.py layer 2 (gzip)\n<missing>|build_image.py layer 1 (zstd)\n<missing>|build_image.py layer 0 (gzip)\n", &id[..12]));
        s.run(&["history", "share-verbs-nope"]).code(125).stderr_has("image not known");

        // A layer that is another image's top layer shows that image's id (podman's rule).
        let bb = s.pull(BUSYBOX);
        let large = s.pull(LARGE);
        let q = s.ok(&["history", "-q", LARGE]).lines();
        assert_eq!(q, [large[..12].to_string(), "<missing>".into(), "<missing>".into(), bb[..12].to_string()]);
    }
}

both! {
    /// image tree: the layers bottom first with podman's layer ids, and which
    /// images they are the top layer of; --whatrequires shows the images built on one.
    fn image_tree(s) {
        let bb = s.pull(BUSYBOX);
        let large = s.pull(LARGE);
        let out = s.ok(&["image", "tree", LARGE]);
        let l = out.lines();
        assert_eq!(l[0], format!("Image ID: {}", &large[..12]), "{out:?}");
        assert_eq!(l[1], format!("Tags:     [{LARGE}]"), "{out:?}");
        assert!(l[2].starts_with("Size:     ") && l[2].ends_with("MB"), "{out:?}");
        assert_eq!(l[3], "Image Layers", "{out:?}");
        assert_eq!(l.len(), 8, "four layers:{out:?}");
        // podman's id of a bottom layer is its diff id.
        let v = s.ok(&["image", "inspect", LARGE]).json();
        let diff0 = v.path("0.RootFS.Layers.0").as_str().unwrap_or_default().trim_start_matches("sha256:").to_string();
        assert!(l[4].starts_with(&format!("├── ID: {} Size: ", &diff0[..12])), "{out:?}");
        assert!(l[4].ends_with(&format!("Top Layer of: [{BUSYBOX}]")), "{out:?}");
        assert!(l[7].starts_with("└── ID: ") && l[7].ends_with(&format!("Top Layer of: [{LARGE}]")), "{out:?}");
        let ids: BTreeSet<&str> = l[4..].iter().map(|x| x.split_whitespace().nth(2).unwrap_or_default()).collect();
        assert_eq!(ids.len(), 4, "distinct layer ids:{out:?}");

        let w = s.ok(&["image", "tree", "--whatrequires", BUSYBOX]);
        let wl = w.lines();
        assert_eq!(wl[0], format!("Image ID: {}", &bb[..12]), "{w:?}");
        assert_eq!(wl.len(), 8, "busybox's layer and the three of large above it:{w:?}");
        assert_eq!(wl[4..], l[4..], "the same layers as large's tree:{w:?}{out:?}");
        let own = s.ok(&["image", "tree", BUSYBOX]);
        assert_eq!(own.lines().len(), 5, "{own:?}");
    }
}

/// podman's `image inspect` of `image`, pulled into a private store (root
/// only: podman is the reference here, not the system under test).
fn podman_inspect(s: &Sangja, image: &str) -> Option<Json> {
    if !is_root() || Command::new("podman").arg("--version").output().map_or(true, |o| !o.status.success()) {
        eprintln!("podman_inspect: skipped (needs root and podman)");
        return None;
    }
    // podman refuses a runroot longer than 50 characters: a short one of its own.
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let root = s.dir.join(format!("podman-root-{n}"));
    let run = std::path::PathBuf::from(format!("/tmp/svp-{}-{n}", std::process::id()));
    let podman = |args: &[&str]| {
        let o = Command::new("podman")
            .args(["--root", &root.display().to_string(), "--runroot", &run.display().to_string(), "--storage-driver", "vfs"])
            .args(args)
            .output()
            .expect("run podman");
        assert!(o.status.success(), "podman {args:?}: {}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8_lossy(&o.stdout).into_owned()
    };
    podman(&["pull", "-q", "--tls-verify=false", image]);
    let v: Json = serde_json::from_str(&podman(&["image", "inspect", image])).expect("podman's JSON");
    podman(&["rmi", "-a", "-f"]);
    let _ = std::fs::remove_dir_all(&run);
    Some(v)
}

both! {
    /// image inspect has podman's keys and types, and the values that must be
    /// equal are: pulled from the same registry by both.
    fn inspect_matches_podman(s) {
        for image in [LAYERED, BUSYBOX] {
            s.pull(image);
            let ours = s.ok(&["image", "inspect", image]).json();
            let ours = &ours[0];
            let want_keys = [
                "Id", "Digest", "RepoTags", "RepoDigests", "Parent", "Comment", "Created", "Config", "Version", "Author",
                "Architecture", "Os", "Size", "VirtualSize", "GraphDriver", "RootFS", "Labels", "Annotations", "ManifestType",
                "User", "History", "NamesHistory",
            ];
            let keys: BTreeSet<String> = ours.as_object().map(|o| o.keys().cloned().collect()).unwrap_or_default();
            assert_eq!(keys, want_keys.iter().map(|k| k.to_string()).collect(), "{ours:#?}");
            assert_eq!(ours["NamesHistory"].strings(), [image.to_string()]);
            let Some(theirs) = podman_inspect(s, image) else { continue };
            let theirs = &theirs[0];
            let their_keys: BTreeSet<String> = theirs.as_object().map(|o| o.keys().cloned().collect()).unwrap_or_default();
            assert_eq!(keys, their_keys, "the same keys as podman");
            for k in &keys {
                let kind = |v: &Json| match v {
                    Json::Null => "null",
                    Json::Bool(_) => "bool",
                    Json::Number(_) => "number",
                    Json::String(_) => "string",
                    Json::Array(_) => "array",
                    Json::Object(_) => "object",
                };
                assert_eq!(kind(&ours[k]), kind(&theirs[k]), "{k}: ours {} podman's {}", ours[k], theirs[k]);
            }
            for k in ["Id", "Digest", "RootFS", "History", "Config", "Architecture", "Os", "Author", "Created", "ManifestType", "Labels", "Annotations", "User"] {
                assert_eq!(ours[k], theirs[k], "{image} {k}");
            }
            let set = |v: &Json| v.strings().into_iter().collect::<BTreeSet<_>>();
            assert_eq!(set(&ours["RepoDigests"]), set(&theirs["RepoDigests"]), "{image} RepoDigests");
            assert_eq!(set(&ours["RepoTags"]), set(&theirs["RepoTags"]), "{image} RepoTags");
        }
    }
}

both! {
    /// images --digests shows the manifest digest in a DIGEST column.
    fn images_digests(s) {
        s.pull(BUSYBOX);
        let digest = s.ok(&["image", "inspect", "--format", "{{.Digest}}", BUSYBOX]).stdout.trim().to_string();
        assert!(digest.starts_with("sha256:") && digest.len() == 71, "{digest}");
        let out = s.ok(&["images", "--digests"]);
        let lines = out.lines();
        let header: Vec<&str> = lines[0].split("  ").map(str::trim).filter(|c| !c.is_empty()).collect();
        assert_eq!(header, ["REPOSITORY", "TAG", "DIGEST", "IMAGE ID", "CREATED", "SIZE"], "{out:?}");
        assert_eq!(out.lines()[1].split_whitespace().nth(2), Some(digest.as_str()), "{out:?}");
        s.ok(&["images", "--format", "{{.Repository}} {{.Digest}}"]).stdout_is(&format!("127.0.0.1:5000/busybox {digest}\n"));
    }
}

both! {
    /// search reads the registry's catalog (NAME DESCRIPTION) and tags (NAME TAG).
    fn search_catalog_and_tags(s) {
        let out = s.ok(&["search", "--tls-verify=false", "127.0.0.1:5000/busy"]);
        assert_eq!(out.lines(), ["NAME                    DESCRIPTION", "127.0.0.1:5000/busybox"], "{out:?}");
        let out = s.ok(&["search", "--tls-verify=false", "--list-tags", "127.0.0.1:5000/busybox"]);
        assert_eq!(out.lines(), ["NAME                    TAG", "127.0.0.1:5000/busybox  latest"], "{out:?}");
        // The catalog, read through: every test image is there, --limit cuts it.
        let all = s.ok(&["search", "--tls-verify=false", "--limit", "100000", "--format", "{{.Name}}", "127.0.0.1:5000/"]).lines();
        for want in ["busybox", "tiny", "layered", "multi", "large"] {
            assert!(all.contains(&format!("127.0.0.1:5000/{want}")), "{want} missing: {all:?}");
        }
        let two = s.ok(&["search", "--tls-verify=false", "--limit", "2", "--format", "{{.Name}}", "127.0.0.1:5000/"]).lines();
        assert_eq!(two, all[..2], "--limit 2");
        let j = s.ok(&["search", "--tls-verify=false", "--format", "json", "127.0.0.1:5000/tiny"]).json();
        assert_eq!(j[0]["Name"].as_str(), Some("127.0.0.1:5000/tiny"), "{j:?}");
        assert_eq!(j[0]["Index"].as_str(), Some("127.0.0.1:5000"), "{j:?}");
        assert_eq!(j[0]["Stars"].as_u64(), Some(0), "{j:?}");
        // A catalog has no stars and nothing official: those filters leave nothing.
        let none = s.ok(&["search", "--tls-verify=false", "--filter", "stars=1", "127.0.0.1:5000/busybox"]);
        assert_eq!(none.lines().len(), 1, "only the header:{none:?}");
        s.ok(&["search", "--tls-verify=false", "--filter", "is-official=true", "--format", "{{.Name}}", "127.0.0.1:5000/busybox"]).stdout_is("");
        s.run(&["search", "--tls-verify=false", "--filter", "bogus=1", "127.0.0.1:5000/x"]).code(125).stderr_has("bogus");
        // Without --tls-verify=false a plain-HTTP registry is refused, with the fix named.
        s.run(&["search", "127.0.0.1:5000/busybox"]).code(125).stderr_has("--tls-verify=false");
        s.run(&["search", "--tls-verify=false", "--list-tags", "127.0.0.1:5000/busybox:latest"]).code(125).stderr_has("tag");
    }
}

both! {
    /// image mount: a read-only view of the image's files, only inside
    /// `sangja unshare` when rootless; image unmount undoes it.
    fn image_mount_unmount(s) {
        let id = s.pull(LAYERED);
        if s.is_rootless() {
            s.run(&["image", "mount", LAYERED]).code(125).stderr_has("cannot run command \"sangja image mount\" in rootless mode, must execute `sangja unshare` first");
        }
        let bin = binary().display().to_string();
        let g = format!("{bin} --root {} --runroot {}", s.root.display(), s.runroot.display());
        let script = format!(
            "set -e; p=$({g} image mount {LAYERED}); cat $p/data/mid.txt >/dev/null && echo readable; \
             touch $p/x 2>/dev/null && echo writable || echo read-only; \
             {g} image mount | grep -q \"^{LAYERED}  $p\\$\" && echo listed; \
             {g} image mount --format json | grep -q '\"mountpoint\"' && echo json; \
             {g} image unmount {LAYERED}; test -d $p/data && echo still || echo gone; {g} image unmount {LAYERED}"
        );
        let out = s.ok(&["unshare", "sh", "-c", &script]);
        assert_eq!(out.lines(), ["readable", "read-only", "listed", "json", id.as_str(), "gone"], "{out:?}");
    }
}

both! {
    /// rmi of a mounted image unmounts it first and removes it, as podman's
    /// rmi does (podman 4.3: "Untagged", "Deleted", exit 0).
    fn rmi_of_a_mounted_image(s) {
        let id = s.pull(LAYERED);
        let bin = binary().display().to_string();
        let g = format!("{bin} --root {} --runroot {}", s.root.display(), s.runroot.display());
        let script = format!(
            "set -e; p=$({g} image mount {LAYERED}); {g} rmi {LAYERED}; \
             if awk -v p=\"$p\" '$5 == p' /proc/self/mountinfo | grep -q .; then echo mounted; else echo unmounted; fi; \
             test -e $p && echo left || echo gone"
        );
        let out = s.ok(&["unshare", "sh", "-c", &script]);
        assert_eq!(out.lines(), [format!("Untagged: {LAYERED}"), format!("Deleted: {id}"), "unmounted".into(), "gone".into()], "{out:?}");
        assert!(s.image_ids().is_empty());
        assert!(s.layer_entries().is_empty(), "{:?}", s.layer_entries());
    }
}
