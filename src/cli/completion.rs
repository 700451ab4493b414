//! Shell completion: `completion bash|zsh|fish` prints clap_complete's static
//! script for the clap tree plus a small wrapper per shell, and the hidden
//! `__complete` lists the names of containers, images, volumes and networks.
//!
//! The wrapper hands the words typed so far to `sangja __complete words -- ...`;
//! the binary decides from the clap tree and the table below whether the word
//! under the cursor is an object name. If so it prints the names (exit 0) and
//! the wrapper offers them; otherwise it exits 1 and the shell falls back to the
//! static script (subcommands, flags, files). One decision in Rust instead of
//! three hand-kept copies of the table in bash, zsh and fish. It reads the
//! records without entering the user namespace, as `ps` does: a TAB costs one
//! exec and a few small file reads.

use super::Cli;
use crate::engine::names::{self as engine_names, NamesRequest, Which};
use crate::error::{Error, Result};
use crate::paths::StorePaths;
use clap::{Args, Command, CommandFactory, ValueEnum};
use clap_complete::Shell;
use std::collections::BTreeSet;
use std::io::Write;
use std::path::PathBuf;

// `completion` flags.
#[derive(Debug, Args)]
pub struct CompletionArgs {
    /// The shell: bash, zsh or fish.
    #[arg(value_name = "SHELL", value_parser = ["bash", "zsh", "fish"])]
    pub shell: String,
}

// `__complete` flags (internal, called by the completion scripts).
#[derive(Debug, Args)]
pub struct CompleteArgs {
    /// What to list: containers, images, volumes, networks; or `words`, the
    /// command line after `--` (the last word is the one being completed).
    #[arg(value_parser = ["containers", "images", "volumes", "networks", "words"])]
    pub what: String,
    /// Containers: all of them (default: the running ones).
    #[arg(long)]
    pub all: bool,
    /// Containers: only the ones not running.
    #[arg(long)]
    pub stopped: bool,
    /// The words of the command line, for `words`.
    #[arg(last = true)]
    pub words: Vec<String>,
}

/// The kinds of object a word can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Containers, by state.
    Containers(Which),
    Images,
    Volumes,
    Networks,
    /// `--network`: the built-in modes and the networks.
    NetworkModes,
    /// Containers and images (`inspect`).
    Any,
}

/// Positions of the positional arguments that take the kind: the first, the
/// second, or every one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum At {
    First,
    Second,
    Every,
}

/// Command (with `container ` and `image ` prefixes folded, see `key`) →
/// which positional takes what. Entries for commands not (yet) in the tree
/// are harmless: they never match.
const TABLE: &[(&str, At, Kind)] = &[
    ("rm", At::Every, Kind::Containers(Which::All)),
    ("start", At::Every, Kind::Containers(Which::Stopped)),
    ("stop", At::Every, Kind::Containers(Which::Running)),
    ("kill", At::Every, Kind::Containers(Which::Running)),
    ("restart", At::Every, Kind::Containers(Which::All)),
    ("wait", At::Every, Kind::Containers(Which::All)),
    ("logs", At::Every, Kind::Containers(Which::All)),
    ("port", At::First, Kind::Containers(Which::All)),
    ("pause", At::Every, Kind::Containers(Which::Running)),
    ("unpause", At::Every, Kind::Containers(Which::Running)),
    ("rename", At::First, Kind::Containers(Which::All)),
    ("exec", At::First, Kind::Containers(Which::Running)),
    ("top", At::First, Kind::Containers(Which::Running)),
    ("stats", At::Every, Kind::Containers(Which::Running)),
    ("diff", At::First, Kind::Containers(Which::All)),
    ("commit", At::First, Kind::Containers(Which::All)),
    ("export", At::First, Kind::Containers(Which::All)),
    ("mount", At::Every, Kind::Containers(Which::All)),
    ("unmount", At::Every, Kind::Containers(Which::All)),
    ("attach", At::First, Kind::Containers(Which::Running)),
    ("init", At::Every, Kind::Containers(Which::All)),
    ("container inspect", At::Every, Kind::Containers(Which::All)),
    ("container exists", At::First, Kind::Containers(Which::All)),
    ("generate systemd", At::First, Kind::Containers(Which::All)),
    ("inspect", At::Every, Kind::Any),
    ("run", At::First, Kind::Images),
    ("create", At::First, Kind::Images),
    ("rmi", At::Every, Kind::Images),
    ("history", At::First, Kind::Images),
    ("tag", At::First, Kind::Images),
    ("untag", At::First, Kind::Images),
    ("save", At::Every, Kind::Images),
    ("push", At::First, Kind::Images),
    ("image inspect", At::Every, Kind::Images),
    ("image exists", At::First, Kind::Images),
    ("image tree", At::First, Kind::Images),
    ("image history", At::First, Kind::Images),
    ("image tag", At::First, Kind::Images),
    ("image untag", At::First, Kind::Images),
    ("image mount", At::Every, Kind::Images),
    ("image unmount", At::Every, Kind::Images),
    ("manifest inspect", At::First, Kind::Images),
    ("manifest exists", At::First, Kind::Images),
    ("manifest rm", At::Every, Kind::Images),
    ("volume rm", At::Every, Kind::Volumes),
    ("volume inspect", At::Every, Kind::Volumes),
    ("volume exists", At::First, Kind::Volumes),
    ("volume export", At::First, Kind::Volumes),
    ("volume import", At::First, Kind::Volumes),
    ("volume mount", At::Every, Kind::Volumes),
    ("volume unmount", At::Every, Kind::Volumes),
    ("network rm", At::Every, Kind::Networks),
    ("network inspect", At::Every, Kind::Networks),
    ("network exists", At::First, Kind::Networks),
    ("network connect", At::First, Kind::Networks),
    ("network connect", At::Second, Kind::Containers(Which::All)),
    ("network disconnect", At::First, Kind::Networks),
    ("network disconnect", At::Second, Kind::Containers(Which::All)),
];

