//! `--init`: what the spec needs to run the command under a minimal init,
//! our own binary run as the container's pid 1.
//!
//! As podman bind-mounts catatonit at /run/podman-init, sangja bind-mounts
//! its own executable read-only at /run/sangja-init and starts the command
//! as `/run/sangja-init -- CMD...`; main() recognises the name (argv[0]) and
//! runs the init (src/init_main.rs, part of the binary) before any parsing,
//! so nothing else of sangja runs in the container.

use crate::error::{Error, Result};
use oci_spec::runtime::{Mount, Spec};
use std::path::PathBuf;

/// Where the init is found inside the container.
pub const INIT_PATH: &str = "/run/sangja-init";

/// Where a dynamically linked sangja's loader and libraries go with it.
const INIT_DIR: &str = "/run/sangja-init.d";

/// Makes the spec start the command under our init: the binary bind-mounted
/// read-only into the container and prepended to the process's args.
///
/// Unlike catatonit, sangja is linked dynamically, and the image may have no
/// C library (busybox) or another version of it: the host's loader and the
/// libraries this very process has mapped come along, read-only, in a
/// folder of their own, and the loader is run explicitly, so nothing of the
/// image is shadowed.
pub fn add_to_spec(spec: &mut Spec) -> Result<()> {
    let exe = crate::runtime::selfexe::host_path()
        .map_err(|e| Error::Runtime(format!("--init: cannot find sangja's own binary to use as init: {e}")))?;
    let mut process = spec.process().clone().ok_or_else(|| Error::Runtime("--init: the spec has no process".into()))?;
    let mut mounts = spec.mounts().clone().unwrap_or_default();
    let libs = mapped_libraries();
    let loader = libs.iter().find(|p| {
        p.file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with("ld-linux") || n.starts_with("ld-musl") || n.starts_with("ld64"))
    });
    let mut args = match loader {
        None => {
            mounts.push(ro_bind(exe, INIT_PATH));
            vec![INIT_PATH.to_string()]
        }
        Some(loader) => {
            let inside = |p: &PathBuf| format!("{INIT_DIR}/{}", p.file_name().unwrap_or_default().to_string_lossy());
            let loader_inside = inside(loader);
            for lib in &libs {
                mounts.push(ro_bind(lib.clone(), &inside(lib)));
            }
            let exe_inside = format!("{INIT_DIR}/sangja-init");
            mounts.push(ro_bind(exe, &exe_inside));
            vec![loader_inside, "--library-path".into(), INIT_DIR.into(), "--argv0".into(), INIT_PATH.into(), exe_inside]
        }
    };
    args.push("--".into());
    args.extend(process.args().clone().unwrap_or_default());
    process.set_args(Some(args));
    spec.set_process(Some(process));
    spec.set_mounts(Some(mounts));
    Ok(())
}

fn ro_bind(source: PathBuf, dest: &str) -> Mount {
    let mut m = Mount::default();
    m.set_destination(PathBuf::from(dest));
    m.set_typ(Some("bind".into()));
    m.set_source(Some(source));
    m.set_options(Some(vec!["bind".into(), "ro".into(), "nosuid".into(), "nodev".into(), "rprivate".into()]));
    m
}

/// The shared libraries (and the loader) mapped into this process.
fn mapped_libraries() -> Vec<PathBuf> {
    let maps = std::fs::read_to_string("/proc/self/maps").unwrap_or_default();
    let mut out: Vec<PathBuf> = Vec::new();
    for line in maps.lines() {
        let Some(path) = line.split_whitespace().nth(5) else { continue };
        let name = path.rsplit('/').next().unwrap_or("");
        if path.starts_with('/') && (name.ends_with(".so") || name.contains(".so.")) {
            let p = PathBuf::from(path);
            if !out.contains(&p) {
                out.push(p);
            }
        }
    }
    out
}
