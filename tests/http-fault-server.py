#! /usr/bin/env python3
"""A scripted HTTP server for the faults a real kube-apiserver cannot be
made to produce: bodies that are not JSON, bodies cut short, error bodies
that are not a Status, watch streams with garbage in them, bodies and
watch events larger than any real object, a watch refused with a plain
HTTP 410, and watch streams that end at once, over and over.

Usage: http-fault-server.py PORT-FILE
Listens on a free loopback port, writes the port number to PORT-FILE, and
serves until killed.  Each path below is one scripted answer."""

import http.server
import json
import sys

# Must match K8S_MAX_BODY_SIZE in lib/k8s-client.h.
K8S_MAX_BODY_SIZE = 64 * 1024 * 1024


def lease(name, rv):
    return {"metadata": {"name": name, "namespace": "ns",
                         "resourceVersion": str(rv)}}


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes: without this, Nagle's
    # algorithm holds the second until the client's delayed ACK, 40 ms.
    disable_nagle_algorithm = True

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

    def write_quietly(self, data):
        """Writes 'data', ignoring a client that hung up (as it should
        when we send more than it accepts)."""
        try:
            self.wfile.write(data)
            self.wfile.flush()
            return True
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
            return False

    def count(self, name):
        counts = getattr(Handler, "counts", {})
        counts[name] = counts.get(name, 0) + 1
        Handler.counts = counts
        return counts[name]

    def empty_list(self, rv):
        self.send(200, json.dumps({"kind": "LeaseList",
                                   "metadata": {"resourceVersion": str(rv)},
                                   "items": []}))

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
        elif path == "/huge-body":
            # One byte more than the client accepts.
            n = K8S_MAX_BODY_SIZE + 1
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(n))
            self.end_headers()
            chunk = b"a" * (1024 * 1024)
            while n > 0 and self.write_quietly(chunk[:n]):
                n -= len(chunk)
            self.close_connection = True
        elif path == "/endless-watch":
            # The list is fine; the watch sends one event that never ends,
            # without a newline, until the client hangs up.
            if params.get("watch") != "1":
                self.empty_list(5)
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            data = b'{"type":"ADDED","object":{"x":"'
            while self.write_quietly(b"%x\r\n%s\r\n" % (len(data), data)):
                data = b"a" * 65536
            self.close_connection = True
        elif path == "/forbidden-watch":
            # The list is allowed; the watch is refused with a Status.
            if params.get("watch") != "1":
                self.empty_list(5)
            else:
                self.send(403, json.dumps(
                    {"kind": "Status", "apiVersion": "v1", "status": "Failure",
                     "code": 403, "reason": "Forbidden",
                     "message": "leases is forbidden: no watching here"}))
        elif path == "/gone-watch":
            # First list: "one" at version 10.  The watch from 10 is
            # refused with a plain HTTP 410 (not an ERROR event); the list
            # again is at 12, and the watch from 12 sends "two" (13).
            if params.get("watch") != "1":
                rv = 10 if self.count("gone-lists") == 1 else 12
                self.send(200, json.dumps(
                    {"kind": "LeaseList",
                     "metadata": {"resourceVersion": str(rv)},
                     "items": [lease("one", 10)]}))
            elif params.get("resourceVersion") == "10":
                self.send(410, json.dumps(
                    {"kind": "Status", "apiVersion": "v1", "status": "Failure",
                     "code": 410, "reason": "Expired",
                     "message": "too old resource version: 10 (12)"}))
            else:
                self.stream([json.dumps({"type": "ADDED",
                                         "object": lease("two", 13)})
                             + "\n"])
        elif path == "/reconnect-watch":
            # Every watch sends one BOOKMARK with a new resourceVersion and
            # ends at once, so the client reconnects as fast as it can.
            if params.get("watch") != "1":
                self.empty_list(1)
            else:
                rv = 1 + self.count("reconnects")
                self.stream([json.dumps(
                    {"type": "BOOKMARK",
                     "object": {"kind": "Lease", "metadata":
                                {"resourceVersion": str(rv)}}}) + "\n"])
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