/// Flags whose value names an object (by clap arg id).
const FLAG_VALUES: &[(&str, Kind)] = &[("network", Kind::NetworkModes)];

/// The network modes that need no `network create`.
const BUILTIN_NETWORKS: &[&str] = &["pasta", "slirp4netns", "host", "none", "bridge", "private"];

/// The global flags found among the words, to open the same store.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Globals {
    pub root: Option<PathBuf>,
    pub runroot: Option<PathBuf>,
    pub storage_driver: Option<String>,
}

/// What the word under the cursor is, if it names objects.
#[derive(Debug, PartialEq, Eq)]
pub struct Want {
    pub kind: Kind,
    pub globals: Globals,
}

/// The table key of a command path: `container rm` is `rm`, `image rm` is
/// `rmi`, `image ls` stays; the groups' own commands keep their prefix.
fn key(path: &[String]) -> String {
    let joined = path.join(" ");
    match path.first().map(String::as_str) {
        Some("container") if path.len() == 2 && !TABLE.iter().any(|(k, ..)| *k == joined) => path[1].clone(),
        Some("image") if path.get(1).map(String::as_str) == Some("rm") => "rmi".to_string(),
        Some("image") if path.len() == 2 && !TABLE.iter().any(|(k, ..)| *k == joined) => path[1].clone(),
        _ => joined,
    }
}

fn takes_value(arg: &clap::Arg) -> bool {
    // A flag with an optional value (--tls-verify[=BOOL]) does not eat the next word.
    arg.get_num_args().map(|r| r.takes_values() && r.min_values() > 0).unwrap_or(false)
}

fn record_global(globals: &mut Globals, id: &str, value: &str) {
    match id {
        "root" => globals.root = Some(PathBuf::from(value)),
        "runroot" => globals.runroot = Some(PathBuf::from(value)),
        "storage_driver" => globals.storage_driver = Some(value.to_string()),
        _ => {}
    }
}

/// The clap tree with globals propagated and arities set (as parsing sees it).
pub fn built() -> Command {
    let mut cmd = super::command();
    cmd.build();
    cmd
}

