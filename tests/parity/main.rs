//! The podman parity table (issue 19): every flag of every podman command
//! sangja has, read from podman's man pages (`/usr/share/man/man1/podman-*.1.gz`,
//! Debian's podman), checked against sangja's whole clap tree. A flag is
//! implemented (sangja defines it), accepted (src/cli/compat.txt: podman's
//! own no-op, or a warning), refused on purpose (compat.txt, with the
//! reason), or missing: the test fails on any missing flag, and on a
//! compat.txt line that names a flag podman does not document or one that
//! sangja now implements (a stale line).
//!
//!     cargo test --release --test parity -- --nocapture   # prints the table
//!     bash tests/parity/table.sh                           # the same
//!
//! Commands are found by walking sangja's tree, so a new command is checked
//! as soon as it is added (a command with no podman man page is skipped:
//! sangja's own, like `__complete`).

use clap::Command;
use sangja::cli::compat::{self, Kind};
use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

const MAN_DIR: &str = "/usr/share/man/man1";

/// One option entry of a podman man page.
#[derive(Debug, Clone, PartialEq, Eq)]
struct PodmanFlag {
    long: String,
    short: Option<char>,
}

fn man_page(dir: &Path, name: &str) -> Option<String> {
    let path = dir.join(format!("{}.1.gz", if name == "podman" { "podman".to_string() } else { format!("podman-{name}") }));
    let file = std::fs::File::open(path).ok()?;
    let mut text = String::new();
    flate2::read::GzDecoder::new(file).read_to_string(&mut text).ok()?;
    Some(text)
}

/// The options of a man page: `.SS \fB--long\fP=\fIvalue\fP, \fB-s\fP` lines
/// under `.SH OPTIONS` (or `.SH GLOBAL OPTIONS` in podman.1).
fn parse_options(text: &str) -> Vec<PodmanFlag> {
    let mut in_options = false;
    let mut flags = Vec::new();
    for line in text.lines() {
        if let Some(title) = line.strip_prefix(".SH ") {
            in_options = title.trim().trim_matches('"').ends_with("OPTIONS");
            continue;
        }
        let Some(entry) = line.strip_prefix(".SS ").filter(|_| in_options) else { continue };
        let (mut long, mut short) = (None, None);
        for tok in entry.split("\\fB").skip(1) {
            let name = tok.split("\\f").next().unwrap_or("");
            if let Some(l) = name.strip_prefix("--") {
                if long.is_none() && !l.is_empty() {
                    long = Some(l.to_string());
                }
            } else if let Some(s) = name.strip_prefix('-') {
                if s.chars().count() == 1 {
                    short = s.chars().next();
                }
            }
        }
        if let Some(long) = long {
            if !flags.iter().any(|f: &PodmanFlag| f.long == long) {
                flags.push(PodmanFlag { long, short });
            }
        }
    }
    flags
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Status {
    Implemented,
    Accepted,
    Refused,
    Missing,
}

#[derive(Debug)]
struct Row {
    command: String,
    page: String,
    flags: Vec<(PodmanFlag, Status, String)>,
}

fn classify(cmd: &Command, f: &PodmanFlag) -> (Status, String) {
    let by_long =
        cmd.get_arguments().find(|a| a.get_long() == Some(&f.long) || a.get_all_aliases().is_some_and(|al| al.contains(&f.long.as_str())));
    let Some(arg) = by_long else { return (Status::Missing, format!("--{}", f.long)) };
    if let Some(s) = f.short {
        let short_ok = arg.get_short() == Some(s) || arg.get_all_short_aliases().is_some_and(|al| al.contains(&s));
        if !short_ok {
            return (Status::Missing, format!("-{s} (for --{})", f.long));
        }
    }
    let id = arg.get_id().as_str();
    if let Some(long) = id.strip_prefix("compat-") {
        let kind = compat::entries().into_iter().find(|e| e.long == long).map(|e| e.kind);
        return match kind {
            Some(Kind::Refuse) => (Status::Refused, String::new()),
            _ => (Status::Accepted, String::new()),
        };
    }
    (Status::Implemented, String::new())
}

fn walk(cmd: &Command, path: &mut Vec<String>, dir: &Path, rows: &mut Vec<Row>) {
    let refs: Vec<&str> = path.iter().map(String::as_str).collect();
    let visible = !cmd.is_hide_set() && !refs.last().is_some_and(|n| n.starts_with("__"));
    if visible {
        let found = compat::man_names(&refs).into_iter().find_map(|n| man_page(dir, &n).map(|t| (n, t)));
        if let Some((page, text)) = found {
            let flags = parse_options(&text)
                .into_iter()
                .map(|f| {
                    let (st, what) = classify(cmd, &f);
                    (f, st, what)
                })
                .collect();
            rows.push(Row { command: if refs.is_empty() { "(global)".into() } else { refs.join(" ") }, page, flags });
        }
    }
    if !visible {
        return;
    }
    for sub in cmd.get_subcommands() {
        if sub.get_name() == "help" {
            continue;
        }
        path.push(sub.get_name().to_string());
        walk(sub, path, dir, rows);
        path.pop();
    }
}

fn table(dir: &Path) -> Vec<Row> {
    let mut cmd = sangja::cli::command();
    cmd.build();
    let mut rows = Vec::new();
    walk(&cmd, &mut Vec::new(), dir, &mut rows);
    rows
}

fn man_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(std::env::var("PODMAN_MAN_DIR").unwrap_or_else(|_| MAN_DIR.into()));
    if dir.join("podman-run.1.gz").is_file() {
        Some(dir)
    } else {
        eprintln!("SKIP: no podman man pages in {} (apt-get install podman, or set PODMAN_MAN_DIR)", dir.display());
        None
    }
}

