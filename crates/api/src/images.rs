//! The images endpoints (Docker Engine API 1.44): list, inspect, pull
//! (`POST /images/create`), push, tag, remove, history, search, save
//! (`/images/get`), load, prune. Each calls the engine function the CLI
//! command calls (engine images.rs, push.rs, tags.rs, history.rs,
//! search.rs, archive.rs, prune.rs, inspect.rs); this module reads docker's
//! query strings and headers and shapes the answers, streaming the pull
//! and push progress as docker's JSON lines.
//!
//! Image names hold slashes (`127.0.0.1:5000/busybox`), so the per-image
//! paths are one catch-all route, split on their last segment here.
//!
//! Also here, for the other object modules: docker's `filters` parameter
//! (`Filters`), its booleans (`de_bool`), the label filter, JSON-lines
//! streams (`Lines`), and request bodies handed to the engine as a pipe
//! (`body_pipe`).

use crate::error::{ApiError, ApiResult, Query};
use crate::state::State;
use axum::body::{Body, Bytes};
use axum::extract::{OriginalUri, Path};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use sangja_core::config::auth::Credentials;
use sangja_engine::image_filter::{ImageFilters, LabelRule};
use sangja_engine::images::{self as engine_images, PullEvent, PullOptions, Removed};
use serde::{Deserialize, Deserializer};
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::io::{Read, Write};
use std::sync::Mutex;

pub fn routes() -> Router<State> {
    Router::new()
        .route("/images/json", get(list))
        .route("/images/create", post(pull))
        .route("/images/search", get(search))
        .route("/images/get", get(save_many))
        .route("/images/load", post(load))
        .route("/images/prune", post(prune))
        .route("/images/{*rest}", get(per_image_get).post(per_image_post).delete(remove))
}

// ---- shared helpers of the object modules ----

/// docker's `filters` query parameter: JSON `{"key": ["v", ...]}` (or the
/// older `{"key": {"v": true}}`).
#[derive(Debug, Default)]
pub(crate) struct Filters(BTreeMap<String, Vec<String>>);

impl Filters {
    pub(crate) fn parse(text: Option<&str>) -> ApiResult<Filters> {
        let Some(text) = text.filter(|t| !t.trim().is_empty()) else { return Ok(Filters::default()) };
        let v: Value = serde_json::from_str(text).map_err(|e| ApiError::bad_request(format!("invalid filters {text:?}: {e}")))?;
        let Value::Object(m) = v else { return Err(ApiError::bad_request(format!("invalid filters {text:?}: not a JSON object"))) };
        let mut out = BTreeMap::new();
        for (k, v) in m {
            let vals: Vec<String> = match v {
                Value::Array(a) => a.into_iter().map(|x| x.as_str().map(str::to_string).unwrap_or_else(|| x.to_string())).collect(),
                Value::Object(o) => o.into_iter().filter(|(_, b)| b.as_bool() != Some(false)).map(|(k, _)| k).collect(),
                Value::String(s) => vec![s],
                other => vec![other.to_string()],
            };
            out.insert(k, vals);
        }
        Ok(Filters(out))
    }

    /// The values of `key` (none: no filter on it).
    pub(crate) fn get(&self, key: &str) -> &[String] {
        self.0.get(key).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Refuses a filter not in `known`, with docker's words.
    pub(crate) fn only(&self, known: &[&str]) -> ApiResult<()> {
        match self.0.keys().find(|k| !known.contains(&k.as_str())) {
            Some(k) => Err(ApiError::bad_request(format!("invalid filter '{k}'"))),
            None => Ok(()),
        }
    }

    /// A boolean filter (`dangling`, `all`): the last value.
    pub(crate) fn bool(&self, key: &str) -> ApiResult<Option<bool>> {
        match self.get(key).last().map(String::as_str) {
            None => Ok(None),
            Some("1" | "true" | "True") => Ok(Some(true)),
            Some("0" | "false" | "False") => Ok(Some(false)),
            Some(v) => Err(ApiError::bad_request(format!("invalid filter '{key}={v}': give true or false"))),
        }
    }
}

pub(crate) use sangja_engine::image_filter::label_matches;

/// docker's query booleans: 1/true/True, 0/false/False, empty is false.
pub(crate) fn de_bool<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    let s = String::deserialize(d)?;
    match s.as_str() {
        "" | "0" | "false" | "False" | "FALSE" => Ok(false),
        "1" | "true" | "True" | "TRUE" => Ok(true),
        other => Err(serde::de::Error::custom(format!("{other:?} is not a boolean: give 1 or 0"))),
    }
}

