//! The command line: clap definitions (one file per command group) and
//! rendering. Calls engine/ for the work; only this layer prints.

pub mod archive;
pub mod attach;
pub mod build;
pub mod check;
pub mod compat;
pub mod completion;
pub mod containers;
pub mod docs;
pub mod events;
pub mod examples;
pub mod exec;
pub mod format;
pub mod fuse_mount;
pub mod generate;
pub mod images;
pub mod inspect;
pub mod isolation;
pub mod layers;
pub mod lifecycle;
pub mod logs;
pub mod network;
pub mod port;
pub mod prescan;
pub mod progress;
pub mod prune;
pub mod push;
pub mod run;
pub mod runflags;
pub mod stats;
pub mod supervise;
pub mod system;
pub mod template;
pub mod top;
pub mod volume;
// issue 17, share-verbs
pub mod image_verbs;
pub mod manifest;
pub mod search;
// issue 19, verbs
pub mod events_log;
pub mod secret;
pub mod verbs;

use crate::engine::Engine;
use crate::error::Result;
use clap::{Parser, Subcommand};
use std::path::PathBuf;

/// sangja: daemonless, rootless containers.
#[derive(Debug, Parser)]
// args_override_self: a flag given twice takes the last value, as podman's
// pflag does (`--name a --name b`); a global setting, so every subcommand.
#[command(name = "sangja", version, about = "Manage containers and images without a daemon, rootless first", propagate_version = true)]
#[command(args_override_self = true)]
// The global flags are listed after each command's own in its help (and
// before --help, 999): a
// subcommand gets them before its own deferred arguments, so without this
// they would come first.
#[command(next_display_order = 900)]
pub struct Cli {
    /// Path of the persistent store (default ~/.local/share/sangja, as root /var/lib/sangja).
    #[arg(long, global = true, value_name = "DIR")]
    pub root: Option<PathBuf>,
    /// Path of the run-time state (default $XDG_RUNTIME_DIR/sangja, as root /run/sangja).
    #[arg(long, global = true, value_name = "DIR")]
    pub runroot: Option<PathBuf>,
    /// Storage driver: overlay.
    #[arg(long = "storage-driver", global = true, value_name = "DRIVER", env = "STORAGE_DRIVER")]
    pub storage_driver: Option<String>,
    /// Log messages at this level and above: debug, info, warn, error.
    /// (An unknown level exits 1 with podman's message: main.rs.)
    #[arg(long = "log-level", global = true, value_name = "LEVEL", default_value = "warn", value_parser = LogLevelParser)]
    pub log_level: String,
    /// Print nothing on standard output (errors and warnings still go to stderr).
    #[arg(long, global = true)]
    pub noout: bool,
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
// defer (on every subcommand enum): a command's arguments are built only
// when clap parses or documents that command (cli/prescan.rs). So the
// `Args` structs have plain comments, not doc comments: a deferred
// struct's doc would replace the variant's as the command's about.
#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum Command {
    /// Container verbs, also under `sangja container`.
    #[command(flatten)]
    Ctr(ContainerVerb),
    /// Pull an image from a registry.
    Pull(images::PullArgs),
    /// Push an image to a registry.
    Push(push::PushArgs),
    /// List images in local storage.
    #[command(alias = "image-ls")]
    Images(images::ImagesArgs),
    /// Remove one or more images.
    Rmi(images::RmiArgs),
    /// List containers.
    Ps(containers::PsArgs),
    /// Show the configuration and state of containers or images as JSON.
    Inspect(inspect::InspectArgs),
    /// Manage images (podman's `image` group).
    #[command(subcommand)]
    Image(ImageCommand),
    /// Manage containers (podman's `container` group).
    #[command(subcommand)]
    Container(ContainerCommand),
    /// Run a command with layers mounted by the FUSE overlay (internal, tests and benchmarks).
    #[command(name = "__fuse-mount", hide = true)]
    FuseMount(fuse_mount::FuseMountArgs),
    /// Show the system's configuration: store, registries, host.
    Info(system::InfoArgs),
    /// Log in to a registry (stores the credentials in auth.json).
    Login(system::LoginArgs),
    /// Log out of a registry (removes its credentials from auth.json).
    Logout(system::LogoutArgs),
    /// Show version information.
    Version(system::VersionArgs),
    /// Print the shell completion script for bash, zsh or fish.
    Completion(completion::CompletionArgs),
    /// Names of containers, images, volumes, networks for the completion scripts (internal).
    #[command(name = "__complete", hide = true)]
    Complete(completion::CompleteArgs),
    /// Write completions/ and man/ into a folder (internal, packaging/gen-docs.sh).
    #[command(name = "__generate-docs", hide = true)]
    GenerateDocs(docs::GenerateDocsArgs),
    /// Generate systemd units from containers.
    #[command(subcommand)]
    Generate(generate::GenerateCommand),
    /// The Quadlet-style generator: .container files to .service units (also run as sangja-user-generator).
    #[command(name = "__quadlet", hide = true)]
    Quadlet(generate::QuadletArgs),
    /// Manage volumes.
    #[command(subcommand)]
    Volume(volume::VolumeCommand),
    /// Manage networks.
    #[command(subcommand)]
    Network(network::NetworkCommand),
    /// Make an image of a tarball.
    Import(layers::ImportArgs),
    /// Run a command in sangja's user namespace.
    Unshare(layers::UnshareArgs),
    /// System-wide commands.
    #[command(subcommand)]
    System(SystemCommand),
    /// Add names to an image.
    Tag(image_verbs::TagArgs),
    /// Remove names from an image (all of them without NAME).
    Untag(image_verbs::UntagArgs),
    /// Show the history of an image.
    History(image_verbs::HistoryArgs),
    /// Search a registry for images.
    Search(search::SearchArgs),
    /// Manage manifest lists.
    #[command(subcommand)]
    Manifest(manifest::ManifestCommand),
    /// Build an image from a Containerfile or Dockerfile.
    Build(Box<build::BuildArgs>),
    /// docker buildx's name for build (`buildx build`).
    #[command(subcommand)]
    Buildx(build::BuildxCommand),
    /// Save images to an archive (docker-archive, oci-archive) or folder (oci-dir, docker-dir).
    Save(archive::SaveArgs),
    /// Load images from an archive or folder (stdin by default).
    Load(archive::LoadArgs),
    /// Show events: containers, images, volumes, networks (podman's file event log).
    Events(events_log::EventsArgs),
    /// Manage secrets.
    #[command(subcommand)]
    Secret(secret::SecretCommand),
    /// Run a container's health check.
    #[command(subcommand)]
    Healthcheck(verbs::HealthcheckCommand),
}

