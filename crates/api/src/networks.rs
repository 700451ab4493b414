//! The networks endpoints: api-objects (issue 20) fills this module. Handlers
//! take `st: State` and call the engine through `st.blocking(...)`
//! (state.rs), answer errors with `crate::error::ApiError`, and parse
//! bodies and queries with `crate::error::{Json, Query}`.

use crate::state::State;
use axum::Router;

pub fn routes() -> Router<State> {
    Router::new()
}
