//! Tar extraction into a layer folder that can serve as an overlay lowerdir.
//!
//! Every path is resolved by us, one component at a time from a directory fd
//! of the target, with O_NOFOLLOW: a parent that is a symlink is refused
//! rather than followed, so no entry (nor its metadata) can land outside the
//! target. Names are always single components, so the *at calls never see an
//! absolute path (which would make them ignore the dir fd).

use super::budget::SizeBudget;
use super::layers::ExtractOptions;
use super::tarsplit::SplitHandle;
use crate::error::{Error, IoContext, Result};
use nix::errno::Errno;
use nix::fcntl::{openat, AtFlags, OFlag};
use nix::sys::stat::{
    fchmod, fchmodat, fstatat, futimens, makedev, mkdirat, mknodat, utimensat, FchmodatFlags, Mode, SFlag, UtimensatFlags,
};
use nix::sys::time::TimeSpec;
use nix::unistd::{fchown, fchownat, linkat, mkfifoat, symlinkat, unlinkat, Gid, Uid, UnlinkatFlags};
use std::collections::BTreeMap;
use std::ffi::{CString, OsStr, OsString};
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::os::fd::{AsFd, AsRawFd, OwnedFd};
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::{Path, PathBuf};
use std::rc::Rc;
use tar::EntryType;

const WHITEOUT_PREFIX: &[u8] = b".wh.";
const WHITEOUT_META_PREFIX: &[u8] = b".wh..wh.";
const WHITEOUT_OPAQUE: &[u8] = b".wh..wh..opq";

/// xattr name prefixes overlayfs reserves for its own bookkeeping (opaque
/// dirs, redirects, origins, metacopy). A layer that carries them could hide
/// or redirect the files of the layers below it, so they are dropped on
/// extraction, as containers/storage does (archive.ShouldIncludeArchiveXattr);
/// the one overlay xattr a layer may set, opaque, comes from `.wh..wh..opq`.
const OVERLAY_XATTR_PREFIXES: [&[u8]; 2] = [b"trusted.overlay.", b"user.overlay."];

/// Whether an xattr from a layer may be written (see OVERLAY_XATTR_PREFIXES).
/// security.capability and the rest are kept, as podman keeps them.
pub fn layer_xattr_allowed(name: &[u8]) -> bool {
    !OVERLAY_XATTR_PREFIXES.iter().any(|p| name.starts_with(p))
}

/// Extracts an uncompressed tar stream into `target`, converting OCI
/// whiteouts to overlay whiteouts and refusing entries that escape `target`.
/// Returns the total bytes of regular file content written.
pub fn extract_tar<R: Read>(reader: R, target: &Path, opts: &ExtractOptions) -> Result<u64> {
    extract_tar_within(reader, target, opts, &SizeBudget::new(None))
}

/// `extract_tar`, charging sparse holes to `budget` (whose reader the caller
/// wraps around `reader` to charge the stream itself).
pub fn extract_tar_within<R: Read>(reader: R, target: &Path, opts: &ExtractOptions, budget: &SizeBudget) -> Result<u64> {
    std::fs::create_dir_all(target).path_ctx("create", target)?;
    let root = openat(nix::fcntl::AT_FDCWD, target, dir_flags(), Mode::empty()).path_ctx("open", target)?;
    extract(reader, root, target, opts, true, budget, None)
}

/// `extract_tar_within`, recording the tar-split of the stream (tarsplit.rs);
/// `reader` must be the `SplitReader` that feeds `split`.
pub(crate) fn extract_tar_split<R: Read>(
    reader: R,
    target: &Path,
    opts: &ExtractOptions,
    budget: &SizeBudget,
    split: SplitHandle,
) -> Result<u64> {
    std::fs::create_dir_all(target).path_ctx("create", target)?;
    let root = openat(nix::fcntl::AT_FDCWD, target, dir_flags(), Mode::empty()).path_ctx("open", target)?;
    extract(reader, root, target, opts, true, budget, Some(split))
}

/// Extracts a tar stream into the open folder `dir` as it is (`cp - CTR:DIR`):
/// `.wh.` names stay ordinary files there, as docker's cp keeps them; the
/// same rules keep every entry inside `dir`. `target` is `dir`'s path for
/// messages and for removing a tree an entry replaces.
pub fn extract_tar_plain<R: Read>(reader: R, dir: OwnedFd, target: &Path, opts: &ExtractOptions) -> Result<u64> {
    extract(reader, dir, target, opts, false, &SizeBudget::new(None), None)
}

