//! Volume use cases: create, list, remove, prune; and, for `run`/`create`,
//! naming anonymous volumes, creating volumes on first use, copying the
//! image's content into a new volume, and the spec mounts of all the user's
//! mount requests.

use super::rootview::{self, Source};
use super::Engine;
use crate::error::{Error, Result};
use crate::lock;
use nix::fcntl::OFlag;
pub use sangja_container::mounts::MountRequest;
use sangja_container::mounts::{self, READ_ONLY_TMPFS};
use sangja_container::record::{Container, ContainerStore};
use sangja_container::RunOptions;
use sangja_image::store::ImageRecord;
use sangja_storage::tree::{self, Owners};
pub use sangja_storage::volumes::Volume;
use sangja_storage::volumes::VolumeStore;
use std::collections::{BTreeMap, HashMap};
use std::os::fd::AsFd;

/// `volume create` options.
#[derive(Debug, Clone, Default)]
pub struct CreateOptions {
    /// None: a random 64-hex name, as podman.
    pub name: Option<String>,
    pub labels: BTreeMap<String, String>,
    /// The local driver's options: type, device, o.
    pub options: BTreeMap<String, String>,
    /// Succeed when the volume exists (podman's --ignore).
    pub ignore_existing: bool,
}

fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Nanos, true)
}

fn new_volume(name: String, labels: BTreeMap<String, String>, options: BTreeMap<String, String>, anonymous: bool) -> Volume {
    Volume { name, driver: "local".into(), created_at: now(), labels, options, anonymous, populated: false }
}

/// Creates a volume; returns it.
pub fn create(engine: &Engine, opts: CreateOptions) -> Result<Volume> {
    for k in opts.options.keys() {
        if !matches!(k.as_str(), "type" | "device" | "o") {
            return Err(Error::Invalid(format!("invalid mount option {k:?} for the local driver: use -o type=, -o device=, -o o=")));
        }
    }
    if opts.options.contains_key("type") != opts.options.contains_key("device") {
        return Err(Error::Invalid("the local driver needs -o type= and -o device= together (e.g. -o type=tmpfs -o device=tmpfs)".into()));
    }
    let store = VolumeStore::new(&engine.paths);
    let _guard = lock::exclusive(&engine.paths.store_lock())?;
    store.sweep();
    let name = opts.name.unwrap_or_else(crate::paths::random_id);
    if opts.ignore_existing {
        if let Some(v) = store.get(&name)? {
            return Ok(v);
        }
    }
    let v = new_volume(name, opts.labels, opts.options, false);
    store.create(&v)?;
    super::events_log::volume(engine, &v.name, "create");
    Ok(v)
}

/// Every volume with the ids of the containers (any state) that mount it.
pub fn list(engine: &Engine) -> Result<Vec<(Volume, Vec<String>)>> {
    let users = users(engine)?;
    let vols = VolumeStore::new(&engine.paths).list()?;
    Ok(vols
        .into_iter()
        .map(|v| {
            let u = users.get(&v.name).cloned().unwrap_or_default();
            (v, u)
        })
        .collect())
}

/// Volume name → ids of the containers that mount it.
pub fn users(engine: &Engine) -> Result<HashMap<String, Vec<String>>> {
    let mut out: HashMap<String, Vec<String>> = HashMap::new();
    for c in ContainerStore::new(&engine.paths).list()? {
        for m in &c.config.options.mounts {
            if let MountRequest::Volume { name, .. } = m {
                out.entry(name.clone()).or_default().push(c.config.id.clone());
            }
        }
    }
    Ok(out)
}

