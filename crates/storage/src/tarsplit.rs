//! tar-split: what it takes to give back a layer's exact uncompressed tar
//! (the bytes whose sha256 is its diff_id) from its extracted folder, for
//! push and save.
//!
//! While a layer is extracted, every byte of the tar stream that is not the
//! content of a regular file written to diff/ (headers, PAX and GNU records,
//! padding, end blocks, trailing bytes, and the data of entries not written as
//! plain files: sparse ones, skipped devices) is recorded in order, and each
//! regular file's content is recorded as its path under diff/ and its length.
//! `open_tar` interleaves the two again.
//!
//! On disk, beside diff/: `tar-split.zst`, a zstd stream of records
//! (`M` varint(len) bytes | `F` varint(len) path varint(size) | `E`, the end).
//! A file that a later entry of the same layer replaces (or removes with its
//! folder) is moved into `tar-split-stash/` instead of being deleted, and
//! `tar-split-moved` (varint(file index) varint(len) name, repeated) says where
//! it went; both exist only for such rare layers.

use crate::error::{Error, IoContext, Result};
use nix::fcntl::{openat, renameat, OFlag};
use nix::sys::stat::{fstat, Mode};
use sha2::{Digest, Sha256};
use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::ffi::OsStr;
use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::os::fd::{AsFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::rc::Rc;

/// The record file beside diff/.
pub const SPLIT_FILE: &str = "tar-split.zst";
/// Where files replaced within their own layer are kept.
pub const STASH_DIR: &str = "tar-split-stash";
/// Which recorded files went to the stash.
pub const MOVED_FILE: &str = "tar-split-moved";

/// The CRC-32 (gzip's) and length of a layer's uncompressed tar, taken as
/// it was stored, while its sha256 was checked against the diff_id. The tar
/// rebuilt for push and save is checked against these instead of hashed
/// again: a sha256 of the tar was a sixth of a push's CPU, the CRC costs a
/// few percent of it. What the check is for, finding a layer changed on
/// disk (by hand, or by a broken disk), a CRC and the length do as well:
/// whoever could forge a CRC in the store could rewrite its records too.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TarCheck {
    pub crc32: u32,
    pub len: u64,
}

/// Metadata bytes buffered before they become one `M` record.
const FLUSH_AT: usize = 1 << 20;

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    loop {
        let b = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(b);
            return;
        }
        out.push(b | 0x80);
    }
}

fn get_varint<R: Read>(r: &mut R) -> io::Result<u64> {
    let mut v = 0u64;
    for shift in (0..64).step_by(7) {
        let mut b = [0u8; 1];
        r.read_exact(&mut b)?;
        v |= u64::from(b[0] & 0x7f) << shift;
        if b[0] & 0x80 == 0 {
            return Ok(v);
        }
    }
    Err(io::Error::new(io::ErrorKind::InvalidData, "tar-split: varint too long"))
}

/// The recording side, shared by the reader of the tar stream and the extractor.
pub(crate) struct Split {
    out: Option<zstd::Encoder<'static, BufWriter<File>>>,
    layer_dir: PathBuf,
    pending: Vec<u8>,
    /// The regular file whose content is being read: (index, path, bytes so far).
    in_file: Option<(u64, Vec<u8>, u64)>,
    next_index: u64,
    /// Recorded files still at their path under diff/, by path.
    files: BTreeMap<Vec<u8>, u64>,
    moved: Vec<(u64, Vec<u8>)>,
    stash: Option<OwnedFd>,
    stashed: u64,
    error: Option<io::Error>,
    /// Of every byte of the stream (TarCheck).
    crc: crc32fast::Hasher,
    len: u64,
}

/// A shared handle on the recording.
pub(crate) type SplitHandle = Rc<RefCell<Split>>;

impl Split {
    /// Starts recording into `layer_dir`/tar-split.zst (layer_dir is the layer's work folder).
    pub(crate) fn create(layer_dir: &Path) -> Result<SplitHandle> {
        let path = layer_dir.join(SPLIT_FILE);
        let f = File::create(&path).path_ctx("create", &path)?;
        let enc = zstd::Encoder::new(BufWriter::new(f), 3).path_ctx("start compressing", &path)?;
        Ok(Rc::new(RefCell::new(Split {
            out: Some(enc),
            layer_dir: layer_dir.to_path_buf(),
            pending: Vec::new(),
            in_file: None,
            next_index: 0,
            files: BTreeMap::new(),
            moved: Vec::new(),
            stash: None,
            stashed: 0,
            error: None,
            crc: crc32fast::Hasher::new(),
            len: 0,
        })))
    }

