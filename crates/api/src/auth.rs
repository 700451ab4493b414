//! `POST /auth`: `docker login`'s check of credentials. The engine asks the
//! registry (engine auth.rs `check`, the check `sangja login` makes) and
//! stores nothing: the docker CLI keeps the credentials in its own config
//! and sends them with each pull or push (X-Registry-Auth). A registry on a
//! loopback address may be plain HTTP, as for pulls (images.rs).

use crate::error::{ApiError, ApiResult, Json};
use crate::state::State;
use axum::http::StatusCode;
use axum::routing::post;
use axum::Router;
use sangja_core::config::auth::Credentials;
use serde::Deserialize;
use serde_json::{json, Value};

pub fn routes() -> Router<State> {
    Router::new().route("/auth", post(auth))
}

/// docker's AuthConfig (the fields a login sends).
#[derive(Deserialize, Default)]
#[serde(default)]
struct AuthBody {
    username: String,
    password: String,
    serveraddress: String,
    identitytoken: String,
}

/// The registry a login names: docker's own default (Docker Hub's
/// `https://index.docker.io/v1/`) is docker.io; a scheme and an API path go.
fn registry_of(address: &str) -> String {
    let a = address.trim();
    let a = a.strip_prefix("https://").or_else(|| a.strip_prefix("http://")).unwrap_or(a);
    let a = a.trim_end_matches('/');
    let a = a.strip_suffix("/v1").or_else(|| a.strip_suffix("/v2")).unwrap_or(a);
    match a {
        "" | "index.docker.io" | "registry-1.docker.io" => "docker.io".to_string(),
        other => other.to_string(),
    }
}

/// `POST /auth`: 200 `{"Status": "Login Succeeded"}`, or 401 with docker's words.
async fn auth(st: State, Json(b): Json<AuthBody>) -> ApiResult<axum::Json<Value>> {
    let registry = registry_of(&b.serveraddress);
    let password = if b.password.is_empty() { b.identitytoken } else { b.password };
    if b.username.is_empty() || password.is_empty() {
        return Err(ApiError::bad_request("give a username and a password"));
    }
    let credentials = Credentials { username: b.username, password };
    let reg = registry.clone();
    let valid = st
        .blocking(move |_| {
            let target = sangja_engine::auth::target(Some(&reg), None)?;
            let insecure = sangja_engine::auth::insecure(&target, crate::images::tls_verify_for(&format!("{}/x", target.host)))?;
            sangja_engine::auth::check(&target, &credentials, insecure)
        })
        .await?;
    if !valid {
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            format!("login attempt to {registry} failed with status: 401 Unauthorized: check the user name and password"),
        ));
    }
    Ok(axum::Json(json!({ "Status": "Login Succeeded", "IdentityToken": "" })))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registries_as_docker_names_them() {
        assert_eq!(registry_of("https://index.docker.io/v1/"), "docker.io");
        assert_eq!(registry_of(""), "docker.io");
        assert_eq!(registry_of("127.0.0.1:5000"), "127.0.0.1:5000");
        assert_eq!(registry_of("http://127.0.0.1:5000/v2/"), "127.0.0.1:5000");
        assert_eq!(registry_of("quay.io"), "quay.io");
    }
}
