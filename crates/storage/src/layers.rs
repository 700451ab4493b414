//! Content-addressed layer store: layers/<hex of the blob digest>/{diff/,layer.json}.
//!
//! A layer exists iff its layer.json exists. It is extracted into a temp folder
//! tmp/layer-<pid>-<rand>, verified, given its layer.json and renamed into place,
//! so a kill -9 at any instant leaves either nothing or a whole layer at
//! layers/<hex>; removal renames the layer to tmp/rm-* before deleting it.
//! Pull's publish order: blob verified while extracting into tmp/layer-*,
//! syncfs, layer.json, rename into place (crash points `layer-extracted`,
//! `layer-published`), then the image record (image store.rs
//! `save_pulled`, `pull-recorded`). A layer published but listed by no
//! record is reused by the next pull of it, or removed by `system check`.
//!
//! Locks and sweeping (one scheme, no store lock needed):
//! - layers/<hex>.lock, exclusive, serialises adding and removing one layer
//!   across processes; the loser of a race finds the layer present and reuses it.
//! - tmp/.layers.lock: every extraction holds it *shared* from before its
//!   layer-* folder is created until that folder is renamed away or removed.
//!   `sweep` takes it with try_exclusive: if it gets it, no extraction is running
//!   anywhere, so every layer-* folder is a dead one; if not, it leaves layer-*
//!   folders for a later sweep. rm-* folders are garbage by definition (moved
//!   there to be deleted) and are removed whenever seen; two deleters of one
//!   tree tolerate each other. So `sweep` is safe to call at any time.

use super::digest::{read_head, sha256_hex, Compression, HashingReader};
use super::overlay::remove_tree;
use crate::error::{Error, IoContext, Result};
use crate::lock;
use crate::paths::{make_temp_dir, StorePaths};
use serde::{Deserialize, Serialize};
use std::fs::{self, File};
use std::io::{self, Read};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use super::budget::{BudgetReader, SizeBudget};
pub use super::extract::extract_tar;
use super::extract::extract_tar_split;
pub use super::tarsplit::TarCheck;
pub use super::tarsplit::TarReader;
use super::tarsplit::{Split, SplitReader};

/// Lock held shared by extractions, tried exclusively by `sweep` (see the module comment).
pub(crate) const TMP_LOCK: &str = ".layers.lock";

/// Metadata kept beside each extracted layer in layers/<hex>/layer.json.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct LayerInfo {
    /// Digest of the blob as the registry serves it (compressed), "sha256:<hex>".
    pub digest: String,
    /// Digest of the uncompressed tar (the image config's rootfs.diff_ids entry).
    pub diff_id: String,
    /// Size of the compressed blob in bytes.
    pub compressed_size: u64,
    /// Total bytes of regular file content in the layer.
    pub size: u64,
    /// The uncompressed tar's CRC-32 and length (tarsplit.rs); absent in
    /// layers stored by an older sangja, whose tar is checked by its sha256.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tar_check: Option<TarCheck>,
}

/// How to extract a layer.
#[derive(Debug, Clone, Default)]
pub struct ExtractOptions {
    /// Ignore owners in the tar (everything owned by root): rootless without a subuid range.
    pub squash_owners: bool,
    /// The store is rootless: opaque dirs use user.overlay.opaque, device nodes are skipped.
    pub rootless: bool,
    /// Largest expanded size of a layer in bytes (`add_from_blob`: the
    /// decompressed stream plus sparse holes); `None`: unbounded (our own data).
    pub max_size: Option<u64>,
    /// An entry never replaces a directory with a non-directory, or a
    /// non-directory with a directory: the extraction stops with an error
    /// naming both (docker cp's noOverwriteDirNonDir). Layers: false.
    pub keep_kinds: bool,
}

/// The layer store of one `StorePaths`.
pub struct LayerStore<'a> {
    pub paths: &'a StorePaths,
}

