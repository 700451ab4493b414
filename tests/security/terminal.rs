//! Escape 1 of issue 14: keystrokes into the user's shell (TIOCSTI).
//!
//! A container that holds the caller's terminal, or shares the caller's
//! session (so /dev/tty opens it), can push bytes into the terminal's input
//! queue with ioctl(TIOCSTI): the user's shell reads and runs them once
//! sangja exits. The attack program tries every way it has to the terminal
//! (fds 0, 1, 2 and /dev/tty) and counts the bytes that went in; the shell
//! around sangja, on a real pty (util-linux `script`), then reads what is
//! waiting on its terminal. Nothing may be.

#[allow(unused_imports)]
use crate::helpers::*;
#[allow(unused_imports)]
use crate::util::*;

/// Pushes "echo INJECTED\n" into every terminal it can reach and reports
/// how many bytes each way took, and how many of its 0, 1, 2 are terminals
/// at all: `STI total=N fd0=N fd1=N fd2=N tty=N ttys=N`. A terminal fd the
/// container holds is a hole even when TIOCSTI is refused on it (its mode
/// can be changed, its input read).
const STI: &str = r#"
#include <fcntl.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <unistd.h>

int main(void) {
    const char *text = "echo " "INJ" "ECTED\n";
    const char *names[4] = {"fd0", "fd1", "fd2", "tty"};
    /* /dev/tty is the controlling terminal: there is one only when the
       container shares the caller's session. */
    int fds[4] = {0, 1, 2, open("/dev/tty", O_RDWR | O_NOCTTY)};
    int counts[4] = {0, 0, 0, 0};
    int total = 0;
    for (int i = 0; i < 4; i++) {
        if (fds[i] < 0) continue;
        for (const char *p = text; *p; p++)
            if (ioctl(fds[i], TIOCSTI, p) == 0) counts[i]++;
        total += counts[i];
    }
    printf("STI total=%d", total);
    for (int i = 0; i < 4; i++) printf(" %s=%d", names[i], counts[i]);
    printf(" ttys=%d\n", isatty(0) + isatty(1) + isatty(2));
    return 0;
}
"#;

/// Runs SHELL under `script` with bash as the login shell (for `read -t`):
/// util::in_pty_with.
fn in_pty(s: &Sangja, shell: &str, steps: &[(&str, &str)]) -> Out {
    in_pty_with(s, Some("/bin/bash"), shell, steps)
}

/// After the command, the shell reads its terminal for a second: what it
/// gets was injected (the test types nothing).
const READ_BACK: &str = r#"echo "RC=$?"; if read -r -t 1 line; then echo "READ[$line]"; else echo "READ-NOTHING"; fi"#;

#[track_caller]
fn assert_nothing_injected(out: &Out) {
    assert!(out.stdout.contains("STI total=0 "), "the attack reached a terminal:{out:?}");
    assert!(out.stdout.contains(" ttys=0"), "the container holds a terminal of the caller:{out:?}");
    assert!(out.stdout.contains("RC=0"), "the attack program ran and exited 0:{out:?}");
    assert!(out.stdout.contains("READ-NOTHING"), "the shell read injected input:{out:?}");
    assert!(!out.stdout.contains("INJECTED"), "injected text reached the terminal:{out:?}");
}

fn sti(s: &Sangja) -> String {
    s.pull(BUSYBOX);
    mount_arg(&static_program("sti", STI))
}

both! {
    /// `run` without -t, stdout and stderr on the user's terminal: the
    /// container holds none of it and is not in the user's session.
    fn tiocsti_run_without_tty_injects_nothing(s) {
        let x = sti(s);
        let out = in_pty(s, &format!("$S run --rm -v {x} {BUSYBOX} /x/sti; {READ_BACK}"), &[]);
        assert_nothing_injected(&out);
    }
}

both! {
    /// `run -i` without -t: stdin on the user's terminal too.
    fn tiocsti_run_interactive_injects_nothing(s) {
        let x = sti(s);
        let out = in_pty(s, &format!("$S run --rm -i -v {x} {BUSYBOX} /x/sti; {READ_BACK}"), &[]);
        assert_nothing_injected(&out);
    }
}

both! {
    /// `exec` and `exec -i` without -t into a running container.
    fn tiocsti_exec_without_tty_injects_nothing(s) {
        let x = sti(s);
        s.ok(&["run", "-d", "--name", "c", "-v", &x, BUSYBOX, "sleep", "600"]);
        for flags in ["", "-i"] {
            let out = in_pty(s, &format!("$S exec {flags} c /x/sti; {READ_BACK}"), &[]);
            assert_nothing_injected(&out);
        }
        s.ok(&["rm", "-f", "-t", "0", "c"]);
    }
}

both! {
    /// The other side of the fix: ctrl-c and ctrl-\ on the user's terminal
    /// reach only sangja now, which passes SIGINT and SIGQUIT on to the
    /// container (podman's --sig-proxy); the container's exit code comes back.
    fn ctrl_c_without_tty_reaches_the_container(s) {
        s.pull(BUSYBOX);
        // The shell around sangja outlives a ctrl-\ of its own (a handler, not
        // SIG_IGN, so sangja does not inherit it ignored).
        let container = r#"trap "echo got-int" INT; trap "echo got-quit; exit 7" QUIT; echo ready; while :; do sleep 0.1; done"#;
        let out = in_pty(
            s,
            &format!("trap : QUIT; $S run --rm {BUSYBOX} sh -c '{container}'; echo \"RC=$?\""),
            &[("ready", "\x03"), ("got-int", "\x1c")],
        );
        assert!(out.stdout.contains("got-quit"), "the container saw no SIGQUIT:{out:?}");
        assert!(out.stdout.contains("RC=7"), "{out:?}");
    }
}

both! {
    /// Output through the relay keeps its order across stdout and stderr on
    /// one terminal, and the exit code.
    fn relayed_output_keeps_order_and_code(s) {
        s.pull(BUSYBOX);
        let out = in_pty(
            s,
            &format!("$S run --rm {BUSYBOX} sh -c 'for i in 1 2 3; do echo out$i; echo err$i >&2; done; exit 5'; echo \"RC=$?\""),
            &[],
        );
        let text = out.stdout.replace("\r\n", "\n");
        assert!(text.contains("out1\nerr1\nout2\nerr2\nout3\nerr3\nRC=5"), "{out:?}");
    }
}

both! {
    /// `run -i` with stdin on the user's terminal: what is typed goes through
    /// the relay, and the terminal's end of input (ctrl-d) is the container's EOF.
    fn interactive_input_through_the_relay(s) {
        s.pull(BUSYBOX);
        let container = r#"read l; echo "got[$l]"; cat; echo "end[$?]""#;
        let out = in_pty(
            s,
            &format!("$S run --rm -i {BUSYBOX} sh -c '{container}'; echo \"RC=$?\""),
            &[("", "hello\n"), ("got[hello]", "\x04")],
        );
        assert!(out.stdout.contains("end[0]"), "cat saw no end of input:{out:?}");
        assert!(out.stdout.contains("RC=0"), "{out:?}");
    }
}
