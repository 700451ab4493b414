//! Containers: the user's options, the records on disk, and the OCI runtime
//! Spec built from an image config and those options.

// The lower crates under the module names they had when all was one crate.
use sangja_core::{config, crash, error, json_file, lock, paths};
use sangja_network as network;
use sangja_runtime as runtime;
use sangja_storage as storage;

pub mod attach;
pub mod devices;
pub mod extra;
pub mod init;
pub mod logs;

pub mod mounts;
pub mod policy;
pub mod record;
pub mod resources;

pub mod seccomp;
pub mod security;
pub mod spec;
// issue 19, verbs: --secret and --health-*
pub mod verbs;

#[cfg(test)]
mod runtime_tests;

pub use sangja_network::NetworkMode;

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
    /// `-p`, `--add-host`, `--dns*`, `--mac-address`, `--ip`.
    #[serde(default)]
    pub net: crate::network::NetOptions,
    /// `-t`.
    pub tty: bool,
    /// `-i`.
    pub interactive: bool,
    /// `--rm`.
    pub remove: bool,
    /// `--label KEY=VALUE`.
    pub labels: Vec<String>,
    /// `--secret`: secrets mounted under /run/secrets or set as variables (engine secrets.rs).
    #[serde(default)]
    pub secrets: Vec<verbs::SecretRequest>,
    /// `--health-*` over the image's Healthcheck; None: the image's, if any (engine healthcheck.rs).
    #[serde(default)]
    pub health: Option<verbs::HealthConfig>,
    /// `--no-healthcheck`: no check, not even the image's.
    #[serde(default)]
    pub no_healthcheck: bool,
    /// `--init`: our own init runs as pid 1 (bind-mounted at /run/sangja-init).
    #[serde(default)]
    pub init: bool,
    /// `-d`: started by a monitor, output to the log.
    #[serde(default)]
    pub detach: bool,
    /// `--log-opt max-size=`: the log's size cap in bytes.
    #[serde(default)]
    pub log_max_size: Option<u64>,
    /// `-v`, `--mount`, `--tmpfs`, in the order given (volumes named by the engine).
    #[serde(default)]
    pub mounts: Vec<mounts::MountRequest>,
    /// `--read-only`: the rootfs is mounted read-only.
    #[serde(default)]
    pub read_only: bool,
    /// `--read-only-tmpfs` (podman's default true): with `--read-only`, tmpfs on /tmp, /var/tmp, /run.
    #[serde(default)]
    pub read_only_tmpfs: bool,
    /// `--cap-add`, `--cap-drop`, `--privileged`, `--security-opt`.
    #[serde(default)]
    pub security: security::SecurityOptions,
    /// `--memory`, `--cpus`, `--pids-limit`, `--ulimit`... and `--cgroups`.
    #[serde(default)]
    pub resources: resources::ResourceOptions,
    /// `--restart`: what the monitor does when the container exits.
    #[serde(default)]
    pub restart: policy::RestartPolicy,
    /// `--sdnotify`: who sends READY=1 to systemd.
    #[serde(default)]
    pub sdnotify: policy::SdNotify,
    /// `--stop-timeout`: seconds from the stop signal to SIGKILL (None: 10).
    #[serde(default)]
    pub stop_timeout: Option<u64>,
    /// The command line that created the container, for `generate systemd --new`.
    #[serde(default)]
    pub create_command: Vec<String>,
    /// The flags of issue 19's second set (extra.rs): stop signal,
    /// annotations, --tz, --umask, env edits, groups, namespaces...
    #[serde(default)]
    pub extra: extra::ExtraOptions,
}
