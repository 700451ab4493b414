//! `volume create|ls|inspect|rm|prune|exists` and the mount flags of
//! `run`/`create` (-v, --mount, --tmpfs, --read-only).

use crate::engine::volumes::MountRequest;
use crate::error::Result;
use clap::Args;

// Mount flags shared by `run` and `create`.
#[derive(Debug, Args, Default)]
pub struct MountFlags {
    /// Bind mount a host path or mount a volume: [SOURCE:]DEST[:ro|rw,z,Z,U,nocopy,...].
    #[arg(short = 'v', long = "volume", value_name = "[SOURCE:]DEST[:OPTIONS]")]
    pub volumes: Vec<String>,
    /// A mount: type=bind|volume|tmpfs,source=,destination=[,ro][,bind-propagation=][,tmpfs-size=][,tmpfs-mode=].
    #[arg(long = "mount", value_name = "type=TYPE,...")]
    pub mount: Vec<String>,
    /// Mount a tmpfs at DEST: DEST[:size=SIZE,mode=MODE,...].
    #[arg(long = "tmpfs", value_name = "DEST[:OPTIONS]")]
    pub tmpfs: Vec<String>,
    /// Mount the container's root filesystem read-only.
    #[arg(long = "read-only")]
    pub read_only: bool,
    /// With --read-only, mount tmpfs on /tmp, /var/tmp and /run (default true).
    #[arg(long = "read-only-tmpfs", value_name = "BOOL", num_args = 0..=1, default_value = "true",
          default_missing_value = "true", value_parser = super::parse_bool)]
    pub read_only_tmpfs: bool,
}

impl MountFlags {
    /// The parsed requests, in flag order: volumes, then --mount, then --tmpfs.
    pub fn requests(&self) -> Result<Vec<MountRequest>> {
        engine_volumes::parse_requests(&self.volumes, &self.mount, &self.tmpfs)
    }
}

use super::format::{self, Format};
use super::Context;
use crate::engine::inspect as engine_inspect;
use crate::engine::volumes::{self as engine_volumes, CreateOptions, Volume};
use crate::error::Error;
use clap::Subcommand;
use serde_json::Value;
use std::collections::BTreeMap;

/// `sangja volume ...`.
#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum VolumeCommand {
    /// Create a volume.
    Create(CreateArgs),
    /// List volumes.
    #[command(alias = "list")]
    Ls(LsArgs),
    /// Show volumes' details as JSON.
    Inspect(InspectArgs),
    /// Remove volumes.
    #[command(alias = "remove")]
    Rm(RmArgs),
    /// Remove every volume no container uses.
    Prune(PruneArgs),
    /// Exit 0 if the volume exists, 1 if not.
    Exists(ExistsArgs),
    /// Write a volume's content to a tar archive.
    Export(super::verbs::VolumeExportArgs),
    /// Unpack a tar archive into a volume.
    Import(super::verbs::VolumeImportArgs),
    /// Print a volume's mountpoint (its folder; rootless: use it inside `sangja unshare`).
    Mount(super::verbs::VolumeMountArgs),
    /// Undo `volume mount` (nothing to undo for a local volume's folder).
    #[command(alias = "umount")]
    Unmount(super::verbs::VolumeMountArgs),
}

#[derive(Debug, Args)]
pub struct CreateArgs {
    /// Volume driver: only local.
    #[arg(short = 'd', long, default_value = "local")]
    pub driver: String,
    /// Set a label (KEY=VALUE).
    #[arg(short = 'l', long = "label", value_name = "KEY=VALUE")]
    pub labels: Vec<String>,
    /// Driver option (local: type=, device=, o=).
    #[arg(short = 'o', long = "opt", value_name = "KEY=VALUE")]
    pub opts: Vec<String>,
    /// Do nothing if the volume exists.
    #[arg(long)]
    pub ignore: bool,
    /// Name (default: a random id).
    pub name: Option<String>,
}

#[derive(Debug, Args)]
pub struct LsArgs {
    /// Filter: name=, label=KEY[=VALUE], dangling=true|false, driver=.
    #[arg(short = 'f', long = "filter", value_name = "FILTER")]
    pub filters: Vec<String>,
    /// Output format: table, json, or a Go template ('{{.Name}}').
    #[arg(long)]
    pub format: Option<String>,
    /// Print only names.
    #[arg(short, long)]
    pub quiet: bool,
    /// Do not print the title line.
    #[arg(long)]
    pub noheading: bool,
}

#[derive(Debug, Args)]
pub struct InspectArgs {
    /// Output format: json (default) or a Go template.
    #[arg(short, long)]
    pub format: Option<String>,
    /// Inspect every volume.
    #[arg(short, long)]
    pub all: bool,
    pub names: Vec<String>,
}

#[derive(Debug, Args)]
pub struct RmArgs {
    /// Remove volumes in use too, with the containers that use them.
    #[arg(short, long)]
    pub force: bool,
    /// Remove every volume.
    #[arg(short, long)]
    pub all: bool,
    pub names: Vec<String>,
}

#[derive(Debug, Args)]
pub struct PruneArgs {
    /// Do not ask for confirmation.
    #[arg(short, long)]
    pub force: bool,
    /// Only volumes with (label=) or without (label!=) a label, or created before until=TIME.
    #[arg(long = "filter", value_name = "FILTER")]
    pub filters: Vec<String>,
}

