//! A subset of Go's text/template, over serde_json values, so that
//! `--format` strings written for podman work unchanged: fields
//! (`{{.State.Running}}`), pipelines (`{{.Names | json}}`), `if`/`else if`/
//! `else`/`end`, `range`/`else`/`end`, `with`, trim markers (`{{-`, `-}}`)
//! and the functions podman scripts use: json, index, len, eq, ne, lt, le,
//! gt, ge, and, or, not, printf, print, println, upper, lower, title,
//! truncate, join, split.
//!
//! `table` headers: the template is rendered once in "header mode", where a
//! field yields its header name (`.CreatedAt` → `CREATED AT`), so headers
//! line up with the same printf padding as the rows.

use crate::error::{Error, Result};
use serde_json::Value;

mod funcs;
#[cfg(test)]
mod tests;

pub use funcs::print_value;
use funcs::{call, truthy};

/// A parsed template.
#[derive(Debug, Clone)]
pub struct Template {
    nodes: Vec<Node>,
    source: String,
}

#[derive(Debug, Clone)]
enum Node {
    Text(String),
    Action(Pipeline),
    If { cond: Pipeline, then: Vec<Node>, otherwise: Vec<Node> },
    Range { over: Pipeline, body: Vec<Node>, otherwise: Vec<Node> },
    With { value: Pipeline, body: Vec<Node>, otherwise: Vec<Node> },
}

type Pipeline = Vec<Command>;
type Command = Vec<Term>;

#[derive(Debug, Clone)]
enum Term {
    /// `.A.B`; empty for `.`.
    Field(Vec<String>),
    /// `$` (the top value), optionally followed by fields.
    Root(Vec<String>),
    Str(String),
    Num(f64),
    Bool(bool),
    Nil,
    Func(String),
    Sub(Pipeline),
}

/// A lexed piece: text, or an action's inside.
enum Piece {
    Text(String),
    Action(String),
}

fn lex(src: &str) -> Result<Vec<Piece>> {
    let mut out = Vec::new();
    let mut rest = src;
    let mut trim_next = false;
    while let Some(start) = rest.find("{{") {
        let mut text = &rest[..start];
        if trim_next {
            text = text.trim_start();
        }
        let after = &rest[start + 2..];
        let trim_before = after.starts_with("- ") || after.starts_with("-\t") || after.starts_with("-\n");
        if trim_before {
            text = text.trim_end();
        }
        if !text.is_empty() {
            out.push(Piece::Text(text.to_string()));
        }
        let end = find_close(after).ok_or_else(|| err(src, "unclosed action: every {{ needs a }}"))?;
        let mut inner = &after[..end];
        if trim_before {
            inner = &inner[1..];
        }
        trim_next = inner.ends_with(" -") || inner.ends_with("\t-") || inner.ends_with("\n-");
        if trim_next {
            inner = &inner[..inner.len() - 1];
        }
        out.push(Piece::Action(inner.trim().to_string()));
        rest = &after[end + 2..];
    }
    let text = if trim_next { rest.trim_start() } else { rest };
    if !text.is_empty() {
        out.push(Piece::Text(text.to_string()));
    }
    Ok(out)
}

/// The `}}` closing an action, skipping string literals.
fn find_close(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let mut i = 0;
    while i + 1 < b.len() {
        match b[i] {
            b'"' => {
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    if b[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
            }
            b'`' => {
                i += 1;
                while i < b.len() && b[i] != b'`' {
                    i += 1;
                }
            }
            b'}' if b[i + 1] == b'}' => return Some(i),
            _ => {}
        }
        i += 1;
    }
    None
}

fn err(src: &str, msg: &str) -> Error {
    Error::Invalid(format!("template {src:?}: {msg}"))
}

/// Tokens of an action.
#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Word(String),
    Str(String),
    Pipe,
    Open,
    Close,
}

