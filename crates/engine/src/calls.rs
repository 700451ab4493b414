//! Engine calls a threaded caller (the API service) makes in a fresh,
//! single-threaded worker process (worker.rs, `Request::Call`), because
//! they fork: a build's RUN steps start containers; connecting a running
//! container to a network may start the rootless network namespace's
//! keeper. The call is data (`Call`); the worker runs the SAME engine
//! function the CLI calls and writes its answer as JSON lines on a pipe:
//! `{"event": ...}` while it runs (a build's events), then one
//! `{"done": ...}` or `{"error": {"status", "message"}}`.

use super::build::{self, BuildEvent, BuildOutcome, BuildRequest, ContextSource, PullPolicy};
use super::Engine;
use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufRead, BufReader, Write};
use std::os::fd::{AsFd, OwnedFd};

/// A call to run in a worker.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum Call {
    /// engine::network::connect.
    NetworkConnect { network: String, container: String, aliases: Vec<String>, join: bool },
    /// engine::build::build of a tar context. Fds: the context's read end,
    /// then where RUN steps write their output.
    Build(BuildSpec),
    /// engine::exec::exec (`POST /exec/{id}/start`). Fds: the process's
    /// stdin, stdout and stderr. Started outside the service's user
    /// namespace (`spawn_outside`), as `sangja exec` runs. Its answer is
    /// `{"code"}`, with `"error"` when the process could not be started.
    Exec(ExecSpec),
    /// engine::layers::export (`GET /containers/{id}/export`). Fd: where the
    /// tar goes. Outside the service's user namespace, as `sangja export`.
    Export { container: String },
    /// cp_api::stat (`HEAD /containers/{id}/archive`): the stat is the answer.
    PathStat { container: String, path: String },
    /// cp_api::archive: the stat answered first as an event, then the tar
    /// written to the fd (the tar's write end).
    ArchiveGet { container: String, path: String },
    /// layers::extract_stream: the tar read from the fd (its read end).
    ArchivePut { container: String, path: String, copy_uid_gid: bool, no_overwrite_dir_non_dir: bool },
}

/// What `POST /containers/{id}/exec` asked, as data (an ExecRequest).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ExecSpec {
    pub container: String,
    pub command: Vec<String>,
    /// KEY=VALUE entries only (a bare KEY would read the worker's environment).
    pub env: Vec<String>,
    pub user: Option<String>,
    pub workdir: Option<String>,
    pub privileged: bool,
    pub interactive: bool,
    pub tty: bool,
    pub detach: bool,
    pub detach_keys: Vec<u8>,
}

impl ExecSpec {
    fn request(self) -> super::exec::ExecRequest {
        super::exec::ExecRequest {
            container: self.container,
            command: self.command,
            env: self.env.into_iter().filter(|e| e.contains('=')).collect(),
            env_files: Vec::new(),
            user: self.user,
            workdir: self.workdir,
            privileged: self.privileged,
            io: super::exec::ExecOptions {
                interactive: self.interactive,
                tty: self.tty,
                detach: self.detach,
                detach_keys: self.detach_keys,
            },
        }
    }
}

/// What `POST /build` asks, as data (a BuildRequest without its streams).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct BuildSpec {
    /// The Containerfile's name in the context (default Containerfile, then Dockerfile).
    pub containerfile_name: Option<String>,
    pub tags: Vec<String>,
    pub build_args: BTreeMap<String, String>,
    pub target: Option<String>,
    pub no_cache: bool,
    pub pull: PullPolicy,
    pub tls_verify: Option<bool>,
    pub platform: Option<String>,
    pub labels: Vec<(String, String)>,
    pub network: Option<String>,
}

impl BuildSpec {
    fn request(self, context: File) -> BuildRequest {
        BuildRequest {
            containerfile: None,
            containerfile_name: self.containerfile_name,
            context: ContextSource::Tar(Box::new(context)),
            ignorefile: None,
            tags: self.tags,
            build_args: self.build_args,
            target: self.target,
            layers: true,
            no_cache: self.no_cache,
            pull: self.pull,
            pull_opts: sangja_image::pull::PullOptions { tls_verify: self.tls_verify, ..Default::default() },
            platform: self.platform,
            labels: self.labels,
            annotations: Vec::new(),
            // docker's classic builder makes docker-format images.
            docker_format: true,
            squash: false,
            squash_all: false,
            network: self.network,
            volumes: Vec::new(),
            secrets: BTreeMap::new(),
            timestamp: None,
        }
    }
}

impl Call {
    /// How many fds the call takes besides the answer's.
    pub fn fd_count(&self) -> usize {
        match self {
            Call::NetworkConnect { .. } | Call::PathStat { .. } => 0,
            Call::Build(_) => 2,
            Call::Exec(_) => 3,
            Call::Export { .. } => 1,
            Call::ArchiveGet { .. } | Call::ArchivePut { .. } => 1,
        }
    }

