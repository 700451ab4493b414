//! The networks endpoints (Docker Engine API 1.44): list, inspect, create,
//! remove, connect, disconnect, prune. Each calls the engine function
//! `sangja network ...` calls (engine/network.rs, engine/inspect.rs).
//!
//! Connecting or disconnecting a RUNNING container joins its network
//! namespace to the bridge at once; rootless, that may fork the keeper of
//! the rootless network namespace, which this threaded process must not
//! do: that call runs in a worker (engine/worker.rs, `Request::Call`), a
//! fresh single-threaded sangja.

use crate::error::{ApiError, ApiResult, Json, Query};
use crate::images::{label_matches, Filters};
use crate::state::State;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use sangja_engine::inspect::NetworkDoc;
use sangja_engine::network as engine_network;
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::BTreeMap;

pub fn routes() -> Router<State> {
    Router::new()
        .route("/networks", get(list))
        .route("/networks/create", post(create))
        .route("/networks/prune", post(prune))
        .route("/networks/{id}", get(inspect).delete(remove))
        .route("/networks/{id}/connect", post(connect))
        .route("/networks/{id}/disconnect", post(disconnect))
}

/// docker's Network object from the engine's inspect document.
fn network_json(d: &NetworkDoc) -> Value {
    let prefix = d.subnets.first().and_then(|s| s.subnet.split_once('/')).map(|(_, p)| p.to_string()).unwrap_or_else(|| "24".into());
    let containers: serde_json::Map<String, Value> = d
        .containers
        .iter()
        .map(|(id, m)| {
            (
                id.clone(),
                json!({ "Name": m.name, "EndpointID": "", "MacAddress": "", "IPv4Address": format!("{}/{prefix}", m.ip), "IPv6Address": "" }),
            )
        })
        .collect();
    let builtin = d.name == sangja_network::store::DEFAULT_NAME;
    json!({
        "Name": d.name,
        "Id": d.id,
        "Created": d.created,
        "Scope": "local",
        "Driver": d.driver,
        "EnableIPv4": true,
        "EnableIPv6": d.ipv6_enabled,
        "IPAM": {
            "Driver": "default",
            "Options": {},
            "Config": d.subnets.iter().map(|s| json!({ "Subnet": s.subnet, "Gateway": s.gateway })).collect::<Vec<_>>(),
        },
        "Internal": d.internal,
        "Attachable": false,
        "Ingress": false,
        "ConfigFrom": { "Network": "" },
        "ConfigOnly": false,
        "Containers": containers,
        "Options": if builtin { json!({ "com.docker.network.bridge.name": d.network_interface }) } else { json!({}) },
        "Labels": d.labels,
    })
}

#[derive(Deserialize, Default)]
struct ListQuery {
    filters: Option<String>,
}

/// `GET /networks`: filters name (substring), id (prefix), driver, label,
/// type (custom, builtin), dangling.
async fn list(st: State, Query(q): Query<ListQuery>) -> ApiResult<axum::Json<Value>> {
    let f = Filters::parse(q.filters.as_deref())?;
    f.only(&["name", "id", "driver", "label", "type", "dangling", "scope"])?;
    let dangling = f.bool("dangling")?;
    let all = st
        .blocking(|e| Ok(engine_network::list(e)?.iter().map(|(n, u)| sangja_engine::inspect::network_doc(n, u)).collect::<Vec<_>>()))
        .await?;
    let out: Vec<Value> = all
        .iter()
        .filter(|d| {
            let builtin = d.name == sangja_network::store::DEFAULT_NAME;
            f.get("name").iter().all(|n| d.name.contains(n.as_str()))
                && f.get("id").iter().all(|i| d.id.starts_with(i.as_str()))
                && f.get("driver").iter().all(|x| &d.driver == x)
                && f.get("label").iter().all(|l| label_matches(&d.labels, l))
                && f.get("type").iter().all(|t| (t == "builtin") == builtin)
                && f.get("scope").iter().all(|s| s == "local")
                && dangling.is_none_or(|want| want == (d.used_by.is_empty() && !builtin))
        })
        .map(network_json)
        .collect();
    Ok(axum::Json(Value::Array(out)))
}

/// The network `id` names (name, id or id prefix), in docker's 404 words.
async fn doc(st: &State, id: &str) -> ApiResult<NetworkDoc> {
    let n = id.to_string();
    let mut docs = st.blocking(move |e| sangja_engine::inspect::networks(e, &[n])).await?;
    match docs.pop() {
        Some(Ok(d)) => Ok(d),
        Some(Err(e)) if e.http_status() != 404 => Err(ApiError::from(e)),
        _ => Err(ApiError::not_found(format!("network {id} not found"))),
    }
}

