//! The worker protocol: the one way the engine runs an operation in a fresh
//! process of its own (DESIGN.md, process model). Operations that must fork,
//! enter a namespace or run single-threaded (the monitor of a detached
//! container today; container creation for the multi-threaded API service
//! next) are a `Request`, serialised as JSON, that a re-executed sangja
//! (`sangja __worker`, dispatched by main.rs before any flag parsing) reads
//! from fd 3, with the fds the request names from fd 4 on, in the order
//! the request lists them. The request carries all the worker needs to
//! rebuild the Engine (store paths, driver, identity, verbosity), so no
//! command line is parsed again.
//!
//! The request is read with pread from offset 0 (it is a memfd), so a
//! worker that re-executes itself from a sealed view of its binary
//! (runtime/selfexe.rs) reads it again unchanged.

use super::Engine;
use crate::error::{Error, Result};
use crate::paths::StorePaths;
use crate::rootless::Identity;
use serde::{Deserialize, Serialize};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, FromRawFd, OwnedFd, RawFd};
use std::os::unix::process::CommandExt;
use std::path::PathBuf;

/// The fd a worker reads its request from.
pub const REQUEST_FD: RawFd = 3;
/// The first of the fds a request names.
pub const FIRST_FD: RawFd = 4;
/// The largest request a worker reads.
const MAX_REQUEST: usize = 1 << 20;

/// What a worker needs to open the same store as its caller, without
/// parsing flags or entering the user namespace again (it inherits it).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EngineSpec {
    pub root: PathBuf,
    pub runroot: PathBuf,
    pub driver: String,
    pub rootless: bool,
    pub host_uid: u32,
    pub host_gid: u32,
    pub has_subids: bool,
    pub verbose: bool,
}

impl EngineSpec {
    pub fn of(engine: &Engine) -> EngineSpec {
        EngineSpec {
            root: engine.paths.root.clone(),
            runroot: engine.paths.runroot.clone(),
            driver: engine.paths.driver.clone(),
            rootless: engine.paths.rootless,
            host_uid: engine.identity.host_uid,
            host_gid: engine.identity.host_gid,
            has_subids: engine.identity.has_subids,
            verbose: engine.verbose,
        }
    }

    pub fn engine(&self) -> Engine {
        Engine {
            paths: StorePaths {
                root: self.root.clone(),
                runroot: self.runroot.clone(),
                driver: self.driver.clone(),
                rootless: self.rootless,
                driver_notice: None,
            },
            identity: Identity { rootless: self.rootless, host_uid: self.host_uid, host_gid: self.host_gid, has_subids: self.has_subids },
            verbose: self.verbose,
            // A worker's stderr is /dev/null (the monitor outlives the
            // command that started it): its events have no reader.
            events: std::sync::Arc::new(super::events::Discard),
        }
    }
}

/// A worker's job.
#[derive(Debug, Serialize, Deserialize)]
pub enum Request {
    /// Become the monitor of container `id` (engine/monitor.rs). Fds: the
    /// ready pipe's write end, then `clients` attach clients connected
    /// from the start (`run -it`, `start -a`; the API's attaches sent
    /// before the start, several when a client attaches per stream).
    Monitor { engine: EngineSpec, id: String, clients: usize },
    /// The small monitor (crates/monitor) saw the container exit
    /// with `code`: record it, restart or remove it, tell the clients.
    /// `resume` is what the monitor handed the small one, given back
    /// verbatim. Fds: the attach listener when `listener`, then `clients`
    /// connected clients.
    Exited { resume: super::monitor::Resume, code: i32, terminated: bool, listener: bool, clients: usize },
    /// An engine call of a threaded caller (the API service) that forks
    /// (calls.rs). Fds: the answer's write end, then the call's own.
    Call { engine: EngineSpec, call: super::calls::Call },
}

impl Request {
    /// How many fds from FIRST_FD on come with the request.
    pub fn fd_count(&self) -> usize {
        match self {
            Request::Monitor { clients, .. } => 1 + clients,
            Request::Exited { listener, clients, .. } => usize::from(*listener) + clients,
            Request::Call { call, .. } => 1 + call.fd_count(),
        }
    }

