//! `info`, `login`, `logout`, `version`: the configuration in effect and the
//! credentials of registries.

use super::format::{self, Format};
use super::Cli;
use crate::config::auth::{self, Credentials};
use crate::config::{containers_conf, settings};
use crate::error::{Error, Result};
use crate::image::{login, registries};
use crate::paths::StorePaths;
use clap::Args;
use serde_json::{json, Map, Value};
use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};

/// `info` flags.
#[derive(Debug, Args)]
pub struct InfoArgs {
    /// Output format: json, or a Go template such as '{{.Store.GraphRoot}}'.
    #[arg(short, long)]
    pub format: Option<String>,
}

/// `version` flags.
#[derive(Debug, Args)]
pub struct VersionArgs {
    /// Output format: json, or a Go template such as '{{.Client.Version}}'.
    #[arg(short, long)]
    pub format: Option<String>,
}

/// `login` flags (podman's).
#[derive(Debug, Args)]
pub struct LoginArgs {
    /// User name.
    #[arg(short, long)]
    pub username: Option<String>,
    /// Password (visible to other users in `ps`: prefer --password-stdin).
    #[arg(short, long)]
    pub password: Option<String>,
    /// Read the password from stdin.
    #[arg(long = "password-stdin")]
    pub password_stdin: bool,
    /// Print the user name stored for the registry and exit.
    #[arg(long = "get-login")]
    pub get_login: bool,
    /// Require HTTPS and verify certificates (`--tls-verify=false` allows plain HTTP).
    #[arg(long = "tls-verify", value_name = "BOOL", num_args = 0..=1, default_missing_value = "true", value_parser = super::parse_bool)]
    pub tls_verify: Option<bool>,
    /// The auth file to write (default: $REGISTRY_AUTH_FILE, else $XDG_RUNTIME_DIR/containers/auth.json).
    #[arg(long, value_name = "PATH")]
    pub authfile: Option<PathBuf>,
    /// Print the auth file used.
    #[arg(short, long)]
    pub verbose: bool,
    /// The registry (default: the first unqualified-search registry).
    #[arg(value_name = "REGISTRY")]
    pub registry: Option<String>,
}

/// `logout` flags.
#[derive(Debug, Args)]
pub struct LogoutArgs {
    /// Remove the credentials of every registry.
    #[arg(short, long)]
    pub all: bool,
    /// The auth file (default as for login).
    #[arg(long, value_name = "PATH")]
    pub authfile: Option<PathBuf>,
    /// The registry (default: the first unqualified-search registry).
    #[arg(value_name = "REGISTRY")]
    pub registry: Option<String>,
}

/// "https://host:5000/" → "host:5000"; "host/ns/repo" stays (a scoped entry).
fn normalize_registry(s: &str) -> Result<String> {
    let s = s.trim();
    let s = s.strip_prefix("https://").or_else(|| s.strip_prefix("http://")).unwrap_or(s);
    let s = s.trim_end_matches('/');
    if s.is_empty() || s.contains(char::is_whitespace) || s.contains('@') {
        return Err(Error::Invalid(format!("\"{s}\" is not a registry: give host[:port], e.g. quay.io or 127.0.0.1:5000")));
    }
    Ok(s.to_string())
}

fn registry_arg(given: Option<&str>) -> Result<String> {
    if let Some(r) = given {
        return normalize_registry(r);
    }
    let (conf, path) = registries::load()?;
    match conf.unqualified_search_registries.unwrap_or_default().into_iter().find(|r| !r.trim().is_empty()) {
        Some(r) => normalize_registry(&r),
        None => Err(Error::Invalid(format!(
            "no registry given and no unqualified-search-registries in {}: give one, e.g. `sangja login quay.io`",
            path.display()
        ))),
    }
}

fn host_of(key: &str) -> &str {
    key.split('/').next().unwrap_or(key)
}

/// Reads a password from the terminal without echo.
fn prompt_password(registry: &str) -> Result<String> {
    use nix::sys::termios::{tcgetattr, tcsetattr, LocalFlags, SetArg};
    let stdin = std::io::stdin();
    eprint!("Password for {registry}: ");
    let _ = std::io::stderr().flush();
    let saved = tcgetattr(&stdin).map_err(|e| Error::Invalid(format!("cannot read the terminal: {e}")))?;
    let mut quiet = saved.clone();
    quiet.local_flags.remove(LocalFlags::ECHO);
    let _ = tcsetattr(&stdin, SetArg::TCSANOW, &quiet);
    let mut line = String::new();
    let read = stdin.read_line(&mut line);
    let _ = tcsetattr(&stdin, SetArg::TCSANOW, &saved);
    eprintln!();
    read.map_err(|e| Error::Invalid(format!("cannot read the password: {e}")))?;
    Ok(line.trim_end_matches(['\n', '\r']).to_string())
}

