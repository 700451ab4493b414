//! `POST /build` (docker's classic builder: a tar context in the body, the
//! `DOCKER_BUILDKIT=0 docker build` path) and `POST /build/prune`.
//!
//! The build is engine::build::build, the function `sangja build` calls.
//! Its RUN steps start containers, which this threaded process must not
//! do: the build runs in a worker (engine calls.rs, `Call::Build`), a
//! fresh single-threaded sangja that reads the context from a pipe this
//! handler fills with the request body, writes the RUN steps' output to a
//! second pipe, and answers its build events as JSON lines on a third.
//! Both are streamed to the client as docker's `{"stream": ...}` lines,
//! then `{"aux": {"ID": ...}}`, "Successfully built ID" and
//! "Successfully tagged NAME" (the docker CLI reads the aux ID for -q and
//! --iidfile), or an `{"errorDetail": ...}` line.

use crate::error::{ApiError, ApiResult};
use crate::images::{body_pipe, query_all, Lines};
use crate::state::State;
use axum::body::Body;
use axum::extract::OriginalUri;
use axum::response::Response;
use axum::routing::post;
use axum::{Json, Router};
use sangja_engine::build::{BuildEvent, PullPolicy};
use sangja_engine::calls::{Answer, BuildSpec, Call};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::io::Read;
use std::os::fd::AsFd;

pub fn routes() -> Router<State> {
    Router::new().route("/build", post(build)).route("/build/prune", post(prune))
}

fn flag(query: Option<&str>, key: &str) -> bool {
    query_all(query, key).last().is_some_and(|v| matches!(v.as_str(), "1" | "true" | "True"))
}

fn one(query: Option<&str>, key: &str) -> Option<String> {
    query_all(query, key).pop().filter(|v| !v.is_empty())
}

/// A JSON object parameter (`buildargs`, `labels`) as string pairs; null values are left out.
fn map_param(query: Option<&str>, key: &str) -> ApiResult<BTreeMap<String, String>> {
    let Some(text) = one(query, key) else { return Ok(BTreeMap::new()) };
    let v: BTreeMap<String, Value> =
        serde_json::from_str(&text).map_err(|e| ApiError::bad_request(format!("invalid {key} {text:?}: a JSON object of strings: {e}")))?;
    Ok(v.into_iter()
        .filter_map(|(k, v)| match v {
            Value::Null => None,
            Value::String(s) => Some((k, s)),
            other => Some((k, other.to_string())),
        })
        .collect())
}

/// The request's query as the build's spec.
fn spec(query: Option<&str>) -> ApiResult<BuildSpec> {
    if one(query, "remote").is_some() {
        return Err(ApiError::bad_request("remote build contexts are not supported: send the context as a tar in the body"));
    }
    let network = one(query, "networkmode").filter(|n| n != "default");
    Ok(BuildSpec {
        containerfile_name: one(query, "dockerfile"),
        tags: query_all(query, "t").into_iter().filter(|t| !t.is_empty()).collect(),
        build_args: map_param(query, "buildargs")?,
        target: one(query, "target"),
        no_cache: flag(query, "nocache"),
        pull: if flag(query, "pull") { PullPolicy::Always } else { PullPolicy::Missing },
        tls_verify: None,
        platform: one(query, "platform"),
        labels: map_param(query, "labels")?.into_iter().collect(),
        network,
    })
}

/// The short id docker prints.
fn short(id: &str) -> &str {
    &id[..id.len().min(12)]
}

/// docker's classic-builder line for a build event (None: nothing to say).
fn line(ev: &BuildEvent) -> Option<String> {
    Some(match ev {
        BuildEvent::Step { n, total, text, .. } => format!("Step {n}/{total} : {text}\n"),
        BuildEvent::UsingCache(_) => " ---> Using cache\n".to_string(),
        BuildEvent::StepDone(id) => format!(" ---> {id}\n"),
        BuildEvent::Warning(w) => format!("[Warning] {w}\n"),
        BuildEvent::Pulling(_) | BuildEvent::Commit { .. } | BuildEvent::Committed(_) | BuildEvent::Tagged(_) => return None,
    })
}

/// `POST /build`.
async fn build(st: State, OriginalUri(uri): OriginalUri, body: Body) -> ApiResult<Response> {
    let query = uri.query().map(str::to_string);
    let q = query.as_deref();
    let spec = spec(q)?;
    let quiet = flag(q, "q");
    let context = body_pipe(body)?;
    let (out_r, out_w) =
        nix::unistd::pipe2(nix::fcntl::OFlag::O_CLOEXEC).map_err(|e| ApiError::internal(format!("cannot make a pipe: {}", e.desc())))?;
    let running = st
        .blocking(move |e| {
            let r = sangja_engine::calls::spawn(e, Call::Build(spec), &[context.as_fd(), out_w.as_fd()]);
            // The worker holds its copies; ours go, so the pipes end with it.
            drop(context);
            drop(out_w);
            r
        })
        .await?;
    let (lines, resp) = Lines::response();
    // The RUN steps' output.
    let out_lines = lines.clone();
    let output = tokio::task::spawn_blocking(move || {
        let mut out = std::fs::File::from(out_r);
        let mut buf = vec![0u8; 16 * 1024];
        loop {
            match out.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) if !quiet => out_lines.send(json!({ "stream": String::from_utf8_lossy(&buf[..n]) })),
                Ok(_) => {}
            }
        }
    });
    tokio::task::spawn_blocking(move || {
        let mut running = running;
        let mut tagged = Vec::new();
        let mut end: Option<Result<Value, String>> = None;
        while let Some(a) = running.next_answer() {
            match a {
                Answer::Event(v) => match serde_json::from_value::<BuildEvent>(v) {
                    Ok(BuildEvent::Tagged(n)) => tagged.push(n),
                    Ok(ev) if !quiet => {
                        if let Some(l) = line(&ev) {
                            lines.send(json!({ "stream": l }));
                        }
                    }
                    _ => {}
                },
                Answer::Done(v) => end = Some(Ok(v)),
                Answer::Error { message, .. } => end = Some(Err(message)),
            }
        }
        // The last of the RUN output first.
        let _ = tokio::runtime::Handle::current().block_on(output);
        match end {
            Some(Ok(v)) if v.get("failed").is_some() => {
                let f = &v["failed"];
                let message = f["message"].as_str().unwrap_or("a RUN step failed").to_string();
                lines.send(json!({ "errorDetail": { "code": f["code"], "message": message }, "error": message }));
            }
            Some(Ok(v)) => {
                let id = v["id"].as_str().unwrap_or_default().to_string();
                lines.send(json!({ "aux": { "ID": format!("sha256:{id}") } }));
                if quiet {
                    lines.send(json!({ "stream": format!("sha256:{id}\n") }));
                } else {
                    lines.send(json!({ "stream": format!("Successfully built {}\n", short(&id)) }));
                    for t in tagged {
                        lines.send(json!({ "stream": format!("Successfully tagged {t}\n") }));
                    }
                }
            }
            Some(Err(message)) => lines.error(&message),
            None => lines.error("the build's worker ended without an answer"),
        }
    });
    Ok(resp)
}

/// `POST /build/prune`: sangja's build cache is its layer store, shared
/// with images (a cached step is an image layer): nothing separate to free.
async fn prune() -> Json<Value> {
    Json(json!({ "CachesDeleted": [], "SpaceReclaimed": 0 }))
}
