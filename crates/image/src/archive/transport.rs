//! The transports podman accepts where an image is named (pull, run,
//! create): `docker-archive:PATH[:REF]`, `oci-archive:PATH[:REF]`,
//! `oci:DIR[:REF]`, `dir:DIR`; `docker://REF` is the registry; a
//! `containers-storage:` reference is podman's store, refused plainly.

use crate::error::{Error, Result};
use std::path::PathBuf;

/// An image named through a transport that reads a file or folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Transport {
    DockerArchive { path: PathBuf, reference: Option<String> },
    OciArchive { path: PathBuf, reference: Option<String> },
    OciDir { path: PathBuf, reference: Option<String> },
    Dir { path: PathBuf },
}

/// What an image argument names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A registry reference (with `docker://` taken off).
    Registry(String),
    /// A file or folder.
    Local(Transport),
}

fn split_ref(rest: &str) -> (PathBuf, Option<String>) {
    // PATH:REF, where REF may itself hold ':' (host:port/name:tag) but PATH does not (podman's rule too).
    match rest.split_once(':') {
        Some((p, r)) if !r.is_empty() => (PathBuf::from(p), Some(r.to_string())),
        Some((p, _)) => (PathBuf::from(p), None),
        None => (PathBuf::from(rest), None),
    }
}

impl Transport {
    /// The transport's name as written before the first ':'.
    pub fn scheme(&self) -> &'static str {
        match self {
            Transport::DockerArchive { .. } => "docker-archive",
            Transport::OciArchive { .. } => "oci-archive",
            Transport::OciDir { .. } => "oci",
            Transport::Dir { .. } => "dir",
        }
    }
}

/// Parses an image argument.
pub fn parse(name: &str) -> Result<Source> {
    let Some((scheme, rest)) = name.split_once(':') else { return Ok(Source::Registry(name.to_string())) };
    let need = |t: &str| {
        if rest.is_empty() {
            Err(Error::Invalid(format!("\"{name}\": {t}: needs a path, e.g. {t}:/tmp/image.tar")))
        } else {
            Ok(())
        }
    };
    match scheme {
        "docker-archive" => {
            need(scheme)?;
            let (path, reference) = split_ref(rest);
            Ok(Source::Local(Transport::DockerArchive { path, reference }))
        }
        "oci-archive" => {
            need(scheme)?;
            let (path, reference) = split_ref(rest);
            Ok(Source::Local(Transport::OciArchive { path, reference }))
        }
        "oci" => {
            need(scheme)?;
            let (path, reference) = split_ref(rest);
            Ok(Source::Local(Transport::OciDir { path, reference }))
        }
        "dir" => {
            need(scheme)?;
            Ok(Source::Local(Transport::Dir { path: PathBuf::from(rest) }))
        }
        "docker" => match rest.strip_prefix("//") {
            Some(r) if !r.is_empty() => Ok(Source::Registry(r.to_string())),
            _ => Err(Error::Invalid(format!("\"{name}\": the docker transport is docker://NAME"))),
        },
        "containers-storage" => Err(Error::Invalid(format!(
            "\"{name}\": containers-storage: is podman's image store, which sangja does not read; \
             move the image with `podman save -o FILE IMAGE` and `sangja load -i FILE`"
        ))),
        "docker-daemon" | "ostree" | "sif" | "tarball" => {
            Err(Error::Invalid(format!("\"{name}\": the {scheme} transport is not supported by sangja")))
        }
        _ => Ok(Source::Registry(name.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transports_parse() {
        assert_eq!(parse("busybox").unwrap(), Source::Registry("busybox".into()));
        assert_eq!(parse("127.0.0.1:5000/busybox:latest").unwrap(), Source::Registry("127.0.0.1:5000/busybox:latest".into()));
        assert_eq!(parse("docker://127.0.0.1:5000/x").unwrap(), Source::Registry("127.0.0.1:5000/x".into()));
        assert_eq!(
            parse("docker-archive:/tmp/x.tar").unwrap(),
            Source::Local(Transport::DockerArchive { path: "/tmp/x.tar".into(), reference: None })
        );
        assert_eq!(
            parse("oci-archive:/tmp/x.tar:127.0.0.1:5000/busybox:latest").unwrap(),
            Source::Local(Transport::OciArchive { path: "/tmp/x.tar".into(), reference: Some("127.0.0.1:5000/busybox:latest".into()) })
        );
        assert_eq!(parse("dir:/tmp/d").unwrap(), Source::Local(Transport::Dir { path: "/tmp/d".into() }));
        assert!(parse("containers-storage:busybox").unwrap_err().to_string().contains("podman save"));
        assert!(parse("docker-archive:").is_err());
    }
}
