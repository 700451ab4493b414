//! `run`/`create` flags for security and resources (podman's names).

use crate::engine::run::{ResourceOptions, SecurityOptions};
use clap::Args;

// Capabilities, seccomp, no_new_privs.
#[derive(Debug, Args, Default, Clone)]
pub struct SecurityFlags {
    /// Add a capability (NAME, CAP_NAME or ALL).
    #[arg(long = "cap-add", value_name = "CAP")]
    pub cap_add: Vec<String>,
    /// Drop a capability (NAME, CAP_NAME or ALL).
    #[arg(long = "cap-drop", value_name = "CAP")]
    pub cap_drop: Vec<String>,
    /// All capabilities, no seccomp, no masked or read-only /proc and /sys paths.
    #[arg(long)]
    pub privileged: bool,
    /// seccomp=unconfined|PROFILE.json, no-new-privileges, mask=PATHS, unmask=ALL|PATHS.
    #[arg(long = "security-opt", value_name = "OPT")]
    pub security_opt: Vec<String>,
    /// User namespace: host, keep-id[:uid=N,gid=N] (your own ids inside).
    #[arg(long, value_name = "MODE")]
    pub userns: Option<String>,
    /// A uid mapping CONTAINER_ID:HOST_ID:AMOUNT (rootless, host ids are those of your namespace: 0 is you).
    #[arg(long, value_name = "MAP")]
    pub uidmap: Vec<String>,
    /// A gid mapping CONTAINER_ID:HOST_ID:AMOUNT (default: as --uidmap).
    #[arg(long, value_name = "MAP")]
    pub gidmap: Vec<String>,
    /// A host device in the container: HOST[:CONTAINER][:PERMISSIONS].
    #[arg(long, value_name = "DEVICE")]
    pub device: Vec<String>,
}

impl SecurityFlags {
    /// The options the spec builder takes.
    pub fn options(&self) -> SecurityOptions {
        SecurityOptions {
            cap_add: split_commas(&self.cap_add),
            cap_drop: split_commas(&self.cap_drop),
            privileged: self.privileged,
            security_opt: self.security_opt.clone(),
            // From containers.conf, filled in by the engine.
            default_caps: None,
            userns: self.userns.clone(),
            uidmap: self.uidmap.clone(),
            gidmap: self.gidmap.clone(),
            devices: self.device.clone(),
        }
    }
}

/// podman accepts `--cap-add a,b` as well as repeated flags.
fn split_commas(v: &[String]) -> Vec<String> {
    v.iter().flat_map(|s| s.split(',')).filter(|s| !s.is_empty()).map(str::to_string).collect()
}

// cgroup limits and rlimits.
#[derive(Debug, Args, Default, Clone)]
pub struct ResourceFlags {
    /// Memory limit (e.g. 32m, 1g).
    #[arg(short = 'm', long, value_name = "SIZE")]
    pub memory: Option<String>,
    /// Memory plus swap limit; -1: unlimited swap. Default: twice --memory.
    #[arg(long = "memory-swap", value_name = "SIZE", allow_hyphen_values = true)]
    pub memory_swap: Option<String>,
    /// Memory soft limit.
    #[arg(long = "memory-reservation", value_name = "SIZE")]
    pub memory_reservation: Option<String>,
    /// Number of CPUs (e.g. 0.5).
    #[arg(long, value_name = "N")]
    pub cpus: Option<String>,
    /// CPU shares (relative weight, default 1024).
    #[arg(short = 'c', long = "cpu-shares", value_name = "SHARES")]
    pub cpu_shares: Option<u64>,
    /// CPUs the container may run on (e.g. 0-1,3).
    #[arg(long = "cpuset-cpus", value_name = "LIST")]
    pub cpuset_cpus: Option<String>,
    /// Memory nodes the container may use (e.g. 0).
    #[arg(long = "cpuset-mems", value_name = "LIST")]
    pub cpuset_mems: Option<String>,
    /// Maximum number of processes (default 2048 where a pids controller is usable; 0 or -1: none).
    #[arg(long = "pids-limit", value_name = "N", allow_hyphen_values = true)]
    pub pids_limit: Option<i64>,
    /// enabled, disabled, no-conmon or split.
    #[arg(long, value_name = "MODE")]
    pub cgroups: Option<String>,
    /// Parent cgroup of the container's (default /sangja).
    #[arg(long = "cgroup-parent", value_name = "PATH")]
    pub cgroup_parent: Option<String>,
    /// A resource limit: NAME=SOFT[:HARD] (nofile, nproc, core, stack...).
    #[arg(long = "ulimit", value_name = "NAME=SOFT[:HARD]")]
    pub ulimit: Vec<String>,
}

impl ResourceFlags {
    /// The options the spec builder takes.
    pub fn options(&self) -> ResourceOptions {
        ResourceOptions {
            memory: self.memory.clone(),
            memory_swap: self.memory_swap.clone(),
            memory_reservation: self.memory_reservation.clone(),
            cpus: self.cpus.clone(),
            cpu_shares: self.cpu_shares,
            cpuset_cpus: self.cpuset_cpus.clone(),
            cpuset_mems: self.cpuset_mems.clone(),
            pids_limit: self.pids_limit,
            cgroups: self.cgroups.clone(),
            cgroup_parent: self.cgroup_parent.clone(),
            ulimits: self.ulimit.clone(),
            ..ResourceOptions::default()
        }
    }
}