/// `login`: checks the credentials with the registry, then stores them.
pub fn login(args: &LoginArgs) -> Result<i32> {
    let key = registry_arg(args.registry.as_deref())?;
    let host = host_of(&key).to_string();
    let file = auth::auth_file(args.authfile.as_deref());
    if args.get_login {
        return match auth::lookup(&host, key.split_once('/').map(|(_, r)| r).unwrap_or(""), args.authfile.as_deref())? {
            Some(c) => {
                println!("{}", c.username);
                Ok(0)
            }
            None => Err(Error::Invalid(format!("not logged into {key}"))),
        };
    }
    if args.password.is_some() && args.password_stdin {
        return Err(Error::Invalid("--password and --password-stdin are mutually exclusive: give one".into()));
    }
    let insecure = match args.tls_verify {
        Some(v) => !v,
        None => registries::load()?.0.is_insecure(&host),
    };
    if args.verbose {
        eprintln!("Used: {}", file.display());
    }
    let creds = match (&args.username, &args.password) {
        (None, None) if !args.password_stdin => {
            // As podman: stored credentials are checked rather than asked again.
            let Some(c) = auth::stored_in(&file, &key)? else {
                return Err(Error::Invalid(format!(
                    "no user name for {key}: give -u USER with -p PASSWORD or --password-stdin (sangja does not prompt for the user name)"
                )));
            };
            println!("Authenticating with existing credentials for {key}");
            return match login::verify(&host, &c, insecure)? {
                login::Verdict::Valid => {
                    println!("Existing credentials are valid. Already logged in to {key}");
                    Ok(0)
                }
                login::Verdict::Invalid => Err(Error::Registry(format!(
                    "logging into \"{key}\": the stored credentials are no longer valid: log in again with -u and --password-stdin"
                ))),
            };
        }
        (None, _) => return Err(Error::Invalid(format!("no user name for {key}: give -u/--username"))),
        (Some(u), Some(p)) => Credentials { username: u.clone(), password: p.clone() },
        (Some(u), None) => {
            let password = if args.password_stdin {
                let mut s = String::new();
                std::io::stdin().read_to_string(&mut s).map_err(|e| Error::Invalid(format!("cannot read the password from stdin: {e}")))?;
                s.trim_end_matches(['\n', '\r']).to_string()
            } else if std::io::stdin().is_terminal() {
                prompt_password(&key)?
            } else {
                return Err(Error::Invalid(format!("no password for {key} and no terminal to ask for one: give --password-stdin (or -p)")));
            };
            Credentials { username: u.clone(), password }
        }
    };
    if creds.username.contains(':') {
        return Err(Error::Invalid("a user name cannot contain \":\"".into()));
    }
    match login::verify(&host, &creds, insecure)? {
        login::Verdict::Valid => {}
        login::Verdict::Invalid => {
            return Err(Error::Registry(format!("logging into \"{key}\": invalid username/password")));
        }
    }
    auth::store(&file, &key, &creds)?;
    println!("Login Succeeded!");
    Ok(0)
}

/// `logout`: removes stored credentials.
pub fn logout(args: &LogoutArgs) -> Result<i32> {
    let file = auth::auth_file(args.authfile.as_deref());
    if args.all {
        if args.registry.is_some() {
            return Err(Error::Invalid("--all takes no registry: give one or the other".into()));
        }
        auth::remove_all(&file)?;
        println!("Removed login credentials for all registries");
        return Ok(0);
    }
    let key = registry_arg(args.registry.as_deref())?;
    if auth::remove(&file, &key)? {
        println!("Removed login credentials for {key}");
        return Ok(0);
    }
    // As podman: credentials found elsewhere (docker's config) are not ours to remove.
    if auth::lookup(host_of(&key), "", args.authfile.as_deref())?.is_some() {
        return Err(Error::Invalid(format!(
            "not logged into {key} with {}: the credentials in use come from another file (docker's config.json or a credential helper); use docker logout",
            file.display()
        )));
    }
    Err(Error::Invalid(format!("not logged into {key}")))
}

