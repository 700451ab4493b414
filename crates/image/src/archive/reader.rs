//! Random access to the files of an image archive: a tar file indexed once
//! (entries' offsets, then read with pread, several layers at once) or a
//! folder (oci-dir, docker-dir). A compressed archive, or one piped on stdin,
//! is first copied (decompressed) into an unlinked temp file of the store, so
//! nothing is left behind whatever happens.

use crate::error::{Error, IoContext, Result};
use crate::storage::budget::{BudgetReader, SizeBudget};
use std::collections::HashMap;
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::os::unix::fs::FileExt;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

/// Largest small file (manifest, config, index) read into memory.
pub const MAX_SMALL_FILE: u64 = 16 << 20;
/// Symbolic links followed in a row before giving up (a loop).
const MAX_LINKS: usize = 16;

#[derive(Debug, Clone)]
enum Entry {
    File { offset: u64, size: u64 },
    Link(String),
    Dir,
}

enum Kind {
    Tar { file: Arc<File>, entries: HashMap<String, Entry> },
    Dir(PathBuf),
}

/// An opened archive (tar or folder).
pub struct ArchiveReader {
    kind: Kind,
    /// The name used in messages ("/tmp/x.tar", "stdin").
    pub label: String,
}

/// How the archive's bytes were stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Packing {
    Plain,
    Gzip,
    Zstd,
}

/// Normalises a path inside an archive ("./a//b/" -> "a/b"); `None` for one
/// that leaves the archive ("../x", "/x" is taken as relative as tar does).
pub fn clean(path: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for c in Path::new(path).components() {
        match c {
            Component::Normal(s) => parts.push(s.to_str()?),
            Component::CurDir | Component::RootDir => {}
            Component::ParentDir => {
                parts.pop()?;
            }
            Component::Prefix(_) => return None,
        }
    }
    Some(parts.join("/"))
}

fn bad(label: &str, what: impl std::fmt::Display) -> Error {
    Error::Invalid(format!("{label}: {what}"))
}

impl ArchiveReader {
    /// Opens a folder (oci-dir, docker-dir).
    pub fn dir(path: &Path) -> ArchiveReader {
        ArchiveReader { kind: Kind::Dir(path.to_path_buf()), label: path.display().to_string() }
    }

    /// Opens a tar archive from a seekable plain file.
    pub fn tar(file: File, label: &str) -> Result<ArchiveReader> {
        let len = file.metadata().ctx(|| format!("read {label}"))?.len();
        if len == 0 {
            return Err(bad(label, "the archive is empty"));
        }
        let mut entries = HashMap::new();
        {
            let mut f = &file;
            f.seek(SeekFrom::Start(0)).ctx(|| format!("read {label}"))?;
            let mut ar = tar::Archive::new(f);
            let iter = ar.entries_with_seek().map_err(|e| bad(label, format!("not a tar archive: {e}")))?;
            for e in iter {
                let e = e.map_err(|e| bad(label, format!("the archive is damaged or truncated: {e}")))?;
                let raw = e.path().map_err(|e| bad(label, format!("an entry has a bad name: {e}")))?.to_string_lossy().into_owned();
                let Some(name) = clean(&raw) else { continue };
                let (offset, size) = (e.raw_file_position(), e.size());
                let entry = match e.header().entry_type() {
                    tar::EntryType::Regular | tar::EntryType::Continuous | tar::EntryType::GNUSparse => {
                        if offset.saturating_add(size) > len {
                            return Err(bad(
                                label,
                                format!("the archive is truncated: {name} should hold {size} bytes but the file ends before"),
                            ));
                        }
                        Entry::File { offset, size }
                    }
                    tar::EntryType::Symlink => {
                        let target = e.link_name().ok().flatten().map(|t| t.to_string_lossy().into_owned()).unwrap_or_default();
                        // Relative to the link's folder, as a file system would.
                        let parent = name.rsplit_once('/').map(|(p, _)| p).unwrap_or("");
                        Entry::Link(if target.starts_with('/') { target } else { format!("{parent}/{target}") })
                    }
                    tar::EntryType::Link => {
                        Entry::Link(e.link_name().ok().flatten().map(|t| t.to_string_lossy().into_owned()).unwrap_or_default())
                    }
                    tar::EntryType::Directory => Entry::Dir,
                    _ => continue,
                };
                entries.insert(name, entry);
            }
        }
        Ok(ArchiveReader { kind: Kind::Tar { file: Arc::new(file), entries }, label: label.to_string() })
    }

