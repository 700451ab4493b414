//! Rootless set-up gone wrong: each error names the one thing to fix.

use crate::util::*;
use std::os::unix::fs::PermissionsExt;

/// Runs `sangja ARGS` with `dir` first on PATH.
fn run_with_path(s: &Sangja, dir: &std::path::Path, args: &[&str]) -> Out {
    let mut cmd = s.command(args);
    cmd.env("PATH", format!("{}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", dir.display()));
    let child = spawn_retry(&mut cmd);
    wait_output(child, format!("PATH={}:... sangja {}", dir.display(), args.join(" ")), None, TIMEOUT)
}

#[test]
fn newuidmap_without_setuid_is_named() {
    let Some(s) = Sangja::rootless("rootless::newuidmap_without_setuid_is_named") else { return };
    // A newuidmap that is neither setuid root nor has file capabilities.
    let bin = s.dir.join("fakebin");
    std::fs::create_dir_all(&bin).unwrap();
    for tool in ["newuidmap", "newgidmap"] {
        let p = bin.join(tool);
        std::fs::write(&p, "#!/bin/sh\nexit 1\n").unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    std::fs::set_permissions(&s.dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    let out = run_with_path(&s, &bin, &["run", "--rm", BUSYBOX, "true"]).code(125);
    assert!(out.stderr.contains("newuidmap"), "names the tool:{out:?}");
    assert!(out.stderr.contains("setuid") && out.stderr.contains("chmod u+s"), "says how to fix it:{out:?}");
    assert!(out.stderr.lines().count() <= 2, "one clear error, no noise:{out:?}");
}

#[test]
fn small_subuid_range_is_refused_with_the_fix() {
    let Some(s) = Sangja::small_range("rootless::small_subuid_range_is_refused_with_the_fix") else { return };
    let out = s.run(&["pull", "--tls-verify=false", BUSYBOX]).code(125);
    assert!(out.stderr.contains("/etc/subuid") && out.stderr.contains("1000"), "names the file and the size:{out:?}");
    assert!(out.stderr.contains("usermod --add-subuids"), "gives the command that fixes it:{out:?}");
    assert!(s.image_ids().is_empty(), "nothing pulled");
}

#[test]
fn no_subuid_range_warns_once_and_still_runs() {
    let Some(s) = Sangja::nosub("rootless::no_subuid_range_warns_once_and_still_runs") else { return };
    let first = s.run(&["run", "--rm", "--tls-verify=false", "-q", BUSYBOX, "id", "-u"]).code(0);
    assert_eq!(first.stdout, "0\n", "{first:?}");
    assert!(first.stderr.contains("no range in /etc/subuid"), "warns:{first:?}");
    let second = s.run(&["run", "--rm", BUSYBOX, "true"]).code(0);
    assert!(!second.stderr.contains("no range in /etc/subuid"), "warns only once:{second:?}");
}
