//! Container use cases: list (with state reconciled), remove.

use super::lifecycle::StopOptions;
use super::select::{select, Selection, Target};
use super::Engine;
use crate::error::{Error, Result};
use crate::lock;
use nix::unistd::Pid;
pub use sangja_container::record::{Container, Status};
use sangja_container::record::{ContainerStore, Transition};
use serde::{Deserialize, Serialize, Serializer};
use std::time::{Duration, Instant};

/// All containers (`all`) or only the running ones, newest first. A
/// damaged record is left out with a warning naming it and the fix; an
/// unfinished create (kill -9) is undone when the store is idle.
pub fn list(engine: &Engine, all: bool) -> Result<Vec<Container>> {
    let store = ContainerStore::new(&engine.paths);
    let (mut v, damaged) = store.list_all()?;
    for d in damaged {
        engine.emit(super::events::Event::warning(super::events::WarningKind::Other, d.warning()));
    }
    if !store.incomplete()?.is_empty() {
        if let Err(e) = super::recover::sweep_if_idle(engine) {
            engine.emit(super::events::Event::debug(format!("cleaning up interrupted work: {e}")));
        }
    }
    if !all {
        v.retain(|c| c.is_running());
    }
    Ok(v)
}

/// `ps`: which containers, and what to add to their records.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct PsRequest {
    /// All, not only running ones (implied by `latest`, `last` and a status or exited filter).
    pub all: bool,
    /// `KEY=VALUE` filters (see `Filters`).
    pub filters: Vec<String>,
    /// The newest only.
    pub latest: bool,
    /// The newest N only.
    pub last: Option<usize>,
    /// Compute the size of each writable layer.
    pub size: bool,
}

/// One container of `ps`.
#[derive(Debug, Serialize)]
pub struct PsEntry {
    #[serde(serialize_with = "container_record")]
    pub container: Container,
    /// With `size`.
    pub size: Option<ContainerSize>,
    /// Published ports while it runs: `127.0.0.1:18080->80/tcp, ...`.
    pub ports: String,
}

/// Disk use of a container, in bytes.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct ContainerSize {
    /// Its writable layer.
    pub rw: u64,
    /// The image's and the writable layer's.
    pub root_fs: u64,
}

fn container_record<S: Serializer>(c: &Container, s: S) -> std::result::Result<S::Ok, S::Error> {
    use serde::ser::SerializeStruct;
    let mut st = s.serialize_struct("Container", 2)?;
    st.serialize_field("config", &c.config)?;
    st.serialize_field("state", &c.state)?;
    st.end()
}

/// Lists containers as `ps` shows them, newest first.
pub fn ps(engine: &Engine, req: &PsRequest) -> Result<Vec<PsEntry>> {
    let filters = Filters::parse(&req.filters)?;
    // As podman: without `all` only running containers, unless a status filter or `last` says otherwise.
    let all = req.all || req.latest || req.last.is_some() || filters.has("status") || filters.has("exited");
    let mut list = list(engine, all)?;
    list.retain(|c| filters.matches(c));
    if req.latest {
        list.truncate(1);
    }
    if let Some(n) = req.last {
        list.truncate(n);
    }
    let images = sangja_image::store::ImageStore::new(&engine.paths);
    Ok(list
        .into_iter()
        .map(|c| {
            let size = req.size.then(|| {
                let rw = dir_size(&c.upper_dir());
                ContainerSize { rw, root_fs: images.lookup(&c.config.image_id).map(|i| i.size).unwrap_or(0) + rw }
            });
            let ports = sangja_network::ports_summary(&c.userdata_dir(), c.is_running());
            PsEntry { container: c, size, ports }
        })
        .collect())
}

