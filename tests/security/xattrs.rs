//! overlayfs control xattrs from image layers (issue 14): a layer that ships
//! `trusted.overlay.opaque` / `user.overlay.opaque` (or redirect, origin) on
//! its entries could make the files of the layers below it vanish, or a
//! folder show another's contents. Extraction drops every `trusted.overlay.*`
//! and `user.overlay.*` xattr, as containers/storage does; the only opaque
//! mark a layer can make is the OCI `.wh..wh..opq` entry.

#[allow(unused_imports)]
use crate::helpers::*;
#[allow(unused_imports)]
use crate::util::*;

use crate::bounds::registry::{Image, Tar};
use crate::bounds::serve;
use std::ffi::CString;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

/// Lists a folder's names, one a line (images here have no shell).
const LSDIR: &str = r#"
#include <dirent.h>
#include <stdio.h>
#include <string.h>
int main(int argc, char **argv) {
    for (int i = 1; i < argc; i++) {
        DIR *d = opendir(argv[i]);
        if (!d) { perror(argv[i]); return 1; }
        struct dirent *e;
        while ((e = readdir(d))) {
            if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) printf("%s:%s\n", argv[i], e->d_name);
        }
        closedir(d);
    }
    return 0;
}
"#;

/// Every xattr name on `p` (not following symlinks).
fn xattr_names(p: &Path) -> Vec<String> {
    let c = CString::new(p.as_os_str().as_bytes()).unwrap();
    let mut buf = vec![0u8; 64 * 1024];
    // SAFETY: c is NUL-terminated, buf is a live buffer of its length.
    let n = unsafe { libc::llistxattr(c.as_ptr(), buf.as_mut_ptr().cast(), buf.len()) };
    assert!(n >= 0, "llistxattr {}: {}", p.display(), std::io::Error::last_os_error());
    buf[..n as usize].split(|b| *b == 0).filter(|s| !s.is_empty()).map(|s| String::from_utf8_lossy(s).into_owned()).collect()
}

/// Every path under `dir`, `dir` included.
fn walk(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    out.push(dir.to_path_buf());
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            let p = e.path();
            if e.file_type().is_ok_and(|t| t.is_dir()) {
                walk(&p, out);
            } else {
                out.push(p);
            }
        }
    }
}

both! {
    /// An upper layer marks /d opaque and /e as a redirect to /r through PAX
    /// xattrs: the lower layer's files stay visible, /e shows only its own,
    /// and no overlay xattr is on any extracted layer.
    fn overlay_xattrs_from_layers_dropped(s) {
        let lower = Tar::new()
            .dir("d/")
            .file("d/lower.txt", b"from the lower layer\n")
            .dir("r/")
            .file("r/lower-secret", b"only in r\n")
            .finish();
        let upper = Tar::new()
            .pax(&[
                ("SCHILY.xattr.trusted.overlay.opaque", b"y"),
                ("SCHILY.xattr.user.overlay.opaque", b"y"),
            ])
            .dir("d/")
            .pax(&[("SCHILY.xattr.trusted.overlay.origin", b"\x00\xfb\x21\x01"), ("SCHILY.xattr.user.overlay.origin", b"x")])
            .file("d/upper.txt", b"from the upper layer\n")
            .pax(&[
                ("SCHILY.xattr.trusted.overlay.redirect", b"/r"),
                ("SCHILY.xattr.user.overlay.redirect", b"/r"),
                ("SCHILY.xattr.user.harmless", b"kept"),
            ])
            .dir("e/")
            .file("e/own", b"e's own\n")
            .finish();
        let reg = serve(Image::new(&[lower, upper], 0));
        let image = format!("{}/xattrs:latest", reg.host());
        s.ok(&["pull", "-q", "--tls-verify=false", &image]);

        for layer in s.layer_entries() {
            let mut paths = Vec::new();
            walk(&s.layers_dir().join(&layer).join("diff"), &mut paths);
            for p in paths {
                let names = xattr_names(&p);
                let overlay: Vec<&String> = names.iter().filter(|n| n.contains("overlay.")).collect();
                assert!(overlay.is_empty(), "{} carries {overlay:?} from the layer", p.display());
            }
        }

        let dir = static_program("lsdir", LSDIR);
        let out = s.ok(&["run", "--rm", "-v", &mount_arg(&dir), &image, "/x/lsdir", "/d", "/e"]);
        let mut lines = out.lines();
        lines.sort();
        assert_eq!(lines, vec!["/d:lower.txt", "/d:upper.txt", "/e:own"], "{out:?}");
    }
}
