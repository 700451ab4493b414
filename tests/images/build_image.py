#!/usr/bin/env python3
"""Builds sangja's test images as OCI image layouts, with the standard library only.

    build_image.py NAME OUTDIR [--busybox PATH] [--no-zstd]
    build_image.py --list

Each NAME is a recipe below. OUTDIR becomes an OCI image layout (oci-layout,
index.json, blobs/sha256/...) whose index entry is tagged "latest", ready for
`skopeo copy --preserve-digests oci:OUTDIR:latest docker://...` or for
tests/fake_registry.py.

Layers are reproducible (fixed mtimes, owners and gzip headers), so the same
busybox binary always gives the same digests. Layer tars are written entry by
entry with tarfile.addfile, which keeps names such as "../escape" as they are:
the hostile images need exactly that.
"""

import argparse
import gzip
import hashlib
import io
import json
import os
import platform
import random
import shutil
import subprocess
import sys
import tarfile

MTIME = 1704067200  # 2024-01-01T00:00:00Z
CREATED = "2024-01-01T00:00:00Z"
PATH_ENV = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

MT_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
MT_INDEX = "application/vnd.oci.image.index.v1+json"
MT_CONFIG = "application/vnd.oci.image.config.v1+json"
MT_LAYER = {
    "gzip": "application/vnd.oci.image.layer.v1.tar+gzip",
    "zstd": "application/vnd.oci.image.layer.v1.tar+zstd",
    "none": "application/vnd.oci.image.layer.v1.tar",
}


def host_arch():
    m = platform.machine()
    return {"x86_64": "amd64", "aarch64": "arm64", "armv7l": "arm", "ppc64le": "ppc64le",
            "s390x": "s390x", "riscv64": "riscv64"}.get(m, m)


