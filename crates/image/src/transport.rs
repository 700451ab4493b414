//! Talking to a registry: one connection per image (TLS or plain HTTP, with
//! the access token.rs decided), manifests and blobs fetched with bounds,
//! errors turned into messages that say what to do, and the bridge from an
//! async byte stream to the blocking `Read` the layer extractor consumes.
//!
//! Every request is ours (reqwest), not oci-client's: oci-client reads any
//! manifest or error body whole into memory and would run its own auth
//! challenge, sending credentials to whatever realm it is told. Its error
//! type is kept as the common currency of `registry_error`.

use super::reference::Reference;
use super::token::{self, Access, Capped, Endpoint};
use crate::config::auth::Credentials;
use crate::error::Error;
use oci_client::errors::{DigestError, OciDistributionError, OciErrorCode};
use std::io::{self, Read};

/// Manifest media types we ask for; schema 1 is left out on purpose so
/// registries that can convert send schema 2.
pub const MANIFEST_ACCEPT: &[&str] = &[
    oci_client::manifest::OCI_IMAGE_MEDIA_TYPE,
    oci_client::manifest::IMAGE_MANIFEST_MEDIA_TYPE,
    oci_client::manifest::OCI_IMAGE_INDEX_MEDIA_TYPE,
    oci_client::manifest::IMAGE_MANIFEST_LIST_MEDIA_TYPE,
];

/// A connection to one registry, for one image.
pub struct Registry {
    /// The HTTP client.
    http: reqwest::Client,
    /// How requests are authorized; a bearer token is replaced when it expires.
    access: parking_lot::Mutex<Access>,
    /// What /v2/ answered (its challenge, to fetch a fresh token).
    ping: token::Ping,
    /// The credentials this registry may get (None: anonymous).
    creds: Option<Credentials>,
    /// Where the API answers.
    endpoint: Endpoint,
    /// oci-client's reference of the image.
    pub oref: oci_client::Reference,
    /// The image as the user asked for it.
    pub reference: Reference,
    /// TLS verification is off (--tls-verify=false or registries.conf `insecure`).
    pub insecure: bool,
    /// Plain HTTP is in use (an insecure registry that does not speak TLS).
    pub plain_http: bool,
    /// The token scopes asked for (again when a token expires).
    scopes: Vec<String>,
}

/// A self-signed certificate nobody holds the key of. With verification off
/// the trust roots are never consulted, but without an explicit list reqwest
/// loads and parses the system's ~140 roots for every client: 40-140 ms, most
/// of a small pull from a local registry.
pub(crate) const UNUSED_ROOT: &str = "-----BEGIN CERTIFICATE-----
MIIBkDCCATegAwIBAgIURsrLQOFxyJb8yL+eNLxFLH5IrlUwCgYIKoZIzj0EAwIw
HTEbMBkGA1UEAwwSc2FuZ2phLXVudXNlZC1yb290MCAXDTI2MTEyMzIxNTkzNFoY
DzIxMjYxMDMwMjE1OTM0WjAdMRswGQYDVQQDDBJzYW5namEtdW51c2VkLXJvb3Qw
WTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAAR5fkbbCq9spM+V29zioBzTDL9dshmg
jz9E/52mjFP/XiH1ew3YWl45eSb5XelDI1ZFeu0NhIkc9KlcjCX4nG6ro1MwUTAd
BgNVHQ4EFgQUHtIHPNVV9ZPGysv1QkrzPVFIebMwHwYDVR0jBBgwFoAUHtIHPNVV
9ZPGysv1QkrzPVFIebMwDwYDVR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNHADBE
AiBEEvQ1xeDkHV26xW8+TUsetVCNyFq3NMAfEohWVYrhIgIgXdLjTWXVWdNwxes7
GxbfpMHQxl9Rb2h8L44tvdvxeHo=
-----END CERTIFICATE-----";

