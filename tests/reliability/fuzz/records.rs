//! Every JSON record on disk, damaged: a store holding one good object and
//! one garbage record must answer through its APIs with a value or an error
//! that names the bad record, never a panic.

use super::{clear, corpus, fuzz, inputs, Scratch};
use proptest::prelude::*;
use sangja::container::record::ContainerStore;
use sangja::image::store::ImageStore;
use sangja::network::store::NetworkStore;
use sangja::paths::StorePaths;
use sangja::storage::layers::LayerStore;
use sangja::storage::volumes::VolumeStore;
use std::fs;
use std::path::Path;

const GOOD_CONTAINER: &str = "f55a324fe30f7e9c52aca182fdefd4ba0de69eafbfcd0b3b47507796a2b1bf58";
const BAD_CONTAINER: &str = "b57ee065af6ae88285657ed742347ec67a6fee4111f2c3b9f400a1aafe4af820";
const IMAGE: &str = "4af7b302a0ad8969c9f5500e6fda26b62f3c63a25f604d57a32e43a2b8765edf";
const LAYER: &str = "4ed4e1c616d9b1a6b0669e2c34993219c9f64b1fd8baf6b67a5e73799eb0c8e2";

fn store(dir: &Path) -> StorePaths {
    let paths = StorePaths { root: dir.join("root"), runroot: dir.join("run"), driver: "vfs".into(), rootless: false, driver_notice: None };
    // Not `ensure`: its fsynced driver marker costs more than the case.
    for d in [paths.tmp_dir(), paths.blobs_dir(), paths.layers_dir(), paths.images_dir(), paths.containers_dir()] {
        fs::create_dir_all(d).unwrap();
    }
    paths
}

fn seed(target: &str, name: &str) -> Vec<u8> {
    corpus(target).into_iter().find(|(n, _)| n == name).unwrap_or_else(|| panic!("no seed {target}/{name}")).1
}

fn write(path: &Path, data: &[u8]) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, data).unwrap();
}

/// Ok, or an error naming the damaged record.
fn named<T>(r: sangja::Result<T>, bad: &str) -> Result<(), String> {
    match r {
        Ok(_) => Ok(()),
        Err(e) => clear(&e.to_string(), &[bad]),
    }
}

fn check_container(input: &(bool, Vec<u8>)) -> Result<(), String> {
    let dir = Scratch::new("ctr");
    let paths = store(&dir.0);
    let good = paths.containers_dir().join(GOOD_CONTAINER);
    write(&good.join("config.json"), &seed("container_record", "seedc-config.json"));
    write(&good.join("state.json"), &seed("container_record", "seedc-state.json"));
    let bad = paths.containers_dir().join(BAD_CONTAINER);
    let (config, state) = if input.0 {
        (input.1.clone(), seed("container_record", "seedr-state.json"))
    } else {
        (seed("container_record", "seedr-config.json"), input.1.clone())
    };
    write(&bad.join("config.json"), &config);
    write(&bad.join("state.json"), &state);
    let cs = ContainerStore::new(&paths);
    named(cs.list(), BAD_CONTAINER)?;
    named(cs.names(), BAD_CONTAINER)?;
    // A damaged config may hold another name (or id): not finding a name is an answer too.
    let found = |r: sangja::Result<_>| named(r, BAD_CONTAINER).or_else(|e| if e.contains("no such container") { Ok(()) } else { Err(e) });
    found(cs.lookup("seedc"))?;
    found(cs.lookup(BAD_CONTAINER))?;
    found(cs.lookup("seedr"))?;
    Ok(())
}

#[test]
fn fuzz_container_record() {
    let seeds = corpus("container_record");
    fuzz("container_record", (any::<bool>(), inputs(&seeds)).boxed(), |b| (true, b.to_vec()), check_container);
    // The corpus again, as the state file.
    for (name, data) in &seeds {
        if let Err(e) = super::bounded((false, data.clone()), check_container) {
            panic!("corpus container_record/{name} as state.json: {e}");
        }
    }
}

fn check_image(input: &Vec<u8>) -> Result<(), String> {
    let dir = Scratch::new("img");
    let paths = store(&dir.0);
    write(&paths.images_dir().join(format!("{IMAGE}.json")), input);
    let is = ImageStore::new(&paths);
    named(is.list(), IMAGE)?;
    named(is.get(IMAGE), IMAGE)?;
    named(is.lookup("busybox"), IMAGE).or_else(|e| if e.contains("image not known") || e.contains("busybox") { Ok(()) } else { Err(e) })?;
    Ok(())
}

#[test]
fn fuzz_image_record() {
    fuzz("image_record", inputs(&corpus("image_record")), |b| b.to_vec(), check_image);
}

fn check_layer(input: &Vec<u8>) -> Result<(), String> {
    let dir = Scratch::new("layer");
    let paths = store(&dir.0);
    let layer = paths.layers_dir().join(LAYER);
    fs::create_dir_all(layer.join("diff")).unwrap();
    write(&layer.join("layer.json"), input);
    let ls = LayerStore::new(&paths);
    named(ls.list(), LAYER)?;
    named(ls.info(&format!("sha256:{LAYER}")), LAYER)?;
    Ok(())
}

#[test]
fn fuzz_layer_record() {
    fuzz("layer_record", inputs(&corpus("layer_record")), |b| b.to_vec(), check_layer);
}

fn check_volume(input: &Vec<u8>) -> Result<(), String> {
    let dir = Scratch::new("vol");
    let paths = store(&dir.0);
    let vs = VolumeStore::new(&paths);
    fs::create_dir_all(vs.data_dir("seedvol")).unwrap();
    write(&vs.dir().join("seedvol").join("volume.json"), input);
    named(vs.list(), "seedvol")?;
    named(vs.get("seedvol"), "seedvol")?;
    named(vs.lookup("seedvol"), "seedvol")?;
    Ok(())
}

#[test]
fn fuzz_volume_record() {
    fuzz("volume_record", inputs(&corpus("volume_record")), |b| b.to_vec(), check_volume);
}

fn check_network(input: &Vec<u8>) -> Result<(), String> {
    let dir = Scratch::new("net");
    let paths = store(&dir.0);
    let ns = NetworkStore::new(&paths.root);
    ns.ensure().unwrap();
    write(&paths.root.join("networks").join("seednet.json"), input);
    named(ns.list(), "seednet")?;
    named(ns.lookup("seednet"), "seednet")?;
    if let Ok(list) = ns.list() {
        for n in list {
            // What the records hold is parsed again where it is used.
            if let Err(e) = n.subnet() {
                clear(&e.to_string(), &[])?;
            }
            if let Err(e) = n.gateway() {
                clear(&e.to_string(), &[])?;
            }
        }
    }
    Ok(())
}

#[test]
fn fuzz_network_record() {
    fuzz("network_record", inputs(&corpus("network_record")), |b| b.to_vec(), check_network);
}
