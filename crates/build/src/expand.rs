//! Docker's word expansion (BuildKit's shell lexer) for the instructions
//! docker expands: ADD, COPY, ENV, EXPOSE, FROM, LABEL, STOPSIGNAL, USER,
//! VOLUME, WORKDIR and ARG defaults. `$VAR`, `${VAR}`, `${VAR:-default}`,
//! `${VAR-default}`, `${VAR:+alt}`, `${VAR+alt}`, `${VAR:?message}`;
//! single quotes keep everything, double quotes expand; the escape
//! character (`\`, or the `# escape=` one) makes the next character
//! literal. Quotes are removed. RUN, CMD and ENTRYPOINT are not expanded
//! here: their shell does it.

use crate::error::{Error, Result};

/// A variable's value, if it is set.
pub type Lookup<'a> = &'a dyn Fn(&str) -> Option<String>;

struct Lexer<'a> {
    chars: Vec<char>,
    pos: usize,
    escape: char,
    lookup: Lookup<'a>,
}

impl Lexer<'_> {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }
    fn next(&mut self) -> Option<char> {
        let c = self.peek();
        self.pos += 1;
        c
    }

    /// Words up to the end; with `split`, unquoted whitespace separates them.
    fn words(&mut self, split: bool) -> Result<Vec<String>> {
        let mut words = Vec::new();
        let mut cur = String::new();
        // Whether the current word has anything, even "" (a quoted empty word counts).
        let mut started = false;
        while let Some(c) = self.next() {
            if c == self.escape {
                match self.next() {
                    Some(n) => cur.push(n),
                    None => cur.push(c),
                }
                started = true;
            } else if c == '\'' {
                started = true;
                loop {
                    match self.next() {
                        Some('\'') => break,
                        Some(n) => cur.push(n),
                        None => return Err(Error::Invalid("unexpected end of statement while looking for matching single-quote".into())),
                    }
                }
            } else if c == '"' {
                started = true;
                loop {
                    match self.next() {
                        Some('"') => break,
                        Some('$') => {
                            let v = self.dollar()?;
                            cur.push_str(&v);
                        }
                        Some(n) if n == self.escape => match self.peek() {
                            Some(m) if m == '"' || m == '$' || m == self.escape => {
                                cur.push(m);
                                self.pos += 1;
                            }
                            _ => cur.push(n),
                        },
                        Some(n) => cur.push(n),
                        None => return Err(Error::Invalid("unexpected end of statement while looking for matching double-quote".into())),
                    }
                }
            } else if c == '$' {
                let v = self.dollar()?;
                if !v.is_empty() {
                    started = true;
                }
                cur.push_str(&v);
            } else if split && c.is_whitespace() {
                if started || !cur.is_empty() {
                    words.push(std::mem::take(&mut cur));
                }
                started = false;
            } else {
                cur.push(c);
                started = true;
            }
        }
        if started || !cur.is_empty() || !split {
            words.push(cur);
        }
        Ok(words)
    }

    /// After a `$`: the variable's expansion.
    fn dollar(&mut self) -> Result<String> {
        match self.peek() {
            Some('{') => {
                self.pos += 1;
                let mut name = String::new();
                while let Some(c) = self.peek() {
                    if c.is_ascii_alphanumeric() || c == '_' {
                        name.push(c);
                        self.pos += 1;
                    } else {
                        break;
                    }
                }
                let value = (self.lookup)(&name);
                match self.next() {
                    Some('}') => Ok(value.unwrap_or_default()),
                    Some(c @ (':' | '-' | '+' | '?')) => {
                        let colon = c == ':';
                        let op = if colon { self.next() } else { Some(c) };
                        let word = self.braced_word()?;
                        // With ':', an empty value counts as unset.
                        let set = match &value {
                            Some(v) => !colon || !v.is_empty(),
                            None => false,
                        };
                        match op {
                            Some('-') => Ok(if set { value.unwrap_or_default() } else { self.sub(&word)? }),
                            Some('+') => Ok(if set { self.sub(&word)? } else { String::new() }),
                            Some('?') if set => Ok(value.unwrap_or_default()),
                            Some('?') => {
                                let msg = self.sub(&word)?;
                                Err(Error::Invalid(format!("{name}: {}", if msg.is_empty() { "is not allowed to be unset" } else { &msg })))
                            }
                            _ => Err(Error::Invalid(format!("unsupported modifier in ${{{name}...}}: use :-, -, :+, +, :? or ?"))),
                        }
                    }
                    _ => Err(Error::Invalid(format!("missing '}}' or bad substitution in ${{{name}"))),
                }
            }
            Some(c) if c.is_ascii_alphabetic() || c == '_' => {
                let mut name = String::new();
                while let Some(c) = self.peek() {
                    if c.is_ascii_alphanumeric() || c == '_' {
                        name.push(c);
                        self.pos += 1;
                    } else {
                        break;
                    }
                }
                Ok((self.lookup)(&name).unwrap_or_default())
            }
            _ => Ok("$".to_string()),
        }
    }

    /// The text of a `${NAME:-word}`'s word, up to its closing brace.
    fn braced_word(&mut self) -> Result<String> {
        let mut depth = 0;
        let mut out = String::new();
        while let Some(c) = self.next() {
            if c == self.escape {
                out.push(c);
                if let Some(n) = self.next() {
                    out.push(n);
                }
                continue;
            }
            match c {
                '{' => depth += 1,
                '}' if depth == 0 => return Ok(out),
                '}' => depth -= 1,
                _ => {}
            }
            out.push(c);
        }
        Err(Error::Invalid("missing '}' in a ${...} substitution".into()))
    }

    fn sub(&self, word: &str) -> Result<String> {
        let mut l = Lexer { chars: word.chars().collect(), pos: 0, escape: self.escape, lookup: self.lookup };
        Ok(l.words(false)?.concat())
    }
}

