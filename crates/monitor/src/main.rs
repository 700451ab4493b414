//! sangja-monitor: the long-lived process of a detached container, small.
//!
//! sangja's monitor (src/engine/monitor.rs) sets the container up and
//! spawns it as its child, records it running, reports to the CLI, then
//! execve()s this binary, found next to sangja's own: same pid, so the
//! container stays its child. Here, with libc only, it
//! - writes the container's output to the log (podman's k8s-file format,
//!   rotated at the size cap: the same records as container/logs.rs),
//! - serves the attach socket (container/attach.rs's packets: output to
//!   every client, their input to the container, window sizes to the pty),
//! - forwards SIGTERM to the container (systemd stopping the unit),
//! - reaps the container, then execve()s sangja back as a worker
//!   (`sangja __worker`, src/engine/worker.rs) with the exit code, the
//!   listening socket and the still-connected clients, which records the
//!   exit, applies the restart policy and `--rm`, and tells the clients.
//!
//! Everything here is paid once per running container, so: no allocation
//! in the loop beyond the pending input, no std::fs, no formatting
//! machinery beyond a few integers.
//!
//! Arguments (internal, written by sangja): `--pid N --log PATH [--max N]
//! [--tty] --exe SANGJA --resume FD --out FD [--err FD] [--stdin FD]
//! [--listen FD] [--early FD] [--client FD]...`. `--resume` is a file whose
//! bytes are handed back verbatim (sangja's own serialised context).
//! `--health-ms N --health-arg ARG...`: every N ms, while the container
//! runs, start `ARG...` (sangja's `healthcheck run ID`, engine
//! healthcheck.rs), one at a time: podman's systemd timer, without systemd.

use std::ffi::{CStr, CString};
use std::os::raw::c_int;
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};

// The attach protocol (container/attach.rs).
const IN_STDIN: u8 = b'i';
const IN_RESIZE: u8 = b'w';
const IN_EOF: u8 = b'e';
const OUT_STDOUT: u8 = b'1';
const OUT_STDERR: u8 = b'2';
const MAX_PACKET: usize = 32 * 1024;
/// How long (ms) a client that reads nothing may hold us up.
const SLOW_CLIENT_MS: i64 = 2000;

static TARGET: AtomicI32 = AtomicI32::new(0);
static TERMINATED: AtomicBool = AtomicBool::new(false);

extern "C" fn on_alarm(_sig: c_int) {
    let pid = TARGET.load(Ordering::SeqCst);
    if pid > 0 {
        // SAFETY: kill is async-signal-safe.
        unsafe { libc::kill(pid, libc::SIGKILL) };
    }
}

extern "C" fn on_term(_sig: c_int) {
    TERMINATED.store(true, Ordering::SeqCst);
    let pid = TARGET.load(Ordering::SeqCst);
    if pid > 0 {
        // SAFETY: kill is async-signal-safe.
        unsafe { libc::kill(pid, libc::SIGTERM) };
    }
}

#[derive(Default)]
struct Args {
    pid: i32,
    log: Option<CString>,
    max: u64,
    tty: bool,
    exe: Option<CString>,
    resume: c_int,
    out: c_int,
    err: c_int,
    stdin: c_int,
    listen: c_int,
    early: c_int,
    clients: Vec<c_int>,
    /// `--timeout`: SIGKILL to the container after this many seconds.
    timeout: u32,
    /// Health check period (0: none) and command line.
    health_ms: i64,
    health: Vec<CString>,
}

fn parse_args() -> Option<Args> {
    let mut a = Args { resume: -1, out: -1, err: -1, stdin: -1, listen: -1, early: -1, ..Args::default() };
    let mut it = std::env::args_os().skip(1);
    while let Some(k) = it.next() {
        let k = k.to_str()?.to_owned();
        if k == "--tty" {
            a.tty = true;
            continue;
        }
        let v = it.next()?;
        let num = || v.to_str().and_then(|s| s.parse::<i64>().ok());
        match k.as_str() {
            "--pid" => a.pid = num()? as i32,
            "--max" => a.max = num()? as u64,
            "--resume" => a.resume = num()? as c_int,
            "--out" => a.out = num()? as c_int,
            "--err" => a.err = num()? as c_int,
            "--stdin" => a.stdin = num()? as c_int,
            "--listen" => a.listen = num()? as c_int,
            "--early" => a.early = num()? as c_int,
            "--client" => a.clients.push(num()? as c_int),
            "--timeout" => a.timeout = num()?.clamp(0, u32::MAX as i64) as u32,
            "--health-ms" => a.health_ms = num()?,
            "--health-arg" => a.health.push(CString::new(std::os::unix::ffi::OsStrExt::as_bytes(v.as_os_str())).ok()?),
            "--log" => a.log = CString::new(std::os::unix::ffi::OsStrExt::as_bytes(v.as_os_str())).ok(),
            "--exe" => a.exe = CString::new(std::os::unix::ffi::OsStrExt::as_bytes(v.as_os_str())).ok(),
            _ => return None,
        }
    }
    (a.pid > 0 && a.out >= 0 && a.resume >= 0 && a.exe.is_some()).then_some(a)
}

