#![allow(dead_code)]

//! The escape suite (issue 14): every way out of a container we know of,
//! tried as an attacker inside the container would, rootless (as the test
//! user `sangjatest`) and as root. Each test shows the attack getting
//! nothing: a test that cannot fail when the hole reopens does not belong here.
//!
//!     bash tests/setup.sh && cargo test --release --test security
//!
//! Attack programs that busybox cannot express are small static C programs
//! (helpers.rs), compiled once per run and bind-mounted read-only into the
//! container.

#[macro_use]
#[path = "../cli/util.rs"]
mod util;
#[path = "../cli/json.rs"]
mod json;
#[path = "../cli/process.rs"]
mod process;

mod helpers;

// One file per escape class, named for what it stops.
mod api_archive;
mod api_socket;
mod bounds;
mod classics;
mod credentials;
mod devices;
mod fds;
mod fuse_race;
mod image_files;
mod keyring;
mod mount_targets;
mod proc_exe;
mod service_fds;
mod terminal;
mod xattrs;