fn tokens(src: &str, action: &str) -> Result<Vec<Tok>> {
    let mut out = Vec::new();
    let c: Vec<char> = action.chars().collect();
    let mut i = 0;
    while i < c.len() {
        match c[i] {
            ch if ch.is_whitespace() => i += 1,
            '|' => {
                out.push(Tok::Pipe);
                i += 1
            }
            '(' => {
                out.push(Tok::Open);
                i += 1
            }
            ')' => {
                out.push(Tok::Close);
                i += 1
            }
            '"' => {
                let mut s = String::new();
                i += 1;
                loop {
                    match c.get(i) {
                        None => return Err(err(src, "unterminated string literal")),
                        Some('"') => break,
                        Some('\\') => {
                            i += 1;
                            match c.get(i) {
                                Some('n') => s.push('\n'),
                                Some('t') => s.push('\t'),
                                Some(other) => s.push(*other),
                                None => return Err(err(src, "unterminated string literal")),
                            }
                        }
                        Some(ch) => s.push(*ch),
                    }
                    i += 1;
                }
                i += 1;
                out.push(Tok::Str(s));
            }
            '`' => {
                let start = i + 1;
                let end = c[start..].iter().position(|ch| *ch == '`').ok_or_else(|| err(src, "unterminated raw string"))?;
                out.push(Tok::Str(c[start..start + end].iter().collect()));
                i = start + end + 1;
            }
            _ => {
                let start = i;
                while i < c.len() && !c[i].is_whitespace() && !"|()\"`".contains(c[i]) {
                    i += 1;
                }
                out.push(Tok::Word(c[start..i].iter().collect()));
            }
        }
    }
    Ok(out)
}

fn parse_pipeline(src: &str, toks: &[Tok], pos: &mut usize) -> Result<Pipeline> {
    let mut pipe = Vec::new();
    let mut cmd = Vec::new();
    while *pos < toks.len() {
        let t = toks[*pos].clone();
        *pos += 1;
        match t {
            Tok::Pipe => {
                if cmd.is_empty() {
                    return Err(err(src, "missing command before |"));
                }
                pipe.push(std::mem::take(&mut cmd));
            }
            Tok::Close => {
                *pos -= 1;
                break;
            }
            Tok::Open => {
                let sub = parse_pipeline(src, toks, pos)?;
                if toks.get(*pos) != Some(&Tok::Close) {
                    return Err(err(src, "unclosed ( in action"));
                }
                *pos += 1;
                cmd.push(Term::Sub(sub));
            }
            Tok::Str(s) => cmd.push(Term::Str(s)),
            Tok::Word(w) => cmd.push(word(src, &w)?),
        }
    }
    if cmd.is_empty() {
        return Err(err(src, "empty command in action"));
    }
    pipe.push(cmd);
    Ok(pipe)
}

fn word(src: &str, w: &str) -> Result<Term> {
    if w == "." {
        return Ok(Term::Field(Vec::new()));
    }
    if let Some(path) = w.strip_prefix('.') {
        return Ok(Term::Field(path.split('.').map(str::to_string).collect()));
    }
    if w == "$" {
        return Ok(Term::Root(Vec::new()));
    }
    if let Some(path) = w.strip_prefix("$.") {
        return Ok(Term::Root(path.split('.').map(str::to_string).collect()));
    }
    match w {
        "true" => return Ok(Term::Bool(true)),
        "false" => return Ok(Term::Bool(false)),
        "nil" => return Ok(Term::Nil),
        _ => {}
    }
    if let Ok(n) = w.parse::<f64>() {
        return Ok(Term::Num(n));
    }
    if FUNCS.contains(&w) {
        return Ok(Term::Func(w.to_string()));
    }
    Err(err(src, &format!("function \"{w}\" not defined: use fields like .ID or one of {}", FUNCS.join(", "))))
}

const FUNCS: &[&str] = &[
    "json", "index", "len", "eq", "ne", "lt", "le", "gt", "ge", "and", "or", "not", "printf", "print", "println", "upper", "lower",
    "title", "truncate", "join", "split",
];

/// What ends a block being parsed.
enum Stop {
    End,
    Else(Option<Pipeline>),
    Eof,
}

impl Template {
    /// Parses a template; errors name the template and the problem.
    pub fn parse(src: &str) -> Result<Template> {
        let pieces = lex(src)?;
        let mut pos = 0;
        let (nodes, stop) = parse_nodes(src, &pieces, &mut pos)?;
        match stop {
            Stop::Eof => Ok(Template { nodes, source: src.to_string() }),
            Stop::End => Err(err(src, "unexpected {{end}}")),
            Stop::Else(_) => Err(err(src, "unexpected {{else}}")),
        }
    }