fn errno() -> c_int {
    std::io::Error::last_os_error().raw_os_error().unwrap_or(0)
}

fn cloexec(fd: c_int) {
    if fd >= 0 {
        // SAFETY: flag change on a descriptor we hold.
        unsafe { libc::fcntl(fd, libc::F_SETFD, libc::FD_CLOEXEC) };
    }
}

fn nonblocking(fd: c_int) {
    // SAFETY: flag changes on a descriptor we hold.
    unsafe {
        let fl = libc::fcntl(fd, libc::F_GETFL);
        if fl >= 0 {
            libc::fcntl(fd, libc::F_SETFL, fl | libc::O_NONBLOCK);
        }
    }
}

fn close(fd: &mut c_int) {
    if *fd >= 0 {
        // SAFETY: closing a descriptor we own, once (set to -1 after).
        unsafe { libc::close(*fd) };
        *fd = -1;
    }
}

fn now_ms() -> i64 {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: clock_gettime fills the struct.
    unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut ts) };
    ts.tv_sec * 1000 + ts.tv_nsec / 1_000_000
}

/// Sends one packet (kind + data); false when the client does not take it
/// within SLOW_CLIENT_MS or is gone.
fn send_packet(fd: c_int, kind: u8, data: &[u8], scratch: &mut Vec<u8>) -> bool {
    scratch.clear();
    scratch.push(kind);
    scratch.extend_from_slice(data);
    let deadline = now_ms() + SLOW_CLIENT_MS;
    loop {
        // SAFETY: send from a live buffer.
        let n = unsafe { libc::send(fd, scratch.as_ptr().cast(), scratch.len(), libc::MSG_NOSIGNAL | libc::MSG_DONTWAIT) };
        if n >= 0 {
            return true;
        }
        match errno() {
            libc::EINTR => {}
            libc::EAGAIN => {
                let left = deadline - now_ms();
                if left <= 0 {
                    return false;
                }
                let mut p = libc::pollfd { fd, events: libc::POLLOUT, revents: 0 };
                // SAFETY: poll on one pollfd.
                unsafe { libc::poll(&mut p, 1, left.min(1000) as c_int) };
            }
            _ => return false,
        }
    }
}

/// The log, in podman's k8s-file format, rotated to `PATH.1` at the cap.
struct Log {
    fd: c_int,
    path: CString,
    size: u64,
    max: u64,
    rec: Vec<u8>,
}

impl Log {
    fn open(path: CString, max: u64) -> Log {
        let fd = open_append(&path);
        let mut st: libc::stat = unsafe { std::mem::zeroed() };
        // SAFETY: fstat fills the struct.
        let size = if fd >= 0 && unsafe { libc::fstat(fd, &mut st) } == 0 { st.st_size as u64 } else { 0 };
        Log { fd, path, size, max, rec: Vec::new() }
    }

