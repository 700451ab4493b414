//! Which subcommand a command line invokes, read before clap parses it.
//!
//! clap builds every command's arguments before it parses: for sangja's
//! ~140 commands and their ~1300 flags that was about 3 ms of every
//! invocation, more than a whole `image exists`. The subcommand enums defer
//! their arguments (`#[command(defer = true)]`), so clap builds only the
//! commands it descends into; this scan finds that path first, so that
//! compat.txt's flags are added to those commands alone.
//!
//! The scan only has to be right when it answers: anything it does not
//! understand (an unknown flag, `--help`, no subcommand, a word that is not
//! a subcommand) gives `None`, and the caller parses against the whole
//! tree, which also gives clap's own messages for bad input.

use super::compat::{man_names, Entry};
use clap::Command;
use std::ffi::OsString;

/// The names (canonical, not aliases) of the subcommands `args` invokes, from
/// the top down to a command without subcommands: `["container", "run"]`.
/// `args[0]` is the program. `entries` is compat.txt's table.
pub fn invoked_path(root: &Command, entries: &[Entry], args: &[OsString]) -> Option<Vec<String>> {
    let mut cmd = root;
    let mut path: Vec<String> = Vec::new();
    let mut words = args.iter().skip(1);
    while let Some(word) = words.next() {
        let word = word.to_str()?;
        let value_follows = if let Some(long) = word.strip_prefix("--") {
            match long.split_once('=') {
                _ if long.is_empty() => return None,
                Some(_) => false,
                None => takes_value(root, cmd, &path, entries, Flag::Long(long))?,
            }
        } else if let Some(letters) = word.strip_prefix('-').filter(|s| !s.is_empty()) {
            // A cluster (`-rc NAME`, `-cNAME`): the first letter that takes a
            // value takes the rest of the word, or the next word if none is left.
            let mut follows = false;
            for (i, c) in letters.char_indices() {
                if takes_value(root, cmd, &path, entries, Flag::Short(c))? {
                    follows = i + c.len_utf8() == letters.len();
                    break;
                }
            }
            follows
        } else {
            let sub = cmd.get_subcommands().find(|s| s.get_name() == word || s.get_all_aliases().any(|a| a == word))?;
            path.push(sub.get_name().to_string());
            if !sub.has_subcommands() {
                return Some(path);
            }
            cmd = sub;
            false
        };
        if value_follows {
            words.next()?;
        }
    }
    None
}

#[derive(Clone, Copy)]
enum Flag<'a> {
    Long(&'a str),
    Short(char),
}

/// Whether `flag`, given to `cmd` (at `path`) before its subcommand, takes the
/// next word as its value; `None` for a flag the scan does not know there.
fn takes_value(root: &Command, cmd: &Command, path: &[String], entries: &[Entry], flag: Flag) -> Option<bool> {
    let is = |long: Option<&str>, short: Option<char>| match flag {
        Flag::Long(l) => long == Some(l),
        Flag::Short(s) => short == Some(s),
    };
    // The command's own arguments, and the top's global ones everywhere.
    let defined = cmd.get_arguments().chain(root.get_arguments().filter(|a| a.is_global_set()));
    if let Some(arg) = defined.into_iter().find(|a| is(a.get_long(), a.get_short())) {
        return Some(arg.get_action().takes_values());
    }
    let refs: Vec<&str> = path.iter().map(String::as_str).collect();
    let names = man_names(&refs);
    entries
        .iter()
        .filter(|e| e.pages.iter().any(|p| *p == "podman" || names.iter().any(|n| n == p)))
        .find(|e| is(Some(e.long), e.short))
        .map(|e| e.value)
}

