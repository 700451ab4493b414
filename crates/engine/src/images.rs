//! Image use cases: pull (short names through registries.conf), list, remove.

use super::Engine;
use crate::error::{Error, Result};
use sangja_container::record::ContainerStore;
use sangja_image::pull;
pub use sangja_image::pull::{PullEvent, PullOptions};
use sangja_image::registries;
pub use sangja_image::store::ImageRecord;
use sangja_image::store::ImageStore;

/// Pulls `name`, trying each candidate registry for a short name in order.
pub fn pull(engine: &Engine, name: &str, mut opts: PullOptions, progress: &(dyn Fn(PullEvent) + Send + Sync)) -> Result<ImageRecord> {
    // docker-archive:, oci-archive:, oci:, dir: read a file; docker:// is the registry.
    let name = &match sangja_image::archive::transport::parse(name)? {
        sangja_image::archive::transport::Source::Local(t) => return super::archive::pull_transport(engine, &t, false),
        sangja_image::archive::transport::Source::Registry(r) => r,
    };
    let candidates = registries::candidates(name)?;
    opts.squash_owners = engine.identity.rootless && !engine.identity.has_subids;
    let _ = rustls::crypto::ring::default_provider().install_default();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Error::Registry(format!("cannot start the download runtime: {e}")))?;
    let mut errors = Vec::new();
    for reference in &candidates {
        match runtime.block_on(pull::pull(&engine.paths, reference, &opts, progress)) {
            Ok(record) => return Ok(record),
            Err(e) if candidates.len() == 1 => return Err(e),
            Err(e) => errors.push(format!("{reference}: {e}")),
        }
    }
    Err(Error::Registry(format!("{name}: no candidate registry had the image:\n  {}", errors.join("\n  "))))
}

/// When `run` and `create` pull.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PullPolicy {
    /// Only an image not in the store.
    #[default]
    Missing,
    Always,
    Never,
    /// As `Always`: the registry says whether there is anything newer.
    Newer,
}

/// What `resolve` reports.
#[derive(Debug, Clone)]
pub enum ResolveEvent {
    /// A pull of this name (as given) starts.
    Pulling(String),
    Progress(PullEvent),
}

/// The image `name` for `run`/`create`: the stored one, pulled first when
/// `policy` says so. The pull's threads are gone when this returns, so the
/// caller may go on to create the container (DESIGN.md, fork safety).
pub fn resolve(
    engine: &Engine,
    name: &str,
    policy: PullPolicy,
    opts: PullOptions,
    events: &(dyn Fn(ResolveEvent) + Send + Sync),
) -> Result<ImageRecord> {
    let store = ImageStore::new(&engine.paths);
    if let sangja_image::archive::transport::Source::Local(t) = sangja_image::archive::transport::parse(name)? {
        // An archive is read each time, as podman does: it may have changed.
        events(ResolveEvent::Pulling(name.to_string()));
        let loaded = super::archive::pull_transport(engine, &t, false);
        wait_single_threaded();
        return loaded;
    }
    let local = store.lookup(name);
    let pull_it = match policy {
        PullPolicy::Always | PullPolicy::Newer => true,
        PullPolicy::Missing => matches!(local, Err(Error::ImageNotFound(_))),
        PullPolicy::Never => false,
    };
    if !pull_it {
        return local.and_then(|r| instance_of_list(engine, r));
    }
    events(ResolveEvent::Pulling(name.to_string()));
    let pulled = pull(engine, name, opts, &|ev| events(ResolveEvent::Progress(ev)));
    wait_single_threaded();
    pulled?;
    store.lookup(name).and_then(|r| instance_of_list(engine, r))
}

