//! The repairs a scan's findings ask for (`system check --repair`).

use super::*;

/// Removes a file or a folder; gone already is fine.
fn remove_path(p: &Path) -> Result<()> {
    match fs::symlink_metadata(p) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(Error::io_path("inspect", p, e)),
        Ok(m) if m.is_dir() => sangja_storage::remove_tree(p),
        Ok(_) => match fs::remove_file(p) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(Error::io_path("remove", p, e)),
            _ => Ok(()),
        },
    }
}

/// A stand-in record for a container folder whose config cannot be read:
/// enough for ContainerStore::delete, which needs only its id and folder.
fn stand_in(engine: &Engine, id: &str) -> Container {
    let config = ContainerConfig {
        id: id.to_string(),
        name: String::new(),
        image_id: String::new(),
        image_name: String::new(),
        command: Vec::new(),
        created: String::new(),
        options: Default::default(),
    };
    Container { config, state: ContainerState::default(), dir: engine.paths.containers_dir().join(id) }
}

/// Repairs in an order where each step's removal path can still read what it needs:
/// leftovers; unreadable records (which break the lists the rm sequences read);
/// containers; images; layers; blobs; volumes; networks.
pub(super) fn repair(engine: &Engine, req: &CheckRequest, report: &mut CheckReport) {
    let mut order: Vec<Finding> = report.found.clone();
    let rank = |f: &Finding| match &f.action {
        Action::RemovePath(_) if f.kind == Kind::Leftover => 0,
        Action::RemoveContainer { parsed: false, .. } => 1,
        Action::RemoveImage { parsed: false, .. } => 2,
        Action::RemoveContainer { .. } => 3,
        Action::RemoveImage { .. } => 4,
        Action::RemoveLayer(_) => 5,
        Action::RemovePath(_) => 6,
        _ => 7,
    };
    order.sort_by_key(|f| rank(f));
    // Layers of images repair keeps (in use, no --force) stay with them.
    let mut kept_images: HashSet<String> = HashSet::new();
    let store = ContainerStore::new(&engine.paths);
    for f in order {
        let done = |what: &str| Repair { kind: f.kind, id: f.id.clone(), done: what.to_string(), orphan: f.orphan };
        let result: Result<Option<Repair>> = match &f.action {
            Action::RemovePath(p) => remove_path(p).map(|_| Some(done("deleted"))),
            Action::RemoveContainer { running: true, .. } => {
                report.kept.push(Kept { kind: f.kind, id: f.id.clone(), why: "it is running: stop it, then repair again".into() });
                Ok(None)
            }
            Action::RemoveContainer { parsed: false, .. } => (|| {
                let _guard = lock::exclusive(&engine.paths.store_lock())?;
                // A create cut short names its anonymous volumes in its
                // write-ahead record: recover undoes it whole (volumes, then
                // the folder); what it leaves is deleted below.
                let _ = crate::recover::sweep_locked(engine);
                let c = stand_in(engine, &f.id);
                if !c.dir.exists() {
                    return Ok(Some(done("deleted")));
                }
                store.delete(&c)?;
                drop(_guard);
                crate::network::cleanup(engine, &f.id);
                Ok(Some(done("deleted")))
            })(),
            Action::RemoveContainer { parsed: true, .. } => match crate::containers::remove_one(engine, &f.id, false) {
                Ok(_) | Err(Error::ContainerNotFound(_)) => Ok(Some(done("deleted"))),
                Err(e) => Err(e),
            },
            Action::RemoveImage { users, .. } if !users.is_empty() && !req.force => {
                kept_images.insert(f.id.clone());
                let names: Vec<&str> = users.iter().map(|u| short(u)).collect();
                report.kept.push(Kept {
                    kind: f.kind,
                    id: f.id.clone(),
                    why: format!("container(s) {} use it: remove them, or repair with --force", names.join(", ")),
                });
                Ok(None)
            }
            Action::RemoveImage { parsed: false, users } => (|| {
                for u in users {
                    match crate::containers::remove_one(engine, u, true) {
                        Ok(_) | Err(Error::ContainerNotFound(_)) => {}
                        Err(e) => return Err(e),
                    }
                }
                let _guard = lock::exclusive(&engine.paths.store_lock())?;
                remove_path(&engine.paths.images_dir().join(format!("{}.json", f.id)))?;
                drop(_guard);
                if crate::drivers::driver(engine) == crate::drivers::Driver::Vfs {
                    crate::drivers::remove_pristine(&engine.paths, &f.id, true)?;
                }
                Ok(Some(done("deleted")))
            })(),
            Action::RemoveImage { parsed: true, .. } => match crate::images::remove(engine, &f.id, req.force) {
                Ok(_) | Err(Error::ImageNotFound(_)) => Ok(Some(done("deleted"))),
                Err(e) => Err(e),
            },
            Action::RemoveLayer(d) => (|| {
                let _guard = lock::exclusive(&engine.paths.store_lock())?;
                // Still wanted by an image repair kept, or (orphans) by one pulled meanwhile?
                let images = sangja_image::store::ImageStore::new(&engine.paths).list().unwrap_or_default();
                let wanted = images.iter().any(|i| i.layers.contains(d) && (f.orphan || kept_images.contains(&i.id)));
                if wanted {
                    return Ok(None);
                }
                LayerStore::new(&engine.paths).remove(d)?;
                Ok(Some(done("deleted")))
            })(),
            Action::AdoptVolume => (|| {
                let _guard = lock::exclusive(&engine.paths.store_lock())?;
                let vs = VolumeStore::new(&engine.paths);
                let v = Volume {
                    name: f.id.clone(),
                    driver: "local".into(),
                    created_at: record::now(),
                    labels: Default::default(),
                    options: Default::default(),
                    anonymous: false,
                    populated: true,
                };
                let data = vs.data_dir(&f.id);
                if !data.is_dir() {
                    fs::create_dir_all(&data).map_err(|e| Error::io_path("create", &data, e))?;
                }
                vs.save(&v)?;
                Ok(Some(done("rewrote the record of")))
            })(),
            Action::RemakeVolumeData => {
                let data = VolumeStore::new(&engine.paths).data_dir(&f.id);
                fs::create_dir_all(&data).map_err(|e| Error::io_path("create", &data, e)).map(|_| Some(done("remade the empty _data/ of")))
            }
            Action::RemoveVolume => (|| {
                let _guard = lock::exclusive(&engine.paths.store_lock())?;
                let users = store.list().map(|l| {
                    l.iter()
                        .any(|c| c.config.options.mounts.iter().any(|m| matches!(m, MountRequest::Volume { name, .. } if *name == f.id)))
                });
                if users.unwrap_or(true) {
                    return Ok(None);
                }
                VolumeStore::new(&engine.paths).remove(&f.id)?;
                Ok(Some(done("deleted")))
            })(),
            Action::RecordExit => (|| {
                let dir = engine.paths.containers_dir().join(&f.id);
                if !dir.join("config.json").exists() {
                    return Ok(None);
                }
                let config: ContainerConfig = crate::json_file::read(&dir.join("config.json"))?;
                let mut c = Container { config, state: ContainerState::default(), dir };
                // A start holds this lock until the new pid is recorded.
                let _starting = c.start_lock()?;
                c.state = crate::json_file::read_opt(&c.dir.join("state.json"))?.unwrap_or_default();
                let gone =
                    |s: &ContainerState| !record::same_process(s.pid, s.pid_start) && !record::same_process(s.monitor_pid, s.monitor_start);
                if !c.is_running() || !gone(&c.state) {
                    return Ok(None);
                }
                c.mark_exited(-1)?;
                Ok(Some(done("recorded the exit of")))
            })(),
            Action::RemoveNetwork(p) => (|| {
                let ns = NetworkStore::new(&engine.paths.root);
                ns.ensure()?;
                let _guard = lock::exclusive(&ns.lock_path())?;
                remove_path(p)?;
                Ok(Some(done("deleted")))
            })(),
        };
        match result {
            Ok(Some(r)) => report.repaired.push(r),
            Ok(None) => {}
            Err(e) => report.errors.push(format!("{} {}: {e}", f.kind.as_str(), f.id)),
        }
    }
    // Half-done work the layer and volume stores know how to sweep.
    let _ = LayerStore::new(&engine.paths).sweep();
    VolumeStore::new(&engine.paths).sweep();
}
