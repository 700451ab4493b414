//! The steps of a build: FROM, RUN, COPY/ADD and the metadata instructions,
//! each through the cache (cache.rs).

use super::cache::{self, State};
use super::context::{self, Attrs, Plan, Tree};
use super::{BuildEvent, BuildRequest};
use crate::error::{Error, Result};
use crate::Engine;
use oci_spec::image::{Config, History, ImageConfiguration};
use sangja_build::expand;
use sangja_build::parse::{Cmd, Flag, Heredoc, Ins, Stage, Step};
use sangja_build::vars::{self, Scope};
use sangja_container::mounts::MountRequest;
use sangja_container::record::ContainerStore;
use sangja_container::RunOptions;
use sangja_image::store::ImageRecord;
use sangja_storage::layers::LayerStore;
use std::collections::HashMap;

mod commit;
mod copy;
mod run;

const DEFAULT_SHELL: [&str; 2] = ["/bin/sh", "-c"];

/// The stage being built.
struct Current {
    state: State,
    /// CMD was set in this stage (a later ENTRYPOINT keeps it).
    cmd_set: bool,
    label: Option<(usize, usize)>,
    total: usize,
}

/// A build in progress.
pub(super) struct Builder<'a> {
    engine: &'a Engine,
    req: &'a BuildRequest,
    io: &'a sangja_runtime::Stdio<'a>,
    events: &'a (dyn Fn(BuildEvent) + Send + Sync),
    scope: Scope,
    escape: char,
    context: Tree,
    /// Built stages by index (None: skipped), with their names.
    stages: Vec<(Option<String>, Option<State>)>,
    /// A RUN step's failure: (exit code, message).
    pub failure: Option<(i32, String)>,
    /// Images named by FROM or --from, resolved once per build.
    images: HashMap<String, ImageRecord>,
    /// The current step's text, continuations joined.
    step_text: String,
    /// Temp folders of heredoc and downloaded sources, gone with the build.
    scratch: Vec<context::Unpacked>,
}

fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Nanos, true)
}

fn short(id: &str) -> String {
    id.chars().take(11).collect()
}

fn flag<'f>(flags: &'f [Flag], name: &str) -> Option<&'f str> {
    flags.iter().rev().find(|f| f.name == name).and_then(|f| f.value.as_deref())
}

fn config_of(c: &ImageConfiguration) -> Config {
    c.config().clone().unwrap_or_default()
}

fn add_history(config: &mut ImageConfiguration, created_by: String, empty: bool) {
    let mut h = History::default();
    h.set_created(Some(now()));
    h.set_created_by(Some(created_by));
    if empty {
        h.set_empty_layer(Some(true));
    }
    let mut all = config.history().clone().unwrap_or_default();
    all.push(h);
    config.set_history(Some(all));
}

/// An empty image config for this machine (FROM scratch).
fn scratch_config() -> ImageConfiguration {
    let mut c = ImageConfiguration::default();
    c.set_architecture(crate::commit::host_arch());
    c.set_os(oci_spec::image::Os::Linux);
    let mut rootfs = oci_spec::image::RootFs::default();
    rootfs.set_diff_ids(Vec::new());
    c.set_rootfs(rootfs);
    let mut cfg = Config::default();
    cfg.set_env(Some(vec!["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin".into()]));
    c.set_config(Some(cfg));
    c.set_history(Some(Vec::new()));
    c
}

/// `/bin/sh -c`. buildah (podman build) runs shell-form CMD and ENTRYPOINT
/// through it whatever SHELL says (docker uses SHELL there too); sangja
/// follows podman, its reference, so an image is the same from both.
fn default_shell() -> Vec<String> {
    DEFAULT_SHELL.iter().map(|s| s.to_string()).collect()
}

