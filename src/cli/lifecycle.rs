//! `create`, `start`, `stop`, `kill`, `restart`, `wait`, `pause`,
//! `unpause`, `rename`, `container prune`.

use super::run::RunArgs;
use super::Context;
use crate::engine::containers::Container;
use crate::engine::lifecycle::{self, StopOptions};
use crate::engine::select::{self, select, Scope, Selection};
use crate::error::{Error, Result};
use clap::Args;
use std::time::Duration;

/// `--log-opt` values: only max-size is understood; others are refused
/// rather than silently ignored.
pub fn log_max_size(opts: &[String]) -> Result<Option<u64>> {
    let mut max = None;
    for o in opts {
        match o.split_once('=') {
            Some(("max-size", v)) => max = Some(crate::engine::logs::parse_size(v)?),
            // Taken by cli/runflags.rs.
            Some(("path" | "tag", _)) => {}
            _ => {
                return Err(Error::Invalid(format!(
                    "unsupported --log-opt {o:?}: the k8s-file log takes max-size=SIZE (e.g. max-size=10m)"
                )))
            }
        }
    }
    Ok(max.filter(|m| *m > 0))
}

/// `run -d`: starts the created container under its monitor and prints its id.
pub fn run_detached(ctx: &Context, c: Container) -> Result<i32> {
    lifecycle::start_detached(&ctx.engine, &c)?;
    lifecycle::notify_detached(&ctx.engine, &c);
    println!("{}", c.config.id);
    Ok(0)
}

/// `create`: as `run`, without starting; prints the full id.
pub fn create(ctx: &Context, args: RunArgs) -> Result<i32> {
    let (_, container, _) = super::run::create(ctx, &args)?;
    println!("{}", container.config.id);
    Ok(0)
}

/// Runs `f` on each selected container, printing the line it returns, or
/// the error as podman does; the exit code is that of the last failure (0 if none).
fn each(ctx: &Context, sel: &Selection, mut f: impl FnMut(&str, Container) -> Result<String>) -> Result<i32> {
    let mut code = 0;
    for t in select(&ctx.engine, sel)? {
        match t.container.and_then(|c| f(&t.given, c)) {
            Ok(line) => println!("{line}"),
            Err(e) => {
                eprintln!("Error: {e}");
                code = e.exit_code();
            }
        }
    }
    Ok(code)
}

/// `names`, and with `--latest` the newest container's id (podman's -l:
/// the last created, whatever its state).
pub(crate) fn with_latest(ctx: &Context, latest: bool, names: &[String]) -> Result<Vec<String>> {
    let mut v = names.to_vec();
    if latest {
        let req = crate::engine::containers::PsRequest { latest: true, ..Default::default() };
        let newest = crate::engine::containers::ps(&ctx.engine, &req)?
            .into_iter()
            .next()
            .ok_or_else(|| Error::NotFound("no containers to use --latest with: create one first".into()))?;
        v.push(newest.container.config.id.clone());
    }
    Ok(v)
}

/// With `--filter`: the ids of the containers of `scope` that pass them
/// (only among `names` when some are given), as podman prints them.
fn filtered(ctx: &Context, scope: Scope, filters: &[String], names: Vec<String>) -> Result<Vec<String>> {
    if filters.is_empty() {
        return Ok(names);
    }
    select::filtered(&ctx.engine, scope, filters, &names)
}

/// The containers named in `--cidfile` files, added to `names`.
fn with_cidfiles(mut names: Vec<String>, files: &[std::path::PathBuf], ignore: bool) -> Result<Vec<String>> {
    for f in files {
        names.extend(super::supervise::read_cidfile(f, ignore)?);
    }
    Ok(names)
}

/// `names`, or every container of `scope` with `all`.
fn selection(all: bool, scope: Scope, names: &[String]) -> Selection {
    Selection { all: all.then_some(scope), ..Selection::names(names.to_vec()) }
}

