//! Network flags of `run`/`create` (podman's names).

use crate::engine::network::{self as engine_network, NetOptions, NetRequest, NetworkMode};
use crate::error::Result;
use clap::Args;

// `--network`, `-p`, `-P`, `--add-host`, `--dns*`, `--mac-address`, `--ip`.
#[derive(Debug, Args, Default)]
pub struct NetFlags {
    /// Network: pasta (rootless default when installed), slirp4netns, none, host,
    /// container:NAME or ns:PATH; pasta:OPT,... and slirp4netns:OPT,... pass options on.
    #[arg(long = "network", alias = "net", value_name = "MODE")]
    pub network: Option<String>,
    /// Publish a container's port to the host: [ip:][hostPort:]containerPort[/tcp|udp] (ranges: 8000-8002:80-82).
    #[arg(short = 'p', long = "publish", value_name = "SPEC")]
    pub publish: Vec<String>,
    /// Publish every port the image EXPOSEs, on random host ports.
    #[arg(short = 'P', long = "publish-all")]
    pub publish_all: bool,
    /// Add a line to /etc/hosts: NAME:IP.
    #[arg(long = "add-host", value_name = "NAME:IP")]
    pub add_host: Vec<String>,
    /// Name server for /etc/resolv.conf (replaces the host's).
    #[arg(long = "dns", value_name = "IP")]
    pub dns: Vec<String>,
    /// Search domain for /etc/resolv.conf ("." for none).
    #[arg(long = "dns-search", value_name = "DOMAIN")]
    pub dns_search: Vec<String>,
    /// Option for /etc/resolv.conf (e.g. ndots:2).
    #[arg(long = "dns-option", alias = "dns-opt", value_name = "OPT")]
    pub dns_option: Vec<String>,
    /// MAC address of the container's interface (pasta, slirp4netns).
    #[arg(long = "mac-address", value_name = "MAC")]
    pub mac_address: Option<String>,
    /// IPv4 address of the container's interface (pasta).
    #[arg(long = "ip", value_name = "IP")]
    pub ip: Option<String>,
    /// Another name the containers of its bridge networks know it by.
    #[arg(long = "network-alias", value_name = "NAME")]
    pub network_alias: Vec<String>,
}

impl NetFlags {
    /// The network mode and options; the default mode depends on who runs us.
    pub fn options(&self) -> Result<(NetworkMode, NetOptions)> {
        // podman: published ports mean nothing in the host's (or another
        // container's) network; it says so and goes on without them.
        // (--network none keeps its error: a port there can never answer.)
        let shared = self.network.as_deref().is_some_and(|n| n == "host" || n.starts_with("container:"));
        let publish = if shared && !self.publish.is_empty() {
            eprintln!("WARN: Port mappings have been discarded as one of the Host, Container, Pod, and None network modes are in use");
            Vec::new()
        } else {
            self.publish.clone()
        };
        engine_network::net_options(&NetRequest {
            network: self.network.clone(),
            publish,
            add_host: self.add_host.clone(),
            dns: self.dns.clone(),
            dns_search: self.dns_search.clone(),
            dns_option: self.dns_option.clone(),
            mac_address: self.mac_address.clone(),
            ip: self.ip.clone(),
            aliases: self.network_alias.clone(),
        })
    }
}

use super::format::{self, Format};
use super::Context;
use crate::engine::inspect as engine_inspect;
use crate::engine::userns::{self, UsernsFor};
use crate::error::Error;
use clap::Subcommand;
use serde_json::Value;

/// `sangja network ...`.
#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum NetworkCommand {
    /// Create a bridge network.
    Create(NetCreateArgs),
    /// List networks.
    #[command(alias = "list")]
    Ls(NetLsArgs),
    /// Show networks' details as JSON.
    Inspect(NetInspectArgs),
    /// Remove networks.
    #[command(alias = "remove")]
    Rm(NetRmArgs),
    /// Remove every network no container uses.
    Prune(NetPruneArgs),
    /// Exit 0 if the network exists, 1 if not.
    Exists(NetNameArg),
    /// Connect a container to a network.
    Connect(NetConnectArgs),
    /// Disconnect a container from a network.
    Disconnect(NetConnectArgs),
}

