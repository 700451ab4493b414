//! `run`: create a container from an image and run it in the foreground.

use super::progress::PullProgress;
use super::Context;
use crate::engine::containers::Container;
use crate::engine::images::{self, ImageRecord, PullOptions, ResolveEvent};
use crate::engine::run::{self, RunOptions};
use crate::error::{Error, Result};
use clap::{Args, ValueEnum};
use std::sync::OnceLock;

// `run` flags (podman's names).
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Remove the container when it exits.
    #[arg(long)]
    pub rm: bool,
    /// Remove the image too once the container has exited, unless another container uses it (implies --rm; run only).
    #[arg(long)]
    pub rmi: bool,
    /// Name of the container.
    #[arg(long)]
    pub name: Option<String>,
    /// Set an environment variable (KEY=VALUE, or KEY to copy it from here).
    #[arg(short = 'e', long = "env", value_name = "KEY=VALUE")]
    pub env: Vec<String>,
    /// Pass this process's whole environment into the container (before --env).
    #[arg(long = "env-host")]
    pub env_host: bool,
    /// Read labels from a file: KEY=VALUE lines (# comments and blank lines skipped).
    #[arg(long = "label-file", value_name = "FILE")]
    pub label_files: Vec<std::path::PathBuf>,
    /// Working directory inside the container.
    #[arg(short = 'w', long = "workdir", value_name = "DIR")]
    pub workdir: Option<String>,
    /// Pass down to the process N additional file descriptors (in addition to 0, 1, 2).
    #[arg(long = "preserve-fds", value_name = "N", default_value_t = 0)]
    pub preserve_fds: u32,
    /// Container host name.
    #[arg(short = 'h', long, value_name = "NAME")]
    pub hostname: Option<String>,
    /// User (name or uid, optionally :group) to run the command as.
    #[arg(short = 'u', long, value_name = "USER[:GROUP]")]
    pub user: Option<String>,
    /// Override the image's ENTRYPOINT ("" clears it).
    #[arg(long, value_name = "CMD")]
    pub entrypoint: Option<String>,
    /// --network, -p, -P, --add-host, --dns* (cli/network.rs).
    #[command(flatten)]
    pub net_flags: super::network::NetFlags,
    /// Add a label (KEY=VALUE).
    #[arg(short = 'l', long = "label", value_name = "KEY=VALUE")]
    pub labels: Vec<String>,
    /// Keep stdin open.
    #[arg(short = 'i', long)]
    pub interactive: bool,
    /// Allocate a pseudo-TTY.
    #[arg(short = 't', long)]
    pub tty: bool,
    /// Run an init inside the container that forwards signals and reaps processes.
    #[arg(long)]
    pub init: bool,
    /// Key sequence that detaches from the container's terminal (default ctrl-p,ctrl-q).
    #[arg(long = "detach-keys", value_name = "KEYS")]
    pub detach_keys: Option<String>,
    /// Run in the background and print the container's id.
    #[arg(short = 'd', long)]
    pub detach: bool,
    /// Logging driver option: max-size=SIZE caps the log (rotated to ctr.log.1 when full).
    #[arg(long = "log-opt", value_name = "OPT")]
    pub log_opts: Vec<String>,
    /// Pull policy when the image is not in the store: missing, always, never.
    #[arg(long, value_name = "POLICY", default_value = "missing")]
    pub pull: PullPolicy,
    /// Require HTTPS for a pull (`--tls-verify=false` allows plain HTTP).
    #[arg(long = "tls-verify", value_name = "BOOL", num_args = 0..=1, default_missing_value = "true", value_parser = super::parse_bool)]
    pub tls_verify: Option<bool>,
    /// The auth file for a pull (default: $REGISTRY_AUTH_FILE, else auth.json's places).
    #[arg(long, value_name = "PATH")]
    pub authfile: Option<std::path::PathBuf>,
    /// Suppress pull progress.
    #[arg(short, long)]
    pub quiet: bool,
    /// Volumes, bind mounts and tmpfs (-v, --mount, --tmpfs, --read-only).
    #[command(flatten)]
    pub mount_flags: super::volume::MountFlags,
    /// --cap-add, --cap-drop, --privileged, --security-opt.
    #[command(flatten)]
    pub security_flags: super::isolation::SecurityFlags,
    /// --memory, --cpus, --pids-limit, --ulimit, --cgroups...
    #[command(flatten)]
    pub resource_flags: super::isolation::ResourceFlags,
    /// --restart, --sdnotify, --stop-timeout, --cidfile, --replace (cli/supervise.rs).
    #[command(flatten)]
    pub supervisor_flags: super::supervise::SupervisorFlags,
    /// --stop-signal, --annotation, --tz, --umask, --group-add, --sysctl... (cli/runflags.rs).
    #[command(flatten)]
    pub extra_flags: super::runflags::ExtraFlags,
    /// --secret, --health-* (cli/verbs.rs).
    #[command(flatten)]
    pub verb_flags: super::verbs::VerbFlags,
    /// The image to run.
    #[arg(value_name = "IMAGE")]
    pub image: String,
    /// The command and its arguments (default: the image's).
    #[arg(value_name = "COMMAND", trailing_var_arg = true, allow_hyphen_values = true)]
    pub command: Vec<String>,
}

