"""Local stand-ins for Google during scripts/fuzz.sh (see docs/API.md, OpenAPI).

GET /keys.json answers an empty JSON Web Key Set (every Google ID token is refused);
POST (the OAuth2 token endpoint) answers a token; any other request answers 404, as
Google Play does for a purchase token it never issued.
Usage: python3 fuzz_fakes.py PORT
"""

import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Fakes(BaseHTTPRequestHandler):
    def _send(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path == "/keys.json":
            self._send(200, {"keys": []})
        else:
            self._send(404, {"error": {"code": 404, "message": "not found"}})

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        if self.path == "/token":
            self._send(200, {"access_token": "fuzz", "expires_in": 3600, "token_type": "Bearer"})
        else:
            self._send(404, {"error": {"code": 404, "message": "not found"}})

    def log_message(self, *_):
        pass


ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Fakes).serve_forever()
