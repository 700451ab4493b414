//! `events`: the event log (engine events_log.rs), as podman prints it.

use super::Context;
use crate::engine::events_log::{self, Query, Record};
use crate::error::Result;
use clap::Args;
use std::io::Write;

// `events` flags (podman-events(1)).
#[derive(Debug, Args)]
pub struct EventsArgs {
    /// Only events matching KEY=VALUE: container, event, image, label, type, volume, network, pod.
    #[arg(short = 'f', long = "filter", value_name = "FILTER")]
    pub filter: Vec<String>,
    /// Print each event with a Go template, or as JSON lines (json).
    #[arg(long, value_name = "FORMAT")]
    pub format: Option<String>,
    /// Do not truncate ids (the default; --no-trunc=false shows 12 characters).
    #[arg(long = "no-trunc", num_args = 0..=1, default_missing_value = "true", default_value = "true", value_name = "BOOL")]
    pub no_trunc: bool,
    /// Show events since this time: RFC 3339, a date, Unix seconds, or a duration before now (10m).
    #[arg(long, value_name = "TIME")]
    pub since: Option<String>,
    /// Show events until this time (same forms as --since).
    #[arg(long, value_name = "TIME")]
    pub until: Option<String>,
    /// Wait for new events (the default); --stream=false prints the past ones and exits.
    #[arg(long, num_args = 0..=1, default_missing_value = "true", default_value = "true", value_name = "BOOL")]
    pub stream: bool,
}

/// Prints events: the past ones (with --since, or all with --stream=false),
/// then, streaming, new ones as they come.
pub fn events(ctx: &Context, a: EventsArgs) -> Result<i32> {
    let q = Query {
        since: a.since.as_deref().map(events_log::parse_time).transpose()?,
        until: a.until.as_deref().map(events_log::parse_time).transpose()?,
        filters: a.filter.clone(),
    };
    let print = line_printer(a.format.as_deref(), !a.no_trunc)?;
    let out = std::io::stdout();
    // podman: without --stream=false (or with --until) the log is followed.
    if !a.stream || (a.until.is_some() && q.until.is_some_and(|u| u <= chrono::Utc::now())) {
        let mut lock = out.lock();
        for r in events_log::read(&ctx.engine, &q)? {
            if writeln!(lock, "{}", print(&r)?).is_err() {
                return Ok(0);
            }
        }
        return Ok(0);
    }
    for r in events_log::follow(&ctx.engine, &q)? {
        let mut lock = out.lock();
        // A closed stdout (`sangja events | head -1`) ends the stream.
        if writeln!(lock, "{}", print(&r)?).and_then(|_| lock.flush()).is_err() {
            return Ok(0);
        }
    }
    Ok(0)
}

type Printer = Box<dyn Fn(&Record) -> Result<String>>;

/// How one event is printed: podman's line, a JSON line or a template.
fn line_printer(format: Option<&str>, truncate: bool) -> Result<Printer> {
    match format.map(str::trim) {
        None | Some("") => Ok(Box::new(move |r: &Record| Ok(r.human(truncate)))),
        Some("json") | Some("{{json .}}") => Ok(Box::new(|r: &Record| Ok(serde_json::to_string(r).unwrap_or_default()))),
        Some(t) => {
            let t = super::template::Template::parse(&t.replace("\\t", "\t").replace("\\n", "\n"))?;
            Ok(Box::new(move |r: &Record| {
                let mut v = serde_json::to_value(r).unwrap_or_default();
                // Go prints a time.Time field with its String method.
                v["Time"] = serde_json::Value::String(events_log::go_time(&r.time));
                v["TimeNano"] = serde_json::Value::from(r.time_nano());
                v["Action"] = serde_json::Value::String(r.status.clone());
                Ok(t.render(&v)?.trim_end_matches('\n').to_string())
            }))
        }
    }
}
