//! The library's error type. Every variant names the thing that failed and,
//! where there is one, the fix. Each variant has one `ErrorKind`, and the
//! kind alone decides the exit status of the CLI (podman's) and the HTTP
//! status of the API (Docker's): the table is `ErrorKind::statuses`.
//!
//! | kind                 | exit | exit of rm, rmi, volume rm, network rm | HTTP |
//! |----------------------|------|----------------------------------------|------|
//! | NotFound             | 125  | 1                                      | 404  |
//! | Conflict             | 125  | 2                                      | 409  |
//! | InUse                | 125  | 2                                      | 409  |
//! | InvalidInput         | 125  | 125                                    | 400  |
//! | Internal             | 125  | 125                                    | 500  |
//! | External             | 125  | 125                                    | 500  |
//! | CommandNotExecutable | 126  | 126                                    | 400  |
//! | CommandNotFound      | 127  | 127                                    | 400  |
//!
//! A command that runs a container to its end (`run`, `start -a`, `exec`,
//! `wait`) exits with the container's own code, which is a result, not an
//! error; `exists` commands answer 0 or 1 (NotFound's code of the remove
//! commands) and 125 for any other error.

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
    /// A name already taken, an ambiguous short id, a change that
    /// conflicts with what is there.
    #[error("{0}")]
    Conflict(String),
    /// The container's state does not allow it ("container state improper").
    #[error("{0}")]
    State(String),
    /// Something else that is not there (a network, an object, a path in a container).
    #[error("{0}")]
    NotFound(String),
    /// The object is used by another (a volume, image or network by containers).
    #[error("{0}")]
    InUse(String),
    /// sangja's own data is broken or cannot be written (a corrupt record).
    #[error("{0}")]
    Internal(String),
}

/// What went wrong, in the few classes a caller acts on; see the table at the top.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// No such container, image, volume, network or object.
    NotFound,
    /// The name is taken, or the container's state does not allow it.
    Conflict,
    /// The object is used by others (remove them first, or force).
    InUse,
    /// A flag, a reference, a name, a file from the user is wrong.
    InvalidInput,
    /// sangja or this machine failed: I/O, a corrupt record, the runtime.
    Internal,
    /// Something outside failed: a registry, a host tool, the user namespace set-up.
    External,
    /// The container's command cannot be invoked (podman's 126).
    CommandNotExecutable,
    /// The container's command was not found (podman's 127).
    CommandNotFound,
}

/// podman's exit status of an error in the engine (not the container's).
pub const ENGINE_EXIT: i32 = 125;

impl ErrorKind {
    /// The one table: (exit status, exit status of the remove commands, HTTP status).
    const fn statuses(self) -> (i32, i32, u16) {
        match self {
            ErrorKind::NotFound => (ENGINE_EXIT, 1, 404),
            ErrorKind::Conflict => (ENGINE_EXIT, 2, 409),
            ErrorKind::InUse => (ENGINE_EXIT, 2, 409),
            ErrorKind::InvalidInput => (ENGINE_EXIT, ENGINE_EXIT, 400),
            ErrorKind::Internal => (ENGINE_EXIT, ENGINE_EXIT, 500),
            ErrorKind::External => (ENGINE_EXIT, ENGINE_EXIT, 500),
            // Docker answers a start whose command cannot run with 400 and records 126/127.
            ErrorKind::CommandNotExecutable => (126, 126, 400),
            ErrorKind::CommandNotFound => (127, 127, 400),
        }
    }

    /// podman's exit status: 125 for the engine's errors, 126/127 for the command's.
    pub const fn exit_code(self) -> i32 {
        self.statuses().0
    }

    /// The exit status of podman's remove commands (`rm`, `rmi`, `volume rm`,
    /// `network rm`): 1 when the object does not exist, 2 when it is in use
    /// or running, else as `exit_code`.
    pub const fn remove_exit_code(self) -> i32 {
        self.statuses().1
    }

    /// The HTTP status of the Docker-compatible API.
    pub const fn http_status(self) -> u16 {
        self.statuses().2
    }