/// When `run` pulls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PullPolicy {
    Missing,
    Always,
    Never,
    Newer,
}

impl RunArgs {
    /// `--env-host`: this process's variables, which --env-file and --env override.
    fn host_env(&self) -> Vec<String> {
        if !self.env_host {
            return Vec::new();
        }
        std::env::vars_os().filter_map(|(k, v)| Some(format!("{}={}", k.into_string().ok()?, v.into_string().ok()?))).collect()
    }

    /// `--label-file`: KEY=VALUE lines, as podman reads them.
    fn labels_from_files(&self) -> Result<Vec<String>> {
        let mut labels = Vec::new();
        for f in &self.label_files {
            let text = std::fs::read_to_string(f).map_err(|e| Error::Invalid(format!("--label-file {}: {e}", f.display())))?;
            labels.extend(text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).map(String::from));
        }
        Ok(labels)
    }

    pub(crate) fn options(&self) -> Result<RunOptions> {
        let (network, net) = self.net_flags.options()?;
        let net_host = network == crate::engine::network::NetworkMode::Host;
        if self.rmi && self.detach {
            return Err(Error::Invalid("--rmi works with a foreground run only: with -d, remove the image after the container".into()));
        }
        let remove = self.rm || self.rmi;
        let (restart, sdnotify) = self.supervisor_flags.policies(remove)?;
        Ok(RunOptions {
            name: self.name.clone(),
            command: self.command.clone(),
            entrypoint: self.entrypoint.clone(),
            env: [self.host_env(), self.supervisor_flags.env_from_files()?, self.env.clone()].concat(),
            workdir: self.workdir.clone(),
            user: self.user.clone(),
            hostname: self.hostname.clone(),
            network,
            net,
            tty: self.tty,
            interactive: self.interactive,
            remove,
            labels: [self.labels_from_files()?, self.labels.clone()].concat(),
            secrets: self.verb_flags.secrets()?,
            health: self.verb_flags.health()?,
            no_healthcheck: self.verb_flags.no_healthcheck,
            init: self.init,
            mounts: self.mount_flags.requests()?,
            security: self.security_flags.options(),
            resources: self.extra_flags.resources(self.resource_flags.options()),
            read_only: self.mount_flags.read_only,
            read_only_tmpfs: self.mount_flags.read_only_tmpfs,
            detach: self.detach,
            log_max_size: super::lifecycle::log_max_size(&self.log_opts)?,
            restart,
            sdnotify,
            stop_timeout: self.supervisor_flags.stop_timeout,
            create_command: std::env::args().collect(),
            extra: self.extra_flags.options_with(net_host, !self.net_flags.add_host.is_empty(), &self.log_opts, self.tty)?,
        })
    }
}

impl From<PullPolicy> for images::PullPolicy {
    fn from(p: PullPolicy) -> Self {
        match p {
            PullPolicy::Missing => images::PullPolicy::Missing,
            PullPolicy::Always => images::PullPolicy::Always,
            PullPolicy::Never => images::PullPolicy::Never,
            PullPolicy::Newer => images::PullPolicy::Newer,
        }
    }
}