    fn write(&mut self, bytes: &[u8]) {
        if self.error.is_some() {
            return;
        }
        if let Some(out) = self.out.as_mut() {
            if let Err(e) = out.write_all(bytes) {
                self.error = Some(e);
            }
        }
    }

    fn flush_meta(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        let mut rec = Vec::with_capacity(10);
        rec.push(b'M');
        put_varint(&mut rec, self.pending.len() as u64);
        self.write(&rec);
        let pending = std::mem::take(&mut self.pending);
        self.write(&pending);
        self.pending = pending;
        self.pending.clear();
    }

    fn saw(&mut self, bytes: &[u8]) {
        self.crc.update(bytes);
        self.len += bytes.len() as u64;
        match self.in_file.as_mut() {
            Some((_, _, n)) => *n += bytes.len() as u64,
            None => {
                self.pending.extend_from_slice(bytes);
                if self.pending.len() >= FLUSH_AT {
                    self.flush_meta();
                }
            }
        }
    }

    /// The bytes read from now until `end_file` are the content of `path` (under diff/).
    pub(crate) fn begin_file(&mut self, path: Vec<u8>) {
        self.flush_meta();
        let index = self.next_index;
        self.next_index += 1;
        self.in_file = Some((index, path, 0));
    }

    /// The content of the current file is all read.
    pub(crate) fn end_file(&mut self) {
        let Some((index, path, size)) = self.in_file.take() else { return };
        let mut rec = Vec::with_capacity(path.len() + 20);
        rec.push(b'F');
        put_varint(&mut rec, path.len() as u64);
        rec.extend_from_slice(&path);
        put_varint(&mut rec, size);
        self.write(&rec);
        self.files.insert(path, index);
    }

    /// Called before the extractor removes `path` (a file, or a folder when
    /// `dir`) from diff/: if recorded content lives there, the node is moved
    /// to the stash instead (returns true: the caller must not remove it).
    pub(crate) fn keep_before_remove(&mut self, parent: &OwnedFd, name: &OsStr, path: &[u8], dir: bool) -> Result<bool> {
        let hit: Vec<(Vec<u8>, u64)> = if dir {
            let mut prefix = path.to_vec();
            prefix.push(b'/');
            self.files.range(prefix.clone()..).take_while(|(k, _)| k.starts_with(&prefix)).map(|(k, v)| (k.clone(), *v)).collect()
        } else {
            self.files.get(path).map(|i| vec![(path.to_vec(), *i)]).unwrap_or_default()
        };
        if hit.is_empty() {
            return Ok(false);
        }
        if self.stash.is_none() {
            let dir_path = self.layer_dir.join(STASH_DIR);
            std::fs::create_dir_all(&dir_path).path_ctx("create", &dir_path)?;
            let fd = openat(nix::fcntl::AT_FDCWD, &dir_path, OFlag::O_RDONLY | OFlag::O_DIRECTORY | OFlag::O_CLOEXEC, Mode::empty())
                .path_ctx("open", &dir_path)?;
            self.stash = Some(fd);
        }
        let Some(stash) = self.stash.as_ref() else { return Ok(false) };
        let new_name = format!("{}", self.stashed);
        self.stashed += 1;
        renameat(parent, name, stash, new_name.as_str()).path_ctx("move aside", &self.layer_dir.join(STASH_DIR).join(&new_name))?;
        for (old, index) in hit {
            self.files.remove(&old);
            let mut moved = new_name.clone().into_bytes();
            if let Some(rest) = old.get(path.len()..) {
                moved.extend_from_slice(rest);
            }
            self.moved.push((index, moved));
        }
        Ok(true)
    }

