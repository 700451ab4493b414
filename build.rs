//! Embeds what `sangja version` shows about the build: the git commit (read
//! from .git without running git), the compiler's version and the build time.
//! Reruns only when the checked-out commit changes (HEAD or its ref), so an
//! edit of a source file does not rerun it.

use std::fs;
use std::path::{Path, PathBuf};

/// The .git folder, following a worktree's `gitdir:` file.
fn git_dir(top: &Path) -> Option<PathBuf> {
    let dot = top.join(".git");
    if dot.is_dir() {
        return Some(dot);
    }
    let text = fs::read_to_string(&dot).ok()?;
    let dir = text.strip_prefix("gitdir:")?.trim();
    Some(top.join(dir))
}

fn watch(path: &Path) {
    if path.exists() {
        println!("cargo:rerun-if-changed={}", path.display());
    }
}

fn commit(top: &Path) -> String {
    let Some(git) = git_dir(top) else { return String::new() };
    // A worktree keeps its refs in the main repository (commondir).
    let common = fs::read_to_string(git.join("commondir")).map(|c| git.join(c.trim())).unwrap_or_else(|_| git.clone());
    let head_path = git.join("HEAD");
    watch(&head_path);
    let Ok(head) = fs::read_to_string(&head_path) else { return String::new() };
    let head = head.trim();
    let Some(name) = head.strip_prefix("ref:").map(str::trim) else {
        return head.to_string(); // detached HEAD: the commit itself
    };
    let loose = common.join(name);
    watch(&loose);
    // A branch made after this build appears as a new loose ref in this folder.
    if !loose.exists() {
        if let Some(parent) = loose.parent() {
            watch(parent);
        }
    }
    let packed = common.join("packed-refs");
    watch(&packed);
    if let Ok(id) = fs::read_to_string(&loose) {
        return id.trim().to_string();
    }
    fs::read_to_string(&packed)
        .ok()
        .and_then(|t| t.lines().find_map(|l| l.strip_suffix(name).map(|id| id.trim().to_string())))
        .unwrap_or_default()
}

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=SOURCE_DATE_EPOCH");
    let top = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| ".".into()));
    println!("cargo:rustc-env=SANGJA_GIT_COMMIT={}", commit(&top));
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let version = std::process::Command::new(rustc)
        .arg("--version")
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).split_whitespace().nth(1).unwrap_or("").to_string())
        .unwrap_or_default();
    println!("cargo:rustc-env=SANGJA_RUST_VERSION={version}");
    // Reproducible builds set SOURCE_DATE_EPOCH; otherwise the time of this run.
    let built = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.parse::<u64>().ok())
        .unwrap_or_else(|| std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0));
    println!("cargo:rustc-env=SANGJA_BUILT={built}");
}
