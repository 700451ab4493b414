//! `info`, `login`, `logout`, `version`: the configuration in effect and the
//! credentials of registries.

use super::format::{self, Format};
use super::Cli;
use crate::config::auth::Credentials;
use crate::engine::auth::{self, LoginOutcome, LoginRequest, LogoutOutcome, LogoutRequest};
use crate::engine::system as engine_system;
use crate::error::{Error, Result};
use crate::paths::StorePaths;
use clap::Args;
use serde_json::{json, Value};
use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;

// `info` flags.
#[derive(Debug, Args)]
pub struct InfoArgs {
    /// Output format: json, or a Go template such as '{{.Store.GraphRoot}}'.
    #[arg(short, long)]
    pub format: Option<String>,
}

// `version` flags.
#[derive(Debug, Args)]
pub struct VersionArgs {
    /// Output format: json, or a Go template such as '{{.Client.Version}}'.
    #[arg(short, long)]
    pub format: Option<String>,
}

// `system service` flags (podman's).
#[derive(Debug, Args)]
pub struct ServiceArgs {
    /// Exit this many seconds after the last connection closed (0: never).
    #[arg(short = 't', long = "time", value_name = "SECONDS", default_value_t = 5)]
    pub time: u64,
    /// Where to listen: unix:///path/to/sock or tcp:127.0.0.1:PORT (default:
    /// the socket systemd passed, else $XDG_RUNTIME_DIR/sangja/sangja.sock,
    /// as root /run/sangja/sangja.sock).
    #[arg(value_name = "URI")]
    pub uri: Option<String>,
}

// `login` flags (podman's).
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

// `logout` flags.
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

/// The password of `-u USER` without `-p`: from stdin, or asked on the terminal.
fn read_password(args: &LoginArgs, key: &str) -> Result<String> {
    if args.password_stdin {
        let mut s = String::new();
        std::io::stdin().read_to_string(&mut s).map_err(|e| Error::Invalid(format!("cannot read the password from stdin: {e}")))?;
        Ok(s.trim_end_matches(['\n', '\r']).to_string())
    } else if std::io::stdin().is_terminal() {
        prompt_password(key)
    } else {
        Err(Error::Invalid(format!("no password for {key} and no terminal to ask for one: give --password-stdin (or -p)")))
    }
}

/// `login`: the engine checks the credentials with the registry, then stores them.
pub fn login(args: &LoginArgs) -> Result<i32> {
    let target = auth::target(args.registry.as_deref(), args.authfile.as_deref())?;
    if args.get_login {
        println!("{}", auth::stored_login(&target)?);
        return Ok(0);
    }
    if args.password.is_some() && args.password_stdin {
        return Err(Error::Invalid("--password and --password-stdin are mutually exclusive: give one".into()));
    }
    let insecure = auth::insecure(&target, args.tls_verify)?;
    if args.verbose {
        eprintln!("Used: {}", target.auth_file.display());
    }
    let key = target.key.clone();
    let (credentials, stored) = match (&args.username, &args.password) {
        (None, None) if !args.password_stdin => {
            let c = auth::stored(&target)?;
            println!("Authenticating with existing credentials for {key}");
            (c, true)
        }
        (None, _) => return Err(Error::Invalid(format!("no user name for {key}: give -u/--username"))),
        (Some(u), Some(p)) => (Credentials { username: u.clone(), password: p.clone() }, false),
        (Some(u), None) => (Credentials { username: u.clone(), password: read_password(args, &key)? }, false),
    };
    match auth::login(&LoginRequest { target, credentials, insecure, stored })? {
        LoginOutcome::LoggedIn => println!("Login Succeeded!"),
        LoginOutcome::AlreadyLoggedIn => println!("Existing credentials are valid. Already logged in to {key}"),
    }
    Ok(0)
}

/// `logout`: removes stored credentials.
pub fn logout(args: &LogoutArgs) -> Result<i32> {
    let req = LogoutRequest { registry: args.registry.clone(), auth_file: args.authfile.clone(), all: args.all };
    match auth::logout(&req)? {
        LogoutOutcome::All => println!("Removed login credentials for all registries"),
        LogoutOutcome::Registry(key) => println!("Removed login credentials for {key}"),
    }
    Ok(0)
}

/// `version`: podman's fields (Go Version is Rust Version); `--format` over
/// {Client: {...}}.
pub fn version(args: &VersionArgs) -> Result<i32> {
    let v = engine_system::version(build_stamp());
    match Format::parse(args.format.as_deref()) {
        Format::Table => {
            println!("Client:        sangja");
            println!("Version:       {}", v.version);
            println!("API Version:   {}", v.api_version);
            println!("Rust Version:  {}", v.rust_version);
            if !v.git_commit.is_empty() {
                println!("Git Commit:    {}", v.git_commit);
            }
            println!("Built:         {}", v.built_time);
            println!("OS/Arch:       {}", v.os_arch);
        }
        Format::Json => println!("{}", serde_json::to_string_pretty(&json!({ "Client": v })).unwrap_or_default()),
        Format::Template { template, .. } => print!("{}", format::template(&template, false, &[json!({ "Client": v })])?),
    }
    Ok(0)
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

/// `info`: the engine's document as YAML (podman's default), JSON or a template.
pub fn info(cli: &Cli, args: &InfoArgs) -> Result<i32> {
    let paths = StorePaths::new(cli.root.clone(), cli.runroot.clone(), cli.storage_driver.clone())?;
    let v = serde_json::to_value(engine_system::info(&paths, build_stamp())?).unwrap_or_default();
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

/// `system service`: the API service on the engine this command opened
/// (single-threaded so far: the service starts its threads itself).
pub fn service(ctx: super::Context, args: ServiceArgs) -> Result<i32> {
    let opts = crate::api::ServeOptions { uri: args.uri, idle: std::time::Duration::from_secs(args.time) };
    crate::api::serve(ctx.engine, build_stamp(), opts)?;
    Ok(0)
}

/// What build.rs embedded in this binary (`version`, `info`).
fn build_stamp() -> engine_system::BuildStamp {
    engine_system::BuildStamp {
        git_commit: env!("SANGJA_GIT_COMMIT"),
        rust_version: env!("SANGJA_RUST_VERSION"),
        built: env!("SANGJA_BUILT"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_output() {
        let mut out = String::new();
        yaml(&json!({"a": {"b": 1, "c": ["x"]}, "d": [{"e": 2, "f": 3}]}), 0, &mut out);
        assert_eq!(out, "a:\n  b: 1\n  c:\n  - x\nd:\n- e: 2\n  f: 3\n");
    }
}
