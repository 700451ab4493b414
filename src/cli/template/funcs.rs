//! The template functions (json, index, eq, printf...) and Go's rules for
//! truth and printing.

use super::{err, Ctx};
use crate::error::Result;
use serde_json::Value;

pub(super) fn truthy(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(m) => !m.is_empty(),
    }
}

/// A value as Go's text/template prints it. Objects print as Go prints a map
/// (`map[k:v ...]`, keys sorted): podman's maps (Labels, Registries) print so,
/// and scripts that want JSON ask for `{{json .X}}`.
pub fn print_value(v: &Value) -> String {
    match v {
        Value::Null => "<no value>".into(),
        Value::String(s) => s.clone(),
        Value::Array(a) => format!("[{}]", a.iter().map(print_value).collect::<Vec<_>>().join(" ")),
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            let items: Vec<String> = keys.iter().map(|k| format!("{k}:{}", print_value(&m[k.as_str()]))).collect();
            format!("map[{}]", items.join(" "))
        }
        Value::Number(n) => match n.as_f64() {
            Some(f) if n.is_f64() && f.fract() == 0.0 => format!("{f:.0}"),
            _ => n.to_string(),
        },
        Value::Bool(b) => b.to_string(),
    }
}

fn as_str(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        other => print_value(other),
    }
}

fn num(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::Bool(b) => Some(*b as i64 as f64),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

fn equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(_), Value::Number(_)) => num(a) == num(b),
        _ => a == b,
    }
}

fn compare(ctx: &Ctx, a: &Value, b: &Value) -> Result<std::cmp::Ordering> {
    match (a, b) {
        (Value::String(x), Value::String(y)) => Ok(x.cmp(y)),
        _ => match (num(a), num(b)) {
            (Some(x), Some(y)) => Ok(x.partial_cmp(&y).unwrap_or(std::cmp::Ordering::Equal)),
            _ => Err(err(ctx.src, "incompatible types for comparison")),
        },
    }
}

pub(super) fn call(ctx: &Ctx, name: &str, args: Vec<Value>) -> Result<Value> {
    let need = |n: usize| -> Result<()> {
        if args.len() < n {
            Err(err(ctx.src, &format!("wrong number of args for {name}: want at least {n} got {}", args.len())))
        } else {
            Ok(())
        }
    };
    // Headers: formatting functions run; the others show their argument's header.
    if ctx.header && !matches!(name, "printf" | "print" | "println" | "upper" | "lower" | "title") {
        return Ok(args.into_iter().find(|a| matches!(a, Value::String(_))).unwrap_or(Value::String(String::new())));
    }
    Ok(match name {
        "json" => {
            need(1)?;
            Value::String(serde_json::to_string(&args[0]).unwrap_or_default())
        }
        "index" => {
            need(1)?;
            let mut cur = args[0].clone();
            for k in &args[1..] {
                cur = match (&cur, k) {
                    (Value::Array(a), k) => {
                        let i = num(k).ok_or_else(|| err(ctx.src, "index of a list must be a number"))?;
                        a.get(i as usize).cloned().ok_or_else(|| err(ctx.src, &format!("index out of range: {i}")))?
                    }
                    (Value::Object(m), Value::String(s)) => m.get(s).cloned().unwrap_or(Value::Null),
                    (Value::Null, _) => Value::Null,
                    _ => return Err(err(ctx.src, "can't index this value")),
                };
            }
            cur
        }
        "len" => {
            need(1)?;
            Value::from(match &args[0] {
                Value::Array(a) => a.len(),
                Value::Object(m) => m.len(),
                Value::String(s) => s.chars().count(),
                Value::Null => 0,
                _ => return Err(err(ctx.src, "len of a value that is not a list, map or string")),
            })
        }
        "eq" => {
            need(2)?;
            Value::Bool(args[1..].iter().any(|b| equal(&args[0], b)))
        }
        "ne" => {
            need(2)?;
            Value::Bool(!equal(&args[0], &args[1]))
        }
        "lt" | "le" | "gt" | "ge" => {
            need(2)?;
            let o = compare(ctx, &args[0], &args[1])?;
            Value::Bool(match name {
                "lt" => o.is_lt(),
                "le" => o.is_le(),
                "gt" => o.is_gt(),
                _ => o.is_ge(),
            })
        }
        "and" => {
            need(1)?;
            args.iter().find(|a| !truthy(a)).cloned().unwrap_or_else(|| args[args.len() - 1].clone())
        }
        "or" => {
            need(1)?;
            args.iter().find(|a| truthy(a)).cloned().unwrap_or_else(|| args[args.len() - 1].clone())
        }
        "not" => {
            need(1)?;
            Value::Bool(!truthy(&args[0]))
        }
        "printf" => {
            need(1)?;
            Value::String(printf(&as_str(&args[0]), &args[1..]))
        }
        "print" => Value::String(args.iter().map(as_str).collect::<Vec<_>>().join("")),
        "println" => Value::String(args.iter().map(as_str).collect::<Vec<_>>().join(" ") + "\n"),
        "upper" => {
            need(1)?;
            Value::String(as_str(&args[0]).to_uppercase())
        }
        "lower" => {
            need(1)?;
            Value::String(as_str(&args[0]).to_lowercase())
        }
        "title" => {
            need(1)?;
            let s = as_str(&args[0]);
            let mut c = s.chars();
            Value::String(c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default())
        }
        "truncate" => {
            need(2)?;
            let n = num(&args[1]).unwrap_or(0.0) as usize;
            Value::String(as_str(&args[0]).chars().take(n).collect())
        }
        "join" => {
            need(2)?;
            let sep = as_str(&args[1]);
            match &args[0] {
                Value::Array(a) => Value::String(a.iter().map(as_str).collect::<Vec<_>>().join(&sep)),
                other => Value::String(as_str(other)),
            }
        }
        "split" => {
            need(2)?;
            let sep = as_str(&args[1]);
            Value::Array(as_str(&args[0]).split(sep.as_str()).map(|s| Value::String(s.to_string())).collect())
        }
        _ => return Err(err(ctx.src, &format!("function \"{name}\" not defined"))),
    })
}

