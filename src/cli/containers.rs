//! `run`, `ps`, `rm`, `inspect`.

use super::format::{self, Format};
use super::Context;
use crate::container::record::{Container, Status};
use crate::container::{NetworkMode, RunOptions};
use crate::engine::{containers, run};
use crate::error::{Error, Result};
use crate::image::store::{ImageRecord, ImageStore};
use crate::storage::layers::LayerStore;
use clap::{Args, ValueEnum};
use serde_json::{json, Value};

/// `run` flags (podman's names).
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Remove the container when it exits.
    #[arg(long)]
    pub rm: bool,
    /// Name of the container.
    #[arg(long)]
    pub name: Option<String>,
    /// Set an environment variable (KEY=VALUE, or KEY to copy it from here).
    #[arg(short = 'e', long = "env", value_name = "KEY=VALUE")]
    pub env: Vec<String>,
    /// Working directory inside the container.
    #[arg(short = 'w', long = "workdir", value_name = "DIR")]
    pub workdir: Option<String>,
    /// Container host name.
    #[arg(long, value_name = "NAME")]
    pub hostname: Option<String>,
    /// User (name or uid, optionally :group) to run the command as.
    #[arg(short = 'u', long, value_name = "USER[:GROUP]")]
    pub user: Option<String>,
    /// Override the image's ENTRYPOINT ("" clears it).
    #[arg(long, value_name = "CMD")]
    pub entrypoint: Option<String>,
    /// Network mode: none (default for now) or host.
    #[arg(long = "network", alias = "net", value_name = "MODE", default_value = "none")]
    pub network: String,
    /// Add a label (KEY=VALUE).
    #[arg(short = 'l', long = "label", value_name = "KEY=VALUE")]
    pub labels: Vec<String>,
    /// Keep stdin open.
    #[arg(short = 'i', long)]
    pub interactive: bool,
    /// Allocate a pseudo-TTY.
    #[arg(short = 't', long)]
    pub tty: bool,
    /// Pull policy when the image is not in the store: missing, always, never.
    #[arg(long, value_name = "POLICY", default_value = "missing")]
    pub pull: PullPolicy,
    /// Require HTTPS for a pull (`--tls-verify=false` allows plain HTTP).
    #[arg(long = "tls-verify", value_name = "BOOL", num_args = 0..=1, default_missing_value = "true", value_parser = super::parse_bool)]
    pub tls_verify: Option<bool>,
    /// Suppress pull progress.
    #[arg(short, long)]
    pub quiet: bool,
    /// The image to run.
    #[arg(value_name = "IMAGE")]
    pub image: String,
    /// The command and its arguments (default: the image's).
    #[arg(value_name = "COMMAND", trailing_var_arg = true, allow_hyphen_values = true)]
    pub command: Vec<String>,
}

/// When `run` pulls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PullPolicy {
    Missing,
    Always,
    Never,
    Newer,
}

impl RunArgs {
    fn options(&self) -> Result<RunOptions> {
        let network = match self.network.as_str() {
            "none" => NetworkMode::None,
            "host" => NetworkMode::Host,
            other => {
                return Err(Error::Invalid(format!(
                    "network mode {other:?} is not available: use --network none or --network host"
                )))
            }
        };
        if self.tty {
            return Err(Error::Invalid(
                "-t (a terminal for the container) is not available yet: run without -t".into(),
            ));
        }
        Ok(RunOptions {
            name: self.name.clone(),
            command: self.command.clone(),
            entrypoint: self.entrypoint.clone(),
            env: self.env.clone(),
            workdir: self.workdir.clone(),
            user: self.user.clone(),
            hostname: self.hostname.clone(),
            network,
            tty: self.tty,
            interactive: self.interactive,
            remove: self.rm,
            labels: self.labels.clone(),
        })
    }
}