fn extract<R: Read>(
    reader: R,
    root: OwnedFd,
    target: &Path,
    opts: &ExtractOptions,
    whiteouts: bool,
    budget: &SizeBudget,
    split: Option<SplitHandle>,
) -> Result<u64> {
    let mut ex = Extractor {
        split,
        root,
        budget,
        target,
        opts,
        whiteouts,
        dirs: BTreeMap::new(),
        stack: Vec::new(),
        buf: vec![0u8; 256 * 1024],
        total: 0,
        own: (nix::unistd::geteuid().as_raw(), nix::unistd::getegid().as_raw()),
        umask: current_umask(),
    };
    let mut archive = tar::Archive::new(reader);
    let entries = archive.entries().ctx(stream_what)?;
    for entry in entries {
        let mut entry = entry.ctx(stream_what)?;
        ex.entry(&mut entry)?;
    }
    ex.finish()?;
    Ok(ex.total)
}

fn stream_what() -> String {
    "read the layer's tar stream".to_string()
}

fn dir_flags() -> OFlag {
    OFlag::O_RDONLY | OFlag::O_DIRECTORY | OFlag::O_NOFOLLOW | OFlag::O_CLOEXEC
}

/// Owner, mode, time and xattrs of an entry.
struct Meta {
    mode: u32,
    uid: u32,
    gid: u32,
    mtime: TimeSpec,
    xattrs: Vec<(CString, Vec<u8>)>,
    /// PAX sparse (GNU format 1.0) records, when the entry is such a file.
    sparse: Option<PaxSparse>,
}

/// A PAX 1.0 sparse file (what GNU tar --format=pax --sparse writes): the
/// entry's data starts with its map (decimal lines: count, then offset and
/// size of each data block, padded to 512 bytes), then the blocks.
#[derive(Debug, Clone, Default)]
struct PaxSparse {
    name: Option<Vec<u8>>,
    realsize: Option<u64>,
}

struct Extractor<'a> {
    /// The tar-split being recorded (layers only).
    split: Option<SplitHandle>,
    root: OwnedFd,
    budget: &'a SizeBudget,
    target: &'a Path,
    opts: &'a ExtractOptions,
    /// Layer tars: `.wh.` entries become overlay whiteouts and opaque dirs.
    whiteouts: bool,
    /// Directory metadata, applied after all entries: writing children changes a dir's
    /// mtime, and a 0555 dir must stay writable while it is being filled.
    dirs: BTreeMap<Vec<OsString>, Meta>,
    /// The folders of the last parent resolved, root first: tar entries come
    /// grouped by folder, and a new folder usually shares all but its last
    /// component with the previous one, so only that one is opened.
    stack: Vec<(OsString, Rc<OwnedFd>)>,
    buf: Vec<u8>,
    total: u64,
    /// Our own ids and umask: a new file already has the owner and (masked)
    /// mode most entries ask for, so fchown/fchmod are skipped then — two of
    /// the ~7 metadata syscalls per file, on a pull of thousands of files.
    own: (u32, u32),
    umask: u32,
}

/// The process umask, read without changing it (umask(2) would race with
/// other threads creating files).
fn current_umask() -> u32 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find_map(|l| l.strip_prefix("Umask:").map(|v| v.trim().to_string())))
        .and_then(|v| u32::from_str_radix(&v, 8).ok())
        .unwrap_or(0o022)
}

/// Splits an entry name into components, dropping "", "." and a leading "/"
/// and folding "..": `None` if ".." climbs above the root.
fn normalize(raw: &[u8]) -> Option<Vec<OsString>> {
    let mut out: Vec<OsString> = Vec::new();
    for part in raw.split(|b| *b == b'/') {
        match part {
            b"" | b"." => {}
            b".." => {
                out.pop()?;
            }
            name => out.push(OsString::from_vec(name.to_vec())),
        }
    }
    Some(out)
}

/// An entry's path under the layer root as the tar-split records it.
fn comps_bytes(comps: &[OsString]) -> Vec<u8> {
    let mut out = Vec::new();
    for (i, c) in comps.iter().enumerate() {
        if i > 0 {
            out.push(b'/');
        }
        out.extend_from_slice(c.as_bytes());
    }
    out
}

fn rel_path(comps: &[OsString]) -> PathBuf {
    comps.iter().collect()
}

fn bad(shown: &str, why: impl std::fmt::Display) -> Error {
    Error::Layer(format!("layer entry \"{shown}\": {why}; refusing the layer"))
}

fn is_dir(mode: u32) -> bool {
    mode & libc::S_IFMT == libc::S_IFDIR
}

