//! `run`/`create` flags for running under a supervisor (systemd units):
//! `--restart`, `--sdnotify`, `--stop-timeout`, `--cidfile`, `--replace`.

use crate::engine::run::{RestartPolicy, SdNotify};
use crate::error::{Error, Result};
use clap::Args;
use std::path::{Path, PathBuf};

// The flags (podman's names).
#[derive(Debug, Args, Default, Clone)]
pub struct SupervisorFlags {
    /// Restart policy of a detached container: no, on-failure[:N], always, unless-stopped.
    #[arg(long, value_name = "POLICY")]
    pub restart: Option<String>,
    /// Who sends READY=1 to $NOTIFY_SOCKET: container (default, as podman: the app, the socket is passed in), conmon (sangja, once the container runs) or ignore.
    #[arg(long, value_name = "MODE")]
    pub sdnotify: Option<String>,
    /// Seconds from the stop signal to SIGKILL when the container is stopped (default 10).
    #[arg(long = "stop-timeout", value_name = "SECONDS")]
    pub stop_timeout: Option<u64>,
    /// Write the container's id to this file (refused if it exists).
    #[arg(long, value_name = "FILE")]
    pub cidfile: Option<PathBuf>,
    /// Remove a container of the same name first (stopping it if it runs).
    #[arg(long)]
    pub replace: bool,
    /// Read environment variables from a file (KEY=VALUE lines, # comments); -e wins.
    #[arg(long = "env-file", value_name = "FILE")]
    pub env_file: Vec<PathBuf>,
}

impl SupervisorFlags {
    /// (restart, sdnotify), checked against `--rm` as podman does.
    pub fn policies(&self, remove: bool) -> Result<(RestartPolicy, SdNotify)> {
        let restart = RestartPolicy::parse(self.restart.as_deref().unwrap_or("no"))?;
        if remove && restart != RestartPolicy::No {
            return Err(Error::Invalid(
                "the --rm option conflicts with --restart, when the restartPolicy is not \"\" and \"no\": drop one of them".into(),
            ));
        }
        let notify = match &self.sdnotify {
            Some(s) => SdNotify::parse(s)?,
            None => SdNotify::default(),
        };
        Ok((restart, notify))
    }

    /// The variables of `--env-file`s, in order, before `-e`'s.
    pub fn env_from_files(&self) -> Result<Vec<String>> {
        let mut out = Vec::new();
        for f in &self.env_file {
            let text =
                std::fs::read_to_string(f).map_err(|e| Error::Invalid(format!("cannot read the --env-file {}: {e}", f.display())))?;
            for (n, line) in text.lines().enumerate() {
                let l = line.trim_start();
                if l.is_empty() || l.starts_with('#') {
                    continue;
                }
                if l.split('=').next().is_some_and(|k| k.is_empty() || k.contains(char::is_whitespace)) {
                    return Err(Error::Invalid(format!("{}:{}: {line:?} is not KEY=VALUE or KEY", f.display(), n + 1)));
                }
                out.push(l.to_string());
            }
        }
        Ok(out)
    }

    /// Refuses an existing cidfile before anything is created.
    pub fn check_cidfile(&self) -> Result<()> {
        if let Some(f) = &self.cidfile {
            if f.exists() {
                return Err(Error::Invalid(format!(
                    "container id file {} exists: make sure no other container uses it, or delete it",
                    f.display()
                )));
            }
        }
        Ok(())
    }

    /// Writes the id once the container exists.
    pub fn write_cidfile(&self, id: &str) -> Result<()> {
        if let Some(f) = &self.cidfile {
            write_new(f, id)?;
        }
        Ok(())
    }
}

fn write_new(f: &Path, id: &str) -> Result<()> {
    use std::io::Write;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(f)
        .map_err(|e| Error::Invalid(format!("cannot write the container id file {}: {e}", f.display())))?;
    file.write_all(id.as_bytes()).map_err(|e| Error::Invalid(format!("cannot write the container id file {}: {e}", f.display())))
}

/// The container named in a `--cidfile` (for stop and rm); None when the
/// file is missing and `ignore` is set.
pub fn read_cidfile(f: &Path, ignore: bool) -> Result<Option<String>> {
    match std::fs::read_to_string(f) {
        Ok(s) if !s.trim().is_empty() => Ok(Some(s.trim().to_string())),
        Ok(_) if ignore => Ok(None),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && ignore => Ok(None),
        Ok(_) => Err(Error::Invalid(format!("the container id file {} is empty", f.display()))),
        Err(e) => Err(Error::Invalid(format!("cannot read the container id file {}: {e}", f.display()))),
    }
}

/// Before a `run`/`create`: the cidfile must not exist, and `--replace`
/// removes a container of the same name (stopped first, as `rm -f`).
pub fn before_create(ctx: &super::Context, args: &super::run::RunArgs) -> Result<()> {
    let f = &args.supervisor_flags;
    f.check_cidfile()?;
    if !f.replace {
        return Ok(());
    }
    let Some(name) = &args.name else {
        return Err(Error::Invalid("--replace needs --name: it replaces the container of that name".into()));
    };
    crate::engine::containers::replace(&ctx.engine, name)
}
