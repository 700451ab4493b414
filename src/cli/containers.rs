//! `ps`, `rm`.

use super::format::{self, Format};
use super::Context;
use crate::engine::containers::{self, Container, PsRequest, RemoveOutcome, RemoveRequest, Status};
use crate::engine::lifecycle::StopOptions;
use crate::engine::select::{Scope, Selection};
use crate::error::Result;
use clap::Args;
use serde_json::{json, Value};

// `ps` flags.
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
    /// Filter: name=, status=, id=, ancestor=, label=KEY[=VALUE], exited=CODE (repeatable).
    #[arg(short, long = "filter", value_name = "KEY=VALUE")]
    pub filter: Vec<String>,
    /// Show the N most recently created containers (all states).
    #[arg(short = 'n', long = "last", value_name = "N", default_value_t = -1, allow_hyphen_values = true)]
    pub last: i64,
    /// Show the size of each container's writable layer.
    #[arg(short, long)]
    pub size: bool,
    /// Do not print the title line.
    #[arg(long)]
    pub noheading: bool,
    /// Sort by command, created (newest first, the default), id, image, names, runningfor, size or status.
    #[arg(long, value_name = "FIELD", default_value = "created")]
    pub sort: String,
}

/// `ps --sort`, as podman sorts.
fn sort_entries(list: &mut [crate::engine::containers::PsEntry], key: &str) -> Result<()> {
    match key {
        "created" | "runningfor" => list.sort_by(|a, b| b.container.config.created.cmp(&a.container.config.created)),
        "id" => list.sort_by(|a, b| a.container.config.id.cmp(&b.container.config.id)),
        "names" => list.sort_by(|a, b| a.container.config.name.cmp(&b.container.config.name)),
        "image" => list.sort_by(|a, b| a.container.config.image_name.cmp(&b.container.config.image_name)),
        "command" => list.sort_by_key(|e| e.container.config.command.join(" ")),
        "status" => list.sort_by_key(|e| status_text(&e.container)),
        "size" => list.sort_by_key(|e| e.size.map(|s| s.rw).unwrap_or(0)),
        _ => {
            return Err(crate::error::Error::Invalid(
                "invalid option for --sort, options are: command, created, id, image, names, runningfor, size, or status".into(),
            ))
        }
    }
    Ok(())
}

fn unix(ts: &Option<String>) -> i64 {
    ts.as_deref().and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok()).map(|t| t.timestamp()).unwrap_or(0)
}

fn status_text(c: &Container) -> String {
    match c.state.status {
        Status::Created => "Created".into(),
        Status::Running if crate::engine::containers::status_name(c) == "stopping" => "Stopping".into(),
        Status::Running => {
            let up = format!("Up {}", format::ago(c.state.started_at.as_deref().unwrap_or("")).trim_end_matches(" ago"));
            match crate::engine::healthcheck::status(c) {
                Some(h) => format!("{up} ({h})"),
                None => up,
            }
        }
        Status::Paused => format!("Up {} (Paused)", format::ago(c.state.started_at.as_deref().unwrap_or("")).trim_end_matches(" ago")),
        Status::Exited => {
            format!("Exited ({}) {}", c.state.exit_code.unwrap_or(-1), format::ago(c.state.finished_at.as_deref().unwrap_or("")))
        }
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
        "State": crate::engine::containers::status_name(c),
        "Status": status_text(c),
    })
}

