//! Local manifest lists: create, add, annotate, inspect, remove, rm, exists;
//! a list in `images`, run through a list, inspect of a registry's index.

use crate::util::*;

const TINY: &str = "127.0.0.1:5000/tiny:latest";
const LIST: &str = "share-verbs-list";
const LIST_FULL: &str = "localhost/share-verbs-list:latest";

both! {
    /// A list of one local image: the index names its manifest digest, size and
    /// platform; annotate and remove change it; the list's id never changes.
    fn manifest_list_lifecycle(s) {
        let bb = s.pull(BUSYBOX);
        let digest = s.ok(&["image", "inspect", "--format", "{{.Digest}}", BUSYBOX]).stdout.trim().to_string();
        let id = s.ok(&["manifest", "create", LIST]).stdout.trim().to_string();
        assert!(is_hex_id(&id), "create prints the list's id: {id}");
        assert_ne!(id, bb);
        assert_eq!(s.run(&["manifest", "exists", LIST]).code, 0);
        let e = s.run(&["manifest", "exists", "share-verbs-none"]);
        assert_eq!((e.code, e.stdout.as_str(), e.stderr.as_str()), (1, "", ""), "{e:?}");
        assert_eq!(s.run(&["manifest", "exists", BUSYBOX]).code, 1, "an image is not a list");

        let empty = s.ok(&["manifest", "inspect", LIST]).json();
        assert_eq!(empty["schemaVersion"].as_u64(), Some(2));
        assert_eq!(empty["mediaType"].as_str(), Some("application/vnd.oci.image.index.v1+json"));
        assert!(empty["manifests"].items().is_empty(), "{empty:?}");

        s.ok(&["manifest", "add", LIST, BUSYBOX]).stdout_is(&format!("{id}\n"));
        let out = s.ok(&["manifest", "inspect", LIST]);
        assert!(out.stdout.starts_with("{\n    \"schemaVersion\": 2,\n    \"mediaType\""), "podman's layout, keys in order:{out:?}");
        let v = out.json();
        assert_eq!(v["manifests"].items().len(), 1, "{v:?}");
        let m = &v["manifests"][0];
        assert_eq!(m["digest"].as_str(), Some(digest.as_str()));
        assert_eq!(m.path("platform.architecture").as_str(), Some(host_arch()));
        assert_eq!(m.path("platform.os").as_str(), Some("linux"));
        assert!(m["size"].as_u64().unwrap_or(0) > 100, "{m:?}");
        // Adding the same image again replaces its entry.
        s.ok(&["manifest", "add", LIST, BUSYBOX]);
        assert_eq!(s.ok(&["manifest", "inspect", LIST]).json()["manifests"].items().len(), 1);

        // annotate by digest.
        s.ok(&["manifest", "annotate", "--arch", "arm64", "--variant", "v8", "--os-features", "f1", "--annotation", "a=b", LIST, &digest])
            .stdout_is(&format!("{id}\n"));
        let m = s.ok(&["manifest", "inspect", LIST]).json()["manifests"][0].clone();
        assert_eq!(m.path("platform.architecture").as_str(), Some("arm64"));
        assert_eq!(m.path("platform.variant").as_str(), Some("v8"));
        assert_eq!(m["platform"]["os.features"].strings(), ["f1"]);
        assert_eq!(m.path("annotations.a").as_str(), Some("b"));
        s.run(&["manifest", "annotate", "--annotation", "nokey", LIST, &digest]).code(125).stderr_has("KEY=VALUE");
        let other = format!("sha256:{}", "0".repeat(64));
        s.run(&["manifest", "annotate", "--arch", "x", LIST, &other]).code(125).stderr_has("no instance");

        // images shows the list as an image of its own; its id is stable.
        let rows = s.ok(&["images", "--format", "{{.Repository}}:{{.Tag}} {{.ID}}"]).lines();
        assert!(rows.contains(&format!("{LIST_FULL} {}", &id[..12])), "{rows:?}");
        let inspect = s.ok(&["image", "inspect", LIST]).json();
        assert_eq!(inspect[0]["Id"].as_str(), Some(id.as_str()));

        // create of a name in use is refused; --amend adds to the existing list.
        s.run(&["manifest", "create", LIST]).code(125).stderr_has("that name is already in use");
        s.ok(&["manifest", "create", "--amend", LIST]).stdout_is(&format!("{id}\n"));
        s.run(&["manifest", "inspect", BUSYBOX]).code(125).stderr_has("image is not a manifest list");

        // remove takes the entry out; rm removes the list, not the image.
        s.ok(&["manifest", "remove", LIST, &digest]).stdout_is(&format!("{id}\n"));
        assert!(s.ok(&["manifest", "inspect", LIST]).json()["manifests"].items().is_empty());
        s.run(&["manifest", "remove", LIST, &digest]).code(125).stderr_has("no instance");
        s.ok(&["manifest", "rm", LIST]).stdout_is(&format!("Untagged: {LIST_FULL}\nDeleted: {id}\n"));
        s.run(&["manifest", "rm", LIST]).code(1).stderr_has("image not known");
        assert_eq!(s.run(&["image", "exists", BUSYBOX]).code, 0, "the image stays");
        s.run(&["manifest", "rm", BUSYBOX]).code(125).stderr_has("not a manifest list");
    }
}

