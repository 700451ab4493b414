//! `stats`: a live (or `--no-stream`, one-shot) table of containers'
//! resource use, with podman's columns and `--format` fields.

use super::format::{self, Format};
use super::Context;
use crate::engine::stats::{self, Sample};
use crate::error::Result;
use clap::Args;
use serde_json::{json, Value};
use std::io::{IsTerminal, Write};
use std::time::Duration;

// `stats` arguments (podman's).
#[derive(Debug, Args)]
pub struct StatsArgs {
    /// Show all containers (those not running with empty readings).
    #[arg(short, long)]
    pub all: bool,
    /// Print one reading and exit.
    #[arg(long = "no-stream")]
    pub no_stream: bool,
    /// Do not truncate ids.
    #[arg(long = "no-trunc")]
    pub no_trunc: bool,
    /// Output: table, json, or a Go template ({{.Name}} {{.CPUPerc}} {{.MemUsage}}...).
    #[arg(long)]
    pub format: Option<String>,
    /// Seconds between readings when streaming.
    #[arg(short, long, default_value_t = 5)]
    pub interval: u64,
    /// Containers (names or ids); default: all running.
    #[arg(value_name = "CONTAINER")]
    pub containers: Vec<String>,
}

const COLUMNS: [(&str, &str); 10] = [
    ("ID", "ID"),
    ("NAME", "Name"),
    ("CPU %", "CPUPerc"),
    ("MEM USAGE / LIMIT", "MemUsage"),
    ("MEM %", "MemPerc"),
    ("NET IO", "NetIO"),
    ("BLOCK IO", "BlockIO"),
    ("PIDS", "PIDs"),
    ("CPU TIME", "CPU"),
    ("AVG CPU %", "AvgCPU"),
];

fn pct(v: Option<f64>) -> String {
    v.map_or_else(|| "--".to_string(), |p| format!("{p:.2}%"))
}

fn size(v: Option<u64>) -> String {
    v.map_or_else(|| "--".to_string(), format::size)
}

fn pair(a: Option<u64>, b: Option<u64>) -> String {
    format!("{} / {}", size(a), size(b))
}

fn row(before: &Sample, after: &Sample, no_trunc: bool) -> Value {
    let id = if no_trunc { after.id.clone() } else { after.id.chars().take(12).collect() };
    let mem_perc = match (after.mem_usage, after.mem_limit) {
        (Some(u), Some(l)) if l > 0 => Some(u as f64 / l as f64 * 100.0),
        _ => None,
    };
    json!({
        "ID": id,
        "ContainerID": after.id,
        "Name": after.name,
        "CPUPerc": pct(stats::cpu_percent(before, after)),
        "MemUsage": pair(after.mem_usage, after.mem_limit),
        "MemPerc": pct(mem_perc),
        "NetIO": pair(after.net_rx, after.net_tx),
        "BlockIO": pair(after.blk_read, after.blk_write),
        "PIDs": after.pids.map_or_else(|| "--".to_string(), |p| p.to_string()),
        "CPU": after.cpu_ns.map_or_else(|| "--".to_string(), |n| format!("{:.6}s", n as f64 / 1e9)),
        "AvgCPU": pct(stats::avg_cpu_percent(after)),
        "MemUsageBytes": after.mem_usage,
        "MemLimitBytes": after.mem_limit,
        "CPUNano": after.cpu_ns,
    })
}

/// Prints the table once (`--no-stream`) or every interval until no
/// container is left running.
pub fn stats(ctx: &Context, a: StatsArgs) -> Result<i32> {
    let fmt = Format::parse(a.format.as_deref());
    let tty = std::io::stdout().is_terminal();
    let mut prev: Vec<Sample> = Vec::new();
    loop {
        let containers = stats::containers(&ctx.engine, &a.containers, a.all)?;
        let mut first: Vec<Sample> = containers.iter().map(stats::sample).collect();
        if prev.is_empty() {
            // CPU % needs two readings: a short window for the first one.
            std::thread::sleep(Duration::from_millis(200));
        } else {
            first = first.into_iter().map(|s| prev.iter().find(|p| p.id == s.id).cloned().unwrap_or(s)).collect();
        }
        let now: Vec<Sample> = containers.iter().map(stats::sample).collect();
        let rows: Vec<Value> = first.iter().zip(now.iter()).map(|(b, n)| row(b, n, a.no_trunc)).collect();
        let text = format::render(&fmt, &COLUMNS, &rows)?;
        let mut out = std::io::stdout().lock();
        if tty && !a.no_stream {
            // Redraw in place, as podman does.
            let _ = write!(out, "\x1b[2J\x1b[H");
        }
        let _ = out.write_all(text.as_bytes());
        let _ = out.flush();
        drop(out);
        if a.no_stream || (now.is_empty() && !a.all) {
            return Ok(0);
        }
        prev = now;
        std::thread::sleep(Duration::from_secs(a.interval.max(1)));
    }
}
