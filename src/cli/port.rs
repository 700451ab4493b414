//! `port`: the published ports of a container, in podman's format.

use super::Context;
use crate::engine::network;
use crate::error::{Error, Result};
use clap::Args;

// `port` flags.
#[derive(Debug, Args)]
pub struct PortArgs {
    /// List the ports of every running container.
    #[arg(short = 'a', long)]
    pub all: bool,
    /// The container.
    #[arg(value_name = "CONTAINER", required_unless_present = "all")]
    pub container: Option<String>,
    /// Only this container port: PORT[/tcp|udp].
    #[arg(value_name = "PRIVATE_PORT")]
    pub private: Option<String>,
}

/// Prints `80/tcp -> 127.0.0.1:18080` lines, or with a private port only
/// the host side, as podman does.
pub fn port(ctx: &Context, args: PortArgs) -> Result<i32> {
    if args.all {
        for (id, ports) in network::running_ports(&ctx.engine)? {
            for p in ports {
                println!("{}\t{}", &id[..12], p.line());
            }
        }
        return Ok(0);
    }
    let name = args.container.as_deref().unwrap_or_default();
    let (_, ports) = network::ports(&ctx.engine, name)?;
    match &args.private {
        None => {
            for p in &ports {
                println!("{}", p.line());
            }
        }
        Some(want) => {
            let (num, proto) = want.split_once('/').unwrap_or((want.as_str(), "tcp"));
            let num: u16 = num.parse().map_err(|_| Error::Invalid(format!("{want:?} is not a port: give PORT or PORT/tcp|udp")))?;
            let found: Vec<_> = ports.iter().filter(|p| p.container_port == num && p.proto.as_str() == proto).collect();
            if found.is_empty() {
                return Err(Error::Invalid(format!("no public port {num}/{proto} published for {name}")));
            }
            for p in found {
                let line = p.line();
                println!("{}", line.split(" -> ").nth(1).unwrap_or(&line));
            }
        }
    }
    Ok(0)
}