// `start` flags.
#[derive(Debug, Args)]
pub struct StartArgs {
    /// Attach: run in the foreground with the container's output on ours, exit with its code.
    #[arg(short, long)]
    pub attach: bool,
    /// Keep stdin open (with -a: ours is the container's).
    #[arg(short, long)]
    pub interactive: bool,
    /// Start all containers that are not running.
    #[arg(long)]
    pub all: bool,
    /// Key sequence that detaches with -a (default ctrl-p,ctrl-q).
    #[arg(long = "detach-keys", value_name = "KEYS")]
    pub detach_keys: Option<String>,
    /// With -a, pass the signals sangja gets on to the container.
    #[arg(long = "sig-proxy", value_name = "BOOL", default_value_t = true, num_args = 0..=1,
          default_missing_value = "true", value_parser = super::parse_bool)]
    pub sig_proxy: bool,
    /// Act on the newest container too (podman's --latest).
    #[arg(short = 'l', long)]
    pub latest: bool,
    /// Start the containers that pass these filters (ps's keys: name, id, label, status, ancestor, exited).
    #[arg(short = 'f', long = "filter", value_name = "FILTER")]
    pub filter: Vec<String>,
    #[arg(value_name = "CONTAINER")]
    pub containers: Vec<String>,
}

/// Starts containers in the background (printing each name as given), or
/// one in the foreground with `-a`.
pub fn start(ctx: &Context, mut args: StartArgs) -> Result<i32> {
    args.containers = with_latest(ctx, args.latest, &args.containers)?;
    if !args.filter.is_empty() {
        args.containers = filtered(ctx, Scope::NotRunning, &args.filter, std::mem::take(&mut args.containers))?;
        if args.containers.is_empty() {
            return Ok(0);
        }
    }
    if args.attach {
        let [name] = args.containers.as_slice() else {
            return Err(Error::Invalid("start -a takes exactly one container: attach to one at a time".into()));
        };
        let c = select::one(&ctx.engine, name)?;
        if c.is_running() {
            return Err(Error::State(format!("container {} is already running: use `sangja logs -f {name}` to follow it", c.config.name)));
        }
        // Through the monitor, as `run -d` then `attach`: the container
        // outlives a detach. Our stdin goes to it with -i (and its own -i).
        let opts = crate::engine::attach::AttachOptions {
            stdin: args.interactive,
            detach_keys: super::attach::detach_keys(args.detach_keys.as_deref())?,
            sig_proxy: args.sig_proxy,
            send_eof: true,
        };
        let end = crate::engine::attach::start_attached(&ctx.engine, &c, &opts, &super::events::own_stdio())?;
        return Ok(super::attach::exit_code(end));
    }
    each(ctx, &selection(args.all, Scope::NotRunning, &args.containers), |n, c| {
        // podman: a command that cannot run makes `start` fail with 125
        // (`run` keeps 126/127), in its words.
        lifecycle::start_detached(&ctx.engine, &c).map_err(|e| match e.exit_code() {
            126 | 127 => Error::Runtime(format!("unable to start container {:?}: {e}", c.config.id)),
            _ => e,
        })?;
        Ok(n.to_string())
    })
}

// `stop` flags.
#[derive(Debug, Args)]
pub struct StopArgs {
    /// Seconds to wait for the stop signal to work before SIGKILL (default: the container's --stop-timeout, else 10).
    #[arg(short = 't', long = "time", value_name = "SECONDS")]
    pub time: Option<u64>,
    /// Stop all running containers.
    #[arg(short, long)]
    pub all: bool,
    /// Do not complain about containers that do not exist.
    #[arg(short, long)]
    pub ignore: bool,
    /// Stop the container whose id is in this file (as `run --cidfile` wrote it).
    #[arg(long, value_name = "FILE")]
    pub cidfile: Vec<std::path::PathBuf>,
    /// Act on the newest container too (podman's --latest).
    #[arg(short = 'l', long)]
    pub latest: bool,
    /// Stop the containers that pass these filters (ps's keys: name, id, label, status, ancestor, exited).
    #[arg(short = 'f', long = "filter", value_name = "FILTER")]
    pub filter: Vec<String>,
    #[arg(value_name = "CONTAINER")]
    pub containers: Vec<String>,
}

/// Stops containers; prints each name as given.
pub fn stop(ctx: &Context, args: StopArgs) -> Result<i32> {
    let mut named = with_latest(ctx, args.latest, &args.containers)?;
    for f in &args.cidfile {
        named.extend(super::supervise::read_cidfile(f, args.ignore)?);
    }
    if !args.cidfile.is_empty() && named.is_empty() {
        return Ok(0);
    }
    if !args.filter.is_empty() {
        named = filtered(ctx, Scope::Any, &args.filter, named)?;
        if named.is_empty() {
            return Ok(0);
        }
    }
    let sel = Selection { ignore_missing: args.ignore, ..selection(args.all, Scope::Any, &named) };
    let opts = StopOptions { timeout: args.time };
    each(ctx, &sel, |n, c| {
        lifecycle::stop_container(&ctx.engine, &c, &opts)?;
        Ok(n.to_string())
    })
}

