//! `build` (also `image build`, `buildx build`): flags to a BuildRequest,
//! the engine's build events to buildah's lines.

use super::Context;
use crate::engine::build::{self, BuildEvent, BuildOutcome, BuildRequest, ContextSource};
use crate::engine::images::{PullOptions, PullPolicy};
use crate::engine::volumes as engine_volumes;
use crate::error::{Error, Result};
use clap::{Args, Subcommand};
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::os::fd::{AsFd, BorrowedFd};
use std::path::PathBuf;

// `build` flags (podman's names).
#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Name (and tag) for the image; may be given several times.
    #[arg(short = 't', long = "tag", value_name = "NAME")]
    pub tags: Vec<String>,
    /// The Containerfile (`-` reads it from stdin; default: Containerfile, then Dockerfile, in the context).
    #[arg(short = 'f', long = "file", value_name = "FILE")]
    pub file: Option<String>,
    /// A build argument: KEY=VALUE, or KEY to take it from this environment.
    #[arg(long = "build-arg", value_name = "KEY[=VALUE]")]
    pub build_args: Vec<String>,
    /// A file of build arguments, KEY=VALUE a line (# comments).
    #[arg(long = "build-arg-file", value_name = "FILE")]
    pub build_arg_files: Vec<PathBuf>,
    /// Build up to this stage (FROM ... AS NAME).
    #[arg(long, value_name = "STAGE")]
    pub target: Option<String>,
    /// Use and keep the layer cache (default true).
    #[arg(long, value_name = "BOOL", num_args = 0..=1, default_value = "true", default_missing_value = "true", value_parser = super::parse_bool)]
    pub layers: bool,
    /// Do not use the cache (the steps still fill it).
    #[arg(long = "no-cache")]
    pub no_cache: bool,
    /// When to pull FROM images: always, missing, never, newer (bare --pull: always).
    #[arg(long, value_name = "POLICY", num_args = 0..=1, default_missing_value = "always")]
    pub pull: Option<String>,
    /// The platform to build for: this machine's only (linux/amd64 on x86-64).
    #[arg(long, value_name = "OS/ARCH")]
    pub platform: Option<String>,
    /// A label for the image (KEY=VALUE).
    #[arg(long = "label", value_name = "KEY=VALUE")]
    pub labels: Vec<String>,
    /// An annotation for the image's manifest (KEY=VALUE).
    #[arg(long = "annotation", value_name = "KEY=VALUE")]
    pub annotations: Vec<String>,
    /// The image format: oci or docker.
    #[arg(long, value_name = "FORMAT", default_value = "oci", value_parser = ["oci", "docker"])]
    pub format: String,
    /// Squash the layers this build makes into one (the base image's stay as they are).
    #[arg(long)]
    pub squash: bool,
    /// Squash all the image's layers into one.
    #[arg(long = "squash-all")]
    pub squash_all: bool,
    /// The network of RUN steps: default, none, host, pasta, slirp4netns.
    #[arg(long, value_name = "MODE")]
    pub network: Option<String>,
    /// A volume or bind mount for RUN steps: [SOURCE:]DEST[:OPTIONS].
    #[arg(short = 'v', long = "volume", value_name = "[SOURCE:]DEST[:OPTIONS]")]
    pub volumes: Vec<String>,
    /// A secret for RUN --mount=type=secret: id=ID,src=PATH.
    #[arg(long = "secret", value_name = "id=ID,src=PATH")]
    pub secrets: Vec<String>,
    /// Write the image's id to this file.
    #[arg(long, value_name = "FILE")]
    pub iidfile: Option<PathBuf>,
    /// Set the image's created time (seconds since the epoch).
    #[arg(long, value_name = "SECONDS")]
    pub timestamp: Option<i64>,
    /// Print only the image's id.
    #[arg(short, long)]
    pub quiet: bool,
    /// Remove the steps' containers (always done; accepted for podman's scripts).
    #[arg(long, value_name = "BOOL", num_args = 0..=1, default_value = "true", default_missing_value = "true", value_parser = super::parse_bool)]
    pub rm: bool,
    /// Remove the steps' containers even after a failure (always done).
    #[arg(long = "force-rm", value_name = "BOOL", num_args = 0..=1, default_missing_value = "true", value_parser = super::parse_bool)]
    pub force_rm: Option<bool>,
    /// The ignore file (default .containerignore, then .dockerignore, in the context).
    #[arg(long, value_name = "FILE")]
    pub ignorefile: Option<PathBuf>,
    /// Require HTTPS for pulls (`--tls-verify=false` allows plain HTTP).
    #[arg(long = "tls-verify", value_name = "BOOL", num_args = 0..=1, default_missing_value = "true", value_parser = super::parse_bool)]
    pub tls_verify: Option<bool>,
    /// SSH agent forwarding to RUN --mount=type=ssh (not supported yet).
    #[arg(long, value_name = "ID")]
    pub ssh: Vec<String>,
    /// Cache sources in a registry (not supported yet: the local cache is used).
    #[arg(long = "cache-from", value_name = "IMAGE")]
    pub cache_from: Vec<String>,
    /// Cache destinations in a registry (not supported yet: the local cache is kept).
    #[arg(long = "cache-to", value_name = "IMAGE")]
    pub cache_to: Vec<String>,
    /// The build context: a folder, `-` (a tar archive on stdin), a git repository or an HTTP(S) URL (default: the current folder).
    #[arg(value_name = "CONTEXT")]
    pub context: Option<String>,
}

