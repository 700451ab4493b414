//! `pull`, `images`, `rmi`.

use super::format::{self, Format};
use super::progress::PullProgress;
use super::Context;
use crate::engine::image_filter::{ImageFilters, LabelRule};
use crate::engine::images::{self, ImageRecord, PullOptions, Removed};
use crate::error::{Error, Result};
use clap::Args;
use serde_json::{json, Value};

// `pull` flags.
#[derive(Debug, Args)]
pub struct PullArgs {
    /// Require HTTPS and verify certificates (`--tls-verify=false` allows plain HTTP).
    #[arg(long = "tls-verify", value_name = "BOOL", num_args = 0..=1, default_missing_value = "true", value_parser = super::parse_bool)]
    pub tls_verify: Option<bool>,
    /// Print nothing but the image id.
    #[arg(short, long)]
    pub quiet: bool,
    /// Platform of the image to choose from a manifest list (os/arch[/variant]).
    #[arg(long, value_name = "OS/ARCH")]
    pub platform: Option<String>,
    /// Architecture to choose (shorthand for --platform linux/ARCH).
    #[arg(long, value_name = "ARCH")]
    pub arch: Option<String>,
    /// The auth file with the registry's credentials (default: $REGISTRY_AUTH_FILE, else auth.json's places).
    #[arg(long, value_name = "PATH")]
    pub authfile: Option<std::path::PathBuf>,
    /// Credentials (USERNAME:PASSWORD) for the registry named in IMAGE; mirrors never get them.
    #[arg(long, value_name = "USERNAME:PASSWORD")]
    pub creds: Option<String>,
    /// Pull every tag of the repository IMAGE names (IMAGE without a tag).
    #[arg(short = 'a', long = "all-tags")]
    pub all_tags: bool,
    /// The image to pull, e.g. 127.0.0.1:5000/busybox:latest.
    #[arg(value_name = "IMAGE")]
    pub image: String,
}

impl PullArgs {
    /// The engine's options for these flags.
    pub fn options(&self) -> Result<PullOptions> {
        let creds = parse_creds(self.creds.as_deref())?;
        Ok(PullOptions {
            tls_verify: self.tls_verify,
            platform: self.platform.clone().or_else(|| self.arch.as_ref().map(|a| format!("linux/{a}"))),
            squash_owners: false,
            creds,
        })
    }
}

/// Pulls with progress on stderr; prints the image id on stdout.
pub fn pull(ctx: &Context, args: PullArgs) -> Result<i32> {
    if let Some(f) = &args.authfile {
        crate::config::auth::set_authfile(f);
    }
    if args.all_tags {
        let opts = args.options()?;
        for name in crate::engine::push::all_tags(&args.image, opts.tls_verify, opts.creds.as_ref())? {
            let record = pull_with_progress(ctx, &name, opts.clone(), args.quiet)?;
            println!("{}", record.id);
        }
        return Ok(0);
    }
    let record = pull_with_progress(ctx, &args.image, args.options()?, args.quiet)?;
    println!("{}", record.id);
    Ok(0)
}

/// Pulls `name`, rendering progress unless quiet.
pub fn pull_with_progress(ctx: &Context, name: &str, opts: PullOptions, quiet: bool) -> Result<ImageRecord> {
    let progress = PullProgress::new(quiet);
    progress.trying(name);
    let result = images::pull(&ctx.engine, name, opts, &|ev| progress.event(ev));
    progress.finish();
    result
}

// `images` flags.
#[derive(Debug, Args)]
pub struct ImagesArgs {
    /// Show only image ids.
    #[arg(short, long)]
    pub quiet: bool,
    /// Show all images (accepted for compatibility: sangja keeps no intermediate images yet).
    #[arg(short, long)]
    pub all: bool,
    /// Do not truncate ids.
    #[arg(long = "no-trunc")]
    pub no_trunc: bool,
    /// Show each image's manifest digest (a DIGEST column).
    #[arg(long)]
    pub digests: bool,
    /// Output format: table, json, or a Go template such as '{{.ID}} {{.Repository}}'.
    #[arg(long)]
    pub format: Option<String>,
    /// Do not print the title line.
    #[arg(short, long)]
    pub noheading: bool,
    /// Only the images that pass: reference=, id=, digest=, label=[!=], dangling=, before=, since=, after=, until=, containers=, manifest=, readonly= (same key: any passes; different keys: all must).
    #[arg(short = 'f', long = "filter", value_name = "KEY=VALUE")]
    pub filters: Vec<String>,
    /// Order of the list: created (newest first), id, repository, size or tag.
    #[arg(long, value_enum, default_value = "created")]
    pub sort: ImageSort,
    /// Only images whose name matches (repository[:tag]).
    #[arg(value_name = "IMAGE")]
    pub filter: Option<String>,
}

