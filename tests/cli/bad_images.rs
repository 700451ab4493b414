//! Hostile and broken images: wrong digests, wrong diff_ids, tar entries that
//! try to leave the layer. Each is refused with a clear error and leaves no
//! layer and no temp file behind.

use crate::fake_registry::FakeRegistry;
use crate::util::*;
use std::path::Path;

/// Nothing of a refused pull may remain in the store.
#[track_caller]
fn assert_nothing_left(s: &Sangja) {
    assert_eq!(s.layer_entries(), Vec::<String>::new(), "no layer left in {}", s.layers_dir().display());
    assert_eq!(s.tmp_entries(), Vec::<String>::new(), "nothing left in {}/tmp", s.root.display());
    assert_eq!(s.image_ids(), Vec::<String>::new(), "no image recorded");
}

both! {
    /// The registry serves other (valid) bytes for a layer: the digest check refuses them.
    fn corrupted_blob_refused(s) {
        let reg = FakeRegistry::start(&s.dir, "tiny", "swap");
        let layer = reg.layer_digests()[0].clone();
        let hex = layer.trim_start_matches("sha256:");
        let out = s.run(&["pull", "--tls-verify=false", &reg.image("tiny")]).code(125);
        assert!(out.stderr.contains(&hex[..12]), "the error names the layer's digest {layer}:{out:?}");
        assert!(out.stdout.is_empty(), "no image id on stdout:{out:?}");
        assert_nothing_left(s);
        // run pulls the same way, and fails the same way.
        let out = s.run(&["run", "--rm", "--tls-verify=false", &reg.image("tiny")]).code(125);
        assert!(out.stderr.contains(&hex[..12]), "{out:?}");
        assert_nothing_left(s);
        assert_eq!(s.container_ids(), Vec::<String>::new());
    }
}

both! {
    /// A flipped byte in a layer: refused (gzip or digest), nothing left.
    fn flipped_byte_refused(s) {
        let reg = FakeRegistry::start(&s.dir, "layered", "flip");
        let out = s.run(&["pull", "--tls-verify=false", &reg.image("layered")]).code(125);
        assert!(out.stderr.contains("Error"), "{out:?}");
        assert_nothing_left(s);
    }
}

both! {
    /// Blobs match their digests but the config's diff_ids do not match the layers.
    fn diff_id_mismatch_refused(s) {
        let out = s.run(&["pull", "--tls-verify=false", &image("bad")]).code(125);
        assert!(out.stderr.contains("sha256:"), "the error names the digests involved:{out:?}");
        assert_nothing_left(s);
    }
}

/// Pulls an image whose layer tries to escape; checks the refusal and that
/// nothing was written outside the store.
#[track_caller]
fn refused_escape(s: &Sangja, name: &str, entry: &str, host_marker: Option<&Path>) {
    if let Some(m) = host_marker {
        assert!(!m.exists(), "{} exists before the test: an earlier run escaped? remove it", m.display());
    }
    let out = s.run(&["pull", "--tls-verify=false", &image(name)]).code(125);
    assert!(out.stderr.contains(entry), "the error names the entry {entry:?}:{out:?}");
    assert_nothing_left(s);
    let escaped = find_named(&s.dir, "escape");
    assert!(escaped.is_empty(), "files escaped the layer: {escaped:?}");
    if let Some(m) = host_marker {
        let there = m.exists();
        let _ = std::fs::remove_file(m);
        assert!(!there, "{} was written outside the store", m.display());
    }
}

both! {
    /// A "../escape" entry.
    fn dotdot_entry_refused(s) {
        refused_escape(s, "evil", "../escape", None);
    }
}

both! {
    /// An absolute path entry ("/tmp/x") stays inside the layer: the leading
    /// "/" is stripped, as podman and docker do, because real images carry such
    /// entries; it must never land at the host's /tmp.
    fn absolute_entry_contained(s) {
        let marker = Path::new("/tmp/sangja-evil-abs-escape");
        let _ = std::fs::remove_file(marker);
        s.run(&["pull", "-q", "--tls-verify=false", &image("evil-abs")]).code(0);
        assert!(!marker.exists(), "{} was written outside the store", marker.display());
        let inside = find_named(&s.layers_dir(), "sangja-evil-abs-escape");
        assert_eq!(inside.len(), 1, "the entry lands once inside a layer: {inside:?}");
        assert!(inside[0].starts_with(s.layers_dir()), "{inside:?}");
        assert!(inside[0].ends_with("diff/tmp/sangja-evil-abs-escape"), "{inside:?}");
    }
}

both! {
    /// A file under a symlink that points out of the layer.
    fn symlinked_parent_refused(s) {
        refused_escape(s, "evil-symlink", "evil-link", Some(Path::new("/tmp/sangja-evil-symlink-escape")));
    }
}

both! {
    /// A hard link to a file outside the layer.
    fn hardlink_out_refused(s) {
        refused_escape(s, "evil-hardlink", "passwd-link", None);
    }
}
