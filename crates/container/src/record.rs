//! Container records: containers/<id>/config.json (what was asked, written
//! once) and state.json (what happened, rewritten on each change). The state
//! is reconciled with the kernel on every read: a recorded pid that is gone,
//! or now belongs to another process, means the container has stopped.

use super::RunOptions;
use crate::error::{Error, IoContext, Result};
use crate::json_file;
use crate::paths::StorePaths;
use serde::{Deserialize, Serialize};
use std::fs;
use std::path::PathBuf;

/// The fixed part of a container.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ContainerConfig {
    pub id: String,
    pub name: String,
    /// Image id and the name the user gave for it.
    pub image_id: String,
    pub image_name: String,
    /// The command as it runs (entrypoint + cmd).
    pub command: Vec<String>,
    /// RFC 3339 creation time.
    pub created: String,
    pub options: RunOptions,
}

/// Lifecycle status, podman's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    #[default]
    Created,
    Running,
    /// Frozen by `pause` (cgroup freezer); still alive.
    Paused,
    Exited,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Created => "created",
            Status::Running => "running",
            Status::Paused => "paused",
            Status::Exited => "exited",
        }
    }

    /// The status machine, as podman's: the status after `t`, or podman's
    /// refusal (kind Conflict, "container state improper").
    ///
    /// ```text
    ///            start            pause
    ///  created ────────► running ◄─────► paused
    ///     │                │  ▲  unpause    │
    ///     │ exit     exit  │  │ start       │ exit
    ///     └──────────────► exited ◄─────────┘
    /// ```
    /// `Remove` leaves the status as it is (the record is deleted next) and
    /// is allowed from created and exited only; a foreground `run` whose
    /// command could not start goes from created to exited.
    pub fn after(self, t: Transition, id: &str) -> Result<Status> {
        use Status::*;
        use Transition::*;
        let refused = |why: String| Err(Error::State(format!("{why}: container state improper")));
        match (self, t) {
            (Created | Exited, Start) => Ok(Running),
            (Running, Pause) => Ok(Paused),
            (Paused, Unpause) => Ok(Running),
            (Created | Running | Paused, Exit) => Ok(Exited),
            (Created | Exited, Remove) => Ok(self),
            (Running | Paused, Start) => refused(format!("container {id} must be in Created or Stopped state to be started")),
            (Paused, Pause) => refused(format!("\"{id}\" is already paused")),
            (_, Pause) => refused(format!("\"{id}\" is not running, can't pause")),
            (_, Unpause) => refused(format!("\"{id}\" is not paused, can't unpause")),
            (Exited, Exit) => refused(format!("container {id} has already exited")),
            // podman's words for rm without -f, which sangja's tests and users know.
            (Running | Paused, Remove) => {
                Err(Error::State(format!(
                "cannot remove container {id} as it is running - running or paused containers cannot be removed without force: container state improper"
            )))
            }
        }
    }

    /// Whether `t` is allowed from this status (`after` without the result).
    pub fn check(self, t: Transition, id: &str) -> Result<()> {
        self.after(t, id).map(drop)
    }
}

/// What moves a container from one status to another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transition {
    /// Its command runs: `start`, `run`, a restart by the policy.
    Start,
    /// Frozen by `pause`.
    Pause,
    /// Thawed by `unpause`.
    Unpause,
    /// Its init ended (or, in a foreground run, could not start).
    Exit,
    /// `rm` without `-f`.
    Remove,
}

/// Who starts a run: the user (`run`, `start`), which renews the restart
/// policy a `stop` ended, or the restart policy, which counts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StartedBy {
    User,
    Policy,
}

/// The changing part of a container.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ContainerState {
    pub status: Status,
    /// Host pid of the container's init while running.
    pub pid: Option<i32>,
    /// Start time of that pid (field 22 of /proc/PID/stat), to detect pid reuse.
    pub pid_start: Option<u64>,
    pub exit_code: Option<i32>,
    pub started_at: Option<String>,
    pub finished_at: Option<String>,
    /// Pid and start time of the detached container's monitor, which
    /// records the exit; none for a foreground run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub monitor_pid: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub monitor_start: Option<u64>,
    /// The freezer cgroup `pause` put the container in (root only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub freezer: Option<String>,
    /// Times the monitor restarted the container (`--restart`).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub restart_count: u32,
    /// Set by `stop` and `rm -f`: the restart policy must not start it again.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub stopped_by_user: bool,
    /// Pid and start time of the process spawning the container right now
    /// (monitor, foreground `run`, a restart), written before the spawn and
    /// cleared with the pid's record: if that process is dead while this is
    /// set, it was killed between spawning the container and recording its
    /// pid, and the container's processes may run unrecorded
    /// (engine/recover.rs `kill_strays` finds them by their mounts).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub starting: Option<(i32, u64)>,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// A container as read from the store.
