//! A Containerfile as owned, unexpanded instructions, by stage.
//!
//! The grammar is BuildKit's, read by the `parse-dockerfile` crate: it
//! follows BuildKit's parser (the `# escape=` and `# syntax=` directives,
//! line continuations, comments between continued lines, heredocs, JSON and
//! shell forms, `--flag=value` options) and does no variable expansion,
//! which is what a builder needs: expansion depends on the ARG and ENV
//! scope at each step (vars.rs, expand.rs). Measured against a hand-written
//! parser it costs nothing to speak of (a few µs per file) and keeps the
//! corner cases of the grammar (heredoc delimiters, `<<-`, quoted
//! delimiters that turn expansion off) in one maintained place.

use crate::error::{Error, Result};
use parse_dockerfile as pd;

/// CMD, ENTRYPOINT, RUN and HEALTHCHECK's command: JSON (exec) or shell form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cmd {
    Exec(Vec<String>),
    Shell(String),
}

/// A `--name[=value]` option of an instruction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flag {
    pub name: String,
    pub value: Option<String>,
}

/// A heredoc's body (`RUN <<EOF`); `expand` is false for a quoted delimiter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heredoc {
    pub expand: bool,
    pub content: String,
}

/// One instruction, its arguments as written (unexpanded).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ins {
    Run {
        flags: Vec<Flag>,
        cmd: Cmd,
        heredocs: Vec<Heredoc>,
    },
    /// COPY, or ADD with `add`.
    Copy {
        add: bool,
        flags: Vec<Flag>,
        srcs: Vec<String>,
        dest: String,
        /// `COPY <<NAME /dest`: each heredoc source's name (its delimiter) and body.
        heredocs: Vec<(String, Heredoc)>,
    },
    /// `NAME[=default] ...` as written.
    Arg(String),
    /// `KEY=VALUE ...` or `KEY VALUE` as written.
    Env(String),
    Label(String),
    Cmd(Cmd),
    Entrypoint(Cmd),
    Shell(Vec<String>),
    Workdir(String),
    User(String),
    Expose(Vec<String>),
    Volume(Vec<String>),
    Stopsignal(String),
    /// `HEALTHCHECK NONE` has no command.
    Healthcheck {
        flags: Vec<Flag>,
        cmd: Option<Cmd>,
    },
    /// The trigger instruction's text, run when an image FROM this one is built.
    Onbuild(String),
    Maintainer(String),
}

impl Ins {
    /// The instruction's keyword, upper case.
    pub fn keyword(&self) -> &'static str {
        match self {
            Ins::Run { .. } => "RUN",
            Ins::Copy { add: true, .. } => "ADD",
            Ins::Copy { .. } => "COPY",
            Ins::Arg(_) => "ARG",
            Ins::Env(_) => "ENV",
            Ins::Label(_) => "LABEL",
            Ins::Cmd(_) => "CMD",
            Ins::Entrypoint(_) => "ENTRYPOINT",
            Ins::Shell(_) => "SHELL",
            Ins::Workdir(_) => "WORKDIR",
            Ins::User(_) => "USER",
            Ins::Expose(_) => "EXPOSE",
            Ins::Volume(_) => "VOLUME",
            Ins::Stopsignal(_) => "STOPSIGNAL",
            Ins::Healthcheck { .. } => "HEALTHCHECK",
            Ins::Onbuild(_) => "ONBUILD",
            Ins::Maintainer(_) => "MAINTAINER",
        }
    }
}

/// An instruction with its text (continuations joined, comments dropped,
/// as buildah prints it in `STEP n/m: TEXT`) and its line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub text: String,
    pub line: usize,
    pub ins: Ins,
}

/// A FROM and the instructions up to the next FROM.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stage {
    /// `AS name`, lower-cased as BuildKit compares them.
    pub name: Option<String>,
    /// The base as written (`scratch`, an image, an earlier stage; unexpanded).
    pub image: String,
    /// `--platform=...`.
    pub flags: Vec<Flag>,
    /// The FROM line's text.
    pub text: String,
    pub line: usize,
    pub steps: Vec<Step>,
}

