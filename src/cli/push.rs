//! `push` (also `image push`): flags, then the engine's push, with progress
//! bars on a terminal and podman's lines otherwise.

use super::Context;
use crate::engine::push::{self, LayerCompression, ManifestFormat, PushEvent, PushOptions, PushRequest};
use crate::error::{Error, Result};
use clap::Args;
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::collections::HashMap;
use std::io::IsTerminal;
use std::sync::Mutex;

// `push` flags.
#[derive(Debug, Args)]
pub struct PushArgs {
    /// Require HTTPS and verify certificates (`--tls-verify=false` allows plain HTTP).
    #[arg(long = "tls-verify", value_name = "BOOL", num_args = 0..=1, default_missing_value = "true", value_parser = super::parse_bool)]
    pub tls_verify: Option<bool>,
    /// Credentials (USERNAME:PASSWORD) for the destination registry.
    #[arg(long, value_name = "USERNAME:PASSWORD")]
    pub creds: Option<String>,
    /// The auth file with the registry's credentials (default: $REGISTRY_AUTH_FILE, else auth.json's places).
    #[arg(long, value_name = "PATH")]
    pub authfile: Option<std::path::PathBuf>,
    /// Manifest format: oci or v2s2 (default: the image's own).
    #[arg(short = 'f', long, value_name = "FORMAT")]
    pub format: Option<String>,
    /// Compression of the layers sent: gzip or zstd (default: reuse what the registry has, else gzip).
    #[arg(long = "compression-format", value_name = "FORMAT")]
    pub compression_format: Option<String>,
    /// Write the digest of the pushed manifest to this file.
    #[arg(long, value_name = "FILE")]
    pub digestfile: Option<std::path::PathBuf>,
    /// Print no progress.
    #[arg(short, long)]
    pub quiet: bool,
    /// Do not copy signatures (sangja copies none: accepted for compatibility).
    #[arg(long = "remove-signatures")]
    pub remove_signatures: bool,
    /// Sign the image with this GPG key (not supported: refused).
    #[arg(long = "sign-by", value_name = "KEY")]
    pub sign_by: Option<String>,
    /// Sign with a sigstore private key (not supported: refused).
    #[arg(long = "sign-by-sigstore-private-key", value_name = "PATH")]
    pub sign_by_sigstore_private_key: Option<String>,
    /// Sign with a sigstore parameter file (not supported: refused).
    #[arg(long = "sign-by-sigstore", value_name = "PATH")]
    pub sign_by_sigstore: Option<String>,
    /// The image to push, by name or id.
    #[arg(value_name = "IMAGE")]
    pub image: String,
    /// Where to push (docker://REGISTRY/NAME[:TAG] or REGISTRY/NAME[:TAG]; default: the image's name).
    #[arg(value_name = "DESTINATION")]
    pub destination: Option<String>,
}

impl PushArgs {
    fn request(&self) -> Result<PushRequest> {
        let signing = [
            ("--sign-by", &self.sign_by),
            ("--sign-by-sigstore", &self.sign_by_sigstore),
            ("--sign-by-sigstore-private-key", &self.sign_by_sigstore_private_key),
        ];
        if let Some((flag, _)) = signing.iter().find(|(_, v)| v.is_some()) {
            return Err(Error::Invalid(format!(
                "{flag}: sangja does not sign images; push without it and sign the pushed digest with another tool (skopeo, cosign)"
            )));
        }
        let creds = super::images::parse_creds(self.creds.as_deref())?;
        Ok(PushRequest {
            image: self.image.clone(),
            destination: self.destination.clone(),
            options: PushOptions {
                tls_verify: self.tls_verify,
                creds,
                format: self.format.as_deref().map(ManifestFormat::parse).transpose()?,
                compression: self.compression_format.as_deref().map(LayerCompression::parse).transpose()?,
            },
            digestfile: self.digestfile.clone(),
        })
    }
}

/// Pushes; progress on stderr.
pub fn push(ctx: &Context, args: PushArgs) -> Result<i32> {
    let req = args.request()?;
    if let Some(f) = &args.authfile {
        crate::config::auth::set_authfile(f);
    }
    let progress = PushProgress::new(args.quiet);
    if !args.quiet {
        eprintln!("Getting image source signatures");
    }
    let result = push::push(&ctx.engine, &req, &|ev| progress.event(ev));
    progress.finish();
    result?;
    if !args.quiet {
        eprintln!("Storing signatures");
    }
    Ok(0)
}

