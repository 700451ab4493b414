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
    user_sh(
        s,
        &format!(
            "mkdir -p {d}/l1 {d}/l2 {d}/up {d}/work {d}/work2 {d}/mnt && sh {} {key} {d}/l1 {d}/l2",
            fs_script("make-layers.sh").display()
        ),
    );
}

/// The first line where two outputs differ (whole outputs are long).
fn same(what: &str, got: &str, want: &str) {
    if got != want {
        let (g, w): (Vec<&str>, Vec<&str>) = (got.lines().collect(), want.lines().collect());
        let i = g.iter().zip(&w).position(|(a, b)| a != b).unwrap_or(g.len().min(w.len()));
        panic!("{what}: line {} differs:\n  got:  {:?}\n  want: {:?}", i + 1, g.get(i), w.get(i));
    }
}

/// How `__fuse-mount` merges the layers.
#[derive(Clone, Copy)]
enum Merge<'a> {
    /// Kernel overlay with this work folder (under the test's folder).
    Kernel(&'a str),
    /// Our FUSE overlay.
    Fuse,
    /// The layers applied into UP as the vfs driver does, UP bind-mounted on MNT.
    Vfs,
}

/// `sangja __fuse-mount [--kernel WORK | --vfs] l1:l2 UP MNT -- sh -c SCRIPT`.
fn mounted(s: &Sangja, at: &Path, merge: Merge<'_>, script: &str) -> String {
    let mut args: Vec<String> = vec!["__fuse-mount".into()];
    match merge {
        Merge::Kernel(w) => args.extend(["--kernel".into(), at.join(w).display().to_string()]),
        Merge::Fuse => {}
        Merge::Vfs => args.push("--vfs".into()),
    }
    args.push(format!("{}:{}", at.join("l1").display(), at.join("l2").display()));
    args.push(at.join("up").display().to_string());
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
        let on_kernel = mounted(s, &k, Merge::Kernel("work"), &check);
        let on_fuse = mounted(s, &f, Merge::Fuse, &check);
        // The script checks itself: these lines are the overlay rules at work.
        for want in ["whiteout hides dir/whited", "opaque folder hides opq/hidden", "copy-up keeps the inode number",
                     "hard links share an inode", "still writable 0", "big copy ok", "297 297",
                     "unlinked fchmod 0o600", "exchange many/f20 many/f21: ok", "lower tree/a stays hidden",
                     "exchange dir xd: errno 18"] {
            assert!(on_kernel.contains(want), "kernel overlay lacks {want:?}:\n{on_kernel}");
        }
        same("FUSE overlay vs kernel overlay", &on_fuse, &on_kernel);

        // Each driver reads the other's upper layer the same.
        let tree = format!("sh {}", fs_script("tree.sh").display());
        let kernel_own = mounted(s, &k, Merge::Kernel("work2"), &tree);
        let kernel_reads_fuse = mounted(s, &f, Merge::Kernel("work2"), &tree);
        let fuse_reads_kernel = mounted(s, &k, Merge::Fuse, &tree);
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

/// Where check.sh on vfs may differ from kernel overlay, and why: (section
/// of check.sh, kernel overlay's line, vfs's line, at most how often). Every
/// one is overlay's nature (a plain tree has none of these limits).
const VFS_DIFFERS: &[(&str, &str, &str, usize)] = &[
    // `ln hard1 hard3; stat -c %h hard1 hard3`: hard1 and hard2 are one
    // inode in the lower layer. Overlay (no index) breaks that link at
    // copy-up, so hard1+hard3 count 2; the vfs copy keeps it, so 3.
    ("== create, mkdir, symlink, hard link, fifo, socket", "2", "3", 2),
    // RENAME_EXCHANGE of a merged folder (in both layers, "dir"): overlay
    // without redirect_dir refuses with EXDEV; a plain folder just moves.
    ("== rename exchange", "exchange dir xd: errno 18", "exchange dir xd: ok", 1),
    ("== rename exchange", "exchange xd dir: errno 18", "exchange xd dir: ok", 1),
    // `ln dir/sub/f dir/f-link`, then `mv dir/sub dir/sub2`: overlay refuses
    // to rename the lower folder (EXDEV), so mv copies it and the link
    // breaks (nlink 1 each); on vfs the rename keeps it (nlink 2).
    ("== final tree", "./dir/f-link file 644 0 0 4 1 3117561231", "./dir/f-link file 644 0 0 4 2 3117561231", 1),
    ("== final tree", "./dir/sub2/f file 644 0 0 4 1 3117561231", "./dir/sub2/f file 644 0 0 4 2 3117561231", 1),
];

both! {
    /// The "same filesystem tests on all three drivers": check.sh on
    /// the vfs driver prints what it prints on kernel overlay, but for the
    /// few lines of VFS_DIFFERS.
    fn vfs_matches_kernel_overlay(s) {
        let (k, v) = (s.dir.join("k"), s.dir.join("v"));
        layers(s, &k);
        layers(s, &v);
        let check = format!("sh {}", fs_script("check.sh").display());
        let on_kernel = mounted(s, &k, Merge::Kernel("work"), &check);
        let on_vfs = mounted(s, &v, Merge::Vfs, &check);
        let (kl, vl): (Vec<&str>, Vec<&str>) = (on_kernel.lines().collect(), on_vfs.lines().collect());
        assert_eq!(kl.len(), vl.len(), "vfs and kernel overlay print different line counts:\n{on_vfs}");
        let mut used = vec![0usize; VFS_DIFFERS.len()];
        let mut section = "";
        for (i, (a, b)) in kl.iter().zip(&vl).enumerate() {
            if a.starts_with("== ") {
                section = a;
            }
            if a == b {
                continue;
            }
            let Some(n) = VFS_DIFFERS.iter().position(|&(sec, ka, vb, _)| sec == section && ka == *a && vb == *b) else {
                panic!("vfs vs kernel overlay: line {} differs ({section}):\n  vfs:    {b:?}\n  kernel: {a:?}", i + 1);
            };
            used[n] += 1;
            assert!(used[n] <= VFS_DIFFERS[n].3, "{:?} differs more often than allowed", VFS_DIFFERS[n]);
        }
        // The merged tree really is a copy in UP: files of both layers,
        // no whiteout, no opaque-hidden file, nothing mounted on MNT after.
        for want in ["dir/base2", "dir/sub2/deep/f", "many/f299", "sym", "zero"] {
            assert!(v.join("up").join(want).symlink_metadata().is_ok(), "{want} not in the vfs copy");
        }
        for gone in ["dir/whited", "opq/hidden", "gone/g"] {
            assert!(v.join("up").join(gone).symlink_metadata().is_err(), "{gone} in the vfs copy");
        }
        assert_eq!(std::fs::read_dir(v.join("mnt")).map(|d| d.count()).unwrap_or(1), 0);
    }
}
