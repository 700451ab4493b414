//! Tests of the image records: lookup rules, names moving between images, removal.

use super::*;
use crate::storage::layers::ExtractOptions;
use sha2::Digest as _;

struct TempStore {
    dir: PathBuf,
    paths: StorePaths,
}

impl Drop for TempStore {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn temp_store(tag: &str) -> TempStore {
    let dir = std::env::temp_dir().join(format!("sangja-imgstore-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let paths = StorePaths::new(Some(dir.join("root")), Some(dir.join("run")), None).unwrap();
    paths.ensure().unwrap();
    TempStore { dir, paths }
}

fn id(n: u8) -> String {
    format!("{:02x}", n).repeat(32)
}

fn rec(n: u8, names: &[&str], created: &str) -> ImageRecord {
    ImageRecord {
        id: id(n),
        names: names.iter().map(|s| s.to_string()).collect(),
        digest: format!("sha256:{}", format!("{:02x}", n + 100).repeat(32)),
        created: Some(created.to_string()),
        ..Default::default()
    }
}

/// A one-file plain tar as a layer blob, and its digest.
fn layer_blob(content: &str) -> (Vec<u8>, String) {
    let mut b = tar::Builder::new(Vec::new());
    let mut h = tar::Header::new_gnu();
    h.set_size(content.len() as u64);
    h.set_mode(0o644);
    h.set_uid(0);
    h.set_gid(0);
    h.set_mtime(0);
    h.set_cksum();
    b.append_data(&mut h, "file.txt", content.as_bytes()).unwrap();
    let data = b.into_inner().unwrap();
    let d = format!("sha256:{}", hex::encode(sha2::Sha256::digest(&data)));
    (data, d)
}

fn add_layer(paths: &StorePaths, content: &str) -> String {
    let (data, d) = layer_blob(content);
    LayerStore::new(paths).add_from_blob(&d, None, &data[..], &ExtractOptions::default()).unwrap();
    d
}

const T1: &str = "2024-01-01T00:00:00Z";
const T2: &str = "2024-06-01T00:00:00+02:00";
const T3: &str = "2025-01-01T00:00:00Z";

#[test]
fn list_newest_first() {
    let t = temp_store("list");
    let s = ImageStore::new(&t.paths);
    assert!(s.list().unwrap().is_empty());
    s.save(&rec(1, &["docker.io/library/a:latest"], T2)).unwrap();
    s.save(&rec(2, &["docker.io/library/b:latest"], T3)).unwrap();
    s.save(&rec(3, &["docker.io/library/c:latest"], T1)).unwrap();
    let ids: Vec<String> = s.list().unwrap().into_iter().map(|r| r.id).collect();
    assert_eq!(ids, [id(2), id(1), id(3)]);
    // A leftover temp file of an interrupted write is not an image.
    std::fs::write(t.paths.images_dir().join(".tmp-1-x.json"), "{").unwrap();
    assert_eq!(s.list().unwrap().len(), 3);
}

#[test]
fn lookup_rules() {
    let t = temp_store("lookup");
    let s = ImageStore::new(&t.paths);
    s.save(&rec(0xab, &["127.0.0.1:5000/busybox:latest"], T1)).unwrap();
    s.save(&rec(0xac, &["docker.io/library/alpine:3.20", "quay.io/x/tool:1"], T2)).unwrap();
    let found = |q: &str| s.lookup(q).map(|r| r.id).map_err(|e| e.to_string());
    assert_eq!(found("127.0.0.1:5000/busybox:latest"), Ok(id(0xab)));
    assert_eq!(found("127.0.0.1:5000/busybox"), Ok(id(0xab)));
    assert_eq!(found("busybox"), Ok(id(0xab)));
    assert_eq!(found("busybox:latest"), Ok(id(0xab)));
    assert_eq!(found("localhost/busybox"), Ok(id(0xab)));
    assert_eq!(found("alpine:3.20"), Ok(id(0xac)));
    assert_eq!(found("docker.io/alpine:3.20"), Ok(id(0xac)));
    assert_eq!(found("tool:1"), Ok(id(0xac)));
    assert_eq!(found("x/tool:1"), Ok(id(0xac)));
    assert_eq!(found(&id(0xac)), Ok(id(0xac)));
    assert_eq!(found(&format!("sha256:{}", id(0xac))), Ok(id(0xac)));
    assert_eq!(found("acacac"), Ok(id(0xac)));
    assert_eq!(found("sha256:abab"), Ok(id(0xab)));
    // Not found: a missing tag, another registry, a too short prefix.
    for q in ["alpine", "busybox:1", "quay.io/busybox", "ab", "ffff", "y/tool:1"] {
        assert!(matches!(s.lookup(q), Err(Error::ImageNotFound(ref n)) if n == q), "{q}");
    }
    assert!(found("Busybox").unwrap_err().contains("lowercase"));
}

#[test]
fn ambiguous_lookups() {
    let t = temp_store("ambig");
    let s = ImageStore::new(&t.paths);
    let mut a = rec(1, &["127.0.0.1:5000/busybox:latest"], T1);
    a.id = format!("abc1{}", &id(1)[4..]);
    let mut b = rec(2, &["quay.io/busybox:latest"], T2);
    b.id = format!("abc2{}", &id(2)[4..]);
    s.save(&a).unwrap();
    s.save(&b).unwrap();
    let e = s.lookup("abc").unwrap_err().to_string();
    assert!(e.contains("ambiguous"), "{e}");
    assert_eq!(s.lookup("abc2").unwrap().id, b.id);
    let images = s.list().unwrap();
    let none = || Vec::new();
    let e = find(&images, "busybox", &none).unwrap_err().to_string();
    assert!(e.contains("several images") && e.contains("quay.io/busybox:latest"), "{e}");
    let order = || vec!["docker.io".to_string(), "quay.io".to_string(), "127.0.0.1:5000".to_string()];
    let i = find(&images, "busybox", &order).unwrap().unwrap();
    assert_eq!(images[i].id, b.id);
    // The exact normalised name wins over short matches.
    s.save(&rec(3, &["docker.io/library/busybox:latest"], T3)).unwrap();
    assert_eq!(s.lookup("busybox").unwrap().id, id(3));
}

#[test]
fn lookup_by_digest() {
    let t = temp_store("digest");
    let s = ImageStore::new(&t.paths);
    let mut r = rec(7, &[], T1);
    let list_digest = format!("sha256:{}", "e".repeat(64));
    r.repo_digests = vec![format!("127.0.0.1:5000/busybox@{}", r.digest), format!("127.0.0.1:5000/busybox@{list_digest}")];
    s.save(&r).unwrap();
    for q in [
        format!("127.0.0.1:5000/busybox@{}", r.digest),
        format!("127.0.0.1:5000/busybox@{list_digest}"),
        format!("busybox@{}", r.digest),
        format!("busybox@{list_digest}"),
    ] {
        assert_eq!(s.lookup(&q).unwrap().id, id(7), "{q}");
    }
    assert!(s.lookup(&format!("other@{}", r.digest)).is_err());
    assert!(s.lookup(&format!("quay.io/busybox@{}", r.digest)).is_err());
}

#[test]
fn names_move_between_images() {
    let t = temp_store("names");
    let s = ImageStore::new(&t.paths);
    s.save(&rec(1, &["docker.io/library/app:latest", "docker.io/library/app:v1"], T1)).unwrap();
    s.save(&rec(2, &["docker.io/library/app:latest"], T2)).unwrap();
    let old = s.get(&id(1)).unwrap().unwrap();
    assert_eq!(old.names, ["docker.io/library/app:v1"]);
    s.save(&rec(3, &["docker.io/library/app:v1"], T3)).unwrap();
    // The old image stays, dangling, as podman's <none>.
    assert!(s.get(&id(1)).unwrap().unwrap().names.is_empty());
    assert_eq!(s.lookup("app").unwrap().id, id(2));

    s.add_name(&id(2), "app:v2").unwrap();
    s.add_name(&id(1), "localhost/app:v2").unwrap();
    assert_eq!(s.get(&id(2)).unwrap().unwrap().names, ["docker.io/library/app:latest", "docker.io/library/app:v2"]);
    // add_name takes the name from its holder.
    s.add_name(&id(1), "app:latest").unwrap();
    assert_eq!(s.get(&id(2)).unwrap().unwrap().names, ["docker.io/library/app:v2"]);
    assert!(s.add_name(&id(1), "Bad").is_err());
    s.untag(&id(1), "app").unwrap();
    assert_eq!(s.get(&id(1)).unwrap().unwrap().names, ["localhost/app:v2"]);
    assert!(matches!(s.untag(&id(1), "app:nope"), Err(Error::ImageNotFound(_))));
}

#[test]
fn remove_collects_unused_layers() {
    let t = temp_store("remove");
    let s = ImageStore::new(&t.paths);
    let layers = LayerStore::new(&t.paths);
    let shared = add_layer(&t.paths, "shared");
    let only_a = add_layer(&t.paths, "only a");
    let only_b = add_layer(&t.paths, "only b");
    let mut a = rec(1, &["localhost/a:latest"], T1);
    a.layers = vec![shared.clone(), only_a.clone()];
    let mut b = rec(2, &["localhost/b:latest"], T2);
    b.layers = vec![shared.clone(), only_b.clone()];
    s.save(&a).unwrap();
    s.save(&b).unwrap();
    let cfg = t.paths.blob_path(&format!("sha256:{}", a.id));
    std::fs::create_dir_all(cfg.parent().unwrap()).unwrap();
    std::fs::write(&cfg, "{}").unwrap();
    std::fs::write(t.paths.blob_path(&a.digest), "{}").unwrap();

    s.remove(&a.id).unwrap();
    assert!(s.get(&a.id).unwrap().is_none());
    assert!(!layers.has(&only_a));
    assert!(layers.has(&shared) && layers.has(&only_b));
    assert!(!cfg.exists() && !t.paths.blob_path(&a.digest).exists());
    assert!(matches!(s.remove(&a.id), Err(Error::ImageNotFound(_))));

    // By id prefix too.
    s.remove(&b.id[..8]).unwrap();
    assert!(!layers.has(&shared) && !layers.has(&only_b));
    assert!(s.list().unwrap().is_empty());
}

#[test]
fn save_pulled_merges_and_checks_layers() {
    let t = temp_store("pulled");
    let s = ImageStore::new(&t.paths);
    let l1 = add_layer(&t.paths, "one");
    let l2 = add_layer(&t.paths, "two");
    let mut r = rec(5, &["127.0.0.1:5000/x:1"], T1);
    r.layers = vec![l1.clone(), l2.clone()];
    r.repo_digests = vec![format!("127.0.0.1:5000/x@{}", r.digest)];
    s.save_pulled(&r).unwrap();
    let mut again = r.clone();
    again.names = vec!["127.0.0.1:5000/x:2".into()];
    again.layers = vec![l1.clone()];
    let stored = s.save_pulled(&again).unwrap();
    assert_eq!(stored.names, ["127.0.0.1:5000/x:1", "127.0.0.1:5000/x:2"]);
    assert_eq!(stored.repo_digests.len(), 1);
    // The layer the record no longer lists is collected.
    assert!(!LayerStore::new(&t.paths).has(&l2));
    let mut broken = r.clone();
    broken.layers = vec![l2];
    assert!(matches!(s.save_pulled(&broken), Err(Error::Conflict(_))));
}

#[test]
fn corrupt_record_is_named_and_hides_no_other() {
    let t = temp_store("corrupt");
    let s = ImageStore::new(&t.paths);
    s.save(&rec(1, &["localhost/ok:latest"], T1)).unwrap();
    std::fs::write(t.paths.images_dir().join(format!("{}.json", id(9))), "{not json").unwrap();
    std::fs::write(t.paths.images_dir().join(format!("{}.json", id(8))), "").unwrap();
    let (good, bad) = s.list_all().unwrap();
    assert_eq!(good.iter().map(|r| r.id.clone()).collect::<Vec<_>>(), [id(1)]);
    let mut bad_ids: Vec<String> = bad.iter().map(|(i, _)| i.clone()).collect();
    bad_ids.sort();
    assert_eq!(bad_ids, [id(8), id(9)]);
    assert!(bad.iter().all(|(i, why)| why.contains(i.as_str())), "{bad:?}");
    assert_eq!(s.lookup("localhost/ok").unwrap().id, id(1));
    // A damaged record is removed by its full id.
    s.remove(&id(9)).unwrap();
    assert_eq!(s.list_all().unwrap().1.len(), 1);
}

#[test]
fn an_interrupted_remove_is_finished_by_the_next_one() {
    let t = temp_store("rm-marker");
    let s = ImageStore::new(&t.paths);
    let layers = LayerStore::new(&t.paths);
    let shared = add_layer(&t.paths, "shared");
    let only_a = add_layer(&t.paths, "only a");
    let mut a = rec(1, &["localhost/a:latest"], T1);
    a.layers = vec![shared.clone(), only_a.clone()];
    let mut b = rec(2, &["localhost/b:latest"], T2);
    b.layers = vec![shared.clone()];
    s.save(&a).unwrap();
    s.save(&b).unwrap();
    // What a kill at `rmi-marked` leaves: the marker, the layers.
    let dir = t.paths.images_dir();
    std::fs::rename(dir.join(format!("{}.json", a.id)), dir.join(format!(".rm-{}.json", a.id))).unwrap();
    assert_eq!(s.list().unwrap().len(), 1, "a marked image is gone from listings");
    assert!(layers.has(&only_a));
    // The next removal (or pull) finishes it first.
    let _l = s.lock().unwrap();
    s.finish_removals_locked().unwrap();
    assert!(!layers.has(&only_a) && layers.has(&shared));
    assert!(!dir.join(format!(".rm-{}.json", a.id)).exists());
    // The same image pulled again before the finish keeps its layers.
    let mut again = rec(3, &["localhost/c:latest"], T3);
    again.layers = vec![shared.clone()];
    s.write_locked(&again).unwrap();
    std::fs::write(dir.join(format!(".rm-{}.json", again.id)), serde_json::to_vec(&again).unwrap()).unwrap();
    s.finish_removals_locked().unwrap();
    assert!(layers.has(&shared));
    assert!(s.get(&again.id).unwrap().is_some());
}
