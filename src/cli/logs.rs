//! `logs`: a container's output from its k8s-file log (see container::logs).

use super::Context;
use crate::engine::{
    self,
    logs::{LogsRequest, Record, Stream},
};
use crate::error::Result;
use clap::Args;
use std::io::Write;

// `logs` flags (podman's).
#[derive(Debug, Args)]
pub struct LogsArgs {
    /// Follow the output until the container exits.
    #[arg(short, long)]
    pub follow: bool,
    /// Only the last N lines (-1: all).
    #[arg(long, value_name = "N", allow_hyphen_values = true)]
    pub tail: Option<i64>,
    /// Only lines since this time: RFC 3339, Unix seconds, or a duration before now (10m).
    #[arg(long, value_name = "TIME")]
    pub since: Option<String>,
    /// Only lines before this time (same forms as --since).
    #[arg(long, value_name = "TIME")]
    pub until: Option<String>,
    /// Show the time of each line.
    #[arg(short, long)]
    pub timestamps: bool,
    /// Prefix lines with container names instead of ids (several containers).
    #[arg(short, long)]
    pub names: bool,
    /// The latest container.
    #[arg(short, long)]
    pub latest: bool,
    #[arg(value_name = "CONTAINER")]
    pub containers: Vec<String>,
}

/// Prints records: stdout's to our stdout, stderr's to our stderr, a
/// prefix (timestamp, container) at the start of each line only.
struct Printer {
    prefix: Option<String>,
    timestamps: bool,
    /// Per stream: in the middle of a partial line.
    mid: [bool; 2],
}

impl Printer {
    fn print(&mut self, r: &Record) -> std::io::Result<()> {
        let i = if r.stream == Stream::Stdout { 0 } else { 1 };
        let mut buf = Vec::with_capacity(r.text.len() + 64);
        if !self.mid[i] {
            if self.timestamps {
                buf.extend_from_slice(r.time_text.as_bytes());
                buf.push(b' ');
            }
            if let Some(p) = &self.prefix {
                buf.extend_from_slice(p.as_bytes());
                buf.push(b' ');
            }
        }
        buf.extend_from_slice(&r.text);
        if !r.partial {
            buf.push(b'\n');
        }
        self.mid[i] = r.partial;
        if i == 0 {
            let mut out = std::io::stdout().lock();
            out.write_all(&buf)?;
            // A line's start shows before its end comes.
            if r.partial {
                out.flush()?;
            }
            Ok(())
        } else {
            std::io::stderr().lock().write_all(&buf)
        }
    }
}

/// Shows the logs of one or more containers.
pub fn logs(ctx: &Context, args: LogsArgs) -> Result<i32> {
    let req = LogsRequest {
        containers: args.containers,
        latest: args.latest,
        since: args.since,
        until: args.until,
        tail: args.tail,
        follow: args.follow,
    };
    let logs = engine::logs::open(&ctx.engine, &req)?;
    let several = logs.containers().len() > 1;
    let mut printers: Vec<Printer> = logs
        .containers()
        .iter()
        .map(|c| {
            let prefix = several.then(|| if args.names { c.config.name.clone() } else { c.config.id[..12].to_string() });
            Printer { prefix, timestamps: args.timestamps, mid: [false; 2] }
        })
        .collect();
    logs.read(&mut |i, r| printers[i].print(r))?;
    let _ = std::io::stdout().flush();
    Ok(0)
}
