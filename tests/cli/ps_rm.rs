//! ps, rm, inspect (containers), container names.

use crate::util::*;

both! {
    /// ps -a shows exited containers with podman's columns; ps alone does not.
    fn ps_lists_exited_containers(s) {
        s.pull(BUSYBOX);
        s.ok(&["run", "--name", "web", BUSYBOX, "true"]);
        s.run(&["run", "--name", "three", BUSYBOX, "sh", "-c", "exit 3"]).code(3);
        let id = s.container_id("web");

        let table = s.ok(&["ps", "-a"]);
        let header: Vec<&str> = table.stdout.lines().next().unwrap_or_default().split("  ").map(str::trim).filter(|c| !c.is_empty()).collect();
        assert_eq!(header, ["CONTAINER ID", "IMAGE", "COMMAND", "CREATED", "STATUS", "PORTS", "NAMES"], "ps header:{table:?}");
        let web = table.stdout.lines().find(|l| l.trim_end().ends_with(" web")).unwrap_or_else(|| panic!("no web row:{table:?}"));
        assert!(web.starts_with(&id[..12]), "{table:?}");
        assert!(web.contains("Exited (0)"), "{table:?}");
        assert!(web.contains(BUSYBOX), "{table:?}");
        let three = table.stdout.lines().find(|l| l.trim_end().ends_with(" three")).unwrap_or_else(|| panic!("no row for three:{table:?}"));
        assert!(three.contains("Exited (3)"), "{table:?}");

        let running = s.ok(&["ps"]);
        assert_eq!(running.stdout.lines().count(), 1, "only the header: nothing runs:{running:?}");

        let q = s.container_ids();
        assert_eq!(q.len(), 2, "{q:?}");
        assert!(q.contains(&id[..12].to_string()), "ps -q gives short ids: {q:?}");
        let full = s.ok(&["ps", "-a", "-q", "--no-trunc"]).lines();
        assert!(full.contains(&id), "{full:?}");

        let v = s.ok(&["ps", "-a", "--format", "json"]).json();
        assert_eq!(v.items().len(), 2, "{v:?}");
        let web = v.items().iter().find(|c| c["Names"].strings() == ["web"]).unwrap_or_else(|| panic!("{v:?}"));
        assert_eq!(web["Id"].as_str(), Some(id.as_str()));
        assert_eq!(web["State"].as_str(), Some("exited"));
        assert_eq!(web["ExitCode"].as_i64(), Some(0));
        assert_eq!(web["Image"].as_str(), Some(BUSYBOX));
        let three = v.items().iter().find(|c| c["Names"].strings() == ["three"]).unwrap_or_else(|| panic!("{v:?}"));
        assert_eq!(three["ExitCode"].as_i64(), Some(3));

        let i = s.ok(&["inspect", "--type", "container", "three"]).json();
        assert_eq!(i.path("0.State.ExitCode").as_i64(), Some(3));
        assert_eq!(i.path("0.State.Status").as_str(), Some("exited"));
    }
}

both! {
    /// rm by name and by (short) id; the container's folder goes with it.
    fn rm_by_name_and_id(s) {
        s.pull(BUSYBOX);
        s.ok(&["run", "--name", "one", BUSYBOX, "true"]);
        s.ok(&["run", "--name", "two", BUSYBOX, "true"]);
        let one = s.container_id("one");
        let two = s.container_id("two");
        assert!(s.container_dir(&one).is_dir());
        s.ok(&["rm", "one"]);
        assert!(!s.container_dir(&one).exists(), "rm removes the container's folder");
        s.ok(&["rm", &two[..12]]);
        assert!(!s.container_dir(&two).exists());
        assert_eq!(s.container_ids(), Vec::<String>::new());
        // The name is free again.
        s.ok(&["run", "--name", "one", BUSYBOX, "true"]);
    }
}

both! {
    /// rm of an unknown container: podman's exit 1; a taken name: 125.
    fn rm_unknown_and_name_taken(s) {
        s.run(&["rm", "nosuch"]).code(1).stderr_has("nosuch");
        s.pull(BUSYBOX);
        s.ok(&["run", "--name", "dup", BUSYBOX, "true"]);
        s.run(&["run", "--name", "dup", BUSYBOX, "true"]).code(125).stderr_has("dup");
        assert_eq!(s.container_ids().len(), 1);
    }
}

both! {
    /// A container's files live in its own layer: not in the image, gone with rm.
    fn writes_stay_in_container_layer(s) {
        s.pull(BUSYBOX);
        s.ok(&["run", "--name", "writer", BUSYBOX, "sh", "-c", "echo x > /etc/added; rm /etc/os-release"]);
        let id = s.container_id("writer");
        let upper = s.upper_dir(&id);
        assert!(upper.join("etc/added").is_file(), "{} holds the new file", upper.display());
        s.run_rm(BUSYBOX, &["cat", "/etc/added"]).code(1);
        s.run_rm(BUSYBOX, &["cat", "/etc/os-release"]).ok();
        s.ok(&["rm", "writer"]);
        assert!(!upper.exists());
    }
}

both! {
    /// uid 0 inside is the user outside; other ids map into the subordinate range.
    fn container_ids_map_to_host(s) {
        use std::os::unix::fs::MetadataExt;
        s.pull(BUSYBOX);
        s.ok(&["run", "--name", "as-root", BUSYBOX, "touch", "/created"]);
        s.ok(&["run", "--name", "as-1000", "-u", "1000", BUSYBOX, "touch", "/tmp/by1000"]);
        let created = s.upper_dir(&s.container_id("as-root")).join("created");
        let m = std::fs::metadata(&created).unwrap_or_else(|e| panic!("{}: {e}", created.display()));
        assert_eq!((m.uid(), m.gid()), (s.host_uid(0), s.host_gid(0)), "{}", created.display());
        let by1000 = s.upper_dir(&s.container_id("as-1000")).join("tmp/by1000");
        let m = std::fs::metadata(&by1000).unwrap_or_else(|e| panic!("{}: {e}", by1000.display()));
        assert_eq!((m.uid(), m.gid()), (s.host_uid(1000), s.host_gid(1000)), "{}", by1000.display());
        if s.is_rootless() {
            let start = setup_ids().sangjatest_subuid;
            assert_eq!(s.host_uid(1000), start + 999, "setup.sh gives sangjatest {start}:65536");
        }
        // The image's files were extracted with the same mapping.
        let tester: Vec<_> = s.layer_entries().iter().map(|l| s.layers_dir().join(l).join("diff/home/tester")).filter(|p| p.is_dir()).collect();
        assert_eq!(tester.len(), 1, "one layer holds /home/tester");
        let m = std::fs::metadata(&tester[0]).unwrap();
        assert_eq!(m.uid(), s.host_uid(1000), "{}", tester[0].display());
        let bin = std::fs::metadata(tester[0].parent().unwrap().parent().unwrap().join("bin/busybox")).unwrap();
        assert_eq!(bin.uid(), s.host_uid(0));
    }
}
