#! /usr/bin/env python3
"""A TCP proxy that misbehaves on demand, for faults between an agent and
the API server that neither can be made to produce: a connection that
goes silent without closing (a dead peer or middlebox), and requests held
back on their way to the server.  It sees only bytes (TLS passes through
it untouched).

Usage: tcp-fault-proxy.py PORT-FILE HOST PORT
Listens on a free loopback port, writes the port number to PORT-FILE, and
forwards each connection to HOST:PORT until killed.  Signals:

  SIGUSR1  hold: stop reading from clients, on every connection, open now
           or opened later, so that what they send waits (in the kernel's
           buffers) instead of reaching the server; answers from the
           server still flow
  SIGUSR2  release: read from clients again; what they sent goes on
  SIGHUP   blackhole: every connection open now stops forwarding in both
           directions, for good, without being closed; connections opened
           later are forwarded as usual

Each action is logged on stdout."""

import os
import selectors
import signal
import socket
import sys
import time

sel = selectors.DefaultSelector()
held = False
blackholed = set()          # Pairs that forward nothing any more.
pairs = []                  # [client, server] lists, open connections.
pending = []                # Signals not handled yet.


def log(msg):
    print("%.3f %s" % (time.time(), msg), flush=True)


def other(pair, s):
    return pair[1] if s is pair[0] else pair[0]


def close_pair(pair):
    for s in pair:
        try:
            sel.unregister(s)
        except (KeyError, ValueError):
            pass
        s.close()
    if pair in pairs:
        pairs.remove(pair)


def update_interest(pair):
    """Reads from the server always, from the client unless held; from
    neither once blackholed."""
    client, server = pair
    for s, want in ((client, not held), (server, True)):
        if id(pair) in blackholed:
            want = False
        registered = s in sel.get_map()
        if want and not registered:
            sel.register(s, selectors.EVENT_READ, pair)
        elif not want and registered:
            sel.unregister(s)


def handle_signals():
    global held
    while pending:
        signum = pending.pop(0)
        if signum == signal.SIGUSR1:
            held = True
            log("hold: not reading from clients")
        elif signum == signal.SIGUSR2:
            held = False
            log("release: reading from clients again")
        elif signum == signal.SIGHUP:
            for pair in pairs:
                blackholed.add(id(pair))
            log("blackhole: %d connection(s) silenced" % len(pairs))
        for pair in list(pairs):
            update_interest(pair)


def main():
    port_file, host, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    sel.register(listener, selectors.EVENT_READ, None)
    for signum in (signal.SIGUSR1, signal.SIGUSR2, signal.SIGHUP):
        signal.signal(signum, lambda n, f: pending.append(n))
    with open(port_file + ".tmp", "w") as f:
        f.write("%d\n" % listener.getsockname()[1])
    os.rename(port_file + ".tmp", port_file)

    while True:
        handle_signals()
        try:
            events = sel.select(timeout=0.2)
        except InterruptedError:
            continue
        for key, _ in events:
            if key.data is None:
                client, _ = listener.accept()
                try:
                    server = socket.create_connection((host, port))
                except OSError as e:
                    log("cannot reach %s:%d: %s" % (host, port, e))
                    client.close()
                    continue
                for s in (client, server):
                    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                pair = [client, server]
                pairs.append(pair)
                update_interest(pair)
                log("connection %d opened" % id(pair))
                continue
            pair, s = key.data, key.fileobj
            if s.fileno() < 0 or s not in sel.get_map():
                continue            # Closed or silenced by an earlier event.
            try:
                data = s.recv(65536)
            except OSError:
                data = b""
            if not data:
                close_pair(pair)
                continue
            try:
                other(pair, s).sendall(data)
            except OSError:
                close_pair(pair)


if __name__ == "__main__":
    main()
