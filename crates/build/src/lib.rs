//! The Containerfile language, with no knowledge of images or containers:
//! the parsed file (`parse`), docker's variable expansion (`expand`), the
//! scopes of ARG and ENV (`vars`) and `.containerignore`/`.dockerignore`
//! patterns (`ignore`). The engine's build use case (engine/src/build/)
//! executes what this crate describes.

use sangja_core::error;

pub mod expand;
pub mod ignore;
pub mod parse;
pub mod vars;
