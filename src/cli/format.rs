//! Output rendering: podman-style tables, `--format json`, and Go-style
//! templates (`{{.ID}}`, `{{json .Config}}`, `table {{.ID}}\t{{.Names}}`).
//! Rows are serde_json objects so one description serves all three.

use crate::error::Result;
use serde_json::Value;

/// How the user asked to see output.
#[derive(Debug, Clone, PartialEq)]
pub enum Format {
    Table,
    Json,
    Template { header: bool, template: String },
}

impl Format {
    /// Parses `--format`: "", "table", "json", "table TEMPLATE" or a template.
    pub fn parse(s: Option<&str>) -> Format {
        match s.map(str::trim) {
            None | Some("") | Some("table") => Format::Table,
            Some("json") | Some("{{json .}}") => Format::Json,
            Some(t) => match t.strip_prefix("table ") {
                Some(rest) => Format::Template { header: true, template: unescape(rest) },
                None => Format::Template { header: false, template: unescape(t) },
            },
        }
    }
}

/// `--noheading`: `out` without its title line (tables and `table ...`
/// templates have one; JSON and plain templates do not).
pub fn without_header(fmt: &Format, out: String, noheading: bool) -> String {
    match fmt {
        Format::Table | Format::Template { header: true, .. } if noheading => match out.split_once('\n') {
            Some((_, rest)) => rest.to_string(),
            None => String::new(),
        },
        _ => out,
    }
}

/// Go's format strings come from shells, where `\t` and `\n` arrive literally.
fn unescape(s: &str) -> String {
    s.replace("\\t", "\t").replace("\\n", "\n")
}

/// Renders rows as a borderless table like podman's: titles, then one line
/// per row, columns padded to their widest cell plus two spaces. `cols` pairs a
/// title with the JSON field it shows.
pub fn table(cols: &[(&str, &str)], rows: &[Value]) -> String {
    let mut cells: Vec<Vec<String>> = vec![cols.iter().map(|(title, _)| title.to_string()).collect()];
    for row in rows {
        cells.push(cols.iter().map(|(_, field)| scalar(&lookup(row, field))).collect());
    }
    let widths: Vec<usize> = (0..cols.len()).map(|i| cells.iter().map(|r| r[i].chars().count()).max().unwrap_or(0)).collect();
    let mut out = String::new();
    for r in cells {
        let mut line = String::new();
        for (i, cell) in r.iter().enumerate() {
            if i + 1 == r.len() {
                line.push_str(cell);
            } else {
                line.push_str(cell);
                line.push_str(&" ".repeat(widths[i] - cell.chars().count() + 2));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// Renders rows with a Go text/template (see cli::template), one line
/// per row; `header` first renders the `table` header line.
pub fn template(tpl: &str, header: bool, rows: &[Value]) -> Result<String> {
    let t = super::template::Template::parse(tpl)?;
    let mut out = String::new();
    let newline = !tpl.ends_with('\n');
    if header {
        out.push_str(&t.render_header()?);
        if newline {
            out.push('\n');
        }
    }
    for row in rows {
        out.push_str(&t.render(row)?);
        if newline {
            out.push('\n');
        }
    }
    Ok(out)
}

/// Renders rows per `format`, the table described by `cols` by default.
pub fn render(format: &Format, cols: &[(&str, &str)], rows: &[Value]) -> Result<String> {
    match format {
        Format::Table => Ok(table(cols, rows)),
        Format::Json => Ok(serde_json::to_string_pretty(rows).unwrap_or_default() + "\n"),
        Format::Template { header, template: t } => template(t, *header, rows),
    }
}

/// Looks up a dotted field, case-insensitively as a convenience (podman's
/// templates are case-sensitive Go fields; accepting both costs nothing).
pub fn lookup(row: &Value, path: &str) -> Value {
    let mut cur = row;
    if path.is_empty() {
        return row.clone();
    }
    for key in path.split('.') {
        let next = match cur {
            Value::Object(m) => m.get(key).or_else(|| m.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)).map(|(_, v)| v)),
            _ => None,
        };
        match next {
            Some(v) => cur = v,
            None => return Value::Null,
        }
    }
    cur.clone()
}

/// A value as Go's text/template prints it.
pub fn scalar(v: &Value) -> String {
    match v {
        Value::Null => "<no value>".into(),
        Value::String(s) => s.clone(),
        Value::Array(a) => format!("[{}]", a.iter().map(scalar).collect::<Vec<_>>().join(" ")),
        Value::Object(_) => serde_json::to_string(v).unwrap_or_default(),
        other => other.to_string(),
    }
}

/// "3 minutes ago", as podman's CREATED column.
pub fn ago(rfc3339: &str) -> String {
    let Ok(t) = chrono::DateTime::parse_from_rfc3339(rfc3339) else { return rfc3339.to_string() };
    let secs = (chrono::Utc::now() - t.with_timezone(&chrono::Utc)).num_seconds().max(0);
    human_duration(secs) + " ago"
}

pub use crate::engine::containers::human_duration;

/// Sizes as podman prints them (SI units, 3 significant digits: "4.26 MB").
pub fn size(bytes: u64) -> String {
    const UNITS: [&str; 6] = ["B", "kB", "MB", "GB", "TB", "PB"];
    let mut v = bytes as f64;
    let mut u = 0;
    while v >= 1000.0 && u + 1 < UNITS.len() {
        v /= 1000.0;
        u += 1;
    }
    if u == 0 {
        return format!("{bytes} B");
    }
    let digits = if v >= 100.0 {
        0
    } else if v >= 10.0 {
        1
    } else {
        2
    };
    format!("{v:.digits$} {}", UNITS[u])
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn templates_fields_json_and_header() {
        let rows = vec![json!({"ID": "abc", "Names": ["web"], "State": {"Status": "running"}})];
        assert_eq!(template("{{.ID}} {{.State.Status}}", false, &rows).unwrap(), "abc running\n");
        assert_eq!(template("{{json .Names}}", false, &rows).unwrap(), "[\"web\"]\n");
        assert_eq!(template("{{.Names}}", false, &rows).unwrap(), "[web]\n");
        assert_eq!(template("{{.ID}}\t{{.Names}}", true, &rows).unwrap(), "ID\tNAMES\nabc\t[web]\n");
        assert!(template("{{.ID", false, &rows).is_err());
        assert!(template("{{range .X}}", false, &rows).is_err());
        assert_eq!(
            Format::parse(Some("table {{.ID}}\\t{{.Names}}")),
            Format::Template { header: true, template: "{{.ID}}\t{{.Names}}".into() }
        );
    }

    #[test]
    fn tables_are_padded() {
        let rows = vec![json!({"a": "x", "b": "long value"}), json!({"a": "yyyy", "b": "z"})];
        assert_eq!(table(&[("A", "a"), ("B", "b")], &rows), "A     B\nx     long value\nyyyy  z\n");
    }

    #[test]
    fn sizes_and_durations() {
        assert_eq!(size(999), "999 B");
        assert_eq!(size(4_260_000), "4.26 MB");
        assert_eq!(size(52_300_000), "52.3 MB");
        assert_eq!(human_duration(30), "30 seconds");
        assert_eq!(human_duration(7300), "2 hours");
    }
}