impl Extractor<'_> {
    fn entry<R: Read>(&mut self, entry: &mut tar::Entry<R>) -> Result<()> {
        let kind = entry.header().entry_type();
        if matches!(kind, EntryType::XGlobalHeader | EntryType::XHeader | EntryType::GNULongName | EntryType::GNULongLink) {
            return Ok(());
        }
        let header_name = entry.path_bytes().into_owned();
        let meta = read_meta(entry, &String::from_utf8_lossy(&header_name))?;
        // A PAX 1.0 sparse file is stored as GNUSparseFile.N/NAME; its real name is a PAX record.
        let raw = match meta.sparse.as_ref().and_then(|s| s.name.clone()) {
            Some(real) => real,
            None => header_name,
        };
        let shown = String::from_utf8_lossy(&raw).into_owned();
        // Pre-POSIX tars mark folders only by a trailing slash on a regular entry.
        let kind = if kind == EntryType::Regular && raw.ends_with(b"/") { EntryType::Directory } else { kind };
        let comps = normalize(&raw).ok_or_else(|| bad(&shown, "its path climbs out of the layer with \"..\""))?;

        let Some((name, parent_comps)) = comps.split_last() else {
            if kind == EntryType::Directory {
                // A plain copy leaves the destination folder's own metadata alone.
                if self.whiteouts {
                    self.dirs.insert(Vec::new(), meta);
                }
                return Ok(());
            }
            return Err(bad(&shown, "a non-directory entry names the layer root"));
        };
        let name = name.clone();
        let parent = self.parent(parent_comps, &shown)?;

        let name_b = name.as_bytes();
        // A plain copy (cp) has no special names.
        if self.whiteouts {
            if name_b == WHITEOUT_OPAQUE {
                return self.set_opaque(&parent, &shown);
            }
            if name_b.starts_with(WHITEOUT_META_PREFIX) {
                // Other AUFS-era meta entries (.wh..wh.plnk, .wh..wh.aufs) mean nothing to overlay.
                return Ok(());
            }
            if let Some(hidden) = name_b.strip_prefix(WHITEOUT_PREFIX) {
                if hidden.is_empty() || hidden == b"." || hidden == b".." {
                    return Err(bad(&shown, "a whiteout must name a file"));
                }
                let hidden = OsStr::from_bytes(hidden);
                let mut hidden_comps = parent_comps.to_vec();
                hidden_comps.push(hidden.to_os_string());
                return self.whiteout(&parent, hidden, &hidden_comps, &shown);
            }
        }

        match kind {
            EntryType::Directory => {
                if !self.clear(&parent, &name, &comps, true)? {
                    mkdirat(&parent, name.as_os_str(), Mode::from_bits_truncate(0o755))
                        .path_ctx("create directory", &self.target.join(rel_path(&comps)))?;
                }
                self.dirs.insert(comps, meta);
                Ok(())
            }
            EntryType::Regular | EntryType::Continuous | EntryType::GNUSparse => self.file(entry, &parent, &name, &comps, &meta, &shown),
            EntryType::Symlink => {
                let link = entry.link_name_bytes().ok_or_else(|| bad(&shown, "symlink without a target"))?;
                let link = OsStr::from_bytes(&link).to_os_string();
                self.clear(&parent, &name, &comps, false)?;
                symlinkat(link.as_os_str(), &parent, name.as_os_str()).path_ctx("create symlink", &self.target.join(rel_path(&comps)))?;
                self.apply_at(&parent, &name, &comps, &meta, true, &shown)
            }
            EntryType::Link => self.hardlink(entry, &parent, &name, &comps, &shown),
            EntryType::Fifo => {
                self.clear(&parent, &name, &comps, false)?;
                mkfifoat(&parent, name.as_os_str(), Mode::from_bits_truncate(0o600))
                    .path_ctx("create fifo", &self.target.join(rel_path(&comps)))?;
                self.apply_at(&parent, &name, &comps, &meta, false, &shown)
            }
            EntryType::Char | EntryType::Block => {
                if self.opts.rootless {
                    // A user namespace cannot create device nodes; the runtime bind-mounts /dev.
                    return Ok(());
                }
                let h = entry.header();
                let major = h.device_major().ok().flatten().unwrap_or(0);
                let minor = h.device_minor().ok().flatten().unwrap_or(0);
                let sflag = if kind == EntryType::Char { SFlag::S_IFCHR } else { SFlag::S_IFBLK };
                self.clear(&parent, &name, &comps, false)?;
                mknodat(&parent, name.as_os_str(), sflag, Mode::from_bits_truncate(0o600), makedev(major.into(), minor.into()))
                    .path_ctx("create device node", &self.target.join(rel_path(&comps)))?;
                self.apply_at(&parent, &name, &comps, &meta, false, &shown)
            }
            // Unknown types (volume labels, vendor extensions) carry nothing a rootfs needs.
            _ => Ok(()),
        }
    }

    /// Opens the directory `comps` under the root, creating missing ones, refusing symlinks.
    fn parent(&mut self, comps: &[OsString], shown: &str) -> Result<Rc<OwnedFd>> {
        self.walk(comps, true, shown)
    }

    /// Opens the folder `comps`, reusing the open folders it shares with the
    /// previous walk.
    fn walk(&mut self, comps: &[OsString], create: bool, shown: &str) -> Result<Rc<OwnedFd>> {
        let common = self.stack.iter().zip(comps).take_while(|((open, _), c)| open == *c).count();
        self.stack.truncate(common);
        for i in common..comps.len() {
            let fd = match self.stack.last() {
                Some((_, dir)) => self.open_child(dir, comps, i, create, shown)?,
                None => self.open_child(&self.root, comps, i, create, shown)?,
            };
            self.stack.push((comps[i].clone(), Rc::new(fd)));
        }
        match self.stack.last() {
            Some((_, fd)) => Ok(fd.clone()),
            None => Ok(Rc::new(self.root.try_clone().path_ctx("duplicate descriptor of", self.target)?)),
        }
    }

    /// Opens component `i` of `comps` in `fd` (its parent), refusing symlinks.
    fn open_child(&self, fd: &OwnedFd, comps: &[OsString], i: usize, create: bool, shown: &str) -> Result<OwnedFd> {
        let c = &comps[i];
        {
            let open = |dir: &OwnedFd| openat(dir, c.as_os_str(), dir_flags(), Mode::empty());
            let next = match open(fd) {
                Err(Errno::ENOENT) if create => {
                    // Image tars often omit parent folders; docker creates them 0755 root-owned too.
                    match mkdirat(fd, c.as_os_str(), Mode::from_bits_truncate(0o755)) {
                        Ok(()) | Err(Errno::EEXIST) => {}
                        Err(e) => return Err(e).path_ctx("create directory", &self.target.join(rel_path(&comps[..=i]))),
                    }
                    open(fd)
                }
                r => r,
            };
            match next {
                Ok(f) => Ok(f),
                Err(Errno::ELOOP | Errno::ENOTDIR) => {
                    // O_NOFOLLOW|O_DIRECTORY gives ENOTDIR for a symlink too: tell them apart.
                    let link =
                        fstatat(fd, c.as_os_str(), AtFlags::AT_SYMLINK_NOFOLLOW).is_ok_and(|st| st.st_mode & libc::S_IFMT == libc::S_IFLNK);
                    let what = if link { "a symlink" } else { "not a directory" };
                    Err(bad(shown, format_args!("its parent \"{}\" is {what}", rel_path(&comps[..=i]).display())))
                }
                Err(e) => Err(e).path_ctx("open", &self.target.join(rel_path(&comps[..=i]))),
            }
        }
    }

    /// Removes whatever is at `name` so a later entry can replace it; keeps an
    /// existing directory when `keep_dir` (a dir entry never replaces a dir).
    /// Returns whether a directory was kept.
    fn clear(&mut self, parent: &OwnedFd, name: &OsStr, comps: &[OsString], keep_dir: bool) -> Result<bool> {
        let path = self.target.join(rel_path(comps));
        let st = match fstatat(parent, name, AtFlags::AT_SYMLINK_NOFOLLOW) {
            Ok(st) => st,
            Err(Errno::ENOENT) => return Ok(false),
            Err(e) => return Err(e).path_ctx("inspect", &path),
        };
        // keep_dir is what a directory entry asks: the entry's own kind.
        if self.opts.keep_kinds && is_dir(st.st_mode) != keep_dir {
            let shown = self.target.join(rel_path(comps));
            return Err(Error::Invalid(if keep_dir {
                format!("cannot overwrite non-directory {:?} with directory", shown.display().to_string())
            } else {
                format!("cannot overwrite directory {:?} with non-directory", shown.display().to_string())
            }));
        }
        if let Some(split) = &self.split {
            let keep_dir_here = keep_dir && is_dir(st.st_mode);
            if !keep_dir_here && split.borrow_mut().keep_before_remove(parent, name, &comps_bytes(comps), is_dir(st.st_mode))? {
                // Its content is part of the layer's tar: moved to the stash, not deleted.
                if is_dir(st.st_mode) {
                    self.stack.clear();
                    self.dirs.retain(|k, _| !k.starts_with(comps));
                }
                return Ok(false);
            }
        }
        if is_dir(st.st_mode) {
            if keep_dir {
                return Ok(true);
            }
            self.stack.clear();
            self.dirs.retain(|k, _| !k.starts_with(comps));
            // From the parent fd, never by path: the target may be a running
            // container's folder (`cp - CTR:DIR`) whose parents it can swap
            // for a symlink out between our open and a path walk.
            super::tree::remove_at(parent.as_fd(), name, &path)?;
        } else {
            unlinkat(parent, name, UnlinkatFlags::NoRemoveDir).path_ctx("remove", &path)?;
        }
        Ok(false)
    }

    fn file<R: Read>(
        &mut self,
        entry: &mut tar::Entry<R>,
        parent: &OwnedFd,
        name: &OsStr,
        comps: &[OsString],
        meta: &Meta,
        shown: &str,
    ) -> Result<()> {
        let path = self.target.join(rel_path(comps));
        let sparse = entry.header().entry_type() == EntryType::GNUSparse;
        if sparse {
            // The holes are charged at their apparent size before anything is
            // written: the data blocks are charged as the stream is read, and
            // a hole larger than the limit is refused at once, not after
            // minutes of walking its zeros.
            let stored = entry.header().entry_size().unwrap_or(0);
            let holes = entry.size().saturating_sub(stored);
            if !self.budget.charge(holes) {
                return Err(bad(shown, format_args!("its sparse size of {} bytes is past the layer size limit", entry.size())));
            }
        }
        let flags = OFlag::O_WRONLY | OFlag::O_CREAT | OFlag::O_EXCL | OFlag::O_NOFOLLOW | OFlag::O_CLOEXEC;
        // Created with its final permission bits (the data is ours alone until
        // the layer is published), so most files need no fchmod.
        let create_mode = Mode::from_bits_truncate(meta.mode & 0o777);
        let fd = match openat(parent, name, flags, create_mode) {
            // A later entry of the same name replaces the earlier one.
            Err(Errno::EEXIST) => {
                self.clear(parent, name, comps, false)?;
                openat(parent, name, flags, create_mode)
            }
            r => r,
        }
        .path_ctx("create", &path)?;
        let mut file = File::from(fd);
        if let Some(sp) = &meta.sparse {
            self.pax_sparse(entry, &mut file, sp.realsize.unwrap_or(0), &path, shown)?;
        }
        // The content of a plain file is read back from diff/ to rebuild the
        // tar; a sparse one's stream stays in the tar-split record as it is.
        let recorded = match &self.split {
            Some(split) if !sparse && meta.sparse.is_none() => {
                split.borrow_mut().begin_file(comps_bytes(comps));
                Some(split.clone())
            }
            _ => None,
        };
        // (A PAX sparse file was written whole just above.)
        while meta.sparse.is_none() {
            let n = match entry.read(&mut self.buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e).ctx(stream_what),
            };
            let chunk = self.buf.get(..n).unwrap_or_default();
            // A sparse entry's holes stay holes (as podman's, through Go's tar
            // seeking over them): zeros are skipped over, never written.
            if sparse && chunk.iter().fold(0u8, |a, b| a | b) == 0 {
                file.seek(SeekFrom::Current(n as i64)).path_ctx("seek in", &path)?;
            } else {
                file.write_all(chunk).path_ctx("write", &path)?;
            }
            self.total += n as u64;
        }
        if let Some(split) = recorded {
            split.borrow_mut().end_file();
        }
        if sparse {
            // A trailing hole was only seeked over: the length makes it part of the file.
            let end = file.stream_position().path_ctx("seek in", &path)?;
            file.set_len(end).path_ctx("set the size of", &path)?;
        }
        let owned = self.opts.squash_owners || (meta.uid, meta.gid) == self.own;
        let moded = meta.mode & 0o7777 == meta.mode & 0o777 & !self.umask;
        if owned && moded && meta.xattrs.is_empty() {
            return futimens(&file, &meta.mtime, &meta.mtime).ctx(|| format!("set times of layer entry \"{shown}\""));
        }
        apply_fd(&file, meta, shown, self.opts)
    }

    /// Writes a PAX 1.0 sparse file: reads its map, charges its holes to the
    /// budget, then writes each data block at its offset; the holes stay holes.
    fn pax_sparse<R: Read>(&mut self, entry: &mut tar::Entry<R>, file: &mut File, realsize: u64, path: &Path, shown: &str) -> Result<()> {
        let mut consumed = 0u64;
        let mut number = |entry: &mut tar::Entry<R>| -> Result<u64> {
            let mut digits = Vec::new();
            let mut b = [0u8; 1];
            loop {
                entry.read_exact(&mut b).ctx(stream_what)?;
                consumed += 1;
                match b[0] {
                    b'\n' => break,
                    d @ b'0'..=b'9' if digits.len() < 20 => digits.push(d),
                    _ => return Err(bad(shown, "its PAX sparse map is malformed")),
                }
            }
            std::str::from_utf8(&digits)
                .ok()
                .and_then(|t| t.parse::<u64>().ok())
                .ok_or_else(|| bad(shown, "its PAX sparse map is malformed"))
        };
        let count = number(entry)?;
        let mut blocks = Vec::new();
        let (mut end, mut data) = (0u64, 0u64);
        for _ in 0..count {
            let (off, len) = (number(entry)?, number(entry)?);
            let stop = off.checked_add(len).filter(|s| off >= end && *s <= realsize);
            let Some(stop) = stop else { return Err(bad(shown, "its PAX sparse map has overlapping or out-of-range blocks")) };
            end = stop;
            data += len;
            blocks.push((off, len));
        }
        let pad = (512 - consumed % 512) % 512;
        io::copy(&mut entry.by_ref().take(pad), &mut io::sink()).ctx(stream_what)?;
        if !self.budget.charge(realsize - data) {
            return Err(bad(shown, format_args!("its sparse size of {realsize} bytes is past the layer size limit")));
        }
        for (off, len) in blocks {
            file.seek(SeekFrom::Start(off)).path_ctx("seek in", path)?;
            let copied = io::copy(&mut entry.by_ref().take(len), file).path_ctx("write", path)?;
            if copied != len {
                return Err(bad(shown, "its PAX sparse data is shorter than its map"));
            }
            self.total += len;
        }
        file.set_len(realsize).path_ctx("set the size of", path)
    }

    fn hardlink<R: Read>(&mut self, entry: &tar::Entry<R>, parent: &OwnedFd, name: &OsStr, comps: &[OsString], shown: &str) -> Result<()> {
        let raw = entry.link_name_bytes().ok_or_else(|| bad(shown, "hardlink without a target"))?;
        let src = normalize(&raw).ok_or_else(|| bad(shown, "its hardlink target climbs out of the layer with \"..\""))?;
        let Some((src_name, src_parent)) = src.split_last() else {
            return Err(bad(shown, "a hardlink cannot point at the layer root"));
        };
        if src == comps {
            return Ok(());
        }
        let src_dir = self.walk(src_parent, false, shown).map_err(|e| match e {
            Error::Layer(_) => e,
            _ => bad(shown, format_args!("its hardlink target \"{}\" is not in the layer", rel_path(&src).display())),
        })?;
        match fstatat(&src_dir, src_name.as_os_str(), AtFlags::AT_SYMLINK_NOFOLLOW) {
            Ok(st) if is_dir(st.st_mode) => return Err(bad(shown, "a hardlink cannot point at a directory")),
            Ok(_) => {}
            Err(_) => return Err(bad(shown, format_args!("its hardlink target \"{}\" is not in the layer", rel_path(&src).display()))),
        }
        self.clear(parent, name, comps, false)?;
        // Flags empty: a source that is a symlink is linked itself, never followed.
        linkat(&src_dir, src_name.as_os_str(), parent, name, AtFlags::empty())
            .path_ctx("create hardlink", &self.target.join(rel_path(comps)))
    }

    /// OCI `.wh.<name>` becomes what overlayfs reads as a whiteout: a 0:0 char device.
    fn whiteout(&mut self, parent: &OwnedFd, name: &OsStr, comps: &[OsString], shown: &str) -> Result<()> {
        let path = self.target.join(rel_path(comps));
        self.clear(parent, name, comps, false)?;
        // Linux >= 5.8 allows this 0:0 node without CAP_MKNOD, so it works rootless too.
        mknodat(parent, name, SFlag::S_IFCHR, Mode::empty(), 0).map_err(|e| {
            Error::Layer(format!(
                "cannot create the overlay whiteout for layer entry \"{shown}\" at {}: {e} (rootless needs Linux 5.8 or newer)",
                path.display()
            ))
        })?;
        if !self.opts.squash_owners {
            fchownat(parent, name, Some(Uid::from_raw(0)), Some(Gid::from_raw(0)), AtFlags::AT_SYMLINK_NOFOLLOW)
                .map_err(|e| chown_error(e, 0, 0, shown))?;
        }
        Ok(())
    }

    fn set_opaque(&self, dir: &OwnedFd, shown: &str) -> Result<()> {
        // The rootless mount uses `userxattr`, which makes overlay read user.overlay.*.
        let key: &[u8] = if self.opts.rootless { b"user.overlay.opaque\0" } else { b"trusted.overlay.opaque\0" };
        // SAFETY: key is NUL-terminated, the value pointer/length describe a live slice.
        let rc = unsafe { libc::fsetxattr(dir.as_raw_fd(), key.as_ptr().cast(), b"y".as_ptr().cast(), 1, 0) };
        Errno::result(rc).map(drop).map_err(|e| {
            Error::Layer(format!(
                "cannot mark the folder of layer entry \"{shown}\" opaque ({}): {e}",
                String::from_utf8_lossy(key.strip_suffix(b"\0").unwrap_or(key))
            ))
        })
    }

    /// Owner, mode, xattrs and times of a node we have no fd for (symlink, fifo, device).
    fn apply_at(&self, parent: &OwnedFd, name: &OsStr, comps: &[OsString], m: &Meta, symlink: bool, shown: &str) -> Result<()> {
        let path = self.target.join(rel_path(comps));
        if !self.opts.squash_owners {
            fchownat(parent, name, Some(Uid::from_raw(m.uid)), Some(Gid::from_raw(m.gid)), AtFlags::AT_SYMLINK_NOFOLLOW)
                .map_err(|e| chown_error(e, m.uid, m.gid, shown))?;
        }
        if !symlink {
            // After chown, which clears setuid/setgid. Never following: in a
            // running container (`cp - CTR:DIR`) the node may have been
            // swapped for a symlink out since we made it.
            fchmodat(parent, name, Mode::from_bits_truncate(m.mode), FchmodatFlags::NoFollowSymlink).path_ctx("set mode of", &path)?;
        }
        if !m.xattrs.is_empty() {
            // lsetxattr through the parent's fd: only `name` is looked up
            // (and not followed), whereas the target's path could be walked
            // through a parent swapped for a symlink meanwhile.
            let mut p = format!("/proc/self/fd/{}/", parent.as_raw_fd()).into_bytes();
            p.extend_from_slice(name.as_bytes());
            let cpath = CString::new(p).map_err(|_| bad(shown, "its path contains a NUL byte"))?;
            for (k, v) in &m.xattrs {
                // SAFETY: both strings are NUL-terminated, the value slice is live.
                let rc = unsafe { libc::lsetxattr(cpath.as_ptr(), k.as_ptr(), v.as_ptr().cast(), v.len(), 0) };
                xattr_result(rc, k, shown, self.opts)?;
            }
        }
        utimensat(parent, name, &m.mtime, &m.mtime, UtimensatFlags::NoFollowSymlink).path_ctx("set times of", &path)
    }

    fn finish(&mut self) -> Result<()> {
        self.stack.clear();
        let dirs = std::mem::take(&mut self.dirs);
        // Deepest first, though any order works once all entries are written.
        for (comps, m) in dirs.iter().rev() {
            let shown = rel_path(comps).display().to_string();
            let fd = self.walk(comps, false, &shown)?;
            apply_fd(&fd, m, &shown, self.opts)?;
        }
        Ok(())
    }
}

