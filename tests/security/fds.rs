//! Escape 2 (the runc CVE-2024-21626 class): a host directory reached through
//! an fd sangja inherited (`flock /tmp sangja run ...` leaves one at 3) or
//! one of its own, named as the working directory `/proc/self/fd/N` by `-w`,
//! by `exec -w` or by an image's WORKDIR. The container must never start
//! with its cwd outside its root: the run fails as runc's does (125), and the
//! host folder's marker is never listed. `--preserve-fds=N` is the one way
//! to pass fds on, and even a passed directory is refused as the cwd.

#[allow(unused_imports)]
use crate::helpers::*;
#[allow(unused_imports)]
use crate::util::*;
use std::fs;
use std::os::fd::{AsRawFd, OwnedFd};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A file name that only the host folder holds.
const MARKER: &str = "HOST-FOLDER-MARKER-8d1f";

/// A host folder holding the marker, readable by the test's user.
fn host_folder(s: &Sangja) -> PathBuf {
    let dir = s.dir.join("hostdir");
    fs::create_dir_all(&dir).unwrap();
    fs::write(dir.join(MARKER), "host\n").unwrap();
    fs::set_permissions(&dir, fs::Permissions::from_mode(0o755)).unwrap();
    fs::set_permissions(dir.join(MARKER), fs::Permissions::from_mode(0o644)).unwrap();
    dir
}

fn open_dir(dir: &Path) -> OwnedFd {
    fs::File::open(dir).unwrap().into()
}

/// Runs `cmd` with `fds` inherited as 3, 4, ... (as `flock DIR cmd` does).
fn run_with_fds(s: &Sangja, args: &[&str], fds: &[&OwnedFd]) -> Out {
    let mut cmd: Command = s.command(args);
    let raw: Vec<i32> = fds.iter().map(|f| f.as_raw_fd()).collect();
    // SAFETY: only fcntl/dup2 between fork and exec.
    unsafe {
        cmd.pre_exec(move || {
            // Out of the way first, so that placing one cannot clobber another.
            let mut high = Vec::new();
            for &fd in &raw {
                let h = libc::fcntl(fd, libc::F_DUPFD, 200);
                if h < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                high.push(h);
            }
            for (i, &h) in high.iter().enumerate() {
                if libc::dup2(h, 3 + i as i32) < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                libc::close(h);
            }
            Ok(())
        });
    }
    let child = spawn_retry(&mut cmd);
    wait_output(child, format!("[fds 3..{}] sangja {}", 3 + fds.len(), args.join(" ")), None, TIMEOUT)
}

#[track_caller]
fn refused(out: &Out) {
    assert!(!out.stdout.contains(MARKER), "the container listed the host folder:{out:?}");
    assert!(!out.stdout.contains("unreachable"), "the container's cwd lies outside its root:{out:?}");
    assert_eq!(out.code, 125, "a cwd through an fd must fail the start, as runc's does:{out:?}");
}

both!(
    /// `flock DIR sangja run -w /proc/self/fd/3`: the inherited fd is
    /// closed before the working directory is entered.
    fn run_workdir_through_inherited_fd(s) {
        let dir = host_folder(s);
        s.pull(BUSYBOX);
        let (a, b) = (open_dir(&dir), open_dir(&dir.join("..")));
        for n in ["3", "4"] {
            let w = format!("/proc/self/fd/{n}");
            let out = run_with_fds(s, &["run", "--rm", "-w", &w, BUSYBOX, "sh", "-c", "pwd; ls -a . ..; ls ../../.."], &[&a, &b]);
            refused(&out);
        }
    }
);

both!(
    /// Without any inherited fd: no fd of sangja's own (its pipes, the
    /// rootfs or layer folders it holds) may serve as the cwd either.
    fn run_workdir_through_sangjas_own_fds(s) {
        host_folder(s);
        s.pull(BUSYBOX);
        for n in 3..12 {
            let w = format!("/proc/self/fd/{n}");
            let out = s.run(&["run", "--rm", "-w", &w, BUSYBOX, "sh", "-c", "pwd; ls -a . .. ../../.."]);
            refused(&out);
        }
    }
);