fn version_value() -> Value {
    let arch = crate::image::pull::Platform::host().arch;
    // Embedded by build.rs: the commit checked out, rustc's version, the build time.
    let built: i64 = env!("SANGJA_BUILT").parse().unwrap_or(0);
    let built_time = chrono::DateTime::from_timestamp(built, 0)
        .map(|t| t.with_timezone(&chrono::Local).format("%a %b %e %H:%M:%S %Y").to_string())
        .unwrap_or_default();
    json!({
        "APIVersion": env!("CARGO_PKG_VERSION"),
        "Version": env!("CARGO_PKG_VERSION"),
        "RustVersion": env!("SANGJA_RUST_VERSION"),
        "GitCommit": env!("SANGJA_GIT_COMMIT"),
        "BuiltTime": built_time,
        "Built": built,
        "OsArch": format!("linux/{arch}"),
        "Os": "linux",
    })
}

/// `version`: podman's fields (Go Version is Rust Version); `--format` over
/// {Client: {...}}.
pub fn version(args: &VersionArgs) -> Result<i32> {
    let v = version_value();
    match Format::parse(args.format.as_deref()) {
        Format::Table => {
            let s = |k: &str| v[k].as_str().unwrap_or("").to_string();
            println!("Client:        sangja");
            println!("Version:       {}", s("Version"));
            println!("API Version:   {}", s("APIVersion"));
            println!("Rust Version:  {}", s("RustVersion"));
            if !s("GitCommit").is_empty() {
                println!("Git Commit:    {}", s("GitCommit"));
            }
            println!("Built:         {}", s("BuiltTime"));
            println!("OS/Arch:       {}", s("OsArch"));
        }
        Format::Json => println!("{}", serde_json::to_string_pretty(&json!({ "Client": v })).unwrap_or_default()),
        Format::Template { template, .. } => print!("{}", format::template(&template, false, &[json!({ "Client": v })])?),
    }
    Ok(0)
}

fn os_release() -> Value {
    let text = std::fs::read_to_string("/etc/os-release").unwrap_or_default();
    let get =
        |k: &str| text.lines().find_map(|l| l.strip_prefix(&format!("{k}="))).map(|v| v.trim_matches('"').to_string()).unwrap_or_default();
    json!({ "distribution": get("ID"), "version": get("VERSION_ID"), "codename": get("VERSION_CODENAME") })
}

fn cgroup_version() -> &'static str {
    match nix::sys::statfs::statfs("/sys/fs/cgroup") {
        Ok(s) if s.filesystem_type() == nix::sys::statfs::CGROUP2_SUPER_MAGIC => "v2",
        _ => "v1",
    }
}

fn meminfo(key: &str) -> u64 {
    let text = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    text.lines()
        .find_map(|l| l.strip_prefix(&format!("{key}:")))
        .and_then(|v| v.split_whitespace().next()?.parse::<u64>().ok())
        .map(|kb| kb * 1024)
        .unwrap_or(0)
}

fn id_mappings(rootless: bool) -> Value {
    let uid = crate::paths::host_uid();
    let gid = nix::unistd::getgid().as_raw();
    let name = nix::unistd::User::from_uid(nix::unistd::Uid::from_raw(uid)).ok().flatten().map(|u| u.name).unwrap_or_default();
    let map = |own: u32, file: &str| -> Value {
        if !rootless {
            return json!([{ "container_id": 0, "host_id": 0, "size": 4294967295u64 }]);
        }
        let mut v = vec![json!({ "container_id": 0, "host_id": own, "size": 1 })];
        let mut next = 1u64;
        for r in crate::rootless::subid::read(Path::new(file), &name, uid).unwrap_or_default() {
            v.push(json!({ "container_id": next, "host_id": r.start, "size": r.count }));
            next += u64::from(r.count);
        }
        Value::Array(v)
    };
    json!({ "uidmap": map(uid, "/etc/subuid"), "gidmap": map(gid, "/etc/subgid") })
}

fn registries_value() -> Result<Value> {
    let (conf, _) = registries::load()?;
    let mut m = Map::new();
    for e in &conf.registry {
        let key = e.prefix.clone().or(e.location.clone()).unwrap_or_default();
        let mirrors: Vec<Value> = e.mirror.iter().map(|x| json!({ "Location": x.location, "Insecure": x.insecure })).collect();
        m.insert(
            key.clone(),
            json!({ "Prefix": key, "Location": e.location.clone().unwrap_or(key.clone()), "Insecure": e.insecure, "Blocked": e.blocked, "Mirrors": mirrors }),
        );
    }
    m.insert("search".into(), json!(conf.unqualified_search_registries.unwrap_or_default()));
    Ok(Value::Object(m))
}