/// The subcommand names clap matched, from the top down.
pub fn matched_path(m: &clap::ArgMatches) -> Vec<String> {
    let mut path = Vec::new();
    let mut level = m;
    while let Some((name, sub)) = level.subcommand() {
        path.push(name.to_string());
        level = sub;
    }
    path
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan(line: &str) -> Option<Vec<String>> {
        let args: Vec<OsString> = std::iter::once("sangja").chain(line.split_whitespace()).map(OsString::from).collect();
        invoked_path(&crate::cli::documented_command(), &crate::cli::compat::entries(), &args)
    }

    fn path(p: &[&str]) -> Option<Vec<String>> {
        Some(p.iter().map(|s| s.to_string()).collect())
    }

    #[test]
    fn finds_the_leaf_past_global_flags_and_their_values() {
        assert_eq!(scan("push img"), path(&["push"]));
        assert_eq!(scan("--root /x --log-level debug container run --rm alpine"), path(&["container", "run"]));
        assert_eq!(scan("--root=/x --noout image ls"), path(&["image", "ls"]));
        // compat.txt's global flags: --runtime takes a value, --syslog does not.
        assert_eq!(scan("--runtime runc --syslog ps -a"), path(&["ps"]));
        assert_eq!(scan("-c conn ps"), path(&["ps"]));
        assert_eq!(scan("container --log-level info list"), path(&["container", "ls"]));
    }

    #[test]
    fn answers_none_where_clap_must_decide() {
        for line in
            ["", "--help", "-h", "-v", "--version", "help run", "pushh", "container", "container lss", "--bogus ps", "--root", "-- ps"]
        {
            assert_eq!(scan(line), None, "{line:?}");
        }
    }

    /// A leaf's about is its variant's doc comment, deferred arguments or not
    /// (an `Args` struct with a doc comment would replace it when built).
    #[test]
    fn building_a_command_keeps_its_about() {
        fn walk(cmd: &Command, path: &str) {
            for sub in cmd.get_subcommands() {
                let path = format!("{path} {}", sub.get_name());
                let mut built = sub.clone();
                built.build();
                assert_eq!(built.get_about().map(|a| a.to_string()), sub.get_about().map(|a| a.to_string()), "{path}");
                walk(sub, &path);
            }
        }
        walk(&crate::cli::documented_command(), "sangja");
    }

    /// A command's own short letter wins over podman's global one
    /// (compat.txt's -c, --connection), deferred arguments or not.
    #[test]
    fn own_flags_win_over_podman_globals() {
        let line = ["sangja", "commit", "-c", "CMD x", "c", "img"];
        for m in [
            crate::cli::command().try_get_matches_from(line).unwrap(),
            crate::cli::compat::add_flags_along(crate::cli::documented_command(), &["commit".into()]).try_get_matches_from(line).unwrap(),
        ] {
            let commit = m.subcommand_matches("commit").unwrap();
            assert_eq!(commit.get_many::<String>("changes").unwrap().collect::<Vec<_>>(), ["CMD x"]);
        }
        // And before the command, -c is podman's --connection (refused).
        let m = crate::cli::command().try_get_matches_from(["sangja", "-c", "conn", "ps"]).unwrap();
        assert!(crate::cli::compat::check(&m).unwrap_err().contains("--connection"));
    }

    #[test]
    fn the_scanned_tree_parses_as_the_whole_one() {
        // commit's -c is --change, not podman's global -c (--connection).
        for line in [
            "push img",
            "--log-level debug container run --rm -h host alpine true",
            "image ls -q",
            "ps --runtime x -a",
            "commit -c CMD=x c img",
            "-c conn ps",
        ] {
            let args: Vec<OsString> = std::iter::once("sangja").chain(line.split_whitespace()).map(OsString::from).collect();
            let p = scan(line).unwrap();
            let root = crate::cli::documented_command();
            let fast = crate::cli::compat::add_flags_along(root, &p).try_get_matches_from(&args).unwrap();
            let full = crate::cli::command().try_get_matches_from(&args).unwrap();
            assert_eq!(matched_path(&fast), p);
            assert_eq!(format!("{fast:?}"), format!("{full:?}"), "{line}");
        }
    }
}
