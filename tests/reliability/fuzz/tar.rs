//! Layer blobs: arbitrary and mutated tar streams, plain, gzip and zstd,
//! through the layer store's extraction (LayerStore::add_from_blob) into a
//! temp store. Nothing may be written outside the layer's folder, a layer
//! over the size budget must be refused, and a failed one must leave nothing.

use super::{clear, corpus, fuzz, inputs, Scratch};
use proptest::prelude::*;
use sangja::paths::StorePaths;
use sangja::storage::layers::{ExtractOptions, LayerStore};
use sha2::{Digest, Sha256};
use std::collections::{BTreeSet, HashSet};
use std::io::{Read, Write};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

/// The size budget of a fuzzed layer (its expanded size).
const BUDGET: u64 = 4 << 20;

/// (how to wrap the mutated bytes: 0 as they are, 1 gzip, 2 zstd; rootless; bytes)
type Case = (u8, bool, Vec<u8>);

fn compress(mode: u8, data: &[u8]) -> Vec<u8> {
    match mode {
        1 => {
            let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            e.write_all(data).unwrap();
            e.finish().unwrap()
        }
        2 => zstd::encode_all(data, 1).unwrap(),
        _ => data.to_vec(),
    }
}

/// Every path under `dir`, not following symlinks, except below `skip`.
fn tree(dir: &Path, skip: &Path) -> BTreeSet<PathBuf> {
    let mut out = BTreeSet::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else { continue };
        for e in rd.flatten() {
            let p = e.path();
            if p.starts_with(skip) {
                continue;
            }
            if e.file_type().map(|t| t.is_dir()).unwrap_or(false) {
                todo.push(p.clone());
            }
            out.insert(p.strip_prefix(dir).unwrap().to_path_buf());
        }
    }
    out
}

/// The apparent size of the regular files under `dir` (hard links once).
fn apparent_size(dir: &Path) -> u64 {
    let mut seen = HashSet::new();
    let mut total = 0;
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else { continue };
        for e in rd.flatten() {
            let Ok(m) = std::fs::symlink_metadata(e.path()) else { continue };
            if m.is_dir() {
                todo.push(e.path());
            } else if m.is_file() && seen.insert(m.ino()) {
                total += m.len();
            }
        }
    }
    total
}

fn escapes() -> Vec<PathBuf> {
    ["/tmp/rel-suites-escape", "/tmp/rel-suites-escape2", "/tmp/rel-suites-escape-abs", "/tmp/rel-suites-escape-sym"]
        .iter()
        .map(PathBuf::from)
        .collect()
}