impl Registry {
    /// Connects to `reference`'s registry: pings it and authorizes with `creds`
    /// (token.rs decides whether they may be sent where the registry asks).
    /// `insecure` turns TLS verification off and allows plain HTTP when TLS
    /// cannot even be set up.
    pub async fn connect(reference: &Reference, insecure: bool, creds: Option<&Credentials>) -> Result<Registry, Error> {
        let oref = reference.to_oci();
        let scopes = vec![format!("repository:{}:pull", oref.repository())];
        Self::connect_scopes(reference, insecure, creds, scopes).await
    }

    /// `connect` asking for `scopes` (push: "repository:NAME:pull,push").
    pub async fn connect_scopes(
        reference: &Reference,
        insecure: bool,
        creds: Option<&Credentials>,
        scopes: Vec<String>,
    ) -> Result<Registry, Error> {
        let oref = reference.to_oci();
        let host = oref.resolve_registry().to_string();
        let http = token::http_client(insecure)?;
        let ping = token::ping(&http, &host, insecure)
            .await
            .map_err(|e| registry_error(OciDistributionError::RequestError(e), reference, insecure, Phase::Manifest))?;
        let access = token::authorize_scopes(&http, &ping, &reference.registry, &scopes, creds, insecure)
            .await?
            .ok_or_else(|| unauthorized(reference))?;
        let plain_http = ping.endpoint.scheme == "http";
        Ok(Registry {
            http,
            access: parking_lot::Mutex::new(access),
            endpoint: ping.endpoint.clone(),
            ping,
            creds: creds.cloned(),
            oref,
            reference: reference.clone(),
            insecure,
            plain_http,
            scopes,
        })
    }

    /// `req` with this registry's access. Redirects (blobs on a CDN) drop
    /// the Authorization header on a change of scheme, host or port (reqwest).
    fn authorized(&self, req: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        match &*self.access.lock() {
            Access::Anonymous => req,
            Access::Basic(c) => req.basic_auth(&c.username, Some(&c.password)),
            Access::Bearer(t) => req.bearer_auth(t),
        }
    }

    /// Sends a GET of `url` with the access; a 401 on a bearer token gets a
    /// fresh token and one retry: tokens expire (Docker Hub's after 5
    /// minutes) and a long pull outlives them. Same rules for the new token.
    async fn get(&self, url: &str, accept: Option<&str>, phase: Phase) -> Result<reqwest::Response, Error> {
        let send = || {
            let mut req = self.http.get(url);
            if let Some(a) = accept {
                req = req.header(reqwest::header::ACCEPT, a);
            }
            self.authorized(req).send()
        };
        let net = |e| self.error(OciDistributionError::RequestError(e), phase);
        let res = send().await.map_err(net)?;
        let bearer = matches!(&*self.access.lock(), Access::Bearer(_));
        if res.status() != reqwest::StatusCode::UNAUTHORIZED || !bearer {
            return Ok(res);
        }
        self.refresh().await?;
        send().await.map_err(net)
    }

    /// Replaces an expired bearer token with a fresh one (same scopes).
    async fn refresh(&self) -> Result<(), Error> {
        let fresh =
            token::authorize_scopes(&self.http, &self.ping, &self.reference.registry, &self.scopes, self.creds.as_ref(), self.insecure)
                .await?
                .ok_or_else(|| unauthorized(&self.reference))?;
        *self.access.lock() = fresh;
        Ok(())
    }

    /// Sends the request `make` builds (with the access); a 401 on a bearer
    /// token gets a fresh token and one retry. For push's requests.
    pub(crate) async fn send(
        &self,
        make: &(dyn Fn(&reqwest::Client) -> reqwest::RequestBuilder + Sync),
    ) -> Result<reqwest::Response, Error> {
        let net = |e| self.error(OciDistributionError::RequestError(e), Phase::Layer);
        let res = self.authorized(make(&self.http)).send().await.map_err(net)?;
        let bearer = matches!(&*self.access.lock(), Access::Bearer(_));
        if res.status() != reqwest::StatusCode::UNAUTHORIZED || !bearer {
            return Ok(res);
        }
        self.refresh().await?;
        self.authorized(make(&self.http)).send().await.map_err(net)
    }

