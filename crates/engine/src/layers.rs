//! Tools over a container's files: diff (A/C/D from its upper layer),
//! export (a flat tar of its merged root), cp (both directions, never
//! leaving the container's root through a symlink) and mount/unmount.
//! commit and import, which make images, are in commit.rs.

use super::rootview::{self, Source};
use super::Engine;
use crate::error::{Error, IoContext, Result};
use nix::errno::Errno;
use nix::fcntl::OFlag;
use nix::sys::stat::fstatat;
use sangja_container::record::{Container, ContainerStore};
use sangja_runtime::idmap_copy::Owners as IdOwners;
use sangja_storage::tree::{self, Owners};
use sangja_storage::vfs::OwnerMap;
use std::ffi::{OsStr, OsString};
use std::fs;
use std::io::Write;
use std::os::fd::AsFd;
use std::os::unix::fs::FileTypeExt;
use std::path::{Path, PathBuf};

/// One change of `diff`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// 'A' added, 'C' changed, 'D' deleted.
    pub kind: char,
    pub path: String,
}

/// The changes of a container against its image, sorted by path.
pub fn diff(engine: &Engine, c: &Container) -> Result<Vec<Change>> {
    if super::drivers::driver(engine) == super::drivers::Driver::Vfs {
        return Ok(vfs_changes(engine, c)?.into_iter().map(|(kind, p)| Change { kind, path: format!("/{}", p.display()) }).collect());
    }
    let Source::Container { lower, upper, .. } = Source::container(engine, c)? else {
        return Err(Error::State("not a container view".into()));
    };
    let mut out = Vec::new();
    walk_upper(&upper, Path::new(""), &lower, false, &mut out, 0)?;
    let stubs: Vec<String> = mount_stubs(c, &lower).iter().map(|p| format!("/{}", p.display())).collect();
    out.retain(|ch| !stubs.contains(&ch.path));
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}

/// The files the runtime created in the upper layer only as mount points
/// for the generated /etc files (empty, absent from the image): not changes
/// the user made, so diff and commit leave them out (docker keeps them in an
/// init layer for the same reason).
pub fn mount_stubs(c: &Container, lower: &[PathBuf]) -> Vec<PathBuf> {
    mount_stubs_in(&c.upper_dir(), lower)
}

/// The changes of a vfs container: its rootfs copy against its image's
/// pristine copy (storage/vfs.rs), without the mount stubs; sorted by path.
pub fn vfs_changes(engine: &Engine, c: &Container) -> Result<Vec<sangja_storage::vfs::Change>> {
    let image = sangja_image::store::ImageStore::new(&engine.paths)
        .get(&c.config.image_id)?
        .ok_or_else(|| Error::State(format!("the image of container {} is no longer in the store", c.config.name)))?;
    let pristine = super::drivers::pristine(engine, &image)?;
    let rootfs = c.rootfs_dir();
    let stubs = mount_stubs_in(&rootfs, std::slice::from_ref(&pristine));
    let mut out = super::drivers::rootfs_changes(c, &pristine)?;
    out.retain(|(_, p)| !stubs.contains(p));
    Ok(out)
}

/// `mount_stubs` with the stubs looked for in `top` (the upper layer, or a vfs rootfs).
fn mount_stubs_in(top: &Path, lower: &[PathBuf]) -> Vec<PathBuf> {
    // run/.containerenv: the target of the read-only bind of run.rs's
    // `containerenv`, as the others are of the network files' binds.
    ["etc/hostname", "etc/hosts", "etc/resolv.conf", "run/.containerenv"]
        .iter()
        .map(PathBuf::from)
        .filter(|p| {
            let m = fs::symlink_metadata(top.join(p));
            m.is_ok_and(|m| m.is_file() && m.len() == 0) && !in_lower(lower, p)
        })
        .collect()
}

fn in_lower(lower: &[PathBuf], rel: &Path) -> bool {
    for l in lower {
        match fs::symlink_metadata(l.join(rel)) {
            // A whiteout in a higher layer hides the lower ones.
            Ok(m) if m.file_type().is_char_device() && std::os::unix::fs::MetadataExt::rdev(&m) == 0 => return false,
            Ok(_) => return true,
            Err(_) => {}
        }
    }
    false
}