    /// The inverse of `exit_code` for an error that crossed a process
    /// boundary as (status, message): 126 and 127 keep their kind.
    pub fn from_exit_code(code: i32) -> ErrorKind {
        match code {
            127 => ErrorKind::CommandNotFound,
            126 => ErrorKind::CommandNotExecutable,
            _ => ErrorKind::Internal,
        }
    }
}

/// Result with sangja's error.
pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    /// The class of the error, which decides its exit and HTTP statuses.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::ImageNotFound(_) | Error::ContainerNotFound(_) | Error::VolumeNotFound(_) | Error::NotFound(_) => ErrorKind::NotFound,
            Error::Conflict(_) | Error::State(_) => ErrorKind::Conflict,
            Error::InUse(_) => ErrorKind::InUse,
            Error::Invalid(_) | Error::Reference(_) => ErrorKind::InvalidInput,
            Error::Io { .. } | Error::Layer(_) | Error::Runtime(_) | Error::Internal(_) => ErrorKind::Internal,
            Error::Registry(_) | Error::DigestMismatch { .. } | Error::Rootless(_) => ErrorKind::External,
            Error::CommandNotExecutable(_) => ErrorKind::CommandNotExecutable,
            Error::CommandNotFound(_) => ErrorKind::CommandNotFound,
        }
    }

    /// podman's exit status for this error (`ErrorKind::exit_code`).
    pub fn exit_code(&self) -> i32 {
        self.kind().exit_code()
    }

    /// The exit status of a remove command for this error (`ErrorKind::remove_exit_code`).
    pub fn remove_exit_code(&self) -> i32 {
        self.kind().remove_exit_code()
    }

    /// The HTTP status for this error (`ErrorKind::http_status`).
    pub fn http_status(&self) -> u16 {
        self.kind().http_status()
    }

    /// An error reported by another process as (exit status, message),
    /// e.g. by a container's monitor or a forked helper: the inverse of
    /// `exit_code` for 126 and 127, a runtime error otherwise.
    pub fn from_exit_code(code: i32, message: String) -> Error {
        match ErrorKind::from_exit_code(code) {
            ErrorKind::CommandNotFound => Error::CommandNotFound(message),
            ErrorKind::CommandNotExecutable => Error::CommandNotExecutable(message),
            _ => Error::Runtime(message),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_map_to_podman_exit_codes() {
        assert_eq!(Error::ContainerNotFound("x".into()).exit_code(), 125);
        assert_eq!(Error::Invalid("x".into()).exit_code(), 125);
        assert_eq!(Error::CommandNotFound("x".into()).exit_code(), 127);
        assert_eq!(Error::CommandNotExecutable("x".into()).exit_code(), 126);
        // The remove commands: 1 not there, 2 in use or running, else the usual.
        assert_eq!(Error::VolumeNotFound("x".into()).remove_exit_code(), 1);
        assert_eq!(Error::NotFound("network x not found".into()).remove_exit_code(), 1);
        assert_eq!(Error::InUse("x".into()).remove_exit_code(), 2);
        assert_eq!(Error::State("x is running".into()).remove_exit_code(), 2);
        assert_eq!(Error::Conflict("x".into()).remove_exit_code(), 2);
        assert_eq!(Error::Internal("x".into()).remove_exit_code(), 125);
        assert_eq!(Error::Runtime("x".into()).remove_exit_code(), 125);
    }

    #[test]
    fn kinds_map_to_http_statuses() {
        assert_eq!(Error::ImageNotFound("x".into()).http_status(), 404);
        assert_eq!(Error::State("x".into()).http_status(), 409);
        assert_eq!(Error::InUse("x".into()).http_status(), 409);
        assert_eq!(Error::Reference("x".into()).http_status(), 400);
        assert_eq!(Error::Registry("x".into()).http_status(), 500);
        let io = Error::Io { what: "read x".into(), source: std::io::ErrorKind::Other.into() };
        assert_eq!(io.http_status(), 500);
    }

    #[test]
    fn exit_codes_cross_processes() {
        for code in [125, 126, 127, 1] {
            let e = Error::from_exit_code(code, "m".into());
            assert_eq!(e.exit_code(), if code == 1 { 125 } else { code });
            assert_eq!(e.to_string(), "m");
        }
    }
}