#[derive(Debug, Args)]
pub struct NetCreateArgs {
    /// Driver: only bridge.
    #[arg(short = 'd', long, default_value = "bridge")]
    pub driver: String,
    /// IPv4 subnet, e.g. 10.89.5.0/24 (default: a free 10.89.N.0/24).
    #[arg(long)]
    pub subnet: Option<String>,
    /// Gateway address (default: the subnet's first).
    #[arg(long)]
    pub gateway: Option<String>,
    /// No route to the outside: containers reach only each other.
    #[arg(long)]
    pub internal: bool,
    /// Set a label (KEY=VALUE).
    #[arg(long = "label", value_name = "KEY=VALUE")]
    pub labels: Vec<String>,
    /// Do nothing if the network exists.
    #[arg(long)]
    pub ignore: bool,
    /// Name (default: sangjaN).
    pub name: Option<String>,
}

#[derive(Debug, Args)]
pub struct NetLsArgs {
    /// Filter: name=, id=, driver=, label=KEY[=VALUE].
    #[arg(short = 'f', long = "filter", value_name = "FILTER")]
    pub filters: Vec<String>,
    /// Output format: table, json, or a Go template ('{{.Name}}').
    #[arg(long)]
    pub format: Option<String>,
    /// Print only names.
    #[arg(short, long)]
    pub quiet: bool,
    /// Do not truncate ids.
    #[arg(long)]
    pub no_trunc: bool,
    /// Do not print the title line.
    #[arg(long)]
    pub noheading: bool,
}

#[derive(Debug, Args)]
pub struct NetInspectArgs {
    /// Output format: json (default) or a Go template.
    #[arg(short, long)]
    pub format: Option<String>,
    #[arg(required = true)]
    pub names: Vec<String>,
}

#[derive(Debug, Args)]
pub struct NetRmArgs {
    /// Remove the containers that use the network too.
    #[arg(short, long)]
    pub force: bool,
    #[arg(required = true)]
    pub names: Vec<String>,
}

#[derive(Debug, Args)]
pub struct NetPruneArgs {
    /// Do not ask for confirmation.
    #[arg(short, long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct NetNameArg {
    pub name: String,
}

#[derive(Debug, Args)]
pub struct NetConnectArgs {
    /// Another name for the container on this network (connect).
    #[arg(long = "alias")]
    pub alias: Vec<String>,
    /// Disconnect even if ... (accepted for podman compatibility).
    #[arg(short, long, hide = true)]
    pub force: bool,
    pub network: String,
    pub container: String,
}

