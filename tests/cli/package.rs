//! The Debian package: packaging/deb/build.sh builds it from the binary under
//! test; it holds the binary, the man pages, the completions and the systemd
//! generator links; dpkg installs it into a scratch root (its own admin
//! folder: the machine's /usr and package database are not touched), where
//! `sangja version` runs, and removes it again.

use crate::util::*;
use std::fs;
use std::path::Path;
use std::process::Command;

fn run(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{cmd:?} failed:\n{text}\n{}", String::from_utf8_lossy(&out.stderr));
    text
}

#[test]
fn deb_builds_installs_and_runs() {
    if !is_root() {
        eprintln!("skipped: dpkg --instdir needs root");
        return;
    }
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let work = std::env::temp_dir().join(format!("sangja-deb-{}", std::process::id()));
    let _ = fs::remove_dir_all(&work);
    fs::create_dir_all(&work).unwrap();
    let deb = run(Command::new("bash").arg(repo.join("packaging/deb/build.sh")).arg(binary()).arg(work.join("out")));
    let deb = deb.trim();
    assert!(deb.ends_with(".deb") && Path::new(deb).is_file(), "build.sh printed {deb:?}");

    let info = run(Command::new("dpkg-deb").args(["--info", deb]));
    for want in ["Package: sangja", "Version: 0.1.0", "Recommends: passt, fuse3, slirp4netns"] {
        assert!(info.contains(want), "control lacks {want:?}:\n{info}");
    }
    let depends = info.lines().find(|l| l.trim_start().starts_with("Depends:")).unwrap_or_else(|| panic!("no Depends:\n{info}"));
    assert!(depends.contains("uidmap") && depends.contains("libc6"), "{depends}");

    let contents = run(Command::new("dpkg-deb").args(["--contents", deb]));
    for path in [
        "./usr/bin/sangja",
        "./usr/share/man/man1/sangja.1.gz",
        "./usr/share/man/man1/sangja-run.1.gz",
        "./usr/share/man/man1/sangja-volume-rm.1.gz",
        "./usr/share/bash-completion/completions/sangja",
        "./usr/share/zsh/vendor-completions/_sangja",
        "./usr/share/fish/vendor_completions.d/sangja.fish",
        "./usr/share/doc/sangja/copyright",
        "./usr/lib/systemd/user-generators/sangja-user-generator -> ../../../bin/sangja",
        "./usr/lib/systemd/system-generators/sangja-system-generator -> ../../../bin/sangja",
    ] {
        assert!(contents.contains(path), "the package lacks {path}:\n{contents}");
    }
    let pages = contents.lines().filter(|l| l.contains("/man1/") && l.ends_with(".1.gz")).count();
    let checked_in = fs::read_dir(repo.join("man"))
        .unwrap()
        .filter(|e| e.as_ref().is_ok_and(|e| e.file_name().to_string_lossy().ends_with(".1")))
        .count();
    assert_eq!(pages, checked_in, "every man page is in the package");

    // The machine's own package database would accept it (dependencies met).
    let sim = run(Command::new("apt-get").args(["-s", "install"]).arg(deb));
    assert!(sim.contains("Inst sangja"), "apt-get -s install: {sim}");

    // A real dpkg install and removal, in a scratch root with its own database.
    let root = work.join("root");
    let admin = root.join("var/lib/dpkg");
    for d in ["info", "updates", "triggers"] {
        fs::create_dir_all(admin.join(d)).unwrap();
    }
    fs::write(admin.join("status"), "").unwrap();
    fs::write(admin.join("available"), "").unwrap();
    let dpkg = |args: &[&str]| {
        let mut c = Command::new("dpkg");
        c.arg(format!("--admindir={}", admin.display())).arg(format!("--instdir={}", root.display())).arg("--log=/dev/null");
        c.args(args);
        run(&mut c)
    };
    // --force-depends: the scratch database knows no libc6 or uidmap.
    dpkg(&["--force-depends", "-i", deb]);
    let listed = dpkg(&["-L", "sangja"]);
    assert!(listed.contains("/usr/bin/sangja") && listed.contains("/usr/share/fish/vendor_completions.d/sangja.fish"), "{listed}");
    assert!(listed.contains("/usr/bin/sangja-monitor"), "the small monitor is shipped next to sangja: {listed}");
    let installed = root.join("usr/bin/sangja");
    let version = run(Command::new(&installed).arg("version"));
    assert!(version.contains("Version:") && version.contains("0.1.0") && version.contains("OS/Arch:"), "{version}");
    let json = run(Command::new(&installed).args(["version", "--format", "{{.Client.Version}} {{.Client.OsArch}}"]));
    assert!(json.starts_with("0.1.0 linux/"), "{json}");
    for kind in ["user", "system"] {
        let link = root.join(format!("usr/lib/systemd/{kind}-generators/sangja-{kind}-generator"));
        assert_eq!(fs::canonicalize(&link).unwrap(), fs::canonicalize(&installed).unwrap(), "{} -> /usr/bin/sangja", link.display());
    }
    // systemd runs the generator through the link: argv[0] selects it.
    let quadlets = work.join("config/containers/systemd");
    fs::create_dir_all(&quadlets).unwrap();
    fs::write(quadlets.join("web.container"), format!("[Container]\nImage={BUSYBOX}\nExec=sleep 60\n")).unwrap();
    let units: Vec<_> = ["normal", "early", "late"].iter().map(|d| work.join("units").join(d)).collect();
    for d in &units {
        fs::create_dir_all(d).unwrap();
    }
    run(Command::new(root.join("usr/lib/systemd/user-generators/sangja-user-generator"))
        .args(&units)
        .env("XDG_CONFIG_HOME", work.join("config")));
    let unit = fs::read_to_string(units[0].join("web.service")).unwrap_or_else(|e| panic!("the user generator wrote no web.service: {e}"));
    assert!(unit.contains("ExecStart=") && unit.contains(BUSYBOX), "{unit}");
    let page = root.join("usr/share/man/man1/sangja-run.1.gz");
    let man = run(Command::new("man").arg("-l").arg(&page).env("MANWIDTH", "80"));
    assert!(man.contains("EXAMPLES"), "{man}");
    dpkg(&["--force-depends", "-r", "sangja"]);
    assert!(!installed.exists(), "dpkg -r removed the binary");
    let _ = fs::remove_dir_all(&work);
}

