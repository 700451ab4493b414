//! Builds the OCI runtime Spec (config.json) of a container from the image
//! configuration and the user's options, with podman's defaults.

mod extra;
mod user;
mod userns;

pub use extra::{keeps_groups, KEEP_GROUPS_ANNOTATION};

use super::{NetworkMode, RunOptions};
use crate::config::containers_conf::ContainerDefaults;
use crate::error::{Error, IoContext, Result};
use oci_spec::image::{Config, ImageConfiguration};
use oci_spec::runtime::{Linux, LinuxNamespace, LinuxNamespaceType, Mount, PosixRlimit, PosixRlimitType, Process, Root, Spec, User};
use std::path::{Path, PathBuf};

/// What the spec builder needs to know about where the container lives.
#[derive(Debug, Clone)]
pub struct SpecContext {
    /// Container id (64 hex).
    pub id: String,
    /// Where the rootfs is mounted (spec.root.path).
    pub rootfs: PathBuf,
    /// The container's own folder for generated files (hosts, hostname, resolv.conf).
    pub userdata: PathBuf,
    /// The image's layer folders, top first, to read /etc/passwd and /etc/group for `-u name`.
    pub layer_dirs: Vec<PathBuf>,
    /// True when running rootless (inside sangja's user namespace).
    pub rootless: bool,
}

const DEFAULT_PATH: &str = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/// podman's RLimitDefaultValue, for both RLIMIT_NOFILE and RLIMIT_NPROC; the
/// runtime clamps them to the hard limits it is given.
const RLIMIT_DEFAULT: u64 = 1_048_576;

const MASKED_PATHS: [&str; 12] = [
    "/proc/acpi",
    "/proc/kcore",
    "/proc/keys",
    "/proc/latency_stats",
    "/proc/timer_list",
    "/proc/timer_stats",
    "/proc/sched_debug",
    "/proc/scsi",
    "/sys/firmware",
    "/sys/fs/selinux",
    "/sys/dev/block",
    "/sys/devices/virtual/powercap",
];

const READONLY_PATHS: [&str; 6] = ["/proc/asound", "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"];

/// Builds the Spec; writes the generated /etc files into `ctx.userdata`.
pub fn build(image: &ImageConfiguration, opts: &RunOptions, ctx: &SpecContext) -> Result<Spec> {
    build_with(image, opts, ctx, &ContainerDefaults::default(), &mut |_| {})
}