    /// Writes the end of the record (and the moved list); after the whole
    /// stream was read. Returns the stream's check.
    pub(crate) fn finish(&mut self) -> Result<TarCheck> {
        self.flush_meta();
        self.write(b"E");
        let what = || format!("write {}", self.layer_dir.join(SPLIT_FILE).display());
        if let Some(e) = self.error.take() {
            return Err(e).ctx(what);
        }
        if let Some(enc) = self.out.take() {
            let mut w = enc.finish().ctx(what)?;
            w.flush().ctx(what)?;
        }
        if !self.moved.is_empty() {
            let mut buf = Vec::new();
            for (index, name) in &self.moved {
                put_varint(&mut buf, *index);
                put_varint(&mut buf, name.len() as u64);
                buf.extend_from_slice(name);
            }
            let path = self.layer_dir.join(MOVED_FILE);
            std::fs::write(&path, buf).path_ctx("write", &path)?;
        }
        Ok(TarCheck { crc32: self.crc.clone().finalize(), len: self.len })
    }
}

/// The reader of the tar stream, recording every byte that passes through it.
pub(crate) struct SplitReader<R> {
    inner: R,
    split: SplitHandle,
}

impl<R: Read> SplitReader<R> {
    pub(crate) fn new(inner: R, split: SplitHandle) -> Self {
        SplitReader { inner, split }
    }
    pub(crate) fn inner(&self) -> &R {
        &self.inner
    }
}

impl<R: Read> Read for SplitReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let Some(got) = buf.get(..n) {
            self.split.borrow_mut().saw(got);
        }
        Ok(n)
    }
}

/// The length of the tar that `TarReader` rebuilds for the layer in
/// `layer_dir`, summed from its record alone (no file of diff/ is read):
/// what podman shows as a layer's size.
pub(crate) fn tar_len(layer_dir: &Path) -> Result<u64> {
    let path = layer_dir.join(SPLIT_FILE);
    let f = File::open(&path).path_ctx("open", &path)?;
    let mut r = zstd::Decoder::new(f).path_ctx("read", &path)?;
    let bad = |e: io::Error| Error::Layer(format!("{} is damaged ({e}): run `sangja system check --repair`", path.display()));
    let mut total = 0u64;
    loop {
        let mut tag = [0u8; 1];
        r.read_exact(&mut tag).map_err(bad)?;
        match tag[0] {
            b'M' => {
                let len = get_varint(&mut r).map_err(bad)?;
                let skipped = io::copy(&mut (&mut r).take(len), &mut io::sink()).map_err(bad)?;
                if skipped != len {
                    return Err(bad(io::ErrorKind::UnexpectedEof.into()));
                }
                total += len;
            }
            b'F' => {
                let len = get_varint(&mut r).map_err(bad)?;
                let skipped = io::copy(&mut (&mut r).take(len), &mut io::sink()).map_err(bad)?;
                if skipped != len {
                    return Err(bad(io::ErrorKind::UnexpectedEof.into()));
                }
                total += get_varint(&mut r).map_err(bad)?;
            }
            b'E' => return Ok(total),
            _ => return Err(bad(io::Error::new(io::ErrorKind::InvalidData, "unknown record"))),
        }
    }
}

/// Where a recorded file is read from.
enum Part {
    Meta(io::Cursor<Vec<u8>>),
    File { file: File, left: u64, index: u64 },
}

/// How the rebuilt tar is checked as it streams.
enum Verify {
    /// Against the CRC-32 and length taken when the layer was stored.
    Crc(crc32fast::Hasher, TarCheck),
    /// Against the diff_id (a layer stored before TarCheck existed).
    Sha256(Sha256),
}

/// The original tar of a layer, rebuilt from its tar-split record and diff/,
/// checked as it streams (TarCheck, or its diff_id).
pub struct TarReader {
    records: zstd::Decoder<'static, BufReader<File>>,
    diff: OwnedFd,
    /// The folders (name, fd) from diff/ down to the last file opened there:
    /// tar order is depth-first, so the next file's folders are mostly these,
    /// and each folder is walked once instead of once per file.
    dirs: Vec<(Vec<u8>, OwnedFd)>,
    stash: Option<OwnedFd>,
    moved: HashMap<u64, Vec<u8>>,
    part: Option<Part>,
    next_index: u64,
    verify: Verify,
    count: u64,
    digest: String,
    diff_id: String,
    done: bool,
}

