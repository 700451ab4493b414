//! Network flags of `run`/`create` (podman's names).

use crate::container::NetworkMode;
use crate::error::Result;
use crate::network::{self, ports, NetOptions};
use clap::Args;

/// `--network`, `-p`, `-P`, `--add-host`, `--dns*`, `--mac-address`, `--ip`.
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
        let rootless = crate::paths::host_uid() != 0;
        let mode = match self.network.as_deref() {
            None => network::default_mode(rootless)?,
            Some(s) => network::parse_mode(s, rootless)?,
        };
        for d in &self.dns {
            if d.parse::<std::net::IpAddr>().is_err() && d != "none" {
                return Err(crate::Error::Invalid(format!("--dns {d:?} is not an IP address: give the name server's address")));
            }
        }
        if let Some(ip) = &self.ip {
            if ip.parse::<std::net::Ipv4Addr>().is_err() {
                return Err(crate::Error::Invalid(format!("--ip {ip:?} is not an IPv4 address")));
            }
        }
        if let Some(mac) = &self.mac_address {
            let ok = mac.split(':').count() == 6 && mac.split(':').all(|b| b.len() == 2 && u8::from_str_radix(b, 16).is_ok());
            if !ok {
                return Err(crate::Error::Invalid(format!("--mac-address {mac:?} is not a MAC address like 92:d0:c6:0a:29:33")));
            }
        }
        let net = NetOptions {
            publish: self.publish.iter().map(|p| ports::parse(p)).collect::<Result<_>>()?,
            add_hosts: self.add_host.clone(),
            dns: self.dns.iter().filter(|d| *d != "none").cloned().collect(),
            dns_search: self.dns_search.clone(),
            dns_options: self.dns_option.clone(),
            mac_address: self.mac_address.clone(),
            ip: self.ip.clone(),
            aliases: self.network_alias.clone(),
        };
        // Checked here so that a bad entry fails before anything is created.
        network::hosts::add_host_lines(&net)?;
        Ok((mode, net))
    }
}

use super::format::{self, Format};
use super::Context;
use crate::engine::network as engine_network;
use crate::error::Error;
use crate::network::store::NetworkRecord;
use clap::Subcommand;
use serde_json::{json, Value};

/// `sangja network ...`.
#[derive(Debug, Subcommand)]
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

