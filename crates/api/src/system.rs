//! `/_ping`, `/version`, `/info`: what a docker client asks first.

use crate::error::ApiResult;
use crate::state::State;
use crate::{API_VERSION, MIN_API_VERSION};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};

pub fn routes() -> Router<State> {
    Router::new().route("/_ping", get(ping).head(ping)).route("/version", get(version)).route("/info", get(info))
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