fn check_tar(case: &Case) -> Result<(), String> {
    let (mode, rootless, data) = case;
    let blob = compress(*mode, data);
    let hex = hex::encode(Sha256::digest(&blob));
    let digest = format!("sha256:{hex}");
    let dir = Scratch::new("tar");
    // The scratch folder's parent must not get anything either: a nested store.
    let base = dir.0.join("outside");
    let paths =
        StorePaths { root: base.join("root"), runroot: base.join("run"), driver: "vfs".into(), rootless: *rootless, driver_notice: None };
    paths.ensure().unwrap();
    let layer_dir = paths.layers_dir().join(&hex);
    let before = tree(&dir.0, &layer_dir);
    let passwd = std::fs::metadata("/etc/passwd").map(|m| (m.len(), m.mtime(), m.ino())).ok();
    let opts = ExtractOptions { squash_owners: *rootless, rootless: *rootless, max_size: Some(BUDGET), keep_kinds: false };
    let result = LayerStore::new(&paths).add_from_blob(&digest, None, std::io::Cursor::new(&blob), &opts);

    for p in escapes() {
        if std::fs::symlink_metadata(&p).is_ok() {
            let _ = std::fs::remove_file(&p);
            return Err(format!("the extraction wrote outside its target: {}", p.display()));
        }
    }
    if std::fs::metadata("/etc/passwd").map(|m| (m.len(), m.mtime(), m.ino())).ok() != passwd {
        return Err("the extraction changed /etc/passwd".into());
    }
    let after = tree(&dir.0, &layer_dir);
    let rel = |p: &Path| p.strip_prefix(&dir.0).unwrap().to_path_buf();
    let allowed: BTreeSet<PathBuf> =
        [rel(&layer_dir), rel(&paths.layers_dir().join(format!("{hex}.lock"))), rel(&paths.tmp_dir().join(".tmp.lock"))]
            .into_iter()
            .collect();
    let tmp_rel = rel(&paths.tmp_dir());
    let new: Vec<&PathBuf> = after
        .iter()
        .filter(|p| !before.contains(*p) && !allowed.contains(*p))
        // Lock files in tmp/ are the store's own.
        .filter(|p| !(p.starts_with(&tmp_rel) && p.to_string_lossy().ends_with(".lock")))
        .collect();
    match &result {
        Ok(info) => {
            if !new.is_empty() {
                return Err(format!("a layer was added, and also {new:?}"));
            }
            if !layer_dir.join("layer.json").is_file() {
                return Err("add_from_blob succeeded but published no layer".into());
            }
            let size = apparent_size(&layer_dir.join("diff"));
            if size > BUDGET {
                return Err(format!("the layer holds {size} bytes, over the budget of {BUDGET}"));
            }
            if info.digest != digest {
                return Err(format!("the layer is recorded as {}, not {digest}", info.digest));
            }
        }
        Err(e) => {
            if !new.is_empty() {
                return Err(format!("a failed extraction ({e}) left {new:?}"));
            }
            if std::fs::symlink_metadata(&layer_dir).is_ok() {
                return Err(format!("a failed extraction ({e}) published {}", layer_dir.display()));
            }
            clear(&e.to_string(), &["layer", &hex[..12]])?;
        }
    }
    Ok(())
}

#[test]
fn fuzz_tar() {
    fuzz("tar", (0u8..3, any::<bool>(), inputs(&corpus("tar"))).boxed(), |b| (0, false, b.to_vec()), check_tar);
    // The seeds again rootless, and wrapped in gzip and zstd.
    for (name, data) in corpus("tar") {
        for case in [(0, true, data.clone()), (1, false, data.clone()), (2, true, data.clone())] {
            if let Err(e) = super::bounded(case, check_tar) {
                panic!("corpus tar/{name}: {e}");
            }
        }
    }
}

/// A small blob that expands past the budget (a "zip bomb"), gzip and zstd:
/// refused, with the limit named, leaving nothing.
#[test]
fn fuzz_tar_bomb() {
    let mut b = ::tar::Builder::new(Vec::new());
    let mut h = ::tar::Header::new_gnu();
    h.set_size(4 * BUDGET);
    h.set_mode(0o644);
    h.set_uid(0);
    h.set_gid(0);
    h.set_mtime(0);
    h.set_cksum();
    b.append_data(&mut h, "zeros", std::io::repeat(0).take(4 * BUDGET)).unwrap();
    let tar = b.into_inner().unwrap();
    for mode in [0u8, 1, 2] {
        let r = super::bounded((mode, true, tar.clone()), check_tar);
        assert!(r.is_ok(), "mode {mode}: {r:?}");
        // check_tar accepts a refusal; this one must be refused.
        let blob = compress(mode, &tar);
        assert!(blob.len() < tar.len() || mode == 0);
        let dir = Scratch::new("bomb");
        let paths =
            StorePaths { root: dir.0.join("root"), runroot: dir.0.join("run"), driver: "vfs".into(), rootless: true, driver_notice: None };
        let digest = format!("sha256:{}", hex::encode(Sha256::digest(&blob)));
        let opts = ExtractOptions { squash_owners: true, rootless: true, max_size: Some(BUDGET), keep_kinds: false };
        let e = LayerStore::new(&paths).add_from_blob(&digest, None, std::io::Cursor::new(&blob), &opts).unwrap_err().to_string();
        assert!(e.contains("limit") || e.contains("larger") || e.contains("max_layer_size"), "mode {mode}: {e}");
    }
}