def sha256(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()


class Layer:
    """An ordered list of tar entries; `tar()` serialises them."""

    def __init__(self):
        self.entries = []  # (TarInfo, bytes or None)

    def _info(self, name, kind, mode, uid=0, gid=0):
        ti = tarfile.TarInfo(name)
        ti.type = kind
        ti.mode = mode
        ti.uid, ti.gid = uid, gid
        ti.uname = ti.gname = ""
        ti.mtime = MTIME
        return ti

    def dir(self, name, mode=0o755, uid=0, gid=0):
        self.entries.append((self._info(name.rstrip("/") + "/", tarfile.DIRTYPE, mode, uid, gid), None))
        return self

    def file(self, name, data, mode=0o644, uid=0, gid=0):
        if isinstance(data, str):
            data = data.encode()
        ti = self._info(name, tarfile.REGTYPE, mode, uid, gid)
        ti.size = len(data)
        self.entries.append((ti, data))
        return self

    def symlink(self, name, target):
        ti = self._info(name, tarfile.SYMTYPE, 0o777)
        ti.linkname = target
        self.entries.append((ti, None))
        return self

    def hardlink(self, name, target):
        ti = self._info(name, tarfile.LNKTYPE, 0o644)
        ti.linkname = target
        self.entries.append((ti, None))
        return self

    def whiteout(self, path):
        """OCI whiteout: deletes `path` of a lower layer."""
        parent, base = os.path.split(path.rstrip("/"))
        return self.file(os.path.join(parent, ".wh." + base), b"", mode=0o600)

    def opaque(self, dirpath):
        """OCI opaque marker: hides everything the lower layers had in `dirpath`."""
        return self.file(os.path.join(dirpath, ".wh..wh..opq"), b"", mode=0o600)

    def tree(self, host_dir):
        """A copy of a host folder at the same path (regular files, folders, symlinks)."""
        parts = host_dir.strip("/").split("/")
        for i in range(1, len(parts)):
            self.dir("/".join(parts[:i]))
        for root, dirs, files in os.walk(host_dir):
            dirs.sort()
            rel = root.strip("/")
            self.dir(rel)
            for name in sorted(files) + [d for d in dirs if os.path.islink(os.path.join(root, d))]:
                path = os.path.join(root, name)
                if os.path.islink(path):
                    self.symlink(f"{rel}/{name}", os.readlink(path))
                elif os.path.isfile(path):
                    with open(path, "rb") as f:
                        self.file(f"{rel}/{name}", f.read(), mode=os.stat(path).st_mode & 0o7777)
        return self

    def tar(self):
        buf = io.BytesIO()
        with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tf:
            for ti, data in self.entries:
                tf.addfile(ti, io.BytesIO(data) if data is not None else None)
        return buf.getvalue()


def compress(raw, how):
    if how == "gzip":
        out = io.BytesIO()
        with gzip.GzipFile(fileobj=out, mode="wb", compresslevel=6, mtime=0, filename="") as gz:
            gz.write(raw)
        return out.getvalue()
    if how == "zstd":
        return subprocess.run(["zstd", "-q", "-c", "-3", "--no-check"], input=raw, stdout=subprocess.PIPE,
                              check=True).stdout
    if how == "none":
        return raw
    raise ValueError(how)


class Layout:
    """Writes blobs into an OCI image layout."""

    def __init__(self, outdir):
        self.outdir = outdir
        if os.path.exists(outdir):
            shutil.rmtree(outdir)
        os.makedirs(os.path.join(outdir, "blobs", "sha256"))
        with open(os.path.join(outdir, "oci-layout"), "w") as f:
            json.dump({"imageLayoutVersion": "1.0.0"}, f)

    def blob(self, data, media_type, **extra):
        digest = sha256(data)
        path = os.path.join(self.outdir, "blobs", "sha256", digest.split(":", 1)[1])
        if not os.path.exists(path):
            with open(path, "wb") as f:
                f.write(data)
        d = {"mediaType": media_type, "digest": digest, "size": len(data)}
        d.update(extra)
        return d

    def image(self, layers, arch=None, cmd=("sh",), env=(PATH_ENV,), bad_diff_ids=False, extra_config=None):
        """layers: list of (Layer, compression). Returns the manifest's descriptor."""
        arch = arch or host_arch()
        descs, diff_ids, history = [], [], []
        for i, (layer, how) in enumerate(layers):
            raw = layer.tar()
            diff_ids.append(sha256(raw))
            descs.append(self.blob(compress(raw, how), MT_LAYER[how]))
            history.append({"created": CREATED, "created_by": f"build_image.py layer {i} ({how})"})
        if bad_diff_ids:
            # The config claims other uncompressed contents than the layers hold.
            diff_ids = [sha256(b"not the layer " + d.encode()) for d in diff_ids]
        config = {
            "created": CREATED,
            "author": "sangja tests",
            "architecture": arch,
            "os": "linux",
            "config": {"Env": list(env), "Cmd": list(cmd) if cmd else None, "WorkingDir": "/"},
            "rootfs": {"type": "layers", "diff_ids": diff_ids},
            "history": history,
        }
        if extra_config:
            config["config"].update(extra_config)
        cfg = self.blob(json.dumps(config, sort_keys=True).encode(), MT_CONFIG)
        manifest = {"schemaVersion": 2, "mediaType": MT_MANIFEST, "config": cfg, "layers": descs}
        return self.blob(json.dumps(manifest, sort_keys=True).encode(), MT_MANIFEST,
                         platform={"architecture": arch, "os": "linux"})

    def index_of(self, manifests):
        index = {"schemaVersion": 2, "mediaType": MT_INDEX, "manifests": manifests}
        return self.blob(json.dumps(index, sort_keys=True).encode(), MT_INDEX)

    def tag(self, desc, tag="latest"):
        top = dict(desc)
        top.pop("platform", None)
        top["annotations"] = {"org.opencontainers.image.ref.name": tag}
        with open(os.path.join(self.outdir, "index.json"), "w") as f:
            json.dump({"schemaVersion": 2, "mediaType": MT_INDEX, "manifests": [top]}, f, sort_keys=True)


# ---- the root file system pieces -------------------------------------------------

PASSWD = """root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
tester:x:1000:1000:tester:/home/tester:/bin/sh
"""
GROUP = """root:x:0:
tty:x:5:
nogroup:x:65534:
tester:x:1000:
"""


def busybox_base(layer, busybox):
    """/bin/busybox, a symlink per applet, /etc/passwd and the usual folders."""
    with open(busybox, "rb") as f:
        binary = f.read()
    applets = subprocess.run([busybox, "--list"], stdout=subprocess.PIPE, check=True, text=True).stdout.split()
    for d in ("bin", "dev", "etc", "home", "proc", "run", "sys", "usr", "usr/bin", "usr/sbin", "sbin", "var"):
        layer.dir(d)
    layer.dir("root", mode=0o700)
    layer.dir("tmp", mode=0o1777)
    layer.dir("var/tmp", mode=0o1777)
    layer.dir("home/tester", mode=0o755, uid=1000, gid=1000)
    layer.file("bin/busybox", binary, mode=0o755)
    for a in sorted(set(applets)):
        if a != "busybox" and "/" not in a:
            layer.symlink("bin/" + a, "busybox")
    layer.file("etc/passwd", PASSWD)
    layer.file("etc/group", GROUP)
    layer.file("etc/os-release", 'NAME="sangja test busybox"\nID=busybox\n')
    return layer


def tiny_layer(text="hello from a tiny layer\n"):
    return Layer().dir("etc").file("etc/hello.txt", text).file("hello.txt", text)


def megabyte(seed):
    """1 MiB that does not compress (a pull has real bytes to move)."""
    return random.Random(seed).randbytes(1 << 20)


# ---- the recipes -----------------------------------------------------------------

def recipe_busybox(lay, args):
    return lay.image([(busybox_base(Layer(), args.busybox), "gzip")])


def recipe_layered(lay, args):
    lower = busybox_base(Layer(), args.busybox)
    lower.dir("data").file("data/keep.txt", "keep\n").file("data/gone.txt", "gone\n")
    lower.dir("olddir").file("olddir/file.txt", "old\n").dir("olddir/sub").file("olddir/sub/deep.txt", "deep\n")
    lower.dir("opaque").file("opaque/old.txt", "old\n").dir("opaque/olddir").file("opaque/olddir/x.txt", "x\n")
    middle = Layer().dir("data").file("data/mid.txt", "mid\n").file("data/big.bin", megabyte(1))
    upper = Layer().dir("data").whiteout("data/gone.txt").whiteout("olddir")
    upper.dir("opaque").opaque("opaque").file("opaque/new.txt", "new\n")
    mid_how = "gzip" if args.no_zstd or not shutil.which("zstd") else "zstd"
    return lay.image([(lower, "gzip"), (middle, mid_how), (upper, "gzip")])


def recipe_large(lay, args):
    """A distribution-sized image for the pull benchmark: busybox plus copies of
    the host's Python and Perl libraries and time zones, in 4 layers (~75 MB unpacked)."""
    layers = [(busybox_base(Layer(), args.busybox), "gzip")]
    for tree in ("/usr/lib/python3", "/usr/share/perl", "/usr/share/zoneinfo"):
        if os.path.isdir(tree):
            layers.append((Layer().tree(tree), "gzip"))
    return lay.image(layers)


def recipe_bad(lay, args):
    """Blobs match their digests, but the config's diff_ids do not match the layers."""
    return lay.image([(tiny_layer("bad\n"), "gzip")], cmd=("/hello.txt",), bad_diff_ids=True)


def recipe_tiny(lay, args):
    """One small layer, no binaries: for registry-level tests (tests/fake_registry.py)."""
    return lay.image([(tiny_layer(), "gzip")], cmd=("/hello.txt",))


def recipe_evil(lay, args):
    """A layer with a "../escape" entry: extraction must refuse it."""
    layer = tiny_layer("evil\n").file("../escape", "escaped through ..\n")
    return lay.image([(layer, "gzip")], cmd=("/hello.txt",))


def recipe_evil_abs(lay, args):
    layer = tiny_layer("evil\n").file("/tmp/sangja-evil-abs-escape", "escaped through an absolute path\n")
    return lay.image([(layer, "gzip")], cmd=("/hello.txt",))


def recipe_evil_symlink(lay, args):
    """A symlinked parent: "evil-link" -> /tmp, then a file "evil-link/..."."""
    layer = tiny_layer("evil\n").symlink("evil-link", "/tmp")
    layer.file("evil-link/sangja-evil-symlink-escape", "escaped through a symlinked parent\n")
    return lay.image([(layer, "gzip")], cmd=("/hello.txt",))


def recipe_evil_hardlink(lay, args):
    """A hard link to a file outside the layer."""
    layer = tiny_layer("evil\n").hardlink("passwd-link", "../../../../../../../../../../etc/passwd")
    return lay.image([(layer, "gzip")], cmd=("/hello.txt",))


def recipe_multi(lay, args):
    """A manifest list: the host's architecture runs busybox, the other entry is a marker."""
    native = recipe_busybox(lay, args)
    arch = host_arch()
    other_arch = "arm64" if arch != "arm64" else "amd64"
    marker = Layer().file("arch.txt", other_arch + "\n")
    other = lay.image([(marker, "gzip")], arch=other_arch, cmd=("/arch.txt",))
    return lay.index_of([native, other])


RECIPES = {
    "busybox": recipe_busybox,
    "layered": recipe_layered,
    "large": recipe_large,
    "bad": recipe_bad,
    "tiny": recipe_tiny,
    "evil": recipe_evil,
    "evil-abs": recipe_evil_abs,
    "evil-symlink": recipe_evil_symlink,
    "evil-hardlink": recipe_evil_hardlink,
    "multi": recipe_multi,
}


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("name", nargs="?", choices=sorted(RECIPES))
    p.add_argument("outdir", nargs="?")
    p.add_argument("--busybox", default=shutil.which("busybox") or "/bin/busybox",
                   help="a static busybox binary (Debian: busybox-static)")
    p.add_argument("--no-zstd", action="store_true", help="use gzip where a recipe would use zstd")
    p.add_argument("--list", action="store_true", help="print the recipe names")
    args = p.parse_args()
    if args.list:
        print("\n".join(sorted(RECIPES)))
        return 0
    if not args.name or not args.outdir:
        p.error("NAME and OUTDIR are required")
    lay = Layout(args.outdir)
    desc = RECIPES[args.name](lay, args)
    lay.tag(desc)
    print(desc["digest"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
