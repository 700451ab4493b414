//! `secret create|ls|inspect|rm|exists` and run's `--secret` (engine secrets.rs).

use crate::util::*;

both! {
    /// A secret from stdin or a variable, listed, inspected, mounted read-only or set as a variable, removed.
    fn secrets_round_trip(s) {
        s.pull(BUSYBOX);
        let id = s.run_stdin(&["secret", "create", "tok", "-"], "hunter2").ok().lines()[0].clone();
        assert_eq!(id.len(), 25, "{id}");
        assert!(id.chars().all(|c| c.is_ascii_hexdigit()));
        s.run_stdin(&["secret", "create", "tok", "-"], "x").code(125).stderr_has("secret name in use");
        s.run_stdin(&["secret", "create", "empty", "-"], "").code(125).stderr_has("larger than 0");
        s.run_stdin(&["secret", "create", "bad/name", "-"], "x").code(125).stderr_has("invalid");
        let mut cmd = s.command(&["secret", "create", "--env", "--label", "team=a", "fromenv", "MYSECRET"]);
        cmd.env("MYSECRET", "s3cr3t");
        let out = cmd.output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(s.ok(&["secret", "ls", "--format", "{{.Name}} {{.Driver}}"]).lines(), ["tok file", "fromenv file"]);
        assert_eq!(s.ok(&["secret", "ls", "-q", "--filter", "name=tok"]).lines(), vec![id.clone()]);
        let ls = s.ok(&["secret", "ls"]).lines();
        assert!(ls[0].starts_with("ID") && ls[0].contains("NAME") && ls[0].contains("DRIVER") && ls[0].contains("UPDATED"), "{ls:?}");
        assert_eq!(s.ok(&["secret", "ls", "--noheading"]).lines().len(), 2);
        let doc = s.ok(&["secret", "inspect", "fromenv"]).json();
        let d = &doc.items()[0];
        assert_eq!(d["Spec"]["Name"].as_str(), Some("fromenv"));
        assert_eq!(d["Spec"]["Driver"]["Name"].as_str(), Some("file"));
        assert_eq!(d["Spec"]["Labels"]["team"].as_str(), Some("a"));
        assert!(d["SecretData"].is_null(), "the value is shown only with --showsecret");
        s.ok(&["secret", "inspect", "--format", "{{.ID}}", "tok"]).stdout_is(&format!("{id}\n"));
        s.run(&["secret", "inspect", "nope"]).code(125).stderr_has("no such secret");
        s.ok(&["secret", "exists", "tok"]);
        s.run(&["secret", "exists", "nope"]).code(1);

        // Mounted read-only under /run/secrets (mode 0444), at a target with owner and mode, and as a variable.
        let out = s.ok(&[
            "run", "--rm", "--secret", "tok", "--secret", "fromenv,type=env,target=TOKEN",
            "--secret", "tok,target=/etc/tok,uid=5,gid=6,mode=0400",
            BUSYBOX, "sh", "-c",
            "cat /run/secrets/tok; echo; echo $TOKEN; stat -c '%a %u %g' /run/secrets/tok /etc/tok; echo x > /run/secrets/tok || echo refused",
        ]);
        assert_eq!(out.lines(), ["hunter2", "s3cr3t", "444 0 0", "400 5 6", "refused"], "{out:?}");
        s.run(&["run", "--rm", "--secret", "nope", BUSYBOX, "true"]).code(125).stderr_has("no such secret");
        s.run(&["run", "--rm", "--secret", "tok,type=bogus", BUSYBOX, "true"]).code(125).stderr_has("type");

        // A container keeps its copy when the secret goes, as podman.
        s.ok(&["create", "--name", "sec-keep", "--secret", "tok", BUSYBOX, "cat", "/run/secrets/tok"]);
        s.ok(&["secret", "rm", "tok"]).stdout_is(&format!("{id}\n"));
        s.ok(&["start", "-a", "sec-keep"]).stdout_is("hunter2");
        s.run(&["secret", "rm", "tok"]).code(125).stderr_has("no such secret");
        s.ok(&["secret", "rm", "--ignore", "tok"]).stdout_is("");
        s.ok(&["secret", "rm", "--all"]);
        assert!(s.ok(&["secret", "ls", "-q"]).lines().is_empty());
        let ev = s.ok(&["events", "--stream=false", "--filter", "type=secret", "--format", "{{.Status}}"]).lines();
        assert_eq!(ev, ["create", "create", "remove", "remove"]);
    }
}