/// `sangja buildx ...` (docker's name; podman aliases `buildx build`).
#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum BuildxCommand {
    /// Build an image from a Containerfile.
    Build(Box<BuildArgs>),
}

fn not_yet(flag: &str, why: &str) -> Error {
    Error::Invalid(format!("{flag} is not supported by sangja build yet{why}"))
}

fn key_value(s: &str) -> (String, String) {
    match s.split_once('=') {
        Some((k, v)) => (k.to_string(), v.to_string()),
        None => (s.to_string(), String::new()),
    }
}

impl BuildArgs {
    fn request(&self) -> Result<BuildRequest> {
        if self.squash && self.squash_all {
            return Err(Error::Invalid("--squash and --squash-all cannot be used together: choose one".into()));
        }
        if !self.ssh.is_empty() {
            return Err(not_yet(
                "--ssh",
                ": it forwards an ssh-agent socket or keys into RUN --mount=type=ssh, which sangja's RUN steps do not mount yet; \
                 use --secret id=ID,src=FILE with RUN --mount=type=secret for a key file",
            ));
        }
        if !self.cache_from.is_empty() || !self.cache_to.is_empty() {
            return Err(not_yet(
                "--cache-from/--cache-to",
                ": they keep the build cache in a registry; sangja keeps it in the local store (--layers), which a rebuild on this machine uses",
            ));
        }
        let mut build_args = BTreeMap::new();
        for f in &self.build_arg_files {
            let text = std::fs::read_to_string(f).map_err(|e| Error::io_path("read the build-arg file", f, e))?;
            for line in text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')) {
                let (k, v) = key_value(line);
                build_args.insert(k, v);
            }
        }
        for a in &self.build_args {
            match a.split_once('=') {
                Some((k, v)) => {
                    build_args.insert(k.to_string(), v.to_string());
                }
                None => {
                    if let Ok(v) = std::env::var(a) {
                        build_args.insert(a.clone(), v);
                    }
                }
            }
        }
        let pull = match self.pull.as_deref() {
            None | Some("missing") | Some("false") => PullPolicy::Missing,
            Some("always") | Some("true") => PullPolicy::Always,
            Some("never") => PullPolicy::Never,
            Some("newer") => PullPolicy::Newer,
            Some(other) => return Err(Error::Invalid(format!("--pull {other}: use always, missing, never or newer"))),
        };
        let mut secrets = BTreeMap::new();
        for s in &self.secrets {
            let mut id = None;
            let mut src = None;
            for part in s.split(',') {
                match part.split_once('=') {
                    Some(("id", v)) => id = Some(v.to_string()),
                    Some(("src" | "source", v)) => src = Some(PathBuf::from(v)),
                    Some(("type", "file")) => {}
                    _ => return Err(Error::Invalid(format!("--secret {s:?}: use id=ID,src=PATH"))),
                }
            }
            let (Some(id), Some(src)) = (id, src) else {
                return Err(Error::Invalid(format!("--secret {s:?}: use id=ID,src=PATH")));
            };
            if !src.is_file() {
                return Err(Error::NotFound(format!("--secret {s:?}: {} is not a file", src.display())));
            }
            secrets.insert(id, src);
        }
        let context_arg = self.context.clone().unwrap_or_else(|| ".".into());
        let (containerfile, containerfile_name) = match self.file.as_deref() {
            Some("-") if context_arg == "-" => {
                return Err(Error::Invalid("-f - and a context of - cannot both read stdin: give one of them as a file".into()))
            }
            Some("-") => {
                let mut t = String::new();
                std::io::stdin()
                    .read_to_string(&mut t)
                    .map_err(|e| Error::Io { what: "read the Containerfile from stdin".into(), source: e })?;
                (Some(t), None)
            }
            Some(f) if context_arg == "-" => (None, Some(f.to_string())),
            Some(f) => {
                let t = std::fs::read_to_string(f).map_err(|e| Error::io_path("read the Containerfile", std::path::Path::new(f), e))?;
                (Some(t), None)
            }
            None => (None, None),
        };
        let context = ContextSource::from_arg(&context_arg, || Box::new(std::io::stdin()));
        Ok(BuildRequest {
            containerfile,
            containerfile_name,
            context,
            ignorefile: self.ignorefile.clone(),
            tags: self.tags.clone(),
            build_args,
            target: self.target.clone(),
            layers: self.layers,
            no_cache: self.no_cache,
            pull,
            pull_opts: PullOptions { tls_verify: self.tls_verify, ..PullOptions::default() },
            platform: self.platform.clone(),
            labels: self.labels.iter().map(|l| key_value(l)).collect(),
            annotations: self.annotations.iter().map(|l| key_value(l)).collect(),
            docker_format: self.format == "docker",
            squash: self.squash,
            squash_all: self.squash_all,
            network: self.network.clone(),
            volumes: engine_volumes::parse_requests(&self.volumes, &[], &[])?,
            secrets,
            timestamp: self.timestamp,
        })
    }
}

