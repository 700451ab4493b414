//! podman's command line as scripts use it (issue 19): the last of a
//! repeated flag wins, global flags, --noheading, flags podman ignores or
//! sangja refuses on purpose (src/cli/compat.txt), --force/--ignore on a
//! name that does not exist, podman's messages and exit codes.

use crate::util::*;

both! {
    /// `--name a --name b` names the container b; `--format x --format y` prints y.
    fn last_flag_wins(s) {
        s.pull(BUSYBOX);
        s.ok(&["run", "--name", "parity-a", "--name", "parity-b", BUSYBOX, "true"]);
        let names = s.ok(&["ps", "-a", "--format", "{{.ID}}", "--format", "{{.Names}}"]).lines();
        assert_eq!(names, ["parity-b"], "the last --name and the last --format win");
        // A boolean given twice, and the short and long forms of one flag.
        s.ok(&["rm", "-f", "--force", "parity-b"]).stdout_is("parity-b\n");
        // A global flag given twice.
        s.ok(&["--log-level", "debug", "--log-level", "error", "ps"]);
    }
}

#[test]
fn last_userns_wins() {
    let Some(s) = Sangja::rootless("parity::last_userns_wins") else { return };
    s.pull(BUSYBOX);
    let Mode::Rootless { user, .. } = s.mode.clone() else { unreachable!() };
    // keep-id last: the user's own uid inside.
    s.ok(&["run", "--rm", "--userns=host", "--userns=keep-id", BUSYBOX, "id", "-u"]).stdout_is(&format!("{}\n", user.uid));
    s.ok(&["run", "--rm", "--userns=keep-id", "--userns=host", BUSYBOX, "id", "-u"]).stdout_is("0\n");
}

both! {
    /// podman's global flags parse; --noout silences stdout; an unknown
    /// --log-level exits 1 with podman's message; `warning` is a level.
    fn global_flags(s) {
        s.pull(BUSYBOX);
        s.ok(&["run", "--name", "parity-g", BUSYBOX, "true"]);
        let out = s.ok(&[
            "--runtime", "crun", "--runtime-flag", "debug", "--cgroup-manager", "cgroupfs", "--tmpdir", "/tmp",
            "--events-backend", "file", "--storage-opt", "overlay.mount_program=/x", "--syslog", "--conmon", "/x",
            "--network-cmd-path", "/x", "ps", "-a", "--format", "{{.Names}}",
        ]);
        assert_eq!(out.lines(), ["parity-g"], "{out:?}");
        let quiet = s.ok(&["--noout", "ps", "-a"]);
        assert_eq!(quiet.stdout, "", "--noout: {quiet:?}");
        let quiet = s.ok(&["ps", "-a", "--noout"]);
        assert_eq!(quiet.stdout, "", "--noout after the command: {quiet:?}");
        s.ok(&["--log-level", "warning", "ps"]);
        let bad = s.run(&["--log-level", "bogus", "ps"]).code(1);
        assert!(bad.stderr.contains("Log Level \"bogus\" is not supported, choose from: trace, debug, info, warn"), "{bad:?}");
        // A remote connection is refused on purpose, naming the flag.
        s.run(&["--remote", "ps"]).code(125).stderr_has("--remote is not supported by sangja");
    }
}

both! {
    /// --noheading on ps, images, volume ls, network ls; volume ls's name filter is a regex.
    fn noheading_and_name_regex(s) {
        s.pull(BUSYBOX);
        s.ok(&["run", "--name", "parity-h", BUSYBOX, "true"]);
        let ps = s.ok(&["ps", "-a", "--noheading"]);
        assert_eq!(ps.stdout.lines().count(), 1, "{ps:?}");
        assert!(ps.stdout.trim_end().ends_with("parity-h") && !ps.stdout.contains("CONTAINER ID"), "{ps:?}");
        let with = s.ok(&["ps", "-a", "--format", "table {{.Names}}", "--noheading"]);
        assert_eq!(with.lines(), ["parity-h"], "a table template loses its title too: {with:?}");
        let images = s.ok(&["images", "-n"]);
        assert!(!images.stdout.contains("REPOSITORY") && images.stdout.contains("busybox"), "{images:?}");
        assert!(s.ok(&["images"]).stdout.contains("REPOSITORY"), "the title is still there without the flag");
        for v in ["parity-vol1", "parity-vol22", "other"] {
            s.ok(&["volume", "create", v]);
        }
        let vols = s.ok(&["volume", "ls", "--noheading", "--filter", "name=^parity-vol[0-9]$"]);
        assert_eq!(vols.stdout.lines().count(), 1, "{vols:?}");
        assert!(vols.stdout.trim_end().ends_with("parity-vol1") && !vols.stdout.contains("VOLUME NAME"), "{vols:?}");
        let all = s.ok(&["volume", "ls", "-q", "--filter", "name=vol"]).lines();
        assert_eq!(all, ["parity-vol1", "parity-vol22"], "a regex matches anywhere in the name");
        s.run(&["volume", "ls", "--filter", "name=("]).code(125).stderr_has("not a regular expression");
        let nets = s.ok(&["network", "ls", "--noheading"]);
        assert!(!nets.stdout.contains("NETWORK ID") && nets.stdout.contains("sangja"), "{nets:?}");
    }
}

