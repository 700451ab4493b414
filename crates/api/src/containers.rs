//! The container endpoints (`/containers/...`): each calls the engine
//! function the CLI's command calls (ps, create, start, stop, kill, wait,
//! rm, inspect, logs, rename, pause, top, prune); this module only maps
//! docker's JSON and query strings onto the engine's typed requests, and
//! its results back into docker's shapes.
//!
//! Fork safety: creating a container's record forks nothing; starting one
//! goes through the engine's worker seam (lifecycle::start_monitor spawns
//! `sangja __worker`, fork+exec only), signals through
//! record::signal_process (a forked child that only makes raw syscalls).

use crate::error::{ApiError, ApiResult, Json, Query};
use crate::state::State;
use axum::body::Body;
use axum::extract::Path;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::Router;
use sangja_container::record::{Container, ContainerStore, Status};
use sangja_engine::containers::{PsRequest, RemoveOutcome, RemoveRequest};
use sangja_engine::lifecycle::{self, StopOptions};
use sangja_engine::select::Selection;
use sangja_engine::Engine;
use serde::Deserialize;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use std::time::Duration;

pub fn routes() -> Router<State> {
    Router::new()
        .route("/containers/json", get(list))
        .route("/containers/create", post(create))
        .route("/containers/prune", post(prune))
        .route("/containers/{id}/json", get(inspect))
        .route("/containers/{id}/start", post(start))
        .route("/containers/{id}/stop", post(stop))
        .route("/containers/{id}/kill", post(kill))
        .route("/containers/{id}/restart", post(restart))
        .route("/containers/{id}/wait", post(wait))
        .route("/containers/{id}", delete(remove))
        .route("/containers/{id}/logs", get(logs))
        .route("/containers/{id}/rename", post(rename))
        .route("/containers/{id}/pause", post(pause))
        .route("/containers/{id}/unpause", post(unpause))
        .route("/containers/{id}/top", get(top))
        .route("/containers/{id}/stats", get(stats))
        .route("/containers/{id}/attach", post(crate::attach::attach))
        .route("/containers/{id}/resize", post(resize))
}

/// docker's booleans in queries: 1/0, true/false.
pub(crate) fn flag(v: &Option<String>) -> bool {
    matches!(v.as_deref(), Some("1" | "true" | "True" | "yes"))
}

pub(crate) fn lookup(e: &Engine, id: &str) -> sangja_core::error::Result<Container> {
    ContainerStore::new(&e.paths).lookup(id)
}

/// docker's `filters` query: `{"key": ["v", ...]}` (or the old
/// `{"key": {"v": true}}`), as (key, value) pairs.
pub(crate) fn parse_filters(raw: Option<&str>) -> ApiResult<Vec<(String, String)>> {
    let Some(raw) = raw.filter(|r| !r.is_empty()) else { return Ok(Vec::new()) };
    let v: Value = serde_json::from_str(raw).map_err(|e| ApiError::bad_request(format!("invalid filters {raw:?}: {e}")))?;
    let Value::Object(m) = v else { return Err(ApiError::bad_request(format!("invalid filters {raw:?}: not a JSON object"))) };
    let mut out = Vec::new();
    for (k, vals) in m {
        match vals {
            Value::Array(a) => out.extend(a.into_iter().filter_map(|x| x.as_str().map(|s| (k.clone(), s.to_string())))),
            Value::Object(o) => out.extend(o.into_iter().filter(|(_, b)| b.as_bool() != Some(false)).map(|(s, _)| (k.clone(), s))),
            Value::String(s) => out.push((k.clone(), s)),
            _ => return Err(ApiError::bad_request(format!("invalid filters {raw:?}: {k} must list strings"))),
        }
    }
    Ok(out)
}

/// The container's labels as a map.
pub(crate) fn labels(c: &Container) -> BTreeMap<String, String> {
    c.config
        .options
        .labels
        .iter()
        .map(|l| l.split_once('=').map(|(k, v)| (k.into(), v.into())).unwrap_or((l.clone(), String::new())))
        .collect()
}

/// Whether `labels` has every `key` / `key=value` of `wanted` (docker's
/// label filters are AND-ed).
pub(crate) fn labels_match(labels: &BTreeMap<String, String>, wanted: &[String]) -> bool {
    wanted.iter().all(|w| match w.split_once('=') {
        Some((k, v)) => labels.get(k).is_some_and(|x| x == v),
        None => labels.contains_key(w.as_str()),
    })
}

/// RFC 3339 as recorded → Unix seconds.
pub(crate) fn unix(t: &str) -> i64 {
    chrono::DateTime::parse_from_rfc3339(t).map(|d| d.timestamp()).unwrap_or(0)
}

