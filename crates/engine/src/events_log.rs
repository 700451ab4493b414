//! The event log: what happened to containers, images, volumes, networks and
//! secrets, as podman's `events_logger = "file"` keeps it, for `sangja
//! events` and the API service's GET /events.
//!
//! Where: `events_logfile_path` of containers.conf when set, else
//! RUNROOT/events/events.log ($XDG_RUNTIME_DIR/sangja/events/events.log
//! rootless, /run/sangja/events/events.log for root): run-time state, gone
//! at reboot, as podman's $XDG_RUNTIME_DIR/libpod/tmp/events/events.log.
//! `events_logger = "none"` (containers.conf) or `--events-backend none`
//! turns it off; "journald" is taken as "file" (sangja writes no journal).
//!
//! Format: one JSON object per line, podman's own (ID, Image, Name, Status,
//! Time, Type, Attributes...), so the file reads the same way podman's does.
//! Each event is one write(2) on an O_APPEND descriptor: lines from
//! concurrent sangja processes never interleave. Writers hold the log's lock
//! shared; the rotation (the file grew past `events_logfile_max_size`,
//! default 1 MB) holds it exclusive, keeps the newer half of the lines, puts
//! podman's "log-rotation" system event first and renames the result over
//! the log. A write that fails is dropped with a debug event: an event log
//! never fails the use case that reports into it.

use crate::error::{Error, IoContext, Result};
use crate::Engine;
use chrono::{DateTime, Local, Utc};
use sangja_container::record::Container;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

/// podman's default `events_logfile_max_size` (1 MB).
pub const DEFAULT_MAX_SIZE: u64 = 1_000_000;

/// What an event is about (podman's and docker's Type).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Container,
    Image,
    Volume,
    Network,
    Secret,
    Pod,
    System,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Container => "container",
            Kind::Image => "image",
            Kind::Volume => "volume",
            Kind::Network => "network",
            Kind::Secret => "secret",
            Kind::Pod => "pod",
            Kind::System => "system",
        }
    }

    fn parse(s: &str) -> Option<Kind> {
        serde_json::from_value(serde_json::Value::String(s.to_ascii_lowercase())).ok()
    }
}

/// One event, as a line of the log (podman's field names).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// A container's exit code ("died" events).
    #[serde(rename = "ContainerExitCode", default, skip_serializing_if = "Option::is_none")]
    pub exit_code: Option<i32>,
    /// The object's id (container, image, network's container).
    #[serde(rename = "ID", default, skip_serializing_if = "String::is_empty")]
    pub id: String,
    /// A container's image name, or nothing.
    #[serde(rename = "Image", default, skip_serializing_if = "String::is_empty")]
    pub image: String,
    /// The object's name (container, image reference, volume).
    #[serde(rename = "Name", default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// A network event's network.
    #[serde(rename = "Network", default, skip_serializing_if = "String::is_empty")]
    pub network: String,
    /// What happened: podman's Status, docker's Action (create, start, died...).
    #[serde(rename = "Status")]
    pub status: String,
    /// When, with nanoseconds (RFC 3339).
    #[serde(rename = "Time")]
    pub time: DateTime<Utc>,
    #[serde(rename = "Type")]
    pub kind: Kind,
    /// An error that went with the event (a failed pull).
    #[serde(rename = "Error", default, skip_serializing_if = "String::is_empty")]
    pub error: String,
    /// A health_status event's result (healthy, unhealthy, starting).
    #[serde(rename = "HealthStatus", default, skip_serializing_if = "String::is_empty")]
    pub health_status: String,
    /// A container's labels, and other details.
    #[serde(rename = "Attributes", default)]
    pub attributes: BTreeMap<String, String>,
}

