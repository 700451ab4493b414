//! `build`: an image from a Containerfile, each step in sangja's own
//! runtime. FROM pulls through the engine's pull policy; RUN runs a
//! throwaway container of the stage's state (the create/run path of `run`:
//! same runtime, same rootless user namespace, no tty) and commits its
//! changes as a layer (commit.rs's `container_layer`); COPY and ADD write
//! their layer directly from the context (context.rs); metadata
//! instructions change the config with an `empty_layer` history entry.
//! Every step goes through the cache (cache.rs).
//!
//! The language itself (parsing, expansion, ARG scopes, ignore files) is
//! the sangja-build crate's.

mod cache;
mod context;
mod steps;

use super::Engine;
use crate::error::{Error, Result};
use sangja_build::parse::Containerfile;
use sangja_build::vars::{platform_args, Platform, Scope};
use sangja_container::mounts::MountRequest;
use sangja_image::pull::PullOptions;
use std::collections::BTreeMap;
use std::path::PathBuf;

pub use super::images::PullPolicy;

/// Where the build context comes from.
pub enum ContextSource {
    /// A folder.
    Dir(PathBuf),
    /// A tar stream (`build -`, or a Containerfile alone on stdin has no context).
    Tar(Box<dyn std::io::Read>),
    /// A git repository (`git://`, `https://...git`, `git@host:...`, `github.com/...`;
    /// `#REF:SUBDIR` as docker): cloned with `git clone --depth 1`.
    Git(String),
    /// An HTTP(S) URL: a tar archive of the context, or a Containerfile alone.
    Url(String),
}

impl ContextSource {
    /// What a CONTEXT argument names, as docker and podman read it: `-`
    /// (stdin), a git repository, an HTTP(S) URL, else a folder.
    pub fn from_arg(arg: &str, stdin: impl FnOnce() -> Box<dyn std::io::Read>) -> ContextSource {
        let git_like = arg.starts_with("git://")
            || arg.starts_with("git@")
            || arg.starts_with("github.com/")
            || (arg.contains("://") && (arg.split('#').next().unwrap_or(arg).ends_with(".git") || arg.contains(".git#")));
        if arg == "-" {
            ContextSource::Tar(stdin())
        } else if git_like {
            let url = if arg.starts_with("github.com/") { format!("https://{arg}") } else { arg.to_string() };
            ContextSource::Git(url)
        } else if arg.starts_with("http://") || arg.starts_with("https://") {
            ContextSource::Url(arg.to_string())
        } else if let Some(path) =
            arg.strip_prefix("file://").filter(|p| p.ends_with(".git") || std::path::Path::new(p).join(".git").is_dir())
        {
            ContextSource::Git(format!("file://{path}"))
        } else {
            ContextSource::Dir(PathBuf::from(arg))
        }
    }
}

/// What the user asked `build` for, flags parsed.
pub struct BuildRequest {
    /// The Containerfile's text (`-f FILE`, `-f -`); None: `containerfile_name`
    /// in the context, else its Containerfile, else its Dockerfile.
    pub containerfile: Option<String>,
    pub containerfile_name: Option<String>,
    pub context: ContextSource,
    /// `--ignorefile`; default .containerignore, then .dockerignore, in the context.
    pub ignorefile: Option<PathBuf>,
    /// `-t`, as given (normalised here).
    pub tags: Vec<String>,
    pub build_args: BTreeMap<String, String>,
    pub target: Option<String>,
    /// `--layers`: use and keep the cache.
    pub layers: bool,
    /// `--no-cache`: do not use it (the steps still fill it).
    pub no_cache: bool,
    pub pull: PullPolicy,
    pub pull_opts: PullOptions,
    /// `--platform`: the host's only.
    pub platform: Option<String>,
    pub labels: Vec<(String, String)>,
    pub annotations: Vec<(String, String)>,
    /// `--format docker`.
    pub docker_format: bool,
    /// `--squash`: the build's new layers as one, on the base's.
    pub squash: bool,
    pub squash_all: bool,
    /// `--network` for RUN steps.
    pub network: Option<String>,
    /// `--volume` for RUN steps.
    pub volumes: Vec<MountRequest>,
    /// `--secret id=ID,src=PATH`.
    pub secrets: BTreeMap<String, PathBuf>,
    /// `--timestamp`: seconds since the epoch for the image's created times.
    pub timestamp: Option<i64>,
}

