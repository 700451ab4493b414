//! The volumes endpoints (Docker Engine API 1.44): list, create, inspect,
//! remove, prune. Each calls the engine function `sangja volume ...` calls
//! (engine/volumes.rs, engine/prune.rs); this module only reads docker's
//! JSON and shapes the answers.

use crate::error::{ApiError, ApiResult, Json, Query};
use crate::images::{label_matches, Filters};
use crate::state::State;
use crate::ApiVersion;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Router};
use sangja_engine::volumes::{self as engine_volumes, CreateOptions, Volume};
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::BTreeMap;

pub fn routes() -> Router<State> {
    Router::new()
        .route("/volumes", get(list))
        .route("/volumes/create", post(create))
        .route("/volumes/prune", post(prune))
        .route("/volumes/{name}", get(inspect).delete(remove))
}

/// docker's Volume object.
fn volume_json(st: &State, v: &Volume, users: usize) -> Value {
    let doc = sangja_engine::inspect::volume_doc(st.engine(), v, users);
    json!({
        "Name": v.name,
        "Driver": v.driver,
        "Mountpoint": doc.mountpoint,
        "CreatedAt": v.created_at,
        "Labels": v.labels,
        "Scope": "local",
        "Options": v.options,
        "UsageData": { "Size": -1, "RefCount": users },
    })
}

#[derive(Deserialize, Default)]
struct ListQuery {
    filters: Option<String>,
}

/// `GET /volumes`: filters name (substring), label (AND-ed), dangling, driver.
async fn list(st: State, Query(q): Query<ListQuery>) -> ApiResult<axum::Json<Value>> {
    let filters = Filters::parse(q.filters.as_deref())?;
    filters.only(&["name", "label", "dangling", "driver"])?;
    let dangling = filters.bool("dangling")?;
    let all = st.blocking(engine_volumes::list).await?;
    let vols: Vec<Value> = all
        .iter()
        .filter(|(v, users)| {
            filters.get("name").iter().all(|n| v.name.contains(n.as_str()))
                && filters.get("driver").iter().all(|d| &v.driver == d)
                && filters.get("label").iter().all(|l| label_matches(&v.labels, l))
                && dangling.is_none_or(|d| d == users.is_empty())
        })
        .map(|(v, users)| volume_json(&st, v, users.len()))
        .collect();
    Ok(axum::Json(json!({ "Volumes": vols, "Warnings": [] })))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct CreateBody {
    #[serde(rename = "Name")]
    name: Option<String>,
    #[serde(rename = "Driver")]
    driver: Option<String>,
    #[serde(rename = "DriverOpts")]
    driver_opts: Option<BTreeMap<String, String>>,
    #[serde(rename = "Labels")]
    labels: Option<BTreeMap<String, String>>,
}

/// `POST /volumes/create`: 201 and the volume. As docker, creating a
/// volume that exists answers the existing one.
async fn create(st: State, Json(b): Json<CreateBody>) -> ApiResult<Response> {
    if let Some(d) = b.driver.as_deref().filter(|d| !d.is_empty() && *d != "local") {
        return Err(ApiError::bad_request(format!("volume driver {d:?} is not available: sangja has the local driver only")));
    }
    let opts = CreateOptions {
        name: b.name.filter(|n| !n.is_empty()),
        labels: b.labels.unwrap_or_default(),
        options: b.driver_opts.unwrap_or_default(),
        ignore_existing: true,
    };
    let st2 = st.clone();
    let v = st.blocking(move |e| engine_volumes::create(e, opts)).await?;
    let users = st.blocking(engine_volumes::users).await?.get(&v.name).map_or(0, Vec::len);
    Ok((StatusCode::CREATED, axum::Json(volume_json(&st2, &v, users))).into_response())
}

/// `GET /volumes/{name}`.
async fn inspect(st: State, Path(name): Path<String>) -> ApiResult<axum::Json<Value>> {
    let n = name.clone();
    let all = st.blocking(engine_volumes::list).await?;
    let (v, users) = all.iter().find(|(v, _)| v.name == n).ok_or_else(|| ApiError::not_found(format!("get {name}: no such volume")))?;
    Ok(axum::Json(volume_json(&st, v, users.len())))
}

#[derive(Deserialize, Default)]
struct RemoveQuery {
    #[serde(default, deserialize_with = "crate::images::de_bool")]
    force: bool,
}

/// `DELETE /volumes/{name}`: 204; 409 when in use without force.
async fn remove(st: State, Path(name): Path<String>, Query(q): Query<RemoveQuery>) -> ApiResult<StatusCode> {
    let n = name.clone();
    match st.blocking(move |e| engine_volumes::remove(e, &n, q.force)).await {
        Ok(()) => Ok(StatusCode::NO_CONTENT),
        Err(e) if e.status == StatusCode::NOT_FOUND => Err(ApiError::not_found(format!("get {name}: no such volume"))),
        Err(e) => Err(e),
    }
}

/// `POST /volumes/prune`: the unused volumes that pass the label filters
/// go. From API 1.42 on, as docker, only anonymous volumes unless the
/// filter `all=true` is given.
async fn prune(st: State, Extension(ver): Extension<ApiVersion>, Query(q): Query<ListQuery>) -> ApiResult<axum::Json<Value>> {
    let filters = Filters::parse(q.filters.as_deref())?;
    filters.only(&["label", "label!", "all", "until"])?;
    let all = filters.bool("all")?.unwrap_or(ver.0 < 42);
    let mut list: Vec<String> = filters.get("label").iter().map(|l| format!("label={l}")).collect();
    list.extend(filters.get("label!").iter().map(|l| format!("label!={l}")));
    list.extend(filters.get("until").iter().map(|l| format!("until={l}")));
    let deleted = st
        .blocking(move |e| {
            let pf = sangja_engine::prune::PruneFilters::parse(&list)?;
            if all {
                return sangja_engine::prune::volumes(e, &pf);
            }
            // Anonymous only: the same candidates, each removed as `volume rm` does.
            let anonymous: Vec<String> = engine_volumes::list(e)?.into_iter().filter(|(v, _)| v.anonymous).map(|(v, _)| v.name).collect();
            let mut out = Vec::new();
            for name in sangja_engine::prune::volume_candidates(e, &pf)?.into_iter().filter(|n| anonymous.contains(n)) {
                match engine_volumes::remove(e, &name, false) {
                    Ok(()) => out.push(name),
                    Err(sangja_core::error::Error::VolumeNotFound(_)) | Err(sangja_core::error::Error::InUse(_)) => {}
                    Err(err) => return Err(err),
                }
            }
            Ok(out)
        })
        .await?;
    Ok(axum::Json(json!({ "VolumesDeleted": deleted, "SpaceReclaimed": 0 })))
}