    /// Runs a call that needs no fds here, in this process (a caller that
    /// knows it will not fork: a container that does not run).
    pub fn run(&self, engine: &Engine) -> Result<()> {
        match self {
            Call::NetworkConnect { network, container, aliases, join } => {
                super::network::connect(engine, network, container, aliases, *join)
            }
            Call::Build(_) | Call::Exec(_) | Call::Export { .. } => {
                Err(Error::Internal("this call runs in a worker (calls::spawn)".into()))
            }
            Call::PathStat { .. } | Call::ArchiveGet { .. } | Call::ArchivePut { .. } => {
                Err(Error::Internal("a container's files are reached from a worker (calls::spawn)".into()))
            }
        }
    }
}

/// One line of a call's answer.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Answer {
    Event(Value),
    Done(Value),
    Error { status: u16, message: String },
}

/// An error that crossed the pipe, with its kind again (by its HTTP status).
fn error_of(status: u16, message: String) -> Error {
    match status {
        404 => Error::NotFound(message),
        409 => Error::Conflict(message),
        400 => Error::Invalid(message),
        _ => Error::Runtime(message),
    }
}

/// A running call: its answer's lines, and the worker to reap.
pub struct Running {
    pub answer: BufReader<File>,
    /// None when the spawner started it (spawner.rs reaps it).
    child: Option<std::process::Child>,
    pid: i32,
}

impl Running {
    /// The worker's pid.
    pub fn pid(&self) -> i32 {
        self.pid
    }

    fn reap(&mut self) {
        if let Some(c) = self.child.as_mut() {
            let _ = c.wait();
        }
    }

    /// The next answer line; None at its end (the worker is reaped then).
    pub fn next_answer(&mut self) -> Option<Answer> {
        let mut line = String::new();
        loop {
            line.clear();
            match self.answer.read_line(&mut line) {
                Ok(0) | Err(_) => {
                    self.reap();
                    return None;
                }
                Ok(_) => {
                    if let Ok(a) = serde_json::from_str::<Answer>(&line) {
                        return Some(a);
                    }
                }
            }
        }
    }

    /// Reads to the end: the done value, or the error.
    pub fn finish(mut self) -> Result<Value> {
        while let Some(a) = self.next_answer() {
            match a {
                Answer::Event(_) => {}
                Answer::Done(v) => {
                    self.reap();
                    return Ok(v);
                }
                Answer::Error { status, message } => {
                    self.reap();
                    return Err(error_of(status, message));
                }
            }
        }
        Err(Error::Runtime("the worker ended without an answer".into()))
    }
}

