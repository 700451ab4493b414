//! Where sangja keeps things (DESIGN.md, Paths). Computed once at start-up,
//! before the process enters its user namespace (where getuid() is 0).

mod driver_probe;

use crate::error::{Error, IoContext, Result};
use std::fs;
use std::path::{Path, PathBuf};

/// Storage drivers a store can use.
pub const DRIVERS: &[&str] = &["overlay", "fuse-overlay", "vfs"];

/// Set (to anything but "" or "0") to make the kernel overlay probe fail, so
/// tests can reach the automatic fall-back on a machine where overlay works.
pub const ENV_PROBE_NO_OVERLAY: &str = "_SANGJA_PROBE_NO_OVERLAY";
/// Set to make /dev/fuse count as unusable for the automatic choice.
pub const ENV_PROBE_NO_FUSE: &str = "_SANGJA_PROBE_NO_FUSE";

/// The store's locations and the identity they belong to.
#[derive(Debug, Clone)]
pub struct StorePaths {
    /// Persistent store: blobs, layers, images, containers.
    pub root: PathBuf,
    /// Run-time state: pids, sockets.
    pub runroot: PathBuf,
    /// The storage driver in use.
    pub driver: String,
    /// True when the invoking user is not root (the store lives in a user namespace).
    pub rootless: bool,
    /// Why the driver was chosen automatically when it is not kernel overlay:
    /// said once, when the store is made (a silent slow driver is podman's
    /// most common complaint).
    pub driver_notice: Option<String>,
}

/// The invoking user's real uid before any user namespace was entered.
pub fn host_uid() -> u32 {
    match std::env::var(crate::rootless::ENV_HOST_UID).ok().and_then(|v| v.parse().ok()) {
        Some(uid) => uid,
        None => nix::unistd::getuid().as_raw(),
    }
}

fn home() -> PathBuf {
    std::env::var_os("HOME").map(PathBuf::from).unwrap_or_else(|| PathBuf::from("/"))
}

fn xdg(var: &str, fallback: &str) -> PathBuf {
    match std::env::var_os(var) {
        Some(v) if !v.is_empty() => PathBuf::from(v),
        _ => home().join(fallback),
    }
}

impl StorePaths {
    /// Default locations for the current user, overridden by `--root`/`--runroot`.
    pub fn new(root: Option<PathBuf>, runroot: Option<PathBuf>, driver: Option<String>) -> Result<Self> {
        let uid = host_uid();
        let rootless = uid != 0;
        // sangja.conf fills in what the flags leave open (config/settings.rs).
        let (settings, _) = crate::config::settings::load()?;
        let root = root.or(settings.storage.root);
        // containers.conf's [engine] tmp_dir is podman's place for run-time
        // state; sangja keeps its own in a folder there, so the two never mix.
        let runroot = match runroot.or(settings.storage.runroot) {
            Some(r) => Some(r),
            None => crate::config::containers_conf::load()?
                .conf
                .engine
                .tmp_dir
                .filter(|d| !d.is_empty())
                .map(|d| PathBuf::from(d).join("sangja")),
        };
        let driver = driver.or(settings.storage.driver);
        let root = match root {
            Some(r) => r,
            None if rootless => xdg("XDG_DATA_HOME", ".local/share").join("sangja"),
            None => PathBuf::from("/var/lib/sangja"),
        };
        let runroot = match runroot {
            Some(r) => r,
            None if rootless => match std::env::var_os("XDG_RUNTIME_DIR") {
                Some(d) if !d.is_empty() => PathBuf::from(d).join("sangja"),
                _ => std::env::temp_dir().join(format!("sangja-run-{uid}")),
            },
            None => PathBuf::from("/run/sangja"),
        };
        if let Some(d) = &driver {
            if !DRIVERS.contains(&d.as_str()) {
                return Err(Error::Invalid(format!("unknown storage driver \"{d}\": use one of {}", DRIVERS.join(", "))));
            }
        }
        // Asked for, else the store's own, else the best this machine allows.
        let recorded = fs::read_to_string(root.join("driver")).ok().map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
        let (driver, driver_notice) = match (driver, recorded) {
            (Some(d), _) => (d, None),
            (None, Some(r)) => (r, None),
            (None, None) => driver_probe::choose(&runroot, rootless),
        };
        if !DRIVERS.contains(&driver.as_str()) {
            return Err(Error::Invalid(format!(
                "the store at {} records the unknown storage driver \"{driver}\" in {}: write one of {} there, or delete the store",
                root.display(),
                root.join("driver").display(),
                DRIVERS.join(", ")
            )));
        }
        Ok(StorePaths { root, runroot, driver, rootless, driver_notice })
    }

