//! `top`: the processes of a running container.

use super::Context;
use crate::engine::top::{self, DEFAULT_DESCRIPTORS};
use crate::error::Result;
use clap::Args;

// `top` arguments (podman's).
#[derive(Debug, Args)]
pub struct TopArgs {
    /// The container (name or id).
    #[arg(value_name = "CONTAINER")]
    pub container: String,
    /// ps fields (AIX format descriptors): user, pid, ppid, pcpu, etime, tty, time, args, comm, ...
    #[arg(value_name = "DESCRIPTORS")]
    pub descriptors: Vec<String>,
}

/// Prints the table, columns aligned as podman's tabwriter does.
pub fn top(ctx: &Context, a: TopArgs) -> Result<i32> {
    let mut descriptors: Vec<String> =
        a.descriptors.iter().flat_map(|d| d.split(',')).map(|d| d.trim().to_string()).filter(|d| !d.is_empty()).collect();
    if descriptors.is_empty() {
        descriptors = DEFAULT_DESCRIPTORS.iter().map(|d| d.to_string()).collect();
    }
    let t = top::top(&ctx.engine, &a.container, &descriptors)?;
    let mut widths: Vec<usize> = t.headers.iter().map(|h| h.chars().count()).collect();
    for row in &t.rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for row in std::iter::once(&t.headers).chain(t.rows.iter()) {
        let last = row.len().saturating_sub(1);
        for (i, cell) in row.iter().enumerate() {
            if i == last {
                out.push_str(cell);
            } else {
                let pad = (widths[i] + 2).max(12) - cell.chars().count();
                out.push_str(cell);
                out.push_str(&" ".repeat(pad));
            }
        }
        out.push('\n');
    }
    print!("{out}");
    Ok(0)
}
