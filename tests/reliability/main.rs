#![allow(dead_code, unused_macros)]

//! The reliability suites (issue 16): bad bytes in (fuzz), many processes at
//! once (concurrency), many runs in a row (soak), kill -9 anywhere (faults).
//!
//!     bash tests/setup.sh && cargo test --release --test reliability
//!
//! The test command runs bounded budgets; each suite's file says how to run
//! it longer.

#[macro_use]
#[path = "../cli/util.rs"]
mod util;
#[path = "../cli/json.rs"]
mod json;
#[path = "../cli/process.rs"]
mod process;

mod census;
mod concurrency;
mod fuzz;
mod soak;