/// `rm`: which containers, and how.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct RemoveRequest {
    pub selection: Selection,
    /// Running containers too: killed first.
    pub force: bool,
    /// With `force`: stopped first as `stop` does (the stop signal, SIGKILL
    /// after the timeout) instead of SIGKILL at once (`rm -f -t`, `--replace`).
    pub stop: Option<StopOptions>,
    /// Their anonymous volumes too (`rm -v`, `run --rm`).
    pub volumes: bool,
}

/// What `remove` did with one selected container.
#[derive(Debug, Serialize)]
#[serde(tag = "outcome", rename_all = "kebab-case")]
pub enum RemoveOutcome {
    /// Gone (by us, or by its `--rm` monitor once stopped).
    Removed {
        given: String,
        id: String,
        /// Removing its anonymous volumes failed (the container is gone).
        #[serde(serialize_with = "error_text_opt")]
        volumes_error: Option<Error>,
    },
    /// Already gone, and the selection ignores missing containers.
    Missing { given: String },
    /// Not removed.
    Failed {
        given: String,
        #[serde(serialize_with = "error_text")]
        error: Error,
    },
}

fn error_text<S: Serializer>(e: &Error, s: S) -> std::result::Result<S::Ok, S::Error> {
    s.collect_str(e)
}

fn error_text_opt<S: Serializer>(e: &Option<Error>, s: S) -> std::result::Result<S::Ok, S::Error> {
    match e {
        Some(e) => s.collect_str(e),
        None => s.serialize_none(),
    }
}

/// Removes the selected containers, in order: `rm`, `run --replace`, and a
/// `--rm` container's monitor once it has recorded the exit.
pub fn remove(engine: &Engine, req: &RemoveRequest) -> Result<Vec<RemoveOutcome>> {
    Ok(select(engine, &req.selection)?.map(|t| remove_target(engine, t, req)).collect())
}

fn remove_target(engine: &Engine, t: Target, req: &RemoveRequest) -> RemoveOutcome {
    let given = t.given;
    let c = match t.container {
        Ok(c) => c,
        // A damaged record: `rm -f` removes it (its name or id as given).
        Err(error) if req.force && matches!(error, Error::State(_)) => {
            return match remove_damaged(engine, &given) {
                Ok(Some(id)) => RemoveOutcome::Removed { given, id, volumes_error: None },
                Ok(None) => RemoveOutcome::Failed { given, error },
                Err(error) => RemoveOutcome::Failed { given, error },
            };
        }
        Err(error) => return RemoveOutcome::Failed { given, error },
    };
    let stopped = match (req.force, &req.stop) {
        (true, Some(opts)) => {
            // Its errors do not matter: the kill below follows.
            let _ = super::lifecycle::stop(engine, &c, opts.timeout_for(&c));
            true
        }
        _ => false,
    };
    match remove_one(engine, &given, req.force) {
        Ok(id) => {
            let volumes_error = if req.volumes { super::volumes::remove_anonymous(engine, &c.config.options).err() } else { None };
            RemoveOutcome::Removed { given, id, volumes_error }
        }
        // Its `--rm` monitor removed it once stopped.
        Err(Error::ContainerNotFound(_)) if stopped => RemoveOutcome::Removed { given, id: c.config.id, volumes_error: None },
        Err(Error::ContainerNotFound(_)) if req.selection.ignore_missing => RemoveOutcome::Missing { given },
        Err(error) => RemoveOutcome::Failed { given, error },
    }
}

/// `run --replace`: removes the container named exactly `name`, if there
/// is one, as `rm -f -v` does, stopping it first within its stop timeout.
pub fn replace(engine: &Engine, name: &str) -> Result<()> {
    if !ContainerStore::new(&engine.paths).names()?.iter().any(|(n, _)| n == name) {
        return Ok(());
    }
    let req = RemoveRequest {
        selection: Selection { names: vec![name.to_string()], all: None, ignore_missing: true },
        force: true,
        stop: Some(StopOptions::default()),
        volumes: true,
    };
    for outcome in remove(engine, &req)? {
        match outcome {
            RemoveOutcome::Removed { volumes_error: Some(e), .. } | RemoveOutcome::Failed { error: e, .. } => return Err(e),
            RemoveOutcome::Removed { .. } | RemoveOutcome::Missing { .. } => {}
        }
    }
    Ok(())
}