/// `sangja system ...`.
#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum SystemCommand {
    /// Show the disk space used by images, containers and volumes.
    Df(layers::DfArgs),
    /// Check the store for damage and orphans; --repair removes them.
    Check(check::CheckArgs),
    /// Remove stopped containers, unused networks, dangling images (and with --volumes unused volumes).
    Prune(prune::SystemPruneArgs),
    /// Remove every container, image, volume and network, and the store's folders.
    Reset(prune::ResetArgs),
    /// Serve the Docker-compatible API on a unix socket (or tcp), until idle.
    Service(system::ServiceArgs),
}

/// `sangja image ...`.
#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum ImageCommand {
    /// Pull an image from a registry.
    Pull(images::PullArgs),
    /// Push an image to a registry.
    Push(push::PushArgs),
    /// List images.
    #[command(alias = "list")]
    Ls(images::ImagesArgs),
    /// Remove images.
    Rm(images::RmiArgs),
    /// Inspect images.
    Inspect(inspect::InspectArgs),
    /// Make an image of a tarball.
    Import(layers::ImportArgs),
    /// Add names to an image.
    Tag(image_verbs::TagArgs),
    /// Remove names from an image.
    Untag(image_verbs::UntagArgs),
    /// Show the history of an image.
    History(image_verbs::HistoryArgs),
    /// Exit 0 if the image is in local storage, 1 if not.
    Exists(image_verbs::ExistsArgs),
    /// Show an image's layers and the images that share them.
    Tree(image_verbs::TreeArgs),
    /// Mount an image's root filesystem read-only and print its path (rootless: inside `sangja unshare`).
    Mount(image_verbs::ImageMountArgs),
    /// Unmount an image's root filesystem.
    #[command(alias = "umount")]
    Unmount(image_verbs::ImageUnmountArgs),
    /// Search a registry for images.
    Search(search::SearchArgs),
    /// Build an image from a Containerfile or Dockerfile.
    Build(Box<build::BuildArgs>),
    /// Save images to an archive or folder.
    Save(archive::SaveArgs),
    /// Load images from an archive or folder.
    Load(archive::LoadArgs),
    /// Remove dangling images (-a: every image no container uses).
    Prune(prune::ImagePruneArgs),
}