/// Every value of `key` in a query string (docker repeats keys: `t=a&t=b`,
/// `names=a&names=b`), percent-decoded.
pub(crate) fn query_all(query: Option<&str>, key: &str) -> Vec<String> {
    query
        .unwrap_or("")
        .split('&')
        .filter_map(|kv| {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            (percent_decode(k) == key).then(|| percent_decode(v))
        })
        .collect()
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < b.len() => match u8::from_str_radix(std::str::from_utf8(&b[i + 1..i + 3]).unwrap_or("zz"), 16) {
                Ok(x) => {
                    out.push(x);
                    i += 2;
                }
                Err(_) => out.push(b'%'),
            },
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A stream of JSON lines to the client (pull, push, build progress).
#[derive(Clone)]
pub(crate) struct Lines(tokio::sync::mpsc::UnboundedSender<Bytes>);

impl Lines {
    /// The sender and a 200 response streaming what it sends.
    pub(crate) fn response() -> (Lines, Response) {
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel::<Bytes>();
        let mut resp = Response::new(receiver_body(rx));
        resp.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
        (Lines(tx), resp)
    }

    pub(crate) fn send(&self, v: Value) {
        let mut b = serde_json::to_vec(&v).unwrap_or_default();
        b.push(b'\n');
        let _ = self.0.send(Bytes::from(b));
    }

    /// docker's in-stream error.
    pub(crate) fn error(&self, message: &str) {
        self.send(json!({ "errorDetail": { "message": message }, "error": message }));
    }
}

/// A body that yields what `rx` receives, until every sender is gone.
fn receiver_body(rx: tokio::sync::mpsc::UnboundedReceiver<Bytes>) -> Body {
    let stream = futures_util::stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|b| (Ok::<Bytes, std::io::Error>(b), rx)) });
    Body::from_stream(stream)
}

fn pipe() -> ApiResult<(File, File)> {
    let (r, w) =
        nix::unistd::pipe2(nix::fcntl::OFlag::O_CLOEXEC).map_err(|e| ApiError::internal(format!("cannot make a pipe: {}", e.desc())))?;
    Ok((File::from(r), File::from(w)))
}

/// The request body as the read end of a pipe (for the engine, which
/// reads a `File`): a task writes the body in as it arrives; the engine
/// sees EOF at its end, or a short read when the client goes away.
pub(crate) fn body_pipe(body: Body) -> ApiResult<File> {
    use futures_util::StreamExt;
    let (r, mut w) = pipe()?;
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Bytes>(16);
    tokio::spawn(async move {
        let mut data = body.into_data_stream();
        while let Some(Ok(chunk)) = data.next().await {
            if tx.send(chunk).await.is_err() {
                break;
            }
        }
    });
    tokio::task::spawn_blocking(move || {
        while let Some(chunk) = rx.blocking_recv() {
            // A reader that stopped early (a refused archive): EPIPE ends us.
            if w.write_all(&chunk).is_err() {
                break;
            }
        }
    });
    Ok(r)
}

/// A streamed response of what the engine writes into a pipe (save).
fn pipe_body(mut r: File) -> Body {
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel::<Bytes>();
    tokio::task::spawn_blocking(move || {
        let mut buf = vec![0u8; 256 * 1024];
        loop {
            match r.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    if tx.send(Bytes::copy_from_slice(&buf[..n])).is_err() {
                        break;
                    }
                }
            }
        }
    });
    receiver_body(rx)
}

/// The credentials of an `X-Registry-Auth` header (base64url of docker's
/// AuthConfig JSON); none when absent or empty.
pub(crate) fn registry_auth(headers: &HeaderMap) -> ApiResult<Option<Credentials>> {
    let Some(v) = headers.get("x-registry-auth").and_then(|v| v.to_str().ok()).filter(|v| !v.trim().is_empty()) else {
        return Ok(None);
    };
    let raw = base64_decode(v.trim()).ok_or_else(|| ApiError::bad_request("X-Registry-Auth is not base64"))?;
    let cfg: Value = serde_json::from_slice(&raw).map_err(|e| ApiError::bad_request(format!("X-Registry-Auth is not JSON: {e}")))?;
    let text = |k: &str| cfg.get(k).and_then(Value::as_str).unwrap_or("").to_string();
    let (mut user, mut pass) = (text("username"), text("password"));
    if user.is_empty() {
        if let Some((u, p)) = base64_decode(&text("auth"))
            .and_then(|a| String::from_utf8(a).ok())
            .and_then(|a| a.split_once(':').map(|(u, p)| (u.to_string(), p.to_string())))
        {
            (user, pass) = (u, p);
        }
    }
    let token = text("identitytoken");
    if user.is_empty() && !token.is_empty() {
        return Ok(Some(Credentials { username: "<token>".into(), password: token }));
    }
    Ok((!user.is_empty()).then_some(Credentials { username: user, password: pass }))
}

