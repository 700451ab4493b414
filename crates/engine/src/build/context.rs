//! Where COPY and ADD read from, and the layer they write.
//!
//! A source tree is the build context (a folder, less what the ignore file
//! leaves out) or an image or earlier stage (`--from`): its layer folders
//! read top first, as overlayfs merges them (whiteouts hide, opaque folders
//! stop the lookup), so no container or mount is needed. COPY's layer is
//! written directly as a tar stream from the entries it copies.

use crate::error::{Error, IoContext, Result};
use sangja_build::ignore::{self, Matcher};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::fs;
use std::io::{Read, Write};
use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::path::{Path, PathBuf};

/// A tree COPY reads from.
pub enum Tree {
    /// The build context: a folder and its ignore patterns.
    Context { root: PathBuf, ignore: Matcher },
    /// An image's layer folders, top first.
    Layers(Vec<PathBuf>),
}

fn is_whiteout(m: &fs::Metadata) -> bool {
    m.file_type().is_char_device() && m.rdev() == 0
}

fn is_opaque(p: &Path) -> bool {
    let Ok(d) = sangja_storage::tree::open_dir(p) else { return false };
    sangja_storage::tree::is_opaque(std::os::fd::AsFd::as_fd(&d))
}

impl Tree {
    /// The host path and metadata of `rel` ("a/b", "" for the root), not following a last symlink.
    pub fn entry(&self, rel: &str) -> Option<(PathBuf, fs::Metadata)> {
        match self {
            Tree::Context { root, ignore } => {
                if !rel.is_empty() && ignore.excluded(rel) {
                    return None;
                }
                let p = if rel.is_empty() { root.clone() } else { root.join(rel) };
                fs::symlink_metadata(&p).ok().map(|m| (p, m))
            }
            Tree::Layers(dirs) => {
                let rel_path = Path::new(rel);
                for d in dirs {
                    let p = if rel.is_empty() { d.clone() } else { d.join(rel_path) };
                    if let Ok(m) = fs::symlink_metadata(&p) {
                        if is_whiteout(&m) {
                            return None;
                        }
                        return Some((p, m));
                    }
                    // A whiteout or an opaque parent in this layer hides the lower ones.
                    if let (Some(parent), Some(name)) = (rel_path.parent(), rel_path.file_name()) {
                        let mut wh = std::ffi::OsString::from(".wh.");
                        wh.push(name);
                        if d.join(parent).join(wh).exists() || is_opaque(&d.join(parent)) && d.join(parent).is_dir() {
                            return None;
                        }
                    }
                }
                None
            }
        }
    }

    /// The names in folder `rel`, sorted.
    pub fn children(&self, rel: &str) -> Vec<String> {
        let join = |n: &str| if rel.is_empty() { n.to_string() } else { format!("{rel}/{n}") };
        let mut names = std::collections::BTreeSet::new();
        match self {
            Tree::Context { root, ignore } => {
                let dir = if rel.is_empty() { root.clone() } else { root.join(rel) };
                for e in fs::read_dir(&dir).into_iter().flatten().flatten() {
                    let n = e.file_name().to_string_lossy().into_owned();
                    if !ignore.excluded(&join(&n)) {
                        names.insert(n);
                    }
                }
            }
            Tree::Layers(dirs) => {
                let mut hidden = std::collections::BTreeSet::new();
                for d in dirs {
                    let dir = if rel.is_empty() { d.clone() } else { d.join(rel) };
                    let Ok(rd) = fs::read_dir(&dir) else { continue };
                    for e in rd.flatten() {
                        let n = e.file_name().to_string_lossy().into_owned();
                        if let Some(h) = n.strip_prefix(".wh.") {
                            hidden.insert(h.to_string());
                            continue;
                        }
                        if hidden.contains(&n) {
                            continue;
                        }
                        if e.metadata().map(|m| is_whiteout(&m)).unwrap_or(false) {
                            hidden.insert(n);
                            continue;
                        }
                        names.insert(n);
                    }
                    if is_opaque(&dir) {
                        break;
                    }
                }
            }
        }
        names.into_iter().collect()
    }

