//! `inspect` documents: containers, images, volumes and networks, with
//! podman's field names. Typed and serialisable; cli/ picks which and
//! renders them (JSON, or a Go template over the JSON).

use super::Engine;
use crate::error::{Error, Result};
use sangja_container::record::{Container, ContainerStore, Status};
use sangja_image::store::ImageStore;
use sangja_network::store::{NetworkRecord, NetworkStore};
use sangja_storage::layers::LayerStore;
use sangja_storage::volumes::{Volume, VolumeStore};
use serde::Serialize;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// What to look for a name among.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObjectKind {
    Container,
    Image,
    /// A container, else an image.
    Any,
}

/// One object's `inspect` document.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum Document {
    Container(Box<ContainerDoc>),
    Image(Box<ImageDoc>),
}

/// The container or image called `name`.
pub fn inspect(engine: &Engine, kind: ObjectKind, name: &str) -> Result<Document> {
    let container = || container(engine, name).map(|d| Document::Container(Box::new(d)));
    let image = || image(engine, name).map(|d| Document::Image(Box::new(d)));
    match kind {
        ObjectKind::Container => container(),
        ObjectKind::Image => image(),
        ObjectKind::Any => container()
            .or_else(|_| image())
            .map_err(|_| Error::Invalid(format!("no such object: \"{name}\": it is neither a container nor an image"))),
    }
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ContainerDoc {
    pub id: String,
    pub created: String,
    pub path: Option<String>,
    pub args: Vec<String>,
    pub state: ContainerState,
    pub image: String,
    pub image_name: String,
    pub name: String,
    pub restart_count: u32,
    pub driver: String,
    pub config: ContainerConfigDoc,
    pub network_settings: Value,
    pub host_config: HostConfig,
    pub mounts: Vec<Value>,
    pub graph_driver: GraphDriver<ContainerLayers>,
    /// The digest of the image's manifest.
    pub image_digest: String,
    pub rootfs: String,
    pub pod: String,
    pub resolv_conf_path: String,
    pub hostname_path: String,
    pub hosts_path: String,
    pub static_dir: String,
    #[serde(rename = "OCIRuntime")]
    pub oci_runtime: String,
    /// The monitor's pid file (podman: conmon's).
    pub conmon_pid_file: String,
    pub pid_file: String,
    pub mount_label: String,
    pub process_label: String,
    pub app_armor_profile: String,
    pub effective_caps: Value,
    pub bounding_caps: Value,
    #[serde(rename = "ExecIDs")]
    pub exec_ids: Vec<String>,
    pub dependencies: Vec<String>,
    pub namespace: String,
    pub is_infra: bool,
    pub is_service: bool,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ContainerState {
    pub oci_version: String,
    pub status: String,
    pub running: bool,
    pub paused: bool,
    pub restarting: bool,
    #[serde(rename = "OOMKilled")]
    pub oom_killed: bool,
    pub dead: bool,
    pub pid: i32,
    pub exit_code: i32,
    pub error: String,
    pub started_at: String,
    pub finished_at: String,
    /// The health check's status and results (podman's State.Health), when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub health: Option<super::healthcheck::Health>,
    pub checkpointed_at: String,
    pub restored_at: String,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ContainerConfigDoc {
    /// From the runtime spec (null before the container first ran).
    pub hostname: Value,
    pub user: String,
    pub env: Value,
    pub cmd: Vec<String>,
    pub working_dir: Value,
    pub entrypoint: String,
    pub image: String,
    pub labels: BTreeMap<String, String>,
    pub tty: bool,
    pub open_stdin: bool,
    pub stop_timeout: u64,
    pub create_command: Vec<String>,
    #[serde(rename = "sdNotifyMode")]
    pub sd_notify_mode: String,
    pub domainname: String,
    pub attach_stdin: bool,
    pub attach_stdout: bool,
    pub attach_stderr: bool,
    pub stdin_once: bool,
    pub volumes: Option<BTreeMap<String, Value>>,
    pub on_build: Option<Vec<String>>,
    pub annotations: BTreeMap<String, String>,
    /// The stop signal's number (podman's type).
    pub stop_signal: i32,
    pub umask: String,
    pub timeout: u64,
    pub passwd: bool,
    /// `--tz` ("" without it).
    pub timezone: String,
    /// The check the container runs (`--health-*` or the image's), in
    /// docker's form: nanoseconds, zero fields left out.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub healthcheck: Option<Value>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct HostConfig {
    pub network_mode: String,
    pub auto_remove: bool,
    pub restart_policy: RestartPolicyDoc,
    pub log_config: LogConfigDoc,
    pub port_bindings: BTreeMap<String, Vec<Value>>,
    pub cap_add: Vec<String>,
    pub cap_drop: Vec<String>,
    pub dns: Vec<String>,
    pub dns_options: Vec<String>,
    pub dns_search: Vec<String>,
    pub extra_hosts: Vec<String>,
    pub group_add: Vec<String>,
    pub ipc_mode: String,
    pub pid_mode: String,
    #[serde(rename = "UTSMode")]
    pub uts_mode: String,
    pub userns_mode: String,
    pub privileged: bool,
    pub readonly_rootfs: bool,
    pub security_opt: Vec<String>,
    pub shm_size: i64,
    pub oom_score_adj: i64,
    pub memory: i64,
    pub memory_swap: i64,
    pub memory_reservation: i64,
    pub nano_cpus: i64,
    pub cpu_shares: u64,
    pub cpu_period: u64,
    pub cpu_quota: i64,
    pub cpuset_cpus: String,
    pub cpuset_mems: String,
    pub pids_limit: i64,
    pub ulimits: Vec<Value>,
    /// `--cgroupns`.
    pub cgroup_mode: String,
    /// `--sysctl`s.
    pub sysctls: BTreeMap<String, String>,
}

/// podman's `HostConfig.LogConfig`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct LogConfigDoc {
    #[serde(rename = "Type")]
    pub kind: String,
    pub config: Option<BTreeMap<String, String>>,
    pub path: String,
    pub tag: String,
    /// The size cap as podman prints it ("0B": none).
    pub size: String,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct RestartPolicyDoc {
    pub name: String,
    pub maximum_retry_count: u32,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GraphDriver<D> {
    pub name: String,
    pub data: D,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ContainerLayers {
    /// The image's layers, top-most first, ':'-separated.
    pub lower_dir: String,
    pub upper_dir: PathBuf,
    pub work_dir: PathBuf,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ImageLayers {
    /// The layers below the top one, top-most first, ':'-separated (absent for one layer).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub lower_dir: String,
    /// The top layer.
    pub upper_dir: String,
}

/// `--label KEY=VALUE` list as a map (a bare KEY has an empty value).
fn labels(l: &[String]) -> BTreeMap<String, String> {
    l.iter()
        .map(|kv| match kv.split_once('=') {
            Some((k, v)) => (k.to_string(), v.to_string()),
            None => (kv.clone(), String::new()),
        })
        .collect()
}

/// The container called `name` (or with that id).
pub fn container(engine: &Engine, name: &str) -> Result<ContainerDoc> {
    let c = ContainerStore::new(&engine.paths).lookup(name)?;
    container_doc(engine, &c)
}

fn container_doc(engine: &Engine, c: &Container) -> Result<ContainerDoc> {
    let spec: Option<Value> = crate::json_file::read_opt(&c.dir.join("spec.json"))?;
    let process = spec.as_ref().map(|s| s["process"].clone()).unwrap_or(Value::Null);
    let o = &c.config.options;
    let s = &c.state;
    let image = ImageStore::new(&engine.paths).lookup(&c.config.image_id).ok();
    let lower: Vec<String> = image
        .as_ref()
        .map(|i| {
            let layers = LayerStore::new(&engine.paths);
            i.layers.iter().rev().map(|d| layers.diff_dir(d).display().to_string()).collect()
        })
        .unwrap_or_default();
    let res = spec.as_ref().map(|s| s["linux"]["resources"].clone()).unwrap_or(Value::Null);
    // Addresses and ports while it runs, as podman (empty once stopped).
    let net = match c.is_running() {
        true => sangja_network::read_state(&c.userdata_dir()).unwrap_or_default(),
        false => Default::default(),
    };
    Ok(ContainerDoc {
        id: c.config.id.clone(),
        created: c.config.created.clone(),
        path: c.config.command.first().cloned(),
        args: c.config.command.iter().skip(1).cloned().collect(),
        state: ContainerState {
            oci_version: "1.2.0".into(),
            status: super::containers::status_name(c).into(),
            running: matches!(s.status, Status::Running | Status::Paused),
            paused: s.status == Status::Paused,
            restarting: false,
            oom_killed: false,
            dead: false,
            pid: s.pid.unwrap_or(0),
            exit_code: s.exit_code.unwrap_or(0),
            error: String::new(),
            started_at: s.started_at.clone().unwrap_or_default(),
            finished_at: s.finished_at.clone().unwrap_or_default(),
            health: super::healthcheck::health(c),
            checkpointed_at: ZERO_TIME.into(),
            restored_at: ZERO_TIME.into(),
        },
        image: c.config.image_id.clone(),
        image_name: c.config.image_name.clone(),
        name: c.config.name.clone(),
        restart_count: s.restart_count,
        driver: engine.paths.driver.clone(),
        config: ContainerConfigDoc {
            hostname: spec.as_ref().map(|s| s["hostname"].clone()).unwrap_or(Value::Null),
            user: o.user.clone().unwrap_or_default(),
            env: process["env"].clone(),
            cmd: c.config.command.clone(),
            working_dir: process["cwd"].clone(),
            entrypoint: o.entrypoint.clone().unwrap_or_default(),
            image: c.config.image_name.clone(),
            labels: labels(&o.labels),
            tty: o.tty,
            open_stdin: o.interactive,
            stop_timeout: o.stop_timeout.unwrap_or(10),
            create_command: o.create_command.clone(),
            sd_notify_mode: o.sdnotify.as_str().into(),
            domainname: String::new(),
            attach_stdin: o.interactive && !o.detach,
            attach_stdout: !o.detach,
            attach_stderr: !o.detach,
            stdin_once: false,
            volumes: None,
            on_build: None,
            annotations: o.extra.annotations.iter().cloned().collect(),
            stop_signal: super::lifecycle::stop_signal(engine, c),
            umask: format!("{:04o}", process["user"]["umask"].as_u64().unwrap_or(0o022)),
            timeout: o.extra.timeout.unwrap_or(0),
            timezone: o.extra.tz.clone().unwrap_or_default(),
            passwd: true,
            healthcheck: super::healthcheck::config(c).map(|h| {
                let mut doc = serde_json::Map::new();
                doc.insert("Test".into(), json!(h.test));
                for (k, ms) in [("Interval", h.interval_ms), ("Timeout", h.timeout_ms), ("StartPeriod", h.start_period_ms)] {
                    if ms > 0 {
                        doc.insert(k.into(), json!(ms * 1_000_000));
                    }
                }
                if h.retries > 0 {
                    doc.insert("Retries".into(), json!(h.retries));
                }
                Value::Object(doc)
            }),
        },
        network_settings: sangja_network::settings_json(&net),
        host_config: HostConfig {
            network_mode: sangja_network::mode_name(&o.network),
            auto_remove: o.remove,
            restart_policy: RestartPolicyDoc { name: o.restart.name().into(), maximum_retry_count: o.restart.max_retries() },
            log_config: LogConfigDoc {
                kind: "k8s-file".into(),
                config: None,
                path: c.log_path().display().to_string(),
                tag: String::new(),
                size: o.log_max_size.map_or("0B".into(), |n| format!("{n}B")),
            },
            port_bindings: port_bindings(&o.net.publish),
            cap_add: o.security.cap_add.clone(),
            cap_drop: o.security.cap_drop.clone(),
            dns: o.net.dns.clone(),
            dns_options: o.net.dns_options.clone(),
            dns_search: o.net.dns_search.clone(),
            extra_hosts: o.net.add_hosts.clone(),
            group_add: o.extra.group_add.clone(),
            ipc_mode: ns_mode(&spec, "ipc"),
            pid_mode: ns_mode(&spec, "pid"),
            uts_mode: ns_mode(&spec, "uts"),
            userns_mode: o.security.userns.clone().unwrap_or_default(),
            privileged: o.security.privileged,
            readonly_rootfs: spec.as_ref().and_then(|s| s["root"]["readonly"].as_bool()).unwrap_or(o.read_only),
            security_opt: o.security.security_opt.clone(),
            shm_size: shm_size(&spec),
            oom_score_adj: process["oomScoreAdj"].as_i64().unwrap_or(0),
            memory: res["memory"]["limit"].as_i64().unwrap_or(0),
            memory_swap: res["memory"]["swap"].as_i64().unwrap_or(0),
            memory_reservation: res["memory"]["reservation"].as_i64().unwrap_or(0),
            nano_cpus: match (res["cpu"]["quota"].as_i64(), res["cpu"]["period"].as_u64()) {
                (Some(q), Some(p)) if q > 0 && p > 0 => q * 1_000_000_000 / p as i64,
                _ => 0,
            },
            cpu_shares: res["cpu"]["shares"].as_u64().unwrap_or(0),
            cpu_period: res["cpu"]["period"].as_u64().unwrap_or(0),
            cpu_quota: res["cpu"]["quota"].as_i64().unwrap_or(0),
            cpuset_cpus: res["cpu"]["cpus"].as_str().unwrap_or_default().into(),
            cpuset_mems: res["cpu"]["mems"].as_str().unwrap_or_default().into(),
            pids_limit: res["pids"]["limit"].as_i64().unwrap_or(0),
            ulimits: process["rlimits"]
                .as_array()
                .map(|l| l.iter().map(|r| serde_json::json!({"Name": r["type"], "Soft": r["soft"], "Hard": r["hard"]})).collect())
                .unwrap_or_default(),
            cgroup_mode: o.extra.cgroupns.clone().unwrap_or_else(|| "host".into()),
            sysctls: o.extra.sysctls.iter().cloned().collect(),
        },
        mounts: Vec::new(),
        graph_driver: GraphDriver {
            name: engine.paths.driver.clone(),
            data: ContainerLayers { lower_dir: lower.join(":"), upper_dir: c.upper_dir(), work_dir: c.work_dir() },
        },
        image_digest: image.as_ref().map(|i| i.digest.clone()).unwrap_or_default(),
        rootfs: String::new(),
        pod: String::new(),
        resolv_conf_path: c.userdata_dir().join("resolv.conf").display().to_string(),
        hostname_path: c.userdata_dir().join("hostname").display().to_string(),
        hosts_path: c.userdata_dir().join("hosts").display().to_string(),
        static_dir: c.dir.display().to_string(),
        oci_runtime: "sangja".into(),
        conmon_pid_file: o
            .extra
            .conmon_pidfile
            .as_ref()
            .map(|p| p.display().to_string())
            .unwrap_or_else(|| c.dir.join("monitor.pid").display().to_string()),
        pid_file: o.extra.pidfile.as_ref().map(|p| p.display().to_string()).unwrap_or_default(),
        mount_label: String::new(),
        process_label: String::new(),
        app_armor_profile: String::new(),
        effective_caps: caps(&process, "effective"),
        bounding_caps: caps(&process, "bounding"),
        exec_ids: Vec::new(),
        dependencies: Vec::new(),
        namespace: String::new(),
        is_infra: false,
        is_service: false,
    })
}

/// podman's zero time (Go's time.Time{}), for times that never happened.
const ZERO_TIME: &str = "0001-01-01T00:00:00Z";

/// `HostConfig.PortBindings`: "80/tcp" -> [{HostIp, HostPort}], one per port of a range.
fn port_bindings(publish: &[sangja_network::ports::PortRequest]) -> BTreeMap<String, Vec<Value>> {
    let mut out: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for p in publish {
        for i in 0..p.range.max(1) {
            let host_port = if p.host_port == 0 { String::new() } else { (p.host_port + i).to_string() };
            out.entry(format!("{}/{}", p.container_port + i, p.proto.as_str())).or_default().push(serde_json::json!({
                "HostIp": p.host_ip.map(|ip| ip.to_string()).unwrap_or_default(),
                "HostPort": host_port,
            }));
        }
    }
    out
}

/// "private" when the spec gives the container a namespace of `kind` of
/// its own, "host" when it shares ours.
fn ns_mode(spec: &Option<Value>, kind: &str) -> String {
    let Some(spec) = spec else { return String::new() };
    let own = spec["linux"]["namespaces"].as_array().is_some_and(|l| l.iter().any(|n| n["type"] == kind && n["path"].is_null()));
    if own { "private" } else { "host" }.into()
}

/// The size of /dev/shm from its mount's options (bytes).
fn shm_size(spec: &Option<Value>) -> i64 {
    let Some(mounts) = spec.as_ref().and_then(|s| s["mounts"].as_array().cloned()) else { return 0 };
    mounts
        .iter()
        .filter(|m| m["destination"] == "/dev/shm")
        .flat_map(|m| m["options"].as_array().cloned().unwrap_or_default())
        .filter_map(|o| o.as_str().and_then(|o| o.strip_prefix("size=")).map(str::to_string))
        .filter_map(|v| sangja_container::resources::parse_bytes(&v, "size").ok())
        .next_back()
        .unwrap_or(0)
}

/// The process's capabilities of one set, sorted (podman's list).
fn caps(process: &Value, set: &str) -> Value {
    let mut l: Vec<String> = process["capabilities"][set]
        .as_array()
        .map(|a| a.iter().filter_map(|c| c.as_str().map(str::to_string)).collect())
        .unwrap_or_default();
    l.sort();
    serde_json::json!(l)
}

/// podman's `image inspect` object: the same keys in the same order.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ImageDoc {
    pub id: String,
    pub digest: String,
    pub repo_tags: Vec<String>,
    pub repo_digests: Vec<String>,
    pub parent: String,
    pub comment: String,
    pub created: Option<String>,
    /// The image config's fields, as in the image.
    pub config: Value,
    pub version: String,
    pub author: String,
    pub architecture: Value,
    pub os: Value,
    pub size: u64,
    pub virtual_size: u64,
    pub graph_driver: GraphDriver<ImageLayers>,
    #[serde(rename = "RootFS")]
    pub root_fs: RootFs,
    pub labels: Value,
    pub annotations: BTreeMap<String, String>,
    pub manifest_type: String,
    pub user: String,
    pub history: Value,
    pub names_history: Vec<String>,
    /// The docker config's Healthcheck, at the top level as podman shows it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub healthcheck: Option<Value>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct RootFs {
    #[serde(rename = "Type")]
    pub kind: String,
    /// The layers' diff ids.
    pub layers: Vec<String>,
}

/// The image called `name` (or with that id).
pub fn image(engine: &Engine, name: &str) -> Result<ImageDoc> {
    let img = ImageStore::new(&engine.paths).lookup(name)?;
    let cfg = serde_json::to_value(&img.config).unwrap_or(Value::Null);
    let layers = LayerStore::new(&engine.paths);
    let diff_ids: Vec<String> = img.layers.iter().filter_map(|d| layers.info(d).ok()).map(|i| i.diff_id).collect();
    let mut repo_digests = img.repo_digests.clone();
    for n in &img.names {
        let rd = format!("{}@{}", n.rsplit_once(':').filter(|(_, t)| !t.contains('/')).map(|(r, _)| r).unwrap_or(n), img.digest);
        if !repo_digests.contains(&rd) {
            repo_digests.push(rd);
        }
    }
    let mut dirs = img.layers.iter().rev().map(|d| layers.diff_dir(d).display().to_string());
    let upper_dir = dirs.next().unwrap_or_default();
    let lower_dir = dirs.collect::<Vec<_>>().join(":");
    // The manifest's annotations (pull and commit keep the manifest as a blob).
    let annotations = std::fs::read(engine.paths.blob_path(&img.digest))
        .ok()
        .and_then(|b| serde_json::from_slice::<Value>(&b).ok())
        .and_then(|m| serde_json::from_value::<BTreeMap<String, String>>(m["annotations"].clone()).ok())
        .unwrap_or_default();
    let text = |v: &Value| v.as_str().unwrap_or_default().to_string();
    let labels = match &cfg["config"]["Labels"] {
        Value::Object(m) if !m.is_empty() => Value::Object(m.clone()),
        _ => Value::Null,
    };
    Ok(ImageDoc {
        id: img.id.clone(),
        digest: img.digest.clone(),
        repo_tags: img.names.clone(),
        repo_digests,
        parent: String::new(),
        comment: text(&cfg["comment"]),
        created: img.created.clone(),
        config: cfg["config"].clone(),
        version: text(&cfg["docker_version"]),
        author: text(&cfg["author"]),
        architecture: cfg["architecture"].clone(),
        os: cfg["os"].clone(),
        size: img.size,
        virtual_size: img.size,
        graph_driver: GraphDriver { name: engine.paths.driver.clone(), data: ImageLayers { lower_dir, upper_dir } },
        root_fs: RootFs { kind: "layers".into(), layers: diff_ids },
        labels,
        annotations,
        manifest_type: img.manifest_media_type.clone().unwrap_or_else(|| "application/vnd.oci.image.manifest.v1+json".into()),
        user: text(&cfg["config"]["User"]),
        history: cfg["history"].clone(),
        names_history: img.names.clone(),
        healthcheck: crate::images::docker_config(engine, &img.id).get("Healthcheck").filter(|h| h.is_object()).cloned(),
    })
}

/// podman's `volume inspect` object.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct VolumeDoc {
    pub name: String,
    pub driver: String,
    pub mountpoint: PathBuf,
    pub created_at: String,
    pub labels: BTreeMap<String, String>,
    pub scope: String,
    pub options: BTreeMap<String, String>,
    pub mount_count: u32,
    pub anonymous: bool,
    pub in_use: bool,
    pub needs_copy_up: bool,
    pub needs_chown: bool,
}

/// The document of a volume that `users` containers use.
pub fn volume_doc(engine: &Engine, v: &Volume, users: usize) -> VolumeDoc {
    VolumeDoc {
        name: v.name.clone(),
        driver: v.driver.clone(),
        mountpoint: VolumeStore::new(&engine.paths).data_dir(&v.name),
        created_at: v.created_at.clone(),
        labels: v.labels.clone(),
        scope: "local".into(),
        options: v.options.clone(),
        mount_count: 0,
        anonymous: v.anonymous,
        in_use: users > 0,
        needs_copy_up: !v.populated,
        needs_chown: false,
    }
}

/// `volume inspect`: every volume when `all`, then each name's, in order;
/// a name that is no volume gets its error in its place.
pub fn volumes(engine: &Engine, names: &[String], all: bool) -> Result<Vec<Result<VolumeDoc>>> {
    let list = super::volumes::list(engine)?;
    let mut out: Vec<Result<VolumeDoc>> = Vec::new();
    if all {
        out.extend(list.iter().map(|(v, u)| Ok(volume_doc(engine, v, u.len()))));
    }
    for n in names {
        out.push(match list.iter().find(|(v, _)| &v.name == n) {
            Some((v, u)) => Ok(volume_doc(engine, v, u.len())),
            None => Err(Error::VolumeNotFound(n.clone())),
        });
    }
    Ok(out)
}

/// podman's `network inspect` object.
#[derive(Debug, Clone, Serialize)]
pub struct NetworkDoc {
    pub name: String,
    pub id: String,
    pub driver: String,
    pub network_interface: String,
    pub created: String,
    pub subnets: Vec<SubnetDoc>,
    pub ipv6_enabled: bool,
    pub internal: bool,
    pub dns_enabled: bool,
    pub labels: BTreeMap<String, String>,
    pub ipam_options: IpamOptions,
    /// The containers attached, by id.
    pub containers: BTreeMap<String, NetworkMember>,
    /// The containers configured to use it, by name.
    pub used_by: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SubnetDoc {
    pub subnet: String,
    pub gateway: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct IpamOptions {
    pub driver: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct NetworkMember {
    pub name: String,
    pub ip: String,
}

/// The document of network `n`, which containers `users` use.
pub fn network_doc(n: &NetworkRecord, users: &[String]) -> NetworkDoc {
    let containers = sangja_network::bridge::members(n)
        .into_iter()
        .map(|l| (l.container_id.clone(), NetworkMember { name: l.names.first().cloned().unwrap_or_default(), ip: l.ip.to_string() }))
        .collect();
    NetworkDoc {
        name: n.name.clone(),
        id: n.id.clone(),
        driver: n.driver.clone(),
        network_interface: n.interface.clone(),
        created: n.created.clone(),
        subnets: vec![SubnetDoc { subnet: n.subnet.clone(), gateway: n.gateway.clone() }],
        ipv6_enabled: false,
        internal: n.internal,
        dns_enabled: false,
        labels: n.labels.clone(),
        ipam_options: IpamOptions { driver: "host-local".into() },
        containers,
        used_by: users.to_vec(),
    }
}

/// `network inspect`: each name's document, or its error, in order.
pub fn networks(engine: &Engine, names: &[String]) -> Result<Vec<Result<NetworkDoc>>> {
    let all = super::network::list(engine)?;
    let store = NetworkStore::new(&engine.paths.root);
    Ok(names
        .iter()
        .map(|name| {
            let n = store.lookup(name)?;
            let users = all.iter().find(|(x, _)| x.name == n.name).map(|(_, u)| u.clone()).unwrap_or_default();
            Ok(network_doc(&n, &users))
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_as_a_map() {
        let m = labels(&["a=1".into(), "b".into(), "c=x=y".into()]);
        assert_eq!(serde_json::to_value(m).unwrap(), serde_json::json!({"a": "1", "b": "", "c": "x=y"}));
    }

    #[test]
    fn network_keys_are_podmans() {
        let n = NetworkRecord {
            name: "n".into(),
            id: "i".into(),
            driver: "bridge".into(),
            interface: "sangja1".into(),
            subnet: "10.89.1.0/24".into(),
            gateway: "10.89.1.1".into(),
            internal: false,
            labels: BTreeMap::new(),
            created: "t".into(),
        };
        let v = serde_json::to_value(network_doc(&n, &["c".into()])).unwrap();
        assert_eq!(v["network_interface"], "sangja1");
        assert_eq!(v["subnets"][0]["gateway"], "10.89.1.1");
        assert_eq!(v["ipam_options"]["driver"], "host-local");
        assert_eq!(v["used_by"][0], "c");
        assert!(v["containers"].is_object());
    }
}