    fn write_chunk(&mut self, stream: &[u8], data: &[u8]) {
        if data.is_empty() || self.fd < 0 {
            return;
        }
        let ts = timestamp();
        let out = &mut self.rec;
        out.clear();
        let mut rest = data;
        while !rest.is_empty() {
            let (line, flag, next) = match rest.iter().position(|b| *b == b'\n') {
                Some(i) => (&rest[..i], b'F', &rest[i + 1..]),
                None => (rest, b'P', &rest[rest.len()..]),
            };
            out.extend_from_slice(&ts);
            out.push(b' ');
            out.extend_from_slice(stream);
            out.push(b' ');
            out.push(flag);
            out.push(b' ');
            out.extend_from_slice(line);
            out.push(b'\n');
            rest = next;
        }
        if self.max > 0 {
            if self.size > 0 && self.size + out.len() as u64 > self.max {
                let mut old = self.path.as_bytes().to_vec();
                old.extend_from_slice(b".1");
                if let Ok(old) = CString::new(old) {
                    // SAFETY: rename between two valid C strings.
                    if unsafe { libc::rename(self.path.as_ptr(), old.as_ptr()) } != 0 {
                        return;
                    }
                }
                close(&mut self.fd);
                self.fd = open_append(&self.path);
                self.size = 0;
            }
            if out.len() as u64 > self.max {
                let cut = out.len() - self.max as usize;
                let start = out[cut..].iter().position(|b| *b == b'\n').map_or(out.len(), |p| cut + p + 1);
                out.drain(..start);
            }
        }
        let mut done = 0;
        while done < out.len() {
            // SAFETY: write from a live buffer.
            let n = unsafe { libc::write(self.fd, out[done..].as_ptr().cast(), out.len() - done) };
            if n < 0 {
                if errno() == libc::EINTR {
                    continue;
                }
                break;
            }
            done += n as usize;
        }
        self.size += done as u64;
        // The buffer of a large chunk is not kept for the container's lifetime.
        if self.rec.capacity() > 64 * 1024 {
            self.rec = Vec::new();
        }
    }
}

fn open_append(path: &CStr) -> c_int {
    // SAFETY: open with a valid C string.
    unsafe { libc::open(path.as_ptr(), libc::O_WRONLY | libc::O_CREAT | libc::O_APPEND | libc::O_CLOEXEC, 0o644) }
}

/// Now as RFC 3339 with nanoseconds, UTC (`2006-01-02T15:04:05.999999999Z`),
/// as chrono's to_rfc3339_opts(Nanos, true) writes it.
fn timestamp() -> [u8; 30] {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: clock_gettime fills the struct.
    unsafe { libc::clock_gettime(libc::CLOCK_REALTIME, &mut ts) };
    let secs = ts.tv_sec;
    let days = secs.div_euclid(86400);
    let sod = secs.rem_euclid(86400);
    let (y, m, d) = civil_from_days(days);
    let mut out = [0u8; 30];
    let mut put = |at: usize, v: i64, width: usize| {
        let mut v = v;
        for i in (0..width).rev() {
            out[at + i] = b'0' + (v % 10) as u8;
            v /= 10;
        }
    };
    put(0, y, 4);
    put(5, m, 2);
    put(8, d, 2);
    put(11, sod / 3600, 2);
    put(14, sod % 3600 / 60, 2);
    put(17, sod % 60, 2);
    put(20, ts.tv_nsec, 9);
    out[4] = b'-';
    out[7] = b'-';
    out[10] = b'T';
    out[13] = b':';
    out[16] = b':';
    out[19] = b'.';
    out[29] = b'Z';
    out
}

