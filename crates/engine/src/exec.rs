//! `exec`: a command in a running container, with the container's process
//! settings (spec.json) changed by the user's flags.

use super::Engine;
use crate::error::{Error, IoContext, Result};
use oci_spec::runtime::Spec;
use sangja_container::record::{ContainerStore, Status};
use sangja_container::spec::resolve_user_in;
pub use sangja_runtime::exec::ExecOptions;
use std::path::{Path, PathBuf};

/// What the user asked for.
#[derive(Debug, Clone, Default)]
pub struct ExecRequest {
    /// Container name or id.
    pub container: String,
    pub command: Vec<String>,
    /// `-e KEY=VALUE` or `-e KEY` (taken from our environment).
    pub env: Vec<String>,
    /// `--env-file`, read before `-e`.
    pub env_files: Vec<PathBuf>,
    /// `-u user[:group]`.
    pub user: Option<String>,
    /// `-w`.
    pub workdir: Option<String>,
    /// `--privileged`: every capability (the spec's set otherwise).
    pub privileged: bool,
    pub io: ExecOptions,
}

/// The error podman gives for exec into a container that does not run.
fn not_running() -> Error {
    Error::State("can only create exec sessions on running containers: container state improper".into())
}

/// Runs the command on the caller's streams `io`; returns its exit code
/// (podman's 125/126/127 as errors). Call it while single-threaded and
/// outside sangja's user namespace: the container's is joined.
pub fn exec(engine: &Engine, req: &ExecRequest, io: &sangja_runtime::Stdio) -> Result<i32> {
    if req.command.is_empty() {
        return Err(Error::Invalid("exec needs a command: sangja exec CONTAINER COMMAND [ARG...]".into()));
    }
    let store = ContainerStore::new(&engine.paths);
    let c = store.lookup(&req.container)?;
    if c.state.status != Status::Running {
        return Err(not_running());
    }
    let pid = c.state.pid.ok_or_else(not_running)?;
    let spec: Spec = crate::json_file::read(&c.dir.join("spec.json"))?;
    let mut process = spec.process().clone().ok_or_else(|| Error::Runtime("the container's spec has no process".into()))?;
    process.set_args(Some(req.command.clone()));
    process.set_terminal(Some(req.io.tty));

    let mut env: Vec<String> = process.env().clone().unwrap_or_default();
    for file in &req.env_files {
        for e in read_env_file(file)? {
            set_env(&mut env, e);
        }
    }
    for e in &req.env {
        if e.contains('=') {
            set_env(&mut env, e.clone());
        } else if let Ok(v) = std::env::var(e) {
            set_env(&mut env, format!("{e}={v}"));
        }
    }
    if req.io.tty && !env.iter().any(|e| e.starts_with("TERM=")) {
        env.push("TERM=xterm".into());
    }

    if let Some(w) = req.workdir.as_deref().filter(|w| !w.is_empty()) {
        if !w.starts_with('/') {
            return Err(Error::Invalid(format!("working directory {w:?} (-w) is not absolute: give a path starting with /")));
        }
        process.set_cwd(PathBuf::from(w));
    }
    if let Some(u) = req.user.as_deref().filter(|u| !u.is_empty()) {
        let root = PathBuf::from(format!("/proc/{pid}/root"));
        let (uid, gid, groups, home) = resolve_user_in(u, &root)?;
        let gid_map = std::fs::read_to_string(format!("/proc/{pid}/gid_map")).unwrap_or_default();
        let mut user = process.user().clone();
        user.set_uid(uid);
        user.set_gid(gid);
        user.set_additional_gids(Some(groups.into_iter().filter(|g| mapped(&gid_map, *g)).collect()));
        process.set_user(user);
        // As podman: the user's home, unless set explicitly.
        if let Some(h) = home {
            if !req.env.iter().any(|e| e.starts_with("HOME=")) {
                set_env(&mut env, format!("HOME={h}"));
            }
        }
    }
    process.set_env(Some(env));
    // The container's seccomp filter confines exec'd commands too;
    // `--privileged` lifts it with the capability sets, as podman does.
    let seccomp = spec.linux().as_ref().and_then(|l| l.seccomp().clone()).filter(|_| !req.privileged);
    if req.privileged {
        process.set_capabilities(None);
        process.set_no_new_privileges(None);
    }
    // Before: the exec may enter the container's namespaces for good.
    let mut event = super::events_log::Record::container(&c, "exec");
    event.attributes.insert("command".into(), req.command.join(" "));
    super::events_log::write(engine, &event);
    sangja_runtime::exec::exec(pid, c.state.pid_start, &process, seccomp.as_ref(), &req.io, io).map_err(|e| match e {
        Error::State(_) => not_running(),
        e => e,
    })
}

fn mapped(map: &str, id: u32) -> bool {
    map.lines().any(|l| {
        let f: Vec<u64> = l.split_whitespace().filter_map(|n| n.parse().ok()).collect();
        f.len() == 3 && (f[0]..f[0] + f[2]).contains(&(id as u64))
    })
}

/// Replaces KEY's entry in place, or appends.
fn set_env(env: &mut Vec<String>, entry: String) {
    let key = entry.split('=').next().unwrap_or("").to_string();
    match env.iter_mut().find(|e| e.split('=').next() == Some(key.as_str())) {
        Some(slot) => *slot = entry,
        None => env.push(entry),
    }
}

/// podman's --env-file: KEY=VALUE lines; `#` comments and blank lines
/// skipped; a bare KEY takes our value (skipped when unset).
pub fn read_env_file(path: &Path) -> Result<Vec<String>> {
    let text = std::fs::read_to_string(path).path_ctx("read the env file", path)?;
    let mut out = Vec::new();
    for line in text.lines() {
        let line = line.trim_start();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if line.contains('=') {
            out.push(line.to_string());
        } else if let Ok(v) = std::env::var(line.trim_end()) {
            out.push(format!("{}={v}", line.trim_end()));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_replaces_in_place() {
        let mut env = vec!["PATH=/bin".to_string(), "A=1".to_string()];
        set_env(&mut env, "A=2".into());
        set_env(&mut env, "B=3".into());
        assert_eq!(env, ["PATH=/bin", "A=2", "B=3"]);
    }

    #[test]
    fn id_maps() {
        assert!(mapped("0 1001 1\n1 100000 65536\n", 5));
        assert!(!mapped("0 1001 1\n", 5));
    }
}