both!(
    /// `exec -w /proc/self/fd/3` into a running container, the fd inherited by exec.
    fn exec_workdir_through_inherited_fd(s) {
        let dir = host_folder(s);
        s.pull(BUSYBOX);
        s.ok(&["run", "-d", "--name", "fdexec", BUSYBOX, "sleep", "300"]);
        let a = open_dir(&dir);
        for n in ["3", "5", "7"] {
            let w = format!("/proc/self/fd/{n}");
            let out = run_with_fds(s, &["exec", "-w", &w, "fdexec", "sh", "-c", "pwd; ls -a . .. ../../.."], &[&a]);
            refused(&out);
        }
        s.run(&["rm", "-f", "-t", "0", "fdexec"]);
    }
);

both!(
    /// An image whose WORKDIR is /proc/self/fd/3, run by a caller holding a
    /// host folder at fd 3.
    fn image_workdir_through_inherited_fd(s) {
        let dir = host_folder(s);
        s.pull(BUSYBOX);
        s.ok(&["create", "--name", "fdbase", BUSYBOX, "true"]);
        s.ok(&["commit", "-q", "--change", "WORKDIR /proc/self/fd/3", "fdbase", "fdworkdir"]);
        let a = open_dir(&dir);
        let out = run_with_fds(s, &["run", "--rm", "localhost/fdworkdir", "sh", "-c", "pwd; ls -a . .. ../../.."], &[&a]);
        refused(&out);
    }
);

both!(
    /// `--preserve-fds=N` passes 3..3+N-1 on and nothing above; a passed
    /// folder is still refused as the working directory (the cwd check).
    fn preserve_fds_passes_only_what_was_asked(s) {
        let dir = host_folder(s);
        s.pull(BUSYBOX);
        let file = s.dir.join("passed.txt");
        fs::write(&file, "PASSED-ON-PURPOSE\n").unwrap();
        fs::set_permissions(&file, fs::Permissions::from_mode(0o644)).unwrap();
        let f: OwnedFd = fs::File::open(&file).unwrap().into();
        let d = open_dir(&dir);
        let out = run_with_fds(s, &["run", "--rm", "--preserve-fds", "1", BUSYBOX, "sh", "-c", "cat <&3; ls /proc/self/fd/4 2>&1 || echo NO-FD-4"], &[&f, &d]);
        assert_eq!(out.code, 0, "{out:?}");
        assert!(out.stdout.contains("PASSED-ON-PURPOSE"), "fd 3 was not passed on:{out:?}");
        assert!(out.stdout.contains("NO-FD-4"), "fd 4 was passed without being asked for:{out:?}");
        // The passed folder as the cwd: open in the container's process, and
        // still outside its root.
        let out = run_with_fds(s, &["run", "--rm", "--preserve-fds", "1", "-w", "/proc/self/fd/3", BUSYBOX, "sh", "-c", "pwd; ls -a"], &[&d]);
        refused(&out);
        assert!(out.stderr.contains("outside of the container's root"), "{out:?}");
        // More than was inherited: podman's refusal.
        let out = run_with_fds(s, &["run", "--rm", "--preserve-fds", "3", BUSYBOX, "true"], &[&f]);
        assert_eq!(out.code, 125, "{out:?}");
        assert!(out.stderr.contains("file descriptor 4 is not available"), "{out:?}");
        // exec has the flag too.
        s.ok(&["run", "-d", "--name", "fdpass", BUSYBOX, "sleep", "300"]);
        // A new open file: the run above read the first one to its end.
        let f: OwnedFd = fs::File::open(&file).unwrap().into();
        let out = run_with_fds(s, &["exec", "--preserve-fds", "1", "fdpass", "sh", "-c", "cat <&3; ls /proc/self/fd/4 2>&1 || echo NO-FD-4"], &[&f, &d]);
        assert_eq!(out.code, 0, "{out:?}");
        assert!(out.stdout.contains("PASSED-ON-PURPOSE") && out.stdout.contains("NO-FD-4"), "{out:?}");
        let out = run_with_fds(s, &["exec", "--preserve-fds", "1", "-w", "/proc/self/fd/3", "fdpass", "sh", "-c", "pwd; ls -a"], &[&d]);
        refused(&out);
        s.run(&["rm", "-f", "-t", "0", "fdpass"]);
    }
);