/// Standard or URL-safe base64, padded or not.
fn base64_decode(s: &str) -> Option<Vec<u8>> {
    let val = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return None,
        } as u32)
    };
    let clean: Vec<u8> = s.bytes().filter(|c| *c != b'=' && !c.is_ascii_whitespace()).collect();
    let mut out = Vec::with_capacity(clean.len() * 3 / 4);
    for chunk in clean.chunks(4) {
        let mut n = 0u32;
        for (i, c) in chunk.iter().enumerate() {
            n |= val(*c)? << (18 - 6 * i);
        }
        let bytes = n.to_be_bytes();
        match chunk.len() {
            4 => out.extend_from_slice(&bytes[1..4]),
            3 => out.extend_from_slice(&bytes[1..3]),
            2 => out.push(bytes[1]),
            _ => return None,
        }
    }
    Some(out)
}

/// As docker's daemon, registries on loopback addresses are insecure by
/// default (its InsecureRegistryCIDRs hold 127.0.0.0/8): plain HTTP is
/// allowed there; anywhere else registries.conf decides, as for the CLI.
pub(crate) fn tls_verify_for(name: &str) -> Option<bool> {
    let first = name.split('/').next().unwrap_or("");
    if !name.contains('/') || !(first.contains('.') || first.contains(':') || first == "localhost") {
        return None;
    }
    let host = match first.strip_prefix('[') {
        Some(rest) => rest.split(']').next().unwrap_or(""),
        None => first.rsplit_once(':').map(|(h, _)| h).unwrap_or(first),
    };
    let loopback = host == "localhost" || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback());
    loopback.then_some(false)
}

fn short(digest: &str) -> String {
    let hex = digest.split_once(':').map(|(_, h)| h).unwrap_or(digest);
    hex[..hex.len().min(12)].to_string()
}

pub(crate) fn unix_time(rfc3339: Option<&str>) -> i64 {
    rfc3339.and_then(|c| chrono::DateTime::parse_from_rfc3339(c).ok()).map(|t| t.timestamp()).unwrap_or(0)
}

/// (repository, tag) of a stored name.
fn split_name(name: &str) -> (&str, &str) {
    match name.rfind(':') {
        Some(i) if !name[i..].contains('/') => (&name[..i], &name[i + 1..]),
        _ => (name, "latest"),
    }
}

// ---- list ----

#[derive(Deserialize, Default)]
struct ListQuery {
    filters: Option<String>,
    #[serde(default, deserialize_with = "de_bool")]
    all: bool,
    #[serde(default, deserialize_with = "de_bool")]
    digests: bool,
}

/// `GET /images/json`.
async fn list(st: State, Query(q): Query<ListQuery>) -> ApiResult<Json<Value>> {
    let filters = Filters::parse(q.filters.as_deref())?;
    // docker's `{"label!": [...]}` is the engine's `label!=...`.
    let items: Vec<String> = filters
        .0
        .iter()
        .flat_map(|(k, vals)| vals.iter().map(move |v| if k == "label!" { format!("label!={v}") } else { format!("{k}={v}") }))
        .collect();
    // docker: every label filter must pass.
    let selection = ImageFilters::parse(&items, LabelRule::All).map_err(ApiError::from)?;
    let _ = (q.all, q.digests);
    let images = st
        .blocking(move |e| {
            let all = engine_images::list(e)?;
            selection.apply(e, all)
        })
        .await?;
    let mut out = Vec::new();
    for img in &images {
        if sangja_engine::manifest::is_list(img) {
            continue;
        }
        let labels: BTreeMap<String, String> =
            img.config.config().as_ref().and_then(|c| c.labels().clone()).unwrap_or_default().into_iter().collect();
        let created = unix_time(img.created.as_deref());
        out.push(json!({
            "Id": format!("sha256:{}", img.id),
            "ParentId": "",
            "RepoTags": img.names,
            "RepoDigests": repo_digests(img),
            "Created": created,
            "Size": img.size,
            "SharedSize": -1,
            "VirtualSize": img.size,
            "Labels": labels,
            "Containers": -1,
        }));
    }
    Ok(Json(Value::Array(out)))
}