    /// Sends a request once, with the access (a body that streams cannot be
    /// sent twice); the transport's own error, for push to word (an upload
    /// cut off is not a registry out of reach).
    pub(crate) async fn send_once(&self, req: reqwest::RequestBuilder) -> Result<reqwest::Response, reqwest::Error> {
        self.authorized(req).send().await
    }

    /// The HTTP client.
    pub(crate) fn client(&self) -> &reqwest::Client {
        &self.http
    }

    /// "scheme://host" of the API.
    pub fn base(&self) -> String {
        self.endpoint.base()
    }

    /// Starts downloading a blob: the answer once it is a success, its body
    /// to be read by the caller (bounded there); an error answer's body is
    /// read only up to 64 KiB.
    pub async fn blob(&self, digest: &str, phase: Phase) -> Result<reqwest::Response, Error> {
        let url = format!("{}/v2/{}/blobs/{digest}", self.endpoint.base(), self.oref.repository());
        let mut res = self.get(&url, None, phase).await?;
        let status = res.status();
        if !status.is_success() {
            let message = token::error_text(&mut res).await;
            return Err(self.error(OciDistributionError::ServerError { code: status.as_u16(), url, message }, phase));
        }
        Ok(res)
    }

    /// Fetches a manifest's raw bytes, refusing more than MAX_MANIFEST_BODY
    /// (read here, not by oci-client, which reads any body whole into memory).
    pub async fn manifest(&self, oref: &oci_client::Reference) -> Result<Vec<u8>, Error> {
        let r = &self.reference;
        let which = oref.digest().or(oref.tag()).unwrap_or("latest");
        let url = format!("{}/v2/{}/manifests/{which}", self.endpoint.base(), oref.repository());
        let mut res = self.get(&url, Some(&MANIFEST_ACCEPT.join(", ")), Phase::Manifest).await?;
        let status = res.status();
        if !status.is_success() {
            let message = token::error_text(&mut res).await;
            return Err(self.error(OciDistributionError::ServerError { code: status.as_u16(), url, message }, Phase::Manifest));
        }
        token::read_capped(&mut res, token::MAX_MANIFEST_BODY).await.map_err(|e| match e {
            Capped::TooLarge => Error::Registry(format!(
                "{r}: the registry sent a manifest larger than {} MiB, the limit on manifests and indexes \
                 (podman's too); refusing it",
                token::MAX_MANIFEST_BODY >> 20
            )),
            Capped::Net(e) => self.error(OciDistributionError::RequestError(e), Phase::Manifest),
        })
    }

    /// Turns an oci-client error into one that names the image and the fix.
    pub fn error(&self, e: OciDistributionError, phase: Phase) -> Error {
        registry_error(e, &self.reference, self.insecure, phase)
    }
}

/// What was being fetched, for error messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// The manifest or index.
    Manifest,
    /// The config blob.
    Config,
    /// A layer blob.
    Layer,
}

/// The error and all its causes, innermost last, joined.
pub(crate) fn chain(e: &dyn std::error::Error) -> String {
    let mut parts = vec![e.to_string()];
    let mut cur = e.source();
    while let Some(c) = cur {
        let s = c.to_string();
        if !parts.iter().any(|p| p.contains(&s)) {
            parts.push(s);
        }
        cur = c.source();
    }
    parts.join(": ")
}

fn unauthorized(r: &Reference) -> Error {
    Error::Registry(format!(
        "{r}: access denied (unauthorized): the repository may not exist or may be private; \
         if it needs credentials, log in with `sangja login {}` and try again",
        r.registry
    ))
}

fn not_found(r: &Reference, phase: Phase) -> Error {
    match phase {
        Phase::Manifest => Error::Registry(format!("{r}: manifest unknown: the registry has no such image or tag")),
        _ => Error::Registry(format!(
            "{r}: the registry lists a blob in the image's manifest that it does not have; the image is broken on the registry"
        )),
    }
}

