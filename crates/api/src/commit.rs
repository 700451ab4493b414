//! A container's files and limits through docker's API: `POST /commit`
//! (docker commit), `GET /containers/{id}/export` (docker export), `GET
//! /containers/{id}/changes` (docker diff) and `POST
//! /containers/{id}/update` (docker update), each through the engine use
//! case the CLI's command calls (commit.rs, layers.rs, update.rs).
//!
//! export enters a running container's namespaces, or mounts a stopped
//! one's root in a forked child: it runs in a worker (engine calls.rs,
//! `Call::Export`), outside the service's user namespace as `sangja
//! export` runs; its tar is streamed from the worker's pipe.

use crate::containers::{flag, lookup, Json2};
use crate::error::{ApiError, ApiResult, Query};
use crate::state::State;
use axum::body::{Body, Bytes};
use axum::extract::Path;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use sangja_engine::calls::{self, Call};
use sangja_engine::commit::ImageOptions;
use serde::Deserialize;
use serde_json::{json, Value};
use std::os::fd::AsFd;
use tokio::io::AsyncReadExt;

pub fn routes() -> Router<State> {
    Router::new()
        .route("/commit", post(commit))
        .route("/containers/{id}/export", get(export))
        .route("/containers/{id}/changes", get(changes))
        .route("/containers/{id}/update", post(update))
}

/// The `--change` instructions that carry a commit body's config (docker
/// merges the config given into the image's; these are the fields the
/// engine's changes know).
fn config_changes(cfg: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let list = |v: &Value| v.as_array().filter(|a| !a.is_empty()).map(|a| Value::Array(a.clone()).to_string());
    if let Some(l) = list(&cfg["Entrypoint"]) {
        out.push(format!("ENTRYPOINT {l}"));
    }
    if let Some(l) = list(&cfg["Cmd"]) {
        out.push(format!("CMD {l}"));
    }
    for e in cfg["Env"].as_array().into_iter().flatten().filter_map(Value::as_str) {
        if let Some((k, v)) = e.split_once('=') {
            out.push(format!("ENV {k} {v}"));
        }
    }
    if let Some(labels) = cfg["Labels"].as_object() {
        for (k, v) in labels {
            out.push(format!("LABEL {k} {}", v.as_str().unwrap_or_default()));
        }
    }
    for (field, ins) in [("WorkingDir", "WORKDIR"), ("User", "USER"), ("StopSignal", "STOPSIGNAL")] {
        if let Some(v) = cfg[field].as_str().filter(|v| !v.is_empty()) {
            out.push(format!("{ins} {v}"));
        }
    }
    if let Some(ports) = cfg["ExposedPorts"].as_object() {
        for p in ports.keys() {
            out.push(format!("EXPOSE {p}"));
        }
    }
    if let Some(vols) = cfg["Volumes"].as_object() {
        for v in vols.keys() {
            out.push(format!("VOLUME {}", Value::Array(vec![Value::String(v.clone())])));
        }
    }
    out
}

/// `POST /commit?container=&repo=&tag=&comment=&author=&pause=&changes=`
/// (changes repeated), the body an optional container config: 201 `{"Id"}`.
async fn commit(st: State, Query(q): Query<Vec<(String, String)>>, body: Bytes) -> ApiResult<Response> {
    let one = |k: &str| q.iter().rev().find(|(n, _)| n == k).map(|(_, v)| v.clone()).filter(|v| !v.is_empty());
    let container = one("container").ok_or_else(|| ApiError::bad_request("commit: name the container (?container=NAME)"))?;
    let cfg: Value = if body.iter().all(u8::is_ascii_whitespace) {
        Value::Null
    } else {
        serde_json::from_slice(&body).map_err(|e| ApiError::bad_request(format!("bad commit config: {e}")))?
    };
    let mut changes: Vec<String> = q.iter().filter(|(n, _)| n == "changes").flat_map(|(_, v)| v.lines().map(String::from)).collect();
    changes.retain(|c| !c.trim().is_empty());
    changes.extend(config_changes(&cfg));
    let name = one("repo").map(|repo| match one("tag") {
        Some(tag) => format!("{repo}:{tag}"),
        None => repo,
    });
    let opts = ImageOptions { name, changes, message: one("comment"), author: one("author") };
    // docker pauses by default (pause=0 to not); podman's commit does not.
    let pause = one("pause").map(|p| flag(&Some(p))).unwrap_or(true);
    let id = st
        .blocking(move |e| {
            let c = lookup(e, &container)?;
            // A rootless container without a delegated freezer cannot be
            // paused: committed as it runs then, as podman commits by default.
            let paused = pause && c.is_running() && sangja_engine::lifecycle::pause(e, &c).is_ok();
            let r = sangja_engine::commit::commit(e, &c, &opts);
            if paused {
                let _ = sangja_engine::lifecycle::unpause(e, &c);
            }
            r
        })
        .await?;
    let id = if id.starts_with("sha256:") { id } else { format!("sha256:{id}") };
    Ok((StatusCode::CREATED, axum::Json(json!({ "Id": id }))).into_response())
}

