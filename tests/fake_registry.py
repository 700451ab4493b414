#!/usr/bin/env python3
"""A tiny read-only OCI registry over plain HTTP, for tests that need what a real
registry will not do: serve a blob whose bytes do not match its digest, or count
the requests a client makes.

    fake_registry.py --layout DIR [--corrupt none|swap|flip] [--log FILE] [--timeout SECONDS]

It serves every repository name from the one OCI image layout DIR (as written
by tests/images/build_image.py): /v2/, /v2/<name>/manifests/<tag or digest>,
/v2/<name>/blobs/<digest>, for GET and HEAD. It listens on 127.0.0.1 on a free
port, prints that port on stdout as its first line, and exits by itself after
--timeout seconds (default 300) so that a crashed test never leaves it behind.

--corrupt applies to layer blobs only (manifests and configs stay correct):
  swap  serve another valid gzip tar in place of the layer, so that only the
        digest check can tell (the client must refuse it and name the digest);
  flip  serve the layer with a byte flipped in the middle.
--log FILE appends one line per request: "METHOD PATH STATUS".
"""

import argparse
import gzip
import http.server
import io
import json
import os
import re
import sys
import tarfile
import threading

from test_server import serve

MANIFEST_TYPES = {
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.oci.image.index.v1+json",
    "application/vnd.docker.distribution.manifest.v2+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
}


def substitute_layer():
    """A valid gzip tar that is not the layer anyone asked for."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tf:
        data = b"this is not the layer you asked for\n"
        ti = tarfile.TarInfo("substitute.txt")
        ti.size = len(data)
        ti.mtime = 1704067200
        tf.addfile(ti, io.BytesIO(data))
    return gzip.compress(buf.getvalue(), mtime=0)


class Store:
    def __init__(self, layout):
        self.layout = layout
        with open(os.path.join(layout, "index.json")) as f:
            index = json.load(f)
        self.tags = {}
        for m in index.get("manifests", []):
            tag = m.get("annotations", {}).get("org.opencontainers.image.ref.name", "latest")
            self.tags[tag] = (m["digest"], m["mediaType"])
        self.layers = set()
        self.media_types = {}
        for digest, mt in self.tags.values():
            self._walk(digest, mt)

    def path(self, digest):
        alg, _, hexd = digest.partition(":")
        if alg != "sha256" or not re.fullmatch(r"[0-9a-f]{64}", hexd):
            return None
        p = os.path.join(self.layout, "blobs", "sha256", hexd)
        return p if os.path.exists(p) else None

    def read(self, digest):
        with open(self.path(digest), "rb") as f:
            return f.read()

    def _walk(self, digest, media_type):
        self.media_types[digest] = media_type
        doc = json.loads(self.read(digest))
        for m in doc.get("manifests", []):
            self._walk(m["digest"], m["mediaType"])
        for layer in doc.get("layers", []):
            self.layers.add(layer["digest"])


def make_handler(store, corrupt, log_path):
    lock = threading.Lock()
    substitute = substitute_layer()

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "sangja-fake-registry/1"

        def log_message(self, *args):
            pass

        def _log(self, status):
            if log_path:
                with lock, open(log_path, "a") as f:
                    f.write(f"{self.command} {self.path} {status}\n")

        def _send(self, status, body=b"", headers=None):
            self._log(status)
            self.send_response(status)
            self.send_header("Docker-Distribution-API-Version", "registry/2.0")
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def _error(self, status, code, message):
            body = json.dumps({"errors": [{"code": code, "message": message}]}).encode()
            self._send(status, body, {"Content-Type": "application/json"})

        def do_HEAD(self):
            self.do_GET()

        def do_GET(self):
            path = self.path.split("?", 1)[0]
            if path in ("/v2", "/v2/"):
                return self._send(200, b"{}", {"Content-Type": "application/json"})
            m = re.fullmatch(r"/v2/(.+)/(manifests|blobs)/([^/]+)", path)
            if not m:
                return self._error(404, "NAME_UNKNOWN", "not found")
            _name, kind, ref = m.groups()
            if kind == "manifests":
                if ref in store.tags:
                    digest, media_type = store.tags[ref]
                elif ref in store.media_types:
                    digest, media_type = ref, store.media_types[ref]
                else:
                    return self._error(404, "MANIFEST_UNKNOWN", f"manifest unknown: {ref}")
                return self._send(200, store.read(digest),
                                  {"Content-Type": media_type, "Docker-Content-Digest": digest})
            if store.path(ref) is None:
                return self._error(404, "BLOB_UNKNOWN", f"blob unknown: {ref}")
            body = store.read(ref)
            if ref in store.layers and corrupt == "swap":
                body = substitute
            elif ref in store.layers and corrupt == "flip":
                mid = len(body) // 2
                body = body[:mid] + bytes([body[mid] ^ 0xFF]) + body[mid + 1:]
            return self._send(200, body, {"Content-Type": "application/octet-stream",
                                          "Docker-Content-Digest": ref})

    return Handler


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--layout", required=True)
    p.add_argument("--corrupt", choices=["none", "swap", "flip"], default="none")
    p.add_argument("--log")
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--timeout", type=float, default=300)
    args = p.parse_args()
    store = Store(args.layout)
    return serve(make_handler(store, args.corrupt, args.log), args.port, args.timeout)


if __name__ == "__main__":
    sys.exit(main())