/// A Go duration as docker's HEALTHCHECK flags take it ("30s", "1m30s",
/// "500ms"), in nanoseconds.
fn go_duration(s: &str) -> Option<i64> {
    if s == "0" {
        return Some(0);
    }
    let mut total: f64 = 0.0;
    let mut rest = s;
    while !rest.is_empty() {
        let num_len = rest.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(rest.len());
        if num_len == 0 {
            return None;
        }
        let n: f64 = rest[..num_len].parse().ok()?;
        rest = &rest[num_len..];
        let unit_len = rest.find(|c: char| c.is_ascii_digit() || c == '.').unwrap_or(rest.len());
        let mult = match &rest[..unit_len] {
            "ns" => 1.0,
            "us" | "µs" => 1e3,
            "ms" => 1e6,
            "s" => 1e9,
            "m" => 60e9,
            "h" => 3600e9,
            _ => return None,
        };
        rest = &rest[unit_len..];
        total += n * mult;
    }
    Some(total as i64)
}

/// HEALTHCHECK's config as docker writes it: `{"Test": ["CMD-SHELL", ...]}`
/// or `["CMD", ...]` or `["NONE"]`, durations in nanoseconds, zero ones left out.
fn healthcheck(step: &Step, flags: &[Flag], cmd: Option<&Cmd>) -> Result<serde_json::Value> {
    let bad = |what: String| Error::Invalid(format!("line {}: {}: {what}", step.line, step.text));
    let Some(cmd) = cmd else {
        if !flags.is_empty() {
            return Err(bad("HEALTHCHECK NONE takes no options".into()));
        }
        return Ok(serde_json::json!({ "Test": ["NONE"] }));
    };
    let test: Vec<String> = match cmd {
        Cmd::Shell(s) => vec!["CMD-SHELL".into(), s.clone()],
        Cmd::Exec(v) => std::iter::once("CMD".to_string()).chain(v.iter().cloned()).collect(),
    };
    let mut hc = serde_json::Map::new();
    hc.insert("Test".into(), serde_json::json!(test));
    for f in flags {
        let v = f.value.as_deref().unwrap_or("");
        let key = match f.name.as_str() {
            "interval" => "Interval",
            "timeout" => "Timeout",
            "start-period" => "StartPeriod",
            "start-interval" => "StartInterval",
            "retries" => {
                let n: i64 = v.parse().map_err(|_| bad(format!("--retries={v} is not a number")))?;
                if n < 0 {
                    return Err(bad("--retries cannot be negative".into()));
                }
                if n > 0 {
                    hc.insert("Retries".into(), n.into());
                }
                continue;
            }
            other => return Err(bad(format!("unknown flag --{other}"))),
        };
        let ns = go_duration(v).ok_or_else(|| bad(format!("--{}={v} is not a duration (say 30s, 1m30s, 500ms)", f.name)))?;
        if ns != 0 && ns < 1_000_000 {
            return Err(bad(format!("--{} cannot be less than 1ms", f.name)));
        }
        if ns < 0 {
            return Err(bad(format!("--{} cannot be negative", f.name)));
        }
        if ns > 0 {
            hc.insert(key.into(), ns.into());
        }
    }
    Ok(serde_json::Value::Object(hc))
}

/// The argv of CMD/ENTRYPOINT/RUN: exec form as is, shell form through SHELL.
fn argv(cmd: &Cmd, shell: &[String]) -> Vec<String> {
    match cmd {
        Cmd::Exec(v) => v.clone(),
        Cmd::Shell(s) => shell.iter().cloned().chain(std::iter::once(s.clone())).collect(),
    }
}

fn json(v: &[String]) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

impl<'a> Builder<'a> {
    pub(super) fn new(
        engine: &'a Engine,
        req: &'a BuildRequest,
        io: &'a sangja_runtime::Stdio<'a>,
        events: &'a (dyn Fn(BuildEvent) + Send + Sync),
        scope: Scope,
        escape: char,
        context: Tree,
    ) -> Self {
        Builder {
            engine,
            req,
            io,
            events,
            scope,
            escape,
            context,
            stages: Vec::new(),
            failure: None,
            images: HashMap::new(),
            step_text: String::new(),
            scratch: Vec::new(),
        }
    }

    pub(super) fn scope_unused(&self) -> Vec<String> {
        self.scope.unused()
    }

    pub(super) fn skip_stage(&mut self) {
        self.stages.push((None, None));
    }

