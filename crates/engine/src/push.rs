//! `push`: an image of the store to a registry (image/push.rs does the
//! protocol). The destination is `docker://REF`, a plain REF, or by default
//! the name the image was given by.

use super::Engine;
use crate::error::{Error, Result};
pub use sangja_image::push::{LayerCompression, ManifestFormat, PushEvent, PushOptions, Pushed};
use sangja_image::reference::Reference;
use sangja_image::store::ImageStore;
use std::path::PathBuf;

/// What `push` is asked to do.
#[derive(Debug, Clone, Default)]
pub struct PushRequest {
    /// The image, by name or id.
    pub image: String,
    /// Where to push; `None`: the image's name.
    pub destination: Option<String>,
    pub options: PushOptions,
    /// `--digestfile`: where to write the manifest digest.
    pub digestfile: Option<PathBuf>,
}

/// The registry reference of a destination argument.
pub fn destination(dest: &str) -> Result<Reference> {
    let plain = dest.strip_prefix("docker://").unwrap_or(dest);
    if let Some((transport, _)) = plain.split_once(':') {
        let known = ["docker-archive", "oci-archive", "oci", "dir", "docker-daemon", "containers-storage"];
        if known.contains(&transport) {
            return Err(Error::Invalid(format!(
                "push to \"{dest}\": the {transport}: transport is not supported by push; use `sangja save` for archives, or name a registry image (docker://REGISTRY/NAME[:TAG])"
            )));
        }
    }
    Reference::parse(plain)
}

/// Pushes an image; writes the digest to the digest file if asked.
pub fn push(engine: &Engine, req: &PushRequest, progress: &(dyn Fn(PushEvent) + Send + Sync)) -> Result<Pushed> {
    let store = ImageStore::new(&engine.paths);
    let image = store.lookup(&req.image)?;
    let dest = match &req.destination {
        Some(d) => destination(d)?,
        None => {
            // The name the user gave, if it is one of the image's; else its first name.
            let given = Reference::parse(&req.image).ok().map(|r| r.to_string());
            let name = given.filter(|g| image.names.contains(g)).or_else(|| image.names.first().cloned()).ok_or_else(|| {
                Error::Invalid(format!(
                    "image {} has no name to push to: give a destination (sangja push IMAGE REGISTRY/NAME[:TAG])",
                    &image.id[..12]
                ))
            })?;
            destination(&name)?
        }
    };
    let runtime = push_runtime()?;
    let pushed = runtime.block_on(sangja_image::push::push(&engine.paths, &image, &dest, &req.options, progress))?;
    drop(runtime);
    if let Some(path) = &req.digestfile {
        std::fs::write(path, &pushed.digest).map_err(|e| Error::io_path("write the digest file", path, e))?;
    }
    super::events_log::image(engine, &image.id, &dest.to_string(), "push");
    Ok(pushed)
}

/// The runtime of a push: one thread for the requests. Layers are rebuilt
/// and compressed on blocking threads, which keep the cores busy; the
/// requests themselves only wait, and on one thread their answers wake no
/// other (on a loaded machine every hand-off between threads is a wait for a
/// core). rustls's crypto provider is chosen first, as for pulls.
fn push_runtime() -> Result<tokio::runtime::Runtime> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::Registry(format!("cannot start the network runtime: {e}")))
}

/// `pull --all-tags NAME`: the tagged references of every tag of NAME's repository.
pub fn all_tags(name: &str, tls_verify: Option<bool>, creds: Option<&crate::config::auth::Credentials>) -> Result<Vec<String>> {
    let r = Reference::parse(name)?;
    if r.digest.is_some() || name.rsplit('/').next().is_some_and(|last| last.contains(':')) {
        return Err(Error::Invalid(format!("--all-tags: \"{name}\" names a tag or digest: give the repository only")));
    }
    let runtime = super::images::registry_runtime()?;
    let tags = runtime.block_on(sangja_image::push::list_tags(&r, tls_verify, creds))?;
    if tags.is_empty() {
        return Err(Error::ImageNotFound(format!("{name}: the repository has no tags")));
    }
    Ok(tags.into_iter().map(|t| format!("{}:{t}", r.name_without_tag())).collect())
}