#[test]
fn parity_table_has_no_missing_flag() {
    let Some(dir) = man_dir() else { return };
    let rows = table(&dir);
    assert!(rows.iter().any(|r| r.command == "run"), "the walk found run");
    let mut totals = [0usize; 4];
    let mut missing = Vec::new();
    println!("{:<28} {:>6} {:>6} {:>8} {:>7} {:>7}", "COMMAND", "PODMAN", "IMPL", "ACCEPTED", "REFUSED", "MISSING");
    for r in &rows {
        let mut n = [0usize; 4];
        for (_, st, _) in &r.flags {
            n[*st as usize] += 1;
        }
        for i in 0..4 {
            totals[i] += n[i];
        }
        println!("{:<28} {:>6} {:>6} {:>8} {:>7} {:>7}", r.command, r.flags.len(), n[0], n[1], n[2], n[3]);
        for (_, st, what) in &r.flags {
            if *st == Status::Missing {
                println!("    missing: {what}   (podman-{}.1)", r.page);
                missing.push(format!("{}: {what}", r.command));
            }
        }
    }
    let all: usize = totals.iter().sum();
    println!(
        "TOTAL: {} commands, {all} podman flags: {} implemented, {} accepted (no-op as podman), {} refused on purpose, {} missing",
        rows.len(),
        totals[0],
        totals[1],
        totals[2],
        totals[3]
    );
    assert!(missing.is_empty(), "{} podman flags missing:\n{}", missing.len(), missing.join("\n"));
}

#[test]
fn every_compat_line_names_a_podman_flag_sangja_does_not_implement() {
    let Some(dir) = man_dir() else { return };
    let mut cmd = sangja::cli::command();
    cmd.build();
    let rows = table(&dir);
    let mut problems = Vec::new();
    let mut pages: BTreeMap<String, Vec<PodmanFlag>> = BTreeMap::new();
    for e in compat::entries() {
        for page in &e.pages {
            let flags =
                pages.entry(page.to_string()).or_insert_with(|| man_page(&dir, page).map(|t| parse_options(&t)).unwrap_or_default());
            if !flags.iter().any(|f| f.long == e.long) && !e.reason.contains("podman hides") {
                problems.push(format!("compat.txt: podman-{page}.1 has no --{}", e.long));
            }
            // Stale: a command that reads this page defines the flag itself.
            for r in rows.iter().filter(|r| r.page == *page) {
                if r.flags.iter().any(|(f, st, _)| f.long == e.long && *st == Status::Implemented) {
                    problems.push(format!("compat.txt: {} implements --{} now: remove its line", r.command, e.long));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn man_page_options_parse() {
    let text = ".SH NAME\n.SS \\fBnot\\fP\n.SH OPTIONS\n.SS \\fB--all\\fP, \\fB-a\\fP\n.PP\nx\n.SS \\fB--filter\\fP=\\fIfilter\\fP\n.SS \\fB--env\\fP, \\fB-e\\fP=\\fIenv\\fP\n.SH EXAMPLES\n.SS \\fB--no\\fP\n";
    let f = parse_options(text);
    assert_eq!(
        f,
        [
            PodmanFlag { long: "all".into(), short: Some('a') },
            PodmanFlag { long: "filter".into(), short: None },
            PodmanFlag { long: "env".into(), short: Some('e') },
        ]
    );
}
