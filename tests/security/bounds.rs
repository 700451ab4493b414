//! Resource bounds on what comes from a registry (issue 14): a manifest or
//! config over 4 MiB is refused (podman's bound), a layer that expands past
//! `[storage] max_layer_size` of sangja.conf is refused naming that key and
//! leaves nothing behind, and a sparse entry keeps its holes (a 1 TiB one is
//! refused at once by its apparent size, never written out).

#[allow(unused_imports)]
use crate::helpers::*;
#[allow(unused_imports)]
use crate::util::*;

#[path = "registry.rs"]
pub mod registry;

use registry::{gzip, sha256, Image, Response, Server, Tar};
use std::fs;
use std::io::Write;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Serves `img` under every name.
pub fn serve(img: Image) -> Server {
    Server::start(move |r| {
        img.answer(r).unwrap_or_else(|| Response::json(404, "{\"errors\":[{\"code\":\"NAME_UNKNOWN\",\"message\":\"no\"}]}"))
    })
}

/// Runs `sangja ARGS` with extra environment variables.
pub fn run_env(s: &Sangja, env: &[(&str, &Path)], args: &[&str]) -> Out {
    let mut cmd: Command = s.command(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let vars: Vec<String> = env.iter().map(|(k, v)| format!("{k}={}", v.display())).collect();
    wait_output(spawn_retry(&mut cmd), format!("{} sangja {}", vars.join(" "), args.join(" ")), None, TIMEOUT)
}

/// Writes a file the test's user can read.
pub fn write_conf(s: &Sangja, name: &str, text: &str) -> PathBuf {
    let p = s.dir.join(name);
    fs::write(&p, text).unwrap();
    fs::set_permissions(&p, fs::Permissions::from_mode(0o644)).unwrap();
    p
}

/// Nothing of a refused pull may remain in the store.
#[track_caller]
fn assert_nothing_left(s: &Sangja) {
    assert_eq!(s.tmp_entries(), Vec::<String>::new(), "nothing left in {}/tmp", s.root.display());
    assert_eq!(s.layer_entries(), Vec::<String>::new(), "no layer left in {}", s.layers_dir().display());
    assert_eq!(s.image_ids(), Vec::<String>::new(), "no image recorded");
}

fn small_layer() -> Vec<u8> {
    Tar::new().file("hello.txt", b"hello\n").finish()
}

both! {
    /// A 5 MiB manifest is refused with the 4 MiB cap named; so is a 5 MiB config.
    fn manifest_and_config_over_cap_refused(s) {
        let reg = serve(Image::new(&[small_layer()], 5 << 20));
        let out = s.run(&["pull", "--tls-verify=false", &format!("{}/big:latest", reg.host())]).code(125);
        out.stderr_has("larger than 4 MiB").stderr_has("manifest");
        assert_nothing_left(s);

        let l = small_layer();
        let reg = serve(Image::build(vec![(gzip(&l), sha256(&l))], 0, 5 << 20));
        let out = s.run(&["pull", "--tls-verify=false", &format!("{}/bigconfig:latest", reg.host())]).code(125);
        out.stderr_has("larger than 4 MiB").stderr_has("config");
        assert_nothing_left(s);

        // Just under the cap is fine: the bound is not a hair trigger.
        let reg = serve(Image::new(&[small_layer()], (4 << 20) - 4096));
        s.ok(&["pull", "-q", "--tls-verify=false", &format!("{}/fine:latest", reg.host())]);
    }
}

/// A gzip layer of one file of `size` zero bytes, streamed through the
/// compressor (never whole in memory); returns (blob, diff_id).
fn zero_bomb(size: u64) -> (Vec<u8>, String) {
    // best: zlib-rs (the workspace's gzip backend) at level 1 packs zeros ~100:1 only.
    zero_bomb_with(size, flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best()), |gz| gz.finish().unwrap())
}

/// The same bomb in zstd, whose ratio on zeros is far beyond gzip's ~1000:1.
fn zstd_bomb(size: u64) -> (Vec<u8>, String) {
    zero_bomb_with(size, zstd::stream::write::Encoder::new(Vec::new(), 3).unwrap(), |z| z.finish().unwrap())
}

fn zero_bomb_with<W: Write>(size: u64, out: W, finish: impl FnOnce(W) -> Vec<u8>) -> (Vec<u8>, String) {
    use sha2::Digest;
    struct Both<W: Write> {
        gz: W,
        hash: sha2::Sha256,
    }
    impl<W: Write> Write for Both<W> {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.hash.update(b);
            self.gz.write_all(b)?;
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            self.gz.flush()
        }
    }
    let mut w = Both { gz: out, hash: sha2::Sha256::new() };
    let mut h = tar::Header::new_ustar();
    h.set_path("zeros").unwrap();
    h.set_size(size);
    h.set_mode(0o644);
    h.set_uid(0);
    h.set_gid(0);
    h.set_mtime(1_700_000_000);
    h.set_cksum();
    w.write_all(h.as_bytes()).unwrap();
    let chunk = vec![0u8; 1 << 20];
    let mut left = size;
    while left > 0 {
        let n = left.min(chunk.len() as u64) as usize;
        w.write_all(&chunk[..n]).unwrap();
        left -= n as u64;
    }
    // Pad to the block, then the two end-of-archive blocks.
    let pad = (512 - (size % 512) as usize) % 512;
    w.write_all(&vec![0u8; pad + 1024]).unwrap();
    let diff_id = format!("sha256:{}", hex::encode(w.hash.finalize()));
    (finish(w.gz), diff_id)
}

