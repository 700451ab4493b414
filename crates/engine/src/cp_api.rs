//! docker's cp as the API service serves it (`/containers/{id}/archive`,
//! issue 20): the stat of a container path (docker's `ContainerPathStat`),
//! the tar of a path with docker's entry names, and a tar extracted into a
//! folder of the container (`layers::cp` from a stream: what `sangja cp -
//! CTR:DIR` does). Every path is resolved beneath the container's root
//! (rootview.rs: openat2 RESOLVE_IN_ROOT, `..` clamped at the root), in a
//! forked helper, so a threaded caller (the API service) runs these in a
//! worker (calls.rs).
//!
//! docker's names: `DIR` is archived as `DIR/...`; `DIR/` (a symlink to a
//! folder followed) as the link's name; `DIR/.` and `/` as `./...`, which
//! the docker CLI renames to its destination (RebaseArchiveEntries).

use super::rootview::{self, Source};
use super::Engine;
use crate::error::{Error, IoContext, Result};
use nix::errno::Errno;
use nix::fcntl::{AtFlags, OFlag};
use nix::sys::stat::{fstat, fstatat, FileStat};
use sangja_container::record::ContainerStore;
use sangja_runtime::idmap_copy::Owners as IdOwners;
use sangja_storage::tree;
use sangja_storage::vfs::OwnerMap;
use serde::{Deserialize, Serialize};
use std::ffi::{OsStr, OsString};
use std::fs;
use std::io::{Read, Write};
use std::os::fd::{AsRawFd, OwnedFd};
use std::path::{Path, PathBuf};

/// What docker says of a container path (the `X-Docker-Container-Path-Stat`
/// header is this as JSON, in base64).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PathStat {
    /// The path's last name as Go's filepath.Base gives it ("." for `DIR/.`, "/" for the root).
    pub name: String,
    pub size: i64,
    /// Go's os.FileMode: the permission bits and Go's type bits.
    pub mode: u32,
    /// RFC 3339, nanoseconds.
    pub mtime: String,
    /// A symlink's target resolved inside the container (absolute), else "".
    #[serde(rename = "linkTarget")]
    pub link_target: String,
}

/// Go's os.FileMode of a stat's st_mode (docker's wire format).
pub fn go_mode(st_mode: u32) -> u32 {
    const DIR: u32 = 1 << 31;
    const SYMLINK: u32 = 1 << 27;
    const DEVICE: u32 = 1 << 26;
    const PIPE: u32 = 1 << 25;
    const SOCKET: u32 = 1 << 24;
    const SETUID: u32 = 1 << 23;
    const SETGID: u32 = 1 << 22;
    const CHAR: u32 = 1 << 21;
    const STICKY: u32 = 1 << 20;
    let mut m = st_mode & 0o777;
    m |= match st_mode & libc::S_IFMT {
        libc::S_IFDIR => DIR,
        libc::S_IFLNK => SYMLINK,
        libc::S_IFBLK => DEVICE,
        libc::S_IFCHR => DEVICE | CHAR,
        libc::S_IFIFO => PIPE,
        libc::S_IFSOCK => SOCKET,
        _ => 0,
    };
    for (bit, go) in [(libc::S_ISUID, SETUID), (libc::S_ISGID, SETGID), (libc::S_ISVTX, STICKY)] {
        if st_mode & bit != 0 {
            m |= go;
        }
    }
    m
}

/// What a path names, opened beneath the root.
enum At {
    /// One entry of a folder, not followed if a symlink (`/etc/hostname`).
    Entry { parent: OwnedFd, name: OsString },
    /// A folder, its entries named `top/...` (`/etc/` as `etc`, `/etc/.` and `/` as `.`).
    Contents { dir: OwnedFd, top: String },
}

