//! `manifest create|add|annotate|inspect|push|rm|remove|exists`: local manifest
//! lists (the model is described in engine/manifest.rs).

use super::Context;
use crate::engine::images::{PullOptions, Removed};
use crate::engine::manifest::{self, AddOptions, EntryOptions};
use crate::error::Result;
use clap::{Args, Subcommand};

/// `sangja manifest ...`.
#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum ManifestCommand {
    /// Create a manifest list, optionally with images in it.
    Create(CreateArgs),
    /// Add an image to a manifest list.
    Add(AddArgs),
    /// Set the platform and annotations of an image in a manifest list.
    Annotate(AnnotateArgs),
    /// Print a manifest list (local) or a manifest or index (in a registry) as JSON.
    Inspect(InspectArgs),
    /// Remove manifest lists.
    Rm(RmArgs),
    /// Remove an image from a manifest list.
    Remove(RemoveArgs),
    /// Exit 0 if the manifest list exists, 1 if not.
    Exists(ExistsArgs),
    /// Push a manifest list and its images to a registry.
    Push(PushArgs),
}

// Registry flags shared by the commands that may pull.
#[derive(Debug, Args, Clone)]
pub struct RegistryFlags {
    /// Require HTTPS and verify certificates (`--tls-verify=false` allows plain HTTP).
    #[arg(long = "tls-verify", value_name = "BOOL", num_args = 0..=1, require_equals = true, default_missing_value = "true", value_parser = super::parse_bool)]
    pub tls_verify: Option<bool>,
}

#[derive(Debug, Args)]
pub struct CreateArgs {
    /// Add every image of the lists given as images.
    #[arg(long)]
    pub all: bool,
    /// Add to an existing list of that name instead of failing.
    #[arg(short, long)]
    pub amend: bool,
    #[command(flatten)]
    pub registry: RegistryFlags,
    #[arg(value_name = "LIST")]
    pub list: String,
    #[arg(value_name = "IMAGE")]
    pub images: Vec<String>,
}

// Platform and annotation flags of `add` and `annotate`.
#[derive(Debug, Args, Clone, Default)]
pub struct EntryFlags {
    /// Set an annotation (KEY=VALUE) on the image's entry.
    #[arg(long = "annotation", value_name = "KEY=VALUE")]
    pub annotation: Vec<String>,
    /// Override the architecture.
    #[arg(long, value_name = "ARCH")]
    pub arch: Option<String>,
    /// Override the features.
    #[arg(long, value_name = "FEATURES", value_delimiter = ',')]
    pub features: Vec<String>,
    /// Override the OS.
    #[arg(long, value_name = "OS")]
    pub os: Option<String>,
    /// Override the OS version.
    #[arg(long = "os-version", value_name = "VERSION")]
    pub os_version: Option<String>,
    /// Override the variant.
    #[arg(long, value_name = "VARIANT")]
    pub variant: Option<String>,
}

impl EntryFlags {
    fn options(&self, os_features: &[String]) -> EntryOptions {
        EntryOptions {
            arch: self.arch.clone(),
            os: self.os.clone(),
            variant: self.variant.clone(),
            os_version: self.os_version.clone(),
            features: self.features.clone(),
            os_features: os_features.to_vec(),
            annotations: self.annotation.clone(),
        }
    }
}

#[derive(Debug, Args)]
pub struct AddArgs {
    /// If the image is a list in a registry, add every image of it.
    #[arg(long)]
    pub all: bool,
    #[command(flatten)]
    pub entry: EntryFlags,
    /// The auth file with the registry's credentials.
    #[arg(long, value_name = "PATH")]
    pub authfile: Option<std::path::PathBuf>,
    /// Credentials (USERNAME:PASSWORD) for the registry.
    #[arg(long, value_name = "USERNAME:PASSWORD")]
    pub creds: Option<String>,
    #[command(flatten)]
    pub registry: RegistryFlags,
    #[arg(value_name = "LIST")]
    pub list: String,
    #[arg(value_name = "IMAGE")]
    pub image: String,
}

#[derive(Debug, Args)]
pub struct AnnotateArgs {
    #[command(flatten)]
    pub entry: EntryFlags,
    /// Override the OS features.
    #[arg(long = "os-features", value_name = "FEATURES", value_delimiter = ',')]
    pub os_features: Vec<String>,
    #[arg(value_name = "LIST")]
    pub list: String,
    /// The image's manifest digest (sha256:...) or a local image.
    #[arg(value_name = "IMAGE")]
    pub image: String,
}

