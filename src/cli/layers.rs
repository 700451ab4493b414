//! `cp`, `diff`, `commit`, `export`, `import`, `mount`, `unmount`,
//! `unshare` and `system df`.

use super::format::{self, Format};
use super::Context;
use crate::engine::commit::{self, ImageOptions};
use crate::engine::containers;
use crate::engine::layers::{self, CpPath};
use crate::engine::mounts::{self, UnshareRequest};
use crate::engine::system::{self as engine_system, Usage};
use crate::error::{Error, IoContext, Result};
use clap::Args;
use serde_json::{json, Value};
use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct CpArgs {
    /// Keep the owners of files copied in (archive mode, the default); false: owned by the container's root.
    #[arg(short = 'a', long, value_name = "BOOL", num_args = 0..=1, default_value = "true", default_missing_value = "true", value_parser = super::parse_bool)]
    pub archive: bool,
    /// Source: CONTAINER:PATH or a host path.
    pub src: String,
    /// Destination: CONTAINER:PATH or a host path.
    pub dest: String,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// Output format: json, or the default "KIND PATH" lines.
    #[arg(long)]
    pub format: Option<String>,
    pub container: String,
}

#[derive(Debug, Args)]
pub struct CommitArgs {
    /// Author of the image.
    #[arg(short, long)]
    pub author: Option<String>,
    /// Commit message (history comment).
    #[arg(short, long)]
    pub message: Option<String>,
    /// Apply a Containerfile instruction: CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, STOPSIGNAL, USER, VOLUME, WORKDIR.
    #[arg(short, long = "change", value_name = "INSTRUCTION")]
    pub changes: Vec<String>,
    /// Print only the image id.
    #[arg(short, long)]
    pub quiet: bool,
    /// Pause the container while committing (accepted; the layer is read as is).
    #[arg(short, long, value_name = "BOOL", num_args = 0..=1, default_value = "false", default_missing_value = "true", value_parser = super::parse_bool)]
    pub pause: bool,
    /// Image format: oci (docker is accepted and written as OCI).
    #[arg(short, long, default_value = "oci")]
    pub format: String,
    /// Write the new image's id to this file.
    #[arg(long, value_name = "FILE")]
    pub iidfile: Option<PathBuf>,
    pub container: String,
    /// Name of the new image (unqualified names go under localhost/).
    pub image: Option<String>,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Write to this file instead of stdout.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    pub container: String,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Apply a Containerfile instruction (CMD, ENTRYPOINT, ENV...).
    #[arg(short, long = "change", value_name = "INSTRUCTION")]
    pub changes: Vec<String>,
    /// Commit message (history comment).
    #[arg(short, long)]
    pub message: Option<String>,
    /// Print only the image id.
    #[arg(short, long)]
    pub quiet: bool,
    /// The tarball, or - for stdin.
    pub path: String,
    /// Name of the new image.
    pub reference: Option<String>,
}

#[derive(Debug, Args)]
pub struct MountArgs {
    /// Do not truncate ids in the listing.
    #[arg(long = "no-trunc", alias = "notruncate")]
    pub no_trunc: bool,
    /// Mount every container.
    #[arg(short, long)]
    pub all: bool,
    /// Output format of the listing: json.
    #[arg(long, value_name = "FORMAT")]
    pub format: Option<String>,
    pub containers: Vec<String>,
}

#[derive(Debug, Args)]
pub struct UnmountArgs {
    /// Unmount every container.
    #[arg(short, long)]
    pub all: bool,
    /// Accepted for podman compatibility.
    #[arg(short, long)]
    pub force: bool,
    pub containers: Vec<String>,
}

#[derive(Debug, Args)]
pub struct UnshareArgs {
    /// The command (default: $SHELL, else /bin/sh).
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    pub command: Vec<String>,
}

#[derive(Debug, Args)]
pub struct DfArgs {
    /// Output format: json or a Go template.
    #[arg(long)]
    pub format: Option<String>,
    /// Accepted; the summary is always shown.
    #[arg(short, long)]
    pub verbose: bool,
}