/// Decides from the clap tree what `words` (after the program name; the last
/// is the word being completed, possibly empty) want at the cursor.
pub fn analyze(root: &Command, words: &[String]) -> Option<Want> {
    let (current, before) = words.split_last()?;
    let mut globals = Globals::default();
    let mut cmd = root;
    let mut path: Vec<String> = Vec::new();
    let mut positionals = 0usize;
    let mut pending: Option<String> = None;
    let mut after_dashes = false;
    for w in before {
        if let Some(id) = pending.take() {
            record_global(&mut globals, &id, w);
            continue;
        }
        if !after_dashes && w == "--" {
            after_dashes = true;
            continue;
        }
        if !after_dashes && w.starts_with("--") {
            let (name, value) = match w[2..].split_once('=') {
                Some((n, v)) => (n, Some(v)),
                None => (&w[2..], None),
            };
            let arg =
                cmd.get_arguments().find(|a| a.get_long() == Some(name) || a.get_all_aliases().map(|v| v.contains(&name)).unwrap_or(false));
            if let Some(arg) = arg {
                match value {
                    Some(v) => record_global(&mut globals, arg.get_id().as_str(), v),
                    None if takes_value(arg) => pending = Some(arg.get_id().to_string()),
                    None => {}
                }
            }
            continue;
        }
        if !after_dashes && w.starts_with('-') && w.len() > 1 {
            for (i, c) in w[1..].char_indices() {
                let Some(arg) = cmd.get_arguments().find(|a| a.get_short() == Some(c)) else { continue };
                if takes_value(arg) {
                    let rest = &w[1 + i + c.len_utf8()..];
                    if rest.is_empty() {
                        pending = Some(arg.get_id().to_string());
                    } else {
                        record_global(&mut globals, arg.get_id().as_str(), rest);
                    }
                    break;
                }
            }
            continue;
        }
        if positionals == 0 && !after_dashes {
            if let Some(sub) = cmd.find_subcommand(w) {
                cmd = sub;
                path.push(sub.get_name().to_string());
                continue;
            }
        }
        positionals += 1;
    }
    if let Some(id) = pending {
        let kind = FLAG_VALUES.iter().find(|(f, _)| *f == id).map(|(_, k)| *k)?;
        return Some(Want { kind, globals });
    }
    if current.starts_with('-') && !after_dashes {
        return None;
    }
    // A group (`volume`, `image`) with its subcommand still to choose.
    if cmd.has_subcommands() && positionals == 0 {
        return None;
    }
    let k = key(&path);
    let (.., kind) = TABLE.iter().find(|(name, at, _)| {
        *name == k
            && match at {
                At::First => positionals == 0,
                At::Second => positionals == 1,
                At::Every => true,
            }
    })?;
    Some(Want { kind: *kind, globals })
}

/// The names of the objects of `kind` in the store of `globals`, sorted.
pub fn names(kind: Kind, globals: Globals) -> Result<Vec<String>> {
    if let Kind::Networks | Kind::NetworkModes = kind {
        return Ok(networks(&globals, kind == Kind::NetworkModes));
    }
    let paths = StorePaths::new(globals.root, globals.runroot, globals.storage_driver)?;
    let req = NamesRequest {
        containers: match kind {
            Kind::Containers(w) => Some(w),
            Kind::Any => Some(Which::All),
            _ => None,
        },
        images: matches!(kind, Kind::Images | Kind::Any),
        volumes: kind == Kind::Volumes,
    };
    engine_names::names(&paths, &req)
}

/// The networks (with the built-in modes for `--network`): the user networks when this build has
/// `network ls` (asked of ourselves, so that its store stays its own).
fn networks(globals: &Globals, modes: bool) -> Vec<String> {
    let mut out: BTreeSet<String> = BTreeSet::new();
    if modes {
        out.extend(BUILTIN_NETWORKS.iter().map(|s| s.to_string()));
    }
    let has_ls = Cli::command().find_subcommand("network").map(|n| n.find_subcommand("ls").is_some()).unwrap_or(false);
    if has_ls {
        if let Ok(exe) = std::env::current_exe() {
            let mut cmd = std::process::Command::new(exe);
            if let Some(r) = &globals.root {
                cmd.arg("--root").arg(r);
            }
            if let Some(r) = &globals.runroot {
                cmd.arg("--runroot").arg(r);
            }
            cmd.args(["network", "ls", "--format", "{{.Name}}"]).stderr(std::process::Stdio::null());
            if let Ok(o) = cmd.output() {
                if o.status.success() {
                    out.extend(String::from_utf8_lossy(&o.stdout).lines().map(str::trim).filter(|l| !l.is_empty()).map(String::from));
                }
            }
        }
    }
    out.into_iter().collect()
}