    fn use_cache(&self) -> bool {
        self.req.layers && !self.req.no_cache
    }

    /// A stage by `AS` name or index, built before `self.stages.len()`.
    fn stage_ref(&self, name: &str) -> Option<&State> {
        let lname = name.to_ascii_lowercase();
        let by_name = self.stages.iter().rev().find(|(n, _)| n.as_deref() == Some(lname.as_str()));
        match by_name {
            Some((_, s)) => s.as_ref(),
            None => name.parse::<usize>().ok().and_then(|i| self.stages.get(i)).and_then(|(_, s)| s.as_ref()),
        }
    }

    /// An image for FROM or --from, through the pull policy.
    fn image(&mut self, name: &str) -> Result<ImageRecord> {
        if let Some(i) = self.images.get(name) {
            return Ok(i.clone());
        }
        let events = self.events;
        let image = crate::images::resolve(self.engine, name, self.req.pull, self.req.pull_opts.clone(), &|ev| {
            if let crate::images::ResolveEvent::Pulling(n) = ev {
                events(BuildEvent::Pulling(n));
            }
        })?;
        self.images.insert(name.to_string(), image.clone());
        Ok(image)
    }

    /// Builds one stage; `None` when a RUN step failed (`self.failure`).
    pub(super) fn stage(&mut self, stage: &Stage, label: Option<(usize, usize)>) -> Result<Option<State>> {
        self.scope.new_stage();
        let total = stage.steps.len() + 1;
        (self.events)(BuildEvent::Step { stage: label, n: 1, total, text: stage.text.clone() });
        let scope = &self.scope;
        let base = expand::expand_word(&stage.image, self.escape, &|n| scope.global(n))?;
        if let Some(p) = flag(&stage.flags, "platform") {
            let p = expand::expand_word(p, self.escape, &|n| scope.global(n))?;
            let host = vars::Platform::host();
            if !host.matches(&vars::Platform::parse(&p)?) {
                return Err(Error::Invalid(format!("FROM --platform={p}: sangja builds for this machine's platform ({host}) only")));
            }
        }
        let mut state = if base.eq_ignore_ascii_case("scratch") {
            State {
                config: scratch_config(),
                layers: Vec::new(),
                shell: Vec::new(),
                healthcheck: None,
                onbuild: Vec::new(),
                base_layers: 0,
                key: cache::key("scratch", &[]),
            }
        } else if let Some(s) = self.stage_ref(&base) {
            s.clone()
        } else {
            let image = self.image(&base)?;
            // SHELL, HEALTHCHECK and ONBUILD live only in a docker config's
            // blob (the record keeps the OCI fields).
            let c = &crate::images::docker_config(self.engine, &image.id);
            let strings = |v: &serde_json::Value| -> Vec<String> {
                v.as_array().map(|a| a.iter().filter_map(|x| x.as_str().map(str::to_string)).collect()).unwrap_or_default()
            };
            State {
                config: image.config.clone(),
                layers: image.layers.clone(),
                shell: strings(&c["Shell"]),
                healthcheck: c.get("Healthcheck").filter(|h| h.is_object()).cloned(),
                onbuild: strings(&c["OnBuild"]),
                base_layers: image.layers.len(),
                key: cache::key("image", &[&image.id]),
            }
        };
        // The base's ONBUILD triggers run first, as steps of this stage (buildah
        // counts them in its STEP n/m after the FROM line); the image made
        // from it does not carry them on.
        let triggers: Vec<Step> =
            std::mem::take(&mut state.onbuild).iter().map(|t| sangja_build::parse::parse_instruction(t)).collect::<Result<_>>()?;
        let total = total + triggers.len();
        let mut cur = Current { state, cmd_set: false, label, total };
        let all: Vec<&Step> = triggers.iter().chain(stage.steps.iter()).collect();
        for (n, step) in all.iter().enumerate() {
            (self.events)(BuildEvent::Step { stage: label, n: n + 2, total, text: step.text.clone() });
            if !self.step(&mut cur, step)? {
                return Ok(None);
            }
            if n + 1 < all.len() {
                (self.events)(BuildEvent::StepDone(short(&cur.state.key)));
            }
        }
        let _ = cur.total;
        let _ = cur.label;
        self.stages.push((stage.name.clone(), Some(cur.state.clone())));
        Ok(Some(cur.state))
    }