/// Expands one word: variables replaced, quotes and escapes removed.
pub fn expand_word(word: &str, escape: char, lookup: Lookup) -> Result<String> {
    let mut l = Lexer { chars: word.chars().collect(), pos: 0, escape, lookup };
    Ok(l.words(false)?.concat())
}

/// Expands the variables of a text as a shell expands an unquoted heredoc
/// (`COPY <<EOF`): `$VAR`, `${VAR}` and the `${VAR:-x}` forms replaced,
/// `\$` a literal dollar, quotes and other characters kept as they are.
pub fn expand_text(text: &str, lookup: Lookup) -> Result<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\\' && chars.get(i + 1) == Some(&'$') {
            out.push('$');
            i += 2;
        } else if c == '$' && chars.get(i + 1) == Some(&'{') {
            let Some(end) = chars[i..].iter().position(|c| *c == '}') else {
                out.push(c);
                i += 1;
                continue;
            };
            let inner: String = chars[i..=i + end].iter().collect();
            // The braced form through the word lexer, in single quotes' absence.
            out.push_str(&expand_word(&format!("\"{inner}\""), '\\', lookup)?);
            i += end + 1;
        } else if c == '$' && chars.get(i + 1).is_some_and(|c| c.is_ascii_alphabetic() || *c == '_') {
            let mut j = i + 1;
            while chars.get(j).is_some_and(|c| c.is_ascii_alphanumeric() || *c == '_') {
                j += 1;
            }
            let name: String = chars[i + 1..j].iter().collect();
            out.push_str(&lookup(&name).unwrap_or_default());
            i = j;
        } else {
            out.push(c);
            i += 1;
        }
    }
    Ok(out)
}

/// Expands and splits at unquoted whitespace (EXPOSE, VOLUME, shell-form lists).
pub fn expand_words(s: &str, escape: char, lookup: Lookup) -> Result<Vec<String>> {
    let mut l = Lexer { chars: s.chars().collect(), pos: 0, escape, lookup };
    l.words(true)
}