/// Maps oci-client's errors to sangja's (DESIGN.md: name the thing and the fix).
pub fn registry_error(e: OciDistributionError, r: &Reference, insecure: bool, phase: Phase) -> Error {
    let host = &r.registry;
    match e {
        OciDistributionError::RequestError(re) => {
            let detail = chain(&re);
            let low = detail.to_lowercase();
            let msg = if low.contains("invalidcontenttype") || low.contains("corrupt message") || low.contains("http response to https") {
                format!(
                    "{host} answered in plain HTTP, not HTTPS: if it is a registry without TLS, \
                     use --tls-verify=false (or mark it insecure in registries.conf)"
                )
            } else if low.contains("handshake eof") || low.contains("tls handshake") {
                format!(
                    "the TLS handshake with {host} failed ({detail}): if it is a registry without TLS, \
                     use --tls-verify=false (or mark it insecure in registries.conf)"
                )
            } else if !insecure && (low.contains("certificate") || low.contains("unknownissuer")) {
                format!(
                    "the TLS certificate of {host} is not trusted ({detail}); \
                     use --tls-verify=false only if you trust this registry"
                )
            } else if low.contains("connection refused") {
                let hint = if insecure { "" } else { ", or use --tls-verify=false if it speaks plain HTTP" };
                format!("cannot connect to registry {host}: connection refused; check the address and that the registry is running{hint}")
            } else if low.contains("dns error") || low.contains("failed to lookup") {
                format!("cannot resolve registry host {host}: check the name and the network ({detail})")
            } else if re.is_timeout() {
                format!("registry {host} timed out: check the network ({detail})")
            } else {
                format!("cannot reach registry {host}: {detail}")
            };
            Error::Registry(format!("{r}: {msg}"))
        }
        OciDistributionError::UnauthorizedError { .. } | OciDistributionError::AuthenticationFailure(_) => unauthorized(r),
        OciDistributionError::RegistryError { envelope, .. } => {
            let code = |c: &OciErrorCode| envelope.errors.iter().any(|x| &x.code == c);
            if code(&OciErrorCode::Unauthorized) || code(&OciErrorCode::Denied) {
                unauthorized(r)
            } else if code(&OciErrorCode::ManifestUnknown)
                || code(&OciErrorCode::NameUnknown)
                || code(&OciErrorCode::NotFound)
                || code(&OciErrorCode::BlobUnknown)
            {
                not_found(r, phase)
            } else if code(&OciErrorCode::Toomanyrequests) {
                Error::Registry(format!(
                    "{r}: {host} refused: too many requests (rate limit); wait and retry, or log in to raise the limit"
                ))
            } else {
                let msgs: Vec<String> = envelope.errors.iter().map(|x| format!("{:?}: {}", x.code, x.message)).collect();
                Error::Registry(format!("{r}: registry {host} refused the request: {}", msgs.join("; ")))
            }
        }
        OciDistributionError::ServerError { code, message, .. } => match code {
            404 => not_found(r, phase),
            401 | 403 => unauthorized(r),
            429 => Error::Registry(format!("{r}: {host} refused: too many requests (rate limit); wait and retry")),
            _ => {
                let m: String = message.trim().chars().take(200).collect();
                Error::Registry(format!("{r}: registry {host} answered HTTP {code}: {m}"))
            }
        },
        OciDistributionError::DigestError(DigestError::VerificationError { expected, actual }) => {
            Error::DigestMismatch { what: format!("{} of {r}", phase_name(phase)), expected, actual }
        }
        other => Error::Registry(format!("{r}: {}", chain(&other))),
    }
}

fn phase_name(p: Phase) -> &'static str {
    match p {
        Phase::Manifest => "manifest",
        Phase::Config => "config blob",
        Phase::Layer => "layer blob",
    }
}

/// A failure while a blob's body arrives.
pub fn download_error(e: &reqwest::Error, r: &Reference, digest: &str) -> Error {
    Error::Registry(format!("{r}: downloading {digest} from {} failed: {}", r.registry, chain(e)))
}

