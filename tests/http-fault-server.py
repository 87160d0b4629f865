#! /usr/bin/env python3
"""A scripted HTTP server for the faults a real kube-apiserver cannot be
made to produce: bodies that are not JSON, bodies cut short, error bodies
that are not a Status, and watch streams with garbage in them.

Usage: http-fault-server.py PORT-FILE
Listens on a free loopback port, writes the port number to PORT-FILE, and
serves until killed.  Each path below is one scripted answer."""

import http.server
import json
import sys


def lease(name, rv):
    return {"metadata": {"name": name, "namespace": "ns",
                         "resourceVersion": str(rv)}}


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def send(self, code, body, content_length=None):
        data = body.encode() if isinstance(body, str) else body
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length",
                         str(len(data) if content_length is None
                             else content_length))
        self.end_headers()
        self.wfile.write(data)
        self.wfile.flush()

    def stream(self, chunks):
        """Sends 'chunks' with chunked encoding, then ends the stream."""
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        for chunk in chunks:
            data = chunk.encode()
            self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
            self.wfile.flush()
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    def do_GET(self):
        path, _, query = self.path.partition("?")
        params = dict(p.split("=", 1) for p in query.split("&") if "=" in p)

        if path == "/not-json":
            self.send(200, "hello world")
        elif path == "/trailing-garbage":
            self.send(200, '{"kind":"Status"} garbage')
        elif path == "/truncated":
            # Promise 100 bytes, send 20, hang up.
            self.send(200, '{"kind":"Lease","x":', content_length=100)
            self.close_connection = True
        elif path == "/error-not-status":
            self.send(500, "<html>\nbroken proxy\n</html>\n")
        elif path == "/empty-ok":
            self.send(200, "")
        elif path == "/deep-json":
            self.send(200, "[" * 5000 + "]" * 5000)
        elif path == "/garbage-watch":
            # First list: "one" at version 10.  The watch from 10 sends
            # "two" (11), then garbage.  A watch from 11 is answered with
            # 410 Gone; the next list has only "one" again (version 12).
            if params.get("watch") != "1":
                Handler.lists = getattr(Handler, "lists", 0) + 1
                rv = 10 if Handler.lists == 1 else 12
                self.send(200, json.dumps(
                    {"kind": "LeaseList",
                     "metadata": {"resourceVersion": str(rv)},
                     "items": [lease("one", 10)]}))
            elif params.get("resourceVersion") == "10":
                self.stream([json.dumps({"type": "ADDED",
                                         "object": lease("two", 11)})
                             + "\n", "xx\n"])
            else:
                self.stream([json.dumps(
                    {"type": "ERROR",
                     "object": {"kind": "Status", "code": 410,
                                "reason": "Expired",
                                "message": "too old resource version"}})
                    + "\n"])
        else:
            self.send(404, json.dumps({"kind": "Status", "code": 404,
                                       "reason": "NotFound",
                                       "message": "no script for " + path}))

    def log_message(self, fmt, *args):
        sys.stderr.write("%s\n" % (fmt % args))


def main():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    with open(sys.argv[1] + ".tmp", "w") as f:
        f.write("%d\n" % server.server_address[1])
    import os
    os.rename(sys.argv[1] + ".tmp", sys.argv[1])
    server.serve_forever()


if __name__ == "__main__":
    main()