/// Removes a volume; one in use only with `force`, which removes its containers first (as podman).
pub fn remove(engine: &Engine, name: &str, force: bool) -> Result<()> {
    let store = VolumeStore::new(&engine.paths);
    store.lookup(name)?;
    let using = users(engine)?.remove(name).unwrap_or_default();
    if !using.is_empty() {
        if !force {
            let ids: Vec<&str> = using.iter().map(|i| &i[..12.min(i.len())]).collect();
            return Err(Error::InUse(format!(
                "volume {name} is being used by the following container(s): {}: volume is being used (remove them first, or use volume rm -f)",
                ids.join(", ")
            )));
        }
        for id in using {
            super::containers::remove_one(engine, &id, true)?;
        }
    }
    let _guard = lock::exclusive(&engine.paths.store_lock())?;
    // Re-checked under the lock: a container created meanwhile may have taken it.
    if !force && users(engine)?.contains_key(name) {
        return Err(Error::InUse(format!("volume {name} is being used: remove its containers first, or use volume rm -f")));
    }
    store.remove(name)?;
    super::events_log::volume(engine, name, "remove");
    Ok(())
}

/// Removes every volume no container uses; returns their names.
pub fn prune(engine: &Engine, filter_labels: &[(String, Option<String>)]) -> Result<Vec<String>> {
    let _guard = lock::exclusive(&engine.paths.store_lock())?;
    let used = users(engine)?;
    let store = VolumeStore::new(&engine.paths);
    let mut out = Vec::new();
    for v in store.list()? {
        let labels_ok = filter_labels.iter().all(|(k, val)| match val {
            Some(x) => v.labels.get(k) == Some(x),
            None => v.labels.contains_key(k),
        });
        if !used.contains_key(&v.name) && labels_ok {
            store.remove(&v.name)?;
            super::events_log::volume(engine, &v.name, "remove");
            out.push(v.name);
        }
    }
    Ok(out)
}

/// Removes the anonymous volumes of a removed container (`rm -v`, `run --rm`).
pub fn remove_anonymous(engine: &Engine, options: &RunOptions) -> Result<()> {
    for m in &options.mounts {
        if let MountRequest::Volume { anonymous: true, .. } = m {
            let _guard = lock::exclusive(&engine.paths.store_lock())?;
            return remove_anonymous_locked(engine, options);
        }
    }
    Ok(())
}

/// `remove_anonymous` with the store lock already held (create's undo and
/// the recovery of an unfinished create, engine/recover.rs).
pub fn remove_anonymous_locked(engine: &Engine, options: &RunOptions) -> Result<()> {
    let store = VolumeStore::new(&engine.paths);
    let mut in_use = None;
    for m in &options.mounts {
        if let MountRequest::Volume { name, anonymous: true, .. } = m {
            if name.is_empty() || store.get(name)?.is_none() {
                continue;
            }
            let in_use = match &mut in_use {
                Some(u) => u,
                None => in_use.insert(users(engine)?),
            };
            if !in_use.contains_key(name) {
                store.remove(name)?;
            }
        }
    }
    Ok(())
}

/// Adds the image's VOLUMEs the user did not mount as anonymous volumes and
/// names every anonymous volume: create writes the names into its
/// write-ahead record before `prepare` makes the volumes, so a kill in
/// between leaves volumes the recovery can find and remove.
pub fn name_anonymous(image: &ImageRecord, opts: &mut RunOptions) {
    let image_volumes: Vec<String> = image.config.config().as_ref().and_then(|c| c.volumes().clone()).unwrap_or_default();
    // `--image-volume`: bind (podman's default), tmpfs or ignore.
    let mode = opts.extra.image_volume.clone().unwrap_or_else(|| "bind".into());
    for dest in image_volumes {
        let taken = opts.mounts.iter().any(|m| m.destination().trim_end_matches('/') == dest.trim_end_matches('/'));
        if taken || !dest.starts_with('/') {
            continue;
        }
        match mode.as_str() {
            "ignore" => {}
            "tmpfs" => opts.mounts.push(MountRequest::Tmpfs { destination: dest, options: Vec::new() }),
            _ => opts.mounts.push(MountRequest::Volume {
                name: String::new(),
                destination: dest,
                readonly: false,
                anonymous: true,
                nocopy: false,
            }),
        }
    }
    for m in opts.mounts.iter_mut() {
        if let MountRequest::Volume { name, anonymous: true, .. } = m {
            if name.is_empty() {
                *name = crate::paths::random_id();
            }
        }
    }
}