impl Record {
    /// A new event of `kind` happening now.
    pub fn new(kind: Kind, status: &str) -> Record {
        Record {
            exit_code: None,
            id: String::new(),
            image: String::new(),
            name: String::new(),
            network: String::new(),
            status: status.to_string(),
            time: Utc::now(),
            kind,
            error: String::new(),
            health_status: String::new(),
            attributes: BTreeMap::new(),
        }
    }

    /// A container's event: its id, name, image and labels.
    pub fn container(c: &Container, status: &str) -> Record {
        let mut r = Record::new(Kind::Container, status);
        r.id = c.config.id.clone();
        r.name = c.config.name.clone();
        r.image = c.config.image_name.clone();
        for l in &c.config.options.labels {
            let (k, v) = l.split_once('=').unwrap_or((l, ""));
            r.attributes.insert(k.to_string(), v.to_string());
        }
        r
    }

    /// Nanoseconds since the epoch (docker's timeNano).
    pub fn time_nano(&self) -> i64 {
        self.time.timestamp_nanos_opt().unwrap_or(0)
    }

    /// Docker's Actor.Attributes: the attributes with name, image and exitCode.
    pub fn docker_attributes(&self) -> BTreeMap<String, String> {
        let mut a = self.attributes.clone();
        if !self.name.is_empty() {
            a.insert("name".into(), self.name.clone());
        }
        if !self.image.is_empty() {
            a.insert("image".into(), self.image.clone());
        }
        if let Some(code) = self.exit_code {
            a.insert("exitCode".into(), code.to_string());
        }
        if !self.network.is_empty() {
            a.insert("container".into(), self.id.clone());
            a.insert("name".into(), self.network.clone());
        }
        a
    }

    /// Docker's Actor.ID: the id, or the name of objects known by name (volumes).
    pub fn actor_id(&self) -> &str {
        match self.kind {
            Kind::Volume => &self.name,
            Kind::Network if !self.network.is_empty() => &self.network,
            _ if self.id.is_empty() => &self.name,
            _ => &self.id,
        }
    }

    /// The line `podman events` prints for it (podman's ToHumanReadable).
    pub fn human(&self, truncate: bool) -> String {
        let id = if truncate && self.id.len() > 12 { &self.id[..12] } else { &self.id[..] };
        let time = go_time(&self.time);
        let (kind, status) = (self.kind.as_str(), &self.status);
        match self.kind {
            Kind::Container | Kind::Pod => {
                let mut s = format!("{time} {kind} {status} {id} (image={}, name={}", self.image, self.name);
                if !self.health_status.is_empty() {
                    s.push_str(&format!(", health_status={}", self.health_status));
                }
                for (k, v) in &self.attributes {
                    s.push_str(&format!(", {k}={v}"));
                }
                s.push(')');
                s
            }
            Kind::Network => format!("{time} {kind} {status} {id} (container={id}, name={})", self.network),
            Kind::Image => {
                let mut s = format!("{time} {kind} {status} {id} {}", self.name);
                if !self.error.is_empty() {
                    s.push(' ');
                    s.push_str(&self.error);
                }
                s
            }
            Kind::System => {
                if self.name.is_empty() {
                    format!("{time} {kind} {status}")
                } else {
                    format!("{time} {kind} {status} {}", self.name)
                }
            }
            Kind::Volume => format!("{time} {kind} {status} {}", self.name),
            Kind::Secret => format!("{time} {kind} {status} {id}"),
        }
    }
}

/// Go's time.Time.String() in local time: "2006-01-02 15:04:05.123456789 +0000 UTC",
/// trailing zeros of the fraction dropped.
pub fn go_time(t: &DateTime<Utc>) -> String {
    let local = t.with_timezone(&Local);
    let mut frac = format!("{:09}", local.timestamp_subsec_nanos());
    while frac.ends_with('0') {
        frac.pop();
    }
    let frac = if frac.is_empty() { String::new() } else { format!(".{frac}") };
    format!("{}{frac} {} {}", local.format("%Y-%m-%d %H:%M:%S"), local.format("%z"), zone_name(t.timestamp()))
}