/// `rm -f` of a damaged record (config.json or state.json unreadable):
/// its folder goes, under the store lock. `None` if `given` names none.
fn remove_damaged(engine: &Engine, given: &str) -> Result<Option<String>> {
    let store = ContainerStore::new(&engine.paths);
    let _guard = lock::exclusive(&engine.paths.store_lock())?;
    let Some(d) = store.lookup_damaged(given)? else { return Ok(None) };
    store.delete_damaged(&d)?;
    super::network::cleanup(engine, &d.id);
    Ok(Some(d.id))
}

/// Removes one container; a running one only with `force` (killed first).
/// Returns its full id.
///
/// Step order (issue 16), each step safe to repeat:
/// 1. the container's start lock, held to the end: no start (a `start`, a
///    monitor's restart) runs meanwhile, and one in progress is waited for,
///    so the record is not "created" while a process spawns on its upper
///    dir; a start killed before recording its pid has its strays killed;
/// 2. running: marked stopped by the user (no restart), SIGKILL, wait for
///    the monitor to record the exit (or, without one, for the init to go)
///    (crash point `rm-killed`);
/// 3. under the store lock, re-read, then `ContainerStore::delete`: the
///    folder is renamed to tmp/rm-ctr-ID under its state lock, so no state
///    write of a monitor lands in it afterwards (a monitor that writes later
///    finds the container gone and exits quietly), then deleted (`rm-moved`;
///    a leftover tmp/rm-* is swept by recovery);
/// 4. network leftovers (`rm-deleted`), then the caller removes volumes.
pub fn remove_one(engine: &Engine, name: &str, force: bool) -> Result<String> {
    let store = ContainerStore::new(&engine.paths);
    let c = store.lookup(name)?;
    // `--requires`: as podman, a container others depend on goes after them.
    let dependents: Vec<String> =
        store.list()?.into_iter().filter(|o| o.config.options.extra.requires.contains(&c.config.id)).map(|o| o.config.id).collect();
    if !dependents.is_empty() {
        // Exit 125 as podman's (its "container already exists" is no in-use error).
        return Err(Error::Invalid(format!(
            "container {} has dependent containers which must be removed before it: {}: container already exists",
            c.config.id,
            dependents.join(",")
        )));
    }
    let _starting = match c.start_lock() {
        Ok(l) => l,
        // Removed meanwhile (its `--rm` monitor, another rm).
        Err(_) if !c.dir.is_dir() => return if force { Ok(c.config.id) } else { Err(Error::ContainerNotFound(name.to_string())) },
        Err(e) => return Err(e),
    };
    let mut c = match store.reload(&c) {
        Err(Error::ContainerNotFound(_)) if force => return Ok(c.config.id),
        other => other?,
    };
    if !force {
        c.state.status.check(Transition::Remove, &c.config.id)?;
    }
    if c.start_interrupted() {
        super::recover::kill_strays(&mut c)?;
    }
    if c.is_running() {
        // With a monitor, wait for it to record the exit, so that nothing
        // writes into the folder once it is gone.
        super::lifecycle::mark_stopped_by_user(&store, &c);
        let _ = super::lifecycle::signal(engine, &c, libc::SIGKILL);
        match super::lifecycle::wait_exit(&store, &c, Some(Instant::now() + Duration::from_secs(10))) {
            Ok(Some(_)) => {}
            // `--rm`: its monitor removed it already.
            Err(Error::ContainerNotFound(_)) => return Ok(c.config.id),
            Ok(None) | Err(_) => {
                if let (Some(pid), start) = (c.state.pid, c.state.pid_start) {
                    kill_and_wait(pid, start)?;
                }
            }
        }
    }
    crate::crash::crash_point("rm-killed");
    if let Some(dir) = &c.state.freezer {
        let _ = std::fs::remove_dir(dir);
    }
    let _guard = lock::exclusive(&engine.paths.store_lock())?;
    // Re-read under the lock: another sangja (or an `--rm` monitor) may have removed it meanwhile.
    let c = match store.lookup(&c.config.id) {
        Err(Error::ContainerNotFound(_)) if force => return Ok(c.config.id),
        other => other?,
    };
    store.delete(&c)?;
    super::events_log::container(engine, &c, "remove");
    crate::crash::crash_point("rm-deleted");
    // Veth, nft rules and leases a kill -9'd monitor left behind.
    super::network::cleanup(engine, &c.config.id);
    // Leftovers of interrupted work (cheap when there are none).
    let _ = super::recover::sweep_locked(engine);
    Ok(c.config.id)
}