#[derive(Debug, Clone)]
pub struct Container {
    pub config: ContainerConfig,
    pub state: ContainerState,
    pub dir: PathBuf,
}

impl Container {
    pub fn upper_dir(&self) -> PathBuf {
        self.dir.join("upper")
    }
    pub fn work_dir(&self) -> PathBuf {
        self.dir.join("work")
    }
    pub fn rootfs_dir(&self) -> PathBuf {
        self.dir.join("rootfs")
    }
    pub fn userdata_dir(&self) -> PathBuf {
        self.dir.join("userdata")
    }
    /// Held from just before the container's process is spawned until its
    /// pid is in the state file (by `run`, by start_monitor for a detached
    /// start until the monitor reports, by a monitor's restart): between the two, the process runs on the
    /// upper dir while the record still says "created", and a `cp` or
    /// `mount` that trusted the record would mount that upper dir a second
    /// time. Readers take it shared (`settled`) before they believe "not running".
    pub fn start_lock(&self) -> Result<crate::lock::Lock> {
        crate::lock::exclusive(&self.dir.join("start.lock"))
    }
    /// Waits for a start in progress, then returns the record as it stands.
    pub fn settled(self, store: &ContainerStore) -> Result<Container> {
        if self.is_running() {
            return Ok(self);
        }
        let _guard = crate::lock::shared(&self.dir.join("start.lock"))?;
        store.lookup(&self.config.id)
    }
    /// Held by every write of state.json and by `ContainerStore::delete`
    /// while it moves the folder away: a monitor or worker that writes the
    /// state of a container `rm -f` is removing either writes before the
    /// folder moves (whole, and deleted with it) or finds the container gone
    /// (`ContainerNotFound`, which it takes as "nothing left to do"). Never a
    /// temp file created in a folder that is being deleted.
    fn state_lock(&self) -> Result<crate::lock::Lock> {
        let path = self.dir.join("state.lock");
        let gone = || Error::ContainerNotFound(self.config.id.clone());
        let lock = match crate::lock::exclusive(&path) {
            Ok(l) => l,
            // The folder is gone (or going): open(O_CREAT) of a file in it fails.
            Err(_) if !self.dir.is_dir() => return Err(gone()),
            Err(e) => return Err(e),
        };
        // Locked after `delete` moved the folder: the lock is on its old file.
        if !lock.is_at(&path) {
            return Err(gone());
        }
        Ok(lock)
    }
    /// Writes the state atomically (a new file renamed over the old). The
    /// only writer of state.json: every change goes through the `mark_*`
    /// methods below, which check the status machine first. The file is
    /// fsynced before the rename (a power cut leaves the old state or the
    /// new, never an empty file); the folder is not: losing the last change
    /// to a power cut is harmless, as the state is reconciled with the
    /// kernel on every read, and a folder fsync per start and stop is most
    /// of a container's start-up time on a VM disk.
    fn save_state(&self) -> Result<()> {
        let _lock = self.state_lock()?;
        self.write_record("state.json", &self.state, false)
    }
    /// Writes one of the container's files atomically, and how durably:
    /// a `--rm` container's records are never fsynced (a power cut ends
    /// the container, which `--rm` would have removed: its record can only
    /// be a leftover, and a damaged leftover is named by `ps` and removed by
    /// `rm -f`; this keeps `run --rm` as fast as before); the others' are
    /// fsynced before the rename (never an empty or half file), and with
    /// `folder` the folder too (the rename itself is durable, and with it
    /// every earlier rename in the folder: create fsyncs it once, at the end).
    pub fn write_record<T: Serialize>(&self, name: &str, value: &T, folder: bool) -> Result<()> {
        let path = self.dir.join(name);
        if self.config.options.remove {
            json_file::write_volatile(&path, value)
        } else if folder {
            json_file::write(&path, value)
        } else {
            json_file::write_synced(&path, value)
        }
    }
    /// Applies transition `t` (refused as podman would: see `Status::after`),
    /// then the rest of the change, then saves.
    fn transition(&mut self, t: Transition, change: impl FnOnce(&mut ContainerState)) -> Result<()> {
        self.state.status = self.state.status.after(t, &self.config.id)?;
        change(&mut self.state);
        self.save_state()
    }
    /// Records that the container's init `pid` runs, started by the user or
    /// by the restart policy (which counts it), watched by `monitor` (none
    /// for a foreground run).
    pub fn mark_running(&mut self, pid: i32, monitor: Option<i32>, by: StartedBy) -> Result<()> {
        self.transition(Transition::Start, |s| {
            s.pid = Some(pid);
            s.pid_start = process_start_time(pid);
            s.started_at = Some(now());
            s.finished_at = None;
            s.exit_code = None;
            s.monitor_pid = monitor;
            s.monitor_start = monitor.and_then(process_start_time);
            s.freezer = None;
            s.starting = None;
            match by {
                // A start by the user renews the restart policy (restart.rs).
                StartedBy::User => s.stopped_by_user = false,
                StartedBy::Policy => s.restart_count += 1,
            }
        })
    }
    /// Records the end of the run with the container's exit `code`; the
    /// freezer cgroup of a paused container goes with it.
    pub fn mark_exited(&mut self, code: i32) -> Result<()> {
        self.transition(Transition::Exit, |s| {
            if let Some(dir) = s.freezer.take() {
                let _ = fs::remove_dir(dir);
            }
            s.pid = None;
            s.exit_code = Some(code);
            s.finished_at = Some(now());
            s.monitor_pid = None;
            s.monitor_start = None;
            s.starting = None;
        })
    }
    /// Records that this process is about to spawn the container (see
    /// `ContainerState::starting`). No status change.
    pub fn mark_starting(&mut self) -> Result<()> {
        let me = std::process::id() as i32;
        self.state.starting = process_start_time(me).map(|t| (me, t));
        self.save_state()
    }
    /// Clears the mark of `mark_starting` after a spawn that failed.
    pub fn clear_starting(&mut self) -> Result<()> {
        self.state.starting = None;
        self.save_state()
    }
    /// Whether a start was cut short (its spawner died before recording the
    /// pid): the container's processes may be running unrecorded.
    pub fn start_interrupted(&self) -> bool {
        !self.is_running() && self.state.starting.is_some_and(|(pid, start)| !same_process(Some(pid), Some(start)))
    }
    /// Records that `pause` froze the container in the freezer cgroup `freezer`.
    pub fn mark_paused(&mut self, freezer: String) -> Result<()> {
        self.transition(Transition::Pause, |s| s.freezer = Some(freezer))
    }
    /// Records that `unpause` thawed the container.
    pub fn mark_unpaused(&mut self) -> Result<()> {
        self.transition(Transition::Unpause, |_| {})
    }
    /// Records that the user stopped the container (`stop`, `rm -f`): its
    /// restart policy ends until the next start. No status change.
    pub fn mark_stopped_by_user(&mut self) -> Result<()> {
        self.state.stopped_by_user = true;
        self.save_state()
    }
    /// Records the monitor that waits to restart the exited container
    /// (`None` once it gives up). No status change.
    pub fn mark_monitor(&mut self, monitor: Option<i32>) -> Result<()> {
        self.state.monitor_pid = monitor;
        self.state.monitor_start = monitor.and_then(process_start_time);
        self.save_state()
    }
    /// Running or paused: its processes exist.
    pub fn is_running(&self) -> bool {
        matches!(self.state.status, Status::Running | Status::Paused)
    }
    /// The k8s-file log of a detached container (`--log-opt path=`, or
    /// nowhere with `--log-driver none|passthrough`).
    pub fn log_path(&self) -> PathBuf {
        let x = &self.config.options.extra;
        match x.log_driver.as_deref() {
            Some("none" | "passthrough") => PathBuf::from("/dev/null"),
            _ => x.log_path.clone().unwrap_or_else(|| self.dir.join("ctr.log")),
        }
    }
}

