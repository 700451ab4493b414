//! The library's error type. Every variant names the thing that failed and,
//! where there is one, the fix; `exit_code` maps it to podman's exit statuses.

use std::path::Path;

/// Errors of sangja's library. Context is added where the error is raised.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Bad input from the user: a flag, a reference, a spec.
    #[error("{0}")]
    Invalid(String),
    #[error("{what}: {source}")]
    Io {
        what: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{0}: image not known")]
    ImageNotFound(String),
    #[error("no container with name or ID \"{0}\" found: no such container")]
    ContainerNotFound(String),
    #[error("no volume with name \"{0}\" found: no such volume")]
    VolumeNotFound(String),
    #[error("{0}")]
    Reference(String),
    #[error("{0}")]
    Registry(String),
    #[error("{what} {expected} failed verification: content has digest {actual}; the registry served corrupt or tampered data")]
    DigestMismatch { what: String, expected: String, actual: String },
    #[error("{0}")]
    Layer(String),
    #[error("{0}")]
    Rootless(String),
    #[error("{0}")]
    Runtime(String),
    /// The container's command could not be found (exit 127).
    #[error("{0}")]
    CommandNotFound(String),
    /// The container's command exists but cannot be run (exit 126).
    #[error("{0}")]
    CommandNotExecutable(String),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    State(String),
}

/// Result with sangja's error.
pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    /// podman's exit statuses: 125 for engine errors, 126/127 for the command.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::CommandNotFound(_) => 127,
            Error::CommandNotExecutable(_) => 126,
            _ => 125,
        }
    }

    /// An I/O error about a path.
    pub fn io_path(action: &str, path: &Path, source: std::io::Error) -> Error {
        Error::Io { what: format!("{action} {}", path.display()), source }
    }
}

/// Adds a description of what was being done to an I/O result.
pub trait IoContext<T> {
    fn ctx(self, what: impl FnOnce() -> String) -> Result<T>;
    fn path_ctx(self, action: &str, path: &Path) -> Result<T>;
}

impl<T> IoContext<T> for std::io::Result<T> {
    fn ctx(self, what: impl FnOnce() -> String) -> Result<T> {
        self.map_err(|source| Error::Io { what: what(), source })
    }
    fn path_ctx(self, action: &str, path: &Path) -> Result<T> {
        self.map_err(|source| Error::io_path(action, path, source))
    }
}

impl<T> IoContext<T> for nix::Result<T> {
    fn ctx(self, what: impl FnOnce() -> String) -> Result<T> {
        self.map_err(|e| Error::Io { what: what(), source: std::io::Error::from(e) })
    }
    fn path_ctx(self, action: &str, path: &Path) -> Result<T> {
        self.map_err(|e| Error::io_path(action, path, std::io::Error::from(e)))
    }
}