/// The whole of `info`, with podman's JSON keys.
pub fn info_value(cli: &Cli) -> Result<Value> {
    let paths = StorePaths::new(cli.root.clone(), cli.runroot.clone(), cli.storage_driver.clone())?;
    let cconf = containers_conf::load()?;
    let uts = nix::sys::utsname::uname().ok();
    let s = |f: fn(&nix::sys::utsname::UtsName) -> &std::ffi::OsStr| {
        uts.as_ref().map(|u| f(u).to_string_lossy().into_owned()).unwrap_or_default()
    };
    let images = crate::image::store::ImageStore::new(&paths).list().map(|v| v.len()).unwrap_or(0);
    let containers = crate::container::record::ContainerStore::new(&paths).list().unwrap_or_default();
    let status = |c: &crate::container::record::Container| format!("{:?}", c.state.status);
    let running = containers.iter().filter(|c| status(c) == "Running").count();
    let paused = containers.iter().filter(|c| status(c) == "Paused").count();
    let exe = std::env::current_exe().map(|p| p.display().to_string()).unwrap_or_default();
    let (_, settings_file) = settings::load()?;
    let config_file = settings_file.or_else(|| settings::candidates().into_iter().next()).unwrap_or_default();
    Ok(json!({
        "host": {
            "arch": crate::image::pull::Platform::host().arch,
            "os": "linux",
            "kernel": s(|u| u.release()),
            "hostname": s(|u| u.nodename()),
            "distribution": os_release(),
            "cgroupVersion": cgroup_version(),
            "cpus": std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
            "memTotal": meminfo("MemTotal"),
            "memFree": meminfo("MemAvailable"),
            "idMappings": id_mappings(paths.rootless),
            // The runtime is part of sangja: no runc, crun or conmon.
            "ociRuntime": { "name": "sangja", "package": "built in", "path": exe, "version": env!("CARGO_PKG_VERSION") },
            "security": { "rootless": paths.rootless },
            "containersConf": cconf.files.iter().map(|p| p.display().to_string()).collect::<Vec<_>>(),
        },
        "store": {
            "configFile": config_file.display().to_string(),
            "graphRoot": paths.root.display().to_string(),
            "runRoot": paths.runroot.display().to_string(),
            "graphDriverName": paths.driver,
            "imageStore": { "number": images },
            "containerStore": { "number": containers.len(), "running": running, "paused": paused, "stopped": containers.len() - running - paused },
        },
        "registries": registries_value()?,
        "version": version_value(),
    }))
}

/// YAML as podman's default `info` output: nested keys, lists with "- ".
fn yaml(v: &Value, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                match x {
                    Value::Object(o) if !o.is_empty() => {
                        out.push_str(&format!("{pad}{k}:\n"));
                        yaml(x, indent + 2, out);
                    }
                    Value::Array(a) if !a.is_empty() => {
                        out.push_str(&format!("{pad}{k}:\n"));
                        yaml(x, indent, out);
                    }
                    _ => out.push_str(&format!("{pad}{k}: {}\n", yaml_scalar(x))),
                }
            }
        }
        Value::Array(a) => {
            for x in a {
                match x {
                    Value::Object(_) => {
                        let mut inner = String::new();
                        yaml(x, indent + 2, &mut inner);
                        out.push_str(&format!("{pad}- {}", inner.trim_start()));
                    }
                    _ => out.push_str(&format!("{pad}- {}\n", yaml_scalar(x))),
                }
            }
        }
        other => out.push_str(&format!("{pad}{}\n", yaml_scalar(other))),
    }
}

fn yaml_scalar(v: &Value) -> String {
    match v {
        Value::String(s) if s.is_empty() => "\"\"".into(),
        Value::String(s) => s.clone(),
        Value::Object(_) => "{}".into(),
        Value::Array(_) => "[]".into(),
        other => other.to_string(),
    }
}

/// `info`.
pub fn info(cli: &Cli, args: &InfoArgs) -> Result<i32> {
    let v = info_value(cli)?;
    match Format::parse(args.format.as_deref()) {
        Format::Table => {
            let mut out = String::new();
            yaml(&v, 0, &mut out);
            print!("{out}");
        }
        Format::Json => println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default()),
        Format::Template { template, .. } => print!("{}", format::template(&template, false, &[v])?),
    }
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_names() {
        assert_eq!(normalize_registry("https://quay.io/").unwrap(), "quay.io");
        assert_eq!(normalize_registry("127.0.0.1:5002").unwrap(), "127.0.0.1:5002");
        assert!(normalize_registry("").is_err());
    }

    #[test]
    fn yaml_output() {
        let mut out = String::new();
        yaml(&json!({"a": {"b": 1, "c": ["x"]}, "d": [{"e": 2, "f": 3}]}), 0, &mut out);
        assert_eq!(out, "a:\n  b: 1\n  c:\n  - x\nd:\n- e: 2\n  f: 3\n");
    }
}
