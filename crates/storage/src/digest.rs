//! Digests of layer streams: a reader that hashes what passes through it,
//! and the validation of "sha256:<hex>" strings that become folder names.

use crate::error::{Error, Result};
use sha2::{Digest, Sha256};
use std::io::{self, Read, Write};

/// Wraps a reader, hashing (sha256) and counting every byte read through it.
pub struct HashingReader<R> {
    inner: R,
    hasher: Sha256,
    count: u64,
}

impl<R: Read> HashingReader<R> {
    /// Starts hashing `inner` from its current position.
    pub fn new(inner: R) -> Self {
        HashingReader { inner, hasher: Sha256::new(), count: 0 }
    }
    /// Bytes read so far.
    pub fn count(&self) -> u64 {
        self.count
    }
    /// "sha256:<hex>" of the bytes read so far (the hasher is cloned, so reading may go on).
    pub fn digest(&self) -> String {
        format!("sha256:{}", hex::encode(self.hasher.clone().finalize()))
    }
}

impl<R: Read> Read for HashingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let Some(read) = buf.get(..n) {
            self.hasher.update(read);
        }
        self.count += n as u64;
        Ok(n)
    }
}

/// Wraps a writer, hashing (sha256) and counting every byte written through
/// it: the diff_id and blob digest of a layer being made, a saved archive's
/// files. Fields are open so writers can be stacked and taken apart.
pub struct HashingWriter<W> {
    pub inner: W,
    pub hasher: Sha256,
    pub count: u64,
}

impl<W: Write> Write for HashingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.count += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// Returns the hex part of a "sha256:<64 lowercase hex>" digest, refusing anything else:
/// the hex becomes a folder name, so "sha256:../x" must never get through.
pub fn sha256_hex<'a>(what: &str, digest: &'a str) -> Result<&'a str> {
    let hex = match digest.split_once(':') {
        Some(("sha256", hex)) => hex,
        Some((alg, _)) => return Err(Error::Layer(format!("{what} {digest}: digest algorithm \"{alg}\" is not supported (only sha256)"))),
        None => return Err(Error::Layer(format!("{what} \"{digest}\" is not a digest: expected sha256:<64 hex digits>"))),
    };
    if hex.len() != 64 || !hex.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) {
        return Err(Error::Layer(format!("{what} \"{digest}\" is not a valid sha256 digest: expected 64 lowercase hex digits")));
    }
    Ok(hex)
}

/// Compression of a layer blob, told by its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    Gzip,
    Zstd,
    None,
}

impl Compression {
    /// Sniffs the magic bytes; anything unknown is taken as a plain tar (which the tar reader checks).
    pub fn sniff(head: &[u8]) -> Compression {
        if head.starts_with(&[0x1f, 0x8b]) {
            Compression::Gzip
        } else if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
            Compression::Zstd
        } else {
            Compression::None
        }
    }
}

/// Reads up to `n` bytes (fewer only at end of stream): a network reader may hand out
/// the magic bytes across several reads.
pub fn read_head<R: Read>(r: &mut R, n: usize) -> io::Result<Vec<u8>> {
    let mut head = vec![0u8; n];
    let mut got = 0;
    while got < n {
        let Some(rest) = head.get_mut(got..) else { break };
        match r.read(rest) {
            Ok(0) => break,
            Ok(k) => got += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    head.truncate(got);
    Ok(head)
}