/// `build` with containers.conf's defaults: its env below the image's, its
/// ulimits over sangja's, its umask and time zone. Debug detail (cgroups)
/// goes to `notes`.
pub fn build_with(
    image: &ImageConfiguration,
    opts: &RunOptions,
    ctx: &SpecContext,
    defaults: &ContainerDefaults,
    notes: &mut dyn FnMut(crate::runtime::Notice),
) -> Result<Spec> {
    let empty = Config::default();
    let config = image.config().as_ref().unwrap_or(&empty);
    let args = command(config, opts)?;
    let hostname = hostname(opts, ctx);
    let base_env: Vec<String> = defaults.env.iter().chain(config.env().as_deref().unwrap_or(&[]).iter()).cloned().collect();
    let base_env = extra::base_env(base_env, &opts.extra);
    let mut env = environment(&base_env, &opts.env, &hostname, |k| std::env::var(k).ok());
    extra::drop_unset_defaults(&mut env, &opts.extra, &opts.env, &base_env);
    let cwd = workdir(opts.workdir.as_deref(), config.working_dir().as_deref())?;
    let user_spec = opts.user.as_deref().or(config.user().as_deref()).unwrap_or("");
    let ids = user::resolve(user_spec, &ctx.layer_dirs)?;
    // As podman: HOME from the user's passwd entry unless the image or -e set it.
    if !env.iter().any(|e| e.starts_with("HOME=")) {
        // A user the image lacks: its added entry's home, the working
        // directory (podman's --passwd); "/" with --passwd=false.
        let fallback = if opts.extra.passwd == Some(false) { "/" } else { cwd.as_str() };
        env.push(format!("HOME={}", ids.home.as_deref().unwrap_or(fallback)));
    }
    let etc = write_etc_files(opts, ctx, &hostname)?;

    let mut process_user = User::default();
    process_user.set_uid(ids.uid);
    process_user.set_gid(ids.gid);
    let mut groups = ids.groups.clone();
    groups.extend(extra::group_gids(&opts.extra, &ctx.layer_dirs)?.into_iter().filter(|g| !ids.groups.contains(g)));
    process_user.set_additional_gids(Some(user::settable_groups(&groups)));
    process_user.set_umask(opts.extra.umask.or(defaults.umask));
    let mut process = Process::default();
    process.set_terminal(Some(opts.tty));
    process.set_user(process_user);
    process.set_args(Some(args));
    process.set_env(Some(env));
    process.set_cwd(PathBuf::from(cwd));
    process.set_capabilities(None);
    process.set_no_new_privileges(None);
    let mut rlimits = vec![rlimit(PosixRlimitType::RlimitNofile)?, rlimit(PosixRlimitType::RlimitNproc)?];
    for u in &defaults.ulimits {
        rlimits.retain(|r| r.typ() != u.typ);
        rlimits.push(
            oci_spec::runtime::PosixRlimitBuilder::default()
                .typ(u.typ)
                .soft(u.soft)
                .hard(u.hard)
                .build()
                .map_err(|e| Error::Runtime(format!("build the rlimits of the spec: {e}")))?,
        );
    }
    process.set_rlimits(Some(rlimits));

    let mut root = Root::default();
    root.set_path(ctx.rootfs.clone());
    root.set_readonly(Some(false));

    let mut linux = Linux::default();
    linux.set_resources(None);
    linux.set_namespaces(Some(namespaces(&opts.network)));
    linux.set_masked_paths(Some(MASKED_PATHS.iter().map(|s| s.to_string()).collect()));
    linux.set_readonly_paths(Some(READONLY_PATHS.iter().map(|s| s.to_string()).collect()));

    let mut spec = Spec::default();
    spec.set_hostname(Some(hostname));
    spec.set_process(Some(process));
    spec.set_root(Some(root));
    let mut all_mounts = mounts(&etc)?;
    let zone = match opts.extra.tz.as_deref() {
        Some(tz) => Some(crate::config::containers_conf::zone_file(tz).map_err(|why| Error::Invalid(format!("--tz: {why}")))?),
        None => defaults.localtime.clone(),
    };
    if let Some(zone) = &zone {
        all_mounts.push(mount("/etc/localtime", "bind", zone, &["bind", "rprivate", "ro"]));
    }
    spec.set_mounts(Some(all_mounts));
    spec.set_linux(Some(linux));
    // podman: a -w folder missing from the image is an error at start (the
    // image's WORKDIR is created); the runtime checks it (runtime plan.rs).
    let explicit_workdir = opts.workdir.as_deref().is_some_and(|d| !d.is_empty() && d != "/");
    spec.set_annotations(
        explicit_workdir.then(|| std::iter::once((crate::runtime::WORKDIR_CHECK_ANNOTATION.to_string(), ctx.id.clone())).collect()),
    );
    // Before the capabilities: keep-id changes the process's user.
    let userns_mode =
        userns::parse(opts.security.userns.as_deref(), &opts.security.uidmap, &opts.security.gidmap, defaults.userns.as_deref())?;
    userns::apply(&mut spec, &userns_mode, ctx, opts.user.is_some())?;
    super::security::apply(&mut spec, &opts.security)?;
    super::devices::apply(&mut spec, &opts.security, ctx.rootless)?;
    super::resources::apply(&mut spec, &opts.resources, &ctx.id, defaults.pids_limit, notes)?;
    super::devices::allowlist(&mut spec, &opts.security)?;
    extra::apply(&mut spec, &opts.extra, &opts.network, ctx.rootless)?;
    extra::passwd(&mut spec, &opts.extra, ctx, user_spec)?;
    if opts.init {
        super::init::add_to_spec(&mut spec)?;
    }
    Ok(spec)
}

/// Entrypoint and command as podman composes them: `--entrypoint` replaces
/// the image's and drops its Cmd; `--entrypoint ""` clears it.
fn command(config: &Config, opts: &RunOptions) -> Result<Vec<String>> {
    let entrypoint: Vec<String> = match &opts.entrypoint {
        Some(e) if e.is_empty() => Vec::new(),
        // podman also takes a JSON array here.
        Some(e) => match e.starts_with('[').then(|| serde_json::from_str::<Vec<String>>(e).ok()).flatten() {
            Some(list) => list,
            None => vec![e.clone()],
        },
        None => config.entrypoint().clone().unwrap_or_default(),
    };
    let mut args = entrypoint;
    if args.len() == 1 && args[0].is_empty() {
        args.clear();
    }
    if !opts.command.is_empty() {
        args.extend(opts.command.iter().cloned());
    } else if opts.entrypoint.is_none() {
        args.extend(config.cmd().clone().unwrap_or_default());
    }
    if args.is_empty() {
        return Err(Error::Invalid("no command specified: the image has no CMD or ENTRYPOINT; give one after the image name".into()));
    }
    Ok(args)
}

