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

// `inspect` flags.
#[derive(Debug, Args)]
pub struct InspectArgs {
    /// Only look for this kind of object.
    #[arg(short = 't', long = "type", value_name = "TYPE")]
    pub kind: Option<InspectKind>,
    /// A Go template applied to each object, e.g. '{{.State.Status}}'.
    #[arg(short, long)]
    pub format: Option<String>,
    /// Containers: add SizeRw and SizeRootFs (the writable layer, and it with the image).
    #[arg(short, long)]
    pub size: bool,
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
            Ok(doc) => {
                let mut v = serde_json::to_value(&doc).unwrap_or_default();
                if let (true, engine_inspect::Document::Container(c)) = (args.size, &doc) {
                    add_sizes(ctx, &c.id, &mut v)?;
                }
                objects.push(v)
            }
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

/// `inspect --size`: podman's SizeRw and SizeRootFs of a container.
fn add_sizes(ctx: &Context, id: &str, v: &mut serde_json::Value) -> Result<()> {
    let req = crate::engine::containers::PsRequest { all: true, filters: vec![format!("id={id}")], size: true, ..Default::default() };
    let size = crate::engine::containers::ps(&ctx.engine, &req)?.into_iter().find(|e| e.container.config.id == id).and_then(|e| e.size);
    if let (Some(size), Some(obj)) = (size, v.as_object_mut()) {
        obj.insert("SizeRw".into(), size.rw.into());
        obj.insert("SizeRootFs".into(), size.root_fs.into());
    }
    Ok(())
}