fn walk_upper(upper: &Path, rel: &Path, lower: &[PathBuf], parent_new: bool, out: &mut Vec<Change>, depth: usize) -> Result<()> {
    if depth > 4096 {
        return Ok(());
    }
    let dir = upper.join(rel);
    let mut names: Vec<OsString> = fs::read_dir(&dir).path_ctx("read", &dir)?.filter_map(|e| e.ok()).map(|e| e.file_name()).collect();
    names.sort();
    for n in names {
        let r = rel.join(&n);
        let shown = format!("/{}", r.display());
        let m = fs::symlink_metadata(upper.join(&r)).path_ctx("inspect", &upper.join(&r))?;
        if m.file_type().is_char_device() && std::os::unix::fs::MetadataExt::rdev(&m) == 0 {
            out.push(Change { kind: 'D', path: shown });
            continue;
        }
        let existed = !parent_new && in_lower(lower, &r);
        out.push(Change { kind: if existed { 'C' } else { 'A' }, path: shown });
        if m.is_dir() {
            walk_upper(upper, &r, lower, !existed, out, depth + 1)?;
        }
    }
    Ok(())
}

/// Writes the merged root of a container as a tar stream to `out` (the
/// mounts of a running container — /proc, volumes — are left out).
pub fn export(engine: &Engine, c: &Container, out: fs::File) -> Result<()> {
    let engine = &rootview::engine_for(engine, c)?;
    let source = Source::container(engine, c)?;
    // Owners as the container has them, not as its own id mapping wrote them.
    let maps = rootview::owners_back(engine, c, &source);
    let back = maps.as_ref().map(IdOwners::to_container);
    let owners = back.as_ref().map(|f| f as OwnerMap);
    rootview::with_root(engine, &source, |root| {
        let mut w = tree::write_tar(std::io::BufWriter::new(out), root, tree::Whiteouts::None, Path::new("/"), true, &[], owners)?;
        w.flush().ctx(|| "write the archive".to_string())
    })
}

/// One side of `cp`: a container path or a host path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CpPath {
    Container { name: String, path: String },
    Host(PathBuf),
}

impl CpPath {
    /// "CTR:/path" names a container path; anything else (or a path starting
    /// with / or .) is a host path, as podman decides.
    pub fn parse(s: &str) -> CpPath {
        if !s.starts_with('/') && !s.starts_with('.') {
            if let Some((name, path)) = s.split_once(':') {
                if !name.is_empty() {
                    return CpPath::Container { name: name.to_string(), path: path.to_string() };
                }
            }
        }
        CpPath::Host(PathBuf::from(s))
    }
}

