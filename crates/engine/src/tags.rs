//! `tag`, `untag` and `image exists`: names of an image. The id (the config
//! digest) never changes; a name given to one image is taken from any other
//! (which may be left with none, a dangling `<none>` image, as podman).

use super::Engine;
use crate::error::{Error, Result};
use sangja_image::store::{ImageRecord, ImageStore};

/// podman's normalisation of a name to tag with: "name" is
/// localhost/name:latest, "reg.io/x" is reg.io/x:latest; no digest allowed.
pub fn normalize(name: &str) -> Result<String> {
    if name.contains('@') {
        return Err(Error::Invalid(format!("\"{name}\": a name to tag with cannot contain a digest: give a name and a tag")));
    }
    super::commit::normalize_local_name(name)
}

/// `tag IMAGE NAME...`: gives the image each name; returns the image's id.
pub fn tag(engine: &Engine, image: &str, names: &[String]) -> Result<String> {
    let store = ImageStore::new(&engine.paths);
    let img = store.lookup(image)?;
    let full: Vec<String> = names.iter().map(|n| normalize(n)).collect::<Result<_>>()?;
    for n in &full {
        store.add_name(&img.id, n)?;
        super::events_log::image(engine, &img.id, n, "tag");
    }
    Ok(img.id)
}

/// `untag IMAGE [NAME...]`: removes the names given, or every name; returns
/// the names removed. A name the image does not have is podman's
/// "NAME: tag not known" (nothing is removed then).
pub fn untag(engine: &Engine, image: &str, names: &[String]) -> Result<Vec<String>> {
    let store = ImageStore::new(&engine.paths);
    let img = store.lookup(image)?;
    let targets: Vec<String> = if names.is_empty() {
        img.names.clone()
    } else {
        let mut out = Vec::new();
        for n in names {
            let full = normalize(n)?;
            // "busybox" may mean a name under another registry (short-name match).
            let hit = if img.names.contains(&full) { Some(full.clone()) } else { img.names.iter().find(|s| short_matches(s, n)).cloned() };
            match hit {
                Some(h) => out.push(h),
                None => return Err(Error::NotFound(format!("{full}: tag not known"))),
            }
        }
        out
    };
    for n in &targets {
        store.untag(&img.id, n)?;
        super::events_log::image(engine, &img.id, n, "untag");
    }
    Ok(targets)
}

/// Whether the stored `full` name is what the short `given` ("busybox",
/// "busybox:1") means under any registry.
fn short_matches(full: &str, given: &str) -> bool {
    if sangja_image::reference::is_qualified(given) {
        return false;
    }
    let last = given.rsplit('/').next().unwrap_or(given);
    let given = if last.contains(':') { given.to_string() } else { format!("{given}:latest") };
    full.ends_with(&format!("/{given}"))
}

/// `image exists`: whether the store has an image of that name or id.
pub fn exists(engine: &Engine, image: &str) -> Result<bool> {
    match ImageStore::new(&engine.paths).lookup(image) {
        Ok(_) => Ok(true),
        Err(Error::ImageNotFound(_)) => Ok(false),
        // A malformed name is no image either (podman answers 1).
        Err(Error::Reference(_)) => Ok(false),
        Err(e) => Err(e),
    }
}

/// The image `name` names (for the verbs that show one image).
pub fn lookup(engine: &Engine, name: &str) -> Result<ImageRecord> {
    ImageStore::new(&engine.paths).lookup(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_normalised_as_podman() {
        assert_eq!(normalize("foo").unwrap(), "localhost/foo:latest");
        assert_eq!(normalize("foo:v1").unwrap(), "localhost/foo:v1");
        assert_eq!(normalize("a/b").unwrap(), "localhost/a/b:latest");
        assert_eq!(normalize("reg.io/x").unwrap(), "reg.io/x:latest");
        assert_eq!(normalize("127.0.0.1:5000/x:2").unwrap(), "127.0.0.1:5000/x:2");
        assert_eq!(normalize("docker.io/x").unwrap(), "docker.io/library/x:latest");
        assert!(normalize("Foo").is_err());
        assert!(normalize(&format!("x@sha256:{}", "a".repeat(64))).is_err());
    }

    #[test]
    fn short_names_match_any_registry() {
        assert!(short_matches("127.0.0.1:5000/busybox:latest", "busybox"));
        assert!(short_matches("127.0.0.1:5000/busybox:1", "busybox:1"));
        assert!(!short_matches("127.0.0.1:5000/busybox:1", "busybox"));
        assert!(!short_matches("127.0.0.1:5000/busybox:latest", "quay.io/busybox"));
    }
}
