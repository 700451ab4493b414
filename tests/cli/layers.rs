//! cp, diff, commit, export, import, mount/unmount, unshare, system df.

use crate::util::*;
use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

fn give(s: &Sangja, p: &Path) {
    if let Mode::Rootless { user, switch: true } = &s.mode {
        std::os::unix::fs::chown(p, Some(user.uid), Some(user.gid)).unwrap();
    }
}

/// The names a tar stream lists (`tar t`).
fn tar_names(bytes: &[u8]) -> Vec<String> {
    let mut child = std::process::Command::new("tar").arg("t").stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let data = bytes.to_vec();
    let w = std::thread::spawn(move || std::io::Write::write_all(&mut stdin, &data));
    let out = child.wait_with_output().unwrap();
    w.join().unwrap().unwrap();
    assert!(out.status.success(), "tar t failed");
    String::from_utf8_lossy(&out.stdout).lines().map(str::to_string).collect()
}

/// A container "c" with an added file, a changed one, a deleted one and an escape link.
fn changed_container(s: &Sangja) {
    s.pull(BUSYBOX);
    s.ok(&[
        "run",
        "--name",
        "c",
        BUSYBOX,
        "sh",
        "-c",
        "echo new > /newfile; echo more >> /etc/passwd; rm /etc/group; ln -s / /escape; mkdir /d; echo in > /d/x",
    ]);
}

both! {
    /// cp out and in, on a stopped and a running container; symlinks never lead out of the rootfs.
    fn cp_both_ways(s) {
        changed_container(s);
        let out = s.dir.join("out");
        std::fs::create_dir(&out).unwrap();
        give(s, &out);
        s.ok(&["cp", "c:/newfile", &out.join("nf").display().to_string()]);
        assert_eq!(std::fs::read_to_string(out.join("nf")).unwrap(), "new\n");
        s.ok(&["cp", "c:/d", &out.display().to_string()]);
        assert_eq!(std::fs::read_to_string(out.join("d/x")).unwrap(), "in\n");
        // Copied out, files belong to the user.
        assert_eq!(std::os::unix::fs::MetadataExt::uid(&std::fs::metadata(out.join("d/x")).unwrap()), s.host_uid(0));

        // `-`: a tar stream on stdout.
        let t = s.command(&["cp", "c:/d", "-"]).output().unwrap();
        assert!(t.status.success(), "{}", String::from_utf8_lossy(&t.stderr));
        assert_eq!(tar_names(&t.stdout), ["d", "d/x"]);
        // /escape -> / : the container's /etc/passwd, not the host's.
        s.ok(&["cp", "c:/escape/etc/passwd", &out.join("pw").display().to_string()]);
        let pw = std::fs::read_to_string(out.join("pw")).unwrap();
        assert!(pw.ends_with("more\n") && !pw.contains("sangjatest"), "{pw}");
        let host_file = s.dir.join("secret");
        std::fs::write(&host_file, "host only").unwrap();
        s.run(&["cp", &format!("c:/escape{}", host_file.display()), &out.join("s").display().to_string()]).code(125);
        assert!(!out.join("s").exists());
        // Nor in: a copy through the link lands inside the container.
        let src = s.dir.join("hin");
        std::fs::write(&src, "to ctr\n").unwrap();
        give(s, &src);
        s.run(&["cp", &src.display().to_string(), &format!("c:/escape{}/pwned", s.dir.display())]).code(125);
        assert!(!s.dir.join("pwned").exists());
        s.ok(&["cp", &src.display().to_string(), "c:/d/"]);
        s.ok(&["cp", &src.display().to_string(), "c:/renamed"]);
        let diff = s.ok(&["diff", "c"]).lines();
        assert!(diff.contains(&"A /d/hin".to_string()) && diff.contains(&"A /renamed".to_string()), "{diff:?}");

        // A running container: through its own root.
        let mut r = s.spawn(&["run", "--name", "r", BUSYBOX, "sh", "-c", "echo live > /live; echo ready; sleep 60"]);
        r.wait_for_line("ready", Duration::from_secs(20));
        s.ok(&["cp", "r:/live", &out.join("live").display().to_string()]);
        assert_eq!(std::fs::read_to_string(out.join("live")).unwrap(), "live\n");
        s.ok(&["cp", &src.display().to_string(), "r:/tmp/got"]);
        s.ok(&["cp", "r:/tmp/got", &out.join("got").display().to_string()]);
        assert_eq!(std::fs::read_to_string(out.join("got")).unwrap(), "to ctr\n");
        s.ok(&["rm", "-f", "r"]);
        drop(r);
        s.run(&["cp", "c:/nothing", &out.display().to_string()]).code(125);
        s.run(&["cp", "/a", "/b"]).code(125).stderr_has("CONTAINER:PATH");
    }
}

