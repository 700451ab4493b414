//! Text inputs: image references, registries.conf, containers.conf,
//! sangja.conf, auth.json and Go templates.

use super::{clear, corpus, fuzz, inputs, Scratch};
use sangja::cli::template::Template;
use sangja::config::{auth, containers_conf, settings};
use sangja::image::reference::{self, Reference};
use sangja::image::registries::{self, RegistriesConf};
use sangja::image::store::normalize_name;
use std::path::Path;

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn check_reference(input: &Vec<u8>) -> Result<(), String> {
    let s = text(input);
    let names = ["reference", "name", "image", "tag", "digest"];
    match Reference::parse(&s) {
        Ok(r) => {
            // What parses must print as something that parses to the same.
            let shown = r.to_string();
            let again = Reference::parse(&shown).map_err(|e| format!("{s:?} parsed, but its display {shown:?} does not: {e}"))?;
            if again.to_string() != shown {
                return Err(format!("{s:?} -> {shown:?} -> {again}: the display does not round-trip"));
            }
            let _ = (r.name_without_tag(), r.short_name(), r.tagged_name(), r.to_oci());
        }
        Err(e) => clear(&e.to_string(), &names)?,
    }
    if let Err(e) = reference::split(&s) {
        clear(&e.to_string(), &names)?;
    }
    if let Err(e) = normalize_name(&s) {
        clear(&e.to_string(), &names)?;
    }
    let conf = RegistriesConf::parse(
        "unqualified-search-registries = [\"docker.io\", \"127.0.0.1:5000\"]\n[aliases]\n\"busybox\" = \"docker.io/library/busybox\"\n",
        Path::new("/fuzz/registries.conf"),
    )
    .map_err(|e| e.to_string())?;
    if let Err(e) = registries::candidates_in(&s, &conf, Path::new("/fuzz/registries.conf")) {
        clear(&e.to_string(), &[])?;
    }
    Ok(())
}

#[test]
fn fuzz_reference() {
    fuzz("reference", inputs(&corpus("reference")), |b| b.to_vec(), check_reference);
}

fn check_registries_conf(input: &Vec<u8>) -> Result<(), String> {
    let origin = Path::new("/fuzz/etc/containers/registries.conf");
    match RegistriesConf::parse(&text(input), origin) {
        Ok(conf) => {
            for name in ["busybox", "example.com/foo/x", "127.0.0.1:5000/busybox", "a/b"] {
                if let Err(e) = registries::candidates_in(name, &conf, origin) {
                    clear(&e.to_string(), &[])?;
                }
                let _ = (conf.is_insecure(name), conf.is_blocked(name));
            }
        }
        Err(e) => clear(&e.to_string(), &["registries.conf"])?,
    }
    Ok(())
}

#[test]
fn fuzz_registries_conf() {
    fuzz("registries_conf", inputs(&corpus("registries_conf")), |b| b.to_vec(), check_registries_conf);
}

fn check_containers_conf(input: &Vec<u8>) -> Result<(), String> {
    let dir = Scratch::new("cconf");
    let path = dir.0.join("containers.conf");
    std::fs::write(&path, input).unwrap();
    let shown = path.display().to_string();
    match containers_conf::load_files(&[path]) {
        Ok(loaded) => {
            if let Err(e) = loaded.defaults() {
                clear(&e.to_string(), &["containers.conf", &shown])?;
            }
        }
        Err(e) => clear(&e.to_string(), &["containers.conf", &shown])?,
    }
    Ok(())
}

#[test]
fn fuzz_containers_conf() {
    fuzz("containers_conf", inputs(&corpus("containers_conf")), |b| b.to_vec(), check_containers_conf);
}

fn check_sangja_conf(input: &Vec<u8>) -> Result<(), String> {
    let path = Path::new("/fuzz/etc/sangja/sangja.conf");
    match settings::parse(&text(input), path) {
        Ok(s) => {
            if let Err(e) = s.storage.max_layer_size_in(Some(path)) {
                clear(&e.to_string(), &["sangja.conf"])?;
            }
        }
        Err(e) => clear(&e.to_string(), &["sangja.conf"])?,
    }
    let _ = settings::parse_size(&text(input));
    Ok(())
}

#[test]
fn fuzz_sangja_conf() {
    fuzz("sangja_conf", inputs(&corpus("sangja_conf")), |b| b.to_vec(), check_sangja_conf);
}

fn check_auth_json(input: &Vec<u8>) -> Result<(), String> {
    let dir = Scratch::new("auth");
    let path = dir.0.join("auth.json");
    std::fs::write(&path, input).unwrap();
    let shown = path.display().to_string();
    // `stored_in` decodes entries as `lookup` does, without running the
    // credential helpers a mutated file could name.
    for key in ["127.0.0.1:5000", "quay.io/ns", "docker.io", "", "x"] {
        if let Err(e) = auth::stored_in(&path, key) {
            clear(&e.to_string(), &[&shown, "auth.json"])?;
        }
    }
    Ok(())
}

#[test]
fn fuzz_auth_json() {
    fuzz("auth_json", inputs(&corpus("auth_json")), |b| b.to_vec(), check_auth_json);
}

fn dot() -> serde_json::Value {
    serde_json::json!({
        "ID": "f55a324fe30f", "Names": ["web", "db"], "Name": "web", "Image": "busybox", "State": "running",
        "Status": "Up 2 seconds", "Paused": false, "Labels": {"a": "b"}, "Ports": [], "Size": 1234,
        "Mounts": [{"Source": "/a", "Destination": "/b"}], "Config": {"Cmd": ["sh", "-c", "x"]}, "A": {"B": null},
        "Created": 1700000000, "Number": -3.5
    })
}

fn check_template(input: &Vec<u8>) -> Result<(), String> {
    match Template::parse(&text(input)) {
        Ok(t) => {
            if let Err(e) = t.render(&dot()) {
                clear(&e.to_string(), &[])?;
            }
            if let Err(e) = t.render_header() {
                clear(&e.to_string(), &[])?;
            }
        }
        Err(e) => clear(&e.to_string(), &[])?,
    }
    Ok(())
}

#[test]
fn fuzz_template() {
    fuzz("template", inputs(&corpus("template")), |b| b.to_vec(), check_template);
}
