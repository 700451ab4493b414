//! Keeps the CPUs awake between requests while requests are flowing.
//!
//! Each request is a round trip: the kernel wakes a server thread, the
//! server's reply wakes the caller. When the CPU a wakeup goes to is idle it
//! has halted, and in a virtual machine leaving a halt is a trip through the
//! hypervisor: tens of microseconds, more than the request itself costs (a
//! guest kernel's haltpoll idle driver polls for that reason, where it is on).
//! While requests come back to back, one thread per CPU spins at SCHED_IDLE
//! priority: it runs only when nothing else wants the CPU, gives the CPU up at
//! once to any task that wakes, and keeps the CPU from halting. A short while
//! after the last request the spinners park; an idle container costs nothing.
//!
//! Measured on this project's 2-CPU VM (`cat` of 8106 files, then again,
//! three runs each way): cold 913-1776 ms -> 878-914 ms, warm 643-795 ms ->
//! 394-492 ms. SANGJA_FUSE_SPIN=0 turns it off.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::thread::Thread;
use std::time::{Duration, Instant};

/// How long after the last request the spinners keep spinning.
const WINDOW: Duration = Duration::from_micros(500);
/// At most this many spinners (one per CPU up to it).
const MAX_SPINNERS: usize = 4;

pub(super) struct Awake {
    start: Instant,
    /// When the last request came, in ns since `start`.
    last: AtomicU64,
    /// Whether the spinners are (or are about to be) parked.
    parked: AtomicBool,
    spinners: OnceLock<Vec<Thread>>,
}

impl Awake {
    /// Starts one spinner per CPU (none on a single CPU: the caller's own CPU
    /// is busy with the request). `None` when turned off with SANGJA_FUSE_SPIN=0.
    pub(super) fn start() -> Option<Arc<Awake>> {
        if std::env::var("SANGJA_FUSE_SPIN").is_ok_and(|v| v == "0") {
            return None;
        }
        let cpus = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
        if cpus < 2 {
            return None;
        }
        // A big machine is not kept awake whole: the request threads and the
        // callers they wake fit on a few CPUs.
        let cpus = cpus.min(MAX_SPINNERS);
        let a =
            Arc::new(Awake { start: Instant::now(), last: AtomicU64::new(0), parked: AtomicBool::new(true), spinners: OnceLock::new() });
        let mut threads = Vec::new();
        for i in 0..cpus {
            let me = a.clone();
            let t = std::thread::Builder::new().name(format!("fuse-awake-{i}")).spawn(move || me.spin()).ok()?;
            threads.push(t.thread().clone());
        }
        let _ = a.spinners.set(threads);
        Some(a)
    }

    fn now(&self) -> u64 {
        u64::try_from(self.start.elapsed().as_nanos()).unwrap_or(u64::MAX)
    }

    /// A request came: spin (again) for a while.
    pub(super) fn touch(&self) {
        self.last.store(self.now(), Ordering::Relaxed);
        if self.parked.load(Ordering::Relaxed) && self.parked.swap(false, Ordering::AcqRel) {
            for t in self.spinners.get().into_iter().flatten() {
                t.unpark();
            }
        }
    }

    fn spin(&self) {
        // SCHED_IDLE: below every normal task; lowering one's own priority
        // needs no privilege. Without it the spinner would compete for the CPU.
        let param = libc::sched_param { sched_priority: 0 };
        // SAFETY: pid 0 is this thread; a valid sched_param.
        if unsafe { libc::sched_setscheduler(0, libc::SCHED_IDLE, &param) } != 0 {
            return;
        }
        let window = u64::try_from(WINDOW.as_nanos()).unwrap_or(u64::MAX);
        loop {
            if self.now().saturating_sub(self.last.load(Ordering::Relaxed)) > window {
                self.parked.store(true, Ordering::Release);
                // A touch between the check and here unparks us; the timeout
                // bounds a lost wakeup to one sleep.
                std::thread::park_timeout(Duration::from_millis(100));
                continue;
            }
            for _ in 0..64 {
                std::hint::spin_loop();
            }
        }
    }
}