/// `cp SRC DST`, one side a container. On the way in, archive mode keeps
/// the owners (ids as seen in the user namespace: the user's files are
/// root's), else the copy belongs to the container's root; copied out,
/// files belong to the caller (as docker). Modes are always kept. A tar
/// stream (`-` as the host side) is read from or written to the caller's
/// streams `io`.
pub fn cp(engine: &Engine, src: &CpPath, dst: &CpPath, archive: bool, io: &sangja_runtime::Stdio) -> Result<()> {
    let owners_in = if archive { Owners::Keep } else { Owners::Caller };
    let store = ContainerStore::new(&engine.paths);
    match (src, dst) {
        (CpPath::Container { name, path }, CpPath::Host(host)) if host.as_os_str() == "-" => {
            // A tar stream on the caller's stdout, as podman.
            let c = store.lookup(name)?.settled(&store)?;
            let engine = &rootview::engine_for(engine, &c)?;
            let source = Source::container(engine, &c)?;
            let out = io.stdout.try_clone_to_owned().ctx(|| "duplicate stdout".to_string())?;
            let maps = rootview::owners_back(engine, &c, &source);
            let back = maps.as_ref().map(IdOwners::to_container);
            let owners = back.as_ref().map(|f| f as OwnerMap);
            rootview::with_root(engine, &source, |root| {
                let what = format!("{}:{}", c.config.name, path);
                let (parent, last) = container_parent(root, path)?;
                check_exists(&parent, last.as_deref(), &what)?;
                let last = last.unwrap_or_else(|| OsString::from("."));
                let mut w = tree::write_tar_entry(std::io::BufWriter::new(fs::File::from(out)), &parent, &last, Path::new(&what), owners)?;
                w.flush().ctx(|| "write the archive".to_string())
            })
        }
        (CpPath::Container { name, path }, CpPath::Host(host)) => {
            let c = store.lookup(name)?.settled(&store)?;
            let engine = &rootview::engine_for(engine, &c)?;
            let source = Source::container(engine, &c)?;
            let path = path.clone();
            let host = host.clone();
            rootview::with_root(engine, &source, |root| {
                let (parent, last) = container_parent(root, &path)?;
                let what = format!("{}:{}", c.config.name, path);
                check_exists(&parent, last.as_deref(), &what)?;
                let (hdir, hname) = host_target(&host, last.as_deref())?;
                copy_named(&parent, last.as_deref(), &hdir, &hname, Owners::Caller, &what)
            })
        }
        (CpPath::Host(host), CpPath::Container { name, path }) if host.as_os_str() == "-" => {
            // A tar stream on the caller's stdin, extracted into a folder of the container (as podman).
            let input = io.stdin.try_clone_to_owned().ctx(|| "duplicate stdin".to_string())?;
            extract_stream(engine, name, path, fs::File::from(input), archive, false)
        }
        (CpPath::Host(host), CpPath::Container { name, path }) => {
            let c = store.lookup(name)?.settled(&store)?;
            let engine = &rootview::engine_for(engine, &c)?;
            let source = Source::container(engine, &c)?;
            let (hparent, hname) = host_source(host)?;
            let path = path.clone();
            rootview::with_root(engine, &source, |root| {
                let what = format!("{}:{}", c.config.name, path);
                let rel = rootview::normalize(&path);
                // An existing folder receives the source under its own name.
                let into_dir = rootview::open_in_root(root, &rel, OFlag::O_RDONLY | OFlag::O_DIRECTORY);
                let (dir, name) = match into_dir {
                    Ok(d) if !path.ends_with("/.") => (d, hname.clone().unwrap_or_else(|| OsString::from("."))),
                    Ok(d) => (d, OsString::from(".")),
                    Err(Errno::ENOENT) | Err(Errno::ENOTDIR) => {
                        let (parent, last) = container_parent(root, &path)?;
                        let last = last.ok_or_else(|| Error::Invalid(format!("{what}: not a destination")))?;
                        (parent, last)
                    }
                    Err(e) => return Err(Error::Runtime(format!("{what}: {}", e.desc()))),
                };
                let src_what = host.display().to_string();
                if name == "." || hname.is_none() {
                    // Contents of the source folder into the destination folder.
                    copy_contents(&hparent, hname.as_deref(), &dir, owners_in, &src_what)
                } else {
                    tree::copy(
                        hparent.as_fd(),
                        hname.as_deref().unwrap_or(OsStr::new(".")),
                        dir.as_fd(),
                        &name,
                        owners_in,
                        Path::new(&src_what),
                    )
                }
            })
        }
        (CpPath::Container { .. }, CpPath::Container { .. }) => {
            Err(Error::Invalid("copying between containers is not supported: copy to the host first".into()))
        }
        (CpPath::Host(_), CpPath::Host(_)) => {
            Err(Error::Invalid("one of the paths must be a container path, CONTAINER:PATH (e.g. web:/etc/hosts)".into()))
        }
    }
}

