#!/usr/bin/env python3
"""A misbehaving HTTP proxy in front of a real registry (Debian's docker-registry),
for push tests that need what a good registry will not do: refuse the chunked
PATCH of an upload, decline a cross-repository mount, or fail in the middle of
a blob's upload.

    registry_proxy.py --upstream HOST:PORT [--refuse-patch] [--decline-mount]
                      [--fail-upload N] [--fail-with close|500] [--fail-min-bytes B]
                      [--log FILE] [--timeout SECONDS]

It listens on 127.0.0.1 on a free port, prints that port on stdout as its first
line, and exits by itself after --timeout seconds (default 300) so that a
crashed test never leaves it behind. Every request goes to the upstream
registry with its Host header unchanged, so the registry's upload Locations
point back at the proxy. Request and answer bodies stream through (chunked
request bodies are passed on chunked), so a push through it costs what it does
without it.

--refuse-patch    every PATCH is answered 405 (the body read first, as a server
                  that refuses politely does); nothing of it reaches the registry.
--decline-mount   a POST .../blobs/uploads/?mount=D&from=R goes to the registry
                  without mount and from: the registry opens a plain upload
                  session and answers 202, as one that declines the mount does.
--fail-upload N   the N-th blob upload (a PATCH, or a PUT to .../blobs/uploads/,
                  whose body reaches --fail-min-bytes, default 65536: configs and
                  tiny layers do not count) fails there, mid-body: with
                  --fail-with close (default) the connection is dropped, with 500
                  the proxy answers 500 and closes. The registry sees an aborted
                  request.
--log FILE        appends one line per request: "METHOD PATH STATUS BYTES", PATH
                  as the client sent it, STATUS the one the client got ("closed"
                  when the connection was dropped), BYTES the request body's
                  length that the proxy read.
"""

import argparse
import http.client
import http.server
import json
import sys
import threading
import urllib.parse

from test_server import serve

HOP_BY_HOP = {
    "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer",
    "trailers", "transfer-encoding", "upgrade",
}
PIECE = 64 << 10


class Dropped(Exception):
    """The proxy dropped the client's connection on purpose."""


