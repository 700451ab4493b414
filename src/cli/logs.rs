//! `logs`: a container's output from its k8s-file log (see container::logs).

use super::Context;
use crate::container::logs::{parse_time, LogReader, Record, Stream};
use crate::container::record::{Container, ContainerStore};
use crate::error::{Error, Result};
use chrono::{DateTime, FixedOffset};
use clap::Args;
use std::io::Write;
use std::time::Duration;

/// `logs` flags (podman's).
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
            std::io::stdout().lock().write_all(&buf)
        } else {
            std::io::stderr().lock().write_all(&buf)
        }
    }
}

struct Followed {
    container: Container,
    reader: LogReader,
    printer: Printer,
}

/// Shows the logs of one or more containers.
pub fn logs(ctx: &Context, args: LogsArgs) -> Result<i32> {
    let store = ContainerStore::new(&ctx.engine.paths);
    let mut containers = Vec::new();
    if args.latest {
        let c = store.list()?.into_iter().next().ok_or_else(|| Error::State("no containers to show logs of".into()))?;
        containers.push(c);
    }
    for n in &args.containers {
        containers.push(store.lookup(n)?);
    }
    if containers.is_empty() {
        return Err(Error::Invalid("no container given: name one or more containers, or use --latest".into()));
    }
    let since = args.since.as_deref().map(parse_time).transpose()?;
    let until = args.until.as_deref().map(parse_time).transpose()?;
    let several = containers.len() > 1;
    let mut followed: Vec<Followed> = containers
        .into_iter()
        .map(|c| {
            let prefix = several.then(|| if args.names { c.config.name.clone() } else { c.config.id[..12].to_string() });
            Followed {
                reader: LogReader::new(&c.log_path()),
                printer: Printer { prefix, timestamps: args.timestamps, mid: [false; 2] },
                container: c,
            }
        })
        .collect();
    let keep = |r: &Record| since.is_none_or(|s| r.time >= s) && until.is_none_or(|u| r.time <= u);
    let mut out_ok = true;
    for f in &mut followed {
        let recs: Vec<Record> = f.reader.read_new()?.into_iter().filter(|r| keep(r)).collect();
        let start = tail_start(&recs, args.tail);
        for r in &recs[start..] {
            out_ok &= f.printer.print(r).is_ok();
        }
    }
    let _ = std::io::stdout().flush();
    if !args.follow || !out_ok {
        return Ok(0);
    }
    // Follow: poll the logs; a container's last output is read after it is
    // seen exited (its monitor drains the pipes before recording the exit).
    let mut live: Vec<bool> = vec![true; followed.len()];
    while live.iter().any(|l| *l) && out_ok {
        for (f, l) in followed.iter_mut().zip(live.iter_mut()) {
            if !*l {
                continue;
            }
            let running = match store.reload(&f.container) {
                Ok(c) => c.is_running(),
                Err(_) => false,
            };
            for r in f.reader.read_new()?.into_iter().filter(|r| keep(r)) {
                out_ok &= f.printer.print(&r).is_ok();
            }
            if !running || until.is_some_and(|u| u < now()) {
                *l = false;
            }
        }
        let _ = std::io::stdout().flush();
        std::thread::sleep(Duration::from_millis(50));
    }
    Ok(0)
}

fn now() -> DateTime<FixedOffset> {
    chrono::Utc::now().fixed_offset()
}

/// Where the last `n` lines start: after the (n+1)-th complete record from
/// the end (partial records belong to the line their `F` ends).
fn tail_start(recs: &[Record], n: Option<i64>) -> usize {
    let Some(n) = n.filter(|n| *n >= 0) else { return 0 };
    if n == 0 {
        return recs.len();
    }
    let mut seen = 0;
    for (i, r) in recs.iter().enumerate().rev() {
        if !r.partial {
            seen += 1;
            if seen == n + 1 {
                return i + 1;
            }
        }
    }
    0
}