both! {
    /// `manifest create LIST IMAGE...` pulls what is not local; `run LIST`
    /// runs the list's image for this machine; `add --all` adds every
    /// instance of a registry's index; `inspect` of a remote reference.
    fn manifest_lists_with_registry_images(s) {
        let id = s.ok(&["manifest", "create", "--tls-verify=false", LIST, BUSYBOX]).stdout.trim().to_string();
        assert!(is_hex_id(&id));
        assert_eq!(s.run(&["image", "exists", BUSYBOX]).code, 0, "the image was pulled to be added");
        s.ok(&["run", "--rm", LIST, "echo", "from-list"]).stdout_is("from-list\n");

        // The registry's multi-arch index, as the registry has it.
        let remote = s.ok(&["manifest", "inspect", "--tls-verify=false", MULTI]).json();
        let arches: Vec<String> =
            remote["manifests"].items().iter().map(|m| m.path("platform.architecture").as_str().unwrap_or_default().to_string()).collect();
        assert!(arches.len() >= 2, "multi is an index of several platforms: {remote:?}");
        s.run(&["manifest", "inspect", "127.0.0.1:5000/share-verbs-none:latest", "--tls-verify=false"]).code(125);

        s.ok(&["manifest", "create", "--tls-verify=false", "share-verbs-all"]);
        s.ok(&["manifest", "add", "--all", "--tls-verify=false", "share-verbs-all", MULTI]);
        let local = s.ok(&["manifest", "inspect", "share-verbs-all"]).json();
        let digests = |v: &Json| v["manifests"].items().iter().map(|m| m["digest"].as_str().unwrap_or_default().to_string()).collect::<Vec<_>>();
        assert_eq!(digests(&local), digests(&remote), "every instance, same digests, same order");
        let local_arches: Vec<String> =
            local["manifests"].items().iter().map(|m| m.path("platform.architecture").as_str().unwrap_or_default().to_string()).collect();
        assert_eq!(local_arches, arches);
        // A list of a list is refused.
        s.run(&["manifest", "add", "share-verbs-all", LIST]).code(125).stderr_has("is a manifest list");
        s.ok(&["manifest", "add", "--tls-verify=false", "share-verbs-all", TINY]);
        assert_eq!(s.ok(&["manifest", "inspect", "share-verbs-all"]).json()["manifests"].items().len(), arches.len() + 1);
    }
}

/// A repository name of this test's own in the shared registry.
fn own_repo(s: &Sangja, what: &str) -> String {
    let who = if s.is_rootless() { "user" } else { "root" };
    let n: String = s.dir.file_name().map(|f| f.to_string_lossy().to_lowercase()).unwrap_or_default();
    let n: String = n.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
    format!("{REGISTRY}/share-mpush-{what}-{who}-{n}")
}