/// The local zone's abbreviation at `secs` (UTC, CET...), as Go prints it.
fn zone_name(secs: i64) -> String {
    let t = secs as libc::time_t;
    let mut tm: libc::tm = unsafe { std::mem::zeroed() };
    // SAFETY: localtime_r writes into tm, which we own; tm_zone points into
    // libc's static zone names, read before any other call can change them.
    let ok = unsafe { !libc::localtime_r(&t, &mut tm).is_null() };
    if !ok || tm.tm_zone.is_null() {
        return "UTC".into();
    }
    // SAFETY: a NUL-terminated string from libc (checked non-null above).
    unsafe { std::ffi::CStr::from_ptr(tm.tm_zone) }.to_string_lossy().into_owned()
}

/// Which backend: set once by the caller (`--events-backend`), else containers.conf.
static BACKEND: OnceLock<String> = OnceLock::new();

/// `--events-backend`: "file", "journald" (taken as file) or "none".
pub fn set_backend(name: &str) -> Result<()> {
    match name {
        "file" | "journald" | "none" => {
            let _ = BACKEND.set(name.to_string());
            Ok(())
        }
        _ => Err(Error::Invalid(format!("invalid events backend {name:?}: use file, journald or none"))),
    }
}

struct Settings {
    enabled: bool,
    path: Option<PathBuf>,
    max_size: u64,
}

fn settings() -> &'static Settings {
    static S: OnceLock<Settings> = OnceLock::new();
    S.get_or_init(|| {
        let conf = crate::config::containers_conf::load().map(|l| l.conf.engine).unwrap_or_default();
        let backend = BACKEND.get().cloned().or(conf.events_logger.clone()).unwrap_or_default();
        Settings {
            enabled: backend != "none",
            path: conf.events_logfile_path.filter(|p| !p.is_empty()).map(PathBuf::from),
            max_size: conf.events_logfile_max_size.as_ref().and_then(parse_size).unwrap_or(DEFAULT_MAX_SIZE),
        }
    })
}

/// containers.conf's size: an integer, or a string "1000", "500k", "1m", "1g".
fn parse_size(v: &toml::Value) -> Option<u64> {
    match v {
        toml::Value::Integer(n) => u64::try_from(*n).ok(),
        toml::Value::String(s) => {
            let s = s.trim().to_ascii_lowercase();
            let s = s.trim_end_matches('b');
            let (num, mult) = match s.chars().last()? {
                'k' => (&s[..s.len() - 1], 1_000),
                'm' => (&s[..s.len() - 1], 1_000_000),
                'g' => (&s[..s.len() - 1], 1_000_000_000),
                _ => (s, 1),
            };
            num.trim().parse::<u64>().ok().map(|n| n * mult)
        }
        _ => None,
    }
}

/// The log's path for this store.
pub fn path(engine: &Engine) -> PathBuf {
    settings().path.clone().unwrap_or_else(|| engine.paths.runroot.join("events").join("events.log"))
}

fn lock_path(log: &Path) -> PathBuf {
    let mut p = log.as_os_str().to_owned();
    p.push(".lock");
    PathBuf::from(p)
}

/// Appends `record` to the log (one write, O_APPEND). Never fails the
/// caller: a failure is a debug event.
pub fn write(engine: &Engine, record: &Record) {
    if !settings().enabled {
        return;
    }
    if let Err(e) = append(&path(engine), record, settings().max_size) {
        engine.emit(crate::events::Event::debug(format!("event log: {e}")));
    }
}

/// A container's event.
pub fn container(engine: &Engine, c: &Container, status: &str) {
    write(engine, &Record::container(c, status));
}

/// A container's "died" event, with its exit code.
pub fn died(engine: &Engine, c: &Container, code: Option<i32>) {
    let mut r = Record::container(c, "died");
    r.exit_code = code;
    write(engine, &r);
}