/// Runs `network ...`; returns the exit code.
pub fn network(ctx: &Context, cmd: NetworkCommand) -> Result<i32> {
    let engine = &ctx.engine;
    match cmd {
        NetworkCommand::Create(a) => {
            let mut labels = std::collections::BTreeMap::new();
            for l in &a.labels {
                let (k, v) = l.split_once('=').unwrap_or((l.as_str(), ""));
                if k.is_empty() {
                    return Err(Error::Invalid(format!("label {l:?} is not KEY=VALUE")));
                }
                labels.insert(k.to_string(), v.to_string());
            }
            let o = engine_network::CreateOptions {
                name: a.name,
                subnet: a.subnet,
                gateway: a.gateway,
                internal: a.internal,
                labels,
                driver: a.driver,
                ignore: a.ignore,
            };
            println!("{}", engine_network::create(engine, o)?.name);
            Ok(0)
        }
        NetworkCommand::Ls(a) => {
            let mut rows = Vec::new();
            for (n, users) in engine_network::list_filtered(engine, &a.filters)? {
                let mut row = serde_json::to_value(engine_inspect::network_doc(&n, &users)).unwrap_or_default();
                let id = if a.no_trunc { n.id.clone() } else { n.id.chars().take(12).collect() };
                row["ID"] = Value::String(id);
                row["Name"] = Value::String(n.name.clone());
                row["Driver"] = Value::String(n.driver.clone());
                rows.push(row);
            }
            if a.quiet {
                for r in &rows {
                    println!("{}", format::scalar(&r["Name"]));
                }
                return Ok(0);
            }
            let fmt = Format::parse(a.format.as_deref());
            let out = format::render(&fmt, &[("NETWORK ID", "ID"), ("NAME", "Name"), ("DRIVER", "Driver")], &rows)?;
            print!("{}", format::without_header(&fmt, out, a.noheading));
            Ok(0)
        }
        NetworkCommand::Inspect(a) => {
            let mut rows = Vec::new();
            let mut code = 0;
            for doc in engine_inspect::networks(engine, &a.names)? {
                match doc {
                    Ok(d) => rows.push(serde_json::to_value(d).unwrap_or_default()),
                    Err(e) => {
                        eprintln!("Error: {e}");
                        code = e.exit_code();
                    }
                }
            }
            match Format::parse(a.format.as_deref()) {
                Format::Table | Format::Json => println!("{}", serde_json::to_string_pretty(&Value::Array(rows)).unwrap_or_default()),
                Format::Template { template, .. } => print!("{}", format::template(&template, false, &rows)?),
            }
            Ok(code)
        }
        NetworkCommand::Rm(a) => {
            let mut code = 0;
            for n in &a.names {
                match engine_network::remove(engine, n, a.force) {
                    Ok(name) => println!("{name}"),
                    // podman: --force also means a missing network is no error.
                    Err(e) if a.force && e.kind() == crate::error::ErrorKind::NotFound => {}
                    Err(e) => {
                        eprintln!("Error: {e}");
                        // podman: 1 no such network, 2 in use, 125 anything else.
                        code = code.max(e.remove_exit_code());
                    }
                }
            }
            Ok(code)
        }
        NetworkCommand::Prune(a) => {
            if !a.force && !super::layers::confirm("WARNING! This will remove all networks not used by at least one container.")? {
                return Ok(0);
            }
            for n in engine_network::prune(engine)? {
                println!("{n}");
            }
            Ok(0)
        }
        NetworkCommand::Exists(a) => Ok(if engine_network::exists(engine, &a.name) { 0 } else { 1 }),
        NetworkCommand::Connect(a) => {
            engine_network::connect(engine, &a.network, &a.container, &a.alias, true)?;
            Ok(0)
        }
        NetworkCommand::Disconnect(a) => {
            engine_network::connect(engine, &a.network, &a.container, &[], false)?;
            Ok(0)
        }
    }
}

/// Rootless `--network container:NAME` (run, and start of such a
/// container), and commands on user networks: this sangja joins another
/// user namespace instead of making its own (engine/userns.rs chooses
/// which). Runs before the engine opens. No-op as root.
pub fn join_target_userns(cli: &super::Cli) -> Result<()> {
    use super::{Command, ContainerCommand, ContainerVerb};
    let req = match &cli.command {
        Command::Network(NetworkCommand::Connect(_) | NetworkCommand::Disconnect(_)) => UsernsFor::NetworkChange,
        Command::Ctr(v) | Command::Container(ContainerCommand::Verb(v)) => match v {
            ContainerVerb::Run(a) => match &a.net_flags.network {
                Some(n) => UsernsFor::Run { network: n.clone() },
                None => return Ok(()),
            },
            ContainerVerb::Rm(a) => UsernsFor::Rm { all: a.all, containers: a.containers.clone() },
            ContainerVerb::Start(a) if a.containers.len() == 1 => UsernsFor::Start { container: a.containers[0].clone() },
            _ => return Ok(()),
        },
        _ => return Ok(()),
    };
    let paths = || crate::paths::StorePaths::new(cli.root.clone(), cli.runroot.clone(), cli.storage_driver.clone());
    if let Some(ns) = userns::select(&paths, &req)? {
        userns::join_on_open(&ns);
    }
    Ok(())
}