/// `images --sort` (podman's fields).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ImageSort {
    Created,
    Id,
    Repository,
    Size,
    Tag,
}

/// `imgs` (newest first, as listed) in `by`'s order; each image's rows
/// are sorted again by repository or tag, since an image has several names.
fn sort_images(imgs: &mut [ImageRecord], by: ImageSort) {
    let first = |i: &ImageRecord| i.names.iter().map(|n| split_name(n)).min().unwrap_or_else(|| ("<none>".into(), "<none>".into()));
    match by {
        ImageSort::Created => {}
        ImageSort::Id => imgs.sort_by(|a, b| a.id.cmp(&b.id)),
        ImageSort::Size => imgs.sort_by_key(|i| i.size),
        ImageSort::Repository => imgs.sort_by_key(|i| first(i).0),
        ImageSort::Tag => imgs.sort_by_key(|i| first(i).1),
    }
}

fn split_name(name: &str) -> (String, String) {
    let (repo, tag) = match name.rfind(':') {
        Some(i) if !name[i..].contains('/') => (&name[..i], &name[i + 1..]),
        _ => (name, "<none>"),
    };
    (repo.to_string(), tag.to_string())
}

/// One row per name (podman's table), all fields for templates; sorted
/// again by repository or tag when `sort` says so (an image has several).
fn rows(images: &[ImageRecord], no_trunc: bool, sort: ImageSort) -> Vec<Value> {
    let mut out = Vec::new();
    for img in images {
        let names: Vec<String> = if img.names.is_empty() { vec!["<none>:<none>".into()] } else { img.names.clone() };
        for n in names {
            let (repo, tag) = split_name(&n);
            let created = img.created.clone().unwrap_or_default();
            out.push(json!({
                "ID": if no_trunc { format!("sha256:{}", img.id) } else { img.id[..12].to_string() },
                "Id": img.id,
                "Repository": repo,
                "Tag": tag,
                "Digest": img.digest,
                "Names": img.names,
                "Created": format::ago(&created),
                "CreatedSince": format::ago(&created),
                "CreatedAt": created,
                "Size": format::size(img.size),
            }));
        }
    }
    let field = match sort {
        ImageSort::Repository => "Repository",
        ImageSort::Tag => "Tag",
        _ => return out,
    };
    out.sort_by(|a, b| a[field].as_str().cmp(&b[field].as_str()));
    out
}

/// podman's `images --format json` shape.
fn json_object(img: &ImageRecord) -> Value {
    let created = img.created.clone().unwrap_or_default();
    let unix = chrono::DateTime::parse_from_rfc3339(&created).map(|t| t.timestamp()).unwrap_or(0);
    json!({
        "Id": img.id,
        "ParentId": "",
        "RepoTags": img.names,
        "RepoDigests": img.names.iter().map(|n| format!("{}@{}", split_name(n).0, img.digest)).collect::<Vec<_>>(),
        "Size": img.size,
        "SharedSize": 0,
        "VirtualSize": img.size,
        "Labels": img.config.config().as_ref().and_then(|c| c.labels().clone()),
        "Containers": 0,
        "Names": img.names,
        "Digest": img.digest,
        "Created": unix,
        "CreatedAt": created,
    })
}

