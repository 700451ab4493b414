//! `__generate-docs DIR` (hidden): writes DIR/completions (bash, zsh, fish)
//! and DIR/man (one page per command and subcommand, clap_mangen's sections
//! plus EXAMPLES from examples.rs and SEE ALSO). packaging/gen-docs.sh runs
//! it on the repository; tests/cli/docs.rs checks the checked-in copies.

use super::completion;
use super::examples;
use crate::error::{Error, Result};
use clap::{Args, Command};
use std::fs;
use std::path::{Path, PathBuf};

// `__generate-docs` flags.
#[derive(Debug, Args)]
pub struct GenerateDocsArgs {
    /// The folder to write completions/ and man/ into (the repository's top).
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
}

/// The checked-in completion files and the shell of each.
pub const COMPLETION_FILES: &[(&str, &str)] = &[("bash", "sangja.bash"), ("zsh", "_sangja"), ("fish", "sangja.fish")];

fn io_err(path: &Path, e: std::io::Error) -> Error {
    Error::Invalid(format!("cannot write {}: {e}", path.display()))
}

fn write(path: &Path, text: &[u8]) -> Result<()> {
    fs::write(path, text).map_err(|e| io_err(path, e))
}

/// Roff-escapes one line of plain text.
fn roff_text(line: &str) -> String {
    let s = line.replace('\\', "\\e").replace('-', "\\-");
    if s.starts_with('.') || s.starts_with('\'') {
        format!("\\&{s}")
    } else {
        s
    }
}

/// The command path of a page: [] for sangja, ["image", "ls"] for sangja-image-ls.
fn examples_section(path: &[String]) -> String {
    let mut out = String::from(".SH EXAMPLES\n");
    for (what, command) in examples::for_command(path) {
        out.push_str(".PP\n");
        out.push_str(&roff_text(&what));
        out.push_str("\n.PP\n.RS 4\n.nf\n");
        for line in command.lines() {
            out.push_str(&format!("\\fB{}\\fR\n", roff_text(line)));
        }
        out.push_str(".fi\n.RE\n");
    }
    out
}

/// The page of the parent command (the subcommands have their own section).
fn see_also(parent: Option<&str>) -> String {
    match parent {
        Some(p) => format!(".SH \"SEE ALSO\"\n\\fB{}\\fR(1)\n", roff_text(p)),
        None => String::new(),
    }
}

fn page(cmd: &Command, path: &[String], parent: Option<&str>) -> Result<Vec<u8>> {
    let man = clap_mangen::Man::new(cmd.clone()).source(format!("sangja {}", env!("CARGO_PKG_VERSION"))).manual("sangja Manual");
    let mut out = Vec::new();
    let e = |e: std::io::Error| Error::Invalid(format!("cannot render the man page of {}: {e}", cmd.get_name()));
    man.render_title(&mut out).map_err(e)?;
    man.render_name_section(&mut out).map_err(e)?;
    man.render_synopsis_section(&mut out).map_err(e)?;
    man.render_description_section(&mut out).map_err(e)?;
    if cmd.get_arguments().any(|a| !a.is_hide_set()) {
        man.render_options_section(&mut out).map_err(e)?;
    }
    if cmd.get_subcommands().any(|s| !s.is_hide_set()) {
        man.render_subcommands_section(&mut out).map_err(e)?;
    }
    out.extend_from_slice(examples_section(path).as_bytes());
    out.extend_from_slice(see_also(parent).as_bytes());
    if parent.is_none() {
        man.render_version_section(&mut out).map_err(e)?;
    }
    Ok(out)
}

/// Every page: (file name, contents), the root first.
pub fn man_pages() -> Result<Vec<(String, Vec<u8>)>> {
    fn walk(cmd: &Command, path: Vec<String>, parent: Option<&str>, out: &mut Vec<(String, Vec<u8>)>) -> Result<()> {
        let name = cmd.get_display_name().unwrap_or(cmd.get_name()).to_string();
        out.push((format!("{name}.1"), page(cmd, &path, parent)?));
        for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
            let mut p = path.clone();
            p.push(sub.get_name().to_string());
            walk(sub, p, Some(&name), out)?;
        }
        Ok(())
    }
    // No `help` subcommands: every page documents -h instead (as clap_mangen).
    fn no_help(cmd: Command) -> Command {
        cmd.disable_help_subcommand(true).mut_subcommands(no_help)
    }
    let mut cmd = no_help(super::documented_command());
    cmd.build();
    let mut out = Vec::new();
    walk(&cmd, Vec::new(), None, &mut out)?;
    Ok(out)
}

/// Writes DIR/completions/* and DIR/man/*.1; removes pages of commands that
/// are gone (any other sangja*.1 in DIR/man).
pub fn generate(dir: &Path) -> Result<(usize, usize)> {
    let comp_dir = dir.join("completions");
    let man_dir = dir.join("man");
    for d in [&comp_dir, &man_dir] {
        fs::create_dir_all(d).map_err(|e| io_err(d, e))?;
    }
    for (shell, file) in COMPLETION_FILES {
        write(&comp_dir.join(file), completion::script(shell)?.as_bytes())?;
    }
    let pages = man_pages()?;
    let keep: Vec<&str> = pages.iter().map(|(n, _)| n.as_str()).collect();
    for old in crate::paths::entry_names(&man_dir)? {
        if old.starts_with("sangja") && old.ends_with(".1") && !keep.contains(&old.as_str()) {
            let p = man_dir.join(&old);
            fs::remove_file(&p).map_err(|e| io_err(&p, e))?;
        }
    }
    for (name, text) in &pages {
        write(&man_dir.join(name), text)?;
    }
    Ok((COMPLETION_FILES.len(), pages.len()))
}

/// `__generate-docs DIR`.
pub fn generate_docs(args: &GenerateDocsArgs) -> Result<i32> {
    let (c, m) = generate(&args.dir)?;
    eprintln!(
        "wrote {c} completion scripts to {} and {m} man pages to {}",
        args.dir.join("completions").display(),
        args.dir.join("man").display()
    );
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_page_has_examples_and_options() {
        let pages = man_pages().expect("pages render");
        assert!(pages.iter().any(|(n, _)| n == "sangja.1"));
        assert!(pages.iter().any(|(n, _)| n == "sangja-run.1"));
        assert!(pages.iter().any(|(n, _)| n == "sangja-volume-rm.1"));
        for (name, text) in &pages {
            let t = String::from_utf8_lossy(text);
            assert!(t.contains(".SH EXAMPLES"), "{name}");
            assert!(t.contains(".SH OPTIONS"), "{name}");
            assert!(!t.contains("__complete"), "{name} shows a hidden command");
        }
    }

    #[test]
    fn roff_escapes() {
        assert_eq!(roff_text(".x -a \\n"), "\\&.x \\-a \\en");
    }
}