/// Asks a yes/no question on the terminal; "y" answers yes.
pub fn confirm(question: &str) -> Result<bool> {
    eprint!("{question}\nAre you sure you want to continue? [y/N] ");
    let _ = std::io::stderr().flush();
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line).ctx(|| "read the answer".to_string())?;
    Ok(matches!(line.trim(), "y" | "Y" | "yes"))
}

pub fn cp(ctx: &Context, a: CpArgs) -> Result<i32> {
    layers::cp(&ctx.engine, &CpPath::parse(&a.src), &CpPath::parse(&a.dest), a.archive, &super::events::own_stdio())?;
    Ok(0)
}

pub fn diff(ctx: &Context, a: DiffArgs) -> Result<i32> {
    let c = containers::lookup(&ctx.engine, &a.container)?;
    let changes = layers::diff(&ctx.engine, &c)?;
    match a.format.as_deref() {
        Some("json") => {
            let pick = |k: char| changes.iter().filter(|c| c.kind == k).map(|c| c.path.clone()).collect::<Vec<_>>();
            let v = json!({"changed": pick('C'), "added": pick('A'), "deleted": pick('D')});
            println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
        }
        None | Some("") => {
            for c in changes {
                println!("{} {}", c.kind, c.path);
            }
        }
        Some(f) => return Err(Error::Invalid(format!("--format {f:?}: diff knows only json"))),
    }
    Ok(0)
}

pub fn commit(ctx: &Context, a: CommitArgs) -> Result<i32> {
    if !matches!(a.format.as_str(), "oci" | "docker") {
        return Err(Error::Invalid(format!("--format {:?}: use oci or docker", a.format)));
    }
    let c = containers::lookup(&ctx.engine, &a.container)?;
    let opts = ImageOptions { name: a.image, changes: a.changes, message: a.message, author: a.author };
    let id = commit::commit(&ctx.engine, &c, &opts)?;
    if let Some(f) = &a.iidfile {
        // As podman's commit: the bare id (build's iidfile has sha256:).
        std::fs::write(f, id.trim_start_matches("sha256:")).path_ctx("write the iidfile", f)?;
    }
    println!("{id}");
    Ok(0)
}

pub fn export(ctx: &Context, a: ExportArgs) -> Result<i32> {
    let c = containers::lookup(&ctx.engine, &a.container)?;
    match &a.output {
        Some(p) => {
            // Whole or absent: written beside the target, renamed when done.
            let tmp = p.with_file_name(format!(".{}.sangja-tmp", p.file_name().map(|n| n.to_string_lossy()).unwrap_or_default()));
            let f = std::fs::File::create(&tmp).path_ctx("create", &tmp)?;
            let r = layers::export(&ctx.engine, &c, f);
            if r.is_err() {
                let _ = std::fs::remove_file(&tmp);
            }
            r?;
            std::fs::rename(&tmp, p).path_ctx("write", p)?;
        }
        None => {
            if std::io::stdout().is_terminal() {
                return Err(Error::Invalid("refusing to export to a terminal: use -o FILE or redirect the output".into()));
            }
            let out = std::io::stdout().as_fd_file()?;
            layers::export(&ctx.engine, &c, out)?;
        }
    }
    Ok(0)
}

trait FdFile {
    fn as_fd_file(&self) -> Result<std::fs::File>;
}
impl FdFile for std::io::Stdout {
    fn as_fd_file(&self) -> Result<std::fs::File> {
        use std::os::fd::AsFd;
        let fd = self.as_fd().try_clone_to_owned().ctx(|| "duplicate stdout".to_string())?;
        Ok(std::fs::File::from(fd))
    }
}

pub fn import(ctx: &Context, a: ImportArgs) -> Result<i32> {
    if a.path.contains("://") {
        return Err(Error::Invalid(format!("{}: importing from a URL is not supported: download the file first", a.path)));
    }
    let opts = ImageOptions { name: a.reference, changes: a.changes, message: a.message, author: None };
    let id = if a.path == "-" {
        commit::import(&ctx.engine, std::io::stdin().lock(), &opts)?
    } else {
        let p = PathBuf::from(&a.path);
        let f = std::fs::File::open(&p).path_ctx("open", &p)?;
        commit::import(&ctx.engine, f, &opts)?
    };
    let _ = a.quiet;
    println!("{id}");
    Ok(0)
}