/// What a build tells its caller as it goes (buildah's lines).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum BuildEvent {
    /// `[i/n] STEP k/m: TEXT` (the stage part when there are several stages).
    Step { stage: Option<(usize, usize)>, n: usize, total: usize, text: String },
    /// A FROM image is pulled.
    Pulling(String),
    /// `--> Using cache ID`.
    UsingCache(String),
    /// `--> SHORTID` after a step.
    StepDone(String),
    /// `COMMIT NAME`.
    Commit { stage: Option<(usize, usize)>, name: String },
    /// The image is saved: `--> SHORTID`.
    Committed(String),
    /// `Successfully tagged NAME`.
    Tagged(String),
    /// A warning as buildah words it.
    Warning(String),
}

/// How a build ended.
#[derive(Debug)]
pub enum BuildOutcome {
    /// The image's id and names.
    Built { id: String, names: Vec<String> },
    /// A RUN step exited non-zero: its code and buildah's message. Nothing was saved.
    StepFailed { code: i32, message: String },
}

/// `image prune` / `system prune`: the build cache's entries and the layers
/// only they kept; returns how many entries went.
pub fn prune_cache(engine: &Engine) -> Result<usize> {
    cache::prune(engine)
}

/// The build-cache entries that can never hit again (their layers are gone,
/// or they cannot be read), for `system check`.
pub fn stale_cache_entries(engine: &Engine) -> Vec<PathBuf> {
    cache::stale(engine)
}

/// The layers the build cache names (`system check` does not call them orphans).
pub fn cache_layers(engine: &Engine) -> std::collections::HashSet<String> {
    cache::layers_in_use(engine)
}

/// Which stages the target needs (BuildKit and buildah skip the others).
fn needed_stages(file: &Containerfile, target: usize, scope: &Scope) -> Vec<bool> {
    let index_of = |name: &str, before: usize| -> Option<usize> {
        let lname = name.to_ascii_lowercase();
        (0..before)
            .rev()
            .find(|i| file.stages[*i].name.as_deref() == Some(lname.as_str()))
            .or_else(|| name.parse::<usize>().ok().filter(|i| *i < before))
    };
    let mut need = vec![false; file.stages.len()];
    need[target] = true;
    for i in (0..=target).rev() {
        if !need[i] {
            continue;
        }
        let stage = &file.stages[i];
        let base = sangja_build::expand::expand_word(&stage.image, file.escape, &|n| scope.global(n)).unwrap_or_default();
        if let Some(j) = index_of(&base, i) {
            need[j] = true;
        }
        for step in &stage.steps {
            if let sangja_build::parse::Ins::Copy { flags, .. } | sangja_build::parse::Ins::Run { flags, .. } = &step.ins {
                for f in flags {
                    let from = match (f.name.as_str(), &f.value) {
                        ("from", Some(v)) => Some(v.clone()),
                        ("mount", Some(v)) => v.split(',').find_map(|kv| kv.strip_prefix("from=").map(str::to_string)),
                        _ => None,
                    };
                    if let Some(j) = from.and_then(|v| index_of(&v, i)) {
                        need[j] = true;
                    }
                }
            }
        }
    }
    need
}

