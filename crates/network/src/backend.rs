//! The user-mode network process (pasta or slirp4netns) of one container.
//!
//! Lifetime: it runs in the foreground as a child of the process that owns
//! the container (foreground `run`, or the detached monitor) with
//! PR_SET_PDEATHSIG = SIGKILL, so it can never outlive that process, even
//! after a kill -9; on a normal exit the owner stops it (`stop`). If the
//! backend itself crashes, the container merely loses its network.

use crate::error::{Error, Result};
use std::os::fd::RawFd;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long a backend may take to configure the namespace.
const READY_TIMEOUT: Duration = Duration::from_secs(10);

/// A running backend process.
#[derive(Debug)]
pub struct Backend {
    pub name: &'static str,
    pub child: Child,
}

impl Backend {
    /// Host pid of the backend.
    pub fn pid(&self) -> i32 {
        self.child.id() as i32
    }

    /// Stops the backend and reaps it. SIGKILL at once: the container is
    /// gone, so there is nothing left to flush, and SIGTERM's grace period
    /// would be paid on every `run`.
    pub fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Finds a backend's binary on PATH (and the usual places).
pub fn find(tool: &str, package: &str) -> Result<PathBuf> {
    std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .chain([PathBuf::from("/usr/bin"), PathBuf::from("/usr/local/bin"), PathBuf::from("/bin")])
        .map(|d| d.join(tool))
        .find(|p| p.is_file())
        .ok_or_else(|| {
            Error::Invalid(format!(
                "{tool} not found: --network {tool} needs it; install the {package} package (apt-get install {package}), \
                 or use --network none or --network host"
            ))
        })
}

/// Whether a backend is installed (for the default network mode).
pub fn installed(tool: &str) -> bool {
    find(tool, tool).is_ok()
}

/// Spawns `cmd` with its stderr in `userdata/NAME.log`, tied to us by
/// PDEATHSIG, keeping the descriptors `keep` open across exec, and polls
/// `ready` until it says the namespace is configured. If the backend exits
/// first, its log becomes the error.
pub fn spawn_and_wait_ready(
    mut cmd: Command,
    name: &'static str,
    userdata: &Path,
    mut ready: impl FnMut(&mut Child) -> bool,
    keep: &[RawFd],
) -> Result<Backend> {
    let log_path = userdata.join(format!("{name}.log"));
    let log = std::fs::File::create(&log_path).map_err(|e| Error::io_path("create", &log_path, e))?;
    cmd.stdin(Stdio::null()).stdout(Stdio::null()).stderr(log);
    let keep = keep.to_vec();
    // SAFETY: only async-signal-safe system calls between fork and exec.
    unsafe {
        cmd.pre_exec(move || {
            if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL, 0, 0, 0) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            // The parent may have died between fork and prctl.
            if libc::getppid() == 1 {
                return Err(std::io::Error::from_raw_os_error(libc::ESRCH));
            }
            // Nothing of ours leaks in (a monitor's ready pipe held open by
            // the backend would keep `run -d` waiting forever).
            crate::runtime::fds::close_range(3, u32::MAX, libc::CLOSE_RANGE_CLOEXEC);
            for &fd in &keep {
                let flags = libc::fcntl(fd, libc::F_GETFD);
                if flags < 0 || libc::fcntl(fd, libc::F_SETFD, flags & !libc::FD_CLOEXEC) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
            }
            Ok(())
        });
    }
    let child = cmd.spawn().map_err(|e| Error::Runtime(format!("start {name}: {e}")))?;
    let mut backend = Backend { name, child };
    let start = Instant::now();
    let mut pause = Duration::from_micros(200);
    loop {
        if ready(&mut backend.child) {
            return Ok(backend);
        }
        if let Ok(Some(status)) = backend.child.try_wait() {
            let log = std::fs::read_to_string(&log_path).unwrap_or_default();
            let log: Vec<&str> = log.lines().filter(|l| !l.contains("to syslog") && !l.trim().is_empty()).collect();
            return Err(Error::Runtime(format!(
                "{name} could not set up the container's network ({status}): {}",
                if log.is_empty() { "no message".to_string() } else { log.join("; ") }
            )));
        }
        if start.elapsed() > READY_TIMEOUT {
            backend.stop();
            return Err(Error::Runtime(format!(
                "{name} did not configure the container's network within {}s (see {})",
                READY_TIMEOUT.as_secs(),
                log_path.display()
            )));
        }
        std::thread::sleep(pause);
        pause = (pause * 2).min(Duration::from_millis(5));
    }
}
