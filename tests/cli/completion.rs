//! Shell completion for real: the script `sangja completion SHELL` prints,
//! loaded into bash, zsh and fish, completes the names of this test's
//! containers, images and volumes (through `sangja __complete`), and falls
//! back to the static clap completion for subcommands and flags.
//! bash: the function that `complete -p sangja` names, called as readline
//! would (COMP_WORDS, COMP_LINE...); fish: `complete -C LINE`; zsh: an
//! interactive zsh in a pseudo-terminal (zpty) pressing TAB, with compadd
//! wrapped to print the candidates.

use crate::util::*;
use std::collections::BTreeSet;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, Stdio};

/// Runs `program args` as the test's user, with the binary's folder first in
/// PATH (the scripts call `sangja`) and HOME in the test's folder (fish and
/// zsh write their state there, not in the machine's home folders).
fn as_user(s: &Sangja, program: &str, args: &[&str]) -> Out {
    let bin_dir = binary().parent().expect("the binary has a folder");
    let mut cmd = Command::new(program);
    cmd.args(args).env_clear().current_dir(&s.dir);
    cmd.env("PATH", format!("{}:/usr/local/bin:/usr/bin:/bin", bin_dir.display()));
    cmd.env("LANG", "C.UTF-8").env("TERM", "dumb").env("HOME", &s.dir);
    if let Mode::Rootless { user, switch } = &s.mode {
        cmd.env("USER", &user.name).env("XDG_RUNTIME_DIR", format!("/run/user/{}", user.uid));
        if *switch {
            cmd.uid(user.uid).gid(user.gid);
        }
    }
    cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
    let line = format!("{program} {}", args.join(" "));
    wait_output(spawn_retry(&mut cmd), line, None, TIMEOUT)
}

/// Writes a file the test's user can read.
fn put(path: &Path, text: &str) {
    fs::write(path, text).unwrap();
    fs::set_permissions(path, fs::Permissions::from_mode(0o644)).unwrap();
}

/// The line typed so far: the test's store, then `rest`.
fn line(s: &Sangja, rest: &str) -> String {
    format!("sangja --root {} --runroot {} {rest}", s.root.display(), s.runroot.display())
}

const BASH_DRIVER: &str = r#"
source ./sangja.bash
line="$1"
COMP_LINE="$line"; COMP_POINT=${#line}
read -r -a COMP_WORDS <<< "$line"
[[ "$line" == *" " ]] && COMP_WORDS+=("")
COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
fn=$(complete -p sangja | sed -n 's/.* -F \([^ ]*\) .*/\1/p')
[ -n "$fn" ] || { echo "no completion registered for sangja" >&2; exit 3; }
COMPREPLY=()
"$fn" sangja "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
printf '%s\n' "${COMPREPLY[@]}"
"#;

const ZSH_DRIVER: &str = r#"
zmodload zsh/zpty
zpty z 'zsh -f -i'
zpty -w z "fpath=($PWD/zfunc \$fpath); autoload -U compinit; compinit -u -d $PWD/zcompdump"
zpty -w z 'compadd () { if [[ ${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then builtin compadd "$@"; return $?; fi; typeset -a __hits; builtin compadd -A __hits "$@"; for h in $__hits; do print -r -- "CAND:$h:DNAC" >/dev/tty; done; }'
zpty -w z "bindkey '^I' complete-word"
# Type only once the set-up ran: zle drops what was typed ahead of compinit.
zpty -w z 'print READY$((6*7))'
out=""
for i in {1..200}; do
  zpty -r -t z chunk && out+="$chunk"
  [[ $out == *READY42* ]] && break
  sleep 0.05
done
zpty -w -n z "$1"$'\t'$'\x15'
zpty -w z 'print END$((6*7))'
out=""
for i in {1..200}; do
  zpty -r -t z chunk && out+="$chunk"
  [[ $out == *END42* ]] && break
  sleep 0.05
done
zpty -d z
print -r -- "$out" | tr -d '\r' | grep -ao 'CAND:[^ ]*:DNAC' | sed 's/^CAND://; s/:DNAC$//'
[[ $out == *END42* ]] || { echo "zsh did not finish the completion" >&2; exit 3; }
"#;

/// The candidates each shell offers for `rest` typed after the store flags.
fn candidates(s: &Sangja, shell: &str, rest: &str) -> BTreeSet<String> {
    let typed = line(s, rest);
    let out = match shell {
        "bash" => as_user(s, "bash", &["--norc", "--noprofile", "-c", BASH_DRIVER, "bash", &typed]),
        "fish" => as_user(s, "fish", &["--no-config", "-c", "source ./sangja.fish; complete -C $argv[1]", &typed]),
        _ => as_user(s, "zsh", &["-f", "-c", ZSH_DRIVER, "zsh", &typed]),
    }
    .ok();
    // fish prints NAME<TAB>DESCRIPTION.
    out.lines().iter().map(|l| l.split('\t').next().unwrap_or("").to_string()).filter(|l| !l.is_empty()).collect()
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| s.to_string()).collect()
}

