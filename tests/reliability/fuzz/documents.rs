//! What a registry sends: manifests, indexes and image configs, through the
//! checks a pull makes of them (image::pull::check_documents).

use super::{clear, corpus, fuzz, inputs};
use proptest::prelude::*;
use sangja::image::pull::{check_documents, Platform};
use sangja::image::reference::Reference;

fn platform() -> Platform {
    Platform { os: "linux".into(), arch: "amd64".into(), variant: None }
}

fn check(doc: &[u8], config: Option<&[u8]>) -> Result<(), String> {
    let r = Reference::parse("127.0.0.1:5000/fuzz:latest").unwrap();
    match check_documents(doc, config, &r, &platform()) {
        // An index's choice is a digest the pull then fetches by name.
        Ok(Some(d)) if d.is_empty() => Err("an index chose an empty digest".into()),
        Ok(_) => Ok(()),
        Err(e) => clear(&e.to_string(), &["127.0.0.1:5000/fuzz"]),
    }
}

fn check_manifest(input: &Vec<u8>) -> Result<(), String> {
    check(input, None)
}

#[test]
fn fuzz_manifest() {
    fuzz("manifest", inputs(&corpus("manifest")), |b| b.to_vec(), check_manifest);
}

fn check_config(input: &(Vec<u8>, Vec<u8>)) -> Result<(), String> {
    check(&input.0, Some(&input.1))
}

#[test]
fn fuzz_config() {
    // A valid manifest, so the config's own parsing is reached.
    let manifest = corpus("manifest").into_iter().find(|(n, _)| n == "oci-manifest.json").unwrap().1;
    let m2 = manifest.clone();
    fuzz(
        "config",
        inputs(&corpus("config")).prop_map(move |c| (manifest.clone(), c)).boxed(),
        move |b| (m2.clone(), b.to_vec()),
        check_config,
    );
}