/// A parsed Containerfile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Containerfile {
    /// The ARGs before the first FROM (usable in FROM lines).
    pub global_args: Vec<Step>,
    pub stages: Vec<Stage>,
    /// The `# escape=` directive's character (default `\`).
    pub escape: char,
    /// The `# syntax=` directive: recorded; sangja's own frontend runs the file.
    pub syntax: Option<String>,
}

fn s(u: &pd::UnescapedString<'_>) -> String {
    u.value.to_string()
}

fn flags(f: &[pd::Flag<'_>]) -> Vec<Flag> {
    f.iter().map(|f| Flag { name: s(&f.name), value: f.value.as_ref().map(s) }).collect()
}

fn cmd(c: &pd::Command<'_>, escape: char) -> Cmd {
    match c {
        pd::Command::Exec(v) => Cmd::Exec(v.value.iter().map(s).collect()),
        pd::Command::Shell(v) => Cmd::Shell(join_lines(v.value, escape)),
        _ => Cmd::Shell(String::new()),
    }
}

fn array<const N: usize>(a: &pd::JsonOrStringArray<'_, N>) -> Vec<String> {
    match a {
        pd::JsonOrStringArray::Json(v) => v.value.iter().map(s).collect(),
        pd::JsonOrStringArray::String(v) => v.iter().map(s).collect(),
    }
}

/// The keyword's offset in the text.
fn start_of(i: &pd::Instruction<'_>) -> usize {
    use pd::Instruction as I;
    match i {
        I::Add(x) => x.add.span.start,
        I::Arg(x) => x.arg.span.start,
        I::Cmd(x) => x.cmd.span.start,
        I::Copy(x) => x.copy.span.start,
        I::Entrypoint(x) => x.entrypoint.span.start,
        I::Env(x) => x.env.span.start,
        I::Expose(x) => x.expose.span.start,
        I::From(x) => x.from.span.start,
        I::Healthcheck(x) => x.healthcheck.span.start,
        I::Label(x) => x.label.span.start,
        I::Maintainer(x) => x.maintainer.span.start,
        I::Onbuild(x) => x.onbuild.span.start,
        I::Run(x) => x.run.span.start,
        I::Shell(x) => x.shell.span.start,
        I::Stopsignal(x) => x.stopsignal.span.start,
        I::User(x) => x.user.span.start,
        I::Volume(x) => x.volume.span.start,
        I::Workdir(x) => x.workdir.span.start,
        _ => 0,
    }
}

/// Joins continued lines (ESCAPE + newline) and drops comment lines
/// between them, as BuildKit reads an instruction.
pub fn join_lines(raw: &str, escape: char) -> String {
    let mut out = String::new();
    let mut continued = false;
    for (n, line) in raw.lines().enumerate() {
        let t = line.trim_start();
        if n > 0 && continued && (t.starts_with('#') || t.is_empty()) {
            continue;
        }
        if n > 0 && !continued {
            // A heredoc body or text after the instruction: kept as is.
            out.push('\n');
        }
        let stripped = line.trim_end();
        if let Some(body) = stripped.strip_suffix(escape) {
            out.push_str(body);
            continued = true;
        } else {
            out.push_str(line);
            continued = false;
        }
    }
    out.trim().to_string()
}

fn convert(i: &pd::Instruction<'_>, text: &str, escape: char) -> Result<Ins> {
    use pd::Instruction as I;
    Ok(match i {
        I::Add(x) => copy(true, &x.options, &x.src, &x.dest, text),
        I::Copy(x) => copy(false, &x.options, &x.src, &x.dest, text),
        I::Arg(x) => Ins::Arg(join_lines(&x.arguments.value, escape)),
        I::Cmd(x) => Ins::Cmd(cmd(&x.arguments, escape)),
        I::Entrypoint(x) => Ins::Entrypoint(cmd(&x.arguments, escape)),
        I::Env(x) => Ins::Env(join_lines(&x.arguments.value, escape)),
        I::Expose(x) => Ins::Expose(x.arguments.iter().map(s).collect()),
        I::Healthcheck(x) => Ins::Healthcheck {
            flags: flags(&x.options),
            cmd: match &x.arguments {
                pd::HealthcheckArguments::Cmd { arguments, .. } => Some(cmd(arguments, escape)),
                _ => None,
            },
        },
        I::Label(x) => Ins::Label(join_lines(&x.arguments.value, escape)),
        I::Maintainer(x) => Ins::Maintainer(s(&x.name)),
        I::Onbuild(_) => {
            let rest = text.trim_start().get("ONBUILD".len()..).unwrap_or("").trim();
            Ins::Onbuild(rest.to_string())
        }
        I::Run(x) => Ins::Run {
            flags: flags(&x.options),
            cmd: cmd(&x.arguments, escape),
            heredocs: x.here_docs.iter().map(|h| Heredoc { expand: h.expand, content: h.value.to_string() }).collect(),
        },
        I::Shell(x) => Ins::Shell(x.arguments.iter().map(s).collect()),
        I::Stopsignal(x) => Ins::Stopsignal(s(&x.arguments)),
        I::User(x) => Ins::User(s(&x.arguments)),
        I::Volume(x) => Ins::Volume(array(&x.arguments)),
        I::Workdir(x) => Ins::Workdir(s(&x.arguments)),
        I::From(_) => return Err(Error::Invalid("FROM cannot be used here (an ONBUILD trigger?)".into())),
        _ => return Err(Error::Invalid(format!("line {:?}: this instruction is not supported", text))),
    })
}

/// The heredoc delimiters (`<<EOF`, `<<-"EOF"`) on an instruction's first line, in order.
fn heredoc_names(first_line: &str) -> Vec<String> {
    first_line
        .split_whitespace()
        .filter_map(|w| w.strip_prefix("<<"))
        .map(|w| w.trim_start_matches('-').replace(['"', '\''], ""))
        .filter(|w| !w.is_empty())
        .collect()
}

fn copy(add: bool, opts: &[pd::Flag<'_>], src: &[pd::Source<'_>], dest: &pd::UnescapedString<'_>, text: &str) -> Ins {
    let mut names = heredoc_names(text.lines().next().unwrap_or("")).into_iter();
    let mut srcs = Vec::new();
    let mut heredocs = Vec::new();
    for x in src {
        match x {
            pd::Source::Path(p) => srcs.push(s(p)),
            pd::Source::HereDoc(h) => {
                let name = names.next().unwrap_or_else(|| format!("heredoc-{}", heredocs.len()));
                heredocs.push((name, Heredoc { expand: h.expand, content: h.value.to_string() }));
            }
            _ => {}
        }
    }
    Ins::Copy { add, flags: flags(opts), srcs, dest: s(dest), heredocs }
}

/// RUN heredocs that do not start the command (`RUN cat <<EOF > /f`), which
/// parse-dockerfile does not read: their bodies are blanked out of the text
/// it parses (line numbers kept) and the instruction's shell script becomes
/// the command line followed by the bodies and their delimiters, as
/// BuildKit hands it to the shell (which expands an unquoted heredoc with
/// the step's environment, the ARGs and ENVs). Returns the text to parse
/// and, by the 1-based line the instruction starts on, the lines to append.
fn split_run_heredocs(text: &str, escape: char) -> (String, std::collections::HashMap<usize, String>) {
    let lines: Vec<&str> = text.split('\n').collect();
    let mut out: Vec<String> = Vec::with_capacity(lines.len());
    let mut bodies = std::collections::HashMap::new();
    let mut start = 0;
    let mut continued = false;
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        if !continued {
            start = i;
        }
        let t = lines[start].trim_start();
        let is_run =
            t.get(..3).is_some_and(|k| k.eq_ignore_ascii_case("run")) && t.get(3..).is_some_and(|r| r.starts_with(char::is_whitespace));
        continued = line.trim_end().ends_with(escape);
        out.push(line.to_string());
        i += 1;
        if !is_run || continued {
            continue;
        }
        // The words after RUN and its --flags: a heredoc first is parse-dockerfile's.
        let args: Vec<&str> = {
            let joined: Vec<&str> = lines[start..i].iter().flat_map(|l| l.split_whitespace()).collect();
            joined.into_iter().skip(1).skip_while(|w| w.starts_with("--")).collect()
        };
        let names = heredoc_names(line);
        if args.is_empty() || names.is_empty() || line.contains("<<<") {
            continue;
        }
        if args[0].starts_with("<<") {
            // parse-dockerfile's: its body passes through untouched.
            let name = &names[0];
            while i < lines.len() {
                out.push(lines[i].to_string());
                i += 1;
                if lines[i - 1].trim_start_matches('\t') == name {
                    break;
                }
            }
            continue;
        }
        let strip: Vec<bool> = line.split_whitespace().filter_map(|w| w.strip_prefix("<<")).map(|w| w.starts_with('-')).collect();
        let mut script = Vec::new();
        for (n, name) in names.iter().enumerate() {
            while i < lines.len() {
                let body = lines[i];
                out.push(String::new());
                i += 1;
                script.push(body.to_string());
                let cmp = if strip.get(n).copied().unwrap_or(false) { body.trim_start_matches('\t') } else { body };
                if cmp == name {
                    break;
                }
            }
        }
        bodies.insert(start + 1, script.join("\n"));
    }
    (out.join("\n"), bodies)
}