impl<'a> LayerStore<'a> {
    /// A view of the layers of `paths`.
    pub fn new(paths: &'a StorePaths) -> Self {
        LayerStore { paths }
    }
    /// The folder used as an overlay lowerdir for a layer.
    pub fn diff_dir(&self, digest: &str) -> PathBuf {
        let hex = digest.split_once(':').map(|(_, h)| h).unwrap_or(digest);
        self.paths.layers_dir().join(hex).join("diff")
    }
    fn layer_dir(&self, hex: &str) -> PathBuf {
        self.paths.layers_dir().join(hex)
    }
    /// Whether a layer is present and whole.
    pub fn has(&self, digest: &str) -> bool {
        match sha256_hex("layer digest", digest) {
            Ok(hex) => self.layer_dir(hex).join("layer.json").is_file(),
            Err(_) => false,
        }
    }
    /// Reads a present layer's metadata.
    pub fn info(&self, digest: &str) -> Result<LayerInfo> {
        let hex = sha256_hex("layer digest", digest)?;
        let path = self.layer_dir(hex).join("layer.json");
        crate::json_file::read_opt(&path)?.ok_or_else(|| Error::Layer(format!("layer {digest} is not in the store: pull its image again")))
    }
    /// All whole layers in the store.
    pub fn list(&self) -> Result<Vec<LayerInfo>> {
        let dir = self.paths.layers_dir();
        let mut out = Vec::new();
        for name in crate::paths::entry_names(&dir)? {
            let digest = format!("sha256:{name}");
            if sha256_hex("layer digest", &digest).is_ok() && self.has(&digest) {
                out.push(self.info(&digest)?);
            }
        }
        out.sort_by(|a, b| a.digest.cmp(&b.digest));
        Ok(out)
    }
    /// Streams a compressed blob into a new layer: verifies `digest` over the
    /// raw bytes and `diff_id` (if given) over the decompressed tar, and
    /// publishes the layer by rename only when whole and verified.
    pub fn add_from_blob<R: Read>(&self, digest: &str, diff_id: Option<&str>, blob: R, opts: &ExtractOptions) -> Result<LayerInfo> {
        let hex = sha256_hex("layer digest", digest)?;
        if let Some(d) = diff_id {
            sha256_hex("layer diff_id", d)?;
        }
        let layers = self.paths.layers_dir();
        let tmp = self.paths.tmp_dir();
        for d in [&layers, &tmp] {
            fs::create_dir_all(d).path_ctx("create", d)?;
        }
        let _layer_lock = lock::exclusive(&layers.join(format!("{hex}.lock")))?;
        if self.has(digest) {
            return self.info(digest);
        }
        let _tmp_lock = lock::shared(&tmp.join(TMP_LOCK))?;
        let work = make_temp_dir(&tmp, "layer")?;
        let result = self.extract_and_publish(&work, hex, digest, diff_id, blob, opts);
        if result.is_err() {
            // Best effort: a leftover is swept later; the extraction error matters more.
            let _ = remove_tree(&work);
        }
        result
    }