/// Finds the image locally, pulling it per the policy. The pull runs in a
/// child sangja: it starts threads, and the container must be forked from a
/// single-threaded process (DESIGN.md, fork safety).
fn resolve_image(ctx: &Context, args: &RunArgs) -> Result<ImageRecord> {
    let store = ImageStore::new(&ctx.engine.paths);
    let local = store.lookup(&args.image);
    let need_pull = match (args.pull, &local) {
        (PullPolicy::Always | PullPolicy::Newer, _) => true,
        (PullPolicy::Missing, Err(Error::ImageNotFound(_))) => true,
        (_, Err(e)) if !matches!(e, Error::ImageNotFound(_)) => return local,
        _ => false,
    };
    if !need_pull {
        return local;
    }
    let exe = std::env::current_exe().map_err(|e| Error::Runtime(format!("cannot find sangja's own binary: {e}")))?;
    let mut cmd = std::process::Command::new(exe);
    cmd.args(&ctx.cli_globals).arg("pull");
    if let Some(v) = args.tls_verify {
        cmd.arg(format!("--tls-verify={v}"));
    }
    if args.quiet {
        cmd.arg("-q");
    }
    cmd.arg(&args.image).stdout(std::process::Stdio::null());
    let status = cmd.status().map_err(|e| Error::Runtime(format!("cannot run sangja pull: {e}")))?;
    if !status.success() {
        // The child printed why; keep podman's code for a failed pull.
        return Err(Error::Registry(format!("{}: pulling the image failed (see above)", args.image)));
    }
    store.lookup(&args.image)
}

/// Runs a container in the foreground; returns its exit code.
pub fn run(ctx: &Context, args: RunArgs) -> Result<i32> {
    let opts = args.options()?;
    let image = resolve_image(ctx, &args)?;
    let (container, spec) = run::create(&ctx.engine, &image, &args.image, opts)?;
    run::start_foreground(&ctx.engine, &image, container, &spec)
}

/// `ps` flags.
#[derive(Debug, Args)]
pub struct PsArgs {
    /// Show all containers, not only running ones.
    #[arg(short, long)]
    pub all: bool,
    /// Show only ids.
    #[arg(short, long)]
    pub quiet: bool,
    /// Do not truncate ids.
    #[arg(long = "no-trunc")]
    pub no_trunc: bool,
    /// Show the latest container only.
    #[arg(short = 'l', long)]
    pub latest: bool,
    /// Output format: table, json, or a Go template such as '{{.ID}} {{.Names}}'.
    #[arg(long)]
    pub format: Option<String>,
}

fn unix(ts: &Option<String>) -> i64 {
    ts.as_deref().and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok()).map(|t| t.timestamp()).unwrap_or(0)
}

fn status_text(c: &Container) -> String {
    match c.state.status {
        Status::Created => "Created".into(),
        Status::Running => format!("Up {}", format::ago(c.state.started_at.as_deref().unwrap_or("")).trim_end_matches(" ago")),
        Status::Exited => format!(
            "Exited ({}) {}",
            c.state.exit_code.unwrap_or(-1),
            format::ago(c.state.finished_at.as_deref().unwrap_or(""))
        ),
    }
}

/// podman's `ps --format json` object, plus the template fields.
fn ps_object(c: &Container, no_trunc: bool) -> Value {
    let s = &c.state;
    json!({
        "AutoRemove": c.config.options.remove,
        "Command": c.config.command,
        "Created": unix(&Some(c.config.created.clone())),
        "CreatedAt": c.config.created,
        "Exited": s.status == Status::Exited,
        "ExitedAt": unix(&s.finished_at),
        "ExitCode": s.exit_code.unwrap_or(0),
        "Id": c.config.id,
        "ID": if no_trunc { c.config.id.clone() } else { c.config.id[..12].to_string() },
        "Image": c.config.image_name,
        "ImageID": c.config.image_id,
        "Labels": labels(&c.config.options.labels),
        "Mounts": [],
        "Names": [c.config.name],
        "Pid": s.pid.unwrap_or(0),
        "Ports": null,
        "StartedAt": unix(&s.started_at),
        "State": s.status.as_str(),
        "Status": status_text(c),
    })
}

fn labels(l: &[String]) -> Value {
    let m: serde_json::Map<String, Value> = l
        .iter()
        .map(|kv| match kv.split_once('=') {
            Some((k, v)) => (k.to_string(), Value::String(v.to_string())),
            None => (kv.clone(), Value::String(String::new())),
        })
        .collect();
    Value::Object(m)
}