/// `GET /containers/{id}/export`: the container's merged root as a tar.
async fn export(st: State, Path(id): Path<String>) -> ApiResult<Response> {
    let c = st.blocking(move |e| lookup(e, &id)).await?;
    let (r, w) = nix::unistd::pipe2(nix::fcntl::OFlag::O_CLOEXEC).map_err(|e| ApiError::internal(format!("pipe: {}", e.desc())))?;
    let engine = st.engine().clone();
    let name = c.config.id.clone();
    let running = tokio::task::spawn_blocking(move || calls::spawn_outside(&engine, Call::Export { container: name }, &[w.as_fd()]))
        .await
        .map_err(|e| ApiError::internal(e.to_string()))??;
    let mut reader = tokio::net::unix::pipe::Receiver::from_owned_fd(r).map_err(|e| ApiError::internal(format!("read the export: {e}")))?;
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(16);
    tokio::spawn(async move {
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            match reader.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    if tx.send(Ok(Bytes::copy_from_slice(&buf[..n]))).await.is_err() {
                        return;
                    }
                }
            }
        }
        // A failed export must not look like a whole, short archive: the
        // body ends in an error, which cuts the connection.
        if let Ok(Err(e)) = tokio::task::spawn_blocking(move || running.finish()).await {
            let _ = tx.send(Err(std::io::Error::other(e.to_string()))).await;
        }
    });
    let mut resp = Response::new(Body::from_stream(crate::containers::tokio_stream(rx)));
    resp.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/x-tar"));
    Ok(resp)
}

/// `GET /containers/{id}/changes`: `[{"Path", "Kind"}]`, Kind 0 changed, 1 added, 2 deleted.
async fn changes(st: State, Path(id): Path<String>) -> ApiResult<Json2> {
    let changes = st.blocking(move |e| sangja_engine::layers::diff(e, &lookup(e, &id)?)).await?;
    let out: Vec<Value> = changes
        .into_iter()
        .map(|c| {
            let kind = match c.kind {
                'A' => 1,
                'D' => 2,
                _ => 0,
            };
            json!({ "Path": c.path, "Kind": kind })
        })
        .collect();
    Ok(Json2(Value::Array(out)))
}

/// docker's UpdateConfig (the resources `sangja update` changes).
#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
struct UpdateBody {
    memory: Option<i64>,
    memory_swap: Option<i64>,
    memory_reservation: Option<i64>,
    nano_cpus: Option<i64>,
    cpu_quota: Option<i64>,
    cpu_period: Option<i64>,
    cpu_shares: Option<u64>,
    cpuset_cpus: Option<String>,
    cpuset_mems: Option<String>,
    pids_limit: Option<i64>,
    restart_policy: Option<Value>,
}

/// `POST /containers/{id}/update`: 200 `{"Warnings": []}`.
async fn update(st: State, Path(id): Path<String>, crate::error::Json(b): crate::error::Json<UpdateBody>) -> ApiResult<Json2> {
    if b.restart_policy.as_ref().and_then(|p| p["Name"].as_str()).is_some_and(|n| !n.is_empty()) {
        return Err(ApiError::bad_request(
            "sangja cannot change a container's restart policy after its creation: recreate it with --restart",
        ));
    }
    let bytes = |v: Option<i64>| v.filter(|n| *n != 0).map(|n| n.to_string());
    let cpus = match (b.nano_cpus.filter(|n| *n > 0), b.cpu_quota.filter(|n| *n > 0)) {
        (Some(n), _) => Some(format!("{}", n as f64 / 1e9)),
        (None, Some(q)) => Some(format!("{}", q as f64 / b.cpu_period.filter(|p| *p > 0).unwrap_or(100_000) as f64)),
        _ => None,
    };
    let req = sangja_engine::update::UpdateRequest {
        container: id,
        memory: bytes(b.memory),
        memory_swap: bytes(b.memory_swap),
        memory_reservation: bytes(b.memory_reservation),
        cpus,
        cpu_shares: b.cpu_shares.filter(|n| *n != 0),
        cpuset_cpus: b.cpuset_cpus.filter(|s| !s.is_empty()),
        cpuset_mems: b.cpuset_mems.filter(|s| !s.is_empty()),
        pids_limit: b.pids_limit.filter(|n| *n != 0),
    };
    st.blocking(move |e| sangja_engine::update::update(e, &req)).await?;
    Ok(Json2(json!({ "Warnings": [] })))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_commit_config_as_changes() {
        let cfg = json!({
            "Cmd": ["sh", "-c", "echo a b"],
            "Env": ["A=1 2"],
            "Labels": {"k": "v w"},
            "WorkingDir": "/w",
            "User": "",
            "ExposedPorts": {"80/tcp": {}},
            "Volumes": {"/data": {}},
        });
        let c = config_changes(&cfg);
        assert_eq!(c, [r#"CMD ["sh","-c","echo a b"]"#, "ENV A 1 2", "LABEL k v w", "WORKDIR /w", "EXPOSE 80/tcp", r#"VOLUME ["/data"]"#,]);
        assert!(config_changes(&Value::Null).is_empty());
    }
}
