//! An image's files on the host: `image mount` (read-only, no set-uid or
//! device node taking effect, private to its user) and the tar-split
//! rebuild of push and save, against a layer whose diff/ was tampered with
//! (a file or a folder swapped for a symlink to a host copy of the very same
//! bytes, so that following it would even pass the digest check): the
//! rebuild never reads through a symlink, and refuses.

#[allow(unused_imports)]
use crate::util::*;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

/// `sangja` with this test's store, for scripts run by `sangja unshare`.
fn inner(s: &Sangja) -> String {
    format!("{} --root {} --runroot {}", binary().display(), s.root.display(), s.runroot.display())
}

/// A registry repository of this test's own.
fn own_repo(s: &Sangja, what: &str) -> String {
    let who = if s.is_rootless() { "user" } else { "root" };
    let n: String = s.dir.file_name().map(|f| f.to_string_lossy().to_lowercase()).unwrap_or_default();
    let n: String = n.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
    format!("{REGISTRY}/share-esc-{what}-{who}-{n}")
}

both! {
    /// A mounted image is read-only, nosuid and nodev, under a folder only
    /// its user can enter: another user reads nothing of it, and a set-uid
    /// file of the image gives nobody its owner's rights.
    fn image_mount_is_private_and_inert(s) {
        s.ok(&["run", "--name", "share-esc-suid", "--tls-verify=false", BUSYBOX, "sh", "-c",
            "cp /bin/busybox /suid-sh && chmod 4755 /suid-sh && echo secret > /secret && chmod 644 /secret"]);
        s.ok(&["commit", "-q", "share-esc-suid", "share-esc-suid-img"]);
        s.ok(&["rm", "share-esc-suid"]);
        let img = "localhost/share-esc-suid-img:latest";
        let g = inner(s);
        // As root the other user is tried from the same mount namespace.
        let other = if s.is_rootless() {
            "echo denied".to_string()
        } else {
            "if runuser -u sangjanosub -- cat $p/secret >/dev/null 2>&1; then echo readable-by-other; else echo denied; fi; \
             if runuser -u sangjanosub -- ls $(dirname $p) >/dev/null 2>&1; then echo listable-by-other; fi".to_string()
        };
        let script = format!(
            "set -e; p=$({g} image mount {img}); \
             awk -v p=\"$p\" '$5 == p {{ print $6 }}' /proc/self/mountinfo; \
             stat -c %a $(dirname $(dirname $p)); stat -c %a $p/suid-sh; \
             if touch $p/new 2>/dev/null; then echo writable; else echo read-only; fi; \
             if (echo changed > $p/secret) 2>/dev/null; then echo changed; else echo kept; fi; \
             {other}; {g} image unmount {img} >/dev/null"
        );
        let out = s.ok(&["unshare", "sh", "-c", &script]);
        let lines = out.lines();
        assert_eq!(lines.len(), 6, "{out:?}");
        let opts: Vec<&str> = lines[0].split(',').collect();
        for want in ["ro", "nosuid", "nodev"] {
            assert!(opts.contains(&want), "the image mount must be {want}: {}{out:?}", lines[0]);
        }
        assert_eq!(lines[1], "700", "the image mounts' folder is its user's only:{out:?}");
        assert_eq!(lines[2], "4755", "the image's set-uid file is there, inert (nosuid):{out:?}");
        assert_eq!(&lines[3..], ["read-only", "kept", "denied"], "{out:?}");
        assert_eq!(s.ok(&["image", "inspect", "--format", "{{.Id}}", img]).lines().len(), 1);
    }
}

/// The file `name` under the `diff/` of one of the store's layers.
fn layer_file(s: &Sangja, rel: &str) -> PathBuf {
    let name = Path::new(rel).file_name().unwrap().to_string_lossy().into_owned();
    let found: Vec<PathBuf> =
        find_named(&s.layers_dir(), &name).into_iter().filter(|p| p.to_string_lossy().ends_with(&format!("/diff/{rel}"))).collect();
    assert_eq!(found.len(), 1, "one layer holds {rel}: {found:?}");
    found[0].clone()
}

