//! `container init`: podman's step that writes a created container's OCI
//! spec and prepares its mounts so it can be inspected before it starts.
//! sangja's create already does all of that (run.rs `create` writes
//! spec.json, the folders and the volumes), so a created or exited
//! container is initialized already: init checks the state, as podman,
//! and records the "init" event. A running or paused one is refused with
//! podman's message.

use crate::error::{Error, Result};
use crate::Engine;
use sangja_container::record::Status;

/// What `init` did with one container.
#[derive(Debug)]
pub struct Initialized {
    /// The name or id as given.
    pub given: String,
    pub result: Result<String>,
}

/// Initializes the containers `sel` selects; one result each, in order.
pub fn init(engine: &Engine, sel: &super::select::Selection) -> Result<Vec<Initialized>> {
    Ok(super::select::select(engine, sel)?
        .map(|t| {
            let given = t.given;
            let result = t.container.and_then(|c| match c.state.status {
                Status::Created | Status::Exited => {
                    if !c.dir.join("spec.json").is_file() {
                        return Err(Error::State(format!("container {} has no OCI spec: remove it and create it again", c.config.name)));
                    }
                    super::events_log::container(engine, &c, "init");
                    Ok(c.config.id)
                }
                Status::Running | Status::Paused => {
                    Err(Error::State(format!("container {} has already been created in runtime: container state improper", c.config.id)))
                }
            });
            Initialized { given, result }
        })
        .collect())
}