/// A tar stream (`input`) extracted into the folder `path` of container
/// `name` (NotFound when it is missing, Invalid when it is not a folder):
/// `cp - CTR:DIR`, and docker's archive PUT. `archive`: the tar's owners
/// are kept, else the files are root's; `keep_kinds`: an entry never
/// replaces a directory with a non-directory or the other way (docker's
/// noOverwriteDirNonDir).
pub fn extract_stream(engine: &Engine, name: &str, path: &str, input: fs::File, archive: bool, keep_kinds: bool) -> Result<()> {
    let store = ContainerStore::new(&engine.paths);
    let c = store.lookup(name)?.settled(&store)?;
    let engine = &rootview::engine_for(engine, &c)?;
    let source = Source::container(engine, &c)?;
    let opts = sangja_storage::layers::ExtractOptions {
        squash_owners: !archive || !engine.identity.has_subids,
        rootless: engine.identity.rootless,
        max_size: None,
        keep_kinds,
    };
    rootview::with_root(engine, &source, |root| {
        let what = format!("{}:{}", c.config.name, path);
        let dir = rootview::open_in_root(root, &rootview::normalize(path), OFlag::O_RDONLY | OFlag::O_DIRECTORY).map_err(|e| match e {
            // docker's archive endpoint: 404 for a missing folder, 400 for a non-folder.
            Errno::ENOENT => Error::NotFound(format!("{what}: the destination of a tar stream must be an existing folder")),
            Errno::ENOTDIR => Error::Invalid(format!("{what}: the destination of a tar stream must be an existing folder")),
            e => Error::Runtime(format!("{what}: {}", e.desc())),
        })?;
        // For messages only: every step of the extraction goes from the
        // open folder's fd, never through a path the container could
        // redirect with a symlink swapped in (storage/extract.rs).
        let shown = PathBuf::from(&what);
        let stdin = std::io::BufReader::with_capacity(256 * 1024, input);
        sangja_storage::extract_tar_plain(stdin, dir.try_clone().ctx(|| format!("duplicate {what}"))?, &shown, &opts).map(|_| ()).map_err(
            |e| match e {
                Error::Layer(m) => Error::Invalid(format!("{what}: the tar stream on stdin: {m}")),
                e => e,
            },
        )
    })
}

/// The parent folder of a container path, opened with every symlink
/// resolved inside the root, and the last name (None for the root itself
/// or a path ending in "/.").
fn container_parent(root: &std::os::fd::OwnedFd, path: &str) -> Result<(std::os::fd::OwnedFd, Option<OsString>)> {
    if path.ends_with("/.") || rootview::normalize(path).as_os_str().is_empty() {
        let d = rootview::open_in_root(root, &rootview::normalize(path), OFlag::O_RDONLY | OFlag::O_DIRECTORY)
            .map_err(|e| Error::Invalid(format!("{path}: {} in the container", e.desc())))?;
        return Ok((d, None));
    }
    let (parent, name) = rootview::split_path(path);
    let d = rootview::open_in_root(root, &parent, OFlag::O_RDONLY | OFlag::O_DIRECTORY)
        .map_err(|e| Error::Invalid(format!("{}: {} in the container", Path::new("/").join(&parent).display(), e.desc())))?;
    Ok((d, name))
}

fn check_exists(parent: &std::os::fd::OwnedFd, name: Option<&OsStr>, what: &str) -> Result<()> {
    if let Some(n) = name {
        if let Err(e) = fstatat(parent, n, nix::fcntl::AtFlags::AT_SYMLINK_NOFOLLOW) {
            return Err(Error::NotFound(format!("{what}: {}: no such file or directory in the container", e.desc())));
        }
    }
    Ok(())
}

/// Where a copy out lands: into an existing host folder under the source's
/// name, else at the host path itself (whose parent must exist).
fn host_target(host: &Path, src_name: Option<&OsStr>) -> Result<(std::os::fd::OwnedFd, OsString)> {
    if host.is_dir() {
        let name = match src_name {
            Some(n) => n.to_os_string(),
            None => OsString::from("."),
        };
        return Ok((tree::open_dir(host)?, name));
    }
    let parent = match host.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = host.file_name().ok_or_else(|| Error::Invalid(format!("{}: not a destination path", host.display())))?;
    let fd = tree::open_dir(&parent)
        .map_err(|_| Error::Invalid(format!("{}: the destination's folder does not exist: create it first", parent.display())))?;
    Ok((fd, name.to_os_string()))
}

fn host_source(host: &Path) -> Result<(std::os::fd::OwnedFd, Option<OsString>)> {
    if fs::symlink_metadata(host).is_err() {
        return Err(Error::NotFound(format!("{}: no such file or directory", host.display())));
    }
    let s = host.to_string_lossy();
    if s.ends_with("/.") || host == Path::new("/") {
        return Ok((tree::open_dir(host)?, None));
    }
    let parent = match host.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = host.file_name().map(|n| n.to_os_string());
    Ok((tree::open_dir(&parent)?, name))
}

