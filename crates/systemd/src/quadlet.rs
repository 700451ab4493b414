//! A Quadlet-style generator: `.container` files (podman Quadlet's keys)
//! turned into `.service` units that run the container with sangja.
//!
//! systemd runs generators early at boot and on `daemon-reload`, with three
//! output folders (normal, early, late); units go to the normal one, and
//! [Install] WantedBy=/RequiredBy= become symlinks there as systemd's own
//! `enable` would make them (a generated unit cannot be enabled).

use super::unit::{exec_line, quote};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// One parsed unit file: sections in order, each a list of (key, value, line).
/// A section's entries: key, value and the line they came from.
pub type Entries = Vec<(String, String, usize)>;

#[derive(Debug, Default, Clone)]
pub struct UnitFile {
    pub sections: Vec<(String, Entries)>,
}

/// A warning or an error about one line of one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub file: PathBuf,
    pub line: usize,
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {}", self.file.display(), self.line, self.message)
    }
}

/// Parses systemd's unit syntax: [Section], Key=Value, # and ; comments,
/// lines continued with a trailing backslash.
pub fn parse(file: &Path, text: &str) -> Result<UnitFile, Problem> {
    let mut u = UnitFile::default();
    let mut pending: Option<(String, usize)> = None;
    for (n, raw) in text.lines().enumerate() {
        let lineno = n + 1;
        let (line, start) = match pending.take() {
            Some((mut acc, start)) => {
                acc.push(' ');
                acc.push_str(raw.trim());
                (acc, start)
            }
            None => (raw.trim().to_string(), lineno),
        };
        if line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if let Some(body) = line.strip_suffix('\\') {
            pending = Some((body.trim_end().to_string(), start));
            continue;
        }
        if line.is_empty() {
            continue;
        }
        if line.starts_with('[') {
            let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) else {
                return Err(Problem { file: file.into(), line: start, message: format!("bad section header {line:?}") });
            };
            u.sections.push((name.to_string(), Vec::new()));
            continue;
        }
        let Some((k, v)) = line.split_once('=') else {
            return Err(Problem { file: file.into(), line: start, message: format!("expected Key=Value, found {line:?}") });
        };
        let Some(section) = u.sections.last_mut() else {
            return Err(Problem { file: file.into(), line: start, message: "a key before any [Section]".into() });
        };
        section.1.push((k.trim().to_string(), v.trim().to_string(), start));
    }
    Ok(u)
}

/// Splits a value into words as systemd does for Exec= lines: blanks
/// separate, double or single quotes group, backslash escapes.
pub fn split_words(v: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut chars = v.chars();
    while let Some(c) = chars.next() {
        match c {
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            '"' | '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        None => return Err(format!("unbalanced quote in {v:?}")),
                        Some(q) if q == c => break,
                        Some('\\') if c == '"' => cur.push(chars.next().unwrap_or('\\')),
                        Some(x) => cur.push(x),
                    }
                }
            }
            '\\' => {
                in_word = true;
                cur.push(chars.next().unwrap_or('\\'));
            }
            c => {
                in_word = true;
                cur.push(c);
            }
        }
    }
    if in_word {
        words.push(cur);
    }
    Ok(words)
}

/// The keys of [Container] this generator knows, and the flag each becomes.
const FLAG_KEYS: [(&str, &str); 23] = [
    ("PublishPort", "--publish"),
    ("Volume", "--volume"),
    ("Network", "--network"),
    ("Label", "--label"),
    ("Environment", "--env"),
    ("EnvironmentFile", "--env-file"),
    ("User", "--user"),
    ("WorkingDir", "--workdir"),
    ("HostName", "--hostname"),
    ("AddCapability", "--cap-add"),
    ("DropCapability", "--cap-drop"),
    ("Tmpfs", "--tmpfs"),
    ("Entrypoint", "--entrypoint"),
    ("DNS", "--dns"),
    ("AddHost", "--add-host"),
    ("Pull", "--pull"),
    ("Mount", "--mount"),
    ("Ulimit", "--ulimit"),
    ("DNSSearch", "--dns-search"),
    ("DNSOption", "--dns-option"),
    ("IP", "--ip"),
    ("NetworkAlias", "--network-alias"),
    ("PidsLimit", "--pids-limit"),
];