both!(
    fn names_in_bash_zsh_fish(s) {
        s.pull(BUSYBOX);
        s.ok(&["create", "--name", "stopped1", BUSYBOX, "true"]);
        s.ok(&["run", "-d", "--name", "running1", BUSYBOX, "sleep", "300"]);
        s.ok(&["volume", "create", "vol1"]);
        s.ok(&["network", "create", "net1"]);
        for (shell, file) in [("bash", "sangja.bash"), ("fish", "sangja.fish"), ("zsh", "zfunc/_sangja")] {
            let script = s.ok(&["completion", shell]).stdout;
            let path = s.dir.join(file);
            if let Some(parent) = path.parent() {
                fs::create_dir_all(parent).unwrap();
                fs::set_permissions(parent, fs::Permissions::from_mode(0o755)).unwrap();
            }
            put(&path, &script);
        }
        if let Mode::Rootless { user, switch: true } = &s.mode {
            std::os::unix::fs::chown(s.dir.join("zfunc"), Some(user.uid), Some(user.gid)).unwrap();
        }
        let both = set(&["running1", "stopped1"]);
        for shell in ["bash", "fish", "zsh"] {
            let c = |rest: &str| candidates(s, shell, rest);
            assert_eq!(c("rm "), both, "{shell}: rm lists every container");
            assert_eq!(c("container rm "), both, "{shell}: container rm");
            assert_eq!(c("start "), set(&["stopped1"]), "{shell}: start lists the stopped ones");
            assert_eq!(c("exec "), set(&["running1"]), "{shell}: exec lists the running ones");
            assert_eq!(c("rm -f st"), set(&["stopped1"]), "{shell}: a prefix filters");
            assert_eq!(c("rmi "), set(&[BUSYBOX]), "{shell}: rmi lists images");
            assert_eq!(c("volume rm "), set(&["vol1"]), "{shell}: volume rm lists volumes");
            let nets = c("run --network ");
            assert!(nets.contains("host") && nets.contains("none") && nets.contains("net1"), "{shell}: --network: {nets:?}");
            let nets = c("network rm ");
            assert!(nets.contains("net1") && !nets.contains("host"), "{shell}: network rm: {nets:?}");
            // Elsewhere the static completion: subcommands, flags.
            let sub = c("volume ");
            assert!(sub.contains("create") && sub.contains("rm") && !sub.contains("vol1"), "{shell}: volume subcommands: {sub:?}");
            assert!(c("rm --fo").contains("--force"), "{shell}: flags");
            assert!(!c("exec running1 ").contains("running1"), "{shell}: the command after the container is not a container");
        }
        // The name lists themselves.
        s.ok(&["__complete", "containers", "--all"]).stdout_is("running1\nstopped1\n");
        s.ok(&["__complete", "containers"]).stdout_is("running1\n");
        s.ok(&["__complete", "containers", "--stopped"]).stdout_is("stopped1\n");
        s.ok(&["__complete", "volumes"]).stdout_is("vol1\n");
        s.ok(&["__complete", "images"]).stdout_is(&format!("{BUSYBOX}\n"));
        s.run(&["__complete", "words", "--", "volume", ""]).code(1);
        s.ok(&["rm", "-f", "running1"]);
        s.ok(&["network", "rm", "net1"]);
    }
);

#[test]
fn completion_rejects_unknown_shell() {
    let Some(s) = Sangja::rootless("completion_bad") else { return };
    s.run(&["completion", "tcsh"]).code(125).stderr_has("tcsh");
    // Reading names must not need the user namespace or a populated store.
    s.ok(&["__complete", "containers", "--all"]).stdout_is("");
}