/// Resolves `path` beneath `root` as docker does: its stat and what to archive.
fn resolve(root: &OwnedFd, path: &str, container: &str) -> Result<(PathStat, At)> {
    let rel = rootview::normalize(path);
    let gone = |e: Errno| match e {
        Errno::ENOENT | Errno::ENOTDIR => Error::NotFound(format!("Could not find the file {path} in container {container}")),
        e => Error::Runtime(format!("{container}:{path}: {}", e.desc())),
    };
    let dir_flags = OFlag::O_RDONLY | OFlag::O_DIRECTORY;
    let (st, at): (FileStat, At) = if rel.as_os_str().is_empty() || path.ends_with("/.") || path.ends_with('/') {
        let dir = rootview::open_in_root(root, &rel, dir_flags).map_err(gone)?;
        let st = fstat(&dir).map_err(gone)?;
        let top = match rel.file_name() {
            Some(n) if !path.ends_with("/.") => n.to_string_lossy().into_owned(),
            _ => ".".to_string(),
        };
        (st, At::Contents { dir, top })
    } else {
        let (parent_rel, name) = rootview::split_path(path);
        let name = name.ok_or_else(|| Error::Invalid(format!("{container}:{path}: not a path")))?;
        let parent = rootview::open_in_root(root, &parent_rel, dir_flags).map_err(gone)?;
        let st = fstatat(&parent, name.as_os_str(), AtFlags::AT_SYMLINK_NOFOLLOW).map_err(gone)?;
        (st, At::Entry { parent, name })
    };
    let name = if rel.as_os_str().is_empty() && !path.ends_with("/.") {
        "/".to_string()
    } else if path.ends_with("/.") {
        ".".to_string()
    } else {
        rel.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "/".to_string())
    };
    let link_target = match &at {
        At::Entry { parent, name } if st.st_mode & libc::S_IFMT == libc::S_IFLNK => link_target(root, parent, name, &rel),
        _ => String::new(),
    };
    let mtime = chrono::DateTime::from_timestamp(st.st_mtime, st.st_mtime_nsec.clamp(0, 999_999_999) as u32)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true))
        .unwrap_or_default();
    let stat = PathStat { name, size: st.st_size, mode: go_mode(st.st_mode), mtime, link_target };
    Ok((stat, at))
}

/// Where a symlink leads, resolved inside the root as docker reports it
/// (absolute); a dangling link's target as written, made absolute.
fn link_target(root: &OwnedFd, parent: &OwnedFd, name: &OsStr, rel: &Path) -> String {
    let proc_path = |fd: &OwnedFd| fs::read_link(format!("/proc/self/fd/{}", fd.as_raw_fd())).ok();
    if let Ok(target) = rootview::open_in_root(root, rel, OFlag::O_PATH) {
        if let (Some(r), Some(t)) = (proc_path(root), proc_path(&target)) {
            if let Ok(inside) = t.strip_prefix(&r) {
                return Path::new("/").join(inside).display().to_string();
            }
        }
    }
    let Ok(written) = nix::fcntl::readlinkat(parent, name) else { return String::new() };
    let written = PathBuf::from(written);
    let joined = if written.is_absolute() { written } else { rel.parent().map(Path::to_path_buf).unwrap_or_default().join(written) };
    Path::new("/").join(rootview::normalize(&joined.to_string_lossy())).display().to_string()
}

/// The container's settled record and the engine to reach its files with.
fn open(engine: &Engine, container: &str) -> Result<(sangja_container::record::Container, Engine)> {
    let store = ContainerStore::new(&engine.paths);
    let c = store.lookup(container)?.settled(&store)?;
    let engine = rootview::engine_for(engine, &c)?;
    Ok((c, engine))
}

