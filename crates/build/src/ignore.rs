//! `.containerignore` / `.dockerignore`, with docker's pattern semantics
//! (moby/patternmatcher): one pattern a line, `#` comments, blank lines
//! skipped; each pattern is cleaned (`./a/../b` is `b`, a leading `/` is
//! dropped) and matched with Go's filepath.Match (`*`, `?`, `[a-z]`, `\`
//! escapes) plus `**` for any number of folders; a pattern that matches a
//! folder matches everything under it; `!pattern` re-includes; the last
//! pattern that matches a path decides.

/// One line of an ignore file.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Pattern {
    segments: Vec<String>,
    exclusion: bool,
}

/// The patterns of an ignore file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Matcher {
    patterns: Vec<Pattern>,
}

/// Cleans a slash path as Go's path.Clean, without the leading `/`.
pub fn clean(p: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    for seg in p.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                out.pop();
            }
            s => out.push(s),
        }
    }
    out.join("/")
}

impl Matcher {
    /// Reads an ignore file's text.
    pub fn parse(text: &str) -> Matcher {
        let mut patterns = Vec::new();
        for line in text.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (exclusion, p) = match line.strip_prefix('!') {
                Some(rest) => (true, rest.trim()),
                None => (false, line),
            };
            let p = clean(p);
            if p.is_empty() {
                continue;
            }
            patterns.push(Pattern { segments: p.split('/').map(str::to_string).collect(), exclusion });
        }
        Matcher { patterns }
    }

    /// Whether there are `!` patterns (an excluded folder must still be walked).
    pub fn has_exclusions(&self) -> bool {
        self.patterns.iter().any(|p| p.exclusion)
    }

    /// Whether `path` (relative to the context, `/`-separated) is left out.
    pub fn excluded(&self, path: &str) -> bool {
        let path = clean(path);
        if path.is_empty() {
            return false;
        }
        let segs: Vec<&str> = path.split('/').collect();
        let mut out = false;
        for p in &self.patterns {
            // The path itself or one of its parent folders.
            let hit = (1..=segs.len()).any(|n| match_segments(&p.segments, &segs[..n]));
            if hit {
                out = !p.exclusion;
            }
        }
        out
    }
}

fn match_segments(pat: &[String], path: &[&str]) -> bool {
    match pat.split_first() {
        None => path.is_empty(),
        Some((first, rest)) if first == "**" => (0..=path.len()).any(|n| match_segments(rest, &path[n..])),
        Some((first, rest)) => match path.split_first() {
            Some((p, prest)) => glob_match(first, p) && match_segments(rest, prest),
            None => false,
        },
    }
}

/// Go's filepath.Match for one path segment: `*`, `?`, `[...]` (with `^`
/// or `!` negation and ranges) and `\` escapes. A `**` inside a segment
/// acts as `*`.
pub fn glob_match(pattern: &str, name: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    glob(&p, &n)
}

fn glob(p: &[char], n: &[char]) -> bool {
    match p.first() {
        None => n.is_empty(),
        Some('*') => {
            let rest = &p[1..];
            (0..=n.len()).any(|i| glob(rest, &n[i..]))
        }
        Some('?') => !n.is_empty() && glob(&p[1..], &n[1..]),
        Some('[') => {
            let Some(c) = n.first() else { return false };
            match class(&p[1..], *c) {
                Some((ok, used)) => ok && glob(&p[1 + used..], &n[1..]),
                None => false,
            }
        }
        Some('\\') if p.len() > 1 => n.first() == Some(&p[1]) && glob(&p[2..], &n[1..]),
        Some(c) => n.first() == Some(c) && glob(&p[1..], &n[1..]),
    }
}

/// A `[...]` class against `c`: (matched, characters of the pattern used, `]` included).
fn class(p: &[char], c: char) -> Option<(bool, usize)> {
    let mut i = 0;
    let negate = matches!(p.first(), Some('^') | Some('!'));
    if negate {
        i += 1;
    }
    let mut matched = false;
    let mut first = true;
    while i < p.len() {
        if p[i] == ']' && !first {
            return Some((matched != negate, i + 1));
        }
        first = false;
        let mut lo = p[i];
        if lo == '\\' && i + 1 < p.len() {
            i += 1;
            lo = p[i];
        }
        let mut hi = lo;
        if i + 2 < p.len() && p[i + 1] == '-' && p[i + 2] != ']' {
            hi = p[i + 2];
            i += 2;
        }
        if lo <= c && c <= hi {
            matched = true;
        }
        i += 1;
    }
    None
}

/// Whether a COPY source has glob characters.
pub fn has_glob(s: &str) -> bool {
    s.contains(['*', '?', '['])
}

/// Whether a relative path matches a COPY source glob, segment by segment.
pub fn path_matches(pattern: &str, path: &str) -> bool {
    let pat: Vec<String> = clean(pattern).split('/').map(str::to_string).collect();
    let segs: Vec<&str> = path.split('/').collect();
    match_segments(&pat, &segs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn docker_semantics() {
        let m = Matcher::parse("# comment\n*.log\n!keep.log\nbuild/\n/secret\n**/*.tmp\ndocs\n!docs/README.md\n");
        assert!(m.excluded("a.log"));
        assert!(!m.excluded("keep.log"));
        assert!(!m.excluded("sub/a.log"), "* does not cross folders");
        assert!(m.excluded("build/x/y.o"), "a folder's pattern covers what it holds");
        assert!(m.excluded("secret"));
        assert!(m.excluded("a/b/c.tmp"));
        assert!(m.excluded("x.tmp"));
        assert!(m.excluded("docs/other.md"));
        assert!(!m.excluded("docs/README.md"));
        assert!(!m.excluded("src/main.rs"));
        assert!(m.has_exclusions());
    }

    #[test]
    fn globs() {
        assert!(glob_match("*.txt", "a.txt"));
        assert!(!glob_match("*.txt", "a.txtx"));
        assert!(glob_match("a?c", "abc"));
        assert!(glob_match("[a-c]x", "bx"));
        assert!(!glob_match("[^a-c]x", "bx"));
        assert!(glob_match("\\*", "*"));
        assert!(path_matches("src/*.rs", "src/a.rs"));
        assert!(!path_matches("src/*.rs", "src/x/a.rs"));
        assert_eq!(clean("./a/../b//c/"), "b/c");
    }
}
