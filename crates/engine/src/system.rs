//! `info`, `version` and `system df`: the configuration in effect, the
//! build, and the space the store takes. Typed documents with podman's keys;
//! cli/ renders them (YAML, JSON, templates, tables).

use super::Engine;
use crate::config::{containers_conf, settings};
use crate::error::Result;
use crate::paths::StorePaths;
use sangja_container::record::{ContainerStore, Status};
use sangja_image::registries;
use sangja_image::store::ImageStore;
use sangja_storage::layers::LayerStore;
use sangja_storage::volumes::{tree_size, VolumeStore};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

/// `version`: podman's fields (Go Version is Rust Version).
#[derive(Debug, Clone, Serialize)]
pub struct Version {
    #[serde(rename = "APIVersion")]
    pub api_version: String,
    #[serde(rename = "Version")]
    pub version: String,
    #[serde(rename = "RustVersion")]
    pub rust_version: String,
    #[serde(rename = "GitCommit")]
    pub git_commit: String,
    /// The build time, as podman shows it ("Mon Jan  2 15:04:05 2006").
    #[serde(rename = "BuiltTime")]
    pub built_time: String,
    /// The build time, seconds since the epoch.
    #[serde(rename = "Built")]
    pub built: i64,
    #[serde(rename = "OsArch")]
    pub os_arch: String,
    #[serde(rename = "Os")]
    pub os: String,
}

/// What the binary's build script embedded: the commit checked out, rustc's
/// version and the build time. The binary's crate owns build.rs, so it hands
/// these in.
#[derive(Debug, Clone, Copy, Default)]
pub struct BuildStamp {
    pub git_commit: &'static str,
    pub rust_version: &'static str,
    /// Seconds since the epoch, as text.
    pub built: &'static str,
}

/// This build of sangja.
pub fn version(build: BuildStamp) -> Version {
    let arch = sangja_image::pull::Platform::host().arch;
    let built: i64 = build.built.parse().unwrap_or(0);
    let built_time = chrono::DateTime::from_timestamp(built, 0)
        .map(|t| t.with_timezone(&chrono::Local).format("%a %b %e %H:%M:%S %Y").to_string())
        .unwrap_or_default();
    Version {
        api_version: env!("CARGO_PKG_VERSION").into(),
        version: env!("CARGO_PKG_VERSION").into(),
        rust_version: build.rust_version.into(),
        git_commit: build.git_commit.into(),
        built_time,
        built,
        os_arch: format!("linux/{arch}"),
        os: "linux".into(),
    }
}