/// `HEAD /containers/{id}/archive?path=`: docker's stat of a container
/// path (NotFound when it is missing). Forks: call single-threaded.
pub fn stat(engine: &Engine, container: &str, path: &str) -> Result<PathStat> {
    let (c, engine) = open(engine, container)?;
    let source = Source::container(&engine, &c)?;
    let (r, w) = nix::unistd::pipe2(OFlag::O_CLOEXEC).map_err(|e| Error::Runtime(format!("create a pipe: {}", e.desc())))?;
    let done = rootview::with_root(&engine, &source, |root| {
        let (st, _) = resolve(root, path, &c.config.name)?;
        let json = serde_json::to_vec(&st).map_err(|e| Error::Internal(format!("the stat of {path}: {e}")))?;
        fs::File::from(w.try_clone().ctx(|| "duplicate a pipe".to_string())?).write_all(&json).ctx(|| "answer the stat".to_string())
    });
    drop(w);
    done?;
    let mut json = Vec::new();
    fs::File::from(r).read_to_end(&mut json).ctx(|| "read the stat".to_string())?;
    serde_json::from_slice(&json).map_err(|e| Error::Internal(format!("the stat of {path}: {e}")))
}

/// `GET /containers/{id}/archive?path=`: the tar of a container path, with
/// docker's names (see the module's comment), written to `out`; `on_stat`
/// is called with the path's stat before anything is written (docker sends
/// it as a header), in the forked helper. Forks: call single-threaded.
pub fn archive(engine: &Engine, container: &str, path: &str, out: fs::File, on_stat: &dyn Fn(&PathStat)) -> Result<()> {
    let (c, engine) = open(engine, container)?;
    let source = Source::container(&engine, &c)?;
    // Owners as the container has them, as `cp CTR:PATH -` writes them.
    let maps = rootview::owners_back(&engine, &c, &source);
    let back = maps.as_ref().map(IdOwners::to_container);
    let owners = back.as_ref().map(|f| f as OwnerMap);
    let what = format!("{}:{}", c.config.name, path);
    rootview::with_root(&engine, &source, |root| {
        let (st, at) = resolve(root, path, &c.config.name)?;
        on_stat(&st);
        let out = std::io::BufWriter::with_capacity(256 * 1024, out);
        let shown = Path::new(&what);
        let flushed = match at {
            At::Entry { parent, name } => tree::write_tar_entry(out, &parent, &name, shown, owners)?.flush(),
            At::Contents { dir, top } => tree::write_tar_entry(Rebase::new(out, &top), &dir, OsStr::new("."), shown, owners)?
                .into_inner()
                .and_then(|mut w| w.flush()),
        };
        flushed.ctx(|| format!("write the archive of {what}"))
    })
}

/// A tar stream passed through with every entry's name (and a hard link's
/// target) put under `top`: `x` -> `top/x`, `.` -> `top/`. Names are
/// written raw (a GNU long-name entry when over 100 bytes): the tar crate
/// drops a leading `./`, which docker's CLI needs to rename `DIR/.`'s entries.
struct Rebase<W: Write> {
    out: W,
    top: Vec<u8>,
    /// The header being read.
    block: Vec<u8>,
    /// Data bytes (with padding) to pass through unchanged.
    data_left: u64,
    /// A GNU long name/link or PAX header's data being read: (type, size, bytes left, data).
    capture: Option<(u8, usize, u64, Vec<u8>)>,
    /// PAX headers with their data, written before the entry they describe.
    pending: Vec<u8>,
    long_name: Option<Vec<u8>>,
    long_link: Option<Vec<u8>>,
}

fn padded(size: u64) -> u64 {
    size.div_ceil(512) * 512
}

impl<W: Write> Rebase<W> {
    fn new(out: W, top: &str) -> Rebase<W> {
        Rebase {
            out,
            top: top.as_bytes().to_vec(),
            block: Vec::with_capacity(512),
            data_left: 0,
            capture: None,
            pending: Vec::new(),
            long_name: None,
            long_link: None,
        }
    }

    fn into_inner(self) -> std::io::Result<W> {
        Ok(self.out)
    }

    /// `name` under `top`.
    fn rebased(&self, name: &[u8]) -> Vec<u8> {
        let mut rest = name;
        while let Some(r) = rest.strip_prefix(b"./") {
            rest = r;
        }
        if rest == b"." {
            rest = b"";
        }
        let mut out = self.top.clone();
        out.push(b'/');
        out.extend_from_slice(rest);
        out
    }