pub(crate) fn repo_digests(img: &sangja_engine::images::ImageRecord) -> Vec<String> {
    let mut v = img.repo_digests.clone();
    if !img.digest.is_empty() {
        for n in &img.names {
            let rd = format!("{}@{}", split_name(n).0, img.digest);
            if !v.contains(&rd) {
                v.push(rd);
            }
        }
    }
    v
}

// ---- per-image paths: /images/{name}/json|history|get, /images/{name}/push|tag ----

/// `rest` = NAME/ACTION, split on the last slash.
fn split_action(rest: &str) -> Option<(&str, &str)> {
    rest.rsplit_once('/').filter(|(n, _)| !n.is_empty())
}

async fn per_image_get(st: State, Path(rest): Path<String>) -> ApiResult<Response> {
    match split_action(&rest) {
        Some((name, "json")) => inspect(st, name.to_string()).await.map(IntoResponse::into_response),
        Some((name, "history")) => history(st, name.to_string()).await.map(IntoResponse::into_response),
        Some((name, "get")) => save(st, vec![name.to_string()]).await,
        _ => Err(ApiError::not_found(format!("page not found: /images/{rest}"))),
    }
}

async fn per_image_post(st: State, Path(rest): Path<String>, OriginalUri(uri): OriginalUri, headers: HeaderMap) -> ApiResult<Response> {
    let query = uri.query().map(str::to_string);
    match split_action(&rest) {
        Some((name, "push")) => push(st, name.to_string(), query, &headers),
        Some((name, "tag")) => tag(st, name.to_string(), query).await,
        _ => Err(ApiError::not_found(format!("page not found: /images/{rest}"))),
    }
}

/// An image-not-found error in docker's words.
fn no_such_image(name: &str, e: ApiError) -> ApiError {
    if e.status == StatusCode::NOT_FOUND {
        ApiError::not_found(format!("No such image: {name}"))
    } else {
        e
    }
}

/// `GET /images/{name}/json`: docker's ImageInspect from the engine's
/// inspect document.
async fn inspect(st: State, name: String) -> ApiResult<Json<Value>> {
    let n = name.clone();
    let doc = st.blocking(move |e| sangja_engine::inspect::image(e, &n)).await.map_err(|e| no_such_image(&name, e))?;
    let created = doc.created.clone().unwrap_or_default();
    let mut config = doc.config.clone();
    if let Value::Object(m) = &mut config {
        for k in ["Hostname", "Domainname", "User", "WorkingDir"] {
            m.entry(k).or_insert(json!(""));
        }
        for k in ["AttachStdin", "AttachStdout", "AttachStderr", "Tty", "OpenStdin", "StdinOnce", "ArgsEscaped"] {
            m.entry(k).or_insert(json!(false));
        }
        for k in ["Env", "Cmd", "Entrypoint", "Labels", "Volumes", "OnBuild", "ExposedPorts"] {
            m.entry(k).or_insert(Value::Null);
        }
        m.entry("Image").or_insert(json!(""));
    }
    Ok(Json(json!({
        "Id": format!("sha256:{}", doc.id),
        "RepoTags": doc.repo_tags,
        "RepoDigests": doc.repo_digests,
        "Parent": "",
        "Comment": doc.comment,
        "Created": created,
        "DockerVersion": doc.version,
        "Author": doc.author,
        "Config": config,
        "Architecture": doc.architecture,
        "Os": doc.os,
        "Size": doc.size,
        "VirtualSize": doc.virtual_size,
        "GraphDriver": { "Name": doc.graph_driver.name, "Data": { "LowerDir": doc.graph_driver.data.lower_dir, "UpperDir": doc.graph_driver.data.upper_dir } },
        "RootFS": { "Type": doc.root_fs.kind, "Layers": doc.root_fs.layers },
        "Metadata": { "LastTagTime": "0001-01-01T00:00:00Z" },
    })))
}

/// `GET /images/{name}/history`.
async fn history(st: State, name: String) -> ApiResult<Json<Value>> {
    let n = name.clone();
    let rows = st.blocking(move |e| sangja_engine::history::history(e, &n)).await.map_err(|e| no_such_image(&name, e))?;
    let out: Vec<Value> = rows
        .iter()
        .map(|r| {
            json!({
                "Id": if r.id == "<missing>" { r.id.clone() } else { format!("sha256:{}", r.id) },
                "Created": unix_time(r.created.as_deref()),
                "CreatedBy": r.created_by,
                "Tags": if r.tags.is_empty() { Value::Null } else { json!(r.tags) },
                "Size": r.size,
                "Comment": r.comment,
            })
        })
        .collect();
    Ok(Json(Value::Array(out)))
}