#[derive(Debug, Args)]
pub struct InspectArgs {
    #[command(flatten)]
    pub registry: RegistryFlags,
    #[arg(value_name = "LIST")]
    pub list: String,
}

#[derive(Debug, Args)]
pub struct RmArgs {
    #[arg(value_name = "LIST", required = true)]
    pub lists: Vec<String>,
}

#[derive(Debug, Args)]
pub struct RemoveArgs {
    #[arg(value_name = "LIST")]
    pub list: String,
    #[arg(value_name = "DIGEST")]
    pub digest: String,
}

#[derive(Debug, Args)]
pub struct ExistsArgs {
    #[arg(value_name = "LIST")]
    pub list: String,
}

#[derive(Debug, Args)]
pub struct PushArgs {
    /// Push the list's images too, not only the list (default true).
    #[arg(long, value_name = "BOOL", num_args = 0..=1, require_equals = true, default_value = "true", default_missing_value = "true", value_parser = super::parse_bool)]
    pub all: bool,
    /// The auth file with the registry's credentials.
    #[arg(long, value_name = "PATH")]
    pub authfile: Option<std::path::PathBuf>,
    /// Compression of the layers sent: gzip or zstd (default: reuse what the registry has, else gzip).
    #[arg(long = "compression-format", value_name = "FORMAT")]
    pub compression_format: Option<String>,
    /// Credentials (USERNAME:PASSWORD) for the registry.
    #[arg(long, value_name = "USERNAME:PASSWORD")]
    pub creds: Option<String>,
    /// Write the digest of the pushed list to this file.
    #[arg(long, value_name = "FILE")]
    pub digestfile: Option<std::path::PathBuf>,
    /// The list's type and its images' manifest format: oci or v2s2 (default: as stored).
    #[arg(short = 'f', long, value_name = "FORMAT")]
    pub format: Option<String>,
    /// Print no progress.
    #[arg(short, long)]
    pub quiet: bool,
    /// Do not copy signatures (sangja copies none: accepted for compatibility).
    #[arg(long = "remove-signatures")]
    pub remove_signatures: bool,
    /// Remove the local list once it is pushed.
    #[arg(long)]
    pub rm: bool,
    /// Sign the images with this GPG key (not supported: refused).
    #[arg(long = "sign-by", value_name = "KEY")]
    pub sign_by: Option<String>,
    /// Sign with a sigstore private key (not supported: refused).
    #[arg(long = "sign-by-sigstore-private-key", value_name = "PATH")]
    pub sign_by_sigstore_private_key: Option<String>,
    #[command(flatten)]
    pub registry: RegistryFlags,
    #[arg(value_name = "LIST")]
    pub list: String,
    /// Where to push (docker://REGISTRY/NAME[:TAG] or REGISTRY/NAME[:TAG]; default: the list's name).
    #[arg(value_name = "DESTINATION")]
    pub destination: Option<String>,
}

fn push(ctx: &Context, a: PushArgs) -> Result<i32> {
    use crate::engine::push::{LayerCompression, ManifestFormat, PushOptions};
    if let Some(flag) = [("--sign-by", &a.sign_by), ("--sign-by-sigstore-private-key", &a.sign_by_sigstore_private_key)]
        .iter()
        .find(|(_, v)| v.is_some())
        .map(|(f, _)| f)
    {
        return Err(crate::error::Error::Invalid(format!(
            "{flag}: sangja does not sign images; push without it and sign the pushed digest with another tool (skopeo, cosign)"
        )));
    }
    if let Some(f) = &a.authfile {
        crate::config::auth::set_authfile(f);
    }
    let req = manifest::PushListRequest {
        list: a.list.clone(),
        destination: a.destination.clone(),
        all: a.all,
        options: PushOptions {
            tls_verify: a.registry.tls_verify,
            creds: creds(&a.creds)?,
            format: a.format.as_deref().map(ManifestFormat::parse).transpose()?,
            compression: a.compression_format.as_deref().map(LayerCompression::parse).transpose()?,
        },
        digestfile: a.digestfile.clone(),
        remove: a.rm,
    };
    let progress = super::push::PushProgress::new(a.quiet);
    if !a.quiet {
        eprintln!("Getting image list signatures");
    }
    let result = manifest::push(&ctx.engine, &req, &|ev| progress.event(ev));
    progress.finish();
    // podman prints nothing on stdout, not even what --rm removed.
    result?;
    if !a.quiet {
        eprintln!("Storing list signatures");
    }
    Ok(0)
}

