//! Snapshots (insta) of the outputs podman users' scripts parse: `ps -a`
//! (JSON and table), `inspect` of a container and of an image, `images`,
//! `version` and `info` (their keys), `volume inspect`, `network ls`, and
//! the error messages and exit codes of the usual mistakes.
//!
//! The reference is the committed snapshots/*.snap. `cargo test` compares
//! and fails on any difference, or on a missing snapshot: with CI set
//! (as .ci/run has it) insta writes nothing; elsewhere it leaves a .snap.new
//! beside the old one to look at (`cargo insta review`, or rename it over the
//! .snap when the change is meant). INSTA_UPDATE=always rewrites them all.
//!
//! What differs from run to run, or between root and rootless, is replaced by
//! a [PLACEHOLDER] before the comparison: ids (by role where the test knows
//! them: [WEB_ID], [IMAGE_ID]...), the test's folder and the binary's path,
//! times, durations, sizes and digests. So both modes compare against one
//! snapshot; what must differ between them is asserted apart.

use crate::util::*;
use regex::Regex;
use std::collections::BTreeSet;
use std::sync::OnceLock;

/// Compares `text` with snapshots/NAME.snap.
#[track_caller]
fn snap(name: &str, text: &str) {
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings.bind(|| insta::assert_snapshot!(name, text));
}

/// Replaces what changes between runs by placeholders: first the strings the
/// test knows (ids, paths), then the patterns of `GENERIC`.
struct Redact {
    literal: Vec<(String, String)>,
    patterns: Vec<(Regex, String)>,
}

