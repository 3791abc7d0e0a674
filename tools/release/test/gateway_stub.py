#!/usr/bin/python3
"""gateway_stub: the two things API Gateway does that smoke checks, for tests.

Listens on 127.0.0.1:PORT, strips the stage prefix (/STAGE/...) like API
Gateway, answers 403 {"message":"Forbidden"} to /v1/* without the right
x-api-key, and forwards everything else to the upstream service. GET only.

Usage: gateway_stub.py PORT STAGE API_KEY UPSTREAM_URL
"""

import http.server
import sys
import urllib.error
import urllib.request

PORT, STAGE, KEY, UPSTREAM = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]


class Gateway(http.server.BaseHTTPRequestHandler):
    def answer(self, status, body, ctype="application/json"):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):  # noqa: N802 (http.server's naming)
        prefix = f"/{STAGE}"
        if not (self.path == prefix or self.path.startswith(prefix + "/")):
            self.answer(403, b'{"message":"Missing Authentication Token"}')
            return
        path = self.path[len(prefix):] or "/"
        if path.startswith("/v1/") and self.headers.get("x-api-key") != KEY:
            self.answer(403, b'{"message":"Forbidden"}')
            return
        try:
            with urllib.request.urlopen(UPSTREAM + path, timeout=5) as r:
                self.answer(r.status, r.read(), r.headers.get("Content-Type", ""))
        except urllib.error.HTTPError as e:
            self.answer(e.code, e.read(), e.headers.get("Content-Type", ""))

    def log_message(self, *args):
        pass


http.server.ThreadingHTTPServer(("127.0.0.1", PORT), Gateway).serve_forever()