/// An image's event: its id and the name it was named by.
pub fn image(engine: &Engine, id: &str, name: &str, status: &str) {
    let mut r = Record::new(Kind::Image, status);
    r.id = id.to_string();
    r.name = name.to_string();
    write(engine, &r);
}

/// A volume's event.
pub fn volume(engine: &Engine, name: &str, status: &str) {
    let mut r = Record::new(Kind::Volume, status);
    r.name = name.to_string();
    write(engine, &r);
}

/// A network's event (`id` is the container's for connect/disconnect, as podman).
pub fn network(engine: &Engine, network: &str, container_id: &str, status: &str) {
    let mut r = Record::new(Kind::Network, status);
    r.id = container_id.to_string();
    r.network = network.to_string();
    write(engine, &r);
}

/// A secret's event.
pub fn secret(engine: &Engine, id: &str, status: &str) {
    let mut r = Record::new(Kind::Secret, status);
    r.id = id.to_string();
    write(engine, &r);
}

fn append(log: &Path, record: &Record, max_size: u64) -> Result<()> {
    let dir = log.parent().unwrap_or(Path::new("/"));
    std::fs::create_dir_all(dir).path_ctx("create", dir)?;
    let mut line = serde_json::to_vec(record).map_err(|e| Error::Internal(format!("event: {e}")))?;
    line.push(b'\n');
    let lock = lock_path(log);
    {
        let _shared = crate::lock::shared(&lock)?;
        let mut f = OpenOptions::new().create(true).append(true).mode(0o600).open(log).path_ctx("open", log)?;
        let size = f.metadata().path_ctx("stat", log)?.len();
        if size + (line.len() as u64) <= max_size || size == 0 {
            // One write(2): an O_APPEND write of a line this small is never
            // split, so lines of concurrent writers stay whole.
            return f.write_all(&line).path_ctx("write", log);
        }
    }
    let _exclusive = crate::lock::exclusive(&lock)?;
    rotate(log, max_size)?;
    let mut f = OpenOptions::new().create(true).append(true).mode(0o600).open(log).path_ctx("open", log)?;
    f.write_all(&line).path_ctx("write", log)
}

/// Keeps the newer half of the log's lines (podman's rotation), after a
/// "log-rotation" system event. Called with the lock held exclusive.
fn rotate(log: &Path, max_size: u64) -> Result<()> {
    let mut text = Vec::new();
    match File::open(log) {
        Ok(mut f) => {
            f.read_to_end(&mut text).path_ctx("read", log)?;
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e).path_ctx("open", log),
    }
    if (text.len() as u64) < max_size {
        return Ok(()); // another writer rotated it meanwhile
    }
    let half = text.len() - (max_size as usize / 2).min(text.len());
    let start = match text[half..].iter().position(|&b| b == b'\n') {
        Some(i) => half + i + 1,
        None => text.len(),
    };
    let mut rotation = Record::new(Kind::System, "log-rotation");
    rotation.name = log.display().to_string();
    let mut out = serde_json::to_vec(&rotation).map_err(|e| Error::Internal(format!("event: {e}")))?;
    out.push(b'\n');
    out.extend_from_slice(&text[start..]);
    let tmp = log.with_extension("log.tmp");
    {
        let mut f = OpenOptions::new().create(true).write(true).truncate(true).mode(0o600).open(&tmp).path_ctx("create", &tmp)?;
        f.write_all(&out).path_ctx("write", &tmp)?;
        f.sync_all().path_ctx("sync", &tmp)?;
    }
    std::fs::rename(&tmp, log).path_ctx("rename", log)
}

/// What `events` asks for: a time window and filters.
#[derive(Debug, Clone, Default)]
pub struct Query {
    /// Only events at or after this time.
    pub since: Option<DateTime<Utc>>,
    /// Only events at or before this time (follow mode stops there).
    pub until: Option<DateTime<Utc>>,
    /// podman's filters, "key=value": container, event (status), image,
    /// label, type, volume, network, pod. Different keys must all match;
    /// values of one key are alternatives.
    pub filters: Vec<String>,
}

