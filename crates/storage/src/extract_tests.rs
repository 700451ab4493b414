//! Unit tests of extract.rs.

use super::*;
use crate::budget::BudgetReader;

#[test]
fn normalize_strips_and_refuses_escapes() {
    let n = |s: &str| normalize(s.as_bytes()).map(|v| rel_path(&v));
    assert_eq!(n("./a/b"), Some(PathBuf::from("a/b")));
    assert_eq!(n("/a//./b/"), Some(PathBuf::from("a/b")));
    assert_eq!(n("a/../b"), Some(PathBuf::from("b")));
    assert_eq!(n("./"), Some(PathBuf::new()));
    assert_eq!(n("../x"), None);
    assert_eq!(n("/abs/../../x"), None);
}

#[test]
fn pax_times() {
    let t = |s: &str| parse_pax_time(s.as_bytes()).map(|t| (t.tv_sec(), t.tv_nsec()));
    assert_eq!(t("1700000000"), Some((1700000000, 0)));
    assert_eq!(t("1700000000.5"), Some((1700000000, 500_000_000)));
    assert_eq!(t("-1.25"), Some((-2, 750_000_000)));
    assert_eq!(t("x"), None);
}

fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("sangja-extract-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn pax_header(records: &[(&str, &[u8])]) -> Vec<u8> {
    let mut data = Vec::new();
    for (k, v) in records {
        let rest = k.len() + v.len() + 3;
        let mut len = rest + rest.to_string().len();
        if len.to_string().len() != rest.to_string().len() {
            len = rest + len.to_string().len();
        }
        data.extend_from_slice(format!("{len} {k}=").as_bytes());
        data.extend_from_slice(v);
        data.push(b'\n');
    }
    data
}

/// A PAX 1.0 sparse file of `realsize` bytes: "hello" at 0, "world" at the end.
fn pax_sparse_tar(realsize: u64) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    let real = realsize.to_string();
    let pax = pax_header(&[
        ("GNU.sparse.major", b"1"),
        ("GNU.sparse.minor", b"0"),
        ("GNU.sparse.name", b"big"),
        ("GNU.sparse.realsize", real.as_bytes()),
    ]);
    let mut h = tar::Header::new_ustar();
    h.set_entry_type(EntryType::XHeader);
    h.set_path("PaxHeader").unwrap();
    h.set_size(pax.len() as u64);
    h.set_cksum();
    b.append(&h, &pax[..]).unwrap();
    let mut data = format!("2\n0\n5\n{}\n5\n", realsize - 5).into_bytes();
    data.resize(512, 0);
    data.extend_from_slice(b"helloworld");
    let mut h = tar::Header::new_ustar();
    h.set_path("GNUSparseFile.0/big").unwrap();
    h.set_size(data.len() as u64);
    h.set_mode(0o644);
    h.set_uid(0);
    h.set_gid(0);
    h.set_mtime(0);
    h.set_cksum();
    b.append(&h, &data[..]).unwrap();
    b.into_inner().unwrap()
}

#[test]
fn overlay_xattrs_are_not_for_layers() {
    assert!(!layer_xattr_allowed(b"trusted.overlay.opaque"));
    assert!(!layer_xattr_allowed(b"user.overlay.redirect"));
    assert!(!layer_xattr_allowed(b"trusted.overlay.overlay.x"));
    assert!(layer_xattr_allowed(b"security.capability"));
    assert!(layer_xattr_allowed(b"user.mime_type"));
    assert!(layer_xattr_allowed(b"trusted.other"));
}

#[test]
fn pax_sparse_keeps_holes() {
    use std::os::unix::fs::MetadataExt;
    let d = scratch("pax");
    let out = d.join("out");
    extract_tar(&pax_sparse_tar(1 << 30)[..], &out, &ExtractOptions::default()).unwrap();
    let f = out.join("big");
    let m = std::fs::metadata(&f).unwrap();
    assert_eq!(m.len(), 1 << 30);
    assert!(m.blocks() * 512 < 1 << 20, "holes written: {} blocks", m.blocks());
    let mut file = File::open(&f).unwrap();
    let mut buf = [0u8; 5];
    file.read_exact(&mut buf).unwrap();
    assert_eq!(&buf, b"hello");
    file.seek(SeekFrom::End(-5)).unwrap();
    file.read_exact(&mut buf).unwrap();
    assert_eq!(&buf, b"world");
    assert!(!out.join("GNUSparseFile.0").exists());
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn sparse_holes_count_against_the_limit() {
    let d = scratch("limit");
    let budget = SizeBudget::new(Some(1 << 30));
    let e = extract_tar_within(&pax_sparse_tar(1 << 40)[..], &d.join("out"), &ExtractOptions::default(), &budget).unwrap_err();
    assert!(budget.exceeded(), "{e}");
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn budget_reader_stops_at_the_limit() {
    let budget = SizeBudget::new(Some(1000));
    let mut r = BudgetReader::new(io::repeat(0).take(5000), &budget);
    let e = io::copy(&mut r, &mut io::sink()).unwrap_err();
    assert!(budget.exceeded() && e.to_string().contains("limit"));
    let budget = SizeBudget::new(Some(5000));
    io::copy(&mut BudgetReader::new(io::repeat(0).take(5000), &budget), &mut io::sink()).unwrap();
    assert!(!budget.exceeded());
}

#[test]
fn gnu_sparse_keeps_holes() {
    use std::os::unix::fs::MetadataExt;
    let d = scratch("gnu");
    let src = d.join("src");
    {
        let mut f = File::create(&src).unwrap();
        f.write_all(&[b'a'; 4096]).unwrap();
        f.set_len(1 << 30).unwrap();
    }
    let mut b = tar::Builder::new(Vec::new());
    b.sparse(true);
    b.append_file("big", &mut File::open(&src).unwrap()).unwrap();
    let tar = b.into_inner().unwrap();
    assert!(tar.len() < 64 << 10);
    let out = d.join("out");
    extract_tar(&tar[..], &out, &ExtractOptions::default()).unwrap();
    let m = std::fs::metadata(out.join("big")).unwrap();
    assert_eq!(m.len(), 1 << 30);
    assert!(m.blocks() * 512 < 1 << 20, "holes written: {} blocks", m.blocks());
    let _ = std::fs::remove_dir_all(&d);
}