both! {
    /// diff lists A/C/D against the image.
    fn diff_changes(s) {
        changed_container(s);
        let d = s.ok(&["diff", "c"]).lines();
        for want in ["A /newfile", "C /etc", "C /etc/passwd", "D /etc/group", "A /d", "A /d/x", "A /escape"] {
            assert!(d.contains(&want.to_string()), "{want} missing: {d:?}");
        }
        let j = s.ok(&["diff", "--format", "json", "c"]).json();
        assert!(j["deleted"].strings().contains(&"/etc/group".to_string()));
    }
}

both! {
    /// commit makes an image with the container's changes (deletions too) and --change.
    fn commit_then_run(s) {
        changed_container(s);
        let id = s.ok(&["commit", "-a", "tester", "-m", "my message", "-c", "CMD [\"cat\", \"/newfile\"]", "-c", "ENV FOO=bar", "c", "snap"]).lines();
        assert!(id.len() == 1 && is_hex_id(&id[0]), "{id:?}");
        let images = s.ok(&["images", "--format", "{{.Repository}}:{{.Tag}}"]).lines();
        assert!(images.contains(&"localhost/snap:latest".to_string()), "{images:?}");
        s.ok(&["run", "--rm", "snap"]).stdout_is("new\n");
        s.ok(&["run", "--rm", "snap", "sh", "-c", "tail -1 /etc/passwd; echo $FOO; cat /d/x"]).stdout_is("more\nbar\nin\n");
        s.run(&["run", "--rm", "snap", "ls", "/etc/group"]).code(1);
        // A deletion of a folder's content survives a second commit on top.
        s.ok(&["run", "--name", "c2", "snap", "rm", "-r", "/d"]);
        s.ok(&["commit", "c2", "snap2"]);
        s.run(&["run", "--rm", "snap2", "ls", "/d"]).code(1);
        // Author and message are in the image's config (the record on disk holds it).
        let rec = std::fs::read_to_string(s.root.join("images").join(format!("{}.json", id[0]))).unwrap();
        assert!(rec.contains("tester") && rec.contains("my message"), "{rec}");
    }
}

both! {
    /// export writes the merged rootfs as a tar; import makes a runnable image of it.
    fn export_import(s) {
        changed_container(s);
        let out = s.command(&["export", "c"]).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let names = tar_names(&out.stdout);
        for want in ["newfile", "etc/passwd", "bin/sh"] {
            assert!(names.iter().any(|n| n == want), "{want} not in the export: {names:?}");
        }
        assert!(!names.iter().any(|n| n == "etc/group"), "deleted files are not exported");
        let file = s.dir.join("c.tar");
        s.ok(&["export", "-o", &file.display().to_string(), "c"]);
        let id = s.ok(&["import", "-c", "CMD [\"cat\", \"/newfile\"]", &file.display().to_string(), "flat"]).lines();
        assert!(is_hex_id(&id[0]), "{id:?}");
        s.ok(&["run", "--rm", "flat"]).stdout_is("new\n");
        let mut cmd = s.command(&["import", "-", "fromstdin"]);
        cmd.stdin(std::fs::File::open(&file).unwrap());
        let o = cmd.output().unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        s.ok(&["run", "--rm", "fromstdin", "cat", "/d/x"]).stdout_is("in\n");
        s.run(&["import", &s.dir.join("none.tar").display().to_string()]).code(125);
    }
}