fn readable_copy(src: &Path, dest: &Path) {
    fs::copy(src, dest).unwrap();
    fs::set_permissions(dest, fs::Permissions::from_mode(0o644)).unwrap();
}

both! {
    /// A layer file swapped for a symlink to a host file with the same
    /// bytes, then a layer folder swapped for a symlink to a host folder with
    /// the same files: push (made to rebuild the layer: gzip, where the
    /// registry has it as zstd) and save refuse ("changed on disk") instead of
    /// reading the host's files, and leave no archive; put back, they work.
    fn tampered_layer_is_not_read_through_symlinks(s) {
        s.pull(LAYERED);
        let mid = layer_file(s, "data/mid.txt");
        let data = mid.parent().unwrap().to_path_buf();
        let host = s.dir.join("host");
        fs::create_dir(&host).unwrap();
        fs::set_permissions(&host, fs::Permissions::from_mode(0o755)).unwrap();
        for f in fs::read_dir(&data).unwrap() {
            let f = f.unwrap().path();
            readable_copy(&f, &host.join(f.file_name().unwrap()));
        }
        let dest = format!("{}:v1", own_repo(s, "tamper"));
        let archive = s.dir.join("out.tar");
        let refused = |why: &str| {
            s.run(&["push", "--tls-verify=false", "--compression-format", "gzip", LAYERED, &dest]).code(125).stderr_has("changed on disk");
            s.run(&["save", "-o", &archive.to_string_lossy(), LAYERED]).code(125).stderr_has("changed on disk");
            assert!(!archive.exists(), "{why}: a failed save leaves no archive");
            let left: Vec<String> = entries(&s.dir).into_iter().filter(|n| n.contains("sangja-tmp")).collect();
            assert!(left.is_empty(), "{why}: temp files left: {left:?}");
        };

        // A file replaced by a symlink to the host's copy.
        let saved = s.dir.join("saved-mid.txt");
        fs::rename(&mid, &saved).unwrap();
        std::os::unix::fs::symlink(host.join("mid.txt"), &mid).unwrap();
        refused("file symlink");
        fs::remove_file(&mid).unwrap();
        fs::rename(&saved, &mid).unwrap();

        // The folder replaced by a symlink to the host's copy of it.
        let aside = data.with_file_name("data.aside");
        fs::rename(&data, &aside).unwrap();
        std::os::unix::fs::symlink(&host, &data).unwrap();
        refused("folder symlink");
        fs::remove_file(&data).unwrap();
        fs::rename(&aside, &data).unwrap();

        // The same bytes in place again: both work (the refusals were the tampering's).
        s.ok(&["push", "--tls-verify=false", "--compression-format", "gzip", LAYERED, &dest]);
        s.ok(&["save", "-o", &archive.to_string_lossy(), LAYERED]);
        assert!(archive.is_file());
    }
}

both! {
    /// A layer file whose bytes changed (same length): the rebuilt tar's
    /// digest is not the diff_id, so push sends no manifest naming it.
    fn tampered_layer_bytes_fail_the_digest_check(s) {
        s.pull(LAYERED);
        let mid = layer_file(s, "data/mid.txt");
        let mut bytes = fs::read(&mid).unwrap();
        assert!(!bytes.is_empty());
        bytes[0] ^= 0x20;
        fs::write(&mid, &bytes).unwrap();
        let dest = format!("{}:v1", own_repo(s, "bytes"));
        s.run(&["push", "--tls-verify=false", "--compression-format", "gzip", LAYERED, &dest]).code(125).stderr_has("changed on disk");
        let out = std::process::Command::new("skopeo")
            .args(["inspect", "--raw", "--tls-verify=false", &format!("docker://{dest}")])
            .output()
            .unwrap();
        assert!(!out.status.success(), "the registry must hold no manifest for {dest}: {}", String::from_utf8_lossy(&out.stdout));
    }
}