/// SIGKILLs the container's init (which ends its pid namespace) and waits for it to go.
fn kill_and_wait(pid: i32, start: Option<u64>) -> Result<()> {
    let same = || sangja_runtime::liveness::alive(pid, start);
    if !same() {
        return Ok(());
    }
    let _ = sangja_container::record::signal_process(pid, libc::SIGKILL);
    let deadline = Instant::now() + Duration::from_secs(10);
    while same() {
        // Reap it if it is our child (`same` already counts a zombie as gone).
        let _ = nix::sys::wait::waitpid(Pid::from_raw(pid), Some(nix::sys::wait::WaitPidFlag::WNOHANG));
        if Instant::now() > deadline {
            return Err(Error::State(format!("container process {pid} did not exit after SIGKILL within 10 s")));
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    Ok(())
}

/// `ps --filter KEY=VALUE`: the same key given twice matches either value,
/// different keys must all match (podman's rule).
#[derive(Debug, Default, Clone)]
pub struct Filters {
    by_key: std::collections::BTreeMap<String, Vec<String>>,
}

const FILTER_KEYS: &[&str] = &["name", "status", "id", "ancestor", "label", "exited"];

impl Filters {
    /// Parses `KEY=VALUE` strings.
    pub fn parse(list: &[String]) -> Result<Filters> {
        let mut f = Filters::default();
        for item in list {
            let (k, v) = item
                .split_once('=')
                .ok_or_else(|| Error::Invalid(format!("invalid filter {item:?}: use KEY=VALUE, e.g. status=running")))?;
            let k = k.to_ascii_lowercase();
            if !FILTER_KEYS.contains(&k.as_str()) {
                return Err(Error::Invalid(format!("invalid filter {k:?}: use one of {}", FILTER_KEYS.join(", "))));
            }
            if k == "status" && !["created", "running", "paused", "exited", "stopped", "configured"].contains(&v) {
                return Err(Error::Invalid(format!("invalid status filter {v:?}: use created, running, paused or exited")));
            }
            f.by_key.entry(k).or_default().push(v.to_string());
        }
        Ok(f)
    }

    pub fn has(&self, key: &str) -> bool {
        self.by_key.contains_key(key)
    }

    /// Whether `c` passes every filter.
    pub fn matches(&self, c: &Container) -> bool {
        self.by_key.iter().all(|(k, vals)| vals.iter().any(|v| one(k, v, c)))
    }
}

fn one(key: &str, v: &str, c: &Container) -> bool {
    let cfg = &c.config;
    match key {
        "name" => name_matches(&cfg.name, v),
        "id" => cfg.id.starts_with(v),
        "status" => match v {
            "stopped" => c.state.status.as_str() == "exited",
            "configured" => c.state.status.as_str() == "created",
            _ => c.state.status.as_str() == v,
        },
        "exited" => c.state.status.as_str() == "exited" && c.state.exit_code.map(|e| e.to_string()).as_deref() == Some(v),
        "ancestor" => {
            let img = cfg.image_name.as_str();
            let repo = img.rsplit_once(':').filter(|(_, t)| !t.contains('/')).map_or(img, |(r, _)| r);
            let id = cfg.image_id.trim_start_matches("sha256:");
            img == v
                || repo == v
                || format!("{v}:latest") == img
                || repo.rsplit('/').next() == Some(v)
                || (v.len() >= 3 && id.starts_with(v.trim_start_matches("sha256:")))
        }
        "label" => {
            let (lk, lv) = match v.split_once('=') {
                Some((k, val)) => (k, Some(val)),
                None => (v, None),
            };
            cfg.options.labels.iter().any(|l| match l.split_once('=') {
                Some((k, val)) => k == lk && lv.is_none_or(|want| want == val),
                None => l == lk && lv.is_none_or(str::is_empty),
            })
        }
        _ => false,
    }
}

/// podman treats the name filter as a regular expression; the common
/// forms (substring, `^prefix`, `suffix$`, `^exact$`) are honoured.
fn name_matches(name: &str, pat: &str) -> bool {
    match (pat.strip_prefix('^'), pat.strip_suffix('$')) {
        (Some(p), _) if p.ends_with('$') => name == &p[..p.len() - 1],
        (Some(p), None) => name.starts_with(p),
        (None, Some(p)) => name.ends_with(p),
        _ => name.contains(pat),
    }
}

/// Disk use of a folder (a container's upper dir): the sum of its regular
/// files' sizes, not following links; unreadable parts are skipped.
pub fn dir_size(dir: &std::path::Path) -> u64 {
    use std::os::unix::fs::MetadataExt;
    let mut total = 0;
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else { continue };
        for e in rd.flatten() {
            let Ok(m) = e.metadata() else { continue };
            if m.is_dir() {
                stack.push(e.path());
            } else if m.is_file() {
                total += m.size();
            }
        }
    }
    total
}

/// The status podman shows: its recorded one, or `stopping` while a
/// `stop` (or `rm -f`) waits for a running container to exit.
pub fn status_name(c: &Container) -> &'static str {
    if c.state.status == sangja_container::record::Status::Running && c.state.stopped_by_user {
        "stopping"
    } else {
        c.state.status.as_str()
    }
}