/// The container verbs: `sangja VERB` and `sangja container VERB` alike.
#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum ContainerVerb {
    /// Run a command in a new container.
    // podman's -h is --hostname here; only --help shows the help.
    #[command(disable_help_flag = true, arg = compat::long_help_flag())]
    Run(run::RunArgs),
    /// Remove one or more containers.
    Rm(containers::RmArgs),
    /// Create a container without starting it; prints its id.
    #[command(disable_help_flag = true, arg = compat::long_help_flag())]
    Create(run::RunArgs),
    /// Start containers (in the background; -a in the foreground).
    Start(lifecycle::StartArgs),
    /// Stop containers: the stop signal, then SIGKILL after the timeout.
    Stop(lifecycle::StopArgs),
    /// Send a signal to containers.
    Kill(lifecycle::KillArgs),
    /// Restart containers.
    Restart(lifecycle::RestartArgs),
    /// Wait for containers to exit; prints their exit codes.
    Wait(lifecycle::WaitArgs),
    /// Show a container's output.
    Logs(logs::LogsArgs),
    /// List a container's published ports.
    Port(port::PortArgs),
    /// Pause (freeze) containers.
    Pause(lifecycle::ContainersArgs),
    /// Unpause containers.
    Unpause(lifecycle::ContainersArgs),
    /// Rename a container.
    Rename(lifecycle::RenameArgs),
    /// Run a command in a running container.
    Exec(exec::ExecArgs),
    /// Attach to a running container's terminal or output (detach with ctrl-p,ctrl-q).
    Attach(attach::AttachArgs),
    /// Show the processes of a running container.
    Top(top::TopArgs),
    /// Show the resource use of running containers.
    Stats(stats::StatsArgs),
    /// Copy files between a container and the host.
    Cp(layers::CpArgs),
    /// Show a container's changes against its image (A added, C changed, D deleted).
    Diff(layers::DiffArgs),
    /// Make an image of a container's changes.
    Commit(layers::CommitArgs),
    /// Write a container's files as a tar archive.
    Export(layers::ExportArgs),
    /// Mount a container's root filesystem and print its path (rootless: inside `sangja unshare`).
    Mount(layers::MountArgs),
    /// Unmount a container's root filesystem.
    #[command(alias = "umount")]
    Unmount(layers::UnmountArgs),
    /// Initialize containers: check they are ready to start (sangja's create prepares everything).
    Init(verbs::InitArgs),
    /// Change a container's resource limits (its cgroups while it runs, and its record).
    Update(verbs::UpdateArgs),
}

/// `sangja container ...`.
// Parsed once per process: the size of the largest variant costs nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum ContainerCommand {
    /// The verbs shared with the top level.
    #[command(flatten)]
    Verb(ContainerVerb),
    /// List containers.
    #[command(alias = "list")]
    Ls(containers::PsArgs),
    /// Inspect containers.
    Inspect(inspect::InspectArgs),
    /// Remove all containers that are not running.
    Prune(lifecycle::PruneArgs),
    /// Exit 0 if the container exists, 1 if not.
    Exists(lifecycle::ExistsArgs),
}

/// The whole clap tree: the derived commands, plus podman's flags that
/// compat.txt accepts or refuses on purpose.
pub fn command() -> clap::Command {
    compat::add_flags(documented_command())
}

/// The clap tree that man pages and completion scripts show: without
/// compat.txt's hidden flags (clap_complete would offer them).
pub fn documented_command() -> clap::Command {
    compat::podman_shorts(<Cli as clap::CommandFactory>::command())
}

/// podman's log levels; `warning` is `warn`.
pub const LOG_LEVELS: &[&str] = &["trace", "debug", "info", "warn", "warning", "error", "fatal", "panic"];

/// `--log-level`: any word parses (main.rs refuses an unknown one with
/// podman's message and status 1, not clap's 125), and the completion
/// scripts and man pages still list the levels.
#[derive(Clone)]
struct LogLevelParser;

impl clap::builder::TypedValueParser for LogLevelParser {
    type Value = String;