    /// Every path in the tree (for globs), folders before what they hold.
    pub fn walk(&self, rel: &str, out: &mut Vec<String>, depth: usize) {
        if depth > 256 {
            return;
        }
        for n in self.children(rel) {
            let p = if rel.is_empty() { n } else { format!("{rel}/{n}") };
            let dir = self.entry(&p).is_some_and(|(_, m)| m.is_dir());
            out.push(p.clone());
            if dir {
                self.walk(&p, out, depth + 1);
            }
        }
    }

    /// Follows symlinks in the folders of `path` (absolute, in this tree),
    /// as a copy into it lands where they point (/bin -> usr/bin).
    pub fn resolve_dirs(&self, path: &str) -> String {
        let mut parts: Vec<String> = ignore::clean(path).split('/').filter(|s| !s.is_empty()).map(str::to_string).collect();
        let mut hops = 0;
        let mut i = 0;
        while i + 1 < parts.len() && hops < 32 {
            let prefix = parts[..=i].join("/");
            match self.entry(&prefix) {
                Some((p, m)) if m.file_type().is_symlink() => {
                    hops += 1;
                    let Ok(target) = fs::read_link(&p) else { break };
                    let t = target.to_string_lossy().into_owned();
                    let base = if t.starts_with('/') { t } else { format!("{}/{t}", parts[..i].join("/")) };
                    let mut new: Vec<String> = ignore::clean(&base).split('/').filter(|s| !s.is_empty()).map(str::to_string).collect();
                    new.extend_from_slice(&parts[i + 1..]);
                    parts = new;
                    i = 0;
                }
                _ => i += 1,
            }
        }
        parts.join("/")
    }
}

/// What one entry of COPY's layer is.
#[derive(Debug, Clone)]
pub enum Kind {
    File(PathBuf),
    Dir,
    Symlink(PathBuf),
}

/// One entry of COPY's layer, at `dest` (relative to /).
#[derive(Debug, Clone)]
pub struct Entry {
    pub kind: Kind,
    pub mode: u32,
    pub uid: u32,
    pub gid: u32,
    pub mtime: i64,
}

/// COPY's plan: the entries by destination (parents sort first), and tar
/// archives ADD unpacks at a destination.
#[derive(Debug, Default)]
pub struct Plan {
    pub entries: BTreeMap<String, Entry>,
    pub archives: Vec<(PathBuf, String)>,
    /// Paths the layer removes (`--squash`): `.wh.NAME` entries.
    pub whiteouts: Vec<String>,
}

/// --chown and --chmod of a COPY.
#[derive(Debug, Clone, Copy, Default)]
pub struct Attrs {
    pub owner: Option<(u32, u32)>,
    pub chmod: Option<u32>,
    /// Keep each entry's own owner (squashing layers), not root's.
    pub keep_owner: bool,
}

impl Plan {
    fn add(&mut self, dest: String, src: &Path, m: &fs::Metadata, attrs: Attrs) -> Result<()> {
        let kind = if m.is_dir() {
            Kind::Dir
        } else if m.file_type().is_symlink() {
            Kind::Symlink(fs::read_link(src).path_ctx("read the link", src)?)
        } else if m.is_file() {
            Kind::File(src.to_path_buf())
        } else {
            // Sockets, fifos and devices in a context are not copied (as docker).
            return Ok(());
        };
        if dest.is_empty() {
            return Ok(());
        }
        let (uid, gid) = match attrs.owner {
            Some(o) => o,
            None if attrs.keep_owner => (m.uid(), m.gid()),
            None => (0, 0),
        };
        let mode = match (&kind, attrs.chmod) {
            (Kind::Symlink(_), _) => 0o777,
            (_, Some(c)) => c,
            _ => m.mode() & 0o7777,
        };
        self.entries.insert(dest, Entry { kind, mode, uid, gid, mtime: m.mtime() });
        Ok(())
    }

    /// Copies `rel` of `tree` (a file, a link or a folder with what it holds) to `dest`.
    pub fn copy_tree(&mut self, tree: &Tree, rel: &str, dest: &str, attrs: Attrs, depth: usize) -> Result<()> {
        if depth > 512 {
            return Err(Error::Invalid(format!("{rel}: folders nested too deep to copy")));
        }
        let Some((host, m)) = tree.entry(rel) else {
            return Err(Error::NotFound(format!("{rel}: no such file or directory")));
        };
        self.add(dest.to_string(), &host, &m, attrs)?;
        if m.is_dir() {
            for n in tree.children(rel) {
                let r = if rel.is_empty() { n.clone() } else { format!("{rel}/{n}") };
                let d = if dest.is_empty() { n.clone() } else { format!("{dest}/{n}") };
                self.copy_tree(tree, &r, &d, attrs, depth + 1)?;
            }
        }
        Ok(())
    }