/// The parsed filters of a query.
#[derive(Debug, Clone, Default)]
pub struct Filters(BTreeMap<String, Vec<String>>);

impl Filters {
    /// Parses "key=value" filters; an unknown key is an error, as podman's.
    pub fn parse(list: &[String]) -> Result<Filters> {
        let mut m: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for f in list {
            let (k, v) = f.split_once('=').ok_or_else(|| {
                Error::Invalid(format!("invalid filter {f:?}: use KEY=VALUE (container, event, image, label, type, volume, network, pod)"))
            })?;
            let k = k.to_ascii_lowercase();
            let k = match k.as_str() {
                "status" => "event".to_string(),
                "object" => "type".to_string(),
                _ => k,
            };
            match k.as_str() {
                "container" | "event" | "image" | "label" | "type" | "volume" | "network" | "pod" => {}
                _ => return Err(Error::Invalid(format!("{k} is an invalid filter"))),
            }
            if k == "type" && Kind::parse(v).is_none() {
                return Err(Error::Invalid(format!(
                    "unknown event type {v:?}: use container, image, volume, network, secret, pod or system"
                )));
            }
            m.entry(k).or_default().push(v.to_string());
        }
        Ok(Filters(m))
    }

    /// Whether `r` passes every filter.
    pub fn matches(&self, r: &Record) -> bool {
        self.0.iter().all(|(k, values)| values.iter().any(|v| one(k, v, r)))
    }
}

fn one(key: &str, v: &str, r: &Record) -> bool {
    match key {
        "container" => r.kind == Kind::Container && (r.name == v || (!v.is_empty() && r.id.starts_with(v))),
        "event" => r.status.eq_ignore_ascii_case(v) || (v == "die" && r.status == "died"),
        "image" => {
            let name = if r.kind == Kind::Image { &r.name } else { &r.image };
            let short = |n: &str| n.rsplit('/').next().map(|s| s.split(':').next().unwrap_or(s).to_string()).unwrap_or_default();
            name == v
                || (r.kind == Kind::Image && !v.is_empty() && r.id.starts_with(v))
                || short(name) == v
                || short(name) == short(v) && name.ends_with(v)
        }
        "label" => match v.split_once('=') {
            Some((k, val)) => r.attributes.get(k).is_some_and(|x| x == val),
            None => r.attributes.contains_key(v),
        },
        "type" => Kind::parse(v) == Some(r.kind),
        "volume" => r.kind == Kind::Volume && r.name == v,
        "network" => r.kind == Kind::Network && r.network == v,
        "pod" => r.kind == Kind::Pod && (r.name == v || r.id.starts_with(v)),
        _ => false,
    }
}

impl Query {
    fn keep(&self, f: &Filters, r: &Record) -> bool {
        self.since.is_none_or(|s| r.time >= s) && self.until.is_none_or(|u| r.time <= u) && f.matches(r)
    }
}

/// Parses a `--since`/`--until` time: RFC 3339, a date, Unix seconds or a
/// duration before now (10m, 1h30s), as podman.
pub fn parse_time(s: &str) -> Result<DateTime<Utc>> {
    Ok(sangja_container::logs::parse_time(s)?.with_timezone(&Utc))
}

