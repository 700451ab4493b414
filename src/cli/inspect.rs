//! `inspect`: containers and images as JSON, podman's field names.

use super::format::{self, Format};
use super::Context;
use crate::engine::inspect::{self as engine_inspect, ObjectKind};
use crate::error::Result;
use clap::{Args, ValueEnum};

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
    let kind = match args.kind.unwrap_or(InspectKind::All) {
        InspectKind::Container => ObjectKind::Container,
        InspectKind::Image => ObjectKind::Image,
        InspectKind::All => ObjectKind::Any,
    };
    let mut objects = Vec::new();
    let mut code = 0;
    for name in &args.names {
        match engine_inspect::inspect(&ctx.engine, kind, name) {
            Ok(doc) => objects.push(serde_json::to_value(doc).unwrap_or_default()),
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