both! {
    /// A bogus name with --force or --ignore is no error (exit 0), as podman;
    /// without them, podman's message and exit code.
    fn force_and_ignore_missing(s) {
        for args in [
            &["rm", "-f", "parity-bogus"][..],
            &["rm", "--ignore", "parity-bogus"],
            &["rmi", "-f", "parity-bogus"],
            &["rmi", "-i", "parity-bogus"],
            &["volume", "rm", "-f", "parity-bogus"],
            &["network", "rm", "-f", "parity-bogus"],
            &["stop", "-i", "parity-bogus"],
        ] {
            let out = s.run(args).code(0);
            assert_eq!(out.stdout, "", "{out:?}");
        }
        s.run(&["rm", "parity-bogus"]).code(1).stderr_has("no container with name or ID \"parity-bogus\" found: no such container");
        s.run(&["stop", "parity-bogus"]).code(125).stderr_has("no container with name or ID \"parity-bogus\" found: no such container");
        s.run(&["kill", "parity-bogus"]).code(125).stderr_has("no such container");
        s.run(&["rmi", "parity-bogus"]).code(1).stderr_has("parity-bogus: image not known");
        s.run(&["volume", "rm", "parity-bogus"]).code(1).stderr_has("no volume with name \"parity-bogus\" found: no such volume");
        s.run(&["network", "rm", "parity-bogus"]).code(1).stderr_has("unable to find network with name or ID parity-bogus: network not found");
    }
}

both! {
    /// run's flags from podman: -h is the host name, --env-host, --label-file;
    /// --kernel-memory warns and runs (podman's no-op); --pod is refused by name.
    fn run_flags(s) {
        s.pull(BUSYBOX);
        s.ok(&["run", "--rm", "-h", "parity-host", BUSYBOX, "hostname"]).stdout_is("parity-host\n");
        let mut cmd = s.command(&["run", "--rm", "--env-host", "-e", "PARITY_B=flag", BUSYBOX, "sh", "-c", "echo $PARITY_A $PARITY_B"]);
        cmd.env("PARITY_A", "host").env("PARITY_B", "host");
        let out = cmd.output().unwrap();
        assert_eq!(String::from_utf8_lossy(&out.stdout), "host flag\n", "--env-host, then --env over it: {out:?}");
        let dir = s.dir.join("parity-labels");
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("labels");
        std::fs::write(&file, "# a comment\nteam=red\n\nowner=me\n").unwrap();
        s.ok(&["create", "--name", "parity-l", "--label-file", file.to_str().unwrap(), "--label", "team=blue", BUSYBOX, "true"]);
        let l = s.ok(&["inspect", "--format", "{{.Config.Labels.team}} {{.Config.Labels.owner}}", "parity-l"]);
        assert_eq!(l.stdout.trim(), "blue me", "--label after --label-file wins: {l:?}");
        let km = s.ok(&["run", "--rm", "--kernel-memory", "10m", BUSYBOX, "echo", "ran"]);
        assert_eq!(km.stdout, "ran\n");
        assert!(km.stderr.contains("--kernel-memory"), "podman warns that the flag is a no-op: {km:?}");
        let pod = s.run(&["run", "--rm", "--pod", "p", BUSYBOX, "true"]).code(125);
        assert!(pod.stderr.contains("--pod is not supported by sangja: sangja has no pods"), "{pod:?}");
        // Accepted as podman's own no-ops.
        s.ok(&["run", "--rm", "--systemd=false", "--disable-content-trust", "--sig-proxy", BUSYBOX, "true"]);
        // A help flag is still there.
        assert!(s.ok(&["run", "--help"]).stdout.contains("--hostname"));
    }
}

