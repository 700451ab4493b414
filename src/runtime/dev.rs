//! Child side: fills a tmpfs /dev. Devices are bind mounts of the host's
//! nodes rather than mknod, because a user namespace may not create devices
//! and one way for both modes keeps them alike.

use super::child::{CResult, Stage};
use super::mounts::bind;
use super::resolve;
use nix::errno::Errno;
use nix::fcntl::{openat, OFlag};
use nix::sys::stat::Mode;
use nix::unistd::symlinkat;
use std::ffi::{CStr, CString};
use std::os::fd::BorrowedFd;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

const DEVICES: [(&CStr, &CStr); 6] = [
    (c"null", c"/dev/null"),
    (c"zero", c"/dev/zero"),
    (c"full", c"/dev/full"),
    (c"random", c"/dev/random"),
    (c"urandom", c"/dev/urandom"),
    (c"tty", c"/dev/tty"),
];

const LINKS: [(&CStr, &CStr); 6] = [
    (c"fd", c"/proc/self/fd"),
    (c"stdin", c"/proc/self/fd/0"),
    (c"stdout", c"/proc/self/fd/1"),
    (c"stderr", c"/proc/self/fd/2"),
    (c"ptmx", c"pts/ptmx"),
    (c"core", c"/proc/kcore"),
];

/// Creates the standard devices and links in the rootfs's /dev (open as
/// `root`, found on the host at `rootfs`).
pub(super) fn populate(root: BorrowedFd, rootfs: &Path) -> CResult<()> {
    // No symlink on the way: the plain host path below is the same folder.
    let dev = resolve::open_no_symlinks(root, Path::new("dev")).stage(|| "open /dev in the rootfs".to_string())?;
    let mut target = rootfs.as_os_str().as_bytes().to_vec();
    target.extend_from_slice(b"/dev/");
    let prefix = target.len();
    for (name, host) in DEVICES {
        let flags = OFlag::O_CREAT | OFlag::O_EXCL | OFlag::O_WRONLY | OFlag::O_CLOEXEC | OFlag::O_NOFOLLOW;
        match openat(&dev, name, flags, Mode::from_bits_truncate(0o666)) {
            Ok(f) => drop(f),
            // A spec mount put something there already: it wins.
            Err(Errno::EEXIST) => continue,
            Err(e) => return Err(e).stage(|| format!("create /dev/{}", name.to_string_lossy())),
        }
        target.truncate(prefix);
        target.extend_from_slice(name.to_bytes());
        let at = CString::new(target.as_slice()).map_err(|_| Errno::EINVAL).stage(|| "the path of /dev".to_string())?;
        bind(host, &at, false)
            .stage(|| format!("bind mount {} at /dev/{}", host.to_string_lossy(), name.to_string_lossy()))?;
    }
    for (name, target) in LINKS {
        match symlinkat(target, &dev, name) {
            Ok(()) | Err(Errno::EEXIST) => {}
            Err(e) => return Err(e).stage(|| format!("create the link /dev/{}", name.to_string_lossy())),
        }
    }
    Ok(())
}