    /// One entry of `tree` (not what a folder holds), its owner kept.
    pub fn add_one(&mut self, tree: &Tree, rel: &str) -> Result<()> {
        let Some((host, m)) = tree.entry(rel) else { return Ok(()) };
        self.add(rel.to_string(), &host, &m, Attrs { keep_owner: true, ..Attrs::default() })
    }

    /// Copies the whole of `tree` keeping owners (`--squash-all`).
    pub fn copy_tree_keep(&mut self, tree: &Tree, rel: &str, dest: &str, depth: usize) -> Result<()> {
        self.copy_tree(tree, rel, dest, Attrs { keep_owner: true, ..Attrs::default() }, depth)
    }

    /// Adds the folders above each entry that the layer must carry: as the
    /// stage has them (same mode, owner and time, so the layer does not
    /// change them), or new ones (0755, owned as --chown says).
    pub fn add_parents(&mut self, stage: &Tree, attrs: Attrs) {
        let mut parents: Vec<String> = Vec::new();
        for k in self.entries.keys().chain(self.archives.iter().map(|(_, d)| d)) {
            let mut p = Path::new(k).parent();
            while let Some(dir) = p {
                let s = dir.to_string_lossy().into_owned();
                if s.is_empty() {
                    break;
                }
                parents.push(s);
                p = dir.parent();
            }
        }
        let now = chrono::Utc::now().timestamp();
        for d in parents {
            if self.entries.contains_key(&d) {
                continue;
            }
            let e = match stage.entry(&d) {
                Some((_, m)) if m.is_dir() => {
                    Entry { kind: Kind::Dir, mode: m.mode() & 0o7777, uid: m.uid(), gid: m.gid(), mtime: m.mtime() }
                }
                _ => {
                    let (uid, gid) = attrs.owner.unwrap_or((0, 0));
                    Entry { kind: Kind::Dir, mode: 0o755, uid, gid, mtime: now }
                }
            };
            self.entries.insert(d, e);
        }
    }

    /// The content digest of what this plan copies (the cache key's part;
    /// no mtimes), and its kind for the history line (file, dir, multi).
    pub fn digest(&self) -> Result<String> {
        let mut h = Sha256::new();
        for (dest, e) in &self.entries {
            let (t, extra) = match &e.kind {
                Kind::File(p) => ("f", file_digest(p)?),
                Kind::Dir => ("d", String::new()),
                Kind::Symlink(t) => ("l", t.to_string_lossy().into_owned()),
            };
            h.update(format!("{dest}\0{t}\0{:o}\0{}:{}\0{extra}\n", e.mode, e.uid, e.gid).as_bytes());
        }
        for (p, dest) in &self.archives {
            h.update(format!("archive\0{dest}\0{}\n", file_digest(p)?).as_bytes());
        }
        Ok(hex::encode(h.finalize()))
    }

