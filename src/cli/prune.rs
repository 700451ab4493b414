//! `system prune`, `system reset`, `image prune`, `volume prune`: podman's
//! prompts and outputs over the engine's prune.rs.

use super::Context;
use crate::engine::prune::{self as engine_prune, ImagePruneRequest, PruneFilters, SystemPruneRequest};
use crate::error::Result;
use clap::Args;

// `system prune` flags.
#[derive(Debug, Args)]
pub struct SystemPruneArgs {
    /// Remove every unused image, not only dangling ones.
    #[arg(short, long)]
    pub all: bool,
    /// Remove unused volumes too.
    #[arg(long)]
    pub volumes: bool,
    /// Do not ask for confirmation.
    #[arg(short, long)]
    pub force: bool,
    /// Only containers and images with (label=) or without (label!=) a label, or created before until=TIME.
    #[arg(long = "filter", value_name = "FILTER")]
    pub filters: Vec<String>,
}

// `system reset` flags.
#[derive(Debug, Args)]
pub struct ResetArgs {
    /// Do not ask for confirmation.
    #[arg(short, long)]
    pub force: bool,
}

// `image prune` flags.
#[derive(Debug, Args)]
pub struct ImagePruneArgs {
    /// Remove every image no container uses, not only dangling ones.
    #[arg(short, long)]
    pub all: bool,
    /// Do not ask for confirmation.
    #[arg(short, long)]
    pub force: bool,
    /// Only images with (label=) or without (label!=) a label, or created before until=TIME.
    #[arg(long = "filter", value_name = "FILTER")]
    pub filters: Vec<String>,
}

/// Sizes as podman's "Total reclaimed space" ("4.26MB", "0B").
fn reclaimed(bytes: u64) -> String {
    super::format::size(bytes).replace(' ', "")
}

/// `system prune`.
pub fn system_prune(ctx: &Context, a: SystemPruneArgs) -> Result<i32> {
    let filters = PruneFilters::parse(&a.filters)?;
    if !a.force {
        let mut q = String::from(
            "WARNING! This command removes:\n\t- all stopped containers\n\t- all networks not used by at least one container\n",
        );
        if a.volumes {
            q.push_str("\t- all volumes not used by at least one container\n");
        }
        q.push_str(if a.all {
            "\t- all images without at least one container associated with them\n"
        } else {
            "\t- all dangling images\n"
        });
        if !super::layers::confirm(&q)? {
            return Ok(0);
        }
    }
    let r = engine_prune::system(&ctx.engine, &SystemPruneRequest { all: a.all, volumes: a.volumes, filters })?;
    for (title, list) in [("Containers", &r.containers), ("Networks", &r.networks), ("Volumes", &r.volumes), ("Images", &r.images)] {
        if !list.is_empty() {
            println!("Deleted {title}");
            for x in list {
                println!("{x}");
            }
        }
    }
    if !r.orphans.is_empty() {
        println!("Deleted Orphans");
        for o in &r.orphans {
            println!("{} {}", o.kind.as_str(), o.id);
        }
    }
    println!("Total reclaimed space: {}", reclaimed(r.reclaimed));
    Ok(0)
}

/// `system reset`.
pub fn reset(ctx: &Context, a: ResetArgs) -> Result<i32> {
    let p = &ctx.engine.paths;
    if !a.force {
        let q = format!(
            "WARNING! This will remove:\n        - all containers\n        - all images\n        - all networks\n        - all volumes\n        \
             - the graphRoot directory: {:?}\n        - the runRoot directory: {:?}",
            p.root.display().to_string(),
            p.runroot.display().to_string()
        );
        if !super::layers::confirm(&q)? {
            return Ok(0);
        }
    }
    let r = engine_prune::reset(&ctx.engine)?;
    for e in &r.errors {
        eprintln!("Error: {e}");
    }
    Ok(0)
}

/// `image prune`: the removed ids, one a line.
pub fn image_prune(ctx: &Context, a: ImagePruneArgs) -> Result<i32> {
    let filters = PruneFilters::parse(&a.filters)?;
    if !a.force {
        let q = if a.all {
            "WARNING! This command removes all images without at least one container associated with them."
        } else {
            "WARNING! This command removes all dangling images."
        };
        if !super::layers::confirm(q)? {
            return Ok(0);
        }
    }
    for id in engine_prune::images(&ctx.engine, &ImagePruneRequest { all: a.all, filters })? {
        println!("{id}");
    }
    crate::engine::check::collect_orphans(&ctx.engine)?;
    Ok(0)
}

/// `volume prune`: lists what would go, asks (unless -f), prints the removed names.
pub fn volume_prune(ctx: &Context, force: bool, filters: &[String]) -> Result<i32> {
    let filters = PruneFilters::parse(filters)?;
    if !force {
        let candidates = engine_prune::volume_candidates(&ctx.engine, &filters)?;
        let head = "WARNING! This will remove all volumes not used by at least one container. The following volumes will be removed:";
        if candidates.is_empty() {
            eprintln!("{head}\nNo dangling volumes found");
            return Ok(0);
        }
        if !super::layers::confirm(&format!("{head}\n{}", candidates.join("\n")))? {
            return Ok(0);
        }
    }
    for n in engine_prune::volumes(&ctx.engine, &filters)? {
        println!("{n}");
    }
    Ok(0)
}
