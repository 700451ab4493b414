//! The verbs of issue 19 that need no file of their own: run's `--secret`
//! and `--health-*` flags, `healthcheck run`.

use super::Context;
use crate::engine::healthcheck;
use crate::engine::healthcheck::{parse_duration_ms, HealthConfig, OnFailure, SecretRequest};
use crate::error::{Error, Result};
use clap::{Args, Subcommand};
use std::os::fd::AsFd;

// run/create's `--secret` and health check flags.
#[derive(Debug, Args, Clone, Default)]
pub struct VerbFlags {
    /// Give the container a secret: NAME[,type=mount|env,target=PATH,uid=N,gid=N,mode=0NNN].
    #[arg(long = "secret", value_name = "SECRET")]
    pub secret: Vec<String>,
    /// The health check's command: a shell command, or a JSON array (["CMD", ...]).
    #[arg(long = "health-cmd", value_name = "COMMAND")]
    pub health_cmd: Option<String>,
    /// Time between checks (default 30s; 0 or disable: checks only by `healthcheck run`).
    #[arg(long = "health-interval", value_name = "INTERVAL")]
    pub health_interval: Option<String>,
    /// Failures in a row before the container is unhealthy (default 3).
    #[arg(long = "health-retries", value_name = "N")]
    pub health_retries: Option<u32>,
    /// Time after the start during which failures do not count (default 0s).
    #[arg(long = "health-start-period", value_name = "PERIOD")]
    pub health_start_period: Option<String>,
    /// Longest a check may take (default 30s).
    #[arg(long = "health-timeout", value_name = "TIMEOUT")]
    pub health_timeout: Option<String>,
    /// What to do when the container turns unhealthy: none, kill, restart, stop.
    #[arg(long = "health-on-failure", value_name = "ACTION")]
    pub health_on_failure: Option<String>,
    /// Run no health check, not even the image's.
    #[arg(long = "no-healthcheck")]
    pub no_healthcheck: bool,
}

impl VerbFlags {
    /// The `--secret` requests.
    pub fn secrets(&self) -> Result<Vec<SecretRequest>> {
        self.secret.iter().map(|s| SecretRequest::parse(s)).collect()
    }

    /// The health check asked for (None without --health-cmd).
    pub fn health(&self) -> Result<Option<HealthConfig>> {
        let Some(cmd) = self.health_cmd.as_deref() else {
            let others = self.health_interval.is_some()
                || self.health_retries.is_some()
                || self.health_start_period.is_some()
                || self.health_timeout.is_some()
                || self.health_on_failure.is_some();
            if others && !self.no_healthcheck {
                return Err(Error::Invalid(
                    "the --health-* flags need --health-cmd: to change the timing of an image's HEALTHCHECK, give its command too".into(),
                ));
            }
            return Ok(None);
        };
        if self.no_healthcheck {
            return Err(Error::Invalid("--no-healthcheck and --health-cmd conflict: give one of them".into()));
        }
        let dur = |flag: &str, v: &Option<String>, default: u64| v.as_deref().map_or(Ok(default), |s| parse_duration_ms(flag, s));
        let test = HealthConfig::test_of(cmd)?;
        Ok(Some(HealthConfig {
            test,
            interval_ms: dur("--health-interval", &self.health_interval, 30_000)?,
            timeout_ms: dur("--health-timeout", &self.health_timeout, 30_000)?,
            retries: self.health_retries.unwrap_or(3),
            start_period_ms: dur("--health-start-period", &self.health_start_period, 0)?,
            on_failure: OnFailure::parse(self.health_on_failure.as_deref().unwrap_or("none"))?,
        }))
    }
}

/// `sangja healthcheck ...`.
#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum HealthcheckCommand {
    /// Run a container's health check once: exit 0 if healthy, 1 (printing the status) if not.
    Run(HealthcheckRunArgs),
}

#[derive(Debug, Args)]
pub struct HealthcheckRunArgs {
    #[arg(value_name = "CONTAINER")]
    pub container: String,
}

pub fn healthcheck(ctx: &Context, c: HealthcheckCommand) -> Result<i32> {
    match c {
        HealthcheckCommand::Run(a) => {
            let status = healthcheck::run(&ctx.engine, &a.container)?;
            if status == "healthy" {
                return Ok(0);
            }
            println!("{status}");
            Ok(1)
        }
    }
}

// `init` flags.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// Initialize every container that is not running.
    #[arg(short, long)]
    pub all: bool,
    /// The newest container.
    #[arg(short, long)]
    pub latest: bool,
    #[arg(value_name = "CONTAINER", required_unless_present_any = ["all", "latest"])]
    pub names: Vec<String>,
}

/// `container init`: prints each container as given; podman's errors.
pub fn init(ctx: &Context, a: InitArgs) -> Result<i32> {
    use crate::engine::select::{Scope, Selection};
    let names = super::lifecycle::with_latest(ctx, a.latest, &a.names)?;
    let sel = Selection { names, all: a.all.then_some(Scope::NotRunning), ignore_missing: false };
    let mut last = None;
    for one in crate::engine::container_init::init(&ctx.engine, &sel)? {
        match one.result {
            Ok(id) => println!("{}", if a.all { id } else { one.given }),
            Err(e) => {
                if let Some(prev) = last.replace(e) {
                    eprintln!("Error: {prev}");
                }
            }
        }
    }
    last.map_or(Ok(0), Err)
}