    /// Creates the store's folders and checks the recorded driver. Returns
    /// the note for the user when this made the store with a driver chosen
    /// for them (`driver_notice`), which the caller shows.
    pub fn ensure(&self) -> Result<Option<String>> {
        for d in [
            self.root.clone(),
            self.tmp_dir(),
            self.blobs_dir(),
            self.layers_dir(),
            self.images_dir(),
            self.containers_dir(),
            self.runroot.clone(),
        ] {
            fs::create_dir_all(&d).path_ctx("create", &d)?;
        }
        let marker = self.root.join("driver");
        match fs::read_to_string(&marker) {
            Ok(recorded) if recorded.trim() != self.driver => Err(Error::Invalid(format!(
                "the store at {} uses the \"{}\" storage driver, not \"{}\": a store never mixes drivers; \
                 pass --storage-driver {} (or drop the flag and the [storage] driver setting), use another --root, \
                 or delete the store ({}, with all its images and containers) to start it over with \"{}\"",
                self.root.display(),
                recorded.trim(),
                self.driver,
                recorded.trim(),
                self.root.display(),
                self.driver
            ))),
            Ok(_) => Ok(None),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                if !DRIVERS.contains(&self.driver.as_str()) {
                    return Err(Error::Invalid(format!("unknown storage driver \"{}\": use one of {}", self.driver, DRIVERS.join(", "))));
                }
                crate::json_file::write_bytes(&marker, format!("{}\n", self.driver).as_bytes())?;
                Ok(self.driver_notice.clone())
            }
            Err(e) => Err(Error::io_path("read", &marker, e)),
        }
    }

    /// Half-done work (downloads, extractions) lives here and is swept.
    pub fn tmp_dir(&self) -> PathBuf {
        self.root.join("tmp")
    }
    /// Content-addressed small blobs (manifests, configs): blobs/sha256/<hex>.
    pub fn blobs_dir(&self) -> PathBuf {
        self.root.join("blobs")
    }
    /// Extracted layers: layers/<hex of the compressed blob digest>/{diff,layer.json}.
    pub fn layers_dir(&self) -> PathBuf {
        self.root.join(&self.driver).join("layers")
    }
    /// Image records: images/<image id>.json.
    pub fn images_dir(&self) -> PathBuf {
        self.root.join("images")
    }
    /// Container folders: containers/<id>/{config.json,state.json,upper,work,userdata}.
    pub fn containers_dir(&self) -> PathBuf {
        self.root.join("containers")
    }
    /// The lock guarding the image and container indexes.
    pub fn store_lock(&self) -> PathBuf {
        self.root.join("store.lock")
    }
    /// Path of a blob by digest ("sha256:<hex>").
    pub fn blob_path(&self, digest: &str) -> PathBuf {
        let (alg, hex) = digest.split_once(':').unwrap_or(("sha256", digest));
        self.blobs_dir().join(alg).join(hex)
    }
}

/// The entry names of a store folder; a folder not made yet lists as empty
/// (a fresh store has no images/, volumes/... until the first one).
pub fn entry_names(dir: &Path) -> Result<Vec<String>> {
    let rd = match fs::read_dir(dir) {
        Ok(rd) => rd,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(Error::io_path("list", dir, e)),
    };
    let mut names = Vec::new();
    for e in rd {
        names.push(e.path_ctx("list", dir)?.file_name().to_string_lossy().into_owned());
    }
    Ok(names)
}

/// Makes a unique temp folder under `parent` named `prefix-<pid>-<random>`.
pub fn make_temp_dir(parent: &Path, prefix: &str) -> Result<PathBuf> {
    let mut rnd = [0u8; 6];
    getrandom::fill(&mut rnd).map_err(|e| Error::Invalid(format!("no randomness: {e}")))?;
    let p = parent.join(format!("{prefix}-{}-{}", std::process::id(), hex::encode(rnd)));
    fs::create_dir_all(&p).path_ctx("create", &p)?;
    Ok(p)
}

/// Makes a random 64-hex-digit id (containers).
pub fn random_id() -> String {
    let mut rnd = [0u8; 32];
    if getrandom::fill(&mut rnd).is_err() {
        let t = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
        rnd[..16].copy_from_slice(&t.to_le_bytes());
        rnd[16..20].copy_from_slice(&std::process::id().to_le_bytes());
    }
    hex::encode(rnd)
}