/// The events already in the log that `q` asks for, oldest first. Lines that
/// do not parse (a hand-edited file) are skipped.
pub fn read(engine: &Engine, q: &Query) -> Result<impl Iterator<Item = Record>> {
    let filters = Filters::parse(&q.filters)?;
    let log = path(engine);
    let lines: Box<dyn Iterator<Item = std::io::Result<String>>> = match File::open(&log) {
        Ok(f) => Box::new(BufReader::new(f).lines()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Box::new(std::iter::empty()),
        Err(e) => return Err(e).path_ctx("open", &log),
    };
    let q = q.clone();
    Ok(lines.map_while(|l| l.ok()).filter_map(|l| serde_json::from_str::<Record>(&l).ok()).filter(move |r| q.keep(&filters, r)))
}

/// Follow mode: the log from its end on (or, with `since`, from the start),
/// waiting for new events; ends at `until`, or when `stop` says so (checked
/// between polls). Follows the log across rotations.
pub fn follow(engine: &Engine, q: &Query) -> Result<Follow> {
    let filters = Filters::parse(&q.filters)?;
    let log = path(engine);
    let from_start = q.since.is_some();
    let mut f = Follow { log, file: None, ino: 0, pos: 0, buf: Vec::new(), q: q.clone(), filters, pending: Default::default(), last: None };
    f.open(from_start);
    Ok(f)
}

/// The iterator `follow` returns: blocks until the next matching event.
pub struct Follow {
    log: PathBuf,
    file: Option<File>,
    ino: u64,
    pos: u64,
    buf: Vec<u8>,
    q: Query,
    filters: Filters,
    pending: std::collections::VecDeque<Record>,
    /// The time of the last event returned: after a rotation, the new
    /// file's copy of older lines is skipped up to it.
    last: Option<DateTime<Utc>>,
}

impl Follow {
    fn open(&mut self, from_start: bool) {
        if let Ok(mut f) = File::open(&self.log) {
            let meta = f.metadata().ok();
            self.ino = meta.as_ref().map(|m| m.ino()).unwrap_or(0);
            self.pos = if from_start { 0 } else { f.seek(SeekFrom::End(0)).unwrap_or(0) };
            let _ = f.seek(SeekFrom::Start(self.pos));
            self.file = Some(f);
            self.buf.clear();
        }
    }

    /// Reads what was appended since the last poll; reopens a rotated log.
    fn poll(&mut self) {
        let current = std::fs::metadata(&self.log).ok();
        let rotated = match (&current, self.file.is_some()) {
            (Some(m), true) => m.ino() != self.ino || m.len() < self.pos,
            (Some(_), false) => true,
            (None, _) => false,
        };
        if rotated {
            // A new file holds only events newer than what we read (its
            // first half is the old file's tail, filtered out by time below).
            self.file = None;
            self.open(true);
        }
        let Some(f) = self.file.as_mut() else { return };
        let mut chunk = Vec::new();
        if f.read_to_end(&mut chunk).is_err() {
            return;
        }
        self.pos += chunk.len() as u64;
        self.buf.extend_from_slice(&chunk);
        while let Some(i) = self.buf.iter().position(|&b| b == b'\n') {
            let line: Vec<u8> = self.buf.drain(..=i).collect();
            if let Ok(r) = serde_json::from_slice::<Record>(&line) {
                if self.q.keep(&self.filters, &r) {
                    self.pending.push_back(r);
                }
            }
        }
        if rotated {
            // Drop what a rotation copied over from before (already seen).
            if let Some(last) = self.last {
                self.pending.retain(|r| r.time > last);
            }
        }
    }

    /// The next event already written, without waiting: for a caller that
    /// must notice its client leaving between polls (the API's /events).
    pub fn try_next(&mut self) -> Option<Record> {
        if self.pending.is_empty() {
            self.poll();
        }
        let r = self.pending.pop_front()?;
        self.last = Some(self.last.map_or(r.time, |l| l.max(r.time)));
        Some(r)
    }

    /// Whether `until` has passed (no event will come any more).
    pub fn ended(&self) -> bool {
        self.q.until.is_some_and(|u| Utc::now() > u)
    }

    /// The next event, or None once `until` has passed.
    pub fn next_event(&mut self) -> Option<Record> {
        loop {
            if let Some(r) = self.pending.pop_front() {
                self.last = Some(self.last.map_or(r.time, |l| l.max(r.time)));
                return Some(r);
            }
            if self.q.until.is_some_and(|u| Utc::now() > u) {
                return None;
            }
            self.poll();
            if self.pending.is_empty() {
                std::thread::sleep(Duration::from_millis(100));
            }
        }
    }
}

impl Iterator for Follow {
    type Item = Record;
    fn next(&mut self) -> Option<Record> {
        self.next_event()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(kind: Kind, status: &str, name: &str) -> Record {
        let mut r = Record::new(kind, status);
        r.name = name.into();
        r.id = "0123456789abcdef0123".into();
        r
    }

    #[test]
    fn lines_are_podmans_json() {
        let mut r = rec(Kind::Container, "died", "web");
        r.image = "busybox".into();
        r.exit_code = Some(3);
        r.time = DateTime::parse_from_rfc3339("2026-01-02T03:04:05.123456789Z").unwrap().with_timezone(&Utc);
        let j = serde_json::to_value(&r).unwrap();
        assert_eq!(j["Status"], "died");
        assert_eq!(j["Type"], "container");
        assert_eq!(j["ContainerExitCode"], 3);
        assert_eq!(j["Time"], "2026-01-02T03:04:05.123456789Z");
        assert!(j.get("Network").is_none());
        let back: Record = serde_json::from_value(j).unwrap();
        assert_eq!(back, r);
        assert_eq!(r.time_nano(), 1_767_323_045_123_456_789);
        let a = r.docker_attributes();
        assert_eq!(a["exitCode"], "3");
        assert_eq!(a["name"], "web");
    }

    #[test]
    fn filters_match_as_podman() {
        let f = Filters::parse(&["type=container".into(), "event=start".into(), "event=died".into()]).unwrap();
        assert!(f.matches(&rec(Kind::Container, "start", "a")));
        assert!(f.matches(&rec(Kind::Container, "died", "a")));
        assert!(!f.matches(&rec(Kind::Container, "create", "a")));
        assert!(!f.matches(&rec(Kind::Image, "start", "a")));
        let f = Filters::parse(&["container=01234567".into()]).unwrap();
        assert!(f.matches(&rec(Kind::Container, "start", "x")));
        assert!(Filters::parse(&["bogus=1".into()]).is_err());
        assert!(Filters::parse(&["type=bogus".into()]).is_err());
        let mut l = rec(Kind::Container, "start", "x");
        l.attributes.insert("app".into(), "web".into());
        assert!(Filters::parse(&["label=app=web".into()]).unwrap().matches(&l));
        assert!(!Filters::parse(&["label=app=db".into()]).unwrap().matches(&l));
    }

    #[test]
    fn rotation_keeps_the_newer_half_whole_lines() {
        let dir = std::env::temp_dir().join(format!("sangja-evlog-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let log = dir.join("events.log");
        for i in 0..200 {
            append(&log, &rec(Kind::Volume, "create", &format!("v{i}")), 4000).unwrap();
        }
        let text = std::fs::read_to_string(&log).unwrap();
        assert!(text.len() <= 4000, "{}", text.len());
        let recs: Vec<Record> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        assert_eq!(recs[0].status, "log-rotation");
        assert_eq!(recs.last().unwrap().name, "v199");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn sizes_parse() {
        assert_eq!(parse_size(&toml::Value::String("1m".into())), Some(1_000_000));
        assert_eq!(parse_size(&toml::Value::String("500k".into())), Some(500_000));
        assert_eq!(parse_size(&toml::Value::Integer(42)), Some(42));
    }

    #[test]
    fn go_time_drops_trailing_zeros() {
        let t = DateTime::parse_from_rfc3339("2026-01-02T03:04:05.120Z").unwrap().with_timezone(&Utc);
        let s = go_time(&t);
        assert!(s.contains(":05.12 "), "{s}");
    }
}
