//! Layers on disk and the drivers that assemble them into a rootfs.
//! Owner: storage helper. API used by image/ (pull) and engine/ (run, rm).

pub mod layers;