/// docker's "Up 5 seconds" / "Exited (0) 3 minutes ago".
fn human_since(t: Option<&str>) -> String {
    let secs = t.map(|t| chrono::Utc::now().timestamp() - unix(t)).unwrap_or(0).max(0);
    sangja_engine::containers::human_duration(secs)
}

pub(crate) fn status_text(c: &Container) -> String {
    let s = &c.state;
    match s.status {
        Status::Created => "Created".into(),
        Status::Running => format!("Up {}", human_since(s.started_at.as_deref())),
        Status::Paused => format!("Up {} (Paused)", human_since(s.started_at.as_deref())),
        Status::Exited => format!("Exited ({}) {} ago", s.exit_code.unwrap_or(0), human_since(s.finished_at.as_deref())),
    }
}

/// `127.0.0.1:8080->80/tcp, ...` (ps's summary) as docker's Ports list.
fn ports(summary: &str) -> Vec<Value> {
    summary
        .split(", ")
        .filter(|p| !p.is_empty())
        .filter_map(|p| {
            let (host, inner) = p.split_once("->")?;
            let (port, proto) = inner.split_once('/').unwrap_or((inner, "tcp"));
            let (ip, public) = host.rsplit_once(':').unwrap_or(("0.0.0.0", host));
            Some(json!({
                "IP": ip.trim_matches(['[', ']']),
                "PrivatePort": port.parse::<u16>().ok()?,
                "PublicPort": public.parse::<u16>().ok()?,
                "Type": proto,
            }))
        })
        .collect()
}

fn network_mode(c: &Container) -> String {
    use sangja_container::NetworkMode as N;
    match &c.config.options.network {
        N::None => "none".into(),
        N::Host => "host".into(),
        N::Container(n) => format!("container:{n}"),
        N::Bridge(names) if !names.is_empty() => names[0].clone(),
        N::Bridge(_) => "bridge".into(),
        _ => "default".into(),
    }
}

#[derive(Deserialize, Default)]
struct ListQuery {
    all: Option<String>,
    limit: Option<i64>,
    size: Option<String>,
    filters: Option<String>,
}

/// `GET /containers/json`: ps.
async fn list(st: State, Query(q): Query<ListQuery>) -> ApiResult<Json2> {
    let pairs = parse_filters(q.filters.as_deref())?;
    let mut label_filters = Vec::new();
    let mut filters = Vec::new();
    for (k, v) in pairs {
        match k.as_str() {
            "label" => label_filters.push(v),
            // docker's words for the engine's.
            "status" | "name" | "id" | "ancestor" | "exited" => filters.push(format!("{k}={v}")),
            other => return Err(ApiError::bad_request(format!("invalid filter '{other}'"))),
        }
    }
    let req = PsRequest {
        all: flag(&q.all),
        filters,
        last: q.limit.filter(|n| *n > 0).map(|n| n as usize),
        size: flag(&q.size),
        ..Default::default()
    };
    let entries = st.blocking(move |e| sangja_engine::containers::ps(e, &req)).await?;
    let out: Vec<Value> = entries
        .into_iter()
        .filter(|p| labels_match(&labels(&p.container), &label_filters))
        .map(|p| {
            let c = &p.container;
            let mut v = json!({
                "Id": c.config.id,
                "Names": [format!("/{}", c.config.name)],
                "Image": c.config.image_name,
                "ImageID": format!("sha256:{}", c.config.image_id),
                "Command": c.config.command.join(" "),
                "Created": unix(&c.config.created),
                "Ports": ports(&p.ports),
                "Labels": labels(c),
                "State": c.state.status.as_str(),
                "Status": status_text(c),
                "HostConfig": { "NetworkMode": network_mode(c) },
                "NetworkSettings": { "Networks": {} },
                "Mounts": [],
            });
            if let Some(s) = p.size {
                v["SizeRw"] = json!(s.rw);
                v["SizeRootFs"] = json!(s.root_fs);
            }
            v
        })
        .collect();
    Ok(Json2(Value::Array(out)))
}

/// A JSON answer (axum's Json, named apart from the extractor).
pub struct Json2(pub Value);

impl IntoResponse for Json2 {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}