pub use sangja_runtime::liveness::process_start_time;

/// Sends `sig` to `pid`. Rootless, a container with an id mapping of its own
/// (keep-id with --user 0, --uidmap) runs as a subordinate id in a user
/// namespace that is not below this sangja's (every rootless sangja makes its
/// own), so kill(2) gets EPERM: then a forked child takes the target's own
/// uid (mapped in our namespace too: the same subordinate range) and sends
/// it, which kill(2) allows between processes of one uid.
pub fn signal_process(pid: i32, sig: i32) -> nix::Result<()> {
    // SAFETY: kill with plain integers.
    match nix::errno::Errno::result(unsafe { libc::kill(pid, sig) }) {
        Err(nix::errno::Errno::EPERM) => {}
        r => return r.map(drop),
    }
    let uid = fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| s.lines().find_map(|l| l.strip_prefix("Uid:").and_then(|v| v.split_whitespace().next()?.parse::<u32>().ok())));
    // Unmapped here (the overflow id) or unreadable: nothing to become.
    let Some(uid) = uid.filter(|&u| u != 65534) else { return Err(nix::errno::Errno::EPERM) };
    // SAFETY: the child only makes raw syscalls (setresuid, kill) and _exits.
    match unsafe { nix::unistd::fork() }? {
        nix::unistd::ForkResult::Child => {
            // SAFETY: raw syscalls in the forked child; _exit never returns.
            unsafe {
                let code = if libc::setresuid(uid, uid, uid) != 0 {
                    1
                } else if libc::kill(pid, sig) != 0 {
                    2
                } else {
                    0
                };
                libc::_exit(code)
            }
        }
        nix::unistd::ForkResult::Parent { child } => match nix::sys::wait::waitpid(child, None)? {
            nix::sys::wait::WaitStatus::Exited(_, 0) => Ok(()),
            _ => Err(nix::errno::Errno::EPERM),
        },
    }
}