/// `__complete`: prints names, one a line. With `words`, exit 1 says "not an
/// object name here" to the script, which then completes statically.
pub fn complete(cli: &Cli, args: &CompleteArgs) -> Result<i32> {
    let want = if args.what == "words" {
        match analyze(&built(), &args.words) {
            Some(mut w) => {
                // Global flags given before `__complete` count when the line has none.
                w.globals.root = w.globals.root.or_else(|| cli.root.clone());
                w.globals.runroot = w.globals.runroot.or_else(|| cli.runroot.clone());
                w
            }
            None => return Ok(1),
        }
    } else {
        let kind = match args.what.as_str() {
            "containers" if args.all => Kind::Containers(Which::All),
            "containers" if args.stopped => Kind::Containers(Which::Stopped),
            "containers" => Kind::Containers(Which::Running),
            "images" => Kind::Images,
            "volumes" => Kind::Volumes,
            _ => Kind::Networks,
        };
        Want { kind, globals: Globals { root: cli.root.clone(), runroot: cli.runroot.clone(), storage_driver: cli.storage_driver.clone() } }
    };
    let list = names(want.kind, want.globals)?;
    let mut out = String::new();
    for n in list {
        out.push_str(&n);
        out.push('\n');
    }
    // A closed pipe (`| head`) is not an error for a list.
    let _ = std::io::stdout().lock().write_all(out.as_bytes());
    Ok(0)
}

