"""The serving loop shared by the tests' small HTTP servers (fake_registry.py,
registry_proxy.py): listen on 127.0.0.1 (a free port unless one is given),
print the port as the first line of stdout, serve each request in a thread,
and stop by itself after `timeout` seconds so a crashed test leaves nothing."""

import http.server
import threading


def serve(handler, port, timeout):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    server.daemon_threads = True
    print(server.server_address[1], flush=True)
    timer = threading.Timer(timeout, server.shutdown)
    timer.daemon = True
    timer.start()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0
