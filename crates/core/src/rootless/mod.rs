//! Rootless entry: subordinate id ranges and sangja's user namespace.
//!
//! Every rootless command that touches the store runs inside one user
//! namespace mapping 0 → the user and 1..N → the subordinate range, so layer
//! files on disk are owned by the mapped ids exactly as podman stores them.
//! Unlike podman we do not re-execute: the process unshares its own user
//! namespace while still single-threaded and a forked helper, still outside,
//! runs newuidmap/newgidmap on it. That saves an exec of the whole binary.

pub mod subid;
mod userns;

pub use userns::{enter, outside, Identity};

/// Set in our environment once the process is inside sangja's user namespace;
/// holds the invoking user's real uid (children we re-execute inherit it).
pub const ENV_HOST_UID: &str = "_SANGJA_HOST_UID";
/// A user namespace to join instead of making one (rootless
/// `--network container:NAME`: cli/network.rs).
pub const ENV_JOIN_USERNS: &str = "_SANGJA_JOIN_USERNS";
