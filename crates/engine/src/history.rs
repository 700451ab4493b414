//! `history` and `image tree`: an image's layers as the config's history
//! tells them, and the layers it shares with other images.
//!
//! A layer is known by the id podman's layer store gives it (the first
//! layer's diff id, then the hex sha256 of "PARENT-ID+DIFF-ID-HEX", as
//! containers/image names pulled layers), so two images share a layer exactly
//! when podman would say they do, and the ids shown are podman's.

use super::Engine;
use crate::error::Result;
use sangja_image::store::{ImageRecord, ImageStore};
use sangja_storage::layers::LayerStore;
use serde::Serialize;
use sha2::{Digest, Sha256};

/// One row of `history`, newest first.
#[derive(Debug, Clone, Serialize)]
pub struct HistoryRow {
    /// The id of the image whose top layer this is, else "<missing>".
    pub id: String,
    /// RFC 3339, as in the config.
    pub created: Option<String>,
    pub created_by: String,
    /// Bytes of the uncompressed tar of the layer this entry made (0 for an empty layer).
    pub size: u64,
    pub comment: String,
    /// Names of the images whose top layer this is.
    pub tags: Vec<String>,
}

/// podman's ids of an image's layers (64 hex), bottom first; each identifies
/// the layer together with everything below it.
pub fn chain_ids(engine: &Engine, img: &ImageRecord) -> Vec<String> {
    let layers = LayerStore::new(&engine.paths);
    let diff_ids: Vec<String> = img.config.rootfs().diff_ids().clone();
    let mut out: Vec<String> = Vec::new();
    for (i, blob) in img.layers.iter().enumerate() {
        let diff = diff_ids.get(i).cloned().or_else(|| layers.info(blob).ok().map(|l| l.diff_id)).unwrap_or_else(|| blob.clone());
        let diff = diff.trim_start_matches("sha256:").to_string();
        let chain = match out.last() {
            None => diff,
            Some(parent) => hex::encode(Sha256::digest(format!("{parent}+{diff}").as_bytes())),
        };
        out.push(chain);
    }
    out
}

/// The images (other than lists) with their chain ids.
fn all_chains(engine: &Engine) -> Result<Vec<(ImageRecord, Vec<String>)>> {
    let images = ImageStore::new(&engine.paths).list()?;
    Ok(images.into_iter().filter(|i| !super::manifest::is_list(i)).map(|i| (i.clone(), chain_ids(engine, &i))).collect())
}

/// `history IMAGE`: one row per history entry of the config, newest first.
pub fn history(engine: &Engine, name: &str) -> Result<Vec<HistoryRow>> {
    let img = ImageStore::new(&engine.paths).lookup(name)?;
    let layers = LayerStore::new(&engine.paths);
    let chains = chain_ids(engine, &img);
    let all = all_chains(engine)?;
    let tops_of = |chain: &str| -> Vec<&ImageRecord> {
        all.iter().filter(|(_, c)| c.last().map(String::as_str) == Some(chain)).map(|(i, _)| i).collect()
    };
    let entries = img.config.history().clone().unwrap_or_default();
    let mut out = Vec::new();
    // The layer the current (newest-first) entry belongs to; None below the bottom.
    let mut layer = img.layers.len().checked_sub(1);
    let mut used = std::collections::HashSet::new();
    for (x, h) in entries.iter().enumerate().rev() {
        let empty = h.empty_layer().unwrap_or(false);
        let mut row = HistoryRow {
            id: if x + 1 == entries.len() { img.id.clone() } else { "<missing>".into() },
            created: h.created().clone(),
            created_by: h.created_by().clone().unwrap_or_default(),
            size: 0,
            comment: h.comment().clone().unwrap_or_default(),
            tags: Vec::new(),
        };
        if let Some(k) = layer {
            if !empty {
                // podman's size: the layer's uncompressed tar, not its files.
                row.size = layers.tar_size(&img.layers[k]).or_else(|_| layers.info(&img.layers[k]).map(|l| l.size)).unwrap_or(0);
            }
            let owners = tops_of(&chains[k]);
            if let Some(first) = owners.first() {
                if used.insert(first.id.clone()) {
                    row.id = first.id.clone();
                }
                row.tags = owners.iter().flat_map(|i| i.names.clone()).collect();
            }
            if !empty {
                layer = k.checked_sub(1);
            }
        }
        out.push(row);
    }
    Ok(out)
}

/// One layer of `image tree`.
#[derive(Debug, Clone, Serialize)]
pub struct TreeLayer {
    /// The chain id.
    pub id: String,
    pub size: u64,
    /// Names (or short ids, for unnamed images) of the images whose top layer this is.
    pub top_layer_of: Vec<String>,
}

/// `image tree IMAGE`: the image and its layers, bottom first.
#[derive(Debug, Clone, Serialize)]
pub struct Tree {
    pub id: String,
    pub names: Vec<String>,
    pub size: u64,
    pub layers: Vec<TreeLayer>,
}

/// `image tree [--whatrequires] IMAGE`: the image's layers, or (whatrequires)
/// its top layer and the layers of every image built on it.
pub fn tree(engine: &Engine, name: &str, whatrequires: bool) -> Result<Tree> {
    let img = ImageStore::new(&engine.paths).lookup(name)?;
    let store = LayerStore::new(&engine.paths);
    let chains = chain_ids(engine, &img);
    let all = all_chains(engine)?;
    let top_of = |chain: &str| -> Vec<String> {
        all.iter()
            .filter(|(_, c)| c.last().map(String::as_str) == Some(chain))
            .flat_map(|(i, _)| if i.names.is_empty() { vec![i.id[..12].to_string()] } else { i.names.clone() })
            .collect()
    };
    let layer = |blob: &str, chain: &str| TreeLayer {
        id: chain.to_string(),
        size: store.info(blob).map(|l| l.size).unwrap_or(0),
        top_layer_of: top_of(chain),
    };
    let mut layers = Vec::new();
    if whatrequires {
        if let Some(top) = chains.last() {
            layers.push(layer(img.layers.last().map(String::as_str).unwrap_or_default(), top));
            let n = chains.len();
            for (other, oc) in &all {
                if oc.len() > n && oc[..n] == chains[..] {
                    for (blob, chain) in other.layers.iter().zip(oc).skip(n) {
                        if !layers.iter().any(|l| l.id == *chain) {
                            layers.push(layer(blob, chain));
                        }
                    }
                }
            }
        }
    } else {
        for (blob, chain) in img.layers.iter().zip(&chains) {
            layers.push(layer(blob, chain));
        }
    }
    Ok(Tree { id: img.id.clone(), names: img.names.clone(), size: img.size, layers })
}