    /// Writes the layer's tar stream.
    pub fn write_tar<W: Write>(&self, out: W) -> Result<W> {
        let mut b = tar::Builder::new(out);
        b.mode(tar::HeaderMode::Complete);
        for (dest, e) in &self.entries {
            let mut h = tar::Header::new_gnu();
            h.set_mode(e.mode);
            h.set_uid(e.uid as u64);
            h.set_gid(e.gid as u64);
            h.set_mtime(e.mtime.max(0) as u64);
            let werr = || format!("write {dest} to the layer");
            match &e.kind {
                Kind::Dir => {
                    h.set_entry_type(tar::EntryType::Directory);
                    h.set_size(0);
                    b.append_data(&mut h, format!("{dest}/"), std::io::empty()).ctx(werr)?;
                }
                Kind::Symlink(t) => {
                    h.set_entry_type(tar::EntryType::Symlink);
                    h.set_size(0);
                    b.append_link(&mut h, dest, t).ctx(werr)?;
                }
                Kind::File(p) => {
                    let f = fs::File::open(p).path_ctx("open", p)?;
                    let len = f.metadata().path_ctx("inspect", p)?.len();
                    h.set_entry_type(tar::EntryType::Regular);
                    h.set_size(len);
                    b.append_data(&mut h, dest, f.take(len)).ctx(werr)?;
                }
            }
        }
        for (archive, dest) in &self.archives {
            append_archive(&mut b, archive, dest)?;
        }
        for w in &self.whiteouts {
            let (dir, name) = w.rsplit_once('/').map(|(d, n)| (format!("{d}/"), n)).unwrap_or((String::new(), w.as_str()));
            let mut h = tar::Header::new_gnu();
            h.set_entry_type(tar::EntryType::Regular);
            h.set_mode(0o644);
            h.set_uid(0);
            h.set_gid(0);
            h.set_size(0);
            h.set_mtime(0);
            b.append_data(&mut h, format!("{dir}.wh.{name}"), std::io::empty()).ctx(|| format!("write the whiteout of {w}"))?;
        }
        b.into_inner().ctx(|| "finish the layer".to_string())
    }
}

fn file_digest(p: &Path) -> Result<String> {
    let mut f = fs::File::open(p).path_ctx("open", p)?;
    let mut h = Sha256::new();
    std::io::copy(&mut f, &mut h).path_ctx("read", p)?;
    Ok(hex::encode(h.finalize()))
}

/// Whether a local file is a tar archive ADD unpacks (plain, gzip or zstd).
pub fn is_archive(p: &Path) -> bool {
    let Ok(f) = fs::File::open(p) else { return false };
    let mut head = Vec::new();
    if f.take(512).read_to_end(&mut head).is_err() {
        return false;
    }
    if head.starts_with(&[0x1f, 0x8b]) || head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
        return true;
    }
    head.len() >= 262 && &head[257..262] == b"ustar"
}

fn decoder(p: &Path) -> Result<Box<dyn Read>> {
    let mut f = fs::File::open(p).path_ctx("open", p)?;
    let mut magic = [0u8; 4];
    let n = f.read(&mut magic).path_ctx("read", p)?;
    let f = fs::File::open(p).path_ctx("open", p)?;
    Ok(if n >= 2 && magic[..2] == [0x1f, 0x8b] {
        Box::new(flate2::read::MultiGzDecoder::new(f))
    } else if n == 4 && magic == [0x28, 0xb5, 0x2f, 0xfd] {
        Box::new(zstd::Decoder::new(f).path_ctx("read", p)?)
    } else {
        Box::new(f)
    })
}

/// ADD of a local archive: its entries, under `dest`, into the layer.
fn append_archive<W: Write>(b: &mut tar::Builder<W>, archive: &Path, dest: &str) -> Result<()> {
    let mut a = tar::Archive::new(decoder(archive)?);
    let rerr = || format!("read the archive {}", archive.display());
    for entry in a.entries().ctx(rerr)? {
        let mut entry = entry.ctx(rerr)?;
        let path = entry.path().ctx(rerr)?.to_string_lossy().into_owned();
        let rel = ignore::clean(&path);
        if rel.is_empty() && !entry.header().entry_type().is_dir() {
            continue;
        }
        if path.split('/').any(|c| c == "..") {
            return Err(Error::Invalid(format!("ADD {}: entry {path:?} leaves the destination", archive.display())));
        }
        let full = if rel.is_empty() { dest.to_string() } else { format!("{dest}/{rel}") };
        // A fresh header of what the entry says (an archive from outside may
        // leave fields empty that a layer must have).
        let src = entry.header();
        let typ = src.entry_type();
        let mut h = tar::Header::new_gnu();
        h.set_entry_type(typ);
        h.set_mode(src.mode().unwrap_or(0o644) & 0o7777);
        h.set_uid(src.uid().unwrap_or(0));
        h.set_gid(src.gid().unwrap_or(0));
        h.set_mtime(src.mtime().unwrap_or(0));
        h.set_size(if typ.is_file() { entry.size() } else { 0 });
        let werr = || format!("write {full} to the layer");
        if typ.is_hard_link() {
            let target = entry.link_name().ctx(rerr)?.map(|t| ignore::clean(&t.to_string_lossy())).unwrap_or_default();
            b.append_link(&mut h, &full, format!("{dest}/{target}")).ctx(werr)?;
        } else if typ.is_symlink() {
            let target = entry.link_name().ctx(rerr)?.map(|t| t.into_owned()).unwrap_or_default();
            b.append_link(&mut h, &full, target).ctx(werr)?;
        } else if typ.is_dir() {
            b.append_data(&mut h, format!("{full}/"), std::io::empty()).ctx(werr)?;
        } else if typ.is_file() {
            b.append_data(&mut h, &full, &mut entry).ctx(werr)?;
        }
    }
    Ok(())
}

