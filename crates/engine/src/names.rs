//! The names of the objects in a store, for shell completion: containers
//! (all, running or stopped), images and volumes. Read from the records
//! without entering the user namespace, as `ps` does: a TAB costs one exec
//! and a few small file reads, so this takes the store's paths, not an
//! `Engine`.

use crate::error::Result;
use crate::paths::StorePaths;
use sangja_container::record::ContainerStore;
use sangja_image::store::ImageStore;
use sangja_storage::volumes::VolumeStore;
use std::collections::BTreeSet;

/// Which containers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Which {
    All,
    Running,
    Stopped,
}

/// The kinds of names wanted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NamesRequest {
    /// Container names, of these containers.
    pub containers: Option<Which>,
    /// Image names (the short id of an image without one).
    pub images: bool,
    /// Volume names.
    pub volumes: bool,
}

/// The names asked for, sorted, without duplicates. A store never written
/// to has none.
pub fn names(paths: &StorePaths, req: &NamesRequest) -> Result<Vec<String>> {
    let mut out = BTreeSet::new();
    if let Some(which) = req.containers {
        if paths.containers_dir().is_dir() {
            for c in ContainerStore::new(paths).list()? {
                let keep = match which {
                    Which::All => true,
                    Which::Running => c.is_running(),
                    Which::Stopped => !c.is_running(),
                };
                if keep {
                    out.insert(c.config.name.clone());
                }
            }
        }
    }
    if req.images && paths.images_dir().is_dir() {
        for i in ImageStore::new(paths).list()? {
            if i.names.is_empty() {
                out.insert(i.id.chars().take(12).collect());
            }
            out.extend(i.names);
        }
    }
    if req.volumes {
        let store = VolumeStore::new(paths);
        if store.dir().is_dir() {
            out.extend(store.list()?.into_iter().map(|v| v.name));
        }
    }
    Ok(out.into_iter().collect())
}
