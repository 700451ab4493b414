//! Which containers a command acts on: names or ids as given, or `--all`
//! (of some states). One place for what `start`, `stop`, `kill`,
//! `restart`, `pause`, `unpause`, `wait` and `rm` each did.

use super::Engine;
use crate::error::{Error, Result};
use sangja_container::record::{Container, ContainerStore, Status};
use serde::{Deserialize, Serialize};

/// The containers `--all` means, by state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Scope {
    /// Every container (`stop`, `rm`, `restart`).
    Any,
    /// Running or paused (`kill`, `restart --running`).
    Running,
    /// Neither running nor paused (`start`).
    NotRunning,
    /// Running and not paused (`pause`).
    Unpaused,
    /// Paused (`unpause`).
    Paused,
}

impl Scope {
    fn holds(self, c: &Container) -> bool {
        match self {
            Scope::Any => true,
            Scope::Running => c.is_running(),
            Scope::NotRunning => !c.is_running(),
            Scope::Unpaused => c.state.status == Status::Running,
            Scope::Paused => c.state.status == Status::Paused,
        }
    }
}

/// A selection of containers.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Selection {
    /// Names or ids, in the order given.
    pub names: Vec<String>,
    /// Every container of this scope instead of `names` (newest first).
    pub all: Option<Scope>,
    /// Skip names that match no container (`--ignore`).
    pub ignore_missing: bool,
}

impl Selection {
    /// The containers named.
    pub fn names(names: Vec<String>) -> Selection {
        Selection { names, ..Selection::default() }
    }
}

/// One selected container: the name or id as given (the full id with
/// `all`) and its record as looked up when its turn came.
#[derive(Debug)]
pub struct Target {
    pub given: String,
    pub container: Result<Container>,
}

/// The selected containers, each looked up when reached: an operation on
/// one sees what the operations on the ones before it did.
pub struct Targets<'e> {
    store: ContainerStore<'e>,
    pending: std::vec::IntoIter<String>,
    ignore_missing: bool,
}

impl Iterator for Targets<'_> {
    type Item = Target;
    fn next(&mut self) -> Option<Target> {
        for given in self.pending.by_ref() {
            match self.store.lookup(&given) {
                Err(Error::ContainerNotFound(_)) if self.ignore_missing => continue,
                container => return Some(Target { given, container }),
            }
        }
        None
    }
}

/// The containers of `sel`; none named and no `all` is an error.
pub fn select<'e>(engine: &'e Engine, sel: &Selection) -> Result<Targets<'e>> {
    let store = ContainerStore::new(&engine.paths);
    let pending = match sel.all {
        Some(scope) => store.list()?.into_iter().filter(|c| scope.holds(c)).map(|c| c.config.id).collect(),
        None if sel.names.is_empty() => {
            return Err(Error::Invalid("no container given: name one or more containers, or use --all".into()));
        }
        None => sel.names.clone(),
    };
    Ok(Targets { store, pending: pending.into_iter(), ignore_missing: sel.ignore_missing })
}

/// The ids of the containers of `scope` that pass every `--filter`
/// (`ps`'s keys), newest first; with `names`, only those of them (podman's
/// `stop --filter ... NAME`). For `start`, `stop`, `rm`, `restart`, `pause`
/// and `unpause --filter`.
pub fn filtered(engine: &Engine, scope: Scope, filters: &[String], names: &[String]) -> Result<Vec<String>> {
    let filters = super::containers::Filters::parse(filters)?;
    let store = ContainerStore::new(&engine.paths);
    let named: Vec<Container> = names.iter().filter_map(|n| store.lookup(n).ok()).collect();
    Ok(store
        .list()?
        .into_iter()
        .filter(|c| scope.holds(c) && filters.matches(c))
        .filter(|c| names.is_empty() || named.iter().any(|n| n.config.id == c.config.id))
        .map(|c| c.config.id)
        .collect())
}

/// One container by name or id.
pub fn one(engine: &Engine, name: &str) -> Result<Container> {
    ContainerStore::new(&engine.paths).lookup(name)
}