/// The generated unit for one `.container` file, plus warnings.
#[derive(Debug, Clone)]
pub struct Generated {
    /// e.g. web.service for web.container.
    pub name: String,
    pub text: String,
    /// Targets that want it ([Install] WantedBy=), and require it (RequiredBy=).
    pub wanted_by: Vec<String>,
    pub required_by: Vec<String>,
    pub warnings: Vec<Problem>,
}

fn bool_value(file: &Path, line: usize, key: &str, v: &str) -> Result<bool, Problem> {
    match v.to_ascii_lowercase().as_str() {
        "1" | "yes" | "true" | "on" => Ok(true),
        "0" | "no" | "false" | "off" => Ok(false),
        _ => Err(Problem { file: file.into(), line, message: format!("{key}={v:?} is not a boolean: use true or false") }),
    }
}

/// Turns the `.container` file `file` (already parsed) into a unit that
/// runs it with the sangja binary at `exe`.
pub fn container_unit(file: &Path, u: &UnitFile, exe: &str) -> Result<Generated, Problem> {
    let stem = file.file_stem().and_then(|s| s.to_str()).unwrap_or("container").to_string();
    let err = |line: usize, message: String| Problem { file: file.into(), line, message };
    let mut warnings = Vec::new();
    let mut image: Option<String> = None;
    let mut exec: Vec<String> = Vec::new();
    let mut name = "systemd-%N".to_string();
    let mut flags: Vec<String> = Vec::new();
    let mut extra: Vec<String> = Vec::new();
    let mut globals: Vec<String> = Vec::new();
    let mut notify = false;
    let mut group: Option<String> = None;
    let mut user: Option<String> = None;
    let mut passthrough: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    let mut wanted_by = Vec::new();
    let mut required_by = Vec::new();
    let mut seen_container = false;
    let mut stop_timeout: u64 = 10;
    let mut container_lines = Vec::new();
    for (section, entries) in &u.sections {
        match section.as_str() {
            "Container" => {
                seen_container = true;
                for (k, v, line) in entries {
                    container_lines.push(format!("{k}={v}"));
                    let words = || split_words(v).map_err(|m| err(*line, format!("{k}: {m}")));
                    match k.as_str() {
                        "Image" => {
                            if v.is_empty() {
                                return Err(err(*line, "Image= is empty: name the image to run".into()));
                            }
                            image = Some(v.clone());
                        }
                        "Exec" => exec = words()?,
                        "ContainerName" => {
                            let ok = v.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
                                && v.chars().all(|c| c.is_ascii_alphanumeric() || "_.-%".contains(c));
                            if !ok {
                                return Err(err(
                                    *line,
                                    format!("ContainerName={v:?} is invalid: names must match [a-zA-Z0-9][a-zA-Z0-9_.-]*"),
                                ));
                            }
                            name = v.clone();
                        }
                        "PodmanArgs" => extra.extend(words()?),
                        "GlobalArgs" => globals.extend(words()?),
                        "Notify" => notify = bool_value(file, *line, k, v)?,
                        "ReadOnly" => {
                            if bool_value(file, *line, k, v)? {
                                flags.push("--read-only".into());
                            }
                        }
                        "NoNewPrivileges" => {
                            if bool_value(file, *line, k, v)? {
                                flags.push("--security-opt=no-new-privileges".into());
                            }
                        }
                        "SeccompProfile" => flags.push(format!("--security-opt=seccomp={v}")),
                        "RunInit" => {
                            if bool_value(file, *line, k, v)? {
                                flags.push("--init".into());
                            }
                        }
                        "StopTimeout" => {
                            let n: u64 = v.parse().map_err(|_| err(*line, format!("StopTimeout={v:?} is not a number of seconds")))?;
                            flags.push(format!("--stop-timeout={n}"));
                            stop_timeout = n;
                        }
                        "User" => user = Some(v.clone()),
                        "Group" => group = Some(v.clone()),
                        "PublishPort" => {
                            let ok = v.split(':').all(|p| !p.is_empty()) && v.chars().last().is_some_and(|c| c.is_ascii_alphanumeric());
                            let port = v.rsplit(':').next().unwrap_or("");
                            let num = port.split('/').next().unwrap_or("");
                            if !ok || num.split('-').any(|n| n.parse::<u16>().is_err()) {
                                return Err(err(
                                    *line,
                                    format!("PublishPort={v:?} is invalid: use [[IP:]HOST_PORT:]CONTAINER_PORT[/PROTOCOL]"),
                                ));
                            }
                            flags.push(format!("--publish={v}"));
                        }
                        "Environment" => {
                            for w in words()? {
                                flags.push(format!("--env={w}"));
                            }
                        }
                        "AddCapability" | "DropCapability" => {
                            let flag = if k == "AddCapability" { "--cap-add" } else { "--cap-drop" };
                            flags.push(format!("{flag}={}", v.split_whitespace().collect::<Vec<_>>().join(",")));
                        }
                        "EnvironmentFile" => {
                            // Relative to the .container file, as Quadlet.
                            let p = file.parent().unwrap_or(Path::new("/")).join(v);
                            flags.push(format!("--env-file={}", p.display()));
                        }
                        "Label" => {
                            for w in words()? {
                                flags.push(format!("--label={w}"));
                            }
                        }
                        _ => match FLAG_KEYS.iter().find(|(key, _)| key == k) {
                            Some((_, flag)) => flags.push(format!("{flag}={v}")),
                            None => warnings.push(err(*line, format!("unsupported key {k:?} in [Container], ignored"))),
                        },
                    }
                }
            }
            "Unit" | "Service" | "Install" => {
                for (k, v, _) in entries {
                    if section == "Install" {
                        match k.as_str() {
                            "WantedBy" => wanted_by.extend(v.split_whitespace().map(str::to_string)),
                            "RequiredBy" => required_by.extend(v.split_whitespace().map(str::to_string)),
                            _ => {}
                        }
                    }
                    passthrough.entry(section_key(section)).or_default().push(format!("{k}={v}"));
                }
            }
            other => {
                let line = entries.first().map(|e| e.2).unwrap_or(1);
                warnings.push(err(line, format!("unsupported section [{other}], ignored")));
            }
        }
    }
    if !seen_container {
        return Err(err(1, "no [Container] section".into()));
    }
    let Some(image) = image else {
        return Err(err(1, "no Image= key in [Container]: name the image to run".into()));
    };
    match (user, group) {
        (Some(u), Some(g)) => flags.push(format!("--user={u}:{g}")),
        (Some(u), None) => flags.push(format!("--user={u}")),
        (None, Some(_)) => return Err(err(1, "Group= needs User= as well".into())),
        (None, None) => {}
    }
    let cid = "%t/%N.cid";
    let mut start = vec![exe.to_string()];
    start.extend(globals.iter().cloned());
    start.extend(["run".to_string(), format!("--name={name}"), format!("--cidfile={cid}"), "--replace".into(), "--rm".into()]);
    start.extend(["--cgroups=split".into(), format!("--sdnotify={}", if notify { "container" } else { "conmon" }), "-d".into()]);
    start.extend(flags);
    start.extend(extra);
    start.push(image);
    start.extend(exec);
    // The name and cidfile carry specifiers (%N, %t) on purpose.
    // (ContainerName= may use specifiers too, e.g. %i in a template.)
    let name_flag = format!("--name={name}");
    let keep = |s: String| s.replace("%%t/%%N.cid", cid).replace(&quote(&name_flag), &name_flag);
    let start_line = keep(exec_line(&start));
    let g = exec_line(&globals);
    let g = if g.is_empty() { String::new() } else { format!("{g} ") };
    let mut t = String::new();
    t.push_str(&format!("# Automatically generated by sangja from {}\n#\n", file.display()));
    t.push_str("[X-Container]\n");
    for l in &container_lines {
        t.push_str(l);
        t.push('\n');
    }
    t.push_str("\n[Unit]\nWants=network-online.target\nAfter=network-online.target\n");
    t.push_str(&format!("SourcePath={}\nRequiresMountsFor=%t\n", file.display()));
    for l in passthrough.get("Unit").into_iter().flatten() {
        t.push_str(&format!("{l}\n"));
    }
    t.push_str("\n[Service]\nEnvironment=SANGJA_SYSTEMD_UNIT=%n\nKillMode=mixed\n");
    // rm -f -t: the stop signal first, SIGKILL after the timeout.
    t.push_str(&format!("ExecStop={} {g}rm -v -f -i -t {stop_timeout} --cidfile={cid}\n", quote(exe)));
    t.push_str(&format!("ExecStopPost=-{} {g}rm -v -f -i -t {stop_timeout} --cidfile={cid}\n", quote(exe)));
    t.push_str(&format!("TimeoutStopSec={}\n", stop_timeout + 60));
    t.push_str("Delegate=yes\nType=notify\nNotifyAccess=all\nSyslogIdentifier=%N\n");
    t.push_str(&format!("ExecStart={start_line}\n"));
    for l in passthrough.get("Service").into_iter().flatten() {
        t.push_str(&format!("{l}\n"));
    }
    if let Some(install) = passthrough.get("Install") {
        t.push_str("\n[Install]\n");
        for l in install {
            t.push_str(&format!("{l}\n"));
        }
    }
    Ok(Generated { name: format!("{stem}.service"), text: t, wanted_by, required_by, warnings })
}

