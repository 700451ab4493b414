//! Kernel overlayfs helpers: the mount `data` string the runtime passes to
//! mount(2), and a remove_dir_all that copes with what layers contain.

use crate::error::{Error, IoContext, Result};
use std::fs;
use std::io::ErrorKind;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

/// Builds "lowerdir=a:b,upperdir=u,workdir=w[,userxattr]"; `lower` is top-most first.
pub fn mount_options(lower: &[PathBuf], upper: &Path, work: &Path, userxattr: bool) -> Result<String> {
    if lower.is_empty() {
        return Err(Error::Layer("an overlay mount needs at least one lower layer".to_string()));
    }
    let mut s = String::from("lowerdir=");
    for (i, l) in lower.iter().enumerate() {
        if i > 0 {
            s.push(':');
        }
        push_escaped(&mut s, l)?;
    }
    s.push_str(",upperdir=");
    push_escaped(&mut s, upper)?;
    s.push_str(",workdir=");
    push_escaped(&mut s, work)?;
    if userxattr {
        s.push_str(",userxattr");
    }
    // mount(2) copies at most one page of options, NUL included.
    let limit = page_size() - 1;
    if s.len() > limit {
        return Err(Error::Layer(format!(
            "the overlay mount options for an image of {} layers take {} bytes, over the kernel's limit of {limit}: \
             use an image with fewer layers (squash it) or a shorter --root path",
            lower.len(),
            s.len()
        )));
    }
    Ok(s)
}

/// overlayfs splits options on ',' and lowerdir on ':', and un-escapes '\' before
/// any character, so those three must be escaped.
fn push_escaped(s: &mut String, p: &Path) -> Result<()> {
    let text = std::str::from_utf8(p.as_os_str().as_bytes())
        .map_err(|_| Error::Layer(format!("the overlay path {} is not valid UTF-8: use a --root path that is", p.display())))?;
    for c in text.chars() {
        if matches!(c, ':' | ',' | '\\') {
            s.push('\\');
        }
        s.push(c);
    }
    Ok(())
}

fn page_size() -> usize {
    // SAFETY: sysconf has no preconditions.
    let n = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    usize::try_from(n).ok().filter(|n| *n >= 4096).unwrap_or(4096)
}

/// Removes a file or folder tree, even one holding 0555 or 0000 folders; a missing path is fine.
pub fn remove_tree(path: &Path) -> Result<()> {
    match fs::symlink_metadata(path) {
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(Error::io_path("inspect", path, e)),
        Ok(m) if !m.is_dir() => {
            return match fs::remove_file(path) {
                Err(e) if e.kind() != ErrorKind::NotFound => Err(Error::io_path("remove", path, e)),
                _ => Ok(()),
            }
        }
        Ok(_) => {}
    }
    match fs::remove_dir_all(path) {
        Ok(()) => return Ok(()),
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(()),
        Err(_) => {}
    }
    // Root bypasses permissions, but a user outside the namespace does not: open up
    // folders the layer made unwritable or unsearchable, then try again.
    open_up(path, 0);
    match fs::remove_dir_all(path) {
        Err(e) if e.kind() != ErrorKind::NotFound => Err(e).path_ctx("remove", path),
        _ => Ok(()),
    }
}

fn open_up(dir: &Path, depth: usize) {
    // Bounded: a hostile layer can nest folders deeper than the stack would allow.
    if depth > 4096 {
        return;
    }
    let Ok(m) = fs::symlink_metadata(dir) else { return };
    if !m.is_dir() {
        return;
    }
    let mode = m.permissions().mode();
    if mode & 0o700 != 0o700 {
        // Best effort: what cannot be opened up shows in the retry's error.
        let _ = fs::set_permissions(dir, fs::Permissions::from_mode((mode | 0o700) & 0o7777));
    }
    let Ok(rd) = fs::read_dir(dir) else { return };
    for e in rd.flatten() {
        if e.file_type().map(|t| t.is_dir()).unwrap_or(false) {
            open_up(&e.path(), depth + 1);
        }
    }
}