    /// A GNU long name ('L') or long link ('K') entry holding `value`.
    fn long_entry(&mut self, kind: u8, value: &[u8]) -> std::io::Result<()> {
        let mut h = tar::Header::new_gnu();
        if let Some(g) = h.as_gnu_mut() {
            g.name[..13].copy_from_slice(b"././@LongLink");
        }
        h.set_mode(0o644);
        h.set_uid(0);
        h.set_gid(0);
        h.set_mtime(0);
        h.set_size(value.len() as u64 + 1);
        h.set_entry_type(tar::EntryType::new(kind));
        h.set_cksum();
        self.out.write_all(h.as_bytes())?;
        let mut data = value.to_vec();
        data.push(0);
        data.resize(padded(data.len() as u64) as usize, 0);
        self.out.write_all(&data)
    }

    /// A field's bytes up to the first NUL.
    fn field(f: &[u8]) -> Vec<u8> {
        f.iter().take_while(|b| **b != 0).copied().collect()
    }

    fn header(&mut self, block: Vec<u8>) -> std::io::Result<()> {
        if block.iter().all(|b| *b == 0) {
            return self.out.write_all(&block);
        }
        let mut h = tar::Header::from_byte_slice(&block).clone();
        let size = h.entry_size()?;
        let kind = block[156];
        if matches!(kind, b'L' | b'K' | b'x' | b'g') {
            if matches!(kind, b'x' | b'g') {
                self.pending.extend_from_slice(&block);
            }
            self.capture = Some((kind, size as usize, padded(size), Vec::new()));
            if size == 0 {
                self.end_capture();
            }
            return Ok(());
        }
        let mut name = match self.long_name.take() {
            Some(n) => n,
            None => Self::field(&h.as_old().name),
        };
        if let Some(u) = h.as_ustar_mut() {
            let prefix = Self::field(&u.prefix);
            if !prefix.is_empty() {
                name = [prefix, b"/".to_vec(), name].concat();
            }
            u.prefix = [0; 155];
        }
        let new_name = self.rebased(&name);
        let pending = std::mem::take(&mut self.pending);
        self.out.write_all(&pending)?;
        if new_name.len() > 100 {
            self.long_entry(b'L', &new_name)?;
        }
        let mut field = [0u8; 100];
        let n = new_name.len().min(100);
        field[..n].copy_from_slice(&new_name[..n]);
        h.as_old_mut().name = field;
        let link = match self.long_link.take() {
            Some(l) => Some(l),
            None if kind == b'1' => Some(Self::field(&h.as_old().linkname)),
            None => None,
        };
        if let Some(link) = link {
            let link = if kind == b'1' { self.rebased(&link) } else { link };
            if link.len() > 100 {
                self.long_entry(b'K', &link)?;
            }
            let mut field = [0u8; 100];
            let n = link.len().min(100);
            field[..n].copy_from_slice(&link[..n]);
            h.as_old_mut().linkname = field;
        }
        h.set_cksum();
        self.out.write_all(h.as_bytes())?;
        self.data_left = padded(size);
        Ok(())
    }

    fn end_capture(&mut self) {
        let Some((kind, size, _, data)) = self.capture.take() else { return };
        match kind {
            b'L' => self.long_name = Some(Self::field(&data[..size.min(data.len())])),
            b'K' => self.long_link = Some(Self::field(&data[..size.min(data.len())])),
            _ => self.pending.extend_from_slice(&data),
        }
    }
}

