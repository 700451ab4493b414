//! `run`/`create` flags of issue 19's second set (podman's names): what
//! the container gets beyond the first set (container's `extra.rs`).

use crate::engine::run::ExtraOptions;
use crate::error::{Error, Result};
use clap::Args;
use std::path::PathBuf;

// The flags.
#[derive(Debug, Args, Default, Clone)]
pub struct ExtraFlags {
    /// Signal that stops the container (default: the image's STOPSIGNAL, else SIGTERM).
    #[arg(long = "stop-signal", value_name = "SIGNAL")]
    pub stop_signal: Option<String>,
    /// Add an annotation to the container (KEY=VALUE), as the OCI spec's annotations.
    #[arg(long = "annotation", value_name = "KEY=VALUE")]
    pub annotation: Vec<String>,
    /// Time zone of the container: a name under /usr/share/zoneinfo, or local (the host's).
    #[arg(long, value_name = "TIMEZONE")]
    pub tz: Option<String>,
    /// The umask of the container's process (default 0022).
    #[arg(long, value_name = "UMASK")]
    pub umask: Option<String>,
    /// Unset a default environment variable (the image's, containers.conf's or sangja's).
    #[arg(long = "unsetenv", value_name = "KEY")]
    pub unsetenv: Vec<String>,
    /// Unset every default environment variable; -e and --env-file still apply.
    #[arg(long = "unsetenv-all")]
    pub unsetenv_all: bool,
    /// Set a variable from the image's values: --env-merge PATH=${PATH}:/opt/bin.
    #[arg(long = "env-merge", value_name = "KEY=VALUE")]
    pub env_merge: Vec<String>,
    /// Expose a port or a range (8080, 3300-3310/udp) without publishing it; -P publishes it.
    #[arg(long, value_name = "PORT")]
    pub expose: Vec<String>,
    /// Do not write /etc/hosts: the image's own stays (conflicts with --add-host).
    #[arg(long = "no-hosts")]
    pub no_hosts: bool,
    /// Add a supplementary group (name or gid); keep-groups keeps the caller's groups (rootless).
    #[arg(long = "group-add", value_name = "GROUP")]
    pub group_add: Vec<String>,
    /// Size of /dev/shm (e.g. 128m; 0: no limit; default 64m).
    #[arg(long = "shm-size", value_name = "SIZE")]
    pub shm_size: Option<String>,
    /// Set a namespaced kernel parameter (kernel.shm*, kernel.msg*, kernel.sem, fs.mqueue.*, net.*).
    #[arg(long = "sysctl", value_name = "KEY=VALUE")]
    pub sysctl: Vec<String>,
    /// Adjust the OOM killer's preference for the container (-1000 to 1000).
    #[arg(long = "oom-score-adj", value_name = "N", allow_hyphen_values = true)]
    pub oom_score_adj: Option<i32>,
    /// Execution domain (personality(2)): LINUX or LINUX32.
    #[arg(long, value_name = "PERSONA")]
    pub personality: Option<String>,
    /// UTS namespace: private (default), host, ns:PATH.
    #[arg(long, value_name = "MODE")]
    pub uts: Option<String>,
    /// IPC namespace: private (default), shareable, none (no /dev/shm), host, ns:PATH.
    #[arg(long, value_name = "MODE")]
    pub ipc: Option<String>,
    /// PID namespace: private (default) or host.
    #[arg(long, value_name = "MODE")]
    pub pid: Option<String>,
    /// cgroup namespace: host, private, ns:PATH (default: private where the container has cgroups).
    #[arg(long, value_name = "MODE")]
    pub cgroupns: Option<String>,
    /// Kill the container (SIGKILL) once it has run this many seconds (0: no limit).
    #[arg(long, value_name = "SECONDS")]
    pub timeout: Option<u64>,
    /// Write the container's pid to this file when it starts.
    #[arg(long, value_name = "FILE")]
    pub pidfile: Option<PathBuf>,
    /// Write the pid of the container's monitor (the sangja process that waits for it) to this file.
    #[arg(long = "conmon-pidfile", value_name = "FILE")]
    pub conmon_pidfile: Option<PathBuf>,
    /// Add a user of the host (name or uid) to the container's /etc/passwd.
    #[arg(long, value_name = "NAME")]
    pub hostuser: Vec<String>,
    /// The /etc/passwd entry written for --user when the image has none ($USERNAME, $UID, $GID, $NAME, $HOME).
    #[arg(long = "passwd-entry", value_name = "ENTRY")]
    pub passwd_entry: Option<String>,
    /// CFS period of the CPU limit, in microseconds (with --cpu-quota).
    #[arg(long = "cpu-period", value_name = "US")]
    pub cpu_period: Option<u64>,
    /// CFS quota: microseconds of CPU time per --cpu-period (-1: none).
    #[arg(long = "cpu-quota", value_name = "US", allow_hyphen_values = true)]
    pub cpu_quota: Option<i64>,
    /// Realtime scheduling period, in microseconds (cgroup v1).
    #[arg(long = "cpu-rt-period", value_name = "US")]
    pub cpu_rt_period: Option<u64>,
    /// Realtime scheduling runtime per period, in microseconds (cgroup v1).
    #[arg(long = "cpu-rt-runtime", value_name = "US", allow_hyphen_values = true)]
    pub cpu_rt_runtime: Option<i64>,
    /// The container's memory swappiness, 0 to 100 (cgroup v1; -1: the host's).
    #[arg(long = "memory-swappiness", value_name = "N", allow_hyphen_values = true)]
    pub memory_swappiness: Option<i64>,
    /// Block I/O weight, 10 to 1000.
    #[arg(long = "blkio-weight", value_name = "WEIGHT")]
    pub blkio_weight: Option<u16>,
    /// Block I/O weight of one device: DEVICE:WEIGHT.
    #[arg(long = "blkio-weight-device", value_name = "DEV:WEIGHT")]
    pub blkio_weight_device: Vec<String>,
    /// Read rate limit of a device: DEVICE:RATE (e.g. /dev/sda:1mb).
    #[arg(long = "device-read-bps", value_name = "DEV:RATE")]
    pub device_read_bps: Vec<String>,
    /// Write rate limit of a device: DEVICE:RATE.
    #[arg(long = "device-write-bps", value_name = "DEV:RATE")]
    pub device_write_bps: Vec<String>,
    /// Read operations per second limit of a device: DEVICE:N.
    #[arg(long = "device-read-iops", value_name = "DEV:RATE")]
    pub device_read_iops: Vec<String>,
    /// Write operations per second limit of a device: DEVICE:N.
    #[arg(long = "device-write-iops", value_name = "DEV:RATE")]
    pub device_write_iops: Vec<String>,
    /// Pull the image for this platform (os/arch[/variant]) from a manifest list.
    #[arg(long, value_name = "PLATFORM")]
    pub platform: Option<String>,
    /// Pull the image for this architecture (default the host's).
    #[arg(long, value_name = "ARCH")]
    pub arch: Option<String>,
    /// Pull the image for this operating system (default linux).
    #[arg(long, value_name = "OS")]
    pub os: Option<String>,
    /// Pull the image for this variant of the architecture (e.g. v7 of arm).
    #[arg(long, value_name = "VARIANT")]
    pub variant: Option<String>,
    /// Logging driver: k8s-file (default), json-file (the same), none, passthrough.
    #[arg(long = "log-driver", value_name = "DRIVER")]
    pub log_driver: Option<String>,
    /// Attach to STDIN, STDOUT or STDERR only (stdin with -i); no stream: print the id and wait.
    #[arg(short = 'a', long = "attach", value_name = "STREAM", value_delimiter = ',')]
    pub attach: Vec<String>,
    /// Containers (names or ids, comma-separated) started before this one.
    #[arg(long, value_name = "CONTAINER", value_delimiter = ',')]
    pub requires: Vec<String>,
    /// What the image's VOLUMEs get: bind (an anonymous volume, the default), tmpfs, ignore.
    #[arg(long = "image-volume", value_name = "MODE")]
    pub image_volume: Option<String>,
    /// Mount the volumes and bind mounts of another container (CONTAINER[:ro|rw]).
    #[arg(long = "volumes-from", value_name = "CONTAINER[:OPTIONS]")]
    pub volumes_from: Vec<String>,
    /// Add entries to /etc/passwd and /etc/group for a numeric --user the image lacks (default true).
    #[arg(long, value_name = "BOOL", num_args = 0..=1, default_missing_value = "true", value_parser = super::parse_bool)]
    pub passwd: Option<bool>,
}