impl TarReader {
    /// Opens the tar of the layer in `layer_dir` (whose blob digest is `digest`).
    pub(crate) fn open(layer_dir: &Path, digest: &str, diff_id: &str, check: Option<TarCheck>) -> Result<TarReader> {
        let split = layer_dir.join(SPLIT_FILE);
        let f = match File::open(&split) {
            Ok(f) => f,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Err(Error::Layer(format!(
                    "layer {digest} was stored by an older sangja, without the record (tar-split) needed to \
                     rebuild its tar: remove its image and pull it again"
                )))
            }
            Err(e) => return Err(e).path_ctx("open", &split),
        };
        let records = zstd::Decoder::new(f).path_ctx("read", &split)?;
        let dflags = OFlag::O_RDONLY | OFlag::O_DIRECTORY | OFlag::O_NOFOLLOW | OFlag::O_CLOEXEC;
        let diff_path = layer_dir.join("diff");
        let diff = openat(nix::fcntl::AT_FDCWD, &diff_path, dflags, Mode::empty()).path_ctx("open", &diff_path)?;
        let stash_path = layer_dir.join(STASH_DIR);
        let stash = openat(nix::fcntl::AT_FDCWD, &stash_path, dflags, Mode::empty()).ok();
        let mut moved = HashMap::new();
        let moved_path = layer_dir.join(MOVED_FILE);
        if let Ok(bytes) = std::fs::read(&moved_path) {
            let mut r = io::Cursor::new(bytes);
            let bad = || Error::Layer(format!("{} is damaged: run `sangja system check --repair`", moved_path.display()));
            while (r.position() as usize) < r.get_ref().len() {
                let index = get_varint(&mut r).map_err(|_| bad())?;
                let len = get_varint(&mut r).map_err(|_| bad())?;
                let mut name = vec![0u8; usize::try_from(len).map_err(|_| bad())?.min(1 << 16)];
                r.read_exact(&mut name).map_err(|_| bad())?;
                moved.insert(index, name);
            }
        }
        Ok(TarReader {
            records,
            diff,
            dirs: Vec::new(),
            stash,
            moved,
            part: None,
            next_index: 0,
            verify: match check {
                Some(c) => Verify::Crc(crc32fast::Hasher::new(), c),
                None => Verify::Sha256(Sha256::new()),
            },
            count: 0,
            digest: digest.to_string(),
            diff_id: diff_id.to_string(),
            done: false,
        })
    }

    /// Bytes given out so far.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// At the end of the stream: whether it is the tar that was stored.
    fn check_end(&self) -> io::Result<()> {
        match &self.verify {
            Verify::Crc(h, want) => {
                let got = TarCheck { crc32: h.clone().finalize(), len: self.count };
                if got != *want {
                    return Err(self.changed(format_args!(
                        "its tar has {} bytes and CRC-32 {:08x}, not the {} bytes and {:08x} recorded when it was stored",
                        got.len, got.crc32, want.len, want.crc32
                    )));
                }
            }
            Verify::Sha256(h) => {
                let actual = format!("sha256:{}", hex::encode(h.clone().finalize()));
                if actual != self.diff_id {
                    return Err(self.changed(format_args!("its tar has digest {actual}, not the diff_id {}", self.diff_id)));
                }
            }
        }
        Ok(())
    }

    fn changed(&self, why: impl std::fmt::Display) -> io::Error {
        io::Error::other(format!("layer {} changed on disk ({why}): run `sangja system check --repair`", self.digest))
    }

    /// Opens `path` beneath `root`, one component at a time, following no symlink.
    fn open_beneath(root: &OwnedFd, path: &[u8]) -> nix::Result<File> {
        let mut chain = Vec::new();
        Self::open_cached(root, &mut chain, path)
    }

    /// Opens the regular file `path` beneath `root`, one component at a
    /// time, following no symlink (O_NOFOLLOW on every component, `.` and
    /// `..` refused). `chain` holds the folders opened for the previous path
    /// (each opened the same way, from `root`); the common ones are reused.
    fn open_cached(root: &OwnedFd, chain: &mut Vec<(Vec<u8>, OwnedFd)>, path: &[u8]) -> nix::Result<File> {
        let comps: Vec<&[u8]> = path.split(|b| *b == b'/').filter(|c| !c.is_empty()).collect();
        let Some((last, dirs)) = comps.split_last() else { return Err(nix::errno::Errno::EINVAL) };
        let dflags = OFlag::O_RDONLY | OFlag::O_DIRECTORY | OFlag::O_NOFOLLOW | OFlag::O_CLOEXEC;
        let keep = chain.iter().zip(dirs.iter()).take_while(|((have, _), want)| have.as_slice() == **want).count();
        chain.truncate(keep);
        for c in &dirs[keep..] {
            if *c == b".." || *c == b"." {
                chain.clear();
                return Err(nix::errno::Errno::EINVAL);
            }
            let at = chain.last().map(|(_, f)| f.as_fd()).unwrap_or(root.as_fd());
            let fd = openat(at, OsStr::from_bytes(c), dflags, Mode::empty())?;
            chain.push((c.to_vec(), fd));
        }
        if *last == b".." || *last == b"." {
            return Err(nix::errno::Errno::EINVAL);
        }
        let at = chain.last().map(|(_, f)| f.as_fd()).unwrap_or(root.as_fd());
        let fd = openat(at, OsStr::from_bytes(last), OFlag::O_RDONLY | OFlag::O_NOFOLLOW | OFlag::O_CLOEXEC, Mode::empty())?;
        let st = fstat(&fd)?;
        if st.st_mode & libc::S_IFMT != libc::S_IFREG {
            return Err(nix::errno::Errno::EINVAL);
        }
        Ok(File::from(fd))
    }

    /// Reads the next record; `false` at the end.
    fn next_part(&mut self) -> io::Result<bool> {
        let mut tag = [0u8; 1];
        self.records.read_exact(&mut tag).map_err(|e| self.changed(format_args!("its tar-split record is truncated: {e}")))?;
        match tag[0] {
            b'M' => {
                let len = get_varint(&mut self.records)?;
                let len = usize::try_from(len).map_err(|_| self.changed("bad record"))?;
                if len > 64 << 20 {
                    return Err(self.changed("bad record"));
                }
                let mut buf = vec![0u8; len];
                self.records.read_exact(&mut buf)?;
                self.part = Some(Part::Meta(io::Cursor::new(buf)));
            }
            b'F' => {
                let len = get_varint(&mut self.records)?;
                if len > 1 << 16 {
                    return Err(self.changed("bad record"));
                }
                let mut path = vec![0u8; len as usize];
                self.records.read_exact(&mut path)?;
                let size = get_varint(&mut self.records)?;
                let index = self.next_index;
                self.next_index += 1;
                let opened = match (self.moved.get(&index), self.stash.as_ref()) {
                    (Some(name), Some(stash)) => Self::open_beneath(stash, name),
                    (Some(_), None) => Err(nix::errno::Errno::ENOENT),
                    (None, _) => Self::open_cached(&self.diff, &mut self.dirs, &path),
                };
                let file = opened.map_err(|e| self.changed(format_args!("cannot open {}: {e}", String::from_utf8_lossy(&path))))?;
                self.part = Some(Part::File { file, left: size, index });
            }
            b'E' => return Ok(false),
            _ => return Err(self.changed("bad record")),
        }
        Ok(true)
    }
}

impl Read for TarReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        loop {
            if self.done {
                return Ok(0);
            }
            let n = match self.part.as_mut() {
                None => {
                    if !self.next_part()? {
                        self.done = true;
                        self.check_end()?;
                        return Ok(0);
                    }
                    continue;
                }
                Some(Part::Meta(c)) => c.read(buf)?,
                Some(Part::File { file, left, index }) => {
                    if *left == 0 {
                        0
                    } else {
                        let want = buf.len().min(usize::try_from(*left).unwrap_or(usize::MAX));
                        let got = file.read(&mut buf[..want])?;
                        if got == 0 {
                            let index = *index;
                            return Err(self.changed(format_args!("recorded file #{index} is shorter than it was")));
                        }
                        *left -= got as u64;
                        got
                    }
                }
            };
            if n == 0 {
                self.part = None;
                continue;
            }
            if let Some(out) = buf.get(..n) {
                match &mut self.verify {
                    Verify::Crc(h, _) => h.update(out),
                    Verify::Sha256(h) => h.update(out),
                }
            }
            self.count += n as u64;
            return Ok(n);
        }
    }
}
