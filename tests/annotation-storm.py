#! /usr/bin/env python3
"""A pod owner's annotation storm, and an independent record of the DPU
health lease's renewals while it lasts.

Usage: annotation-storm.py SERVER CACERT ADMIN-TOKEN TENANT-TOKEN
                           LEASE-NAMESPACE LEASE POD SECONDS RATE

As the tenant (TENANT-TOKEN, a file), patches pod POD of namespace
"tenant" RATE times a second for SECONDS seconds with a
k8s.ovn.org/dpu.connection-details annotation of about 250 KiB (the API
server takes at most 256 KiB of annotations per object): one JSON object
of some 23,000 short members, the worst case for a parser that compares
every pair of members.  Each patch changes one member, so that every one
is a new version of the pod that watchers receive.

Meanwhile, as admin, watches Lease LEASE-NAMESPACE/LEASE and records when
each renewal (a new spec.renewTime) reaches this watch: the API server's
view, not the renewing agent's.  At the end prints, one per line:

    patches: N
    rate: R (patches per second)
    renewals: N
    worst gap: MS ms

where "worst gap" is the longest time between two renewals seen, from the
first renewal seen after the storm started to the end."""

import json
import socket
import ssl
import sys
import threading
import time
import http.client
import urllib.parse


def connect(server, cafile):
    u = urllib.parse.urlparse(server)
    ctx = ssl.create_default_context(cafile=cafile)
    return http.client.HTTPSConnection(u.hostname, u.port, context=ctx,
                                       timeout=30)


def watch_lease(server, cafile, token, ns, name, seen, stop):
    """Appends (time, renewTime) to 'seen' for each renewal the watch
    delivers."""
    last = None
    while not stop.is_set():
        conn = connect(server, cafile)
        path = ("/apis/coordination.k8s.io/v1/namespaces/%s/leases?watch=1&"
                "fieldSelector=metadata.name%%3D%s&timeoutSeconds=600"
                % (ns, name))
        conn.request("GET", path, headers={"Authorization": "Bearer " + token})
        resp = conn.getresponse()
        if resp.status != 200:
            raise SystemExit("lease watch: HTTP %d" % resp.status)
        while not stop.is_set():
            line = resp.readline()
            if not line:
                break
            event = json.loads(line)
            renew = event.get("object", {}).get("spec", {}).get("renewTime")
            if renew and renew != last:
                seen.append((time.time(), renew))
                last = renew
        conn.close()


def storm(server, cafile, token, pod, seconds, rate, count):
    conn = connect(server, cafile)
    members = 23000
    base = {"k%05d" % i: 0 for i in range(members)}
    period = 1.0 / rate
    start = time.time()
    n = 0
    while time.time() < start + seconds:
        base["k%05d" % (n % members)] = n
        value = json.dumps(base, separators=(",", ":"))
        body = json.dumps({"metadata": {"annotations": {
            "k8s.ovn.org/dpu.connection-details": value}}})
        conn.request("PATCH", "/api/v1/namespaces/tenant/pods/" + pod,
                     body=body,
                     headers={"Authorization": "Bearer " + token,
                              "Content-Type": "application/merge-patch+json"})
        resp = conn.getresponse()
        resp.read()
        if resp.status != 200:
            raise SystemExit("PATCH: HTTP %d" % resp.status)
        n += 1
        count[0] = n
        delay = start + n * period - time.time()
        if delay > 0:
            time.sleep(delay)


def main():
    (server, cafile, admin_file, tenant_file, ns, lease, pod, seconds,
     rate) = sys.argv[1:]
    admin = open(admin_file).read().strip()
    tenant = open(tenant_file).read().strip()
    seconds, rate = float(seconds), float(rate)

    seen = []
    stop = threading.Event()
    watcher = threading.Thread(target=watch_lease,
                               args=(server, cafile, admin, ns, lease, seen,
                                     stop), daemon=True)
    watcher.start()
    time.sleep(1)

    count = [0]
    start = time.time()
    storm(server, cafile, tenant, pod, seconds, rate, count)
    end = time.time()
    stop.set()

    times = [t for t, _ in seen if t >= start]
    gaps = [b - a for a, b in zip(times, times[1:])]
    if times:
        gaps.append(end - times[-1])
    print("patches: %d" % count[0])
    print("rate: %.1f" % (count[0] / (end - start)))
    print("renewals: %d" % len(times))
    print("worst gap: %d ms" % (max(gaps) * 1000 if gaps else -1))


if __name__ == "__main__":
    main()
