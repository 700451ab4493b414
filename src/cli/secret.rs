//! `secret create|ls|inspect|rm|exists` (engine secrets.rs), podman's output.

use super::format::{self, Format};
use super::Context;
use crate::engine::secrets::{self, CreateRequest, SecretRecord};
use crate::error::{Error, Result};
use clap::{Args, Subcommand};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::io::Read;

/// `sangja secret ...`.
#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum SecretCommand {
    /// Create a secret from a file, stdin (-) or an environment variable (--env).
    Create(CreateArgs),
    /// List secrets.
    #[command(alias = "list")]
    Ls(LsArgs),
    /// Show secrets' details as JSON.
    Inspect(InspectArgs),
    /// Remove secrets.
    Rm(RmArgs),
    /// Exit 0 if the secret exists, 1 if not.
    Exists(ExistsArgs),
}

#[derive(Debug, Args)]
pub struct CreateArgs {
    /// The driver: file (the only one).
    #[arg(short = 'd', long, value_name = "DRIVER", default_value = "file")]
    pub driver: String,
    /// Driver options (KEY=VALUE,...).
    #[arg(long = "driver-opts", value_name = "OPTS")]
    pub driver_opts: Vec<String>,
    /// Read the value from the environment variable named by the second argument.
    #[arg(long)]
    pub env: bool,
    /// Add a label (KEY=VALUE).
    #[arg(short = 'l', long = "label", value_name = "KEY=VALUE")]
    pub labels: Vec<String>,
    /// Give an existing secret of that name the new value.
    #[arg(long)]
    pub replace: bool,
    /// The secret's name.
    #[arg(value_name = "NAME")]
    pub name: String,
    /// The file holding the value, - for stdin (with --env: a variable's name).
    #[arg(value_name = "FILE")]
    pub source: String,
}

#[derive(Debug, Args)]
pub struct LsArgs {
    /// Filter: name=NAME, id=ID (prefixes match).
    #[arg(short = 'f', long = "filter", value_name = "FILTER")]
    pub filter: Vec<String>,
    /// Go template or json.
    #[arg(long, value_name = "FORMAT")]
    pub format: Option<String>,
    /// Do not print the heading.
    #[arg(long)]
    pub noheading: bool,
    /// Print the ids only.
    #[arg(short, long)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct InspectArgs {
    /// Go template.
    #[arg(short = 'f', long, value_name = "FORMAT")]
    pub format: Option<String>,
    /// Human-readable output.
    #[arg(long)]
    pub pretty: bool,
    /// Show the secret's value too (SecretData).
    #[arg(long)]
    pub showsecret: bool,
    #[arg(value_name = "SECRET", required = true)]
    pub names: Vec<String>,
}

#[derive(Debug, Args)]
pub struct RmArgs {
    /// Remove every secret.
    #[arg(short, long)]
    pub all: bool,
    /// A secret that does not exist is not an error.
    #[arg(short, long)]
    pub ignore: bool,
    #[arg(value_name = "SECRET", required_unless_present = "all")]
    pub names: Vec<String>,
}

#[derive(Debug, Args)]
pub struct ExistsArgs {
    #[arg(value_name = "SECRET")]
    pub name: String,
}

pub fn secret(ctx: &Context, c: SecretCommand) -> Result<i32> {
    match c {
        SecretCommand::Create(a) => create(ctx, a),
        SecretCommand::Ls(a) => ls(ctx, a),
        SecretCommand::Inspect(a) => inspect(ctx, a),
        SecretCommand::Rm(a) => rm(ctx, a),
        SecretCommand::Exists(a) => Ok(if secrets::exists(&ctx.engine, &a.name)? { 0 } else { 1 }),
    }
}

fn pairs(list: &[String], what: &str) -> Result<BTreeMap<String, String>> {
    let mut m = BTreeMap::new();
    for item in list.iter().flat_map(|l| l.split(',')) {
        if item.is_empty() {
            continue;
        }
        let (k, v) = item.split_once('=').unwrap_or((item, ""));
        if k.is_empty() {
            return Err(Error::Invalid(format!("{what} {item:?}: use KEY=VALUE")));
        }
        m.insert(k.to_string(), v.to_string());
    }
    Ok(m)
}

fn create(ctx: &Context, a: CreateArgs) -> Result<i32> {
    let data = if a.env {
        std::env::var(&a.source)
            .map_err(|_| Error::Invalid(format!("environment variable {} is not set: --env takes the value from a variable", a.source)))?
            .into_bytes()
    } else if a.source == "-" {
        let mut v = Vec::new();
        std::io::stdin().read_to_end(&mut v).map_err(|e| Error::Invalid(format!("read the secret from stdin: {e}")))?;
        v
    } else {
        std::fs::read(&a.source).map_err(|e| Error::Invalid(format!("read the secret from {}: {e}", a.source)))?
    };
    let req = CreateRequest {
        name: a.name,
        data,
        driver: a.driver,
        driver_options: pairs(&a.driver_opts, "--driver-opts")?,
        labels: pairs(&a.labels, "--label")?,
        replace: a.replace,
    };
    let s = secrets::create(&ctx.engine, req)?;
    println!("{}", s.id);
    Ok(0)
}

