//! What the engine has to tell its caller while a use case runs, besides
//! its result: warnings, progress, notices and debug detail, as typed,
//! serialisable events. The engine never prints: it emits into the sink
//! its caller set on the `Engine` (the CLI's prints lines on stderr, an API
//! service would stream them to its client).
//!
//! The layers below the engine do not know it: they hand what they have to
//! say back in their results or through a callback of their own layer
//! (`runtime::Notice`, `rootless::enter`'s warning callback), and the
//! engine turns that into events here.

pub use sangja_runtime::{Notice, Stdio};
use serde::{Deserialize, Serialize};
use std::sync::{Arc, Mutex};

/// One event of a use case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    /// Something the user should know: the use case goes on.
    Warning(Warning),
    /// A step of long work the user may wait for.
    Progress(Progress),
    /// A one-time note about a choice made for the user (e.g. the storage
    /// driver a new store uses).
    Notice { message: String },
    /// Detail for `--log-level debug`.
    Debug { message: String },
}

/// A warning: its message, and what it is about for callers that act on it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Warning {
    pub kind: WarningKind,
    pub message: String,
}

/// What a warning is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WarningKind {
    /// Rootless without a subordinate id range: only the user's uid is mapped.
    NoSubordinateIds,
    /// Rootless, ports published on a user network answer on loopback only.
    PublishedPortsLoopbackOnly,
    /// $NOTIFY_SOCKET is set but the message to systemd could not be sent.
    SdNotify,
    /// Anything else.
    Other,
}

/// A step of long work.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    pub kind: ProgressKind,
    /// What the step works on (a layer's short id...).
    pub subject: String,
    pub message: String,
}

/// What kind of step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProgressKind {
    /// A layer is copied with its owners shifted for a container's id
    /// mapping (once per layer and mapping).
    IdmapCopy,
    /// A blob, config or manifest copied by save or load (podman's "Copying blob" lines).
    Archive,
}

impl Event {
    pub fn warning(kind: WarningKind, message: impl Into<String>) -> Event {
        Event::Warning(Warning { kind, message: message.into() })
    }

    pub fn debug(message: impl Into<String>) -> Event {
        Event::Debug { message: message.into() }
    }
}

/// Where the engine's events go; set by the caller on the `Engine`.
pub trait EventSink: Send + Sync {
    fn emit(&self, event: Event);
}

/// Drops every event (a caller with nobody to tell).
#[derive(Debug, Default, Clone, Copy)]
pub struct Discard;

impl EventSink for Discard {
    fn emit(&self, _: Event) {}
}

/// Keeps every event, in order (tests, a caller that reports them at the end).
#[derive(Debug, Default)]
pub struct Collect(Mutex<Vec<Event>>);

impl Collect {
    /// The events so far, taken out.
    pub fn take(&self) -> Vec<Event> {
        std::mem::take(&mut *self.0.lock().unwrap_or_else(|e| e.into_inner()))
    }
}

impl EventSink for Collect {
    fn emit(&self, event: Event) {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).push(event);
    }
}

/// A shared sink, as the `Engine` holds it.
pub type Sink = Arc<dyn EventSink>;

/// The event for what the runtime reports while it starts a container.
pub fn from_runtime(n: sangja_runtime::Notice) -> Event {
    match n {
        sangja_runtime::Notice::IdmapCopy { layer } => Event::Progress(Progress {
            kind: ProgressKind::IdmapCopy,
            message: format!("Copying layer {layer} for this id mapping (once; later containers reuse it)"),
            subject: layer,
        }),
        sangja_runtime::Notice::Debug(message) => Event::Debug { message },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_serialise_with_their_type() {
        let w = Event::warning(WarningKind::SdNotify, "no socket");
        let j = serde_json::to_string(&w).unwrap();
        assert_eq!(j, r#"{"type":"warning","kind":"sd_notify","message":"no socket"}"#);
        assert_eq!(serde_json::from_str::<Event>(&j).unwrap(), w);
        let d = serde_json::to_value(Event::debug("x")).unwrap();
        assert_eq!(d, serde_json::json!({"type": "debug", "message": "x"}));
    }

    #[test]
    fn collect_keeps_order() {
        let c = Collect::default();
        c.emit(Event::debug("a"));
        c.emit(Event::Notice { message: "b".into() });
        assert_eq!(c.take(), vec![Event::debug("a"), Event::Notice { message: "b".into() }]);
        assert!(c.take().is_empty());
    }
}
