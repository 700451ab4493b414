//! `logs`: the records of one or more containers' k8s-file logs (see
//! container::logs), within a time window, the last N lines, and followed
//! until the containers exit. The caller renders them.

use super::Engine;
use crate::error::{Error, Result};
use chrono::{DateTime, FixedOffset};
use sangja_container::logs::{parse_time, LogReader};
use sangja_container::record::{Container, ContainerStore};
use serde::{Deserialize, Serialize};
use std::time::Duration;

pub use sangja_container::logs::{parse_size, Record, Stream};

/// Whose logs, and which part of them.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct LogsRequest {
    /// Names or ids, after the latest container with `latest`.
    pub containers: Vec<String>,
    /// The most recently created container first.
    pub latest: bool,
    /// Only records since this time: RFC 3339, Unix seconds, or a duration before now (10m).
    pub since: Option<String>,
    /// Only records before this time (same forms).
    pub until: Option<String>,
    /// Only the last N lines (negative: all).
    pub tail: Option<i64>,
    /// Go on until the containers exit (or `until` passes).
    pub follow: bool,
}

/// The logs a request names, opened: the containers are known (to label
/// their records) before any record is read.
pub struct Logs<'e> {
    store: ContainerStore<'e>,
    containers: Vec<Container>,
    readers: Vec<LogReader>,
    since: Option<DateTime<FixedOffset>>,
    until: Option<DateTime<FixedOffset>>,
    tail: Option<i64>,
    follow: bool,
}

/// Resolves the containers of `req` and its times.
pub fn open<'e>(engine: &'e Engine, req: &LogsRequest) -> Result<Logs<'e>> {
    let store = ContainerStore::new(&engine.paths);
    let mut containers = Vec::new();
    if req.latest {
        containers.push(store.list()?.into_iter().next().ok_or_else(|| Error::State("no containers to show logs of".into()))?);
    }
    for n in &req.containers {
        containers.push(store.lookup(n)?);
    }
    if containers.is_empty() {
        return Err(Error::Invalid("no container given: name one or more containers, or use --latest".into()));
    }
    if let Some(c) = containers.iter().find(|c| matches!(c.config.options.extra.log_driver.as_deref(), Some("none" | "passthrough"))) {
        let driver = c.config.options.extra.log_driver.clone().unwrap_or_default();
        return Err(Error::Invalid(format!(
            "this container is using the '{driver}' log driver, cannot read logs: {} is not logging output (run it with --log-driver k8s-file)",
            c.config.name
        )));
    }
    let since = req.since.as_deref().map(parse_time).transpose()?;
    let until = req.until.as_deref().map(parse_time).transpose()?;
    let readers = containers.iter().map(|c| LogReader::new(&c.log_path())).collect();
    Ok(Logs { store, containers, readers, since, until, tail: req.tail, follow: req.follow })
}

impl Logs<'_> {
    /// The containers, in the order their records are labelled with.
    pub fn containers(&self) -> &[Container] {
        &self.containers
    }

    /// Passes each record to `sink` with the index of its container: first
    /// what each log holds, container by container, then (`follow`) what
    /// they write, until every container has exited. Following stops when
    /// `sink` fails (the reader went away).
    pub fn read(mut self, sink: &mut dyn FnMut(usize, &Record) -> std::io::Result<()>) -> Result<()> {
        let (since, until) = (self.since, self.until);
        let keep = |r: &Record| since.is_none_or(|s| r.time >= s) && until.is_none_or(|u| r.time <= u);
        let mut sink_ok = true;
        for (i, reader) in self.readers.iter_mut().enumerate() {
            let recs: Vec<Record> = reader.read_new()?.into_iter().filter(|r| keep(r)).collect();
            for r in &recs[tail_start(&recs, self.tail)..] {
                sink_ok &= sink(i, r).is_ok();
            }
        }
        if !self.follow || !sink_ok {
            return Ok(());
        }
        // Poll the logs; a container's last output is read after it is seen
        // exited (its monitor drains the pipes before recording the exit).
        let mut live: Vec<bool> = vec![true; self.readers.len()];
        while live.iter().any(|l| *l) && sink_ok {
            for (i, reader) in self.readers.iter_mut().enumerate() {
                if !live[i] {
                    continue;
                }
                let running = self.store.reload(&self.containers[i]).is_ok_and(|c| c.is_running());
                for r in reader.read_new()?.into_iter().filter(|r| keep(r)) {
                    sink_ok &= sink(i, &r).is_ok();
                }
                if !running || until.is_some_and(|u| u < chrono::Utc::now().fixed_offset()) {
                    live[i] = false;
                }
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Ok(())
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(text: &str, partial: bool) -> Record {
        sangja_container::logs::parse_record(format!("2024-01-02T03:04:05Z stdout {} {text}", if partial { "P" } else { "F" }).as_bytes())
            .unwrap()
    }

    #[test]
    fn tail_counts_lines_not_records() {
        let recs = [rec("a", false), rec("b", true), rec("c", false), rec("d", false)];
        assert_eq!(tail_start(&recs, None), 0);
        assert_eq!(tail_start(&recs, Some(-1)), 0);
        assert_eq!(tail_start(&recs, Some(0)), 4);
        assert_eq!(tail_start(&recs, Some(1)), 3);
        // "b" + "c" are one line.
        assert_eq!(tail_start(&recs, Some(2)), 1);
        assert_eq!(tail_start(&recs, Some(9)), 0);
    }
}
