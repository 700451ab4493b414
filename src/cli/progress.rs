//! Pull progress on stderr: indicatif bars on a terminal, podman's plain
//! "Copying blob ..." lines otherwise, nothing with -q.

use crate::engine::images::PullEvent;
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::collections::HashMap;
use std::io::IsTerminal;
use std::sync::Mutex;

/// Renders pull events; shared across download threads.
pub struct PullProgress {
    quiet: bool,
    tty: bool,
    multi: MultiProgress,
    bars: Mutex<HashMap<String, ProgressBar>>,
}

fn short(digest: &str) -> &str {
    let hex = digest.split_once(':').map(|(_, h)| h).unwrap_or(digest);
    &hex[..hex.len().min(12)]
}

impl PullProgress {
    pub fn new(quiet: bool) -> Self {
        let tty = std::io::stderr().is_terminal();
        let multi =
            MultiProgress::with_draw_target(if tty && !quiet { ProgressDrawTarget::stderr() } else { ProgressDrawTarget::hidden() });
        PullProgress { quiet, tty, multi, bars: Mutex::new(HashMap::new()) }
    }

    /// Announces a pull attempt.
    pub fn trying(&self, name: &str) {
        if !self.quiet {
            eprintln!("Trying to pull {name}...");
        }
    }

    /// Handles one event.
    pub fn event(&self, ev: PullEvent) {
        if self.quiet {
            return;
        }
        let Ok(mut bars) = self.bars.lock() else { return };
        match ev {
            PullEvent::Manifest { layers } if self.tty => {
                let style = ProgressStyle::with_template("Copying blob {msg} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec}")
                    .unwrap_or_else(|_| ProgressStyle::default_bar())
                    .progress_chars("=> ");
                for (digest, size) in layers {
                    let bar = self.multi.add(ProgressBar::new(size));
                    bar.set_style(style.clone());
                    bar.set_message(short(&digest).to_string());
                    bars.insert(digest, bar);
                }
            }
            PullEvent::Manifest { .. } => {}
            PullEvent::LayerCached { digest } => match bars.remove(&digest) {
                Some(bar) => bar.finish_with_message(format!("{} skipped: already exists", short(&digest))),
                None => eprintln!("Copying blob {} skipped: already exists", short(&digest)),
            },
            PullEvent::LayerProgress { digest, bytes } => {
                if let Some(bar) = bars.get(&digest) {
                    bar.inc(bytes);
                }
            }
            PullEvent::LayerDone { digest } => match bars.remove(&digest) {
                Some(bar) => bar.finish_with_message(format!("{} done", short(&digest))),
                None => eprintln!("Copying blob {} done", short(&digest)),
            },
        }
    }

    /// Clears the bars at the end.
    pub fn finish(&self) {
        let _ = self.multi.clear();
    }
}
