//! `save` and `load` (also `image save`, `image load`).

use super::Context;
use crate::engine::archive::{self, Compression, Format, LoadRequest, Output, SaveRequest};
use crate::error::{Error, IoContext, Result};
use clap::Args;
use std::io::IsTerminal;
use std::os::fd::AsFd;
use std::path::PathBuf;

// `save` flags.
#[derive(Debug, Args)]
pub struct SaveArgs {
    /// Write to this file (a folder for oci-dir and docker-dir); default: stdout, which must not be a terminal.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Format: docker-archive (default), oci-archive, oci-dir, docker-dir.
    #[arg(long, value_name = "FORMAT", default_value = "docker-archive")]
    pub format: String,
    /// Save several images into one docker-archive (the names after the first are images, not more tags).
    #[arg(short = 'm', long = "multi-image-archive")]
    pub multi_image_archive: bool,
    /// Keep the layers uncompressed in the OCI formats.
    #[arg(long)]
    pub uncompressed: bool,
    /// Compress the layers with gzip (docker-dir).
    #[arg(long)]
    pub compress: bool,
    /// Print no progress.
    #[arg(short, long)]
    pub quiet: bool,
    /// The image, then more names for it (or more images with -m).
    #[arg(value_name = "IMAGE", required = true)]
    pub images: Vec<String>,
}

// `load` flags.
#[derive(Debug, Args)]
pub struct LoadArgs {
    /// Read this archive (or oci-dir/docker-dir folder) instead of stdin.
    #[arg(short, long, value_name = "FILE")]
    pub input: Option<PathBuf>,
    /// Print no progress.
    #[arg(short, long)]
    pub quiet: bool,
}

fn stdio_file(fd: std::os::fd::BorrowedFd<'_>, what: &str) -> Result<std::fs::File> {
    Ok(std::fs::File::from(fd.try_clone_to_owned().ctx(|| format!("duplicate {what}"))?))
}

/// Saves images; progress on stderr.
pub fn save(ctx: &Context, a: SaveArgs) -> Result<i32> {
    let format = Format::parse(&a.format)?;
    if a.compress && a.uncompressed {
        return Err(Error::Invalid("--compress and --uncompressed cannot be used together".into()));
    }
    if a.compress && format != Format::DockerDir {
        return Err(Error::Invalid("--compress can only be set with --format docker-dir".into()));
    }
    let compression = if a.compress {
        Compression::Gzip
    } else if a.uncompressed {
        Compression::Plain
    } else {
        Compression::Default
    };
    let output = match a.output {
        Some(p) => Output::Path(p),
        None if format.is_dir() => return Err(Error::Invalid(format!("--format {}: give the folder to write with -o", a.format))),
        None => {
            if std::io::stdout().is_terminal() {
                return Err(Error::Invalid("refusing to save to terminal. Use -o flag or redirect".into()));
            }
            Output::Stream(stdio_file(std::io::stdout().as_fd(), "stdout")?)
        }
    };
    archive::save(
        &ctx.engine,
        SaveRequest { images: a.images, format, multi_image: a.multi_image_archive, compression, output, quiet: a.quiet },
    )?;
    Ok(0)
}

/// Loads images; prints podman's "Loaded image: NAME" lines.
pub fn load(ctx: &Context, a: LoadArgs) -> Result<i32> {
    let stdin = match &a.input {
        Some(_) => None,
        None => {
            if std::io::stdin().is_terminal() {
                return Err(Error::Invalid("cannot read an archive from a terminal: use -i FILE or redirect stdin".into()));
            }
            Some(stdio_file(std::io::stdin().as_fd(), "stdin")?)
        }
    };
    let loaded = archive::load(&ctx.engine, LoadRequest { input: a.input, stdin, quiet: a.quiet })?;
    for l in loaded {
        if l.names.is_empty() {
            println!("Loaded image: sha256:{}", l.id);
        }
        for n in l.names {
            println!("Loaded image: {n}");
        }
    }
    Ok(0)
}