    /// Renders against `dot`.
    pub fn render(&self, dot: &Value) -> Result<String> {
        let mut out = String::new();
        let ctx = Ctx { root: dot, header: false, src: &self.source };
        exec(&ctx, &self.nodes, dot, &mut out)?;
        Ok(out)
    }

    /// Renders the header line of a `table` template: each field as its name.
    pub fn render_header(&self) -> Result<String> {
        let mut out = String::new();
        let ctx = Ctx { root: &Value::Null, header: true, src: &self.source };
        exec(&ctx, &self.nodes, &Value::Null, &mut out)?;
        Ok(out)
    }
}

fn parse_nodes(src: &str, pieces: &[Piece], pos: &mut usize) -> Result<(Vec<Node>, Stop)> {
    let mut nodes = Vec::new();
    while *pos < pieces.len() {
        let piece = &pieces[*pos];
        *pos += 1;
        let action = match piece {
            Piece::Text(t) => {
                nodes.push(Node::Text(t.clone()));
                continue;
            }
            Piece::Action(a) => a.as_str(),
        };
        if action.starts_with("/*") {
            continue;
        }
        let (kw, rest) = match action.split_once(char::is_whitespace) {
            Some((k, r)) => (k, r.trim()),
            None => (action, ""),
        };
        match kw {
            "end" => return Ok((nodes, Stop::End)),
            "else" => {
                let cond = match rest.strip_prefix("if ") {
                    Some(c) => Some(pipeline_of(src, c)?),
                    None if rest.is_empty() => None,
                    None => return Err(err(src, &format!("unexpected {{{{else {rest}}}}}"))),
                };
                return Ok((nodes, Stop::Else(cond)));
            }
            "if" => nodes.push(parse_if(src, pieces, pos, pipeline_of(src, rest)?)?),
            "range" | "with" => {
                let p = pipeline_of(src, rest)?;
                let (body, stop) = parse_nodes(src, pieces, pos)?;
                let otherwise = match stop {
                    Stop::End => Vec::new(),
                    Stop::Else(None) => expect_end(src, pieces, pos)?,
                    Stop::Else(Some(_)) => return Err(err(src, &format!("{{{{else if}}}} inside {{{{{kw}}}}}"))),
                    Stop::Eof => return Err(err(src, &format!("{{{{{kw}}}}} without {{{{end}}}}"))),
                };
                nodes.push(if kw == "range" { Node::Range { over: p, body, otherwise } } else { Node::With { value: p, body, otherwise } });
            }
            _ => nodes.push(Node::Action(pipeline_of(src, action)?)),
        }
    }
    Ok((nodes, Stop::Eof))
}

fn parse_if(src: &str, pieces: &[Piece], pos: &mut usize, cond: Pipeline) -> Result<Node> {
    let (then, stop) = parse_nodes(src, pieces, pos)?;
    let otherwise = match stop {
        Stop::End => Vec::new(),
        Stop::Else(None) => expect_end(src, pieces, pos)?,
        // `else if` chains share the one {{end}}.
        Stop::Else(Some(c)) => vec![parse_if(src, pieces, pos, c)?],
        Stop::Eof => return Err(err(src, "{{if}} without {{end}}")),
    };
    Ok(Node::If { cond, then, otherwise })
}

fn expect_end(src: &str, pieces: &[Piece], pos: &mut usize) -> Result<Vec<Node>> {
    let (nodes, stop) = parse_nodes(src, pieces, pos)?;
    match stop {
        Stop::End => Ok(nodes),
        _ => Err(err(src, "{{else}} without {{end}}")),
    }
}

fn pipeline_of(src: &str, action: &str) -> Result<Pipeline> {
    let toks = tokens(src, action)?;
    let mut pos = 0;
    let p = parse_pipeline(src, &toks, &mut pos)?;
    if pos != toks.len() {
        return Err(err(src, "unexpected ) in action"));
    }
    Ok(p)
}

struct Ctx<'a> {
    root: &'a Value,
    header: bool,
    src: &'a str,
}

