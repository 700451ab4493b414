//! The build cache: what a step made, found again by a key.
//!
//! How the key is made. Each step's key is sha256 over the previous step's
//! key (the chain: a miss busts every step after it, as docker and buildah
//! do; the first key is the base image's id) and the step's definition:
//! - metadata steps (ENV, LABEL, CMD, ...): the instruction with its
//!   variables expanded;
//! - RUN: the command, the values of the ARGs in scope (as buildah's
//!   `|N K=V /bin/sh -c ...` history line has them), its mounts and network;
//! - COPY/ADD: the flags, the destination and a content digest of every
//!   source: each entry's path, type, mode, owner given by --chown, link
//!   target and the sha256 of its contents. Not the mtime: touching a file
//!   does not bust the cache, changing a byte does.
//!
//! buildah keys on the history line with content digests (`COPY file:<sha>
//! in /dst`); BuildKit on the operation's definition and its inputs'
//! checksums; this is the same idea, one key per step.
//!
//! An entry is a small JSON file under the store (build-cache/<key>.json,
//! written under the store lock): the stage's state after the step (the
//! image config, the layer digests and the SHELL). A hit reuses the layers
//! in place (no copy); an entry whose layers are gone (an rmi took them)
//! is a miss.

use super::super::Engine;
use crate::error::Result;
use crate::lock;
use oci_spec::image::ImageConfiguration;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::PathBuf;

/// A stage's state after a step: what a cache entry keeps.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct State {
    pub config: ImageConfiguration,
    /// Layer blob digests, bottom first.
    pub layers: Vec<String>,
    /// `SHELL` (not in an OCI config).
    pub shell: Vec<String>,
    /// `HEALTHCHECK` as docker writes it (`{"Test": [...], "Interval": ns, ...}`;
    /// not in an OCI config: written with `--format docker` only, as podman).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub healthcheck: Option<serde_json::Value>,
    /// `ONBUILD` triggers (docker's `OnBuild`; `--format docker` only).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub onbuild: Vec<String>,
    /// How many of `layers` the stage's base image had (`--squash` squashes the others).
    #[serde(default)]
    pub base_layers: usize,
    /// The chain key of the step that made this state (hex).
    pub key: String,
}

/// The next key of the chain.
pub fn key(parent: &str, parts: &[&str]) -> String {
    let mut h = Sha256::new();
    h.update(parent.as_bytes());
    for p in parts {
        h.update([0u8]);
        h.update(p.as_bytes());
    }
    hex::encode(h.finalize())
}

fn dir(engine: &Engine) -> PathBuf {
    engine.paths.root.join("build-cache")
}

/// The state cached under `key`, if whole.
pub fn get(engine: &Engine, key: &str) -> Result<Option<State>> {
    let p = dir(engine).join(format!("{key}.json"));
    let Ok(Some(state)) = crate::json_file::read_opt::<State>(&p) else { return Ok(None) };
    let layers = sangja_storage::layers::LayerStore::new(&engine.paths);
    if state.layers.iter().all(|d| layers.has(d)) {
        Ok(Some(state))
    } else {
        Ok(None)
    }
}

/// The cache entries (path, state; None when unreadable).
fn entries(engine: &Engine) -> Vec<(PathBuf, Option<State>)> {
    let d = dir(engine);
    let Ok(rd) = std::fs::read_dir(&d) else { return Vec::new() };
    rd.flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .map(|p| {
            let s = crate::json_file::read_opt::<State>(&p).ok().flatten();
            (p, s)
        })
        .collect()
}

/// The entries that can never hit again: unreadable, or naming a layer
/// that is gone (an rmi or a prune took it). `system check` reports them.
pub fn stale(engine: &Engine) -> Vec<PathBuf> {
    let layers = sangja_storage::layers::LayerStore::new(&engine.paths);
    entries(engine)
        .into_iter()
        .filter(|(_, s)| s.as_ref().is_none_or(|s| !s.layers.iter().all(|d| layers.has(d))))
        .map(|(p, _)| p)
        .collect()
}

/// The layers the cache's entries name (`system check` counts them as used).
pub fn layers_in_use(engine: &Engine) -> std::collections::HashSet<String> {
    entries(engine).into_iter().filter_map(|(_, s)| s).flat_map(|s| s.layers).collect()
}

/// Removes the stale entries (under the store lock), so the cache does not
/// grow without bound as the layers it named go; returns how many went.
pub fn sweep(engine: &Engine) -> Result<usize> {
    let _guard = lock::exclusive(&engine.paths.store_lock())?;
    let gone = stale(engine);
    for p in &gone {
        let _ = std::fs::remove_file(p);
    }
    Ok(gone.len())
}

/// `image prune` / `system prune`: every entry goes, and with them the
/// layers only the cache kept (no image names them). Returns how many
/// entries went. A build running meanwhile may miss where it would have hit.
pub fn prune(engine: &Engine) -> Result<usize> {
    let _guard = lock::exclusive(&engine.paths.store_lock())?;
    let all = entries(engine);
    let images = sangja_image::store::ImageStore::new(&engine.paths).list().unwrap_or_default();
    let kept: std::collections::HashSet<&String> = images.iter().flat_map(|i| i.layers.iter()).collect();
    let layers = sangja_storage::layers::LayerStore::new(&engine.paths);
    let mut cached: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
    for (p, s) in &all {
        if let Some(s) = s {
            cached.extend(s.layers.iter().cloned());
        }
        let _ = std::fs::remove_file(p);
    }
    for d in cached.iter().filter(|d| !kept.contains(d)) {
        if layers.has(d) {
            layers.remove(d)?;
        }
    }
    Ok(all.len())
}

/// Records `state` under its key.
pub fn put(engine: &Engine, state: &State) -> Result<()> {
    let d = dir(engine);
    std::fs::create_dir_all(&d).map_err(|e| crate::error::Error::io_path("create", &d, e))?;
    let _guard = lock::exclusive(&engine.paths.store_lock())?;
    crate::json_file::write(&d.join(format!("{}.json", state.key)), state)
}
