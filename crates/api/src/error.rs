//! Errors as the Docker API gives them: the status that sangja's error kind
//! maps to (core error.rs, `ErrorKind::http_status`: the one table shared
//! with the CLI's exit codes) and a body `{"message": "..."}`, which docker
//! clients print as "Error response from daemon: MESSAGE".
//!
//! The extractors here (`Json`, `Query`) turn a malformed request (bad JSON,
//! a body over the limit, a bad query) into a 4xx with such a body instead
//! of axum's plain-text rejections.

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use sangja_core::error::Error;
use serde::de::DeserializeOwned;

/// The largest JSON request body (container create, network create, ...):
/// 1 MiB, far above any real one; a bigger one is refused with 413 before
/// anything is done. Bodies that are streams (a build context, an image
/// archive, a tar for a container) are not JSON and have no such limit.
pub const JSON_BODY_LIMIT: usize = 1 << 20;

/// An error response: a status and a message.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub message: String,
}

impl ApiError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> ApiError {
        ApiError { status, message: message.into() }
    }

    /// 400: the request is wrong.
    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, message)
    }

    /// 404.
    pub fn not_found(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, message)
    }

    /// 409.
    pub fn conflict(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::CONFLICT, message)
    }

    /// 500.
    pub fn internal(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, message)
    }

    /// 501: a part of the API sangja does not serve (swarm...).
    pub fn not_implemented(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_IMPLEMENTED, message)
    }
}

impl From<Error> for ApiError {
    fn from(e: Error) -> ApiError {
        let status = StatusCode::from_u16(e.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        ApiError { status, message: e.to_string() }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, axum::Json(serde_json::json!({ "message": self.message }))).into_response()
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// What a handler returns.
pub type ApiResult<T> = std::result::Result<T, ApiError>;

/// axum's `Json` with docker's error body for a rejected request body.
pub struct Json<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Json<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(Json(v)),
            Err(r) => Err(json_rejection(r)),
        }
    }
}

fn json_rejection(r: JsonRejection) -> ApiError {
    let status = r.status();
    let message = match &r {
        JsonRejection::JsonDataError(_) | JsonRejection::JsonSyntaxError(_) => {
            format!("invalid JSON in the request body: {}", r.body_text())
        }
        JsonRejection::MissingJsonContentType(_) => "the request body must be JSON (Content-Type: application/json)".to_string(),
        _ if status == StatusCode::PAYLOAD_TOO_LARGE => "the request body is too large".to_string(),
        _ => r.body_text(),
    };
    // docker answers 400 for any body it cannot decode (axum: 422 for the wrong shape).
    let status = if status.is_client_error() && status != StatusCode::UNPROCESSABLE_ENTITY { status } else { StatusCode::BAD_REQUEST };
    ApiError::new(status, message)
}

/// axum's `Query` with docker's error body for a bad query string.
pub struct Query<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Query<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(v)) => Ok(Query(v)),
            Err(r) => Err(query_rejection(r)),
        }
    }
}

fn query_rejection(r: QueryRejection) -> ApiError {
    ApiError::bad_request(format!("invalid query: {}", r.body_text()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_take_their_kind_s_status() {
        assert_eq!(ApiError::from(Error::ContainerNotFound("x".into())).status, StatusCode::NOT_FOUND);
        assert_eq!(ApiError::from(Error::State("x".into())).status, StatusCode::CONFLICT);
        assert_eq!(ApiError::from(Error::Invalid("x".into())).status, StatusCode::BAD_REQUEST);
        let e = ApiError::from(Error::ImageNotFound("busybox".into()));
        assert_eq!(e.message, "busybox: image not known");
    }
}