/// Whether the process `pid` still runs and is the one that started at
/// `start` (runtime::liveness decides: a zombie has exited).
pub fn same_process(pid: Option<i32>, start: Option<u64>) -> bool {
    pid.is_some_and(|pid| sangja_runtime::liveness::alive(pid, start))
}

/// Whether the process recorded in `state` still runs (and is the same process).
fn alive(state: &ContainerState) -> bool {
    same_process(state.pid, state.pid_start)
}

/// Reconciles a recorded state with the kernel: a container recorded as
/// running whose init is gone has exited. While its monitor lives, the
/// monitor is about to record the exit code, so the record stands until
/// then; a monitor killed with SIGKILL leaves the code unknown (-1).
pub fn reconcile(state: &mut ContainerState) {
    if !matches!(state.status, Status::Running | Status::Paused) || alive(state) {
        return;
    }
    if same_process(state.monitor_pid, state.monitor_start) {
        return;
    }
    state.status = Status::Exited;
    state.pid = None;
    state.exit_code.get_or_insert(-1);
    if state.finished_at.is_none() {
        state.finished_at = Some(now());
    }
}

/// Now in RFC 3339 with nanoseconds, as the state's times are written.
pub fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Nanos, true)
}

/// The write-ahead record of a create in progress (see `begin_create`).
pub const CREATING: &str = "creating.json";

/// A container record that cannot be read (an empty, truncated or edited
/// config.json or state.json): listed apart so the others still work.
#[derive(Debug, Clone, Serialize)]
pub struct Damaged {
    /// The folder's name, the container's id.
    pub id: String,
    /// Its name, when the config still says it.
    pub name: Option<String>,
    /// What is wrong with it.
    pub error: String,
}

impl Damaged {
    /// The warning `ps` and friends give: which record, and the fix.
    pub fn warning(&self) -> String {
        let handle = self.name.as_deref().filter(|n| !n.is_empty()).unwrap_or(&self.id);
        format!(
            "container {} has a damaged record ({}): remove it with `sangja rm -f {handle}`, or run `sangja system check --repair`",
            &self.id[..12.min(self.id.len())],
            self.error
        )
    }