fn section_key(s: &str) -> &'static str {
    match s {
        "Unit" => "Unit",
        "Service" => "Service",
        _ => "Install",
    }
}

/// The folders searched for `.container` files, first wins for a name:
/// for a user, $XDG_CONFIG_HOME/containers/systemd then
/// /etc/containers/systemd/users/$UID and /etc/containers/systemd/users;
/// for the system, /etc/containers/systemd then /usr/share/containers/systemd.
/// $QUADLET_UNIT_DIRS (colon-separated) replaces them, as in podman.
pub fn search_dirs(user: bool) -> Vec<PathBuf> {
    if let Some(v) = std::env::var_os("QUADLET_UNIT_DIRS").filter(|v| !v.is_empty()) {
        return std::env::split_paths(&v).collect();
    }
    if user {
        let config = std::env::var_os("XDG_CONFIG_HOME")
            .map(PathBuf::from)
            .filter(|p| p.is_absolute())
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")));
        let uid = nix::unistd::getuid().as_raw();
        let mut v: Vec<PathBuf> = config.into_iter().map(|c| c.join("containers/systemd")).collect();
        v.push(PathBuf::from(format!("/etc/containers/systemd/users/{uid}")));
        v.push(PathBuf::from("/etc/containers/systemd/users"));
        v
    } else {
        vec![PathBuf::from("/etc/containers/systemd"), PathBuf::from("/usr/share/containers/systemd")]
    }
}