#[derive(Debug, Args)]
pub struct ExistsArgs {
    pub name: String,
}

fn kv(list: &[String], what: &str) -> Result<BTreeMap<String, String>> {
    let mut m = BTreeMap::new();
    for s in list {
        match s.split_once('=') {
            Some((k, v)) if !k.is_empty() => {
                m.insert(k.to_string(), v.to_string());
            }
            _ if what == "label" && !s.is_empty() => {
                m.insert(s.clone(), String::new());
            }
            _ => return Err(Error::Invalid(format!("{what} {s:?} is not KEY=VALUE"))),
        }
    }
    Ok(m)
}

/// podman's `volume inspect` object (the engine's document), as JSON.
fn object(ctx: &Context, v: &Volume, users: usize) -> Value {
    serde_json::to_value(engine_inspect::volume_doc(&ctx.engine, v, users)).unwrap_or_default()
}

/// Runs `volume ...`; returns the exit code.
pub fn volume(ctx: &Context, cmd: VolumeCommand) -> Result<i32> {
    match cmd {
        VolumeCommand::Create(a) => {
            if a.driver != "local" {
                return Err(Error::Invalid(format!("volume driver {:?} is not available: use --driver local", a.driver)));
            }
            let opts =
                CreateOptions { name: a.name, labels: kv(&a.labels, "label")?, options: kv(&a.opts, "option")?, ignore_existing: a.ignore };
            let v = engine_volumes::create(&ctx.engine, opts)?;
            println!("{}", v.name);
            Ok(0)
        }
        VolumeCommand::Ls(a) => ls(ctx, a),
        VolumeCommand::Inspect(a) => {
            let mut rows = Vec::new();
            let mut code = 0;
            for doc in engine_inspect::volumes(&ctx.engine, &a.names, a.all)? {
                match doc {
                    Ok(d) => rows.push(serde_json::to_value(d).unwrap_or_default()),
                    Err(e) => {
                        eprintln!("Error: {e}");
                        code = e.exit_code();
                    }
                }
            }
            match Format::parse(a.format.as_deref()) {
                Format::Table | Format::Json => println!("{}", serde_json::to_string_pretty(&Value::Array(rows)).unwrap_or_default()),
                Format::Template { template, .. } => print!("{}", format::template(&template, false, &rows)?),
            }
            Ok(code)
        }
        VolumeCommand::Rm(a) => {
            let names: Vec<String> = if a.all { engine_volumes::names(&ctx.engine)? } else { a.names.clone() };
            if names.is_empty() {
                return Err(Error::Invalid("give the volumes to remove, or --all".into()));
            }
            let mut code = 0;
            for n in names {
                match engine_volumes::remove(&ctx.engine, &n, a.force) {
                    Ok(()) => println!("{n}"),
                    // podman: --force also means a missing volume is no error.
                    Err(e) if a.force && e.kind() == crate::error::ErrorKind::NotFound => {}
                    Err(e) => {
                        eprintln!("Error: {e}");
                        // podman: 1 no such volume, 2 in use, 125 anything else.
                        code = code.max(e.remove_exit_code());
                    }
                }
            }
            Ok(code)
        }
        VolumeCommand::Prune(a) => super::prune::volume_prune(ctx, a.force, &a.filters),
        VolumeCommand::Exists(a) => Ok(if engine_volumes::exists(&ctx.engine, &a.name)? { 0 } else { 1 }),
        VolumeCommand::Export(a) => super::verbs::volume_export(ctx, a),
        VolumeCommand::Import(a) => super::verbs::volume_import(ctx, a),
        VolumeCommand::Mount(a) => super::verbs::volume_mount(ctx, a),
        VolumeCommand::Unmount(a) => super::verbs::volume_unmount(ctx, a),
    }
}

fn ls(ctx: &Context, a: LsArgs) -> Result<i32> {
    let mut rows = Vec::new();
    'vols: for (v, users) in engine_volumes::list(&ctx.engine)? {
        for f in &a.filters {
            let (k, val) = f.split_once('=').unwrap_or((f.as_str(), ""));
            let keep = match k {
                // podman: a regular expression, matched anywhere in the name.
                "name" => regex::Regex::new(val)
                    .map_err(|e| Error::Invalid(format!("filter {f:?}: {val:?} is not a regular expression: {e}")))?
                    .is_match(&v.name),
                "driver" => v.driver == val,
                "label" => match val.split_once('=') {
                    Some((lk, lv)) => v.labels.get(lk).is_some_and(|x| x == lv),
                    None => v.labels.contains_key(val),
                },
                "dangling" => match val {
                    "true" | "1" => users.is_empty(),
                    "false" | "0" => !users.is_empty(),
                    _ => return Err(Error::Invalid(format!("filter {f:?}: dangling takes true or false"))),
                },
                _ => return Err(Error::Invalid(format!("filter {f:?} is not supported: use name=, label=, dangling=, driver="))),
            };
            if !keep {
                continue 'vols;
            }
        }
        rows.push(object(ctx, &v, users.len()));
    }
    if a.quiet {
        for r in &rows {
            println!("{}", format::scalar(&r["Name"]));
        }
        return Ok(0);
    }
    let fmt = Format::parse(a.format.as_deref());
    let out = format::render(&fmt, &[("DRIVER", "Driver"), ("VOLUME NAME", "Name")], &rows)?;
    print!("{}", format::without_header(&fmt, out, a.noheading));
    Ok(0)
}