    /// The error of a command that names the damaged container.
    pub fn error(&self) -> Error {
        Error::State(self.warning())
    }
}

fn parse<T: serde::de::DeserializeOwned>(path: &std::path::Path, data: &[u8]) -> Result<T> {
    serde_json::from_slice(data)
        .map_err(|e| Error::Internal(format!("{} is not valid: {e}; remove it or restore it from a backup", path.display())))
}

/// The container records of one store.
pub struct ContainerStore<'a> {
    pub paths: &'a StorePaths,
}

impl<'a> ContainerStore<'a> {
    pub fn new(paths: &'a StorePaths) -> Self {
        ContainerStore { paths }
    }

    fn load(&self, dir: PathBuf) -> Result<Container> {
        let id = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        self.load_opt(dir)?.ok_or(Error::ContainerNotFound(id))
    }

    /// Reads a container's two files with one open+read each (`ps -a` on
    /// a thousand containers is mostly these system calls); `None` when the
    /// config is missing (an unfinished create).
    fn load_opt(&self, dir: PathBuf) -> Result<Option<Container>> {
        let cfg_path = dir.join("config.json");
        let config: ContainerConfig = match fs::read(&cfg_path) {
            Ok(data) => parse(&cfg_path, &data)?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(Error::io_path("read", &cfg_path, e)),
        };
        let state_path = dir.join("state.json");
        let mut state: ContainerState = match fs::read(&state_path) {
            Ok(data) => parse(&state_path, &data)?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => ContainerState::default(),
            Err(e) => return Err(Error::io_path("read", &state_path, e)),
        };
        reconcile(&mut state);
        Ok(Some(Container { config, state, dir }))
    }

    /// All containers, newest first. Folders without a config (a create cut
    /// short by kill -9) are skipped (`incomplete` lists them, the engine's
    /// recovery removes them); damaged records are skipped too (`list_all`
    /// names them), so one bad file never hides the others.
    pub fn list(&self) -> Result<Vec<Container>> {
        Ok(self.list_all()?.0)
    }

    /// All readable containers, newest first, and the damaged records.
    pub fn list_all(&self) -> Result<(Vec<Container>, Vec<Damaged>)> {
        let dir = self.paths.containers_dir();
        let mut out = Vec::new();
        let mut bad = Vec::new();
        for name in crate::paths::entry_names(&dir)? {
            match self.load_opt(dir.join(&name)) {
                Ok(Some(c)) => out.push(c),
                Ok(None) => {}
                Err(e) => bad.push(self.damaged(&name, e)),
            }
        }
        out.sort_by(|a, b| b.config.created.cmp(&a.config.created));
        Ok((out, bad))
    }

    fn damaged(&self, id: &str, error: Error) -> Damaged {
        #[derive(Deserialize)]
        struct NameOnly {
            name: String,
        }
        let name = fs::read(self.paths.containers_dir().join(id).join("config.json"))
            .ok()
            .and_then(|d| serde_json::from_slice::<NameOnly>(&d).ok())
            .map(|n| n.name);
        Damaged { id: id.to_string(), name, error: error.to_string() }
    }

    /// The damaged record `name_or_id` names (its name when the config
    /// still parses, its id or an id prefix), if it is one.
    pub fn lookup_damaged(&self, name_or_id: &str) -> Result<Option<Damaged>> {
        let (_, bad) = self.list_all()?;
        let mut hits = bad.into_iter().filter(|d| d.name.as_deref() == Some(name_or_id) || d.id.starts_with(name_or_id));
        match (hits.next(), hits.next()) {
            (Some(d), None) if !name_or_id.is_empty() => Ok(Some(d)),
            _ => Ok(None),
        }
    }

    /// Removes a damaged record's folder (`rm -f` of it). Caller holds the
    /// store lock. Its processes, if any still run, are unknown: the state
    /// that named them is what is damaged.
    pub fn delete_damaged(&self, d: &Damaged) -> Result<()> {
        let dir = self.paths.containers_dir().join(&d.id);
        let stand_in = Container {
            config: ContainerConfig {
                id: d.id.clone(),
                name: d.name.clone().unwrap_or_default(),
                image_id: String::new(),
                image_name: String::new(),
                command: Vec::new(),
                created: String::new(),
                options: RunOptions::default(),
            },
            state: ContainerState::default(),
            dir,
        };
        self.delete(&stand_in)
    }