    /// Whether the worker may start or enter containers, and so must run
    /// from a sealed view of its binary (runtime/selfexe.rs).
    fn starts_containers(&self) -> bool {
        match self {
            Request::Monitor { .. } => true,
            Request::Exited { resume, .. } => resume.may_restart,
            Request::Call { .. } => true,
        }
    }
}

/// A memfd holding `request` (inherited by the worker, read with pread).
pub(crate) fn request_file(request: &Request) -> Result<OwnedFd> {
    let data = serde_json::to_vec(request).map_err(|e| Error::Runtime(format!("serialise the worker's request: {e}")))?;
    let fd = nix::sys::memfd::memfd_create(c"sangja-request", nix::sys::memfd::MFdFlags::MFD_CLOEXEC)
        .map_err(|e| Error::Runtime(format!("create the worker's request: {}", e.desc())))?;
    let mut done = 0;
    while done < data.len() {
        match nix::unistd::write(&fd, &data[done..]) {
            Ok(n) => done += n,
            Err(nix::errno::Errno::EINTR) => {}
            Err(e) => return Err(Error::Runtime(format!("write the worker's request: {}", e.desc()))),
        }
    }
    Ok(fd)
}

/// A command that runs `request` in a worker (sangja's host binary), with
/// `fds` placed from FIRST_FD on and nothing of the caller's stdio. The
/// caller spawns it (any thread may: between fork and exec only dup2),
/// holding the returned fds until then.
pub fn command(request: &Request, fds: &[BorrowedFd<'_>]) -> Result<(std::process::Command, Vec<OwnedFd>)> {
    if fds.len() != request.fd_count() {
        return Err(Error::Runtime(format!("a worker request names {} fds, {} given", request.fd_count(), fds.len())));
    }
    let file = request_file(request)?;
    command_with(file.as_fd(), fds)
}

/// `command` for a request already in its memfd `file` (the spawner's,
/// spawner.rs, which receives the memfd rather than the request).
pub(crate) fn command_with(file: BorrowedFd<'_>, fds: &[BorrowedFd<'_>]) -> Result<(std::process::Command, Vec<OwnedFd>)> {
    let exe = sangja_runtime::selfexe::host_path().map_err(|e| Error::Runtime(format!("cannot find sangja's own binary: {e}")))?;
    // Out of the way of every target first, so placing one cannot
    // overwrite another; the copies are close-on-exec.
    let floor = FIRST_FD + fds.len() as RawFd + 16;
    let high = std::iter::once(file.as_raw_fd())
        .chain(fds.iter().map(|f| f.as_raw_fd()))
        .map(|fd| {
            nix::fcntl::fcntl(
                // SAFETY: a descriptor borrowed for this call.
                unsafe { BorrowedFd::borrow_raw(fd) },
                nix::fcntl::FcntlArg::F_DUPFD_CLOEXEC(floor),
            )
            // SAFETY: a fresh descriptor we own.
            .map(|n| unsafe { OwnedFd::from_raw_fd(n) })
            .map_err(|e| Error::Runtime(format!("pass fds to a worker: {}", e.desc())))
        })
        .collect::<Result<Vec<OwnedFd>>>()?;
    let raw: Vec<RawFd> = high.iter().map(|f| f.as_raw_fd()).collect();
    let mut cmd = std::process::Command::new(exe);
    cmd.arg("__worker");
    // A worker may outlive us: it must hold none of our stdio, or whoever
    // reads our output (a shell's $(...), a test) would wait for it too.
    cmd.stdin(std::process::Stdio::null()).stdout(std::process::Stdio::null()).stderr(std::process::Stdio::null());
    // SAFETY: between fork and exec only dup2, async-signal-safe; `raw`
    // is read, not allocated.
    unsafe {
        cmd.pre_exec(move || {
            for (i, fd) in raw.iter().enumerate() {
                if libc::dup2(*fd, REQUEST_FD + i as RawFd) < 0 {
                    return Err(std::io::Error::last_os_error());
                }
            }
            Ok(())
        });
    }
    // The copies live until the command is spawned: returned to the caller.
    Ok((cmd, high))
}