/// The whole of `info`, with podman's JSON keys.
#[derive(Debug, Clone, Serialize)]
pub struct Info {
    pub host: HostInfo,
    pub store: StoreInfo,
    pub registries: RegistriesInfo,
    pub version: Version,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HostInfo {
    pub arch: String,
    pub os: String,
    pub kernel: String,
    pub hostname: String,
    pub distribution: Distribution,
    pub cgroup_version: String,
    pub cpus: usize,
    pub mem_total: u64,
    pub mem_free: u64,
    pub id_mappings: IdMappings,
    pub oci_runtime: OciRuntime,
    pub security: Security,
    pub containers_conf: Vec<String>,
}

/// /etc/os-release.
#[derive(Debug, Clone, Serialize)]
pub struct Distribution {
    pub distribution: String,
    pub version: String,
    pub codename: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct IdMappings {
    pub uidmap: Vec<IdMap>,
    pub gidmap: Vec<IdMap>,
}

#[derive(Debug, Clone, Serialize)]
pub struct IdMap {
    pub container_id: u64,
    pub host_id: u64,
    pub size: u64,
}

/// The runtime is part of sangja: no runc, crun or conmon.
#[derive(Debug, Clone, Serialize)]
pub struct OciRuntime {
    pub name: String,
    pub package: String,
    pub path: String,
    pub version: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Security {
    pub rootless: bool,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StoreInfo {
    pub config_file: String,
    pub graph_root: String,
    pub run_root: String,
    pub graph_driver_name: String,
    pub image_store: ImageCount,
    pub container_store: ContainerCount,
}

#[derive(Debug, Clone, Serialize)]
pub struct ImageCount {
    pub number: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct ContainerCount {
    pub number: usize,
    pub running: usize,
    pub paused: usize,
    pub stopped: usize,
}

/// registries.conf: one entry per `[[registry]]`, and the search list.
#[derive(Debug, Clone, Serialize)]
pub struct RegistriesInfo {
    #[serde(flatten)]
    pub registries: BTreeMap<String, RegistryInfo>,
    pub search: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct RegistryInfo {
    pub prefix: String,
    pub location: String,
    pub insecure: bool,
    pub blocked: bool,
    pub mirrors: Vec<MirrorInfo>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct MirrorInfo {
    pub location: String,
    pub insecure: bool,
}

fn os_release() -> Distribution {
    let text = std::fs::read_to_string("/etc/os-release").unwrap_or_default();
    let get =
        |k: &str| text.lines().find_map(|l| l.strip_prefix(&format!("{k}="))).map(|v| v.trim_matches('"').to_string()).unwrap_or_default();
    Distribution { distribution: get("ID"), version: get("VERSION_ID"), codename: get("VERSION_CODENAME") }
}

fn cgroup_version() -> &'static str {
    match nix::sys::statfs::statfs("/sys/fs/cgroup") {
        Ok(s) if s.filesystem_type() == nix::sys::statfs::CGROUP2_SUPER_MAGIC => "v2",
        _ => "v1",
    }
}

fn meminfo(key: &str) -> u64 {
    let text = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    text.lines()
        .find_map(|l| l.strip_prefix(&format!("{key}:")))
        .and_then(|v| v.split_whitespace().next()?.parse::<u64>().ok())
        .map(|kb| kb * 1024)
        .unwrap_or(0)
}

fn id_mappings(rootless: bool) -> IdMappings {
    let uid = crate::paths::host_uid();
    let gid = nix::unistd::getgid().as_raw();
    let name = nix::unistd::User::from_uid(nix::unistd::Uid::from_raw(uid)).ok().flatten().map(|u| u.name).unwrap_or_default();
    let map = |own: u32, file: &str| -> Vec<IdMap> {
        if !rootless {
            return vec![IdMap { container_id: 0, host_id: 0, size: 4294967295 }];
        }
        let mut v = vec![IdMap { container_id: 0, host_id: own.into(), size: 1 }];
        let mut next = 1u64;
        for r in crate::rootless::subid::read(Path::new(file), &name, uid).unwrap_or_default() {
            v.push(IdMap { container_id: next, host_id: r.start.into(), size: r.count.into() });
            next += u64::from(r.count);
        }
        v
    };
    IdMappings { uidmap: map(uid, "/etc/subuid"), gidmap: map(gid, "/etc/subgid") }
}

fn registries_info() -> Result<RegistriesInfo> {
    let (conf, _) = registries::load()?;
    let mut registries = BTreeMap::new();
    for e in &conf.registry {
        let key = e.prefix.clone().or(e.location.clone()).unwrap_or_default();
        let mirrors = e.mirror.iter().map(|x| MirrorInfo { location: x.location.clone(), insecure: x.insecure }).collect();
        let location = e.location.clone().unwrap_or(key.clone());
        registries.insert(key.clone(), RegistryInfo { prefix: key, location, insecure: e.insecure, blocked: e.blocked, mirrors });
    }
    Ok(RegistriesInfo { registries, search: conf.unqualified_search_registries.unwrap_or_default() })
}

/// `info`: needs no opened store (it only counts the records).
pub fn info(paths: &StorePaths, build: BuildStamp) -> Result<Info> {
    let cconf = containers_conf::load()?;
    let uts = nix::sys::utsname::uname().ok();
    let s = |f: fn(&nix::sys::utsname::UtsName) -> &std::ffi::OsStr| {
        uts.as_ref().map(|u| f(u).to_string_lossy().into_owned()).unwrap_or_default()
    };
    let images = ImageStore::new(paths).list().map(|v| v.len()).unwrap_or(0);
    let containers = ContainerStore::new(paths).list().unwrap_or_default();
    let running = containers.iter().filter(|c| c.state.status == Status::Running).count();
    let paused = containers.iter().filter(|c| c.state.status == Status::Paused).count();
    let exe = std::env::current_exe().map(|p| p.display().to_string()).unwrap_or_default();
    let (_, settings_file) = settings::load()?;
    let config_file = settings_file.or_else(|| settings::candidates().into_iter().next()).unwrap_or_default();
    let host = HostInfo {
        arch: sangja_image::pull::Platform::host().arch,
        os: "linux".into(),
        kernel: s(|u| u.release()),
        hostname: s(|u| u.nodename()),
        distribution: os_release(),
        cgroup_version: cgroup_version().into(),
        cpus: std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
        mem_total: meminfo("MemTotal"),
        mem_free: meminfo("MemAvailable"),
        id_mappings: id_mappings(paths.rootless),
        oci_runtime: OciRuntime { name: "sangja".into(), package: "built in".into(), path: exe, version: env!("CARGO_PKG_VERSION").into() },
        security: Security { rootless: paths.rootless },
        containers_conf: cconf.files.iter().map(|p| p.display().to_string()).collect(),
    };
    let store = StoreInfo {
        config_file: config_file.display().to_string(),
        graph_root: paths.root.display().to_string(),
        run_root: paths.runroot.display().to_string(),
        graph_driver_name: paths.driver.clone(),
        image_store: ImageCount { number: images },
        container_store: ContainerCount { number: containers.len(), running, paused, stopped: containers.len() - running - paused },
    };
    Ok(Info { host, store, registries: registries_info()?, version: version(build) })
}

/// `system df`: what images, containers and volumes take, and how much of
/// it nothing uses.
#[derive(Debug, Clone, Serialize)]
pub struct DiskUsage {
    pub images: Usage,
    pub containers: Usage,
    pub volumes: Usage,
    /// Each object's share (`df -v`, the API's `GET /system/df`).
    #[serde(skip)]
    pub detail: UsageDetail,
}

/// `system df -v`: what each image, container and volume takes.
#[derive(Debug, Clone, Default)]
pub struct UsageDetail {
    /// The bytes of every layer, each counted once (docker's LayersSize).
    pub layers_size: u64,
    pub images: Vec<ImageUsage>,
    pub containers: Vec<ContainerUsage>,
    pub volumes: Vec<VolumeUsage>,
}

/// One image: its layers' bytes, those it shares with other images, and
/// how many containers use it.
#[derive(Debug, Clone)]
pub struct ImageUsage {
    pub image: sangja_image::store::ImageRecord,
    pub size: u64,
    pub shared_size: u64,
    pub containers: usize,
}

/// One container: the bytes of its own layer, and its image's.
#[derive(Debug, Clone)]
pub struct ContainerUsage {
    pub container: sangja_container::record::Container,
    pub size_rw: u64,
    pub image_size: u64,
}

/// One volume: its bytes and the containers that name it.
#[derive(Debug, Clone)]
pub struct VolumeUsage {
    pub volume: sangja_storage::volumes::Volume,
    pub size: u64,
    pub users: usize,
}

/// One kind of object's count and bytes.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Usage {
    pub total: usize,
    /// In use: images with containers, running containers, volumes mounted by a container.
    pub active: usize,
    pub size: u64,
    /// Bytes that removing the unused ones would free.
    pub reclaimable: u64,
}

/// `system df`.
pub fn df(engine: &Engine) -> Result<DiskUsage> {
    let images = ImageStore::new(&engine.paths).list()?;
    let containers = ContainerStore::new(&engine.paths).list()?;
    let volumes = super::volumes::list(engine)?;
    let used_images: HashSet<&str> = containers.iter().map(|c| c.config.image_id.as_str()).collect();
    let layer_store = LayerStore::new(&engine.paths);
    // Shared layers count once; a layer is reclaimable when no used image has it.
    let mut layer_size = HashMap::new();
    let mut used_layers = HashSet::new();
    for i in &images {
        for l in &i.layers {
            if !layer_size.contains_key(l) {
                layer_size.insert(l.clone(), layer_store.info(l).map(|x| x.size).unwrap_or(0));
            }
            if used_images.contains(i.id.as_str()) {
                used_layers.insert(l.clone());
            }
        }
    }
    // A layer is shared when more than one image has it.
    let mut layer_users: HashMap<&String, usize> = HashMap::new();
    for i in &images {
        for l in i.layers.iter().collect::<HashSet<_>>() {
            *layer_users.entry(l).or_default() += 1;
        }
    }
    let mut detail = UsageDetail { layers_size: layer_size.values().sum(), ..Default::default() };
    let mut image_size = HashMap::new();
    for i in &images {
        let mine: HashSet<&String> = i.layers.iter().collect();
        let size = mine.iter().map(|l| layer_size.get(*l).copied().unwrap_or(0)).sum::<u64>();
        let shared_size =
            mine.iter().filter(|l| layer_users.get(**l).is_some_and(|n| *n > 1)).map(|l| layer_size.get(*l).copied().unwrap_or(0)).sum();
        let containers = containers.iter().filter(|c| c.config.image_id == i.id).count();
        image_size.insert(i.id.clone(), size);
        detail.images.push(ImageUsage { image: i.clone(), size, shared_size, containers });
    }
    let images = Usage {
        total: images.len(),
        active: images.iter().filter(|i| used_images.contains(i.id.as_str())).count(),
        size: layer_size.values().sum(),
        reclaimable: layer_size.iter().filter(|(l, _)| !used_layers.contains(*l)).map(|(_, s)| s).sum(),
    };
    let mut ctrs = Usage { total: containers.len(), active: containers.iter().filter(|c| c.is_running()).count(), size: 0, reclaimable: 0 };
    for c in &containers {
        let s = tree_size(&c.upper_dir());
        ctrs.size += s;
        if !c.is_running() {
            ctrs.reclaimable += s;
        }
        let image_size = image_size.get(&c.config.image_id).copied().unwrap_or(0);
        detail.containers.push(ContainerUsage { container: c.clone(), size_rw: s, image_size });
    }
    let store = VolumeStore::new(&engine.paths);
    let mut vols = Usage { total: volumes.len(), active: volumes.iter().filter(|(_, u)| !u.is_empty()).count(), size: 0, reclaimable: 0 };
    for (v, users) in &volumes {
        let s = tree_size(&store.data_dir(&v.name));
        vols.size += s;
        if users.is_empty() {
            vols.reclaimable += s;
        }
        detail.volumes.push(VolumeUsage { volume: v.clone(), size: s, users: users.len() });
    }
    Ok(DiskUsage { images, containers: ctrs, volumes: vols, detail })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn info_keys_are_podmans() {
        let mut registries = BTreeMap::new();
        let mirrors = vec![MirrorInfo { location: "m".into(), insecure: true }];
        registries.insert("r".into(), RegistryInfo { prefix: "r".into(), location: "l".into(), insecure: false, blocked: true, mirrors });
        let info = Info {
            host: HostInfo {
                arch: "amd64".into(),
                os: "linux".into(),
                kernel: "k".into(),
                hostname: "h".into(),
                distribution: Distribution { distribution: "d".into(), version: "v".into(), codename: "c".into() },
                cgroup_version: "v2".into(),
                cpus: 2,
                mem_total: 3,
                mem_free: 1,
                id_mappings: IdMappings { uidmap: vec![IdMap { container_id: 0, host_id: 1000, size: 1 }], gidmap: vec![] },
                oci_runtime: OciRuntime { name: "sangja".into(), package: "p".into(), path: "/x".into(), version: "1".into() },
                security: Security { rootless: true },
                containers_conf: vec![],
            },
            store: StoreInfo {
                config_file: "f".into(),
                graph_root: "g".into(),
                run_root: "r".into(),
                graph_driver_name: "overlay".into(),
                image_store: ImageCount { number: 1 },
                container_store: ContainerCount { number: 2, running: 1, paused: 0, stopped: 1 },
            },
            registries: RegistriesInfo { registries, search: vec!["quay.io".into()] },
            version: version(BuildStamp::default()),
        };
        let v = serde_json::to_value(&info).unwrap();
        assert_eq!(v["host"]["idMappings"]["uidmap"][0]["host_id"], 1000);
        assert_eq!(v["host"]["cgroupVersion"], "v2");
        assert_eq!(v["host"]["memTotal"], 3);
        assert_eq!(v["host"]["ociRuntime"]["name"], "sangja");
        assert_eq!(v["store"]["graphDriverName"], "overlay");
        assert_eq!(v["store"]["containerStore"]["stopped"], 1);
        assert_eq!(v["registries"]["search"][0], "quay.io");
        assert_eq!(v["registries"]["r"]["Mirrors"][0]["Insecure"], true);
        assert_eq!(v["registries"]["r"]["Blocked"], true);
        assert_eq!(v["version"]["OsArch"].as_str().map(|s| s.starts_with("linux/")), Some(true));
        assert!(v["version"]["APIVersion"].is_string() && v["version"]["BuiltTime"].is_string());
    }
}