    /// Folders of creates that never finished (no config.json): their ids
    /// and the write-ahead record (creating.json) when it was written.
    pub fn incomplete(&self) -> Result<Vec<(String, Option<ContainerConfig>)>> {
        let dir = self.paths.containers_dir();
        let mut out = Vec::new();
        for name in crate::paths::entry_names(&dir)? {
            let d = dir.join(&name);
            // Only what a create makes (a 64-hex id): nothing else is ours to remove.
            let is_id = name.len() == 64 && name.bytes().all(|b| b.is_ascii_hexdigit());
            if !is_id || d.join("config.json").exists() || !d.is_dir() {
                continue;
            }
            let intent = json_file::read_opt::<ContainerConfig>(&d.join(CREATING)).ok().flatten();
            out.push((name, intent));
        }
        Ok(out)
    }

    /// Removes the folder of an unfinished create (see `incomplete`). Caller
    /// holds the store lock, so no create is in progress.
    pub fn delete_incomplete(&self, id: &str) -> Result<()> {
        let dir = self.paths.containers_dir().join(id);
        if dir.join("config.json").exists() {
            return Ok(());
        }
        let tmp = self.paths.tmp_dir();
        fs::create_dir_all(&tmp).path_ctx("create", &tmp)?;
        let aside = tmp.join(format!("rm-ctr-{id}"));
        match fs::rename(&dir, &aside) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(Error::io_path("move away", &dir, e)),
        }
        crate::storage::overlay::remove_tree(&aside)
    }

    /// (name, id) of every container, reading only the configs: creating a
    /// container checks names, and need not read and reconcile every state.
    pub fn names(&self) -> Result<Vec<(String, String)>> {
        #[derive(Deserialize)]
        struct NameOnly {
            id: String,
            name: String,
        }
        let dir = self.paths.containers_dir();
        let mut out = Vec::new();
        for name in crate::paths::entry_names(&dir)? {
            let path = dir.join(name).join("config.json");
            match fs::read(&path) {
                // A damaged config names nothing: `ps` warns about it, and
                // it must not stop the others from being created.
                Ok(data) => {
                    if let Ok(n) = serde_json::from_slice::<NameOnly>(&data) {
                        out.push((n.name, n.id));
                    }
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(Error::io_path("read", &path, e)),
            }
        }
        Ok(out)
    }

    /// Re-reads one container (reconciled), e.g. to see its monitor's latest record.
    pub fn reload(&self, c: &Container) -> Result<Container> {
        if !c.dir.join("config.json").exists() {
            return Err(Error::ContainerNotFound(c.config.id.clone()));
        }
        self.load(c.dir.clone())
    }

    /// Finds a container by name, full id or unique id prefix.
    pub fn lookup(&self, name_or_id: &str) -> Result<Container> {
        let all = self.list()?;
        if let Some(c) = all.iter().find(|c| c.config.name == name_or_id || c.config.id == name_or_id) {
            return Ok(c.clone());
        }
        let matches: Vec<&Container> = all.iter().filter(|c| c.config.id.starts_with(name_or_id)).collect();
        match matches.as_slice() {
            [one] if !name_or_id.is_empty() => Ok((*one).clone()),
            [] | [_] => match self.lookup_damaged(name_or_id)? {
                Some(d) => Err(d.error()),
                None => Err(Error::ContainerNotFound(name_or_id.to_string())),
            },
            _ => Err(Error::Invalid(format!("more than one container matches \"{name_or_id}\": give more of the id or the name"))),
        }
    }

    /// Starts a create (engine/run.rs `create` has the whole order): checks
    /// the name, makes the container's folder and writes the write-ahead
    /// record creating.json (the config as far as it is known, with the
    /// names of the anonymous volumes about to be made), durably. A folder
    /// with creating.json and no config.json is an unfinished create, which
    /// the next create, rm or ps (engine/recover.rs) undoes: its anonymous
    /// volumes, then the folder. Caller holds the store lock.
    pub fn begin_create(&self, config: ContainerConfig) -> Result<Container> {
        if let Some((_, other)) = self.names()?.into_iter().find(|(n, _)| *n == config.name) {
            return Err(Error::Conflict(format!(
                "the container name \"{}\" is already in use by {}: remove that container (sangja rm {}) or pick another name",
                config.name,
                &other[..12.min(other.len())],
                config.name
            )));
        }
        let dir = self.paths.containers_dir().join(&config.id);
        fs::create_dir_all(&dir).path_ctx("create", &dir)?;
        let container = Container { config, state: ContainerState::default(), dir };
        container.write_record(CREATING, &container.config, false)?;
        Ok(container)
    }

    /// The folders and the first state of a container begun with `begin_create`.
    pub fn make_folders(&self, container: &Container) -> Result<()> {
        for d in [container.upper_dir(), container.work_dir(), container.rootfs_dir(), container.userdata_dir()] {
            fs::create_dir_all(&d).path_ctx("create", &d)?;
        }
        container.save_state()
    }

    /// Ends a create: config.json, durably with the folder (the commit
    /// point: from here the container exists; the folder's fsync makes the
    /// earlier files' names durable too), then the write-ahead record goes.
    pub fn commit_create(&self, container: &Container) -> Result<()> {
        container.write_record("config.json", &container.config, true)?;
        crate::crash::crash_point("create-config");
        let marker = container.dir.join(CREATING);
        match fs::remove_file(&marker) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(Error::io_path("remove", &marker, e)),
        }
    }

    /// Creates a container's folder and config in one go (tests). Caller
    /// holds the store lock, which keeps names unique.
    pub fn create(&self, config: ContainerConfig) -> Result<Container> {
        let container = self.begin_create(config)?;
        self.make_folders(&container)?;
        self.commit_create(&container)?;
        Ok(container)
    }

    /// Deletes a container's folder: renamed away first so a crash mid-delete
    /// leaves no half container under its id.
    pub fn delete(&self, container: &Container) -> Result<()> {
        // A container that died with its monitor may have left its cgroups.
        if let Ok(spec) = crate::json_file::read::<oci_spec::runtime::Spec>(&container.dir.join("spec.json")) {
            crate::runtime::cgroups::remove(&spec);
        }
        // A monitor killed with SIGKILL leaves its attach socket behind.
        let _ = fs::remove_file(super::attach::socket_path(self.paths, &container.config.id));
        let tmp = self.paths.tmp_dir().join(format!("rm-ctr-{}", container.config.id));
        fs::create_dir_all(self.paths.tmp_dir()).path_ctx("create", &self.paths.tmp_dir())?;
        {
            // No state write lands in the folder once it moves (see `state_lock`).
            let _writers = container.state_lock()?;
            fs::rename(&container.dir, &tmp).path_ctx("move away", &container.dir)?;
        }
        crate::crash::crash_point("rm-moved");
        crate::storage::overlay::remove_tree(&tmp)
    }

    /// Generates a name not yet used, docker style (adjective_noun).
    pub fn generate_name(&self) -> Result<String> {
        const ADJ: &[&str] = &[
            "brave", "calm", "eager", "fancy", "gentle", "happy", "jolly", "keen", "lucid", "merry", "nifty", "proud", "quirky", "sharp",
            "tender", "vivid", "witty", "zen",
        ];
        const NOUN: &[&str] = &[
            "ant", "badger", "crane", "dolphin", "eagle", "falcon", "gecko", "heron", "ibis", "jaguar", "koala", "lynx", "marten", "newt",
            "otter", "panda", "quail", "raven", "seal", "tiger",
        ];
        let taken: std::collections::HashSet<String> = self.names()?.into_iter().map(|(n, _)| n).collect();
        for attempt in 0..64 {
            let mut r = [0u8; 3];
            let _ = getrandom::fill(&mut r);
            let mut n = format!("{}_{}", ADJ[r[0] as usize % ADJ.len()], NOUN[r[1] as usize % NOUN.len()]);
            // Only 360 pairs: past a few collisions, add a digit or two.
            if attempt >= 8 {
                n.push_str(&(r[2] % 100).to_string());
            }
            if !taken.contains(&n) {
                return Ok(n);
            }
        }
        Ok(format!("ctr_{}", &crate::paths::random_id()[..8]))
    }
}

#[cfg(test)]
#[path = "record_tests.rs"]
mod tests;
