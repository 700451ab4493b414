//! `tag`, `untag`, `history`, `image exists`, `image tree`, `image mount`,
//! `image unmount`: flags, then the engine, then podman's output.

use super::format::{self, Format};
use super::Context;
use crate::engine::{history, image_mount, tags};
use crate::error::Result;
use clap::Args;
use serde_json::{json, Value};

// `tag` flags.
#[derive(Debug, Args)]
pub struct TagArgs {
    /// The image to name.
    #[arg(value_name = "IMAGE")]
    pub image: String,
    /// The names to add ("name" is localhost/name:latest).
    #[arg(value_name = "TARGET_NAME", required = true)]
    pub names: Vec<String>,
}

/// `tag IMAGE NAME...`: prints nothing, as podman.
pub fn tag(ctx: &Context, a: TagArgs) -> Result<i32> {
    tags::tag(&ctx.engine, &a.image, &a.names)?;
    Ok(0)
}

// `untag` flags.
#[derive(Debug, Args)]
pub struct UntagArgs {
    /// The image to take names from.
    #[arg(value_name = "IMAGE")]
    pub image: String,
    /// The names to remove (all of them when none is given).
    #[arg(value_name = "NAME")]
    pub names: Vec<String>,
}

/// `untag IMAGE [NAME...]`: prints nothing, as podman.
pub fn untag(ctx: &Context, a: UntagArgs) -> Result<i32> {
    tags::untag(&ctx.engine, &a.image, &a.names)?;
    Ok(0)
}

// `image exists` flags.
#[derive(Debug, Args)]
pub struct ExistsArgs {
    #[arg(value_name = "IMAGE")]
    pub image: String,
}

/// Exit 0 when the image is in the store, 1 when not; prints nothing.
pub fn exists(ctx: &Context, a: ExistsArgs) -> Result<i32> {
    Ok(if tags::exists(&ctx.engine, &a.image)? { 0 } else { 1 })
}

// `history` flags.
#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// Show sizes and times for people (`-H=false`: times as RFC 3339).
    #[arg(short = 'H', long, value_name = "BOOL", default_value = "true", num_args = 0..=1, require_equals = true, default_missing_value = "true", value_parser = super::parse_bool)]
    pub human: bool,
    /// Do not truncate ids and CREATED BY.
    #[arg(long = "no-trunc", alias = "notruncate")]
    pub no_trunc: bool,
    /// Print the ids only.
    #[arg(short, long)]
    pub quiet: bool,
    /// json, or a Go template over ID, Created, CreatedAt, CreatedSince, CreatedBy, Size, Comment, Tags.
    #[arg(long)]
    pub format: Option<String>,
    #[arg(value_name = "IMAGE")]
    pub image: String,
}

/// podman's CREATED BY column width.
const CREATED_BY_WIDTH: usize = 45;

/// `history IMAGE`.
pub fn history(ctx: &Context, a: HistoryArgs) -> Result<i32> {
    let rows = history::history(&ctx.engine, &a.image)?;
    let short = |id: &str| if a.no_trunc || id.len() < 12 || id.starts_with('<') { id.to_string() } else { id[..12].to_string() };
    if a.quiet {
        for r in &rows {
            println!("{}", short(&r.id));
        }
        return Ok(0);
    }
    let fmt = Format::parse(a.format.as_deref());
    if fmt == Format::Json {
        // podman's keys, in podman's order, on one line (podman 4 leaves the tags out).
        #[derive(serde::Serialize)]
        struct Row<'a> {
            id: &'a str,
            created: &'a Option<String>,
            #[serde(rename = "CreatedBy")]
            created_by: &'a str,
            size: u64,
            #[serde(skip_serializing_if = "str::is_empty")]
            comment: &'a str,
            #[serde(rename = "Created")]
            created2: &'a Option<String>,
        }
        let list: Vec<Row> = rows
            .iter()
            .map(|r| Row {
                id: &r.id,
                created: &r.created,
                created_by: &r.created_by,
                size: r.size,
                comment: &r.comment,
                created2: &r.created,
            })
            .collect();
        println!("{}", serde_json::to_string(&list).unwrap_or_default());
        return Ok(0);
    }
    let values: Vec<Value> = rows
        .iter()
        .map(|r| {
            let at = r.created.clone().unwrap_or_default();
            let since = format::ago(&at);
            let mut by = r.created_by.clone();
            if !a.no_trunc && by.chars().count() > CREATED_BY_WIDTH {
                by = by.chars().take(CREATED_BY_WIDTH - 3).collect::<String>() + "...";
            }
            json!({
                "ID": short(&r.id),
                "Created": if a.human { since.clone() } else { at.clone() },
                "CreatedAt": at,
                "CreatedSince": since,
                "CreatedBy": by,
                "Size": format::size(r.size),
                "Comment": r.comment,
                "Tags": r.tags,
            })
        })
        .collect();
    let out = match fmt {
        Format::Table => padded_table(
            &[("ID", "ID"), ("CREATED", "Created"), ("CREATED BY", "CreatedBy"), ("SIZE", "Size"), ("COMMENT", "Comment")],
            &values,
        ),
        f => format::render(&f, &[], &values)?,
    };
    print!("{out}");
    Ok(0)
}

/// podman's table writer: every column at least 12 wide with its padding of
/// 2, the last column's trailing spaces kept as podman prints them.
fn padded_table(cols: &[(&str, &str)], rows: &[Value]) -> String {
    let mut cells: Vec<Vec<String>> = vec![cols.iter().map(|(t, _)| t.to_string()).collect()];
    for r in rows {
        cells.push(cols.iter().map(|(_, f)| format::scalar(&format::lookup(r, f))).collect());
    }
    let widths: Vec<usize> = (0..cols.len()).map(|i| (cells.iter().map(|r| r[i].chars().count()).max().unwrap_or(0) + 2).max(12)).collect();
    let mut out = String::new();
    for r in cells {
        for (i, c) in r.iter().enumerate() {
            out.push_str(c);
            if i + 1 < r.len() {
                out.push_str(&" ".repeat(widths[i] - c.chars().count()));
            }
        }
        out.push('\n');
    }
    out
}