def make_handler(args):
    lock = threading.Lock()
    state = {"uploads": 0}
    up_host, _, up_port = args.upstream.rpartition(":")

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "sangja-registry-proxy/1"

        def log_message(self, *a):
            pass

        def _log(self, status, nbytes):
            if args.log:
                with lock, open(args.log, "a") as f:
                    f.write(f"{self.command} {self.path} {status} {nbytes}\n")

        # The request body, piece by piece, as the client sends it.
        def _body(self):
            if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
                while True:
                    line = self.rfile.readline(1024)
                    if not line:
                        raise Dropped("the client closed the connection in a chunked body")
                    size = int(line.split(b";", 1)[0].strip() or b"0", 16)
                    if size == 0:
                        # Trailers, up to the empty line.
                        while self.rfile.readline(1024) not in (b"\r\n", b"\n", b""):
                            pass
                        return
                    left = size
                    while left:
                        data = self.rfile.read(min(left, PIECE))
                        if not data:
                            raise Dropped("the client closed the connection in a chunk")
                        left -= len(data)
                        yield data
                    self.rfile.readline(16)
            else:
                left = int(self.headers.get("Content-Length") or 0)
                while left:
                    data = self.rfile.read(min(left, PIECE))
                    if not data:
                        raise Dropped("the client closed the connection in the body")
                    left -= len(data)
                    yield data

        def _is_blob_upload(self):
            path = self.path.split("?", 1)[0]
            return self.command == "PATCH" or (self.command == "PUT" and "/blobs/uploads/" in path)

        def _error(self, status, code, message, nbytes, close=False):
            body = json.dumps({"errors": [{"code": code, "message": message}]}).encode()
            self._log(status, nbytes)
            self.send_response(status)
            self.send_header("Docker-Distribution-API-Version", "registry/2.0")
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            if close:
                self.send_header("Connection", "close")
                self.close_connection = True
            self.end_headers()
            self.wfile.write(body)
            self.wfile.flush()

        def _drop(self, nbytes):
            self._log("closed", nbytes)
            self.close_connection = True
            try:
                self.connection.shutdown(2)
            except OSError:
                pass

        def _handle(self):
            counted = {"n": 0}

            def counting(body):
                for piece in body:
                    counted["n"] += len(piece)
                    yield piece

            body = counting(self._body())
            if args.refuse_patch and self.command == "PATCH":
                for _ in body:
                    pass
                return self._error(405, "UNSUPPORTED", "this registry does not take PATCH uploads", counted["n"])

            path = self.path
            if args.decline_mount and self.command == "POST":
                url = urllib.parse.urlsplit(path)
                query = urllib.parse.parse_qsl(url.query, keep_blank_values=True)
                if any(k == "mount" for k, _ in query):
                    kept = [(k, v) for k, v in query if k not in ("mount", "from")]
                    path = urllib.parse.urlunsplit(("", "", url.path, urllib.parse.urlencode(kept), ""))

            if args.fail_upload and self._is_blob_upload():
                body = self._failing(body, counted)

            chunked = "chunked" in self.headers.get("Transfer-Encoding", "").lower()
            up = http.client.HTTPConnection(up_host, int(up_port), timeout=120)
            try:
                up.putrequest(self.command, path, skip_host=True, skip_accept_encoding=True)
                for k, v in self.headers.items():
                    if k.lower() not in HOP_BY_HOP:
                        up.putheader(k, v)
                if chunked:
                    up.putheader("Transfer-Encoding", "chunked")
                up.endheaders()
                try:
                    for piece in body:
                        up.send(b"%x\r\n%s\r\n" % (len(piece), piece) if chunked else piece)
                except Dropped as e:
                    if str(e) == "500":
                        return self._error(500, "UNKNOWN", "the proxy failed this upload on purpose", counted["n"], close=True)
                    return self._drop(counted["n"])
                if chunked:
                    up.send(b"0\r\n\r\n")
                res = up.getresponse()
                data = None
                length = res.getheader("Content-Length")
                if length is None and self.command != "HEAD" and res.status not in (204, 304):
                    data = res.read()
                    length = str(len(data))
                self._log(res.status, counted["n"])
                self.send_response(res.status)
                for k, v in res.getheaders():
                    if k.lower() not in HOP_BY_HOP and k.lower() not in ("server", "date", "content-length"):
                        self.send_header(k, v)
                if length is not None:
                    self.send_header("Content-Length", length)
                self.end_headers()
                if self.command == "HEAD":
                    return
                if data is not None:
                    self.wfile.write(data)
                    return
                while True:
                    piece = res.read(PIECE)
                    if not piece:
                        break
                    self.wfile.write(piece)
            finally:
                up.close()

        def _failing(self, body, counted):
            seen = False
            for piece in body:
                yield piece
                if not seen and counted["n"] >= args.fail_min_bytes:
                    seen = True
                    with lock:
                        state["uploads"] += 1
                        fail = state["uploads"] == args.fail_upload
                    if fail:
                        raise Dropped("500" if args.fail_with == "500" else "close")

        def _safe(self):
            try:
                self._handle()
            except Dropped:
                self._drop(0)
            except (ConnectionError, OSError):
                self.close_connection = True

        do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = _safe

    return Handler


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--upstream", required=True, help="HOST:PORT of the registry")
    p.add_argument("--refuse-patch", action="store_true")
    p.add_argument("--decline-mount", action="store_true")
    p.add_argument("--fail-upload", type=int, default=0)
    p.add_argument("--fail-with", choices=["close", "500"], default="close")
    p.add_argument("--fail-min-bytes", type=int, default=65536)
    p.add_argument("--log")
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--timeout", type=float, default=300)
    args = p.parse_args()
    return serve(make_handler(args), args.port, args.timeout)


if __name__ == "__main__":
    sys.exit(main())