/// Lists containers.
pub fn ps(ctx: &Context, args: PsArgs) -> Result<i32> {
    let mut list = containers::list(&ctx.engine, args.all || args.latest)?;
    if args.latest {
        list.truncate(1);
    }
    if args.quiet {
        for c in &list {
            println!("{}", if args.no_trunc { &c.config.id[..] } else { &c.config.id[..12] });
        }
        return Ok(0);
    }
    let rows: Vec<Value> = list.iter().map(|c| ps_object(c, args.no_trunc)).collect();
    let table_rows: Vec<Value> = rows
        .iter()
        .zip(&list)
        .map(|(r, c)| {
            let mut r = r.clone();
            r["Command"] = Value::String(truncate(&c.config.command.join(" "), 20, args.no_trunc));
            r["Created"] = Value::String(format::ago(&c.config.created));
            r["Names"] = Value::String(c.config.name.clone());
            r["Ports"] = Value::String(String::new());
            r
        })
        .collect();
    let fmt = Format::parse(args.format.as_deref());
    let out = match fmt {
        Format::Json => serde_json::to_string_pretty(&rows).unwrap_or_default() + "\n",
        _ => format::render(
            &fmt,
            &[("CONTAINER ID", "ID"), ("IMAGE", "Image"), ("COMMAND", "Command"), ("CREATED", "Created"), ("STATUS", "Status"), ("PORTS", "Ports"), ("NAMES", "Names")],
            &table_rows,
        )?,
    };
    print!("{out}");
    Ok(0)
}

fn truncate(s: &str, n: usize, no_trunc: bool) -> String {
    if no_trunc || s.chars().count() <= n {
        s.to_string()
    } else {
        s.chars().take(n - 3).collect::<String>() + "..."
    }
}

/// `rm` flags.
#[derive(Debug, Args)]
pub struct RmArgs {
    /// Remove running containers too (killing them).
    #[arg(short, long)]
    pub force: bool,
    /// Remove all containers.
    #[arg(short, long)]
    pub all: bool,
    /// Containers to remove, by name or id.
    #[arg(value_name = "CONTAINER", required_unless_present = "all")]
    pub containers: Vec<String>,
}

/// Removes containers, printing each id; podman's exit codes (1: no such container, 2: running).
pub fn remove(ctx: &Context, args: RmArgs) -> Result<i32> {
    let targets: Vec<String> = if args.all {
        containers::list(&ctx.engine, true)?.into_iter().map(|c| c.config.id).collect()
    } else {
        args.containers.clone()
    };
    let mut code = 0;
    for t in targets {
        match containers::remove(&ctx.engine, &t, args.force) {
            Ok(id) => println!("{id}"),
            Err(e) => {
                eprintln!("Error: {e}");
                let c = match e {
                    Error::ContainerNotFound(_) => 1,
                    Error::State(_) => 2,
                    other => other.exit_code(),
                };
                if code == 0 {
                    code = c;
                }
            }
        }
    }
    Ok(code)
}

/// What `inspect` looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InspectKind {
    Container,
    Image,
    All,
}

/// `inspect` flags.
#[derive(Debug, Args)]
pub struct InspectArgs {
    /// Only look for this kind of object.
    #[arg(short = 't', long = "type", value_name = "TYPE")]
    pub kind: Option<InspectKind>,
    /// A Go template applied to each object, e.g. '{{.State.Status}}'.
    #[arg(short, long)]
    pub format: Option<String>,
    /// Containers or images, by name or id.
    #[arg(value_name = "NAME", required = true)]
    pub names: Vec<String>,
}

/// Prints objects as a JSON array, or each through the template.
pub fn inspect(ctx: &Context, args: InspectArgs) -> Result<i32> {
    let kind = args.kind.unwrap_or(InspectKind::All);
    let mut objects = Vec::new();
    let mut code = 0;
    for name in &args.names {
        let found = match kind {
            InspectKind::Container => container_json(ctx, name),
            InspectKind::Image => image_json(ctx, name),
            InspectKind::All => container_json(ctx, name).or_else(|_| image_json(ctx, name)).map_err(|_| {
                Error::Invalid(format!("no such object: \"{name}\": it is neither a container nor an image"))
            }),
        };
        match found {
            Ok(v) => objects.push(v),
            Err(e) => {
                eprintln!("Error: {e}");
                code = 125;
            }
        }
    }
    match Format::parse(args.format.as_deref()) {
        Format::Template { template, .. } => print!("{}", format::template(&template, false, &objects)?),
        _ => println!("{}", serde_json::to_string_pretty(&objects).unwrap_or_default()),
    }
    Ok(code)
}