/// docker's create body: the fields sangja maps onto `RunOptions`.
#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
struct CreateBody {
    image: String,
    cmd: Option<Value>,
    entrypoint: Option<Value>,
    env: Option<Vec<String>>,
    labels: Option<BTreeMap<String, String>>,
    tty: bool,
    open_stdin: bool,
    attach_stdin: bool,
    attach_stdout: bool,
    attach_stderr: bool,
    working_dir: Option<String>,
    user: Option<String>,
    hostname: Option<String>,
    stop_timeout: Option<u64>,
    host_config: HostConfigBody,
    networking_config: crate::endpoints::NetworkingConfig,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
struct HostConfigBody {
    binds: Option<Vec<String>>,
    mounts: Option<Vec<MountBody>>,
    port_bindings: Option<BTreeMap<String, Option<Vec<PortBinding>>>>,
    network_mode: Option<String>,
    auto_remove: bool,
    restart_policy: Option<RestartBody>,
    memory: Option<i64>,
    nano_cpus: Option<i64>,
    cpu_shares: Option<u64>,
    pids_limit: Option<i64>,
    privileged: bool,
    read_only: bool,
    cap_add: Option<Vec<String>>,
    cap_drop: Option<Vec<String>>,
    init: Option<bool>,
    extra_hosts: Option<Vec<String>>,
    dns: Option<Vec<String>>,
    tmpfs: Option<BTreeMap<String, String>>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
struct MountBody {
    #[serde(rename = "Type")]
    kind: String,
    source: String,
    target: String,
    read_only: bool,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
struct PortBinding {
    host_ip: String,
    host_port: String,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
struct RestartBody {
    name: String,
    maximum_retry_count: u32,
}

/// A docker string-or-list field as a list.
fn strings(v: &Option<Value>) -> Option<Vec<String>> {
    match v {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(vec![s.clone()]),
        Some(Value::Array(a)) => Some(a.iter().filter_map(|x| x.as_str().map(String::from)).collect()),
        Some(_) => None,
    }
}

/// The docker body as the engine's `RunOptions` (what the CLI's flags become).
fn run_options(b: &CreateBody, name: Option<String>, rootless: bool) -> sangja_core::error::Result<sangja_engine::run::RunOptions> {
    use sangja_container::mounts;
    let mut o = sangja_engine::run::RunOptions { name, ..Default::default() };
    o.command = strings(&b.cmd).unwrap_or_default();
    o.entrypoint = strings(&b.entrypoint).map(|e| match e.len() {
        0 => String::new(),
        1 => e[0].clone(),
        _ => serde_json::to_string(&e).unwrap_or_default(),
    });
    o.env = b.env.clone().unwrap_or_default();
    o.labels = b.labels.iter().flatten().map(|(k, v)| format!("{k}={v}")).collect();
    o.tty = b.tty;
    o.interactive = b.open_stdin;
    o.workdir = b.working_dir.clone().filter(|w| !w.is_empty());
    o.user = b.user.clone().filter(|u| !u.is_empty());
    o.hostname = b.hostname.clone().filter(|h| !h.is_empty());
    o.stop_timeout = b.stop_timeout;
    // Always started under a monitor; the streams the client means to
    // attach are kept (-a's list) for inspect's Config.Attach*, which
    // dockerpty (docker-compose run) reads to know what to attach.
    o.detach = true;
    o.extra.attach = [("stdin", b.attach_stdin), ("stdout", b.attach_stdout), ("stderr", b.attach_stderr)]
        .into_iter()
        .filter(|(_, on)| *on)
        .map(|(s, _)| s.to_string())
        .collect();
    let h = &b.host_config;
    o.remove = h.auto_remove;
    o.network = match h.network_mode.as_deref() {
        None | Some("" | "default" | "bridge") => sangja_network::default_mode(rootless)?,
        Some(m) => sangja_network::parse_mode(m, rootless)?,
    };
    crate::endpoints::apply(&b.networking_config, &mut o);
    for bind in h.binds.iter().flatten() {
        o.mounts.push(mounts::parse_volume(bind)?);
    }
    for m in h.mounts.iter().flatten() {
        let mut spec = format!("type={},target={}", m.kind, m.target);
        if !m.source.is_empty() {
            spec.push_str(&format!(",source={}", m.source));
        }
        if m.read_only {
            spec.push_str(",readonly");
        }
        o.mounts.push(mounts::parse_mount(&spec)?);
    }
    for (dest, opts) in h.tmpfs.iter().flatten() {
        let spec = if opts.is_empty() { dest.clone() } else { format!("{dest}:{opts}") };
        o.mounts.push(mounts::parse_tmpfs(&spec)?);
    }
    for (port, bindings) in h.port_bindings.iter().flatten() {
        for pb in bindings.iter().flatten() {
            let mut spec = String::new();
            if !pb.host_ip.is_empty() {
                spec.push_str(&format!("{}:", pb.host_ip));
            }
            spec.push_str(&format!("{}:{port}", pb.host_port));
            o.net.publish.push(sangja_network::ports::parse(&spec)?);
        }
    }
    o.net.add_hosts = h.extra_hosts.clone().unwrap_or_default();
    o.net.dns = h.dns.clone().unwrap_or_default();
    if let Some(r) = &h.restart_policy {
        let text = match (r.name.as_str(), r.maximum_retry_count) {
            ("" | "no", _) => None,
            ("on-failure", n) if n > 0 => Some(format!("on-failure:{n}")),
            (name, _) => Some(name.to_string()),
        };
        if let Some(t) = text {
            o.restart = sangja_engine::run::RestartPolicy::parse(&t)?;
        }
    }
    if let Some(m) = h.memory.filter(|m| *m > 0) {
        o.resources.memory = Some(m.to_string());
    }
    if let Some(n) = h.nano_cpus.filter(|n| *n > 0) {
        o.resources.cpus = Some(format!("{}", n as f64 / 1e9));
    }
    o.resources.cpu_shares = h.cpu_shares.filter(|s| *s > 0);
    o.resources.pids_limit = h.pids_limit.filter(|p| *p != 0);
    o.read_only = h.read_only;
    o.security.privileged = h.privileged;
    o.security.cap_add = h.cap_add.clone().unwrap_or_default();
    o.security.cap_drop = h.cap_drop.clone().unwrap_or_default();
    o.init = h.init.unwrap_or(false);
    Ok(o)
}

#[derive(Deserialize, Default)]
struct CreateQuery {
    name: Option<String>,
}

/// `POST /containers/create`: the record, as `sangja create` makes it (the
/// image must be local: docker's client pulls on a 404 and asks again).
async fn create(st: State, Query(q): Query<CreateQuery>, Json(body): Json<CreateBody>) -> ApiResult<Response> {
    if body.image.is_empty() {
        return Err(ApiError::bad_request("config: no image given (Image)"));
    }
    let name = q.name.filter(|n| !n.is_empty()).map(|n| n.trim_start_matches('/').to_string());
    let id = st
        .blocking(move |e| {
            let opts = run_options(&body, name, e.identity.rootless)?;
            let image =
                sangja_engine::images::resolve(e, &body.image, sangja_engine::images::PullPolicy::Never, Default::default(), &|_| {})
                    .map_err(|err| match err {
                        sangja_core::error::Error::ImageNotFound(_) => {
                            sangja_core::error::Error::ImageNotFound(format!("No such image: {}", body.image))
                        }
                        other => other,
                    })?;
            let (c, _) = sangja_engine::run::create(e, &image, &body.image, opts)?;
            Ok(c.config.id)
        })
        .await?;
    Ok((StatusCode::CREATED, axum::Json(json!({ "Id": id, "Warnings": [] }))).into_response())
}

fn no_content() -> Response {
    StatusCode::NO_CONTENT.into_response()
}

fn not_modified() -> Response {
    StatusCode::NOT_MODIFIED.into_response()
}

/// `POST /containers/{id}/start`: under a monitor, through the worker seam;
/// the attach clients waiting for this start are handed to the monitor.
/// With none, a container whose creator means to attach (Attach* at
/// create) gets one client of the service's, whose output is kept for the
/// attaches that come just after the start (early.rs).
async fn start(st: State, Path(id): Path<String>) -> ApiResult<Response> {
    let st2 = st.clone();
    let started = st
        .blocking(move |e| {
            let c = lookup(e, &id)?;
            if c.is_running() {
                return Ok(None);
            }
            let mut clients = st2.pending_attach().remove(&c.config.id).unwrap_or_default();
            let attaches = c.config.options.extra.attach.iter().any(|a| a == "stdout" || a == "stderr");
            let mut early = None;
            if clients.is_empty() && attaches {
                let (ours, theirs) = sangja_container::attach::socketpair()?;
                clients.push(theirs);
                early = Some(ours);
            }
            let started = lifecycle::start_monitor(e, &c, &clients);
            // A wait or attach sent before the start goes on now.
            st2.starts().started();
            started?;
            Ok(Some((c.config.id, early)))
        })
        .await?;
    Ok(match started {
        Some((id, early)) => {
            if let Some(sock) = early {
                crate::early::open(&st, &id, sock);
            }
            no_content()
        }
        None => not_modified(),
    })
}

#[derive(Deserialize, Default)]
struct StopQuery {
    t: Option<i64>,
    timeout: Option<i64>,
    signal: Option<String>,
}

fn stop_timeout(q: &StopQuery) -> Option<u64> {
    q.t.or(q.timeout).map(|t| t.max(0) as u64)
}

/// `POST /containers/{id}/stop`.
async fn stop(st: State, Path(id): Path<String>, Query(q): Query<StopQuery>) -> ApiResult<Response> {
    let timeout = stop_timeout(&q);
    let stopped = st
        .blocking(move |e| {
            let c = lookup(e, &id)?;
            if !c.is_running() {
                return Ok(false);
            }
            lifecycle::stop_container(e, &c, &StopOptions { timeout })?;
            Ok(true)
        })
        .await?;
    Ok(if stopped { no_content() } else { not_modified() })
}

/// `POST /containers/{id}/kill`.
async fn kill(st: State, Path(id): Path<String>, Query(q): Query<StopQuery>) -> ApiResult<Response> {
    st.blocking(move |e| {
        let sig = lifecycle::parse_signal(q.signal.as_deref().filter(|s| !s.is_empty()).unwrap_or("KILL"))?;
        let c = lookup(e, &id)?;
        if !c.is_running() {
            return Err(sangja_core::error::Error::State(format!("Container {} is not running", c.config.id)));
        }
        lifecycle::signal(e, &c, sig)?;
        if sig == libc::SIGKILL {
            // docker's kill answers once a SIGKILL took effect: a client's
            // `rm` right after it must not find the container running. A
            // `--rm` container may be gone by then: no error.
            let deadline = std::time::Instant::now() + Duration::from_secs(10);
            let _ = lifecycle::wait_exit(&ContainerStore::new(&e.paths), &c, Some(deadline));
        }
        Ok(())
    })
    .await?;
    Ok(no_content())
}

/// `POST /containers/{id}/restart`.
async fn restart(st: State, Path(id): Path<String>, Query(q): Query<StopQuery>) -> ApiResult<Response> {
    let timeout = stop_timeout(&q);
    st.blocking(move |e| {
        let c = lookup(e, &id)?;
        let t = StopOptions { timeout }.timeout_for(&c);
        lifecycle::restart(e, &c, t)
    })
    .await?;
    Ok(no_content())
}

#[derive(Deserialize, Default)]
struct WaitQuery {
    condition: Option<String>,
}

/// `POST /containers/{id}/wait`: `not-running` (default) answers at once
/// for a container that does not run; `next-exit` waits for the next start
/// and its exit; `removed` also for the record to go (`--rm`).
async fn wait(st: State, Path(id): Path<String>, Query(q): Query<WaitQuery>) -> ApiResult<Response> {
    let condition = q.condition.unwrap_or_else(|| "not-running".into());
    if !matches!(condition.as_str(), "not-running" | "next-exit" | "removed" | "") {
        return Err(ApiError::bad_request(format!("invalid condition {condition:?}: use not-running, next-exit or removed")));
    }
    // The container must exist now (404 otherwise); the answer's head goes
    // at once, its body when the condition is met: docker's client sends
    // the start only once the wait's head came back.
    let c = st
        .blocking({
            let id = id.clone();
            move |e| lookup(e, &id)
        })
        .await?;
    let st = st.clone();
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<bytes::Bytes, std::io::Error>>(1);
    tokio::task::spawn_blocking(move || {
        let answer = match wait_for(&st, c, &condition) {
            Ok(code) => json!({ "StatusCode": code, "Error": null }),
            Err(e) => json!({ "StatusCode": -1, "Error": { "Message": e.to_string() } }),
        };
        let _ = tx.blocking_send(Ok(format!("{answer}\n").into()));
    });
    let mut resp = Response::new(Body::from_stream(tokio_stream(rx)));
    resp.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    Ok(resp)
}

/// Blocks until `condition` holds for `c`; its exit code.
fn wait_for(st: &State, mut c: Container, condition: &str) -> sangja_core::error::Result<i32> {
    let e = st.engine();
    let store = ContainerStore::new(&e.paths);
    let full = c.config.id.clone();
    if condition != "not-running" {
        // Until it starts again (or is gone): a wait sent before the start.
        // This service's own start wakes us at once; the poll sees a start
        // made by another process.
        let started = c.state.started_at.clone();
        let mut seen = st.starts().count();
        while !c.is_running() && c.state.started_at == started {
            st.starts().wait_after(seen, Duration::from_millis(10));
            seen = st.starts().count();
            match store.reload(&c) {
                Ok(now) => c = now,
                Err(_) => break,
            }
        }
    }
    let code = match store.reload(&c) {
        Ok(c) => lifecycle::wait(e, &c)?,
        Err(_) => lifecycle::removed_exit_code(e, &full),
    };
    if condition == "removed" {
        // `--rm`: the monitor removes the record, then exits: wait for
        // its exit rather than polling the record.
        while let Ok(now) = store.lookup(&full) {
            let s = &now.state;
            let t0 = std::time::Instant::now();
            if sangja_container::record::same_process(s.monitor_pid, s.monitor_start) {
                lifecycle::wait_pid(s.monitor_pid, s.monitor_start, Duration::from_millis(200));
            }
            // No monitor, or one gone but not yet reaped: don't spin.
            if t0.elapsed() < Duration::from_millis(2) && store.lookup(&full).is_ok() {
                std::thread::sleep(Duration::from_millis(10));
            }
        }
    }
    Ok(code.unwrap_or(0))
}

#[derive(Deserialize, Default)]
struct RemoveQuery {
    force: Option<String>,
    v: Option<String>,
}

/// `DELETE /containers/{id}`: rm's one sequence.
async fn remove(st: State, Path(id): Path<String>, Query(q): Query<RemoveQuery>) -> ApiResult<Response> {
    let req = RemoveRequest { selection: Selection::names(vec![id]), force: flag(&q.force), stop: None, volumes: flag(&q.v) };
    let outcomes = st.blocking(move |e| sangja_engine::containers::remove(e, &req)).await?;
    for o in outcomes {
        if let RemoveOutcome::Failed { error, .. } = o {
            return Err(error.into());
        }
    }
    Ok(no_content())
}

/// docker's inspect of a container, from the engine's document.
fn docker_inspect(doc: Value, c: &Container, nets: &[(String, String)]) -> Value {
    let mut v = doc;
    let o = v.as_object_mut().cloned().unwrap_or_default();
    let mut out = Map::new();
    out.insert("Id".into(), json!(c.config.id));
    out.insert("Created".into(), json!(c.config.created));
    let args = c.config.command.clone();
    out.insert("Path".into(), json!(args.first().cloned().unwrap_or_default()));
    out.insert("Args".into(), json!(args.iter().skip(1).collect::<Vec<_>>()));
    let s = &c.state;
    let zero = "0001-01-01T00:00:00Z".to_string();
    out.insert(
        "State".into(),
        json!({
            "Status": s.status.as_str(),
            "Running": s.status == Status::Running || s.status == Status::Paused,
            "Paused": s.status == Status::Paused,
            "Restarting": false,
            "OOMKilled": false,
            "Dead": false,
            "Pid": if c.is_running() { s.pid.unwrap_or(0) } else { 0 },
            "ExitCode": s.exit_code.unwrap_or(0),
            "Error": "",
            "StartedAt": s.started_at.clone().unwrap_or(zero.clone()),
            "FinishedAt": s.finished_at.clone().unwrap_or(zero),
        }),
    );
    out.insert("Image".into(), json!(format!("sha256:{}", c.config.image_id)));
    out.insert("Name".into(), json!(format!("/{}", c.config.name)));
    out.insert("RestartCount".into(), json!(s.restart_count));
    out.insert("Driver".into(), o.get("Driver").cloned().unwrap_or(json!("overlay")));
    out.insert("Platform".into(), json!("linux"));
    let opts = &c.config.options;
    let cfg = o.get("Config").cloned().unwrap_or(json!({}));
    out.insert(
        "Config".into(),
        json!({
            "Hostname": cfg.get("Hostname").cloned().unwrap_or(json!(c.config.id[..12])),
            "User": opts.user.clone().unwrap_or_default(),
            "Tty": opts.tty,
            "OpenStdin": opts.interactive,
            "StdinOnce": false,
            "AttachStdin": attaches(opts, "stdin"),
            "AttachStdout": attaches(opts, "stdout"),
            "AttachStderr": attaches(opts, "stderr"),
            "Env": cfg.get("Env").cloned().filter(|e| !e.is_null()).unwrap_or(json!(opts.env)),
            "Cmd": args,
            "Image": c.config.image_name,
            "WorkingDir": cfg.get("WorkingDir").cloned().filter(|e| !e.is_null()).unwrap_or(json!("")),
            "Entrypoint": null,
            "Labels": labels(c),
            "StopTimeout": opts.stop_timeout.unwrap_or(10),
        }),
    );
    // The engine's HostConfig (docker's field names: LogConfig, whose Type
    // docker-compose's `logs` needs, PortBindings, CapAdd, Dns, ...), with
    // docker's values where they differ.
    let mut hc = o.get("HostConfig").cloned().filter(Value::is_object).unwrap_or(json!({}));
    if hc.get("RestartPolicy").is_none() {
        hc["RestartPolicy"] = json!({"Name": "no", "MaximumRetryCount": 0});
    }
    hc["NetworkMode"] = json!(network_mode(c));
    hc["AutoRemove"] = json!(opts.remove);
    hc["Privileged"] = json!(opts.security.privileged);
    hc["ReadonlyRootfs"] = json!(opts.read_only);
    hc["Binds"] = json!([]);
    // podman's answer too: k8s-file is json-file to docker's clients
    // (docker-py's run reads its output only from json-file or journald).
    let driver = match opts.extra.log_driver.as_deref() {
        None | Some("k8s-file" | "json-file") => "json-file",
        Some(d) => d,
    };
    hc["LogConfig"] = json!({ "Type": driver, "Config": {} });
    out.insert("HostConfig".into(), hc);
    let mut ns = o.get("NetworkSettings").cloned().unwrap_or(json!({}));
    if !ns.is_object() {
        ns = json!({});
    }
    crate::endpoints::settings_networks(&mut ns, c, nets);
    if ns.get("Ports").is_none() {
        ns["Ports"] = json!({});
    }
    out.insert("NetworkSettings".into(), ns);
    out.insert("Mounts".into(), o.get("Mounts").cloned().unwrap_or(json!([])));
    out.insert("GraphDriver".into(), o.get("GraphDriver").cloned().unwrap_or(json!({})));
    v = Value::Object(out);
    v
}

/// Whether the container's creator attaches `stream`: the streams named
/// (docker's Attach* at create, run's -a), else all of them in the
/// foreground (stdin with -i), none detached.
fn attaches(opts: &sangja_engine::run::RunOptions, stream: &str) -> bool {
    if !opts.extra.attach.is_empty() {
        return opts.extra.attach.iter().any(|a| a == stream);
    }
    !opts.detach && (stream != "stdin" || opts.interactive)
}

/// `GET /containers/{id}/json`.
async fn inspect(st: State, Path(id): Path<String>) -> ApiResult<Json2> {
    let (doc, c, nets) = st
        .blocking(move |e| {
            let c = lookup(e, &id)?;
            let doc = sangja_engine::inspect::container(e, &c.config.id)?;
            let nets = crate::endpoints::networks_of(e, &c);
            Ok((serde_json::to_value(doc).unwrap_or_default(), c, nets))
        })
        .await?;
    Ok(Json2(docker_inspect(doc, &c, &nets)))
}

#[derive(Deserialize, Default)]
struct LogsQuery {
    follow: Option<String>,
    stdout: Option<String>,
    stderr: Option<String>,
    since: Option<String>,
    until: Option<String>,
    timestamps: Option<String>,
    tail: Option<String>,
}

/// `GET /containers/{id}/logs`: the log read by the engine, streamed
/// (multiplexed without a TTY, raw with one).
async fn logs(st: State, Path(id): Path<String>, Query(q): Query<LogsQuery>) -> ApiResult<Response> {
    let (want_out, want_err) = (flag(&q.stdout), flag(&q.stderr));
    if !want_out && !want_err {
        return Err(ApiError::bad_request("Bad parameters: you must choose at least one stream"));
    }
    let engine = st.engine().clone();
    let c = st
        .blocking({
            let id = id.clone();
            move |e| lookup(e, &id)
        })
        .await?;
    let tty = c.config.options.tty;
    let non_zero = |s: Option<String>| s.filter(|v| !v.is_empty() && v != "0");
    let req = sangja_engine::logs::LogsRequest {
        containers: vec![c.config.id.clone()],
        since: non_zero(q.since),
        until: non_zero(q.until),
        tail: q.tail.as_deref().filter(|t| *t != "all").and_then(|t| t.parse().ok()),
        follow: flag(&q.follow),
        ..Default::default()
    };
    let timestamps = flag(&q.timestamps);
    // Opened (the log file too) before answering, so a bad request is a
    // 4xx, not a cut stream, and a client that removes the container before
    // it reads the body (docker-py's run(remove=True)) still gets the output.
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<bytes::Bytes, std::io::Error>>(64);
    let (opened_tx, opened_rx) = tokio::sync::oneshot::channel::<sangja_core::error::Result<()>>();
    tokio::task::spawn_blocking(move || {
        let logs = match sangja_engine::logs::open(&engine, &req) {
            Ok(logs) => {
                let _ = opened_tx.send(Ok(()));
                logs
            }
            Err(e) => {
                let _ = opened_tx.send(Err(e));
                return;
            }
        };
        let _ = logs.read(&mut |_, r| {
            use sangja_container::logs::Stream as S;
            let (stream, wanted) = match r.stream {
                S::Stdout => (crate::hijack::STDOUT, want_out),
                _ => (crate::hijack::STDERR, want_err),
            };
            if !wanted {
                return Ok(());
            }
            let mut line = Vec::with_capacity(r.text.len() + 40);
            if timestamps {
                line.extend_from_slice(r.time_text.as_bytes());
                line.push(b' ');
            }
            line.extend_from_slice(&r.text);
            if !r.partial {
                line.push(b'\n');
            }
            let mut chunk = Vec::with_capacity(line.len() + 8);
            if !tty {
                chunk.extend_from_slice(&crate::hijack::frame_header(stream, line.len()));
            }
            chunk.extend_from_slice(&line);
            tx.blocking_send(Ok(chunk.into())).map_err(|_| std::io::Error::from(std::io::ErrorKind::BrokenPipe))
        });
    });
    opened_rx.await.map_err(|e| ApiError::internal(e.to_string()))??;
    let body = Body::from_stream(tokio_stream(rx));
    let mut resp = Response::new(body);
    resp.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(crate::hijack::content_type(tty)));
    Ok(resp)
}

/// A receiver as a stream of body chunks.
pub(crate) fn tokio_stream<T: Send + 'static>(rx: tokio::sync::mpsc::Receiver<T>) -> impl futures_util::Stream<Item = T> + Send {
    futures_util::stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|x| (x, rx)) })
}