/// Reads the request on REQUEST_FD (from offset 0, without moving it).
fn read_request() -> Result<Request> {
    let mut data = Vec::new();
    let mut chunk = [0u8; 8192];
    loop {
        // SAFETY: pread into a live buffer from an fd we were handed.
        let n = unsafe { libc::pread(REQUEST_FD, chunk.as_mut_ptr().cast(), chunk.len(), data.len() as libc::off_t) };
        if n < 0 {
            let e = nix::errno::Errno::last();
            if e == nix::errno::Errno::EINTR {
                continue;
            }
            return Err(Error::Runtime(format!("read the worker's request: {}", e.desc())));
        }
        if n == 0 {
            break;
        }
        data.extend_from_slice(&chunk[..n as usize]);
        if data.len() > MAX_REQUEST {
            return Err(Error::Runtime("the worker's request is too large".into()));
        }
    }
    serde_json::from_slice(&data).map_err(|e| Error::Runtime(format!("parse the worker's request: {e}")))
}

/// The worker's entry (`sangja __worker`, from main.rs, before any flag
/// parsing): reads the request, re-executes from a sealed binary when it
/// starts containers, takes its fds and runs it. Returns the exit code.
/// Nobody reads a worker's stderr: failures are reported through the
/// request's own channels (the monitor's ready pipe, the state).
pub fn main() -> i32 {
    let request = match read_request() {
        Ok(r) => r,
        Err(_) => return 125,
    };
    let count = request.fd_count();
    sangja_runtime::fds::cloexec_inherited();
    if request.starts_containers() {
        if let Err(e) = sangja_runtime::selfexe::reexec_sealed(1 + count as u32) {
            // The CLI that waits on a monitor's ready pipe must learn why
            // rather than that it "exited without reporting" (issue 19).
            if matches!(request, Request::Monitor { .. }) {
                let text = format!("125 the container's monitor could not re-execute sangja: {e}");
                // SAFETY: FIRST_FD is the ready pipe a Monitor request names first.
                let _ = nix::unistd::write(unsafe { BorrowedFd::borrow_raw(FIRST_FD) }, text.as_bytes());
            }
            return 125;
        }
    }
    // Anything else inherited goes: a test harness's pipe held open by a
    // long-lived monitor would keep its reader waiting forever.
    sangja_runtime::fds::close_range((FIRST_FD + count as RawFd) as u32, u32::MAX, 0);
    // SAFETY: the fds the request names, handed to us at these numbers.
    let mut fds: Vec<OwnedFd> = (0..count).map(|i| unsafe { OwnedFd::from_raw_fd(FIRST_FD + i as RawFd) }).collect();
    for f in &fds {
        let _ = nix::fcntl::fcntl(f, nix::fcntl::FcntlArg::F_SETFD(nix::fcntl::FdFlag::FD_CLOEXEC));
    }
    // SAFETY: REQUEST_FD is ours; read, it is done with.
    drop(unsafe { OwnedFd::from_raw_fd(REQUEST_FD) });
    match request {
        Request::Monitor { engine, id, .. } => {
            if fds.is_empty() {
                return 125;
            }
            let clients = fds.split_off(1);
            let Some(ready) = fds.pop() else { return 125 };
            super::monitor::run(&engine.engine(), &id, ready, clients)
        }
        Request::Exited { resume, code, terminated, listener, .. } => {
            let listener = if listener && !fds.is_empty() { Some(fds.remove(0)) } else { None };
            super::monitor::exited(resume, code, terminated, listener, fds)
        }
        Request::Call { engine, call } => super::calls::serve(&engine.engine(), call, fds),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_round_trip_and_count_their_fds() {
        let spec = EngineSpec {
            root: "/r".into(),
            runroot: "/rr".into(),
            driver: "overlay".into(),
            rootless: true,
            host_uid: 1000,
            host_gid: 1000,
            has_subids: true,
            verbose: false,
        };
        let r = Request::Monitor { engine: spec, id: "abc".into(), clients: 2 };
        let back: Request = serde_json::from_slice(&serde_json::to_vec(&r).unwrap()).unwrap();
        assert_eq!(back.fd_count(), 3);
        let Request::Monitor { engine, id, clients } = back else { panic!("variant") };
        assert_eq!((engine.root, id, clients), (PathBuf::from("/r"), "abc".to_string(), 2));
    }
}
