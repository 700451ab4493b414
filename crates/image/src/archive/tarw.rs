//! A small tar writer shaped like Go's archive/tar output in containers/image
//! (USTAR headers, root-owned, mtime 0, two zero blocks at the end), that can
//! stream an entry whose size is unknown: into a seekable file it patches the
//! header afterwards; into a pipe it measures the entry first.

use crate::error::{Error, IoContext, Result};
use std::fs::File;
use std::io::{self, BufWriter, Read, Seek, SeekFrom, Write};

const BLOCK: usize = 512;

/// The tar stream being written.
pub struct TarOut<'a> {
    out: &'a mut BufWriter<File>,
    seekable: bool,
}

fn octal(field: &mut [u8], v: u64) {
    let w = field.len() - 1;
    let s = format!("{v:0w$o}");
    field[..w].copy_from_slice(&s.as_bytes()[s.len() - w..]);
    field[w] = 0;
}

fn header(name: &str, size: u64, kind: u8, link: &str, mode: u32) -> Result<[u8; BLOCK]> {
    if name.len() > 100 || link.len() > 100 {
        return Err(Error::Internal(format!("tar entry name too long: {name}")));
    }
    let mut h = [0u8; BLOCK];
    h[..name.len()].copy_from_slice(name.as_bytes());
    octal(&mut h[100..108], u64::from(mode));
    octal(&mut h[108..116], 0);
    octal(&mut h[116..124], 0);
    if size < 0o77777777777 {
        octal(&mut h[124..136], size);
    } else {
        // GNU base-256 for entries of 8 GiB and more.
        h[124] = 0x80;
        h[128..136].copy_from_slice(&size.to_be_bytes());
    }
    octal(&mut h[136..148], 0);
    h[156] = kind;
    h[157..157 + link.len()].copy_from_slice(link.as_bytes());
    h[257..263].copy_from_slice(b"ustar\0");
    h[263..265].copy_from_slice(b"00");
    octal(&mut h[329..337], 0);
    octal(&mut h[337..345], 0);
    h[148..156].fill(b' ');
    let sum: u64 = h.iter().map(|b| u64::from(*b)).sum();
    let s = format!("{sum:06o}");
    h[148..154].copy_from_slice(&s.as_bytes()[s.len() - 6..]);
    h[154] = 0;
    h[155] = b' ';
    Ok(h)
}

fn pad(n: u64) -> usize {
    (BLOCK - (n % BLOCK as u64) as usize) % BLOCK
}

impl<'a> TarOut<'a> {
    /// A tar stream into `out`; `seekable`: headers may be patched in place.
    pub fn new(out: &'a mut BufWriter<File>, seekable: bool) -> Self {
        TarOut { out, seekable }
    }

    fn put(&mut self, b: &[u8]) -> Result<()> {
        self.out.write_all(b).ctx(|| "write the archive".to_string())
    }

    /// A regular file (mode 0444) holding `data`.
    pub fn bytes(&mut self, name: &str, data: &[u8]) -> Result<()> {
        self.put(&header(name, data.len() as u64, b'0', "", 0o444)?)?;
        self.put(data)?;
        self.put(&[0u8; BLOCK][..pad(data.len() as u64)])
    }

    /// A symbolic link.
    pub fn symlink(&mut self, name: &str, target: &str) -> Result<()> {
        self.put(&header(name, 0, b'2', target, 0)?)
    }

    /// A folder (mode 0755).
    pub fn dir(&mut self, name: &str) -> Result<()> {
        self.put(&header(name, 0, b'5', "", 0o755)?)
    }

    /// A regular file streamed from `open()`; `size` if known beforehand.
    pub fn file_from(&mut self, name: &str, size: Option<u64>, open: &mut dyn FnMut() -> Result<Box<dyn Read + Send>>) -> Result<()> {
        let size = match size {
            Some(s) => Some(s),
            None if self.seekable => None,
            // A pipe cannot be patched: measure first (the second read comes from the page cache).
            None => Some(io::copy(&mut open()?, &mut io::sink()).map_err(|e| Error::Layer(format!("read {name}: {e}")))?),
        };
        let start = match size {
            Some(_) => None,
            None => Some(self.out.stream_position().ctx(|| "write the archive".to_string())?),
        };
        self.put(&header(name, size.unwrap_or(0), b'0', "", 0o444)?)?;
        let mut src = open()?;
        let n = copy(&mut src, self.out).map_err(|e| match e {
            Copy::Read(e) => Error::Layer(format!("read {name}: {e}")),
            Copy::Write(e) => Error::Io { what: "write the archive".into(), source: e },
        })?;
        if let Some(s) = size {
            if n != s {
                return Err(Error::Layer(format!("{name}: expected {s} bytes, read {n}")));
            }
        }
        self.put(&[0u8; BLOCK][..pad(n)])?;
        if let Some(start) = start {
            let end = self.out.stream_position().ctx(|| "write the archive".to_string())?;
            self.out.seek(SeekFrom::Start(start)).ctx(|| "write the archive".to_string())?;
            self.put(&header(name, n, b'0', "", 0o444)?)?;
            self.out.seek(SeekFrom::Start(end)).ctx(|| "write the archive".to_string())?;
        }
        Ok(())
    }

    /// The end-of-archive blocks.
    pub fn finish(mut self) -> Result<()> {
        self.put(&[0u8; 2 * BLOCK])
    }
}

enum Copy {
    Read(io::Error),
    Write(io::Error),
}

/// io::copy that tells a read failure (a damaged layer) from a write failure (a full disk).
fn copy(src: &mut dyn Read, out: &mut BufWriter<File>) -> std::result::Result<u64, Copy> {
    let mut buf = vec![0u8; 256 * 1024];
    let mut n = 0u64;
    loop {
        let k = match src.read(&mut buf) {
            Ok(0) => return Ok(n),
            Ok(k) => k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(Copy::Read(e)),
        };
        out.write_all(&buf[..k]).map_err(Copy::Write)?;
        n += k as u64;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_read_back() {
        let dir = std::env::temp_dir().join(format!("sangja-tarw-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("t.tar");
        {
            let mut w = BufWriter::new(File::create(&p).unwrap());
            let mut t = TarOut::new(&mut w, true);
            t.bytes("a.json", b"{}").unwrap();
            t.symlink("x/layer.tar", "../a.json").unwrap();
            t.file_from("b.tar", None, &mut || Ok(Box::new(io::Cursor::new(vec![7u8; 1000])))).unwrap();
            t.finish().unwrap();
            w.flush().unwrap();
        }
        let mut ar = tar::Archive::new(File::open(&p).unwrap());
        let got: Vec<(String, u64)> =
            ar.entries().unwrap().map(|e| e.unwrap()).map(|e| (e.path().unwrap().display().to_string(), e.size())).collect();
        assert_eq!(got, [("a.json".to_string(), 2), ("x/layer.tar".to_string(), 0), ("b.tar".to_string(), 1000)]);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