/// podman's inspect document.
fn document(ctx: &Context, s: &SecretRecord, show: bool) -> Result<Value> {
    let mut options: BTreeMap<String, String> = s.driver_options.clone();
    options.entry("path".into()).or_insert_with(|| ctx.engine.paths.root.join("secrets").display().to_string());
    let mut v = json!({
        "ID": s.id,
        "CreatedAt": s.created,
        "UpdatedAt": s.updated,
        "Spec": {"Name": s.name, "Driver": {"Name": s.driver, "Options": options}, "Labels": s.labels},
    });
    if show {
        v["SecretData"] = Value::String(String::from_utf8_lossy(&secrets::data(&ctx.engine, s)?).into_owned());
    }
    Ok(v)
}

fn ls(ctx: &Context, a: LsArgs) -> Result<i32> {
    let filters = pairs(&a.filter, "--filter")?;
    for k in filters.keys() {
        if k != "name" && k != "id" {
            return Err(Error::Invalid(format!("invalid filter {k:?}: use name= or id=")));
        }
    }
    let list: Vec<SecretRecord> = secrets::list(&ctx.engine)?
        .into_iter()
        .filter(|s| filters.get("name").is_none_or(|n| s.name.starts_with(n.as_str())))
        .filter(|s| filters.get("id").is_none_or(|i| s.id.starts_with(i.as_str())))
        .collect();
    if a.quiet {
        for s in &list {
            println!("{}", s.id);
        }
        return Ok(0);
    }
    let rows: Vec<Value> = list
        .iter()
        .map(|s| {
            json!({
                "ID": s.id, "Name": s.name, "Driver": s.driver,
                "CreatedAt": format::ago(&s.created), "UpdatedAt": format::ago(&s.updated),
                "Created": format::ago(&s.created), "Updated": format::ago(&s.updated),
                "Labels": s.labels,
            })
        })
        .collect();
    let fmt = Format::parse(a.format.as_deref());
    let fmt = match fmt {
        Format::Json => {
            let docs: Vec<Value> = list.iter().map(|s| document(ctx, s, false)).collect::<Result<_>>()?;
            print!("{}", serde_json::to_string_pretty(&docs).unwrap_or_default() + "\n");
            return Ok(0);
        }
        f => f,
    };
    let cols = [("ID", "ID"), ("NAME", "Name"), ("DRIVER", "Driver"), ("CREATED", "CreatedAt"), ("UPDATED", "UpdatedAt")];
    let out = format::render(&fmt, &cols, &rows)?;
    print!("{}", format::without_header(&fmt, out, a.noheading));
    Ok(0)
}

fn inspect(ctx: &Context, a: InspectArgs) -> Result<i32> {
    let mut docs = Vec::new();
    let mut failed = None;
    for n in &a.names {
        match secrets::lookup(&ctx.engine, n) {
            Ok(s) => docs.push(document(ctx, &s, a.showsecret)?),
            Err(e) => {
                if failed.is_some() {
                    eprintln!("Error: {}", failed.take().map(|e: Error| e.to_string()).unwrap_or_default());
                }
                failed = Some(e);
            }
        }
    }
    if let Some(t) = a.format.as_deref().filter(|t| !t.is_empty() && *t != "json") {
        print!("{}", format::template(t, false, &docs)?);
    } else if a.pretty {
        for d in &docs {
            println!("ID:              {}", d["ID"].as_str().unwrap_or_default());
            println!("Name:            {}", d["Spec"]["Name"].as_str().unwrap_or_default());
            println!("Driver:          {}", d["Spec"]["Driver"]["Name"].as_str().unwrap_or_default());
            println!("Created at:      {}", d["CreatedAt"].as_str().unwrap_or_default());
            println!("Updated at:      {}", d["UpdatedAt"].as_str().unwrap_or_default());
        }
    } else {
        println!("{}", serde_json::to_string_pretty(&docs).unwrap_or_default());
    }
    match failed {
        Some(e) => Err(Error::Invalid(format!("inspecting secret: {e}"))),
        None => Ok(0),
    }
}

fn rm(ctx: &Context, a: RmArgs) -> Result<i32> {
    if a.all && !a.names.is_empty() {
        return Err(Error::Invalid("--all and names of secrets cannot be given together".into()));
    }
    let names: Vec<String> = if a.all { secrets::list(&ctx.engine)?.into_iter().map(|s| s.id).collect() } else { a.names.clone() };
    let mut last = None;
    for n in &names {
        match secrets::remove(&ctx.engine, n) {
            Ok(id) => println!("{id}"),
            Err(Error::NotFound(_)) if a.ignore => {}
            Err(e) => {
                if let Some(prev) = last.replace(e) {
                    eprintln!("Error: {prev}");
                }
            }
        }
    }
    match last {
        Some(e) => Err(e),
        None => Ok(0),
    }
}
