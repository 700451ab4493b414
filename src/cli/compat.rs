//! podman's flags that sangja accepts without a behaviour of its own, or
//! refuses on purpose: one reviewed table, `compat.txt` beside this file,
//! read at build time. Each line adds a hidden flag to the commands that
//! podman documents it for (by man page name), so a podman user's script
//! parses; after parsing, a refused flag stops the command with a message
//! naming the flag and why, an ignored one does nothing (or warns, as
//! podman does). The parity check (tests/parity/) reads the same table.

use clap::parser::ValueSource;
use clap::{Arg, ArgAction, ArgMatches, Command};

/// The table (see its head for the format).
pub const TABLE: &str = include_str!("compat.txt");

/// What sangja does with a listed flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Accepted, no effect (podman's own behaviour where it means nothing here).
    Ignore,
    /// Accepted, no effect, with a warning (as podman warns for it).
    Warn,
    /// Refused with a message naming the flag and the reason.
    Refuse,
}

/// One line of the table.
#[derive(Debug, Clone)]
pub struct Entry {
    /// podman man page names (`run`, `volume-ls`; `podman` for global flags).
    pub pages: Vec<&'static str>,
    pub long: &'static str,
    pub short: Option<char>,
    /// Whether the flag takes a value (`--flag=VALUE` in the table).
    pub value: bool,
    pub kind: Kind,
    pub reason: &'static str,
}

/// The table's lines; a malformed line is a bug caught by the unit test.
pub fn entries() -> Vec<Entry> {
    TABLE.lines().filter_map(|l| parse_line(l).ok().flatten()).collect()
}

fn parse_line(line: &'static str) -> Result<Option<Entry>, String> {
    let line = line.trim();
    if line.is_empty() || line.starts_with('#') {
        return Ok(None);
    }
    let mut rest = line;
    let (pages, flag, kind) = (token(&mut rest), token(&mut rest), token(&mut rest));
    let rest = rest.trim();
    if kind.is_empty() {
        return Err(format!("too few fields: {line}"));
    }
    let kind = match kind {
        "ignore" => Kind::Ignore,
        "warn" => Kind::Warn,
        "refuse" => Kind::Refuse,
        k => return Err(format!("kind {k:?} is not ignore, warn or refuse: {line}")),
    };
    if rest.is_empty() {
        return Err(format!("no reason given: {line}"));
    }
    let (name, value) = match flag.split_once('=') {
        Some((n, _)) => (n, true),
        None => (flag, false),
    };
    let (long, short) = match name.split_once('/') {
        Some((l, s)) => (l, s.strip_prefix('-').and_then(|s| s.chars().next())),
        None => (name, None),
    };
    let Some(long) = long.strip_prefix("--") else {
        return Err(format!("flag {flag:?} does not start with --: {line}"));
    };
    Ok(Some(Entry { pages: pages.split(',').collect(), long, short, value, kind, reason: rest }))
}

/// The podman man page names that document the sangja command at `path`
/// (`["container", "ls"]`: container-ls, ls, ps), most specific first.
pub fn man_names(path: &[&str]) -> Vec<String> {
    if path.is_empty() {
        return vec!["podman".into()];
    }
    let mut v = vec![path.join("-")];
    if path.len() == 2 && (path[0] == "container" || path[0] == "image") {
        let alias = match (path[0], path[1]) {
            ("container", "ls" | "list") => Some("ps"),
            ("image", "ls" | "list") => Some("images"),
            ("image", "rm") => Some("rmi"),
            _ => None,
        };
        v.extend(alias.map(String::from));
        v.push(path[1].to_string());
    }
    v
}

fn arg_id(long: &str) -> String {
    format!("compat-{long}")
}