    fn parse_ref(&self, cmd: &clap::Command, arg: Option<&clap::Arg>, value: &std::ffi::OsStr) -> std::result::Result<String, clap::Error> {
        clap::builder::StringValueParser::new().parse_ref(cmd, arg, value)
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = clap::builder::PossibleValue> + '_>> {
        Some(Box::new(LOG_LEVELS.iter().map(|l| clap::builder::PossibleValue::new(*l))))
    }
}

/// Parses the command line as podman would: the last of a repeated flag
/// wins. Returns the parsed line and what compat.txt says of the flags
/// given: the warnings of flags podman also ignores, or the message of a
/// flag sangja refuses on purpose.
pub fn parse() -> std::result::Result<(Cli, std::result::Result<Vec<String>, String>), clap::Error> {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    // The short way: build only the invoked commands (prescan.rs). Anything
    // else, errors and --help included, parses against the whole tree, so
    // that clap's messages and suggestions see every command.
    let root = documented_command();
    let fast = prescan::invoked_path(&root, &compat::entries(), &args).and_then(|path| {
        let m = compat::add_flags_along(root, &path).try_get_matches_from(&args).ok()?;
        (prescan::matched_path(&m) == path).then_some(m)
    });
    let matches = match fast {
        Some(m) => m,
        None => command().try_get_matches_from(&args)?,
    };
    let cli = <Cli as clap::FromArgMatches>::from_arg_matches(&matches)?;
    Ok((cli, compat::check(&matches)))
}

/// Runs a parsed command line; returns the process exit code.
impl Cli {
    /// How many inherited fds from 3 on this process keeps (`--preserve-fds`,
    /// podman's flag), and whether it closes the others now.
    pub fn fds_to_pass(&self) -> Result<(u32, bool)> {
        let verb = match &self.command {
            Command::Ctr(v) | Command::Container(ContainerCommand::Verb(v)) => v,
            // The sockets systemd passed (LISTEN_FDS) stay open for the service.
            Command::System(SystemCommand::Service(_)) => return Ok((crate::api::server::listen_fds(), true)),
            _ => return Ok((0, true)),
        };
        match verb {
            ContainerVerb::Run(a) if a.preserve_fds > 0 && (a.detach || a.tty) => Err(crate::error::Error::Invalid(
                "--preserve-fds cannot be combined with -d or -t: the container is started by a monitor, which does not hold your fds"
                    .into(),
            )),
            ContainerVerb::Create(a) if a.preserve_fds > 0 => {
                Err(crate::error::Error::Invalid("--preserve-fds is a flag of run and exec, not of create".into()))
            }
            ContainerVerb::Run(a) => Ok((a.preserve_fds, true)),
            ContainerVerb::Exec(a) => Ok((a.preserve_fds, true)),
            _ => Ok((0, true)),
        }
    }

    /// Whether this process may start or enter a container, and so must run
    /// from a sealed view of its binary (runtime/selfexe.rs).
    pub fn enters_containers(&self) -> bool {
        match &self.command {
            Command::Ctr(v) | Command::Container(ContainerCommand::Verb(v)) => v.starts_processes(),
            Command::Build(_) | Command::Image(ImageCommand::Build(_)) | Command::Buildx(_) => true,
            Command::Healthcheck(_) => true,
            _ => false,
        }
    }
}

