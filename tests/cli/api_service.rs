//! What the API tests share: a `sangja system service` of the test's store
//! on DIR/api.sock, and the docker CLI (or another client: docker-py)
//! pointed at it, run as the test's user.

use crate::util::*;
use std::ffi::OsStr;
use std::os::unix::net::UnixStream;
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The docker CLI the tests drive (28.x speaks API 1.44 and later).
pub fn docker_bin() -> Option<PathBuf> {
    ["/usr/local/bin/docker", "/usr/bin/docker"].iter().map(PathBuf::from).find(|p| p.exists())
}

/// A service of the test's store, and the docker CLI pointed at it.
pub struct Service {
    running: Option<Running>,
    pub sock: PathBuf,
    pub docker: PathBuf,
}

impl Service {
    /// Starts `sangja system service --time 0 unix://DIR/api.sock` and waits
    /// until it listens; None (with a message) when there is no docker CLI.
    pub fn start(s: &Sangja) -> Option<Service> {
        let Some(docker) = docker_bin() else {
            eprintln!("skipped: no docker CLI installed");
            return None;
        };
        let sock = s.dir.join("api.sock");
        let uri = format!("unix://{}", sock.display());
        let running = s.spawn(&["system", "service", "--time", "0", &uri]);
        let deadline = Instant::now() + Duration::from_secs(20);
        while UnixStream::connect(&sock).is_err() {
            assert!(Instant::now() < deadline, "the service never listened on {}", sock.display());
            std::thread::sleep(Duration::from_millis(20));
        }
        Some(Service { running: Some(running), sock, docker })
    }

    /// The service's process id.
    pub fn pid(&self) -> u32 {
        self.running.as_ref().map(Running::pid).unwrap_or(0)
    }

    /// `PROGRAM ARGS` as the test's user, talking to this service.
    pub fn command<P: AsRef<OsStr>, S: AsRef<OsStr>>(&self, s: &Sangja, program: P, args: &[S]) -> Command {
        let mut cmd = Command::new(program);
        cmd.args(args).env_clear();
        cmd.env("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        cmd.env("LANG", "C.UTF-8");
        cmd.env("DOCKER_HOST", format!("unix://{}", self.sock.display()));
        cmd.env("DOCKER_BUILDKIT", "0");
        // docker's own config (~/.docker) in the test's folder.
        cmd.env("HOME", &s.dir).env("DOCKER_CONFIG", s.dir.join(".docker"));
        cmd.current_dir(&s.dir);
        if let Mode::Rootless { user, switch: true } = &s.mode {
            cmd.uid(user.uid).gid(user.gid);
        }
        cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
        cmd
    }

    /// `docker ARGS` with `stdin` written to it.
    pub fn docker_in<S: AsRef<OsStr>>(&self, s: &Sangja, args: &[S], stdin: Option<&str>) -> Out {
        let mut cmd = self.command(s, &self.docker, args);
        if stdin.is_some() {
            cmd.stdin(Stdio::piped());
        }
        let child = spawn_retry(&mut cmd);
        let line: Vec<String> = args.iter().map(|a| a.as_ref().to_string_lossy().into_owned()).collect();
        wait_output(child, format!("docker {}", line.join(" ")), stdin.map(str::as_bytes), TIMEOUT)
    }

    pub fn docker<S: AsRef<OsStr>>(&self, s: &Sangja, args: &[S]) -> Out {
        self.docker_in(s, args, None)
    }

    #[track_caller]
    pub fn ok<S: AsRef<OsStr>>(&self, s: &Sangja, args: &[S]) -> Out {
        self.docker(s, args).ok()
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        if let Some(r) = self.running.take() {
            r.signal("TERM");
            let _ = r.finish();
        }
    }
}

/// A chunked HTTP body's data.
pub fn dechunk(mut b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(eol) = b.windows(2).position(|w| w == b"\r\n") {
        let n = usize::from_str_radix(String::from_utf8_lossy(&b[..eol]).trim(), 16).unwrap_or(0);
        if n == 0 || b.len() < eol + 2 + n {
            break;
        }
        out.extend_from_slice(&b[eol + 2..eol + 2 + n]);
        b = &b[(eol + 2 + n + 2).min(b.len())..];
    }
    out
}