both! {
    /// unshare runs as root of sangja's user namespace, reads the store, and hosts `mount`.
    fn unshare_and_mount(s) {
        changed_container(s);
        s.ok(&["unshare", "id", "-u"]).stdout_is("0\n");
        let layer = s.layer_entries()[0].clone();
        let passwd = s.layers_dir().join(&layer).join("diff/etc/passwd");
        s.ok(&["unshare", "stat", "-c", "%u", &passwd.display().to_string()]).stdout_is("0\n");
        let bin = binary().display().to_string();
        let root = format!("--root {} --runroot {}", s.root.display(), s.runroot.display());
        if s.is_rootless() {
            s.run(&["mount", "c"]).code(125).stderr_has("sangja unshare");
        }
        let script = format!("p=$({bin} {root} mount c) && cat $p/newfile && {bin} {root} unmount c >/dev/null && test ! -e $p/newfile && echo gone");
        s.ok(&["unshare", "sh", "-c", &script]).stdout_is("new\ngone\n");
    }
}

both! {
    /// system df: images, containers and volumes with podman's columns.
    fn system_df(s) {
        changed_container(s);
        s.ok(&["volume", "create", "v"]);
        let out = s.ok(&["system", "df"]);
        let lines = out.lines();
        assert!(lines[0].starts_with("TYPE") && lines[0].contains("RECLAIMABLE"), "{out:?}");
        let row = |t: &str| lines.iter().find(|l| l.starts_with(t)).cloned().unwrap_or_else(|| panic!("no {t} row:{out:?}"));
        assert!(row("Images").split_whitespace().nth(1) == Some("1"), "{out:?}");
        assert!(row("Containers").split_whitespace().nth(1) == Some("1"), "{out:?}");
        assert!(row("Local Volumes").split_whitespace().nth(2) == Some("1"), "{out:?}");
        let j = s.ok(&["system", "df", "--format", "{{.Type}}={{.Total}}"]).lines();
        assert_eq!(j, ["Images=1", "Containers=1", "Local Volumes=1"]);
    }
}

both! {
    /// On an image of several layers with whiteouts and an opaque folder:
    /// volume copy-up, diff, commit and export see the merged view.
    fn layered_image_tools(s) {
        s.pull(LAYERED);
        s.ok(&["run", "--rm", "-v", "dv:/data", "-v", "ov:/opaque", LAYERED, "sh", "-c", "ls /data; ls /opaque"])
            .stdout_is("big.bin\nkeep.txt\nmid.txt\nnew.txt\n");
        s.ok(&["run", "--name", "l", LAYERED, "sh", "-c", "rm /data/keep.txt; echo n > /opaque/new2"]);
        let d = s.ok(&["diff", "l"]).lines();
        for want in ["C /data", "D /data/keep.txt", "A /opaque/new2"] {
            assert!(d.contains(&want.to_string()), "{want} missing: {d:?}");
        }
        s.ok(&["commit", "l", "lsnap"]);
        s.ok(&["run", "--rm", "lsnap", "sh", "-c", "ls /data; ls /opaque; ls /olddir >/dev/null 2>&1 || echo no-olddir"])
            .stdout_is("big.bin\nmid.txt\nnew.txt\nnew2\nno-olddir\n");
        let out = s.command(&["export", "l"]).output().unwrap();
        let names = tar_names(&out.stdout);
        assert!(names.iter().any(|n| n == "data/mid.txt") && names.iter().any(|n| n == "opaque/new2"), "{names:?}");
        assert!(!names.iter().any(|n| n.contains("gone.txt") || n.starts_with("olddir") || n.contains("keep.txt") || n.contains("opaque/old")), "{names:?}");
    }
}

