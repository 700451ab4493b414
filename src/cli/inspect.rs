//! `inspect`: containers and images as JSON, podman's field names.

use super::containers::labels;
use super::format::{self, Format};
use super::Context;
use crate::container::record::Status;
use crate::error::{Error, Result};
use crate::image::store::ImageStore;
use crate::storage::layers::LayerStore;
use clap::{Args, ValueEnum};
use serde_json::{json, Value};

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
            InspectKind::All => container_json(ctx, name)
                .or_else(|_| image_json(ctx, name))
                .map_err(|_| Error::NotFound(format!("no such object: \"{name}\": it is neither a container nor an image"))),
        };
        match found {
            Ok(v) => objects.push(v),
            Err(e) => {
                eprintln!("Error: {e}");
                code = e.exit_code();
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
    // Addresses and ports while it runs, as podman (empty once stopped).
    let net = match c.is_running() {
        true => crate::network::read_state(&c.userdata_dir()).unwrap_or_default(),
        false => Default::default(),
    };
    Ok(json!({
        "Id": c.config.id,
        "Created": c.config.created,
        "Path": c.config.command.first(),
        "Args": c.config.command.iter().skip(1).collect::<Vec<_>>(),
        "State": {
            "OciVersion": "1.2.0",
            "Status": s.status.as_str(),
            "Running": matches!(s.status, Status::Running | Status::Paused),
            "Paused": s.status == Status::Paused,
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
        "RestartCount": s.restart_count,
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
            "StopTimeout": o.stop_timeout.unwrap_or(10),
            "CreateCommand": o.create_command,
            "SdNotifyMode": o.sdnotify.as_str(),
        },
        "NetworkSettings": crate::network::settings_json(&net),
        "HostConfig": {
            "NetworkMode": crate::network::mode_name(&o.network),
            "AutoRemove": o.remove,
            "RestartPolicy": { "Name": o.restart.name(), "MaximumRetryCount": o.restart.max_retries() },
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
