//! Fault injection: each operation that changes the store is started, its
//! whole process tree is sent SIGKILL at a random instant within the time
//! the operation takes, and then:
//! 1. `system check` passes, or `system check --repair` fixes the store (and
//!    a second `system check` passes);
//! 2. the operation, with its precondition set up again, succeeds.
//!
//! Seeded (xorshift): the seed is printed at the start and in every failure,
//! with the operation and the delay. `SANGJA_FAULTS` sets the number of kills
//! (default 200: 160 rootless, in two stores at once, and 40 as root),
//! `SANGJA_FAULTS_SEED` the seed. tests/reliability/README.md has the long run.

use crate::util::*;
use std::collections::{HashMap, HashSet};
use std::os::unix::process::CommandExt;
use std::process::Stdio;
use std::time::{Duration, Instant};

/// Small, seedable, good enough to spread delays.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
    fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            0
        } else {
            self.next() % n
        }
    }
}

fn env_u64(name: &str) -> Option<u64> {
    std::env::var(name).ok().and_then(|v| v.trim().parse().ok())
}

fn seed() -> u64 {
    env_u64("SANGJA_FAULTS_SEED").unwrap_or_else(|| {
        let t = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos() as u64).unwrap_or(1);
        t ^ (std::process::id() as u64) << 32
    }) | 1
}

fn total_kills() -> u64 {
    env_u64("SANGJA_FAULTS").unwrap_or(200)
}

/// One operation: how to set up its precondition, and the command to kill.
struct Op {
    name: &'static str,
    prep: fn(&Sangja, &str) -> Vec<Vec<String>>,
    cmd: fn(&str) -> Vec<String>,
}

fn v(args: &[&str]) -> Vec<String> {
    args.iter().map(|s| s.to_string()).collect()
}

/// The operations of issue 16; `p` prefixes this worker's object names.
fn ops() -> Vec<Op> {
    vec![
        Op { name: "pull", prep: |_, _| vec![v(&["rmi", "-f", LAYERED])], cmd: |_| v(&["pull", "-q", "--tls-verify=false", LAYERED]) },
        Op {
            name: "create",
            prep: |_, p| vec![v(&["rm", "-f", &format!("{p}c")])],
            cmd: |p| v(&["create", "--name", &format!("{p}c"), BUSYBOX, "true"]),
        },
        Op {
            name: "run",
            prep: |_, p| vec![v(&["rm", "-f", &format!("{p}r")])],
            cmd: |p| v(&["run", "--name", &format!("{p}r"), BUSYBOX, "true"]),
        },
        Op {
            name: "run -d",
            prep: |_, p| vec![v(&["rm", "-f", &format!("{p}d")])],
            cmd: |p| v(&["run", "-d", "--name", &format!("{p}d"), BUSYBOX, "sleep", "1000"]),
        },
        Op {
            name: "stop",
            prep: |_, p| vec![v(&["rm", "-f", &format!("{p}s")]), v(&["run", "-d", "--name", &format!("{p}s"), BUSYBOX, "sleep", "1000"])],
            cmd: |p| v(&["stop", "-t", "1", &format!("{p}s")]),
        },
        Op {
            name: "rm",
            prep: |_, p| vec![v(&["rm", "-f", &format!("{p}x")]), v(&["create", "--name", &format!("{p}x"), BUSYBOX, "true"])],
            cmd: |p| v(&["rm", &format!("{p}x")]),
        },
        Op {
            name: "rm -f",
            prep: |_, p| vec![v(&["rm", "-f", &format!("{p}y")]), v(&["run", "-d", "--name", &format!("{p}y"), BUSYBOX, "sleep", "1000"])],
            cmd: |p| v(&["rm", "-f", &format!("{p}y")]),
        },
        Op { name: "rmi", prep: |_, _| vec![v(&["pull", "-q", "--tls-verify=false", LAYERED])], cmd: |_| v(&["rmi", LAYERED]) },
        Op {
            name: "commit",
            prep: |s, p| {
                let name = format!("{p}m");
                if s.run(&["inspect", "--type", "container", &name]).code == 0 {
                    Vec::new()
                } else {
                    vec![v(&["run", "--name", &name, BUSYBOX, "sh", "-c", "echo fault > /f"])]
                }
            },
            cmd: |p| v(&["commit", &format!("{p}m"), &format!("localhost/{p}img")]),
        },
        Op {
            name: "volume create",
            prep: |_, p| vec![v(&["volume", "rm", "-f", &format!("{p}v")])],
            cmd: |p| v(&["volume", "create", &format!("{p}v")]),
        },
        Op {
            name: "volume rm",
            prep: |_, p| vec![v(&["volume", "create", "--ignore", &format!("{p}w")])],
            cmd: |p| v(&["volume", "rm", &format!("{p}w")]),
        },
        Op {
            name: "network create",
            prep: |_, p| vec![v(&["network", "rm", "-f", &format!("{p}n")])],
            cmd: |p| v(&["network", "create", &format!("{p}n")]),
        },
        Op {
            name: "network rm",
            prep: |s, p| {
                let n = format!("{p}o");
                if s.run(&["network", "inspect", &n]).code == 0 {
                    Vec::new()
                } else {
                    vec![v(&["network", "create", &n])]
                }
            },
            cmd: |p| v(&["network", "rm", &format!("{p}o")]),
        },
    ]
}