    /// A variable's value in the current stage (ENV, then ARGs).
    fn expand(&self, cur: &Current, word: &str) -> Result<String> {
        let env = config_of(&cur.state.config).env().clone().unwrap_or_default();
        let lookup = vars::stage_lookup(&env, &self.scope);
        expand::expand_word(word, self.escape, &lookup)
    }

    fn expand_words(&self, cur: &Current, words: &[String]) -> Result<Vec<String>> {
        let env = config_of(&cur.state.config).env().clone().unwrap_or_default();
        let lookup = vars::stage_lookup(&env, &self.scope);
        let mut out = Vec::new();
        for w in words {
            out.extend(expand::expand_words(w, self.escape, &lookup)?);
        }
        Ok(out)
    }

    fn key_values(&self, cur: &Current, raw: &str, what: &str) -> Result<Vec<(String, String)>> {
        let env = config_of(&cur.state.config).env().clone().unwrap_or_default();
        let lookup = vars::stage_lookup(&env, &self.scope);
        expand::key_values(raw, self.escape, &lookup, what)
    }

    /// Looks `key` up in the cache, else makes the state with `make` and
    /// records it.
    fn cached(&mut self, cur: &mut Current, key: String, make: impl FnOnce(&mut Self, State) -> Result<Option<State>>) -> Result<bool> {
        if self.use_cache() {
            if let Some(s) = cache::get(self.engine, &key)? {
                (self.events)(BuildEvent::UsingCache(key.clone()));
                cur.state = s;
                return Ok(true);
            }
        }
        let parent = cur.state.clone();
        let Some(mut s) = make(self, parent)? else { return Ok(false) };
        s.key = key;
        if self.req.layers {
            cache::put(self.engine, &s)?;
        }
        cur.state = s;
        Ok(true)
    }

    /// A metadata step: `apply` changes the config; an empty-layer history entry.
    /// `expanded` is the instruction with its variables expanded (the cache
    /// key); the history line has the text as written, as buildah's.
    fn meta(&mut self, cur: &mut Current, expanded: String, apply: impl FnOnce(&mut Config, &mut State)) -> Result<bool> {
        let key = cache::key(&cur.state.key, &["meta", &expanded]);
        let created_by = if expanded.starts_with("ARG ") { expanded.clone() } else { self.step_text.clone() };
        self.cached(cur, key, |_, mut s| {
            let mut c = config_of(&s.config);
            apply(&mut c, &mut s);
            s.config.set_config(Some(c));
            add_history(&mut s.config, format!("/bin/sh -c #(nop) {created_by}"), true);
            Ok(Some(s))
        })
    }