fn container_json(ctx: &Context, name: &str) -> Result<Value> {
    let c = crate::container::record::ContainerStore::new(&ctx.engine.paths).lookup(name)?;
    let spec: Option<Value> = crate::json_file::read_opt(&c.dir.join("spec.json"))?;
    let process = spec.as_ref().map(|s| s["process"].clone()).unwrap_or(Value::Null);
    let o = &c.config.options;
    let s = &c.state;
    let lower: Vec<String> = ImageStore::new(&ctx.engine.paths)
        .lookup(&c.config.image_id)
        .map(|i| {
            let layers = LayerStore::new(&ctx.engine.paths);
            i.layers.iter().rev().map(|d| layers.diff_dir(d).display().to_string()).collect()
        })
        .unwrap_or_default();
    Ok(json!({
        "Id": c.config.id,
        "Created": c.config.created,
        "Path": c.config.command.first(),
        "Args": c.config.command.iter().skip(1).collect::<Vec<_>>(),
        "State": {
            "OciVersion": "1.2.0",
            "Status": s.status.as_str(),
            "Running": s.status == Status::Running,
            "Paused": false,
            "Restarting": false,
            "OOMKilled": false,
            "Dead": false,
            "Pid": s.pid.unwrap_or(0),
            "ExitCode": s.exit_code.unwrap_or(0),
            "Error": "",
            "StartedAt": s.started_at.clone().unwrap_or_default(),
            "FinishedAt": s.finished_at.clone().unwrap_or_default(),
        },
        "Image": c.config.image_id,
        "ImageName": c.config.image_name,
        "Name": c.config.name,
        "RestartCount": 0,
        "Driver": ctx.engine.paths.driver,
        "Config": {
            "Hostname": spec.as_ref().map(|s| s["hostname"].clone()).unwrap_or(Value::Null),
            "User": o.user.clone().unwrap_or_default(),
            "Env": process["env"].clone(),
            "Cmd": c.config.command,
            "WorkingDir": process["cwd"].clone(),
            "Entrypoint": o.entrypoint.clone().unwrap_or_default(),
            "Image": c.config.image_name,
            "Labels": labels(&o.labels),
            "Tty": o.tty,
            "OpenStdin": o.interactive,
        },
        "HostConfig": {
            "NetworkMode": match o.network { NetworkMode::None => "none", NetworkMode::Host => "host" },
            "AutoRemove": o.remove,
        },
        "Mounts": [],
        "GraphDriver": {
            "Name": ctx.engine.paths.driver,
            "Data": {
                "LowerDir": lower.join(":"),
                "UpperDir": c.upper_dir(),
                "WorkDir": c.work_dir(),
            }
        },
    }))
}

fn image_json(ctx: &Context, name: &str) -> Result<Value> {
    let img = ImageStore::new(&ctx.engine.paths).lookup(name)?;
    let cfg = serde_json::to_value(&img.config).unwrap_or(Value::Null);
    let layers = LayerStore::new(&ctx.engine.paths);
    let diff_ids: Vec<String> = img.layers.iter().filter_map(|d| layers.info(d).ok()).map(|i| i.diff_id).collect();
    Ok(json!({
        "Id": img.id,
        "Digest": img.digest,
        "RepoTags": img.names,
        "RepoDigests": img.names.iter().map(|n| format!("{}@{}", n.rsplit_once(':').filter(|(_, t)| !t.contains('/')).map(|(r, _)| r).unwrap_or(n), img.digest)).collect::<Vec<_>>(),
        "Created": img.created,
        "Config": cfg["config"],
        "Architecture": cfg["architecture"],
        "Os": cfg["os"],
        "Size": img.size,
        "VirtualSize": img.size,
        "RootFS": { "Type": "layers", "Layers": diff_ids },
        "GraphDriver": {
            "Name": ctx.engine.paths.driver,
            "Data": { "LowerDir": img.layers.iter().rev().map(|d| layers.diff_dir(d).display().to_string()).collect::<Vec<_>>().join(":") }
        },
        "History": cfg["history"],
    }))
}

