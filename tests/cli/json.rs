//! JSON in the tests is serde_json's `Value` (it indexes like the output reads:
//! `v[0]["State"]["ExitCode"]`, Null for what is missing); `JsonExt` adds the
//! three look-ups the tests share.

pub use serde_json::Value as Json;

pub trait JsonExt {
    /// Follows a dotted path of keys and indexes: "State.ExitCode",
    /// "0.Names.0", "0.NetworkSettings.Ports.80/tcp.0.HostPort"; Null when
    /// any step is missing.
    fn path(&self, path: &str) -> &Json;
    /// The elements of an array (empty for anything else).
    fn items(&self) -> &[Json];
    /// The strings of an array of strings (others left out).
    fn strings(&self) -> Vec<String>;
}

impl JsonExt for Json {
    fn path(&self, path: &str) -> &Json {
        path.split('.').fold(self, |v, part| match part.parse::<usize>() {
            Ok(i) if v.is_array() => &v[i],
            _ => &v[part],
        })
    }

    fn items(&self) -> &[Json] {
        self.as_array().map(Vec::as_slice).unwrap_or(&[])
    }

    fn strings(&self) -> Vec<String> {
        self.items().iter().filter_map(|v| v.as_str().map(str::to_string)).collect()
    }
}

#[test]
fn json_ext_reads_what_sangja_prints() {
    let v: Json = serde_json::from_str(
        r#"[{"Id":"abc","Names":["web",1],"State":{"ExitCode":3},"Ports":{"80/tcp":[{"HostPort":"8080"}]},"E":"a\"b\u00e9","N":null}]"#,
    )
    .unwrap();
    assert_eq!(v[0]["Id"].as_str(), Some("abc"));
    assert_eq!(v.path("0.Names.0").as_str(), Some("web"));
    assert_eq!(v.path("0.Names").strings(), ["web"]);
    assert_eq!(v.path("0.State.ExitCode").as_i64(), Some(3));
    assert_eq!(v.path("0.Ports.80/tcp.0.HostPort").as_str(), Some("8080"));
    assert_eq!(v[0]["E"].as_str(), Some("a\"bé"));
    assert!(v[0]["N"].is_null() && v[0]["Missing"].is_null() && v.path("0.State.Missing.0").is_null());
    assert_eq!(v.items().len(), 1);
    assert!(v[0]["Id"].items().is_empty());
    assert!(serde_json::from_str::<Json>("[1,]").is_err());
}