    /// Opens `input` (a file, a folder, or `None` for the stream `stdin`),
    /// decompressing a gzip or zstd archive into an unlinked temp file in `tmp`.
    /// `max` bounds what a compressed or piped archive may expand to.
    pub fn open(input: Option<&Path>, stdin: Option<File>, tmp: &Path, max: u64) -> Result<(ArchiveReader, Packing)> {
        let (mut src, label): (File, String) = match (input, stdin) {
            (Some(p), _) => {
                let label = p.display().to_string();
                let meta = std::fs::metadata(p).map_err(|e| match e.kind() {
                    io::ErrorKind::NotFound => Error::NotFound(format!("{label}: no such file or folder")),
                    _ => Error::io_path("read", p, e),
                })?;
                if meta.is_dir() {
                    return Ok((ArchiveReader::dir(p), Packing::Plain));
                }
                (File::open(p).path_ctx("open", p)?, label)
            }
            (None, Some(f)) => (f, "stdin".to_string()),
            (None, None) => return Err(Error::Internal("no archive to read".into())),
        };
        let seekable = src.stream_position().is_ok() && src.metadata().map(|m| m.is_file()).unwrap_or(false);
        let mut head = [0u8; 4];
        let n = if seekable { src.read_at(&mut head, 0).unwrap_or(0) } else { 0 };
        let sniffed = |h: &[u8]| {
            if h.starts_with(&[0x1f, 0x8b]) {
                Packing::Gzip
            } else if h.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
                Packing::Zstd
            } else {
                Packing::Plain
            }
        };
        if seekable {
            let packing = sniffed(&head[..n]);
            if packing == Packing::Plain {
                return Ok((ArchiveReader::tar(src, &label)?, packing));
            }
            let file = spool(&mut src, packing, tmp, max, &label)?;
            return Ok((ArchiveReader::tar(file, &label)?, packing));
        }
        // A pipe: peek at the head, then copy the whole stream.
        let mut peek = Vec::with_capacity(4);
        (&mut src).take(4).read_to_end(&mut peek).ctx(|| format!("read {label}"))?;
        let packing = sniffed(&peek);
        let mut chained = io::Cursor::new(peek).chain(src);
        let file = spool(&mut chained, packing, tmp, max, &label)?;
        Ok((ArchiveReader::tar(file, &label)?, packing))
    }

    fn resolve<'a>(&'a self, entries: &'a HashMap<String, Entry>, path: &str) -> Result<Option<(String, &'a Entry)>> {
        let mut name = clean(path).ok_or_else(|| bad(&self.label, format!("path {path:?} leaves the archive")))?;
        for _ in 0..MAX_LINKS {
            match entries.get(&name) {
                Some(Entry::Link(target)) => {
                    name = clean(target).ok_or_else(|| bad(&self.label, format!("link {name} points out of the archive")))?;
                }
                Some(e) => return Ok(Some((name, e))),
                None => return Ok(None),
            }
        }
        Err(bad(&self.label, format!("{path}: too many levels of links")))
    }

    fn dir_path(&self, root: &Path, path: &str) -> Result<PathBuf> {
        let c = clean(path).ok_or_else(|| bad(&self.label, format!("path {path:?} leaves the folder")))?;
        Ok(root.join(c))
    }

    /// Whether the archive holds the file `path`.
    pub fn has(&self, path: &str) -> bool {
        match &self.kind {
            Kind::Tar { entries, .. } => matches!(self.resolve(entries, path), Ok(Some((_, Entry::File { .. })))),
            Kind::Dir(root) => self.dir_path(root, path).map(|p| p.is_file()).unwrap_or(false),
        }
    }

    /// Whether this is a folder rather than a tar file.
    pub fn is_dir(&self) -> bool {
        matches!(self.kind, Kind::Dir(_))
    }

    /// The size of the file `path`.
    pub fn size(&self, path: &str) -> Result<u64> {
        match &self.kind {
            Kind::Tar { entries, .. } => match self.resolve(entries, path)? {
                Some((_, Entry::File { size, .. })) => Ok(*size),
                _ => Err(self.missing(path)),
            },
            Kind::Dir(root) => {
                let p = self.dir_path(root, path)?;
                Ok(std::fs::metadata(&p).map_err(|_| self.missing(path))?.len())
            }
        }
    }

    fn missing(&self, path: &str) -> Error {
        bad(&self.label, format!("{path} is missing from the archive (damaged or truncated?)"))
    }

    /// A reader of the file `path`.
    pub fn open_file(&self, path: &str) -> Result<Box<dyn Read + Send>> {
        match &self.kind {
            Kind::Tar { file, entries } => match self.resolve(entries, path)? {
                Some((_, Entry::File { offset, size })) => {
                    Ok(Box::new(Region { file: file.clone(), pos: *offset, end: offset + size, label: self.label.clone() }))
                }
                _ => Err(self.missing(path)),
            },
            Kind::Dir(root) => {
                let p = self.dir_path(root, path)?;
                Ok(Box::new(File::open(&p).map_err(|_| self.missing(path))?))
            }
        }
    }

    /// Reads a small file (JSON) whole, refusing one over `MAX_SMALL_FILE`.
    pub fn read_small(&self, path: &str) -> Result<Vec<u8>> {
        let size = self.size(path)?;
        if size > MAX_SMALL_FILE {
            return Err(bad(&self.label, format!("{path} is {size} bytes, more than a manifest or config may be")));
        }
        let mut out = Vec::with_capacity(size as usize);
        self.open_file(path)?.read_to_end(&mut out).ctx(|| format!("read {path} in {}", self.label))?;
        Ok(out)
    }
}

