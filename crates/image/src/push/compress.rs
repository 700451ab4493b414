//! A layer's blob for push: its tar rebuilt from the store, compressed while
//! it streams on blocking threads, hashed and counted on the way, and handed
//! to the upload as request-body chunks.
//!
//! gzip is the common case and most of a push's CPU: 4 MiB blocks of the tar
//! are compressed at once as gzip members (as pigz --independent or pgzip),
//! each member's buffer going to the request body as it is, without a copy.
//! The buffers come from a process-wide pool and go back to it when the body
//! has sent them: fresh memory costs a page fault per 4 KiB (the kernel
//! zeroes each page as it is first touched), which was a fifth of a push's
//! CPU before the pool.

use super::LayerCompression;
use crate::paths::StorePaths;
use crate::storage::layers::LayerStore;
use bytes::Bytes;
use sha2::{Digest as _, Sha256};
use std::io::{self, Read, Write};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex};

/// Bytes of the tar per gzip member.
const GZIP_BLOCK: usize = 4 << 20;
/// Members compressed at once per layer.
const GZIP_THREADS: usize = 4;
/// Blocks read or compressed at once in the whole process, beyond one per
/// core: the layers of an image are pushed together, and with 2 cores more
/// blocks in flight only touch more fresh memory.
const GZIP_SPARE_BLOCKS: usize = 1;
/// Bytes of output per message for the compressions that write a stream (zstd, none).
const CHUNK: usize = 1 << 20;
/// Messages buffered between the compressing thread and the upload (each a
/// gzip member, about a third of a block, or a CHUNK): enough to keep the
/// socket busy, few enough that the members' buffers come back to the pool
/// for the next blocks instead of new ones being touched.
const CHANNEL_CHUNKS: usize = 2;
/// Buffers the pool keeps for later (each a little over GZIP_BLOCK): enough
/// for the layers of an image compressing at once. Emptied when the last
/// push of the process ends (PoolUse): an API service that pushed does not
/// keep up to 24 x 4 MiB until it exits.
const POOL_KEEP: usize = 24;

/// One size for every pooled buffer: a block of the tar, or the member it becomes.
const POOL_BUF: usize = gzip_bound(GZIP_BLOCK);

/// A pooled buffer: always POOL_BUF bytes long.
type Buf = Vec<u8>;

static POOL: Mutex<Vec<Buf>> = Mutex::new(Vec::new());

/// A buffer of POOL_BUF bytes, reused when one is free. A fresh one is
/// calloc's: its pages are mapped (and zeroed by the kernel) only when
/// first written, which is what reuse saves. (Transparent huge pages were
/// tried: fewer faults, but each zeroes 2 MiB where a member uses a part.)
fn take_buf() -> io::Result<Buf> {
    let reused = POOL.lock().ok().and_then(|mut p| p.pop());
    Ok(reused.unwrap_or_else(|| vec![0; POOL_BUF]))
}

/// Pushes under way in this process.
static POOL_USERS: Mutex<usize> = Mutex::new(0);

/// A push's use of the buffer pools: the last one to end empties them.
pub(crate) struct PoolUse;

impl PoolUse {
    pub(crate) fn start() -> PoolUse {
        if let Ok(mut n) = POOL_USERS.lock() {
            *n += 1;
        }
        PoolUse
    }
}

impl Drop for PoolUse {
    fn drop(&mut self) {
        let Ok(mut n) = POOL_USERS.lock() else { return };
        *n = n.saturating_sub(1);
        if *n == 0 {
            // Under the count's lock: a push starting now waits, then refills.
            let pooled = POOL.lock().map(|mut p| std::mem::take(&mut *p));
            let levels = LEVEL_BUFS.lock().map(|mut p| std::mem::take(&mut *p));
            drop((pooled, levels));
        }
    }
}

/// Returns a buffer to the pool (or frees it when the pool is full).
fn give_buf(buf: Buf) {
    if buf.len() != POOL_BUF {
        return;
    }
    if let Ok(mut p) = POOL.lock() {
        if p.len() < POOL_KEEP {
            p.push(buf);
        }
    }
}