#[derive(Deserialize, Default)]
struct TagQuery {
    repo: Option<String>,
    tag: Option<String>,
}

/// `POST /images/{name}/tag?repo=&tag=`: 201.
async fn tag(st: State, name: String, query: Option<String>) -> ApiResult<Response> {
    let q: TagQuery = serde_urlencoded_parse(query.as_deref())?;
    let repo = q.repo.filter(|r| !r.is_empty()).ok_or_else(|| ApiError::bad_request("repository name (repo) is required"))?;
    let full = match q.tag.filter(|t| !t.is_empty()) {
        Some(t) => format!("{repo}:{t}"),
        None => repo,
    };
    st.blocking(move |e| sangja_engine::tags::tag(e, &name, &[full])).await?;
    Ok(StatusCode::CREATED.into_response())
}

fn serde_urlencoded_parse<T: serde::de::DeserializeOwned + Default>(query: Option<&str>) -> ApiResult<T> {
    let Some(q) = query.filter(|q| !q.is_empty()) else { return Ok(T::default()) };
    let uri: axum::http::Uri = format!("/?{q}").parse().map_err(|e| ApiError::bad_request(format!("invalid query: {e}")))?;
    axum::extract::Query::<T>::try_from_uri(&uri).map(|q| q.0).map_err(|e| ApiError::bad_request(format!("invalid query: {e}")))
}

#[derive(Deserialize, Default)]
struct RemoveQuery {
    #[serde(default, deserialize_with = "de_bool")]
    force: bool,
    #[serde(default, deserialize_with = "de_bool")]
    noprune: bool,
}

/// `DELETE /images/{name}`: `[{"Untagged": NAME}, {"Deleted": "sha256:ID"}]`.
async fn remove(st: State, Path(name): Path<String>, Query(q): Query<RemoveQuery>) -> ApiResult<Json<Value>> {
    let _ = q.noprune;
    let n = name.clone();
    let done = st.blocking(move |e| engine_images::remove(e, &n, q.force)).await.map_err(|e| no_such_image(&name, e))?;
    let out: Vec<Value> = done
        .into_iter()
        .map(|r| match r {
            Removed::Untagged(n) => json!({ "Untagged": n }),
            Removed::Deleted { id, .. } => json!({ "Deleted": format!("sha256:{id}") }),
        })
        .collect();
    Ok(Json(Value::Array(out)))
}

// ---- pull ----

#[derive(Deserialize, Default)]
struct PullQuery {
    #[serde(rename = "fromImage")]
    from_image: Option<String>,
    #[serde(rename = "fromSrc")]
    from_src: Option<String>,
    tag: Option<String>,
    repo: Option<String>,
    platform: Option<String>,
}

/// The name a pull asks for: fromImage with `tag` (a tag or a digest).
fn pull_name(image: &str, tag: Option<&str>) -> String {
    match tag.filter(|t| !t.is_empty()) {
        Some(t) if t.contains(':') => format!("{image}@{t}"),
        Some(t) => format!("{image}:{t}"),
        None => image.to_string(),
    }
}

/// What a pull's events turn into: docker's progress lines.
struct PullLines {
    lines: Lines,
    /// Bytes so far and the size, per layer; the bytes last reported.
    layers: Mutex<HashMap<String, (u64, u64, u64)>>,
    fetched: std::sync::atomic::AtomicBool,
}

impl PullLines {
    fn event(&self, ev: PullEvent) {
        let Ok(mut layers) = self.layers.lock() else { return };
        match ev {
            PullEvent::Manifest { layers: list } => {
                for (d, size) in list {
                    self.lines.send(json!({ "status": "Pulling fs layer", "progressDetail": {}, "id": short(&d) }));
                    layers.insert(d, (0, size, 0));
                }
            }
            PullEvent::LayerCached { digest } => {
                self.lines.send(json!({ "status": "Already exists", "progressDetail": {}, "id": short(&digest) }));
            }
            PullEvent::LayerProgress { digest, bytes } => {
                let e = layers.entry(digest.clone()).or_insert((0, 0, 0));
                e.0 += bytes;
                // At most one line per 512 KiB of a layer.
                if e.0 - e.2 >= 512 * 1024 || (e.1 > 0 && e.0 >= e.1) {
                    e.2 = e.0;
                    self.lines.send(json!({
                        "status": "Downloading",
                        "progressDetail": { "current": e.0, "total": e.1 },
                        "id": short(&digest),
                    }));
                }
            }
            PullEvent::LayerDone { digest } => {
                self.fetched.store(true, std::sync::atomic::Ordering::SeqCst);
                self.lines.send(json!({ "status": "Download complete", "progressDetail": {}, "id": short(&digest) }));
                self.lines.send(json!({ "status": "Pull complete", "progressDetail": {}, "id": short(&digest) }));
            }
        }
    }
}