impl ExtraFlags {
    /// Parsed and checked as podman checks them (the network mode is known here).
    pub fn options(&self, net_host: bool, add_hosts: bool) -> Result<ExtraOptions> {
        self.options_with(net_host, add_hosts, &[], false)
    }

    /// `options`, with run's --log-opt values and -t (passthrough refuses a terminal).
    pub fn options_with(&self, net_host: bool, add_hosts: bool, log_opts: &[String], tty: bool) -> Result<ExtraOptions> {
        let log_driver = self.log_driver.as_deref().map(crate::engine::run::extra::parse_log_driver).transpose()?;
        if tty && log_driver.as_deref() == Some("passthrough") {
            return Err(Error::Invalid("the 'passthrough' log driver cannot be used with a TTY".into()));
        }
        let log_opt = |k: &str| log_opts.iter().rev().find_map(|o| o.strip_prefix(k).and_then(|v| v.strip_prefix('='))).map(String::from);
        let mut x = self.parsed(net_host, add_hosts)?;
        x.log_driver = log_driver;
        x.log_path = log_opt("path").map(|p| std::path::absolute(&p).unwrap_or_else(|_| PathBuf::from(p)));
        x.log_tag = log_opt("tag");
        Ok(x)
    }

    fn parsed(&self, net_host: bool, add_hosts: bool) -> Result<ExtraOptions> {
        use crate::engine::run::extra;
        if self.no_hosts && add_hosts {
            return Err(Error::Invalid("--no-hosts and --add-host cannot be set together".into()));
        }
        let ipc_host = self.ipc.as_deref() == Some("host");
        let uts_host = self.uts.as_deref() == Some("host");
        let oom_score_adj = match self.oom_score_adj {
            Some(n) if !(-1000..=1000).contains(&n) => {
                return Err(Error::Invalid(format!("oom_score_adj must be between -1000 and 1000: {n} is out of range")))
            }
            n => n,
        };
        for (flag, v) in [("--uts", &self.uts), ("--ipc", &self.ipc), ("--pid", &self.pid), ("--cgroupns", &self.cgroupns)] {
            extra::parse_ns_mode(flag, v.as_deref())?;
        }
        for e in &self.expose {
            let port = e.rsplit_once('/').map_or(e.as_str(), |(p, _)| p);
            if port.is_empty() || !port.split('-').all(|n| n.parse::<u16>().is_ok_and(|n| n > 0)) {
                return Err(Error::Invalid(format!(
                    "invalid port format for --expose {e:?}: give PORT[/PROTO] or a range such as 3300-3310"
                )));
            }
        }
        Ok(ExtraOptions {
            stop_signal: self.stop_signal.as_deref().map(crate::engine::lifecycle::parse_signal).transpose()?,
            annotations: self.annotation.iter().map(|a| extra::parse_annotation(a)).collect::<Result<_>>()?,
            tz: self.tz.clone(),
            umask: self.umask.as_deref().map(extra::parse_umask).transpose()?,
            unsetenv: self.unsetenv.clone(),
            unsetenv_all: self.unsetenv_all,
            env_merge: self
                .env_merge
                .iter()
                .map(|e| match e.split_once('=') {
                    Some((k, _)) if !k.is_empty() => Ok(e.clone()),
                    _ => Err(Error::Invalid(format!("--env-merge {e:?}: give KEY=VALUE"))),
                })
                .collect::<Result<_>>()?,
            expose: self.expose.clone(),
            no_hosts: self.no_hosts,
            group_add: self.group_add.iter().flat_map(|g| g.split(',')).filter(|g| !g.is_empty()).map(String::from).collect(),
            shm_size: self.shm_size.as_deref().map(|s| crate::engine::run::parse_bytes(s, "--shm-size").map(|n| n as u64)).transpose()?,
            sysctls: self.sysctl.iter().map(|s| extra::parse_sysctl(s, ipc_host, net_host, uts_host)).collect::<Result<_>>()?,
            oom_score_adj,
            personality: self.personality.as_deref().map(extra::parse_personality).transpose()?,
            uts: self.uts.clone(),
            ipc: self.ipc.clone(),
            pid: self.pid.clone(),
            cgroupns: self.cgroupns.clone(),
            timeout: self.timeout.filter(|t| *t > 0),
            pidfile: self.pidfile.as_ref().map(|p| std::path::absolute(p).unwrap_or_else(|_| p.clone())),
            conmon_pidfile: self.conmon_pidfile.as_ref().map(|p| std::path::absolute(p).unwrap_or_else(|_| p.clone())),
            hostusers: self.hostuser.clone(),
            passwd_entry: self.passwd_entry.clone(),
            attach: extra::parse_attach(&self.attach)?,
            requires: self.requires.iter().filter(|r| !r.is_empty()).cloned().collect(),
            image_volume: self.image_volume.as_deref().map(extra::parse_image_volume).transpose()?,
            volumes_from: self.volumes_from.iter().map(|v| extra::parse_volumes_from(v).map(|_| v.clone())).collect::<Result<_>>()?,
            passwd: self.passwd,
            ..ExtraOptions::default()
        })
    }
}

