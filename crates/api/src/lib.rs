// json! of /info nests deeper than the default limit.
#![recursion_limit = "256"]
//! The Docker-compatible API service (`sangja system service`): Docker
//! Engine API 1.44 over a unix socket (or tcp on a loopback port, or a
//! socket systemd hands over), started on demand and gone when idle. Every
//! endpoint calls the engine as the CLI does (ARCHITECTURE.md: engine/ is
//! the one door); this crate only parses docker's JSON and query strings
//! and shapes the answers as the API reference gives them.
//!
//! - `server.rs`: listeners, connections, the idle exit, socket activation.
//! - `state.rs`: the `State` every handler gets (how it reaches the engine).
//! - `error.rs`: sangja's errors as docker's `{"message"}` responses.
//! - `hijack.rs`: attach and exec taking over their connection (`101 UPGRADED`).
//! - one module per area, each with `routes() -> Router<State>`, merged here.

use axum::body::Body;
use axum::http::{HeaderValue, Request, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Router;

pub mod archive;
pub mod attach;
pub mod auth;
pub mod build;
pub mod commit;
pub mod containers;
pub mod early;
pub mod endpoints;
pub mod error;
pub mod exec;
pub mod hijack;
pub mod images;
pub mod networks;
pub mod server;
pub mod state;
pub mod system;
pub mod volumes;

pub use server::{serve, ServeOptions};
pub use state::State;

/// The API version reported (docker CLIs from 29 on need at least 1.44).
pub const API_VERSION: &str = "1.44";
/// The oldest API version served.
pub const MIN_API_VERSION: &str = "1.24";
/// Paths may name versions 1.MIN_MINOR ..= 1.MAX_MINOR (`/v1.43/...`).
const MIN_MINOR: u32 = 24;
const MAX_MINOR: u32 = 55;
/// The minor of `API_VERSION`, for unversioned paths.
const CURRENT_MINOR: u32 = 44;

/// The API version a request asked for (its `/v1.N` prefix, else the
/// current one): handlers that answer older clients differently read it
/// from the request's extensions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct ApiVersion(pub u32);

/// Every endpoint, with the state.
pub fn router(state: State) -> Router {
    Router::new()
        .merge(system::routes())
        .merge(containers::routes())
        .merge(images::routes())
        .merge(build::routes())
        .merge(volumes::routes())
        .merge(networks::routes())
        .merge(exec::routes())
        .merge(commit::routes())
        .merge(archive::routes())
        .merge(auth::routes())
        .fallback(fallback)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(axum::extract::DefaultBodyLimit::max(error::JSON_BODY_LIMIT))
        .with_state(state)
}

/// One request through the router: the version prefix stripped (or the
/// request refused with docker's message), docker's headers added.
pub async fn dispatch<B>(app: Router, req: Request<B>) -> Response
where
    B: http_body::Body<Data = bytes::Bytes> + Send + 'static,
    B::Error: Into<axum::BoxError>,
{
    use tower::ServiceExt;
    let mut req = req.map(Body::new);
    let mut resp = match strip_version(req.uri()) {
        Err(message) => error::ApiError::bad_request(message).into_response(),
        Ok((version, uri)) => {
            if let Some(uri) = uri {
                *req.uri_mut() = uri;
            }
            req.extensions_mut().insert(version);
            match app.oneshot(req).await {
                Ok(r) => r,
                Err(never) => match never {},
            }
        }
    };
    let h = resp.headers_mut();
    h.insert("api-version", HeaderValue::from_static(API_VERSION));
    h.insert("docker-experimental", HeaderValue::from_static("false"));
    h.insert("ostype", HeaderValue::from_static("linux"));
    h.insert("server", HeaderValue::from_static(concat!("sangja/", env!("CARGO_PKG_VERSION"), " (linux)")));
    resp
}

/// `/v1.44/containers/json` → (1.44, `/containers/json`); an unversioned
/// path is the current version, unchanged. A version out of range is
/// refused with docker's words.
fn strip_version(uri: &Uri) -> Result<(ApiVersion, Option<Uri>), String> {
    let path = uri.path();
    let Some(rest) = path.strip_prefix("/v") else { return Ok((ApiVersion(CURRENT_MINOR), None)) };
    let (ver, tail) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    let Some((major, minor)) = ver.split_once('.') else { return Ok((ApiVersion(CURRENT_MINOR), None)) };
    let (Ok(major), Ok(minor)) = (major.parse::<u32>(), minor.parse::<u32>()) else {
        return Ok((ApiVersion(CURRENT_MINOR), None));
    };
    if major < 1 || (major == 1 && minor < MIN_MINOR) {
        return Err(format!(
            "client version {ver} is too old. Minimum supported API version is {MIN_API_VERSION}, please upgrade your client to a newer version"
        ));
    }
    if major > 1 || minor > MAX_MINOR {
        return Err(format!("client version {ver} is too new. Maximum supported API version is 1.{MAX_MINOR}"));
    }
    let path_and_query = match uri.query() {
        Some(q) => format!("{tail}?{q}"),
        None => tail.to_string(),
    };
    let new = Uri::builder().path_and_query(path_and_query).build().map_err(|e| format!("bad request path: {e}"))?;
    Ok((ApiVersion(minor), Some(new)))
}

/// Swarm paths answer 503 as a docker that is not in a swarm does; any
/// other unknown path 404.
async fn fallback(uri: Uri) -> Response {
    const SWARM: [&str; 6] = ["/swarm", "/nodes", "/services", "/tasks", "/secrets", "/configs"];
    let path = uri.path();
    if SWARM.iter().any(|p| path == *p || path.starts_with(&format!("{p}/"))) {
        return error::ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "This node is not a swarm manager. Use \"docker swarm init\" or \"docker swarm join\" to connect this node to swarm and try again.",
        )
        .into_response();
    }
    error::ApiError::not_found(format!("page not found: {path}")).into_response()
}

async fn method_not_allowed() -> Response {
    error::ApiError::new(StatusCode::METHOD_NOT_ALLOWED, "method not allowed on this path").into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_prefixes() {
        let u = |s: &str| s.parse::<Uri>().unwrap();
        let (v, new) = strip_version(&u("/v1.44/containers/json?all=1")).unwrap();
        assert_eq!(v, ApiVersion(44));
        assert_eq!(new.unwrap().to_string(), "/containers/json?all=1");
        let (v, new) = strip_version(&u("/v1.24/_ping")).unwrap();
        assert_eq!((v, new.unwrap().path().to_string()), (ApiVersion(24), "/_ping".to_string()));
        assert_eq!(strip_version(&u("/v1.55/info")).unwrap().0, ApiVersion(55));
        let (v, new) = strip_version(&u("/containers/json")).unwrap();
        assert_eq!((v, new), (ApiVersion(CURRENT_MINOR), None));
        assert!(strip_version(&u("/v1.23/info")).unwrap_err().contains("too old"));
        assert!(strip_version(&u("/v1.56/info")).unwrap_err().contains("too new"));
        assert!(strip_version(&u("/v2.0/info")).unwrap_err().contains("too new"));
        // /volumes is not a version.
        assert_eq!(strip_version(&u("/volumes")).unwrap().1, None);
    }
}