/// `POST /images/create`: a pull (`fromImage`), streamed as docker's
/// JSON lines; an import (`fromSrc=-`, the body a tar) otherwise.
async fn pull(st: State, Query(q): Query<PullQuery>, headers: HeaderMap, body: Body) -> ApiResult<Response> {
    if let Some(src) = q.from_src.as_deref() {
        let name = q.repo.as_deref().filter(|r| !r.is_empty()).map(|r| pull_name(r, q.tag.as_deref()));
        return import(st, src, name, body).await;
    }
    let image = q.from_image.clone().filter(|i| !i.is_empty()).ok_or_else(|| ApiError::bad_request("fromImage is required"))?;
    let name = pull_name(&image, q.tag.as_deref());
    let opts = PullOptions {
        tls_verify: tls_verify_for(&name),
        platform: q.platform.clone().filter(|p| !p.is_empty()),
        squash_owners: false,
        creds: registry_auth(&headers)?,
    };
    let (lines, resp) = Lines::response();
    let (repo, tag) = match name.split_once('@') {
        Some((r, d)) => (r.to_string(), d.to_string()),
        None => {
            let (r, t) = split_name(&name);
            (r.to_string(), t.to_string())
        }
    };
    tokio::spawn(async move {
        let events = PullLines { lines: lines.clone(), layers: Mutex::new(HashMap::new()), fetched: Default::default() };
        lines.send(json!({ "status": format!("Pulling from {repo}"), "id": tag }));
        let n = name.clone();
        let result = st
            .blocking(move |e| {
                let r = engine_images::pull(e, &n, opts, &|ev| events.event(ev));
                r.map(|rec| (rec, events.fetched.load(std::sync::atomic::Ordering::SeqCst)))
            })
            .await;
        match result {
            Ok((rec, fetched)) => {
                if !rec.digest.is_empty() {
                    lines.send(json!({ "status": format!("Digest: {}", rec.digest) }));
                }
                let shown = if name.contains('@') || name.rsplit('/').next().is_some_and(|l| l.contains(':')) {
                    name.clone()
                } else {
                    format!("{name}:latest")
                };
                let status =
                    if fetched { format!("Downloaded newer image for {shown}") } else { format!("Image is up to date for {shown}") };
                lines.send(json!({ "status": format!("Status: {status}") }));
            }
            Err(e) => lines.error(&e.message),
        }
    });
    Ok(resp)
}

/// `POST /images/create?fromSrc=-`: the body is a tar of a filesystem,
/// imported as `sangja import` does.
async fn import(st: State, src: &str, name: Option<String>, body: Body) -> ApiResult<Response> {
    if src != "-" {
        return Err(ApiError::bad_request(format!("fromSrc={src}: only - (the request body) is served; download the file and send it")));
    }
    let input = body_pipe(body)?;
    let opts = sangja_engine::commit::ImageOptions { name, ..Default::default() };
    let id = st.blocking(move |e| sangja_engine::commit::import(e, input, &opts)).await?;
    Ok(Json(json!({ "status": format!("sha256:{id}") })).into_response())
}

// ---- push ----

#[derive(Deserialize, Default)]
struct PushQuery {
    tag: Option<String>,
}

/// `POST /images/{name}/push?tag=`: streamed as docker's JSON lines, the
/// last an `aux` with the tag, digest and size.
fn push(st: State, name: String, query: Option<String>, headers: &HeaderMap) -> ApiResult<Response> {
    let q: PushQuery = serde_urlencoded_parse(query.as_deref())?;
    let image = match q.tag.filter(|t| !t.is_empty()) {
        Some(t) => format!("{name}:{t}"),
        None => name.clone(),
    };
    let creds = registry_auth(headers)?;
    let (lines, resp) = Lines::response();
    let (repo, tag) = {
        let (r, t) = split_name(&image);
        (r.to_string(), t.to_string())
    };
    let req = sangja_engine::push::PushRequest {
        image: image.clone(),
        destination: None,
        options: sangja_engine::push::PushOptions { tls_verify: tls_verify_for(&image), creds, ..Default::default() },
        digestfile: None,
    };
    tokio::spawn(async move {
        lines.send(json!({ "status": format!("The push refers to repository [{repo}]") }));
        let l = lines.clone();
        let result = st
            .blocking(move |e| {
                let pushed = sangja_engine::push::push(e, &req, &|ev| push_event(&l, ev))?;
                let size = std::fs::metadata(e.paths.blob_path(&pushed.digest)).map(|m| m.len()).unwrap_or(0);
                Ok((pushed, size))
            })
            .await;
        match result {
            Ok((pushed, size)) => {
                lines.send(json!({ "status": format!("{tag}: digest: {} size: {size}", pushed.digest) }));
                lines.send(json!({ "progressDetail": {}, "aux": { "Tag": tag, "Digest": pushed.digest, "Size": size } }));
            }
            Err(e) => lines.error(&e.message),
        }
    });
    Ok(resp)
}