/// Howard Hinnant's days-to-civil: days since 1970-01-01 to (y, m, d).
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Relays until the container's output closes (as attach.rs's Server::serve).
fn serve(a: &mut Args, log: &mut Log, pending: &mut Vec<u8>) {
    let tty = a.tty;
    let mut out = a.out;
    let mut err = if tty { -1 } else { a.err };
    // With a tty the input is the master itself (closed with the output).
    let mut input = if tty { a.out } else { a.stdin };
    if input >= 0 {
        nonblocking(input);
    }
    let mut close_when_drained = false;
    let mut buf = vec![0u8; MAX_PACKET];
    let mut scratch = Vec::with_capacity(MAX_PACKET);
    let mut fds: Vec<libc::pollfd> = Vec::new();
    let mut check = HealthTimer::new(a.health_ms, &a.health);
    while out >= 0 || err >= 0 {
        let client_events = if pending.len() < 64 * 1024 { libc::POLLIN } else { 0 };
        fds.clear();
        fds.push(libc::pollfd { fd: out, events: libc::POLLIN, revents: 0 });
        fds.push(libc::pollfd { fd: err, events: libc::POLLIN, revents: 0 });
        fds.push(libc::pollfd { fd: if pending.is_empty() { -1 } else { input }, events: libc::POLLOUT, revents: 0 });
        fds.push(libc::pollfd { fd: a.listen, events: libc::POLLIN, revents: 0 });
        fds.extend(a.clients.iter().map(|c| libc::pollfd { fd: *c, events: client_events, revents: 0 }));
        // SAFETY: poll over our vector.
        let r = unsafe { libc::poll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, check.timeout()) };
        check.tick();
        if r < 0 {
            if errno() == libc::EINTR {
                continue;
            }
            return;
        }
        let ready = [fds[0].revents != 0, fds[1].revents != 0];
        for (i, ready) in ready.into_iter().enumerate() {
            let fd = if i == 0 { out } else { err };
            if !ready || fd < 0 {
                continue;
            }
            // SAFETY: read into a live buffer.
            let n = unsafe { libc::read(fd, buf.as_mut_ptr().cast(), buf.len() - 1) };
            if n > 0 {
                let data = &buf[..n as usize];
                let (stream, kind): (&[u8], u8) = if i == 0 { (b"stdout", OUT_STDOUT) } else { (b"stderr", OUT_STDERR) };
                log.write_chunk(stream, data);
                a.clients.retain(|c| {
                    let ok = send_packet(*c, kind, data, &mut scratch);
                    if !ok {
                        // SAFETY: our descriptor, dropped from the list.
                        unsafe { libc::close(*c) };
                    }
                    ok
                });
            } else if n == 0 || !matches!(errno(), libc::EINTR | libc::EAGAIN) {
                // EOF, or EIO from a master whose slave is closed everywhere.
                if tty {
                    input = -1;
                }
                if i == 0 {
                    close(&mut out);
                } else {
                    close(&mut err);
                }
            }
        }
        if fds[2].revents != 0 && input >= 0 {
            // SAFETY: write from a live buffer.
            let n = unsafe { libc::write(input, pending.as_ptr().cast(), pending.len()) };
            if n > 0 {
                pending.drain(..n as usize);
            } else if n < 0 && !matches!(errno(), libc::EINTR | libc::EAGAIN) {
                pending.clear();
                if !tty {
                    close(&mut input);
                }
            }
        }
        if fds[3].revents != 0 && a.listen >= 0 {
            // SAFETY: accept4 on our listening socket.
            let c =
                unsafe { libc::accept4(a.listen, std::ptr::null_mut(), std::ptr::null_mut(), libc::SOCK_CLOEXEC | libc::SOCK_NONBLOCK) };
            if c >= 0 {
                a.clients.push(c);
            }
        }
        let mut gone: Vec<usize> = Vec::new();
        for (ci, p) in fds[4..].iter().enumerate() {
            if p.revents == 0 {
                continue;
            }
            let fd = a.clients[ci];
            let n = loop {
                // SAFETY: recv into a live buffer.
                let n = unsafe { libc::recv(fd, buf.as_mut_ptr().cast(), buf.len(), libc::MSG_DONTWAIT) };
                if n < 0 && errno() == libc::EINTR {
                    continue;
                }
                break n;
            };
            if n == 0 {
                gone.push(ci);
                continue;
            }
            if n < 0 {
                if errno() != libc::EAGAIN || p.revents & (libc::POLLHUP | libc::POLLERR) != 0 {
                    gone.push(ci);
                }
                continue;
            }
            let n = n as usize;
            match buf[0] {
                IN_STDIN if input >= 0 => pending.extend_from_slice(&buf[1..n]),
                IN_RESIZE if tty && out >= 0 && n >= 5 => {
                    let ws = libc::winsize {
                        ws_row: u16::from_le_bytes([buf[1], buf[2]]),
                        ws_col: u16::from_le_bytes([buf[3], buf[4]]),
                        ws_xpixel: 0,
                        ws_ypixel: 0,
                    };
                    // SAFETY: TIOCSWINSZ on our master with a valid struct.
                    unsafe { libc::ioctl(out, libc::TIOCSWINSZ, &ws) };
                }
                IN_EOF if tty && input >= 0 => pending.push(4),
                IN_EOF => close_when_drained = true,
                _ => {}
            }
        }
        for ci in gone.into_iter().rev() {
            let mut c = a.clients.remove(ci);
            close(&mut c);
        }
        if pending.is_empty() && close_when_drained {
            close_when_drained = false;
            if !tty {
                close(&mut input);
            }
        }
    }
    if !tty {
        close(&mut input);
    }
}

