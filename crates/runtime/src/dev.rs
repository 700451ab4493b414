//! Child side: fills a tmpfs /dev. Devices are bind mounts of the host's
//! nodes rather than mknod, because a user namespace may not create devices
//! and one way for both modes keeps them alike.

use super::child::{CResult, Stage};
use super::mounts::{attach, clone_tree};
use super::resolve;
use nix::errno::Errno;
use nix::fcntl::{openat, OFlag};
use nix::sys::stat::Mode;
use nix::unistd::symlinkat;
use std::ffi::CStr;
use std::os::fd::BorrowedFd;
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

/// Creates the standard devices and links in the rootfs's /dev (the
/// rootfs open as `root`). /dev is found inside the rootfs (an image's
/// /dev that is a symlink is followed there), and each node is mounted on
/// through the fd that created it: no path is walked again.
pub(super) fn populate(root: BorrowedFd) -> CResult<()> {
    let dev = resolve::open(root, Path::new("dev")).stage(|| "open /dev in the rootfs".to_string())?;
    for (name, host) in DEVICES {
        let flags = OFlag::O_CREAT | OFlag::O_EXCL | OFlag::O_WRONLY | OFlag::O_CLOEXEC | OFlag::O_NOFOLLOW;
        let node = match openat(&dev, name, flags, Mode::from_bits_truncate(0o666)) {
            Ok(f) => f,
            // A spec mount put something there already: it wins.
            Err(Errno::EEXIST) => continue,
            Err(e) => return Err(e).stage(|| format!("create /dev/{}", name.to_string_lossy())),
        };
        let what = || format!("bind mount {} at /dev/{}", host.to_string_lossy(), name.to_string_lossy());
        let tree = clone_tree(host, false).stage(what)?;
        attach(&tree, &node).stage(what)?;
    }
    for (name, target) in LINKS {
        match symlinkat(target, &dev, name) {
            Ok(()) | Err(Errno::EEXIST) => {}
            Err(e) => return Err(e).stage(|| format!("create the link /dev/{}", name.to_string_lossy())),
        }
    }
    Ok(())
}