pub fn mount(ctx: &Context, a: MountArgs) -> Result<i32> {
    mounts::check_unshared(&ctx.engine, "mount")?;
    let json_out = match a.format.as_deref() {
        None => false,
        Some("json") => true,
        Some(f) => return Err(Error::Invalid(format!("unknown --format {f:?} for mount: use json"))),
    };
    let mut names = a.containers.clone();
    if a.all {
        names.extend(containers::list(&ctx.engine, true)?.into_iter().map(|c| c.config.id));
    }
    if json_out || a.all {
        for n in &names {
            let c = containers::lookup(&ctx.engine, n)?;
            layers::mount(&ctx.engine, &c)?;
        }
        // podman: the listing of what is mounted, as a table or JSON.
        let all = containers::list(&ctx.engine, true)?;
        let mounted = mounts::mounted(&ctx.engine)?;
        if json_out {
            let list: Vec<serde_json::Value> = mounted
                .iter()
                .map(|m| {
                    let names: Vec<&str> = all.iter().filter(|c| c.config.id == m.id).map(|c| c.config.name.as_str()).collect();
                    serde_json::json!({"id": m.id, "Names": names, "mountpoint": m.path})
                })
                .collect();
            println!("{}", serde_json::to_string_pretty(&list).unwrap_or_default());
        } else {
            for m in mounted {
                let id = if a.no_trunc { m.id.clone() } else { m.id[..12].to_string() };
                println!("{id}  {}", m.path);
            }
        }
        return Ok(0);
    }
    if a.containers.is_empty() {
        for m in mounts::mounted(&ctx.engine)? {
            let id = if a.no_trunc { m.id.clone() } else { m.id[..12].to_string() };
            println!("{id}  {}", m.path);
        }
        return Ok(0);
    }
    for n in &a.containers {
        let c = containers::lookup(&ctx.engine, n)?;
        let p = layers::mount(&ctx.engine, &c)?;
        println!("{}", p.display());
    }
    Ok(0)
}

pub fn unmount(ctx: &Context, a: UnmountArgs) -> Result<i32> {
    mounts::check_unshared(&ctx.engine, "unmount")?;
    let _ = a.force;
    for c in mounts::unmount_targets(&ctx.engine, a.all, &a.containers)? {
        layers::unmount(&c)?;
        if !a.all {
            println!("{}", c.config.id);
        }
    }
    Ok(0)
}

/// Runs a command inside sangja's user namespace (and a mount namespace of
/// its own, so `sangja mount` works there), as `podman unshare`.
pub fn unshare(ctx: &Context, a: UnshareArgs) -> Result<i32> {
    let failed = mounts::unshare(&ctx.engine, UnshareRequest { command: a.command })?;
    eprintln!("Error: {}: {}", failed.program, failed.error);
    Ok(failed.exit_code)
}

pub fn df(ctx: &Context, a: DfArgs) -> Result<i32> {
    let _ = a.verbose;
    let du = engine_system::df(&ctx.engine)?;
    let pct = |r: u64, t: u64| (r * 100).checked_div(t).unwrap_or(0);
    let row = |typ: &str, u: &Usage| {
        json!({
            "Type": typ, "Total": u.total, "Active": u.active, "Size": format::size(u.size),
            "Reclaimable": format!("{} ({}%)", format::size(u.reclaimable), pct(u.reclaimable, u.size)),
            "RawSize": u.size, "RawReclaimable": u.reclaimable,
        })
    };
    let rows: Vec<Value> = vec![row("Images", &du.images), row("Containers", &du.containers), row("Local Volumes", &du.volumes)];
    let cols = [("TYPE", "Type"), ("TOTAL", "Total"), ("ACTIVE", "Active"), ("SIZE", "Size"), ("RECLAIMABLE", "Reclaimable")];
    print!("{}", format::render(&Format::parse(a.format.as_deref()), &cols, &rows)?);
    Ok(0)
}
