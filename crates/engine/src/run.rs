//! Creating a container and running it in the foreground as a direct child.

use super::events::{Event, WarningKind};
use super::Engine;
use crate::error::{Error, Result};
use crate::lock;
pub use sangja_container::extra::{self, ExtraOptions};
pub use sangja_container::policy::{RestartPolicy, SdNotify};
use sangja_container::record::{Container, ContainerConfig, ContainerStore, StartedBy};
pub use sangja_container::resources::parse_bytes;
pub use sangja_container::resources::ResourceOptions;
pub use sangja_container::security::SecurityOptions;
use sangja_container::spec::{self, SpecContext};
pub use sangja_container::RunOptions;
use sangja_image::store::ImageRecord;
use sangja_runtime as runtime;
use sangja_storage::layers::LayerStore;

/// The image name a build's RUN step creates its container with (its image
/// is a stage state, not a stored image).
pub const BUILD_STEP_IMAGE: &str = "sangja-build";

/// Creates the container's record, folders and spec.
///
/// Step order (issue 16). The store lock is held from first to last, so no
/// other create, rm or rmi sees a prefix; a kill -9 leaves one that the next
/// of them (or `ps`) recognises and undoes (engine/recover.rs):
/// 1. store lock; recovery of earlier interrupted work; the image must
///    still be in the store (rmi checks for users under the same lock);
/// 2. anonymous volumes named, then containers/ID/creating.json, the
///    write-ahead record naming them (crash point `create-marker`);
/// 3. the volumes made and filled (`create-volumes`);
/// 4. the folders (upper, work, rootfs, userdata) and state.json (`create-folders`);
/// 5. the spec (its /etc files in userdata), the vfs copy, spec.json (`create-spec`);
/// 6. config.json: the commit point, from here the container exists
///    (`create-config`); 7. creating.json removed.
///
/// Files are fsynced before their rename, and the folder once, with
/// config.json; a `--rm` container's are not fsynced at all
/// (`Container::write_record` says why).
///
/// Before 6 the folder has no config.json: ps, inspect, start and name
/// checks do not see it, and recovery removes the volumes creating.json
/// names, then the folder. After 6 the container is whole (a stale
/// creating.json in it is ignored). An error at any step undoes the same way.
pub fn create(
    engine: &Engine,
    image: &ImageRecord,
    image_name: &str,
    mut opts: RunOptions,
) -> Result<(Container, oci_spec::runtime::Spec)> {
    let store = ContainerStore::new(&engine.paths);
    let layers = LayerStore::new(&engine.paths);
    let id = crate::paths::random_id();
    let _guard = lock::exclusive(&engine.paths.store_lock())?;
    // Cheap when there is nothing to do; a failure must not stop this create.
    if let Err(e) = super::recover::sweep_locked(engine) {
        engine.emit(Event::debug(format!("cleaning up interrupted work: {e}")));
    }
    // Under the lock: an rmi that took the image after `resolve` found it
    // (rmi removes the record and the layers under this lock, and the sweep
    // above finishes an interrupted one). A build step's image is a stage
    // state that has no record: its layers being there is what counts.
    let recorded = sangja_image::store::ImageStore::new(&engine.paths).get(&image.id)?.is_some();
    if !recorded && (image_name != BUILD_STEP_IMAGE || !image.layers.iter().all(|l| layers.has(l))) {
        return Err(Error::ImageNotFound(format!("{image_name} (removed while the container was being created: pull it again)")));
    }
    let name = match opts.name.take() {
        Some(n) => {
            validate_name(&n)?;
            n
        }
        None => store.generate_name()?,
    };
    opts.name = Some(name.clone());
    super::network::check(engine, &opts)?;
    super::secrets::check(engine, &opts)?;
    resolve_requires(&store, &mut opts)?;
    volumes_from(&store, &mut opts)?;
    // containers.conf: the defaults of every new container (config/containers_conf.rs).
    let defaults = crate::config::containers_conf::load()?.defaults()?;
    opts.init |= defaults.init;
    if opts.log_max_size.is_none() {
        opts.log_max_size = defaults.log_size_max;
    }
    if opts.security.default_caps.is_none() {
        opts.security.default_caps = defaults.default_capabilities.clone();
    }
    // No --health-cmd: the image's HEALTHCHECK runs, as podman's does.
    if opts.health.is_none() && !opts.no_healthcheck {
        opts.health = super::healthcheck::from_image(engine, &image.id);
    }
    super::volumes::name_anonymous(image, &mut opts);
    let dir = engine.paths.containers_dir().join(&id);
    let ctx = SpecContext {
        id: id.clone(),
        rootfs: dir.join("rootfs"),
        userdata: dir.join("userdata"),
        layer_dirs: lower_dirs(&layers, image),
        rootless: engine.identity.rootless,
    };
    let config = ContainerConfig {
        id: id.clone(),
        name,
        image_id: image.id.clone(),
        image_name: image_name.to_string(),
        command: Vec::new(),
        created: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Nanos, true),
        options: opts.clone(),
    };
    let mut container = store.begin_create(config)?;
    crate::crash::crash_point("create-marker");
    let result = (|| {
        super::volumes::prepare(engine, image, &mut opts)?;
        container.config.options = opts.clone();
        crate::crash::crash_point("create-volumes");
        // The spec writes /etc files into userdata, so the folders come first.
        store.make_folders(&container)?;
        crate::crash::crash_point("create-folders");
        let spec = spec::build_with(&image.config, &opts, &ctx, &defaults, &mut engine.runtime_notices())?;
        let mut spec = super::volumes::apply_to_spec(engine, &opts, spec)?;
        let spec_with_secrets = super::secrets::apply_to_spec(engine, &opts, &ctx.userdata, spec)?;
        spec = spec_with_secrets;
        containerenv(engine, &container, image, image_name, &opts, &ctx.userdata, &mut spec)?;
        // `--sdnotify=container`: $NOTIFY_SOCKET's socket passed in (systemd/notify.rs).
        let host_net = opts.network == sangja_container::NetworkMode::Host;
        sangja_systemd::notify::apply_to_spec(opts.sdnotify, &mut spec, host_net)?;
        // vfs: the container's own copy of the image (engine/drivers.rs).
        super::drivers::prepare(engine, image, &container, &spec)?;
        root_mode(&ctx.layer_dirs, &[container.upper_dir(), container.rootfs_dir()])?;
        container.config.command = spec.process().as_ref().and_then(|p| p.args().clone()).unwrap_or_default();
        container.write_record("spec.json", &spec, false)?;
        crate::crash::crash_point("create-spec");
        store.commit_create(&container)?;
        Ok(spec)
    })();
    match result {
        Ok(spec) => {
            super::events_log::container(engine, &container, "create");
            Ok((container, spec))
        }
        Err(e) => {
            // As recovery would: the volumes the record names, then the folder.
            let _ = super::volumes::remove_anonymous_locked(engine, &container.config.options);
            let _ = store.delete_incomplete(&id);
            Err(e)
        }
    }
}