fn exec(ctx: &Ctx, nodes: &[Node], dot: &Value, out: &mut String) -> Result<()> {
    for n in nodes {
        match n {
            Node::Text(t) => out.push_str(t),
            Node::Action(p) => out.push_str(&print_value(&eval_pipeline(ctx, p, dot)?)),
            Node::If { cond, then, otherwise } => {
                if ctx.header || truthy(&eval_pipeline(ctx, cond, dot)?) {
                    exec(ctx, then, dot, out)?
                } else {
                    exec(ctx, otherwise, dot, out)?
                }
            }
            Node::With { value, body, otherwise } => {
                let v = eval_pipeline(ctx, value, dot)?;
                if ctx.header || truthy(&v) {
                    exec(ctx, body, &v, out)?
                } else {
                    exec(ctx, otherwise, dot, out)?
                }
            }
            Node::Range { over, body, otherwise } => {
                if ctx.header {
                    exec(ctx, body, &Value::Null, out)?;
                    continue;
                }
                let v = eval_pipeline(ctx, over, dot)?;
                let items: Vec<Value> = match v {
                    Value::Array(a) => a,
                    Value::Object(m) => m.into_iter().map(|(_, v)| v).collect(),
                    Value::Null => Vec::new(),
                    // podman's ps rows hold Names as a string: ranging over
                    // it yields the string, as ranging over a []string of one.
                    other => vec![other],
                };
                if items.is_empty() {
                    exec(ctx, otherwise, dot, out)?;
                }
                for item in &items {
                    exec(ctx, body, item, out)?;
                }
            }
        }
    }
    Ok(())
}

fn eval_pipeline(ctx: &Ctx, p: &Pipeline, dot: &Value) -> Result<Value> {
    let mut prev: Option<Value> = None;
    for cmd in p {
        prev = Some(eval_command(ctx, cmd, dot, prev)?);
    }
    Ok(prev.unwrap_or(Value::Null))
}

fn eval_command(ctx: &Ctx, cmd: &Command, dot: &Value, piped: Option<Value>) -> Result<Value> {
    let first = &cmd[0];
    if let Term::Func(name) = first {
        let mut args = Vec::with_capacity(cmd.len());
        for t in &cmd[1..] {
            args.push(eval_term(ctx, t, dot)?);
        }
        if let Some(v) = piped {
            args.push(v);
        }
        return call(ctx, name, args);
    }
    if cmd.len() > 1 || piped.is_some() {
        return Err(err(ctx.src, "can't give arguments to a non-function; use a function such as printf or index"));
    }
    eval_term(ctx, first, dot)
}

fn eval_term(ctx: &Ctx, t: &Term, dot: &Value) -> Result<Value> {
    Ok(match t {
        Term::Field(path) if ctx.header => Value::String(header_name(path)),
        Term::Root(path) if ctx.header => Value::String(header_name(path)),
        Term::Field(path) => field(dot, path),
        Term::Root(path) => field(ctx.root, path),
        Term::Str(s) => Value::String(s.clone()),
        Term::Num(n) => serde_json::Number::from_f64(*n)
            .map(|num| if n.fract() == 0.0 && n.abs() < 9e15 { Value::from(*n as i64) } else { Value::Number(num) })
            .unwrap_or(Value::Null),
        Term::Bool(b) => Value::Bool(*b),
        Term::Nil => Value::Null,
        Term::Func(name) => call(ctx, name, Vec::new())?,
        Term::Sub(p) => eval_pipeline(ctx, p, dot)?,
    })
}

/// A dotted field; exact key first, then case-insensitively (podman's Go
/// fields are case-sensitive; accepting both costs nothing).
fn field(v: &Value, path: &[String]) -> Value {
    let mut cur = v;
    for key in path {
        let next = match cur {
            Value::Object(m) => m.get(key).or_else(|| m.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)).map(|(_, v)| v)),
            _ => None,
        };
        match next {
            Some(n) => cur = n,
            None => return Value::Null,
        }
    }
    cur.clone()
}

/// `.CreatedAt` → `CREATED AT`, as podman's table headers.
pub fn header_name(path: &[String]) -> String {
    let last = path.last().map(String::as_str).unwrap_or("");
    let mut out = String::new();
    let chars: Vec<char> = last.chars().collect();
    for (i, c) in chars.iter().enumerate() {
        let prev_upper = i > 0 && chars[i - 1].is_uppercase();
        if i > 0 && c.is_uppercase() && !prev_upper {
            out.push(' ');
        }
        out.extend(c.to_uppercase());
    }
    out
}
