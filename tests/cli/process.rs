//! Running a process with a deadline and collecting what it printed.

use crate::json::Json;
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, Command};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

/// How long one sangja command may take before the test fails.
pub const TIMEOUT: Duration = Duration::from_secs(120);

/// What a finished command left.
#[derive(Clone)]
pub struct Out {
    pub cmdline: String,
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl std::fmt::Debug for Out {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "\n$ {}\nexit code: {}\n--- stdout ---\n{}--- stderr ---\n{}--------------",
            self.cmdline, self.code, self.stdout, self.stderr
        )
    }
}

impl Out {
    /// Asserts exit code 0.
    #[track_caller]
    pub fn ok(self) -> Out {
        assert_eq!(self.code, 0, "expected success:{self:?}");
        self
    }

    /// Asserts an exit code.
    #[track_caller]
    pub fn code(self, want: i32) -> Out {
        assert_eq!(self.code, want, "expected exit code {want}:{self:?}");
        self
    }

    /// Asserts that stderr contains `needle`.
    #[track_caller]
    pub fn stderr_has(self, needle: &str) -> Out {
        assert!(self.stderr.contains(needle), "expected {needle:?} on stderr:{self:?}");
        self
    }

    /// Asserts that stdout is exactly `want`.
    #[track_caller]
    pub fn stdout_is(self, want: &str) -> Out {
        assert_eq!(self.stdout, want, "unexpected stdout:{self:?}");
        self
    }

    /// stdout parsed as JSON.
    #[track_caller]
    pub fn json(&self) -> Json {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| panic!("stdout is not JSON ({e}):{self:?}"))
    }

    /// stdout's lines, trimmed, without empty ones.
    pub fn lines(&self) -> Vec<String> {
        self.stdout.lines().map(|l| l.trim().to_string()).filter(|l| !l.is_empty()).collect()
    }
}

/// Spawns, retrying while the binary is busy being written (ETXTBSY: another
/// test thread's fork held the copy's write descriptor for an instant).
pub fn spawn_retry(cmd: &mut Command) -> Child {
    let mut tries = 0;
    loop {
        match cmd.spawn() {
            Ok(c) => return c,
            Err(e) if e.raw_os_error() == Some(26) && tries < 50 => {
                tries += 1;
                std::thread::sleep(Duration::from_millis(20));
            }
            Err(e) => panic!("cannot run {cmd:?}: {e}"),
        }
    }
}

fn reader(mut r: impl Read + Send + 'static) -> Arc<Mutex<Vec<u8>>> {
    let buf = Arc::new(Mutex::new(Vec::new()));
    let b = buf.clone();
    std::thread::spawn(move || {
        let mut chunk = [0u8; 8192];
        while let Ok(n) = r.read(&mut chunk) {
            if n == 0 {
                break;
            }
            b.lock().unwrap().extend_from_slice(&chunk[..n]);
        }
    });
    buf
}

/// Waits for a child with a deadline, collecting its output; kills it when late.
pub fn wait_output(mut child: Child, cmdline: String, stdin: Option<&[u8]>, timeout: Duration) -> Out {
    if let Some(mut w) = child.stdin.take() {
        if let Some(data) = stdin {
            let _ = w.write_all(data);
        }
    }
    let out = child.stdout.take().map(reader);
    let err = child.stderr.take().map(reader);
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break Some(s);
        }
        if start.elapsed() > timeout {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    // Give the readers a moment to drain what the child wrote last; a container
    // process that outlives its parent could hold the pipe, so never wait forever.
    let drain_until = Instant::now() + Duration::from_secs(5);
    let text =
        |b: &Option<Arc<Mutex<Vec<u8>>>>| b.as_ref().map(|b| String::from_utf8_lossy(&b.lock().unwrap()).into_owned()).unwrap_or_default();
    loop {
        let done = [&out, &err].iter().all(|b| b.as_ref().map(|b| Arc::strong_count(b) == 1).unwrap_or(true));
        if done || Instant::now() > drain_until {
            break;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    let o = Out { cmdline, code: -1, stdout: text(&out), stderr: text(&err) };
    match status {
        Some(s) => Out { code: s.code().unwrap_or_else(|| 128 + std::os::unix::process::ExitStatusExt::signal(&s).unwrap_or(0)), ..o },
        None => panic!("timed out after {timeout:?}:{o:?}"),
    }
}

/// A process started with `Sangja::spawn`.
pub struct Running {
    child: Option<Child>,
    /// stdout as read so far, once `wait_for_line` took the pipe over.
    stdout: Option<Arc<Mutex<Vec<u8>>>>,
    pub cmdline: String,
}

impl Running {
    pub fn new(child: Child, cmdline: String) -> Running {
        Running { child: Some(child), stdout: None, cmdline }
    }

    pub fn pid(&self) -> u32 {
        self.child.as_ref().unwrap().id()
    }

    /// Reads stdout until a line equal to `line` shows up; stdout is read on
    /// (and kept for `finish`) so that the process never writes into a closed pipe.
    #[track_caller]
    pub fn wait_for_line(&mut self, line: &str, timeout: Duration) {
        let stdout = self.child.as_mut().unwrap().stdout.take().expect("stdout already taken");
        let buf = Arc::new(Mutex::new(Vec::new()));
        self.stdout = Some(buf.clone());
        let (tx, rx) = mpsc::channel();
        let want = line.to_string();
        std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            let mut l = String::new();
            let mut tx = Some(tx);
            while r.read_line(&mut l).map(|n| n > 0).unwrap_or(false) {
                buf.lock().unwrap().extend_from_slice(l.as_bytes());
                if l.trim_end_matches('\n') == want {
                    if let Some(tx) = tx.take() {
                        let _ = tx.send(());
                    }
                }
                l.clear();
            }
        });
        if rx.recv_timeout(timeout).is_err() {
            let seen = String::from_utf8_lossy(&self.stdout.as_ref().unwrap().lock().unwrap()).into_owned();
            let _ = self.child.as_mut().unwrap().kill();
            panic!("{line:?} never showed on stdout (got {seen:?}): {}", self.cmdline)
        }
    }

    /// Sends a signal (by name) to the process we started.
    pub fn signal(&self, sig: &str) {
        let st = Command::new("kill").arg(format!("-{sig}")).arg(self.pid().to_string()).status().unwrap();
        assert!(st.success(), "kill -{sig} {} failed", self.pid());
    }

    /// Waits for the end (with the usual time limit).
    pub fn finish(mut self) -> Out {
        let child = self.child.take().unwrap();
        let mut out = wait_output(child, self.cmdline.clone(), None, TIMEOUT);
        if let Some(b) = &self.stdout {
            std::thread::sleep(Duration::from_millis(50));
            out.stdout = String::from_utf8_lossy(&b.lock().unwrap()).into_owned();
        }
        out
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}