/// The container's `/` gets the image's own mode, as podman's: the upper
/// layer's root takes the mode of the top-most layer root that differs from
/// the store's default 0555 (a layer without a `./` entry inherits its
/// parent's, as containers/storage does), else 0555.
fn root_mode(layer_dirs: &[std::path::PathBuf], dirs: &[std::path::PathBuf]) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let modes = layer_dirs.iter().filter_map(|d| std::fs::metadata(d).ok()).map(|m| m.permissions().mode() & 0o7777);
    let mode = modes.clone().find(|m| *m != sangja_storage::layers::DEFAULT_ROOT_MODE).unwrap_or(sangja_storage::layers::DEFAULT_ROOT_MODE);
    for d in dirs {
        if d.is_dir() {
            std::fs::set_permissions(d, std::fs::Permissions::from_mode(mode)).map_err(|e| Error::io_path("chmod", d, e))?;
        }
    }
    Ok(())
}

/// `--requires`: each named container must exist (podman's message when
/// not); recorded by id, so a rename does not break the link.
fn resolve_requires(store: &ContainerStore, opts: &mut RunOptions) -> Result<()> {
    let mut ids = Vec::new();
    for r in &opts.extra.requires {
        let c = store.lookup(r).map_err(|e| match e {
            Error::ContainerNotFound(_) => Error::NotFound(format!("{r:?} is not a valid container, cannot be used as a dependency: {e}")),
            e => e,
        })?;
        if !ids.contains(&c.config.id) {
            ids.push(c.config.id);
        }
    }
    opts.extra.requires = ids;
    Ok(())
}