/// The bash wrapper: object names from `__complete words`, else clap's function.
const BASH_WRAPPER: &str = r#"
# Names of containers, images, volumes and networks: asked of sangja itself
# (`sangja __complete words -- WORDS`); anything else goes to the static
# completion above.
_sangja_objects() {
    # The line is split on blanks only: COMP_WORDS also splits at ':', which
    # image names (127.0.0.1:5000/busybox:latest) contain.
    local line="${COMP_LINE:0:COMP_POINT}" out
    local -a words
    read -r -a words <<< "$line"
    [[ "$line" =~ [[:space:]]$ ]] && words+=("")
    local cur="${words[${#words[@]}-1]}"
    if out=$("${words[0]}" __complete words -- "${words[@]:1}" 2>/dev/null); then
        compopt +o default +o bashdefault 2>/dev/null
        local IFS=$'\n'
        COMPREPLY=( $(compgen -W "$out" -- "$cur") )
        # bash replaces only what follows the last ':' of the word.
        if [[ "$cur" == *:* && "$COMP_WORDBREAKS" == *:* ]]; then
            local colon="${cur%"${cur##*:}"}" i
            for i in "${!COMPREPLY[@]}"; do COMPREPLY[i]=${COMPREPLY[i]#"$colon"}; done
        fi
        return 0
    fi
    _sangja "$@"
}

if [[ "${BASH_VERSINFO[0]}" -eq 4 && "${BASH_VERSINFO[1]}" -ge 4 || "${BASH_VERSINFO[0]}" -gt 4 ]]; then
    complete -F _sangja_objects -o nosort -o bashdefault -o default sangja
else
    complete -F _sangja_objects -o bashdefault -o default sangja
fi
"#;

/// The zsh wrapper; clap's `_sangja` is renamed `_sangja_static`.
const ZSH_WRAPPER: &str = r#"
# Names of containers, images, volumes and networks: asked of sangja itself
# (`sangja __complete words -- WORDS`); anything else goes to the static
# completion above.
_sangja() {
    local out
    if out=$(${words[1]} __complete words -- "${(@)words[2,CURRENT]}" 2>/dev/null); then
        local -a names
        names=(${(f)out})
        # compadd, not _describe: image names hold ':', _describe's separator.
        compadd -a names
        return
    fi
    _sangja_static "$@"
}
"#;

/// The fish wrapper: one more completion, active where sangja names objects.
const FISH_WRAPPER: &str = r#"
# Names of containers, images, volumes and networks: asked of sangja itself
# (`sangja __complete words -- WORDS`); the condition keeps them for the entry.
function __sangja_objects_wanted
    set -l tokens (commandline -opc)
    set -l current (commandline -ct)
    set -g __sangja_objects ($tokens[1] __complete words -- $tokens[2..-1] "$current" 2>/dev/null)
end
complete -c sangja -n __sangja_objects_wanted -f -a '$__sangja_objects'
# Values of flags that name objects: fish asks the flag's own entries for them.
complete -c sangja -n __sangja_objects_wanted -l network -x -a '$__sangja_objects'
"#;

/// The completion script for `shell` (bash, zsh, fish).
pub fn script(shell: &str) -> Result<String> {
    let sh =
        Shell::from_str(shell, true).map_err(|_| Error::Invalid(format!("no completion for shell {shell:?}: use bash, zsh or fish")))?;
    let mut cmd = super::documented_command();
    let mut buf = Vec::new();
    clap_complete::generate(sh, &mut cmd, "sangja", &mut buf);
    let generated = String::from_utf8_lossy(&buf).into_owned();
    Ok(match sh {
        Shell::Bash => generated + BASH_WRAPPER,
        Shell::Fish => generated + FISH_WRAPPER,
        Shell::Zsh => {
            // Rename clap's entry function and put ours (same name, so that the
            // fpath autoload and compdef both reach it) before the trailer.
            let renamed = generated.replacen("\n_sangja() {\n", "\n_sangja_static() {\n", 1);
            match renamed.rfind("\nif [ \"$funcstack[1]\" = \"_sangja\" ]") {
                Some(at) => format!("{}{}{}", &renamed[..at], ZSH_WRAPPER, &renamed[at..]),
                None => renamed + ZSH_WRAPPER,
            }
        }
        _ => generated,
    })
}

/// `completion SHELL`: prints the script.
pub fn completion(args: &CompletionArgs) -> Result<i32> {
    let _ = std::io::stdout().lock().write_all(script(&args.shell)?.as_bytes());
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn want(line: &str) -> Option<Kind> {
        let mut words: Vec<String> = line.split(' ').map(String::from).collect();
        if line.is_empty() {
            words = vec![String::new()];
        }
        analyze(&built(), &words).map(|w| w.kind)
    }

    #[test]
    fn object_positions() {
        assert_eq!(want("rm "), Some(Kind::Containers(Which::All)));
        assert_eq!(want("rm -f a "), Some(Kind::Containers(Which::All)));
        assert_eq!(want("container rm "), Some(Kind::Containers(Which::All)));
        assert_eq!(want("start "), Some(Kind::Containers(Which::Stopped)));
        assert_eq!(want("exec "), Some(Kind::Containers(Which::Running)));
        assert_eq!(want("exec -it "), Some(Kind::Containers(Which::Running)));
        assert_eq!(want("exec -e A=1 "), Some(Kind::Containers(Which::Running)));
        assert_eq!(want("exec c1 "), None);
        assert_eq!(want("rmi "), Some(Kind::Images));
        assert_eq!(want("image rm "), Some(Kind::Images));
        assert_eq!(want("run --rm -e A=1 "), Some(Kind::Images));
        assert_eq!(want("run img "), None);
        assert_eq!(want("volume rm "), Some(Kind::Volumes));
        assert_eq!(want("volume "), None);
        assert_eq!(want(""), None);
        assert_eq!(want("rm -"), None);
        assert_eq!(want("run --network "), Some(Kind::NetworkModes));
        assert_eq!(want("network rm "), Some(Kind::Networks));
        assert_eq!(want("network connect net1 "), Some(Kind::Containers(Which::All)));
        assert_eq!(want("inspect "), Some(Kind::Any));
    }

    #[test]
    fn globals_are_read() {
        let words: Vec<String> = ["--root", "/tmp/x", "rm", ""].iter().map(|s| s.to_string()).collect();
        let w = analyze(&built(), &words).expect("rm wants containers");
        assert_eq!(w.globals.root, Some(PathBuf::from("/tmp/x")));
        let words: Vec<String> = ["--root=/tmp/y", "rmi", "a", ""].iter().map(|s| s.to_string()).collect();
        assert_eq!(analyze(&built(), &words).and_then(|w| w.globals.root), Some(PathBuf::from("/tmp/y")));
    }

    #[test]
    fn scripts_have_the_wrapper() {
        for sh in ["bash", "zsh", "fish"] {
            let s = script(sh).expect("known shell");
            assert!(s.contains("__complete words"), "{sh}");
        }
        let zsh = script("zsh").expect("zsh");
        assert!(zsh.contains("_sangja_static() {"));
        assert!(script("tcsh").is_err());
    }
}
