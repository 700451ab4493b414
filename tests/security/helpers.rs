//! Attack programs: small static C programs, compiled once per test run into
//! a folder every test user can read, to bind-mount into containers
//! (`-v DIR:/x:ro`, then run `/x/NAME`). Static, so they run in any image.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

/// Where compiled helpers live (readable by the rootless test user).
const HELPER_BASE: &str = "/tmp/sangja-tests/helpers";

static COMPILE: Mutex<()> = Mutex::new(());

/// Compiles `source` (C) into a static program called `name` and returns
/// the folder that holds it: mount that folder into the container.
/// Compiled once per content; panics with the compiler's output on failure.
pub fn static_program(name: &str, source: &str) -> PathBuf {
    let _guard = COMPILE.lock().unwrap_or_else(|e| e.into_inner());
    let hash = fnv(source.as_bytes());
    let dir = Path::new(HELPER_BASE).join(format!("{name}-{hash:016x}"));
    let bin = dir.join(name);
    if bin.exists() {
        return dir;
    }
    for d in [Path::new("/tmp/sangja-tests"), Path::new(HELPER_BASE), &dir] {
        fs::create_dir_all(d).unwrap();
        fs::set_permissions(d, fs::Permissions::from_mode(0o755)).unwrap();
    }
    let src = dir.join(format!("{name}.c"));
    fs::write(&src, source).unwrap();
    let tmp = dir.join(format!("{name}.tmp-{}", std::process::id()));
    let out = Command::new("cc")
        .args(["-static", "-O1", "-Wall", "-o"])
        .arg(&tmp)
        .arg(&src)
        .output()
        .expect("run cc (gcc and libc6-dev: bash tests/setup.sh installs them)");
    assert!(out.status.success(), "cc {name}.c failed:\n{}", String::from_utf8_lossy(&out.stderr));
    fs::set_permissions(&tmp, fs::Permissions::from_mode(0o755)).unwrap();
    fs::rename(&tmp, &bin).unwrap();
    dir
}

/// `-v DIR:/x:ro` for a helper folder.
pub fn mount_arg(dir: &Path) -> String {
    format!("{}:/x:ro", dir.display())
}

fn fnv(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf29ce484222325;
    for b in bytes {
        h ^= *b as u64;
        h = h.wrapping_mul(0x100000001b3);
    }
    h
}