fn hostname(opts: &RunOptions, ctx: &SpecContext) -> String {
    if let Some(h) = opts.hostname.as_ref().filter(|h| !h.is_empty()) {
        return h.clone();
    }
    // As podman: with the host's network (or UTS namespace) the container takes the host's name.
    if opts.network == NetworkMode::Host || opts.extra.uts.as_deref() == Some("host") {
        if let Ok(h) = std::fs::read_to_string("/proc/sys/kernel/hostname") {
            if !h.trim().is_empty() {
                return h.trim().to_string();
            }
        }
    }
    ctx.id.chars().take(12).collect()
}

/// Image Env, then `-e` (a bare KEY takes sangja's own value, skipped when
/// unset); a later KEY replaces an earlier one in place. Then the defaults
/// for what is still missing.
fn environment(image: &[String], user: &[String], hostname: &str, lookup: impl Fn(&str) -> Option<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut set = |entry: String| {
        let key = entry.split('=').next().unwrap_or("").to_string();
        match out.iter_mut().find(|e| e.split('=').next() == Some(key.as_str())) {
            Some(slot) => *slot = entry,
            None => out.push(entry),
        }
    };
    for e in image.iter().filter(|e| !e.is_empty()) {
        set(e.clone());
    }
    for e in user.iter().filter(|e| !e.is_empty()) {
        if e.contains('=') {
            set(e.clone());
        } else if let Some(v) = lookup(e) {
            set(format!("{e}={v}"));
        }
    }
    let has = |out: &[String], k: &str| out.iter().any(|e| e.split('=').next() == Some(k));
    // As podman: TERM=xterm with or without a terminal.
    let defaults = [
        ("PATH", DEFAULT_PATH.to_string()),
        ("container", "sangja".to_string()),
        ("TERM", "xterm".to_string()),
        ("HOSTNAME", hostname.to_string()),
    ];
    for (k, v) in defaults {
        if !has(&out, k) {
            out.push(format!("{k}={v}"));
        }
    }
    out
}

fn workdir(opt: Option<&str>, image: Option<&str>) -> Result<String> {
    let dir = opt.filter(|d| !d.is_empty()).or(image.filter(|d| !d.is_empty())).unwrap_or("/");
    if !dir.starts_with('/') {
        let whose = if opt.is_some_and(|d| !d.is_empty()) { "-w/--workdir" } else { "the image's WorkingDir" };
        return Err(Error::Invalid(format!("working directory {dir:?} ({whose}) is not an absolute path: give a path starting with /")));
    }
    Ok(dir.to_string())
}

/// The generated files and where they go in the container.
struct EtcFiles {
    hostname: PathBuf,
    hosts: PathBuf,
    resolv: PathBuf,
}

fn write_etc_files(opts: &RunOptions, ctx: &SpecContext, hostname: &str) -> Result<EtcFiles> {
    std::fs::create_dir_all(&ctx.userdata).path_ctx("create", &ctx.userdata)?;
    let files =
        EtcFiles { hostname: ctx.userdata.join("hostname"), hosts: ctx.userdata.join("hosts"), resolv: ctx.userdata.join("resolv.conf") };
    let host_resolv = std::fs::read_to_string("/etc/resolv.conf").unwrap_or_default();
    use crate::network::hosts::{self as nethosts, Resolver};
    let kind = match opts.network {
        NetworkMode::Host => Resolver::Host,
        NetworkMode::None => Resolver::None,
        NetworkMode::Pasta(_) => Resolver::Pasta,
        NetworkMode::Slirp4netns(_) => Resolver::Slirp,
        NetworkMode::Container(_) | NetworkMode::Ns(_) | NetworkMode::Bridge(_) => Resolver::Other,
    };
    let mut hosts = match opts.network {
        NetworkMode::Host => {
            let mut hosts = std::fs::read_to_string("/etc/hosts").unwrap_or_default();
            if !hosts.is_empty() && !hosts.ends_with('\n') {
                hosts.push('\n');
            }
            if !hosts.split_whitespace().any(|w| w == hostname) {
                hosts.push_str(&own_hosts_line(hostname, opts));
            }
            hosts
        }
        _ => {
            let mut hosts = String::from(
                "127.0.0.1\tlocalhost localhost.localdomain localhost4 localhost4.localdomain4\n\
                 ::1\tlocalhost localhost.localdomain localhost6 localhost6.localdomain6\n",
            );
            hosts.push_str(&own_hosts_line(hostname, opts));
            hosts
        }
    };
    // --add-host lines come after the defaults; --dns* shape resolv.conf (network/hosts.rs).
    hosts.push_str(&nethosts::add_host_lines(&opts.net)?);
    let resolv = if kind == Resolver::Host && opts.net == Default::default() {
        host_resolv
    } else {
        nethosts::resolv_conf(&host_resolv, kind, &opts.net)
    };
    for (path, text) in [(&files.hostname, format!("{hostname}\n")), (&files.hosts, hosts), (&files.resolv, resolv)] {
        std::fs::write(path, text).path_ctx("write", path)?;
    }
    Ok(files)
}