/// A local manifest list stands for its image for this host's platform (as
/// podman runs a list); any other image is itself.
fn instance_of_list(engine: &Engine, r: ImageRecord) -> Result<ImageRecord> {
    if !super::manifest::is_list(&r) {
        return Ok(r);
    }
    let (_, index) = super::manifest::load(engine, &r.id)?;
    let host = pull::Platform::host();
    let wanted = |e: &super::manifest::Entry| e.platform.as_ref().is_some_and(|p| p.os == host.os && p.architecture == host.arch);
    let name = r.names.first().cloned().unwrap_or_else(|| r.id.clone());
    let entry = index.manifests.iter().find(|e| wanted(e)).ok_or_else(|| {
        Error::NotFound(format!("manifest list {name} has no image for {}/{}: add one with `sangja manifest add`", host.os, host.arch))
    })?;
    let store = ImageStore::new(&engine.paths);
    store
        .list()?
        .into_iter()
        .find(|i| i.digest == entry.digest && !super::manifest::is_list(i))
        .ok_or_else(|| Error::NotFound(format!("image {} of manifest list {name} is no longer in the store: add it again", entry.digest)))
}

/// Waits (briefly) until the threads the download runtime joined have left
/// the kernel's thread group too: unshare and setns of a user namespace
/// refuse a process that still has one.
fn wait_single_threaded() {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(1);
    while std::fs::read_dir("/proc/self/task").is_ok_and(|d| d.count() > 1) && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
}

/// All images, newest first.
pub fn list(engine: &Engine) -> Result<Vec<ImageRecord>> {
    ImageStore::new(&engine.paths).list()
}

/// What `rmi` did to one argument.
#[derive(Debug)]
pub enum Removed {
    /// A name was removed; the image has others.
    Untagged(String),
    /// The image is gone; the ids of containers removed with it (`-f`).
    Deleted { id: String, containers: Vec<String> },
}

/// Removes an image, or only the given name when the image has others.
/// An image used by a container is refused unless `force`, which removes those
/// containers too (as podman).
pub fn remove(engine: &Engine, name: &str, force: bool) -> Result<Vec<Removed>> {
    let store = ImageStore::new(&engine.paths);
    let image = store.lookup(name)?;
    let mut out = Vec::new();
    let by_id = image.id.starts_with(name.trim_start_matches("sha256:"));
    if !by_id && image.names.len() > 1 {
        let full = image.names.iter().find(|n| name_matches(n, name)).cloned().unwrap_or_else(|| name.to_string());
        store.untag(&image.id, &full)?;
        out.push(Removed::Untagged(full));
        return Ok(out);
    }
    let containers = ContainerStore::new(&engine.paths);
    let users: Vec<_> = containers.list()?.into_iter().filter(|c| c.config.image_id == image.id).collect();
    if !users.is_empty() && !force {
        let names: Vec<&str> = users.iter().map(|c| c.config.name.as_str()).collect();
        return Err(Error::InUse(format!(
            "image {} is in use by container(s) {}: remove them first (sangja rm) or use rmi -f",
            &image.id[..12],
            names.join(", ")
        )));
    }
    let mut removed_ctrs = Vec::new();
    for c in users {
        super::containers::remove_one(engine, &c.config.id, true)?;
        removed_ctrs.push(c.config.id);
    }
    for n in &image.names {
        out.push(Removed::Untagged(n.clone()));
    }
    store.remove(&image.id)?;
    // vfs: the image's pristine copy goes with it (after the record: a kill
    // between leaves a copy of no image, which the next vfs create sweeps).
    if super::drivers::driver(engine) == super::drivers::Driver::Vfs {
        super::drivers::remove_pristine(&engine.paths, &image.id, true)?;
    }
    out.push(Removed::Deleted { id: image.id, containers: removed_ctrs });
    Ok(out)
}

/// Whether the stored full name `full` is what the user meant by `given`
/// ("busybox", "busybox:1", "127.0.0.1:5000/busybox" all name
/// "127.0.0.1:5000/busybox:latest"-style entries).
fn name_matches(full: &str, given: &str) -> bool {
    let with_tag = |s: &str| {
        let last = s.rsplit('/').next().unwrap_or(s);
        if last.contains(':') || s.contains('@') {
            s.to_string()
        } else {
            format!("{s}:latest")
        }
    };
    let given = with_tag(given);
    full == given || full.ends_with(&format!("/{given}"))
}