    fn extract_and_publish<R: Read>(
        &self,
        work: &Path,
        hex: &str,
        digest: &str,
        diff_id: Option<&str>,
        blob: R,
        opts: &ExtractOptions,
    ) -> Result<LayerInfo> {
        let read_what = || format!("read layer {digest}");
        let mut raw = HashingReader::new(blob);
        let head = read_head(&mut raw, 4).ctx(read_what)?;
        let compression = Compression::sniff(&head);
        let src = io::Cursor::new(head).chain(&mut raw);
        let budget = SizeBudget::new(opts.max_size);
        let unpacked = match compression {
            Compression::Gzip => unpack(flate2::read::MultiGzDecoder::new(src), work, opts, &budget),
            Compression::Zstd => zstd::Decoder::new(src).ctx(read_what).and_then(|d| unpack(d, work, opts, &budget)),
            Compression::None => unpack(src, work, opts, &budget),
        };
        if budget.exceeded() {
            // Whatever error the limit surfaced as (a failed read, a refused entry), the limit is the cause.
            return Err(size_limit_error(digest, budget.max().unwrap_or(0)));
        }
        // The digests must cover every byte the registry sent, trailing padding included.
        let drained = io::copy(&mut raw, &mut io::sink()).ctx(read_what);
        let blob_ok = || -> Result<()> {
            let actual = raw.digest();
            if actual != digest {
                return Err(Error::DigestMismatch { what: "layer blob".into(), expected: digest.into(), actual });
            }
            Ok(())
        };
        let (size, actual_diff_id, tar_check) = match unpacked {
            // Tampered bytes often show up as a broken or hostile tar: say what really happened.
            Err(e) => return Err(if drained.is_ok() { blob_ok().err().unwrap_or(e) } else { e }),
            Ok(v) => v,
        };
        drained?;
        blob_ok()?;
        if let Some(expected) = diff_id {
            if actual_diff_id != expected {
                return Err(Error::DigestMismatch { what: "layer diff_id".into(), expected: expected.into(), actual: actual_diff_id });
            }
        }
        let info = LayerInfo {
            digest: digest.to_string(),
            diff_id: actual_diff_id,
            compressed_size: raw.count(),
            size,
            tar_check: Some(tar_check),
        };
        // On disk before it becomes visible: after a power cut a published layer must
        // not hold empty files. One syncfs is far cheaper than an fsync per file.
        let dir = File::open(work).path_ctx("open", work)?;
        nix::unistd::syncfs(&dir).path_ctx("sync the file system of", work)?;
        crate::json_file::write(&work.join("layer.json"), &info)?;
        crate::crash::crash_point("layer-extracted");

        let layers = self.paths.layers_dir();
        let dest = layers.join(hex);
        if fs::symlink_metadata(&dest).is_ok() {
            // Not a layer (no layer.json, checked under the lock): something left by hand.
            self.discard(&dest)?;
        }
        fs::rename(work, &dest).path_ctx("publish layer", &dest)?;
        crate::json_file::sync_dir(&layers)?;
        // Published, listed by no image yet: the pull or commit that made it
        // writes the record next; if it dies first, `system check` finds a
        // layer no image lists.
        crate::crash::crash_point("layer-published");
        Ok(info)
    }

    /// The layer's original uncompressed tar (whose sha256 is its diff_id),
    /// rebuilt from its tar-split record and diff/; the reader fails at its end
    /// if the bytes do not match the diff_id (the layer changed on disk).
    pub fn open_tar(&self, digest: &str) -> Result<TarReader> {
        let info = self.info(digest)?;
        let hex = sha256_hex("layer digest", digest)?;
        TarReader::open(&self.layer_dir(hex), digest, &info.diff_id, info.tar_check)
    }

    /// The length of the layer's uncompressed tar (podman's layer size), from its tar-split record.
    pub fn tar_size(&self, digest: &str) -> Result<u64> {
        let hex = sha256_hex("layer digest", digest)?;
        super::tarsplit::tar_len(&self.layer_dir(hex))
    }

    /// Whether a layer has the record `open_tar` needs (layers stored by an
    /// older sangja have none).
    pub fn has_tar_split(&self, digest: &str) -> bool {
        sha256_hex("layer digest", digest).is_ok_and(|hex| self.layer_dir(hex).join(super::tarsplit::SPLIT_FILE).is_file())
    }

    /// Removes a layer (used by rmi when no image needs it any more); a missing layer is fine.
    pub fn remove(&self, digest: &str) -> Result<()> {
        let hex = sha256_hex("layer digest", digest)?;
        let layers = self.paths.layers_dir();
        if !layers.exists() {
            return Ok(());
        }
        // The lock file stays: unlinking it could let a waiter and a newcomer both "hold" it.
        let _layer_lock = lock::exclusive(&layers.join(format!("{hex}.lock")))?;
        let dest = layers.join(hex);
        if fs::symlink_metadata(&dest).is_err() {
            return Ok(());
        }
        self.discard(&dest)?;
        crate::json_file::sync_dir(&layers)
    }