/// igzip's working memory for level 1 (its ICF buffer), reused: a fresh
/// one per member was a tenth of a push's page faults.
static LEVEL_BUFS: Mutex<Vec<Vec<u8>>> = Mutex::new(Vec::new());

/// One gzip member of `input` into `out` by igzip at level 1, in one call
/// (stateless: the whole input and room for the whole output). Returns the
/// member's length.
fn igzip_member(input: &[u8], out: &mut [u8]) -> io::Result<usize> {
    use isal_sys::igzip_lib as ig;
    let too_big = || io::Error::other("gzip: a block larger than 4 GiB");
    let mut level_buf = LEVEL_BUFS.lock().ok().and_then(|mut p| p.pop()).unwrap_or_else(|| vec![0u8; ig::ISAL_DEF_LVL1_DEFAULT as usize]);
    let mut z = std::mem::MaybeUninit::<ig::isal_zstream>::uninit();
    // SAFETY: init fills in the whole structure (its own default Huffman tables included).
    let mut z = unsafe {
        ig::isal_deflate_stateless_init(z.as_mut_ptr());
        z.assume_init()
    };
    z.level = 1;
    z.level_buf = level_buf.as_mut_ptr();
    z.level_buf_size = u32::try_from(level_buf.len()).map_err(|_| too_big())?;
    z.gzip_flag = ig::IGZIP_GZIP as _;
    z.end_of_stream = 1;
    z.flush = ig::NO_FLUSH as _;
    z.next_in = input.as_ptr().cast_mut();
    z.avail_in = u32::try_from(input.len()).map_err(|_| too_big())?;
    z.next_out = out.as_mut_ptr();
    z.avail_out = u32::try_from(out.len()).map_err(|_| too_big())?;
    // SAFETY: the stream points at input (read only), out and level_buf, all
    // alive and of the lengths given, for the length of the call.
    let rc = unsafe { ig::isal_deflate_stateless(&mut z) };
    let len = z.total_out as usize;
    if let Ok(mut p) = LEVEL_BUFS.lock() {
        if p.len() < POOL_KEEP {
            p.push(level_buf);
        }
    }
    if rc != ig::COMP_OK as i32 {
        return Err(io::Error::other(format!("gzip: igzip failed (code {rc})")));
    }
    Ok(len)
}

/// The blocks in flight (read or being compressed) in the whole process.
static IN_FLIGHT: (Mutex<usize>, Condvar) = (Mutex::new(0), Condvar::new());

/// A place for one block in flight, waited for; given back when dropped.
struct BlockPermit;

impl BlockPermit {
    fn acquire() -> BlockPermit {
        static LIMIT: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
        let limit = *LIMIT.get_or_init(|| std::thread::available_parallelism().map_or(2, |n| n.get()) + GZIP_SPARE_BLOCKS);
        let (count, freed) = &IN_FLIGHT;
        let mut n = count.lock().unwrap_or_else(|e| e.into_inner());
        while *n >= limit {
            n = freed.wait(n).unwrap_or_else(|e| e.into_inner());
        }
        *n += 1;
        BlockPermit
    }
}

impl Drop for BlockPermit {
    fn drop(&mut self) {
        let (count, freed) = &IN_FLIGHT;
        let mut n = count.lock().unwrap_or_else(|e| e.into_inner());
        *n = n.saturating_sub(1);
        freed.notify_one();
    }
}

/// The first `len` bytes of a pooled buffer, as a request-body chunk that
/// gives the buffer back when the body is done with it.
struct Member {
    buf: Option<Buf>,
    len: usize,
}

impl AsRef<[u8]> for Member {
    fn as_ref(&self) -> &[u8] {
        self.buf.as_deref().map_or(&[], |b| &b[..self.len])
    }
}

impl Drop for Member {
    fn drop(&mut self) {
        if let Some(b) = self.buf.take() {
            give_buf(b);
        }
    }
}