/// `GET /networks/{id}`.
async fn inspect(st: State, Path(id): Path<String>) -> ApiResult<axum::Json<Value>> {
    Ok(axum::Json(network_json(&doc(&st, &id).await?)))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Ipam {
    #[serde(rename = "Driver")]
    driver: Option<String>,
    #[serde(rename = "Config")]
    config: Option<Vec<IpamConfig>>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct IpamConfig {
    #[serde(rename = "Subnet")]
    subnet: Option<String>,
    #[serde(rename = "Gateway")]
    gateway: Option<String>,
    #[serde(rename = "IPRange")]
    ip_range: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct CreateBody {
    #[serde(rename = "Name")]
    name: String,
    #[serde(rename = "CheckDuplicate")]
    check_duplicate: Option<bool>,
    #[serde(rename = "Driver")]
    driver: Option<String>,
    #[serde(rename = "Internal")]
    internal: Option<bool>,
    #[serde(rename = "EnableIPv6")]
    enable_ipv6: Option<bool>,
    #[serde(rename = "IPAM")]
    ipam: Option<Ipam>,
    #[serde(rename = "Labels")]
    labels: Option<BTreeMap<String, String>>,
}

/// `POST /networks/create`: 201 `{"Id", "Warning"}`; 409 when the name is
/// taken (docker checks duplicates always from API 1.44 on).
async fn create(st: State, Json(b): Json<CreateBody>) -> ApiResult<Response> {
    if b.name.is_empty() {
        return Err(ApiError::bad_request("a network needs a Name"));
    }
    let _ = b.check_duplicate;
    if b.enable_ipv6 == Some(true) {
        return Err(ApiError::bad_request("IPv6 networks are not supported by sangja: create it without EnableIPv6"));
    }
    let configs = b.ipam.as_ref().and_then(|i| i.config.as_ref()).map(Vec::as_slice).unwrap_or(&[]);
    if configs.len() > 1 {
        return Err(ApiError::bad_request("a network takes one IPAM Config (one IPv4 subnet)"));
    }
    if let Some(d) = b.ipam.as_ref().and_then(|i| i.driver.as_deref()).filter(|d| !d.is_empty() && *d != "default") {
        return Err(ApiError::bad_request(format!("IPAM driver {d:?} is not available: use default")));
    }
    if configs.iter().any(|c| c.ip_range.as_deref().is_some_and(|r| !r.is_empty())) {
        return Err(ApiError::bad_request("IPAM IPRange is not supported: give a Subnet (and a Gateway)"));
    }
    let opts = engine_network::CreateOptions {
        name: Some(b.name.clone()),
        subnet: configs.first().and_then(|c| c.subnet.clone()).filter(|s| !s.is_empty()),
        gateway: configs.first().and_then(|c| c.gateway.clone()).filter(|s| !s.is_empty()),
        internal: b.internal.unwrap_or(false),
        labels: b.labels.unwrap_or_default(),
        driver: b.driver.filter(|d| !d.is_empty()).unwrap_or_else(|| "bridge".into()),
        ignore: false,
    };
    let rec = st.blocking(move |e| engine_network::create(e, opts)).await?;
    Ok((StatusCode::CREATED, axum::Json(json!({ "Id": rec.id, "Warning": "" }))).into_response())
}

/// `DELETE /networks/{id}`: 204.
async fn remove(st: State, Path(id): Path<String>) -> ApiResult<StatusCode> {
    let name = doc(&st, &id).await?.name;
    st.blocking(move |e| engine_network::remove(e, &name, false)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /networks/prune`: `{"NetworksDeleted": [...]}`.
async fn prune(st: State, Query(q): Query<ListQuery>) -> ApiResult<axum::Json<Value>> {
    let f = Filters::parse(q.filters.as_deref())?;
    f.only(&["label", "until"])?;
    let labels: Vec<String> = f.get("label").to_vec();
    let deleted = st
        .blocking(move |e| {
            if labels.is_empty() {
                return engine_network::prune(e);
            }
            // The same choice as `network prune`, narrowed by label; each removal is network rm's.
            let mut out = Vec::new();
            for (n, users) in engine_network::list(e)? {
                if users.is_empty() && n.name != sangja_network::store::DEFAULT_NAME && labels.iter().all(|l| label_matches(&n.labels, l)) {
                    out.push(engine_network::remove(e, &n.name, false)?);
                }
            }
            Ok(out)
        })
        .await?;
    Ok(axum::Json(json!({ "NetworksDeleted": deleted })))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct EndpointConfig {
    #[serde(rename = "Aliases")]
    aliases: Option<Vec<String>>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ConnectBody {
    #[serde(rename = "Container")]
    container: String,
    #[serde(rename = "EndpointConfig")]
    endpoint_config: Option<EndpointConfig>,
    #[serde(rename = "Force")]
    force: Option<bool>,
}

/// `POST /networks/{id}/connect`.
async fn connect(st: State, Path(id): Path<String>, Json(b): Json<ConnectBody>) -> ApiResult<StatusCode> {
    let aliases = b.endpoint_config.and_then(|e| e.aliases).unwrap_or_default();
    join(st, id, b.container, aliases, true).await
}

/// `POST /networks/{id}/disconnect`.
async fn disconnect(st: State, Path(id): Path<String>, Json(b): Json<ConnectBody>) -> ApiResult<StatusCode> {
    let _ = b.force;
    join(st, id, b.container, Vec::new(), false).await
}

async fn join(st: State, id: String, container: String, aliases: Vec<String>, join: bool) -> ApiResult<StatusCode> {
    if container.is_empty() {
        return Err(ApiError::bad_request("give the Container to connect"));
    }
    let net = doc(&st, &id).await?.name;
    let c = container.clone();
    let running = st
        .blocking(move |e| Ok(sangja_container::record::ContainerStore::new(&e.paths).lookup(&c)?.is_running()))
        .await
        .map_err(|e| if e.status == StatusCode::NOT_FOUND { ApiError::not_found(format!("No such container: {container}")) } else { e })?;
    let call = sangja_engine::calls::Call::NetworkConnect { network: net, container, aliases, join };
    if running {
        // Forks in the rootless case: a fresh single-threaded worker does it.
        st.blocking(move |e| sangja_engine::calls::call(e, call)).await?;
    } else {
        st.blocking(move |e| call.run(e)).await?;
    }
    Ok(StatusCode::OK)
}