/// Pids of `root` and every process below it.
fn descendants(root: u32) -> Vec<u32> {
    let mut children: HashMap<u32, Vec<u32>> = HashMap::new();
    if let Ok(rd) = std::fs::read_dir("/proc") {
        for e in rd.flatten() {
            let Ok(pid) = e.file_name().to_string_lossy().parse::<u32>() else { continue };
            let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else { continue };
            let Some(after) = stat.rfind(')').map(|i| &stat[i + 1..]) else { continue };
            if let Some(ppid) = after.split_whitespace().nth(1).and_then(|p| p.parse::<u32>().ok()) {
                children.entry(ppid).or_default().push(pid);
            }
        }
    }
    let mut out = vec![root];
    let mut seen: HashSet<u32> = HashSet::from([root]);
    let mut i = 0;
    while i < out.len() {
        for c in children.get(&out[i]).cloned().unwrap_or_default() {
            if seen.insert(c) {
                out.push(c);
            }
        }
        i += 1;
    }
    out
}

/// SIGKILL to the tree under `pid` and to its process group (it leads one of its own).
fn kill_tree(pid: u32) {
    let mut args = vec!["-KILL".to_string(), "--".to_string(), format!("-{pid}")];
    args.extend(descendants(pid).into_iter().map(|p| p.to_string()));
    let _ = std::process::Command::new("/bin/kill").args(&args).stdout(Stdio::null()).stderr(Stdio::null()).status();
}

/// Runs `args` in a process group of its own, killed after `delay`; returns
/// whether it had finished by then.
fn run_and_kill(s: &Sangja, args: &[String], delay: Duration) -> bool {
    let mut cmd = s.command(args);
    cmd.process_group(0).stdout(Stdio::null()).stderr(Stdio::null());
    let mut child = spawn_retry(&mut cmd);
    let start = Instant::now();
    loop {
        if let Ok(Some(_)) = child.try_wait() {
            return true;
        }
        if start.elapsed() >= delay {
            break;
        }
        std::thread::sleep(Duration::from_micros(500));
    }
    kill_tree(child.id());
    let _ = child.wait();
    false
}

fn prep(s: &Sangja, op: &Op, p: &str) {
    for args in (op.prep)(s, p) {
        let _ = s.run(&args);
    }
}

/// `count` kills spread over the operations, in one store.
/// Returns (tries, repairs needed).
fn inject(s: &Sangja, worker: &str, seed: u64, count: u64) -> (u64, u64) {
    let mut rng = Rng(seed);
    let ops = ops();
    let p = format!("rc{worker}");
    s.pull(BUSYBOX);
    // How long each operation takes here, unkilled: the window for the kills.
    let mut took = Vec::new();
    for op in &ops {
        prep(s, op, &p);
        let t = Instant::now();
        s.ok(&(op.cmd)(&p));
        took.push(t.elapsed());
    }
    eprintln!("faults [{worker}] seed {seed}: operation times {:?}", ops.iter().map(|o| o.name).zip(took.iter()).collect::<Vec<_>>());
    // Counted are kills that landed (the command was still at work); one that
    // came after the end still checks the store, but does not count.
    let (mut landed, mut attempts, mut repaired) = (0, 0u64, 0);
    while landed < count {
        attempts += 1;
        assert!(attempts <= count * 4 + 20, "[{worker}] seed {seed}: too few kills landed ({landed} of {attempts})");
        let i = attempts as usize % ops.len();
        let op = &ops[i];
        let window = took[i].as_micros() as u64;
        let delay = Duration::from_micros(rng.below(window.max(1)));
        let what = format!("[{worker}] seed {seed}, attempt {attempts}: `{}` killed after {delay:?} (of {:?})", op.name, took[i]);
        prep(s, op, &p);
        if !run_and_kill(s, &(op.cmd)(&p), delay) {
            landed += 1;
        }
        let check = s.run(&["system", "check"]);
        if check.code != 0 {
            let fix = s.run(&["system", "check", "--repair"]);
            assert_eq!(fix.code, 0, "{what}: system check --repair did not fix the store:{check:?}{fix:?}");
            s.run(&["system", "check"]).code(0);
            repaired += 1;
            if std::env::var_os("SANGJA_FAULTS_VERBOSE").is_some() {
                eprintln!("faults {what}: repaired:\n{}", fix.stdout);
            }
        }
        prep(s, op, &p);
        let t = Instant::now();
        let again = s.run(&(op.cmd)(&p));
        assert_eq!(again.code, 0, "{what}: the same operation failed afterwards:{check:?}{again:?}");
        // The window follows what the operation takes now (caches warm up).
        took[i] = (took[i] * 3 + t.elapsed()) / 4;
    }
    // Nothing left that would trip a later user.
    let _ = s.run(&["rm", "-f", "--all"]);
    s.ok(&["system", "check"]);
    (attempts, repaired)
}

#[test]
fn kill9_rootless() {
    let seed = seed();
    let kills = total_kills() - total_kills() / 5;
    let workers: Vec<_> = (0..2u64)
        .map(|w| {
            std::thread::spawn(move || {
                let Some(s) = Sangja::rootless(&format!("faults{w}")) else { return (0, 0) };
                let n = kills / 2 + if w == 0 { kills % 2 } else { 0 };
                inject(&s, &format!("user{w}"), seed.wrapping_add(w * 0x9e37_79b9), n)
            })
        })
        .collect();
    let mut totals = (0, 0);
    for w in workers {
        let (a, r) = w.join().expect("a fault worker failed (its message is above)");
        totals = (totals.0 + a, totals.1 + r);
    }
    eprintln!("faults rootless, seed {seed}: {kills} kills landed (of {} tries), {} needed --repair; all survived", totals.0, totals.1);
}

#[test]
fn kill9_root() {
    let seed = seed();
    let Some(s) = Sangja::root("faults-root") else { return };
    let kills = total_kills() / 5;
    let (a, r) = inject(&s, "root", seed.wrapping_add(7), kills);
    eprintln!("faults root, seed {seed}: {kills} kills landed (of {a} tries), {r} needed --repair; all survived");
}