#[derive(Deserialize, Default)]
struct RenameQuery {
    name: Option<String>,
}

/// `POST /containers/{id}/rename?name=NEW`.
async fn rename(st: State, Path(id): Path<String>, Query(q): Query<RenameQuery>) -> ApiResult<Response> {
    let Some(new) = q.name.filter(|n| !n.is_empty()) else { return Err(ApiError::bad_request("rename: give the new name (?name=NEW)")) };
    st.blocking(move |e| lifecycle::rename(e, &id, new.trim_start_matches('/'))).await?;
    Ok(no_content())
}

/// `POST /containers/{id}/pause`.
async fn pause(st: State, Path(id): Path<String>) -> ApiResult<Response> {
    st.blocking(move |e| lifecycle::pause(e, &lookup(e, &id)?)).await?;
    Ok(no_content())
}

/// `POST /containers/{id}/unpause`.
async fn unpause(st: State, Path(id): Path<String>) -> ApiResult<Response> {
    st.blocking(move |e| lifecycle::unpause(e, &lookup(e, &id)?)).await?;
    Ok(no_content())
}

#[derive(Deserialize, Default)]
struct TopQuery {
    ps_args: Option<String>,
}

/// `GET /containers/{id}/top`.
async fn top(st: State, Path(id): Path<String>, Query(q): Query<TopQuery>) -> ApiResult<Json2> {
    let descriptors: Vec<String> = q.ps_args.map(|a| a.split_whitespace().map(String::from).collect()).unwrap_or_default();
    let t = st.blocking(move |e| sangja_engine::top::top(e, &id, &descriptors)).await?;
    Ok(Json2(json!({ "Titles": t.headers, "Processes": t.rows })))
}

