//! systemd: the sd_notify client, units generated from containers
//! (`generate systemd`) and the Quadlet-style generator of `.container` files.

// The lower crates under the module names they had when all was one crate.
use sangja_container as container;
use sangja_core::error;

pub mod notify;
pub mod quadlet;
pub mod unit;