/// Reaps the container's init; 128+signal when it was killed.
/// The periodic health check: its next time and the check running now.
struct HealthTimer {
    period: i64,
    next: i64,
    running: i32,
    argv: Vec<*const libc::c_char>,
}

impl HealthTimer {
    fn new(period: i64, args: &[CString]) -> HealthTimer {
        let period = if args.is_empty() { 0 } else { period };
        let mut argv: Vec<*const libc::c_char> = args.iter().map(|a| a.as_ptr()).collect();
        argv.push(std::ptr::null());
        HealthTimer { period, next: now_ms() + period, running: 0, argv }
    }

    /// poll's timeout: until the next check, or forever.
    fn timeout(&self) -> c_int {
        if self.period <= 0 {
            return -1;
        }
        (self.next - now_ms()).clamp(0, i32::MAX as i64) as c_int
    }

    /// Reaps a finished check; starts the next one when due (none while one runs).
    fn tick(&mut self) {
        if self.period <= 0 {
            return;
        }
        if self.running > 0 {
            let mut status = 0;
            // SAFETY: waitpid on our own child, not blocking.
            if unsafe { libc::waitpid(self.running, &mut status, libc::WNOHANG) } != 0 {
                self.running = 0;
            }
        }
        let now = now_ms();
        if now < self.next {
            return;
        }
        self.next = now + self.period;
        if self.running > 0 {
            return;
        }
        extern "C" {
            static environ: *const *const libc::c_char;
        }
        // SAFETY: the child only calls execve and _exit (async-signal-safe);
        // every fd of ours is close-on-exec.
        unsafe {
            let pid = libc::fork();
            if pid == 0 {
                libc::execve(self.argv[0], self.argv.as_ptr(), environ);
                libc::_exit(127);
            }
            if pid > 0 {
                self.running = pid;
            }
        }
    }
}

fn wait(pid: i32) -> i32 {
    loop {
        let mut status = 0;
        // SAFETY: waitpid on our child.
        let r = unsafe { libc::waitpid(pid, &mut status, 0) };
        if r == pid {
            if libc::WIFEXITED(status) {
                return libc::WEXITSTATUS(status);
            }
            if libc::WIFSIGNALED(status) {
                return 128 + libc::WTERMSIG(status);
            }
            continue;
        }
        if r < 0 && errno() == libc::EINTR {
            continue;
        }
        return -1;
    }
}

/// Reads all of `fd` from offset 0.
fn read_all(fd: c_int) -> Vec<u8> {
    let mut data = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        // SAFETY: pread into a live buffer.
        let n = unsafe { libc::pread(fd, chunk.as_mut_ptr().cast(), chunk.len(), data.len() as libc::off_t) };
        if n < 0 && errno() == libc::EINTR {
            continue;
        }
        if n <= 0 {
            return data;
        }
        data.extend_from_slice(&chunk[..n as usize]);
    }
}

fn push_num(out: &mut Vec<u8>, v: i64) {
    out.extend_from_slice(v.to_string().as_bytes());
}