/// `GET /containers/{id}/stats`: one reading (`stream=false`, or the first
/// of a stream: docker's clients read one and close).
async fn stats(st: State, Path(id): Path<String>) -> ApiResult<Json2> {
    let (s, c) = st
        .blocking(move |e| {
            let c = lookup(e, &id)?;
            Ok((sangja_engine::stats::sample(&c), c))
        })
        .await?;
    let cpus = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    Ok(Json2(json!({
        "id": c.config.id,
        "name": format!("/{}", c.config.name),
        "read": chrono::Utc::now().to_rfc3339(),
        "preread": "0001-01-01T00:00:00Z",
        "pids_stats": { "current": s.pids.unwrap_or(0) },
        "cpu_stats": {
            "cpu_usage": { "total_usage": s.cpu_ns.unwrap_or(0), "usage_in_kernelmode": 0, "usage_in_usermode": 0 },
            "system_cpu_usage": 0,
            "online_cpus": cpus,
        },
        "precpu_stats": { "cpu_usage": { "total_usage": 0 }, "system_cpu_usage": 0, "online_cpus": cpus },
        "memory_stats": { "usage": s.mem_usage.unwrap_or(0), "limit": s.mem_limit.unwrap_or(0), "stats": {} },
        "blkio_stats": { "io_service_bytes_recursive": [
            { "major": 0, "minor": 0, "op": "read", "value": s.blk_read.unwrap_or(0) },
            { "major": 0, "minor": 0, "op": "write", "value": s.blk_write.unwrap_or(0) },
        ] },
        "networks": { "eth0": { "rx_bytes": s.net_rx.unwrap_or(0), "tx_bytes": s.net_tx.unwrap_or(0) } },
    })))
}