/// A build context received as a tar stream (`build -`), unpacked in a
/// temp folder that goes when this is dropped.
pub struct Unpacked(pub PathBuf);

impl Drop for Unpacked {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
        // tmp/build/ goes when the last build's folder did (a busy one stays).
        if let Some(parent) = self.0.parent() {
            let _ = fs::remove_dir(parent);
        }
    }
}

/// The build's temp folders: tmp/build/ctx-PID-RANDOM. Not tmp/rm-*: the
/// layer store's sweep (run by every pull, a FROM's too) deletes those
/// whether their process lives or not.
fn build_tmp(tmp: &Path) -> PathBuf {
    tmp.join("build")
}

/// Removes the temp folders of builds whose process is gone (killed).
pub fn sweep_scratch(tmp: &Path) {
    let dir = build_tmp(tmp);
    for e in fs::read_dir(&dir).into_iter().flatten().flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let pid = name.split('-').nth(1).and_then(|p| p.parse::<u32>().ok());
        if pid.is_some_and(|p| p != std::process::id() && !Path::new(&format!("/proc/{p}")).exists()) {
            let _ = fs::remove_dir_all(e.path());
        }
    }
    let _ = fs::remove_dir(&dir);
}

/// A new temp folder under `tmp`, gone when the value is dropped.
pub fn scratch_dir(tmp: &Path) -> Result<Unpacked> {
    Ok(Unpacked(crate::paths::make_temp_dir(&build_tmp(tmp), "ctx")?))
}

/// Downloads `url` into folder `dir` (`ADD URL`, a URL context): the file
/// is named by the URL's last path part (`download` when it has none),
/// mode 0600 and, as docker, the mtime of the server's Last-Modified.
/// `checksum` (`ADD --checksum=sha256:HEX`) must match. Returns the name
/// and the file.
pub fn download(url: &str, dir: &Path, checksum: Option<&str>) -> Result<(String, PathBuf)> {
    let path_part = url.split(['?', '#']).next().unwrap_or(url);
    let after_host = path_part.splitn(4, '/').nth(3).unwrap_or("");
    let name = after_host.rsplit('/').next().filter(|n| !n.is_empty() && *n != "." && *n != "..").unwrap_or("download").to_string();
    let file = dir.join(&name);
    let rt = crate::images::registry_runtime()?;
    let client = sangja_image::token::http_client(false)?;
    let fetch_err = |e: String| Error::Registry(format!("download {url}: {e}"));
    let (digest, modified) = rt.block_on(async {
        let mut resp = client.get(url).send().await.map_err(|e| fetch_err(e.to_string()))?;
        if !resp.status().is_success() {
            return Err(fetch_err(format!("the server answered {}", resp.status())));
        }
        let modified = resp.headers().get("last-modified").and_then(|v| v.to_str().ok()).map(str::to_string);
        let mut out = fs::File::create(&file).path_ctx("create", &file)?;
        let mut h = Sha256::new();
        while let Some(chunk) = resp.chunk().await.map_err(|e| fetch_err(e.to_string()))? {
            h.update(&chunk);
            out.write_all(&chunk).path_ctx("write", &file)?;
        }
        out.sync_all().path_ctx("write", &file)?;
        Ok::<_, Error>((format!("sha256:{}", hex::encode(h.finalize())), modified))
    })?;
    drop(rt);
    if let Some(want) = checksum {
        if want != digest {
            return Err(Error::Invalid(format!("download {url}: --checksum={want} does not match its digest {digest}")));
        }
    }
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(&file, fs::Permissions::from_mode(0o600)).path_ctx("chmod", &file)?;
    if let Some(t) = modified.and_then(|m| chrono::DateTime::parse_from_rfc2822(&m).ok()) {
        let when = std::time::UNIX_EPOCH + std::time::Duration::from_secs(t.timestamp().max(0) as u64);
        let f = fs::File::options().write(true).open(&file).path_ctx("open", &file)?;
        f.set_modified(when).path_ctx("set the mtime of", &file)?;
    }
    Ok((name, file))
}