    /// Runs one instruction; false when a RUN failed.
    fn step(&mut self, cur: &mut Current, step: &Step) -> Result<bool> {
        self.step_text = step.text.clone();
        match &step.ins {
            Ins::Arg(raw) => {
                let env = config_of(&cur.state.config).env().clone().unwrap_or_default();
                let pairs = {
                    let lookup = vars::stage_lookup(&env, &self.scope);
                    vars::parse_arg(raw, self.escape, &lookup)?
                };
                let names: Vec<String> = pairs.iter().map(|(k, _)| k.clone()).collect();
                for (k, v) in pairs {
                    self.scope.declare(&k, v);
                }
                self.meta(cur, format!("ARG {}", names.join(" ")), |_, _| {})
            }
            Ins::Env(raw) => {
                let pairs = self.key_values(cur, raw, "ENV")?;
                let text = pairs.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(" ");
                self.meta(cur, format!("ENV {text}"), |c, _| {
                    let mut env = c.env().clone().unwrap_or_default();
                    for (k, v) in pairs {
                        let line = format!("{k}={v}");
                        match env.iter_mut().find(|e| e.split('=').next() == Some(k.as_str())) {
                            Some(e) => *e = line,
                            None => env.push(line),
                        }
                    }
                    c.set_env(Some(env));
                })
            }
            Ins::Label(raw) => {
                let pairs = self.key_values(cur, raw, "LABEL")?;
                let text = pairs.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(" ");
                self.meta(cur, format!("LABEL {text}"), |c, _| {
                    let mut l = c.labels().clone().unwrap_or_default();
                    l.extend(pairs);
                    c.set_labels(Some(l));
                })
            }
            Ins::Workdir(w) => {
                let w = self.expand(cur, w)?;
                let old = config_of(&cur.state.config).working_dir().clone().unwrap_or_else(|| "/".into());
                let dir = if w.starts_with('/') { w } else { format!("{}/{w}", old.trim_end_matches('/')) };
                let dir = format!("/{}", sangja_build::ignore::clean(&dir));
                self.meta(cur, format!("WORKDIR {dir}"), |c, _| {
                    c.set_working_dir(Some(dir.clone()));
                })
            }
            Ins::User(u) => {
                let u = self.expand(cur, u)?;
                self.meta(cur, format!("USER {u}"), |c, _| {
                    c.set_user(Some(u.clone()));
                })
            }
            Ins::Expose(ports) => {
                let ports = self.expand_words(cur, ports)?;
                let ports: Vec<String> = ports.into_iter().map(|p| if p.contains('/') { p } else { format!("{p}/tcp") }).collect();
                self.meta(cur, format!("EXPOSE {}", ports.join(" ")), |c, _| {
                    c.set_exposed_ports(Some(append_new(c.exposed_ports().clone(), ports)));
                })
            }
            Ins::Volume(v) => {
                let v = self.expand_words(cur, v)?;
                self.meta(cur, format!("VOLUME {}", json(&v)), |c, _| {
                    c.set_volumes(Some(append_new(c.volumes().clone(), v)));
                })
            }
            Ins::Stopsignal(s) => {
                let s = self.expand(cur, s)?;
                self.meta(cur, format!("STOPSIGNAL {s}"), |c, _| {
                    c.set_stop_signal(Some(s.clone()));
                })
            }
            Ins::Cmd(cmd) => {
                let v = argv(cmd, &default_shell());
                cur.cmd_set = true;
                self.meta(cur, format!("CMD {}", json(&v)), |c, _| {
                    c.set_cmd(Some(v.clone()));
                })
            }
            Ins::Entrypoint(cmd) => {
                let v = argv(cmd, &default_shell());
                // A new ENTRYPOINT drops the CMD the base image had (not one set in this stage).
                let reset_cmd = !cur.cmd_set;
                self.meta(cur, format!("ENTRYPOINT {}", json(&v)), |c, _| {
                    c.set_entrypoint(Some(v.clone()));
                    if reset_cmd {
                        c.set_cmd(None);
                    }
                })
            }
            Ins::Shell(v) => {
                if v.is_empty() {
                    return Err(Error::Invalid(format!(
                        "line {}: {}: SHELL needs a JSON array of at least one word",
                        step.line, step.text
                    )));
                }
                // As buildah: RUN steps of this build use it in either format;
                // an OCI config has no field for it.
                if !self.req.docker_format {
                    (self.events)(BuildEvent::Warning(format!(
                        "SHELL is not supported for OCI image format, [{}] will be ignored. Must use `docker` format",
                        v.join(" ")
                    )));
                }
                let v = v.clone();
                self.meta(cur, format!("SHELL {}", json(&v)), |_, s| s.shell = v.clone())
            }
            Ins::Maintainer(m) => {
                let m = m.clone();
                let key = cache::key(&cur.state.key, &["maintainer", &m]);
                self.cached(cur, key, |_, mut s| {
                    s.config.set_author(Some(m.clone()));
                    add_history(&mut s.config, format!("/bin/sh -c #(nop) MAINTAINER {m}"), true);
                    Ok(Some(s))
                })
            }
            Ins::Healthcheck { flags, cmd } => {
                let hc = healthcheck(step, flags, cmd.as_ref())?;
                if !self.req.docker_format {
                    (self.events)(BuildEvent::Warning(
                        "HEALTHCHECK is not supported for OCI image format and will be ignored. Must use `docker` format".into(),
                    ));
                }
                self.meta(cur, format!("HEALTHCHECK {hc}"), |_, s| s.healthcheck = Some(hc))
            }
            Ins::Onbuild(t) => {
                let trigger = sangja_build::parse::parse_instruction(t)?;
                if matches!(trigger.ins, Ins::Maintainer(_)) {
                    return Err(Error::Invalid(format!(
                        "line {}: {}: MAINTAINER isn't allowed as an ONBUILD trigger",
                        step.line, step.text
                    )));
                }
                if !self.req.docker_format {
                    (self.events)(BuildEvent::Warning(format!(
                        "ONBUILD is not supported for OCI image format, {t} will be ignored. Must use `docker` format"
                    )));
                }
                let t = t.clone();
                self.meta(cur, format!("ONBUILD {t}"), |_, s| s.onbuild.push(t))
            }
            Ins::Run { flags, cmd, heredocs } => self.run(cur, step, flags, cmd, heredocs),
            Ins::Copy { add, flags, srcs, dest, heredocs } => self.copy(cur, step, *add, flags, srcs, dest, heredocs),
        }
    }
}

