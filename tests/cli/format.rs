//! `--format` Go templates through the CLI, as podman scripts write them.

use crate::util::*;

both! {
    /// podman's common template forms work unchanged on ps, inspect and images.
    fn podman_templates(s) {
        s.pull(BUSYBOX);
        s.ok(&["run", "-d", "--name", "up", "--label", "tier=web", BUSYBOX, "sleep", "30"]);
        s.ok(&["run", "--name", "down", BUSYBOX, "true"]);
        let id = s.container_id("up");
        s.ok(&["inspect", "--format", "{{.State.Running}}", "up"]).stdout_is("true\n");
        s.ok(&["inspect", "--format", "{{.State.Running}} {{.State.ExitCode}}", "down"]).stdout_is("false 0\n");
        s.ok(&["ps", "--format", "{{.ID}} {{.Names}}"]).stdout_is(&format!("{} up\n", &id[..12]));
        s.ok(&["ps", "--format", "{{range .Names}}{{.}}{{end}}"]).stdout_is("up\n");
        s.ok(&["ps", "--no-trunc", "--format", "{{.ID}}"]).stdout_is(&format!("{id}\n"));
        s.ok(&["ps", "-a", "--format", "{{.Names}}:{{if eq .State \"running\"}}UP{{else}}DOWN{{end}}"])
            .stdout_is("down:DOWN\nup:UP\n");
        s.ok(&["ps", "--format", "{{index .Labels \"tier\"}} {{upper .State}} {{len .Names}}"]).stdout_is("web RUNNING 2\n");
        s.ok(&["ps", "--format", "{{json .Labels}}"]).stdout_is("{\"tier\":\"web\"}\n");
        s.ok(&["ps", "--format", "{{printf \"%-4s|\" .Names}}{{truncate .Image 9}}"]).stdout_is("up  |127.0.0.1\n");
        let table = s.ok(&["ps", "--format", "table {{.ID}}\\t{{.Names}}"]);
        assert_eq!(table.lines(), ["ID\tNAMES".to_string(), format!("{}\tup", &id[..12])]);
        s.ok(&["images", "--format", "{{.Repository}}:{{.Tag}}"]).stdout_is(&format!("{BUSYBOX}\n"));
        s.run(&["ps", "--format", "{{.ID"]).code(125).stderr_has("unclosed action");
        s.run(&["ps", "--format", "{{nosuch .ID}}"]).code(125).stderr_has("function \"nosuch\" not defined");
        s.run(&["ps", "--format", "{{if .ID}}x"]).code(125).stderr_has("without {{end}}");
        s.ok(&["rm", "-f", "up"]);
    }
}

both! {
    /// ps --filter (name, status, id, ancestor, label; repeated keys are
    /// alternatives), --last, -s.
    fn ps_filters_last_size(s) {
        s.pull(BUSYBOX);
        s.ok(&["run", "-d", "--name", "web1", "--label", "app=web", BUSYBOX, "sleep", "30"]);
        s.ok(&["run", "--name", "web2", "--label", "app=web", BUSYBOX, "sh", "-c", "echo x > /big"]);
        s.ok(&["create", "--name", "db", "--label", "app=db", BUSYBOX, "true"]);
        let names = |args: &[&str]| {
            let mut a = vec!["ps", "--format", "{{.Names}}"];
            a.extend_from_slice(args);
            let mut v = s.ok(&a).lines();
            v.sort();
            v
        };
        assert_eq!(names(&[]), ["web1"]);
        assert_eq!(names(&["-a", "--filter", "name=web"]), ["web1", "web2"]);
        assert_eq!(names(&["-a", "--filter", "name=^web1$"]), ["web1"]);
        assert_eq!(names(&["--filter", "status=exited"]), ["web2"]);
        assert_eq!(names(&["--filter", "status=created", "--filter", "status=exited"]), ["db", "web2"]);
        assert_eq!(names(&["-a", "--filter", "label=app=web", "--filter", "status=running"]), ["web1"]);
        assert_eq!(names(&["-a", "--filter", "label=app"]), ["db", "web1", "web2"]);
        assert_eq!(names(&["-a", "--filter", "ancestor=127.0.0.1:5000/busybox"]), ["db", "web1", "web2"]);
        assert_eq!(names(&["-a", "--filter", "ancestor=alpine"]), Vec::<String>::new());
        let id = s.container_id("db");
        assert_eq!(names(&["-a", "--filter", &format!("id={}", &id[..6])]), ["db"]);
        assert_eq!(s.ok(&["ps", "--last", "1", "--format", "{{.Names}}"]).lines(), ["db"]);
        assert_eq!(s.ok(&["ps", "-n", "2", "--format", "{{.Names}}"]).lines(), ["db", "web2"]);
        s.run(&["ps", "--filter", "colour=red"]).code(125).stderr_has("invalid filter");
        s.run(&["ps", "--filter", "status=sleepy"]).code(125).stderr_has("invalid status filter");
        let sized = s.ok(&["ps", "-a", "-s", "--filter", "name=web2"]);
        assert!(sized.stdout.lines().next().unwrap().ends_with("SIZE"), "{sized:?}");
        assert!(sized.stdout.contains("(virtual "), "{sized:?}");
        let v = s.ok(&["ps", "-a", "-s", "--format", "json", "--filter", "name=web2"]).json();
        assert!(v.path("0.Size.rwSize").as_i64().unwrap_or(0) >= 2, "{v:?}");
        s.ok(&["rm", "-f", "web1"]);
    }
}