/// A git repository as the build context: `git clone --depth 1` (of the
/// `#REF` branch or tag when given, `:SUBDIR` after it taken as the
/// context) into a new folder under `tmp`. Returns the folder and the
/// context inside it.
pub fn clone_git(tmp: &Path, url: &str) -> Result<(Unpacked, PathBuf)> {
    let (repo, fragment) = url.split_once('#').unwrap_or((url, ""));
    let (git_ref, sub) = fragment.split_once(':').unwrap_or((fragment, ""));
    let dir = scratch_dir(tmp)?;
    let dest = dir.0.join("repo");
    let mut cmd = std::process::Command::new("git");
    cmd.args(["clone", "--quiet", "--depth", "1", "--recurse-submodules"]);
    if !git_ref.is_empty() {
        cmd.args(["--branch", git_ref]);
    }
    cmd.arg("--").arg(repo).arg(&dest);
    cmd.stdin(std::process::Stdio::null()).env("GIT_TERMINAL_PROMPT", "0");
    let out = cmd.output().map_err(|e| Error::NotFound(format!("cannot run git to clone the build context {url}: {e} (install git)")))?;
    if !out.status.success() {
        return Err(Error::Invalid(format!(
            "git clone of the build context {url} failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    let sub = ignore::clean(sub);
    if sub.split('/').any(|c| c == "..") {
        return Err(Error::Invalid(format!("the build context {url}: the folder {sub:?} leaves the repository")));
    }
    let ctx = if sub.is_empty() { dest } else { dest.join(&sub) };
    if !ctx.is_dir() {
        return Err(Error::NotFound(format!("the build context {url}: the repository has no folder {sub:?}")));
    }
    Ok((dir, ctx))
}

/// An HTTP(S) URL as the build context: a tar archive (plain, gzip) is
/// unpacked as the context; anything else is taken as the Containerfile,
/// with an empty context (as docker and podman). Returns the folder and,
/// for a Containerfile, its text.
pub fn fetch_context(tmp: &Path, url: &str) -> Result<(Unpacked, Option<String>)> {
    let dl = scratch_dir(tmp)?;
    let (_, file) = download(url, &dl.0, None)?;
    let mut head = Vec::new();
    fs::File::open(&file).path_ctx("open", &file)?.take(512).read_to_end(&mut head).path_ctx("read", &file)?;
    let gz = head.starts_with(&[0x1f, 0x8b]);
    if gz || (head.len() >= 262 && &head[257..262] == b"ustar") {
        let u = unpack_context(tmp, fs::File::open(&file).path_ctx("open", &file)?)?;
        return Ok((u, None));
    }
    let text = fs::read_to_string(&file)
        .map_err(|e| Error::Invalid(format!("the build context {url} is neither a tar archive nor a Containerfile: {e}")))?;
    Ok((scratch_dir(tmp)?, Some(text)))
}

/// Unpacks a context tar (plain, gzip) into a new folder under `tmp`.
pub fn unpack_context(tmp: &Path, input: impl Read) -> Result<Unpacked> {
    let guard = scratch_dir(tmp)?;
    let dir = guard.0.clone();
    let mut buf = std::io::BufReader::new(input);
    let head = std::io::BufRead::fill_buf(&mut buf).ctx(|| "read the build context from stdin".to_string())?.to_vec();
    let reader: Box<dyn Read> =
        if head.starts_with(&[0x1f, 0x8b]) { Box::new(flate2::read::MultiGzDecoder::new(buf)) } else { Box::new(buf) };
    let mut a = tar::Archive::new(reader);
    a.set_preserve_permissions(true);
    a.unpack(&dir).ctx(|| "unpack the build context from stdin (a tar archive)".to_string())?;
    Ok(guard)
}
