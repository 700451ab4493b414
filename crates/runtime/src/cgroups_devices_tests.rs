//! The device program checked three ways: an interpreter of its few
//! instructions against the reference (`permits`) over many nodes and rule
//! sets; the kernel's verifier (load, as root); and, as root where a v2
//! hierarchy is mounted (alone or beside v1), the kernel enforcing it on a
//! real process.

use super::*;
use oci_spec::runtime::{Linux, LinuxResources};

fn spec_with(devices: Option<Vec<LinuxDeviceCgroup>>) -> Spec {
    let mut res = LinuxResources::default();
    res.set_devices(devices);
    let mut linux = Linux::default();
    linux.set_resources(Some(res));
    let mut spec = Spec::default();
    spec.set_linux(Some(linux));
    spec
}

/// Runs the program on one request; panics on anything it does not emit.
fn run(code: &[Insn], kind: Kind, major: u32, minor: u32, access: u32) -> u64 {
    let ctx = [(access << 16) | if kind == Kind::Block { 1 } else { 2 }, major, minor];
    let mut reg = [0u64; 11];
    let mut pc = 0usize;
    for _ in 0..10_000 {
        let i = code[pc];
        let (d, s) = (i.dst as usize, i.src as usize);
        let mut next = pc + 1;
        match i.code {
            LDX_W => {
                assert_eq!(s, 1, "loads only from the context");
                reg[d] = ctx[i.off as usize / 4] as u64;
            }
            MOV_X => reg[d] = reg[s],
            MOV_K => reg[d] = i.imm as i64 as u64,
            AND_K => reg[d] &= i.imm as i64 as u64,
            RSH_K => reg[d] >>= i.imm,
            JA => next = (pc as i64 + 1 + i.off as i64) as usize,
            JEQ_K | JNE_K => {
                assert!(i.off >= 0, "forward jumps only");
                let eq = reg[d] == i.imm as i64 as u64;
                if eq == (i.code == JEQ_K) {
                    next = pc + 1 + i.off as usize;
                }
            }
            EXIT => return reg[0],
            c => panic!("unexpected opcode {c:#x}"),
        }
        pc = next;
    }
    panic!("the program did not end")
}

fn rule(allow: bool, kind: Option<Kind>, major: Option<u32>, minor: Option<u32>, access: u32) -> Rule {
    Rule { allow, kind, major, minor, access }
}

fn rule_sets() -> Vec<(&'static str, Vec<Rule>)> {
    let default = rules(&spec_with(None)).unwrap();
    let mut with_tun = default.clone();
    with_tun.push(rule(true, Some(Kind::Char), Some(10), Some(200), ACC_READ));
    let all = ACC_MKNOD | ACC_READ | ACC_WRITE;
    vec![
        ("default", default),
        ("default + tun:r", with_tun),
        ("privileged", vec![rule(true, None, None, None, all)]),
        ("deny all", vec![rule(false, None, None, None, all)]),
        ("empty", vec![]),
        (
            "overlapping bits",
            vec![
                rule(true, None, None, None, all),
                rule(false, Some(Kind::Char), Some(1), None, ACC_WRITE | ACC_MKNOD),
                rule(true, Some(Kind::Char), Some(1), Some(3), ACC_WRITE),
                rule(false, Some(Kind::Block), None, Some(0), ACC_READ),
            ],
        ),
        (
            "allow then narrower deny",
            vec![
                rule(false, None, None, None, all),
                rule(true, Some(Kind::Block), Some(7), None, all),
                rule(false, Some(Kind::Block), Some(7), Some(1), ACC_READ),
                rule(true, None, Some(5), None, ACC_READ),
            ],
        ),
    ]
}

#[test]
fn program_matches_the_rules() {
    for (name, rules) in rule_sets() {
        let code = program(&rules);
        for kind in [Kind::Block, Kind::Char] {
            for major in [0, 1, 5, 7, 10, 136, 254, 4095] {
                for minor in [0, 1, 2, 3, 5, 7, 8, 9, 200, 229, 70000] {
                    for access in 1..=7 {
                        let want = permits(&rules, kind, major, minor, access);
                        let got = run(&code, kind, major, minor, access) == 1;
                        assert_eq!(got, want, "{name}: {kind:?} {major}:{minor} access {access}");
                    }
                }
            }
        }
    }
}

#[test]
fn default_list() {
    let r = rules(&spec_with(None)).unwrap();
    assert_eq!(r, rules(&spec_with(Some(vec![]))).unwrap());
    let rw = ACC_READ | ACC_WRITE;
    for (major, minor) in [(1, 3), (1, 5), (1, 7), (1, 8), (1, 9), (5, 0), (5, 1), (5, 2), (136, 0), (136, 17)] {
        assert!(permits(&r, Kind::Char, major, minor, rw), "{major}:{minor}");
    }
    // mem, kmsg, tun, fuse, a disk: refused; any node may still be made.
    for (kind, major, minor) in
        [(Kind::Char, 1, 1), (Kind::Char, 1, 11), (Kind::Char, 10, 200), (Kind::Char, 10, 229), (Kind::Block, 254, 0)]
    {
        assert!(!permits(&r, kind, major, minor, ACC_READ), "{major}:{minor}");
        assert!(!permits(&r, kind, major, minor, ACC_WRITE), "{major}:{minor}");
        assert!(permits(&r, kind, major, minor, ACC_MKNOD), "{major}:{minor}");
    }
    assert!(!allows_all(&r));
    let lines = v1_lines(&r);
    assert_eq!(lines[0], ("devices.deny", "a".to_string()));
    assert_eq!(lines.len(), 12);
    assert!(lines.contains(&("devices.allow", "c *:* m".to_string())));
    assert!(lines.contains(&("devices.allow", "c 136:* rwm".to_string())));
}

