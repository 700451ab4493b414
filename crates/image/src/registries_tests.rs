//! Tests of mirrors, rewriting, blocking and short-name-mode.

use super::*;

fn conf(text: &str) -> RegistriesConf {
    RegistriesConf::parse(text, Path::new("test.conf")).unwrap()
}

fn names(v: &[Source]) -> Vec<String> {
    v.iter().map(|s| format!("{}{}", s.reference, if s.insecure { " (insecure)" } else { "" })).collect()
}

#[test]
fn mirrors_then_rewritten_location() {
    let c = conf(
        r#"
[[registry]]
prefix = "example.com/foo"
location = "127.0.0.1:5000/bar"
insecure = true
[[registry.mirror]]
location = "127.0.0.1:5999/m"
[[registry.mirror]]
location = "127.0.0.1:5998"
insecure = true
"#,
    );
    let r = Reference::parse("example.com/foo/img:1").unwrap();
    assert_eq!(
        names(&c.sources(&r).unwrap()),
        ["127.0.0.1:5999/m/img:1", "127.0.0.1:5998/img:1 (insecure)", "127.0.0.1:5000/bar/img:1 (insecure)"]
    );
    let other = Reference::parse("example.com/foox/img").unwrap();
    // TLS is per host: the entry for example.com/foo makes the host insecure.
    assert_eq!(names(&c.sources(&other).unwrap()), ["example.com/foox/img:latest (insecure)"]);
    let by_digest = Reference::parse(&format!("example.com/foo/x@sha256:{}", "a".repeat(64))).unwrap();
    assert!(names(&c.sources(&by_digest).unwrap())[2].contains(&format!("127.0.0.1:5000/bar/x@sha256:{}", "a".repeat(64))));
}

#[test]
fn blocked_is_an_error() {
    let c = conf("[[registry]]\nlocation = \"evil.io\"\nblocked = true\n");
    let e = c.sources(&Reference::parse("evil.io/x").unwrap()).unwrap_err().to_string();
    assert!(e.contains("blocked") && e.contains("evil.io"), "{e}");
}

#[test]
fn short_name_mode() {
    let p = Path::new("r.conf");
    let two = r#"unqualified-search-registries = ["a.io", "b.io"]"#;
    let c = conf(&format!("short-name-mode = \"enforcing\"\n{two}"));
    let e = candidates_in("img", &c, p).unwrap_err().to_string();
    assert!(e.contains("a.io/img:latest") && e.contains("b.io/img:latest") && e.contains("ambiguous"), "{e}");
    // One candidate, a qualified name or an alias is never ambiguous.
    assert!(candidates_in("a.io/img", &c, p).is_ok());
    let mut one = conf("short-name-mode = \"enforcing\"\nunqualified-search-registries = [\"a.io\"]");
    assert!(candidates_in("img", &one, p).is_ok());
    one.merge(conf(two));
    assert!(candidates_in("img", &one, p).is_err(), "the mode survives a drop-in that does not set it");
    assert_eq!(candidates_in("img", &conf(two), p).unwrap().len(), 2);
    assert!(RegistriesConf::parse("short-name-mode = \"strict\"", p).is_err());
}

#[test]
fn error_names_line() {
    let e = RegistriesConf::parse("\n[[registry]]\nlocation = \"x\"\ninsecure = \"yes\"\n", Path::new("/r.conf")).unwrap_err().to_string();
    assert!(e.contains("/r.conf:4:") && e.contains("insecure"), "{e}");
}