/// Parses a Containerfile.
pub fn parse(original: &str) -> Result<Containerfile> {
    let pre = pd::parse(original).ok();
    let escape0 = pre.as_ref().and_then(|f| f.parser_directives.escape.as_ref().map(|d| d.value.value)).unwrap_or('\\');
    drop(pre);
    let (text, run_bodies) = split_run_heredocs(original, escape0);
    let text = text.as_str();
    let file = pd::parse(text).map_err(|e| Error::Invalid(format!("parsing the Containerfile: {e}")))?;
    let escape = file.parser_directives.escape.as_ref().map(|d| d.value.value).unwrap_or('\\');
    let syntax = file.parser_directives.syntax.as_ref().map(|d| d.value.value.to_string());
    let starts: Vec<usize> = file.instructions.iter().map(start_of).collect();
    let text_of = |n: usize| {
        let end = starts.get(n + 1).copied().unwrap_or(text.len());
        let raw = text.get(starts[n]..end).unwrap_or("");
        // Comment lines after the instruction belong to nobody.
        let mut lines: Vec<&str> = raw.lines().collect();
        while lines.last().is_some_and(|l| l.trim().is_empty() || l.trim_start().starts_with('#')) {
            lines.pop();
        }
        join_lines(&lines.join("\n"), escape)
    };
    let line_of = |n: usize| text[..starts[n]].matches('\n').count() + 1;
    let mut out = Containerfile { global_args: Vec::new(), stages: Vec::new(), escape, syntax };
    for (n, i) in file.instructions.iter().enumerate() {
        let t = text_of(n);
        if let pd::Instruction::From(f) = i {
            out.stages.push(Stage {
                name: f.as_.as_ref().map(|(_, n)| n.value.to_ascii_lowercase()),
                image: s(&f.image),
                flags: flags(&f.options),
                text: t,
                line: line_of(n),
                steps: Vec::new(),
            });
            continue;
        }
        let mut ins = convert(i, &t, escape)?;
        if let (Ins::Run { cmd: Cmd::Shell(c), .. }, Some(body)) = (&mut ins, run_bodies.get(&line_of(n))) {
            c.push('\n');
            c.push_str(body);
        }
        let step = Step { ins, text: t, line: line_of(n) };
        match out.stages.last_mut() {
            Some(stage) => stage.steps.push(step),
            None => out.global_args.push(step),
        }
    }
    Ok(out)
}

