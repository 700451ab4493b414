//! Capabilities, seccomp and no_new_privs inside containers (issue 6).

use crate::util::*;

/// A field of /proc/self/status as the container's command sees it.
fn status_field(out: &str, key: &str) -> String {
    out.lines().find_map(|l| l.strip_prefix(&format!("{key}:"))).unwrap_or("").trim().to_string()
}

both! {
    /// podman's default set in the bounding, effective and permitted sets;
    /// --cap-drop ALL makes chown fail; --cap-add takes names in any case.
    fn default_capabilities(s) {
        s.pull(BUSYBOX);
        let out = s.run_rm(BUSYBOX, &["cat", "/proc/self/status"]).ok();
        // CHOWN DAC_OVERRIDE FOWNER FSETID KILL SETGID SETUID SETPCAP NET_BIND_SERVICE SYS_CHROOT SETFCAP
        for k in ["CapBnd", "CapEff", "CapPrm"] {
            assert_eq!(status_field(&out.stdout, k), "00000000800405fb", "{k}:{out:?}");
        }
        assert_eq!(status_field(&out.stdout, "CapInh"), "0000000000000000");
        assert_eq!(status_field(&out.stdout, "CapAmb"), "0000000000000000");
        s.run_rm(BUSYBOX, &["chown", "5", "/tmp"]).ok();
        let out = s.run(&["run", "--rm", "--cap-drop", "ALL", BUSYBOX, "chown", "5", "/tmp"]).code(1);
        assert!(out.stderr.contains("Operation not permitted"), "{out:?}");
        let out = s.ok(&["run", "--rm", "--cap-drop", "chown", "--cap-add", "cap_net_admin", BUSYBOX, "cat", "/proc/self/status"]);
        // NET_ADMIN is bit 12, CHOWN bit 0.
        assert_eq!(status_field(&out.stdout, "CapEff"), "00000000800415fa", "{out:?}");
        s.run(&["run", "--rm", "--cap-add", "CAP_BOGUS", BUSYBOX, "true"]).code(125).stderr_has("CAP_BOGUS");
        // A non-root user gets only what --cap-add names, through the ambient set.
        let out = s.ok(&["run", "--rm", "-u", "1000", "--cap-add", "KILL", BUSYBOX, "cat", "/proc/self/status"]);
        assert_eq!(status_field(&out.stdout, "CapEff"), "0000000000000020", "{out:?}");
        assert_eq!(status_field(&out.stdout, "CapAmb"), "0000000000000020", "{out:?}");
    }
}

both! {
    /// The default seccomp filter is on; unconfined and --privileged turn it off.
    fn seccomp_default_and_unconfined(s) {
        s.pull(BUSYBOX);
        let out = s.run_rm(BUSYBOX, &["cat", "/proc/self/status"]).ok();
        assert_eq!(status_field(&out.stdout, "Seccomp"), "2", "{out:?}");
        assert_eq!(status_field(&out.stdout, "NoNewPrivs"), "0", "off by default, as podman:{out:?}");
        let out = s.ok(&["run", "--rm", "--security-opt", "seccomp=unconfined", BUSYBOX, "cat", "/proc/self/status"]);
        assert_eq!(status_field(&out.stdout, "Seccomp"), "0", "{out:?}");
        let out = s.ok(&["run", "--rm", "--privileged", BUSYBOX, "cat", "/proc/self/status"]);
        assert_eq!(status_field(&out.stdout, "Seccomp"), "0", "{out:?}");
        // All that sangja's own bounding set holds (this host's root lacks CAP_SYS_RESOURCE).
        let eff = u64::from_str_radix(&status_field(&out.stdout, "CapEff"), 16).unwrap_or(0);
        assert_eq!(status_field(&out.stdout, "CapEff"), status_field(&out.stdout, "CapBnd"), "{out:?}");
        assert!(eff & (1 << 21) != 0 && eff.count_ones() >= 39, "SYS_ADMIN and the rest:{out:?}");
        let out = s.ok(&["run", "--rm", "--security-opt", "no-new-privileges", BUSYBOX, "cat", "/proc/self/status"]);
        assert_eq!(status_field(&out.stdout, "NoNewPrivs"), "1", "{out:?}");
        assert_eq!(status_field(&out.stdout, "Seccomp"), "2", "{out:?}");
        s.run(&["run", "--rm", "--security-opt", "bogus=1", BUSYBOX, "true"]).code(125).stderr_has("bogus");
    }
}

both! {
    /// A profile file in the docker/podman format is enforced; unconfined lets the call through.
    fn seccomp_profile_file(s) {
        s.pull(BUSYBOX);
        // In /tmp, readable by the rootless test user too.
        let profile = std::env::temp_dir().join(format!("sangja-nomkdir-{}-{}.json", std::process::id(), s.is_rootless()));
        std::fs::write(&profile, r#"{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[
            {"names":["mkdir","mkdirat"],"action":"SCMP_ACT_ERRNO","errnoRet":1,"comment":"no new folders"}]}"#).unwrap();
        let opt = format!("seccomp={}", profile.display());
        let out = s.run(&["run", "--rm", "--security-opt", &opt, BUSYBOX, "mkdir", "/tmp/d"]).code(1);
        assert!(out.stderr.contains("Operation not permitted"), "{out:?}");
        s.ok(&["run", "--rm", "--security-opt", "seccomp=unconfined", BUSYBOX, "mkdir", "/tmp/d"]);
        std::fs::write(&profile, "{not json").unwrap();
        s.run(&["run", "--rm", "--security-opt", &opt, BUSYBOX, "true"]).code(125).stderr_has("nomkdir");
        let _ = std::fs::remove_file(&profile);
    }
}

both! {
    /// Escape attempts that must all fail in a default container; each line
    /// prints "blocked" when the attempt failed.
    fn escapes_fail(s) {
        s.pull(BUSYBOX);
        let script = "\
            mount -t tmpfs x /tmp 2>/dev/null && echo mount-worked || echo blocked; \
            (echo 1 > /proc/sys/kernel/domainname) 2>/dev/null && echo proc-sys-worked || echo blocked; \
            (head -c 1 /proc/kcore > /dev/null) 2>/dev/null && echo kcore-worked || echo blocked; \
            insmod /bin/busybox 2>/dev/null && echo insmod-worked || echo blocked; \
            (ulimit -Hn 99999999) 2>/dev/null && echo rlimit-worked || echo blocked; \
            swapoff -a 2>/dev/null; swapon /etc/passwd 2>/dev/null && echo swapon-worked || echo blocked; \
            hostname other 2>/dev/null && echo hostname-worked || echo blocked; \
            reboot -f 2>/dev/null; echo blocked";
        let out = s.run_rm(BUSYBOX, &["sh", "-c", script]).ok();
        assert_eq!(out.stdout, "blocked\n".repeat(8), "{out:?}");
    }
}
