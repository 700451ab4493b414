//! The template engine's unit tests.

use super::*;
use serde_json::json;

fn r(t: &str, v: &Value) -> String {
    Template::parse(t).unwrap().render(v).unwrap()
}

#[test]
fn fields_and_podman_scripts() {
    let v = json!({"ID": "abc", "Names": ["web", "w2"], "State": {"Running": true, "Pid": 42},
                   "Repository": "docker.io/library/busybox", "Tag": "latest", "Labels": {"a": "1"}});
    assert_eq!(r("{{.State.Running}}", &v), "true");
    assert_eq!(r("{{.ID}} {{.Names}}", &v), "abc [web w2]");
    assert_eq!(r("{{.Repository}}:{{.Tag}}", &v), "docker.io/library/busybox:latest");
    assert_eq!(r("{{range .Names}}{{.}},{{end}}", &v), "web,w2,");
    assert_eq!(r("{{.state.pid}}", &v), "42");
    assert_eq!(r("{{.Missing}}", &v), "<no value>");
    assert_eq!(r("{{json .Labels}}", &v), r#"{"a":"1"}"#);
    assert_eq!(r("{{.Labels | json}}", &v), r#"{"a":"1"}"#);
    assert_eq!(r("{{index .Labels \"a\"}} {{index .Names 1}}", &v), "1 w2");
    assert_eq!(r("{{len .Names}}", &v), "2");
    assert_eq!(r("{{range $.Names}}[{{.}}]{{end}}", &v), "[web][w2]");
    // Go prints a map as map[k:v], keys sorted, nested the same way.
    let m = json!({"Registries": {"search": ["b", "a"], "a": {"x": 1}}});
    assert_eq!(r("{{.Registries}}", &m), "map[a:map[x:1] search:[b a]]");
}

#[test]
fn conditions_and_functions() {
    let v = json!({"State": "running", "Code": 3, "Empty": [], "Name": "Web"});
    assert_eq!(r("{{if eq .State \"running\"}}up{{else}}down{{end}}", &v), "up");
    assert_eq!(r("{{if ne .State \"running\"}}up{{else if eq .Code 3}}three{{else}}x{{end}}", &v), "three");
    assert_eq!(r("{{if .Empty}}y{{else}}n{{end}}", &v), "n");
    assert_eq!(r("{{range .Empty}}x{{else}}none{{end}}", &v), "none");
    assert_eq!(r("{{if and (eq .Code 3) (not .Empty)}}ok{{end}}", &v), "ok");
    assert_eq!(r("{{upper .Name}} {{lower .Name}} {{truncate .State 3}}", &v), "WEB web run");
    assert_eq!(r("{{printf \"%-6s|%3d|%.1f|%q\" .Name .Code 2.25 .State}}", &v), "Web   |  3|2.2|\"running\"");
    assert_eq!(r("{{with .Name}}<{{.}}>{{end}}", &v), "<Web>");
    assert_eq!(r("a  {{- .Code -}}  b", &v), "a3b");
    assert_eq!(r("{{join (split \"a,b\" \",\") \"+\"}}", &v), "a+b");
}

#[test]
fn headers_and_errors() {
    let t = Template::parse("{{.ID}}\t{{.CreatedAt}}\t{{printf \"%-5s\" .Tag}}|{{upper .Names}}").unwrap();
    assert_eq!(t.render_header().unwrap(), "ID\tCREATED AT\tTAG  |NAMES");
    for bad in ["{{.ID", "{{range .X}}", "{{if .X}}a", "{{end}}", "{{nosuch .X}}", "{{\"a}}", "{{(.X}}"] {
        assert!(Template::parse(bad).is_err(), "{bad} should not parse");
    }
    let e = Template::parse("{{index .A 5}}").unwrap().render(&json!({"A": [1]}));
    assert!(e.is_err());
}

#[test]
fn printf_refuses_a_huge_width_or_precision() {
    // Found by the fuzz suite (tests/reliability): these padded the output
    // until memory ran out. Go's fmt answers %!(NOVERB) and stops.
    let v = serde_json::json!({});
    for t in ["{{printf \"%999999999d\" 1}}", "{{printf \"%.999999999f\" 1.0}}", "{{printf \"%99999999999999999999999s|\" 1}}"] {
        assert_eq!(Template::parse(t).unwrap().render(&v).unwrap(), "%!(NOVERB)", "{t}");
    }
    assert_eq!(Template::parse("{{printf \"%5d|\" 1}}").unwrap().render(&v).unwrap(), "    1|");
}
