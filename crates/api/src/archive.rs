//! `/containers/{id}/archive`: docker cp both ways.
//!
//! - `HEAD ?path=`: the path's stat in `X-Docker-Container-Path-Stat`
//!   (base64 of `{name, size, mode, mtime, linkTarget}`, mode in Go's
//!   os.FileMode bits); 404 for a missing path.
//! - `GET ?path=`: the same header and a tar of the path, with docker's
//!   names (`DIR` as `DIR/...`, `DIR/.` as `./...`).
//! - `PUT ?path=&copyUIDGID=&noOverwriteDirNonDir=`: a tar extracted into
//!   the folder `path` (404 when it is missing, 400 when it is not a folder).
//!
//! Each is the engine's cp (engine cp_api.rs over layers.rs: every path
//! resolved beneath the container's root, symlinks included), which forks
//! to reach a container's files (a mount namespace of its own for a stopped
//! container's overlay): this threaded service runs it in a worker (engine
//! calls.rs), the tar passing through a pipe either way. Running and
//! stopped containers alike.
//!
//! With `noOverwriteDirNonDir` (docker's CLI always sends it) an entry that
//! would replace a directory with a non-directory, or the other way, stops
//! the extraction with a 400 naming it; without it the entry replaces what
//! is there, as `sangja cp` does.

use crate::error::{ApiError, ApiResult, Query};
use crate::state::State;
use axum::body::Body;
use axum::extract::Path;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use sangja_core::error::Error;
use sangja_engine::calls::{self, Answer, Call};
use serde::Deserialize;
use serde_json::Value;
use std::io::Read;
use std::os::fd::AsFd;

/// The header docker's clients read the stat from.
const STAT_HEADER: &str = "x-docker-container-path-stat";

pub fn routes() -> Router<State> {
    Router::new().route("/containers/{id}/archive", get(get_archive).head(head_archive).put(put_archive))
}

#[derive(Deserialize, Default)]
struct ArchiveQuery {
    path: Option<String>,
    #[serde(rename = "copyUIDGID")]
    copy_uid_gid: Option<String>,
    #[serde(rename = "noOverwriteDirNonDir")]
    no_overwrite_dir_non_dir: Option<String>,
}

impl ArchiveQuery {
    fn path(&self) -> ApiResult<String> {
        match self.path.as_deref() {
            Some(p) if !p.is_empty() => Ok(p.to_string()),
            _ => Err(ApiError::bad_request("give the path in the container (?path=/PATH)")),
        }
    }
}

/// Standard base64 with padding (Go's base64.StdEncoding).
fn base64(data: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [chunk[0], chunk.get(1).copied().unwrap_or(0), chunk.get(2).copied().unwrap_or(0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ABC[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn stat_header(stat: &Value) -> ApiResult<HeaderValue> {
    let json = serde_json::to_vec(stat).map_err(|e| ApiError::internal(format!("the path's stat: {e}")))?;
    HeaderValue::from_str(&base64(&json)).map_err(|e| ApiError::internal(format!("the path's stat: {e}")))
}

/// An error a worker answered, with its kind again.
fn worker_error(status: u16, message: String) -> Error {
    match status {
        404 => Error::NotFound(message),
        409 => Error::Conflict(message),
        400 => Error::Invalid(message),
        _ => Error::Runtime(message),
    }
}

/// `HEAD /containers/{id}/archive?path=`.
async fn head_archive(st: State, Path(id): Path<String>, Query(q): Query<ArchiveQuery>) -> ApiResult<Response> {
    let call = Call::PathStat { container: id, path: q.path()? };
    let stat = st.blocking(move |e| calls::spawn_outside(e, call, &[])?.finish()).await?;
    let mut r = StatusCode::OK.into_response();
    r.headers_mut().insert(STAT_HEADER, stat_header(&stat)?);
    Ok(r)
}

/// `GET /containers/{id}/archive?path=`: the stat first (a missing path is
/// a 404 before anything is sent), then the tar as the worker writes it.
async fn get_archive(st: State, Path(id): Path<String>, Query(q): Query<ArchiveQuery>) -> ApiResult<Response> {
    let call = Call::ArchiveGet { container: id, path: q.path()? };
    let (r, w) =
        nix::unistd::pipe2(nix::fcntl::OFlag::O_CLOEXEC).map_err(|e| ApiError::internal(format!("cannot make a pipe: {}", e.desc())))?;
    let (stat, running) = st
        .blocking(move |e| {
            let mut running = calls::spawn_outside(e, call, &[w.as_fd()])?;
            // The worker holds its copy: the tar ends with it.
            drop(w);
            match running.next_answer() {
                Some(Answer::Event(stat)) => Ok((stat, running)),
                Some(Answer::Error { status, message }) => {
                    let _ = running.finish();
                    Err(worker_error(status, message))
                }
                _ => {
                    let _ = running.finish();
                    Err(Error::Runtime("the worker ended without the path's stat".into()))
                }
            }
        })
        .await?;
    // Reaps the worker once the tar is written (an error then can only cut the stream).
    tokio::task::spawn_blocking(move || running.finish());
    let mut resp = Response::new(pipe_body(std::fs::File::from(r)));
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/x-tar"));
    h.insert(STAT_HEADER, stat_header(&stat)?);
    Ok(resp)
}

/// `PUT /containers/{id}/archive?path=`: the body (a tar) extracted into
/// the folder `path`.
async fn put_archive(st: State, Path(id): Path<String>, Query(q): Query<ArchiveQuery>, body: Body) -> ApiResult<Response> {
    let on = |v: &Option<String>| matches!(v.as_deref(), Some("1" | "true" | "True"));
    let (copy_uid_gid, no_overwrite_dir_non_dir) = (on(&q.copy_uid_gid), on(&q.no_overwrite_dir_non_dir));
    let call = Call::ArchivePut { container: id, path: q.path()?, copy_uid_gid, no_overwrite_dir_non_dir };
    let input = crate::images::body_pipe(body)?;
    st.blocking(move |e| {
        let running = calls::spawn_outside(e, call, &[input.as_fd()]);
        drop(input);
        running?.finish()
    })
    .await?;
    Ok(StatusCode::OK.into_response())
}

/// A streamed body of what is written into a pipe.
fn pipe_body(mut r: std::fs::File) -> Body {
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<bytes::Bytes, std::io::Error>>(16);
    tokio::task::spawn_blocking(move || {
        let mut buf = vec![0u8; 256 * 1024];
        loop {
            match r.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => {
                    if tx.blocking_send(Ok(bytes::Bytes::copy_from_slice(&buf[..n]))).is_err() {
                        break;
                    }
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => {
                    let _ = tx.blocking_send(Err(e));
                    break;
                }
            }
        }
    });
    Body::from_stream(crate::containers::tokio_stream(rx))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_is_go_s_std_encoding() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
        assert_eq!(base64(&[0xfb, 0xff]), "+/8=");
    }
}
