//! The cost of seccomp per `run`, printed for the record (`--nocapture`).

/// The default profile, parsed for default caps and compiled: the cost
/// that seccomp adds to every `run` in user space.
#[test]
fn default_profile_is_cheap() {
    let caps = crate::container::security::DEFAULT_CAPS.iter().copied().collect();
    let start = std::time::Instant::now();
    let n = 20;
    let mut len = 0;
    for _ in 0..n {
        let p = crate::container::seccomp::default_profile(&caps).unwrap();
        len = super::SeccompPlan::new(&p).unwrap().len();
    }
    let each = start.elapsed() / n;
    eprintln!("default seccomp profile: parse + compile {each:?}, {len} BPF instructions");
    assert!(len < 4096, "the kernel's limit per filter");
    assert!(each < std::time::Duration::from_millis(20), "{each:?}");
}