/// Owner, mode, xattrs and times through an open fd (regular files, directories).
fn apply_fd(fd: &impl AsFd, m: &Meta, shown: &str, opts: &ExtractOptions) -> Result<()> {
    let what = || format!("set metadata of layer entry \"{shown}\"");
    if !opts.squash_owners {
        fchown(fd, Some(Uid::from_raw(m.uid)), Some(Gid::from_raw(m.gid))).map_err(|e| chown_error(e, m.uid, m.gid, shown))?;
    }
    // After chown, which clears setuid/setgid bits.
    fchmod(fd, Mode::from_bits_truncate(m.mode)).ctx(what)?;
    // After chown, which drops security.capability.
    for (k, v) in &m.xattrs {
        // SAFETY: the key is NUL-terminated, the value slice is live.
        let rc = unsafe { libc::fsetxattr(fd.as_fd().as_raw_fd(), k.as_ptr(), v.as_ptr().cast(), v.len(), 0) };
        xattr_result(rc, k, shown, opts)?;
    }
    futimens(fd, &m.mtime, &m.mtime).ctx(what)
}

fn xattr_result(rc: libc::c_int, key: &CString, shown: &str, opts: &ExtractOptions) -> Result<()> {
    let Err(e) = Errno::result(rc) else { return Ok(()) };
    let key = key.to_string_lossy();
    // A user namespace may not write security.* (without a mapped root) or trusted.*;
    // the image still runs without them, as it does under podman.
    let privileged = key.starts_with("security.") || key.starts_with("trusted.");
    if opts.rootless && privileged && matches!(e, Errno::EPERM | Errno::EOPNOTSUPP) {
        return Ok(());
    }
    Err(Error::Layer(format!("cannot set extended attribute {key} of layer entry \"{shown}\": {e}")))
}