pub fn execute(cli: Cli) -> Result<i32> {
    // These need no store (and info only reads it).
    match &cli.command {
        Command::Version(a) => return system::version(a),
        Command::Quadlet(a) => {
            return Ok(generate::quadlet(generate::QuadletArgs { dryrun: a.dryrun, user: a.user, dirs: a.dirs.clone() }))
        }
        Command::Completion(a) => return completion::completion(a),
        Command::Complete(a) => return completion::complete(&cli, a),
        Command::GenerateDocs(a) => return docs::generate_docs(a),
        Command::Info(a) => return system::info(&cli, a),
        Command::Login(a) => return system::login(a),
        Command::Logout(a) => return system::logout(a),
        Command::FuseMount(a) => return fuse_mount::fuse_mount(a),
        _ => {}
    }
    let read_only = match &cli.command {
        Command::Ctr(v) | Command::Container(ContainerCommand::Verb(v)) => !v.enters_userns(),
        Command::Images(_) | Command::Ps(_) | Command::Inspect(_) => true,
        Command::Generate(_) => true,
        Command::Image(ImageCommand::Ls(_) | ImageCommand::Inspect(_)) => true,
        // Records and the registry only: no user namespace needed.
        Command::Tag(_) | Command::Untag(_) | Command::History(_) | Command::Search(_) => true,
        Command::Image(
            ImageCommand::Tag(_)
            | ImageCommand::Untag(_)
            | ImageCommand::History(_)
            | ImageCommand::Exists(_)
            | ImageCommand::Tree(_)
            | ImageCommand::Search(_),
        ) => true,
        Command::Manifest(c) => !manifest::pulls(c),
        Command::Container(ContainerCommand::Ls(_) | ContainerCommand::Inspect(_)) => true,
        Command::Container(ContainerCommand::Exists(_)) => true,
        Command::Events(_) => true,
        // Records only (secrets), or the container's own namespaces (exec).
        Command::Secret(_) | Command::Healthcheck(_) => true,
        _ => false,
    };
    // issue 20: the service's exec, export and cp workers start outside its user namespace, as those commands run.
    if matches!(cli.command, Command::System(SystemCommand::Service(_))) {
        crate::engine::spawner::start()?;
    }
    network::join_target_userns(&cli)?;
    let events = events::StderrEvents::for_level(&cli.log_level);
    let engine = Engine::open(cli.root.clone(), cli.runroot.clone(), cli.storage_driver.clone(), &cli.log_level, !read_only, events)?;
    let ctx = Context { engine, cli_globals: global_args(&cli) };
    match cli.command {
        Command::Pull(a) | Command::Image(ImageCommand::Pull(a)) => images::pull(&ctx, a),
        Command::Push(a) | Command::Image(ImageCommand::Push(a)) => push::push(&ctx, a),
        Command::Images(a) | Command::Image(ImageCommand::Ls(a)) => images::list(&ctx, a),
        Command::Rmi(a) | Command::Image(ImageCommand::Rm(a)) => images::remove(&ctx, a),
        Command::Image(ImageCommand::Inspect(mut a)) => {
            a.kind = Some(inspect::InspectKind::Image);
            inspect::inspect(&ctx, a)
        }
        Command::Ps(a) | Command::Container(ContainerCommand::Ls(a)) => containers::ps(&ctx, a),
        Command::Container(ContainerCommand::Inspect(mut a)) => {
            a.kind = Some(inspect::InspectKind::Container);
            inspect::inspect(&ctx, a)
        }
        Command::Inspect(a) => inspect::inspect(&ctx, a),
        Command::Ctr(v) | Command::Container(ContainerCommand::Verb(v)) => container_verb(&ctx, v),
        Command::Container(ContainerCommand::Prune(a)) => lifecycle::prune(&ctx, a),
        Command::Container(ContainerCommand::Exists(a)) => lifecycle::exists(&ctx, a),
        Command::Volume(c) => volume::volume(&ctx, c),
        Command::Generate(c) => generate::generate(&ctx, c),
        Command::Quadlet(_) => Ok(0),
        Command::Network(c) => network::network(&ctx, c),
        Command::Import(a) | Command::Image(ImageCommand::Import(a)) => layers::import(&ctx, a),
        Command::Unshare(a) => layers::unshare(&ctx, a),
        Command::System(SystemCommand::Df(a)) => layers::df(&ctx, a),
        Command::Build(a) | Command::Image(ImageCommand::Build(a)) | Command::Buildx(build::BuildxCommand::Build(a)) => {
            build::build(&ctx, *a)
        }
        Command::Save(a) | Command::Image(ImageCommand::Save(a)) => archive::save(&ctx, a),
        Command::Load(a) | Command::Image(ImageCommand::Load(a)) => archive::load(&ctx, a),
        Command::System(SystemCommand::Check(a)) => check::check(&ctx, a),
        Command::System(SystemCommand::Prune(a)) => prune::system_prune(&ctx, a),
        Command::System(SystemCommand::Reset(a)) => prune::reset(&ctx, a),
        Command::System(SystemCommand::Service(a)) => system::service(ctx, a),
        Command::Image(ImageCommand::Prune(a)) => prune::image_prune(&ctx, a),
        Command::Version(_) | Command::Info(_) | Command::Login(_) | Command::Logout(_) => Ok(0),
        Command::Completion(_) | Command::Complete(_) | Command::GenerateDocs(_) => Ok(0),
        Command::FuseMount(_) => Ok(0),
        Command::Tag(a) | Command::Image(ImageCommand::Tag(a)) => image_verbs::tag(&ctx, a),
        Command::Untag(a) | Command::Image(ImageCommand::Untag(a)) => image_verbs::untag(&ctx, a),
        Command::History(a) | Command::Image(ImageCommand::History(a)) => image_verbs::history(&ctx, a),
        Command::Search(a) | Command::Image(ImageCommand::Search(a)) => search::search(&ctx, a),
        Command::Image(ImageCommand::Exists(a)) => image_verbs::exists(&ctx, a),
        Command::Image(ImageCommand::Tree(a)) => image_verbs::tree(&ctx, a),
        Command::Image(ImageCommand::Mount(a)) => image_verbs::mount(&ctx, a),
        Command::Image(ImageCommand::Unmount(a)) => image_verbs::unmount(&ctx, a),
        Command::Manifest(c) => manifest::manifest(&ctx, c),
        Command::Events(a) => events_log::events(&ctx, a),
        Command::Secret(c) => secret::secret(&ctx, c),
        Command::Healthcheck(c) => verbs::healthcheck(&ctx, c),
    }
}