fn short(digest: &str) -> &str {
    let hex = digest.split_once(':').map(|(_, h)| h).unwrap_or(digest);
    &hex[..hex.len().min(12)]
}

/// Renders push events; shared across upload threads.
pub(crate) struct PushProgress {
    quiet: bool,
    /// `manifest push`: an instance is being copied (its "Storing signatures" is due).
    in_image: std::sync::atomic::AtomicBool,
    multi: MultiProgress,
    tty: bool,
    sizes: Mutex<HashMap<String, u64>>,
    bars: Mutex<HashMap<String, ProgressBar>>,
}

impl PushProgress {
    pub(crate) fn new(quiet: bool) -> Self {
        let tty = std::io::stderr().is_terminal();
        let multi =
            MultiProgress::with_draw_target(if tty && !quiet { ProgressDrawTarget::stderr() } else { ProgressDrawTarget::hidden() });
        PushProgress {
            quiet,
            in_image: std::sync::atomic::AtomicBool::new(false),
            multi,
            tty,
            sizes: Mutex::new(HashMap::new()),
            bars: Mutex::new(HashMap::new()),
        }
    }

    /// A line of podman's, above the bars on a terminal.
    fn line(&self, text: &str) {
        if self.tty {
            let _ = self.multi.println(text);
        } else {
            eprintln!("{text}");
        }
    }

    pub(crate) fn event(&self, ev: PushEvent) {
        if self.quiet {
            return;
        }
        let (Ok(mut bars), Ok(mut sizes)) = (self.bars.lock(), self.sizes.lock()) else { return };
        match ev {
            PushEvent::Start { layers } => sizes.extend(layers),
            PushEvent::LayerSkipped { digest, mounted } => {
                let how = if mounted { "skipped: mounted from another repository" } else { "skipped: already exists" };
                match bars.remove(&digest) {
                    Some(bar) => bar.finish_with_message(format!("{} {how}", short(&digest))),
                    None if self.tty => {
                        let _ = self.multi.println(format!("Copying blob {} {how}", short(&digest)));
                    }
                    None => eprintln!("Copying blob {digest} {how}"),
                }
            }
            PushEvent::LayerUpload { digest } if self.tty => {
                let style = ProgressStyle::with_template("Copying blob {msg} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec}")
                    .unwrap_or_else(|_| ProgressStyle::default_bar())
                    .progress_chars("=> ");
                let bar = self.multi.add(ProgressBar::new(sizes.get(&digest).copied().unwrap_or(0)));
                bar.set_style(style);
                bar.set_message(short(&digest).to_string());
                bars.insert(digest, bar);
            }
            PushEvent::LayerUpload { digest } => eprintln!("Copying blob {digest}"),
            PushEvent::LayerProgress { digest, bytes } => {
                if let Some(bar) = bars.get(&digest) {
                    if bar.position() + bytes > bar.length().unwrap_or(0) {
                        bar.set_length(bar.position() + bytes);
                    }
                    bar.inc(bytes);
                }
            }
            PushEvent::LayerDone { digest, .. } => {
                if let Some(bar) = bars.remove(&digest) {
                    bar.finish_with_message(format!("{} done", short(&digest)));
                }
            }
            PushEvent::Config { digest, skipped } => {
                let line = if skipped {
                    format!("Copying config {} skipped: already exists", short(&digest))
                } else {
                    format!("Copying config {digest}")
                };
                if self.tty {
                    let _ = self.multi.println(line);
                } else {
                    eprintln!("{line}");
                }
            }
            PushEvent::Manifest => self.line("Writing manifest to image destination"),
            PushEvent::ListInstance { digest, index, count } => {
                if self.in_image.swap(true, std::sync::atomic::Ordering::Relaxed) {
                    self.line("Storing signatures");
                }
                if index == 1 {
                    self.line(&format!("Copying {count} of {count} images in list"));
                }
                self.line(&format!("Copying image {digest} ({index}/{count})"));
                self.line("Getting image source signatures");
            }
            PushEvent::ListManifest => {
                if self.in_image.swap(false, std::sync::atomic::Ordering::Relaxed) {
                    self.line("Storing signatures");
                }
                self.line("Writing manifest list to image destination");
            }
        }
    }

    pub(crate) fn finish(&self) {
        let _ = self.multi.clear();
    }
}