/// Splits at unquoted whitespace keeping quotes and escapes (what ENV and
/// LABEL do before each KEY=VALUE is expanded).
pub fn split_raw(s: &str, escape: char) -> Vec<String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut quote: Option<char> = None;
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == escape && quote != Some('\'') {
            cur.push(c);
            if let Some(n) = chars.next() {
                cur.push(n);
            }
            continue;
        }
        match quote {
            Some(q) if c == q => quote = None,
            None if c == '"' || c == '\'' => quote = Some(c),
            None if c.is_whitespace() => {
                if !cur.is_empty() {
                    words.push(std::mem::take(&mut cur));
                }
                continue;
            }
            _ => {}
        }
        cur.push(c);
    }
    if !cur.is_empty() {
        words.push(cur);
    }
    words
}

/// `KEY=VALUE ...` (or the legacy `KEY VALUE`), each part expanded, as ENV,
/// LABEL and ARG read them.
pub fn key_values(s: &str, escape: char, lookup: Lookup, what: &str) -> Result<Vec<(String, String)>> {
    let words = split_raw(s, escape);
    let Some(first) = words.first() else {
        return Err(Error::Invalid(format!("{what} needs at least one argument")));
    };
    if !first.contains('=') {
        // Legacy form: the first word is the key, the rest the value.
        let key = expand_word(first, escape, lookup)?;
        let rest = s.trim_start().get(first.len()..).unwrap_or("").trim();
        if rest.is_empty() {
            return Err(Error::Invalid(format!("{what} {key}: give a value (KEY=VALUE)")));
        }
        return Ok(vec![(key, expand_word(rest, escape, lookup)?)]);
    }
    let mut out = Vec::new();
    for w in &words {
        let Some((k, v)) = w.split_once('=') else {
            return Err(Error::Invalid(format!("{what}: {w:?} is not KEY=VALUE (the legacy KEY VALUE form takes one pair only)")));
        };
        let key = expand_word(k, escape, lookup)?;
        if key.is_empty() {
            return Err(Error::Invalid(format!("{what}: {w:?} has an empty name")));
        }
        out.push((key, expand_word(v, escape, lookup)?));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(n: &str) -> Option<String> {
        match n {
            "A" => Some("1".into()),
            "E" => Some(String::new()),
            "S" => Some("x y".into()),
            _ => None,
        }
    }

    #[test]
    fn forms() {
        let x = |w: &str| expand_word(w, '\\', &env).unwrap();
        assert_eq!(x("$A"), "1");
        assert_eq!(x("${A}b"), "1b");
        assert_eq!(x("$Ab"), "");
        assert_eq!(x("${N:-def}"), "def");
        assert_eq!(x("${E:-def}"), "def");
        assert_eq!(x("${E-def}"), "");
        assert_eq!(x("${A:+alt}"), "alt");
        assert_eq!(x("${N:+alt}"), "");
        assert_eq!(x("${N:-${A}x}"), "1x");
        assert_eq!(x("'$A'"), "$A");
        assert_eq!(x("\"$A b\""), "1 b");
        assert_eq!(x("\\$A"), "$A");
        assert_eq!(x("a$"), "a$");
        assert!(expand_word("${N:?must}", '\\', &env).is_err());
        assert_eq!(expand_word("`$A", '`', &env).unwrap(), "$A");
    }

    #[test]
    fn words_and_pairs() {
        assert_eq!(expand_words("80 $A/udp \"a b\"", '\\', &env).unwrap(), ["80", "1/udp", "a b"]);
        assert_eq!(expand_words("$N", '\\', &env).unwrap(), Vec::<String>::new());
        let kv = key_values("X=\"hello world\" Y=$A Z=${S}", '\\', &env, "ENV").unwrap();
        assert_eq!(kv, [("X".into(), "hello world".into()), ("Y".into(), "1".into()), ("Z".into(), "x y".into())]);
        let legacy = key_values("X hello  world", '\\', &env, "ENV").unwrap();
        assert_eq!(legacy, [("X".to_string(), "hello  world".to_string())]);
        assert!(key_values("X=1 junk", '\\', &env, "ENV").is_err());
    }
}

#[cfg(test)]
mod text_tests {
    use super::*;

    #[test]
    fn heredoc_text() {
        let look = |n: &str| (n == "A").then(|| "1".to_string());
        assert_eq!(expand_text("a=$A \"${A}\" '${B:-x}' \\$A $$ end\n", &look).unwrap(), "a=1 \"1\" 'x' $A $$ end\n");
    }
}
