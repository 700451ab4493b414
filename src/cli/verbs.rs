//! The verbs of issue 19 that need no file of their own: run's `--secret`
//! and `--health-*` flags, `healthcheck run`.

use super::Context;
use crate::engine::healthcheck;
use crate::engine::healthcheck::{parse_duration_ms, HealthConfig, OnFailure, SecretRequest};
use crate::error::{Error, Result};
use clap::{Args, Subcommand};

/// run/create's `--secret` and health check flags.
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
                    "the --health-* flags need --health-cmd: sangja does not read an image's HEALTHCHECK yet".into(),
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