    /// Moves `path` to tmp/rm-* in one rename, then deletes it there.
    fn discard(&self, path: &Path) -> Result<()> {
        if !fs::symlink_metadata(path).path_ctx("inspect", path)?.is_dir() {
            return fs::remove_file(path).path_ctx("remove", path);
        }
        let tmp = self.paths.tmp_dir();
        fs::create_dir_all(&tmp).path_ctx("create", &tmp)?;
        // rename(2) may replace an empty folder, which gives us a fresh unique name.
        let aside = make_temp_dir(&tmp, "rm-layer")?;
        fs::rename(path, &aside).path_ctx("move away", path)?;
        remove_tree(&aside)
    }

    /// Removes leftovers of interrupted work in the temp folder; safe at any time
    /// (see the module comment for why). Called by the engine's recovery
    /// (engine/recover.rs) at create, rm, rmi and pull: one readdir of tmp/
    /// and a lock try when there is nothing to do.
    pub fn sweep(&self) -> Result<()> {
        let tmp = self.paths.tmp_dir();
        if !tmp.is_dir() {
            return Ok(());
        }
        let idle = lock::try_exclusive(&tmp.join(TMP_LOCK))?;
        let rd = fs::read_dir(&tmp).path_ctx("list", &tmp)?;
        let mut first_err = None;
        for e in rd {
            let e = e.path_ctx("list", &tmp)?;
            let name = e.file_name().to_string_lossy().into_owned();
            let dead = name.starts_with("rm-") || (idle.is_some() && name.starts_with("layer-"));
            if dead {
                if let Err(err) = remove_tree(&e.path()) {
                    first_err.get_or_insert(err);
                }
            }
        }
        drop(idle);
        first_err.map_or(Ok(()), Err)
    }
}

/// The mode of a layer's root when its tar has no `./` entry (podman's).
pub const DEFAULT_ROOT_MODE: u32 = 0o555;

/// Decompressed stream → tar extraction into `work`/diff, recording the
/// tar-split beside it (tarsplit.rs); returns (file bytes, diff_id, the tar's check).
fn unpack<D: Read>(decoded: D, work: &Path, opts: &ExtractOptions, budget: &SizeBudget) -> Result<(u64, String, TarCheck)> {
    // The budget sits under the hash: the drain of trailing padding below is bounded too.
    let split = Split::create(work)?;
    let mut plain = SplitReader::new(HashingReader::new(BudgetReader::new(decoded, budget)), split.clone());
    // The layer's root is 0555 unless its tar has a `./` entry, as
    // containers/storage makes it (a container's `/` shows it).
    let diff = work.join("diff");
    fs::create_dir_all(&diff).path_ctx("create", &diff)?;
    fs::set_permissions(&diff, fs::Permissions::from_mode(DEFAULT_ROOT_MODE)).path_ctx("chmod", &diff)?;
    let size = extract_tar_split(&mut plain, &diff, opts, budget, split.clone())?;
    // Past the tar's end-of-archive blocks there may be padding: the diff_id covers it (and the tar-split).
    io::copy(&mut plain, &mut io::sink()).ctx(|| "read the layer's tar stream".to_string())?;
    let check = split.borrow_mut().finish()?;
    Ok((size, plain.inner().digest(), check))
}

/// The refusal of a layer past the size limit: names the limit and how to raise it.
pub fn size_limit_error(digest: &str, max: u64) -> Error {
    let short = digest.trim_start_matches("sha256:").get(..12).unwrap_or(digest);
    Error::Layer(format!(
        "layer sha256:{short} expands to more than {}, the limit on a layer's expanded size \
         ([storage] max_layer_size in sangja.conf, now \"{}\"): refusing it as a possible \
         decompression bomb; if the image is genuine, raise max_layer_size in sangja.conf \
         ($SANGJA_CONF, else ~/.config/sangja/sangja.conf rootless, /etc/sangja/sangja.conf as root)",
        crate::config::settings::human_size(max),
        crate::config::settings::human_size(max).replace(' ', "")
    ))
}