/// Builds the image. RUN steps write their output to `io`'s stdout and
/// stderr (stdin is never the caller's); progress goes to `events`.
pub fn build(
    engine: &Engine,
    req: BuildRequest,
    io: &sangja_runtime::Stdio,
    events: &(dyn Fn(BuildEvent) + Send + Sync),
) -> Result<BuildOutcome> {
    let host = Platform::host();
    if let Some(p) = &req.platform {
        for one in p.split(',') {
            if !host.matches(&Platform::parse(one.trim())?) {
                return Err(Error::Invalid(format!(
                    "--platform {one}: sangja builds for this machine's platform ({host}) only; other platforms need emulation, which sangja does not do"
                )));
            }
        }
    }
    // The context: a folder, or a tar from stdin unpacked for the build.
    let mut req = req;
    // Entries whose layers an rmi or a prune took can never hit: they go.
    let _ = cache::sweep(engine);
    let tmp = engine.paths.tmp_dir();
    context::sweep_scratch(&tmp);
    let (root, _unpacked) = match std::mem::replace(&mut req.context, ContextSource::Dir(PathBuf::new())) {
        ContextSource::Tar(r) => {
            let u = context::unpack_context(&tmp, r)?;
            (u.0.clone(), Some(u))
        }
        ContextSource::Git(url) => {
            let (u, ctx) = context::clone_git(&tmp, &url)?;
            (ctx, Some(u))
        }
        ContextSource::Url(url) => {
            let (u, file) = context::fetch_context(&tmp, &url)?;
            if let Some(text) = file {
                if req.containerfile.is_none() && req.containerfile_name.is_none() {
                    req.containerfile = Some(text);
                }
            }
            (u.0.clone(), Some(u))
        }
        ContextSource::Dir(d) => {
            if !d.is_dir() {
                return Err(Error::NotFound(format!("the build context {} is not a folder", d.display())));
            }
            (d, None)
        }
    };
    let text = match &req.containerfile {
        Some(t) => t.clone(),
        None => {
            let names: Vec<String> = match &req.containerfile_name {
                Some(n) => vec![n.clone()],
                None => vec!["Containerfile".into(), "Dockerfile".into()],
            };
            names.iter().find_map(|n| std::fs::read_to_string(root.join(n)).ok()).ok_or_else(|| {
                Error::NotFound(format!(
                    "no {} in the build context {}: give one with -f FILE",
                    names.join(" or "),
                    if root.as_os_str().is_empty() { "(stdin)".to_string() } else { root.display().to_string() }
                ))
            })?
        }
    };
    let file = sangja_build::parse::parse(&text)?;
    let mut scope = Scope::new(req.build_args.clone(), platform_args(&host, &host));
    for step in &file.global_args {
        if let sangja_build::parse::Ins::Arg(raw) = &step.ins {
            let pairs = sangja_build::vars::parse_arg(raw, file.escape, &|n| scope.global(n))?;
            for (k, v) in pairs {
                scope.declare_global(&k, v);
            }
        }
    }
    let target = match &req.target {
        Some(t) => {
            let lt = t.to_ascii_lowercase();
            file.stages.iter().position(|s| s.name.as_deref() == Some(lt.as_str())).ok_or_else(|| {
                Error::Invalid(format!("--target {t}: the Containerfile has no stage named {t:?} (name one with FROM IMAGE AS NAME)"))
            })?
        }
        None => file.stages.len() - 1,
    };
    let need = needed_stages(&file, target, &scope);
    let ignore_text = match &req.ignorefile {
        Some(f) => Some(std::fs::read_to_string(f).map_err(|e| Error::io_path("read the ignore file", f, e))?),
        None => [".containerignore", ".dockerignore"].iter().find_map(|n| std::fs::read_to_string(root.join(n)).ok()),
    };
    let ignore = sangja_build::ignore::Matcher::parse(ignore_text.as_deref().unwrap_or(""));
    let tree = context::Tree::Context { root: root.clone(), ignore };
    let mut b = steps::Builder::new(engine, &req, io, events, scope, file.escape, tree);
    let nstages = file.stages.len();
    let mut last = None;
    for (i, stage) in file.stages.iter().enumerate().take(target + 1) {
        if !need[i] {
            b.skip_stage();
            continue;
        }
        let label = if nstages > 1 { Some((i + 1, nstages)) } else { None };
        match b.stage(stage, label)? {
            Some(state) => last = Some(state),
            None => {
                let (code, message) = b.failure.take().unwrap_or((1, "a RUN step failed".into()));
                return Ok(BuildOutcome::StepFailed { code, message });
            }
        }
    }
    let state = last.ok_or_else(|| Error::Internal("the build made no stage".into()))?;
    let label = if nstages > 1 { Some((target + 1, nstages)) } else { None };
    let unused = b.scope_unused();
    if !unused.is_empty() {
        events(BuildEvent::Warning(format!("one or more build args were not consumed: [{}]", unused.join(" "))));
    }
    let (id, names) = b.commit(state, label)?;
    super::events_log::image(engine, &id, names.first().map_or("", |n| n.as_str()), "build");
    Ok(BuildOutcome::Built { id, names })
}