/// `parent` with a new layer on top and its history entry.
fn with_layer(mut s: State, layer: &sangja_storage::layers::LayerInfo, created_by: String) -> State {
    let mut rootfs = s.config.rootfs().clone();
    let mut ids = rootfs.diff_ids().clone();
    ids.push(layer.diff_id.clone());
    rootfs.set_diff_ids(ids);
    s.config.set_rootfs(rootfs);
    add_history(&mut s.config, created_by, false);
    s.layers.push(layer.digest.clone());
    s
}

fn join(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        name.to_string()
    } else {
        format!("{dir}/{name}")
    }
}

/// The error for an instruction or flag sangja does not do yet (exit 125).
fn refused(step: &Step, what: &str) -> Error {
    Error::Invalid(format!("line {}: {}: {what} is not supported by sangja build yet", step.line, step.text))
}

/// `--chown=user[:group]`: numbers, or names from the stage's /etc/passwd and /etc/group.
fn owner_of(stage: &Tree, spec: &str) -> Result<(u32, u32)> {
    let (user, group) = match spec.split_once(':') {
        Some((u, g)) => (u, Some(g)),
        None => (spec, None),
    };
    let read = |f: &str| stage.entry(f).and_then(|(p, _)| std::fs::read_to_string(p).ok()).unwrap_or_default();
    let lookup = |file: &str, name: &str, field: usize| -> Option<(u32, Option<u32>)> {
        read(file).lines().find_map(|l| {
            let parts: Vec<&str> = l.split(':').collect();
            (parts.first() == Some(&name))
                .then(|| (parts.get(field).and_then(|v| v.parse().ok()), parts.get(3).and_then(|v| v.parse().ok())))
                .and_then(|(id, g)| id.map(|id| (id, g)))
        })
    };
    let (uid, primary) = match user.parse::<u32>() {
        Ok(n) => (n, None),
        Err(_) => lookup("etc/passwd", user, 2)
            .ok_or_else(|| Error::NotFound(format!("--chown={spec}: no user {user:?} in the image's /etc/passwd")))?,
    };
    let gid = match group {
        Some(g) => match g.parse::<u32>() {
            Ok(n) => n,
            Err(_) => lookup("etc/group", g, 2)
                .map(|(id, _)| id)
                .ok_or_else(|| Error::NotFound(format!("--chown={spec}: no group {g:?} in the image's /etc/group")))?,
        },
        None => primary.unwrap_or(uid),
    };
    Ok((uid, gid))
}

/// `list` with the items of `more` it does not hold yet appended, in order
/// (EXPOSE and VOLUME add to what the base image declares, once each).
fn append_new(list: Option<Vec<String>>, more: Vec<String>) -> Vec<String> {
    let mut all = list.unwrap_or_default();
    for item in more {
        if !all.contains(&item) {
            all.push(item);
        }
    }
    all
}