/// The container called `name` (or with that id, or an id prefix).
pub fn lookup(engine: &Engine, name: &str) -> Result<Container> {
    ContainerStore::new(&engine.paths).lookup(name)
}

/// Podman's (and docker's) rough durations, for ps's status in the CLI
/// and the API: "Less than a second", "5 seconds", "About a minute", "3 hours".
pub fn human_duration(secs: i64) -> String {
    match secs {
        0 => "Less than a second".into(),
        1 => "1 second".into(),
        s if s < 60 => format!("{s} seconds"),
        s if s < 120 => "About a minute".into(),
        s if s < 3600 => format!("{} minutes", s / 60),
        s if s < 7200 => "About an hour".into(),
        s if s < 172800 => format!("{} hours", s / 3600),
        s if s < 1209600 => format!("{} days", s / 86400),
        s if s < 5259600 => format!("{} weeks", s / 604800),
        s if s < 63115200 => format!("{} months", s / 2629800),
        s => format!("{} years", s / 31557600),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remove_outcomes_serialise() {
        let out = [
            RemoveOutcome::Removed { given: "web".into(), id: "abc".into(), volumes_error: None },
            RemoveOutcome::Missing { given: "gone".into() },
            RemoveOutcome::Failed { given: "x".into(), error: Error::ContainerNotFound("x".into()) },
        ];
        assert_eq!(
            serde_json::to_string(&out).unwrap(),
            r#"[{"outcome":"removed","given":"web","id":"abc","volumes_error":null},{"outcome":"missing","given":"gone"},{"outcome":"failed","given":"x","error":"no container with name or ID \"x\" found: no such container"}]"#
        );
    }
}
