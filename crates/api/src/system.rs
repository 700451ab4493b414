//! `/_ping`, `/version`, `/info`: what a docker client asks first.

use crate::error::{ApiError, ApiResult};
use crate::state::State;
use crate::{API_VERSION, MIN_API_VERSION};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};

pub fn routes() -> Router<State> {
    Router::new()
        .route("/_ping", get(ping).head(ping))
        .route("/version", get(version))
        .route("/info", get(info))
        .route("/events", get(events))
        .route("/system/df", get(df))
}

/// `GET|HEAD /_ping`: "OK", and the headers a client negotiates with.
async fn ping() -> Response {
    let mut r = "OK".into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache, no-store, must-revalidate"));
    h.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    // "1": the classic builder (POST /build with a tar context), no BuildKit session.
    h.insert("builder-version", HeaderValue::from_static("1"));
    h.insert("swarm", HeaderValue::from_static("inactive"));
    r
}

/// The host's architecture as Go (and so docker) names it.
fn go_arch() -> &'static str {
    match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        "x86" => "386",
        "powerpc64" => "ppc64le",
        other => other,
    }
}

fn kernel() -> String {
    nix::sys::utsname::uname().map(|u| u.release().to_string_lossy().into_owned()).unwrap_or_default()
}

/// `GET /version`.
async fn version(st: State) -> Json<Value> {
    let v = sangja_engine::system::version(st.build());
    let built = chrono::DateTime::from_timestamp(v.built, 0).map(|t| t.to_rfc3339()).unwrap_or_default();
    let kernel = kernel();
    Json(json!({
        "Platform": { "Name": "sangja" },
        "Components": [{
            "Name": "Engine",
            "Version": v.version,
            "Details": {
                "ApiVersion": API_VERSION,
                "MinAPIVersion": MIN_API_VERSION,
                "Arch": go_arch(),
                "BuildTime": built,
                "Experimental": "false",
                "GitCommit": v.git_commit,
                "GoVersion": v.rust_version,
                "KernelVersion": kernel,
                "Os": "linux",
            }
        }],
        "Version": v.version,
        "ApiVersion": API_VERSION,
        "MinAPIVersion": MIN_API_VERSION,
        "GitCommit": v.git_commit,
        "GoVersion": v.rust_version,
        "Os": "linux",
        "Arch": go_arch(),
        "KernelVersion": kernel,
        "BuildTime": built,
    }))
}

/// `GET /info`: the engine's `info` in docker's shape.
async fn info(st: State) -> ApiResult<Json<Value>> {
    let build = st.build();
    let (i, rootless) = st.blocking(move |e| Ok((sangja_engine::system::info(&e.paths, build)?, e.identity.rootless))).await?;
    let c = &i.store.container_store;
    let mut security = vec!["name=seccomp,profile=builtin".to_string()];
    if rootless {
        security.push("name=rootless".into());
    }
    if i.host.cgroup_version == "v2" {
        security.push("name=cgroupns".into());
    }
    let insecure: Vec<&str> = i.registries.registries.values().filter(|r| r.insecure).map(|r| r.location.as_str()).collect();
    let os = if i.host.distribution.distribution.is_empty() {
        "Linux".to_string()
    } else {
        format!("{} {}", i.host.distribution.distribution, i.host.distribution.version)
    };
    Ok(Json(json!({
        "ID": i.host.hostname,
        "Containers": c.number,
        "ContainersRunning": c.running,
        "ContainersPaused": c.paused,
        "ContainersStopped": c.stopped,
        "Images": i.store.image_store.number,
        "Driver": i.store.graph_driver_name,
        "DriverStatus": [["Backing Filesystem", "extfs"]],
        "Plugins": { "Volume": ["local"], "Network": ["bridge", "host", "none"], "Authorization": null, "Log": ["json-file", "k8s-file"] },
        "MemoryLimit": true,
        "SwapLimit": true,
        "KernelMemory": false,
        "CpuCfsPeriod": true,
        "CpuCfsQuota": true,
        "CPUShares": true,
        "CPUSet": true,
        "PidsLimit": true,
        "IPv4Forwarding": true,
        "BridgeNfIptables": false,
        "BridgeNfIp6tables": false,
        "Debug": false,
        "NFd": 0,
        "OomKillDisable": false,
        "NGoroutines": 0,
        "SystemTime": chrono::Local::now().to_rfc3339(),
        "LoggingDriver": "json-file",
        "CgroupDriver": if rootless { "systemd" } else { "cgroupfs" },
        "CgroupVersion": i.host.cgroup_version.trim_start_matches('v'),
        "NEventsListener": 0,
        "KernelVersion": i.host.kernel,
        "OperatingSystem": os,
        "OSVersion": i.host.distribution.version,
        "OSType": "linux",
        "Architecture": std::env::consts::ARCH,
        "IndexServerAddress": "https://index.docker.io/v1/",
        "RegistryConfig": { "InsecureRegistryCIDRs": [], "IndexConfigs": {}, "Mirrors": [], "AllowNondistributableArtifactsCIDRs": [], "AllowNondistributableArtifactsHostnames": [] },
        "InsecureRegistries": insecure,
        "NCPU": i.host.cpus,
        "MemTotal": i.host.mem_total,
        "GenericResources": null,
        "DockerRootDir": i.store.graph_root,
        "HttpProxy": std::env::var("HTTP_PROXY").unwrap_or_default(),
        "HttpsProxy": std::env::var("HTTPS_PROXY").unwrap_or_default(),
        "NoProxy": std::env::var("NO_PROXY").unwrap_or_default(),
        "Name": i.host.hostname,
        "Labels": [],
        "ExperimentalBuild": false,
        "ServerVersion": i.version.version,
        "Runtimes": { "sangja": { "path": i.host.oci_runtime.path } },
        "DefaultRuntime": "sangja",
        "Swarm": { "NodeID": "", "NodeAddr": "", "LocalNodeState": "inactive", "ControlAvailable": false, "Error": "", "RemoteManagers": null },
        "LiveRestoreEnabled": false,
        "Isolation": "",
        "InitBinary": "",
        "ContainerdCommit": { "ID": "", "Expected": "" },
        "RuncCommit": { "ID": "", "Expected": "" },
        "InitCommit": { "ID": "", "Expected": "" },
        "SecurityOptions": security,
        "Warnings": [],
    })))
}