/// `POST /containers/{id}/resize`: the attach session's terminal size.
async fn resize(st: State, Path(id): Path<String>, Query(q): Query<crate::attach::ResizeQuery>) -> ApiResult<Response> {
    st.blocking(move |e| crate::attach::resize(e, &id, &q)).await?;
    Ok(StatusCode::OK.into_response())
}

/// `POST /containers/prune`.
async fn prune(st: State) -> ApiResult<Json2> {
    let gone = st.blocking(lifecycle::prune).await?;
    Ok(Json2(json!({ "ContainersDeleted": gone, "SpaceReclaimed": 0 })))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_and_labels() {
        let f = parse_filters(Some(r#"{"label":["a=1","b"],"status":{"running":true}}"#)).unwrap();
        assert_eq!(f.len(), 3);
        assert!(f.contains(&("status".into(), "running".into())));
        let l: BTreeMap<String, String> = [("a".to_string(), "1".to_string()), ("b".to_string(), "x".to_string())].into();
        assert!(labels_match(&l, &["a=1".into(), "b".into()]));
        assert!(!labels_match(&l, &["a=1".into(), "c".into()]));
        assert!(!labels_match(&l, &["a=2".into()]));
        assert!(parse_filters(Some("[1]")).is_err());
    }

    #[test]
    fn port_summaries() {
        let p = ports("127.0.0.1:8080->80/tcp, 0.0.0.0:53->53/udp");
        assert_eq!(p[0], json!({"IP": "127.0.0.1", "PrivatePort": 80, "PublicPort": 8080, "Type": "tcp"}));
        assert_eq!(p[1]["Type"], "udp");
    }
}
