//! Many in a row (issue 16): sequential `run --rm`, then `run -d` + `rm -f`,
//! rootless, with a census (census.rs) before and after: open fds, mounts,
//! processes and monitors, temp entries, container folders and the store's
//! size must not grow. A witness container runs throughout, so the fds of a
//! live monitor are part of the figures.
//!
//! The test command runs a bounded count; the full soak:
//!
//!     SANGJA_SOAK_RUNS=1000 SANGJA_SOAK_DETACHED=200 \
//!         cargo test --release --test reliability soak -- --nocapture

use crate::census::{self, command, Census};
use crate::process::{spawn_retry, wait_output, Out, TIMEOUT};
use crate::util::{Sangja, BUSYBOX};
use std::time::Instant;

fn env_num(var: &str, default: usize) -> usize {
    std::env::var(var).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn run(s: &Sangja, args: &[&str]) -> Out {
    let child = spawn_retry(&mut command(s, args));
    let out = wait_output(child, format!("sangja --root {} {}", s.root.display(), args.join(" ")), None, TIMEOUT);
    assert_eq!(out.code, 0, "soak step failed:{out:?}");
    out
}

/// The store may grow by this much (bytes): the first runs create lock
/// files and a few small records that then stay the same size.
const STORE_SLACK: u64 = 64 << 10;

fn no_growth(what: &str, before: &Census, after: &Census) {
    eprintln!("soak {what}: before {before}\nsoak {what}: after  {after}");
    assert_eq!(after.processes, before.processes, "{what}: processes grew: {:?} -> {:?}", before.who, after.who);
    assert_eq!(after.monitors, before.monitors, "{what}: monitors grew: {:?}", after.who);
    assert!(after.fds <= before.fds, "{what}: open fds grew: {} -> {} ({:?})", before.fds, after.fds, after.who);
    assert!(
        after.passt_fds <= before.passt_fds + 64,
        "{what}: passt's fds grew past its socket pools: {} -> {}",
        before.passt_fds,
        after.passt_fds
    );
    assert!(after.mounts <= before.mounts, "{what}: mounts grew: {} -> {}", before.mounts, after.mounts);
    assert_eq!(after.tmp_entries, 0, "{what}: temp entries left");
    assert!(after.container_dirs <= before.container_dirs, "{what}: container folders grew");
    assert!(
        after.store_bytes <= before.store_bytes + STORE_SLACK,
        "{what}: the store grew by {} bytes",
        after.store_bytes.saturating_sub(before.store_bytes)
    );
}

/// A census once the figures hold still for a second: passt (the witness's
/// network) fills its pools of pre-opened sockets (32 TCP + 32 UDP) on a
/// timer after it starts, which is no leak but moves the fd count by 64.
fn settled(s: &Sangja) -> Census {
    let mut last = census::take(s);
    for _ in 0..20 {
        std::thread::sleep(std::time::Duration::from_millis(1000));
        let now = census::take(s);
        if now.fds == last.fds && now.processes == last.processes && now.store_bytes == last.store_bytes {
            return now;
        }
        last = now;
    }
    last
}

#[test]
fn soak() {
    let Some(s) = Sangja::rootless("soak") else { return };
    let runs = env_num("SANGJA_SOAK_RUNS", 60);
    let detached = env_num("SANGJA_SOAK_DETACHED", 20);
    let tls = "--tls-verify=false";
    // Warm-up: the image, the store's folders and locks, one of each.
    run(&s, &["run", "-d", "--name", "rel-suites-witness", tls, BUSYBOX, "sleep", "100000"]);
    run(&s, &["run", "--rm", BUSYBOX, "true"]);
    run(&s, &["run", "-d", "--name", "rel-suites-warm", BUSYBOX, "sleep", "60"]);
    run(&s, &["rm", "-f", "rel-suites-warm"]);

    let before = settled(&s);
    let start = Instant::now();
    for i in 0..runs {
        let out = run(&s, &["run", "--rm", BUSYBOX, "echo", &format!("run {i}")]);
        assert_eq!(out.stdout.trim(), format!("run {i}"), "run --rm {i}:{out:?}");
    }
    let t_runs = start.elapsed();
    let mid = settled(&s);
    no_growth(&format!("{runs} x run --rm"), &before, &mid);

    let start = Instant::now();
    for i in 0..detached {
        let name = format!("rel-suites-d{i}");
        run(&s, &["run", "-d", "--name", &name, BUSYBOX, "sleep", "60"]);
        run(&s, &["rm", "-f", &name]);
    }
    let t_detached = start.elapsed();
    let after = settled(&s);
    no_growth(&format!("{detached} x run -d + rm -f"), &mid, &after);
    eprintln!(
        "soak: {runs} x run --rm in {:.1}s ({:.0} ms each), {detached} x run -d + rm -f in {:.1}s ({:.0} ms each)",
        t_runs.as_secs_f64(),
        t_runs.as_secs_f64() * 1000.0 / runs.max(1) as f64,
        t_detached.as_secs_f64(),
        t_detached.as_secs_f64() * 1000.0 / detached.max(1) as f64
    );
    run(&s, &["rm", "-f", "rel-suites-witness"]);
    let end = census::take(&s);
    assert_eq!(end.processes, 0, "processes left after the last rm: {:?}", end.who);
    assert_eq!(end.container_dirs, 0, "container folders left");
    census::system_check(&s);
}