/// A byte range of the archive file, read with pread (readers share the file).
struct Region {
    file: Arc<File>,
    pos: u64,
    end: u64,
    label: String,
}

impl Read for Region {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let want = (self.end - self.pos).min(buf.len() as u64) as usize;
        if want == 0 {
            return Ok(0);
        }
        let n = self.file.read_at(&mut buf[..want], self.pos)?;
        if n == 0 {
            return Err(io::Error::new(io::ErrorKind::UnexpectedEof, format!("{} is truncated", self.label)));
        }
        self.pos += n as u64;
        Ok(n)
    }
}

/// Copies (decompressing) `src` into an unlinked temp file in `tmp`.
fn spool(src: &mut dyn Read, packing: Packing, tmp: &Path, max: u64, label: &str) -> Result<File> {
    std::fs::create_dir_all(tmp).path_ctx("create", tmp)?;
    let dir = crate::paths::make_temp_dir(tmp, "rm-load")?;
    let path = dir.join("archive");
    let file = File::options().read(true).write(true).create_new(true).open(&path).path_ctx("create", &path);
    // Unlinked at once: only our fd holds it, so nothing outlives this process.
    let _ = std::fs::remove_file(&path);
    let _ = std::fs::remove_dir(&dir);
    let mut file = file?;
    let budget = SizeBudget::new(Some(max));
    let copied = {
        let mut w = io::BufWriter::with_capacity(1 << 20, &mut file);
        let r = match packing {
            Packing::Gzip => io::copy(&mut BudgetReader::new(flate2::read::MultiGzDecoder::new(src), &budget), &mut w),
            Packing::Zstd => match zstd::Decoder::new(src) {
                Ok(d) => io::copy(&mut BudgetReader::new(d, &budget), &mut w),
                Err(e) => Err(e),
            },
            Packing::Plain => io::copy(&mut BudgetReader::new(src, &budget), &mut w),
        };
        r.and_then(|n| w.flush().map(|_| n))
    };
    if budget.exceeded() {
        return Err(bad(
            label,
            format!(
                "the archive expands to more than {} ([storage] max_layer_size in sangja.conf): refusing it as a possible decompression bomb",
                crate::config::settings::human_size(max)
            ),
        ));
    }
    let what = match packing {
        Packing::Gzip => "the gzip-compressed archive is damaged or truncated",
        Packing::Zstd => "the zstd-compressed archive is damaged or truncated",
        Packing::Plain => "cannot read the archive",
    };
    copied.map_err(|e| bad(label, format!("{what}: {e}")))?;
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_stay_inside() {
        assert_eq!(clean("./a//b/").as_deref(), Some("a/b"));
        assert_eq!(clean("x/../y").as_deref(), Some("y"));
        assert_eq!(clean("/abs").as_deref(), Some("abs"));
        assert_eq!(clean("../out"), None);
        assert_eq!(clean("a/../../out"), None);
    }
}
