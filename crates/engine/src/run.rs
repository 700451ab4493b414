//! Creating a container and running it in the foreground as a direct child.

use super::events::{Event, WarningKind};
use super::Engine;
use crate::error::{Error, Result};
use crate::lock;
pub use sangja_container::policy::{RestartPolicy, SdNotify};
use sangja_container::record::{Container, ContainerConfig, ContainerStore, StartedBy};
pub use sangja_container::resources::ResourceOptions;
pub use sangja_container::security::SecurityOptions;
use sangja_container::spec::{self, SpecContext};
pub use sangja_container::RunOptions;
use sangja_image::store::ImageRecord;
use sangja_runtime as runtime;
use sangja_storage::layers::LayerStore;

/// Creates the container's record, folders and spec.
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
    let name = match opts.name.take() {
        Some(n) => {
            validate_name(&n)?;
            n
        }
        None => store.generate_name()?,
    };
    opts.name = Some(name.clone());
    super::network::check(engine, &opts)?;
    super::volumes::prepare(engine, image, &mut opts)?;
    // containers.conf: the defaults of every new container (config/containers_conf.rs).
    let defaults = crate::config::containers_conf::load()?.defaults()?;
    opts.init |= defaults.init;
    if opts.log_max_size.is_none() {
        opts.log_max_size = defaults.log_size_max;
    }
    if opts.security.default_caps.is_none() {
        opts.security.default_caps = defaults.default_capabilities.clone();
    }
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
    // The spec writes /etc files into userdata, so the folders come first.
    let mut container = store.create(config)?;
    let spec = match spec::build_with(&image.config, &opts, &ctx, &defaults, &mut engine.runtime_notices()) {
        Ok(s) => s,
        Err(e) => {
            let _ = store.delete(&container);
            return Err(e);
        }
    };
    let mut spec = match super::volumes::apply_to_spec(engine, &opts, spec) {
        Ok(s) => s,
        Err(e) => {
            let _ = store.delete(&container);
            return Err(e);
        }
    };
    // `--sdnotify=container`: $NOTIFY_SOCKET's socket passed in (systemd/notify.rs).
    let host_net = opts.network == sangja_container::NetworkMode::Host;
    if let Err(e) = sangja_systemd::notify::apply_to_spec(opts.sdnotify, &mut spec, host_net) {
        let _ = store.delete(&container);
        return Err(e);
    }
    // vfs: the container's own copy of the image (engine/drivers.rs).
    if let Err(e) = super::drivers::prepare(engine, image, &container, &spec) {
        let _ = store.delete(&container);
        return Err(e);
    }
    container.config.command = spec.process().as_ref().and_then(|p| p.args().clone()).unwrap_or_default();
    crate::json_file::write_volatile(&container.dir.join("config.json"), &container.config)?;
    crate::json_file::write_volatile(&container.dir.join("spec.json"), &spec)?;
    Ok((container, spec))
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
    let rootfs = super::drivers::rootfs(engine, image, &container)?;
    let interactive = container.config.options.interactive;
    // The network (namespace, backend, ports) is up before the command runs
    // and its backend is stopped when the container exits (engine/network.rs).
    let mut spec = spec.clone();
    let starting = container.start_lock()?;
    let mut starting = Some(starting);
    let result = super::network::attach(engine, &container, &mut spec).and_then(|mut net| {
        let r = runtime::foreground::spawn_foreground(&spec, &rootfs, interactive, io, &mut engine.runtime_notices()).and_then(|child| {
            net.started();
            container.mark_running(child.pid, None, StartedBy::User)?;
            starting = None;
            // systemd: we outlive the container and record its exit, so
            // MAINPID is ours; READY=1 too with --sdnotify=conmon.
            if let Err(e) = sangja_systemd::notify::container_started(container.config.options.sdnotify, std::process::id() as i32) {
                engine.emit(Event::warning(WarningKind::SdNotify, e.to_string()));
            }
            let stop_after = std::time::Duration::from_secs(container.config.options.stop_timeout.unwrap_or(10));
            child.kill_after(stop_after).wait()
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
    if container.config.options.remove {
        let _guard = lock::exclusive(&engine.paths.store_lock())?;
        ContainerStore::new(&engine.paths).delete(&container)?;
        drop(_guard);
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
