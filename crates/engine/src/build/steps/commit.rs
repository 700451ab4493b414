//! The final stage saved as the image, and --squash / --squash-all.

use super::*;

impl Builder<'_> {
    /// Saves the final stage as the image.
    pub(in crate::build) fn commit(&mut self, mut state: State, label: Option<(usize, usize)>) -> Result<(String, Vec<String>)> {
        let names: Vec<String> = self.req.tags.iter().map(|t| crate::commit::normalize_local_name(t)).collect::<Result<_>>()?;
        (self.events)(BuildEvent::Commit { stage: label, name: self.req.tags.first().cloned().unwrap_or_default() });
        let mut c = config_of(&state.config);
        if !self.req.labels.is_empty() {
            let mut l = c.labels().clone().unwrap_or_default();
            l.extend(self.req.labels.iter().cloned());
            c.set_labels(Some(l));
        }
        state.config.set_config(Some(c));
        if self.req.squash_all {
            state = self.squash_all(state)?;
        } else if self.req.squash && state.layers.len() > state.base_layers + 1 {
            state = self.squash_new(state)?;
        }
        // The image's time is its last step's, so an unchanged build makes the same id.
        let last = state.config.history().as_ref().and_then(|h| h.last()).and_then(|h| h.created().clone());
        let created = match self.req.timestamp {
            Some(t) => chrono::DateTime::from_timestamp(t, 0)
                .map(|d| d.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
                .ok_or_else(|| Error::Invalid(format!("--timestamp {t}: out of range")))?,
            None => last.unwrap_or_else(now),
        };
        if self.req.timestamp.is_some() {
            let mut h = state.config.history().clone().unwrap_or_default();
            for e in &mut h {
                e.set_created(Some(created.clone()));
            }
            state.config.set_history(Some(h));
        }
        state.config.set_created(Some(created));
        let store = LayerStore::new(&self.engine.paths);
        let size = state.layers.iter().filter_map(|d| store.info(d).ok()).map(|i| i.size).sum();
        let descs = crate::commit::stored_layer_descriptors(self.engine, &state.layers, self.req.docker_format)?;
        // SHELL, HEALTHCHECK and ONBUILD: docker's config has fields for them,
        // OCI's has none (podman writes them with --format docker only).
        let mut extra = serde_json::Map::new();
        if self.req.docker_format {
            if let Some(h) = &state.healthcheck {
                extra.insert("Healthcheck".into(), h.clone());
            }
            if !state.onbuild.is_empty() {
                extra.insert("OnBuild".into(), serde_json::json!(state.onbuild));
            }
            if !state.shell.is_empty() {
                extra.insert("Shell".into(), serde_json::json!(state.shell));
            }
        }
        let how = crate::commit::SaveAs {
            names: names.clone(),
            docker: self.req.docker_format,
            annotations: self.req.annotations.clone(),
            extra_config: extra,
        };
        let id = crate::commit::save_image_as(self.engine, state.config, state.layers, descs, size, &how)?;
        (self.events)(BuildEvent::Committed(short(&id)));
        for n in &names {
            (self.events)(BuildEvent::Tagged(n.clone()));
        }
        Ok((id, names))
    }

    /// `--squash`: the layers this build made on top of its base as one
    /// (the base's stay as they are), as buildah: the history keeps every
    /// entry, those of the squashed layers marked empty, and the last
    /// entry carries the one new layer.
    fn squash_new(&mut self, mut state: State) -> Result<State> {
        let store = LayerStore::new(&self.engine.paths);
        let base = state.base_layers.min(state.layers.len());
        let merged = Tree::Layers(state.layers.iter().rev().map(|d| store.diff_dir(d)).collect());
        let lower = Tree::Layers(state.layers[..base].iter().rev().map(|d| store.diff_dir(d)).collect());
        let new_dirs: Vec<std::path::PathBuf> = state.layers[base..].iter().map(|d| store.diff_dir(d)).collect();
        let mut plan = Plan::default();
        // What the new layers hold, as the merged tree shows it.
        let mut all = Vec::new();
        merged.walk("", &mut all, 0);
        for p in &all {
            let Some((host, _)) = merged.entry(p) else { continue };
            if new_dirs.iter().any(|d| host.starts_with(d)) {
                plan.add_one(&merged, p)?;
            }
        }
        // What the base has and they removed: whiteouts (the topmost only).
        let mut below = Vec::new();
        lower.walk("", &mut below, 0);
        for p in &below {
            if merged.entry(p).is_none() && !plan.whiteouts.iter().any(|w| p.starts_with(&format!("{w}/"))) {
                plan.whiteouts.push(p.clone());
            }
        }
        plan.entries.remove("");
        plan.add_parents(&merged, Attrs { keep_owner: true, ..Attrs::default() });
        let (layer, _) = crate::commit::layer_from_tar(self.engine, "build", |w| plan.write_tar(w))?;
        let mut ids = state.config.rootfs().diff_ids()[..base.min(state.config.rootfs().diff_ids().len())].to_vec();
        ids.push(layer.diff_id.clone());
        let mut rootfs = state.config.rootfs().clone();
        rootfs.set_diff_ids(ids);
        state.config.set_rootfs(rootfs);
        let mut history = state.config.history().clone().unwrap_or_default();
        let mut seen = 0;
        for h in history.iter_mut() {
            if !h.empty_layer().unwrap_or(false) {
                seen += 1;
                if seen > base {
                    h.set_empty_layer(Some(true));
                }
            }
        }
        if let Some(last) = history.last_mut() {
            last.set_empty_layer(None);
        }
        state.config.set_history(Some(history));
        state.layers.truncate(base);
        state.layers.push(layer.digest);
        Ok(state)
    }

    /// `--squash-all`: every layer as one.
    fn squash_all(&mut self, mut state: State) -> Result<State> {
        let layers = LayerStore::new(&self.engine.paths);
        let tree = Tree::Layers(state.layers.iter().rev().map(|d| layers.diff_dir(d)).collect());
        let mut plan = Plan::default();
        plan.copy_tree_keep(&tree, "", "", 0)?;
        plan.entries.remove("");
        let (layer, _) = crate::commit::layer_from_tar(self.engine, "build", |w| plan.write_tar(w))?;
        let mut rootfs = state.config.rootfs().clone();
        rootfs.set_diff_ids(vec![layer.diff_id.clone()]);
        state.config.set_rootfs(rootfs);
        let mut h = History::default();
        h.set_created(Some(now()));
        h.set_created_by(Some("/bin/sh -c #(nop) squashed".into()));
        state.config.set_history(Some(vec![h]));
        state.layers = vec![layer.digest];
        Ok(state)
    }
}
