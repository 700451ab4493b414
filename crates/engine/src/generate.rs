//! `generate systemd` (a unit from a container) and the Quadlet-style
//! generator (units from `.container` files).

use super::Engine;
use crate::error::{Error, Result};
use sangja_container::record::ContainerStore;
use sangja_systemd::{quadlet, unit};

pub use sangja_systemd::quadlet::{write_units, Generated, Problem};
pub use sangja_systemd::unit::{Unit, UnitOptions, RESTART_VALUES};

/// sangja's own binary, as the units run it.
pub fn own_exe() -> Result<String> {
    let exe = std::env::current_exe().map_err(|e| Error::Runtime(format!("cannot find sangja's own binary: {e}")))?;
    Ok(exe.display().to_string())
}

/// The systemd unit of container `name_or_id`.
pub fn systemd_unit(engine: &Engine, name_or_id: &str, opts: &UnitOptions) -> Result<Unit> {
    if !RESTART_VALUES.contains(&opts.restart_policy.as_str()) {
        return Err(Error::Invalid(format!(
            "--restart-policy {:?} is not one of systemd's: {}",
            opts.restart_policy,
            RESTART_VALUES.join(", ")
        )));
    }
    if opts.separator.contains('/') || opts.container_prefix.contains('/') {
        return Err(Error::Invalid("--container-prefix and --separator must not contain '/'".into()));
    }
    let c = ContainerStore::new(&engine.paths).lookup(name_or_id)?;
    unit::generate(&c, opts).map_err(Error::Invalid)
}

/// `generate systemd --files`: writes the unit to the current folder; returns its path.
pub fn write_unit_file(u: &Unit) -> Result<std::path::PathBuf> {
    let path = std::env::current_dir().map_err(|e| Error::Runtime(format!("cannot read the current folder: {e}")))?.join(&u.name);
    crate::json_file::write_bytes(&path, u.text.as_bytes())?;
    Ok(path)
}

/// The units of the user's (or the system's) Quadlet files, running `exe`,
/// and the problems of the files that gave none.
pub fn quadlet_units(user: bool, exe: &str) -> (Vec<Generated>, Vec<Problem>) {
    let files = quadlet::find_files(&quadlet::search_dirs(user));
    quadlet::generate_all(&files, exe)
}