/// `--volumes-from CONTAINER[:ro|rw]`: the named container's volumes and
/// bind mounts (its image VOLUMEs' anonymous volumes among them), at the
/// same places, unless this container mounts something there itself. The
/// volumes are shared, not owned: `rm -v` of this container leaves them.
fn volumes_from(store: &ContainerStore, opts: &mut RunOptions) -> Result<()> {
    use sangja_container::mounts::MountRequest;
    for v in opts.extra.volumes_from.clone() {
        let (name, ro) = extra::parse_volumes_from(&v)?;
        let src = store.lookup(&name).map_err(|e| match e {
            Error::ContainerNotFound(_) => Error::NotFound(format!("looking up container {name:?} for volumes-from: {e}")),
            e => e,
        })?;
        for m in &src.config.options.mounts {
            let dest = m.destination().trim_end_matches('/');
            if opts.mounts.iter().any(|o| o.destination().trim_end_matches('/') == dest) {
                continue;
            }
            let m = match m.clone() {
                MountRequest::Volume { name, destination, readonly, nocopy, .. } => {
                    MountRequest::Volume { name, destination, readonly: ro.unwrap_or(readonly), anonymous: false, nocopy }
                }
                MountRequest::Bind { source, destination, readonly, options } => {
                    MountRequest::Bind { source, destination, readonly: ro.unwrap_or(readonly), options }
                }
                // A tmpfs is the container's own, not a volume (podman's too).
                MountRequest::Tmpfs { .. } => continue,
            };
            opts.mounts.push(m);
        }
    }
    Ok(())
}

/// Starts the containers `c` requires (`--requires`) that are not running,
/// each with its own requirements first, as podman does on start.
pub fn start_requirements(engine: &Engine, c: &Container) -> Result<()> {
    let store = ContainerStore::new(&engine.paths);
    for id in &c.config.options.extra.requires {
        let dep = store.lookup(id).map_err(|e| match e {
            Error::ContainerNotFound(_) => Error::NotFound(format!(
                "container {} requires container {id}, which no longer exists: remove the container and create it again",
                c.config.name
            )),
            e => e,
        })?;
        if !dep.is_running() {
            super::lifecycle::start_detached(engine, &dep)?;
        }
    }
    Ok(())
}

/// `/run/.containerenv`, as podman writes it: how a program finds that it
/// runs in a container; empty unless `--privileged`, which adds what
/// podman tells a privileged container (engine, name, id, image, image id,
/// rootless). Mounted last, over any volume on /run.
fn containerenv(
    engine: &Engine,
    c: &Container,
    image: &ImageRecord,
    image_name: &str,
    opts: &RunOptions,
    userdata: &std::path::Path,
    spec: &mut oci_spec::runtime::Spec,
) -> Result<()> {
    let text = if opts.security.privileged {
        // The name as podman shows it: fully qualified, as the image record holds it.
        let shown = image.names.iter().find(|n| n.contains(image_name)).or(image.names.first()).map_or(image_name, |n| n.as_str());
        format!(
            "engine=\"sangja-{}\"\nname=\"{}\"\nid=\"{}\"\nimage=\"{}\"\nimageid=\"{}\"\nrootless={}\n",
            env!("CARGO_PKG_VERSION"),
            c.config.name,
            c.config.id,
            shown,
            image.id.trim_start_matches("sha256:"),
            u8::from(engine.identity.rootless)
        )
    } else {
        String::new()
    };
    let path = userdata.join(".containerenv");
    std::fs::write(&path, text).map_err(|e| Error::io_path("write", &path, e))?;
    let mut m = oci_spec::runtime::Mount::default();
    m.set_destination(std::path::PathBuf::from("/run/.containerenv"));
    m.set_typ(Some("bind".into()));
    m.set_source(Some(path));
    m.set_options(Some(vec!["bind".into(), "rprivate".into(), "ro".into()]));
    let mut mounts = spec.mounts().clone().unwrap_or_default();
    mounts.push(m);
    spec.set_mounts(Some(mounts));
    Ok(())
}

/// Names as podman allows: [a-zA-Z0-9][a-zA-Z0-9_.-]*.
fn validate_name(n: &str) -> Result<()> {
    let ok =
        n.chars().next().is_some_and(|c| c.is_ascii_alphanumeric()) && n.chars().all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c));
    if ok {
        Ok(())
    } else {
        Err(Error::Invalid(format!("container name {n:?} is invalid: names must match [a-zA-Z0-9][a-zA-Z0-9_.-]*")))
    }
}

