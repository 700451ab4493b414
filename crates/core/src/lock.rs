//! flock-based locks: one for the store index, one per layer being
//! extracted, one per container. Released when the guard drops (or the
//! process dies, which is what makes kill -9 safe).

use crate::error::{IoContext, Result};
use nix::fcntl::{Flock, FlockArg};
use std::fs::{File, OpenOptions};
use std::path::Path;

/// A held flock; dropping it releases the lock.
pub struct Lock {
    _flock: Flock<File>,
}

fn open(path: &Path) -> Result<File> {
    OpenOptions::new().create(true).truncate(false).read(true).write(true).open(path).path_ctx("open lock file", path)
}

/// Takes an exclusive lock, waiting for other holders.
pub fn exclusive(path: &Path) -> Result<Lock> {
    let f = open(path)?;
    let flock = Flock::lock(f, FlockArg::LockExclusive).map_err(|(_, e)| e).path_ctx("lock", path)?;
    Ok(Lock { _flock: flock })
}

/// Takes a shared lock, waiting for an exclusive holder.
pub fn shared(path: &Path) -> Result<Lock> {
    let f = open(path)?;
    let flock = Flock::lock(f, FlockArg::LockShared).map_err(|(_, e)| e).path_ctx("lock", path)?;
    Ok(Lock { _flock: flock })
}

/// Tries to take an exclusive lock without waiting; `None` if it is held.
pub fn try_exclusive(path: &Path) -> Result<Option<Lock>> {
    let f = open(path)?;
    match Flock::lock(f, FlockArg::LockExclusiveNonblock) {
        Ok(flock) => Ok(Some(Lock { _flock: flock })),
        Err((_, nix::errno::Errno::EWOULDBLOCK)) => Ok(None),
        Err((_, e)) => Err(e).path_ctx("lock", path),
    }
}

impl Lock {
    /// Whether `path` still names the locked file. A lock file that is
    /// removed under its holder (vfs pristine copies remove theirs) leaves a
    /// waiter holding a lock on a file no one else will open: it must retry.
    pub fn is_at(&self, path: &Path) -> bool {
        use std::os::unix::fs::MetadataExt;
        match (self._flock.metadata(), std::fs::metadata(path)) {
            (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
            _ => false,
        }
    }
}
