//! Keyring: the caller's session keyring holds the user's keys (kerberos
//! tickets, fscrypt and ecryptfs keys). A container process must get a
//! session keyring of its own (runc and crun join a fresh one), so that it
//! neither finds the caller's keys in its session nor reads them by id.
//!
//! On the host a helper joins a new session keyring (not to touch the test
//! runner's), adds a `user` key to it, and execs sangja with @KEY@/@SES@ in
//! its arguments replaced by the key's and the session keyring's ids; in the
//! container a helper searches its session, reads the key by id, and prints
//! its own session keyring's id.

#[allow(unused_imports)]
use crate::helpers::*;
#[allow(unused_imports)]
use crate::util::*;
use std::os::unix::process::CommandExt;
use std::process::Command;

const HOST_ADD: &str = r#"
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <linux/keyctl.h>

int main(int argc, char **argv) {
    if (syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, "sangja-keyring-test") < 0) { perror("join"); return 100; }
    long key = syscall(SYS_add_key, "user", "sangja-secret", "TOP-SECRET-KEY-DATA", 19, KEY_SPEC_SESSION_KEYRING);
    if (key < 0) { perror("add_key"); return 100; }
    long ses = syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0);
    char k[32], s[32];
    snprintf(k, sizeof k, "%ld", key);
    snprintf(s, sizeof s, "%ld", ses);
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "@KEY@")) argv[i] = k;
        else if (!strcmp(argv[i], "@SES@")) argv[i] = s;
    }
    execv(argv[1], argv + 1);
    perror("exec");
    return 100;
}
"#;

const CONTAINER_LOOK: &str = r#"
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <linux/keyctl.h>

int main(int argc, char **argv) {
    long key = atol(argv[1]), host_ses = atol(argv[2]);
    long ses = syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0);
    printf("SESSION %ld %s\n", ses, ses == host_ses ? "SAME-AS-CALLER" : "OWN");
    long found = syscall(SYS_keyctl, KEYCTL_SEARCH, KEY_SPEC_SESSION_KEYRING, "user", "sangja-secret", 0);
    if (found >= 0) printf("FOUND-IN-SESSION %ld\n", found); else printf("search: %s\n", strerror(errno));
    char buf[256] = {0};
    long n = syscall(SYS_keyctl, KEYCTL_READ, key, buf, sizeof buf - 1);
    if (n >= 0) printf("READ-KEY %s\n", buf); else printf("read key: %s\n", strerror(errno));
    long m = syscall(SYS_keyctl, KEYCTL_READ, host_ses, buf, sizeof buf - 1);
    if (m >= 0) printf("READ-CALLER-SESSION %ld bytes\n", m); else printf("read caller session: %s\n", strerror(errno));
    return 0;
}
"#;

/// `sangja ARGS` run through the host helper (the caller with a key).
fn run_with_key(s: &Sangja, args: &[&str]) -> Out {
    let add = static_program("key_add", HOST_ADD).join("key_add");
    let cmd: Command = s.command(args);
    // The same command, with the helper in front of the binary.
    let mut wrapped = Command::new(&add);
    wrapped.arg(cmd.get_program()).args(cmd.get_args());
    wrapped.env_clear();
    for (k, v) in cmd.get_envs() {
        if let Some(v) = v {
            wrapped.env(k, v);
        }
    }
    if let Some(d) = cmd.get_current_dir() {
        wrapped.current_dir(d);
    }
    if let Mode::Rootless { user, switch: true } = &s.mode {
        wrapped.uid(user.uid).gid(user.gid);
    }
    wrapped.stdin(std::process::Stdio::null()).stdout(std::process::Stdio::piped()).stderr(std::process::Stdio::piped());
    let child = spawn_retry(&mut wrapped);
    wait_output(child, format!("[key_add] sangja {}", args.join(" ")), None, TIMEOUT)
}

#[track_caller]
fn isolated(out: &Out) {
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains("SESSION "), "the helper did not run:{out:?}");
    assert!(!out.stdout.contains("SAME-AS-CALLER"), "the container shares the caller's session keyring:{out:?}");
    assert!(!out.stdout.contains("FOUND-IN-SESSION"), "the container found the caller's key in its session:{out:?}");
    assert!(!out.stdout.contains("READ-KEY") && !out.stdout.contains("TOP-SECRET"), "the container read the caller's key:{out:?}");
    assert!(!out.stdout.contains("READ-CALLER-SESSION"), "the container read the caller's session keyring:{out:?}");
}

both!(
    /// `run`: the container's process has a session keyring of its own.
    fn run_gets_its_own_session_keyring(s) {
        let dir = static_program("key_look", CONTAINER_LOOK);
        s.pull(BUSYBOX);
        let out = run_with_key(s, &["run", "--rm", "-v", &mount_arg(&dir), BUSYBOX, "/x/key_look", "@KEY@", "@SES@"]);
        isolated(&out);
    }
);

both!(
    /// `exec`: so has a process started in a running container.
    fn exec_gets_its_own_session_keyring(s) {
        let dir = static_program("key_look", CONTAINER_LOOK);
        s.pull(BUSYBOX);
        s.ok(&["run", "-d", "--name", "keyexec", "-v", &mount_arg(&dir), BUSYBOX, "sleep", "300"]);
        let out = run_with_key(s, &["exec", "keyexec", "/x/key_look", "@KEY@", "@SES@"]);
        isolated(&out);
        s.run(&["rm", "-f", "-t", "0", "keyexec"]);
    }
);