fn push_event(lines: &Lines, ev: sangja_engine::push::PushEvent) {
    use sangja_engine::push::PushEvent as P;
    match ev {
        P::Start { layers } => {
            for (d, _) in layers {
                lines.send(json!({ "status": "Preparing", "progressDetail": {}, "id": short(&d) }));
            }
        }
        P::LayerSkipped { digest, mounted } => {
            let status = if mounted { "Mounted from another repository" } else { "Layer already exists" };
            lines.send(json!({ "status": status, "progressDetail": {}, "id": short(&digest) }));
        }
        P::LayerUpload { digest } => lines.send(json!({ "status": "Pushing", "progressDetail": {}, "id": short(&digest) })),
        P::LayerProgress { .. } | P::Config { .. } | P::Manifest | P::ListInstance { .. } | P::ListManifest => {}
        P::LayerDone { digest, .. } => lines.send(json!({ "status": "Pushed", "progressDetail": {}, "id": short(&digest) })),
    }
}

// ---- search ----

#[derive(Deserialize, Default)]
struct SearchQuery {
    term: Option<String>,
    limit: Option<usize>,
    filters: Option<String>,
}

/// `GET /images/search?term=`.
async fn search(st: State, Query(q): Query<SearchQuery>, headers: HeaderMap) -> ApiResult<Json<Value>> {
    let term = q.term.filter(|t| !t.is_empty()).ok_or_else(|| ApiError::bad_request("term is required"))?;
    let f = Filters::parse(q.filters.as_deref())?;
    f.only(&["stars", "is-official", "is-automated"])?;
    let filters: Vec<String> =
        ["stars", "is-official", "is-automated"].iter().flat_map(|k| f.get(k).iter().map(move |v| format!("{k}={v}"))).collect();
    let req = sangja_engine::search::SearchRequest {
        tls_verify: tls_verify_for(&term),
        term,
        limit: q.limit.unwrap_or(0),
        filters,
        list_tags: false,
        creds: registry_auth(&headers)?,
    };
    let found = st.blocking(move |e| sangja_engine::search::search(e, &req)).await?;
    Ok(Json(Value::Array(
        found
            .iter()
            .map(|r| {
                json!({
                    "name": r.name,
                    "description": r.description,
                    "star_count": r.stars,
                    "is_official": !r.official.is_empty(),
                    "is_automated": !r.automated.is_empty(),
                })
            })
            .collect(),
    )))
}

// ---- save, load ----

/// `GET /images/get?names=A&names=B`.
async fn save_many(st: State, OriginalUri(uri): OriginalUri) -> ApiResult<Response> {
    let names = query_all(uri.query(), "names");
    if names.is_empty() {
        return Err(ApiError::bad_request("names is required: give one or more images"));
    }
    save(st, names).await
}

/// A docker-archive of `names`, streamed as `sangja save -m` writes it.
async fn save(st: State, names: Vec<String>) -> ApiResult<Response> {
    // Named images must exist: refused before the stream starts.
    for n in names.clone() {
        let shown = n.clone();
        st.blocking(move |e| sangja_engine::tags::lookup(e, &n)).await.map_err(|e| no_such_image(&shown, e))?;
    }
    let (r, w) = pipe()?;
    let req = sangja_engine::archive::SaveRequest {
        multi_image: names.len() > 1,
        images: names,
        format: sangja_engine::archive::Format::DockerArchive,
        compression: sangja_engine::archive::Compression::Default,
        output: sangja_engine::archive::Output::Stream(w),
        quiet: true,
    };
    // The archive's end (or a failure, which cuts it short) closes the pipe.
    tokio::spawn(async move {
        let _ = st.blocking(move |e| sangja_engine::archive::save(e, req)).await;
    });
    let mut resp = Response::new(pipe_body(r));
    resp.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/x-tar"));
    Ok(resp)
}

