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
    let runtime = registry_runtime()?;
    let mut errors = Vec::new();
    for reference in &candidates {
        match runtime.block_on(pull::pull(&engine.paths, reference, &opts, progress)) {
            Ok(record) => {
                // Leftovers of interrupted pulls and removals (cheap when none).
                let _ = super::recover::sweep_if_idle(engine);
                super::events_log::image(engine, &record.id, name, "pull");
                return Ok(record);
            }
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
    // As podman: an image of another platform than the one asked for is pulled again.
    let other_platform = match (&opts.platform, &local) {
        (Some(p), Ok(r)) => !platform_matches(r, p),
        _ => false,
    };
    let pull_it = match policy {
        PullPolicy::Always | PullPolicy::Newer => true,
        PullPolicy::Missing => matches!(local, Err(Error::ImageNotFound(_))) || other_platform,
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

/// The host's platform in the images' names: (os, architecture).
pub fn host_platform() -> (String, String) {
    let p = pull::Platform::host();
    (p.os, p.arch)
}

/// Whether an image is of the platform "os/arch[/variant]" (a manifest list
/// counts as every platform: its instance is chosen when it runs).
fn platform_matches(r: &ImageRecord, platform: &str) -> bool {
    if super::manifest::is_list(r) {
        return true;
    }
    let parts: Vec<&str> = platform.split('/').collect();
    let c = &r.config;
    let os_ok = parts.first().is_none_or(|o| c.os().to_string() == *o);
    let arch_ok = parts.get(1).is_none_or(|a| c.architecture().to_string() == *a);
    let variant_ok = parts.get(2).is_none_or(|v| c.variant().as_deref() == Some(*v));
    os_ok && arch_ok && variant_ok
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

/// All images, newest first. A damaged record is left out with a warning
/// naming it and the fix.
pub fn list(engine: &Engine) -> Result<Vec<ImageRecord>> {
    let (images, damaged) = ImageStore::new(&engine.paths).list_all()?;
    for (id, why) in damaged {
        engine.emit(super::events::Event::warning(super::events::WarningKind::Other, damaged_image_message(&id, &why)));
    }
    Ok(images)
}

fn damaged_image_message(id: &str, why: &str) -> String {
    format!(
        "image {} has a damaged record ({why}): remove it with `sangja rmi -f {id}`, or run `sangja system check --repair`",
        &id[..12.min(id.len())]
    )
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
    let image = match store.lookup(name) {
        Err(Error::ImageNotFound(n)) => return remove_damaged(engine, name).and_then(|r| r.ok_or(Error::ImageNotFound(n))),
        other => other?,
    };
    let mut out = Vec::new();
    let by_id = image.id.starts_with(name.trim_start_matches("sha256:"));
    if !by_id && image.names.len() > 1 {
        let full = image.names.iter().find(|n| name_matches(n, name)).cloned().unwrap_or_else(|| name.to_string());
        store.untag(&image.id, &full)?;
        super::events_log::image(engine, &image.id, &full, "untag");
        out.push(Removed::Untagged(full));
        return Ok(out);
    }
    let (removed_ctrs, _guard) = remove_users(engine, &image, force)?;
    // A mounted image (`image mount`) is unmounted first, as podman's rmi does:
    // its layers must not go from under a mount.
    super::image_mount::release(engine, &image.id)?;
    for n in &image.names {
        out.push(Removed::Untagged(n.clone()));
    }
    // Under the lock that found no user: a concurrent create checks that
    // its image exists under the same lock (run.rs `create`).
    store.remove_locked(&image.id)?;
    let _ = super::recover::sweep_locked(engine);
    drop(_guard);
    // vfs: the image's pristine copy goes with it (after the record: a kill
    // between leaves a copy of no image, which the next vfs create sweeps).
    if super::drivers::driver(engine) == super::drivers::Driver::Vfs {
        super::drivers::remove_pristine(&engine.paths, &image.id, true)?;
    }
    for n in &image.names {
        super::events_log::image(engine, &image.id, n, "untag");
    }
    super::events_log::image(engine, &image.id, image.names.first().map_or("", |n| n.as_str()), "remove");
    out.push(Removed::Deleted { id: image.id, containers: removed_ctrs });
    Ok(out)
}

/// rmi of a damaged record named by (a prefix of) its id: the record goes
/// (its layers, unknown now, are left to `system check --repair`).
fn remove_damaged(engine: &Engine, name: &str) -> Result<Option<Vec<Removed>>> {
    let store = ImageStore::new(&engine.paths);
    let want = name.trim_start_matches("sha256:");
    if want.len() < 3 {
        return Ok(None);
    }
    let (_, bad) = store.list_all()?;
    let hits: Vec<&(String, String)> = bad.iter().filter(|(id, _)| id.starts_with(want)).collect();
    let [(id, _)] = hits.as_slice() else { return Ok(None) };
    let _guard = crate::lock::exclusive(&engine.paths.store_lock())?;
    store.remove_locked(id)?;
    Ok(Some(vec![Removed::Deleted { id: id.clone(), containers: Vec::new() }]))
}

/// rmi's in-use check, ending with the store lock held and no container
/// using `image`: the check and the removal under one lock, so a container
/// created meanwhile either is seen here or finds the image gone. With
/// `force` the users are removed (outside the lock: rm takes it), then the
/// check runs again. Returns the removed containers' ids and the lock.
fn remove_users(engine: &Engine, image: &ImageRecord, force: bool) -> Result<(Vec<String>, crate::lock::Lock)> {
    let containers = ContainerStore::new(&engine.paths);
    let mut removed = Vec::new();
    for _ in 0..10 {
        let guard = crate::lock::exclusive(&engine.paths.store_lock())?;
        // An unfinished create is not a user; recovery removes it first.
        let _ = super::recover::sweep_locked(engine);
        let users: Vec<_> = containers.list()?.into_iter().filter(|c| c.config.image_id == image.id).collect();
        if users.is_empty() {
            return Ok((removed, guard));
        }
        if !force {
            let names: Vec<&str> = users.iter().map(|c| c.config.name.as_str()).collect();
            return Err(Error::InUse(format!(
                "image {} is in use by container(s) {}: remove them first (sangja rm) or use rmi -f",
                &image.id[..12],
                names.join(", ")
            )));
        }
        drop(guard);
        for c in users {
            super::containers::remove_one(engine, &c.config.id, true)?;
            removed.push(c.config.id);
        }
    }
    Err(Error::InUse(format!("image {} keeps getting new containers: try rmi -f again", &image.id[..12])))
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

/// The async runtime a registry conversation (pull, push, search, manifest
/// fetches) runs on: two workers, so several blobs move at once; rustls's
/// crypto provider chosen first (reqwest needs one installed).
pub(crate) fn registry_runtime() -> Result<tokio::runtime::Runtime> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Error::Registry(format!("cannot start the network runtime: {e}")))
}

/// The `config` object of an image's config blob as written, with the
/// docker-only fields (Healthcheck, Shell, OnBuild) that the record's OCI
/// configuration has no room for; Null when the blob cannot be read.
pub(crate) fn docker_config(engine: &Engine, image_id: &str) -> serde_json::Value {
    std::fs::read(engine.paths.blob_path(&format!("sha256:{image_id}")))
        .ok()
        .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
        .map(|mut raw| raw["config"].take())
        .unwrap_or_default()
}
