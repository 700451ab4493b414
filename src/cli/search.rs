//! `search TERM`: podman's table (NAME DESCRIPTION, or NAME TAG with
//! --list-tags), JSON or a Go template over Index, Name, Description, Stars,
//! Official, Automated, Tag.

use super::format::{self, Format};
use super::Context;
use crate::engine::search::{self, SearchRequest};
use crate::error::{Error, Result};
use clap::Args;
use serde_json::Value;

// `search` flags.
#[derive(Debug, Args)]
pub struct SearchArgs {
    /// The auth file with the registry's credentials.
    #[arg(long, value_name = "PATH")]
    pub authfile: Option<std::path::PathBuf>,
    /// Credentials (USERNAME:PASSWORD) for the registry.
    #[arg(long, value_name = "USERNAME:PASSWORD")]
    pub creds: Option<String>,
    /// Also show the STARS, OFFICIAL and AUTOMATED columns (Docker's table).
    #[arg(long)]
    pub compatible: bool,
    /// Filter: stars=N, is-official=BOOL, is-automated=BOOL.
    #[arg(short, long = "filter", value_name = "FILTER")]
    pub filter: Vec<String>,
    /// json, or a Go template such as '{{.Name}}'.
    #[arg(long)]
    pub format: Option<String>,
    /// At most this many results per registry (default 25).
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub limit: usize,
    /// List the tags of the repository TERM names.
    #[arg(long = "list-tags")]
    pub list_tags: bool,
    /// Do not truncate descriptions.
    #[arg(long = "no-trunc")]
    pub no_trunc: bool,
    /// Require HTTPS and verify certificates (`--tls-verify=false` allows plain HTTP).
    #[arg(long = "tls-verify", value_name = "BOOL", num_args = 0..=1, require_equals = true, default_missing_value = "true", value_parser = super::parse_bool)]
    pub tls_verify: Option<bool>,
    /// REGISTRY/TERM, or a term for registries.conf's search registries.
    #[arg(value_name = "TERM")]
    pub term: String,
}

/// podman's DESCRIPTION width without --no-trunc.
const DESCRIPTION_WIDTH: usize = 44;

/// Searches and prints.
pub fn search(ctx: &Context, a: SearchArgs) -> Result<i32> {
    if let Some(f) = &a.authfile {
        crate::config::auth::set_authfile(f);
    }
    let creds = super::images::parse_creds(a.creds.as_deref())?;
    if a.list_tags && !a.filter.is_empty() {
        return Err(Error::Invalid("filters are not applicable to list tags result".into()));
    }
    let req = SearchRequest {
        term: a.term.clone(),
        limit: a.limit,
        filters: a.filter.clone(),
        list_tags: a.list_tags,
        tls_verify: a.tls_verify,
        creds,
    };
    let results = search::search(&ctx.engine, &req)?;
    let fmt = Format::parse(a.format.as_deref());
    let mut rows: Vec<Value> = results.iter().map(|r| serde_json::to_value(r).unwrap_or(Value::Null)).collect();
    if fmt == Format::Json {
        // The results' own key order, indented as podman prints them.
        println!("{}", super::manifest::pretty4(&serde_json::to_vec(&results).unwrap_or_default()));
        return Ok(0);
    }
    if !a.no_trunc {
        for r in &mut rows {
            let d = r["Description"].as_str().unwrap_or_default();
            if d.chars().count() > DESCRIPTION_WIDTH {
                r["Description"] = Value::String(d.chars().take(DESCRIPTION_WIDTH).collect::<String>() + "...");
            }
        }
    }
    let cols: &[(&str, &str)] = if a.list_tags {
        &[("NAME", "Name"), ("TAG", "Tag")]
    } else if a.compatible {
        &[("NAME", "Name"), ("DESCRIPTION", "Description"), ("STARS", "Stars"), ("OFFICIAL", "Official"), ("AUTOMATED", "Automated")]
    } else {
        &[("NAME", "Name"), ("DESCRIPTION", "Description")]
    };
    print!("{}", format::render(&fmt, cols, &rows)?);
    Ok(0)
}