/// The compressed tar of a layer, given to `sink` by a blocking thread.
fn compress_layer(paths: &StorePaths, digest: &str, compression: LayerCompression, sink: &mut ChunkSink) -> io::Result<()> {
    let mut tar = LayerStore::new(paths).open_tar(digest).map_err(|e| io::Error::other(e.to_string()))?;
    match compression {
        // igzip's level 1: compression is most of a push's cost. Every gzip
        // reader (Go's, zlib's, ours) reads a multi-member stream as one.
        LayerCompression::Gzip => parallel_gzip(&mut tar, &mut |buf, len| sink.member(buf, len)),
        LayerCompression::Zstd => {
            let mut enc = zstd::Encoder::new(&mut *sink, 3)?;
            copy(&mut tar, &mut enc)?;
            enc.finish().map(drop)
        }
        LayerCompression::None => copy(&mut tar, sink),
    }
}

/// Reads up to `buf.len()` bytes (fewer only at the end).
fn fill<R: Read>(r: &mut R, buf: &mut [u8]) -> io::Result<usize> {
    let mut got = 0;
    while got < buf.len() {
        match r.read(&mut buf[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(got)
}

/// gzip of `r` as members of GZIP_BLOCK bytes each, compressed on up to
/// GZIP_THREADS threads by ISA-L's igzip at level 1 and given to `emit` in
/// order, each as a pooled buffer and the length of the member at its start.
/// The same bytes always give the same blob (no time in the headers, fixed
/// block boundaries), so a remembered digest holds. Buffers keep their full
/// length: one shrunk and grown again would be zeroed again.
fn parallel_gzip<R: Read>(r: &mut R, emit: &mut dyn FnMut(Buf, usize) -> io::Result<()>) -> io::Result<()> {
    type Done = io::Result<(Buf, usize)>;
    let joined =
        |h: std::thread::ScopedJoinHandle<'_, Done>| -> Done { h.join().map_err(|_| io::Error::other("a compression thread panicked"))? };
    std::thread::scope(|scope| {
        let mut pending = std::collections::VecDeque::new();
        let mut first = true;
        loop {
            let permit = BlockPermit::acquire();
            let mut block = take_buf()?;
            let n = fill(r, &mut block[..GZIP_BLOCK])?;
            // An empty input still gets one (empty) member: a valid gzip stream.
            if n == 0 && !first {
                give_buf(block);
                break;
            }
            first = false;
            pending.push_back(scope.spawn(move || -> Done {
                let _permit = permit;
                let mut out = take_buf()?;
                let done = igzip_member(&block[..n], &mut out);
                give_buf(block);
                Ok((out, done?))
            }));
            if pending.len() >= GZIP_THREADS {
                if let Some(h) = pending.pop_front() {
                    let (out, len) = joined(h)?;
                    emit(out, len)?;
                }
            }
            if n < GZIP_BLOCK {
                break;
            }
        }
        while let Some(h) = pending.pop_front() {
            let (out, len) = joined(h)?;
            emit(out, len)?;
        }
        Ok(())
    })
}

/// Room enough for the gzip member of `n` bytes, whatever they hold: igzip
/// falls back to stored blocks (5 bytes per 64 KiB of input) when the data
/// does not compress, plus its header and trailer.
const fn gzip_bound(n: usize) -> usize {
    n + n / 1024 + 1024
}

fn copy<R: Read, W: Write>(r: &mut R, w: &mut W) -> io::Result<()> {
    let mut buf = vec![0u8; 256 << 10];
    loop {
        let n = match r.read(&mut buf) {
            Ok(0) => return Ok(()),
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        w.write_all(&buf[..n])?;
    }
}

/// Hashes and counts the compressed bytes, and sends them on as body chunks
/// (or drops them: the first pass of a monolithic upload only wants the digest).
struct ChunkSink {
    tx: Option<tokio::sync::mpsc::Sender<io::Result<Bytes>>>,
    buf: Vec<u8>,
    hasher: Sha256,
    count: u64,
}

impl ChunkSink {
    fn new(tx: Option<tokio::sync::mpsc::Sender<io::Result<Bytes>>>) -> Self {
        ChunkSink { tx, buf: Vec::new(), hasher: Sha256::new(), count: 0 }
    }
    fn send(&mut self, chunk: Bytes) -> io::Result<()> {
        match &self.tx {
            Some(tx) => tx.blocking_send(Ok(chunk)).map_err(|_| io::Error::other("the upload stopped")),
            None => Ok(()),
        }
    }
    /// A gzip member: the first `len` bytes of a pooled buffer, sent as it is.
    fn member(&mut self, buf: Buf, len: usize) -> io::Result<()> {
        let member = Member { buf: Some(buf), len };
        self.hasher.update(member.as_ref());
        self.count += len as u64;
        if self.tx.is_none() {
            return Ok(());
        }
        self.flush_buf()?;
        self.send(Bytes::from_owner(member))
    }
    fn flush_buf(&mut self) -> io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let chunk = std::mem::take(&mut self.buf);
        self.send(Bytes::from(chunk))
    }
    fn done(mut self) -> io::Result<(String, u64)> {
        self.flush_buf()?;
        Ok((format!("sha256:{}", hex::encode(self.hasher.finalize())), self.count))
    }
}

impl Write for ChunkSink {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.hasher.update(data);
        self.count += data.len() as u64;
        if self.tx.is_some() {
            if self.buf.capacity() == 0 {
                self.buf.reserve(CHUNK);
            }
            self.buf.extend_from_slice(data);
            if self.buf.len() >= CHUNK {
                self.flush_buf()?;
            }
        }
        Ok(data.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// The compressed bytes of a layer on their way to the request body.
pub(super) type Chunks = tokio::sync::mpsc::Receiver<io::Result<Bytes>>;

/// Compresses the layer on a blocking thread into a channel; returns the
/// body stream's receiver and the thread's result (digest and size).
pub(super) fn start_compressing(
    paths: &StorePaths,
    digest: &str,
    compression: LayerCompression,
    send: bool,
) -> (Chunks, tokio::task::JoinHandle<io::Result<(String, u64)>>) {
    let (tx, rx) = tokio::sync::mpsc::channel(CHANNEL_CHUNKS);
    let (p, d) = (paths.clone(), digest.to_string());
    let handle = tokio::task::spawn_blocking(move || {
        let err_tx = tx.clone();
        let mut sink = ChunkSink::new(send.then_some(tx));
        let r = compress_layer(&p, &d, compression, &mut sink).and_then(|()| sink.done());
        if let Err(e) = &r {
            // The request body fails too, so the registry never takes a partial blob.
            let _ = err_tx.blocking_send(Err(io::Error::new(e.kind(), e.to_string())));
        }
        r
    });
    (rx, handle)
}

/// Streams the chunks of `rx` as a request body, counting the bytes sent for the progress reports.
pub(super) fn body_of(rx: Chunks, sent: Arc<AtomicU64>) -> reqwest::Body {
    let stream = futures_util::stream::unfold(rx, move |mut rx| {
        let sent = sent.clone();
        async move {
            let item = rx.recv().await?;
            if let Ok(b) = &item {
                sent.fetch_add(b.len() as u64, Ordering::Relaxed);
            }
            Some((item, rx))
        }
    });
    reqwest::Body::wrap_stream(stream)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gzip_of(input: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        parallel_gzip(&mut &input[..], &mut |buf, len| {
            out.extend_from_slice(&buf[..len]);
            give_buf(buf);
            Ok(())
        })
        .unwrap();
        out
    }

    #[test]
    fn parallel_gzip_is_one_readable_stream() {
        let data: Vec<u8> = (0..(GZIP_BLOCK * 2 + 12345)).map(|i| (i % 253) as u8).collect();
        // Bytes that do not compress must fit the bound too (stored blocks).
        let mut x = 0x2545_f491_4f6c_dd1du64;
        let noise: Vec<u8> = (0..GZIP_BLOCK + 777)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x as u8
            })
            .collect();
        for input in [&data[..], &data[..GZIP_BLOCK], &[][..], &noise[..], &noise[..1]] {
            let out = gzip_of(input);
            let mut back = Vec::new();
            flate2::read::MultiGzDecoder::new(&out[..]).read_to_end(&mut back).unwrap();
            assert!(back == input);
            assert!(gzip_of(input) == out, "the same input must give the same blob (its digest is remembered)");
        }
    }

    #[test]
    fn a_member_is_its_first_bytes() {
        let mut buf = take_buf().unwrap();
        buf[..3].copy_from_slice(b"abc");
        let chunk = Bytes::from_owner(Member { buf: Some(buf), len: 3 });
        assert_eq!(&chunk[..], b"abc");
    }
}