/// Starts `call` in a worker with `fds` (as `Call::fd_count` says). Any
/// thread may call this: the worker is started with fork+exec only.
pub fn spawn(engine: &Engine, call: Call, fds: &[std::os::fd::BorrowedFd<'_>]) -> Result<Running> {
    start(engine, call, fds, false)
}

/// `spawn`, but outside the caller's user namespace when it has a spawner
/// (spawner.rs: the rootless service), as the CLI runs exec and export.
pub fn spawn_outside(engine: &Engine, call: Call, fds: &[std::os::fd::BorrowedFd<'_>]) -> Result<Running> {
    start(engine, call, fds, true)
}

fn start(engine: &Engine, call: Call, fds: &[std::os::fd::BorrowedFd<'_>], outside: bool) -> Result<Running> {
    let (r, w) = nix::unistd::pipe2(nix::fcntl::OFlag::O_CLOEXEC).map_err(|e| Error::Runtime(format!("pipe: {}", e.desc())))?;
    let request = super::worker::Request::Call { engine: super::worker::EngineSpec::of(engine), call };
    let mut all = vec![w.as_fd()];
    all.extend_from_slice(fds);
    if outside && super::spawner::running() {
        if all.len() != request.fd_count() {
            return Err(Error::Runtime(format!("a worker request names {} fds, {} given", request.fd_count(), all.len())));
        }
        let file = super::worker::request_file(&request)?;
        if let Some(pid) = super::spawner::spawn(file.as_fd(), &all)? {
            drop(w);
            return Ok(Running { answer: BufReader::new(File::from(r)), child: None, pid });
        }
    }
    let (mut cmd, _held) = super::worker::command(&request, &all)?;
    let child = cmd.spawn().map_err(|e| Error::Runtime(format!("cannot start a worker: {e}")))?;
    // Only the worker holds the write end now: EOF when it is done.
    drop(w);
    drop(_held);
    let pid = child.id() as i32;
    Ok(Running { answer: BufReader::new(File::from(r)), child: Some(child), pid })
}

/// Runs `call` (one without fds) in a worker and waits for it.
pub fn call(engine: &Engine, call: Call) -> Result<Value> {
    spawn(engine, call, &[])?.finish()
}

/// The worker's side (worker.rs `main`): runs the call, answers on the
/// first fd. Returns the exit code.
pub fn serve(engine: &Engine, call: Call, mut fds: Vec<OwnedFd>) -> i32 {
    if fds.is_empty() {
        return 125;
    }
    let answer = std::sync::Mutex::new(File::from(fds.remove(0)));
    let say = |a: Answer| {
        if let Ok(mut f) = answer.lock() {
            let mut line = serde_json::to_vec(&a).unwrap_or_default();
            line.push(b'\n');
            let _ = f.write_all(&line);
        }
    };
    let result: Result<Value> = match call {
        c @ Call::NetworkConnect { .. } => c.run(engine).map(|()| Value::Null),
        Call::Build(spec) => {
            if fds.len() != 2 {
                return 125;
            }
            let output = fds.pop().map(File::from);
            let context = fds.pop().map(File::from);
            match (context, output) {
                (Some(context), Some(output)) => build_in_worker(engine, spec, context, output, &|ev| {
                    say(Answer::Event(serde_json::to_value(&ev).unwrap_or(Value::Null)));
                }),
                _ => return 125,
            }
        }
        Call::Exec(spec) => {
            if fds.len() != 3 {
                return 125;
            }
            let io = super::events::Stdio { stdin: fds[0].as_fd(), stdout: fds[1].as_fd(), stderr: fds[2].as_fd() };
            Ok(match super::exec::exec(engine, &spec.request(), &io) {
                Ok(code) => json!({ "code": code }),
                Err(e) => json!({ "code": e.exit_code(), "status": e.http_status(), "error": e.to_string() }),
            })
        }
        Call::Export { container } => match (fds.pop(), super::containers::lookup(engine, &container)) {
            (Some(out), Ok(c)) => super::layers::export(engine, &c, File::from(out)).map(|()| Value::Null),
            (None, _) => return 125,
            (_, Err(e)) => Err(e),
        },
        Call::PathStat { container, path } => super::cp_api::stat(engine, &container, &path)
            .and_then(|st| serde_json::to_value(st).map_err(|e| Error::Internal(format!("the stat of {path}: {e}")))),
        Call::ArchiveGet { container, path } => {
            let Some(out) = fds.pop() else { return 125 };
            let on_stat = |st: &super::cp_api::PathStat| say(Answer::Event(serde_json::to_value(st).unwrap_or(Value::Null)));
            super::cp_api::archive(engine, &container, &path, File::from(out), &on_stat).map(|()| Value::Null)
        }
        Call::ArchivePut { container, path, copy_uid_gid, no_overwrite_dir_non_dir } => {
            let Some(input) = fds.pop() else { return 125 };
            super::layers::extract_stream(engine, &container, &path, File::from(input), copy_uid_gid, no_overwrite_dir_non_dir)
                .map(|()| Value::Null)
        }
    };
    match result {
        Ok(v) => {
            say(Answer::Done(v));
            0
        }
        Err(e) => {
            say(Answer::Error { status: e.http_status(), message: e.to_string() });
            e.exit_code()
        }
    }
}

/// The build, its RUN steps writing to `output`; the outcome as JSON:
/// `{"id", "names"}` or `{"failed": {"code", "message"}}`.
fn build_in_worker(
    engine: &Engine,
    spec: BuildSpec,
    context: File,
    output: File,
    events: &(dyn Fn(BuildEvent) + Send + Sync),
) -> Result<Value> {
    let null = File::open("/dev/null").map_err(|e| Error::io_path("open", std::path::Path::new("/dev/null"), e))?;
    let io = super::events::Stdio { stdin: null.as_fd(), stdout: output.as_fd(), stderr: output.as_fd() };
    match build::build(engine, spec.request(context), &io, events)? {
        BuildOutcome::Built { id, names } => Ok(json!({ "id": id, "names": names })),
        BuildOutcome::StepFailed { code, message } => Ok(json!({ "failed": { "code": code, "message": message } })),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_and_calls_round_trip() {
        let a = Answer::Error { status: 404, message: "x".into() };
        let back: Answer = serde_json::from_str(&serde_json::to_string(&a).unwrap()).unwrap();
        assert!(matches!(back, Answer::Error { status: 404, .. }));
        assert_eq!(error_of(409, "y".into()).http_status(), 409);
        let c = Call::Build(BuildSpec { tags: vec!["a".into()], ..Default::default() });
        let back: Call = serde_json::from_str(&serde_json::to_string(&c).unwrap()).unwrap();
        assert_eq!(back.fd_count(), 2);
    }
}
