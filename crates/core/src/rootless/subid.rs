//! /etc/subuid and /etc/subgid: the subordinate id ranges of a user.

use crate::error::{Error, Result};
use std::path::Path;

/// One subordinate range: ids `start..start+count` on the host.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SubRange {
    pub start: u32,
    pub count: u32,
}

/// Parses a subid file's text and returns the ranges of `user` (by name or uid).
pub fn parse(text: &str, user: &str, uid: u32) -> Vec<SubRange> {
    let uid_s = uid.to_string();
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| {
            let mut it = l.split(':');
            let (who, start, count) = (it.next()?, it.next()?, it.next()?);
            if who != user && who != uid_s {
                return None;
            }
            Some(SubRange { start: start.trim().parse().ok()?, count: count.trim().parse().ok()? })
        })
        .filter(|r| r.count > 0)
        .collect()
}

/// Reads the ranges of `user` from `path`; a missing file means no ranges.
pub fn read(path: &Path, user: &str, uid: u32) -> Result<Vec<SubRange>> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(parse(&text, user, uid)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(Error::Rootless(format!("cannot read {}: {e}", path.display()))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_ranges_by_name_or_uid() {
        let text = "# c\nalice:100000:65536\nbob:165536:65536\n1001:300000:10\nbad:line\n";
        assert_eq!(parse(text, "alice", 1000), vec![SubRange { start: 100000, count: 65536 }]);
        assert_eq!(parse(text, "carol", 1001), vec![SubRange { start: 300000, count: 10 }]);
        assert!(parse(text, "dave", 7).is_empty());
    }
}