/// tests/setup-ids.sh's choice, run against made-up /etc files.
fn choose_ids(dir: &std::path::Path, passwd: &str, group: &str, subuid: &str, env: &[(&str, &str)]) -> SetupIds {
    std::fs::create_dir_all(dir).unwrap();
    for (name, text) in [("passwd", passwd), ("group", group), ("subuid", subuid), ("subgid", subuid)] {
        std::fs::write(dir.join(name), text).unwrap();
    }
    let script = tests_dir().join("setup-ids.sh");
    let mut cmd = std::process::Command::new("bash");
    cmd.arg("-c").arg(format!("set -eu; . '{}'; choose_ids passwd group subuid subgid", script.display())).current_dir(dir);
    for var in ["SANGJATEST_UID", "SANGJANOSUB_UID", "SANGJASMALL_UID", "SANGJATEST_SUBUID", "SANGJASMALL_SUBUID"] {
        cmd.env_remove(var);
    }
    cmd.envs(env.iter().copied());
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "{out:?}");
    // What setup.sh writes to the ids file, read by the tests' own reader.
    SetupIds::parse(&String::from_utf8_lossy(&out.stdout))
}

#[test]
fn setup_picks_free_ids_on_a_machine_with_users() {
    let dir = std::env::temp_dir().join(format!("parity-setup-ids-{}", std::process::id()));
    let passwd = "root:x:0:0::/root:/bin/sh\nalice:x:1000:1000::/home/alice:/bin/bash\nbob:x:1001:1001::/home/bob:/bin/bash\n";
    let group = "root:x:0:\nalice:x:1000:\nbob:x:1001:\nstaff:x:1002:\n";
    // What useradd gives a machine's first users: 100000:65536, then 165536:65536.
    let subuid = "alice:100000:65536\nbob:165536:65536\n";
    let ids = choose_ids(&dir, passwd, group, subuid, &[]);
    assert_eq!((ids.sangjatest_uid, ids.sangjanosub_uid, ids.sangjasmall_uid), (1003, 1004, 1005), "uid 1001 and gid 1002 are taken");
    assert_eq!(ids.sangjatest_subuid, 231072, "the first 65536 after alice's and bob's ranges");
    assert_eq!(ids.sangjasmall_subuid, 300000);

    // A fresh machine gets the usual numbers.
    let fresh = choose_ids(&dir, "root:x:0:0::/root:/bin/sh\n", "root:x:0:\n", "", &[]);
    assert_eq!(fresh, SetupIds::parse(""), "1001-1003, 100000 and 300000");

    // Users and ranges set up before keep theirs; a range in the way of the small one moves it.
    let again = choose_ids(
        &dir,
        &format!("{passwd}sangjatest:x:1500:1500::/home/sangjatest:/bin/bash\n"),
        group,
        "alice:100000:65536\nsangjatest:500000:65536\ncarol:300000:65536\n",
        &[],
    );
    assert_eq!((again.sangjatest_uid, again.sangjatest_subuid), (1500, 500000));
    assert_eq!(again.sangjasmall_subuid, 365536, "past carol's range");

    // The environment chooses, where its numbers are free.
    let env = choose_ids(&dir, passwd, group, subuid, &[("SANGJATEST_UID", "2000"), ("SANGJATEST_SUBUID", "400000")]);
    assert_eq!((env.sangjatest_uid, env.sangjatest_subuid), (2000, 400000));
    let _ = std::fs::remove_dir_all(&dir);
}

