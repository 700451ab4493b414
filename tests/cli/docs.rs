//! The checked-in completions/ and man/ are what the binary generates now,
//! and the man pages render.

use crate::util::*;
use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::process::Command;

const REFRESH: &str = "run `bash packaging/gen-docs.sh` and commit completions/ and man/";

/// File name → contents of the generated files in `dir` (README.md aside).
fn files(dir: &Path) -> BTreeMap<String, String> {
    let Ok(rd) = fs::read_dir(dir) else { return BTreeMap::new() };
    rd.filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n != "README.md")
        .map(|n| {
            let text = fs::read_to_string(dir.join(&n)).unwrap_or_default();
            (n, text)
        })
        .collect()
}

#[test]
fn checked_in_docs_are_fresh() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tmp = std::env::temp_dir().join(format!("sangja-docs-{}", std::process::id()));
    let _ = fs::remove_dir_all(&tmp);
    fs::create_dir_all(&tmp).unwrap();
    let out = Command::new(binary()).arg("__generate-docs").arg(&tmp).output().unwrap();
    assert!(out.status.success(), "__generate-docs failed: {}", String::from_utf8_lossy(&out.stderr));
    for sub in ["completions", "man"] {
        let want = files(&tmp.join(sub));
        let have = files(&repo.join(sub));
        assert!(!want.is_empty(), "nothing generated in {sub}/");
        let missing: Vec<&String> = want.keys().filter(|k| !have.contains_key(*k)).collect();
        let extra: Vec<&String> = have.keys().filter(|k| !want.contains_key(*k)).collect();
        let differ: Vec<&String> = want.iter().filter(|(k, v)| have.get(*k).is_some_and(|h| h != *v)).map(|(k, _)| k).collect();
        assert!(
            missing.is_empty() && extra.is_empty() && differ.is_empty(),
            "{sub}/ is stale: {REFRESH}\n  missing: {missing:?}\n  not generated any more: {extra:?}\n  different: {differ:?}"
        );
    }
    // Every page has the sections the issue asks for, and man renders it without warnings.
    let man = files(&tmp.join("man"));
    for page in [
        "sangja.1",
        "sangja-run.1",
        "sangja-rm.1",
        "sangja-container-rm.1",
        "sangja-image-ls.1",
        "sangja-volume-rm.1",
        "sangja-completion.1",
    ] {
        assert!(man.contains_key(page), "no man page {page}");
    }
    for (name, text) in &man {
        for section in [".SH NAME", ".SH SYNOPSIS", ".SH DESCRIPTION", ".SH OPTIONS", ".SH EXAMPLES"] {
            assert!(text.contains(section), "{name} has no {section}");
        }
    }
    let run = &man["sangja-run.1"];
    for flag in ["\\-\\-rm", "\\-\\-name", "\\-\\-network", "\\-\\-volume"] {
        assert!(run.contains(flag), "sangja-run.1 documents {flag}");
    }
    let rendered = Command::new("man")
        .args(["--warnings", "-E", "UTF-8", "-l"])
        .arg(tmp.join("man/sangja-run.1"))
        .env("MANWIDTH", "80")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&rendered.stdout);
    assert!(
        rendered.status.success() && stdout.contains("EXAMPLES") && stdout.contains("sangja run --rm"),
        "man -l sangja-run.1: {stdout}"
    );
    let warnings = String::from_utf8_lossy(&rendered.stderr);
    assert!(warnings.trim().is_empty(), "man warns about sangja-run.1: {warnings}");
    let _ = fs::remove_dir_all(&tmp);
}