#[test]
fn privileged_allows_all() {
    let spec = spec_with(Some(vec![spec_rule(true, LinuxDeviceType::A, None, None, "rwm")]));
    let r = rules(&spec).unwrap();
    assert!(allows_all(&r));
    assert_eq!(v1_lines(&r), vec![("devices.allow", "a".to_string())]);
    // A deny after it, however narrow, is not "all".
    let mut narrower = r.clone();
    narrower.push(rule(false, Some(Kind::Char), Some(1), Some(1), ACC_READ));
    assert!(!allows_all(&narrower));
    // Only the program's allow exit: no unreachable deny block for the verifier.
    let code = program(&r);
    assert!(code.iter().filter(|i| i.code == EXIT).count() == 1, "{code:?}");
}

#[test]
fn v1_starts_from_nothing() {
    // Read-only for everything is not "a": it starts from deny-all, then both kinds.
    let r = vec![rule(true, None, None, None, ACC_READ)];
    assert_eq!(v1_lines(&r), vec![("devices.deny", "a".into()), ("devices.allow", "b *:* r".into()), ("devices.allow", "c *:* r".into())]);
}

#[test]
fn bad_rules_refused() {
    let bad = spec_rule(true, LinuxDeviceType::C, Some(1), Some(3), "rx");
    assert!(rules(&spec_with(Some(vec![bad]))).is_err());
    let mut big = spec_rule(true, LinuxDeviceType::C, Some(1), Some(3), "r");
    big.set_major(Some(1 << 40));
    assert!(rules(&spec_with(Some(vec![big]))).is_err());
}

fn is_root() -> bool {
    nix::unistd::geteuid().is_root()
}

/// The kernel's verifier takes every program we make.
#[test]
fn verifier_accepts() {
    if !is_root() {
        eprintln!("skipped: loading a BPF program needs root");
        return;
    }
    for (name, rules) in rule_sets() {
        load(&program(&rules)).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
}

/// Attached to a fresh v2 cgroup, the default program lets a process in it
/// open /dev/null and refuses /dev/net/tun (EPERM).
#[test]
fn kernel_enforces_program() {
    use std::os::unix::process::CommandExt;
    let Some(mount) =
        ["/sys/fs/cgroup/unified", "/sys/fs/cgroup"].iter().map(std::path::Path::new).find(|m| m.join("cgroup.controllers").is_file())
    else {
        eprintln!("skipped: no cgroup v2 hierarchy");
        return;
    };
    if !is_root() || !std::path::Path::new("/dev/net/tun").exists() {
        eprintln!("skipped: needs root and /dev/net/tun");
        return;
    }
    let dir = mount.join(format!("sangja-devtest-{}", std::process::id()));
    std::fs::create_dir(&dir).unwrap();
    let cleanup = scopeguard(dir.clone());
    let cg = nix::fcntl::open(&dir, nix::fcntl::OFlag::O_RDONLY | nix::fcntl::OFlag::O_DIRECTORY, nix::sys::stat::Mode::empty()).unwrap();
    let prog = load(&program(&rules(&spec_with(None)).unwrap())).unwrap();
    attach(&prog, &cg).unwrap();
    let procs = std::ffi::CString::new(dir.join("cgroup.procs").into_os_string().into_encoded_bytes()).unwrap();
    let mut cmd = std::process::Command::new("/bin/sh");
    cmd.args(["-c", "exec 3</dev/null || exit 3; if ( exec 4<>/dev/net/tun ); then exit 4; fi; exit 0"]);
    // SAFETY: only open/write/close between fork and exec.
    unsafe {
        cmd.pre_exec(move || {
            let fd = libc::open(procs.as_ptr(), libc::O_WRONLY);
            if fd < 0 || libc::write(fd, b"0".as_ptr().cast(), 1) != 1 {
                return Err(std::io::Error::last_os_error());
            }
            libc::close(fd);
            Ok(())
        });
    }
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("Operation not permitted"), "{out:?}");
    drop(cleanup);
}

/// Removes the test cgroup however the test ends.
struct Guard(std::path::PathBuf);
impl Drop for Guard {
    fn drop(&mut self) {
        for _ in 0..100 {
            if std::fs::remove_dir(&self.0).is_ok() || !self.0.exists() {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
    }
}
fn scopeguard(p: std::path::PathBuf) -> Guard {
    Guard(p)
}
