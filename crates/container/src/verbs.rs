//! What `run`/`create` ask of the verbs added in issue 19: `--secret` and
//! the `--health-*` flags (engine secrets.rs and healthcheck.rs use them).

use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};

/// `--secret NAME[,type=mount|env,target=,uid=,gid=,mode=]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecretRequest {
    /// The secret's name (or id).
    pub name: String,
    /// An environment variable instead of a file.
    #[serde(default)]
    pub env: bool,
    /// The file (relative: under /run/secrets) or the variable's name; default the name.
    #[serde(default)]
    pub target: Option<String>,
    #[serde(default)]
    pub uid: u32,
    #[serde(default)]
    pub gid: u32,
    /// The file's mode (default 0444).
    #[serde(default)]
    pub mode: Option<u32>,
}

impl SecretRequest {
    /// Parses podman's `--secret` value.
    pub fn parse(s: &str) -> Result<SecretRequest> {
        let bad =
            |why: &str| Error::Invalid(format!("--secret {s:?}: {why} (use NAME[,type=mount|env,target=PATH,uid=N,gid=N,mode=0NNN])"));
        let mut parts = s.split(',');
        let name = parts.next().unwrap_or_default().trim().to_string();
        if name.is_empty() {
            return Err(bad("no secret name"));
        }
        let mut r = SecretRequest { name, env: false, target: None, uid: 0, gid: 0, mode: None };
        let mut owner_set = false;
        for p in parts {
            let (k, v) = p.split_once('=').ok_or_else(|| bad(&format!("option {p:?} is not KEY=VALUE")))?;
            match k {
                "type" => match v {
                    "mount" => r.env = false,
                    "env" => r.env = true,
                    _ => return Err(bad(&format!("type {v:?} is neither mount nor env"))),
                },
                "target" | "dst" | "destination" if !v.is_empty() => r.target = Some(v.to_string()),
                "uid" => {
                    r.uid = v.parse().map_err(|_| bad("uid is not a number"))?;
                    owner_set = true;
                }
                "gid" => {
                    r.gid = v.parse().map_err(|_| bad("gid is not a number"))?;
                    owner_set = true;
                }
                "mode" => r.mode = Some(u32::from_str_radix(v.trim_start_matches("0o"), 8).map_err(|_| bad("mode is not octal"))?),
                _ => return Err(bad(&format!("unknown option {k:?}"))),
            }
        }
        if r.env && (owner_set || r.mode.is_some()) {
            return Err(bad("uid, gid and mode are options of type=mount only"));
        }
        Ok(r)
    }

    /// Where the file goes in the container (type=mount).
    pub fn destination(&self) -> String {
        let t = self.target.clone().unwrap_or_else(|| self.name.clone());
        if t.starts_with('/') {
            t
        } else {
            format!("/run/secrets/{t}")
        }
    }

    /// The variable's name (type=env).
    pub fn variable(&self) -> String {
        self.target.clone().unwrap_or_else(|| self.name.clone())
    }
}

/// What to do when a health check fails (`--health-on-failure`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OnFailure {
    #[default]
    None,
    Kill,
    Restart,
    Stop,
}

impl OnFailure {
    pub fn parse(s: &str) -> Result<OnFailure> {
        match s {
            "none" | "" => Ok(OnFailure::None),
            "kill" => Ok(OnFailure::Kill),
            "restart" => Ok(OnFailure::Restart),
            "stop" => Ok(OnFailure::Stop),
            _ => Err(Error::Invalid(format!("invalid --health-on-failure {s:?}: use none, kill, restart or stop"))),
        }
    }
}

/// A container's health check: docker's Healthcheck config, as podman keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HealthConfig {
    /// docker's Test: ["CMD", args...], ["CMD-SHELL", "cmd"] (or ["NONE"]).
    pub test: Vec<String>,
    /// Seconds between checks (0: no periodic check, `healthcheck run` only).
    pub interval_ms: u64,
    /// Seconds a check may take.
    pub timeout_ms: u64,
    /// Failures in a row that make it unhealthy.
    pub retries: u32,
    /// Failures that do not count after the start.
    pub start_period_ms: u64,
    #[serde(default)]
    pub on_failure: OnFailure,
}

