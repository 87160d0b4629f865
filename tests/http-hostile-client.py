#!/usr/bin/env python3
# HTTP clients that misbehave, for tests/metrics.at: each mode says what it
# saw on stdout when it ends, and creates the file named by --ready once it
# is doing its worst, so that the test can check the server meanwhile.
#
#   connections N HOST PORT    opens N connections (or until one fails) and
#                              sends nothing; ends on SIGTERM or after
#                              --hold seconds, then prints how many the
#                              server closed
#   slow HOST PORT             sends a request head one byte a second until
#                              the server closes the connection or the head
#                              is sent; prints the bytes sent, the seconds
#                              taken and the first response line if any
#   no-read HOST PORT PATH     asks for PATH with a tiny receive buffer and
#                              never reads; ends on SIGTERM or after --hold
#                              seconds
#   big HOST PORT SIZE         sends a request line with a SIZE-byte path;
#                              prints the first response line, or "closed"
#   late HOST PORT PATH        connects and sends nothing until the file
#                              named by --go exists, then asks for PATH and
#                              prints the first response line, or "closed"
#                              (not hostile: a client slow to start)
#
# --source=ADDR connects from ADDR (e.g. 127.0.0.2: another client address
# on loopback).

import argparse
import os
import signal
import socket
import sys
import time

parser = argparse.ArgumentParser()
parser.add_argument("--ready", default=None)
parser.add_argument("--hold", type=float, default=120)
parser.add_argument("--source", default=None)
parser.add_argument("--go", default=None)
parser.add_argument("mode")
parser.add_argument("args", nargs="*")
args = parser.parse_args()


def ready():
    if args.ready:
        open(args.ready, "w").close()


def connect(host, port):
    source = (args.source, 0) if args.source else None
    s = socket.create_connection((host, int(port)), timeout=10,
                                 source_address=source)
    return s


def first_line(s, timeout=10):
    """The first line the server sends on 's', or None if it closes the
    connection without one."""
    s.settimeout(timeout)
    data = b""
    try:
        while b"\r\n" not in data:
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
    except (ConnectionResetError, socket.timeout):
        pass
    return data.split(b"\r\n")[0].decode() if data else None


def is_closed(s):
    """Whether the server has closed 's' (without blocking, and leaving
    anything it sent to be read)."""
    s.setblocking(False)
    try:
        return s.recv(1, socket.MSG_PEEK) == b""
    except BlockingIOError:
        return False
    except OSError:
        return True


stop = False


def on_term(signum, frame):
    global stop
    stop = True


signal.signal(signal.SIGTERM, on_term)


def hold():
    deadline = time.monotonic() + args.hold
    while not stop and time.monotonic() < deadline:
        time.sleep(0.1)


if args.mode == "connections":
    n, host, port = int(args.args[0]), args.args[1], args.args[2]
    socks = []
    for i in range(n):
        try:
            socks.append(connect(host, port))
        except OSError as e:
            print("connection %d failed: %s" % (i + 1, e))
            break
    ready()
    hold()
    closed = sum(1 for s in socks if is_closed(s))
    print("%d connections, %d closed by the server" % (len(socks), closed))

elif args.mode == "slow":
    host, port = args.args
    head = b"GET /metrics HTTP/1.1\r\nHost: test\r\nUser-Agent: slow\r\n\r\n"
    s = connect(host, port)
    start = time.monotonic()
    sent = 0
    for byte in head:
        try:
            s.sendall(bytes([byte]))
        except OSError:
            break
        sent += 1
        if sent == 2:
            ready()
        if is_closed(s):
            break
        s.setblocking(True)
        time.sleep(1)
    s.settimeout(10)
    line = first_line(s)
    print("sent %d of %d bytes in %.0f s, answer: %s"
          % (sent, len(head), time.monotonic() - start, line))

elif args.mode == "no-read":
    host, port, path = args.args
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1024)
    if args.source:
        s.bind((args.source, 0))
    s.connect((host, int(port)))
    s.sendall(b"GET %s HTTP/1.1\r\nHost: test\r\n\r\n" % path.encode())
    ready()
    hold()
    print("held the connection without reading")

elif args.mode == "big":
    host, port, size = args.args[0], args.args[1], int(args.args[2])
    s = connect(host, port)
    request = b"GET /" + b"a" * size + b" HTTP/1.1\r\nHost: test\r\n\r\n"
    ready()
    try:
        s.sendall(request)
    except OSError:
        pass
    line = first_line(s)
    print(line if line else "closed")

elif args.mode == "late":
    host, port, path = args.args
    s = connect(host, port)
    ready()
    while not os.path.exists(args.go):
        time.sleep(0.1)
    try:
        s.sendall(b"GET %s HTTP/1.1\r\nHost: test\r\n\r\n" % path.encode())
    except OSError:
        pass
    line = first_line(s)
    print(line if line else "closed")

else:
    sys.exit("unknown mode %s" % args.mode)
