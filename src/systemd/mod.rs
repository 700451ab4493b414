//! systemd: the sd_notify client, units generated from containers
//! (`generate systemd`) and the Quadlet-style generator of `.container` files.

pub mod notify;
pub mod quadlet;
pub mod unit;