fn chown_error(e: Errno, uid: u32, gid: u32, shown: &str) -> Error {
    if e == Errno::EINVAL {
        return Error::Layer(format!(
            "layer entry \"{shown}\" is owned by {uid}:{gid}, which is outside the subordinate id range of \
             this user namespace: give the user a bigger range in /etc/subuid and /etc/subgid (65536 ids, \
             e.g. `sudo usermod --add-subuids 100000-165535 --add-subgids 100000-165535 $USER`)"
        ));
    }
    Error::Io { what: format!("set owner {uid}:{gid} of layer entry \"{shown}\""), source: io::Error::from(e) }
}

fn read_meta<R: Read>(entry: &mut tar::Entry<R>, shown: &str) -> Result<Meta> {
    let h = entry.header();
    let mode = h.mode().map_err(|e| bad(shown, format_args!("bad mode field: {e}")))? & 0o7777;
    let uid = h.uid().map_err(|e| bad(shown, format_args!("bad uid field: {e}")))?;
    let gid = h.gid().map_err(|e| bad(shown, format_args!("bad gid field: {e}")))?;
    let uid = u32::try_from(uid).map_err(|_| bad(shown, format_args!("uid {uid} is too large")))?;
    let gid = u32::try_from(gid).map_err(|_| bad(shown, format_args!("gid {gid} is too large")))?;
    let secs = h.mtime().map(|t| i64::try_from(t).unwrap_or(i64::MAX)).unwrap_or(0);
    let mut mtime = TimeSpec::new(secs, 0);
    let mut xattrs = Vec::new();
    let (mut sparse, mut version) = (None::<PaxSparse>, (None, None));
    if let Some(exts) = entry.pax_extensions().ctx(stream_what)? {
        for ext in exts {
            let ext = ext.ctx(stream_what)?;
            let key = ext.key_bytes();
            if let Some(name) = key.strip_prefix(b"SCHILY.xattr.") {
                if !layer_xattr_allowed(name) {
                    continue;
                }
                let name = CString::new(name).map_err(|_| bad(shown, "an xattr name contains a NUL byte"))?;
                xattrs.push((name, ext.value_bytes().to_vec()));
            } else if let Some(k) = key.strip_prefix(b"GNU.sparse.") {
                let sp = sparse.get_or_insert_with(PaxSparse::default);
                let v = ext.value_bytes();
                let num = || std::str::from_utf8(v).ok().and_then(|t| t.trim().parse::<u64>().ok());
                match k {
                    b"major" => version.0 = num(),
                    b"minor" => version.1 = num(),
                    b"name" => sp.name = Some(v.to_vec()),
                    b"realsize" => sp.realsize = num(),
                    _ => {}
                }
            } else if key == b"mtime" {
                if let Some(t) = parse_pax_time(ext.value_bytes()) {
                    mtime = t;
                }
            }
        }
    }
    if sparse.is_some() && version != (Some(1), Some(0)) {
        // Formats 0.0 and 0.1 keep the map in PAX records; no current tool writes
        // them and extracting one as a plain file would give the wrong contents.
        return Err(bad(
            shown,
            "it uses a PAX sparse format older than 1.0, which sangja does not read; repack the layer \
             (GNU tar --format=gnu, or without --sparse)",
        ));
    }
    if sparse.as_ref().is_some_and(|s| s.realsize.is_none()) {
        return Err(bad(shown, "a PAX sparse file without GNU.sparse.realsize"));
    }
    Ok(Meta { mode, uid, gid, mtime, xattrs, sparse })
}

/// Parses a PAX time ("1700000000.25", "-3.5"); `None` if malformed.
fn parse_pax_time(v: &[u8]) -> Option<TimeSpec> {
    let s = std::str::from_utf8(v).ok()?.trim();
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    let neg = int.starts_with('-');
    let secs: i64 = int.parse().ok()?;
    if !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let digits: String = frac.chars().chain(std::iter::repeat('0')).take(9).collect();
    let nanos: i64 = digits.parse().ok()?;
    if neg && nanos > 0 {
        // -1.25 is 1.25 s before the epoch: -2 s + 0.75 s.
        return Some(TimeSpec::new(secs - 1, 1_000_000_000 - nanos));
    }
    Some(TimeSpec::new(secs, nanos))
}

#[cfg(test)]
#[path = "extract_tests.rs"]
mod unit;