impl HealthConfig {
    /// `--health-cmd`: a JSON array (["CMD", ...] or ["CMD-SHELL", ...]) or a
    /// shell command, as podman takes it.
    pub fn test_of(cmd: &str) -> Result<Vec<String>> {
        let cmd = cmd.trim();
        if cmd.is_empty() {
            return Err(Error::Invalid("--health-cmd is empty: give a command, or use --no-healthcheck".into()));
        }
        if cmd.starts_with('[') {
            let v: Vec<String> =
                serde_json::from_str(cmd).map_err(|e| Error::Invalid(format!("--health-cmd {cmd:?}: not a JSON array of strings: {e}")))?;
            return Ok(match v.first().map(String::as_str) {
                Some("CMD") | Some("CMD-SHELL") | Some("NONE") => v,
                _ => [vec!["CMD".to_string()], v].concat(),
            });
        }
        Ok(vec!["CMD-SHELL".to_string(), cmd.to_string()])
    }

    /// The command a check runs, or None for "NONE".
    pub fn command(&self) -> Option<Vec<String>> {
        match self.test.first().map(String::as_str) {
            Some("CMD") => Some(self.test[1..].to_vec()),
            Some("CMD-SHELL") => Some(vec!["/bin/sh".into(), "-c".into(), self.test[1..].join(" ")]),
            _ => None,
        }
    }
}

/// Go durations as podman's health flags take them: "30s", "1m30s", "500ms", "0" (seconds if bare).
pub fn parse_duration_ms(flag: &str, s: &str) -> Result<u64> {
    let bad = || Error::Invalid(format!("{flag} {s:?}: not a duration (use 30s, 1m, 500ms)"));
    let s = s.trim();
    if s == "0" || s == "disable" {
        return Ok(0);
    }
    if let Ok(n) = s.parse::<u64>() {
        return Ok(n * 1000);
    }
    let mut total = 0f64;
    let mut rest = s;
    while !rest.is_empty() {
        let end = rest.find(|c: char| !c.is_ascii_digit() && c != '.').ok_or_else(bad)?;
        let n: f64 = rest[..end].parse().map_err(|_| bad())?;
        rest = &rest[end..];
        let unit_end = rest.find(|c: char| c.is_ascii_digit() || c == '.').unwrap_or(rest.len());
        let mult = match &rest[..unit_end] {
            "ns" => 1e-6,
            "us" | "µs" => 1e-3,
            "ms" => 1.0,
            "s" => 1000.0,
            "m" => 60_000.0,
            "h" => 3_600_000.0,
            _ => return Err(bad()),
        };
        total += n * mult;
        rest = &rest[unit_end..];
    }
    Ok(total as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_requests_parse() {
        let r = SecretRequest::parse("tok").unwrap();
        assert_eq!((r.destination(), r.env), ("/run/secrets/tok".to_string(), false));
        let r = SecretRequest::parse("tok,type=env,target=TOKEN").unwrap();
        assert_eq!((r.variable(), r.env), ("TOKEN".to_string(), true));
        let r = SecretRequest::parse("tok,target=/etc/t,uid=5,gid=6,mode=0400").unwrap();
        assert_eq!((r.destination(), r.uid, r.gid, r.mode), ("/etc/t".to_string(), 5, 6, Some(0o400)));
        assert!(SecretRequest::parse("tok,type=env,mode=0400").is_err());
        assert!(SecretRequest::parse("tok,type=file").is_err());
        assert!(SecretRequest::parse(",type=env").is_err());
    }

    #[test]
    fn health_commands() {
        assert_eq!(HealthConfig::test_of("curl -f x").unwrap(), ["CMD-SHELL", "curl -f x"]);
        assert_eq!(HealthConfig::test_of(r#"["CMD","true"]"#).unwrap(), ["CMD", "true"]);
        assert_eq!(HealthConfig::test_of(r#"["ls","/"]"#).unwrap(), ["CMD", "ls", "/"]);
        assert_eq!(parse_duration_ms("x", "1m30s").unwrap(), 90_000);
        assert_eq!(parse_duration_ms("x", "500ms").unwrap(), 500);
        assert_eq!(parse_duration_ms("x", "5").unwrap(), 5000);
        assert!(parse_duration_ms("x", "5q").is_err());
    }
}