/// `--label KEY=VALUE` list as a JSON object.
pub(crate) fn labels(l: &[String]) -> Value {
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
    let req = PsRequest {
        all: args.all,
        filters: args.filter,
        latest: args.latest,
        last: usize::try_from(args.last).ok(),
        size: args.size && !args.quiet,
    };
    let mut list = containers::ps(&ctx.engine, &req)?;
    sort_entries(&mut list, &args.sort)?;
    if args.quiet {
        for e in &list {
            let id = &e.container.config.id;
            println!("{}", if args.no_trunc { &id[..] } else { &id[..12] });
        }
        return Ok(0);
    }
    let mut rows: Vec<Value> = list.iter().map(|e| ps_object(&e.container, args.no_trunc)).collect();
    for (r, e) in rows.iter_mut().zip(&list) {
        if let Some(s) = e.size {
            r["Size"] = json!({ "rwSize": s.rw, "rootFsSize": s.root_fs });
            r["SizeText"] = Value::String(format!("{} (virtual {})", format::size(s.rw), format::size(s.root_fs)));
        }
    }
    let table_rows: Vec<Value> = rows
        .iter()
        .zip(&list)
        .map(|(r, e)| {
            let c = &e.container;
            let mut r = r.clone();
            r["Command"] = Value::String(truncate(&c.config.command.join(" "), 20, args.no_trunc));
            r["Created"] = Value::String(format::ago(&c.config.created));
            r["Names"] = Value::String(c.config.name.clone());
            r["Ports"] = Value::String(e.ports.clone());
            if let Some(t) = r.get("SizeText").cloned() {
                r["Size"] = t;
            }
            r
        })
        .collect();
    let fmt = Format::parse(args.format.as_deref());
    let out = match fmt {
        Format::Json => serde_json::to_string_pretty(&rows).unwrap_or_default() + "\n",
        _ => {
            let mut cols = vec![
                ("CONTAINER ID", "ID"),
                ("IMAGE", "Image"),
                ("COMMAND", "Command"),
                ("CREATED", "Created"),
                ("STATUS", "Status"),
                ("PORTS", "Ports"),
                ("NAMES", "Names"),
            ];
            if args.size {
                cols.push(("SIZE", "Size"));
            }
            format::without_header(&fmt, format::render(&fmt, &cols, &table_rows)?, args.noheading)
        }
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

// `rm` flags.
#[derive(Debug, Args)]
pub struct RmArgs {
    /// Remove running containers too (killing them).
    #[arg(short, long)]
    pub force: bool,
    /// Remove all containers.
    #[arg(short, long)]
    pub all: bool,
    /// Remove the container's anonymous volumes too.
    #[arg(short = 'v', long)]
    pub volumes: bool,
    /// Do not complain about containers that do not exist.
    #[arg(short, long)]
    pub ignore: bool,
    /// Remove the container whose id is in this file (as `run --cidfile` wrote it).
    #[arg(long, value_name = "FILE")]
    pub cidfile: Vec<std::path::PathBuf>,
    /// With -f: seconds for the stop signal to work before SIGKILL (default: SIGKILL at once).
    #[arg(short = 't', long = "time", value_name = "SECONDS")]
    pub time: Option<u64>,
    /// Remove the newest container too (podman's --latest).
    #[arg(short = 'l', long)]
    pub latest: bool,
    /// Remove the containers that pass these filters (ps's keys: name, id, label, status, ancestor, exited).
    #[arg(long = "filter", value_name = "FILTER")]
    pub filter: Vec<String>,
    /// Containers to remove, by name or id.
    #[arg(value_name = "CONTAINER", required_unless_present_any = ["all", "cidfile", "latest", "filter"])]
    pub containers: Vec<String>,
}

/// Removes containers, printing each id; podman's exit codes (1: no such container, 2: running).
pub fn remove(ctx: &Context, args: RmArgs) -> Result<i32> {
    let mut names = super::lifecycle::with_latest(ctx, args.latest, &args.containers)?;
    for f in &args.cidfile {
        names.extend(super::supervise::read_cidfile(f, args.ignore)?);
    }
    if !args.filter.is_empty() {
        names = crate::engine::select::filtered(&ctx.engine, Scope::Any, &args.filter, &names)?;
    }
    let req = RemoveRequest {
        // podman: --force also lets a missing container go (rm -f in scripts).
        selection: Selection { names, all: args.all.then_some(Scope::Any), ignore_missing: args.ignore || args.force },
        force: args.force,
        stop: args.time.map(|t| StopOptions { timeout: Some(t) }),
        volumes: args.volumes,
    };
    // Only cidfiles were given, and `--ignore` let them be missing or empty.
    let outcomes = if req.selection.names.is_empty() && !args.all { Vec::new() } else { containers::remove(&ctx.engine, &req)? };
    let mut code = 0;
    for outcome in outcomes {
        match outcome {
            RemoveOutcome::Removed { given, volumes_error, .. } => {
                if let Some(e) = volumes_error {
                    eprintln!("Error: {e}");
                }
                // As podman: the name or id as given (the full id with --all).
                println!("{given}");
            }
            RemoveOutcome::Missing { .. } => {}
            RemoveOutcome::Failed { error, .. } => {
                eprintln!("Error: {error}");
                // podman: 1 no such container, 2 running, 125 anything else.
                let c = error.remove_exit_code();
                if code == 0 {
                    code = c;
                }
            }
        }
    }
    // As podman: the file goes with the container, so the unit's next
    // `run --cidfile` can write it again.
    if code == 0 {
        for f in &args.cidfile {
            let _ = std::fs::remove_file(f);
        }
    }
    Ok(code)
}