/// Runs a created container in the foreground, on the caller's streams
/// `io`, and returns its exit code. The state file records the run; `--rm`
/// removes the container afterwards.
pub fn start_foreground(
    engine: &Engine,
    image: &ImageRecord,
    mut container: Container,
    spec: &oci_spec::runtime::Spec,
    io: runtime::Stdio,
) -> Result<i32> {
    start_requirements(engine, &container)?;
    let rootfs = super::drivers::rootfs(engine, image, &container)?;
    let interactive = container.config.options.interactive;
    // The network (namespace, backend, ports) is up before the command runs
    // and its backend is stopped when the container exits (engine/network.rs).
    let mut spec = spec.clone();
    let starting = container.start_lock()?;
    let mut starting = Some(starting);
    // Step order as the monitor's (monitor.rs `start`): `starting` recorded,
    // spawn, pid recorded; a kill between leaves a mark that the next start
    // or rm sees (recover.rs `kill_strays`).
    container.mark_starting()?;
    let result = super::network::attach(engine, &container, &mut spec).and_then(|mut net| {
        let r = runtime::foreground::spawn_foreground(&spec, &rootfs, interactive, io, &mut engine.runtime_notices()).and_then(|child| {
            crate::crash::crash_point("run-spawned");
            net.started();
            container.mark_running(child.pid, None, StartedBy::User)?;
            starting = None;
            // The foreground sangja is the container's monitor (podman's conmon).
            write_pid_files(&container, child.pid, std::process::id() as i32)?;
            super::healthcheck::reset(&container);
            super::events_log::container(engine, &container, "init");
            super::events_log::container(engine, &container, "start");
            // systemd: we outlive the container and record its exit, so
            // MAINPID is ours; READY=1 too with --sdnotify=conmon.
            if let Err(e) = sangja_systemd::notify::container_started(container.config.options.sdnotify, std::process::id() as i32) {
                engine.emit(Event::warning(WarningKind::SdNotify, e.to_string()));
            }
            let stop_after = std::time::Duration::from_secs(container.config.options.stop_timeout.unwrap_or(10));
            let limit = container.config.options.extra.timeout.map(std::time::Duration::from_secs);
            child.kill_after(stop_after).time_limit(limit).wait()
        });
        net.stop();
        r
    });
    // Its cgroups are empty now that it has exited.
    runtime::cgroups::remove(&spec);
    let saved = container.mark_exited(match &result {
        Ok(code) => *code,
        Err(e) => e.exit_code(),
    });
    super::events_log::died(engine, &container, Some(result.as_ref().map_or_else(|e| e.exit_code(), |c| *c)));
    if container.config.options.remove {
        let _guard = lock::exclusive(&engine.paths.store_lock())?;
        match ContainerStore::new(&engine.paths).delete(&container) {
            // `rm -f` removed it once we recorded the exit: nothing left to do.
            Err(Error::ContainerNotFound(_)) => {}
            r => r?,
        }
        drop(_guard);
        super::events_log::container(engine, &container, "remove");
        super::volumes::remove_anonymous(engine, &container.config.options)?;
    } else {
        saved?;
    }
    result
}

/// The image's layer folders, top first. A layer listed twice keeps only its
/// top-most place: overlayfs refuses a repeated lowerdir, and the top copy
/// shadows the lower one anyway.
pub fn lower_dirs(layers: &LayerStore, image: &ImageRecord) -> Vec<std::path::PathBuf> {
    let mut seen = std::collections::HashSet::new();
    image.layers.iter().rev().filter(|d| seen.insert(d.as_str())).map(|d| layers.diff_dir(d)).collect()
}

/// `--pidfile` (the container's pid) and `--conmon-pidfile` (the pid of
/// the process that waits for it), written when it starts.
pub(crate) fn write_pid_files(c: &Container, pid: i32, monitor: i32) -> Result<()> {
    let x = &c.config.options.extra;
    for (file, n) in [(&x.pidfile, pid), (&x.conmon_pidfile, monitor)] {
        if let Some(f) = file {
            std::fs::write(f, format!("{n}")).map_err(|e| Error::Invalid(format!("write the pid file {}: {e}", f.display())))?;
        }
    }
    Ok(())
}