fn copy_named(
    parent: &std::os::fd::OwnedFd,
    name: Option<&OsStr>,
    dir: &std::os::fd::OwnedFd,
    dst: &OsStr,
    owners: Owners,
    what: &str,
) -> Result<()> {
    match name {
        Some(n) if dst != "." => tree::copy(parent.as_fd(), n, dir.as_fd(), dst, owners, Path::new(what)),
        _ => copy_contents(parent, name, dir, owners, what),
    }
}

/// Copies the entries of a folder (or of `name` under it) into `dst`.
fn copy_contents(
    parent: &std::os::fd::OwnedFd,
    name: Option<&OsStr>,
    dst: &std::os::fd::OwnedFd,
    owners: Owners,
    what: &str,
) -> Result<()> {
    let src = match name {
        Some(n) => nix::fcntl::openat(
            parent,
            n,
            OFlag::O_RDONLY | OFlag::O_DIRECTORY | OFlag::O_NOFOLLOW | OFlag::O_CLOEXEC,
            nix::sys::stat::Mode::empty(),
        )
        .map_err(|e| Error::Invalid(format!("{what}: {}", e.desc())))?,
        None => nix::unistd::dup(parent).ctx(|| format!("open {what}"))?,
    };
    let entries: Vec<OsString> = fs::read_dir(format!("/proc/self/fd/{}", std::os::fd::AsRawFd::as_raw_fd(&src)))
        .ctx(|| format!("read {what}"))?
        .filter_map(|e| e.ok())
        .map(|e| e.file_name())
        .collect();
    for e in entries {
        tree::copy(src.as_fd(), &e, dst.as_fd(), &e, owners, &Path::new(what).join(&e))?;
    }
    Ok(())
}

/// Whether `path` is a mount point in our mount namespace.
fn is_mounted(path: &Path) -> bool {
    let text = fs::read_to_string("/proc/self/mountinfo").unwrap_or_default();
    let p = path.to_string_lossy();
    text.lines().any(|l| l.split(' ').nth(4) == Some(p.as_ref()))
}

/// Mounts a container's rootfs at its rootfs folder in the current mount
/// namespace (the host's for root; `sangja unshare`'s when rootless) and
/// returns the path.
pub fn mount(engine: &Engine, c: &Container) -> Result<PathBuf> {
    let Source::Container { lower, upper, work, target, driver, .. } = Source::container(engine, c)? else {
        return Err(Error::State("not a container view".into()));
    };
    if is_mounted(&target) {
        return Ok(target);
    }
    match driver {
        // The rootfs copy is the container's files: nothing to mount.
        super::drivers::Driver::Vfs => return Ok(target),
        super::drivers::Driver::Fuse => {
            fs::create_dir_all(&target).path_ctx("create", &target)?;
            let layers = sangja_storage::fuse::FuseLayers { lower, upper, userxattr: engine.identity.rootless };
            sangja_runtime::fuse_server::mount_overlay_detached(&target, layers)?;
            return Ok(target);
        }
        super::drivers::Driver::Overlay => {}
    }
    let data = sangja_storage::overlay::mount_options(&lower, &upper, &work, engine.identity.rootless)?;
    fs::create_dir_all(&target).path_ctx("create", &target)?;
    nix::mount::mount(Some("overlay"), &target, Some("overlay"), nix::mount::MsFlags::empty(), Some(data.as_str()))
        .map_err(|e| Error::Runtime(format!("mount the overlay at {}: {}", target.display(), e.desc())))?;
    Ok(target)
}

/// Undoes `mount`; a container that is not mounted is fine.
pub fn unmount(c: &Container) -> Result<()> {
    let target = c.rootfs_dir();
    if !is_mounted(&target) {
        return Ok(());
    }
    nix::mount::umount2(&target, nix::mount::MntFlags::empty())
        .map_err(|e| Error::Runtime(format!("unmount {}: {} (is a shell still inside it?)", target.display(), e.desc())))
}
