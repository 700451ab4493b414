//! Child side: fills a tmpfs /dev. Devices are bind mounts of the host's
//! nodes rather than mknod, because a user namespace may not create devices
//! and one way for both modes keeps them alike.

use super::child::{CResult, Stage};
use super::mounts::bind;
use super::resolve::{self, proc_fd_path};
use nix::errno::Errno;
use nix::fcntl::{openat, OFlag};
use nix::sys::stat::Mode;
use nix::unistd::symlinkat;
use std::ffi::CStr;
use std::os::fd::{AsRawFd, BorrowedFd};
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

/// Creates the standard devices and links in the rootfs's /dev.
pub(super) fn populate(root: BorrowedFd) -> CResult<()> {
    let dev = resolve::open(root, Path::new("dev")).stage(|| "open /dev in the rootfs".to_string())?;
    for (name, host) in DEVICES {
        let flags = OFlag::O_CREAT | OFlag::O_EXCL | OFlag::O_WRONLY | OFlag::O_CLOEXEC | OFlag::O_NOFOLLOW;
        let file = match openat(&dev, name, flags, Mode::from_bits_truncate(0o666)) {
            Ok(f) => f,
            // A spec mount put something there already: it wins.
            Err(Errno::EEXIST) => continue,
            Err(e) => return Err(e).stage(|| format!("create /dev/{}", name.to_string_lossy())),
        };
        bind(host, &proc_fd_path(file.as_raw_fd()), false)
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