/// For `run`/`create`, under the store lock: gives anonymous volumes (the
/// user's and the image's VOLUMEs) names, creates the missing volumes and
/// copies the image's content into the new ones. Checks bind sources.
pub fn prepare(engine: &Engine, image: &ImageRecord, opts: &mut RunOptions) -> Result<()> {
    name_anonymous(image, opts);
    let store = VolumeStore::new(&engine.paths);
    let mut created: Vec<String> = Vec::new();
    let result = (|| {
        for m in opts.mounts.iter_mut() {
            match m {
                MountRequest::Bind { source, .. } => {
                    if std::fs::metadata(&*source).is_err() {
                        return Err(Error::Invalid(format!(
                            "bind mount source {} does not exist: no such file or directory (create it first or fix the path)",
                            source.display()
                        )));
                    }
                }
                MountRequest::Volume { name, destination, anonymous, nocopy, .. } => {
                    if name.is_empty() {
                        *name = crate::paths::random_id();
                    }
                    let mut vol = match store.get(name)? {
                        Some(v) => v,
                        None => {
                            let v = new_volume(name.clone(), BTreeMap::new(), BTreeMap::new(), *anonymous);
                            store.create(&v)?;
                            created.push(name.clone());
                            v
                        }
                    };
                    if !vol.populated && vol.mount_type().is_none() {
                        if !*nocopy {
                            copy_up(engine, image, destination, &store.data_dir(name))?;
                        }
                        vol.populated = true;
                        store.save(&vol)?;
                    }
                }
                MountRequest::Tmpfs { .. } => {}
            }
        }
        Ok(())
    })();
    if result.is_err() {
        for n in created {
            let _ = store.remove(&n);
        }
    }
    result
}

/// Copies what the image has at `dest` into an empty volume folder, owners
/// and modes kept (docker's behaviour for a new volume). Nothing there: nothing to do.
fn copy_up(engine: &Engine, image: &ImageRecord, dest: &str, data: &std::path::Path) -> Result<()> {
    let not_empty = std::fs::read_dir(data).map(|mut d| d.next().is_some()).unwrap_or(false);
    if not_empty {
        return Ok(());
    }
    let (parent, name) = rootview::split_path(dest);
    let Some(name) = name else { return Ok(()) };
    let vol_dir = data.parent().map(|p| p.to_path_buf()).unwrap_or_default();
    // Copied beside _data and renamed over it when whole: a copy cut short by
    // kill -9 leaves _data empty, and the next use starts again.
    sangja_storage::overlay::remove_tree(&vol_dir.join(COPYING))?;
    rootview::with_root(engine, &Source::image(engine, image), |root| {
        let dir = match rootview::open_in_root(root, &parent, OFlag::O_RDONLY | OFlag::O_DIRECTORY) {
            Ok(d) => d,
            Err(nix::errno::Errno::ENOENT) | Err(nix::errno::Errno::ENOTDIR) => return Ok(()),
            Err(e) => return Err(Error::Runtime(format!("open {} in the image: {}", parent.display(), e.desc()))),
        };
        // Only a folder is copied into a volume; a file there is shadowed.
        match nix::sys::stat::fstatat(&dir, name.as_os_str(), nix::fcntl::AtFlags::AT_SYMLINK_NOFOLLOW) {
            Ok(st) if st.st_mode & libc::S_IFMT == libc::S_IFDIR => {}
            _ => return Ok(()),
        }
        let vd = tree::open_dir(&vol_dir)?;
        tree::copy(dir.as_fd(), &name, vd.as_fd(), std::ffi::OsStr::new(COPYING), Owners::Keep, std::path::Path::new(dest))?;
        nix::fcntl::renameat(&vd, COPYING, &vd, "_data")
            .map_err(|e| Error::Runtime(format!("put the copy of {dest} in place in volume {}: {}", vol_dir.display(), e.desc())))
    })
}

/// Where copy-up writes before the rename.
const COPYING: &str = "_data.copying";