// `kill` flags.
#[derive(Debug, Args)]
pub struct KillArgs {
    /// Signal to send: a name (TERM, SIGHUP...) or a number.
    #[arg(short, long, default_value = "KILL")]
    pub signal: String,
    /// Signal all running containers.
    #[arg(short, long)]
    pub all: bool,
    /// Act on the newest container too (podman's --latest).
    #[arg(short = 'l', long)]
    pub latest: bool,
    /// Signal the container whose id is in this file (as `run --cidfile` wrote it).
    #[arg(long, value_name = "FILE")]
    pub cidfile: Vec<std::path::PathBuf>,
    #[arg(value_name = "CONTAINER")]
    pub containers: Vec<String>,
}

/// Sends a signal to containers; prints each name as given.
pub fn kill(ctx: &Context, args: KillArgs) -> Result<i32> {
    let sig = lifecycle::parse_signal(&args.signal)?;
    let names = with_cidfiles(with_latest(ctx, args.latest, &args.containers)?, &args.cidfile, false)?;
    each(ctx, &selection(args.all, Scope::Running, &names), |n, c| {
        lifecycle::kill(&ctx.engine, &c, sig)?;
        Ok(n.to_string())
    })
}

// `restart` flags.
#[derive(Debug, Args)]
pub struct RestartArgs {
    /// Seconds to wait for the stop signal to work before SIGKILL.
    #[arg(short = 't', long = "time", value_name = "SECONDS", default_value_t = 10)]
    pub time: u64,
    /// Restart all containers.
    #[arg(short, long)]
    pub all: bool,
    /// Restart only the running ones (with --all).
    #[arg(long)]
    pub running: bool,
    /// Act on the newest container too (podman's --latest).
    #[arg(short = 'l', long)]
    pub latest: bool,
    /// Restart the container whose id is in this file (as `run --cidfile` wrote it).
    #[arg(long, value_name = "FILE")]
    pub cidfile: Vec<std::path::PathBuf>,
    /// Restart the containers that pass these filters (ps's keys: name, id, label, status, ancestor, exited).
    #[arg(short = 'f', long = "filter", value_name = "FILTER")]
    pub filter: Vec<String>,
    #[arg(value_name = "CONTAINER")]
    pub containers: Vec<String>,
}

/// Stops (if running) and starts containers in the background; prints each name as given.
pub fn restart(ctx: &Context, args: RestartArgs) -> Result<i32> {
    let scope = if args.running { Scope::Running } else { Scope::Any };
    let names = with_cidfiles(with_latest(ctx, args.latest, &args.containers)?, &args.cidfile, false)?;
    let names = filtered(ctx, scope, &args.filter, names)?;
    if names.is_empty() && (!args.filter.is_empty() || !args.cidfile.is_empty()) && !args.all {
        return Ok(0);
    }
    each(ctx, &selection(args.all, scope, &names), |n, c| {
        lifecycle::restart(&ctx.engine, &c, Duration::from_secs(args.time))?;
        Ok(n.to_string())
    })
}

// `wait` flags.
#[derive(Debug, Args)]
pub struct WaitArgs {
    /// Ignored (podman's polling interval); sangja waits on a pidfd.
    #[arg(short, long, value_name = "DURATION")]
    pub interval: Option<String>,
    /// Act on the newest container too (podman's --latest).
    #[arg(short = 'l', long)]
    pub latest: bool,
    /// Wait until the container reaches one of these states (default: stopped, i.e. exited).
    #[arg(long, value_name = "STATE")]
    pub condition: Vec<String>,
    #[arg(value_name = "CONTAINER", required_unless_present = "latest")]
    pub containers: Vec<String>,
}

/// Waits for each container to exit; prints each exit code.
pub fn wait(ctx: &Context, args: WaitArgs) -> Result<i32> {
    let states = lifecycle::WaitCondition::parse(&args.condition)?;
    if let Some(states) = states {
        // As podman: a state other than exited prints -1 once it is reached.
        return each(ctx, &Selection::names(with_latest(ctx, args.latest, &args.containers)?), |_, c| {
            lifecycle::wait_for(&ctx.engine, &c, &states)?;
            Ok("-1".to_string())
        });
    }
    each(ctx, &Selection::names(with_latest(ctx, args.latest, &args.containers)?), |n, c| {
        let code = lifecycle::wait(&ctx.engine, &c)?.ok_or_else(|| Error::ContainerNotFound(n.to_string()))?;
        Ok(code.to_string())
    })
}