impl<W: Write> Write for Rebase<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let mut i = 0;
        while i < buf.len() {
            let left = &buf[i..];
            if self.data_left > 0 {
                let n = (self.data_left.min(left.len() as u64)) as usize;
                self.out.write_all(&left[..n])?;
                self.data_left -= n as u64;
                i += n;
            } else if let Some((_, _, cap_left, data)) = &mut self.capture {
                let n = ((*cap_left).min(left.len() as u64)) as usize;
                data.extend_from_slice(&left[..n]);
                *cap_left -= n as u64;
                i += n;
                if *cap_left == 0 {
                    self.end_capture();
                }
            } else {
                let n = (512 - self.block.len()).min(left.len());
                self.block.extend_from_slice(&left[..n]);
                i += n;
                if self.block.len() == 512 {
                    let block = std::mem::replace(&mut self.block, Vec::with_capacity(512));
                    self.header(block)?;
                }
            }
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_modes() {
        assert_eq!(go_mode(libc::S_IFREG | 0o644), 0o644);
        assert_eq!(go_mode(libc::S_IFDIR | 0o755), (1 << 31) | 0o755);
        assert_eq!(go_mode(libc::S_IFLNK | 0o777), (1 << 27) | 0o777);
        assert_eq!(go_mode(libc::S_IFCHR | 0o666), (1 << 26) | (1 << 21) | 0o666);
        assert_eq!(go_mode(libc::S_IFREG | libc::S_ISUID | 0o755), (1 << 23) | 0o755);
        assert_eq!(go_mode(libc::S_IFDIR | libc::S_ISVTX | 0o777), (1 << 31) | (1 << 20) | 0o777);
    }

    fn names_of(tar_bytes: &[u8]) -> Vec<(String, String)> {
        let mut a = tar::Archive::new(tar_bytes);
        a.entries()
            .unwrap()
            .map(|e| {
                let e = e.unwrap();
                let link = e.link_name_bytes().map(|l| String::from_utf8_lossy(&l).into_owned()).unwrap_or_default();
                (String::from_utf8_lossy(&e.path_bytes()).into_owned(), link)
            })
            .collect()
    }

    #[test]
    fn rebase_puts_every_name_under_top() {
        let mut b = tar::Builder::new(Vec::new());
        let mut dir = tar::Header::new_gnu();
        dir.set_entry_type(tar::EntryType::Directory);
        dir.set_mode(0o755);
        dir.set_size(0);
        b.append_data(&mut dir.clone(), ".", std::io::empty()).unwrap();
        let mut f = tar::Header::new_gnu();
        f.set_mode(0o644);
        f.set_size(5);
        b.append_data(&mut f.clone(), "hosts.allow", &b"hello"[..]).unwrap();
        let long = format!("{}/file.txt", "d".repeat(120));
        b.append_data(&mut f.clone(), &long, &b"world"[..]).unwrap();
        let mut l = tar::Header::new_gnu();
        l.set_entry_type(tar::EntryType::Link);
        l.set_size(0);
        b.append_link(&mut l, "again", "hosts.allow").unwrap();
        let mut s = tar::Header::new_gnu();
        s.set_entry_type(tar::EntryType::Symlink);
        s.set_size(0);
        b.append_link(&mut s, "link", "hosts.allow").unwrap();
        let plain = b.into_inner().unwrap();

        let mut w = Rebase::new(Vec::new(), ".");
        // Odd chunk sizes: headers and data split across writes.
        for chunk in plain.chunks(77) {
            w.write_all(chunk).unwrap();
        }
        let out = w.into_inner().unwrap();
        let names = names_of(&out);
        assert_eq!(names[0].0, "./");
        assert_eq!(names[1].0, "./hosts.allow");
        assert_eq!(names[2].0, format!("./{long}"));
        assert_eq!(names[3], ("./again".to_string(), "./hosts.allow".to_string()), "a hard link's target moves with it");
        assert_eq!(names[4], ("./link".to_string(), "hosts.allow".to_string()), "a symlink's target does not");
        // The data is intact.
        let mut a = tar::Archive::new(&out[..]);
        let mut e = a.entries().unwrap().nth(2).unwrap().unwrap();
        let mut body = String::new();
        e.read_to_string(&mut body).unwrap();
        assert_eq!(body, "world");

        let mut w = Rebase::new(Vec::new(), "etc");
        w.write_all(&plain).unwrap();
        let names = names_of(&w.into_inner().unwrap());
        assert_eq!((names[0].0.as_str(), names[1].0.as_str()), ("etc/", "etc/hosts.allow"));
    }
}