/// Adds the mounts of `opts` to a built spec, and `--read-only`.
pub fn apply_to_spec(engine: &Engine, opts: &RunOptions, mut spec: oci_spec::runtime::Spec) -> Result<oci_spec::runtime::Spec> {
    let store = VolumeStore::new(&engine.paths);
    let mut extra = Vec::new();
    if opts.read_only && opts.read_only_tmpfs {
        for d in READ_ONLY_TMPFS {
            if !opts.mounts.iter().any(|m| m.destination().trim_end_matches('/') == d) {
                let mut m = oci_spec::runtime::Mount::default();
                m.set_destination(d.into());
                m.set_typ(Some("tmpfs".into()));
                m.set_source(Some("tmpfs".into()));
                m.set_options(Some(["rw", "rprivate", "nosuid", "nodev", "tmpcopyup"].iter().map(|s| s.to_string()).collect()));
                extra.push(m);
            }
        }
    }
    for m in &opts.mounts {
        let oci = match m {
            MountRequest::Volume { name, readonly, destination, .. } => {
                let vol = store.lookup(name)?;
                match vol.mount_type() {
                    Some(typ) => driver_mount(&vol, typ, destination, *readonly),
                    None => mounts::to_oci(m, Some(&store.data_dir(name)))?,
                }
            }
            _ => mounts::to_oci(m, None)?,
        };
        extra.push(oci);
    }
    let mut all = spec.mounts().clone().unwrap_or_default();
    // A user mount replaces a default one at the same path (podman lets -v override /etc/hosts...).
    all.retain(|d| !extra.iter().any(|e| e.destination() == d.destination()));
    all.extend(extra);
    spec.set_mounts(Some(all));
    if opts.read_only {
        if let Some(root) = spec.root_mut() {
            root.set_readonly(Some(true));
        }
    }
    Ok(spec)
}

/// A local-driver volume with `-o type=...,device=...,o=...`: mounted as that
/// file system (tmpfs...), or bound from `device` with `o=bind`.
fn driver_mount(vol: &Volume, typ: &str, dest: &str, readonly: bool) -> oci_spec::runtime::Mount {
    let device = vol.options.get("device").cloned().unwrap_or_else(|| typ.to_string());
    let mut o: Vec<String> =
        vol.options.get("o").map(|o| o.split(',').filter(|x| !x.is_empty()).map(str::to_string).collect()).unwrap_or_default();
    let bind = o.iter().any(|x| x == "bind" || x == "rbind") || typ == "none";
    if readonly {
        o.push("ro".into());
    }
    let mut m = oci_spec::runtime::Mount::default();
    m.set_destination(dest.into());
    m.set_typ(Some(if bind { "bind".to_string() } else { typ.to_string() }));
    if bind && !o.iter().any(|x| x == "bind" || x == "rbind") {
        o.insert(0, "rbind".into());
    }
    m.set_source(Some(device.into()));
    m.set_options(Some(o));
    m
}

/// The containers that use volume `name` (for inspect and errors).
pub fn containers_using(engine: &Engine, name: &str) -> Result<Vec<Container>> {
    Ok(ContainerStore::new(&engine.paths)
        .list()?
        .into_iter()
        .filter(|c| c.config.options.mounts.iter().any(|m| matches!(m, MountRequest::Volume { name: n, .. } if n == name)))
        .collect())
}

/// The mount requests of `-v`, `--mount` and `--tmpfs`, in that order;
/// two at one destination are an error.
pub fn parse_requests(volumes: &[String], mount: &[String], tmpfs: &[String]) -> Result<Vec<MountRequest>> {
    let mut out = Vec::new();
    for v in volumes {
        out.push(mounts::parse_volume(v)?);
    }
    for m in mount {
        out.push(mounts::parse_mount(m)?);
    }
    for t in tmpfs {
        out.push(mounts::parse_tmpfs(t)?);
    }
    mounts::check_duplicates(&out)?;
    Ok(out)
}

/// The names of every volume (`volume rm --all`).
pub fn names(engine: &Engine) -> Result<Vec<String>> {
    Ok(VolumeStore::new(&engine.paths).list()?.into_iter().map(|v| v.name).collect())
}

/// Whether volume `name` exists (`volume exists`).
pub fn exists(engine: &Engine, name: &str) -> Result<bool> {
    Ok(VolumeStore::new(&engine.paths).get(name)?.is_some())
}