both! {
    /// A gzip bomb (256 MiB of zeros in ~250 KiB) against a 32 MiB limit set in
    /// sangja.conf: refused naming the limit and the key, the store left clean.
    fn gzip_bomb_refused(s) {
        let (blob, diff_id) = zero_bomb(256 << 20);
        assert!(blob.len() < 2 << 20, "the bomb is small on the wire: {} bytes", blob.len());
        let bomb_file = s.dir.join("bomb.tar.gz");
        fs::write(&bomb_file, &blob).unwrap();
        fs::set_permissions(&bomb_file, fs::Permissions::from_mode(0o644)).unwrap();
        let reg = serve(Image::from_blobs(vec![(blob, diff_id)], 0));
        let conf = write_conf(s, "sangja.conf", "[storage]\nmax_layer_size = \"32MiB\"\n");
        let images_before = s.image_ids();
        let out = run_env(s, &[("SANGJA_CONF", &conf)], &["pull", "--tls-verify=false", &format!("{}/bomb:latest", reg.host())]).code(125);
        out.stderr_has("32 MiB").stderr_has("max_layer_size");
        assert_eq!(s.image_ids(), images_before, "images unchanged");
        assert_nothing_left(s);

        // zstd: the same bound, on the decompressed stream whatever the codec.
        let (blob, diff_id) = zstd_bomb(256 << 20);
        assert!(blob.len() < 1 << 20, "the zstd bomb is tiny: {} bytes", blob.len());
        let reg = serve(Image::from_blobs(vec![(blob, diff_id)], 0));
        let out = run_env(s, &[("SANGJA_CONF", &conf)], &["pull", "--tls-verify=false", &format!("{}/zbomb:latest", reg.host())]).code(125);
        out.stderr_has("32 MiB").stderr_has("max_layer_size");
        assert_nothing_left(s);

        // `import` of the same bomb from a file is bounded the same way.
        let out = run_env(s, &[("SANGJA_CONF", &conf)], &["import", bomb_file.to_str().unwrap(), "bomb:imported"]).code(125);
        out.stderr_has("32 MiB").stderr_has("max_layer_size");
        assert_nothing_left(s);
    }
}

/// A layer whose one entry is a GNU sparse file of `size` bytes with 4 KiB of
/// data at its start and at its end; returns the tar.
fn sparse_layer(dir: &Path, size: u64) -> Vec<u8> {
    let path = dir.join(format!("sparse-{size}"));
    {
        let mut f = fs::File::create(&path).unwrap();
        f.write_all(&[b'a'; 4096]).unwrap();
        f.set_len(size).unwrap();
        use std::io::{Seek, SeekFrom};
        f.seek(SeekFrom::Start(size - 4096)).unwrap();
        f.write_all(&[b'z'; 4096]).unwrap();
    }
    let mut t = Tar::new();
    let b = t.builder();
    b.sparse(true);
    b.append_file("big.img", &mut fs::File::open(&path).unwrap()).unwrap();
    fs::remove_file(&path).unwrap();
    let tar = t.finish();
    assert!(tar.len() < 1 << 20, "the sparse tar holds only its data: {} bytes", tar.len());
    tar
}

both! {
    /// A 4 GiB sparse entry is extracted as a hole (its apparent size intact,
    /// a few KiB on disk); a 1 TiB one is refused at once by its apparent size
    /// against the limit, writing nothing.
    fn sparse_entries_stay_holes(s) {
        let tar = sparse_layer(&s.dir, 4 << 30);
        let reg = serve(Image::new(std::slice::from_ref(&tar), 0));
        s.ok(&["pull", "-q", "--tls-verify=false", &format!("{}/sparse:latest", reg.host())]);
        let layers = s.layer_entries();
        assert_eq!(layers.len(), 1, "{layers:?}");
        let file = s.layers_dir().join(&layers[0]).join("diff/big.img");
        let meta = fs::metadata(&file).unwrap();
        assert_eq!(meta.len(), 4 << 30, "apparent size kept");
        assert!(meta.blocks() * 512 < 1 << 20, "{} uses {} bytes on disk: the holes were written out", file.display(), meta.blocks() * 512);
        {
            use std::io::{Read, Seek, SeekFrom};
            let mut f = fs::File::open(&file).unwrap();
            let mut buf = vec![0u8; 4096];
            f.read_exact(&mut buf).unwrap();
            assert!(buf.iter().all(|b| *b == b'a'), "the data at the start is there");
            f.seek(SeekFrom::Start((2 << 30) - 100)).unwrap();
            f.read_exact(&mut buf).unwrap();
            assert!(buf.iter().all(|b| *b == 0), "the hole reads as zeros");
            f.seek(SeekFrom::End(-4096)).unwrap();
            f.read_exact(&mut buf).unwrap();
            assert!(buf.iter().all(|b| *b == b'z'), "the data at the end is there");
        }
        drop(reg);

        let tar = sparse_layer(&s.dir, 1 << 40);
        let reg = serve(Image::new(&[tar], 0));
        let start = std::time::Instant::now();
        let out = s.run(&["pull", "--tls-verify=false", &format!("{}/tib:latest", reg.host())]).code(125);
        out.stderr_has("max_layer_size").stderr_has("64 GiB");
        assert!(start.elapsed() < std::time::Duration::from_secs(30), "refused at once, not after walking the hole");
        assert_eq!(s.tmp_entries(), Vec::<String>::new());
        assert_eq!(s.layer_entries().len(), 1, "only the first image's layer");
    }
}