/// Finds the image locally, pulling it per the policy, with `pull`'s progress.
pub(crate) fn resolve_image(ctx: &Context, args: &RunArgs) -> Result<ImageRecord> {
    if let Some(f) = &args.authfile {
        crate::config::auth::set_authfile(f);
    }
    let opts = PullOptions { tls_verify: args.tls_verify, platform: args.extra_flags.platform()?, ..PullOptions::default() };
    let progress: OnceLock<PullProgress> = OnceLock::new();
    let pulled = images::resolve(&ctx.engine, &args.image, args.pull.into(), opts, &|ev| match ev {
        ResolveEvent::Pulling(name) => progress.get_or_init(|| PullProgress::new(args.quiet)).trying(&name),
        ResolveEvent::Progress(ev) => progress.get_or_init(|| PullProgress::new(args.quiet)).event(ev),
    });
    let Some(progress) = progress.get() else { return pulled };
    progress.finish();
    pulled.map_err(|e| {
        // As when a child `sangja pull` did it (and podman): the pull's error, then run's.
        eprintln!("Error: {e}");
        Error::Registry(format!("{}: pulling the image failed (see above)", args.image))
    })
}

/// `run` and `create`: the image (pulled per `--pull`), `--replace`, the
/// container created and its `--cidfile` written.
pub(crate) fn create(ctx: &Context, args: &RunArgs) -> Result<(ImageRecord, Container, oci_spec::runtime::Spec)> {
    let mut opts = args.options()?;
    let mut image = resolve_image(ctx, args)?;
    super::supervise::before_create(ctx, args)?;
    if args.net_flags.publish_all {
        crate::engine::network::publish_exposed(&mut opts.net, &image)?;
        crate::engine::network::publish_listed(&mut opts.net, &opts.extra.expose)?;
    }
    let (container, spec) = match run::create(&ctx.engine, &image, &args.image, opts.clone()) {
        // A concurrent rmi removed the image between resolve and create:
        // resolve (pull) it once more, as a retry by hand would (issue 19).
        Err(Error::ImageNotFound(_)) if args.pull != PullPolicy::Never => {
            image = resolve_image(ctx, args)?;
            run::create(&ctx.engine, &image, &args.image, opts)?
        }
        r => r?,
    };
    args.supervisor_flags.write_cidfile(&container.config.id)?;
    Ok((image, container, spec))
}

/// Runs a container in the foreground; returns its exit code.
pub fn run(ctx: &Context, args: RunArgs) -> Result<i32> {
    let (image, container, spec) = create(ctx, &args)?;
    if args.detach {
        return super::lifecycle::run_detached(ctx, container);
    }
    let attach = &container.config.options.extra.attach;
    let (stdin, stdout, stderr) = (args.interactive, attach.iter().any(|a| a == "stdout"), attach.iter().any(|a| a == "stderr"));
    // A terminal session runs under a monitor, so the detach keys can leave
    // it running (cli/attach.rs); other foreground runs stay our children.
    let code = if !attach.is_empty() && !stdin && !stdout && !stderr {
        // `-a stdin` without -i attaches nothing: as podman, the id, then
        // the container's exit code once it exits; its output is logged.
        crate::engine::lifecycle::start_detached(&ctx.engine, &container)?;
        println!("{}", container.config.id);
        Ok(crate::engine::lifecycle::wait(&ctx.engine, &container)?.unwrap_or(0))
    } else if args.tty {
        super::attach::run_tty(ctx, &container, args.detach_keys.as_deref())
    } else if !attach.is_empty() {
        // `-a`: the streams not named go nowhere (podman logs them).
        let null = std::fs::File::options()
            .read(true)
            .write(true)
            .open("/dev/null")
            .map_err(|e| Error::Runtime(format!("open /dev/null: {e}")))?;
        let own = super::events::own_stdio();
        let pick = |on: bool, fd| if on { fd } else { std::os::fd::AsFd::as_fd(&null) };
        let io = crate::engine::events::Stdio {
            stdin: pick(stdin, own.stdin),
            stdout: pick(stdout, own.stdout),
            stderr: pick(stderr, own.stderr),
        };
        run::start_foreground(&ctx.engine, &image, container, &spec, io)
    } else {
        run::start_foreground(&ctx.engine, &image, container, &spec, super::events::own_stdio())
    };
    if args.rmi {
        // As podman: an image another container uses stays, quietly.
        match images::remove(&ctx.engine, &image.id, false) {
            Ok(_) => {}
            Err(e) if matches!(e.kind(), crate::error::ErrorKind::InUse | crate::error::ErrorKind::Conflict) => {}
            Err(e) => eprintln!("Error: removing the image: {e}"),
        }
    }
    code
}