/// Parses one instruction alone (an ONBUILD trigger).
pub fn parse_instruction(text: &str) -> Result<Step> {
    let file = parse(&format!("FROM scratch\n{text}\n"))?;
    let stage = file.stages.into_iter().next();
    match stage.and_then(|s| s.steps.into_iter().next()) {
        Some(step) if matches!(step.ins, Ins::Onbuild(_)) => {
            Err(Error::Invalid(format!("ONBUILD {text:?}: chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed")))
        }
        Some(step) => Ok(step),
        None => Err(Error::Invalid(format!("ONBUILD {text:?}: no instruction"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stages_steps_and_text() {
        let f = parse(
            "# syntax=docker/dockerfile:1\nARG BASE=busybox\nFROM $BASE AS Build\nRUN echo a \\\n  # note\n  && echo b\nCOPY --chown=1:1 a b /dst/\n\nFROM build\nCMD [\"/bin/sh\"]\nRUN <<EOF\necho hi\nEOF\n",
        )
        .unwrap();
        assert_eq!(f.syntax.as_deref(), Some("docker/dockerfile:1"));
        assert_eq!(f.global_args.len(), 1);
        assert_eq!(f.stages.len(), 2);
        assert_eq!(f.stages[0].name.as_deref(), Some("build"));
        assert_eq!(f.stages[0].image, "$BASE");
        let run = &f.stages[0].steps[0];
        assert_eq!(run.text, "RUN echo a   && echo b");
        match &run.ins {
            Ins::Run { cmd: Cmd::Shell(c), .. } => assert_eq!(c, "echo a   && echo b"),
            other => panic!("{other:?}"),
        }
        match &f.stages[0].steps[1].ins {
            Ins::Copy { add: false, flags, srcs, dest, .. } => {
                assert_eq!(flags[0], Flag { name: "chown".into(), value: Some("1:1".into()) });
                assert_eq!(srcs, &["a", "b"]);
                assert_eq!(dest, "/dst/");
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(f.stages[1].steps[0].ins, Ins::Cmd(Cmd::Exec(vec!["/bin/sh".into()])));
        match &f.stages[1].steps[1].ins {
            Ins::Run { heredocs, .. } => assert_eq!(heredocs[0].content, "echo hi\n"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn escape_directive_and_onbuild() {
        let f = parse("# escape=`\nFROM scratch\nENV A=1 `\n  B=2\nONBUILD RUN echo hi\n").unwrap();
        assert_eq!(f.escape, '`');
        assert_eq!(f.stages[0].steps[0].ins, Ins::Env("A=1   B=2".into()));
        assert_eq!(f.stages[0].steps[1].ins, Ins::Onbuild("RUN echo hi".into()));
        let t = parse_instruction("RUN echo hi").unwrap();
        assert_eq!(t.ins.keyword(), "RUN");
        assert!(parse("RUN echo no from\n").is_err());
    }
}

#[cfg(test)]
mod heredoc_tests {
    use super::*;

    #[test]
    fn run_heredoc_body() {
        let f = parse("FROM scratch\nADD a /x/\nRUN <<EOF\necho heredoc > /h\necho two >> /h\nEOF\nRUN echo b\n").unwrap();
        match &f.stages[0].steps[1].ins {
            Ins::Run { cmd, heredocs, .. } => {
                // The crate gives what follows the delimiter on its line as the command.
                assert_eq!(cmd, &Cmd::Shell(String::new()));
                assert_eq!(heredocs[0].content, "echo heredoc > /h\necho two >> /h\n");
            }
            other => panic!("{other:?}"),
        }
    }
}

#[cfg(test)]
mod heredoc_more_tests {
    use super::*;

    #[test]
    fn run_heredoc_after_the_command() {
        let f = parse("FROM scratch\nRUN cat <<EOF > /f && cat <<-'B' > /g\nhello $HOME\nEOF\n\tb\n\tB\nRUN echo next\n").unwrap();
        let steps = &f.stages[0].steps;
        assert_eq!(steps.len(), 2);
        assert_eq!(
            steps[0].ins,
            Ins::Run {
                flags: vec![],
                cmd: Cmd::Shell("cat <<EOF > /f && cat <<-'B' > /g\nhello $HOME\nEOF\n\tb\n\tB".into()),
                heredocs: vec![]
            }
        );
        assert_eq!(steps[1].line, 7);
    }

    #[test]
    fn copy_heredoc_names() {
        let f = parse("FROM scratch\nCOPY <<one.txt <<\"two\" /dst/\nfirst $X\none.txt\nsecond\ntwo\n").unwrap();
        match &f.stages[0].steps[0].ins {
            Ins::Copy { srcs, heredocs, dest, .. } => {
                assert!(srcs.is_empty());
                assert_eq!(dest, "/dst/");
                assert_eq!(heredocs[0].0, "one.txt");
                assert_eq!(heredocs[0].1, Heredoc { expand: true, content: "first $X\n".into() });
                assert_eq!(heredocs[1].0, "two");
                assert!(!heredocs[1].1.expand);
            }
            other => panic!("{other:?}"),
        }
    }
}