#[test]
fn rpm_spec_builds() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let top = std::env::temp_dir().join(format!("sangja-rpm-{}", std::process::id()));
    let _ = fs::remove_dir_all(&top);
    // The spec takes the binary from target/release under _sourcedir: a
    // scratch copy of the tree's parts it reads, with the binary under test.
    let src = top.join("src");
    fs::create_dir_all(src.join("target/release")).unwrap();
    fs::copy(binary(), src.join("target/release/sangja")).unwrap();
    fs::copy(binary().with_file_name("sangja-monitor"), src.join("target/release/sangja-monitor")).unwrap();
    for d in ["man", "completions", "packaging"] {
        run(Command::new("cp").arg("-r").arg(repo.join(d)).arg(&src));
    }
    run(Command::new("rpmbuild")
        .args(["-bb", "--define"])
        .arg(format!("_sourcedir {}", src.display()))
        .arg("--define")
        .arg(format!("_topdir {}", top.join("build").display()))
        .arg(repo.join("packaging/rpm/sangja.spec")));
    let rpms: Vec<_> = walk(&top.join("build/RPMS")).into_iter().filter(|p| p.extension().is_some_and(|e| e == "rpm")).collect();
    assert_eq!(rpms.len(), 1, "{rpms:?}");
    let files = run(Command::new("rpm").arg("-qlp").arg(&rpms[0]));
    for path in [
        "/usr/bin/sangja",
        "/usr/bin/sangja-monitor",
        "/usr/share/man/man1/sangja-run.1.gz",
        "/usr/share/bash-completion/completions/sangja",
        "/usr/share/zsh/site-functions/_sangja",
        "/usr/share/fish/vendor_completions.d/sangja.fish",
        "/usr/lib/systemd/user-generators/sangja-user-generator",
        "/usr/lib/systemd/system-generators/sangja-system-generator",
    ] {
        assert!(files.lines().any(|l| l == path), "the RPM lacks {path}:\n{files}");
    }
    let recommends = run(Command::new("rpm").args(["-qp", "--recommends"]).arg(&rpms[0]));
    for r in ["passt", "fuse3", "slirp4netns"] {
        assert!(recommends.contains(r), "{recommends}");
    }
    let _ = fs::remove_dir_all(&top);
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[test]
fn version_shows_the_build() {
    let Some(s) = Sangja::rootless("version") else { return };
    let out = s.ok(&["version"]).stdout;
    for field in ["Version:", "API Version:", "Rust Version:", "Built:", "OS/Arch:"] {
        assert!(out.contains(field), "version lacks {field}:\n{out}");
    }
    let v = s.ok(&["version", "--format", "json"]).json();
    let client = &v["Client"];
    assert_eq!(client["Version"].as_str(), Some(env!("CARGO_PKG_VERSION")));
    assert_eq!(client["OsArch"].as_str(), Some(format!("linux/{}", host_arch()).as_str()));
    assert!(client["RustVersion"].as_str().is_some_and(|r| r.split('.').count() == 3), "{v:?}");
    assert!(client["Built"].as_i64().is_some_and(|t| t > 1_600_000_000), "{v:?}");
    // The commit checked out when the binary was built (build.rs reads .git).
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    // (Only its form: the branch may have moved on since the build.)
    if repo.join(".git/HEAD").exists() {
        let commit = client["GitCommit"].as_str().unwrap_or("");
        assert!(commit.len() == 40 && commit.chars().all(|c| c.is_ascii_hexdigit()), "GitCommit {commit:?}");
    }
    s.ok(&["version", "--format", "{{.Client.Version}}"]).stdout_is(&format!("{}\n", env!("CARGO_PKG_VERSION")));
}