#[derive(serde::Deserialize, Default)]
struct EventsQuery {
    since: Option<String>,
    until: Option<String>,
    filters: Option<String>,
}

/// A docker time: Unix seconds with an optional fraction ("1700000000.5"),
/// else what `events --since` takes (RFC 3339, a duration before now).
fn docker_time(v: &str) -> Result<chrono::DateTime<chrono::Utc>, ApiError> {
    let (secs, frac) = v.split_once('.').unwrap_or((v, ""));
    if let Ok(s) = secs.parse::<i64>() {
        let nanos = if frac.is_empty() { 0 } else { format!("{frac:0<9}").get(..9).and_then(|f| f.parse::<u32>().ok()).unwrap_or(0) };
        return chrono::DateTime::from_timestamp(s, nanos).ok_or_else(|| ApiError::bad_request(format!("invalid time {v:?}")));
    }
    sangja_engine::events_log::parse_time(v).map_err(ApiError::from)
}

/// docker's filters (`{"type":["container"]}`, or the old `{"type":{"container":true}}`)
/// as the event log's "key=value" list.
fn docker_filters(raw: Option<&str>) -> Result<Vec<String>, ApiError> {
    let Some(raw) = raw.filter(|r| !r.is_empty()) else { return Ok(Vec::new()) };
    let map: serde_json::Map<String, Value> =
        serde_json::from_str(raw).map_err(|e| ApiError::bad_request(format!("invalid filters {raw:?}: {e}")))?;
    let mut out = Vec::new();
    for (k, v) in map {
        let values: Vec<String> = match v {
            Value::Array(a) => a.into_iter().filter_map(|x| x.as_str().map(str::to_string)).collect(),
            Value::Object(o) => o.into_iter().filter(|(_, on)| on.as_bool() != Some(false)).map(|(x, _)| x).collect(),
            _ => return Err(ApiError::bad_request(format!("invalid filter {k:?}: give a list of values"))),
        };
        for x in values {
            // docker's event names for the log's (see docker_event).
            if k == "event" && (x == "destroy" || x == "delete") {
                out.push("event=remove".to_string());
            }
            out.push(format!("{k}={x}"));
        }
    }
    Ok(out)
}

/// One event in docker's shape (Type, Action, Actor, scope, time, timeNano,
/// and the old status/id/from of container events).
fn docker_event(r: &sangja_engine::events_log::Record) -> Value {
    let kind = r.kind.as_str();
    // podman records "died" and "remove"; docker's clients know "die", and
    // "destroy" for a container, volume or network gone, "delete" for an image.
    let action = match (kind, r.status.as_str()) {
        (_, "died") => "die".to_string(),
        ("container" | "volume" | "network", "remove") => "destroy".to_string(),
        ("image", "remove") => "delete".to_string(),
        _ => r.status.clone(),
    };
    let mut ev = json!({
        "Type": kind,
        "Action": action,
        "Actor": { "ID": r.actor_id(), "Attributes": r.docker_attributes() },
        "scope": "local",
        "time": r.time.timestamp(),
        "timeNano": r.time_nano(),
    });
    if kind == "container" {
        ev["status"] = json!(action);
        ev["id"] = json!(r.id);
        ev["from"] = json!(r.image);
    }
    ev
}

