//! Containers: the user's options, the records on disk, and the OCI runtime
//! Spec built from an image config and those options.

pub mod record;
pub mod spec;

/// Network modes available now.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NetworkMode {
    /// A new, empty network namespace (only lo).
    #[default]
    None,
    /// The host's network namespace.
    Host,
}

/// What the user asked for on `run`/`create`, after parsing the flags.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct RunOptions {
    /// Container name (`--name`); generated when empty.
    pub name: Option<String>,
    /// Command and args after the image; empty: the image's Cmd.
    pub command: Vec<String>,
    /// `--entrypoint`: `Some("")` clears the image's entrypoint.
    pub entrypoint: Option<String>,
    /// `-e KEY=VALUE` or `-e KEY` (taken from sangja's environment).
    pub env: Vec<String>,
    /// `-w`.
    pub workdir: Option<String>,
    /// `-u user[:group]`, names or numbers.
    pub user: Option<String>,
    /// `--hostname`; default: the first 12 characters of the id.
    pub hostname: Option<String>,
    /// `--network`.
    pub network: NetworkMode,
    /// `-t`.
    pub tty: bool,
    /// `-i`.
    pub interactive: bool,
    /// `--rm`.
    pub remove: bool,
    /// `--label KEY=VALUE`.
    pub labels: Vec<String>,
}