/// One message from the download side to the extracting side.
pub enum Chunk<B> {
    /// More bytes of the blob.
    Data(B),
    /// The blob is complete.
    End,
    /// The download failed; the reader reports this.
    Failed(String),
}

/// A blocking `Read` over chunks sent by an async task through a bounded
/// channel: the channel's bound is what keeps a fast network from piling up
/// memory ahead of a slow disk.
pub struct ChannelReader<B> {
    rx: tokio::sync::mpsc::Receiver<Chunk<B>>,
    cur: Option<B>,
    pos: usize,
    done: bool,
}

impl<B: AsRef<[u8]>> ChannelReader<B> {
    /// Reads what `rx` delivers; must be used outside the async runtime (spawn_blocking).
    pub fn new(rx: tokio::sync::mpsc::Receiver<Chunk<B>>) -> Self {
        ChannelReader { rx, cur: None, pos: 0, done: false }
    }
}

impl<B: AsRef<[u8]>> Read for ChannelReader<B> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            if let Some(cur) = &self.cur {
                let rest = cur.as_ref().get(self.pos..).unwrap_or(&[]);
                if !rest.is_empty() {
                    let n = rest.len().min(buf.len());
                    buf[..n].copy_from_slice(&rest[..n]);
                    self.pos += n;
                    return Ok(n);
                }
                self.cur = None;
            }
            if self.done || buf.is_empty() {
                return Ok(0);
            }
            match self.rx.blocking_recv() {
                Some(Chunk::Data(b)) => {
                    self.cur = Some(b);
                    self.pos = 0;
                }
                Some(Chunk::End) => self.done = true,
                Some(Chunk::Failed(msg)) => return Err(io::Error::other(msg)),
                // The sender went away without saying the blob was complete: a
                // cancelled pull must not look like a short, clean stream.
                None => return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "the download was interrupted")),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channel_reader() {
        let (tx, rx) = tokio::sync::mpsc::channel::<Chunk<Vec<u8>>>(2);
        let t = std::thread::spawn(move || {
            let mut out = Vec::new();
            let r = ChannelReader::new(rx).read_to_end(&mut out);
            (r.is_ok(), out)
        });
        tx.blocking_send(Chunk::Data(b"hello ".to_vec())).unwrap();
        tx.blocking_send(Chunk::Data(Vec::new())).unwrap();
        tx.blocking_send(Chunk::Data(b"world".to_vec())).unwrap();
        tx.blocking_send(Chunk::End).unwrap();
        assert_eq!(t.join().unwrap(), (true, b"hello world".to_vec()));

        let (tx, rx) = tokio::sync::mpsc::channel::<Chunk<Vec<u8>>>(2);
        tx.blocking_send(Chunk::Data(b"partial".to_vec())).unwrap();
        drop(tx);
        let mut out = Vec::new();
        let e = ChannelReader::new(rx).read_to_end(&mut out).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::UnexpectedEof);

        let (tx, rx) = tokio::sync::mpsc::channel::<Chunk<Vec<u8>>>(2);
        tx.blocking_send(Chunk::Failed("boom".into())).unwrap();
        let e = ChannelReader::new(rx).read_to_end(&mut Vec::new()).unwrap_err();
        assert!(e.to_string().contains("boom"));
    }

    #[test]
    fn messages() {
        let r = Reference::parse("127.0.0.1:5000/x:1").unwrap();
        let e = registry_error(
            OciDistributionError::ServerError { code: 404, url: String::new(), message: String::new() },
            &r,
            false,
            Phase::Manifest,
        );
        assert_eq!(e.to_string(), "127.0.0.1:5000/x:1: manifest unknown: the registry has no such image or tag");
        let e = registry_error(OciDistributionError::UnauthorizedError { url: String::new() }, &r, false, Phase::Manifest);
        assert!(e.to_string().contains("sangja login 127.0.0.1:5000"));
        let e = registry_error(
            OciDistributionError::DigestError(DigestError::VerificationError { expected: "a".into(), actual: "b".into() }),
            &r,
            false,
            Phase::Config,
        );
        assert!(matches!(e, Error::DigestMismatch { .. }));
    }
}
