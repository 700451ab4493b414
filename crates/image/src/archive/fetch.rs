//! `load -i URL`: an archive read from an http(s) URL, as podman's load does.
//! The body streams into a pipe that the archive reader spools like stdin
//! (the same size bound, the same compression sniffing), so nothing of it is
//! kept once the load is done.

use crate::error::{Error, Result};
use futures_util::StreamExt;
use std::io::Write;

/// Whether `-i` names a URL rather than a file.
pub fn is_url(input: &str) -> bool {
    input.starts_with("http://") || input.starts_with("https://")
}

/// GET of `url`, refusing any status but 200.
pub async fn open(url: &str) -> Result<reqwest::Response> {
    let parsed = reqwest::Url::parse(url).map_err(|e| Error::Invalid(format!("{url}: not a valid URL: {e}")))?;
    let client = super::super::token::http_client(false)?;
    let res = client.get(parsed).send().await.map_err(|e| Error::Registry(format!("download {url}: {e}")))?;
    let status = res.status();
    if status != reqwest::StatusCode::OK {
        let kind = if status == reqwest::StatusCode::NOT_FOUND { Error::NotFound } else { Error::Registry };
        return Err(kind(format!("download {url}: the server answered HTTP {status}")));
    }
    Ok(res)
}

/// Writes the body of `res` into `out`; returns its length.
pub async fn copy_body(url: &str, res: reqwest::Response, mut out: impl Write) -> Result<u64> {
    let mut body = res.bytes_stream();
    let mut n = 0u64;
    while let Some(chunk) = body.next().await {
        let chunk = chunk.map_err(|e| Error::Registry(format!("download {url}: {e}")))?;
        // An Internal error: the reader stopped (its own error tells why).
        out.write_all(&chunk).map_err(|e| Error::Internal(format!("download {url}: the archive reader stopped: {e}")))?;
        n += chunk.len() as u64;
    }
    Ok(n)
}
