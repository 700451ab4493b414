//! The container endpoints (`/containers/...`, `/exec/...`): each calls the
//! engine function the CLI's command calls. Creating, starting and entering
//! containers goes through the worker seam (state.rs, fork safety).

use crate::state::State;
use axum::Router;

pub fn routes() -> Router<State> {
    Router::new()
}