#[derive(Deserialize, Default)]
struct LoadQuery {
    #[serde(default, deserialize_with = "de_bool")]
    quiet: bool,
}

/// `POST /images/load`: the body is an archive; the answer docker's
/// `{"stream": "Loaded image: NAME\n"}` lines.
async fn load(st: State, Query(q): Query<LoadQuery>, body: Body) -> ApiResult<Response> {
    let _ = q.quiet;
    let input = body_pipe(body)?;
    let req = sangja_engine::archive::LoadRequest { input: None, stdin: Some(input), quiet: true };
    let loaded = st.blocking(move |e| sangja_engine::archive::load(e, req)).await?;
    let mut out = String::new();
    for l in loaded {
        if l.names.is_empty() {
            out += &json!({ "stream": format!("Loaded image ID: sha256:{}\n", l.id) }).to_string();
            out.push('\n');
        }
        for n in l.names {
            out += &json!({ "stream": format!("Loaded image: {n}\n") }).to_string();
            out.push('\n');
        }
    }
    Ok(([(header::CONTENT_TYPE, "application/json")], out).into_response())
}

// ---- prune ----

#[derive(Deserialize, Default)]
struct PruneQuery {
    filters: Option<String>,
}

/// `POST /images/prune`: dangling images (all unused with dangling=false).
async fn prune(st: State, Query(q): Query<PruneQuery>) -> ApiResult<Json<Value>> {
    let f = Filters::parse(q.filters.as_deref())?;
    f.only(&["dangling", "label", "label!", "until"])?;
    let all = f.bool("dangling")? == Some(false);
    let mut list: Vec<String> = f.get("label").iter().map(|l| format!("label={l}")).collect();
    list.extend(f.get("label!").iter().map(|l| format!("label!={l}")));
    list.extend(f.get("until").iter().map(|l| format!("until={l}")));
    let (removed, before, after) = st
        .blocking(move |e| {
            let filters = sangja_engine::prune::PruneFilters::parse(&list)?;
            let size = |e: &sangja_engine::Engine| -> u64 { engine_images::list(e).map(|l| l.iter().map(|i| i.size).sum()).unwrap_or(0) };
            let before = size(e);
            let removed = sangja_engine::prune::images(e, &sangja_engine::prune::ImagePruneRequest { all, filters })?;
            Ok((removed, before, size(e)))
        })
        .await?;
    let deleted: Vec<Value> = removed.iter().map(|id| json!({ "Deleted": format!("sha256:{id}") })).collect();
    Ok(Json(
        json!({ "ImagesDeleted": if deleted.is_empty() { Value::Null } else { json!(deleted) }, "SpaceReclaimed": before.saturating_sub(after) }),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_both_shapes() {
        let f = Filters::parse(Some(r#"{"label":["a=1","b"],"dangling":{"true":true}}"#)).unwrap();
        assert_eq!(f.get("label"), ["a=1", "b"]);
        assert_eq!(f.bool("dangling").unwrap(), Some(true));
        assert!(f.only(&["label"]).is_err());
        assert!(Filters::parse(Some("[1]")).is_err());
    }

    #[test]
    fn labels() {
        let mut l = BTreeMap::new();
        l.insert("a".to_string(), "1".to_string());
        assert!(label_matches(&l, "a") && label_matches(&l, "a=1") && !label_matches(&l, "a=2") && !label_matches(&l, "b"));
    }

    #[test]
    fn queries_auth_and_tls() {
        assert_eq!(query_all(Some("t=a%3A1&x=2&t=b+c"), "t"), ["a:1", "b c"]);
        // {"username":"u","password":"p:w"}, URL-safe and unpadded.
        let h = {
            let mut h = HeaderMap::new();
            h.insert("x-registry-auth", HeaderValue::from_static("eyJ1c2VybmFtZSI6InUiLCJwYXNzd29yZCI6InA6dyJ9"));
            h
        };
        let c = registry_auth(&h).unwrap().unwrap();
        assert_eq!((c.username.as_str(), c.password.as_str()), ("u", "p:w"));
        assert_eq!(tls_verify_for("127.0.0.1:5000/x:1"), Some(false));
        assert_eq!(tls_verify_for("localhost/x"), Some(false));
        assert_eq!(tls_verify_for("quay.io/x"), None);
        assert_eq!(tls_verify_for("busybox"), None);
        assert_eq!(pull_name("a/b", Some("sha256:00")), "a/b@sha256:00");
        assert_eq!(pull_name("a/b", Some("1")), "a/b:1");
    }
}