/// Lists images.
pub fn list(ctx: &Context, args: ImagesArgs) -> Result<i32> {
    let selection = ImageFilters::parse(&args.filters, LabelRule::Any)?;
    let mut imgs = selection.apply(&ctx.engine, images::list(&ctx.engine)?)?;
    sort_images(&mut imgs, args.sort);
    if let Some(f) = &args.filter {
        let want = f.clone();
        imgs.retain(|i| {
            i.names.iter().any(|n| {
                n == &want || split_name(n).0 == want || n.ends_with(&format!("/{want}")) || split_name(n).0.ends_with(&format!("/{want}"))
            })
        });
    }
    if args.quiet {
        let mut seen = std::collections::HashSet::new();
        for i in &imgs {
            if seen.insert(i.id.clone()) {
                println!("{}", if args.no_trunc { format!("sha256:{}", i.id) } else { i.id[..12].to_string() });
            }
        }
        return Ok(0);
    }
    let fmt = Format::parse(args.format.as_deref());
    let out = match fmt {
        Format::Json => serde_json::to_string_pretty(&imgs.iter().map(json_object).collect::<Vec<_>>()).unwrap_or_default() + "\n",
        _ if args.digests => format::render(
            &fmt,
            &[
                ("REPOSITORY", "Repository"),
                ("TAG", "Tag"),
                ("DIGEST", "Digest"),
                ("IMAGE ID", "ID"),
                ("CREATED", "Created"),
                ("SIZE", "Size"),
            ],
            &rows(&imgs, args.no_trunc, args.sort),
        )?,
        _ => format::render(
            &fmt,
            &[("REPOSITORY", "Repository"), ("TAG", "Tag"), ("IMAGE ID", "ID"), ("CREATED", "Created"), ("SIZE", "Size")],
            &rows(&imgs, args.no_trunc, args.sort),
        )?,
    };
    let out = format::without_header(&fmt, out, args.noheading);
    print!("{out}");
    Ok(0)
}

// `rmi` flags.
#[derive(Debug, Args)]
pub struct RmiArgs {
    /// Remove the image even if containers use it (removing those containers).
    #[arg(short, long)]
    pub force: bool,
    /// Remove all images.
    #[arg(short, long)]
    pub all: bool,
    /// Do not complain about images that do not exist.
    #[arg(short, long)]
    pub ignore: bool,
    /// Images to remove, by name or id.
    #[arg(value_name = "IMAGE", required_unless_present = "all")]
    pub images: Vec<String>,
}

/// Removes images; prints "Untagged: NAME" and "Deleted: ID" lines as podman.
pub fn remove(ctx: &Context, args: RmiArgs) -> Result<i32> {
    let targets: Vec<String> = if args.all { images::list(&ctx.engine)?.into_iter().map(|i| i.id).collect() } else { args.images.clone() };
    let mut first_err: Option<Error> = None;
    for t in targets {
        match images::remove(&ctx.engine, &t, args.force) {
            Ok(done) => {
                for r in done {
                    match r {
                        Removed::Untagged(n) => println!("Untagged: {n}"),
                        Removed::Deleted { id, .. } => println!("Deleted: {id}"),
                    }
                }
            }
            // podman: --force, as --ignore, lets a missing image go.
            Err(e) if (args.ignore || args.force) && e.kind() == crate::error::ErrorKind::NotFound => {}
            Err(e) => {
                if first_err.is_some() {
                    eprintln!("Error: {e}");
                } else {
                    first_err = Some(e);
                }
            }
        }
    }
    match first_err {
        // podman: 1 when an image is not known, 2 when it is in use, 125 anything else.
        Some(e) => {
            eprintln!("Error: {e}");
            Ok(e.remove_exit_code())
        }
        None => Ok(0),
    }
}

/// `--creds USERNAME:PASSWORD` (pull, push, search, manifest): sangja never
/// prompts, so a missing password is an error.
pub(crate) fn parse_creds(text: Option<&str>) -> Result<Option<crate::config::auth::Credentials>> {
    match text.map(|t| t.split_once(':')) {
        None => Ok(None),
        Some(Some((u, p))) if !u.is_empty() => Ok(Some(crate::config::auth::Credentials { username: u.into(), password: p.into() })),
        Some(_) => Err(Error::Invalid("--creds needs USERNAME:PASSWORD (sangja does not prompt for the password)".into())),
    }
}
