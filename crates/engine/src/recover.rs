//! Recovery: finishing or undoing what a kill -9 (or a power cut) cut short
//! (DESIGN.md, "Durable state"; issue 16). Each multi-step operation is
//! ordered so that every prefix of it is either invisible or recognisably
//! unfinished; this module is "the next command" that finishes or undoes it:
//!
//! - an unfinished create: containers/ID without config.json (run.rs
//!   `create`); its write-ahead record creating.json names its anonymous
//!   volumes. Undone: the volumes, then the folder.
//! - an unfinished rmi: images/.rm-ID.json (image store.rs `remove`).
//!   Finished: the layers no image lists, the blobs, the marker.
//! - leftovers in tmp/: rm-* (folders moved there to be deleted: containers,
//!   layers, temp files of commit/import) and layer-* (extractions cut short;
//!   only when no extraction runs, storage layers.rs `sweep`).
//!
//! `sweep_locked` runs with the store lock held, which every create, rm and
//! rmi holds from start to end: so nothing it sees as unfinished is in
//! progress. It is cheap (a few readdirs and stats): create, rm, rmi and
//! pull call it; ps calls it when it saw an unfinished create and the store
//! lock is free.

use super::Engine;
use crate::error::Result;
use crate::lock;
use sangja_container::record::ContainerStore;
use sangja_image::store::ImageStore;
use sangja_storage::layers::LayerStore;

/// Finishes or undoes every interrupted operation it finds. The caller
/// holds the store lock. The first error is returned after trying the rest.
pub fn sweep_locked(engine: &Engine) -> Result<()> {
    let mut first = None;
    let containers = ContainerStore::new(&engine.paths);
    for (id, intent) in containers.incomplete()? {
        // Volumes first: a kill between leaves the folder, and its record, to try again.
        let r = intent
            .map_or(Ok(()), |cfg| super::volumes::remove_anonymous_locked(engine, &cfg.options))
            .and_then(|()| containers.delete_incomplete(&id));
        if let Err(e) = r {
            first.get_or_insert(e);
        }
    }
    if let Err(e) = ImageStore::new(&engine.paths).finish_removals_locked() {
        first.get_or_insert(e);
    }
    if let Err(e) = LayerStore::new(&engine.paths).sweep() {
        first.get_or_insert(e);
    }
    first.map_or(Ok(()), Err)
}

/// `sweep_locked` when the store lock is free right now (a reader such as
/// `ps`, which must never wait for a create in progress); false when busy.
pub fn sweep_if_idle(engine: &Engine) -> Result<bool> {
    let Some(_guard) = lock::try_exclusive(&engine.paths.store_lock())? else { return Ok(false) };
    sweep_locked(engine)?;
    Ok(true)
}

/// Kills the processes of a container whose start was cut short between
/// the spawn and the pid's record (`Container::start_interrupted`): they run
/// unrecorded on its folders, so a new start would put a second instance on
/// the same upper dir and rm would delete files under a live one. They are
/// found by their mounts: every process in the container's mount namespace
/// has its / (the overlay's upperdir, the vfs rootfs) or its /etc files
/// (bound from userdata) at paths that hold the container's id. Only those
/// mount points count: a mount namespace copied from the host's may list
/// other mounts that name the container (its network namespace's bind
/// mount, say) without being the container's. Only called after a crash, so
/// the scan of /proc costs nothing in normal use. Then the mark is cleared.
///
/// Why this rather than keeping PR_SET_PDEATHSIG on the container until its
/// pid is saved: the runtime spawns with CLONE_VFORK, so the parent sleeps
/// until the child has exec'd and cannot tell it "go" before that, and a
/// death signal kept for the container's whole life would kill it with its
/// monitor, while a detached container outlives a killed monitor (tests/cli
/// lifecycle.rs `monitor_killed`).
pub fn kill_strays(c: &mut sangja_container::record::Container) -> Result<()> {
    let id = c.config.id.as_str();
    let own_ns = std::fs::read_link("/proc/self/ns/mnt").ok();
    let me = std::process::id();
    for _round in 0..50 {
        let mut found = Vec::new();
        for name in crate::paths::entry_names(std::path::Path::new("/proc"))? {
            let Ok(pid) = name.parse::<u32>() else { continue };
            if pid == me || std::fs::read_link(format!("/proc/{pid}/ns/mnt")).ok() == own_ns {
                continue;
            }
            if std::fs::read_to_string(format!("/proc/{pid}/mountinfo")).is_ok_and(|m| holds_container(&m, id)) {
                found.push(pid as i32);
            }
        }
        // Zombies keep nothing mounted: an empty list means none is left.
        if found.is_empty() {
            break;
        }
        for pid in found {
            let _ = sangja_container::record::signal_process(pid, libc::SIGKILL);
            let _ = nix::sys::wait::waitpid(nix::unistd::Pid::from_raw(pid), Some(nix::sys::wait::WaitPidFlag::WNOHANG));
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    c.clear_starting()
}

/// Whether a mountinfo text is that of a process of container `id`: its
/// root or its /etc files come from the container's folder.
fn holds_container(mountinfo: &str, id: &str) -> bool {
    mountinfo.lines().any(|l| {
        let at = l.split(' ').nth(4).unwrap_or("");
        matches!(at, "/" | "/etc/hosts" | "/etc/hostname" | "/etc/resolv.conf") && l.contains(id)
    })
}

#[cfg(test)]
mod tests {
    use super::holds_container;

    #[test]
    fn a_container_is_known_by_its_root_or_etc_files() {
        let id = "00dc6c167a158e9e65f7ab4ce530aefa401ca69e96194f16185e1bd47c3a9994";
        let overlay = format!("225 178 0:89 / / rw,nodev,relatime - overlay overlay rw,lowerdir=/s/layers/x/diff,upperdir=/s/containers/{id}/upper,workdir=/s/containers/{id}/work\n");
        assert!(holds_container(&overlay, id));
        let hosts = format!(
            "1 2 0:1 / / rw - fuse.sangja sangja rw\n3 1 8:1 /s/containers/{id}/userdata/hosts /etc/hosts rw - ext4 /dev/sda1 rw\n"
        );
        assert!(holds_container(&hosts, id));
        // A copy of the host's table listing the container's netns mount is not it.
        let copied = format!("1 2 8:1 / / rw - ext4 /dev/sda1 rw\n9 1 0:4 net:[4026] /run/sangja/netns/{id} rw - nsfs nsfs rw\n");
        assert!(!holds_container(&copied, id));
        assert!(!holds_container(&overlay, "ffff"));
    }
}