/// Execs `sangja __worker` with the request `{"Exited":{...}}` on fd 3, the
/// listening socket on fd 4 (if any) and the clients after it.
fn hand_back(a: &Args, code: i32) -> ! {
    // A pending --timeout alarm would outlive the exec and end the worker.
    // SAFETY: alarm with an integer argument.
    unsafe { libc::alarm(0) };
    // From here a SIGTERM stays pending (across the exec) for the worker,
    // which unblocks it once its own handler is armed (restart.rs).
    // SAFETY: a signal mask change on our only thread.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, libc::SIGTERM);
        libc::sigprocmask(libc::SIG_BLOCK, &set, std::ptr::null_mut());
    }
    let resume = read_all(a.resume);
    let mut req = Vec::with_capacity(resume.len() + 128);
    req.extend_from_slice(b"{\"Exited\":{\"resume\":");
    req.extend_from_slice(&resume);
    req.extend_from_slice(b",\"code\":");
    push_num(&mut req, code as i64);
    req.extend_from_slice(b",\"terminated\":");
    req.extend_from_slice(if TERMINATED.load(Ordering::SeqCst) { b"true" } else { b"false" });
    req.extend_from_slice(b",\"listener\":");
    req.extend_from_slice(if a.listen >= 0 { b"true" } else { b"false" });
    req.extend_from_slice(b",\"clients\":");
    push_num(&mut req, a.clients.len() as i64);
    req.extend_from_slice(b"}}");
    // SAFETY: memfd_create with a constant name; we own the result.
    let mfd = unsafe { libc::memfd_create(c"sangja-request".as_ptr(), libc::MFD_CLOEXEC) };
    let mut done = 0;
    while mfd >= 0 && done < req.len() {
        // SAFETY: write from a live buffer.
        let n = unsafe { libc::write(mfd, req[done..].as_ptr().cast(), req.len() - done) };
        if n <= 0 {
            break;
        }
        done += n as usize;
    }
    // The fds in their places: first out of the way (above every target),
    // then down with dup2, which clears close-on-exec on the copy.
    let mut order = vec![mfd];
    if a.listen >= 0 {
        order.push(a.listen);
    }
    order.extend_from_slice(&a.clients);
    let high: Vec<c_int> = order
        .iter()
        // SAFETY: F_DUPFD_CLOEXEC of descriptors we hold.
        .map(|fd| unsafe { libc::fcntl(*fd, libc::F_DUPFD_CLOEXEC, 3 + order.len() as c_int + 64) })
        .collect();
    for (i, fd) in high.iter().enumerate() {
        // SAFETY: dup2 of a descriptor we hold onto a fixed number.
        unsafe { libc::dup2(*fd, 3 + i as c_int) };
    }
    let exe = a.exe.clone().unwrap_or_default();
    let worker = c"__worker";
    let argv = [exe.as_ptr(), worker.as_ptr(), std::ptr::null()];
    extern "C" {
        static environ: *const *const libc::c_char;
    }
    // SAFETY: execve with NULL-terminated arrays of live C strings.
    unsafe { libc::execve(exe.as_ptr(), argv.as_ptr(), environ) };
    // Nothing else can record the exit: leave with the container's code.
    std::process::exit(code)
}

fn main() {
    let Some(mut a) = parse_args() else {
        std::process::exit(125);
    };
    TARGET.store(a.pid, Ordering::SeqCst);
    // SAFETY: a handler that only touches atomics and calls kill.
    unsafe {
        let mut sa: libc::sigaction = std::mem::zeroed();
        sa.sa_sigaction = on_term as extern "C" fn(c_int) as usize;
        sa.sa_flags = libc::SA_RESTART;
        libc::sigemptyset(&mut sa.sa_mask);
        libc::sigaction(libc::SIGTERM, &sa, std::ptr::null_mut());
        if a.timeout > 0 {
            sa.sa_sigaction = on_alarm as extern "C" fn(c_int) as usize;
            libc::sigaction(libc::SIGALRM, &sa, std::ptr::null_mut());
            libc::alarm(a.timeout);
        }
        // sangja's monitor blocked SIGTERM across its exec of us: one that
        // arrived meanwhile is pending, and is forwarded now.
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, libc::SIGTERM);
        libc::sigprocmask(libc::SIG_UNBLOCK, &set, std::ptr::null_mut());
    }
    // Handed on without close-on-exec; nothing we start may inherit them.
    for fd in [a.resume, a.out, a.err, a.stdin, a.listen, a.early].into_iter().chain(a.clients.iter().copied()) {
        cloexec(fd);
    }
    for c in &a.clients {
        nonblocking(*c);
    }
    if a.tty {
        nonblocking(a.out);
    }
    let mut pending = if a.early >= 0 { read_all(a.early) } else { Vec::new() };
    close(&mut a.early);
    let mut log = Log::open(a.log.clone().unwrap_or_default(), a.max);
    serve(&mut a, &mut log, &mut pending);
    close(&mut log.fd);
    drop(log);
    drop(pending);
    let code = wait(a.pid);
    hand_back(&a, code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
        assert_eq!(civil_from_days(20_793), (2026, 12, 6));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
    }

    #[test]
    fn timestamps_are_rfc3339_nanos_utc() {
        let ts = timestamp();
        let s = std::str::from_utf8(&ts).unwrap();
        let b = s.as_bytes();
        assert_eq!((b[4], b[7], b[10], b[13], b[16], b[19], b[29]), (b'-', b'-', b'T', b':', b':', b'.', b'Z'), "{s}");
        assert!(s.chars().filter(|c| c.is_ascii_digit()).count() == 4 + 2 * 5 + 9, "{s}");
    }
}
