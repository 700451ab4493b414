//! The CLI's side of the engine's events (engine/events.rs) and streams:
//! events become the lines sangja has always printed on stderr, and the
//! process's own stdin, stdout and stderr are the streams the CLI passes to
//! the use cases that read or write them.

use crate::engine::events::Stdio;
use crate::engine::events::{Event, EventSink, ProgressKind, Sink, WarningKind};
use std::os::fd::BorrowedFd;
use std::sync::Arc;

/// Prints the engine's events on stderr; debug detail only with
/// `--log-level debug` (or trace).
#[derive(Debug, Clone, Copy)]
pub struct StderrEvents {
    pub debug: bool,
    /// The id-mapping copy's line ("Copying layer ..."): on a terminal, or
    /// from `--log-level info` on; a script's stderr gets none (podman has no such step).
    pub progress: bool,
}

impl StderrEvents {
    /// The sink for `--log-level LEVEL`.
    pub fn for_level(level: &str) -> Sink {
        let tty = std::io::IsTerminal::is_terminal(&std::io::stderr());
        Arc::new(StderrEvents { debug: matches!(level, "debug" | "trace"), progress: tty || matches!(level, "info" | "debug" | "trace") })
    }
}

impl StderrEvents {
    /// The line printed for `event`, if any.
    pub fn line(&self, event: &Event) -> Option<String> {
        match event {
            // systemd's notification failure has always said it this way.
            Event::Warning(w) if w.kind == WarningKind::SdNotify => Some(format!("Warning: {}", w.message)),
            Event::Warning(w) => Some(format!("WARN: {}", w.message)),
            // The id-mapping copy is sangja's own step: podman prints no such
            // line, so a script's stderr gets it only from --log-level info.
            // save/load's "Copying blob" lines are podman's, on any stderr.
            Event::Progress(p) if p.kind == ProgressKind::IdmapCopy && !self.progress => None,
            Event::Progress(p) => Some(p.message.clone()),
            Event::Notice { message } => Some(format!("sangja: {message}")),
            Event::Debug { message } if self.debug => Some(format!("DEBUG: {message}")),
            Event::Debug { .. } => None,
        }
    }
}

impl EventSink for StderrEvents {
    fn emit(&self, event: Event) {
        if let Some(line) = self.line(&event) {
            eprintln!("{line}");
        }
    }
}

/// This process's stdin, stdout and stderr, as the streams the CLI hands
/// to the engine.
pub fn own_stdio() -> Stdio<'static> {
    // SAFETY: the Rust runtime makes sure 0, 1 and 2 are open at start
    // (/dev/null where the caller left one closed), and nothing closes them.
    unsafe { Stdio { stdin: BorrowedFd::borrow_raw(0), stdout: BorrowedFd::borrow_raw(1), stderr: BorrowedFd::borrow_raw(2) } }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::events::from_runtime;
    use crate::engine::events::Notice;

    #[test]
    fn lines_are_those_sangja_printed_before_events() {
        let quiet = StderrEvents { debug: false, progress: true };
        let debug = StderrEvents { debug: true, progress: true };
        let script = StderrEvents { debug: false, progress: false };
        let w = Event::warning(WarningKind::NoSubordinateIds, "alice has no range");
        assert_eq!(quiet.line(&w).unwrap(), "WARN: alice has no range");
        let n = Event::warning(WarningKind::SdNotify, "send \"READY=1\" to NOTIFY_SOCKET /x: refused");
        assert_eq!(quiet.line(&n).unwrap(), "Warning: send \"READY=1\" to NOTIFY_SOCKET /x: refused");
        let copy = from_runtime(Notice::IdmapCopy { layer: "0123456789ab".into() });
        assert_eq!(quiet.line(&copy).unwrap(), "Copying layer 0123456789ab for this id mapping (once; later containers reuse it)");
        assert_eq!(script.line(&copy), None, "no progress on a script's stderr");
        assert_eq!(quiet.line(&Event::Notice { message: "using vfs".into() }).unwrap(), "sangja: using vfs");
        let d = from_runtime(Notice::Debug("cgroups: no systemd user bus to ask for a delegated scope".into()));
        assert_eq!(quiet.line(&d), None);
        assert_eq!(debug.line(&d).unwrap(), "DEBUG: cgroups: no systemd user bus to ask for a delegated scope");
    }
}
