//! The scan: every part of the store read and checked, nothing changed.

use super::*;

/// Looks at the whole store; the caller holds the store lock.
pub(super) fn scan(engine: &Engine, req: &CheckRequest) -> Result<(Counts, Vec<Finding>)> {
    let paths = &engine.paths;
    let mut counts = Counts::default();
    let mut out = Vec::new();

    // Leftovers in tmp/.
    for name in crate::paths::entry_names(&paths.tmp_dir())? {
        let dead = (name.starts_with("rm-") || name.starts_with("layer-")) && !pid_alive(tmp_name_pid(&name));
        if dead {
            let p = paths.tmp_dir().join(&name);
            out.push(finding(
                Kind::Leftover,
                p.display().to_string(),
                vec!["half-done work of a process that is gone".into()],
                Action::RemovePath(p),
            ));
        }
    }

    // Build-cache entries that can never hit again (build/cache.rs).
    for p in crate::build::stale_cache_entries(engine) {
        out.push(finding(
            Kind::Leftover,
            p.display().to_string(),
            vec!["a build-cache entry whose layers are gone (or unreadable)".into()],
            Action::RemovePath(p),
        ));
    }

    // Image records (read first: they say which blobs and layers are used).
    let images_dir = paths.images_dir();
    let mut images: Vec<ImageRecord> = Vec::new();
    let mut image_findings: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut garbage_images: Vec<String> = Vec::new();
    for name in crate::paths::entry_names(&images_dir)? {
        if let Some(f) = dot_tmp_leftover(&images_dir, &name) {
            out.push(f);
            continue;
        }
        let Some(id) = name.strip_suffix(".json").filter(|id| is_full_id(id)) else { continue };
        counts.images += 1;
        match crate::json_file::read::<ImageRecord>(&images_dir.join(&name)) {
            Ok(r) if r.id == id => images.push(r),
            Ok(r) => {
                image_findings.entry(id.to_string()).or_default().push(format!("its record names another id ({})", short(&r.id)));
                garbage_images.push(id.to_string());
            }
            Err(e) => {
                image_findings.entry(id.to_string()).or_default().push(format!("its record cannot be read: {e}"));
                garbage_images.push(id.to_string());
            }
        }
    }

    // Blobs.
    let mut bad_blobs: HashSet<String> = HashSet::new();
    let used_blobs: HashSet<String> = images.iter().flat_map(|i| [format!("sha256:{}", i.id), i.digest.clone()]).collect();
    let blob_dir = paths.blobs_dir().join("sha256");
    for name in crate::paths::entry_names(&blob_dir)? {
        if let Some(f) = dot_tmp_leftover(&blob_dir, &name) {
            out.push(f);
            continue;
        }
        if !is_full_id(&name) {
            continue;
        }
        counts.blobs += 1;
        let p = blob_dir.join(&name);
        let digest = format!("sha256:{name}");
        let size = fs::metadata(&p).map(|m| m.len()).unwrap_or(0);
        if !req.quick || size <= QUICK_BLOB_LIMIT {
            let problem = match sha256_file(&p) {
                Ok(h) if h == name => None,
                Ok(h) => Some(format!("its content hashes to sha256:{h}, not its name")),
                Err(e) => Some(format!("it cannot be read: {e}")),
            };
            if let Some(problem) = problem {
                bad_blobs.insert(digest.clone());
                out.push(finding(Kind::Blob, digest, vec![problem], Action::RemovePath(p)));
                continue;
            }
        }
        if !used_blobs.contains(&digest) && age(&p) >= req.max_age {
            out.push(orphan(Kind::Blob, digest, "no image uses it".into(), Action::RemovePath(p)));
        }
    }

    // Layers.
    let layers_dir = paths.layers_dir();
    // The build cache's layers are used too (a later build reuses them).
    let cache_layers = crate::build::cache_layers(engine);
    let used_layers: HashSet<&str> =
        images.iter().flat_map(|i| i.layers.iter().map(String::as_str)).chain(cache_layers.iter().map(String::as_str)).collect();
    let mut good_layers: HashSet<String> = HashSet::new();
    for name in crate::paths::entry_names(&layers_dir)? {
        if name.ends_with(".lock") || !is_full_id(&name) {
            continue;
        }
        counts.layers += 1;
        let dir = layers_dir.join(&name);
        let digest = format!("sha256:{name}");
        let json = dir.join("layer.json");
        let mut problems = Vec::new();
        if !json.exists() {
            problems.push("it has no layer.json: an extraction or a removal was cut short".to_string());
        } else {
            match crate::json_file::read::<LayerInfo>(&json) {
                Err(e) => problems.push(format!("its layer.json cannot be read: {e}")),
                Ok(info) if info.digest != digest => problems.push(format!("its layer.json names another layer ({})", info.digest)),
                Ok(info) => {
                    if !dir.join("diff").is_dir() {
                        problems.push("its diff/ folder is missing".into());
                    } else if !req.quick {
                        let have = content_size(&dir.join("diff"));
                        if have < info.size {
                            problems
                                .push(format!("its files hold {have} bytes of the {} recorded: some are missing or truncated", info.size));
                        }
                    }
                }
            }
        }
        if !problems.is_empty() {
            out.push(finding(Kind::Layer, digest, problems, Action::RemoveLayer(format!("sha256:{name}"))));
            continue;
        }
        good_layers.insert(digest.clone());
        if !used_layers.contains(digest.as_str()) && age(&json) >= req.max_age {
            out.push(orphan(Kind::Layer, digest.clone(), "no image uses it".into(), Action::RemoveLayer(digest)));
        }
    }

    // Image links.
    for i in &images {
        let problems = image_findings.entry(i.id.clone()).or_default();
        // A manifest list has no config: its record's digest is its index blob.
        let blobs = if crate::manifest::is_list(i) {
            vec![("index", i.digest.clone())]
        } else {
            vec![("config", format!("sha256:{}", i.id)), ("manifest", i.digest.clone())]
        };
        for (what, d) in blobs {
            if bad_blobs.contains(&d) {
                problems.push(format!("its {what} blob {d} is damaged"));
            } else if !paths.blob_path(&d).is_file() {
                problems.push(format!("its {what} blob {d} is missing"));
            }
        }
        for l in &i.layers {
            if !good_layers.contains(l) {
                problems.push(format!("its layer {l} is missing or damaged"));
            }
        }
    }

    // Containers.
    let ctr_dir = paths.containers_dir();
    let mut configs: Vec<ContainerConfig> = Vec::new();
    let mut image_users: HashMap<String, Vec<String>> = HashMap::new();
    let all_image_ids: HashSet<&str> = images.iter().map(|i| i.id.as_str()).chain(garbage_images.iter().map(String::as_str)).collect();
    let volume_store = VolumeStore::new(paths);
    let vfs = paths.driver == "vfs";
    for name in crate::paths::entry_names(&ctr_dir)? {
        let dir = ctr_dir.join(&name);
        if let Some(f) = dot_tmp_leftover(&ctr_dir, &name) {
            out.push(f);
            continue;
        }
        if !dir.is_dir() {
            continue;
        }
        counts.containers += 1;
        for inner in crate::paths::entry_names(&dir)? {
            if let Some(f) = dot_tmp_leftover(&dir, &inner) {
                out.push(f);
            }
        }
        let cfg_path = dir.join("config.json");
        if !cfg_path.exists() {
            out.push(finding(
                Kind::Container,
                name.clone(),
                vec!["its folder has no config.json: a create was cut short".into()],
                Action::RemoveContainer { parsed: false, running: false },
            ));
            continue;
        }
        let config = match crate::json_file::read::<ContainerConfig>(&cfg_path) {
            Ok(c) => c,
            Err(e) => {
                out.push(finding(
                    Kind::Container,
                    name.clone(),
                    vec![format!("its config cannot be read: {e}")],
                    Action::RemoveContainer { parsed: false, running: false },
                ));
                continue;
            }
        };
        let mut state = match crate::json_file::read_opt::<ContainerState>(&dir.join("state.json")) {
            Ok(s) => s.unwrap_or_default(),
            Err(e) => {
                out.push(finding(
                    Kind::Container,
                    name.clone(),
                    vec![format!("its state cannot be read: {e}")],
                    Action::RemoveContainer { parsed: false, running: false },
                ));
                continue;
            }
        };
        let recorded_running = state.status.as_str() == "running" || state.status.as_str() == "paused";
        record::reconcile(&mut state);
        let c = Container { config, state, dir: dir.clone() };
        if recorded_running && !c.is_running() {
            out.push(finding(
                Kind::Container,
                name.clone(),
                vec!["it is recorded as running, but its process and its monitor are gone".into()],
                Action::RecordExit,
            ));
        }
        let mut problems = Vec::new();
        if c.config.id != name {
            problems.push(format!("its config names another id ({})", short(&c.config.id)));
        }
        match crate::json_file::read_opt::<oci_spec::runtime::Spec>(&dir.join("spec.json")) {
            Ok(Some(_)) => {}
            Ok(None) => problems.push("its spec.json is missing: a create was cut short".into()),
            Err(e) => problems.push(format!("its spec cannot be read: {e}")),
        }
        if !all_image_ids.contains(c.config.image_id.as_str()) {
            problems.push(format!("its image {} is not in the store", short(&c.config.image_id)));
        }
        let own = if vfs { c.rootfs_dir() } else { c.upper_dir() };
        if !own.is_dir() {
            problems.push(format!("its writable layer {} is missing", own.display()));
        }
        for m in &c.config.options.mounts {
            if let MountRequest::Volume { name: v, .. } = m {
                if !volume_store.dir().join(v).is_dir() {
                    problems.push(format!("its volume {v} is missing"));
                }
            }
        }
        image_users.entry(c.config.image_id.clone()).or_default().push(c.config.id.clone());
        if !problems.is_empty() {
            out.push(finding(Kind::Container, name, problems, Action::RemoveContainer { parsed: true, running: c.is_running() }));
        }
        configs.push(c.config);
    }

    // Image findings, now that their users are known.
    for (id, problems) in image_findings {
        if problems.is_empty() {
            continue;
        }
        let parsed = !garbage_images.contains(&id);
        let users = image_users.get(&id).cloned().unwrap_or_default();
        out.push(finding(Kind::Image, id, problems, Action::RemoveImage { parsed, users }));
    }

    // Volumes.
    let mut vol_users: HashSet<&str> = HashSet::new();
    for c in &configs {
        for m in &c.options.mounts {
            if let MountRequest::Volume { name, .. } = m {
                vol_users.insert(name.as_str());
            }
        }
    }
    let vdir = volume_store.dir();
    for name in crate::paths::entry_names(&vdir)? {
        if name.starts_with(".tmp-") {
            if let Some(f) = dot_tmp_leftover(&vdir, &name) {
                out.push(f);
            }
            continue;
        }
        if name.starts_with('.') || !vdir.join(&name).is_dir() {
            continue;
        }
        counts.volumes += 1;
        let json = vdir.join(&name).join("volume.json");
        match crate::json_file::read_opt::<Volume>(&json) {
            Ok(None) => out.push(finding(Kind::Volume, name, vec!["its volume.json is missing".into()], Action::AdoptVolume)),
            Err(e) => out.push(finding(Kind::Volume, name, vec![format!("its record cannot be read: {e}")], Action::AdoptVolume)),
            Ok(Some(v)) => {
                if v.mount_type().is_none() && !volume_store.data_dir(&name).is_dir() {
                    out.push(finding(Kind::Volume, name, vec!["its _data/ folder is missing".into()], Action::RemakeVolumeData));
                } else if v.anonymous && !vol_users.contains(name.as_str()) {
                    out.push(orphan(
                        Kind::Volume,
                        name,
                        "an anonymous volume no container uses (its container's removal was cut short)".into(),
                        Action::RemoveVolume,
                    ));
                }
            }
        }
    }

    // Networks.
    let net_dir = paths.root.join("networks");
    for name in crate::paths::entry_names(&net_dir)? {
        if let Some(f) = dot_tmp_leftover(&net_dir, &name) {
            out.push(f);
            continue;
        }
        let Some(n) = name.strip_suffix(".json").filter(|n| !n.starts_with('.')) else { continue };
        counts.networks += 1;
        let p = net_dir.join(&name);
        match crate::json_file::read::<NetworkRecord>(&p) {
            Ok(r) if r.name == n => {}
            Ok(r) => out.push(finding(
                Kind::Network,
                n,
                vec![format!("its record names another network ({})", r.name)],
                Action::RemoveNetwork(p),
            )),
            Err(e) => out.push(finding(Kind::Network, n, vec![format!("its record cannot be read: {e}")], Action::RemoveNetwork(p))),
        }
    }
    out.sort_by(|a, b| (a.kind, &a.id).cmp(&(b.kind, &b.id)));
    Ok((counts, out))
}