/// The `.container` files of `dirs`, by name (the first folder wins).
pub fn find_files(dirs: &[PathBuf]) -> Vec<PathBuf> {
    let mut by_name: BTreeMap<String, PathBuf> = BTreeMap::new();
    for d in dirs {
        let Ok(rd) = std::fs::read_dir(d) else { continue };
        let mut names: Vec<_> = rd.filter_map(|e| e.ok()).map(|e| e.path()).collect();
        names.sort();
        for p in names {
            if p.extension().is_some_and(|e| e == "container") && p.is_file() {
                if let Some(n) = p.file_name().and_then(|n| n.to_str()) {
                    by_name.entry(n.to_string()).or_insert(p);
                }
            }
        }
    }
    by_name.into_values().collect()
}

/// Generates every unit of `files`. A file with an error is skipped (its
/// error returned with the others) so one bad file does not hide the rest.
pub fn generate_all(files: &[PathBuf], exe: &str) -> (Vec<Generated>, Vec<Problem>) {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for f in files {
        let text = match std::fs::read_to_string(f) {
            Ok(t) => t,
            Err(e) => {
                errors.push(Problem { file: f.clone(), line: 0, message: format!("cannot read: {e}") });
                continue;
            }
        };
        match parse(f, &text).and_then(|u| container_unit(f, &u, exe)) {
            Ok(g) => out.push(g),
            Err(p) => errors.push(p),
        }
    }
    (out, errors)
}