impl ContainerVerb {
    /// Whether the verb needs sangja's user namespace. The others only read
    /// records and /proc (logs, wait, port, top, stats), or join the
    /// container's own namespaces themselves (exec, cp, export: rootview.rs).
    /// Starts a container's process or one in a running container.
    fn starts_processes(&self) -> bool {
        use ContainerVerb::*;
        matches!(self, Run(_) | Start(_) | Restart(_) | Exec(_))
    }

    fn enters_userns(&self) -> bool {
        use ContainerVerb::*;
        !matches!(self, Logs(_) | Wait(_) | Port(_) | Exec(_) | Top(_) | Stats(_) | Cp(_) | Export(_))
    }
}

fn container_verb(ctx: &Context, verb: ContainerVerb) -> Result<i32> {
    use ContainerVerb::*;
    match verb {
        Run(a) => run::run(ctx, a),
        Rm(a) => containers::remove(ctx, a),
        Create(a) => lifecycle::create(ctx, a),
        Start(a) => lifecycle::start(ctx, a),
        Stop(a) => lifecycle::stop(ctx, a),
        Kill(a) => lifecycle::kill(ctx, a),
        Restart(a) => lifecycle::restart(ctx, a),
        Wait(a) => lifecycle::wait(ctx, a),
        Logs(a) => logs::logs(ctx, a),
        Port(a) => port::port(ctx, a),
        Pause(a) => lifecycle::pause(ctx, a),
        Unpause(a) => lifecycle::unpause(ctx, a),
        Rename(a) => lifecycle::rename(ctx, a),
        Exec(a) => exec::exec(ctx, a),
        Attach(a) => attach::attach(ctx, a),
        Top(a) => top::top(ctx, a),
        Stats(a) => stats::stats(ctx, a),
        Cp(a) => layers::cp(ctx, a),
        Diff(a) => layers::diff(ctx, a),
        Commit(a) => layers::commit(ctx, a),
        Export(a) => layers::export(ctx, a),
        Mount(a) => layers::mount(ctx, a),
        Unmount(a) => layers::unmount(ctx, a),
        Init(a) => verbs::init(ctx, a),
        Update(a) => verbs::update(ctx, a),
    }
}

/// What every command handler gets.
pub struct Context {
    pub engine: Engine,
    /// The global flags, to pass on when sangja runs itself (pull for run).
    pub cli_globals: Vec<String>,
}

fn global_args(cli: &Cli) -> Vec<String> {
    let mut v = Vec::new();
    if let Some(r) = &cli.root {
        v.extend(["--root".to_string(), r.display().to_string()]);
    }
    if let Some(r) = &cli.runroot {
        v.extend(["--runroot".to_string(), r.display().to_string()]);
    }
    if let Some(d) = &cli.storage_driver {
        v.extend(["--storage-driver".to_string(), d.clone()]);
    }
    v.extend(["--log-level".to_string(), cli.log_level.clone()]);
    v
}

/// Parses `--tls-verify[=BOOL]` as podman does (a bare flag means true).
pub fn parse_bool(s: &str) -> std::result::Result<bool, String> {
    match s {
        "true" | "1" | "yes" => Ok(true),
        "false" | "0" | "no" => Ok(false),
        _ => Err(format!("invalid boolean {s:?}: use true or false")),
    }
}
