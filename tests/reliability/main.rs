#![allow(dead_code, unused_macros)]

//! The reliability suites (issue 16): sangja's promise that a `kill -9` at
//! any instant, or many sangja processes at once, never leave a store the
//! next command trips on; tried as a user would, against the real binary,
//! rootless (as the test user `sangjatest`) and as root.
//!
//!     bash tests/setup.sh && cargo test --release --test reliability
//!
//! Longer runs and their knobs: tests/reliability/README.md.

#[macro_use]
#[path = "../cli/util.rs"]
mod util;
#[path = "../cli/json.rs"]
mod json;
#[path = "../cli/process.rs"]
mod process;

mod census;
mod concurrency;
mod faults;
mod fuzz;
mod soak;