// `volume export` flags.
#[derive(Debug, Args)]
pub struct VolumeExportArgs {
    /// Write to this file instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<std::path::PathBuf>,
    #[arg(value_name = "VOLUME")]
    pub volume: String,
}

// `volume import` arguments.
#[derive(Debug, Args)]
pub struct VolumeImportArgs {
    #[arg(value_name = "VOLUME")]
    pub volume: String,
    /// The tar file, or - for stdin.
    #[arg(value_name = "SOURCE")]
    pub source: String,
}

// `volume mount|unmount` arguments.
#[derive(Debug, Args)]
pub struct VolumeMountArgs {
    #[arg(value_name = "VOLUME", required = true)]
    pub volumes: Vec<String>,
}

pub fn volume_export(ctx: &Context, a: VolumeExportArgs) -> Result<i32> {
    use std::io::Write;
    match &a.output {
        Some(p) if p.as_os_str() != "/dev/stdout" && p.as_os_str() != "-" => {
            let mut f = std::fs::File::create(p).map_err(|e| Error::Invalid(format!("create {}: {e}", p.display())))?;
            crate::engine::volume_io::export(&ctx.engine, &a.volume, &mut f)?;
            f.sync_all().map_err(|e| Error::Invalid(format!("write {}: {e}", p.display())))?;
        }
        _ => {
            if crate::runtime::is_terminal(std::io::stdout().as_fd()) {
                return Err(Error::Invalid("cannot write to terminal, use command-line redirection or the --output flag".into()));
            }
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            crate::engine::volume_io::export(&ctx.engine, &a.volume, &mut out)?;
            out.flush().map_err(|e| Error::Invalid(format!("write the archive: {e}")))?;
        }
    }
    Ok(0)
}

pub fn volume_import(ctx: &Context, a: VolumeImportArgs) -> Result<i32> {
    if a.source == "-" {
        let mut input = std::io::stdin().lock();
        crate::engine::volume_io::import(&ctx.engine, &a.volume, &mut input)?;
    } else {
        let mut f = std::fs::File::open(&a.source).map_err(|e| Error::Invalid(format!("open {}: {e}", a.source)))?;
        crate::engine::volume_io::import(&ctx.engine, &a.volume, &mut f)?;
    }
    Ok(0)
}

pub fn volume_mount(ctx: &Context, a: VolumeMountArgs) -> Result<i32> {
    for v in &a.volumes {
        println!("{}", crate::engine::volume_io::mount(&ctx.engine, v)?.display());
    }
    Ok(0)
}

pub fn volume_unmount(ctx: &Context, a: VolumeMountArgs) -> Result<i32> {
    for v in &a.volumes {
        crate::engine::volume_io::unmount(&ctx.engine, v)?;
        println!("{v}");
    }
    Ok(0)
}

// `update` flags (podman's; the io and real-time ones are in compat.txt).
#[derive(Debug, Args)]
pub struct UpdateArgs {
    /// CPU shares (relative weight).
    #[arg(short = 'c', long = "cpu-shares", value_name = "SHARES")]
    pub cpu_shares: Option<u64>,
    /// Number of CPUs (0.5, 2...).
    #[arg(long, value_name = "NUMBER")]
    pub cpus: Option<String>,
    /// CPUs the container may run on (0-3, 0,1).
    #[arg(long = "cpuset-cpus", value_name = "CPUS")]
    pub cpuset_cpus: Option<String>,
    /// Memory nodes the container may use.
    #[arg(long = "cpuset-mems", value_name = "NODES")]
    pub cpuset_mems: Option<String>,
    /// Memory limit (512m, 1g).
    #[arg(short = 'm', long, value_name = "SIZE")]
    pub memory: Option<String>,
    /// Memory soft limit.
    #[arg(long = "memory-reservation", value_name = "SIZE")]
    pub memory_reservation: Option<String>,
    /// Memory plus swap limit (-1: unlimited swap).
    #[arg(long = "memory-swap", value_name = "SIZE", allow_hyphen_values = true)]
    pub memory_swap: Option<String>,
    /// Largest number of processes (-1 or 0: no limit).
    #[arg(long = "pids-limit", value_name = "N", allow_hyphen_values = true)]
    pub pids_limit: Option<i64>,
    #[arg(value_name = "CONTAINER")]
    pub container: String,
}

/// `update CTR`: prints the container's id, as podman.
pub fn update(ctx: &Context, a: UpdateArgs) -> Result<i32> {
    let req = crate::engine::update::UpdateRequest {
        container: a.container,
        memory: a.memory,
        memory_swap: a.memory_swap,
        memory_reservation: a.memory_reservation,
        cpus: a.cpus,
        cpu_shares: a.cpu_shares,
        cpuset_cpus: a.cpuset_cpus,
        cpuset_mems: a.cpuset_mems,
        pids_limit: a.pids_limit,
    };
    println!("{}", crate::engine::update::update(&ctx.engine, &req)?);
    Ok(0)
}
