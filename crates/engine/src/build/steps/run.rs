//! RUN: a step's container (mounts, network, heredocs) and its layer.

use super::*;

impl Builder<'_> {
    pub(super) fn shell(&self, cur: &Current) -> Vec<String> {
        if cur.state.shell.is_empty() {
            default_shell()
        } else {
            cur.state.shell.clone()
        }
    }

    pub(super) fn run(&mut self, cur: &mut Current, step: &Step, flags: &[Flag], cmd: &Cmd, heredocs: &[Heredoc]) -> Result<bool> {
        let shell = self.shell(cur);
        // parse-dockerfile reads a heredoc that starts the command
        // (`RUN <<EOF`): the command is what follows the delimiter on its line.
        let cmd = match (cmd, heredocs) {
            (c, []) => c.clone(),
            // `RUN <<EOF` alone: the heredoc is the script.
            (Cmd::Shell(s), [h]) if s.trim().is_empty() => Cmd::Shell(h.content.clone()),
            // `RUN <<EOF python3`: the heredoc is the command's stdin.
            (Cmd::Shell(s), [h]) => {
                let delim = if h.expand { "SANGJA_HEREDOC_EOF" } else { "'SANGJA_HEREDOC_EOF'" };
                let body = if h.content.ends_with('\n') { h.content.clone() } else { format!("{}\n", h.content) };
                Cmd::Shell(format!("{s} <<{delim}\n{body}SANGJA_HEREDOC_EOF"))
            }
            _ => return Err(refused(step, "this form of heredoc")),
        };
        let args = self.scope.stage_args();
        let run_argv = argv(&cmd, &shell);
        let shown = match &cmd {
            Cmd::Shell(s) => format!("{} {s}", shell.join(" ")),
            Cmd::Exec(v) => json(v),
        };
        let created_by = if args.is_empty() {
            shown
        } else {
            format!("|{} {} {shown}", args.len(), args.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(" "))
        };
        let mut mounts = self.req.volumes.clone();
        let mut network = self.req.network.clone();
        let mut mount_key = Vec::new();
        for f in flags {
            match (f.name.as_str(), f.value.as_deref()) {
                ("mount", Some(spec)) => {
                    mount_key.push(spec.to_string());
                    if let Some(m) = self.run_mount(cur, step, spec)? {
                        mounts.push(m);
                    }
                }
                ("network", Some(n)) => network = Some(n.to_string()),
                ("security", Some("sandbox")) => {}
                (other, _) => return Err(refused(step, &format!("RUN --{other}"))),
            }
        }
        let key = cache::key(
            &cur.state.key,
            &["run", &created_by, &mount_key.join(";"), network.as_deref().unwrap_or(""), &format!("{:?}", self.req.volumes)],
        );
        // ENV wins over an ARG of the same name; the proxy args come last.
        let env_names: Vec<String> = config_of(&cur.state.config)
            .env()
            .clone()
            .unwrap_or_default()
            .iter()
            .filter_map(|e| e.split('=').next().map(str::to_string))
            .collect();
        let mut env: Vec<String> = args.iter().filter(|(k, _)| !env_names.contains(k)).map(|(k, v)| format!("{k}={v}")).collect();
        env.extend(self.scope.proxy_env().into_iter().filter(|(k, _)| !env_names.contains(k)).map(|(k, v)| format!("{k}={v}")));
        let text = step.text.clone();
        self.cached(cur, key, move |b, parent| b.run_container(parent, run_argv, env, mounts, network, created_by, &text))
    }

    /// One `RUN --mount=...`: a secret, a cache folder, a bind of the context, a tmpfs.
    fn run_mount(&self, _cur: &Current, step: &Step, spec: &str) -> Result<Option<MountRequest>> {
        let mut kv: HashMap<&str, &str> = HashMap::new();
        for part in spec.split(',') {
            let (k, v) = part.split_once('=').unwrap_or((part, "true"));
            kv.insert(k, v);
        }
        let target = kv.get("target").or(kv.get("dst")).or(kv.get("destination")).map(|s| s.to_string());
        match kv.get("type").copied().unwrap_or("bind") {
            "secret" => {
                let id =
                    kv.get("id").map(|s| s.to_string()).or_else(|| target.as_ref().and_then(|t| t.rsplit('/').next().map(str::to_string)));
                let Some(id) = id else { return Err(Error::Invalid(format!("{}: a secret mount needs id=", step.text))) };
                let required = kv.get("required").is_some_and(|v| *v == "true");
                let Some(src) = self.req.secrets.get(&id) else {
                    if required {
                        return Err(Error::Invalid(format!(
                            "{}: secret {id:?} is required: pass it with --secret id={id},src=FILE",
                            step.text
                        )));
                    }
                    return Ok(None);
                };
                Ok(Some(MountRequest::Bind {
                    source: src.clone(),
                    destination: target.unwrap_or_else(|| format!("/run/secrets/{id}")),
                    readonly: true,
                    options: Vec::new(),
                }))
            }
            "cache" => {
                let Some(target) = target else { return Err(Error::Invalid(format!("{}: a cache mount needs target=", step.text))) };
                if kv.contains_key("from") {
                    return Err(refused(step, "RUN --mount=type=cache,from="));
                }
                let id = kv.get("id").map(|s| s.to_string()).unwrap_or_else(|| target.clone());
                let dir = self.engine.paths.root.join("build-cache-mounts").join(cache::key("cache-mount", &[&id]));
                std::fs::create_dir_all(&dir).map_err(|e| Error::io_path("create", &dir, e))?;
                Ok(Some(MountRequest::Bind { source: dir, destination: target, readonly: false, options: Vec::new() }))
            }
            "bind" => {
                let Some(target) = target else { return Err(Error::Invalid(format!("{}: a bind mount needs target=", step.text))) };
                if kv.contains_key("from") {
                    return Err(refused(step, "RUN --mount=type=bind,from="));
                }
                let Tree::Context { root, .. } = &self.context else { return Ok(None) };
                let src = sangja_build::ignore::clean(kv.get("source").or(kv.get("src")).copied().unwrap_or("."));
                let source = if src.is_empty() { root.clone() } else { root.join(src) };
                let rw = kv.get("rw").is_some_and(|v| *v == "true") || kv.contains_key("readwrite");
                Ok(Some(MountRequest::Bind { source, destination: target, readonly: !rw, options: Vec::new() }))
            }
            "tmpfs" => {
                let Some(target) = target else { return Err(Error::Invalid(format!("{}: a tmpfs mount needs target=", step.text))) };
                Ok(Some(MountRequest::Tmpfs { destination: target, options: Vec::new() }))
            }
            other => Err(refused(step, &format!("RUN --mount=type={other}"))),
        }
    }

    /// Runs `argv` in a throwaway container of `parent` and commits its changes.
    #[allow(clippy::too_many_arguments)]
    fn run_container(
        &mut self,
        parent: State,
        argv: Vec<String>,
        env: Vec<String>,
        mounts: Vec<MountRequest>,
        network: Option<String>,
        created_by: String,
        text: &str,
    ) -> Result<Option<State>> {
        let engine = self.engine;
        let image = ImageRecord {
            id: parent.key.clone(),
            names: Vec::new(),
            digest: String::new(),
            layers: parent.layers.clone(),
            created: None,
            config: parent.config.clone(),
            size: 0,
            pulled_at: None,
            manifest_media_type: None,
            repo_digests: Vec::new(),
        };
        let mut opts = RunOptions { command: argv, entrypoint: Some(String::new()), env, mounts, ..RunOptions::default() };
        if let Some(n) = &network {
            opts.network = sangja_network::parse_mode(n, engine.identity.rootless)?;
        }
        let (container, spec) = crate::run::create(engine, &image, crate::run::BUILD_STEP_IMAGE, opts)?;
        let id = container.config.id.clone();
        let ran = crate::run::start_foreground(
            engine,
            &image,
            container,
            &spec,
            sangja_runtime::Stdio { stdin: self.io.stdin, stdout: self.io.stdout, stderr: self.io.stderr },
        );
        let result = match ran {
            Ok(0) => {
                ContainerStore::new(&engine.paths).lookup(&id).and_then(|c| crate::commit::container_layer(engine, &c, &image)).map(Some)
            }
            Ok(code) => {
                self.failure = Some((code, format!("building at STEP \"{text}\": while running runtime: exit status {code}")));
                Ok(None)
            }
            Err(e) => Err(e),
        };
        // The step's container goes whatever happened (podman's --rm, default true).
        let _ = crate::containers::remove_one(engine, &id, true);
        let Some((layer, _)) = result? else { return Ok(None) };
        Ok(Some(with_layer(parent, &layer, created_by)))
    }
}