fn stage_prefix(stage: Option<(usize, usize)>) -> String {
    stage.map(|(i, n)| format!("[{i}/{n}] ")).unwrap_or_default()
}

/// The line buildah prints for an event (None: nothing on stdout).
pub fn line(ev: &BuildEvent) -> Option<String> {
    Some(match ev {
        BuildEvent::Step { stage, n, total, text } => format!("{}STEP {n}/{total}: {text}", stage_prefix(*stage)),
        BuildEvent::UsingCache(id) => format!("--> Using cache {id}"),
        BuildEvent::StepDone(id) | BuildEvent::Committed(id) => format!("--> {id}"),
        BuildEvent::Commit { stage, name } => format!("{}COMMIT {name}", stage_prefix(*stage)).trim_end().to_string(),
        BuildEvent::Tagged(name) => format!("Successfully tagged {name}"),
        BuildEvent::Pulling(_) | BuildEvent::Warning(_) => return None,
    })
}

/// Builds; prints buildah's lines and the id last.
pub fn build(ctx: &Context, args: BuildArgs) -> Result<i32> {
    let req = args.request()?;
    let quiet = args.quiet;
    let events = move |ev: BuildEvent| match &ev {
        BuildEvent::Pulling(name) => eprintln!("Trying to pull {name}..."),
        BuildEvent::Warning(w) => eprintln!("[Warning] {w}"),
        _ if quiet => {}
        _ => {
            if let Some(l) = line(&ev) {
                let mut out = std::io::stdout().lock();
                let _ = writeln!(out, "{l}");
                let _ = out.flush();
            }
        }
    };
    // RUN steps never read our stdin (it may be the context); with -q
    // their output goes to stderr, so stdout holds only the id.
    let null = std::fs::File::open("/dev/null").map_err(|e| Error::io_path("open", std::path::Path::new("/dev/null"), e))?;
    // SAFETY: 1 and 2 stay open for the life of the process (events.rs's own_stdio).
    let (out, err) = unsafe { (BorrowedFd::borrow_raw(if quiet { 2 } else { 1 }), BorrowedFd::borrow_raw(2)) };
    let io = crate::engine::events::Stdio { stdin: null.as_fd(), stdout: out, stderr: err };
    match build::build(&ctx.engine, req, &io, &events)? {
        BuildOutcome::Built { id, .. } => {
            if let Some(f) = &args.iidfile {
                std::fs::write(f, format!("sha256:{id}")).map_err(|e| Error::io_path("write the iidfile", f, e))?;
            }
            println!("{id}");
            Ok(0)
        }
        BuildOutcome::StepFailed { code, message } => {
            eprintln!("Error: {message}");
            Ok(code)
        }
    }
}