/// The next whitespace-separated word of `s`, and `s` moved past it.
fn token(s: &mut &'static str) -> &'static str {
    let t = s.trim_start();
    let end = t.find(char::is_whitespace).unwrap_or(t.len());
    *s = &t[end..];
    &t[..end]
}

/// `cmd` with the table's flags added to it and all its subcommands: the
/// tree that help, completion and the parity check walk.
pub fn add_flags(cmd: Command) -> Command {
    add_to(cmd, &[], &entries(), None)
}

/// `cmd` with the table's flags added only along `path` (the invoked
/// subcommands, `["container", "run"]`) and at the top. A command
/// line parses the same against this tree as against the whole one; the
/// other ~140 commands keep their arguments unbuilt (their enums defer
/// them), which saves most of clap's start-up cost.
pub fn add_flags_along(cmd: Command, path: &[String]) -> Command {
    add_to(cmd, &[], &entries(), Some(path))
}

/// The longs and shorts `cmd` defines itself. A leaf's arguments are
/// deferred until clap builds it (`#[command(defer = true)]`), so a built
/// copy answers for it; a command with subcommands has only its own
/// eagerly defined arguments.
fn own_flags(cmd: &Command) -> (Vec<String>, Vec<char>) {
    let built;
    let src = if cmd.has_subcommands() {
        cmd
    } else {
        let mut copy = cmd.clone();
        copy.build();
        built = copy;
        &built
    };
    let longs = src.get_arguments().filter_map(|a| a.get_long().map(String::from)).collect();
    let shorts = src.get_arguments().filter_map(|a| a.get_short()).collect();
    (longs, shorts)
}

fn add_to(mut cmd: Command, path: &[&str], entries: &[Entry], only: Option<&[String]>) -> Command {
    let names = man_names(path);
    // podman's global flags (page `podman`) go on every command, as flags
    // of its own rather than clap globals: clap puts a global flag in a
    // subcommand before that command's deferred arguments, so a global -c
    // (--connection) would shadow commit's own -c (--change). Here a
    // command's own flags win, as they did. And the command's own entries
    // come first: a short letter is theirs before a global one's (build's
    // -c is --cpu-shares, not --connection).
    let own = |e: &&Entry| e.pages.iter().any(|p| names.iter().any(|n| n == p));
    let global = |e: &&Entry| e.pages.contains(&"podman");
    let wanted: Vec<&Entry> = entries.iter().filter(own).chain(entries.iter().filter(|e| global(e) && !own(e))).collect();
    if !wanted.is_empty() {
        let (mut longs, mut shorts) = own_flags(&cmd);
        for e in wanted {
            if longs.iter().any(|l| l == e.long) {
                continue;
            }
            longs.push(e.long.to_string());
            // Built once per process: leaking the few ids costs nothing.
            let id: &'static str = Box::leak(arg_id(e.long).into_boxed_str());
            let mut arg = Arg::new(id).long(e.long).hide(true);
            // A short letter sangja gives another flag stays that flag's.
            if let Some(s) = e.short.filter(|s| !shorts.contains(s)) {
                shorts.push(s);
                arg = arg.short(s);
            }
            arg = if e.value {
                arg.action(ArgAction::Append).num_args(1).allow_hyphen_values(false)
            } else {
                // podman's booleans also take `--flag=false`.
                arg.action(ArgAction::Append).num_args(0..=1).require_equals(true).default_missing_value("true")
            };
            cmd = cmd.arg(arg);
        }
    }
    if only.is_some_and(|p| p.is_empty()) {
        return cmd;
    }
    // mut_subcommands keeps their order (mut_subcommand moves one last).
    cmd.mut_subcommands(|s| {
        let name = s.get_name().to_string();
        let rest = match only {
            None => None,
            Some([next, rest @ ..]) if *next == name => Some(rest),
            Some(_) => return s,
        };
        let mut sub_path: Vec<&str> = path.to_vec();
        sub_path.push(&name);
        add_to(s, &sub_path, entries, rest)
    })
}

/// `--help` alone, for the commands whose `-h` is another flag's (podman's
/// `run -h` and `create -h` are `--hostname`).
pub fn long_help_flag() -> Arg {
    // Listed last, where clap puts its own help flag.
    Arg::new("help").long("help").action(ArgAction::Help).help("Print help").display_order(usize::MAX)
}

/// podman's `-v` for `--version` at the top (clap's is `-V`).
pub fn podman_shorts(cmd: Command) -> Command {
    cmd.disable_version_flag(true).arg(Arg::new("version").short('v').long("version").action(ArgAction::Version).help("Print version"))
}

/// What the table says about the flags given on this command line: the
/// warnings to print, or the error of the first refused flag.
pub fn check(m: &ArgMatches) -> Result<Vec<String>, String> {
    let entries = entries();
    let mut warnings = Vec::new();
    let mut level = Some(m);
    while let Some(m) = level {
        for e in &entries {
            let id = arg_id(e.long);
            let given = m.try_get_raw(&id).ok().flatten().is_some() && m.value_source(&id) == Some(ValueSource::CommandLine);
            if !given {
                continue;
            }
            let off = !e.value && m.get_many::<String>(&id).is_some_and(|mut v| v.all(|v| v == "false"));
            match e.kind {
                Kind::Refuse if !off => return Err(format!("--{} is not supported by sangja: {}", e.long, e.reason)),
                Kind::Warn if !off => {
                    let w = format!("--{}: {}", e.long, e.reason);
                    if !warnings.contains(&w) {
                        warnings.push(w);
                    }
                }
                _ => {}
            }
        }
        level = m.subcommand().map(|(_, s)| s);
    }
    Ok(warnings)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_line_of_the_table_parses() {
        for line in TABLE.lines() {
            parse_line(line).unwrap();
        }
        assert!(!entries().is_empty());
    }

    #[test]
    fn a_line_reads_pages_flag_kind_and_reason() {
        let e = parse_line("run,create --attach/-a=STREAM refuse  the reason here").unwrap().unwrap();
        assert_eq!(e.pages, ["run", "create"]);
        assert_eq!((e.long, e.short, e.value, e.kind), ("attach", Some('a'), true, Kind::Refuse));
        assert_eq!(e.reason, "the reason here");
        assert!(parse_line("run --x maybe why").is_err());
        assert!(parse_line("run --x ignore").is_err());
    }

    #[test]
    fn container_and_image_verbs_have_podman_aliases() {
        assert_eq!(man_names(&["container", "ls"]), ["container-ls", "ps", "ls"]);
        assert_eq!(man_names(&["image", "rm"]), ["image-rm", "rmi", "rm"]);
        assert_eq!(man_names(&["volume", "rm"]), ["volume-rm"]);
        assert_eq!(man_names(&[]), ["podman"]);
    }
}