/// The registry's raw manifest of a reference, as skopeo reads it.
fn skopeo_raw(reference: &str) -> Json {
    let out = std::process::Command::new("skopeo")
        .args(["inspect", "--raw", "--tls-verify=false", &format!("docker://{reference}")])
        .output()
        .expect("skopeo runs");
    assert!(out.status.success(), "skopeo inspect --raw {reference}: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("skopeo's manifest of {reference}: {e}"))
}

both! {
    /// `manifest push` of a list of two local images (the registry's multi
    /// for amd64 and arm64): the instances go by digest, unchanged, then the
    /// index under the tag; skopeo reads the index, sangja pulls the list's
    /// image for this machine with the instance's id, --digestfile holds the
    /// digest of the index sent, --rm removes the local list only.
    fn manifest_push_to_registry(s) {
        let amd = s.ok(&["pull", "-q", "--tls-verify=false", "--platform", "linux/amd64", MULTI]).lines().last().cloned().unwrap_or_default();
        let arm = s.ok(&["pull", "-q", "--tls-verify=false", "--platform", "linux/arm64", MULTI]).lines().last().cloned().unwrap_or_default();
        assert!(is_hex_id(&amd) && is_hex_id(&arm) && amd != arm, "{amd} {arm}");
        let list = "share-mpush-list";
        s.ok(&["manifest", "create", list]);
        s.ok(&["manifest", "add", list, &amd]);
        s.ok(&["manifest", "add", list, &arm]);
        let local = s.ok(&["manifest", "inspect", list]).json();
        let digests = |v: &Json| v["manifests"].items().iter().map(|m| m["digest"].as_str().unwrap_or_default().to_string()).collect::<Vec<_>>();
        assert_eq!(digests(&local).len(), 2, "{local:?}");

        let dest = format!("{}:v1", own_repo(s, "list"));
        let digestfile = s.dir.join("list.digest");
        let out = s.ok(&["manifest", "push", "--tls-verify=false", "--digestfile", &digestfile.to_string_lossy(), list, &format!("docker://{dest}")]);
        assert_eq!(out.stdout, "", "podman prints nothing on stdout:{out:?}");
        for line in ["Getting image list signatures", "Copying 2 of 2 images in list", "Writing manifest list to image destination", "Storing list signatures"] {
            assert!(out.stderr.contains(line), "podman's line {line:?} missing:{out:?}");
        }
        let remote = skopeo_raw(&dest);
        assert_eq!(remote["mediaType"].as_str(), Some("application/vnd.oci.image.index.v1+json"), "{remote:?}");
        assert_eq!(digests(&remote), digests(&local), "the instances went unchanged, by digest");
        let arches: Vec<String> = remote["manifests"].items().iter().map(|m| m.path("platform.architecture").as_str().unwrap_or_default().to_string()).collect();
        assert_eq!(arches, ["amd64", "arm64"]);
        let written = std::fs::read_to_string(&digestfile).unwrap();
        assert!(written.starts_with("sha256:") && written.len() == 71, "{written:?}");
        // The instance manifests are in the repository by digest.
        for d in digests(&remote) {
            let m = skopeo_raw(&format!("{}@{d}", own_repo(s, "list")));
            assert!(!m["layers"].items().is_empty(), "{m:?}");
        }

        // Pulled back by sangja into an empty store: this machine's instance, same id.
        s.ok(&["manifest", "rm", list]);
        s.ok(&["rmi", "-a", "-f"]);
        if host_arch() == "amd64" {
            assert_eq!(s.pull(&dest), amd, "the list's amd64 image");
        }

        // --rm removes the list once pushed; --all=false sends the index only;
        // --format v2s2 makes it a Docker manifest list.
        s.ok(&["manifest", "create", list]);
        s.ok(&["manifest", "add", "--tls-verify=false", list, &dest]);
        let v2 = format!("{}:v2", own_repo(s, "list"));
        s.ok(&["manifest", "push", "-q", "--tls-verify=false", "--all=false", "--format", "v2s2", "--rm", list, &v2]).stdout_is("");
        assert_eq!(s.run(&["manifest", "exists", list]).code, 1, "--rm removed the list");
        let docker = skopeo_raw(&v2);
        assert_eq!(docker["mediaType"].as_str(), Some("application/vnd.docker.distribution.manifest.list.v2+json"), "{docker:?}");

        // Refusals: not a list, a list with a missing image, signing.
        s.run(&["manifest", "push", "--tls-verify=false", "share-mpush-none", &v2]).code(125).stderr_has("image not known");
        s.pull(BUSYBOX);
        s.run(&["manifest", "push", "--tls-verify=false", BUSYBOX, &v2]).code(125).stderr_has("not a manifest list");
        s.run(&["manifest", "push", "--tls-verify=false", "--sign-by", "me@example.com", BUSYBOX, &v2]).code(125).stderr_has("does not sign");
    }
}

/// podman pulls, for linux/amd64, the list sangja pushed: the instance's id.
#[test]
fn podman_pulls_a_list_sangja_pushed() {
    let Some(s) = Sangja::root("podman_pulls_list") else { return };
    if std::process::Command::new("podman").arg("--version").output().is_err() {
        eprintln!("skipped: podman is not installed");
        return;
    }
    let amd = s.ok(&["pull", "-q", "--tls-verify=false", "--platform", "linux/amd64", MULTI]).lines().last().cloned().unwrap_or_default();
    s.pull(TINY);
    let list = "share-mpush-podman";
    s.ok(&["manifest", "create", list, &amd]);
    s.ok(&["manifest", "add", "--arch", "arm64", list, TINY]);
    let entries = s.ok(&["manifest", "inspect", list]).json()["manifests"].items().len();
    assert_eq!(entries, 2, "two images, two entries");
    let dest = format!("{}:v1", own_repo(&s, "podman"));
    s.ok(&["manifest", "push", "--tls-verify=false", list, &dest]);
    let out = std::process::Command::new("podman")
        .args(["pull", "-q", "--tls-verify=false", "--platform", "linux/amd64", &dest])
        .output()
        .unwrap();
    let id = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let _ = std::process::Command::new("podman").args(["rmi", &dest]).output();
    assert!(out.status.success(), "podman pull {dest}: {}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(id, amd, "podman pulled another image for linux/amd64");
}