// Names of containers, with `--all`.
#[derive(Debug, Args)]
pub struct ContainersArgs {
    /// All containers (running ones for pause, paused ones for unpause).
    #[arg(short, long)]
    pub all: bool,
    /// Act on the newest container too (podman's --latest).
    #[arg(short = 'l', long)]
    pub latest: bool,
    /// The container whose id is in this file (as `run --cidfile` wrote it).
    #[arg(long, value_name = "FILE")]
    pub cidfile: Vec<std::path::PathBuf>,
    /// The containers that pass these filters (ps's keys: name, id, label, status, ancestor, exited).
    #[arg(short = 'f', long = "filter", value_name = "FILTER")]
    pub filter: Vec<String>,
    #[arg(value_name = "CONTAINER")]
    pub containers: Vec<String>,
}

/// `pause`/`unpause`'s containers: named, in cidfiles, or filtered; `None`
/// when a filter or cidfile selected none (nothing to do).
fn paused_names(ctx: &Context, args: &ContainersArgs, scope: Scope) -> Result<Option<Vec<String>>> {
    let names = with_cidfiles(with_latest(ctx, args.latest, &args.containers)?, &args.cidfile, false)?;
    let names = filtered(ctx, scope, &args.filter, names)?;
    Ok(if names.is_empty() && (!args.filter.is_empty() || !args.cidfile.is_empty()) && !args.all { None } else { Some(names) })
}

/// Freezes containers (cgroup freezer); prints each name as given.
pub fn pause(ctx: &Context, args: ContainersArgs) -> Result<i32> {
    let Some(names) = paused_names(ctx, &args, Scope::Unpaused)? else { return Ok(0) };
    each(ctx, &selection(args.all, Scope::Unpaused, &names), |n, c| {
        lifecycle::pause(&ctx.engine, &c)?;
        Ok(n.to_string())
    })
}

/// Thaws paused containers; prints each name as given.
pub fn unpause(ctx: &Context, args: ContainersArgs) -> Result<i32> {
    let Some(names) = paused_names(ctx, &args, Scope::Paused)? else { return Ok(0) };
    each(ctx, &selection(args.all, Scope::Paused, &names), |n, c| {
        lifecycle::unpause(&ctx.engine, &c)?;
        Ok(n.to_string())
    })
}

// `rename` arguments.
#[derive(Debug, Args)]
pub struct RenameArgs {
    #[arg(value_name = "CONTAINER")]
    pub container: String,
    #[arg(value_name = "NAME")]
    pub name: String,
}

/// Renames a container; prints nothing, as podman.
pub fn rename(ctx: &Context, args: RenameArgs) -> Result<i32> {
    lifecycle::rename(&ctx.engine, &args.container, &args.name)?;
    Ok(0)
}

// `container prune` flags.
#[derive(Debug, Args)]
pub struct PruneArgs {
    /// Do not ask for confirmation.
    #[arg(short, long)]
    pub force: bool,
    /// Only the containers that pass these filters: label=KEY[=VALUE], label!=KEY[=VALUE], until=TIME.
    #[arg(long = "filter", value_name = "FILTER")]
    pub filter: Vec<String>,
}

/// Removes all containers that are not running, after asking (unless -f).
pub fn prune(ctx: &Context, args: PruneArgs) -> Result<i32> {
    if !args.force {
        eprint!("WARNING! This will remove all non running containers.\nAre you sure you want to continue? [y/N] ");
        let mut answer = String::new();
        let _ = std::io::stdin().read_line(&mut answer);
        if !matches!(answer.trim(), "y" | "Y" | "yes" | "Yes") {
            return Ok(0);
        }
    }
    for id in lifecycle::prune_filtered(&ctx.engine, &args.filter)? {
        println!("{id}");
    }
    Ok(0)
}

// `container exists` arguments.
#[derive(Debug, Args)]
pub struct ExistsArgs {
    /// Count containers another tool made in this store too: sangja's store holds only its own.
    #[arg(long)]
    pub external: bool,
    #[arg(value_name = "CONTAINER")]
    pub container: String,
}

/// `container exists`: 0 if it does, 1 if not (podman's codes), 125 on
/// any other error.
pub fn exists(ctx: &Context, args: ExistsArgs) -> Result<i32> {
    match select::one(&ctx.engine, &args.container) {
        Ok(_) => Ok(0),
        Err(e) if e.kind() == crate::error::ErrorKind::NotFound => Ok(1),
        Err(e) => Err(e),
    }
}