/// `GET /events`: the event log (engine events_log.rs) from `since` (else
/// from now) to `until` (else for as long as the client listens), one JSON
/// object per line.
async fn events(st: State, crate::error::Query(q): crate::error::Query<EventsQuery>) -> ApiResult<Response> {
    let since = q.since.as_deref().filter(|v| !v.is_empty()).map(docker_time).transpose()?;
    let until = q.until.as_deref().filter(|v| !v.is_empty()).map(docker_time).transpose()?;
    let query = sangja_engine::events_log::Query { since, until, filters: docker_filters(q.filters.as_deref())? };
    // Opened before answering, so bad filters are a 400, not a cut stream.
    let mut follow = st.blocking(move |e| sangja_engine::events_log::follow(e, &query)).await?;
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<bytes::Bytes, std::io::Error>>(64);
    tokio::task::spawn_blocking(move || loop {
        if tx.is_closed() {
            return;
        }
        match follow.try_next() {
            Some(r) => {
                let mut line = serde_json::to_vec(&docker_event(&r)).unwrap_or_default();
                line.push(b'\n');
                if tx.blocking_send(Ok(line.into())).is_err() {
                    return;
                }
            }
            None if follow.ended() => return,
            None => std::thread::sleep(std::time::Duration::from_millis(100)),
        }
    });
    let mut resp = Response::new(axum::body::Body::from_stream(crate::containers::tokio_stream(rx)));
    resp.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    Ok(resp)
}

/// `GET /system/df`: the engine's `system df` (the use case `sangja system
/// df` calls) in docker's shape: LayersSize (each layer once), and each
/// image (Size, SharedSize, Containers), container (SizeRw, SizeRootFs) and
/// volume (UsageData); sangja's build cache is made of image layers, so
/// BuildCache is empty. The docker CLI sums these for `docker system df`.
async fn df(st: State) -> ApiResult<Json<Value>> {
    let (du, vols) = st
        .blocking(|e| {
            let du = sangja_engine::system::df(e)?;
            let vols: Vec<Value> = du
                .detail
                .volumes
                .iter()
                .map(|v| {
                    let doc = sangja_engine::inspect::volume_doc(e, &v.volume, v.users);
                    json!({
                        "Name": v.volume.name,
                        "Driver": v.volume.driver,
                        "Mountpoint": doc.mountpoint,
                        "CreatedAt": v.volume.created_at,
                        "Labels": v.volume.labels,
                        "Scope": "local",
                        "Options": v.volume.options,
                        "UsageData": { "Size": v.size, "RefCount": v.users },
                    })
                })
                .collect();
            Ok((du, vols))
        })
        .await?;
    let d = &du.detail;
    let images: Vec<Value> = d
        .images
        .iter()
        .filter(|i| !sangja_engine::manifest::is_list(&i.image))
        .map(|i| {
            let img = &i.image;
            let labels: std::collections::BTreeMap<String, String> =
                img.config.config().as_ref().and_then(|c| c.labels().clone()).unwrap_or_default().into_iter().collect();
            json!({
                "Id": format!("sha256:{}", img.id),
                "ParentId": "",
                "RepoTags": img.names,
                "RepoDigests": crate::images::repo_digests(img),
                "Created": crate::images::unix_time(img.created.as_deref()),
                "Size": i.size,
                "SharedSize": i.shared_size,
                "VirtualSize": i.size,
                "Labels": labels,
                "Containers": i.containers,
            })
        })
        .collect();
    let containers: Vec<Value> = d
        .containers
        .iter()
        .map(|u| {
            let c = &u.container;
            json!({
                "Id": c.config.id,
                "Names": [format!("/{}", c.config.name)],
                "Image": c.config.image_name,
                "ImageID": format!("sha256:{}", c.config.image_id),
                "Command": c.config.command.join(" "),
                "Created": crate::containers::unix(&c.config.created),
                "Ports": [],
                "SizeRw": u.size_rw,
                "SizeRootFs": u.size_rw + u.image_size,
                "Labels": crate::containers::labels(c),
                "State": c.state.status.as_str(),
                "Status": crate::containers::status_text(c),
                "HostConfig": { "NetworkMode": "default" },
                "NetworkSettings": { "Networks": {} },
                "Mounts": [],
            })
        })
        .collect();
    Ok(Json(json!({
        "LayersSize": d.layers_size,
        "Images": images,
        "Containers": containers,
        "Volumes": vols,
        "BuildCache": [],
    })))
}
