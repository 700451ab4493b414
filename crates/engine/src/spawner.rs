//! The API service's spawner: workers that must start OUTSIDE the service's
//! user namespace.
//!
//! Rootless, `sangja system service` runs in a user namespace of its own
//! (Engine::open makes one per process, as every sangja command does), and
//! a container started by another sangja command lives in that command's.
//! Only a process of the host's namespace, running as the user who owns
//! them, may enter those (setns of a user namespace needs CAP_SYS_ADMIN
//! over it: the owner has it, the root of a sibling namespace does not),
//! which is why `sangja exec` and `sangja export` never enter sangja's
//! namespace. So before the service enters its own, it forks this small
//! process, which stays in the host's namespace with the CLI's environment:
//! it waits on a socket for a worker's request (its memfd and fds, passed
//! with SCM_RIGHTS), starts `sangja __worker` with them exactly as
//! worker::command does, and answers with the worker's pid. It is gone when
//! the service's end of the socket closes (the service exited, even by
//! kill -9). exec and export go through it (calls::spawn_outside).

use crate::error::{Error, Result};
use nix::errno::Errno;
use sangja_runtime::fdpass;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, FromRawFd, OwnedFd, RawFd};
use std::sync::{Mutex, OnceLock};

/// The service's end of the spawner's socket, when one runs.
static SPAWNER: OnceLock<Mutex<OwnedFd>> = OnceLock::new();

/// Starts the spawner, if this process is about to enter sangja's user
/// namespace (rootless, not inside it yet); as root nothing is needed.
/// Call it while single-threaded, before Engine::open.
pub fn start() -> Result<()> {
    if nix::unistd::getuid().is_root() || std::env::var_os(crate::rootless::ENV_HOST_UID).is_some() {
        return Ok(());
    }
    let mut fds = [0; 2];
    // SAFETY: socketpair fills the two-element array.
    let r = unsafe { libc::socketpair(libc::AF_UNIX, libc::SOCK_SEQPACKET | libc::SOCK_CLOEXEC, 0, fds.as_mut_ptr()) };
    Errno::result(r).map_err(|e| Error::Runtime(format!("create the spawner's socket: {}", e.desc())))?;
    // SAFETY: two fresh descriptors we own.
    let (ours, theirs) = unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) };
    // SAFETY: single-threaded (see above); the child runs `serve` and exits.
    match unsafe { nix::unistd::fork() } {
        Ok(nix::unistd::ForkResult::Child) => {
            drop(ours);
            let code = serve(theirs);
            // SAFETY: leave without running the parent's exit handlers.
            unsafe { libc::_exit(code) }
        }
        Ok(nix::unistd::ForkResult::Parent { .. }) => {
            drop(theirs);
            let _ = SPAWNER.set(Mutex::new(ours));
            Ok(())
        }
        Err(e) => Err(Error::Runtime(format!("fork the worker spawner: {}", e.desc()))),
    }
}

/// Whether a spawner runs for this process.
pub fn running() -> bool {
    SPAWNER.get().is_some()
}

/// Starts a worker through the spawner: `file` is the request's memfd,
/// `fds` the fds it names. None when no spawner runs (start the worker
/// directly then); else the worker's pid (the spawner reaps it).
pub(crate) fn spawn(file: BorrowedFd<'_>, fds: &[BorrowedFd<'_>]) -> Result<Option<i32>> {
    let Some(sock) = SPAWNER.get() else { return Ok(None) };
    let sock = sock.lock().unwrap_or_else(|e| e.into_inner());
    let mut all: Vec<RawFd> = vec![file.as_raw_fd()];
    all.extend(fds.iter().map(|f| f.as_raw_fd()));
    // The most fds one request passes (its memfd included) is fdpass's MAX_FDS.
    fdpass::send(sock.as_fd(), &[all.len() as u8], &all)
        .map_err(|e| Error::Runtime(format!("ask the spawner for a worker: {}", e.desc())))?;
    let mut answer = [0u8; 4];
    let (n, _) = fdpass::recv(sock.as_fd(), &mut answer).map_err(|e| Error::Runtime(format!("hear from the spawner: {}", e.desc())))?;
    let pid = i32::from_le_bytes(answer);
    if n != 4 || pid <= 0 {
        return Err(Error::Runtime("the spawner could not start a worker".into()));
    }
    Ok(Some(pid))
}

/// The spawner's loop (in the forked child).
fn serve(sock: OwnedFd) -> i32 {
    // Nothing of the CLI's: its stdio (whoever reads the service's output
    // must not wait for us) and every other inherited fd.
    if let Ok(null) = nix::fcntl::open("/dev/null", nix::fcntl::OFlag::O_RDWR, nix::sys::stat::Mode::empty()) {
        for fd in 0..3 {
            // SAFETY: dup2 onto our own stdio numbers.
            unsafe { libc::dup2(null.as_raw_fd(), fd) };
        }
    }
    let keep = sock.as_raw_fd() as u32;
    sangja_runtime::fds::close_range(3, keep.saturating_sub(1), 0);
    sangja_runtime::fds::close_range(keep + 1, u32::MAX, 0);
    // A socket-activated service takes its listener and clears systemd's
    // variables only after this fork: ours would tell every worker that it
    // holds fds it does not (sd_listen_fds(3): unset them for children).
    for v in ["LISTEN_FDS", "LISTEN_PID", "LISTEN_FDNAMES"] {
        std::env::remove_var(v);
    }
    loop {
        // Workers that ended: reaped here (nobody else waits for them).
        while let Ok(nix::sys::wait::WaitStatus::Exited(..) | nix::sys::wait::WaitStatus::Signaled(..)) =
            nix::sys::wait::waitpid(None, Some(nix::sys::wait::WaitPidFlag::WNOHANG))
        {}
        let mut data = [0u8; 4];
        let fds = match fdpass::recv(sock.as_fd(), &mut data) {
            Ok((0, _)) => return 0,
            Ok((_, fds)) => fds,
            Err(_) => return 0,
        };
        let pid = match fds.split_first() {
            Some((file, rest)) => {
                let borrowed: Vec<BorrowedFd<'_>> = rest.iter().map(AsFd::as_fd).collect();
                super::worker::command_with(file.as_fd(), &borrowed)
                    .and_then(|(mut cmd, _held)| cmd.spawn().map_err(|e| Error::Runtime(format!("start a worker: {e}"))))
                    .map(|child| child.id() as i32)
                    .unwrap_or(-1)
            }
            None => -1,
        };
        drop(fds);
        if fdpass::send(sock.as_fd(), &pid.to_le_bytes(), &[]).is_err() {
            return 0;
        }
    }
}