both! {
    /// `cp - CTR:DIR`: a tar stream on stdin lands in the folder, `.wh.` names
    /// stay plain files, and an entry climbing out with ".." is refused.
    fn cp_tar_from_stdin(s) {
        changed_container(s);
        let src = s.dir.join("tree");
        std::fs::create_dir_all(src.join("sub")).unwrap();
        std::fs::write(src.join("sub/x"), "from tar\n").unwrap();
        std::fs::write(src.join(".wh.keep"), "plain\n").unwrap();
        std::os::unix::fs::symlink("../..", src.join("up")).unwrap();
        let tarball = s.dir.join("in.tar");
        let st = std::process::Command::new("tar").arg("-C").arg(&src).arg("-cf").arg(&tarball).arg(".").status().unwrap();
        assert!(st.success());
        let cp_in = |dest: &str, tar: &Path| {
            let mut cmd = s.command(&["cp", "-", dest]);
            cmd.stdin(std::fs::File::open(tar).unwrap());
            wait_output(spawn_retry(&mut cmd), format!("cp - {dest}"), None, TIMEOUT)
        };
        cp_in("c:/d", &tarball).ok();
        let t = s.command(&["cp", "c:/d", "-"]).output().unwrap();
        let names = tar_names(&t.stdout);
        for want in ["d/sub/x", "d/.wh.keep", "d/up", "d/x"] {
            assert!(names.contains(&want.to_string()), "{want} missing: {names:?}");
        }
        let outdir = s.dir.join("out");
        std::fs::create_dir(&outdir).unwrap();
        give(s, &outdir);
        s.ok(&["cp", "c:/d/sub/x", &outdir.join("x").display().to_string()]);
        assert_eq!(std::fs::read_to_string(outdir.join("x")).unwrap(), "from tar\n");
        // A missing destination folder is refused.
        cp_in("c:/nowhere", &tarball).code(125).stderr_has("existing folder");
        // An entry "../../evil" must not leave the folder.
        let evil = s.dir.join("evil.tar");
        let py = format!(
            "import tarfile,io\nt=tarfile.open({:?},'w')\ni=tarfile.TarInfo('../../evil')\nd=b'x'\ni.size=1\nt.addfile(i,io.BytesIO(d))\nt.close()\n",
            evil.display().to_string()
        );
        assert!(std::process::Command::new("python3").arg("-c").arg(&py).status().unwrap().success());
        cp_in("c:/d", &evil).code(125);
        s.run(&["cp", "c:/evil", &outdir.join("e").display().to_string()]).code(125);
    }
}

both! {
    /// commit keeps a file's extended attributes (as PAX records in the
    /// layer), and export writes them too.
    fn commit_keeps_xattrs(s) {
        changed_container(s);
        let upper = s.ok(&["inspect", "--format", "{{.GraphDriver.Data.UpperDir}}", "c"]).stdout.trim().to_string();
        let file = std::ffi::CString::new(format!("{upper}/newfile")).unwrap();
        let (k, v) = (c"user.sangja.test", "kept");
        // SAFETY: valid NUL-terminated strings and a live buffer.
        let rc = unsafe { libc::lsetxattr(file.as_ptr(), k.as_ptr(), v.as_ptr().cast(), v.len(), 0) };
        assert_eq!(rc, 0, "set an xattr on {upper}/newfile: {}", std::io::Error::last_os_error());
        s.ok(&["commit", "c", "withattr"]);
        s.ok(&["create", "--name", "c3", "withattr"]);
        let out = s.command(&["export", "c3"]).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let py = "import tarfile,sys\nfor m in tarfile.open(fileobj=sys.stdin.buffer, mode='r|'):\n    if m.name == 'newfile': print(m.pax_headers.get('SCHILY.xattr.user.sangja.test'))\n";
        let mut child = std::process::Command::new("python3").arg("-c").arg(py)
            .stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().unwrap();
        let mut stdin = child.stdin.take().unwrap();
        let data = out.stdout;
        let w = std::thread::spawn(move || std::io::Write::write_all(&mut stdin, &data));
        let got = child.wait_with_output().unwrap();
        w.join().unwrap().unwrap();
        assert_eq!(String::from_utf8_lossy(&got.stdout), "kept\n");
    }
}
