//! The FUSE overlay filesystem itself (storage::fuse), through the hidden
//! `sangja __fuse-mount`: tests/fs/check.sh must print the same on kernel
//! overlay and on ours, and an upper layer written by either driver must read
//! the same through the other.

use crate::util::{tests_dir, Mode, Sangja};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Runs a shell script as the test's user (outside any namespace).
fn user_sh(s: &Sangja, script: &str) -> std::process::Output {
    let mut cmd = Command::new("sh");
    cmd.arg("-c").arg(script).env_clear().env("PATH", "/usr/local/bin:/usr/bin:/bin").current_dir(&s.dir);
    if let Mode::Rootless { user, switch: true } = &s.mode {
        cmd.uid(user.uid).gid(user.gid);
    }
    let out = cmd.output().expect("run sh");
    assert!(out.status.success(), "{script}: {}", String::from_utf8_lossy(&out.stderr));
    out
}

fn fs_script(name: &str) -> PathBuf {
    tests_dir().join("fs").join(name)
}

/// Two lower layers, an upper and work folder and a mount point under `at`.
fn layers(s: &Sangja, at: &Path) {
    let key = if s.is_rootless() { "user.overlay.opaque" } else { "trusted.overlay.opaque" };
    let d = at.display();
    user_sh(s, &format!("mkdir -p {d}/l1 {d}/l2 {d}/up {d}/work {d}/work2 {d}/mnt && sh {} {key} {d}/l1 {d}/l2", fs_script("make-layers.sh").display()));
}

/// The first line where two outputs differ (whole outputs are long).
fn same(what: &str, got: &str, want: &str) {
    if got != want {
        let (g, w): (Vec<&str>, Vec<&str>) = (got.lines().collect(), want.lines().collect());
        let i = g.iter().zip(&w).position(|(a, b)| a != b).unwrap_or(g.len().min(w.len()));
        panic!("{what}: line {} differs:\n  got:  {:?}\n  want: {:?}", i + 1, g.get(i), w.get(i));
    }
}

/// `sangja __fuse-mount [--kernel WORK] l1:l2 UP MNT -- sh -c SCRIPT`.
fn mounted(s: &Sangja, at: &Path, upper_of: &Path, kernel_work: Option<&str>, script: &str) -> String {
    let mut args: Vec<String> = vec!["__fuse-mount".into()];
    if let Some(w) = kernel_work {
        args.push("--kernel".into());
        args.push(upper_of.join(w).display().to_string());
    }
    args.push(format!("{}:{}", at.join("l1").display(), at.join("l2").display()));
    args.push(upper_of.join("up").display().to_string());
    args.push(at.join("mnt").display().to_string());
    args.extend(["--".into(), "sh".into(), "-c".into(), format!("cd {} && {script}", at.join("mnt").display())]);
    let out = s.run(&args);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stderr.is_empty(), "{out:?}");
    out.stdout
}

both! {
    fn fuse_overlay_matches_kernel_overlay(s) {
        let (k, f) = (s.dir.join("k"), s.dir.join("f"));
        layers(s, &k);
        layers(s, &f);
        let check = format!("sh {}", fs_script("check.sh").display());
        let on_kernel = mounted(s, &k, &k, Some("work"), &check);
        let on_fuse = mounted(s, &f, &f, None, &check);
        // The script checks itself: these lines are the overlay rules at work.
        for want in ["whiteout hides dir/whited", "opaque folder hides opq/hidden", "copy-up keeps the inode number",
                     "hard links share an inode", "still writable 0", "big copy ok", "297 297",
                     "unlinked fchmod 0o600"] {
            assert!(on_kernel.contains(want), "kernel overlay lacks {want:?}:\n{on_kernel}");
        }
        same("FUSE overlay vs kernel overlay", &on_fuse, &on_kernel);

        // Each driver reads the other's upper layer the same.
        let tree = format!("sh {}", fs_script("tree.sh").display());
        let kernel_own = mounted(s, &k, &k, Some("work2"), &tree);
        let kernel_reads_fuse = mounted(s, &f, &f, Some("work2"), &tree);
        let fuse_reads_kernel = mounted(s, &k, &k, None, &tree);
        assert!(kernel_own.contains("./emptyd/a2/b/n file"), "{kernel_own}");
        same("kernel overlay on the FUSE-written upper", &kernel_reads_fuse, &kernel_own);
        same("FUSE overlay on the kernel-written upper", &fuse_reads_kernel, &kernel_own);
    }
}

both! {
    fn fuse_mount_reports_the_command_status(s) {
        let at = s.dir.join("st");
        layers(s, &at);
        let mut args: Vec<String> = vec!["__fuse-mount".into(), at.join("l1").display().to_string(), at.join("up").display().to_string()];
        args.push(at.join("mnt").display().to_string());
        args.extend(["--".into(), "sh".into(), "-c".into(), format!("cat {}/dir/shadow; exit 7", at.join("mnt").display())]);
        let out = s.run(&args);
        assert_eq!(out.code, 7, "{out:?}");
        assert_eq!(out.stdout, "top\n", "{out:?}");
        // Unmounted afterwards: the mount point is the empty folder again.
        assert_eq!(std::fs::read_dir(at.join("mnt")).map(|d| d.count()).unwrap_or(1), 0);
    }
}
