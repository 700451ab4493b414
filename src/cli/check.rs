//! `system check`: the engine's report (engine/check.rs) in podman's words.

use super::Context;
use crate::engine::check::{self as engine_check, CheckReport, CheckRequest, Finding};
use crate::error::{Error, Result};
use clap::Args;

// `system check` flags (podman 5's).
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Remove what is damaged (images, layers, containers not running) or orphaned.
    #[arg(short, long)]
    pub repair: bool,
    /// With --repair: also remove the containers that use damaged images.
    #[arg(short, long)]
    pub force: bool,
    /// Skip the time-consuming checks (hashing big blobs, walking layers' files).
    #[arg(short, long)]
    pub quick: bool,
    /// Maximum allowed age of unreferenced layers and blobs (younger ones may be a pull at work).
    #[arg(short, long, value_name = "DURATION", default_value = "24h")]
    pub max: String,
}

fn print_finding(f: &Finding) {
    match (f.kind, f.orphan) {
        (engine_check::Kind::Leftover, _) => println!("Leftover {}:", f.id),
        (k, true) => println!("Orphan {} {}:", k.as_str(), f.id),
        (k, false) => println!("Damaged {} {}:", k.as_str(), f.id),
    }
    for p in &f.problems {
        println!("  * {p}");
    }
}

/// podman's "Deleted damaged image: ID", and the like for the other repairs.
fn repaired_line(r: &engine_check::Repair) -> String {
    match (r.kind, r.done.as_str()) {
        (engine_check::Kind::Leftover, _) => format!("Deleted leftover: {}", r.id),
        (k, "deleted") => format!("Deleted {} {}: {}", if r.orphan { "orphan" } else { "damaged" }, k.as_str(), r.id),
        (k, done) => {
            let mut d = done.to_string();
            if let Some(c) = d.get_mut(0..1) {
                c.make_ascii_uppercase();
            }
            format!("{d} {} {}", k.as_str(), r.id)
        }
    }
}

fn summary(r: &CheckReport, left: usize) -> String {
    let c = &r.checked;
    let checked = format!(
        "{} blobs, {} layers, {} images, {} containers, {} volumes, {} networks",
        c.blobs, c.layers, c.images, c.containers, c.volumes, c.networks
    );
    match left {
        0 => format!("No errors found (checked {checked})"),
        n => format!("{n} problem(s) found (checked {checked})"),
    }
}

/// `system check [--repair [--force]] [--quick] [--max DURATION]`.
pub fn check(ctx: &Context, a: CheckArgs) -> Result<i32> {
    let repair = a.repair || a.force;
    let req = CheckRequest { repair, force: a.force, quick: a.quick, max_age: engine_check::parse_duration(&a.max)? };
    let report = engine_check::check(&ctx.engine, &req)?;
    for f in &report.found {
        print_finding(f);
    }
    for r in &report.repaired {
        println!("{}", repaired_line(r));
    }
    for k in &report.kept {
        println!("Kept damaged {} {}: {}", k.kind.as_str(), k.id, k.why);
    }
    for e in &report.errors {
        eprintln!("Error: repair failed: {e}");
    }
    if repair && !report.found.is_empty() {
        for f in &report.remaining {
            print_finding(f);
        }
    }
    let left = if repair { report.remaining.len() } else { report.found.len() };
    println!("{}", summary(&report, left));
    if report.damaged(repair) {
        return Err(Error::Internal(if repair {
            "damage in local storage still present after repair attempt: see what is kept above and why".into()
        } else {
            "damage detected in local storage: `sangja system check --repair` removes what is damaged or orphaned".into()
        }));
    }
    Ok(0)
}