fn own_hosts_line(hostname: &str, opts: &RunOptions) -> String {
    match opts.name.as_deref().filter(|n| *n != hostname) {
        Some(name) => format!("127.0.1.1\t{hostname} {name}\n"),
        None => format!("127.0.1.1\t{hostname}\n"),
    }
}

fn mounts(etc: &EtcFiles) -> Result<Vec<Mount>> {
    let tmpfs_dev = ["nosuid", "strictatime", "mode=755", "size=65536k"];
    let devpts = ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"];
    let shm = ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"];
    let nosuid_noexec_nodev = ["nosuid", "noexec", "nodev"];
    let sys = ["nosuid", "noexec", "nodev", "ro"];
    let bind = ["bind", "rprivate"];
    Ok(vec![
        mount("/proc", "proc", Path::new("proc"), &nosuid_noexec_nodev),
        mount("/dev", "tmpfs", Path::new("tmpfs"), &tmpfs_dev),
        mount("/dev/pts", "devpts", Path::new("devpts"), &devpts),
        mount("/dev/shm", "tmpfs", Path::new("shm"), &shm),
        mount("/dev/mqueue", "mqueue", Path::new("mqueue"), &nosuid_noexec_nodev),
        mount("/sys", "sysfs", Path::new("sysfs"), &sys),
        mount("/etc/hostname", "bind", &etc.hostname, &bind),
        mount("/etc/hosts", "bind", &etc.hosts, &bind),
        mount("/etc/resolv.conf", "bind", &etc.resolv, &bind),
    ])
}

fn mount(dest: &str, typ: &str, source: &Path, options: &[&str]) -> Mount {
    let mut m = Mount::default();
    m.set_destination(PathBuf::from(dest));
    m.set_typ(Some(typ.to_string()));
    m.set_source(Some(source.to_path_buf()));
    m.set_options(Some(options.iter().map(|s| s.to_string()).collect()));
    m
}

fn namespaces(network: &NetworkMode) -> Vec<LinuxNamespace> {
    let mut types = vec![LinuxNamespaceType::Pid, LinuxNamespaceType::Mount, LinuxNamespaceType::Uts, LinuxNamespaceType::Ipc];
    // Every mode but host has a namespace of its own; network::attach points
    // it at the backend's (or another container's) when the container starts.
    if crate::network::own_namespace(network) {
        types.push(LinuxNamespaceType::Network);
    }
    types
        .into_iter()
        .map(|t| {
            let mut ns = LinuxNamespace::default();
            ns.set_typ(t);
            if let (LinuxNamespaceType::Network, NetworkMode::Ns(path)) = (t, network) {
                ns.set_path(Some(PathBuf::from(path)));
            }
            ns
        })
        .collect()
}

fn rlimit(typ: PosixRlimitType) -> Result<PosixRlimit> {
    oci_spec::runtime::PosixRlimitBuilder::default()
        .typ(typ)
        .soft(RLIMIT_DEFAULT)
        .hard(RLIMIT_DEFAULT)
        .build()
        .map_err(|e| Error::Runtime(format!("build the rlimits of the spec: {e}")))
}

#[cfg(test)]
mod tests;

/// `exec -u`: resolves a user against the /etc/passwd and /etc/group under
/// `root` (a running container's root, /proc/PID/root): uid, gid, groups, home.
pub fn resolve_user_in(user: &str, root: &Path) -> Result<(u32, u32, Vec<u32>, Option<String>)> {
    let ids = user::resolve(user, &[root.to_path_buf()])?;
    Ok((ids.uid, ids.gid, ids.groups, ids.home))
}