/// Writes the units into systemd's normal output folder, with the
/// .wants/.requires symlinks of their [Install] section.
pub fn write_units(out_dir: &Path, units: &[Generated]) -> std::io::Result<()> {
    std::fs::create_dir_all(out_dir)?;
    for g in units {
        let path = out_dir.join(&g.name);
        let tmp = out_dir.join(format!(".{}.tmp", g.name));
        std::fs::write(&tmp, &g.text)?;
        std::fs::rename(&tmp, &path)?;
        for (targets, suffix) in [(&g.wanted_by, "wants"), (&g.required_by, "requires")] {
            for t in targets {
                let d = out_dir.join(format!("{t}.{suffix}"));
                std::fs::create_dir_all(&d)?;
                let link = d.join(&g.name);
                let _ = std::fs::remove_file(&link);
                std::os::unix::fs::symlink(&path, &link)?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gen(text: &str) -> Result<Generated, Problem> {
        let f = Path::new("/q/web.container");
        parse(f, text).and_then(|u| container_unit(f, &u, "/usr/bin/sangja"))
    }

    #[test]
    fn splits_words_with_quotes() {
        assert_eq!(split_words(r#"a "b c" 'd e' f\ g"#).unwrap(), vec!["a", "b c", "d e", "f g"]);
        assert!(split_words("\"open").is_err());
    }

    #[test]
    fn a_container_becomes_a_run_line() {
        let g = gen("[Container]\nImage=busybox\nExec=sleep 100\nPublishPort=8080:80\nEnvironment=A=1 \"B=2 3\"\n[Install]\nWantedBy=default.target\n").unwrap();
        assert_eq!(g.name, "web.service");
        assert!(g.text.contains("ExecStart=/usr/bin/sangja run --name=systemd-%N --cidfile=%t/%N.cid --replace --rm --cgroups=split --sdnotify=conmon -d --publish=8080:80 --env=A=1 \"--env=B=2 3\" busybox sleep 100\n"), "{}", g.text);
        assert_eq!(g.wanted_by, vec!["default.target"]);
        assert!(g.warnings.is_empty());
    }

    #[test]
    fn unknown_keys_warn_and_bad_values_fail() {
        let g = gen("[Container]\nImage=busybox\nFrobnicate=1\n").unwrap();
        assert_eq!(g.warnings.len(), 1);
        assert_eq!(g.warnings[0].line, 3);
        let e = gen("[Container]\nImage=busybox\nNotify=maybe\n").unwrap_err();
        assert_eq!(e.line, 3);
        assert!(gen("[Container]\nExec=true\n").unwrap_err().message.contains("Image="));
        assert!(gen("[Container]\nImage=b\nPublishPort=80:x\n").is_err());
    }
}