/// podman's `network inspect` object.
fn object(n: &NetworkRecord, users: &[String]) -> Value {
    let containers: Value = crate::network::bridge::members(n)
        .into_iter()
        .map(|l| (l.container_id.clone(), json!({"name": l.names.first().cloned().unwrap_or_default(), "ip": l.ip.to_string()})))
        .collect::<serde_json::Map<String, Value>>()
        .into();
    json!({
        "name": n.name,
        "id": n.id,
        "driver": n.driver,
        "network_interface": n.interface,
        "created": n.created,
        "subnets": [{"subnet": n.subnet, "gateway": n.gateway}],
        "ipv6_enabled": false,
        "internal": n.internal,
        "dns_enabled": false,
        "labels": n.labels,
        "ipam_options": {"driver": "host-local"},
        "containers": containers,
        "used_by": users,
    })
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
            'nets: for (n, users) in engine_network::list(engine)? {
                for f in &a.filters {
                    let (k, val) = f.split_once('=').unwrap_or((f.as_str(), ""));
                    let keep = match k {
                        "name" => n.name.contains(val),
                        "id" => n.id.starts_with(val),
                        "driver" => n.driver == val,
                        "label" => match val.split_once('=') {
                            Some((lk, lv)) => n.labels.get(lk).is_some_and(|x| x == lv),
                            None => n.labels.contains_key(val),
                        },
                        _ => return Err(Error::Invalid(format!("filter {f:?} is not supported: use name=, id=, driver=, label="))),
                    };
                    if !keep {
                        continue 'nets;
                    }
                }
                let mut row = object(&n, &users);
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
            print!("{}", format::render(&fmt, &[("NETWORK ID", "ID"), ("NAME", "Name"), ("DRIVER", "Driver")], &rows)?);
            Ok(0)
        }
        NetworkCommand::Inspect(a) => {
            let all = engine_network::list(engine)?;
            let store = crate::network::store::NetworkStore::new(&engine.paths.root);
            let mut rows = Vec::new();
            let mut code = 0;
            for name in &a.names {
                match store.lookup(name) {
                    Ok(n) => {
                        let users = all.iter().find(|(x, _)| x.name == n.name).map(|(_, u)| u.clone()).unwrap_or_default();
                        rows.push(object(&n, &users));
                    }
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
        NetworkCommand::Exists(a) => Ok(if crate::network::store::NetworkStore::new(&engine.paths.root).exists(&a.name) { 0 } else { 1 }),
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
/// container): this sangja joins NAME's user namespace instead of making
/// its own, since a network namespace can only be joined from the user
/// namespace that owns it. Tells rootless::enter through the environment
/// (it runs next, before anything else starts). No-op as root.
pub fn join_target_userns(cli: &super::Cli) -> Result<()> {
    use super::{Command, ContainerCommand, ContainerVerb};
    if crate::paths::host_uid() == 0 || std::env::var_os(crate::rootless::ENV_HOST_UID).is_some() {
        return Ok(());
    }
    let paths = || crate::paths::StorePaths::new(cli.root.clone(), cli.runroot.clone(), cli.storage_driver.clone());
    let verb = match &cli.command {
        Command::Ctr(v) | Command::Container(ContainerCommand::Verb(v)) => v,
        Command::Network(NetworkCommand::Connect(_) | NetworkCommand::Disconnect(_)) => {
            if let Some(k) = network::rootless_netns::running(&paths()?.runroot) {
                std::env::set_var(crate::rootless::ENV_JOIN_USERNS, format!("/proc/{}/ns/user", k.pid));
            }
            return Ok(());
        }
        _ => return Ok(()),
    };
    let mode = match verb {
        ContainerVerb::Run(a) => match a.net_flags.network.as_deref() {
            Some(n) => network::parse_mode(n, true).unwrap_or_default(),
            None => return Ok(()),
        },
        // rm of a container on a user network: the keeper's, so that a
        // kill -9'd monitor's DNAT table in the shared namespace can go
        // (engine/network.rs cleanup).
        ContainerVerb::Rm(a) => {
            let paths = paths()?;
            let store = crate::container::record::ContainerStore::new(&paths);
            let on_bridge = |n: &String| store.lookup(n).is_ok_and(|c| matches!(c.config.options.network, NetworkMode::Bridge(_)));
            match a.all || a.containers.iter().any(on_bridge) {
                true => NetworkMode::Bridge(Vec::new()),
                false => return Ok(()),
            }
        }
        ContainerVerb::Start(a) if a.containers.len() == 1 => {
            let paths = paths()?;
            let Ok(c) = crate::container::record::ContainerStore::new(&paths).lookup(&a.containers[0]) else { return Ok(()) };
            c.config.options.network
        }
        _ => return Ok(()),
    };
    let target = match mode {
        NetworkMode::Container(t) => t,
        // User networks: the keeper's user namespace, if it runs
        // (network/rootless_netns.rs).
        NetworkMode::Bridge(_) => {
            if let Some(k) = network::rootless_netns::running(&paths()?.runroot) {
                std::env::set_var(crate::rootless::ENV_JOIN_USERNS, format!("/proc/{}/ns/user", k.pid));
            }
            return Ok(());
        }
        _ => return Ok(()),
    };
    let paths = paths()?;
    // A target that is missing or stopped gets its error from the engine.
    let Ok(c) = crate::container::record::ContainerStore::new(&paths).lookup(&target) else { return Ok(()) };
    if let Some(pid) = c.state.pid.filter(|_| c.is_running()) {
        std::env::set_var(crate::rootless::ENV_JOIN_USERNS, format!("/proc/{pid}/ns/user"));
    }
    Ok(())
}