/// go-units' HumanSizeWithPrecision(size, 4): "2.14MB", "66.49MB", "11.5kB".
pub fn size4(bytes: u64) -> String {
    const UNITS: [&str; 6] = ["B", "kB", "MB", "GB", "TB", "PB"];
    let mut v = bytes as f64;
    let mut u = 0;
    while v >= 1000.0 && u + 1 < UNITS.len() {
        v /= 1000.0;
        u += 1;
    }
    // %.4g: four significant digits, trailing zeros dropped.
    let int_digits = if v < 1.0 { 1 } else { (v.log10().floor() as i32 + 1).max(1) };
    let decimals = (4 - int_digits).max(0) as usize;
    let mut s = format!("{v:.decimals$}");
    if s.contains('.') {
        s = s.trim_end_matches('0').trim_end_matches('.').to_string();
    }
    format!("{s}{}", UNITS[u])
}

// `image tree` flags.
#[derive(Debug, Args)]
pub struct TreeArgs {
    /// Show the images built on this one instead of its own layers.
    #[arg(long)]
    pub whatrequires: bool,
    #[arg(value_name = "IMAGE")]
    pub image: String,
}

/// `image tree IMAGE`, in podman's shape.
pub fn tree(ctx: &Context, a: TreeArgs) -> Result<i32> {
    let t = history::tree(&ctx.engine, &a.image, a.whatrequires)?;
    let mut out = format!("Image ID: {}\nTags:     [{}]\nSize:     {}\nImage Layers\n", &t.id[..12], t.names.join(" "), size4(t.size));
    let n = t.layers.len();
    for (i, l) in t.layers.iter().enumerate() {
        let branch = if i + 1 == n { "└──" } else { "├──" };
        let id = l.id.trim_start_matches("sha256:");
        let mut line = format!("{branch} ID: {} Size: {:>7}", &id[..id.len().min(12)], size4(l.size));
        if !l.top_layer_of.is_empty() {
            line.push_str(&format!(" Top Layer of: [{}]", l.top_layer_of.join(" ")));
        }
        out.push_str(&line);
        out.push('\n');
    }
    print!("{out}");
    Ok(0)
}

// `image mount` flags.
#[derive(Debug, Args)]
pub struct ImageMountArgs {
    /// Mount every image.
    #[arg(short, long)]
    pub all: bool,
    /// json: the mounted images as a JSON list.
    #[arg(long)]
    pub format: Option<String>,
    #[arg(value_name = "IMAGE")]
    pub images: Vec<String>,
}

/// `image mount [IMAGE...]`: mounts and prints each path; without images
/// lists what is mounted ("NAME  PATH").
pub fn mount(ctx: &Context, a: ImageMountArgs) -> Result<i32> {
    let json_out = matches!(Format::parse(a.format.as_deref()), Format::Json);
    let mounted = if a.images.is_empty() && !a.all {
        image_mount::mounted(&ctx.engine)?
    } else {
        let names: Vec<String> =
            if a.all { crate::engine::images::list(&ctx.engine)?.into_iter().map(|i| i.id).collect() } else { a.images.clone() };
        let mut out = Vec::new();
        for n in &names {
            out.push(image_mount::mount(&ctx.engine, n)?);
        }
        if !json_out {
            for m in &out {
                println!("{}", m.path.display());
            }
            return Ok(0);
        }
        out
    };
    if json_out {
        let list: Vec<Value> = mounted
            .iter()
            .map(|m| json!({"id": m.id, "Names": [format!("sha256:{}", m.id)], "Repositories": m.names, "mountpoint": m.path}))
            .collect();
        println!("{}", serde_json::to_string_pretty(&list).unwrap_or_default());
    } else {
        for m in mounted {
            let name = m.names.first().cloned().unwrap_or_else(|| m.id[..12].to_string());
            println!("{name}  {}", m.path.display());
        }
    }
    Ok(0)
}

// `image unmount` flags.
#[derive(Debug, Args)]
pub struct ImageUnmountArgs {
    /// Unmount every mounted image.
    #[arg(short, long)]
    pub all: bool,
    /// Accepted for podman compatibility.
    #[arg(short, long)]
    pub force: bool,
    #[arg(value_name = "IMAGE", required_unless_present = "all")]
    pub images: Vec<String>,
}

/// `image unmount IMAGE...`: prints the id of each image unmounted.
pub fn unmount(ctx: &Context, a: ImageUnmountArgs) -> Result<i32> {
    let _ = a.force;
    for id in image_mount::unmount(&ctx.engine, &a.images, a.all)? {
        println!("{id}");
    }
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_as_go_units() {
        assert_eq!(size4(2_140_160), "2.14MB");
        assert_eq!(size4(66_490_000), "66.49MB");
        assert_eq!(size4(2_243_000), "2.243MB");
        assert_eq!(size4(43_700_000), "43.7MB");
        assert_eq!(size4(11_500), "11.5kB");
        assert_eq!(size4(475), "475B");
        assert_eq!(size4(0), "0B");
    }

    #[test]
    fn tables_have_podmans_minimum_width() {
        let t = padded_table(&[("ID", "a"), ("SIZE", "b")], &[json!({"a": "x", "b": "1 B"})]);
        assert_eq!(t, "ID          SIZE\nx           1 B\n");
    }
}