both! {
    /// What scripts match on: rm/stop/kill print the name or id as given;
    /// podman's words and exit codes for a running container, a bad signal,
    /// a volume in use; -p with --network host warns and runs.
    fn messages_scripts_match_on(s) {
        s.pull(BUSYBOX);
        s.ok(&["volume", "create", "parity-used"]);
        s.ok(&["run", "-d", "--name", "parity-m", "-v", "parity-used:/d", BUSYBOX, "sleep", "100"]);
        let id = s.container_id("parity-m");
        let rm = s.run(&["rm", "parity-m"]).code(2);
        assert!(rm.stderr.contains("cannot remove container") && rm.stderr.contains("as it is running"), "{rm:?}");
        let vol = s.run(&["volume", "rm", "parity-used"]).code(2);
        assert!(vol.stderr.contains("volume parity-used is being used by the following container(s)"), "{vol:?}");
        s.run(&["kill", "-s", "BOGUS", "parity-m"]).code(125).stderr_has("invalid signal: BOGUS");
        s.ok(&["kill", "-s", "CONT", &id[..12]]).stdout_is(&format!("{}\n", &id[..12]));
        s.ok(&["stop", "-t", "0", "parity-m"]).stdout_is("parity-m\n");
        s.ok(&["rm", &id[..12]]).stdout_is(&format!("{}\n", &id[..12]));
        let host = s.ok(&["run", "--rm", "--network", "host", "-p", "8080:80", BUSYBOX, "echo", "ran"]);
        assert_eq!(host.stdout, "ran\n");
        assert!(host.stderr.contains("Port mappings have been discarded"), "{host:?}");
        // A successful command prints nothing on stderr.
        let quiet = s.ok(&["run", "--rm", BUSYBOX, "true"]);
        assert_eq!(quiet.stderr, "", "{quiet:?}");
    }
}

both! {
    /// --latest (-l) on the container verbs acts on the newest container;
    /// `container exists` exits 0 or 1.
    fn latest_and_exists(s) {
        s.pull(BUSYBOX);
        s.run(&["stop", "--latest"]).code(125).stderr_has("no containers to use --latest with");
        s.ok(&["run", "-d", "--name", "parity-old", BUSYBOX, "sleep", "100"]);
        s.ok(&["run", "-d", "--name", "parity-new", BUSYBOX, "sleep", "100"]);
        let new = s.container_id("parity-new");
        if !s.is_rootless() {
            // Rootless pause needs a delegated freezer this host lacks.
            s.ok(&["pause", "-l"]).stdout_is(&format!("{new}\n"));
            s.ok(&["unpause", "--latest"]).stdout_is(&format!("{new}\n"));
        }
        s.ok(&["stop", "-l", "-t", "0"]).stdout_is(&format!("{new}\n"));
        let running = s.ok(&["ps", "--format", "{{.Names}}"]).lines();
        assert_eq!(running, ["parity-old"], "only the newest stopped");
        s.ok(&["wait", "-l"]).stdout_is("137\n");
        s.ok(&["rm", "-l"]).stdout_is(&format!("{new}\n"));
        s.ok(&["container", "exists", "parity-old"]).stdout_is("");
        s.run(&["container", "exists", "parity-new"]).code(1);
        s.ok(&["kill", "-l"]);
        s.ok(&["container", "exists", "--external", "parity-old"]);
        s.ok(&["rm", "-f", "parity-old"]);
        s.run(&["container", "exists", "parity-old"]).code(1);
    }
}

both! {
    /// ps --sort as podman sorts; run --rmi removes the image after the container.
    fn ps_sort_and_run_rmi(s) {
        s.pull(BUSYBOX);
        for n in ["parity-b", "parity-c", "parity-a"] {
            s.ok(&["create", "--name", n, BUSYBOX, "true"]);
        }
        let by_name = s.ok(&["ps", "-a", "--sort", "names", "--format", "{{.Names}}"]).lines();
        assert_eq!(by_name, ["parity-a", "parity-b", "parity-c"]);
        let by_created = s.ok(&["ps", "-a", "--sort", "created", "--format", "{{.Names}}"]).lines();
        assert_eq!(by_created, ["parity-a", "parity-c", "parity-b"], "newest first");
        s.run(&["ps", "--sort", "bogus"]).code(125).stderr_has("invalid option for --sort");
        // The image stays while other containers use it...
        s.ok(&["run", "--rmi", BUSYBOX, "true"]);
        assert_eq!(s.image_ids().len(), 1, "busybox is used by parity-a..c");
        assert_eq!(s.ok(&["ps", "-a", "-q"]).lines().len(), 3, "--rmi implies --rm");
        // ...and goes with the last one.
        s.ok(&["rm", "parity-a", "parity-b", "parity-c"]);
        s.ok(&["run", "--rmi", BUSYBOX, "echo", "bye"]).stdout_is("bye\n");
        assert!(s.image_ids().is_empty(), "{:?}", s.image_ids());
        s.run(&["run", "--rmi", "-d", BUSYBOX, "true"]).code(125).stderr_has("--rmi");
    }
}
