//! How a container relates to its supervisor: the restart policy the monitor
//! honours (`--restart`) and who tells systemd it is ready (`--sdnotify`).

use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};

/// `--restart`, podman's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "name")]
pub enum RestartPolicy {
    /// Never restart (podman's "" and "no").
    #[default]
    No,
    /// Restart when the exit code is not 0, at most `max` times (0: no limit).
    OnFailure { max: u32 },
    /// Restart whatever the exit code, unless stopped by the user.
    Always,
    /// As always; the difference in podman is only at boot (not restarted
    /// after a user stop), which without a daemon is the same here.
    UnlessStopped,
}

impl RestartPolicy {
    /// Parses `no`, `on-failure[:N]`, `always`, `unless-stopped`.
    pub fn parse(s: &str) -> Result<RestartPolicy> {
        let bad = || Error::Invalid(format!("invalid restart policy {s:?}: use no, on-failure[:N], always or unless-stopped"));
        Ok(match s {
            "" | "no" => RestartPolicy::No,
            "always" => RestartPolicy::Always,
            "unless-stopped" => RestartPolicy::UnlessStopped,
            "on-failure" => RestartPolicy::OnFailure { max: 0 },
            _ => match s.strip_prefix("on-failure:") {
                Some(n) => RestartPolicy::OnFailure { max: n.parse().map_err(|_| bad())? },
                None => return Err(bad()),
            },
        })
    }

    /// podman's name (HostConfig.RestartPolicy.Name).
    pub fn name(self) -> &'static str {
        match self {
            RestartPolicy::No => "no",
            RestartPolicy::OnFailure { .. } => "on-failure",
            RestartPolicy::Always => "always",
            RestartPolicy::UnlessStopped => "unless-stopped",
        }
    }

    /// HostConfig.RestartPolicy.MaximumRetryCount.
    pub fn max_retries(self) -> u32 {
        match self {
            RestartPolicy::OnFailure { max } => max,
            _ => 0,
        }
    }

    /// Whether a container that exited with `code`, restarted `count` times
    /// so far, starts again. A stop by the user ends every policy.
    pub fn should_restart(self, code: i32, count: u32, stopped_by_user: bool) -> bool {
        if stopped_by_user {
            return false;
        }
        match self {
            RestartPolicy::No => false,
            RestartPolicy::OnFailure { max } => code != 0 && (max == 0 || count < max),
            RestartPolicy::Always | RestartPolicy::UnlessStopped => true,
        }
    }

    /// The same string `parse` takes (for unit files).
    pub fn to_flag(self) -> String {
        match self {
            RestartPolicy::OnFailure { max } if max > 0 => format!("on-failure:{max}"),
            p => p.name().to_string(),
        }
    }
}

/// Docker's back-off between restarts (podman restarts at once, which
/// spins on a container that fails at start): 100 ms, doubled each time,
/// at most a minute; back to 100 ms after a run of 10 s or more.
pub fn restart_delay(previous: Option<std::time::Duration>, ran: std::time::Duration) -> std::time::Duration {
    use std::time::Duration;
    match previous {
        Some(p) if ran < Duration::from_secs(10) => (p * 2).min(Duration::from_secs(60)),
        _ => Duration::from_millis(100),
    }
}

/// `--sdnotify`, podman's modes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SdNotify {
    /// podman's default: NOTIFY_SOCKET is passed into the container, whose
    /// application sends READY=1; sangja sends only MAINPID.
    #[default]
    Container,
    /// sangja sends READY=1 and MAINPID once the container runs.
    Conmon,
    /// Nothing is sent, and the container gets no NOTIFY_SOCKET.
    Ignore,
}

impl SdNotify {
    pub fn parse(s: &str) -> Result<SdNotify> {
        match s {
            "container" => Ok(SdNotify::Container),
            "conmon" => Ok(SdNotify::Conmon),
            "ignore" => Ok(SdNotify::Ignore),
            _ => Err(Error::Invalid(format!("invalid --sdnotify {s:?}: use container, conmon or ignore"))),
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            SdNotify::Container => "container",
            SdNotify::Conmon => "conmon",
            SdNotify::Ignore => "ignore",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn parses_podman_policies() {
        assert_eq!(RestartPolicy::parse("no").unwrap(), RestartPolicy::No);
        assert_eq!(RestartPolicy::parse("on-failure:3").unwrap(), RestartPolicy::OnFailure { max: 3 });
        assert_eq!(RestartPolicy::parse("on-failure").unwrap(), RestartPolicy::OnFailure { max: 0 });
        assert_eq!(RestartPolicy::parse("unless-stopped").unwrap().to_flag(), "unless-stopped");
        assert!(RestartPolicy::parse("on-failure:x").is_err());
        assert!(RestartPolicy::parse("sometimes").is_err());
    }

    #[test]
    fn restart_decisions() {
        let p = RestartPolicy::OnFailure { max: 2 };
        assert!(p.should_restart(1, 0, false));
        assert!(p.should_restart(1, 1, false));
        assert!(!p.should_restart(1, 2, false));
        assert!(!p.should_restart(0, 0, false));
        assert!(RestartPolicy::Always.should_restart(0, 99, false));
        assert!(!RestartPolicy::Always.should_restart(0, 0, true));
        assert!(!RestartPolicy::No.should_restart(1, 0, false));
    }

    #[test]
    fn backoff_doubles_and_resets() {
        let d = restart_delay(None, Duration::ZERO);
        assert_eq!(d, Duration::from_millis(100));
        assert_eq!(restart_delay(Some(d), Duration::ZERO), Duration::from_millis(200));
        assert_eq!(restart_delay(Some(Duration::from_secs(50)), Duration::ZERO), Duration::from_secs(60));
        assert_eq!(restart_delay(Some(Duration::from_secs(50)), Duration::from_secs(11)), Duration::from_millis(100));
    }
}