/// Go's fmt verbs that templates use: %s %v %d %q %t %f %x %%, with flags
/// `-`, `0`, width and precision.
fn printf(fmt: &str, args: &[Value]) -> String {
    let mut out = String::new();
    let mut args = args.iter();
    let mut chars = fmt.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let mut left = false;
        let mut zero = false;
        while let Some(&f) = chars.peek() {
            match f {
                '-' => left = true,
                '0' => zero = true,
                '+' | ' ' | '#' => {}
                _ => break,
            }
            chars.next();
        }
        let mut width = String::new();
        while let Some(&d) = chars.peek().filter(|d| d.is_ascii_digit()) {
            width.push(d);
            chars.next();
        }
        let too_large = |digits: &str| digits.len() > 7 || digits.parse::<usize>().is_ok_and(|n| n > 1_000_000);
        let mut huge = too_large(&width);
        let mut prec: Option<usize> = None;
        if chars.peek() == Some(&'.') {
            chars.next();
            let mut p = String::new();
            while let Some(&d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                p.push(d);
                chars.next();
            }
            huge |= too_large(&p);
            prec = Some(p.parse().unwrap_or(0));
        }
        // Go refuses a width or precision over 1e6 (its fmt tooLarge) and
        // stops there; a huge one would otherwise pad the output until memory
        // runs out (found by the fuzz suite: `{{printf "%999999999d" 1}}`).
        if huge {
            out.push_str("%!(NOVERB)");
            break;
        }
        let Some(verb) = chars.next() else {
            out.push_str("%!(NOVERB)");
            break;
        };
        if verb == '%' {
            out.push('%');
            continue;
        }
        let Some(arg) = args.next() else {
            out.push_str(&format!("%!{verb}(MISSING)"));
            continue;
        };
        let s = match verb {
            'd' => num(arg).map(|n| format!("{}", n as i64)).unwrap_or_else(|| format!("%!d({})", as_str(arg))),
            'f' | 'F' => num(arg).map(|n| format!("{n:.*}", prec.unwrap_or(6))).unwrap_or_else(|| format!("%!f({})", as_str(arg))),
            'x' => num(arg).map(|n| format!("{:x}", n as i64)).unwrap_or_else(|| as_str(arg).bytes().map(|b| format!("{b:02x}")).collect()),
            'q' => serde_json::to_string(&as_str(arg)).unwrap_or_default(),
            't' => truthy(arg).to_string(),
            _ => {
                let s = as_str(arg);
                match prec {
                    Some(p) => s.chars().take(p).collect(),
                    None => s,
                }
            }
        };
        let w: usize = width.parse().unwrap_or(0);
        let len = s.chars().count();
        if len >= w {
            out.push_str(&s);
        } else if left {
            out.push_str(&s);
            out.push_str(&" ".repeat(w - len));
        } else {
            out.push_str(&(if zero { "0" } else { " " }).repeat(w - len));
            out.push_str(&s);
        }
    }
    out
}