fn creds(text: &Option<String>) -> Result<Option<crate::config::auth::Credentials>> {
    super::images::parse_creds(text.as_deref())
}

/// Whether the command may pull (and so needs the user namespace).
pub fn pulls(c: &ManifestCommand) -> bool {
    matches!(c, ManifestCommand::Create(_) | ManifestCommand::Add(_) | ManifestCommand::Rm(_) | ManifestCommand::Push(_))
}

/// Runs a `manifest` command.
pub fn manifest(ctx: &Context, c: ManifestCommand) -> Result<i32> {
    let e = &ctx.engine;
    match c {
        ManifestCommand::Create(a) => {
            let opts = AddOptions {
                all: a.all,
                pull: PullOptions { tls_verify: a.registry.tls_verify, ..Default::default() },
                ..Default::default()
            };
            println!("{}", manifest::create(e, &a.list, &a.images, a.amend, &opts)?);
        }
        ManifestCommand::Add(a) => {
            if let Some(f) = &a.authfile {
                crate::config::auth::set_authfile(f);
            }
            let opts = AddOptions {
                entry: a.entry.options(&[]),
                all: a.all,
                pull: PullOptions { tls_verify: a.registry.tls_verify, creds: creds(&a.creds)?, ..Default::default() },
            };
            println!("{}", manifest::add(e, &a.list, &a.image, &opts)?);
        }
        ManifestCommand::Annotate(a) => println!("{}", manifest::annotate(e, &a.list, &a.image, &a.entry.options(&a.os_features))?),
        ManifestCommand::Inspect(a) => {
            let v = manifest::inspect(e, &a.list, &PullOptions { tls_verify: a.registry.tls_verify, ..Default::default() })?;
            println!("{}", pretty4(&v));
        }
        ManifestCommand::Rm(a) => {
            let mut first_err = None;
            for l in &a.lists {
                let done = match manifest::load(e, l) {
                    Ok((rec, _)) => crate::engine::images::remove(e, &rec.id, false),
                    Err(err) => Err(err),
                };
                match done {
                    Ok(steps) => {
                        for s in steps {
                            match s {
                                Removed::Untagged(n) => println!("Untagged: {n}"),
                                Removed::Deleted { id, .. } => println!("Deleted: {id}"),
                            }
                        }
                    }
                    Err(err) => {
                        eprintln!("Error: {err}");
                        first_err.get_or_insert(err.remove_exit_code());
                    }
                }
            }
            return Ok(first_err.unwrap_or(0));
        }
        ManifestCommand::Remove(a) => println!("{}", manifest::remove(e, &a.list, &a.digest)?),
        ManifestCommand::Exists(a) => return Ok(if manifest::exists(e, &a.list)? { 0 } else { 1 }),
        ManifestCommand::Push(a) => return push(ctx, a),
    }
    Ok(0)
}

/// JSON indented by four spaces, as podman prints a manifest, keys in the
/// document's own order (a serde_json::Value would sort them).
pub fn pretty4(json: &[u8]) -> String {
    let text = String::from_utf8_lossy(json);
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::new();
    let mut depth = 0usize;
    let (mut in_str, mut escaped) = (false, false);
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        out.push_str(&"    ".repeat(depth));
    };
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        i += 1;
        if in_str {
            out.push(c);
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_str = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => {
                in_str = true;
                out.push(c);
            }
            '{' | '[' => {
                let close = if c == '{' { '}' } else { ']' };
                let next = chars[i..].iter().position(|x| !x.is_whitespace()).map(|k| chars[i + k]);
                if next == Some(close) {
                    out.push(c);
                    out.push(close);
                    i += chars[i..].iter().position(|x| *x == close).unwrap_or(0) + 1;
                } else {
                    out.push(c);
                    depth += 1;
                    newline(&mut out, depth);
                }
            }
            '}' | ']' => {
                depth = depth.saturating_sub(1);
                newline(&mut out, depth);
                out.push(c);
            }
            ',' => {
                out.push(c);
                newline(&mut out, depth);
            }
            ':' => out.push_str(": "),
            c if c.is_whitespace() => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn pretty_keeps_key_order() {
        let s = super::pretty4(br#"{"z":1, "a":[ ],"m":{"k":"a,\"b:{"},"l":[1,2]}"#);
        assert_eq!(s, "{\n    \"z\": 1,\n    \"a\": [],\n    \"m\": {\n        \"k\": \"a,\\\"b:{\"\n    },\n    \"l\": [\n        1,\n        2\n    ]\n}");
    }
}