impl ExtraFlags {
    /// The resource flags of this set, added to the first set's.
    pub fn resources(&self, mut r: crate::engine::run::ResourceOptions) -> crate::engine::run::ResourceOptions {
        r.cpu_period = self.cpu_period;
        r.cpu_quota = self.cpu_quota;
        r.cpu_rt_period = self.cpu_rt_period;
        r.cpu_rt_runtime = self.cpu_rt_runtime;
        r.memory_swappiness = self.memory_swappiness;
        r.blkio_weight = self.blkio_weight;
        r.blkio_weight_device = self.blkio_weight_device.clone();
        r.device_read_bps = self.device_read_bps.clone();
        r.device_write_bps = self.device_write_bps.clone();
        r.device_read_iops = self.device_read_iops.clone();
        r.device_write_iops = self.device_write_iops.clone();
        r
    }

    /// `--platform`, or `--os`/`--arch`/`--variant` (the host's for what is not given).
    pub fn platform(&self) -> Result<Option<String>> {
        if self.platform.is_some() && (self.arch.is_some() || self.os.is_some()) {
            return Err(Error::Invalid("--platform option can not be specified with --arch or --os".into()));
        }
        if let Some(p) = &self.platform {
            return Ok(Some(p.clone()));
        }
        if self.arch.is_none() && self.os.is_none() && self.variant.is_none() {
            return Ok(None);
        }
        let host = crate::engine::images::host_platform();
        let os = self.os.clone().unwrap_or(host.0);
        let arch = self.arch.clone().unwrap_or(host.1);
        Ok(Some(match &self.variant {
            Some(v) => format!("{os}/{arch}/{v}"),
            None => format!("{os}/{arch}"),
        }))
    }
}