/// (pattern, replacement), in order; digests before bare hex.
const GENERIC: &[(&str, &str)] = &[
    (r"sha256:[0-9a-f]{64}", "sha256:[DIGEST]"),
    (r"\b[0-9a-f]{64}\b", "[HEX64]"),
    (r"\b[0-9a-f]{12}\b", "[HEX12]"),
    (r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)", "[TIME]"),
    (r#""(Created|ExitedAt|StartedAt|Built)": \d+"#, r#""$1": [UNIX_TIME]"#),
    (r#""(Size|VirtualSize)": \d+"#, r#""$1": [SIZE]"#),
    (r"\b\d+(\.\d+)? (B|kB|MB|GB|TB)\b", "[SIZE]"),
    (r"\b(Less than a second|About a minute|About an hour|\d+ (second|minute|hour|day|week|month|year)s?) ago\b", "[DURATION] ago"),
    (r#""Architecture": "[^"]*""#, r#""Architecture": "[ARCH]""#),
];

fn generic() -> &'static [(Regex, String)] {
    static RES: OnceLock<Vec<(Regex, String)>> = OnceLock::new();
    RES.get_or_init(|| GENERIC.iter().map(|(p, r)| (Regex::new(p).unwrap(), r.to_string())).collect())
}

impl Redact {
    /// The binary's path and the test's folder (which holds --root and --runroot).
    fn new(s: &Sangja) -> Redact {
        let literal = vec![(binary().display().to_string(), "[SANGJA]".to_string()), (s.dir.display().to_string(), "[DIR]".to_string())];
        Redact { literal, patterns: Vec::new() }
    }

    /// A 64-hex id as [ROLE], and its 12-digit short form as [ROLE_SHORT].
    fn id(mut self, id: &str, role: &str) -> Redact {
        assert!(is_hex_id(id), "{role}: {id:?} is not an id");
        // Full ids go first: their short forms are their prefixes.
        let at = self.literal.iter().position(|(k, _)| k.len() < 64).unwrap_or(self.literal.len());
        self.literal.insert(at, (id.to_string(), format!("[{role}]")));
        self.literal.push((id[..12].to_string(), format!("[{role}_SHORT]")));
        self
    }

    /// One more pattern of the test's own, tried before the generic ones.
    fn pattern(mut self, re: &str, with: &str) -> Redact {
        self.patterns.push((Regex::new(re).unwrap(), with.to_string()));
        self
    }

    fn apply(&self, text: &str) -> String {
        let mut out = text.to_string();
        for (k, v) in &self.literal {
            out = out.replace(k.as_str(), v);
        }
        for (re, with) in self.patterns.iter().chain(generic()) {
            out = re.replace_all(&out, with.as_str()).into_owned();
        }
        out
    }

    /// A table, redacted cell by cell and laid out again (so a placeholder
    /// does not leave its value's width behind). Asserts first that the
    /// table is laid out as podman's: columns two spaces apart, each as wide
    /// as its widest cell, no blanks at the ends of lines.
    #[track_caller]
    fn table(&self, text: &str) -> String {
        let rows = cells(text);
        assert_eq!(layout(&rows), text, "the table is not laid out as podman's");
        layout(&rows.iter().map(|r| r.iter().map(|c| self.apply(c)).collect()).collect::<Vec<_>>())
    }
}

/// A table's cells, cut at the columns of its header line: a column starts
/// after two or more blanks (a header name may have one, "CONTAINER ID").
fn cells(text: &str) -> Vec<Vec<String>> {
    let header = text.lines().next().unwrap_or_default();
    let mut starts = vec![0];
    let b = header.as_bytes();
    for i in 2..b.len() {
        if b[i] != b' ' && b[i - 1] == b' ' && b[i - 2] == b' ' {
            starts.push(i);
        }
    }
    text.lines()
        .map(|line| {
            (0..starts.len())
                .map(|c| {
                    let end = starts.get(c + 1).copied().unwrap_or(usize::MAX).min(line.len());
                    line.get(starts[c].min(end)..end)
                        .unwrap_or_else(|| panic!("a cell cut inside a character: {line:?}"))
                        .trim()
                        .to_string()
                })
                .collect()
        })
        .collect()
}

/// Rows of cells laid out as podman's tables.
fn layout(rows: &[Vec<String>]) -> String {
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let width: Vec<usize> = (0..cols).map(|c| rows.iter().map(|r| r.get(c).map_or(0, |s| s.chars().count())).max().unwrap_or(0)).collect();
    let mut out = String::new();
    for r in rows {
        let line: Vec<String> = r.iter().enumerate().map(|(c, s)| format!("{s:<w$}", w = width[c])).collect();
        out.push_str(line.join("  ").trim_end());
        out.push('\n');
    }
    out
}

/// The keys of a JSON document, each with the type of its value, one a line
/// ("Client.Version: string"); an array's elements are under "key[]".
fn shape(v: &Json) -> String {
    fn walk(v: &Json, path: &str, out: &mut BTreeSet<String>) {
        let kind = match v {
            Json::Null => "null",
            Json::Bool(_) => "bool",
            Json::Number(_) => "number",
            Json::String(_) => "string",
            Json::Array(_) => "array",
            Json::Object(_) => "object",
        };
        if !path.is_empty() {
            out.insert(format!("{path}: {kind}"));
        }
        match v {
            Json::Array(a) => a.iter().for_each(|e| walk(e, &format!("{path}[]"), out)),
            Json::Object(m) => m.iter().for_each(|(k, e)| walk(e, &if path.is_empty() { k.clone() } else { format!("{path}.{k}") }, out)),
            _ => {}
        }
    }
    let mut out = BTreeSet::new();
    walk(v, "", &mut out);
    out.into_iter().map(|l| l + "\n").collect()
}

both! {
    /// `ps -a --format json` and the `ps -a` table: two exited containers.
    fn ps_a(s) {
        let image = s.pull(BUSYBOX);
        s.ok(&["run", "--name", "web", BUSYBOX, "true"]);
        s.run(&["run", "--name", "three", BUSYBOX, "sh", "-c", "exit 3"]).code(3);
        let r = Redact::new(s).id(&s.container_id("web"), "WEB_ID").id(&s.container_id("three"), "THREE_ID").id(&image, "IMAGE_ID");
        snap("ps_a_json", &r.apply(&s.ok(&["ps", "-a", "--format", "json"]).stdout));
        snap("ps_a_table", &r.table(&s.ok(&["ps", "-a"]).stdout));
        // The header alone, as with no container.
        s.ok(&["rm", "--all"]);
        snap("ps_a_table_empty", &s.ok(&["ps", "-a"]).stdout);
    }
}

both! {
    /// `inspect` of an exited container with an env, a label, a volume and a workdir.
    fn inspect_container(s) {
        let image = s.pull(BUSYBOX);
        s.ok(&["run", "--name", "web", "-e", "A=1", "--label", "team=a", "-v", "data:/data", "-w", "/tmp", BUSYBOX, "true"]);
        let out = s.ok(&["inspect", "web"]);
        // The network differs by mode (a rootless one: pasta or slirp4netns, whichever is installed).
        let mode = out.json().path("0.HostConfig.NetworkMode").as_str().unwrap_or_default().to_string();
        if s.is_rootless() {
            assert!(["pasta", "slirp4netns"].contains(&mode.as_str()), "{out:?}");
        } else {
            assert_eq!(mode, "bridge", "{out:?}");
        }
        let r = Redact::new(s)
            .id(&s.container_id("web"), "WEB_ID")
            .id(&image, "IMAGE_ID")
            .pattern(r#""NetworkMode": "[^"]*""#, r#""NetworkMode": "[BY_MODE]""#)
            // sangja's default pids limit where the cgroup takes it (root), none rootless here.
            .pattern(r#""PidsLimit": \d+"#, r#""PidsLimit": "[BY_MODE]""#);
        snap("inspect_container", &r.apply(&out.stdout));
        // `container inspect` prints the same.
        assert_eq!(s.ok(&["container", "inspect", "web"]).stdout, out.stdout);
    }
}

both! {
    /// `inspect` of an image, and `images` (table and JSON) with a committed image above it.
    fn inspect_image_and_images(s) {
        let image = s.pull(BUSYBOX);
        snap("inspect_image", &Redact::new(s).id(&image, "IMAGE_ID").apply(&s.ok(&["inspect", "--type", "image", BUSYBOX]).stdout));
        s.ok(&["run", "--name", "c", BUSYBOX, "true"]);
        s.ok(&["commit", "c", "localhost/mine:v1"]);
        let mine = s.ok(&["inspect", "--type", "image", "localhost/mine:v1"]).json()[0]["Id"].as_str().unwrap_or_default().to_string();
        let r = Redact::new(s).id(&image, "IMAGE_ID").id(&mine, "MINE_ID");
        snap("images_table", &r.table(&s.ok(&["images"]).stdout));
        snap("images_json", &r.apply(&s.ok(&["images", "--format", "json"]).stdout));
    }
}

both! {
    /// `version --format json`: its keys and the type of each.
    fn version_keys(s) {
        snap("version_json_keys", &shape(&s.ok(&["version", "--format", "json"]).json()));
    }
}

both! {
    /// `info --format json`: its keys and the type of each (the values are the machine's).
    fn info_keys(s) {
        s.pull(BUSYBOX);
        s.ok(&["run", "--name", "c", BUSYBOX, "true"]);
        let v = s.ok(&["info", "--format", "json"]).json();
        assert_eq!(v.path("host.security.rootless").as_bool(), Some(s.is_rootless()), "{v:?}");
        snap("info_json_keys", &shape(&v));
    }
}

both! {
    /// `volume inspect` of a new volume.
    fn volume_inspect(s) {
        s.ok(&["volume", "create", "--label", "team=a", "data"]);
        snap("volume_inspect", &Redact::new(s).apply(&s.ok(&["volume", "inspect", "data"]).stdout));
    }
}

both! {
    /// `network ls`: the default network and a new one.
    fn network_ls(s) {
        s.ok(&["network", "create", "n1"]);
        snap("network_ls_table", &Redact::new(s).table(&s.ok(&["network", "ls"]).stdout));
    }
}

both! {
    /// The usual mistakes: what is printed and the exit code (podman's: 125
    /// for sangja's own errors, 126 when the command cannot run, 127 when it is
    /// not there, 1 for rm/rmi of what does not exist).
    fn errors(s) {
        s.pull(BUSYBOX);
        let nosuch = image("nosuch");
        let cases: &[(&[&str], i32)] = &[
            (&["run", BUSYBOX, "nonexistent-cmd"], 127),
            (&["run", BUSYBOX, "/etc/passwd"], 126),
            (&["run", "--pull=never", &nosuch, "true"], 125),
            (&["run", "--tls-verify=false", &nosuch, "true"], 125),
            (&["pull", "--tls-verify=false", &nosuch], 125),
            (&["inspect", "nosuch"], 125),
            (&["start", "nosuch"], 125),
            (&["stop", "nosuch"], 125),
            (&["rm", "nosuch"], 1),
            (&["rmi", "nosuch"], 1),
            (&["no-such-command"], 125),
        ];
        let r = Redact::new(s);
        let mut text = String::new();
        for (args, code) in cases {
            let out = s.run(args).code(*code);
            text += &format!("$ sangja {}\nexit code: {}\n--- stdout\n{}--- stderr\n{}\n", args.join(" "), out.code, out.stdout, out.stderr);
        }
        snap("errors", &r.apply(&text));
    }
}

#[test]
fn tables_are_cut_at_the_header_columns() {
    let t = "CONTAINER ID  NAME  PORTS  X\nabc           web          1\n";
    let c = cells(t);
    assert_eq!(c, [["CONTAINER ID", "NAME", "PORTS", "X"], ["abc", "web", "", "1"]]);
    assert_eq!(layout(&c), t);
    let r = Redact { literal: vec![("web".into(), "[A_LONGER_NAME]".into())], patterns: Vec::new() };
    assert_eq!(r.table(t), "CONTAINER ID  NAME             PORTS  X\nabc           [A_LONGER_NAME]         1\n");
}
